// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Plays /dev/bulkhead for hvctl's host tests; see test_hvctl.py. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/uapi.h>

static void log_call(const char *fmt, ...)
{
	FILE *f = fopen(getenv("SHIM_LOG"), "a");
	va_list ap;

	if (!f)
		abort();
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* How many ioctls this process made, this one included. */
static int calls;

/* SHIM_ERRNO: fail with it; SHIM_FAIL_AT: only the call with that number (from 1). */
static int fail_if_asked(void)
{
	const char *e = getenv("SHIM_ERRNO"), *at = getenv("SHIM_FAIL_AT");

	if (at && *at && atoi(at) != calls)
		return 0;
	if (e && *e) {
		errno = atoi(e);
		return -1;
	}
	return 0;
}

/* SHIM_MESSAGE into the caller's message buffer, cut to fit (not terminated if cut). */
static void give_message(uint64_t err_ptr, uint64_t err_size)
{
	const char *msg = getenv("SHIM_MESSAGE");

	if (msg && err_ptr)
		memcpy((void *)(uintptr_t)err_ptr, msg,
		       strlen(msg) + 1 < err_size ? strlen(msg) + 1 : err_size);
}

/* A cell name as the driver would read it: NUL-terminated and zero-padded, else BADNAME. */
static const char *cell_name(const char name[32])
{
	size_t len = strnlen(name, 32), i;

	if (len == 32)
		return "BADNAME";
	for (i = len; i < 32; i++)
		if (name[i])
			return "BADNAME";
	return name;
}

static void save(const char *path, const void *data, uint64_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

static int cell_load(struct bh_ioctl_cell_load *l)
{
	static int loads;
	char path[4096];

	snprintf(path, sizeof(path), "%s/load%d.bin", getenv("SHIM_LOADS"), loads++);
	save(path, (void *)(uintptr_t)l->image_ptr, l->image_size);
	log_call("cell_load %s %#llx %llu %llu", cell_name(l->name),
		 (unsigned long long)l->address, (unsigned long long)l->image_size,
		 (unsigned long long)l->err_size);
	give_message(l->err_ptr, l->err_size);
	return fail_if_asked();
}

static int cell_request(const char *op, struct bh_ioctl_cell *c)
{
	log_call("%s %s %llu", op, cell_name(c->name), (unsigned long long)c->err_size);
	give_message(c->err_ptr, c->err_size);
	return fail_if_asked();
}

/* The console: SHIM_CONSOLE holds every byte ever written, the ring keeps the last SHIM_RING. */
static int console(struct bh_ioctl_console *c, const char *op)
{
	static char all[1 << 20];
	FILE *f = fopen(getenv("SHIM_CONSOLE"), "rb");
	uint64_t head, ring = strtoull(getenv("SHIM_RING"), NULL, 0), start, pos = c->pos, n;

	if (!f)
		abort();
	head = fread(all, 1, sizeof(all), f);
	fclose(f);
	start = head > ring ? head - ring : 0;
	if (pos > head) {
		errno = EINVAL;
		return -1;
	}
	c->skipped = pos < start ? start - pos : 0;
	if (pos < start)
		pos = start;
	n = head - pos < c->buf_size ? head - pos : c->buf_size;
	memcpy((void *)(uintptr_t)c->buf_ptr, all + pos, n);
	c->length = n;
	c->pos = pos + n;
	log_call("%s %llu %llu", op, (unsigned long long)c->buf_size, (unsigned long long)n);
	return 0;
}

/*
 * Console input: SHIM_SEND_TAKE bytes at most per call (all if unset), appended
 * to the file SHIM_SENT; logged as "cell_send NAME SIZE TAKEN".
 */
static int cell_send(struct bh_ioctl_cell_send *req)
{
	const char *take = getenv("SHIM_SEND_TAKE");
	uint64_t n = req->buf_size;
	FILE *f;

	if (fail_if_asked()) {
		give_message(req->err_ptr, req->err_size);
		return -1;
	}
	if (take && *take && (uint64_t)atoll(take) < n)
		n = (uint64_t)atoll(take);
	f = fopen(getenv("SHIM_SENT"), "ab");
	if (!f || fwrite((const void *)(uintptr_t)req->buf_ptr, 1, n, f) != n)
		abort();
	fclose(f);
	log_call("cell_send %s %llu %llu", cell_name(req->name), (unsigned long long)req->buf_size,
		 (unsigned long long)n);
	req->taken = n;
	return 0;
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	calls++;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == BH_IOCTL_ENABLE) {
		struct bh_ioctl_enable *e = arg;

		save(getenv("SHIM_CONFIG"), (void *)(uintptr_t)e->config_ptr, e->config_size);
		log_call("enable %llu %llu", (unsigned long long)e->config_size,
			 (unsigned long long)e->err_size);
		give_message(e->err_ptr, e->err_size);
		return fail_if_asked();
	}
	if (request == BH_IOCTL_CELL_CREATE) {
		struct bh_ioctl_cell_create *c = arg;

		save(getenv("SHIM_CONFIG"), (void *)(uintptr_t)c->config_ptr, c->config_size);
		log_call("cell_create %llu %llu", (unsigned long long)c->config_size,
			 (unsigned long long)c->err_size);
		give_message(c->err_ptr, c->err_size);
		return fail_if_asked();
	}
	if (request == BH_IOCTL_DISABLE) {
		log_call("disable");
		return fail_if_asked();
	}
	if (request == BH_IOCTL_CONSOLE) {
		if (fail_if_asked())
			return -1;
		return console(arg, "console");
	}
	if (request == BH_IOCTL_CELL_CONSOLE) {
		struct bh_ioctl_cell_console *c = arg;
		struct bh_ioctl_console plain = {
			.buf_ptr = c->buf_ptr, .buf_size = c->buf_size, .pos = c->pos,
		};
		char op[64];

		if (fail_if_asked())
			return -1;
		snprintf(op, sizeof(op), "cell_console %s", cell_name(c->name));
		if (console(&plain, op))
			return -1;
		c->pos = plain.pos;
		c->length = plain.length;
		c->skipped = plain.skipped;
		return 0;
	}
	if (request == BH_IOCTL_CELL_SEND)
		return cell_send(arg);
	if (request == BH_IOCTL_CELL_LOAD)
		return cell_load(arg);
	if (request == BH_IOCTL_CELL_START)
		return cell_request("cell_start", arg);
	if (request == BH_IOCTL_CELL_SHUTDOWN)
		return cell_request("cell_shutdown", arg);
	if (request == BH_IOCTL_CELL_DESTROY)
		return cell_request("cell_destroy", arg);
	log_call("unknown %#lx", request);
	errno = ENOTTY;
	return -1;
}
