// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl cell load NAME IMAGE [-a ADDR] [--dtb auto|FILE] [--bootargs TEXT]:
 * write an inmate or a kernel into a stopped cell's loadable memory. An ELF
 * image goes to its segments' physical addresses (the cell's guest-physical
 * view), a RISC-V Linux Image to the start of the RAM holding the cell's
 * entry + its text_offset (image.c), a raw one to ADDR or the cell's entry.
 * With --dtb, a device tree goes to the cell's boot_arg as well: the one
 * hvctl makes for the cell (auto, dtb_build.c) or FILE. A Linux Image and
 * --dtb need the cell's config, which the driver shows. Everything is read
 * and checked before the device is opened, so a bad file changes nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead/config.h>
#include <bulkhead/uapi.h>
#include <libfdt.h>

#include "hvctl.h"

/* Well above the largest loadable region of the boards (the QEMU cell pool is 48 MiB). */
#define MAX_IMAGE_SIZE (256ULL << 20)

#define USAGE "hvctl cell load NAME IMAGE [-a ADDR] [--dtb auto|FILE] [--bootargs TEXT]"

struct load_args {
	const char *name;
	const char *image;
	uint64_t address; /* BH_LOAD_AT_ENTRY unless -a was given */
	int have_address;
	const char *dtb;      /* NULL, "auto" or a file */
	const char *bootargs; /* for --dtb auto */
};

enum image_kind {
	IMAGE_RAW,
	IMAGE_ELF,
	IMAGE_LINUX,
};

/* What goes where, all checked. */
struct load_plan {
	enum image_kind kind;
	struct hvctl_segment *segs; /* ELF */
	size_t count;
	uint64_t address; /* raw and Linux Image */
	void *dtb;	  /* NULL without --dtb */
	size_t dtb_len;
	uint64_t dtb_address; /* the cell's boot_arg */
};

/* BH_LOAD_AT_ENTRY is not an address: the ioctl reads it as "at the entry". */
static int parse_address(const char *text, uint64_t *address)
{
	if (!hvctl_parse_u64(text, address) && *address != BH_LOAD_AT_ENTRY)
		return 0;
	hvctl_error(
		"cell load: bad address '%s' (expected 0x... or decimal, below 0xffffffffffffffff)",
		text);
	return -1;
}

/* The value of option argv[*i] into *value; prints what is wrong and returns -1. */
static int option_value(int argc, char **argv, int *i, const char **value, const char *what)
{
	const char *option = argv[*i];

	if (*value) {
		hvctl_error("cell load: %s given twice", option);
		return -1;
	}
	if (*i + 1 == argc) {
		hvctl_error("cell load: %s needs %s", option, what);
		return -1;
	}
	*value = argv[++*i];
	return 0;
}

static int parse_option(int argc, char **argv, int *i, struct load_args *args)
{
	const char *arg = argv[*i], *address = NULL;

	if (!strcmp(arg, "--dtb"))
		return option_value(argc, argv, i, &args->dtb, "auto or a file");
	if (!strcmp(arg, "--bootargs"))
		return option_value(argc, argv, i, &args->bootargs, "a text");
	if (strcmp(arg, "-a")) {
		hvctl_error("cell load: unknown option '%s'", arg);
		return -1;
	}
	if (args->have_address) {
		hvctl_error("cell load: -a given twice");
		return -1;
	}
	if (option_value(argc, argv, i, &address, "an address") ||
	    parse_address(address, &args->address))
		return -1;
	args->have_address = 1;
	return 0;
}

static int parse_args(int argc, char **argv, struct load_args *args)
{
	const char *operands[2];
	int i, n = 0;

	memset(args, 0, sizeof(*args));
	args->address = BH_LOAD_AT_ENTRY;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] == '-' && arg[1]) {
			if (parse_option(argc, argv, &i, args))
				return -1;
		} else if (n == 2) {
			n++;
			break;
		} else {
			operands[n++] = arg;
		}
	}
	if (n != 2) {
		hvctl_error("cell load: wrong number of arguments (usage: " USAGE ")");
		return -1;
	}
	if (args->bootargs && (!args->dtb || strcmp(args->dtb, "auto"))) {
		hvctl_error("cell load: --bootargs is for --dtb auto");
		return -1;
	}
	args->name = operands[0];
	args->image = operands[1];
	return hvctl_check_cell_name("cell load", args->name);
}

