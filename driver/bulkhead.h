/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bulkhead driver internals shared by its files: the driver's one state
 * object, the cells and the helpers each file provides.
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

/* The largest config an ioctl accepts (a real one is under 3 KiB). */
#define BH_CONFIG_MAX_SIZE (64 * 1024)

/* Room for any message the driver writes into a caller's error buffer. */
#define BH_MSG_LEN 512

/* The cell id the hypervisor gives the root cell. */
#define BH_ROOT_CELL_ID 0

struct bh_cpu_dir;

/*
 * A cell: the root (made by enable) or one made by BH_IOCTL_CELL_CREATE.
 * sysfs shows it as cells/<name>/. Created, changed and destroyed under
 * bh_driver.lock; freed (with its config copy) when its last sysfs
 * reference goes, so a sysfs reader may still look at it meanwhile.
 */
struct bh_cell {
	struct kobject kobj;
	struct list_head node;	   /* in bh_driver.cells */
	struct bh_cell_desc *desc; /* the cell's own copy of its config (kmalloc'd) */
	u64 config_size;	   /* of desc, regions included */
	bool root;
	bool live;   /* id is the hypervisor's: sysfs may ask about it */
	bool loaded; /* an image was loaded since the last start */
	u64 id;		     /* the hypervisor's id of the cell */
	struct cpumask cpus; /* its Linux CPUs (non-root cells) */
	struct kobject *statistics;
	struct bh_cpu_dir *cpu_dirs[BH_MAX_HARTS];
};

/*
 * The driver's state. lock serialises the ioctls that change it (enable,
 * disable, the cell ioctls). hv_lock keeps the hypervisor in place for a
 * hypercall: readers hold it around every hypercall, and harts enter or
 * leave the hypervisor only with it held for writing. sysfs readers and the
 * CPU hotplug callback never take lock, so removing a sysfs file or taking
 * a CPU offline under lock cannot wait on them forever.
 */
struct bh_driver {
	struct mutex lock;
	struct rw_semaphore hv_lock;
	bool enabled;			    /* written under both locks */
	struct cpumask guest_cpus;	    /* CPUs running as guests of the hypervisor */
	struct bh_enter_args *enter_args;   /* per possible CPU, kept while enabled */
	const struct bh_system_config *sys; /* the system config, kept while enabled */
	struct device *root_dev;	    /* /sys/devices/bulkhead */
	struct kobject *cells_dir;	    /* /sys/devices/bulkhead/cells */
	struct list_head cells;		    /* struct bh_cell, root first, under lock */
	struct bh_cell *root_cell;	    /* while enabled */
	/*
	 * CPUs given to (or being given to) cells: Linux must not bring them
	 * online. Changed bit by bit under lock, read by the hotplug callback.
	 */
	struct cpumask cell_cpus;
	u64 cell_harts;	 /* their harts, for the root's cpus file (WRITE_ONCE) */
	int cpuhp_state; /* the dynamic hotplug state of bh_cell_cpu_prepare() */
};

extern struct bh_driver bh_driver;

/*
 * msg.c: refusing a request with a message. The message goes to the kernel
 * log and, cut to its size, into the caller's buffer (err_ptr, err_size).
 */
struct bh_reply {
	u64 err_ptr;
	u64 err_size;
	char msg[BH_MSG_LEN];
};

/* Returns err, after reporting the message. */
__printf(3, 4) long bh_fail(struct bh_reply *reply, long err, const char *fmt, ...);
__printf(3, 0) long bh_vfail(struct bh_reply *reply, long err, const char *fmt, va_list ap);
long bh_admin_request(u64 err_ptr, u64 err_size, const char *what,
		      long (*op)(struct bh_reply *reply, const void *arg), const void *arg);

/* Room for bh_errno_name()'s answer. */
#define BH_ERRNO_NAME_LEN 24

/* err's symbolic name ("EINVAL"), or "error -N" formatted into buf (BH_ERRNO_NAME_LEN bytes). */
const char *bh_errno_name(long err, char *buf);

