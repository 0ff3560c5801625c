/*
 * relay/http.c: the relay's HTTP side.  POST /hooks/alertmanager and
 * POST /v2/enqueue take alerts (bearer token with the ingest role), GET
 * /healthz and GET /metrics need no token, the websocket upgrade at
 * /feed is checked here so that a refused token gets an HTTP 401 answer,
 * not a dropped socket, and GET /oncall/NAME.ics?token=T serves a
 * schedule as iCalendar to calendar subscriptions, which cannot send a
 * header: the one place a token is read from a URL, and only a token
 * whose sole role is calendar.
 *
 * Bodies are read with bounded memory (the body limit, whatever length the
 * client claims), parsed by the ingest adapters, and queued for the group
 * commit; the answer is written only after the commit (relay/commit.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ics.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/json-strict.h"
#include "relay/config.h"
#include "relay/relay-int.h"

/* An Events v2 400 lists at most this many errors (its message says how
 * many there were). */
#define RELAY_EV2_MAX_ERRORS	10

/*
 * The one check of a credential, for HTTP requests and the websocket
 * upgrade alike.  secret is the credential when it came from elsewhere
 * than the Authorization header (an Events v2 routing_key); NULL reads
 * the header.  0 with *tok set (NULL when the relay runs without tokens),
 * or -1.  The secret is wiped from the stack before returning.
 */
