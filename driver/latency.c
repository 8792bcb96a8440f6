// SPDX-License-Identifier: GPL-2.0
/*
 * cells/NAME/latency: the hypervisor's interrupt latency figures of the
 * cell's lines (BH_HC_CELL_LATENCY), as the bytes of a struct
 * bh_latency_header followed by one struct bh_latency_line per line the cell
 * tracks. The hypervisor copies one page at a time into a bounce page; each
 * line's figures are consistent, the lines of one read need not be from the
 * same instant. A write clears them.
 */
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bulkhead.h"
#include "hypercall.h"

/* One hypercall: the header and the lines from first on that fit in a page. */
static long latency_chunk(struct bh_cell *cell, void *page, u32 first, unsigned long flags)
{
	return bh_hv_call5(BH_HC_CELL_LATENCY, cell->id, virt_to_phys(page), PAGE_SIZE, first,
			   flags, NULL);
}

/* The whole report, kmalloc'd; its size in *size. */
static void *latency_report(struct bh_cell *cell, size_t *size)
{
	struct bh_latency_header *hdr = (void *)__get_free_page(GFP_KERNEL);
	struct bh_latency_header *report = NULL;
	u32 done = 0, num_lines;
	long ret;

	if (!hdr)
		return ERR_PTR(-ENOMEM);
	do {
		ret = latency_chunk(cell, hdr, done, 0);
		if (ret)
			goto out;
		if (!report) {
			num_lines = hdr->num_lines;
			*size = sizeof(*hdr) + (size_t)num_lines * sizeof(struct bh_latency_line);
			report = kmalloc(*size, GFP_KERNEL);
			if (!report) {
				ret = -ENOMEM;
				goto out;
			}
			*report = *hdr;
			report->first = 0;
			report->count = num_lines;
		}
		/* Lines are fixed per cell: a short chunk only ends the loop early. */
		if (!hdr->count)
			break;
		memcpy((struct bh_latency_line *)(report + 1) + done, hdr + 1,
		       min_t(size_t, hdr->count, num_lines - done) * sizeof(struct bh_latency_line));
		done += min_t(u32, hdr->count, num_lines - done);
	} while (done < num_lines);
out:
	free_page((unsigned long)hdr);
	if (ret) {
		kfree(report);
		return ERR_PTR(ret);
	}
	return report;
}

ssize_t bh_cell_latency_read(struct bh_cell *cell, char *buf, loff_t pos, size_t count)
{
	size_t size = 0;
	void *report = latency_report(cell, &size);
	ssize_t ret;

	if (IS_ERR(report))
		return PTR_ERR(report);
	ret = memory_read_from_buffer(buf, count, &pos, report, size);
	kfree(report);
	return ret;
}

int bh_cell_latency_reset(struct bh_cell *cell)
{
	void *page = (void *)__get_free_page(GFP_KERNEL);
	long ret;

	if (!page)
		return -ENOMEM;
	ret = latency_chunk(cell, page, 0, BH_LATENCY_RESET);
	free_page((unsigned long)page);
	return ret;
}
