/*
 * list.c: the incident list: one row per incident (severity, state, age,
 * title, service, alerts firing/total, who acknowledged, a queued or
 * refused op), sorted and filtered, with the selection.
 *
 * 100,000 incidents must scroll as smoothly as 10: the list keeps an index
 * (an array of sort keys and ids of the incidents that match the filter,
 * sorted) rebuilt only when the room's generation, the sort or the filter
 * changed, and draws only the rows on screen.  A key that moves the
 * selection costs O(1).  The selection follows its incident, not its row
 * number, when a rebuild reorders the list (as htop does), and it is always
 * on screen.
 *
 * Default order: triggered before acknowledged before resolved, then
 * severity, then age (newest first).  `:sort sev|age|state|service|id`
 * (a leading '-' reverses).  The filter is words, all of which must match:
 * free text over title, service, who acknowledged, the assignee and (when
 * the room keeps alerts in memory) labels; `state:` and `sev:` with
 * comma-separated names or prefixes (`state:open` is not resolved); `#ID`.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "tui/tui-int.h"

struct sortrec {
	uint64_t k;
	int64_t id;
};

struct filter {
	unsigned states;	/* bit per wr_state; 0: any */
	unsigned sevs;		/* bit per wr_severity; 0: any */
	int64_t id;		/* #ID; 0: any */
	char **terms;		/* lower-cased words */
	size_t n_terms;
	int bad;		/* matches nothing */
};

struct list {
	struct sortrec *rows;
	size_t n, cap;
	size_t sel, top;
	int64_t sel_id;
	int stale, built;
	enum tui_sort sort;
	int reverse;
	char *filter_text;
	struct filter flt;
};

static struct list *
list_of(const struct tui *t)
{
	return t->pane[PANE_LIST].priv;
}

/* ---- filter ----------------------------------------------------------------- */

static void
filter_free(struct filter *f)
{
	for (size_t i = 0; i < f->n_terms; i++)
		free(f->terms[i]);
	free(f->terms);
	memset(f, 0, sizeof *f);
}

/* The bits of the names in a comma-separated list of names or prefixes;
 * 0 and a reason for an unknown one. */
static unsigned
names_mask(const char *list, const char *(*name)(int), int count,
    const char *what, char **cause)
{
	unsigned mask = 0;
	char *copy = xstrdup(list), *save = NULL;

	for (char *v = strtok_r(copy, ",", &save); v != NULL;
	    v = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(v);
		unsigned m = 0;

		if (strcmp(what, "state") == 0 && strcmp(v, "open") == 0)
			m = 1u << WR_ST_TRIGGERED | 1u << WR_ST_ACKNOWLEDGED;
		else if (strcmp(what, "state") == 0 && strcmp(v, "acked") == 0)
			m = 1u << WR_ST_ACKNOWLEDGED;
		for (int i = 0; m == 0 && i < count; i++)
			if (strncmp(name(i), v, n) == 0)
				m |= 1u << i;
		if (m == 0) {
			if (*cause == NULL)
				*cause = xasprintf("unknown %s '%s'", what, v);
			free(copy);
			return 0;
		}
		mask |= m;
	}
	free(copy);
	return mask;
}

static const char *
state_name_i(int i)
{
	return wr_state_name((wr_state)i);
}

static const char *
sev_name_i(int i)
{
	return wr_severity_name((wr_severity)i);
}

