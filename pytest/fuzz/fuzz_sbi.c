// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: SBI dispatch (hypervisor/core/sbi/sbi*.c), the ecalls of a hostile guest with
 * random registers, behind the recording arch hooks of pytest/host/support/sbi_mock.c.
 *
 * Input: the caller (u8 hart, u64 cell harts, u8 flags: root cell, adjacent guest regions),
 * what the hooks answer (firmware error and value, fence, start and getchar results, hart
 * states, the executable range), guest memory (one or two regions), then calls: u8 extension
 * (one of the implemented ones, a few unimplemented, or bit pattern 0xf0+ for a raw u64),
 * u8 function (0..7, or 0xf8+ for a raw u64), and per argument register a u8 choosing 0, a
 * small number, a raw u64, an address near guest memory, -1, the cell's hart mask or a hart
 * id, followed by its bytes.
 *
 * Checked for every call, from the SBI spec (v2.0) and the isolation rule (a call reaches only
 * harts of the caller's own cell; a refused call does nothing): error codes are the spec's
 * (legacy calls aside, which return values in a0); an unimplemented extension gets
 * NOT_SUPPORTED and no hook call; hart masks resolve as the spec defines them (checked with
 * 128-bit arithmetic) and IPIs/fences go to exactly those harts, never outside the cell;
 * HSM asks about and starts only the cell's harts, at addresses the cell may execute; a
 * non-root cell never reaches the firmware's reset; DBCN prints exactly the guest's bytes it
 * reports, at most what was asked and SBI_DBCN_WRITE_MAX, makes progress, and refuses only
 * ranges the guest does not own; the action asked of the arch code matches the call.
 */
#include <string.h>

#include <sbi.h>

#include "fuzz.h"
#include "../host/support/sbi_mock.h"

/* pytest/host/support/sbi_mock.c */
enum {
	H_FIRMWARE = 1,
	H_TIMER,
	H_SEND_VSSIP,
	H_CLEAR_VSSIP,
	H_FENCE,
	H_HART_STATUS,
	H_HART_START,
	H_IS_ROOT,
	H_READ_GUEST,
	H_CONSOLE_WRITE,
	H_GETCHAR,
	H_CAN_EXECUTE,
	H_WRITE_GUEST,
};

void sbi_mock_reset(void);
unsigned long sbi_mock_log_count(void);
unsigned long sbi_mock_log_dropped(void);
bool sbi_mock_log_get(unsigned long i, struct sbi_mock_call *out);
unsigned long sbi_mock_console_len(void);
unsigned long sbi_mock_console_copy(char *dst, unsigned long max);
void sbi_mock_set_firmware_ret(long error, long value);
void sbi_mock_set_fence_ret(long error);
void sbi_mock_set_start_ret(long error);
void sbi_mock_set_getchar(long ret);
void sbi_mock_set_root(bool root);
void sbi_mock_set_executable(uint64_t start, uint64_t size);
bool sbi_mock_set_hart_state(unsigned long hart, int state);
bool sbi_mock_add_region(uint64_t gpa, const void *buf, unsigned long size);

#define REGION_MAX     4096
#define MAX_CALLS      64
#define LOG_RESET      3000
#define CONSOLE_RESET  16384
#define SPEC_MIN_ERROR (-9) /* SBI_ERR_NO_SHMEM, the last code SBI 2.0 defines */

typedef unsigned __int128 u128;

static struct {
	struct sbi_caller caller;
	int token; /* stands for the opaque struct cell */
	bool root;
	long fw_err, fw_val, fence_ret, start_ret, getchar_ret;
	int state[64];
	uint64_t exec_start, exec_size;
	unsigned int nregions;
	uint64_t gpa[2];
	unsigned long size[2];
	unsigned char mem[2][REGION_MAX];
	char console[CONSOLE_RESET + SBI_DBCN_WRITE_MAX + 64];
} s;

static void mock_setup(void)
{
	unsigned int i;

	sbi_mock_reset();
	sbi_mock_set_firmware_ret(s.fw_err, s.fw_val);
	sbi_mock_set_fence_ret(s.fence_ret);
	sbi_mock_set_start_ret(s.start_ret);
	sbi_mock_set_getchar(s.getchar_ret);
	sbi_mock_set_root(s.root);
	sbi_mock_set_executable(s.exec_start, s.exec_size);
	for (i = 0; i < 64; i++)
		sbi_mock_set_hart_state(i, s.state[i]);
	for (i = 0; i < s.nregions; i++)
		FUZZ_CHECK(sbi_mock_add_region(s.gpa[i], s.mem[i], s.size[i]),
			   "harness: region %#llx+%lu refused", (unsigned long long)s.gpa[i],
			   s.size[i]);
}

static long spec_error(struct fuzz_in *in)
{
	return -(long)(fuzz_u8(in) % (1 - SPEC_MIN_ERROR));
}

/* Where byte gpa of guest memory is, or NULL. */
static const unsigned char *guest_byte(uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < s.nregions; i++)
		if (gpa >= s.gpa[i] && gpa - s.gpa[i] < s.size[i])
			return &s.mem[i][gpa - s.gpa[i]];
	return NULL;
}

