// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Checks and questions on the boot info page. */
#include <stddef.h>

#include "boot.h"
#include "layout.h"
#include "printf.h"

_Static_assert(offsetof(struct bh_boot_info, cpu_set) == BOOT_INFO_CPU_SET,
	       "entry.S reads cpu_set at BOOT_INFO_CPU_SET");

static const char boot_info_magic[8] = BH_BOOT_INFO_MAGIC_INIT;

static unsigned int popcount64(uint64_t v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

unsigned int boot_info_hart_index(const struct bh_boot_info *bi, unsigned long hart)
{
	uint64_t below = hart >= 64 ? ~0ULL : (1ULL << hart) - 1;

	return popcount64(bi->cpu_set & below);
}

unsigned int boot_info_num_harts(const struct bh_boot_info *bi)
{
	return popcount64(bi->cpu_set);
}

bool boot_info_owns_line(const struct bh_boot_info *bi, uint32_t line)
{
	return line < BH_MAX_IRQS && ((bi->irq_bitmap[line / 64] >> (line % 64)) & 1);
}

static bool magic_ok(const struct bh_boot_info *bi)
{
	unsigned int i;

	for (i = 0; i < sizeof(boot_info_magic); i++)
		if (bi->magic[i] != boot_info_magic[i])
			return false;
	return true;
}

static bool name_terminated(const struct bh_boot_info *bi)
{
	unsigned int i;

	for (i = 0; i < BH_CELL_NAME_LEN; i++)
		if (!bi->name[i])
			return true;
	return false;
}

int boot_info_check(const struct bh_boot_info *bi, unsigned long hart)
{
	const unsigned char *m = (const unsigned char *)bi;

	if (!bi || (uintptr_t)bi % 8) {
		printf("inmate: no boot info: a1 = %p is not an 8-byte aligned address\n",
		       (const void *)bi);
		return -1;
	}
	if (!magic_ok(bi)) {
		printf("inmate: boot info at %p: bad magic %02x %02x %02x %02x %02x %02x %02x "
		       "%02x, expected \"BHBOOT\"\n",
		       (const void *)bi, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]);
		return -1;
	}
	if (bi->version != BH_BOOT_INFO_VERSION) {
		printf("inmate: boot info at %p: version %u not supported (expected %u)\n",
		       (const void *)bi, bi->version, (unsigned int)BH_BOOT_INFO_VERSION);
		return -1;
	}
	if (bi->size < sizeof(*bi)) {
		printf("inmate: boot info at %p: %u bytes, expected at least %zu\n",
		       (const void *)bi, bi->size, sizeof(*bi));
		return -1;
	}
	if (!name_terminated(bi)) {
		printf("inmate: boot info at %p: cell name not NUL-terminated\n", (const void *)bi);
		return -1;
	}
	if (hart >= BH_MAX_HARTS || !((bi->cpu_set >> hart) & 1)) {
		printf("inmate: boot info at %p: hart %lu is not in the cell's harts 0x%lx\n",
		       (const void *)bi, hart, (unsigned long)bi->cpu_set);
		return -1;
	}
	if (boot_info_num_harts(bi) > INMATE_MAX_HARTS) {
		printf("inmate: cell has %u harts, this inmate has stacks for %u\n",
		       boot_info_num_harts(bi), (unsigned int)INMATE_MAX_HARTS);
		return -1;
	}
	return 0;
}
