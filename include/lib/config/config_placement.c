// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Where the hypervisor finds its system config (bh_config_check_placement()). */
#include "config_internal.h"

int bh_config_check_placement(uint64_t region_start, uint64_t region_size, uint64_t image_end,
			      uint64_t config_phys, uint64_t config_size, char *err, size_t err_len)
{
	struct bh_range_text config, region;
	struct bh_check c;

	bh_check_init(&c, err, err_len, "system config");
	if (!bh_range_wraps(region_start, region_size) && image_end >= region_start &&
	    image_end <= region_start + region_size && config_phys >= image_end &&
	    bh_config_range_contains(region_start, region_size, config_phys, config_size))
		return 0;
	return bh_config_fail(
		&c, BH_CONFIG_EINVAL,
		"at %s, not between the hypervisor image's end 0x%llx and the end of its region %s",
		bh_range_text(&config, config_phys, config_size), BH_ULL(image_end),
		bh_range_text(&region, region_start, region_size));
}
