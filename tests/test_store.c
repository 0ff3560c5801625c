/*
 * test_store.c: cmocka tests for store/, the only module that speaks SQL.
 * They pin down what is on disk: the schema and its versions, the refusal
 * of files that are not ours (another application, a newer warroom, the
 * other role), the modes of the file and its directory, that every event
 * reads back exactly as written (and its body and label lists are the
 * very text the jansson encoder once wrote), that a batch is all or
 * nothing, and the console's outbox.  Every test works in its own mkdtemp directory under
 * /tmp, removed afterwards.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* nftw, in tests/scratch.h */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core/model.h"
#include "core/room.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store-int.h"	/* the connection, for the sync test */
#include "tests/event_equal.h"
#include "tests/scratch.h"

/* ---- helpers ------------------------------------------------------------- */

struct fx {
	char dir[64];
	char *path;		/* DIR/sub/dir/relay.db: parents to create */
};

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	strcpy(fx->dir, "/tmp/wr-store-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->path = xasprintf("%s/sub/dir/relay.db", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	scratch_rm(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

static struct wr_store *
open_ok(const char *path, enum wr_store_role role)
{
	struct wr_store *s = NULL;
	char *cause = NULL;

	if (store_open(path, role, &s, &cause) != 0)
		fail_msg("store_open %s: %s", path, cause);
	assert_non_null(s);
	return s;
}

/* Open must fail; returns the cause (caller frees). */
static char *
open_refused(const char *path, enum wr_store_role role)
{
	struct wr_store *s = NULL;
	char *cause = NULL;

	assert_int_equal(store_open(path, role, &s, &cause), -1);
	assert_null(s);
	assert_non_null(cause);
	return cause;
}

/* Run SQL on the file behind the store's back. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
commit_ok(struct wr_store *s, const struct wr_batch *b)
{
	char *cause = NULL;

	if (store_commit_batch(s, b, &cause) != 0)
		fail_msg("commit: %s", cause);
}

static struct wr_incident *
make_incident(int64_t id, const char *title)
{
	struct wr_incident *inc = xcalloc(1, sizeof *inc);

	inc->id = id;
	inc->source = xstrdup("alertmanager");
	inc->key = xasprintf("{}:{alertname=\"A%lld\"}", (long long)id);
	inc->title = xstrdup(title);
	inc->service = xstrdup("api");
	inc->severity = WR_SEV_ERROR;
	inc->state = WR_ST_TRIGGERED;
	inc->created = inc->updated = inc->last_seen = 1700000000000 + id;
	return inc;
}

/* A TRIGGERED event for incident id (seq given). */
static void
make_triggered(struct wr_event *e, int64_t seq, int64_t id)
{
	memset(e, 0, sizeof *e);
	e->seq = seq;
	e->kind = WR_EV_TRIGGERED;
	e->incident = id;
	e->time = 1700000000000 + seq;
	e->actor = xstrdup("alertmanager");
	e->source = xstrdup("alertmanager");
	e->key = xasprintf("{}:{alertname=\"A%lld\"}", (long long)id);
	e->title = xstrdup("disk full");
	e->service = xstrdup("api");
	e->severity = WR_SEV_ERROR;
}

/* An alert with labels in a deliberate, unsorted order, a repeated key
 * and text that is not ASCII. */
static void
make_alert(struct wr_alert *a, const char *fp, int64_t starts)
{
	memset(a, 0, sizeof *a);
	a->fingerprint = xstrdup(fp);
	a->starts = starts;
	a->firing = 1;
	a->last_seen = starts + 5;
	wr_kvlist_add(&a->labels, "zeta", "last-first");
	wr_kvlist_add(&a->labels, "alertname", "CertExpiry");
	wr_kvlist_add(&a->labels, "team", "s\xc3\xa9" "curit\xc3\xa9");
	wr_kvlist_add(&a->labels, "zeta", "again");
	wr_kvlist_add(&a->labels, "empty", "");
	wr_kvlist_add(&a->annotations, "summary",
	    "expires in 6 d\xc3\xad" "as \"quoted\" \\ \xe2\x80\x94 end");
}

/* ---- schema and files ---------------------------------------------------- */

static void
test_migration_from_empty_file_sets_versions_and_tables(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/empty.db", fx->dir);
	FILE *f = fopen(path, "w");
	struct wr_store *s;
	static const char *tables[] = {
		"meta", "events", "incidents", "alerts", "ops", "outbox"
	};

	/* An empty file (what a touch leaves) is a new store. */
	assert_non_null(f);
	fclose(f);
	s = open_ok(path, WR_STORE_RELAY);
	store_close(s);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 10);
	assert_int_equal(raw_int(path, "PRAGMA application_id"), 0x57415252);
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char *sql = xasprintf("SELECT count(*) FROM sqlite_master "
		    "WHERE type = 'table' AND name = '%s'", tables[i]);
		assert_int_equal(raw_int(path, sql), 1);
		free(sql);
	}
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'events_incident'"), 1);
	assert_int_equal(raw_int(path,
	    "SELECT count(*) FROM meta WHERE key = 'role' AND value = 'relay'"),
	    1);
	assert_int_equal(raw_int(path,
	    "SELECT value FROM meta WHERE key = 'cursor'"), 0);
	/* Opening again migrates nothing and changes nothing. */
	s = open_ok(path, WR_STORE_RELAY);
	store_close(s);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 10);
	free(path);
}

static void
test_new_store_is_wal_with_a_random_relay_epoch(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	char *other = xasprintf("%s/other.db", fx->dir);
	struct wr_store *s2 = open_ok(other, WR_STORE_RELAY);
	const char *ep = store_epoch(s);

	assert_int_equal(strlen(ep), 16);
	assert_int_equal(strspn(ep, "0123456789abcdef"), 16);
	assert_string_not_equal(ep, store_epoch(s2));
	assert_string_equal(store_path(s), fx->path);
	assert_int_equal(store_last_seq(s), 0);
	assert_int_equal(store_first_seq(s), 0);
	store_close(s);
	store_close(s2);
	assert_int_equal(raw_int(fx->path,
	    "SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'"),
	    1);
	free(other);
}

static void
test_reopen_keeps_data_epoch_and_cursor(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[2];
	struct wr_incident *inc = make_incident(1, "disk full");
	struct wr_batch b = { .events = ev, .n_events = 2,
	    .incidents = &inc, .n_incidents = 1 };
	struct wr_evlist got = { 0 };
	struct wr_room room;
	char *epoch = xstrdup(store_epoch(s)), *cause = NULL;

	make_triggered(&ev[0], 1, 1);
	memset(&ev[1], 0, sizeof ev[1]);
	ev[1] = (struct wr_event){ .seq = 2, .kind = WR_EV_NOTE,
	    .incident = 1, .time = 5, .actor = xstrdup("alice"),
	    .text = xstrdup("looking") };
	commit_ok(s, &b);
	store_close(s);

	s = open_ok(fx->path, WR_STORE_RELAY);
	assert_string_equal(store_epoch(s), epoch);
	assert_int_equal(store_last_seq(s), 2);
	assert_int_equal(store_first_seq(s), 1);
	assert_int_equal(store_events_after(s, 0, 0, &got, &cause), 0);
	assert_int_equal(got.n, 2);
	assert_event_equal(&got.v[0], &ev[0]);
	assert_event_equal(&got.v[1], &ev[1]);
	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(room.n_incidents, 1);
	assert_int_equal(room.last_seq, 2);
	assert_string_equal(wr_room_get(&room, 1)->title, "disk full");
	wr_room_free(&room);
	store_close(s);
	wr_evlist_free(&got);
	wr_event_free(&ev[0]);
	wr_event_free(&ev[1]);
	wr_incident_free(inc);
	free(epoch);
}

static void
test_newer_schema_is_refused_with_both_versions(void **state)
{
	struct fx *fx = *state;
	char *cause;

	store_close(open_ok(fx->path, WR_STORE_RELAY));
	raw_exec(fx->path, "PRAGMA user_version = 99");
	cause = open_refused(fx->path, WR_STORE_RELAY);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "newer"));
	assert_non_null(strstr(cause, "99"));
	assert_non_null(strstr(cause, "> 10"));
	free(cause);
	/* Refusing wrote nothing: the file is still version 99. */
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 99);
}

/*
 * A schema-1 file as warroom 0.1 made it, written here with its own DDL
 * (not a binary fixture): two incidents of two Alertmanagers (tokens am-a
 * and am-b) with the same groupKey, which 0.1 merged into one; here they
 * were already two (as a relay with two rooms would have them), their
 * events, an alert, and op answers of two tokens.
 */
