/*
 * bench_sqlite.c: the baselines the relay benchmark is read against: how
 * fast a bare sqlite3 program and a bare jansson parse go on this machine,
 * measured in the same run and (with --dir) on the same file system as the
 * relay's database.
 *
 * Each SQLite variant writes a fresh WAL database with the relay's pragmas
 * (journal_mode=WAL, synchronous=FULL, foreign_keys=ON, busy_timeout) and
 * the relay's table definitions, through prepared statements, in BEGIN
 * IMMEDIATE transactions:
 *   txn_per_body      per body one incident row and one event row per alert
 *                     (a JSON body of the relay's size), one COMMIT per body
 *                     (group commit at one body per loop pass);
 *   txn_per_4_bodies  the same rows, one COMMIT per 4 bodies (group commit
 *                     across 4 connections);
 *   relay_rows        every row the relay writes for a body: the incident,
 *                     a triggered event, and per alert an event row and an
 *                     alerts row (an upsert), one COMMIT per body;
 *   relay_rows_txn_per_4_bodies  the same, one COMMIT per 4 bodies.
 * --synchronous NORMAL or OFF (for finding where the time goes: the
 * relay itself always uses FULL) changes the pragma for every variant.
 * The jansson baseline parses the Alertmanager bodies bench_relay sends
 * (bench/gen.h) with json_loadb and JSON_REJECT_DUPLICATES, as the relay's
 * strict parser does.
 *
 * Prints `name value` lines: sqlite_rows_per_s_txn_per_body,
 * sqlite_rows_per_s_txn_per_4_bodies, sqlite_alerts_per_s_relay_rows,
 * sqlite_alerts_per_s_relay_rows_txn_per_4_bodies,
 * sqlite_commits_per_s_txn_per_body, jansson_bodies_parse_alerts_per_s.
 * The database files are removed at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "bench/gen.h"

static const char schema[] =
	"CREATE TABLE events("
	"  seq INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  incident INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  actor TEXT,"
	"  via TEXT,"
	"  op_id TEXT,"
	"  body TEXT NOT NULL);"
	"CREATE INDEX events_incident ON events(incident, seq);"
	"CREATE TABLE incidents("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT,"
	"  key TEXT,"
	"  title TEXT,"
	"  service TEXT,"
	"  severity INTEGER NOT NULL,"
	"  severity_raw TEXT,"
	"  state INTEGER NOT NULL,"
	"  ack_by TEXT,"
	"  ack_at INTEGER NOT NULL DEFAULT 0,"
	"  resolved_by TEXT,"
	"  resolved_at INTEGER NOT NULL DEFAULT 0,"
	"  assignee TEXT,"
	"  created INTEGER NOT NULL DEFAULT 0,"
	"  updated INTEGER NOT NULL DEFAULT 0,"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  n_alerts INTEGER NOT NULL DEFAULT 0,"
	"  n_firing INTEGER NOT NULL DEFAULT 0,"
	"  n_notes INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE alerts("
	"  incident INTEGER NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  starts INTEGER NOT NULL,"
	"  ends INTEGER NOT NULL DEFAULT 0,"
	"  firing INTEGER NOT NULL DEFAULT 1,"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  labels TEXT NOT NULL DEFAULT '[]',"
	"  annotations TEXT NOT NULL DEFAULT '[]',"
	"  PRIMARY KEY(incident, fingerprint, starts));";

enum variant { V_TXN_BODY, V_TXN_4, V_RELAY_ROWS, V_RELAY_ROWS_4 };

struct db {
	sqlite3 *db;
	sqlite3_stmt *ev, *inc, *al, *begin, *commit;
	char path[4096];
};

static void
die_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_sqlite: %s: %s\n", what,
	    db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

static void
exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die_sql(db, sql);
}

static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK)
		die_sql(db, sql);
	return st;
}

static void
step_done(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die_sql(db, sqlite3_sql(st));
	sqlite3_reset(st);
}

static void
remove_db(const char *path)
{
	char p[4200];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static const char *sync_mode = "FULL";

static void
db_open(struct db *d, const char *dir, const char *name)
{
	char sync_sql[64];

	sqlite3_stmt *st;

	snprintf(d->path, sizeof d->path, "%s/bench-sqlite-%s-%ld.db", dir,
	    name, (long)getpid());
	remove_db(d->path);
	if (sqlite3_open_v2(d->path, &d->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		die_sql(d->db, d->path);
	sqlite3_busy_timeout(d->db, 5000);
	exec(d->db, "PRAGMA foreign_keys=ON");
	snprintf(sync_sql, sizeof sync_sql, "PRAGMA synchronous=%s",
	    sync_mode);
	exec(d->db, sync_sql);
	st = prep(d->db, "PRAGMA journal_mode=WAL");
	if (sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)
	    sqlite3_column_text(st, 0), "wal") != 0) {
		fprintf(stderr, "bench_sqlite: %s: no WAL here\n", d->path);
		exit(1);
	}
	sqlite3_finalize(st);
	exec(d->db, "BEGIN IMMEDIATE");
	exec(d->db, schema);
	exec(d->db, "COMMIT");
	d->ev = prep(d->db, "INSERT INTO events(seq, kind, incident, time, "
	    "actor, via, op_id, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	d->inc = prep(d->db, "INSERT OR REPLACE INTO incidents(id, source, "
	    "key, title, service, severity, severity_raw, state, ack_by, "
	    "ack_at, resolved_by, resolved_at, assignee, created, updated, "
	    "last_seen, n_alerts, n_firing, n_notes) VALUES(?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19)");
	d->al = prep(d->db, "INSERT INTO alerts(incident, fingerprint, "
	    "starts, ends, firing, last_seen, labels, annotations) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT(incident, fingerprint, starts) DO UPDATE SET "
	    "ends = excluded.ends, firing = excluded.firing, "
	    "last_seen = excluded.last_seen, labels = excluded.labels, "
	    "annotations = excluded.annotations");
	d->begin = prep(d->db, "BEGIN IMMEDIATE");
	d->commit = prep(d->db, "COMMIT");
}

static void
db_close(struct db *d)
{
	sqlite3_finalize(d->ev);
	sqlite3_finalize(d->inc);
	sqlite3_finalize(d->al);
	sqlite3_finalize(d->begin);
	sqlite3_finalize(d->commit);
	if (sqlite3_close(d->db) != SQLITE_OK)
		die_sql(d->db, "close");
	remove_db(d->path);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s, int len)
{
	sqlite3_bind_text(st, i, s, len, SQLITE_STATIC);
}

static void
put_event(struct db *d, int64_t seq, int kind, int64_t incident,
    int64_t now, const char *body, int blen)
{
	sqlite3_bind_int64(d->ev, 1, seq);
	sqlite3_bind_int(d->ev, 2, kind);
	sqlite3_bind_int64(d->ev, 3, incident);
	sqlite3_bind_int64(d->ev, 4, now);
	bind_text(d->ev, 5, "alertmanager", -1);
	bind_text(d->ev, 6, "bench", -1);
	sqlite3_bind_null(d->ev, 7);
	bind_text(d->ev, 8, body, blen);
	step_done(d->db, d->ev);
}

static void
put_incident(struct db *d, int64_t id, const char *key, const char *title,
    const char *service, int n_alerts, int64_t now)
{
	sqlite3_stmt *st = d->inc;

	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, "alertmanager", -1);
	bind_text(st, 3, key, -1);
	bind_text(st, 4, title, -1);
	bind_text(st, 5, service, -1);
	sqlite3_bind_int(st, 6, (int)(id % 4));
	sqlite3_bind_null(st, 7);
	sqlite3_bind_int(st, 8, 0);
	sqlite3_bind_null(st, 9);
	sqlite3_bind_int64(st, 10, 0);
	sqlite3_bind_null(st, 11);
	sqlite3_bind_int64(st, 12, 0);
	sqlite3_bind_null(st, 13);
	sqlite3_bind_int64(st, 14, now);
	sqlite3_bind_int64(st, 15, now);
	sqlite3_bind_int64(st, 16, now);
	sqlite3_bind_int(st, 17, n_alerts);
	sqlite3_bind_int(st, 18, n_alerts);
	sqlite3_bind_int(st, 19, 0);
	step_done(d->db, st);
}

/*
 * One variant.  Returns the seconds from the first BEGIN to the last
 * COMMIT; *rows and *bodies_done say how much was written.
 */
