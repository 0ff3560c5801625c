/*
 * test_relay_schedules.c: cmocka tests for the [schedule NAME] and
 * [layer NAME.LAYER] sections of warroomd's config file (relay/config.c):
 * what they build in core's model, every refusal with its file and line,
 * and the report --check-config prints.  Zones come from the system's
 * zoneinfo (tzdata, which make deps installs), as the relay reads them.
 * The expected instants were checked with tests/fixtures/zoneinfo/expect.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/zone.h"
#include "relay/config.h"

#include "tests/relay_cfg_file.h"

static const char good[] =
    "listen = 127.0.0.1:8470\n"
    "[schedule primary]\n"
    "timezone = Europe/Berlin\n"
    "handoff-notice = 15m\n"
    "[layer primary.weekly]\n"
    "rotation = 1w\n"
    "start = 2026-03-02T09:00\n"
    "participants = nobody-yet\n"
    "participants = alice,  bob ,carol\n"	/* twice: the later list */
    "[layer primary.office]\n"
    "rotation = 1d\n"
    "start = 2026-03-02T09:00\n"
    "participants = dave, erin\n"
    "restrict = Mon-Fri 09:00-12:00\n"
    "restrict = Mon-Fri 13:00-18:00\n"	/* repeatable: both */
    "[schedule secondary]\n"
    "timezone = Asia/Kolkata\n"
    "[layer secondary.all]\n"
    "rotation = 12h\n"
    "start = 2026-01-01T09:30\n"
    "participants = frank\n";

