// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs under /sys/devices/bulkhead:
 *   enabled, mem_total, mem_used, decode_by_fetch (rw), mmio_fetch_decodes
 *   cells/<name>/cpus, id, state, reason, config (binary: the config it was made from)
 *   cells/<name>/statistics/cpu<hart>/<exit reason>, exits_total
 * Every number that comes from the hypervisor is asked for at read time.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/kstrtox.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "bulkhead.h"
#include "hypercall.h"

/* ------------------------------------------------------------ top level */

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(bh_driver.enabled));
}
static DEVICE_ATTR_RO(enabled);

/* *info from BH_HC_GET_INFO; all zero when the hypervisor is not enabled. */
static int get_hv_info(struct bh_hv_info *info)
{
	/* The hypervisor writes through its physical address: not on the stack. */
	struct bh_hv_info *bounce = kzalloc(sizeof(*bounce), GFP_KERNEL);
	long ret = 0;

	if (!bounce)
		return -ENOMEM;
	down_read(&bh_driver.hv_lock);
	if (bh_driver.enabled)
		ret = bh_hypercall(BH_HC_GET_INFO, virt_to_phys(bounce), 0, 0, NULL);
	up_read(&bh_driver.hv_lock);
	*info = *bounce;
	kfree(bounce);
	return ret;
}

/* One u64 field of struct bh_hv_info, as a sysfs file. */
static ssize_t show_info_field(char *buf, size_t offset)
{
	struct bh_hv_info info;
	int ret = get_hv_info(&info);

	return ret ? ret : sysfs_emit(buf, "%llu\n", *(u64 *)((char *)&info + offset));
}

static ssize_t mem_total_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return show_info_field(buf, offsetof(struct bh_hv_info, mem_total));
}
static DEVICE_ATTR_RO(mem_total);

static ssize_t mem_used_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return show_info_field(buf, offsetof(struct bh_hv_info, mem_used));
}
static DEVICE_ATTR_RO(mem_used);

static ssize_t mmio_fetch_decodes_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	return show_info_field(buf, offsetof(struct bh_hv_info, mmio_fetch_decodes));
}
static DEVICE_ATTR_RO(mmio_fetch_decodes);

static ssize_t decode_by_fetch_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return show_info_field(buf, offsetof(struct bh_hv_info, decode_by_fetch));
}

static ssize_t decode_by_fetch_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	bool on;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtobool(buf, &on);
	if (ret)
		return ret;
	ret = bh_hv_call(BH_HC_SET_OPTION, BH_OPT_DECODE_BY_FETCH, on, 0, 0, NULL);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(decode_by_fetch);

static struct attribute *bh_root_attrs[] = {
	&dev_attr_enabled.attr,
	&dev_attr_mem_total.attr,
	&dev_attr_mem_used.attr,
	&dev_attr_decode_by_fetch.attr,
	&dev_attr_mmio_fetch_decodes.attr,
	NULL,
};

static const struct attribute_group bh_root_group = {
	.attrs = bh_root_attrs,
};

/* ------------------------------------------------------------ statistics/cpu<hart> */

struct bh_cpu_dir {
	struct kobject kobj;
	u32 hart;
};

/* One counter file; index BH_EXIT_NUM is exits_total. */
struct bh_stat_attr {
	struct kobj_attribute kattr;
	unsigned int index;
};

static const char *const bh_exit_names[] = BH_EXIT_NAMES_INIT;
static_assert(ARRAY_SIZE(bh_exit_names) == BH_EXIT_NUM);

static ssize_t stat_show(struct kobject *kobj, struct kobj_attribute *kattr, char *buf)
{
	struct bh_cpu_dir *dir = container_of(kobj, struct bh_cpu_dir, kobj);
	unsigned int index = container_of(kattr, struct bh_stat_attr, kattr)->index;
	struct bh_cpu_stats *stats;
	u64 value = 0;
	long ret;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return -ENOMEM;
	down_read(&bh_driver.hv_lock);
	if (bh_driver.enabled)
		ret = bh_hypercall(BH_HC_CPU_STATS, dir->hart, virt_to_phys(stats), 0, NULL);
	else
		ret = -ENODEV;
	up_read(&bh_driver.hv_lock);
	if (!ret)
		value = index < BH_EXIT_NUM ? stats->exits[index] : stats->exits_total;
	kfree(stats);
	return ret ? ret : sysfs_emit(buf, "%llu\n", value);
}

/* The names come from BH_EXIT_NAMES_INIT, so bh_sysfs_init() fills these. */
static struct bh_stat_attr bh_stat_attrs[BH_EXIT_NUM + 1];
static struct attribute *bh_cpu_attrs[BH_EXIT_NUM + 2];

static const struct attribute_group bh_cpu_group = {
	.attrs = bh_cpu_attrs,
};

static const struct attribute_group *bh_cpu_groups[] = {
	&bh_cpu_group,
	NULL,
};

static void bh_cpu_dir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct bh_cpu_dir, kobj));
}

