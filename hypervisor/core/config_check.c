// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Validator of the Bulkhead configuration format. Built into the Linux
 * module, the freestanding hypervisor and host tools, so it uses no library
 * at all: messages come from the small formatter below.
 */
#include <bulkhead/config.h>
#include <bulkhead/config_check.h>

/* PLIC register layout (PLIC spec): where context c's threshold/claim page sits. */
#define PLIC_CONTEXT_BASE   0x200000ULL
#define PLIC_CONTEXT_STRIDE 0x1000ULL
#define PLIC_MAX_CONTEXTS   15872U

/* UINT64_MAX, which the kernel's headers do not have. */
#define ALL_ONES (~(uint64_t)0)

/* ------------------------------------------------------------ messages */

struct msg {
	char *buf;
	size_t cap;
	size_t pos;
};

static void msg_reset(struct msg *m)
{
	m->pos = 0;
	if (m->cap)
		m->buf[0] = '\0';
}

/* Keeps the text NUL-terminated after every character; drops what does not fit. */
static void msg_char(struct msg *m, char c)
{
	if (m->pos + 1 >= m->cap)
		return;
	m->buf[m->pos++] = c;
	m->buf[m->pos] = '\0';
}

static void msg_str(struct msg *m, const char *s)
{
	while (*s)
		msg_char(m, *s++);
}

static void msg_dec(struct msg *m, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		msg_char(m, digits[--n]);
}

static void msg_hex(struct msg *m, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 60;

	msg_str(m, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		msg_char(m, hex[(v >> shift) & 0xf]);
}

/* "[0xSTART..0xEND)"; a range ending at 2^64 prints its end as 2^64. */
static void msg_range(struct msg *m, uint64_t start, uint64_t size)
{
	msg_char(m, '[');
	msg_hex(m, start);
	msg_str(m, "..");
	if (size && start + size == 0)
		msg_str(m, "2^64");
	else
		msg_hex(m, start + size);
	msg_char(m, ')');
}

/* Bytes as a quoted string, non-printable ones as \xNN. */
static void msg_bytes(struct msg *m, const char *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	msg_char(m, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)bytes[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			msg_char(m, (char)c);
		} else {
			msg_str(m, "\\x");
			msg_char(m, hex[c >> 4]);
			msg_char(m, hex[c & 0xf]);
		}
	}
	msg_char(m, '"');
}

/* ------------------------------------------------------------ check context */

struct check {
	struct msg msg;
	const char *what; /* "system config", "cell config", "root cell", "cell" */
	const char *name; /* the cell's name once it is known to be valid */
	bool root;	  /* checking the root cell of a system config */
};

static void check_init(struct check *c, char *err, size_t err_len, const char *what)
{
	c->msg.buf = err;
	c->msg.cap = err ? err_len : 0;
	msg_reset(&c->msg);
	c->what = what;
	c->name = NULL;
	c->root = false;
}

/* Starts a message with the context prefix, e.g. "cell 'demo': ". */
static struct msg *fail(struct check *c)
{
	struct msg *m = &c->msg;

	msg_reset(m);
	msg_str(m, c->what);
	if (c->name) {
		msg_str(m, " '");
		msg_str(m, c->name);
		msg_char(m, '\'');
	}
	msg_str(m, ": ");
	return m;
}

static struct msg *fail_region(struct check *c, uint32_t index)
{
	struct msg *m = fail(c);

	msg_str(m, "memory region ");
	msg_dec(m, index);
	return m;
}

/* ------------------------------------------------------------ ranges */

/* Last byte of a non-empty range, clipped at 2^64 - 1. */
static uint64_t range_last(uint64_t start, uint64_t size)
{
	if (size - 1 > ALL_ONES - start)
		return ALL_ONES;
	return start + (size - 1);
}

/* Whether [start, start + size) ends beyond 2^64 - 1 (its end is not representable). */
static bool range_wraps(uint64_t start, uint64_t size)
{
	return size > ALL_ONES - start;
}

bool bh_config_ranges_overlap(uint64_t a_start, uint64_t a_size, uint64_t b_start, uint64_t b_size)
{
	if (!a_size || !b_size)
		return false;
	return a_start <= range_last(b_start, b_size) && b_start <= range_last(a_start, a_size);
}

bool bh_config_range_contains(uint64_t outer_start, uint64_t outer_size, uint64_t start,
			      uint64_t size)
{
	if (!size || !outer_size || range_wraps(start, size) ||
	    range_wraps(outer_start, outer_size))
		return false;
	return start >= outer_start && start + size <= outer_start + outer_size;
}

