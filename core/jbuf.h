/*
 * jbuf.h: a tiny JSON text writer: a growable byte buffer and the few
 * appends it takes to write compact JSON directly, without building a tree.
 *
 * The text it writes is what jansson's json_dumps(JSON_COMPACT) writes for
 * the same values in the same order: strings escape '"', '\\' and the bytes
 * below 0x20 (\b \f \n \r \t short, the rest as \u00XX with upper-case
 * hex); every other byte of valid UTF-8 passes through unchanged.
 *
 * Commas are the writer's business: jbuf_key(), jbuf_key_str() and
 * jbuf_sep() put one in unless the buffer is empty or its last byte is
 * '{', '[', ':' or ',' (a complete value never ends in one of those).  So
 * an object is jbuf_char(b, '{'), then jbuf_key() + a value for each
 * member, then jbuf_char(b, '}'); an array is '[', then jbuf_sep() + a
 * value for each element, then ']'.
 *
 * Pure: no I/O; allocation through core/util.h (never fails visibly).
 */
#ifndef WR_JBUF_H
#define WR_JBUF_H

#include <stddef.h>
#include <stdint.h>

struct jbuf {
	char *p;	/* NULL until the first append */
	size_t len;	/* bytes written (no NUL counted) */
	size_t cap;	/* bytes allocated */
};

/* An empty buffer; hint is the first allocation (0: a small default). */
void jbuf_init(struct jbuf *b, size_t hint);
/* Free the memory; the buffer is empty and may be used again. */
void jbuf_free(struct jbuf *b);
/* Forget the text but keep the memory (for a reused scratch buffer). */
void jbuf_reset(struct jbuf *b);
/* Room for n more bytes (plus a NUL) without another allocation. */
void jbuf_reserve(struct jbuf *b, size_t n);

/* The text, NUL-terminated (the pointer is the buffer's; it moves on the
 * next append).  Never NULL. */
const char *jbuf_cstr(struct jbuf *b);
/* The text as a malloc'd string of exactly its size (caller frees); *len
 * (may be NULL) gets its length.  The buffer is left empty. */
char *jbuf_take(struct jbuf *b, size_t *len);

/* Bytes as they are (the caller's JSON). */
void jbuf_raw(struct jbuf *b, const char *s, size_t n);
void jbuf_char(struct jbuf *b, char c);
/* A ',' unless the buffer is empty or ends in '{', '[', ':' or ','. */
void jbuf_sep(struct jbuf *b);

/*
 * A quoted, escaped JSON string.  s must be valid UTF-8 (the rules jansson
 * checks: no overlongs, no surrogates, nothing above U+10FFFF); if it is
 * not, nothing is appended and -1 is returned.  jbuf_strn takes n bytes
 * (a NUL among them is written as \u0000); jbuf_str a C string.
 */
int jbuf_strn(struct jbuf *b, const char *s, size_t n);
int jbuf_str(struct jbuf *b, const char *s);

/* A decimal integer (INT64_MIN and INT64_MAX included). */
void jbuf_int(struct jbuf *b, int64_t v);

/* jbuf_sep(), then "key": with key written as it is: for the caller's
 * own member names, which must need no escaping. */
void jbuf_key(struct jbuf *b, const char *key);
/* jbuf_sep(), then key escaped as jbuf_str() does, then ':'.  -1 (and
 * nothing appended) when key is not valid UTF-8. */
int jbuf_key_str(struct jbuf *b, const char *key);

/* Whether s is valid UTF-8 by the rules above (1) or not (0). */
int jbuf_utf8_valid(const char *s, size_t n);
/* Length of the well-formed multi-byte UTF-8 sequence at p (avail bytes
 * left; jansson's rules), or 0.  ASCII bytes are not sequences: 0. */
size_t jbuf_utf8_seq(const unsigned char *p, size_t avail);

#endif
