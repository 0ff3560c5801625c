/*
 * store/ical.c: on-call shifts from iCalendar, with libical (ical.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "core/jbuf.h"
#include "core/schedule.h"
#include "core/util.h"
#include "core/zone.h"
#include "store/file.h"
#include "store/ical.h"

struct expand {
	const struct wr_zone *z;
	int64_t t1, t2;			/* Unix seconds */
	struct wr_shift *v;
	size_t n, cap;
	/* RECURRENCE-ID events: the instances of their UID they replace */
	struct { char *uid; int64_t at; } *moved;
	size_t n_moved;
};

/* Unix seconds of t: UTC, or in its zone, or (floating, or a date) local
 * time in the schedule's zone. */
static int64_t
unix_of(const struct expand *e, struct icaltimetype t)
{
	if (!t.is_date) {
		if (icaltime_is_utc(t))
			return (int64_t)icaltime_as_timet_with_zone(t,
			    icaltimezone_get_utc_timezone());
		if (t.zone != NULL)
			return (int64_t)icaltime_as_timet_with_zone(t, t.zone);
	}
	return wr_zone_utc(e->z, wr_days_from_civil(t.year, t.month, t.day) *
	    86400 + (t.is_date ? 0 : t.hour * 3600 + t.minute * 60 +
	    t.second));
}

/* A time property's value, its TZID resolved (NULL time: none or bad). */
static int
prop_time(icalcomponent *c, icalproperty *p, struct icaltimetype *out,
    char **why)
{
	const char *tzid = icalproperty_get_parameter_as_string(p, "TZID");

	*out = icalproperty_get_datetime_with_component(p, c);
	if (icaltime_is_null_time(*out)) {
		*why = xasprintf("%s is not a date or a time",
		    icalproperty_get_property_name(p));
		return -1;
	}
	if (tzid != NULL && out->zone == NULL && !icaltime_is_utc(*out)) {
		*why = xasprintf("%s: unknown TZID \"%.64s\" (no VTIMEZONE of "
		    "that name, nor a system zone)",
		    icalproperty_get_property_name(p), tzid);
		return -1;
	}
	if (out->year < 1900 || out->year > 9999) {
		*why = xasprintf("%s: the year %d is out of range",
		    icalproperty_get_property_name(p), out->year);
		return -1;
	}
	return 0;
}

/* The person of event c (malloc'd), or NULL with *why. */
static char *
person_of(icalcomponent *c, enum store_ical_person who, char **why)
{
	const char *v = NULL, *at;
	size_t n;
	char *out;

	if (who == STORE_ICAL_SUMMARY) {
		v = icalcomponent_get_summary(c);
		if (v == NULL) {
			*why = xstrdup("no SUMMARY (the person)");
			return NULL;
		}
		n = strlen(v);
	} else {
		icalproperty *p = icalcomponent_get_first_property(c,
		    ICAL_ATTENDEE_PROPERTY);

		if (p == NULL) {
			*why = xstrdup("no ATTENDEE (ical-person = attendee)");
			return NULL;
		}
		v = icalproperty_get_attendee(p);
		if (v != NULL && strncasecmp(v, "mailto:", 7) == 0) {
			v += 7;
			at = strchr(v, '@');
			n = at != NULL ? (size_t)(at - v) : strlen(v);
		} else {
			v = icalproperty_get_parameter_as_string(p, "CN");
			if (v == NULL) {
				*why = xstrdup("ATTENDEE has neither a mailto: "
				    "address nor a CN");
				return NULL;
			}
			n = strlen(v);
		}
	}
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0) {
		*why = xstrdup("the person's name is empty");
		return NULL;
	}
	if (n > STORE_ICAL_MAX_PERSON) {
		*why = xasprintf("the person's name is longer than %d bytes",
		    STORE_ICAL_MAX_PERSON);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			*why = xstrdup("the person's name has a control "
			    "character");
			return NULL;
		}
	if (!jbuf_utf8_valid(v, n)) {
		*why = xstrdup("the person's name is not UTF-8");
		return NULL;
	}
	out = xmalloc(n + 1);
	memcpy(out, v, n);
	out[n] = '\0';
	return out;
}

