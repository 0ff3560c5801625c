/*
 * test_schedule.c: cmocka tests for core/schedule.c and core/zone.c over
 * the real zoneinfo files in tests/fixtures/zoneinfo (tzdata 2025b, read
 * with store/tzif.c).
 *
 * Every expected instant was computed independently of core/, with
 * Python's zoneinfo over those same files:
 *     python3 tests/fixtures/zoneinfo/expect.py local ZONE LOCALTIME...
 * (first occurrence of an ambiguous local time; a nonexistent one is the
 * first instant after the gap, found by scanning UTC minutes) and
 *     python3 tests/fixtures/zoneinfo/expect.py offsets
 * for the table of random instants below.  Which person holds which turn
 * is counted by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "core/zone.h"
#include "store/tzif.h"
#include "tests/zone_time.h"

static const char *
fmt(int64_t ms, char *buf, size_t size)
{
	if (ms == INT64_MIN)
		return "-inf";
	if (ms == INT64_MAX)
		return "+inf";
	wr_time_format(ms, buf, size);
	/* The tests write whole seconds: drop ".000". */
	if (strlen(buf) == 24 && strcmp(buf + 19, ".000Z") == 0)
		strcpy(buf + 19, "Z");
	return buf;
}

static struct wr_schedule *
sched(const char *zname)
{
	return wr_schedule_new("primary", zone(zname));
}

/* A layer: turn "1w", first handoff "2026-03-02T09:00", people "a,b",
 * restrictions (NULL-terminated). */
static struct wr_layer *
layer(struct wr_schedule *s, const char *name, const char *turn,
    const char *start, const char *people, ...)
{
	struct wr_layer *l = wr_schedule_add_layer(s, name);
	char *cause = NULL, *copy, *tok, *save = NULL;
	const char *r;
	va_list ap;

	if (wr_schedule_parse_turn(turn, &l->turn, &cause) != 0 ||
	    wr_schedule_parse_start(start, &l->start, &cause) != 0)
		fail_msg("%s", cause);
	l->has_turn = l->has_start = 1;
	copy = strdup(people);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		wr_schedule_add_person(l, tok);
	free(copy);
	va_start(ap, people);
	while ((r = va_arg(ap, const char *)) != NULL) {
		struct wr_restrict w;

		if (wr_schedule_parse_restrict(r, &w, &cause) != 0)
			fail_msg("%s", cause);
		wr_schedule_add_restrict(l, &w);
	}
	va_end(ap);
	return l;
}

/* Who is on call at `at`: person (NULL: nobody), since, until. */
#define expect_at(s, at, person, since, until) \
	expect_at_(s, at, person, since, until, __LINE__)

static void
expect_at_(const struct wr_schedule *s, const char *at, const char *person,
    const char *since, const char *until, int line)
{
	struct wr_oncall a;
	char b1[40], b2[40], got[200], want[200];

	wr_schedule_at(s, T(at), &a);
	snprintf(got, sizeof got, "%s %s %s", a.person ? a.person : "nobody",
	    fmt(a.since, b1, sizeof b1), fmt(a.until, b2, sizeof b2));
	snprintf(want, sizeof want, "%s %s %s", person ? person : "nobody",
	    since, until);
	if (strcmp(got, want) != 0)
		fail_msg("line %d: at %s: got \"%s\", want \"%s\"", line, at,
		    got, want);
}

/* The answer after the one at `at`. */
#define expect_next(s, at, person, since, until) \
	expect_next_(s, at, person, since, until, __LINE__)

static void
expect_next_(const struct wr_schedule *s, const char *at, const char *person,
    const char *since, const char *until, int line)
{
	struct wr_oncall a;
	char b1[40], b2[40], got[200], want[200];

	if (wr_schedule_next(s, T(at), &a) != 0)
		fail_msg("line %d: no next after %s", line, at);
	snprintf(got, sizeof got, "%s %s %s", a.person ? a.person : "nobody",
	    fmt(a.since, b1, sizeof b1), fmt(a.until, b2, sizeof b2));
	snprintf(want, sizeof want, "%s %s %s", person ? person : "nobody",
	    since, until);
	if (strcmp(got, want) != 0)
		fail_msg("line %d: after %s: got \"%s\", want \"%s\"", line,
		    at, got, want);
}

/* --- zones --------------------------------------------------------------- */