static double
run_variant(const char *dir, enum variant v, unsigned run, int bodies,
    int alerts, int max_seconds, long *rows, int *bodies_done,
    long *commits)
{
	static const char *names[] = { "body", "4", "relay", "relay4" };
	struct db d;
	int per_txn = v == V_TXN_4 || v == V_RELAY_ROWS_4 ? 4 : 1;
	int relay_rows = v == V_RELAY_ROWS || v == V_RELAY_ROWS_4, in_txn = 0;
	int64_t seq = 0, t0, deadline, now_ms = (int64_t)time(NULL) * 1000;
	char ev[1024], labels[512], annotations[256], key[96], service[64],
	    title[64], fp[17], trig[512];
	int b;

	memset(&d, 0, sizeof d);
	db_open(&d, dir, names[v]);
	*rows = 0;
	*commits = 0;
	t0 = gen_now_ns();
	deadline = t0 + (int64_t)max_seconds * 1000000000;
	for (b = 0; b < bodies; b++) {
		int tl;

		if (gen_now_ns() >= deadline && in_txn == 0)
			break;
		if (in_txn == 0)
			step_done(d.db, d.begin);
		snprintf(service, sizeof service, GEN_SERVICE_PREFIX "%u-%06d",
		    run, b);
		snprintf(key, sizeof key, "{}:{service=\"%s\"}",
		    service);
		snprintf(title, sizeof title, "BenchNodeDown \xe2\x80\x94 %d "
		    "alerts", alerts);
		put_incident(&d, b + 1, key, title, service, alerts, now_ms);
		(*rows)++;
		if (relay_rows) {
			tl = snprintf(trig, sizeof trig, "{\"source\":"
			    "\"alertmanager\",\"key\":\"{}:{service=\\\"%s"
			    "\\\"}\",\"title\":\"%s\",\"service\":\"%s\"}",
			    service, title, service);
			put_event(&d, ++seq, 1, b + 1, now_ms, trig, tl);
			(*rows)++;
		}
		for (int a = 0; a < alerts; a++) {
			int el, ll, al;

			snprintf(fp, sizeof fp, "%016llx", (unsigned long long)
			    gen_mix(((uint64_t)run << 40) ^
			    ((uint64_t)(unsigned)b << 20) ^ (uint64_t)a));
			ll = snprintf(labels, sizeof labels, "[[\"alertname\","
			    "\"BenchNodeDown\"],[\"instance\",\"node-%d-%d:9100"
			    "\"],[\"service\",\"%s\"],[\"severity\","
			    "\"critical\"]]", b, a, service);
			al = snprintf(annotations, sizeof annotations,
			    "[[\"summary\",\"node-%d-%d of bench group %06d "
			    "has not answered for 2m\"]]", b, a, b);
			el = snprintf(ev, sizeof ev, "{\"alert\":{"
			    "\"fingerprint\":\"%s\",\"starts\":%lld,"
			    "\"firing\":1,\"last_seen\":%lld,\"labels\":%s,"
			    "\"annotations\":%s}}", fp, (long long)now_ms,
			    (long long)now_ms, labels, annotations);
			put_event(&d, ++seq, 2, b + 1, now_ms, ev, el);
			(*rows)++;
			if (relay_rows) {
				sqlite3_bind_int64(d.al, 1, b + 1);
				bind_text(d.al, 2, fp, 16);
				sqlite3_bind_int64(d.al, 3, now_ms);
				sqlite3_bind_int64(d.al, 4, 0);
				sqlite3_bind_int(d.al, 5, 1);
				sqlite3_bind_int64(d.al, 6, now_ms);
				bind_text(d.al, 7, labels, ll);
				bind_text(d.al, 8, annotations, al);
				step_done(d.db, d.al);
				(*rows)++;
			}
		}
		if (++in_txn == per_txn) {
			step_done(d.db, d.commit);
			(*commits)++;
			in_txn = 0;
		}
	}
	if (in_txn > 0) {
		step_done(d.db, d.commit);
		(*commits)++;
	}
	*bodies_done = b;
	{
		double s = (double)(gen_now_ns() - t0) / 1e9;

		db_close(&d);
		return s;
	}
}

