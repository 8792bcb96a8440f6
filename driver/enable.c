// SPDX-License-Identifier: GPL-2.0
/*
 * Enabling and disabling the hypervisor (BH_IOCTL_ENABLE, BH_IOCTL_DISABLE).
 *
 * Enable checks everything it can before it touches anything: the config on
 * its own, the machine against the config (its RAM: ram_check.c), the image
 * against both. Only then does it load the image into the reserved region
 * and send every online CPU into the hypervisor at the same time. A refusal
 * leaves the driver as it was and says why, in the caller's error buffer and
 * in the kernel log.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/err.h>
#include <linux/firmware.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <bulkhead/config_check.h>
#include <bulkhead/image.h>

#include "bulkhead.h"
#include "hypercall.h"
#include "trampoline.h"

#define BH_FIRMWARE_NAME "bulkhead.bin"
#define BH_FIRMWARE_PATH "/lib/firmware/" BH_FIRMWARE_NAME

/* Which CPUs to take out of the hypervisor, and how that went. */
struct bh_leave_ctx {
	struct cpumask cpus;   /* snapshot of bh_driver.guest_cpus */
	struct cpumask failed; /* still guests afterwards */
	long err;	       /* the error of one CPU in failed */
	bool offline_guest;    /* a CPU of cpus was offline: none was asked to leave */
};

struct bh_enable_ctx {
	struct bh_ioctl_enable req;
	const struct bh_system_config *sys; /* kernel copy of the config */
	const struct firmware *fw;
	struct bh_image_header hdr;
	u64 config_offset; /* of the config's copy in the region */
	unsigned long entry_phys;
	struct bh_enter_args *args; /* per possible CPU; the driver's once enabled */
	struct bh_cell *root_cell;
	struct cpumask cpus;	 /* the online CPUs when checked: those that enter */
	struct cpumask returned; /* CPUs back from the trampoline, guest or not */
	struct cpumask entered;
	struct cpumask failed;
	bool hotplug_race;	   /* the online CPUs changed before they could enter */
	struct bh_leave_ctx leave; /* for taking back harts after a partial start */
	char check_msg[BH_CONFIG_ERR_LEN];
	struct bh_reply reply;
};

/* ------------------------------------------------------------ messages */

/* Refuses the request: logs the message and hands it to the caller. Returns err. */
static __printf(3, 4) long enable_fail(struct bh_enable_ctx *ctx, long err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = bh_vfail(&ctx->reply, err, fmt, ap);
	va_end(ap);
	return err;
}

/* A CPU's result as an ioctl return value: a negative errno, never 0 or positive. */
static long result_errno(s64 result)
{
	return result < 0 && result >= -MAX_ERRNO ? result : -EIO;
}

/* The harts of cpus, as a bitmap for "%*pbl". */
static void cpus_to_harts(unsigned long *harts, const struct cpumask *cpus,
			  const struct bh_enter_args *args)
{
	unsigned int cpu;

	bitmap_zero(harts, BH_MAX_HARTS);
	for_each_cpu(cpu, cpus)
		if (args[cpu].hart_id < BH_MAX_HARTS)
			__set_bit(args[cpu].hart_id, harts);
}

/* ------------------------------------------------------------ checks */

static long copy_config(struct bh_enable_ctx *ctx)
{
	u64 size = ctx->req.config_size;
	void *config;

	if (!size)
		return enable_fail(ctx, -EINVAL, "system config is empty (config_size 0)");
	if (size > BH_CONFIG_MAX_SIZE)
		return enable_fail(ctx, -E2BIG, "system config is %llu bytes, at most %u allowed",
				   size, BH_CONFIG_MAX_SIZE);
	config = memdup_user(u64_to_user_ptr(ctx->req.config_ptr), size);
	if (IS_ERR(config)) {
		if (PTR_ERR(config) == -EFAULT)
			return enable_fail(ctx, -EFAULT,
					   "cannot read the system config at user address 0x%llx",
					   ctx->req.config_ptr);
		return enable_fail(ctx, PTR_ERR(config),
				   "no memory for a %llu-byte copy of the system config", size);
	}
	ctx->sys = config;
	return 0;
}

