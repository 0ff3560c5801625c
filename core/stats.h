/*
 * stats.h: the numbers a team reviews (`warroom stats`, the console's
 * :stats view), as data, and what of them is pure arithmetic.
 *
 * store/stats.c fills a struct wr_stats from the console's store in SQL:
 * the incidents triggered in a window [since, until), the time to
 * acknowledge (from the trigger to the first acknowledgement's made_at)
 * and to resolve (mean, p50, p90, nearest rank), overall and by a key,
 * the acknowledgements, resolutions, escalations and notifications of
 * each person, their interruptions, and incidents by hour of the day.
 * This file adds what needs the schedules: whether an interruption fell
 * out of hours (22:00-08:00 on the wall clock of the person's schedule),
 * and the on-call hours of each person in the window (core/schedule.h).
 * And it writes the report as lines of text, the same for the command
 * and the console.  No I/O.
 */
#ifndef WR_STATS_H
#define WR_STATS_H

#include <stddef.h>
#include <stdint.h>

struct wr_schedule;
struct wr_zone;

/* What the incidents are grouped by (--by). */
enum wr_stats_by {
	WR_STATS_BY_NONE = 0,
	WR_STATS_BY_SERVICE,
	WR_STATS_BY_SEVERITY,
	WR_STATS_BY_PERSON,	/* who acknowledged it first */
	WR_STATS_BY_POLICY,	/* the escalation policy that paged for it */
	WR_STATS_BY_COUNT
};

/*
 * The event kinds (core/model.h) counted as escalating an incident to a
 * person and as notifying a person, each a list of "WR_EV_NAME," entries;
 * the person is the event's "person" member (else its "text", else its
 * actor), and an escalation's "policy" member is what --by policy groups
 * by.  A notification is counted once, at its first attempt (count 1):
 * its retries are events too.  Escalations: the policy's first step
 * (policy_assigned) and every later one (escalated).
 */
#define WR_STATS_ESCALATION_KINDS	WR_EV_POLICY_ASSIGNED, WR_EV_ESCALATED,
#define WR_STATS_NOTIFY_KINDS	WR_EV_NOTIFIED,

/* Out of hours: from 22:00 to 08:00 on the local wall clock. */
#define WR_STATS_NIGHT_FROM	(22 * 3600)
#define WR_STATS_NIGHT_UNTIL	(8 * 3600)

/* A distribution of durations (ms): how many, their mean (rounded to the
 * ms), and the 50th and 90th percentiles (nearest rank).  n 0: none. */
struct wr_stats_dur {
	int64_t n;
	int64_t mean;
	int64_t p50;
	int64_t p90;
};

struct wr_stats_group {
	char *key;		/* "" when the incident has none */
	int64_t incidents;
	struct wr_stats_dur mtta, mttr;
};

struct wr_stats_person {
	char *name;
	int64_t acks;		/* acknowledgements made */
	int64_t resolves;	/* resolutions made */
	int64_t escalations;	/* escalated to them */
	int64_t notifications;	/* notifications sent to them */
	int64_t night;		/* incidents that interrupted them out of hours */
	int64_t oncall_ms;	/* on call in the window, from the schedules */
};

struct wr_stats {
	int64_t since, until;	/* Unix ms, [since, until) */
	enum wr_stats_by by;
	int64_t incidents;
	struct wr_stats_dur mtta, mttr;
	struct wr_stats_group *groups;	/* by the key, largest first */
	size_t n_groups;
	struct wr_stats_person *people;	/* by name */
	size_t n_people;
	int64_t by_hour[24];	/* incidents triggered in each UTC hour */
};

/*
 * --since and --until: a duration back from now ("30d", "12h", "90m")
 * or an RFC 3339 time; *out in Unix ms.  0, or -1 with a sentence in err
 * quoting what was given.
 */
int wr_stats_parse_when(const char *s, int64_t now, int64_t *out, char *err,
    size_t errsz);
/* The window when nothing is said: the last 30 days. */
#define WR_STATS_DEFAULT_SINCE	"30d"

/* "service", "severity", "person", "policy" -> by; 0, or -1. */
int wr_stats_by_parse(const char *s, enum wr_stats_by *by);
const char *wr_stats_by_name(enum wr_stats_by by);

/* The row of person name (added, zeroed, when it is new). */
struct wr_stats_person *wr_stats_person(struct wr_stats *st,
    const char *name);
/* Sort people by name and groups by incidents (then key). */
void wr_stats_sort(struct wr_stats *st);
void wr_stats_free(struct wr_stats *st);

/* Whether instant t (Unix ms) is out of hours on zone z's wall clock. */
int wr_stats_night(const struct wr_zone *z, int64_t t);
/*
 * The zone in which person's interruption at t is judged: that of the
 * first schedule of v[0..n) with person on call at t, else of the first
 * one that names them (a layer, a shift or an override), else NULL (they
 * are on no schedule: UTC).
 */
const struct wr_zone *wr_stats_zone_for(const struct wr_schedule *const *v,
    size_t n, const char *person, int64_t t);
/* Add each person's time on call in [st->since, st->until) on s. */
void wr_stats_add_oncall(struct wr_stats *st, const struct wr_schedule *s);

/*
 * The report as lines of at most 72 columns (a key longer than 14 or a
 * name longer than 18 columns is put whole): *lines malloc'd, each line
 * malloc'd; free with wr_stats_lines_free().  Strings from the store are put as they are:
 * the caller sanitises what it draws or prints.
 */
size_t wr_stats_lines(const struct wr_stats *st, char ***lines);
void wr_stats_lines_free(char **lines, size_t n);
/* A duration for people: "45s", "4m 12s", "2h 05m", "3d 4h". */
void wr_stats_fmt_dur(int64_t ms, char *buf, size_t size);

#endif