static const struct kobj_type bh_cpu_ktype = {
	.release = bh_cpu_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = bh_cpu_groups,
};

static void bh_init_stat_attrs(void)
{
	unsigned int i;

	for (i = 0; i <= BH_EXIT_NUM; i++) {
		struct bh_stat_attr *a = &bh_stat_attrs[i];

		a->kattr.attr.name = i < BH_EXIT_NUM ? bh_exit_names[i] : "exits_total";
		a->kattr.attr.mode = 0444;
		a->kattr.show = stat_show;
		a->index = i;
		bh_cpu_attrs[i] = &a->kattr.attr;
	}
	bh_cpu_attrs[BH_EXIT_NUM + 1] = NULL;
}

/* ------------------------------------------------------------ cells/<name> */

static struct bh_cell *to_cell(struct kobject *kobj)
{
	return container_of(kobj, struct bh_cell, kobj);
}

/* Whether the hypervisor knows the cell by its id yet. */
static bool cell_live(const struct bh_cell *cell)
{
	/* Pairs with bh_cell_publish(): a reader that sees live sees the id. */
	return smp_load_acquire(&cell->live);
}

/* The root's harts are those no other cell has taken. */
static ssize_t cpus_show(struct kobject *kobj, struct kobj_attribute *kattr, char *buf)
{
	struct bh_cell *cell = to_cell(kobj);
	DECLARE_BITMAP(harts, BH_MAX_HARTS);
	u64 cpu_set = cell->desc->cpu_set;

	if (cell->root)
		cpu_set &= ~READ_ONCE(bh_driver.cell_harts);
	bitmap_from_u64(harts, cpu_set);
	return sysfs_emit(buf, "%*pbl\n", BH_MAX_HARTS, harts);
}

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *kattr, char *buf)
{
	struct bh_cell *cell = to_cell(kobj);

	if (!cell_live(cell))
		return -ENODEV;
	return sysfs_emit(buf, "%llu\n", cell->id);
}

/*
 * The hypervisor's view of the cell; the root runs as long as the hypervisor
 * does. -ENODEV while the cell is being created.
 */
static int cell_status(struct bh_cell *cell, struct bh_cell_status *status)
{
	if (!cell_live(cell))
		return -ENODEV;
	if (cell->root) {
		memset(status, 0, sizeof(*status));
		status->state = BH_CELL_RUNNING;
		return 0;
	}
	return bh_cell_status(cell, status);
}

static const char *const bh_cell_state_names[] = BH_CELL_STATE_NAMES_INIT;

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *kattr, char *buf)
{
	struct bh_cell_status status;
	int ret = cell_status(to_cell(kobj), &status);

	if (ret)
		return ret;
	if (status.state >= ARRAY_SIZE(bh_cell_state_names))
		return sysfs_emit(buf, "unknown (%u)\n", status.state);
	return sysfs_emit(buf, "%s\n", bh_cell_state_names[status.state]);
}

static ssize_t reason_show(struct kobject *kobj, struct kobj_attribute *kattr, char *buf)
{
	struct bh_cell_status status;
	int ret = cell_status(to_cell(kobj), &status);

	return ret ? ret : sysfs_emit(buf, "%s\n", status.reason);
}

/*
 * The config the cell was made from, byte for byte: a cell config for a
 * non-root cell, the system config for the root (it describes the root cell
 * and the platform, which hvctl needs to write a cell's device tree). The
 * root's is bh_driver.sys: it stays while enabled, and disable frees it only
 * after clearing enabled under hv_lock, held here for reading.
 */
static ssize_t config_read(struct file *file, struct kobject *kobj, struct bin_attribute *attr,
			   char *buf, loff_t pos, size_t count)
{
	struct bh_cell *cell = to_cell(kobj);
	ssize_t ret = -ENODEV;

	if (!cell->root)
		return memory_read_from_buffer(buf, count, &pos, cell->desc, cell->config_size);
	down_read(&bh_driver.hv_lock);
	if (bh_driver.enabled && bh_driver.sys)
		ret = memory_read_from_buffer(buf, count, &pos, bh_driver.sys,
					      bh_config_system_size(bh_driver.sys));
	up_read(&bh_driver.hv_lock);
	return ret;
}

/* Root only: it holds physical addresses, which /proc/iomem also hides from users. */
static BIN_ATTR_ADMIN_RO(config, 0);

static ssize_t latency_read(struct file *file, struct kobject *kobj, struct bin_attribute *attr,
			    char *buf, loff_t pos, size_t count)
{
	struct bh_cell *cell = to_cell(kobj);

	return cell_live(cell) ? bh_cell_latency_read(cell, buf, pos, count) : -ENODEV;
}

/* Any write clears the figures. */
static ssize_t latency_write(struct file *file, struct kobject *kobj, struct bin_attribute *attr,
			     char *buf, loff_t pos, size_t count)
{
	struct bh_cell *cell = to_cell(kobj);
	int ret = cell_live(cell) ? bh_cell_latency_reset(cell) : -ENODEV;

	return ret ? ret : count;
}

