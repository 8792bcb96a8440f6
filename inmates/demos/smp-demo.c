// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Two harts of one cell: the first starts the others with SBI HSM, each
 * greets, and a started hart asks HSM for the first hart's state.
 */
#include "inmate.h"

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	unsigned long other;
	unsigned int started = 0;

	for (other = 0; other < BH_MAX_HARTS; other++) {
		long err;

		if (other == hart || !((bi->cpu_set >> other) & 1))
			continue;
		printf("smp-demo: hart %lu starting hart %lu\n", hart, other);
		err = inmate_start_hart(other);
		if (err)
			printf("smp-demo: hart_start of hart %lu failed: error %ld\n", other, err);
		else
			started++;
	}
	if (!started)
		printf("smp-demo: no other hart started\n");
	printf("smp-demo: hello from hart %lu\n", hart);
	return 0;
}

void secondary_main(unsigned long hart, const struct bh_boot_info *bi)
{
	unsigned long first = inmate_first_hart();
	struct sbi_ret ret;

	(void)bi;
	printf("smp-demo: hello from hart %lu\n", hart);
	ret = sbi_hart_get_status(first);
	if (ret.error)
		printf("smp-demo: hart %lu status of hart %lu: error %ld\n", hart, first,
		       ret.error);
	else
		printf("smp-demo: hart %lu status of hart %lu: %s\n", hart, first,
		       sbi_hsm_state_name(ret.value));
}
