/*
 * list.c: the incident list: one row per incident (severity, state, age,
 * title, service, alerts firing/total, who acknowledged, a queued or
 * refused op), sorted and filtered, with the selection.
 *
 * 100,000 incidents must scroll as smoothly as 10, and stay cheap while
 * they change.  The list keeps a sorted index of every incident (sort key
 * and id, `all`), and the rows shown are derived from it in order: all of
 * it without a filter, else the incidents the filter matches (`view`).
 *   - The index is sorted in full only when the sort changes, after
 *     tui_reload(), or when the room changed in ways no event announced
 *     (tui_model_changed() alone, or more generation bumps than events).
 *     Otherwise the incidents that live events touched (tui_list_touch())
 *     are taken out and put back in order with keys computed afresh: one
 *     pass over the index and a binary search each, not a sort; more than
 *     touch_max() of them at once and a full sort is cheaper.  A full sort
 *     is a radix sort of the keys (a string sort for :sort service).
 *   - A change of filter re-filters without sorting: the incidents are
 *     matched in id order (about their order in memory), then the index is
 *     walked in its order to pick those that match.  A filter that only
 *     narrows the previous one (typing more letters) looks at what the
 *     previous one matched only.  The same filter set again (Enter after
 *     typing it) costs nothing; so does clearing it.
 * Drawing touches only the rows on screen, and a key that moves the
 * selection costs O(1).  The selection follows its incident, not its row
 * number, when an update reorders the list (as htop does), and it is
 * always on screen.  Only in the follow-the-top mode (f, off by default)
 * does the first row stay the first row, so that new incidents sorting in
 * at the top are selected as they come (as a log that follows).
 *
 * Default order: triggered before acknowledged before resolved, then
 * severity, then age (newest first).  `:sort sev|age|state|service|id`
 * (a leading '-' reverses).  The filter is words, all of which must match:
 * free text over title, service, who acknowledged, the assignee and (when
 * the room keeps alerts in memory) labels; `state:` and `sev:` with
 * comma-separated names or prefixes (`state:open` is not resolved); `#ID`.
 * Free text is matched ASCII case-insensitively.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/silence.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "tui/tui-int.h"

struct sortrec {
	uint64_t k;
	int64_t id;
};

struct term {
	char *s;		/* lower case (ASCII) */
	size_t n;
};

struct filter {
	unsigned states;	/* bit per wr_state; 0: any */
	unsigned sevs;		/* bit per wr_severity; 0: any */
	int64_t id;		/* #ID; 0: any */
	struct term *terms;
	size_t n_terms;
	int bad;		/* matches nothing */
};

struct list {
	/* Every incident, in order. */
	struct sortrec *all;
	size_t n_all, cap_all;
	/* The rows the filter shows, in the same order, made with vflt
	 * (view_text); unused without a filter (the rows are then all). */
	struct sortrec *view;
	size_t n_view, cap_view;
	struct filter vflt;
	char *view_text;
	int view_valid;
	/* By id - 1: vflt matches the incident (with view_valid).  The filter
	 * runs over the incidents in id order, which is about the order they
	 * are in memory: in the list's order it would wait on memory at
	 * every incident. */
	uint8_t *match;
	size_t cap_match;
	int use_view;
	size_t n;		/* rows shown */
	size_t sel, top;
	int64_t sel_id;

	int built;
	int stale;		/* look again at the next prepare */
	int need_full;		/* the next update sorts everything */
	int sort_changed;
	int hint;		/* tui_model_changed() since the last update */
	uint64_t built_gen;	/* room->generation at the last update */

	/* Incidents that live events touched since the last update. */
	int64_t *touched;
	size_t n_touched, cap_touched;
	size_t n_events;	/* events announced (a touched id may repeat) */
	uint8_t *mark;		/* by id - 1: in touched */
	size_t cap_mark;
	struct sortrec *ins;	/* scratch: the touched ones, in order */
	size_t cap_ins;

