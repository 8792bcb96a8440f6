// SPDX-License-Identifier: GPL-2.0
/*
 * Bulkhead driver: loads the Bulkhead hypervisor under the running Linux,
 * which then goes on as its root cell. User space (hvctl) drives it through
 * the ioctls of /dev/bulkhead and reads its state in /sys/devices/bulkhead.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "bulkhead.h"

struct bh_driver bh_driver = {
	.lock = __MUTEX_INITIALIZER(bh_driver.lock),
	.hv_lock = __RWSEM_INITIALIZER(bh_driver.hv_lock),
	.cells = LIST_HEAD_INIT(bh_driver.cells),
};

static long bh_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case BH_IOCTL_ENABLE:
		return bh_enable(uarg);
	case BH_IOCTL_DISABLE:
		return bh_disable();
	case BH_IOCTL_CONSOLE:
		return bh_console_read(uarg);
	case BH_IOCTL_CELL_CREATE:
		return bh_cell_create_ioctl(uarg);
	case BH_IOCTL_CELL_LOAD:
		return bh_cell_load_ioctl(uarg);
	case BH_IOCTL_CELL_START:
		return bh_cell_start_ioctl(uarg);
	case BH_IOCTL_CELL_SHUTDOWN:
		return bh_cell_shutdown_ioctl(uarg);
	case BH_IOCTL_CELL_DESTROY:
		return bh_cell_destroy_ioctl(uarg);
	case BH_IOCTL_CELL_CONSOLE:
		return bh_cell_console_read(uarg);
	case BH_IOCTL_CELL_SEND:
		return bh_cell_console_send(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations bh_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = bh_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice bh_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "bulkhead",
	.fops = &bh_fops,
	.mode = 0600,
};

static int __init bh_init(void)
{
	int ret;

	bh_driver.root_dev = root_device_register("bulkhead");
	if (IS_ERR(bh_driver.root_dev))
		return PTR_ERR(bh_driver.root_dev);
	ret = bh_sysfs_init();
	if (ret)
		goto unregister_root;
	ret = bh_cell_hotplug_init();
	if (ret)
		goto exit_sysfs;
	ret = misc_register(&bh_misc);
	if (ret)
		goto exit_hotplug;
	return 0;

exit_hotplug:
	bh_cell_hotplug_exit();
exit_sysfs:
	bh_sysfs_exit();
unregister_root:
	root_device_unregister(bh_driver.root_dev);
	return ret;
}

/* Never runs while enabled: the enabled state holds a module reference. */
static void __exit bh_exit(void)
{
	misc_deregister(&bh_misc);
	bh_cell_hotplug_exit();
	bh_sysfs_exit();
	root_device_unregister(bh_driver.root_dev);
}

module_init(bh_init);
module_exit(bh_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bulkhead partitioning hypervisor: loader and root-cell interface");
MODULE_FIRMWARE("bulkhead.bin");
