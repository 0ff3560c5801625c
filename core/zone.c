/*
 * zone.c: time zones as data (zone.h).
 *
 * A zone is a table of transitions (instant, offset after it) and, for
 * instants after the last one, a rule from the POSIX TZ string of the TZif
 * footer: a standard offset and, when the zone has DST, a DST offset and
 * the two local dates and times of the year it starts and ends.  Southern
 * zones (Lord Howe) start DST late in the year and end it early the next.
 *
 * The conversion from local seconds to an instant looks at every stretch
 * of one offset that could hold the answer (any instant within 26 hours
 * plus a margin of the local time taken as UTC), earliest first: the first
 * stretch in which local - offset falls gives the first occurrence; when
 * none does, the local time is in a gap and the transition that opened the
 * gap is the first instant after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "zone.h"

struct rule_date {
	char kind;		/* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' */
	int a, b, c;		/* J/N: a is the day; M: month, week, weekday */
	int32_t time;		/* local seconds after midnight, may be < 0 */
};

struct wr_zone {
	char *name;
	size_t n;
	int64_t *at;
	int32_t *off;
	int32_t off_before;
	int has_rule;		/* the footer gave a rule */
	int has_dst;		/* and it has DST */
	int32_t std_off, dst_off;
	struct rule_date start, end;
};

int64_t
wr_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && a < 0)
		q--;
	return q;
}

int64_t
wr_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = wr_floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
wr_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = wr_floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
wr_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (int)(days + 3 - wr_floordiv(days + 3, 7) * 7);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* --- the POSIX TZ string ------------------------------------------------ */

struct tzp {
	const char *s;
	char *cause;
};

static int
tz_fail(struct tzp *p, const char *what)
{
	if (p->cause == NULL)
		p->cause = xasprintf("%s at \"%.20s\"", what, p->s);
	return -1;
}

static int
tz_name(struct tzp *p)
{
	size_t n = 0;

	if (*p->s == '<') {
		p->s++;
		while ((*p->s >= 'A' && *p->s <= 'Z') ||
		    (*p->s >= 'a' && *p->s <= 'z') ||
		    (*p->s >= '0' && *p->s <= '9') || *p->s == '+' ||
		    *p->s == '-') {
			p->s++;
			n++;
		}
		if (*p->s != '>')
			return tz_fail(p, "an unterminated <zone name>");
		p->s++;
	} else {
		while ((*p->s >= 'A' && *p->s <= 'Z') ||
		    (*p->s >= 'a' && *p->s <= 'z')) {
			p->s++;
			n++;
		}
	}
	if (n < 3)
		return tz_fail(p, "a zone name shorter than 3 letters");
	return 0;
}

static int
tz_num(struct tzp *p, int max, int *out)
{
	int v = 0, nd = 0;

	while (*p->s >= '0' && *p->s <= '9') {
		v = v * 10 + (*p->s++ - '0');
		if (++nd > 3 || v > max)
			return tz_fail(p, "a number out of range");
	}
	if (nd == 0)
		return tz_fail(p, "a number expected");
	*out = v;
	return 0;
}

