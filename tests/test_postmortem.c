/*
 * test_postmortem.c: cmocka tests for core/postmortem.c and the reducer's
 * part in it: every save is a new version numbered by the relay, a save
 * made from an older version than the newest is kept and marked ("based
 * on v2; v3 by alice came first"), the editor starts from the newest with
 * the versions it never saw beside it, the template is filled from the
 * events (who acted, when they did), and action items are read from the
 * text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/postmortem.h"
#include "core/room.h"
#include "core/util.h"

#define T0 INT64_C(1795770000000)	/* 2026-11-27T09:00:00.000Z */
#define MIN INT64_C(60000)

struct fx {
	struct wr_room room;
	struct wr_evlist tl;	/* the incident's timeline, as a store has it */
};

static void
apply(struct fx *fx, struct wr_event *e)
{
	char err[256] = "";

	e->seq = fx->room.last_seq + 1;
	if (wr_room_apply(&fx->room, e, err, sizeof err) != WR_APPLY_OK)
		fail_msg("apply %s: %s", wr_event_kind_name(e->kind), err);
	wr_event_copy(wr_evlist_push(&fx->tl), e);
}

static void
person(struct fx *fx, wr_event_kind kind, const char *who, int64_t made,
    int64_t arrived, const char *text)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = 1;
	e.time = arrived;
	e.made_at = made;
	e.actor = (char *)who;
	e.via = "ops";
	e.text = (char *)text;
	apply(fx, &e);
}

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);
	struct wr_event e;

	wr_room_init(&fx->room, 1);
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_TRIGGERED;
	e.incident = 1;
	e.time = T0;
	e.actor = "alertmanager";
	e.source = "alertmanager";
	e.sender = "am";
	e.key = "{}:{alertname=\"CheckoutErrors\"}";
	e.title = "checkout 5xx rate 4.2%";
	e.service = "checkout";
	e.severity = WR_SEV_CRITICAL;
	apply(fx, &e);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	wr_evlist_free(&fx->tl);
	wr_room_free(&fx->room);
	free(fx);
	return 0;
}

/* A save as the relay makes it: the next version, from base. */
static int64_t
save(struct fx *fx, const char *who, int64_t base, const char *text,
    int64_t now)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_POSTMORTEM;
	e.incident = 1;
	e.time = e.made_at = now;
	e.actor = (char *)who;
	e.via = "ops";
	e.text = (char *)text;
	e.version = wr_room_get(&fx->room, 1)->pm_version + 1;
	e.base = base;
	apply(fx, &e);
	return e.version;
}

static void
test_every_save_is_a_new_version_numbered_by_the_relay(void **state)
{
	struct fx *fx = *state;
	const struct wr_incident *inc;
	struct wr_pm_history h;
	char why[128];

	assert_int_equal(save(fx, "alice", 0, "# v1\n", T0 + 60 * MIN), 1);
	assert_int_equal(save(fx, "bob", 1, "# v2\n", T0 + 61 * MIN), 2);
	/* the same text again is still a save: a new version */
	assert_int_equal(save(fx, "bob", 2, "# v2\n", T0 + 62 * MIN), 3);
	inc = wr_room_get(&fx->room, 1);
	assert_int_equal(inc->pm_version, 3);
	assert_string_equal(inc->pm_by, "bob");
	assert_int_equal(inc->pm_at, T0 + 62 * MIN);

	wr_pm_history_build(&h, fx->tl.v, fx->tl.n);
	assert_int_equal(h.n, 3);
	assert_string_equal(wr_pm_history_get(&h, 1)->text, "# v1\n");
	assert_string_equal(wr_pm_history_get(&h, 1)->by, "alice");
	assert_string_equal(wr_pm_history_latest(&h)->by, "bob");
	assert_null(wr_pm_history_get(&h, 4));
	assert_null(wr_pm_history_get(&h, 0));
	/* saved from the newest each time: nothing missed, one to show */
	for (size_t i = 0; i < h.n; i++) {
		wr_pm_conflict_words(&h.v[i], why, sizeof why);
		assert_string_equal(why, "");
		assert_int_equal(h.v[i].superseded, i + 1 < h.n);
	}
	wr_pm_history_free(&h);
}

