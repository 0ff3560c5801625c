/*
 * zone.h: a time zone as data, and wall-clock arithmetic in it.
 *
 * core/ does no I/O and never touches the process's TZ, so a zone's rules
 * come in as data: the transitions of a TZif file (store/tzif.c reads them
 * from /usr/share/zoneinfo) and its footer, the POSIX TZ string that gives
 * the rule after the last transition ("CET-1CEST,M3.5.0,M10.5.0/3").
 *
 * "Local seconds" are the wall clock written as if it were UTC: the local
 * time 2026-03-29T03:00 in Berlin is the local second of
 * 2026-03-29T03:00:00Z.  They have no DST in them, so adding 86400 is "the
 * same time tomorrow" and dividing by 86400 gives the local date.
 * Converting local seconds back to an instant follows GoAlert's rule: a
 * local time that does not exist (the spring-forward gap) is the first
 * instant after the gap; an ambiguous one (the fall-back hour) is its first
 * occurrence.  The conversion is monotonic: a later local time is never an
 * earlier instant.
 */
#ifndef WR_ZONE_H
#define WR_ZONE_H

#include <stddef.h>
#include <stdint.h>

struct wr_zone;

/* Offsets beyond this (in seconds, either way) are refused: RFC 8536
 * allows -89999..93599, nothing real is beyond 26 hours. */
#define WR_ZONE_MAX_OFFSET	(26 * 3600)
/* A zone with more transitions than this is refused (the largest real
 * one has a few hundred). */
#define WR_ZONE_MAX_TRANSITIONS	100000

/*
 * A zone named name: n transitions, at[i] (UTC seconds, strictly
 * ascending) after which the offset from UTC is off[i] seconds (east
 * positive); before at[0] (or always, when n is 0) the offset is
 * off_before; after the last one the POSIX TZ string footer rules when it
 * is not NULL or empty.  Everything is copied.  Returns NULL with *cause
 * (malloc'd) when the data is not a zone.
 */
struct wr_zone *wr_zone_new(const char *name, const int64_t *at,
    const int32_t *off, size_t n, int32_t off_before, const char *footer,
    char **cause);
/* A zone with one fixed offset ("UTC", 0). */
struct wr_zone *wr_zone_fixed(const char *name, int32_t off);
void wr_zone_free(struct wr_zone *z);
const char *wr_zone_name(const struct wr_zone *z);

/* The offset from UTC (seconds, east positive) at instant utc_s. */
int32_t wr_zone_offset(const struct wr_zone *z, int64_t utc_s);
/* The local seconds of instant utc_s. */
int64_t wr_zone_local(const struct wr_zone *z, int64_t utc_s);
/* The instant of local seconds local_s (gap: the first instant after it;
 * ambiguous: the first occurrence). */
int64_t wr_zone_utc(const struct wr_zone *z, int64_t local_s);
/* The first instant after utc_s at which the offset changes: 0 and *at,
 * or -1 when it never changes again. */
int wr_zone_next_change(const struct wr_zone *z, int64_t utc_s, int64_t *at);

/*
 * Parse a POSIX TZ string (the footer of a TZif file, RFC 8536 section
 * 3.3) alone: 0, or -1 with *cause.  wr_zone_new() calls it; exported for
 * the tests.
 */
int wr_zone_check_rule(const char *tz, char **cause);

/* Civil dates: days since 1970-01-01 of y-m-d (proleptic Gregorian), and
 * back; weekday of a day number, 0 = Monday .. 6 = Sunday. */
int64_t wr_days_from_civil(int64_t y, int m, int d);
void wr_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int wr_weekday(int64_t days);
/* floor(a / b) for b > 0. */
int64_t wr_floordiv(int64_t a, int64_t b);

#endif