static int
filter_parse(const char *text, struct filter *f, char **cause)
{
	char *copy, *save = NULL;

	memset(f, 0, sizeof *f);
	*cause = NULL;
	if (text == NULL)
		return 0;
	copy = xstrdup(text);
	for (char *w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		char *v;

		for (char *c = w; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
		if ((v = strchr(w, ':')) != NULL &&
		    (strncmp(w, "state:", 6) == 0 ||
		    strncmp(w, "sev:", 4) == 0 ||
		    strncmp(w, "severity:", 9) == 0)) {
			int is_state = w[1] == 't';
			unsigned m;

			v++;
			if (*v == '\0')
				continue;	/* still being typed */
			m = is_state ?
			    names_mask(v, state_name_i, WR_ST_COUNT, "state",
			    cause) :
			    names_mask(v, sev_name_i, WR_SEV_COUNT, "severity",
			    cause);
			if (m == 0)
				f->bad = 1;
			if (is_state)
				f->states |= m;
			else
				f->sevs |= m;
			continue;
		}
		if (w[0] == '#' && w[1] != '\0') {
			char *end;
			long long id = strtoll(w + 1, &end, 10);

			if (*end == '\0' && id > 0) {
				f->id = id;
				continue;
			}
		}
		f->terms = xrealloc(f->terms,
		    (f->n_terms + 1) * sizeof *f->terms);
		f->terms[f->n_terms++] = xstrdup(w);
	}
	free(copy);
	if (f->bad && *cause != NULL) {
		char *c = xasprintf("%s (states: triggered, acknowledged, "
		    "resolved, open; severities: critical, error, warning, "
		    "info)", *cause);
		free(*cause);
		*cause = c;
		return -1;
	}
	return 0;
}

/* ASCII case-insensitive substring; needle is lower case. */
static int
has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL)
		return 0;
	for (; *hay != '\0'; hay++) {
		size_t i = 0;

		while (i < n && hay[i] != '\0' &&
		    tolower((unsigned char)hay[i]) == (unsigned char)needle[i])
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

static int
term_matches(const struct wr_incident *inc, const char *term)
{
	if (has_ci(inc->title, term) || has_ci(inc->service, term) ||
	    has_ci(inc->ack_by, term) || has_ci(inc->assignee, term))
		return 1;
	/* The console's room keeps no alerts, but every incident carries
	 * the distinct labels of its alerts as text. */
	if (has_ci(inc->labels_text, term))
		return 1;
	for (size_t i = 0; i < inc->alerts_len; i++) {
		const struct wr_kvlist *l = &inc->alerts[i].labels;

		for (size_t k = 0; k < l->n; k++)
			if (has_ci(l->v[k].value, term) ||
			    has_ci(l->v[k].key, term))
				return 1;
	}
	return 0;
}

static int
filter_match(const struct filter *f, const struct wr_incident *inc)
{
	if (f->bad)
		return 0;
	if (f->states != 0 && !(f->states & (1u << inc->state)))
		return 0;
	if (f->sevs != 0 && !(f->sevs & (1u << inc->severity)))
		return 0;
	if (f->id != 0 && inc->id != f->id)
		return 0;
	for (size_t i = 0; i < f->n_terms; i++)
		if (!term_matches(inc, f->terms[i]))
			return 0;
	return 1;
}

/* ---- the sorted index ------------------------------------------------------- */

#define AGE_BITS	52
#define AGE_MAX		((UINT64_C(1) << AGE_BITS) - 1)

/* Newest first: the key grows with age. */
static uint64_t
age_key(const struct wr_incident *inc)
{
	int64_t c = inc->created;

	if (c < 0)
		c = 0;
	if ((uint64_t)c > AGE_MAX)
		c = (int64_t)AGE_MAX;
	return AGE_MAX - (uint64_t)c;
}

static uint64_t
sort_key(enum tui_sort s, const struct wr_incident *inc)
{
	uint64_t rank = (unsigned)inc->state & 3u, sev = (unsigned)inc->severity & 7u;

	switch (s) {
	case SORT_SEV:
		return sev << 60 | rank << 56 | age_key(inc);
	case SORT_AGE:
		return age_key(inc);
	case SORT_ID:
		return (uint64_t)inc->id;
	case SORT_STATE:
	case SORT_SERVICE:
	default:
		return rank << 60 | sev << 56 | age_key(inc);
	}
}

/* qsort has no context argument; the list is single-threaded. */
static const struct wr_room *sort_room;
static int sort_reverse;

static int
cmp_key(const void *a, const void *b)
{
	const struct sortrec *x = a, *y = b;
	int r;

	if (x->k != y->k)
		r = x->k < y->k ? -1 : 1;
	else
		r = x->id > y->id ? -1 : x->id < y->id;	/* newer first */
	return sort_reverse ? -r : r;
}

static int
cmp_service(const void *a, const void *b)
{
	const struct sortrec *x = a, *y = b;
	const struct wr_incident *ix = wr_room_get(sort_room, x->id);
	const struct wr_incident *iy = wr_room_get(sort_room, y->id);
	int r = strcmp(ix->service ? ix->service : "",
	    iy->service ? iy->service : "");

	if (r != 0)
		return sort_reverse ? -r : r;
	return cmp_key(a, b);
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
rebuild(struct tui *t, struct list *l)
{
	const struct wr_room *room = t->room;
	int64_t t0 = mono_us(), keep = l->sel_id;
	size_t off = l->sel >= l->top ? l->sel - l->top : 0, ns = SIZE_MAX;
	size_t old_sel = l->sel;

	if (l->cap < room->n_incidents) {
		l->cap = room->n_incidents + room->n_incidents / 4 + 16;
		l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
	}
	l->n = 0;
	for (size_t i = 0; i < room->inc_cap && l->n < l->cap; i++) {
		const struct wr_incident *inc = room->inc[i];

		if (inc == NULL || !filter_match(&l->flt, inc))
			continue;
		l->rows[l->n].k = sort_key(l->sort, inc);
		l->rows[l->n].id = inc->id;
		l->n++;
	}
	sort_room = room;
	sort_reverse = l->reverse;
	if (l->n > 1)
		qsort(l->rows, l->n, sizeof *l->rows,
		    l->sort == SORT_SERVICE ? cmp_service : cmp_key);
	if (keep != 0)
		for (size_t i = 0; i < l->n; i++)
			if (l->rows[i].id == keep) {
				ns = i;
				break;
			}
	if (ns == SIZE_MAX)
		ns = l->n == 0 ? 0 : (old_sel < l->n ? old_sel : l->n - 1);
	l->sel = ns;
	l->sel_id = l->n > 0 ? l->rows[ns].id : 0;
	/* Keep the selected row where it was on screen. */
	l->top = ns >= off ? ns - off : 0;
	l->stale = 0;
	l->built = 1;
	if (l->sel_id != keep)
		tui_dirty(t, PANE_DETAIL);
	t->stats.list_rebuilds++;
	t->stats.last_rebuild_us = mono_us() - t0;
}

void
tui_list_prepare(struct tui *t)
{
	struct list *l = list_of(t);

	if (l->stale || !l->built)
		rebuild(t, l);
}

void
tui_list_invalidate(struct tui *t)
{
	list_of(t)->stale = 1;
	tui_dirty(t, PANE_LIST);
}

int64_t
tui_list_selected(const struct tui *t)
{
	return list_of(t)->sel_id;
}

size_t
tui_list_count(struct tui *t)
{
	tui_list_prepare(t);
	return list_of(t)->n;
}

int64_t
tui_list_row(struct tui *t, size_t i)
{
	struct list *l = list_of(t);

	tui_list_prepare(t);
	return i < l->n ? l->rows[i].id : 0;
}

const char *
tui_list_filter(const struct tui *t)
{
	return list_of(t)->filter_text;
}

int
tui_list_set_filter(struct tui *t, const char *text, char **cause)
{
	struct list *l = list_of(t);
	int rc;

	if (text != NULL && *text == '\0')
		text = NULL;
	filter_free(&l->flt);
	util_set_str(&l->filter_text, text);
	rc = filter_parse(text, &l->flt, cause);
	tui_list_invalidate(t);
	return rc;
}

int
tui_list_set_sort(struct tui *t, const char *key, char **cause)
{
	static const struct {
		const char *name;
		enum tui_sort sort;
	} keys[] = {
		{ "state", SORT_STATE }, { "default", SORT_STATE },
		{ "sev", SORT_SEV }, { "severity", SORT_SEV },
		{ "age", SORT_AGE }, { "service", SORT_SERVICE },
		{ "id", SORT_ID },
	};
	struct list *l = list_of(t);
	int reverse = 0;

	if (key != NULL && *key == '-') {
		reverse = 1;
		key++;
	}
	for (size_t i = 0; key != NULL && i < sizeof keys / sizeof keys[0];
	    i++) {
		if (strcmp(key, keys[i].name) == 0) {
			l->sort = keys[i].sort;
			l->reverse = reverse;
			tui_list_invalidate(t);
			return 0;
		}
	}
	*cause = xasprintf("unknown sort key '%s' (sev, age, state, service, "
	    "id; -KEY reverses)", key != NULL ? key : "");
	return -1;
}

static const char *
sort_name(const struct list *l)
{
	static const char *names[] = { "state", "sev", "age", "service",
		"id" };

	return names[l->sort];
}

/* ---- selection ---------------------------------------------------------------- */

static size_t
visible_rows(const struct pane *p)
{
	return p->h > 1 ? (size_t)p->h - 1 : 1;
}

static void
select_index(struct tui *t, struct list *l, size_t i)
{
	if (l->n == 0)
		return;
	if (i >= l->n)
		i = l->n - 1;
	if (i == l->sel && l->sel_id == l->rows[i].id)
		return;
	l->sel = i;
	l->sel_id = l->rows[i].id;
	tui_dirty(t, PANE_LIST);
	tui_dirty(t, PANE_DETAIL);
}

static void
move_by(struct tui *t, struct list *l, long delta)
{
	size_t i = l->sel;

	if (l->n == 0)
		return;
	if (delta < 0)
		i = (size_t)-delta > i ? 0 : i - (size_t)-delta;
	else
		i = i + (size_t)delta >= l->n ? l->n - 1 : i + (size_t)delta;
	select_index(t, l, i);
}

/* Scroll the view (wheel, page keys), dragging the selection along. */
static void
scroll_by(struct tui *t, struct list *l, const struct pane *p, long delta)
{
	size_t vis = visible_rows(p), max_top = l->n > vis ? l->n - vis : 0;

	if (delta < 0)
		l->top = (size_t)-delta > l->top ? 0 : l->top - (size_t)-delta;
	else
		l->top = l->top + (size_t)delta > max_top ? max_top :
		    l->top + (size_t)delta;
	if (l->sel < l->top)
		select_index(t, l, l->top);
	else if (l->sel >= l->top + vis)
		select_index(t, l, l->top + vis - 1);
	tui_dirty(t, PANE_LIST);
}

int
tui_list_select_id(struct tui *t, int64_t id)
{
	struct list *l = list_of(t);

	tui_list_prepare(t);
	for (size_t i = 0; i < l->n; i++) {
		if (l->rows[i].id == id) {
			select_index(t, l, i);
			return 0;
		}
	}
	return -1;
}

/* The selected row on screen, and no empty space below the last row. */
static void
ensure_visible(struct list *l, size_t vis)
{
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + vis)
		l->top = l->sel - vis + 1;
	if (l->top + vis > l->n)
		l->top = l->n > vis ? l->n - vis : 0;
}

/* ---- drawing ------------------------------------------------------------------- */

struct cols {
	int id_x, id_w, sev_x, sev_w, st_x, st_w, age_x, age_w;
	int title_x, title_w, svc_x, svc_w, al_x, al_w, who_x, who_w;
	int op_x, op_w, asg_x, asg_w;
};

static void
cols_compute(int W, int64_t max_id, struct cols *c)
{
	int digits = 1, fixed, x;
	int *drop[] = { &c->asg_w, &c->op_w, &c->al_w, &c->svc_w, &c->who_w,
		&c->age_w, &c->st_w, &c->sev_w, &c->id_w };
	size_t d = 0;

	for (int64_t v = max_id; v >= 10; v /= 10)
		digits++;
	memset(c, 0, sizeof *c);
	c->id_w = digits + 1;
	c->sev_w = 4;
	c->st_w = W >= 120 ? 12 : 5;
	c->age_w = 4;
	c->svc_w = W >= 140 ? 20 : W >= 100 ? 16 : 12;
	c->al_w = W >= 100 ? 7 : 6;
	c->who_w = W >= 100 ? 14 : 10;
	c->op_w = W >= 110 ? 7 : 0;
	c->asg_w = W >= 140 ? 14 : 0;
	for (;;) {
		fixed = 1;
		for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
			if (*drop[i] > 0)
				fixed += *drop[i] + 1;
		c->title_w = W - fixed;
		if (c->title_w >= 12 || d == sizeof drop / sizeof drop[0])
			break;
		*drop[d++] = 0;
	}
	if (c->title_w < 0)
		c->title_w = 0;
	x = 1;
#define PLACE(f) do {							\
	if (c->f##_w > 0) {						\
		c->f##_x = x;						\
		x += c->f##_w + 1;					\
	}								\
} while (0)
	PLACE(id);
	PLACE(sev);
	PLACE(st);
	PLACE(age);
	PLACE(title);
	PLACE(svc);
	PLACE(al);
	PLACE(who);
	PLACE(op);
	PLACE(asg);
#undef PLACE
}

