/*
 * room.c: the reducer (room.h).  One event at a time, in seq order; the
 * planners compute events without changing anything.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "postmortem.h"
#include "policy.h"
#include "room.h"
#include "silence.h"
#include "strmap.h"
#include "timefmt.h"
#include "util.h"


static const struct wr_op_kind_info op_none = {
	0, "none", WR_SCOPE_INCIDENT, 0, WR_EV_NONE, "op", "", ""
};

static const struct wr_op_kind_info ops[WR_OP_KIND_COUNT] = {
#define WR_X_(name, num, wire, scope, fields, event, noun, done, noop) \
	[num] = { WR_OP_##name, wire, scope, fields, event, noun, done, noop },
	WR_OP_KINDS(WR_X_)
#undef WR_X_
};

const struct wr_op_kind_info *
wr_op_kind_info(wr_op_kind k)
{
	if ((unsigned)k >= WR_OP_KIND_COUNT || ops[k].name == NULL)
		return &op_none;
	return &ops[k];
}

const char *
wr_op_kind_name(wr_op_kind k)
{
	return wr_op_kind_info(k)->name;
}

wr_op_kind
wr_op_kind_parse(const char *name)
{
	for (int i = 1; i < WR_OP_KIND_COUNT; i++)
		if (name != NULL && ops[i].name != NULL &&
		    strcmp(name, ops[i].name) == 0)
			return (wr_op_kind)i;
	return 0;
}

struct op_words {
	char id[24];
	char buf[40];
	const struct wr_event *args;
};

static const char *
op_value(void *ud, const char *name)
{
	struct op_words *w = ud;

	if (strcmp(name, "id") == 0)
		return w->id;
	if (w->args == NULL)
		return NULL;
	if (strcmp(name, "duration") == 0) {	/* "2h", as typed */
		if (w->args->duration <= 0)
			return NULL;
		wr_format_duration(w->args->duration, w->buf, sizeof w->buf);
		return w->buf;
	}
	return wr_event_field_named(w->args, name, w->buf, sizeof w->buf);
}

char *
wr_op_words(wr_op_kind k, int noop, int64_t id, const struct wr_event *args)
{
	const struct wr_op_kind_info *info = wr_op_kind_info(k);
	struct op_words w;

	snprintf(w.id, sizeof w.id, "%lld", (long long)id);
	w.args = args;
	return wr_template(noop ? info->noop : info->done, op_value, &w);
}

void
wr_room_init(struct wr_room *r, int keep_alerts)
{
	memset(r, 0, sizeof *r);
	r->next_id = 1;
	r->keep_alerts = keep_alerts;
	r->by_key = wr_strmap_new();
}

void
wr_room_free(struct wr_room *r)
{
	for (size_t i = 0; i < r->inc_cap; i++)
		wr_incident_free(r->inc[i]);
	free(r->inc);
	wr_strmap_free(r->by_key);
	memset(r, 0, sizeof *r);
}

static void count(struct wr_room *r, const struct wr_incident *inc,
    int delta);

void
wr_room_clear(struct wr_room *r, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n && r->n_incidents > 0; i++) {
		struct wr_incident *inc = wr_room_take(r, ids[i]);
		wr_incident_free(inc);
	}
	/* Ids the caller did not name: the slow way, never a leak. */
	for (size_t i = 0; r->n_incidents > 0 && i < r->inc_cap; i++)
		wr_incident_free(wr_room_take(r, (int64_t)i + 1));
	memset(r->open_by_sev, 0, sizeof r->open_by_sev);
	memset(r->by_state, 0, sizeof r->by_state);
	wr_strmap_free(r->by_key);
	r->by_key = wr_strmap_new();
	r->last_seq = 0;
	r->next_id = 1;
	r->generation++;
}

struct wr_incident *
wr_room_take(struct wr_room *r, int64_t id)
{
	struct wr_incident *inc = wr_room_get(r, id);

	if (inc == NULL)
		return NULL;
	count(r, inc, -1);
	r->inc[id - 1] = NULL;
	r->n_incidents--;
	r->generation++;
	/* Its index entries stay: wr_room_find_key() and the occurrence
	 * lookups check what they find. */
	return inc;
}

struct wr_incident *
wr_room_get(const struct wr_room *r, int64_t id)
{
	if (id < 1 || (uint64_t)id > r->inc_cap)
		return NULL;
	return r->inc[id - 1];
}

/* NULL and "" are the same source or key (key_of() makes them so). */
static int
same0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Join parts with \x1f into one new string (hot: no printf). */
static char *
join_key(const char *const *parts, size_t n)
{
	size_t len[6], total = 0, at = 0;
	char *k;

	for (size_t i = 0; i < n; i++)
		total += (len[i] = strlen(parts[i])) + 1;
	k = xmalloc(total);
	for (size_t i = 0; i < n; i++) {
		memcpy(k + at, parts[i], len[i]);
		at += len[i];
		k[at++] = i + 1 < n ? '\x1f' : '\0';
	}
	return k;
}

static char *
key_of(const char *source, const char *sender, const char *key)
{
	const char *parts[] = { source ? source : "", sender ? sender : "",
	    key ? key : "" };

	return join_key(parts, 3);
}

/* The sender of a delivery: its own, else the token it came through. */
static const char *
group_sender(const struct wr_group_input *in)
{
	return in->sender != NULL ? in->sender : in->via ? in->via : "";
}

/*
 * The occurrence index (relay rooms only, keep_alerts): which incident of
 * source and key holds the occurrence fingerprint+starts.  It shares the
 * by_key map under a prefix no source name starts with, so that the header
 * need not change.  Needed because a person-resolved incident is followed by
 * a newer one for the same key, and repeats of the older one's occurrences
 * must still be recognised as known.
 */
static char *
occ_key(const char *source, const char *sender, const char *key,
    const char *fp, int64_t starts)
{
	char num[24], *p = num + sizeof num;
	uint64_t v = starts < 0 ? -(uint64_t)starts : (uint64_t)starts;
	const char *parts[6];

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (starts < 0)
		*--p = '-';
	parts[0] = "\x1eocc";
	parts[1] = source ? source : "";
	parts[2] = sender ? sender : "";
	parts[3] = key ? key : "";
	parts[4] = fp;
	parts[5] = p;
	return join_key(parts, 6);
}

