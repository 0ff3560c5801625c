/*
 * relay/httpc.c: the relay's HTTP client (httpc.h).
 *
 * A request goes through three stages, all on the relay's loop: the name
 * resolved (getaddrinfo_a(), GAI_NOWAIT, polled from relay_httpc_tick():
 * libwebsockets 4.1 would resolve it with a blocking getaddrinfo() inside
 * lws_client_connect_via_info()), a client connection to the numeric
 * address (the name still its Host header and, for https, the name its
 * certificate is checked against), and the answer read up to a limit.
 * Whatever ends it (the answer, an error, the deadline) is recorded once
 * and handed to the caller from a zero-delay timer, never from inside the
 * call that started the request, so a caller may free its own state in
 * its callback and start another request from it.
 *
 * A request is freed once its outcome is delivered (or cancelled), its
 * connection has closed and its resolution is over: lws and the resolver
 * thread may still hold a pointer to it until then.
 */
#define _GNU_SOURCE		/* getaddrinfo_a() */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/httpc.h"
#include "relay/relay-int.h"

struct relay_httpc {
	struct relay *r;		/* NULL once unlinked */
	struct relay_httpc *next;
	char *method, *host, *path, *ctype, *hosthdr, *what;
	int port, tls;
	struct lws_vhost *vhost;	/* NULL: the relay's client vhost */
	char *body;
	size_t body_len;
	int body_sent;
	char *ans;
	size_t ans_len, ans_cap, limit;
	int timeout_ms;
	int64_t deadline;		/* mono ms */
	/* resolving */
	int resolving;
	struct gaicb gai;
	struct addrinfo hints;
	char addr[INET6_ADDRSTRLEN];
	/* connected */
	struct lws *wsi;
	int status;
	int too_big;
	/* the outcome */
	int complete;			/* recorded */
	int delivered;			/* handed over, or cancelled */
	char err[200];
	lws_sorted_usec_list_t sul;
	int sul_on;
	relay_httpc_done_fn *done;
	void *user;
};

