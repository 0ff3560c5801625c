/*
 * sanitize.c: turn untrusted text into something safe to draw in a terminal.
 *
 * Every label, summary and note that came over the wire passes through
 * sanitize_text() before it is drawn: ill-formed UTF-8 becomes U+FFFD, and
 * controls, bidi overrides, zero-width characters and anything else wcwidth()
 * calls non-printable become visible ASCII tokens ("^[", "<U+202E>"), so no
 * byte of an alert ever reaches the terminal as a control sequence.
 * sanitize_width() and sanitize_fit() measure and clip the result in columns
 * without splitting a UTF-8 sequence or a double-width character.
 *
 * wcwidth() depends on LC_CTYPE: the program must have called
 * setlocale(LC_ALL, "") with a UTF-8 locale (the tests use "C.UTF-8").
 * In any other locale (once glyph_choose() was told so) the output is
 * ASCII: look-alikes for dashes and quotes, tokens for the rest.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "sanitize.h"
#include "core/glyph.h"
#include "core/util.h"

#define REPLACEMENT 0xFFFDu

/*
 * Decode one codepoint from p[0..n), n >= 1, strictly: overlongs, surrogates,
 * values above U+10FFFF and truncated sequences are ill-formed.  Returns the
 * number of bytes consumed (always >= 1) and stores the codepoint, or U+FFFD
 * for an ill-formed sequence, in *cp.  Each maximal ill-formed subpart (a lone
 * bad byte, or a valid prefix cut short) yields exactly one U+FFFD, as the
 * Unicode standard (ch. 3, "U+FFFD Substitution of Maximal Subparts")
 * recommends.
 */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
		c = b & 0x1Fu;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		c = b & 0x0Fu;
		if (b == 0xE0)
			lo = 0xA0;	/* overlong below U+0800 */
		else if (b == 0xED)
			hi = 0x9F;	/* surrogates U+D800..U+DFFF */
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		c = b & 0x07u;
		if (b == 0xF0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (b == 0xF4)
			hi = 0x8F;	/* above U+10FFFF */
	} else {
		/* 0x80..0xC1 (continuation or overlong lead), 0xF5..0xFF */
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		c = (c << 6) | (p[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return need + 1;
}

/* Encode a valid codepoint (not a surrogate, <= U+10FFFF); returns its length. */
static size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Columns a codepoint takes when drawn as itself, or -1 if it must never be
 * drawn as itself (it becomes a token).  The explicit list catches the
 * characters glibc's wcwidth() calls printable with width 0 but which can
 * reorder or hide text: bidi marks/overrides/isolates and zero-width chars.
 */
static int
cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return -1;
	if (cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0x202A && cp <= 0x202E) || cp == 0x2060 ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
		return -1;
	if (cp == REPLACEMENT)
		return 1;	/* our own marker: drawn whatever the locale says */
#if WCHAR_MAX < 0x10FFFF
	if (cp > (uint32_t)WCHAR_MAX)
		return -1;
#endif
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return -1;
	return w > 2 ? 2 : w;
}

/* A growing output buffer; always has room for the terminating NUL. */
struct obuf {
	char *p;
	size_t len, cap;
};

static void
ob_put(struct obuf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n) {
		size_t cap = b->cap;

		while (cap - b->len <= n) {
			if (cap > SIZE_MAX / 2)
				abort();	/* unreachable: input would not fit in memory */
			cap *= 2;
		}
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Append cp as itself if it is safe to draw, else as a visible token. */
static void
put_safe(struct obuf *b, uint32_t cp)
{
	char tmp[16];
	size_t n;

	if (cp < 0x20) {
		tmp[0] = '^';
		tmp[1] = (char)(cp + 0x40);	/* ^@ ^A .. ^[ .. ^_ */
		ob_put(b, tmp, 2);
	} else if (cp == 0x7F) {
		ob_put(b, "^?", 2);
	} else if (cp >= 0x80 && glyph_table()->ascii) {
		/* A terminal that may not read UTF-8: ASCII only (C1
		 * controls, bidi and zero-width characters have no
		 * look-alike: tokens, as everywhere). */
		const char *g = cp == REPLACEMENT ? glyph_table()->replacement :
		    glyph_ascii_for(cp);

		if (g != NULL) {
			ob_put(b, g, strlen(g));
		} else {
			int k = snprintf(tmp, sizeof tmp, "<U+%04lX>",
			    (unsigned long)cp);

			ob_put(b, tmp, (size_t)k);
		}
	} else if (cp_width(cp) < 0) {
		int k = snprintf(tmp, sizeof tmp, "<U+%04lX>", (unsigned long)cp);

		ob_put(b, tmp, (size_t)k);
	} else {
		n = utf8_encode(cp, tmp);
		ob_put(b, tmp, n);
	}
}

/* Whether the character at p (in s) needs a backslash in Markdown. */
static int
md_special(const char *s, const char *p, const char *first)
{
	if (strchr("\\`*_[]()!<>&~|@#", *p) != NULL)
		return 1;
	/* autolinks: "https://x" and "www.x" */
	if (*p == ':' && p[1] == '/' && p[2] == '/')
		return 1;
	if (*p == '.' && p - s >= 3 && strncasecmp(p - 3, "www", 3) == 0)
		return 1;
	/* what opens a block where the text starts a line: a heading, a
	 * list item (also "1." and "1)"), a quote, a setext underline */
	if (p == first && strchr("-+=>", *p) != NULL)
		return 1;
	if ((*p == '.' || *p == ')') && p > first) {
		const char *q = first;

		while (q < p && *q >= '0' && *q <= '9')
			q++;
		return q == p;
	}
	return 0;
}

char *
sanitize_markdown(const char *in, size_t len)
{
	char *safe = sanitize_text(in, len), *out;
	const char *first = safe + strspn(safe, " ");
	size_t n = 0, k = 0;

	for (const char *p = safe; *p != '\0'; p++)
		n += md_special(safe, p, first) ? 2 : 1;
	out = xmalloc(n + 1);
	for (const char *p = safe; *p != '\0'; p++) {
		if (md_special(safe, p, first))
			out[k++] = '\\';
		out[k++] = *p;
	}
	out[k] = '\0';
	free(safe);
	return out;
}

char *
sanitize_text(const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	struct obuf b;
	size_t i = 0;

	if (p == NULL)
		len = 0;
	/* in is an object in memory, so len + 16 cannot overflow. */
	b.cap = len + 16;
	b.len = 0;
	b.p = xmalloc(b.cap);
	while (i < len) {
		uint32_t cp;

		if (p[i] >= 0x20 && p[i] < 0x7F) {	/* printable ASCII fast path */
			ob_put(&b, (const char *)p + i, 1);
			i++;
			continue;
		}
		i += utf8_decode(p + i, len - i, &cp);
		put_safe(&b, cp);
	}
	b.p[b.len] = '\0';
	return b.p;
}

/*
 * Width of what sanitize_fit() would draw for cp: anything unsafe that
 * somehow is still in a "sanitised" string is drawn as the replacement
 * (U+FFFD; '?' where only ASCII may be drawn, and so is anything not
 * ASCII there).
 */
static int
drawn_width(uint32_t *cp)
{
	int w = cp_width(*cp);

	if (w < 0 || (*cp >= 0x80 && glyph_table()->ascii)) {
		*cp = REPLACEMENT;
		w = 1;
	}
	return w;
}

/* The bytes drawn for cp (as drawn_width() left it). */
static size_t
drawn_bytes(uint32_t cp, char out[8])
{
	if (cp == REPLACEMENT) {
		const char *r = glyph_table()->replacement;
		size_t n = strlen(r);

		memcpy(out, r, n);
		return n;
	}
	return utf8_encode(cp, out);
}

int
sanitize_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0;
	int total = 0;

	if (p == NULL)
		return 0;
	n = strlen(s);
	while (i < n) {
		uint32_t cp;
		int w;

		i += utf8_decode(p + i, n - i, &cp);
		w = drawn_width(&cp);
		if (w > INT_MAX - total)
			return INT_MAX;
		total += w;
	}
	return total;
}

/*
 * Copy codepoints of p[0..n) into buf while they fit in `cols` columns and
 * `room` bytes (buf has room + 1 bytes); stop at the first one that does not,
 * so a wide char or a multi-byte sequence is never split.  Zero-width chars
 * after the last column (combining marks) still go with their base.
 * Returns the number of bytes written; *width gets the columns, *all whether
 * everything was copied.
 */
static size_t
fit_pass(const unsigned char *p, size_t n, int cols, char *buf, size_t room,
    int *width, int *all)
{
	size_t i = 0, out = 0;
	int w = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp), elen;
		int cw = drawn_width(&cp);
		char enc[8];

		elen = drawn_bytes(cp, enc);
		if (cw > cols - w || elen > room - out)
			break;
		memcpy(buf + out, enc, elen);
		out += elen;
		w += cw;
		i += k;
	}
	buf[out] = '\0';
	*width = w;
	*all = (i == n);
	return out;
}

int
sanitize_fit(const char *s, int cols, int ellipsis, char *buf, size_t bufsz)
{
	const struct glyph_table *g = glyph_table();
	const char *ell = g->ellipsis;	/* "\u2026", or "..." */
	size_t ell_len = strlen(ell);
	int ell_cols = g->ellipsis_cols;
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n, out;
	int width, all;

	if (buf == NULL || bufsz == 0)
		return 0;
	buf[0] = '\0';
	if (cols <= 0)
		return 0;
	n = strlen((const char *)p);
	fit_pass(p, n, cols, buf, bufsz - 1, &width, &all);
	if (all || !ellipsis)
		return width;
	/* An ASCII ellipsis narrower than itself: as many dots as fit. */
	if (ell_cols > cols && g->ascii) {
		ell_cols = cols;
		ell_len = (size_t)cols;
	}
	if (bufsz - 1 < ell_len)
		return width;
	/* Truncated: redo with the ellipsis' columns and bytes held back. */
	out = fit_pass(p, n, cols - ell_cols, buf, bufsz - 1 - ell_len, &width,
	    &all);
	memcpy(buf + out, ell, ell_len);
	buf[out + ell_len] = '\0';
	return width + ell_cols;
}