struct wr_incident *
wr_room_find_key(const struct wr_room *r, const char *source,
    const char *sender, const char *key)
{
	char *k = key_of(source, sender, key);
	int64_t id;
	int found = wr_strmap_get(r->by_key, k, &id);
	struct wr_incident *inc;

	free(k);
	if (!found || (inc = wr_room_get(r, id)) == NULL)
		return NULL;
	/* wr_room_put() may have replaced the incident with one of another
	 * key: the stale index entry must not answer for it. */
	if (!same0(inc->source, source) || !same0(inc->sender, sender) ||
	    !same0(inc->key, key))
		return NULL;
	return inc;
}

static int
clamp_count(int64_t v)
{
	return v < 0 ? 0 : v > INT_MAX ? INT_MAX : (int)v;
}

static void
count(struct wr_room *r, const struct wr_incident *inc, int delta)
{
	/* wr_room_put() and apply_triggered() keep both in range. */
	r->by_state[inc->state] += delta;
	if (inc->state != WR_ST_RESOLVED)
		r->open_by_sev[inc->severity] += delta;
}

static void
slot_reserve(struct wr_room *r, int64_t id)
{
	size_t need = (size_t)id;

	if (need <= r->inc_cap)
		return;
	/* Doubling past this would overflow the size computation. */
	if (need > SIZE_MAX / 2 / sizeof *r->inc)
		util_die("incident id %lld is too large", (long long)id);
	size_t ncap = r->inc_cap ? r->inc_cap : 64;
	while (ncap < need)
		ncap *= 2;
	r->inc = xrealloc(r->inc, ncap * sizeof *r->inc);
	memset(r->inc + r->inc_cap, 0, (ncap - r->inc_cap) * sizeof *r->inc);
	r->inc_cap = ncap;
}

static void
index_key(struct wr_room *r, const struct wr_incident *inc)
{
	char *k = key_of(inc->source, inc->sender, inc->key);
	int64_t cur;

	/* The key points at the newest incident: a reopened old one must not
	 * steal it from a newer one. */
	if (!wr_strmap_get(r->by_key, k, &cur) || cur < inc->id)
		wr_strmap_set(r->by_key, k, inc->id);
	free(k);
}

static void
index_occ(struct wr_room *r, const struct wr_incident *inc,
    const struct wr_alert *a)
{
	char *k;
	int64_t cur;

	if (!r->keep_alerts || a->fingerprint == NULL)
		return;
	k = occ_key(inc->source, inc->sender, inc->key, a->fingerprint,
	    a->starts);
	if (!wr_strmap_get(r->by_key, k, &cur) || cur < inc->id)
		wr_strmap_set(r->by_key, k, inc->id);
	free(k);
}

static struct wr_alert *
find_alert(const struct wr_incident *inc, const char *fp, int64_t starts)
{
	if (inc == NULL || fp == NULL)
		return NULL;
	for (size_t i = 0; i < inc->alerts_len; i++) {
		struct wr_alert *a = &inc->alerts[i];
		if (a->starts == starts && a->fingerprint != NULL &&
		    strcmp(a->fingerprint, fp) == 0)
			return a;
	}
	return NULL;
}

/*
 * The known occurrence a of a delivery for source and key: in the newest
 * incident (newest, may be NULL) or, in a relay room, in an older incident
 * of the same key.  *where gets its incident.
 */
static struct wr_alert *
lookup_occ(const struct wr_room *r, const struct wr_incident *newest,
    const char *source, const char *sender, const char *key,
    const struct wr_alert *a, struct wr_incident **where)
{
	struct wr_alert *known = find_alert(newest, a->fingerprint, a->starts);
	struct wr_incident *inc;
	int64_t id;
	char *k;
	int found;

	*where = (struct wr_incident *)newest;
	if (known != NULL || !r->keep_alerts || a->fingerprint == NULL)
		return known;
	k = occ_key(source, sender, key, a->fingerprint, a->starts);
	found = wr_strmap_get(r->by_key, k, &id);
	free(k);
	if (!found || (inc = wr_room_get(r, id)) == NULL)
		return NULL;
	*where = inc;
	return find_alert(inc, a->fingerprint, a->starts);
}

const char *
wr_group_sender(const struct wr_group_input *in)
{
	return group_sender(in);
}

struct wr_incident *
wr_room_find_occ(const struct wr_room *r, const struct wr_group_input *in,
    const struct wr_alert *a)
{
	int64_t id;
	char *k;
	int found;

	/* Only a room that keeps alerts knows occurrences; its index holds
	 * every one (wr_room_put() and ALERT_FIRING add to it). */
	if (!r->keep_alerts || a->fingerprint == NULL)
		return NULL;
	k = occ_key(in->source, group_sender(in), in->key, a->fingerprint,
	    a->starts);
	found = wr_strmap_get(r->by_key, k, &id);
	free(k);
	return found ? wr_room_get(r, id) : NULL;
}

void
wr_room_put(struct wr_room *r, struct wr_incident *inc)
{
	struct wr_incident *old;

	if (inc == NULL)
		return;
	if (inc->id < 1) {
		/* No slot can hold it (inc[id - 1]): the room owns it, so it
		 * is freed rather than written out of bounds. */
		wr_incident_free(inc);
		return;
	}
	if ((unsigned)inc->severity >= WR_SEV_COUNT)
		inc->severity = WR_SEV_WARNING;
	if ((unsigned)inc->state >= WR_ST_COUNT)
		inc->state = WR_ST_TRIGGERED;
	slot_reserve(r, inc->id);
	old = r->inc[inc->id - 1];
	if (old == inc) {
		count(r, old, -1);
		r->n_incidents--;
	} else if (old != NULL) {
		count(r, old, -1);
		wr_incident_free(old);
		r->n_incidents--;
	}
	if (!r->keep_alerts) {
		for (size_t i = 0; i < inc->alerts_len; i++)
			wr_alert_free(&inc->alerts[i]);
		free(inc->alerts);
		inc->alerts = NULL;
		inc->alerts_len = inc->alerts_cap = 0;
	}
	r->inc[inc->id - 1] = inc;
	r->n_incidents++;
	if (inc->id >= r->next_id)
		r->next_id = inc->id + 1;
	count(r, inc, +1);
	index_key(r, inc);
	for (size_t i = 0; i < inc->alerts_len; i++)
		index_occ(r, inc, &inc->alerts[i]);
	r->generation++;
}

int
wr_room_id_plausible(int64_t next_id, int64_t id)
{
	if (next_id < 1)
		next_id = 1;
	/* Both are >= 1, so the difference cannot overflow. */
	return id >= 1 && id - next_id <= WR_ROOM_MAX_ID_JUMP;
}

