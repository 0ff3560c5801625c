/*
 * test_commit.c: cmocka tests for relay/commit.c, the group commit, with no
 * transport at all: items carry a callback, a real relay store lives in a
 * mkdtemp directory, and the room is the relay's kind (it keeps alerts).
 *
 * They pin down that callbacks run once each, in arrival order, after the
 * outcome; that a later item of a batch sees what an earlier one did (an op
 * on an incident a body of the same batch created, a resolve of an alert a
 * body of the same batch fired); that a commit the store really refuses (a
 * trigger that aborts the insert: that fails as root too, unlike file
 * modes) leaves the room exactly as it was and answers every item with a
 * failure, and that the next batch then goes through with contiguous seqs;
 * and that refused ops naming no incident leave no row behind.
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

#include <jansson.h>
#include <sqlite3.h>

#include "core/room.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/ingest.h"
#include "net/proto.h"
#include "relay/commit.h"
#include "store/store.h"
#include "tests/scratch.h"

/* ---- fixture ------------------------------------------------------------- */

#define MAX_CALLS 2048

struct call {
	int tag;		/* the item's number, in arrival order */
	int ok;
	size_t n_events;
	enum wr_op_status status;
	int64_t seq;
	char code[32];
};

struct fx {
	char dir[64];
	char *path;
	struct wr_store *store;
	struct wr_room room;
	struct relay_commit c;
	struct call calls[MAX_CALLS];
	int n_calls;
	int n_committed_hooks;
	int n_finished;
	int last_finished_ok;
	int next_tag;
};

static void
hook_committed(void *ud, const struct wr_event *ev, size_t n)
{
	struct fx *fx = ud;

	/* The room already holds what was committed. */
	assert_int_equal(fx->room.last_seq, ev[n - 1].seq);
	fx->n_committed_hooks++;
}

static void
hook_finished(void *ud, int ok, double store_s, const char *cause)
{
	struct fx *fx = ud;

	(void)store_s;
	fx->n_finished++;
	fx->last_finished_ok = ok;
	if (!ok)
		assert_non_null(cause);
}

