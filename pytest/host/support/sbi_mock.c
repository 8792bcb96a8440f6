// SPDX-License-Identifier: GPL-2.0
/*
 * Host stand-ins for the sbi_arch_*() hooks of hypervisor/include/sbi.h, for
 * test_sbi.py. Every hook call is appended to a log (which hook, the caller
 * pointer, its arguments) so a test can assert exactly what the SBI core asked
 * the arch code to do, and that it asked nothing when it had to refuse. What
 * the hooks answer is set from Python: firmware results, hart states, whether
 * the caller is the root cell, and guest memory as a few regions, each a
 * Python-owned buffer at a guest-physical base.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "sbi.h"
#include "sbi_mock.h"

#define SBI_MOCK_LOG_MAX     4096
#define SBI_MOCK_CONSOLE_MAX (1u << 20)
#define SBI_MOCK_REGIONS     4
#define SBI_MOCK_HARTS	     64

enum sbi_mock_hook {
	SBI_MOCK_FIRMWARE_CALL = 1,
	SBI_MOCK_SET_GUEST_TIMER,
	SBI_MOCK_SEND_VSSIP,
	SBI_MOCK_CLEAR_VSSIP,
	SBI_MOCK_REMOTE_FENCE,
	SBI_MOCK_HART_STATUS,
	SBI_MOCK_HART_START,
	SBI_MOCK_IS_ROOT,
	SBI_MOCK_READ_GUEST,
	SBI_MOCK_CONSOLE_WRITE,
	SBI_MOCK_CONSOLE_GETCHAR,
	SBI_MOCK_CAN_EXECUTE,
	SBI_MOCK_WRITE_GUEST,
};

struct sbi_mock_region {
	uint64_t gpa;
	const unsigned char *buf;
	unsigned char *wbuf; /* the same buffer, if the guest may write it; else NULL */
	unsigned long size;
};

static struct {
	struct sbi_mock_call log[SBI_MOCK_LOG_MAX];
	unsigned long count;
	unsigned long dropped;
	char console[SBI_MOCK_CONSOLE_MAX];
	unsigned long console_len;
	struct sbiret firmware_ret;
	long fence_ret;
	long start_ret;
	long getchar_ret;
	char input[256];
	unsigned long input_len, input_pos;
	bool root;
	int hart_state[SBI_MOCK_HARTS];
	struct sbi_mock_region region[SBI_MOCK_REGIONS];
	unsigned int regions;
	/* Where the guest may execute: everywhere until a test sets a range. */
	bool exec_limited;
	uint64_t exec_start, exec_size;
} mock;

static void record(enum sbi_mock_hook hook, const struct sbi_caller *c, uint64_t a0, uint64_t a1,
		   uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7)
{
	struct sbi_mock_call *e;

	if (mock.count == SBI_MOCK_LOG_MAX) {
		mock.dropped++;
		return;
	}
	e = &mock.log[mock.count++];
	e->hook = hook;
	e->caller = (uint64_t)(uintptr_t)c;
	e->arg[0] = a0;
	e->arg[1] = a1;
	e->arg[2] = a2;
	e->arg[3] = a3;
	e->arg[4] = a4;
	e->arg[5] = a5;
	e->arg[6] = a6;
	e->arg[7] = a7;
}

/* ---- control, called from Python ---- */

void sbi_mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
	mock.getchar_ret = -1;
	for (unsigned int i = 0; i < SBI_MOCK_HARTS; i++)
		mock.hart_state[i] = SBI_HSM_STOPPED;
}

unsigned long sbi_mock_log_count(void)
{
	return mock.count;
}

unsigned long sbi_mock_log_dropped(void)
{
	return mock.dropped;
}

bool sbi_mock_log_get(unsigned long i, struct sbi_mock_call *out)
{
	if (i >= mock.count)
		return false;
	*out = mock.log[i];
	return true;
}

unsigned long sbi_mock_console_len(void)
{
	return mock.console_len;
}

unsigned long sbi_mock_console_copy(char *dst, unsigned long max)
{
	unsigned long n = mock.console_len < max ? mock.console_len : max;

	memcpy(dst, mock.console, n);
	return n;
}

