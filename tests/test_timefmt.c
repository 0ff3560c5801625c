/*
 * test_timefmt.c: cmocka tests for core/timefmt.c: RFC 3339 times as the
 * sources send them (Alertmanager's nanoseconds, offsets, Go's zero time)
 * and the UTC millisecond form everything machine-readable uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"

/* 2026-11-27T15:57:08Z */
#define T0	1795795028LL

static int64_t
parse_ok(const char *s)
{
	int64_t ms = -12345;

	if (wr_time_parse(s, &ms) != 0)
		fail_msg("refused: \"%s\"", s);
	return ms;
}

static void
test_alertmanager_nanosecond_time_parses_to_milliseconds(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-27T15:57:08.771363687Z"),
	    T0 * 1000 + 771);
	/* Truncated, not rounded: .9999 is 999 ms of this second. */
	assert_int_equal(parse_ok("2026-11-27T15:57:08.999999999Z"),
	    T0 * 1000 + 999);
	assert_int_equal(parse_ok("2026-11-27T15:57:08Z"), T0 * 1000);
}

static void
test_short_fractions_scale_to_milliseconds(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-27T15:57:08.5Z"), T0 * 1000 + 500);
	assert_int_equal(parse_ok("2026-11-27T15:57:08.05Z"), T0 * 1000 + 50);
	assert_int_equal(parse_ok("2026-11-27T15:57:08.771Z"),
	    T0 * 1000 + 771);
}

static void
test_plus_and_minus_offsets_convert_to_utc(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-27T16:57:08.771+01:00"),
	    T0 * 1000 + 771);
	assert_int_equal(parse_ok("2026-11-27T10:27:08-05:30"), T0 * 1000);
	assert_int_equal(parse_ok("2026-11-27T16:57:08+0100"), T0 * 1000);
	assert_int_equal(parse_ok("2026-11-27T15:57:08+00:00"), T0 * 1000);
	assert_int_equal(parse_ok("2026-11-27T15:57:08-00:00"), T0 * 1000);
	/* Across midnight and a day boundary. */
	assert_int_equal(parse_ok("2026-11-28T01:57:08+10:00"), T0 * 1000);
}

static void
test_lowercase_and_space_separator_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-27t15:57:08z"), T0 * 1000);
	assert_int_equal(parse_ok("2026-11-27 15:57:08Z"), T0 * 1000);
}

static void
test_go_zero_time_parses_to_zero(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("0001-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("0001-01-01T00:00:00.000000000Z"), 0);
}

static void
test_epoch_and_times_before_it(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:00.001Z"), 1);
	assert_int_equal(parse_ok("1969-12-31T23:59:59.500Z"), -500);
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1000);
	assert_int_equal(parse_ok("1900-01-01T00:00:00Z"),
	    -2208988800LL * 1000);
}

static void
test_garbage_refused(void **state)
{
	const char *bad[] = {
		"", "garbage", "now", "2026", "2026-11-27",
		"2026-11-27T15:57:08",		/* no zone */
		"2026-11-27T15:57Z",
		"2026-11-27T15:57:08.Z",	/* empty fraction */
		"2026-11-27T15:57:08Zjunk",
		"2026-11-27T15:57:08Z ",
		" 2026-11-27T15:57:08Z",
		"2026-11-27X15:57:08Z",
		"2026/11/27T15:57:08Z",
		"26-11-27T15:57:08Z",
		"2026-1-27T15:57:08Z",
		"2026-00-27T15:57:08Z",
		"2026-13-27T15:57:08Z",
		"2026-11-00T15:57:08Z",
		"2026-11-31T15:57:08Z",		/* November has 30 days */
		"2026-02-29T00:00:00Z",		/* not a leap year */
		"1900-02-29T00:00:00Z",
		"2026-11-27T24:00:00Z",
		"2026-11-27T15:60:08Z",
		"2026-11-27T15:57:61Z",
		"2026-11-27T15:57:08+1",
		"2026-11-27T15:57:08+01:",
		"2026-11-27T15:57:08+25:00",
		"2026-11-27T15:57:08+01:60",
		"2026-11-27T15:57:08+ab:cd",
		"2026-11-27T15:57:08.77a1Z",
		"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-11-27T15:57:08Z",
		"-026-11-27T15:57:08Z",
	};
	int64_t ms = 4242;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (wr_time_parse(bad[i], &ms) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_int_equal(ms, 4242);	/* untouched */
	}
	assert_int_equal(wr_time_parse(NULL, &ms), -1);
}

/* A time whose UTC instant is past 9999 would be formatted with a
 * five-digit year that no console decodes: refused, telling why. */
