/*
 * snapshot.c: the room as of one seq, read a window at a time, for a relay
 * that streams it to a console while the loop goes on committing.  The
 * snapshot has its own connection to the file and holds one read
 * transaction on it (WAL: the writer is not held up), so the incidents of
 * the last window are of the same moment as those of the first and as the
 * cursor read at the start; the console replays from that seq.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

struct store_snapshot {
	struct wr_store *s;	/* the snapshot's own connection */
	int64_t after;		/* the last id read */
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
	*out = v;
	*n = got;
	return 0;
}
