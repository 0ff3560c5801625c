/*
 * oncall.c: who is on call for each schedule the feed announces: the
 * person now and until when ("alice, for 3h 12m"), who is next and from
 * when, and the next gap within a week.  The answers are computed when the
 * pane is drawn, from the schedules themselves (core/schedule.h), so they
 * stay right offline and move on by themselves as handoffs pass.  Until the
 * feed announces some, the pane says so rather than showing nothing.
 * Under each schedule, its open overrides and cover requests, with the
 * command that removes or takes each; those that have ended are not shown.
 * O opens the override prompt for the schedule at the top.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/schedule.h"
#include "core/util.h"
#include "core/zone.h"
#include "tui/tui-int.h"

struct entry {
	char *name, *timezone, *problem;	/* raw: sanitised when drawn */
	const struct wr_schedule *s;		/* borrowed; NULL: problem */
};

struct oncall {
	struct entry *v;
	size_t n;
	/* lines the pane wants, counted when the schedules were set: the
	 * old schedules are gone by the next tui_oncall_set() (borrowed) */
	int lines;
	int scroll;
	int week;		/* :oncall week: the next seven days' shifts */
};

#define WEEK_MS		(7LL * 86400000)

static void
entries_free(struct oncall *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].name);
		free(o->v[i].timezone);
		free(o->v[i].problem);
	}
	free(o->v);
	o->v = NULL;
	o->n = 0;
	o->lines = 0;
}

static int extra_count(const struct entry *e, int64_t now);

void
tui_oncall_set(struct tui *t, const struct tui_schedule *v, size_t n)
{
	struct oncall *o = t->pane[PANE_ONCALL].priv;

	entries_free(o);
	if (n == 0)
		return;
	o->v = xcalloc(n, sizeof *o->v);
	for (size_t i = 0; i < n; i++) {
		o->v[i].name = xstrdup0(v[i].name);
		o->v[i].timezone = xstrdup0(v[i].timezone);
		o->v[i].problem = xstrdup0(v[i].problem);
		o->v[i].s = v[i].s;
	}
	o->n = n;
	o->lines = 0;
	for (size_t i = 0; i < n; i++)
		o->lines += 1 + extra_count(&o->v[i], tui_now(t));
	if (o->scroll > (int)n - 1)
		o->scroll = (int)n - 1;
}

const struct wr_schedule **
tui_oncall_schedules(const struct tui *t, size_t *n)
{
	const struct oncall *o = t->pane[PANE_ONCALL].priv;
	const struct wr_schedule **v = xcalloc(o->n ? o->n : 1, sizeof *v);

	for (size_t i = 0; i < o->n; i++)
		v[i] = o->v[i].s;
	*n = o->n;
	return v;
}

/* The open overrides and cover requests of e shown under it, at most. */
#define EXTRA_MAX	6

/* How many of e's overrides and cover requests are open at now. */
static int
extra_count(const struct entry *e, int64_t now)
{
	int n = 0;

	if (e->s == NULL)
		return 0;
	for (size_t i = 0; i < e->s->n_overrides; i++)
		n += e->s->overrides[i].until > now;
	for (size_t i = 0; i < e->s->n_covers; i++)
		n += e->s->covers[i].until > now;
	return n < EXTRA_MAX ? n : EXTRA_MAX;
}

int
tui_oncall_lines(const struct tui *t)
{
	const struct oncall *o = t->pane[PANE_ONCALL].priv;

	return o->lines > 0 ? o->lines : 1;
}

const struct wr_schedule *
tui_oncall_find(const struct tui *t, const char *name)
{
	const struct oncall *o = t->pane[PANE_ONCALL].priv;

	for (size_t i = 0; name != NULL && i < o->n; i++)
		if (o->v[i].s != NULL && strcmp(o->v[i].name, name) == 0)
			return o->v[i].s;
	return NULL;
}

const struct wr_cover *
tui_oncall_cover(const struct tui *t, const char *id, const char **schedule)
{
	const struct oncall *o = t->pane[PANE_ONCALL].priv;
	int64_t now = tui_now(t);

	for (size_t i = 0; id != NULL && i < o->n; i++) {
		const struct wr_schedule *s = o->v[i].s;

		for (size_t j = 0; s != NULL && j < s->n_covers; j++)
			if (strcmp(s->covers[j].id, id) == 0 &&
			    s->covers[j].until > now) {
				if (schedule != NULL)
					*schedule = o->v[i].name;
				return &s->covers[j];
			}
	}
	return NULL;
}

