// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl cell stats NAME --latency [--json] | --reset: the hypervisor's
 * interrupt latency figures of a cell's lines (cells/NAME/latency: a struct
 * bh_latency_header, then one struct bh_latency_line per line of the cell's
 * config). The text and JSON formats are documented in docs/hvctl.md; tests
 * parse them, so change them together.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead/config.h>
#include <bulkhead/hypercall.h>

#include "hvctl.h"

#define PATH_LEN 4096
/* Lines 1..1023, each with its figures, and the header. */
#define LATENCY_MAX_BYTES                                                                          \
	(sizeof(struct bh_latency_header) + BH_MAX_IRQS * sizeof(struct bh_latency_line))

struct latency {
	struct bh_latency_header *hdr;
	const struct bh_latency_line *line;
};

static int read_latency(const char *command, const char *name, struct latency *lat, void **data)
{
	char path[PATH_LEN];
	size_t len;
	int ret;

	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/latency", name))
		return -1;
	ret = hvctl_read_file(path, LATENCY_MAX_BYTES, data, &len);
	if (ret) {
		hvctl_error("%s: cannot read %s: %s", command, path, strerror(-ret));
		return -1;
	}
	lat->hdr = *data;
	lat->line = (const struct bh_latency_line *)(lat->hdr + 1);
	if (len < sizeof(*lat->hdr) ||
	    len != sizeof(*lat->hdr) + (size_t)lat->hdr->num_lines * sizeof(*lat->line) ||
	    lat->hdr->count != lat->hdr->num_lines) {
		hvctl_error("%s: %s: %zu bytes, not a latency report of whole lines", command, path,
			    len);
		return -1;
	}
	return 0;
}

/* Bucket b's range of ticks, as BH_LATENCY_BUCKETS defines it. */
static void bucket_range(unsigned int b, char *buf, size_t size)
{
	if (b <= 1)
		snprintf(buf, size, "%u", b);
	else if (b == BH_LATENCY_BUCKETS - 1)
		snprintf(buf, size, "%" PRIu64 "..", (uint64_t)1 << (b - 1));
	else
		snprintf(buf, size, "%" PRIu64 "..%" PRIu64, (uint64_t)1 << (b - 1),
			 ((uint64_t)1 << b) - 1);
}

static void print_text(const char *name, const struct latency *lat)
{
	uint32_t i, shown = 0;

	printf("cell %s: interrupt latency in ticks of the time CSR (%" PRIu64 " Hz)\n", name,
	       lat->hdr->timebase_frequency);
	for (i = 0; i < lat->hdr->num_lines; i++) {
		const struct bh_latency_line *l = &lat->line[i];
		char range[48];

		if (!l->claims && !l->completes)
			continue;
		shown++;
		printf("  line %" PRIu32 ": %" PRIu64 " claimed, %" PRIu64 " completed\n", l->line,
		       l->claims, l->completes);
		printf("    %-22s  %10s  %11s\n", "ticks", "to_claim", "to_complete");
		for (unsigned int b = 0; b < BH_LATENCY_BUCKETS; b++) {
			if (!l->to_claim[b] && !l->to_complete[b])
				continue;
			bucket_range(b, range, sizeof(range));
			printf("    %-22s  %10" PRIu32 "  %11" PRIu32 "\n", range, l->to_claim[b],
			       l->to_complete[b]);
		}
		printf("    %-22s  %10" PRIu64 "  %11" PRIu64 "\n", "max", l->max_to_claim,
		       l->max_to_complete);
	}
	if (!shown)
		printf("  no interrupt on its %" PRIu32 " lines since the last reset\n",
		       lat->hdr->num_lines);
}

static void print_counts(const char *key, const uint32_t *counts)
{
	printf("\"%s\": [", key);
	for (unsigned int b = 0; b < BH_LATENCY_BUCKETS; b++)
		printf("%s%" PRIu32, b ? ", " : "", counts[b]);
	printf("]");
}

/* Every line of the cell, in the order of the hypervisor's report (ascending). */
static void print_json(const char *name, const struct latency *lat)
{
	printf("{\"cell\": \"");
	for (const char *c = name; *c; c++)
		printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
	printf("\", \"timebase_frequency\": %" PRIu64 ", \"buckets\": %u, \"lines\": [",
	       lat->hdr->timebase_frequency, BH_LATENCY_BUCKETS);
	for (uint32_t i = 0; i < lat->hdr->num_lines; i++) {
		const struct bh_latency_line *l = &lat->line[i];

		printf("%s\n  {\"line\": %" PRIu32 ", \"claims\": %" PRIu64 ", \"completes\": %" PRIu64
		       ", \"max_to_claim\": %" PRIu64 ", \"max_to_complete\": %" PRIu64 ", ",
		       i ? "," : "", l->line, l->claims, l->completes, l->max_to_claim,
		       l->max_to_complete);
		print_counts("to_claim", l->to_claim);
		printf(", ");
		print_counts("to_complete", l->to_complete);
		printf("}");
	}
	printf("\n]}\n");
}

int hvctl_cell_latency(const char *name, int json)
{
	struct latency lat;
	void *data = NULL;
	int ret = HVCTL_FAIL;

	if (read_latency("cell stats", name, &lat, &data))
		goto out;
	if (!lat.hdr->num_lines) {
		hvctl_error("cell stats: cell '%s' has no interrupt lines: no latency to show", name);
		goto out;
	}
	if (json)
		print_json(name, &lat);
	else
		print_text(name, &lat);
	ret = HVCTL_OK;
out:
	free(data);
	return ret;
}

int hvctl_cell_latency_reset(const char *name)
{
	char path[PATH_LEN];
	int fd, err = 0;

	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/latency", name))
		return HVCTL_FAIL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		err = errno;
	if (fd >= 0 && close(fd) && !err)
		err = errno;
	if (err) {
		hvctl_error("cell stats: cannot reset %s: %s", path, strerror(err));
		return HVCTL_FAIL;
	}
	return HVCTL_OK;
}