static void
test_sections_build_the_model_in_file_order(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL;
	const struct relay_schedule *rs;
	const struct wr_layer *l;

	(void)state;
	if (load(&cfg, good, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg.n_schedules, 2);
	rs = relay_cfg_schedule(&cfg, "primary");
	assert_non_null(rs);
	assert_int_equal(rs->handoff_notice_ms, 15 * 60 * 1000);
	assert_string_equal(wr_zone_name(rs->s->zone), "Europe/Berlin");
	assert_int_equal(rs->s->n_layers, 2);
	l = &rs->s->layers[0];
	assert_string_equal(l->name, "weekly");
	assert_int_equal(l->turn, 604800);
	assert_int_equal(l->start, wr_days_from_civil(2026, 3, 2) * 86400 +
	    9 * 3600);
	assert_int_equal(l->n_people, 3);
	assert_string_equal(l->people[0], "alice");
	assert_string_equal(l->people[1], "bob");
	assert_string_equal(l->people[2], "carol");
	l = &rs->s->layers[1];
	assert_string_equal(l->name, "office");
	assert_int_equal(l->n_restricts, 2);
	assert_int_equal(l->restricts[1].start, 13 * 3600);
	assert_non_null(strstr(l->where, ":10"));
	assert_null(relay_cfg_schedule(&cfg, "tertiary"));
	assert_string_equal(relay_cfg_schedule(&cfg, "secondary")->s->
	    layers[0].people[0], "frank");
	relay_cfg_free(&cfg);
}

static void
test_bad_definitions_are_refused_at_their_line(void **state)
{
	static const struct cfg_refusal bad[] = {
		{ "[schedule p]\ntimezone = Europe/Berlln\n", 2,
		    "[schedule p] timezone: unknown time zone Europe/Berlln" },
		{ "[schedule p]\ntimezone = /etc/passwd\n", 2,
		    "is not a time zone name" },
		{ "[schedule p]\n[layer p.w]\nrotation = 1w\nstart = "
		    "2026-03-02T09:00\nparticipants = a\n", 1,
		    "[schedule p]: no timezone" },
		{ "[schedule p]\ntimezone = UTC\n", 1,
		    "[schedule p]: no layers" },
		{ "[schedule p]\ntimezone = UTC\n\n[layer p.w]\nrotation = 1w\n"
		    "participants = a\n", 4, "[layer p.w]: no start" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nstart = "
		    "2026-03-02T09:00\nparticipants = a\n", 3,
		    "[layer p.w]: no rotation" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nrotation = 1w\n"
		    "start = 2026-03-02T09:00\n", 3,
		    "[layer p.w]: no participants" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nrotation = 7\n", 4,
		    "[layer p.w] rotation \"7\" is not Nh, Nd or Nw" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nstart = "
		    "2027-02-29T09:00\n", 4, "start \"2027-02-29T09:00\" is not" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nrestrict = "
		    "weekends 09:00-10:00\n", 4, "is not DAYS HH:MM-HH:MM" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nparticipants = "
		    "a, , b\n", 4, "participants: an empty name" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nparticipants = "
		    "a, b c\n", 4, "participants: 'b c' is not one word" },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\nowner = a\n", 4,
		    "[layer p.w]: unknown key 'owner'" },
		{ "[schedule p]\ntimezone = UTC\nowner = a\n", 3,
		    "[schedule p]: unknown key 'owner'" },
		{ "[schedule p]\ntimezone = UTC\nhandoff-notice = soon\n", 3,
		    "[schedule p] handoff-notice:" },
		{ "[schedule p]\ntimezone = UTC\nical = /nonexistent/x.ics\n", 3,
		    "[schedule p] ical: /nonexistent/x.ics: No such file" },
		{ "[schedule p]\ntimezone = UTC\nical-person = boss\n", 3,
		    "ical-person: \"boss\" is not summary or attendee" },
		{ "[schedule p]\ntimezone = UTC\nical = /a.ics\nical = /b.ics\n",
		    4, "[schedule p] ical: given twice" },
		{ "[schedule p]\ntimezone = UTC\n[schedule p]\n", 3,
		    "[schedule p] is defined twice (first at " },
		{ "[schedule p]\ntimezone = UTC\n[layer p.w]\n[layer p.w]\n", 4,
		    "[layer p.w] is defined twice" },
		{ "[layer p.w]\n[schedule p]\n", 1,
		    "[layer p.w]: no [schedule p] above it" },
		{ "[schedule]\n", 1, "[schedule] needs a name" },
		{ "[schedule pri mary]\n", 1, "a schedule's name is one word" },
		{ "[schedule p.q]\n", 1, "a schedule's name is one word" },
		{ "[layer weekly]\n", 1, "a layer is [layer SCHEDULE.LAYER]" },
		{ "[layer p.]\n", 1, "a layer is [layer SCHEDULE.LAYER]" },
	};

	(void)state;
	expect_refused(bad, sizeof bad / sizeof bad[0]);
}

static void
test_report_gives_now_next_and_next_gap(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL, *text;
	int64_t at;

	(void)state;
	if (load(&cfg, good, &cause) != 0)
		fail_msg("%s", cause);
	/* Wed 2026-03-25 13:00 CET.  weekly: the fourth week (from 03-23,
	 * alice again); office: day 23 from Mon 03-02, odd, erin, in the
	 * afternoon window 13:00-18:00 CET, 12:00Z-17:00Z; then the weekly
	 * layer's alice until the office opens at 09:00.  Kolkata: 12 h
	 * turns of frank alone: no change within the year, and the gap
	 * before its first handoff is in the past. */
	assert_int_equal(wr_time_parse("2026-03-25T12:30:00Z", &at), 0);
	text = relay_cfg_schedules_report(&cfg, at);
	assert_string_equal(text,
	    "schedule primary (Europe/Berlin)\n"
	    "  now:  erin (layer office) since 2026-03-25T12:00:00Z "
	    "(Wed 2026-03-25 13:00 local) until 2026-03-25T17:00:00Z "
	    "(Wed 2026-03-25 18:00 local)\n"
	    "  next: alice (layer weekly) from 2026-03-25T17:00:00Z "
	    "(Wed 2026-03-25 18:00 local) until 2026-03-26T08:00:00Z "
	    "(Thu 2026-03-26 09:00 local)\n"
	    "  next gap: none within 7 days\n"
	    "schedule secondary (Asia/Kolkata)\n"
	    "  now:  frank (layer all) since 2026-01-01T04:00:00Z "
	    "(Thu 2026-01-01 09:30 local), no change within a year\n"
	    "  next: no change within a year\n"
	    "  next gap: none within 7 days\n");
	free(text);
	relay_cfg_free(&cfg);
}

