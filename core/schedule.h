/*
 * schedule.h: on-call schedules, and who is on call when.
 *
 * A schedule has a time zone (core/zone.h) and layers; a layer rotates
 * through its participants, one turn each (N hours, days or weeks) from its
 * first handoff, optionally only inside windows of local time ("Mon-Fri
 * 09:00-18:00", "daily 20:00-08:00").  A later layer wins where it has
 * someone; an override (person, from, until) wins over every layer, and of
 * overlapping overrides the one made last wins.  Nobody on call is an
 * answer too: a gap.
 *
 * Everything is wall-clock time in the schedule's zone, as GoAlert does it:
 * handoff k is the first handoff's local time plus k turns on the local
 * clock, so a 09:00 handoff stays at 09:00 across DST (that turn is 23 or
 * 25 hours long), and an hourly turn counts hours on the clock.  A local
 * time that does not exist (spring forward) is the first instant after the
 * gap; an ambiguous one (fall back) is its first occurrence.  Windows follow
 * local time the same way.  Before its first handoff a layer has nobody.
 *
 * Pure functions of the definition and an instant (Unix milliseconds); the
 * relay and the console compute the same answers from the same data.
 */
#ifndef WR_SCHEDULE_H
#define WR_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

struct wr_zone;

/* How far from the instant asked about the answers look for a change: an
 * answer that holds longer says "unbounded" (INT64_MIN / INT64_MAX). */
#define WR_SCHEDULE_HORIZON_MS	(366LL * 86400 * 1000)
/* At most this many shifts in one list. */
#define WR_SCHEDULE_MAX_SHIFTS	100000

/* A window of local time, repeated on each day it names. */
struct wr_restrict {
	uint8_t days;		/* bit d: weekday d (0 = Monday .. 6 = Sunday) */
	int32_t start;		/* seconds after local midnight, 0..86399 */
	int32_t end;		/* 1..86400; not after start: the next day
				 * (equal: 24 hours) */
};

/* One shift of a layer of explicit shifts (an imported iCalendar file). */
struct wr_shift {
	char *person;
	int64_t from, until;	/* Unix seconds, from < until */
};

struct wr_layer {
	char *name;
	int64_t turn;		/* local seconds: N hours, days or weeks */
	int64_t start;		/* local seconds of the first handoff */
	int has_turn, has_start;
	char **people;
	size_t n_people;
	struct wr_restrict *restricts;
	size_t n_restricts;
	char *where;		/* "FILE:LINE" of its definition, or NULL */
	/* A layer of explicit shifts (fixed set, "source": "ical") has no
	 * turn, start, people or windows: its shifts, sorted by from and
	 * not overlapping (wr_schedule_set_shifts() makes them so). */
	int fixed;
	struct wr_shift *shifts;
	size_t n_shifts;
};

struct wr_override {
	char *id;
	char *person;
	int64_t from, until;	/* Unix ms, from < until */
};

/* A cover request: who asked someone to take the schedule from until
 * (it changes no answer until someone takes it: core/overrides.h). */
struct wr_cover {
	char *id;
	char *by;
	char *reason;		/* NULL: none given */
	int64_t from, until;	/* Unix ms, from < until */
};

struct wr_schedule {
	char *name;
	struct wr_zone *zone;	/* owned */
	struct wr_layer *layers;	/* in order: a later one wins */
	size_t n_layers;
	struct wr_override *overrides;	/* in the order made */
	size_t n_overrides;
	struct wr_cover *covers;	/* open cover requests, in order */
	size_t n_covers;
};

enum wr_oncall_source {
	WR_ONCALL_NOBODY,	/* a gap */
	WR_ONCALL_LAYER,
	WR_ONCALL_OVERRIDE
};

/* One stretch of one answer. */
struct wr_oncall {
	const char *person;	/* borrowed from the schedule; NULL: a gap */
	enum wr_oncall_source source;
	size_t index;		/* the layer or the override */
	int64_t since;		/* Unix ms; INT64_MIN: before the horizon */
	int64_t until;		/* Unix ms; INT64_MAX: beyond the horizon */
};

