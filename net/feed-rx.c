/*
 * feed-rx.c: what the relay's frames do to the console's copy of the feed.
 *
 * The welcome says where the relay stands (its epoch and head) and how it
 * will bring this copy up to date: a replay from our seq, or a snapshot.
 * Events are applied to the room as they arrive, and every event of one
 * loop pass, the summaries of the incidents they touched and the cursor
 * are committed in one transaction (feed_flush(), from a timer that runs
 * after the pass); the hooks run only after COMMIT succeeded.  A snapshot
 * is collected until its last frame, committed (with the alerts) in place
 * of the old copy, and only then replaces the room.  Results and errors
 * settle the outbox ops they name, and so does an event carrying an op id.
 *
 * Resynchronising is always "close and reconnect": the hello then says
 * where the committed copy stopped, and the relay replays from there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "net/feed-int.h"
#include "net/proto.h"
#include "store/tzif.h"

/* Flush at once past this many events, even mid-pass. */
#define BATCH_MAX		5000
/* While catching up, let a few passes share a transaction. */
#define REPLAY_FLUSH_US		10000

static void feed_flush_cb(lws_sorted_usec_list_t *sul);

static void
feed_touch(struct feed *f, int64_t id)
{
	for (size_t i = f->n_touched; i > 0; i--)
		if (f->touched[i - 1] == id)
			return;
	if (f->n_touched == f->cap_touched) {
		f->cap_touched = f->cap_touched ? f->cap_touched * 2 : 64;
		f->touched = xrealloc(f->touched,
		    f->cap_touched * sizeof *f->touched);
	}
	f->touched[f->n_touched++] = id;
}

static void
feed_snap_clear(struct feed *f)
{
	for (size_t i = 0; i < f->n_snap; i++)
		wr_incident_free(f->snap[i]);
	free(f->snap);
	f->snap = NULL;
	f->n_snap = f->cap_snap = 0;
	wr_evlist_free(&f->snap_hist);
	f->in_snapshot = 0;
	f->snap_seq = 0;
}

/* ---- outbox ops ------------------------------------------------------- */

static struct feed_op *
feed_op_find(struct feed *f, const char *op_id)
{
	if (op_id == NULL)
		return NULL;
	for (size_t i = 0; i < f->n_ops; i++)
		if (strcmp(f->ops[i].op_id, op_id) == 0)
			return &f->ops[i];
	return NULL;
}

static struct feed_op *
feed_op_add(struct feed *f, const char *op_id)
{
	struct feed_op *op = feed_op_find(f, op_id);

	if (op != NULL)
		return op;
	if (f->n_ops == f->cap_ops) {
		f->cap_ops = f->cap_ops ? f->cap_ops * 2 : 16;
		f->ops = xrealloc(f->ops, f->cap_ops * sizeof *f->ops);
	}
	op = &f->ops[f->n_ops++];
	memset(op, 0, sizeof *op);
	util_strlcpy(op->op_id, op_id, sizeof op->op_id);
	return op;
}

void
feed_ops_clear(struct feed *f)
{
	f->n_ops = 0;
}

/*
 * Ops go out strictly in the outbox's order, one at a time: the next op is
 * sent only once the relay has answered the one before it (applied, noop,
 * refused).  Any op the relay does not take at once (over its rate, a
 * commit that failed: "retry") would otherwise be overtaken by the ops
 * sent behind it, which the relay may well apply before the resend; the
 * log would then hold them out of the order they were made in.  An op
 * waiting for its retry holds back every op behind it.
 *
 * And ops are paced below the relay's rate (PROTO_RATE_PER_S, in bursts
 * of PROTO_RATE_BURST, counting every frame): three quarters of the rate
 * and half the burst go to ops, the rest stays for heartbeats and pongs,
 * so a long outbox does not run into the limit at all.
 */
#define FEED_OPS_IN_FLIGHT	1
#define FEED_OP_RATE_PER_S	(PROTO_RATE_PER_S * 3 / 4)
#define FEED_OP_BURST		(PROTO_RATE_BURST / 2)

static void feed_retry_cb(lws_sorted_usec_list_t *sul);

/* May an op go out now?  If not, *wait_ms says when one may. */
static int
feed_op_pace(struct feed *f, int64_t now, int64_t *wait_ms)
{
	f->op_tokens += (double)(now - f->op_tokens_at) * FEED_OP_RATE_PER_S /
	    1000.0;
	if (f->op_tokens > FEED_OP_BURST)
		f->op_tokens = FEED_OP_BURST;
	f->op_tokens_at = now;
	if (f->op_tokens >= 1.0) {
		f->op_tokens -= 1.0;
		return 1;
	}
	*wait_ms = (int64_t)((1.0 - f->op_tokens) * 1000.0 /
	    FEED_OP_RATE_PER_S) + 1;
	return 0;
}

/* Load the unfinished outbox; with send, queue the next ops this
 * connection may send (see above), in creation order. */
