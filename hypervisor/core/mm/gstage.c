// SPDX-License-Identifier: GPL-2.0
/*
 * G-stage page-table builder; see gstage.h for the contract.
 *
 * Map and unmap run their recursive walk twice: a dry run that changes
 * nothing, detects conflicts and counts the tables the real run will
 * create, then (after all those pages were obtained) the real run, which can
 * no longer fail. That is what keeps the table unchanged on every error.
 */
#include <stddef.h>
#include "gstage.h"

#define PTE_V	      (1ull << 0)
#define PTE_R	      (1ull << 1)
#define PTE_W	      (1ull << 2)
#define PTE_X	      (1ull << 3)
#define PTE_U	      (1ull << 4)
#define PTE_A	      (1ull << 6)
#define PTE_D	      (1ull << 7)
#define PTE_RWX	      (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  (((1ull << 44) - 1) << PTE_PPN_SHIFT)

#define PAGE_SHIFT	  12
#define PAGE_MASK	  ((uint64_t)GSTAGE_PAGE_SIZE - 1)
#define LEVEL_BITS	  9
#define TABLE_ENTRIES	  512u
#define ROOT_ENTRIES	  (GSTAGE_ROOT_SIZE / 8u)
#define PHYS_LIMIT	  (1ull << GSTAGE_PHYS_BITS)
#define HGATP_MODE_SHIFT  60
#define HGATP_VMID_SHIFT  44
#define GSTAGE_VALID_MASK (GSTAGE_READ | GSTAGE_WRITE | GSTAGE_EXEC)

/*
 * Stands for every entry of a table the dry run of an unmap would create by
 * splitting a huge leaf: all of them are valid leaves.
 */
#define SPLIT_CHILD_ENTRY (PTE_V | PTE_R)

struct gstage_op {
	struct gstage_table *pt;
	bool dry_run;
	unsigned long tables_needed; /* counted by the dry run */
	uint64_t *pool;		     /* pages obtained before the real run */
	uint64_t leaf_bits;	     /* map: every bit of a new leaf except the PPN */
};

/*
 * Page-table entries may be read by the page walkers of harts running the
 * cell while they change; volatile keeps every store whole and in program
 * order (a split table is complete before it is linked).
 */
static uint64_t pte_read(const uint64_t *pte)
{
	return *(const volatile uint64_t *)pte;
}

static void pte_write(uint64_t *pte, uint64_t value)
{
	*(volatile uint64_t *)pte = value;
}

static bool pte_is_leaf(uint64_t pte)
{
	return (pte & PTE_RWX) != 0;
}

