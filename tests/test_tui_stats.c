/*
 * test_tui_stats.c: the console's :stats view, headless (tests/test_tui.h):
 * at 80x24 and at 300x80 it shows the report warroom stats prints for the
 * room in the store, whole (no column cut at 80), with the people from
 * the schedules on screen; :stats 7d service groups by service; a bad
 * window says so; any key but j/k closes the view and the list is back.
 */
#include "tests/test_tui.h"
#include "core/schedule.h"
#include "core/zone.h"

/* A person's op on incident id at the relay's time t: what the feed
 * stores for an ack or a resolve typed in a console. */
static void
person_op(struct harness *h, wr_event_kind kind, int64_t id,
    const char *who, int64_t t)
{
	struct wr_event e;
	char op_id[33];

	snprintf(op_id, sizeof op_id, "%032llx",
	    (unsigned long long)(h->room.last_seq + 1));
	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = id;
	e.actor = (char *)who;
	e.op_id = op_id;
	e.time = t;
	e.made_at = t;
	h_apply(h, &e);
}

/*
 * #1 (payments) acked by alice 2 min after it fired; #2 (checkout) acked
 * by bob after 10 min and resolved by him after 30 min; #3 (checkout)
 * untouched.  A schedule in UTC from 2025-12-31T00:00: alice a day, then
 * bob (H_NOW is 2026-01-01T00:00Z: alice had 24 hours).
 */
static struct wr_schedule *
fill(struct harness *h)
{
	struct wr_schedule *s = wr_schedule_new("primary",
	    wr_zone_fixed("UTC", 0));
	struct wr_layer *l = wr_schedule_add_layer(s, "daily");
	struct tui_schedule v = { "primary", "UTC", s, NULL };
	char *cause = NULL;
	int64_t a, b;

	assert_int_equal(wr_schedule_parse_turn("1d", &l->turn, &cause), 0);
	assert_int_equal(wr_schedule_parse_start("2025-12-31T00:00",
	    &l->start, &cause), 0);
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "alice");
	wr_schedule_add_person(l, "bob");
	tui_set_schedules(h->t, &v, 1);

	a = h_incident(h, "replication lag", "payments", WR_SEV_CRITICAL, 600);
	b = h_incident(h, "5xx on /pay", "checkout", WR_SEV_ERROR, 3600);
	h_incident(h, "disk filling", "checkout", WR_SEV_WARNING, 60);
	person_op(h, WR_EV_ACKNOWLEDGED, a, "alice", H_NOW - 480 * 1000);
	person_op(h, WR_EV_ACKNOWLEDGED, b, "bob", H_NOW - 3000 * 1000);
	person_op(h, WR_EV_RESOLVED, b, "bob", H_NOW - 1800 * 1000);
	return s;
}

/* The row that has every needle, or -1. */
static int
row_with(struct harness *h, const char *a, const char *b, const char *c)
{
	for (int y = 0; y < LINES; y++) {
		const char *r = h_row(h, y);

		if (strstr(r, a) && (b == NULL || strstr(r, b)) &&
		    (c == NULL || strstr(r, c)))
			return y;
	}
	return -1;
}

static void
expect_report(struct harness *h)
{
	if (row_with(h, "time to acknowledge", "6m 00s", "10m 00s") < 0 ||
	    row_with(h, "time to resolve", "30m 00s", NULL) < 0 ||
	    row_with(h, "3 incidents triggered from", NULL, NULL) < 0 ||
	    row_with(h, "alice", "24.0h", NULL) < 0 ||
	    row_with(h, "bob", "0.0h", NULL) < 0 ||
	    row_with(h, "busiest hours (UTC):", "23:00 (3)", NULL) < 0) {
		h_dump(h);
		fail_msg("the report is not on screen as it should be");
	}
}

/* A console of rows x cols holding fill()'s history and schedule (*s,
 * the caller's to free) that has been typed the command cmd. */
static struct harness *
stats_typed(int rows, int cols, const char *cmd, struct wr_schedule **s)
{
	struct harness *h = h_new_cfg(rows, cols, NULL, 1);

	*s = fill(h);
	h_render(h);
	h_type(h, cmd);
	h_render(h);
	return h;
}

static void
test_stats_view_80x24(void **state)
{
	struct wr_schedule *s;
	struct harness *h = stats_typed(24, 80, ":stats\r", &s);

	(void)state;
	expect_report(h);
	h_assert_shows(h, "stats since 30d");
	/* by service: the header whole, at 80 columns */
	h_type(h, "x");
	h_render(h);
	h_assert_not_shows(h, "time to acknowledge");
	h_type(h, ":stats 7d service\r");
	h_render(h);
	h_assert_shows(h, "by service");
	if (row_with(h, "by service", "ack p90", "res p90") < 0 ||
	    row_with(h, "checkout", "10m 00s", "30m 00s") < 0 ||
	    row_with(h, "payments", "2m 00s", NULL) < 0) {
		h_dump(h);
		fail_msg("the groups are not whole at 80 columns");
	}
	h_key(h, 27);
	h_render(h);
	h_assert_shows(h, "replication lag");
	/* a bad window: said, nothing shown */
	h_type(h, ":stats banana\r");
	h_render(h);
	h_assert_shows(h, "'banana' is neither a duration");
	h_assert_not_shows(h, "time to acknowledge");
	h_free(h);
	wr_schedule_free(s);
}

static void
test_stats_view_300x80(void **state)
{
	struct wr_schedule *s;
	struct harness *h = stats_typed(80, 300, ":stats person\r", &s);

	(void)state;
	expect_report(h);
	if (row_with(h, "  alice", "2m 00s", NULL) < 0 ||
	    row_with(h, "(not acked)", NULL, NULL) < 0) {
		h_dump(h);
		fail_msg("by person: alice's group and the unacknowledged");
	}
	h_free(h);
	wr_schedule_free(s);
}

/*
 * At 40 columns the report's lines are wider than the view: l and h
 * scroll it sideways, so the numbers at a line's end can be read (the
 * p90 of the time to acknowledge, the people's hours on call), and the
 * border says so.
 */
static void
test_stats_view_40_columns_scrolls_sideways(void **state)
{
	struct wr_schedule *s;
	struct harness *h = stats_typed(15, 40, ":stats\r", &s);

	(void)state;
	h_assert_shows(h, "time to acknowledge");
	h_assert_shows(h, "h/l scroll");
	if (row_with(h, "10m 00s", NULL, NULL) >= 0) {
		h_dump(h);
		fail_msg("the p90 fits at 40 columns: the test shows nothing");
	}
	for (int i = 0; i < 5; i++)
		h_type(h, "l");
	h_render(h);
	if (row_with(h, "10m 00s", NULL, NULL) < 0 ||
	    row_with(h, "24.0h", NULL, NULL) < 0) {
		h_dump(h);
		fail_msg("l did not bring the ends of the lines into view");
	}
	/* h goes back; the report stays open */
	for (int i = 0; i < 10; i++)
		h_type(h, "h");
	h_render(h);
	h_assert_shows(h, "time to acknowledge");
	h_free(h);
	wr_schedule_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_view_80x24),
		cmocka_unit_test(test_stats_view_40_columns_scrolls_sideways),
		cmocka_unit_test(test_stats_view_300x80),
	};

	h_setup_env();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
