/*
 * test_stats.c: the report of store_stats() (store/stats.c, core/stats.c)
 * against an independent computation.
 *
 * A history is generated from a fixed seed: incidents over 30 days, each
 * with a service, a severity and a trigger time; acknowledgements made by
 * people at made_at times (some arriving late, some from before made_at
 * existed), unacknowledgements and second acknowledgements by someone
 * else, resolutions by a person or by the source, reopenings, notes; and
 * some incidents this console only ever had as a summary (a snapshot: no
 * events).  The events are applied by the room's reducer and stored, as
 * the feed client stores them, in a console store.  Two schedules in
 * fixed zones (a daily rotation at UTC+9 with an override, a weekly one
 * at UTC-5) and a person on no schedule.
 *
 * Every number of the report is then computed again here, in plain C
 * over the generated arrays (not the store, not its SQL, not
 * core/stats.c's helpers): counts, means, nearest-rank percentiles,
 * groups by each key, each person's counts, interruptions out of hours in
 * the zone of their schedule, minutes on call walked one by one, and the
 * hours of the day.  Several seeds, and --by each key.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* nftw, in tests/scratch.h */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/model.h"
#include "core/room.h"
#include "core/sanitize.h"
#include "core/schedule.h"
#include "core/stats.h"
#include "core/util.h"
#include "core/zone.h"
#include "store/store.h"
#include "tests/scratch.h"

#define DAY	(86400LL * 1000)
#define HOUR	(3600LL * 1000)
#define MIN	(60LL * 1000)
/* 2026-03-01T00:00:00Z */
#define T0	1772323200000LL
#define N_INC	600

static const char *const people[] = { "alice", "bob", "carol", "dave",
	"erin" };
#define N_PEOPLE 5
static const char *const services[] = { "checkout", "payments", "search",
	"" };

/* ---- the seeded generator ------------------------------------------------ */

static uint64_t rng;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t
rnd_in(int64_t n)
{
	return n <= 0 ? 0 : (int64_t)(rnd() % (uint64_t)n);
}

static int
chance(int percent)
{
	return rnd_in(100) < percent;
}

/* One act, as the test remembers it. */
struct act {
	wr_event_kind kind;
	const char *who;	/* a person, or NULL for the source */
	int64_t made_at;	/* 0: none (the event's time stands) */
	int64_t time;
	int64_t attempt;	/* NOTIFIED: 1 the first, 2 a retry */
	const char *who2;	/* an escalation's second target, or NULL */
};

struct ginc {
	int64_t id;
	int64_t created;
	const char *service;
	wr_severity sev;
	int snapshot;		/* only the summary is stored */
	const char *policy;	/* of its first escalation event, or NULL */
	struct act acts[12];
	int n_acts;
};

struct hist {
	struct ginc inc[N_INC];
	struct wr_evlist ev;	/* the stored events */
	struct wr_room room;
	int64_t seq;
};

static struct wr_event *
push(struct hist *h, struct ginc *g, wr_event_kind kind, const char *who,
    int64_t made_at, int64_t time)
{
	struct wr_evlist tmp = { 0 }, *l = g->snapshot ? &tmp : &h->ev;
	struct wr_event *e = wr_evlist_push(l);
	char err[256];

	e->seq = g->snapshot ? 0 : ++h->seq;
	e->kind = kind;
	e->incident = g->id;
	e->time = time;
	e->made_at = made_at;
	e->actor = xstrdup(who != NULL ? who : "events-v2");
	if (who != NULL) {
		char id[33];

		snprintf(id, sizeof id, "%032llx",
		    (unsigned long long)(h->seq * 1000 + (int64_t)g->n_acts));
		e->op_id = xstrdup(id);
		e->via = xstrdup("ops");
	}
	if (kind == WR_EV_TRIGGERED) {
		char key[32];

		snprintf(key, sizeof key, "k%lld", (long long)g->id);
		e->source = xstrdup("events-v2");
		e->sender = xstrdup("am");
		e->key = xstrdup(key);
		e->title = xstrdup("something broke");
		e->service = xstrdup(g->service);
		e->severity = g->sev;
	} else if (kind == WR_EV_NOTE) {
		e->text = xstrdup("looking");
	} else {
		struct act *a = &g->acts[g->n_acts++];

		a->kind = kind;
		a->who = who;
		a->made_at = made_at;
		a->time = time;
	}
	assert_int_equal(wr_room_apply(&h->room, e, err, sizeof err),
	    WR_APPLY_OK);
	if (g->snapshot)
		wr_evlist_free(&tmp);
	return e;
}