static const char v1_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE events(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	"  incident INTEGER NOT NULL, time INTEGER NOT NULL, actor TEXT,"
	"  via TEXT, op_id TEXT, body TEXT NOT NULL);"
	"CREATE INDEX events_incident ON events(incident, seq);"
	"CREATE TABLE incidents(id INTEGER PRIMARY KEY, source TEXT, key TEXT,"
	"  title TEXT, service TEXT, severity INTEGER NOT NULL,"
	"  severity_raw TEXT, state INTEGER NOT NULL, ack_by TEXT,"
	"  ack_at INTEGER NOT NULL DEFAULT 0, resolved_by TEXT,"
	"  resolved_at INTEGER NOT NULL DEFAULT 0, assignee TEXT,"
	"  created INTEGER NOT NULL DEFAULT 0,"
	"  updated INTEGER NOT NULL DEFAULT 0,"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  n_alerts INTEGER NOT NULL DEFAULT 0,"
	"  n_firing INTEGER NOT NULL DEFAULT 0,"
	"  n_notes INTEGER NOT NULL DEFAULT 0, labels_text TEXT);"
	"CREATE TABLE alerts(incident INTEGER NOT NULL,"
	"  fingerprint TEXT NOT NULL, starts INTEGER NOT NULL,"
	"  ends INTEGER NOT NULL DEFAULT 0, firing INTEGER NOT NULL DEFAULT 1,"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  labels TEXT NOT NULL DEFAULT '[]',"
	"  annotations TEXT NOT NULL DEFAULT '[]',"
	"  PRIMARY KEY(incident, fingerprint, starts));"
	"CREATE TABLE ops(op_id TEXT PRIMARY KEY, status INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL DEFAULT 0, code TEXT, reason TEXT);"
	"CREATE TABLE outbox(op_id TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
	"  incident INTEGER NOT NULL, epoch TEXT, actor TEXT, text TEXT,"
	"  created INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  state INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT, ord INTEGER NOT NULL UNIQUE);"
	"PRAGMA application_id = 1463898706;"
	"PRAGMA user_version = 1;"
	"INSERT INTO meta VALUES('role', 'relay'), ('epoch', 'feedc0de00000001'),"
	"  ('cursor', '5');"
	"INSERT INTO incidents(id, source, key, title, service, severity, state,"
	"  created, updated, last_seen, n_alerts, n_firing) VALUES"
	"  (1, 'alertmanager', 'g', 'disk A', 'db', 0, 1, 10, 40, 40, 1, 1),"
	"  (2, 'alertmanager', 'g', 'disk B', 'db', 2, 0, 20, 50, 50, 0, 0);"
	"INSERT INTO events VALUES"
	"  (1, 1, 1, 10, 'alertmanager', 'am-a', NULL,"
	"   '{\"source\":\"alertmanager\",\"key\":\"g\",\"title\":\"disk A\","
	"   \"service\":\"db\"}'),"
	"  (2, 2, 1, 10, 'alertmanager', 'am-a', NULL,"
	"   '{\"alert\":{\"fingerprint\":\"f1\",\"starts\":5,\"firing\":1}}'),"
	"  (3, 1, 2, 20, 'alertmanager', 'am-b', NULL,"
	"   '{\"source\":\"alertmanager\",\"key\":\"g\",\"title\":\"disk B\","
	"   \"service\":\"db\",\"severity\":2}'),"
	"  (4, 4, 1, 40, 'alice', 'console-a',"
	"   'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '{}'),"
	"  (5, 6, 2, 50, 'bob', 'console-b', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',"
	"   '{\"text\":\"looking\"}');"
	"INSERT INTO alerts(incident, fingerprint, starts, firing, last_seen)"
	"  VALUES(1, 'f1', 5, 1, 40);"
	"INSERT INTO ops VALUES"
	"  ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 4, NULL, NULL),"
	"  ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 0, 5, NULL, NULL),"
	"  ('cccccccccccccccccccccccccccccccc', 2, 0, 'bad_op', 'no');";

static void
make_v1_file(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fclose(f);
	raw_exec(path, v1_schema);
}

static void
test_migration_from_v1_keeps_every_incident_and_event(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/v1.db", fx->dir);
	struct wr_store *s;
	struct wr_room room;
	struct wr_evlist ev = { 0 };
	struct wr_op_result out;
	char *cause = NULL;

	make_v1_file(path);
	s = open_ok(path, WR_STORE_RELAY);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 10);
	assert_string_equal(store_epoch(s), "feedc0de00000001");
	assert_int_equal(store_last_seq(s), 5);
	/* 3 -> 4: incidents from before the escalation do not escalate */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM incidents "
	    "WHERE esc_since = 0 AND esc_fired = 0 AND snooze_until = 0 AND "
	    "assigned_by_policy = 0"), 2);

	/* every event, as it was, and the triggers name their sender */
	assert_int_equal(store_events_after(s, 0, 0, &ev, &cause), 0);
	assert_int_equal(ev.n, 5);
	for (size_t i = 0; i < ev.n; i++)
		assert_int_equal(ev.v[i].seq, (int64_t)i + 1);
	assert_int_equal(ev.v[0].kind, WR_EV_TRIGGERED);
	assert_string_equal(ev.v[0].sender, "am-a");
	assert_string_equal(ev.v[0].title, "disk A");
	assert_string_equal(ev.v[1].alert.fingerprint, "f1");
	assert_string_equal(ev.v[2].sender, "am-b");
	assert_int_equal(ev.v[2].severity, WR_SEV_WARNING);
	assert_string_equal(ev.v[4].text, "looking");
	assert_null(ev.v[3].sender);
	/* an ack from before ops said when they were made: no made_at, and
	 * the person acted when it arrived (no migration: made_at is a
	 * member of the body, absent there) */
	assert_int_equal(ev.v[3].made_at, 0);
	assert_int_equal(wr_event_acted_at(&ev.v[3]), 40);

	/* every incident, with its sender: two senders, one groupKey */
	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(room.n_incidents, 2);
	assert_string_equal(wr_room_get(&room, 1)->sender, "am-a");
	assert_string_equal(wr_room_get(&room, 2)->sender, "am-b");
	assert_int_equal(wr_room_get(&room, 1)->state, WR_ST_ACKNOWLEDGED);
	assert_int_equal(wr_room_get(&room, 1)->alerts_len, 1);
	/* an old alert has its incident's severity */
	assert_int_equal(wr_room_get(&room, 1)->alerts[0].severity,
	    WR_SEV_CRITICAL);
	assert_ptr_equal(wr_room_find_key(&room, "alertmanager", "am-a", "g"),
	    wr_room_get(&room, 1));
	assert_ptr_equal(wr_room_find_key(&room, "alertmanager", "am-b", "g"),
	    wr_room_get(&room, 2));
	assert_null(wr_room_find_key(&room, "alertmanager", "", "g"));

	/* op answers are the token's that made them */
	assert_int_equal(store_op_lookup(s, "console-a",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &out, &cause), 1);
	assert_int_equal(out.seq, 4);
	assert_int_equal(out.time, 40);
	/* from before digests: taken as matching any resend */
	assert_null(out.digest);
	wr_op_result_free(&out);
	assert_int_equal(store_op_lookup(s, "console-b",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &out, &cause), 0);
	assert_int_equal(store_op_lookup(s, "console-b",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", &out, &cause), 1);
	wr_op_result_free(&out);
	/* a refused op made no event: its token is unknown, "" */
	assert_int_equal(store_op_lookup(s, NULL,
	    "cccccccccccccccccccccccccccccccc", &out, &cause), 1);
	assert_int_equal(out.status, WR_OPST_REFUSED);
	wr_op_result_free(&out);

	wr_room_free(&room);
	wr_evlist_free(&ev);
	store_close(s);
	/* and the second open finds nothing left to do */
	s = open_ok(path, WR_STORE_RELAY);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM incidents"), 2);
	store_close(s);
	free(path);
}

/*
 * A migration that fails half way (here: a table in its way, as a crash
 * or a disk error would fail it at any statement) leaves the file as it
 * was: the migration is one transaction.  A crash while it runs is the
 * same case: SQLite rolls back the uncommitted transaction on the next
 * open.
 */
static void
test_failed_migration_leaves_the_v1_file_untouched(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/v1.db", fx->dir);
	char *cause, *want;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);

	/* the schema it was going to: the one a new file gets */
	store_close(s);
	want = xasprintf("migrating to schema %lld",
	    (long long)raw_int(fx->path, "PRAGMA user_version"));
	make_v1_file(path);
	raw_exec(path, "CREATE TABLE ops_v2(x)");
	cause = open_refused(path, WR_STORE_RELAY);
	assert_non_null(strstr(cause, want));
	free(want);
	free(cause);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 5);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM incidents"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM ops"), 3);
	/* the first ALTER TABLE of the migration was undone too */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM "
	    "pragma_table_info('incidents') WHERE name = 'sender'"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events "
	    "WHERE body LIKE '%sender%'"), 0);
	free(path);
}

/*
 * A file of schema 9: events whose bodies say when the person made them
 * (acknowledgements, a resolution) and events that do not (a trigger, a
 * note whose text merely names made_at, a damaged body), stored by this
 * warroom and then taken back to what schema 9 was (no made_at column).
 */
static void
make_v9_file(const char *path)
{
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_incident *inc = make_incident(1, "disk full");
	struct wr_event ev[5];
	struct wr_batch b = { .events = ev, .n_events = 5, .incidents = &inc,
	    .n_incidents = 1, .cursor = 5 };

	make_triggered(&ev[0], 1, 1);
	ev[1] = (struct wr_event){ .seq = 2, .kind = WR_EV_ACKNOWLEDGED,
	    .incident = 1, .time = 1700000000900, .made_at = 1700000000500,
	    .actor = xstrdup("alice"), .op_id = xstrdup("0001") };
	ev[2] = (struct wr_event){ .seq = 3, .kind = WR_EV_UNACKNOWLEDGED,
	    .incident = 1, .time = 1700000001000, .actor = xstrdup("alice") };
	ev[3] = (struct wr_event){ .seq = 4, .kind = WR_EV_NOTE,
	    .incident = 1, .time = 1700000001100, .actor = xstrdup("bob"),
	    .text = xstrdup("\"made_at\": 12") };
	ev[4] = (struct wr_event){ .seq = 5, .kind = WR_EV_RESOLVED,
	    .incident = 1, .time = 1700000002000, .made_at = 1700000001800,
	    .actor = xstrdup("bob"), .op_id = xstrdup("0002") };
	commit_ok(s, &b);
	store_close(s);
	for (size_t i = 0; i < 5; i++)
		wr_event_free(&ev[i]);
	wr_incident_free(inc);
	raw_exec(path, "ALTER TABLE events DROP COLUMN made_at;"
	    "INSERT INTO events(seq, kind, incident, time, actor, body)"
	    "  VALUES(6, 6, 1, 1700000003000, 'carol', '{\"made_at\":17');"
	    "UPDATE meta SET value = '6' WHERE key = 'cursor';"
	    "PRAGMA user_version = 9;");
}

/*
 * 9 -> 10: made_at moves into a column of its own (store/stats.c reads
 * it for every acknowledgement and resolution): each event's is what
 * json_extract finds in its body, NULL where the body has none or cannot
 * be read, and every event reads back as it was.
 */
static void
test_migration_to_v10_fills_made_at_from_the_bodies(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console-v9.db", fx->dir), *cause = NULL;
	struct wr_evlist ev = { 0 };
	struct wr_store *s;

	make_v9_file(path);
	s = open_ok(path, WR_STORE_CONSOLE);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 10);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 6);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"
	    " WHERE json_valid(body) AND"
	    " made_at IS json_extract(body, '$.made_at')"), 5);
	/* 2 and 5, the acknowledgement and the resolution */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"
	    " WHERE made_at IS NOT NULL"), 2);
	assert_int_equal(raw_int(path, "SELECT made_at FROM events"
	    " WHERE seq = 2"), 1700000000500);
	assert_int_equal(raw_int(path, "SELECT made_at FROM events"
	    " WHERE seq = 5"), 1700000001800);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"
	    " WHERE seq = 6 AND made_at IS NULL"), 1);
	assert_int_equal(store_events_after(s, 0, 5, &ev, &cause), 0);
	assert_int_equal(ev.n, 5);
	assert_int_equal(ev.v[1].made_at, 1700000000500);
	assert_int_equal(ev.v[2].made_at, 0);
	assert_string_equal(ev.v[3].text, "\"made_at\": 12");
	assert_int_equal(ev.v[4].made_at, 1700000001800);
	wr_evlist_free(&ev);
	store_close(s);
	free(path);
}

/* What this warroom stores fills the column as the migration would. */
static void
test_stored_events_carry_made_at_in_its_column(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir);
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_incident *inc = make_incident(1, "disk full");
	struct wr_event ev[2];
	struct wr_batch b = { .events = ev, .n_events = 2, .incidents = &inc,
	    .n_incidents = 1, .cursor = 2 };

	make_triggered(&ev[0], 1, 1);
	ev[1] = (struct wr_event){ .seq = 2, .kind = WR_EV_ACKNOWLEDGED,
	    .incident = 1, .time = 1700000000900, .made_at = 1700000000500,
	    .actor = xstrdup("alice"), .op_id = xstrdup("0001") };
	commit_ok(s, &b);
	store_close(s);
	for (size_t i = 0; i < 2; i++)
		wr_event_free(&ev[i]);
	wr_incident_free(inc);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"
	    " WHERE made_at IS json_extract(body, '$.made_at')"), 2);
	assert_int_equal(raw_int(path, "SELECT made_at FROM events"
	    " WHERE seq = 2"), 1700000000500);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"
	    " WHERE seq = 1 AND made_at IS NULL"), 1);
	free(path);
}

/* The migration to 10 is one transaction: when it fails half way (an
 * UPDATE refused by a trigger in its way) the column it added is gone
 * and the file is still version 9. */
static void
test_failed_migration_to_v10_leaves_the_v9_file_untouched(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console-v9.db", fx->dir), *cause;

	make_v9_file(path);
	raw_exec(path, "CREATE TRIGGER in_the_way BEFORE UPDATE ON events"
	    " BEGIN SELECT RAISE(ABORT, 'in the way'); END;");
	cause = open_refused(path, WR_STORE_CONSOLE);
	assert_non_null(strstr(cause, "migrating to schema 10"));
	assert_non_null(strstr(cause, "in the way"));
	free(cause);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 9);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM "
	    "pragma_table_info('events') WHERE name = 'made_at'"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 6);
	/* out of the way, it migrates */
	raw_exec(path, "DROP TRIGGER in_the_way");
	store_close(open_ok(path, WR_STORE_CONSOLE));
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 10);
	free(path);
}

/*
 * store_room_counts() gives the counts a room loaded from the file holds
 * (`warroom stats` prints them without loading one): by state, the open
 * ones by severity, a state or severity out of range taken as the row
 * reader takes it, and a row whose id no room can hold left out.
 */
static void
test_room_counts_are_the_loaded_rooms(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_CONSOLE);
	struct wr_incident *inc[6];
	struct wr_batch b = { .incidents = inc, .n_incidents = 6,
	    .cursor = 1 };
	int by_state[WR_ST_COUNT], open_by_sev[WR_SEV_COUNT];
	struct wr_room room;
	char *cause = NULL;

	for (int i = 0; i < 6; i++)
		inc[i] = make_incident(i + 1, "disk full");
	inc[1]->state = WR_ST_ACKNOWLEDGED;
	inc[2]->state = WR_ST_RESOLVED;
	inc[3]->severity = WR_SEV_CRITICAL;
	inc[4]->state = WR_ST_RESOLVED;
	inc[4]->severity = WR_SEV_INFO;
	commit_ok(s, &b);
	for (int i = 0; i < 6; i++)
		wr_incident_free(inc[i]);
	store_close(s);
	/* #6 damaged (a state and a severity no warroom wrote), and a row
	 * numbered 0 */
	raw_exec(fx->path, "UPDATE incidents SET state = 9, severity = -3"
	    " WHERE id = 6;"
	    "INSERT INTO incidents(id, source, key, title, service, severity,"
	    " state, created, updated, last_seen, n_alerts, n_firing)"
	    " SELECT 0, source, 'zero', title, service, severity, state,"
	    " created, updated, last_seen, 0, 0 FROM incidents WHERE id = 1");
	s = open_ok(fx->path, WR_STORE_CONSOLE);
	assert_int_equal(store_room_counts(s, by_state, open_by_sev, &cause),
	    0);
	wr_room_init(&room, 0);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(room.n_incidents, 6);
	for (int i = 0; i < WR_ST_COUNT; i++)
		assert_int_equal(by_state[i], room.by_state[i]);
	for (int i = 0; i < WR_SEV_COUNT; i++)
		assert_int_equal(open_by_sev[i], room.open_by_sev[i]);
	/* #1, #4, #6 triggered; #2 acknowledged; #3, #5 resolved */
	assert_int_equal(by_state[WR_ST_TRIGGERED], 3);
	assert_int_equal(by_state[WR_ST_ACKNOWLEDGED], 1);
	assert_int_equal(by_state[WR_ST_RESOLVED], 2);
	assert_int_equal(open_by_sev[WR_SEV_ERROR], 2);
	assert_int_equal(open_by_sev[WR_SEV_CRITICAL], 1);
	assert_int_equal(open_by_sev[WR_SEV_WARNING], 1);
	assert_int_equal(open_by_sev[WR_SEV_INFO], 0);
	wr_room_free(&room);
	store_close(s);
}

