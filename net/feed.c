/*
 * feed.c: the console's websocket to the relay: connecting and reconnecting
 * with back-off, the upgrade's Authorization header, reassembly of
 * fragmented frames, the queue of frames to write (one per WRITEABLE),
 * heartbeats, and the status a person sees (LIVE, STALE n s, OFFLINE until
 * the next try, TOKEN REFUSED).
 *
 * What the frames mean (welcome, snapshot, events, results) is feed-rx.c's.
 * Everything here runs on the caller's loop: lws callbacks and lws_sul
 * timers, no threads.  A failure of the network is never fatal: it goes to
 * the status detail and the feed tries again later; only a refused token
 * stops it, since trying the same token again cannot help.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "net/feed-int.h"
#include "net/proto.h"

#define TICK_MS		1000
#define RX_BUFFER	65536

static int feed_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len);

#define FEED_PROTOCOL_INIT \
	{ WR_PROTO_NAME, feed_callback, 0, RX_BUFFER, 0, NULL, 0 }

const struct lws_protocols feed_protocol = FEED_PROTOCOL_INIT;

static const struct lws_protocols feed_protocols[] = {
	FEED_PROTOCOL_INIT,
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void feed_connect_cb(lws_sorted_usec_list_t *sul);
static void feed_tick_cb(lws_sorted_usec_list_t *sul);

uint64_t
feed_context_options(void)
{
	return LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
}

const char *
feed_state_name(enum feed_state s)
{
	switch (s) {
	case FEED_IDLE:		return "IDLE";
	case FEED_CONNECTING:	return "CONNECTING";
	case FEED_SYNCING:	return "SYNCING";
	case FEED_LIVE:		return "LIVE";
	case FEED_STALE:	return "STALE";
	case FEED_OFFLINE:	return "OFFLINE";
	case FEED_TOKEN_REFUSED: return "TOKEN REFUSED";
	}
	return "?";
}

void
feed_set_state(struct feed *f, enum feed_state st, const char *fmt, ...)
{
	char detail[sizeof f->detail];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (st == f->state && strcmp(detail, f->detail) == 0)
		return;
	if (st != f->state)
		feed_logf("feed: %s: %s", feed_state_name(st), detail);
	f->state = st;
	memcpy(f->detail, detail, sizeof f->detail);
	if (f->hooks.on_status != NULL)
		f->hooks.on_status(f->ud, st, f->detail);
}

const char *
feed_epoch(const struct feed *f)
{
	if (f->store != NULL)
		return store_epoch(f->store);
	return f->epoch != NULL ? f->epoch : "";
}

int64_t
feed_cursor(const struct feed *f)
{
	return f->room->last_seq;
}

const char *
feed_url(const struct feed *f)
{
	return f->url_text;
}

struct feed *
feed_new(struct lws_context *ctx, const struct feed_cfg *cfg,
    struct wr_store *store, struct wr_room *room,
    const struct feed_hooks *hooks, void *ud, char **cause)
{
	struct lws_context_creation_info vi;
	struct feed *f;
	char err[256];

	f = xcalloc(1, sizeof *f);
	if (feed_url_parse(cfg->url ? cfg->url : FEED_DEFAULT_URL, &f->url,
	    err, sizeof err) != 0) {
		*cause = xasprintf("%s", err);
		free(f);
		return NULL;
	}
	if (cfg->ca_file != NULL && access(cfg->ca_file, R_OK) != 0) {
		*cause = xasprintf("cannot read the CA file %s: %s",
		    cfg->ca_file, strerror(errno));
		free(f);
		return NULL;
	}
	memset(&vi, 0, sizeof vi);
	vi.port = CONTEXT_PORT_NO_LISTEN;
	vi.protocols = feed_protocols;
	vi.vhost_name = "warroom-feed";
	vi.options = feed_context_options();
	vi.client_ssl_ca_filepath = cfg->ca_file;
	f->vh = lws_create_vhost(ctx, &vi);
	if (f->vh == NULL) {
		*cause = xasprintf("cannot set up the connection to the relay%s%s"
		    " (libwebsockets refused the client vhost)",
		    cfg->ca_file ? " with the CA file " : "",
		    cfg->ca_file ? cfg->ca_file : "");
		free(f);
		return NULL;
	}
	f->ctx = ctx;
	f->url_text = xstrdup(cfg->url ? cfg->url : FEED_DEFAULT_URL);
	f->token = xstrdup0(cfg->token);
	f->user = xstrdup(cfg->user && cfg->user[0] ? cfg->user : "unknown");
	if (strlen(f->user) > PROTO_MAX_ACTOR) {
		/* The relay refuses a longer hello; cut at a character. */
		size_t n = PROTO_MAX_ACTOR;

		while (n > 0 && ((unsigned char)f->user[n] & 0xc0) == 0x80)
			n--;
		f->user[n] = '\0';
	}
	f->client = xstrdup0(cfg->client);
	f->insecure = cfg->insecure;
	f->plain_http = -1;
	f->backoff_start_ms = cfg->backoff_start_ms > 0 ?
	    cfg->backoff_start_ms : FEED_BACKOFF_START_MS;
	f->backoff_cap_ms = cfg->backoff_cap_ms > 0 ?
	    cfg->backoff_cap_ms : FEED_BACKOFF_CAP_MS;
	if (f->backoff_cap_ms < f->backoff_start_ms)
		f->backoff_start_ms = f->backoff_cap_ms;
	f->cfg_heartbeat_ms = cfg->heartbeat_ms;
	f->heartbeat_ms = cfg->heartbeat_ms > 0 ? cfg->heartbeat_ms :
	    PROTO_HEARTBEAT_MS;
	f->from_now = cfg->from_now;
	f->max_frame = cfg->max_frame > 0 ? cfg->max_frame : PROTO_MAX_FRAME;
	f->store = store;
	f->room = room;
	f->room_later = store != NULL && cfg->room_later;
	f->committed = room->last_seq;
	if (hooks != NULL)
		f->hooks = *hooks;
	f->ud = ud;
	f->state = FEED_IDLE;
	snprintf(f->detail, sizeof f->detail, "not started");
	if (store != NULL) {
		char *text = NULL, *why = NULL;
		json_t *o;
		enum proto_type type;

		if (store_schedules_get(store, &text, &why) != 0) {
			feed_logf("feed: %s", why);
			free(why);
		} else if (text != NULL && (o = proto_parse(text, strlen(text),
		    &type, err, sizeof err)) != NULL) {
			(void)feed_rx_schedules(f, o, 0);
			json_decref(o);
		}
		free(text);
	}
	srandom((unsigned)(wr_now_ms() ^ (int64_t)getpid() << 16));
	return f;
}

