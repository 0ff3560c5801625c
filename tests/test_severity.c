/*
 * test_severity.c: cmocka tests for core/severity.c, the table of words
 * senders use for severity (warroomd(8) documents the same list).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/severity.h"

static const struct {
	const char *word;
	wr_severity level;
} documented[] = {
	{ "critical", WR_SEV_CRITICAL }, { "crit", WR_SEV_CRITICAL },
	{ "fatal", WR_SEV_CRITICAL }, { "emergency", WR_SEV_CRITICAL },
	{ "emerg", WR_SEV_CRITICAL }, { "alert", WR_SEV_CRITICAL },
	{ "disaster", WR_SEV_CRITICAL }, { "page", WR_SEV_CRITICAL },
	{ "p0", WR_SEV_CRITICAL }, { "p1", WR_SEV_CRITICAL },
	{ "sev0", WR_SEV_CRITICAL }, { "sev1", WR_SEV_CRITICAL },
	{ "sev-0", WR_SEV_CRITICAL }, { "sev-1", WR_SEV_CRITICAL },
	{ "error", WR_SEV_ERROR }, { "err", WR_SEV_ERROR },
	{ "high", WR_SEV_ERROR }, { "major", WR_SEV_ERROR },
	{ "p2", WR_SEV_ERROR }, { "sev2", WR_SEV_ERROR },
	{ "sev-2", WR_SEV_ERROR },
	{ "warning", WR_SEV_WARNING }, { "warn", WR_SEV_WARNING },
	{ "medium", WR_SEV_WARNING }, { "minor", WR_SEV_WARNING },
	{ "average", WR_SEV_WARNING }, { "p3", WR_SEV_WARNING },
	{ "sev3", WR_SEV_WARNING }, { "sev-3", WR_SEV_WARNING },
	{ "info", WR_SEV_INFO }, { "informational", WR_SEV_INFO },
	{ "low", WR_SEV_INFO }, { "none", WR_SEV_INFO },
	{ "notice", WR_SEV_INFO }, { "ok", WR_SEV_INFO },
	{ "p4", WR_SEV_INFO }, { "p5", WR_SEV_INFO },
	{ "sev4", WR_SEV_INFO }, { "sev5", WR_SEV_INFO },
};
#define N_DOC (sizeof documented / sizeof documented[0])

static void
test_every_documented_word_has_its_level(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_DOC; i++) {
		wr_severity s = WR_SEV_COUNT;
		assert_int_equal(wr_severity_word(NULL, documented[i].word,
		    &s), 0);
		if (s != documented[i].level)
			fail_msg("%s: got %d, want %d", documented[i].word,
			    (int)s, (int)documented[i].level);
	}
}

static void
test_builtin_list_is_exactly_the_documented_one(void **state)
{
	size_t i;
	wr_severity s;

	(void)state;
	for (i = 0; wr_severity_builtin(i, &s) != NULL; i++) {
		assert_true(i < N_DOC);
		assert_string_equal(wr_severity_builtin(i, NULL),
		    documented[i].word);
		assert_int_equal(s, documented[i].level);
	}
	assert_int_equal(i, N_DOC);
}

static void
test_lookup_ignores_ascii_case(void **state)
{
	static const char *const words[] = {
		"PAGE", "P1", "Sev-2", "SEV-2", "Major", "DISASTER", "None",
		"WaRnInG", "iNfO", "CRIT",
	};
	static const wr_severity want[] = {
		WR_SEV_CRITICAL, WR_SEV_CRITICAL, WR_SEV_ERROR, WR_SEV_ERROR,
		WR_SEV_ERROR, WR_SEV_CRITICAL, WR_SEV_INFO, WR_SEV_WARNING,
		WR_SEV_INFO, WR_SEV_CRITICAL,
	};
	(void)state;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		wr_severity s = WR_SEV_COUNT;
		assert_int_equal(wr_severity_word(NULL, words[i], &s), 0);
		assert_int_equal(s, want[i]);
	}
}

static void
test_unknown_words_are_refused_and_leave_out_alone(void **state)
{
	static const char *const words[] = {
		"", "p6", "sev 1", " critical", "critical ", "crit\n", "pag",
		"pagee", "sev-", "sev--1", "s\xc3\xa9v1", "CRİTICAL",
	};
	(void)state;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		wr_severity s = WR_SEV_COUNT;
		assert_int_equal(wr_severity_word(NULL, words[i], &s), -1);
		assert_int_equal(s, WR_SEV_COUNT);
	}
	assert_int_equal(wr_severity_word(NULL, NULL, NULL), -1);
}

static void
test_config_additions_extend_and_remap_and_later_wins(void **state)
{
	struct wr_severity_table t;
	wr_severity s;

	(void)state;
	wr_severity_table_init(&t);
	/* An empty table is the built-ins. */
	assert_int_equal(wr_severity_word(&t, "p2", &s), 0);
	assert_int_equal(s, WR_SEV_ERROR);
	assert_int_equal(wr_severity_word(&t, "blocker", &s), -1);

	assert_int_equal(wr_severity_table_add(&t, "Blocker",
	    WR_SEV_CRITICAL), 0);
	assert_int_equal(wr_severity_table_add(&t, "p2", WR_SEV_CRITICAL), 0);
	assert_int_equal(wr_severity_table_add(&t, "trivial", WR_SEV_ERROR),
	    0);
	assert_int_equal(wr_severity_table_add(&t, "TRIVIAL", WR_SEV_INFO),
	    0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.v[0].word, "blocker");

	assert_int_equal(wr_severity_word(&t, "BLOCKER", &s), 0);
	assert_int_equal(s, WR_SEV_CRITICAL);
	assert_int_equal(wr_severity_word(&t, "P2", &s), 0);
	assert_int_equal(s, WR_SEV_CRITICAL);
	assert_int_equal(wr_severity_word(&t, "trivial", &s), 0);
	assert_int_equal(s, WR_SEV_INFO);
	/* Built-ins not re-mapped stay. */
	assert_int_equal(wr_severity_word(&t, "p3", &s), 0);
	assert_int_equal(s, WR_SEV_WARNING);
	/* Built-ins only, with a NULL table, are untouched by additions. */
	assert_int_equal(wr_severity_word(NULL, "p2", &s), 0);
	assert_int_equal(s, WR_SEV_ERROR);
	wr_severity_table_free(&t);
	assert_int_equal(t.n, 0);
}

