/*
 * inifile.h: the one reader of key = value files, for warroomd's config
 * (relay/config.c) and the console's (cli/config.c).
 *
 * inih splits the text; this wrapper feeds it one line at a time so that
 * every callback knows its line number, strips '#' comments (at the start
 * of a line or after a space, as our files always allowed), refuses a line
 * longer than inih's buffer instead of letting it be cut in two, refuses
 * NUL bytes and lines that are neither KEY = VALUE nor [SECTION], and
 * shows each section header to the caller as it is read, so that an empty
 * unknown section is refused too.  The first error stops the reading.
 * The caller reads the file: no I/O here.
 */
#ifndef WR_INIFILE_H
#define WR_INIFILE_H

#include <stddef.h>

/*
 * Each returns NULL to go on, or a reason (malloc'd) to stop.  section is
 * "" before the first header; the strings are valid during the call;
 * lineno is the line's number, 1-based.
 */
struct wr_inifile_ops {
	char *(*section)(void *user, const char *section, int lineno);
	char *(*key)(void *user, const char *section, const char *key,
	    const char *value, int lineno);
};

/*
 * Parse text[0..len).  Returns 0, or -1 with *lineno (1-based) and *cause
 * (malloc'd, without the file name or line: the caller adds "path:line: ").
 */
int wr_inifile_parse(const char *text, size_t len, const struct wr_inifile_ops *ops,
    void *user, int *lineno, char **cause);

#endif
