// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and destroying cells (BH_IOCTL_CELL_CREATE, BH_IOCTL_CELL_DESTROY)
 * and keeping their CPUs away from Linux in between.
 *
 * Create checks the config on its own, against the system config and the
 * cells there are (the validator's checks, which the hypervisor makes again),
 * then against the running machine: a refusal changes nothing. Only then
 * does Linux give up the cell's CPUs (it stops their harts through SBI HSM,
 * and the hypervisor parks them) and the hypervisor builds the cell.
 * Destroy undoes it in the opposite order: the hypervisor hands the harts
 * back stopped and Linux starts them again.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <bulkhead/config_check.h>

#include "bulkhead.h"
#include "hypercall.h"

/* How long a hart may take to stop after Linux took its CPU offline. */
#define BH_HART_STOP_TIMEOUT_MS 1000

struct bh_create_ctx {
	struct bh_ioctl_cell_create req;
	struct bh_cell_desc *desc; /* the caller's config, copied */
	const char *name;	   /* desc->name, once the config is valid */
	struct cpumask cpus;	   /* the cell's CPUs */
	struct cpumask removed;	   /* those Linux has given up so far */
	struct cpumask stuck;	   /* those that did not come back online */
	struct bh_cell *cell;
	char check_msg[BH_CONFIG_ERR_LEN];
	struct bh_reply reply;
};

/* What a region is called in messages. */
static const char *region_kind(const struct bh_mem_region *r)
{
	return r->flags & BH_MEM_IO ? "IO" : "memory";
}

/* The hart of a possible CPU, as enable read it from the device tree. */
static u64 cpu_hart(unsigned int cpu)
{
	return bh_driver.enter_args[cpu].hart_id;
}

/* The Linux CPU of a hart, or -1. */
static int hart_cpu(u32 hart)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (cpu_hart(cpu) == hart)
			return cpu;
	return -1;
}

/* ------------------------------------------------------------ lookup */

struct bh_cell *bh_cell_find(const char *name)
{
	struct bh_cell *cell;

	list_for_each_entry(cell, &bh_driver.cells, node)
		if (!strcmp(cell->desc->name, name))
			return cell;
	return NULL;
}

struct bh_cell *bh_cell_lookup(struct bh_reply *reply, const char name[BH_CELL_NAME_LEN])
{
	struct bh_cell *cell;

	if (!memchr(name, '\0', BH_CELL_NAME_LEN))
		return ERR_PTR(bh_fail(reply, -EINVAL,
				       "cell name \"%.*s\" is not NUL-terminated within %u bytes",
				       BH_CELL_NAME_LEN, name, BH_CELL_NAME_LEN));
	if (!bh_driver.enabled)
		return ERR_PTR(
			bh_fail(reply, -ENODEV, "no cell '%s': hypervisor not enabled", name));
	cell = bh_cell_find(name);
	if (!cell)
		return ERR_PTR(bh_fail(reply, -ENOENT, "no cell '%s'", name));
	if (cell->root)
		return ERR_PTR(bh_fail(
			reply, -EINVAL,
			"cell '%s' is the root cell: only enable and disable manage it", name));
	return cell;
}

/* ------------------------------------------------------------ CPUs */

/*
 * Gives the CPUs of reserved back to Linux (the hotplug guard lets them
 * online again) and brings those of removed online. CPUs that do not come
 * back go into stuck; returns the error of one of them, or 0.
 */
static long return_cpus(const struct cpumask *reserved, const struct cpumask *removed,
			struct cpumask *stuck)
{
	unsigned int cpu;
	long err = 0;
	int ret;

	for_each_cpu(cpu, reserved)
		cpumask_clear_cpu(cpu, &bh_driver.cell_cpus);
	cpumask_clear(stuck);
	for_each_cpu(cpu, removed) {
		ret = add_cpu(cpu);
		/* 1: it was online already (someone else brought it back). */
		if (ret < 0) {
			cpumask_set_cpu(cpu, stuck);
			err = ret;
			pr_err("CPU %u (hart %llu) did not come back online: error %d\n", cpu,
			       cpu_hart(cpu), ret);
		}
	}
	return err;
}

/*
 * Linux's offline CPU has reported its death, but its hart may still be on
 * its way into SBI HSM hart_stop: wait until the hypervisor has parked it.
 */
