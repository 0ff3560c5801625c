/*
 * util.c: the one place that handles allocation failure (see util.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "jbuf.h"
#include "util.h"

void (*util_die_hook)(void);

_Noreturn void
util_die(const char *fmt, ...)
{
	va_list ap;

	if (util_die_hook != NULL) {
		void (*hook)(void) = util_die_hook;
		util_die_hook = NULL;
		hook();
	}
	va_start(ap, fmt);
	fputs("warroom: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(70);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		util_die("out of memory (allocating %zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_die("out of memory (allocating %zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		util_die("out of memory (reallocating %zu bytes)", n);
	return q;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrdup0(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		util_die("bad format string");
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
util_set_str(char **dst, const char *src)
{
	char *copy = xstrdup0(src);

	free(*dst);
	*dst = copy;
}

int
util_strcmp0(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

void
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return;
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
util_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t done = 0;

	out[0] = '\0';
	while (done < nbytes) {
		size_t want = nbytes - done < sizeof raw ? nbytes - done :
		    sizeof raw;
		ssize_t n = getrandom(raw, want, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			out[0] = '\0';
			return -1;
		}
		for (size_t i = 0; i < (size_t)n; i++) {
			out[2 * (done + i)] = hex[raw[i] >> 4];
			out[2 * (done + i) + 1] = hex[raw[i] & 0xF];
		}
		done += (size_t)n;
	}
	out[2 * nbytes] = '\0';
	return 0;
}

const char *
util_log_escape(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	size_t o = 0;

	if (size == 0)
		return buf;
	while (*p != '\0') {
		char piece[8];
		size_t n, seq = 0;

		if (*p >= 0x80)
			seq = jbuf_utf8_seq(p, strlen((const char *)p));
		if (*p == '\\') {
			memcpy(piece, "\\\\", n = 2);
		} else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && seq == 0)) {
			snprintf(piece, sizeof piece, "\\x%02x", *p);
			n = 4;
		} else if (seq == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			snprintf(piece, sizeof piece, "\\x%02x", p[1]);
			n = 4;	/* C1 control: escape it as its code */
			seq = 2;
		} else {
			n = seq ? seq : 1;
			memcpy(piece, p, n);
		}
		if (o + n + 1 > size) {
			/* cut here, with room for "..." */
			while (o > 0 && o + 4 > size)
				o--;
			while (o > 0 && ((unsigned char)buf[o] & 0xc0) == 0x80)
				o--;
			if (o + 4 <= size)
				memcpy(buf + o, "...", 3), o += 3;
			break;
		}
		memcpy(buf + o, piece, n);
		o += n;
		p += seq ? seq : 1;
	}
	buf[o] = '\0';
	return buf;
}
