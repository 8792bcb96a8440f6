// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl console [-f], hvctl cell console NAME [-f]: print the hypervisor's or
 * a cell's console ring, and with -f keep printing what is added until
 * interrupted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bulkhead/uapi.h>

#include "hvctl.h"

#define CHUNK_SIZE	 4096
#define POLL_INTERVAL_NS 100000000L /* 100 ms */

struct console_out {
	int at_line_start; /* so a "bytes lost" note gets a line of its own */
};

/* One read of a console ring: in, pos; out, the rest (as struct bh_ioctl_console). */
struct console_chunk {
	uint64_t pos;
	uint64_t length;
	uint64_t skipped;
};

static int emit(struct console_out *out, const char *buf, size_t len)
{
	if (!len)
		return 0;
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout))
		return -1;
	out->at_line_start = buf[len - 1] == '\n';
	return 0;
}

static int emit_lost(struct console_out *out, uint64_t skipped)
{
	if (printf("%s[... %" PRIu64 " bytes lost ...]\n", out->at_line_start ? "" : "\n",
		   skipped) < 0)
		return -1;
	out->at_line_start = 1;
	return 0;
}

static void sleep_poll_interval(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = POLL_INTERVAL_NS };

	nanosleep(&ts, NULL);
}

/* The hypervisor's console when cell is NULL, else that cell's. */
static int read_chunk(int fd, const char *cell, char *buf, size_t size, struct console_chunk *c)
{
	int ret;

	if (!cell) {
		struct bh_ioctl_console req = {
			.buf_ptr = (uintptr_t)buf,
			.buf_size = size,
			.pos = c->pos,
		};

		ret = ioctl(fd, BH_IOCTL_CONSOLE, &req);
		if (!ret) {
			c->pos = req.pos;
			c->length = req.length;
			c->skipped = req.skipped;
		}
	} else {
		struct bh_ioctl_cell_console req = {
			.buf_ptr = (uintptr_t)buf,
			.buf_size = size,
			.pos = c->pos,
		};

		hvctl_copy_cell_name(req.name, cell);
		ret = ioctl(fd, BH_IOCTL_CELL_CONSOLE, &req);
		if (!ret) {
			c->pos = req.pos;
			c->length = req.length;
			c->skipped = req.skipped;
		}
	}
	return ret;
}

/* what names the console in messages: "console", "cell console: NAME". */
static int print_console(const char *what, const char *cell, int follow)
{
	struct console_out out = { .at_line_start = 1 };
	struct console_chunk chunk = { 0 };
	static char buf[CHUNK_SIZE];
	int fd, ret = HVCTL_OK;

	fd = hvctl_open_device();
	if (fd < 0)
		return HVCTL_FAIL;
	for (;;) {
		if (read_chunk(fd, cell, buf, sizeof(buf), &chunk) < 0) {
			char no_message[1] = "";

			if (errno == EINTR)
				continue;
			hvctl_ioctl_error(what, no_message, sizeof(no_message), errno);
			ret = HVCTL_FAIL;
			break;
		}
		if (chunk.length > sizeof(buf)) {
			hvctl_error("%s: driver returned %" PRIu64 " bytes for a %zu-byte buffer",
				    what, chunk.length, sizeof(buf));
			ret = HVCTL_FAIL;
			break;
		}
		if ((chunk.skipped && emit_lost(&out, chunk.skipped)) ||
		    emit(&out, buf, (size_t)chunk.length)) {
			hvctl_error("%s: cannot write: %s", what, strerror(errno));
			ret = HVCTL_FAIL;
			break;
		}
		if (chunk.length)
			continue; /* drain what is there before waiting */
		if (!follow)
			break;
		sleep_poll_interval();
	}
	close(fd);
	return ret;
}

/*
 * -f (--follow) anywhere; the other arguments are operands, of which there
 * must be exactly num_operands. Prints what is wrong and returns -1.
 */
static int parse_args(const char *command, const char *usage, int argc, char **argv, int *follow,
		      char **operands, int num_operands)
{
	int i, n = 0;

	*follow = 0;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			*follow = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			hvctl_error("%s: unknown option '%s'", command, argv[i]);
			return -1;
		} else if (n < num_operands) {
			operands[n++] = argv[i];
		} else {
			n++;
			break;
		}
	}
	if (n != num_operands) {
		hvctl_error("%s: wrong number of arguments (usage: %s)", command, usage);
		return -1;
	}
	return 0;
}

int hvctl_cmd_console(int argc, char **argv)
{
	int follow;

	if (parse_args("console", "hvctl console [-f]", argc, argv, &follow, NULL, 0))
		return HVCTL_USAGE;
	return print_console("console", NULL, follow);
}

int hvctl_cmd_cell_console(int argc, char **argv)
{
	char *name, what[64];
	int follow;

	if (parse_args("cell console", "hvctl cell console NAME [-f]", argc, argv, &follow, &name,
		       1) ||
	    hvctl_check_cell_name("cell console", name))
		return HVCTL_USAGE;
	snprintf(what, sizeof(what), "cell console: %s", name);
	return print_console(what, name, follow);
}
