/*
 * events.c: the event log: appending a batch (events, the alert rows they
 * imply, incident summaries, op answers and the cursor) in one
 * transaction, reading events back, pruning, touching last-seen times and
 * looking up the answer to an op id.
 *
 * An event's common fields are columns; the kind-specific ones (the field
 * table of core/model.h: source, key, title, ..., the alert) are a JSON
 * object in body.  Every field that is set is written whatever the kind,
 * so that an event reads back exactly as it was written.  Bodies and label
 * lists are written as JSON text directly into scratch buffers reused for
 * the whole batch (core/jbuf.h); they are read back with jansson.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

/* ---- the body ------------------------------------------------------------ */

/*
 * Scratch text for one batch: the body of the event being stored and the
 * label lists of the alert row being stored.  Each is rewritten for every
 * row; the statements bind it SQLITE_STATIC and are reset (store_step_done,
 * store_stmt_done) before the next row rewrites it.
 */
struct scratch {
	struct jbuf body;
	struct jbuf labels;
	struct jbuf annotations;
};

/*
 * The body is written as JSON text directly (core/jbuf.h): the same text
 * json_dumps(JSON_COMPACT) gave for the jansson object built member by
 * member in this order.  A string that is not UTF-8 (which jansson
 * refused) makes it -1.
 */
static int
put_str(struct jbuf *b, const char *name, const char *v)
{
	if (v == NULL)
		return 0;
	jbuf_key(b, name);
	return jbuf_str(b, v);
}

static void
put_int(struct jbuf *b, const char *name, int64_t v)
{
	if (v == 0)
		return;
	jbuf_key(b, name);
	jbuf_int(b, v);
}

static int
put_kv(struct jbuf *b, const char *name, const struct wr_kvlist *l)
{
	if (l->n == 0)
		return 0;
	jbuf_key(b, name);
	return store_json_kv_write(b, l);
}

static int
alert_json(struct jbuf *b, const struct wr_alert *a)
{
	jbuf_char(b, '{');
	if (put_str(b, "fingerprint", a->fingerprint) == -1)
		return -1;
	put_int(b, "starts", a->starts);
	put_int(b, "ends", a->ends);
	put_int(b, "firing", a->firing);
	put_int(b, "last_seen", a->last_seen);
	put_int(b, "severity", a->severity);
	if (put_kv(b, "labels", &a->labels) == -1 ||
	    put_kv(b, "annotations", &a->annotations) == -1)
		return -1;
	jbuf_char(b, '}');
	return 0;
}

static int
alert_is_set(const struct wr_alert *a)
{
	return a->fingerprint != NULL || a->starts != 0 || a->ends != 0 ||
	    a->firing != 0 || a->last_seen != 0 || a->severity != 0 ||
	    a->labels.n > 0 ||
	    a->annotations.n > 0;
}


static char **
field_str(const struct wr_event *e, const struct wr_event_field *f)
{
	return (char **)((char *)(uintptr_t)e + f->offset);
}

static int64_t *
field_int(const struct wr_event *e, const struct wr_event_field *f)
{
	return (int64_t *)((char *)(uintptr_t)e + f->offset);
}

/*
 * The body as compact JSON text into b (emptied first); -1 when a string
 * is not UTF-8.  Every member of the field table (core/model.h) that is
 * set is written, whatever the kind, under the member's name (once: the
 * store keeps a member shared by two rows under its own name).  The
 * outbox keeps an op's arguments the same way (store-int.h).
 */
int
store_event_body(struct jbuf *b, const struct wr_event *e)
{
	size_t n;
	const struct wr_event_field *f = wr_event_fields(&n);

	jbuf_reset(b);
	jbuf_char(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (wr_event_field_repeats(i))
			continue;
		switch (f[i].type) {
		case WR_FT_STR:
		case WR_FT_OPT_STR:
			if (put_str(b, f[i].member, *field_str(e, &f[i])) == -1)
				return -1;
			break;
		case WR_FT_SEV:
			put_int(b, f[i].member, e->severity);
			break;
		case WR_FT_INT:
		case WR_FT_OPT_TIME:
		case WR_FT_TIME:
			put_int(b, f[i].member, *field_int(e, &f[i]));
			break;
		case WR_FT_ALERT:
		case WR_FT_ALERT_END:
			if (alert_is_set(&e->alert)) {
				jbuf_key(b, f[i].member);
				if (alert_json(b, &e->alert) == -1)
					return -1;
			}
			break;
		}
	}
	jbuf_char(b, '}');
	return 0;
}