/* One token cannot read (or, by storing first, suppress) another's answer
 * to the same op id; retention prunes answers by age. */
static void
test_op_answers_are_keyed_by_token_and_pruned_by_age(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	const char *id = "0123456789abcdef0123456789abcdef";
	struct wr_op_result res[2] = {
		{ .via = "console-a", .op_id = (char *)id,
		  .status = WR_OPST_APPLIED, .seq = 7, .time = 1000 },
		{ .via = "console-b", .op_id = (char *)id,
		  .status = WR_OPST_REFUSED, .code = "bad_op",
		  .reason = "no", .time = 5000 },
	};
	struct wr_batch b = { .results = res, .n_results = 2 };
	struct wr_op_result out;
	char *cause = NULL;

	commit_ok(s, &b);
	assert_int_equal(store_op_lookup(s, "console-a", id, &out, &cause), 1);
	assert_int_equal(out.status, WR_OPST_APPLIED);
	assert_int_equal(out.seq, 7);
	assert_string_equal(out.via, "console-a");
	wr_op_result_free(&out);
	assert_int_equal(store_op_lookup(s, "console-b", id, &out, &cause), 1);
	assert_int_equal(out.status, WR_OPST_REFUSED);
	wr_op_result_free(&out);
	assert_int_equal(store_op_lookup(s, "console-c", id, &out, &cause), 0);

	assert_int_equal(store_op_prune(s, 2000, &cause), 0);
	assert_int_equal(store_op_lookup(s, "console-a", id, &out, &cause), 0);
	assert_int_equal(store_op_lookup(s, "console-b", id, &out, &cause), 1);
	wr_op_result_free(&out);
	store_close(s);
}

/* The sender, the hand-set severity, the truncation and the silences
 * survive a reload. */
static void
test_incident_sender_and_new_fields_round_trip(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_incident *inc = make_incident(1, "t");
	struct wr_batch b = { .incidents = &inc, .n_incidents = 1,
	    .write_alerts = 1 };
	struct wr_room room;
	struct wr_incident *got;
	char *cause = NULL;

	inc->sender = xstrdup("am-b");
	inc->severity_by = xstrdup("alice");
	inc->truncated = 15;
	inc->pm_version = 3;
	inc->pm_by = xstrdup("bob");
	inc->pm_at = 1764258428771;
	inc->alerts = xcalloc(1, sizeof *inc->alerts);
	inc->alerts_len = inc->alerts_cap = 1;
	inc->alerts[0].fingerprint = xstrdup("f");
	inc->alerts[0].starts = 5;
	inc->alerts[0].firing = 1;
	inc->alerts[0].severity = WR_SEV_INFO;
	inc->silences = xcalloc(2, sizeof *inc->silences);
	inc->n_silences = 2;
	inc->silences[0] = (struct wr_silence){ xstrdup("aaaa-1"), 7200000,
	    xstrdup("alice"), xstrdup("alertname=\"X\", job=\"a\\\"b\"") };
	inc->silences[1] = (struct wr_silence){ xstrdup("bbbb-2"), 60000,
	    xstrdup("bob"), xstrdup("pop=\"ams\"") };
	commit_ok(s, &b);
	store_close(s);
	s = open_ok(fx->path, WR_STORE_RELAY);
	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	got = wr_room_get(&room, 1);
	assert_non_null(got);
	assert_string_equal(got->sender, "am-b");
	assert_string_equal(got->severity_by, "alice");
	assert_int_equal(got->truncated, 15);
	assert_int_equal(got->pm_version, 3);
	assert_string_equal(got->pm_by, "bob");
	assert_int_equal(got->pm_at, 1764258428771);
	assert_int_equal(got->alerts[0].severity, WR_SEV_INFO);
	/* and its Alertmanager silences */
	assert_int_equal(got->n_silences, 2);
	assert_string_equal(got->silences[0].id, "aaaa-1");
	assert_int_equal(got->silences[0].ends, 7200000);
	assert_string_equal(got->silences[0].by, "alice");
	assert_string_equal(got->silences[0].matchers,
	    "alertname=\"X\", job=\"a\\\"b\"");
	assert_string_equal(got->silences[1].id, "bbbb-2");
	wr_room_free(&room);
	wr_incident_free(inc);
	store_close(s);
}

static void
test_foreign_application_id_is_refused(void **state)
{
	struct fx *fx = *state;
	char *cause;

	store_close(open_ok(fx->path, WR_STORE_CONSOLE));
	raw_exec(fx->path, "PRAGMA application_id = 1234");
	cause = open_refused(fx->path, WR_STORE_CONSOLE);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "another application"));
	free(cause);
}

static void
test_foreign_sqlite_file_without_application_id_is_untouched(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/notes.db", fx->dir), *cause;

	raw_exec(path, "CREATE TABLE notes(x); INSERT INTO notes VALUES(1)");
	cause = open_refused(path, WR_STORE_RELAY);
	assert_non_null(strstr(cause, path));
	free(cause);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 0);
	assert_int_equal(raw_int(path, "PRAGMA application_id"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master"),
	    1);
	free(path);
}

static void
test_file_that_is_not_sqlite_is_refused_naming_it(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/junk.db", fx->dir), *cause;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("this is not a database, it is a shopping list\n"
	    "eggs\nmilk\nflour\nbutter\nsugar\nmore eggs\n", f);
	fclose(f);
	cause = open_refused(path, WR_STORE_RELAY);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
}

/*
 * A relay's log with one page overwritten in the middle of its events,
 * where loading the room never reads: refused at open, naming the file
 * and saying it is damaged, and left as it was.  It used to open, and the
 * damage was met only when a console's replay or the retention reached
 * that page.
 */
static void
test_relay_file_with_a_damaged_page_is_refused(void **state)
{
	struct fx *fx = *state;
	unsigned char junk[4096], back[4096];
	int64_t page, size;
	char *cause;
	FILE *f;

	store_close(open_ok(fx->path, WR_STORE_RELAY));
	raw_exec(fx->path, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO events(seq, "
	    "kind, incident, time, body) SELECT i, 6, 1, i, "
	    "printf('{\"text\":\"%0200d\"}', i) FROM n;"
	    "UPDATE meta SET value = '3000' WHERE key = 'cursor'");
	size = raw_int(fx->path, "PRAGMA page_size");
	page = raw_int(fx->path, "PRAGMA page_count") / 2;
	assert_true(page > 20);
	assert_true(size == (int64_t)sizeof junk);
	memset(junk, 0xa5, sizeof junk);
	f = fopen(fx->path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)((page - 1) * size), SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	assert_int_equal(fclose(f), 0);

	cause = open_refused(fx->path, WR_STORE_RELAY);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "is damaged"));
	assert_null(strchr(cause, '\n'));	/* one line, for a log */
	free(cause);
	/* nothing was written to it: the page is still the junk */
	f = fopen(fx->path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)((page - 1) * size), SEEK_SET), 0);
	assert_int_equal(fread(back, 1, sizeof back, f), sizeof back);
	fclose(f);
	assert_memory_equal(back, junk, sizeof junk);
}

static void
test_relay_file_opened_as_console_is_refused(void **state)
{
	struct fx *fx = *state;
	char *console = xasprintf("%s/console.db", fx->dir), *cause;

	store_close(open_ok(fx->path, WR_STORE_RELAY));
	cause = open_refused(fx->path, WR_STORE_CONSOLE);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "relay database"));
	free(cause);

	store_close(open_ok(console, WR_STORE_CONSOLE));
	cause = open_refused(console, WR_STORE_RELAY);
	assert_non_null(strstr(cause, "console database"));
	free(cause);
	free(console);
}

static void
test_file_is_0600_and_new_directories_0700(void **state)
{
	struct fx *fx = *state;
	char *sub = xasprintf("%s/sub", fx->dir);
	char *subdir = xasprintf("%s/sub/dir", fx->dir);
	char *wal = xasprintf("%s-wal", fx->path);
	struct wr_store *s;
	struct stat sb;
	mode_t old = umask(022);

	s = open_ok(fx->path, WR_STORE_RELAY);
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(subdir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* SQLite gives the WAL its database's mode. */
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	store_close(s);
	umask(old);
	free(sub);
	free(subdir);
	free(wal);
}

static void
test_default_path_follows_xdg_then_home(void **state)
{
	char *p, *xdg = xstrdup0(getenv("XDG_DATA_HOME")),
	    *home = xstrdup0(getenv("HOME"));

	(void)state;
	setenv("XDG_DATA_HOME", "/x/data", 1);
	p = store_default_path(WR_STORE_RELAY);
	assert_string_equal(p, "/x/data/warroom/relay.db");
	free(p);
	p = store_default_path(WR_STORE_CONSOLE);
	assert_string_equal(p, "/x/data/warroom/console.db");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/op", 1);
	p = store_default_path(WR_STORE_CONSOLE);
	assert_string_equal(p, "/home/op/.local/share/warroom/console.db");
	free(p);
	/* A relative XDG_DATA_HOME is ignored, as the spec says. */
	setenv("XDG_DATA_HOME", "rel", 1);
	p = store_default_path(WR_STORE_RELAY);
	assert_string_equal(p, "/home/op/.local/share/warroom/relay.db");
	free(p);
	if (xdg != NULL)
		setenv("XDG_DATA_HOME", xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(xdg);
	free(home);
}

/* ---- events -------------------------------------------------------------- */

static void
test_event_round_trip_every_kind_with_labels_in_order(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[WR_EV_KIND_COUNT - 1];
	struct wr_batch b = { .events = ev, .n_events = WR_EV_KIND_COUNT - 1 };
	struct wr_evlist got = { 0 }, tl = { 0 };
	char *cause = NULL;

	memset(ev, 0, sizeof ev);
	for (int k = 1; k < WR_EV_KIND_COUNT; k++) {
		struct wr_event *e = &ev[k - 1];

		e->seq = k;
		e->kind = (wr_event_kind)k;
		e->incident = 7;
		e->time = 1764258428771 + k;
		e->actor = xstrdup(k == 1 ? "alertmanager" : "b\xc3\xb8rge");
		if (k >= WR_EV_ACKNOWLEDGED) {
			e->via = xstrdup("console-token");
			e->op_id = xasprintf("%032x", k);
		}
		/* made offline three minutes before it arrived */
		if (wr_event_kind_info(e->kind)->fields & WR_EVF(MADE_AT))
			e->made_at = e->time - 180000;
	}
	ev[0].source = xstrdup("alertmanager");
	ev[0].key = xstrdup("{}:{alertname=\"CertExpiry\"}");
	ev[0].title = xstrdup("CertExpiry "
	    "\xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8");
	ev[0].service = xstrdup("");	/* empty, not NULL */
	ev[0].severity = WR_SEV_INFO;
	ev[0].severity_raw = xstrdup("P5");
	make_alert(&ev[WR_EV_ALERT_FIRING - 1].alert, "4287bf3cc0fd00f4",
	    1764258432825);
	ev[WR_EV_ALERT_RESOLVED - 1].alert = (struct wr_alert){
	    .fingerprint = xstrdup("4287bf3cc0fd00f4"),
	    .starts = 1764258432825, .ends = 1764258999000 };
	ev[WR_EV_NOTE - 1].text = xstrdup("line one\nline \"two\"\t\\ "
	    "\xe2\x9c\x93");
	ev[WR_EV_ASSIGNED - 1].text = xstrdup("carol");
	ev[WR_EV_POSTMORTEM - 1].text = xstrdup("# Postmortem\n\n- [ ] "
	    "b\xc3\xb8rge: a canary\n");
	ev[WR_EV_POSTMORTEM - 1].version = 3;
	ev[WR_EV_POSTMORTEM - 1].base = 1;

	commit_ok(s, &b);
	assert_int_equal(store_last_seq(s), WR_EV_KIND_COUNT - 1);
	/* Read back in two pages, to exercise the limit. */
	assert_int_equal(store_events_after(s, 0, 4, &got, &cause), 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(store_events_after(s, 4, 100, &got, &cause), 0);
	assert_int_equal(got.n, WR_EV_KIND_COUNT - 1);
	for (size_t i = 0; i < got.n; i++)
		assert_event_equal(&got.v[i], &ev[i]);
	assert_int_equal(store_incident_events(s, 7, &tl, &cause), 0);
	assert_int_equal(tl.n, WR_EV_KIND_COUNT - 1);
	for (size_t i = 0; i < tl.n; i++)
		assert_event_equal(&tl.v[i], &ev[i]);
	wr_evlist_clear(&tl);
	assert_int_equal(store_incident_events(s, 8, &tl, &cause), 0);
	assert_int_equal(tl.n, 0);

	wr_evlist_free(&got);
	wr_evlist_free(&tl);
	for (size_t i = 0; i < b.n_events; i++)
		wr_event_free(&ev[i]);
	store_close(s);
}

static void
test_text_that_is_not_utf8_fails_the_batch_loudly(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event e = { .seq = 1, .kind = WR_EV_NOTE, .incident = 1,
	    .actor = "alice", .text = "bad \xff byte" };
	struct wr_batch b = { .events = &e, .n_events = 1 };
	char *cause = NULL;

	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "UTF-8"));
	assert_int_equal(store_last_seq(s), 0);
	free(cause);
	store_close(s);
}

/* ---- the text on disk ---------------------------------------------------- */

/* The JSON text the store wrote before it wrote text directly: a jansson
 * tree, dumped compact.  The store's text must still be exactly this. */
static json_t *
old_kv(const struct wr_kvlist *l)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < l->n; i++)
		assert_int_equal(json_array_append_new(arr, json_pack("[ss]",
		    l->v[i].key, l->v[i].value)), 0);
	return arr;
}

