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
 * relay/commit.c  group commit (commit.h: no transport; items carry callbacks)
 * relay/metrics.c counters and the Prometheus text
 * relay/ring.c    the newest encoded events, and bounded frame queues
 * relay/replay.c  a scenario played into the relay (--replay, --demo)
 * relay/tokens.c  the bearer tokens and what each may do
 * relay/httpc.c   the HTTP client (Alertmanager API, webhooks; httpc.h)
 * relay/amclient.c the Alertmanager API: truncated groups read whole
 * relay/config.c  the options, the config file (config.h)
 * relay/escalate.c the escalation engine: steps, ack-timeouts, snoozes
 * relay/notify.c  pages delivered to notifiers, handoff notices (notify.h)
 */
#ifndef WR_RELAY_H
#define WR_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "relay/config.h"

struct relay;
struct lws_context;

/* Exit statuses (sysexits.h, as warroom(1) uses them): a start that
 * failed on a local file (the database, the log) that cannot be used; any
 * other start-up failure (the token file, the address) is 1. */
#define RELAY_EX_FAIL	1
#define RELAY_EX_IOERR	74

/* Run until SIGTERM/SIGINT; SIGHUP calls relay_reload().  Returns the
 * process exit status. */
int relay_main(const struct relay_cfg *cfg);

/*
 * A relay inside a context the caller owns (the console's --demo): it adds
 * its own server vhost; the context must have been made with
 * relay_context_options().  cfg is borrowed until relay_free().  NULL with
 * *cause (malloc'd) when the store, the tokens or the port fail, and
 * *status (when status is not NULL) the exit status that failure calls
 * for: RELAY_EX_IOERR for the database or the log, else RELAY_EX_FAIL.
 */
struct relay *relay_new(struct lws_context *ctx, const struct relay_cfg *cfg,
    int *status, char **cause);
/* Commit what is pending and tell consoles why they are being closed. */
void relay_stop(struct relay *r);
/*
 * What SIGHUP does: reopen the --log file (for logrotate), keeping the old
 * one when the new cannot be opened; then read the --config files, the
 * command line's options and the --tokens file again, with the parsers
 * used at start, and swap them in only when all are good (else keep the
 * old ones and log the file, line and reason).  Options that need a
 * restart (RELAY_OPT_RESTART) keep their old values and are logged.
 * Consoles stay connected, but one whose token is gone is told and closed.
 * Says what it did in the log; counted in /metrics.
 */
void relay_reload(struct relay *r);
void relay_free(struct relay *r);
/* The port actually listened on (useful with port 0). */
int relay_port(const struct relay *r);
uint64_t relay_context_options(void);

#endif
