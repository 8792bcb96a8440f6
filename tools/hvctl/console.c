// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl console [-f], hvctl cell console NAME [-f | -i]: print the
 * hypervisor's or a cell's console ring, and with -f keep printing what is
 * added until interrupted. With -i the terminal's input goes to the cell too
 * (raw, so Ctrl-C reaches the cell), until Ctrl-] or the end of the input.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <bulkhead/uapi.h>

#include "hvctl.h"

#define CHUNK_SIZE	 4096
#define POLL_INTERVAL_NS 100000000L /* 100 ms */
#define POLL_INTERVAL_MS 100
#define LEAVE_KEY	 0x1d /* Ctrl-] as telnet has it */

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

/*
 * -i: what the terminal typed, to the cell. Returns 1 when the user leaves
 * (Ctrl-] or the end of the input), 0 to go on, -1 on an error (printed).
 */
static int forward_input(int fd, const char *cell)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[256], *leave;
	ssize_t n;

	if (poll(&in, 1, POLL_INTERVAL_MS) <= 0)
		return 0;
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 1;
	leave = memchr(buf, LEAVE_KEY, (size_t)n);
	if (hvctl_send_input(fd, cell, buf, leave ? (size_t)(leave - buf) : (size_t)n))
		return -1;
	return leave ? 1 : 0;
}

/* Raw input on a terminal (output untouched); *saved to restore it. */
static int terminal_raw(struct termios *saved)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved))
		return 0;
	raw = *saved;
	raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(ICRNL | IXON);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw))
		return 0;
	return 1;
}

/* what names the console in messages: "console", "cell console: NAME". */
static int print_console(const char *what, const char *cell, int follow, int interactive)
{
	struct console_out out = { .at_line_start = 1 };
	struct console_chunk chunk = { 0 };
	static char buf[CHUNK_SIZE];
	struct termios saved;
	int fd, raw = 0, ret = HVCTL_OK;

	fd = hvctl_open_device();
	if (fd < 0)
		return HVCTL_FAIL;
	if (interactive) {
		raw = terminal_raw(&saved);
		fprintf(stderr, "hvctl: console of cell '%s': your input goes to it; Ctrl-] leaves\n",
			cell);
	}
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
		if (interactive) {
			int input = forward_input(fd, cell);

			if (input) {
				ret = input < 0 ? HVCTL_FAIL : HVCTL_OK;
				break;
			}
			continue;
		}
		sleep_poll_interval();
	}
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(fd);
	return ret;
}

/*
 * -f (--follow) anywhere; the other arguments are operands, of which there
 * must be exactly num_operands. Prints what is wrong and returns -1.
 */
static int parse_args(const char *command, const char *usage, int argc, char **argv, int *follow,
		      int *interactive, char **operands, int num_operands)
{
	int i, n = 0;

	*follow = 0;
	if (interactive)
		*interactive = 0;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			*follow = 1;
		} else if (interactive && (!strcmp(argv[i], "-i") ||
					   !strcmp(argv[i], "--interactive"))) {
			*follow = 1;
			*interactive = 1;
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

	if (parse_args("console", "hvctl console [-f]", argc, argv, &follow, NULL, NULL, 0))
		return HVCTL_USAGE;
	return print_console("console", NULL, follow, 0);
}

int hvctl_cmd_cell_console(int argc, char **argv)
{
	char *name, what[64];
	int follow, interactive;

	if (parse_args("cell console", "hvctl cell console NAME [-f | -i]", argc, argv, &follow,
		       &interactive, &name, 1) ||
	    hvctl_check_cell_name("cell console", name))
		return HVCTL_USAGE;
	snprintf(what, sizeof(what), "cell console: %s", name);
	return print_console(what, name, follow, interactive);
}
