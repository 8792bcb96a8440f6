// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* SBI SRST: a cell shutting itself down. */
#include "sbi.h"

struct sbi_ret sbi_shutdown(void)
{
	return sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE, 0, 0, 0, 0);
}
