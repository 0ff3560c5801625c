/*
 * store.h: SQLite persistence for the relay's log and the console's replica.
 *
 * The only module that speaks SQL.  One file per role; the relay's holds the
 * authoritative event log, the op-id answers and the state; the console's
 * holds its copy of the feed (events, incident summaries, alerts), its
 * cursor and its outbox.  Every function that can fail returns 0 / -1 and
 * sets *cause to a malloc'd reason naming the file and SQLite's message
 * (the caller frees it).
 */
#ifndef WR_STORE_H
#define WR_STORE_H

#include "core/model.h"
#include "core/room.h"
#include "core/stats.h"

struct wr_store;

enum wr_store_role {
	WR_STORE_RELAY,		/* synchronous=FULL throughout */
	WR_STORE_CONSOLE	/* NORMAL for the feed copy, FULL for outbox writes */
};

enum wr_op_status {
	WR_OPST_APPLIED = 0,
	WR_OPST_NOOP,
	WR_OPST_REFUSED
};

/* The relay's answer to an op, kept so a resend gets the same answer. */
struct wr_op_result {
	char *via;		/* the token it came through ("" for none) */
	char *op_id;
	enum wr_op_status status;
	int64_t seq;		/* the event's seq when applied */
	char *code;		/* when refused: a short code */
	char *reason;		/* when refused: a sentence */
	int64_t time;		/* when it was answered (Unix ms): retention */
	char *digest;		/* what the op said (relay/commit.c), so that
				 * a resend is told from another op reusing
				 * its id; NULL for answers older than it */
};

/* What one transaction writes (all pointers borrowed). */
struct wr_batch {
	const struct wr_event *events;	/* seq already assigned, ascending */
	size_t n_events;
	struct wr_incident *const *incidents;	/* summaries to upsert */
	size_t n_incidents;
	int write_alerts;	/* also replace these incidents' alert rows
				 * from inc->alerts (snapshots); otherwise
				 * alert rows follow ALERT_* events */
	const struct wr_op_result *results;	/* relay: op answers */
	size_t n_results;
	int64_t cursor;		/* console: last applied seq (0: last event's) */
	int64_t base;		/* console: the cursor this batch continues
				 * from (events and cursor are after it) */
	/* Console: events of the log at or below the batch's cursor that
	 * only the log keeps the text of (a snapshot's notes and postmortem
	 * versions), stored as history: not applied, no alert rows, the
	 * cursor not moved by them, one already stored left as it is.  One
	 * above the cursor is refused (a later replay would meet it). */
	const struct wr_event *history;
	size_t n_history;
};

enum wr_outbox_state {
	WR_OUTBOX_QUEUED = 0,	/* committed locally, not yet confirmed */
	WR_OUTBOX_SENT,		/* written to the socket at least once */
	WR_OUTBOX_DONE,		/* the relay confirmed it (applied or noop) */
	WR_OUTBOX_FAILED	/* the relay refused it (error kept) */
};

struct wr_outbox_op {
	char op_id[33];		/* 32 hex digits: 128 random bits */
	wr_op_kind kind;
	int64_t incident;	/* 0 for a schedule-wide op */
	char *epoch;		/* the relay epoch the incident id belongs to */
	char *actor;
	/* Its arguments: the members its kind's row names (WR_OP_KINDS'
	 * fields: a note's text, an override's schedule, person, from and
	 * until); add keeps those only. */
	struct wr_event args;
	/* When the person made it (wall ms, the key press or the one-shot
	 * command): sent with the op, the same on every resend, and what the
	 * relay records as the event's made_at (column "created"). */
	int64_t made_at;
	int attempts;
	enum wr_outbox_state state;
	int64_t seq;		/* the event it produced, once known */
	char *error;
};

/* $XDG_DATA_HOME/warroom/{relay,console}.db, else ~/.local/share/warroom/. */
char *store_default_path(enum wr_store_role role);

