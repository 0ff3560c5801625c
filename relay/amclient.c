/*
 * amclient.c: the relay's Alertmanager API client.
 *
 * With max_alerts set, Alertmanager sends the first alerts of a group and
 * only a count of the others (truncatedAlerts).  When the relay config
 * names the sender's Alertmanager ([sender NAME] alertmanager = URL), a
 * truncated delivery makes the relay ask that Alertmanager for the whole
 * group, GET /api/v2/alerts/groups filtered to the group's labels, and
 * reconcile: the group's active alerts go through the group commit as a
 * delivery of their own from the same sender (known ones are repeats, the
 * others join the incident), and an alert the incident holds as firing that
 * Alertmanager no longer has in the group in any state is resolved.
 *
 * The request goes through the relay's HTTP client (relay/httpc.c): nothing
 * here blocks the loop.  At most one request is
 * in flight per sender and group; the answer is read up to the relay's
 * body limit and within RELAY_AM_TIMEOUT_S.  The Alertmanager API needs no
 * credential; none is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "net/ingest.h"
#include "relay/config.h"
#include "relay/httpc.h"
#include "relay/relay-int.h"

#define RELAY_AM_TIMEOUT_S	10

struct relay_amreq {
	struct relay *r;
	struct relay_amreq *next;
	struct relay_httpc *hc;		/* the request in flight */
	char sender[64];
	char *key;
	char *receiver;
	struct wr_kvlist group_labels;
	char *host;			/* "HOST:PORT", for the log */
};

static void
req_unlink(struct relay_amreq *q)
{
	struct relay_amreq **pp;

	if (q->r == NULL)
		return;
	for (pp = &q->r->amreqs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	q->r = NULL;
}

static void
req_free(struct relay_amreq *q)
{
	req_unlink(q);
	free(q->key);
	free(q->receiver);
	wr_kvlist_free(&q->group_labels);
	free(q->host);
	free(q);
}

/* Append s to buf, percent-encoding all but RFC 3986's unreserved bytes. */
static void
urlenc(char **buf, size_t *len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);

	*buf = xrealloc(*buf, *len + 3 * n + 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			(*buf)[(*len)++] = (char)c;
		} else {
			(*buf)[(*len)++] = '%';
			(*buf)[(*len)++] = hex[c >> 4];
			(*buf)[(*len)++] = hex[c & 15];
		}
	}
	(*buf)[*len] = '\0';
}

/*
 * base + "/api/v2/alerts/groups?filter=NAME%3D%22VALUE%22&...": one matcher
 * per group label, the value quoted with \ and " escaped as Alertmanager's
 * matcher syntax wants.  The answer is matched exactly afterwards; the
 * filters only keep it small.
 */
char *
relay_amclient_path(const char *base, const struct wr_kvlist *labels)
{
	size_t blen = strlen(base), len = 0;
	char *p = NULL;

	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	p = xasprintf("%.*s/api/v2/alerts/groups", (int)blen, base);
	len = strlen(p);
	for (size_t i = 0; labels != NULL && i < labels->n; i++) {
		const char *v = labels->v[i].value;
		size_t vn = strlen(v), k = 0;
		char *m = xmalloc(strlen(labels->v[i].key) + 2 * vn + 4);

		k = (size_t)sprintf(m, "%s=\"", labels->v[i].key);
		for (; *v != '\0'; v++) {
			if (*v == '\\' || *v == '"')
				m[k++] = '\\';
			m[k++] = *v;
		}
		m[k++] = '"';
		m[k] = '\0';
		p = xrealloc(p, len + 9);
		memcpy(p + len, i == 0 ? "?filter=" : "&filter=", 8);
		len += 8;
		p[len] = '\0';
		urlenc(&p, &len, m);
		free(m);
	}
	return p;
}

/* Whether the incident's firing alert fp is among the fingerprints the
 * group still holds. */
static int
held(char **present, size_t n, const char *fp)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(present[i], fp) == 0)
			return 1;
	return 0;
}

