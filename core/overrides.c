/*
 * overrides.c: the overrides and cover requests the log makes, the rules a
 * schedule-wide op is planned by, and the times people write for them
 * (overrides.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overrides.h"
#include "parse.h"
#include "schedule.h"
#include "timefmt.h"
#include "util.h"
#include "zone.h"

void
wr_overrides_init(struct wr_overrides *o)
{
	memset(o, 0, sizeof *o);
}

static void
entry_free(struct wr_ov_entry *e)
{
	free(e->schedule);
	free(e->person);
	free(e->reason);
}

void
wr_overrides_free(struct wr_overrides *o)
{
	for (size_t i = 0; i < o->n; i++)
		entry_free(&o->v[i]);
	free(o->v);
	memset(o, 0, sizeof *o);
}

static void
push(struct wr_overrides *o, int64_t id, int cover, const char *schedule,
    const char *person, const char *reason, int64_t from, int64_t until)
{
	struct wr_ov_entry *e;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->v = xrealloc(o->v, o->cap * sizeof *o->v);
	}
	e = &o->v[o->n++];
	e->id = id;
	e->cover = cover;
	e->schedule = xstrdup(schedule != NULL ? schedule : "");
	e->person = xstrdup(person != NULL ? person : "");
	e->reason = xstrdup0(reason);
	e->from = from;
	e->until = until;
}

static void
drop(struct wr_overrides *o, int64_t id, int cover)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].id == id && o->v[i].cover == cover) {
			entry_free(&o->v[i]);
			memmove(&o->v[i], &o->v[i + 1],
			    (o->n - i - 1) * sizeof *o->v);
			o->n--;
			return;
		}
}

void
wr_overrides_apply(struct wr_overrides *o, const struct wr_event *e)
{
	switch (e->kind) {
	case WR_EV_OVERRIDE_ADDED:
		push(o, e->seq, 0, e->schedule, e->person, NULL, e->from,
		    e->until);
		break;
	case WR_EV_OVERRIDE_REMOVED:
		drop(o, e->ref, 0);
		break;
	case WR_EV_COVER_REQUESTED:
		push(o, e->seq, 1, e->schedule, e->actor, e->text, e->from,
		    e->until);
		break;
	case WR_EV_COVER_TAKEN:
		drop(o, e->ref, 1);
		push(o, e->seq, 0, e->schedule, e->person, NULL, e->from,
		    e->until);
		break;
	case WR_EV_COVER_WITHDRAWN:
		drop(o, e->ref, 1);
		break;
	default:
		break;
	}
}

void
wr_overrides_expire(struct wr_overrides *o, int64_t now)
{
	size_t k = 0;

	for (size_t i = 0; i < o->n; i++) {
		if (o->v[i].until <= now)
			entry_free(&o->v[i]);
		else
			o->v[k++] = o->v[i];
	}
	o->n = k;
}

const struct wr_ov_entry *
wr_overrides_find(const struct wr_overrides *o, int64_t id)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].id == id)
			return &o->v[i];
	return NULL;
}

/* ---- planning -------------------------------------------------------------- */

#define REFUSE(c, ...) do {						\
	*code = (c);							\
	if (err != NULL && errsz > 0)					\
		snprintf(err, errsz, __VA_ARGS__);			\
	return WR_PLAN_REFUSED;						\
} while (0)

static int
known(const struct wr_ov_context *cx, const char *name)
{
	for (size_t i = 0; name != NULL && i < cx->n_names; i++)
		if (strcmp(cx->names[i], name) == 0)
			return 1;
	return 0;
}

static size_t
open_on(const struct wr_overrides *o, const char *schedule, int cover)
{
	size_t n = 0;

	for (size_t i = 0; i < o->n; i++)
		n += o->v[i].cover == cover &&
		    strcmp(o->v[i].schedule, schedule) == 0;
	return n;
}