/*
 * Open or create, creating the directory 0700 and the file 0600, and apply
 * migrations in one transaction.  Refuses a file of another application or
 * from a newer schema, naming both versions, and a relay's file that
 * SQLite's quick_check finds damaged (before anything is written to it).
 */
int store_open(const char *path, enum wr_store_role role,
    struct wr_store **out, char **cause);
void store_close(struct wr_store *s);
const char *store_path(const struct wr_store *s);

/* Relay: its epoch (made at creation: 16 hex digits of random).  Console:
 * the epoch of the feed it follows ("" before the first connect). */
const char *store_epoch(const struct wr_store *s);
/* The last seq written (the cursor), 0 for none. */
int64_t store_last_seq(const struct wr_store *s);
/* Where the contiguous tail of the log begins: the oldest seq a replay
 * can start from (0 when the tail is empty).  Postmortem versions and
 * notes older than it may still be stored below it (store_prune()). */
int64_t store_first_seq(struct wr_store *s);

/* Console: forget the copy of the feed (events, incidents, alerts) and
 * follow a new epoch.  The outbox is kept. */
int store_reset_feed(struct wr_store *s, const char *epoch, char **cause);

/* Console: the last "schedules" frame the relay sent, as its text, kept
 * so that who is on call can be answered offline.  put replaces it in a
 * transaction of its own; get gives it malloc'd, *frame NULL when none
 * was ever kept.  0, or -1 with *cause. */
int store_schedules_put(struct wr_store *s, const char *frame, char **cause);
int store_schedules_get(struct wr_store *s, char **frame, char **cause);
/* Relay: which handoff notice each notifier has told, by key
 * (relay/notify.c says what the key and the value are), so that a relay
 * that restarts tells none twice.  put replaces it in a transaction of its
 * own; get gives it malloc'd, *value NULL when none.  0, or -1 with
 * *cause. */
int store_notice_put(struct wr_store *s, const char *key, const char *value,
    char **cause);
int store_notice_get(struct wr_store *s, const char *key, char **value,
    char **cause);

/* Load incidents (and alerts, when room->keep_alerts) and last_seq, and
 * take the epoch and cursor as stored (another process may have moved
 * them). */
int store_load_room(struct wr_store *s, struct wr_room *room, char **cause);
/* The counts a room loaded now would hold (by state; the open ones by
 * severity), without loading it: for `warroom stats`, which needs no room
 * in memory.  Zeroed first; 0, or -1 with *cause. */
int store_room_counts(struct wr_store *s, int by_state[WR_ST_COUNT],
    int open_by_sev[WR_SEV_COUNT], char **cause);

/*
 * One BEGIN IMMEDIATE ... COMMIT.  On failure nothing of it is stored.
 *
 * A console's file may be shared by several processes (two consoles and
 * a one-shot command on one jump-host account), all following the same
 * relay log.  So the console's rule is applied to the cursor as stored,
 * read inside the transaction: events at or below it are already there
 * (another process stored them) and are skipped; the incident summaries
 * are written only when the batch ends beyond it (they are then of a
 * later moment than what is stored); the cursor only moves forward.  A
 * batch whose base is beyond the stored cursor, or of another epoch than
 * the stored one, would leave a hole or mix two logs: it is refused (the
 * caller reloads from the store and resumes from its cursor).  Applying
 * a batch that is already stored is a no-op.  The outbox is shared too:
 * an event carrying an op id settles that op (done, its seq), whichever
 * process sent it.
 */
int store_commit_batch(struct wr_store *s, const struct wr_batch *b,
    char **cause);

/* Update last-seen times of known occurrences (not an event). */
int store_touch(struct wr_store *s, int64_t incident,
    const struct wr_alert *alerts, size_t n, int64_t now, char **cause);

/* Events with seq > after, at most limit, appended to out. */
int store_events_after(struct wr_store *s, int64_t after, size_t limit,
    struct wr_evlist *out, char **cause);
/* Relay: the events of one kind recorded at or after since_ms (Unix ms),
 * in seq order, appended to out (a scan of the log: for the start only). */
