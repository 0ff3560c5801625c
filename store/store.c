/*
 * store.c: opening a store file, its schema and its bookkeeping.
 *
 * store_open() makes the directory (0700) and the file (0600), refuses a
 * file that belongs to another application, to a newer warroom or to the
 * other role, and a relay's file that is damaged, sets the connection up (WAL, busy_timeout, foreign_keys,
 * synchronous by role) and runs the migrations up to SCHEMA_VERSION in one
 * BEGIN IMMEDIATE transaction.  The meta table holds the role, the epoch
 * and the cursor.  This file also holds the helpers the rest of store/
 * shares (store-int.h): the statement cache, transactions and errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store-int.h"

/* How long an open or a write waits for another process's lock, and how
 * often the wait for the switch to WAL tries again. */
#define STORE_BUSY_MS		5000
#define STORE_BUSY_RETRY_MS	10

#define APPLICATION_ID	0x57415252	/* 'WARR' */
#define SCHEMA_VERSION	10

/*
 * Migrations: migrations[v] takes a file from user_version v to v + 1.
 * Constant DDL only; each ends by setting user_version.  Append, never
 * edit one that has shipped.
 */
static const char *const migrations[SCHEMA_VERSION] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE meta("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT);"
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
	"  n_notes INTEGER NOT NULL DEFAULT 0,"
	"  labels_text TEXT);"
	"CREATE TABLE alerts("
	"  incident INTEGER NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  starts INTEGER NOT NULL,"
	"  ends INTEGER NOT NULL DEFAULT 0,"
	"  firing INTEGER NOT NULL DEFAULT 1,"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  labels TEXT NOT NULL DEFAULT '[]',"
	"  annotations TEXT NOT NULL DEFAULT '[]',"
	"  PRIMARY KEY(incident, fingerprint, starts));"
	"CREATE TABLE ops("
	"  op_id TEXT PRIMARY KEY,"
	"  status INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  code TEXT,"
	"  reason TEXT);"
	"CREATE TABLE outbox("
	"  op_id TEXT PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  incident INTEGER NOT NULL,"
	"  epoch TEXT,"
	"  actor TEXT,"
	"  text TEXT,"
	"  created INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT,"
	"  ord INTEGER NOT NULL UNIQUE);"
	"PRAGMA application_id = 1463898706;"
	"PRAGMA user_version = 1;",

	/*
	 * 1 -> 2: identity is scoped by sender; alerts have a severity;
	 * incidents record truncation and who set their severity; op answers
	 * are keyed by the token they came through (via) and op id, with
	 * the time they were made for retention.  An existing incident's
	 * sender is the via of its first event from its source (its
	 * TRIGGERED event, which gets it in its body too); an existing
	 * alert has its incident's severity; an existing answer the via and
	 * time of the event it produced ("" and 0, the oldest, when none).
	 */
	"ALTER TABLE incidents ADD COLUMN sender TEXT;"
	"ALTER TABLE incidents ADD COLUMN severity_by TEXT;"
	"ALTER TABLE incidents ADD COLUMN truncated INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN severity INTEGER NOT NULL DEFAULT 2;"
	"UPDATE alerts SET severity = COALESCE((SELECT i.severity FROM "
	"  incidents i WHERE i.id = alerts.incident), 2);"
	"UPDATE incidents SET sender = COALESCE((SELECT e.via FROM events e "
	"  WHERE e.incident = incidents.id AND (e.kind = 1 OR "
	"  e.actor IS incidents.source) ORDER BY e.seq LIMIT 1), '');"
	"UPDATE events SET body = json_set(body, '$.sender', "
	"  COALESCE(via, '')) WHERE kind = 1;"
	"CREATE TABLE ops_v2("
	"  via TEXT NOT NULL,"
	"  op_id TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  code TEXT,"
	"  reason TEXT,"
	"  time INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(via, op_id));"
	"INSERT INTO ops_v2(via, op_id, status, seq, code, reason, time) "
	"  SELECT COALESCE(e.via, ''), o.op_id, o.status, o.seq, o.code, "
	"  o.reason, COALESCE(e.time, 0) FROM ops o LEFT JOIN events e "
	"  ON o.seq > 0 AND e.seq = o.seq AND e.op_id IS o.op_id;"
	"DROP TABLE ops;"
	"ALTER TABLE ops_v2 RENAME TO ops;"
	"CREATE INDEX ops_time ON ops(time);"
	"PRAGMA user_version = 2;",

	/*
	 * 2 -> 3: an op's answer keeps a digest of what the op said, so that
	 * a resend (the same op again: the same answer) is told apart from
	 * another op that reuses its id (refused: op_conflict).  Answers
	 * stored before have none, and are taken as matching any resend.
	 */
	"ALTER TABLE ops ADD COLUMN digest TEXT;"
	"PRAGMA user_version = 3;",

	/*
	 * 3 -> 4: an op in the outbox keeps the arguments its kind carries
	 * (core/room.h WR_OP_KINDS' fields) as a JSON body keyed like an
	 * event's (store/events.c), so that a new argument needs no column;
	 * an op queued before has its one text there.  The text column stays,
	 * unused.  A schedule-wide op (an override) has incident 0.
	 */
	"ALTER TABLE outbox ADD COLUMN args TEXT;"
	"UPDATE outbox SET args = CASE WHEN text IS NULL THEN '{}' ELSE "
	"  json_object('text', text) END;"
	"PRAGMA user_version = 4;",

	/*
	 * 4 -> 5: an incident keeps its active Alertmanager silences (a
	 * JSON array, store/json.c); an existing incident has none.
	 */
	"ALTER TABLE incidents ADD COLUMN silences TEXT;"
	"PRAGMA user_version = 5;",

	/*
	 * 5 -> 6: an incident's summary says whether it has a postmortem:
	 * the newest version's number, who saved it and when (the versions
	 * themselves are its POSTMORTEM events).  No file before this had
	 * one.
	 */
	"ALTER TABLE incidents ADD COLUMN pm_version INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN pm_by TEXT;"
	"ALTER TABLE incidents ADD COLUMN pm_at INTEGER NOT NULL DEFAULT 0;"
	"PRAGMA user_version = 6;",

	/*
	 * 6 -> 7: an incident's escalation, as the reducer keeps it from
	 * the log (core/policy.h): when its current round began, how many
	 * steps fired, under which policy, whom the last paged, the steps
	 * of the policy and when the next fires; whether its assignee is a
	 * policy's; when its snooze ends.  Incidents from before have none:
	 * they do not escalate (esc_since 0), which is what they did.
	 */
	"ALTER TABLE incidents ADD COLUMN esc_since INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN esc_fired INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN esc_policy TEXT;"
	"ALTER TABLE incidents ADD COLUMN esc_target TEXT;"
	"ALTER TABLE incidents ADD COLUMN esc_steps INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN esc_next_at INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN assigned_by_policy INTEGER NOT "
	"  NULL DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN snooze_until INTEGER NOT NULL "
	"  DEFAULT 0;"
	"PRAGMA user_version = 7;",

	/*
	 * 7 -> 8: the events by kind, for `warroom stats` (store/stats.c),
	 * which reads the acknowledgements, resolutions, escalations and
	 * notifications among a log where alerts' events are most of it;
	 * without it each of its statements scanned the whole log.
	 */
	"CREATE INDEX events_kind ON events(kind, incident, seq);"
	"PRAGMA user_version = 8;",

	/*
	 * 8 -> 9: when the relay took an incident's acknowledgement (the
	 * event's time; ack_at is when the person made it): an ack-timeout
	 * runs from it, so that an ack queued offline is not expired the
	 * moment it arrives.  0 for the acks before it: ack_at stands in.
	 */
	"ALTER TABLE incidents ADD COLUMN ack_seen_at INTEGER NOT NULL "
	"  DEFAULT 0;"
	"PRAGMA user_version = 9;",

	/*
	 * 9 -> 10: when the person made an event's op (the body's made_at)
	 * in a column of its own, NULL when the body has none, as
	 * event_insert (store/events.c) writes it from now on: `warroom
	 * stats` reads it for every acknowledgement and resolution, and
	 * parsing each body for it was most of the report's SQL.  Only a
	 * body that names made_at is parsed (a damaged one is left NULL:
	 * the event's time stands in, as json_extract would have failed).
	 */
	"ALTER TABLE events ADD COLUMN made_at INTEGER;"
	"UPDATE events SET made_at = json_extract(body, '$.made_at')"
	"  WHERE instr(body, '\"made_at\"') > 0 AND json_valid(body);"
	"PRAGMA user_version = 10;",
};