/* A person's op at t: made_at t (or none, as from before made_at), it
 * arrives up to 20 s later.  Returns the arrival. */
static int64_t
op(struct hist *h, struct ginc *g, wr_event_kind kind, const char *who,
    int64_t t)
{
	int64_t arrives = t + rnd_in(20000);

	push(h, g, kind, who, chance(85) ? t : 0, chance(85) ? arrives : t);
	return arrives;
}

/* The relay's notification of who about g at t (attempt n): no op id,
 * no made_at. */
static void
notified(struct hist *h, struct ginc *g, const char *who, int64_t t,
    int64_t n)
{
	struct wr_evlist tmp = { 0 }, *l = g->snapshot ? &tmp : &h->ev;
	struct wr_event *e = wr_evlist_push(l);
	struct act *a = &g->acts[g->n_acts++];
	char err[256];

	e->seq = g->snapshot ? 0 : ++h->seq;
	e->kind = WR_EV_NOTIFIED;
	e->incident = g->id;
	e->time = t;
	e->actor = xstrdup("warroomd");
	e->person = xstrdup(who);
	e->notifier = xstrdup("pager");
	e->text = xasprintf("%s via pager: delivered", who);
	e->count = n;
	a->kind = WR_EV_NOTIFIED;
	a->who = who;
	a->time = t;
	a->attempt = n;
	assert_int_equal(wr_room_apply(&h->room, e, err, sizeof err),
	    WR_APPLY_OK);
	if (g->snapshot)
		wr_evlist_free(&tmp);
}

/* The escalation engine's POLICY_ASSIGNED or ESCALATED of g at t under
 * policy to who (and who2, when not NULL): no op id, no made_at; its
 * targets are the names joined by ", ". */
static void
paged(struct hist *h, struct ginc *g, wr_event_kind kind, const char *policy,
    const char *who, const char *who2, int64_t t)
{
	struct wr_evlist tmp = { 0 }, *l = g->snapshot ? &tmp : &h->ev;
	struct wr_event *e = wr_evlist_push(l);
	struct act *a = &g->acts[g->n_acts++];
	char err[256];

	e->seq = g->snapshot ? 0 : ++h->seq;
	e->kind = kind;
	e->incident = g->id;
	e->time = t;
	e->actor = xstrdup("warroomd");
	e->text = who2 != NULL ? xasprintf("%s, %s", who, who2) :
	    xstrdup(who);
	e->policy = xstrdup(policy);
	e->step = kind == WR_EV_POLICY_ASSIGNED ? 1 : 2;
	e->steps = 2;
	e->round = 1;
	a->kind = kind;
	a->who = who;
	a->who2 = who2;
	a->time = t;
	if (g->policy == NULL && !g->snapshot)
		g->policy = policy;
	assert_int_equal(wr_room_apply(&h->room, e, err, sizeof err),
	    WR_APPLY_OK);
	if (g->snapshot)
		wr_evlist_free(&tmp);
}

static const char *
someone(void)
{
	return people[rnd_in(N_PEOPLE)];
}

