/*
 * test_ical.c: cmocka tests for the iCalendar import (store/ical.c, with
 * libical) and export (core/ics.c): the real-shaped PagerDuty feed read to
 * the exact shifts, RRULE with EXDATE, RDATE and RECURRENCE-ID across a DST
 * change, bad files refused with the reason, overlapping shifts, escaping
 * and folding, stable UIDs, and an export re-imported giving the same
 * answer at 500 random instants over a year in each test zone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ics.h"
#include "core/jbuf.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/zone.h"
#include "store/ical.h"
#include "store/tzif.h"
#include "tests/zone_time.h"

#define FIXTURES	"tests/fixtures/ical"

/* The schedule of one imported file, in zone zname. */
static struct wr_schedule *
imported(const char *file, enum store_ical_person who, const char *zname,
    int64_t t1, int64_t t2)
{
	struct wr_schedule *s = wr_schedule_new("t", zone(zname));
	struct wr_layer *l = wr_schedule_add_layer(s, "ical");
	char *cause = NULL;

	if (store_ical_load(file, who, s->zone, t1, t2, l, &cause) != 0)
		fail_msg("%s", cause);
	return s;
}

static void
shift_is(const struct wr_layer *l, size_t i, const char *person,
    const char *from, const char *until)
{
	char a[40], b[40];

	assert_true(i < l->n_shifts);
	wr_time_format(l->shifts[i].from * 1000, a, sizeof a);
	wr_time_format(l->shifts[i].until * 1000, b, sizeof b);
	if (strcmp(l->shifts[i].person, person) != 0 ||
	    l->shifts[i].from * 1000 != T(from) ||
	    l->shifts[i].until * 1000 != T(until))
		fail_msg("shift %zu is %s %s..%s, want %s %s..%s", i,
		    l->shifts[i].person, a, b, person, from, until);
}

