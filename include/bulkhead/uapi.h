/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* ioctls of /dev/bulkhead, used by hvctl. */
#ifndef BULKHEAD_UAPI_H
#define BULKHEAD_UAPI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>
#endif

struct bh_ioctl_enable {
	uint64_t config_ptr;	/* user address of the system config */
	uint64_t config_size;
	uint64_t err_ptr;	/* user buffer for a message naming what was wrong, or 0 */
	uint64_t err_size;
};

struct bh_ioctl_console {
	uint64_t buf_ptr;	/* user buffer */
	uint64_t buf_size;
	uint64_t pos;		/* in: where to read from; out: where the next read goes on */
	uint64_t length;	/* out: bytes copied */
	uint64_t skipped;	/* out: bytes lost because they were overwritten before this read */
};

#define BH_IOCTL_MAGIC	 0xB4
#define BH_IOCTL_ENABLE	 _IOW(BH_IOCTL_MAGIC, 0, struct bh_ioctl_enable)
#define BH_IOCTL_DISABLE _IO(BH_IOCTL_MAGIC, 1)
#define BH_IOCTL_CONSOLE _IOWR(BH_IOCTL_MAGIC, 2, struct bh_ioctl_console)

#endif /* BULKHEAD_UAPI_H */
