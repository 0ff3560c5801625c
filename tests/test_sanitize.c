/*
 * test_sanitize.c: cmocka tests for core/sanitize.c, the guard between
 * untrusted alert text and the terminal.  Every hostile string in
 * tests/fixtures/hostile/ must come out as valid UTF-8 with no control byte,
 * C1 control, bidi override or zero-width character left in it; the specific
 * tests pin down the tokens, the U+FFFD substitution of ill-formed UTF-8, and
 * the column arithmetic of sanitize_width()/sanitize_fit().
 * Run from the repository root (fixtures are opened by relative path).
 */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/sanitize.h"

#define STRINGS_JSON "tests/fixtures/hostile/strings.json"
#define AM_HOSTILE_JSON "tests/fixtures/hostile/alertmanager-hostile.json"

/* ---- helpers ---------------------------------------------------------- */

/*
 * Independent strict UTF-8 decoder for checking output: returns the length
 * of the well-formed sequence at p (storing its codepoint), or 0 if p does
 * not start a well-formed sequence.
 */
static size_t
check_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		len = 2, c = p[0] & 0x1F, min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3, c = p[0] & 0x0F, min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* NULL if s is safe to draw, else why not. */
static const char *
unsafe_reason(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k;

		if (p[i] < 0x20)
			return "C0 control byte";
		if (p[i] == 0x7F)
			return "DEL byte";
		k = check_decode(p + i, n - i, &cp);
		if (k == 0)
			return "ill-formed UTF-8";
		if (cp >= 0x80 && cp <= 0x9F)
			return "C1 control";
		if (cp >= 0x202A && cp <= 0x202E)
			return "bidi embedding/override";
		if (cp >= 0x2066 && cp <= 0x2069)
			return "bidi isolate";
		if (cp >= 0x200B && cp <= 0x200F)
			return "zero-width char or bidi mark";
		if (cp == 0x061C)
			return "arabic letter mark";
		if (cp == 0x2060 || cp == 0xFEFF)
			return "word joiner / BOM";
		i += k;
	}
	return NULL;
}

static void
assert_safe(const char *what, const char *out)
{
	const char *why = unsafe_reason(out);

	if (why != NULL)
		print_error("%s: sanitised output unsafe (%s): %s\n", what, why, out);
	assert_null(why);
}

/* Sanitise exactly len bytes and compare with the expected output. */
static void
expect_sanitised(const char *in, size_t len, const char *want)
{
	char *got = sanitize_text(in, len);

	assert_non_null(got);
	assert_string_equal(got, want);
	assert_safe(want, got);
	free(got);
}

#define EXPECT(lit, want) expect_sanitised((lit), sizeof(lit) - 1, (want))

static json_t *
load_json(const char *path)
{
	json_error_t err;
	/* JSON_ALLOW_NUL: the "nul-escaped" case is a \u0000 we must keep. */
	json_t *j = json_load_file(path, JSON_ALLOW_NUL, &err);

	if (j == NULL)
		print_error("%s:%d: %s\n", path, err.line, err.text);
	assert_non_null(j);
	return j;
}

/* ---- the hostile fixtures -------------------------------------------- */

static void
test_every_hostile_fixture_sanitises_to_safe_utf8(void **state)
{
	json_t *arr = load_json(STRINGS_JSON), *item;
	size_t idx;

	(void)state;
	assert_true(json_is_array(arr));
	assert_true(json_array_size(arr) > 0);
	json_array_foreach(arr, idx, item) {
		const char *name = json_string_value(json_object_get(item, "name"));
		json_t *text = json_object_get(item, "text");
		char *out;

		assert_non_null(name);
		assert_true(json_is_string(text));
		out = sanitize_text(json_string_value(text), json_string_length(text));
		assert_safe(name, out);
		/* Measuring and clipping the result must keep it safe too. */
		assert_true(sanitize_width(out) >= 0);
		{
			char buf[64];
			int w = sanitize_fit(out, 20, 1, buf, sizeof buf);

			assert_true(w >= 0 && w <= 20);
			assert_safe(name, buf);
		}
		free(out);
	}
	json_decref(arr);
}

