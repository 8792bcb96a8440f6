// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl: the Bulkhead command-line tool. This file holds the command table,
 * the dispatcher and the help text; each command group lives in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

/*
 * To add a command (or a group such as "cell create", "cell list"): write its
 * function in the group's file, declare it in hvctl.h, add a row here.
 */
static const struct hvctl_command commands[] = {
	{ "enable", "FILE", "validate system config FILE, then start the hypervisor", 1, 1,
	  hvctl_cmd_enable },
	{ "disable", "", "stop the hypervisor", 0, 0, hvctl_cmd_disable },
	{ "info", "", "show state, memory and exit counters (format below)", 0, 0, hvctl_cmd_info },
	{ "console", "[-f]", "print the hypervisor console; -f: keep following", 0, 1,
	  hvctl_cmd_console },
	{ "config check", "FILE", "validate config FILE; on a board, also against Linux's RAM", 1,
	  1, hvctl_cmd_config_check },
	/* Options only: the commands' own parsers check them and print their usage. */
	{ "config create", "[OPTIONS]",
	  "write a system config from the device tree; --cell: a cell config", 0, 32,
	  hvctl_cmd_config_create },
	{ "config show", "FILE [--c]", "print a config; --c: as a C file like configs/*.c", 0, 2,
	  hvctl_cmd_config_show },
	{ "cell create", "FILE", "validate cell config FILE, then create the cell", 1, 1,
	  hvctl_cmd_cell_create },
	/* 0..16 operands: the command's own parser checks them and prints its full usage. */
	{ "cell load", "NAME IMAGE [OPTIONS]",
	  "load ELF/Image/raw IMAGE; -a ADDR --dtb auto|FILE --bootargs TEXT", 0, 16,
	  hvctl_cmd_cell_load },
	{ "cell dtb", "NAME [OPTIONS]",
	  "write its device tree; -o --bootargs --root-dtb --config --system", 0, 16,
	  hvctl_cmd_cell_dtb },
	{ "cell start", "NAME", "start the cell at its entry", 1, 1, hvctl_cmd_cell_start },
	{ "cell shutdown", "NAME", "stop the cell (load it again before the next start)", 1, 1,
	  hvctl_cmd_cell_shutdown },
	{ "cell destroy", "NAME", "destroy the cell: CPUs, memory, lines go back to the root", 1, 1,
	  hvctl_cmd_cell_destroy },
	{ "cell list", "", "show the cells: name, state, harts (format below)", 0, 0,
	  hvctl_cmd_cell_list },
	{ "cell stats", "NAME [OPTIONS]",
	  "exit counters as info does; --latency [--json], --reset: latency", 1, 3,
	  hvctl_cmd_cell_stats },
	{ "cell console", "NAME [-f | -i]",
	  "print the cell's console; -f: follow; -i: also type into it", 1, 2,
	  hvctl_cmd_cell_console },
	{ "cell send", "NAME TEXT", "console input for the cell (escapes: \\n \\r \\t \\e \\\\ \\xHH)",
	  2, 2, hvctl_cmd_cell_send },
	{ "help", "", "show this help (also --help, -h, or no command)", 0, 0, hvctl_cmd_help },
};

#define NUM_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char info_format[] =
	"\n"
	"Output of 'hvctl info' (stdout):\n"
	"  hypervisor: enabled            or: hypervisor: disabled (and nothing else)\n"
	"  memory used: N bytes (K KiB)   K = N / 1024 rounded up\n"
	"  memory total: N bytes (K KiB)\n"
	"then for each cell, sorted by name (byte order), after an empty line:\n"
	"  cell NAME\n"
	"    harts: LIST                  e.g. 0-3 or 0,2-3; \"none\" and no table if empty\n"
	"    exits       cpuH  cpuH ...   one column per hart of the cell, ascending\n"
	"    REASON      N     N    ...   only reasons with a non-zero count on some hart,\n"
	"                                 in the order of the hypervisor's exit reasons\n"
	"    total       N     N    ...   the harts' exits_total counters\n"
	"Table lines start with two spaces; columns are separated by at least two spaces;\n"
	"names are left-aligned, counts decimal and right-aligned; no trailing spaces.\n"
	"Reasons: irq_timer irq_software irq_external sbi_time sbi_ipi sbi_rfence sbi_hsm\n"
	"sbi_console sbi_other hypercall mmio guest_fault virtual_insn other doorbell.\n"
	"'hvctl cell stats NAME' prints that cell's part of the report, without the empty line.\n";

