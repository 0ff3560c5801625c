/*
 * postmortem.c: versions, the conflict marking, the template and action
 * items of an incident's postmortem (postmortem.h).  Pure.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postmortem.h"
#include "sanitize.h"
#include "timefmt.h"
#include "util.h"

const char wr_pm_default_template[] =
    "# Postmortem: #{id} {title}\n"
    "\n"
    "- Service: {service}\n"
    "- Severity: {severity}\n"
    "- Started: {started}\n"
    "- Acknowledged: {acknowledged} by {acked_by} (after {time_to_ack})\n"
    "- Resolved: {resolved} by {resolved_by} (after {time_to_resolve})\n"
    "- Responders: {responders}\n"
    "\n"
    "## Summary\n"
    "\n"
    "What happened, in two or three sentences.\n"
    "\n"
    "## Impact\n"
    "\n"
    "Who was affected, how, and for how long ({duration}).\n"
    "\n"
    "## Timeline (UTC)\n"
    "\n"
    "{timeline}\n"
    "\n"
    "## Root cause\n"
    "\n"
    "## What went well\n"
    "\n"
    "## What went badly\n"
    "\n"
    "## Action items\n"
    "\n"
    "One item a line, \"- [ ] OWNER: what will be done\" (\"- [x]\" when it\n"
    "is done); warroom actions lists them across incidents.\n"
    "\n";

void
wr_pm_history_build(struct wr_pm_history *h, const struct wr_event *ev,
    size_t n)
{
	size_t cap = 0;

	memset(h, 0, sizeof *h);
	for (size_t i = 0; i < n; i++) {
		const struct wr_event *e = &ev[i];
		struct wr_pm_version *v;

		if (e->kind != WR_EV_POSTMORTEM || e->text == NULL ||
		    e->version != (int64_t)h->n + 1 || e->base < 0 ||
		    e->base >= e->version)
			continue;
		if (h->n == cap) {
			cap = cap ? cap * 2 : 4;
			h->v = xrealloc(h->v, cap * sizeof *h->v);
		}
		v = &h->v[h->n++];
		memset(v, 0, sizeof *v);
		v->version = e->version;
		v->base = e->base;
		v->seq = e->seq;
		v->at = wr_event_acted_at(e);
		v->by = e->actor;
		v->text = e->text;
		if (v->base < v->version - 1) {
			v->missed = v->base + 1;
			v->missed_by = h->v[v->base].by;
		}
		/* what it was edited from, and everything before, it saw */
		for (int64_t k = 0; k < v->base; k++)
			h->v[k].superseded = 1;
	}
}

void
wr_pm_history_free(struct wr_pm_history *h)
{
	free(h->v);
	memset(h, 0, sizeof *h);
}

const struct wr_pm_version *
wr_pm_history_get(const struct wr_pm_history *h, int64_t v)
{
	if (v < 1 || (uint64_t)v > h->n)
		return NULL;
	return &h->v[v - 1];
}

const struct wr_pm_version *
wr_pm_history_latest(const struct wr_pm_history *h)
{
	return h->n > 0 ? &h->v[h->n - 1] : NULL;
}

void
wr_pm_conflict_words(const struct wr_pm_version *v, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	if (v == NULL || v->missed == 0)
		return;
	if (v->base == 0)
		snprintf(buf, size, "started from the template; v%lld by %s "
		    "came first", (long long)v->missed,
		    v->missed_by ? v->missed_by : "?");
	else
		snprintf(buf, size, "based on v%lld; v%lld by %s came first",
		    (long long)v->base, (long long)v->missed,
		    v->missed_by ? v->missed_by : "?");
}

