/*
 * feed-int.h: what the feed's files share (feed.c: connection, timers,
 * writes and status; feed-rx.c: frames in, the batch and its commit, the
 * outbox; feed-url.c; feed-log.c).  Not for use outside net/feed*.c.
 */
#ifndef WR_FEED_INT_H
#define WR_FEED_INT_H

#include <jansson.h>

#include "net/feed.h"
#include "net/proto.h"

/* One frame waiting for a WRITEABLE callback. */
struct feed_out {
	struct feed_out *next;
	char op_id[33];		/* an outbox op: attempt recorded on write */
	size_t len;
	unsigned char buf[];	/* LWS_PRE bytes of headroom, then len */
};

/* An outbox op this feed knows is unfinished. */
struct feed_op {
	char op_id[33];
	int queued;		/* sent (or queued) on this connection */
	int answered;		/* its result reached the hook */
	int retries;		/* "retry" results on this connection */
	int64_t retry_at;	/* monotonic ms: not sent again before */
};

struct feed {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	struct lws *wsi;
	struct feed_url url;

	/* configuration, owned copies */
	char *url_text;
	char *token;
	char *user;
	char *client;
	int backoff_start_ms;
	int backoff_cap_ms;
	int cfg_heartbeat_ms;
	int insecure;
	int plain_http;		/* wss://, and the relay answered plain HTTP:
				 * -1 not looked, 0 no, 1 yes */
	int from_now;
	size_t max_frame;

	struct wr_store *store;	/* may be NULL */
	struct wr_room *room;
	int room_later;		/* feed_cfg's: room not loaded yet */
	struct feed_hooks hooks;
	void *ud;

	/* where the copy stands (store-less feeds) */
	char *epoch;		/* NULL before the first welcome */

	/* the connection */
	int started;
	int welcomed;
	int caught_up;
	int token_refused;
	int heartbeat_ms;
	int64_t head;
	char *welcome_reason;
	char *server;
	int64_t last_rx;	/* monotonic ms */
	int64_t last_ping;
	int64_t stale_since;	/* monotonic ms it went STALE */
	char close_why[160];	/* why we are closing it, for the status */

	/* reassembly of fragmented frames */
	char *rx;
	size_t rx_len, rx_cap;

	/* applied to the room, waiting for COMMIT */
	int64_t committed;	/* the room's seq at the last commit or load:
				 * the base the batch continues from */
	struct wr_evlist batch;
	int64_t *touched;	/* incident ids (deduplicated) */
	size_t n_touched, cap_touched;
	int flush_scheduled;
	int cursor_moved;	/* the cursor moved with no event to commit */
	int in_snapshot;
	int64_t snap_seq;
	int64_t snap_next_id;	/* past the highest id of the snapshot so far */
	int64_t snap_total;	/* what the relay says it holds (0: unsaid) */
	struct wr_incident **snap;	/* snapshot frames so far (owned) */
	size_t n_snap, cap_snap;
	/* the snapshot's history so far (notes, postmortem versions: events
	 * at or below snap_seq, stored without being applied) */
	struct wr_evlist snap_hist;

	/* frames to write */
	struct feed_out *q_head, *q_tail;

	/* unfinished outbox ops */
	struct feed_op *ops;
	size_t n_ops, cap_ops;
	double op_tokens;	/* ops this connection may send now (pacing) */
	int64_t op_tokens_at;	/* monotonic ms they were counted */

	/* timers */
	lws_sorted_usec_list_t sul_connect;
	lws_sorted_usec_list_t sul_tick;
	lws_sorted_usec_list_t sul_flush;
	lws_sorted_usec_list_t sul_retry;	/* ops the relay said to retry */
	int attempts;
	int lost_live;		/* the connection just lost was caught up */
	int64_t retry_at;	/* wall ms */

	/* the last schedules frame (from the store at start) */
	struct proto_schedules schedules;

	enum feed_state state;
	char detail[320];
};

/* feed-rx.c: decode a schedules frame into f->schedules (and, for a
 * frame from the relay, keep its text in the store).  0, or -1 when the
 * frame was refused (the schedules are as they were). */
int feed_rx_schedules(struct feed *f, const json_t *o, int from_relay);

/* feed.c */
void feed_set_state(struct feed *f, enum feed_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queue a message (steals o) and ask for WRITEABLE.  op_id may be NULL. */
void feed_send_json(struct feed *f, json_t *o, const char *op_id);
/* The epoch followed: the store's, else the in-memory one; "" unknown. */
const char *feed_epoch(const struct feed *f);
/* The last seq applied to the room (committed or about to be). */
int64_t feed_cursor(const struct feed *f);
/* Close the connection from inside a callback; the status says why. */
void feed_drop(struct feed *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* feed-rx.c */
/* One complete frame.  -1: close the connection (the reason is set). */
int feed_rx_frame(struct feed *f, const char *buf, size_t len);
/* Commit what was applied and run the hooks.  -1 when the commit failed
 * (the room was reloaded from the store; the caller closes). */
int feed_flush(struct feed *f);
void feed_flush_later(struct feed *f);
/* The connection ended: forget its state (after a final flush). */
void feed_rx_reset(struct feed *f);
/* Queue the outbox's unfinished ops not yet sent on this connection. */
void feed_outbox_send(struct feed *f);
void feed_ops_clear(struct feed *f);

#endif
