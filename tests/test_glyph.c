/*
 * test_glyph.c: cmocka tests for core/glyph.c, the table of the console's
 * own characters chosen from the locale's codeset, and for what the
 * sanitiser does with the ASCII one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/glyph.h"
#include "core/sanitize.h"

static void
test_the_table_follows_the_codeset(void **state)
{
	static const char *const utf8[] = { "UTF-8", "utf8", "UTF8", "utf-8" };
	static const char *const other[] = { "ANSI_X3.4-1968", "ISO-8859-1",
		"", "UTF-16", "KOI8-R" };

	for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++) {
		glyph_choose(utf8[i]);
		assert_int_equal(glyph_table()->ascii, 0);
		assert_string_equal(glyph_table()->ellipsis, "\xE2\x80\xA6");
		assert_int_equal(glyph_table()->vline, 0);
	}
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		glyph_choose(other[i]);
		assert_int_equal(glyph_table()->ascii, 1);
		assert_string_equal(glyph_table()->ellipsis, "...");
		assert_int_equal(glyph_table()->vline, '|');
	}
	glyph_choose(NULL);
	assert_int_equal(glyph_table()->ascii, 1);
	glyph_choose("UTF-8");
}

static void
test_ascii_fit_ends_in_three_dots(void **state)
{
	char buf[64];

	glyph_choose("ANSI_X3.4-1968");
	assert_int_equal(sanitize_fit("checkout-api", 8, 1, buf, sizeof buf), 8);
	assert_string_equal(buf, "check...");
	assert_int_equal(sanitize_fit("checkout-api", 2, 1, buf, sizeof buf), 2);
	assert_string_equal(buf, "..");
	assert_int_equal(sanitize_fit("checkout-api", 12, 1, buf, sizeof buf),
	    12);
	assert_string_equal(buf, "checkout-api");
	/* anything not ASCII still in a "sanitised" string: '?' */
	assert_int_equal(sanitize_fit("a\xc3\xa9z", 5, 1, buf, sizeof buf), 3);
	assert_string_equal(buf, "a?z");
	glyph_choose("UTF-8");
	assert_int_equal(sanitize_fit("checkout-api", 8, 1, buf, sizeof buf), 8);
	assert_string_equal(buf, "checkou\xE2\x80\xA6");
}

static void
test_ascii_text_has_look_alikes_and_tokens(void **state)
{
	char *s;

	glyph_choose("ANSI_X3.4-1968");
	s = sanitize_text("NodeDown \xe2\x80\x94 40 alerts \xe2\x80\x9cok\xe2\x80\x9d"
	    " \xe2\x80\xa6", 35);
	assert_string_equal(s, "NodeDown - 40 alerts \"ok\" ...");
	free(s);
	/* ill-formed UTF-8: '?'; a bidi override and CJK: tokens */
	s = sanitize_text("a\xff" "b \xe2\x80\xae \xe8\xa8\xbc", 11);
	assert_string_equal(s, "a?b <U+202E> <U+8A3C>");
	free(s);
	glyph_choose("UTF-8");
	s = sanitize_text("\xe2\x80\x94 \xe8\xa8\xbc", 7);
	assert_string_equal(s, "\xe2\x80\x94 \xe8\xa8\xbc");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_table_follows_the_codeset),
		cmocka_unit_test(test_ascii_fit_ends_in_three_dots),
		cmocka_unit_test(test_ascii_text_has_look_alikes_and_tokens),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