static char *
old_kv_text(const struct wr_kvlist *l)
{
	json_t *j = old_kv(l);
	char *t = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	return t;
}

static void
old_put_str(json_t *o, const char *name, const char *v)
{
	if (v != NULL)
		assert_int_equal(json_object_set_new(o, name, json_string(v)),
		    0);
}

static void
old_put_int(json_t *o, const char *name, int64_t v)
{
	if (v != 0)
		json_object_set_new(o, name, json_integer(v));
}

static char *
old_body_text(const struct wr_event *e)
{
	json_t *o = json_object();
	const struct wr_alert *a = &e->alert;
	char *t;

	old_put_str(o, "source", e->source);
	old_put_str(o, "key", e->key);
	old_put_str(o, "title", e->title);
	old_put_str(o, "service", e->service);
	old_put_int(o, "severity", e->severity);
	old_put_str(o, "severity_raw", e->severity_raw);
	old_put_str(o, "text", e->text);
	if (a->fingerprint != NULL || a->starts != 0 || a->ends != 0 ||
	    a->firing != 0 || a->last_seen != 0 || a->labels.n > 0 ||
	    a->annotations.n > 0) {
		json_t *j = json_object();

		old_put_str(j, "fingerprint", a->fingerprint);
		old_put_int(j, "starts", a->starts);
		old_put_int(j, "ends", a->ends);
		old_put_int(j, "firing", a->firing);
		old_put_int(j, "last_seen", a->last_seen);
		if (a->labels.n > 0)
			json_object_set_new(j, "labels", old_kv(&a->labels));
		if (a->annotations.n > 0)
			json_object_set_new(j, "annotations",
			    old_kv(&a->annotations));
		json_object_set_new(o, "alert", j);
	}
	t = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return t;
}

/* One text column of one row, behind the store's back (caller frees). */
static char *
raw_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(v);
	return v;
}

static void
test_bodies_and_label_columns_are_the_text_jansson_wrote(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[5];
	struct wr_incident *inc = make_incident(9, "snap");
	struct wr_batch b = { .events = ev, .n_events = 5, .incidents = &inc,
	    .n_incidents = 1, .write_alerts = 1 };
	struct wr_evlist got = { 0 };
	char *cause = NULL, sql[128], *want, *have;

	make_triggered(&ev[0], 1, 7);
	free(ev[0].title);
	ev[0].title = xstrdup("tab\there \"q\" \\ \x01\x1f\x7f \xe2\x80\xae "
	    "\xf0\x9f\x94\xa5 \x1b]52;c;x\x07");
	ev[0].severity_raw = xstrdup("");
	ev[1] = (struct wr_event){ .seq = 2, .kind = WR_EV_ALERT_FIRING,
	    .incident = 7, .time = 1000 };
	make_alert(&ev[1].alert, "bbb", 500);
	ev[2] = (struct wr_event){ .seq = 3, .kind = WR_EV_NOTE,
	    .incident = 7, .time = INT64_MAX, .actor = xstrdup("a") };
	ev[2].text = xstrdup("line one\nline \"two\"\r\b\f\\ \xc2\x9b");
	/* every field set on a kind that does not use them: all stored */
	ev[3] = (struct wr_event){ .seq = 4, .kind = WR_EV_ACKNOWLEDGED,
	    .incident = 7, .time = -5, .severity = WR_SEV_INFO };
	ev[3].source = xstrdup("s");
	ev[3].key = xstrdup("k");
	ev[3].text = xstrdup("");
	make_alert(&ev[3].alert, "ccc", INT64_MIN);
	ev[3].alert.ends = INT64_MAX;
	/* an alert with nothing but a fingerprint, and an empty event */
	ev[4] = (struct wr_event){ .seq = 5, .kind = WR_EV_ALERT_RESOLVED,
	    .incident = 7, .time = 1 };
	ev[4].alert.fingerprint = xstrdup("bbb");
	inc->alerts = xcalloc(2, sizeof *inc->alerts);
	inc->alerts_len = inc->alerts_cap = 2;
	make_alert(&inc->alerts[0], "snap-1", 10);
	inc->alerts[1] = (struct wr_alert){ .fingerprint = xstrdup("snap-2"),
	    .starts = 11 };		/* no labels: "[]" */
	commit_ok(s, &b);

	for (size_t i = 0; i < 5; i++) {
		snprintf(sql, sizeof sql, "SELECT body FROM events WHERE "
		    "seq = %zu", i + 1);
		have = raw_text(fx->path, sql);
		want = old_body_text(&ev[i]);
		assert_string_equal(have, want);
		free(have);
		free(want);
	}
	/* the alert row of the firing event, and the snapshot's rows */
	have = raw_text(fx->path, "SELECT labels FROM alerts WHERE "
	    "fingerprint = 'bbb'");
	want = old_kv_text(&ev[1].alert.labels);
	assert_string_equal(have, want);
	free(have);
	free(want);
	have = raw_text(fx->path, "SELECT annotations FROM alerts WHERE "
	    "fingerprint = 'bbb'");
	want = old_kv_text(&ev[1].alert.annotations);
	assert_string_equal(have, want);
	free(have);
	free(want);
	have = raw_text(fx->path, "SELECT labels || annotations FROM alerts "
	    "WHERE fingerprint = 'snap-1'");
	want = old_kv_text(&inc->alerts[0].labels);
	assert_non_null(strstr(have, want));
	free(have);
	free(want);
	have = raw_text(fx->path, "SELECT labels || '|' || annotations FROM "
	    "alerts WHERE fingerprint = 'snap-2'");
	assert_string_equal(have, "[]|[]");
	free(have);

	/* and it all reads back as written */
	assert_int_equal(store_events_after(s, 0, 0, &got, &cause), 0);
	assert_int_equal(got.n, 5);
	for (size_t i = 0; i < got.n; i++)
		assert_event_equal(&got.v[i], &ev[i]);
	wr_evlist_free(&got);
	for (size_t i = 0; i < 5; i++)
		wr_event_free(&ev[i]);
	wr_incident_free(inc);
	store_close(s);
}

static void
test_label_that_is_not_utf8_fails_the_batch_loudly(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event e = { .seq = 1, .kind = WR_EV_ALERT_FIRING,
	    .incident = 1, .time = 1000 };
	struct wr_incident *inc = make_incident(1, "t");
	struct wr_batch b = { .events = &e, .n_events = 1 };
	char *cause = NULL;

	/* in an event's alert: the body cannot be written */
	make_alert(&e.alert, "aaa", 1);
	wr_kvlist_add(&e.alert.labels, "ok", "bad \xed\xa0\x80 surrogate");
	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "storing event 1"));
	assert_non_null(strstr(cause, "a text field is not valid UTF-8"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_last_seq(s), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events"), 0);

	/* in a snapshot's alert rows: the label lists cannot be written */
	inc->alerts = xcalloc(1, sizeof *inc->alerts);
	inc->alerts_len = inc->alerts_cap = 1;
	make_alert(&inc->alerts[0], "bbb", 2);
	wr_kvlist_add(&inc->alerts[0].annotations, "bad \xc0\xaf", "v");
	b = (struct wr_batch){ .incidents = &inc, .n_incidents = 1,
	    .write_alerts = 1 };
	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "a label is not valid UTF-8"));
	free(cause);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM incidents"),
	    0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM alerts"), 0);

	wr_event_free(&e);
	wr_incident_free(inc);
	store_close(s);
}