/* From expect.py offsets: instant, offset east of UTC in seconds. */
static const struct {
	const char *zone;
	int64_t t;
	int32_t off;
} offsets[] = {
	{ "Europe/Berlin", 4028933869LL, 7200 },
	{ "Europe/Berlin", -209036991LL, 3600 },
	{ "Europe/Berlin", 313809842LL, 3600 },
	{ "Europe/Berlin", 2879088632LL, 3600 },
	{ "Europe/Berlin", -10357950LL, 3600 },
	{ "Europe/Berlin", 1196820947LL, 3600 },
	{ "Europe/Berlin", -1804731629LL, 3600 },
	{ "Europe/Berlin", -905890303LL, 7200 },
	{ "Europe/Berlin", 2475405477LL, 7200 },
	{ "Europe/Berlin", 2265853159LL, 7200 },
	{ "Europe/Berlin", 2009499828LL, 7200 },
	{ "Europe/Berlin", 1934614328LL, 7200 },
	{ "Europe/Berlin", 2762410471LL, 7200 },
	{ "Europe/Berlin", 2150406148LL, 3600 },
	{ "Europe/Berlin", 60391478LL, 3600 },
	{ "Europe/Berlin", -1953218733LL, 3600 },
	{ "Europe/Berlin", 2902916747LL, 3600 },
	{ "Europe/Berlin", 3125115832LL, 3600 },
	{ "Europe/Berlin", 2215182228LL, 3600 },
	{ "Europe/Berlin", -216405458LL, 3600 },
	{ "Europe/Berlin", 3978045240LL, 3600 },
	{ "Europe/Berlin", 1409208173LL, 7200 },
	{ "Europe/Berlin", 20632288LL, 3600 },
	{ "Europe/Berlin", 541043149LL, 3600 },
	{ "Europe/Berlin", -62479447LL, 3600 },
	{ "Europe/Berlin", 636210287LL, 3600 },
	{ "Europe/Berlin", 4050195383LL, 7200 },
	{ "Europe/Berlin", -1014288228LL, 3600 },
	{ "Europe/Berlin", 1399709530LL, 7200 },
	{ "Europe/Berlin", 831030396LL, 7200 },
	{ "Europe/Berlin", 3440083836LL, 3600 },
	{ "Europe/Berlin", 3072386022LL, 7200 },
	{ "Europe/Berlin", -967571664LL, 3600 },
	{ "Europe/Berlin", 2387586112LL, 7200 },
	{ "Europe/Berlin", 1082192624LL, 7200 },
	{ "Europe/Berlin", -489284719LL, 3600 },
	{ "Europe/Berlin", 1427060188LL, 3600 },
	{ "Europe/Berlin", -548925798LL, 3600 },
	{ "Europe/Berlin", 1905771933LL, 7200 },
	{ "Europe/Berlin", -2206648318LL, 3600 },
	{ "America/New_York", 2986707924LL, -14400 },
	{ "America/New_York", 1700599391LL, -18000 },
	{ "America/New_York", -190408824LL, -18000 },
	{ "America/New_York", -502064053LL, -18000 },
	{ "America/New_York", 2399675796LL, -18000 },
	{ "America/New_York", 494499457LL, -14400 },
	{ "America/New_York", -1050311464LL, -14400 },
	{ "America/New_York", -1834707309LL, -18000 },
	{ "America/New_York", -780544399LL, -14400 },
	{ "America/New_York", 1931687032LL, -14400 },
	{ "America/New_York", -1702218383LL, -18000 },
	{ "America/New_York", 3144206686LL, -14400 },
	{ "America/New_York", -1774998207LL, -18000 },
	{ "America/New_York", -1951748588LL, -18000 },
	{ "America/New_York", 1214192542LL, -14400 },
	{ "America/New_York", 2849100232LL, -14400 },
	{ "America/New_York", 193165536LL, -18000 },
	{ "America/New_York", 4007653711LL, -18000 },
	{ "America/New_York", 2904961812LL, -18000 },
	{ "America/New_York", -1646489461LL, -18000 },
	{ "America/New_York", 555746610LL, -14400 },
	{ "America/New_York", -1708590785LL, -18000 },
	{ "America/New_York", 3893110110LL, -14400 },
	{ "America/New_York", -1294737683LL, -18000 },
	{ "America/New_York", 3244739081LL, -14400 },
	{ "America/New_York", 3392271944LL, -14400 },
	{ "America/New_York", 1591477932LL, -14400 },
	{ "America/New_York", -1303995278LL, -14400 },
	{ "America/New_York", 3779375166LL, -14400 },
	{ "America/New_York", -1778062883LL, -18000 },
	{ "America/New_York", 2040029636LL, -14400 },
	{ "America/New_York", -1293115493LL, -18000 },
	{ "America/New_York", -1099695136LL, -18000 },
	{ "America/New_York", 3498831265LL, -18000 },
	{ "America/New_York", -936283632LL, -14400 },
	{ "America/New_York", -1893744400LL, -18000 },
	{ "America/New_York", -1821938473LL, -18000 },
	{ "America/New_York", -1165256232LL, -18000 },
	{ "America/New_York", 373505639LL, -18000 },
	{ "America/New_York", 3682435208LL, -14400 },
	{ "Australia/Lord_Howe", -262474815LL, 36000 },
	{ "Australia/Lord_Howe", 258775933LL, 36000 },
	{ "Australia/Lord_Howe", 1512710612LL, 39600 },
	{ "Australia/Lord_Howe", 2871217546LL, 39600 },
	{ "Australia/Lord_Howe", -1546982639LL, 36000 },
	{ "Australia/Lord_Howe", 1692661423LL, 37800 },
	{ "Australia/Lord_Howe", 3157566664LL, 39600 },
	{ "Australia/Lord_Howe", -1393801144LL, 36000 },
	{ "Australia/Lord_Howe", 2930325218LL, 39600 },
	{ "Australia/Lord_Howe", 1871813631LL, 37800 },
	{ "Australia/Lord_Howe", 1579987343LL, 39600 },
	{ "Australia/Lord_Howe", 383170921LL, 41400 },
	{ "Australia/Lord_Howe", -398843801LL, 36000 },
	{ "Australia/Lord_Howe", -1763000758LL, 36000 },
	{ "Australia/Lord_Howe", 2252178585LL, 37800 },
	{ "Australia/Lord_Howe", 1925696800LL, 39600 },
	{ "Australia/Lord_Howe", 3109929595LL, 37800 },
	{ "Australia/Lord_Howe", 817156931LL, 39600 },
	{ "Australia/Lord_Howe", -1105262098LL, 36000 },
	{ "Australia/Lord_Howe", 352814481LL, 37800 },
	{ "Australia/Lord_Howe", 3346273726LL, 39600 },
	{ "Australia/Lord_Howe", 2839459169LL, 39600 },
	{ "Australia/Lord_Howe", -1913597595LL, 36000 },
	{ "Australia/Lord_Howe", -1228033989LL, 36000 },
	{ "Australia/Lord_Howe", 429422576LL, 37800 },
	{ "Australia/Lord_Howe", -1005455672LL, 36000 },
	{ "Australia/Lord_Howe", 2962061099LL, 39600 },
	{ "Australia/Lord_Howe", -2137800587LL, 36000 },
	{ "Australia/Lord_Howe", -1052809691LL, 36000 },
	{ "Australia/Lord_Howe", -294698150LL, 36000 },
	{ "Australia/Lord_Howe", -1949334077LL, 36000 },
	{ "Australia/Lord_Howe", -1451984577LL, 36000 },
	{ "Australia/Lord_Howe", 3669899594LL, 37800 },
	{ "Australia/Lord_Howe", -1643863350LL, 36000 },
	{ "Australia/Lord_Howe", -653587186LL, 36000 },
	{ "Australia/Lord_Howe", 1617570346LL, 37800 },
	{ "Australia/Lord_Howe", 2002198388LL, 37800 },
	{ "Australia/Lord_Howe", 2688765060LL, 39600 },
	{ "Australia/Lord_Howe", 2236648224LL, 39600 },
	{ "Australia/Lord_Howe", -2132133806LL, 36000 },
	{ "Asia/Kolkata", 1700343930LL, 19800 },
	{ "Asia/Kolkata", 801654507LL, 19800 },
	{ "Asia/Kolkata", 1926081217LL, 19800 },
	{ "Asia/Kolkata", 2177285958LL, 19800 },
	{ "Asia/Kolkata", 523402916LL, 19800 },
	{ "Asia/Kolkata", -137802120LL, 19800 },
	{ "Asia/Kolkata", 928476149LL, 19800 },
	{ "Asia/Kolkata", -839304432LL, 23400 },
	{ "Asia/Kolkata", 2083219544LL, 19800 },
	{ "Asia/Kolkata", -1885737096LL, 19800 },
	{ "Asia/Kolkata", 136472909LL, 19800 },
	{ "Asia/Kolkata", 956425698LL, 19800 },
	{ "Asia/Kolkata", 813339400LL, 19800 },
	{ "Asia/Kolkata", 1720917351LL, 19800 },
	{ "Asia/Kolkata", -697872859LL, 19800 },
	{ "Asia/Kolkata", 733690660LL, 19800 },
	{ "Asia/Kolkata", 1660072123LL, 19800 },
	{ "Asia/Kolkata", 3877637578LL, 19800 },
	{ "Asia/Kolkata", 1186320296LL, 19800 },
	{ "Asia/Kolkata", 1499598100LL, 19800 },
	{ "Asia/Kolkata", 251200680LL, 19800 },
	{ "Asia/Kolkata", -566878801LL, 19800 },
	{ "Asia/Kolkata", 293598002LL, 19800 },
	{ "Asia/Kolkata", 406074648LL, 19800 },
	{ "Asia/Kolkata", -1864523684LL, 19800 },
	{ "Asia/Kolkata", 537231811LL, 19800 },
	{ "Asia/Kolkata", 2057297504LL, 19800 },
	{ "Asia/Kolkata", 1569688342LL, 19800 },
	{ "Asia/Kolkata", 918636796LL, 19800 },
	{ "Asia/Kolkata", 3754299839LL, 19800 },
	{ "Asia/Kolkata", 286184813LL, 19800 },
	{ "Asia/Kolkata", -316959096LL, 19800 },
	{ "Asia/Kolkata", 2445820403LL, 19800 },
	{ "Asia/Kolkata", -2081042460LL, 19270 },
	{ "Asia/Kolkata", 373511761LL, 19800 },
	{ "Asia/Kolkata", -143294998LL, 19800 },
	{ "Asia/Kolkata", 3074772910LL, 19800 },
	{ "Asia/Kolkata", 790335837LL, 19800 },
	{ "Asia/Kolkata", 1744375158LL, 19800 },
	{ "Asia/Kolkata", 3184760905LL, 19800 },
	{ "UTC", -2160424713LL, 0 },
	{ "UTC", -916063445LL, 0 },
	{ "UTC", 2956028971LL, 0 },
	{ "UTC", 2814435662LL, 0 },
	{ "UTC", 1681055853LL, 0 },
	{ "UTC", -310903246LL, 0 },
	{ "UTC", 1620949180LL, 0 },
	{ "UTC", -804703617LL, 0 },
	{ "UTC", 651025889LL, 0 },
	{ "UTC", 2938554318LL, 0 },
	{ "UTC", 3936659620LL, 0 },
	{ "UTC", 1717561354LL, 0 },
	{ "UTC", 1571737412LL, 0 },
	{ "UTC", -557923116LL, 0 },
	{ "UTC", -849688135LL, 0 },
	{ "UTC", -1624115925LL, 0 },
	{ "UTC", -76679085LL, 0 },
	{ "UTC", 1436237171LL, 0 },
	{ "UTC", 845668236LL, 0 },
	{ "UTC", 3274808230LL, 0 },
	{ "UTC", -1482585639LL, 0 },
	{ "UTC", -273464153LL, 0 },
	{ "UTC", 3267793805LL, 0 },
	{ "UTC", 3005446689LL, 0 },
	{ "UTC", -430937626LL, 0 },
	{ "UTC", 3440489384LL, 0 },
	{ "UTC", -265613412LL, 0 },
	{ "UTC", 2406723272LL, 0 },
	{ "UTC", -2073758405LL, 0 },
	{ "UTC", 2264169793LL, 0 },
	{ "UTC", 834557859LL, 0 },
	{ "UTC", 241642072LL, 0 },
	{ "UTC", 3413253730LL, 0 },
	{ "UTC", 2168072570LL, 0 },
	{ "UTC", -1625383677LL, 0 },
	{ "UTC", -255498439LL, 0 },
	{ "UTC", 2192178020LL, 0 },
	{ "UTC", 1354409993LL, 0 },
	{ "UTC", 3105642413LL, 0 },
	{ "UTC", 2691029961LL, 0 },
};