static void
generate(struct hist *h, uint64_t seed)
{
	memset(h, 0, sizeof *h);
	rng = seed * 2654435761u + 1;
	wr_room_init(&h->room, 0);
	for (int i = 0; i < N_INC; i++) {
		struct ginc *g = &h->inc[i];
		int64_t t;

		g->id = i + 1;
		g->created = T0 + rnd_in(30 * DAY);
		g->service = services[rnd_in(4)];
		g->sev = (wr_severity)rnd_in(WR_SEV_COUNT);
		g->snapshot = chance(8);
		push(h, g, WR_EV_TRIGGERED, NULL, 0, g->created);
		t = g->created;
		if (chance(35)) {
			/* a policy pages one or two, then escalates */
			const char *pol = chance(50) ? "night" : "day";
			const char *w1 = someone(), *w2 = someone();

			paged(h, g, WR_EV_POLICY_ASSIGNED, pol, w1,
			    chance(30) && w2 != w1 ? w2 : NULL, t + 1000);
			if (chance(50))
				paged(h, g, WR_EV_ESCALATED, pol, someone(),
				    NULL, t + rnd_in(30 * MIN));
		}
		if (chance(40)) {
			const char *who = someone();
			int64_t at = t + rnd_in(10 * MIN);

			notified(h, g, who, at, 1);
			if (chance(30))		/* a retry: not a second page */
				notified(h, g, who, at + MIN, 2);
		}
		if (chance(80)) {
			/* acked within two hours, sometimes at once */
			t = op(h, g, WR_EV_ACKNOWLEDGED, someone(),
			    t + (chance(5) ? 0 : rnd_in(2 * HOUR)));
			if (chance(30)) {
				t = op(h, g, WR_EV_UNACKNOWLEDGED, someone(),
				    t + rnd_in(HOUR));
				if (chance(70))
					t = op(h, g, WR_EV_ACKNOWLEDGED,
					    someone(), t + rnd_in(3 * HOUR));
			}
		}
		if (chance(20))
			push(h, g, WR_EV_NOTE, someone(), t + 1000, t + 1000);
		if (chance(70)) {
			t += rnd_in(6 * HOUR);
			if (chance(60))
				t = op(h, g, WR_EV_RESOLVED, someone(), t);
			else
				push(h, g, WR_EV_RESOLVED, NULL, 0, t);
			if (chance(10)) {
				t = op(h, g, WR_EV_REOPENED, someone(),
				    t + rnd_in(HOUR));
				if (chance(50))
					t = op(h, g, WR_EV_ACKNOWLEDGED,
					    someone(), t + rnd_in(HOUR));
				if (chance(60))
					t = op(h, g, WR_EV_RESOLVED, someone(),
					    t + rnd_in(HOUR));
			}
		}
	}
}

/* ---- the schedules, and the same answers computed here ------------------- */

/* A: daily turns from T0 09:00 at UTC+9, alice then bob; an override
 * gives erin days 12 and 13 from 00:00 UTC.  B: weekly turns from T0
 * 09:00 at UTC-5, carol then dave.  Nobody else is on a schedule. */
#define A_OFF	(9 * 3600)
#define B_OFF	(-5 * 3600)
#define A_START	(T0 + 9 * HOUR - A_OFF * 1000LL)
#define B_START	(T0 + 9 * HOUR - B_OFF * 1000LL)
#define OV_FROM	(T0 + 12 * DAY)
#define OV_UNTIL (T0 + 14 * DAY)

static struct wr_schedule *
schedule_a(void)
{
	struct wr_schedule *s = wr_schedule_new("a",
	    wr_zone_fixed("Etc/GMT-9", A_OFF));
	struct wr_layer *l = wr_schedule_add_layer(s, "daily");

	l->turn = 86400;
	l->start = T0 / 1000 + 9 * 3600;
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "alice");
	wr_schedule_add_person(l, "bob");
	wr_schedule_add_override(s, "o1", "erin", OV_FROM, OV_UNTIL);
	return s;
}

static struct wr_schedule *
schedule_b(void)
{
	struct wr_schedule *s = wr_schedule_new("b",
	    wr_zone_fixed("Etc/GMT+5", B_OFF));
	struct wr_layer *l = wr_schedule_add_layer(s, "weekly");

	l->turn = 7 * 86400;
	l->start = T0 / 1000 + 9 * 3600;
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "carol");
	wr_schedule_add_person(l, "dave");
	return s;
}

/* Who is on call at t on A (0) or B (1), or NULL. */
static const char *
on_call(int sched, int64_t t)
{
	if (sched == 0) {
		if (t >= OV_FROM && t < OV_UNTIL)
			return "erin";
		if (t < A_START)
			return NULL;
		return (((t - A_START) / DAY) % 2) == 0 ? "alice" : "bob";
	}
	if (t < B_START)
		return NULL;
	return (((t - B_START) / (7 * DAY)) % 2) == 0 ? "carol" : "dave";
}

/* The offset of the zone a person's interruption at t is judged in. */
static int
zone_off(const char *who, int64_t t, int *none)
{
	*none = 0;
	for (int s = 0; s < 2; s++) {
		const char *p = on_call(s, t);

		if (p != NULL && strcmp(p, who) == 0)
			return s == 0 ? A_OFF : B_OFF;
	}
	if (!strcmp(who, "alice") || !strcmp(who, "bob") ||
	    !strcmp(who, "erin"))
		return A_OFF;
	if (!strcmp(who, "carol") || !strcmp(who, "dave"))
		return B_OFF;
	*none = 1;
	return 0;
}

static int
is_night(int64_t t, int off)
{
	int64_t local = t / 1000 + off;
	int64_t sec = ((local % 86400) + 86400) % 86400;

	return sec >= 22 * 3600 || sec < 8 * 3600;
}