#define REFUSE(...) do {						\
	if (err != NULL && errsz > 0)					\
		snprintf(err, errsz, __VA_ARGS__);			\
	return WR_APPLY_REFUSED;					\
} while (0)

/* The escalation begins again from its first step, at t (core/policy.h):
 * the trigger, an unack, a reopen, an acknowledgement or a snooze that
 * ran out, the end of the last silence of a triggered incident.  The policy is chosen anew by the step that fires first. */
static void
esc_restart(struct wr_incident *inc, int64_t t)
{
	inc->esc_since = t;
	inc->esc_fired = 0;
	inc->esc_next_at = 0;
	inc->snooze_until = 0;
	util_set_str(&inc->esc_policy, NULL);
}

/* It stops (acknowledged, resolved); what the last step said stays for
 * the detail. */
static void
esc_stop(struct wr_incident *inc)
{
	inc->esc_since = 0;
	inc->esc_next_at = 0;
}

/* A step fired: POLICY_ASSIGNED or ESCALATED. */
static enum wr_apply_result
apply_step(struct wr_incident *inc, const struct wr_event *e, char *err,
    size_t errsz)
{
	if (e->step < 1 || e->step > e->steps ||
	    e->steps > WR_POLICY_STEPS_MAX || e->round < 0 ||
	    e->round > WR_POLICY_REPEAT_MAX || e->policy == NULL)
		REFUSE("event %lld: step %lld of %lld, round %lld, is not a "
		    "step of a policy", (long long)e->seq, (long long)e->step,
		    (long long)e->steps, (long long)e->round);
	if (inc->state != WR_ST_TRIGGERED)
		REFUSE("event %lld: incident %lld is %s, it does not escalate",
		    (long long)e->seq, (long long)inc->id,
		    wr_state_name(inc->state));
	util_set_str(&inc->esc_policy, e->policy);
	util_set_str(&inc->esc_target, e->text != NULL ? e->text : "");
	inc->esc_fired = e->round * e->steps + e->step;
	inc->esc_steps = e->steps;
	inc->esc_next_at = e->next_at;
	if (e->kind == WR_EV_POLICY_ASSIGNED && e->text != NULL &&
	    e->text[0] != '\0') {
		/* the first person paged: "alice, bob" assigns alice */
		size_t n = strcspn(e->text, ",");

		free(inc->assignee);
		inc->assignee = xstrndup(e->text, n);
		inc->assigned_by_policy = 1;
	}
	return WR_APPLY_OK;
}

static enum wr_apply_result
apply_triggered(struct wr_room *r, const struct wr_event *e, char *err,
    size_t errsz)
{
	struct wr_incident *inc;

	if (e->incident < 1)
		REFUSE("event %lld: bad incident id %lld", (long long)e->seq,
		    (long long)e->incident);
	if (!wr_room_id_plausible(r->next_id, e->incident))
		REFUSE("event %lld: incident id %lld is absurd (next is %lld)",
		    (long long)e->seq, (long long)e->incident,
		    (long long)r->next_id);
	if (wr_room_get(r, e->incident) != NULL)
		REFUSE("event %lld: incident %lld already exists",
		    (long long)e->seq, (long long)e->incident);
	inc = xcalloc(1, sizeof *inc);
	inc->id = e->incident;
	inc->source = xstrdup0(e->source ? e->source : "");
	inc->sender = xstrdup0(e->sender ? e->sender : "");
	inc->key = xstrdup0(e->key ? e->key : "");
	inc->title = xstrdup0(e->title ? e->title : "");
	inc->service = xstrdup0(e->service ? e->service : "");
	inc->severity = (unsigned)e->severity < WR_SEV_COUNT ?
	    e->severity : WR_SEV_WARNING;
	inc->severity_raw = xstrdup0(e->severity_raw);
	inc->state = WR_ST_TRIGGERED;
	inc->created = inc->updated = inc->last_seen = e->time;
	esc_restart(inc, e->time);
	wr_room_put(r, inc);
	return WR_APPLY_OK;
}

