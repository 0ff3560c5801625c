/*
 * test_tui_detail.c: the detail pane reads in an outage.
 *
 * A 300-alert group (one "alert firing" each, then a teammate's note) on
 * an 80x24 terminal: the note is on the pane's first screen (header, then
 * the timeline, a machine's storm one line, then the alerts), marked as a
 * person's and drawn unlike the machine's lines; the alerts start with
 * what differs across them, the firing ones before the resolved.  An
 * Events v2 alert without a start shows when it arrived.  An incident
 * with a postmortem says so, who saved it last, and what a save made
 * beside another missed.
 */
#include "tests/test_tui.h"
#include "core/policy.h"
#include "core/schedule.h"
#include "core/zone.h"

static const char *const pops[] = { "ams", "fra", "sin" };

/* An "alert firing" for alert i of a NodeDown storm. */
static void
storm_alert(struct harness *h, int64_t id, int i, int64_t time)
{
	struct wr_event e;
	char inst[64], fp[32];

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ALERT_FIRING;
	e.incident = id;
	e.actor = (char *)"alertmanager";
	e.time = time;
	snprintf(fp, sizeof fp, "%016x", (unsigned)(0xa1e70000u + i));
	snprintf(inst, sizeof inst, "edge-%03d.%s:9100", i, pops[i % 3]);
	e.alert.fingerprint = fp;
	e.alert.starts = time - 30000;
	e.alert.firing = 1;
	e.alert.last_seen = time;
	e.alert.severity = WR_SEV_CRITICAL;
	wr_kvlist_add(&e.alert.labels, "alertname", "NodeDown");
	wr_kvlist_add(&e.alert.labels, "instance", inst);
	wr_kvlist_add(&e.alert.labels, "pop", pops[i % 3]);
	wr_kvlist_add(&e.alert.labels, "severity", "critical");
	h_apply(h, &e);
	wr_kvlist_free(&e.alert.labels);
}

/* A note as a teammate's op puts it in the timeline. */
static void
teammate_note(struct harness *h, int64_t id, const char *who,
    const char *text)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_NOTE;
	e.incident = id;
	e.actor = (char *)who;
	e.via = (char *)who;
	e.op_id = (char *)"op-from-bobs-console";
	e.text = (char *)text;
	h_apply(h, &e);
}

/* A postmortem save as the relay numbers it. */
static void
pm_save(struct harness *h, int64_t id, const char *who, int64_t base,
    int64_t at)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_POSTMORTEM;
	e.incident = id;
	e.actor = (char *)who;
	e.via = (char *)who;
	e.time = e.made_at = at;
	e.text = (char *)"# Postmortem\n";
	e.version = wr_room_get(&h->room, id)->pm_version + 1;
	e.base = base;
	h_apply(h, &e);
}

/* The rows of the detail pane on screen: [*top, *bottom]. */
static void
pane_rows(struct harness *h, int *top, int *bottom)
{
	/* the pane's title bar is "#ID  title"; the status line is last */
	*top = h_find(h, "#1  ") + 1;
	*bottom = LINES - 2;
	assert_true(*top > 0);
}

static attr_t
attrs_at(int y, int x, short *pair)
{
	cchar_t cc;
	wchar_t wch[8];
	attr_t a;

	assert_int_equal(mvwin_wch(curscr, y, x, &cc), OK);
	getcchar(&cc, wch, &a, pair, NULL);
	return a;
}

