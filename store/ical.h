/*
 * ical.h: an on-call schedule from an iCalendar file (RFC 5545), as
 * PagerDuty, Opsgenie and Grafana OnCall export them, read with libical.
 *
 * Each VEVENT is a shift; its person is the SUMMARY, or with
 * STORE_ICAL_ATTENDEE its first ATTENDEE: the local part of its mailto:
 * address ("alice" of mailto:alice@example.com), or its CN when the
 * address is not mailto:.  RRULE, RDATE and EXDATE are expanded, a
 * RECURRENCE-ID event replaces the instance it names, STATUS:CANCELLED is
 * skipped; times with a TZID are read in the file's VTIMEZONE (or the
 * system's zone of that name), times and dates without one (floating) in
 * the schedule's zone.  The shifts between t1 and t2 become a layer of
 * explicit shifts (core/schedule.h, wr_schedule_set_shifts()): the model
 * stays pure, only this file knows iCalendar.  The file is hostile: a file
 * libical reports errors in, an event without a start or a person, a
 * person that is not one line of UTF-8, an unknown TZID, or more than
 * STORE_ICAL_MAX_SHIFTS shifts is refused with the reason.
 */
#ifndef WR_STORE_ICAL_H
#define WR_STORE_ICAL_H

#include <stddef.h>
#include <stdint.h>

struct wr_layer;
struct wr_zone;

#define STORE_ICAL_MAX_SIZE	(16 * 1024 * 1024)	/* bytes of a file */
#define STORE_ICAL_MAX_SHIFTS	50000	/* shifts within the horizon */
#define STORE_ICAL_MAX_STEPS	200000	/* steps of one RRULE */
#define STORE_ICAL_MAX_PERSON	128	/* bytes of a person's name */
/* How far from now warroomd expands a file: a year back, two ahead. */
#define STORE_ICAL_BACK_MS	(366LL * 86400 * 1000)
#define STORE_ICAL_AHEAD_MS	(2 * 366LL * 86400 * 1000)

enum store_ical_person {
	STORE_ICAL_SUMMARY,
	STORE_ICAL_ATTENDEE
};

/*
 * The shifts of text[0..len) that hold between t1 and t2 (Unix ms) into
 * layer l (made a layer of explicit shifts), floating times in zone z: 0,
 * or -1 with *cause (malloc'd; it does not name the file).
 */
int store_ical_parse(const char *text, size_t len, enum store_ical_person who,
    const struct wr_zone *z, int64_t t1, int64_t t2, struct wr_layer *l,
    char **cause);
/* The same from the file at path: *cause begins with the path. */
int store_ical_load(const char *path, enum store_ical_person who,
    const struct wr_zone *z, int64_t t1, int64_t t2, struct wr_layer *l,
    char **cause);

#endif
