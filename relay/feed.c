/*
 * relay/feed.c: the consoles' websocket.  A console says hello with where
 * it stopped (epoch and seq); the relay replays the log from there, or, when
 * it cannot (another epoch, past retention), sends a snapshot of the room
 * consistent at a seq and replays from that seq.  Then live events, ops and
 * their results, and heartbeats both ways.
 *
 * Each console's position is a cursor into the log: events come from the
 * shared ring of encoded frames or, for a console further behind, from the
 * store in bounded windows.  Control frames (welcome, results, snapshot
 * chunks, pings) wait in a small per-console queue.  A console whose socket
 * does not drain within the configured time is closed with a reason; it
 * resumes when it reconnects.
 */
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/oncall.h"
#include "relay/relay-int.h"

#define WINDOW_EVENTS	256
#define SNAPSHOT_CHUNK	200
#define RATE_PER_S	((double)PROTO_RATE_PER_S)
#define RATE_BURST	((double)PROTO_RATE_BURST)
/* Frames dropped over the rate, in one burst, before the console is
 * closed as a flood. */
#define RATE_DROP_CLOSE	20000
/* A console's control queue (results, errors, pongs; not the snapshot,
 * which has its own): past this it is not reading its answers. */
#define CTL_LIMIT	(1024 * 1024)

static void close_with(struct feed_pss *p, enum lws_close_status st,
    const char *why);

/* Queue a control frame; a console that lets them pile up is closed. */
static void
ctl_push(struct feed_pss *p, json_t *o /* stolen */)
{
	if (p->close_reason != NULL) {	/* going away: nothing more */
		json_decref(o);
		return;
	}
	if (frameq_push_json(&p->ctl, o) != 0)
		close_with(p, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		    "the console is not reading its answers (over 1 MiB "
		    "queued); reconnect to resume");
	lws_callback_on_writable(p->wsi);
}

static void
send_error(struct feed_pss *p, const char *code, const char *reason,
    const char *op_id)
{
	ctl_push(p, proto_error_to_json(code, reason, op_id));
}

/*
 * Snapshots are read from the store a window at a time as the console's
 * socket drains (snapshot_fill), from one read transaction of their own
 * (store_snapshot_begin): consistent at one seq however long they take,
 * and the loop is never held up for more than a window.  At most
 * SNAPSHOTS_MAX are in flight; a console after those waits its turn,
 * told so by an error frame (snapshot_busy).
 */
#define SNAPSHOTS_MAX		4
#define SNAPSHOT_QUEUED_MAX	4	/* frames encoded ahead of the socket */

static void
snapshot_end(struct relay *r, struct feed_pss *p)
{
	if (p->snapshot == NULL)
		return;
	store_snapshot_end(p->snapshot);
	p->snapshot = NULL;
	r->snapshots--;
}

/* Start the snapshot a console waits for, when a slot is free. */
static void
snapshot_start(struct relay *r, struct feed_pss *p)
{
	char *cause = NULL, ub[RELAY_LOG_USER];

	if (!p->snap_wait || p->snapshot != NULL || p->close_reason != NULL)
		return;
	if (r->snapshots >= SNAPSHOTS_MAX) {
		if (p->snap_wait == 1) {
			char msg[160];
			snprintf(msg, sizeof msg, "%d consoles are taking a "
			    "snapshot; this one starts when one of them is "
			    "done", r->snapshots);
			p->snap_wait = 2;	/* said once */
			send_error(p, PROTO_ERR_SNAPSHOT_BUSY, msg, NULL);
		}
		return;
	}
	if (store_snapshot_begin(r->store, &p->snapshot, &p->snap_seq,
	    &p->snap_total, &cause) != 0) {
		relay_log(r, "snapshot for %s: %s",
		    util_log_escape(p->user, ub, sizeof ub), cause);
		free(cause);
		close_with(p, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "the relay cannot read its store for a snapshot; "
		    "reconnect to try again");
		return;
	}
	r->snapshots++;
	r->m.snapshots_taken++;
	p->snap_wait = 0;
	p->snap_sent = 0;
	p->cursor = p->snap_seq;	/* the replay resumes from there */
	relay_log(r, "console %s: snapshot of %lld incidents at seq %lld",
	    util_log_escape(p->user, ub, sizeof ub),
	    (long long)p->snap_total, (long long)p->snap_seq);
	lws_callback_on_writable(p->wsi);
}