static int
add_shift(struct expand *e, const char *person, int64_t from, int64_t until,
    char **why)
{
	if (until <= from || until <= e->t1 || from >= e->t2)
		return 0;
	if (e->n == STORE_ICAL_MAX_SHIFTS) {
		*why = xasprintf("more than %d shifts within the horizon",
		    STORE_ICAL_MAX_SHIFTS);
		return -1;
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n].person = (char *)person;	/* borrowed until the end */
	e->v[e->n].from = from;
	e->v[e->n].until = until;
	e->n++;
	return 0;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

struct starts {
	int64_t *v;
	size_t n, cap;
};

static int
start_add(struct starts *s, int64_t at, char **why)
{
	if (s->n >= STORE_ICAL_MAX_STEPS) {
		*why = xasprintf("it recurs more than %d times",
		    STORE_ICAL_MAX_STEPS);
		return -1;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = at;
	return 0;
}

/* The instants of the instances of c (DTSTART, RRULE, RDATE) before
 * e->t2, EXDATE and the instances moved by RECURRENCE-ID left out. */
static int
instances(struct expand *e, icalcomponent *c, struct icaltimetype start,
    int64_t dur, struct starts *out, char **why)
{
	int64_t s0 = unix_of(e, start);
	const char *uid = icalcomponent_get_uid(c);
	struct starts ex = { 0 };
	icalproperty *p;
	int rc = -1;

	if (start_add(out, s0, why) != 0)
		return -1;
	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);
		icalrecur_iterator *it;
		struct icaltimetype t;
		size_t steps = 0;

		if (r.freq == ICAL_NO_RECURRENCE) {
			*why = xstrdup("RRULE has no FREQ it can be read by");
			goto out;
		}
		if ((it = icalrecur_iterator_new(r, start)) == NULL) {
			*why = xstrdup("RRULE cannot be expanded");
			goto out;
		}
		/* Skip to the horizon (not with COUNT: the count is from
		 * DTSTART). */
		if (r.count == 0 && e->t1 - dur - 86400 > s0) {
			struct icaltimetype from = icaltime_from_timet_with_zone(
			    (time_t)(e->t1 - dur - 86400), start.is_date,
			    start.zone != NULL ? (icaltimezone *)start.zone :
			    icaltimezone_get_utc_timezone());

			if (start.zone == NULL && !start.is_date)
				from.zone = NULL;
			icalrecur_iterator_set_start(it, from);
		}
		while (!icaltime_is_null_time(t = icalrecur_iterator_next(it))) {
			int64_t at = unix_of(e, t);

			if (at >= e->t2)
				break;
			if (++steps > STORE_ICAL_MAX_STEPS ||
			    start_add(out, at, why) != 0) {
				if (*why == NULL)
					*why = xasprintf("RRULE takes more than "
					    "%d steps", STORE_ICAL_MAX_STEPS);
				icalrecur_iterator_free(it);
				goto out;
			}
		}
		icalrecur_iterator_free(it);
	}
	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype rd = icalproperty_get_rdate(p);
		struct icaltimetype t;

		if (!icaltime_is_null_time(rd.period.start)) {
			*why = xstrdup("RDATE as a PERIOD is not supported "
			    "(give DTSTART and DTEND per shift)");
			goto out;
		}
		if (prop_time(c, p, &t, why) != 0 ||
		    start_add(out, unix_of(e, t), why) != 0)
			goto out;
	}
	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t;

		if (prop_time(c, p, &t, why) != 0 ||
		    start_add(&ex, unix_of(e, t), why) != 0)
			goto out;
	}
	if (uid != NULL)
		for (size_t i = 0; i < e->n_moved; i++)
			if (strcmp(e->moved[i].uid, uid) == 0 &&
			    start_add(&ex, e->moved[i].at, why) != 0)
				goto out;
	qsort(out->v, out->n, sizeof *out->v, i64_cmp);
	if (ex.n > 0)	/* qsort of NULL, even of nothing, is undefined */
		qsort(ex.v, ex.n, sizeof *ex.v, i64_cmp);
	{
		size_t k = 0, j = 0;

		for (size_t i = 0; i < out->n; i++) {
			if (k > 0 && out->v[k - 1] == out->v[i])
				continue;	/* an RDATE on a rule's day */
			while (j < ex.n && ex.v[j] < out->v[i])
				j++;
			if (j < ex.n && ex.v[j] == out->v[i])
				continue;
			out->v[k++] = out->v[i];
		}
		out->n = k;
	}
	rc = 0;
