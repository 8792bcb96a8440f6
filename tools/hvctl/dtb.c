// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl cell dtb NAME|--config FILE [--system FILE] [--root-dtb FILE]
 * [--bootargs TEXT] [-o FILE]: write a cell's device tree (dtb_build.c). On
 * the board the configs come from the driver; --config and --system give
 * them as files, so the tree can be made anywhere, tests included. The tree
 * is made whole before anything is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvctl.h"

#define USAGE                                                                                      \
	"hvctl cell dtb NAME|--config FILE [--system FILE] [--root-dtb FILE] [--bootargs TEXT] "   \
	"[-o FILE]"

struct dtb_args {
	const char *name;
	const char *config;
	const char *system;
	const char *root_dtb;
	const char *bootargs;
	const char *output;
};

/* The value of option argv[*i] into *value; prints what is wrong and returns -1. */
static int option_value(int argc, char **argv, int *i, const char **value)
{
	const char *option = argv[*i];

	if (*value) {
		hvctl_error("cell dtb: %s given twice", option);
		return -1;
	}
	if (*i + 1 == argc) {
		hvctl_error("cell dtb: %s needs an argument", option);
		return -1;
	}
	*value = argv[++*i];
	return 0;
}

static const char **option_slot(struct dtb_args *args, const char *arg)
{
	if (!strcmp(arg, "--config"))
		return &args->config;
	if (!strcmp(arg, "--system"))
		return &args->system;
	if (!strcmp(arg, "--root-dtb"))
		return &args->root_dtb;
	if (!strcmp(arg, "--bootargs"))
		return &args->bootargs;
	if (!strcmp(arg, "-o"))
		return &args->output;
	return NULL;
}

static int parse_args(int argc, char **argv, struct dtb_args *args)
{
	int i, operands = 0;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < argc; i++) {
		const char **slot = option_slot(args, argv[i]);

		if (slot) {
			if (option_value(argc, argv, &i, slot))
				return -1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			hvctl_error("cell dtb: unknown option '%s'", argv[i]);
			return -1;
		} else {
			args->name = argv[i];
			operands++;
		}
	}
	if (operands == 1 && args->config) {
		hvctl_error("cell dtb: a cell NAME or --config FILE, not both");
		return -1;
	}
	if (operands + !!args->config != 1) {
		hvctl_error("cell dtb: wrong number of arguments (usage: " USAGE ")");
		return -1;
	}
	return args->name ? hvctl_check_cell_name("cell dtb", args->name) : 0;
}

int hvctl_make_cell_dtb(const char *command, struct hvctl_configs *cfg, const char *system_path,
			const char *root_dtb, const char *bootargs, void **dtb, size_t *len)
{
	struct hvctl_dtb_input in = { .command = command, .bootargs = bootargs };
	void *root;
	size_t root_len;
	int ret;

	if (!cfg->sys && hvctl_read_system_config(command, system_path, cfg))
		return -1;
	if (hvctl_read_root_fdt(command, root_dtb, &root, &root_len))
		return -1;
	in.cell = cfg->cell;
	in.sys = cfg->sys;
	in.root_fdt = root;
	ret = hvctl_build_cell_dtb(&in, dtb, len);
	free(root);
	return ret;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int hvctl_write_output(const char *command, const char *path, const void *data, size_t len)
{
	int fd = STDOUT_FILENO;

	if (path) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			hvctl_error("%s: cannot create %s: %s", command, path, strerror(errno));
			return -1;
		}
	}
	if (write_all(fd, data, len)) {
		int err = errno;

		if (path)
			close(fd);
		hvctl_error("%s: cannot write %s: %s", command, path ? path : "stdout",
			    strerror(err));
		return -1;
	}
	/* close() is where a full disk may show. */
	if (path && close(fd)) {
		hvctl_error("%s: cannot write %s: %s", command, path, strerror(errno));
		return -1;
	}
	return 0;
}

int hvctl_cmd_cell_dtb(int argc, char **argv)
{
	struct hvctl_configs cfg;
	struct dtb_args args;
	void *dtb;
	size_t len;
	int ret;

	if (parse_args(argc, argv, &args))
		return HVCTL_USAGE;
	/* Before any work: a binary tree would garble the terminal. */
	if (!args.output && isatty(STDOUT_FILENO)) {
		hvctl_error("cell dtb: not writing a binary device tree to a terminal: "
			    "use -o FILE or redirect stdout");
		return HVCTL_FAIL;
	}
	if (hvctl_read_cell_config("cell dtb", args.name, args.config, &cfg))
		return HVCTL_FAIL;
	ret = hvctl_make_cell_dtb("cell dtb", &cfg, args.system, args.root_dtb, args.bootargs, &dtb,
				  &len);
	hvctl_free_configs(&cfg);
	if (ret)
		return HVCTL_FAIL;
	ret = hvctl_write_output("cell dtb", args.output, dtb, len);
	free(dtb);
	return ret ? HVCTL_FAIL : HVCTL_OK;
}