_Static_assert(APPLICATION_ID == 1463898706, "migration 0 spells it out");

static const char *
role_name(enum wr_store_role role)
{
	return role == WR_STORE_RELAY ? "relay" : "console";
}

/* ---- shared helpers (store-int.h) -------------------------------------- */

/*
 * SQLite's words for what failed on the file at path, and, when it was the
 * file system that failed (an I/O error, a file that cannot be opened or
 * written, a full disk) and the file system holding it has no space left,
 * that too: a full disk often reaches SQLite as a failure to make its -shm
 * file, which it calls "disk I/O error".
 */
static void
store_errmsg(sqlite3 *db, const char *path, int rc, char *buf, size_t size)
{
	int code = rc;
	const char *msg;
	struct statvfs vfs;
	char *dir, *slash;

	if (db != NULL && sqlite3_errcode(db) != SQLITE_OK) {
		msg = sqlite3_errmsg(db);
		code = sqlite3_extended_errcode(db);
	} else {
		msg = sqlite3_errstr(rc);
	}
	snprintf(buf, size, "%s", msg);
	switch (code & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_READONLY:
		break;
	default:
		return;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		util_strlcpy(dir, ".", strlen(dir) + 1);
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	/* root may use the blocks kept back for it */
	if (statvfs(dir, &vfs) == 0 &&
	    (geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail) == 0)
		snprintf(buf, size, "%s (the file system of %s is full)", msg,
		    dir);
	free(dir);
}

int
store_fail(struct wr_store *s, char **cause, int rc, const char *fmt, ...)
{
	char what[256], msg[512];
	va_list ap;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	store_errmsg(s->db, s->path, rc, msg, sizeof msg);
	*cause = xasprintf("%s: %s: %s", s->path, what, msg);
	return -1;
}

sqlite3_stmt *
store_stmt(struct wr_store *s, enum store_stmt id, const char *sql,
    char **cause)
{
	int rc;

	if (s->st[id] != NULL)
		return s->st[id];
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s->st[id], NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, cause, rc, "preparing \"%.48s\"", sql);
		sqlite3_finalize(s->st[id]);
		s->st[id] = NULL;
	}
	return s->st[id];
}