/* The rules every stretch follows; 0, or -1 with err. */
static int
span_ok(const struct wr_ov_context *cx, int64_t from, int64_t until,
    char *err, size_t errsz)
{
	char buf[32];

	if (!wr_time_ok(from) || !wr_time_ok(until))
		snprintf(err, errsz, "a time outside the years 0002-9999");
	else if (until <= from)
		snprintf(err, errsz, "until is not after from");
	else if (until <= cx->now)
		snprintf(err, errsz, "it is over already: until is in the "
		    "past");
	else if (until - from > WR_OVERRIDE_MAX_MS) {
		wr_format_duration(WR_OVERRIDE_MAX_MS, buf, sizeof buf);
		snprintf(err, errsz, "longer than %s", buf);
	} else if (cx->horizon_ms > 0 && until > cx->now + cx->horizon_ms) {
		wr_format_duration(cx->horizon_ms, buf, sizeof buf);
		snprintf(err, errsz, "it ends after the relay's retention "
		    "(%s from now) would forget it", buf);
	} else
		return 0;
	return -1;
}

static enum wr_plan_result
plan(const struct wr_overrides *o, const struct wr_ov_context *cx,
    const struct wr_op *op, struct wr_event *out, const char **code,
    char *err, size_t errsz)
{
	static const struct wr_event none;
	const struct wr_event *a = op->args != NULL ? op->args : &none;
	const struct wr_ov_entry *e;
	wr_event_kind kind = wr_op_kind_info(op->kind)->event;

	if (wr_op_kind_info(op->kind)->scope != WR_SCOPE_SCHEDULE)
		REFUSE(WR_OV_BAD, "%s is not a schedule's op",
		    wr_op_kind_name(op->kind));
	if (op->actor == NULL || op->actor[0] == '\0')
		REFUSE(WR_OV_BAD, "an op needs the name of the person making "
		    "it");
	memset(out, 0, sizeof *out);
	switch (op->kind) {
	case WR_OP_OVERRIDE:
	case WR_OP_COVER:
		if (!known(cx, a->schedule))
			REFUSE(WR_OV_UNKNOWN_SCHEDULE, "no schedule %s",
			    a->schedule != NULL ? a->schedule : "");
		if (op->kind == WR_OP_OVERRIDE &&
		    (a->person == NULL || a->person[0] == '\0'))
			REFUSE(WR_OV_BAD, "an override needs a person");
		if (span_ok(cx, a->from, a->until, err, errsz) != 0) {
			*code = WR_OV_BAD;
			return WR_PLAN_REFUSED;
		}
		if (op->kind == WR_OP_OVERRIDE) {
			for (size_t i = 0; i < o->n; i++)
				if (!o->v[i].cover && o->v[i].from == a->from &&
				    o->v[i].until == a->until &&
				    strcmp(o->v[i].schedule, a->schedule) == 0 &&
				    strcmp(o->v[i].person, a->person) == 0)
					return WR_PLAN_NOOP;
			if (open_on(o, a->schedule, 0) >= WR_OVERRIDES_MAX)
				REFUSE(WR_OV_BAD, "%s has %d overrides open "
				    "already", a->schedule, WR_OVERRIDES_MAX);
		} else if (open_on(o, a->schedule, 1) >= WR_COVERS_MAX)
			REFUSE(WR_OV_BAD, "%s has %d cover requests open "
			    "already", a->schedule, WR_COVERS_MAX);
		out->kind = kind;
		wr_event_copy_fields(out, a, wr_op_kind_info(op->kind)->fields);
		break;
	case WR_OP_OVERRIDE_RM:
		if ((e = wr_overrides_find(o, a->ref)) == NULL || e->cover)
			REFUSE(WR_OV_UNKNOWN_OVERRIDE, "no override %lld is "
			    "open (it may have ended or been removed)",
			    (long long)a->ref);
		out->kind = kind;
		out->schedule = xstrdup(e->schedule);
		out->ref = e->id;
		break;
	case WR_OP_TAKE:
		if ((e = wr_overrides_find(o, a->ref)) == NULL || !e->cover)
			REFUSE(WR_OV_UNKNOWN_COVER, "no cover request %lld is "
			    "open (it may have been taken or have ended)",
			    (long long)a->ref);
		if (strcmp(e->person, op->actor) == 0)
			REFUSE(WR_OV_BAD, "cover request %lld is %s's own",
			    (long long)e->id, e->person);
		if (open_on(o, e->schedule, 0) >= WR_OVERRIDES_MAX)
			REFUSE(WR_OV_BAD, "%s has %d overrides open already",
			    e->schedule, WR_OVERRIDES_MAX);
		out->kind = kind;
		out->schedule = xstrdup(e->schedule);
		out->person = xstrdup(op->actor);
		out->from = e->from;
		out->until = e->until;
		out->ref = e->id;
		break;
	case WR_OP_COVER_RM:
		/* the one who asked withdraws it: nobody else may take
		 * back a request that is not theirs */
		if ((e = wr_overrides_find(o, a->ref)) == NULL || !e->cover)
			REFUSE(WR_OV_UNKNOWN_COVER, "no cover request %lld is "
			    "open (it may have been taken or have ended)",
			    (long long)a->ref);
		if (strcmp(e->person, op->actor) != 0)
			REFUSE(WR_OV_BAD, "cover request %lld is %s's: only "
			    "%s withdraws it", (long long)e->id, e->person,
			    e->person);
		out->kind = kind;
		out->schedule = xstrdup(e->schedule);
		out->ref = e->id;
		break;
	default:
		REFUSE(WR_OV_BAD, "unknown op %d", (int)op->kind);
	}
	/* when the person acted, bounded as an incident's op is */
	out->made_at = wr_op_made_at(op->made_at, cx->now - WR_OVERRIDE_MAX_MS,
	    cx->now);
	return WR_PLAN_EVENT;
}

