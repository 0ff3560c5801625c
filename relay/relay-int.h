/*
 * relay-int.h: what the relay's files share (see relay.h for the map).
 */
#ifndef WR_RELAY_INT_H
#define WR_RELAY_INT_H

#include <libwebsockets.h>

#include "core/overrides.h"
#include "core/room.h"
#include "net/ingest.h"
#include "net/proto.h"
#include "relay/commit.h"
#include "relay/relay.h"
#include "relay/tokens.h"
#include "store/store.h"

enum relay_endpoint {
	EP_ALERTMANAGER = 0,
	EP_EVENTS_V2,
	EP_HEALTHZ,
	EP_METRICS,
	EP_FEED,
	EP_ONCALL_ICS,
	EP_OTHER,
	EP_COUNT
};

/* A queue of encoded frames waiting for their connection (control frames,
 * snapshot chunks).  With a limit, a push that leaves more bytes queued
 * says so (the frame is queued all the same): the caller acts on it. */
struct frameq {
	char **v;
	size_t *len;
	size_t head, n, cap;
	size_t bytes;
	size_t limit;		/* bytes; 0: none */
};

struct http_pss {
	struct lws *wsi;
	enum relay_endpoint ep;
	char token[64];		/* the token's name, for the audit trail */
	char *body;
	size_t len, cap;
	int reading;		/* routed, authenticated: the body is read */
	size_t received;	/* body bytes that arrived, kept or not */
	int auth_in_body;	/* Events v2 without a bearer: routing_key */
	lws_sorted_usec_list_t body_sul;	/* the body's deadline */
	int too_big;
	const char *allow;	/* the Allow header of a 405 */
	/* the answer, once known */
	int code;
	char *resp;
	size_t resp_len;
	const char *ctype;
	int answered;		/* header and body written */
	int close_after;
	struct relay_item *item;
};

struct feed_pss {
	struct relay *r;
	struct lws *wsi;
	const struct token *tok;	/* NULL without --tokens */
	char token[64];
	char refusal[124];	/* a close reason made for this console */
	char user[65];
	enum { RELAY_FEED_HELLO, RELAY_FEED_REPLAY, RELAY_FEED_LIVE } phase;
	int64_t cursor;		/* the last seq sent */
	struct frameq ctl;	/* welcome, results, errors, pings: bounded */
	struct frameq snap;	/* the snapshot's frames, after ctl's */
	struct store_snapshot *snapshot;	/* being streamed */
	int snap_wait;		/* wants one; waits for a slot */
	int64_t snap_seq;	/* the seq it is consistent at */
	int64_t snap_total, snap_sent;	/* incidents */
	struct wr_evlist window;	/* events read from the store */
	size_t window_pos;
	char *rx;
	size_t rx_len;
	int64_t last_rx;
	int64_t last_progress;
	int64_t last_ping;
	double tokens;		/* rate limit bucket */
	int64_t tokens_at;
	uint64_t rate_dropped;	/* frames dropped in this burst */
	const char *close_reason;
	enum lws_close_status close_status;
	struct feed_pss *next;
};

/* The newest events, encoded once for every console. */
struct relay_ring {
	char **frame;
	size_t *len;
	int64_t *seq;
	size_t cap;
};

#define RELAY_HIST_BUCKETS 12

struct relay_metrics {
	uint64_t ingested[3];		/* alertmanager, events-v2, console */
	uint64_t requests[EP_COUNT][6];	/* by endpoint and code class */
	uint64_t req_codes[EP_COUNT][600];
	int consoles;
	uint64_t sendq_hwm;
	uint64_t commit_count;
	double commit_sum_s;
	uint64_t commit_bucket[RELAY_HIST_BUCKETS];
	uint64_t commit_failures;
	double loop_pass_max_s;		/* the longest lws_service() pass */
	uint64_t snapshots_taken;
	uint64_t reloads_ok, reloads_failed;	/* SIGHUP's config reloads */
	/* notifications (relay/notify.c): [0] pages, [1] handoff notices */
	uint64_t notify_attempted[2], notify_delivered[2], notify_failed[2];
};

/* The refusal log's rate limit: one line per sender, endpoint and status
 * in RELAY_REFUSAL_QUIET_MS, the rest counted into the next line. */
#define RELAY_REFUSAL_SLOTS	32
#define RELAY_REFUSAL_QUIET_MS	10000
struct relay_refusal {
	char key[96];
	int64_t at;		/* when one was last written, mono ms */
	uint64_t more;		/* refused since, not written */
};

