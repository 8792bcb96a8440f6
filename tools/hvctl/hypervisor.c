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
	(void)argc;
	return hvctl_send_config("enable", argv[0], bh_config_check_system, BH_IOCTL_ENABLE);
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