/* A slot came free: the next console waiting gets it. */
static void
snapshot_next_waiting(struct relay *r)
{
	for (struct feed_pss *q = r->consoles; q != NULL &&
	    r->snapshots < SNAPSHOTS_MAX; q = q->next)
		if (q->snap_wait)
			snapshot_start(r, q);
}

/*
 * Encode the next window of the snapshot into p->snap (a few frames ahead
 * of the socket, never the whole room).  Each window of incidents is
 * followed by its history (store_snapshot_history(): the notes and
 * postmortem versions, whose text no summary keeps) in frames of their
 * own, each of at most about SNAPSHOT_HISTORY_BYTES of stored events (one
 * version alone may be more, up to its bound): a window of long
 * postmortems is split, never one frame past what a console reads.
 */
#define SNAPSHOT_HISTORY_BYTES	(256 * 1024)
/* A frame of incidents, at most about (half what a console reads). */
#define SNAPSHOT_FRAME_BYTES	(PROTO_MAX_FRAME / 2)

/* The store failed mid-snapshot: end it (cause is freed), close the
 * console (it takes one again when it reconnects). */
static void
snapshot_fail(struct relay *r, struct feed_pss *p, char *cause)
{
	char ub[RELAY_LOG_USER];

	relay_log(r, "snapshot for %s: %s",
	    util_log_escape(p->user, ub, sizeof ub), cause);
	free(cause);
	snapshot_end(r, p);
	snapshot_next_waiting(r);
	close_with(p, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
	    "the relay cannot read its store for a snapshot; "
	    "reconnect to try again");
}

/* A snapshot frame to the console's queue, with the count to show. */
static void
snapshot_push(void *ud, json_t *o)
{
	struct feed_pss *p = ud;

	json_object_set_new(o, "total", json_integer(p->snap_total));
	frameq_push_json(&p->snap, o);
}

static void
snapshot_fill(struct relay *r, struct feed_pss *p)
{
	struct wr_incident **v;
	struct wr_evlist ev = { 0 };
	char *cause = NULL;
	size_t n;
	json_t *arr, *o;

	while (p->snapshot != NULL && p->snap.n < SNAPSHOT_QUEUED_MAX) {
		if (store_snapshot_history(p->snapshot, SNAPSHOT_HISTORY_BYTES,
		    &ev, &cause) != 0) {
			snapshot_fail(r, p, cause);
			break;
		}
		if (ev.n > 0) {
			arr = json_array();
			for (size_t i = 0; i < ev.n; i++)
				json_array_append_new(arr,
				    proto_event_to_json(&ev.v[i]));
			wr_evlist_clear(&ev);
			o = proto_snapshot_history_to_json(p->snap_seq, arr);
			json_object_set_new(o, "total",
			    json_integer(p->snap_total));
			frameq_push_json(&p->snap, o);
			continue;
		}
		if (store_snapshot_next(p->snapshot, SNAPSHOT_CHUNK, &v, &n,
		    &cause) != 0) {
			snapshot_fail(r, p, cause);
			break;
		}
		/* frames of at most SNAPSHOT_FRAME_BYTES: a group of
		 * thousands of alerts in one was more than a console reads
		 * (it dropped the connection, and could never catch up) */
		proto_snapshot_window(p->snap_seq, v, n, SNAPSHOT_FRAME_BYTES,
		    snapshot_push, p);
		for (size_t i = 0; i < n; i++)
			wr_incident_free(v[i]);
		free(v);
		p->snap_sent += (int64_t)n;
		if (n == 0) {
			snapshot_push(p, proto_snapshot_to_json(p->snap_seq,
			    NULL, 1));
			snapshot_end(r, p);
			snapshot_next_waiting(r);
		}
	}
	wr_evlist_free(&ev);
}

/*
 * Read the store's window of events starting at seq want (cursor + 1).
 * 0 when it starts there; -1 when it cannot be read (a store error) or
 * does not start there (retention pruned it, or a hole), with why set.
 */
static int
window_load(struct relay *r, struct feed_pss *p, int64_t want, char *why,
    size_t whysz)
{
	char *cause = NULL;

	wr_evlist_clear(&p->window);
	p->window_pos = 0;
	if (store_events_after(r->store, want - 1, WINDOW_EVENTS, &p->window,
	    &cause) != 0) {
		snprintf(why, whysz, "the relay cannot read event %lld: %s",
		    (long long)want, cause);
		free(cause);
		return -1;
	}
	if (p->window.n == 0 || p->window.v[0].seq != want) {
		snprintf(why, whysz, "event %lld is no longer in the relay's "
		    "log", (long long)want);
		wr_evlist_clear(&p->window);
		return -1;
	}
	return 0;
}

