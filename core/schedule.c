/*
 * schedule.c: who is on call when (schedule.h).
 *
 * The answer at an instant is a point function: the last override that
 * covers it, else the last layer with someone at it, else nobody.  A
 * layer's answer changes only at a boundary: its first handoff, a handoff,
 * or an edge of one of its windows; an override's at its from and until.
 * So the stretch an answer holds for is found by walking boundaries from
 * the instant, forward and back, until the answer differs (a handoff from
 * alice to alice is no change) or the horizon is reached.
 *
 * Layer arithmetic is in seconds: every layer boundary is a whole second
 * (local times are given to the minute, zone transitions to the second).
 * An instant t in milliseconds is at or after a boundary b (seconds) when
 * floor(t / 1000) >= b.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "util.h"
#include "zone.h"

/* --- building ------------------------------------------------------------ */

struct wr_schedule *
wr_schedule_new(const char *name, struct wr_zone *zone)
{
	struct wr_schedule *s = xcalloc(1, sizeof *s);

	s->name = xstrdup(name);
	s->zone = zone;
	return s;
}

static void
layer_free(struct wr_layer *l)
{
	free(l->name);
	for (size_t i = 0; i < l->n_people; i++)
		free(l->people[i]);
	free(l->people);
	free(l->restricts);
	free(l->where);
	for (size_t i = 0; i < l->n_shifts; i++)
		free(l->shifts[i].person);
	free(l->shifts);
}

void
wr_schedule_free(struct wr_schedule *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_layers; i++)
		layer_free(&s->layers[i]);
	free(s->layers);
	wr_schedule_clear_overrides(s);
	wr_zone_free(s->zone);
	free(s->name);
	free(s);
}

struct wr_layer *
wr_schedule_add_layer(struct wr_schedule *s, const char *name)
{
	struct wr_layer *l;

	s->layers = xrealloc(s->layers, (s->n_layers + 1) * sizeof *s->layers);
	l = &s->layers[s->n_layers++];
	memset(l, 0, sizeof *l);
	l->name = xstrdup(name);
	return l;
}

void
wr_schedule_add_person(struct wr_layer *l, const char *person)
{
	l->people = xrealloc(l->people, (l->n_people + 1) * sizeof *l->people);
	l->people[l->n_people++] = xstrdup(person);
}

void
wr_schedule_add_restrict(struct wr_layer *l, const struct wr_restrict *r)
{
	l->restricts = xrealloc(l->restricts,
	    (l->n_restricts + 1) * sizeof *l->restricts);
	l->restricts[l->n_restricts++] = *r;
}

/* --- a layer of explicit shifts ----------------------------------------- */

struct shift_in {
	const struct wr_shift *sh;
	size_t order;		/* its place in the caller's array */
};

static int
shift_cmp(const void *a, const void *b)
{
	const struct shift_in *x = a, *y = b;

	if (x->sh->from != y->sh->from)
		return x->sh->from < y->sh->from ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* A max-heap of indices into the sorted shifts: the greatest index is the
 * one that started last, which holds. */
static void
heap_push(size_t *h, size_t *n, size_t v)
{
	size_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2] < v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static void
heap_pop(size_t *h, size_t *n)
{
	size_t v = h[--*n], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] > h[c])
			c++;
		if (h[c] <= v)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = v;
}