struct relay {
	const struct relay_cfg *cfg;	/* the caller's, or own_cfg */
	struct relay_cfg *own_cfg;	/* after a reload: made by it */
	struct lws_context *ctx;
	struct lws_vhost *vh;
	struct lws_vhost *client_vh;	/* outgoing requests (httpc.c) */
	struct wr_store *store;
	struct wr_room room;
	/* the overrides and cover requests of the log (relay/oncall.c) */
	struct wr_overrides ov;
	struct tokens tokens;
	int auth;
	struct relay_commit commit;	/* the pending items and their batch */
	lws_sorted_usec_list_t commit_sul;
	int commit_scheduled;
	lws_sorted_usec_list_t tick_sul;
	struct feed_pss *consoles;
	int snapshots;			/* snapshots being streamed */
	struct relay_ring ring;
	struct relay_metrics m;
	int stopping;
	int own_signals;
	struct relay_replay *replay;	/* warroomd: SIGTERM/SIGINT are ours */
	int64_t pruned_at;
	char *db_path;
	int64_t stop_at;
	int64_t started;
	FILE *log;
	struct relay_refusal refusals[RELAY_REFUSAL_SLOTS];
	struct relay_amreq *amreqs;	/* Alertmanager API requests */
	struct relay_httpc *httpcs;	/* HTTP client requests (httpc.c) */
	struct relay *live_next;	/* the relays not yet freed */
	struct relay_silwait *silwaits;	/* silence ops asking Alertmanager */
	int64_t silence_next;		/* mono ms: the next silence refresh */
	/* silence ends the clock passed that Alertmanager was asked about
	 * and answered, or could not (relay_silence_end_wait()) */
	struct relay_silence_asked {
		char id[64 + 1];	/* WR_SILENCE_ID_MAX */
		int64_t ends;
	} silence_asked[32];
	unsigned silence_asked_next;
	struct relay_notify *notify;	/* deliveries (notify.c) */
	/* relay/escalate.c: when to look again (wall clock, ms; 0: at the
	 * next tick), and how many of its items are in the commit queue */
	int64_t esc_due;
	int esc_queued;
};

/* The relay a connection belongs to (its vhost's user pointer), or NULL:
 * for the context's own callbacks, and for a connection that outlived its
 * relay (lws closes those when the context goes, after relay_free()). */
struct relay *relay_of(struct lws *wsi);

extern const struct lws_protocols relay_http_protocol;
extern const struct lws_protocols relay_feed_protocol;
extern const struct lws_protocols relay_httpc_protocol;

/* One line of the relay log.  Every string a client sent goes through
 * util_log_escape() first, into a buffer of RELAY_LOG_USER bytes or more. */