/* One BH_IOCTL_CELL_LOAD; on failure prints "cell load[: what]: why" and returns -1. */
static int load_bytes(int fd, const char *name, const void *bytes, uint64_t size, uint64_t address,
		      const char *what)
{
	char err[HVCTL_DRIVER_ERR_LEN] = "", prefix[128];
	struct bh_ioctl_cell_load req;

	memset(&req, 0, sizeof(req));
	hvctl_copy_cell_name(req.name, name);
	req.image_ptr = (uintptr_t)bytes;
	req.image_size = size;
	req.address = address;
	req.err_ptr = (uintptr_t)err;
	req.err_size = sizeof(err);
	if (ioctl(fd, BH_IOCTL_CELL_LOAD, &req) == 0)
		return 0;
	snprintf(prefix, sizeof(prefix), "cell load%s%s", *what ? ": " : "", what);
	hvctl_ioctl_error(prefix, err, sizeof(err), errno);
	return -1;
}

static int load_segments(int fd, const char *name, const uint8_t *image,
			 const struct hvctl_segment *segs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const struct hvctl_segment *seg = &segs[i];
		const uint8_t *bytes = image + seg->offset;
		uint8_t *filled = NULL;
		char what[96];
		int ret;

		/* The zeros after the file bytes are sent too: one request per segment. */
		if (seg->memsz > seg->filesz) {
			filled = calloc(1, seg->memsz);
			if (!filled) {
				hvctl_error("cell load: out of memory");
				return -1;
			}
			memcpy(filled, bytes, seg->filesz);
			bytes = filled;
		}
		snprintf(what, sizeof(what),
			 "segment %zu of %zu (0x%" PRIx64 " bytes at 0x%" PRIx64 ")", i + 1, count,
			 seg->memsz, seg->paddr);
		ret = load_bytes(fd, name, bytes, seg->memsz, seg->paddr, what);
		free(filled);
		if (ret)
			return -1;
	}
	return 0;
}

/* Where the image goes and, for a raw one, checks it is not empty. */
static int plan_image(const struct load_args *args, const struct bh_cell_desc *cell,
		      const void *data, size_t len, struct load_plan *plan)
{
	struct hvctl_linux_image img;
	char err[256];

	if (plan->kind != IMAGE_RAW && args->have_address) {
		/* Its segments, or its header, say where it goes. */
		hvctl_error("cell load: %s is %s: -a is for raw images", args->image,
			    plan->kind == IMAGE_ELF ? "an ELF file" : "a Linux Image");
		return -1;
	}
	switch (plan->kind) {
	case IMAGE_ELF:
		if (!hvctl_elf_segments(data, len, MAX_IMAGE_SIZE, &plan->segs, &plan->count, err,
					sizeof(err)))
			return 0;
		break;
	case IMAGE_LINUX:
		if (!hvctl_linux_image(data, len, &img, err, sizeof(err)) &&
		    !hvctl_place_linux_image(cell, &img, &plan->address, err, sizeof(err)))
			return 0;
		break;
	case IMAGE_RAW:
		if (!len) {
			hvctl_error("cell load: %s is empty", args->image);
			return -1;
		}
		plan->address = args->address;
		/* Said explicitly when the config is at hand, as the device tree check needs it. */
		if (plan->address == BH_LOAD_AT_ENTRY && cell)
			plan->address = cell->entry;
		return 0;
	}
	hvctl_error("cell load: %s: %s", args->image, err);
	return -1;
}

/* The memory the image takes in the cell: what the device tree must stay out of. */
static struct hvctl_span *image_spans(const struct load_plan *plan, size_t len, uint64_t linux_size,
				      size_t *count)
{
	struct hvctl_span *spans = calloc(plan->count ? plan->count : 1, sizeof(*spans));
	size_t i;

	if (!spans)
		return NULL;
	*count = 1;
	spans[0].start = plan->address;
	spans[0].size = plan->kind == IMAGE_LINUX ? linux_size : len;
	if (plan->kind != IMAGE_ELF)
		return spans;
	for (i = 0; i < plan->count; i++) {
		spans[i].start = plan->segs[i].paddr;
		spans[i].size = plan->segs[i].memsz;
	}
	*count = plan->count;
	return spans;
}

