// SPDX-License-Identifier: GPL-2.0
/*
 * Running a cell: loading its image (BH_IOCTL_CELL_LOAD), starting it
 * (BH_IOCTL_CELL_START) and shutting it down (BH_IOCTL_CELL_SHUTDOWN).
 *
 * The image goes into one of the cell's LOADABLE regions, which are mapped
 * in the root until the cell starts and again once it is shut down: the
 * driver writes it through a mapping of the physical range. Writing there
 * while the root does not have the regions would fault Linux itself. A cell
 * may stop on its own (SBI SRST) or be failed by the hypervisor, keeping its
 * regions; so every decision asks the hypervisor, which alone knows the
 * cell's state and whether the root has its memory.
 * "Loaded", the one thing only the driver knows, means an image was written
 * since the cell last started: a cell that ran has changed its memory, so
 * each start needs a fresh load.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/err.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "bulkhead.h"
#include "cell_check.h"
#include "hypercall.h"

/* The image is copied through mappings of at most this much (aligned to it). */
#define BH_LOAD_CHUNK (1ULL << 20)

static const char *const bh_state_names[] = BH_CELL_STATE_NAMES_INIT;

static const char *state_name(u32 state)
{
	return state < ARRAY_SIZE(bh_state_names) ? bh_state_names[state] : "in an unknown state";
}

long bh_cell_status(const struct bh_cell *cell, struct bh_cell_status *status)
{
	/* The hypervisor writes through its physical address: not on the stack. */
	struct bh_cell_status *bounce = kzalloc(sizeof(*bounce), GFP_KERNEL);
	long ret;

	if (!bounce)
		return -ENOMEM;
	ret = bh_hv_call(BH_HC_CELL_STATUS, cell->id, virt_to_phys(bounce), 0, 0, NULL);
	bounce->reason[sizeof(bounce->reason) - 1] = '\0';
	*status = *bounce;
	kfree(bounce);
	return ret;
}

/* The cell's state and flags now, or an error reported into reply. */
static long get_state(struct bh_reply *reply, const struct bh_cell *cell,
		      struct bh_cell_status *status)
{
	char name[BH_ERRNO_NAME_LEN];
	long ret = bh_cell_status(cell, status);

	if (ret)
		return bh_fail(reply, ret, "cannot read the state of cell '%s': %s",
			       cell->desc->name, bh_errno_name(ret, name));
	return 0;
}

/* Whether the root has the cell's loadable regions (so may write them). */
static long check_memory_back(struct bh_reply *reply, const struct bh_cell *cell,
			      const struct bh_cell_status *status)
{
	if (status->state == BH_CELL_RUNNING)
		return bh_fail(reply, -EBUSY, "cell '%s' is running: shut it down first",
			       cell->desc->name);
	if (!(status->flags & BH_CELL_MEMORY_IN_ROOT))
		return bh_fail(reply, -EBUSY,
			       "cell '%s' is %s but still holds its memory: shut it down first",
			       cell->desc->name, state_name(status->state));
	return 0;
}

/* ------------------------------------------------------------ load */

