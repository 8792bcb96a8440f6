// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Console input for a cell: hvctl cell send NAME TEXT, and what hvctl cell
 * console NAME -i types. The cell's input buffer is small (the hypervisor's
 * CONSOLE_INPUT_SIZE); what it does not take now is sent again a little
 * later, so a long text gets through to a cell that keeps reading, and a cell
 * that stopped reading gets an error instead of a hang.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bulkhead/uapi.h>

#include "hvctl.h"

#define SEND_MAX	   4096
#define RETRY_INTERVAL_NS  20000000L /* 20 ms */
#define RETRY_FOR_NS	   10000000000LL /* 10 s without progress */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hvctl_unescape(const char *text, char *out, size_t size, size_t *len)
{
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		char c = *p;

		if (c == '\\') {
			int hi, lo;

			switch (*++p) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'e': c = 0x1b; break;
			case '\\': c = '\\'; break;
			case 'x':
				hi = hex_digit(p[1]);
				lo = hi < 0 ? -1 : hex_digit(p[2]);
				if (lo < 0) {
					hvctl_error("cell send: '\\x' needs two hex digits in '%s'", text);
					return -1;
				}
				c = (char)(hi << 4 | lo);
				p += 2;
				break;
			case '\0':
				hvctl_error("cell send: '\\' at the end of '%s'", text);
				return -1;
			default:
				hvctl_error("cell send: unknown escape '\\%c' (known: \\n \\r \\t \\e "
					    "\\\\ \\xHH)", *p);
				return -1;
			}
		}
		if (n == size) {
			hvctl_error("cell send: text longer than %zu bytes", size);
			return -1;
		}
		out[n++] = c;
	}
	*len = n;
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int hvctl_send_input(int fd, const char *name, const char *bytes, size_t len)
{
	long long last_progress = now_ns();
	size_t done = 0;

	while (done < len) {
		char err[HVCTL_DRIVER_ERR_LEN] = "";
		struct bh_ioctl_cell_send req = {
			.buf_ptr = (uintptr_t)(bytes + done),
			.buf_size = len - done,
			.err_ptr = (uintptr_t)err,
			.err_size = sizeof(err),
		};
		struct timespec pause = { .tv_sec = 0, .tv_nsec = RETRY_INTERVAL_NS };

		hvctl_copy_cell_name(req.name, name);
		if (ioctl(fd, BH_IOCTL_CELL_SEND, &req) < 0) {
			if (errno == EINTR)
				continue;
			hvctl_ioctl_error("cell send", err, sizeof(err), errno);
			return -1;
		}
		if (req.taken > len - done) {
			hvctl_error("cell send: driver took %llu bytes of %zu",
				    (unsigned long long)req.taken, len - done);
			return -1;
		}
		done += req.taken;
		if (req.taken)
			last_progress = now_ns();
		else if (now_ns() - last_progress > RETRY_FOR_NS) {
			hvctl_error("cell send: cell '%s' took %zu of %zu bytes and no more for 10 s: "
				    "it is not reading its console input",
				    name, done, len);
			return -1;
		}
		if (done < len)
			nanosleep(&pause, NULL);
	}
	return 0;
}

int hvctl_cmd_cell_send(int argc, char **argv)
{
	static char bytes[SEND_MAX];
	size_t len;
	int fd, ret;

	if (argc != 2) {
		hvctl_error("cell send: wrong number of arguments (usage: hvctl cell send NAME TEXT)");
		return HVCTL_USAGE;
	}
	if (hvctl_check_cell_name("cell send", argv[0]) ||
	    hvctl_unescape(argv[1], bytes, sizeof(bytes), &len))
		return HVCTL_USAGE;
	fd = hvctl_open_device();
	if (fd < 0)
		return HVCTL_FAIL;
	ret = hvctl_send_input(fd, argv[0], bytes, len) ? HVCTL_FAIL : HVCTL_OK;
	close(fd);
	return ret;
}