/* The device tree of --dtb FILE, checked to be a whole one; its totalsize is what is loaded. */
static int read_dtb_file(const char *path, void **dtb, size_t *len)
{
	char err[256];
	int ret = hvctl_read_file(path, HVCTL_MAX_FDT_SIZE, dtb, len);

	if (ret == -EFBIG) {
		hvctl_error("cell load: %s: a device tree file over %u MiB, the most hvctl loads",
			    path, HVCTL_MAX_FDT_SIZE >> 20);
		return -1;
	}
	if (ret) {
		hvctl_error("cell load: cannot read %s: %s", path, strerror(-ret));
		return -1;
	}
	if (hvctl_check_fdt(*dtb, *len, err, sizeof(err))) {
		hvctl_error("cell load: %s: %s", path, err);
		free(*dtb);
		*dtb = NULL;
		return -1;
	}
	*len = fdt_totalsize(*dtb);
	return 0;
}

/* The device tree for boot_arg, placed clear of the image. */
static int plan_dtb(const struct load_args *args, struct hvctl_configs *cfg, const void *data,
		    size_t len, struct load_plan *plan)
{
	struct hvctl_linux_image img = { 0 };
	struct hvctl_span *spans;
	size_t count;
	char err[256];
	int ret;

	if (!(cfg->cell->flags & BH_CELL_BOOT_DTB)) {
		hvctl_error("cell load: cell '%s' does not boot with a device tree "
			    "(its config lacks BH_CELL_BOOT_DTB): --dtb is for cells that do",
			    args->name);
		return -1;
	}
	if (!strcmp(args->dtb, "auto"))
		ret = hvctl_make_cell_dtb("cell load", cfg, NULL, NULL,
					  args->bootargs,
					  &plan->dtb, &plan->dtb_len);
	else
		ret = read_dtb_file(args->dtb, &plan->dtb, &plan->dtb_len);
	if (ret)
		return -1;
	plan->dtb_address = cfg->cell->boot_arg;
	if (plan->kind == IMAGE_LINUX)
		hvctl_linux_image(data, len, &img, err, sizeof(err)); /* checked by plan_image() */
	spans = image_spans(plan, len, img.image_size, &count);
	if (!spans) {
		hvctl_error("cell load: out of memory");
		return -1;
	}
	ret = hvctl_place_dtb(cfg->cell, plan->dtb_len, spans, count, err, sizeof(err));
	free(spans);
	if (ret)
		hvctl_error("cell load: %s", err);
	return ret;
}

static int make_plan(const struct load_args *args, const void *data, size_t len,
		     struct load_plan *plan)
{
	struct hvctl_configs cfg = { 0 };
	int ret = -1;

	if (hvctl_is_elf(data, len))
		plan->kind = IMAGE_ELF;
	else if (hvctl_is_linux_image(data, len))
		plan->kind = IMAGE_LINUX;
	else
		plan->kind = IMAGE_RAW;
	/* Only these need the cell's config: an ELF or raw image alone is the driver's to place. */
	if ((plan->kind == IMAGE_LINUX || args->dtb) &&
	    hvctl_read_cell_config("cell load", args->name, NULL, &cfg))
		return -1;
	if (!plan_image(args, cfg.cell, data, len, plan) &&
	    (!args->dtb || !plan_dtb(args, &cfg, data, len, plan)))
		ret = 0;
	hvctl_free_configs(&cfg);
	return ret;
}

static int run_plan(const struct load_args *args, const void *data, size_t len,
		    const struct load_plan *plan)
{
	int fd = hvctl_open_device(), ret;

	if (fd < 0)
		return -1;
	if (plan->kind == IMAGE_ELF)
		ret = load_segments(fd, args->name, data, plan->segs, plan->count);
	else
		ret = load_bytes(fd, args->name, data, len, plan->address, "");
	if (!ret && plan->dtb)
		ret = load_bytes(fd, args->name, plan->dtb, plan->dtb_len, plan->dtb_address,
				 "device tree");
	close(fd);
	return ret;
}

int hvctl_cmd_cell_load(int argc, char **argv)
{
	struct load_plan plan = { 0 };
	struct load_args args;
	void *data;
	size_t len;
	int ret;

	if (parse_args(argc, argv, &args))
		return HVCTL_USAGE;
	ret = hvctl_read_file(args.image, MAX_IMAGE_SIZE, &data, &len);
	if (ret) {
		hvctl_error("cannot read %s: %s", args.image, strerror(-ret));
		return HVCTL_FAIL;
	}
	ret = make_plan(&args, data, len, &plan);
	if (!ret)
		ret = run_plan(&args, data, len, &plan);
	free(plan.segs);
	free(plan.dtb);
	free(data);
	return ret ? HVCTL_FAIL : HVCTL_OK;
}