/* [+-]hh[:mm[:ss]], hours up to maxh; seconds into *out. */
static int
tz_hms(struct tzp *p, int maxh, int32_t *out)
{
	int sign = 1, h, m = 0, s = 0;

	if (*p->s == '+' || *p->s == '-')
		sign = *p->s++ == '-' ? -1 : 1;
	if (tz_num(p, maxh, &h) != 0)
		return -1;
	if (*p->s == ':') {
		p->s++;
		if (tz_num(p, 59, &m) != 0)
			return -1;
		if (*p->s == ':') {
			p->s++;
			if (tz_num(p, 59, &s) != 0)
				return -1;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return 0;
}

/* Steps over c when it is next; never past the string's end. */
static int
tz_expect(struct tzp *p, char c)
{
	if (*p->s != c)
		return -1;
	p->s++;
	return 0;
}

static int
tz_date(struct tzp *p, struct rule_date *d)
{
	memset(d, 0, sizeof *d);
	if (*p->s == 'J') {
		p->s++;
		d->kind = 'J';
		if (tz_num(p, 365, &d->a) != 0)
			return -1;
		if (d->a < 1)
			return tz_fail(p, "a Julian day 0");
	} else if (*p->s == 'M') {
		p->s++;
		d->kind = 'M';
		if (tz_num(p, 12, &d->a) != 0 || tz_expect(p, '.') != 0 ||
		    tz_num(p, 5, &d->b) != 0 || tz_expect(p, '.') != 0 ||
		    tz_num(p, 6, &d->c) != 0)
			return tz_fail(p, "a bad Mm.w.d date");
		if (d->a < 1 || d->b < 1)
			return tz_fail(p, "a month or week 0");
	} else {
		d->kind = 'N';
		if (tz_num(p, 365, &d->a) != 0)
			return -1;
	}
	d->time = 7200;
	if (*p->s == '/') {
		p->s++;
		/* RFC 8536 3.3.1: hours from -167 to 167. */
		if (tz_hms(p, 167, &d->time) != 0)
			return -1;
	}
	return 0;
}

static int
tz_parse(const char *s, struct wr_zone *z, char **cause)
{
	struct tzp p = { s, NULL };
	int32_t std;

	if (tz_name(&p) != 0 || tz_hms(&p, 24, &std) != 0)
		goto fail;
	z->has_rule = 1;
	z->std_off = -std;	/* POSIX counts west positive */
	z->dst_off = z->std_off;
	z->has_dst = 0;
	if (*p.s == '\0')
		return 0;
	if (tz_name(&p) != 0)
		goto fail;
	z->dst_off = z->std_off + 3600;
	if (*p.s != ',' && *p.s != '\0') {
		int32_t dst;

		if (tz_hms(&p, 24, &dst) != 0)
			goto fail;
		z->dst_off = -dst;
	}
	if (*p.s != ',') {
		tz_fail(&p, "DST without the dates it starts and ends");
		goto fail;
	}
	p.s++;
	if (tz_date(&p, &z->start) != 0)
		goto fail;
	if (tz_expect(&p, ',') != 0) {
		tz_fail(&p, "a second date expected");
		goto fail;
	}
	if (tz_date(&p, &z->end) != 0)
		goto fail;
	if (*p.s != '\0') {
		tz_fail(&p, "text after the rule");
		goto fail;
	}
	z->has_dst = z->dst_off != z->std_off;
	return 0;
fail:
	*cause = p.cause ? p.cause : xstrdup("a bad TZ string");
	return -1;
}

int
wr_zone_check_rule(const char *tz, char **cause)
{
	struct wr_zone z;

	memset(&z, 0, sizeof z);
	return tz_parse(tz, &z, cause);
}

/* The day number of a rule's date in year y. */
static int64_t
rule_day(const struct rule_date *d, int64_t y)
{
	int64_t jan1 = wr_days_from_civil(y, 1, 1), first, day;
	int wd;

	switch (d->kind) {
	case 'J':
		return jan1 + d->a - 1 + (is_leap(y) && d->a >= 60);
	case 'N':
		return jan1 + d->a;
	default:
		first = wr_days_from_civil(y, d->a, 1);
		wd = (wr_weekday(first) + 1) % 7;	/* 0 = Sunday */
		day = first + (d->c - wd + 7) % 7 + (int64_t)(d->b - 1) * 7;
		while (day >= first + month_days(y, d->a))
			day -= 7;
		return day;
	}
}

/* The instants DST starts and ends in local year y. */
static void
rule_year(const struct wr_zone *z, int64_t y, int64_t *s, int64_t *e)
{
	*s = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
	*e = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
}

static int64_t
local_year(int64_t local_s)
{
	int64_t y;
	int m, d;

	wr_civil_from_days(wr_floordiv(local_s, 86400), &y, &m, &d);
	return y;
}

static int32_t
rule_offset(const struct wr_zone *z, int64_t u)
{
	int64_t s, e;

	if (!z->has_dst)
		return z->std_off;
	rule_year(z, local_year(u + z->std_off), &s, &e);
	if (s < e)
		return u >= s && u < e ? z->dst_off : z->std_off;
	return u >= e && u < s ? z->std_off : z->dst_off;
}

static int
rule_next(const struct wr_zone *z, int64_t u, int64_t *at)
{
	int64_t y = local_year(u + z->std_off), best = INT64_MAX, s, e;

	if (!z->has_dst)
		return -1;
	for (int64_t k = y - 1; k <= y + 1; k++) {
		rule_year(z, k, &s, &e);
		if (s > u && s < best)
			best = s;
		if (e > u && e < best)
			best = e;
	}
	if (best == INT64_MAX)
		return -1;
	*at = best;
	return 0;
}

/* --- the zone ------------------------------------------------------------ */

static int
offset_ok(int32_t off)
{
	return off >= -WR_ZONE_MAX_OFFSET && off <= WR_ZONE_MAX_OFFSET;
}

struct wr_zone *
wr_zone_new(const char *name, const int64_t *at, const int32_t *off,
    size_t n, int32_t off_before, const char *footer, char **cause)
{
	struct wr_zone *z;
	int32_t prev = off_before;

	if (n > WR_ZONE_MAX_TRANSITIONS) {
		*cause = xasprintf("%zu transitions (at most %d)", n,
		    WR_ZONE_MAX_TRANSITIONS);
		return NULL;
	}
	if (!offset_ok(off_before)) {
		*cause = xasprintf("an offset of %ld s from UTC",
		    (long)off_before);
		return NULL;
	}
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name ? name : "");
	z->off_before = off_before;
	z->at = xcalloc(n ? n : 1, sizeof *z->at);
	z->off = xcalloc(n ? n : 1, sizeof *z->off);
	for (size_t i = 0; i < n; i++) {
		if (!offset_ok(off[i])) {
			*cause = xasprintf("an offset of %ld s from UTC",
			    (long)off[i]);
			goto fail;
		}
		if (i > 0 && at[i] <= at[i - 1]) {
			*cause = xasprintf("transition %zu is not after the "
			    "one before it", i);
			goto fail;
		}
		/* Transitions that change only the abbreviation or the DST
		 * flag are not changes here. */
		if (off[i] == prev)
			continue;
		z->at[z->n] = at[i];
		z->off[z->n] = off[i];
		z->n++;
		prev = off[i];
	}
	if (footer != NULL && footer[0] != '\0') {
		if (tz_parse(footer, z, cause) != 0)
			goto fail;
		if (!offset_ok(z->std_off) || !offset_ok(z->dst_off)) {
			*cause = xstrdup("an offset beyond 26 hours in the TZ "
			    "string");
			goto fail;
		}
	}
	return z;
fail:
	wr_zone_free(z);
	return NULL;
}

struct wr_zone *
wr_zone_fixed(const char *name, int32_t off)
{
	char *cause = NULL;
	struct wr_zone *z = wr_zone_new(name, NULL, NULL, 0,
	    offset_ok(off) ? off : 0, NULL, &cause);

	free(cause);
	return z;
}

void
wr_zone_free(struct wr_zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->at);
	free(z->off);
	free(z);
}

