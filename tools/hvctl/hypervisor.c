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

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>
#include <bulkhead/uapi.h>

#include "hvctl.h"

/* Far larger than any valid config: a system config with 64 regions is 2760 bytes. */
#define MAX_CONFIG_SIZE (1 << 20)

/* The driver adds machine checks to the validator's; leave room for its longer messages. */
#define DRIVER_ERR_LEN (2 * BH_CONFIG_ERR_LEN)

/* Validates the config in user space so a broken file never reaches the driver. */
static int check_config(const char *path, const void *data, size_t len)
{
	char err[BH_CONFIG_ERR_LEN];

	if (!bh_config_check_system(data, len, err, sizeof(err)))
		return 0;
	hvctl_error("%s: %s", path, err);
	return -1;
}

int hvctl_cmd_enable(int argc, char **argv)
{
	const char *path = argv[0];
	char err[DRIVER_ERR_LEN] = "";
	struct bh_ioctl_enable req;
	void *data;
	size_t len;
	int fd, ret;

	(void)argc;
	ret = hvctl_read_file(path, MAX_CONFIG_SIZE, &data, &len);
	if (ret) {
		hvctl_error("cannot read %s: %s", path, strerror(-ret));
		return HVCTL_FAIL;
	}
	if (check_config(path, data, len)) {
		free(data);
		return HVCTL_FAIL;
	}
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
	if (ret < 0) {
		int saved = errno;
		size_t n;

		/* Do not trust the driver to terminate or trim its message. */
		err[sizeof(err) - 1] = '\0';
		n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		hvctl_error("enable: %s", n ? err : strerror(saved));
	}
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
