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

#include "layout.h"
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

/* Cells are named by the name in their config (at most 31 characters). */
struct bh_ioctl_cell_create {
	uint64_t config_ptr;	/* user address of the cell config */
	uint64_t config_size;
	uint64_t err_ptr;	/* user buffer for a message naming what was wrong, or 0 */
	uint64_t err_size;
};

struct bh_ioctl_cell {
	char name[32];
	uint64_t err_ptr;
	uint64_t err_size;
};

struct bh_ioctl_cell_load {
	char name[32];
	uint64_t image_ptr;	/* user address of the bytes to load */
	uint64_t image_size;
	/* guest-physical address in the cell, inside a loadable region; BH_LOAD_AT_ENTRY: its entry */
	uint64_t address;
	uint64_t err_ptr;
	uint64_t err_size;
};

struct bh_ioctl_cell_console {
	char name[32];
	uint64_t buf_ptr;
	uint64_t buf_size;
	uint64_t pos;		/* in/out, as struct bh_ioctl_console */
	uint64_t length;
	uint64_t skipped;
};

/* Console input for a cell: as much of the buffer as its input takes, *taken says how much. */
struct bh_ioctl_cell_send {
	char name[32];
	uint64_t buf_ptr;
	uint64_t buf_size;
	uint64_t taken;		/* out */
	uint64_t err_ptr;	/* a message for a refusal, as struct bh_ioctl_cell */
	uint64_t err_size;
};

#define BH_LOAD_AT_ENTRY (~(uint64_t)0)

#define BH_IOCTL_MAGIC	 0xB4
#define BH_IOCTL_ENABLE	 _IOW(BH_IOCTL_MAGIC, 0, struct bh_ioctl_enable)
#define BH_IOCTL_DISABLE _IO(BH_IOCTL_MAGIC, 1)
#define BH_IOCTL_CONSOLE _IOWR(BH_IOCTL_MAGIC, 2, struct bh_ioctl_console)
#define BH_IOCTL_CELL_CREATE   _IOW(BH_IOCTL_MAGIC, 3, struct bh_ioctl_cell_create)
#define BH_IOCTL_CELL_LOAD     _IOW(BH_IOCTL_MAGIC, 4, struct bh_ioctl_cell_load)
#define BH_IOCTL_CELL_START    _IOW(BH_IOCTL_MAGIC, 5, struct bh_ioctl_cell)
#define BH_IOCTL_CELL_SHUTDOWN _IOW(BH_IOCTL_MAGIC, 6, struct bh_ioctl_cell)
#define BH_IOCTL_CELL_DESTROY  _IOW(BH_IOCTL_MAGIC, 7, struct bh_ioctl_cell)
#define BH_IOCTL_CELL_CONSOLE  _IOWR(BH_IOCTL_MAGIC, 8, struct bh_ioctl_cell_console)
#define BH_IOCTL_CELL_SEND     _IOWR(BH_IOCTL_MAGIC, 9, struct bh_ioctl_cell_send)

/* Layouts are ABI between the driver and hvctl. */
BH_CHECK_SIZE(struct bh_ioctl_enable, 32);
BH_CHECK_OFFSET(struct bh_ioctl_enable, err_size, 24);
BH_CHECK_SIZE(struct bh_ioctl_console, 40);
BH_CHECK_OFFSET(struct bh_ioctl_console, pos, 16);
BH_CHECK_OFFSET(struct bh_ioctl_console, skipped, 32);
BH_CHECK_SIZE(struct bh_ioctl_cell_create, 32);
BH_CHECK_OFFSET(struct bh_ioctl_cell_create, err_size, 24);
BH_CHECK_SIZE(struct bh_ioctl_cell, 48);
BH_CHECK_SIZE(struct bh_ioctl_cell_send, 72);
BH_CHECK_OFFSET(struct bh_ioctl_cell_send, err_size, 64);
BH_CHECK_OFFSET(struct bh_ioctl_cell_send, taken, 48);
BH_CHECK_OFFSET(struct bh_ioctl_cell, err_ptr, 32);
BH_CHECK_SIZE(struct bh_ioctl_cell_load, 72);
BH_CHECK_OFFSET(struct bh_ioctl_cell_load, image_ptr, 32);
BH_CHECK_OFFSET(struct bh_ioctl_cell_load, address, 48);
BH_CHECK_OFFSET(struct bh_ioctl_cell_load, err_size, 64);
BH_CHECK_SIZE(struct bh_ioctl_cell_console, 72);
BH_CHECK_OFFSET(struct bh_ioctl_cell_console, buf_ptr, 32);
BH_CHECK_OFFSET(struct bh_ioctl_cell_console, pos, 48);
BH_CHECK_OFFSET(struct bh_ioctl_cell_console, skipped, 64);

#endif /* BULKHEAD_UAPI_H */
