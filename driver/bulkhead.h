/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bulkhead driver internals shared by its files: the driver's one state
 * object, the cells' sysfs objects and the helpers each file provides.
 */
#ifndef BULKHEAD_DRIVER_BULKHEAD_H
#define BULKHEAD_DRIVER_BULKHEAD_H

#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>

#include <bulkhead/config.h>
#include <bulkhead/hypercall.h>
#include <bulkhead/uapi.h>

/* The largest system config BH_IOCTL_ENABLE accepts (a real one is under 3 KiB). */
#define BH_CONFIG_MAX_SIZE (64 * 1024)

/* Room for any message the driver writes into a caller's error buffer. */
#define BH_MSG_LEN 512

struct bh_cpu_dir;

/*
 * A cell as sysfs shows it: cells/<name>/cpus and
 * cells/<name>/statistics/cpu<hart>/<exit reason>. Created and destroyed
 * under bh_driver.lock; freed when its last sysfs reference goes.
 */
struct bh_cell {
	struct kobject kobj;
	struct list_head node; /* in bh_driver.cells */
	u64 cpu_set;
	struct kobject *statistics;
	struct bh_cpu_dir *cpu_dirs[BH_MAX_HARTS];
};

/*
 * The driver's state. lock serialises the ioctls that change it (enable,
 * disable, later cell create/destroy). hv_lock keeps the hypervisor in place
 * for a hypercall: readers hold it around every hypercall, and harts enter or
 * leave the hypervisor only with it held for writing. sysfs readers never take
 * lock, so removing a sysfs file under lock cannot wait on them forever.
 */
struct bh_driver {
	struct mutex lock;
	struct rw_semaphore hv_lock;
	bool enabled;			  /* written under both locks */
	struct cpumask guest_cpus;	  /* CPUs running as guests of the hypervisor */
	struct bh_enter_args *enter_args; /* per possible CPU, kept while enabled */
	struct device *root_dev;	  /* /sys/devices/bulkhead */
	struct kobject *cells_dir;	  /* /sys/devices/bulkhead/cells */
	struct list_head cells;		  /* struct bh_cell, under lock */
};

extern struct bh_driver bh_driver;

/* enable.c: the BH_IOCTL_ENABLE and BH_IOCTL_DISABLE handlers. */
long bh_enable(const struct bh_ioctl_enable __user *uarg);
long bh_disable(void);

/* console.c: the BH_IOCTL_CONSOLE handler. */
long bh_console_read(struct bh_ioctl_console __user *uarg);

/* sysfs.c */
/* Fills bh_driver.root_dev's attributes and its cells directory. */
int bh_sysfs_init(void);
void bh_sysfs_exit(void);
/* NULL if name can be a sysfs directory, else why not. */
const char *bh_cell_name_problem(const char *name);
/* Adds the cell's sysfs directories and links it into bh_driver.cells. */
struct bh_cell *bh_cell_create(const struct bh_cell_desc *desc);
/* Unlinks the cell and removes its sysfs directories. */
void bh_cell_destroy(struct bh_cell *cell);

/* crc32.c: CRC-32 (IEEE), zlib's crc32(crc, buf, len): start with crc = 0. */
u32 bh_crc32(u32 crc, const void *buf, size_t len);

#endif /* BULKHEAD_DRIVER_BULKHEAD_H */
