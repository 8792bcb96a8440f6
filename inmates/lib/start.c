// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* From the entry code to the demo's main() and secondary_main(). */
#include <stdint.h>

#include "boot.h"
#include "console.h"
#include "inmate.h"
#include "printf.h"
#include "sbi.h"
#include "trap.h"

/* entry.S */
extern char _secondary_entry[];

void inmate_primary_start(unsigned long hart, const struct bh_boot_info *bi);
void inmate_secondary_start(unsigned long hart, const struct bh_boot_info *bi);

static const struct bh_boot_info *boot_info;
static unsigned long first_hart;

void inmate_primary_start(unsigned long hart, const struct bh_boot_info *bi)
{
	console_init();
	if (boot_info_check(bi, hart))
		hart_halt();
	/* entry.S gave this hart stack 0, which is the lowest hart's. */
	if (boot_info_hart_index(bi, hart) != 0) {
		printf("inmate: started on hart %lu, not the cell's lowest hart (harts 0x%lx)\n",
		       hart, (unsigned long)bi->cpu_set);
		hart_halt();
	}
	boot_info = bi;
	first_hart = hart;
	main(hart, bi);
	hart_idle();
}

void inmate_secondary_start(unsigned long hart, const struct bh_boot_info *bi)
{
	secondary_main(hart, bi);
	hart_idle();
}

/* A demo without secondary_main() leaves a started hart idle. */
__attribute__((weak)) void secondary_main(unsigned long hart, const struct bh_boot_info *bi)
{
	(void)hart;
	(void)bi;
}

const struct bh_boot_info *inmate_boot_info(void)
{
	return boot_info;
}

unsigned long inmate_first_hart(void)
{
	return first_hart;
}

long inmate_start_hart(unsigned long hart)
{
	/* What this hart wrote must be there when the new one starts reading. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return sbi_hart_start(hart, (uintptr_t)_secondary_entry, (uintptr_t)boot_info).error;
}
