// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configs behind a cell's device tree and the loading of a Linux cell:
 * the cell's config and the system config, from files (--config, --system:
 * also off the board) or read back from the driver, which shows the config
 * each cell was made from as cells/NAME/config (the system config for the
 * root cell). Both are validated as enable and cell create would, and the
 * cell is checked to fit the system, so what follows may trust them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>

#include "hvctl.h"

#define PATH_LEN 4096

/* Far larger than any valid config, as config.c reads them. */
#define MAX_CONFIG_SIZE (1 << 20)

static const char system_signature[BH_SYSTEM_SIGNATURE_LEN] = BH_SYSTEM_SIGNATURE_INIT;

static int is_system_config(const void *data, size_t len)
{
	return len >= sizeof(system_signature) &&
	       !memcmp(data, system_signature, sizeof(system_signature));
}

/* The driver's copy of a cell's config; the caller validates it. */
static int read_driver_config(const char *command, const char *name, void **data, size_t *len)
{
	char path[PATH_LEN];
	int ret;

	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/config", name))
		return -1;
	ret = hvctl_read_file(path, MAX_CONFIG_SIZE, data, len);
	if (ret == -ENOENT) {
		hvctl_error("%s: %s is missing: is %s older than hvctl?", command, path,
			    HVCTL_MODULE_PATH);
		return -1;
	}
	if (ret) {
		hvctl_error("%s: cannot read %s: %s", command, path, strerror(-ret));
		return -1;
	}
	return 0;
}

/* Whether the hypervisor runs and has a cell called name; prints why not. */
static int check_driver_cell(const char *command, const char *name)
{
	char path[PATH_LEN];
	struct stat st;

	if (hvctl_require_enabled(command))
		return -1;
	/* A name sysfs cannot hold is no cell's. */
	if (!strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..")) {
		if (hvctl_sysfs_path(path, sizeof(path), "cells/%s", name))
			return -1;
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			return 0;
	}
	hvctl_error("%s: no cell '%s'", command, name);
	return -1;
}

int hvctl_read_cell_config(const char *command, const char *name, const char *path,
			   struct hvctl_configs *cfg)
{
	char err[BH_CONFIG_ERR_LEN], shown[PATH_LEN];

	memset(cfg, 0, sizeof(*cfg));
	if (path) {
		if (hvctl_read_config(path, bh_config_check_cell, &cfg->cell_data, &cfg->cell_len))
			return -1;
		cfg->cell = cfg->cell_data;
		return 0;
	}
	if (check_driver_cell(command, name) ||
	    read_driver_config(command, name, &cfg->cell_data, &cfg->cell_len))
		return -1;
	if (is_system_config(cfg->cell_data, cfg->cell_len)) {
		hvctl_error("%s: '%s' is the root cell", command, name);
		goto fail;
	}
	if (bh_config_check_cell(cfg->cell_data, cfg->cell_len, err, sizeof(err))) {
		hvctl_sysfs_path(shown, sizeof(shown), "cells/%s/config", name);
		hvctl_error("%s: %s: %s", command, shown, err);
		goto fail;
	}
	cfg->cell = cfg->cell_data;
	return 0;
fail:
	hvctl_free_configs(cfg);
	return -1;
}

/* The root cell's config, which is the system config: the one cell whose config is one. */
int hvctl_read_driver_system(const char *command, struct hvctl_configs *cfg)
{
	char err[BH_CONFIG_ERR_LEN], **names;
	size_t count, i;
	int ret = -1;

	if (hvctl_list_cell_names(&names, &count))
		return -1;
	for (i = 0; i < count && !cfg->sys_data; i++) {
		void *data;
		size_t len;

		if (read_driver_config(command, names[i], &data, &len))
			goto out;
		if (!is_system_config(data, len)) {
			free(data);
			continue;
		}
		cfg->sys_data = data;
		cfg->sys_len = len;
		if (bh_config_check_system(data, len, err, sizeof(err))) {
			hvctl_error("%s: the system config of root cell '%s': %s", command,
				    names[i], err);
			goto out;
		}
	}
	if (!cfg->sys_data) {
		hvctl_error("%s: no cell in %s/cells shows the system config", command,
			    hvctl_sysfs_root());
		goto out;
	}
	ret = 0;
out:
	hvctl_free_names(names, count);
	return ret;
}

int hvctl_read_system_config(const char *command, const char *path, struct hvctl_configs *cfg)
{
	char err[BH_CONFIG_ERR_LEN];

	if (path) {
		if (hvctl_read_config(path, bh_config_check_system, &cfg->sys_data, &cfg->sys_len))
			return -1;
	} else if (hvctl_read_driver_system(command, cfg)) {
		return -1;
	}
	if (bh_config_check_cell_fits(cfg->sys_data, cfg->cell, err, sizeof(err))) {
		hvctl_error("%s: %s", command, err);
		return -1;
	}
	cfg->sys = cfg->sys_data;
	return 0;
}

void hvctl_free_configs(struct hvctl_configs *cfg)
{
	free(cfg->cell_data);
	free(cfg->sys_data);
	memset(cfg, 0, sizeof(*cfg));
}