/* ical = FILE (relative to the config's directory), ical-person after it:
 * the layer "ical" holds the file's shifts, and the report names it. */
static void
test_ical_file_is_a_layer_of_its_shifts(void **state)
{
	static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z"
	    "\r\nDTSTART:20260323T080000Z\r\nDTEND:20260330T070000Z\r\n"
	    "ATTENDEE;CN=Bob Brown:mailto:bob@example.com\r\n"
	    "SUMMARY:On Call - Bob Brown\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\n"
	    "DTSTART:20260330T070000Z\r\nDTEND:20260406T070000Z\r\n"
	    "ATTENDEE;CN=Carol Chen:mailto:carol@example.com\r\n"
	    "SUMMARY:On Call - Carol Chen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	char ics_path[96], text[256], *cause = NULL, *report;
	const char *base = strrchr(path, '/') + 1;
	struct relay_cfg cfg;
	FILE *f;
	int64_t at;

	(void)state;
	snprintf(ics_path, sizeof ics_path, "%s.ics", path);
	f = fopen(ics_path, "w");
	assert_non_null(f);
	fputs(ics, f);
	fclose(f);
	snprintf(text, sizeof text, "[schedule p]\ntimezone = Europe/Berlin\n"
	    "ical = %s.ics\nical-person = attendee\n", base);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	relay_cfg_defaults(&cfg);
	assert_int_equal(wr_time_parse("2026-03-29T12:00:00Z", &at), 0);
	cfg.ical_around_ms = at;
	if (relay_cfg_load(&cfg, path, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg.schedules[0].s->n_layers, 1);
	assert_true(cfg.schedules[0].s->layers[0].fixed);
	assert_int_equal(cfg.schedules[0].s->layers[0].n_shifts, 2);
	report = relay_cfg_schedules_report(&cfg, at);
	assert_non_null(strstr(report, "  now:  bob (ical) since "
	    "2026-03-23T08:00:00Z (Mon 2026-03-23 09:00 local) until "
	    "2026-03-30T07:00:00Z (Mon 2026-03-30 09:00 local)\n"));
	assert_non_null(strstr(report, "  next: carol (ical) from "
	    "2026-03-30T07:00:00Z"));
	free(report);
	relay_cfg_free(&cfg);
	/* A file that is not iCalendar: refused at the ical line, with the
	 * file and the reason. */
	f = fopen(ics_path, "w");
	fputs("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", f);
	fclose(f);
	relay_cfg_defaults(&cfg);
	assert_int_equal(relay_cfg_load(&cfg, path, &cause), -1);
	snprintf(text, sizeof text, "%s:3: [schedule p] ical: %s: no VEVENT",
	    path, ics_path);
	if (strncmp(cause, text, strlen(text)) != 0)
		fail_msg("got \"%s\", want \"%s...\"", cause, text);
	free(cause);
	relay_cfg_free(&cfg);
	unlink(ics_path);
}

static void
test_no_schedules_no_report(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL, *text;

	(void)state;
	assert_int_equal(load(&cfg, "listen = 127.0.0.1:1\n", &cause), 0);
	text = relay_cfg_schedules_report(&cfg, 0);
	assert_string_equal(text, "");
	free(text);
	relay_cfg_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_build_the_model_in_file_order),
		cmocka_unit_test(test_bad_definitions_are_refused_at_their_line),
		cmocka_unit_test(test_report_gives_now_next_and_next_gap),
		cmocka_unit_test(test_ical_file_is_a_layer_of_its_shifts),
		cmocka_unit_test(test_no_schedules_no_report),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