/* ---- the expected report --------------------------------------------------- */

struct dist {
	int64_t v[N_INC];
	int64_t n;
};

static void
dist_expect(const struct dist *d0, const struct wr_stats_dur *got,
    const char *what)
{
	struct dist d = *d0;
	int64_t sum = 0;

	/* insertion sort: small, and nothing like ORDER BY */
	for (int64_t i = 1; i < d.n; i++)
		for (int64_t j = i; j > 0 && d.v[j - 1] > d.v[j]; j--) {
			int64_t x = d.v[j];

			d.v[j] = d.v[j - 1];
			d.v[j - 1] = x;
		}
	for (int64_t i = 0; i < d.n; i++)
		sum += d.v[i];
	if (got->n != d.n)
		fail_msg("%s: n %lld, want %lld", what, (long long)got->n,
		    (long long)d.n);
	if (d.n == 0)
		return;
	/* the mean rounded half up (values are >= 0) */
	if (got->mean != (2 * sum + d.n) / (2 * d.n))
		fail_msg("%s: mean %lld, want %lld", what,
		    (long long)got->mean, (long long)((2 * sum + d.n) /
		    (2 * d.n)));
	/* nearest rank: the ceil(P n / 100)-th smallest */
	if (got->p50 != d.v[(d.n * 50 + 99) / 100 - 1] ||
	    got->p90 != d.v[(d.n * 90 + 99) / 100 - 1])
		fail_msg("%s: p50 %lld p90 %lld, want %lld %lld", what,
		    (long long)got->p50, (long long)got->p90,
		    (long long)d.v[(d.n * 50 + 99) / 100 - 1],
		    (long long)d.v[(d.n * 90 + 99) / 100 - 1]);
}

static int64_t
acted(const struct act *a)
{
	return a->made_at != 0 ? a->made_at : a->time;
}

/* The first acknowledgement: when and by whom (for a summary-only
 * incident, its current one, all the console knows); 0 for none. */
static int64_t
first_ack(const struct ginc *g, const char **who)
{
	int64_t cur = 0;

	*who = NULL;
	for (int k = 0; k < g->n_acts; k++) {
		const struct act *a = &g->acts[k];

		if (a->kind == WR_EV_ACKNOWLEDGED && !g->snapshot) {
			*who = a->who;
			return acted(a);
		}
		/* the reducer's summary of a snapshot */
		if (a->kind == WR_EV_ACKNOWLEDGED) {
			cur = acted(a);
			*who = a->who;
		} else if (a->kind == WR_EV_UNACKNOWLEDGED ||
		    a->kind == WR_EV_REOPENED) {
			cur = 0;
			*who = NULL;
		}
	}
	return cur;
}

/* When it was resolved, if it is resolved now; else 0. */
static int64_t
resolved(const struct ginc *g)
{
	int64_t r = 0;

	for (int k = 0; k < g->n_acts; k++)
		if (g->acts[k].kind == WR_EV_RESOLVED)
			r = acted(&g->acts[k]);
		else if (g->acts[k].kind == WR_EV_REOPENED)
			r = 0;
	return r;
}

static const char *
key_of(const struct ginc *g, enum wr_stats_by by)
{
	const char *who;

	switch (by) {
	case WR_STATS_BY_SERVICE:
		return g->service;
	case WR_STATS_BY_SEVERITY:
		return wr_severity_name(g->sev);
	case WR_STATS_BY_PERSON:
		first_ack(g, &who);
		return who != NULL ? who : "";
	case WR_STATS_BY_POLICY:
		return g->policy != NULL ? g->policy : "";
	default:
		return "";
	}
}

static void
expect_durations(const struct hist *h, int64_t since, int64_t until,
    const char *key, enum wr_stats_by by, int64_t incidents,
    const struct wr_stats_dur *mtta, const struct wr_stats_dur *mttr)
{
	static struct dist a, r;
	int64_t n = 0;
	char what[96];

	a.n = r.n = 0;
	for (int i = 0; i < N_INC; i++) {
		const struct ginc *g = &h->inc[i];
		const char *who;
		int64_t t;

		if (g->created < since || g->created >= until)
			continue;
		if (key != NULL && strcmp(key_of(g, by), key) != 0)
			continue;
		n++;
		if ((t = first_ack(g, &who)) != 0)
			a.v[a.n++] = t > g->created ? t - g->created : 0;
		if ((t = resolved(g)) != 0)
			r.v[r.n++] = t > g->created ? t - g->created : 0;
	}
	snprintf(what, sizeof what, "%s %s: incidents", key ? key : "all",
	    wr_stats_by_name(by));
	if (incidents != n)
		fail_msg("%s %lld, want %lld", what, (long long)incidents,
		    (long long)n);
	snprintf(what, sizeof what, "%s (%s) mtta", key ? key : "all",
	    wr_stats_by_name(by));
	dist_expect(&a, mtta, what);
	snprintf(what, sizeof what, "%s (%s) mttr", key ? key : "all",
	    wr_stats_by_name(by));
	dist_expect(&r, mttr, what);
}