static const char list_format[] =
	"\n"
	"Output of 'hvctl cell list' (stdout):\n"
	"  NAME  STATE  HARTS             a header, then one line per cell: the root cell\n"
	"                                 first, the others sorted by name (byte order)\n"
	"Columns are left-aligned and separated by two spaces; HARTS is a list like the one of\n"
	"'hvctl info'; STATE is stopped, running, shut down or failed, and a failed cell's line\n"
	"ends with \" - REASON\" (why the hypervisor stopped it).\n";

static const char environment[] =
	"\n"
	"Environment:\n"
	"  BH_DEVICE  the device to use (default " HVCTL_DEFAULT_DEVICE ")\n"
	"  BH_SYSFS   the sysfs directory to read (default " HVCTL_DEFAULT_SYSFS ")\n"
	"  BH_IOMEM   the iomem file 'config check' compares with (default /proc/iomem on\n"
	"             RISC-V, none elsewhere); BH_DEVICETREE its device tree (default\n"
	"             /sys/firmware/devicetree/base)\n"
	"\n"
	"Exit status: 0 done, 1 failed (message on stderr), 2 bad command line.\n";

static int command_width(void)
{
	int width = 0;
	size_t i;

	for (i = 0; i < NUM_COMMANDS; i++) {
		int w = (int)(strlen(commands[i].name) + 1 + strlen(commands[i].synopsis));

		if (w > width)
			width = w;
	}
	return width;
}

static void print_usage(FILE *out)
{
	int width = command_width();
	size_t i;

	fprintf(out, "usage: hvctl COMMAND [ARGUMENTS]\n\nCommands:\n");
	for (i = 0; i < NUM_COMMANDS; i++) {
		const struct hvctl_command *c = &commands[i];
		char line[128];

		snprintf(line, sizeof(line), "%s%s%s", c->name, *c->synopsis ? " " : "",
			 c->synopsis);
		fprintf(out, "  %-*s  %s\n", width, line, c->summary);
	}
}

int hvctl_cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_usage(stdout);
	fputs(environment, stdout);
	fputs(info_format, stdout);
	fputs(list_format, stdout);
	return HVCTL_OK;
}

static int usage_error(void)
{
	print_usage(stderr);
	return HVCTL_USAGE;
}

/* How many leading arguments the command's (possibly multi-word) name takes, or 0. */
static int match_name(const char *name, int argc, char **argv)
{
	int words = 0;

	while (*name) {
		size_t len = strcspn(name, " ");

		if (words >= argc || strlen(argv[words]) != len || strncmp(argv[words], name, len))
			return 0;
		words++;
		name += len;
		name += *name == ' ';
	}
	return words;
}

/* The command whose name matches the most leading arguments, or NULL. */
static const struct hvctl_command *find_command(int argc, char **argv, int *words)
{
	const struct hvctl_command *best = NULL;
	size_t i;

	*words = 0;
	for (i = 0; i < NUM_COMMANDS; i++) {
		int n = match_name(commands[i].name, argc, argv);

		if (n > *words) {
			*words = n;
			best = &commands[i];
		}
	}
	return best;
}

/* Whether word starts some command with more words ("cell" of "cell create"). */
static int is_group(const char *word)
{
	size_t i, len = strlen(word);

	for (i = 0; i < NUM_COMMANDS; i++) {
		if (!strncmp(commands[i].name, word, len) && commands[i].name[len] == ' ')
			return 1;
	}
	return 0;
}

static void unknown_command(int argc, char **argv)
{
	if (!is_group(argv[0]))
		hvctl_error("unknown command '%s'", argv[0]);
	else if (argc == 1)
		hvctl_error("%s: which one? (see the commands below)", argv[0]);
	else
		hvctl_error("unknown command '%s %s'", argv[0], argv[1]);
}

int main(int argc, char **argv)
{
	const struct hvctl_command *cmd;
	int words, nargs, ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return argc > 2 ? usage_error() : hvctl_cmd_help(0, NULL);

	cmd = find_command(argc - 1, argv + 1, &words);
	if (!cmd) {
		unknown_command(argc - 1, argv + 1);
		return usage_error();
	}
	nargs = argc - 1 - words;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		hvctl_error("%s: wrong number of arguments (usage: hvctl %s%s%s)", cmd->name,
			    cmd->name, *cmd->synopsis ? " " : "", cmd->synopsis);
		return usage_error();
	}
	ret = cmd->run(nargs, argv + 1 + words);
	return ret == HVCTL_USAGE ? usage_error() : ret;
}
