// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a config file for enable and cell create: the same validator the
 * driver and the hypervisor run, so a config hvctl accepts is one they accept
 * too, and a broken one is reported without touching the device.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <bulkhead/config_check.h>
#include <bulkhead/uapi.h>

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

/* enable and cell create hand over a config the same way: one request layout serves both. */
_Static_assert(sizeof(struct bh_ioctl_enable) == sizeof(struct bh_ioctl_cell_create) &&
		       offsetof(struct bh_ioctl_enable, err_ptr) ==
			       offsetof(struct bh_ioctl_cell_create, err_ptr) &&
		       offsetof(struct bh_ioctl_enable, err_size) ==
			       offsetof(struct bh_ioctl_cell_create, err_size),
	       "enable and cell create requests differ");

int hvctl_send_config(const char *command, const char *path, hvctl_config_check_fn *check,
		      unsigned long request)
{
	char err[HVCTL_DRIVER_ERR_LEN] = "";
	struct bh_ioctl_enable req;
	void *data;
	size_t len;
	int fd, ret;

	if (hvctl_read_config(path, check, &data, &len))
		return HVCTL_FAIL;
	fd = hvctl_open_device();
	if (fd < 0) {
		free(data);
		return HVCTL_FAIL;
	}
	req.config_ptr = (uintptr_t)data;
	req.config_size = len;
	req.err_ptr = (uintptr_t)err;
	req.err_size = sizeof(err);
	ret = ioctl(fd, request, &req);
	if (ret < 0)
		hvctl_ioctl_error(command, err, sizeof(err), errno);
	close(fd);
	free(data);
	return ret < 0 ? HVCTL_FAIL : HVCTL_OK;
}