static void
test_two_saves_from_one_base_both_kept_the_second_marked(void **state)
{
	struct fx *fx = *state;
	struct wr_pm_history h;
	char why[128], *ed;
	int64_t base;

	save(fx, "carol", 0, "draft\n", T0 + 60 * MIN);
	save(fx, "carol", 1, "v2 text\n", T0 + 61 * MIN);
	/* alice and bob both opened v2; alice saved first */
	assert_int_equal(save(fx, "alice", 2, "alice's v3\n", T0 + 70 * MIN),
	    3);
	assert_int_equal(save(fx, "bob", 2, "bob's v4\n", T0 + 71 * MIN), 4);

	wr_pm_history_build(&h, fx->tl.v, fx->tl.n);
	assert_int_equal(h.n, 4);
	assert_string_equal(h.v[2].text, "alice's v3\n");
	assert_string_equal(h.v[3].text, "bob's v4\n");
	wr_pm_conflict_words(&h.v[3], why, sizeof why);
	assert_string_equal(why, "based on v2; v3 by alice came first");
	wr_pm_conflict_words(&h.v[2], why, sizeof why);
	assert_string_equal(why, "");
	/* both are to be shown: bob never saw alice's */
	assert_false(h.v[2].superseded);
	assert_false(h.v[3].superseded);
	assert_true(h.v[1].superseded);

	/* the next editor starts from v4 with v3 beside it, to merge */
	ed = wr_pm_editor_text(&h, &base);
	assert_int_equal(base, 4);
	assert_true(strncmp(ed, "bob's v4\n", 9) == 0);
	assert_non_null(strstr(ed, "<<<<<<< v3 by alice"));
	assert_non_null(strstr(ed, "alice's v3\n>>>>>>> v3\n"));
	free(ed);
	wr_pm_history_free(&h);

	/* a save from v4 saw both: only it is to be shown */
	assert_int_equal(save(fx, "bob", 4, "merged\n", T0 + 80 * MIN), 5);
	wr_pm_history_build(&h, fx->tl.v, fx->tl.n);
	for (size_t i = 0; i + 1 < h.n; i++)
		assert_true(h.v[i].superseded);
	ed = wr_pm_editor_text(&h, &base);
	assert_string_equal(ed, "merged\n");
	assert_int_equal(base, 5);
	free(ed);
	wr_pm_history_free(&h);
}

static void
test_a_first_draft_saved_twice_from_the_template(void **state)
{
	struct fx *fx = *state;
	struct wr_pm_history h;
	char why[128];
	char *words;

	save(fx, "alice", 0, "a\n", T0 + 60 * MIN);
	save(fx, "bob", 0, "b\n", T0 + 61 * MIN);
	wr_pm_history_build(&h, fx->tl.v, fx->tl.n);
	wr_pm_conflict_words(&h.v[1], why, sizeof why);
	assert_string_equal(why,
	    "started from the template; v1 by alice came first");
	assert_false(h.v[0].superseded);
	wr_pm_history_free(&h);
	words = wr_event_words(&fx->tl.v[fx->tl.n - 1]);
	assert_string_equal(words, "postmortem v2 saved (from the template)");
	free(words);
	words = wr_event_words(&fx->tl.v[fx->tl.n - 2]);
	assert_string_equal(words, "postmortem v1 saved");
	free(words);
}

/* What the relay does with a save: plan the op against the room (it
 * numbers the version), then apply the event. */
static int64_t
plan_save(struct fx *fx, const char *who, int64_t base, const char *text,
    int64_t now)
{
	struct wr_event args = { .text = (char *)text, .base = base }, e;
	struct wr_op op = {
		.kind = WR_OP_POSTMORTEM, .incident = 1, .actor = who,
		.via = "ops", .args = &args, .now = now, .made_at = now
	};
	char err[256] = "";
	int64_t v;

	if (wr_room_plan_op(&fx->room, &op, &e, err, sizeof err) !=
	    WR_PLAN_EVENT)
		fail_msg("plan: %s", err);
	apply(fx, &e);
	v = e.version;
	wr_event_free(&e);
	return v;
}