void sbi_mock_set_firmware_ret(long error, long value)
{
	mock.firmware_ret.error = error;
	mock.firmware_ret.value = value;
}

void sbi_mock_set_fence_ret(long error)
{
	mock.fence_ret = error;
}

void sbi_mock_set_start_ret(long error)
{
	mock.start_ret = error;
}

void sbi_mock_set_getchar(long ret)
{
	mock.getchar_ret = ret;
}

void sbi_mock_set_root(bool root)
{
	mock.root = root;
}

void sbi_mock_set_executable(uint64_t start, uint64_t size)
{
	mock.exec_limited = true;
	mock.exec_start = start;
	mock.exec_size = size;
}

bool sbi_mock_set_hart_state(unsigned long hart, int state)
{
	if (hart >= SBI_MOCK_HARTS)
		return false;
	mock.hart_state[hart] = state;
	return true;
}

/* The buffer stays owned (and kept alive) by the caller. */
bool sbi_mock_add_region(uint64_t gpa, const void *buf, unsigned long size)
{
	if (mock.regions == SBI_MOCK_REGIONS || !size || gpa + size - 1 < gpa)
		return false;
	mock.region[mock.regions].gpa = gpa;
	mock.region[mock.regions].buf = buf;
	mock.region[mock.regions].wbuf = NULL;
	mock.region[mock.regions].size = size;
	mock.regions++;
	return true;
}

bool sbi_mock_add_writable_region(uint64_t gpa, void *buf, unsigned long size)
{
	if (!sbi_mock_add_region(gpa, buf, size))
		return false;
	mock.region[mock.regions - 1].wbuf = buf;
	return true;
}

/* ---- the hooks ---- */

struct sbiret sbi_arch_firmware_call(unsigned long ext, unsigned long fid, unsigned long a0,
				     unsigned long a1, unsigned long a2, unsigned long a3,
				     unsigned long a4, unsigned long a5)
{
	record(SBI_MOCK_FIRMWARE_CALL, NULL, ext, fid, a0, a1, a2, a3, a4, a5);
	return mock.firmware_ret;
}

void sbi_arch_set_guest_timer(uint64_t stime)
{
	record(SBI_MOCK_SET_GUEST_TIMER, NULL, stime, 0, 0, 0, 0, 0, 0, 0);
}

void sbi_arch_send_vssip(const struct sbi_caller *c, uint64_t harts)
{
	record(SBI_MOCK_SEND_VSSIP, c, harts, 0, 0, 0, 0, 0, 0, 0);
}

void sbi_arch_clear_vssip(void)
{
	record(SBI_MOCK_CLEAR_VSSIP, NULL, 0, 0, 0, 0, 0, 0, 0, 0);
}

long sbi_arch_remote_fence(const struct sbi_caller *c, uint64_t harts, unsigned long fid,
			   unsigned long start, unsigned long size, unsigned long asid)
{
	record(SBI_MOCK_REMOTE_FENCE, c, harts, fid, start, size, asid, 0, 0, 0);
	return mock.fence_ret;
}

int sbi_arch_hart_status(const struct sbi_caller *c, unsigned long hart)
{
	record(SBI_MOCK_HART_STATUS, c, hart, 0, 0, 0, 0, 0, 0, 0);
	/* The core must only ask about harts it checked; a wild id shows in the log. */
	return hart < SBI_MOCK_HARTS ? mock.hart_state[hart] : -1000;
}

long sbi_arch_hart_start(const struct sbi_caller *c, unsigned long hart, unsigned long addr,
			 unsigned long opaque)
{
	record(SBI_MOCK_HART_START, c, hart, addr, opaque, 0, 0, 0, 0, 0);
	return mock.start_ret;
}

bool sbi_arch_guest_can_execute(const struct sbi_caller *c, uint64_t gpa)
{
	record(SBI_MOCK_CAN_EXECUTE, c, gpa, 0, 0, 0, 0, 0, 0, 0);
	return !mock.exec_limited || (gpa >= mock.exec_start && gpa - mock.exec_start < mock.exec_size);
}

bool sbi_arch_is_root(const struct sbi_caller *c)
{
	record(SBI_MOCK_IS_ROOT, c, 0, 0, 0, 0, 0, 0, 0, 0);
	return mock.root;
}

