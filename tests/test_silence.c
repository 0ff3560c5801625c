/*
 * test_silence.c: cmocka tests for core/silence.c: the matchers a person
 * types (validated, bounded, one text form), the matchers an incident's
 * silence gets (its alerts' common labels, narrowed), and the reducer's
 * record of an incident's active silences, which escalation asks through
 * wr_incident_silenced().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/room.h"
#include "core/silence.h"
#include "core/util.h"

#define T0 INT64_C(1795795028771)	/* 2026-11-27T15:57:08.771Z */

static void
test_matchers_parse_bare_quoted_and_braced(void **state)
{
	struct wr_kvlist m = { 0 };
	char err[256], *s;

	(void)state;
	assert_int_equal(wr_matchers_parse("pop=ams", &m, err, sizeof err), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].key, "pop");
	assert_string_equal(m.v[0].value, "ams");
	wr_kvlist_free(&m);

	assert_int_equal(wr_matchers_parse("{alertname=\"Edge Node\", "
	    "job=\"a\\\"b\\\\c\"  env=prod}", &m, err, sizeof err), 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.v[0].value, "Edge Node");
	assert_string_equal(m.v[1].value, "a\"b\\c");
	assert_string_equal(m.v[2].key, "env");
	/* the one text form, and it reads back the same */
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"Edge Node\", job=\"a\\\"b\\\\c\", "
	    "env=\"prod\"");
	wr_kvlist_free(&m);
	assert_int_equal(wr_matchers_parse(s, &m, err, sizeof err), 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.v[1].value, "a\"b\\c");
	free(s);
	wr_kvlist_free(&m);

	assert_int_equal(wr_matchers_parse("", &m, err, sizeof err), 0);
	assert_int_equal(m.n, 0);
}

/* What a person types is hostile: each refusal says why. */
static void
test_matchers_parse_refuses_what_alertmanager_would_not_take(void **state)
{
	static const struct { const char *in, *why; } bad[] = {
		{ "pop=~am.*", "only =" },
		{ "pop!=ams", "only =" },
		{ "pop", "only =" },
		{ "1pop=ams", "label name" },
		{ "p-op=ams", "label name" },
		{ "=ams", "label name" },
		{ "pop=\"ams", "not closed" },
		{ "pop=\"a\\tb\"", "not an escape" },
		{ "pop=am\"s", "quote inside" },
		{ "pop=\"ams\"x", "after the closing quote" },
		{ "pop=a\x1b[2Jb", "control" },
		{ "pop=\xff\xfe", "UTF-8" },
		{ "pop=ams pop=fra", "twice" },
		{ "{pop=ams", "brace" },
		{ "{pop=ams} x=y", "after the closing brace" },
	};
	char err[256], big[WR_MATCHER_VALUE_MAX + 16], many[1024];
	struct wr_kvlist m = { 0 };
	size_t at = 0;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(wr_matchers_parse(bad[i].in, &m, err,
		    sizeof err), -1);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: '%s' lacks '%s'", bad[i].in, err,
			    bad[i].why);
		wr_kvlist_free(&m);
	}
	memcpy(big, "pop=", 4);
	memset(big + 4, 'a', WR_MATCHER_VALUE_MAX + 1);
	big[4 + WR_MATCHER_VALUE_MAX + 1] = '\0';
	assert_int_equal(wr_matchers_parse(big, &m, err, sizeof err), -1);
	wr_kvlist_free(&m);
	for (int i = 0; i <= WR_MATCHERS_MAX; i++)
		at += (size_t)snprintf(many + at, sizeof many - at, "l%d=v ",
		    i);
	assert_int_equal(wr_matchers_parse(many, &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "too many"));
	wr_kvlist_free(&m);
}

static void
alert(struct wr_alert *a, int firing, const char *pop, const char *inst)
{
	memset(a, 0, sizeof *a);
	a->firing = firing;
	wr_kvlist_add(&a->labels, "service", "edge");
	wr_kvlist_add(&a->labels, "alertname", "EdgeNodeDown");
	wr_kvlist_add(&a->labels, "pop", pop);
	wr_kvlist_add(&a->labels, "instance", inst);
}