struct pexp {
	int64_t acks, resolves, notified, escalations, night, oncall_ms;
};

static void
expect_people(const struct hist *h, const struct wr_stats *st)
{
	struct pexp e[N_PEOPLE];
	int64_t since = st->since, until = st->until;

	memset(e, 0, sizeof e);
	for (int i = 0; i < N_INC; i++) {
		const struct ginc *g = &h->inc[i];
		int woke[N_PEOPLE] = { 0 };

		if (g->snapshot)
			continue;	/* this console never saw its acts */
		for (int k = 0; k < g->n_acts; k++) {
			const struct act *a = &g->acts[k];
			int64_t t = acted(a);
			int p, none, off;

			if (a->who == NULL || t < since || t >= until)
				continue;
			for (p = 0; strcmp(people[p], a->who) != 0; p++)
				;
			if (a->kind == WR_EV_RESOLVED)
				e[p].resolves++;
			if (a->kind == WR_EV_POLICY_ASSIGNED ||
			    a->kind == WR_EV_ESCALATED) {
				e[p].escalations++;
				if (a->who2 != NULL) {
					int q;

					for (q = 0; strcmp(people[q], a->who2)
					    != 0; q++)
						;
					e[q].escalations++;
				}
				continue;	/* paged, not woken here */
			}
			if (a->kind == WR_EV_NOTIFIED && a->attempt != 1)
				continue;	/* a retry */
			if (a->kind == WR_EV_NOTIFIED)
				e[p].notified++;
			else if (a->kind == WR_EV_ACKNOWLEDGED)
				e[p].acks++;
			else
				continue;
			off = zone_off(a->who, t, &none);
			if (is_night(t, off))
				woke[p] = 1;
		}
		for (int p = 0; p < N_PEOPLE; p++)
			e[p].night += woke[p];
	}
	/* on call: minute by minute (every handoff is on a minute) */
	for (int64_t t = since - since % MIN; t < until; t += MIN) {
		int64_t from = t > since ? t : since;
		int64_t to = t + MIN < until ? t + MIN : until;

		for (int s = 0; s < 2; s++) {
			const char *who = on_call(s, from);

			for (int p = 0; who != NULL && p < N_PEOPLE; p++)
				if (strcmp(people[p], who) == 0)
					e[p].oncall_ms += to - from;
		}
	}
	for (int p = 0; p < N_PEOPLE; p++) {
		const struct wr_stats_person *got = NULL;

		for (size_t i = 0; i < st->n_people; i++)
			if (strcmp(st->people[i].name, people[p]) == 0)
				got = &st->people[i];
		if (got == NULL) {
			if (e[p].acks || e[p].resolves || e[p].notified ||
			    e[p].escalations || e[p].oncall_ms)
				fail_msg("%s is missing", people[p]);
			continue;
		}
		if (got->acks != e[p].acks || got->resolves != e[p].resolves ||
		    got->notifications != e[p].notified ||
		    got->night != e[p].night || got->oncall_ms != e[p].oncall_ms)
			fail_msg("%s: acks %lld resolves %lld notified %lld night "
			    "%lld on call %lld; want %lld %lld %lld %lld %lld",
			    people[p], (long long)got->acks,
			    (long long)got->resolves,
			    (long long)got->notifications,
			    (long long)got->night, (long long)got->oncall_ms,
			    (long long)e[p].acks, (long long)e[p].resolves,
			    (long long)e[p].notified, (long long)e[p].night,
			    (long long)e[p].oncall_ms);
		if (got->escalations != e[p].escalations)
			fail_msg("%s: escalations %lld, want %lld", people[p],
			    (long long)got->escalations,
			    (long long)e[p].escalations);
	}
	/* nobody else: the source resolved, it is no person */
	for (size_t i = 0; i < st->n_people; i++) {
		int known = 0;

		for (int p = 0; p < N_PEOPLE; p++)
			known |= strcmp(st->people[i].name, people[p]) == 0;
		if (!known)
			fail_msg("%s is no person", st->people[i].name);
	}
}