enum wr_apply_result
wr_room_apply(struct wr_room *r, const struct wr_event *e, char *err,
    size_t errsz)
{
	struct wr_incident *inc;
	struct wr_alert *a;

	if (e->seq != 0) {
		if (e->seq <= r->last_seq)
			return WR_APPLY_OLD;
		if (e->seq != r->last_seq + 1) {
			if (err != NULL && errsz > 0)
				snprintf(err, errsz,
				    "gap in the feed: expected seq %lld, got %lld",
				    (long long)(r->last_seq + 1),
				    (long long)e->seq);
			return WR_APPLY_GAP;
		}
	}
	/* The room holds incidents: a schedule-wide event only takes its
	 * seq here; whoever keeps the schedules applies it. */
	if (wr_event_kind_info(e->kind)->scope == WR_SCOPE_SCHEDULE) {
		if (e->incident != 0)
			REFUSE("event %lld (%s): a schedule-wide event names "
			    "incident %lld", (long long)e->seq,
			    wr_event_kind_name(e->kind),
			    (long long)e->incident);
		if (e->seq != 0)
			r->last_seq = e->seq;
		r->generation++;
		return WR_APPLY_OK;
	}
	if (e->kind == WR_EV_TRIGGERED) {
		enum wr_apply_result res = apply_triggered(r, e, err, errsz);
		if (res == WR_APPLY_OK && e->seq != 0)
			r->last_seq = e->seq;
		return res;
	}
	inc = wr_room_get(r, e->incident);
	if (inc == NULL)
		REFUSE("event %lld (%s): unknown incident %lld",
		    (long long)e->seq, wr_event_kind_name(e->kind),
		    (long long)e->incident);
	if (e->kind == WR_EV_NOTIFIED) {
		/* news for the timeline: the incident itself is unchanged
		 * (not even its updated time: a retry every 30 s must not
		 * move it up a list) */
		if (e->person == NULL || e->person[0] == '\0' ||
		    e->notifier == NULL || e->notifier[0] == '\0')
			REFUSE("event %lld: a notification without a person "
			    "or a notifier", (long long)e->seq);
		if (e->seq != 0)
			r->last_seq = e->seq;
		r->generation++;
		return WR_APPLY_OK;
	}

	switch (e->kind) {
	case WR_EV_ALERT_FIRING:
		if (e->alert.fingerprint == NULL)
			REFUSE("event %lld: alert without fingerprint",
			    (long long)e->seq);
		if (inc->state == WR_ST_RESOLVED)
			REFUSE("event %lld: incident %lld is resolved",
			    (long long)e->seq, (long long)inc->id);
		if (r->keep_alerts) {
			if (find_alert(inc, e->alert.fingerprint,
			    e->alert.starts) != NULL)
				REFUSE("event %lld: alert %s is already in "
				    "incident %lld", (long long)e->seq,
				    e->alert.fingerprint, (long long)inc->id);
			if (inc->alerts_len == inc->alerts_cap) {
				inc->alerts_cap = inc->alerts_cap ?
				    inc->alerts_cap * 2 : 4;
				inc->alerts = xrealloc(inc->alerts,
				    inc->alerts_cap * sizeof *inc->alerts);
			}
			a = &inc->alerts[inc->alerts_len++];
			wr_alert_copy(a, &e->alert);
			a->firing = 1;
			a->ends = 0;
			a->last_seen = e->time;
			index_occ(r, inc, a);
		}
		wr_incident_note_labels(inc, &e->alert.labels);
		inc->n_alerts++;
		inc->n_firing++;
		inc->last_seen = e->time;
		break;
	case WR_EV_ALERT_RESOLVED:
		if (r->keep_alerts) {
			if (e->alert.fingerprint == NULL ||
			    (a = find_alert(inc, e->alert.fingerprint,
			    e->alert.starts)) == NULL)
				REFUSE("event %lld: no such alert in incident "
				    "%lld", (long long)e->seq,
				    (long long)inc->id);
			if (!a->firing)
				REFUSE("event %lld: alert %s already resolved",
				    (long long)e->seq, a->fingerprint);
			a->firing = 0;
			a->ends = e->alert.ends ? e->alert.ends : e->time;
			a->last_seen = e->time;
		}
		if (inc->n_firing > 0)
			inc->n_firing--;
		inc->last_seen = e->time;
		break;
	case WR_EV_ACKNOWLEDGED:
		if (inc->state != WR_ST_TRIGGERED)
			REFUSE("event %lld: incident %lld is %s",
			    (long long)e->seq, (long long)inc->id,
			    wr_state_name(inc->state));
		count(r, inc, -1);
		inc->state = WR_ST_ACKNOWLEDGED;
		util_set_str(&inc->ack_by, e->actor);
		inc->ack_at = wr_event_acted_at(e);
		inc->ack_seen_at = e->time;
		count(r, inc, +1);
		esc_stop(inc);
		break;
	case WR_EV_UNACKNOWLEDGED:
		if (inc->state != WR_ST_ACKNOWLEDGED)
			REFUSE("event %lld: incident %lld is not acknowledged",
			    (long long)e->seq, (long long)inc->id);
		count(r, inc, -1);
		inc->state = WR_ST_TRIGGERED;
		util_set_str(&inc->ack_by, NULL);
		inc->ack_at = inc->ack_seen_at = 0;
		count(r, inc, +1);
		esc_restart(inc, e->time);
		break;
	case WR_EV_NOTE:
		if (e->text == NULL)
			REFUSE("event %lld: note without text",
			    (long long)e->seq);
		inc->n_notes++;
		break;
	case WR_EV_RESOLVED:
		if (inc->state == WR_ST_RESOLVED)
			REFUSE("event %lld: incident %lld is already resolved",
			    (long long)e->seq, (long long)inc->id);
		count(r, inc, -1);
		inc->state = WR_ST_RESOLVED;
		util_set_str(&inc->resolved_by, e->actor);
		inc->resolved_at = wr_event_acted_at(e);
		count(r, inc, +1);
		esc_stop(inc);
		inc->snooze_until = 0;
		break;
	case WR_EV_REOPENED:
		if (inc->state != WR_ST_RESOLVED)
			REFUSE("event %lld: incident %lld is not resolved",
			    (long long)e->seq, (long long)inc->id);
		count(r, inc, -1);
		inc->state = WR_ST_TRIGGERED;
		util_set_str(&inc->ack_by, NULL);
		util_set_str(&inc->resolved_by, NULL);
		inc->ack_at = inc->ack_seen_at = inc->resolved_at = 0;
		count(r, inc, +1);
		index_key(r, inc);
		esc_restart(inc, e->time);
		break;
	case WR_EV_ASSIGNED:
		if (e->text == NULL || e->text[0] == '\0')
			REFUSE("event %lld: assignment without a name",
			    (long long)e->seq);
		util_set_str(&inc->assignee, e->text);
		inc->assigned_by_policy = 0;
		break;
	case WR_EV_POLICY_ASSIGNED:
	case WR_EV_ESCALATED: {
		enum wr_apply_result res = apply_step(inc, e, err, errsz);

		if (res != WR_APPLY_OK)
			return res;
		break;
	}
	case WR_EV_SNOOZED:
		if (inc->state != WR_ST_ACKNOWLEDGED)
			REFUSE("event %lld: incident %lld is not acknowledged",
			    (long long)e->seq, (long long)inc->id);
		if (e->until == 0)
			REFUSE("event %lld: a snooze without an end",
			    (long long)e->seq);
		inc->snooze_until = e->until;
		break;
	case WR_EV_SNOOZE_OVER:
	case WR_EV_ACK_EXPIRED:
		if (inc->state != WR_ST_ACKNOWLEDGED)
			REFUSE("event %lld: incident %lld is not acknowledged",
			    (long long)e->seq, (long long)inc->id);
		count(r, inc, -1);
		inc->state = WR_ST_TRIGGERED;
		util_set_str(&inc->ack_by, NULL);
		inc->ack_at = inc->ack_seen_at = 0;
		count(r, inc, +1);
		esc_restart(inc, e->time);
		break;
	case WR_EV_POSTMORTEM:
		/* versions are numbered in log order, none skipped */
		if (e->text == NULL || e->version != inc->pm_version + 1 ||
		    e->base < 0 || e->base >= e->version)
			REFUSE("event %lld: postmortem v%lld (based on v%lld) "
			    "after v%lld", (long long)e->seq,
			    (long long)e->version, (long long)e->base,
			    (long long)inc->pm_version);
		inc->pm_version = e->version;
		util_set_str(&inc->pm_by, e->actor);
		inc->pm_at = wr_event_acted_at(e);
		break;
	case WR_EV_RETITLED:
		if (e->title == NULL || e->title[0] == '\0')
			REFUSE("event %lld: a new title without text",
			    (long long)e->seq);
		util_set_str(&inc->title, e->title);
		break;
	case WR_EV_SEVERITY_RAISED:
	case WR_EV_SEVERITY_LOWERED:
	case WR_EV_SEVERITY_SET:
		if ((unsigned)e->severity >= WR_SEV_COUNT)
			REFUSE("event %lld: unknown severity %d",
			    (long long)e->seq, (int)e->severity);
		count(r, inc, -1);
		inc->severity = e->severity;
		count(r, inc, +1);
		util_set_str(&inc->severity_raw, e->severity_raw);
		/* Set by a person, it sticks against the source. */
		if (e->kind == WR_EV_SEVERITY_SET)
			util_set_str(&inc->severity_by, e->actor);
		break;
	case WR_EV_TRUNCATED:
		if (e->count < 0 || e->count > INT_MAX)
			REFUSE("event %lld: %lld alerts left out is absurd",
			    (long long)e->seq, (long long)e->count);
		/* The alerts left out count as firing: an incident is not
		 * over while its source still has alerts in it. */
		inc->n_alerts = clamp_count((int64_t)inc->n_alerts + e->count -
		    inc->truncated);
		inc->n_firing = clamp_count((int64_t)inc->n_firing + e->count -
		    inc->truncated);
		inc->truncated = e->count;
		break;
	case WR_EV_SILENCED:
	case WR_EV_UNSILENCED:
	case WR_EV_SILENCE_EXPIRED:
	case WR_EV_SILENCE_CHANGED:
		if (wr_silence_apply(inc, e, err, errsz) != 0)
			return WR_APPLY_REFUSED;
		/* The last silence's end starts the escalation again from
		 * step 1, as an unack does (core/policy.h). */
		if ((e->kind == WR_EV_UNSILENCED ||
		    e->kind == WR_EV_SILENCE_EXPIRED) &&
		    inc->state == WR_ST_TRIGGERED && inc->esc_since != 0 &&
		    inc->n_silences == 0)
			esc_restart(inc, e->time);
		break;
	default:
		REFUSE("event %lld: unknown kind %d", (long long)e->seq,
		    (int)e->kind);
	}
	inc->updated = e->time;
	if (e->seq != 0)
		r->last_seq = e->seq;
	r->generation++;
	return WR_APPLY_OK;
}

