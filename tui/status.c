/*
 * status.c: the bottom line.  What the feed is doing (LIVE, STALE n s,
 * OFFLINE with the next retry, TOKEN REFUSED), who this console acts as
 * ("as alice": in a shared tmux everyone sees whose name an action
 * carries), counts of open incidents by severity, ops queued in the outbox,
 * the last message, and the feed's address.  Never a stale screen posing
 * as live: the badge is the first thing on the line and the last to go.
 *
 * Segments have priorities; when the line is too narrow the least
 * important go first (the address, then the counts), and a long message is
 * shortened before it is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/util.h"
#include "tui/tui-int.h"

struct segment {
	char *text;		/* sanitised */
	int role;
	int prio;		/* 0: never dropped; higher goes first */
	int width;
	int shrink;		/* may be shortened down to 12 columns */
	int right;		/* right-aligned */
};

#define MAX_SEG	8
#define GAP	2

static void
add(struct segment *v, int *n, char *text, int role, int prio, int shrink)
{
	if (*n == MAX_SEG || text == NULL) {
		free(text);
		return;
	}
	v[*n] = (struct segment){ text, role, prio, sanitize_width(text),
		shrink, 0 };
	(*n)++;
}

static char *
badge(const struct tui *t, int *role)
{
	switch (t->feed_state) {
	case TUI_FEED_LIVE:
		*role = ROLE_STATUS_LIVE;
		return xstrdup(" LIVE ");
	case TUI_FEED_STALE:
		*role = ROLE_STATUS_STALE;
		return xasprintf(" STALE %d s ", t->stale_s);
	case TUI_FEED_OFFLINE:
		*role = ROLE_STATUS_OFFLINE;
		if (t->retry_s > 0)
			return xasprintf(" OFFLINE (retry in %d s) ",
			    t->retry_s);
		return xstrdup(" OFFLINE (retrying) ");
	case TUI_FEED_TOKEN_REFUSED:
		*role = ROLE_STATUS_OFFLINE;
		return xstrdup(" TOKEN REFUSED ");
	case TUI_FEED_SYNCING:
		*role = ROLE_STATUS_STALE;
		return xstrdup(" CATCHING UP ");
	case TUI_FEED_CONNECTING:
	default:
		*role = ROLE_STATUS_STALE;
		return xstrdup(" CONNECTING ");
	}
}

static char *
counts(const struct tui *t)
{
	static const char *names[WR_SEV_COUNT] = { "critical", "error",
		"warning", "info" };
	char buf[160];
	int n = 0;

	buf[0] = '\0';
	for (int i = 0; i < WR_SEV_COUNT; i++) {
		if (t->room->open_by_sev[i] == 0)
			continue;
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%d %s",
		    n > 0 ? " " : "", t->room->open_by_sev[i], names[i]);
		if (n >= (int)sizeof buf)
			break;
	}
	return xstrdup(n > 0 ? buf : "no open incidents");
}

static void
status_draw(struct tui *t, struct pane *p)
{
	struct segment v[MAX_SEG];
	int n = 0, total, x, role = ROLE_STATUS;
	char *b = badge(t, &role);

	add(v, &n, b, role, 0, 0);
	if (t->user != NULL && *t->user != '\0') {
		char *u = tui_clean(t->user);

		add(v, &n, xasprintf("as %s", u), ROLE_STATUS, 1, 0);
		free(u);
	} else {
		add(v, &n, xstrdup("no user"), ROLE_ERROR, 1, 0);
	}
	if (t->follow_top)
		add(v, &n, xstrdup("FOLLOWING TOP"), ROLE_STATUS_STALE, 1, 0);
	{
		/* escalated to this user: the last thing to go but the badge
		 * and the name */
		char *raw = tui_banner_text(t);

		if (raw != NULL) {
			add(v, &n, tui_clean(raw), ROLE_ERROR, 1, 1);
			free(raw);
		}
	}
	add(v, &n, counts(t), ROLE_STATUS, 5, 0);
	if (t->queued_count > 0)
		add(v, &n, xasprintf("%d queued", t->queued_count),
		    ROLE_STATUS, 2, 0);
	{
		int64_t now = tui_now(t), at = 0;
		char *near = tui_oncall_near(t, now, &at);

		if (near != NULL) {
			add(v, &n, tui_clean(near), ROLE_STATUS_STALE, 3, 1);
			free(near);
		}
		/* the minute ticks over, or a handoff comes near */
		if (at > now)
			tui_age_changes_at(t, at);
	}
	if (t->feed_detail != NULL)
		add(v, &n, tui_clean(t->feed_detail), ROLE_STATUS, 4, 1);
	if (t->msg != NULL)
		add(v, &n, tui_clean(t->msg), t->msg_error ? ROLE_ERROR :
		    ROLE_STATUS, 3, 1);
	if (t->feed_url != NULL) {
		add(v, &n, tui_clean(t->feed_url), ROLE_DIM, 6, 0);
		v[n - 1].right = 1;
	}

	for (;;) {
		int worst = -1;

		total = 0;
		for (int i = 0; i < n; i++)
			if (v[i].text != NULL)
				total += v[i].width + (total > 0 ? GAP : 0);
		if (total <= p->w)
			break;
		for (int i = 0; i < n; i++)
			if (v[i].text != NULL && v[i].prio > 0 &&
			    (worst < 0 || v[i].prio > v[worst].prio))
				worst = i;
		if (worst < 0)
			break;
		if (v[worst].shrink && v[worst].width - (total - p->w) >= 12) {
			v[worst].width -= total - p->w;
			continue;
		}
		free(v[worst].text);
		v[worst].text = NULL;
	}

	tui_fill(t, p->win, 0, 0, p->w, ROLE_STATUS);
	x = 0;
	for (int i = 0; i < n && x < p->w; i++) {
		int w;

		if (v[i].text == NULL)
			continue;
		if (v[i].right && total < p->w)
			x += p->w - total;
		w = tui_put(t, p->win, 0, x, v[i].width < p->w - x ?
		    v[i].width : p->w - x, v[i].role, v[i].text);
		x += w + GAP;
	}
	for (int i = 0; i < n; i++)
		free(v[i].text);
}

const struct pane_ops tui_status_ops = {
	.name = "status",
	.draw = status_draw,
};
