// SPDX-License-Identifier: GPL-2.0
/*
 * BH_IOCTL_CONSOLE: reads the hypervisor's console ring from a position on.
 * The hypervisor writes into a bounce buffer by physical address; at most
 * BH_CONSOLE_BOUNCE bytes (header included) per call.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "bulkhead.h"
#include "hypercall.h"

#define BH_CONSOLE_BOUNCE 4096

long bh_console_read(struct bh_ioctl_console __user *uarg)
{
	struct bh_console_chunk *chunk;
	struct bh_ioctl_console req;
	size_t size;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	size = sizeof(*chunk) + min_t(u64, req.buf_size, BH_CONSOLE_BOUNCE - sizeof(*chunk));
	/* kmalloc keeps it in one physically contiguous piece of the linear map. */
	chunk = kzalloc(size, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;

	down_read(&bh_driver.hv_lock);
	if (bh_driver.enabled)
		ret = bh_hypercall(BH_HC_CONSOLE_READ, virt_to_phys(chunk), size, req.pos, NULL);
	else
		ret = -ENODEV;
	up_read(&bh_driver.hv_lock);
	if (ret == -ENODEV) {
		pr_err_ratelimited("cannot read the console: hypervisor not enabled\n");
		goto out;
	}
	if (ret) {
		pr_err_ratelimited("console read at %llu failed: error %ld\n", req.pos, ret);
		goto out;
	}
	if (chunk->length > size - sizeof(*chunk) || chunk->start > chunk->head ||
	    chunk->length > chunk->head - chunk->start) {
		pr_err_ratelimited(
			"hypervisor returned a bad console chunk: start %llu length %llu head %llu for %zu bytes\n",
			chunk->start, chunk->length, chunk->head, size - sizeof(*chunk));
		ret = -EIO;
		goto out;
	}
	if (copy_to_user(u64_to_user_ptr(req.buf_ptr), chunk + 1, chunk->length)) {
		ret = -EFAULT;
		goto out;
	}
	/* Bytes between the requested position and the oldest one left were overwritten. */
	req.skipped = chunk->start > req.pos ? chunk->start - req.pos : 0;
	req.pos = chunk->start + chunk->length;
	req.length = chunk->length;
	if (copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
out:
	kfree(chunk);
	return ret;
}