static struct wr_event *
plan_push(struct wr_evlist *out, wr_event_kind kind, int64_t incident,
    const struct wr_group_input *in)
{
	struct wr_event *e = wr_evlist_push(out);

	e->kind = kind;
	e->incident = incident;
	e->time = in->now;
	e->actor = xstrdup0(in->actor ? in->actor : in->source);
	e->via = xstrdup0(in->via);
	return e;
}

static int
planned_occurrence(const struct wr_evlist *out, size_t from,
    const struct wr_alert *a)
{
	for (size_t i = from; i < out->n; i++) {
		const struct wr_event *e = &out->v[i];
		if ((e->kind == WR_EV_ALERT_FIRING ||
		    e->kind == WR_EV_ALERT_RESOLVED) &&
		    e->alert.starts == a->starts &&
		    e->alert.fingerprint != NULL &&
		    strcmp(e->alert.fingerprint, a->fingerprint) == 0)
			return 1;
	}
	return 0;
}

static void
plan_firing(struct wr_evlist *out, int64_t id, const struct wr_alert *a,
    const struct wr_group_input *in)
{
	struct wr_event *e = plan_push(out, WR_EV_ALERT_FIRING, id, in);

	wr_alert_copy(&e->alert, a);
	e->alert.firing = 1;
	e->alert.ends = 0;
	e->alert.last_seen = in->now;
}

/* The end, at ends (0: now), of the occurrence a of incident id. */
static void
plan_alert_resolved(struct wr_evlist *out, int64_t id,
    const struct wr_alert *a, int64_t ends, const struct wr_group_input *in)
{
	struct wr_event *e = plan_push(out, WR_EV_ALERT_RESOLVED, id, in);

	e->alert.fingerprint = xstrdup(a->fingerprint);
	e->alert.starts = a->starts;
	e->alert.ends = ends ? ends : in->now;
}

/*
 * The firing occurrence of inc a resolve ends: the same fingerprint, the
 * newest whose start is not after the resolve's end.  NULL when none (or
 * when the room keeps no alerts).
 */
static struct wr_alert *
match_resolve(const struct wr_incident *inc, const struct wr_alert *a,
    int64_t now)
{
	int64_t end = a->ends ? a->ends : now;
	struct wr_alert *best = NULL;

	if (inc == NULL)
		return NULL;
	for (size_t i = 0; i < inc->alerts_len; i++) {
		struct wr_alert *c = &inc->alerts[i];

		if (c->firing && c->starts <= end && c->fingerprint != NULL &&
		    strcmp(c->fingerprint, a->fingerprint) == 0 &&
		    (best == NULL || c->starts > best->starts))
			best = c;
	}
	/* startsAt = endsAt is Alertmanager's resolve of an alert posted
	 * with an end and no start (amtool --end without --start), which
	 * replaces the firing one even when that end is before its start:
	 * it ends the firing occurrence of the fingerprint. */
	for (size_t i = 0; best == NULL && a->ends != 0 &&
	    a->starts == a->ends && i < inc->alerts_len; i++) {
		struct wr_alert *c = &inc->alerts[i];

		if (c->firing && c->fingerprint != NULL &&
		    strcmp(c->fingerprint, a->fingerprint) == 0)
			best = c;
	}
	return best;
}

/*
 * Every occurrence of an open incident resolved at the source: the incident
 * is, with the source as actor.  Looks at the events planned from index
 * start on; appends a RESOLVED event for each incident they leave with no
 * firing occurrence.
 */
