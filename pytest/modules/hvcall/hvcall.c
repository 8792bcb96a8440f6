// SPDX-License-Identifier: GPL-2.0
/*
 * Board test module: makes one SBI call (ecall) from the root kernel with the
 * arguments given as parameters and writes the result to the kernel log, so
 * a test can hand the hypervisor addresses the driver never would (e.g. a
 * running cell's RAM as a hypercall buffer). It does nothing else and loads
 * only where a test asks for it.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <asm/sbi.h>

static unsigned long ext, fid, a0, a1, a2;
module_param(ext, ulong, 0444);
module_param(fid, ulong, 0444);
module_param(a0, ulong, 0444);
module_param(a1, ulong, 0444);
module_param(a2, ulong, 0444);

static int __init hvcall_init(void)
{
	struct sbiret ret = sbi_ecall(ext, fid, a0, a1, a2, 0, 0, 0);

	pr_info("hvcall: ext 0x%lx fid %lu a0 0x%lx a1 0x%lx a2 0x%lx -> error %ld value %ld\n",
		ext, fid, a0, a1, a2, ret.error, ret.value);
	return 0;
}

static void __exit hvcall_exit(void)
{
}

module_init(hvcall_init);
module_exit(hvcall_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bulkhead board test: one raw SBI call");