/*
 * An Alertmanager group's silence names the group's labels, from its
 * groupKey, not every label its alerts share: with one alert firing
 * (group_by: [alertname]) the shared labels were that alert's, instance
 * and all, and the group's next alert paged again under a silence the
 * console showed as made.
 */
static void
test_silence_matchers_are_the_groups_labels(void **state)
{
	struct wr_alert a[2];
	struct wr_kvlist m = { 0 }, g = { 0 }, narrow = { 0 };
	char err[256], *s;

	(void)state;
	alert(&a[0], 1, "ams", "n1");
	assert_int_equal(wr_silence_matchers("{}:{alertname=\"EdgeNodeDown\"}",
	    a, 1, NULL, &m, err, sizeof err), 0);
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"EdgeNodeDown\"");
	free(s);
	wr_kvlist_free(&m);
	/* a nested route's key, two group labels; narrowed by the person */
	wr_kvlist_add(&narrow, "pop", "ams");
	assert_int_equal(wr_silence_matchers("{}/{severity=~\"crit|x}:{\"}:"
	    "{alertname=\"EdgeNodeDown\", service=\"edge\"}", a, 1, &narrow,
	    &m, err, sizeof err), 0);
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"EdgeNodeDown\", service=\"edge\", "
	    "pop=\"ams\"");
	free(s);
	wr_kvlist_free(&m);
	wr_kvlist_free(&narrow);
	/* group_by: [] has no group labels: the shared ones, as before */
	alert(&a[1], 1, "fra", "n2");
	assert_int_equal(wr_silence_matchers("{}:{}", a, 2, NULL, &m, err,
	    sizeof err), 0);
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"EdgeNodeDown\", service=\"edge\"");
	free(s);
	wr_kvlist_free(&m);
	/* a group label the alerts do not carry is not trusted */
	assert_int_equal(wr_silence_matchers("{}:{alertname=\"Other\"}", a, 2,
	    NULL, &m, err, sizeof err), 0);
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"EdgeNodeDown\", service=\"edge\"");
	free(s);
	wr_kvlist_free(&m);
	/* keys that are not groupKeys */
	assert_int_equal(wr_am_group_labels("payments-db-lag", &g), -1);
	assert_int_equal(wr_am_group_labels("{}:", &g), -1);
	assert_int_equal(wr_am_group_labels("{\"}:{a=\"b\"}", &g), -1);
	assert_int_equal(wr_am_group_labels("{}:{a=\"b\"", &g), -1);
	assert_int_equal(g.n, 0);
	assert_int_equal(wr_am_group_labels("{}:{a=\"q\\\"}:{\"}", &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(wr_kvlist_get(&g, "a"), "q\"}:{");
	wr_kvlist_free(&g);
	for (int i = 0; i < 2; i++)
		wr_alert_free(&a[i]);
}

/* Without group labels the silence is the labels its firing alerts share,
 * alertname first, narrowed by the person's; what the preview counts. */
static void
test_silence_matchers_are_the_common_labels_narrowed(void **state)
{
	struct wr_alert a[4];
	struct wr_kvlist narrow = { 0 }, m = { 0 };
	char err[256], *s;

	(void)state;
	alert(&a[0], 1, "ams", "n1");
	alert(&a[1], 1, "ams", "n2");
	alert(&a[2], 1, "fra", "n3");
	alert(&a[3], 0, "ams", "n4");	/* resolved: not counted */
	assert_int_equal(wr_silence_matchers(NULL, a, 4, NULL, &m, err, sizeof err),
	    0);
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"EdgeNodeDown\", service=\"edge\"");
	free(s);
	assert_int_equal(wr_silence_count(a, 4, &m), 3);
	wr_kvlist_free(&m);

	wr_kvlist_add(&narrow, "pop", "ams");
	assert_int_equal(wr_silence_matchers(NULL, a, 4, &narrow, &m, err,
	    sizeof err), 0);
	s = wr_matchers_format(&m);
	assert_string_equal(s, "alertname=\"EdgeNodeDown\", service=\"edge\", "
	    "pop=\"ams\"");
	free(s);
	assert_int_equal(wr_silence_count(a, 4, &m), 2);
	wr_kvlist_free(&m);
	wr_kvlist_free(&narrow);

	/* narrowing to another group is not narrowing */
	wr_kvlist_add(&narrow, "alertname", "Other");
	assert_int_equal(wr_silence_matchers(NULL, a, 4, &narrow, &m, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "would not silence it"));
	wr_kvlist_free(&narrow);

	/* a label no alert has with that value silences none of them */
	wr_kvlist_add(&narrow, "pop", "sin");
	assert_int_equal(wr_silence_matchers(NULL, a, 4, &narrow, &m, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "would silence none of them"));
	wr_kvlist_free(&narrow);

	/* nothing to silence by */
	assert_int_equal(wr_silence_matchers(NULL, a, 0, NULL, &m, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "no alerts"));
	for (int i = 0; i < 4; i++)
		wr_alert_free(&a[i]);
}

