/*
 * inifile.c: key = value files through inih, with line numbers (inifile.h).
 */
#include <ini.h>
#include <stdlib.h>
#include <string.h>

#include "inifile.h"
#include "util.h"

struct ini_state {
	const char *text;
	size_t len, pos;
	int lineno;
	const struct wr_inifile_ops *ops;
	void *user;
	char *cause;	/* the first error; reading stops there */
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* inih keeps at most 49 bytes of a section's name (INI_MAX_SECTION). */
#define SECTION_MAX 49

static char *
check_header(struct ini_state *st, char *s, char *e)
{
	char inner[SECTION_MAX + 1];
	size_t len;

	if (e[-1] != ']' || memchr(s + 1, ']', (size_t)(e - s - 2)) != NULL)
		return xstrdup("a section header is [NAME] alone on its line");
	len = (size_t)(e - s - 2);
	if (len > SECTION_MAX)
		return xasprintf("the section name is too long (at most %d "
		    "bytes)", SECTION_MAX);
	memcpy(inner, s + 1, len);
	inner[len] = '\0';
	return st->ops->section != NULL ? st->ops->section(st->user, inner,
	    st->lineno) :
	    NULL;
}

/* inih's fgets-like reader: one cleaned line, or NULL at the end (and at
 * the first error). */
static char *
ini_read(char *str, int num, void *stream)
{
	struct ini_state *st = stream;
	const char *line, *nl;
	char *s, *e, *hash, *eq;
	size_t n;

	if (st->cause != NULL || st->pos >= st->len)
		return NULL;
	line = st->text + st->pos;
	nl = memchr(line, '\n', st->len - st->pos);
	n = nl != NULL ? (size_t)(nl - line) : st->len - st->pos;
	st->pos += n + (nl != NULL);
	st->lineno++;
	if (memchr(line, '\0', n) != NULL) {
		st->cause = xstrdup("a NUL byte in the line");
		return NULL;
	}
	if (n + 3 > (size_t)num) {
		st->cause = xasprintf("the line is too long (at most %d "
		    "bytes)", num - 3);
		return NULL;
	}
	memcpy(str, line, n);
	str[n] = '\0';
	for (hash = str; (hash = strchr(hash, '#')) != NULL; hash++) {
		if (hash == str || is_space(hash[-1])) {
			*hash = '\0';
			break;
		}
	}
	s = str;
	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		*--e = '\0';
	if (*s == '[')
		st->cause = check_header(st, s, e);
	else if (*s != '\0' && *s != ';') {
		eq = strchr(s, '=');
		if (eq == NULL || eq == s || memchr(s, ':',
		    (size_t)(eq - s)) != NULL)
			st->cause = xstrdup("expected KEY = VALUE or "
			    "[SECTION]");
	}
	if (st->cause != NULL)
		return NULL;
	/* No leading space: inih would take the line as a continuation. */
	memmove(str, s, (size_t)(e - s) + 1);
	return str;
}

static int
ini_key(void *user, const char *section, const char *name,
    const char *value)
{
	struct ini_state *st = user;

	if (st->cause == NULL)
		st->cause = st->ops->key(st->user, section, name, value,
		    st->lineno);
	return st->cause == NULL;
}

int
wr_inifile_parse(const char *text, size_t len, const struct wr_inifile_ops *ops,
    void *user, int *lineno, char **cause)
{
	struct ini_state st;
	int rc;

	memset(&st, 0, sizeof st);
	st.text = text;
	st.len = len;
	st.ops = ops;
	st.user = user;
	rc = ini_parse_stream(ini_read, &st, ini_key, &st);
	if (st.cause == NULL && rc != 0) {
		/* inih refused a line our reader let through. */
		st.lineno = rc > 0 ? rc : st.lineno;
		st.cause = xstrdup("expected KEY = VALUE or [SECTION]");
	}
	if (st.cause != NULL) {
		*lineno = st.lineno;
		*cause = st.cause;
		return -1;
	}
	return 0;
}