static void
test_a_300_alert_storm_shows_the_note_on_the_first_screen(void **state)
{
	struct harness *h = h_new_cfg(24, 80, NULL, 1);
	int64_t id;
	int top, bottom, y, ym, page;
	short pn, pm;
	attr_t an, am;
	const char *r;

	id = h_incident(h, "NodeDown: 300 edge nodes", "edge", WR_SEV_CRITICAL,
	    600);
	for (int i = 0; i < 300; i++)
		storm_alert(h, id, i, H_NOW - 590000 + i * 100);
	teammate_note(h, id, "bob", "ams+fra+sin: upstream transit down, "
	    "calling the carrier");
	h_render(h);
	h_type(h, "\n");	/* open it: the focus goes to the detail */
	h_render(h);

	pane_rows(h, &top, &bottom);
	y = h_find_from(h, top, "note: ams+fra+sin: upstream transit down");
	if (y < 0 || y > bottom) {
		h_dump(h);
		fail_msg("the note is not on the pane's first screen");
	}
	r = h_row(h, y);
	/* a person's entry: marked, with who wrote it */
	assert_int_equal(r[0], '>');
	assert_non_null(strstr(r, "bob"));
	/* the machine's 300 "alert firing" are one line, before it */
	ym = h_find_from(h, top, "alert firing x300, the last at 23:50:39");
	assert_true(ym > 0 && ym < y);
	assert_int_not_equal(h_row(h, ym)[0], '>');
	/* and drawn differently: the note's words against the machine's */
	an = attrs_at(y, (int)(strstr(h_row(h, y), "note:") - h_row(h, y)),
	    &pn);
	am = attrs_at(ym, (int)(strstr(h_row(h, ym), "alert firing") -
	    h_row(h, ym)), &pm);
	assert_true(an != am || pn != pm);
	/* the alerts come after the timeline: not on this screen */
	assert_true(h_find_from(h, top, "alert 1/300") < 0);

	/* Page on to the alerts: what differs across them comes first. */
	for (page = 0; page < 20 && h_find(h, "ALERTS (300)") < 0; page++) {
		h_type(h, " ");
		h_render(h);
	}
	y = h_find(h, "instance: 300 values");
	if (y < 0) {
		h_type(h, " ");
		h_render(h);
		y = h_find(h, "instance: 300 values");
	}
	if (y < 0) {
		h_dump(h);
		fail_msg("no summary of the 300 alerts");
	}
	assert_string_equal(h_row(h, y), "  instance: 300 values; pop: ams 100, "
	    "fra 100, sin 100; severity: critical 300");
	assert_true(y > h_find(h, "ALERTS (300)"));
	h_free(h);
}

static void
test_firing_alerts_before_resolved_ones(void **state)
{
	struct harness *h = h_new_cfg(60, 100, NULL, 1);
	struct wr_event e;
	int64_t id;
	int prev = -1;

	id = h_incident(h, "NodeDown: 7 nodes", "edge", WR_SEV_CRITICAL, 600);
	for (int i = 0; i < 7; i++)
		storm_alert(h, id, i, H_NOW - 590000 + i * 1000);
	/* the first two (first in the store) resolve */
	for (int i = 0; i < 2; i++) {
		char fp[32];

		memset(&e, 0, sizeof e);
		snprintf(fp, sizeof fp, "%016x", (unsigned)(0xa1e70000u + i));
		e.kind = WR_EV_ALERT_RESOLVED;
		e.incident = id;
		e.actor = (char *)"alertmanager";
		e.alert.fingerprint = fp;
		e.alert.starts = H_NOW - 590000 + i * 1000 - 30000;
		e.alert.ends = H_NOW - 60000;
		h_apply(h, &e);
	}
	h_render(h);
	h_type(h, "\nz");
	h_render(h);
	for (int i = 0; i < 7; i++) {
		char want[64];
		int y;

		snprintf(want, sizeof want, "alert %d/7 %s", i + 1,
		    i < 5 ? "firing since" : "resolved 2025-12-31 23:59:00");
		y = h_find(h, want);
		if (y <= prev) {
			h_dump(h);
			fail_msg("\"%s\" not after row %d", want, prev);
		}
		prev = y;
	}
	/* the resolved ones are the two that resolved */
	assert_non_null(strstr(h_row(h, h_find(h, "alert 6/7")),
	    "00000000a1e70000"));
	/* seven alerts: more than a few, a summary */
	h_assert_shows(h, "  instance: 7 values; pop: ams 3, fra 2, sin 2; "
	    "severity: critical 7");
	h_free(h);
}

static void
test_a_small_group_has_no_summary(void **state)
{
	struct harness *h = h_new_cfg(60, 100, NULL, 1);
	int64_t id;

	id = h_incident(h, "NodeDown: 3 nodes", "edge", WR_SEV_CRITICAL, 600);
	for (int i = 0; i < 3; i++)
		storm_alert(h, id, i, H_NOW - 590000 + i * 1000);
	h_render(h);
	h_type(h, "\nz");
	h_render(h);
	h_assert_shows(h, "ALERTS (3)");
	h_assert_not_shows(h, "values;");
	/* three in a row are not a storm: each its own line */
	h_assert_not_shows(h, "alert firing x");
	h_assert_shows(h, "alert firing: NodeDown 00000000a1e70002");
	h_free(h);
}

