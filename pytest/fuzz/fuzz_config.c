// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the config validator (include/lib/config/), which the driver, the
 * hypervisor and hvctl run on configs the root hands them.
 *
 * Input: u8 mode, u8 message-buffer length, then
 *   mode % 4 == 0: a system config (everything that follows);
 *   mode % 4 == 1: a cell config;
 *   mode % 4 == 2: u16 length n, a system config of n bytes, then a cell config: both are
 *                  checked and, if both pass, bh_config_check_cell_fits() and
 *                  bh_config_check_against_cells() (beside the root alone, beside itself
 *                  and beside a renamed copy of itself);
 *   mode % 4 == 3: 5 x u64 for bh_config_check_placement() (region, image end, config).
 * Mode bit 7 passes the buffer misaligned (must be refused with BH_CONFIG_EBUFFER). The
 * message-buffer length 0 passes err = NULL. Every buffer is allocated to its exact size, so
 * AddressSanitizer catches a read past the config or a write past the message buffer.
 *
 * Checked: return codes are BH_CONFIG_E*; the config is never modified; the message is
 * NUL-terminated inside the buffer, empty on success and not on failure, and a short buffer
 * holds a prefix of the full message; the verdict does not depend on the message buffer. A
 * config that is accepted is re-checked here, independently, for what the format promises
 * (docs/config-format.md): exact length, region count, page-aligned non-empty non-wrapping
 * regions that do not overlap, valid flags, a printable NUL-padded name, unique in-window PLIC
 * contexts the vPLIC models, the entry point in executable RAM, an NS16550 console inside a
 * writable IO region, and (for cell_fits) harts, lines and regions taken from the root (RAM
 * from its loadable pool; for against_cells, a page-aligned boot info page outside its
 * regions, a name not the root's, a cell beside itself refused by name and beside a renamed
 * copy by a shared hart). The range helpers are compared with 128-bit arithmetic on the
 * config's own numbers.
 */
#include <string.h>

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>

#include "fuzz.h"

#define PAGE 0x1000ull

typedef unsigned __int128 u128;

/* As the format defines it: the end, start + size, is not a 64-bit number. */
static bool wraps(uint64_t start, uint64_t size)
{
	return (u128)start + size >= ((u128)1 << 64);
}

static bool overlap_ref(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	u128 ae = (u128)a + as, be = (u128)b + bs;

	if (!as || !bs)
		return false;
	/* Clipped at 2^64: ranges are of addresses below it. */
	if (ae > ((u128)1 << 64))
		ae = (u128)1 << 64;
	if (be > ((u128)1 << 64))
		be = (u128)1 << 64;
	return a < be && b < ae;
}

static bool contains_ref(uint64_t os, uint64_t osz, uint64_t s, uint64_t sz)
{
	if (!sz || !osz || wraps(s, sz) || wraps(os, osz))
		return false;
	return s >= os && (u128)s + sz <= (u128)os + osz;
}

static void check_helpers(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	FUZZ_CHECK(bh_config_ranges_overlap(a, as, b, bs) == overlap_ref(a, as, b, bs),
		   "ranges_overlap(%#llx, %#llx, %#llx, %#llx) wrong", (unsigned long long)a,
		   (unsigned long long)as, (unsigned long long)b, (unsigned long long)bs);
	FUZZ_CHECK(bh_config_range_contains(a, as, b, bs) == contains_ref(a, as, b, bs),
		   "range_contains(%#llx, %#llx, %#llx, %#llx) wrong", (unsigned long long)a,
		   (unsigned long long)as, (unsigned long long)b, (unsigned long long)bs);
}

/* ---------------------------------------------------------------- what an accepted config is */

static void check_name(const struct bh_cell_desc *cell)
{
	size_t len = 0, i;

	while (len < BH_CELL_NAME_LEN && cell->name[len])
		len++;
	FUZZ_CHECK(len > 0 && len < BH_CELL_NAME_LEN, "accepted name of length %zu", len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)cell->name[i];

		FUZZ_CHECK(c >= 0x20 && c <= 0x7e && c != '\'', "accepted name byte %#x at %zu", c,
			   i);
	}
	for (; i < BH_CELL_NAME_LEN; i++)
		FUZZ_CHECK(!cell->name[i], "accepted name padding byte at %zu", i);
}

