/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bulkhead configuration format, revision 1.
 *
 * A configuration is the raw bytes of the structures below, little-endian,
 * as laid out by a 64-bit compiler: a system config (struct bh_system_config,
 * then the root cell's memory regions and link ends) or a cell config (struct
 * bh_cell_desc, then its memory regions and link ends). Only fixed-width fields and explicit padding are
 * used, and the static asserts at the end pin every offset, so the Linux
 * module, the hypervisor and the host tools all read the same bytes.
 * docs/config-format.md describes every field.
 *
 * The same header is compiled into the Linux kernel module (__KERNEL__), the
 * freestanding hypervisor and host programs.
 */
#ifndef BULKHEAD_CONFIG_H
#define BULKHEAD_CONFIG_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Bulkhead configuration format is little-endian"
#endif

#define BH_CONFIG_REVISION 1

/* Signatures, 8 bytes, not NUL-terminated (initialisers for char[8]). */
#define BH_SYSTEM_SIGNATURE_LEN 8
/* clang-format off */
#define BH_SYSTEM_SIGNATURE_INIT {'B', 'H', 'S', 'Y', 'S', 'T', 'E', 'M'}
#define BH_CELL_SIGNATURE_INIT   {'B', 'H', 'C', 'E', 'L', 'L', '\0', '\0'}
/* clang-format on */

#define BH_ARCH_RISCV64 1

#define BH_MAX_HARTS	    64	 /* hart ids 0..63: cpu_set is one 64-bit word */
#define BH_MAX_IRQS	    1024 /* PLIC sources 0..1023, the PLIC spec's maximum */
#define BH_MAX_PLIC_CONTEXTS 128 /* contexts 0..127: what the hypervisor's vPLIC models */
#define BH_MAX_MEM_REGIONS  64
#define BH_MAX_LINK_ENDS    16	 /* link ends of one cell */
#define BH_LINK_MAX_END_ID  31	 /* end ids 0..31: a doorbell register's bit each */
#define BH_CELL_NAME_LEN    32
#define BH_CONFIG_PAGE_SIZE 0x1000ULL

/* hart_plic_context[] entry of a hart that has no S-mode PLIC context. */
#define BH_NO_CONTEXT 0xffffffffU

/* System flags (struct bh_system_config.flags): none defined in revision 1. */
#define BH_SYS_FLAGS_VALID 0U

/*
 * Cell flags (struct bh_cell_desc.flags).
 * BH_CELL_BOOT_DTB: the cell boots like Linux on RISC-V: a1 at entry is the
 * guest-physical address of a flattened device tree that the loader (hvctl
 * cell load --dtb) writes at boot_arg, inside the cell's loadable RAM; no
 * boot info page is mapped.
 *
 * BH_CELL_VPLIC_IGNORE_UNOWNED: the cell's writes to PLIC lines it does not
 * own are ignored, as a PLIC ignores writes to sources it does not implement
 * (their registers are hard-wired to zero), instead of failing the cell. A
 * Linux guest's PLIC driver sets the priority of every line at boot.
 */
#define BH_CELL_BOOT_DTB	     0x1U
#define BH_CELL_VPLIC_IGNORE_UNOWNED 0x2U
#define BH_CELL_FLAGS_VALID	     (BH_CELL_BOOT_DTB | BH_CELL_VPLIC_IGNORE_UNOWNED)

/* Memory region flags (struct bh_mem_region.flags). */
#define BH_MEM_READ	0x01ULL
#define BH_MEM_WRITE	0x02ULL
#define BH_MEM_EXECUTE	0x04ULL
#define BH_MEM_IO	0x08ULL /* device registers: never executable or loadable */
#define BH_MEM_LOADABLE 0x10ULL /* the root may write the cell's image here before start */
#define BH_MEM_FLAGS_VALID                                                                         \
	(BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE | BH_MEM_IO | BH_MEM_LOADABLE)

