/*
 * test_overrides.c: cmocka tests for core/overrides.c: the rules a
 * schedule-wide op is planned by (what is refused, with which code), what
 * the events make (an override, a cover request, a take that turns one
 * into the other), the answer a schedule gives with them put in, that what
 * has ended is dropped, and the times people write (in the schedule's own
 * zone, across Berlin's spring-forward gap).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/overrides.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "core/zone.h"
#include "store/tzif.h"
#include "tests/zone_time.h"

static const char *const names[] = { "primary", "secondary" };

#define NOW	"2026-12-02T10:00:00Z"

struct fx {
	struct wr_overrides o;
	struct wr_ov_context cx;
	int64_t seq;
	char err[256];
	const char *code;
};

static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	wr_overrides_init(&f->o);
	f->cx.names = names;
	f->cx.n_names = 2;
	f->cx.now = T(NOW);
	f->seq = 100;
}

/* Plan op (kind, actor, args) and, when it plans an event, number it,
 * apply it and give it back in *out (may be NULL: freed). */
static enum wr_plan_result
run(struct fx *f, wr_op_kind kind, const char *actor,
    const struct wr_event *args, struct wr_event *out)
{
	struct wr_op op = { .kind = kind, .actor = actor, .args = args,
	    .now = f->cx.now, .made_at = f->cx.now - 5000 };
	struct wr_event e;
	enum wr_plan_result r;

	f->err[0] = '\0';
	f->code = NULL;
	r = wr_overrides_plan(&f->o, NULL, 0, &f->cx, &op, &e, &f->code,
	    f->err, sizeof f->err);
	if (r == WR_PLAN_EVENT) {
		e.seq = ++f->seq;
		e.actor = xstrdup(actor);
		e.time = f->cx.now;
		wr_overrides_apply(&f->o, &e);
		if (out != NULL)
			*out = e;
		else
			wr_event_free(&e);
	}
	return r;
}

static struct wr_event
OV(const char *schedule, const char *person, const char *from,
    const char *until)
{
	struct wr_event a = { .schedule = (char *)schedule,
	    .person = (char *)person, .from = T(from), .until = T(until) };

	return a;
}

/* An override is planned with the op's arguments, and once applied a
 * schedule with it put in answers with its person ("source": override);
 * the last made wins where two overlap. */
static void
override_wins_over_the_rotation_and_the_last_made_wins(void **state)
{
	struct fx f;
	struct wr_event a = OV("primary", "dave", "2026-12-02T09:00:00Z",
	    "2026-12-02T12:00:00Z"), b = OV("primary", "erin",
	    "2026-12-02T10:30:00Z", "2026-12-02T11:00:00Z"), e;
	struct wr_schedule *s = wr_schedule_new("primary", zone("UTC"));
	struct wr_layer *l = wr_schedule_add_layer(s, "weekly");
	struct wr_oncall at;
	char *cause = NULL;

	(void)state;
	fx_init(&f);
	assert_int_equal(wr_schedule_parse_turn("1w", &l->turn, &cause), 0);
	assert_int_equal(wr_schedule_parse_start("2026-11-30T09:00",
	    &l->start, &cause), 0);
	wr_schedule_add_person(l, "alice");
	assert_int_equal(run(&f, WR_OP_OVERRIDE, "dave", &a, &e),
	    WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_OVERRIDE_ADDED);
	assert_int_equal(e.incident, 0);
	assert_string_equal(e.schedule, "primary");
	assert_string_equal(e.person, "dave");
	assert_int_equal(e.from, a.from);
	assert_int_equal(e.until, a.until);
	assert_int_equal(e.made_at, f.cx.now - 5000);
	wr_event_free(&e);
	assert_int_equal(run(&f, WR_OP_OVERRIDE, "bob", &b, NULL),
	    WR_PLAN_EVENT);
	/* the same again changes nothing */
	assert_int_equal(run(&f, WR_OP_OVERRIDE, "bob", &b, NULL),
	    WR_PLAN_NOOP);

	wr_overrides_put(&f.o, s, f.cx.now);
	assert_int_equal(s->n_overrides, 2);
	assert_string_equal(s->overrides[0].id, "101");
	wr_schedule_at(s, T("2026-12-02T10:15:00Z"), &at);
	assert_string_equal(at.person, "dave");
	assert_int_equal(at.source, WR_ONCALL_OVERRIDE);
	wr_schedule_at(s, T("2026-12-02T10:45:00Z"), &at);
	assert_string_equal(at.person, "erin");
	wr_schedule_at(s, T("2026-12-02T13:00:00Z"), &at);
	assert_string_equal(at.person, "alice");
	assert_int_equal(at.source, WR_ONCALL_LAYER);
	/* put again (after a reload): the same, not twice */
	wr_overrides_put(&f.o, s, f.cx.now);
	assert_int_equal(s->n_overrides, 2);
	wr_schedule_free(s);
	wr_overrides_free(&f.o);
}

