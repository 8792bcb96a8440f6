/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Validator of the Bulkhead configuration format (include/bulkhead/config.h),
 * the library in include/lib/config/ that the Linux module, the hypervisor
 * and the host tools (hvctl, cellcheck, the tests) all build from the same
 * sources.
 *
 * The checks here need nothing but configs; checks against the running
 * machine (does hart 7 exist, is a region Linux RAM) are the driver's and
 * the hypervisor's, helped by the pure functions at the end.
 *
 * Every check function returns 0 or one of the negative BH_CONFIG_E* codes,
 * and on failure writes a NUL-terminated message naming the problem and the
 * numbers involved into err (at most err_len bytes including the NUL; err may
 * be NULL). On success err holds "". The config is never modified.
 */
#ifndef BULKHEAD_CONFIG_CHECK_H
#define BULKHEAD_CONFIG_CHECK_H

#include <bulkhead/config.h>

#define BH_CONFIG_ESIZE	    (-1) /* length does not match what the headers say */
#define BH_CONFIG_EFORMAT   (-2) /* not this format: signature, revision, architecture */
#define BH_CONFIG_EINVAL    (-3) /* a field holds a value the format does not allow */
#define BH_CONFIG_ECONFLICT (-4) /* two resources collide (overlap, shared PLIC context) */
#define BH_CONFIG_EBUFFER   (-5) /* buffer NULL or not 8-byte aligned */
#define BH_CONFIG_EEXIST    (-6) /* a cell of that name exists already */

/* A message buffer this large always holds a whole message. */
#define BH_CONFIG_ERR_LEN 256

/*
 * Check a system config of len bytes at buf (8-byte aligned): header,
 * platform description and root cell.
 */
int bh_config_check_system(const void *buf, size_t len, char *err, size_t err_len);

/* Check a cell config of len bytes at buf (8-byte aligned), on its own. */
int bh_config_check_cell(const void *buf, size_t len, char *err, size_t err_len);

/*
 * The same checks, listing every problem instead of the first: report gets
 * each message (as err would hold it). A problem in the layout (size,
 * signature, revision, region count) ends the check, as nothing after it can
 * be read; past it, each part is checked even when another failed, except
 * what depends on a failed part (the regions' overlaps, the console and the
 * entry need valid regions; the root cell against the platform needs valid
 * fields). Returns the first problem's code, or 0.
 */
typedef void bh_config_report_fn(void *ctx, const char *message);
int bh_config_list_system_problems(const void *buf, size_t len, bh_config_report_fn *report,
				   void *ctx);
int bh_config_list_cell_problems(const void *buf, size_t len, bh_config_report_fn *report,
				 void *ctx);

/*
 * Check that a cell (already accepted by bh_config_check_cell) can be created
 * under a system config (already accepted by bh_config_check_system): its
 * harts are root harts with a PLIC context, its PLIC lines are root lines that
 * exist, and each region lies inside one root region of the same kind (RAM
 * or IO) without touching the PLIC window or hypervisor memory. What the root
 * has already given to other cells is the caller's to track.
 */
int bh_config_check_cell_fits(const struct bh_system_config *sys, const struct bh_cell_desc *cell,
			      char *err, size_t err_len);

/*
 * Where the hypervisor finds its system config: between the end of its image
 * and the end of its region [region_start, region_start + region_size), the
 * memory the root loses at enable, so the root cannot change the config
 * after it was checked, and the page pool after it does not underflow.
 */
int bh_config_check_placement(uint64_t region_start, uint64_t region_size, uint64_t image_end,
			      uint64_t config_phys, uint64_t config_size, char *err,
			      size_t err_len);

/*
 * Check that a cell (already accepted by bh_config_check_cell and
 * bh_config_check_cell_fits) can be created beside the cells that exist: the
 * n cells at others (not the root) and the root cell (root; NULL if none).
 * In this order: its name is none of theirs (BH_CONFIG_EEXIST, "cell 'NAME'
 * already exists"); it shares no hart, then no physical memory, then no PLIC
 * line with another cell (BH_CONFIG_ECONFLICT); its boot info page
 * (boot_arg) overlaps none of its regions guest-physically and is page
 * aligned (BH_CONFIG_EINVAL). Messages start "cell 'NAME': " but the first.
 * That a hart or line it takes is still the root's is then what the static
 * bh_config_check_cell_fits() says; whether those harts run is the caller's.
 */
int bh_config_check_against_cells(const struct bh_cell_desc *cell, const struct bh_cell_desc *root,
				  const struct bh_cell_desc *const *others, unsigned int n,
				  char *err, size_t err_len);

/* The lowest hart both cells have, or -1. */
int bh_cell_hart_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other);

/* The lowest PLIC line both cells own, or 0 (line 0 never exists). */
uint32_t bh_cell_line_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other);

/*
 * Whether a region of cell shares physical memory with a region of other;
 * if so, *index and *other_index name the first such pair (by cell's region,
 * then other's).
 */
bool bh_cell_region_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other,
			  uint32_t *index, uint32_t *other_index);

/*
 * Whether [a_start, a_start + a_size) and [b_start, b_start + b_size) share a
 * byte. Empty ranges overlap nothing; ranges running past 2^64 are clipped.
 */
bool bh_config_ranges_overlap(uint64_t a_start, uint64_t a_size, uint64_t b_start, uint64_t b_size);

/*
 * Whether [start, start + size) lies inside [outer_start, outer_start +
 * outer_size). False for an empty or wrapping range.
 */
bool bh_config_range_contains(uint64_t outer_start, uint64_t outer_size, uint64_t start,
			      uint64_t size);

/* The cell's region whose physical range contains [phys, phys + size), or NULL. */
const struct bh_mem_region *bh_config_region_by_phys(const struct bh_cell_desc *cell, uint64_t phys,
						     uint64_t size);

/* The cell's region whose guest-physical range contains [gpa, gpa + size), or NULL. */
const struct bh_mem_region *bh_config_region_by_guest(const struct bh_cell_desc *cell, uint64_t gpa,
						      uint64_t size);

/* What the root cell needs to hold Linux's RAM: read, write, execute (and not IO). */
#define BH_ROOT_RAM_FLAGS (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE)

/* Whether the root cell maps a range of Linux's RAM: bh_root_ram_gap()'s answer. */
enum bh_ram_verdict {
	BH_RAM_MAPPED = 0,
	BH_RAM_UNMAPPED, /* the gap is in no region of the root cell */
	BH_RAM_NOT_RAM,	 /* the gap is in a region that is IO or lacks BH_ROOT_RAM_FLAGS */
};

/*
 * Whether the root cell (identity-mapped, already validated) maps all of
 * [start, end] (end inclusive) as RAM. If not, [*gap_start, *gap_end] is the
 * first part that it does not: up to the next region for UNMAPPED, the part
 * of the offending region (*region gets its index) for NOT_RAM. The driver
 * checks Linux's RAM with it before enable; hvctl config check reports every
 * gap by calling it again past each.
 */
enum bh_ram_verdict bh_root_ram_gap(const struct bh_cell_desc *root, uint64_t start, uint64_t end,
				    uint64_t *gap_start, uint64_t *gap_end, uint32_t *region);

#endif /* BULKHEAD_CONFIG_CHECK_H */