/* enable.c: the BH_IOCTL_ENABLE and BH_IOCTL_DISABLE handlers. */
long bh_enable(const struct bh_ioctl_enable __user *uarg);
long bh_disable(void);

/*
 * ram_check.c: whether the root cell of a validated system config maps all
 * the RAM the running Linux uses. Returns 0, or -EINVAL after reporting the
 * first range it does not map.
 */
long bh_check_root_ram(struct bh_reply *reply, const struct bh_system_config *sys);

/* console.c: the BH_IOCTL_CONSOLE and BH_IOCTL_CELL_CONSOLE handlers. */
long bh_console_read(struct bh_ioctl_console __user *uarg);
long bh_cell_console_read(struct bh_ioctl_cell_console __user *uarg);
long bh_cell_console_send(struct bh_ioctl_cell_send __user *uarg);

/* cell.c: BH_IOCTL_CELL_CREATE and BH_IOCTL_CELL_DESTROY, and what cells share. */
long bh_cell_create_ioctl(const struct bh_ioctl_cell_create __user *uarg);
long bh_cell_destroy_ioctl(const struct bh_ioctl_cell __user *uarg);
/* The cell called name, or NULL. Under bh_driver.lock. */
struct bh_cell *bh_cell_find(const char *name);
/*
 * For the ioctls on one cell: the non-root cell called name, or an ERR_PTR
 * after reporting why not (name not NUL-terminated, hypervisor not enabled,
 * no such cell, the root cell). Under bh_driver.lock.
 */
struct bh_cell *bh_cell_lookup(struct bh_reply *reply, const char name[BH_CELL_NAME_LEN]);
/* The CPU hotplug guard: keeps cell CPUs out of Linux. */
int bh_cell_hotplug_init(void);
void bh_cell_hotplug_exit(void);

/* cell_run.c: BH_IOCTL_CELL_LOAD, BH_IOCTL_CELL_START and BH_IOCTL_CELL_SHUTDOWN. */
long bh_cell_load_ioctl(const struct bh_ioctl_cell_load __user *uarg);
long bh_cell_start_ioctl(const struct bh_ioctl_cell __user *uarg);
long bh_cell_shutdown_ioctl(const struct bh_ioctl_cell __user *uarg);
/* The hypervisor's view of a non-root cell (BH_HC_CELL_STATUS). */
long bh_cell_status(const struct bh_cell *cell, struct bh_cell_status *status);

/* latency.c: cells/NAME/latency (BH_HC_CELL_LATENCY); the cell must be live. */
ssize_t bh_cell_latency_read(struct bh_cell *cell, char *buf, loff_t pos, size_t count);
int bh_cell_latency_reset(struct bh_cell *cell);

/* sysfs.c */
/* Fills bh_driver.root_dev's attributes and its cells directory. */
int bh_sysfs_init(void);
void bh_sysfs_exit(void);
/* NULL if name can be a sysfs directory, else why not. */
const char *bh_cell_name_problem(const char *name);
/*
 * Makes a cell with a copy of desc (config_size bytes), its sysfs
 * directories and links it into bh_driver.cells. Not live yet: sysfs tells
 * nothing the hypervisor knows until bh_cell_publish(). Under lock.
 */
struct bh_cell *bh_cell_add(const struct bh_cell_desc *desc, u64 config_size, bool root);
/* The hypervisor knows the cell as id now: sysfs may ask about it; announces it. */
void bh_cell_publish(struct bh_cell *cell, u64 id);
/* Unlinks the cell and removes its sysfs directories. Under lock. */
void bh_cell_remove(struct bh_cell *cell);

/* crc32.c: CRC-32 (IEEE), zlib's crc32(crc, buf, len): start with crc = 0. */
u32 bh_crc32(u32 crc, const void *buf, size_t len);

#endif /* BULKHEAD_DRIVER_BULKHEAD_H */
