/*
 * severity.h: the words senders use for how bad something is, and the
 * level each word means to the war room.
 *
 * Senders do not agree on severity words: Alertmanager rules say
 * "critical" or "page", PagerDuty-style senders "P1" or "SEV-2", Zabbix
 * "disaster" or "average", OpenShift's Watchdog "none".  One table maps
 * them onto our four levels; the relay config ([severity] section) may add
 * words or re-map built-in ones.  Lookup is ASCII case-insensitive.  This
 * is a pure table: no I/O, no locale.
 */
#ifndef WR_SEVERITY_H
#define WR_SEVERITY_H

#include <stddef.h>

#include "model.h"

/* Longest word a table accepts (bytes). */
#define WR_SEVERITY_WORD_MAX 64

struct wr_severity_word {
	char *word;		/* lower case */
	wr_severity level;
};

/* Additions to the built-in table; zero-initialised is an empty table. */
struct wr_severity_table {
	struct wr_severity_word *v;
	size_t n;
	size_t cap;
};

void wr_severity_table_init(struct wr_severity_table *t);
/*
 * Add (or re-map) one word.  A word given twice keeps the later level.
 * Returns 0, or -1 when the word is empty, longer than
 * WR_SEVERITY_WORD_MAX, or holds a space, a comma or a control byte.
 */
int wr_severity_table_add(struct wr_severity_table *t, const char *word,
    wr_severity level);
void wr_severity_table_free(struct wr_severity_table *t);

/*
 * What level WORD means: the table's additions first, then the built-in
 * words (NULL table: built-ins only).  Returns 0 with *out set, or -1 when
 * the word is unknown (or NULL); *out is then untouched.
 */
int wr_severity_word(const struct wr_severity_table *t, const char *word,
    wr_severity *out);

/* The built-in words, in order (for the manual and tests): NULL past the
 * end. */
const char *wr_severity_builtin(size_t i, wr_severity *level);

#endif