static void
plan_source_resolves(const struct wr_room *r, struct wr_evlist *out,
    size_t start, const struct wr_group_input *in)
{
	size_t end = out->n;

	for (size_t i = start; i < end; i++) {
		int64_t id = out->v[i].incident;
		const struct wr_incident *inc;
		int64_t firing;
		int seen_before = 0;

		/* What can end an incident: an alert resolved, or fewer
		 * alerts left out (they counted as firing). */
		if (out->v[i].kind != WR_EV_ALERT_RESOLVED &&
		    out->v[i].kind != WR_EV_TRUNCATED)
			continue;
		for (size_t j = start; j < i; j++)
			if ((out->v[j].kind == WR_EV_ALERT_RESOLVED ||
			    out->v[j].kind == WR_EV_TRUNCATED) &&
			    out->v[j].incident == id)
				seen_before = 1;
		if (seen_before)
			continue;
		inc = wr_room_get(r, id);
		if (inc == NULL || inc->state == WR_ST_RESOLVED)
			continue;
		firing = inc->n_firing;
		for (size_t j = start; j < end; j++) {
			if (out->v[j].incident != id)
				continue;
			if (out->v[j].kind == WR_EV_ALERT_RESOLVED)
				firing--;
			else if (out->v[j].kind == WR_EV_ALERT_FIRING)
				firing++;
			else if (out->v[j].kind == WR_EV_TRUNCATED)
				firing += out->v[j].count - inc->truncated;
		}
		if (firing <= 0)
			plan_push(out, WR_EV_RESOLVED, id, in);
	}
}

/*
 * An open incident is as bad as its worst firing alert, once the events
 * planned from start on are applied; a change is an event, unless a
 * person set the severity (it sticks), and an incident with no firing
 * alert left keeps the one it had.
 */
static void
plan_severity(struct wr_evlist *out, size_t start,
    const struct wr_incident *inc, const struct wr_group_input *in)
{
	wr_severity worst = WR_SEV_COUNT, worst_new = WR_SEV_COUNT;
	struct wr_event *e;
	size_t fired = 0, ended_n = 0;

	/* Only a change in its alerts changes it. */
	for (size_t j = start; j < out->n; j++) {
		const struct wr_event *p = &out->v[j];

		if (p->incident != inc->id)
			continue;
		if (p->kind == WR_EV_ALERT_FIRING) {
			fired++;
			if ((unsigned)p->alert.severity < (unsigned)worst_new)
				worst_new = p->alert.severity;
		} else if (p->kind == WR_EV_ALERT_RESOLVED)
			ended_n++;
	}
	if (inc->severity_by != NULL || fired + ended_n == 0)
		return;
	/* Without a resolve it can only rise (no scan of a storm's
	 * alerts for every delivery). */
	if (ended_n == 0) {
		if ((unsigned)worst_new < (unsigned)inc->severity) {
			e = plan_push(out, WR_EV_SEVERITY_RAISED, inc->id, in);
			e->severity = worst_new;
			if (worst_new == in->severity)
				e->severity_raw = xstrdup0(in->severity_raw);
		}
		return;
	}
	for (size_t i = 0; i < inc->alerts_len; i++) {
		const struct wr_alert *a = &inc->alerts[i];
		int ended = 0;

		if (!a->firing || a->severity >= worst)
			continue;
		for (size_t j = start; j < out->n && !ended; j++)
			ended = out->v[j].kind == WR_EV_ALERT_RESOLVED &&
			    out->v[j].incident == inc->id &&
			    out->v[j].alert.starts == a->starts &&
			    util_strcmp0(out->v[j].alert.fingerprint,
			    a->fingerprint) == 0;
		if (!ended)
			worst = a->severity;
	}
	if ((unsigned)worst_new < (unsigned)worst)
		worst = worst_new;
	if (worst == WR_SEV_COUNT || worst == inc->severity)
		return;
	/* Lower numbers are worse: critical is 0. */
	e = plan_push(out, worst < inc->severity ? WR_EV_SEVERITY_RAISED :
	    WR_EV_SEVERITY_LOWERED, inc->id, in);
	e->severity = worst;
	if (worst == in->severity)
		e->severity_raw = xstrdup0(in->severity_raw);
}

/* Whether the delivery names occurrence a. */
static int
mentioned(const struct wr_group_input *in, const struct wr_alert *a)
{
	for (size_t i = 0; in->alerts != NULL && i < in->n_alerts; i++)
		if (in->alerts[i].starts == a->starts &&
		    in->alerts[i].fingerprint != NULL &&
		    a->fingerprint != NULL &&
		    strcmp(in->alerts[i].fingerprint, a->fingerprint) == 0)
			return 1;
	return 0;
}

/*
 * The alerts the source left out (in->truncated) that the incident has
 * never been sent: the ones it left out, less the known firing ones this
 * delivery did not mention (they may be among them).  A known one this
 * delivery resolved (events planned from start on) was mentioned, though
 * the resolve did not repeat its start (Alertmanager's merge of an alert
 * posted with an end and no start moves the start to that end).  A
 * change is a TRUNCATED event for the open incident inc, or for the one
 * this delivery opened (new_id).
 */
static void
plan_truncated(struct wr_evlist *out, size_t start,
    const struct wr_group_input *in, const struct wr_incident *inc,
    int64_t new_id)
{
	int64_t id = inc != NULL ? inc->id : new_id, unmentioned = 0, hidden;

	if (id == 0)
		return;
	if (inc != NULL && in->truncated > 0)
		for (size_t i = 0; i < inc->alerts_len; i++)
			if (inc->alerts[i].firing &&
			    !mentioned(in, &inc->alerts[i]) &&
			    !planned_occurrence(out, start, &inc->alerts[i]))
				unmentioned++;
	hidden = in->truncated > unmentioned ? in->truncated - unmentioned : 0;
	if (hidden > INT_MAX)
		hidden = INT_MAX;
	if (hidden == (inc != NULL ? inc->truncated : 0))
		return;
	plan_push(out, WR_EV_TRUNCATED, id, in)->count = hidden;
}

/* The firing alert of inc with fingerprint fp (repeat_by_fingerprint). */
static struct wr_alert *
firing_by_fingerprint(const struct wr_incident *inc, const char *fp)
{
	for (size_t k = 0; inc != NULL && k < inc->alerts_len; k++)
		if (inc->alerts[k].firing && inc->alerts[k].fingerprint !=
		    NULL && strcmp(inc->alerts[k].fingerprint, fp) == 0)
			return &inc->alerts[k];
	return NULL;
}

size_t
wr_room_plan_group(const struct wr_room *r, const struct wr_group_input *in,
    struct wr_evlist *out, size_t *seen_only)
{
	const char *sender = group_sender(in);
	const struct wr_incident *inc = wr_room_find_key(r, in->source, sender,
	    in->key);
	size_t start = out->n, seen = 0;
	/* New occurrences join the newest incident while it is open; once it
	 * is resolved, the first new one opens a new incident.  Occurrences
	 * already known (to it or to an older incident of the key) never
	 * join, open or reopen anything: they are repeats. */
	int is_open = inc != NULL && inc->state != WR_ST_RESOLVED;
	int64_t id = is_open ? inc->id : r->next_id;
	int opened = 0;

