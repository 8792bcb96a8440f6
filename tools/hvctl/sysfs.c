// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The driver's sysfs directory (/sys/devices/bulkhead or $BH_SYSFS): paths
 * in it, the enabled flag and the cells' names. The layout is the driver's
 * (driver/sysfs.c); docs/hvctl.md lists what hvctl reads.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

#define PATH_LEN 4096

int hvctl_sysfs_path(char *path, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(path, size, "%s/", hvctl_sysfs_root());
	if (n < 0 || (size_t)n >= size)
		goto too_long;
	va_start(ap, fmt);
	m = vsnprintf(path + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= size - (size_t)n)
		goto too_long;
	return 0;
too_long:
	hvctl_error("sysfs path under %s too long", hvctl_sysfs_root());
	return -1;
}

int hvctl_read_enabled(int *enabled)
{
	char path[PATH_LEN], text[16];
	int ret;

	if (hvctl_sysfs_path(path, sizeof(path), "enabled"))
		return -1;
	ret = hvctl_read_text(path, text, sizeof(text));
	if (ret == -ENOENT)
		hvctl_error("is the bulkhead module loaded? insmod %s", HVCTL_MODULE_PATH);
	if (ret)
		return -1;
	if (strcmp(text, "0") && strcmp(text, "1")) {
		hvctl_error("%s: expected 0 or 1, found \"%s\"", path, text);
		return -1;
	}
	*enabled = text[0] == '1';
	return 0;
}

int hvctl_require_enabled(const char *command)
{
	int enabled;

	if (hvctl_read_enabled(&enabled))
		return -1;
	if (!enabled) {
		hvctl_error("%s: hypervisor not enabled", command);
		return -1;
	}
	return 0;
}

void hvctl_free_names(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory order is arbitrary: the names are sorted for a stable output. */
int hvctl_list_cell_names(char ***names, size_t *count)
{
	char path[PATH_LEN], **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	*names = NULL;
	*count = 0;
	if (hvctl_sysfs_path(path, sizeof(path), "cells"))
		return -1;
	dir = opendir(path);
	if (!dir) {
		hvctl_error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t new_cap = cap ? 2 * cap : 4;
			char **grown = realloc(list, new_cap * sizeof(*list));

			if (!grown)
				goto nomem;
			list = grown;
			cap = new_cap;
		}
		list[n] = strdup(de->d_name);
		if (!list[n])
			goto nomem;
		n++;
	}
	if (errno) {
		hvctl_error("cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	closedir(dir);
	if (n)
		qsort(list, n, sizeof(*list), compare_names);
	*names = list;
	*count = n;
	return 0;
nomem:
	hvctl_error("out of memory");
fail:
	closedir(dir);
	hvctl_free_names(list, n);
	return -1;
}