static void
test_times_past_year_9999_utc_refused(void **state)
{
	static const char *bad[] = {
		"9999-12-31T23:59:59-23:59",	/* 10000-01-01T23:58:59Z */
		"9999-12-31T23:59:59-00:01",
		"9999-12-31T23:59:60Z",		/* a leap second into 10000 */
		"9999-12-31T23:30:00.000-01:00",
	};
	int64_t ms = 4242;
	char buf[40];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (wr_time_parse(bad[i], &ms) != WR_TIME_OUT_OF_RANGE)
			fail_msg("not refused as out of range: \"%s\"", bad[i]);
		assert_int_equal(ms, 4242);	/* untouched */
	}
	/* The last instant of 9999, however written, is accepted. */
	assert_int_equal(wr_time_parse("9999-12-31T23:59:59.999Z", &ms), 0);
	assert_int_equal(ms, WR_TIME_MAX_MS);
	assert_int_equal(wr_time_parse("9999-12-31T23:59:59.999999+00:00",
	    &ms), 0);
	assert_int_equal(wr_time_parse("10000-01-01T00:00:00Z", &ms), -1);
	assert_int_equal(wr_time_parse("9999-12-31T22:59:59+01:00", &ms), 0);
	wr_time_format(ms, buf, sizeof buf);
	assert_string_equal(buf, "9999-12-31T21:59:59.000Z");
	/* The year 0000 is the other end: it parses (as Go's zero time). */
	assert_int_equal(wr_time_parse("0000-01-01T00:00:00+14:00", &ms), 0);
}

static void
test_leap_days_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2028-02-29T00:00:00Z"),
	    parse_ok("2028-02-28T00:00:00Z") + 86400000);
	assert_int_equal(parse_ok("2000-02-29T00:00:00Z"),
	    parse_ok("2000-03-01T00:00:00Z") - 86400000);
}

static void
test_format_writes_utc_with_milliseconds(void **state)
{
	char buf[32];

	(void)state;
	wr_time_format(T0 * 1000 + 771, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-27T15:57:08.771Z");
	wr_time_format(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	wr_time_format(7, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.007Z");
}

static void
test_format_of_negative_times_floors(void **state)
{
	char buf[32];

	(void)state;
	wr_time_format(-1, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	wr_time_format(-500, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.500Z");
	wr_time_format(-1000, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.000Z");
	wr_time_format(-1001, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:58.999Z");
}

static void
test_format_of_extreme_values_does_not_crash(void **state)
{
	char buf[64];

	(void)state;
	wr_time_format(INT64_MIN, buf, sizeof buf);
	assert_true(strlen(buf) > 0);
	wr_time_format(INT64_MAX, buf, sizeof buf);
	assert_true(strlen(buf) > 0);
	wr_time_format(INT64_MIN + 999, buf, sizeof buf);
	assert_true(strlen(buf) > 0);
}

static void
test_format_into_small_buffer_truncates(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof buf);
	wr_time_format(T0 * 1000, buf, sizeof buf);
	assert_string_equal(buf, "2026-11");
}

static void
test_format_parse_round_trip(void **state)
{
	const int64_t v[] = {
		0, 1, 999, 1000, -1, -999, -1000, -1001, -86400000,
		T0 * 1000 + 771, 951782400000LL,	/* 2000-02-29 */
		253402300799999LL,			/* 9999-12-31 */
		-2208988800000LL,			/* 1900-01-01 */
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		wr_time_format(v[i], buf, sizeof buf);
		assert_int_equal(parse_ok(buf), v[i]);
	}
	/* And every millisecond of a second across the epoch. */
	for (int64_t ms = -1500; ms <= 1500; ms++) {
		wr_time_format(ms, buf, sizeof buf);
		assert_int_equal(parse_ok(buf), ms);
	}
}

static void
test_parse_format_round_trip_normalises_to_utc(void **state)
{
	char buf[32];

	(void)state;
	wr_time_format(parse_ok("2026-11-27T16:57:08.771363687+01:00"), buf,
	    sizeof buf);
	assert_string_equal(buf, "2026-11-27T15:57:08.771Z");
}

static void
test_clocks_are_sane(void **state)
{
	int64_t a, b;

	(void)state;
	assert_true(wr_now_ms() > 1577836800000LL);	/* after 2020 */
	a = wr_mono_ms();
	b = wr_mono_ms();
	assert_true(b >= a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alertmanager_nanosecond_time_parses_to_milliseconds),
		cmocka_unit_test(test_short_fractions_scale_to_milliseconds),
		cmocka_unit_test(test_plus_and_minus_offsets_convert_to_utc),
		cmocka_unit_test(test_lowercase_and_space_separator_accepted),
		cmocka_unit_test(test_go_zero_time_parses_to_zero),
		cmocka_unit_test(test_epoch_and_times_before_it),
		cmocka_unit_test(test_garbage_refused),
		cmocka_unit_test(test_times_past_year_9999_utc_refused),
		cmocka_unit_test(test_leap_days_accepted),
		cmocka_unit_test(test_format_writes_utc_with_milliseconds),
		cmocka_unit_test(test_format_of_negative_times_floors),
		cmocka_unit_test(test_format_of_extreme_values_does_not_crash),
		cmocka_unit_test(test_format_into_small_buffer_truncates),
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_parse_format_round_trip_normalises_to_utc),
		cmocka_unit_test(test_clocks_are_sane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
