/*
 * relay/notify.c: pages and handoff notices delivered to the notifiers
 * that serve a person (notify.h).
 *
 * A delivery is a job: one message to one person through one notifier.
 * A job is due (its next attempt at a wall-clock instant), in flight (an
 * HTTP request, or a child process), or over.  An attempt ends in one of
 * three ways: delivered (2xx, exit 0), failed for good (an HTTP 4xx other
 * than 408 and 429: the receiver refuses the message, saying it again will
 * not help), or failed for now, and then it is due again after the
 * notifier's retry wait, doubled each time up to RELAY_NOTIFY_RETRY_CAP_MS,
 * until its retries are spent.
 *
 * A page's every attempt is an event (WR_EV_NOTIFIED) committed through
 * the group commit like any other: its person, notifier, attempt number,
 * the outcome in words, and, when it will be tried again, next_at.  That
 * is all a restart needs: at start the newest such event of every
 * (incident, person, notifier) within RELAY_NOTIFY_HORIZON_MS is read
 * from the log, and those that say "again at next_at" are due again then
 * (at once if that has passed).  A page tried again after it was
 * acknowledged or resolved is not sent: its last event says so.  What is
 * lost to a crash (kill -9): an attempt that was in flight, its outcome
 * not yet committed (a first attempt is then never made again; a retry
 * is, as its predecessor's event said).  A stop (SIGTERM) records the
 * attempts in flight as interrupted, due again after the restart.
 *
 * Handoff notices are jobs too, with retries, but no events: their
 * outcomes are logged and counted in /metrics.  Each schedule with a
 * handoff-notice is looked at on every tick: whoever takes over next is
 * told once, within handoff-notice of the handoff; whoever was on call
 * before a handoff is told once it has happened, within
 * OFF_CALL_GRACE_MS.  What each notifier has told, once its notice is
 * delivered or given up, is recorded in the store (store_notice_put):
 * a relay (re)started inside a notice's window sends it only where that
 * notifier has not told it (a notice in flight at a kill -9 is sent
 * again; none delivered before it is).
 *
 * Nothing secret reaches a notifier or the log: no token goes into a body
 * or a command's environment, and a webhook's URL (whose path is often
 * its secret) is logged as its host only.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "core/jbuf.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/sanitize.h"
#include "core/util.h"
#include "relay/httpc.h"
#include "relay/notify.h"
#include "relay/relay-int.h"

/* How far back the log is read at start for retries still pending. */
#define RELAY_NOTIFY_HORIZON_MS	(24LL * 3600 * 1000)
/* What a message keeps of a text from outside (a title, a why). */
#define TEXT_MAX	1024
/* What is kept of a command's output, for the log. */
#define OUTPUT_MAX	512
/* A webhook's answer kept (only its status matters). */
#define ANSWER_MAX	(64 * 1024)
/* The off-call notice is sent within this long of the handoff. */
#define OFF_CALL_GRACE_MS	(10 * 60 * 1000)
/* A stop's interrupted attempts are due this long after the restart. */
#define INTERRUPTED_RETRY_MS	5000

static const char *const kind_names[RELAY_NOTIFY_KINDS] = {
	"page", "on_call", "off_call"
};

const char *
relay_notify_kind_name(enum relay_notify_kind k)
{
	return (unsigned)k < RELAY_NOTIFY_KINDS ? kind_names[k] : "page";
}

/* ---- the bodies ----------------------------------------------------------- */

/*
 * s as valid UTF-8 of at most max bytes (malloc'd): an ill-formed byte
 * becomes U+FFFD.  With slack, which people read on a phone, s is first
 * drawn as the console draws it (sanitize_text(): control characters,
 * bidi overrides and zero-width characters become visible tokens such as
 * "<U+202E>", so that a notification cannot show a title reversed), and
 * &, < and > become their entities (Slack's mrkdwn reads <!channel> as a
 * mention).  The JSON body keeps the text exact, JSON-escaped, for the
 * program that reads it.
 */
static char *
clean(const char *s, size_t max, int slack)
{
	struct jbuf b;
	char *safe = slack ? sanitize_text(s != NULL ? s : "", s != NULL ?
	    strlen(s) : 0) : xstrdup(s != NULL ? s : "");
	const unsigned char *p = (const unsigned char *)safe;
	size_t n = strlen(safe);

	jbuf_init(&b, n + 16);
	for (size_t i = 0; i < n && b.len < max;) {
		size_t k = jbuf_utf8_seq(p + i, n - i);

		if (k > 0) {
			if (b.len + k > max)
				break;
			jbuf_raw(&b, (const char *)p + i, k);
			i += k;
			continue;
		}
		if (p[i] >= 0x80) {
			if (b.len + 3 > max)
				break;
			jbuf_raw(&b, "\xef\xbf\xbd", 3);
		} else if (slack && (p[i] < 0x20 || p[i] == 0x7f))
			jbuf_char(&b, ' ');
		else if (slack && p[i] == '&')
			jbuf_raw(&b, "&amp;", 5);
		else if (slack && p[i] == '<')
			jbuf_raw(&b, "&lt;", 4);
		else if (slack && p[i] == '>')
			jbuf_raw(&b, "&gt;", 4);
		else
			jbuf_char(&b, (char)p[i]);
		i++;
	}
	free(safe);
	return jbuf_take(&b, NULL);
}

static void
set_str(json_t *o, const char *key, const char *s)
{
	char *c = clean(s, TEXT_MAX, 0);

	json_object_set_new(o, key, json_string(c));
	free(c);
}

static void
set_time(json_t *o, const char *key, int64_t ms)
{
	char buf[40];

	if (ms == INT64_MIN || ms == INT64_MAX || ms == 0) {
		json_object_set_new(o, key, json_null());
		return;
	}
	wr_time_format(ms, buf, sizeof buf);
	json_object_set_new(o, key, json_string(buf));
}

