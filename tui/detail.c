/*
 * detail.c: the selected incident, in the order an outage reads it: its
 * summary (state, who acknowledged or resolved it, severity and what the
 * source called it, service, assignee, counts, ops of ours still queued or
 * refused), then its timeline (every event with its time, actor and text;
 * people's notes and actions marked and in full colour, a machine's are
 * dim, and a machine's storm of alert events is one line), then its alerts
 * (where they came from, what differs across them for a group of more than
 * a few, then each with its labels and annotations, runbook and dashboard
 * links in full, the firing ones first).  Scrollable.
 *
 * The console keeps incident summaries in memory; alerts and the timeline
 * are read from the store when an incident is opened (selected), and again
 * when an event for it arrives (or its summary changed, or tui_reload()):
 * never because another incident changed.  While events for the open
 * incident keep coming (a storm into it), the reads are rate-limited: a
 * few at once when they are cheap, then at most one per REFRESH_MIN_US,
 * and no more often than ten times what the last read and build cost, so
 * that an incident with a long timeline costs about a tenth of the time
 * (a read at least every REFRESH_MAX_US); the pane shows the previous
 * read meanwhile.  Without a store there is no timeline
 * ("no timeline stored"); alerts then come from the room when it keeps
 * them.  The text is sanitised, then wrapped into lines for the pane's
 * width, again only when the data, the summary, our ops on it or the width
 * changed; drawing is a copy of the lines on screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/labelsum.h"
#include "core/policy.h"
#include "core/sanitize.h"
#include "core/schedule.h"
#include "core/postmortem.h"
#include "core/util.h"
#include "store/store.h"
#include "tui/tui-int.h"

struct dseg {
	int x;
	int role;
	char *text;		/* sanitised and fitted */
};

#define DLINE_SEGS	4	/* margin, time, actor, words */

struct dline {
	struct dseg seg[DLINE_SEGS];
	int n;
};

struct detail {
	int64_t id;		/* the incident whose data is loaded */
	int need_load;
	int loaded;		/* id's data were read: a load is a refresh */
	struct wr_evlist ev;
	struct wr_alert *alerts;
	size_t n_alerts;
	char *load_error;
	int64_t tat_us;		/* refresh rate limit (GCRA), monotonic */
	int64_t cost_us;	/* of the last read and build */

	struct dline *lines;
	size_t n, cap;
	int need_build;
	int built_w;
	uint64_t built_sum;	/* summary_hash() of what the lines show */
	int64_t stale_at;	/* wall ms a line built says something else
				 * (who is on call, a step due): built again */
	int scroll;
};

#define KEY_W	10		/* "Severity  " */

/* Refreshes of the open incident from the store: one per interval,
 * REFRESH_COST_X times what the last read and build cost, within
 * [REFRESH_MIN_US, REFRESH_MAX_US]; a cheap one (an incident with a short
 * timeline) may come REFRESH_BURST at once, so that a few events in a row
 * show at once. */
#define REFRESH_BURST	3
#define REFRESH_CHEAP_US	20000
#define REFRESH_COST_X	10
#define REFRESH_MIN_US	250000
#define REFRESH_MAX_US	2000000

static struct detail *
detail_of(const struct tui *t)
{
	return t->pane[PANE_DETAIL].priv;
}

/* ---- loading ---------------------------------------------------------------- */