static const struct sbi_mock_region *region_of(uint64_t gpa)
{
	for (unsigned int i = 0; i < mock.regions; i++)
		if (gpa >= mock.region[i].gpa && gpa - mock.region[i].gpa < mock.region[i].size)
			return &mock.region[i];
	return NULL;
}

/*
 * As the hook's contract says: true only if every byte is guest memory. A
 * range may run on from one region into an adjacent one; it may not wrap
 * around the top of the address space. dst is written only on success.
 */
bool sbi_arch_read_guest(const struct sbi_caller *c, uint64_t gpa, void *dst, unsigned long len)
{
	uint64_t at = gpa;
	unsigned long left = len;

	record(SBI_MOCK_READ_GUEST, c, gpa, len, 0, 0, 0, 0, 0, 0);
	if (len && gpa + (len - 1) < gpa)
		return false;
	while (left) {
		const struct sbi_mock_region *r = region_of(at);
		unsigned long in_region;

		if (!r)
			return false;
		in_region = r->size - (at - r->gpa);
		if (in_region >= left)
			break;
		at += in_region;
		left -= in_region;
	}
	for (at = gpa, left = len; left;) {
		const struct sbi_mock_region *r = region_of(at);
		unsigned long n = r->size - (at - r->gpa);

		n = n < left ? n : left;
		memcpy((unsigned char *)dst + (len - left), r->buf + (at - r->gpa), n);
		at += n;
		left -= n;
	}
	return true;
}

void sbi_arch_console_write(const struct sbi_caller *c, const char *s, unsigned long len)
{
	unsigned long room = SBI_MOCK_CONSOLE_MAX - mock.console_len;
	unsigned long n = len < room ? len : room;

	record(SBI_MOCK_CONSOLE_WRITE, c, mock.console_len, len, 0, 0, 0, 0, 0, 0);
	memcpy(mock.console + mock.console_len, s, n);
	mock.console_len += n;
}

long sbi_arch_console_getchar(const struct sbi_caller *c)
{
	long ch = mock.getchar_ret;

	record(SBI_MOCK_CONSOLE_GETCHAR, c, 0, 0, 0, 0, 0, 0, 0, 0);
	/* Queued input (sbi_mock_set_input) first, one byte per call, then the fixed answer. */
	if (mock.input_pos < mock.input_len)
		return (unsigned char)mock.input[mock.input_pos++];
	return ch;
}

void sbi_mock_set_input(const char *bytes, unsigned long len)
{
	mock.input_len = len < sizeof(mock.input) ? len : sizeof(mock.input);
	mock.input_pos = 0;
	memcpy(mock.input, bytes, mock.input_len);
}

unsigned long sbi_mock_input_left(void)
{
	return mock.input_len - mock.input_pos;
}

/* All of the range in the mock's regions, or nothing written (as the arch hook). */
bool sbi_arch_write_guest(const struct sbi_caller *c, uint64_t gpa, const void *src,
			  unsigned long len)
{
	uint64_t at;
	unsigned long left;

	record(SBI_MOCK_WRITE_GUEST, c, gpa, len, src != NULL, 0, 0, 0, 0, 0);
	if (len && gpa + (len - 1) < gpa)
		return false;
	for (at = gpa, left = len; left;) {
		const struct sbi_mock_region *r = region_of(at);
		unsigned long n;

		if (!r || !r->wbuf)
			return false;
		n = r->size - (at - r->gpa);
		n = n < left ? n : left;
		at += n;
		left -= n;
	}
	for (at = gpa, left = len; src && left;) {
		const struct sbi_mock_region *r = region_of(at);
		unsigned long n = r->size - (at - r->gpa);

		n = n < left ? n : left;
		memcpy(r->wbuf + (at - r->gpa), (const unsigned char *)src + (len - left), n);
		at += n;
		left -= n;
	}
	return true;
}

/* ---- the extension table, for test_sbi.py ---- */

bool sbi_mock_extension(unsigned int i, unsigned long *first, unsigned long *last, int *reason)
{
	if (i >= sbi_num_extensions)
		return false;
	*first = sbi_extensions[i].first;
	*last = sbi_extensions[i].last;
	*reason = sbi_extensions[i].exit_reason;
	return true;
}
