// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Shared memory and doorbells (docs/shared-memory.md). By default the inmate
 * answers pings on every link end of its cell: it sleeps until a peer rings
 * (wfi, then claim and complete: the doorbell's virtual line), checks the
 * request's checksum, writes the reply and rings the sender back. With the
 * parameter "ping N" it pings instead: N round trips to the peer of its first
 * link end, then it prints what bh-ping prints. With "flood S" it rings its
 * first peer without waiting for S seconds (the coalescing test).
 */
#include <bulkhead/link_ping.h>

#include "inmate.h"
#include "link.h"
#include "params.h"

static struct plic_ctx plic;
static struct inmate_link links[BH_MAX_LINK_ENDS];
static unsigned int num_links;
static unsigned long answered, bad_requests;

static struct inmate_link *link_of_line(uint32_t line)
{
	for (unsigned int i = 0; i < num_links; i++)
		if (links[i].cfg->irq_line == line)
			return &links[i];
	return NULL;
}

/* The reply to req: its payload reversed; whether req's checksum was right. */
static bool reply(volatile struct bh_ping_msg *rep, const volatile struct bh_ping_msg *req,
		  uint32_t from)
{
	uint32_t asked = req->len, sum = req->sum;
	uint32_t len = asked < BH_PING_MAX_PAYLOAD ? asked : BH_PING_MAX_PAYLOAD;
	bool ok = asked == len && bh_ping_sum(req->payload, len) == sum;

	for (uint32_t i = 0; i < len; i++)
		rep->payload[i] = req->payload[len - 1 - i];
	rep->len = len;
	rep->sum = bh_ping_sum(rep->payload, len);
	rep->status = ok ? 0 : 1;
	rep->from = from;
	rep->seq = req->seq;
	return ok;
}

static void answer(struct inmate_link *l)
{
	volatile struct bh_ping_msg *req = (volatile void *)((uintptr_t)l->shmem + BH_PING_REQUEST);
	volatile struct bh_ping_msg *rep = (volatile void *)((uintptr_t)l->shmem + BH_PING_REPLY);

	bad_requests += !reply(rep, req, l->cfg->end_id);
	answered++;
	link_ring(l, req->from);
}

static void __attribute__((noreturn)) serve(void)
{
	for (;;) {
		uint32_t line = link_wait(&plic);
		struct inmate_link *l = link_of_line(line);

		if (!l) {
			printf("ivshmem-demo: unexpected line %u\n", line);
			continue;
		}
		answer(l);
		/* A line is for the console only now and then: printing costs exits. */
		if (answered % 1000 == 0)
			printf("ivshmem-demo: %lu answered, %lu bad\n", answered, bad_requests);
	}
}

static uint32_t first_peer(const struct inmate_link *l)
{
	uint32_t peers = link_peers(l);

	for (uint32_t e = 0; e <= BH_LINK_MAX_END_ID; e++)
		if ((peers >> e) & 1)
			return e;
	return BH_LINK_MAX_END_ID + 1;
}

static void ping(struct inmate_link *l, unsigned long n)
{
	volatile struct bh_ping_msg *req = (volatile void *)((uintptr_t)l->shmem + BH_PING_REQUEST);
	volatile struct bh_ping_msg *rep = (volatile void *)((uintptr_t)l->shmem + BH_PING_REPLY);
	uint32_t peer = first_peer(l), refused = link_refused(l);
	unsigned long done = 0, errors = 0;

	if (peer > BH_LINK_MAX_END_ID) {
		printf("ivshmem-demo: link %u: no peer present\n", l->cfg->link_id);
		return;
	}
	for (uint32_t seq = 1; seq <= n; seq++) {
		uint32_t len = bh_ping_fill(req->payload, seq), line;
		bool ok;

		req->len = len;
		req->sum = bh_ping_sum(req->payload, len);
		req->from = l->cfg->end_id;
		req->seq = seq;
		rep->seq = 0;
		link_ring(l, peer);
		line = link_wait(&plic);
		if (line != l->cfg->irq_line) {
			errors++;
			continue;
		}
		ok = rep->seq == seq && rep->status == 0 && rep->len == len &&
		     bh_ping_sum(rep->payload, len) == rep->sum;
		for (uint32_t i = 0; ok && i < len; i++)
			ok = rep->payload[i] == req->payload[len - 1 - i];
		errors += !ok;
		done++;
	}
	printf("ivshmem-demo: link %u: %lu round trips, %lu errors, %u refused\n",
	       l->cfg->link_id, done, errors, link_refused(l) - refused);
}

static void flood(struct inmate_link *l, const struct bh_boot_info *bi, unsigned long seconds)
{
	uint32_t peer = first_peer(l);
	uint64_t end = timer_now() + seconds * bi->timebase_frequency;
	unsigned long rings = 0;

	printf("ivshmem-demo: link %u: ringing end %u for %lu s\n", l->cfg->link_id, peer, seconds);
	while (timer_now() < end) {
		link_ring(l, peer);
		rings++;
	}
	printf("ivshmem-demo: link %u: flood done, %lu rings, %u refused\n", l->cfg->link_id,
	       rings, link_refused(l));
}

static unsigned long parse_count(const char *s)
{
	unsigned long n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	char line[64];
	char *arg;

	if (plic_ctx_init(&plic, bi, hart)) {
		printf("ivshmem-demo: hart %lu has no PLIC context\n", hart);
		hart_halt();
	}
	for (uint32_t i = 0; i < bi->num_link_ends && i < BH_MAX_LINK_ENDS; i++)
		if (!link_open(&links[num_links], bi, bi->link_ends[i].link_id, &plic))
			num_links++;
	if (!num_links) {
		printf("ivshmem-demo: the cell has no link end\n");
		hart_halt();
	}
	params_read_line(line, sizeof(line));
	arg = params_split_word(line);
	if (params_equal(line, "ping")) {
		ping(&links[0], parse_count(arg));
		hart_idle();
	}
	if (params_equal(line, "flood")) {
		flood(&links[0], bi, parse_count(arg));
		hart_idle();
	}
	for (unsigned int i = 0; i < num_links; i++)
		printf("ivshmem-demo: link %u end %u line %u: answering\n", links[i].cfg->link_id,
		       links[i].cfg->end_id, links[i].cfg->irq_line);
	serve();
}