/* Bind the text in b (SQLITE_STATIC: b must not change until the
 * statement is reset). */
static int
bind_jbuf(sqlite3_stmt *st, int i, struct jbuf *b)
{
	if (b->len > INT_MAX)
		return SQLITE_TOOBIG;
	return sqlite3_bind_text(st, i, jbuf_cstr(b), (int)b->len,
	    SQLITE_STATIC);
}

static char *
get_str(const json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));

	return v != NULL ? xstrdup(v) : NULL;
}

static int64_t
get_int(const json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

static int
alert_parse(const json_t *o, struct wr_alert *a)
{
	json_t *l;

	if (!json_is_object(o))
		return -1;
	a->fingerprint = get_str(o, "fingerprint");
	a->starts = get_int(o, "starts");
	a->ends = get_int(o, "ends");
	a->firing = (int)get_int(o, "firing");
	a->last_seen = get_int(o, "last_seen");
	a->severity = (wr_severity)get_int(o, "severity");
	if ((unsigned)a->severity >= WR_SEV_COUNT)
		a->severity = WR_SEV_WARNING;
	if ((l = json_object_get(o, "labels")) != NULL &&
	    store_json_kv_parse(l, &a->labels) == -1)
		return -1;
	if ((l = json_object_get(o, "annotations")) != NULL &&
	    store_json_kv_parse(l, &a->annotations) == -1)
		return -1;
	return 0;
}

int
store_event_body_parse(const char *text, struct wr_event *e)
{
	json_t *body, *alert;
	int ret = 0;
	size_t n;
	const struct wr_event_field *f = wr_event_fields(&n);

	body = text != NULL ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_object(body)) {
		json_decref(body);
		return -1;
	}
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (wr_event_field_repeats(i))
			continue;
		switch (f[i].type) {
		case WR_FT_STR:
		case WR_FT_OPT_STR:
			*field_str(e, &f[i]) = get_str(body, f[i].member);
			break;
		case WR_FT_SEV:
			e->severity = (wr_severity)get_int(body, f[i].member);
			break;
		case WR_FT_INT:
		case WR_FT_OPT_TIME:
		case WR_FT_TIME:
			*field_int(e, &f[i]) = get_int(body, f[i].member);
			break;
		case WR_FT_ALERT:
		case WR_FT_ALERT_END:
			if ((alert = json_object_get(body, f[i].member)) != NULL)
				ret = alert_parse(alert, &e->alert);
			break;
		}
	}
	json_decref(body);
	return ret;
}

int
store_event_row(sqlite3_stmt *st, struct wr_event *e)
{
	memset(e, 0, sizeof *e);
	e->seq = sqlite3_column_int64(st, 0);
	e->kind = (wr_event_kind)sqlite3_column_int(st, 1);
	e->incident = sqlite3_column_int64(st, 2);
	e->time = sqlite3_column_int64(st, 3);
	e->actor = store_col_str(st, 4);
	e->via = store_col_str(st, 5);
	e->op_id = store_col_str(st, 6);
	return store_event_body_parse((const char *)sqlite3_column_text(st, 7),
	    e);
}

static int
bind_alert_row(sqlite3_stmt *st, int64_t incident, const struct wr_alert *a,
    struct jbuf *labels, struct jbuf *annotations)
{
	return store_bind_i64(st, 1, incident) ||
	    store_bind_text(st, 2, a->fingerprint) ||
	    store_bind_i64(st, 3, a->starts) ||
	    store_bind_i64(st, 4, a->ends) ||
	    store_bind_i64(st, 5, a->firing) ||
	    store_bind_i64(st, 6, a->last_seen) ||
	    bind_jbuf(st, 7, labels) ||
	    bind_jbuf(st, 8, annotations) ||
	    store_bind_i64(st, 9, a->severity);
}