static const char *
state_text(wr_state s, int long_form)
{
	static const char *shrt[] = { "TRIG", "ACK", "RES" };

	if ((unsigned)s >= WR_ST_COUNT)
		s = WR_ST_TRIGGERED;
	return long_form ? wr_state_name(s) : shrt[s];
}

static void
draw_header(struct tui *t, struct pane *p, struct list *l,
    const struct cols *c)
{
	int role = t->focus == PANE_LIST ? ROLE_TITLE : ROLE_HEADER;
	char title[512];
	int n;

	tui_fill(t, p->win, 0, 0, p->w, role);
	tui_put(t, p->win, 0, c->id_x, c->id_w, role, "ID");
	tui_put(t, p->win, 0, c->sev_x, c->sev_w, role, "SEV");
	tui_put(t, p->win, 0, c->st_x, c->st_w, role, "STATE");
	tui_put(t, p->win, 0, c->age_x, c->age_w, role, "AGE");
	n = snprintf(title, sizeof title, "TITLE  %zu of %zu", l->n,
	    t->room->n_incidents);
	if (l->sort != SORT_STATE || l->reverse)
		n += snprintf(title + n, sizeof title - (size_t)n,
		    "  sort:%s%s", l->reverse ? "-" : "", sort_name(l));
	if (l->filter_text != NULL && n < (int)sizeof title) {
		char *f = tui_clean(l->filter_text);

		snprintf(title + n, sizeof title - (size_t)n, "  /%s", f);
		free(f);
	}
	tui_put(t, p->win, 0, c->title_x, c->title_w, role, title);
	tui_put(t, p->win, 0, c->svc_x, c->svc_w, role, "SERVICE");
	tui_put(t, p->win, 0, c->al_x, c->al_w, role, "ALERTS");
	tui_put(t, p->win, 0, c->who_x, c->who_w, role, "ACK BY");
	tui_put(t, p->win, 0, c->op_x, c->op_w, role, "OP");
	tui_put(t, p->win, 0, c->asg_x, c->asg_w, role, "ASSIGNEE");
}