static void
test_zone_offsets_match_python_at_random_instants_1900_to_2100(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		struct wr_zone *z = zone(offsets[i].zone);
		int32_t got = wr_zone_offset(z, offsets[i].t);

		if (got != offsets[i].off)
			fail_msg("%s at %lld: offset %ld, python says %ld",
			    offsets[i].zone, (long long)offsets[i].t,
			    (long)got, (long)offsets[i].off);
		wr_zone_free(z);
	}
}

static void
test_zone_berlin_2026_changes_and_the_footer_rule_after_2037(void **state)
{
	struct wr_zone *z = zone("Europe/Berlin");
	int64_t at;
	char b[40];

	(void)state;
	assert_int_equal(wr_zone_offset(z, T("2026-03-29T00:59:59Z") / 1000),
	    3600);
	assert_int_equal(wr_zone_offset(z, T("2026-03-29T01:00:00Z") / 1000),
	    7200);
	assert_int_equal(wr_zone_next_change(z, T("2026-01-01T00:00:00Z") /
	    1000, &at), 0);
	assert_string_equal(fmt(at * 1000, b, sizeof b),
	    "2026-03-29T01:00:00Z");
	assert_int_equal(wr_zone_next_change(z, at, &at), 0);
	assert_string_equal(fmt(at * 1000, b, sizeof b),
	    "2026-10-25T01:00:00Z");
	/* 2040 is past the file's table: the footer's M3.5.0 rule. */
	assert_int_equal(wr_zone_next_change(z, T("2040-01-01T00:00:00Z") /
	    1000, &at), 0);
	assert_string_equal(fmt(at * 1000, b, sizeof b),
	    "2040-03-25T01:00:00Z");
	wr_zone_free(z);
}

static void
test_zone_local_times_in_gaps_and_folds(void **state)
{
	struct wr_zone *be = zone("Europe/Berlin");
	struct wr_zone *lh = zone("Australia/Lord_Howe");
	int64_t l, d;
	char b[40];

	(void)state;
	/* 02:30 does not exist on 2026-03-29: the gap ends at 01:00Z. */
	d = wr_days_from_civil(2026, 3, 29);
	assert_string_equal(fmt(wr_zone_utc(be, d * 86400 + 9000) * 1000, b,
	    sizeof b), "2026-03-29T01:00:00Z");
	/* 02:30 on 2026-10-25 happens twice: the first is 00:30Z. */
	d = wr_days_from_civil(2026, 10, 25);
	assert_string_equal(fmt(wr_zone_utc(be, d * 86400 + 9000) * 1000, b,
	    sizeof b), "2026-10-25T00:30:00Z");
	/* Lord Howe moves 30 minutes: 02:15 on 2026-10-04 is in the gap
	 * (02:00 +10:30 = 15:30Z); 01:45 on 2026-04-05 is first at +11. */
	d = wr_days_from_civil(2026, 10, 4);
	assert_string_equal(fmt(wr_zone_utc(lh, d * 86400 + 8100) * 1000, b,
	    sizeof b), "2026-10-03T15:30:00Z");
	d = wr_days_from_civil(2026, 4, 5);
	assert_string_equal(fmt(wr_zone_utc(lh, d * 86400 + 6300) * 1000, b,
	    sizeof b), "2026-04-04T14:45:00Z");
	/* Local to instant never goes backwards, and round-trips outside
	 * the gaps, every 5 minutes of 2026. */
	l = wr_days_from_civil(2026, 1, 1) * 86400;
	for (int64_t prev = INT64_MIN; l < wr_days_from_civil(2027, 1, 1) *
	    86400; l += 300) {
		int64_t u = wr_zone_utc(be, l);

		assert_true(u >= prev);
		if (wr_zone_local(be, u) != l)
			assert_true(wr_zone_local(be, u) > l);	/* a gap */
		prev = u;
	}
	wr_zone_free(be);
	wr_zone_free(lh);
}