const struct bh_mem_region *bh_config_region_by_phys(const struct bh_cell_desc *cell, uint64_t phys,
						     uint64_t size)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++)
		if (bh_config_range_contains(r[i].phys_start, r[i].size, phys, size))
			return &r[i];
	return NULL;
}

const struct bh_mem_region *bh_config_region_by_guest(const struct bh_cell_desc *cell, uint64_t gpa,
						      uint64_t size)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++)
		if (bh_config_range_contains(r[i].virt_start, r[i].size, gpa, size))
			return &r[i];
	return NULL;
}

static bool page_aligned(uint64_t v)
{
	return !(v & (BH_CONFIG_PAGE_SIZE - 1));
}

/* ------------------------------------------------------------ shared field checks */

static bool bytes_equal(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static int check_signature(struct check *c, const char *sig, const char *expected)
{
	struct msg *m;

	if (bytes_equal(sig, expected, 8))
		return 0;
	m = fail(c);
	msg_str(m, "bad signature ");
	msg_bytes(m, sig, 8);
	msg_str(m, " (expected ");
	msg_bytes(m, expected, 8);
	msg_char(m, ')');
	return BH_CONFIG_EFORMAT;
}

static int check_revision(struct check *c, uint32_t revision)
{
	struct msg *m;

	if (revision == BH_CONFIG_REVISION)
		return 0;
	m = fail(c);
	msg_str(m, "revision ");
	msg_dec(m, revision);
	msg_str(m, " not supported (expected ");
	msg_dec(m, BH_CONFIG_REVISION);
	msg_char(m, ')');
	return BH_CONFIG_EFORMAT;
}

static int check_flags(struct check *c, uint64_t flags, uint64_t valid)
{
	struct msg *m;

	if (!(flags & ~valid))
		return 0;
	m = fail(c);
	msg_str(m, "unknown flags ");
	msg_hex(m, flags & ~valid);
	return BH_CONFIG_EINVAL;
}

/* offset is counted from the start of the structure that c->what names. */
static int check_reserved(struct check *c, const void *field, size_t size, size_t offset)
{
	const unsigned char *p = field;
	struct msg *m;
	size_t i;

	for (i = 0; i < size; i++) {
		if (!p[i])
			continue;
		m = fail(c);
		msg_str(m, "reserved byte at offset ");
		msg_hex(m, offset + i);
		msg_str(m, " is ");
		msg_hex(m, p[i]);
		msg_str(m, ", must be 0");
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

static int check_length(struct check *c, size_t len, uint64_t expected)
{
	struct msg *m;

	if (len == expected)
		return 0;
	m = fail(c);
	if (len < expected) {
		msg_str(m, "truncated: file is ");
		msg_dec(m, len);
	} else {
		msg_dec(m, len - expected);
		msg_str(m, " trailing bytes: file is ");
		msg_dec(m, len);
	}
	msg_str(m, " bytes, header says ");
	msg_dec(m, expected);
	return BH_CONFIG_ESIZE;
}

static int check_header_length(struct check *c, size_t len, size_t header)
{
	struct msg *m;

	if (len >= header)
		return 0;
	m = fail(c);
	msg_str(m, "truncated: file is ");
	msg_dec(m, len);
	msg_str(m, " bytes, the header alone is ");
	msg_dec(m, header);
	return BH_CONFIG_ESIZE;
}

static int check_buffer(struct check *c, const void *buf)
{
	struct msg *m;

	if (buf && !((uintptr_t)buf & 7))
		return 0;
	m = fail(c);
	msg_str(m, "buffer at ");
	msg_hex(m, (uintptr_t)buf);
	msg_str(m, " is not 8-byte aligned");
	return BH_CONFIG_EBUFFER;
}

static int check_region_count(struct check *c, uint32_t n)
{
	struct msg *m;

	if (n <= BH_MAX_MEM_REGIONS)
		return 0;
	m = fail(c);
	msg_dec(m, n);
	msg_str(m, " memory regions (at most ");
	msg_dec(m, BH_MAX_MEM_REGIONS);
	msg_char(m, ')');
	return BH_CONFIG_EINVAL;
}

/* A non-empty, 4 KiB aligned range that does not run past 2^64. */
static int check_window(struct check *c, const char *label, uint64_t start, uint64_t size)
{
	struct msg *m;

	if (!size) {
		m = fail(c);
		msg_str(m, label);
		msg_str(m, " size is 0");
		return BH_CONFIG_EINVAL;
	}
	if (!page_aligned(start) || !page_aligned(size)) {
		m = fail(c);
		msg_str(m, label);
		msg_char(m, ' ');
		msg_range(m, start, size);
		msg_str(m, " is not 4 KiB aligned");
		return BH_CONFIG_EINVAL;
	}
	if (range_wraps(start, size)) {
		m = fail(c);
		msg_str(m, label);
		msg_char(m, ' ');
		msg_hex(m, start);
		msg_str(m, " + ");
		msg_hex(m, size);
		msg_str(m, " wraps past 2^64");
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

static int fail_overlap(struct check *c, const char *a, uint64_t a_start, uint64_t a_size,
			const char *b, uint64_t b_start, uint64_t b_size)
{
	struct msg *m = fail(c);

	msg_str(m, a);
	msg_char(m, ' ');
	msg_range(m, a_start, a_size);
	msg_str(m, " overlaps ");
	msg_str(m, b);
	msg_char(m, ' ');
	msg_range(m, b_start, b_size);
	return BH_CONFIG_ECONFLICT;
}

static const char *console_type_name(uint32_t type)
{
	switch (type) {
	case BH_CONSOLE_NONE:
		return "none";
	case BH_CONSOLE_NS16550:
		return "ns16550";
	case BH_CONSOLE_SBI:
		return "sbi";
	default:
		return NULL;
	}
}

/* The console on its own; where an NS16550 may sit is checked by the callers. */
static int check_console(struct check *c, const char *label, const struct bh_console *con)
{
	const char *type = console_type_name(con->type);
	struct msg *m;
	uint64_t need;

	if (!type) {
		m = fail(c);
		msg_str(m, label);
		msg_str(m, ": unknown type ");
		msg_dec(m, con->type);
		return BH_CONFIG_EINVAL;
	}
	if (con->reserved) {
		m = fail(c);
		msg_str(m, label);
		msg_str(m, ": reserved field is ");
		msg_hex(m, con->reserved);
		msg_str(m, ", must be 0");
		return BH_CONFIG_EINVAL;
	}
	if (con->type != BH_CONSOLE_NS16550) {
		if (!con->address && !con->size && !con->reg_shift)
			return 0;
		m = fail(c);
		msg_str(m, label);
		msg_str(m, ": type ");
		msg_str(m, type);
		msg_str(m, " takes no address, size or reg_shift");
		return BH_CONFIG_EINVAL;
	}
	if (con->reg_shift > BH_CONSOLE_MAX_REG_SHIFT) {
		m = fail(c);
		msg_str(m, label);
		msg_str(m, ": reg_shift ");
		msg_dec(m, con->reg_shift);
		msg_str(m, " too large (at most ");
		msg_dec(m, BH_CONSOLE_MAX_REG_SHIFT);
		msg_char(m, ')');
		return BH_CONFIG_EINVAL;
	}
	need = 8ULL << con->reg_shift;
	if (con->size < need) {
		m = fail(c);
		msg_str(m, label);
		msg_str(m, ": size ");
		msg_hex(m, con->size);
		msg_str(m, " too small for 8 registers with reg_shift ");
		msg_dec(m, con->reg_shift);
		msg_str(m, " (need ");
		msg_hex(m, need);
		msg_char(m, ')');
		return BH_CONFIG_EINVAL;
	}
	if (con->address & ((1ULL << con->reg_shift) - 1)) {
		m = fail(c);
		msg_str(m, label);
		msg_str(m, ": address ");
		msg_hex(m, con->address);
		msg_str(m, " not aligned to its register spacing ");
		msg_dec(m, 1ULL << con->reg_shift);
		return BH_CONFIG_EINVAL;
	}
	if (range_wraps(con->address, con->size)) {
		m = fail(c);
		msg_str(m, label);
		msg_char(m, ' ');
		msg_hex(m, con->address);
		msg_str(m, " + ");
		msg_hex(m, con->size);
		msg_str(m, " wraps past 2^64");
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------ cells */

/* On success the name becomes part of every later message's prefix. */
static int check_name(struct check *c, const struct bh_cell_desc *cell)
{
	const char *name = cell->name;
	struct msg *m;
	size_t len = 0, i;

	while (len < BH_CELL_NAME_LEN && name[len])
		len++;
	if (len == BH_CELL_NAME_LEN) {
		m = fail(c);
		msg_str(m, "name ");
		msg_bytes(m, name, BH_CELL_NAME_LEN);
		msg_str(m, " is not NUL-terminated within ");
		msg_dec(m, BH_CELL_NAME_LEN);
		msg_str(m, " bytes");
		return BH_CONFIG_EINVAL;
	}
	if (!len) {
		msg_str(fail(c), "name is empty");
		return BH_CONFIG_EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\'')
			continue;
		m = fail(c);
		msg_str(m, "name ");
		msg_bytes(m, name, len);
		msg_str(m, " has byte ");
		msg_hex(m, ch);
		msg_str(m, " at offset ");
		msg_dec(m, i);
		msg_str(m, " (printable ASCII other than ' only)");
		return BH_CONFIG_EINVAL;
	}
	for (i = len; i < BH_CELL_NAME_LEN; i++) {
		if (!name[i])
			continue;
		m = fail(c);
		msg_str(m, "name ");
		msg_bytes(m, name, len);
		msg_str(m, " has padding byte ");
		msg_hex(m, (unsigned char)name[i]);
		msg_str(m, " at offset ");
		msg_dec(m, i);
		msg_str(m, " after its NUL, must be 0");
		return BH_CONFIG_EINVAL;
	}
	c->name = name;
	return 0;
}

static int check_region(struct check *c, const struct bh_mem_region *r, uint32_t i)
{
	const uint64_t rwx = BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE;
	struct msg *m;

	if (r->flags & ~BH_MEM_FLAGS_VALID) {
		m = fail_region(c, i);
		msg_str(m, ": unknown flags ");
		msg_hex(m, r->flags & ~BH_MEM_FLAGS_VALID);
		return BH_CONFIG_EINVAL;
	}
	if (!(r->flags & rwx)) {
		m = fail_region(c, i);
		msg_str(m, ": grants no access (none of READ, WRITE, EXECUTE)");
		return BH_CONFIG_EINVAL;
	}
	if ((r->flags & BH_MEM_WRITE) && !(r->flags & BH_MEM_READ)) {
		/* The G-stage page-table format reserves W without R. */
		msg_str(fail_region(c, i), ": writable but not readable");
		return BH_CONFIG_EINVAL;
	}
	if ((r->flags & BH_MEM_IO) && (r->flags & BH_MEM_EXECUTE)) {
		msg_str(fail_region(c, i), ": IO region must not be executable");
		return BH_CONFIG_EINVAL;
	}
	if ((r->flags & BH_MEM_IO) && (r->flags & BH_MEM_LOADABLE)) {
		msg_str(fail_region(c, i), ": IO region cannot be LOADABLE");
		return BH_CONFIG_EINVAL;
	}
	if (!r->size) {
		msg_str(fail_region(c, i), ": size is 0");
		return BH_CONFIG_EINVAL;
	}
	if (!page_aligned(r->phys_start) || !page_aligned(r->virt_start) ||
	    !page_aligned(r->size)) {
		m = fail_region(c, i);
		if (!page_aligned(r->phys_start)) {
			msg_str(m, ": phys_start ");
			msg_hex(m, r->phys_start);
		} else if (!page_aligned(r->virt_start)) {
			msg_str(m, ": virt_start ");
			msg_hex(m, r->virt_start);
		} else {
			msg_str(m, ": size ");
			msg_hex(m, r->size);
		}
		msg_str(m, " is not 4 KiB aligned");
		return BH_CONFIG_EINVAL;
	}
	if (range_wraps(r->phys_start, r->size) || range_wraps(r->virt_start, r->size)) {
		bool phys = range_wraps(r->phys_start, r->size);

		m = fail_region(c, i);
		msg_str(m, phys ? ": physical range " : ": guest-physical range ");
		msg_hex(m, phys ? r->phys_start : r->virt_start);
		msg_str(m, " + ");
		msg_hex(m, r->size);
		msg_str(m, " wraps past 2^64");
		return BH_CONFIG_EINVAL;
	}
	if (c->root && r->virt_start != r->phys_start) {
		m = fail_region(c, i);
		msg_str(m, ": virt_start ");
		msg_hex(m, r->virt_start);
		msg_str(m, " differs from phys_start ");
		msg_hex(m, r->phys_start);
		msg_str(m, " (the root cell is identity-mapped)");
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

static int check_region_overlaps(struct check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i, j;
	struct msg *m;

	for (i = 1; i < cell->num_mem_regions; i++) {
		for (j = 0; j < i; j++) {
			bool phys = bh_config_ranges_overlap(r[i].phys_start, r[i].size,
							     r[j].phys_start, r[j].size);
			bool guest = bh_config_ranges_overlap(r[i].virt_start, r[i].size,
							      r[j].virt_start, r[j].size);

			if (!phys && !guest)
				continue;
			m = fail_region(c, i);
			msg_str(m, phys ? " physical " : " guest-physical ");
			msg_range(m, phys ? r[i].phys_start : r[i].virt_start, r[i].size);
			msg_str(m, " overlaps region ");
			msg_dec(m, j);
			msg_char(m, ' ');
			msg_range(m, phys ? r[j].phys_start : r[j].virt_start, r[j].size);
			return BH_CONFIG_ECONFLICT;
		}
	}
	return 0;
}

static int check_cell_reserved(struct check *c, const struct bh_cell_desc *cell)
{
	int ret;

	ret = check_reserved(c, &cell->reserved0, sizeof(cell->reserved0),
			     __builtin_offsetof(struct bh_cell_desc, reserved0));
	if (ret)
		return ret;
	return check_reserved(c, cell->reserved1, sizeof(cell->reserved1),
			      __builtin_offsetof(struct bh_cell_desc, reserved1));
}

/* An NS16550 console of a cell is a device the cell drives: it must be mapped as IO. */
static int check_cell_console(struct check *c, const struct bh_cell_desc *cell)
{
	const struct bh_console *con = &cell->console;
	const struct bh_mem_region *r;
	struct msg *m;
	int ret;

	ret = check_console(c, "console", con);
	if (ret || con->type != BH_CONSOLE_NS16550)
		return ret;
	r = bh_config_region_by_guest(cell, con->address, con->size);
	if (r && (r->flags & BH_MEM_IO) && (r->flags & BH_MEM_WRITE))
		return 0;
	m = fail(c);
	msg_str(m, "console ");
	msg_range(m, con->address, con->size);
	msg_str(m, " is not inside one of the cell's writable IO regions");
	return BH_CONFIG_EINVAL;
}

static int check_entry(struct check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r;
	struct msg *m;

	if (c->root) {
		if (!cell->entry && !cell->boot_arg)
			return 0;
		m = fail(c);
		msg_str(m, "entry ");
		msg_hex(m, cell->entry);
		msg_str(m, " and boot_arg ");
		msg_hex(m, cell->boot_arg);
		msg_str(m, " must be 0 (the root cell is already running)");
		return BH_CONFIG_EINVAL;
	}
	if (cell->entry & 1) {
		m = fail(c);
		msg_str(m, "entry ");
		msg_hex(m, cell->entry);
		msg_str(m, " is not 2-byte aligned");
		return BH_CONFIG_EINVAL;
	}
	r = bh_config_region_by_guest(cell, cell->entry, 2);
	if (r && (r->flags & BH_MEM_EXECUTE) && !(r->flags & BH_MEM_IO))
		return 0;
	m = fail(c);
	msg_str(m, "entry ");
	msg_hex(m, cell->entry);
	msg_str(m, " is not inside an executable RAM region");
	return BH_CONFIG_EINVAL;
}

/* What every cell description must satisfy on its own. */
static int check_cell_body(struct check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;
	int ret;

	ret = check_name(c, cell);
	if (ret)
		return ret;
	ret = check_flags(c, cell->flags, BH_CELL_FLAGS_VALID);
	if (ret)
		return ret;
	ret = check_cell_reserved(c, cell);
	if (ret)
		return ret;
	if (!cell->cpu_set) {
		msg_str(fail(c), "CPU set is empty");
		return BH_CONFIG_EINVAL;
	}
	if (cell->irq_bitmap[0] & 1) {
		msg_str(fail(c), "PLIC line 0 does not exist and cannot be assigned");
		return BH_CONFIG_EINVAL;
	}
	for (i = 0; i < cell->num_mem_regions; i++) {
		ret = check_region(c, &r[i], i);
		if (ret)
			return ret;
	}
	ret = check_region_overlaps(c, cell);
	if (ret)
		return ret;
	ret = check_cell_console(c, cell);
	if (ret)
		return ret;
	return check_entry(c, cell);
}

/* The cell's harts and PLIC lines exist in the system config's platform. */
static int check_cell_platform(struct check *c, const struct bh_cell_desc *cell,
			       const struct bh_platform_info *plat)
{
	struct msg *m;
	uint32_t h, line;

	for (h = 0; h < BH_MAX_HARTS; h++) {
		if (!bh_config_cpu_set_has(cell->cpu_set, h) ||
		    plat->hart_plic_context[h] != BH_NO_CONTEXT)
			continue;
		m = fail(c);
		msg_str(m, "hart ");
		msg_dec(m, h);
		msg_str(m, " has no PLIC context in the system config");
		return BH_CONFIG_EINVAL;
	}
	for (line = plat->plic_num_sources; line < BH_MAX_IRQS; line++) {
		if (!bh_config_irq_owned(cell, line))
			continue;
		m = fail(c);
		msg_str(m, "PLIC line ");
		msg_dec(m, line);
		msg_str(m, " out of range (the PLIC has lines 1..");
		msg_dec(m, plat->plic_num_sources - 1);
		msg_char(m, ')');
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

/* No region of the cell reaches the PLIC or the hypervisor's memory. */
static int check_cell_vs_system(struct check *c, const struct bh_cell_desc *cell,
				const struct bh_system_config *sys)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	const struct bh_platform_info *plat = &sys->platform;
	struct msg *m;
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++) {
		if (bh_config_ranges_overlap(r[i].phys_start, r[i].size, hv->phys_start,
					     hv->size)) {
			m = fail_region(c, i);
			msg_char(m, ' ');
			msg_range(m, r[i].phys_start, r[i].size);
			msg_str(m, " overlaps hypervisor memory ");
			msg_range(m, hv->phys_start, hv->size);
			return BH_CONFIG_ECONFLICT;
		}
		if (bh_config_ranges_overlap(r[i].phys_start, r[i].size, plat->plic_base,
					     plat->plic_size)) {
			m = fail_region(c, i);
			msg_char(m, ' ');
			msg_range(m, r[i].phys_start, r[i].size);
			msg_str(m, " maps the PLIC window ");
			msg_range(m, plat->plic_base, plat->plic_size);
			msg_str(m, " (the hypervisor emulates the PLIC)");
			return BH_CONFIG_ECONFLICT;
		}
	}
	return check_cell_platform(c, cell, plat);
}

/* ------------------------------------------------------------ system */

static int check_hart_contexts(struct check *c, const struct bh_platform_info *plat)
{
	struct msg *m;
	uint32_t h, other;

	for (h = 0; h < BH_MAX_HARTS; h++) {
		uint32_t ctx = plat->hart_plic_context[h];
		uint64_t need;

		if (ctx == BH_NO_CONTEXT)
			continue;
		if (ctx >= PLIC_MAX_CONTEXTS) {
			m = fail(c);
			msg_str(m, "hart ");
			msg_dec(m, h);
			msg_str(m, ": PLIC context ");
			msg_dec(m, ctx);
			msg_str(m, " out of range (a PLIC has at most ");
			msg_dec(m, PLIC_MAX_CONTEXTS);
			msg_str(m, " contexts)");
			return BH_CONFIG_EINVAL;
		}
		need = PLIC_CONTEXT_BASE + ((uint64_t)ctx + 1) * PLIC_CONTEXT_STRIDE;
		if (need > plat->plic_size) {
			m = fail(c);
			msg_str(m, "hart ");
			msg_dec(m, h);
			msg_str(m, ": PLIC context ");
			msg_dec(m, ctx);
			msg_str(m, " lies beyond the PLIC window (needs ");
			msg_hex(m, need);
			msg_str(m, " bytes, window is ");
			msg_hex(m, plat->plic_size);
			msg_char(m, ')');
			return BH_CONFIG_EINVAL;
		}
		/* Silently unrouted otherwise: the vPLIC has no room for it. */
		if (ctx >= BH_MAX_PLIC_CONTEXTS) {
			m = fail(c);
			msg_str(m, "hart ");
			msg_dec(m, h);
			msg_str(m, ": PLIC context ");
			msg_dec(m, ctx);
			msg_str(m, " is beyond the ");
			msg_dec(m, BH_MAX_PLIC_CONTEXTS);
			msg_str(m, " contexts Bulkhead supports");
			return BH_CONFIG_EINVAL;
		}
		for (other = 0; other < h; other++) {
			if (plat->hart_plic_context[other] != ctx)
				continue;
			m = fail(c);
			msg_str(m, "harts ");
			msg_dec(m, other);
			msg_str(m, " and ");
			msg_dec(m, h);
			msg_str(m, " share PLIC context ");
			msg_dec(m, ctx);
			return BH_CONFIG_ECONFLICT;
		}
	}
	return 0;
}

static int check_platform(struct check *c, const struct bh_system_config *sys)
{
	const struct bh_platform_info *plat = &sys->platform;
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	struct msg *m;
	int ret;

	ret = check_window(c, "PLIC window", plat->plic_base, plat->plic_size);
	if (ret)
		return ret;
	if (bh_config_ranges_overlap(plat->plic_base, plat->plic_size, hv->phys_start, hv->size))
		return fail_overlap(c, "PLIC window", plat->plic_base, plat->plic_size,
				    "hypervisor memory", hv->phys_start, hv->size);
	if (plat->plic_num_sources < 2 || plat->plic_num_sources > BH_MAX_IRQS) {
		m = fail(c);
		msg_str(m, "PLIC source count ");
		msg_dec(m, plat->plic_num_sources);
		msg_str(m, " out of range (2..");
		msg_dec(m, BH_MAX_IRQS);
		msg_str(m, ", counting source 0)");
		return BH_CONFIG_EINVAL;
	}
	if (!plat->timebase_frequency) {
		msg_str(fail(c), "timebase frequency is 0");
		return BH_CONFIG_EINVAL;
	}
	ret = check_reserved(c, &plat->reserved0, sizeof(plat->reserved0),
			     __builtin_offsetof(struct bh_system_config, platform.reserved0));
	if (ret)
		return ret;
	ret = check_reserved(c, plat->reserved1, sizeof(plat->reserved1),
			     __builtin_offsetof(struct bh_system_config, platform.reserved1));
	if (ret)
		return ret;
	return check_hart_contexts(c, plat);
}

static int check_debug_console(struct check *c, const struct bh_system_config *sys)
{
	const struct bh_console *con = &sys->debug_console;
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	const struct bh_platform_info *plat = &sys->platform;
	int ret;

	ret = check_console(c, "debug console", con);
	if (ret || con->type != BH_CONSOLE_NS16550)
		return ret;
	if (bh_config_ranges_overlap(con->address, con->size, hv->phys_start, hv->size))
		return fail_overlap(c, "debug console", con->address, con->size,
				    "hypervisor memory", hv->phys_start, hv->size);
	if (bh_config_ranges_overlap(con->address, con->size, plat->plic_base, plat->plic_size))
		return fail_overlap(c, "debug console", con->address, con->size, "PLIC window",
				    plat->plic_base, plat->plic_size);
	return 0;
}

static int check_system_fields(struct check *c, const struct bh_system_config *sys)
{
	int ret;

	ret = check_flags(c, sys->flags, BH_SYS_FLAGS_VALID);
	if (ret)
		return ret;
	ret = check_reserved(c, &sys->reserved0, sizeof(sys->reserved0),
			     __builtin_offsetof(struct bh_system_config, reserved0));
	if (ret)
		return ret;
	ret = check_reserved(c, sys->reserved1, sizeof(sys->reserved1),
			     __builtin_offsetof(struct bh_system_config, reserved1));
	if (ret)
		return ret;
	ret = check_window(c, "hypervisor memory", sys->hypervisor_memory.phys_start,
			   sys->hypervisor_memory.size);
	if (ret)
		return ret;
	ret = check_platform(c, sys);
	if (ret)
		return ret;
	return check_debug_console(c, sys);
}

int bh_config_check_placement(uint64_t region_start, uint64_t region_size, uint64_t image_end,
			      uint64_t config_phys, uint64_t config_size, char *err,
			      size_t err_len)
{
	struct check c;
	struct msg *m;

	check_init(&c, err, err_len, "system config");
	if (range_wraps(region_start, region_size) || image_end < region_start ||
	    image_end > region_start + region_size || config_phys < image_end ||
	    !bh_config_range_contains(region_start, region_size, config_phys, config_size)) {
		m = fail(&c);
		msg_str(m, "at ");
		msg_range(m, config_phys, config_size);
		msg_str(m, ", not between the hypervisor image's end ");
		msg_hex(m, image_end);
		msg_str(m, " and the end of its region ");
		msg_range(m, region_start, region_size);
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

int bh_config_check_system(const void *buf, size_t len, char *err, size_t err_len)
{
	const struct bh_system_config *sys = buf;
	const struct bh_cell_desc *root;
	struct check c;
	int ret;

	check_init(&c, err, err_len, "system config");
	ret = check_buffer(&c, buf);
	if (ret)
		return ret;
	ret = check_header_length(&c, len, sizeof(*sys));
	if (ret)
		return ret;
	ret = check_signature(&c, sys->signature, (const char[8])BH_SYSTEM_SIGNATURE_INIT);
	if (ret)
		return ret;
	ret = check_revision(&c, sys->revision);
	if (ret)
		return ret;
	if (sys->architecture != BH_ARCH_RISCV64) {
		struct msg *m = fail(&c);

		msg_str(m, "architecture ");
		msg_dec(m, sys->architecture);
		msg_str(m, " not supported (expected ");
		msg_dec(m, BH_ARCH_RISCV64);
		msg_str(m, " = riscv64)");
		return BH_CONFIG_EFORMAT;
	}

	root = &sys->root_cell;
	c.what = "system config: root cell";
	ret = check_signature(&c, root->signature, (const char[8])BH_CELL_SIGNATURE_INIT);
	if (ret)
		return ret;
	ret = check_revision(&c, root->revision);
	if (ret)
		return ret;
	ret = check_region_count(&c, root->num_mem_regions);
	if (ret)
		return ret;

	c.what = "system config";
	ret = check_length(&c, len, bh_config_system_size(sys));
	if (ret)
		return ret;
	ret = check_system_fields(&c, sys);
	if (ret)
		return ret;

	c.what = "root cell";
	c.root = true;
	ret = check_cell_body(&c, root);
	if (ret)
		return ret;
	return check_cell_vs_system(&c, root, sys);
}

int bh_config_check_cell(const void *buf, size_t len, char *err, size_t err_len)
{
	const struct bh_cell_desc *cell = buf;
	struct check c;
	int ret;

	check_init(&c, err, err_len, "cell config");
	ret = check_buffer(&c, buf);
	if (ret)
		return ret;
	ret = check_header_length(&c, len, sizeof(*cell));
	if (ret)
		return ret;
	ret = check_signature(&c, cell->signature, (const char[8])BH_CELL_SIGNATURE_INIT);
	if (ret)
		return ret;
	ret = check_revision(&c, cell->revision);
	if (ret)
		return ret;
	ret = check_region_count(&c, cell->num_mem_regions);
	if (ret)
		return ret;
	ret = check_length(&c, len, bh_config_cell_size(cell));
	if (ret)
		return ret;

	c.what = "cell";
	return check_cell_body(&c, cell);
}

/*
 * Each cell region sits inside one root region of the same kind; RAM only in
 * the root's loadable pool, never in the RAM the root kernel runs in.
 */
static int check_cell_regions_in_root(struct check *c, const struct bh_cell_desc *cell,
				      const struct bh_cell_desc *root)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_mem_region *outer;
	struct msg *m;
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++) {
		bool io = r[i].flags & BH_MEM_IO;

		outer = bh_config_region_by_phys(root, r[i].phys_start, r[i].size);
		if (outer && !io && !(outer->flags & BH_MEM_IO) && !(outer->flags & BH_MEM_LOADABLE)) {
			m = fail_region(c, i);
			msg_char(m, ' ');
			msg_range(m, r[i].phys_start, r[i].size);
			msg_str(m, " is in the root kernel's RAM, not in a root region cells are "
				   "carved from (RAM with BH_MEM_LOADABLE)");
			return BH_CONFIG_EINVAL;
		}
		if (outer && !(outer->flags & BH_MEM_IO) == !io)
			continue;
		m = fail_region(c, i);
		msg_char(m, ' ');
		msg_range(m, r[i].phys_start, r[i].size);
		msg_str(m, io ? " is not inside a root IO region"
			      : " is not inside a root RAM region");
		return BH_CONFIG_EINVAL;
	}
	return 0;
}

int bh_config_check_cell_fits(const struct bh_system_config *sys, const struct bh_cell_desc *cell,
			      char *err, size_t err_len)
{
	const struct bh_cell_desc *root = &sys->root_cell;
	struct check c;
	struct msg *m;
	uint32_t h, line;
	int ret;

	check_init(&c, err, err_len, "cell");
	c.name = cell->name;
	for (h = 0; h < BH_MAX_HARTS; h++) {
		if (!bh_config_cpu_set_has(cell->cpu_set, h) ||
		    bh_config_cpu_set_has(root->cpu_set, h))
			continue;
		m = fail(&c);
		msg_str(m, "hart ");
		msg_dec(m, h);
		msg_str(m, " is not in the root cell's CPU set");
		return BH_CONFIG_EINVAL;
	}
	ret = check_cell_vs_system(&c, cell, sys);
	if (ret)
		return ret;
	for (line = 1; line < BH_MAX_IRQS; line++) {
		if (!bh_config_irq_owned(cell, line) || bh_config_irq_owned(root, line))
			continue;
		m = fail(&c);
		msg_str(m, "PLIC line ");
		msg_dec(m, line);
		msg_str(m, " is not owned by the root cell");
		return BH_CONFIG_EINVAL;
	}
	return check_cell_regions_in_root(&c, cell, root);
}
