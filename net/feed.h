/*
 * feed.h: the console side of the feed: one websocket to the relay's /feed,
 * kept open for as long as the console runs.
 *
 * The feed connects, says hello with where its copy stopped (the store's
 * epoch and last seq), applies what the relay sends to the room and commits
 * it to the store (every frame of one loop pass in one transaction, with the
 * cursor), and only then tells its caller through hooks.  It reconnects
 * forever with exponential back-off and jitter, answers and sends
 * heartbeats, and delivers the store's outbox (a person's ops) in order once
 * it is caught up.  Everything runs on the caller's thread, inside the
 * caller's lws_context: `warroom tail`, the one-shot commands, the curses
 * console and --demo (relay and console in one context) all use it.
 *
 * The feed creates its own client vhost in the caller's context (so that a
 * CA file can be given per feed); the caller's protocol list does not need
 * feed_protocol.  The context must have been created with the option bits
 * feed_context_options() returns, or wss:// cannot work.
 */
#ifndef WR_FEED_H
#define WR_FEED_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "core/model.h"
#include "core/room.h"
#include "store/store.h"

#define FEED_DEFAULT_URL	"ws://127.0.0.1:8470/feed"
#define FEED_BACKOFF_START_MS	250
#define FEED_BACKOFF_CAP_MS	30000
/* The first retry after a live connection is lost is anywhere in this
 * window (at most the cap): a relay restart drops every console at once,
 * and they must not all come back in the same instant. */
#define FEED_RECONNECT_SPREAD_MS	2000

enum feed_state {
	FEED_IDLE = 0,		/* not started, or stopped */
	FEED_CONNECTING,	/* a connection attempt is under way */
	FEED_SYNCING,		/* connected, catching up with the relay */
	FEED_LIVE,		/* caught up, frames arriving */
	FEED_STALE,		/* connected, but nothing for > 2 heartbeats */
	FEED_OFFLINE,		/* disconnected; the next attempt is scheduled */
	FEED_TOKEN_REFUSED	/* the relay refused the token: not retrying */
};

/* A parsed ws:// or wss:// URL. */
struct feed_url {
	int tls;
	char host[256];		/* without brackets for an IPv6 literal */
	int port;
	char path[512];		/* "/feed" when the URL has none */
	int ipv6;
};

/* Everything is copied by feed_new(); the caller may free its strings. */
struct feed_cfg {
	const char *url;	/* ws://HOST:PORT/feed or wss://... */
	const char *token;	/* NULL or "": no Authorization header */
	const char *user;	/* who is at this console (hello, op actor) */
	const char *client;	/* e.g. "warroom/0.1.0 tail"; may be NULL */
	const char *ca_file;	/* wss: trust these CAs; NULL: the system's */
	int insecure;		/* wss: no certificate checks at all */
	int backoff_start_ms;	/* 0: FEED_BACKOFF_START_MS */
	int backoff_cap_ms;	/* 0: FEED_BACKOFF_CAP_MS */
	int heartbeat_ms;	/* 0: what the relay's welcome says */
	int from_now;		/* first connect of an empty copy: skip the
				 * history, start at the relay's head */
	size_t max_frame;	/* 0: PROTO_MAX_FRAME */
	int room_later;		/* with a store: the room is not loaded yet
				 * (only its last_seq is set); it is loaded
				 * from the store before the first event is
				 * applied to it, so a command with nothing
				 * to catch up on never loads it */
};

struct feed_status {
	enum feed_state state;
	const char *detail;	/* borrowed; valid until the feed runs again */
	int64_t last_rx_ms;	/* monotonic ms of the last frame, 0: none */
	int stale_s;		/* seconds without a frame (STALE) */
	int64_t retry_at_ms;	/* wall-clock ms of the next attempt (OFFLINE) */
	int attempts;		/* failed attempts since the last good one */
	int64_t seq;		/* last seq applied and committed */
	int64_t head;		/* the relay's head, as last heard */
	const char *epoch;	/* the relay epoch followed ("" unknown) */
	const char *server;	/* the relay's name and version, or NULL */
	int caught_up;		/* this connection has caught up */
	int64_t snap_got;	/* a snapshot coming in: incidents so far */
	int64_t snap_total;	/* and how many it holds (0: unsaid) */
};

/*
 * Every hook is optional and runs on the loop's thread, from inside a
 * callback of the feed: it must not call feed_free().  Strings are borrowed
 * for the duration of the call.
 */