/* The whole group has arrived: hand it to the group commit. */
static void
reconcile(struct relay_amreq *q, int status, const char *body, size_t len,
    const char *why)
{
	struct relay *r = q->r;
	struct ingest_ctx ictx = { wr_now_ms(), NULL };
	struct ingest_result res;
	struct relay_item *it;
	struct wr_incident *inc;
	struct ingest_group *g;
	char err[256], **present = NULL;
	size_t n_present = 0, n_resolved = 0;
	int rc;

	if (r == NULL || r->stopping)
		return;
	ictx.severity = &r->cfg->severity;
	if (status == 0) {
		relay_log(r, "alertmanager of sender %s: cannot reach %s "
		    "(%s); the group stays as delivered", q->sender, q->host,
		    why != NULL ? why : "no answer");
		return;
	}
	if (why != NULL || status != 200) {
		relay_log(r, "alertmanager of sender %s: GET %s answered %d%s%s; "
		    "the group stays as delivered", q->sender, q->host,
		    status, why != NULL ? ": " : "", why != NULL ? why : "");
		return;
	}
	rc = ingest_alertmanager_api_group(body, len, &ictx, q->key,
	    q->receiver, &q->group_labels, &res, &present, &n_present, err,
	    sizeof err);
	if (rc < 0) {
		relay_log(r, "alertmanager of sender %s: its answer was "
		    "refused: %s", q->sender, err);
		return;
	}
	/* Firing here, gone there: resolved while its news was cut off. */
	inc = wr_room_find_key(&r->room, INGEST_SOURCE_ALERTMANAGER,
	    q->sender, q->key);
	if (inc != NULL && inc->state != WR_ST_RESOLVED) {
		for (size_t i = 0; i < inc->alerts_len; i++) {
			const struct wr_alert *a = &inc->alerts[i];
			struct wr_alert *x;

			if (!a->firing || a->fingerprint == NULL ||
			    held(present, n_present, a->fingerprint))
				continue;
			if (res.n_groups == 0) {
				g = ingest_result_add_group(&res);
				g->source = xstrdup(INGEST_SOURCE_ALERTMANAGER);
				g->key = xstrdup(q->key);
				g->title = xstrdup(inc->title != NULL ?
				    inc->title : q->key);
				g->service = xstrdup(inc->service != NULL ?
				    inc->service : "");
				g->severity = inc->severity;
			}
			g = &res.groups[0];
			g->alerts = xrealloc(g->alerts, (g->n_alerts + 1) *
			    sizeof *g->alerts);
			x = &g->alerts[g->n_alerts++];
			memset(x, 0, sizeof *x);
			x->fingerprint = xstrdup(a->fingerprint);
			x->severity = a->severity;
			x->starts = a->starts;
			x->ends = ictx.now;
			x->firing = 0;
			n_resolved++;
		}
	}
	ingest_errors_free(present, n_present);
	if (res.n_groups == 0) {
		ingest_result_free(&res);
		return;
	}
	relay_log(r, "alertmanager of sender %s: read the whole group, %zu "
	    "alerts firing there, %zu resolved since", q->sender,
	    res.groups[0].n_alerts - n_resolved, n_resolved);
	it = xcalloc(1, sizeof *it);
	it->type = ITEM_INGEST;
	it->ep = EP_ALERTMANAGER;
	it->ingest = res;	/* moved */
	util_strlcpy(it->via, q->sender, sizeof it->via);
	relay_enqueue(r, it);
}

static void
am_done(void *user, int status, const char *body, size_t len,
    const char *why)
{
	struct relay_amreq *q = user;

	q->hc = NULL;
	reconcile(q, status, body, len, why);
	req_free(q);
}

void
relay_amclient_truncated(struct relay *r, const char *sender,
    const struct ingest_result *res)
{
	const struct relay_sender *s;

	if (sender == NULL || sender[0] == '\0' ||
	    (s = relay_cfg_sender(r->cfg, sender)) == NULL ||
	    s->alertmanager == NULL || s->am_host == NULL)
		return;
	for (size_t i = 0; i < res->n_groups; i++) {
		const struct ingest_group *g = &res->groups[i];
		struct relay_httpc_spec spec;
		struct relay_amreq *q;
		char *path;

		if (g->truncated <= 0 ||
		    strcmp(g->source, INGEST_SOURCE_ALERTMANAGER) != 0)
			continue;
		for (q = r->amreqs; q != NULL; q = q->next)
			if (strcmp(q->sender, sender) == 0 &&
			    strcmp(q->key, g->key) == 0)
				break;
		if (q != NULL)
			continue;	/* already asking */
		q = xcalloc(1, sizeof *q);
		q->r = r;
		util_strlcpy(q->sender, sender, sizeof q->sender);
		q->key = xstrdup(g->key);
		q->receiver = g->receiver != NULL ? xstrdup(g->receiver) :
		    NULL;
		wr_kvlist_copy(&q->group_labels, &g->group_labels);
		q->host = xasprintf("%s:%d", s->am_host, s->am_port);
		path = relay_amclient_path(s->am_path != NULL ?
		    s->am_path : "/", &g->group_labels);
		q->next = r->amreqs;
		r->amreqs = q;

		memset(&spec, 0, sizeof spec);
		spec.method = "GET";
		spec.host = s->am_host;
		spec.port = s->am_port;
		spec.path = path;
		spec.limit = r->cfg->body_limit;
		spec.timeout_ms = RELAY_AM_TIMEOUT_S * 1000;
		spec.what = "alertmanager";
		q->hc = relay_httpc_start(r, &spec, am_done, q);
		free(path);
	}
}

void
relay_amclient_free(struct relay *r)
{
	while (r->amreqs != NULL) {
		struct relay_amreq *q = r->amreqs;

		relay_httpc_cancel(q->hc);
		req_free(q);
	}
}
