/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The doorbell page of a link end (docs/shared-memory.md): ABI between the
 * hypervisor, which emulates it, the inmate library and the root's tools.
 * Registers are 32 bits wide, offsets from the page's base; only aligned
 * 32-bit accesses exist.
 */
#ifndef BULKHEAD_DOORBELL_ABI_H
#define BULKHEAD_DOORBELL_ABI_H

#define BH_DOORBELL_ID	     0x00 /* R: this end's id */
#define BH_DOORBELL_LINK     0x04 /* R: the link's id */
#define BH_DOORBELL_PEERS    0x08 /* R: bit e: end e is a configured peer and present now */
#define BH_DOORBELL_RING     0x0c /* W: ring end <value>; reads 0 */
#define BH_DOORBELL_PENDING  0x10 /* R: bit e: end e rang since its bit was acked; W: 1s ack */
#define BH_DOORBELL_REFUSED  0x14 /* R: rings of this end refused so far (no peer, or absent) */
#define BH_DOORBELL_SIZE     0x1000

#endif