void
feed_set_token(struct feed *f, const char *token)
{
	util_set_str(&f->token, token);
}

void
feed_start(struct feed *f)
{
	f->started = 1;
	f->token_refused = 0;
	f->attempts = 0;
	f->retry_at = 0;
	lws_sul_schedule(f->ctx, 0, &f->sul_connect, feed_connect_cb, 1);
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	lws_sul_cancel(&f->sul_connect);
	lws_sul_cancel(&f->sul_tick);
	if (f->wsi != NULL) {
		/* Callbacks that still come for it find no feed. */
		lws_set_opaque_user_data(f->wsi, NULL);
		lws_set_timeout(f->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		f->wsi = NULL;
	}
	/* What was applied is committed (and its hooks run) before the
	 * feed goes. */
	feed_flush(f);
	lws_sul_cancel(&f->sul_flush);
	feed_rx_reset(f);
	feed_ops_clear(f);
	lws_vhost_destroy(f->vh);
	wr_evlist_free(&f->batch);
	free(f->touched);
	free(f->rx);
	free(f->ops);
	free(f->url_text);
	free(f->token);
	free(f->user);
	free(f->client);
	free(f->epoch);
	free(f->welcome_reason);
	free(f->server);
	proto_schedules_free(&f->schedules);
	free(f);
}

const struct proto_schedules *
feed_schedules(const struct feed *f)
{
	return &f->schedules;
}

void
feed_status(const struct feed *f, struct feed_status *out)
{
	int64_t now = wr_mono_ms();

	memset(out, 0, sizeof *out);
	out->state = f->state;
	out->detail = f->detail;
	out->last_rx_ms = f->last_rx;
	if (f->wsi != NULL && f->last_rx > 0 && now > f->last_rx)
		out->stale_s = (int)((now - f->last_rx) / 1000);
	out->retry_at_ms = f->state == FEED_OFFLINE ? f->retry_at : 0;
	out->attempts = f->attempts;
	out->seq = feed_cursor(f);
	out->head = f->head;
	out->epoch = feed_epoch(f);
	out->server = f->server;
	out->caught_up = f->caught_up;
	if (f->in_snapshot) {
		out->snap_got = (int64_t)f->n_snap;
		out->snap_total = f->snap_total;
	}
}

/* ---- connecting ----------------------------------------------------- */

int
feed_backoff_ms(int attempt, int start_ms, int cap_ms, int was_live, long r)
{
	int64_t d = start_ms, lo, hi;

	if (r < 0)
		r = -(r + 1);
	if (was_live && attempt <= 1) {
		hi = cap_ms < FEED_RECONNECT_SPREAD_MS ? cap_ms :
		    FEED_RECONNECT_SPREAD_MS;
		lo = start_ms / 2 < hi ? start_ms / 2 : hi;
		return (int)(lo + r % (hi - lo + 1));
	}
	for (int i = 1; i < attempt && d < cap_ms; i++)
		d *= 2;
	if (d > cap_ms)
		d = cap_ms;
	return (int)(d / 2 + r % (d / 2 + 1));
}

static void
feed_schedule_retry(struct feed *f, const char *why)
{
	int ms;
	char when[64];

	if (!f->started || f->token_refused)
		return;
	f->attempts++;
	ms = feed_backoff_ms(f->attempts, f->backoff_start_ms,
	    f->backoff_cap_ms, f->lost_live, random());
	f->lost_live = 0;
	f->retry_at = wr_now_ms() + ms;
	if (ms < 1000)
		snprintf(when, sizeof when, "%d ms", ms);
	else
		snprintf(when, sizeof when, "%d s", (ms + 500) / 1000);
	/* The detail is the reason alone: the time of the next try is
	 * retry_at, which the console counts down beside OFFLINE (one
	 * countdown on the line, not a second frozen one in the detail). */
	feed_set_state(f, FEED_OFFLINE, "%s", why);
	feed_logf("feed: next try in %s", when);
	lws_sul_schedule(f->ctx, 0, &f->sul_connect, feed_connect_cb,
	    (lws_usec_t)ms * 1000);
}

/* The connection is gone (or never came): keep what was applied, forget
 * the rest, and try again later.  Callbacks that still come for the old
 * wsi find no feed. */
static void
feed_lost(struct feed *f, struct lws *wsi, const char *why)
{
	if (wsi != NULL)
		lws_set_opaque_user_data(wsi, NULL);
	f->lost_live = f->caught_up;	/* feed_rx_reset() forgets it */
	f->wsi = NULL;
	feed_flush(f);
	feed_rx_reset(f);
	lws_sul_cancel(&f->sul_tick);
	f->close_why[0] = '\0';
	feed_schedule_retry(f, why);
}

static void
feed_connect(struct feed *f)
{
	struct lws_client_connect_info ci;
	char host[300];

	if (f->wsi != NULL || !f->started || f->token_refused)
		return;
	if (f->url.ipv6)
		snprintf(host, sizeof host, "[%s]", f->url.host);
	else
		snprintf(host, sizeof host, "%s", f->url.host);
	if (f->url.port != (f->url.tls ? 443 : 80))
		snprintf(host + strlen(host), sizeof host - strlen(host),
		    ":%d", f->url.port);
	memset(&ci, 0, sizeof ci);
	ci.context = f->ctx;
	ci.vhost = f->vh;
	ci.address = f->url.host;
	ci.port = f->url.port;
	ci.path = f->url.path;
	ci.host = host;
	ci.origin = host;
	ci.protocol = WR_PROTO_NAME;
	ci.local_protocol_name = WR_PROTO_NAME;
	if (f->url.tls) {
		ci.ssl_connection = LCCSCF_USE_SSL;
		if (f->insecure)
			ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED |
			    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
			    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	}
	ci.opaque_user_data = f;
	ci.pwsi = &f->wsi;
	feed_set_state(f, FEED_CONNECTING, "connecting to %s", f->url_text);
	/* DNS resolution blocks here in this build of lws. */
	if (lws_client_connect_via_info(&ci) == NULL &&
	    f->state == FEED_CONNECTING)
		feed_lost(f, NULL, "cannot connect");
}

static void
feed_connect_cb(lws_sorted_usec_list_t *sul)
{
	struct feed *f = lws_container_of(sul, struct feed, sul_connect);

	feed_connect(f);
}

/* Wait up to ms for fd to be ready for events; 1 ready, else 0. */
static int
probe_wait(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1 && (p.revents & events) != 0;
}

/*
 * The TLS handshake with the relay failed, and this build of lws says no
 * more than "SSL err 1" whether the certificate was not trusted or the
 * port speaks plain HTTP.  Ask the port once, in plain HTTP, with short
 * bounded waits (it blocks the loop for 1.5 s at most, once per feed and
 * address, as lws' own name lookup does): does an HTTP answer come back?
 */
static int
feed_probe_plain_http(const struct feed *f)
{
	static const char req[] = "GET /healthz HTTP/1.0\r\n\r\n";
	struct addrinfo hints, *ai = NULL;
	char port[16], buf[8];
	int fd = -1, ok = 0, err = 0;
	socklen_t elen = sizeof err;
	ssize_t n;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", f->url.port);
	if (getaddrinfo(f->url.host, port, &hints, &ai) != 0 || ai == NULL)
		return 0;
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0)
		goto out;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
	    (errno != EINPROGRESS || !probe_wait(fd, POLLOUT, 500) ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 ||
	    err != 0))
		goto out;
	if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1) ||
	    !probe_wait(fd, POLLIN, 1000))
		goto out;
	n = read(fd, buf, sizeof buf);
	ok = n >= 5 && memcmp(buf, "HTTP/", 5) == 0;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return ok;
}

