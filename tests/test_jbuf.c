/*
 * test_jbuf.c: cmocka tests for core/jbuf.c, the JSON text writer behind
 * the store's event bodies and the relay's event frames.
 *
 * Its promise is jansson's text without jansson's tree, so most checks
 * compare with what json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes for
 * the same value: every control byte, quotes and backslash, multi-byte
 * UTF-8 passed through, and (for random byte strings) the same refusals of
 * invalid UTF-8 that json_stringn() makes.  Integers are checked at the
 * ends of int64_t, the buffer past its first allocation, and the comma
 * rules on a whole object.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jbuf.h"

/* ---- helpers ------------------------------------------------------------- */

/* jansson's text for the string s[0..n), or NULL when it refuses s. */
static char *
jansson_text(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *t;

	if (j == NULL)
		return NULL;
	t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	assert_non_null(t);
	return t;
}

/* jbuf_strn(s, n) into a fresh buffer must give exactly want. */
static void
assert_str_text(const char *s, size_t n, const char *want)
{
	struct jbuf b;

	jbuf_init(&b, 0);
	assert_int_equal(jbuf_strn(&b, s, n), 0);
	assert_int_equal(b.len, strlen(want));
	assert_string_equal(jbuf_cstr(&b), want);
	jbuf_free(&b);
}

/* s must be refused, leaving what the buffer held untouched. */
static void
assert_refused(const char *s, size_t n)
{
	struct jbuf b;

	jbuf_init(&b, 0);
	jbuf_raw(&b, "[1,", 3);
	assert_int_equal(jbuf_strn(&b, s, n), -1);
	assert_int_equal(b.len, 3);
	assert_string_equal(jbuf_cstr(&b), "[1,");
	if (n == strlen(s)) {
		assert_int_equal(jbuf_str(&b, s), -1);
		assert_int_equal(jbuf_key_str(&b, s), -1);
		assert_int_equal(b.len, 3);
	}
	assert_int_equal(jbuf_utf8_valid(s, n), 0);
	/* and jansson refuses it too */
	assert_null(json_stringn(s, n));
	jbuf_free(&b);
}

/* ---- strings ------------------------------------------------------------- */

static void
every_control_byte_is_escaped_as_jansson_does(void **state)
{
	for (unsigned c = 0; c < 0x20; c++) {
		char in[3] = { 'a', (char)c, 'z' }, want[16];
		char *jt = jansson_text(in, 3);
		const char *shortesc = NULL;

		switch (c) {
		case '\b': shortesc = "b"; break;
		case '\f': shortesc = "f"; break;
		case '\n': shortesc = "n"; break;
		case '\r': shortesc = "r"; break;
		case '\t': shortesc = "t"; break;
		}
		if (shortesc != NULL)
			snprintf(want, sizeof want, "\"a\\%sz\"", shortesc);
		else
			snprintf(want, sizeof want, "\"a\\u%04Xz\"", c);
		assert_str_text(in, 3, want);
		assert_non_null(jt);
		assert_string_equal(jt, want);
		free(jt);
	}
	/* the whole range in one string, back to back */
	{
		char in[32];
		char *jt;
		struct jbuf b;

		for (int i = 0; i < 32; i++)
			in[i] = (char)i;
		jt = jansson_text(in, sizeof in);
		jbuf_init(&b, 0);
		assert_int_equal(jbuf_strn(&b, in, sizeof in), 0);
		assert_string_equal(jbuf_cstr(&b), jt);
		free(jt);
		jbuf_free(&b);
	}
}

static void
quotes_and_backslash_are_escaped_and_the_rest_kept(void **state)
{
	assert_str_text("", 0, "\"\"");
	assert_str_text("\"", 1, "\"\\\"\"");
	assert_str_text("\\", 1, "\"\\\\\"");
	assert_str_text("say \"hi\" \\o/", 12, "\"say \\\"hi\\\" \\\\o/\"");
	/* '/' and DEL are not escaped (jansson does not, by default) */
	assert_str_text("a/b\x7f", 4, "\"a/b\x7f\"");
	{
		char *jt = jansson_text("a/b\x7f\"\\", 6);

		assert_string_equal(jt, "\"a/b\x7f\\\"\\\\\"");
		free(jt);
	}
	/* jbuf_str is jbuf_strn of the C string */
	{
		struct jbuf b;

		jbuf_init(&b, 0);
		assert_int_equal(jbuf_str(&b, "x\ty"), 0);
		assert_string_equal(jbuf_cstr(&b), "\"x\\ty\"");
		jbuf_free(&b);
	}
}