static int
setup(void **state)
{
	static const struct relay_commit_hooks hooks = {
		.committed = hook_committed,
		.finished = hook_finished,
	};
	struct fx *fx = xcalloc(1, sizeof *fx);
	char *cause = NULL;

	strcpy(fx->dir, "/tmp/wr-commit-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->path = xasprintf("%s/relay.db", fx->dir);
	if (store_open(fx->path, WR_STORE_RELAY, &fx->store, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	wr_room_init(&fx->room, 1);
	relay_commit_init(&fx->c, fx->store, &fx->room, &hooks, fx);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	relay_commit_free(&fx->c);
	store_close(fx->store);
	wr_room_free(&fx->room);
	scratch_rm(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

/* The callback every item carries: records what it was told. */
static void
item_done(struct relay_item *it, int ok, void *user)
{
	struct fx *fx = user;
	struct call *c;

	assert_true(fx->n_calls < MAX_CALLS);
	c = &fx->calls[fx->n_calls++];
	c->tag = it->ep;
	c->ok = ok;
	c->n_events = it->n_events;
	if (it->type == ITEM_OP && ok) {
		c->status = it->result.status;
		c->seq = it->result.seq;
		if (it->result.code != NULL)
			util_strlcpy(c->code, it->result.code, sizeof c->code);
	}
}

static struct relay_item *
new_item(struct fx *fx, enum relay_item_type type)
{
	struct relay_item *it = xcalloc(1, sizeof *it);

	it->type = type;
	it->ep = fx->next_tag++;
	it->done = item_done;
	it->user = fx;
	util_strlcpy(it->via, "test", sizeof it->via);
	return it;
}

/* An Alertmanager delivery for group `group`: alerts "fp0".."fp{n-1}", all
 * firing or all resolved. */
static void
add_body(struct fx *fx, const char *group, int n, int firing)
{
	struct relay_item *it = new_item(fx, ITEM_INGEST);
	struct ingest_ctx ctx = { .now = wr_now_ms() };
	json_t *alerts = json_array(), *body;
	char err[256], *text;

	for (int i = 0; i < n; i++) {
		char fp[32];

		snprintf(fp, sizeof fp, "%s-fp%d", group, i);
		json_array_append_new(alerts, json_pack("{s:s, s:{s:s, s:s}, "
		    "s:{s:s}, s:s, s:s, s:s}", "status",
		    firing ? "firing" : "resolved", "labels", "alertname",
		    group, "instance", fp, "annotations", "summary", "test",
		    "startsAt", "2026-11-27T15:57:08.000Z", "endsAt",
		    firing ? "0001-01-01T00:00:00Z" :
		    "2026-11-27T16:00:00.000Z", "fingerprint", fp));
	}
	body = json_pack("{s:s, s:s, s:o, s:{s:s}, s:{s:s}, s:{}, s:s, "
	    "s:s, s:s, s:i}", "receiver", "warroom", "status",
	    firing ? "firing" : "resolved", "alerts", alerts, "groupLabels",
	    "alertname", group, "commonLabels", "alertname", group,
	    "commonAnnotations", "externalURL", "http://am", "version", "4",
	    "groupKey", group, "truncatedAlerts", 0);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	err[0] = '\0';
	if (ingest_alertmanager(text, strlen(text), &ctx, &it->ingest, err,
	    sizeof err) != 0)
		fail_msg("the test body was refused: %s", err);
	free(text);
	relay_commit_add(&fx->c, it);
}

/* An op with the given id (NULL: a new one). */
static struct relay_item *
add_op_id(struct fx *fx, const char *op_id, wr_op_kind kind,
    int64_t incident, const char *epoch, const char *text)
{
	struct relay_item *it = new_item(fx, ITEM_OP);

	it->op.op_id = xmalloc(33);
	if (op_id != NULL)
		util_strlcpy(it->op.op_id, op_id, 33);
	else
		assert_int_equal(proto_new_op_id(it->op.op_id), 0);
	it->op.kind = kind;
	it->op.incident = incident;
	it->op.epoch = xstrdup(epoch != NULL ? epoch :
	    store_epoch(fx->store));
	it->op.actor = xstrdup("alice");
	it->op.args.text = xstrdup0(text);
	relay_commit_add(&fx->c, it);
	return it;
}

static struct relay_item *
add_op(struct fx *fx, wr_op_kind kind, int64_t incident, const char *epoch,
    const char *text)
{
	return add_op_id(fx, NULL, kind, incident, epoch, text);
}

/* Everything the room holds, as text: incidents with their alerts, the
 * counters, last_seq and next_id. */
static char *
room_text(const struct wr_room *r)
{
	json_t *arr = json_array();
	char *s;

	for (int64_t id = 1; id < r->next_id; id++) {
		const struct wr_incident *inc = wr_room_get(r, id);
		if (inc != NULL)
			json_array_append_new(arr,
			    proto_incident_to_json(inc, 1));
	}
	json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:[i,i,i], "
	    "s:[i,i,i,i]}", "last_seq", (json_int_t)r->last_seq, "next_id",
	    (json_int_t)r->next_id, "n", (json_int_t)r->n_incidents,
	    "by_state", r->by_state[0], r->by_state[1], r->by_state[2],
	    "open_by_sev", r->open_by_sev[0], r->open_by_sev[1],
	    r->open_by_sev[2], r->open_by_sev[3]));
	s = json_dumps(arr, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(arr);
	return s;
}

/* A second connection to the same file, as the tests' own hand. */
static void
sql(struct fx *fx, const char *stmt)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, stmt, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", stmt, msg);
	sqlite3_close(db);
}

static int64_t
count_rows(struct fx *fx, const char *table)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *q = xasprintf("SELECT count(*) FROM %s", table);
	int64_t n;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(q);
	return n;
}

/* The room a fresh relay would load from the store, as text. */
static char *
stored_room_text(struct fx *fx)
{
	struct wr_room r;
	char *cause = NULL, *s;

	wr_room_init(&r, 1);
	if (store_load_room(fx->store, &r, &cause) != 0)
		fail_msg("%s", cause);
	s = room_text(&r);
	wr_room_free(&r);
	return s;
}

/* ---- tests --------------------------------------------------------------- */

/* Callbacks run once per item, in the order the items arrived, and only
 * after the outcome is known. */
static void
test_callbacks_in_arrival_order(void **state)
{
	struct fx *fx = *state;

	add_body(fx, "g-a", 2, 1);
	add_op(fx, WR_OP_NOTE, 1, NULL, "looking");
	add_body(fx, "g-b", 1, 1);
	add_op(fx, WR_OP_ACK, 99, NULL, NULL);
	add_body(fx, "g-a", 2, 1);		/* a repeat: no event */
	add_op(fx, WR_OP_ACK, 2, NULL, NULL);
	assert_int_equal(relay_commit_pending_count(&fx->c), 6);
	assert_int_equal(fx->n_calls, 0);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(relay_commit_pending_count(&fx->c), 0);
	assert_int_equal(fx->n_calls, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(fx->calls[i].tag, i);
		assert_true(fx->calls[i].ok);
	}
	assert_int_equal(fx->calls[0].n_events, 3);	/* triggered + 2 */
	assert_int_equal(fx->calls[1].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[1].seq, 4);
	assert_int_equal(fx->calls[2].n_events, 2);
	assert_int_equal(fx->calls[3].status, WR_OPST_REFUSED);
	assert_string_equal(fx->calls[3].code, "unknown_incident");
	assert_int_equal(fx->calls[4].n_events, 0);
	assert_int_equal(fx->calls[5].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[5].seq, 7);
	assert_int_equal(fx->n_committed_hooks, 1);
	assert_int_equal(fx->n_finished, 1);
	assert_int_equal(fx->room.last_seq, 7);
	/* The overlay is empty again, ready for the next run. */
	assert_int_equal(fx->c.overlay.n_incidents, 0);
	assert_null(wr_room_get(&fx->c.overlay, 1));
	/* Nothing pending: a run is a no-op that calls nobody. */
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->n_calls, 6);
	assert_int_equal(fx->n_finished, 1);
}

/*
 * One batch: a body opens an incident, an op acknowledges it, a second body
 * resolves its alerts, an op reopens it.  Each item sees what the earlier
 * ones did, and the room and the store agree at the end.
 */
static void
test_batch_mixes_ingest_and_ops(void **state)
{
	struct fx *fx = *state;
	const struct wr_incident *inc;
	char *mem, *disk;

	add_body(fx, "g-mix", 3, 1);		/* 1 triggered, 2-4 firing */
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);	/* 5 */
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);	/* noop: already acked */
	add_body(fx, "g-mix", 3, 0);		/* 6-8 resolved, 9 resolved */
	add_op(fx, WR_OP_REOPEN, 1, NULL, NULL);	/* 10 */
	add_op(fx, WR_OP_ASSIGN, 1, NULL, "bob");	/* 11 */
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->n_calls, 6);
	assert_int_equal(fx->calls[0].n_events, 4);
	assert_int_equal(fx->calls[1].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[1].seq, 5);
	assert_int_equal(fx->calls[2].status, WR_OPST_NOOP);
	assert_int_equal(fx->calls[3].n_events, 4);
	assert_int_equal(fx->calls[4].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[4].seq, 10);
	assert_int_equal(fx->calls[5].seq, 11);

	inc = wr_room_get(&fx->room, 1);
	assert_non_null(inc);
	assert_int_equal(fx->room.n_incidents, 1);
	assert_int_equal(inc->state, WR_ST_TRIGGERED);	/* reopened */
	assert_int_equal(inc->n_alerts, 3);
	assert_int_equal(inc->n_firing, 0);
	assert_string_equal(inc->assignee, "bob");
	assert_int_equal(fx->room.last_seq, 11);
	assert_int_equal(store_last_seq(fx->store), 11);
	assert_int_equal(count_rows(fx, "events"), 11);
	/* What a restarted relay would load is what is in memory. */
	mem = room_text(&fx->room);
	disk = stored_room_text(fx);
	assert_string_equal(mem, disk);
	free(mem);
	free(disk);
}