/* Console types (struct bh_console.type). */
#define BH_CONSOLE_NONE	   0
#define BH_CONSOLE_NS16550 1 /* 16550 UART, 8-bit registers spaced 1 << reg_shift bytes */
#define BH_CONSOLE_SBI	   2 /* SBI console calls (debug console extension or legacy putchar) */

/* The largest register spacing of an NS16550 console: 1 << 3 = 8 bytes. */
#define BH_CONSOLE_MAX_REG_SHIFT 3

/*
 * One memory region of a cell: the physical range [phys_start, phys_start +
 * size) appears in the cell at the guest-physical address virt_start. The
 * root cell is identity-mapped (virt_start == phys_start).
 */
struct bh_mem_region {
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t size;
	uint64_t flags; /* BH_MEM_* */
};

/*
 * A console. In the system config it is the hypervisor's debug console and
 * address is physical; in a cell it is the console the cell uses and address
 * is guest-physical (an NS16550 there must lie in one of the cell's IO
 * regions). For NONE and SBI, address, size and reg_shift are 0.
 */
struct bh_console {
	uint32_t type;	    /* BH_CONSOLE_* */
	uint32_t reg_shift; /* NS16550: register i is at address + (i << reg_shift) */
	uint64_t address;
	uint64_t size;
	uint64_t reserved; /* 0 */
};

/*
 * One end of a link between cells (docs/shared-memory.md): a shared memory
 * region that every end of the link maps, each with its own access, and a
 * doorbell page through which the end rings its peers. A ring raises the
 * peer end's virtual line (a vPLIC line above the physical PLIC sources, see
 * struct bh_platform_info.virtual_irqs) in the peer's cell. The ends of one
 * link agree on the shared region's physical range; it lies outside every
 * cell's memory regions, the root's included.
 */
struct bh_link_end {
	uint32_t link_id;	/* the link; ends with the same id are connected */
	uint32_t end_id;	/* this end, 0..BH_LINK_MAX_END_ID, unique within the link */
	uint32_t peers;		/* bit e set: this end may ring end e of the link */
	uint32_t irq_line;	/* virtual line raised in this cell when a peer rings */
	uint64_t shmem_phys;	/* the shared region, physical */
	uint64_t shmem_virt;	/* where this cell sees it (guest-physical) */
	uint64_t shmem_size;
	uint64_t shmem_flags;	/* BH_MEM_READ, optionally BH_MEM_WRITE */
	uint64_t doorbell;	/* guest-physical page of this end's doorbell registers */
	uint64_t reserved;	/* 0 */
};

/*
 * A cell's description: the root cell's (inside the system config) or a
 * non-root cell's (a cell config on its own). num_mem_regions struct
 * bh_mem_region follow it immediately, then num_link_ends struct bh_link_end.
 */
struct bh_cell_desc {
	char signature[8];	     /* BH_CELL_SIGNATURE_INIT */
	uint32_t revision;	     /* BH_CONFIG_REVISION */
	uint32_t flags;		     /* BH_CELL_* */
	char name[BH_CELL_NAME_LEN]; /* printable ASCII, NUL-terminated, zero-padded */
	uint64_t cpu_set;	     /* bit h set: hart h belongs to the cell */
	uint32_t num_mem_regions;
	uint32_t num_link_ends; /* struct bh_link_end after the regions, at most BH_MAX_LINK_ENDS */
	/* Where a non-root cell starts (guest-physical); 0 for the root cell. */
	uint64_t entry;
	/* Passed to a non-root cell in a1 at entry (a0 holds the hart id); 0 for the root. */
	uint64_t boot_arg;
	uint64_t reserved1[6]; /* 0: room for more boot information */
	struct bh_console console;
	/* PLIC lines owned by the cell: bit (n % 64) of word n / 64 is line n. */
	uint64_t irq_bitmap[BH_MAX_IRQS / 64];
};

/* Where the hypervisor image and its heap live (physical). */
struct bh_hv_memory {
	uint64_t phys_start;
	uint64_t size;
};

