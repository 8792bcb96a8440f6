/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hvctl: the Bulkhead command-line tool. Declarations shared by its command
 * groups (hypervisor.c, info.c, console.c) and main.c's command table.
 */
#ifndef HVCTL_H
#define HVCTL_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses. */
#define HVCTL_OK    0
#define HVCTL_FAIL  1
#define HVCTL_USAGE 2 /* bad command line; the caller prints the usage */

#define HVCTL_DEFAULT_DEVICE "/dev/bulkhead"
#define HVCTL_DEFAULT_SYSFS  "/sys/devices/bulkhead"
#define HVCTL_MODULE_PATH    "/lib/modules/bulkhead/bulkhead.ko"

/*
 * One command. name may be several words ("cell create"): main.c matches
 * them against the leading arguments, so a command group is just more rows.
 * run() gets the operands after the name (argc of them, argv[argc] == NULL),
 * already checked against min_args..max_args, and returns an exit status;
 * HVCTL_USAGE makes main.c print the usage to stderr.
 */
struct hvctl_command {
	const char *name;
	const char *synopsis; /* operands and options, "" if none */
	const char *summary;
	int min_args;
	int max_args;
	int (*run)(int argc, char **argv);
};

/* The commands (one file per group). */
int hvctl_cmd_enable(int argc, char **argv);
int hvctl_cmd_disable(int argc, char **argv);
int hvctl_cmd_info(int argc, char **argv);
int hvctl_cmd_console(int argc, char **argv);
int hvctl_cmd_help(int argc, char **argv);

/* ---- util.c */

/* Prints "hvctl: MESSAGE\n" to stderr. */
void hvctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* /dev/bulkhead, or $BH_DEVICE when set and not empty. */
const char *hvctl_device_path(void);

/* /sys/devices/bulkhead, or $BH_SYSFS when set and not empty. */
const char *hvctl_sysfs_root(void);

/*
 * Opens the Bulkhead device read-write. On failure prints why (and, when the
 * device is missing, how to load the module) and returns -1.
 */
int hvctl_open_device(void);

/*
 * Reads a whole file of at most max_len bytes into a malloc'd buffer (aligned
 * for any type, as the config validator needs). Returns 0, or a negative
 * errno value (-EFBIG when the file is larger than max_len).
 */
int hvctl_read_file(const char *path, size_t max_len, void **data, size_t *len);

/*
 * Reads a small text file into buf (NUL-terminated, trailing newline
 * removed). On failure prints what is wrong ("cannot read PATH: ...") and
 * returns a negative errno value.
 */
int hvctl_read_text(const char *path, char *buf, size_t size);

/*
 * Reads a file holding one unsigned decimal number. Prints what is wrong
 * and returns -1 on failure.
 */
int hvctl_read_u64(const char *path, uint64_t *value);

/*
 * Parses a Linux CPU list ("0-3", "0,2,5-7", "" for none) into a hart bitmap.
 * Returns 0, or -1 if the list is malformed or names a hart >= 64.
 */
int hvctl_parse_hart_list(const char *list, uint64_t *harts);

/* Formats a hart bitmap as a canonical CPU list ("0-3,6"; "none" if empty). */
void hvctl_format_hart_list(uint64_t harts, char *buf, size_t size);

#endif /* HVCTL_H */