/*
 * The relay records both times of an op's event: its time is the arrival
 * (the batch's clock), its made_at what the console said, bounded by the
 * incident's creation and the arrival; a console that says nothing gets
 * the arrival.  On disk and in the room alike.
 */
static void
test_op_event_records_made_at_and_arrival(void **state)
{
	struct fx *fx = *state;
	struct wr_evlist ev = { 0 };
	const struct wr_incident *inc;
	char *cause = NULL;
	int64_t before, after, created;

	add_body(fx, "g-made", 1, 1);			/* 1, 2 */
	assert_int_equal(relay_commit_run(&fx->c), 0);
	/* as if it had opened ten minutes ago */
	wr_room_get(&fx->room, 1)->created -= 600000;
	created = wr_room_get(&fx->room, 1)->created;
	add_op(fx, WR_OP_NOTE, 1, NULL, "made later");	/* 3: says nothing */
	/* 4: two seconds after the incident opened */
	add_op(fx, WR_OP_ACK, 1, NULL, NULL)->op.made_at = created + 2000;
	/* 5: an hour before it opened (a clock far behind) */
	add_op(fx, WR_OP_NOTE, 1, NULL, "before")->op.made_at =
	    created - 3600000;
	/* 6: an hour from now (a clock far ahead) */
	add_op(fx, WR_OP_NOTE, 1, NULL, "ahead")->op.made_at =
	    wr_now_ms() + 3600000;
	before = wr_now_ms();
	assert_int_equal(relay_commit_run(&fx->c), 0);
	after = wr_now_ms();
	assert_int_equal(store_incident_events(fx->store, 1, &ev, &cause), 0);
	assert_int_equal(ev.n, 6);
	for (size_t i = 2; i < 6; i++)
		assert_true(ev.v[i].time >= before && ev.v[i].time <= after);
	assert_int_equal(ev.v[2].made_at, ev.v[2].time);
	assert_int_equal(ev.v[3].made_at, created + 2000);
	assert_int_equal(ev.v[4].made_at, created);
	assert_int_equal(ev.v[5].made_at, ev.v[5].time);
	inc = wr_room_get(&fx->room, 1);
	assert_int_equal(inc->ack_at, created + 2000);
	wr_evlist_free(&ev);
}