char *
wr_pm_editor_text(const struct wr_pm_history *h, int64_t *base)
{
	const struct wr_pm_version *latest = wr_pm_history_latest(h);
	char *out, *next;

	*base = 0;
	if (latest == NULL)
		return NULL;
	*base = latest->version;
	out = xstrdup(latest->text);
	for (size_t i = 0; i + 1 < h->n; i++) {
		const struct wr_pm_version *v = &h->v[i];
		size_t len = strlen(out);

		if (v->superseded)
			continue;
		next = xasprintf("%s%s\n<<<<<<< v%lld by %s, saved beside "
		    "v%lld: merge what you keep above, then delete from here "
		    "to the line >>>>>>> v%lld\n%s%s>>>>>>> v%lld\n", out,
		    len > 0 && out[len - 1] != '\n' ? "\n" : "",
		    (long long)v->version, v->by ? v->by : "?",
		    (long long)latest->version, (long long)v->version,
		    v->text, v->text[0] != '\0' &&
		    v->text[strlen(v->text) - 1] != '\n' ? "\n" : "",
		    (long long)v->version);
		free(out);
		out = next;
	}
	return out;
}

int64_t
wr_pm_merge_block(const char *text)
{
	for (const char *p = text; p != NULL && *p != '\0';) {
		long long v;
		char end[32];

		if (strncmp(p, "<<<<<<< v", 9) == 0 &&
		    sscanf(p + 9, "%lld", &v) == 1 && v > 0) {
			int k = snprintf(end, sizeof end, "\n>>>>>>> v%lld", v);
			const char *q = strstr(p, end);

			if (q != NULL && (q[k] == '\n' || q[k] == '\0' ||
			    q[k] == '\r'))
				return v;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* ---- the template -------------------------------------------------------- */

void
wr_pm_duration(int64_t ms, char *buf, size_t size)
{
	static const struct { int64_t s; const char *u; } units[] = {
		{ 86400, "d" }, { 3600, "h" }, { 60, "m" }, { 1, "s" }
	};
	int64_t s = ms < 0 ? 0 : ms / 1000;

	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		int64_t big = s / units[i].s, rest;

		if (big == 0 && units[i].s > 1)
			continue;
		if (i + 1 < sizeof units / sizeof units[0] &&
		    (rest = (s % units[i].s) / units[i + 1].s) > 0)
			snprintf(buf, size, "%lld%s %lld%s", (long long)big,
			    units[i].u, (long long)rest, units[i + 1].u);
		else
			snprintf(buf, size, "%lld%s", (long long)big,
			    units[i].u);
		return;
	}
}

/* "2026-11-27T09:02:00Z": to the second, for people. */
static void
pm_time(int64_t ms, char *buf, size_t size)
{
	char full[40];

	wr_time_format(ms, full, sizeof full);
	if (strlen(full) >= 20 && full[19] == '.')
		snprintf(buf, size, "%.19sZ", full);
	else
		snprintf(buf, size, "%s", full);
}

/* A kind a person's op makes (its events say when the person acted). */
static int
by_person(const struct wr_event *e)
{
	return (wr_event_kind_info(e->kind)->fields & WR_EVF(MADE_AT)) != 0;
}

struct fill {
	const struct wr_incident *inc;
	const struct wr_event *ev;
	size_t n;
	char buf[128];
	char *owned;	/* the last malloc'd value, freed by the next */
};

static const char *
fill_owned(struct fill *f, char *s)
{
	free(f->owned);
	f->owned = s;
	return s;
}

/* Text from the wire, inert in the Markdown the template makes: no
 * control character reaches the editor's file, and an alert's summary
 * cannot open a heading, a link or HTML in the document or its export. */
static char *
inert(const char *s)
{
	return sanitize_markdown(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

static const char *
fill_inert(struct fill *f, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return NULL;
	return fill_owned(f, inert(s));
}

static const char *
fill_time(struct fill *f, int64_t ms)
{
	if (ms <= 0)
		return NULL;
	pm_time(ms, f->buf, sizeof f->buf);
	return f->buf;
}

static const char *
fill_span(struct fill *f, int64_t from, int64_t to)
{
	if (from <= 0 || to <= 0 || to < from)
		return NULL;
	wr_pm_duration(to - from, f->buf, sizeof f->buf);
	return f->buf;
}

int64_t
wr_pm_first_ack(const struct wr_incident *inc, const struct wr_event *ev,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == WR_EV_ACKNOWLEDGED)
			return wr_event_acted_at(&ev[i]);
	return inc->ack_at;
}

static int64_t
first_ack(const struct fill *f)
{
	return wr_pm_first_ack(f->inc, f->ev, f->n);
}

/* One who responded: a person's event, not the postmortem's.  A person's
 * op always says when it was made (the relay fills made_at in); the same
 * kind planned from a source (Alertmanager resolving its group) does not,
 * and its actor is the source, not a responder. */
static int
responded(const struct wr_event *e)
{
	return by_person(e) && e->made_at != 0 &&
	    e->kind != WR_EV_POSTMORTEM && e->actor != NULL &&
	    e->actor[0] != '\0';
}

size_t
wr_pm_responders(const struct wr_event *ev, size_t n, const char ***out)
{
	size_t k = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		int seen = 0;

		if (!responded(&ev[i]))
			continue;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp((*out)[j], ev[i].actor) == 0;
		if (seen)
			continue;
		*out = xrealloc(*out, (k + 1) * sizeof **out);
		(*out)[k++] = ev[i].actor;
	}
	return k;
}

static char *
fill_responders(const struct fill *f)
{
	const char **who;
	size_t n = wr_pm_responders(f->ev, f->n, &who);
	char *out = xstrdup(""), *next;

	for (size_t i = 0; i < n; i++) {
		char *w = inert(who[i]);

		next = xasprintf("%s%s%s", out, i ? ", " : "", w);
		free(w);
		free(out);
		out = next;
	}
	free(who);
	return out;
}

/* A kind a storm is made of: an alert's firing or resolving. */
static int
storm_kind(const struct wr_event *e)
{
	return (wr_event_kind_info(e->kind)->fields & WR_EVF(ALERT)) != 0;
}

/*
 * One list item per event; a source's run of one alert kind (300 alerts
 * firing) is one item.  The relay's own events each say whom they are
 * about (notified alice, then bob), so they stay items of their own.
 * The postmortem's own saves are not part of the outage.
 */
static char *
fill_timeline(const struct fill *f)
{
	char *out = xstrdup(""), *next;

	for (size_t i = 0; i < f->n; i++) {
		const struct wr_event *e = &f->ev[i];
		char when[40], *words, *actor;
		size_t run = 1;

		if (e->kind == WR_EV_POSTMORTEM)
			continue;
		if (storm_kind(e))
			while (i + run < f->n && f->ev[i + run].kind == e->kind)
				run++;
		pm_time(wr_event_acted_at(e), when, sizeof when);
		{
			char *raw = wr_event_words(e);

			words = inert(raw);
			free(raw);
		}
		actor = inert(e->actor ? e->actor : "?");
		if (run > 1)
			next = xasprintf("%s%s- %s %s x%zu (by %s)", out,
			    out[0] ? "\n" : "", when,
			    wr_event_phrase(e->kind), run, actor);
		else
			next = xasprintf("%s%s- %s %s: %s", out,
			    out[0] ? "\n" : "", when, actor, words);
		free(words);
		free(actor);
		free(out);
		out = next;
		i += run - 1;
	}
	return out;
}

static const char *
fill_value(void *ud, const char *name)
{
	struct fill *f = ud;
	const struct wr_incident *inc = f->inc;

	if (strcmp(name, "id") == 0) {
		snprintf(f->buf, sizeof f->buf, "%lld", (long long)inc->id);
		return f->buf;
	}
	if (strcmp(name, "title") == 0)
		return fill_inert(f, inc->title);
	if (strcmp(name, "service") == 0)
		return fill_inert(f, inc->service);
	if (strcmp(name, "severity") == 0)
		return wr_severity_name(inc->severity);
	if (strcmp(name, "state") == 0)
		return wr_state_name(inc->state);
	if (strcmp(name, "started") == 0)
		return fill_time(f, inc->created);
	if (strcmp(name, "acknowledged") == 0)
		return fill_time(f, first_ack(f));
	if (strcmp(name, "resolved") == 0)
		return fill_time(f, inc->resolved_at);
	if (strcmp(name, "duration") == 0)
		return fill_span(f, inc->created, inc->resolved_at > 0 ?
		    inc->resolved_at : inc->updated);
	if (strcmp(name, "time_to_ack") == 0)
		return fill_span(f, inc->created, first_ack(f));
	if (strcmp(name, "time_to_resolve") == 0)
		return fill_span(f, inc->created, inc->resolved_at);
	if (strcmp(name, "acked_by") == 0) {
		for (size_t i = 0; i < f->n; i++)
			if (f->ev[i].kind == WR_EV_ACKNOWLEDGED)
				return fill_inert(f, f->ev[i].actor);
		return fill_inert(f, inc->ack_by);
	}
	if (strcmp(name, "resolved_by") == 0)
		return fill_inert(f, inc->resolved_by);
	if (strcmp(name, "assignee") == 0)
		return fill_inert(f, inc->assignee);
	if (strcmp(name, "responders") == 0)
		return fill_owned(f, fill_responders(f));
	if (strcmp(name, "timeline") == 0)
		return fill_owned(f, fill_timeline(f));
	return NULL;
}

/* A known name whose value is unknown (not acknowledged yet) says so. */
static const char *
fill_known(void *ud, const char *name)
{
	const char *v = fill_value(ud, name);

	if ((v == NULL || v[0] == '\0') && wr_pm_placeholder_known(name))
		return "-";
	return v;
}

static const char *const placeholders[] = {
	"id", "title", "service", "severity", "state", "started",
	"acknowledged", "resolved", "duration", "time_to_ack",
	"time_to_resolve", "acked_by", "resolved_by", "assignee",
	"responders", "timeline", NULL
};

int
wr_pm_placeholder_known(const char *name)
{
	for (size_t i = 0; placeholders[i] != NULL; i++)
		if (strcmp(name, placeholders[i]) == 0)
			return 1;
	return 0;
}

char *
wr_pm_template_fill(const char *tmpl, const struct wr_incident *inc,
    const struct wr_event *ev, size_t n)
{
	struct fill f = { .inc = inc, .ev = ev, .n = n };
	char *out = wr_template(tmpl, fill_known, &f);

	free(f.owned);
	return out;
}

/* ---- action items -------------------------------------------------------- */

static char *
trimmed(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* One line (len bytes at p): 1 and *a filled when it is an item. */
static int
action_line(const char *p, size_t len, struct wr_pm_action *a)
{
	const char *end = p + len, *colon;
	int done;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 6 || (p[0] != '-' && p[0] != '*') || p[1] != ' ' ||
	    p[2] != '[' || p[4] != ']' || p[5] != ' ')
		return 0;
	if (p[3] == ' ')
		done = 0;
	else if (p[3] == 'x' || p[3] == 'X')
		done = 1;
	else
		return 0;
	p += 6;
	if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
		return 0;
	a->done = done;
	a->owner = trimmed(p, (size_t)(colon - p));
	a->text = trimmed(colon + 1, (size_t)(end - colon - 1));
	/* an owner is a name: one word; "- [ ] see: the docs" is not one */
	if (a->owner[0] == '\0' || strpbrk(a->owner, " \t") != NULL ||
	    a->text[0] == '\0') {
		free(a->owner);
		free(a->text);
		return 0;
	}
	return 1;
}

size_t
wr_pm_actions_parse(const char *text, struct wr_pm_action **out)
{
	size_t n = 0, cap = 0;
	int line = 1;

	*out = NULL;
	for (const char *p = text; p != NULL && *p != '\0'; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct wr_pm_action a;

		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (action_line(p, len, &a)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				*out = xrealloc(*out, cap * sizeof **out);
			}
			a.line = line;
			(*out)[n++] = a;
		}
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

void
wr_pm_actions_free(struct wr_pm_action *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].owner);
		free(a[i].text);
	}
	free(a);
}