struct feed_hooks {
	/* The state or its detail changed ("connection refused", "STALE"). */
	void (*on_status)(void *ud, enum feed_state state, const char *detail);
	/* Events applied to the room, after their COMMIT succeeded. */
	void (*on_applied)(void *ud, const struct wr_event *events, size_t n);
	/*
	 * The room was replaced: by a snapshot at seq (the relay could not
	 * resume: reason is the welcome's), or emptied because the relay
	 * follows a new epoch and replays it from the start (seq 0).  Redraw
	 * everything.
	 */
	void (*on_snapshot)(void *ud, int64_t seq, const char *reason);
	/*
	 * What became of an outbox op: status "applied" (seq is its event),
	 * "noop", "refused" (reason says why; the op is FAILED in the
	 * outbox), or "error" (the relay could not take it now: it stays
	 * queued and the feed sends it again, with back-off, on this
	 * connection and on every next one; more answers follow).
	 */
	void (*on_result)(void *ud, const char *op_id, const char *status,
	    int64_t seq, const char *reason);
	/* Replay done (once per connection): the room is as of seq. */
	void (*on_caught_up)(void *ud, int64_t seq);
	/*
	 * The relay sent an event (or a snapshot's incident) this console
	 * cannot decode.  The feed skipped it and goes on (the cursor moves
	 * past an event, so neither this connection nor the next, nor a
	 * restart, meets it again): it never reconnects over it.  seq is the
	 * event's (the snapshot's), incident the incident it names (0: not
	 * known); what is the sentence a person reads ("the relay sent an
	 * event this console cannot read (seq 7): ...").  Also in the log.
	 */
	void (*on_unreadable)(void *ud, int64_t seq, int64_t incident,
	    const char *what);
	/* The relay sent its schedules (feed_schedules() has them now). */
	void (*on_schedules)(void *ud);
	/*
	 * This console could not store what the relay sent (why: "cannot
	 * save the feed: FILE: ...", a full disk, a damaged file): the room
	 * was reloaded from the store, the connection is dropped, and the
	 * next one resumes from what was stored.  Nothing went wrong at the
	 * relay.  Redraw everything, and say why.
	 */
	void (*on_reload)(void *ud, const char *why);
};

struct feed;

/* The protocol entry ("warroom.v1").  The feed's own vhost lists it. */
extern const struct lws_protocols feed_protocol;

/* Option bits the caller's lws_context_creation_info must include. */
uint64_t feed_context_options(void);

/* Parse a ws:// or wss:// URL; -1 with a reason in err. */
int feed_url_parse(const char *url, struct feed_url *out, char *err,
    size_t errsz);

/*
 * Make a feed (not connected yet: see feed_start()).  store may be NULL:
 * then the feed keeps its place (epoch, seq) in memory only, as `warroom
 * tail` does.  With a store, the caller has already loaded the room from it
 * (store_load_room()); the feed borrows both, and the hooks' ud, until
 * feed_free().  NULL with *cause (malloc'd) on a bad URL or when the vhost
 * cannot be made (a CA file that cannot be read).
 */
struct feed *feed_new(struct lws_context *ctx, const struct feed_cfg *cfg,
    struct wr_store *store, struct wr_room *room,
    const struct feed_hooks *hooks, void *ud, char **cause);
/* Start connecting (also after TOKEN_REFUSED, e.g. with a new token). */
/*
 * The wait before reconnection attempt `attempt` (1: the first after a
 * loss), with r uniformly random in [0, 2^31).  Exponential from start_ms
 * to cap_ms with "equal jitter" (half fixed, half random); the first retry
 * after a live connection (was_live) is spread over the whole of
 * FEED_RECONNECT_SPREAD_MS instead, so a room of consoles that lost the
 * relay together does not reconnect together.
 */
int feed_backoff_ms(int attempt, int start_ms, int cap_ms, int was_live,
    long r);
void feed_start(struct feed *f);
/* Replace the token used by the next connection attempt. */
void feed_set_token(struct feed *f, const char *token);
/* Commit what is pending, close the connection, free.  Do not call it
 * from a hook. */
void feed_free(struct feed *f);

/* Send the outbox's unfinished ops now (if connected and caught up; else
 * they go out, in order, once it is). */
void feed_kick_outbox(struct feed *f);

void feed_status(const struct feed *f, struct feed_status *out);
const char *feed_state_name(enum feed_state s);
/*
 * The on-call schedules as the relay last sent them (with a store: as
 * kept from an earlier connection until this one sends them); empty when
 * none.  Borrowed until the next on_schedules or feed_free().
 */
struct proto_schedules;
const struct proto_schedules *feed_schedules(const struct feed *f);
/* The URL the feed connects to, as given. */
const char *feed_url(const struct feed *f);

/*
 * The log: libwebsockets' lines and the feed's own go to path (appended),
 * or nowhere when path is NULL: never to the terminal.  Call it before
 * lws_create_context(), whose banner would otherwise go to stderr.
 * verbose adds lws' info lines.
 */
int feed_log_open(const char *path, int verbose, char **cause);
void feed_log_close(void);
void feed_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
