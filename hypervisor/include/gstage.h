/* SPDX-License-Identifier: GPL-2.0 */
/*
 * G-stage (second-stage) page-table builder: maps guest-physical to
 * host-physical addresses for one cell, in the format hgatp points at
 * (RISC-V privileged spec, Hypervisor extension, "Guest Physical Address
 * Translation").
 *
 * The builder only writes memory. It never executes hfence.gvma, so it can be
 * tested on the build machine; instead it records when one is needed:
 *
 *  - gstage_unmap() that removed any mapping sets a "fence pending" flag
 *    (gstage_fence_pending()). Tables that became empty are unlinked but not
 *    yet freed, because another hart's walk cache may still point at them.
 *    The arch code runs hfence.gvma (for the table's VMID) on every hart that
 *    uses the table, then calls gstage_fence_done(), which frees them.
 *  - gstage_map() only turns invalid entries valid. Harts implementing Svvptc
 *    see the new entries without a fence; other harts may have cached the
 *    invalid entry and raise a guest-page fault, so arch code that maps into
 *    a table a running cell uses must fence as well (or retry such a fault
 *    after a fence).
 *
 * Every failing call returns a negative GSTAGE_ERR_* code and leaves the
 * table exactly as it was: map and unmap first walk the range without
 * changing anything, counting the page-table pages they will need, then take
 * all of them from the allocator before the first write.
 */
#ifndef BULKHEAD_GSTAGE_H
#define BULKHEAD_GSTAGE_H

#include <stdbool.h>
#include <stdint.h>

/* hgatp.MODE values; also the argument of gstage_init(). */
#define GSTAGE_MODE_SV39X4 8u  /* 41-bit GPA, 3 levels */
#define GSTAGE_MODE_SV48X4 9u  /* 50-bit GPA, 4 levels */
#define GSTAGE_MODE_SV57X4 10u /* 59-bit GPA, 5 levels */

/* Permission flags of gstage_map() and gstage_translate(). */
#define GSTAGE_READ  0x1u
#define GSTAGE_WRITE 0x2u /* needs GSTAGE_READ: write-only is reserved */
#define GSTAGE_EXEC  0x4u

#define GSTAGE_ROOT_SIZE 0x4000u /* bytes, and the root's required alignment */
#define GSTAGE_PAGE_SIZE 0x1000u
#define GSTAGE_VMID_MAX	 0x3fffu /* 14-bit hgatp.VMID; a hart may implement fewer */
#define GSTAGE_PHYS_BITS 56u	 /* PTE and hgatp PPN fields hold 44 bits */

#define GSTAGE_ERR_INVAL -1  /* NULL pointer, missing hook or zero size */
#define GSTAGE_ERR_MODE	 -2  /* mode is not Sv39x4, Sv48x4 or Sv57x4 */
#define GSTAGE_ERR_ALIGN -3  /* address or size not 4 KiB aligned (root: 16 KiB) */
#define GSTAGE_ERR_RANGE -4  /* range wraps or exceeds the GPA / physical width */
#define GSTAGE_ERR_FLAGS -5  /* no permission, unknown bit, or write without read */
#define GSTAGE_ERR_EXIST -6  /* range overlaps an existing mapping */
#define GSTAGE_ERR_NOMEM -7  /* page allocator ran out */
#define GSTAGE_ERR_NOENT -8  /* address not mapped */
#define GSTAGE_ERR_VMID	 -9  /* VMID wider than 14 bits */
#define GSTAGE_ERR_ALLOC -10 /* allocator returned a misaligned or unreachable page */

/*
 * Page-table pages for the levels below the root. The hooks are called
 * with @opaque. alloc_page returns the virtual address of a 4 KiB aligned
 * page (the builder zeroes it) and stores its physical address in *phys, or
 * returns NULL when memory is exhausted. phys_to_virt must work for every
 * page alloc_page handed out.
 */
struct gstage_alloc {
	void *(*alloc_page)(void *opaque, uint64_t *phys);
	void (*free_page)(void *opaque, void *virt);
	void *(*phys_to_virt)(void *opaque, uint64_t phys);
	void *opaque;
};

/* Owned by the caller, managed by the functions below only. */
struct gstage_table {
	uint64_t *root;
	uint64_t root_phys;
	struct gstage_alloc alloc;
	unsigned int mode;
	unsigned int levels;
	unsigned long tables_in_use;
	uint64_t *unlinked; /* empty tables awaiting gstage_fence_done() */
	bool fence_pending;
};

/*
 * Set up an empty table. @root is the caller's 16 KiB root table (virtual
 * address; it is zeroed here), @root_phys its physical address, 16 KiB
 * aligned. @alloc is copied.
 */
int gstage_init(struct gstage_table *pt, unsigned int mode, void *root, uint64_t root_phys,
		const struct gstage_alloc *alloc);

/*
 * Map [gpa, gpa + size) to [hpa, hpa + size) with GSTAGE_READ/WRITE/EXEC
 * @flags, using the largest leaves that the alignment of gpa and hpa allows.
 * Fails with GSTAGE_ERR_EXIST if any page of the range is already mapped.
 */
int gstage_map(struct gstage_table *pt, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned int flags);

/*
 * Remove every mapping in [gpa, gpa + size); unmapped holes are allowed.
 * Huge leaves that straddle the range edges are split (which may need new
 * tables), tables left empty are unlinked. Sets the fence-pending flag if
 * anything was removed.
 */
int gstage_unmap(struct gstage_table *pt, uint64_t gpa, uint64_t size);

/*
 * Look up one guest-physical address (any alignment). @hpa and @flags may be
 * NULL. GSTAGE_ERR_NOENT if unmapped.
 */
int gstage_translate(const struct gstage_table *pt, uint64_t gpa, uint64_t *hpa,
		     unsigned int *flags);

/* True when an unmap since the last gstage_fence_done() needs hfence.gvma. */
bool gstage_fence_pending(const struct gstage_table *pt);

/*
 * Call after hfence.gvma has run on every hart using the table: frees the
 * tables unmap unlinked and clears the fence-pending flag.
 */
void gstage_fence_done(struct gstage_table *pt);

/*
 * Free every table below the root and empty the root. The table must no
 * longer be in use by any hart.
 */
void gstage_destroy(struct gstage_table *pt);

/* The hgatp value selecting this table with @vmid. */
int gstage_hgatp(const struct gstage_table *pt, unsigned int vmid, uint64_t *hgatp);

/* Width of the guest-physical address space in bits (41, 50 or 59). */
unsigned int gstage_gpa_bits(const struct gstage_table *pt);

/* Pages held besides the root, including unlinked ones not yet freed. */
unsigned long gstage_tables_in_use(const struct gstage_table *pt);

/* A fixed English description of a GSTAGE_ERR_* code (or of 0). */
const char *gstage_strerror(int err);

#endif /* BULKHEAD_GSTAGE_H */
