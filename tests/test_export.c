/*
 * test_export.c: what `warroom export` prints (cli_export_write()), against
 * golden files in tests/golden/ (GENERATE=1 rewrites them after a deliberate
 * change; then read the diff).  The incident is built by the reducer from
 * the events a relay would send: opened at 09:00, acknowledged by alice at
 * 09:02 from a console that was offline (the ack reached the relay at
 * 09:05), unacknowledged, acknowledged again by bob at 09:10, assigned to
 * carol.  The time to acknowledge is 2m: to the first acknowledgement, when
 * alice made it; not 5m (when it arrived) nor 10m (the last ack).  Run from
 * the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "core/room.h"
#include "core/util.h"

#define T0 INT64_C(1795770000000)	/* 2026-11-27T09:00:00.000Z */
#define MIN INT64_C(60000)

static void
apply(struct wr_room *r, struct wr_evlist *tl, struct wr_event *e)
{
	char err[256] = "";

	e->seq = r->last_seq + 1;
	if (wr_room_apply(r, e, err, sizeof err) != WR_APPLY_OK)
		fail_msg("apply %s: %s", wr_event_kind_name(e->kind), err);
	wr_event_copy(wr_evlist_push(tl), e);
}

static void
build(struct wr_room *r, struct wr_evlist *tl, struct wr_alert *a)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_TRIGGERED;
	e.incident = 1;
	e.time = T0;
	e.actor = "alertmanager";
	e.via = "am-prod";
	e.source = "alertmanager";
	e.sender = "am-prod";
	e.key = "{}:{alertname=\"CheckoutErrors\"}";
	e.title = "checkout 5xx rate 4.2% (SLO 0.5%)";
	e.service = "checkout";
	e.severity = WR_SEV_CRITICAL;
	apply(r, tl, &e);

	memset(a, 0, sizeof *a);
	a->fingerprint = "c0ffee0123456789";
	a->starts = T0 - MIN;
	a->firing = 1;
	a->severity = WR_SEV_CRITICAL;
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ALERT_FIRING;
	e.incident = 1;
	e.time = T0;
	e.actor = "alertmanager";
	e.via = "am-prod";
	e.alert = *a;
	apply(r, tl, &e);

	/* made offline at 09:02, arrived at 09:05 */
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ACKNOWLEDGED;
	e.incident = 1;
	e.time = T0 + 5 * MIN;
	e.made_at = T0 + 2 * MIN;
	e.actor = "alice";
	e.via = "ops-console";
	e.op_id = "5d41402abc4b2a76b9719d911017c592";
	apply(r, tl, &e);

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_UNACKNOWLEDGED;
	e.incident = 1;
	e.time = T0 + 6 * MIN;
	e.made_at = T0 + 6 * MIN - 400;
	e.actor = "alice";
	e.via = "ops-console";
	e.op_id = "0cc175b9c0f1b6a831c399e269772661";
	apply(r, tl, &e);

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ACKNOWLEDGED;
	e.incident = 1;
	e.time = T0 + 10 * MIN;
	e.made_at = T0 + 10 * MIN - 300;
	e.actor = "bob";
	e.via = "bob";
	e.op_id = "92eb5ffee6ae2fec3ad71c777531578f";
	apply(r, tl, &e);

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ASSIGNED;
	e.incident = 1;
	e.time = T0 + 11 * MIN;
	e.made_at = T0 + 11 * MIN;
	e.actor = "bob";
	e.via = "bob";
	e.text = "carol";
	e.op_id = "4a8a08f09d37b73795649038408b5f33";
	apply(r, tl, &e);

	/* a note made 2 s before it arrived: no word on the delay */
	memset(&e, 0, sizeof e);
	e.kind = WR_EV_NOTE;
	e.incident = 1;
	e.time = T0 + 12 * MIN;
	e.made_at = T0 + 12 * MIN - 2000;
	e.actor = "carol";
	e.via = "ops-console";
	e.text = "rolled back 4f2a; error rate falling";
	e.op_id = "8277e0910d750195b448797616e091ad";
	apply(r, tl, &e);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Print the export into memory and compare it with the golden file. */
static void
golden(int json, const char *path)
{
	struct wr_room r;
	struct wr_evlist tl = { 0 };
	struct wr_alert a;
	char *got = NULL, *want;
	size_t got_len = 0, want_len = 0;
	FILE *fp;

	wr_room_init(&r, 1);
	build(&r, &tl, &a);
	fp = open_memstream(&got, &got_len);
	assert_non_null(fp);
	cli_export_write(fp, json, wr_room_get(&r, 1), &a, 1, &tl);
	fclose(fp);
	if (getenv("GENERATE") != NULL) {
		FILE *g = fopen(path, "wb");

		assert_non_null(g);
		fwrite(got, 1, got_len, g);
		fclose(g);
	}
	want = slurp(path, &want_len);
	if (want == NULL)
		fail_msg("no %s (GENERATE=1 writes it)", path);
	if (got_len != want_len || memcmp(got, want, got_len) != 0)
		fail_msg("%s differs; got:\n%s", path, got);
	free(want);
	free(got);
	wr_evlist_free(&tl);
	wr_room_free(&r);
}

/* Markdown: the assignee, the time to acknowledge to alice's made-at, and
 * the timeline at the times people acted, the late ack said so. */
static void
test_export_markdown_golden(void **state)
{
	(void)state;
	golden(0, "tests/golden/export.md");
}

static void
test_export_json_golden(void **state)
{
	(void)state;
	golden(1, "tests/golden/export.json");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_markdown_golden),
		cmocka_unit_test(test_export_json_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