/*
 * Write one alert row.  firing_event: the row an ALERT_FIRING event makes,
 * firing from e->time on, as the reducer has it.  Otherwise a snapshot
 * row, as it is.
 */
static int
alert_write(struct wr_store *s, struct scratch *sc, int64_t incident,
    const struct wr_alert *a, const struct wr_event *firing_event,
    char **cause)
{
	struct wr_alert row = *a;
	char what[64];
	sqlite3_stmt *st;
	int ret = -1;

	if (firing_event != NULL) {
		row.firing = 1;
		row.ends = 0;
		row.last_seen = firing_event->time;
		st = store_stmt(s, ST_AL_FIRING,
		    "INSERT INTO alerts(incident, fingerprint, starts, ends, "
		    "firing, last_seen, labels, annotations, severity) "
		    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
		    "ON CONFLICT(incident, fingerprint, starts) DO UPDATE SET "
		    "ends = excluded.ends, firing = excluded.firing, "
		    "last_seen = excluded.last_seen, labels = excluded.labels, "
		    "annotations = excluded.annotations, "
		    "severity = excluded.severity", cause);
	} else {
		st = store_stmt(s, ST_AL_INSERT,
		    "INSERT OR REPLACE INTO alerts(incident, fingerprint, "
		    "starts, ends, firing, last_seen, labels, annotations, "
		    "severity) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		    cause);
	}
	if (st == NULL)
		return -1;
	snprintf(what, sizeof what, "storing an alert of incident %lld",
	    (long long)incident);
	jbuf_reset(&sc->labels);
	jbuf_reset(&sc->annotations);
	if (store_json_kv_write(&sc->labels, &row.labels) == -1 ||
	    store_json_kv_write(&sc->annotations, &row.annotations) == -1)
		*cause = xasprintf("%s: %s: a label is not valid UTF-8",
		    s->path, what);
	else if (bind_alert_row(st, incident, &row, &sc->labels,
	    &sc->annotations)) {
		store_fail(s, cause, SQLITE_ERROR, "%s", what);
		store_stmt_done(st);
	} else
		ret = store_step_done(s, st, cause, what);
	return ret;
}

static int
alert_resolve(struct wr_store *s, const struct wr_event *e, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_AL_RESOLVE,
	    "UPDATE alerts SET firing = 0, ends = ?4, last_seen = ?5 "
	    "WHERE incident = ?1 AND fingerprint = ?2 AND starts = ?3", cause);
	char what[64];

	if (st == NULL)
		return -1;
	snprintf(what, sizeof what, "resolving an alert of incident %lld",
	    (long long)e->incident);
	if (store_bind_i64(st, 1, e->incident) ||
	    store_bind_text(st, 2, e->alert.fingerprint) ||
	    store_bind_i64(st, 3, e->alert.starts) ||
	    store_bind_i64(st, 4, e->alert.ends ? e->alert.ends : e->time) ||
	    store_bind_i64(st, 5, e->time)) {
		store_fail(s, cause, SQLITE_ERROR, "%s", what);
		store_stmt_done(st);
		return -1;
	}
	return store_step_done(s, st, cause, what);
}

/*
 * Store one event.  history: one of a snapshot's (store.h, struct
 * wr_batch), below the cursor: kept if it is stored already (the log's
 * seq is its identity), and it moves no alert rows.
 */