static bool guest_readable(uint64_t gpa, uint64_t len)
{
	uint64_t i;

	if (len && gpa + (len - 1) < gpa)
		return false;
	for (i = 0; i < len; i++)
		if (!guest_byte(gpa + i))
			return false;
	return true;
}

static bool in_cell(uint64_t hart)
{
	return hart < 64 && ((s.caller.cell_harts >> hart) & 1);
}

static bool executable(uint64_t gpa)
{
	return gpa >= s.exec_start && gpa - s.exec_start < s.exec_size;
}

/* Hart mask resolution as the SBI spec defines it (binary encoding, "hart mask"). */
static long resolve(uint64_t mask, uint64_t base, uint64_t *harts)
{
	u128 named;

	if (base == ~0ull) {
		*harts = s.caller.cell_harts;
		return SBI_SUCCESS;
	}
	named = base >= 64 ? (mask ? (u128)1 << 64 : 0) : (u128)mask << base;
	if (named >> 64 || ((uint64_t)named & ~s.caller.cell_harts))
		return SBI_ERR_INVALID_PARAM;
	*harts = (uint64_t)named;
	return SBI_SUCCESS;
}

static bool implemented(uint64_t ext)
{
	switch (ext) {
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_RFENCE:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
	case SBI_EXT_LEGACY_SET_TIMER:
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
	case SBI_EXT_LEGACY_CLEAR_IPI:
	case SBI_EXT_LEGACY_SHUTDOWN:
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------- one call */

struct call {
	uint64_t ext, fid;
	unsigned long a[6];
	struct sbi_result r;
	unsigned long log_from, log_to;
	unsigned long console_from, console_to;
};

/* The hook calls of this call, one kind: how many, and the last one. */
static unsigned int logged(const struct call *c, uint64_t hook, struct sbi_mock_call *last)
{
	struct sbi_mock_call e;
	unsigned int n = 0;
	unsigned long i;

	for (i = c->log_from; i < c->log_to; i++) {
		FUZZ_CHECK(sbi_mock_log_get(i, &e), "harness: log entry %lu", i);
		if (e.hook != hook)
			continue;
		n++;
		if (last)
			*last = e;
	}
	return n;
}

static const char *console_output(const struct call *c)
{
	unsigned long n = sbi_mock_console_copy(s.console, sizeof(s.console));

	FUZZ_CHECK(n == c->console_to, "harness: console copy %lu of %lu", n, c->console_to);
	return s.console + c->console_from;
}

#define CALL_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr,                                                            \
				"call ext %#llx fid %#llx args %#lx %#lx %#lx %#lx %#lx "          \
				"%#lx -> error %ld value %ld action %d (caller hart %lu, cell "    \
				"harts %#llx, %s)\n",                                              \
				(unsigned long long)c->ext, (unsigned long long)c->fid, c->a[0],   \
				c->a[1], c->a[2], c->a[3], c->a[4], c->a[5], c->r.ret.error,       \
				c->r.ret.value, (int)c->r.action, s.caller.hart,                   \
				(unsigned long long)s.caller.cell_harts,                           \
				s.root ? "root" : "cell");                                         \
			FUZZ_CHECK(cond, __VA_ARGS__);                                             \
		}                                                                                  \
	} while (0)