static void check_zero(const void *p, size_t n, const char *what)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		FUZZ_CHECK(!b[i], "accepted non-zero %s", what);
}

static const struct bh_mem_region *find_guest(const struct bh_cell_desc *cell, uint64_t gpa,
					      uint64_t size)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++)
		if (contains_ref(r[i].virt_start, r[i].size, gpa, size))
			return &r[i];
	return NULL;
}

static void check_console(const struct bh_console *con)
{
	FUZZ_CHECK(con->type <= BH_CONSOLE_SBI, "accepted console type %u", con->type);
	FUZZ_CHECK(!con->reserved, "accepted console reserved field");
	if (con->type != BH_CONSOLE_NS16550) {
		FUZZ_CHECK(!con->address && !con->size && !con->reg_shift,
			   "accepted console fields for type %u", con->type);
		return;
	}
	FUZZ_CHECK(con->reg_shift <= BH_CONSOLE_MAX_REG_SHIFT, "accepted reg_shift %u",
		   con->reg_shift);
	FUZZ_CHECK(con->size >= (8ull << con->reg_shift), "accepted small console");
	FUZZ_CHECK(!(con->address & ((1ull << con->reg_shift) - 1)), "accepted misaligned console");
	FUZZ_CHECK(!wraps(con->address, con->size), "accepted wrapping console");
}

static void check_cell(const struct bh_cell_desc *cell, bool root)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i, j;

	FUZZ_CHECK(cell->num_mem_regions <= BH_MAX_MEM_REGIONS, "accepted %u regions",
		   cell->num_mem_regions);
	check_name(cell);
	FUZZ_CHECK(!(cell->flags & ~BH_CELL_FLAGS_VALID), "accepted cell flags %#x", cell->flags);
	FUZZ_CHECK(!root || !cell->flags, "accepted root cell flags %#x", cell->flags);
	FUZZ_CHECK(cell->num_link_ends <= BH_MAX_LINK_ENDS, "accepted %u link ends",
		   cell->num_link_ends);
	for (i = 0; i < cell->num_link_ends; i++) {
		const struct bh_link_end *e = &bh_config_cell_links(cell)[i];

		FUZZ_CHECK(!e->reserved && e->end_id <= BH_LINK_MAX_END_ID && e->peers &&
				   !((e->peers >> e->end_id) & 1),
			   "link end %u: accepted bad fields", i);
		FUZZ_CHECK(e->shmem_size && !((e->shmem_phys | e->shmem_virt | e->shmem_size |
						e->doorbell) & (PAGE - 1)) &&
				   !wraps(e->shmem_phys, e->shmem_size) &&
				   !wraps(e->shmem_virt, e->shmem_size),
			   "link end %u: accepted bad shared memory or doorbell", i);
	}
	check_zero(cell->reserved1, sizeof(cell->reserved1), "cell reserved1");
	FUZZ_CHECK(cell->cpu_set, "accepted empty CPU set");
	FUZZ_CHECK(!(cell->irq_bitmap[0] & 1), "accepted PLIC line 0");
	for (i = 0; i < cell->num_mem_regions; i++) {
		uint64_t f = r[i].flags;

		FUZZ_CHECK(!(f & ~BH_MEM_FLAGS_VALID), "region %u: accepted flags %#llx", i,
			   (unsigned long long)f);
		FUZZ_CHECK(f & (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE),
			   "region %u: accepted no access", i);
		FUZZ_CHECK(!(f & BH_MEM_WRITE) || (f & BH_MEM_READ),
			   "region %u: accepted W without R", i);
		FUZZ_CHECK(!(f & BH_MEM_IO) || !(f & (BH_MEM_EXECUTE | BH_MEM_LOADABLE)),
			   "region %u: accepted executable or loadable IO", i);
		FUZZ_CHECK(r[i].size &&
				   !((r[i].phys_start | r[i].virt_start | r[i].size) & (PAGE - 1)),
			   "region %u: accepted empty or unaligned", i);
		FUZZ_CHECK(!wraps(r[i].phys_start, r[i].size) && !wraps(r[i].virt_start, r[i].size),
			   "region %u: accepted a wrapping range", i);
		FUZZ_CHECK(!root || r[i].phys_start == r[i].virt_start,
			   "root region %u: accepted a non-identity mapping", i);
		for (j = 0; j < i; j++) {
			check_helpers(r[i].phys_start, r[i].size, r[j].phys_start, r[j].size);
			FUZZ_CHECK(!overlap_ref(r[i].phys_start, r[i].size, r[j].phys_start,
						r[j].size),
				   "regions %u and %u: accepted physical overlap", j, i);
			FUZZ_CHECK(!overlap_ref(r[i].virt_start, r[i].size, r[j].virt_start,
						r[j].size),
				   "regions %u and %u: accepted guest-physical overlap", j, i);
		}
	}
	check_console(&cell->console);
	if (cell->console.type == BH_CONSOLE_NS16550) {
		const struct bh_mem_region *c =
			find_guest(cell, cell->console.address, cell->console.size);

		FUZZ_CHECK(c && (c->flags & BH_MEM_IO) && (c->flags & BH_MEM_WRITE),
			   "accepted a console outside the writable IO regions");
	}
	if (root) {
		FUZZ_CHECK(!cell->entry && !cell->boot_arg, "accepted a root entry or boot_arg");
	} else {
		const struct bh_mem_region *e = find_guest(cell, cell->entry, 2);

		FUZZ_CHECK(!(cell->entry & 1) && e && (e->flags & BH_MEM_EXECUTE) &&
				   !(e->flags & BH_MEM_IO),
			   "accepted entry %#llx outside executable RAM",
			   (unsigned long long)cell->entry);
	}
}