static void
room_with_incident(struct wr_room *r)
{
	struct wr_event e = { 0 };

	wr_room_init(r, 1);
	e.seq = 1;
	e.kind = WR_EV_TRIGGERED;
	e.incident = 1;
	e.time = T0;
	e.actor = "alertmanager";
	e.source = "alertmanager";
	e.sender = "am";
	e.key = "{}:{alertname=\"EdgeNodeDown\"}";
	e.title = "EdgeNodeDown";
	e.service = "edge";
	assert_int_equal(wr_room_apply(r, &e, NULL, 0), WR_APPLY_OK);
}

static enum wr_apply_result
apply(struct wr_room *r, int64_t seq, wr_event_kind k, const char *id,
    int64_t ends, const char *matchers)
{
	struct wr_event e = { 0 };
	char err[256];

	e.seq = seq;
	e.kind = k;
	e.incident = 1;
	e.time = T0 + seq * 1000;
	e.actor = k == WR_EV_SILENCED || k == WR_EV_UNSILENCED ? "alice" :
	    "alertmanager";
	e.silence_id = (char *)id;
	e.ends = ends;
	e.matchers = (char *)matchers;
	return wr_room_apply(r, &e, err, sizeof err);
}

/* The reducer keeps the active silences; escalation asks whether one
 * covers the incident now, and the end counts even before Alertmanager
 * says it expired. */