static int
event_insert(struct wr_store *s, struct scratch *sc, const struct wr_event *e,
    int history, char **cause)
{
	sqlite3_stmt *st;
	char what[48];
	wr_evf fields;
	int ret;

	snprintf(what, sizeof what, "storing event %lld", (long long)e->seq);
	if (store_event_body(&sc->body, e) == -1) {
		*cause = xasprintf("%s: %s: a text field is not valid UTF-8",
		    s->path, what);
		return -1;
	}
	/* made_at is the body's too, in a column for store/stats.c (schema
	 * 10): NULL when the body has none, as put_int leaves 0 out. */
	st = history ? store_stmt(s, ST_EV_HISTORY, "INSERT OR IGNORE INTO "
	    "events(" EVENT_COLUMNS ", made_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9)", cause) : store_stmt(s, ST_EV_INSERT, "INSERT INTO "
	    "events(" EVENT_COLUMNS ", made_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9)", cause);
	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, e->seq) ||
	    store_bind_i64(st, 2, e->kind) ||
	    store_bind_i64(st, 3, e->incident) ||
	    store_bind_i64(st, 4, e->time) ||
	    store_bind_text(st, 5, e->actor) ||
	    store_bind_text(st, 6, e->via) ||
	    store_bind_text(st, 7, e->op_id) ||
	    bind_jbuf(st, 8, &sc->body) ||
	    (e->made_at != 0 ? store_bind_i64(st, 9, e->made_at) :
	    sqlite3_bind_null(st, 9))) {
		store_fail(s, cause, SQLITE_ERROR, "%s", what);
		store_stmt_done(st);
		ret = -1;
	} else
		ret = store_step_done(s, st, cause, what);
	if (ret == -1 || history)
		return ret;
	/* An event that carries an alert keeps the alert rows in step. */
	fields = wr_event_kind_info(e->kind)->fields;
	if (fields & WR_EVF(ALERT))
		return alert_write(s, sc, e->incident, &e->alert, e, cause);
	if (fields & WR_EVF(ALERT_END))
		return alert_resolve(s, e, cause);
	return 0;
}

static int
incident_upsert(struct wr_store *s, const struct wr_incident *inc,
    char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_INC_UPSERT,
	    "INSERT OR REPLACE INTO incidents(id, source, key, title, "
	    "service, severity, severity_raw, state, ack_by, ack_at, "
	    "resolved_by, resolved_at, assignee, created, updated, last_seen, "
	    "n_alerts, n_firing, n_notes, labels_text, sender, severity_by, "
	    "truncated, silences, pm_version, pm_by, pm_at, esc_since, "
	    "esc_fired, esc_policy, esc_target, esc_steps, esc_next_at, "
	    "assigned_by_policy, snooze_until, ack_seen_at) VALUES(?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, "
	    "?31, ?32, ?33, ?34, ?35, ?36)", cause);
	char what[48], *silences;
	int bad;

	if (st == NULL)
		return -1;
	snprintf(what, sizeof what, "storing incident %lld",
	    (long long)inc->id);
	if (store_bind_i64(st, 1, inc->id) ||
	    store_bind_text(st, 2, inc->source) ||
	    store_bind_text(st, 3, inc->key) ||
	    store_bind_text(st, 4, inc->title) ||
	    store_bind_text(st, 5, inc->service) ||
	    store_bind_i64(st, 6, inc->severity) ||
	    store_bind_text(st, 7, inc->severity_raw) ||
	    store_bind_i64(st, 8, inc->state) ||
	    store_bind_text(st, 9, inc->ack_by) ||
	    store_bind_i64(st, 10, inc->ack_at) ||
	    store_bind_text(st, 11, inc->resolved_by) ||
	    store_bind_i64(st, 12, inc->resolved_at) ||
	    store_bind_text(st, 13, inc->assignee) ||
	    store_bind_i64(st, 14, inc->created) ||
	    store_bind_i64(st, 15, inc->updated) ||
	    store_bind_i64(st, 16, inc->last_seen) ||
	    store_bind_i64(st, 17, inc->n_alerts) ||
	    store_bind_i64(st, 18, inc->n_firing) ||
	    store_bind_i64(st, 19, inc->n_notes) ||
	    store_bind_text(st, 20, inc->labels_text) ||
	    store_bind_text(st, 21, inc->sender) ||
	    store_bind_text(st, 22, inc->severity_by) ||
	    store_bind_i64(st, 23, inc->truncated) ||
	    store_bind_i64(st, 25, inc->pm_version) ||
	    store_bind_text(st, 26, inc->pm_by) ||
	    store_bind_i64(st, 27, inc->pm_at) ||
	    store_bind_i64(st, 28, inc->esc_since) ||
	    store_bind_i64(st, 29, inc->esc_fired) ||
	    store_bind_text(st, 30, inc->esc_policy) ||
	    store_bind_text(st, 31, inc->esc_target) ||
	    store_bind_i64(st, 32, inc->esc_steps) ||
	    store_bind_i64(st, 33, inc->esc_next_at) ||
	    store_bind_i64(st, 34, inc->assigned_by_policy) ||
	    store_bind_i64(st, 35, inc->snooze_until) ||
	    store_bind_i64(st, 36, inc->ack_seen_at)) {
		store_fail(s, cause, SQLITE_ERROR, "%s", what);
		store_stmt_done(st);
		return -1;
	}
	/* bound without a copy: it lives until the statement ran */
	silences = store_json_silences_dump(inc);
	if (store_bind_text(st, 24, silences)) {
		free(silences);
		store_fail(s, cause, SQLITE_ERROR, "%s", what);
		store_stmt_done(st);
		return -1;
	}
	bad = store_step_done(s, st, cause, what);
	free(silences);
	return bad;
}