static void
test_the_relay_numbers_saves_from_one_base_one_after_the_other(void **state)
{
	struct fx *fx = *state;
	struct wr_pm_history h;
	char why[128];

	assert_int_equal(plan_save(fx, "carol", 0, "v1\n", T0 + MIN), 1);
	assert_int_equal(plan_save(fx, "alice", 1, "a\n", T0 + 2 * MIN), 2);
	assert_int_equal(plan_save(fx, "bob", 1, "b\n", T0 + 3 * MIN), 3);
	wr_pm_history_build(&h, fx->tl.v, fx->tl.n);
	wr_pm_conflict_words(&h.v[2], why, sizeof why);
	assert_string_equal(why, "based on v1; v2 by alice came first");
	assert_string_equal(h.v[1].text, "a\n");
	assert_string_equal(h.v[2].text, "b\n");
	wr_pm_history_free(&h);
}

static void
test_the_relay_refuses_a_base_it_never_had_and_a_huge_text(void **state)
{
	struct fx *fx = *state;
	struct wr_event args = { .text = "x", .base = 1 };
	struct wr_op op = {
		.kind = WR_OP_POSTMORTEM, .incident = 1, .actor = "bob",
		.args = &args, .now = T0 + MIN
	};
	struct wr_event e;
	char err[256] = "", *big;

	assert_int_equal(wr_room_plan_op(&fx->room, &op, &e, err, sizeof err),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(err, "based on v1, but #1 has 0 versions"));
	args.base = 0;
	args.text = "";
	assert_int_equal(wr_room_plan_op(&fx->room, &op, &e, err, sizeof err),
	    WR_PLAN_REFUSED);
	big = xmalloc(WR_POSTMORTEM_MAX + 2);
	memset(big, 'a', WR_POSTMORTEM_MAX + 1);
	big[WR_POSTMORTEM_MAX + 1] = '\0';
	args.text = big;
	assert_int_equal(wr_room_plan_op(&fx->room, &op, &e, err, sizeof err),
	    WR_PLAN_REFUSED);
	assert_non_null(strstr(err, "at most 65536 bytes"));
	big[WR_POSTMORTEM_MAX] = '\0';	/* exactly the limit: taken */
	assert_int_equal(wr_room_plan_op(&fx->room, &op, &e, err, sizeof err),
	    WR_PLAN_EVENT);
	/* the event carries the op's text and base, and the next version */
	assert_int_equal(strlen(e.text), WR_POSTMORTEM_MAX);
	assert_int_equal(e.version, 1);
	assert_int_equal(e.base, 0);
	wr_event_free(&e);
	free(big);
}

static void
test_a_version_out_of_sequence_is_refused_by_the_reducer(void **state)
{
	struct fx *fx = *state;
	struct wr_event e;
	char err[256] = "";

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_POSTMORTEM;
	e.incident = 1;
	e.seq = fx->room.last_seq + 1;
	e.time = T0 + MIN;
	e.actor = "bob";
	e.text = "x";
	e.version = 2;	/* v1 never came */
	assert_int_equal(wr_room_apply(&fx->room, &e, err, sizeof err),
	    WR_APPLY_REFUSED);
	assert_non_null(strstr(err, "postmortem v2"));
	e.version = 1;
	e.base = 1;	/* based on itself */
	assert_int_equal(wr_room_apply(&fx->room, &e, err, sizeof err),
	    WR_APPLY_REFUSED);
	assert_int_equal(wr_room_get(&fx->room, 1)->pm_version, 0);
}

/*
 * What the template takes from the wire is made inert Markdown: a summary
 * cannot put a heading, a link or HTML into the document (and so into
 * every export, which prints the postmortem as the team's Markdown), nor a
 * control byte into the file the editor opens.
 */
