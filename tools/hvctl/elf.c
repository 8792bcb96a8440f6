// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The few parts of an ELF file that loading a cell image needs: the header
 * and the program headers of a 64-bit little-endian RISC-V executable. Fields
 * are read byte by byte at the offsets of the ELF specification, so neither
 * the host's endianness nor the buffer's alignment matters.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "hvctl.h"

#define EI_CLASS    4
#define EI_DATA	    5
#define EI_VERSION  6
#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT  1
#define ET_EXEC	    2
#define EM_RISCV    243u
#define PT_LOAD	    1
#define PN_XNUM	    0xffff
#define EHDR64_SIZE 64
#define PHDR64_SIZE 56u

/* Elf64_Ehdr offsets */
#define E_TYPE	    16
#define E_MACHINE   18
#define E_PHOFF	    32
#define E_PHENTSIZE 54
#define E_PHNUM	    56

/* Elf64_Phdr offsets */
#define P_TYPE	 0
#define P_OFFSET 8
#define P_PADDR	 24
#define P_FILESZ 32
#define P_MEMSZ	 40

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

int hvctl_is_elf(const void *image, size_t len)
{
	const uint8_t *p = image;

	return len >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

static const char *machine_name(unsigned int machine)
{
	switch (machine) {
	case 3:
		return " (x86)";
	case 8:
		return " (MIPS)";
	case 40:
		return " (ARM)";
	case 62:
		return " (x86-64)";
	case 183:
		return " (AArch64)";
	case 258:
		return " (LoongArch)";
	default:
		return "";
	}
}

/* The header checks: is this an ELF hvctl can load at all? */
static int check_header(const uint8_t *p, size_t len, char *err, size_t err_len)
{
	unsigned int machine, type;

	if (len < EI_NIDENT) {
		snprintf(err, err_len, "truncated ELF header (%zu bytes)", len);
		return -1;
	}
	if (p[EI_CLASS] != ELFCLASS64) {
		snprintf(err, err_len, "%s ELF file, expected 64-bit RISC-V",
			 p[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown-class");
		return -1;
	}
	if (p[EI_DATA] != ELFDATA2LSB) {
		snprintf(err, err_len, "%s ELF file, expected little-endian RISC-V",
			 p[EI_DATA] == ELFDATA2MSB ? "big-endian" : "unknown-byte-order");
		return -1;
	}
	if (p[EI_VERSION] != EV_CURRENT) {
		snprintf(err, err_len, "ELF version %u not supported (expected 1)", p[EI_VERSION]);
		return -1;
	}
	if (len < EHDR64_SIZE) {
		snprintf(err, err_len, "truncated ELF header (%zu bytes)", len);
		return -1;
	}
	machine = (unsigned int)get_le(p + E_MACHINE, 2);
	if (machine != EM_RISCV) {
		snprintf(err, err_len, "ELF file for machine %u%s, expected RISC-V (%u)", machine,
			 machine_name(machine), EM_RISCV);
		return -1;
	}
	type = (unsigned int)get_le(p + E_TYPE, 2);
	if (type != ET_EXEC) {
		snprintf(err, err_len, "ELF file of type %u, expected an executable (ET_EXEC, 2)",
			 type);
		return -1;
	}
	return 0;
}

/* Where the program header table is, checked to lie in the file. */
static int find_phdrs(const uint8_t *p, size_t len, uint64_t *phoff, unsigned int *phnum, char *err,
		      size_t err_len)
{
	unsigned int entsize = (unsigned int)get_le(p + E_PHENTSIZE, 2);

	*phoff = get_le(p + E_PHOFF, 8);
	*phnum = (unsigned int)get_le(p + E_PHNUM, 2);
	if (*phnum == PN_XNUM) {
		snprintf(err, err_len, "more than 65534 program headers not supported");
		return -1;
	}
	if (*phnum && entsize != PHDR64_SIZE) {
		snprintf(err, err_len, "program header size %u, expected %u", entsize, PHDR64_SIZE);
		return -1;
	}
	if (*phoff > len || (uint64_t)*phnum * PHDR64_SIZE > len - *phoff) {
		snprintf(err, err_len,
			 "program headers (%u at offset %" PRIu64
			 ") run past the end of the file (%zu bytes)",
			 *phnum, *phoff, len);
		return -1;
	}
	return 0;
}

static int read_segment(const uint8_t *ph, unsigned int index, size_t len, uint64_t max_memsz,
			struct hvctl_segment *seg, char *err, size_t err_len)
{
	seg->offset = get_le(ph + P_OFFSET, 8);
	seg->paddr = get_le(ph + P_PADDR, 8);
	seg->filesz = get_le(ph + P_FILESZ, 8);
	seg->memsz = get_le(ph + P_MEMSZ, 8);
	if (seg->offset > len || seg->filesz > len - seg->offset) {
		snprintf(err, err_len,
			 "program header %u: 0x%" PRIx64 " file bytes at offset 0x%" PRIx64
			 " run past the end of the file (%zu bytes)",
			 index, seg->filesz, seg->offset, len);
		return -1;
	}
	if (seg->memsz < seg->filesz) {
		snprintf(err, err_len,
			 "program header %u: memory size 0x%" PRIx64
			 " is smaller than file size 0x%" PRIx64,
			 index, seg->memsz, seg->filesz);
		return -1;
	}
	if (seg->memsz > max_memsz) {
		snprintf(err, err_len,
			 "program header %u: memory size 0x%" PRIx64
			 " is larger than hvctl loads (0x%" PRIx64 ")",
			 index, seg->memsz, max_memsz);
		return -1;
	}
	if (seg->paddr > UINT64_MAX - seg->memsz) {
		snprintf(err, err_len,
			 "program header %u: 0x%" PRIx64 " bytes at 0x%" PRIx64
			 " wrap around the address space",
			 index, seg->memsz, seg->paddr);
		return -1;
	}
	return 0;
}

int hvctl_elf_segments(const void *image, size_t len, uint64_t max_memsz,
		       struct hvctl_segment **segs, size_t *count, char *err, size_t err_len)
{
	const uint8_t *p = image;
	struct hvctl_segment *list;
	unsigned int phnum, i;
	uint64_t phoff;
	size_t n = 0;

	*segs = NULL;
	*count = 0;
	if (check_header(p, len, err, err_len) || find_phdrs(p, len, &phoff, &phnum, err, err_len))
		return -1;
	list = calloc(phnum ? phnum : 1, sizeof(*list));
	if (!list) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = p + phoff + (uint64_t)i * PHDR64_SIZE;

		/* Segments without file bytes are .bss only: the inmate's startup clears it. */
		if (get_le(ph + P_TYPE, 4) != PT_LOAD || !get_le(ph + P_FILESZ, 8))
			continue;
		if (read_segment(ph, i, len, max_memsz, &list[n], err, err_len)) {
			free(list);
			return -1;
		}
		n++;
	}
	if (!n) {
		snprintf(err, err_len, "ELF file has no PT_LOAD segment with file contents");
		free(list);
		return -1;
	}
	*segs = list;
	*count = n;
	return 0;
}