static void
test_alert_events_keep_alert_rows_and_touch_moves_last_seen(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[4];
	struct wr_incident *inc = make_incident(1, "cert");
	struct wr_batch b = { .events = ev, .n_events = 3,
	    .incidents = &inc, .n_incidents = 1 };
	struct wr_alert *al, touch[2];
	size_t n;
	struct wr_room room;
	char *cause = NULL;

	make_triggered(&ev[0], 1, 1);
	ev[1] = (struct wr_event){ .seq = 2, .kind = WR_EV_ALERT_FIRING,
	    .incident = 1, .time = 1000 };
	make_alert(&ev[1].alert, "bbb", 500);
	ev[2] = (struct wr_event){ .seq = 3, .kind = WR_EV_ALERT_FIRING,
	    .incident = 1, .time = 1001 };
	make_alert(&ev[2].alert, "aaa", 600);
	commit_ok(s, &b);

	/* Rows come back in the order they joined, not sorted. */
	assert_int_equal(store_incident_alerts(s, 1, &al, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(al[0].fingerprint, "bbb");
	assert_string_equal(al[1].fingerprint, "aaa");
	assert_int_equal(al[0].firing, 1);
	assert_int_equal(al[0].last_seen, 1000);
	assert_kv_equal(&al[0].labels, &ev[1].alert.labels);
	assert_kv_equal(&al[0].annotations, &ev[1].alert.annotations);
	for (size_t i = 0; i < n; i++)
		wr_alert_free(&al[i]);
	free(al);

	ev[3] = (struct wr_event){ .seq = 4, .kind = WR_EV_ALERT_RESOLVED,
	    .incident = 1, .time = 2000 };
	ev[3].alert = (struct wr_alert){ .fingerprint = xstrdup("bbb"),
	    .starts = 500, .ends = 1900 };
	b = (struct wr_batch){ .events = &ev[3], .n_events = 1 };
	commit_ok(s, &b);

	touch[0] = (struct wr_alert){ .fingerprint = "aaa", .starts = 600 };
	touch[1] = (struct wr_alert){ .fingerprint = "zzz", .starts = 1 };
	assert_int_equal(store_touch(s, 1, touch, 2, 3000, &cause), 0);

	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	{
		struct wr_incident *r = wr_room_get(&room, 1);
		assert_non_null(r);
		assert_int_equal(r->alerts_len, 2);
		assert_string_equal(r->alerts[0].fingerprint, "bbb");
		assert_int_equal(r->alerts[0].firing, 0);
		assert_int_equal(r->alerts[0].ends, 1900);
		assert_int_equal(r->alerts[0].last_seen, 2000);
		assert_int_equal(r->alerts[1].firing, 1);
		assert_int_equal(r->alerts[1].last_seen, 3000);
		assert_int_equal(r->last_seen, 3000);
		assert_kv_equal(&r->alerts[1].labels, &ev[2].alert.labels);
	}
	wr_room_free(&room);
	/* A room without alerts loads the summaries only. */
	wr_room_init(&room, 0);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(wr_room_get(&room, 1)->alerts_len, 0);
	wr_room_free(&room);

	for (int i = 0; i < 4; i++)
		wr_event_free(&ev[i]);
	wr_incident_free(inc);
	store_close(s);
}

static void
test_commit_batch_incidents_load_into_a_room(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_incident *inc[3];
	struct wr_event ev[3];
	struct wr_batch b = { .events = ev, .n_events = 3,
	    .incidents = inc, .n_incidents = 3, .write_alerts = 1 };
	struct wr_room room;
	const struct wr_incident *r;
	char *cause = NULL;

	for (int i = 0; i < 3; i++) {
		inc[i] = make_incident(i + 1, i == 1 ? "db down" : "disk full");
		make_triggered(&ev[i], i + 1, i + 1);
	}
	inc[1]->state = WR_ST_ACKNOWLEDGED;
	inc[1]->ack_by = xstrdup("alice");
	inc[1]->ack_at = 42;
	inc[1]->assignee = xstrdup("bob");
	inc[1]->severity = WR_SEV_CRITICAL;
	inc[1]->severity_raw = xstrdup("sev0");
	inc[1]->n_alerts = 3;
	inc[1]->n_firing = 2;
	inc[1]->n_notes = 4;
	inc[2]->state = WR_ST_RESOLVED;
	inc[2]->resolved_by = xstrdup("carol");
	inc[2]->resolved_at = 99;
	/* A snapshot of alerts, written because write_alerts is set. */
	inc[1]->alerts = xcalloc(2, sizeof *inc[1]->alerts);
	inc[1]->alerts_len = inc[1]->alerts_cap = 2;
	make_alert(&inc[1]->alerts[0], "f1", 10);
	make_alert(&inc[1]->alerts[1], "f0", 20);
	inc[1]->alerts[1].firing = 0;
	inc[1]->alerts[1].ends = 30;
	commit_ok(s, &b);

	/* Upserting again replaces, it does not duplicate. */
	util_set_str(&inc[0]->title, "disk full again");
	b = (struct wr_batch){ .incidents = inc, .n_incidents = 1 };
	commit_ok(s, &b);
	assert_int_equal(store_last_seq(s), 3);

	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(room.n_incidents, 3);
	assert_int_equal(room.next_id, 4);
	assert_int_equal(room.last_seq, 3);
	assert_int_equal(room.by_state[WR_ST_TRIGGERED], 1);
	assert_int_equal(room.by_state[WR_ST_ACKNOWLEDGED], 1);
	assert_int_equal(room.by_state[WR_ST_RESOLVED], 1);
	assert_int_equal(room.open_by_sev[WR_SEV_CRITICAL], 1);
	assert_int_equal(room.open_by_sev[WR_SEV_ERROR], 1);
	assert_string_equal(wr_room_get(&room, 1)->title, "disk full again");
	r = wr_room_get(&room, 2);
	assert_string_equal(r->source, "alertmanager");
	assert_string_equal(r->key, "{}:{alertname=\"A2\"}");
	assert_string_equal(r->title, "db down");
	assert_string_equal(r->service, "api");
	assert_int_equal(r->severity, WR_SEV_CRITICAL);
	assert_string_equal(r->severity_raw, "sev0");
	assert_int_equal(r->state, WR_ST_ACKNOWLEDGED);
	assert_string_equal(r->ack_by, "alice");
	assert_int_equal(r->ack_at, 42);
	assert_null(r->resolved_by);
	assert_string_equal(r->assignee, "bob");
	assert_int_equal(r->created, inc[1]->created);
	assert_int_equal(r->updated, inc[1]->updated);
	assert_int_equal(r->last_seen, inc[1]->last_seen);
	assert_int_equal(r->n_alerts, 3);
	assert_int_equal(r->n_firing, 2);
	assert_int_equal(r->n_notes, 4);
	assert_int_equal(r->alerts_len, 2);
	assert_alert_equal(&r->alerts[0], &inc[1]->alerts[0]);
	assert_alert_equal(&r->alerts[1], &inc[1]->alerts[1]);
	r = wr_room_get(&room, 3);
	assert_string_equal(r->resolved_by, "carol");
	assert_int_equal(r->resolved_at, 99);
	/* The reducer's key index is rebuilt: the room is usable as is. */
	assert_ptr_equal(wr_room_find_key(&room, "alertmanager", NULL,
	    "{}:{alertname=\"A2\"}"), wr_room_get(&room, 2));
	wr_room_free(&room);

	for (int i = 0; i < 3; i++) {
		wr_incident_free(inc[i]);
		wr_event_free(&ev[i]);
	}
	store_close(s);
}

static void
test_op_results_are_found_by_op_id(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_op_result res[3] = {
		{ .op_id = "0123456789abcdef0123456789abcdef",
		  .status = WR_OPST_APPLIED, .seq = 1 },
		{ .op_id = "11111111111111111111111111111111",
		  .status = WR_OPST_NOOP },
		{ .op_id = "22222222222222222222222222222222",
		  .status = WR_OPST_REFUSED, .code = "resolved",
		  .reason = "incident 9 is resolved; reopen it first" },
	};
	struct wr_event e = { .seq = 1, .kind = WR_EV_ACKNOWLEDGED,
	    .incident = 9, .actor = "alice", .op_id = res[0].op_id };
	struct wr_batch b = { .events = &e, .n_events = 1, .results = res,
	    .n_results = 3 };
	struct wr_op_result out;
	char *cause = NULL;

	commit_ok(s, &b);
	store_close(s);
	s = open_ok(fx->path, WR_STORE_RELAY);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_op_lookup(s, NULL, res[i].op_id, &out,
		    &cause), 1);
		assert_string_equal(out.op_id, res[i].op_id);
		assert_int_equal(out.status, res[i].status);
		assert_int_equal(out.seq, res[i].seq);
		assert_str0_equal(out.code, res[i].code);
		assert_str0_equal(out.reason, res[i].reason);
		wr_op_result_free(&out);
	}
	assert_int_equal(store_op_lookup(s, NULL, "ffffffffffffffffffffffffffffffff",
	    &out, &cause), 0);
	assert_null(out.op_id);
	store_close(s);
}

/* ---- all or nothing ------------------------------------------------------ */

static void
test_failing_batch_leaves_nothing_and_names_the_file(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_incident *inc[2] = { make_incident(1, "ok"),
	    make_incident(999, "the one SQLite refuses") };
	struct wr_event ev[2];
	struct wr_op_result res = { .op_id = "abababababababababababababababab",
	    .status = WR_OPST_APPLIED, .seq = 2 };
	struct wr_batch b = { .events = ev, .n_events = 2, .incidents = inc,
	    .n_incidents = 2, .results = &res, .n_results = 1 };
	struct wr_op_result out;
	struct wr_evlist got = { 0 };
	struct wr_room room;
	char *cause = NULL;

	make_triggered(&ev[0], 1, 1);
	make_triggered(&ev[1], 2, 999);
	/* A failure in the middle of the transaction, after the events and
	 * the first incident are written: a trigger that refuses id 999. */
	raw_exec(fx->path, "CREATE TRIGGER refuse BEFORE INSERT ON incidents "
	    "WHEN NEW.id = 999 BEGIN SELECT RAISE(ABORT, 'refused by test'); "
	    "END");
	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "refused by test"));
	free(cause);
	cause = NULL;

	assert_int_equal(store_last_seq(s), 0);
	assert_int_equal(store_events_after(s, 0, 0, &got, &cause), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_op_lookup(s, NULL, res.op_id, &out, &cause), 0);
	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(room.n_incidents, 0);
	wr_room_free(&room);

	/* The store is usable afterwards: no transaction was left open. */
	raw_exec(fx->path, "DROP TRIGGER refuse");
	commit_ok(s, &b);
	assert_int_equal(store_last_seq(s), 2);
	store_close(s);
	s = open_ok(fx->path, WR_STORE_RELAY);
	assert_int_equal(store_last_seq(s), 2);
	store_close(s);

	for (int i = 0; i < 2; i++) {
		wr_incident_free(inc[i]);
		wr_event_free(&ev[i]);
	}
}

static void
test_batch_with_repeated_seq_is_refused_whole(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[3];
	struct wr_incident *inc = make_incident(1, "x");
	struct wr_batch b = { .events = ev, .n_events = 1 };
	struct wr_evlist got = { 0 };
	char *cause = NULL;

	make_triggered(&ev[0], 1, 1);
	make_triggered(&ev[1], 2, 2);
	make_triggered(&ev[2], 2, 3);
	commit_ok(s, &b);

	/* seq 1 again: already in the log. */
	b = (struct wr_batch){ .events = ev, .n_events = 2, .incidents = &inc,
	    .n_incidents = 1 };
	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(strstr(cause, fx->path));
	assert_non_null(strstr(cause, "event 1"));
	free(cause);
	/* seq 2 twice in one batch. */
	b.events = &ev[1];
	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(strstr(cause, fx->path));
	free(cause);

	assert_int_equal(store_last_seq(s), 1);
	assert_int_equal(store_events_after(s, 0, 0, &got, &cause), 0);
	assert_int_equal(got.n, 1);
	wr_evlist_free(&got);
	for (int i = 0; i < 3; i++)
		wr_event_free(&ev[i]);
	wr_incident_free(inc);
	store_close(s);
}

static void
test_prune_drops_old_events_and_keeps_the_cursor(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[10];
	struct wr_batch b = { .events = ev, .n_events = 10 };
	struct wr_evlist got = { 0 };
	char *cause = NULL;

	for (int i = 0; i < 10; i++) {
		ev[i] = (struct wr_event){ .seq = i + 1,
		    .kind = WR_EV_ACKNOWLEDGED, .incident = 1,
		    .time = (i + 1) * 1000, .actor = "a" };
	}
	/* A clock that stepped back: seq 6 is older than seq 5. */
	ev[5].time = 2500;
	commit_ok(s, &b);
	assert_int_equal(store_prune(s, 4500, &cause), 0);
	/* Everything up to the newest old event (seq 6) goes: the log stays
	 * a contiguous tail. */
	assert_int_equal(store_first_seq(s), 7);
	assert_int_equal(store_last_seq(s), 10);
	assert_int_equal(store_events_after(s, 0, 0, &got, &cause), 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.v[0].seq, 7);
	wr_evlist_free(&got);

	assert_int_equal(store_prune(s, 1000000, &cause), 0);
	assert_int_equal(store_first_seq(s), 0);
	store_close(s);
	s = open_ok(fx->path, WR_STORE_RELAY);
	assert_int_equal(store_last_seq(s), 10);
	store_close(s);
}

/* A postmortem version of incident id (seq, version given), text of n
 * bytes of c. */
static void
make_pm(struct wr_event *e, int64_t seq, int64_t id, int64_t version,
    size_t n, char c)
{
	memset(e, 0, sizeof *e);
	e->seq = seq;
	e->kind = WR_EV_POSTMORTEM;
	e->incident = id;
	e->time = seq * 1000;
	e->actor = xstrdup("alice");
	e->version = version;
	e->text = xmalloc(n + 1);
	memset(e->text, c, n);
	e->text[n] = '\0';
}

/*
 * Retention never loses a postmortem version: every other old event goes,
 * the versions stay below the tail, and where the tail begins (what a
 * replay can start from) is the first seq above the cut, not min(seq).
 */