static void
on_hello(struct relay *r, struct feed_pss *p, const json_t *o)
{
	struct proto_hello h;
	struct proto_welcome w;
	char err[256];
	const char *epoch = store_epoch(r->store);
	int64_t head = r->room.last_seq, first = store_first_seq(r->store);
	const char *mode, *why = NULL;
	char ub[RELAY_LOG_USER];
	char unreadable[400];
	size_t len;

	memset(&h, 0, sizeof h);
	if (proto_hello_from_json(o, &h, err, sizeof err) != 0) {
		send_error(p, "bad_frame", err, NULL);
		return;
	}
	util_strlcpy(p->user, h.user ? h.user : "", sizeof p->user);
	if (!tokens_may_act_as(p->tok, p->user)) {
		/* the token file binds the names a token may act as */
		char names[96], msg[256];
		tokens_users_text(p->tok, names, sizeof names);
		snprintf(msg, sizeof msg, "%s: token %s may act as: %s",
		    PROTO_ERR_USER_NOT_ALLOWED, p->token, names);
		util_strlcpy(p->refusal, msg, sizeof p->refusal);
		/* an error frame the console shows, then the close */
		send_error(p, PROTO_ERR_USER_NOT_ALLOWED, msg +
		    strlen(PROTO_ERR_USER_NOT_ALLOWED ": "), NULL);
		relay_log(r, "console %s (token %s) refused: not a name the "
		    "token may act as", util_log_escape(p->user, ub,
		    sizeof ub), p->token);
		proto_hello_free(&h);
		close_with(p, LWS_CLOSE_STATUS_POLICY_VIOLATION, p->refusal);
		return;
	}
	if (first == 0)
		first = head + 1;
	if (h.from_now) {
		mode = "live";
		p->cursor = head;
	} else if (h.epoch != NULL && h.epoch[0] != '\0' &&
	    strcmp(h.epoch, epoch) != 0) {
		mode = "snapshot";
		why = "the console's copy is from another epoch of the relay";
	} else if (h.seq > head) {
		mode = "snapshot";
		why = "the console is ahead of the relay's log";
	} else if (h.seq + 1 < first) {
		mode = "snapshot";
		why = "the events after the console's position are past "
		    "the relay's retention";
	} else if (h.seq < head && relay_ring_get(&r->ring, h.seq + 1,
	    &len) == NULL && window_load(r, p, h.seq + 1, unreadable,
	    sizeof unreadable) != 0) {
		/* A replay that could not even start: a snapshot (from the
		 * room in memory) needs no event from the store. */
		relay_log(r, "console %s: %s; sending a snapshot",
		    util_log_escape(p->user, ub, sizeof ub), unreadable);
		mode = "snapshot";
		why = "the relay cannot read the events after the console's "
		    "position";
	} else {
		mode = "replay";
		p->cursor = h.seq;
	}
	memset(&w, 0, sizeof w);
	w.epoch = (char *)epoch;
	w.head = head;
	w.first = first;
	w.mode = (char *)mode;
	w.reason = (char *)why;
	w.heartbeat_ms = r->cfg->heartbeat_ms;
	w.server = "warroomd/" WR_VERSION;
	w.user = p->user;
	w.token = p->token;
	frameq_push_json(&p->ctl, proto_welcome_to_json(&w));
	relay_oncall_hello(r, p);
	p->phase = RELAY_FEED_REPLAY;
	if (strcmp(mode, "snapshot") == 0) {
		p->snap_wait = 1;
		snapshot_start(r, p);
	}
	relay_log(r, "console %s (token %s) connected: %s from seq %lld",
	    util_log_escape(p->user, ub, sizeof ub), p->token, mode,
	    (long long)p->cursor);
	proto_hello_free(&h);
	lws_callback_on_writable(p->wsi);
}

/*
 * The group commit's answer to an op (relay/commit.h); the console is still
 * connected (relay_commit_forget() when it leaves).  When the batch could
 * not be stored the answer is transient: "retry", nothing recorded, and the
 * console keeps the op queued and sends it again.
 */