char *
tui_oncall_cover_words(const struct tui *t, const char *by,
    const char *schedule, int64_t from, int64_t until, const char *reason)
{
	char a[32], b[32];

	tui_oncall_when(t, from, a, sizeof a);
	tui_oncall_when(t, until, b, sizeof b);
	return xasprintf("%s asks for cover: %s, %s\xe2\x80\x93%s%s%s", by,
	    schedule, a, b, reason != NULL && reason[0] != '\0' ? ", " : "",
	    reason != NULL ? reason : "");
}

void
tui_oncall_event(struct tui *t, const struct wr_event *e)
{
	char a[32], b[32], *text = NULL;

	tui_oncall_when(t, e->from, a, sizeof a);
	tui_oncall_when(t, e->until, b, sizeof b);
	switch (e->kind) {
	case WR_EV_COVER_REQUESTED:
		text = tui_oncall_cover_words(t, e->actor, e->schedule,
		    e->from, e->until, e->text);
		tui_message(t, "%s (:take %lld)", text, (long long)e->seq);
		break;
	case WR_EV_COVER_TAKEN:
		tui_message(t, "%s took cover request %lld: %s, %s\xe2\x80\x93%s",
		    e->person, (long long)e->ref, e->schedule, a, b);
		break;
	case WR_EV_OVERRIDE_ADDED:
		tui_message(t, "%s: %s on call %s\xe2\x80\x93%s (override %lld, "
		    "by %s)", e->schedule, e->person, a, b, (long long)e->seq,
		    e->actor);
		break;
	case WR_EV_OVERRIDE_REMOVED:
		tui_message(t, "%s removed override %lld of %s", e->actor,
		    (long long)e->ref, e->schedule);
		break;
	case WR_EV_COVER_WITHDRAWN:
		tui_message(t, "%s withdrew cover request %lld (%s)", e->actor,
		    (long long)e->ref, e->schedule);
		break;
	default:
		break;
	}
	free(text);
}

/* Line k (0-based) of e's open overrides, then cover requests, malloc'd
 * and raw; NULL past the last. */
static char *
extra_line(const struct tui *t, const struct entry *e, int k, int64_t now)
{
	char a[32], b[32], *w, *out;

	for (size_t i = 0; i < e->s->n_overrides; i++) {
		const struct wr_override *ov = &e->s->overrides[i];

		if (ov->until <= now || k-- > 0)
			continue;
		tui_oncall_when(t, ov->from, a, sizeof a);
		tui_oncall_when(t, ov->until, b, sizeof b);
		return xasprintf("override %s: %s, %s\xe2\x80\x93%s "
		    "(:override rm %s)", ov->id, ov->person, a, b, ov->id);
	}
	for (size_t i = 0; i < e->s->n_covers; i++) {
		const struct wr_cover *c = &e->s->covers[i];

		if (c->until <= now || k-- > 0)
			continue;
		w = tui_oncall_cover_words(t, c->by, e->name, c->from,
		    c->until, c->reason);
		out = xasprintf("cover %s: %s (:take %s)", c->id, w, c->id);
		free(w);
		return out;
	}
	return NULL;
}

void
tui_oncall_span(int64_t ms, char *buf, size_t size)
{
	int64_t m = (ms + 59999) / 60000;

	if (m < 1)
		m = 1;
	if (m < 60)
		snprintf(buf, size, "%lldm", (long long)m);
	else if (m < 48 * 60)
		snprintf(buf, size, "%lldh %02lldm", (long long)(m / 60),
		    (long long)(m % 60));
	else
		snprintf(buf, size, "%lldd %lldh", (long long)(m / 1440),
		    (long long)(m / 60 % 24));
}

