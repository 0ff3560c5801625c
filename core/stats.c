/*
 * stats.c: the report's arithmetic that is not SQL (out of hours, on-call
 * hours, from core/zone.h and core/schedule.h) and the report as text.
 * See stats.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/parse.h"
#include "core/sanitize.h"
#include "core/schedule.h"
#include "core/stats.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "core/zone.h"

static const char *const by_names[WR_STATS_BY_COUNT] = {
	[WR_STATS_BY_NONE] = "none",
	[WR_STATS_BY_SERVICE] = "service",
	[WR_STATS_BY_SEVERITY] = "severity",
	[WR_STATS_BY_PERSON] = "person",
	[WR_STATS_BY_POLICY] = "policy",
};

int
wr_stats_parse_when(const char *s, int64_t now, int64_t *out, char *err,
    size_t errsz)
{
	int64_t d;
	char why[WR_PARSE_ERR_MAX];

	if (wr_time_parse(s, out) == 0)
		return 0;
	if (wr_parse_duration(s, 0, 1, 100LL * 366 * 86400 * 1000, &d, why,
	    sizeof why) == 0) {
		*out = now - d;
		return 0;
	}
	snprintf(err, errsz, "'%.64s' is neither a duration back from now "
	    "(30d, 12h, 90m) nor an RFC 3339 time (2026-03-01T00:00:00Z)", s);
	return -1;
}

int
wr_stats_by_parse(const char *s, enum wr_stats_by *by)
{
	for (int i = WR_STATS_BY_SERVICE; i < WR_STATS_BY_COUNT; i++)
		if (strcmp(s, by_names[i]) == 0) {
			*by = (enum wr_stats_by)i;
			return 0;
		}
	return -1;
}

const char *
wr_stats_by_name(enum wr_stats_by by)
{
	return by >= 0 && by < WR_STATS_BY_COUNT ? by_names[by] : "none";
}

struct wr_stats_person *
wr_stats_person(struct wr_stats *st, const char *name)
{
	struct wr_stats_person *p;

	for (size_t i = 0; i < st->n_people; i++)
		if (strcmp(st->people[i].name, name) == 0)
			return &st->people[i];
	st->people = xrealloc(st->people, (st->n_people + 1) *
	    sizeof *st->people);
	p = &st->people[st->n_people++];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	return p;
}

static int
person_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wr_stats_person *)a)->name,
	    ((const struct wr_stats_person *)b)->name);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct wr_stats_group *x = a, *y = b;

	if (x->incidents != y->incidents)
		return x->incidents > y->incidents ? -1 : 1;
	return strcmp(x->key, y->key);
}

void
wr_stats_sort(struct wr_stats *st)
{
	if (st->n_people > 1)
		qsort(st->people, st->n_people, sizeof *st->people,
		    person_cmp);
	if (st->n_groups > 1)
		qsort(st->groups, st->n_groups, sizeof *st->groups, group_cmp);
}

void
wr_stats_free(struct wr_stats *st)
{
	for (size_t i = 0; i < st->n_groups; i++)
		free(st->groups[i].key);
	for (size_t i = 0; i < st->n_people; i++)
		free(st->people[i].name);
	free(st->groups);
	free(st->people);
	memset(st, 0, sizeof *st);
}

int
wr_stats_night(const struct wr_zone *z, int64_t t)
{
	int64_t secs = wr_floordiv(t, 1000);
	int64_t local = z != NULL ? wr_zone_local(z, secs) : secs;
	int64_t day = local - wr_floordiv(local, 86400) * 86400;

	return day >= WR_STATS_NIGHT_FROM || day < WR_STATS_NIGHT_UNTIL;
}

static int
schedule_names(const struct wr_schedule *s, const char *person)
{
	for (size_t i = 0; i < s->n_layers; i++) {
		const struct wr_layer *l = &s->layers[i];

		for (size_t k = 0; k < l->n_people; k++)
			if (strcmp(l->people[k], person) == 0)
				return 1;
		for (size_t k = 0; k < l->n_shifts; k++)
			if (strcmp(l->shifts[k].person, person) == 0)
				return 1;
	}
	for (size_t i = 0; i < s->n_overrides; i++)
		if (strcmp(s->overrides[i].person, person) == 0)
			return 1;
	return 0;
}

const struct wr_zone *
wr_stats_zone_for(const struct wr_schedule *const *v, size_t n,
    const char *person, int64_t t)
{
	struct wr_oncall a;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == NULL)
			continue;
		wr_schedule_at(v[i], t, &a);
		if (a.person != NULL && strcmp(a.person, person) == 0)
			return v[i]->zone;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] != NULL && schedule_names(v[i], person))
			return v[i]->zone;
	return NULL;
}

void
wr_stats_add_oncall(struct wr_stats *st, const struct wr_schedule *s)
{
	struct wr_oncall *sh = NULL;
	size_t n;

	if (st->until <= st->since)
		return;
	n = wr_schedule_shifts(s, st->since, st->until, &sh);
	for (size_t i = 0; i < n; i++) {
		int64_t from = sh[i].since > st->since ? sh[i].since : st->since;
		int64_t to = sh[i].until < st->until ? sh[i].until : st->until;

		if (sh[i].person == NULL || to <= from)
			continue;
		wr_stats_person(st, sh[i].person)->oncall_ms += to - from;
	}
	free(sh);
}

void
wr_stats_fmt_dur(int64_t ms, char *buf, size_t size)
{
	int64_t s = (ms + 500) / 1000;

	if (ms < 0)
		ms = s = 0;
	if (ms < 1000)
		snprintf(buf, size, "%lldms", (long long)ms);
	else if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm %02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(buf, size, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

struct lines {
	char **v;
	size_t n;
};

static void
add(struct lines *l, char *line)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = line;
}

/* "  12   4m 12s   2m 30s  12m 00s", or dashes for none. */
static void
dur_cols(const struct wr_stats_dur *d, char *buf, size_t size)
{
	char m[24], a[24], b[24];

	if (d->n == 0) {
		snprintf(buf, size, "%6d %9s %9s %9s", 0, "-", "-", "-");
		return;
	}
	wr_stats_fmt_dur(d->mean, m, sizeof m);
	wr_stats_fmt_dur(d->p50, a, sizeof a);
	wr_stats_fmt_dur(d->p90, b, sizeof b);
	snprintf(buf, size, "%6lld %9s %9s %9s", (long long)d->n, m, a, b);
}