static void
op_done(struct relay_item *it, int ok, void *user)
{
	static const char *names[] = { "applied", "noop", "refused" };
	struct feed_pss *p = user;
	const struct wr_op_result *res = &it->result;
	struct proto_result pr = {
		.op_id = it->op.op_id,
		.status = (char *)PROTO_RESULT_RETRY,
		.code = (char *)PROTO_ERR_UNAVAILABLE,
		.reason = (char *)"the relay could not store the op; it stays "
		    "queued and is sent again"
	};

	if (ok && (unsigned)res->status < 3) {
		pr.status = (char *)names[res->status];
		pr.seq = res->seq;
		pr.code = res->code;
		pr.reason = res->reason;
	}
	ctl_push(p, proto_result_to_json(&pr));
}

static void
on_op(struct relay *r, struct feed_pss *p, const json_t *o)
{
	struct relay_item *it;
	char err[256];

	if (p->phase == RELAY_FEED_HELLO) {
		send_error(p, "bad_frame", "say hello first", NULL);
		return;
	}
	it = xcalloc(1, sizeof *it);
	it->type = ITEM_OP;
	if (proto_op_from_json(o, &it->op, err, sizeof err) != 0) {
		json_t *id = json_object_get(o, "op_id");
		/* Only an op id that is one goes back: the console can only
		 * match that, and anything else was echoed whole (a 1 MiB
		 * op_id made a 1 MiB answer). */
		send_error(p, "bad_op", err, json_is_string(id) &&
		    proto_op_id_valid(json_string_value(id)) ?
		    json_string_value(id) : NULL);
		relay_item_free(it);
		return;
	}
	if (!tokens_may_act_as(p->tok, it->op.actor)) {
		/* the hello's user was checked; each op's actor is too, or
		 * a token for bob could act as alice */
		char names[96], msg[256];

		tokens_users_text(p->tok, names, sizeof names);
		snprintf(msg, sizeof msg, "token %s may act as: %s", p->token,
		    names);
		send_error(p, PROTO_ERR_USER_NOT_ALLOWED, msg, it->op.op_id);
		relay_item_free(it);
		return;
	}
	it->done = op_done;
	it->user = p;
	util_strlcpy(it->via, p->token, sizeof it->via);
	if (!relay_silence_op(r, it))
		relay_enqueue(r, it);
}

static int
rate_ok(struct feed_pss *p, int64_t now)
{
	p->tokens += (double)(now - p->tokens_at) * RATE_PER_S / 1000.0;
	if (p->tokens > RATE_BURST)
		p->tokens = RATE_BURST;
	p->tokens_at = now;
	if (p->tokens < 1.0)
		return 0;
	p->tokens -= 1.0;
	return 1;
}

static void
on_frame(struct relay *r, struct feed_pss *p, const char *buf, size_t len)
{
	enum proto_type type;
	char err[256];
	json_t *o;
	int64_t now = wr_mono_ms();

	if (!rate_ok(p, now)) {
		/* One error frame for the whole burst, not one per frame: a
		 * console that does not read must not grow the queue. */
		if (p->rate_dropped++ == 0)
			send_error(p, "rate", "too many messages: the ones over "
			    "the limit are dropped; send them again later",
			    NULL);
		else if (p->rate_dropped > RATE_DROP_CLOSE)
			close_with(p, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "the console keeps flooding the relay");
		return;
	}
	/* The burst is over once the console has slowed down long enough
	 * for the bucket to be half full again. */
	if (p->tokens >= RATE_BURST / 2)
		p->rate_dropped = 0;
	o = proto_parse(buf, len, &type, err, sizeof err);
	if (o == NULL) {
		send_error(p, "bad_frame", err, NULL);
		return;
	}
	switch (type) {
	case PROTO_HELLO:
		if (p->phase != RELAY_FEED_HELLO)
			send_error(p, "bad_frame", "hello said twice", NULL);
		else
			on_hello(r, p, o);
		break;
	case PROTO_OP:
		on_op(r, p, o);
		break;
	case PROTO_PING: {
		json_t *t = json_object_get(o, "t");
		ctl_push(p, proto_ping_to_json("pong",
		    json_is_integer(t) ? json_integer_value(t) : 0));
		break;
	}
	case PROTO_PONG:
		break;
	default:
		send_error(p, "bad_frame", "unexpected message type", NULL);
		break;
	}
	json_decref(o);
}

