// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl console [-f]: print the hypervisor's console ring, and with -f keep
 * printing what is added until interrupted.
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
	struct timespec ts = {.tv_sec = 0, .tv_nsec = POLL_INTERVAL_NS};

	nanosleep(&ts, NULL);
}

static int parse_options(int argc, char **argv, int *follow)
{
	int i;

	*follow = 0;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			*follow = 1;
		} else {
			hvctl_error("console: unknown option '%s'", argv[i]);
			return -1;
		}
	}
	return 0;
}

int hvctl_cmd_console(int argc, char **argv)
{
	struct console_out out = {.at_line_start = 1};
	static char buf[CHUNK_SIZE];
	uint64_t pos = 0;
	int fd, follow, ret = HVCTL_OK;

	if (parse_options(argc, argv, &follow))
		return HVCTL_USAGE;
	fd = hvctl_open_device();
	if (fd < 0)
		return HVCTL_FAIL;
	for (;;) {
		struct bh_ioctl_console req = {
		    .buf_ptr = (uintptr_t)buf,
		    .buf_size = sizeof(buf),
		    .pos = pos,
		};

		if (ioctl(fd, BH_IOCTL_CONSOLE, &req) < 0) {
			if (errno == EINTR)
				continue;
			hvctl_error("console: %s", strerror(errno));
			ret = HVCTL_FAIL;
			break;
		}
		if (req.length > sizeof(buf)) {
			hvctl_error("console: driver returned %" PRIu64
				    " bytes for a %zu-byte buffer",
				    req.length, sizeof(buf));
			ret = HVCTL_FAIL;
			break;
		}
		if ((req.skipped && emit_lost(&out, req.skipped)) ||
		    emit(&out, buf, (size_t)req.length)) {
			hvctl_error("console: cannot write: %s", strerror(errno));
			ret = HVCTL_FAIL;
			break;
		}
		pos = req.pos;
		if (req.length)
			continue; /* drain what is there before waiting */
		if (!follow)
			break;
		sleep_poll_interval();
	}
	close(fd);
	return ret;
}
