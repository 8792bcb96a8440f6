// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl enable FILE, hvctl disable: start and stop the hypervisor through
 * /dev/bulkhead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead/config_check.h>
#include <bulkhead/uapi.h>

#include "hvctl.h"

int hvctl_cmd_enable(int argc, char **argv)
{
	char err[HVCTL_DRIVER_ERR_LEN] = "";
	struct bh_ioctl_enable req;
	void *data;
	size_t len;
	int fd, ret;

	(void)argc;
	if (hvctl_read_config(argv[0], bh_config_check_system, &data, &len))
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
	ret = ioctl(fd, BH_IOCTL_ENABLE, &req);
	if (ret < 0)
		hvctl_ioctl_error("enable", err, sizeof(err), errno);
	close(fd);
	free(data);
	return ret < 0 ? HVCTL_FAIL : HVCTL_OK;
}

int hvctl_cmd_disable(int argc, char **argv)
{
	int fd, ret;

	(void)argc;
	(void)argv;
	fd = hvctl_open_device();
	if (fd < 0)
		return HVCTL_FAIL;
	ret = ioctl(fd, BH_IOCTL_DISABLE);
	if (ret < 0) {
		if (errno == EINVAL)
			hvctl_error("disable: hypervisor not enabled");
		else
			hvctl_error("disable: %s", strerror(errno));
	}
	close(fd);
	return ret < 0 ? HVCTL_FAIL : HVCTL_OK;
}