/* Every refusal has its code: the names and numbers that match nothing
 * are told apart from a bad stretch. */
static void
bad_ops_are_refused_with_a_code(void **state)
{
	static const struct {
		const char *schedule, *person, *from, *until, *code, *words;
	} cases[] = {
		{ "tertiary", "dave", "2026-12-02T11:00:00Z",
		  "2026-12-02T12:00:00Z", "unknown_schedule", "no schedule "
		  "tertiary" },
		{ "primary", "dave", "2026-12-02T12:00:00Z",
		  "2026-12-02T12:00:00Z", "bad_op", "until is not after from" },
		{ "primary", "dave", "2026-12-02T12:00:00Z",
		  "2026-12-02T11:00:00Z", "bad_op", "until is not after from" },
		{ "primary", "dave", "2026-11-02T12:00:00Z",
		  "2026-12-02T09:59:59Z", "bad_op", "over already" },
		{ "primary", "dave", "2026-12-02T12:00:00Z",
		  "2027-03-02T12:00:01Z", "bad_op", "longer than 90d" },
		{ "primary", "", "2026-12-02T11:00:00Z",
		  "2026-12-02T12:00:00Z", "bad_op", "needs a person" },
	};
	struct fx f;
	struct wr_event a;

	(void)state;
	fx_init(&f);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		a = OV(cases[i].schedule, cases[i].person, cases[i].from,
		    cases[i].until);
		assert_int_equal(run(&f, WR_OP_OVERRIDE, "dave", &a, NULL),
		    WR_PLAN_REFUSED);
		assert_string_equal(f.code, cases[i].code);
		if (strstr(f.err, cases[i].words) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, f.err,
			    cases[i].words);
	}
	/* a cover request follows the same rules */
	a = OV("nope", NULL, "2026-12-02T11:00:00Z", "2026-12-02T12:00:00Z");
	assert_int_equal(run(&f, WR_OP_COVER, "dave", &a, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "unknown_schedule");
	/* a relay with a retention: nothing may outlive what it keeps */
	f.cx.horizon_ms = 7LL * 86400000;
	a = OV("primary", "dave", "2026-12-05T00:00:00Z",
	    "2026-12-10T00:00:00Z");
	assert_int_equal(run(&f, WR_OP_OVERRIDE, "dave", &a, NULL),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(f.err, "retention"));
	/* numbers that name nothing open */
	a = (struct wr_event){ .ref = 4812 };
	assert_int_equal(run(&f, WR_OP_OVERRIDE_RM, "dave", &a, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "unknown_override");
	assert_int_equal(run(&f, WR_OP_TAKE, "dave", &a, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "unknown_cover");
	/* an incident's op is not one of these */
	assert_int_equal(run(&f, WR_OP_ACK, "dave", &a, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "bad_op");
	assert_int_equal(f.o.n, 0);
	wr_overrides_free(&f.o);
}

/* A cover request is open until someone else takes it; the take is one
 * event that makes the override (the taker, the request's stretch) and
 * closes the request, so a second take is refused; removing an override
 * takes it out of the answers. */
static void
cover_request_taken_becomes_an_override(void **state)
{
	struct fx f;
	struct wr_event a = OV("primary", NULL, "2026-12-20T08:00:00Z",
	    "2026-12-21T08:00:00Z"), e, t;
	struct wr_schedule *s = wr_schedule_new("primary", zone("UTC"));
	int64_t req, ov;

	(void)state;
	fx_init(&f);
	a.text = "at a wedding";
	assert_int_equal(run(&f, WR_OP_COVER, "dave", &a, &e),
	    WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_COVER_REQUESTED);
	assert_string_equal(e.text, "at a wedding");
	req = e.seq;
	wr_event_free(&e);
	wr_overrides_put(&f.o, s, f.cx.now);
	assert_int_equal(s->n_covers, 1);
	assert_int_equal(s->n_overrides, 0);
	assert_string_equal(s->covers[0].by, "dave");
	assert_string_equal(s->covers[0].reason, "at a wedding");

	t = (struct wr_event){ .ref = req };
	assert_int_equal(run(&f, WR_OP_TAKE, "dave", &t, NULL),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(f.err, "dave's own"));
	assert_int_equal(run(&f, WR_OP_TAKE, "carol", &t, &e), WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_COVER_TAKEN);
	assert_string_equal(e.person, "carol");
	assert_string_equal(e.schedule, "primary");
	assert_int_equal(e.from, a.from);
	assert_int_equal(e.until, a.until);
	assert_int_equal(e.ref, req);
	ov = e.seq;
	wr_event_free(&e);
	assert_int_equal(run(&f, WR_OP_TAKE, "bob", &t, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "unknown_cover");
	wr_overrides_put(&f.o, s, f.cx.now);
	assert_int_equal(s->n_covers, 0);
	assert_int_equal(s->n_overrides, 1);
	assert_string_equal(s->overrides[0].person, "carol");

	t = (struct wr_event){ .ref = ov };
	assert_int_equal(run(&f, WR_OP_OVERRIDE_RM, "carol", &t, &e),
	    WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_OVERRIDE_REMOVED);
	assert_int_equal(e.ref, ov);
	assert_string_equal(e.schedule, "primary");
	wr_event_free(&e);
	wr_overrides_put(&f.o, s, f.cx.now);
	assert_int_equal(s->n_overrides, 0);
	wr_schedule_free(s);
	wr_overrides_free(&f.o);
}

/* A cover request withdrawn by the one who asked is gone from the
 * answers; nobody else may withdraw it, and a second withdrawal, or a
 * take after it, finds no request open. */
static void
cover_request_withdrawn_by_its_asker(void **state)
{
	struct fx f;
	struct wr_event a = OV("primary", NULL, "2026-12-20T08:00:00Z",
	    "2026-12-21T08:00:00Z"), e, t;
	struct wr_schedule *s = wr_schedule_new("primary", zone("UTC"));
	int64_t req;

	(void)state;
	fx_init(&f);
	assert_int_equal(run(&f, WR_OP_COVER, "dave", &a, &e),
	    WR_PLAN_EVENT);
	req = e.seq;
	wr_event_free(&e);
	t = (struct wr_event){ .ref = req };
	assert_int_equal(run(&f, WR_OP_COVER_RM, "carol", &t, NULL),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(f.err, "only dave withdraws it"));
	assert_int_equal(run(&f, WR_OP_COVER_RM, "dave", &t, &e),
	    WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_COVER_WITHDRAWN);
	assert_int_equal(e.ref, req);
	assert_string_equal(e.schedule, "primary");
	wr_event_free(&e);
	wr_overrides_put(&f.o, s, f.cx.now);
	assert_int_equal(s->n_covers, 0);
	assert_int_equal(s->n_overrides, 0);
	assert_int_equal(run(&f, WR_OP_COVER_RM, "dave", &t, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "unknown_cover");
	assert_int_equal(run(&f, WR_OP_TAKE, "carol", &t, NULL),
	    WR_PLAN_REFUSED);
	assert_string_equal(f.code, "unknown_cover");
	wr_schedule_free(s);
	wr_overrides_free(&f.o);
}

/* A batch's events not committed yet count: the removal of an override
 * planned before it in the same batch is planned against it. */
static void
plan_sees_the_batch_before_it(void **state)
{
	struct fx f;
	struct wr_event a = OV("primary", "dave", "2026-12-02T11:00:00Z",
	    "2026-12-02T12:00:00Z"), planned, rm = { .ref = 7 }, e;
	struct wr_op op = { .kind = WR_OP_OVERRIDE, .actor = "dave",
	    .args = &a, .now = T(NOW) };

	(void)state;
	fx_init(&f);
	assert_int_equal(wr_overrides_plan(&f.o, NULL, 0, &f.cx, &op,
	    &planned, &f.code, f.err, sizeof f.err), WR_PLAN_EVENT);
	planned.seq = 7;
	op.kind = WR_OP_OVERRIDE_RM;
	op.args = &rm;
	assert_int_equal(wr_overrides_plan(&f.o, &planned, 1, &f.cx, &op, &e,
	    &f.code, f.err, sizeof f.err), WR_PLAN_EVENT);
	assert_int_equal(e.ref, 7);
	wr_event_free(&e);
	/* without the batch there is nothing to remove */
	assert_int_equal(wr_overrides_plan(&f.o, NULL, 0, &f.cx, &op, &e,
	    &f.code, f.err, sizeof f.err), WR_PLAN_REFUSED);
	assert_int_equal(f.o.n, 0);	/* the base is untouched */
	wr_event_free(&planned);
	wr_overrides_free(&f.o);
}

/* What has ended is not kept nor shown: expire drops it, put leaves it
 * out even before. */
static void
what_has_ended_does_not_accumulate(void **state)
{
	struct fx f;
	struct wr_event a;
	struct wr_schedule *s = wr_schedule_new("primary", zone("UTC"));

	(void)state;
	fx_init(&f);
	for (int i = 0; i < 50; i++) {
		char from[32], until[32];

		/* ending every half hour from 10:30 on the 2nd */
		snprintf(from, sizeof from, "2026-12-02T10:00:00Z");
		wr_time_format(T("2026-12-02T10:30:00Z") + i * 1800000LL,
		    until, sizeof until);
		a = OV("primary", "p", from, until);
		assert_int_equal(run(&f, WR_OP_OVERRIDE, "dave", &a, NULL),
		    WR_PLAN_EVENT);
	}
	assert_int_equal(f.o.n, 50);
	/* at 15:00 the first nine (10:30 to 14:30) and 15:00's are over */
	wr_overrides_put(&f.o, s, T("2026-12-02T15:00:00Z"));
	assert_int_equal(s->n_overrides, 40);
	for (size_t i = 0; i < s->n_overrides; i++)
		assert_true(s->overrides[i].until > T("2026-12-02T15:00:00Z"));
	wr_overrides_expire(&f.o, T("2026-12-02T15:00:00Z"));
	assert_int_equal(f.o.n, 40);
	wr_overrides_expire(&f.o, T("2026-12-05T00:00:00Z"));
	assert_int_equal(f.o.n, 0);
	wr_overrides_put(&f.o, s, T("2026-12-05T00:00:00Z"));
	assert_int_equal(s->n_overrides, 0);
	wr_schedule_free(s);
	wr_overrides_free(&f.o);
}

/* The times people write: local ones in the schedule's zone, a gap's
 * time the first instant after it, "+2h" from the base. */
static void
times_people_write(void **state)
{
	struct wr_zone *z = zone("Europe/Berlin");
	int64_t now = T(NOW), out;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wr_overrides_parse_when("now", z, now, 0, &out,
	    &cause), 0);
	assert_int_equal(out, now);
	assert_int_equal(wr_overrides_parse_when("+2h", z, now,
	    T("2026-12-20T08:00:00Z"), &out, &cause), 0);
	assert_int_equal(out, T("2026-12-20T10:00:00Z"));
	assert_int_equal(wr_overrides_parse_when("2026-12-20T09:00", z, now,
	    now, &out, &cause), 0);
	assert_int_equal(out, T("2026-12-20T08:00:00Z"));	/* CET */
	assert_int_equal(wr_overrides_parse_when("2026-07-20T09:00", z, now,
	    now, &out, &cause), 0);
	assert_int_equal(out, T("2026-07-20T07:00:00Z"));	/* CEST */
	/* 02:30 does not exist on 29 March: the first instant after */
	assert_int_equal(wr_overrides_parse_when("2026-03-29T02:30", z, now,
	    now, &out, &cause), 0);
	assert_int_equal(out, T("2026-03-29T01:00:00Z"));
	assert_int_equal(wr_overrides_parse_when("2026-12-20T09:00:00+05:30",
	    z, now, now, &out, &cause), 0);
	assert_int_equal(out, T("2026-12-20T03:30:00Z"));
	assert_int_equal(wr_overrides_parse_when("saturday", z, now, now,
	    &out, &cause), -1);
	assert_non_null(strstr(cause, "'saturday' is not a time"));
	free(cause);
	assert_int_equal(wr_overrides_parse_when("+2x", z, now, now, &out,
	    &cause), -1);
	free(cause);
	/* no zone: a local time cannot be placed */
	assert_int_equal(wr_overrides_parse_when("2026-12-20T09:00", NULL,
	    now, now, &out, &cause), -1);
	free(cause);
	wr_zone_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(override_wins_over_the_rotation_and_the_last_made_wins),
		cmocka_unit_test(bad_ops_are_refused_with_a_code),
		cmocka_unit_test(cover_request_taken_becomes_an_override),
		cmocka_unit_test(cover_request_withdrawn_by_its_asker),
		cmocka_unit_test(plan_sees_the_batch_before_it),
		cmocka_unit_test(what_has_ended_does_not_accumulate),
		cmocka_unit_test(times_people_write),
	};

	return cmocka_run_group_tests_name("overrides", tests, NULL, NULL);
}