static void
feed_ops_load(struct feed *f, int send)
{
	struct wr_outbox_op *ops = NULL;
	size_t n = 0;
	char *cause = NULL;
	int64_t now = wr_mono_ms(), wait_ms = 0;
	int in_flight = 0, blocked = !send;

	if (f->store == NULL)
		return;
	if (store_outbox_list(f->store, 1, &ops, &n, &cause) != 0) {
		feed_logf("feed: cannot read the outbox: %s", cause);
		feed_set_state(f, f->state, "cannot read the outbox: %s",
		    cause);
		free(cause);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct wr_outbox_op *o = &ops[i];
		struct feed_op *fo;
		struct proto_op p;

		if (o->state == WR_OUTBOX_DONE || o->state == WR_OUTBOX_FAILED)
			continue;
		fo = feed_op_add(f, o->op_id);
		if (blocked || fo->answered)
			continue;
		if (fo->queued) {
			if (++in_flight >= FEED_OPS_IN_FLIGHT)
				blocked = 1;
			continue;
		}
		/* the head of the line waits for its retry, and so does
		 * every op behind it (feed_retry_cb sends it then) */
		if (fo->retry_at > now) {
			blocked = 1;
			continue;
		}
		if (!feed_op_pace(f, now, &wait_ms)) {
			lws_sul_schedule(f->ctx, 0, &f->sul_retry,
			    feed_retry_cb, wait_ms * LWS_US_PER_MS);
			blocked = 1;
			continue;
		}
		fo->queued = 1;
		if (++in_flight >= FEED_OPS_IN_FLIGHT)
			blocked = 1;
		memset(&p, 0, sizeof p);
		p.op_id = o->op_id;
		p.kind = o->kind;
		p.incident = o->incident;
		/* An op made before this store ever heard of a relay belongs
		 * to the epoch it is first sent in. */
		p.epoch = (char *)(o->epoch != NULL && o->epoch[0] != '\0' ?
		    o->epoch : feed_epoch(f));
		p.actor = o->actor != NULL && o->actor[0] != '\0' ? o->actor :
		    f->user;
		p.args = o->args;	/* borrowed: p is not freed */
		/* when the person made it, the same on every resend */
		p.made_at = o->made_at;
		if (o->incident != 0)
			feed_logf("feed: sending op %s (%s #%lld)", o->op_id,
			    wr_op_kind_name(o->kind), (long long)o->incident);
		else
			feed_logf("feed: sending op %s (%s)", o->op_id,
			    wr_op_kind_name(o->kind));
		feed_send_json(f, proto_op_to_json(&p), o->op_id);
	}
	wr_outbox_ops_free(ops, n);
}

void
feed_outbox_send(struct feed *f)
{
	if (f->store == NULL || f->wsi == NULL || !f->caught_up)
		return;
	feed_ops_load(f, 1);
}

void
feed_kick_outbox(struct feed *f)
{
	feed_outbox_send(f);
}

/* ---- ops the relay could not take now ------------------------------------ */

#define RETRY_START_MS	500
#define RETRY_CAP_MS	30000

static void
feed_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct feed *f = lws_container_of(sul, struct feed, sul_retry);
	int64_t now = wr_mono_ms(), next = 0;

	feed_outbox_send(f);
	for (size_t i = 0; i < f->n_ops; i++) {
		const struct feed_op *op = &f->ops[i];
		if (!op->answered && !op->queued && op->retry_at > now &&
		    (next == 0 || op->retry_at < next))
			next = op->retry_at;
	}
	if (next != 0 && f->wsi != NULL)
		lws_sul_schedule(f->ctx, 0, &f->sul_retry, feed_retry_cb,
		    (next - now) * LWS_US_PER_MS);
}

/*
 * The relay answered "retry" (it could not store the op, or it was over
 * the rate): nothing of it was recorded.  The op stays queued in the
 * outbox and goes out again on this connection after a back-off that
 * doubles from RETRY_START_MS to RETRY_CAP_MS, and on every new one.
 */
static void
feed_op_retry(struct feed *f, const char *op_id, const char *reason)
{
	struct feed_op *op = feed_op_find(f, op_id);
	int64_t delay = RETRY_START_MS, now = wr_mono_ms();

	if (op == NULL || op->answered)
		return;
	for (int i = 0; i < op->retries && delay < RETRY_CAP_MS; i++)
		delay *= 2;
	if (delay > RETRY_CAP_MS)
		delay = RETRY_CAP_MS;
	op->retries++;
	op->queued = 0;
	op->retry_at = now + delay;
	feed_logf("feed: op %s: the relay could not take it now%s%s; "
	    "sending it again in %lld ms", op_id, reason ? ": " : "",
	    reason ? reason : "", (long long)delay);
	if (f->hooks.on_result != NULL)
		f->hooks.on_result(f->ud, op_id, "error", 0, reason);
	lws_sul_cancel(&f->sul_retry);
	feed_retry_cb(&f->sul_retry);
}