static void
expect_hours(const struct hist *h, const struct wr_stats *st)
{
	int64_t want[24] = { 0 };

	for (int i = 0; i < N_INC; i++) {
		const struct ginc *g = &h->inc[i];

		if (g->created >= st->since && g->created < st->until)
			want[(g->created / HOUR) % 24]++;
	}
	for (int k = 0; k < 24; k++)
		if (st->by_hour[k] != want[k])
			fail_msg("hour %d: %lld, want %lld", k,
			    (long long)st->by_hour[k], (long long)want[k]);
}

/* ---- the test --------------------------------------------------------------- */

static void
store_history(struct wr_store *s, struct hist *h)
{
	struct wr_incident **inc = xcalloc(N_INC, sizeof *inc);
	struct wr_batch b = { 0 };
	char *cause = NULL;

	for (int i = 0; i < N_INC; i++)
		inc[i] = wr_room_get(&h->room, h->inc[i].id);
	b.events = h->ev.v;
	b.n_events = h->ev.n;
	b.incidents = inc;
	b.n_incidents = N_INC;
	if (store_commit_batch(s, &b, &cause) != 0)
		fail_msg("commit: %s", cause);
	free(inc);
}

static void
check_seed(uint64_t seed)
{
	static struct hist h;
	char dir[] = "/tmp/wr-stats-XXXXXX", *path, *cause = NULL;
	struct wr_store *s = NULL;
	const struct wr_schedule *sched[2];
	struct wr_schedule *a = schedule_a(), *b = schedule_b();
	/* the window cuts the month: days 4 to 26, at odd minutes */
	int64_t since = T0 + 4 * DAY + 17 * MIN, until = T0 + 26 * DAY +
	    3 * HOUR + 41 * MIN;

	sched[0] = a;
	sched[1] = b;
	generate(&h, seed);
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/console.db", dir);
	if (store_open(path, WR_STORE_CONSOLE, &s, &cause) != 0)
		fail_msg("open: %s", cause);
	store_history(s, &h);

	for (int by = WR_STATS_BY_NONE; by < WR_STATS_BY_COUNT; by++) {
		struct wr_stats st;
		int64_t total = 0;

		if (store_stats(s, since, until, (enum wr_stats_by)by, sched, 2,
		    &st, &cause) != 0)
			fail_msg("stats: %s", cause);
		assert_int_equal(st.since, since);
		assert_int_equal(st.until, until);
		expect_durations(&h, since, until, NULL, WR_STATS_BY_NONE,
		    st.incidents, &st.mtta, &st.mttr);
		expect_people(&h, &st);
		expect_hours(&h, &st);
		if (by == WR_STATS_BY_NONE)
			assert_int_equal(st.n_groups, 0);
		for (size_t i = 0; i < st.n_groups; i++) {
			const struct wr_stats_group *g = &st.groups[i];

			expect_durations(&h, since, until, g->key,
			    (enum wr_stats_by)by, g->incidents, &g->mtta,
			    &g->mttr);
			total += g->incidents;
			/* largest first */
			if (i > 0)
				assert_true(st.groups[i - 1].incidents >=
				    g->incidents);
		}
		/* and every incident is in one group */
		if (by != WR_STATS_BY_NONE)
			assert_int_equal(total, st.incidents);
		if (by == WR_STATS_BY_POLICY)
			/* night, day and none */
			assert_int_equal(st.n_groups, 3);
		if (by == WR_STATS_BY_SEVERITY)
			for (size_t i = 0; i < st.n_groups; i++) {
				wr_severity sev;

				assert_int_equal(wr_severity_parse(
				    st.groups[i].key, &sev), 0);
			}
		wr_stats_free(&st);
	}
	/* an empty window: zeros, and no error */
	{
		struct wr_stats st;

		assert_int_equal(store_stats(s, T0 - 10 * DAY, T0 - 9 * DAY,
		    WR_STATS_BY_SERVICE, sched, 2, &st, &cause), 0);
		assert_int_equal(st.incidents, 0);
		assert_int_equal(st.mtta.n, 0);
		assert_int_equal(st.n_groups, 0);
		wr_stats_free(&st);
	}
	store_close(s);
	scratch_rm(dir);
	free(path);
	wr_schedule_free(a);
	wr_schedule_free(b);
	wr_evlist_free(&h.ev);
	wr_room_free(&h.room);
}