static void
test_prune_keeps_postmortem_versions_below_the_tail(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event ev[11];
	struct wr_batch b = { .events = ev, .n_events = 10 };
	struct wr_evlist got = { 0 };
	char *cause = NULL;

	for (int i = 0; i < 11; i++)
		ev[i] = (struct wr_event){ .seq = i + 1,
		    .kind = WR_EV_ACKNOWLEDGED, .incident = 1,
		    .time = (i + 1) * 1000, .actor = "a" };
	ev[1] = (struct wr_event){ .seq = 2, .kind = WR_EV_POSTMORTEM,
	    .incident = 1, .time = 2000, .actor = "a", .text = "v1",
	    .version = 1 };
	ev[3] = (struct wr_event){ .seq = 4, .kind = WR_EV_POSTMORTEM,
	    .incident = 1, .time = 4000, .actor = "a", .text = "v2",
	    .version = 2, .base = 1 };
	/* a note is the people's words too: kept */
	ev[4] = (struct wr_event){ .seq = 5, .kind = WR_EV_NOTE,
	    .incident = 1, .time = 5000, .actor = "a", .text = "rolled back" };
	commit_ok(s, &b);
	assert_int_equal(store_prune(s, 6500, &cause), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events"), 7);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events WHERE "
	    "kind = 6 AND seq = 5"), 1);
	assert_int_equal(store_first_seq(s), 7);
	/* the replay from the tail's start is contiguous */
	assert_int_equal(store_events_after(s, 6, 0, &got, &cause), 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.v[0].seq, 7);
	wr_evlist_free(&got);
	/* the versions and the note are still the incident's */
	assert_int_equal(store_incident_events(s, 1, &got, &cause), 0);
	assert_int_equal(got.n, 7);
	assert_int_equal(got.v[0].seq, 2);
	assert_string_equal(got.v[0].text, "v1");
	assert_int_equal(got.v[1].seq, 4);
	assert_string_equal(got.v[1].text, "v2");
	assert_int_equal(got.v[2].seq, 5);
	assert_string_equal(got.v[2].text, "rolled back");
	wr_evlist_free(&got);

	/* A clock that went back: an old version is no reason to move the
	 * tail's start down to it. */
	assert_int_equal(store_prune(s, 4500, &cause), 0);
	assert_int_equal(store_first_seq(s), 7);
	/* Everything old: the tail is empty, the versions and the note
	 * stay. */
	assert_int_equal(store_prune(s, 1000000, &cause), 0);
	assert_int_equal(store_first_seq(s), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events"), 3);
	store_close(s);

	s = open_ok(fx->path, WR_STORE_RELAY);
	assert_int_equal(store_last_seq(s), 10);
	assert_int_equal(store_first_seq(s), 0);
	b = (struct wr_batch){ .events = &ev[10], .n_events = 1 };
	commit_ok(s, &b);
	assert_int_equal(store_first_seq(s), 11);
	store_close(s);
}

/*
 * A snapshot's history: for each window of incidents, the notes and
 * postmortem versions of those incidents (no other kind, none of another
 * window; kind by kind, each in incident and seq order), in parts of at most max_bytes of stored bodies (one alone may
 * be more), each event once, all of the moment the snapshot began.
 */
/*
 * A snapshot's connection to the file, in the relay's own process, leaves
 * the relay's locks alone: another process (an operator's sqlite3) that
 * opens the file and closes it last must not find itself alone with it
 * and delete the live WAL, whose commits a kill -9 would then lose.
 * Before, opening the second connection open()ed and close()d the file,
 * and close() drops every POSIX lock the process holds on it.
 */
static void
test_a_snapshot_keeps_the_relays_locks(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_incident *inc = make_incident(1, "a");
	struct wr_event ev[2];
	struct wr_batch b = { .events = ev, .n_events = 1, .incidents = &inc,
	    .n_incidents = 1 };
	struct store_snapshot *ss = NULL;
	int64_t seq, total;
	char *cause = NULL, *wal = xasprintf("%s-wal", fx->path);
	struct stat sb;
	pid_t pid;
	int status;

	make_triggered(&ev[0], 1, 1);
	commit_ok(s, &b);
	assert_int_equal(store_snapshot_begin(s, &ss, &seq, &total, &cause),
	    0);
	store_snapshot_end(ss);
	assert_int_equal(stat(wal, &sb), 0);
	/* another process (the sqlite3 shell, a program of its own: a
	 * forked copy of this one would share its idea of the locks) opens
	 * the file, reads, and closes it */
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("sqlite3", "sqlite3", fx->path,
		    "SELECT count(*) FROM events", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		skip();		/* no sqlite3 shell (make deps installs it) */
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (stat(wal, &sb) != 0)
		fail_msg("the relay's WAL was deleted under it: the snapshot's "
		    "connection dropped the relay's locks");
	/* and the relay's commits go on into it */
	make_triggered(&ev[1], 2, 2);
	b = (struct wr_batch){ .events = &ev[1], .n_events = 1 };
	commit_ok(s, &b);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM events"), 2);
	for (int i = 0; i < 2; i++)
		wr_event_free(&ev[i]);
	wr_incident_free(inc);
	store_close(s);
	free(wal);
}

static void
test_snapshot_history_is_read_by_window_in_bounded_parts(void **state)
{
	struct fx *fx = *state;
	struct wr_store *s = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_incident *inc[3] = { make_incident(1, "a"),
	    make_incident(2, "b"), make_incident(3, "c") };
	struct wr_event ev[9];
	struct wr_batch b = { .events = ev, .n_events = 8, .incidents = inc,
	    .n_incidents = 3 };
	struct store_snapshot *ss = NULL;
	struct wr_incident **v;
	struct wr_evlist got = { 0 };
	int64_t seq, total;
	size_t n;
	char *cause = NULL;

	for (int i = 0; i < 3; i++)
		make_triggered(&ev[i], i + 1, i + 1);
	make_pm(&ev[3], 4, 1, 1, 40000, 'x');
	ev[4] = (struct wr_event){ .seq = 5, .kind = WR_EV_NOTE,
	    .incident = 2, .time = 5000, .actor = xstrdup("bob") };
	ev[4].text = xstrdup("rolled back");
	make_pm(&ev[5], 6, 1, 2, 40000, 'y');
	ev[6] = (struct wr_event){ .seq = 7, .kind = WR_EV_ACKNOWLEDGED,
	    .incident = 3, .time = 7000, .actor = xstrdup("bob") };
	make_pm(&ev[7], 8, 3, 1, 10, 'z');
	commit_ok(s, &b);

	assert_int_equal(store_snapshot_begin(s, &ss, &seq, &total, &cause),
	    0);
	assert_int_equal(seq, 8);
	assert_int_equal(total, 3);
	/* committed after the snapshot began: not in it */
	make_pm(&ev[8], 9, 3, 2, 10, 'w');
	b = (struct wr_batch){ .events = &ev[8], .n_events = 1 };
	commit_ok(s, &b);

	/* before any window: none */
	assert_int_equal(store_snapshot_history(ss, 50000, &got, &cause), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_snapshot_next(ss, 2, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		wr_incident_free(v[i]);
	free(v);
	/* kind by kind: #2's note and v1 fill a part, v2 is the next */
	assert_int_equal(store_snapshot_history(ss, 50000, &got, &cause), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.v[0].seq, 5);
	assert_string_equal(got.v[0].text, "rolled back");
	assert_int_equal(got.v[1].seq, 4);
	assert_int_equal(strlen(got.v[1].text), 40000);
	wr_evlist_clear(&got);
	assert_int_equal(store_snapshot_history(ss, 50000, &got, &cause), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0].seq, 6);
	assert_int_equal(got.v[0].version, 2);
	wr_evlist_clear(&got);
	assert_int_equal(store_snapshot_history(ss, 50000, &got, &cause), 0);
	assert_int_equal(got.n, 0);
	/* a part smaller than one version still takes it */
	assert_int_equal(store_snapshot_next(ss, 2, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->id, 3);
	wr_incident_free(v[0]);
	free(v);
	assert_int_equal(store_snapshot_history(ss, 1, &got, &cause), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.v[0].seq, 8);
	wr_evlist_clear(&got);
	assert_int_equal(store_snapshot_history(ss, 1, &got, &cause), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_snapshot_next(ss, 2, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_snapshot_history(ss, 50000, &got, &cause), 0);
	assert_int_equal(got.n, 0);
	store_snapshot_end(ss);
	wr_evlist_free(&got);
	for (int i = 0; i < 9; i++)
		wr_event_free(&ev[i]);
	for (int i = 0; i < 3; i++)
		wr_incident_free(inc[i]);
	store_close(s);
}

/*
 * A console stores a snapshot's history as events below its cursor: not
 * moving it, an event already there left as it is (two processes on one
 * file, a snapshot taken twice), one above the cursor refused; the
 * replay after it goes on from the cursor.
 */
static void
test_console_history_is_stored_below_the_cursor_once(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir);
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_incident *inc = make_incident(1, "a");
	struct wr_event hist[3], ev[1];
	struct wr_batch b = { .incidents = &inc, .n_incidents = 1,
	    .write_alerts = 1, .cursor = 9, .history = hist, .n_history = 2 };
	struct wr_evlist got = { 0 };
	char *cause = NULL;

	assert_int_equal(store_reset_feed(s, "aaaaaaaaaaaaaaaa", &cause), 0);
	make_pm(&hist[0], 5, 1, 1, 5, 'a');
	make_pm(&hist[1], 7, 1, 2, 5, 'b');
	make_pm(&hist[2], 12, 1, 3, 5, 'c');
	hist[1].made_at = 6500;
	commit_ok(s, &b);
	assert_int_equal(store_last_seq(s), 9);
	/* made_at in its column as the body has it (schema 10) */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"
	    " WHERE made_at IS json_extract(body, '$.made_at')"), 2);
	assert_int_equal(raw_int(path, "SELECT made_at FROM events"
	    " WHERE seq = 7"), 6500);
	assert_int_equal(raw_int(path, "SELECT value FROM meta WHERE "
	    "key = 'cursor'"), 9);
	/* the same again: stored once */
	commit_ok(s, &b);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 2);
	/* above the cursor: refused, nothing of the batch stored */
	b.history = &hist[1];
	assert_int_equal(store_commit_batch(s, &b, &cause), -1);
	assert_non_null(strstr(cause, "event 12 as history"));
	free(cause);
	cause = NULL;
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 2);
	/* the replay goes on from the cursor */
	make_triggered(&ev[0], 10, 2);
	b = (struct wr_batch){ .events = ev, .n_events = 1, .base = 9 };
	commit_ok(s, &b);
	assert_int_equal(store_last_seq(s), 10);
	assert_int_equal(store_incident_events(s, 1, &got, &cause), 0);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.v[0].text, "aaaaa");
	assert_string_equal(got.v[1].text, "bbbbb");
	wr_evlist_free(&got);
	for (int i = 0; i < 3; i++)
		wr_event_free(&hist[i]);
	wr_event_free(&ev[0]);
	wr_incident_free(inc);
	store_close(s);
	free(path);
}

/* ---- console: cursor, reset and outbox ----------------------------------- */

static void
make_op(struct wr_outbox_op *op, int i, wr_op_kind kind)
{
	memset(op, 0, sizeof *op);
	snprintf(op->op_id, sizeof op->op_id, "%032x", i);
	op->kind = kind;
	op->incident = 40 + i;
	op->epoch = "0123456789abcdef";
	op->actor = "alice";
	op->args.text = kind == WR_OP_NOTE ? "rolled back \xe2\x9c\x93" : NULL;
	op->made_at = 1000 + i;
}

#define OP1 "00000000000000000000000000000001"
#define OP3 "00000000000000000000000000000003"
#define OP7 "00000000000000000000000000000007"
#define OP9 "00000000000000000000000000000009"
#define OPX "ffffffffffffffffffffffffffffffff"