/* Regions of a cell against the system's PLIC window and hypervisor memory. */
static void check_cell_vs_system(const struct bh_cell_desc *cell,
				 const struct bh_system_config *sys)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_platform_info *plat = &sys->platform;
	uint32_t i, line;

	for (i = 0; i < cell->num_mem_regions; i++) {
		FUZZ_CHECK(!overlap_ref(r[i].phys_start, r[i].size,
					sys->hypervisor_memory.phys_start,
					sys->hypervisor_memory.size),
			   "region %u: accepted overlap with hypervisor memory", i);
		FUZZ_CHECK(
			!overlap_ref(r[i].phys_start, r[i].size, plat->plic_base, plat->plic_size),
			"region %u: accepted a region mapping the PLIC", i);
	}
	for (i = 0; i < BH_MAX_HARTS; i++)
		if ((cell->cpu_set >> i) & 1)
			FUZZ_CHECK(plat->hart_plic_context[i] != BH_NO_CONTEXT,
				   "accepted hart %u without a PLIC context", i);
	for (line = plat->plic_num_sources; line < BH_MAX_IRQS; line++)
		FUZZ_CHECK(!((cell->irq_bitmap[line / 64] >> (line % 64)) & 1),
			   "accepted line %u of %u", line, plat->plic_num_sources);
}

