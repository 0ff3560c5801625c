/*
 * relay/http.c: the relay's HTTP side.  POST /hooks/alertmanager and
 * POST /v2/enqueue take alerts (bearer token with the ingest role), GET
 * /healthz and GET /metrics need no token, and the websocket upgrade at
 * /feed is checked here so that a refused token gets an HTTP 401 answer,
 * not a dropped socket.
 *
 * Bodies are read with bounded memory (the body limit, whatever length the
 * client claims), parsed by the ingest adapters, and queued for the group
 * commit; the answer is written only after the commit (relay/commit.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "relay/relay-int.h"

static int
auth_check(struct relay *r, struct lws *wsi, int role, char *name,
    size_t namesz)
{
	char hdr[1024], tok[1024];
	const struct token *t;
	int n;

	if (!r->auth) {
		util_strlcpy(name, "-", namesz);
		return 0;
	}
	n = lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_AUTHORIZATION);
	if (n <= 0 || tokens_from_header(hdr, tok, sizeof tok) != 0)
		return -1;
	t = tokens_check(&r->tokens, tok, role);
	memset(tok, 0, sizeof tok);
	memset(hdr, 0, sizeof hdr);
	if (t == NULL)
		return -1;
	util_strlcpy(name, t->name, namesz);
	return 0;
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

	free(p->resp);
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

static void
answer_reason(struct lws *wsi, struct http_pss *p, int code,
    const char *message)
{
	if (p->ep == EP_EVENTS_V2 && code == 400) {
		json_t *o = json_pack("{s:s, s:s, s:[s]}", "status",
		    "invalid event", "message", message, "errors", message);
		char *s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		relay_http_answer(wsi, p, code, "application/json", s);
		return;
	}
	relay_http_answer(wsi, p, code, "application/json",
	    json_reason(code < 300 ? "ok" : "error", message));
}

void
relay_http_item_done(struct relay *r, struct relay_item *it, int ok,
    const char *why)
{
	struct http_pss *p = it->http;
	char *body;

	if (p == NULL)
		return;		/* the sender left; what was committed stays */
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

static void
reset_pss(struct http_pss *p, struct lws *wsi)
{
	free(p->body);
	free(p->resp);
	memset(p, 0, sizeof *p);
	p->wsi = wsi;
}