static void
test_outbox_add_list_mark_attempt_in_order(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_outbox_op op, *ops;
	size_t n;
	/* Ids that sort differently from the order they were made in. */
	int order[4] = { 9, 3, 7, 1 };

	for (int i = 0; i < 4; i++) {
		make_op(&op, order[i], i == 1 ? WR_OP_NOTE : WR_OP_ACK);
		assert_int_equal(store_outbox_add(s, &op, &cause), 0);
	}
	/* The same op id twice is refused. */
	make_op(&op, 9, WR_OP_ACK);
	assert_int_equal(store_outbox_add(s, &op, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(cause);

	assert_int_equal(store_outbox_attempt(s, OP3, &cause), 0);
	assert_int_equal(store_outbox_attempt(s, OP3, &cause), 0);
	assert_int_equal(store_outbox_mark(s, OP9, WR_OUTBOX_DONE, 17, NULL,
	    &cause), 0);
	assert_int_equal(store_outbox_mark(s, OP7, WR_OUTBOX_FAILED, 0,
	    "incident 47 is resolved", &cause), 0);
	assert_int_equal(store_outbox_mark(s, OPX, WR_OUTBOX_DONE, 1, NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "not in the outbox"));
	free(cause);
	store_close(s);

	s = open_ok(path, WR_STORE_CONSOLE);
	assert_int_equal(store_outbox_list(s, 0, &ops, &n, &cause), 0);
	assert_int_equal(n, 4);
	for (int i = 0; i < 4; i++) {
		char id[33];
		snprintf(id, sizeof id, "%032x", order[i]);
		assert_string_equal(ops[i].op_id, id);
		assert_int_equal(ops[i].incident, 40 + order[i]);
		assert_string_equal(ops[i].epoch, "0123456789abcdef");
		assert_string_equal(ops[i].actor, "alice");
		assert_int_equal(ops[i].made_at, 1000 + order[i]);
	}
	assert_int_equal(ops[0].state, WR_OUTBOX_DONE);
	assert_int_equal(ops[0].seq, 17);
	assert_int_equal(ops[1].kind, WR_OP_NOTE);
	assert_string_equal(ops[1].args.text, "rolled back \xe2\x9c\x93");
	assert_int_equal(ops[1].state, WR_OUTBOX_SENT);
	assert_int_equal(ops[1].attempts, 2);
	assert_null(ops[1].error);
	assert_int_equal(ops[2].state, WR_OUTBOX_FAILED);
	assert_string_equal(ops[2].error, "incident 47 is resolved");
	assert_int_equal(ops[3].state, WR_OUTBOX_QUEUED);
	assert_null(ops[3].args.text);
	wr_outbox_ops_free(ops, n);

	/* Unfinished only: queued and sent, still in order. */
	assert_int_equal(store_outbox_list(s, 1, &ops, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ops[0].op_id, OP3);
	assert_string_equal(ops[1].op_id, OP1);
	wr_outbox_ops_free(ops, n);
	store_close(s);
	free(path);
}

/*
 * A schedule-wide op (an override) keeps every argument its kind carries
 * and nothing else: incident 0, schedule, person, from and until come back
 * from the outbox as they went in, a member its kind does not carry is
 * not kept.
 */
static void
test_outbox_keeps_the_arguments_its_kind_carries(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_outbox_op op, *ops;
	size_t n;

	make_op(&op, 5, WR_OP_OVERRIDE);
	op.incident = 0;
	op.args.schedule = "primary";
	op.args.person = "bob \xe2\x9c\x93";
	op.args.from = INT64_C(1764669600000);
	op.args.until = INT64_C(1764756000000);
	op.args.text = "not an argument of an override";
	op.args.ref = 99;
	assert_int_equal(store_outbox_add(s, &op, &cause), 0);
	make_op(&op, 6, WR_OP_TAKE);
	op.incident = 0;
	op.args.ref = 4812;
	assert_int_equal(store_outbox_add(s, &op, &cause), 0);
	store_close(s);

	s = open_ok(path, WR_STORE_CONSOLE);
	assert_int_equal(store_outbox_list(s, 1, &ops, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ops[0].kind, WR_OP_OVERRIDE);
	assert_int_equal(ops[0].incident, 0);
	assert_string_equal(ops[0].args.schedule, "primary");
	assert_string_equal(ops[0].args.person, "bob \xe2\x9c\x93");
	assert_int_equal(ops[0].args.from, INT64_C(1764669600000));
	assert_int_equal(ops[0].args.until, INT64_C(1764756000000));
	assert_null(ops[0].args.text);
	assert_int_equal(ops[0].args.ref, 0);
	assert_int_equal(ops[1].kind, WR_OP_TAKE);
	assert_int_equal(ops[1].args.ref, 4812);
	assert_null(ops[1].args.schedule);
	wr_outbox_ops_free(ops, n);
	store_close(s);
	free(path);
}

/*
 * A console file of schema 3 with ops still queued (a note, an ack) opens
 * with them intact: the migration moves each one's text into its
 * arguments, and they go out as they would have.
 */
static void
test_migration_keeps_queued_ops_and_their_text(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console-v3.db", fx->dir), *cause = NULL;
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_outbox_op *ops;
	size_t n;

	store_close(s);
	/* back to what schema 3 was: no args column, the text in text, no
	 * postmortem columns (schema 5), no escalation columns */
	raw_exec(path, "ALTER TABLE outbox DROP COLUMN args;"
	    "ALTER TABLE incidents DROP COLUMN silences;"
	    "ALTER TABLE incidents DROP COLUMN pm_version;"
	    "ALTER TABLE incidents DROP COLUMN pm_by;"
	    "ALTER TABLE incidents DROP COLUMN pm_at;"
	    "ALTER TABLE incidents DROP COLUMN esc_since;"
	    "ALTER TABLE incidents DROP COLUMN esc_fired;"
	    "ALTER TABLE incidents DROP COLUMN esc_policy;"
	    "ALTER TABLE incidents DROP COLUMN esc_target;"
	    "ALTER TABLE incidents DROP COLUMN esc_steps;"
	    "ALTER TABLE incidents DROP COLUMN esc_next_at;"
	    "ALTER TABLE incidents DROP COLUMN assigned_by_policy;"
	    "ALTER TABLE incidents DROP COLUMN snooze_until;"
	    "ALTER TABLE incidents DROP COLUMN ack_seen_at;"
	    "ALTER TABLE events DROP COLUMN made_at;"
	    "DROP INDEX events_kind;"
	    "INSERT INTO outbox(op_id, kind, incident, epoch, actor, text, "
	    "  created, ord) VALUES"
	    "  ('00000000000000000000000000000001', 5, 7, 'e', 'alice', "
	    "   'rolled back', 10, 1),"
	    "  ('00000000000000000000000000000002', 1, 7, 'e', 'alice', "
	    "   NULL, 11, 2),"
	    "  ('00000000000000000000000000000003', 6, 8, 'e', 'alice', "
	    "   'bob \"the\" builder', 12, 3);"
	    "PRAGMA user_version = 3;");
	s = open_ok(path, WR_STORE_CONSOLE);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 10);
	assert_int_equal(store_outbox_list(s, 1, &ops, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ops[0].kind, WR_OP_NOTE);
	assert_string_equal(ops[0].args.text, "rolled back");
	assert_int_equal(ops[1].kind, WR_OP_ACK);
	assert_null(ops[1].args.text);
	assert_int_equal(ops[2].kind, WR_OP_ASSIGN);
	assert_string_equal(ops[2].args.text, "bob \"the\" builder");
	wr_outbox_ops_free(ops, n);
	store_close(s);
	free(path);
}

static void
test_reset_feed_forgets_the_feed_and_keeps_the_outbox(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_event ev[2];
	struct wr_incident *inc = make_incident(1, "x");
	struct wr_batch b = { .events = ev, .n_events = 2, .incidents = &inc,
	    .n_incidents = 1, .cursor = 12 };
	struct wr_outbox_op op, *ops;
	struct wr_evlist got = { 0 };
	struct wr_room room;
	size_t n;

	assert_string_equal(store_epoch(s), "");
	assert_int_equal(store_reset_feed(s, "aaaaaaaaaaaaaaaa", &cause), 0);
	make_triggered(&ev[0], 10, 1);
	ev[1] = (struct wr_event){ .seq = 11, .kind = WR_EV_ALERT_FIRING,
	    .incident = 1, .time = 1 };
	make_alert(&ev[1].alert, "fp", 5);
	commit_ok(s, &b);
	/* A cursor beyond the last event (a snapshot said so) is kept. */
	assert_int_equal(store_last_seq(s), 12);
	make_op(&op, 1, WR_OP_ACK);
	assert_int_equal(store_outbox_add(s, &op, &cause), 0);
	store_close(s);

	s = open_ok(path, WR_STORE_CONSOLE);
	assert_string_equal(store_epoch(s), "aaaaaaaaaaaaaaaa");
	assert_int_equal(store_last_seq(s), 12);
	assert_int_equal(store_reset_feed(s, "bbbbbbbbbbbbbbbb", &cause), 0);
	assert_string_equal(store_epoch(s), "bbbbbbbbbbbbbbbb");
	assert_int_equal(store_last_seq(s), 0);
	store_close(s);

	s = open_ok(path, WR_STORE_CONSOLE);
	assert_string_equal(store_epoch(s), "bbbbbbbbbbbbbbbb");
	assert_int_equal(store_last_seq(s), 0);
	assert_int_equal(store_first_seq(s), 0);
	assert_int_equal(store_events_after(s, 0, 0, &got, &cause), 0);
	assert_int_equal(got.n, 0);
	wr_room_init(&room, 1);
	assert_int_equal(store_load_room(s, &room, &cause), 0);
	assert_int_equal(room.n_incidents, 0);
	assert_int_equal(room.last_seq, 0);
	wr_room_free(&room);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM alerts"), 0);
	assert_int_equal(store_outbox_list(s, 0, &ops, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ops[0].op_id, op.op_id);
	wr_outbox_ops_free(ops, n);
	store_close(s);

	/* A relay's log is never reset. */
	s = open_ok(fx->path, WR_STORE_RELAY);
	assert_int_equal(store_reset_feed(s, "x", &cause), -1);
	assert_non_null(strstr(cause, fx->path));
	free(cause);
	store_close(s);

	wr_event_free(&ev[0]);
	wr_event_free(&ev[1]);
	wr_incident_free(inc);
	free(path);
}

/* ---- console: several processes on one file ----------------------------- */

/* Two connections to one console file, both following epoch E. */
#define EPOCH_E "eeeeeeeeeeeeeeee"

static void
open_two(const char *path, struct wr_store **a, struct wr_store **b)
{
	char *cause = NULL;

	*a = open_ok(path, WR_STORE_CONSOLE);
	if (store_reset_feed(*a, EPOCH_E, &cause) != 0)
		fail_msg("reset: %s", cause);
	*b = open_ok(path, WR_STORE_CONSOLE);
	assert_string_equal(store_epoch(*b), EPOCH_E);
}

/* Events seq from..to of incident 1 (a trigger, then notes). */
static void
make_run(struct wr_event *ev, int64_t from, int64_t to)
{
	for (int64_t q = from; q <= to; q++) {
		struct wr_event *e = &ev[q - from];

		if (q == 1) {
			make_triggered(e, 1, 1);
			continue;
		}
		memset(e, 0, sizeof *e);
		e->seq = q;
		e->kind = WR_EV_NOTE;
		e->incident = 1;
		e->time = 1700000000000 + q;
		e->actor = xstrdup("alice");
		e->text = xasprintf("note at %lld", (long long)q);
	}
}

static void
free_run(struct wr_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wr_event_free(&ev[i]);
}

static char *
stored_title(const char *path)
{
	return raw_text(path, "SELECT title FROM incidents WHERE id = 1");
}

static void
test_a_batch_another_process_stored_is_a_noop(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *t;
	struct wr_store *a, *b;
	struct wr_event ev[4];
	struct wr_incident *inc = make_incident(1, "state at 3");
	struct wr_batch batch = { .events = ev, .incidents = &inc,
	    .n_incidents = 1 };

	open_two(path, &a, &b);
	/* Both consoles were at 0 and the relay sent both seq 1..3. */
	make_run(ev, 1, 3);
	batch.n_events = 3;
	commit_ok(a, &batch);
	commit_ok(b, &batch);	/* today: UNIQUE constraint failed */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 3);
	assert_int_equal(raw_int(path, "SELECT count(DISTINCT seq) FROM "
	    "events"), 3);
	assert_int_equal(raw_int(path, "SELECT value FROM meta WHERE "
	    "key = 'cursor'"), 3);
	assert_int_equal(store_last_seq(b), 3);
	free_run(ev, 3);

	/* A slower process's batch that ends before the stored cursor
	 * stores nothing: its summary is of an older moment. */
	free(inc->title);
	inc->title = xstrdup("state at 2");
	make_run(ev, 1, 2);
	batch.n_events = 2;
	commit_ok(b, &batch);
	assert_string_equal((t = stored_title(path)), "state at 3");
	free(t);
	assert_int_equal(raw_int(path, "SELECT value FROM meta WHERE "
	    "key = 'cursor'"), 3);
	free_run(ev, 2);

	/* One that overlaps: the new event is stored, once, the summary
	 * (now later than the stored one) too. */
	free(inc->title);
	inc->title = xstrdup("state at 4");
	make_run(ev, 2, 4);
	batch.n_events = 3;
	batch.base = 1;
	commit_ok(b, &batch);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 4);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE "
	    "seq = 4"), 1);
	assert_string_equal((t = stored_title(path)), "state at 4");
	free(t);
	free_run(ev, 3);

	/* The cursor never moves back, whoever writes it. */
	memset(&batch, 0, sizeof batch);
	batch.cursor = 2;
	commit_ok(a, &batch);
	assert_int_equal(raw_int(path, "SELECT value FROM meta WHERE "
	    "key = 'cursor'"), 4);
	assert_int_equal(store_last_seq(a), 4);
	batch.cursor = 9;
	batch.base = 4;
	commit_ok(a, &batch);
	assert_int_equal(raw_int(path, "SELECT value FROM meta WHERE "
	    "key = 'cursor'"), 9);

	store_close(a);
	store_close(b);
	wr_incident_free(inc);
	free(path);
}

static void
test_a_batch_that_would_leave_a_hole_or_mix_epochs_is_refused(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *a, *b;
	struct wr_event ev[2];
	struct wr_batch batch = { .events = ev, .n_events = 2 };
	struct wr_room room;

	open_two(path, &a, &b);
	make_run(ev, 1, 2);
	commit_ok(a, &batch);
	free_run(ev, 2);
	/* The other process started the copy again (same epoch): a batch
	 * that continues from seq 2 would leave 1..2 out. */
	assert_int_equal(store_reset_feed(b, EPOCH_E, &cause), 0);
	make_run(ev, 3, 4);
	batch.base = 2;
	assert_int_equal(store_commit_batch(a, &batch, &cause), -1);
	assert_non_null(strstr(cause, "continues from seq 2"));
	free(cause);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 0);
	assert_int_equal(store_last_seq(a), 0);

	/* It follows another epoch now: this one's batch is refused, and
	 * a reload takes the stored epoch. */
	assert_int_equal(store_reset_feed(b, "ffffffffffffffff", &cause), 0);
	batch.base = 0;
	assert_int_equal(store_commit_batch(a, &batch, &cause), -1);
	assert_non_null(strstr(cause, "follows relay epoch ffffffffffffffff"));
	free(cause);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 0);
	wr_room_init(&room, 0);
	assert_int_equal(store_load_room(a, &room, &cause), 0);
	assert_string_equal(store_epoch(a), "ffffffffffffffff");
	wr_room_free(&room);
	commit_ok(a, &batch);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 2);
	free_run(ev, 2);

	store_close(a);
	store_close(b);
	free(path);
}

