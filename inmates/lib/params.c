// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading the parameter page's command line (see params.h). */
#include "params.h"
#include "layout.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

void params_read_line(char *line, size_t size)
{
	const char *p = (const char *)(uintptr_t)INMATE_PARAM_PAGE;
	size_t len = 0, i = 0;

	while (i < INMATE_PARAM_SIZE && is_space(p[i]))
		i++;
	for (; i < INMATE_PARAM_SIZE && len + 1 < size; i++) {
		if (p[i] == '\0' || p[i] == '\n' || p[i] == '\r')
			break;
		line[len++] = p[i];
	}
	while (len && is_space(line[len - 1]))
		len--;
	line[len] = '\0';
}

char *params_split_word(char *line)
{
	while (*line && !is_space(*line))
		line++;
	if (!*line)
		return line;
	*line++ = '\0';
	while (is_space(*line))
		line++;
	return line;
}

bool params_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

bool params_parse_hex(const char *s, uintptr_t *out)
{
	uintptr_t v = 0;
	unsigned int digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, digits++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		if (digits == 16)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return digits > 0;
}