static int
start_request(struct relay *r, struct lws *wsi, struct http_pss *p,
    const char *uri)
{
	int is_post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
	int is_get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
	char cl[32];

	if (strcmp(uri, "/healthz") == 0)
		p->ep = EP_HEALTHZ;
	else if (strcmp(uri, "/metrics") == 0)
		p->ep = EP_METRICS;
	else if (strcmp(uri, "/hooks/alertmanager") == 0)
		p->ep = EP_ALERTMANAGER;
	else if (strcmp(uri, "/v2/enqueue") == 0)
		p->ep = EP_EVENTS_V2;
	else if (strcmp(uri, "/feed") == 0)
		p->ep = EP_FEED;
	else
		p->ep = EP_OTHER;

	switch (p->ep) {
	case EP_HEALTHZ:
	case EP_METRICS:
		if (!is_get) {
			answer_reason(wsi, p, 405, "use GET");
			return 0;
		}
		if (p->ep == EP_HEALTHZ) {
			json_t *o = json_pack("{s:s, s:s, s:I, s:i}", "status",
			    r->stopping ? "stopping" : "ok", "epoch",
			    store_epoch(r->store), "head",
			    (json_int_t)r->room.last_seq, "consoles",
			    r->m.consoles);
			char *s = json_dumps(o, JSON_COMPACT);
			json_decref(o);
			relay_http_answer(wsi, p, r->stopping ? 503 : 200,
			    "application/json", s);
		} else {
			size_t len;
			relay_http_answer(wsi, p, 200,
			    "text/plain; version=0.0.4",
			    relay_metrics_text(r, &len));
		}
		return 0;
	case EP_ALERTMANAGER:
	case EP_EVENTS_V2:
		if (!is_post) {
			answer_reason(wsi, p, 405, "use POST");
			return 0;
		}
		if (auth_check(r, wsi, TOKEN_ROLE_INGEST, p->token,
		    sizeof p->token) != 0) {
			p->refused = 1;
			p->close_after = 1;
			answer_reason(wsi, p, 401, "a valid bearer token with "
			    "the ingest role is required");
			return 0;
		}
		if (lws_hdr_copy(wsi, cl, sizeof cl,
		    WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
		    strtoull(cl, NULL, 10) > r->cfg->body_limit) {
			p->refused = 1;
			p->close_after = 1;
			answer_reason(wsi, p, 413, "body larger than the "
			    "relay's limit");
			return 0;
		}
		if (r->stopping) {
			p->refused = 1;
			p->close_after = 1;
			answer_reason(wsi, p, 503, "the relay is stopping");
			return 0;
		}
		return 0;	/* the body follows */
	case EP_FEED:
		answer_reason(wsi, p, 400, "the feed is a websocket: "
		    "connect with the warroom.v1 subprotocol");
		return 0;
	default:
		answer_reason(wsi, p, 404, "no such endpoint");
		return 0;
	}
}

static void
finish_body(struct relay *r, struct lws *wsi, struct http_pss *p)
{
	struct relay_item *it;
	char err[512];
	char **errors = NULL;
	size_t n_errors = 0;
	int rc;

	if (p->refused)
		return;
	if (p->too_big) {
		p->close_after = 1;
		answer_reason(wsi, p, 413, "body larger than the relay's "
		    "limit");
		return;
	}
	it = xcalloc(1, sizeof *it);
	it->type = ITEM_INGEST;
	it->ep = p->ep;
	err[0] = '\0';
	if (p->ep == EP_ALERTMANAGER)
		rc = ingest_alertmanager(p->body ? p->body : "", p->len,
		    &it->ingest, err, sizeof err);
	else
		rc = ingest_events_v2(p->body ? p->body : "", p->len,
		    &it->ingest, err, sizeof err, &errors, &n_errors);
	if (rc != 0) {
		if (p->ep == EP_EVENTS_V2) {
			json_t *arr = json_array();
			for (size_t i = 0; i < n_errors; i++)
				json_array_append_new(arr,
				    json_string(errors[i]));
			if (n_errors == 0)
				json_array_append_new(arr, json_string(err));
			json_t *o = json_pack("{s:s, s:s, s:o}", "status",
			    "invalid event", "message", err, "errors", arr);
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
	it->http = p;
	p->item = it;
	relay_enqueue(r, it);
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

static int
http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct relay *r = relay_of(wsi);
	struct http_pss *p = user;
	char uri[64];

	if (r == NULL)	/* context-wide callbacks */
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
		    strcmp(uri, "/feed") != 0) {
			relay_metrics_request(r, EP_OTHER, 404);
			lws_return_http_status(wsi, 404, "no websocket here");
			return 1;
		}
		if (auth_check(r, wsi, TOKEN_ROLE_CONSOLE, uri,
		    sizeof uri) != 0) {
			relay_metrics_request(r, EP_FEED, 401);
			lws_return_http_status(wsi, 401, "a valid bearer token "
			    "with the console role is required");
			return 1;
		}
		return 0;
	case LWS_CALLBACK_HTTP:
		reset_pss(p, wsi);
		return start_request(r, wsi, p, in ? (const char *)in : "");
	case LWS_CALLBACK_HTTP_BODY:
		if (p->refused || p->too_big)
			return 0;
		if (p->len + len > r->cfg->body_limit) {
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
	case LWS_CALLBACK_CLOSED_HTTP:
		if (p != NULL) {
			relay_forget_http(r, p);
			free(p->body);
			free(p->resp);
			p->body = p->resp = NULL;
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
