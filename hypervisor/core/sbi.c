// SPDX-License-Identifier: GPL-2.0
/* SBI dispatch: route a guest's ecall to the handler of its extension. */
#include "sbi.h"

bool sbi_extension_available(unsigned long ext)
{
	switch (ext) {
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_RFENCE:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
	case SBI_EXT_LEGACY_SET_TIMER:
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
	case SBI_EXT_LEGACY_CLEAR_IPI:
	case SBI_EXT_LEGACY_SHUTDOWN:
		return true;
	default:
		return false;
	}
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

void sbi_dispatch(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
		  const unsigned long args[6], struct sbi_result *out)
{
	out->action = SBI_ACTION_RESUME;
	switch (ext) {
	case SBI_EXT_BASE:
		out->ret = sbi_base_call(c, fid, args);
		break;
	case SBI_EXT_TIME:
		out->ret = sbi_time_call(c, fid, args);
		break;
	case SBI_EXT_IPI:
		out->ret = sbi_ipi_call(c, fid, args);
		break;
	case SBI_EXT_RFENCE:
		out->ret = sbi_rfence_call(c, fid, args);
		break;
	case SBI_EXT_HSM:
		out->ret = sbi_hsm_call(c, fid, args, &out->action);
		break;
	case SBI_EXT_SRST:
		out->ret = sbi_srst_call(c, fid, args, &out->action);
		break;
	case SBI_EXT_DBCN:
		out->ret = sbi_dbcn_call(c, fid, args);
		break;
	case SBI_EXT_LEGACY_SET_TIMER:
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
	case SBI_EXT_LEGACY_CLEAR_IPI:
	case SBI_EXT_LEGACY_SHUTDOWN:
		out->ret = sbi_legacy_call(c, ext, args, &out->action);
		break;
	default:
		out->ret = (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
		break;
	}
}
