/*
 * file.h: a whole file read into memory, bounded.
 *
 * Config files, tokens' neighbours, CA bundles, scenarios, zoneinfo and
 * iCalendar files are read whole and then parsed from memory; this is the
 * one place that reads them, so that each has a limit and none is cut
 * short without a word.
 */
#ifndef WR_STORE_FILE_H
#define WR_STORE_FILE_H

#include <stddef.h>

/*
 * Read all of path, at most max bytes: 0 and *text (NUL-terminated, the
 * caller frees it) and *len; or -1 and *err, an errno value: ENOENT and
 * the like from open(2) and read(2), EFBIG when it holds more than max
 * bytes.  Pipes and devices are read to their end like files.
 */
int store_read_file(const char *path, size_t max, char **text, size_t *len,
    int *err);

#endif