static void check_system(const struct bh_system_config *sys, size_t len)
{
	const struct bh_platform_info *plat = &sys->platform;
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	uint32_t h, o;

	FUZZ_CHECK(len == sizeof(*sys) - sizeof(sys->root_cell) + sizeof(sys->root_cell) +
				   (size_t)sys->root_cell.num_mem_regions *
					   sizeof(struct bh_mem_region) +
				   (size_t)sys->root_cell.num_link_ends * sizeof(struct bh_link_end),
		   "accepted length %zu for %u regions", len, sys->root_cell.num_mem_regions);
	FUZZ_CHECK(!sys->flags && !sys->reserved0, "accepted system flags/reserved0");
	check_zero(sys->reserved1, sizeof(sys->reserved1), "system reserved1");
	FUZZ_CHECK(plat->plic_num_sources + (uint64_t)plat->virtual_irqs <= BH_MAX_IRQS,
		   "accepted %u virtual lines", plat->virtual_irqs);
	check_zero(plat->reserved1, sizeof(plat->reserved1), "platform reserved1");
	FUZZ_CHECK(hv->size && !((hv->phys_start | hv->size) & (PAGE - 1)) &&
			   !wraps(hv->phys_start, hv->size),
		   "accepted hypervisor memory %#llx+%#llx", (unsigned long long)hv->phys_start,
		   (unsigned long long)hv->size);
	FUZZ_CHECK(plat->plic_size && !((plat->plic_base | plat->plic_size) & (PAGE - 1)) &&
			   !wraps(plat->plic_base, plat->plic_size),
		   "accepted PLIC window");
	check_helpers(plat->plic_base, plat->plic_size, hv->phys_start, hv->size);
	FUZZ_CHECK(!overlap_ref(plat->plic_base, plat->plic_size, hv->phys_start, hv->size),
		   "accepted PLIC inside hypervisor memory");
	FUZZ_CHECK(plat->plic_num_sources >= 2 && plat->plic_num_sources <= BH_MAX_IRQS,
		   "accepted %u PLIC sources", plat->plic_num_sources);
	FUZZ_CHECK(plat->timebase_frequency, "accepted timebase 0");
	for (h = 0; h < BH_MAX_HARTS; h++) {
		uint32_t ctx = plat->hart_plic_context[h];

		if (ctx == BH_NO_CONTEXT)
			continue;
		FUZZ_CHECK(0x200000ull + ((uint64_t)ctx + 1) * 0x1000 <= plat->plic_size,
			   "accepted hart %u context %u beyond the window", h, ctx);
		FUZZ_CHECK(ctx < BH_MAX_PLIC_CONTEXTS,
			   "accepted hart %u context %u the vPLIC lacks", h, ctx);
		for (o = 0; o < h; o++)
			FUZZ_CHECK(plat->hart_plic_context[o] != ctx, "accepted shared context %u",
				   ctx);
	}
	check_console(&sys->debug_console);
	if (sys->debug_console.type == BH_CONSOLE_NS16550) {
		FUZZ_CHECK(!overlap_ref(sys->debug_console.address, sys->debug_console.size,
					hv->phys_start, hv->size) &&
				   !overlap_ref(sys->debug_console.address, sys->debug_console.size,
						plat->plic_base, plat->plic_size),
			   "accepted a debug console on hypervisor memory or the PLIC");
	}
	check_cell(&sys->root_cell, true);
	check_cell_vs_system(&sys->root_cell, sys);
}

static void check_fits(const struct bh_system_config *sys, const struct bh_cell_desc *cell)
{
	const struct bh_cell_desc *root = &sys->root_cell;
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_mem_region *rr = bh_config_cell_regions(root);
	uint32_t i, j, w;

	FUZZ_CHECK(!(cell->cpu_set & ~root->cpu_set), "fits: accepted harts the root lacks");
	for (w = 0; w < BH_MAX_IRQS / 64; w++)
		FUZZ_CHECK(!(cell->irq_bitmap[w] & ~root->irq_bitmap[w]),
			   "fits: accepted lines the root lacks (word %u)", w);
	check_cell_vs_system(cell, sys);
	for (i = 0; i < cell->num_mem_regions; i++) {
		bool io = r[i].flags & BH_MEM_IO, inside = false;

		for (j = 0; j < root->num_mem_regions && !inside; j++) {
			check_helpers(rr[j].phys_start, rr[j].size, r[i].phys_start, r[i].size);
			/* RAM only from the root's loadable pool, not the root kernel's own. */
			inside = contains_ref(rr[j].phys_start, rr[j].size, r[i].phys_start,
					      r[i].size) &&
				 !(rr[j].flags & BH_MEM_IO) == !io &&
				 (io || (rr[j].flags & BH_MEM_LOADABLE));
		}
		FUZZ_CHECK(inside, "fits: accepted region %u outside the root's %s", i,
			   io ? "IO" : "loadable RAM");
	}
}

/* ---------------------------------------------------------------- running the validator */

typedef int (*check_fn)(const void *buf, size_t len, char *err, size_t err_len);

/* An exact-size copy (8-byte aligned, as malloc's are) or one byte off alignment. */
static uint8_t *copy_of(const uint8_t *data, size_t len, bool misalign, uint8_t **block)
{
	*block = malloc(len + (misalign ? 1 : 0));
	FUZZ_CHECK(*block, "out of memory");
	memcpy(*block + misalign, data, len);
	return *block + misalign;
}