static long check_config(struct bh_enable_ctx *ctx)
{
	const struct bh_system_config *sys = ctx->sys;
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	const char *problem;

	if (bh_config_check_system(sys, ctx->req.config_size, ctx->check_msg,
				   sizeof(ctx->check_msg)))
		return enable_fail(ctx, -EINVAL, "%s", ctx->check_msg);
	problem = bh_cell_name_problem(sys->root_cell.name);
	if (problem)
		return enable_fail(ctx, -EINVAL, "root cell name '%s' %s: sysfs cannot show it",
				   sys->root_cell.name, problem);
	if (region_intersects(hv->phys_start, hv->size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT)
		return enable_fail(ctx, -EINVAL,
				   "hypervisor memory [0x%llx..0x%llx) overlaps Linux RAM",
				   hv->phys_start, hv->phys_start + hv->size);
	return 0;
}

/* A CPU's hart id: the "reg" of its device-tree node. */
static int cpu_hart_id(unsigned int cpu, u64 *hart)
{
	struct device_node *node = of_get_cpu_node(cpu, NULL);
	const __be32 *reg;
	int len, cells, ret = -ENODEV;

	if (!node)
		return ret;
	cells = of_n_addr_cells(node);
	reg = of_get_property(node, "reg", &len);
	if (reg && cells > 0 && cells <= 2 && len >= cells * (int)sizeof(*reg)) {
		*hart = of_read_number(reg, cells);
		ret = 0;
	}
	of_node_put(node);
	return ret;
}

/*
 * The root cell's harts must be exactly the online CPUs. Fills every possible
 * CPU's hart_id in ctx->args and the CPUs that will enter in ctx->cpus.
 */
static long check_cpus(struct bh_enable_ctx *ctx)
{
	u64 cpu_set = ctx->sys->root_cell.cpu_set, present = 0, missing;
	DECLARE_BITMAP(root_harts, BH_MAX_HARTS);
	unsigned int cpu;
	u64 hart;

	/* Checked against this copy, which the stopped CPUs compare with again. */
	cpumask_copy(&ctx->cpus, cpu_online_mask);
	for_each_possible_cpu(cpu) {
		if (cpu_hart_id(cpu, &hart))
			return enable_fail(ctx, -ENODEV,
					   "CPU %u has no hart id (\"reg\") in the device tree",
					   cpu);
		ctx->args[cpu].hart_id = hart;
		if (hart < BH_MAX_HARTS)
			present |= BIT_ULL(hart);
	}
	missing = cpu_set & ~present;
	if (missing)
		return enable_fail(ctx, -ENODEV,
				   "hart %u in the config does not exist on this machine",
				   (unsigned int)__ffs64(missing));
	bitmap_from_u64(root_harts, cpu_set);
	for_each_possible_cpu(cpu) {
		bool online = cpumask_test_cpu(cpu, &ctx->cpus);
		bool in_root;

		hart = ctx->args[cpu].hart_id;
		in_root = hart < BH_MAX_HARTS && bh_config_cpu_set_has(cpu_set, hart);
		if (online && !in_root)
			return enable_fail(
				ctx, -EINVAL,
				"CPU %u (hart %llu) is online but not in the root cell's CPU set %*pbl",
				cpu, hart, BH_MAX_HARTS, root_harts);
		if (!online && in_root)
			return enable_fail(
				ctx, -EINVAL,
				"hart %llu of the root cell is offline (CPU %u): bring it online first",
				hart, cpu);
	}
	return 0;
}

static long request_image(struct bh_enable_ctx *ctx)
{
	char name[BH_ERRNO_NAME_LEN];
	int ret = firmware_request_nowarn(&ctx->fw, BH_FIRMWARE_NAME, bh_driver.root_dev);

	if (ret == -ENOENT)
		return enable_fail(ctx, -ENOENT, "hypervisor image " BH_FIRMWARE_PATH " not found");
	if (ret) {
		ctx->fw = NULL;
		return enable_fail(ctx, ret,
				   "cannot load hypervisor image " BH_FIRMWARE_PATH ": %s",
				   bh_errno_name(ret, name));
	}
	return 0;
}

static long check_image(struct bh_enable_ctx *ctx)
{
	static const char magic[BH_IMAGE_MAGIC_LEN] = BH_IMAGE_MAGIC_INIT;
	const struct bh_hv_memory *hv = &ctx->sys->hypervisor_memory;
	struct bh_image_header *hdr = &ctx->hdr;
	size_t size = ctx->fw->size;
	unsigned int top_hart;
	u32 crc;

	if (size < sizeof(*hdr))
		return enable_fail(
			ctx, -ENOEXEC,
			"corrupt hypervisor image: file is %zu bytes, its header alone is %zu",
			size, sizeof(*hdr));
	memcpy(hdr, ctx->fw->data, sizeof(*hdr));
	if (memcmp(hdr->magic, magic, sizeof(magic)))
		return enable_fail(ctx, -ENOEXEC,
				   "corrupt hypervisor image: magic \"%*pE\", expected \"%*pE\"",
				   BH_IMAGE_MAGIC_LEN, hdr->magic, BH_IMAGE_MAGIC_LEN, magic);
	if (hdr->abi_version != BH_ABI_VERSION)
		return enable_fail(ctx, -ENOEXEC,
				   "corrupt hypervisor image: ABI version %u, this driver needs %u",
				   hdr->abi_version, BH_ABI_VERSION);
	if (hdr->header_size != sizeof(*hdr))
		return enable_fail(ctx, -ENOEXEC,
				   "corrupt hypervisor image: header_size %u, expected %zu",
				   hdr->header_size, sizeof(*hdr));
	if (hdr->image_size != size)
		return enable_fail(ctx, -ENOEXEC,
				   "corrupt hypervisor image: header says %llu bytes, file is %zu",
				   hdr->image_size, size);
	if (hdr->memory_size < hdr->image_size ||
	    !IS_ALIGNED(hdr->memory_size, BH_CONFIG_PAGE_SIZE))
		return enable_fail(
			ctx, -ENOEXEC,
			"corrupt hypervisor image: memory_size 0x%llx is below image_size 0x%llx or not 4 KiB aligned",
			hdr->memory_size, hdr->image_size);
	if (hdr->entry_offset < hdr->header_size || hdr->entry_offset >= hdr->image_size ||
	    hdr->entry_offset % 4)
		return enable_fail(
			ctx, -ENOEXEC,
			"corrupt hypervisor image: entry_offset 0x%llx is not a 4-byte aligned offset in [0x%x..0x%llx)",
			hdr->entry_offset, hdr->header_size, hdr->image_size);
	ctx->config_offset = hdr->memory_size;
	if (hdr->memory_size > hv->size || ctx->req.config_size > hv->size - ctx->config_offset)
		return enable_fail(
			ctx, -ENOEXEC,
			"corrupt hypervisor image: its 0x%llx bytes of memory and 0x%llx of config do not fit hypervisor memory [0x%llx..0x%llx)",
			hdr->memory_size, ctx->req.config_size, hv->phys_start,
			hv->phys_start + hv->size);
	crc = bh_crc32(0, ctx->fw->data + hdr->header_size, hdr->image_size - hdr->header_size);
	if (crc != hdr->checksum)
		return enable_fail(ctx, -ENOEXEC,
				   "corrupt hypervisor image: checksum 0x%08x, header says 0x%08x",
				   crc, hdr->checksum);
	top_hart = fls64(ctx->sys->root_cell.cpu_set);
	if (top_hart > hdr->max_harts)
		return enable_fail(
			ctx, -ENOEXEC,
			"hypervisor image supports hart ids below %u, the root cell has hart %u",
			hdr->max_harts, top_hart - 1);
	return 0;
}

/* ------------------------------------------------------------ loading */

/*
 * Region layout: the image at 0, its bss zeroed up to memory_size, the config
 * at memory_size (page aligned). Then every hart's entry arguments.
 */
static long load_image(struct bh_enable_ctx *ctx)
{
	const struct bh_hv_memory *hv = &ctx->sys->hypervisor_memory;
	const struct bh_image_header *hdr = &ctx->hdr;
	u64 config_size = ctx->req.config_size;
	unsigned int cpu, num_harts;
	void *base;

	base = memremap(hv->phys_start, ctx->config_offset + config_size, MEMREMAP_WB);
	if (!base)
		return enable_fail(ctx, -ENOMEM, "cannot map hypervisor memory [0x%llx..0x%llx)",
				   hv->phys_start, hv->phys_start + hv->size);
	memcpy(base, ctx->fw->data, hdr->image_size);
	memset(base + hdr->image_size, 0, hdr->memory_size - hdr->image_size);
	memcpy(base + ctx->config_offset, ctx->sys, config_size);
	memunmap(base);

	ctx->entry_phys = hv->phys_start + hdr->entry_offset;
	num_harts = cpumask_weight(&ctx->cpus);
	for_each_possible_cpu(cpu) {
		struct bh_enter_args *args = &ctx->args[cpu];

		/* hart_id is in already; the trampoline fills in the linux_* and native_return. */
		args->region_phys = hv->phys_start;
		args->region_size = hv->size;
		args->config_phys = hv->phys_start + ctx->config_offset;
		args->config_size = config_size;
		args->num_harts = num_harts;
	}
	return 0;
}

/* ------------------------------------------------------------ entering and leaving */

static int enter_on_cpu(void *data)
{
	struct bh_enable_ctx *ctx = data;
	struct bh_enter_args *args = &ctx->args[smp_processor_id()];

	/* The CPUs were checked before hotplug was held off: every CPU sees the same answer. */
	if (!cpumask_equal(cpu_online_mask, &ctx->cpus)) {
		WRITE_ONCE(ctx->hotplug_race, true);
		return 0;
	}
	args->result = bh_trampoline_enter(ctx->entry_phys, virt_to_phys(args), args);
	cpumask_set_cpu(smp_processor_id(), &ctx->returned);
	return 0;
}

static int leave_on_cpu(void *data)
{
	struct bh_leave_ctx *ctx = data;
	unsigned int cpu = smp_processor_id();
	long ret;

	if (!cpumask_subset(&ctx->cpus, cpu_online_mask)) {
		WRITE_ONCE(ctx->offline_guest, true);
		return 0;
	}
	if (!cpumask_test_cpu(cpu, &ctx->cpus))
		return 0;
	ret = bh_trampoline_leave();
	if (ret) {
		cpumask_set_cpu(cpu, &ctx->failed);
		WRITE_ONCE(ctx->err, bh_sbi_errno(ret));
	}
	return 0;
}

/*
 * Takes every CPU of bh_driver.guest_cpus out of the hypervisor; those that
 * fail to leave stay in guest_cpus. Returns 0, -EBUSY when a guest CPU is
 * offline (then nothing changed), or one failing CPU's error. Call with
 * hv_lock held for writing.
 */
static long leave_guest_cpus(struct bh_leave_ctx *ctx)
{
	cpumask_copy(&ctx->cpus, &bh_driver.guest_cpus);
	cpumask_clear(&ctx->failed);
	ctx->err = 0;
	ctx->offline_guest = false;
	stop_machine(leave_on_cpu, ctx, cpu_online_mask);
	if (ctx->offline_guest)
		return -EBUSY;
	cpumask_copy(&bh_driver.guest_cpus, &ctx->failed);
	return cpumask_empty(&ctx->failed) ? 0 : result_errno(ctx->err);
}

/* The harts in bh_driver.guest_cpus are guests now. Under hv_lock (write). */
static void become_enabled(struct bh_enable_ctx *ctx)
{
	bh_driver.enter_args = ctx->args;
	ctx->args = NULL;
	bh_driver.sys = ctx->sys;
	ctx->sys = NULL;
	bh_driver.root_cell = ctx->root_cell;
	ctx->root_cell = NULL;
	WRITE_ONCE(bh_driver.enabled, true);
	/* Unloading the module would leave the hypervisor without its driver. */
	__module_get(THIS_MODULE);
}

/* After a partial start: takes back the harts that entered, then reports. */
static long undo_partial_start(struct bh_enable_ctx *ctx, long err)
{
	DECLARE_BITMAP(ok_harts, BH_MAX_HARTS);
	DECLARE_BITMAP(bad_harts, BH_MAX_HARTS);
	DECLARE_BITMAP(stuck_harts, BH_MAX_HARTS);
	char name[BH_ERRNO_NAME_LEN], leave_name[BH_ERRNO_NAME_LEN];
	long leave_err;

	cpus_to_harts(ok_harts, &ctx->entered, ctx->args);
	cpus_to_harts(bad_harts, &ctx->failed, ctx->args);
	cpumask_copy(&bh_driver.guest_cpus, &ctx->entered);
	leave_err = leave_guest_cpus(&ctx->leave);
	if (!leave_err) {
		up_write(&bh_driver.hv_lock);
		return enable_fail(
			ctx, err,
			"hypervisor refused to start on harts %*pbl: %s, harts %*pbl taken back (the hypervisor's reason is on the serial console)",
			BH_MAX_HARTS, bad_harts, bh_errno_name(err, name), BH_MAX_HARTS, ok_harts);
	}
	/* Some harts are still guests: stay enabled on them so that disable can retry. */
	cpus_to_harts(stuck_harts, &bh_driver.guest_cpus, ctx->args);
	become_enabled(ctx);
	up_write(&bh_driver.hv_lock);
	return enable_fail(
		ctx, -EIO,
		"hypervisor refused to start on harts %*pbl: %s, and harts %*pbl cannot leave it: %s; still enabled on them, disable to retry",
		BH_MAX_HARTS, bad_harts, bh_errno_name(err, name), BH_MAX_HARTS, stuck_harts,
		bh_errno_name(leave_err, leave_name));
}

static long start_hypervisor(struct bh_enable_ctx *ctx)
{
	DECLARE_BITMAP(harts, BH_MAX_HARTS);
	char name[BH_ERRNO_NAME_LEN];
	unsigned int cpu;
	long err = 0;

	down_write(&bh_driver.hv_lock);
	stop_machine(enter_on_cpu, ctx, cpu_online_mask);
	if (ctx->hotplug_race) {
		up_write(&bh_driver.hv_lock);
		return enable_fail(
			ctx, -EAGAIN,
			"the online CPUs changed while the hypervisor was being enabled: try again");
	}
	for_each_cpu(cpu, &ctx->cpus) {
		/* A CPU that never ran enter_on_cpu() is still native: count it as failed. */
		bool ran = cpumask_test_cpu(cpu, &ctx->returned);

		if (ran && !ctx->args[cpu].result) {
			cpumask_set_cpu(cpu, &ctx->entered);
			continue;
		}
		if (!err)
			err = ran ? result_errno(ctx->args[cpu].result) : -EIO;
		cpumask_set_cpu(cpu, &ctx->failed);
	}
	if (!err) {
		cpumask_copy(&bh_driver.guest_cpus, &ctx->entered);
		become_enabled(ctx);
		up_write(&bh_driver.hv_lock);
		cpus_to_harts(harts, &bh_driver.guest_cpus, bh_driver.enter_args);
		pr_info("hypervisor enabled on harts %*pbl\n", BH_MAX_HARTS, harts);
		return 0;
	}
	if (!cpumask_empty(&ctx->entered))
		return undo_partial_start(ctx, err);
	up_write(&bh_driver.hv_lock);
	return enable_fail(
		ctx, err,
		"hypervisor refused to start: %s (the hypervisor's reason is on the serial console)",
		bh_errno_name(err, name));
}

/* ------------------------------------------------------------ ioctls */

static long enable_locked(struct bh_enable_ctx *ctx)
{
	DECLARE_BITMAP(harts, BH_MAX_HARTS);
	char name[BH_ERRNO_NAME_LEN];
	long ret;

	if (bh_driver.enabled) {
		cpus_to_harts(harts, &bh_driver.guest_cpus, bh_driver.enter_args);
		return enable_fail(ctx, -EBUSY,
				   "hypervisor already enabled (on harts %*pbl): disable it first",
				   BH_MAX_HARTS, harts);
	}
	ret = copy_config(ctx);
	if (ret)
		return ret;
	ret = check_config(ctx);
	if (ret)
		return ret;
	ret = bh_check_root_ram(&ctx->reply, ctx->sys);
	if (ret)
		return ret;
	ctx->args = kcalloc(nr_cpu_ids, sizeof(*ctx->args), GFP_KERNEL);
	if (!ctx->args)
		return enable_fail(ctx, -ENOMEM, "no memory for the harts' entry arguments");
	ret = check_cpus(ctx);
	if (ret)
		return ret;
	ret = request_image(ctx);
	if (ret)
		return ret;
	ret = check_image(ctx);
	if (ret)
		return ret;
	ret = load_image(ctx);
	if (ret)
		return ret;
	/* Before the start, so that failing to create it changes nothing. */
	ctx->root_cell =
		bh_cell_add(&ctx->sys->root_cell, bh_config_cell_size(&ctx->sys->root_cell), true);
	if (IS_ERR(ctx->root_cell)) {
		ret = PTR_ERR(ctx->root_cell);
		ctx->root_cell = NULL;
		return enable_fail(ctx, ret, "cannot create the sysfs directory of cell '%s': %s",
				   ctx->sys->root_cell.name, bh_errno_name(ret, name));
	}
	bh_cell_publish(ctx->root_cell, BH_ROOT_CELL_ID);
	return start_hypervisor(ctx);
}

long bh_enable(const struct bh_ioctl_enable __user *uarg)
{
	struct bh_enable_ctx *ctx;
	long ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	if (copy_from_user(&ctx->req, uarg, sizeof(ctx->req))) {
		pr_err("cannot read the enable request\n");
		kfree(ctx);
		return -EFAULT;
	}
	ctx->reply.err_ptr = ctx->req.err_ptr;
	ctx->reply.err_size = ctx->req.err_size;
	if (!capable(CAP_SYS_ADMIN)) {
		ret = enable_fail(ctx, -EPERM, "enabling the hypervisor needs CAP_SYS_ADMIN");
		kfree(ctx);
		return ret;
	}

	mutex_lock(&bh_driver.lock);
	ret = enable_locked(ctx);
	if (ctx->root_cell)
		bh_cell_remove(ctx->root_cell);
	mutex_unlock(&bh_driver.lock);

	release_firmware(ctx->fw);
	kfree(ctx->args);
	kfree(ctx->sys);
	kfree(ctx);
	return ret;
}

/*
 * The hypervisor cannot leave cells running on their own. Returns 0, or
 * -EBUSY naming them. Under lock.
 */
static long check_no_cells(void)
{
	/* Room for the longest list: 63 one-hart cells with 31-character names. */
	const size_t size = BH_MAX_HARTS * (BH_CELL_NAME_LEN + 2);
	const struct bh_cell *cell;
	size_t len = 0;
	char *names;

	names = kzalloc(size, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	list_for_each_entry(cell, &bh_driver.cells, node)
		if (!cell->root)
			len += scnprintf(names + len, size - len, "%s%s", len ? ", " : "",
					 cell->desc->name);
	if (len)
		pr_err("cannot disable: destroy cells first: %s\n", names);
	kfree(names);
	return len ? -EBUSY : 0;
}

long bh_disable(void)
{
	DECLARE_BITMAP(harts, BH_MAX_HARTS);
	char name[BH_ERRNO_NAME_LEN];
	struct bh_leave_ctx *ctx;
	unsigned int cpu;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	mutex_lock(&bh_driver.lock);
	if (!bh_driver.enabled) {
		pr_err("cannot disable: not enabled\n");
		ret = -EINVAL;
		goto out;
	}
	ret = check_no_cells();
	if (ret)
		goto out;
	for_each_cpu(cpu, &bh_driver.guest_cpus) {
		if (cpu_online(cpu))
			continue;
		pr_err("cannot disable: CPU %u (hart %llu) is offline; bring it online first\n",
		       cpu, bh_driver.enter_args[cpu].hart_id);
		ret = -EBUSY;
		goto out;
	}

	down_write(&bh_driver.hv_lock);
	ret = leave_guest_cpus(ctx);
	if (ret) {
		up_write(&bh_driver.hv_lock);
		cpus_to_harts(harts, &bh_driver.guest_cpus, bh_driver.enter_args);
		if (ret == -EBUSY)
			pr_err("cannot disable: a CPU of the hypervisor went offline\n");
		else
			pr_err("cannot disable: harts %*pbl cannot leave the hypervisor: %s\n",
			       BH_MAX_HARTS, harts, bh_errno_name(ret, name));
		ret = ret == -EBUSY ? -EBUSY : -EIO;
		goto out;
	}
	WRITE_ONCE(bh_driver.enabled, false);
	up_write(&bh_driver.hv_lock);

	bh_cell_remove(bh_driver.root_cell);
	bh_driver.root_cell = NULL;
	kfree(bh_driver.sys);
	bh_driver.sys = NULL;
	kfree(bh_driver.enter_args);
	bh_driver.enter_args = NULL;
	module_put(THIS_MODULE);
	pr_info("hypervisor disabled\n");
out:
	mutex_unlock(&bh_driver.lock);
	kfree(ctx);
	return ret;
}