static void
data_clear(struct detail *d)
{
	wr_evlist_free(&d->ev);
	memset(&d->ev, 0, sizeof d->ev);
	for (size_t i = 0; i < d->n_alerts; i++)
		wr_alert_free(&d->alerts[i]);
	free(d->alerts);
	d->alerts = NULL;
	d->n_alerts = 0;
	free(d->load_error);
	d->load_error = NULL;
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static uint64_t
mix_str(uint64_t h, const char *s)
{
	static const unsigned char none = 0, some = 1;

	if (s == NULL)
		return mix(h, &none, 1);
	h = mix(h, &some, 1);
	return mix(h, s, strlen(s) + 1);
}

#define MIX(h, v)	mix((h), &(v), sizeof (v))

/* A hash of what build() shows of the incident itself (FNV-1a). */
static uint64_t
summary_hash(const struct wr_incident *inc)
{
	uint64_t h = UINT64_C(14695981039346656037);

	if (inc == NULL)
		return h;
	h = MIX(h, inc->id);
	h = MIX(h, inc->state);
	h = MIX(h, inc->severity);
	h = MIX(h, inc->ack_at);
	h = MIX(h, inc->resolved_at);
	h = MIX(h, inc->created);
	h = MIX(h, inc->updated);
	h = MIX(h, inc->n_alerts);
	h = MIX(h, inc->n_firing);
	h = MIX(h, inc->n_notes);
	h = MIX(h, inc->truncated);
	h = MIX(h, inc->pm_version);
	h = mix_str(h, inc->pm_by);
	h = mix_str(h, inc->severity_by);
	h = mix_str(h, inc->title);
	h = mix_str(h, inc->service);
	h = mix_str(h, inc->severity_raw);
	h = mix_str(h, inc->ack_by);
	h = mix_str(h, inc->resolved_by);
	h = mix_str(h, inc->assignee);
	h = MIX(h, inc->esc_since);
	h = MIX(h, inc->esc_fired);
	h = MIX(h, inc->esc_next_at);
	h = MIX(h, inc->snooze_until);
	h = mix_str(h, inc->esc_policy);
	h = mix_str(h, inc->esc_target);
	h = mix_str(h, inc->source);
	h = mix_str(h, inc->key);
	h = MIX(h, inc->n_silences);
	for (size_t i = 0; i < inc->n_silences; i++) {
		h = MIX(h, inc->silences[i].ends);
		h = mix_str(h, inc->silences[i].id);
		h = mix_str(h, inc->silences[i].matchers);
	}
	h = MIX(h, inc->alerts_len);
	for (size_t i = 0; i < inc->alerts_len; i++) {
		h = MIX(h, inc->alerts[i].firing);
		h = MIX(h, inc->alerts[i].starts);
		h = MIX(h, inc->alerts[i].ends);
	}
	return h;
}

/* Whether a refresh may read the store now (and count it). */
static int
refresh_allowed(struct detail *d, int64_t now)
{
	int64_t iv = d->cost_us * REFRESH_COST_X;

	if (iv < REFRESH_MIN_US)
		iv = REFRESH_MIN_US;
	if (iv > REFRESH_MAX_US)
		iv = REFRESH_MAX_US;
	if (now < d->tat_us - (d->cost_us < REFRESH_CHEAP_US ?
	    (REFRESH_BURST - 1) * iv : 0))
		return 0;
	d->tat_us = (d->tat_us > now ? d->tat_us : now) + iv;
	return 1;
}

static void
load(struct tui *t, struct detail *d)
{
	char *cause = NULL;

	data_clear(d);
	d->need_load = 0;
	d->need_build = 1;
	d->loaded = 1;
	if (d->id == 0 || t->store == NULL)
		return;
	t->stats.detail_loads++;
	if (store_incident_events(t->store, d->id, &d->ev, &cause) == -1 ||
	    store_incident_alerts(t->store, d->id, &d->alerts, &d->n_alerts,
	    &cause) == -1) {
		d->load_error = cause != NULL ? cause :
		    xstrdup("cannot read the store");
	}
}

void
tui_detail_invalidate(struct tui *t, int reload)
{
	struct detail *d = detail_of(t);

	/* A load builds the lines afresh; one put off leaves them. */
	if (reload)
		d->need_load = 1;
	else
		d->need_build = 1;
	tui_dirty(t, PANE_DETAIL);
}

int
tui_detail_stale(const struct tui *t, int64_t now)
{
	const struct detail *d = detail_of(t);

	return d != NULL && !d->need_build && now >= d->stale_at;
}

void
tui_detail_reload(struct tui *t)
{
	struct detail *d = detail_of(t);

	d->loaded = 0;		/* not a refresh: no rate limit */
	d->tat_us = 0;
	tui_detail_invalidate(t, 1);
}

void
tui_detail_room_changed(struct tui *t)
{
	struct detail *d = detail_of(t);

	if (summary_hash(wr_room_get(t->room, d->id)) != d->built_sum)
		tui_dirty(t, PANE_DETAIL);
}

int
tui_detail_pending(const struct tui *t)
{
	const struct detail *d = detail_of(t);

	return d->need_load && d->loaded && d->id == tui_list_selected(t);
}

int64_t
tui_detail_incident(const struct tui *t)
{
	return detail_of(t)->id;
}

/* ---- lines ----------------------------------------------------------------------- */

static void
lines_clear(struct detail *d)
{
	for (size_t i = 0; i < d->n; i++)
		for (int k = 0; k < d->lines[i].n; k++)
			free(d->lines[i].seg[k].text);
	d->n = 0;
}

static void
add_line(struct detail *d, const struct dseg *segs, int n)
{
	struct dline *l;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->lines = xrealloc(d->lines, d->cap * sizeof *d->lines);
	}
	l = &d->lines[d->n++];
	l->n = n > DLINE_SEGS ? DLINE_SEGS : n;
	for (int i = 0; i < l->n; i++) {
		l->seg[i] = segs[i];
		l->seg[i].text = xstrdup(segs[i].text != NULL ? segs[i].text :
		    "");
	}
}

static void
add_blank(struct detail *d)
{
	add_line(d, NULL, 0);
}

/* A segment of our own text or of already sanitised text, fitted to w. */
static struct dseg
seg(int x, int role, const char *safe, int w, char *buf, size_t size)
{
	struct dseg s = { x, role, buf };

	sanitize_fit(safe, w, 1, buf, size);
	return s;
}

/* Bytes of the first codepoint of s (a sanitised string). */
static size_t
cp_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	for (size_t i = 1; i < n; i++)
		if (s[i] == '\0')
			return i;
	return n;
}

/*
 * Lines for untrusted text raw at column x (of W): each line of it
 * sanitised and wrapped at w = W - x columns, at a space when there is one
 * in the last third, else hard (a URL is shown in full, over several
 * lines).  The first line carries prefix.
 */
static void
add_value(struct detail *d, int W, const struct dseg *prefix, int n_prefix,
    int x, int role, const char *raw)
{
	struct dseg segs[DLINE_SEGS];
	int w = W - x, emitted = 0;
	const char *p = raw != NULL ? raw : "";

	if (n_prefix > DLINE_SEGS - 1)
		n_prefix = DLINE_SEGS - 1;
	if (w < 12 && x > 4) {
		/* No room beside the key: the value goes below it. */
		add_line(d, prefix, n_prefix);
		n_prefix = 0;
		emitted = 1;
		x = 4;
		w = W - x;
	}
	if (w < 1)
		w = 1;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *clean = sanitize_text(p, len), *s = clean;
		char buf[4096];

		do {
			size_t take;

			sanitize_fit(s, w, 0, buf, sizeof buf);
			take = strlen(buf);
			if (take == 0 && *s != '\0') {
				/* Wider than the pane: stand-in, skip it. */
				take = cp_len(s);
				util_strlcpy(buf, "?", sizeof buf);
			} else if (s[take] != '\0') {
				char *sp = strrchr(buf, ' ');

				if (sp != NULL && sp - buf >= (long)(take * 2 / 3)) {
					take = (size_t)(sp - buf) + 1;
					buf[take] = '\0';
				}
			}
			for (int i = 0; i < n_prefix; i++)
				segs[i] = prefix[i];
			segs[n_prefix] = (struct dseg){ x, role, buf };
			add_line(d, segs, n_prefix + 1);
			n_prefix = 0;
			emitted = 1;
			s += take;
		} while (*s != '\0');
		free(clean);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (!emitted)
		add_line(d, prefix, n_prefix);
}

/* "Key       value" with the value wrapped beside the key. */
static void
add_kv(struct detail *d, int W, int indent, int key_w, const char *key,
    int val_role, const char *raw)
{
	char kbuf[256];
	struct dseg k = seg(indent, ROLE_DIM, key, key_w, kbuf, sizeof kbuf);

	add_value(d, W, &k, 1, indent + key_w + 1, val_role, raw);
}