int
relay_http_auth(struct relay *r, struct lws *wsi, const char *secret,
    int role, const struct token **tok)
{
	char hdr[1024], buf[1024];
	const struct token *t = NULL;

	*tok = NULL;
	if (!r->auth)
		return 0;
	if (secret == NULL) {
		if (lws_hdr_copy(wsi, hdr, sizeof hdr,
		    WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
		    tokens_from_header(hdr, buf, sizeof buf) == 0)
			t = tokens_check(&r->tokens, buf, role);
		memset(hdr, 0, sizeof hdr);
		memset(buf, 0, sizeof buf);
	} else
		t = tokens_check(&r->tokens, secret, role);
	*tok = t;
	return t != NULL ? 0 : -1;
}

const char *
relay_http_token_name(const struct token *t)
{
	return t != NULL ? t->name : "-";
}

static char *
json_reason(const char *status, const char *message)
{
	json_t *o = json_pack("{s:s, s:s}", "status", status, "message",
	    message);
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

void
relay_http_answer(struct lws *wsi, struct http_pss *p, int code,
    const char *ctype, char *body)
{
	struct relay *r = relay_of(wsi);
	size_t len = body ? strlen(body) : 0;

	if (p->code != 0) {	/* one answer per request, whatever asks */
		free(body);
		return;
	}
	p->resp = xmalloc(LWS_PRE + len + 1);
	if (len)
		memcpy(p->resp + LWS_PRE, body, len);
	p->resp[LWS_PRE + len] = '\0';
	p->resp_len = len;
	p->code = code;
	p->ctype = ctype;
	free(body);
	relay_metrics_request(r, p->ep, code);
	lws_callback_on_writable(wsi);
}

/*
 * Every refused delivery (400, 401, 408, 411, 413 on an ingest endpoint) is
 * logged with the sender (the token's name, or "unauthenticated"), the
 * endpoint, the size and the reason; never a token, never the path as
 * sent.  Rate limit: per sender, endpoint and status, one line per
 * RELAY_REFUSAL_QUIET_MS; those in between are counted and the count goes
 * into the next line written for that key (or a line of its own when its
 * slot is reused).
 */
static void
log_refusal(struct relay *r, struct lws *wsi, struct http_pss *p, int code,
    const char *why)
{
	struct relay_refusal *slot = NULL, *oldest = &r->refusals[0];
	char key[96], who[RELAY_LOG_USER], reason[4 * 256 + 8], size[96];
	char cl[32], more[64] = "";
	const char *sender = p->token[0] != '\0' ? p->token : "unauthenticated";
	int64_t now = wr_mono_ms();

	if (p->ep != EP_ALERTMANAGER && p->ep != EP_EVENTS_V2)
		return;
	if (code != 400 && code != 401 && code != 408 && code != 411 &&
	    code != 413)
		return;
	snprintf(key, sizeof key, "%d %s %.64s", code,
	    relay_endpoint_name(p->ep), sender);
	for (size_t i = 0; i < RELAY_REFUSAL_SLOTS; i++) {
		struct relay_refusal *s = &r->refusals[i];
		if (s->key[0] != '\0' && strcmp(s->key, key) == 0) {
			slot = s;
			break;
		}
		if (s->key[0] == '\0') {	/* a free slot first */
			if (oldest->key[0] != '\0')
				oldest = s;
		} else if (oldest->key[0] != '\0' && s->at < oldest->at)
			oldest = s;
	}
	if (slot != NULL && now - slot->at < RELAY_REFUSAL_QUIET_MS) {
		slot->more++;
		return;
	}
	if (slot == NULL) {
		if (oldest->key[0] != '\0' && oldest->more > 0)
			relay_log(r, "refused %s: %llu more not logged",
			    oldest->key, (unsigned long long)oldest->more);
		slot = oldest;
		util_strlcpy(slot->key, key, sizeof slot->key);
		slot->more = 0;
	}
	if (slot->more > 0)
		snprintf(more, sizeof more, " (and %llu more like it since "
		    "the last line)", (unsigned long long)slot->more);
	slot->at = now;
	slot->more = 0;
	if (lws_hdr_copy(wsi, cl, sizeof cl,
	    WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0)
		snprintf(size, sizeof size, "%llu bytes (%zu received)",
		    strtoull(cl, NULL, 10), p->received);
	else
		snprintf(size, sizeof size, "%zu bytes received", p->received);
	relay_log(r, "refused %d from %s: POST %s, %s: %s%s", code,
	    util_log_escape(sender, who, sizeof who),
	    relay_endpoint_name(p->ep), size,
	    util_log_escape(why, reason, sizeof reason), more);
}

/* The Events v2 "status" word for an error answer. */
static const char *
ev2_status(int code)
{
	switch (code) {
	case 400: return "invalid event";
	case 401: return "unauthorized";
	case 413: return "request too large";
	default: return "error";
	}
}

/*
 * An error answer.  On /v2/enqueue every one has the Events v2 shape
 * ({"status","message","errors":[...]}): PagerDuty senders show errors[0]
 * (Zabbix says "Unknown error" without it).
 */
static void
answer_reason(struct lws *wsi, struct http_pss *p, int code,
    const char *message)
{
	log_refusal(relay_of(wsi), wsi, p, code, message);
	if (p->ep == EP_EVENTS_V2 && code >= 400) {
		json_t *o = json_pack("{s:s, s:s, s:[s]}", "status",
		    ev2_status(code), "message", message, "errors", message);
		char *s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		relay_http_answer(wsi, p, code, "application/json", s);
		return;
	}
	relay_http_answer(wsi, p, code, "application/json",
	    json_reason(code < 300 ? "ok" : "error", message));
}

/* The group commit's answer (relay/commit.h); the sender is still here
 * (relay_commit_forget() when it leaves). */
static void
item_done(struct relay_item *it, int ok, void *user)
{
	struct http_pss *p = user;
	char *body;

	p->item = NULL;
	if (!ok) {
		answer_reason(p->wsi, p, 503, "the relay could not store the "
		    "events; retry later");
		return;
	}
	if (it->ep == EP_EVENTS_V2) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "status", "success",
		    "message", "Event processed", "dedup_key",
		    it->ingest.dedup_key ? it->ingest.dedup_key : "");
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		relay_http_answer(p->wsi, p, 202, "application/json", body);
	} else {
		json_t *o = json_pack("{s:s, s:I}", "status", "ok", "events",
		    (json_int_t)it->n_events);
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		relay_http_answer(p->wsi, p, 200, "application/json", body);
	}
}

/* The body is no longer read: drop what was kept and stop its clock. */
static void
stop_reading(struct http_pss *p)
{
	p->reading = 0;
	lws_sul_cancel(&p->body_sul);
	free(p->body);
	p->body = NULL;
	p->len = p->cap = 0;
}

static void
reset_pss(struct http_pss *p, struct lws *wsi)
{
	stop_reading(p);
	free(p->resp);
	memset(p, 0, sizeof *p);
	p->wsi = wsi;
}

/*
 * A sender has body_timeout_ms from its headers to the end of its body,
 * however it paces the bytes (lws's own timeout restarts with every read,
 * so a body trickled a byte every few seconds would be kept for ever).
 */
static void
body_deadline_cb(lws_sorted_usec_list_t *sul)
{
	struct http_pss *p = lws_container_of(sul, struct http_pss, body_sul);

	if (!p->reading)
		return;
	stop_reading(p);
	p->close_after = 1;
	answer_reason(p->wsi, p, 408, "the body did not arrive in time");
	/* if it does not read the answer either, it is dropped */
	lws_set_timeout(p->wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
}

enum http_method { M_OTHER, M_GET, M_POST };

/* What the relay serves: each path once, with the one method it takes. */
static const struct route {
	const char *path;
	enum relay_endpoint ep;
	enum http_method method;
	int prefix;		/* the path and a name after it */
} routes[] = {
	{ "/hooks/alertmanager", EP_ALERTMANAGER, M_POST, 0 },
	{ "/v2/enqueue", EP_EVENTS_V2, M_POST, 0 },
	{ "/healthz", EP_HEALTHZ, M_GET, 0 },
	{ "/metrics", EP_METRICS, M_GET, 0 },
	{ "/feed", EP_FEED, M_GET, 0 },
	{ "/oncall/", EP_ONCALL_ICS, M_GET, 1 },	/* NAME.ics */
};

/* The route for a path, or NULL.  One trailing slash names the same
 * endpoint ("/v2/enqueue/": pypd posts there). */
static const struct route *
route_of(const char *uri)
{
	size_t n = strlen(uri);

	if (n > 1 && uri[n - 1] == '/')
		n--;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		size_t k = strlen(routes[i].path);

		if (routes[i].prefix ? strlen(uri) > k &&
		    memcmp(routes[i].path, uri, k) == 0 :
		    k == n && memcmp(routes[i].path, uri, n) == 0)
			return &routes[i];
	}
	return NULL;
}

static enum http_method
method_of(struct lws *wsi)
{
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
		return M_GET;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0)
		return M_POST;
	return M_OTHER;
}

