/*
 * snapshot.c: the room as of one seq, read a window at a time, for a relay
 * that streams it to a console while the loop goes on committing.  The
 * snapshot has its own connection to the file and holds one read
 * transaction on it (WAL: the writer is not held up), so the incidents of
 * the last window are of the same moment as those of the first and as the
 * cursor read at the start; the console replays from that seq.  After
 * each window, its history: the events whose text no summary keeps
 * (notes, postmortem versions), read in parts of a bounded size.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

/*
 * The kinds whose text lives only in the log: no summary keeps a note's
 * words or a postmortem version's text.  A console that begins with a
 * snapshot gets these events of its incidents as history, so that it can
 * show the notes and every version (store_snapshot_history()).
 */
static const wr_event_kind history_kinds[] = {
	WR_EV_NOTE, WR_EV_POSTMORTEM
};
#define HISTORY_KINDS	(sizeof history_kinds / sizeof history_kinds[0])
/* Rows one read of history takes at most, whatever their size. */
#define HISTORY_ROWS	256
/* What a row costs beside its body: seq, kind, times, actor's quoting. */
#define HISTORY_ROW_COST	160

struct store_snapshot {
	struct wr_store *s;	/* the snapshot's own connection */
	int64_t after;		/* the last id read */
	/* The history of the last window: its incidents lo..hi, read kind
	 * by kind (history_kinds[kind]) in (incident, seq) order, the last
	 * row given at (h_incident, h_seq); kind == HISTORY_KINDS: done. */
	int64_t lo, hi;
	size_t kind;
	int64_t h_incident, h_seq;
};

void
store_snapshot_end(struct store_snapshot *ss)
{
	if (ss == NULL)
		return;
	store_tx_rollback(ss->s);	/* a read: nothing to lose */
	store_close(ss->s);
	free(ss);
}

int
store_snapshot_begin(struct wr_store *s, struct store_snapshot **out,
    int64_t *seq, int64_t *total, char **cause)
{
	struct store_snapshot *ss = xcalloc(1, sizeof *ss);
	sqlite3_stmt *st;
	char *cursor;
	int rc;

	*out = NULL;
	ss->kind = HISTORY_KINDS;	/* no window yet */
	if (store_open_with(s->path, s->role, 0, &ss->s, cause) != 0) {
		free(ss);
		return -1;
	}
	if (store_tx_begin_read(ss->s, cause) == -1)
		goto fail;
	/* The first read fixes the transaction's view: the cursor first. */
	if ((st = store_stmt(ss->s, ST_SNAP_CURSOR, "SELECT value FROM meta "
	    "WHERE key = 'cursor'", cause)) == NULL)
		goto fail;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(ss->s, cause, rc, "reading the cursor for a "
		    "snapshot");
		store_stmt_done(st);
		goto fail;
	}
	cursor = rc == SQLITE_ROW ? store_col_str(st, 0) : NULL;
	store_stmt_done(st);
	*seq = cursor != NULL ? strtoll(cursor, NULL, 10) : 0;
	free(cursor);
	if ((st = store_stmt(ss->s, ST_SNAP_COUNT, "SELECT count(*) FROM "
	    "incidents WHERE id >= 1", cause)) == NULL)
		goto fail;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_fail(ss->s, cause, rc, "counting incidents for a "
		    "snapshot");
		store_stmt_done(st);
		goto fail;
	}
	*total = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	*out = ss;
	return 0;

fail:
	store_snapshot_end(ss);
	return -1;
}

static void
free_window(struct wr_incident **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wr_incident_free(v[i]);
	free(v);
}

