/*
 * test_util.c: cmocka tests for core/util.c: random hex ids and the log
 * escape.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/util.h"

static void
test_random_hex_is_lowercase_hex_of_the_asked_length(void **state)
{
	char a[2 * 100 + 1], b[2 * 100 + 1], z[1] = { 'x' };

	(void)state;
	/* more than one getrandom() chunk, and an odd count */
	assert_int_equal(util_random_hex(a, 100), 0);
	assert_int_equal(strlen(a), 200);
	assert_int_equal(strspn(a, "0123456789abcdef"), 200);
	assert_int_equal(util_random_hex(b, 100), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(util_random_hex(a, 8), 0);
	assert_int_equal(strlen(a), 16);
	assert_int_equal(util_random_hex(z, 0), 0);
	assert_string_equal(z, "");
}

static void
test_log_escape_keeps_text_and_escapes_controls(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(util_log_escape("alice", buf, sizeof buf),
	    "alice");
	assert_string_equal(util_log_escape(NULL, buf, sizeof buf), "-");
	/* a forged log line: newline, CR, ESC, DEL, backslash */
	assert_string_equal(util_log_escape("bob\n2026-12-01T00:00:00Z "
	    "warroomd: console root connected\r\x1b[2J\x7f\\", buf, sizeof buf),
	    "bob\\x0a2026-12-01T00:00:00Z warroomd: console root connected"
	    "\\x0d\\x1b[2J\\x7f\\\\");
	/* UTF-8 passes; a C1 control (U+009B, CSI) and invalid bytes do not */
	assert_string_equal(util_log_escape("J\xc3\xbcrgen \xe2\x9c\x93",
	    buf, sizeof buf), "J\xc3\xbcrgen \xe2\x9c\x93");
	assert_string_equal(util_log_escape("a\xc2\x9b" "b\xff\xc3", buf,
	    sizeof buf), "a\\x9bb\\xff\\xc3");
}

static void
test_log_escape_is_bounded_and_cuts_whole_characters(void **state)
{
	char buf[12];
	char big[4096];

	(void)state;
	memset(big, '\n', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	util_log_escape(big, buf, sizeof buf);
	assert_true(strlen(buf) < sizeof buf);
	assert_string_equal(buf, "\\x0a\\x0a...");
	assert_string_equal(util_log_escape("\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"
	    "\xc3\xbc\xc3\xbc", buf, sizeof buf), "\xc3\xbc\xc3\xbc\xc3\xbc"
	    "\xc3\xbc...");
	assert_string_equal(util_log_escape("0123456789a", buf, sizeof buf),
	    "0123456789a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_hex_is_lowercase_hex_of_the_asked_length),
		cmocka_unit_test(test_log_escape_keeps_text_and_escapes_controls),
		cmocka_unit_test(test_log_escape_is_bounded_and_cuts_whole_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
