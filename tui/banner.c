/*
 * banner.c: "#12 escalated to you: checkout 5xx rate" on the status line
 * of the consoles of the person an escalation step paged (a
 * policy_assigned or escalated event naming this console's user), with
 * the bell, until the incident is acknowledged (or otherwise no longer
 * triggered, or a later step paged someone else) or the person dismisses
 * it with x.  --quiet and the console's config silence the bell, never the
 * banner.
 *
 * What is up is derived from the room (the incident's esc_target and
 * state, kept by the reducer from the log), so a console that starts, or
 * takes a snapshot, shows the banners of incidents escalated to its user
 * while it was away; the list of candidates is kept small and checked
 * when drawn, so that a room of 100,000 incidents costs one scan at a
 * reload, not one per frame.
 */
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/util.h"
#include "tui/tui-int.h"

#define BANNER_MAX	64

struct banner_entry {
	int64_t id;
	int64_t dismissed_at;	/* esc_fired when dismissed; 0: not */
};

struct tui_banner {
	struct banner_entry v[BANNER_MAX];
	size_t n;
	int scanned;		/* the room was looked at for this user */
	int64_t last_bell;	/* wall ms */
};

static struct tui_banner *
banner(struct tui *t)
{
	if (t->banner == NULL)
		t->banner = xcalloc(1, sizeof *t->banner);
	return t->banner;
}

void
tui_banner_free(struct tui *t)
{
	free(t->banner);
	t->banner = NULL;
}

/* Whether inc is, now, escalated to this console's user. */
static int
paged_user(const struct tui *t, const struct wr_incident *inc)
{
	return inc != NULL && inc->state == WR_ST_TRIGGERED &&
	    inc->esc_since != 0 && inc->esc_fired > 0 &&
	    wr_policy_names_person(inc->esc_target, t->user);
}

static void
add(struct tui_banner *b, int64_t id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].id == id) {
			/* again: the newest goes last, shown first */
			struct banner_entry e = b->v[i];

			memmove(&b->v[i], &b->v[i + 1],
			    (b->n - i - 1) * sizeof b->v[0]);
			b->v[b->n - 1] = e;
			return;
		}
	if (b->n == BANNER_MAX) {
		memmove(&b->v[0], &b->v[1], (BANNER_MAX - 1) * sizeof b->v[0]);
		b->n--;
	}
	b->v[b->n++] = (struct banner_entry){ id, 0 };
}

void
tui_banner_rescan(struct tui *t)
{
	struct tui_banner *b = banner(t);

	b->n = 0;
	b->scanned = 1;
	for (size_t i = 0; i < t->room->inc_cap; i++)
		if (paged_user(t, t->room->inc[i]))
			add(b, t->room->inc[i]->id);
	tui_dirty(t, PANE_STATUS);
}

void
tui_banner_event(struct tui *t, const struct wr_event *e)
{
	struct tui_banner *b = banner(t);

	if (e->kind != WR_EV_POLICY_ASSIGNED && e->kind != WR_EV_ESCALATED)
		return;
	if (!wr_policy_names_person(e->text, t->user))
		return;
	add(b, e->incident);
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].id == e->incident)
			b->v[i].dismissed_at = 0;	/* a new step */
	if (t->bell_armed && !t->quiet) {
		t->bell_pending = 1;
		b->last_bell = tui_now(t);
	}
	tui_dirty(t, PANE_STATUS);
}

/* The newest entry that still stands, or NULL; *more gets how many others
 * do.  Entries that no longer stand are dropped. */
static const struct wr_incident *
current(struct tui *t, int *more)
{
	struct tui_banner *b = banner(t);
	const struct wr_incident *top = NULL;
	size_t k = 0;

	if (!b->scanned)
		tui_banner_rescan(t);
	*more = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct wr_incident *inc = wr_room_get(t->room,
		    b->v[i].id);

		if (!paged_user(t, inc))
			continue;
		b->v[k++] = b->v[i];
		if (b->v[k - 1].dismissed_at != 0 &&
		    b->v[k - 1].dismissed_at == inc->esc_fired)
			continue;
		b->v[k - 1].dismissed_at = 0;
		if (top != NULL)
			(*more)++;
		top = inc;
	}
	b->n = k;
	return top;
}

char *
tui_banner_text(struct tui *t)
{
	int more;
	const struct wr_incident *inc;

	if (t->user == NULL || *t->user == '\0' ||
	    (inc = current(t, &more)) == NULL)
		return NULL;
	if (more > 0)
		return xasprintf("#%lld escalated to you: %s (and %d more; x "
		    "dismisses)", (long long)inc->id, inc->title ? inc->title :
		    "", more);
	return xasprintf("#%lld escalated to you: %s (x dismisses)",
	    (long long)inc->id, inc->title ? inc->title : "");
}

int
tui_banner_dismiss(struct tui *t)
{
	struct tui_banner *b = banner(t);
	const struct wr_incident *inc;
	int more;

	if ((inc = current(t, &more)) == NULL)
		return 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].id == inc->id)
			b->v[i].dismissed_at = inc->esc_fired;
	tui_message(t, "#%lld: banner dismissed (it comes back with the next "
	    "step)", (long long)inc->id);
	tui_dirty(t, PANE_STATUS);
	return 1;
}

void
tui_banner_tick(struct tui *t, int64_t now)
{
	struct tui_banner *b = banner(t);
	int more;

	if (!t->bell_armed || t->quiet || now - b->last_bell <
	    TUI_BANNER_BELL_MS || current(t, &more) == NULL)
		return;
	t->bell_pending = 1;
	b->last_bell = now;
}