static void
draw_row(struct tui *t, struct pane *p, const struct cols *c, int y,
    const struct wr_incident *inc, int selected, int64_t now)
{
	const struct tui_mark *m = tui_mark_of(t, inc->id);
	char buf[64];
	int64_t next;
	const char *op = NULL;
	int op_role = ROLE_QUEUED;

#define R(role) (selected ? ROLE_SELECTED : (role))
	if (selected)
		tui_fill(t, p->win, y, 0, p->w, ROLE_SELECTED);
	if (m != NULL && m->queued > 0) {
		op = "queued";
	} else if (m != NULL && m->refused) {
		op = "refused";
		op_role = ROLE_ERROR;
	}
	snprintf(buf, sizeof buf, "#%lld", (long long)inc->id);
	tui_put(t, p->win, y, c->id_x, c->id_w, R(ROLE_DIM), buf);
	tui_put(t, p->win, y, c->sev_x, c->sev_w, R(tui_sev_role(inc->severity)),
	    tui_sev_short(inc->severity));
	tui_put(t, p->win, y, c->st_x, c->st_w, R(tui_state_role(inc->state)),
	    state_text(inc->state, c->st_w >= 12));
	tui_format_age(now, inc->created, buf, sizeof buf, &next);
	if (c->age_w > 0)
		tui_age_changes_at(t, next);
	tui_put(t, p->win, y, c->age_x, c->age_w, R(ROLE_DIM), buf);
	tui_put_untrusted(t, p->win, y, c->title_x, c->title_w, R(ROLE_NORMAL),
	    inc->title);
	tui_put_untrusted(t, p->win, y, c->svc_x, c->svc_w, R(ROLE_NORMAL),
	    inc->service);
	snprintf(buf, sizeof buf, "%d/%d", inc->n_firing, inc->n_alerts);
	/* narrow: "300" says all of 300 fire, rather than "300/3…" */
	if ((int)strlen(buf) > c->al_w && inc->n_firing == inc->n_alerts)
		snprintf(buf, sizeof buf, "%d", inc->n_alerts);
	tui_put(t, p->win, y, c->al_x, c->al_w,
	    R(inc->n_firing > 0 ? ROLE_NORMAL : ROLE_DIM), buf);
	if (op != NULL && c->op_w == 0)
		tui_put(t, p->win, y, c->who_x, c->who_w, R(op_role), op);
	else
		tui_put_untrusted(t, p->win, y, c->who_x, c->who_w,
		    R(ROLE_ACKNOWLEDGED), inc->ack_by);
	if (op != NULL)
		tui_put(t, p->win, y, c->op_x, c->op_w, R(op_role), op);
	tui_put_untrusted(t, p->win, y, c->asg_x, c->asg_w, R(ROLE_NORMAL),
	    inc->assignee);
#undef R
}