static void
test_table_refuses_words_it_could_never_match(void **state)
{
	struct wr_severity_table t;
	char longw[WR_SEVERITY_WORD_MAX + 2];

	(void)state;
	wr_severity_table_init(&t);
	memset(longw, 'a', sizeof longw - 1);
	longw[sizeof longw - 1] = '\0';
	assert_int_equal(wr_severity_table_add(&t, "", WR_SEV_INFO), -1);
	assert_int_equal(wr_severity_table_add(&t, "a b", WR_SEV_INFO), -1);
	assert_int_equal(wr_severity_table_add(&t, "a,b", WR_SEV_INFO), -1);
	assert_int_equal(wr_severity_table_add(&t, "a\tb", WR_SEV_INFO), -1);
	assert_int_equal(wr_severity_table_add(&t, longw, WR_SEV_INFO), -1);
	assert_int_equal(wr_severity_table_add(&t, "ok", WR_SEV_COUNT), -1);
	assert_int_equal(wr_severity_table_add(&t, NULL, WR_SEV_INFO), -1);
	assert_int_equal(t.n, 0);
	longw[WR_SEVERITY_WORD_MAX] = '\0';
	assert_int_equal(wr_severity_table_add(&t, longw, WR_SEV_INFO), 0);
	wr_severity_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_documented_word_has_its_level),
		cmocka_unit_test(test_builtin_list_is_exactly_the_documented_one),
		cmocka_unit_test(test_lookup_ignores_ascii_case),
		cmocka_unit_test(test_unknown_words_are_refused_and_leave_out_alone),
		cmocka_unit_test(test_config_additions_extend_and_remap_and_later_wins),
		cmocka_unit_test(test_table_refuses_words_it_could_never_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