/* The same, for a key that came from the data (a label name). */
static void
add_kv_untrusted(struct detail *d, int W, int indent, int key_w,
    const char *key, int val_role, const char *raw)
{
	char *k = tui_clean(key);

	add_kv(d, W, indent, key_w, k, val_role, raw);
	free(k);
}

static void
add_heading(struct detail *d, const char *text)
{
	char buf[128];
	struct dseg s = seg(0, ROLE_HEADER, text, 60, buf, sizeof buf);

	add_line(d, &s, 1);
}

static void
add_note(struct detail *d, int W, int role, const char *safe)
{
	char buf[1024];
	struct dseg s = seg(2, role, safe, W - 2, buf, sizeof buf);

	add_line(d, &s, 1);
}

/* The width of the widest key, capped. */
static int
keys_width(const struct wr_kvlist *a, const struct wr_kvlist *b, int cap)
{
	int w = 4;
	const struct wr_kvlist *ls[2] = { a, b };

	for (int j = 0; j < 2; j++) {
		for (size_t i = 0; i < ls[j]->n; i++) {
			char *k = tui_clean(ls[j]->v[i].key);
			int kw = sanitize_width(k);

			free(k);
			if (kw > w)
				w = kw;
		}
	}
	return w > cap ? cap : w;
}

/* When the alert came: its start, or for one whose sender gave none (or
 * said 1970) the time it arrived: its first "alert firing" event, else
 * when the relay first saw it.  *arrival says which. */
static int64_t
alert_since(const struct detail *d, const struct wr_alert *a, int *arrival)
{
	*arrival = 0;
	if (a->starts > 0)
		return a->starts;
	*arrival = 1;
	for (size_t i = 0; i < d->ev.n; i++) {
		const struct wr_event *e = &d->ev.v[i];

		if (e->kind == WR_EV_ALERT_FIRING && e->alert.starts == a->starts &&
		    e->alert.fingerprint != NULL && a->fingerprint != NULL &&
		    strcmp(e->alert.fingerprint, a->fingerprint) == 0)
			return e->time;
	}
	return a->last_seen;
}

static void
build_alert(struct tui *t, struct detail *d, int W, const struct wr_alert *a,
    size_t i, size_t n)
{
	char head[200], tbuf[40], ebuf[40];
	int key_w = keys_width(&a->labels, &a->annotations, W / 3 > 8 ? W / 3 : 8);
	char *fp = tui_clean(a->fingerprint);
	char fpbuf[64];
	int arrival;

	tui_format_time(t, alert_since(d, a, &arrival), 1, tbuf, sizeof tbuf);
	if (a->firing || a->ends == 0) {
		snprintf(head, sizeof head, "alert %zu/%zu firing since %s%s",
		    i + 1, n, tbuf, arrival ? " (arrived; no start given)" : "");
	} else {
		tui_format_time(t, a->ends, 1, ebuf, sizeof ebuf);
		snprintf(head, sizeof head, "alert %zu/%zu resolved %s "
		    "(%s %s)", i + 1, n, ebuf, arrival ? "arrived" : "started",
		    tbuf);
	}
	{
		char hbuf[256];
		struct dseg segs[2];
		int hw;

		segs[0] = seg(2, a->firing ? ROLE_TRIGGERED : ROLE_RESOLVED,
		    head, W - 2, hbuf, sizeof hbuf);
		hw = sanitize_width(hbuf);
		sanitize_fit(fp, 16, 1, fpbuf, sizeof fpbuf);
		segs[1] = (struct dseg){ 2 + hw + 2, ROLE_DIM, fpbuf };
		add_line(d, segs, 2 + hw + 2 + 4 < W ? 2 : 1);
	}
	free(fp);
	for (size_t k = 0; k < a->labels.n; k++)
		add_kv_untrusted(d, W, 4, key_w, a->labels.v[k].key, ROLE_NORMAL,
		    a->labels.v[k].value);
	for (size_t k = 0; k < a->annotations.n; k++)
		add_kv_untrusted(d, W, 4, key_w, a->annotations.v[k].key,
		    ROLE_INFO, a->annotations.v[k].value);
}

/* Firing before resolved; each in the order the store gave. */
static int
alert_order_cmp(const void *pa, const void *pb)
{
	const struct wr_alert *const *a = pa, *const *b = pb;

	if ((*a)->firing != (*b)->firing)
		return (*a)->firing ? -1 : 1;
	return *a < *b ? -1 : *a > *b;
}

/*
 * The alerts, after the timeline: where they came from, for a group of
 * more than a few what differs across them (core/labelsum.c), then each
 * one, the firing ones first.
 */