static long wait_harts_stopped(struct bh_create_ctx *ctx)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(BH_HART_STOP_TIMEOUT_MS);
	unsigned int cpu;
	struct sbiret r;

	for_each_cpu(cpu, &ctx->cpus) {
		for (;;) {
			r = sbi_ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_STATUS, cpu_hart(cpu), 0, 0, 0,
				      0, 0);
			/* On an error the hypervisor's create is the judge. */
			if (r.error || r.value == SBI_HSM_STATE_STOPPED)
				break;
			if (time_after(jiffies, deadline))
				return bh_fail(
					&ctx->reply, -ETIMEDOUT,
					"cell '%s': hart %llu did not stop within %u ms after Linux took CPU %u offline (HSM state %ld)",
					ctx->name, cpu_hart(cpu), BH_HART_STOP_TIMEOUT_MS, cpu,
					r.value);
			usleep_range(50, 200);
		}
	}
	return 0;
}

/*
 * Takes the cell's CPUs from Linux: first reserves them (so that nobody
 * brings them back online), then takes them offline. On failure everything
 * is given back.
 */
static long take_cpus(struct bh_create_ctx *ctx)
{
	char name[BH_ERRNO_NAME_LEN];
	unsigned int cpu;
	long ret = 0;

	for_each_cpu(cpu, &ctx->cpus)
		cpumask_set_cpu(cpu, &bh_driver.cell_cpus);
	for_each_cpu(cpu, &ctx->cpus) {
		/* 1: already offline, which is what we want. */
		ret = remove_cpu(cpu);
		if (ret < 0)
			break;
		ret = 0;
		cpumask_set_cpu(cpu, &ctx->removed);
	}
	if (ret < 0) {
		if (return_cpus(&ctx->cpus, &ctx->removed, &ctx->stuck))
			return bh_fail(
				&ctx->reply, ret,
				"cell '%s': Linux cannot take CPU %u (hart %llu) offline: %s; and CPUs %*pbl did not come back online",
				ctx->name, cpu, cpu_hart(cpu), bh_errno_name(ret, name),
				cpumask_pr_args(&ctx->stuck));
		return bh_fail(&ctx->reply, ret,
			       "cell '%s': Linux cannot take CPU %u (hart %llu) offline: %s",
			       ctx->name, cpu, cpu_hart(cpu), bh_errno_name(ret, name));
	}
	ret = wait_harts_stopped(ctx);
	if (ret)
		return_cpus(&ctx->cpus, &ctx->removed, &ctx->stuck);
	return ret;
}

/* ------------------------------------------------------------ create: checks */

static long copy_config(struct bh_create_ctx *ctx)
{
	u64 size = ctx->req.config_size;
	void *config;

	if (!size)
		return bh_fail(&ctx->reply, -EINVAL, "cell config is empty (config_size 0)");
	if (size > BH_CONFIG_MAX_SIZE)
		return bh_fail(&ctx->reply, -E2BIG, "cell config is %llu bytes, at most %u allowed",
			       size, BH_CONFIG_MAX_SIZE);
	/* kmalloc'd: 8-byte aligned, as the validator wants. */
	config = memdup_user(u64_to_user_ptr(ctx->req.config_ptr), size);
	if (IS_ERR(config)) {
		if (PTR_ERR(config) == -EFAULT)
			return bh_fail(&ctx->reply, -EFAULT,
				       "cannot read the cell config at user address 0x%llx",
				       ctx->req.config_ptr);
		return bh_fail(&ctx->reply, PTR_ERR(config),
			       "no memory for a %llu-byte copy of the cell config", size);
	}
	ctx->desc = config;
	return 0;
}

/* The validator's verdict on the cell beside the cells there are, as an errno. */
static long check_against_cells(struct bh_create_ctx *ctx)
{
	const struct bh_cell_desc **others, *root = NULL;
	const struct bh_cell *cell;
	unsigned int n = 0;
	int ret;

	list_for_each_entry(cell, &bh_driver.cells, node)
		n++;
	others = kmalloc_array(n, sizeof(*others), GFP_KERNEL);
	if (!others)
		return bh_fail(&ctx->reply, -ENOMEM, "no memory to check cell '%s'", ctx->name);
	n = 0;
	list_for_each_entry(cell, &bh_driver.cells, node) {
		if (cell->root)
			root = cell->desc;
		else
			others[n++] = cell->desc;
	}
	ret = bh_config_check_against_cells(ctx->desc, root, others, n, ctx->check_msg,
					    sizeof(ctx->check_msg));
	kfree(others);
	switch (ret) {
	case 0:
		return 0;
	case BH_CONFIG_EEXIST:
		return bh_fail(&ctx->reply, -EEXIST, "%s", ctx->check_msg);
	case BH_CONFIG_ECONFLICT:
		return bh_fail(&ctx->reply, -EBUSY, "%s", ctx->check_msg);
	default:
		return bh_fail(&ctx->reply, -EINVAL, "%s", ctx->check_msg);
	}
}

