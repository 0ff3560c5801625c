/*
 * fuzz_sanitize: the terminal text sanitiser (core/sanitize.c).
 *
 * Input: byte 0 the columns to fit in, byte 1 whether to add an ellipsis
 * and how big the buffer is, the rest the untrusted text.  Invariants:
 * sanitize_text()'s output and sanitize_fit()'s are valid UTF-8 holding no
 * C0 control, DEL, C1 control (raw or encoded), bidi control or zero-width
 * character; the fitted text is at most the columns asked for, by its own
 * count and by sanitize_width(), and fits its buffer.
 */
#include <locale.h>
#include <string.h>

#include "core/sanitize.h"
#include "tests/fuzz/fuzz.h"

/* Decode one UTF-8 sequence strictly; -1 when ill-formed. */
static long
next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	long cp;
	int n;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 1, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 2, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 3, cp = p[0] & 0x07;
	else
		return -1;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*pp = p + n + 1;
	return cp;
}

static int
forbidden(long cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff;
}

static void
check_safe(const char *what, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t at = (size_t)(p - (const unsigned char *)s);
		long cp = next_cp(&p);

		FUZZ_CHECK(cp >= 0, "%s: invalid UTF-8 at byte %zu", what, at);
		FUZZ_CHECK(!forbidden(cp), "%s: U+%04lX at byte %zu", what,
		    cp, at);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	static const size_t sizes[] = { 1, 2, 3, 4, 5, 8, 16, 64, 256, 4096 };
	int cols, ellipsis, w;
	size_t bufsz;
	char *out, *buf;

	if (!init) {
		if (setlocale(LC_ALL, "C.UTF-8") == NULL)
			setlocale(LC_ALL, "");
		init = 1;
	}
	if (size < 2)
		return 0;
	cols = data[0] % 200;
	ellipsis = data[1] & 1;
	bufsz = sizes[(data[1] >> 1) % (sizeof sizes / sizeof sizes[0])];
	data += 2, size -= 2;

	out = sanitize_text((const char *)data, size);
	FUZZ_CHECK(out != NULL, "sanitize_text returned NULL");
	check_safe("sanitize_text", out);
	FUZZ_CHECK(sanitize_width(out) >= 0, "negative width");

	buf = malloc(bufsz);
	if (buf == NULL)
		abort();
	w = sanitize_fit(out, cols, ellipsis, buf, bufsz);
	FUZZ_CHECK(memchr(buf, '\0', bufsz) != NULL, "fit: not terminated");
	check_safe("sanitize_fit", buf);
	FUZZ_CHECK(w >= 0 && w <= cols, "fit: %d columns for %d", w, cols);
	FUZZ_CHECK(sanitize_width(buf) == w, "fit says %d, width says %d", w,
	    sanitize_width(buf));
	free(buf);

	/* sanitize_fit() on raw, unsanitised text must be as safe. */
	{
		char *raw = fuzz_str(data, size);
		char small[64];

		w = sanitize_fit(raw, cols, ellipsis, small, sizeof small);
		check_safe("sanitize_fit(raw)", small);
		FUZZ_CHECK(w >= 0 && w <= cols, "fit(raw): %d for %d", w,
		    cols);
		free(raw);
	}
	free(out);
	return 0;
}
