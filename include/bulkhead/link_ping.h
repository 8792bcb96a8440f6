/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ping protocol of the link demos (docs/shared-memory.md): bh-ping on the
 * root and the ivshmem-demo inmate. The pinging end writes a request at the
 * start of the link's shared memory and rings its peer; the answering end
 * checks it, writes a reply (the payload reversed) at BH_PING_REPLY and rings
 * back the end the request came from.
 */
#ifndef BULKHEAD_LINK_PING_H
#define BULKHEAD_LINK_PING_H

#include <stdint.h>

#define BH_PING_REQUEST	    0x0
#define BH_PING_REPLY	    0x1000
#define BH_PING_MAX_PAYLOAD 1024

struct bh_ping_msg {
	uint32_t seq;	/* the request's sequence number, echoed in the reply */
	uint32_t from;	/* the end id that wrote it */
	uint32_t len;	/* payload bytes */
	uint32_t sum;	/* bh_ping_sum() of the payload */
	uint32_t status; /* reply: 0, or 1 if the request's checksum was wrong */
	uint32_t reserved;
	uint8_t payload[BH_PING_MAX_PAYLOAD];
};

/* FNV-1a: every byte and its position count. */
static inline uint32_t bh_ping_sum(const volatile uint8_t *p, uint32_t len)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The request's payload for seq: its length and bytes depend on seq. */
static inline uint32_t bh_ping_fill(volatile uint8_t *p, uint32_t seq)
{
	uint32_t len = 16 + seq % (BH_PING_MAX_PAYLOAD - 16);

	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 131u + i * 7u);
	return len;
}

#endif
