/*
 * timefmt.h: times as Unix milliseconds, and their ISO 8601 / RFC 3339 forms.
 * Everything written for machines is UTC ISO 8601 with milliseconds.
 */
#ifndef WR_TIMEFMT_H
#define WR_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock, Unix milliseconds. */
int64_t wr_now_ms(void);
/* Monotonic clock, milliseconds. */
int64_t wr_mono_ms(void);
/* The latest time accepted from the network: 9999-12-31T23:59:59.999Z.
 * Every accepted time formats back as a four-digit year, so whatever the
 * relay stores, every console can decode. */
#define WR_TIME_MAX_MS	253402300799999LL
/* The earliest time that formats and parses back as itself:
 * 0002-01-01T00:00:00.000Z (years 0000 and 0001 parse as Go's zero
 * time, 0). */
#define WR_TIME_MIN_MS	(-62104060800000LL)
/* 1 when ms formats as a time that parses back to ms (0 included), else 0:
 * what may go into an event. */
int wr_time_ok(int64_t ms);

/*
 * Parse "2026-11-27T15:57:08.771363687Z" or "...+01:00".  Alertmanager's
 * "0001-01-01T00:00:00Z" (no end) parses to 0.  Returns 0; -1 for text
 * that is not such a time; -2 for a time whose UTC instant, after its
 * offset is applied, falls outside the years 0000-9999
 * ("9999-12-31T23:59:59-23:59" is in the year 10000 UTC).
 */
int wr_time_parse(const char *s, int64_t *ms);
#define WR_TIME_OUT_OF_RANGE	(-2)
/* "2026-11-27T15:57:08.771Z" into buf (at least 32 bytes). */
void wr_time_format(int64_t ms, char *buf, size_t size);

#endif