static void
test_reducer_keeps_active_silences_and_the_predicate_follows(void **state)
{
	struct wr_room r;
	struct wr_incident *inc;
	const struct wr_silence *s;
	char err[256];

	(void)state;
	room_with_incident(&r);
	inc = wr_room_get(&r, 1);
	assert_false(wr_incident_silenced(inc, T0));
	assert_int_equal(apply(&r, 2, WR_EV_SILENCED, "aaaa-1111", T0 + 7200000,
	    "alertname=\"EdgeNodeDown\""), WR_APPLY_OK);
	assert_int_equal(inc->n_silences, 1);
	assert_string_equal(inc->silences[0].by, "alice");
	assert_true(wr_incident_silenced(inc, T0 + 60000));
	assert_false(wr_incident_silenced(inc, T0 + 7200000));
	/* made twice, or one it does not hold: refused */
	assert_int_equal(apply(&r, 3, WR_EV_SILENCED, "aaaa-1111", T0 + 1,
	    "a=\"b\""), WR_APPLY_REFUSED);
	assert_int_equal(apply(&r, 3, WR_EV_SILENCE_EXPIRED, "nope", T0, NULL),
	    WR_APPLY_REFUSED);
	/* edited there: a new end */
	assert_int_equal(apply(&r, 3, WR_EV_SILENCE_CHANGED, "aaaa-1111",
	    T0 + 60000, NULL), WR_APPLY_OK);
	assert_false(wr_incident_silenced(inc, T0 + 120000));
	assert_int_equal(apply(&r, 4, WR_EV_SILENCED, "bbbb-2222", T0 + 3600000,
	    "pop=\"ams\""), WR_APPLY_OK);
	/* which one :unsilence means */
	assert_null(wr_incident_silence(inc, NULL, err, sizeof err));
	assert_non_null(strstr(err, "2 silences"));
	s = wr_incident_silence(inc, "bbbb", err, sizeof err);
	assert_non_null(s);
	assert_string_equal(s->id, "bbbb-2222");
	assert_null(wr_incident_silence(inc, "bb", err, sizeof err));
	assert_int_equal(apply(&r, 5, WR_EV_UNSILENCED, "aaaa-1111", 0, NULL),
	    WR_APPLY_OK);
	assert_int_equal(inc->n_silences, 1);
	assert_string_equal(wr_incident_silence(inc, NULL, err,
	    sizeof err)->id, "bbbb-2222");
	assert_int_equal(apply(&r, 6, WR_EV_SILENCE_EXPIRED, "bbbb-2222",
	    T0 + 5000, NULL), WR_APPLY_OK);
	assert_int_equal(inc->n_silences, 0);
	assert_false(wr_incident_silenced(inc, T0));
	wr_room_free(&r);
}

/* At most WR_SILENCES_MAX at once: a log cannot grow an incident without
 * bound. */
static void
test_an_incident_holds_a_bounded_number_of_silences(void **state)
{
	struct wr_room r;
	char id[32];
	int64_t seq = 2;

	(void)state;
	room_with_incident(&r);
	for (int i = 0; i < WR_SILENCES_MAX; i++) {
		snprintf(id, sizeof id, "s-%d", i);
		assert_int_equal(apply(&r, seq++, WR_EV_SILENCED, id, T0 + 1,
		    "a=\"b\""), WR_APPLY_OK);
	}
	assert_int_equal(apply(&r, seq, WR_EV_SILENCED, "one-more", T0 + 1,
	    "a=\"b\""), WR_APPLY_REFUSED);
	wr_room_free(&r);
}

/* The words a timeline shows, times through the describer's clock. */
static void
test_silence_events_in_words(void **state)
{
	struct wr_event e = { 0 };
	char *w;

	(void)state;
	e.kind = WR_EV_SILENCED;
	e.silence_id = (char *)"5f1c";
	e.matchers = (char *)"alertname=\"EdgeNodeDown\", service=\"edge\"";
	e.duration = 7200000;
	e.ends = T0;
	e.text = (char *)"rolling restart";
	w = wr_event_words(&e);
	assert_string_equal(w, "silenced for 2h, until 2026-11-27T15:57:08.771Z:"
	    " alertname=\"EdgeNodeDown\", service=\"edge\" (silence 5f1c) "
	    "rolling restart");
	free(w);
	e.kind = WR_EV_SILENCE_EXPIRED;
	w = wr_event_words(&e);
	assert_string_equal(w, "silence 5f1c expired at "
	    "2026-11-27T15:57:08.771Z");
	free(w);
}

/* What a refresh from Alertmanager makes: expired there (its end, never
 * after now), gone (now), moved (a new end); nothing for no change or for
 * a silence the incident no longer holds. */
