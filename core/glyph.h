/*
 * glyph.h: the characters of our own that the console draws beside the
 * data (the ellipsis of a cut text, the stand-in for ill-formed UTF-8, the
 * vertical rule between panes), one table for each kind of terminal.
 *
 * The table is chosen once at start from the locale's codeset
 * (nl_langinfo(CODESET), after setlocale): a UTF-8 locale gets "…" and the
 * terminal's line drawing; any other (LANG=C, ISO-8859-1, ...) gets ASCII
 * only ("...", '?', '|'), and then sanitize_text() turns every non-ASCII
 * character of the data into ASCII too (typographic dashes and quotes into
 * their ASCII look-alikes, anything else into a "<U+XXXX>" token): no byte
 * >= 0x80 reaches a terminal that might not read UTF-8.  Until a table is
 * chosen it is the UTF-8 one.  Pure: the caller reads the locale.
 */
#ifndef WR_GLYPH_H
#define WR_GLYPH_H

#include <stdint.h>

struct glyph_table {
	int ascii;		/* only ASCII may reach the terminal */
	const char *codeset;	/* what it was chosen for */
	const char *ellipsis;	/* the end of a cut text */
	int ellipsis_cols;
	const char *replacement;	/* ill-formed UTF-8 (U+FFFD) */
	char vline;		/* the rule between panes; 0: the
				 * terminal's own line drawing (ACS) */
};

/* Choose the table for a locale's codeset ("UTF-8", "ANSI_X3.4-1968");
 * NULL or "" is not UTF-8. */
void glyph_choose(const char *codeset);
const struct glyph_table *glyph_table(void);
/* In an ASCII table: what stands for codepoint cp (>= 0x80) when it has a
 * look-alike ("-" for an em dash, "..." for an ellipsis), else NULL. */
const char *glyph_ascii_for(uint32_t cp);

#endif