static int run_check(check_fn fn, const uint8_t *data, size_t len, bool misalign, size_t err_len)
{
	uint8_t *block, *buf = copy_of(data, len, misalign, &block);
	char *err = err_len ? malloc(err_len) : NULL;
	char full[BH_CONFIG_ERR_LEN];
	int ret, again;

	if (err)
		memset(err, 'x', err_len);
	ret = fn(buf, len, err, err_len);
	FUZZ_CHECK(ret <= 0 && ret >= BH_CONFIG_EBUFFER, "unknown return %d", ret);
	FUZZ_CHECK(!memcmp(buf, data, len), "the validator modified the config");
	FUZZ_CHECK(!misalign || ret == BH_CONFIG_EBUFFER, "misaligned buffer: returned %d", ret);
	again = fn(buf, len, full, sizeof(full));
	FUZZ_CHECK(again == ret, "verdict %d with a message buffer of %zu, %d with %zu", ret,
		   err_len, again, sizeof(full));
	FUZZ_CHECK(memchr(full, 0, sizeof(full)), "message not NUL-terminated");
	FUZZ_CHECK(!ret == !full[0], "return %d with message \"%s\"", ret, full);
	FUZZ_CHECK(fn(buf, len, NULL, 0) == ret, "verdict changes without a message buffer");
	if (err) {
		size_t n = strnlen(err, err_len);

		FUZZ_CHECK(n < err_len, "message overran its %zu-byte buffer", err_len);
		FUZZ_CHECK(!strncmp(err, full, n) && (n == strlen(full) || n == err_len - 1),
			   "short message \"%s\" is not a prefix of \"%s\"", err, full);
	}
	free(err);
	free(block);
	return ret;
}

/* What the list mode reported: how many problems, and the first one. */
struct listed {
	unsigned int n;
	char first[BH_CONFIG_ERR_LEN];
};

static void note_problem(void *ctx, const char *message)
{
	struct listed *l = ctx;

	FUZZ_CHECK(message[0], "empty problem listed");
	if (!l->n++)
		snprintf(l->first, sizeof(l->first), "%s", message);
}

/*
 * Listing every problem agrees with stopping at the first: the same verdict,
 * and the first problem listed is the one message of the stopping check.
 */
static void check_listing(int ret, const char *full, const struct listed *l, int listed_ret)
{
	FUZZ_CHECK(listed_ret == ret, "listing gives %d, the check %d", listed_ret, ret);
	FUZZ_CHECK(!ret == !l->n, "verdict %d with %u problems listed", ret, l->n);
	FUZZ_CHECK(!ret || !strcmp(l->first, full), "first listed \"%s\", the check says \"%s\"",
		   l->first, full);
}

static int system_check(const void *buf, size_t len, char *err, size_t err_len)
{
	char full[BH_CONFIG_ERR_LEN];
	struct listed l = { 0 };
	int ret = bh_config_check_system(buf, len, full, sizeof(full));

	check_listing(ret, full, &l, bh_config_list_system_problems(buf, len, note_problem, &l));
	return bh_config_check_system(buf, len, err, err_len);
}

static int cell_check(const void *buf, size_t len, char *err, size_t err_len)
{
	char full[BH_CONFIG_ERR_LEN];
	struct listed l = { 0 };
	int ret = bh_config_check_cell(buf, len, full, sizeof(full));

	check_listing(ret, full, &l, bh_config_list_cell_problems(buf, len, note_problem, &l));
	return bh_config_check_cell(buf, len, err, err_len);
}

static int fits_check(const struct bh_system_config *sys, const struct bh_cell_desc *cell,
		      size_t err_len)
{
	char *err = err_len ? malloc(err_len) : NULL;
	char full[BH_CONFIG_ERR_LEN];
	int ret;

	ret = bh_config_check_cell_fits(sys, cell, err, err_len);
	FUZZ_CHECK(ret <= 0 && ret >= BH_CONFIG_EBUFFER, "fits: unknown return %d", ret);
	FUZZ_CHECK(bh_config_check_cell_fits(sys, cell, full, sizeof(full)) == ret,
		   "fits: verdict depends on the message buffer");
	FUZZ_CHECK(!ret == !full[0], "fits: return %d with message \"%s\"", ret, full);
	if (err)
		FUZZ_CHECK(strnlen(err, err_len) < err_len, "fits: message overran its buffer");
	free(err);
	return ret;
}