static void
test_an_events_v2_alert_without_a_start_shows_its_arrival(void **state)
{
	struct harness *h = h_new_cfg(40, 100, NULL, 1);
	struct wr_event e;
	int64_t id;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_TRIGGERED;
	e.incident = 1;
	e.time = H_NOW - 120000;
	e.actor = (char *)"events-v2";
	e.source = (char *)"events-v2";
	e.key = (char *)"disk-web-1";
	e.title = (char *)"disk full on web-1";
	e.service = (char *)"web-1";
	e.severity = WR_SEV_CRITICAL;
	h_apply(h, &e);
	id = e.incident;
	/* payload.timestamp 1970-01-01T00:00:00Z: a start of 0 */
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ALERT_FIRING;
	e.incident = id;
	e.time = H_NOW - 120000;
	e.actor = (char *)"events-v2";
	e.alert.fingerprint = (char *)"disk-web-1";
	e.alert.starts = 0;
	e.alert.firing = 1;
	e.alert.last_seen = H_NOW - 120000;
	wr_kvlist_add(&e.alert.labels, "source", "web-1");
	h_apply(h, &e);
	wr_kvlist_free(&e.alert.labels);
	h_render(h);
	h_type(h, "\nz");
	h_render(h);
	h_assert_shows(h, "alert 1/1 firing since 2025-12-31 23:58:00 "
	    "(arrived; no start given)");
	h_assert_not_shows(h, "since -");
	h_assert_not_shows(h, "1970");
	h_free(h);
}

static void
test_the_detail_says_a_postmortem_exists_and_what_a_save_missed(void **state)
{
	struct harness *h = h_new_cfg(24, 100, NULL, 1);
	int64_t id;
	int y;

	id = h_incident(h, "checkout 5xx", "checkout", WR_SEV_CRITICAL, 600);
	h_render(h);
	h_type(h, "\n");
	h_render(h);
	assert_true(h_find(h, "Postmortem") < 0);

	pm_save(h, id, "carol", 0, H_NOW - 300000);
	h_render(h);
	y = h_find(h, "Postmortem");
	if (y < 0) {
		h_dump(h);
		fail_msg("no postmortem row");
	}
	assert_non_null(strstr(h_row(h, y), "v1, last saved by carol at"));

	/* alice and bob both edit v1; alice saves first */
	pm_save(h, id, "alice", 1, H_NOW - 200000);
	pm_save(h, id, "bob", 1, H_NOW - 100000);
	h_render(h);
	y = h_find(h, "Postmortem");
	assert_true(y >= 0);
	if (strstr(h_row(h, y), "v3, last saved by bob at") == NULL ||
	    h_find(h, "based on v1; v2 by alice came first") < 0) {
		h_dump(h);
		fail_msg("the row does not say what bob's save missed");
	}
	/* and the timeline has both saves */
	assert_true(h_find(h, "postmortem v2 saved") > 0);
	assert_true(h_find(h, "postmortem v3 saved (based on v1)") > 0);
	h_free(h);
}

/* A step as the relay's policy plans it (core/policy.c). */
static void
policy_step(struct harness *h, int64_t id, wr_event_kind kind, int64_t step,
    const char *who, int64_t at, int64_t next_at)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = id;
	e.actor = (char *)"policy checkout";
	e.time = at;
	e.policy = (char *)"checkout";
	e.text = (char *)who;
	e.why = (char *)"on call for primary";
	e.step = step;
	e.steps = 3;
	e.next_at = next_at;
	h_apply(h, &e);
}

/* The issue: "the detail shows its policy, the current step, and when
 * the next fires", from the assignment by the policy's first step on. */
