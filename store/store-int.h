/*
 * store-int.h: what the store's files share and nobody else sees: the
 * struct behind struct wr_store, its cache of prepared statements, the
 * transaction helpers and the error helper that names the file, and the
 * JSON form of label lists.  Each file of store/ prepares its own SQL on
 * first use (store_stmt()) and the statement is kept until store_close().
 */
#ifndef WR_STORE_INT_H
#define WR_STORE_INT_H

#include <sqlite3.h>
#include <jansson.h>

#include "core/jbuf.h"
#include "store/store.h"

/* One slot per cached statement. */
enum store_stmt {
	ST_BEGIN = 0,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SYNC_FULL,
	ST_SYNC_NORMAL,
	ST_META_SET,
	ST_META_GET,
	ST_OB_EXISTS,
	ST_OB_SETTLE,
	ST_EV_INSERT,
	ST_EV_AFTER,
	ST_EV_INCIDENT,
	ST_EV_KIND_SINCE,
	ST_EV_FIRST,
	ST_EV_PRUNE_CUT,
	ST_EV_PRUNE,
	ST_EV_PRUNED_SET,
	ST_EV_HISTORY,
	ST_EV_CLEAR,
	ST_INC_UPSERT,
	ST_INC_ALL,
	ST_INC_COUNTS,
	ST_INC_TOUCH,
	ST_INC_CLEAR,
	ST_AL_FIRING,
	ST_AL_RESOLVE,
	ST_AL_INSERT,
	ST_AL_DELETE_INC,
	ST_AL_TOUCH,
	ST_AL_ALL,
	ST_AL_INCIDENT,
	ST_AL_CLEAR,
	ST_OP_PUT,
	ST_OP_GET,
	ST_OP_PRUNE,
	ST_OB_INSERT,
	ST_OB_LIST,
	ST_OB_MARK,
	ST_OB_ATTEMPT,
	ST_SNAP_CURSOR,
	ST_SNAP_COUNT,
	ST_SNAP_INC,
	ST_SNAP_AL,
	ST_SNAP_HIST,
	ST_STATS_TEMP_STORE,
	ST_STATS_TEMP_E,
	ST_STATS_FILL_E,
	ST_STATS_DURATIONS,
	ST_STATS_PEOPLE,
	ST_STATS_INTERRUPTIONS,
	ST_COUNT
};

struct wr_store {
	sqlite3 *db;
	char *path;
	enum wr_store_role role;
	char *epoch;
	int64_t last_seq;	/* the cursor as last committed */
	int durable_tx;		/* console: this transaction runs FULL */
	sqlite3_stmt *st[ST_COUNT];
};

/*
 * The JSON body of an event's kind-specific fields (events.c): every member
 * of the field table that is set, under its member's name, as compact text
 * into b (emptied first); -1 when a string is not UTF-8.  parse reads one
 * back into e (the fields only; the rest of e is left), -1 when text is no
 * JSON object.  The outbox keeps an op's arguments the same way.
 */
int store_event_body(struct jbuf *b, const struct wr_event *e);
int store_event_body_parse(const char *text, struct wr_event *e);
/* The columns of an event row, in the order store_event_row() reads. */
#define EVENT_COLUMNS "seq, kind, incident, time, actor, via, op_id, body"
/* One row of EVENT_COLUMNS into e (zeroed first); -1 on a bad body. */
int store_event_row(sqlite3_stmt *st, struct wr_event *e);

/*
 * store_open(), and check: 0 for a second connection to a file this
 * process already opened and checked (a snapshot's), which skips the
 * relay's integrity check (it reads every page).
 */
int store_open_with(const char *path, enum wr_store_role role, int check,
    struct wr_store **out, char **cause);

/*
 * The cached statement for id, prepared from sql on first use.  NULL and
 * *cause set when SQLite refuses it.
 */
sqlite3_stmt *store_stmt(struct wr_store *s, enum store_stmt id,
    const char *sql, char **cause);

/*
 * Set *cause (when cause is not NULL) to "PATH: WHAT: SQLite's message".
 * rc is the code that failed; its generic text is used when the
 * connection has no message of its own.  Returns -1 for tail calls.
 */