/* "2026-03-01 09:30Z": to the minute, UTC. */
static void
when(int64_t ms, char *buf, size_t size)
{
	char full[40];

	wr_time_format(ms, full, sizeof full);
	full[10] = ' ';
	snprintf(buf, size, "%.16sZ", full);
}

static const char *
group_key(const struct wr_stats *st, const struct wr_stats_group *g)
{
	if (g->key[0] != '\0')
		return g->key;
	switch (st->by) {
	case WR_STATS_BY_PERSON:
		return "(not acked)";
	case WR_STATS_BY_POLICY:
		return "(no policy)";
	default:
		return "(none)";
	}
}

/*
 * A name in a column of cols: its text made visible (sanitize_text), cut
 * to the column with an ellipsis, padded to it by display width, not by
 * bytes, so that the columns after it line up whatever the name holds.
 */
static void
column(const char *name, int cols, char *buf, size_t size)
{
	char *clean = sanitize_text(name, strlen(name));
	int w = sanitize_fit(clean, cols, 1, buf, size);
	size_t len = strlen(buf);

	while (w < cols && len + 1 < size) {
		buf[len++] = ' ';
		w++;
	}
	buf[len] = '\0';
	free(clean);
}

size_t
wr_stats_lines(const struct wr_stats *st, char ***out)
{
	struct lines l = { 0 };
	char a[40], b[40], c[96], d[64];
	int any_hour = 0;

	when(st->since, a, sizeof a);
	when(st->until, b, sizeof b);
	add(&l, xasprintf("%lld incident%s triggered from %s until %s",
	    (long long)st->incidents, st->incidents == 1 ? "" : "s", a, b));
	add(&l, xstrdup(""));
	add(&l, xasprintf("%-20s %6s %9s %9s %9s", "", "n", "mean", "p50",
	    "p90"));
	dur_cols(&st->mtta, c, sizeof c);
	add(&l, xasprintf("%-20s %s", "time to acknowledge", c));
	dur_cols(&st->mttr, c, sizeof c);
	add(&l, xasprintf("%-20s %s", "time to resolve", c));
	if (st->by != WR_STATS_BY_NONE) {
		add(&l, xstrdup(""));
		add(&l, xasprintf("by %-13s %5s %6s %8s %8s %6s %8s %8s",
		    wr_stats_by_name(st->by), "inc", "acked", "ack p50",
		    "ack p90", "solved", "res p50", "res p90"));
		for (size_t i = 0; i < st->n_groups; i++) {
			const struct wr_stats_group *g = &st->groups[i];
			char p[4][24];

			wr_stats_fmt_dur(g->mtta.p50, p[0], sizeof p[0]);
			wr_stats_fmt_dur(g->mtta.p90, p[1], sizeof p[1]);
			wr_stats_fmt_dur(g->mttr.p50, p[2], sizeof p[2]);
			wr_stats_fmt_dur(g->mttr.p90, p[3], sizeof p[3]);
			if (g->mtta.n == 0)
				strcpy(p[0], "-"), strcpy(p[1], "-");
			if (g->mttr.n == 0)
				strcpy(p[2], "-"), strcpy(p[3], "-");
			char key[14 * 4 + 1];

			column(group_key(st, g), 14, key, sizeof key);
			add(&l, xasprintf("  %s %5lld %6lld %8s %8s %6lld "
			    "%8s %8s", key,
			    (long long)g->incidents, (long long)g->mtta.n,
			    p[0], p[1], (long long)g->mttr.n, p[2], p[3]));
		}
	}
	add(&l, xstrdup(""));
	if (st->n_people == 0) {
		add(&l, xstrdup("people: nobody acknowledged, resolved or was "
		    "on call"));
	} else {
		add(&l, xasprintf("%-20s %5s %8s %9s %8s %6s %8s", "people",
		    "acks", "resolves", "escalated", "notified", "night",
		    "on call"));
		for (size_t i = 0; i < st->n_people; i++) {
			const struct wr_stats_person *p = &st->people[i];
			char name[18 * 4 + 1];

			snprintf(d, sizeof d, "%.1fh",
			    (double)p->oncall_ms / 3600000.0);
			column(p->name, 18, name, sizeof name);
			add(&l, xasprintf("  %s %5lld %8lld %9lld %8lld "
			    "%6lld %8s", name, (long long)p->acks,
			    (long long)p->resolves, (long long)p->escalations,
			    (long long)p->notifications, (long long)p->night,
			    d));
		}
	}
	add(&l, xstrdup(""));
	/* the three busiest hours of the day */
	{
		int top[3] = { -1, -1, -1 };
		char *s;

		for (int h = 0; h < 24; h++) {
			if (st->by_hour[h] == 0)
				continue;
			any_hour = 1;
			for (int k = 0; k < 3; k++)
				if (top[k] < 0 ||
				    st->by_hour[h] > st->by_hour[top[k]]) {
					memmove(&top[k + 1], &top[k],
					    (size_t)(2 - k) * sizeof *top);
					top[k] = h;
					break;
				}
		}
		if (!any_hour) {
			add(&l, xstrdup("busiest hours (UTC): -"));
		} else {
			s = xstrdup("busiest hours (UTC):");
			for (int k = 0; k < 3 && top[k] >= 0; k++) {
				char *t = xasprintf("%s%s %02d:00 (%lld)", s,
				    k ? "," : "", top[k],
				    (long long)st->by_hour[top[k]]);
				free(s);
				s = t;
			}
			add(&l, s);
		}
	}
	*out = l.v;
	return l.n;
}

void
wr_stats_lines_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