void relay_log(struct relay *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define RELAY_LOG_USER	(4 * 64 + 8)

/* relay/commit.c: the relay's glue around relay/commit.h (the module
 * itself knows no relay) */
void relay_commit_setup(struct relay *r);
/* Queue an item; a run follows the loop pass. */
void relay_enqueue(struct relay *r, struct relay_item *it);
/* Run the batch now (on stop). */
void relay_commit_pending(struct relay *r);

/* relay/relay.c */
/*
 * After a reload has put new schedules in r->cfg (and only then): what
 * depends on them follows (the log line naming them; the consoles' copies
 * when the relay sends them).  The hook for whatever else needs to know.
 */
void relay_schedules_changed(struct relay *r);

/* relay/escalate.c: the escalation engine (core/policy.h decides) */
/* From the loop's tick: what is due is queued as one item, planned
 * against the incidents as the batch leaves them. */
void relay_escalate_tick(struct relay *r, int64_t now_wall);
/* Something changed (a commit, a reload): look again at the next tick. */
void relay_escalate_changed(struct relay *r);
/* After COMMIT: the pages the batch's escalation steps call for. */
void relay_escalate_committed(struct relay *r, const struct wr_event *ev,
    size_t n);

/* relay/http.c */
/* The one credential check for HTTP and the websocket upgrade: secret, or
 * the Authorization header when NULL.  0 with *tok (NULL without --tokens),
 * or -1. */
int relay_http_auth(struct relay *r, struct lws *wsi, const char *secret,
    int role, const struct token **tok);
/* A token's name for logs and the audit trail; "-" without tokens. */
const char *relay_http_token_name(const struct token *t);
void relay_http_answer(struct lws *wsi, struct http_pss *p, int code,
    const char *ctype, char *body /* owned */);

/* relay/amclient.c */
struct relay_amreq;
/* After a delivery from sender (a token's name) is queued: for each group
 * it says was truncated, ask the sender's Alertmanager, when the config
 * names one, for the whole group and reconcile with it. */
void relay_amclient_truncated(struct relay *r, const char *sender,
    const struct ingest_result *res);
/* The request path for a group of these labels under base. */
char *relay_amclient_path(const char *base, const struct wr_kvlist *labels);
/* Forget the requests in flight (their connections free them). */
void relay_amclient_free(struct relay *r);

/* relay/silence.c */
struct relay_silwait;
/* A console's op (it, owned from now on when 1 is returned): a silence or
 * unsilence op asks the incident's Alertmanager first and is answered,
 * and its event made, when Alertmanager has answered; 0 for any other op
 * (the caller queues it as usual). */
int relay_silence_op(struct relay *r, struct relay_item *it);
/* The console behind user left: its silence ops are answered to nobody. */
void relay_silence_forget(struct relay *r, const void *user);
/* From the loop's tick (mono ms): every silence-refresh, read the room's
 * silences again from their Alertmanagers. */
void relay_silence_tick(struct relay *r, int64_t now);
/*
 * Whether the end of inc's silence k, which the relay's clock has passed,
 * is to wait: it may have been extended at its Alertmanager since the
 * last silence-refresh, so that Alertmanager is asked about it first (1,
 * while the question is out), and what it answers is recorded as a
 * refresh would (a later end: silence_changed; expired: silence_expired).
 * 0 once it has answered and said nothing else, or could not answer, or
 * there is no Alertmanager to ask: the clock's word stands.
 */
int relay_silence_end_wait(struct relay *r, const struct wr_incident *inc,
    size_t k);
/* Cancel the requests in flight and forget the ops waiting for them. */
void relay_silence_free(struct relay *r);

/* relay/feed.c */
void relay_feed_broadcast(struct relay *r);
void relay_feed_tick(struct relay *r, int64_t now);
void relay_feed_close_all(struct relay *r, const char *reason);
/* Before a reload swaps the tokens for nt: keep each console's token if
 * nt has it, else tell the console and close it.  How many were closed. */
int relay_feed_tokens_changed(struct relay *r, const struct tokens *nt);

/* relay/ring.c */
void relay_ring_init(struct relay_ring *ring, size_t cap);
void relay_ring_free(struct relay_ring *ring);
void relay_ring_put(struct relay_ring *ring, const struct wr_event *e);
/* The encoded frame for seq, or NULL when it has left the ring. */
const char *relay_ring_get(const struct relay_ring *ring, int64_t seq,
    size_t *len);

/* frame queues */
/* 0, or -1 when the queue is now over its limit. */
int frameq_push(struct frameq *q, char *frame /* owned */, size_t len);
int frameq_push_json(struct frameq *q, json_t *o /* stolen */);
/* Peek at the head (NULL when empty); pop frees it. */
const char *frameq_peek(const struct frameq *q, size_t *len);
void frameq_pop(struct frameq *q);
void frameq_free(struct frameq *q);

/* relay/replay.c */
struct relay_replay;
int relay_replay_load(const char *path, struct relay_replay **out,
    char **cause);
/* The same from the file's text; name is what a reason quotes. */
int relay_replay_parse(const char *name, const char *text, size_t len,
    struct relay_replay **out, char **cause);
size_t relay_replay_lines(const struct relay_replay *p);
/* Line i's body as played at start (Unix ms), its "@N" strings made times,
 * as JSON text (malloc'd), *alertmanager set when it is for that adapter
 * (else Events v2); NULL for an op line. */
char *relay_replay_body(const struct relay_replay *p, size_t i, int64_t start,
    int *alertmanager);
/* Op line i as played at start: decoded as the op a console would send
 * (net/proto.c: its arguments by their wire names, "@N" made times), with
 * a new op id, epoch and, for an incident's op, incident.  0, or -1 with
 * the reason in err (the op is then zeroed). */
int relay_replay_op(const struct relay_replay *p, size_t i, int64_t start,
    int64_t incident, const char *epoch, struct proto_op *op, char *err,
    size_t errsz);
void relay_replay_start(struct relay *r, struct relay_replay *p);
void relay_replay_free(struct relay_replay *p);

/* relay/metrics.c */
void relay_metrics_request(struct relay *r, enum relay_endpoint ep, int code);
void relay_metrics_commit(struct relay *r, double seconds, int ok);
char *relay_metrics_text(struct relay *r, size_t *len);
const char *relay_endpoint_name(enum relay_endpoint ep);

#endif