/* The marker lines wr_pm_editor_text() writes, left in a save, are found
 * (the save is refused: it merged nothing); lines like them are not. */
static void
test_a_merge_block_left_in_is_found(void **state)
{
	(void)state;
	assert_int_equal(wr_pm_merge_block("bob's\n<<<<<<< v2 by alice, saved "
	    "beside v3: merge\nalice's\n>>>>>>> v2\n"), 2);
	assert_int_equal(wr_pm_merge_block("<<<<<<< v12 by a\nx\n>>>>>>> v12"),
	    12);
	assert_int_equal(wr_pm_merge_block("merged\n"), 0);
	assert_int_equal(wr_pm_merge_block("<<<<<<< v2 by alice\nno end\n"), 0);
	assert_int_equal(wr_pm_merge_block("x <<<<<<< v2\n>>>>>>> v2\n"), 0);
	assert_int_equal(wr_pm_merge_block("<<<<<<< v2 a\n>>>>>>> v21\n"), 0);
	assert_int_equal(wr_pm_merge_block(""), 0);
}

static void
test_the_template_takes_hostile_text_inert(void **state)
{
	struct fx *fx = *state;
	struct wr_event e;
	char *doc;

	(void)state;
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_TRIGGERED;
	e.incident = 2;
	e.seq = fx->room.last_seq + 1;
	e.time = T0;
	e.actor = "alertmanager";
	e.source = "alertmanager";
	e.sender = "am";
	e.key = "k2";
	e.title = "# pwned [click](http://evil) <img src=x> \x1b[31mRED\n## second";
	e.service = "svc\xe2\x80\xae" "evil";
	e.severity = WR_SEV_CRITICAL;
	apply(fx, &e);
	doc = wr_pm_template_fill("T {title}\nS {service}\n{timeline}\n",
	    wr_room_get(&fx->room, 2), NULL, 0);
	assert_null(strchr(doc, '\x1b'));
	assert_null(strstr(doc, "\xe2\x80\xae"));
	assert_null(strstr(doc, "\n#"));
	assert_null(strstr(doc, "](http"));
	assert_null(strstr(doc, " <img"));
	assert_non_null(strstr(doc, " \\<img"));
	assert_non_null(strstr(doc, "T \\# pwned \\[click\\]"));
	free(doc);
}

/* Alertmanager resolving its group is a resolve with the source as its
 * actor and no made_at: not a responder (the demo's export listed
 * "maya, sam, alertmanager"). */
static void
test_a_source_is_no_responder(void **state)
{
	struct wr_event ev[3];
	const char **who;
	size_t n;

	(void)state;
	memset(ev, 0, sizeof ev);
	ev[0].kind = WR_EV_ACKNOWLEDGED;
	ev[0].actor = "maya";
	ev[0].made_at = T0 + MIN;
	ev[1].kind = WR_EV_NOTE;
	ev[1].actor = "sam";
	ev[1].made_at = T0 + 2 * MIN;
	ev[2].kind = WR_EV_RESOLVED;
	ev[2].actor = "alertmanager";	/* planned from the source */
	n = wr_pm_responders(ev, 3, &who);
	assert_int_equal(n, 2);
	assert_string_equal(who[0], "maya");
	assert_string_equal(who[1], "sam");
	free(who);
}