	if (seen_only != NULL)
		*seen_only = 0;
	if (!wr_time_ok(in->now))
		return 0;

	for (size_t i = 0; in->alerts != NULL && i < in->n_alerts; i++) {
		const struct wr_alert *a = &in->alerts[i];
		struct wr_incident *where;
		struct wr_alert *known;

		/* Without a fingerprint an alert has no identity; a time no
		 * console could read back never goes into an event. */
		if (a->fingerprint == NULL || !wr_time_ok(a->starts) ||
		    !wr_time_ok(a->ends) || planned_occurrence(out, start, a))
			continue;
		known = lookup_occ(r, inc, in->source, sender, in->key, a,
		    &where);
		if (known != NULL && a->firing && in->new_after_resolve &&
		    where->state == WR_ST_RESOLVED)
			known = NULL;	/* a new occurrence, a new incident */
		if (known == NULL && a->firing && is_open &&
		    in->repeat_by_fingerprint &&
		    (known = firing_by_fingerprint(inc, a->fingerprint)) !=
		    NULL)
			where = (struct wr_incident *)inc;
		if (known != NULL && (a->firing || known->firing)) {
			if (!a->firing)
				plan_alert_resolved(out, where->id, known,
				    a->ends, in);
			else
				seen++;
			continue;
		}
		if (!a->firing) {
			/* The resolve of an occurrence whose start it does
			 * not repeat (amtool without --start sends startsAt
			 * = endsAt): the firing one it can end. */
			struct wr_alert *m = match_resolve(inc, a, in->now);

			if (m != NULL && !planned_occurrence(out, start, m))
				plan_alert_resolved(out, inc->id, m, a->ends,
				    in);
			else if (known != NULL)
				seen++;
			continue;
		}
		if (!is_open && !opened) {
			struct wr_event *e = plan_push(out,
			    WR_EV_TRIGGERED, id, in);
			e->source = xstrdup0(in->source);
			e->sender = xstrdup(sender);
			e->key = xstrdup0(in->key);
			e->title = xstrdup0(in->title);
			e->service = xstrdup0(in->service);
			e->severity = in->severity;
			e->severity_raw = xstrdup0(in->severity_raw);
			opened = 1;
		}
		plan_firing(out, id, a, in);
	}
	if (is_open)
		plan_severity(out, start, inc, in);
	plan_truncated(out, start, in, is_open ? inc : NULL, opened ? id : 0);
	/* The group's title follows its alerts ("NodeDown — 40 alerts"
	 * becomes "... — 300 alerts"): retitle an open incident that
	 * changes with this delivery, the count of alerts left out
	 * included. */
	if (is_open && in->title != NULL && in->title[0] != '\0' &&
	    util_strcmp0(inc->title, in->title) != 0) {
		size_t i;
		for (i = start; i < out->n; i++)
			if (out->v[i].incident == inc->id)
				break;
		if (i < out->n)
			plan_push(out, WR_EV_RETITLED, inc->id, in)->title =
			    xstrdup(in->title);
	}
	/* A delivery that left alerts out never resolves its incident: the
	 * alerts it did not send may still fire. */
	if (in->truncated <= 0)
		plan_source_resolves(r, out, start, in);
	if (seen_only != NULL)
		*seen_only = seen;
	return out->n - start;
}

size_t
wr_room_plan_action(const struct wr_room *r, const struct wr_action_input *in,
    struct wr_evlist *out)
{
	const char *sender = in->sender != NULL ? in->sender :
	    in->via != NULL ? in->via : "";
	const struct wr_incident *inc = wr_room_find_key(r, in->source, sender,
	    in->key);
	struct wr_group_input g = {
		.source = in->source, .sender = sender, .key = in->key,
		.actor = in->actor, .via = in->via, .now = in->now
	};
	struct wr_op op = {
		.kind = in->kind, .actor = in->actor ? in->actor : in->source,
		.via = in->via, .now = in->now
	};
	size_t start = out->n;
	struct wr_event e;

	if (inc == NULL)
		return 0;
	if (in->kind == WR_OP_RESOLVE)
		for (size_t i = 0; i < inc->alerts_len; i++)
			if (inc->alerts[i].firing)
				plan_alert_resolved(out, inc->id,
				    &inc->alerts[i], 0, &g);
	op.incident = inc->id;
	if (wr_room_plan_op(r, &op, &e, NULL, 0) == WR_PLAN_EVENT)
		*wr_evlist_push(out) = e;
	return out->n - start;
}

void
wr_room_touch(struct wr_room *r, const struct wr_group_input *in)
{
	const char *sender = group_sender(in);
	struct wr_incident *inc = wr_room_find_key(r, in->source, sender,
	    in->key);
	int changed = 0;

	for (size_t i = 0; in->alerts != NULL && i < in->n_alerts; i++) {
		struct wr_incident *where;
		struct wr_alert *a = lookup_occ(r, inc, in->source, sender,
		    in->key, &in->alerts[i], &where);

		if (a == NULL && in->repeat_by_fingerprint && inc != NULL &&
		    inc->state != WR_ST_RESOLVED && in->alerts[i].firing &&
		    in->alerts[i].fingerprint != NULL &&
		    (a = firing_by_fingerprint(inc,
		    in->alerts[i].fingerprint)) != NULL)
			where = inc;
		if (a != NULL) {
			a->last_seen = in->now;
			where->last_seen = in->now;
			changed = 1;
		}
	}
	if (changed)
		r->generation++;
}

#undef REFUSE
#define REFUSE(...) do {						\
	if (err != NULL && errsz > 0)					\
		snprintf(err, errsz, __VA_ARGS__);			\
	return WR_PLAN_REFUSED;						\
} while (0)

int64_t
wr_op_made_at(int64_t made_at, int64_t created, int64_t now)
{
	if (made_at == 0 || made_at > now)
		return now;
	/* created <= now for every incident a room holds; if a clock made
	 * it otherwise, now wins (an event is never made after it came) */
	if (made_at < created)
		return created <= now ? created : now;
	return made_at;
}

enum wr_plan_result
wr_room_plan_op(const struct wr_room *r, const struct wr_op *op,
    struct wr_event *out, char *err, size_t errsz)
{
	const struct wr_incident *inc = wr_room_get(r, op->incident);
	const struct wr_op_kind_info *info = wr_op_kind_info(op->kind);
	static const struct wr_event none;
	const struct wr_event *args = op->args != NULL ? op->args : &none;
	wr_severity sev = WR_SEV_WARNING;
	wr_event_kind kind;

