/*
 * ics.c: the final schedule as iCalendar (ics.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics.h"
#include "jbuf.h"
#include "schedule.h"
#include "util.h"
#include "zone.h"

void
wr_ics_escape(struct jbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == ';' || c == ',') {
			jbuf_char(b, '\\');
			jbuf_char(b, (char)c);
		} else if (c == '\n') {
			jbuf_raw(b, "\\n", 2);
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			continue;
		} else {
			jbuf_char(b, (char)c);
		}
	}
}

void
wr_ics_line(struct jbuf *b, const char *line, size_t n)
{
	size_t room = WR_ICS_FOLD;

	while (n > room) {
		size_t k = room;

		/* Back off to the start of a UTF-8 sequence (a sequence is
		 * at most 4 octets: never more than 3 back). */
		while (k > room - 3 && ((unsigned char)line[k] & 0xc0) == 0x80)
			k--;
		jbuf_raw(b, line, k);
		jbuf_raw(b, "\r\n ", 3);
		line += k;
		n -= k;
		room = WR_ICS_FOLD - 1;
	}
	jbuf_raw(b, line, n);
	jbuf_raw(b, "\r\n", 2);
}

void
wr_ics_uid(const char *schedule, const char *person, int64_t from_ms,
    int64_t until_ms, char *buf, size_t bufsz)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char tail[48];
	const char *parts[3];

	snprintf(tail, sizeof tail, "%lld/%lld", (long long)from_ms,
	    (long long)until_ms);
	parts[0] = schedule;
	parts[1] = person;
	parts[2] = tail;
	for (int i = 0; i < 3; i++) {
		/* The NUL too, so "ab"+"c" and "a"+"bc" differ. */
		for (const char *p = parts[i];; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ULL;
			if (*p == '\0')
				break;
		}
	}
	snprintf(buf, bufsz, "%016llx@warroom", (unsigned long long)h);
}

static void
put_time(struct jbuf *b, const char *name, int64_t ms)
{
	int64_t s = wr_floordiv(ms, 1000), days = wr_floordiv(s, 86400), y;
	int64_t sec = s - days * 86400;
	int m, d;
	char line[64];

	wr_civil_from_days(days, &y, &m, &d);
	snprintf(line, sizeof line, "%s:%04lld%02d%02dT%02d%02d%02dZ", name,
	    (long long)y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
	    (int)(sec % 60));
	wr_ics_line(b, line, strlen(line));
}

/* A property whose value is text: NAME:escaped, folded. */
static void
put_text(struct jbuf *b, struct jbuf *tmp, const char *name, const char *v)
{
	jbuf_reset(tmp);
	jbuf_raw(tmp, name, strlen(name));
	jbuf_char(tmp, ':');
	wr_ics_escape(tmp, v);
	wr_ics_line(b, jbuf_cstr(tmp), tmp->len);
}

static void
put_raw(struct jbuf *b, const char *line)
{
	wr_ics_line(b, line, strlen(line));
}

char *
wr_ics_calendar(const struct wr_schedule *s, int64_t t1, int64_t t2,
    int64_t now, size_t *len)
{
	struct jbuf b, tmp;
	struct wr_oncall *v;
	size_t n = wr_schedule_shifts(s, t1, t2, &v);
	char *what;

	jbuf_init(&b, 256 + n * 320);
	jbuf_init(&tmp, 128);
	put_raw(&b, "BEGIN:VCALENDAR");
	put_raw(&b, "VERSION:2.0");
	put_raw(&b, "PRODID:-//warroom//warroom " WR_VERSION "//EN");
	put_raw(&b, "CALSCALE:GREGORIAN");
	put_raw(&b, "METHOD:PUBLISH");
	what = xasprintf("%s on call", s->name);
	put_text(&b, &tmp, "X-WR-CALNAME", what);
	free(what);
	if (s->zone != NULL)
		put_text(&b, &tmp, "X-WR-TIMEZONE", wr_zone_name(s->zone));
	for (size_t i = 0; i < n; i++) {
		const struct wr_oncall *o = &v[i];
		int64_t from = o->since == INT64_MIN ? t1 : o->since;
		int64_t until = o->until == INT64_MAX ? t2 : o->until;
		char uid[48];

		if (o->person == NULL || from >= until)
			continue;
		put_raw(&b, "BEGIN:VEVENT");
		wr_ics_uid(s->name, o->person, from, until, uid, sizeof uid);
		put_text(&b, &tmp, "UID", uid);
		put_time(&b, "DTSTAMP", now);
		put_time(&b, "DTSTART", from);
		put_time(&b, "DTEND", until);
		put_text(&b, &tmp, "SUMMARY", o->person);
		what = o->source == WR_ONCALL_OVERRIDE ?
		    xasprintf("%s on call for %s (override)", o->person,
		    s->name) :
		    xasprintf("%s on call for %s (%s %s)", o->person, s->name,
		    s->layers[o->index].fixed ? "ical" : "layer",
		    s->layers[o->index].name);
		put_text(&b, &tmp, "DESCRIPTION", what);
		free(what);
		put_raw(&b, "TRANSP:TRANSPARENT");
		put_raw(&b, "END:VEVENT");
	}
	put_raw(&b, "END:VCALENDAR");
	free(v);
	jbuf_free(&tmp);
	return jbuf_take(&b, len);
}