static void
multibyte_utf8_passes_through_unchanged(void **state)
{
	static const char *const ok[] = {
		"caf\xc3\xa9",				/* U+00E9 */
		"\xc2\x80\xc2\x9b\xdf\xbf",		/* U+0080, C1, U+07FF */
		"\xe0\xa0\x80",				/* U+0800 */
		"\xe2\x80\x94 \xe2\x80\xae",		/* dash, RLO */
		"\xed\x9f\xbf\xee\x80\x80",		/* U+D7FF, U+E000 */
		"\xef\xbb\xbf\xef\xbf\xbd\xef\xbf\xbf",	/* BOM, FFFD, FFFF */
		"\xf0\x90\x80\x80",			/* U+10000 */
		"\xf0\x9f\x94\xa5\xf0\x9f\x91\xa8\xe2\x80\x8d",
		"\xf4\x8f\xbf\xbf",			/* U+10FFFF */
		"\xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8 e\xcc\x81",
	};

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		size_t n = strlen(ok[i]);
		char *want = malloc(n + 3);
		char *jt = jansson_text(ok[i], n);

		snprintf(want, n + 3, "\"%s\"", ok[i]);
		assert_str_text(ok[i], n, want);
		assert_int_equal(jbuf_utf8_valid(ok[i], n), 1);
		assert_non_null(jt);
		assert_string_equal(jt, want);
		free(jt);
		free(want);
	}
	/* mixed with escapes */
	assert_str_text("\xe2\x9c\x93\n\xf0\x9f\x94\xa5\"", 9,
	    "\"\xe2\x9c\x93\\n\xf0\x9f\x94\xa5\\\"\"");
}

static void
invalid_utf8_is_refused(void **state)
{
	static const struct { const char *s; size_t n; } bad[] = {
		{ "\x80", 1 },				/* lone continuation */
		{ "ok \xbf", 4 },
		{ "\xc0\x80", 2 },			/* overlong NUL */
		{ "\xc1\xbf", 2 },			/* overlong */
		{ "\xe0\x80\x80", 3 },			/* overlong */
		{ "\xe0\x9f\xbf", 3 },			/* overlong */
		{ "\xf0\x80\x80\x80", 4 },		/* overlong */
		{ "\xf0\x8f\xbf\xbf", 4 },		/* overlong */
		{ "\xed\xa0\x80", 3 },			/* U+D800 */
		{ "\xed\xbf\xbf", 3 },			/* U+DFFF */
		{ "\xf4\x90\x80\x80", 4 },		/* U+110000 */
		{ "\xf5\x80\x80\x80", 4 },
		{ "\xfe", 1 },
		{ "\xff", 1 },
		{ "bad \xff byte", 10 },
		{ "\xe2\x82", 2 },			/* cut at the end */
		{ "\xe2\x82x", 3 },			/* cut in the middle */
		{ "\xf0\x9f\x94", 3 },
		{ "\xc3", 1 },
		{ "\xc3\xc3\xa9", 3 },
		{ "\xe2\x80\x94\"\n\xc3", 6 },		/* after escapes */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(bad[i].s, bad[i].n);
	/* a sequence cut by n, though the bytes after it would finish it */
	assert_refused("\xe2\x80\x94", 2);
}

static void
random_strings_agree_with_jansson(void **state)
{
	unsigned seed = 12345;
	char in[24];
	struct jbuf b;
	int valid = 0, cstrings = 0;

	jbuf_init(&b, 0);
	for (int round = 0; round < 100000; round++) {
		size_t n = (size_t)(round % 24);
		char *jt;
		int rc;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly high bytes and controls, some ASCII */
			switch ((seed >> 16) % 4) {
			case 0: in[i] = (char)(0x80 | ((seed >> 8) & 0x7F));
				break;
			case 1: in[i] = (char)(0xC0 | ((seed >> 8) & 0x3F));
				break;
			case 2: in[i] = (char)((seed >> 8) & 0x3F);
				break;
			default: in[i] = (char)((seed >> 8) & 0xFF);
				break;
			}
		}
		jbuf_reset(&b);
		rc = jbuf_strn(&b, in, n);
		jt = jansson_text(in, n);
		if (jt == NULL) {
			assert_int_equal(rc, -1);
			assert_int_equal(b.len, 0);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(b.len, strlen(jt));
			assert_memory_equal(b.p, jt, b.len);
			valid++;
		}
		assert_int_equal(jbuf_utf8_valid(in, n), jt != NULL);
		/* the C-string writer, on strings without a NUL */
		if (memchr(in, '\0', n) == NULL) {
			char cs[sizeof in + 1];

			memcpy(cs, in, n);
			cs[n] = '\0';
			jbuf_reset(&b);
			jbuf_raw(&b, "[", 1);
			rc = jbuf_str(&b, cs);
			assert_int_equal(rc, jt != NULL ? 0 : -1);
			if (jt != NULL) {
				assert_int_equal(b.len, 1 + strlen(jt));
				assert_memory_equal(b.p + 1, jt, b.len - 1);
			} else
				assert_int_equal(b.len, 1);
			cstrings++;
		}
		free(jt);
	}
	assert_true(valid > 1000);
	assert_true(cstrings > 1000);
	jbuf_free(&b);
}

