// SPDX-License-Identifier: GPL-2.0
/*
 * Bulkhead's hypercalls (include/bulkhead/hypercall.h), for the root cell
 * only: the management requests go to core/control.c, the rest are reads of
 * the hypervisor's state into root buffers.
 */
#include <bulkhead/config_check.h>

#include "hv.h"
#include "lib.h"
#include "sbi.h"

static long get_info(uint64_t gpa)
{
	struct bh_hv_info *info = root_buffer(gpa, sizeof(*info), true);

	if (!info)
		return SBI_ERR_INVALID_ADDRESS;
	memset(info, 0, sizeof(*info));
	info->abi_version = BH_ABI_VERSION;
	info->num_cells = hv.num_cells;
	info->harts = hv.harts_active;
	info->mem_total = hv.region_size;
	info->mem_used = (hv.pool.base - hv.region_phys) + hv.pool.used * HV_PAGE_SIZE;
	info->console_head = hv.console.head;
	info->mmio_fetch_decodes = hv.mmio_fetch_decodes;
	info->decode_by_fetch = hv.decode_by_fetch;
	return SBI_SUCCESS;
}

static long get_cpu_stats(uint64_t hart, uint64_t gpa)
{
	struct bh_cpu_stats *stats = root_buffer(gpa, sizeof(*stats), true);

	if (hart >= HV_MAX_HARTS || !hv.harts[hart].present)
		return SBI_ERR_INVALID_PARAM;
	if (!stats)
		return SBI_ERR_INVALID_ADDRESS;
	/* Another hart may be counting meanwhile: a torn read is only off by one. */
	memcpy(stats, &hv.harts[hart].stats, sizeof(*stats));
	return SBI_SUCCESS;
}

void hypercall(struct hart *h)
{
	uint64_t *a = &h->regs[10];
	uint64_t value = 0;
	long err;

	if (h->cell != &hv.root) {
		a[0] = (uint64_t)SBI_ERR_DENIED;
		return;
	}
	switch (h->regs[16]) {
	case BH_HC_DISABLE:
		if (a[0] & 3) {
			err = SBI_ERR_INVALID_ADDRESS;
			break;
		}
		if (hv.num_cells > 1) {
			/* The root cannot leave cells running without a hypervisor. */
			err = SBI_ERR_DENIED;
			break;
		}
		hart_leave(h, a[0]);
	case BH_HC_GET_INFO:
		err = get_info(a[0]);
		break;
	case BH_HC_CPU_STATS:
		err = get_cpu_stats(a[0], a[1]);
		break;
	case BH_HC_CONSOLE_READ:
		err = console_read_to_root(&hv.console, &hv.console_lock, a[0], a[1], a[2]);
		break;
	case BH_HC_CELL_CREATE:
		err = cell_create(a[0], a[1], &value);
		break;
	case BH_HC_CELL_START:
		err = cell_start(a[0]);
		break;
	case BH_HC_CELL_SHUTDOWN:
		err = cell_shutdown(a[0]);
		break;
	case BH_HC_CELL_DESTROY:
		err = cell_destroy_by_id(a[0]);
		break;
	case BH_HC_CELL_STATUS:
		err = cell_status(a[0], a[1]);
		break;
	case BH_HC_CELL_CONSOLE_READ:
		err = cell_console_read(a[0], a[1], a[2], a[3]);
		break;
	case BH_HC_CELL_CONSOLE_WRITE:
		err = cell_console_input(a[0], a[1], a[2], &value);
		break;
	case BH_HC_CELL_LATENCY:
		err = cell_latency(a[0], a[1], a[2], a[3], a[4], &value);
		break;
	case BH_HC_SET_OPTION:
		if (a[0] != BH_OPT_DECODE_BY_FETCH || a[1] > 1) {
			err = SBI_ERR_INVALID_PARAM;
			break;
		}
		hv.decode_by_fetch = a[1];
		err = SBI_SUCCESS;
		break;
	default:
		err = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	a[0] = (uint64_t)err;
	a[1] = value;
}
