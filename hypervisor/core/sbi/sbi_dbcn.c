// SPDX-License-Identifier: GPL-2.0
/*
 * SBI debug console. The bytes are read from the caller's own memory only
 * (the address is guest-physical), in chunks so a long write needs no large
 * buffer.
 */
#include "sbi.h"

#define DBCN_CHUNK 64

/*
 * The spec wants the range checked before anything is done with it, so a
 * write that runs off the guest's memory prints nothing rather than a
 * prefix. Reading it once to check costs a second pass over a few bytes of
 * debug output; the hooks offer no cheaper test. Only the part that will be
 * written is read, which also keeps a huge num_bytes from costing anything.
 */
static bool guest_range_readable(const struct sbi_caller *c, uint64_t gpa, unsigned long len)
{
	char chunk[DBCN_CHUNK];
	unsigned long done = 0;

	if (len && gpa + (len - 1) < gpa)
		return false;
	while (done < len) {
		unsigned long n = len - done < DBCN_CHUNK ? len - done : DBCN_CHUNK;

		if (!sbi_arch_read_guest(c, gpa + done, chunk, n))
			return false;
		done += n;
	}
	return true;
}

static struct sbiret dbcn_write(const struct sbi_caller *c, unsigned long len, uint64_t gpa)
{
	char chunk[DBCN_CHUNK];
	unsigned long done = 0;

	/*
	 * A partial write, as the spec allows: one call never keeps the hart in
	 * the hypervisor for more than SBI_DBCN_WRITE_MAX bytes of console output,
	 * however much the guest asks for (docs/architecture.md).
	 */
	if (len > SBI_DBCN_WRITE_MAX)
		len = SBI_DBCN_WRITE_MAX;
	if (!guest_range_readable(c, gpa, len))
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	while (done < len) {
		unsigned long n = len - done < DBCN_CHUNK ? len - done : DBCN_CHUNK;

		/* Checked above; only a concurrent change of the cell's memory ends this early. */
		if (!sbi_arch_read_guest(c, gpa + done, chunk, n))
			break;
		sbi_arch_console_write(c, chunk, n);
		done += n;
	}
	return (struct sbiret){ SBI_SUCCESS, (long)done };
}

/*
 * Input waits in the caller's console (its cell's input, the machine's for
 * the root). The buffer is checked first, so a bad one loses no input; one
 * call reads at most a chunk, a partial read as the spec allows.
 */
static struct sbiret dbcn_read(const struct sbi_caller *c, unsigned long len, uint64_t gpa)
{
	char chunk[DBCN_CHUNK];
	unsigned long n = 0;
	long ch;

	if (len > DBCN_CHUNK)
		len = DBCN_CHUNK;
	if (!len)
		return (struct sbiret){ SBI_SUCCESS, 0 };
	if (!sbi_arch_write_guest(c, gpa, NULL, len))
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	while (n < len && (ch = sbi_arch_console_getchar(c)) >= 0)
		chunk[n++] = (char)ch;
	if (n && !sbi_arch_write_guest(c, gpa, chunk, n))
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	return (struct sbiret){ SBI_SUCCESS, (long)n };
}

struct sbiret sbi_dbcn_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action)
{
	char byte;

	(void)ext;
	(void)action;

	switch (fid) {
	case SBI_DBCN_WRITE:
		/* On RV64 the whole address is in base_addr_lo; base_addr_hi must be 0. */
		if (a[2])
			return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
		return dbcn_write(c, a[0], a[1]);
	case SBI_DBCN_READ:
		if (a[2])
			return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
		return dbcn_read(c, a[0], a[1]);
	case SBI_DBCN_WRITE_BYTE:
		byte = (char)a[0];
		sbi_arch_console_write(c, &byte, 1);
		return (struct sbiret){ SBI_SUCCESS, 0 };
	default:
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}