void
store_stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
store_step_done(struct wr_store *s, sqlite3_stmt *st, char **cause,
    const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(s, cause, rc, "%s", what);
		store_stmt_done(st);
		return -1;
	}
	store_stmt_done(st);
	return 0;
}

int
store_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

char *
store_col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(st, i);
	if (t == NULL)		/* only out of memory */
		util_die("out of memory (reading a text column)");
	return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

/* Put synchronous back to NORMAL after a console's durable transaction.
 * A failure leaves FULL in force, which is only slower. */
static void
tx_sync_restore(struct wr_store *s)
{
	sqlite3_stmt *st;

	if (!s->durable_tx)
		return;
	s->durable_tx = 0;
	st = store_stmt(s, ST_SYNC_NORMAL, "PRAGMA synchronous=NORMAL", NULL);
	if (st != NULL)
		store_step_done(s, st, NULL, "");
}

int
store_tx_begin(struct wr_store *s, int durable, char **cause)
{
	sqlite3_stmt *st;

	if (durable && s->role == WR_STORE_CONSOLE) {
		/* Allowed only outside a transaction, hence before BEGIN. */
		st = store_stmt(s, ST_SYNC_FULL, "PRAGMA synchronous=FULL",
		    cause);
		if (st == NULL || store_step_done(s, st, cause,
		    "setting synchronous=FULL") == -1)
			return -1;
		s->durable_tx = 1;
	}
	st = store_stmt(s, ST_BEGIN, "BEGIN IMMEDIATE", cause);
	if (st == NULL || store_step_done(s, st, cause,
	    "beginning a transaction") == -1) {
		tx_sync_restore(s);
		return -1;
	}
	return 0;
}

