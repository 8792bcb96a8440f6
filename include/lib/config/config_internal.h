/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the files of the config validator share and nobody else sees: the
 * check context, fail() and the text of ranges and raw bytes in messages.
 *
 * The validator (the .c files next to this header) is built unchanged into the Linux
 * module, the freestanding hypervisor and host programs; config_format.c
 * holds the one place where those three differ (which vsnprintf there is).
 */
#ifndef BULKHEAD_CONFIG_INTERNAL_H
#define BULKHEAD_CONFIG_INTERNAL_H

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>

/* UINT64_MAX, which the kernel's headers do not have. */
#define BH_ALL_ONES (~(uint64_t)0)

/* A number for a %llx or %llu: uint64_t is unsigned long on LP64 hosts, long long in Linux. */
#define BH_ULL(v) ((unsigned long long)(v))

struct bh_check {
	char *err;
	size_t err_len;	  /* 0: no message wanted */
	const char *what; /* "system config", "cell config", "root cell", "cell"; NULL: no prefix */
	const char *name; /* the cell's name once it is known to be valid */
	bool root;	  /* checking the root cell of a system config */
	/* Listing every problem: each message goes here, and the checks go on where they can. */
	bh_config_report_fn *report;
	void *report_ctx;
	int first; /* the first problem's code, 0 while none */
};

void bh_check_init(struct bh_check *c, char *err, size_t err_len, const char *what);

/*
 * After a check that returned ret: whether to stop. Without a report hook the
 * first problem ends the check (as every caller but hvctl config check
 * wants); with one, the checks go on to the next independent part.
 * c->first keeps the first problem's code either way.
 */
static inline bool bh_check_stop(struct bh_check *c, int ret)
{
	if (ret && !c->first)
		c->first = ret;
	return ret && !c->report;
}

/*
 * Writes "WHAT 'NAME': " (or "WHAT: " before the name is known, nothing without a WHAT) and the
 * formatted text into the caller's buffer, cut to fit and NUL-terminated.
 * Returns code, so that a check can end with return bh_config_fail(...).
 */
int bh_config_fail(struct bh_check *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "[0xSTART..0xEND)"; a range ending at 2^64 prints its end as 2^64. */
struct bh_range_text {
	char s[48];
};

const char *bh_range_text(struct bh_range_text *t, uint64_t start, uint64_t size);

/* Up to BH_CELL_NAME_LEN bytes as a quoted string, non-printable ones (and " \) as \xNN. */
struct bh_bytes_text {
	char s[4 * BH_CELL_NAME_LEN + 3];
};

const char *bh_bytes_text(struct bh_bytes_text *t, const char *bytes, size_t n);

/* Whether [start, start + size) ends beyond 2^64 - 1 (its end is not representable). */
static inline bool bh_range_wraps(uint64_t start, uint64_t size)
{
	return size > BH_ALL_ONES - start;
}

static inline bool bh_page_aligned(uint64_t v)
{
	return !(v & (BH_CONFIG_PAGE_SIZE - 1));
}

/* config_fields.c: checks of fields both system and cell configs have. */
int bh_check_buffer(struct bh_check *c, const void *buf);
int bh_check_header_length(struct bh_check *c, size_t len, size_t header);
int bh_check_length(struct bh_check *c, size_t len, uint64_t expected);
int bh_check_signature(struct bh_check *c, const char *sig, const char *expected);
int bh_check_revision(struct bh_check *c, uint32_t revision);
int bh_check_flags(struct bh_check *c, uint64_t flags, uint64_t valid);
int bh_check_reserved(struct bh_check *c, const void *field, size_t size, size_t offset);
int bh_check_region_count(struct bh_check *c, uint32_t n);
int bh_check_window(struct bh_check *c, const char *label, uint64_t start, uint64_t size);
int bh_check_console(struct bh_check *c, const char *label, const struct bh_console *con);

/* config_cell.c: what every cell description must satisfy on its own. */
int bh_check_link_count(struct bh_check *c, uint32_t n);
int bh_check_cell_links(struct bh_check *c, const struct bh_cell_desc *cell);
int bh_check_links_vs_system(struct bh_check *c, const struct bh_cell_desc *cell,
			     const struct bh_system_config *sys);
int bh_check_links_against_cells(struct bh_check *c, const struct bh_cell_desc *cell,
				 const struct bh_cell_desc *root,
				 const struct bh_cell_desc *const *others, unsigned int n);

int bh_check_cell_body(struct bh_check *c, const struct bh_cell_desc *cell);

/* config_fits.c: no region reaches the PLIC or the hypervisor; harts and lines exist. */
int bh_check_cell_vs_system(struct bh_check *c, const struct bh_cell_desc *cell,
			    const struct bh_system_config *sys);

#endif /* BULKHEAD_CONFIG_INTERNAL_H */