/* bh_config_check_against_cells() of an accepted cell, beside the root alone and beside itself. */
static void check_against(const struct bh_system_config *sys, const struct bh_cell_desc *cell,
			  size_t cell_len, size_t err_len)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	char *err = err_len ? malloc(err_len) : NULL;
	const struct bh_cell_desc *others[1];
	char full[BH_CONFIG_ERR_LEN];
	struct bh_cell_desc *twin;
	uint8_t *twin_block;
	uint32_t i;
	int ret;

	ret = bh_config_check_against_cells(cell, &sys->root_cell, NULL, 0, err, err_len);
	FUZZ_CHECK(ret == 0 || ret == BH_CONFIG_EEXIST || ret == BH_CONFIG_EINVAL,
		   "against: return %d beside the root alone", ret);
	FUZZ_CHECK(bh_config_check_against_cells(cell, &sys->root_cell, NULL, 0, full,
						 sizeof(full)) == ret,
		   "against: verdict depends on the message buffer");
	FUZZ_CHECK(!ret == !full[0], "against: return %d with message \"%s\"", ret, full);
	if (err) {
		size_t n = strnlen(err, err_len);

		FUZZ_CHECK(n < err_len, "against: message overran its %zu-byte buffer", err_len);
		FUZZ_CHECK(!strncmp(err, full, n),
			   "against: short message \"%s\" is not a prefix of \"%s\"", err, full);
	}
	free(err);
	if (!ret && (cell->flags & BH_CELL_BOOT_DTB)) {
		const struct bh_mem_region *d = find_guest(cell, cell->boot_arg, 8);

		/* The device tree goes into the cell's own loadable RAM. */
		FUZZ_CHECK(!(cell->boot_arg & 7) && d && !(d->flags & BH_MEM_IO) &&
				   (d->flags & BH_MEM_LOADABLE),
			   "against: accepted a device tree at 0x%llx",
			   (unsigned long long)cell->boot_arg);
	} else if (!ret) {
		FUZZ_CHECK(!(cell->boot_arg & (PAGE - 1)), "against: accepted boot info at 0x%llx",
			   (unsigned long long)cell->boot_arg);
		for (i = 0; i < cell->num_mem_regions; i++)
			FUZZ_CHECK(!overlap_ref(cell->boot_arg, PAGE, r[i].virt_start, r[i].size),
				   "against: accepted boot info in region %u", i);
	}
	if (!ret) {
		FUZZ_CHECK(strncmp(cell->name, sys->root_cell.name, BH_CELL_NAME_LEN),
			   "against: accepted the root's name");
	}
	others[0] = cell;
	FUZZ_CHECK(bh_config_check_against_cells(cell, NULL, others, 1, NULL, 0) ==
			   BH_CONFIG_EEXIST,
		   "against: a cell beside itself is not refused by its name");
	/* Another name, the same (non-empty) harts. */
	twin = (struct bh_cell_desc *)copy_of((const uint8_t *)cell, cell_len, false, &twin_block);
	twin->name[0] = twin->name[0] == 'a' ? 'b' : 'a';
	others[0] = twin;
	ret = bh_config_check_against_cells(cell, NULL, others, 1, full, sizeof(full));
	FUZZ_CHECK(ret == BH_CONFIG_ECONFLICT && strstr(full, " belongs to cell '"),
		   "against: a renamed twin is not refused by a hart: %d \"%s\"", ret, full);
	free(twin_block);
}

/* bh_config_check_placement() against 128-bit arithmetic. */
static void check_placement(struct fuzz_in *in, size_t err_len)
{
	uint64_t start = fuzz_u64(in), size = fuzz_u64(in), image_end = fuzz_u64(in);
	uint64_t cfg = fuzz_u64(in), cfg_size = fuzz_u64(in);
	char *err = err_len ? malloc(err_len) : NULL;
	bool want = !wraps(start, size) && image_end >= start &&
		    (u128)image_end <= (u128)start + size && cfg >= image_end &&
		    contains_ref(start, size, cfg, cfg_size);
	int ret = bh_config_check_placement(start, size, image_end, cfg, cfg_size, err, err_len);

	FUZZ_CHECK(ret == (want ? 0 : BH_CONFIG_EINVAL),
		   "placement(region %#llx+%#llx, image end %#llx, config %#llx+%#llx) = %d",
		   (unsigned long long)start, (unsigned long long)size,
		   (unsigned long long)image_end, (unsigned long long)cfg,
		   (unsigned long long)cfg_size, ret);
	if (err)
		FUZZ_CHECK(strnlen(err, err_len) < err_len && (!ret || err_len < 2) == !err[0],
			   "placement: return %d with message \"%s\" in %zu bytes", ret, err,
			   err_len);
	free(err);
}