enum next_outcome {
	NEXT_FRAME,		/* *frame is the next event */
	NEXT_CAUGHT_UP,		/* the cursor is at the head */
	NEXT_UNREADABLE		/* the next event cannot be read: resync */
};

/* The next event frame for this console (*owned: free it after). */
static enum next_outcome
next_event(struct relay *r, struct feed_pss *p, const char **frame,
    size_t *len, char **owned)
{
	int64_t want = p->cursor + 1;
	char why[400], ub[RELAY_LOG_USER];

	*owned = NULL;
	if (want > r->room.last_seq)
		return NEXT_CAUGHT_UP;
	if ((*frame = relay_ring_get(&r->ring, want, len)) != NULL)
		return NEXT_FRAME;
	if ((p->window_pos >= p->window.n ||
	    p->window.v[p->window_pos].seq != want) &&
	    window_load(r, p, want, why, sizeof why) != 0) {
		relay_log(r, "replay for %s: %s; closing it so that it "
		    "takes a snapshot", util_log_escape(p->user, ub, sizeof ub),
		    why);
		return NEXT_UNREADABLE;
	}
	*frame = *owned = proto_event_dump(&p->window.v[p->window_pos++], len);
	if (p->window_pos >= p->window.n) {
		wr_evlist_clear(&p->window);
		p->window_pos = 0;
	}
	if (*frame == NULL) {	/* none the reducer plans: a damaged log */
		relay_log(r, "replay for %s: event %lld cannot be encoded; "
		    "closing it so that it takes a snapshot",
		    util_log_escape(p->user, ub, sizeof ub), (long long)want);
		return NEXT_UNREADABLE;
	}
	return NEXT_FRAME;
}

static int
write_frame(struct lws *wsi, const char *frame, size_t len)
{
	unsigned char *buf = xmalloc(LWS_PRE + len);
	int n;

	memcpy(buf + LWS_PRE, frame, len);
	n = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT);
	free(buf);
	return n < (int)len ? -1 : 0;
}

/* Write the next frame: 1 written, 0 nothing to write, -1 error. */
static int
write_next(struct relay *r, struct feed_pss *p, size_t *bytes)
{
	const char *f;
	char *owned = NULL;
	size_t len;
	int rc;

	if ((f = frameq_peek(&p->ctl, &len)) != NULL) {
		rc = write_frame(p->wsi, f, len);
		frameq_pop(&p->ctl);
	} else if (snapshot_fill(r, p), (f = frameq_peek(&p->snap, &len)) !=
	    NULL) {
		rc = write_frame(p->wsi, f, len);
		frameq_pop(&p->snap);
	} else if (p->phase == RELAY_FEED_HELLO || p->snap_wait ||
	    p->snapshot != NULL) {
		/* nothing after the snapshot until it is all sent */
		return 0;
	} else {
		switch (next_event(r, p, &f, &len, &owned)) {
		case NEXT_FRAME:
			rc = write_frame(p->wsi, f, len);
			p->cursor++;
			free(owned);
			break;
		case NEXT_UNREADABLE:
			/* Never caught_up below the head: the console
			 * reconnects, and its hello gets a snapshot. */
			close_with(p, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
			    "the relay cannot read the next event of the "
			    "replay; reconnect to take a snapshot");
			return 0;
		case NEXT_CAUGHT_UP:
		default:
			if (p->phase == RELAY_FEED_REPLAY) {
				p->phase = RELAY_FEED_LIVE;
				frameq_push_json(&p->ctl,
				    proto_caught_up_to_json(p->cursor));
				return write_next(r, p, bytes);
			}
			return 0;
		}
	}
	*bytes += len;
	return rc == 0 ? 1 : -1;
}

/*
 * Write frames while the socket takes them, up to a budget per callback:
 * one frame per WRITEABLE would let a console fall behind an ingest of
 * thousands of events a second (each frame costs a loop pass).
 */
#define WRITE_BUDGET_FRAMES	512
#define WRITE_BUDGET_BYTES	(256 * 1024)