int
store_tx_begin_read(struct wr_store *s, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_BEGIN_READ, "BEGIN", cause);

	if (st == NULL)
		return -1;
	return store_step_done(s, st, cause, "beginning a read");
}

void
store_tx_rollback(struct wr_store *s)
{
	sqlite3_stmt *st;

	if (!sqlite3_get_autocommit(s->db)) {
		st = store_stmt(s, ST_ROLLBACK, "ROLLBACK", NULL);
		if (st == NULL || store_step_done(s, st, NULL, "") == -1)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	tx_sync_restore(s);
}

int
store_tx_commit(struct wr_store *s, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_COMMIT, "COMMIT", cause);

	if (st == NULL || store_step_done(s, st, cause, "committing") == -1) {
		store_tx_rollback(s);
		return -1;
	}
	tx_sync_restore(s);
	return 0;
}

int
store_meta_set(struct wr_store *s, const char *key, const char *value,
    char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_SET,
	    "INSERT INTO meta(key, value) VALUES(?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", cause);

	if (st == NULL)
		return -1;
	if (store_bind_text(st, 1, key) || store_bind_text(st, 2, value)) {
		store_fail(s, cause, SQLITE_ERROR, "setting %s", key);
		store_stmt_done(st);
		return -1;
	}
	return store_step_done(s, st, cause, key);
}

int
store_meta_refresh(struct wr_store *s, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET, "SELECT "
	    "(SELECT value FROM meta WHERE key = 'epoch'), "
	    "(SELECT value FROM meta WHERE key = 'cursor')", cause);
	char *epoch;
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_fail(s, cause, rc, "reading the cursor");
		store_stmt_done(st);
		return -1;
	}
	epoch = store_col_str(st, 0);
	free(s->epoch);
	s->epoch = epoch != NULL ? epoch : xstrdup("");
	s->last_seq = sqlite3_column_int64(st, 1);	/* NULL: 0 */
	store_stmt_done(st);
	return 0;
}

/* ---- opening ------------------------------------------------------------ */

char *
store_default_path(enum wr_store_role role)
{
	const char *file = role == WR_STORE_RELAY ? "relay.db" : "console.db";
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	/* The XDG spec says a relative value is to be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/warroom/%s", xdg, file);
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/.local/share/warroom/%s", home, file);
}

/* mkdir -p of path's directory; the components it makes are 0700. */
static int
make_parent_dirs(const char *path, char **cause)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *p;
	struct stat sb;
	int ret = 0;

	if (slash == NULL || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (p = dir + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			*cause = xasprintf("cannot create directory %s: %s",
			    dir, strerror(errno));
			ret = -1;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	if (ret == 0 && (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))) {
		*cause = xasprintf("cannot open %s: %s is not a directory",
		    path, dir);
		ret = -1;
	}
	free(dir);
	return ret;
}

/*
 * Create the file 0600 ourselves: SQLite would use 0644.  Only a file that
 * is not there is opened: close() of any descriptor of a file drops every
 * POSIX lock this process holds on it, and a second connection in the
 * process (a snapshot's, store_snapshot_begin()) would take the locks of
 * the first with it, so that another process closing the file last
 * deleted the live WAL under the relay.
 */
static int
create_file(const char *path, char **cause)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd == -1 && errno == EEXIST)
		return 0;
	if (fd == -1) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* 16 random hex digits. */
