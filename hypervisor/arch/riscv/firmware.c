// SPDX-License-Identifier: GPL-2.0
/* Calls from the hypervisor to the SBI firmware in M-mode. */
#include "hv.h"
#include "sbi.h"

struct sbiret sbi_arch_firmware_call(unsigned long ext, unsigned long fid, unsigned long a0,
				     unsigned long a1, unsigned long a2, unsigned long a3,
				     unsigned long a4, unsigned long a5)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r4 __asm__("a4") = a4;
	register unsigned long r5 __asm__("a5") = a5;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ __volatile__("ecall"
			     : "+r"(r0), "+r"(r1)
			     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
			     : "memory");
	return (struct sbiret){ (long)r0, (long)r1 };
}

void fw_send_ipi(uint64_t harts)
{
	sbi_arch_firmware_call(SBI_EXT_IPI, 0, harts, 0, 0, 0, 0, 0);
}

void fw_putchar(char c)
{
	sbi_arch_firmware_call(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, (unsigned char)c, 0, 0, 0, 0, 0);
}
