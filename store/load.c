/*
 * load.c: reading state back: every incident summary into a room at
 * start-up (with the alerts too when the room keeps them: the relay), and
 * one incident's alerts when the console opens it; and the counts such a
 * room would hold, for the commands that need them and no room.  Start-up
 * reads each table once, in one pass, so a room of 100,000 incidents
 * loads in a fraction of a second.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"


struct wr_incident *
store_incident_row(sqlite3_stmt *st)
{
	struct wr_incident *inc = xcalloc(1, sizeof *inc);
	int sev = sqlite3_column_int(st, 5), state = sqlite3_column_int(st, 7);

	inc->id = sqlite3_column_int64(st, 0);
	inc->source = store_col_str(st, 1);
	inc->key = store_col_str(st, 2);
	inc->title = store_col_str(st, 3);
	inc->service = store_col_str(st, 4);
	/* The room indexes counts by these: never trust them out of range. */
	inc->severity = sev >= 0 && sev < WR_SEV_COUNT ?
	    (wr_severity)sev : WR_SEV_WARNING;
	inc->severity_raw = store_col_str(st, 6);
	inc->state = state >= 0 && state < WR_ST_COUNT ?
	    (wr_state)state : WR_ST_TRIGGERED;
	inc->ack_by = store_col_str(st, 8);
	inc->ack_at = sqlite3_column_int64(st, 9);
	inc->resolved_by = store_col_str(st, 10);
	inc->resolved_at = sqlite3_column_int64(st, 11);
	inc->assignee = store_col_str(st, 12);
	inc->created = sqlite3_column_int64(st, 13);
	inc->updated = sqlite3_column_int64(st, 14);
	inc->last_seen = sqlite3_column_int64(st, 15);
	inc->n_alerts = sqlite3_column_int(st, 16);
	inc->n_firing = sqlite3_column_int(st, 17);
	inc->n_notes = sqlite3_column_int(st, 18);
	inc->labels_text = store_col_str(st, 19);
	inc->sender = store_col_str(st, 20);
	inc->severity_by = store_col_str(st, 21);
	inc->truncated = sqlite3_column_int64(st, 22);
	/* A column that does not read as silences leaves none: the next
	 * refresh from Alertmanager is what counts. */
	(void)store_json_silences_load((const char *)sqlite3_column_text(st,
	    23), inc);
	inc->pm_version = sqlite3_column_int64(st, 24);
	inc->pm_by = store_col_str(st, 25);
	inc->pm_at = sqlite3_column_int64(st, 26);
	inc->esc_since = sqlite3_column_int64(st, 27);
	inc->esc_fired = sqlite3_column_int64(st, 28);
	inc->esc_policy = store_col_str(st, 29);
	inc->esc_target = store_col_str(st, 30);
	inc->esc_steps = sqlite3_column_int64(st, 31);
	inc->esc_next_at = sqlite3_column_int64(st, 32);
	inc->assigned_by_policy = sqlite3_column_int(st, 33) != 0;
	inc->snooze_until = sqlite3_column_int64(st, 34);
	inc->ack_seen_at = sqlite3_column_int64(st, 35);
	return inc;
}

void
store_incident_alert_push(struct wr_incident *inc, struct wr_alert *a)
{
	if (inc->alerts_len == inc->alerts_cap) {
		inc->alerts_cap = inc->alerts_cap ? inc->alerts_cap * 2 : 4;
		inc->alerts = xrealloc(inc->alerts,
		    inc->alerts_cap * sizeof *inc->alerts);
	}
	inc->alerts[inc->alerts_len++] = *a;
}

/* Rowid order is insertion order: the order the reducer appended them. */
static int
load_alerts(struct wr_store *s, struct wr_room *room, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_AL_ALL, "SELECT " ALERT_COLUMNS
	    " FROM alerts ORDER BY rowid", cause);
	struct wr_incident *inc;
	struct wr_alert a;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Rows of an incident whose summary is not stored (yet)
		 * have nowhere to go. */
		if ((inc = wr_room_get(room, sqlite3_column_int64(st, 0))) ==
		    NULL)
			continue;
		if (store_alert_row(st, &a) == -1) {
			*cause = xasprintf("%s: loading alerts: an alert of "
			    "incident %lld has damaged labels", s->path,
			    (long long)inc->id);
			store_stmt_done(st);
			return -1;
		}
		store_incident_alert_push(inc, &a);
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, cause, rc, "loading alerts");
		store_stmt_done(st);
		return -1;
	}
	store_stmt_done(st);
	return 0;
}

