/*
 * bench_schedule.c: what the on-call answers cost (core/schedule.c over
 * Europe/Berlin from the system's zoneinfo): one "who is on call" answer
 * for a schedule of two layers (weekly, and daily office hours on top)
 * and twenty overrides; the final schedule of that schedule over a year;
 * and the slowest case there is, an answer that does not change for the
 * whole horizon while an hourly layer hands over (alice to alice) every
 * hour.  Prints `name value [target]` lines for scripts/bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/schedule.h"
#include "core/zone.h"
#include "store/tzif.h"

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct wr_layer *
layer(struct wr_schedule *s, const char *name, const char *turn,
    const char *start)
{
	struct wr_layer *l = wr_schedule_add_layer(s, name);
	char *cause = NULL;

	if (wr_schedule_parse_turn(turn, &l->turn, &cause) != 0 ||
	    wr_schedule_parse_start(start, &l->start, &cause) != 0) {
		fprintf(stderr, "bench_schedule: %s\n", cause);
		exit(1);
	}
	l->has_turn = l->has_start = 1;
	return l;
}

int
main(void)
{
	const int64_t base = 1775000000000LL;	/* 2026-03-31T23:33:20Z */
	struct wr_schedule *s, *w;
	struct wr_zone *z;
	struct wr_layer *l;
	struct wr_restrict r;
	struct wr_oncall a, *sh;
	char *cause = NULL;
	double t0, t1, t2;
	size_t n;

	if (store_tzif_load(NULL, "Europe/Berlin", &z, &cause) != 0) {
		fprintf(stderr, "bench_schedule: %s\n", cause);
		return 1;
	}
	s = wr_schedule_new("primary", z);
	l = layer(s, "weekly", "1w", "2026-03-02T09:00");
	wr_schedule_add_person(l, "alice");
	wr_schedule_add_person(l, "bob");
	l = layer(s, "office", "1d", "2026-03-02T09:00");
	wr_schedule_add_person(l, "carol");
	wr_schedule_add_person(l, "dave");
	if (wr_schedule_parse_restrict("Mon-Fri 09:00-18:00", &r, &cause) != 0)
		return 1;
	wr_schedule_add_restrict(l, &r);
	for (int i = 0; i < 20; i++)
		wr_schedule_add_override(s, "o", "erin", base + i * 108000000LL,
		    base + i * 108000000LL + 7200000);

	t0 = now_s();
	for (int i = 0; i < 1000; i++)
		wr_schedule_at(s, base + (int64_t)i * 25200000, &a);
	t1 = now_s();
	n = wr_schedule_shifts(s, base, base + 366LL * 86400000, &sh);
	t2 = now_s();
	free(sh);
	printf("schedule_answer_us %.1f\n", (t1 - t0) * 1e3);
	printf("schedule_year_of_shifts_ms %.1f\n", (t2 - t1) * 1e3);
	printf("schedule_year_shifts %zu\n", n);

	if (store_tzif_load(NULL, "Europe/Berlin", &z, &cause) != 0)
		return 1;
	w = wr_schedule_new("worst", z);
	l = layer(w, "hourly", "1h", "2026-01-01T00:00");
	wr_schedule_add_person(l, "alice");
	wr_schedule_add_person(l, "alice");
	t0 = now_s();
	wr_schedule_at(w, base, &a);
	t1 = now_s();
	printf("schedule_worst_answer_ms %.1f\n", (t1 - t0) * 1e3);
	wr_schedule_free(s);
	wr_schedule_free(w);
	return 0;
}
