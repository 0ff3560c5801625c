/*
 * severity.c: the severity word table (severity.h).
 *
 * The built-in list is the one warroomd(8) documents; keep the two in
 * step.  Config additions are searched newest first so a word given twice
 * (or a built-in word re-mapped) takes the later level.
 */
#include <stdlib.h>
#include <string.h>

#include "severity.h"
#include "util.h"

static const struct {
	const char *word;
	wr_severity level;
} builtin[] = {
	{ "critical", WR_SEV_CRITICAL }, { "crit", WR_SEV_CRITICAL },
	{ "fatal", WR_SEV_CRITICAL }, { "emergency", WR_SEV_CRITICAL },
	{ "emerg", WR_SEV_CRITICAL }, { "alert", WR_SEV_CRITICAL },
	{ "disaster", WR_SEV_CRITICAL }, { "page", WR_SEV_CRITICAL },
	{ "p0", WR_SEV_CRITICAL }, { "p1", WR_SEV_CRITICAL },
	{ "sev0", WR_SEV_CRITICAL }, { "sev1", WR_SEV_CRITICAL },
	{ "sev-0", WR_SEV_CRITICAL }, { "sev-1", WR_SEV_CRITICAL },

	{ "error", WR_SEV_ERROR }, { "err", WR_SEV_ERROR },
	{ "high", WR_SEV_ERROR }, { "major", WR_SEV_ERROR },
	{ "p2", WR_SEV_ERROR }, { "sev2", WR_SEV_ERROR },
	{ "sev-2", WR_SEV_ERROR },

	{ "warning", WR_SEV_WARNING }, { "warn", WR_SEV_WARNING },
	{ "medium", WR_SEV_WARNING }, { "minor", WR_SEV_WARNING },
	{ "average", WR_SEV_WARNING }, { "p3", WR_SEV_WARNING },
	{ "sev3", WR_SEV_WARNING }, { "sev-3", WR_SEV_WARNING },

	{ "info", WR_SEV_INFO }, { "informational", WR_SEV_INFO },
	{ "low", WR_SEV_INFO }, { "none", WR_SEV_INFO },
	{ "notice", WR_SEV_INFO }, { "ok", WR_SEV_INFO },
	{ "p4", WR_SEV_INFO }, { "p5", WR_SEV_INFO },
	{ "sev4", WR_SEV_INFO }, { "sev5", WR_SEV_INFO },
};

#define N_BUILTIN (sizeof builtin / sizeof builtin[0])

/* ASCII only: a sender's bytes must not meet the C library's locale. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
word_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

void
wr_severity_table_init(struct wr_severity_table *t)
{
	memset(t, 0, sizeof *t);
}

int
wr_severity_table_add(struct wr_severity_table *t, const char *word,
    wr_severity level)
{
	size_t len;

	if (word == NULL || (unsigned)level >= WR_SEV_COUNT)
		return -1;
	len = strlen(word);
	if (len == 0 || len > WR_SEVERITY_WORD_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)word[i];
		if (c <= ' ' || c == ',' || c == 0x7f)
			return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		if (word_eq(t->v[i].word, word)) {
			t->v[i].level = level;
			return 0;
		}
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xrealloc(t->v, t->cap * sizeof t->v[0]);
	}
	t->v[t->n].word = xstrdup(word);
	for (char *p = t->v[t->n].word; *p != '\0'; p++)
		*p = (char)lower((unsigned char)*p);
	t->v[t->n].level = level;
	t->n++;
	return 0;
}

void
wr_severity_table_free(struct wr_severity_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].word);
	free(t->v);
	memset(t, 0, sizeof *t);
}

int
wr_severity_word(const struct wr_severity_table *t, const char *word,
    wr_severity *out)
{
	if (word == NULL)
		return -1;
	if (t != NULL) {
		for (size_t i = 0; i < t->n; i++) {
			if (word_eq(t->v[i].word, word)) {
				*out = t->v[i].level;
				return 0;
			}
		}
	}
	for (size_t i = 0; i < N_BUILTIN; i++) {
		if (word_eq(builtin[i].word, word)) {
			*out = builtin[i].level;
			return 0;
		}
	}
	return -1;
}

const char *
wr_severity_builtin(size_t i, wr_severity *level)
{
	if (i >= N_BUILTIN)
		return NULL;
	if (level != NULL)
		*level = builtin[i].level;
	return builtin[i].word;
}
