// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Console input demo: every line the root sends (hvctl cell send, hvctl cell
 * console -i) comes back as "echo: LINE (N bytes)". It reads with DBCN read
 * until the line "getchar" switches it to legacy getchar; "quit" ends the
 * cell (SRST shutdown).
 */
#include "inmate.h"

#define LINE_MAX 8192

static char line[LINE_MAX];

static bool line_is(const char *word)
{
	size_t i;

	for (i = 0; word[i] && line[i] == word[i]; i++)
		;
	return !word[i] && !line[i];
}

static bool read_byte(bool legacy, char *c)
{
	if (legacy) {
		int ch = console_getchar();

		if (ch < 0)
			return false;
		*c = (char)ch;
		return true;
	}
	return console_read(c, 1) == 1;
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	bool legacy = false;
	size_t len = 0;
	char c;

	printf("echo: cell %s on hart %lu reads its console\n", bi->name, hart);
	for (;;) {
		if (!read_byte(legacy, &c))
			continue;
		if (c != '\n' && c != '\r') {
			if (len < LINE_MAX - 1)
				line[len++] = c;
			continue;
		}
		line[len] = '\0';
		printf("echo: %s (%lu bytes, %s)\n", line, (unsigned long)len,
		       legacy ? "getchar" : "dbcn");
		if (line_is("getchar"))
			legacy = true;
		if (line_is("quit")) {
			printf("echo: bye\n");
			sbi_shutdown();
		}
		len = 0;
	}
}
