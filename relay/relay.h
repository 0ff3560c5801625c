/*
 * relay.h: warroomd, the relay.  One libwebsockets context, one vhost that
 * serves the HTTP ingest endpoints, /healthz, /metrics and the websocket
 * feed.  The relay keeps the authoritative room in memory and the log in
 * the store; what a body or an op causes is committed first (group commit:
 * everything that arrived in one loop pass shares a transaction) and only
 * then answered and fanned out.
 *
 * relay/relay.c   context, loop, timers, shutdown
 * relay/http.c    HTTP: ingest endpoints, healthz, metrics, answers
 * relay/feed.c    websocket consoles: hello, replay, snapshot, ops, heartbeats
 * relay/commit.c  the pending queue and group commit
 * relay/metrics.c counters and the Prometheus text
 * relay/ring.c    the newest encoded events, shared by every console
 * relay/replay.c  a scenario played into the relay (--replay, --demo)
 * relay/tokens.c  the bearer tokens and what each may do
 */
#ifndef WR_RELAY_H
#define WR_RELAY_H

#include <stddef.h>
#include <stdint.h>

struct relay_cfg {
	char *listen_host;	/* default 127.0.0.1 */
	int port;		/* default 8470 */
	char *db_path;
	char *tokens_path;
	int no_auth;
	char *tls_cert;
	char *tls_key;
	char *log_path;		/* NULL: stderr */
	size_t body_limit;	/* bytes, default 1 MiB */
	size_t frame_limit;	/* bytes, default 1 MiB */
	int heartbeat_ms;	/* default 10000 */
	int drain_timeout_ms;	/* default 30000 */
	int64_t retention_ms;	/* 0: forever */
	char *replay_path;	/* a scenario to play into the relay */
	int verbose;
};

void relay_cfg_defaults(struct relay_cfg *cfg);
/* Read "key = value" lines; returns 0 or -1 with *cause. */
int relay_cfg_load(struct relay_cfg *cfg, const char *path, char **cause);
void relay_cfg_free(struct relay_cfg *cfg);
/* "1048576", "64k", "1M": a byte count > 0.  Returns 0, or -1. */
int relay_parse_size(const char *v, size_t *out);

struct relay;
struct lws_context;

/* Run until SIGTERM/SIGINT.  Returns the process exit status. */
int relay_main(const struct relay_cfg *cfg);

/*
 * A relay inside a context the caller owns (the console's --demo): it adds
 * its own server vhost; the context must have been made with
 * relay_context_options().  cfg is borrowed until relay_free().  NULL with
 * *cause (malloc'd) when the store, the tokens or the port fail.
 */
struct relay *relay_new(struct lws_context *ctx, const struct relay_cfg *cfg,
    char **cause);
/* Commit what is pending and tell consoles why they are being closed. */
void relay_stop(struct relay *r);
void relay_free(struct relay *r);
/* The port actually listened on (useful with port 0). */
int relay_port(const struct relay *r);
uint64_t relay_context_options(void);

#endif