static void
test_pagerduty_feed_by_attendee(void **state)
{
	struct wr_schedule *s = imported(FIXTURES "/pagerduty-primary.ics",
	    STORE_ICAL_ATTENDEE, "Europe/Berlin", T("2026-01-01T00:00:00Z"),
	    T("2027-01-01T00:00:00Z"));
	const struct wr_layer *l = &s->layers[0];
	struct wr_oncall o;

	(void)state;
	assert_true(l->fixed);
	assert_int_equal(l->n_shifts, 5);
	shift_is(l, 0, "alice", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z");
	shift_is(l, 1, "bob", "2026-03-23T08:00:00Z", "2026-03-25T12:00:00Z");
	shift_is(l, 2, "dana", "2026-03-25T12:00:00Z", "2026-03-25T18:00:00Z");
	shift_is(l, 3, "bob", "2026-03-25T18:00:00Z", "2026-03-30T07:00:00Z");
	shift_is(l, 4, "carol", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z");
	/* The answers: who, since, until; a gap before and after. */
	wr_schedule_at(s, T("2026-03-25T13:00:00Z"), &o);
	assert_string_equal(o.person, "dana");
	assert_int_equal(o.since, T("2026-03-25T12:00:00Z"));
	assert_int_equal(o.until, T("2026-03-25T18:00:00Z"));
	wr_schedule_at(s, T("2026-03-29T12:00:00Z"), &o);
	assert_string_equal(o.person, "bob");
	assert_int_equal(o.until, T("2026-03-30T07:00:00Z"));
	wr_schedule_at(s, T("2026-04-06T07:00:00Z"), &o);
	assert_null(o.person);
	assert_int_equal(o.since, T("2026-04-06T07:00:00Z"));
	wr_schedule_at(s, T("2026-03-16T07:59:59Z"), &o);
	assert_null(o.person);
	wr_schedule_free(s);
}

static void
test_pagerduty_feed_by_summary(void **state)
{
	struct wr_schedule *s = imported(FIXTURES "/pagerduty-primary.ics",
	    STORE_ICAL_SUMMARY, "UTC", T("2026-01-01T00:00:00Z"),
	    T("2027-01-01T00:00:00Z"));

	(void)state;
	shift_is(&s->layers[0], 0, "On Call - Alice Adams - Platform Primary",
	    "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z");
	wr_schedule_free(s);
}

static void
test_rrule_exdate_rdate_recurrence_id(void **state)
{
	struct wr_schedule *s = imported(FIXTURES "/rrule-exdate-rdate.ics",
	    STORE_ICAL_SUMMARY, "Europe/Berlin", T("2026-01-01T00:00:00Z"),
	    T("2027-01-01T00:00:00Z"));
	const struct wr_layer *l = &s->layers[0];

	(void)state;
	/* Thu 26, Fri 27 (CET, 08:00Z), Sat 28 (RDATE), Mon 30 (CEST,
	 * 07:00Z), Tue 31 taken out (EXDATE), Wed 1 moved to frank 12-20,
	 * Thu 2, Fri 3; the cancelled event is not a shift. */
	assert_int_equal(l->n_shifts, 7);
	shift_is(l, 0, "erin", "2026-03-26T08:00:00Z", "2026-03-26T16:00:00Z");
	shift_is(l, 1, "erin", "2026-03-27T08:00:00Z", "2026-03-27T16:00:00Z");
	shift_is(l, 2, "erin", "2026-03-28T08:00:00Z", "2026-03-28T16:00:00Z");
	shift_is(l, 3, "erin", "2026-03-30T07:00:00Z", "2026-03-30T15:00:00Z");
	shift_is(l, 4, "frank", "2026-04-01T10:00:00Z", "2026-04-01T18:00:00Z");
	shift_is(l, 5, "erin", "2026-04-02T07:00:00Z", "2026-04-02T15:00:00Z");
	shift_is(l, 6, "erin", "2026-04-03T07:00:00Z", "2026-04-03T15:00:00Z");
	wr_schedule_free(s);
}

/* Only what falls inside t1..t2 is kept (a shift running at t1 whole). */
static void
test_horizon_bounds_an_endless_rule(void **state)
{
	const char *cal =
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
	    "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20200101T000000Z\r\n"
	    "DTSTART:20200101T000000Z\r\nDTEND:20200101T120000Z\r\n"
	    "RRULE:FREQ=DAILY\r\nSUMMARY:ann\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n";
	struct wr_schedule *s = wr_schedule_new("t", zone("UTC"));
	struct wr_layer *l = wr_schedule_add_layer(s, "ical");
	char *cause = NULL;

	(void)state;
	assert_int_equal(store_ical_parse(cal, strlen(cal), STORE_ICAL_SUMMARY,
	    s->zone, T("2026-03-01T06:00:00Z"), T("2026-03-11T00:00:00Z"), l,
	    &cause), 0);
	assert_int_equal(l->n_shifts, 10);
	shift_is(l, 0, "ann", "2026-03-01T00:00:00Z", "2026-03-01T12:00:00Z");
	shift_is(l, 9, "ann", "2026-03-10T00:00:00Z", "2026-03-10T12:00:00Z");
	wr_schedule_free(s);
}

static void
refused(const char *cal, enum store_ical_person who, const char *want)
{
	struct wr_schedule *s = wr_schedule_new("t", zone("UTC"));
	struct wr_layer *l = wr_schedule_add_layer(s, "ical");
	char *cause = NULL;

	if (store_ical_parse(cal, strlen(cal), who, s->zone,
	    T("2026-01-01T00:00:00Z"), T("2027-01-01T00:00:00Z"), l,
	    &cause) == 0)
		fail_msg("accepted, want refused with \"%s\"", want);
	if (strstr(cause, want) == NULL)
		fail_msg("refused with \"%s\", want \"%s\"", cause, want);
	free(cause);
	wr_schedule_free(s);
}

#define HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
#define EV(body) "BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20260101T000000Z\r\n" \
	body "END:VEVENT\r\n"
#define TAIL "END:VCALENDAR\r\n"

static void
test_bad_files_are_refused_with_the_reason(void **state)
{
	(void)state;
	refused("hello", STORE_ICAL_SUMMARY, "not iCalendar");
	refused(HEAD TAIL, STORE_ICAL_SUMMARY, "no VEVENT");
	refused(HEAD EV("DTEND:20260102T000000Z\r\nSUMMARY:a\r\n") TAIL,
	    STORE_ICAL_SUMMARY, "VEVENT 1 (UID u1): no DTSTART");
	refused(HEAD EV("DTSTART:20260101T000000Z\r\n"
	    "DTEND:20260102T000000Z\r\n") TAIL, STORE_ICAL_SUMMARY,
	    "no SUMMARY");
	refused(HEAD EV("DTSTART:20260101T000000Z\r\n"
	    "DTEND:20260102T000000Z\r\nSUMMARY:a\r\n") TAIL,
	    STORE_ICAL_ATTENDEE, "no ATTENDEE");
	refused(HEAD EV("DTSTART;TZID=Mars/Olympus:20260101T000000\r\n"
	    "DTEND;TZID=Mars/Olympus:20260102T000000\r\nSUMMARY:a\r\n") TAIL,
	    STORE_ICAL_SUMMARY, "unknown TZID \"Mars/Olympus\"");
	refused(HEAD EV("DTSTART:tomorrow\r\nSUMMARY:a\r\n") TAIL,
	    STORE_ICAL_SUMMARY, "not valid iCalendar");
	refused(HEAD EV("DTSTART:20260101T000000Z\r\n"
	    "DTEND:20260101T000001Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:a\r\n")
	    TAIL, STORE_ICAL_SUMMARY, "more than");
}

/* Where shifts overlap the later-starting one holds; the earlier resumes. */
static void
test_overlapping_shifts(void **state)
{
	struct wr_layer l;
	struct wr_shift v[3] = {
		{ "ann", 100, 400 },
		{ "ben", 200, 300 },
		{ "cat", 350, 500 },
	};

	(void)state;
	memset(&l, 0, sizeof l);
	wr_schedule_set_shifts(&l, v, 3);
	assert_int_equal(l.n_shifts, 4);
	assert_string_equal(l.shifts[0].person, "ann");
	assert_int_equal(l.shifts[0].until, 200);
	assert_string_equal(l.shifts[1].person, "ben");
	assert_string_equal(l.shifts[2].person, "ann");
	assert_int_equal(l.shifts[2].from, 300);
	assert_int_equal(l.shifts[2].until, 350);
	assert_string_equal(l.shifts[3].person, "cat");
	assert_int_equal(l.shifts[3].until, 500);
	for (size_t i = 0; i < l.n_shifts; i++)
		free(l.shifts[i].person);
	free(l.shifts);
}

static char *
esc(const char *s)
{
	struct jbuf b;

	jbuf_init(&b, 0);
	wr_ics_escape(&b, s);
	return jbuf_take(&b, NULL);
}

static void
test_escaping(void **state)
{
	char *e;

	(void)state;
	e = esc("a\\b;c,d\ne\rf\x01g\th");
	assert_string_equal(e, "a\\\\b\\;c\\,d\\nefg\th");
	free(e);
	e = esc("Zoë: plain");
	assert_string_equal(e, "Zoë: plain");
	free(e);
}

static void
test_folding_at_75_octets_never_inside_utf8(void **state)
{
	struct jbuf b;
	char line[400];
	const char *p, *crlf;
	size_t n = 0;

	(void)state;
	/* "SUMMARY:" then 100 "é" (2 octets each): the 75th octet is the
	 * middle of one. */
	n = (size_t)snprintf(line, sizeof line, "SUMMARY:");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, "\xc3\xa9");
	jbuf_init(&b, 0);
	wr_ics_line(&b, line, n);
	p = jbuf_cstr(&b);
	for (int k = 0; (crlf = strstr(p, "\r\n")) != NULL; k++) {
		size_t len = (size_t)(crlf - p);

		assert_true(len <= 75);
		if (k > 0)
			assert_int_equal(p[0], ' ');
		/* no line ends inside a sequence, none begins inside one */
		assert_int_not_equal((unsigned char)p[k > 0 ? 1 : 0] & 0xc0,
		    0x80);
		if (len > 0)
			assert_false(((unsigned char)p[len - 1] & 0xe0) == 0xc0);
		p = crlf + 2;
	}
	assert_string_equal(p, "");
	/* Unfolded it is the line again. */
	{
		char out[400];
		size_t m = 0;

		for (const char *q = jbuf_cstr(&b); *q != '\0'; q++) {
			if (q[0] == '\r' && q[1] == '\n') {
				q += q[2] == ' ' ? 2 : 1;
				continue;
			}
			out[m++] = *q;
		}
		out[m] = '\0';
		assert_int_equal(m, n);
		assert_memory_equal(out, line, n);
	}
	jbuf_free(&b);
	/* Exactly 75 octets is one line. */
	jbuf_init(&b, 0);
	memset(line, 'x', 75);
	wr_ics_line(&b, line, 75);
	assert_int_equal(b.len, 77);
	jbuf_free(&b);
}

/* A schedule with two rotating layers (one at night only, across DST) and
 * two overrides, in zone zname; every name distinct, so two neighbouring
 * answers never have one person. */
static struct wr_schedule *
sample(const char *zname)
{
	struct wr_schedule *s = wr_schedule_new("primary", zone(zname));
	struct wr_layer *l;
	struct wr_restrict r;
	char *cause = NULL;

	l = wr_schedule_add_layer(s, "weekly");
	assert_int_equal(wr_schedule_parse_turn("1w", &l->turn, &cause), 0);
	assert_int_equal(wr_schedule_parse_start("2026-01-05T09:00",
	    &l->start, &cause), 0);
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "alice");
	wr_schedule_add_person(l, "bob");
	wr_schedule_add_person(l, "carol, the \"night\"; owl");
	l = wr_schedule_add_layer(s, "nights");
	assert_int_equal(wr_schedule_parse_turn("1d", &l->turn, &cause), 0);
	assert_int_equal(wr_schedule_parse_start("2026-02-01T02:30",
	    &l->start, &cause), 0);
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "dan");
	wr_schedule_add_person(l, "Émilie");
	assert_int_equal(wr_schedule_parse_restrict("Mon-Fri 22:00-06:30", &r,
	    &cause), 0);
	wr_schedule_add_restrict(l, &r);
	wr_schedule_add_override(s, "o1", "olga", T("2026-03-28T10:00:00Z"),
	    T("2026-03-30T10:00:00Z"));
	wr_schedule_add_override(s, "o2", "pete", T("2026-10-31T20:00:00Z"),
	    T("2026-11-01T12:00:00Z"));
	assert_int_equal(wr_schedule_check(s, &cause), 0);
	return s;
}

