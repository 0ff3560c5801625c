/*
 * relay/httpc.h: the relay's one HTTP client (GET and POST, http:// and
 * https://), for the Alertmanager API (amclient.c) and the webhook
 * notifiers (notify.c).
 *
 * A request is a libwebsockets client connection in the relay's own
 * context and vhost, and a host name is resolved with getaddrinfo_a()
 * polled from the relay's tick, so nothing here blocks the loop (lws 4.1
 * resolves names itself with a blocking call: it is only ever given a
 * numeric address).  The answer is kept up to a limit, the whole request
 * has a deadline, and the caller hears of the outcome exactly once.
 */
#ifndef WR_RELAY_HTTPC_H
#define WR_RELAY_HTTPC_H

#include <stddef.h>
#include <stdint.h>

struct relay;
struct relay_httpc;

struct relay_httpc_spec {
	const char *method;	/* "GET", "POST" */
	const char *host;	/* a name or an address, no brackets */
	int port;
	int tls;		/* https: the server's certificate checked */
	const char *path;	/* with its query, if any */
	const char *ctype;	/* the body's Content-Type, or NULL */
	const char *body;	/* copied; NULL for none */
	size_t body_len;
	size_t limit;		/* answer bytes kept; more is a failure */
	int timeout_ms;		/* the whole request, resolving included */
	const char *what;	/* for lws's connection name: "notify pager" */
	/* the client vhost whose TLS context checks the server (one made
	 * with a CA file); NULL: the relay's, with the system's CAs */
	struct lws_vhost *vhost;
};

/*
 * The outcome: status the HTTP status of the answer (body and len its
 * body, borrowed for the call), or 0 when there was no answer, with err
 * saying why ("cannot resolve hooks.example: Name or service not known",
 * "cannot connect to 127.0.0.1:9: Connection refused", "timed out after
 * 10 s", "the answer is larger than 64k").
 */
typedef void relay_httpc_done_fn(void *user, int status, const char *body,
    size_t len, const char *err);

/* Start a request; done is called exactly once, later (never from inside
 * this call), unless relay_httpc_cancel() comes first.  The handle is the
 * caller's to cancel until done has been called, not after. */
struct relay_httpc *relay_httpc_start(struct relay *r,
    const struct relay_httpc_spec *spec, relay_httpc_done_fn *done,
    void *user);
/* done will not be called; the request stops as soon as it can. */
void relay_httpc_cancel(struct relay_httpc *c);
/* From the relay's tick: resolutions finished, deadlines passed. */
void relay_httpc_tick(struct relay *r);
/* The relay is going: cancel everything. */
void relay_httpc_free_all(struct relay *r);

#endif