int
store_load_room(struct wr_store *s, struct wr_room *room, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_ALL, "SELECT "
	    STORE_INCIDENT_COLUMNS " FROM incidents ORDER BY id", cause);
	int rc;

	if (st == NULL)
		return -1;
	/* One read transaction, so the incidents, their alerts and the
	 * cursor are of the same moment even with a writer next door. */
	if (store_tx_begin_read(s, cause) == -1)
		return -1;
	if (s->role == WR_STORE_CONSOLE && store_meta_refresh(s, cause) == -1)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) < 1)
			continue;	/* not an id the room can hold */
		wr_room_put(room, store_incident_row(st));
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, cause, rc, "loading incidents");
		store_stmt_done(st);
		goto fail;
	}
	store_stmt_done(st);
	if (room->keep_alerts && load_alerts(s, room, cause) == -1)
		goto fail;
	/* Ending a read cannot lose anything; rollback is as good. */
	store_tx_rollback(s);
	room->last_seq = s->last_seq;
	return 0;

fail:
	store_tx_rollback(s);
	return -1;
}

/*
 * What store_incident_row() makes of a row, counted as wr_room_put()
 * counts it: a state or a severity out of range is taken as the row
 * reader takes it, and an id below 1 is not one the room holds.
 */
int
store_room_counts(struct wr_store *s, int by_state[WR_ST_COUNT],
    int open_by_sev[WR_SEV_COUNT], char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_COUNTS, "SELECT"
	    " CASE WHEN state >= 0 AND state < ?1 THEN state ELSE ?2 END AS st,"
	    " CASE WHEN severity >= 0 AND severity < ?3 THEN severity"
	    "  ELSE ?4 END AS sev, count(*)"
	    " FROM incidents WHERE id >= 1 GROUP BY st, sev", cause);
	int rc;

	memset(by_state, 0, WR_ST_COUNT * sizeof *by_state);
	memset(open_by_sev, 0, WR_SEV_COUNT * sizeof *open_by_sev);
	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, WR_ST_COUNT) ||
	    store_bind_i64(st, 2, WR_ST_TRIGGERED) ||
	    store_bind_i64(st, 3, WR_SEV_COUNT) ||
	    store_bind_i64(st, 4, WR_SEV_WARNING)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "counting incidents");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int state = sqlite3_column_int(st, 0);
		int sev = sqlite3_column_int(st, 1);
		int64_t n = sqlite3_column_int64(st, 2);
		int c = n > INT_MAX ? INT_MAX : (int)n;

		if (state < 0 || state >= WR_ST_COUNT || sev < 0 ||
		    sev >= WR_SEV_COUNT)
			continue;	/* the CASEs say it cannot be */
		by_state[state] += c;
		if (state != WR_ST_RESOLVED)
			open_by_sev[sev] += c;
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, rc, "counting incidents");
	return 0;
}

int
store_incident_alerts(struct wr_store *s, int64_t incident,
    struct wr_alert **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_AL_INCIDENT, "SELECT "
	    ALERT_COLUMNS " FROM alerts WHERE incident = ?1 ORDER BY rowid",
	    cause);
	struct wr_incident tmp;
	struct wr_alert a;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, incident)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR,
		    "reading alerts of incident %lld", (long long)incident);
	}
	memset(&tmp, 0, sizeof tmp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_alert_row(st, &a) == -1) {
			*cause = xasprintf("%s: reading alerts of incident "
			    "%lld: damaged labels", s->path,
			    (long long)incident);
			goto fail;
		}
		store_incident_alert_push(&tmp, &a);
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, cause, rc, "reading alerts of incident %lld",
		    (long long)incident);
		goto fail;
	}
	store_stmt_done(st);
	*out = tmp.alerts;
	*n = tmp.alerts_len;
	return 0;

fail:
	store_stmt_done(st);
	for (size_t i = 0; i < tmp.alerts_len; i++)
		wr_alert_free(&tmp.alerts[i]);
	free(tmp.alerts);
	return -1;
}