static int64_t
clip(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
round_trip(const char *zname)
{
	int64_t t1 = T("2026-01-01T00:00:00Z"), t2 = T("2027-01-01T00:00:00Z");
	struct wr_schedule *s = sample(zname), *back;
	struct wr_layer *l;
	char *text, *cause = NULL;
	size_t len;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	text = wr_ics_calendar(s, t1, t2, T("2026-01-01T00:00:00Z"), &len);
	back = wr_schedule_new("primary", zone(zname));
	l = wr_schedule_add_layer(back, "ical");
	if (store_ical_parse(text, len, STORE_ICAL_SUMMARY, back->zone, t1,
	    t2, l, &cause) != 0)
		fail_msg("%s: the export does not import: %s", zname, cause);
	assert_true(l->n_shifts > 100);
	for (int i = 0; i < 500; i++) {
		struct wr_oncall a, b;
		int64_t t;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		t = t1 + (int64_t)((seed >> 11) % (uint64_t)(t2 - t1));
		wr_schedule_at(s, t, &a);
		wr_schedule_at(back, t, &b);
		if ((a.person == NULL) != (b.person == NULL) ||
		    (a.person != NULL && strcmp(a.person, b.person) != 0) ||
		    clip(a.since, t1, t2) != clip(b.since, t1, t2) ||
		    clip(a.until, t1, t2) != clip(b.until, t1, t2)) {
			char w[40], x[40];

			wr_time_format(t, w, sizeof w);
			wr_time_format(clip(b.since, t1, t2), x, sizeof x);
			fail_msg("%s at %s: %s, re-imported %s (since %s)",
			    zname, w, a.person ? a.person : "nobody",
			    b.person ? b.person : "nobody", x);
		}
	}
	free(text);
	wr_schedule_free(back);
	wr_schedule_free(s);
}

static void
test_round_trip_berlin(void **state)
{
	(void)state;
	round_trip("Europe/Berlin");
}

static void
test_round_trip_new_york(void **state)
{
	(void)state;
	round_trip("America/New_York");
}

static void
test_round_trip_lord_howe(void **state)
{
	(void)state;
	round_trip("Australia/Lord_Howe");
}

static void
test_round_trip_kolkata(void **state)
{
	(void)state;
	round_trip("Asia/Kolkata");
}

/* Two exports over different weeks give a shift they share one UID; the
 * calendar is TRANSPARENT, UTC, CRLF. */
static void
test_export_uids_are_stable(void **state)
{
	struct wr_schedule *s = sample("Europe/Berlin");
	size_t la, lb;
	char *a = wr_ics_calendar(s, T("2026-03-02T00:00:00Z"),
	    T("2026-03-16T00:00:00Z"), T("2026-03-01T00:00:00Z"), &la);
	char *b = wr_ics_calendar(s, T("2026-03-09T12:00:00Z"),
	    T("2026-03-20T00:00:00Z"), T("2026-03-09T00:00:00Z"), &lb);
	char uid[48];
	struct wr_oncall o;

	(void)state;
	/* bob's week of 9 March, 08:00Z to 16 March 08:00Z (not counting
	 * the nights): the answer at noon on the 10th. */
	wr_schedule_at(s, T("2026-03-10T12:00:00Z"), &o);
	wr_ics_uid("primary", o.person, o.since, o.until, uid, sizeof uid);
	assert_non_null(strstr(a, uid));
	assert_non_null(strstr(b, uid));
	assert_non_null(strstr(a, "TRANSP:TRANSPARENT\r\n"));
	assert_non_null(strstr(a, "SUMMARY:carol\\, the \"night\"\\; owl\r\n"));
	assert_non_null(strstr(a, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_null(strstr(a, "\n\n"));
	for (const char *p = a; (p = strchr(p, '\n')) != NULL; p++)
		assert_int_equal(p[-1], '\r');
	free(a);
	free(b);
	wr_schedule_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagerduty_feed_by_attendee),
		cmocka_unit_test(test_pagerduty_feed_by_summary),
		cmocka_unit_test(test_rrule_exdate_rdate_recurrence_id),
		cmocka_unit_test(test_horizon_bounds_an_endless_rule),
		cmocka_unit_test(test_bad_files_are_refused_with_the_reason),
		cmocka_unit_test(test_overlapping_shifts),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_folding_at_75_octets_never_inside_utf8),
		cmocka_unit_test(test_round_trip_berlin),
		cmocka_unit_test(test_round_trip_new_york),
		cmocka_unit_test(test_round_trip_lord_howe),
		cmocka_unit_test(test_round_trip_kolkata),
		cmocka_unit_test(test_export_uids_are_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