static long check_config(struct bh_create_ctx *ctx)
{
	const char *problem;

	if (bh_config_check_cell(ctx->desc, ctx->req.config_size, ctx->check_msg,
				 sizeof(ctx->check_msg)))
		return bh_fail(&ctx->reply, -EINVAL, "%s", ctx->check_msg);
	if (bh_config_check_cell_fits(bh_driver.sys, ctx->desc, ctx->check_msg,
				      sizeof(ctx->check_msg)))
		return bh_fail(&ctx->reply, -EINVAL, "%s", ctx->check_msg);
	ctx->name = ctx->desc->name;
	problem = bh_cell_name_problem(ctx->name);
	if (problem)
		return bh_fail(&ctx->reply, -EINVAL, "cell name '%s' %s: sysfs cannot show it",
			       ctx->name, problem);
	return check_against_cells(ctx);
}

/* The cell's harts (no other cell's, check_config() saw to that) have their CPUs online. */
static long check_cpus(struct bh_create_ctx *ctx)
{
	struct cpumask rest;
	unsigned int hart;
	int cpu;

	for (hart = 0; hart < BH_MAX_HARTS; hart++) {
		if (!bh_config_cpu_set_has(ctx->desc->cpu_set, hart))
			continue;
		cpu = hart_cpu(hart);
		if (cpu < 0)
			return bh_fail(&ctx->reply, -ENODEV, "cell '%s': hart %u has no Linux CPU",
				       ctx->name, hart);
		if (!cpu_online(cpu))
			return bh_fail(
				&ctx->reply, -EINVAL,
				"cell '%s': hart %u (CPU %d) is offline in Linux: bring it online first (the root gives only CPUs it runs)",
				ctx->name, hart, cpu);
		cpumask_set_cpu(cpu, &ctx->cpus);
	}
	cpumask_andnot(&rest, cpu_online_mask, &ctx->cpus);
	if (!cpumask_intersects(&rest, &bh_driver.guest_cpus))
		return bh_fail(&ctx->reply, -EBUSY, "cell '%s' would take the root's last CPU",
			       ctx->name);
	return 0;
}

/* Its memory is not Linux's RAM (check_config() saw that it is no other cell's). */
static long check_memory(struct bh_create_ctx *ctx)
{
	const struct bh_mem_region *r = bh_config_cell_regions(ctx->desc);
	u32 i;

	for (i = 0; i < ctx->desc->num_mem_regions; i++) {
		if (region_intersects(r[i].phys_start, r[i].size, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) == REGION_DISJOINT)
			continue;
		return bh_fail(
			&ctx->reply, -EBUSY,
			"cell '%s': %s region %u [0x%llx..0x%llx) overlaps Linux RAM (the root's kernel)",
			ctx->name, region_kind(&r[i]), i, r[i].phys_start,
			r[i].phys_start + r[i].size);
	}
	return 0;
}

/* ------------------------------------------------------------ create */

static long create_locked(struct bh_create_ctx *ctx)
{
	char name[BH_ERRNO_NAME_LEN];
	unsigned long id;
	long ret;

	if (!bh_driver.enabled)
		return bh_fail(&ctx->reply, -ENODEV,
			       "cannot create a cell: hypervisor not enabled (hvctl enable first)");
	ret = copy_config(ctx);
	if (!ret)
		ret = check_config(ctx);
	if (!ret)
		ret = check_cpus(ctx);
	if (!ret)
		ret = check_memory(ctx);
	if (ret)
		return ret;

	/* Before the CPUs go, so that failing to create it changes nothing. */
	ctx->cell = bh_cell_add(ctx->desc, ctx->req.config_size, false);
	if (IS_ERR(ctx->cell)) {
		ret = PTR_ERR(ctx->cell);
		ctx->cell = NULL;
		return bh_fail(&ctx->reply, ret,
			       "cannot create the sysfs directory of cell '%s': %s", ctx->name,
			       bh_errno_name(ret, name));
	}
	ret = take_cpus(ctx);
	if (ret)
		goto remove_cell;

	/* The root is identity-mapped: the copy's guest-physical address is its physical one. */
	ret = bh_hv_call(BH_HC_CELL_CREATE, virt_to_phys(ctx->cell->desc), ctx->cell->config_size,
			 0, 0, &id);
	if (ret) {
		if (return_cpus(&ctx->cpus, &ctx->removed, &ctx->stuck))
			bh_fail(&ctx->reply, ret,
				"hypervisor refused cell '%s': %s (see hvctl console); and CPUs %*pbl did not come back online",
				ctx->name, bh_errno_name(ret, name), cpumask_pr_args(&ctx->stuck));
		else
			bh_fail(&ctx->reply, ret,
				"hypervisor refused cell '%s': %s (see hvctl console)", ctx->name,
				bh_errno_name(ret, name));
		goto remove_cell;
	}

	cpumask_copy(&ctx->cell->cpus, &ctx->cpus);
	WRITE_ONCE(bh_driver.cell_harts, bh_driver.cell_harts | ctx->desc->cpu_set);
	bh_cell_publish(ctx->cell, id);
	pr_info("cell '%s' created (id %lu) on CPUs %*pbl\n", ctx->name, id,
		cpumask_pr_args(&ctx->cpus));
	ctx->cell = NULL;
	return 0;

remove_cell:
	bh_cell_remove(ctx->cell);
	ctx->cell = NULL;
	return ret;
}