/* Replace an incident's alert rows by the snapshot in inc->alerts. */
static int
incident_alerts_replace(struct wr_store *s, struct scratch *sc,
    const struct wr_incident *inc, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_AL_DELETE_INC,
	    "DELETE FROM alerts WHERE incident = ?1", cause);

	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, inc->id)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "replacing alerts");
	}
	if (store_step_done(s, st, cause, "replacing alerts") == -1)
		return -1;
	for (size_t i = 0; i < inc->alerts_len; i++)
		if (alert_write(s, sc, inc->id, &inc->alerts[i], NULL,
		    cause) == -1)
			return -1;
	return 0;
}

static int
op_result_put(struct wr_store *s, const struct wr_op_result *r, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_OP_PUT,
	    "INSERT OR REPLACE INTO ops(via, op_id, status, seq, code, "
	    "reason, time, digest) VALUES(COALESCE(?6, ''), ?1, ?2, ?3, ?4, "
	    "?5, ?7, ?8)",
	    cause);

	if (st == NULL)
		return -1;
	if (store_bind_text(st, 1, r->op_id) ||
	    store_bind_i64(st, 2, r->status) ||
	    store_bind_i64(st, 3, r->seq) ||
	    store_bind_text(st, 4, r->code) ||
	    store_bind_text(st, 5, r->reason) ||
	    store_bind_text(st, 6, r->via) ||
	    store_bind_i64(st, 7, r->time) ||
	    store_bind_text(st, 8, r->digest)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "storing op %s",
		    r->op_id ? r->op_id : "(null)");
	}
	return store_step_done(s, st, cause, "storing an op's answer");
}

static void
scratch_free(struct scratch *sc)
{
	jbuf_free(&sc->body);
	jbuf_free(&sc->labels);
	jbuf_free(&sc->annotations);
}

/*
 * A console's batch on top of what is stored (store.h): read the epoch
 * and the cursor inside the transaction, refuse a batch that would leave
 * a hole or mix two logs, and say from which seq on its events are new
 * (*floor) and whether its summaries are (*fresh).
 */
static int
batch_on_stored(struct wr_store *s, const struct wr_batch *b, int64_t end,
    int64_t *floor, int *fresh, char **cause)
{
	char *epoch = xstrdup(s->epoch);
	int ret = 0;

	if (store_meta_refresh(s, cause) == -1) {
		free(epoch);
		return -1;
	}
	if (strcmp(epoch, s->epoch) != 0) {
		*cause = xasprintf("%s: another warroom on this file follows "
		    "relay epoch %s now, not %s: reloading from it", s->path,
		    s->epoch[0] ? s->epoch : "(none)", epoch[0] ? epoch : "(none)");
		ret = -1;
	} else if (b->base > s->last_seq) {
		*cause = xasprintf("%s: the copy stops at seq %lld and this "
		    "batch continues from seq %lld (another warroom on this "
		    "file started it again): reloading from it", s->path,
		    (long long)s->last_seq, (long long)b->base);
		ret = -1;
	}
	*floor = s->last_seq;
	*fresh = end > s->last_seq;
	free(epoch);
	return ret;
}