static void
test_refresh_plans_expired_changed_or_nothing(void **state)
{
	struct wr_room r;
	struct wr_incident *inc;
	struct wr_evlist out = { 0 };
	struct wr_silence_seen seen = { .id = "aaaa-1111", .via = "am" };
	int64_t now = T0 + 600000;

	(void)state;
	room_with_incident(&r);
	inc = wr_room_get(&r, 1);
	assert_int_equal(apply(&r, 2, WR_EV_SILENCED, "aaaa-1111", T0 + 7200000,
	    "alertname=\"EdgeNodeDown\""), WR_APPLY_OK);
	/* the same: nothing (a few ms of rounding is the same) */
	seen.ends = T0 + 7200000 - 771;
	seen.matchers = "alertname=\"EdgeNodeDown\"";
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 0);
	/* edited there to end earlier */
	seen.ends = T0 + 3600000;
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 1);
	assert_int_equal(out.v[0].kind, WR_EV_SILENCE_CHANGED);
	assert_int_equal(out.v[0].ends, T0 + 3600000);
	assert_string_equal(out.v[0].actor, "alertmanager");
	assert_string_equal(out.v[0].via, "am");
	wr_evlist_clear(&out);
	/* expired there at 14:02: that end */
	seen.expired = 1;
	seen.ends = T0 + 300000;
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 1);
	assert_int_equal(out.v[0].kind, WR_EV_SILENCE_EXPIRED);
	assert_int_equal(out.v[0].ends, T0 + 300000);
	wr_evlist_clear(&out);
	/* gone: now */
	seen.expired = 0;
	seen.gone = 1;
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 1);
	assert_int_equal(out.v[0].ends, now);
	out.v[0].seq = 3;
	assert_int_equal(wr_room_apply(&r, &out.v[0], NULL, 0), WR_APPLY_OK);
	wr_evlist_clear(&out);
	/* no longer held: nothing */
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 0);
	wr_evlist_free(&out);
	wr_room_free(&r);
}

/* Replaced at Alertmanager (an edit of its start or matchers makes a new
 * silence): the refresh plans silence_changed naming the new id, with the
 * new end and matchers, and the reducer then holds the new id; the words
 * say so.  Not when the incident holds the new one already (then the old
 * one simply expired). */
static void
test_refresh_follows_a_silence_replaced_there(void **state)
{
	struct wr_room r;
	struct wr_incident *inc;
	struct wr_evlist out = { 0 };
	struct wr_silence_seen seen = { .id = "aaaa-1111", .via = "am",
		.expired = 1, .replaced_by = "cccc-3333",
		.matchers = "alertname=\"EdgeNodeDown\", pop=\"ams\"" };
	int64_t now = T0 + 600000;
	char *w;

	(void)state;
	room_with_incident(&r);
	inc = wr_room_get(&r, 1);
	assert_int_equal(apply(&r, 2, WR_EV_SILENCED, "aaaa-1111", T0 + 7200000,
	    "alertname=\"EdgeNodeDown\""), WR_APPLY_OK);
	seen.ends = T0 + 9000000;
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 1);
	assert_int_equal(out.v[0].kind, WR_EV_SILENCE_CHANGED);
	assert_string_equal(out.v[0].silence_id, "aaaa-1111");
	assert_string_equal(out.v[0].new_silence_id, "cccc-3333");
	assert_int_equal(out.v[0].ends, T0 + 9000000);
	w = wr_event_words(&out.v[0]);
	assert_string_equal(w, "silence aaaa-1111 changed at Alertmanager, now "
	    "silence cccc-3333: until 2026-11-27T18:27:08.771Z, "
	    "alertname=\"EdgeNodeDown\", pop=\"ams\"");
	free(w);
	out.v[0].seq = 3;
	assert_int_equal(wr_room_apply(&r, &out.v[0], NULL, 0), WR_APPLY_OK);
	wr_evlist_clear(&out);
	assert_int_equal(inc->n_silences, 1);
	assert_string_equal(inc->silences[0].id, "cccc-3333");
	assert_int_equal(inc->silences[0].ends, T0 + 9000000);
	assert_string_equal(inc->silences[0].matchers,
	    "alertname=\"EdgeNodeDown\", pop=\"ams\"");
	assert_true(wr_incident_silenced(inc, T0 + 8000000));
	/* a replacement the incident holds already: the old one expired */
	assert_int_equal(apply(&r, 4, WR_EV_SILENCED, "dddd-4444", T0 + 7200000,
	    "a=\"b\""), WR_APPLY_OK);
	seen.id = "dddd-4444";
	assert_int_equal(wr_silence_plan_seen(inc, &seen, now, &out), 1);
	assert_int_equal(out.v[0].kind, WR_EV_SILENCE_EXPIRED);
	assert_null(out.v[0].new_silence_id);
	wr_evlist_clear(&out);
	/* the reducer refuses a rename onto an id the incident holds */
	{
		struct wr_event e = { 0 };
		char err[256];

		e.seq = 5;
		e.kind = WR_EV_SILENCE_CHANGED;
		e.incident = 1;
		e.time = T0 + 5000;
		e.actor = "alertmanager";
		e.silence_id = "dddd-4444";
		e.new_silence_id = "cccc-3333";
		e.ends = T0 + 1;
		assert_int_equal(wr_room_apply(&r, &e, err, sizeof err),
		    WR_APPLY_REFUSED);
	}
	wr_evlist_free(&out);
	wr_room_free(&r);
}

