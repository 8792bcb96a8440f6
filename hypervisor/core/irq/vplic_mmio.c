// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual PLIC register decode: turns an offset in the PLIC window into the register-level
 * operation of vplic.c, or VPLIC_EBADACCESS when no register of this guest is there.
 */
#include <vplic.h>

enum vplic_register {
	VPLIC_REG_PRIORITY,
	VPLIC_REG_PENDING,
	VPLIC_REG_ENABLE,
	VPLIC_REG_THRESHOLD,
	VPLIC_REG_CLAIM,
};

struct vplic_decoded {
	enum vplic_register reg;
	/* Source for priority; 32-bit word for pending and enable. */
	unsigned int index;
	unsigned int context;
};

static bool guest_context(const struct vplic *vp, uint64_t context)
{
	return context < vp->num_contexts &&
	       ((vp->context_exists[context / 64] >> (context % 64)) & 1);
}

static int decode(const struct vplic *vp, uint64_t offset, unsigned int width,
		  struct vplic_decoded *out)
{
	unsigned int source_words = (vp->num_sources + 31) / 32;
	uint64_t rel, context;

	if (width != 4 || (offset & 3)) {
		return VPLIC_EBADACCESS;
	}
	if (offset < VPLIC_PENDING_BASE) {
		if (offset / 4 >= vp->num_sources) {
			return VPLIC_EBADACCESS;
		}
		out->reg = VPLIC_REG_PRIORITY;
		out->index = (unsigned int)(offset / 4);
		return VPLIC_OK;
	}
	if (offset < VPLIC_ENABLE_BASE) {
		rel = offset - VPLIC_PENDING_BASE;
		if (rel / 4 >= source_words) {
			return VPLIC_EBADACCESS;
		}
		out->reg = VPLIC_REG_PENDING;
		out->index = (unsigned int)(rel / 4);
		return VPLIC_OK;
	}
	if (offset < VPLIC_CONTEXT_BASE) {
		rel = offset - VPLIC_ENABLE_BASE;
		context = rel / VPLIC_ENABLE_STRIDE;
		rel %= VPLIC_ENABLE_STRIDE;
		if (!guest_context(vp, context) || rel / 4 >= source_words) {
			return VPLIC_EBADACCESS;
		}
		out->reg = VPLIC_REG_ENABLE;
		out->index = (unsigned int)(rel / 4);
		out->context = (unsigned int)context;
		return VPLIC_OK;
	}
	rel = offset - VPLIC_CONTEXT_BASE;
	context = rel / VPLIC_CONTEXT_STRIDE;
	rel %= VPLIC_CONTEXT_STRIDE;
	if (!guest_context(vp, context)) {
		return VPLIC_EBADACCESS;
	}
	out->context = (unsigned int)context;
	if (rel == VPLIC_THRESHOLD_OFFSET) {
		out->reg = VPLIC_REG_THRESHOLD;
	} else if (rel == VPLIC_CLAIM_OFFSET) {
		out->reg = VPLIC_REG_CLAIM;
	} else {
		return VPLIC_EBADACCESS;
	}
	return VPLIC_OK;
}

int vplic_mmio_read(struct vplic *vp, uint64_t offset, unsigned int width, uint32_t *value)
{
	int64_t claim = vplic_claim_register(vp, offset, width);
	struct vplic_decoded reg;
	int ret;

	if (claim >= 0) {
		*value = vplic_claim(vp, (unsigned int)claim);
		return VPLIC_OK;
	}
	ret = decode(vp, offset, width, &reg);
	if (ret) {
		return ret;
	}
	switch (reg.reg) {
	case VPLIC_REG_PRIORITY:
		*value = vplic_line_priority(vp, reg.index);
		break;
	case VPLIC_REG_PENDING:
		*value = vplic_read_pending(vp, reg.index);
		break;
	case VPLIC_REG_ENABLE:
		*value = vplic_read_enable(vp, reg.context, reg.index);
		break;
	case VPLIC_REG_THRESHOLD:
		*value = vp->threshold[reg.context];
		break;
	case VPLIC_REG_CLAIM:
		*value = vplic_claim(vp, reg.context);
		break;
	}
	return VPLIC_OK;
}

int vplic_mmio_write(struct vplic *vp, uint64_t offset, unsigned int width, uint32_t value,
		     unsigned int *violation_source)
{
	int64_t complete = vplic_claim_register(vp, offset, width);
	struct vplic_decoded reg;
	int ret;

	if (violation_source) {
		*violation_source = 0;
	}
	if (complete >= 0) {
		vplic_complete(vp, (unsigned int)complete, value);
		return VPLIC_OK;
	}
	ret = decode(vp, offset, width, &reg);
	if (ret) {
		return ret;
	}
	switch (reg.reg) {
	case VPLIC_REG_PRIORITY:
		return vplic_write_priority(vp, reg.index, value, violation_source);
	case VPLIC_REG_PENDING:
		/* Read-only for software: the spec has the write ignored, not faulted. */
		return VPLIC_OK;
	case VPLIC_REG_ENABLE:
		return vplic_write_enable(vp, reg.context, reg.index, value, violation_source);
	case VPLIC_REG_THRESHOLD:
		return vplic_write_threshold(vp, reg.context, value);
	case VPLIC_REG_CLAIM:
		vplic_complete(vp, reg.context, value);
		return VPLIC_OK;
	}
	return VPLIC_EBADACCESS;
}
