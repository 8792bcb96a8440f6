/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hvctl: the Bulkhead command-line tool. Declarations shared by its command
 * groups and main.c's command table.
 */
#ifndef HVCTL_H
#define HVCTL_H

#include <stddef.h>
#include <stdint.h>

#include <bulkhead/hypercall.h>

/* Exit statuses. */
#define HVCTL_OK    0
#define HVCTL_FAIL  1
#define HVCTL_USAGE 2 /* bad command line; the caller prints the usage */

#define HVCTL_DEFAULT_DEVICE "/dev/bulkhead"
#define HVCTL_DEFAULT_SYSFS  "/sys/devices/bulkhead"
#define HVCTL_MODULE_PATH    "/lib/modules/bulkhead/bulkhead.ko"

/* The driver adds machine checks to the validator's: room for its longer messages. */
#define HVCTL_DRIVER_ERR_LEN 512

/* Longest cell name: the ioctls carry it in char[32] with its NUL. */
#define HVCTL_CELL_NAME_MAX 31

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
int hvctl_cmd_config_check(int argc, char **argv);
int hvctl_cmd_config_create(int argc, char **argv);
int hvctl_cmd_config_show(int argc, char **argv);
int hvctl_cmd_help(int argc, char **argv);
int hvctl_cmd_cell_create(int argc, char **argv);
int hvctl_cmd_cell_load(int argc, char **argv);
int hvctl_cmd_cell_dtb(int argc, char **argv);
int hvctl_cmd_cell_start(int argc, char **argv);
int hvctl_cmd_cell_shutdown(int argc, char **argv);
int hvctl_cmd_cell_destroy(int argc, char **argv);
int hvctl_cmd_cell_list(int argc, char **argv);
int hvctl_cmd_cell_stats(int argc, char **argv);
int hvctl_cmd_cell_console(int argc, char **argv);
int hvctl_cmd_cell_send(int argc, char **argv);

/*
 * Console input (console_input.c). hvctl_unescape: TEXT with \n \r \t \e
 * \\ \xHH into out; prints what is wrong and returns -1. hvctl_send_input:
 * all of bytes into the cell's console input, retrying while the cell reads;
 * prints why not and returns -1.
 */
int hvctl_unescape(const char *text, char *out, size_t size, size_t *len);
int hvctl_send_input(int fd, const char *name, const char *bytes, size_t len);

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
 * Reports a failed ioctl as "hvctl: WHAT: MESSAGE": the driver's message in
 * err (a buffer of size bytes it may have left unterminated), else the text
 * of error (an errno value).
 */
void hvctl_ioctl_error(const char *what, char *err, size_t size, int error);

/*
 * Checks a cell name given on the command line: 1 to HVCTL_CELL_NAME_MAX
 * characters. Prints why not ("COMMAND: ...") and returns -1 if it is not.
 */
int hvctl_check_cell_name(const char *command, const char *name);

/* Copies a name accepted by hvctl_check_cell_name() into an ioctl's char[32], zero-padded. */
void hvctl_copy_cell_name(char dst[HVCTL_CELL_NAME_MAX + 1], const char *name);

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
 * Parses an unsigned number, hexadecimal with a 0x prefix or decimal, that
 * fills the whole string. Returns 0, or -1 if it is malformed or too large.
 */
int hvctl_parse_u64(const char *text, uint64_t *value);

/*
 * Parses a Linux CPU list ("0-3", "0,2,5-7", "" for none) into a hart bitmap.
 * Returns 0, or -1 if the list is malformed or names a hart >= 64.
 */
int hvctl_parse_hart_list(const char *list, uint64_t *harts);

/* Formats a hart bitmap as a canonical CPU list ("0-3,6"; "none" if empty). */
void hvctl_format_hart_list(uint64_t harts, char *buf, size_t size);

/* ---- config.c */

/* A check of config.h's format: bh_config_check_system or bh_config_check_cell. */
typedef int hvctl_config_check_fn(const void *buf, size_t len, char *err, size_t err_len);