char *
relay_notify_json(const struct relay_notify_msg *m)
{
	json_t *o = json_object();
	char *text;

	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "kind",
	    json_string(relay_notify_kind_name(m->kind)));
	set_str(o, "person", m->person);
	set_str(o, "notifier", m->notifier);
	json_object_set_new(o, "attempt", json_integer(m->attempt));
	set_time(o, "time", m->time);
	if (m->kind == RELAY_NOTIFY_PAGE) {
		json_t *inc = json_object();

		set_str(o, "why", m->why);
		json_object_set_new(inc, "id", json_integer(m->incident));
		set_str(inc, "title", m->title);
		set_str(inc, "service", m->service);
		set_str(inc, "severity", m->severity);
		set_str(inc, "state", m->state);
		json_object_set_new(o, "incident", inc);
	} else {
		set_str(o, "schedule", m->schedule);
		set_time(o, "from", m->from);
		set_time(o, "until", m->until);
		if (m->kind == RELAY_NOTIFY_OFF_CALL) {
			if (m->next != NULL)
				set_str(o, "next", m->next);
			else
				json_object_set_new(o, "next", json_null());
		}
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (text == NULL)
		util_die("notify: cannot encode a body");
	return text;
}

/* A time for a person: "2026-03-02 09:00 UTC" (the relay does not know
 * the reader's zone; the JSON body has RFC 3339). */
static void
human_time(int64_t ms, char *buf, size_t size)
{
	char iso[40];

	if (ms == INT64_MIN || ms == INT64_MAX || ms == 0) {
		snprintf(buf, size, "(not known)");
		return;
	}
	wr_time_format(ms, iso, sizeof iso);
	/* 2026-03-02T09:00:00.000Z */
	snprintf(buf, size, "%.10s %.5s UTC", iso, iso + 11);
}

/* The words of a message, escaped for Slack: the headline, the detail
 * and the fallback text, each malloc'd. */
static void
slack_words(const struct relay_notify_msg *m, char **head, char **detail,
    char **fallback)
{
	char *person = clean(m->person, 64 * 4, 1);
	char *sched = clean(m->schedule, 64 * 4, 1);
	char from[40], until[40];

	human_time(m->from, from, sizeof from);
	human_time(m->until, until, sizeof until);
	if (m->kind == RELAY_NOTIFY_PAGE) {
		char *title = clean(m->title, TEXT_MAX, 1);
		char *service = clean(m->service, TEXT_MAX, 1);
		char *sev = clean(m->severity, 64, 1);
		char *state = clean(m->state, 64, 1);
		char *why = clean(m->why, TEXT_MAX, 1);

		*head = xasprintf("*#%lld %s*", (long long)m->incident, title);
		*detail = xasprintf("%s%s%s, %s. Paging %s%s%s.", service,
		    service[0] != '\0' ? ", " : "", sev, state, person,
		    why[0] != '\0' ? ": " : "", why);
		*fallback = xasprintf("#%lld %s (%s%s%s): paging %s%s%s",
		    (long long)m->incident, title, service,
		    service[0] != '\0' ? ", " : "", sev, person,
		    why[0] != '\0' ? ", " : "", why);
		free(title);
		free(service);
		free(sev);
		free(state);
		free(why);
	} else if (m->kind == RELAY_NOTIFY_ON_CALL) {
		*head = xasprintf("*%s: you go on call for %s at %s*", person,
		    sched, from);
		*detail = xasprintf("Your shift on %s runs from %s until %s.",
		    sched, from, until);
		*fallback = xasprintf("%s: you go on call for %s at %s (until "
		    "%s)", person, sched, from, until);
	} else {
		char *next = clean(m->next != NULL ? m->next : "nobody",
		    64 * 4, 1);

		*head = xasprintf("*%s: you are off call for %s*", person,
		    sched);
		*detail = xasprintf("Your shift on %s ended at %s; on call now: "
		    "%s.", sched, until, next);
		*fallback = xasprintf("%s: you are off call for %s since %s "
		    "(on call now: %s)", person, sched, until, next);
		free(next);
	}
	free(person);
	free(sched);
}

static json_t *
mrkdwn(const char *text)
{
	/* verbatim: no links or mentions made of the alert's words */
	return json_pack("{s:s, s:s, s:b}", "type", "mrkdwn", "text", text,
	    "verbatim", 1);
}

char *
relay_notify_slack(const struct relay_notify_msg *m)
{
	char *head, *detail, *fallback, *ctx, *section, *text, *nf;
	char when[40];
	json_t *o;

	slack_words(m, &head, &detail, &fallback);
	human_time(m->time, when, sizeof when);
	nf = clean(m->notifier, 64 * 4, 1);
	ctx = xasprintf("warroom, notifier %s, attempt %d, %s", nf,
	    m->attempt, when);
	section = xasprintf("%s\n%s", head, detail);
	o = json_pack("{s:s, s:[{s:s, s:o}, {s:s, s:[o]}]}",
	    "text", fallback,
	    "blocks",
	    "type", "section", "text", mrkdwn(section),
	    "type", "context", "elements", mrkdwn(ctx));
	if (o == NULL)
		util_die("notify: cannot build a Slack body");
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(head);
	free(detail);
	free(fallback);
	free(ctx);
	free(section);
	free(nf);
	if (text == NULL)
		util_die("notify: cannot encode a Slack body");
	return text;
}

/* ---- jobs ----------------------------------------------------------------- */

struct job {
	struct relay *r;
	struct job *next;
	enum relay_notify_kind kind;
	char *notifier;
	char *person;
	/* a page */
	int64_t incident;
	char *why;
	/* a handoff notice */
	char *schedule;
	int64_t from, until;
	char *next_person;

	int attempts;		/* made so far */
	int64_t due;		/* wall ms of the next attempt; 0 in flight */
	int64_t started;	/* mono ms the attempt in flight began */
	/* a webhook in flight */
	struct relay_httpc *hc;
	/* a command in flight */
	pid_t pid;
	int out_fd;
	char out[OUTPUT_MAX + 1];
	size_t out_len;
	int64_t kill_at;	/* mono ms */
	int killed;
};

