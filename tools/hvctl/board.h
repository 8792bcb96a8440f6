/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What hvctl config create reads from a board's flattened device tree
 * (board_*.c) and makes configs of (config_create.c, config_cell_create.c).
 * Every reader reports each problem it finds, one line each, and counts it;
 * a board with problems gets no config.
 */
#ifndef HVCTL_BOARD_H
#define HVCTL_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include <bulkhead/config.h>

#define BOARD_MAX_RANGES 128

#define PAGE	     BH_CONFIG_PAGE_SIZE
#define PAGE_UP(x)   (((x) + PAGE - 1) & ~(uint64_t)(PAGE - 1))
#define PAGE_DOWN(x) ((x) & ~(uint64_t)(PAGE - 1))

/* A physical range, [start, start + size). */
struct board_range {
	uint64_t start;
	uint64_t size;
	/* Devices: the first compatible of the node; ranges that touch merge if it is the same. */
	const char *kind;
};

struct board_ranges {
	struct board_range r[BOARD_MAX_RANGES];
	size_t n;
};

/* Where problems and notes go: "hvctl: COMMAND: SOURCE: ...". */
struct board_report {
	const char *command;
	const char *source; /* the device tree's file name */
	unsigned int problems;
};

void board_problem(struct board_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void board_note(const struct board_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What a system config is made of. */
struct board {
	uint64_t harts; /* harts that can run Bulkhead */
	uint32_t s_context[BH_MAX_HARTS];
	uint64_t timebase;
	struct board_ranges ram;     /* RAM the root may use as Linux's: memory minus carve-outs */
	struct board_range reserved; /* the no-map /reserved-memory/bulkhead@... node */
	struct board_range plic;
	uint32_t plic_sources;	   /* riscv,ndev + 1, less the virtual lines */
	uint32_t virtual_irqs;	   /* doorbell lines the project's link-end nodes use */
	struct board_ranges io;	   /* device registers, page-rounded, merged */
	struct bh_console console; /* the stdout-path UART, or the SBI console */
};

/* Appends a non-empty range; -1 when the set is full. */
int board_add_range(struct board_ranges *set, uint64_t start, uint64_t size);
int board_add_kind(struct board_ranges *set, uint64_t start, uint64_t size, const char *kind);

/* Sorts by start and merges ranges that overlap, or touch and are of the same kind. */
void board_merge_ranges(struct board_ranges *set);

/* set minus [start, start + size). */
void board_remove_range(struct board_ranges *set, uint64_t start, uint64_t size);

/*
 * The i-th reg entry of node as a CPU physical address: every bus above it
 * must translate its children's addresses ("ranges"). Returns 0, 1 when
 * there is no such entry, -1 when it cannot be translated.
 */
int board_reg(const void *fdt, int node, int i, struct board_range *out);

/* node's interrupt parent, found as Linux's of_irq_find_parent() does, or < 0. */
int board_interrupt_parent(const void *fdt, int node);

/* Whether node is a PLIC (a compatible Bulkhead's PLIC driver knows). */
int board_is_plic(const void *fdt, int node);

/* Whether node's status is okay (or it has none). */
int board_node_okay(const void *fdt, int node);

/* The first PLIC node, or < 0. */
int board_find_plic(const void *fdt);

/*
 * The PLIC lines of node (interrupts with a PLIC as interrupt parent, or
 * interrupts-extended entries naming a PLIC), at most max. Returns how many,
 * or -1 if some of its interrupts are not lines of a PLIC.
 */
int board_device_lines(const void *fdt, int node, uint32_t *lines, int max);

/* board_harts.c: harts, their ISA, their PLIC S-mode contexts, the timebase. */
void board_read_harts(const void *fdt, struct board *b, struct board_report *rep);

/* board_memory.c: RAM, firmware carve-outs and the bulkhead@ reserved-memory node. */
void board_read_memory(const void *fdt, struct board *b, struct board_report *rep);

/* board_devices.c: device registers the root maps, and the console. */
void board_read_devices(const void *fdt, struct board *b, struct board_report *rep);

/* Parses SIZE: a number (0x... or decimal) with an optional K, M or G suffix. */
int board_parse_size(const char *text, uint64_t *size);

/* hvctl config create's command line. */
#define BOARD_MAX_DEVICES 16

struct create_args {
	const char *dtb;    /* --dtb: the device tree file (default: BH_FDT, /sys/firmware/fdt) */
	const char *output; /* -o */
	/* System config. */
	const char *name; /* --name: the root cell's */
	uint64_t hv_size; /* --hv-size */
	uint64_t hv_addr; /* --hv-addr; 0: the start of the reserved region */
	/* Cell config (--cell). */
	const char *cell;
	const char *system; /* --system: else the driver's */
	uint64_t harts;	    /* --harts */
	uint64_t mem_size;  /* --mem SIZE[@PHYS] */
	uint64_t mem_phys;  /* 0: the first free place in the root's cell pools */
	const char *devices[BOARD_MAX_DEVICES]; /* --device DT-PATH */
	unsigned int num_devices;
};

/*
 * config_cell_create.c: the cell config args describes, carved out of the
 * system config sys with the devices of fdt. Returns 0 with a malloc'd
 * config, or -1 after the problems were reported.
 */
int board_make_cell(const struct create_args *args, const struct bh_system_config *sys,
		    const void *fdt, struct board_report *rep, void **config, size_t *len);

#endif /* HVCTL_BOARD_H */
