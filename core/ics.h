/*
 * ics.h: the final schedule written as iCalendar (RFC 5545), for calendar
 * subscriptions (the relay's GET /oncall/NAME.ics) and `warroom oncall
 * --ics`: one writer, so both give the same bytes for the same schedule.
 *
 * One VEVENT per shift (gaps are not events), times in UTC, TRANSP:
 * TRANSPARENT (being on call is not being busy), SUMMARY the person, a UID
 * that is the same in every export for the same shift (a hash of the
 * schedule's name, the person, the start and the end), text escaped
 * (backslash, ';', ',' and newline) and every line folded at 75 octets
 * without splitting a UTF-8 sequence, lines ending in CRLF.
 *
 * Pure: no I/O.  Reading iCalendar is store/ical.c's (libical).
 */
#ifndef WR_ICS_H
#define WR_ICS_H

#include <stddef.h>
#include <stdint.h>

struct jbuf;
struct wr_schedule;

/* The window a calendar covers by default (the relay's GET
 * /oncall/NAME.ics, `warroom oncall --ics`): a week back, WR_ICS_WEEKS
 * ahead. */
#define WR_ICS_BACK_MS		(7LL * 86400 * 1000)
#define WR_ICS_WEEKS		12
#define WR_ICS_WEEK_MS		(7LL * 86400 * 1000)

/* A content line's longest run of octets before it is folded. */
#define WR_ICS_FOLD	75

/* Append s as an iCalendar TEXT value: '\\', ';' and ',' get a backslash,
 * a newline is "\n", a CR and other control bytes but tab are dropped. */
void wr_ics_escape(struct jbuf *b, const char *s);
/* Append the content line line[0..n) folded (CRLF and a space after each
 * 75 octets, 74 on the continuation lines, never inside a UTF-8
 * sequence) and ended with CRLF. */
void wr_ics_line(struct jbuf *b, const char *line, size_t n);
/* The UID of a shift: 16 hex digits of a 64-bit FNV-1a hash, then
 * "@warroom", into buf (at least 32 bytes). */
void wr_ics_uid(const char *schedule, const char *person, int64_t from_ms,
    int64_t until_ms, char *buf, size_t bufsz);
/*
 * The calendar of s's shifts that hold between t1 and t2 (Unix ms), each
 * whole (a shift running at t1 keeps its start, so its UID stays), stamped
 * now (DTSTAMP).  Returns the text (malloc'd) and its length in *len.
 */
char *wr_ics_calendar(const struct wr_schedule *s, int64_t t1, int64_t t2,
    int64_t now, size_t *len);

#endif