static bool is_ret(const struct call *c, long error, long value)
{
	return c->r.ret.error == error && c->r.ret.value == value;
}

/* What every hook call of this call may and may not do. */
static void check_hooks(const struct call *c)
{
	struct sbi_mock_call e;
	unsigned long i;

	for (i = c->log_from; i < c->log_to; i++) {
		FUZZ_CHECK(sbi_mock_log_get(i, &e), "harness: log entry %lu", i);
		switch (e.hook) {
		case H_SEND_VSSIP:
		case H_FENCE:
			CALL_CHECK(e.arg[0] && !(e.arg[0] & ~s.caller.cell_harts),
				   "%s to harts %#llx outside the cell (or none)",
				   e.hook == H_FENCE ? "fence" : "IPI",
				   (unsigned long long)e.arg[0]);
			break;
		case H_HART_STATUS:
		case H_HART_START:
			CALL_CHECK(in_cell(e.arg[0]), "HSM hook for hart %llu outside the cell",
				   (unsigned long long)e.arg[0]);
			CALL_CHECK(e.hook != H_HART_START || executable(e.arg[1]),
				   "hart started at %#llx, which the cell cannot execute",
				   (unsigned long long)e.arg[1]);
			break;
		case H_FIRMWARE:
			CALL_CHECK(e.arg[0] == SBI_EXT_BASE || (e.arg[0] == SBI_EXT_SRST && s.root),
				   "firmware call ext %#llx fid %llu from %s",
				   (unsigned long long)e.arg[0], (unsigned long long)e.arg[1],
				   s.root ? "the root" : "a cell");
			break;
		case H_WRITE_GUEST:
			/* arg[2]: a write, not only a check; only DBCN read writes guest memory. */
			CALL_CHECK(!e.arg[2] || (c->ext == SBI_EXT_DBCN && c->fid == SBI_DBCN_READ),
				   "guest memory written by ext %#llx fid %llu",
				   (unsigned long long)c->ext, (unsigned long long)c->fid);
			break;
		default:
			break;
		}
		if (e.hook == H_SEND_VSSIP || e.hook == H_FENCE || e.hook == H_HART_STATUS ||
		    e.hook == H_HART_START || e.hook == H_IS_ROOT || e.hook == H_READ_GUEST ||
		    e.hook == H_CONSOLE_WRITE || e.hook == H_GETCHAR || e.hook == H_CAN_EXECUTE ||
		    e.hook == H_WRITE_GUEST)
			CALL_CHECK(e.caller == (uintptr_t)&s.caller, "hook %llu got another caller",
				   (unsigned long long)e.hook);
	}
}

static void check_ipi(const struct call *c)
{
	struct sbi_mock_call e;
	uint64_t harts = 0;
	long err;

	if (c->fid) {
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0), "unknown IPI function");
		return;
	}
	err = resolve(c->a[0], c->a[1], &harts);
	CALL_CHECK(is_ret(c, err, 0), "send_ipi: expected error %ld", err);
	CALL_CHECK(logged(c, H_SEND_VSSIP, &e) == (!err && harts) &&
			   (err || !harts || e.arg[0] == harts),
		   "send_ipi: expected an IPI to exactly %#llx", (unsigned long long)harts);
}