static void
report_matches_seed_1(void **state)
{
	(void)state;
	check_seed(1);
}

static void
report_matches_seed_2(void **state)
{
	(void)state;
	check_seed(2);
}

static void
report_matches_seed_3(void **state)
{
	(void)state;
	check_seed(20261202);
}

/* The first acknowledgement counts, not the one that holds now: acked by
 * alice at +60 s, taken back, acked by bob at +600 s: MTTA is 60 s. */
static void
mtta_runs_to_the_first_ack(void **state)
{
	static struct hist h;
	char dir[] = "/tmp/wr-stats-XXXXXX", *path, *cause = NULL;
	struct wr_store *s = NULL;
	struct wr_stats st;
	struct ginc *g = &h.inc[0];
	struct wr_incident *inc;
	struct wr_batch b = { 0 };

	(void)state;
	memset(&h, 0, sizeof h);
	wr_room_init(&h.room, 0);
	g->id = 1;
	g->created = T0 + DAY;
	g->service = "checkout";
	push(&h, g, WR_EV_TRIGGERED, NULL, 0, g->created);
	push(&h, g, WR_EV_ACKNOWLEDGED, "alice", g->created + 60000,
	    g->created + 65000);
	push(&h, g, WR_EV_UNACKNOWLEDGED, "alice", g->created + 120000,
	    g->created + 120000);
	push(&h, g, WR_EV_ACKNOWLEDGED, "bob", g->created + 600000,
	    g->created + 600000);
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/console.db", dir);
	assert_int_equal(store_open(path, WR_STORE_CONSOLE, &s, &cause), 0);
	inc = wr_room_get(&h.room, 1);
	assert_int_equal(inc->ack_at, g->created + 600000);	/* bob's */
	b.events = h.ev.v;
	b.n_events = h.ev.n;
	b.incidents = &inc;
	b.n_incidents = 1;
	assert_int_equal(store_commit_batch(s, &b, &cause), 0);
	assert_int_equal(store_stats(s, T0, T0 + 2 * DAY, WR_STATS_BY_PERSON,
	    NULL, 0, &st, &cause), 0);
	assert_int_equal(st.mtta.n, 1);
	assert_int_equal(st.mtta.mean, 60000);
	assert_int_equal(st.mtta.p50, 60000);
	assert_int_equal(st.mtta.p90, 60000);
	/* --by person: the first to acknowledge */
	assert_int_equal(st.n_groups, 1);
	assert_string_equal(st.groups[0].key, "alice");
	wr_stats_free(&st);
	store_close(s);
	scratch_rm(dir);
	free(path);
	wr_evlist_free(&h.ev);
	wr_room_free(&h.room);
}

/* The text: every line fits the console's view at 80 columns (72 inside
 * its border), the numbers are there. */
static void
lines_fit_and_say(void **state)
{
	struct wr_stats st;
	char **lines;
	size_t n;
	int saw = 0;

	(void)state;
	memset(&st, 0, sizeof st);
	st.since = T0;
	st.until = T0 + 30 * DAY;
	st.by = WR_STATS_BY_SERVICE;
	st.incidents = 12;
	st.mtta = (struct wr_stats_dur){ 10, 252000, 150000, 720000 };
	st.mttr = (struct wr_stats_dur){ 8, 3900000, 3600000, 90000000 };
	st.groups = xcalloc(1, sizeof *st.groups);
	st.groups[0] = (struct wr_stats_group){ xstrdup("checkout"), 12,
	    st.mtta, st.mttr };
	st.n_groups = 1;
	wr_stats_person(&st, "alice")->acks = 7;
	wr_stats_person(&st, "alice")->oncall_ms = 36 * HOUR;
	st.by_hour[3] = 5;
	st.by_hour[14] = 7;
	n = wr_stats_lines(&st, &lines);
	for (size_t i = 0; i < n; i++) {
		if (strlen(lines[i]) > 72)
			fail_msg("%zu columns: %s", strlen(lines[i]), lines[i]);
		if (strstr(lines[i], "time to acknowledge") &&
		    strstr(lines[i], "4m 12s") && strstr(lines[i], "2m 30s") &&
		    strstr(lines[i], "12m 00s"))
			saw |= 1;
		if (strstr(lines[i], "checkout") && strstr(lines[i], "1d 1h"))
			saw |= 2;
		if (strstr(lines[i], "alice") && strstr(lines[i], "36.0h"))
			saw |= 4;
		if (strstr(lines[i], "14:00 (7), 03:00 (5)"))
			saw |= 8;
	}
	assert_int_equal(saw, 15);
	wr_stats_lines_free(lines, n);
	wr_stats_free(&st);
}