static void
test_an_op_settled_by_one_process_stays_settled(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *a, *b;
	struct wr_outbox_op op, *ops;
	size_t n;

	open_two(path, &a, &b);
	make_op(&op, 1, WR_OP_ACK);
	assert_int_equal(store_outbox_add(a, &op, &cause), 0);
	/* Both processes sent it; a's answer came first. */
	assert_int_equal(store_outbox_attempt(a, OP1, &cause), 0);
	assert_int_equal(store_outbox_attempt(b, OP1, &cause), 0);
	assert_int_equal(store_outbox_mark(a, OP1, WR_OUTBOX_DONE, 17, NULL,
	    &cause), 0);
	assert_int_equal(store_outbox_mark(b, OP1, WR_OUTBOX_FAILED, 0,
	    "late", &cause), 0);
	assert_int_equal(store_outbox_list(b, 0, &ops, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ops[0].state, WR_OUTBOX_DONE);
	assert_int_equal(ops[0].seq, 17);
	assert_null(ops[0].error);
	wr_outbox_ops_free(ops, n);
	assert_int_equal(store_outbox_list(a, 1, &ops, &n, &cause), 0);
	assert_int_equal(n, 0);
	wr_outbox_ops_free(ops, n);
	/* An op that is in no process's outbox is still an error. */
	assert_int_equal(store_outbox_mark(b, OPX, WR_OUTBOX_DONE, 1, NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "not in the outbox"));
	free(cause);
	store_close(a);
	store_close(b);
	free(path);
}

static void
test_an_event_settles_its_op_whichever_process_stores_it(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *a, *b;
	struct wr_outbox_op op, *ops;
	struct wr_event ev[2];
	struct wr_batch batch = { .events = ev, .n_events = 2 };
	size_t n;

	open_two(path, &a, &b);
	/* A one-shot (a) queued the op; the relay's event for it reaches
	 * a console (b) first, and then a, whose batch is already stored. */
	make_op(&op, 3, WR_OP_ACK);
	assert_int_equal(store_outbox_add(a, &op, &cause), 0);
	make_run(ev, 1, 2);
	ev[1].op_id = xstrdup(OP3);
	commit_ok(b, &batch);
	assert_int_equal(store_outbox_list(a, 1, &ops, &n, &cause), 0);
	assert_int_equal(n, 0);	/* today: still queued */
	wr_outbox_ops_free(ops, n);
	commit_ok(a, &batch);
	assert_int_equal(store_outbox_list(a, 0, &ops, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ops[0].state, WR_OUTBOX_DONE);
	assert_int_equal(ops[0].seq, 2);
	wr_outbox_ops_free(ops, n);
	free_run(ev, 2);
	store_close(a);
	store_close(b);
	free(path);
}

/* The statements a connection runs, one string each, via sqlite3_trace. */
struct trace {
	char sql[64][64];
	int n;
};

static int
trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	struct trace *tr = ctx;

	(void)type; (void)x;
	if (tr->n < 64)
		util_strlcpy(tr->sql[tr->n++], sqlite3_sql(p),
		    sizeof tr->sql[0]);
	return 0;
}

static int
trace_find(const struct trace *tr, const char *prefix, int from)
{
	for (int i = from; i < tr->n; i++)
		if (strncmp(tr->sql[i], prefix, strlen(prefix)) == 0)
			return i;
	return -1;
}

static int64_t
synchronous_of(struct wr_store *s)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(s->db, "PRAGMA synchronous", -1,
	    &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
test_console_outbox_writes_run_synchronous_full(void **state)
{
	struct fx *fx = *state;
	char *path = xasprintf("%s/console.db", fx->dir), *cause = NULL;
	struct wr_store *s = open_ok(path, WR_STORE_CONSOLE);
	struct wr_store *relay = open_ok(fx->path, WR_STORE_RELAY);
	struct wr_event e = { .seq = 1, .kind = WR_EV_NOTE, .incident = 1,
	    .actor = "a", .text = "t" };
	struct wr_batch b = { .events = &e, .n_events = 1 };
	struct wr_outbox_op op;
	struct trace tr = { .n = 0 };
	int full, begin, commit, normal;

	/* 2 is FULL, 1 NORMAL. */
	assert_int_equal(synchronous_of(relay), 2);
	assert_int_equal(synchronous_of(s), 1);
	sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, trace_cb, &tr);

	/* The feed copy: NORMAL throughout. */
	commit_ok(s, &b);
	assert_int_equal(trace_find(&tr, "PRAGMA synchronous", 0), -1);

	/* The outbox: FULL set before BEGIN, NORMAL again after COMMIT. */
	tr.n = 0;
	make_op(&op, 1, WR_OP_ACK);
	assert_int_equal(store_outbox_add(s, &op, &cause), 0);
	full = trace_find(&tr, "PRAGMA synchronous=FULL", 0);
	begin = trace_find(&tr, "BEGIN IMMEDIATE", 0);
	commit = trace_find(&tr, "COMMIT", 0);
	normal = trace_find(&tr, "PRAGMA synchronous=NORMAL", 0);
	assert_true(full >= 0 && full < begin && begin < commit &&
	    commit < normal);
	assert_true(trace_find(&tr, "INSERT INTO outbox", begin) < commit);
	assert_int_equal(synchronous_of(s), 1);

	tr.n = 0;
	assert_int_equal(store_outbox_mark(s, op.op_id, WR_OUTBOX_DONE, 1,
	    NULL, &cause), 0);
	full = trace_find(&tr, "PRAGMA synchronous=FULL", 0);
	begin = trace_find(&tr, "BEGIN IMMEDIATE", 0);
	assert_true(full >= 0 && full < begin);
	assert_int_equal(synchronous_of(s), 1);

	/* A failed outbox write puts NORMAL back too. */
	tr.n = 0;
	assert_int_equal(store_outbox_add(s, &op, &cause), -1);
	free(cause);
	assert_true(trace_find(&tr, "PRAGMA synchronous=NORMAL", 0) >= 0);
	assert_int_equal(synchronous_of(s), 1);

	sqlite3_trace_v2(s->db, 0, NULL, NULL);
	store_close(s);
	store_close(relay);
	free(path);
}

/*
 * Several processes opening one new file at once, as consoles and one-shot
 * commands on a shared jump-host account do: every one of them opens it.
 * (Before: 11 in 480 opens of 6 at once failed, some with "database is
 * locked" from the switch to WAL, which SQLite makes without calling the
 * busy handler, some with "a SQLite database of another application",
 * having read the application_id before another process's migration
 * committed and the tables after.)  Each round is a new file; a child
 * exits 0 when its open succeeded, else prints why.
 */
static void
test_processes_opening_a_new_file_at_once_all_open_it(void **state)
{
	struct fx *fx = *state;
	enum { ROUNDS = 40, KIDS = 6 };
	int failed = 0;

	for (int r = 0; r < ROUNDS; r++) {
		char *path = xasprintf("%s/race%d/console.db", fx->dir, r);
		pid_t kids[KIDS];

		for (int k = 0; k < KIDS; k++) {
			kids[k] = fork();
			assert_true(kids[k] >= 0);
			if (kids[k] == 0) {
				struct wr_store *st = NULL;
				char *cause = NULL;

				if (store_open(path, WR_STORE_CONSOLE, &st,
				    &cause) != 0) {
					fprintf(stderr, "round %d: %s\n", r,
					    cause);
					_exit(1);
				}
				store_close(st);
				_exit(0);
			}
		}
		for (int k = 0; k < KIDS; k++) {
			int ws = 0;

			assert_int_equal(waitpid(kids[k], &ws, 0), kids[k]);
			if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
				failed++;
		}
		free(path);
	}
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_migration_from_empty_file_sets_versions_and_tables),
		T(test_new_store_is_wal_with_a_random_relay_epoch),
		T(test_reopen_keeps_data_epoch_and_cursor),
		T(test_newer_schema_is_refused_with_both_versions),
		T(test_migration_from_v1_keeps_every_incident_and_event),
		T(test_failed_migration_leaves_the_v1_file_untouched),
		T(test_migration_to_v10_fills_made_at_from_the_bodies),
		T(test_stored_events_carry_made_at_in_its_column),
		T(test_failed_migration_to_v10_leaves_the_v9_file_untouched),
		T(test_room_counts_are_the_loaded_rooms),
		T(test_op_answers_are_keyed_by_token_and_pruned_by_age),
		T(test_incident_sender_and_new_fields_round_trip),
		T(test_foreign_application_id_is_refused),
		T(test_foreign_sqlite_file_without_application_id_is_untouched),
		T(test_file_that_is_not_sqlite_is_refused_naming_it),
		T(test_relay_file_with_a_damaged_page_is_refused),
		T(test_relay_file_opened_as_console_is_refused),
		T(test_file_is_0600_and_new_directories_0700),
		T(test_default_path_follows_xdg_then_home),
		T(test_event_round_trip_every_kind_with_labels_in_order),
		T(test_text_that_is_not_utf8_fails_the_batch_loudly),
		T(test_bodies_and_label_columns_are_the_text_jansson_wrote),
		T(test_label_that_is_not_utf8_fails_the_batch_loudly),
		T(test_alert_events_keep_alert_rows_and_touch_moves_last_seen),
		T(test_commit_batch_incidents_load_into_a_room),
		T(test_op_results_are_found_by_op_id),
		T(test_failing_batch_leaves_nothing_and_names_the_file),
		T(test_batch_with_repeated_seq_is_refused_whole),
		T(test_prune_drops_old_events_and_keeps_the_cursor),
		T(test_prune_keeps_postmortem_versions_below_the_tail),
		T(test_a_snapshot_keeps_the_relays_locks),
		T(test_snapshot_history_is_read_by_window_in_bounded_parts),
		T(test_console_history_is_stored_below_the_cursor_once),
		T(test_outbox_add_list_mark_attempt_in_order),
		T(test_outbox_keeps_the_arguments_its_kind_carries),
		T(test_migration_keeps_queued_ops_and_their_text),
		T(test_reset_feed_forgets_the_feed_and_keeps_the_outbox),
		T(test_console_outbox_writes_run_synchronous_full),
		T(test_a_batch_another_process_stored_is_a_noop),
		T(test_a_batch_that_would_leave_a_hole_or_mix_epochs_is_refused),
		T(test_an_op_settled_by_one_process_stays_settled),
		T(test_an_event_settles_its_op_whichever_process_stores_it),
		T(test_processes_opening_a_new_file_at_once_all_open_it),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