static void check_rfence(const struct call *c)
{
	struct sbi_mock_call e;
	uint64_t harts = 0;
	unsigned int n = logged(c, H_FENCE, &e);
	long err;

	if (c->fid > SBI_RFENCE_SFENCE_VMA_ASID) {
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0) && !n, "RFENCE function offered");
		return;
	}
	err = resolve(c->a[0], c->a[1], &harts);
	if (err || !harts) {
		CALL_CHECK(is_ret(c, err, 0) && !n, "rfence: expected error %ld, no fence", err);
		return;
	}
	CALL_CHECK(n == 1 && e.arg[0] == harts && e.arg[1] == c->fid && e.arg[2] == c->a[2] &&
			   e.arg[3] == c->a[3] && e.arg[4] == c->a[4],
		   "rfence: expected one fence on %#llx", (unsigned long long)harts);
	CALL_CHECK(is_ret(c, s.fence_ret, 0), "rfence: the fence's result is %ld", s.fence_ret);
}

static void check_hsm(const struct call *c)
{
	struct sbi_mock_call e;
	unsigned int starts = logged(c, H_HART_START, &e);
	uint32_t type = (uint32_t)c->a[0];

	CALL_CHECK(c->fid == SBI_HSM_HART_START || !starts, "hart started by another function");
	switch (c->fid) {
	case SBI_HSM_HART_START:
		if (!in_cell(c->a[0]))
			CALL_CHECK(is_ret(c, SBI_ERR_INVALID_PARAM, 0) && !starts,
				   "start of a hart outside the cell");
		else if (!executable(c->a[1]))
			CALL_CHECK(is_ret(c, SBI_ERR_INVALID_ADDRESS, 0) && !starts,
				   "start at an address the cell cannot execute");
		else
			CALL_CHECK(is_ret(c, s.start_ret, 0) && starts == 1 &&
					   e.arg[0] == c->a[0] && e.arg[1] == c->a[1] &&
					   e.arg[2] == c->a[2],
				   "start: expected one start, result %ld", s.start_ret);
		break;
	case SBI_HSM_HART_STOP:
		CALL_CHECK(is_ret(c, SBI_SUCCESS, 0) && c->r.action == SBI_ACTION_STOP_HART,
			   "hart_stop must stop the hart");
		break;
	case SBI_HSM_HART_GET_STATUS:
		if (in_cell(c->a[0]))
			CALL_CHECK(is_ret(c, SBI_SUCCESS, s.state[c->a[0]]), "status of hart %lu",
				   c->a[0]);
		else
			CALL_CHECK(is_ret(c, SBI_ERR_INVALID_PARAM, 0) &&
					   !logged(c, H_HART_STATUS, NULL),
				   "status of a hart outside the cell");
		break;
	case SBI_HSM_HART_SUSPEND:
		/* Default retentive: waits (the arch's part); non-retentive is not offered. */
		CALL_CHECK(is_ret(c,
				  type == SBI_HSM_SUSPEND_DEFAULT_RETENTIVE ? SBI_SUCCESS
				  : type == SBI_HSM_SUSPEND_DEFAULT_NON_RETENTIVE
					  ? SBI_ERR_NOT_SUPPORTED
					  : SBI_ERR_INVALID_PARAM,
				  0),
			   "suspend type %#x", type);
		break;
	default:
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0), "unknown HSM function");
		break;
	}
}

/* SRST, and the legacy shutdown (type 0, reason 0) that becomes one. */
static void check_reset(const struct call *c, uint64_t fid, uint32_t type, uint32_t reason)
{
	struct sbi_mock_call e;
	unsigned int fw = logged(c, H_FIRMWARE, &e);

	if (fid) {
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0) && !fw, "unknown SRST function");
	} else if (type > SBI_SRST_WARM_REBOOT || reason > SBI_SRST_REASON_SYSTEM_FAILURE) {
		CALL_CHECK(is_ret(c, SBI_ERR_INVALID_PARAM, 0) && !fw &&
				   c->r.action == SBI_ACTION_RESUME,
			   "reset type %u reason %u is reserved", type, reason);
	} else if (!s.root) {
		CALL_CHECK(is_ret(c, SBI_SUCCESS, 0) && !fw && c->r.action == SBI_ACTION_RESET,
			   "a cell's reset ends the cell, not the machine");
	} else {
		CALL_CHECK(fw == 1 && e.arg[0] == SBI_EXT_SRST && e.arg[2] == type &&
				   e.arg[3] == reason && c->r.ret.error == s.fw_err,
			   "the root's reset goes to the firmware");
	}
}

