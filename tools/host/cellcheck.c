// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cellcheck: validate Bulkhead .cell files on the build machine with the
 * same validator the driver and the hypervisor run.
 *
 *   cellcheck [-s SYSTEM.cell] FILE...
 *
 * A file starting with the system signature is checked as a system config,
 * anything else as a cell config; with -s, cell configs must also fit the
 * given system config. Prints nothing on success; on failure prints
 * "cellcheck: FILE: MESSAGE" and exits 1 (2 for usage or I/O errors).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>

/* Far larger than any valid config: a system config with 64 regions is 2760 bytes. */
#define MAX_FILE_SIZE (1 << 20)

struct file {
	const char *path;
	void *data; /* malloc'd: aligned enough for the validator */
	size_t len;
};

static int read_file(const char *path, struct file *f)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	f->path = path;
	f->data = NULL;
	f->len = 0;
	if (!fp) {
		fprintf(stderr, "cellcheck: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed, to tell a too-large file from a full buffer. */
	f->data = malloc(MAX_FILE_SIZE + 1);
	if (!f->data) {
		fprintf(stderr, "cellcheck: out of memory\n");
		fclose(fp);
		return -1;
	}
	n = fread(f->data, 1, MAX_FILE_SIZE + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "cellcheck: %s: read error\n", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (n > MAX_FILE_SIZE) {
		fprintf(stderr, "cellcheck: %s: larger than %d bytes, not a config\n", path,
			MAX_FILE_SIZE);
		return -1;
	}
	f->len = n;
	return 0;
}

static int is_system_config(const struct file *f)
{
	static const char sig[BH_SYSTEM_SIGNATURE_LEN] = BH_SYSTEM_SIGNATURE_INIT;

	return f->len >= sizeof(sig) && !memcmp(f->data, sig, sizeof(sig));
}

/* 0 if the file is valid, 1 if not (message printed). */
static int check_file(const struct file *f, const struct file *sys)
{
	char err[BH_CONFIG_ERR_LEN];
	int ret;

	if (is_system_config(f)) {
		ret = bh_config_check_system(f->data, f->len, err, sizeof(err));
	} else {
		ret = bh_config_check_cell(f->data, f->len, err, sizeof(err));
		if (!ret && sys)
			ret = bh_config_check_cell_fits(sys->data, f->data, err, sizeof(err));
	}
	if (!ret)
		return 0;
	fprintf(stderr, "cellcheck: %s: %s\n", f->path, err);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: cellcheck [-s SYSTEM.cell] FILE...\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct file sys, f;
	int have_sys = 0, failed = 0, i = 1;
	char err[BH_CONFIG_ERR_LEN];

	if (i + 1 < argc && !strcmp(argv[i], "-s")) {
		if (read_file(argv[i + 1], &sys))
			return 2;
		if (bh_config_check_system(sys.data, sys.len, err, sizeof(err))) {
			fprintf(stderr, "cellcheck: %s: %s\n", sys.path, err);
			return 1;
		}
		have_sys = 1;
		i += 2;
	}
	if (i >= argc || argv[i][0] == '-')
		return usage();
	for (; i < argc; i++) {
		if (read_file(argv[i], &f)) {
			free(f.data);
			return 2;
		}
		failed |= check_file(&f, have_sys ? &sys : NULL);
		free(f.data);
	}
	if (have_sys)
		free(sys.data);
	return failed;
}