static void
test_hostile_fixtures_become_visible_tokens(void **state)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "title-and-clear", "api down^[]0;owned^G^[[2J^[[H" },
		{ "csi-colour-and-move", "^[[31mred^[[0m ^[[10;10Hmoved ^[[6n" },
		{ "c1-csi", "latency <U+009B>31m high" },
		{ "c1-osc", "cpu <U+009D>0;title<U+009C> hot" },
		{ "dcs-tmux-passthrough", "^[Ptmux;^[^[]52;c;ZWNobyBoaQ==^G^[\\ queue" },
		{ "bidi-override", "payment <U+202E>ylno tset<U+202C> ok" },
		{ "zero-width", "check<U+200B>out<U+200D> svc<U+FEFF>" },
		{ "carriage-return-overwrite", "critical^Mresolved" },
		{ "backspace-overwrite", "critical^H^H^H^H^H^H^H^Hinfo    " },
		{ "wide-and-combining",
		  "\xE8\xA8\xBC\xE6\x98\x8E\xE6\x9B\xB8 e\xCC\x81 \xF0\x9F\x94\xA5 "
		  "\xF0\x9F\x91\xA8<U+200D>\xF0\x9F\x91\xA9<U+200D>\xF0\x9F\x91\xA7" },
		{ "sql-ish", "'); DROP TABLE incidents; --" },
		{ "nul-escaped", "before^@after" },
	};
	json_t *arr = load_json(STRINGS_JSON), *item;
	size_t idx, c;

	(void)state;
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		int found = 0;

		json_array_foreach(arr, idx, item) {
			json_t *text = json_object_get(item, "text");
			char *out;

			if (strcmp(json_string_value(json_object_get(item, "name")),
			    cases[c].name) != 0)
				continue;
			found = 1;
			out = sanitize_text(json_string_value(text), json_string_length(text));
			if (strcmp(out, cases[c].want) != 0)
				print_error("%s\n", cases[c].name);
			assert_string_equal(out, cases[c].want);
			free(out);
		}
		if (!found)
			print_error("fixture case %s missing\n", cases[c].name);
		assert_true(found);
	}
	json_decref(arr);
}

static void
test_osc52_clipboard_payload_is_inert(void **state)
{
	json_t *arr = load_json(STRINGS_JSON), *item;
	size_t idx;
	int found = 0;

	(void)state;
	json_array_foreach(arr, idx, item) {
		json_t *text = json_object_get(item, "text");
		char *out;

		if (strcmp(json_string_value(json_object_get(item, "name")), "osc52-clipboard") != 0)
			continue;
		found = 1;
		out = sanitize_text(json_string_value(text), json_string_length(text));
		assert_non_null(strstr(out, "disk full ^[]52;c;"));
		assert_non_null(strstr(out, "^G on db-1"));
		assert_null(strchr(out, '\x1b'));
		assert_null(strchr(out, '\a'));
		free(out);
	}
	assert_true(found);
	json_decref(arr);
}

static void
test_very_long_fixture_is_kept_whole_and_clipped_by_fit(void **state)
{
	json_t *arr = load_json(STRINGS_JSON), *item;
	size_t idx;
	int found = 0;

	(void)state;
	json_array_foreach(arr, idx, item) {
		json_t *text = json_object_get(item, "text");
		char *out, buf[256];

		if (strcmp(json_string_value(json_object_get(item, "name")), "very-long") != 0)
			continue;
		found = 1;
		out = sanitize_text(json_string_value(text), json_string_length(text));
		assert_int_equal(strlen(out), json_string_length(text));
		assert_int_equal(sanitize_width(out), (int)json_string_length(text));
		assert_int_equal(sanitize_fit(out, 80, 1, buf, sizeof buf), 80);
		assert_int_equal(sanitize_width(buf), 80);
		assert_string_equal(buf + 79, "\xE2\x80\xA6");
		free(out);
	}
	assert_true(found);
	json_decref(arr);
}