/*
 * The store really refuses the batch (a trigger aborts the insert, which
 * fails as root too).  The room is exactly as before, every item is told
 * it failed, nothing reached the disk; once the store works again the same
 * inputs go through with contiguous seqs and the same ids.
 */
static void
test_commit_failure_leaves_room_as_before(void **state)
{
	struct fx *fx = *state;
	char *before, *after, *disk_before, *disk_after;
	int64_t events_before;

	add_body(fx, "g-one", 2, 1);			/* seqs 1-3 */
	assert_int_equal(relay_commit_run(&fx->c), 0);
	before = room_text(&fx->room);
	disk_before = stored_room_text(fx);
	events_before = count_rows(fx, "events");

	sql(fx, "CREATE TRIGGER wr_test_fail BEFORE INSERT ON events "
	    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
	fx->n_calls = 0;
	fx->next_tag = 0;
	add_body(fx, "g-one", 4, 1);	/* two more alerts join incident 1 */
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);
	add_body(fx, "g-two", 1, 1);	/* incident 2, new in the batch */
	add_op(fx, WR_OP_NOTE, 2, NULL, "on it");	/* acts on it */
	add_body(fx, "g-one", 4, 0);	/* resolves incident 1 */
	assert_int_equal(relay_commit_run(&fx->c), -1);
	assert_int_equal(fx->n_finished, 2);
	assert_false(fx->last_finished_ok);
	assert_int_equal(fx->n_calls, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(fx->calls[i].tag, i);
		assert_false(fx->calls[i].ok);
	}
	assert_int_equal(fx->n_committed_hooks, 1);	/* the first batch */
	after = room_text(&fx->room);
	assert_string_equal(before, after);
	free(after);
	disk_after = stored_room_text(fx);
	assert_string_equal(disk_before, disk_after);
	free(disk_after);
	assert_int_equal(count_rows(fx, "events"), events_before);
	assert_int_equal(count_rows(fx, "ops"), 0);
	assert_int_equal(fx->c.overlay.n_incidents, 0);	/* dropped */
	assert_int_equal(relay_commit_pending_count(&fx->c), 0);

	/* The store is well again: the same inputs go through. */
	sql(fx, "DROP TRIGGER wr_test_fail;");
	fx->n_calls = 0;
	fx->next_tag = 0;
	add_body(fx, "g-one", 4, 1);	/* 2 firing (and a new title) */
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);
	add_body(fx, "g-two", 1, 1);	/* triggered, firing */
	add_op(fx, WR_OP_NOTE, 2, NULL, "on it");
	add_body(fx, "g-one", 4, 0);	/* 4 resolved, incident resolved */
	assert_int_equal(relay_commit_run(&fx->c), 0);
	for (int i = 0; i < 5; i++)
		assert_true(fx->calls[i].ok);
	assert_true(fx->calls[0].n_events >= 2);
	assert_int_equal(fx->calls[1].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[1].seq, 3 + fx->calls[0].n_events + 1);
	assert_int_equal(fx->calls[2].n_events, 2);
	assert_int_equal(fx->calls[3].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[3].seq, fx->calls[1].seq + 3);
	assert_int_equal(fx->calls[4].n_events, 5);
	assert_int_equal(fx->room.last_seq, fx->calls[3].seq + 5);
	assert_int_equal(count_rows(fx, "events"), fx->room.last_seq);
	assert_int_equal(wr_room_get(&fx->room, 1)->state, WR_ST_RESOLVED);
	assert_int_equal(wr_room_get(&fx->room, 2)->n_notes, 1);
	after = room_text(&fx->room);
	disk_after = stored_room_text(fx);
	assert_string_equal(after, disk_after);
	free(after);
	free(disk_after);
	free(before);
	free(disk_before);
}