enum wr_plan_result
wr_overrides_plan(const struct wr_overrides *o, const struct wr_event *planned,
    size_t n, const struct wr_ov_context *cx, const struct wr_op *op,
    struct wr_event *out, const char **code, char *err, size_t errsz)
{
	struct wr_overrides with;
	enum wr_plan_result r;
	size_t wide = 0;

	for (size_t i = 0; i < n; i++)
		wide += wr_event_kind_info(planned[i].kind)->scope ==
		    WR_SCOPE_SCHEDULE;
	if (wide == 0)
		return plan(o, cx, op, out, code, err, errsz);
	/* the batch's own, on a copy */
	wr_overrides_init(&with);
	for (size_t i = 0; i < o->n; i++)
		push(&with, o->v[i].id, o->v[i].cover, o->v[i].schedule,
		    o->v[i].person, o->v[i].reason, o->v[i].from,
		    o->v[i].until);
	for (size_t i = 0; i < n; i++)
		wr_overrides_apply(&with, &planned[i]);
	r = plan(&with, cx, op, out, code, err, errsz);
	wr_overrides_free(&with);
	return r;
}

void
wr_overrides_put(const struct wr_overrides *o, struct wr_schedule *s,
    int64_t now)
{
	char id[24];

	wr_schedule_clear_overrides(s);
	for (size_t i = 0; i < o->n; i++) {
		const struct wr_ov_entry *e = &o->v[i];

		if (e->until <= now || strcmp(e->schedule, s->name) != 0)
			continue;
		snprintf(id, sizeof id, "%lld", (long long)e->id);
		if (e->cover)
			wr_schedule_add_cover(s, id, e->person, e->from,
			    e->until, e->reason);
		else
			wr_schedule_add_override(s, id, e->person, e->from,
			    e->until);
	}
}

/* ---- what people write ------------------------------------------------------ */

int
wr_overrides_parse_when(const char *s, const struct wr_zone *z, int64_t now,
    int64_t base, int64_t *out, char **cause)
{
	char err[WR_PARSE_ERR_MAX];
	int64_t local, d;
	char *why = NULL;

	if (s == NULL || s[0] == '\0') {
		*cause = xstrdup("no time given");
		return -1;
	}
	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (s[0] == '+') {
		if (wr_parse_duration(s + 1, 0, 1, WR_OVERRIDE_MAX_MS, &d, err,
		    sizeof err) != 0) {
			*cause = xstrdup(err);
			return -1;
		}
		*out = base + d;
		return 0;
	}
	if (wr_time_parse(s, out) == 0)
		return 0;
	if (z != NULL && wr_schedule_parse_start(s, &local, &why) == 0) {
		*out = wr_zone_utc(z, local) * 1000;
		return 0;
	}
	free(why);
	*cause = xasprintf("'%s' is not a time: write now, +2h, "
	    "2026-12-05T09:00 (the schedule's time) or "
	    "2026-12-05T09:00:00Z", s);
	return -1;
}
