/* SPDX-License-Identifier: GPL-2.0 */
/* Entering and leaving the hypervisor on the current hart (trampoline.S). */
#ifndef BULKHEAD_DRIVER_TRAMPOLINE_H
#define BULKHEAD_DRIVER_TRAMPOLINE_H

#include <bulkhead/hypercall.h>

/*
 * Hand this hart to the hypervisor. Call with interrupts off (stop_machine).
 * entry_phys: physical address of the image's entry; args_phys: physical
 * address of args (which must be in the linear map). Fills
 * args->native_return itself. Returns args->result: 0 when the hart came back
 * as a guest, a negative errno when the hypervisor refused and handed the hart
 * back natively.
 */
long bh_trampoline_enter(unsigned long entry_phys, unsigned long args_phys,
			 struct bh_enter_args *args);

/*
 * Take this hart back from the hypervisor (BH_HC_DISABLE). Call with
 * interrupts off. Returns 0 when the hart runs natively again, or the
 * negative SBI error the hypervisor returned (the hart is still a guest).
 */
long bh_trampoline_leave(void);

#endif