int
store_commit_batch(struct wr_store *s, const struct wr_batch *b, char **cause)
{
	int64_t prev = s->last_seq, end = 0, floor, stored;
	int console = s->role == WR_STORE_CONSOLE, fresh = 1;
	struct scratch sc;
	char text[24];

	/* Seqs only move forward.  The relay is the log's only writer: a
	 * seq at or below its cursor would fork it.  A console's events
	 * ascend; which of them are new is decided on the stored cursor. */
	for (size_t i = 0; i < b->n_events; i++) {
		if (b->events[i].seq <= (console ? end : prev)) {
			*cause = xasprintf("%s: storing event %lld: it is not "
			    "after seq %lld", s->path,
			    (long long)b->events[i].seq,
			    (long long)(console ? end : prev));
			return -1;
		}
		prev = end = b->events[i].seq;
	}
	if (b->cursor > end)
		end = b->cursor;
	/* History above the cursor would be met again by the replay. */
	for (size_t i = 0; i < b->n_history; i++)
		if (b->history[i].seq < 1 || b->history[i].seq > end) {
			*cause = xasprintf("%s: storing event %lld as history: "
			    "it is not at or below seq %lld", s->path,
			    (long long)b->history[i].seq, (long long)end);
			return -1;
		}

	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	if (console) {
		if (batch_on_stored(s, b, end, &floor, &fresh, cause) == -1) {
			store_tx_rollback(s);
			return -1;
		}
	} else
		floor = s->last_seq;
	stored = floor;
	if (end < floor)
		end = floor;
	jbuf_init(&sc.body, 1024);
	jbuf_init(&sc.labels, 512);
	jbuf_init(&sc.annotations, 512);
	for (size_t i = 0; i < b->n_events; i++) {
		const struct wr_event *e = &b->events[i];

		if (e->seq > floor && event_insert(s, &sc, e, 0, cause) == -1)
			goto fail;
		/* The outbox is shared too: the op an event answers is done,
		 * stored by this process or another. */
		if (console && e->op_id != NULL &&
		    store_outbox_settle(s, e->op_id, e->seq, cause) == -1)
			goto fail;
	}
	/* History is below the cursor: stored beside what is there. */
	for (size_t i = 0; i < b->n_history; i++)
		if (event_insert(s, &sc, &b->history[i], 1, cause) == -1)
			goto fail;
	/* Summaries of a moment before the stored cursor would take the
	 * incidents back in time. */
	for (size_t i = 0; fresh && i < b->n_incidents; i++) {
		if (incident_upsert(s, b->incidents[i], cause) == -1)
			goto fail;
		if (b->write_alerts && incident_alerts_replace(s, &sc,
		    b->incidents[i], cause) == -1)
			goto fail;
	}
	scratch_free(&sc);
	for (size_t i = 0; i < b->n_results; i++)
		if (op_result_put(s, &b->results[i], cause) == -1)
			goto fail;
	if (end != stored) {
		snprintf(text, sizeof text, "%lld", (long long)end);
		if (store_meta_set(s, "cursor", text, cause) == -1)
			goto fail;
	}
	if (store_tx_commit(s, cause) == -1)
		return -1;
	s->last_seq = end;
	return 0;

fail:
	scratch_free(&sc);
	store_tx_rollback(s);
	return -1;
}