/*
 * Settle an op: status is "applied", "noop", "refused" or "error" (the
 * relay could not take it now; it stays queued).  Each op reaches the hook
 * once per connection, whether through its event or its result.
 */
static void
feed_op_settle(struct feed *f, const char *op_id, const char *status,
    int64_t seq, const char *reason)
{
	struct feed_op *op = feed_op_find(f, op_id);
	char *cause = NULL;
	int rc = 0;

	if (op != NULL && op->answered)
		return;
	if (f->store != NULL) {
		if (strcmp(status, "applied") == 0 ||
		    strcmp(status, "noop") == 0)
			rc = store_outbox_mark(f->store, op_id, WR_OUTBOX_DONE,
			    seq, NULL, &cause);
		else if (strcmp(status, "refused") == 0)
			rc = store_outbox_mark(f->store, op_id,
			    WR_OUTBOX_FAILED, 0, reason ? reason : "refused",
			    &cause);
		if (rc != 0) {
			feed_logf("feed: %s", cause);
			feed_set_state(f, f->state, "cannot record the answer "
			    "to an op: %s", cause);
			free(cause);
		}
	}
	if (op != NULL)
		op->answered = 1;
	feed_logf("feed: op %s: %s%s%s", op_id, status, reason ? ": " : "",
	    reason ? reason : "");
	if (f->hooks.on_result != NULL)
		f->hooks.on_result(f->ud, op_id, status, seq, reason);
	/* its answer lets the next one go */
	if (op != NULL)
		feed_outbox_send(f);
}

/* ---- the batch -------------------------------------------------------- */

/*
 * The relay's caught_up frame, and nothing else, says the console has all
 * there is: the welcome's head is the head when the console came, and
 * events committed while a snapshot or a replay was on its way follow it.
 */
static void
feed_caught_up(struct feed *f)
{
	/* A connection being closed (a commit failed) is not caught up:
	 * its retry backs off like any other failure's. */
	if (f->caught_up || !f->welcomed || f->in_snapshot || f->wsi == NULL ||
	    f->close_why[0] != '\0')
		return;
	f->caught_up = 1;
	f->attempts = 0;
	feed_set_state(f, FEED_LIVE, "connected to %s", f->url_text);
	feed_outbox_send(f);
	if (f->hooks.on_caught_up != NULL)
		f->hooks.on_caught_up(f->ud, feed_cursor(f));
}

static void
feed_room_empty(struct feed *f)
{
	int keep = f->room->keep_alerts;

	wr_room_free(f->room);
	wr_room_init(f->room, keep);
	/* what follows (a reload, a new epoch, a snapshot) is all of it */
	f->room_later = 0;
}

/* Empty the room (and the store's copy) to follow epoch. */
static int
feed_reset(struct feed *f, const char *epoch, char **cause)
{
	char copy[PROTO_MAX_EPOCH + 1];

	/* epoch may be the store's own string, which the reset replaces. */
	util_strlcpy(copy, epoch, sizeof copy);
	if (f->store != NULL &&
	    store_reset_feed(f->store, copy, cause) != 0)
		return -1;
	if (f->store == NULL)
		util_set_str(&f->epoch, copy);
	feed_room_empty(f);
	f->committed = 0;
	return 0;
}

/* After a failed commit the room is ahead of the disk: make it the disk's
 * again, and let the relay replay the rest. */
static void
feed_reload(struct feed *f, const char *why)
{
	char *cause = NULL;

	wr_evlist_clear(&f->batch);
	f->n_touched = 0;
	feed_room_empty(f);
	if (f->store != NULL &&
	    store_load_room(f->store, f->room, &cause) != 0) {
		feed_logf("feed: %s", cause);
		free(cause);
	}
	f->committed = f->room->last_seq;
	if (f->hooks.on_reload != NULL)
		f->hooks.on_reload(f->ud, why);
}

/*
 * A room left to load later (feed_cfg.room_later) is loaded before the
 * first event is applied to it: the reducer needs the incidents it
 * changes.  The seq it had is kept when it is ahead of the store's (an
 * event this console could not read moved it).  -1 when the store could
 * not be read: the room is reloaded, on_reload says why, the connection
 * closes.
 */
static int
feed_room_need(struct feed *f)
{
	int64_t seq = f->room->last_seq;
	char *cause = NULL, why[400];

	if (!f->room_later)
		return 0;
	f->room_later = 0;
	if (store_load_room(f->store, f->room, &cause) == 0) {
		if (f->room->last_seq < seq)
			f->room->last_seq = seq;
		return 0;
	}
	snprintf(why, sizeof why, "cannot load the feed's copy: %s", cause);
	free(cause);
	feed_logf("feed: %s", why);
	feed_reload(f, why);
	feed_drop(f, "%s", why);
	return -1;
}