static int
make_epoch(char *out, size_t size, const char *path, char **cause)
{
	char hex[17];

	if (util_random_hex(hex, 8) != 0) {
		*cause = xasprintf("cannot create %s: no random bytes: %s",
		    path, strerror(errno));
		return -1;
	}
	util_strlcpy(out, hex, size);
	return 0;
}

/* One integer from a constant query (a PRAGMA, a count). */
static int
query_int(struct wr_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A meta value, malloc'd; *out NULL when the key is absent. */
static int
meta_get(struct wr_store *s, const char *key, char **out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db,
	    "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL);

	*out = NULL;
	if (rc != SQLITE_OK)
		return rc;
	rc = store_bind_text(st, 1, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = store_col_str(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_schedules_put(struct wr_store *s, const char *frame, char **cause)
{
	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	if (store_meta_set(s, "schedules", frame, cause) == -1) {
		store_tx_rollback(s);
		return -1;
	}
	return store_tx_commit(s, cause);
}

int
store_schedules_get(struct wr_store *s, char **frame, char **cause)
{
	int rc = meta_get(s, "schedules", frame);

	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: reading the schedules: %s", s->path,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_notice_put(struct wr_store *s, const char *key, const char *value,
    char **cause)
{
	char *k = xasprintf("notice:%s", key);
	int rc = store_tx_begin(s, 0, cause);

	if (rc == 0 && (rc = store_meta_set(s, k, value, cause)) == -1)
		store_tx_rollback(s);
	else if (rc == 0)
		rc = store_tx_commit(s, cause);
	free(k);
	return rc;
}

int
store_notice_get(struct wr_store *s, const char *key, char **value,
    char **cause)
{
	char *k = xasprintf("notice:%s", key);
	int rc = meta_get(s, k, value);

	free(k);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: reading a notice's record: %s",
		    s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static int
open_fail(struct wr_store *s, char **cause, int rc)
{
	char msg[512];

	store_errmsg(s->db, s->path, rc, msg, sizeof msg);
	*cause = xasprintf("cannot open %s: %s", s->path, msg);
	return -1;
}

/* Refuse what is not ours to touch, before anything is written to it. */
static int
check_ownership(struct wr_store *s, char **cause)
{
	int64_t app, version, objects;
	int rc;

	/* One read transaction: the three answers come from one state of
	 * the file, never an application_id from before another process's
	 * migration committed and its tables from after. */
	if ((rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL)) !=
	    SQLITE_OK)
		return open_fail(s, cause, rc);
	if ((rc = query_int(s, "PRAGMA application_id", &app)) != SQLITE_OK ||
	    (rc = query_int(s, "PRAGMA user_version", &version)) != SQLITE_OK ||
	    (rc = query_int(s, "SELECT count(*) FROM sqlite_master",
	    &objects)) != SQLITE_OK) {
		open_fail(s, cause, rc);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (app != 0 && app != APPLICATION_ID) {
		*cause = xasprintf("cannot open %s: it belongs to another "
		    "application (SQLite application_id 0x%llx, not warroom's "
		    "0x%x)", s->path, (unsigned long long)app, APPLICATION_ID);
		return -1;
	}
	if (app == 0 && objects > 0) {
		*cause = xasprintf("cannot open %s: it is a SQLite database "
		    "of another application (it has tables but no warroom "
		    "application_id)", s->path);
		return -1;
	}
	if (version > SCHEMA_VERSION) {
		*cause = xasprintf("cannot open %s: database is from a newer "
		    "warroom (schema %lld > %d)", s->path, (long long)version,
		    SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

/*
 * The relay's log is checked before anything is written to it: a page
 * SQLite cannot read (bytes overwritten, a bad block) was otherwise found
 * only when a console's replay or the retention reached it, in a relay
 * that started as if well.  quick_check reads every page (about a second
 * for 200 MB, a million events); the console's copy is not checked at
 * every one-shot: the relay can always replay it.
 */
static int
check_integrity(struct wr_store *s, char **cause)
{
	sqlite3_stmt *st;
	char *first = NULL;
	int rc;

	if (s->role != WR_STORE_RELAY)
		return 0;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st,
	    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		first = store_col_str(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		free(first);
		return open_fail(s, cause, rc);
	}
	if (first == NULL || strcmp(first, "ok") != 0) {
		/* "*** in database main ***\nPage 60: ...": one line */
		const char *what = first != NULL ? first : "no answer";
		const char *nl = strrchr(what, '\n');

		if (nl != NULL && nl[1] != '\0')
			what = nl + 1;
		*cause = xasprintf("cannot open %s: the database is damaged "
		    "(SQLite's quick_check: %.200s); restore it from a backup, "
		    "or move it aside to start a new log", s->path, what);
		free(first);
		return -1;
	}
	free(first);
	return 0;
}

static int
pragma_setup(struct wr_store *s, char **cause)
{
	const char *sync = s->role == WR_STORE_RELAY ?
	    "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
	char *mode = NULL;
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_exec(s->db, "PRAGMA foreign_keys=ON", NULL, NULL,
	    NULL)) != SQLITE_OK ||
	    (rc = sqlite3_exec(s->db, sync, NULL, NULL, NULL)) != SQLITE_OK)
		return open_fail(s, cause, rc);
	/* The switch to WAL takes the file's exclusive lock, and SQLite
	 * does not call the busy handler for it: while another process
	 * opens the same new file it fails at once with SQLITE_BUSY.  Wait
	 * for it as the busy handler would, up to STORE_BUSY_MS. */
	for (int waited = 0;; waited += STORE_BUSY_RETRY_MS) {
		rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1,
		    &st, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			mode = store_col_str(st, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= STORE_BUSY_MS)
			break;
		sqlite3_sleep(STORE_BUSY_RETRY_MS);
	}
	if (rc != SQLITE_OK) {
		free(mode);
		return open_fail(s, cause, rc);
	}
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		*cause = xasprintf("cannot open %s: SQLite would not use WAL "
		    "there (journal_mode %s); is it on a network file system?",
		    s->path, mode ? mode : "unknown");
		free(mode);
		return -1;
	}
	free(mode);
	return 0;
}

/* Bring the schema to SCHEMA_VERSION in one transaction. */
static int
migrate(struct wr_store *s, char **cause)
{
	char epoch[17] = "";
	int64_t version;
	int rc;

	if ((rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) !=
	    SQLITE_OK)
		return open_fail(s, cause, rc);
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = query_int(s, "PRAGMA user_version", &version)) != SQLITE_OK)
		goto fail;
	if (version > SCHEMA_VERSION) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		*cause = xasprintf("cannot open %s: database is from a newer "
		    "warroom (schema %lld > %d)", s->path, (long long)version,
		    SCHEMA_VERSION);
		return -1;
	}
	for (int64_t v = version; v < SCHEMA_VERSION; v++) {
		rc = sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail;
	}
	if (version == 0) {
		if (s->role == WR_STORE_RELAY &&
		    make_epoch(epoch, sizeof epoch, s->path, cause) == -1) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (store_meta_set(s, "role", role_name(s->role),
		    cause) == -1 ||
		    store_meta_set(s, "epoch", epoch, cause) == -1 ||
		    store_meta_set(s, "cursor", "0", cause) == -1) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if ((rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
		goto fail;
	return 0;

fail:
	{
		char msg[512];

		store_errmsg(s->db, s->path, rc, msg, sizeof msg);
		*cause = xasprintf("cannot open %s: migrating to schema %d: "
		    "%s", s->path, SCHEMA_VERSION, msg);
	}
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
load_meta(struct wr_store *s, char **cause)
{
	char *role = NULL, *cursor = NULL;
	int rc;

	if ((rc = meta_get(s, "role", &role)) != SQLITE_OK ||
	    (rc = meta_get(s, "epoch", &s->epoch)) != SQLITE_OK ||
	    (rc = meta_get(s, "cursor", &cursor)) != SQLITE_OK) {
		free(role);
		free(cursor);
		return open_fail(s, cause, rc);
	}
	if (role == NULL || strcmp(role, role_name(s->role)) != 0) {
		*cause = xasprintf("cannot open %s: it is a %s database, not a "
		    "%s one (the relay and the console never share a file)",
		    s->path, role ? role : "damaged", role_name(s->role));
		free(role);
		free(cursor);
		return -1;
	}
	if (s->epoch == NULL)
		s->epoch = xstrdup("");
	s->last_seq = cursor != NULL ? strtoll(cursor, NULL, 10) : 0;
	free(role);
	free(cursor);
	return 0;
}

int
store_open(const char *path, enum wr_store_role role, struct wr_store **out,
    char **cause)
{
	return store_open_with(path, role, 1, out, cause);
}

int
store_open_with(const char *path, enum wr_store_role role, int check,
    struct wr_store **out, char **cause)
{
	struct wr_store *s;
	int rc;

	*out = NULL;
	if (make_parent_dirs(path, cause) == -1 ||
	    create_file(path, cause) == -1)
		return -1;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->role = role;
	/* NOMUTEX: a store belongs to one thread (DESIGN.md: one loop). */
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		open_fail(s, cause, rc);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = sqlite3_busy_timeout(s->db, STORE_BUSY_MS)) != SQLITE_OK) {
		open_fail(s, cause, rc);
		goto fail;
	}
	if (check_ownership(s, cause) == -1 ||
	    (check && check_integrity(s, cause) == -1) ||
	    pragma_setup(s, cause) == -1 ||
	    migrate(s, cause) == -1 || load_meta(s, cause) == -1)
		goto fail;
	*out = s;
	return 0;

fail:
	store_close(s);
	return -1;
}

void
store_close(struct wr_store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->path);
	free(s->epoch);
	free(s);
}

const char *
store_path(const struct wr_store *s)
{
	return s->path;
}

const char *
store_epoch(const struct wr_store *s)
{
	return s->epoch;
}

int64_t
store_last_seq(const struct wr_store *s)
{
	return s->last_seq;
}

int64_t
store_first_seq(struct wr_store *s)
{
	/* The contiguous tail: postmortem versions stay below a prune
	 * (store_prune()), so the first seq above the highest one cut. */
	sqlite3_stmt *st = store_stmt(s, ST_EV_FIRST,
	    "SELECT min(seq) FROM events WHERE seq > COALESCE((SELECT "
	    "CAST(value AS INTEGER) FROM meta WHERE key = 'pruned'), 0)",
	    NULL);
	int64_t first = 0;

	if (st == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		first = sqlite3_column_int64(st, 0);	/* NULL: 0 */
	store_stmt_done(st);
	return first;
}

int
store_reset_feed(struct wr_store *s, const char *epoch, char **cause)
{
	static const struct {
		enum store_stmt id;
		const char *sql;
	} clear[] = {
		{ ST_EV_CLEAR, "DELETE FROM events" },
		{ ST_INC_CLEAR, "DELETE FROM incidents" },
		{ ST_AL_CLEAR, "DELETE FROM alerts" },
	};
	sqlite3_stmt *st;

	if (s->role != WR_STORE_CONSOLE) {
		*cause = xasprintf("%s: a relay's log is never reset", s->path);
		return -1;
	}
	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++) {
		st = store_stmt(s, clear[i].id, clear[i].sql, cause);
		if (st == NULL || store_step_done(s, st, cause,
		    "forgetting the feed") == -1)
			goto fail;
	}
	if (store_meta_set(s, "epoch", epoch ? epoch : "", cause) == -1 ||
	    store_meta_set(s, "cursor", "0", cause) == -1)
		goto fail;
	if (store_tx_commit(s, cause) == -1)
		return -1;
	free(s->epoch);
	s->epoch = xstrdup(epoch ? epoch : "");
	s->last_seq = 0;
	return 0;

fail:
	store_tx_rollback(s);
	return -1;
}
