// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl helpers: error messages, where the device and sysfs are, cell names,
 * reading files, numbers and hart lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvctl.h"

void hvctl_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout); /* keep stdout and stderr in order on a terminal */
	fputs("hvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *value = getenv(name);

	return value && *value ? value : fallback;
}

const char *hvctl_device_path(void)
{
	return env_or("BH_DEVICE", HVCTL_DEFAULT_DEVICE);
}

const char *hvctl_sysfs_root(void)
{
	return env_or("BH_SYSFS", HVCTL_DEFAULT_SYSFS);
}

int hvctl_open_device(void)
{
	const char *path = hvctl_device_path();
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	hvctl_error("cannot open %s: %s", path, strerror(errno));
	/* These are what a missing device node or an unloaded driver give. */
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		hvctl_error("is the bulkhead module loaded? insmod %s", HVCTL_MODULE_PATH);
	return -1;
}

void hvctl_ioctl_error(const char *what, char *err, size_t size, int error)
{
	size_t n;

	/* Do not trust the driver to terminate or trim its message. */
	err[size - 1] = '\0';
	n = strlen(err);
	while (n && err[n - 1] == '\n')
		err[--n] = '\0';
	if (n)
		hvctl_error("%s: %s", what, err);
	else if (error == ENOTTY)
		hvctl_error("%s: the driver does not know this request: is %s older than hvctl?",
			    what, HVCTL_MODULE_PATH);
	else
		hvctl_error("%s: %s", what, strerror(error));
}

int hvctl_check_cell_name(const char *command, const char *name)
{
	size_t len = strlen(name);

	if (!len) {
		hvctl_error("%s: empty cell name", command);
		return -1;
	}
	if (len > HVCTL_CELL_NAME_MAX) {
		hvctl_error("%s: cell name '%s' is %zu characters long, at most %d are allowed",
			    command, name, len, HVCTL_CELL_NAME_MAX);
		return -1;
	}
	return 0;
}

void hvctl_copy_cell_name(char dst[HVCTL_CELL_NAME_MAX + 1], const char *name)
{
	memset(dst, 0, HVCTL_CELL_NAME_MAX + 1);
	memcpy(dst, name, strnlen(name, HVCTL_CELL_NAME_MAX));
}

/* First allocation of hvctl_read_file(); it doubles from there up to the limit. */
#define READ_CHUNK (64 * 1024)

int hvctl_read_file(const char *path, size_t max_len, void **data, size_t *len)
{
	/* One byte more than allowed tells a too-large file from one that fits. */
	size_t cap = max_len < READ_CHUNK ? max_len + 1 : READ_CHUNK, used = 0;
	char *buf = malloc(cap);
	int fd, err = 0;

	*data = NULL;
	*len = 0;
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	while (used <= max_len) {
		ssize_t n;

		if (used == cap) {
			size_t new_cap = cap <= (max_len + 1) / 2 ? 2 * cap : max_len + 1;
			char *grown = realloc(buf, new_cap);

			if (!grown) {
				err = -ENOMEM;
				break;
			}
			buf = grown;
			cap = new_cap;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (!err && used > max_len)
		err = -EFBIG;
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = used;
	return 0;
}

int hvctl_read_text(const char *path, char *buf, size_t size)
{
	void *data;
	size_t len;
	int err = hvctl_read_file(path, size - 1, &data, &len);

	if (err) {
		hvctl_error("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	memcpy(buf, data, len);
	free(data);
	/* A NUL inside would hide the rest from the parsers: "1\0junk" is not "1". */
	if (memchr(buf, '\0', len)) {
		hvctl_error("%s: holds a NUL byte, expected text", path);
		return -EINVAL;
	}
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

int hvctl_read_u64(const char *path, uint64_t *value)
{
	char text[32];
	uint64_t v = 0;
	const char *p;

	if (hvctl_read_text(path, text, sizeof(text)))
		return -1;
	for (p = text; *p >= '0' && *p <= '9'; p++) {
		unsigned int digit = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - digit) / 10)
			break;
		v = v * 10 + digit;
	}
	if (p == text || *p) {
		hvctl_error("%s: expected an unsigned decimal number, found \"%s\"", path, text);
		return -1;
	}
	*value = v;
	return 0;
}

int hvctl_parse_u64(const char *text, uint64_t *value)
{
	unsigned int base = 10;
	const char *p = text;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -1;
	for (; *p; p++) {
		unsigned int digit;

		if (*p >= '0' && *p <= '9')
			digit = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			digit = (unsigned int)(*p - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - digit) / base)
			return -1;
		v = v * base + digit;
	}
	*value = v;
	return 0;
}

/* Parses a decimal hart id below 64 at *p, advancing *p. */
static int parse_hart(const char **p, unsigned int *hart)
{
	unsigned int v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned int)(*s - '0');
		if (v >= 64)
			return -1;
	}
	*p = s;
	*hart = v;
	return 0;
}

int hvctl_parse_hart_list(const char *list, uint64_t *harts)
{
	const char *p = list;
	uint64_t set = 0;

	while (*p) {
		unsigned int first, last, h;

		if (parse_hart(&p, &first))
			return -1;
		last = first;
		if (*p == '-') {
			p++;
			if (parse_hart(&p, &last) || last < first)
				return -1;
		}
		for (h = first; h <= last; h++)
			set |= 1ULL << h;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -1;
	}
	*harts = set;
	return 0;
}

void hvctl_format_hart_list(uint64_t harts, char *buf, size_t size)
{
	size_t pos = 0;
	unsigned int h = 0;

	buf[0] = '\0';
	if (!harts) {
		snprintf(buf, size, "none");
		return;
	}
	while (h < 64) {
		unsigned int last;
		int n;

		if (!((harts >> h) & 1)) {
			h++;
			continue;
		}
		last = h;
		while (last + 1 < 64 && ((harts >> (last + 1)) & 1))
			last++;
		if (last == h)
			n = snprintf(buf + pos, size - pos, "%s%u", pos ? "," : "", h);
		else
			n = snprintf(buf + pos, size - pos, "%s%u-%u", pos ? "," : "", h, last);
		if (n < 0 || (size_t)n >= size - pos)
			return; /* truncated; callers size buf for 64 harts */
		pos += (size_t)n;
		h = last + 1;
	}
}
