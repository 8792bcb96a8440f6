/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The inmate library: everything a demo needs, and what a demo provides.
 * See docs/inmates.md.
 */
#ifndef INMATE_H
#define INMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bulkhead/bootinfo.h>

#include "boot.h"
#include "console.h"
#include "csr.h"
#include "hart.h"
#include "layout.h"
#include "mmio.h"
#include "plic.h"
#include "printf.h"
#include "sbi.h"
#include "timer.h"
#include "trap.h"

/*
 * Provided by the demo: the first hart's program, called once the boot info
 * has been checked, with interrupts off and no handlers. Returning idles the
 * hart (wfi, interrupts as main left them).
 */
int main(unsigned long hart, const struct bh_boot_info *bi);

/*
 * Optional: what a hart started with inmate_start_hart() runs. Returning
 * idles it. Without one, started harts just idle.
 */
void secondary_main(unsigned long hart, const struct bh_boot_info *bi);

/*
 * Start another hart of the cell (SBI HSM hart_start) at secondary_main().
 * Returns the SBI error: 0, or e.g. -3 (invalid param) for a hart that is
 * not the cell's.
 */
long inmate_start_hart(unsigned long hart);

/* The boot info page and the hart that started the cell, for any hart once main() runs. */
const struct bh_boot_info *inmate_boot_info(void);
unsigned long inmate_first_hart(void);

/* The parameter page: what the root loaded at INMATE_PARAM_PAGE, or zeros. */
static inline const char *inmate_param_page(void)
{
	return (const char *)(uintptr_t)INMATE_PARAM_PAGE;
}

#endif /* INMATE_H */
