// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The smallest inmate: say who and where we are, then idle. */
#include "inmate.h"

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	printf("hello from cell %s on hart %lu\n", bi->name, hart);
	hart_idle();
}
