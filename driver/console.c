// SPDX-License-Identifier: GPL-2.0
/*
 * BH_IOCTL_CONSOLE and BH_IOCTL_CELL_CONSOLE: read the hypervisor's console
 * ring, or a cell's, from a position on. The hypervisor writes into a bounce
 * buffer by physical address; at most BH_CONSOLE_BOUNCE bytes (header
 * included) per call. BH_IOCTL_CELL_SEND: console input for a cell, through
 * a bounce buffer the same way.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/err.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "bulkhead.h"
#include "hypercall.h"

#define BH_CONSOLE_BOUNCE 4096

/* Where a read goes and what it found: the fields both ioctls share. */
struct bh_console_req {
	u64 buf_ptr;
	u64 buf_size;
	u64 pos;
	u64 length;
	u64 skipped;
};

/*
 * Reads the console of cell (the hypervisor's when NULL) from req->pos into
 * the user buffer and fills in the rest of req.
 */
static long console_read(const struct bh_cell *cell, struct bh_console_req *req)
{
	const char *whose = cell ? cell->desc->name : "the hypervisor";
	struct bh_console_chunk *chunk;
	size_t size;
	long ret;

	size = sizeof(*chunk) + min_t(u64, req->buf_size, BH_CONSOLE_BOUNCE - sizeof(*chunk));
	/* kmalloc keeps it in one physically contiguous piece of the linear map. */
	chunk = kzalloc(size, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;

	if (cell)
		ret = bh_hv_call(BH_HC_CELL_CONSOLE_READ, cell->id, virt_to_phys(chunk), size,
				 req->pos, NULL);
	else
		ret = bh_hv_call(BH_HC_CONSOLE_READ, virt_to_phys(chunk), size, req->pos, 0, NULL);
	if (ret == -ENODEV) {
		pr_err_ratelimited("cannot read the console: hypervisor not enabled\n");
		goto out;
	}
	if (ret) {
		pr_err_ratelimited("console read of %s at %llu failed: error %ld\n", whose,
				   req->pos, ret);
		goto out;
	}
	if (chunk->length > size - sizeof(*chunk) || chunk->start > chunk->head ||
	    chunk->length > chunk->head - chunk->start) {
		pr_err_ratelimited(
			"hypervisor returned a bad console chunk for %s: start %llu length %llu head %llu for %zu bytes\n",
			whose, chunk->start, chunk->length, chunk->head, size - sizeof(*chunk));
		ret = -EIO;
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(req->buf_ptr), chunk + 1, chunk->length)) {
		ret = -EFAULT;
		goto out;
	}
	/* Bytes between the requested position and the oldest one left were overwritten. */
	req->skipped = chunk->start > req->pos ? chunk->start - req->pos : 0;
	req->pos = chunk->start + chunk->length;
	req->length = chunk->length;
out:
	kfree(chunk);
	return ret;
}

long bh_console_read(struct bh_ioctl_console __user *uarg)
{
	struct bh_ioctl_console req;
	struct bh_console_req r;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	r = (struct bh_console_req){ .buf_ptr = req.buf_ptr,
				     .buf_size = req.buf_size,
				     .pos = req.pos };
	ret = console_read(NULL, &r);
	if (ret)
		return ret;
	req.pos = r.pos;
	req.length = r.length;
	req.skipped = r.skipped;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

long bh_cell_console_read(struct bh_ioctl_cell_console __user *uarg)
{
	struct bh_ioctl_cell_console req;
	struct bh_console_req r;
	struct bh_reply *reply;
	struct bh_cell *cell;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	/* The request has no message buffer: refusals go to the kernel log only. */
	reply = kzalloc(sizeof(*reply), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	r = (struct bh_console_req){ .buf_ptr = req.buf_ptr,
				     .buf_size = req.buf_size,
				     .pos = req.pos };
	mutex_lock(&bh_driver.lock);
	cell = bh_cell_lookup(reply, req.name);
	ret = IS_ERR(cell) ? PTR_ERR(cell) : console_read(cell, &r);
	mutex_unlock(&bh_driver.lock);
	kfree(reply);
	if (ret)
		return ret;
	req.pos = r.pos;
	req.length = r.length;
	req.skipped = r.skipped;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

/* What one send carries through bh_admin_request(). */
struct console_send {
	struct bh_ioctl_cell_send *req;
	char *bytes;
	size_t size;
};

static long send_op(struct bh_reply *reply, const void *arg)
{
	const struct console_send *send = arg;
	unsigned long taken = 0;
	struct bh_cell *cell;
	char name[BH_ERRNO_NAME_LEN];
	long ret;

	cell = bh_cell_lookup(reply, send->req->name);
	if (IS_ERR(cell))
		return PTR_ERR(cell);
	if (send->size) {
		ret = bh_hv_call(BH_HC_CELL_CONSOLE_WRITE, cell->id, virt_to_phys(send->bytes),
				 send->size, 0, &taken);
		if (ret)
			return bh_fail(reply, ret,
				       "hypervisor refused console input for cell '%s': %s",
				       cell->desc->name, bh_errno_name(ret, name));
	}
	if (taken > send->size)
		return bh_fail(reply, -EIO,
			       "hypervisor took %lu bytes of console input out of %zu", taken,
			       send->size);
	send->req->taken = taken;
	return 0;
}

long bh_cell_console_send(struct bh_ioctl_cell_send __user *uarg)
{
	struct bh_ioctl_cell_send req;
	struct console_send send = { .req = &req };
	char *bounce;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	send.size = min_t(u64, req.buf_size, BH_CONSOLE_BOUNCE);
	/* kmalloc keeps it in one physically contiguous piece of the linear map. */
	bounce = kmalloc(send.size ? send.size : 1, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	send.bytes = bounce;
	if (copy_from_user(bounce, u64_to_user_ptr(req.buf_ptr), send.size))
		ret = -EFAULT;
	else
		ret = bh_admin_request(req.err_ptr, req.err_size, "sending console input",
				       send_op, &send);
	kfree(bounce);
	if (ret)
		return ret;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}