out:
	free(ex.v);
	return rc;
}

static char *
event_name(icalcomponent *c, size_t nth)
{
	const char *uid = icalcomponent_get_uid(c);

	if (uid != NULL && jbuf_utf8_valid(uid, strlen(uid)) &&
	    strlen(uid) <= 80 && strpbrk(uid, "\r\n") == NULL)
		return xasprintf("VEVENT %zu (UID %s)", nth, uid);
	return xasprintf("VEVENT %zu", nth);
}

static int
event(struct expand *e, icalcomponent *c, enum store_ical_person who,
    char **people_out, char **why)
{
	icalproperty *ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY);
	icalproperty *pe = icalcomponent_get_first_property(c,
	    ICAL_DTEND_PROPERTY);
	icalproperty *pd = icalcomponent_get_first_property(c,
	    ICAL_DURATION_PROPERTY);
	struct icaltimetype start, end;
	struct starts at = { 0 };
	int64_t dur, days = 0;
	char *person;
	int rc = -1;

	*people_out = NULL;
	if (icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED)
		return 0;
	if (ps == NULL) {
		*why = xstrdup("no DTSTART");
		return -1;
	}
	if (prop_time(c, ps, &start, why) != 0)
		return -1;
	if (pe != NULL) {
		if (prop_time(c, pe, &end, why) != 0)
			return -1;
		if (start.is_date != end.is_date) {
			*why = xstrdup("DTSTART and DTEND are not both dates "
			    "or both times");
			return -1;
		}
		if (start.is_date)
			days = wr_days_from_civil(end.year, end.month, end.day) -
			    wr_days_from_civil(start.year, start.month,
			    start.day);
		dur = unix_of(e, end) - unix_of(e, start);
	} else if (pd != NULL) {
		struct icaldurationtype d = icalproperty_get_duration(pd);

		if (icaldurationtype_is_bad_duration(d) || d.is_neg) {
			*why = xstrdup("DURATION is not a positive duration");
			return -1;
		}
		dur = icaldurationtype_as_int(d);
		if (start.is_date) {
			days = d.weeks * 7 + d.days;
			dur = days * 86400;
		}
	} else {
		days = start.is_date ? 1 : 0;
		dur = days * 86400;
	}
	if (dur <= 0 && days <= 0)
		return 0;	/* no time on call: not a shift */
	if (dur > 400LL * 86400) {
		*why = xstrdup("a shift longer than 400 days");
		return -1;
	}
	if ((person = person_of(c, who, why)) == NULL)
		return -1;
	if (instances(e, c, start, dur, &at, why) != 0)
		goto out;
	for (size_t i = 0; i < at.n; i++) {
		int64_t until = at.v[i] + dur;

		/* A shift of whole days ends at local midnight in the
		 * schedule's zone, whatever DST does in between. */
		if (start.is_date)
			until = wr_zone_utc(e->z, (wr_floordiv(
			    wr_zone_local(e->z, at.v[i]), 86400) + days) *
			    86400);
		if (add_shift(e, person, at.v[i], until, why) != 0)
			goto out;
	}
	rc = 0;
out:
	free(at.v);
	if (rc == 0)
		*people_out = person;
	else
		free(person);
	return rc;
}

/* The first error libical found in c or below, or NULL. */
static icalproperty *
first_error(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c,
	    ICAL_XLICERROR_PROPERTY);
	icalcomponent *k;

	if (p != NULL)
		return p;
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	    k != NULL;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		if ((p = first_error(k)) != NULL)
			return p;
	return NULL;
}

