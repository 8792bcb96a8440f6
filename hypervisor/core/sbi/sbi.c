// SPDX-License-Identifier: GPL-2.0
/* SBI dispatch: route a guest's ecall to the handler of its extension. */
#include "sbi.h"

/*
 * Every extension the guests get. Looked up on every SBI exit, by a linear
 * scan: the calls a running Linux makes most (IPI, RFENCE, TIME) come first.
 */
const struct sbi_extension sbi_extensions[] = {
	{ SBI_EXT_IPI, SBI_EXT_IPI, BH_EXIT_SBI_IPI, sbi_ipi_call, NULL },
	{ SBI_EXT_RFENCE, SBI_EXT_RFENCE, BH_EXIT_SBI_RFENCE, sbi_rfence_call, NULL },
	{ SBI_EXT_TIME, SBI_EXT_TIME, BH_EXIT_SBI_TIME, sbi_time_call, NULL },
	{ SBI_EXT_HSM, SBI_EXT_HSM, BH_EXIT_SBI_HSM, sbi_hsm_call, NULL },
	{ SBI_EXT_DBCN, SBI_EXT_DBCN, BH_EXIT_SBI_CONSOLE, sbi_dbcn_call, NULL },
	{ SBI_EXT_BASE, SBI_EXT_BASE, BH_EXIT_SBI_OTHER, sbi_base_call, NULL },
	{ SBI_EXT_SRST, SBI_EXT_SRST, BH_EXIT_SBI_OTHER, sbi_srst_call, NULL },
	{ SBI_EXT_LEGACY_FIRST, SBI_EXT_LEGACY_LAST, BH_EXIT_SBI_OTHER, sbi_legacy_call,
	  sbi_legacy_has },
};

const unsigned int sbi_num_extensions = sizeof(sbi_extensions) / sizeof(sbi_extensions[0]);

const struct sbi_extension *sbi_find_extension(unsigned long ext)
{
	const struct sbi_extension *e;

	for (e = sbi_extensions; e < sbi_extensions + sizeof(sbi_extensions) / sizeof(*e); e++)
		if (ext - e->first <= e->last - e->first)
			return !e->has || e->has(ext) ? e : NULL;
	return NULL;
}

void sbi_call_extension(const struct sbi_extension *e, const struct sbi_caller *c,
			unsigned long ext, unsigned long fid, const unsigned long args[6],
			struct sbi_result *out)
{
	out->action = SBI_ACTION_RESUME;
	if (e)
		out->ret = e->call(c, ext, fid, args, &out->action);
	else
		out->ret = (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}

void sbi_dispatch(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
		  const unsigned long args[6], struct sbi_result *out)
{
	sbi_call_extension(sbi_find_extension(ext), c, ext, fid, args, out);
}

enum bh_exit_reason sbi_exit_reason(unsigned long ext)
{
	return sbi_exit_reason_of(sbi_find_extension(ext));
}

long sbi_resolve_hart_mask(const struct sbi_caller *c, unsigned long mask, unsigned long base,
			   uint64_t *harts)
{
	uint64_t named;

	if (base == (unsigned long)-1) {
		*harts = c->cell_harts;
		return SBI_SUCCESS;
	}
	if (base >= 64) {
		/* Every hart id this mask could name is beyond BH_MAX_HARTS. */
		if (mask)
			return SBI_ERR_INVALID_PARAM;
		*harts = 0;
		return SBI_SUCCESS;
	}
	named = (uint64_t)mask << base;
	/* Bits shifted out name harts >= 64, which no cell has. */
	if (base && (mask >> (64 - base)))
		return SBI_ERR_INVALID_PARAM;
	if (named & ~c->cell_harts)
		return SBI_ERR_INVALID_PARAM;
	*harts = named;
	return SBI_SUCCESS;
}