static void
test_the_template_is_filled_from_the_events(void **state)
{
	struct fx *fx = *state;
	const struct wr_incident *inc;
	char *doc;

	/* alice acked offline at 09:02 (it arrived 09:05); bob noted, and
	 * resolved at 10:12 */
	person(fx, WR_EV_ACKNOWLEDGED, "alice", T0 + 2 * MIN, T0 + 5 * MIN,
	    NULL);
	person(fx, WR_EV_NOTE, "bob", T0 + 20 * MIN, T0 + 20 * MIN,
	    "rolled back 4f2a");
	person(fx, WR_EV_RESOLVED, "bob", T0 + 72 * MIN, T0 + 72 * MIN, NULL);
	save(fx, "carol", 0, "x\n", T0 + 90 * MIN);	/* not in it */
	inc = wr_room_get(&fx->room, 1);

	doc = wr_pm_template_fill("#{id} {title} ({service}, {severity})\n"
	    "started {started}; acked {acknowledged} by {acked_by} after "
	    "{time_to_ack}; resolved {resolved} by {resolved_by} after "
	    "{time_to_resolve}; lasted {duration}\nresponders: {responders}\n"
	    "assignee: {assignee}\n{nosuch}end\n{timeline}\n", inc, fx->tl.v,
	    fx->tl.n);
	assert_string_equal(doc,
	    "#1 checkout 5xx rate 4.2% (checkout, critical)\n"
	    "started 2026-11-27T09:00:00Z; acked 2026-11-27T09:02:00Z by "
	    "alice after 2m; resolved 2026-11-27T10:12:00Z by bob after "
	    "1h 12m; lasted 1h 12m\n"
	    "responders: alice, bob\n"
	    "assignee: -\n"
	    "end\n"
	    "- 2026-11-27T09:00:00Z alertmanager: triggered: checkout 5xx "
	    "rate 4.2% \\(checkout, critical\\)\n"
	    "- 2026-11-27T09:02:00Z alice: acknowledged\n"
	    "- 2026-11-27T09:20:00Z bob: note: rolled back 4f2a\n"
	    "- 2026-11-27T10:12:00Z bob: resolved\n");
	free(doc);

	/* the default template has every section the issue names */
	doc = wr_pm_template_fill(wr_pm_default_template, inc, fx->tl.v,
	    fx->tl.n);
	assert_true(strncmp(doc, "# Postmortem: #1 checkout 5xx rate 4.2%\n",
	    40) == 0);
	assert_non_null(strstr(doc, "## Summary\n"));
	assert_non_null(strstr(doc, "## Impact\n"));
	assert_non_null(strstr(doc, "## Timeline (UTC)\n\n- 2026-11-27T09:00"));
	assert_non_null(strstr(doc, "- 2026-11-27T09:02:00Z alice: "
	    "acknowledged\n"));
	assert_non_null(strstr(doc, "## Root cause\n"));
	assert_non_null(strstr(doc, "## What went well\n"));
	assert_non_null(strstr(doc, "## What went badly\n"));
	assert_non_null(strstr(doc, "## Action items\n"));
	assert_non_null(strstr(doc, "- Responders: alice, bob\n"));
	/* the hint is not an item itself */
	{
		struct wr_pm_action *a;

		assert_int_equal(wr_pm_actions_parse(doc, &a), 0);
	}
	free(doc);
}

static void
test_a_run_of_machine_events_is_one_timeline_item(void **state)
{
	struct fx *fx = *state;
	struct wr_alert a;
	char fp[32], *doc;

	for (int i = 0; i < 300; i++) {
		struct wr_event e;

		memset(&a, 0, sizeof a);
		snprintf(fp, sizeof fp, "fp%03d", i);
		a.fingerprint = fp;
		a.starts = T0;
		a.firing = 1;
		memset(&e, 0, sizeof e);
		e.kind = WR_EV_ALERT_FIRING;
		e.incident = 1;
		e.time = T0 + i;
		e.actor = "alertmanager";
		e.alert = a;
		apply(fx, &e);
	}
	doc = wr_pm_template_fill("{timeline}", wr_room_get(&fx->room, 1),
	    fx->tl.v, fx->tl.n);
	assert_non_null(strstr(doc, "\n- 2026-11-27T09:00:00Z alert firing "
	    "x300 (by alertmanager)"));
	assert_null(strchr(strchr(doc, '\n') + 1, '\n'));
	free(doc);
}

/* Two pages in a row are two items, each naming whom it reached: a
 * postmortem says who was paged, not "notified x2". */