static void
unlink_req(struct relay_httpc *c)
{
	struct relay_httpc **pp;

	if (c->r == NULL)
		return;
	for (pp = &c->r->httpcs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->r = NULL;
}

static void
req_free(struct relay_httpc *c)
{
	if (c->sul_on)
		lws_sul_cancel(&c->sul);
	unlink_req(c);
	free(c->method);
	free(c->host);
	free(c->path);
	free(c->ctype);
	free(c->hosthdr);
	free(c->what);
	free(c->body);
	free(c->ans);
	free(c);
}

/* Free it when nothing can reach it any more. */
static void
maybe_free(struct relay_httpc *c)
{
	if (c->delivered && c->wsi == NULL && !c->resolving)
		req_free(c);
}

static void
deliver_cb(lws_sorted_usec_list_t *sul)
{
	struct relay_httpc *c = lws_container_of(sul, struct relay_httpc, sul);
	relay_httpc_done_fn *done = c->done;

	c->sul_on = 0;
	if (!c->delivered) {
		c->delivered = 1;
		c->done = NULL;
		if (done != NULL)
			done(c->user, c->status, c->ans != NULL ? c->ans : "",
			    c->ans_len, c->err[0] != '\0' ? c->err : NULL);
	}
	maybe_free(c);
}

/* Record the outcome (the first one wins) and hand it over soon. */
static void
finish(struct relay_httpc *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
finish(struct relay_httpc *c, const char *fmt, ...)
{
	if (c->complete)
		return;
	c->complete = 1;
	if (fmt != NULL) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(c->err, sizeof c->err, fmt, ap);
		va_end(ap);
	}
	if (c->r != NULL && !c->sul_on) {
		c->sul_on = 1;
		lws_sul_schedule(c->r->ctx, 0, &c->sul, deliver_cb, 1);
	}
}

/* Close the connection soon (from outside its callbacks). */
static void
kill_conn(struct relay_httpc *c)
{
	if (c->wsi != NULL)
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
}

static void
connect_to(struct relay_httpc *c, const char *addr)
{
	struct lws_client_connect_info ci;
	struct lws *wsi;

	memset(&ci, 0, sizeof ci);
	ci.context = c->r->ctx;
	ci.vhost = c->vhost != NULL ? c->vhost : c->r->client_vh != NULL ?
	    c->r->client_vh : c->r->vh;
	ci.address = addr;
	ci.port = c->port;
	ci.path = c->path;
	ci.host = c->hosthdr;
	ci.method = c->method;
	ci.ssl_connection = c->tls ? LCCSCF_USE_SSL : 0;
	ci.protocol = relay_httpc_protocol.name;
	ci.local_protocol_name = relay_httpc_protocol.name;
	ci.opaque_user_data = c;
	ci.pwsi = &c->wsi;
	/* lws may report a failure from inside the call (CONNECTION_ERROR,
	 * which records it and clears c->wsi). */
	wsi = lws_client_connect_via_info(&ci);
	if (wsi == NULL) {
		c->wsi = NULL;
		finish(c, "cannot connect to %s:%d", c->host, c->port);
	}
}

static int
is_numeric(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

struct relay_httpc *
relay_httpc_start(struct relay *r, const struct relay_httpc_spec *spec,
    relay_httpc_done_fn *done, void *user)
{
	struct relay_httpc *c = xcalloc(1, sizeof *c);
	int dflt = spec->tls ? 443 : 80;

	c->r = r;
	c->method = xstrdup(spec->method);
	c->host = xstrdup(spec->host);
	c->port = spec->port;
	c->tls = spec->tls;
	c->vhost = spec->vhost;
	c->path = xstrdup(spec->path != NULL && spec->path[0] != '\0' ?
	    spec->path : "/");
	c->ctype = spec->ctype != NULL ? xstrdup(spec->ctype) : NULL;
	c->what = xstrdup(spec->what != NULL ? spec->what : "request");
	if (strchr(spec->host, ':') != NULL)	/* IPv6 */
		c->hosthdr = spec->port == dflt ?
		    xasprintf("[%s]", spec->host) :
		    xasprintf("[%s]:%d", spec->host, spec->port);
	else
		c->hosthdr = spec->port == dflt ? xstrdup(spec->host) :
		    xasprintf("%s:%d", spec->host, spec->port);
	if (spec->body != NULL) {
		c->body = xmalloc(spec->body_len + 1);
		memcpy(c->body, spec->body, spec->body_len);
		c->body[spec->body_len] = '\0';
		c->body_len = spec->body_len;
	}
	c->limit = spec->limit > 0 ? spec->limit : 64 * 1024;
	c->timeout_ms = spec->timeout_ms > 0 ? spec->timeout_ms : 10000;
	c->deadline = wr_mono_ms() + c->timeout_ms;
	c->done = done;
	c->user = user;
	c->next = r->httpcs;
	r->httpcs = c;

	if (is_numeric(c->host)) {
		connect_to(c, c->host);
		return c;
	}
	{
		struct gaicb *list[1];
		int e;

		c->hints.ai_family = AF_UNSPEC;
		c->hints.ai_socktype = SOCK_STREAM;
		c->gai.ar_name = c->host;
		c->gai.ar_request = &c->hints;
		list[0] = &c->gai;
		e = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
		if (e != 0)
			finish(c, "cannot resolve %s: %s", c->host,
			    gai_strerror(e));
		else
			c->resolving = 1;
	}
	return c;
}

void
relay_httpc_cancel(struct relay_httpc *c)
{
	if (c == NULL)
		return;
	c->done = NULL;
	c->delivered = 1;
	c->complete = 1;
	if (c->resolving && gai_cancel(&c->gai) == EAI_CANCELED) {
		c->resolving = 0;
		if (c->gai.ar_result != NULL)
			freeaddrinfo(c->gai.ar_result);
	}
	kill_conn(c);
	maybe_free(c);
}

/* A resolution that is over: connect, or say why not.  1 when that
 * freed c (it was cancelled meanwhile). */
static int
resolved(struct relay_httpc *c, int e)
{
	struct addrinfo *ai = c->gai.ar_result;

	c->resolving = 0;
	c->gai.ar_result = NULL;
	if (c->complete) {	/* cancelled or timed out meanwhile */
		if (ai != NULL)
			freeaddrinfo(ai);
		if (c->delivered && c->wsi == NULL) {
			req_free(c);
			return 1;
		}
		return 0;
	}
	if (e != 0 || ai == NULL ||
	    getnameinfo(ai->ai_addr, ai->ai_addrlen, c->addr,
	    (socklen_t)sizeof c->addr, NULL, 0, NI_NUMERICHOST) != 0) {
		finish(c, "cannot resolve %s: %s", c->host,
		    e != 0 ? gai_strerror(e) : "no address");
	} else {
		connect_to(c, c->addr);
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	return 0;
}

void
relay_httpc_tick(struct relay *r)
{
	int64_t now = wr_mono_ms();
	struct relay_httpc *c, *next;

	for (c = r->httpcs; c != NULL; c = next) {
		next = c->next;
		if (c->resolving) {
			int e = gai_error(&c->gai);

			if (e != EAI_INPROGRESS && resolved(c, e))
				continue;	/* freed */
		}
		if (!c->complete && now >= c->deadline) {
			finish(c, "timed out after %d s",
			    (c->timeout_ms + 999) / 1000);
			kill_conn(c);
		} else if (!c->complete && c->wsi != NULL && c->body_sent &&
		    c->status == 0) {
			/* waiting for the answer: lws's own wait (the
			 * context's timeout_secs, 5 s) would close it
			 * before the request's timeout; the deadline above
			 * decides, this wait is a second past it */
			lws_set_timeout(c->wsi,
			    PENDING_TIMEOUT_AWAITING_SERVER_RESPONSE,
			    (int)((c->deadline - now) / 1000) + 2);
		}
	}
}

void
relay_httpc_free_all(struct relay *r)
{
	while (r->httpcs != NULL) {
		struct relay_httpc *c = r->httpcs;

		c->done = NULL;
		c->delivered = 1;
		if (c->sul_on) {
			lws_sul_cancel(&c->sul);
			c->sul_on = 0;
		}
		unlink_req(c);
		if (c->wsi != NULL) {
			/* its connection goes with the vhost */
			lws_set_opaque_user_data(c->wsi, NULL);
			c->wsi = NULL;
		}
		if (c->resolving && gai_cancel(&c->gai) != EAI_CANCELED &&
		    gai_error(&c->gai) == EAI_INPROGRESS)
			continue;	/* the resolver still writes into it */
		if (c->gai.ar_result != NULL)
			freeaddrinfo(c->gai.ar_result);
		c->resolving = 0;
		req_free(c);
	}
}

static int
httpc_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct relay_httpc *c = lws_get_opaque_user_data(wsi);

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c != NULL) {
			lws_set_opaque_user_data(wsi, NULL);
			c->wsi = NULL;
			finish(c, "cannot connect to %s:%d: %s", c->host,
			    c->port, in != NULL ? (const char *)in : "error");
			maybe_free(c);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;

		if (c == NULL || c->body == NULL)
			return 0;
		if (c->ctype != NULL && lws_add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_CONTENT_TYPE, (const unsigned char *)c->ctype,
		    (int)strlen(c->ctype), p, end) != 0)
			return -1;
		if (lws_add_http_header_content_length(wsi, c->body_len, p,
		    end) != 0)
			return -1;
		lws_client_http_body_pending(wsi, 1);
		lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE: {
		unsigned char *buf;
		int n;

		if (c == NULL || c->body == NULL || c->body_sent)
			return 0;
		buf = xmalloc(LWS_PRE + c->body_len + 1);
		memcpy(buf + LWS_PRE, c->body, c->body_len);
		n = lws_write(wsi, buf + LWS_PRE, c->body_len,
		    LWS_WRITE_HTTP_FINAL);
		free(buf);
		if (n < 0)
			return -1;
		c->body_sent = 1;
		lws_client_http_body_pending(wsi, 0);
		return 0;
	}
	case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
		if (c != NULL) {
			int left = (int)((c->deadline - wr_mono_ms() + 999) /
			    1000);

			c->status = (int)lws_http_client_http_response(wsi);
			lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT,
			    left > 0 ? left : 1);
		}
		return 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
		if (c == NULL || c->too_big)
			return 0;
		if (c->ans_len + len > c->limit) {
			c->too_big = 1;
			finish(c, "the answer is larger than %zu bytes",
			    c->limit);
			return -1;
		}
		if (c->ans_len + len + 1 > c->ans_cap) {
			c->ans_cap = (c->ans_len + len + 1) * 2;
			if (c->ans_cap > c->limit + 1)
				c->ans_cap = c->limit + 1;
			c->ans = xrealloc(c->ans, c->ans_cap);
		}
		memcpy(c->ans + c->ans_len, in, len);
		c->ans_len += len;
		c->ans[c->ans_len] = '\0';
		return 0;
	case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
		char buf[LWS_PRE + 4096];
		char *p = buf + LWS_PRE;
		int n = (int)sizeof buf - LWS_PRE;

		if (lws_http_client_read(wsi, &p, &n) < 0)
			return -1;
		return 0;
	}
	case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
		if (c != NULL)
			finish(c, NULL);
		return -1;	/* one request per connection */
	case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
		if (c != NULL) {
			lws_set_opaque_user_data(wsi, NULL);
			c->wsi = NULL;
			finish(c, c->status > 0 ? "the connection closed "
			    "before the answer's end" : "the connection "
			    "closed before an answer");
			maybe_free(c);
		}
		return 0;
	default:
		return 0;
	}
}

const struct lws_protocols relay_httpc_protocol = {
	"warroom-httpc", httpc_cb, 0, 0, 0, NULL, 0
};