static void
feed_conn_error(struct feed *f, struct lws *wsi, const char *in)
{
	int code = wsi != NULL ? (int)lws_http_client_http_response(wsi) : 0;
	const char *what = in != NULL && in[0] != '\0' ? in : "unknown error";
	char why[400];

	if (f->state != FEED_CONNECTING)
		return;
	f->wsi = NULL;
	if (wsi != NULL)
		lws_set_opaque_user_data(wsi, NULL);
	if (code == 401 || code == 403 || strstr(what, "unauthorized")) {
		f->token_refused = 1;
		lws_sul_cancel(&f->sul_connect);
		feed_set_state(f, FEED_TOKEN_REFUSED,
		    "the relay at %s refused the token (HTTP %d); not "
		    "retrying", f->url_text, code ? code : 401);
		return;
	}
	if (f->url.tls && (strstr(what, "SSL") != NULL ||
	    strstr(what, "ssl") != NULL || strstr(what, "tls") != NULL ||
	    strstr(what, "certificate") != NULL) &&
	    (f->plain_http > 0 || (f->plain_http < 0 &&
	    (f->plain_http = feed_probe_plain_http(f)) > 0)))
		snprintf(why, sizeof why, "the relay at %.80s:%d answered plain "
		    "HTTP, not TLS: use ws://%s%.80s%s:%d%.80s", f->url.host,
		    f->url.port, f->url.ipv6 ? "[" : "", f->url.host,
		    f->url.ipv6 ? "]" : "", f->url.port, f->url.path);
	else if (f->url.tls && (strstr(what, "SSL") != NULL ||
	    strstr(what, "ssl") != NULL || strstr(what, "tls") != NULL ||
	    strstr(what, "certificate") != NULL))
		snprintf(why, sizeof why, "TLS with %s:%d failed (%s): is "
		    "its certificate trusted?  --ca FILE names the CA",
		    f->url.host, f->url.port, what);
	else if (strcmp(what, "Unable to connect") == 0 ||
	    strstr(what, "connect failed") != NULL)
		snprintf(why, sizeof why, "cannot connect to %s:%d (nothing "
		    "answers there?)", f->url.host, f->url.port);
	else if (strstr(what, "not 101") != NULL && code != 0)
		snprintf(why, sizeof why, "%s answered HTTP %d, not a "
		    "websocket upgrade", f->url_text, code);
	else if (code != 0)
		snprintf(why, sizeof why, "%s: %s (HTTP %d)", f->url_text,
		    what, code);
	else
		snprintf(why, sizeof why, "%s: %s", f->url_text, what);
	feed_logf("feed: connection error: %s", what);
	feed_lost(f, wsi, why);
}