int store_events_of_kind_since(struct wr_store *s, int kind, int64_t since_ms,
    struct wr_evlist *out, char **cause);
/* An incident's events in seq order (its timeline). */
int store_incident_events(struct wr_store *s, int64_t incident,
    struct wr_evlist *out, char **cause);
/* An incident's alerts; *out is malloc'd, free each with wr_alert_free. */
int store_incident_alerts(struct wr_store *s, int64_t incident,
    struct wr_alert **out, size_t *n, char **cause);

/*
 * Relay: the stored answer to an op id sent through token via (NULL is
 * ""): answers are keyed by (via, op_id), so one token can neither read
 * nor suppress another's.  1 found, 0 not, -1 error.
 */
int store_op_lookup(struct wr_store *s, const char *via, const char *op_id,
    struct wr_op_result *out, char **cause);
/* Relay: drop op answers made before cutoff (Unix ms): retention. */
int store_op_prune(struct wr_store *s, int64_t cutoff_ms, char **cause);
void wr_op_result_free(struct wr_op_result *r);

/* Relay: drop events older than cutoff (Unix ms), except the postmortem
 * versions and the notes, which are kept whatever their age (the
 * people's words: none is ever lost). */
int store_prune(struct wr_store *s, int64_t cutoff_ms, char **cause);

/*
 * Relay: a snapshot of the room read in windows.  begin opens a second
 * connection to the store's file and one read transaction on it, so that
 * every window is of the moment the cursor was *seq, whatever is committed
 * meanwhile; *total is the number of incidents then.  next reads the next
 * window: up to limit incidents (id ascending, with their alerts) into a
 * malloc'd *out the caller owns (free each with wr_incident_free), *n 0
 * after the last.  end ends the read and closes the connection.
 */
struct store_snapshot;
int store_snapshot_begin(struct wr_store *s, struct store_snapshot **out,
    int64_t *seq, int64_t *total, char **cause);
int store_snapshot_next(struct store_snapshot *ss, size_t limit,
    struct wr_incident ***out, size_t *n, char **cause);
/*
 * The history of the window next last gave: the events whose text only
 * the log keeps (notes, postmortem versions) of its incidents, at or
 * below the snapshot's seq, appended to out a part at a time: each call
 * the next ones, at least one when any is left, and no more once their
 * stored bodies add up to max_bytes.  None appended: the window's are all
 * read (and before the first window).
 */
int store_snapshot_history(struct store_snapshot *ss, size_t max_bytes,
    struct wr_evlist *out, char **cause);
void store_snapshot_end(struct store_snapshot *ss);

/*
 * The report of core/stats.h over [since, until) (Unix ms), grouped by
 * by, in one read transaction (store/stats.c says what each number
 * counts); interruptions are judged out of hours and on-call hours summed
 * on the schedules sched[0..n_sched) (entries may be NULL).  0 and *out
 * (free with wr_stats_free()), or -1 with *cause.
 */
struct wr_schedule;
int store_stats(struct wr_store *s, int64_t since, int64_t until,
    enum wr_stats_by by, const struct wr_schedule *const *sched,
    size_t n_sched, struct wr_stats *out, char **cause);

/* Console outbox.  add commits with synchronous=FULL before returning. */
int store_outbox_add(struct wr_store *s, const struct wr_outbox_op *op,
    char **cause);
int store_outbox_list(struct wr_store *s, int unfinished_only,
    struct wr_outbox_op **ops, size_t *n, char **cause);
/* Only an unfinished op is marked: a finished one (another process on the
 * file settled it) stays as it is, and that is no error. */
int store_outbox_mark(struct wr_store *s, const char *op_id,
    enum wr_outbox_state state, int64_t seq, const char *error, char **cause);
int store_outbox_attempt(struct wr_store *s, const char *op_id, char **cause);
void wr_outbox_op_free(struct wr_outbox_op *op);
void wr_outbox_ops_free(struct wr_outbox_op *ops, size_t n);

#endif