	enum tui_sort sort;
	int reverse;
	char *filter_text;
	struct filter flt;
};

/* Above this many touched incidents, sort everything instead. */
#define TOUCH_MIN_MAX	1000

static struct list *
list_of(const struct tui *t)
{
	return t->pane[PANE_LIST].priv;
}

static const struct sortrec *
rows_of(const struct list *l)
{
	return l->use_view ? l->view : l->all;
}

/* ---- filter ----------------------------------------------------------------- */

/* ASCII case folding: 'A'..'Z' to 'a'..'z', every other byte as it is. */
#define F1(c)	((unsigned char)((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c)))
#define F4(c)	F1(c), F1((c) + 1), F1((c) + 2), F1((c) + 3)
#define F16(c)	F4(c), F4((c) + 4), F4((c) + 8), F4((c) + 12)
#define F64(c)	F16(c), F16((c) + 16), F16((c) + 32), F16((c) + 48)
static const unsigned char fold[256] = {
	F64(0), F64(64), F64(128), F64(192)
};
#undef F64
#undef F16
#undef F4
#undef F1

static void
filter_free(struct filter *f)
{
	for (size_t i = 0; i < f->n_terms; i++)
		free(f->terms[i].s);
	free(f->terms);
	memset(f, 0, sizeof *f);
}

static void
filter_copy(struct filter *dst, const struct filter *src)
{
	filter_free(dst);
	*dst = *src;
	dst->terms = NULL;
	if (src->n_terms > 0) {
		dst->terms = xcalloc(src->n_terms, sizeof *dst->terms);
		for (size_t i = 0; i < src->n_terms; i++) {
			dst->terms[i].s = xstrdup(src->terms[i].s);
			dst->terms[i].n = src->terms[i].n;
		}
	}
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
			*c = (char)fold[(unsigned char)*c];
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
		f->terms[f->n_terms].s = xstrdup(w);
		f->terms[f->n_terms].n = strlen(w);
		f->n_terms++;
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

/*
 * Whether everything nf matches, of matches too, so that nf can filter
 * what of showed instead of every incident.  Typing more of a word, or
 * another word, narrows; adding a name to `state:` or `sev:`, or turning
 * "#1" into "#12", does not.
 */
static int
filter_refines(const struct filter *of, const struct filter *nf)
{
	if (nf->bad)
		return 1;
	if (of->bad)
		return 0;
	if (of->states != 0 && (nf->states == 0 ||
	    (nf->states & ~of->states) != 0))
		return 0;
	if (of->sevs != 0 && (nf->sevs == 0 || (nf->sevs & ~of->sevs) != 0))
		return 0;
	if (of->id != 0 && nf->id != of->id)
		return 0;
	/* A text that contains nf's word contains every part of it. */
	for (size_t i = 0; i < of->n_terms; i++) {
		size_t j;

		for (j = 0; j < nf->n_terms; j++)
			if (strstr(nf->terms[j].s, of->terms[i].s) != NULL)
				break;
		if (j == nf->n_terms)
			return 0;
	}
	return 1;
}

/* The first i in [from, end) where h[i] folds to c (lower case), or end. */
static size_t
find_folded(const unsigned char *h, size_t from, size_t end, unsigned char c)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t highs = ones << 7, pat = ones * c, low = ones * 0x20;
	size_t i = from;

	if (c < 'a' || c > 'z') {
		/* Only the byte itself folds to it. */
		const unsigned char *p = memchr(h + from, c, end - from);

		return p != NULL ? (size_t)(p - h) : end;
	}
	/* A letter: b | 0x20 is c exactly for c and its upper case.  Eight
	 * bytes at a time: a byte of x is 0 where one of them is. */
	for (; i + 8 <= end; i += 8) {
		uint64_t w, x;

		memcpy(&w, h + i, sizeof w);
		x = (w | low) ^ pat;
		if (((x - ones) & ~x & highs) != 0)
			break;
	}
	for (; i < end; i++)
		if ((h[i] | 0x20) == c)
			return i;
	return end;
}

