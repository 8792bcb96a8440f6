// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The SBI calling convention and the BASE extension. */
#include "sbi.h"

struct sbi_ret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a4 __asm__("a4") = a4;
	register unsigned long r_a5 __asm__("a5") = a5;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;

	/* "memory": calls such as DBCN write read our buffers. */
	__asm__ __volatile__("ecall"
			     : "+r"(r_a0), "+r"(r_a1)
			     : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a6), "r"(r_a7)
			     : "memory");
	return (struct sbi_ret){ .error = (long)r_a0, .value = (long)r_a1 };
}

long sbi_legacy_call(unsigned long ext, unsigned long a0)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a7 __asm__("a7") = ext;

	__asm__ __volatile__("ecall" : "+r"(r_a0) : "r"(r_a7) : "memory", "a1");
	return (long)r_a0;
}

long sbi_probe_extension(unsigned long ext)
{
	struct sbi_ret ret = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0, 0, 0, 0);

	return ret.error ? 0 : ret.value;
}