void
feed_flush_later(struct feed *f)
{
	if (f->batch.n >= BATCH_MAX) {
		feed_flush(f);
		return;
	}
	if (f->flush_scheduled)
		return;
	f->flush_scheduled = 1;
	lws_sul_schedule(f->ctx, 0, &f->sul_flush, feed_flush_cb,
	    f->caught_up ? 1 : REPLAY_FLUSH_US);
}

static void
feed_flush_cb(lws_sorted_usec_list_t *sul)
{
	struct feed *f = lws_container_of(sul, struct feed, sul_flush);

	f->flush_scheduled = 0;
	feed_flush(f);
}

int
feed_flush(struct feed *f)
{
	struct wr_evlist done;
	char *cause = NULL;

	if (f->flush_scheduled) {
		lws_sul_cancel(&f->sul_flush);
		f->flush_scheduled = 0;
	}
	if (f->batch.n == 0 && !f->cursor_moved)
		return 0;
	f->cursor_moved = 0;
	if (f->store != NULL) {
		struct wr_incident **incs;
		struct wr_batch b;
		size_t n = 0;

		incs = xcalloc(f->n_touched + 1, sizeof *incs);
		for (size_t i = 0; i < f->n_touched; i++)
			if ((incs[n] = wr_room_get(f->room, f->touched[i])))
				n++;
		memset(&b, 0, sizeof b);
		b.events = f->batch.v;
		b.n_events = f->batch.n;
		b.incidents = incs;
		b.n_incidents = n;
		b.cursor = f->room->last_seq;
		b.base = f->committed;
		if (store_commit_batch(f->store, &b, &cause) != 0) {
			char why[400];

			free(incs);
			snprintf(why, sizeof why, "cannot save the feed: %s",
			    cause);
			free(cause);
			feed_logf("feed: %s", why);
			feed_reload(f, why);
			if (f->wsi != NULL)
				feed_drop(f, "%s", why);
			feed_set_state(f, f->state, "%s", why);
			return -1;
		}
		free(incs);
	}
	f->committed = f->room->last_seq;
	if (!f->caught_up)
		feed_logf("feed: committed %zu events up to seq %lld",
		    f->batch.n, (long long)feed_cursor(f));
	f->n_touched = 0;
	/* Hooks may run the loop's other work; hand them a batch that no
	 * frame can grow meanwhile. */
	done = f->batch;
	memset(&f->batch, 0, sizeof f->batch);
	if (f->hooks.on_applied != NULL)
		f->hooks.on_applied(f->ud, done.v, done.n);
	for (size_t i = 0; i < done.n; i++) {
		struct feed_op *op = feed_op_find(f, done.v[i].op_id);
		if (op != NULL && !op->answered)
			feed_op_settle(f, op->op_id, "applied", done.v[i].seq,
			    NULL);
	}
	wr_evlist_clear(&done);
	if (f->batch.v == NULL)
		f->batch = done;	/* keep the allocation */
	else
		wr_evlist_free(&done);
	if (!f->caught_up && f->wsi != NULL)
		feed_set_state(f, FEED_SYNCING, "catching up: seq %lld of %lld",
		    (long long)feed_cursor(f), (long long)f->head);
	return 0;
}

void
feed_rx_reset(struct feed *f)
{
	struct feed_out *o, *next;

	f->rx_len = 0;
	for (o = f->q_head; o != NULL; o = next) {
		next = o->next;
		free(o);
	}
	f->q_head = f->q_tail = NULL;
	feed_snap_clear(f);
	f->n_touched = 0;
	wr_evlist_clear(&f->batch);
	f->welcomed = 0;
	f->caught_up = 0;
	lws_sul_cancel(&f->sul_retry);
	feed_ops_clear(f);
	/* the next connection starts with a full allowance */
	f->op_tokens = 0;
	f->op_tokens_at = 0;
}

/* ---- frames ----------------------------------------------------------- */

/* A positive integer member of o, else 0. */
static int64_t
rx_id(const json_t *o, const char *name)
{
	const json_t *v = json_object_get(o, name);

	return json_is_integer(v) && json_integer_value(v) > 0 ?
	    (int64_t)json_integer_value(v) : 0;
}

static void
rx_unreadable(struct feed *f, int64_t seq, int64_t incident, const char *what)
{
	feed_logf("feed: %s", what);
	if (f->hooks.on_unreadable != NULL)
		f->hooks.on_unreadable(f->ud, seq, incident, what);
}