/*
 * Reads the config file at path and validates it with check, so a broken
 * file never reaches the driver. Returns 0 with the bytes in a malloc'd
 * *data, or -1 after printing what is wrong (the validator's message).
 */
int hvctl_read_config(const char *path, hvctl_config_check_fn *check, void **data, size_t *len);

/*
 * Reads and checks the config at path, then hands it to the driver with
 * request (BH_IOCTL_ENABLE or BH_IOCTL_CELL_CREATE). Returns HVCTL_OK or
 * HVCTL_FAIL after printing the validator's or the driver's message.
 */
int hvctl_send_config(const char *command, const char *path, hvctl_config_check_fn *check,
		      unsigned long request);

/* ---- sysfs.c */

/* Formats SYSFS_ROOT/fmt... into path; prints an error and returns -1 if it does not fit. */
int hvctl_sysfs_path(char *path, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Reads SYSFS_ROOT/enabled into *enabled (0 or 1). Prints what is wrong (and
 * how to load the module when the file is missing) and returns -1 on failure.
 */
int hvctl_read_enabled(int *enabled);
/* 0 if the hypervisor runs; else prints "COMMAND: hypervisor not enabled" (or why it cannot tell). */
int hvctl_require_enabled(const char *command);

/*
 * The names of the directories in SYSFS_ROOT/cells, sorted (byte order), as
 * a malloc'd array of malloc'd strings; free with hvctl_free_names(). Prints
 * what is wrong and returns -1 on failure.
 */
int hvctl_list_cell_names(char ***names, size_t *count);
void hvctl_free_names(char **names, size_t count);

/* ---- latency.c: hvctl cell stats NAME --latency [--json] | --reset */

/* Prints the cell's interrupt latency figures (JSON if json). HVCTL_OK or HVCTL_FAIL. */
int hvctl_cell_latency(const char *name, int json);
int hvctl_cell_latency_reset(const char *name);

/* ---- stats.c: a cell's exit counters, as sysfs shows them */

struct hvctl_hart_stats {
	unsigned int hart;
	uint64_t exits[BH_EXIT_NUM];
	uint64_t total;
};

struct hvctl_cell_stats {
	const char *name;
	uint64_t harts;
	unsigned int num_harts;
	struct hvctl_hart_stats stats[64]; /* the first num_harts, by ascending hart */
};

/*
 * Reads cells/NAME/cpus and the counters of each of its harts; the caller
 * sets stats->name. Prints what is wrong and returns -1 on failure.
 */
int hvctl_read_cell_stats(struct hvctl_cell_stats *stats);

/* Prints "cell NAME", its harts and its exit table (format: main.c's help). */
void hvctl_print_cell_stats(const struct hvctl_cell_stats *stats);

/* ---- elf.c: what to load of an ELF image */

/* A PT_LOAD segment to load: filesz bytes from the file, then memsz - filesz zeros. */
struct hvctl_segment {
	uint64_t paddr;
	uint64_t offset; /* of its bytes in the file */
	uint64_t filesz;
	uint64_t memsz;
};

/* Whether image starts with the ELF magic (then it must be an ELF hvctl can load). */
int hvctl_is_elf(const void *image, size_t len);

/*
 * The segments of a 64-bit little-endian RISC-V executable to load: every
 * PT_LOAD with file contents, in program header order, each checked to lie
 * in the file, to have memsz >= filesz and memsz <= max_memsz, and not to
 * wrap. Returns 0 with a malloc'd array in *segs (at least one), or -1 with
 * a message in err (NUL-terminated, at most err_len bytes).
 */
int hvctl_elf_segments(const void *image, size_t len, uint64_t max_memsz,
		       struct hvctl_segment **segs, size_t *count, char *err, size_t err_len);

/* ---- dtb_config.c: a cell's config and the system config, from files or the driver */

struct bh_cell_desc;
struct bh_system_config;

/*
 * The configs a cell's device tree and its loading are made from, both
 * validated, in malloc'd buffers. The driver shows each cell's config as
 * cells/NAME/config; the root cell's is the system config.
 */
struct hvctl_configs {
	void *cell_data;
	size_t cell_len;
	void *sys_data;
	size_t sys_len;
	const struct bh_cell_desc *cell;
	const struct bh_system_config *sys; /* NULL until hvctl_read_system_config() */
};

/*
 * Reads the cell config at path or, when path is NULL, the driver's copy of
 * cell name's, into cfg (zeroed first). Prints "COMMAND: ..." and returns -1
 * on failure.
 */
int hvctl_read_cell_config(const char *command, const char *name, const char *path,
			   struct hvctl_configs *cfg);

/*
 * Reads the system config at path or, when path is NULL, the driver's (the
 * root cell's config), and checks that cfg's cell fits it. Prints what is
 * wrong and returns -1 on failure.
 */
int hvctl_read_system_config(const char *command, const char *path, struct hvctl_configs *cfg);

/* The driver's system config into cfg->sys_data, validated (cfg->sys is left alone). */
int hvctl_read_driver_system(const char *command, struct hvctl_configs *cfg);

void hvctl_free_configs(struct hvctl_configs *cfg);

/* ---- dtb_root.c: flattened device trees read from files */

#define HVCTL_DEFAULT_FDT "/sys/firmware/fdt"

/* The largest device tree hvctl reads or writes (Linux 6.1 on RISC-V maps at most 2 MiB). */
#define HVCTL_MAX_FDT_SIZE (2U << 20)

/*
 * Checks that data (len bytes, 8-byte aligned) starts with a whole
 * flattened device tree that libfdt can walk: every node and property.
 * Returns 0, or -1 with the reason in err.
 */
int hvctl_check_fdt(const void *data, size_t len, char *err, size_t err_len);

/* The root's device tree file: path, else $BH_FDT, else /sys/firmware/fdt. */
const char *hvctl_root_fdt_path(const char *path);

/*
 * Reads and checks the root's device tree: path, else $BH_FDT, else
 * /sys/firmware/fdt. Prints "COMMAND: root device tree PATH: ..." and
 * returns -1 on failure.
 */
int hvctl_read_root_fdt(const char *command, const char *path, void **fdt, size_t *len);

/* The hart id in a cpu node's reg (one or two cells, as /cpus says), or -1. */
int64_t hvctl_fdt_hart_id(const void *fdt, int cpus, int node);

/* The node of the cpu with that hart id under /cpus, else the first cpu node, else < 0. */
int hvctl_fdt_cpu_node(const void *fdt, uint32_t hart);

/* Whether node's property name is the string value. */
int hvctl_fdt_prop_is(const void *fdt, int node, const char *name, const char *value);

/* ---- dtb_devices.c: the devices a cell's tree describes, copied from the root's */

/* A device node of the root's tree that lies in the cell's IO regions. */
struct hvctl_dtb_device {
	int node;	     /* its offset in the root's tree */
	int parent;	     /* its parent's, whose cells its reg is written in */
	uint64_t unit;	     /* guest-physical address of its first reg entry */
	int with_interrupts; /* its lines are all the cell's: copy them */
};

/*
 * The device nodes of the root's tree (checked) to copy into the cell's:
 * those whose reg entries all lie in the cell's IO regions. Warns
 * ("COMMAND: warning: ...") about what cannot be copied whole: a device
 * with a line the cell does not own, an IO region no node describes.
 * Returns 0 with a malloc'd array (NULL if empty), or -1 after an error.
 */
int hvctl_dtb_find_devices(const char *command, const void *fdt, const struct bh_cell_desc *cell,
			   struct hvctl_dtb_device **devs, size_t *count);

#define HVCTL_DTB_NODE_NAME_LEN 128

/* The name of a found device's node in the cell's tree (its unit address the cell's). */
void hvctl_dtb_device_name(const void *fdt, const struct hvctl_dtb_device *dev,
			   char name[HVCTL_DTB_NODE_NAME_LEN]);

/*
 * Writes the found devices as nodes of the cell's tree being built in out
 * (libfdt's sequential writer, inside a bus with 2 address and 2 size
 * cells). Returns 0 or a negative libfdt error.
 */
int hvctl_dtb_write_devices(void *out, const void *fdt, const struct bh_cell_desc *cell,
			    const struct hvctl_dtb_device *devs, size_t count,
			    uint32_t plic_phandle);

/* ---- dtb_build.c, dtb.c: a cell's device tree */

/*
 * The kernel command line when none is given: an SBI console is hvc0 (no
 * device tree node describes it); a 16550 console is /chosen/stdout-path,
 * which the console and earlycon follow.
 */
#define HVCTL_DEFAULT_BOOTARGS	       "console=hvc0 earlycon=sbi"
#define HVCTL_DEFAULT_BOOTARGS_NS16550 "earlycon"

struct hvctl_dtb_input {
	const char *command; /* for messages */
	const struct bh_cell_desc *cell;
	const struct bh_system_config *sys;
	const void *root_fdt; /* checked by hvctl_check_fdt() */
	const char *bootargs; /* NULL: the default for the cell's console */
};

/*
 * The device tree of a cell: its harts, RAM, PLIC, devices and bootargs.
 * Returns 0 with a malloc'd tree, or -1 after printing what is wrong.
 */
int hvctl_build_cell_dtb(const struct hvctl_dtb_input *in, void **dtb, size_t *len);

/*
 * The device tree of the cell in cfg (its system config read from
 * system_path or the driver, the root's tree from root_dtb or the default).
 * Returns 0 with a malloc'd tree, or -1 after printing what is wrong.
 */
int hvctl_make_cell_dtb(const char *command, struct hvctl_configs *cfg, const char *system_path,
			const char *root_dtb, const char *bootargs, void **dtb, size_t *len);

/*
 * Writes len bytes to path (created or truncated) or, when path is NULL, to
 * stdout. Prints "COMMAND: cannot ..." and returns -1 on failure.
 */
int hvctl_write_output(const char *command, const char *path, const void *data, size_t len);

/* ---- image.c: the RISC-V Linux Image header */

struct hvctl_linux_image {
	uint64_t text_offset; /* where it goes: start of RAM + text_offset */
	uint64_t image_size;  /* what it occupies there, its bss included */
};

/* Whether image has the Image magics ("RISCV\0\0\0" at 48, "RSC\x05" at 56). */
int hvctl_is_linux_image(const void *image, size_t len);

/* Reads and checks the header of a Linux Image; -1 with a message in err if it is bad. */
int hvctl_linux_image(const void *image, size_t len, struct hvctl_linux_image *img, char *err,
		      size_t err_len);

/* ---- image_place.c: where a cell's images go, checked against its config */

/* Guest-physical memory an image occupies. */
struct hvctl_span {
	uint64_t start;
	uint64_t size;
};

/*
 * Where a Linux Image goes in the cell: the start of the RAM region holding
 * its entry + text_offset, which must be the entry, with image_size bytes
 * inside that loadable region. Returns 0 with *address, or -1 with a
 * message in err.
 */
int hvctl_place_linux_image(const struct bh_cell_desc *cell, const struct hvctl_linux_image *img,
			    uint64_t *address, char *err, size_t err_len);

/*
 * Checks that a device tree of size bytes at the cell's boot_arg lies in
 * one loadable RAM region and overlaps none of the image's spans. Returns 0,
 * or -1 with a message in err.
 */
int hvctl_place_dtb(const struct bh_cell_desc *cell, uint64_t size, const struct hvctl_span *spans,
		    size_t count, char *err, size_t err_len);

#endif /* HVCTL_H */