/* ---- writing ---------------------------------------------------------- */

void
feed_send_json(struct feed *f, json_t *o, const char *op_id)
{
	struct feed_out *out;
	size_t len;
	char *s;

	if (o == NULL)
		return;
	s = proto_dump(o, &len);
	json_decref(o);
	if (s == NULL)
		util_die("out of memory encoding a frame");
	if (f->wsi == NULL) {
		free(s);
		return;
	}
	out = xmalloc(sizeof *out + LWS_PRE + len);
	out->next = NULL;
	util_strlcpy(out->op_id, op_id ? op_id : "", sizeof out->op_id);
	out->len = len;
	memcpy(out->buf + LWS_PRE, s, len);
	free(s);
	if (f->q_tail != NULL)
		f->q_tail->next = out;
	else
		f->q_head = out;
	f->q_tail = out;
	lws_callback_on_writable(f->wsi);
}

void
feed_drop(struct feed *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->close_why, sizeof f->close_why, fmt, ap);
	va_end(ap);
	feed_logf("feed: closing the connection: %s", f->close_why);
	if (f->wsi != NULL) {
		/* From a callback the caller returns -1; from a timer this
		 * closes it at the next service. */
		lws_set_timeout(f->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
	}
}

static int
feed_writeable(struct feed *f, struct lws *wsi)
{
	struct feed_out *o = f->q_head;
	char *cause = NULL;
	int n;

	if (f->close_why[0] != '\0')
		return -1;
	if (o == NULL)
		return 0;
	n = lws_write(wsi, o->buf + LWS_PRE, o->len, LWS_WRITE_TEXT);
	if (n < 0 || (size_t)n < o->len) {
		feed_drop(f, "writing to the relay failed");
		return -1;
	}
	if (o->op_id[0] != '\0' && f->store != NULL &&
	    store_outbox_attempt(f->store, o->op_id, &cause) != 0) {
		feed_logf("feed: %s", cause);
		free(cause);
	}
	f->q_head = o->next;
	if (f->q_head == NULL)
		f->q_tail = NULL;
	free(o);
	if (f->q_head != NULL)
		lws_callback_on_writable(wsi);
	return 0;
}