	if (info->scope != WR_SCOPE_INCIDENT)
		REFUSE("%s is not an op on an incident", info->name);
	if (inc == NULL)
		REFUSE("no incident %lld", (long long)op->incident);
	if (!wr_time_ok(op->now))
		REFUSE("the op's time is outside the years 0002-9999");
	if (op->actor == NULL || op->actor[0] == '\0')
		REFUSE("an op needs the name of the person making it");
	switch (op->kind) {
	case WR_OP_ACK:
		if (inc->state == WR_ST_RESOLVED)
			REFUSE("incident %lld is resolved; reopen it first",
			    (long long)inc->id);
		if (inc->state == WR_ST_ACKNOWLEDGED)
			return WR_PLAN_NOOP;
		kind = WR_EV_ACKNOWLEDGED;
		break;
	case WR_OP_UNACK:
		if (inc->state != WR_ST_ACKNOWLEDGED)
			return WR_PLAN_NOOP;
		kind = WR_EV_UNACKNOWLEDGED;
		break;
	case WR_OP_RESOLVE:
		if (inc->state == WR_ST_RESOLVED)
			return WR_PLAN_NOOP;
		kind = WR_EV_RESOLVED;
		break;
	case WR_OP_REOPEN:
		if (inc->state != WR_ST_RESOLVED)
			return WR_PLAN_NOOP;
		kind = WR_EV_REOPENED;
		break;
	case WR_OP_NOTE:
		if (args->text == NULL || args->text[0] == '\0')
			REFUSE("a note needs text");
		kind = WR_EV_NOTE;
		break;
	case WR_OP_ASSIGN:
		if (args->text == NULL || args->text[0] == '\0')
			REFUSE("assign needs a name");
		if (util_strcmp0(inc->assignee, args->text) == 0)
			return WR_PLAN_NOOP;
		kind = WR_EV_ASSIGNED;
		break;
	case WR_OP_SILENCE:
		/* Made at Alertmanager first (relay/silence.c): the event
		 * records what it answered. */
		if (op->am_silence_id == NULL || op->am_silence_id[0] == '\0' ||
		    op->am_matchers == NULL || op->am_ends == 0 ||
		    !wr_time_ok(op->am_ends))
			REFUSE("a silence is made through the relay's "
			    "Alertmanager client");
		for (size_t i = 0; i < inc->n_silences; i++)
			if (strcmp(inc->silences[i].id, op->am_silence_id) == 0)
				return WR_PLAN_NOOP;
		if (inc->n_silences >= WR_SILENCES_MAX)
			REFUSE("#%lld has %d silences already",
			    (long long)inc->id, WR_SILENCES_MAX);
		kind = WR_EV_SILENCED;
		break;
	case WR_OP_UNSILENCE:
		if (op->am_silence_id == NULL || op->am_silence_id[0] == '\0')
			REFUSE("a silence is expired through the relay's "
			    "Alertmanager client");
		kind = WR_EV_UNSILENCED;
		for (size_t i = 0; i < inc->n_silences; i++)
			if (strcmp(inc->silences[i].id, op->am_silence_id) == 0)
				kind = WR_EV_NONE;
		if (kind != WR_EV_NONE)
			return WR_PLAN_NOOP;
		kind = WR_EV_UNSILENCED;
		break;
	case WR_OP_SEV:
		if (args->text == NULL ||
		    wr_severity_parse(args->text, &sev) != 0)
			REFUSE("sev needs a level: critical, error, warning or "
			    "info");
		if (inc->severity_by != NULL && inc->severity == sev)
			return WR_PLAN_NOOP;
		kind = WR_EV_SEVERITY_SET;
		break;
	case WR_OP_POSTMORTEM:
		if (args->text == NULL || args->text[0] == '\0')
			REFUSE("a postmortem needs text");
		if (strlen(args->text) > WR_POSTMORTEM_MAX)
			REFUSE("a postmortem is at most %d bytes",
			    WR_POSTMORTEM_MAX);
		if (args->base < 0 || args->base > inc->pm_version)
			REFUSE("based on v%lld, but #%lld has %lld versions",
			    (long long)args->base, (long long)inc->id,
			    (long long)inc->pm_version);
		kind = WR_EV_POSTMORTEM;
		break;
	case WR_OP_SNOOZE:
		/* a snooze is of an acknowledged incident: it comes back
		 * triggered when the time is up (snooze_over) */
		if (inc->state != WR_ST_ACKNOWLEDGED)
			REFUSE("incident %lld is %s; only an acknowledged "
			    "incident can be snoozed (ack it first)",
			    (long long)inc->id, wr_state_name(inc->state));
		if (args->until <= op->now)
			REFUSE("the snooze's end has passed");
		if (args->until - op->now > WR_SNOOZE_MAX_MS)
			REFUSE("a snooze lasts a week at most");
		if (inc->snooze_until == args->until)
			return WR_PLAN_NOOP;
		kind = WR_EV_SNOOZED;
		break;
	default:
		REFUSE("unknown op %d", (int)op->kind);
	}
	memset(out, 0, sizeof *out);
	out->kind = kind;
	out->incident = inc->id;
	out->time = op->now;
	out->actor = xstrdup(op->actor);
	out->via = xstrdup0(op->via);
	out->op_id = xstrdup0(op->op_id);
	out->made_at = wr_op_made_at(op->made_at, inc->created, op->now);
	/* the arguments its event carries too (a note's text, an
	 * assignee); a severity goes by its parsed level */
	wr_event_copy_fields(out, args, wr_event_fields_shared(info->fields,
	    wr_event_kind_info(kind)->fields));
	if (kind == WR_EV_SEVERITY_SET)
		out->severity = sev;
	/* What Alertmanager made: its id, end and the whole matchers (the
	 * op's narrowed the group's). */
	if (kind == WR_EV_SILENCED || kind == WR_EV_UNSILENCED)
		util_set_str(&out->silence_id, op->am_silence_id);
	if (kind == WR_EV_SILENCED) {
		out->ends = op->am_ends;
		util_set_str(&out->matchers, op->am_matchers);
	}
	/* every save is a new version, whatever it was based on */
	if (kind == WR_EV_POSTMORTEM)
		out->version = inc->pm_version + 1;
	return WR_PLAN_EVENT;
}