/* A failure while storing only op answers (no events) is a failure too. */
static void
test_commit_failure_of_answers_only(void **state)
{
	struct fx *fx = *state;

	add_body(fx, "g-ack", 1, 1);
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	sql(fx, "CREATE TRIGGER wr_test_fail BEFORE INSERT ON ops "
	    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
	fx->n_calls = 0;
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);	/* a noop, answer stored */
	assert_int_equal(relay_commit_run(&fx->c), -1);
	assert_int_equal(fx->n_calls, 1);
	assert_false(fx->calls[0].ok);
}

/* Refused ops that name no incident (or another epoch) leave no row; one
 * on a real incident keeps its answer so that a resend gets it again. */
static void
test_refused_ops_are_not_stored(void **state)
{
	struct fx *fx = *state;

	add_body(fx, "g-real", 1, 1);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	for (int i = 0; i < 1000; i++)
		add_op(fx, WR_OP_ACK, 1000 + i, NULL, NULL);
	for (int i = 0; i < 10; i++)
		add_op(fx, WR_OP_ACK, 1, "0123456789abcdef", NULL);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->n_calls, 1011);
	assert_string_equal(fx->calls[1].code, "unknown_incident");
	assert_string_equal(fx->calls[1001].code, "epoch");
	assert_int_equal(count_rows(fx, "ops"), 0);

	add_op(fx, WR_OP_ACK, 1, NULL, NULL);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(count_rows(fx, "ops"), 1);
}

/* The same op id with another body is not a resend: refused with
 * op_conflict, no event, and nothing recorded over the first answer, which
 * a real resend still gets (from the store, and within one batch). */
static void
test_op_id_reused_for_another_op(void **state)
{
	struct fx *fx = *state;
	static const char id1[] = "0123456789abcdef0123456789abcdef";
	static const char id2[] = "fedcba9876543210fedcba9876543210";
	int64_t events;

	add_body(fx, "g-c", 1, 1);
	add_op_id(fx, id1, WR_OP_NOTE, 1, NULL, "first words");
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->calls[1].status, WR_OPST_APPLIED);
	events = count_rows(fx, "events");

	add_op_id(fx, id1, WR_OP_NOTE, 1, NULL, "other words");
	add_op_id(fx, id1, WR_OP_ACK, 1, NULL, NULL);
	add_op_id(fx, id1, WR_OP_NOTE, 1, NULL, "first words");
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->n_calls, 5);
	assert_int_equal(fx->calls[2].status, WR_OPST_REFUSED);
	assert_string_equal(fx->calls[2].code, "op_conflict");
	assert_int_equal(fx->calls[3].status, WR_OPST_REFUSED);
	assert_string_equal(fx->calls[3].code, "op_conflict");
	assert_int_equal(fx->calls[4].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[4].seq, fx->calls[1].seq);
	assert_int_equal(count_rows(fx, "events"), events);
	assert_int_equal(wr_room_get(&fx->room, 1)->state, WR_ST_TRIGGERED);

	/* one batch: the first of the two is applied, the other refused,
	 * and a resend of the first after the conflict gets its answer */
	add_op_id(fx, id2, WR_OP_NOTE, 1, NULL, "one");
	add_op_id(fx, id2, WR_OP_NOTE, 1, NULL, "two");
	add_op_id(fx, id2, WR_OP_NOTE, 1, NULL, "one");
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->calls[5].status, WR_OPST_APPLIED);
	assert_string_equal(fx->calls[6].code, "op_conflict");
	assert_int_equal(fx->calls[7].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[7].seq, fx->calls[5].seq);
	assert_int_equal(count_rows(fx, "events"), events + 1);
	assert_int_equal(count_rows(fx, "ops"), 2);
}

