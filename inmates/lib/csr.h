/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Supervisor CSRs as an inmate in VS-mode sees them (it believes it is in S-mode). */
#ifndef INMATE_CSR_H
#define INMATE_CSR_H

#define CSR_SSTATUS  0x100
#define CSR_SIE	     0x104
#define CSR_STVEC    0x105
#define CSR_SEPC     0x141
#define CSR_SCAUSE   0x142
#define CSR_STVAL    0x143
#define CSR_SIP	     0x144
#define CSR_STIMECMP 0x14d /* Sstc; the hypervisor sets henvcfg.STCE so no exit is taken */
#define CSR_TIME     0xc01

#define SSTATUS_SIE (1UL << 1)

/* Interrupt numbers (scause with the top bit set) and their sie/sip bits. */
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define SIE_SSIE    (1UL << IRQ_S_SOFT)
#define SIE_STIE    (1UL << IRQ_S_TIMER)
#define SIE_SEIE    (1UL << IRQ_S_EXT)

#define SCAUSE_INTERRUPT (1UL << 63)

#ifndef __ASSEMBLER__

/* Numeric CSR numbers: the assembler needs no extension names for them. */
#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long csr_value_;                                                          \
		__asm__ __volatile__("csrr %0, " CSR_STR(csr) : "=r"(csr_value_)::"memory");       \
		csr_value_;                                                                        \
	})

#define csr_write(csr, val)                                                                        \
	__asm__ __volatile__("csrw " CSR_STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory")

#define csr_set(csr, bits)                                                                         \
	__asm__ __volatile__("csrs " CSR_STR(csr) ", %0" ::"rK"((unsigned long)(bits)) : "memory")

#define csr_clear(csr, bits)                                                                       \
	__asm__ __volatile__("csrc " CSR_STR(csr) ", %0" ::"rK"((unsigned long)(bits)) : "memory")

#define CSR_STR_1(x) #x
#define CSR_STR(x)   CSR_STR_1(x)

static inline void wfi(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

#endif /* !__ASSEMBLER__ */
#endif /* INMATE_CSR_H */