static void
list_draw(struct tui *t, struct pane *p)
{
	struct list *l = p->priv;
	struct cols c;
	size_t vis = visible_rows(p);
	int64_t now = tui_now(t);

	tui_list_prepare(t);
	cols_compute(p->w, t->room->next_id > 1 ? t->room->next_id - 1 : 1,
	    &c);
	draw_header(t, p, l, &c);
	if (p->h < 2)
		return;
	if (l->n == 0) {
		char *f = tui_clean(l->filter_text);
		char *s = l->filter_text != NULL ?
		    xasprintf("no incident matches /%s (Esc clears the filter)",
		    f) : t->room->n_incidents == 0 ?
		    xstrdup("no incidents") : xstrdup("no incidents to show");

		tui_put(t, p->win, 1, 1, p->w - 1, ROLE_DIM, s);
		free(s);
		free(f);
		return;
	}
	ensure_visible(l, vis);
	for (size_t i = 0; i < vis && l->top + i < l->n; i++) {
		const struct wr_incident *inc = wr_room_get(t->room,
		    l->rows[l->top + i].id);

		if (inc == NULL)
			continue;
		draw_row(t, p, &c, (int)i + 1, inc, l->top + i == l->sel, now);
	}
}

/* ---- keys and mouse ------------------------------------------------------------ */

