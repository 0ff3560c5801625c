/*
 * test_policy.c: cmocka tests for core/policy.c, escalation policies and
 * what they say is due, with a fake clock: every instant is given.  The
 * events planned are applied to a room with the reducer, as the relay
 * does, so what the room remembers is what the next step is planned from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/room.h"
#include "core/silence.h"
#include "core/util.h"

#define T0	1764662400000LL	/* 2025-12-02T08:00:00Z */
#define MIN	60000LL

/* primary: alice; secondary: bob; empty: a gap; anything else a person. */
static int
oncall(void *ud, const char *target, int64_t now, const char **person)
{
	(void)ud;
	(void)now;
	if (strcmp(target, "primary") == 0)
		*person = "alice";
	else if (strcmp(target, "secondary") == 0)
		*person = "bob";
	else if (strcmp(target, "empty") == 0)
		*person = NULL;
	else
		return 0;
	return 1;
}

/* The policy NAME of the steps given ("10m secondary", ..., NULL), each
 * accepted, the whole checked; the caller frees it. */
static struct wr_policy *
policy_of(const char *name, ...)
{
	struct wr_policy *p = wr_policy_new(name);
	const char *step;
	char *why = NULL;
	va_list ap;

	va_start(ap, name);
	while ((step = va_arg(ap, const char *)) != NULL)
		assert_int_equal(wr_policy_add_step(p, step, &why), 0);
	va_end(ap);
	assert_int_equal(wr_policy_check(p, &why), 0);
	return p;
}

static struct wr_policy *
checkout(void)
{
	return policy_of("checkout", "0m primary", "10m secondary",
	    "20m carol, primary", (char *)NULL);
}

/* "08:30" in UTC: a describer's clock. */
static void
hhmm(int64_t ms, char *buf, size_t size, void *ud)
{
	int64_t m = ms / 60000 % 1440;

	(void)ud;
	snprintf(buf, size, "%02d:%02d", (int)(m / 60), (int)(m % 60));
}

struct fix {
	struct wr_room room;
	int64_t seq;
};

static void
apply(struct fix *f, struct wr_event *e)
{
	char err[256];

	e->seq = ++f->seq;
	assert_int_equal(wr_room_apply(&f->room, e, err, sizeof err),
	    WR_APPLY_OK);
}

static void
event(struct fix *f, wr_event_kind kind, int64_t t, const char *actor)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = 1;
	e.time = t;
	e.actor = (char *)actor;
	if (kind == WR_EV_TRIGGERED) {
		e.source = "alertmanager";
		e.key = "k";
		e.title = "checkout 5xx rate";
		e.service = "checkout";
		e.severity = WR_SEV_CRITICAL;
	}
	apply(f, &e);
}

static void
setup_fix(struct fix *f)
{
	memset(f, 0, sizeof *f);
	wr_room_init(&f->room, 1);
	event(f, WR_EV_TRIGGERED, T0, "alertmanager");
}

static struct wr_incident *
inc(struct fix *f)
{
	return wr_room_get(&f->room, 1);
}

/* Plan at now; returns how many events, the words of the one planned in
 * *words (malloc'd, NULL for none); applies it. */
static size_t
tick(struct fix *f, const struct wr_policy *p, int64_t now, char **words,
    wr_event_kind *kind)
{
	struct wr_evlist out = { 0 };
	size_t n = wr_policy_plan(p, inc(f), now, 0, oncall, NULL, &out);

	*words = NULL;
	if (n > 0) {
		assert_int_equal(n, 1);
		*words = wr_event_words(&out.v[0]);
		if (kind != NULL)
			*kind = out.v[0].kind;
		apply(f, &out.v[0]);
	}
	wr_evlist_free(&out);
	return n;
}

static void
expect_words(struct fix *f, const struct wr_policy *p, int64_t now,
    const char *want)
{
	char *w;

	assert_int_equal(tick(f, p, now, &w, NULL), 1);
	assert_string_equal(w, want);
	free(w);
}