static void notice_done(struct relay *r, const struct job *j);

struct schedule_state {
	char *name;
	/* the handoffs whose notices are out, and to whom: an override
	 * made since puts someone else on or off call there, told too */
	int64_t on_sent, off_sent, now_sent;
	char *on_person, *off_person, *now_person;
};

/* An https webhook with a ca-file checks its server against that file
 * alone: a client vhost of its own, whose TLS context lws makes from it. */
struct ca_vhost {
	char *path;
	struct lws_vhost *vh;
	int stale;		/* a reload came since it was made */
};

struct relay_notify {
	struct relay *r;
	struct ca_vhost *ca;
	size_t n_ca;
	lws_sorted_usec_list_t kick;	/* due jobs started after this pass */
	int kick_on;
	struct job *jobs;
	struct schedule_state *sched;
	size_t n_sched;
};

static struct relay_notify *
state(struct relay *r)
{
	if (r->notify == NULL) {
		r->notify = xcalloc(1, sizeof *r->notify);
		r->notify->r = r;
	}
	return r->notify;
}

static void
kick_cb(lws_sorted_usec_list_t *sul)
{
	struct relay_notify *n = lws_container_of(sul, struct relay_notify,
	    kick);

	n->kick_on = 0;
	relay_notify_tick(n->r);
}

/* Start what is due once this loop pass is over, outside whatever called
 * (a commit's hook must not queue items into the batch it is ending). */
static void
kick(struct relay *r)
{
	struct relay_notify *n = state(r);

	if (n->kick_on || r->ctx == NULL)
		return;
	n->kick_on = 1;
	lws_sul_schedule(r->ctx, 0, &n->kick, kick_cb, 1);
}

static void
job_free(struct job *j)
{
	free(j->notifier);
	free(j->person);
	free(j->why);
	free(j->schedule);
	free(j->next_person);
	free(j);
}

static void
job_unlink(struct relay *r, struct job *j)
{
	struct job **pp;

	for (pp = &state(r)->jobs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			return;
		}
}