static int
rx_welcome(struct feed *f, const json_t *o)
{
	struct proto_welcome w;
	char err[256], *cause = NULL;
	const char *mine = feed_epoch(f);
	int rc = 0;

	if (proto_welcome_from_json(o, &w, err, sizeof err) != 0) {
		feed_drop(f, "the relay's welcome is not one: %s", err);
		return -1;
	}
	feed_flush(f);
	f->welcomed = 1;
	f->head = w.head;
	util_set_str(&f->welcome_reason, w.reason);
	util_set_str(&f->server, w.server);
	if (f->cfg_heartbeat_ms <= 0 && w.heartbeat_ms > 0)
		f->heartbeat_ms = w.heartbeat_ms;
	feed_logf("feed: welcome from %s: epoch %s, head %lld, first %lld, "
	    "mode %s%s%s", w.server ? w.server : "?", w.epoch,
	    (long long)w.head, (long long)w.first, w.mode,
	    w.reason ? ": " : "", w.reason ? w.reason : "");
	if (strcmp(mine, w.epoch) != 0) {
		int had = mine[0] != '\0' || feed_cursor(f) > 0;

		if (feed_reset(f, w.epoch, &cause) != 0) {
			feed_drop(f, "cannot follow the relay's new epoch: %s",
			    cause);
			free(cause);
			rc = -1;
			goto out;
		}
		if (had && strcmp(w.mode, "snapshot") != 0 &&
		    f->hooks.on_snapshot != NULL)
			f->hooks.on_snapshot(f->ud, 0, "the relay's log is a "
			    "new one (another epoch): replaying it from the "
			    "start");
	}
	if (strcmp(w.mode, "live") == 0 && feed_cursor(f) < w.head) {
		/* from_now: the history before the head is skipped. */
		f->room->last_seq = w.head;
		if (f->store != NULL) {
			struct wr_batch b;

			memset(&b, 0, sizeof b);
			b.cursor = w.head;
			b.base = f->committed;
			if (store_commit_batch(f->store, &b, &cause) != 0) {
				feed_drop(f, "cannot save the feed: %s", cause);
				free(cause);
				rc = -1;
				goto out;
			}
		}
		f->committed = w.head;
	}
	feed_ops_load(f, 0);
	if (strcmp(w.mode, "snapshot") == 0)
		feed_set_state(f, FEED_SYNCING, "taking a snapshot at seq %lld",
		    (long long)w.head);
	else
		feed_set_state(f, FEED_SYNCING, "catching up: seq %lld of %lld",
		    (long long)feed_cursor(f), (long long)w.head);
out:
	proto_welcome_free(&w);
	return rc;
}

static int
snapshot_done(struct feed *f)
{
	char *cause = NULL, epoch[PROTO_MAX_EPOCH + 1];
	int64_t seq = f->snap_seq;

	feed_flush(f);
	util_strlcpy(epoch, feed_epoch(f), sizeof epoch);
	if (f->store != NULL) {
		struct wr_batch b;

		memset(&b, 0, sizeof b);
		b.incidents = f->snap;
		b.n_incidents = f->n_snap;
		b.write_alerts = 1;
		b.cursor = seq;
		b.history = f->snap_hist.v;
		b.n_history = f->snap_hist.n;
		if (store_reset_feed(f->store, epoch, &cause) != 0 ||
		    store_commit_batch(f->store, &b, &cause) != 0) {
			char why[400];

			snprintf(why, sizeof why, "cannot save the relay's "
			    "snapshot: %s", cause);
			free(cause);
			feed_snap_clear(f);
			feed_reload(f, why);
			feed_drop(f, "%s", why);
			return -1;
		}
	}
	feed_room_empty(f);
	for (size_t i = 0; i < f->n_snap; i++)
		wr_room_put(f->room, f->snap[i]);
	f->n_snap = 0;		/* the room owns them now */
	f->room->last_seq = seq;
	f->committed = seq;
	f->room->generation++;
	feed_snap_clear(f);
	feed_logf("feed: took a snapshot at seq %lld", (long long)seq);
	if (f->hooks.on_snapshot != NULL)
		f->hooks.on_snapshot(f->ud, seq, f->welcome_reason ?
		    f->welcome_reason : "the relay sent a snapshot");
	return 0;
}