void
tui_oncall_when(const struct tui *t, int64_t ms, char *buf, size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (t->utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	if (strftime(buf, size, t->utc ? "%a %H:%MZ" : "%a %H:%M", &tm) == 0)
		util_strlcpy(buf, "?", size);
}

/* "alice, for 3h 12m; next bob from Sat 09:00; gap Sun 18:00-Mon
 * 08:00", malloc'd, raw (the names are untrusted). */
static char *
describe(const struct tui *t, const struct entry *e, int64_t now)
{
	struct wr_oncall at, nx, gap;
	char span[32], from[32], to[32], *out, *tmp;

	if (e->s == NULL)
		return xstrdup(e->problem != NULL ? e->problem :
		    "cannot be answered here");
	wr_schedule_at(e->s, now, &at);
	if (at.until == INT64_MAX)
		out = xasprintf("%s", at.person != NULL ? at.person :
		    "nobody on call");
	else {
		tui_oncall_span(at.until - now, span, sizeof span);
		out = xasprintf("%s, for %s", at.person != NULL ? at.person :
		    "nobody on call", span);
	}
	if (wr_schedule_next_person(e->s, now, &nx) == 0) {
		tui_oncall_when(t, nx.since, from, sizeof from);
		tmp = xasprintf("%s; next %s from %s", out, nx.person, from);
		free(out);
		out = tmp;
	}
	if (at.person != NULL && wr_schedule_next_gap(e->s, now, WEEK_MS,
	    &gap) == 0) {
		tui_oncall_when(t, gap.since, from, sizeof from);
		if (gap.until == INT64_MAX)
			tmp = xasprintf("%s; gap from %s", out, from);
		else {
			tui_oncall_when(t, gap.until, to, sizeof to);
			tmp = xasprintf("%s; gap %s-%s", out, from, to);
		}
		free(out);
		out = tmp;
	}
	return out;
}

/* The next instant any shown answer changes: the minute its "for 3h
 * 12m" ticks over, or a handoff. */
static int64_t
changes_at(const struct entry *e, int64_t now)
{
	struct wr_oncall at;

	if (e->s == NULL)
		return 0;
	wr_schedule_at(e->s, now, &at);
	if (at.until == INT64_MAX)
		return 0;
	return now + (at.until - now - 1) % 60000 + 1;
}

/* "Thu 01 Jan 02:00" (a week has the same weekday twice), or when narrow
 * "Thu 01 02:00". */
static void
when_date(const struct tui *t, int64_t ms, int narrow, char *buf,
    size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (t->utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	if (strftime(buf, size, narrow ? (t->utc ? "%a %d %H:%MZ" :
	    "%a %d %H:%M") : t->utc ? "%a %d %b %H:%MZ" : "%a %d %b %H:%M",
	    &tm) == 0)
		util_strlcpy(buf, "?", size);
}

/* The viewer's offset from UTC at ms, in seconds (0 with --utc). */
static long
viewer_offset(const struct tui *t, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (t->utc)
		return 0;
	localtime_r(&secs, &tm);
	return tm.tm_gmtoff;
}

/* "Sat 09:00" of ms on the schedule's own clock. */
static void
zone_when(const struct wr_zone *z, int64_t ms, char *buf, size_t size)
{
	static const char *const days[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat", "Sun" };
	int64_t local = wr_zone_local(z, wr_floordiv(ms, 1000));
	int64_t d = wr_floordiv(local, 86400), sod = local - d * 86400;

	snprintf(buf, size, "%s %02d:%02d", days[wr_weekday(d)],
	    (int)(sod / 3600), (int)(sod / 60 % 60));
}

struct lines {
	char **v;
	int *role;
	size_t n, cap;
};

static void
line_add(struct lines *l, int role, char *text)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
		l->role = xrealloc(l->role, l->cap * sizeof *l->role);
	}
	l->v[l->n] = text;
	l->role[l->n++] = role;
}

/*
 * The next seven days: for each schedule a heading, then one line per
 * shift in the viewer's time ("Thu 01 Jan 02:00 - Thu 01 Jan 20:00  bob"),
 * with the schedule's own clock beside it where the two differ.  In a
 * pane narrower than WEEK_WIDE the month goes, so that the person, the
 * one thing the view is for, still fits at 40 columns.
 */
#define WEEK_WIDE	60

static void
week_lines(const struct tui *t, const struct oncall *o, int64_t now, int W,
    struct lines *l)
{
	int narrow = W < WEEK_WIDE, wid = narrow ? 12 : 16;

	for (size_t i = 0; i < o->n; i++) {
		const struct entry *e = &o->v[i];
		struct wr_oncall *sh = NULL;
		size_t n;

		if (e->s == NULL) {
			line_add(l, ROLE_ERROR, xasprintf("%s: %s", e->name,
			    e->problem != NULL ? e->problem : "cannot be "
			    "answered here"));
			continue;
		}
		line_add(l, ROLE_NORMAL, xasprintf("%s (%s), the next 7 days",
		    e->name, e->timezone));
		n = wr_schedule_shifts(e->s, now, now + WEEK_MS, &sh);
		for (size_t k = 0; k < n; k++) {
			char a[32], b[32], za[32], zb[32], *text;
			int64_t from = sh[k].since, to = sh[k].until;
			const char *who = sh[k].person != NULL ? sh[k].person :
			    "nobody on call";

			if (from == INT64_MIN || from < now - WEEK_MS)
				util_strlcpy(a, "before", sizeof a);
			else
				when_date(t, from, narrow, a, sizeof a);
			if (to == INT64_MAX)
				util_strlcpy(b, "on", sizeof b);
			else
				when_date(t, to, narrow, b, sizeof b);
			text = narrow ? xasprintf(" %-*s-%-*s %s", wid, a, wid,
			    b, who) : xasprintf("  %-*s - %-*s  %s", wid, a, wid,
			    b, who);
			if (from != INT64_MIN && to != INT64_MAX &&
			    (viewer_offset(t, from) != wr_zone_offset(e->s->zone,
			    wr_floordiv(from, 1000)) || viewer_offset(t, to) !=
			    wr_zone_offset(e->s->zone, wr_floordiv(to, 1000)))) {
				char *more;

				zone_when(e->s->zone, from, za, sizeof za);
				zone_when(e->s->zone, to, zb, sizeof zb);
				more = xasprintf("%s   (%s - %s %s)", text, za, zb,
				    e->timezone);
				free(text);
				text = more;
			}
			line_add(l, sh[k].person != NULL ? ROLE_NORMAL :
			    ROLE_DIM, text);
		}
		free(sh);
	}
}

static void
week_draw(struct tui *t, struct pane *p, struct oncall *o, int x0, int W,
    int vis, int64_t now)
{
	struct lines l = { 0 };

	week_lines(t, o, now, W, &l);
	if (o->scroll > (int)l.n - 1)
		o->scroll = l.n > 0 ? (int)l.n - 1 : 0;
	for (int i = 0; i < vis && o->scroll + i < (int)l.n; i++)
		tui_put_untrusted(t, p->win, i + 1, x0 + 1, W - 1,
		    l.role[o->scroll + i], l.v[o->scroll + i]);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	free(l.role);
	/* the first shift ends, and the list moves on */
	for (size_t i = 0; i < o->n; i++) {
		int64_t at = changes_at(&o->v[i], now);

		if (at > now)
			tui_age_changes_at(t, at);
	}
}

void
tui_oncall_week(struct tui *t, int on)
{
	struct oncall *o = t->pane[PANE_ONCALL].priv;

	o->week = on;
	o->scroll = 0;
	t->zoom_for_oncall = 0;
	if (on) {
		tui_focus(t, PANE_ONCALL);
		t->zoom = 1;
	} else {
		t->zoom = 0;
	}
	t->layout_dirty = 1;
	tui_dirty(t, PANE_ONCALL);
}

static void
oncall_draw(struct tui *t, struct pane *p)
{
	struct oncall *o = p->priv;
	int x0 = p->border_left ? 1 : 0, W = p->w - x0, vis = p->h - 1;
	int64_t now = tui_now(t);

	if (p->border_left)
		tui_vrule(t, p->win, 0, p->h);
	tui_bar(t, p, t->focus == PANE_ONCALL, o->week ?
	    "On call: the next 7 days (:oncall now goes back)" : "On call");
	if (vis < 1)
		return;
	if (o->n == 0) {
		tui_put(t, p->win, 1, x0 + 1, W - 1, ROLE_DIM,
		    "no on-call schedules announced by the feed");
		return;
	}
	if (o->week) {
		week_draw(t, p, o, x0, W, vis, now);
		return;
	}
	if (o->scroll > (int)o->n - 1)
		o->scroll = (int)o->n - 1;
	for (int i = 0, y = 1; y <= vis && o->scroll + i < (int)o->n; i++) {
		const struct entry *e = &o->v[o->scroll + i];
		int sw = W / 5 > 10 ? W / 5 : 10, x = x0 + 1;
		char *text = describe(t, e, now);
		int64_t at = changes_at(e, now);
		int extra = extra_count(e, now);

		tui_put_untrusted(t, p->win, y, x, sw, t->focus ==
		    PANE_ONCALL && i == 0 ? ROLE_NORMAL : ROLE_DIM, e->name);
		x = x0 + 1 + sw + 1;
		tui_put_untrusted(t, p->win, y, x, W - (x - x0), e->s != NULL ?
		    ROLE_NORMAL : ROLE_ERROR, text);
		free(text);
		if (at > now)
			tui_age_changes_at(t, at);
		y++;
		for (int k = 0; k < extra && y <= vis; k++, y++) {
			char *line = extra_line(t, e, k, now);

			if (line == NULL)
				break;
			tui_put_untrusted(t, p->win, y, x, W - (x - x0),
			    ROLE_DIM, line);
			free(line);
		}
		/* one that ends is dropped at the next draw */
		for (size_t j = 0; e->s != NULL && j < e->s->n_overrides; j++)
			if (e->s->overrides[j].until > now)
				tui_age_changes_at(t, e->s->overrides[j].until);
		for (size_t j = 0; e->s != NULL && j < e->s->n_covers; j++)
			if (e->s->covers[j].until > now)
				tui_age_changes_at(t, e->s->covers[j].until);
	}
}

/*
 * The handoff the status line shows when one is near: "bob takes primary
 * in 12 min" (the soonest of every schedule within TUI_ONCALL_NEAR_MS),
 * malloc'd and raw, or NULL.  *changes (may be NULL) gets when the text
 * changes next.
 */
char *
tui_oncall_near(const struct tui *t, int64_t now, int64_t *changes)
{
	const struct oncall *o = t->pane[PANE_ONCALL].priv;
	const struct entry *best = NULL;
	struct wr_oncall nx, bnx = { 0 };
	int64_t later = 0;	/* when a handoff comes within the window */

	for (size_t i = 0; i < o->n; i++) {
		if (o->v[i].s == NULL || wr_schedule_next(o->v[i].s, now,
		    &nx) != 0)
			continue;
		if (nx.since - now > TUI_ONCALL_NEAR_MS) {
			int64_t at = nx.since - TUI_ONCALL_NEAR_MS;

			if (later == 0 || at < later)
				later = at;
			continue;
		}
		if (best == NULL || nx.since < bnx.since) {
			best = &o->v[i];
			bnx = nx;
		}
	}
	if (changes != NULL)
		*changes = later;
	if (best == NULL)
		return NULL;
	{
		int64_t m = (bnx.since - now + 59999) / 60000,
		    tick = now + (bnx.since - now - 1) % 60000 + 1;

		if (changes != NULL && (later == 0 || tick < later))
			*changes = tick;
		if (bnx.person == NULL)
			return xasprintf("%s has nobody on call in %lld min",
			    best->name, (long long)m);
		return xasprintf("%s takes %s in %lld min", bnx.person,
		    best->name, (long long)m);
	}
}

static int
oncall_key(struct tui *t, struct pane *p, int is_keycode, wint_t ch)
{
	struct oncall *o = p->priv;

	if (!is_keycode && ch == 'O') {
		/* the override prompt for the schedule at the top */
		if (o->n == 0 || o->scroll < 0 || o->scroll >= (int)o->n) {
			tui_message(t, "no schedule to override");
		} else {
			char *line = xasprintf("override %s ",
			    o->v[o->scroll].name);

			tui_prompt_open(t, PROMPT_COMMAND, line, 0);
			free(line);
		}
		return 1;
	}

	if ((!is_keycode && ch == 'j') || (is_keycode && ch == KEY_DOWN)) {
		if (o->week || o->scroll + 1 < (int)o->n)
			o->scroll++;	/* a week's lines are counted as drawn */
		tui_dirty(t, PANE_ONCALL);
		return 1;
	}
	if ((!is_keycode && ch == 'k') || (is_keycode && ch == KEY_UP)) {
		if (o->scroll > 0)
			o->scroll--;
		tui_dirty(t, PANE_ONCALL);
		return 1;
	}
	return 0;
}

static void
oncall_init(struct tui *t, struct pane *p)
{
	p->priv = xcalloc(1, sizeof(struct oncall));
}

static void
oncall_free(struct tui *t, struct pane *p)
{
	if (p->priv == NULL)
		return;
	entries_free(p->priv);
	free(p->priv);
	p->priv = NULL;
}

const struct pane_ops tui_oncall_ops = {
	.name = "oncall",
	.init = oncall_init,
	.free = oncall_free,
	.draw = oncall_draw,
	.key = oncall_key,
	.focusable = 1,
};