/* ---- heartbeats ------------------------------------------------------- */

/*
 * The heartbeat timer.  It does not tick at a fixed rate: it wakes at the
 * next moment something is due (a ping, the silence that makes the
 * connection STALE, the next second of STALE's count, the silence that
 * makes it dead), so a timer that fires late on a loaded machine is late
 * once, not a whole tick.  And the person always sees STALE before the
 * console gives up on a silent relay: the connection is dropped only after
 * it has been STALE for a heartbeat interval, even when the timer came too
 * late to catch the moment it went quiet (a stopped process, a loaded
 * machine).
 */
static void
feed_tick_cb(lws_sorted_usec_list_t *sul)
{
	struct feed *f = lws_container_of(sul, struct feed, sul_tick);
	int64_t now = wr_mono_ms(), quiet, next, t;
	int64_t hb = f->heartbeat_ms;

	if (f->wsi == NULL)
		return;
	quiet = now - f->last_rx;
	if (f->state == FEED_STALE &&
	    quiet > (int64_t)PROTO_DEAD_INTERVALS * hb &&
	    now - f->stale_since >= hb) {
		feed_drop(f, "nothing from the relay for %d s",
		    (int)(quiet / 1000));
		return;
	}
	if (quiet > 2 * hb) {
		int was_stale = f->state == FEED_STALE;

		feed_set_state(f, FEED_STALE, "nothing from the relay for %d s",
		    (int)(quiet / 1000));
		/* From when it was shown (the hook has drawn it), not from
		 * the top of this tick: a loaded machine spends milliseconds
		 * in between, and STALE then lasted less than a heartbeat. */
		if (!was_stale)
			f->stale_since = wr_mono_ms();
	}
	if (now - f->last_ping >= hb) {
		f->last_ping = now;
		feed_send_json(f, proto_ping_to_json("ping", wr_now_ms()),
		    NULL);
	}
	next = f->last_ping + hb;
	if (f->state != FEED_STALE) {
		t = f->last_rx + 2 * hb + 1;
	} else {
		t = f->last_rx + (int64_t)PROTO_DEAD_INTERVALS * hb + 1;
		if (t < f->stale_since + hb)
			t = f->stale_since + hb;
		/* the count on the status line */
		if (now + TICK_MS - quiet % TICK_MS < t)
			t = now + TICK_MS - quiet % TICK_MS;
	}
	if (t < next)
		next = t;
	if (next <= now)
		next = now + 1;
	lws_sul_schedule(f->ctx, 0, &f->sul_tick, feed_tick_cb,
	    (lws_usec_t)(next - now) * 1000);
}