/* What the hypervisor needs to know about the machine. */
struct bh_platform_info {
	uint64_t plic_base;
	uint64_t plic_size;
	/*
	 * PLIC sources including the nonexistent source 0: lines 1 ..
	 * plic_num_sources - 1 exist. A device tree's riscv,ndev counts the
	 * sources without source 0, so plic_num_sources = riscv,ndev + 1.
	 */
	uint32_t plic_num_sources;
	/*
	 * Doorbell lines: plic_num_sources .. plic_num_sources + virtual_irqs - 1
	 * exist in every cell's vPLIC with no hardware behind them.
	 */
	uint32_t virtual_irqs;
	uint64_t timebase_frequency; /* Hz, as the DT's /cpus/timebase-frequency */
	uint64_t reserved1[4];	     /* 0 */
	/* For hart h: the PLIC context of its S-mode external interrupt, or BH_NO_CONTEXT. */
	uint32_t hart_plic_context[BH_MAX_HARTS];
};

/* A system config; the root cell's memory regions and link ends follow it immediately. */
struct bh_system_config {
	char signature[8];     /* BH_SYSTEM_SIGNATURE_INIT */
	uint32_t revision;     /* BH_CONFIG_REVISION */
	uint32_t architecture; /* BH_ARCH_RISCV64 */
	uint32_t flags;	       /* BH_SYS_* */
	uint32_t reserved0;    /* 0 */
	struct bh_hv_memory hypervisor_memory;
	struct bh_console debug_console;
	struct bh_platform_info platform;
	uint64_t reserved1[4];	       /* 0 */
	struct bh_cell_desc root_cell; /* last: its regions follow */
};

/*
 * A config file is written in C as one object of one of these types (with
 * the number of regions it needs) carrying BH_CONFIG_SECTION; the build
 * extracts that section's bytes.
 */
#define BH_SYSTEM_CONFIG_TYPE(nregions)                                                            \
	struct {                                                                                   \
		struct bh_system_config sys;                                                       \
		struct bh_mem_region regions[nregions];                                            \
	}
#define BH_CELL_CONFIG_TYPE(nregions)                                                              \
	struct {                                                                                   \
		struct bh_cell_desc cell;                                                          \
		struct bh_mem_region regions[nregions];                                            \
	}
/* With link ends after the regions. */
#define BH_SYSTEM_CONFIG_LINKS_TYPE(nregions, nlinks)                                              \
	struct {                                                                                   \
		struct bh_system_config sys;                                                       \
		struct bh_mem_region regions[nregions];                                            \
		struct bh_link_end links[nlinks];                                                  \
	}
#define BH_CELL_CONFIG_LINKS_TYPE(nregions, nlinks)                                                \
	struct {                                                                                   \
		struct bh_cell_desc cell;                                                          \
		struct bh_mem_region regions[nregions];                                            \
		struct bh_link_end links[nlinks];                                                  \
	}
#define BH_CONFIG_SECTION __attribute__((section(".bh_config"), used, aligned(8)))

/* Size in bytes of a cell description including its memory regions and link ends. */
static inline uint64_t bh_config_cell_size(const struct bh_cell_desc *cell)
{
	return sizeof(*cell) + (uint64_t)cell->num_mem_regions * sizeof(struct bh_mem_region) +
	       (uint64_t)cell->num_link_ends * sizeof(struct bh_link_end);
}

/* The memory regions that follow a cell description. */
static inline const struct bh_mem_region *bh_config_cell_regions(const struct bh_cell_desc *cell)
{
	return (const struct bh_mem_region *)(cell + 1);
}

/* The link ends that follow a cell description's memory regions. */
static inline const struct bh_link_end *bh_config_cell_links(const struct bh_cell_desc *cell)
{
	return (const struct bh_link_end *)(bh_config_cell_regions(cell) + cell->num_mem_regions);
}

/* Size in bytes of a system config including the root cell's regions and link ends. */
static inline uint64_t bh_config_system_size(const struct bh_system_config *sys)
{
	return sizeof(*sys) - sizeof(sys->root_cell) + bh_config_cell_size(&sys->root_cell);
}