static void
test_zone_rule_strings_checked(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_int_equal(wr_zone_check_rule("CET-1CEST,M3.5.0,M10.5.0/3",
	    &cause), 0);
	assert_int_equal(wr_zone_check_rule("<+1030>-10:30<+11>-11,M10.1.0,"
	    "M4.1.0", &cause), 0);
	assert_int_equal(wr_zone_check_rule("IST-5:30", &cause), 0);
	assert_int_equal(wr_zone_check_rule("<-03>3<-02>,M3.5.0/-2,"
	    "M10.5.0/-1", &cause), 0);
	assert_int_equal(wr_zone_check_rule("EST5EDT", &cause), -1);
	assert_non_null(strstr(cause, "DST without"));
	free(cause);
	assert_int_equal(wr_zone_check_rule("CET-1CEST,M13.5.0,M10.5.0",
	    &cause), -1);
	free(cause);
	assert_int_equal(wr_zone_check_rule("X1", &cause), -1);
	free(cause);
	assert_int_equal(wr_zone_check_rule("CET-1CEST,M3.5.0,M10.5.0/200",
	    &cause), -1);
	free(cause);
	/* Every prefix of a rule, each in a buffer of its own size: one
	 * cut after "M3" or "M3.5" once read past its end (fuzz_tzif found
	 * it; the sanitizer build sees the read). */
	{
		const char *rule = "CET-1CEST,M3.5.0/2,M10.5.0/3";

		for (size_t n = 0; n < strlen(rule); n++) {
			char *cut = xstrndup(rule, n);
			int rc = wr_zone_check_rule(cut, &cause);

			if (rc != 0) {
				assert_non_null(cause);
				free(cause);
			}
			cause = NULL;
			free(cut);
		}
	}
}

