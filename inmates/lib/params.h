/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The parameter page as a one-line command: "mode [argument]". Test inmates
 * (attack, hostile) take their mode from it; see docs/inmates.md.
 */
#ifndef INMATE_PARAMS_H
#define INMATE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first line of the parameter page, without surrounding blanks. */
void params_read_line(char *line, size_t size);

/* Split "word rest" in place: returns rest ("" if none). */
char *params_split_word(char *line);

bool params_equal(const char *a, const char *b);

/* Hex with or without 0x; false for anything else or nothing. */
bool params_parse_hex(const char *s, uintptr_t *out);

#endif /* INMATE_PARAMS_H */