/* A schedule named name in zone (kept: freed with the schedule). */
struct wr_schedule *wr_schedule_new(const char *name, struct wr_zone *zone);
void wr_schedule_free(struct wr_schedule *s);
/* A new empty layer at the end (the pointer lasts until the next add). */
struct wr_layer *wr_schedule_add_layer(struct wr_schedule *s,
    const char *name);
void wr_schedule_add_person(struct wr_layer *l, const char *person);
void wr_schedule_add_restrict(struct wr_layer *l, const struct wr_restrict *r);
/*
 * Make l a layer of explicit shifts: v[0..n) (copied; from < until each,
 * others are dropped), replacing any it had.  Where shifts overlap, the one
 * that starts later holds (of two starting together, the later in v), and
 * the earlier one resumes when it ends, if it still runs; each is kept
 * whole otherwise, so adjacent shifts of one person stay two shifts.
 */
void wr_schedule_set_shifts(struct wr_layer *l, const struct wr_shift *v,
    size_t n);
/* An override, made after every one already there. */
void wr_schedule_add_override(struct wr_schedule *s, const char *id,
    const char *person, int64_t from, int64_t until);
/* An open cover request (reason may be NULL), after those there. */
void wr_schedule_add_cover(struct wr_schedule *s, const char *id,
    const char *by, int64_t from, int64_t until, const char *reason);
/* Forget every override and cover request (to put them in again). */
void wr_schedule_clear_overrides(struct wr_schedule *s);
/* 0 when every layer has a turn, a start and someone in it; else -1 and
 * *cause ("layer weekly: no participants"). */
int wr_schedule_check(const struct wr_schedule *s, char **cause);

/*
 * The texts of the config file and the protocol, parsed.  Each returns 0,
 * or -1 with *cause (malloc'd) saying what is wrong with it.
 *   turn:     "12h", "1d", "2w" (1 to 9000 of them)  -> local seconds
 *   start:    "2026-03-02T09:00" or "...T09:00:00"   -> local seconds
 *   restrict: "Mon-Fri 09:00-18:00", "daily 20:00-08:00",
 *             "Sat,Sun 00:00-24:00", "Fri-Mon 18:00-09:00"
 */
int wr_schedule_parse_turn(const char *s, int64_t *turn, char **cause);
int wr_schedule_parse_start(const char *s, int64_t *local, char **cause);
int wr_schedule_parse_restrict(const char *s, struct wr_restrict *r,
    char **cause);

/* Who is on call at t, and from when until when that answer holds. */
void wr_schedule_at(const struct wr_schedule *s, int64_t t,
    struct wr_oncall *out);
/* The answer that follows the one at t (the next handoff is out->since):
 * 0, or -1 when nothing changes within the horizon. */
int wr_schedule_next(const struct wr_schedule *s, int64_t t,
    struct wr_oncall *out);
/* Who takes over next: the first answer after t's in which someone other
 * than t's person is on call, or anyone after a gap (frank's next night
 * after his day off): 0, or -1 when nobody takes over within the horizon
 * from t.  What "next" means on screen and in `warroom oncall`. */
int wr_schedule_next_person(const struct wr_schedule *s, int64_t t,
    struct wr_oncall *out);
/* The first gap that holds at or after t, starting before t + within:
 * 0 and *out, or -1 when there is none. */
int wr_schedule_next_gap(const struct wr_schedule *s, int64_t t,
    int64_t within, struct wr_oncall *out);
/*
 * The final schedule from t1 to t2: the answers in order, gaps included,
 * the first holding at t1 and the last at t2 - 1, each with its whole
 * since and until (not cut at t1 or t2), into *out (malloc'd, the caller
 * frees the array; the names stay the schedule's).  Returns how many.
 */
size_t wr_schedule_shifts(const struct wr_schedule *s, int64_t t1,
    int64_t t2, struct wr_oncall **out);
/* Where an answer comes from, in the words `warroom oncall --json` uses:
 * "override", "ical" (a layer of explicit shifts: an iCalendar file),
 * "layer NAME"; "" for a gap.  Into buf, which it returns. */
const char *wr_oncall_source_text(const struct wr_schedule *s,
    const struct wr_oncall *a, char *buf, size_t size);

#endif