/* Whether the term is at h (which has at least one byte more). */
static int
term_at(const unsigned char *h, const struct term *term)
{
	const unsigned char *nd = (const unsigned char *)term->s;
	size_t k = 1;

	/* A NUL in h folds to 0, which no term has: the loop stops there. */
	while (k < term->n && fold[h[k]] == nd[k])
		k++;
	return k == term->n;
}

#define HEAD_BYTES	16

/*
 * ASCII case-insensitive substring; the term is lower case.  Most matches
 * are near the start (a word of the title): the first HEAD_BYTES bytes are
 * looked at one by one, without measuring the string; the rest, which is
 * read to the end when nothing matches, eight bytes at a time.
 */
static int
has_ci(const char *hay, const struct term *term)
{
	const unsigned char *h = (const unsigned char *)hay;
	unsigned char c0 = (unsigned char)term->s[0];
	unsigned char low = c0 >= 'a' && c0 <= 'z' ? 0x20 : 0;
	size_t len, end, i;

	if (hay == NULL)
		return 0;
	if (term->n == 0)
		return 1;
	for (i = 0; i < HEAD_BYTES; i++) {
		if (h[i] == '\0')
			return 0;
		if ((h[i] | low) == c0 && term_at(h + i, term))
			return 1;
	}
	len = HEAD_BYTES + strlen(hay + HEAD_BYTES);
	if (len < term->n || (end = len - term->n + 1) <= HEAD_BYTES)
		return 0;	/* end: where a match can start */
	for (i = find_folded(h, HEAD_BYTES, end, c0); i < end;
	    i = find_folded(h, i + 1, end, c0))
		if (term_at(h + i, term))
			return 1;
	return 0;
}

static int
term_matches(const struct wr_incident *inc, const struct term *term)
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
		if (!term_matches(inc, &f->terms[i]))
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

/* The order before -KEY reverses it: by key, newer (higher id) first on a
 * tie; by service first for SORT_SERVICE.  Total: ids are unique. */