/* ---- integers ------------------------------------------------------------ */

static void
integers_are_decimal_to_both_ends(void **state)
{
	static const int64_t v[] = {
		0, 1, -1, 9, 10, -10, 99, 100, 1795795028771,
		-1795795028771, INT32_MAX, INT32_MIN, INT64_MAX - 1,
		INT64_MAX, INT64_MIN + 1, INT64_MIN
	};
	struct jbuf b;

	jbuf_init(&b, 0);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char want[32];
		json_t *j = json_integer(v[i]);
		char *jt = json_dumps(j, JSON_ENCODE_ANY);

		snprintf(want, sizeof want, "%" PRId64, v[i]);
		jbuf_reset(&b);
		jbuf_int(&b, v[i]);
		assert_string_equal(jbuf_cstr(&b), want);
		assert_string_equal(jt, want);
		free(jt);
		json_decref(j);
	}
	jbuf_reset(&b);
	jbuf_int(&b, INT64_MIN);
	assert_string_equal(jbuf_cstr(&b), "-9223372036854775808");
	jbuf_reset(&b);
	jbuf_int(&b, INT64_MAX);
	assert_string_equal(jbuf_cstr(&b), "9223372036854775807");
	jbuf_free(&b);
}

/* ---- the buffer ---------------------------------------------------------- */