/* Walk every string (keys too) of a JSON value. */
static void
check_all_strings(json_t *v, int *count)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_string(v)) {
		char *out = sanitize_text(json_string_value(v), json_string_length(v));

		assert_safe("alertmanager-hostile value", out);
		free(out);
		(*count)++;
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			char *out = sanitize_text(key, strlen(key));

			assert_safe("alertmanager-hostile key", out);
			free(out);
			check_all_strings(child, count);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			check_all_strings(child, count);
	}
}

static void
test_every_string_in_hostile_alertmanager_body_sanitises_safe(void **state)
{
	json_t *root = load_json(AM_HOSTILE_JSON);
	int count = 0;

	(void)state;
	check_all_strings(root, &count);
	assert_true(count > 10);
	json_decref(root);
}

/* ---- controls become tokens ------------------------------------------ */

static void
test_esc_becomes_caret_bracket(void **state)
{
	(void)state;
	EXPECT("\x1b", "^[");
	EXPECT("a\x1b[31mb", "a^[[31mb");
}

static void
test_cr_lf_tab_become_caret_tokens(void **state)
{
	(void)state;
	EXPECT("a\rb", "a^Mb");
	EXPECT("a\nb\tc", "a^Jb^Ic");
	EXPECT("\x01\x07\x08\x1f", "^A^G^H^_");
}

static void
test_del_becomes_caret_question(void **state)
{
	(void)state;
	EXPECT("x\x7fy", "x^?y");
}

static void
test_embedded_nul_becomes_caret_at(void **state)
{
	(void)state;
	EXPECT("before\0after", "before^@after");
	EXPECT("\0", "^@");
}

static void
test_c1_controls_become_u_tokens(void **state)
{
	(void)state;
	EXPECT("\xC2\x80", "<U+0080>");
	EXPECT("\xC2\x9B" "31m", "<U+009B>31m");
	EXPECT("\xC2\x9F", "<U+009F>");
	EXPECT("\xC2\x85", "<U+0085>");	/* NEL */
}

static void
test_bidi_controls_become_u_tokens(void **state)
{
	(void)state;
	EXPECT("\xE2\x80\xAE", "<U+202E>");
	EXPECT("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD",
	    "<U+202A><U+202B><U+202C><U+202D>");
	EXPECT("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9",
	    "<U+2066><U+2067><U+2068><U+2069>");
	EXPECT("\xE2\x80\x8E\xE2\x80\x8F", "<U+200E><U+200F>");
	EXPECT("\xD8\x9C", "<U+061C>");
}

static void
test_zero_width_chars_become_u_tokens(void **state)
{
	(void)state;
	EXPECT("a\xE2\x80\x8B" "b", "a<U+200B>b");
	EXPECT("\xE2\x80\x8C\xE2\x80\x8D", "<U+200C><U+200D>");
	EXPECT("\xE2\x81\xA0", "<U+2060>");
	EXPECT("\xEF\xBB\xBFhello", "<U+FEFF>hello");
}

static void
test_nonprintable_codepoints_become_u_tokens(void **state)
{
	(void)state;
	/* wcwidth() == -1: line/paragraph separators, unassigned, noncharacter */
	EXPECT("\xE2\x80\xA8\xE2\x80\xA9", "<U+2028><U+2029>");
	EXPECT("\xCD\xB8", "<U+0378>");
	EXPECT("\xF4\x8F\xBF\xBF", "<U+10FFFF>");
}

/* ---- ill-formed UTF-8 becomes U+FFFD ---------------------------------- */

#define FFFD "\xEF\xBF\xBD"