static void
test_civil_dates_and_weekdays(void **state)
{
	int64_t y;
	int m, d;

	(void)state;
	assert_int_equal(wr_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(wr_days_from_civil(2028, 3, 1) -
	    wr_days_from_civil(2028, 2, 28), 2);	/* 2028-02-29 */
	assert_int_equal(wr_days_from_civil(2100, 3, 1) -
	    wr_days_from_civil(2100, 2, 28), 1);	/* 2100 is not leap */
	wr_civil_from_days(wr_days_from_civil(2028, 2, 29), &y, &m, &d);
	assert_true(y == 2028 && m == 2 && d == 29);
	wr_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	assert_int_equal(wr_weekday(wr_days_from_civil(2026, 3, 2)), 0);
	assert_int_equal(wr_weekday(wr_days_from_civil(2028, 2, 29)), 1);
	assert_int_equal(wr_weekday(wr_days_from_civil(1969, 12, 28)), 6);
}

/* --- the texts ----------------------------------------------------------- */

static void
test_parse_turn_start_and_restrict(void **state)
{
	char *cause = NULL;
	int64_t v;
	struct wr_restrict r;

	(void)state;
	assert_int_equal(wr_schedule_parse_turn("1w", &v, &cause), 0);
	assert_int_equal(v, 604800);
	assert_int_equal(wr_schedule_parse_turn("12h", &v, &cause), 0);
	assert_int_equal(v, 43200);
	const char *bad_turns[] = { "0d", "1x", "", "d", "9001d", "1d ",
	    "99999999999999999999w", "-1d" };
	for (size_t i = 0; i < sizeof bad_turns / sizeof *bad_turns; i++) {
		assert_int_equal(wr_schedule_parse_turn(bad_turns[i], &v,
		    &cause), -1);
		free(cause);
	}
	assert_int_equal(wr_schedule_parse_start("2028-02-29T09:00", &v,
	    &cause), 0);
	assert_int_equal(v, wr_days_from_civil(2028, 2, 29) * 86400 + 32400);
	assert_int_equal(wr_schedule_parse_start("2026-03-02 09:00:30", &v,
	    &cause), 0);
	assert_int_equal(v, wr_days_from_civil(2026, 3, 2) * 86400 + 32430);
	const char *bad_starts[] = { "2027-02-29T09:00", "2026-13-01T09:00",
	    "2026-03-02T24:00", "2026-03-02", "2026-03-02T09:00Z",
	    "2026-03-02T09:00+01:00", "1899-12-31T09:00", "2026-3-2T9:00" };
	for (size_t i = 0; i < sizeof bad_starts / sizeof *bad_starts; i++) {
		assert_int_equal(wr_schedule_parse_start(bad_starts[i], &v,
		    &cause), -1);
		free(cause);
	}
	assert_int_equal(wr_schedule_parse_restrict("Mon-Fri 09:00-18:00", &r,
	    &cause), 0);
	assert_true(r.days == 0x1f && r.start == 32400 && r.end == 64800);
	assert_int_equal(wr_schedule_parse_restrict("Fri-Mon 18:00-09:00", &r,
	    &cause), 0);
	assert_true(r.days == 0x71 && r.start == 64800 && r.end == 32400);
	assert_int_equal(wr_schedule_parse_restrict("daily 20:00-08:00", &r,
	    &cause), 0);
	assert_true(r.days == 0x7f);
	assert_int_equal(wr_schedule_parse_restrict("Sat,sun 00:00-24:00", &r,
	    &cause), 0);
	assert_true(r.days == 0x60 && r.start == 0 && r.end == 86400);
	assert_int_equal(wr_schedule_parse_restrict("mon,Wed-Thu 20:00-00:00",
	    &r, &cause), 0);
	assert_true(r.days == 0x0d && r.end == 86400);
	const char *bad_restricts[] = { "Mon 9:00-10:00", "Funday 09:00-10:00",
	    "Mon-Fri 09:00-25:00", "Mon-Fri", "09:00-18:00", "Mon-Fri "
	    "09:00-18:00 x", "Mon,,Tue 09:00-10:00", "Mon- 09:00-10:00",
	    "Mon-Fri 24:00-08:00", "Mon-Fri 09:60-10:00" };
	for (size_t i = 0; i < sizeof bad_restricts / sizeof *bad_restricts;
	    i++) {
		if (wr_schedule_parse_restrict(bad_restricts[i], &r, &cause)
		    == 0)
			fail_msg("accepted \"%s\"", bad_restricts[i]);
		assert_non_null(strstr(cause, "DAYS HH:MM-HH:MM"));
		free(cause);
	}
}

/* --- rotations across DST ------------------------------------------------ */

static void
test_weekly_0900_berlin_handoff_stays_0900_across_march(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* Mon 2026-03-02 alice, 03-09 bob, 03-16 carol, 03-23 alice, 03-30
	 * bob: 09:00 CET is 08:00Z until the change, 09:00 CEST 07:00Z
	 * after it (that turn is 167 hours). */
	layer(s, "weekly", "1w", "2026-03-02T09:00", "alice,bob,carol", NULL);
	expect_at(s, "2026-03-25T12:00:00Z", "alice", "2026-03-23T08:00:00Z",
	    "2026-03-30T07:00:00Z");
	expect_next(s, "2026-03-25T12:00:00Z", "bob", "2026-03-30T07:00:00Z",
	    "2026-04-06T07:00:00Z");
	/* The handoff instant belongs to the new turn. */
	expect_at(s, "2026-03-30T07:00:00Z", "bob", "2026-03-30T07:00:00Z",
	    "2026-04-06T07:00:00Z");
	expect_at(s, "2026-03-30T06:59:59.999Z", "alice",
	    "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z");
	wr_schedule_free(s);
}

static void
test_daily_0900_berlin_turns_are_23_and_25_hours_long(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* Fri 03-27 a, Sat 03-28 b, Sun 03-29 a: b's turn is 23 h. */
	layer(s, "daily", "1d", "2026-03-27T09:00", "a,b", NULL);
	expect_at(s, "2026-03-28T12:00:00Z", "b", "2026-03-28T08:00:00Z",
	    "2026-03-29T07:00:00Z");
	wr_schedule_free(s);
	/* Fri 10-23 a, Sat 10-24 b, Sun 10-25 a: b's turn is 25 h. */
	s = sched("Europe/Berlin");
	layer(s, "daily", "1d", "2026-10-23T09:00", "a,b", NULL);
	expect_at(s, "2026-10-24T12:00:00Z", "b", "2026-10-24T07:00:00Z",
	    "2026-10-25T08:00:00Z");
	wr_schedule_free(s);
}

static void
test_berlin_handoff_in_the_gap_and_in_the_fold(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* 02:30 daily from Fri 03-27 (a): Sat b from 01:30Z; Sunday's 02:30
	 * does not exist, so a takes over at the end of the gap, 01:00Z
	 * (b's turn is 23.5 h); Monday's 02:30 CEST is 00:30Z. */
	layer(s, "daily", "1d", "2026-03-27T02:30", "a,b", NULL);
	expect_at(s, "2026-03-28T12:00:00Z", "b", "2026-03-28T01:30:00Z",
	    "2026-03-29T01:00:00Z");
	expect_next(s, "2026-03-28T12:00:00Z", "a", "2026-03-29T01:00:00Z",
	    "2026-03-30T00:30:00Z");
	wr_schedule_free(s);
	/* 02:30 daily from Fri 10-23 (a): Sat b 00:30Z; Sunday's 02:30
	 * happens twice and the first (CEST, 00:30Z) is the handoff;
	 * Monday's is 01:30Z, so Sunday's turn is 25 h. */
	s = sched("Europe/Berlin");
	layer(s, "daily", "1d", "2026-10-23T02:30", "a,b", NULL);
	expect_at(s, "2026-10-24T12:00:00Z", "b", "2026-10-24T00:30:00Z",
	    "2026-10-25T00:30:00Z");
	expect_at(s, "2026-10-25T01:45:00Z", "a", "2026-10-25T00:30:00Z",
	    "2026-10-26T01:30:00Z");
	wr_schedule_free(s);
}

static void
test_hourly_turns_count_hours_on_the_local_clock(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* 8 h from 00:00 on 2026-03-29: 00:00 CET (23:00Z the day before),
	 * 08:00 CEST (06:00Z: the first turn is 7 h), 16:00 CEST (14:00Z). */
	layer(s, "shift", "8h", "2026-03-29T00:00", "a,b,c", NULL);
	expect_at(s, "2026-03-29T03:00:00Z", "a", "2026-03-28T23:00:00Z",
	    "2026-03-29T06:00:00Z");
	expect_next(s, "2026-03-29T03:00:00Z", "b", "2026-03-29T06:00:00Z",
	    "2026-03-29T14:00:00Z");
	wr_schedule_free(s);
}

static void
test_new_york_both_changes(void **state)
{
	struct wr_schedule *s = sched("America/New_York");

	(void)state;
	/* 09:00 daily from Fri 03-06 (a): Sat 03-07 b 14:00Z (EST) to Sun
	 * 13:00Z (EDT): 23 h. */
	layer(s, "daily", "1d", "2026-03-06T09:00", "a,b", NULL);
	expect_at(s, "2026-03-07T20:00:00Z", "b", "2026-03-07T14:00:00Z",
	    "2026-03-08T13:00:00Z");
	wr_schedule_free(s);
	/* Fri 10-30 a, Sat 10-31 b 13:00Z (EDT) to Sun 14:00Z (EST): 25 h. */
	s = sched("America/New_York");
	layer(s, "daily", "1d", "2026-10-30T09:00", "a,b", NULL);
	expect_at(s, "2026-10-31T20:00:00Z", "b", "2026-10-31T13:00:00Z",
	    "2026-11-01T14:00:00Z");
	wr_schedule_free(s);
	/* 02:30 on 2026-03-08 does not exist: 07:00Z, the gap's end. */
	s = sched("America/New_York");
	layer(s, "daily", "1d", "2026-03-06T02:30", "a,b", NULL);
	expect_at(s, "2026-03-07T20:00:00Z", "b", "2026-03-07T07:30:00Z",
	    "2026-03-08T07:00:00Z");
	expect_next(s, "2026-03-07T20:00:00Z", "a", "2026-03-08T07:00:00Z",
	    "2026-03-09T06:30:00Z");
	wr_schedule_free(s);
	/* 01:30 on 2026-11-01 happens twice: the first, EDT, 05:30Z. */
	s = sched("America/New_York");
	layer(s, "daily", "1d", "2026-10-30T01:30", "a,b", NULL);
	expect_at(s, "2026-11-01T06:00:00Z", "a", "2026-11-01T05:30:00Z",
	    "2026-11-02T06:30:00Z");
	expect_at(s, "2026-11-01T05:29:59Z", "b", "2026-10-31T05:30:00Z",
	    "2026-11-01T05:30:00Z");
	wr_schedule_free(s);
}

static void
test_lord_howe_half_hour_changes(void **state)
{
	struct wr_schedule *s = sched("Australia/Lord_Howe");

	(void)state;
	/* 02:15 daily from Fri 10-02 (a): Sat 10-03 b at 15:45Z the day
	 * before; Sunday 10-04's 02:15 is in the 30-minute gap, so a takes
	 * over when it ends (02:00 +10:30 = 15:30Z): b's turn is 23 h 45 m. */
	layer(s, "daily", "1d", "2026-10-02T02:15", "a,b", NULL);
	expect_at(s, "2026-10-03T00:00:00Z", "b", "2026-10-02T15:45:00Z",
	    "2026-10-03T15:30:00Z");
	expect_next(s, "2026-10-03T00:00:00Z", "a", "2026-10-03T15:30:00Z",
	    "2026-10-04T15:15:00Z");
	wr_schedule_free(s);
	/* 01:45 daily from Fri 04-03 (a): Sat b 14:45Z (Apr 3); Sunday's
	 * 01:45 happens twice, the first at +11 (14:45Z Apr 4); Monday's at
	 * +10:30 is 15:15Z: Sunday's turn is 24 h 30 m. */
	s = sched("Australia/Lord_Howe");
	layer(s, "daily", "1d", "2026-04-03T01:45", "a,b", NULL);
	expect_at(s, "2026-04-05T00:00:00Z", "a", "2026-04-04T14:45:00Z",
	    "2026-04-05T15:15:00Z");
	wr_schedule_free(s);
	/* 09:00 stays 09:00: 22:30Z at +10:30, then 22:00Z at +11. */
	s = sched("Australia/Lord_Howe");
	layer(s, "daily", "1d", "2026-10-02T09:00", "a,b", NULL);
	expect_at(s, "2026-10-03T00:00:00Z", "b", "2026-10-02T22:30:00Z",
	    "2026-10-03T22:00:00Z");
	wr_schedule_free(s);
}

static void
test_kolkata_half_hour_offset_no_dst(void **state)
{
	struct wr_schedule *s = sched("Asia/Kolkata");

	(void)state;
	/* 12 h from 2026-01-01T09:30 IST (04:00Z): 2026-06-15 is 165 days
	 * on, turn 330 (even: a) from 09:30 IST = 04:00Z to 16:00Z. */
	layer(s, "halves", "12h", "2026-01-01T09:30", "a,b", NULL);
	expect_at(s, "2026-06-15T10:00:00Z", "a", "2026-06-15T04:00:00Z",
	    "2026-06-15T16:00:00Z");
	/* A later layer on Mon-Fri office hours (2026-06-15 is a Monday):
	 * 09:00-17:30 IST is 03:30Z-12:00Z. */
	layer(s, "office", "1w", "2026-01-05T09:00", "carol",
	    "Mon-Fri 09:00-17:30", NULL);
	expect_at(s, "2026-06-15T10:00:00Z", "carol", "2026-06-15T03:30:00Z",
	    "2026-06-15T12:00:00Z");
	expect_at(s, "2026-06-15T12:00:00Z", "a", "2026-06-15T12:00:00Z",
	    "2026-06-15T16:00:00Z");
	wr_schedule_free(s);
}

static void
test_leap_day(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* Daily from Sun 2028-02-27 09:00 CET: a, 02-28 b, 02-29 c, 03-01
	 * a. */
	layer(s, "daily", "1d", "2028-02-27T09:00", "a,b,c", NULL);
	expect_at(s, "2028-02-29T12:00:00Z", "c", "2028-02-29T08:00:00Z",
	    "2028-03-01T08:00:00Z");
	wr_schedule_free(s);
	/* A week from Sat 2028-02-26 holds the leap day: the next handoff
	 * is 03-04, not 03-05; a window on Tuesdays opens on 02-29. */
	s = sched("Europe/Berlin");
	layer(s, "weekly", "1w", "2028-02-26T09:00", "a,b", NULL);
	expect_at(s, "2028-02-29T12:00:00Z", "a", "2028-02-26T08:00:00Z",
	    "2028-03-04T08:00:00Z");
	layer(s, "tuesdays", "1w", "2028-02-01T09:00", "t",
	    "Tue 09:00-10:00", NULL);
	expect_at(s, "2028-02-29T08:30:00Z", "t", "2028-02-29T08:00:00Z",
	    "2028-02-29T09:00:00Z");
	wr_schedule_free(s);
}

/* --- layers, restrictions, overrides, gaps -------------------------------- */

static void
test_later_layer_wins_where_it_has_someone(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");
	struct wr_oncall *sh = NULL;
	size_t n;
	char b1[40], b2[40];

	(void)state;
	/* Base: weekly alice, bob from Mon 03-02; office hours on top:
	 * carol, dave, Mon-Fri 09:00-18:00 CET (08:00Z-17:00Z). */
	layer(s, "base", "1w", "2026-03-02T09:00", "alice,bob", NULL);
	layer(s, "office", "1w", "2026-03-02T09:00", "carol,dave",
	    "Mon-Fri 09:00-18:00", NULL);
	expect_at(s, "2026-03-04T10:00:00Z", "carol", "2026-03-04T08:00:00Z",
	    "2026-03-04T17:00:00Z");
	expect_at(s, "2026-03-04T18:00:00Z", "alice", "2026-03-04T17:00:00Z",
	    "2026-03-05T08:00:00Z");
	/* The weekend is the base layer's, Fri 18:00 to Mon 09:00, when
	 * both layers hand over and the office layer's dave wins. */
	expect_at(s, "2026-03-07T12:00:00Z", "alice", "2026-03-06T17:00:00Z",
	    "2026-03-09T08:00:00Z");
	expect_next(s, "2026-03-07T12:00:00Z", "dave", "2026-03-09T08:00:00Z",
	    "2026-03-09T17:00:00Z");
	/* The final schedule, Fri 00:00Z to Mon 12:00Z, whole shifts. */
	n = wr_schedule_shifts(s, T("2026-03-06T00:00:00Z"),
	    T("2026-03-09T12:00:00Z"), &sh);
	assert_int_equal(n, 4);
	const char *want[4][3] = {
		{ "alice", "2026-03-05T17:00:00Z", "2026-03-06T08:00:00Z" },
		{ "carol", "2026-03-06T08:00:00Z", "2026-03-06T17:00:00Z" },
		{ "alice", "2026-03-06T17:00:00Z", "2026-03-09T08:00:00Z" },
		{ "dave", "2026-03-09T08:00:00Z", "2026-03-09T17:00:00Z" },
	};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(sh[i].person, want[i][0]);
		assert_string_equal(fmt(sh[i].since, b1, sizeof b1),
		    want[i][1]);
		assert_string_equal(fmt(sh[i].until, b2, sizeof b2),
		    want[i][2]);
		assert_int_equal(sh[i].source, WR_ONCALL_LAYER);
		assert_int_equal(sh[i].index, strcmp(want[i][0], "alice") ==
		    0 ? 0 : 1);
	}
	free(sh);
	wr_schedule_free(s);
}

static void
test_restriction_crossing_midnight_and_dst(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");
	struct wr_oncall a;

	(void)state;
	layer(s, "days", "1w", "2026-03-02T09:00", "alice", NULL);
	layer(s, "nights", "1w", "2026-03-02T09:00", "bob",
	    "daily 20:00-08:00", NULL);
	/* An ordinary night: 20:00 CET 19:00Z to 08:00 CET 07:00Z. */
	expect_at(s, "2026-03-10T23:00:00Z", "bob", "2026-03-10T19:00:00Z",
	    "2026-03-11T07:00:00Z");
	/* The March night is 11 h: 20:00 CET (19:00Z) to 08:00 CEST
	 * (06:00Z). */
	expect_at(s, "2026-03-28T22:00:00Z", "bob", "2026-03-28T19:00:00Z",
	    "2026-03-29T06:00:00Z");
	/* The October night is 13 h: 20:00 CEST (18:00Z) to 08:00 CET
	 * (07:00Z); then alice until 20:00 CET (19:00Z). */
	expect_at(s, "2026-10-24T22:00:00Z", "bob", "2026-10-24T18:00:00Z",
	    "2026-10-25T07:00:00Z");
	expect_at(s, "2026-10-25T07:00:00Z", "alice", "2026-10-25T07:00:00Z",
	    "2026-10-25T19:00:00Z");
	wr_schedule_at(s, T("2026-10-25T03:00:00Z"), &a);
	assert_int_equal(a.source, WR_ONCALL_LAYER);
	assert_int_equal(a.index, 1);
	wr_schedule_free(s);
	/* A weekday window that crosses midnight belongs to the day it
	 * opens: Fri 22:00 to Sat 02:00 CET. */
	s = sched("Europe/Berlin");
	layer(s, "late", "1w", "2026-03-02T09:00", "night",
	    "Fri 22:00-02:00", NULL);
	expect_at(s, "2026-03-07T00:30:00Z", "night", "2026-03-06T21:00:00Z",
	    "2026-03-07T01:00:00Z");
	expect_at(s, "2026-03-08T00:30:00Z", NULL, "2026-03-07T01:00:00Z",
	    "2026-03-13T21:00:00Z");
	wr_schedule_free(s);
}

static void
test_overrides_over_overrides_last_made_wins(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");
	struct wr_oncall a;

	(void)state;
	layer(s, "base", "1w", "2026-03-02T09:00", "alice,bob", NULL);
	wr_schedule_add_override(s, "o1", "dave", T("2026-03-04T10:00:00Z"),
	    T("2026-03-04T14:00:00Z"));
	wr_schedule_add_override(s, "o2", "erin", T("2026-03-04T11:00:00Z"),
	    T("2026-03-04T12:00:00Z"));
	expect_at(s, "2026-03-04T10:30:00Z", "dave", "2026-03-04T10:00:00Z",
	    "2026-03-04T11:00:00Z");
	expect_at(s, "2026-03-04T11:30:00Z", "erin", "2026-03-04T11:00:00Z",
	    "2026-03-04T12:00:00Z");
	expect_at(s, "2026-03-04T12:30:00Z", "dave", "2026-03-04T12:00:00Z",
	    "2026-03-04T14:00:00Z");
	/* When the override ends, the layer again: alice's week. */
	expect_at(s, "2026-03-04T14:00:00Z", "alice", "2026-03-04T14:00:00Z",
	    "2026-03-09T08:00:00Z");
	expect_at(s, "2026-03-04T09:00:00Z", "alice", "2026-03-02T08:00:00Z",
	    "2026-03-04T10:00:00Z");
	/* Made last, frank's covers erin's whole hour. */
	wr_schedule_add_override(s, "o3", "frank", T("2026-03-04T10:30:00Z"),
	    T("2026-03-04T13:00:00Z"));
	expect_at(s, "2026-03-04T11:30:00Z", "frank", "2026-03-04T10:30:00Z",
	    "2026-03-04T13:00:00Z");
	expect_at(s, "2026-03-04T10:15:00Z", "dave", "2026-03-04T10:00:00Z",
	    "2026-03-04T10:30:00Z");
	expect_at(s, "2026-03-04T13:30:00Z", "dave", "2026-03-04T13:00:00Z",
	    "2026-03-04T14:00:00Z");
	/* Made after frank's, gina's wins where they overlap although it
	 * starts earlier. */
	wr_schedule_add_override(s, "o4", "gina", T("2026-03-04T09:00:00Z"),
	    T("2026-03-04T10:45:00Z"));
	expect_at(s, "2026-03-04T10:40:00Z", "gina", "2026-03-04T09:00:00Z",
	    "2026-03-04T10:45:00Z");
	expect_at(s, "2026-03-04T10:45:00Z", "frank", "2026-03-04T10:45:00Z",
	    "2026-03-04T13:00:00Z");
	wr_schedule_at(s, T("2026-03-04T10:40:00Z"), &a);
	assert_int_equal(a.source, WR_ONCALL_OVERRIDE);
	assert_int_equal(a.index, 3);
	/* An override by the person whose turn it is still says it is an
	 * override: its own stretch. */
	wr_schedule_add_override(s, "o5", "alice", T("2026-03-05T10:00:00Z"),
	    T("2026-03-05T11:00:00Z"));
	expect_at(s, "2026-03-05T10:30:00Z", "alice", "2026-03-05T10:00:00Z",
	    "2026-03-05T11:00:00Z");
	wr_schedule_free(s);
}

static void
test_gaps_are_answers(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");
	struct wr_oncall a;
	char b1[40], b2[40];

	(void)state;
	/* Only office hours: Fri 17:00 CET (16:00Z) to Mon 09:00 CET
	 * (08:00Z) nobody. */
	layer(s, "office", "1w", "2026-03-02T09:00", "alice,bob",
	    "Mon-Fri 09:00-17:00", NULL);
	expect_at(s, "2026-03-07T12:00:00Z", NULL, "2026-03-06T16:00:00Z",
	    "2026-03-09T08:00:00Z");
	wr_schedule_at(s, T("2026-03-07T12:00:00Z"), &a);
	assert_int_equal(a.source, WR_ONCALL_NOBODY);
	expect_next(s, "2026-03-07T12:00:00Z", "bob", "2026-03-09T08:00:00Z",
	    "2026-03-09T16:00:00Z");
	/* The next gap from Friday noon is that evening's. */
	assert_int_equal(wr_schedule_next_gap(s, T("2026-03-06T10:00:00Z"),
	    7 * 86400000LL, &a), 0);
	assert_null(a.person);
	assert_string_equal(fmt(a.since, b1, sizeof b1),
	    "2026-03-06T16:00:00Z");
	assert_string_equal(fmt(a.until, b2, sizeof b2),
	    "2026-03-09T08:00:00Z");
	/* Within an hour there is none. */
	assert_int_equal(wr_schedule_next_gap(s, T("2026-03-06T10:00:00Z"),
	    3600000LL, &a), -1);
	wr_schedule_free(s);
	/* No layers, no overrides: nobody, ever. */
	s = sched("UTC");
	expect_at(s, "2026-03-07T12:00:00Z", NULL, "-inf", "+inf");
	assert_int_equal(wr_schedule_next(s, T("2026-03-07T12:00:00Z"), &a),
	    -1);
	/* One person, no windows: alice, as far as the horizon sees. */
	layer(s, "solo", "1d", "2020-01-01T00:00", "alice", NULL);
	expect_at(s, "2026-03-07T12:00:00Z", "alice", "-inf", "+inf");
	wr_schedule_free(s);
}

static void
test_rotation_whose_start_is_in_the_future(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* Until its first handoff (Mon 12-07 09:00 CET, 08:00Z) the layer
	 * has nobody; then alice. */
	layer(s, "new", "1w", "2026-12-07T09:00", "alice,bob", NULL);
	expect_at(s, "2026-12-01T12:00:00Z", NULL, "-inf",
	    "2026-12-07T08:00:00Z");
	expect_next(s, "2026-12-01T12:00:00Z", "alice",
	    "2026-12-07T08:00:00Z", "2026-12-14T08:00:00Z");
	wr_schedule_free(s);
	/* Over an older layer: carol's (since Mon 01-05 09:00 CET) until
	 * the new one starts. */
	s = sched("Europe/Berlin");
	layer(s, "old", "1w", "2026-01-05T09:00", "carol", NULL);
	layer(s, "new", "1w", "2026-12-07T09:00", "alice,bob", NULL);
	expect_at(s, "2026-12-01T12:00:00Z", "carol", "2026-01-05T08:00:00Z",
	    "2026-12-07T08:00:00Z");
	wr_schedule_free(s);
}

static void
test_berlin_after_2037_from_the_footer(void **state)
{
	struct wr_schedule *s = sched("Europe/Berlin");

	(void)state;
	/* 2040-03-25 is the last Sunday of March: 09:00 CET 08:00Z on
	 * Saturday, 09:00 CEST 07:00Z on Sunday. */
	layer(s, "daily", "1d", "2040-03-23T09:00", "a,b", NULL);
	expect_at(s, "2040-03-24T12:00:00Z", "b", "2040-03-24T08:00:00Z",
	    "2040-03-25T07:00:00Z");
	wr_schedule_free(s);
}

static void
test_check_names_what_a_layer_lacks(void **state)
{
	struct wr_schedule *s = sched("UTC");
	struct wr_layer *l;
	char *cause = NULL;

	(void)state;
	l = wr_schedule_add_layer(s, "weekly");
	l->has_turn = 1;
	l->turn = 604800;
	assert_int_equal(wr_schedule_check(s, &cause), -1);
	assert_string_equal(cause, "layer weekly: no start");
	free(cause);
	l->has_start = 1;
	assert_int_equal(wr_schedule_check(s, &cause), -1);
	assert_string_equal(cause, "layer weekly: no participants");
	free(cause);
	wr_schedule_add_person(l, "alice");
	assert_int_equal(wr_schedule_check(s, &cause), 0);
	wr_schedule_free(s);
}

/* Who takes over next: someone else, or the same person after a gap (the
 * answer a pane and `warroom oncall` give as "next"), found within the
 * horizon by walking the answers, not a hundred thousand of them. */
static void
test_next_person_is_someone_else_or_the_same_after_a_gap(void **state)
{
	struct wr_schedule *s = sched("America/New_York");
	struct wr_schedule *one = sched("America/New_York");
	struct wr_oncall a;
	char b1[40], b2[40];

	(void)state;
	layer(s, "n", "1w", "2026-03-02T09:00", "frank",
	    "daily 20:00-08:00", NULL);
	/* frank's night, then his day off, then his next night */
	assert_int_equal(wr_schedule_next_person(s,
	    T("2026-03-25T03:00:00Z"), &a), 0);
	assert_string_equal(a.person, "frank");
	assert_string_equal(fmt(a.since, b1, sizeof b1), "2026-03-26T00:00:00Z");
	assert_string_equal(fmt(a.until, b2, sizeof b2), "2026-03-26T12:00:00Z");
	/* in the day's gap: the same night */
	assert_int_equal(wr_schedule_next_person(s,
	    T("2026-03-25T12:00:00Z"), &a), 0);
	assert_string_equal(fmt(a.since, b1, sizeof b1), "2026-03-26T00:00:00Z");
	/* one person always on call: nobody takes over */
	layer(one, "all", "1d", "2026-03-02T09:00", "gita", NULL);
	assert_int_equal(wr_schedule_next_person(one,
	    T("2026-03-25T12:00:00Z"), &a), -1);
	wr_schedule_free(s);
	wr_schedule_free(one);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_offsets_match_python_at_random_instants_1900_to_2100),
		cmocka_unit_test(test_zone_berlin_2026_changes_and_the_footer_rule_after_2037),
		cmocka_unit_test(test_zone_local_times_in_gaps_and_folds),
		cmocka_unit_test(test_zone_rule_strings_checked),
		cmocka_unit_test(test_civil_dates_and_weekdays),
		cmocka_unit_test(test_parse_turn_start_and_restrict),
		cmocka_unit_test(test_weekly_0900_berlin_handoff_stays_0900_across_march),
		cmocka_unit_test(test_daily_0900_berlin_turns_are_23_and_25_hours_long),
		cmocka_unit_test(test_berlin_handoff_in_the_gap_and_in_the_fold),
		cmocka_unit_test(test_hourly_turns_count_hours_on_the_local_clock),
		cmocka_unit_test(test_new_york_both_changes),
		cmocka_unit_test(test_lord_howe_half_hour_changes),
		cmocka_unit_test(test_kolkata_half_hour_offset_no_dst),
		cmocka_unit_test(test_leap_day),
		cmocka_unit_test(test_next_person_is_someone_else_or_the_same_after_a_gap),
		cmocka_unit_test(test_later_layer_wins_where_it_has_someone),
		cmocka_unit_test(test_restriction_crossing_midnight_and_dst),
		cmocka_unit_test(test_overrides_over_overrides_last_made_wins),
		cmocka_unit_test(test_gaps_are_answers),
		cmocka_unit_test(test_rotation_whose_start_is_in_the_future),
		cmocka_unit_test(test_berlin_after_2037_from_the_footer),
		cmocka_unit_test(test_check_names_what_a_layer_lacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
