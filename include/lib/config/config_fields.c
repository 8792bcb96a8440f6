// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Checks of the fields that system and cell configs both have. */
#include "config_internal.h"

static bool bytes_equal(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

int bh_check_buffer(struct bh_check *c, const void *buf)
{
	if (buf && !((uintptr_t)buf & 7))
		return 0;
	return bh_config_fail(c, BH_CONFIG_EBUFFER, "buffer at 0x%llx is not 8-byte aligned",
			      BH_ULL((uintptr_t)buf));
}

int bh_check_header_length(struct bh_check *c, size_t len, size_t header)
{
	if (len >= header)
		return 0;
	return bh_config_fail(c, BH_CONFIG_ESIZE,
			      "truncated: file is %llu bytes, the header alone is %llu",
			      BH_ULL(len), BH_ULL(header));
}

int bh_check_length(struct bh_check *c, size_t len, uint64_t expected)
{
	if (len == expected)
		return 0;
	if (len < expected)
		return bh_config_fail(c, BH_CONFIG_ESIZE,
				      "truncated: file is %llu bytes, header says %llu",
				      BH_ULL(len), BH_ULL(expected));
	return bh_config_fail(c, BH_CONFIG_ESIZE,
			      "%llu trailing bytes: file is %llu bytes, header says %llu",
			      BH_ULL(len - expected), BH_ULL(len), BH_ULL(expected));
}

int bh_check_signature(struct bh_check *c, const char *sig, const char *expected)
{
	struct bh_bytes_text got, want;

	if (bytes_equal(sig, expected, 8))
		return 0;
	return bh_config_fail(c, BH_CONFIG_EFORMAT, "bad signature %s (expected %s)",
			      bh_bytes_text(&got, sig, 8), bh_bytes_text(&want, expected, 8));
}

int bh_check_revision(struct bh_check *c, uint32_t revision)
{
	if (revision == BH_CONFIG_REVISION)
		return 0;
	return bh_config_fail(c, BH_CONFIG_EFORMAT, "revision %u not supported (expected %u)",
			      revision, BH_CONFIG_REVISION);
}

int bh_check_flags(struct bh_check *c, uint64_t flags, uint64_t valid)
{
	if (!(flags & ~valid))
		return 0;
	return bh_config_fail(c, BH_CONFIG_EINVAL, "unknown flags 0x%llx", BH_ULL(flags & ~valid));
}

/* offset is counted from the start of the structure that c->what names. */
int bh_check_reserved(struct bh_check *c, const void *field, size_t size, size_t offset)
{
	const unsigned char *p = field;
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i])
			return bh_config_fail(c, BH_CONFIG_EINVAL,
					      "reserved byte at offset 0x%llx is 0x%x, must be 0",
					      BH_ULL(offset + i), p[i]);
	return 0;
}

int bh_check_region_count(struct bh_check *c, uint32_t n)
{
	if (n <= BH_MAX_MEM_REGIONS)
		return 0;
	return bh_config_fail(c, BH_CONFIG_EINVAL, "%u memory regions (at most %u)", n,
			      BH_MAX_MEM_REGIONS);
}

/* A non-empty, 4 KiB aligned range that does not run past 2^64. */
int bh_check_window(struct bh_check *c, const char *label, uint64_t start, uint64_t size)
{
	struct bh_range_text t;

	if (!size)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "%s size is 0", label);
	if (!bh_page_aligned(start) || !bh_page_aligned(size))
		return bh_config_fail(c, BH_CONFIG_EINVAL, "%s %s is not 4 KiB aligned", label,
				      bh_range_text(&t, start, size));
	if (bh_range_wraps(start, size))
		return bh_config_fail(c, BH_CONFIG_EINVAL, "%s 0x%llx + 0x%llx wraps past 2^64",
				      label, BH_ULL(start), BH_ULL(size));
	return 0;
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
int bh_check_console(struct bh_check *c, const char *label, const struct bh_console *con)
{
	const char *type = console_type_name(con->type);
	uint64_t need;

	if (!type)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "%s: unknown type %u", label, con->type);
	if (con->reserved)
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "%s: reserved field is 0x%llx, must be 0", label,
				      BH_ULL(con->reserved));
	if (con->type != BH_CONSOLE_NS16550) {
		if (!con->address && !con->size && !con->reg_shift)
			return 0;
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "%s: type %s takes no address, size or reg_shift", label,
				      type);
	}
	if (con->reg_shift > BH_CONSOLE_MAX_REG_SHIFT)
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "%s: reg_shift %u too large (at most %u)", label,
				      con->reg_shift, BH_CONSOLE_MAX_REG_SHIFT);
	need = 8ULL << con->reg_shift;
	if (con->size < need)
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"%s: size 0x%llx too small for 8 registers with reg_shift %u (need 0x%llx)",
			label, BH_ULL(con->size), con->reg_shift, BH_ULL(need));
	if (con->address & ((1ULL << con->reg_shift) - 1))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "%s: address 0x%llx not aligned to its register spacing %llu",
				      label, BH_ULL(con->address), 1ULL << con->reg_shift);
	if (bh_range_wraps(con->address, con->size))
		return bh_config_fail(c, BH_CONFIG_EINVAL, "%s 0x%llx + 0x%llx wraps past 2^64",
				      label, BH_ULL(con->address), BH_ULL(con->size));
	return 0;
}