static int
on_writeable(struct relay *r, struct feed_pss *p)
{
	size_t bytes = 0;
	int n = 0, rc = 0;

	/* a refusal's error frame goes out before its close */
	if (p->close_reason != NULL && (p->refusal[0] == '\0' ||
	    p->ctl.n == 0)) {
		lws_close_reason(p->wsi, p->close_status,
		    (unsigned char *)p->close_reason, strlen(p->close_reason));
		return -1;
	}
	while (n < WRITE_BUDGET_FRAMES && bytes < WRITE_BUDGET_BYTES) {
		if (n > 0 && lws_send_pipe_choked(p->wsi))
			break;
		if ((rc = write_next(r, p, &bytes)) <= 0)
			break;
		n++;
	}
	if (rc < 0)
		return -1;
	if (n > 0)
		p->last_progress = wr_mono_ms();
	if (p->close_reason != NULL)
		lws_callback_on_writable(p->wsi);	/* the close frame */
	else if (p->ctl.n > 0 || p->snap.n > 0 || p->snapshot != NULL ||
	    (!p->snap_wait && (p->cursor < r->room.last_seq ||
	    p->phase == RELAY_FEED_REPLAY)))
		lws_callback_on_writable(p->wsi);
	return 0;
}

void
relay_feed_broadcast(struct relay *r)
{
	for (struct feed_pss *p = r->consoles; p != NULL; p = p->next) {
		uint64_t behind;
		if (p->phase == RELAY_FEED_HELLO)
			continue;
		behind = (uint64_t)(r->room.last_seq - p->cursor);
		if (behind > r->m.sendq_hwm)
			r->m.sendq_hwm = behind;
		lws_callback_on_writable(p->wsi);
	}
}

static void
close_with(struct feed_pss *p, enum lws_close_status st, const char *why)
{
	if (p->close_reason != NULL)
		return;
	p->close_status = st;
	p->close_reason = why;
	lws_callback_on_writable(p->wsi);
	/* A socket that does not drain never becomes writeable again: the
	 * close frame gets two seconds, then the connection is dropped. */
	lws_set_timeout(p->wsi, PENDING_TIMEOUT_USER_OK, 2);
}

void
relay_feed_close_all(struct relay *r, const char *reason)
{
	for (struct feed_pss *p = r->consoles; p != NULL; p = p->next)
		close_with(p, LWS_CLOSE_STATUS_GOINGAWAY, reason);
}

/*
 * A reload is about to replace the tokens with nt: every console's token
 * is looked for in nt.  One that is there with the same name, secret and
 * role, and still lets the console act as its user, is kept (the console
 * sees nothing); any other console is told PROTO_ERR_TOKEN_REFUSED, which
 * makes it stop and say TOKEN REFUSED rather than reconnect, and closed.
 * Returns how many were closed.
 */
int
relay_feed_tokens_changed(struct relay *r, const struct tokens *nt)
{
	int closed = 0;

	for (struct feed_pss *p = r->consoles; p != NULL; p = p->next) {
		const struct token *t;
		char ub[RELAY_LOG_USER];

		if (p->tok == NULL)	/* no tokens: nothing to take back */
			continue;
		t = tokens_same(nt, p->tok, TOKEN_ROLE_CONSOLE);
		if (t != NULL && (p->phase == RELAY_FEED_HELLO ||
		    tokens_may_act_as(t, p->user))) {
			p->tok = t;
			continue;
		}
		p->tok = NULL;	/* it points into the set being freed */
		if (p->close_reason != NULL)
			continue;
		snprintf(p->refusal, sizeof p->refusal, "%s: the relay's "
		    "token file no longer has the token %.40s",
		    PROTO_ERR_TOKEN_REFUSED, p->token);
		send_error(p, PROTO_ERR_TOKEN_REFUSED, p->refusal +
		    strlen(PROTO_ERR_TOKEN_REFUSED ": "), NULL);
		relay_log(r, "console %s (token %s): its token was taken "
		    "back by the reload; closing", util_log_escape(p->user,
		    ub, sizeof ub), p->token);
		close_with(p, LWS_CLOSE_STATUS_POLICY_VIOLATION, p->refusal);
		closed++;
	}
	return closed;
}