static int
rec_cmp_key(const struct sortrec *x, const struct sortrec *y)
{
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static int
rec_cmp(const struct wr_room *room, enum tui_sort s, const struct sortrec *x,
    const struct sortrec *y)
{
	if (s == SORT_SERVICE) {
		const struct wr_incident *ix = wr_room_get(room, x->id);
		const struct wr_incident *iy = wr_room_get(room, y->id);
		int r = strcmp(ix != NULL && ix->service != NULL ?
		    ix->service : "", iy != NULL && iy->service != NULL ?
		    iy->service : "");

		if (r != 0)
			return r;
	}
	return rec_cmp_key(x, y);
}

/* The order of the list, -KEY included. */
static int
ord_cmp(const struct list *l, const struct wr_room *room,
    const struct sortrec *x, const struct sortrec *y)
{
	int r = rec_cmp(room, l->sort, x, y);

	return l->reverse ? -r : r;
}

/* qsort has no context argument; the list is single-threaded. */
static const struct wr_room *sort_room;

static int
cmp_key(const void *a, const void *b)
{
	return rec_cmp_key(a, b);
}

static int
cmp_service(const void *a, const void *b)
{
	return rec_cmp(sort_room, SORT_SERVICE, a, b);
}

/*
 * Sort v[0..n) by key, then id from the highest (rec_cmp_key): a radix
 * sort, a byte at a time from the least significant, over the 16 bytes of
 * (key, ~id); the bytes that are the same in every record (the high bytes
 * of small ids, the constant bits of times) are skipped.  A few times
 * faster than qsort at 100,000 incidents.
 */
static void
radix_sort(struct sortrec *v, size_t n)
{
	uint64_t and_k = ~UINT64_C(0), or_k = 0, and_i = ~UINT64_C(0), or_i = 0;
	uint64_t vary_k, vary_i;
	size_t (*cnt)[256];
	struct sortrec *buf, *src = v, *dst, *sw;

	for (size_t i = 0; i < n; i++) {
		uint64_t lo = ~(uint64_t)v[i].id;

		and_k &= v[i].k;
		or_k |= v[i].k;
		and_i &= lo;
		or_i |= lo;
	}
	vary_k = and_k ^ or_k;
	vary_i = and_i ^ or_i;
	cnt = xcalloc(16, sizeof *cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = ~(uint64_t)v[i].id;

		for (int b = 0; b < 8; b++) {
			if ((vary_i >> (8 * b)) & 0xff)
				cnt[b][(lo >> (8 * b)) & 0xff]++;
			if ((vary_k >> (8 * b)) & 0xff)
				cnt[8 + b][(v[i].k >> (8 * b)) & 0xff]++;
		}
	}
	buf = xmalloc(n * sizeof *buf);
	dst = buf;
	for (int d = 0; d < 16; d++) {
		int shift = 8 * (d & 7);
		uint64_t vary = d < 8 ? vary_i : vary_k;
		size_t sum = 0;

		if (((vary >> shift) & 0xff) == 0)
			continue;
		for (int b = 0; b < 256; b++) {
			size_t c = cnt[d][b];

			cnt[d][b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t key = d < 8 ? ~(uint64_t)src[i].id : src[i].k;

			dst[cnt[d][(key >> shift) & 0xff]++] = src[i];
		}
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(buf);
	free(cnt);
}

/* Put v[0..n) in the list's order. */
static void
sort_recs(const struct list *l, const struct wr_room *room,
    struct sortrec *v, size_t n)
{
	if (n >= 256 && l->sort != SORT_SERVICE) {
		radix_sort(v, n);
	} else if (n > 1) {
		sort_room = room;
		qsort(v, n, sizeof *v, l->sort == SORT_SERVICE ? cmp_service :
		    cmp_key);
		sort_room = NULL;
	}
	if (l->reverse)
		for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
			struct sortrec tmp = v[i];

			v[i] = v[j - 1];
			v[j - 1] = tmp;
		}
}

static void
ensure_cap(struct sortrec **v, size_t *cap, size_t want)
{
	if (*cap >= want)
		return;
	*cap = want + want / 4 + 16;
	*v = xrealloc(*v, *cap * sizeof **v);
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Every incident, keys from scratch, sorted. */
static void
sort_all(struct tui *t, struct list *l)
{
	const struct wr_room *room = t->room;
	size_t n = 0;

	ensure_cap(&l->all, &l->cap_all, room->n_incidents);
	for (size_t i = 0; i < room->inc_cap && n < l->cap_all; i++) {
		const struct wr_incident *inc = room->inc[i];

		if (inc == NULL)
			continue;
		l->all[n].k = sort_key(l->sort, inc);
		l->all[n].id = inc->id;
		n++;
	}
	sort_recs(l, room, l->all, n);
	l->n_all = n;
	t->stats.list_sorts++;
}

/* match[] of incident id, grown to hold it; NULL for a bad id. */
static uint8_t *
match_at(struct list *l, int64_t id)
{
	if (id < 1)
		return NULL;
	if ((uint64_t)id > l->cap_match) {
		size_t ncap = l->cap_match > 0 ? l->cap_match : 1024;

		while (ncap < (uint64_t)id)
			ncap *= 2;
		l->match = xrealloc(l->match, ncap);
		memset(l->match + l->cap_match, 0, ncap - l->cap_match);
		l->cap_match = ncap;
	}
	return &l->match[id - 1];
}

static int
is_touched(const struct list *l, int64_t id)
{
	return id >= 1 && (uint64_t)id <= l->cap_mark && l->mark[id - 1];
}

/*
 * Take the touched incidents out of the ordered v[0..*n), and put back
 * those that exist and that f matches (NULL: all) with their keys computed
 * from the incident as it is now: one pass to take them out, then, from
 * the end, a binary search for each and one move of the rows after it.
 */
static void
reposition(struct list *l, const struct wr_room *room, struct sortrec **v,
    size_t *n, size_t *cap, const struct filter *f)
{
	struct sortrec *a = *v;
	size_t w = 0, m = 0, i, j, out;

	for (i = 0; i < *n; i++) {
		if (is_touched(l, a[i].id))
			continue;
		if (w != i)
			a[w] = a[i];
		w++;
	}
	ensure_cap(&l->ins, &l->cap_ins, l->n_touched);
	for (i = 0; i < l->n_touched; i++) {
		const struct wr_incident *inc = wr_room_get(room,
		    l->touched[i]);

		if (f != NULL) {
			int yes = inc != NULL && filter_match(f, inc);
			uint8_t *mp = match_at(l, l->touched[i]);

			if (mp != NULL)
				*mp = (uint8_t)yes;
			if (!yes)
				continue;
		}
		if (inc == NULL)
			continue;
		l->ins[m].k = sort_key(l->sort, inc);
		l->ins[m].id = inc->id;
		m++;
	}
	sort_recs(l, room, l->ins, m);
	ensure_cap(v, cap, w + m);
	a = *v;
	/* a[out..w+m) is final; a[0..i) and ins[0..j) are still to place. */
	i = w;
	out = w + m;
	for (j = m; j > 0; j--) {
		const struct sortrec *x = &l->ins[j - 1];
		size_t lo = 0, hi = i;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ord_cmp(l, room, &a[mid], x) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		out -= i - lo;
		if (i > lo)
			memmove(&a[out], &a[lo], (i - lo) * sizeof *a);
		i = lo;
		a[--out] = *x;
	}
	*n = w + m;
}

/* The incidents are not all next to each other, nor their strings: ask
 * for those a few incidents ahead while this one is looked at. */
#define PREFETCH_FAR	16
#define PREFETCH_NEAR	8

static void
prefetch_ahead(const struct wr_room *room, const uint8_t *match, int narrow,
    size_t i)
{
#if defined(__GNUC__)
	const struct wr_incident *inc;

	if (i + PREFETCH_FAR < room->inc_cap &&
	    (!narrow || match[i + PREFETCH_FAR]) &&
	    (inc = room->inc[i + PREFETCH_FAR]) != NULL) {
		const char *p = (const char *)inc;

		for (size_t o = 0; o < sizeof *inc; o += 64)
			__builtin_prefetch(p + o);
	}
	if (i + PREFETCH_NEAR < room->inc_cap &&
	    (!narrow || match[i + PREFETCH_NEAR]) &&
	    (inc = room->inc[i + PREFETCH_NEAR]) != NULL) {
		if (inc->title != NULL)
			__builtin_prefetch(inc->title);
		if (inc->service != NULL)
			__builtin_prefetch(inc->service);
		if (inc->ack_by != NULL)
			__builtin_prefetch(inc->ack_by);
		if (inc->labels_text != NULL)
			__builtin_prefetch(inc->labels_text);
	}
#else
	(void)room;
	(void)match;
	(void)narrow;
	(void)i;
#endif
}

/*
 * The view for the filter: match[] for every incident in id order, then
 * the rows of the index that match, in its order.  When the filter only
 * narrows the view's, only what the view showed is looked at, and the
 * view keeps what still matches.
 */
static void
filter_rows(struct list *l, const struct wr_room *room, int narrow)
{
	const struct sortrec *src = narrow ? l->view : l->all;
	size_t n = narrow ? l->n_view : l->n_all, w = 0;

	if (l->cap_match < room->inc_cap) {
		l->match = xrealloc(l->match, room->inc_cap);
		memset(l->match + l->cap_match, 0,
		    room->inc_cap - l->cap_match);
		l->cap_match = room->inc_cap;
	}
	for (size_t i = 0; i < room->inc_cap; i++) {
		const struct wr_incident *inc = room->inc[i];

		if (narrow && !l->match[i])
			continue;
		prefetch_ahead(room, l->match, narrow, i);
		l->match[i] = inc != NULL && filter_match(&l->flt, inc);
	}
	if (!narrow)
		ensure_cap(&l->view, &l->cap_view, n);
	for (size_t i = 0; i < n; i++) {
		int64_t id = src[i].id;

		if (id >= 1 && (uint64_t)id <= l->cap_match &&
		    l->match[id - 1])
			l->view[w++] = src[i];
	}
	l->n_view = w;
}

static void
touched_clear(struct list *l)
{
	for (size_t i = 0; i < l->n_touched; i++)
		if (is_touched(l, l->touched[i]))
			l->mark[l->touched[i] - 1] = 0;
	l->n_touched = 0;
	l->n_events = 0;
}

static size_t
touch_max(const struct list *l)
{
	return l->n_all / 8 > TOUCH_MIN_MAX ? l->n_all / 8 : TOUCH_MIN_MAX;
}

static int
same_text(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Whether the rows shown are not what the room, sort and filter say. */
static int
out_of_date(const struct tui *t, const struct list *l)
{
	return !l->built || l->stale || l->need_full || l->hint ||
	    l->n_events > 0 || t->room->generation != l->built_gen ||
	    !same_text(l->view_text, l->filter_text);
}

static void
update(struct tui *t, struct list *l)
{
	const struct wr_room *room = t->room;
	int64_t t0 = mono_us(), keep = l->sel_id;
	size_t off = l->sel >= l->top ? l->sel - l->top : 0, ns = SIZE_MAX;
	size_t old_sel = l->sel;
	int room_changed = !l->built || l->need_full || l->hint ||
	    l->n_events > 0 || room->generation != l->built_gen;
	int filter_changed = !same_text(l->view_text, l->filter_text);
	/* Following the top (f): on the first row, stay there when the
	 * room changes, so new incidents sorting in at the top are selected
	 * as they come.  Otherwise the selection stays on its incident. */
	int follow = t->follow_top && l->built && l->n > 0 && l->sel == 0 &&
	    room_changed && !filter_changed && !l->sort_changed;
	const struct sortrec *rows;

	if (!room_changed && !filter_changed &&
	    (l->filter_text == NULL || l->view_valid)) {
		l->stale = 0;	/* nothing to do */
		return;
	}
	if (room_changed) {
		/* Every generation bump announced by an event (an event the
		 * room refused bumps nothing): re-position those. */
		uint64_t bumps = room->generation - l->built_gen;

		if (l->built && !l->need_full && l->n_events > 0 &&
		    l->n_events >= bumps && l->n_touched <= touch_max(l)) {
			reposition(l, room, &l->all, &l->n_all, &l->cap_all,
			    NULL);
			if (l->view_valid && l->view_text != NULL)
				reposition(l, room, &l->view, &l->n_view,
				    &l->cap_view, &l->vflt);
			t->stats.list_merges++;
		} else {
			sort_all(t, l);
			l->view_valid = 0;
		}
		touched_clear(l);
		l->hint = 0;
		l->need_full = 0;
		l->sort_changed = 0;
		l->built_gen = room->generation;
	}
	if (l->filter_text == NULL) {
		free(l->view_text);
		l->view_text = NULL;
		l->view_valid = 0;
	} else if (filter_changed || !l->view_valid) {
		filter_rows(l, room, l->view_valid && l->view_text != NULL &&
		    filter_refines(&l->vflt, &l->flt));
		filter_copy(&l->vflt, &l->flt);
		util_set_str(&l->view_text, l->filter_text);
		l->view_valid = 1;
		t->stats.list_filters++;
	}
	l->use_view = l->filter_text != NULL;
	l->n = l->use_view ? l->n_view : l->n_all;
	rows = rows_of(l);

	if (follow)
		ns = 0;
	else if (keep != 0)
		for (size_t i = 0; i < l->n; i++)
			if (rows[i].id == keep) {
				ns = i;
				break;
			}
	if (ns == SIZE_MAX)
		ns = l->n == 0 ? 0 : (old_sel < l->n ? old_sel : l->n - 1);
	l->sel = ns;
	l->sel_id = l->n > 0 ? rows[ns].id : 0;
	/* Keep the selected row where it was on screen. */
	l->top = follow ? 0 : ns >= off ? ns - off : 0;
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

	if (out_of_date(t, l))
		update(t, l);
}

void
tui_list_invalidate(struct tui *t)
{
	list_of(t)->stale = 1;
	tui_dirty(t, PANE_LIST);
}

void
tui_list_model_changed(struct tui *t)
{
	list_of(t)->hint = 1;
	tui_list_invalidate(t);
}

void
tui_list_reload(struct tui *t)
{
	list_of(t)->need_full = 1;
	tui_list_invalidate(t);
}

void
tui_list_touch(struct tui *t, int64_t id)
{
	struct list *l = list_of(t);

	l->n_events++;
	tui_list_invalidate(t);
	if (!l->built || l->need_full || id < 1)
		return;
	if (l->n_touched >= touch_max(l)) {
		l->need_full = 1;	/* cheaper to sort everything */
		return;
	}
	if ((uint64_t)id > l->cap_mark) {
		size_t ncap = l->cap_mark > 0 ? l->cap_mark : 1024;

		while (ncap < (uint64_t)id)
			ncap *= 2;
		l->mark = xrealloc(l->mark, ncap);
		memset(l->mark + l->cap_mark, 0, ncap - l->cap_mark);
		l->cap_mark = ncap;
	}
	if (l->mark[id - 1])
		return;
	l->mark[id - 1] = 1;
	if (l->n_touched == l->cap_touched) {
		l->cap_touched = l->cap_touched ? 2 * l->cap_touched : 64;
		l->touched = xrealloc(l->touched,
		    l->cap_touched * sizeof *l->touched);
	}
	l->touched[l->n_touched++] = id;
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
	return i < l->n ? rows_of(l)[i].id : 0;
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
	/* The rows follow at the next prepare, and only if the text is not
	 * the one they were made with. */
	tui_dirty(t, PANE_LIST);
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
			if (l->sort == keys[i].sort && l->reverse == reverse)
				return 0;
			l->sort = keys[i].sort;
			l->reverse = reverse;
			l->need_full = 1;
			l->sort_changed = 1;
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
	if (i == l->sel && l->sel_id == rows_of(l)[i].id)
		return;
	l->sel = i;
	l->sel_id = rows_of(l)[i].id;
	t->shown_id = l->sel_id;	/* the person moved it there */
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
		if (rows_of(l)[i].id == id) {
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

/*
 * A count in at most 4 columns: 999, 1.2k, 12k, 120k, 1.2M, rounded down
 * (up: the total) so that a part of the whole never reads as the whole:
 * 10500 of 10900 is "10k/11k", not "10k/10k".
 */
static void
count_text(int n, int up, char *buf, size_t size)
{
	static const struct {
		int below, unit, tenths;
		const char *suffix;
	} scale[] = {
		{ 1000, 1, 0, "" }, { 10000, 100, 1, "k" },
		{ 1000000, 1000, 0, "k" }, { 10000000, 100000, 1, "M" },
		{ INT32_MAX, 1000000, 0, "M" },
	};
	size_t i = 0;
	int64_t q;

	while (i + 1 < sizeof scale / sizeof scale[0] && n >= scale[i].below)
		i++;
	q = n / scale[i].unit + (up && n % scale[i].unit != 0);
	if (!scale[i].tenths)
		snprintf(buf, size, "%lld%s", (long long)q, scale[i].suffix);
	else if (q % 10 == 0)
		snprintf(buf, size, "%lld%s", (long long)(q / 10),
		    scale[i].suffix);
	else
		snprintf(buf, size, "%lld.%lld%s", (long long)(q / 10),
		    (long long)(q % 10), scale[i].suffix);
}

/*
 * The ALERTS column, firing of all, in w columns: "200/300"; where that
 * is too wide, in round figures ("1.2k/3k", the firing rounded down and
 * the total up); where that is too, "300" says all of 300 fire, and a
 * storm partly resolved keeps its firing count first ("1.2k/") rather
 * than a cut that reads as another number.
 */
static void
alerts_text(int firing, int all, int w, char *buf, size_t size)
{
	char f[16], a[16];

	snprintf(buf, size, "%d/%d", firing, all);
	if ((int)strlen(buf) <= w)
		return;
	count_text(firing, 0, f, sizeof f);
	count_text(all, firing != all, a, sizeof a);
	if (firing == all)
		snprintf(buf, size, "%s", a);
	else if ((int)(strlen(f) + 1 + strlen(a)) <= w)
		snprintf(buf, size, "%s/%s", f, a);
	else
		snprintf(buf, size, "%s/", f);
}

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
	/* "200/300", a storm partly resolved; wide, "10500/10900" */
	c->al_w = W >= 100 ? 11 : 7;
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

int
tui_list_escalated(const struct wr_incident *inc)
{
	return inc->state == WR_ST_TRIGGERED && inc->esc_since != 0 &&
	    inc->esc_fired > 1 && inc->esc_steps > 0;
}

/* A silenced incident (a silence at Alertmanager that has not ended) is
 * marked TUI_LIST_SILENCED in the row's first column, left of its id, at
 * every width; the mark goes when the silence ends. */
static void
silence_mark(struct tui *t, struct pane *p, int y,
    const struct wr_incident *inc, int selected, int64_t now)
{
	int64_t soonest = 0;

	if (!wr_incident_silenced(inc, now))
		return;
	for (size_t i = 0; i < inc->n_silences; i++)
		if (inc->silences[i].ends > now && (soonest == 0 ||
		    inc->silences[i].ends < soonest))
			soonest = inc->silences[i].ends;
	tui_age_changes_at(t, soonest);
	tui_put(t, p->win, y, 0, 1, selected ? ROLE_SELECTED : ROLE_INFO,
	    TUI_LIST_SILENCED);
}

static void
draw_row(struct tui *t, struct pane *p, const struct cols *c, int y,
    const struct wr_incident *inc, int selected, int64_t now)
{
	const struct tui_mark *m = tui_mark_of(t, inc->id);
	char buf[64], esc[64];
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
	} else if (tui_list_escalated(inc)) {
		/* escalated past its first step, nobody acknowledged: "esc
		 * 2/3" where the op column is */
		snprintf(esc, sizeof esc, "esc %lld/%lld",
		    (long long)((inc->esc_fired - 1) % inc->esc_steps + 1),
		    (long long)inc->esc_steps);
		op = esc;
		op_role = ROLE_ERROR;
	}
	silence_mark(t, p, y, inc, selected, now);
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
	alerts_text(inc->n_firing, inc->n_alerts, c->al_w, buf, sizeof buf);
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
		    rows_of(l)[l->top + i].id);

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
	case 'f':
		t->follow_top = !t->follow_top;
		if (t->follow_top) {
			select_index(t, l, 0);
			tui_message(t, "following the top: the first row stays "
			    "selected as incidents sort in (f stops)");
		} else {
			tui_message(t, "not following the top: the selection "
			    "stays on its incident");
		}
		tui_dirty(t, PANE_STATUS);
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
	filter_free(&l->vflt);
	free(l->filter_text);
	free(l->view_text);
	free(l->all);
	free(l->view);
	free(l->ins);
	free(l->match);
	free(l->touched);
	free(l->mark);
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