static void check_dbcn(const struct call *c)
{
	unsigned long printed = c->console_to - c->console_from;
	uint64_t want = c->a[0] < SBI_DBCN_WRITE_MAX ? c->a[0] : SBI_DBCN_WRITE_MAX;
	const char *out;
	unsigned long i;

	switch (c->fid) {
	case SBI_DBCN_WRITE:
		if (c->r.ret.error) {
			CALL_CHECK(c->r.ret.error == SBI_ERR_INVALID_PARAM ||
					   c->r.ret.error == SBI_ERR_FAILED ||
					   c->r.ret.error == SBI_ERR_DENIED,
				   "write: error not in the spec's list");
			CALL_CHECK(!printed && !c->r.ret.value, "a refused write printed");
			CALL_CHECK(c->a[2] || !guest_readable(c->a[1], want),
				   "write of guest memory refused");
			return;
		}
		CALL_CHECK(!c->a[2], "write with base_addr_hi set accepted");
		CALL_CHECK((uint64_t)c->r.ret.value <= want && (!c->a[0] || c->r.ret.value > 0),
			   "write of %lu bytes reports %ld (at most %llu, at least 1)", c->a[0],
			   c->r.ret.value, (unsigned long long)want);
		CALL_CHECK(printed == (unsigned long)c->r.ret.value,
			   "write reports %ld bytes, printed %lu", c->r.ret.value, printed);
		CALL_CHECK(guest_readable(c->a[1], printed),
			   "printed memory the guest does not have");
		out = console_output(c);
		for (i = 0; i < printed; i++)
			CALL_CHECK((unsigned char)out[i] == *guest_byte(c->a[1] + i),
				   "byte %lu printed is not the guest's", i);
		break;
	case SBI_DBCN_READ:
		CALL_CHECK(c->r.ret.error <= 0 && c->r.ret.error >= SPEC_MIN_ERROR && !printed &&
				   (c->r.ret.error || (unsigned long)c->r.ret.value <= c->a[0]),
			   "read");
		break;
	case SBI_DBCN_WRITE_BYTE:
		CALL_CHECK(is_ret(c, SBI_SUCCESS, 0) && printed == 1 &&
				   *console_output(c) == (char)c->a[0],
			   "write_byte prints its byte");
		break;
	default:
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0) && !printed,
			   "unknown DBCN function");
		break;
	}
}

static void check_base(const struct call *c)
{
	switch (c->fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		CALL_CHECK(is_ret(c, SBI_SUCCESS, (long)SBI_SPEC_VERSION), "spec version");
		CALL_CHECK(((unsigned long)c->r.ret.value >> 24) >= 2, "DBCN needs SBI 2.0");
		break;
	case SBI_BASE_GET_IMPL_ID:
	case SBI_BASE_GET_IMPL_VERSION:
		CALL_CHECK(c->r.ret.error == SBI_SUCCESS, "implementation id/version");
		break;
	case SBI_BASE_PROBE_EXT:
		CALL_CHECK(is_ret(c, SBI_SUCCESS, implemented(c->a[0])), "probe of %#lx", c->a[0]);
		break;
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		/* BASE cannot fail; a firmware error reads as 0, a legal value. */
		CALL_CHECK(is_ret(c, SBI_SUCCESS, s.fw_err ? 0 : s.fw_val), "machine id");
		break;
	default:
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0), "unknown BASE function");
		break;
	}
}