void
wr_schedule_set_shifts(struct wr_layer *l, const struct wr_shift *v,
    size_t n)
{
	struct shift_in *in = xmalloc((n ? n : 1) * sizeof *in);
	int64_t *pt = xmalloc((2 * n + 1) * sizeof *pt);
	size_t *heap = xmalloc((n ? n : 1) * sizeof *heap);
	size_t m = 0, np = 0, nh = 0, j = 0, cap = 0, last = SIZE_MAX;

	for (size_t i = 0; i < l->n_shifts; i++)
		free(l->shifts[i].person);
	free(l->shifts);
	l->shifts = NULL;
	l->n_shifts = 0;
	l->fixed = 1;
	for (size_t i = 0; i < n; i++)
		if (v[i].from < v[i].until && v[i].person != NULL) {
			in[m].sh = &v[i];
			in[m].order = i;
			pt[np++] = v[i].from;
			pt[np++] = v[i].until;
			m++;
		}
	qsort(in, m, sizeof *in, shift_cmp);
	qsort(pt, np, sizeof *pt, i64_cmp);
	/* Between two neighbouring boundaries one shift holds, or none:
	 * the latest started of those still running. */
	for (size_t k = 0; k + 1 < np; k++) {
		int64_t p = pt[k], q = pt[k + 1];
		struct wr_shift *o;

		if (p == q)
			continue;
		while (j < m && in[j].sh->from <= p)
			heap_push(heap, &nh, j++);
		while (nh > 0 && in[heap[0]].sh->until <= p)
			heap_pop(heap, &nh);
		if (nh == 0)
			continue;
		if (last == heap[0] && l->shifts[l->n_shifts - 1].until == p) {
			l->shifts[l->n_shifts - 1].until = q;
			continue;
		}
		if (l->n_shifts == cap) {
			cap = cap ? cap * 2 : 16;
			l->shifts = xrealloc(l->shifts, cap * sizeof *l->shifts);
		}
		o = &l->shifts[l->n_shifts++];
		o->person = xstrdup(in[heap[0]].sh->person);
		o->from = p;
		o->until = q;
		last = heap[0];
	}
	free(in);
	free(pt);
	free(heap);
}