void
relay_feed_tick(struct relay *r, int64_t now)
{
	for (struct feed_pss *p = r->consoles; p != NULL; p = p->next) {
		/* a console waiting for a snapshot slot is not late */
		int pending = p->ctl.n > 0 || p->snap.n > 0 ||
		    p->snapshot != NULL || (p->phase != RELAY_FEED_HELLO &&
		    !p->snap_wait && p->cursor < r->room.last_seq);

		if (!pending)
			p->last_progress = now;
		else if (now - p->last_progress > r->cfg->drain_timeout_ms)
			close_with(p, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "the console did not read its feed in time; "
			    "reconnect to resume");
		if (now - p->last_rx > 3 * (int64_t)r->cfg->heartbeat_ms)
			close_with(p, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "no heartbeat from the console");
		if (now - p->last_ping >= r->cfg->heartbeat_ms &&
		    p->ctl.n < 64) {
			p->last_ping = now;
			frameq_push_json(&p->ctl, proto_ping_to_json("ping",
			    wr_now_ms()));
			lws_callback_on_writable(p->wsi);
		}
	}
}

static int
feed_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct relay *r = relay_of(wsi);
	struct feed_pss *p = user;
	const struct token *t;

	if (r == NULL) {	/* its relay is gone: only its own memory */
		if (reason == LWS_CALLBACK_CLOSED && p != NULL) {
			frameq_free(&p->ctl);
			frameq_free(&p->snap);
			wr_evlist_free(&p->window);
			free(p->rx);
			p->rx = NULL;
		}
		return 0;
	}
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* checked (with a 401 answer) at the upgrade; again here to
		 * learn the token's name */
		memset(p, 0, sizeof *p);
		if (relay_http_auth(r, wsi, NULL, TOKEN_ROLE_CONSOLE, &t) != 0)
			return 1;
		p->tok = t;
		util_strlcpy(p->token, relay_http_token_name(t),
		    sizeof p->token);
		return 0;
	case LWS_CALLBACK_ESTABLISHED: {
		char token[sizeof p->token];
		const struct token *tok = p->tok;
		util_strlcpy(token, p->token, sizeof token);
		memset(p, 0, sizeof *p);
		util_strlcpy(p->token, token, sizeof p->token);
		p->tok = tok;
		p->r = r;
		p->wsi = wsi;
		p->phase = RELAY_FEED_HELLO;
		p->last_rx = p->last_progress = p->last_ping = wr_mono_ms();
		p->tokens = RATE_BURST;
		p->tokens_at = p->last_rx;
		p->ctl.limit = CTL_LIMIT;
		p->next = r->consoles;
		r->consoles = p;
		r->m.consoles++;
		relay_metrics_request(r, EP_FEED, 101);
		if (r->stopping)
			close_with(p, LWS_CLOSE_STATUS_GOINGAWAY,
			    "the relay is stopping");
		return 0;
	}
	case LWS_CALLBACK_RECEIVE:
		p->last_rx = wr_mono_ms();
		if (p->rx_len + len > r->cfg->frame_limit) {
			free(p->rx);
			p->rx = NULL;
			p->rx_len = 0;
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
			    (unsigned char *)"frame too large", 15);
			return -1;
		}
		p->rx = xrealloc(p->rx, p->rx_len + len + 1);
		memcpy(p->rx + p->rx_len, in, len);
		p->rx_len += len;
		if (!lws_is_final_fragment(wsi) ||
		    lws_remaining_packet_payload(wsi) > 0)
			return 0;
		if (p->close_reason == NULL)	/* else: going away */
			on_frame(r, p, p->rx, p->rx_len);
		free(p->rx);
		p->rx = NULL;
		p->rx_len = 0;
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(r, p);
	case LWS_CALLBACK_CLOSED: {
		struct feed_pss **pp;
		char ub[RELAY_LOG_USER];
		for (pp = &r->consoles; *pp != NULL; pp = &(*pp)->next)
			if (*pp == p) {
				*pp = p->next;
				r->m.consoles--;
				break;
			}
		relay_commit_forget(&r->commit, p);
		relay_silence_forget(r, p);
		p->snap_wait = 0;
		snapshot_end(r, p);
		snapshot_next_waiting(r);
		frameq_free(&p->ctl);
		frameq_free(&p->snap);
		wr_evlist_free(&p->window);
		free(p->rx);
		p->rx = NULL;
		relay_log(r, "console %s (token %s) left%s%s",
		    util_log_escape(p->user, ub, sizeof ub), p->token,
		    p->close_reason ? ": " : "",
		    p->close_reason ? p->close_reason : "");
		return 0;
	}
	default:
		return 0;
	}
}

const struct lws_protocols relay_feed_protocol = {
	WR_PROTO_NAME, feed_cb, sizeof(struct feed_pss), 0, 0, NULL, 0
};
