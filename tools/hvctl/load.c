// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl cell load NAME IMAGE [-a ADDR]: write an inmate into a stopped cell's
 * loadable memory. An ELF image goes to its segments' physical addresses (the
 * cell's guest-physical view), a raw one to ADDR or the cell's entry. The
 * whole image is checked before the device is opened, so a bad file changes
 * nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead/uapi.h>

#include "hvctl.h"

/* Well above the largest loadable region of the boards (the QEMU cell pool is 48 MiB). */
#define MAX_IMAGE_SIZE (256ULL << 20)

#define USAGE "hvctl cell load NAME IMAGE [-a ADDR]"

struct load_args {
	const char *name;
	const char *image;
	uint64_t address; /* BH_LOAD_AT_ENTRY unless -a was given */
	int have_address;
};

/* BH_LOAD_AT_ENTRY is not an address: the ioctl reads it as "at the entry". */
static int parse_address(const char *text, uint64_t *address)
{
	if (!hvctl_parse_u64(text, address) && *address != BH_LOAD_AT_ENTRY)
		return 0;
	hvctl_error(
		"cell load: bad address '%s' (expected 0x... or decimal, below 0xffffffffffffffff)",
		text);
	return -1;
}

static int parse_args(int argc, char **argv, struct load_args *args)
{
	const char *operands[2];
	int i, n = 0;

	args->address = BH_LOAD_AT_ENTRY;
	args->have_address = 0;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-a")) {
			if (args->have_address) {
				hvctl_error("cell load: -a given twice");
				return -1;
			}
			if (i + 1 == argc) {
				hvctl_error("cell load: -a needs an address");
				return -1;
			}
			if (parse_address(argv[++i], &args->address))
				return -1;
			args->have_address = 1;
		} else if (arg[0] == '-' && arg[1]) {
			hvctl_error("cell load: unknown option '%s'", arg);
			return -1;
		} else if (n == 2) {
			n++;
			break;
		} else {
			operands[n++] = arg;
		}
	}
	if (n != 2) {
		hvctl_error("cell load: wrong number of arguments (usage: " USAGE ")");
		return -1;
	}
	args->name = operands[0];
	args->image = operands[1];
	return hvctl_check_cell_name("cell load", args->name);
}

/* One BH_IOCTL_CELL_LOAD; on failure prints "cell load[: what]: why" and returns -1. */
static int load_bytes(int fd, const char *name, const void *bytes, uint64_t size, uint64_t address,
		      const char *what)
{
	char err[HVCTL_DRIVER_ERR_LEN] = "", prefix[128];
	struct bh_ioctl_cell_load req;

	memset(&req, 0, sizeof(req));
	hvctl_copy_cell_name(req.name, name);
	req.image_ptr = (uintptr_t)bytes;
	req.image_size = size;
	req.address = address;
	req.err_ptr = (uintptr_t)err;
	req.err_size = sizeof(err);
	if (ioctl(fd, BH_IOCTL_CELL_LOAD, &req) == 0)
		return 0;
	snprintf(prefix, sizeof(prefix), "cell load%s%s", *what ? ": " : "", what);
	hvctl_ioctl_error(prefix, err, sizeof(err), errno);
	return -1;
}

static int load_segments(int fd, const char *name, const uint8_t *image,
			 const struct hvctl_segment *segs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const struct hvctl_segment *seg = &segs[i];
		const uint8_t *bytes = image + seg->offset;
		uint8_t *filled = NULL;
		char what[96];
		int ret;

		/* The zeros after the file bytes are sent too: one request per segment. */
		if (seg->memsz > seg->filesz) {
			filled = calloc(1, seg->memsz);
			if (!filled) {
				hvctl_error("cell load: out of memory");
				return -1;
			}
			memcpy(filled, bytes, seg->filesz);
			bytes = filled;
		}
		snprintf(what, sizeof(what),
			 "segment %zu of %zu (0x%" PRIx64 " bytes at 0x%" PRIx64 ")", i + 1, count,
			 seg->memsz, seg->paddr);
		ret = load_bytes(fd, name, bytes, seg->memsz, seg->paddr, what);
		free(filled);
		if (ret)
			return -1;
	}
	return 0;
}

/* Checks the ELF image and finds its segments; prints why not and returns -1 if it is bad. */
static int elf_plan(const struct load_args *args, const void *data, size_t len,
		    struct hvctl_segment **segs, size_t *count)
{
	char err[256];

	if (args->have_address) {
		/* Its segments say where they go. */
		hvctl_error("cell load: %s is an ELF file: -a is for raw images", args->image);
		return -1;
	}
	if (hvctl_elf_segments(data, len, MAX_IMAGE_SIZE, segs, count, err, sizeof(err))) {
		hvctl_error("cell load: %s: %s", args->image, err);
		return -1;
	}
	return 0;
}

int hvctl_cmd_cell_load(int argc, char **argv)
{
	struct hvctl_segment *segs = NULL;
	struct load_args args;
	size_t len, count = 0;
	int fd, ret, elf;
	void *data;

	if (parse_args(argc, argv, &args))
		return HVCTL_USAGE;
	ret = hvctl_read_file(args.image, MAX_IMAGE_SIZE, &data, &len);
	if (ret) {
		hvctl_error("cannot read %s: %s", args.image, strerror(-ret));
		return HVCTL_FAIL;
	}
	elf = hvctl_is_elf(data, len);
	if (elf && elf_plan(&args, data, len, &segs, &count))
		goto fail;
	if (!elf && !len) {
		hvctl_error("cell load: %s is empty", args.image);
		goto fail;
	}
	fd = hvctl_open_device();
	if (fd < 0)
		goto fail;
	if (elf)
		ret = load_segments(fd, args.name, data, segs, count);
	else
		ret = load_bytes(fd, args.name, data, len, args.address, "");
	close(fd);
	free(segs);
	free(data);
	return ret ? HVCTL_FAIL : HVCTL_OK;
fail:
	free(segs);
	free(data);
	return HVCTL_FAIL;
}