const char *
wr_zone_name(const struct wr_zone *z)
{
	return z->name;
}

/* The index of the last transition at or before u, or -1. */
static ptrdiff_t
find(const struct wr_zone *z, int64_t u)
{
	size_t lo = 0, hi = z->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->at[mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

int32_t
wr_zone_offset(const struct wr_zone *z, int64_t u)
{
	ptrdiff_t i = find(z, u);

	if (z->has_rule && (z->n == 0 || i == (ptrdiff_t)z->n - 1))
		return rule_offset(z, u);
	return i < 0 ? z->off_before : z->off[i];
}

int64_t
wr_zone_local(const struct wr_zone *z, int64_t u)
{
	return u + wr_zone_offset(z, u);
}

int
wr_zone_next_change(const struct wr_zone *z, int64_t u, int64_t *at)
{
	ptrdiff_t i = find(z, u);

	if (i + 1 < (ptrdiff_t)z->n) {
		*at = z->at[i + 1];
		return 0;
	}
	if (!z->has_rule)
		return -1;
	return rule_next(z, u, at);
}

int64_t
wr_zone_utc(const struct wr_zone *z, int64_t local)
{
	const int64_t margin = WR_ZONE_MAX_OFFSET + 3600;
	int64_t s = local - margin, end = local + margin, t;
	int32_t o = wr_zone_offset(z, s), o2;

	/* A 54-hour window holds a handful of transitions; the bound only
	 * stops a zone made of nonsense from looping. */
	for (int guard = 0; guard < 4096; guard++) {
		int more = wr_zone_next_change(z, s, &t) == 0 && t <= end;
		int64_t u = local - o;

		if (u >= s && (!more || u < t))
			return u;
		if (!more)
			break;
		o2 = wr_zone_offset(z, t);
		if (t + o <= local && local < t + o2)
			return t;	/* in the gap this transition opens */
		s = t;
		o = o2;
	}
	return local - o;
}