/* n with its thousands grouped: 40,000 */
static const char *
rx_count(int64_t n, char *buf, size_t sz)
{
	char digits[24];
	size_t len, o = 0;

	snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
	len = strlen(digits);
	for (size_t i = 0; i < len && o + 2 < sz; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/*
 * A snapshot frame's history (a relay older than it sends none): the
 * notes and postmortem versions of its incidents, kept until the last
 * frame and stored with it as history (store.h, struct wr_batch).  Like
 * an incident, one this console cannot read, or one past the snapshot's
 * seq (which the replay after it would bring again), is left out and
 * said so: resynchronising would meet it again.
 */
static void
rx_snapshot_history(struct feed *f, int64_t seq, const json_t *arr)
{
	char err[256], what[512];
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		struct wr_event e;
		int64_t at = json_is_object(v) ? rx_id(v, "seq") : 0;

		if (proto_event_from_json(v, &e, err, sizeof err) != 0) {
			snprintf(what, sizeof what, "the relay sent a note or "
			    "postmortem this console cannot read (seq %lld, in "
			    "the snapshot at seq %lld): %s; left it out",
			    (long long)at, (long long)seq, err);
			rx_unreadable(f, at, json_is_object(v) ?
			    rx_id(v, "incident") : 0, what);
			continue;
		}
		if (e.seq > seq) {
			snprintf(what, sizeof what, "the relay sent event %lld "
			    "as history of the snapshot at seq %lld, which is "
			    "before it; left it out", (long long)e.seq,
			    (long long)seq);
			rx_unreadable(f, e.seq, e.incident, what);
			wr_event_free(&e);
			continue;
		}
		*wr_evlist_push(&f->snap_hist) = e;	/* the list owns it */
	}
}

static int
rx_snapshot(struct feed *f, const json_t *o)
{
	json_t *total = json_object_get(o, "total");
	char got[32], of[32];
	json_t *arr, *v;
	int64_t seq;
	int last;
	size_t i;
	char err[256];

	if (proto_snapshot_from_json(o, &seq, &arr, &last, err,
	    sizeof err) != 0) {
		feed_drop(f, "a snapshot frame is not one: %s", err);
		return -1;
	}
	if (!f->in_snapshot) {
		feed_flush(f);
		f->in_snapshot = 1;
		f->snap_seq = seq;
		f->snap_next_id = 1;
		f->snap_total = 0;
		f->caught_up = 0;
	} else if (seq != f->snap_seq) {
		feed_drop(f, "snapshot frames at seq %lld and %lld",
		    (long long)f->snap_seq, (long long)seq);
		return -1;
	}
	json_array_foreach(arr, i, v) {
		struct wr_incident *inc = NULL;
		int rc = proto_incident_from_json(v, &inc, err, sizeof err);

		/* the bound on event ids (a slot per id up to the highest) */
		if (rc == 0 && !wr_room_id_plausible(f->snap_next_id, inc->id)) {
			snprintf(err, sizeof err, "incident id %lld is absurd "
			    "(the snapshot's next is %lld)",
			    (long long)inc->id, (long long)f->snap_next_id);
			wr_incident_free(inc);
			inc = NULL;
			rc = -1;
		}
		if (rc != 0) {
			/* As for an event: resynchronising would meet it
			 * again.  Leave it out and say so. */
			int64_t id = json_is_object(v) ? rx_id(v, "id") : 0;
			char what[512];

			snprintf(what, sizeof what, "the relay sent an "
			    "incident this console cannot read (%s%lld, in "
			    "the snapshot at seq %lld): %s; left it out",
			    id ? "#" : "number ", (long long)(id ? id : (int64_t)i + 1),
			    (long long)seq, err);
			rx_unreadable(f, seq, id, what);
			continue;
		}
		/* a part of the incident before it: its alerts are that
		 * one's (a group too big for one frame) */
		if (proto_incident_is_part(v) && f->n_snap > 0 &&
		    f->snap[f->n_snap - 1]->id == inc->id) {
			struct wr_incident *prev = f->snap[f->n_snap - 1];
			size_t need = prev->alerts_len + inc->alerts_len;

			if (need > prev->alerts_cap) {
				prev->alerts = xrealloc(prev->alerts, need *
				    sizeof *prev->alerts);
				prev->alerts_cap = need;
			}
			memcpy(prev->alerts + prev->alerts_len, inc->alerts,
			    inc->alerts_len * sizeof *inc->alerts);
			prev->alerts_len = need;
			inc->alerts_len = 0;	/* moved */
			wr_incident_free(inc);
			continue;
		}
		if (f->n_snap == f->cap_snap) {
			f->cap_snap = f->cap_snap ? f->cap_snap * 2 : 64;
			f->snap = xrealloc(f->snap,
			    f->cap_snap * sizeof *f->snap);
		}
		if (inc->id >= f->snap_next_id)
			f->snap_next_id = inc->id + 1;
		f->snap[f->n_snap++] = inc;
	}
	rx_snapshot_history(f, seq, proto_snapshot_events(o));
	/* Only a count to show: any non-negative integer will do. */
	if (json_is_integer(total) && json_integer_value(total) >= 0)
		f->snap_total = json_integer_value(total);
	if (!last && f->snap_total > 0)
		feed_set_state(f, FEED_SYNCING, "resynchronising: %s of %s",
		    rx_count((int64_t)f->n_snap, got, sizeof got),
		    rx_count(f->snap_total, of, sizeof of));
	return last ? snapshot_done(f) : 0;
}

/*
 * An event the codec refuses (a relay that committed a time in year
 * 10000, a newer relay's field in a form this console does not know).
 * Closing and resuming would meet it again at the same seq, for ever, on
 * every console: so when it is the next seq, it is skipped as if it had
 * been applied (the cursor moves past it and is committed), the person is
 * told, and the feed goes on.  Only an event whose seq cannot be read at
 * all, or that does not come next, is treated like any other protocol
 * error (close, back off, resume).
 */
static int
rx_event_unreadable(struct feed *f, const json_t *o, const char *err)
{
	int64_t seq = rx_id(o, "seq"), incident = rx_id(o, "incident");
	char what[512];

	if (seq != 0 && seq <= feed_cursor(f))
		return 0;	/* a replay overlap: seen already */
	if (seq == 0 || seq != feed_cursor(f) + 1) {
		feed_flush(f);
		feed_drop(f, "the relay sent an event this console cannot "
		    "read (%s%lld): %s; resuming from seq %lld",
		    seq != 0 ? "seq " : "no seq, after ", (long long)(seq != 0 ?
		    seq : feed_cursor(f)), err, (long long)feed_cursor(f));
		return -1;
	}
	f->room->last_seq = seq;
	f->cursor_moved = 1;
	feed_flush_later(f);
	if (incident != 0)
		snprintf(what, sizeof what, "the relay sent an event this "
		    "console cannot read (seq %lld, incident #%lld): %s; "
		    "skipped it, so #%lld may be out of date here",
		    (long long)seq, (long long)incident, err,
		    (long long)incident);
	else
		snprintf(what, sizeof what, "the relay sent an event this "
		    "console cannot read (seq %lld): %s; skipped it",
		    (long long)seq, err);
	rx_unreadable(f, seq, incident, what);
	return 0;
}

static int
rx_event(struct feed *f, const json_t *o)
{
	struct wr_event e;
	char err[256];

	if (f->in_snapshot) {
		feed_drop(f, "an event in the middle of a snapshot");
		return -1;
	}
	if (proto_event_from_json(o, &e, err, sizeof err) != 0)
		return rx_event_unreadable(f, o, err);
	if (feed_room_need(f) != 0) {
		wr_event_free(&e);
		return -1;
	}
	switch (wr_room_apply(f->room, &e, err, sizeof err)) {
	case WR_APPLY_OK:
		feed_touch(f, e.incident);
		break;
	case WR_APPLY_OLD:
		wr_event_free(&e);
		return 0;
	case WR_APPLY_GAP:
		feed_logf("feed: %s", err);
		wr_event_free(&e);
		feed_flush(f);
		feed_drop(f, "%s; resuming from seq %lld", err,
		    (long long)feed_cursor(f));
		return -1;
	case WR_APPLY_REFUSED:
		/*
		 * The relay applied it, so the copy is missing something
		 * (a feed that started from now has never seen the incident).
		 * The log is the relay's: keep the place and go on.  A store
		 * keeps it only when it has the incident it belongs to.
		 */
		feed_logf("feed: kept event %lld that the room refused: %s",
		    (long long)e.seq, err);
		f->room->last_seq = e.seq;
		if (f->store != NULL &&
		    wr_room_get(f->room, e.incident) == NULL) {
			wr_event_free(&e);
			f->cursor_moved = 1;
			feed_flush_later(f);
			return 0;
		}
		feed_touch(f, e.incident);
		break;
	}
	*wr_evlist_push(&f->batch) = e;
	feed_flush_later(f);
	return 0;
}

static int
rx_result(struct feed *f, const json_t *o)
{
	struct proto_result r;
	char err[256], reason[600];

	if (proto_result_from_json(o, &r, err, sizeof err) != 0) {
		feed_logf("feed: ignored a result: %s", err);
		return 0;
	}
	feed_flush(f);
	if (strcmp(r.status, PROTO_RESULT_RETRY) == 0) {
		feed_op_retry(f, r.op_id, r.reason ? r.reason : r.code);
		proto_result_free(&r);
		return 0;
	}
	if (strcmp(r.status, "refused") == 0)
		snprintf(reason, sizeof reason, "%s", r.reason ? r.reason :
		    r.code ? r.code : "refused");
	feed_op_settle(f, r.op_id, r.status, r.seq,
	    strcmp(r.status, "refused") == 0 ? reason : NULL);
	proto_result_free(&r);
	return 0;
}

static int
rx_error(struct feed *f, const json_t *o)
{
	const char *code, *reason, *op_id;
	char err[256];

	if (proto_error_from_json(o, &code, &reason, &op_id, err,
	    sizeof err) != 0) {
		feed_logf("feed: ignored an error message: %s", err);
		return 0;
	}
	feed_logf("feed: the relay says %s%s%s%s%s", code,
	    reason ? ": " : "", reason ? reason : "", op_id ? " op " : "",
	    op_id ? op_id : "");
	if (op_id != NULL && proto_op_id_valid(op_id)) {
		int transient = strcmp(code, PROTO_ERR_RATE) == 0 ||
		    strcmp(code, PROTO_ERR_INTERNAL) == 0;

		feed_flush(f);
		if (transient)
			feed_op_retry(f, op_id, reason ? reason : code);
		else
			feed_op_settle(f, op_id, "refused", 0,
			    reason ? reason : code);
		return 0;
	}
	if (strcmp(code, PROTO_ERR_TOKEN_REFUSED) == 0) {
		/* The token was taken back: the next connect would get a
		 * 401, so stop here and say so. */
		f->token_refused = 1;
		lws_sul_cancel(&f->sul_connect);
		feed_set_state(f, FEED_TOKEN_REFUSED, "the relay at %s refused "
		    "the token (%s); not retrying", f->url_text,
		    reason ? reason : code);
		return 0;
	}
	if (strcmp(code, PROTO_ERR_USER_NOT_ALLOWED) == 0) {
		/* Like a refused token: the same hello would be refused
		 * again, so stop and say so rather than reconnect. */
		f->token_refused = 1;
		lws_sul_cancel(&f->sul_connect);
		feed_set_state(f, FEED_TOKEN_REFUSED, "the relay at %s refused "
		    "this user for this token (%s: %s); not retrying",
		    f->url_text, code, reason ? reason : "");
		return 0;
	}
	if (strcmp(code, PROTO_ERR_RATE) == 0) {
		/* One error for a whole burst the relay dropped: every op
		 * sent and not answered goes out again after a back-off. */
		for (size_t i = 0; i < f->n_ops; i++)
			if (f->ops[i].queued && !f->ops[i].answered)
				feed_op_retry(f, f->ops[i].op_id, reason);
	}
	feed_set_state(f, f->state, "the relay says %s%s%s", code,
	    reason ? ": " : "", reason ? reason : "");
	return 0;
}

/* A schedule's zone, from this machine's zoneinfo. */
static struct wr_zone *
system_zone(void *ud, const char *name, char **cause)
{
	struct wr_zone *z = NULL;

	(void)ud;
	return store_tzif_load(NULL, name, &z, cause) == 0 ? z : NULL;
}

int
feed_rx_schedules(struct feed *f, const json_t *o, int from_relay)
{
	struct proto_schedules got, old;
	char err[256];

	if (proto_schedules_from_json(o, system_zone, NULL, &got, err,
	    sizeof err) != 0) {
		feed_logf("feed: ignored %s schedules: %s", from_relay ?
		    "the relay's" : "the stored", err);
		return -1;
	}
	for (size_t i = 0; i < got.n; i++)
		if (got.v[i].problem != NULL)
			feed_logf("feed: schedule %s: %s", got.v[i].name,
			    got.v[i].problem);
	/* The ones they replace stay whole until on_schedules has
	 * returned: whoever shows them (the on-call pane) still holds them
	 * until it is told. */
	old = f->schedules;
	f->schedules = got;
	if (from_relay && f->store != NULL) {
		char *text = proto_dump(o, NULL), *cause = NULL;

		if (text == NULL || store_schedules_put(f->store, text,
		    &cause) != 0) {
			feed_logf("feed: the schedules are not kept: %s",
			    cause != NULL ? cause : "out of memory");
			free(cause);
		}
		free(text);
	}
	if (from_relay && f->hooks.on_schedules != NULL)
		f->hooks.on_schedules(f->ud);
	proto_schedules_free(&old);
	return 0;
}

int
feed_rx_frame(struct feed *f, const char *buf, size_t len)
{
	enum proto_type type;
	char err[256];
	json_t *o;
	int64_t t;
	int rc = 0;

	o = proto_parse(buf, len, &type, err, sizeof err);
	if (o == NULL) {
		feed_logf("feed: ignored a frame: %s", err);
		return 0;
	}
	if (!f->welcomed && type != PROTO_WELCOME && type != PROTO_PING &&
	    type != PROTO_PONG && type != PROTO_ERROR &&
	    type != PROTO_UNKNOWN) {
		feed_drop(f, "the relay sent %s before its welcome",
		    proto_type_name(type));
		json_decref(o);
		return -1;
	}
	switch (type) {
	case PROTO_WELCOME:
		rc = rx_welcome(f, o);
		break;
	case PROTO_SNAPSHOT:
		rc = rx_snapshot(f, o);
		break;
	case PROTO_EVENT:
		rc = rx_event(f, o);
		break;
	case PROTO_CAUGHT_UP:
		if (proto_caught_up_from_json(o, &t, err, sizeof err) != 0) {
			feed_logf("feed: ignored caught_up: %s", err);
			break;
		}
		feed_flush(f);
		if (t > f->head)
			f->head = t;
		feed_caught_up(f);
		break;
	case PROTO_RESULT:
		rc = rx_result(f, o);
		break;
	case PROTO_ERROR:
		rc = rx_error(f, o);
		break;
	case PROTO_PING:
		if (proto_ping_from_json(o, &t, err, sizeof err) == 0)
			feed_send_json(f, proto_ping_to_json("pong", t), NULL);
		break;
	case PROTO_PONG:
		break;
	case PROTO_SCHEDULES:
		(void)feed_rx_schedules(f, o, 1);
		break;
	case PROTO_UNKNOWN:
		/* A newer relay's message: not ours to understand. */
		feed_logf("feed: ignored a frame: %s", err);
		break;
	default:
		feed_logf("feed: ignored a %s frame", proto_type_name(type));
		break;
	}
	json_decref(o);
	return rc;
}