static void
expect_nothing(struct fix *f, const struct wr_policy *p, int64_t now)
{
	char *w;

	assert_int_equal(tick(f, p, now, &w, NULL), 0);
}

static void
test_steps_fire_in_turn_and_the_first_assigns(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_policy_next nx;
	struct fix f;
	char *w;
	wr_event_kind k;

	(void)state;
	setup_fix(&f);
	assert_int_equal(tick(&f, p, T0, &w, &k), 1);
	assert_int_equal(k, WR_EV_POLICY_ASSIGNED);
	assert_string_equal(w, "assigned to alice, on call for primary");
	free(w);
	assert_string_equal(inc(&f)->assignee, "alice");
	assert_string_equal(inc(&f)->esc_policy, "checkout");
	assert_int_equal(inc(&f)->esc_next_at, T0 + 10 * MIN);
	/* Nothing more until the next step's delay is up. */
	expect_nothing(&f, p, T0 + 10 * MIN - 1);
	wr_policy_next(p, inc(&f), 0, &nx);
	assert_int_equal(nx.what, WR_DUE_STEP);
	assert_int_equal(nx.at, T0 + 10 * MIN);
	expect_words(&f, p, T0 + 10 * MIN,
	    "escalated to bob (on call for secondary), step 2 of 3");
	/* the assignment stays the first step's */
	assert_string_equal(inc(&f)->assignee, "alice");
	assert_string_equal(inc(&f)->esc_target, "bob");
	/* planned again at the same instant: nothing fires twice */
	expect_nothing(&f, p, T0 + 10 * MIN);
	expect_words(&f, p, T0 + 20 * MIN, "escalated to carol, alice "
	    "(alice on call for primary), step 3 of 3");
	/* no repeat: that was the last */
	expect_nothing(&f, p, T0 + 1000 * MIN);
	wr_policy_next(p, inc(&f), 0, &nx);
	assert_int_equal(nx.what, WR_DUE_NONE);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_repeat_rounds_keep_the_rhythm(void **state)
{
	struct wr_policy *p = checkout();
	struct fix f;

	(void)state;
	p->repeat = 1;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	expect_words(&f, p, T0 + 10 * MIN,
	    "escalated to bob (on call for secondary), step 2 of 3");
	expect_words(&f, p, T0 + 20 * MIN, "escalated to carol, alice "
	    "(alice on call for primary), step 3 of 3");
	/* a round is 20m + the 10m gap before its last step */
	expect_nothing(&f, p, T0 + 30 * MIN - 1);
	expect_words(&f, p, T0 + 30 * MIN, "escalated to alice (on call for "
	    "primary), step 1 of 3, repeat 1");
	expect_words(&f, p, T0 + 40 * MIN, "escalated to bob (on call for "
	    "secondary), step 2 of 3, repeat 1");
	expect_words(&f, p, T0 + 50 * MIN, "escalated to carol, alice "
	    "(alice on call for primary), step 3 of 3, repeat 1");
	expect_nothing(&f, p, T0 + 1000 * MIN);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_ack_stops_unack_starts_again_from_step_one(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_policy_next nx;
	struct fix f;

	(void)state;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	event(&f, WR_EV_ACKNOWLEDGED, T0 + 2 * MIN, "alice");
	expect_nothing(&f, p, T0 + 15 * MIN);
	wr_policy_next(p, inc(&f), 0, &nx);
	assert_int_equal(nx.what, WR_DUE_NONE);
	/* Opsgenie's rule: as if new, from step 1, from the unack on */
	event(&f, WR_EV_UNACKNOWLEDGED, T0 + 15 * MIN, "alice");
	expect_words(&f, p, T0 + 15 * MIN,
	    "escalated to alice (on call for primary), step 1 of 3");
	expect_nothing(&f, p, T0 + 25 * MIN - 1);
	expect_words(&f, p, T0 + 25 * MIN,
	    "escalated to bob (on call for secondary), step 2 of 3");
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_resolve_stops_reopen_starts_again(void **state)
{
	struct wr_policy *p = checkout();
	struct fix f;

	(void)state;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	event(&f, WR_EV_RESOLVED, T0 + 5 * MIN, "alice");
	expect_nothing(&f, p, T0 + 100 * MIN);
	event(&f, WR_EV_REOPENED, T0 + 100 * MIN, "bob");
	expect_words(&f, p, T0 + 100 * MIN,
	    "escalated to alice (on call for primary), step 1 of 3");
	expect_words(&f, p, T0 + 110 * MIN,
	    "escalated to bob (on call for secondary), step 2 of 3");
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_a_persons_assignment_is_kept(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_event e;
	struct fix f;
	char *w;
	wr_event_kind k;

	(void)state;
	setup_fix(&f);
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ASSIGNED;
	e.incident = 1;
	e.time = T0;
	e.actor = "dave";
	e.text = "dave";
	apply(&f, &e);
	assert_int_equal(tick(&f, p, T0, &w, &k), 1);
	assert_int_equal(k, WR_EV_ESCALATED);
	assert_string_equal(w,
	    "escalated to alice (on call for primary), step 1 of 3");
	free(w);
	assert_string_equal(inc(&f)->assignee, "dave");
	wr_room_free(&f.room);
	wr_policy_free(p);
}

/* A relay that was down while steps fell due fires the latest, once. */
static void
test_steps_missed_while_down_fire_the_latest_once(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_incident *copy;
	struct fix f;

	(void)state;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	/* what a restart reads back: the incident's summary */
	copy = wr_incident_dup_summary(inc(&f));
	wr_room_put(&f.room, copy);
	expect_words(&f, p, T0 + 25 * MIN, "escalated to carol, alice "
	    "(alice on call for primary), step 3 of 3");
	expect_nothing(&f, p, T0 + 26 * MIN);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_silenced_does_not_escalate(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_evlist out = { 0 };
	struct wr_policy_next nx;
	struct fix f;

	(void)state;
	setup_fix(&f);
	assert_int_equal(wr_policy_plan(p, inc(&f), T0 + 30 * MIN, 1, oncall,
	    NULL, &out), 0);
	wr_policy_next(p, inc(&f), 1, &nx);
	assert_int_equal(nx.what, WR_DUE_NONE);
	assert_int_equal(wr_policy_silenced(inc(&f), T0), 0);
	/* an active silence at the source: the predicate the engine asks */
	inc(&f)->silences = xcalloc(1, sizeof *inc(&f)->silences);
	inc(&f)->n_silences = 1;
	inc(&f)->silences[0] = (struct wr_silence){ xstrdup("s1"),
	    T0 + 60 * MIN, xstrdup("alice"), xstrdup("service=\"checkout\"") };
	assert_int_equal(wr_policy_silenced(inc(&f), T0 + 30 * MIN), 1);
	assert_int_equal(wr_policy_silenced(inc(&f), T0 + 61 * MIN), 0);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

/* A silence event on incident 1 at t: SILENCED (until ends) or an end. */
static void
silence_event(struct fix *f, wr_event_kind kind, int64_t t, int64_t ends)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = 1;
	e.time = t;
	e.actor = "alice";
	e.silence_id = "s1";
	e.ends = ends;
	e.matchers = kind == WR_EV_SILENCED ? "service=\"checkout\"" : NULL;
	e.duration = kind == WR_EV_SILENCED ? ends - t : 0;
	apply(f, &e);
}

/* The end of a silence starts the escalation again from step 1, as if
 * new (as an unack does): with 0m/10m/20m steps, silenced at 2m until
 * 22m, the end pages primary again at 22m and secondary at 32m, not the
 * latest step due since the trigger.  A silence that runs out is an event
 * of its own, at its end, not only when Alertmanager is next asked. */
static void
test_a_silence_end_starts_again_from_step_one(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_policy_next nx;
	struct fix f;
	char *w;
	wr_event_kind kind;

	(void)state;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	silence_event(&f, WR_EV_SILENCED, T0 + 2 * MIN, T0 + 22 * MIN);
	expect_nothing(&f, p, T0 + 15 * MIN);
	wr_policy_next(p, inc(&f), 1, &nx);
	assert_int_equal(nx.what, WR_DUE_SILENCE_END);
	assert_int_equal(nx.at, T0 + 22 * MIN);
	expect_nothing(&f, p, T0 + 22 * MIN - 1);
	/* its end, an event of the log: no step fires before it */
	assert_int_equal(tick(&f, p, T0 + 22 * MIN, &w, &kind), 1);
	assert_int_equal(kind, WR_EV_SILENCE_EXPIRED);
	free(w);
	assert_int_equal(inc(&f)->n_silences, 0);
	assert_int_equal(inc(&f)->esc_since, T0 + 22 * MIN);
	expect_words(&f, p, T0 + 22 * MIN,
	    "escalated to alice (on call for primary), step 1 of 3");
	expect_nothing(&f, p, T0 + 32 * MIN - 1);
	expect_words(&f, p, T0 + 32 * MIN,
	    "escalated to bob (on call for secondary), step 2 of 3");
	/* an unsilence too, from the unsilence on */
	silence_event(&f, WR_EV_SILENCED, T0 + 33 * MIN, T0 + 93 * MIN);
	silence_event(&f, WR_EV_UNSILENCED, T0 + 50 * MIN, 0);
	expect_words(&f, p, T0 + 50 * MIN,
	    "escalated to alice (on call for primary), step 1 of 3");
	expect_nothing(&f, p, T0 + 60 * MIN - 1);
	expect_words(&f, p, T0 + 60 * MIN,
	    "escalated to bob (on call for secondary), step 2 of 3");
	/* an acknowledged incident's silence ending does not restart it */
	event(&f, WR_EV_ACKNOWLEDGED, T0 + 61 * MIN, "alice");
	silence_event(&f, WR_EV_SILENCED, T0 + 62 * MIN, T0 + 70 * MIN);
	silence_event(&f, WR_EV_UNSILENCED, T0 + 63 * MIN, 0);
	assert_int_equal(inc(&f)->state, WR_ST_ACKNOWLEDGED);
	assert_int_equal(inc(&f)->esc_since, 0);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_a_gap_pages_nobody_and_says_so(void **state)
{
	struct wr_policy *p = policy_of("thin", "1m empty", (char *)NULL);
	struct fix f;
	wr_event_kind k;
	char *w;

	(void)state;
	setup_fix(&f);
	expect_nothing(&f, p, T0 + MIN - 1);
	assert_int_equal(tick(&f, p, T0 + MIN, &w, &k), 1);
	assert_int_equal(k, WR_EV_ESCALATED);
	assert_string_equal(w, "escalated to nobody (a gap in empty), step 1 "
	    "of 1");
	free(w);
	assert_null(inc(&f)->assignee);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

/*
 * A step whose schedule is in a gap pages nobody: the next step fires at
 * once rather than after its delay (PagerDuty's rule), assigns the
 * incident as the first step would have, and says what it passed; the
 * step after keeps its time from the trigger.
 */
static void
test_a_step_that_pages_nobody_passes_to_the_next_at_once(void **state)
{
	struct wr_policy *p = policy_of("thin", "0m empty", "10m secondary",
	    "20m primary", (char *)NULL);
	struct fix f;
	wr_event_kind k;
	char *w;

	(void)state;
	setup_fix(&f);
	assert_int_equal(tick(&f, p, T0, &w, &k), 1);
	assert_int_equal(k, WR_EV_POLICY_ASSIGNED);
	if (strstr(w, "bob") == NULL || strstr(w, "step 1 paged nobody: a "
	    "gap in empty") == NULL)
		fail_msg("the words: %s", w);
	free(w);
	assert_string_equal(inc(&f)->assignee, "bob");
	assert_int_equal(inc(&f)->esc_fired, 2);
	assert_int_equal(inc(&f)->esc_next_at, T0 + 20 * MIN);
	/* step 2 fired already: nothing at its own time */
	expect_nothing(&f, p, T0 + 10 * MIN);
	assert_int_equal(tick(&f, p, T0 + 20 * MIN, &w, &k), 1);
	assert_int_equal(k, WR_EV_ESCALATED);
	assert_non_null(strstr(w, "alice"));
	free(w);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

/*
 * An ack made offline at 09:01 that reaches the relay at 09:40 (ack-timeout
 * 30m) runs until 10:10: from when the relay took it.  Counted from its
 * making it expired the moment it arrived, and the room was paged again
 * though the person's console said acknowledged.
 */
static void
test_ack_timeout_runs_from_the_acks_arrival(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_policy_next nx;
	struct wr_event e;
	struct fix f;

	(void)state;
	p->ack_timeout_ms = 30 * MIN;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ACKNOWLEDGED;
	e.incident = 1;
	e.time = T0 + 40 * MIN;		/* arrived */
	e.made_at = T0 + MIN;		/* made */
	e.actor = "alice";
	apply(&f, &e);
	assert_int_equal(inc(&f)->ack_at, T0 + MIN);	/* MTTA's */
	wr_policy_next(p, inc(&f), 0, &nx);
	assert_int_equal(nx.what, WR_DUE_ACK_EXPIRY);
	assert_int_equal(nx.at, T0 + 70 * MIN);
	expect_nothing(&f, p, T0 + 40 * MIN);
	expect_nothing(&f, p, T0 + 70 * MIN - 1);
	assert_int_equal(inc(&f)->state, WR_ST_ACKNOWLEDGED);
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_ack_timeout_returns_to_triggered(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_policy_next nx;
	struct fix f;

	(void)state;
	p->ack_timeout_ms = 30 * MIN;
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	event(&f, WR_EV_ACKNOWLEDGED, T0 + MIN, "alice");
	wr_policy_next(p, inc(&f), 0, &nx);
	assert_int_equal(nx.what, WR_DUE_ACK_EXPIRY);
	assert_int_equal(nx.at, T0 + 31 * MIN);
	expect_nothing(&f, p, T0 + 31 * MIN - 1);
	expect_words(&f, p, T0 + 31 * MIN, "acknowledgement expired after 30m "
	    "(ack-timeout of policy checkout): triggered again");
	assert_int_equal(inc(&f)->state, WR_ST_TRIGGERED);
	assert_null(inc(&f)->ack_by);
	/* and the escalation starts again */
	expect_words(&f, p, T0 + 31 * MIN,
	    "escalated to alice (on call for primary), step 1 of 3");
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_snooze_ends_in_triggered_and_escalation_again(void **state)
{
	struct wr_policy *p = checkout();
	struct wr_policy_next nx;
	struct wr_event e;
	struct fix f;
	char *w;

	(void)state;
	p->ack_timeout_ms = 5 * MIN;	/* a snooze outlasts it */
	setup_fix(&f);
	expect_words(&f, p, T0, "assigned to alice, on call for primary");
	event(&f, WR_EV_ACKNOWLEDGED, T0 + MIN, "alice");
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_SNOOZED;
	e.incident = 1;
	e.time = T0 + 2 * MIN;
	e.actor = "alice";
	e.until = T0 + 62 * MIN;
	apply(&f, &e);
	wr_policy_next(p, inc(&f), 0, &nx);
	assert_int_equal(nx.what, WR_DUE_SNOOZE_END);
	assert_int_equal(nx.at, T0 + 62 * MIN);
	expect_nothing(&f, p, T0 + 62 * MIN - 1);
	assert_int_equal(tick(&f, p, T0 + 62 * MIN, &w, NULL), 1);
	assert_string_equal(w, "snooze over: triggered again");
	free(w);
	assert_int_equal(inc(&f)->state, WR_ST_TRIGGERED);
	assert_int_equal(inc(&f)->snooze_until, 0);
	expect_words(&f, p, T0 + 62 * MIN,
	    "escalated to alice (on call for primary), step 1 of 3");
	wr_room_free(&f.room);
	wr_policy_free(p);
}

static void
test_first_match_wins_else_the_default_and_a_round_keeps_its_policy(
    void **state)
{
	struct wr_policy *v[3];
	struct wr_incident x;
	char *why = NULL;

	(void)state;
	v[0] = wr_policy_new("db");
	assert_int_equal(wr_policy_set_match(v[0], "service=db,cache", &why),
	    0);
	v[1] = wr_policy_new("fallback");
	v[2] = wr_policy_new("crit");
	assert_int_equal(wr_policy_set_match(v[2],
	    "severity=critical,error service=checkout", &why), 0);
	memset(&x, 0, sizeof x);
	x.service = "checkout";
	x.severity = WR_SEV_CRITICAL;
	assert_string_equal(wr_policy_find((const struct wr_policy *const *)v,
	    3, &x)->name, "crit");
	x.severity = WR_SEV_WARNING;
	assert_string_equal(wr_policy_find((const struct wr_policy *const *)v,
	    3, &x)->name, "fallback");
	x.service = "cache";
	assert_string_equal(wr_policy_find((const struct wr_policy *const *)v,
	    3, &x)->name, "db");
	/* begun under crit: stays with it */
	x.esc_policy = "crit";
	assert_string_equal(wr_policy_find((const struct wr_policy *const *)v,
	    3, &x)->name, "crit");
	x.esc_policy = "gone";
	assert_string_equal(wr_policy_find((const struct wr_policy *const *)v,
	    3, &x)->name, "db");
	/* no match and no default: no policy */
	x.service = "checkout";
	assert_null(wr_policy_find((const struct wr_policy *const *)v, 1, &x));
	for (int i = 0; i < 3; i++)
		wr_policy_free(v[i]);
}

static void
test_bad_lines_are_refused_with_a_reason(void **state)
{
	struct wr_policy *p = wr_policy_new("x");
	char *why = NULL;

	(void)state;
	assert_int_equal(wr_policy_add_step(p, "10m", &why), -1);
	assert_non_null(strstr(why, "not a step"));
	free(why);
	assert_int_equal(wr_policy_add_step(p, "10x alice", &why), -1);
	assert_non_null(strstr(why, "'10x' is not a duration"));
	free(why);
	assert_int_equal(wr_policy_add_step(p, "10m alice,, bob", &why), -1);
	assert_non_null(strstr(why, "empty target"));
	free(why);
	assert_int_equal(wr_policy_set_match(p, "team=a", &why), -1);
	assert_non_null(strstr(why, "'team=a' is not a term"));
	free(why);
	assert_int_equal(wr_policy_set_match(p, "severity=urgent", &why), -1);
	assert_non_null(strstr(why, "unknown severity 'urgent'"));
	free(why);
	assert_int_equal(wr_policy_check(p, &why), -1);
	assert_non_null(strstr(why, "no steps"));
	free(why);
	assert_int_equal(wr_policy_add_step(p, "10m a", &why), 0);
	assert_int_equal(wr_policy_add_step(p, "10m b", &why), 0);
	assert_int_equal(wr_policy_check(p, &why), -1);
	assert_non_null(strstr(why, "step 2 comes no later than step 1"));
	free(why);
	wr_policy_free(p);
	p = wr_policy_new("y");
	assert_int_equal(wr_policy_add_step(p, "0m a", &why), 0);
	p->repeat = 1;
	assert_int_equal(wr_policy_check(p, &why), -1);
	assert_non_null(strstr(why, "repeat needs a round"));
	free(why);
	wr_policy_free(p);
}

/* The snooze op: of an acknowledged incident, to a time ahead, a week at
 * most; its event's words say the end as the describer's clock does. */
static void
test_snooze_op_is_planned_only_for_an_acknowledged_incident(void **state)
{
	struct wr_event args, out;
	struct wr_op op;
	struct fix f;
	char err[160], *w;

	(void)state;
	setup_fix(&f);
	memset(&args, 0, sizeof args);
	args.until = T0 + 30 * MIN;
	op = (struct wr_op){ .kind = WR_OP_SNOOZE, .incident = 1,
	    .actor = "alice", .args = &args, .now = T0 + MIN };
	assert_int_equal(wr_room_plan_op(&f.room, &op, &out, err, sizeof err),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(err, "only an acknowledged incident can be "
	    "snoozed"));
	event(&f, WR_EV_ACKNOWLEDGED, T0 + MIN, "alice");
	args.until = T0 + MIN;
	assert_int_equal(wr_room_plan_op(&f.room, &op, &out, err, sizeof err),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(err, "has passed"));
	args.until = T0 + MIN + WR_SNOOZE_MAX_MS + 1;
	assert_int_equal(wr_room_plan_op(&f.room, &op, &out, err, sizeof err),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(err, "a week at most"));
	args.until = T0 + 30 * MIN;
	assert_int_equal(wr_room_plan_op(&f.room, &op, &out, err, sizeof err),
	    WR_PLAN_EVENT);
	assert_int_equal(out.kind, WR_EV_SNOOZED);
	assert_int_equal(out.until, T0 + 30 * MIN);
	w = wr_event_words(&out);
	assert_string_equal(w, "snoozed until 2025-12-02T08:30:00.000Z");
	free(w);
	w = wr_event_words_fmt(&out, hhmm, NULL);
	assert_string_equal(w, "snoozed until 08:30");
	free(w);
	apply(&f, &out);
	wr_event_free(&out);
	assert_int_equal(inc(&f)->snooze_until, T0 + 30 * MIN);
	/* the same end again changes nothing */
	assert_int_equal(wr_room_plan_op(&f.room, &op, &out, err, sizeof err),
	    WR_PLAN_NOOP);
	wr_room_free(&f.room);
}

static void
test_names_person_reads_a_list(void **state)
{
	(void)state;
	assert_true(wr_policy_names_person("alice, bob", "bob"));
	assert_true(wr_policy_names_person("alice, bob", "alice"));
	assert_false(wr_policy_names_person("alice, bob", "ali"));
	assert_false(wr_policy_names_person("alice, bobby", "bob"));
	assert_false(wr_policy_names_person("", "bob"));
	assert_false(wr_policy_names_person(NULL, "bob"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_fire_in_turn_and_the_first_assigns),
		cmocka_unit_test(test_repeat_rounds_keep_the_rhythm),
		cmocka_unit_test(test_ack_stops_unack_starts_again_from_step_one),
		cmocka_unit_test(test_resolve_stops_reopen_starts_again),
		cmocka_unit_test(test_a_persons_assignment_is_kept),
		cmocka_unit_test(test_steps_missed_while_down_fire_the_latest_once),
		cmocka_unit_test(test_silenced_does_not_escalate),
		cmocka_unit_test(test_a_gap_pages_nobody_and_says_so),
		cmocka_unit_test(test_a_step_that_pages_nobody_passes_to_the_next_at_once),
		cmocka_unit_test(test_ack_timeout_returns_to_triggered),
		cmocka_unit_test(test_ack_timeout_runs_from_the_acks_arrival),
		cmocka_unit_test(test_snooze_ends_in_triggered_and_escalation_again),
		cmocka_unit_test(test_first_match_wins_else_the_default_and_a_round_keeps_its_policy),
		cmocka_unit_test(test_bad_lines_are_refused_with_a_reason),
		cmocka_unit_test(test_snooze_op_is_planned_only_for_an_acknowledged_incident),
		cmocka_unit_test(test_names_person_reads_a_list),
		cmocka_unit_test(test_a_silence_end_starts_again_from_step_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
