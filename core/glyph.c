/*
 * glyph.c: the console's own characters for UTF-8 and for ASCII terminals
 * (glyph.h).
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "core/glyph.h"

static const struct glyph_table utf8_table = {
	.ascii = 0,
	.codeset = "UTF-8",
	.ellipsis = "\xE2\x80\xA6",	/* U+2026 HORIZONTAL ELLIPSIS */
	.ellipsis_cols = 1,
	.replacement = "\xEF\xBF\xBD",	/* U+FFFD REPLACEMENT CHARACTER */
	.vline = 0,
};

static const struct glyph_table ascii_table = {
	.ascii = 1,
	.codeset = "ASCII",
	.ellipsis = "...",
	.ellipsis_cols = 3,
	.replacement = "?",
	.vline = '|',
};

static const struct glyph_table *current = &utf8_table;

/* "UTF-8", "utf8", "UTF8": ASCII case-insensitive, the dash optional. */
static int
is_utf8(const char *cs)
{
	char n[8];
	size_t k = 0;

	if (cs == NULL)
		return 0;
	for (; *cs != '\0'; cs++) {
		if (*cs == '-' || *cs == '_')
			continue;
		if (k == sizeof n - 1)
			return 0;
		n[k++] = (char)tolower((unsigned char)*cs);
	}
	n[k] = '\0';
	return strcmp(n, "utf8") == 0;
}

void
glyph_choose(const char *codeset)
{
	current = is_utf8(codeset) ? &utf8_table : &ascii_table;
}

const struct glyph_table *
glyph_table(void)
{
	return current;
}

const char *
glyph_ascii_for(uint32_t cp)
{
	switch (cp) {
	case 0x00A0:		/* no-break space */
	case 0x2002: case 0x2003: case 0x2009: case 0x202F:
		return " ";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212:	/* hyphens, dashes, minus */
		return "-";
	case 0x2018: case 0x2019: case 0x201A: case 0x2032:
		return "'";
	case 0x201C: case 0x201D: case 0x201E: case 0x2033:
		return "\"";
	case 0x2026:
		return "...";
	case 0x2022: case 0x00B7:
		return "*";
	case 0x2192:
		return "->";
	default:
		return NULL;
	}
}