static void
buffer_grows_past_its_first_size(void **state)
{
	struct jbuf b;
	char *s, *big;
	size_t len, n = 100000;

	/* many small appends from a 4-byte start */
	jbuf_init(&b, 4);
	assert_int_equal(b.cap, 4);
	jbuf_char(&b, '[');
	for (int i = 0; i < 10000; i++) {
		jbuf_sep(&b);
		jbuf_int(&b, i);
	}
	jbuf_char(&b, ']');
	assert_true(b.cap > b.len);
	{
		json_t *j = json_loads(jbuf_cstr(&b), 0, NULL);

		assert_non_null(j);
		assert_int_equal(json_array_size(j), 10000);
		assert_int_equal(json_integer_value(json_array_get(j, 9999)),
		    9999);
		json_decref(j);
	}
	jbuf_free(&b);
	assert_null(b.p);

	/* one string whose escapes outgrow the room reserved for it */
	big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 3 == 0 ? '\x01' : i % 3 == 1 ? 'x' : '"';
	jbuf_init(&b, 0);
	jbuf_raw(&b, "pre", 3);
	assert_int_equal(jbuf_strn(&b, big, n), 0);
	{
		char *jt = jansson_text(big, n);

		assert_int_equal(b.len, 3 + strlen(jt));
		assert_memory_equal(b.p, "pre", 3);
		assert_memory_equal(b.p + 3, jt, strlen(jt));
		free(jt);
	}
	/* the same through the C-string writer, from an empty buffer */
	{
		struct jbuf c;
		char *cs = malloc(n + 1), *jt = jansson_text(big, n);

		memcpy(cs, big, n);
		cs[n] = '\0';
		jbuf_init(&c, 0);
		assert_int_equal(jbuf_str(&c, cs), 0);
		assert_string_equal(jbuf_cstr(&c), jt);
		jbuf_free(&c);
		free(cs);
		free(jt);
	}
	/* take: exactly the text, NUL-terminated; the buffer is empty */
	s = jbuf_take(&b, &len);
	assert_int_equal(len, strlen(s));
	assert_int_equal(b.len, 0);
	assert_null(b.p);
	free(s);
	free(big);

	/* take of an empty buffer, and reuse after take */
	s = jbuf_take(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	jbuf_raw(&b, "ok", 2);
	s = jbuf_take(&b, NULL);
	assert_string_equal(s, "ok");
	free(s);
}

static void
keys_and_separators_make_an_object(void **state)
{
	struct jbuf b;
	json_t *want;
	char *wt;

	jbuf_init(&b, 0);
	jbuf_char(&b, '{');
	jbuf_key(&b, "type");
	assert_int_equal(jbuf_str(&b, "event"), 0);
	jbuf_key(&b, "seq");
	jbuf_int(&b, 7);
	jbuf_key(&b, "labels");
	jbuf_char(&b, '{');
	assert_int_equal(jbuf_key_str(&b, "a\"b\x01"), 0);
	assert_int_equal(jbuf_str(&b, "v"), 0);
	assert_int_equal(jbuf_key_str(&b, "bad \xff"), -1);
	assert_int_equal(jbuf_key_str(&b, ""), 0);
	assert_int_equal(jbuf_str(&b, ""), 0);
	jbuf_char(&b, '}');
	jbuf_key(&b, "list");
	jbuf_char(&b, '[');
	for (int i = 0; i < 3; i++) {
		jbuf_sep(&b);
		jbuf_char(&b, '[');
		jbuf_sep(&b);
		jbuf_int(&b, i);
		jbuf_sep(&b);
		jbuf_int(&b, -i);
		jbuf_char(&b, ']');
	}
	jbuf_char(&b, ']');
	jbuf_key(&b, "empty");
	jbuf_raw(&b, "{}", 2);
	jbuf_char(&b, '}');

	want = json_pack("{s:s, s:i, s:{s:s, s:s}, s:[[i,i],[i,i],[i,i]], "
	    "s:{}}", "type", "event", "seq", 7, "labels", "a\"b\x01", "v", "",
	    "", "list", 0, 0, 1, -1, 2, -2, "empty");
	assert_non_null(want);
	wt = json_dumps(want, JSON_COMPACT);
	assert_string_equal(jbuf_cstr(&b), wt);
	free(wt);
	json_decref(want);
	jbuf_free(&b);

	/* sep on an empty buffer writes nothing */
	jbuf_init(&b, 0);
	jbuf_sep(&b);
	assert_int_equal(b.len, 0);
	jbuf_key(&b, "k");
	assert_string_equal(jbuf_cstr(&b), "\"k\":");
	jbuf_reset(&b);
	assert_string_equal(jbuf_cstr(&b), "");
	jbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_control_byte_is_escaped_as_jansson_does),
		cmocka_unit_test(quotes_and_backslash_are_escaped_and_the_rest_kept),
		cmocka_unit_test(multibyte_utf8_passes_through_unchanged),
		cmocka_unit_test(invalid_utf8_is_refused),
		cmocka_unit_test(random_strings_agree_with_jansson),
		cmocka_unit_test(integers_are_decimal_to_both_ends),
		cmocka_unit_test(buffer_grows_past_its_first_size),
		cmocka_unit_test(keys_and_separators_make_an_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