/* Something arrived: a STALE connection is live again. */
static void
feed_alive(struct feed *f)
{
	f->last_rx = wr_mono_ms();
	if (f->state == FEED_STALE) {
		if (f->caught_up)
			feed_set_state(f, FEED_LIVE, "connected to %s",
			    f->url_text);
		else
			feed_set_state(f, FEED_SYNCING, "catching up");
	}
}

/* ---- the connection's life -------------------------------------------- */

static void
feed_established(struct feed *f, struct lws *wsi)
{
	struct proto_hello h;
	const char *epoch = feed_epoch(f);
	int64_t seq = feed_cursor(f);

	f->wsi = wsi;
	f->close_why[0] = '\0';
	f->welcomed = f->caught_up = 0;
	f->rx_len = 0;
	f->last_rx = f->last_ping = wr_mono_ms();
	feed_set_state(f, FEED_SYNCING, "connected to %s; saying hello",
	    f->url_text);
	memset(&h, 0, sizeof h);
	h.user = f->user;
	h.epoch = epoch[0] != '\0' ? (char *)epoch : NULL;
	h.seq = seq;
	/* from_now only skips history the copy never had. */
	h.from_now = f->from_now && seq == 0 && epoch[0] == '\0';
	h.client = f->client;
	feed_send_json(f, proto_hello_to_json(&h), NULL);
	/* (the welcome may shorten the heartbeat: look again soon) */
	lws_sul_schedule(f->ctx, 0, &f->sul_tick, feed_tick_cb,
	    (lws_usec_t)(f->heartbeat_ms < TICK_MS ? f->heartbeat_ms :
	    TICK_MS) * 1000);
}