static double
run_jansson(unsigned run, int bodies, int alerts, int max_seconds,
    int *done)
{
	struct gen_body *gb = calloc((size_t)bodies, sizeof *gb);
	time_t wall = time(NULL);
	int64_t t0, deadline;
	double s;
	int b;

	if (gb == NULL) {
		fprintf(stderr, "bench_sqlite: out of memory\n");
		exit(1);
	}
	for (b = 0; b < bodies; b++)
		gb[b] = gen_body(run, b, alerts, wall);
	t0 = gen_now_ns();
	deadline = t0 + (int64_t)max_seconds * 1000000000;
	for (b = 0; b < bodies && gen_now_ns() < deadline; b++) {
		json_error_t je;
		json_t *o = json_loadb(gb[b].text, gb[b].len,
		    JSON_REJECT_DUPLICATES, &je);

		if (o == NULL) {
			fprintf(stderr, "bench_sqlite: body %d: %s\n", b,
			    je.text);
			exit(1);
		}
		json_decref(o);
	}
	s = (double)(gen_now_ns() - t0) / 1e9;
	*done = b;
	for (int i = 0; i < bodies; i++)
		free(gb[i].text);
	free(gb);
	return s;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_sqlite [--dir DIR] [--bodies 2000] "
	    "[--alerts-per-body 100] [--max-seconds 20]\n"
	    "                    [--synchronous FULL|NORMAL|OFF]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	static const struct {
		enum variant v;
		const char *rows_name, *note;
	} vs[] = {
		{ V_TXN_BODY, "sqlite_rows_per_s_txn_per_body",
		    "1 incident + N events per body, COMMIT per body" },
		{ V_TXN_4, "sqlite_rows_per_s_txn_per_4_bodies",
		    "the same, COMMIT per 4 bodies" },
		{ V_RELAY_ROWS, NULL, "the relay's rows (incident, triggered "
		    "event, N events, N alert upserts), COMMIT per body" },
		{ V_RELAY_ROWS_4, NULL, "the relay's rows, COMMIT per 4 "
		    "bodies" },
	};
	const char *dir = ".";
	int bodies = 2000, alerts = 100, max_seconds = 20, done;
	unsigned run = (unsigned)(gen_mix((uint64_t)getpid()) % 1000000000u);
	double s;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--dir") == 0)
			dir = v;
		else if (strcmp(a, "--bodies") == 0)
			bodies = (int)gen_arg_long(a, v, 1, 10000000);
		else if (strcmp(a, "--alerts-per-body") == 0)
			alerts = (int)gen_arg_long(a, v, 1, 100000);
		else if (strcmp(a, "--max-seconds") == 0)
			max_seconds = (int)gen_arg_long(a, v, 1, 86400);
		else if (strcmp(a, "--synchronous") == 0 &&
		    (strcmp(v, "FULL") == 0 || strcmp(v, "NORMAL") == 0 ||
		    strcmp(v, "OFF") == 0))
			sync_mode = v;
		else
			usage();
	}
	fprintf(stderr, "bench_sqlite: SQLite %s, %d bodies of %d alerts, "
	    "synchronous=%s, databases in %s\n", sqlite3_libversion(), bodies,
	    alerts, sync_mode, dir);

	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
		long rows, commits;

		s = run_variant(dir, vs[i].v, run, bodies, alerts, max_seconds,
		    &rows, &done, &commits);
		fprintf(stderr, "bench_sqlite: %s: %d bodies, %ld rows, %ld "
		    "commits in %.3f s\n", vs[i].note, done, rows, commits, s);
		if (vs[i].rows_name != NULL)
			printf("%s %.6g\n", vs[i].rows_name, (double)rows / s);
		if (vs[i].v == V_TXN_BODY)
			printf("sqlite_commits_per_s_txn_per_body %.6g\n",
			    (double)commits / s);
		if (vs[i].v == V_RELAY_ROWS)
			printf("sqlite_alerts_per_s_relay_rows %.6g\n",
			    (double)done * alerts / s);
		if (vs[i].v == V_RELAY_ROWS_4)
			printf("sqlite_alerts_per_s_relay_rows_txn_per_4_bodies "
			    "%.6g\n", (double)done * alerts / s);
		fflush(stdout);
	}

	s = run_jansson(run, bodies, alerts, max_seconds, &done);
	fprintf(stderr, "bench_sqlite: jansson: %d bodies parsed in %.3f s\n",
	    done, s);
	printf("jansson_bodies_parse_alerts_per_s %.6g\n",
	    (double)done * alerts / s);
	return 0;
}