/* Whether hart is in a CPU set; false for hart >= BH_MAX_HARTS (not representable). */
static inline bool bh_config_cpu_set_has(uint64_t cpu_set, uint32_t hart)
{
	return hart < BH_MAX_HARTS && ((cpu_set >> hart) & 1);
}

/* Whether the cell owns PLIC line; false for line >= BH_MAX_IRQS. */
static inline bool bh_config_irq_owned(const struct bh_cell_desc *cell, uint32_t line)
{
	return line < BH_MAX_IRQS && ((cell->irq_bitmap[line / 64] >> (line % 64)) & 1);
}

/* Layout checks: the format is these exact offsets, whatever compiler builds it. */
#define BH_CONFIG_ASSERT_OFFSET(type, field, off)                                                  \
	_Static_assert(__builtin_offsetof(type, field) == (off), #type "." #field " moved")

_Static_assert(sizeof(struct bh_mem_region) == 32, "struct bh_mem_region size");
BH_CONFIG_ASSERT_OFFSET(struct bh_mem_region, virt_start, 8);
BH_CONFIG_ASSERT_OFFSET(struct bh_mem_region, size, 16);
BH_CONFIG_ASSERT_OFFSET(struct bh_mem_region, flags, 24);

_Static_assert(sizeof(struct bh_console) == 32, "struct bh_console size");
BH_CONFIG_ASSERT_OFFSET(struct bh_console, reg_shift, 4);
BH_CONFIG_ASSERT_OFFSET(struct bh_console, address, 8);
BH_CONFIG_ASSERT_OFFSET(struct bh_console, size, 16);
BH_CONFIG_ASSERT_OFFSET(struct bh_console, reserved, 24);

_Static_assert(sizeof(struct bh_link_end) == 64, "struct bh_link_end size");
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, end_id, 4);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, peers, 8);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, irq_line, 12);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, shmem_phys, 16);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, shmem_virt, 24);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, shmem_size, 32);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, shmem_flags, 40);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, doorbell, 48);
BH_CONFIG_ASSERT_OFFSET(struct bh_link_end, reserved, 56);

_Static_assert(sizeof(struct bh_cell_desc) == 288, "struct bh_cell_desc size");
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, revision, 8);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, flags, 12);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, name, 16);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, cpu_set, 48);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, num_mem_regions, 56);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, num_link_ends, 60);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, entry, 64);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, boot_arg, 72);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, reserved1, 80);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, console, 128);
BH_CONFIG_ASSERT_OFFSET(struct bh_cell_desc, irq_bitmap, 160);

_Static_assert(sizeof(struct bh_hv_memory) == 16, "struct bh_hv_memory size");

_Static_assert(sizeof(struct bh_platform_info) == 320, "struct bh_platform_info size");
BH_CONFIG_ASSERT_OFFSET(struct bh_platform_info, plic_size, 8);
BH_CONFIG_ASSERT_OFFSET(struct bh_platform_info, plic_num_sources, 16);
BH_CONFIG_ASSERT_OFFSET(struct bh_platform_info, virtual_irqs, 20);
BH_CONFIG_ASSERT_OFFSET(struct bh_platform_info, timebase_frequency, 24);
BH_CONFIG_ASSERT_OFFSET(struct bh_platform_info, reserved1, 32);
BH_CONFIG_ASSERT_OFFSET(struct bh_platform_info, hart_plic_context, 64);

_Static_assert(sizeof(struct bh_system_config) == 712, "struct bh_system_config size");
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, revision, 8);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, architecture, 12);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, flags, 16);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, hypervisor_memory, 24);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, debug_console, 40);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, platform, 72);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, reserved1, 392);
BH_CONFIG_ASSERT_OFFSET(struct bh_system_config, root_cell, 424);
/* The root cell's regions follow the system config with no gap. */
_Static_assert(__builtin_offsetof(struct bh_system_config, root_cell) +
		       sizeof(struct bh_cell_desc) ==
		   sizeof(struct bh_system_config),
	       "root_cell must be the last member");

#endif /* BULKHEAD_CONFIG_H */