int
store_touch(struct wr_store *s, int64_t incident, const struct wr_alert *alerts,
    size_t n, int64_t now, char **cause)
{
	sqlite3_stmt *st;
	int touched = 0;

	if (n == 0)
		return 0;
	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	st = store_stmt(s, ST_AL_TOUCH, "UPDATE alerts SET last_seen = ?4 "
	    "WHERE incident = ?1 AND fingerprint = ?2 AND starts = ?3", cause);
	if (st == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (store_bind_i64(st, 1, incident) ||
		    store_bind_text(st, 2, alerts[i].fingerprint) ||
		    store_bind_i64(st, 3, alerts[i].starts) ||
		    store_bind_i64(st, 4, now)) {
			store_fail(s, cause, SQLITE_ERROR, "touching alerts");
			store_stmt_done(st);
			goto fail;
		}
		if (store_step_done(s, st, cause, "touching alerts") == -1)
			goto fail;
		touched += sqlite3_changes(s->db) > 0;
	}
	/* As the reducer does: the incident is seen when one of its known
	 * occurrences is. */
	if (touched > 0) {
		st = store_stmt(s, ST_INC_TOUCH,
		    "UPDATE incidents SET last_seen = ?2 WHERE id = ?1", cause);
		if (st == NULL)
			goto fail;
		if (store_bind_i64(st, 1, incident) ||
		    store_bind_i64(st, 2, now)) {
			store_fail(s, cause, SQLITE_ERROR, "touching incident");
			store_stmt_done(st);
			goto fail;
		}
		if (store_step_done(s, st, cause, "touching incident") == -1)
			goto fail;
	}
	return store_tx_commit(s, cause);

fail:
	store_tx_rollback(s);
	return -1;
}

/* ---- reading ------------------------------------------------------------- */

/* Append every row of a bound EVENT_COLUMNS query to out; on failure out
 * is as it was. */
static int
events_read(struct wr_store *s, sqlite3_stmt *st, struct wr_evlist *out,
    char **cause, const char *what)
{
	size_t start = out->n;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct wr_event *e = wr_evlist_push(out);

		if (store_event_row(st, e) == -1) {
			*cause = xasprintf("%s: %s: event %lld has a damaged "
			    "body", s->path, what, (long long)e->seq);
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, cause, rc, "%s", what);
		goto fail;
	}
	store_stmt_done(st);
	return 0;

fail:
	store_stmt_done(st);
	while (out->n > start)
		wr_event_free(&out->v[--out->n]);
	return -1;
}

int
store_events_after(struct wr_store *s, int64_t after, size_t limit,
    struct wr_evlist *out, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_EV_AFTER, "SELECT " EVENT_COLUMNS
	    " FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2", cause);

	if (st == NULL)
		return -1;
	/* LIMIT -1 is SQLite's "no limit". */
	if (store_bind_i64(st, 1, after) || store_bind_i64(st, 2,
	    limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "reading events");
	}
	return events_read(s, st, out, cause, "reading events");
}

int
store_events_of_kind_since(struct wr_store *s, int kind, int64_t since_ms,
    struct wr_evlist *out, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_EV_KIND_SINCE, "SELECT "
	    EVENT_COLUMNS " FROM events WHERE kind = ?1 AND time >= ?2 "
	    "ORDER BY seq", cause);

	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, kind) || store_bind_i64(st, 2, since_ms)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "reading events");
	}
	return events_read(s, st, out, cause, "reading events of a kind");
}

int
store_incident_events(struct wr_store *s, int64_t incident,
    struct wr_evlist *out, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_EV_INCIDENT, "SELECT "
	    EVENT_COLUMNS " FROM events WHERE incident = ?1 ORDER BY seq",
	    cause);

	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, incident)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR,
		    "reading incident %lld", (long long)incident);
	}
	return events_read(s, st, out, cause, "reading an incident's events");
}

/*
 * Retention.  What goes is every event up to the newest old one (so that
 * what stays above it is a contiguous tail of the log even if the clock
 * once stepped back), except the postmortem versions: a version is the
 * only copy of its text and none is ever lost.  So the log below the tail
 * is no longer empty but holds those alone, and where the tail begins is
 * not min(seq): the highest seq cut so far is kept in meta ("pruned"), and
 * store_first_seq() is the first seq above it.
 */