static uint64_t pte_phys(uint64_t pte)
{
	return ((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static uint64_t pte_from_phys(uint64_t phys)
{
	return (phys >> PAGE_SHIFT) << PTE_PPN_SHIFT;
}

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + LEVEL_BITS * level;
}

static uint64_t level_size(unsigned int level)
{
	return 1ull << level_shift(level);
}

static unsigned int top_level(const struct gstage_table *pt)
{
	return pt->levels - 1;
}

static uint64_t *entry_of(const struct gstage_table *pt, uint64_t *table, unsigned int level,
			  uint64_t gpa)
{
	uint64_t index = gpa >> level_shift(level);

	index &= level == top_level(pt) ? ROOT_ENTRIES - 1 : TABLE_ENTRIES - 1;
	return &table[index];
}

static uint64_t *table_of(const struct gstage_table *pt, uint64_t pte)
{
	return pt->alloc.phys_to_virt(pt->alloc.opaque, pte_phys(pte));
}

/* Volatile stores also stop the compiler from turning this into memset(). */
static void zero_entries(uint64_t *table, unsigned int entries)
{
	unsigned int i;

	for (i = 0; i < entries; i++) {
		pte_write(&table[i], 0);
	}
}

static bool table_is_empty(const uint64_t *table)
{
	unsigned int i;

	for (i = 0; i < TABLE_ENTRIES; i++) {
		if (pte_read(&table[i])) {
			return false;
		}
	}
	return true;
}

/* Pool pages are chained through their first word; the second holds the physical address. */
static void pool_drain(struct gstage_op *op)
{
	while (op->pool) {
		uint64_t *page = op->pool;

		op->pool = (uint64_t *)(uintptr_t)page[0];
		op->pt->alloc.free_page(op->pt->alloc.opaque, page);
	}
}

static bool page_is_usable(const struct gstage_table *pt, void *page, uint64_t phys)
{
	return !((uintptr_t)page & PAGE_MASK) && !(phys & PAGE_MASK) && phys < PHYS_LIMIT &&
	       pt->alloc.phys_to_virt(pt->alloc.opaque, phys) == page;
}

static int pool_fill(struct gstage_op *op, unsigned long count)
{
	struct gstage_table *pt = op->pt;

	for (; count; count--) {
		uint64_t phys = 0;
		uint64_t *page = pt->alloc.alloc_page(pt->alloc.opaque, &phys);

		if (!page) {
			pool_drain(op);
			return GSTAGE_ERR_NOMEM;
		}
		if (!page_is_usable(pt, page, phys)) {
			pt->alloc.free_page(pt->alloc.opaque, page);
			pool_drain(op);
			return GSTAGE_ERR_ALLOC;
		}
		page[0] = (uintptr_t)op->pool;
		page[1] = phys;
		op->pool = page;
	}
	return 0;
}

/* Only called in the real run, after the dry run counted this page. */
static uint64_t *pool_take(struct gstage_op *op, uint64_t *phys)
{
	uint64_t *page = op->pool;

	op->pool = (uint64_t *)(uintptr_t)page[0];
	*phys = page[1];
	zero_entries(page, TABLE_ENTRIES);
	op->pt->tables_in_use++;
	return page;
}

/*
 * The link word is a page-aligned pointer, so a stale walk that still
 * reaches the table reads it as an invalid entry.
 */
static void unlink_table(struct gstage_table *pt, uint64_t *table)
{
	pte_write(&table[0], (uintptr_t)pt->unlinked);
	pt->unlinked = table;
}

static int check_range(const struct gstage_table *pt, uint64_t gpa, uint64_t size)
{
	uint64_t limit = 1ull << gstage_gpa_bits(pt);

	if (!size) {
		return GSTAGE_ERR_INVAL;
	}
	if ((gpa | size) & PAGE_MASK) {
		return GSTAGE_ERR_ALIGN;
	}
	if (gpa >= limit || size > limit - gpa) {
		return GSTAGE_ERR_RANGE;
	}
	return 0;
}

static int check_flags(unsigned int flags)
{
	if (!flags || (flags & ~GSTAGE_VALID_MASK)) {
		return GSTAGE_ERR_FLAGS;
	}
	if ((flags & GSTAGE_WRITE) && !(flags & GSTAGE_READ)) {
		return GSTAGE_ERR_FLAGS;
	}
	return 0;
}

/*
 * Guest accesses count as U-mode for G-stage checks, so leaves need U.
 * A and D are preset because cores without Svadu fault instead of setting
 * them.
 */
static uint64_t leaf_bits(unsigned int flags)
{
	uint64_t bits = PTE_V | PTE_U | PTE_A | PTE_D;

	if (flags & GSTAGE_READ) {
		bits |= PTE_R;
	}
	if (flags & GSTAGE_WRITE) {
		bits |= PTE_W;
	}
	if (flags & GSTAGE_EXEC) {
		bits |= PTE_X;
	}
	return bits;
}

/*
 * Map [gpa, end) to hpa.. in @table (at @level). In the dry run @table is
 * NULL for a table the real run would create: all its entries are invalid.
 */
static int map_level(struct gstage_op *op, uint64_t *table, unsigned int level, uint64_t gpa,
		     uint64_t end, uint64_t hpa)
{
	uint64_t size = level_size(level);

	while (gpa < end) {
		uint64_t next = (gpa | (size - 1)) + 1;
		uint64_t stop = next < end ? next : end;
		uint64_t *pte = table ? entry_of(op->pt, table, level, gpa) : NULL;
		uint64_t old = pte ? pte_read(pte) : 0;
		bool whole = !(gpa & (size - 1)) && stop == next && !(hpa & (size - 1));

		/* False positive: gpa..stop aligned to size, and hpa too, is whole. */
		/* cppcheck-suppress knownConditionTrueFalse ; see the line above */
		if (whole) {
			if (old & PTE_V) {
				return GSTAGE_ERR_EXIST;
			}
			if (!op->dry_run) {
				pte_write(pte, op->leaf_bits | pte_from_phys(hpa));
			}
		} else {
			uint64_t *child = NULL;
			int ret;

			if (old & PTE_V) {
				if (pte_is_leaf(old)) {
					return GSTAGE_ERR_EXIST;
				}
				child = table_of(op->pt, old);
			} else if (op->dry_run) {
				op->tables_needed++;
			} else {
				uint64_t phys;

				child = pool_take(op, &phys);
				pte_write(pte, PTE_V | pte_from_phys(phys));
			}
			ret = map_level(op, child, level - 1, gpa, stop, hpa);
			if (ret) {
				return ret;
			}
		}
		hpa += stop - gpa;
		gpa = stop;
	}
	return 0;
}

/*
 * Replace the huge leaf @old in *pte by a table of 512 leaves one level
 * down that map the same range with the same bits. Returns the new table,
 * or NULL in the dry run.
 */
static uint64_t *split_leaf(struct gstage_op *op, uint64_t *pte, uint64_t old, unsigned int level)
{
	uint64_t step = pte_from_phys(level_size(level - 1));
	uint64_t *child;
	uint64_t phys;
	unsigned int i;

	if (op->dry_run) {
		op->tables_needed++;
		return NULL;
	}
	child = pool_take(op, &phys);
	for (i = 0; i < TABLE_ENTRIES; i++) {
		pte_write(&child[i], old + i * step);
	}
	pte_write(pte, PTE_V | pte_from_phys(phys));
	op->pt->fence_pending = true;
	return child;
}

/*
 * Unmap [gpa, end) in @table (at @level). In the dry run @table is NULL for
 * a table a split would create: all its entries are leaves.
 */
static void unmap_level(struct gstage_op *op, uint64_t *table, unsigned int level, uint64_t gpa,
			uint64_t end)
{
	uint64_t size = level_size(level);

	while (gpa < end) {
		uint64_t next = (gpa | (size - 1)) + 1;
		uint64_t stop = next < end ? next : end;
		uint64_t *pte = table ? entry_of(op->pt, table, level, gpa) : NULL;
		uint64_t old = pte ? pte_read(pte) : SPLIT_CHILD_ENTRY;
		bool whole = !(gpa & (size - 1)) && stop == next;

		if (!(old & PTE_V)) {
			/* a hole: nothing to remove */
		} else if (pte_is_leaf(old) && whole) {
			if (!op->dry_run) {
				pte_write(pte, 0);
				op->pt->fence_pending = true;
			}
		} else if (pte_is_leaf(old)) {
			uint64_t *child = split_leaf(op, pte, old, level);

			unmap_level(op, child, level - 1, gpa, stop);
		} else {
			uint64_t *child = table_of(op->pt, old);

			unmap_level(op, child, level - 1, gpa, stop);
			if (!op->dry_run && table_is_empty(child)) {
				pte_write(pte, 0);
				unlink_table(op->pt, child);
			}
		}
		gpa = stop;
	}
}

static unsigned int mode_levels(unsigned int mode)
{
	switch (mode) {
	case GSTAGE_MODE_SV39X4:
		return 3;
	case GSTAGE_MODE_SV48X4:
		return 4;
	case GSTAGE_MODE_SV57X4:
		return 5;
	default:
		return 0;
	}
}

int gstage_init(struct gstage_table *pt, unsigned int mode, void *root, uint64_t root_phys,
		const struct gstage_alloc *alloc)
{
	unsigned int levels = mode_levels(mode);

	if (!pt || !root || !alloc || !alloc->alloc_page || !alloc->free_page ||
	    !alloc->phys_to_virt) {
		return GSTAGE_ERR_INVAL;
	}
	if (!levels) {
		return GSTAGE_ERR_MODE;
	}
	if (root_phys & (GSTAGE_ROOT_SIZE - 1)) {
		return GSTAGE_ERR_ALIGN;
	}
	if (root_phys >= PHYS_LIMIT) {
		return GSTAGE_ERR_RANGE;
	}
	pt->root = root;
	pt->root_phys = root_phys;
	pt->alloc = *alloc;
	pt->mode = mode;
	pt->levels = levels;
	pt->tables_in_use = 0;
	pt->unlinked = NULL;
	pt->fence_pending = false;
	zero_entries(pt->root, ROOT_ENTRIES);
	return 0;
}

int gstage_map(struct gstage_table *pt, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned int flags)
{
	struct gstage_op op = {.pt = pt, .dry_run = true};
	int ret;

	if (!pt) {
		return GSTAGE_ERR_INVAL;
	}
	ret = check_range(pt, gpa, size);
	if (ret) {
		return ret;
	}
	ret = check_flags(flags);
	if (ret) {
		return ret;
	}
	if (hpa & PAGE_MASK) {
		return GSTAGE_ERR_ALIGN;
	}
	if (hpa >= PHYS_LIMIT || size > PHYS_LIMIT - hpa) {
		return GSTAGE_ERR_RANGE;
	}
	op.leaf_bits = leaf_bits(flags);

	ret = map_level(&op, pt->root, top_level(pt), gpa, gpa + size, hpa);
	if (ret) {
		return ret;
	}
	ret = pool_fill(&op, op.tables_needed);
	if (ret) {
		return ret;
	}
	op.dry_run = false;
	ret = map_level(&op, pt->root, top_level(pt), gpa, gpa + size, hpa);
	pool_drain(&op);
	return ret;
}

int gstage_unmap(struct gstage_table *pt, uint64_t gpa, uint64_t size)
{
	struct gstage_op op = {.pt = pt, .dry_run = true};
	int ret;

	if (!pt) {
		return GSTAGE_ERR_INVAL;
	}
	ret = check_range(pt, gpa, size);
	if (ret) {
		return ret;
	}

	unmap_level(&op, pt->root, top_level(pt), gpa, gpa + size);
	ret = pool_fill(&op, op.tables_needed);
	if (ret) {
		return ret;
	}
	op.dry_run = false;
	unmap_level(&op, pt->root, top_level(pt), gpa, gpa + size);
	pool_drain(&op);
	return 0;
}

int gstage_translate(const struct gstage_table *pt, uint64_t gpa, uint64_t *hpa,
		     unsigned int *flags)
{
	uint64_t *table;
	unsigned int level;

	if (!pt) {
		return GSTAGE_ERR_INVAL;
	}
	if (gpa >> gstage_gpa_bits(pt)) {
		return GSTAGE_ERR_RANGE;
	}
	table = pt->root;
	for (level = top_level(pt);; level--) {
		uint64_t pte = pte_read(entry_of(pt, table, level, gpa));

		if (!(pte & PTE_V)) {
			return GSTAGE_ERR_NOENT;
		}
		if (pte_is_leaf(pte)) {
			if (hpa) {
				*hpa = pte_phys(pte) + (gpa & (level_size(level) - 1));
			}
			if (flags) {
				*flags = ((pte & PTE_R) ? GSTAGE_READ : 0) |
					 ((pte & PTE_W) ? GSTAGE_WRITE : 0) |
					 ((pte & PTE_X) ? GSTAGE_EXEC : 0);
			}
			return 0;
		}
		if (level == 0) {
			/* a pointer where only leaves can be: never written by this file */
			return GSTAGE_ERR_NOENT;
		}
		table = table_of(pt, pte);
	}
}

bool gstage_fence_pending(const struct gstage_table *pt)
{
	return pt->fence_pending;
}

void gstage_fence_done(struct gstage_table *pt)
{
	while (pt->unlinked) {
		uint64_t *table = pt->unlinked;

		pt->unlinked = (uint64_t *)(uintptr_t)table[0];
		pt->alloc.free_page(pt->alloc.opaque, table);
		pt->tables_in_use--;
	}
	pt->fence_pending = false;
}

/* Frees @table (whose entries are at @level) and every table below it. */
static void free_subtree(struct gstage_table *pt, uint64_t *table, unsigned int level)
{
	unsigned int i;

	for (i = 0; level > 0 && i < TABLE_ENTRIES; i++) {
		uint64_t pte = pte_read(&table[i]);

		if ((pte & PTE_V) && !pte_is_leaf(pte)) {
			free_subtree(pt, table_of(pt, pte), level - 1);
		}
	}
	pt->alloc.free_page(pt->alloc.opaque, table);
	pt->tables_in_use--;
}

void gstage_destroy(struct gstage_table *pt)
{
	unsigned int i;

	for (i = 0; i < ROOT_ENTRIES; i++) {
		uint64_t pte = pte_read(&pt->root[i]);

		if ((pte & PTE_V) && !pte_is_leaf(pte)) {
			free_subtree(pt, table_of(pt, pte), top_level(pt) - 1);
		}
		pte_write(&pt->root[i], 0);
	}
	gstage_fence_done(pt);
}

int gstage_hgatp(const struct gstage_table *pt, unsigned int vmid, uint64_t *hgatp)
{
	if (!pt || !hgatp) {
		return GSTAGE_ERR_INVAL;
	}
	if (vmid > GSTAGE_VMID_MAX) {
		return GSTAGE_ERR_VMID;
	}
	*hgatp = (uint64_t)pt->mode << HGATP_MODE_SHIFT | (uint64_t)vmid << HGATP_VMID_SHIFT |
		 pt->root_phys >> PAGE_SHIFT;
	return 0;
}

unsigned int gstage_gpa_bits(const struct gstage_table *pt)
{
	/* the root index is two bits wider than the others */
	return level_shift(pt->levels) + 2;
}

unsigned long gstage_tables_in_use(const struct gstage_table *pt)
{
	return pt->tables_in_use;
}

const char *gstage_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case GSTAGE_ERR_INVAL:
		return "invalid argument (NULL pointer, missing allocator hook or zero size)";
	case GSTAGE_ERR_MODE:
		return "unsupported G-stage mode (need Sv39x4, Sv48x4 or Sv57x4)";
	case GSTAGE_ERR_ALIGN:
		return "address or size not 4 KiB aligned (root table: 16 KiB)";
	case GSTAGE_ERR_RANGE:
		return "range wraps or exceeds the guest-physical or physical address width";
	case GSTAGE_ERR_FLAGS:
		return "invalid permissions (none, unknown bit, or write without read)";
	case GSTAGE_ERR_EXIST:
		return "range overlaps an existing mapping";
	case GSTAGE_ERR_NOMEM:
		return "out of memory for page tables";
	case GSTAGE_ERR_NOENT:
		return "guest-physical address not mapped";
	case GSTAGE_ERR_VMID:
		return "VMID wider than 14 bits";
	case GSTAGE_ERR_ALLOC:
		return "page allocator returned a misaligned or unreachable page";
	default:
		return "unknown G-stage error";
	}
}