static void check_call(const struct call *c)
{
	unsigned long printed = c->console_to - c->console_from;
	struct sbi_mock_call e;
	unsigned int timers = logged(c, H_TIMER, &e);

	check_hooks(c);
	CALL_CHECK(c->r.action == SBI_ACTION_RESUME ||
			   (c->r.action == SBI_ACTION_STOP_HART && c->ext == SBI_EXT_HSM &&
			    c->fid == SBI_HSM_HART_STOP) ||
			   (c->r.action == SBI_ACTION_RESET && !s.root &&
			    (c->ext == SBI_EXT_SRST || c->ext == SBI_EXT_LEGACY_SHUTDOWN)) ||
			   (c->r.action == SBI_ACTION_SUSPEND && c->ext == SBI_EXT_HSM &&
			    c->fid == SBI_HSM_HART_SUSPEND &&
			    (uint32_t)c->a[0] == SBI_HSM_SUSPEND_DEFAULT_RETENTIVE),
		   "action %d for this call", (int)c->r.action);
	CALL_CHECK(c->r.action == SBI_ACTION_RESUME || c->r.ret.error == SBI_SUCCESS,
		   "a failed call stops or resets");
	CALL_CHECK(!printed || c->ext == SBI_EXT_DBCN || c->ext == SBI_EXT_LEGACY_CONSOLE_PUTCHAR,
		   "console output from another extension");
	CALL_CHECK(!timers || ((c->ext == SBI_EXT_TIME && !c->fid) ||
			       c->ext == SBI_EXT_LEGACY_SET_TIMER),
		   "timer set by another call");
	if (!implemented(c->ext)) {
		CALL_CHECK(is_ret(c, SBI_ERR_NOT_SUPPORTED, 0) && c->log_from == c->log_to,
			   "an unimplemented extension did something");
		return;
	}
	if (c->ext >= 0x10)
		CALL_CHECK(c->r.ret.error <= 0 && c->r.ret.error >= SPEC_MIN_ERROR,
			   "error %ld is not an SBI error code", c->r.ret.error);
	switch (c->ext) {
	case SBI_EXT_BASE:
		check_base(c);
		break;
	case SBI_EXT_TIME:
		CALL_CHECK(c->fid ? is_ret(c, SBI_ERR_NOT_SUPPORTED, 0) && !timers
				  : is_ret(c, SBI_SUCCESS, 0) && timers == 1 && e.arg[0] == c->a[0],
			   "set_timer");
		break;
	case SBI_EXT_IPI:
		check_ipi(c);
		break;
	case SBI_EXT_RFENCE:
		check_rfence(c);
		break;
	case SBI_EXT_HSM:
		check_hsm(c);
		break;
	case SBI_EXT_SRST:
		check_reset(c, c->fid, (uint32_t)c->a[0], (uint32_t)c->a[1]);
		break;
	case SBI_EXT_DBCN:
		check_dbcn(c);
		break;
	case SBI_EXT_LEGACY_SET_TIMER:
		CALL_CHECK(c->r.ret.error == 0 && timers == 1 && e.arg[0] == c->a[0],
			   "legacy timer");
		break;
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
		CALL_CHECK(c->r.ret.error == 0 && printed == 1 &&
				   *console_output(c) == (char)c->a[0],
			   "legacy putchar");
		break;
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
		CALL_CHECK(c->r.ret.error == s.getchar_ret, "legacy getchar returns the character");
		break;
	case SBI_EXT_LEGACY_CLEAR_IPI:
		CALL_CHECK(c->r.ret.error == 0 && logged(c, H_CLEAR_VSSIP, NULL) == 1,
			   "legacy clear_ipi");
		break;
	default: /* SBI_EXT_LEGACY_SHUTDOWN */
		check_reset(c, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE);
		break;
	}
}

/* ---------------------------------------------------------------- input */

static uint64_t pick_ext(struct fuzz_in *in)
{
	static const uint64_t exts[] = {
		SBI_EXT_BASE,
		SBI_EXT_TIME,
		SBI_EXT_IPI,
		SBI_EXT_RFENCE,
		SBI_EXT_HSM,
		SBI_EXT_SRST,
		SBI_EXT_DBCN,
		0,
		1,
		2,
		3,
		4,
		5,
		6,
		7,
		8,
		9,
		0x0f,
		0x504D55 /* PMU */,
		0x53555350 /* SUSP */,
		0x535441 /* STA */,
		0x09000000 /* vendor */,
		0x0A000000 /* firmware */,
		0x11,
		(1ull << 32) | SBI_EXT_BASE,
		(1ull << 63) | SBI_EXT_HSM,
		~0ull,
	};
	uint8_t b = fuzz_u8(in);

	if (b >= 0xf0)
		return fuzz_u64(in);
	return exts[b % (sizeof(exts) / sizeof(exts[0]))];
}