static int
calendar(struct expand *e, icalcomponent *cal, enum store_ical_person who,
    char ***people, size_t *n_people, char **cause)
{
	icalcomponent *c;
	size_t nth = 0;
	char *why = NULL;

	/* First the moved instances, so the masters leave them out. */
	for (c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    c != NULL;
	    c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		icalproperty *p = icalcomponent_get_first_property(c,
		    ICAL_RECURRENCEID_PROPERTY);
		const char *uid = icalcomponent_get_uid(c);
		struct icaltimetype t;

		if (p == NULL || uid == NULL)
			continue;
		if (prop_time(c, p, &t, &why) != 0) {
			free(why);
			why = NULL;
			continue;	/* said when the event is read */
		}
		e->moved = xrealloc(e->moved, (e->n_moved + 1) *
		    sizeof *e->moved);
		e->moved[e->n_moved].uid = xstrdup(uid);
		e->moved[e->n_moved++].at = unix_of(e, t);
	}
	for (c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    c != NULL;
	    c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		char *person = NULL, *name;
		icalproperty *rid = icalcomponent_get_first_property(c,
		    ICAL_RECURRENCEID_PROPERTY);
		struct icaltimetype t;
		int rc;

		nth++;
		if (rid != NULL && prop_time(c, rid, &t, &why) != 0)
			rc = -1;
		else
			rc = event(e, c, who, &person, &why);
		if (rc != 0) {
			name = event_name(c, nth);
			*cause = xasprintf("%s: %s", name, why);
			free(name);
			free(why);
			return -1;
		}
		if (person != NULL) {
			*people = xrealloc(*people, (*n_people + 1) *
			    sizeof **people);
			(*people)[(*n_people)++] = person;
		}
	}
	return 0;
}

int
store_ical_parse(const char *text, size_t len, enum store_ical_person who,
    const struct wr_zone *z, int64_t t1, int64_t t2, struct wr_layer *l,
    char **cause)
{
	struct expand e = { 0 };
	icalcomponent *root = NULL, *c;
	icalproperty *err;
	char *buf = NULL, **people = NULL;
	size_t n_people = 0, n_cal = 0;
	int rc = -1;

	*cause = NULL;
	e.z = z;
	e.t1 = wr_floordiv(t1, 1000);
	e.t2 = wr_floordiv(t2, 1000);
	if (memchr(text, '\0', len) != NULL) {
		*cause = xstrdup("not iCalendar text (a NUL byte)");
		return -1;
	}
	buf = xmalloc(len + 1);
	memcpy(buf, text, len);
	buf[len] = '\0';
	icalerror_set_errors_are_fatal(0);
	icalerror_clear_errno();
	root = icalparser_parse_string(buf);
	free(buf);
	if (root == NULL) {
		*cause = xstrdup("not iCalendar (no BEGIN:VCALENDAR it could "
		    "read)");
		return -1;
	}
	if ((err = first_error(root)) != NULL) {
		const char *m = icalproperty_get_xlicerror(err);

		*cause = xasprintf("not valid iCalendar: %.160s",
		    m != NULL ? m : "an error");
		goto out;
	}
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		rc = calendar(&e, root, who, &people, &n_people, cause);
		n_cal = 1;
	} else {
		rc = 0;
		for (c = icalcomponent_get_first_component(root,
		    ICAL_VCALENDAR_COMPONENT); c != NULL && rc == 0;
		    c = icalcomponent_get_next_component(root,
		    ICAL_VCALENDAR_COMPONENT)) {
			rc = calendar(&e, c, who, &people, &n_people, cause);
			n_cal++;
		}
	}
	if (rc == 0 && n_cal == 0) {
		*cause = xstrdup("not iCalendar (no VCALENDAR)");
		rc = -1;
	}
	if (rc == 0 && n_people == 0) {
		*cause = xstrdup("no VEVENT in it (each event is a shift)");
		rc = -1;
	}
	if (rc == 0)
		wr_schedule_set_shifts(l, e.v, e.n);
out:
	icalcomponent_free(root);
	for (size_t i = 0; i < n_people; i++)
		free(people[i]);
	free(people);
	for (size_t i = 0; i < e.n_moved; i++)
		free(e.moved[i].uid);
	free(e.moved);
	free(e.v);
	return rc;
}

int
store_ical_load(const char *path, enum store_ical_person who,
    const struct wr_zone *z, int64_t t1, int64_t t2, struct wr_layer *l,
    char **cause)
{
	char *buf, *why = NULL;
	size_t got;
	int err, rc;

	if (store_read_file(path, STORE_ICAL_MAX_SIZE, &buf, &got,
	    &err) != 0) {
		*cause = xasprintf("%s: %s", path, err == EFBIG ?
		    "larger than 16 MiB" : err == EISDIR ? "not a file" :
		    strerror(err));
		return -1;
	}
	rc = store_ical_parse(buf, got, who, z, t1, t2, l, &why);
	free(buf);
	if (rc != 0) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
	}
	return rc;
}