/* A sender that left is answered to nobody; the rest still are. */
static void
test_forget(void **state)
{
	struct fx *fx = *state;
	static int other;

	add_body(fx, "g-f", 1, 1);
	add_op(fx, WR_OP_ACK, 1, NULL, NULL);
	fx->c.pending->next->user = &other;	/* the op's sender */
	relay_commit_forget(&fx->c, &other);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->n_calls, 1);
	assert_int_equal(fx->calls[0].tag, 0);
	assert_int_equal(wr_room_get(&fx->room, 1)->state,
	    WR_ST_ACKNOWLEDGED);
}

/* ---- schedule-wide ops ---------------------------------------------------- */

/* What the toy planner below saw: how many events of its batch came
 * before each op it was asked about. */
static size_t sched_seen[16];
static int n_sched_calls;
static struct wr_evlist sched_committed;

/* A planner that knows one schedule, "primary", as the relay's would. */
static enum wr_plan_result
toy_plan(void *ud, const struct wr_op *op, const struct wr_event *planned,
    size_t n, struct wr_event *out, const char **code, int *keep, char *err,
    size_t errsz)
{
	const struct wr_event *a = op->args;

	(void)ud;
	(void)planned;
	if (n_sched_calls < 16)
		sched_seen[n_sched_calls] = n;
	n_sched_calls++;
	if (a->schedule == NULL || strcmp(a->schedule, "primary") != 0) {
		*code = "unknown_schedule";
		*keep = 0;
		snprintf(err, errsz, "no schedule %s", a->schedule);
		return WR_PLAN_REFUSED;
	}
	if (a->until <= a->from) {
		snprintf(err, errsz, "until is not after from");
		return WR_PLAN_REFUSED;
	}
	memset(out, 0, sizeof *out);
	out->kind = wr_op_kind_info(op->kind)->event;
	wr_event_copy_fields(out, a, wr_op_kind_info(op->kind)->fields);
	return WR_PLAN_EVENT;
}

static void
hook_committed_keep(void *ud, const struct wr_event *ev, size_t n)
{
	hook_committed(ud, ev, n);
	for (size_t i = 0; i < n; i++)
		wr_event_copy(wr_evlist_push(&sched_committed), &ev[i]);
}

static struct relay_item *
add_override(struct fx *fx, const char *op_id, const char *schedule,
    const char *person, int64_t from, int64_t until)
{
	struct relay_item *it = add_op_id(fx, op_id, WR_OP_OVERRIDE, 0, NULL,
	    NULL);

	it->op.args.schedule = xstrdup(schedule);
	it->op.args.person = xstrdup(person);
	it->op.args.from = from;
	it->op.args.until = until;
	return it;
}

/*
 * An op with no incident (an override) is planned by the hook of whoever
 * keeps the schedules: its event names no incident, carries the op's
 * arguments, actor, via and op id, gets the next seq, is stored and
 * committed like any other, and leaves the room's incidents alone.  A
 * later op of the batch is planned knowing the earlier events.  A resend
 * gets the same answer; an unknown schedule is refused with the hook's
 * code and costs no row; a bad stretch is refused and recorded.
 */