/* The relay plans a silence op from Alertmanager's answer; without one
 * (a console sending the op straight to the commit) it is refused. */
static void
test_silence_op_needs_alertmanagers_answer(void **state)
{
	struct wr_room r;
	struct wr_op op = { 0 };
	struct wr_event e, args = { 0 };
	char err[256];

	(void)state;
	room_with_incident(&r);
	op.kind = WR_OP_SILENCE;
	op.incident = 1;
	op.actor = "alice";
	op.now = T0 + 1000;
	assert_int_equal(wr_room_plan_op(&r, &op, &e, err, sizeof err),
	    WR_PLAN_REFUSED);
	args.duration = 7200000;
	args.matchers = (char *)"pop=\"ams\"";	/* the person's */
	op.args = &args;
	op.am_silence_id = "aaaa-1111";
	op.am_ends = T0 + 7201000;
	op.am_matchers = "alertname=\"EdgeNodeDown\", pop=\"ams\"";
	assert_int_equal(wr_room_plan_op(&r, &op, &e, err, sizeof err),
	    WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_SILENCED);
	assert_string_equal(e.silence_id, "aaaa-1111");
	assert_int_equal(e.duration, 7200000);
	assert_string_equal(e.matchers, "alertname=\"EdgeNodeDown\", "
	    "pop=\"ams\"");
	e.seq = 2;
	assert_int_equal(wr_room_apply(&r, &e, NULL, 0), WR_APPLY_OK);
	wr_event_free(&e);
	/* the same silence again: nothing */
	assert_int_equal(wr_room_plan_op(&r, &op, &e, err, sizeof err),
	    WR_PLAN_NOOP);
	op.kind = WR_OP_UNSILENCE;
	assert_int_equal(wr_room_plan_op(&r, &op, &e, err, sizeof err),
	    WR_PLAN_EVENT);
	assert_int_equal(e.kind, WR_EV_UNSILENCED);
	e.seq = 3;
	assert_int_equal(wr_room_apply(&r, &e, NULL, 0), WR_APPLY_OK);
	wr_event_free(&e);
	assert_int_equal(wr_room_plan_op(&r, &op, &e, err, sizeof err),
	    WR_PLAN_NOOP);
	wr_room_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matchers_parse_bare_quoted_and_braced),
		cmocka_unit_test(test_matchers_parse_refuses_what_alertmanager_would_not_take),
		cmocka_unit_test(test_silence_matchers_are_the_common_labels_narrowed),
		cmocka_unit_test(test_silence_matchers_are_the_groups_labels),
		cmocka_unit_test(test_reducer_keeps_active_silences_and_the_predicate_follows),
		cmocka_unit_test(test_an_incident_holds_a_bounded_number_of_silences),
		cmocka_unit_test(test_silence_events_in_words),
		cmocka_unit_test(test_refresh_plans_expired_changed_or_nothing),
		cmocka_unit_test(test_refresh_follows_a_silence_replaced_there),
		cmocka_unit_test(test_silence_op_needs_alertmanagers_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