static void
build_alerts(struct tui *t, struct detail *d, int W,
    const struct wr_incident *inc, const struct wr_alert *alerts, size_t n)
{
	const struct wr_alert **order;
	char buf[96], *sum;

	snprintf(buf, sizeof buf, "ALERTS (%zu)", n);
	add_heading(d, buf);
	{
		char *raw = xasprintf("%s %s", inc->source ? inc->source : "",
		    inc->key ? inc->key : "");

		add_kv(d, W, 1, KEY_W, "Source", ROLE_DIM, raw);
		free(raw);
	}
	if (n == 0) {
		add_note(d, W, ROLE_DIM, t->store == NULL ?
		    "no alerts stored" : "no alerts");
		return;
	}
	if ((sum = labelsum_format(alerts, n)) != NULL) {
		/* already sanitised and bounded */
		add_value(d, W, NULL, 0, 2, ROLE_NORMAL, sum);
		free(sum);
	}
	order = xcalloc(n, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = &alerts[i];
	qsort(order, n, sizeof *order, alert_order_cmp);
	for (size_t i = 0; i < n; i++)
		build_alert(t, d, W, order[i], i, n);
	free(order);
}

/*
 * That the incident has a postmortem, which version, who saved it last
 * and when; and when the newest was saved from an older version than the
 * one before it, what it missed (both are kept: `warroom postmortem ID`
 * shows them).  From the timeline when it is loaded, else the summary.
 */
static void
postmortem_row(struct tui *t, struct detail *d, int W,
    const struct wr_incident *inc)
{
	struct wr_pm_history h;
	const struct wr_pm_version *v;
	char tbuf[40], why[160] = "", *raw;
	size_t beside = 0;

	wr_pm_history_build(&h, d->ev.v, d->ev.n);
	v = wr_pm_history_latest(&h);
	if (v != NULL && v->version == inc->pm_version) {
		wr_pm_conflict_words(v, why, sizeof why);
		for (size_t i = 0; i + 1 < h.n; i++)
			beside += !h.v[i].superseded;
	}
	tui_format_time(t, inc->pm_at, 1, tbuf, sizeof tbuf);
	raw = xasprintf("v%lld, last saved by %s at %s%s%s%s",
	    (long long)inc->pm_version, inc->pm_by ? inc->pm_by : "?", tbuf,
	    why[0] ? " (" : "", why, why[0] ? ")" : "");
	add_kv(d, W, 1, KEY_W, "Postmortem", beside > 0 ? ROLE_QUEUED :
	    ROLE_NORMAL, raw);
	free(raw);
	wr_pm_history_free(&h);
}

/* ---- timeline ---------------------------------------------------------------- */

/* A run of more machine alert events in a row than this (a storm's
 * "alert firing" for each of its alerts) is one line. */
#define TIMELINE_RUN_MAX	3

struct tl_cols {
	int with_date;
	int time_w;
	int actor_w;		/* 0: no actor column */
};

/* Who did it, as the timeline shows it: "alice", or "alice (via
 * war-room)" when it came through another name's token.  Sanitised. */
static char *
timeline_actor(const struct wr_event *e)
{
	const char *via = wr_event_via(e);
	char *a, *v, *s;

	a = tui_clean(e->actor);
	if (via == NULL)
		return a;
	v = tui_clean(via);
	s = xasprintf("%s (via %s)", a, v);
	free(a);
	free(v);
	return s;
}

/* A time in an event's words ({ends}), on the console's clock. */
static void
words_time(int64_t ms, char *buf, size_t size, void *ud)
{
	tui_format_time(ud, ms, 0, buf, size);
}

/* A person's doing (an op's event, or a kind only people's ops make), not
 * a machine's: the timeline shows it first-class. */
static int
timeline_by_person(const struct wr_event *e)
{
	if (e->op_id != NULL && *e->op_id != '\0')
		return 1;
	switch (e->kind) {
	case WR_EV_NOTE:
	case WR_EV_ACKNOWLEDGED:
	case WR_EV_UNACKNOWLEDGED:
	case WR_EV_ASSIGNED:
	case WR_EV_SEVERITY_SET:
		return 1;
	default:
		return 0;
	}
}

static int
tone_role(const struct wr_event *e, int otherwise)
{
	switch (wr_event_kind_info(e->kind)->tone) {
	case WR_TONE_OPENS:
		return ROLE_TRIGGERED;
	case WR_TONE_CLOSES:
		return ROLE_RESOLVED;
	case WR_TONE_NORMAL:
		break;
	}
	return otherwise;
}

/* The columns: time (with the date when there is room), the actor (as
 * wide as the widest, within bounds), the words. */
static struct tl_cols
timeline_cols(struct tui *t, const struct detail *d, int W)
{
	struct tl_cols c = { W >= 64, 0, 4 };
	char tbuf[40];

	tui_format_time(t, 1700000000000LL, c.with_date, tbuf, sizeof tbuf);
	c.time_w = (int)strlen(tbuf);
	for (size_t i = 0; i < d->ev.n; i++) {
		char *a = timeline_actor(&d->ev.v[i]);
		int w = sanitize_width(a);

		free(a);
		if (w > c.actor_w)
			c.actor_w = w;
	}
	if (c.actor_w > 32)
		c.actor_w = 32;
	if (2 + c.time_w + 2 + c.actor_w + 2 + 12 > W)
		c.actor_w = 16;
	if (2 + c.time_w + 2 + c.actor_w + 2 + 12 > W)
		c.actor_w = 0;
	return c;
}

/* The x where the words start. */
static int
timeline_words_x(const struct tl_cols *c)
{
	return 2 + c->time_w + 2 + (c->actor_w > 0 ? c->actor_w + 2 : 0);
}

/*
 * One entry of the timeline: when the person acted (an op made offline
 * says when it was made, not when the relay got it), who, and what it says
 * (wrapped), with "delivered 3m later" when the op took a while to arrive
 * (wr_event_delivery_lag()).  A person's entry is marked ('>' in the
 * margin) and in full colour; a machine's is dim, but for what opens or
 * closes the incident.
 */
static void
timeline_entry(struct tui *t, struct detail *d, int W,
    const struct tl_cols *c, const struct wr_event *e)
{
	char tbuf[40], abuf[256], *actor = timeline_actor(e);
	char *words = wr_event_words_fmt(e, words_time, t);
	struct dseg segs[3];
	int n = 0, person = timeline_by_person(e);
	int64_t lag = wr_event_delivery_lag(e), next;

	if (lag > 0 && e->made_at > 0) {
		char late[32], *w;

		tui_format_age(e->time, e->made_at, late, sizeof late, &next);
		w = xasprintf("%s (delivered %s later)", words, late);
		free(words);
		words = w;
	}
	if (person)
		segs[n++] = (struct dseg){ 0, ROLE_ACKNOWLEDGED, ">" };
	tui_format_time(t, wr_event_acted_at(e), c->with_date, tbuf,
	    sizeof tbuf);
	segs[n++] = (struct dseg){ 2, person ? ROLE_NORMAL : ROLE_DIM, tbuf };
	if (c->actor_w > 0)
		segs[n++] = seg(2 + c->time_w + 2, person ? ROLE_ACKNOWLEDGED :
		    ROLE_DIM, actor, c->actor_w, abuf, sizeof abuf);
	add_value(d, W, segs, n, timeline_words_x(c),
	    tone_role(e, person ? ROLE_NORMAL : ROLE_DIM), words);
	free(words);
	free(actor);
}

/* A machine's run of n events of one kind from first on, as one line:
 * "alert firing x300, the last at 00:04:59". */
static void
timeline_run(struct tui *t, struct detail *d, int W, const struct tl_cols *c,
    const struct wr_event *first, size_t n)
{
	const struct wr_event *last = first + n - 1;
	char tbuf[40], lbuf[40], abuf[256], *actor = timeline_actor(first);
	char *words;
	struct dseg segs[2];
	int k = 0;

	tui_format_time(t, first->time, c->with_date, tbuf, sizeof tbuf);
	segs[k++] = (struct dseg){ 2, ROLE_DIM, tbuf };
	if (c->actor_w > 0)
		segs[k++] = seg(2 + c->time_w + 2, ROLE_DIM, actor, c->actor_w,
		    abuf, sizeof abuf);
	tui_format_time(t, last->time, 0, lbuf, sizeof lbuf);
	if (last->time / 1000 != first->time / 1000)
		words = xasprintf("%s x%zu, the last at %s",
		    wr_event_kind_info(first->kind)->phrase, n, lbuf);
	else
		words = xasprintf("%s x%zu",
		    wr_event_kind_info(first->kind)->phrase, n);
	add_value(d, W, segs, k, timeline_words_x(c), ROLE_DIM, words);
	free(words);
	free(actor);
}

/* Whether e may join a machine's run that started with first. */
static int
timeline_same_run(const struct wr_event *first, const struct wr_event *e)
{
	if (e->kind != first->kind || timeline_by_person(e) ||
	    (e->kind != WR_EV_ALERT_FIRING && e->kind != WR_EV_ALERT_RESOLVED))
		return 0;
	if (first->actor == NULL || e->actor == NULL)
		return first->actor == e->actor;
	return strcmp(first->actor, e->actor) == 0;
}

static void
build_timeline(struct tui *t, struct detail *d, int W)
{
	struct tl_cols c = timeline_cols(t, d, W);

	for (size_t i = 0; i < d->ev.n;) {
		size_t j = i + 1;

		while (j < d->ev.n && timeline_same_run(&d->ev.v[i],
		    &d->ev.v[j]))
			j++;
		if (j - i > TIMELINE_RUN_MAX) {
			timeline_run(t, d, W, &c, &d->ev.v[i], j - i);
			i = j;
		} else {
			timeline_entry(t, d, W, &c, &d->ev.v[i]);
			i++;
		}
	}
}

/* ---- the pane's lines ------------------------------------------------------- */

/*
 * What the pane shows, in the order an outage reads it: the header (state,
 * severity, service, alerts, times, our ops), then the timeline (people's
 * notes and actions first-class, a machine's storms one line), then the
 * alerts (what differs across them, then each, firing first).
 */
/*
 * Its escalation (core/policy.h), as its last step said: the policy, the
 * step it is at, whom that paged and when the next fires (while it holds
 * a silence: that it starts again at the silence's end); or that it
 * stopped; and a snooze's end.
 */
/* A line built now says something else at when: built again then. */
static void
stale_at(struct tui *t, struct detail *d, int64_t when)
{
	if (when <= tui_now(t) || when >= d->stale_at)
		return;
	d->stale_at = when;
	tui_age_changes_at(t, when);
}

/*
 * Who is on call for it: the schedules the relay's policy for it pages
 * (the policy its escalation began under, or the one that takes it:
 * wr_policy_find(), the relay's own rule), each with its person now and
 * until when, in the order the steps page them.
 */
static void
build_oncall(struct tui *t, struct detail *d, int W,
    const struct wr_incident *inc)
{
	const struct wr_policy *p = wr_policy_find(t->policies, t->n_policies,
	    inc);
	const struct wr_schedule *shown[WR_POLICY_STEPS_MAX *
	    WR_POLICY_TARGETS_MAX];
	size_t n_shown = 0;
	int64_t now = tui_now(t);
	char *text = NULL;

	if (p == NULL || inc->state == WR_ST_RESOLVED)
		return;
	for (size_t i = 0; i < p->n_steps; i++)
		for (size_t j = 0; j < p->steps[i].n_targets; j++) {
			const char *name = p->steps[i].targets[j];
			const struct wr_schedule *s = tui_oncall_find(t, name);
			struct wr_oncall oc;
			char when[40] = "", *n;
			size_t k;

			if (s == NULL)
				continue;	/* a person, or a zone we lack */
			for (k = 0; k < n_shown && shown[k] != s; k++)
				;
			if (k < n_shown)
				continue;	/* an earlier step pages it */
			shown[n_shown++] = s;
			wr_schedule_at(s, now, &oc);
			if (oc.until != INT64_MAX) {
				tui_oncall_when(t, oc.until, when,
				    sizeof when);
				stale_at(t, d, oc.until);
			}
			n = xasprintf("%s%s%s: %s%s%s", text ? text : "",
			    text ? "; " : "", name, oc.person ? oc.person :
			    "nobody (a gap)", *when ? " until " : "", when);
			free(text);
			text = n;
		}
	if (text != NULL)
		add_kv(d, W, 1, KEY_W, "On call", ROLE_NORMAL, text);
	free(text);
}

/* Whether a step would page nobody at an instant: each of its targets a
 * schedule this console knows, in a gap then (the relay then fires the
 * next step at once, core/policy.c). */
static int
step_pages_nobody(const struct tui *t, const struct wr_policy_step *st,
    int64_t at)
{
	for (size_t i = 0; i < st->n_targets; i++) {
		const struct wr_schedule *s = tui_oncall_find(t,
		    st->targets[i]);
		struct wr_oncall oc;

		if (s == NULL)
			return 0;	/* a person, or a zone we lack */
		wr_schedule_at(s, at, &oc);
		if (oc.person != NULL)
			return 0;
	}
	return st->n_targets > 0;
}

/* Before its first step fires: which is due, whom it pages, and when
 * (from the relay's policy, as the relay will fire it: a step that would
 * page nobody passes to the next at once). */
static void
build_first_step(struct tui *t, struct detail *d, int W,
    const struct wr_incident *inc)
{
	const struct wr_policy *p;
	struct wr_policy_next nx;
	char tbuf[40], *who, *raw;
	int k, n, total;

	if (inc->state != WR_ST_TRIGGERED || (p = wr_policy_find(t->policies,
	    t->n_policies, inc)) == NULL)
		return;
	wr_policy_next(p, inc, wr_policy_silenced(inc, tui_now(t)), &nx);
	if (nx.what != WR_DUE_STEP)
		return;
	n = (int)p->n_steps;
	total = wr_policy_total(p);
	for (k = nx.fire; k + 1 < total &&
	    step_pages_nobody(t, &p->steps[k % n], nx.at); k++)
		;
	who = wr_policy_targets_text(&p->steps[k % n]);
	tui_format_time(t, nx.at, 1, tbuf, sizeof tbuf);
	if (k != nx.fire) {
		char *gap = wr_policy_targets_text(&p->steps[nx.fire % n]);

		raw = xasprintf("policy %s, step %d of %d pages nobody (a gap "
		    "in %s), so step %d pages %s at %s", p->name, nx.fire % n +
		    1, n, gap, k % n + 1, who, tbuf);
		free(gap);
	} else
		raw = xasprintf("policy %s, step %d of %d pages %s at %s",
		    p->name, nx.fire % n + 1, n, who, tbuf);
	add_kv(d, W, 1, KEY_W, "Escalation", ROLE_NORMAL, raw);
	stale_at(t, d, nx.at);
	free(raw);
	free(who);
}

static void
build_escalation(struct tui *t, struct detail *d, int W,
    const struct wr_incident *inc)
{
	char tbuf[40], *raw;

	if (inc->snooze_until != 0 && inc->state == WR_ST_ACKNOWLEDGED) {
		tui_format_time(t, inc->snooze_until, 1, tbuf, sizeof tbuf);
		raw = xasprintf("until %s, then triggered again", tbuf);
		add_kv(d, W, 1, KEY_W, "Snoozed", ROLE_QUEUED, raw);
		free(raw);
	}
	if (inc->esc_fired < 1 && inc->esc_policy == NULL) {
		build_first_step(t, d, W, inc);
		return;
	}
	if (inc->esc_policy == NULL || inc->esc_steps < 1 ||
	    inc->esc_fired < 1)
		return;
	{
		int64_t step = (inc->esc_fired - 1) % inc->esc_steps + 1;
		int64_t round = (inc->esc_fired - 1) / inc->esc_steps;
		const char *who = inc->esc_target != NULL &&
		    *inc->esc_target != '\0' ? inc->esc_target : "nobody";
		char rbuf[32] = "";

		if (round > 0)
			snprintf(rbuf, sizeof rbuf, ", repeat %lld",
			    (long long)round);
		if (inc->state != WR_ST_TRIGGERED || inc->esc_since == 0)
			raw = xasprintf("policy %s, stopped at step %lld of %lld"
			    "%s (%s)", inc->esc_policy, (long long)step,
			    (long long)inc->esc_steps, rbuf,
			    inc->state == WR_ST_RESOLVED ? "resolved" :
			    "acknowledged");
		else if (inc->n_silences > 0) {
			/* no step fires while it holds a silence; the first
			 * to end starts it again (core/policy.h) */
			int64_t ends = inc->silences[0].ends;

			for (size_t i = 1; i < inc->n_silences; i++)
				if (inc->silences[i].ends < ends)
					ends = inc->silences[i].ends;
			tui_format_time(t, ends, 1, tbuf, sizeof tbuf);
			raw = xasprintf("policy %s, step %lld of %lld%s (paged "
			    "%s); silenced: from step 1 again at %s",
			    inc->esc_policy, (long long)step,
			    (long long)inc->esc_steps, rbuf, who, tbuf);
		} else if (inc->esc_next_at != 0) {
			tui_format_time(t, inc->esc_next_at, 1, tbuf,
			    sizeof tbuf);
			raw = xasprintf("policy %s, step %lld of %lld%s (paged "
			    "%s); the next at %s", inc->esc_policy,
			    (long long)step, (long long)inc->esc_steps, rbuf,
			    who, tbuf);
		} else
			raw = xasprintf("policy %s, step %lld of %lld%s (paged "
			    "%s), the last", inc->esc_policy, (long long)step,
			    (long long)inc->esc_steps, rbuf, who);
		add_kv(d, W, 1, KEY_W, "Escalation", inc->state ==
		    WR_ST_TRIGGERED && inc->esc_since != 0 && inc->esc_fired >
		    1 ? ROLE_ERROR : ROLE_NORMAL, raw);
		free(raw);
	}
}

static void
build(struct tui *t, struct detail *d, int W)
{
	const struct wr_incident *inc = wr_room_get(t->room, d->id);
	char buf[256], tbuf[40];
	const struct wr_alert *alerts = d->alerts;
	size_t n_alerts = d->n_alerts;

	lines_clear(d);
	d->built_w = W;
	d->need_build = 0;
	d->stale_at = INT64_MAX;
	d->built_sum = summary_hash(inc);
	t->stats.detail_builds++;
	if (inc == NULL) {
		add_note(d, W, ROLE_DIM, d->id == 0 ? "no incident selected" :
		    "the incident is gone");
		return;
	}
	{
		/* The title bar shows "#ID  title"; when it is cut there, the
		 * whole title opens the pane. */
		char *title = tui_clean(inc->title);
		int bar = snprintf(buf, sizeof buf, "#%lld  ", (long long)inc->id) +
		    sanitize_width(title);

		free(title);
		if (bar > W - 2) {
			add_value(d, W, NULL, 0, 1, ROLE_NORMAL, inc->title);
			add_blank(d);
		}
	}

	switch (inc->state) {
	case WR_ST_ACKNOWLEDGED:
		tui_format_time(t, inc->ack_at, 1, tbuf, sizeof tbuf);
		{
			char *raw = xasprintf("acknowledged by %s at %s",
			    inc->ack_by ? inc->ack_by : "?", tbuf);

			add_kv(d, W, 1, KEY_W, "State", ROLE_ACKNOWLEDGED, raw);
			free(raw);
		}
		break;
	case WR_ST_RESOLVED:
		tui_format_time(t, inc->resolved_at, 1, tbuf, sizeof tbuf);
		{
			char *raw = xasprintf("resolved by %s at %s",
			    inc->resolved_by ? inc->resolved_by : "?", tbuf);

			add_kv(d, W, 1, KEY_W, "State", ROLE_RESOLVED, raw);
			free(raw);
		}
		if (inc->ack_by != NULL)
			add_kv(d, W, 1, KEY_W, "Acked by", ROLE_ACKNOWLEDGED,
			    inc->ack_by);
		break;
	default:
		add_kv(d, W, 1, KEY_W, "State", ROLE_TRIGGERED,
		    "triggered (not acknowledged)");
		break;
	}
	if (inc->severity_by != NULL) {
		char *raw = xasprintf("%s (set by %s)",
		    wr_severity_name(inc->severity), inc->severity_by);

		add_kv(d, W, 1, KEY_W, "Severity", tui_sev_role(inc->severity),
		    raw);
		free(raw);
	} else if (inc->severity_raw != NULL && *inc->severity_raw != '\0') {
		char *raw = xasprintf("%s (the source said \"%s\")",
		    wr_severity_name(inc->severity), inc->severity_raw);

		add_kv(d, W, 1, KEY_W, "Severity", tui_sev_role(inc->severity),
		    raw);
		free(raw);
	} else {
		add_kv(d, W, 1, KEY_W, "Severity", tui_sev_role(inc->severity),
		    wr_severity_name(inc->severity));
	}
	add_kv(d, W, 1, KEY_W, "Service", ROLE_NORMAL, inc->service);
	if (inc->assignee != NULL && *inc->assignee != '\0')
		add_kv(d, W, 1, KEY_W, "Assignee", ROLE_NORMAL, inc->assignee);
	if (inc->pm_version > 0)
		postmortem_row(t, d, W, inc);
	build_escalation(t, d, W, inc);
	build_oncall(t, d, W, inc);
	{
		int k = snprintf(buf, sizeof buf, "%d firing of %d",
		    inc->n_firing, inc->n_alerts);

		if (inc->truncated > 0 && k > 0 && (size_t)k < sizeof buf)
			k += snprintf(buf + k, sizeof buf - (size_t)k,
			    "; %lld more alerts not sent (max_alerts)",
			    (long long)inc->truncated);
		if (inc->n_notes > 0 && k > 0 && (size_t)k < sizeof buf)
			snprintf(buf + k, sizeof buf - (size_t)k, "; %d note%s",
			    inc->n_notes, inc->n_notes == 1 ? "" : "s");
	}
	add_kv(d, W, 1, KEY_W, "Alerts", ROLE_NORMAL, buf);
	/* Its Alertmanager silences: until when, by whom, what they match;
	 * one whose end has passed shows so until Alertmanager is read
	 * again. */
	for (size_t i = 0; i < inc->n_silences; i++) {
		const struct wr_silence *s = &inc->silences[i];
		char *raw;

		tui_format_time(t, s->ends, 1, tbuf, sizeof tbuf);
		raw = xasprintf("%s %s by %s: %s (%.8s)", s->ends > tui_now(t) ?
		    "until" : "ended", tbuf, s->by != NULL ? s->by : "?",
		    s->matchers, s->id);
		stale_at(t, d, s->ends);
		add_kv(d, W, 1, KEY_W, "Silenced", ROLE_QUEUED, raw);
		free(raw);
	}
	tui_format_time(t, inc->created, 1, tbuf, sizeof tbuf);
	if (inc->updated > inc->created) {
		char ubuf[40];

		tui_format_time(t, inc->updated, 1, ubuf, sizeof ubuf);
		snprintf(buf, sizeof buf, "%s, updated %s", tbuf, ubuf);
		add_kv(d, W, 1, KEY_W, "Opened", ROLE_NORMAL, buf);
	} else {
		add_kv(d, W, 1, KEY_W, "Opened", ROLE_NORMAL, tbuf);
	}
	for (size_t i = 0; i < t->n_ops; i++) {
		const struct tui_op *op = &t->ops[i];
		char *raw;

		if (op->incident != inc->id)
			continue;
		if (op->refused)
			raw = xasprintf("%s refused: %s",
			    wr_op_kind_name(op->kind), op->reason);
		else
			raw = xasprintf("%s queued", wr_op_kind_name(op->kind));
		add_kv(d, W, 1, KEY_W, "Op", op->refused ? ROLE_ERROR :
		    ROLE_QUEUED, raw);
		free(raw);
	}

	/* No blank line: the heading stands out, and at 80x24 the line
	 * shows one more entry. */
	snprintf(buf, sizeof buf, "TIMELINE (%zu)", d->ev.n);
	add_heading(d, buf);
	if (d->load_error != NULL) {
		char *s = tui_clean(d->load_error);

		add_note(d, W, ROLE_ERROR, s);
		free(s);
	}
	if (t->store == NULL)
		add_note(d, W, ROLE_DIM, "no timeline stored");
	else if (d->ev.n == 0 && d->load_error == NULL)
		add_note(d, W, ROLE_DIM, "no events stored yet");
	build_timeline(t, d, W);

	if (t->store == NULL && inc->alerts_len > 0) {
		alerts = inc->alerts;
		n_alerts = inc->alerts_len;
	}
	add_blank(d);
	build_alerts(t, d, W, inc, alerts, n_alerts);
}

/* ---- draw -------------------------------------------------------------------- */

static int
content_x(const struct pane *p)
{
	return p->border_left ? 1 : 0;
}

static int
visible_lines(const struct pane *p)
{
	return p->h > 1 ? p->h - 1 : 0;
}

static void
prepare(struct tui *t, struct pane *p, struct detail *d)
{
	int64_t sel = tui_list_selected(t);
	int W = p->w - content_x(p);

	int64_t t0 = 0;

	if (W < 1)
		W = 1;
	if (sel != d->id) {
		d->id = sel;
		d->need_load = 1;
		d->loaded = 0;
		d->tat_us = 0;
		d->scroll = 0;
	}
	/* What the lines show of the incident changed, without an event
	 * saying so (tui_model_changed()): its timeline may have too. */
	if (d->loaded && !d->need_load &&
	    summary_hash(wr_room_get(t->room, d->id)) != d->built_sum)
		d->need_load = 1;
	if (d->need_load) {
		t0 = mono_us();
		/* A refresh of the open incident waits for its turn; the
		 * lines show the last read meanwhile (tui_render asks for
		 * another frame). */
		if (!d->loaded || t->store == NULL ||
		    refresh_allowed(d, t0))
			load(t, d);
		else
			t0 = 0;
	}
	if (d->need_build || W != d->built_w || tui_now(t) >= d->stale_at)
		build(t, d, W);
	if (t0 != 0)
		d->cost_us = mono_us() - t0;
}

static void
clamp_scroll(const struct pane *p, struct detail *d)
{
	int vis = visible_lines(p);
	int max = (int)d->n > vis ? (int)d->n - vis : 0;

	if (d->scroll > max)
		d->scroll = max;
	if (d->scroll < 0)
		d->scroll = 0;
}

static void
detail_draw(struct tui *t, struct pane *p)
{
	struct detail *d = p->priv;
	const struct wr_incident *inc;
	int x0 = content_x(p), vis = visible_lines(p);
	char bar[512];

	prepare(t, p, d);
	clamp_scroll(p, d);
	if (p->border_left)
		tui_vrule(t, p->win, 0, p->h);
	inc = wr_room_get(t->room, d->id);
	if (inc != NULL) {
		char *title = tui_clean(inc->title);

		snprintf(bar, sizeof bar, "#%lld  %s", (long long)inc->id, title);
		free(title);
	} else {
		util_strlcpy(bar, "Detail", sizeof bar);
	}
	tui_bar(t, p, t->focus == PANE_DETAIL, bar);
	if ((int)d->n > vis && vis > 0 && p->w - x0 > 30) {
		char pos[48];
		int pw;

		snprintf(pos, sizeof pos, " %d-%d/%zu ", d->scroll + 1,
		    d->scroll + vis < (int)d->n ? d->scroll + vis : (int)d->n,
		    d->n);
		pw = (int)strlen(pos);
		tui_put(t, p->win, 0, p->w - pw, pw,
		    t->focus == PANE_DETAIL ? ROLE_TITLE : ROLE_HEADER, pos);
	}
	for (int i = 0; i < vis && d->scroll + i < (int)d->n; i++) {
		const struct dline *l = &d->lines[d->scroll + i];

		for (int k = 0; k < l->n; k++)
			tui_put(t, p->win, i + 1, x0 + l->seg[k].x,
			    p->w - x0 - l->seg[k].x, l->seg[k].role,
			    l->seg[k].text);
	}
}

static void
scroll_by(struct tui *t, struct pane *p, struct detail *d, int delta)
{
	d->scroll += delta;
	clamp_scroll(p, d);
	tui_dirty(t, PANE_DETAIL);
}

static int
detail_key(struct tui *t, struct pane *p, int is_keycode, wint_t ch)
{
	struct detail *d = p->priv;
	int page = visible_lines(p) > 1 ? visible_lines(p) - 1 : 1;

	prepare(t, p, d);
	if (is_keycode) {
		switch (ch) {
		case KEY_DOWN:
			scroll_by(t, p, d, 1);
			return 1;
		case KEY_UP:
			scroll_by(t, p, d, -1);
			return 1;
		case KEY_NPAGE:
			scroll_by(t, p, d, page);
			return 1;
		case KEY_PPAGE:
			scroll_by(t, p, d, -page);
			return 1;
		case KEY_HOME:
			scroll_by(t, p, d, -(int)d->n);
			return 1;
		case KEY_END:
			scroll_by(t, p, d, (int)d->n);
			return 1;
		}
		return 0;
	}
	switch (ch) {
	case 'j':
		scroll_by(t, p, d, 1);
		return 1;
	case 'k':
		scroll_by(t, p, d, -1);
		return 1;
	case ' ':
	case 6:		/* ^F */
		scroll_by(t, p, d, page);
		return 1;
	case 2:		/* ^B */
		scroll_by(t, p, d, -page);
		return 1;
	case 'g':
		scroll_by(t, p, d, -(int)d->n);
		return 1;
	case 'G':
		scroll_by(t, p, d, (int)d->n);
		return 1;
	}
	return 0;
}

static int
detail_mouse(struct tui *t, struct pane *p, int y, int x, mmask_t b)
{
	struct detail *d = p->priv;

	if (b & BUTTON4_PRESSED) {
		scroll_by(t, p, d, -3);
		return 1;
	}
#ifdef BUTTON5_PRESSED
	if (b & BUTTON5_PRESSED) {
		scroll_by(t, p, d, 3);
		return 1;
	}
#endif
	return 0;
}

static void
detail_init(struct tui *t, struct pane *p)
{
	struct detail *d = xcalloc(1, sizeof *d);

	d->need_build = 1;
	d->need_load = 1;
	p->priv = d;
}

static void
detail_free(struct tui *t, struct pane *p)
{
	struct detail *d = p->priv;

	if (d == NULL)
		return;
	data_clear(d);
	lines_clear(d);
	free(d->lines);
	free(d);
	p->priv = NULL;
}

const struct pane_ops tui_detail_ops = {
	.name = "detail",
	.init = detail_init,
	.free = detail_free,
	.draw = detail_draw,
	.key = detail_key,
	.mouse = detail_mouse,
	.focusable = 1,
};
