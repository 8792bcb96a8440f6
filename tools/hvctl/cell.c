// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl cell create FILE, cell start/shutdown/destroy NAME: a cell's life
 * cycle through /dev/bulkhead. Loading is in load.c, the views in
 * cell_view.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <bulkhead/config_check.h>
#include <bulkhead/uapi.h>

#include "hvctl.h"

int hvctl_cmd_cell_create(int argc, char **argv)
{
	(void)argc;
	return hvctl_send_config("cell create", argv[0], bh_config_check_cell,
				 BH_IOCTL_CELL_CREATE);
}

/* The requests that name a cell and nothing else. */
static int cell_request(const char *command, unsigned long request, const char *name)
{
	char err[HVCTL_DRIVER_ERR_LEN] = "";
	struct bh_ioctl_cell req;
	int fd, ret;

	if (hvctl_check_cell_name(command, name))
		return HVCTL_USAGE;
	fd = hvctl_open_device();
	if (fd < 0)
		return HVCTL_FAIL;
	hvctl_copy_cell_name(req.name, name);
	req.err_ptr = (uintptr_t)err;
	req.err_size = sizeof(err);
	ret = ioctl(fd, request, &req);
	if (ret < 0)
		hvctl_ioctl_error(command, err, sizeof(err), errno);
	close(fd);
	return ret < 0 ? HVCTL_FAIL : HVCTL_OK;
}

int hvctl_cmd_cell_start(int argc, char **argv)
{
	(void)argc;
	return cell_request("cell start", BH_IOCTL_CELL_START, argv[0]);
}

int hvctl_cmd_cell_shutdown(int argc, char **argv)
{
	(void)argc;
	return cell_request("cell shutdown", BH_IOCTL_CELL_SHUTDOWN, argv[0]);
}

int hvctl_cmd_cell_destroy(int argc, char **argv)
{
	(void)argc;
	return cell_request("cell destroy", BH_IOCTL_CELL_DESTROY, argv[0]);
}