/*
 * The group and people columns line up whatever the names hold: the
 * unacknowledged group's label, a name longer than its column, one of
 * accented letters (more bytes than columns), one of wide characters, and
 * one with a control character and a bidi override (shown as tokens):
 * every row of the same numbers is as wide as the others, and none is
 * wider than the view.
 */
static void
lines_align_whatever_the_names(void **state)
{
	static const char *const names[] = { "", "checkout",
	    "a-service-name-far-too-long-for-it", "Überweisungsdienst",
	    "\xe6\x94\xaf\xe4\xbb\x98\xe6\x9c\x8d\xe5\x8a\xa1",
	    "evil\x1b[31m\xe2\x80\xaeright" };
	const size_t nn = sizeof names / sizeof names[0];
	struct wr_stats st;
	char **lines;
	size_t n;
	int group_w = -1, person_w = -1, groups = 0, persons = 0;

	(void)state;
	/* widths as a UTF-8 terminal has them (the program sets its
	 * locale from the environment) */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	memset(&st, 0, sizeof st);
	st.since = T0;
	st.until = T0 + 30 * DAY;
	st.by = WR_STATS_BY_PERSON;
	st.groups = xcalloc(nn, sizeof *st.groups);
	for (size_t i = 0; i < nn; i++) {
		st.groups[i] = (struct wr_stats_group){ xstrdup(names[i]), 3,
		    { 2, 60000, 60000, 60000 }, { 1, 600000, 600000, 600000 } };
		if (names[i][0] != '\0')
			wr_stats_person(&st, names[i])->acks = 2;
	}
	st.n_groups = nn;
	n = wr_stats_lines(&st, &lines);
	for (size_t i = 0; i < n; i++) {
		char *clean = sanitize_text(lines[i], strlen(lines[i]));
		int w = sanitize_width(clean);

		if (w > 72)
			fail_msg("%d columns: %s", w, clean);
		if (strstr(clean, " 3      2   1m 00s") != NULL) {
			if (group_w >= 0 && w != group_w)
				fail_msg("a group row %d wide, another %d: "
				    "'%s'", w, group_w, clean);
			group_w = w;
			groups++;
		} else if (strstr(clean, "     2        0 ") != NULL) {
			if (person_w >= 0 && w != person_w)
				fail_msg("a person row %d wide, another %d: "
				    "'%s'", w, person_w, clean);
			person_w = w;
			persons++;
		}
		if (strstr(clean, "(not acked)") != NULL && w != group_w)
			fail_msg("the unacknowledged row is out of line");
		free(clean);
	}
	assert_int_equal(groups, (int)nn);
	assert_int_equal(persons, (int)nn - 1);
	wr_stats_lines_free(lines, n);
	wr_stats_free(&st);
	setlocale(LC_CTYPE, "C");
}

static void
parse_when_and_by(void **state)
{
	int64_t t;
	char err[256];
	enum wr_stats_by by;

	(void)state;
	assert_int_equal(wr_stats_parse_when("30d", T0, &t, err, sizeof err), 0);
	assert_int_equal(t, T0 - 30 * DAY);
	assert_int_equal(wr_stats_parse_when("2026-03-01T00:00:00Z", 0, &t,
	    err, sizeof err), 0);
	assert_int_equal(t, T0);
	assert_int_equal(wr_stats_parse_when("banana", T0, &t, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "'banana' is neither a duration"));
	assert_int_equal(wr_stats_by_parse("service", &by), 0);
	assert_int_equal(by, WR_STATS_BY_SERVICE);
	assert_int_equal(wr_stats_by_parse("colour", &by), -1);
	assert_int_equal(wr_stats_by_parse("none", &by), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_matches_seed_1),
		cmocka_unit_test(report_matches_seed_2),
		cmocka_unit_test(report_matches_seed_3),
		cmocka_unit_test(mtta_runs_to_the_first_ack),
		cmocka_unit_test(lines_fit_and_say),
		cmocka_unit_test(lines_align_whatever_the_names),
		cmocka_unit_test(parse_when_and_by),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
