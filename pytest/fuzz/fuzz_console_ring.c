// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the console ring (hypervisor/core/console_ring.c) that holds the hypervisor's
 * and every cell's console, read by the root at positions it chooses (the hypercall's pos is
 * any 64-bit number, the length any size it likes).
 *
 * Input: u8 flags (bit 0: start from a head read as u48 next, as after a long uptime), then
 * operations:
 *   0: u8 n, n bytes          put them
 *   1: u16 n, u8 c            put c n times (wraps the ring quickly)
 *   2: u8 kind, u64, u16 len  read len bytes at a position near the head, the oldest byte,
 *                             0, or anywhere
 *   3: u16 len, u64 pos       follow the ring like `hvctl cell console` does: read on from
 *                             where the last read ended until nothing comes
 *
 * Checked against a model of the whole stream: a read returns at most len bytes, starts at
 * pos clamped into [oldest held, head], returns exactly the stream's bytes from there, never
 * writes past what it returns (the destination is exactly len bytes, the part after the
 * returned bytes keeps its fill) and always sets *start; a reader following the ring sees every
 * byte once, in order, and learns exactly how many it lost.
 */
#include <string.h>

#include <console_ring.h>

#include "fuzz.h"

#define SIZE CONSOLE_RING_SIZE

struct model {
	uint64_t head;
	char buf[SIZE]; /* byte at stream position p is buf[p % SIZE] while p >= head - SIZE */
};

/* Bytes put and read per input: enough to wrap the ring a few times, and fast. */
#define BUDGET (SIZE + SIZE / 4)

static size_t budget;

static char fill[2 * SIZE]; /* 0xee: what a read must not overwrite */

static void put(struct console_ring *ring, struct model *m, char c)
{
	console_ring_put(ring, c);
	m->buf[m->head % SIZE] = c;
	m->head++;
}

/* Whether the stream's bytes [start, start + n) are at dst (they are all still held). */
static bool stream_equals(const struct model *m, uint64_t start, const char *dst, size_t n)
{
	size_t at = start % SIZE, first = n < SIZE - at ? n : SIZE - at;

	return !memcmp(dst, m->buf + at, first) && !memcmp(dst + first, m->buf, n - first);
}

/* One read, checked; returns the count and the start the ring reported. */
static size_t read_at(const struct console_ring *ring, const struct model *m, uint64_t pos,
		      size_t len, uint64_t *start_out)
{
	uint64_t oldest = m->head > SIZE ? m->head - SIZE : 0;
	uint64_t want_start = pos < oldest ? oldest : pos > m->head ? m->head : pos;
	size_t want_n = m->head - want_start < len ? (size_t)(m->head - want_start) : len;
	char *dst = malloc(len ? len : 1);
	uint64_t start = 0xdeadbeefdeadbeefull;
	size_t n;

	FUZZ_CHECK(dst, "out of memory");
	memcpy(dst, fill, len);
	budget = budget > len ? budget - len : 0;
	n = console_ring_read(ring, pos, dst, len, &start);
	FUZZ_CHECK(start == want_start,
		   "read(pos %llu, len %zu) with head %llu: start %llu, "
		   "expected %llu",
		   (unsigned long long)pos, len, (unsigned long long)m->head,
		   (unsigned long long)start, (unsigned long long)want_start);
	FUZZ_CHECK(n == want_n, "read(pos %llu, len %zu) with head %llu: %zu bytes, expected %zu",
		   (unsigned long long)pos, len, (unsigned long long)m->head, n, want_n);
	FUZZ_CHECK(stream_equals(m, start, dst, n), "read(pos %llu, len %zu): wrong bytes",
		   (unsigned long long)pos, len);
	FUZZ_CHECK(!memcmp(dst + n, fill, len - n), "read of %zu bytes wrote past them", n);
#ifndef FUZZ_PLANT_LEAK
	free(dst);
#else
	/* Planted for test_fuzz.py: a leak LeakSanitizer must report. */
	if (n)
		free(dst);
#endif
	*start_out = start;
	return n;
}

/* What a console reader does: from pos on, chunk after chunk, counting what it lost. */
static void follow(const struct console_ring *ring, const struct model *m, uint64_t pos, size_t len)
{
	uint64_t first = pos > m->head ? m->head : pos, seen = 0, lost = 0, start;
	unsigned int rounds = 0;
	size_t n;

	if (!len)
		len = 1;
	pos = first;
	do {
		n = read_at(ring, m, pos, len, &start);
		/* Nothing is written meanwhile: only the first read may skip lost bytes. */
		FUZZ_CHECK(start == pos || (rounds == 0 && start > pos),
			   "read %u of a reader: asked for %llu, got %llu", rounds,
			   (unsigned long long)pos, (unsigned long long)start);
		lost += start - pos;
		seen += n;
		pos = start + n;
		rounds++;
	} while (n && rounds < 64);
	if (!n)
		FUZZ_CHECK(pos == m->head && seen + lost == m->head - first,
			   "reader from %llu stopped at %llu (head %llu), saw %llu, lost %llu",
			   (unsigned long long)first, (unsigned long long)pos,
			   (unsigned long long)m->head, (unsigned long long)seen,
			   (unsigned long long)lost);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = fuzz_in(data, size);
	struct console_ring *ring = calloc(1, sizeof(*ring));
	struct model *m = calloc(1, sizeof(*m));
	uint8_t flags = fuzz_u8(&in);
	uint64_t start;

	FUZZ_CHECK(ring && m, "out of memory");
	if (!fill[0])
		memset(fill, 0xee, sizeof(fill));
	if (flags & 1) {
		/* As if that much had been written (all zero bytes: the buffers are zeroed). */
		m->head = ring->head = fuzz_uint(&in, 6);
	}
	budget = BUDGET;
	while (fuzz_more(&in) && budget) {
		uint8_t op = fuzz_u8(&in), kind, c;
		uint64_t pos, oldest;
		unsigned int n, i;
		size_t len;

		switch (op % 4) {
		case 0:
			n = fuzz_u8(&in);
			for (i = 0; i < n && fuzz_more(&in); i++)
				put(ring, m, (char)fuzz_u8(&in));
			budget = budget > n ? budget - n : 0;
			break;
		case 1:
			n = fuzz_u16(&in) % (2 * SIZE);
			c = fuzz_u8(&in);
			n = n < budget ? n : (unsigned int)budget;
			for (i = 0; i < n; i++)
				put(ring, m, (char)(c + i / 4096));
			budget -= n;
			break;
		case 2:
			kind = fuzz_u8(&in);
			pos = fuzz_u64(&in);
			len = fuzz_u16(&in) % (2 * SIZE);
			oldest = m->head > SIZE ? m->head - SIZE : 0;
			switch (kind % 4) {
			case 0: /* just before or after the head */
				pos = m->head + (int8_t)pos;
				break;
			case 1: /* around the oldest byte held */
				pos = oldest + (int16_t)pos;
				break;
			case 2:
				pos %= 2 * SIZE;
				break;
			default:
				break;
			}
			read_at(ring, m, pos, len, &start);
			break;
		default:
			len = fuzz_u16(&in) % (2 * SIZE);
			follow(ring, m, fuzz_u64(&in) % (m->head + 2 * SIZE + 1), len);
			break;
		}
		FUZZ_CHECK(ring->head == m->head, "head %llu, expected %llu",
			   (unsigned long long)ring->head, (unsigned long long)m->head);
	}
	free(ring);
	free(m);
	return 0;
}