int store_fail(struct wr_store *s, char **cause, int rc, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/*
 * BEGIN IMMEDIATE.  durable: the console's outbox writes, which run with
 * synchronous=FULL (set before BEGIN, put back after the end).
 */
int store_tx_begin(struct wr_store *s, int durable, char **cause);
/* BEGIN (deferred): one consistent view for several reads. */
int store_tx_begin_read(struct wr_store *s, char **cause);
/* COMMIT; on failure roll back and set *cause. */
int store_tx_commit(struct wr_store *s, char **cause);
/* ROLLBACK if a transaction is open; never fails visibly. */
void store_tx_rollback(struct wr_store *s);

/*
 * Step a statement that returns no rows, then reset it and clear its
 * bindings.  0, or -1 with *cause naming what.
 */
int store_step_done(struct wr_store *s, sqlite3_stmt *st, char **cause,
    const char *what);
/* Reset and clear bindings (after reading rows, or on an error path). */
void store_stmt_done(sqlite3_stmt *st);

/* Bind helpers: SQLITE_OK (0) or an error code, so they chain with ||.
 * Text is bound SQLITE_STATIC: the caller resets before freeing it. */
int store_bind_i64(sqlite3_stmt *st, int i, int64_t v);
/* NULL binds SQL NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);

/* Column i as a malloc'd string, NULL for SQL NULL. */
char *store_col_str(sqlite3_stmt *st, int i);

/* Meta rows. */
int store_meta_set(struct wr_store *s, const char *key, const char *value,
    char **cause);
/*
 * Read the epoch and the cursor as stored into s->epoch and s->last_seq:
 * another process on the same console file may have moved them.  Run
 * inside a transaction so what is read is what the rest of it sees.
 */
int store_meta_refresh(struct wr_store *s, char **cause);

/*
 * Label lists as JSON: an array of [key, value] pairs, which keeps order
 * and repeated keys exactly.  store_json_kv_write() appends the text to b
 * and returns 0, or returns -1 with b as it was when a key or value is
 * NULL or not valid UTF-8 (what jansson refused).  store_json_kv_dump()
 * is the same as a new string (NULL for -1).  store_json_kv_parse()
 * appends to l and returns -1 on a value that is not such an array.
 */
int store_json_kv_write(struct jbuf *b, const struct wr_kvlist *l);
char *store_json_kv_dump(const struct wr_kvlist *l);
int store_json_kv_parse(const json_t *j, struct wr_kvlist *l);
int store_json_kv_load(const char *text, struct wr_kvlist *l);
/* An incident's silences as [{"id","ends","by","matchers"}, ...]: NULL
 * for none (or for text that is not valid UTF-8).  _load() replaces
 * inc's silences by the text's; -1 for text that is not such an array
 * (inc then has none). */
char *store_json_silences_dump(const struct wr_incident *inc);
int store_json_silences_load(const char *text, struct wr_incident *inc);

/*
 * Console, inside a batch's transaction: the op op_id (when it is in the
 * outbox and unfinished) is done, its event at seq.  An event carrying an
 * op id is the relay's answer to it, whichever process on this file
 * stores or sees it first.
 */
int store_outbox_settle(struct wr_store *s, const char *op_id, int64_t seq,
    char **cause);

/* An alert row (incident, fingerprint, starts, ends, firing, last_seen,
 * labels, annotations) into a; -1 on labels that do not decode. */
int store_alert_row(sqlite3_stmt *st, struct wr_alert *a);

/* The columns store_incident_row() and store_alert_row() read, in order. */
#define STORE_INCIDENT_COLUMNS \
	"id, source, key, title, service, severity, severity_raw, state, " \
	"ack_by, ack_at, resolved_by, resolved_at, assignee, created, " \
	"updated, last_seen, n_alerts, n_firing, n_notes, labels_text, " \
	"sender, severity_by, truncated, silences, pm_version, pm_by, pm_at, " \
	"esc_since, esc_fired, esc_policy, esc_target, esc_steps, " \
	"esc_next_at, assigned_by_policy, snooze_until, ack_seen_at"
#define ALERT_COLUMNS \
	"incident, fingerprint, starts, ends, firing, last_seen, labels, " \
	"annotations, severity"
/* An incident row (STORE_INCIDENT_COLUMNS) as a new incident, no alerts. */
struct wr_incident *store_incident_row(sqlite3_stmt *st);
/* Append a (moved) to inc's alerts. */
void store_incident_alert_push(struct wr_incident *inc, struct wr_alert *a);

#endif
