// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a config file for enable and cell create: the same validator the
 * driver and the hypervisor run, so a config hvctl accepts is one they accept
 * too, and a broken one is reported without touching the device.
 */
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config_check.h>

#include "hvctl.h"

/* Far larger than any valid config: a system config with 64 regions is 2760 bytes. */
#define MAX_CONFIG_SIZE (1 << 20)

int hvctl_read_config(const char *path, hvctl_config_check_fn *check, void **data, size_t *len)
{
	char err[BH_CONFIG_ERR_LEN];
	int ret;

	ret = hvctl_read_file(path, MAX_CONFIG_SIZE, data, len);
	if (ret) {
		hvctl_error("cannot read %s: %s", path, strerror(-ret));
		return -1;
	}
	if (check(*data, *len, err, sizeof(err))) {
		hvctl_error("%s: %s", path, err);
		free(*data);
		*data = NULL;
		return -1;
	}
	return 0;
}