static void
test_invalid_bytes_become_replacement_char(void **state)
{
	(void)state;
	EXPECT("\xff\xfe", FFFD FFFD);
	EXPECT("a\x80" "b", "a" FFFD "b");	/* lone continuation byte */
	EXPECT("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
}

static void
test_overlong_encoding_becomes_replacement_char(void **state)
{
	(void)state;
	EXPECT("\xc0\xaf", FFFD FFFD);		/* overlong '/' */
	EXPECT("\xc1\x9b", FFFD FFFD);		/* overlong ESC-ish */
	EXPECT("\xe0\x80\xaf", FFFD FFFD FFFD);
	EXPECT("\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD);
	EXPECT("\xc0\x80", FFFD FFFD);		/* "modified UTF-8" NUL */
}

static void
test_surrogate_becomes_replacement_char(void **state)
{
	(void)state;
	/* ED A0 is not a valid start: three maximal subparts, three U+FFFD. */
	EXPECT("\xed\xa0\x80", FFFD FFFD FFFD);
	EXPECT("\xed\xbf\xbf", FFFD FFFD FFFD);
	EXPECT("\xed\x9e\xa3", "\xed\x9e\xa3");	/* U+D7A3, just below: fine */
}

static void
test_above_u10ffff_becomes_replacement_char(void **state)
{
	(void)state;
	EXPECT("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
}

static void
test_truncated_sequence_becomes_one_replacement_char(void **state)
{
	(void)state;
	EXPECT("\xe2\x82", FFFD);
	EXPECT("\xe2\x82x", FFFD "x");
	EXPECT("\xf0\x9f\x94", FFFD);
	EXPECT("\xf0\x9f\x94\x1b", FFFD "^[");	/* control after a cut sequence */
	EXPECT("\xc3", FFFD);
}

static void
test_valid_utf8_passes_through_unchanged(void **state)
{
	static const char s[] = "caf\xC3\xA9 \xE8\xA8\xBC\xE6\x98\x8E \xF0\x9F\x94\xA5 "
	    "\xD0\x9F\xD1\x80\xD0\xB8 \xEF\xBF\xBD ~!@#$%^&*()_+{}|:\"<>?";

	(void)state;
	EXPECT(s, s);
}

static void
test_empty_string_gives_empty_string(void **state)
{
	char *out;
	char buf[8] = "junk";

	(void)state;
	EXPECT("", "");
	out = sanitize_text(NULL, 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(sanitize_width(""), 0);
	assert_int_equal(sanitize_fit("", 10, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void
test_random_bytes_always_sanitise_safe(void **state)
{
	unsigned long x = 0x2545F491UL;
	unsigned char in[64];
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % (int)sizeof in), i;
		char *out, buf[24];
		int cols = round % 12, w;

		for (i = 0; i < len; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			in[i] = (unsigned char)(x >> 33);
			if (round & 1)	/* bias towards UTF-8 lead/continuation bytes */
				in[i] |= 0x80;
		}
		out = sanitize_text((const char *)in, len);
		assert_safe("random", out);
		w = sanitize_fit(out, cols, round & 2, buf, sizeof buf);
		assert_true(w >= 0 && w <= cols);
		assert_int_equal(sanitize_width(buf), w);
		assert_safe("random fit", buf);
		free(out);
	}
}

/* ---- widths ----------------------------------------------------------- */

static void
test_wide_cjk_is_two_columns(void **state)
{
	(void)state;
	assert_int_equal(sanitize_width("\xE8\xA8\xBC"), 2);			/* 証 */
	assert_int_equal(sanitize_width("\xE8\xA8\xBC\xE6\x98\x8E\xE6\x9B\xB8"), 6);
	assert_int_equal(sanitize_width("a\xE8\xA8\xBC" "b"), 4);
}

static void
test_combining_mark_adds_no_width(void **state)
{
	(void)state;
	assert_int_equal(sanitize_width("e\xCC\x81"), 1);			/* e + U+0301 */
	assert_int_equal(sanitize_width("\xC3\xA9"), 1);			/* precomposed */
	assert_int_equal(sanitize_width("ascii"), 5);
}

static void
test_tokens_are_measured_as_drawn(void **state)
{
	char *out = sanitize_text("\x1b\xE2\x80\xAE", 4);

	(void)state;
	assert_string_equal(out, "^[<U+202E>");
	assert_int_equal(sanitize_width(out), 10);
	free(out);
}

/* ---- sanitize_fit ----------------------------------------------------- */

static void
test_fit_copies_whole_string_when_it_fits(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(sanitize_fit("hello", 5, 1, buf, sizeof buf), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(sanitize_fit("hello", 80, 1, buf, sizeof buf), 5);
	assert_string_equal(buf, "hello");
}

static void
test_fit_does_not_split_wide_char_at_boundary(void **state)
{
	char buf[32];

	(void)state;
	/* 証明書 is 6 columns; 5 columns hold only two of them. */
	assert_int_equal(sanitize_fit("\xE8\xA8\xBC\xE6\x98\x8E\xE6\x9B\xB8", 5, 0, buf, sizeof buf), 4);
	assert_string_equal(buf, "\xE8\xA8\xBC\xE6\x98\x8E");
	assert_int_equal(sanitize_fit("a\xE8\xA8\xBC", 2, 0, buf, sizeof buf), 1);
	assert_string_equal(buf, "a");
	assert_int_equal(sanitize_fit("\xE8\xA8\xBC", 1, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void
test_fit_puts_ellipsis_in_last_column_on_truncation(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(sanitize_fit("abcdef", 4, 1, buf, sizeof buf), 4);
	assert_string_equal(buf, "abc\xE2\x80\xA6");
	assert_int_equal(sanitize_fit("abcdef", 4, 0, buf, sizeof buf), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(sanitize_fit("abcdef", 1, 1, buf, sizeof buf), 1);
	assert_string_equal(buf, "\xE2\x80\xA6");
	/* The ellipsis does not split a wide char either: 証 + … in 4 columns. */
	assert_int_equal(sanitize_fit("\xE8\xA8\xBC\xE6\x98\x8E\xE6\x9B\xB8", 4, 1, buf, sizeof buf), 3);
	assert_string_equal(buf, "\xE8\xA8\xBC\xE2\x80\xA6");
	assert_int_equal(sanitize_fit("\xE8\xA8\xBC\xE6\x98\x8E\xE6\x9B\xB8", 5, 1, buf, sizeof buf), 5);
	assert_string_equal(buf, "\xE8\xA8\xBC\xE6\x98\x8E\xE2\x80\xA6");
}

static void
test_fit_keeps_combining_mark_with_its_base(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(sanitize_fit("abe\xCC\x81", 3, 1, buf, sizeof buf), 3);
	assert_string_equal(buf, "abe\xCC\x81");
	assert_int_equal(sanitize_fit("e\xCC\x81xyz", 2, 1, buf, sizeof buf), 2);
	assert_string_equal(buf, "e\xCC\x81\xE2\x80\xA6");
}

static void
test_fit_never_splits_utf8_when_buffer_is_small(void **state)
{
	char buf[5];

	(void)state;
	/* 4 usable bytes: one 3-byte char fits, the second does not. */
	assert_int_equal(sanitize_fit("\xE8\xA8\xBC\xE6\x98\x8E", 10, 0, buf, sizeof buf), 2);
	assert_string_equal(buf, "\xE8\xA8\xBC");
	/* Out of bytes counts as truncation: room for "a" + ellipsis only. */
	assert_int_equal(sanitize_fit("abcdefgh", 10, 1, buf, sizeof buf), 2);
	assert_string_equal(buf, "a\xE2\x80\xA6");
	/* Too small even for the ellipsis: plain truncation. */
	assert_int_equal(sanitize_fit("abcdefgh", 10, 1, buf, 3), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(sanitize_fit("\xE8\xA8\xBC", 10, 1, buf, 3), 0);
	assert_string_equal(buf, "");
}

static void
test_fit_with_no_room_writes_empty_string(void **state)
{
	char buf[8] = "junk";

	(void)state;
	assert_int_equal(sanitize_fit("abc", 0, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	strcpy(buf, "junk");
	assert_int_equal(sanitize_fit("abc", -3, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	strcpy(buf, "junk");
	assert_int_equal(sanitize_fit("abc", 5, 1, buf, 1), 0);
	assert_string_equal(buf, "");
	assert_int_equal(sanitize_fit("abc", 5, 1, buf, 0), 0);	/* must not write */
	assert_int_equal(sanitize_fit(NULL, 5, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void
test_fit_replaces_unsanitised_controls_defensively(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(sanitize_fit("a\x1b[2Jb\xff", 10, 0, buf, sizeof buf), 7);
	assert_string_equal(buf, "a" FFFD "[2Jb" FFFD);
	assert_int_equal(sanitize_width("a\x1b[2Jb\xff"), 7);
	assert_safe("fit of raw text", buf);
}

/* A summary in a Markdown export renders as the text it is. */
static void
test_markdown_text_is_inert_and_still_reads(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "checkout-api 4.2% (SLO 0.5%)",
		    "checkout-api 4.2% \\(SLO 0.5%\\)" },
		{ "# heading", "\\# heading" },
		{ "- item", "\\- item" },
		{ "  > quote", "  \\> quote" },
		{ "1. one", "1\\. one" },
		{ "12) twelve", "12\\) twelve" },
		{ "===", "\\===" },
		{ "[x](http://e.x)", "\\[x\\]\\(http\\://e.x\\)" },
		{ "see WWW.e.x or a@b.c", "see WWW\\.e.x or a\\@b.c" },
		{ "<b>&amp;</b>", "\\<b\\>\\&amp;\\</b\\>" },
		{ "**a** _b_ `c` ~~d~~ |e|", "\\*\\*a\\*\\* \\_b\\_ \\`c\\` "
		    "\\~\\~d\\~\\~ \\|e\\|" },
		{ "a\\b", "a\\\\b" },
		{ "x\n# y\x1b[2J", "x^J\\# y^\\[\\[2J" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = sanitize_markdown(cases[i].in,
		    strlen(cases[i].in));

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("%s: got %s, want %s", cases[i].in, got,
			    cases[i].out);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_hostile_fixture_sanitises_to_safe_utf8),
		cmocka_unit_test(test_hostile_fixtures_become_visible_tokens),
		cmocka_unit_test(test_osc52_clipboard_payload_is_inert),
		cmocka_unit_test(test_very_long_fixture_is_kept_whole_and_clipped_by_fit),
		cmocka_unit_test(test_every_string_in_hostile_alertmanager_body_sanitises_safe),
		cmocka_unit_test(test_esc_becomes_caret_bracket),
		cmocka_unit_test(test_cr_lf_tab_become_caret_tokens),
		cmocka_unit_test(test_del_becomes_caret_question),
		cmocka_unit_test(test_embedded_nul_becomes_caret_at),
		cmocka_unit_test(test_c1_controls_become_u_tokens),
		cmocka_unit_test(test_bidi_controls_become_u_tokens),
		cmocka_unit_test(test_zero_width_chars_become_u_tokens),
		cmocka_unit_test(test_nonprintable_codepoints_become_u_tokens),
		cmocka_unit_test(test_invalid_bytes_become_replacement_char),
		cmocka_unit_test(test_overlong_encoding_becomes_replacement_char),
		cmocka_unit_test(test_surrogate_becomes_replacement_char),
		cmocka_unit_test(test_above_u10ffff_becomes_replacement_char),
		cmocka_unit_test(test_truncated_sequence_becomes_one_replacement_char),
		cmocka_unit_test(test_valid_utf8_passes_through_unchanged),
		cmocka_unit_test(test_empty_string_gives_empty_string),
		cmocka_unit_test(test_random_bytes_always_sanitise_safe),
		cmocka_unit_test(test_wide_cjk_is_two_columns),
		cmocka_unit_test(test_combining_mark_adds_no_width),
		cmocka_unit_test(test_tokens_are_measured_as_drawn),
		cmocka_unit_test(test_fit_copies_whole_string_when_it_fits),
		cmocka_unit_test(test_fit_does_not_split_wide_char_at_boundary),
		cmocka_unit_test(test_fit_puts_ellipsis_in_last_column_on_truncation),
		cmocka_unit_test(test_fit_keeps_combining_mark_with_its_base),
		cmocka_unit_test(test_fit_never_splits_utf8_when_buffer_is_small),
		cmocka_unit_test(test_fit_with_no_room_writes_empty_string),
		cmocka_unit_test(test_fit_replaces_unsanitised_controls_defensively),
		cmocka_unit_test(test_markdown_text_is_inert_and_still_reads),
	};

	/* wcwidth() needs a UTF-8 LC_CTYPE; the program does setlocale(LC_ALL, ""). */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_sanitize: cannot set LC_CTYPE to C.UTF-8\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