static struct job *
job_add(struct relay *r, enum relay_notify_kind kind, const char *notifier,
    const char *person)
{
	struct relay_notify *n = state(r);
	struct job *j = xcalloc(1, sizeof *j), **tail;

	j->r = r;
	j->kind = kind;
	j->notifier = xstrdup(notifier);
	j->person = xstrdup(person);
	j->pid = -1;
	j->out_fd = -1;
	for (tail = &n->jobs; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = j;
	return j;
}

/* A page job for this incident, person and notifier, if there is one. */
static struct job *
page_job(struct relay *r, int64_t incident, const char *person,
    const char *notifier)
{
	for (struct job *j = state(r)->jobs; j != NULL; j = j->next)
		if (j->kind == RELAY_NOTIFY_PAGE && j->incident == incident &&
		    strcmp(j->person, person) == 0 &&
		    strcmp(j->notifier, notifier) == 0)
			return j;
	return NULL;
}

/* "30 s", "2 m", "1 h" */
static void
wait_words(int64_t ms, char *buf, size_t size)
{
	int64_t s = (ms + 999) / 1000;

	if (s < 120)
		snprintf(buf, size, "%lld s", (long long)s);
	else if (s < 7200)
		snprintf(buf, size, "%lld m", (long long)(s / 60));
	else
		snprintf(buf, size, "%lld h", (long long)(s / 3600));
}

/* The wait after attempt n (1, 2, ...) failed. */
static int64_t
retry_wait(const struct relay_notifier *nf, int n)
{
	int64_t w = nf->retry_ms;

	for (int i = 1; i < n && w < RELAY_NOTIFY_RETRY_CAP_MS; i++)
		w *= 2;
	return w < RELAY_NOTIFY_RETRY_CAP_MS ? w : RELAY_NOTIFY_RETRY_CAP_MS;
}

/* An attempt's event, planned in the batch (ITEM_PLAN): stored when the
 * incident is still there, at the batch's time. */
static size_t
attempt_plan(const struct wr_incident *inc, void *data, int64_t now,
    struct wr_evlist *out)
{
	struct wr_event *e;

	if (inc == NULL)
		return 0;
	e = wr_evlist_push(out);
	wr_event_copy(e, data);
	e->seq = 0;
	e->time = now;
	return 1;
}

static void
attempt_plan_free(void *data)
{
	wr_event_free(data);
	free(data);
}

/* An attempt's event, through the group commit. */
static void
page_event(struct relay *r, const struct job *j, const char *words,
    int64_t next_at)
{
	struct relay_item *it = xcalloc(1, sizeof *it);
	struct wr_event *e = xcalloc(1, sizeof *e);

	e->kind = WR_EV_NOTIFIED;
	e->incident = j->incident;
	e->actor = xstrdup("warroomd");
	e->person = xstrdup(j->person);
	e->notifier = xstrdup(j->notifier);
	e->text = xasprintf("%s via %s: %s", j->person, j->notifier, words);
	e->count = j->attempts;
	e->next_at = next_at;
	e->why = xstrdup0(j->why);
	it->type = ITEM_PLAN;
	it->ep = EP_OTHER;
	it->plan_incident = j->incident;
	it->plan = attempt_plan;
	it->plan_data = e;
	it->plan_free = attempt_plan_free;
	relay_enqueue(r, it);
}

static const char *
who(const struct job *j, char *buf, size_t size)
{
	char p[RELAY_LOG_USER];

	util_log_escape(j->person, p, sizeof p);
	if (j->kind == RELAY_NOTIFY_PAGE)
		snprintf(buf, size, "page #%lld to %s via %s",
		    (long long)j->incident, p, j->notifier);
	else
		snprintf(buf, size, "%s notice (%s) to %s via %s",
		    j->kind == RELAY_NOTIFY_ON_CALL ? "on-call" : "off-call",
		    j->schedule, p, j->notifier);
	return buf;
}

/*
 * An attempt ended: delivered (ok), or failed with what (the words the
 * timeline shows: "502", "exit 3", "timed out after 10 s"), for good when
 * final.  detail (may be NULL) is for the log only.
 */
static void
attempt_over(struct relay *r, struct job *j, int ok, int final,
    const char *what, const char *detail)
{
	const struct relay_notifier *nf = relay_cfg_notifier(r->cfg,
	    j->notifier);
	char words[256], w[32], buf[RELAY_LOG_USER * 2];
	int64_t next_at = 0;
	int k = j->kind == RELAY_NOTIFY_PAGE ? 0 : 1;

	j->hc = NULL;
	if (ok) {
		r->m.notify_delivered[k]++;
		snprintf(words, sizeof words, "delivered");
	} else {
		r->m.notify_failed[k]++;
		if (!final && nf != NULL && j->attempts <= nf->retries) {
			int64_t wait = retry_wait(nf, j->attempts);

			next_at = wr_now_ms() + wait;
			wait_words(wait, w, sizeof w);
			snprintf(words, sizeof words, "%s, retrying in %s",
			    what, w);
		} else if (final) {
			snprintf(words, sizeof words, "%s, not retrying", what);
		} else {
			snprintf(words, sizeof words, "%s, gave up after %d "
			    "attempt%s", what, j->attempts,
			    j->attempts == 1 ? "" : "s");
		}
	}
	if (detail != NULL && detail[0] != '\0') {
		char d[RELAY_LOG_USER];

		relay_log(r, "%s, attempt %d: %s (%s)", who(j, buf, sizeof buf),
		    j->attempts, words, util_log_escape(detail, d, sizeof d));
	} else {
		relay_log(r, "%s, attempt %d: %s", who(j, buf, sizeof buf),
		    j->attempts, words);
	}
	if (j->kind == RELAY_NOTIFY_PAGE)
		page_event(r, j, words, next_at);
	if (next_at != 0) {
		j->due = next_at;
		return;
	}
	if (j->kind != RELAY_NOTIFY_PAGE)
		notice_done(r, j);
	job_unlink(r, j);
	job_free(j);
}

/* The message of a job's next attempt; strings borrowed from j and the
 * room. */
static int
job_msg(struct relay *r, const struct job *j, struct relay_notify_msg *m)
{
	memset(m, 0, sizeof *m);
	m->kind = j->kind;
	m->notifier = j->notifier;
	m->person = j->person;
	m->attempt = j->attempts + 1;
	m->time = wr_now_ms();
	if (j->kind == RELAY_NOTIFY_PAGE) {
		const struct wr_incident *inc = wr_room_get(&r->room,
		    j->incident);

		if (inc == NULL)
			return -1;
		m->incident = j->incident;
		m->title = inc->title;
		m->service = inc->service;
		m->severity = wr_severity_name(inc->severity);
		m->state = wr_state_name(inc->state);
		m->why = j->why;
	} else {
		m->schedule = j->schedule;
		m->from = j->from;
		m->until = j->until;
		m->next = j->next_person;
	}
	return 0;
}

/* ---- webhooks ------------------------------------------------------------- */

static void
hook_done(void *user, int status, const char *body, size_t len,
    const char *err)
{
	struct job *j = user;
	struct relay *r = j->r;
	char what[64];

	(void)body;
	(void)len;
	if (status >= 200 && status < 300) {
		attempt_over(r, j, 1, 0, NULL, NULL);
		return;
	}
	if (status > 0) {
		snprintf(what, sizeof what, "%d", status);
		attempt_over(r, j, 0, status >= 400 && status < 500 &&
		    status != 408 && status != 429, what, err);
		return;
	}
	/* no answer: err says why, in the log; the timeline a summary */
	attempt_over(r, j, 0, 0, err != NULL && strncmp(err, "timed out",
	    9) == 0 ? err : err != NULL && strncmp(err, "cannot resolve",
	    14) == 0 ? "cannot resolve its host" : "no answer", err);
}

/* The client vhost for a ca-file, made on first use; NULL when lws
 * cannot make it (the request then fails its certificate check). */
static struct lws_vhost *
ca_vhost(struct relay *r, const char *path)
{
	static struct lws_protocols protos[2];
	struct relay_notify *n = state(r);
	struct lws_context_creation_info info;
	struct ca_vhost *c;
	char name[32];

	for (size_t i = 0; i < n->n_ca; i++)
		if (!n->ca[i].stale && strcmp(n->ca[i].path, path) == 0)
			return n->ca[i].vh;
	protos[0] = relay_httpc_protocol;
	memset(&protos[1], 0, sizeof protos[1]);
	snprintf(name, sizeof name, "warroomd-ca-%zu", n->n_ca);
	memset(&info, 0, sizeof info);
	info.vhost_name = name;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protos;
	info.user = r;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.client_ssl_ca_filepath = path;
	n->ca = xrealloc(n->ca, (n->n_ca + 1) * sizeof *n->ca);
	c = &n->ca[n->n_ca++];
	c->path = xstrdup(path);
	c->stale = 0;
	if ((c->vh = lws_create_vhost(r->ctx, &info)) == NULL)
		relay_log(r, "notify: cannot make a TLS context for ca-file %s",
		    path);
	return c->vh;
}

static void
hook_start(struct relay *r, struct job *j, const struct relay_notifier *nf,
    const char *body)
{
	struct relay_httpc_spec spec;

	memset(&spec, 0, sizeof spec);
	spec.method = "POST";
	spec.host = nf->url_host;
	spec.port = nf->url_port;
	spec.tls = nf->url_tls;
	spec.path = nf->url_path;
	spec.ctype = "application/json";
	spec.body = body;
	spec.body_len = strlen(body);
	spec.limit = ANSWER_MAX;
	spec.timeout_ms = (int)nf->timeout_ms;
	spec.what = "notifier";
	if (nf->url_tls && nf->ca_path != NULL)
		spec.vhost = ca_vhost(r, nf->ca_path);
	j->hc = relay_httpc_start(r, &spec, hook_done, j);
}

/* ---- commands ------------------------------------------------------------- */

static char *
env_pair(const char *name, const char *value)
{
	char *c = clean(value, TEXT_MAX, 0), *s;

	/* one line each: a newline in a title stays out of the environment */
	for (char *p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	s = xasprintf("%s=%s", name, c);
	free(c);
	return s;
}

static char *
env_time(const char *name, int64_t ms)
{
	char buf[40];

	if (ms == INT64_MIN || ms == INT64_MAX || ms == 0)
		return xasprintf("%s=", name);
	wr_time_format(ms, buf, sizeof buf);
	return xasprintf("%s=%s", name, buf);
}

/*
 * The command's environment: PATH, HOME, LANG, LC_ALL and TZ as the relay
 * has them (nothing else of the relay's: no secret of its leaks), then
 * WARROOM_* saying what the JSON on stdin says.
 */
static char **
command_env(const struct relay_notify_msg *m)
{
	static const char *const keep[] = { "PATH", "HOME", "LANG", "LC_ALL",
	    "TZ" };
	char **env = xcalloc(32, sizeof *env), num[32];
	size_t n = 0;

	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		const char *v = getenv(keep[i]);

		if (v != NULL)
			env[n++] = xasprintf("%s=%s", keep[i], v);
		else if (strcmp(keep[i], "PATH") == 0)
			env[n++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	}
	env[n++] = env_pair("WARROOM_KIND", relay_notify_kind_name(m->kind));
	env[n++] = env_pair("WARROOM_PERSON", m->person);
	env[n++] = env_pair("WARROOM_NOTIFIER", m->notifier);
	snprintf(num, sizeof num, "%d", m->attempt);
	env[n++] = env_pair("WARROOM_ATTEMPT", num);
	env[n++] = env_time("WARROOM_TIME", m->time);
	if (m->kind == RELAY_NOTIFY_PAGE) {
		snprintf(num, sizeof num, "%lld", (long long)m->incident);
		env[n++] = env_pair("WARROOM_INCIDENT", num);
		env[n++] = env_pair("WARROOM_TITLE", m->title);
		env[n++] = env_pair("WARROOM_SERVICE", m->service);
		env[n++] = env_pair("WARROOM_SEVERITY", m->severity);
		env[n++] = env_pair("WARROOM_STATE", m->state);
		env[n++] = env_pair("WARROOM_WHY", m->why);
	} else {
		env[n++] = env_pair("WARROOM_SCHEDULE", m->schedule);
		env[n++] = env_time("WARROOM_FROM", m->from);
		env[n++] = env_time("WARROOM_UNTIL", m->until);
		if (m->kind == RELAY_NOTIFY_OFF_CALL)
			env[n++] = env_pair("WARROOM_NEXT", m->next != NULL ?
			    m->next : "");
	}
	env[n] = NULL;
	return env;
}

static void
env_free(char **env)
{
	for (size_t i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* Start the command; -1 with *why when it cannot be. */
static int
command_start(struct relay *r, struct job *j, const struct relay_notifier *nf,
    const struct relay_notify_msg *m, const char *body, char *why,
    size_t whysz)
{
	FILE *in;
	int out[2], in_fd;
	char **env;
	long maxfd = sysconf(_SC_OPEN_MAX);
	pid_t pid;
	size_t len = strlen(body);

	(void)r;
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	/* The body in an unlinked file: the child reads it at its own pace
	 * and the relay never waits on a pipe to it. */
	if ((in = tmpfile()) == NULL) {
		snprintf(why, whysz, "cannot make its input: %s",
		    strerror(errno));
		return -1;
	}
	if (fwrite(body, 1, len, in) != len || fflush(in) != 0 ||
	    fseek(in, 0, SEEK_SET) != 0) {
		snprintf(why, whysz, "cannot write its input: %s",
		    strerror(errno));
		fclose(in);
		return -1;
	}
	in_fd = fileno(in);
	if (pipe2(out, O_CLOEXEC) != 0) {
		snprintf(why, whysz, "pipe: %s", strerror(errno));
		fclose(in);
		return -1;
	}
	env = command_env(m);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whysz, "fork: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		fclose(in);
		env_free(env);
		return -1;
	}
	if (pid == 0) {
		/* the child: async-signal-safe calls only */
		sigset_t all;

		setpgid(0, 0);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (dup2(in_fd, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(out[1], 2) < 0)
			_exit(126);
		for (long fd = 3; fd < maxfd; fd++)
			close((int)fd);
		execle("/bin/sh", "sh", "-c", nf->command, (char *)NULL, env);
		_exit(127);
	}
	setpgid(pid, pid);	/* either side may win the race; both set it */
	close(out[1]);
	fclose(in);
	env_free(env);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	j->pid = pid;
	j->out_fd = out[0];
	j->out_len = 0;
	j->killed = 0;
	j->kill_at = wr_mono_ms() + nf->timeout_ms;
	return 0;
}

/* Read what the child wrote; keep the first OUTPUT_MAX bytes. */
static void
command_drain(struct job *j)
{
	char buf[4096];
	ssize_t n;

	while (j->out_fd >= 0) {
		n = read(j->out_fd, buf, sizeof buf);
		if (n > 0) {
			size_t k = (size_t)n;

			if (j->out_len + k > OUTPUT_MAX)
				k = OUTPUT_MAX - j->out_len;
			memcpy(j->out + j->out_len, buf, k);
			j->out_len += k;
			j->out[j->out_len] = '\0';
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			close(j->out_fd);
			j->out_fd = -1;
		}
		break;		/* EAGAIN: more later */
	}
}

/* One look at a command in flight: reaped, killed or still running. */
static void
command_check(struct relay *r, struct job *j)
{
	int st;
	pid_t w;
	char what[64];
	const struct relay_notifier *nf;

	command_drain(j);
	w = waitpid(j->pid, &st, WNOHANG);
	if (w == 0) {
		if (!j->killed && wr_mono_ms() >= j->kill_at) {
			kill(-j->pid, SIGKILL);
			kill(j->pid, SIGKILL);
			j->killed = 1;
		}
		return;
	}
	command_drain(j);
	if (j->out_fd >= 0) {
		close(j->out_fd);
		j->out_fd = -1;
	}
	/* whatever it left behind in its group goes too */
	kill(-j->pid, SIGKILL);
	j->pid = -1;
	nf = relay_cfg_notifier(r->cfg, j->notifier);
	if (w < 0) {
		attempt_over(r, j, 0, 0, "lost track of it", strerror(errno));
		return;
	}
	if (j->killed) {
		snprintf(what, sizeof what, "killed after %lld s",
		    nf != NULL ? (long long)((nf->timeout_ms + 999) / 1000) :
		    0LL);
		attempt_over(r, j, 0, 0, what, j->out);
		return;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		attempt_over(r, j, 1, 0, NULL, NULL);
		return;
	}
	if (WIFEXITED(st))
		snprintf(what, sizeof what, "exit %d", WEXITSTATUS(st));
	else
		snprintf(what, sizeof what, "killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	attempt_over(r, j, 0, 0, what, j->out);
}

/* ---- attempts ------------------------------------------------------------- */

/* Whether a page still has a reason to go out; else why not. */
static const char *
page_moot(struct relay *r, const struct job *j)
{
	const struct wr_incident *inc = wr_room_get(&r->room, j->incident);

	if (inc == NULL)
		return "the incident is gone";
	if (inc->state == WR_ST_RESOLVED)
		return "resolved meanwhile";
	if (inc->state == WR_ST_ACKNOWLEDGED)
		return "acknowledged meanwhile";
	return NULL;
}

static void
attempt_start(struct relay *r, struct job *j)
{
	const struct relay_notifier *nf = relay_cfg_notifier(r->cfg,
	    j->notifier);
	struct relay_notify_msg m;
	char why[160], buf[RELAY_LOG_USER * 2];
	const char *moot;
	char *body;

	if (nf == NULL || !relay_cfg_notifier_serves(nf, j->person)) {
		/* a reload took the notifier away, or this person from it */
		relay_log(r, "%s: the notifier no longer serves them; dropped",
		    who(j, buf, sizeof buf));
		if (j->kind == RELAY_NOTIFY_PAGE)
			page_event(r, j, "not sent: the notifier no longer "
			    "serves them", 0);
		job_unlink(r, j);
		job_free(j);
		return;
	}
	if (j->kind == RELAY_NOTIFY_PAGE && j->attempts > 0 &&
	    (moot = page_moot(r, j)) != NULL) {
		char words[96];

		snprintf(words, sizeof words, "not retried: %s", moot);
		relay_log(r, "%s: %s", who(j, buf, sizeof buf), words);
		page_event(r, j, words, 0);
		job_unlink(r, j);
		job_free(j);
		return;
	}
	if (job_msg(r, j, &m) != 0) {
		job_unlink(r, j);
		job_free(j);
		return;
	}
	body = nf->type == RELAY_NOTIFIER_WEBHOOK && nf->slack ?
	    relay_notify_slack(&m) : relay_notify_json(&m);
	j->attempts++;
	j->due = 0;
	j->started = wr_mono_ms();
	r->m.notify_attempted[j->kind == RELAY_NOTIFY_PAGE ? 0 : 1]++;
	if (nf->type == RELAY_NOTIFIER_WEBHOOK) {
		hook_start(r, j, nf, body);
	} else if (command_start(r, j, nf, &m, body, why, sizeof why) != 0) {
		free(body);
		attempt_over(r, j, 0, 0, "cannot run it", why);
		return;
	}
	free(body);
}

void
relay_notify_page(struct relay *r, int64_t incident, const char *person,
    const char *why)
{
	char p[RELAY_LOG_USER], w[RELAY_LOG_USER];
	int n = 0;

	if (person == NULL || person[0] == '\0' ||
	    wr_room_get(&r->room, incident) == NULL)
		return;
	for (size_t i = 0; i < r->cfg->n_notifiers; i++) {
		const struct relay_notifier *nf = &r->cfg->notifiers[i];
		struct job *j;

		if (!relay_cfg_notifier_serves(nf, person))
			continue;
		n++;
		if ((j = page_job(r, incident, person, nf->name)) != NULL) {
			/* one delivery at a time: the retry says the news */
			util_set_str(&j->why, why);
			continue;
		}
		j = job_add(r, RELAY_NOTIFY_PAGE, nf->name, person);
		j->incident = incident;
		j->why = xstrdup0(why);
		j->due = wr_now_ms();
	}
	relay_log(r, "page #%lld for %s (%s): %d notifier%s",
	    (long long)incident, util_log_escape(person, p, sizeof p),
	    util_log_escape(why != NULL ? why : "", w, sizeof w), n,
	    n == 1 ? "" : "s");
	if (n > 0)
		kick(r);
}

/* ---- handoff notices ------------------------------------------------------ */

static struct schedule_state *
sched_state(struct relay *r, const char *name)
{
	struct relay_notify *n = state(r);
	struct schedule_state *s;

	for (size_t i = 0; i < n->n_sched; i++)
		if (strcmp(n->sched[i].name, name) == 0)
			return &n->sched[i];
	n->sched = xrealloc(n->sched, (n->n_sched + 1) * sizeof *n->sched);
	s = &n->sched[n->n_sched++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	return s;
}

/*
 * The record of a notifier's notices of a schedule's handoffs: the key,
 * malloc'd ("on.pager.primary"), and the value, a JSON array of the last
 * NOTICE_KEPT handoffs told and to whom ([[1772960400000,"frank"], ...]):
 * several handoffs of one schedule may fall in one window (overrides an
 * hour apart), each told once.
 */
#define NOTICE_KEPT	16

static char *
notice_key(enum relay_notify_kind kind, const char *notifier,
    const char *schedule)
{
	return xasprintf("%s.%s.%s", kind == RELAY_NOTIFY_ON_CALL ? "on" :
	    "off", notifier, schedule);
}

static int64_t
notice_handoff(enum relay_notify_kind kind, int64_t from, int64_t until)
{
	return kind == RELAY_NOTIFY_ON_CALL ? from : until;
}

/* The handoffs recorded under key, a JSON array (empty when none or
 * unreadable: a notice is then sent again rather than lost). */
static json_t *
notice_record(struct relay *r, const char *key)
{
	char *v = NULL, *cause = NULL;
	json_t *a = NULL;

	if (store_notice_get(r->store, key, &v, &cause) != 0) {
		relay_log(r, "handoff notices: %s", cause);
		free(cause);
	} else if (v != NULL)
		a = json_loads(v, 0, NULL);
	free(v);
	if (!json_is_array(a)) {
		json_decref(a);
		a = json_array();
	}
	return a;
}

/* Whether record a has the handoff told to person. */
static int
notice_in(const json_t *a, int64_t handoff, const char *person)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		json_t *h = json_array_get(e, 0), *p = json_array_get(e, 1);

		if (json_is_integer(h) && json_integer_value(h) == handoff &&
		    json_is_string(p) && strcmp(json_string_value(p),
		    person) == 0)
			return 1;
	}
	return 0;
}

/* Whether notifier has told person of this handoff (before a restart). */
static int
notice_told(struct relay *r, enum relay_notify_kind kind,
    const char *notifier, const char *schedule, int64_t handoff,
    const char *person)
{
	char *key = notice_key(kind, notifier, schedule);
	json_t *a = notice_record(r, key);
	int told = notice_in(a, handoff, person);

	json_decref(a);
	free(key);
	return told;
}

/* A notice delivered or given up: recorded as told, with the last
 * NOTICE_KEPT - 1 before it. */
static void
notice_done(struct relay *r, const struct job *j)
{
	char *key = notice_key(j->kind, j->notifier, j->schedule), *v;
	int64_t handoff = notice_handoff(j->kind, j->from, j->until);
	json_t *a = notice_record(r, key);
	char *cause = NULL;

	if (!notice_in(a, handoff, j->person)) {
		json_t *e = json_array();

		json_array_append_new(e, json_integer(handoff));
		json_array_append_new(e, json_string(j->person));
		json_array_append_new(a, e);
	}
	while (json_array_size(a) > NOTICE_KEPT)
		json_array_remove(a, 0);
	v = json_dumps(a, JSON_COMPACT);
	if (v == NULL || store_notice_put(r->store, key, v, &cause) != 0) {
		/* the notice went; a restart may send it again */
		relay_log(r, "handoff notices: not recorded: %s",
		    cause != NULL ? cause : "out of memory");
		free(cause);
	}
	free(v);
	json_decref(a);
	free(key);
}

/* A notice to every notifier serving person that has not told it. */
static void
notice(struct relay *r, enum relay_notify_kind kind, const char *schedule,
    const char *person, int64_t from, int64_t until, const char *next)
{
	for (size_t i = 0; i < r->cfg->n_notifiers; i++) {
		const struct relay_notifier *nf = &r->cfg->notifiers[i];
		struct job *j;

		if (!relay_cfg_notifier_serves(nf, person) ||
		    notice_told(r, kind, nf->name, schedule,
		    notice_handoff(kind, from, until), person))
			continue;
		j = job_add(r, kind, nf->name, person);
		j->schedule = xstrdup(schedule);
		j->from = from;
		j->until = until;
		j->next_person = xstrdup0(next);
		j->due = wr_now_ms();
	}
}

static void
handoffs(struct relay *r, int64_t now)
{
	for (size_t i = 0; i < r->cfg->n_schedules; i++) {
		const struct relay_schedule *rs = &r->cfg->schedules[i];
		const struct wr_schedule *s = rs->s;
		struct schedule_state *st;
		struct wr_oncall cur, nx;

		if (rs->handoff_notice_ms <= 0 || r->cfg->n_notifiers == 0)
			continue;
		st = sched_state(r, s->name);
		wr_schedule_at(s, now, &cur);
		/* off call: someone was on call until a handoff just now,
		 * and someone else is, or nobody */
		if (cur.since != INT64_MIN && now - cur.since <
		    OFF_CALL_GRACE_MS) {
			struct wr_oncall before;

			wr_schedule_at(s, cur.since - 1, &before);
			if (before.person != NULL && (cur.person == NULL ||
			    strcmp(cur.person, before.person) != 0) &&
			    (st->off_sent != cur.since || st->off_person ==
			    NULL || strcmp(st->off_person, before.person) !=
			    0)) {
				st->off_sent = cur.since;
				util_set_str(&st->off_person, before.person);
				notice(r, RELAY_NOTIFY_OFF_CALL, s->name,
				    before.person, before.since, cur.since,
				    cur.person);
			}
		}
		/* on call now, by a handoff just past that no notice went
		 * ahead of: an override from now has no window before it
		 * (one told ahead is in the record, and not told again) */
		if (cur.person != NULL && cur.since != INT64_MIN &&
		    now - cur.since < OFF_CALL_GRACE_MS &&
		    (st->now_sent != cur.since || st->now_person == NULL ||
		    strcmp(st->now_person, cur.person) != 0)) {
			struct wr_oncall before;

			st->now_sent = cur.since;
			util_set_str(&st->now_person, cur.person);
			wr_schedule_at(s, cur.since - 1, &before);
			if ((before.person == NULL || strcmp(before.person,
			    cur.person) != 0) && (st->on_sent != cur.since ||
			    st->on_person == NULL || strcmp(st->on_person,
			    cur.person) != 0))
				notice(r, RELAY_NOTIFY_ON_CALL, s->name,
				    cur.person, cur.since, cur.until, NULL);
		}
		/* on call soon: whoever takes over next, once */
		if (wr_schedule_next_person(s, now, &nx) == 0 &&
		    nx.person != NULL && nx.since > now &&
		    nx.since - rs->handoff_notice_ms <= now &&
		    (st->on_sent != nx.since || st->on_person == NULL ||
		    strcmp(st->on_person, nx.person) != 0)) {
			st->on_sent = nx.since;
			util_set_str(&st->on_person, nx.person);
			notice(r, RELAY_NOTIFY_ON_CALL, s->name, nx.person,
			    nx.since, nx.until, NULL);
		}
	}
}

/* ---- the relay's side ----------------------------------------------------- */

void
relay_notify_tick(struct relay *r)
{
	int64_t now = wr_now_ms();
	struct job *j, *next;

	if (r->stopping)
		return;
	handoffs(r, now);
	for (j = state(r)->jobs; j != NULL; j = next) {
		next = j->next;
		if (j->pid > 0)
			command_check(r, j);
		else if (j->due != 0 && j->due <= now && j->hc == NULL)
			attempt_start(r, j);
	}
}

void
relay_notify_committed(struct relay *r, const struct wr_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct wr_event *e = &ev[i];
		char why[160];

		/* a person assigns someone else: that one is paged */
		if (e->kind != WR_EV_ASSIGNED || e->text == NULL ||
		    e->actor == NULL || e->op_id == NULL ||
		    strcmp(e->actor, e->text) == 0)
			continue;
		snprintf(why, sizeof why, "assigned by %.64s", e->actor);
		relay_notify_page(r, e->incident, e->text, why);
	}
}

void
relay_notify_config_changed(struct relay *r)
{
	struct relay_notify *n = r->notify;

	if (n == NULL)
		return;
	/* A ca-file may say something else now: new vhosts read it anew;
	 * the old ones go with the relay (requests may still use them). */
	for (size_t i = 0; i < n->n_ca; i++)
		n->ca[i].stale = 1;
}

void
relay_notify_start(struct relay *r)
{
	struct wr_evlist ev = { NULL, 0, 0 };
	char *cause = NULL;
	int64_t now = wr_now_ms();
	size_t taken = 0;

	if (store_events_of_kind_since(r->store, WR_EV_NOTIFIED,
	    now - RELAY_NOTIFY_HORIZON_MS, &ev, &cause) != 0) {
		relay_log(r, "notify: cannot read the pending retries: %s",
		    cause);
		free(cause);
		return;
	}
	/* newest first: the first event of a triple says where it stands */
	for (size_t i = ev.n; i > 0; i--) {
		const struct wr_event *e = &ev.v[i - 1];
		struct job *j;
		int done = 0;

		if (e->person == NULL || e->notifier == NULL)
			continue;
		for (size_t k = ev.n; k > i; k--) {
			const struct wr_event *o = &ev.v[k - 1];

			if (o->incident == e->incident && o->person != NULL &&
			    o->notifier != NULL &&
			    strcmp(o->person, e->person) == 0 &&
			    strcmp(o->notifier, e->notifier) == 0) {
				done = 1;	/* a newer one decides */
				break;
			}
		}
		if (done || e->next_at == 0 ||
		    page_job(r, e->incident, e->person, e->notifier) != NULL)
			continue;
		j = job_add(r, RELAY_NOTIFY_PAGE, e->notifier, e->person);
		j->incident = e->incident;
		j->attempts = (int)e->count;
		j->why = xstrdup0(e->why);	/* the reason, as the log says */
		j->due = e->next_at > now ? e->next_at : now;
		taken++;
	}
	wr_evlist_free(&ev);
	if (taken > 0)
		relay_log(r, "notify: %zu page%s to retry, as the log says",
		    taken, taken == 1 ? "" : "s");
}

void
relay_notify_stop(struct relay *r)
{
	struct job *j, *next;

	if (r->notify == NULL)
		return;
	for (j = r->notify->jobs; j != NULL; j = next) {
		next = j->next;
		if (j->kind != RELAY_NOTIFY_PAGE || (j->hc == NULL &&
		    j->pid <= 0))
			continue;
		/* in flight: whatever becomes of it, say it is to be tried
		 * again, so that the restart does */
		page_event(r, j, "interrupted by the relay's stop, retrying "
		    "after its restart", wr_now_ms() + INTERRUPTED_RETRY_MS);
	}
}

void
relay_notify_free(struct relay *r)
{
	struct relay_notify *n = r->notify;

	if (n == NULL)
		return;
	if (n->kick_on)
		lws_sul_cancel(&n->kick);
	while (n->jobs != NULL) {
		struct job *j = n->jobs;

		n->jobs = j->next;
		if (j->hc != NULL)
			relay_httpc_cancel(j->hc);
		if (j->pid > 0) {
			kill(-j->pid, SIGKILL);
			kill(j->pid, SIGKILL);
			waitpid(j->pid, NULL, 0);
		}
		if (j->out_fd >= 0)
			close(j->out_fd);
		job_free(j);
	}
	for (size_t i = 0; i < n->n_sched; i++) {
		free(n->sched[i].name);
		free(n->sched[i].off_person);
		free(n->sched[i].on_person);
		free(n->sched[i].now_person);
	}
	free(n->sched);
	for (size_t i = 0; i < n->n_ca; i++) {
		if (n->ca[i].vh != NULL)
			lws_vhost_destroy(n->ca[i].vh);
		free(n->ca[i].path);
	}
	free(n->ca);
	free(n);
	r->notify = NULL;
}