/* ---------------------------------------------------------------- a mutator that knows the format
 */

/*
 * Flipping a random bit of a 1 KiB config rarely lands on a field that matters, and almost every
 * byte-level edit breaks the length or a signature. Half the mutations are therefore done here:
 * one field of a system config, a cell description or a memory region (located from the input's
 * own mode and counts) gets a value typical for its kind; the other half are libFuzzer's own.
 */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

struct field {
	uint16_t off;
	uint8_t width;
};

/* struct bh_cell_desc, signature and revision left alone */
static const struct field cell_fields[] = {
	{ 12, 4 },  { 16, 1 },	{ 17, 1 },  { 20, 1 },	{ 47, 1 },  { 48, 8 },	{ 56, 4 },
	{ 60, 4 },  { 64, 8 },	{ 72, 8 },  { 80, 8 },	{ 120, 8 }, { 128, 4 }, { 132, 4 },
	{ 136, 8 }, { 144, 8 }, { 152, 8 }, { 160, 8 }, { 168, 8 }, { 200, 8 }, { 280, 8 },
};

/* struct bh_system_config before root_cell */
static const struct field system_fields[] = {
	{ 12, 4 },  { 16, 4 },	{ 20, 4 },  { 24, 8 },	{ 32, 8 },  { 40, 4 },
	{ 44, 4 },  { 48, 8 },	{ 56, 8 },  { 64, 8 },	{ 72, 8 },  { 80, 8 },
	{ 88, 4 },  { 92, 4 },	{ 96, 8 },  { 104, 8 }, { 136, 4 }, { 140, 4 },
	{ 144, 4 }, { 148, 4 }, { 160, 4 }, { 388, 4 }, { 392, 8 },
};