/* Copies size bytes from src to physical memory at phys, chunk by chunk. */
static long copy_image(u64 phys, const u8 __user *src, u64 size)
{
	while (size) {
		u64 n = min(size, BH_LOAD_CHUNK - (phys & (BH_LOAD_CHUNK - 1)));
		void *dst = memremap(phys, n, MEMREMAP_WB);
		unsigned long left;

		if (!dst)
			return -ENOMEM;
		left = copy_from_user(dst, src, n);
		memunmap(dst);
		if (left)
			return -EFAULT;
		phys += n;
		src += n;
		size -= n;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static long load_locked(struct bh_reply *reply, const struct bh_ioctl_cell_load *req)
{
	const struct bh_mem_region *r;
	const char *name;
	struct bh_cell *cell;
	struct bh_cell_status status;
	u64 address, phys = 0;
	u32 index = 0;
	long ret;

	cell = bh_cell_lookup(reply, req->name);
	if (IS_ERR(cell))
		return PTR_ERR(cell);
	name = cell->desc->name;
	ret = get_state(reply, cell, &status);
	if (!ret)
		ret = check_memory_back(reply, cell, &status);
	if (ret)
		return ret;

	address = req->address == BH_LOAD_AT_ENTRY ? cell->desc->entry : req->address;
	r = bh_config_cell_regions(cell->desc);
	switch (bh_load_place(cell->desc, address, req->image_size, &index, &phys)) {
	case BH_LOAD_OK:
		break;
	case BH_LOAD_EMPTY:
		return bh_fail(reply, -EINVAL,
			       "image of 0 bytes at 0x%llx: nothing to load into cell '%s'",
			       address, name);
	case BH_LOAD_NO_REGION:
		return bh_fail(reply, -EINVAL, "address 0x%llx is in no memory region of cell '%s'",
			       address, name);
	case BH_LOAD_NOT_LOADABLE:
		return bh_fail(
			reply, -EINVAL,
			"address 0x%llx is in region %u [0x%llx..0x%llx) of cell '%s', which is not loadable",
			address, index, r[index].virt_start, r[index].virt_start + r[index].size,
			name);
	default: /* BH_LOAD_TOO_BIG */
		return bh_fail(
			reply, -EFBIG,
			"image of %llu bytes at 0x%llx does not fit loadable region [0x%llx..0x%llx) of cell '%s'",
			req->image_size, address, r[index].virt_start,
			r[index].virt_start + r[index].size, name);
	}

	/* Whatever was loaded before is being overwritten: half an image is none. */
	cell->loaded = false;
	ret = copy_image(phys, u64_to_user_ptr(req->image_ptr), req->image_size);
	if (ret == -EFAULT)
		return bh_fail(reply, ret, "cannot read the image at user address 0x%llx",
			       req->image_ptr);
	if (ret == -ENOMEM)
		return bh_fail(reply, ret, "cannot map [0x%llx..0x%llx) of cell '%s' to load it",
			       phys, phys + req->image_size, name);
	if (ret)
		return bh_fail(reply, ret, "loading cell '%s' interrupted", name);
	/* RISC-V caches are coherent: the cell's harts will see the bytes as written. */
	cell->loaded = true;
	pr_info("cell '%s': loaded %llu bytes at 0x%llx (physical 0x%llx)\n", name, req->image_size,
		address, phys);
	return 0;
}

static long load_op(struct bh_reply *reply, const void *req)
{
	return load_locked(reply, req);
}

long bh_cell_load_ioctl(const struct bh_ioctl_cell_load __user *uarg)
{
	struct bh_ioctl_cell_load req;

	if (copy_from_user(&req, uarg, sizeof(req))) {
		pr_err("cannot read the cell load request\n");
		return -EFAULT;
	}
	return bh_admin_request(req.err_ptr, req.err_size, "loading a cell", load_op, &req);
}

/* ------------------------------------------------------------ start, shutdown */

static long start_locked(struct bh_reply *reply, struct bh_cell *cell)
{
	char name[BH_ERRNO_NAME_LEN];
	struct bh_cell_status status;
	long ret;

	ret = get_state(reply, cell, &status);
	if (ret)
		return ret;
	if (status.state == BH_CELL_RUNNING)
		return bh_fail(reply, -EBUSY, "cell '%s' is already running", cell->desc->name);
	ret = check_memory_back(reply, cell, &status);
	if (ret)
		return ret;
	if (!cell->loaded)
		return bh_fail(reply, -EINVAL,
			       "cell '%s' has no image loaded: hvctl cell load first",
			       cell->desc->name);
	ret = bh_hv_call(BH_HC_CELL_START, cell->id, 0, 0, 0, NULL);
	if (ret)
		return bh_fail(reply, ret,
			       "hypervisor refused to start cell '%s': %s (see hvctl console)",
			       cell->desc->name, bh_errno_name(ret, name));
	cell->loaded = false;
	pr_info("cell '%s' started\n", cell->desc->name);
	return 0;
}

static long shutdown_locked(struct bh_reply *reply, struct bh_cell *cell)
{
	char name[BH_ERRNO_NAME_LEN];
	struct bh_cell_status status;
	long ret;

	ret = get_state(reply, cell, &status);
	if (ret)
		return ret;
	/* One that stopped on its own or failed still has its memory to give back. */
	if (status.state != BH_CELL_RUNNING && (status.flags & BH_CELL_MEMORY_IN_ROOT))
		return bh_fail(reply, -EINVAL, "cell '%s' is not running (%s)", cell->desc->name,
			       state_name(status.state));
	ret = bh_hv_call(BH_HC_CELL_SHUTDOWN, cell->id, 0, 0, 0, NULL);
	if (ret)
		return bh_fail(reply, ret,
			       "hypervisor refused to shut down cell '%s': %s (see hvctl console)",
			       cell->desc->name, bh_errno_name(ret, name));
	cell->loaded = false;
	pr_info("cell '%s' shut down\n", cell->desc->name);
	return 0;
}

/* BH_IOCTL_CELL_START and BH_IOCTL_CELL_SHUTDOWN: what differs is op. */
struct named_cell_op {
	const struct bh_ioctl_cell *req;
	long (*op)(struct bh_reply *reply, struct bh_cell *cell);
};

static long named_cell_op_run(struct bh_reply *reply, const void *arg)
{
	const struct named_cell_op *n = arg;
	struct bh_cell *cell = bh_cell_lookup(reply, n->req->name);

	return IS_ERR(cell) ? PTR_ERR(cell) : n->op(reply, cell);
}

static long cell_ioctl(const struct bh_ioctl_cell __user *uarg, const char *what,
		       long (*op)(struct bh_reply *reply, struct bh_cell *cell))
{
	struct bh_ioctl_cell req;
	struct named_cell_op n = { &req, op };

	if (copy_from_user(&req, uarg, sizeof(req))) {
		pr_err("cannot read the request for %s\n", what);
		return -EFAULT;
	}
	return bh_admin_request(req.err_ptr, req.err_size, what, named_cell_op_run, &n);
}

long bh_cell_start_ioctl(const struct bh_ioctl_cell __user *uarg)
{
	return cell_ioctl(uarg, "starting a cell", start_locked);
}

long bh_cell_shutdown_ioctl(const struct bh_ioctl_cell __user *uarg)
{
	return cell_ioctl(uarg, "shutting down a cell", shutdown_locked);
}