/*
 * A piece of a frame.  Never -1 here: libwebsockets 4.1 goes on writing
 * the rest of what it read into its receive buffer after the callback
 * said to close in the middle of a frame, past the buffer's end (a
 * console that refused a 2 MB snapshot frame corrupted its heap and
 * crashed).  A frame refused is dropped instead, and feed_drop() closes
 * the connection at the next service.
 */
static int
feed_receive(struct feed *f, struct lws *wsi, const char *in, size_t len)
{
	feed_alive(f);
	if (f->close_why[0] != '\0') {
		f->rx_len = 0;		/* closing: nothing more is read */
		return 0;
	}
	if (f->rx_len + len > f->max_frame) {
		/* No need to read the rest of it first. */
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
		    (unsigned char *)"frame too large", 15);
		feed_drop(f, "the relay sent a frame larger than %zu bytes",
		    f->max_frame);
		f->rx_len = 0;
		return 0;
	} else {
		if (f->rx_len + len + 1 > f->rx_cap) {
			size_t cap = f->rx_cap ? f->rx_cap : 4096;
			while (cap < f->rx_len + len + 1)
				cap *= 2;
			f->rx = xrealloc(f->rx, cap);
			f->rx_cap = cap;
		}
		memcpy(f->rx + f->rx_len, in, len);
		f->rx_len += len;
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (lws_frame_is_binary(wsi)) {
		feed_logf("feed: ignored a binary frame of %zu bytes",
		    f->rx_len);
		f->rx_len = 0;
		return 0;
	}
	f->rx[f->rx_len] = '\0';
	len = f->rx_len;
	f->rx_len = 0;
	if (feed_rx_frame(f, f->rx, len) != 0) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR,
		    (unsigned char *)"resync", 6);
		if (f->close_why[0] == '\0')
			feed_drop(f, "a frame could not be taken");
	}
	return 0;
}

static void
feed_peer_close(struct feed *f, const unsigned char *in, size_t len)
{
	unsigned code;
	int n;

	if (len < 2)
		return;
	code = (unsigned)in[0] << 8 | in[1];
	n = (int)(len - 2 > 100 ? 100 : len - 2);
	/* The reason is untrusted text: keep printable ASCII only. */
	snprintf(f->close_why, sizeof f->close_why,
	    "the relay closed the connection (%u%s", code, n > 0 ? ": " : "");
	for (int i = 0; i < n; i++) {
		size_t l = strlen(f->close_why);
		if (l + 2 >= sizeof f->close_why)
			break;
		f->close_why[l] = in[2 + i] >= 0x20 && in[2 + i] < 0x7f ?
		    (char)in[2 + i] : '?';
		f->close_why[l + 1] = '\0';
	}
	util_strlcpy(f->close_why + strlen(f->close_why), ")",
	    sizeof f->close_why - strlen(f->close_why));
}

static int
feed_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	/* Only the current connection carries the feed as its opaque
	 * data: a wsi the feed has let go of has NULL there. */
	struct feed *f = wsi != NULL ? lws_get_opaque_user_data(wsi) : NULL;
	char why[sizeof f->close_why];

	if (f == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;
		char *v;
		int rc;

		if (f->token == NULL || f->token[0] == '\0')
			break;
		v = xasprintf("Bearer %s", f->token);
		rc = lws_add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)v,
		    (int)strlen(v), p, end);
		free(v);
		if (rc != 0)
			return -1;
		break;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		feed_conn_error(f, wsi, in);
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		feed_established(f, wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		f->wsi = wsi;
		return feed_receive(f, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		f->wsi = wsi;
		return feed_writeable(f, wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		feed_peer_close(f, in, len);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		util_strlcpy(why, f->close_why[0] ? f->close_why :
		    "the relay closed the connection", sizeof why);
		feed_lost(f, wsi, why);
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		/* Still ours: it went away without an error or a close. */
		feed_lost(f, wsi, f->state == FEED_CONNECTING ?
		    "the connection attempt failed" :
		    "the connection went away");
		break;
	default:
		break;
	}
	return 0;
}
