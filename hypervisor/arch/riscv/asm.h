/* SPDX-License-Identifier: GPL-2.0 */
/* Encodings the assembler may not know for every -march: H-extension instructions. */
#ifndef BULKHEAD_ARCH_ASM_H
#define BULKHEAD_ARCH_ASM_H

/* hfence.gvma x0, x0 and hfence.vvma x0, x0: all guests' / this VMID's translations. */
#define HFENCE_GVMA_ALL .word 0x62000073
#define HFENCE_VVMA_ALL .word 0x22000073

#endif
