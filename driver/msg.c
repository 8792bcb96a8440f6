// SPDX-License-Identifier: GPL-2.0
/*
 * Refusing a request: every refusal says why in one line, in the kernel log
 * and in the caller's error buffer, so that hvctl can print the driver's own
 * words.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bulkhead.h"

/*
 * If the caller's buffer is not writable, the message is still in the kernel
 * log and the caller still gets err.
 */
long bh_vfail(struct bh_reply *reply, long err, const char *fmt, va_list ap)
{
	size_t len;

	vsnprintf(reply->msg, sizeof(reply->msg), fmt, ap);
	pr_err("%s\n", reply->msg);
	if (reply->err_ptr && reply->err_size) {
		len = min_t(u64, strlen(reply->msg) + 1, reply->err_size);
		reply->msg[len - 1] = '\0';
		if (copy_to_user(u64_to_user_ptr(reply->err_ptr), reply->msg, len))
			pr_err("cannot write the message to user address 0x%llx\n", reply->err_ptr);
	}
	return err;
}

long bh_fail(struct bh_reply *reply, long err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = bh_vfail(reply, err, fmt, ap);
	va_end(ap);
	return err;
}

/* The values the hypervisor and the driver are likely to produce. */
const char *bh_errno_name(long err, char *buf)
{
	switch (err) {
	case -EPERM:
		return "EPERM";
	case -ENOENT:
		return "ENOENT";
	case -EINTR:
		return "EINTR";
	case -EIO:
		return "EIO";
	case -E2BIG:
		return "E2BIG";
	case -ENOEXEC:
		return "ENOEXEC";
	case -EAGAIN:
		return "EAGAIN";
	case -ENOMEM:
		return "ENOMEM";
	case -EFAULT:
		return "EFAULT";
	case -EBUSY:
		return "EBUSY";
	case -EEXIST:
		return "EEXIST";
	case -ENODEV:
		return "ENODEV";
	case -EINVAL:
		return "EINVAL";
	case -EFBIG:
		return "EFBIG";
	case -ENOSPC:
		return "ENOSPC";
	case -ERANGE:
		return "ERANGE";
	case -EOPNOTSUPP:
		return "EOPNOTSUPP";
	case -ETIMEDOUT:
		return "ETIMEDOUT";
	case -EALREADY:
		return "EALREADY";
	case -ENOTSUPP:
		return "ENOTSUPP";
	default:
		snprintf(buf, BH_ERRNO_NAME_LEN, "error %ld", err);
		return buf;
	}
}

/*
 * A request that changes cells: only with CAP_SYS_ADMIN, under the driver's
 * lock, with refusals going to the caller's error buffer. what says what was
 * asked for ("loading a cell").
 */
long bh_admin_request(u64 err_ptr, u64 err_size, const char *what,
		      long (*op)(struct bh_reply *reply, const void *arg), const void *arg)
{
	struct bh_reply *reply;
	long ret;

	reply = kzalloc(sizeof(*reply), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	reply->err_ptr = err_ptr;
	reply->err_size = err_size;
	if (capable(CAP_SYS_ADMIN)) {
		mutex_lock(&bh_driver.lock);
		ret = op(reply, arg);
		mutex_unlock(&bh_driver.lock);
	} else {
		ret = bh_fail(reply, -EPERM, "%s needs CAP_SYS_ADMIN", what);
	}
	kfree(reply);
	return ret;
}