int
store_prune(struct wr_store *s, int64_t cutoff_ms, char **cause)
{
	sqlite3_stmt *st;
	int64_t cut = 0;
	int rc;

	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	/* The kept kinds (the people's words: postmortem versions and
	 * notes) are left out of the cut: an old one's seq is below a cut
	 * already made, never a reason to move it back. */
	st = store_stmt(s, ST_EV_PRUNE_CUT, "SELECT max(seq) FROM events "
	    "WHERE time < ?1 AND kind NOT IN (?2, ?3)", cause);
	if (st == NULL)
		goto fail;
	if (store_bind_i64(st, 1, cutoff_ms) ||
	    store_bind_i64(st, 2, WR_EV_POSTMORTEM) ||
	    store_bind_i64(st, 3, WR_EV_NOTE)) {
		store_stmt_done(st);
		store_fail(s, cause, SQLITE_ERROR, "pruning events");
		goto fail;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_fail(s, cause, rc, "pruning events");
		store_stmt_done(st);
		goto fail;
	}
	cut = sqlite3_column_int64(st, 0);	/* NULL: 0, nothing old */
	store_stmt_done(st);
	if (cut <= 0)
		return store_tx_commit(s, cause);
	st = store_stmt(s, ST_EV_PRUNE, "DELETE FROM events WHERE seq <= ?1 "
	    "AND kind NOT IN (?2, ?3)", cause);
	if (st == NULL)
		goto fail;
	if (store_bind_i64(st, 1, cut) ||
	    store_bind_i64(st, 2, WR_EV_POSTMORTEM) ||
	    store_bind_i64(st, 3, WR_EV_NOTE)) {
		store_stmt_done(st);
		store_fail(s, cause, SQLITE_ERROR, "pruning events");
		goto fail;
	}
	if (store_step_done(s, st, cause, "pruning events") == -1)
		goto fail;
	/* The mark only moves up. */
	st = store_stmt(s, ST_EV_PRUNED_SET, "INSERT INTO meta(key, value) "
	    "VALUES('pruned', ?1) ON CONFLICT(key) DO UPDATE SET value = "
	    "max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
	    cause);
	if (st == NULL)
		goto fail;
	if (store_bind_i64(st, 1, cut)) {
		store_stmt_done(st);
		store_fail(s, cause, SQLITE_ERROR, "pruning events");
		goto fail;
	}
	if (store_step_done(s, st, cause, "recording where the log was "
	    "pruned") == -1)
		goto fail;
	return store_tx_commit(s, cause);

fail:
	store_tx_rollback(s);
	return -1;
}

/* ---- op answers ---------------------------------------------------------- */

int
store_op_lookup(struct wr_store *s, const char *via, const char *op_id,
    struct wr_op_result *out, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_OP_GET, "SELECT status, seq, "
	    "code, reason, time, digest FROM ops WHERE via = COALESCE(?2, '') AND "
	    "op_id = ?1", cause);
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	if (store_bind_text(st, 1, op_id) || store_bind_text(st, 2, via)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "looking up op %s",
		    op_id);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->via = xstrdup(via != NULL ? via : "");
		out->op_id = xstrdup(op_id);
		out->status = (enum wr_op_status)sqlite3_column_int(st, 0);
		out->seq = sqlite3_column_int64(st, 1);
		out->code = store_col_str(st, 2);
		out->reason = store_col_str(st, 3);
		out->time = sqlite3_column_int64(st, 4);
		out->digest = store_col_str(st, 5);
		store_stmt_done(st);
		return 1;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, cause, rc, "looking up op %s", op_id);
		store_stmt_done(st);
		return -1;
	}
	store_stmt_done(st);
	return 0;
}

int
store_op_prune(struct wr_store *s, int64_t cutoff_ms, char **cause)
{
	sqlite3_stmt *st;

	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	st = store_stmt(s, ST_OP_PRUNE, "DELETE FROM ops WHERE time < ?1",
	    cause);
	if (st == NULL)
		goto fail;
	if (store_bind_i64(st, 1, cutoff_ms)) {
		store_stmt_done(st);
		store_fail(s, cause, SQLITE_ERROR, "pruning op answers");
		goto fail;
	}
	if (store_step_done(s, st, cause, "pruning op answers") == -1)
		goto fail;
	return store_tx_commit(s, cause);

fail:
	store_tx_rollback(s);
	return -1;
}

void
wr_op_result_free(struct wr_op_result *r)
{
	if (r == NULL)
		return;
	free(r->via);
	free(r->op_id);
	free(r->code);
	free(r->reason);
	free(r->digest);
	memset(r, 0, sizeof *r);
}
