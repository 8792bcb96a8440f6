/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V CSRs and bits the hypervisor uses (privileged spec 1.12, H extension). */
#ifndef BULKHEAD_ARCH_CSR_H
#define BULKHEAD_ARCH_CSR_H

#define CSR_SSTATUS    0x100
#define CSR_SIE	       0x104
#define CSR_STVEC      0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG    0x10a
#define CSR_SSCRATCH   0x140
#define CSR_SEPC       0x141
#define CSR_SCAUSE     0x142
#define CSR_STVAL      0x143
#define CSR_SIP	       0x144
#define CSR_STIMECMP   0x14d
#define CSR_SATP       0x180
#define CSR_TIME       0xc01

#define CSR_VSSTATUS  0x200
#define CSR_VSIE      0x204
#define CSR_VSTVEC    0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC     0x241
#define CSR_VSCAUSE   0x242
#define CSR_VSTVAL    0x243
#define CSR_VSIP      0x244
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP     0x280

#define CSR_HSTATUS    0x600
#define CSR_HEDELEG    0x602
#define CSR_HIDELEG    0x603
#define CSR_HIE	       0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE      0x607
#define CSR_HENVCFG    0x60a
#define CSR_HTVAL      0x643
#define CSR_HIP	       0x644
#define CSR_HVIP       0x645
#define CSR_HTINST     0x64a
#define CSR_HGATP      0x680

#define SSTATUS_SIE  (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP  (1UL << 8)
#define SSTATUS_FS   (3UL << 13)
#define SSTATUS_SUM  (1UL << 18)
#define SSTATUS_MXR  (1UL << 19)
#define SSTATUS_UXL  (3UL << 32)

#define HSTATUS_GVA  (1UL << 6)
#define HSTATUS_SPV  (1UL << 7)
#define HSTATUS_SPVP (1UL << 8)
#define HSTATUS_HU   (1UL << 9)
#define HSTATUS_VTVM (1UL << 20)
#define HSTATUS_VTW  (1UL << 21)
#define HSTATUS_VTSR (1UL << 22)

#define IRQ_S_SOFT   1
#define IRQ_VS_SOFT  2
#define IRQ_S_TIMER  5
#define IRQ_VS_TIMER 6
#define IRQ_S_EXT    9
#define IRQ_VS_EXT   10

#define SIP_SSIP  (1UL << IRQ_S_SOFT)
#define SIP_STIP  (1UL << IRQ_S_TIMER)
#define SIP_SEIP  (1UL << IRQ_S_EXT)
#define HVIP_VSSIP (1UL << IRQ_VS_SOFT)
#define HVIP_VSTIP (1UL << IRQ_VS_TIMER)
#define HVIP_VSEIP (1UL << IRQ_VS_EXT)

#define CAUSE_IRQ_FLAG		  (1UL << 63)
#define CAUSE_MISALIGNED_FETCH	  0
#define CAUSE_FETCH_ACCESS	  1
#define CAUSE_ILLEGAL_INSN	  2
#define CAUSE_BREAKPOINT	  3
#define CAUSE_MISALIGNED_LOAD	  4
#define CAUSE_LOAD_ACCESS	  5
#define CAUSE_MISALIGNED_STORE	  6
#define CAUSE_STORE_ACCESS	  7
#define CAUSE_USER_ECALL	  8
#define CAUSE_SUPERVISOR_ECALL	  9
#define CAUSE_VS_ECALL		  10
#define CAUSE_FETCH_PAGE_FAULT	  12
#define CAUSE_LOAD_PAGE_FAULT	  13
#define CAUSE_STORE_PAGE_FAULT	  15
#define CAUSE_FETCH_GUEST_PAGE_FAULT 20
#define CAUSE_LOAD_GUEST_PAGE_FAULT  21
#define CAUSE_VIRTUAL_INSN	  22
#define CAUSE_STORE_GUEST_PAGE_FAULT 23

#define HENVCFG_STCE (1UL << 63)

#define HGATP_MODE_SHIFT 60
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK	 (0x3fffUL << HGATP_VMID_SHIFT)

#ifndef __ASSEMBLER__
#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long __csr_read_v;                                                                 \
		__asm__ __volatile__("csrr %0, " __stringify(csr) : "=r"(__csr_read_v) : : "memory");      \
		__csr_read_v;                                                                               \
	})
#define csr_write(csr, val)                                                                        \
	({                                                                                         \
		unsigned long __csr_write_v = (unsigned long)(val);                                          \
		__asm__ __volatile__("csrw " __stringify(csr) ", %0" : : "rK"(__csr_write_v) : "memory");   \
	})
#define csr_swap(csr, val)                                                                         \
	({                                                                                         \
		unsigned long __csr_swap_v = (unsigned long)(val);                                          \
		__asm__ __volatile__("csrrw %0, " __stringify(csr) ", %1"                          \
				     : "=r"(__csr_swap_v)                                                   \
				     : "rK"(__csr_swap_v)                                                   \
				     : "memory");                                                  \
		__csr_swap_v;                                                                               \
	})
#define csr_set(csr, val)                                                                          \
	({                                                                                         \
		unsigned long __csr_set_v = (unsigned long)(val);                                          \
		__asm__ __volatile__("csrs " __stringify(csr) ", %0" : : "rK"(__csr_set_v) : "memory");   \
	})
#define csr_clear(csr, val)                                                                        \
	({                                                                                         \
		unsigned long __csr_clear_v = (unsigned long)(val);                                          \
		__asm__ __volatile__("csrc " __stringify(csr) ", %0" : : "rK"(__csr_clear_v) : "memory");   \
	})
#define __stringify_1(x) #x
#define __stringify(x)	 __stringify_1(x)
#endif

#endif