/*
 * Answer before any body is read, and never read it: the body callbacks
 * only fill p->body when p->reading is set.  A request that may still be
 * sending a body is closed after the answer, so its bytes are never taken
 * for the next request on the connection.
 */
static int
refuse(struct lws *wsi, struct http_pss *p, int code, const char *message)
{
	stop_reading(p);
	if (method_of(wsi) != M_GET ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
		p->close_after = 1;
	answer_reason(wsi, p, code, message);
	return 0;
}

static void
answer_healthz(struct relay *r, struct lws *wsi, struct http_pss *p)
{
	json_t *o = json_pack("{s:s, s:s, s:I, s:i}", "status",
	    r->stopping ? "stopping" : "ok", "epoch", store_epoch(r->store),
	    "head", (json_int_t)r->room.last_seq, "consoles", r->m.consoles);

	relay_http_answer(wsi, p, r->stopping ? 503 : 200, "application/json",
	    json_dumps(o, JSON_COMPACT));
	json_decref(o);
}

/*
 * GET /oncall/NAME.ics?token=T.  The token first, before the name is
 * looked at: only a calendar token (tokens_check_url()) is taken from the
 * query; the secret is wiped from the stack and never logged.
 */
static int
answer_oncall_ics(struct relay *r, struct lws *wsi, struct http_pss *p,
    const char *uri)
{
	char arg[1024], name[80];
	const char *secret, *base = uri + strlen("/oncall/");
	const struct relay_schedule *rs;
	const struct token *tok = NULL;
	size_t n = strlen(base), len;
	int64_t now;

	if (r->auth) {
		secret = lws_get_urlarg_by_name(wsi, "token=", arg,
		    (int)sizeof arg);
		if (secret != NULL)
			tok = tokens_check_url(&r->tokens, secret);
		memset(arg, 0, sizeof arg);
		if (tok == NULL)
			return refuse(wsi, p, 401, "a calendar needs ?token= "
			    "with a token whose only role is calendar");
	}
	if (n < 5 || n - 4 >= sizeof name || strcmp(base + n - 4, ".ics") != 0)
		return refuse(wsi, p, 404, "a calendar is /oncall/NAME.ics");
	memcpy(name, base, n - 4);
	name[n - 4] = '\0';
	if ((rs = relay_cfg_schedule(r->cfg, name)) == NULL)
		return refuse(wsi, p, 404, "no such schedule");
	now = wr_now_ms();
	relay_http_answer(wsi, p, 200, "text/calendar; charset=utf-8",
	    wr_ics_calendar(rs->s, now - WR_ICS_BACK_MS,
	    now + WR_ICS_WEEKS * WR_ICS_WEEK_MS, now, &len));
	return 0;
}

/*
 * The most a body may hold: --body-limit, but before its routing_key is
 * checked an Events v2 body gets no more than PagerDuty itself takes (one
 * event is at most 512 KB), so an unauthenticated sender cannot make the
 * relay hold megabytes.
 */
#define RELAY_EV2_UNAUTH_LIMIT	(512 * 1024)

static size_t
body_limit(const struct relay *r, const struct http_pss *p)
{
	if (p->auth_in_body && r->cfg->body_limit > RELAY_EV2_UNAUTH_LIMIT)
		return RELAY_EV2_UNAUTH_LIMIT;
	return r->cfg->body_limit;
}

/* Whether the request carries "Authorization: Bearer ..." at all (other
 * schemes, such as pypd's "Token token=...", are not ours). */
static int
has_bearer(struct lws *wsi)
{
	char hdr[1024], tok[1024];
	int yes;

	yes = lws_hdr_copy(wsi, hdr, sizeof hdr,
	    WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
	    tokens_from_header(hdr, tok, sizeof tok) == 0;
	memset(hdr, 0, sizeof hdr);
	memset(tok, 0, sizeof tok);
	return yes;
}

/*
 * An Events v2 body's credential: its routing_key must be a token with the
 * ingest role.  Only the strict parser looks at the body first, and only
 * for that member; the adapter runs only when this returns 0.
 */
static int
body_credential(struct relay *r, struct lws *wsi, struct http_pss *p)
{
	char err[128];
	json_t *root = json_strict_parse(p->body ? p->body : "", p->len, err,
	    sizeof err);
	json_t *rk = root != NULL ? json_object_get(root, "routing_key") :
	    NULL;
	const struct token *tok = NULL;
	int rc = -1;

	if (json_is_string(rk) &&
	    relay_http_auth(r, wsi, json_string_value(rk), TOKEN_ROLE_INGEST,
	    &tok) == 0) {
		util_strlcpy(p->token, relay_http_token_name(tok),
		    sizeof p->token);
		rc = 0;
	}
	json_decref(root);
	return rc;
}

/* Route the request once: every path ends in exactly one answer, and only
 * an authenticated ingest request goes on to read its body. */
static int
start_request(struct relay *r, struct lws *wsi, struct http_pss *p,
    const char *uri)
{
	const struct route *rt = route_of(uri);
	const struct token *tok;
	size_t len;
	char cl[32];

	p->ep = rt != NULL ? rt->ep : EP_OTHER;
	if (rt == NULL)
		return refuse(wsi, p, 404, "no such endpoint");
	if (method_of(wsi) != rt->method) {
		p->allow = rt->method == M_GET ? "GET" : "POST";
		return refuse(wsi, p, 405, rt->method == M_GET ? "use GET" :
		    "use POST");
	}
	switch (rt->ep) {
	case EP_HEALTHZ:
		answer_healthz(r, wsi, p);
		return 0;
	case EP_METRICS:
		relay_http_answer(wsi, p, 200, "text/plain; version=0.0.4",
		    relay_metrics_text(r, &len));
		return 0;
	case EP_FEED:
		return refuse(wsi, p, 400, "the feed is a websocket: connect "
		    "with the warroom.v1 subprotocol");
	case EP_ONCALL_ICS:
		return answer_oncall_ics(r, wsi, p, uri);
	default:
		break;
	}
	/* POST /hooks/alertmanager, POST /v2/enqueue.  PagerDuty senders
	 * send no bearer token: their credential is the body's routing_key,
	 * checked once the body is in and before any adapter reads it. */
	if (rt->ep == EP_EVENTS_V2 && r->auth && !has_bearer(wsi))
		p->auth_in_body = 1;
	else if (relay_http_auth(r, wsi, NULL, TOKEN_ROLE_INGEST, &tok) != 0)
		return refuse(wsi, p, 401, rt->ep == EP_EVENTS_V2 ?
		    "the bearer token is not a token with the ingest role" :
		    "a valid bearer token with the ingest role is required");
	else
		util_strlcpy(p->token, relay_http_token_name(tok),
		    sizeof p->token);
	/* lws does not decode chunked request bodies: refuse them plainly
	 * (Alertmanager, Grafana and the PagerDuty senders send a length) */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
		return refuse(wsi, p, 411, "send the body with a "
		    "Content-Length, not chunked");
	if (lws_hdr_copy(wsi, cl, sizeof cl,
	    WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
	    strtoull(cl, NULL, 10) > body_limit(r, p))
		return refuse(wsi, p, 413, "body larger than the relay's "
		    "limit");
	if (r->stopping)
		return refuse(wsi, p, 503, "the relay is stopping");
	p->reading = 1;
	lws_sul_schedule(r->ctx, 0, &p->body_sul, body_deadline_cb,
	    (lws_usec_t)r->cfg->body_timeout_ms * LWS_US_PER_MS);
	return 0;	/* the body follows */
}

static void
finish_body(struct relay *r, struct lws *wsi, struct http_pss *p)
{
	struct relay_item *it;
	char err[512];
	char **errors = NULL;
	size_t n_errors = 0;
	struct ingest_ctx ictx = { 0, &r->cfg->severity };
	int rc;

	if (!p->reading)
		return;
	lws_sul_cancel(&p->body_sul);
	p->reading = 0;
	if (p->too_big) {
		p->close_after = 1;
		answer_reason(wsi, p, 413, "body larger than the relay's "
		    "limit");
		return;
	}
	if (p->auth_in_body && body_credential(r, wsi, p) != 0) {
		p->close_after = 1;
		answer_reason(wsi, p, 401, "no bearer token, and the "
		    "routing_key is not a token with the ingest role");
		return;
	}
	it = xcalloc(1, sizeof *it);
	it->type = ITEM_INGEST;
	it->ep = p->ep;
	err[0] = '\0';
	ictx.now = wr_now_ms();
	if (p->ep == EP_ALERTMANAGER)
		rc = ingest_alertmanager(p->body ? p->body : "", p->len,
		    &ictx, &it->ingest, err, sizeof err);
	else
		rc = ingest_events_v2(p->body ? p->body : "", p->len,
		    &ictx, &it->ingest, err, sizeof err, &errors, &n_errors);
	if (rc != 0) {
		if (p->ep == EP_EVENTS_V2) {
			json_t *arr = json_array();
			char msg[sizeof err + 64];
			/* the answer's size does not grow with the body's
			 * mistakes: the first few, and how many more */
			for (size_t i = 0; i < n_errors &&
			    i < RELAY_EV2_MAX_ERRORS; i++)
				json_array_append_new(arr,
				    json_string(errors[i]));
			if (n_errors == 0)
				json_array_append_new(arr, json_string(err));
			if (n_errors > RELAY_EV2_MAX_ERRORS)
				snprintf(msg, sizeof msg, "%s (%zu errors, the "
				    "first %d listed)", err, n_errors,
				    RELAY_EV2_MAX_ERRORS);
			else
				util_strlcpy(msg, err, sizeof msg);
			json_t *o = json_pack("{s:s, s:s, s:o}", "status",
			    "invalid event", "message", msg, "errors", arr);
			log_refusal(r, wsi, p, 400, n_errors > 0 ? errors[0] :
			    err);
			relay_http_answer(wsi, p, 400, "application/json",
			    json_dumps(o, JSON_COMPACT));
			json_decref(o);
		} else {
			answer_reason(wsi, p, 400, err);
		}
		for (size_t i = 0; i < n_errors; i++)
			free(errors[i]);
		free(errors);
		relay_item_free(it);
		return;
	}
	free(errors);
	util_strlcpy(it->via, p->token, sizeof it->via);
	ingest_result_sender(&it->ingest, p->token, p->auth_in_body,
	    it->sender, sizeof it->sender);
	it->done = item_done;
	it->user = p;
	p->item = it;
	relay_enqueue(r, it);
	relay_amclient_truncated(r, it->via, &it->ingest);
}

static int
write_answer(struct lws *wsi, struct http_pss *p)
{
	unsigned char hdr[LWS_PRE + 1024];
	unsigned char *start = hdr + LWS_PRE, *q = start;
	unsigned char *end = hdr + sizeof hdr - 1;

	if (p->resp == NULL || p->answered)
		return 0;
	if (lws_add_http_common_headers(wsi, (unsigned)p->code, p->ctype,
	    p->resp_len, &q, end))
		return -1;
	if (p->allow != NULL && lws_add_http_header_by_token(wsi,
	    WSI_TOKEN_HTTP_ALLOW, (const unsigned char *)p->allow,
	    (int)strlen(p->allow), &q, end))
		return -1;
	if (p->close_after && lws_add_http_header_by_token(wsi,
	    WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &q, end))
		return -1;
	if (lws_finalize_write_http_header(wsi, start, &q, end))
		return -1;
	p->answered = 1;
	if (p->resp_len > 0 && lws_write(wsi, (unsigned char *)p->resp +
	    LWS_PRE, p->resp_len, LWS_WRITE_HTTP_FINAL) < 0)
		return -1;
	if (p->close_after)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Whether the upgrade's Sec-WebSocket-Protocol list names proto. */
static int
offers_protocol(struct lws *wsi, const char *proto)
{
	char list[256], *save = NULL;

	if (lws_hdr_copy(wsi, list, sizeof list, WSI_TOKEN_PROTOCOL) <= 0)
		return 0;
	for (char *w = strtok_r(list, ", \t", &save); w != NULL;
	    w = strtok_r(NULL, ", \t", &save))
		if (strcmp(w, proto) == 0)
			return 1;
	return 0;
}

static int
http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct relay *r = relay_of(wsi);
	struct http_pss *p = user;
	const struct route *rt;
	const struct token *tok;
	char uri[64];

	if (r == NULL) {	/* context-wide, or its relay is gone */
		if (p != NULL && (reason == LWS_CALLBACK_CLOSED_HTTP ||
		    reason == LWS_CALLBACK_HTTP_DROP_PROTOCOL)) {
			stop_reading(p);
			free(p->resp);
			p->resp = NULL;
		}
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
		    (rt = route_of(uri)) == NULL || rt->ep != EP_FEED) {
			relay_metrics_request(r, EP_OTHER, 404);
			lws_return_http_status(wsi, 404, "no websocket here");
			return 1;
		}
		if (relay_http_auth(r, wsi, NULL, TOKEN_ROLE_CONSOLE,
		    &tok) != 0) {
			relay_metrics_request(r, EP_FEED, 401);
			lws_return_http_status(wsi, 401, "a valid bearer token "
			    "with the console role is required");
			return 1;
		}
		if (!offers_protocol(wsi, WR_PROTO_NAME)) {
			relay_metrics_request(r, EP_FEED, 400);
			lws_return_http_status(wsi, 400, "the feed speaks only "
			    "the " WR_PROTO_NAME " subprotocol");
			return 1;
		}
		return 0;
	case LWS_CALLBACK_HTTP:
		reset_pss(p, wsi);
		return start_request(r, wsi, p, in ? (const char *)in : "");
	case LWS_CALLBACK_HTTP_BODY:
		p->received += len;
		if (!p->reading || p->too_big)
			return 0;
		if (p->len + len > body_limit(r, p)) {
			p->too_big = 1;
			free(p->body);
			p->body = NULL;
			p->len = 0;
			p->cap = 0;
			return 0;
		}
		if (p->len + len + 1 > p->cap) {
			p->cap = p->cap ? p->cap : 16384;
			while (p->cap < p->len + len + 1)
				p->cap *= 2;
			p->body = xrealloc(p->body, p->cap);
		}
		memcpy(p->body + p->len, in, len);
		p->len += len;
		p->body[p->len] = '\0';
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		finish_body(r, wsi, p);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return write_answer(wsi, p);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:	/* lws frees p next */
	case LWS_CALLBACK_CLOSED_HTTP:
		if (p != NULL) {
			relay_commit_forget(&r->commit, p);
			stop_reading(p);
			free(p->resp);
			p->resp = NULL;
		}
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const struct lws_protocols relay_http_protocol = {
	"http", http_cb, sizeof(struct http_pss), 0, 0, NULL, 0
};