static uint64_t rnd(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static uint64_t load(const uint8_t *p, unsigned int width)
{
	uint64_t v = 0;

	memcpy(&v, p, width);
	return v;
}

static void store(uint8_t *p, unsigned int width, uint64_t v)
{
	memcpy(p, &v, width);
}

/* A new value for a field holding old; other is another field's value, for collisions. */
static uint64_t new_value(uint64_t *r, uint64_t old, uint64_t other, unsigned int width)
{
	static const uint64_t specials[] = {
		0,
		1,
		2,
		0x7f,
		0x80,
		0xff,
		0x1000,
		0xfff,
		0x200000,
		0xffffffff,
		0x100000000ull,
		BH_NO_CONTEXT,
		BH_MAX_IRQS,
		BH_MAX_PLIC_CONTEXTS,
		0x80000000ull,
		~0ull,
		~0ull << 12,
		1ull << 63,
	};
	uint64_t v;

	switch (rnd(r) % 8) {
	case 0:
		v = old ^ (1ull << (rnd(r) % (8 * width)));
		break;
	case 1:
		v = old + 0x1000;
		break;
	case 2:
		v = old - 0x1000;
		break;
	case 3:
		v = old + (rnd(r) % 16) - 8;
		break;
	case 4:
		v = other; /* make two ranges meet */
		break;
	case 5:
		v = other + (rnd(r) % 4) * 0x1000 - 0x1000;
		break;
	case 6:
		v = rnd(r);
		break;
	default:
		v = specials[rnd(r) % (sizeof(specials) / sizeof(specials[0]))];
		break;
	}
	return width == 8 ? v : v & ((1ull << (8 * width)) - 1);
}

/* Mutate one field of the cell description (and its regions) of len bytes at p. */
static void mutate_cell(uint64_t *r, uint8_t *p, size_t len)
{
	size_t nreg = len >= sizeof(struct bh_cell_desc)
			      ? (len - sizeof(struct bh_cell_desc)) / sizeof(struct bh_mem_region)
			      : 0;
	size_t nfields = sizeof(cell_fields) / sizeof(cell_fields[0]), off, other;
	unsigned int width;

	if (nreg && rnd(r) % 2) {
		size_t base = sizeof(struct bh_cell_desc), i = rnd(r) % nreg, j = rnd(r) % nreg;
		unsigned int k = rnd(r) % 4;

		off = base + i * sizeof(struct bh_mem_region) + 8 * k;
		other = base + j * sizeof(struct bh_mem_region) + 8 * (k == 3 ? 3 : rnd(r) % 3);
		width = 8;
	} else {
		const struct field *f = &cell_fields[rnd(r) % nfields];

		off = f->off;
		width = f->width;
		other = cell_fields[rnd(r) % nfields].off;
	}
	if (off + width > len || other + 8 > len)
		return;
	store(p + off, width, new_value(r, load(p + off, width), load(p + other, 8), width));
}

static void mutate_system(uint64_t *r, uint8_t *p, size_t len)
{
	size_t nfields = sizeof(system_fields) / sizeof(system_fields[0]);
	const struct field *f = &system_fields[rnd(r) % nfields];
	size_t root = __builtin_offsetof(struct bh_system_config, root_cell);

	if (len > root && rnd(r) % 2) {
		mutate_cell(r, p + root, len - root);
		return;
	}
	if (f->off + f->width > len)
		return;
	store(p + f->off, f->width,
	      new_value(r, load(p + f->off, f->width), load(p + system_fields[0].off, 8),
			f->width));
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	uint64_t r = seed | 1ull << 40;
	size_t sys_len;

	if (size < 3 || rnd(&r) % 2)
		return LLVMFuzzerMutate(data, size, max_size);
	switch (data[0] % 4) {
	case 0:
		mutate_system(&r, data + 2, size - 2);
		break;
	case 1:
		mutate_cell(&r, data + 2, size - 2);
		break;
	case 2:
		if (size < 4)
			break;
		sys_len = data[2] | (size_t)data[3] << 8;
		if (sys_len > size - 4)
			sys_len = size - 4;
		if (rnd(&r) % 2)
			mutate_system(&r, data + 4, sys_len);
		else
			mutate_cell(&r, data + 4 + sys_len, size - 4 - sys_len);
		break;
	default:
		if (size >= 2 + 40) {
			unsigned int i = rnd(&r) % 5, j = rnd(&r) % 5;

			store(data + 2 + 8 * i, 8,
			      new_value(&r, load(data + 2 + 8 * i, 8), load(data + 2 + 8 * j, 8),
					8));
		}
		break;
	}
	return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = fuzz_in(data, size);
	uint8_t mode = fuzz_u8(&in);
	size_t err_len = fuzz_u8(&in);
	bool misalign = mode & 0x80;
	uint8_t *sys_block, *cell_block;
	const uint8_t *sys, *cell;
	size_t sys_len, cell_len;

	switch (mode % 4) {
	case 0:
	case 1:
		if (run_check(mode % 4 ? cell_check : system_check, in.p, in.left, misalign,
			      err_len))
			return 0;
		/* Reading the struct needs alignment: check an exact-size copy. */
		cell = copy_of(in.p, in.left, false, &cell_block);
		if (mode % 4)
			check_cell((const void *)cell, false);
		else
			check_system((const void *)cell, in.left);
		free(cell_block);
		return 0;
	case 3:
		check_placement(&in, err_len);
		return 0;
	default:
		break;
	}
	sys_len = fuzz_u16(&in);
	if (sys_len > in.left)
		sys_len = in.left;
	sys = in.p;
	cell = in.p + sys_len;
	cell_len = in.left - sys_len;
	if (run_check(system_check, sys, sys_len, misalign, err_len) ||
	    run_check(cell_check, cell, cell_len, false, err_len))
		return 0;
	/* Exact-size copies, so that cell_fits reading past either shows. */
	sys = copy_of(sys, sys_len, false, &sys_block);
	cell = copy_of(cell, cell_len, false, &cell_block);
	check_system((const void *)sys, sys_len);
	check_cell((const void *)cell, false);
	if (!fits_check((const void *)sys, (const void *)cell, err_len)) {
		check_fits((const void *)sys, (const void *)cell);
		check_against((const void *)sys, (const void *)cell, cell_len, err_len);
	}
	free(sys_block);
	free(cell_block);
	return 0;
}