static unsigned long pick_arg(struct fuzz_in *in)
{
	uint8_t b = fuzz_u8(in);

	switch (b % 8) {
	case 0:
		return 0;
	case 1:
		return fuzz_u8(in);
	case 2:
		return fuzz_u64(in);
	case 3: /* near guest memory: just before, inside, just after */
		return s.gpa[b & 0x80 ? 1 : 0] + (unsigned long)(int16_t)fuzz_u16(in);
	case 4:
		return ~0ul;
	case 5:
		return b & 0x80 ? ~s.caller.cell_harts : s.caller.cell_harts;
	case 6:
		return fuzz_u8(in) % 70;
	default:
		return fuzz_u16(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = fuzz_in(data, size);
	uint8_t flags;
	unsigned int i, calls;

	memset(&s, 0, sizeof(s) - sizeof(s.console));
	s.caller.hart = fuzz_u8(&in) % 64;
	s.caller.cell_harts = fuzz_u64(&in) | 1ull << s.caller.hart;
	s.caller.cell = &s.token;
	flags = fuzz_u8(&in);
	s.root = flags & 1;
	s.fw_err = spec_error(&in);
	s.fw_val = (long)fuzz_u64(&in);
	s.fence_ret = spec_error(&in);
	s.start_ret = spec_error(&in);
	s.getchar_ret = (long)fuzz_u64(&in);
	for (i = 0; i < 64; i++)
		s.state[i] = in_cell(i) ? fuzz_u8(&in) % 7 : SBI_HSM_STOPPED;
	s.exec_start = fuzz_u64(&in) & ~0xfffull;
	s.exec_size = fuzz_u32(&in);
	/* Guest memory: a region, and maybe a second one right after it or elsewhere. */
	s.nregions = 1 + ((flags >> 1) & 1);
	s.gpa[0] = flags & 4 ? fuzz_u64(&in) : 0x80000000ull + ((uint64_t)fuzz_u16(&in) << 12);
	for (i = 0; i < s.nregions; i++) {
		unsigned int j;

		s.size[i] = 1 + fuzz_u16(&in) % REGION_MAX;
		/* The mock refuses regions that wrap around 2^64. */
		if (s.gpa[0] > ~0ull - 3 * REGION_MAX - 256)
			s.gpa[0] = ~0ull - 3 * REGION_MAX - 256;
		if (i)
			s.gpa[1] = flags & 8 ? s.gpa[0] + s.size[0]
					     : s.gpa[0] + s.size[0] + REGION_MAX + fuzz_u8(&in);
		for (j = 0; j < s.size[i]; j++)
			s.mem[i][j] = (unsigned char)(j * 131 + i * 17 + flags);
	}
	mock_setup();

	for (calls = 0; calls < MAX_CALLS && fuzz_more(&in); calls++) {
		struct call c;
		uint8_t f;

		if (sbi_mock_log_count() > LOG_RESET || sbi_mock_console_len() > CONSOLE_RESET)
			mock_setup();
		c.ext = pick_ext(&in);
		f = fuzz_u8(&in);
		c.fid = f >= 0xf8 ? fuzz_u64(&in) : f % 8;
		for (i = 0; i < 6; i++)
			c.a[i] = pick_arg(&in);
		c.log_from = sbi_mock_log_count();
		c.console_from = sbi_mock_console_len();
		memset(&c.r, 0x5a, sizeof(c.r));
		sbi_dispatch(&s.caller, c.ext, c.fid, c.a, &c.r);
		c.log_to = sbi_mock_log_count();
		c.console_to = sbi_mock_console_len();
		FUZZ_CHECK(!sbi_mock_log_dropped(), "harness: hook log overflowed");
		check_call(&c);
	}
	return 0;
}