long bh_cell_create_ioctl(const struct bh_ioctl_cell_create __user *uarg)
{
	struct bh_create_ctx *ctx;
	long ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	if (copy_from_user(&ctx->req, uarg, sizeof(ctx->req))) {
		pr_err("cannot read the cell create request\n");
		kfree(ctx);
		return -EFAULT;
	}
	ctx->reply.err_ptr = ctx->req.err_ptr;
	ctx->reply.err_size = ctx->req.err_size;
	if (capable(CAP_SYS_ADMIN)) {
		mutex_lock(&bh_driver.lock);
		ret = create_locked(ctx);
		mutex_unlock(&bh_driver.lock);
	} else {
		ret = bh_fail(&ctx->reply, -EPERM, "creating a cell needs CAP_SYS_ADMIN");
	}
	kfree(ctx->desc);
	kfree(ctx);
	return ret;
}

/* ------------------------------------------------------------ destroy */

static long destroy_locked(struct bh_reply *reply, const struct bh_ioctl_cell *req)
{
	char name[BH_ERRNO_NAME_LEN], cell_name[BH_CELL_NAME_LEN];
	struct cpumask cpus, stuck;
	struct bh_cell *cell;
	long ret;

	cell = bh_cell_lookup(reply, req->name);
	if (IS_ERR(cell))
		return PTR_ERR(cell);
	ret = bh_hv_call(BH_HC_CELL_DESTROY, cell->id, 0, 0, 0, NULL);
	if (ret)
		return bh_fail(reply, ret,
			       "hypervisor refused to destroy cell '%s': %s (see hvctl console)",
			       cell->desc->name, bh_errno_name(ret, name));

	/* The hypervisor has given the harts back to the root, stopped. */
	strscpy(cell_name, cell->desc->name, sizeof(cell_name));
	cpumask_copy(&cpus, &cell->cpus);
	WRITE_ONCE(bh_driver.cell_harts, bh_driver.cell_harts & ~cell->desc->cpu_set);
	bh_cell_remove(cell);
	ret = return_cpus(&cpus, &cpus, &stuck);
	if (ret)
		return bh_fail(
			reply, ret,
			"cell '%s' destroyed, but CPUs %*pbl did not come back online: %s (retry with /sys/devices/system/cpu/cpuN/online)",
			cell_name, cpumask_pr_args(&stuck), bh_errno_name(ret, name));
	pr_info("cell '%s' destroyed; CPUs %*pbl back online\n", cell_name, cpumask_pr_args(&cpus));
	return 0;
}

static long destroy_op(struct bh_reply *reply, const void *req)
{
	return destroy_locked(reply, req);
}

long bh_cell_destroy_ioctl(const struct bh_ioctl_cell __user *uarg)
{
	struct bh_ioctl_cell req;

	if (copy_from_user(&req, uarg, sizeof(req))) {
		pr_err("cannot read the cell destroy request\n");
		return -EFAULT;
	}
	return bh_admin_request(req.err_ptr, req.err_size, "destroying a cell", destroy_op, &req);
}

/* ------------------------------------------------------------ hotplug guard */

/*
 * Runs on the CPU bringing cpu up, before its hart is started: a cell's CPU
 * stays offline. Never takes bh_driver.lock (the driver offlines CPUs with it
 * held).
 */
static int bh_cell_cpu_prepare(unsigned int cpu)
{
	if (!cpumask_test_cpu(cpu, &bh_driver.cell_cpus))
		return 0;
	pr_info_ratelimited(
		"CPU %u belongs to a cell: Linux gets it back when the cell is destroyed\n", cpu);
	return -EBUSY;
}

int bh_cell_hotplug_init(void)
{
	int ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "bulkhead/cell:prepare",
					    bh_cell_cpu_prepare, NULL);

	if (ret < 0)
		return ret;
	bh_driver.cpuhp_state = ret;
	return 0;
}

void bh_cell_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(bh_driver.cpuhp_state);
}