static void
test_schedule_wide_op_is_planned_by_the_hook(void **state)
{
	static const struct relay_commit_hooks hooks = {
		.committed = hook_committed_keep,
		.finished = hook_finished,
		.plan_schedule_op = toy_plan,
	};
	static const char id1[] = "11111111111111111111111111111111";
	struct fx *fx = *state;
	const int64_t t1 = INT64_C(1764669600000), t2 = t1 + 7200000;
	struct wr_evlist ev = { 0 };
	char *cause = NULL, *before;

	relay_commit_free(&fx->c);
	relay_commit_init(&fx->c, fx->store, &fx->room, &hooks, fx);
	n_sched_calls = 0;
	add_body(fx, "g-s", 1, 1);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	before = room_text(&fx->room);

	add_override(fx, id1, "primary", "bob", t1, t2);
	add_override(fx, NULL, "primary", "carol", t2, t2 + 3600000);
	add_override(fx, NULL, "secondary", "dave", t1, t2);
	add_override(fx, NULL, "primary", "erin", t2, t1);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->n_calls, 5);
	assert_int_equal(fx->calls[1].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[2].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[2].seq, fx->calls[1].seq + 1);
	assert_int_equal(sched_seen[0], 0);
	assert_int_equal(sched_seen[1], 1);	/* it saw bob's */
	assert_int_equal(fx->calls[3].status, WR_OPST_REFUSED);
	assert_string_equal(fx->calls[3].code, "unknown_schedule");
	assert_int_equal(fx->calls[4].status, WR_OPST_REFUSED);
	assert_string_equal(fx->calls[4].code, "bad_op");
	/* bob's, carol's and erin's answers are kept; dave's is not */
	assert_int_equal(count_rows(fx, "ops"), 3);

	/* what was committed and stored */
	/* the body's trigger and alert, then bob's and carol's */
	assert_int_equal(sched_committed.n, 4);
	assert_int_equal(sched_committed.v[2].kind, WR_EV_OVERRIDE_ADDED);
	assert_int_equal(sched_committed.v[2].incident, 0);
	assert_int_equal(store_events_after(fx->store, fx->calls[1].seq - 1,
	    0, &ev, &cause), 0);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.v[0].kind, WR_EV_OVERRIDE_ADDED);
	assert_int_equal(ev.v[0].incident, 0);
	assert_string_equal(ev.v[0].schedule, "primary");
	assert_string_equal(ev.v[0].person, "bob");
	assert_int_equal(ev.v[0].from, t1);
	assert_int_equal(ev.v[0].until, t2);
	assert_string_equal(ev.v[0].actor, "alice");
	assert_string_equal(ev.v[0].via, "test");
	assert_string_equal(ev.v[0].op_id, id1);
	assert_true(ev.v[0].made_at > 0 && ev.v[0].made_at <= ev.v[0].time);
	assert_string_equal(ev.v[1].person, "carol");
	wr_evlist_free(&ev);
	/* the incidents are as they were; only the seq moved */
	{
		char *after = room_text(&fx->room);
		const char *p = strstr(before, "\"last_seq\"");

		assert_non_null(p);
		assert_memory_equal(before, after, (size_t)(p - before));
		free(after);
	}
	assert_int_equal(fx->room.last_seq, fx->calls[2].seq);

	/* a resend: the same answer, no new event */
	add_override(fx, id1, "primary", "bob", t1, t2);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->calls[5].status, WR_OPST_APPLIED);
	assert_int_equal(fx->calls[5].seq, fx->calls[1].seq);
	assert_int_equal(fx->room.last_seq, fx->calls[2].seq);
	free(before);
	wr_evlist_free(&sched_committed);
}

/* A relay whose commit has no planner for them refuses schedule-wide ops,
 * saying why. */
static void
test_schedule_wide_op_without_a_planner_is_refused(void **state)
{
	struct fx *fx = *state;

	add_override(fx, NULL, "primary", "bob", 1000, 2000);
	assert_int_equal(relay_commit_run(&fx->c), 0);
	assert_int_equal(fx->calls[0].status, WR_OPST_REFUSED);
	assert_string_equal(fx->calls[0].code, "bad_op");
	assert_int_equal(fx->room.last_seq, 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_callbacks_in_arrival_order),
		T(test_batch_mixes_ingest_and_ops),
		T(test_commit_failure_leaves_room_as_before),
		T(test_commit_failure_of_answers_only),
		T(test_refused_ops_are_not_stored),
		T(test_op_id_reused_for_another_op),
		T(test_forget),
		T(test_op_event_records_made_at_and_arrival),
		T(test_schedule_wide_op_is_planned_by_the_hook),
		T(test_schedule_wide_op_without_a_planner_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