/* The size is the cell's lines': unknown here, read to the end. */
static BIN_ATTR_ADMIN_RW(latency, 0);

static struct kobj_attribute bh_cpus_attr = __ATTR_RO(cpus);
static struct kobj_attribute bh_id_attr = __ATTR_RO(id);
static struct kobj_attribute bh_state_attr = __ATTR_RO(state);
static struct kobj_attribute bh_reason_attr = __ATTR_RO(reason);

static struct attribute *bh_cell_attrs[] = {
	&bh_cpus_attr.attr, &bh_id_attr.attr, &bh_state_attr.attr, &bh_reason_attr.attr, NULL,
};

static struct bin_attribute *bh_cell_bin_attrs[] = {
	&bin_attr_config,
	&bin_attr_latency,
	NULL,
};

static const struct attribute_group bh_cell_group = {
	.attrs = bh_cell_attrs,
	.bin_attrs = bh_cell_bin_attrs,
};
__ATTRIBUTE_GROUPS(bh_cell);

static void bh_cell_release(struct kobject *kobj)
{
	struct bh_cell *cell = to_cell(kobj);

	kfree(cell->desc);
	kfree(cell);
}

static const struct kobj_type bh_cell_ktype = {
	.release = bh_cell_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = bh_cell_groups,
};

const char *bh_cell_name_problem(const char *name)
{
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "is not a valid directory name";
	if (strchr(name, '/'))
		return "contains '/'";
	return NULL;
}

static int bh_cpu_dir_add(struct bh_cell *cell, u32 hart)
{
	struct bh_cpu_dir *dir = kzalloc(sizeof(*dir), GFP_KERNEL);
	int ret;

	if (!dir)
		return -ENOMEM;
	dir->hart = hart;
	ret = kobject_init_and_add(&dir->kobj, &bh_cpu_ktype, cell->statistics, "cpu%u", hart);
	if (ret) {
		kobject_put(&dir->kobj);
		return ret;
	}
	cell->cpu_dirs[hart] = dir;
	return 0;
}

/* Drops everything bh_cell_add() made; children go before their parents. */
static void bh_cell_put(struct bh_cell *cell)
{
	unsigned int hart;

	for (hart = 0; hart < BH_MAX_HARTS; hart++)
		if (cell->cpu_dirs[hart])
			kobject_put(&cell->cpu_dirs[hart]->kobj);
	kobject_put(cell->statistics);
	kobject_put(&cell->kobj);
}

struct bh_cell *bh_cell_add(const struct bh_cell_desc *desc, u64 config_size, bool root)
{
	struct bh_cell *cell = kzalloc(sizeof(*cell), GFP_KERNEL);
	unsigned int hart;
	int ret;

	if (!cell)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&cell->node);
	cell->root = root;
	cell->config_size = config_size;
	/* Its own copy: kmalloc'd, so physically contiguous for a hypercall. */
	cell->desc = kmemdup(desc, config_size, GFP_KERNEL);
	if (!cell->desc) {
		kfree(cell);
		return ERR_PTR(-ENOMEM);
	}
	ret = kobject_init_and_add(&cell->kobj, &bh_cell_ktype, bh_driver.cells_dir, "%s",
				   desc->name);
	if (ret)
		goto fail;
	cell->statistics = kobject_create_and_add("statistics", &cell->kobj);
	if (!cell->statistics) {
		ret = -ENOMEM;
		goto fail;
	}
	for (hart = 0; hart < BH_MAX_HARTS; hart++) {
		if (!bh_config_cpu_set_has(desc->cpu_set, hart))
			continue;
		ret = bh_cpu_dir_add(cell, hart);
		if (ret)
			goto fail;
	}
	list_add_tail(&cell->node, &bh_driver.cells);
	return cell;

fail:
	bh_cell_put(cell);
	return ERR_PTR(ret);
}

void bh_cell_publish(struct bh_cell *cell, u64 id)
{
	cell->id = id;
	/* A reader that sees live sees the id. */
	smp_store_release(&cell->live, true);
	kobject_uevent(&cell->kobj, KOBJ_ADD);
}

void bh_cell_remove(struct bh_cell *cell)
{
	WRITE_ONCE(cell->live, false);
	list_del(&cell->node);
	bh_cell_put(cell);
}

/* ------------------------------------------------------------ module */

int bh_sysfs_init(void)
{
	struct kobject *root = &bh_driver.root_dev->kobj;
	int ret;

	bh_init_stat_attrs();
	ret = sysfs_create_group(root, &bh_root_group);
	if (ret)
		return ret;
	bh_driver.cells_dir = kobject_create_and_add("cells", root);
	if (!bh_driver.cells_dir) {
		sysfs_remove_group(root, &bh_root_group);
		return -ENOMEM;
	}
	return 0;
}

void bh_sysfs_exit(void)
{
	kobject_put(bh_driver.cells_dir);
	sysfs_remove_group(&bh_driver.root_dev->kobj, &bh_root_group);
}