int
store_snapshot_next(struct store_snapshot *ss, size_t limit,
    struct wr_incident ***out, size_t *n, char **cause)
{
	struct wr_store *s = ss->s;
	struct wr_incident **v;
	sqlite3_stmt *st;
	struct wr_alert a;
	size_t got = 0, at = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if ((st = store_stmt(s, ST_SNAP_INC, "SELECT " STORE_INCIDENT_COLUMNS
	    " FROM incidents WHERE id > ?1 ORDER BY id LIMIT ?2", cause)) ==
	    NULL)
		return -1;
	if (store_bind_i64(st, 1, ss->after > 0 ? ss->after : 0) ||
	    store_bind_i64(st, 2, (int64_t)limit)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "reading a snapshot");
	}
	v = xcalloc(limit, sizeof *v);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < limit)
		v[got++] = store_incident_row(st);
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free_window(v, got);
		return store_fail(s, cause, rc, "reading a snapshot's "
		    "incidents after #%lld", (long long)ss->after);
	}
	ss->kind = HISTORY_KINDS;
	if (got == 0) {
		free(v);
		return 0;
	}
	/* Their alerts in one range scan of the primary key; rowid order
	 * within an incident is the order the reducer appended them. */
	if ((st = store_stmt(s, ST_SNAP_AL, "SELECT " ALERT_COLUMNS " FROM "
	    "alerts WHERE incident >= ?1 AND incident <= ?2 ORDER BY "
	    "incident, rowid", cause)) == NULL) {
		free_window(v, got);
		return -1;
	}
	if (store_bind_i64(st, 1, v[0]->id) ||
	    store_bind_i64(st, 2, v[got - 1]->id)) {
		store_stmt_done(st);
		free_window(v, got);
		return store_fail(s, cause, SQLITE_ERROR, "reading a snapshot");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		while (at < got && v[at]->id < id)
			at++;
		if (at == got)
			break;
		if (v[at]->id != id)
			continue;	/* no summary: nowhere to go */
		if (store_alert_row(st, &a) == -1) {
			*cause = xasprintf("%s: reading a snapshot: an alert "
			    "of incident %lld has damaged labels", s->path,
			    (long long)id);
			store_stmt_done(st);
			free_window(v, got);
			return -1;
		}
		store_incident_alert_push(v[at], &a);
	}
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free_window(v, got);
		return store_fail(s, cause, rc, "reading a snapshot's alerts");
	}
	ss->after = v[got - 1]->id;
	ss->lo = v[0]->id;
	ss->hi = v[got - 1]->id;
	ss->kind = 0;
	ss->h_incident = ss->lo;
	ss->h_seq = 0;
	*out = v;
	*n = got;
	return 0;
}

/*
 * One kind's next rows of the window, by the index on (kind, incident,
 * seq): a range of it from where the last read stopped, so that a window
 * of many versions costs each row once.  *full when max_bytes stopped it.
 */
static int
history_read(struct store_snapshot *ss, size_t max_bytes, size_t limit,
    size_t *used, struct wr_evlist *out, int *full, char **cause)
{
	struct wr_store *s = ss->s;
	sqlite3_stmt *st;
	size_t rows = 0;
	int rc;

	*full = 0;
	if ((st = store_stmt(s, ST_SNAP_HIST, "SELECT " EVENT_COLUMNS " FROM "
	    "events INDEXED BY events_kind WHERE kind = ?1 AND incident <= ?2 "
	    "AND (incident, seq) > (?3, ?4) ORDER BY incident, seq LIMIT ?5",
	    cause)) == NULL)
		return -1;
	if (store_bind_i64(st, 1, history_kinds[ss->kind]) ||
	    store_bind_i64(st, 2, ss->hi) ||
	    store_bind_i64(st, 3, ss->h_incident) ||
	    store_bind_i64(st, 4, ss->h_seq) ||
	    store_bind_i64(st, 5, (int64_t)limit)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "reading a "
		    "snapshot's history");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t cost = (size_t)sqlite3_column_bytes(st, 7) +
		    (size_t)sqlite3_column_bytes(st, 4) +
		    (size_t)sqlite3_column_bytes(st, 5) +
		    (size_t)sqlite3_column_bytes(st, 6) + HISTORY_ROW_COST;
		struct wr_event *e;

		rows++;
		/* At least one row a part, however long: one version is
		 * bounded (WR_FIELD_MAX_DOC). */
		if (out->n > 0 && *used + cost > max_bytes) {
			*full = 1;
			break;
		}
		e = wr_evlist_push(out);
		if (store_event_row(st, e) == -1) {
			*cause = xasprintf("%s: reading a snapshot's history: "
			    "event %lld has a damaged body", s->path,
			    (long long)e->seq);
			wr_event_free(e);
			out->n--;
			store_stmt_done(st);
			return -1;
		}
		*used += cost;
		ss->h_incident = e->incident;
		ss->h_seq = e->seq;
	}
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, cause, rc, "reading a snapshot's "
		    "history of incidents #%lld to #%lld", (long long)ss->lo,
		    (long long)ss->hi);
	if (!*full && rows < limit) {
		/* this kind is done: the next from the window's start */
		ss->kind++;
		ss->h_incident = ss->lo;
		ss->h_seq = 0;
	}
	return 0;
}

int
store_snapshot_history(struct store_snapshot *ss, size_t max_bytes,
    struct wr_evlist *out, char **cause)
{
	size_t start = out->n, used = 0;
	int full = 0;

	while (ss->kind < HISTORY_KINDS && !full && out->n - start <
	    HISTORY_ROWS) {
		if (history_read(ss, max_bytes, HISTORY_ROWS - (out->n -
		    start), &used, out, &full, cause) == -1) {
			while (out->n > start)
				wr_event_free(&out->v[--out->n]);
			return -1;
		}
	}
	return 0;
}
