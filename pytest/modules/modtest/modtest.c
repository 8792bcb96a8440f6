// SPDX-License-Identifier: GPL-2.0
/*
 * Board test module: proves that the root kernel loads out-of-tree modules.
 * It echoes its parameter into the kernel log so the test can tell this load
 * from any earlier one.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

static int token;
module_param(token, int, 0444);
MODULE_PARM_DESC(token, "number echoed to the kernel log on load and unload");

static int __init modtest_init(void)
{
	pr_info("modtest: loaded token=%d\n", token);
	return 0;
}

static void __exit modtest_exit(void)
{
	pr_info("modtest: unloaded token=%d\n", token);
}

module_init(modtest_init);
module_exit(modtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bulkhead board test: module loading");