static void
test_the_detail_shows_the_next_step_from_the_assignment(void **state)
{
	struct harness *h = h_new_cfg(24, 100, NULL, 1);
	int64_t id;
	int y;

	(void)state;
	id = h_incident(h, "checkout 5xx", "checkout", WR_SEV_CRITICAL, 600);
	policy_step(h, id, WR_EV_POLICY_ASSIGNED, 1, "alice", H_NOW - 60000,
	    H_NOW + 540000);
	h_render(h);
	h_type(h, "\n");
	h_render(h);
	y = h_find(h, "Escalation");
	if (y < 0 || strstr(h_row(h, y), "policy checkout, step 1 of 3 "
	    "(paged alice); the next at") == NULL) {
		h_dump(h);
		fail_msg("the detail does not say when step 2 fires");
	}
	policy_step(h, id, WR_EV_ESCALATED, 3, "erin", H_NOW, 0);
	h_render(h);
	y = h_find(h, "Escalation");
	if (y < 0 || strstr(h_row(h, y), "step 3 of 3 (paged erin), the "
	    "last") == NULL) {
		h_dump(h);
		fail_msg("the detail does not say the last step fired");
	}
	/* silenced: no step fires while it is; its end starts the
	 * escalation again from step 1 (core/policy.h) */
	{
		struct wr_event e;

		memset(&e, 0, sizeof e);
		e.kind = WR_EV_SILENCED;
		e.incident = id;
		e.actor = (char *)"alice";
		e.time = H_NOW - 30000;
		e.silence_id = (char *)"7f1e2d3c-0000-4000-8000-000000000001";
		e.ends = H_NOW + 3600000;
		e.duration = 3630000;
		e.matchers = (char *)"service=\"checkout\"";
		h_apply(h, &e);
	}
	h_render(h);
	y = h_find(h, "Escalation");
	if (y < 0 || strstr(h_row(h, y), "the next at") != NULL ||
	    strstr(h_row(h, y), "silenced: from step 1 again at") == NULL) {
		h_dump(h);
		fail_msg("a silenced incident's detail says when a step fires");
	}
	h_free(h);
}

/* A clock the test moves. */
static int64_t moved_now = H_NOW;

static int64_t
moved_clock(void)
{
	return moved_now;
}

/*
 * The issue: "the detail of an incident names who is on call for its
 * service when a schedule is tied to it" -- tied by the policy that takes
 * it, as the relay sends it to every console -- and, before the first
 * step fires, when it does and whom it pages.  At a handoff the line is
 * built again with the next person.
 */
