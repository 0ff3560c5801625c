/*
 * test_inifile.c: cmocka tests for core/inifile.c, the INI reader both
 * config files use: line numbers, comments, sections seen even when empty,
 * no line cut in two or glued to the one before, and hostile bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/inifile.h"
#include "core/util.h"

/* Every callback, as "L<line> [section]" or "L<line> section.key=value". */
struct seen {
	char log[4096];
	size_t n;
	const char *refuse_key;	/* a key whose callback says no */
};

static char *
on_section(void *user, const char *section, int lineno)
{
	struct seen *s = user;

	s->n += (size_t)snprintf(s->log + s->n, sizeof s->log - s->n,
	    "L%d [%s]\n", lineno, section);
	return NULL;
}

static char *
on_key(void *user, const char *section, const char *key, const char *value,
    int lineno)
{
	struct seen *s = user;

	if (s->refuse_key != NULL && strcmp(key, s->refuse_key) == 0)
		return xasprintf("%s: refused", key);
	s->n += (size_t)snprintf(s->log + s->n, sizeof s->log - s->n,
	    "L%d %s.%s=%s\n", lineno, section, key, value);
	return NULL;
}

static const struct wr_inifile_ops ops = { on_section, on_key };

static int
parse(struct seen *s, const char *text, int *lineno, char **cause)
{
	memset(s, 0, sizeof *s);
	return wr_inifile_parse(text, strlen(text), &ops, s, lineno, cause);
}

static void
test_lines_are_numbered_and_cleaned(void **state)
{
	struct seen s;
	int lineno = 0;
	char *cause = NULL;

	(void)state;
	assert_int_equal(parse(&s,
	    "# a comment\r\n"
	    "; an INI comment\n"
	    "\n"
	    "a = 1\r\n"
	    "   b=two words   # trailing comment\n"
	    "c = x#y\n"
	    "[sec one]\n"
	    "[empty]\n"
	    "[sec one]\n"
	    "  d = indented, not a continuation\n"
	    "e = last line without a newline", &lineno, &cause), 0);
	assert_string_equal(s.log,
	    "L4 .a=1\n"
	    "L5 .b=two words\n"
	    "L6 .c=x#y\n"
	    "L7 [sec one]\n"
	    "L8 [empty]\n"
	    "L9 [sec one]\n"
	    "L10 sec one.d=indented, not a continuation\n"
	    "L11 sec one.e=last line without a newline\n");
}

static void
test_the_first_error_stops_the_reading_with_its_line(void **state)
{
	struct seen s;
	int lineno = 0;
	char *cause = NULL;

	(void)state;
	memset(&s, 0, sizeof s);
	s.refuse_key = "bad";
	assert_int_equal(wr_inifile_parse("a = 1\n\nbad = 2\nbad\n", 19,
	    &ops, &s, &lineno, &cause), -1);
	assert_int_equal(lineno, 3);
	assert_string_equal(cause, "bad: refused");
	assert_string_equal(s.log, "L1 .a=1\n");
	free(cause);

	assert_int_equal(parse(&s, "a = 1\nno equals sign\nb = 2\n", &lineno,
	    &cause), -1);
	assert_int_equal(lineno, 2);
	assert_string_equal(cause, "expected KEY = VALUE or [SECTION]");
	assert_string_equal(s.log, "L1 .a=1\n");
	free(cause);

	assert_int_equal(parse(&s, "a = 1\n[sec\n", &lineno, &cause), -1);
	assert_int_equal(lineno, 2);
	assert_string_equal(cause,
	    "a section header is [NAME] alone on its line");
	free(cause);

	assert_int_equal(parse(&s, "key: value\n", &lineno, &cause), -1);
	assert_int_equal(lineno, 1);
	free(cause);
}

static void
test_a_long_line_is_refused_not_cut(void **state)
{
	struct seen s;
	int lineno = 0;
	char *cause = NULL, text[1200];

	(void)state;
	memset(text, 'x', sizeof text);
	memcpy(text, "a = ", 4);
	memcpy(text + 500, "\nb = 1\n", 8);	/* ends the string */
	assert_int_equal(parse(&s, text, &lineno, &cause), -1);
	assert_int_equal(lineno, 1);
	assert_non_null(strstr(cause, "the line is too long (at most "));
	assert_string_equal(s.log, "");
	free(cause);

	memset(text, 'x', sizeof text);
	text[0] = '[';
	text[60] = ']';
	text[61] = '\0';
	assert_int_equal(parse(&s, text, &lineno, &cause), -1);
	assert_string_equal(cause,
	    "the section name is too long (at most 49 bytes)");
	free(cause);
}

static void
test_a_nul_byte_is_refused(void **state)
{
	struct seen s;
	int lineno = 0;
	char *cause = NULL;

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(wr_inifile_parse("a = 1\nb = x\0y\n", 14, &ops, &s,
	    &lineno, &cause), -1);
	assert_int_equal(lineno, 2);
	assert_string_equal(cause, "a NUL byte in the line");
	free(cause);
}

/* Hostile bytes: every input is read or refused with a line in range,
 * never a crash (run under make SANITIZE=1 too). */
static void
test_random_bytes_are_read_or_refused_with_a_line(void **state)
{
	static const char alphabet[] = "ab=[] #;:\n\r\t\0\x7f\xc3\xa9x";
	uint32_t seed = 12345;
	char text[600];

	(void)state;
	for (int round = 0; round < 3000; round++) {
		struct seen s;
		size_t len, lines = 1;
		int lineno = 0, rc;
		char *cause = NULL;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof text;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
			lines += text[i] == '\n';
		}
		memset(&s, 0, sizeof s);
		rc = wr_inifile_parse(text, len, &ops, &s, &lineno, &cause);
		if (rc == 0) {
			assert_null(cause);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_non_null(cause);
		assert_true(lineno >= 1 && (size_t)lineno <= lines);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_are_numbered_and_cleaned),
		cmocka_unit_test(test_the_first_error_stops_the_reading_with_its_line),
		cmocka_unit_test(test_a_long_line_is_refused_not_cut),
		cmocka_unit_test(test_a_nul_byte_is_refused),
		cmocka_unit_test(test_random_bytes_are_read_or_refused_with_a_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