/* The last shift of l that starts at or before ts, or -1. */
static ptrdiff_t
shift_before(const struct wr_layer *l, int64_t ts)
{
	size_t lo = 0, hi = l->n_shifts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->shifts[mid].from <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

void
wr_schedule_add_override(struct wr_schedule *s, const char *id,
    const char *person, int64_t from, int64_t until)
{
	struct wr_override *o;

	s->overrides = xrealloc(s->overrides,
	    (s->n_overrides + 1) * sizeof *s->overrides);
	o = &s->overrides[s->n_overrides++];
	o->id = xstrdup(id ? id : "");
	o->person = xstrdup(person);
	o->from = from;
	o->until = until;
}

void
wr_schedule_add_cover(struct wr_schedule *s, const char *id, const char *by,
    int64_t from, int64_t until, const char *reason)
{
	struct wr_cover *c;

	s->covers = xrealloc(s->covers, (s->n_covers + 1) * sizeof *s->covers);
	c = &s->covers[s->n_covers++];
	c->id = xstrdup(id ? id : "");
	c->by = xstrdup(by ? by : "");
	c->reason = xstrdup0(reason);
	c->from = from;
	c->until = until;
}

void
wr_schedule_clear_overrides(struct wr_schedule *s)
{
	for (size_t i = 0; i < s->n_overrides; i++) {
		free(s->overrides[i].id);
		free(s->overrides[i].person);
	}
	free(s->overrides);
	s->overrides = NULL;
	s->n_overrides = 0;
	for (size_t i = 0; i < s->n_covers; i++) {
		free(s->covers[i].id);
		free(s->covers[i].by);
		free(s->covers[i].reason);
	}
	free(s->covers);
	s->covers = NULL;
	s->n_covers = 0;
}

int
wr_schedule_check(const struct wr_schedule *s, char **cause)
{
	if (s->zone == NULL) {
		*cause = xstrdup("no time zone");
		return -1;
	}
	for (size_t i = 0; i < s->n_layers; i++) {
		const struct wr_layer *l = &s->layers[i];
		const char *what = l->fixed ? NULL : !l->has_turn ? "no rotation" :
		    !l->has_start ? "no start" :
		    l->n_people == 0 ? "no participants" : NULL;

		if (what != NULL) {
			*cause = l->where != NULL ?
			    xasprintf("%s: [layer %s.%s]: %s", l->where, s->name,
			    l->name, what) :
			    xasprintf("layer %s: %s", l->name, what);
			return -1;
		}
	}
	return 0;
}

/* --- the texts ----------------------------------------------------------- */

static int
num(const char **p, int ndig, int *out)
{
	int v = 0;

	for (int i = 0; i < ndig; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += ndig;
	*out = v;
	return 0;
}

int
wr_schedule_parse_turn(const char *s, int64_t *turn, char **cause)
{
	const char *p = s;
	int64_t n = 0, unit;

	while (*p >= '0' && *p <= '9' && n <= 9000)
		n = n * 10 + (*p++ - '0');
	unit = *p == 'h' ? 3600 : *p == 'd' ? 86400 : *p == 'w' ? 604800 : 0;
	if (p == s || unit == 0 || p[1] != '\0') {
		*cause = xasprintf("rotation \"%.32s\" is not Nh, Nd or Nw "
		    "(12h, 1d, 1w)", s);
		return -1;
	}
	if (n < 1 || n > 9000) {
		*cause = xasprintf("rotation \"%.32s\": from 1 to 9000 hours, "
		    "days or weeks", s);
		return -1;
	}
	*turn = n * unit;
	return 0;
}

/* Years 1900-9999: far enough either way, and every local time in them
 * converts without overflow. */
int
wr_schedule_parse_start(const char *s, int64_t *local, char **cause)
{
	const char *p = s;
	int y, mo, d, h, mi, sec = 0;

	if (num(&p, 4, &y) || *p++ != '-' || num(&p, 2, &mo) ||
	    *p++ != '-' || num(&p, 2, &d) || (*p != 'T' && *p != ' ') ||
	    (p++, num(&p, 2, &h)) || *p++ != ':' || num(&p, 2, &mi) ||
	    (*p == ':' && (p++, num(&p, 2, &sec))) || *p != '\0')
		goto bad;
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
	    sec > 59)
		goto bad;
	{
		int64_t days = wr_days_from_civil(y, mo, 1) + d - 1, yy;
		int mm, dd;

		wr_civil_from_days(days, &yy, &mm, &dd);
		if (mm != mo)
			goto bad;	/* 2026-02-30 */
		*local = days * 86400 + h * 3600 + mi * 60 + sec;
	}
	return 0;
bad:
	*cause = xasprintf("start \"%.32s\" is not a local time "
	    "(2026-03-02T09:00, no zone: the schedule's)", s);
	return -1;
}

static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

static int
day_of(const char *p, size_t n)
{
	if (n != 3)
		return -1;
	for (int i = 0; i < 7; i++) {
		int same = 1;

		for (int j = 0; j < 3; j++)
			if ((p[j] | 0x20) != day_names[i][j])
				same = 0;
		if (same)
			return i;
	}
	return -1;
}

static int
hhmm(const char **p, int allow24, int32_t *out)
{
	int h, m;

	if (num(p, 2, &h) || *(*p)++ != ':' || num(p, 2, &m) || m > 59 ||
	    h > 24 || (h == 24 && (!allow24 || m != 0)))
		return -1;
	*out = h * 3600 + m * 60;
	return 0;
}

int
wr_schedule_parse_restrict(const char *s, struct wr_restrict *r,
    char **cause)
{
	const char *p = s, *sp = strchr(s, ' ');
	uint8_t days = 0;

	if (sp == NULL)
		goto bad;
	if ((size_t)(sp - s) == 5 && strncmp(s, "daily", 5) == 0) {
		days = 0x7f;
		p = sp;
	} else {
		while (p < sp) {
			const char *e = p;
			int a, b;

			while (e < sp && *e != ',' && *e != '-')
				e++;
			if ((a = day_of(p, (size_t)(e - p))) < 0)
				goto bad;
			b = a;
			if (*e == '-') {
				const char *f = ++e;

				while (e < sp && *e != ',')
					e++;
				if ((b = day_of(f, (size_t)(e - f))) < 0)
					goto bad;
			}
			/* "Fri-Mon" wraps over the weekend. */
			for (int i = a;; i = (i + 1) % 7) {
				days |= (uint8_t)(1u << i);
				if (i == b)
					break;
			}
			p = e;
			if (*p == ',')
				p++;
			else if (p != sp)
				goto bad;
		}
	}
	while (*p == ' ')
		p++;
	if (hhmm(&p, 0, &r->start) || *p++ != '-' || hhmm(&p, 1, &r->end) ||
	    *p != '\0' || days == 0)
		goto bad;
	if (r->end == 0)
		r->end = 86400;	/* "20:00-00:00" ends at midnight */
	r->days = days;
	return 0;
bad:
	*cause = xasprintf("restrict \"%.48s\" is not DAYS HH:MM-HH:MM "
	    "(Mon-Fri 09:00-18:00, daily 20:00-08:00)", s);
	return -1;
}

/* --- a layer at an instant ----------------------------------------------- */

static int64_t
handoff(const struct wr_schedule *s, const struct wr_layer *l, int64_t k)
{
	return wr_zone_utc(s->zone, l->start + k * l->turn);
}

/* The turn that holds at ts (seconds, at or after the first handoff). */
static int64_t
turn_index(const struct wr_schedule *s, const struct wr_layer *l,
    int64_t ts)
{
	int64_t k = wr_floordiv(wr_zone_local(s->zone, ts) - l->start,
	    l->turn);

	if (k < 0)
		k = 0;
	/* The local clock and the handoffs agree to within an offset
	 * change, so these move k by one or two at most. */
	while (k > 0 && handoff(s, l, k) > ts)
		k--;
	while (handoff(s, l, k + 1) <= ts)
		k++;
	return k;
}

/* The instants window r opens and closes on local day d. */
static void
window(const struct wr_schedule *s, const struct wr_restrict *r, int64_t d,
    int64_t *ws, int64_t *we)
{
	int64_t base = d * 86400;
	int64_t end = r->end > r->start ? r->end : r->end + 86400;

	*ws = wr_zone_utc(s->zone, base + r->start);
	*we = wr_zone_utc(s->zone, base + end);
}

static int
day_on(const struct wr_restrict *r, int64_t d)
{
	return (r->days >> wr_weekday(d)) & 1;
}

static int
in_window(const struct wr_schedule *s, const struct wr_layer *l, int64_t ts)
{
	int64_t today = wr_floordiv(wr_zone_local(s->zone, ts), 86400);

	if (l->n_restricts == 0)
		return 1;
	/* A window opens at most a day before the local date of ts (it
	 * crosses midnight); a fall-back at midnight can put the start of
	 * tomorrow's window before ts as well. */
	for (int64_t d = today - 2; d <= today + 1; d++)
		for (size_t i = 0; i < l->n_restricts; i++) {
			int64_t ws, we;

			if (!day_on(&l->restricts[i], d))
				continue;
			window(s, &l->restricts[i], d, &ws, &we);
			if (ws <= ts && ts < we)
				return 1;
		}
	return 0;
}

/* The layer's person at ts, or NULL. */
static const char *
layer_at(const struct wr_schedule *s, const struct wr_layer *l, int64_t ts)
{
	int64_t k;

	if (l->fixed) {
		ptrdiff_t i = shift_before(l, ts);

		return i >= 0 && ts < l->shifts[i].until ?
		    l->shifts[i].person : NULL;
	}
	if (ts < handoff(s, l, 0) || !in_window(s, l, ts))
		return NULL;
	k = turn_index(s, l, ts);
	return l->people[k % (int64_t)l->n_people];
}

/* Keep in *best the boundary nearest ts on the side asked for: after
 * (b > ts) or at-or-before (b <= ts). */
static void
consider(int after, int64_t ts, int64_t b, int64_t *best, int *have)
{
	if (after ? b <= ts : b > ts)
		return;
	if (!*have || (after ? b < *best : b > *best)) {
		*best = b;
		*have = 1;
	}
}

static int
layer_boundary(const struct wr_schedule *s, const struct wr_layer *l,
    int64_t ts, int after, int64_t *out)
{
	int64_t first, today;
	int have = 0;

	if (l->fixed) {
		/* The nearest from or until: of the shift at or before ts,
		 * and the from of the one after it. */
		ptrdiff_t i = shift_before(l, ts);

		if (i >= 0) {
			consider(after, ts, l->shifts[i].from, out, &have);
			consider(after, ts, l->shifts[i].until, out, &have);
		}
		if ((size_t)(i + 1) < l->n_shifts)
			consider(after, ts, l->shifts[i + 1].from, out, &have);
		return have ? 0 : -1;
	}
	first = handoff(s, l, 0);
	consider(after, ts, first, out, &have);
	/* With one participant a handoff changes nothing: skipping them
	 * keeps an hourly layer of one from costing a step an hour. */
	if (ts >= first && l->n_people > 1) {
		int64_t k = turn_index(s, l, ts);

		consider(after, ts, handoff(s, l, after ? k + 1 : k), out,
		    &have);
	}
	if (l->n_restricts == 0)
		return have ? 0 : -1;
	today = wr_floordiv(wr_zone_local(s->zone, ts), 86400);
	/* Each window repeats within a week: nine days either way hold the
	 * nearest edge. */
	for (int64_t d = today - (after ? 2 : 9); d <= today + (after ? 9 : 2);
	    d++)
		for (size_t i = 0; i < l->n_restricts; i++) {
			int64_t ws, we;

			if (!day_on(&l->restricts[i], d))
				continue;
			window(s, &l->restricts[i], d, &ws, &we);
			consider(after, ts, ws, out, &have);
			consider(after, ts, we, out, &have);
		}
	return have ? 0 : -1;
}

/* --- the schedule at an instant ------------------------------------------ */

static void
resolve(const struct wr_schedule *s, int64_t t, struct wr_oncall *a)
{
	int64_t ts = wr_floordiv(t, 1000);

	memset(a, 0, sizeof *a);
	a->source = WR_ONCALL_NOBODY;
	for (size_t i = s->n_overrides; i-- > 0;) {
		const struct wr_override *o = &s->overrides[i];

		if (o->from <= t && t < o->until) {
			a->person = o->person;
			a->source = WR_ONCALL_OVERRIDE;
			a->index = i;
			return;
		}
	}
	for (size_t i = s->n_layers; i-- > 0;) {
		const char *p = layer_at(s, &s->layers[i], ts);

		if (p != NULL) {
			a->person = p;
			a->source = WR_ONCALL_LAYER;
			a->index = i;
			return;
		}
	}
}

static int
same(const struct wr_oncall *a, const struct wr_oncall *b)
{
	if (a->source != b->source)
		return 0;
	if (a->source == WR_ONCALL_NOBODY)
		return 1;
	return a->index == b->index && strcmp(a->person, b->person) == 0;
}

/*
 * The nearest boundary of anything in s after t (after: b > t) or at or
 * before it (b <= t), in ms: 0 and *out, or -1 when there is none.
 */
static int
boundary(const struct wr_schedule *s, int64_t t, int after, int64_t *out)
{
	int64_t ts = wr_floordiv(t, 1000), b = 0;
	int have = 0;

	for (size_t i = 0; i < s->n_overrides; i++) {
		consider(after, t, s->overrides[i].from, out, &have);
		consider(after, t, s->overrides[i].until, out, &have);
	}
	for (size_t i = 0; i < s->n_layers; i++)
		if (layer_boundary(s, &s->layers[i], ts, after, &b) == 0)
			consider(after, t, b * 1000, out, &have);
	return have ? 0 : -1;
}

void
wr_schedule_at(const struct wr_schedule *s, int64_t t, struct wr_oncall *out)
{
	struct wr_oncall other;
	int64_t b = t, lim;

	resolve(s, t, out);
	out->until = INT64_MAX;
	lim = t > INT64_MAX - WR_SCHEDULE_HORIZON_MS ? INT64_MAX :
	    t + WR_SCHEDULE_HORIZON_MS;
	while (boundary(s, b, 1, &b) == 0 && b <= lim) {
		resolve(s, b, &other);
		if (!same(out, &other)) {
			out->until = b;
			break;
		}
	}
	out->since = INT64_MIN;
	lim = t < INT64_MIN + WR_SCHEDULE_HORIZON_MS ? INT64_MIN :
	    t - WR_SCHEDULE_HORIZON_MS;
	b = t;
	while (boundary(s, b, 0, &b) == 0 && b >= lim && b > INT64_MIN) {
		/* Boundaries are at least a millisecond apart: b - 1 is in
		 * the stretch before b. */
		resolve(s, b - 1, &other);
		if (!same(out, &other)) {
			out->since = b;
			break;
		}
		b--;
	}
}

int
wr_schedule_next(const struct wr_schedule *s, int64_t t,
    struct wr_oncall *out)
{
	struct wr_oncall cur;

	wr_schedule_at(s, t, &cur);
	if (cur.until == INT64_MAX)
		return -1;
	wr_schedule_at(s, cur.until, out);
	return 0;
}

int
wr_schedule_next_person(const struct wr_schedule *s, int64_t t,
    struct wr_oncall *out)
{
	struct wr_oncall cur, nx;
	int gap = 0;
	int64_t lim = t > INT64_MAX - WR_SCHEDULE_HORIZON_MS ? INT64_MAX :
	    t + WR_SCHEDULE_HORIZON_MS;

	wr_schedule_at(s, t, &cur);
	nx = cur;
	for (size_t n = 0; n < WR_SCHEDULE_MAX_SHIFTS; n++) {
		if (nx.until == INT64_MAX || nx.until >= lim)
			return -1;
		wr_schedule_at(s, nx.until, &nx);
		if (nx.person == NULL)
			gap = 1;
		else if (cur.person == NULL || gap ||
		    strcmp(nx.person, cur.person) != 0) {
			*out = nx;
			return 0;
		}
	}
	return -1;
}

int
wr_schedule_next_gap(const struct wr_schedule *s, int64_t t, int64_t within,
    struct wr_oncall *out)
{
	struct wr_oncall cur;
	int64_t lim = t > INT64_MAX - within ? INT64_MAX : t + within;

	wr_schedule_at(s, t, &cur);
	for (size_t n = 0; n < WR_SCHEDULE_MAX_SHIFTS; n++) {
		if (cur.person == NULL) {
			*out = cur;
			return 0;
		}
		if (cur.until == INT64_MAX || cur.until >= lim)
			return -1;
		wr_schedule_at(s, cur.until, &cur);
	}
	return -1;
}

size_t
wr_schedule_shifts(const struct wr_schedule *s, int64_t t1, int64_t t2,
    struct wr_oncall **out)
{
	size_t n = 0, cap = 16;
	struct wr_oncall cur;

	*out = xmalloc(cap * sizeof **out);
	if (t2 <= t1)
		return 0;
	wr_schedule_at(s, t1, &cur);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[n++] = cur;
		if (cur.until == INT64_MAX || cur.until >= t2 ||
		    n == WR_SCHEDULE_MAX_SHIFTS)
			break;
		wr_schedule_at(s, cur.until, &cur);
	}
	return n;
}

const char *
wr_oncall_source_text(const struct wr_schedule *s, const struct wr_oncall *a,
    char *buf, size_t size)
{
	if (a->person == NULL || a->source == WR_ONCALL_NOBODY)
		snprintf(buf, size, "%s", "");
	else if (a->source == WR_ONCALL_OVERRIDE)
		snprintf(buf, size, "%s", "override");
	else if (s->layers[a->index].fixed)
		snprintf(buf, size, "%s", "ical");
	else
		snprintf(buf, size, "layer %s", s->layers[a->index].name);
	return buf;
}