static int
list_key(struct tui *t, struct pane *p, int is_keycode, wint_t ch)
{
	struct list *l = p->priv;
	long page = (long)visible_rows(p);

	tui_list_prepare(t);
	if (is_keycode) {
		switch (ch) {
		case KEY_DOWN:
			move_by(t, l, 1);
			return 1;
		case KEY_UP:
			move_by(t, l, -1);
			return 1;
		case KEY_NPAGE:
			move_by(t, l, page);
			scroll_by(t, l, p, page);
			return 1;
		case KEY_PPAGE:
			move_by(t, l, -page);
			scroll_by(t, l, p, -page);
			return 1;
		case KEY_HOME:
			select_index(t, l, 0);
			return 1;
		case KEY_END:
			if (l->n > 0)
				select_index(t, l, l->n - 1);
			return 1;
		case KEY_ENTER:
			tui_focus(t, PANE_DETAIL);
			return 1;
		}
		return 0;
	}
	switch (ch) {
	case 'j':
		move_by(t, l, 1);
		return 1;
	case 'k':
		move_by(t, l, -1);
		return 1;
	case 'g':
		select_index(t, l, 0);
		return 1;
	case 'G':
		if (l->n > 0)
			select_index(t, l, l->n - 1);
		return 1;
	case 6:		/* ^F */
	case ' ':
		move_by(t, l, page);
		scroll_by(t, l, p, page);
		return 1;
	case 2:		/* ^B */
		move_by(t, l, -page);
		scroll_by(t, l, p, -page);
		return 1;
	case 4:		/* ^D */
		move_by(t, l, page / 2 > 0 ? page / 2 : 1);
		return 1;
	case '\n':
	case '\r':
		tui_focus(t, PANE_DETAIL);
		return 1;
	case 27:
		if (l->filter_text != NULL) {
			char *cause = NULL;

			tui_list_set_filter(t, NULL, &cause);
			free(cause);
			tui_message(t, "filter cleared");
			return 1;
		}
		return 0;
	}
	return 0;
}

static int
list_mouse(struct tui *t, struct pane *p, int y, int x, mmask_t b)
{
	struct list *l = p->priv;

	tui_list_prepare(t);
	if (b & BUTTON4_PRESSED) {
		scroll_by(t, l, p, -3);
		return 1;
	}
#ifdef BUTTON5_PRESSED
	if (b & BUTTON5_PRESSED) {
		scroll_by(t, l, p, 3);
		return 1;
	}
#endif
	if ((b & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED |
	    BUTTON1_DOUBLE_CLICKED)) && y >= 1 &&
	    l->top + (size_t)(y - 1) < l->n) {
		select_index(t, l, l->top + (size_t)(y - 1));
		if (b & BUTTON1_DOUBLE_CLICKED)
			tui_focus(t, PANE_DETAIL);
		return 1;
	}
	return 0;
}

static void
list_init(struct tui *t, struct pane *p)
{
	struct list *l = xcalloc(1, sizeof *l);

	l->stale = 1;
	p->priv = l;
}

static void
list_free(struct tui *t, struct pane *p)
{
	struct list *l = p->priv;

	if (l == NULL)
		return;
	filter_free(&l->flt);
	free(l->filter_text);
	free(l->rows);
	free(l);
	p->priv = NULL;
}

const struct pane_ops tui_list_ops = {
	.name = "list",
	.init = list_init,
	.free = list_free,
	.draw = list_draw,
	.key = list_key,
	.mouse = list_mouse,
	.focusable = 1,
};
