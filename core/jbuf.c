/*
 * jbuf.c: a tiny JSON text writer (jbuf.h).  The store's event bodies and
 * label lists and the relay's event frames are written with it straight
 * into one growing buffer, instead of being built as jansson trees and
 * then dumped: the text is the same as json_dumps(JSON_COMPACT) would
 * give for the same members in the same order, at a fraction of the
 * allocations.  Strings are checked for valid UTF-8 as they are copied
 * (by jansson's rules, so that what jansson would refuse is refused here
 * too) and escaped as jansson escapes them.  No I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "core/jbuf.h"
#include "core/util.h"

#define JBUF_DEFAULT 256

void
jbuf_init(struct jbuf *b, size_t hint)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	if (hint > 0) {
		b->p = xmalloc(hint);
		b->cap = hint;
		b->p[0] = '\0';
	}
}

void
jbuf_free(struct jbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
jbuf_reset(struct jbuf *b)
{
	b->len = 0;
}

/* Grow so that n more bytes and a NUL fit. */
static void
grow(struct jbuf *b, size_t n)
{
	size_t need, ncap;

	if (n > SIZE_MAX - b->len - 1)
		util_die("out of memory (JSON text of %zu + %zu bytes)",
		    b->len, n);
	need = b->len + n + 1;
	ncap = b->cap > 0 ? b->cap : JBUF_DEFAULT;
	while (ncap < need)
		ncap = ncap <= SIZE_MAX / 2 ? ncap * 2 : need;
	b->p = xrealloc(b->p, ncap);
	b->cap = ncap;
}

void
jbuf_reserve(struct jbuf *b, size_t n)
{
	if (b->cap - b->len <= n)	/* cap >= len always; +1 for NUL */
		grow(b, n);
}

const char *
jbuf_cstr(struct jbuf *b)
{
	jbuf_reserve(b, 0);
	b->p[b->len] = '\0';
	return b->p;
}

char *
jbuf_take(struct jbuf *b, size_t *len)
{
	char *s;

	jbuf_reserve(b, 0);
	b->p[b->len] = '\0';
	s = b->cap > b->len + 1 ? xrealloc(b->p, b->len + 1) : b->p;
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return s;
}

void
jbuf_raw(struct jbuf *b, const char *s, size_t n)
{
	jbuf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
jbuf_char(struct jbuf *b, char c)
{
	jbuf_reserve(b, 1);
	b->p[b->len++] = c;
}

void
jbuf_sep(struct jbuf *b)
{
	char last;

	if (b->len == 0)
		return;
	last = b->p[b->len - 1];
	if (last != '{' && last != '[' && last != ':' && last != ',')
		jbuf_char(b, ',');
}

/* ---- strings ------------------------------------------------------------- */

/* Per byte: 0 copied as it is, 1 escaped, 2 the first byte of a sequence
 * to check as UTF-8 (or an invalid byte). */
static const unsigned char cls[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 " */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x50 \ */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,	/* 0x80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/*
 * Length of the well-formed UTF-8 sequence of at least two bytes at p,
 * with avail bytes left, or 0: no overlongs (C0, C1, E0 80-9F, F0 80-8F),
 * no surrogates (ED A0-BF), nothing above U+10FFFF (F4 90-, F5-FF), no
 * stray continuation bytes.
 */
size_t
jbuf_utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

int
jbuf_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((k = jbuf_utf8_seq(p, (size_t)(end - p))) == 0)
			return 0;
		p += k;
	}
	return 1;
}

/* The escape for c (a byte of class 1). */
static void
put_escape(struct jbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char *d;

	jbuf_reserve(b, 6);
	d = b->p + b->len;
	d[0] = '\\';
	switch (c) {
	case '"':	d[1] = '"'; break;
	case '\\':	d[1] = '\\'; break;
	case '\b':	d[1] = 'b'; break;
	case '\f':	d[1] = 'f'; break;
	case '\n':	d[1] = 'n'; break;
	case '\r':	d[1] = 'r'; break;
	case '\t':	d[1] = 't'; break;
	default:
		d[1] = 'u';
		d[2] = '0';
		d[3] = '0';
		d[4] = hex[c >> 4];
		d[5] = hex[c & 0xF];
		b->len += 6;
		return;
	}
	b->len += 2;
}

/*
 * Both string writers make one pass: runs of bytes that need no escape
 * (checked as UTF-8 on the way) are copied whole, escapes in between.
 */
int
jbuf_strn(struct jbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
	size_t start = b->len, k;

	jbuf_reserve(b, n < SIZE_MAX - 2 ? n + 2 : n);	/* if no escapes */
	b->p[b->len++] = '"';
	run = p;
	while (p < end) {
		unsigned char c = *p;

		if (cls[c] == 0) {
			p++;
			continue;
		}
		if (cls[c] == 2) {
			if ((k = jbuf_utf8_seq(p, (size_t)(end - p))) == 0) {
				b->len = start;
				return -1;
			}
			p += k;
			continue;
		}
		jbuf_raw(b, (const char *)run, (size_t)(p - run));
		put_escape(b, c);
		run = ++p;
	}
	jbuf_raw(b, (const char *)run, (size_t)(p - run));
	jbuf_char(b, '"');
	return 0;
}

int
jbuf_str(struct jbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;
	size_t start = b->len, k;

	/* No strlen: the NUL is a class 1 byte that ends the scan, and a
	 * sequence check stops at it (NUL is no continuation byte). */
	jbuf_char(b, '"');
	run = p;
	for (;;) {
		unsigned char c = *p;

		if (cls[c] == 0) {
			p++;
			continue;
		}
		if (cls[c] == 2) {
			if ((k = jbuf_utf8_seq(p, SIZE_MAX)) == 0) {
				b->len = start;
				return -1;
			}
			p += k;
			continue;
		}
		jbuf_raw(b, (const char *)run, (size_t)(p - run));
		if (c == '\0')
			break;
		put_escape(b, c);
		run = ++p;
	}
	jbuf_char(b, '"');
	return 0;
}

/* ---- numbers and keys ---------------------------------------------------- */

void
jbuf_int(struct jbuf *b, int64_t v)
{
	char tmp[24], *q = tmp + sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--q = '-';
	jbuf_raw(b, q, (size_t)(tmp + sizeof tmp - q));
}

void
jbuf_key(struct jbuf *b, const char *key)
{
	size_t n = strlen(key);
	char *d;

	jbuf_sep(b);
	jbuf_reserve(b, n + 3);
	d = b->p + b->len;
	d[0] = '"';
	memcpy(d + 1, key, n);
	d[n + 1] = '"';
	d[n + 2] = ':';
	b->len += n + 3;
}

int
jbuf_key_str(struct jbuf *b, const char *key)
{
	size_t start = b->len;

	jbuf_sep(b);
	if (jbuf_str(b, key) == -1) {
		b->len = start;
		return -1;
	}
	jbuf_char(b, ':');
	return 0;
}