static void
test_each_page_is_an_item_naming_whom(void **state)
{
	struct fx *fx = *state;
	const char *who[] = { "alice", "bob" };
	char *doc;

	for (int i = 0; i < 2; i++) {
		struct wr_event e;

		memset(&e, 0, sizeof e);
		e.kind = WR_EV_NOTIFIED;
		e.incident = 1;
		e.time = T0 + 1000 * (i + 1);
		e.actor = "warroomd";
		e.person = (char *)who[i];
		e.notifier = "pager";
		e.text = xasprintf("%s via pager: delivered", who[i]);
		e.count = 1;
		apply(fx, &e);
		free(e.text);
	}
	doc = wr_pm_template_fill("{timeline}", wr_room_get(&fx->room, 1),
	    fx->tl.v, fx->tl.n);
	if (strstr(doc, "alice via pager: delivered") == NULL ||
	    strstr(doc, "bob via pager: delivered") == NULL ||
	    strstr(doc, " x2") != NULL)
		fail_msg("the timeline does not name each page: %s", doc);
	free(doc);
}

static void
test_action_items_open_and_done_with_owners(void **state)
{
	struct wr_pm_action *a;
	size_t n;

	(void)state;
	n = wr_pm_actions_parse(
	    "# Action items\n"
	    "- [ ] alice: add a canary for checkout deploys\n"
	    "  * [x] bob:   page on 5xx ratio, not count  \r\n"
	    "- [X] carol: done too\n"
	    "- [ ] : no owner\n"
	    "- [ ] see the docs: two words are not an owner\n"
	    "- [ ] dave:\n"
	    "- [?] erin: not a box\n"
	    "-[ ] frank: no space\n"
	    "- [ ] gina: last line, no newline", &a);
	assert_int_equal(n, 4);
	assert_false(a[0].done);
	assert_string_equal(a[0].owner, "alice");
	assert_string_equal(a[0].text, "add a canary for checkout deploys");
	assert_int_equal(a[0].line, 2);
	assert_true(a[1].done);
	assert_string_equal(a[1].owner, "bob");
	assert_string_equal(a[1].text, "page on 5xx ratio, not count");
	assert_true(a[2].done);
	assert_string_equal(a[2].owner, "carol");
	assert_string_equal(a[3].owner, "gina");
	assert_int_equal(a[3].line, 10);
	wr_pm_actions_free(a, n);
	assert_int_equal(wr_pm_actions_parse("", &a), 0);
	assert_null(a);
}

static void
test_durations_in_two_units(void **state)
{
	char b[32];

	(void)state;
	wr_pm_duration(0, b, sizeof b);
	assert_string_equal(b, "0s");
	wr_pm_duration(5 * 1000, b, sizeof b);
	assert_string_equal(b, "5s");
	wr_pm_duration(3 * MIN + 5000, b, sizeof b);
	assert_string_equal(b, "3m 5s");
	wr_pm_duration(72 * MIN, b, sizeof b);
	assert_string_equal(b, "1h 12m");
	wr_pm_duration(60 * MIN, b, sizeof b);
	assert_string_equal(b, "1h");
	wr_pm_duration((52 * 60 + 1) * MIN, b, sizeof b);
	assert_string_equal(b, "2d 4h");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_every_save_is_a_new_version_numbered_by_the_relay,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_two_saves_from_one_base_both_kept_the_second_marked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_first_draft_saved_twice_from_the_template,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_the_relay_numbers_saves_from_one_base_one_after_the_other,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_the_relay_refuses_a_base_it_never_had_and_a_huge_text,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_version_out_of_sequence_is_refused_by_the_reducer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_the_template_is_filled_from_the_events,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_the_template_takes_hostile_text_inert,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_run_of_machine_events_is_one_timeline_item,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_each_page_is_an_item_naming_whom,
		    setup, teardown),
		cmocka_unit_test(test_action_items_open_and_done_with_owners),
		cmocka_unit_test(test_a_merge_block_left_in_is_found),
		cmocka_unit_test(test_a_source_is_no_responder),
		cmocka_unit_test(test_durations_in_two_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