static void
test_the_detail_names_who_is_on_call_for_its_policy(void **state)
{
	struct tui_config cfg = h_config();
	struct harness *h;
	struct wr_schedule *p = wr_schedule_new("primary",
	    wr_zone_fixed("UTC", 0));
	struct wr_schedule *q = wr_schedule_new("secondary",
	    wr_zone_fixed("UTC", 0));
	struct wr_policy *pol = wr_policy_new("checkout"), *other =
	    wr_policy_new("search");
	const struct wr_policy *pv[2];
	char *cause = NULL;
	int64_t id, other_id;
	int y;

	(void)state;
	moved_now = H_NOW;
	cfg.clock_ms = moved_clock;
	cfg.utc = 1;
	h = h_new_cfg(24, 120, &cfg, 1);
	wr_schedule_add_override(p, "o1", "alice", H_NOW - 3600000,
	    H_NOW + 2 * 3600000);
	wr_schedule_add_override(p, "o2", "bob", H_NOW + 2 * 3600000,
	    H_NOW + 26 * 3600000);
	/* secondary has nobody now: a gap */
	wr_schedule_add_override(q, "o3", "carol", H_NOW + 3600000,
	    H_NOW + 5 * 3600000);
	assert_int_equal(wr_policy_set_match(other, "service=search", &cause),
	    0);
	assert_int_equal(wr_policy_add_step(other, "0m secondary", &cause), 0);
	assert_int_equal(wr_policy_add_step(pol, "5m primary", &cause), 0);
	assert_int_equal(wr_policy_add_step(pol, "15m secondary, dave, "
	    "primary", &cause), 0);
	pv[0] = other;
	pv[1] = pol;
	{
		struct tui_schedule v[2] = {
			{ "primary", "UTC", p, NULL },
			{ "secondary", "UTC", q, NULL },
		};

		tui_set_schedules(h->t, v, 2);
	}
	tui_set_policies(h->t, pv, 2);
	id = h_incident(h, "checkout 5xx", "checkout", WR_SEV_CRITICAL, 60);
	other_id = h_incident(h, "search slow", "search", WR_SEV_WARNING, 30);
	h_render(h);
	h_type(h, "/checkout\n");
	h_render(h);
	h_type(h, "\n");
	h_render(h);
	y = h_find(h, "On call");
	if (y < 0 || strstr(h_row(h, y), "primary: alice until") == NULL ||
	    strstr(h_row(h, y), "02:00") == NULL ||
	    strstr(h_row(h, y), "secondary: nobody (a gap) until") == NULL) {
		h_dump(h);
		fail_msg("the detail of #%lld does not name who is on call for "
		    "its policy", (long long)id);
	}
	/* primary is named once, though two steps page it */
	if (strstr(strstr(h_row(h, y), "primary:") + 1, "primary:") != NULL) {
		h_dump(h);
		fail_msg("a schedule two steps page is named twice");
	}
	/* step 1 fires 5 minutes after the trigger, a minute ago */
	y = h_find(h, "Escalation");
	if (y < 0 || strstr(h_row(h, y), "policy checkout, step 1 of 2 pages "
	    "primary at") == NULL || strstr(h_row(h, y), "00:04") == NULL) {
		h_dump(h);
		fail_msg("the detail does not say when the first step fires");
	}
	/* a first step whose schedule is in a gap: the relay passes to the
	 * next at once, and the line says so */
	{
		struct wr_policy *gappy = wr_policy_new("gappy");
		const struct wr_policy *gv[1];
		int64_t gid;

		assert_int_equal(wr_policy_set_match(gappy, "service=gappy",
		    &cause), 0);
		assert_int_equal(wr_policy_add_step(gappy, "2m secondary",
		    &cause), 0);
		assert_int_equal(wr_policy_add_step(gappy, "10m primary",
		    &cause), 0);
		gv[0] = gappy;
		tui_set_policies(h->t, gv, 1);
		gid = h_incident(h, "gappy storm", "gappy", WR_SEV_CRITICAL,
		    0);
		h_key(h, 27);
		h_render(h);
		h_type(h, "/gappy\n");
		h_render(h);
		h_type(h, "\n");
		h_render(h);
		y = h_find(h, "Escalation");
		if (y < 0 || strstr(h_row(h, y), "step 1 of 2 pages nobody (a "
		    "gap in secondary), so step 2 pages primary at") == NULL) {
			h_dump(h);
			fail_msg("#%lld: the first step's gap is not said",
			    (long long)gid);
		}
		h_key(h, 27);
		h_type(h, "/checkout\n");
		h_render(h);
		h_type(h, "\n");
		h_render(h);
		tui_set_policies(h->t, pv, 2);
		h_render(h);
		wr_policy_free(gappy);
	}
	/* the handoff: bob, with nothing else changed but the clock */
	moved_now = H_NOW + 2 * 3600000 + 1000;
	tui_tick(h->t, moved_now);
	h_render(h);
	y = h_find(h, "On call");
	if (y < 0 || strstr(h_row(h, y), "primary: bob until") == NULL ||
	    strstr(h_row(h, y), "secondary: carol until") == NULL) {
		h_dump(h);
		fail_msg("at the handoff the detail still names who was on call");
	}
	/* the step is due: the line says so until the relay's event comes */
	y = h_find(h, "Escalation");
	if (y < 0 || strstr(h_row(h, y), "pages primary at") == NULL) {
		h_dump(h);
		fail_msg("the first step's line went away before it fired");
	}
	/* resolved: nobody is paged for it; no line */
	h_event(h, WR_EV_RESOLVED, id, "alice", NULL);
	h_render(h);
	if (h_find(h, "On call") >= 0 || h_find(h, "Escalation") >= 0) {
		h_dump(h);
		fail_msg("a resolved incident names who is on call");
	}
	(void)other_id;
	tui_set_policies(h->t, NULL, 0);
	tui_set_schedules(h->t, NULL, 0);
	wr_policy_free(pol);
	wr_policy_free(other);
	wr_schedule_free(p);
	wr_schedule_free(q);
	h_free(h);
	moved_now = H_NOW;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_300_alert_storm_shows_the_note_on_the_first_screen),
		cmocka_unit_test(test_the_detail_says_a_postmortem_exists_and_what_a_save_missed),
		cmocka_unit_test(test_firing_alerts_before_resolved_ones),
		cmocka_unit_test(test_a_small_group_has_no_summary),
		cmocka_unit_test(test_an_events_v2_alert_without_a_start_shows_its_arrival),
		cmocka_unit_test(test_the_detail_shows_the_next_step_from_the_assignment),
		cmocka_unit_test(test_the_detail_names_who_is_on_call_for_its_policy),
	};

	h_setup_env();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
