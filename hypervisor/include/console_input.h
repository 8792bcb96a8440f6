/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cell's console input: bytes the root sends (hvctl cell send, console -i)
 * wait here until the cell reads them with SBI getchar or DBCN read. A full
 * buffer takes no more: the sender learns how much it took and tries again,
 * so nothing is lost and a cell that never reads costs the root nothing.
 */
#ifndef BULKHEAD_CONSOLE_INPUT_H
#define BULKHEAD_CONSOLE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_INPUT_SIZE 1024 /* power of two */

struct console_input {
	uint32_t head; /* bytes ever taken in */
	uint32_t tail; /* bytes ever read out */
	char buf[CONSOLE_INPUT_SIZE];
};

/* Take up to len bytes of src; returns how many fitted. */
size_t console_input_push(struct console_input *in, const char *src, size_t len);
/* Read up to len bytes into dst, oldest first; returns how many. */
size_t console_input_pop(struct console_input *in, char *dst, size_t len);

#endif
