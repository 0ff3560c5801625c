/*
 * oncall.c: who is on call now and next for each schedule the feed
 * announces, with the time to the handoff.  Schedules come in their own
 * issue; until the feed announces some, the pane says so ("no on-call
 * schedules announced by the feed") rather than showing nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/tui-int.h"

struct entry {
	char *schedule, *now, *next;	/* raw: sanitised when drawn */
	int64_t handoff;
};

struct oncall {
	struct entry *v;
	size_t n;
	int scroll;
};

static void
entries_free(struct oncall *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].schedule);
		free(o->v[i].now);
		free(o->v[i].next);
	}
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

void
tui_oncall_set(struct tui *t, const struct tui_oncall *v, size_t n)
{
	struct oncall *o = t->pane[PANE_ONCALL].priv;

	entries_free(o);
	if (n == 0)
		return;
	o->v = xcalloc(n, sizeof *o->v);
	for (size_t i = 0; i < n; i++) {
		o->v[i].schedule = xstrdup0(v[i].schedule);
		o->v[i].now = xstrdup0(v[i].now);
		o->v[i].next = xstrdup0(v[i].next);
		o->v[i].handoff = v[i].handoff;
	}
	o->n = n;
	o->scroll = 0;
}

int
tui_oncall_lines(const struct tui *t)
{
	const struct oncall *o = t->pane[PANE_ONCALL].priv;

	return o->n > 0 ? (int)o->n : 1;
}

/* "in 3h 20m" */
static void
until(int64_t now, int64_t when, char *buf, size_t size)
{
	int64_t m = (when - now) / 60000;

	if (when <= 0) {
		buf[0] = '\0';
	} else if (m < 1) {
		snprintf(buf, size, "now");
	} else if (m < 60) {
		snprintf(buf, size, "in %lldm", (long long)m);
	} else if (m < 48 * 60) {
		snprintf(buf, size, "in %lldh %02lldm", (long long)(m / 60),
		    (long long)(m % 60));
	} else {
		snprintf(buf, size, "in %lldd %lldh", (long long)(m / 1440),
		    (long long)(m / 60 % 24));
	}
}

static void
oncall_draw(struct tui *t, struct pane *p)
{
	struct oncall *o = p->priv;
	int x0 = p->border_left ? 1 : 0, W = p->w - x0, vis = p->h - 1;
	int64_t now = tui_now(t);

	if (p->border_left)
		tui_vrule(t, p->win, 0, p->h);
	tui_bar(t, p, t->focus == PANE_ONCALL, "On call");
	if (vis < 1)
		return;
	if (o->n == 0) {
		tui_put(t, p->win, 1, x0 + 1, W - 1, ROLE_DIM,
		    "no on-call schedules announced by the feed");
		return;
	}
	if (o->scroll > (int)o->n - 1)
		o->scroll = (int)o->n - 1;
	for (int i = 0; i < vis && o->scroll + i < (int)o->n; i++) {
		const struct entry *e = &o->v[o->scroll + i];
		int sw = W / 4 > 10 ? W / 4 : 10, x = x0 + 1, y = i + 1;
		char when[48];

		x += tui_put_untrusted(t, p->win, y, x, sw, ROLE_DIM,
		    e->schedule) + 1;
		x = x0 + 1 + sw + 1;
		x += tui_put(t, p->win, y, x, W - (x - x0), ROLE_DIM, "now ");
		x += tui_put_untrusted(t, p->win, y, x, W - (x - x0),
		    ROLE_NORMAL, e->now != NULL ? e->now : "nobody") + 2;
		if (e->next == NULL || x >= x0 + W)
			continue;
		x += tui_put(t, p->win, y, x, W - (x - x0), ROLE_DIM, "next ");
		x += tui_put_untrusted(t, p->win, y, x, W - (x - x0),
		    ROLE_NORMAL, e->next) + 1;
		until(now, e->handoff, when, sizeof when);
		tui_put(t, p->win, y, x, W - (x - x0), ROLE_DIM, when);
		/* "in 3h 20m" changes on the minute before the handoff. */
		if (e->handoff > now)
			tui_age_changes_at(t, now + (e->handoff - now) % 60000 + 1);
	}
}

static int
oncall_key(struct tui *t, struct pane *p, int is_keycode, wint_t ch)
{
	struct oncall *o = p->priv;

	if ((!is_keycode && ch == 'j') || (is_keycode && ch == KEY_DOWN)) {
		if (o->scroll + 1 < (int)o->n)
			o->scroll++;
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
