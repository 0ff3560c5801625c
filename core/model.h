/*
 * model.h: the war room's model: incidents, their alerts, and the events
 * that change them.
 *
 * Everything that happens is an event with a sequence number assigned by the
 * relay.  State is what you get by applying events in order (room.h).  This
 * header only describes the data; it does no I/O and knows nothing of SQL,
 * sockets or curses.  All times are Unix milliseconds, UTC.
 */
#ifndef WR_MODEL_H
#define WR_MODEL_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	WR_SEV_CRITICAL = 0,
	WR_SEV_ERROR,
	WR_SEV_WARNING,
	WR_SEV_INFO,
	WR_SEV_COUNT
} wr_severity;

typedef enum {
	WR_ST_TRIGGERED = 0,
	WR_ST_ACKNOWLEDGED,
	WR_ST_RESOLVED,
	WR_ST_COUNT
} wr_state;

/*
 * The fields an event may carry beyond the ones every event has (seq,
 * kind, incident, time, actor, via, op_id), and the arguments an op may
 * carry (core/room.h: an op's row names the rows it carries):
 *   X(FLAG, member of struct wr_event, name on the wire, type, max)
 * The codec (net/proto.c), the store (store/events.c, store/outbox.c) and
 * the copies and frees (core/model.c) walk this table; a new field is one
 * row here and a member of struct wr_event.  Two rows may share a member
 * under different wire names or forms (text is a note's "text", an
 * assignment's "assignee" and an op's short "text"; alert is a firing
 * alert whole or a resolve's fingerprint, start and end).
 * max: what an op may carry in it, as the relay reads it from the network:
 * bytes of a string, the value of an integer; 0 for a row no op carries
 * (times are bounded by what the decoder reads, core/timefmt.h).
 * DOC is text too, but a document (a postmortem, up to WR_FIELD_MAX_DOC
 * bytes): no one-line summary quotes it (wr_event_subject()).
 */
#define WR_FIELD_MAX_NAME	64	/* bytes: a person's or schedule's name */
#define WR_FIELD_MAX_TEXT	8192	/* bytes: a note */
#define WR_FIELD_MAX_REASON	256	/* bytes: a short reason */
#define WR_FIELD_MAX_COMMENT	1024	/* bytes: a silence's comment */
#define WR_FIELD_MAX_SILENCE_MS	31622400000LL	/* 366 days */
#define WR_FIELD_MAX_DOC	65536	/* bytes: a postmortem version */
#define WR_EVENT_FIELDS(X)						\
	X(SOURCE,	source,		"source",	WR_FT_STR, 0)	\
	X(SENDER,	sender,		"sender",	WR_FT_OPT_STR, 0) \
	X(KEY,		key,		"key",		WR_FT_STR, 0)	\
	X(TITLE,	title,		"title",	WR_FT_STR, 0)	\
	X(SERVICE,	service,	"service",	WR_FT_STR, 0)	\
	X(SEVERITY,	severity,	"severity",	WR_FT_SEV, 0)	\
	X(SEVERITY_RAW,	severity_raw,	"severity_raw",	WR_FT_OPT_STR, 0) \
	X(TEXT,		text,		"text",		WR_FT_STR,	\
	    WR_FIELD_MAX_TEXT)						\
	X(ASSIGNEE,	text,		"assignee",	WR_FT_STR, 0)	\
	X(ALERT,	alert,		"alert",	WR_FT_ALERT, 0)	\
	X(ALERT_END,	alert,		"alert",	WR_FT_ALERT_END, 0) \
	X(COUNT,	count,		"count",	WR_FT_INT, 0)	\
	X(MADE_AT,	made_at,	"made_at",	WR_FT_OPT_TIME, 0) \
	X(NAME,		text,		"text",		WR_FT_STR,	\
	    WR_FIELD_MAX_NAME)						\
	X(SCHEDULE,	schedule,	"schedule",	WR_FT_STR,	\
	    WR_FIELD_MAX_NAME)						\
	X(PERSON,	person,		"person",	WR_FT_STR,	\
	    WR_FIELD_MAX_NAME)						\
	X(FROM,		from,		"from",		WR_FT_TIME, 0)	\
	X(UNTIL,	until,		"until",	WR_FT_TIME, 0)	\
	X(REASON,	text,		"reason",	WR_FT_OPT_STR,	\
	    WR_FIELD_MAX_REASON)					\
	X(REF,		ref,		"ref",		WR_FT_INT,	\
	    INT64_MAX)							\
	X(SILENCE_ID,	silence_id,	"silence_id",	WR_FT_OPT_STR,	\
	    WR_FIELD_MAX_NAME)						\
	X(ENDS,		ends,		"ends",		WR_FT_OPT_TIME, 0) \
	X(MATCHERS,	matchers,	"matchers",	WR_FT_OPT_STR,	\
	    WR_FIELD_MAX_TEXT)						\
	X(DURATION,	duration,	"duration_ms",	WR_FT_INT,	\
	    WR_FIELD_MAX_SILENCE_MS)					\
	X(COMMENT,	text,		"comment",	WR_FT_OPT_STR,	\
	    WR_FIELD_MAX_COMMENT) \
	X(DOC,		text,		"text",		WR_FT_STR,	\
	    WR_FIELD_MAX_DOC)						\
	X(VERSION,	version,	"version",	WR_FT_INT, 0)	\
	X(BASE,		base,		"base",		WR_FT_INT,	\
	    INT64_MAX) \
	X(NOTIFIER,	notifier,	"notifier",	WR_FT_STR, 0)	\
	X(NEXT_AT,	next_at,	"next_at",	WR_FT_OPT_TIME, 0) \
	X(TARGETS,	text,		"targets",	WR_FT_STR, 0)	\
	X(POLICY,	policy,		"policy",	WR_FT_STR, 0)	\
	X(WHY,		why,		"why",		WR_FT_OPT_STR, 0) \
	X(STEP,		step,		"step",		WR_FT_INT, 0)	\
	X(STEPS,	steps,		"steps",	WR_FT_INT, 0)	\
	X(ROUND,	round,		"round",	WR_FT_INT, 0)	\
	X(AFTER,	after_ms,	"after_ms",	WR_FT_INT, 0)	\
	X(NEW_SILENCE_ID, new_silence_id, "new_silence_id", WR_FT_OPT_STR, \
	    WR_FIELD_MAX_NAME)

enum wr_field_type {
	WR_FT_STR,		/* a string, required on the wire ("" allowed;
				 * an op's must not be empty) */
	WR_FT_OPT_STR,		/* a string, absent when NULL */
	WR_FT_SEV,		/* a wr_severity, by name on the wire */
	WR_FT_ALERT,		/* a whole alert occurrence (firing) */
	WR_FT_ALERT_END,	/* fingerprint, starts and ends only */
	WR_FT_INT,		/* an integer >= 0, required on the wire */
	WR_FT_OPT_TIME,		/* a time (Unix ms), absent when 0 */
	WR_FT_TIME		/* a time (Unix ms), required on the wire */
};

enum wr_event_field_bit {
#define WR_X_(flag, member, wire, type, max) WR_EVF_BIT_##flag,
	WR_EVENT_FIELDS(WR_X_)
#undef WR_X_
	WR_EVF_COUNT
};
/* A set of field rows: one bit each, 64 at most (model.c checks). */
typedef uint64_t wr_evf;
#define WR_EVF(flag)	((wr_evf)1 << WR_EVF_BIT_##flag)

struct wr_event_field {
	wr_evf flag;		/* WR_EVF(...) */
	const char *member;	/* its member's name (the store's key) */
	const char *wire;	/* its name on the wire */
	enum wr_field_type type;
	int64_t max;		/* an op's bound (see WR_EVENT_FIELDS) */
	size_t offset;		/* of the member in struct wr_event */
};

/*
 * What an event or an op is about: one incident (it has an id >= 1), or
 * the on-call schedules as a whole (no incident: overrides, cover
 * requests).  A schedule-wide event has no "incident" on the wire and
 * incident 0 in memory and on disk; the room (core/room.h) only numbers
 * it, and whoever keeps schedules applies it.
 */
enum wr_scope { WR_SCOPE_INCIDENT = 0, WR_SCOPE_SCHEDULE };

/* How a timeline shows an event: it opens, closes or only changes. */
enum wr_event_tone { WR_TONE_NORMAL = 0, WR_TONE_OPENS, WR_TONE_CLOSES };

/*
 * Event kinds: one row each, and everything about a kind is its row.
 *   X(NAME, number, wire name, scope, fields, phrase, words, tone)
 * number: stored on disk and never reused: append rows, never renumber.
 * scope: WR_SCOPE_INCIDENT or WR_SCOPE_SCHEDULE (enum wr_scope).
 * phrase: the words in "PHRASE by alice" ("note by bob").
 * words: what a timeline says of it, a template over its fields:
 *   {fingerprint}, {alertname} and {severity} (the source's own word
 *   when it sent one) expand to what they say, {duration} to a duration
 *   ("2h"), any other {NAME} to the field of that wire name (a time as
 *   RFC 3339 UTC, or as the describer's clock shows it:
 *   wr_event_words_fmt()), and a field that is empty also takes the space
 *   after it.
 *   {based} is " (based on v2)" when a postmortem version was saved from
 *   an older one than the newest.
 *   The escalation's words also have {who}, the people paged
 *   ("nobody" for none), {, why} and { (why)}, the why with that
 *   punctuation (nothing without one), {, repeat}, ", repeat 1" in a
 *   repeat round, and {after}, a duration ("30m").
 * The enum, the names, the codec, the store and every describer come from
 * here: a new kind is one row.
 */
#define WR_EVENT_KINDS(X)						\
	X(TRIGGERED, 1, "triggered", WR_SCOPE_INCIDENT,			\
	    WR_EVF(SOURCE) | WR_EVF(SENDER) | WR_EVF(KEY) | WR_EVF(TITLE) | \
	    WR_EVF(SERVICE) | WR_EVF(SEVERITY) | WR_EVF(SEVERITY_RAW),	\
	    "triggered", "triggered: {title} ({service}, {severity})",	\
	    WR_TONE_OPENS)						\
	X(ALERT_FIRING, 2, "alert_firing", WR_SCOPE_INCIDENT,		\
	    WR_EVF(ALERT), "alert firing",				\
	    "alert firing: {alertname} {fingerprint}", WR_TONE_NORMAL)	\
	X(ALERT_RESOLVED, 3, "alert_resolved", WR_SCOPE_INCIDENT,	\
	    WR_EVF(ALERT_END), "alert resolved",			\
	    "alert resolved: {fingerprint}", WR_TONE_NORMAL)		\
	X(ACKNOWLEDGED, 4, "acknowledged", WR_SCOPE_INCIDENT,		\
	    WR_EVF(MADE_AT), "acknowledged", "acknowledged",		\
	    WR_TONE_NORMAL)						\
	X(UNACKNOWLEDGED, 5, "unacknowledged", WR_SCOPE_INCIDENT,	\
	    WR_EVF(MADE_AT), "unacknowledged", "unacknowledged",	\
	    WR_TONE_NORMAL)						\
	X(NOTE, 6, "note", WR_SCOPE_INCIDENT,				\
	    WR_EVF(TEXT) | WR_EVF(MADE_AT), "note", "note: {text}",	\
	    WR_TONE_NORMAL)						\
	X(RESOLVED, 7, "resolved", WR_SCOPE_INCIDENT, WR_EVF(MADE_AT),	\
	    "resolved", "resolved", WR_TONE_CLOSES)			\
	X(REOPENED, 8, "reopened", WR_SCOPE_INCIDENT, WR_EVF(MADE_AT),	\
	    "reopened", "reopened", WR_TONE_OPENS)			\
	X(ASSIGNED, 9, "assigned", WR_SCOPE_INCIDENT,			\
	    WR_EVF(ASSIGNEE) | WR_EVF(MADE_AT), "assigned",		\
	    "assigned to {text}", WR_TONE_NORMAL)			\
	X(RETITLED, 10, "retitled", WR_SCOPE_INCIDENT, WR_EVF(TITLE),	\
	    "retitled", "retitled: {title}", WR_TONE_NORMAL)		\
	X(TRUNCATED, 11, "truncated", WR_SCOPE_INCIDENT, WR_EVF(COUNT),	\
	    "alerts left out",						\
	    "Alertmanager left out {count} alerts (max_alerts)",	\
	    WR_TONE_NORMAL)						\
	X(SEVERITY_RAISED, 12, "severity_raised", WR_SCOPE_INCIDENT,	\
	    WR_EVF(SEVERITY) | WR_EVF(SEVERITY_RAW), "severity raised",	\
	    "severity raised to {severity}", WR_TONE_NORMAL)		\
	X(SEVERITY_LOWERED, 13, "severity_lowered", WR_SCOPE_INCIDENT,	\
	    WR_EVF(SEVERITY) | WR_EVF(SEVERITY_RAW), "severity lowered",	\
	    "severity lowered to {severity}", WR_TONE_NORMAL)		\
	X(SEVERITY_SET, 14, "severity_set", WR_SCOPE_INCIDENT,		\
	    WR_EVF(SEVERITY) | WR_EVF(MADE_AT),				\
	    "severity set", "severity set to {severity}", WR_TONE_NORMAL) \
	X(OVERRIDE_ADDED, 15, "override_added", WR_SCOPE_SCHEDULE,	\
	    WR_EVF(SCHEDULE) | WR_EVF(PERSON) | WR_EVF(FROM) |		\
	    WR_EVF(UNTIL) | WR_EVF(MADE_AT), "override",		\
	    "{person} on call for {schedule} from {from} until {until}", \
	    WR_TONE_NORMAL)						\
	X(OVERRIDE_REMOVED, 16, "override_removed", WR_SCOPE_SCHEDULE,	\
	    WR_EVF(SCHEDULE) | WR_EVF(REF) | WR_EVF(MADE_AT),		\
	    "override removed", "override {ref} of {schedule} removed",	\
	    WR_TONE_NORMAL)						\
	X(COVER_REQUESTED, 17, "cover_requested", WR_SCOPE_SCHEDULE,	\
	    WR_EVF(SCHEDULE) | WR_EVF(FROM) | WR_EVF(UNTIL) |		\
	    WR_EVF(REASON) | WR_EVF(MADE_AT), "cover request",		\
	    "asks for cover: {schedule} from {from} until {until} {reason}", \
	    WR_TONE_NORMAL)						\
	X(COVER_TAKEN, 18, "cover_taken", WR_SCOPE_SCHEDULE,		\
	    WR_EVF(SCHEDULE) | WR_EVF(PERSON) | WR_EVF(FROM) |		\
	    WR_EVF(UNTIL) | WR_EVF(REF) | WR_EVF(MADE_AT), "cover taken",	\
	    "took cover request {ref}: {person} on call for {schedule} "	\
	    "from {from} until {until}", WR_TONE_NORMAL)		\
	X(SILENCED, 19, "silenced", WR_SCOPE_INCIDENT,			\
	    WR_EVF(SILENCE_ID) | WR_EVF(ENDS) | WR_EVF(MATCHERS) |	\
	    WR_EVF(DURATION) | WR_EVF(COMMENT) | WR_EVF(MADE_AT),	\
	    "silenced", "silenced for {duration}, until {ends}: {matchers} " \
	    "(silence {silence_id}) {comment}", WR_TONE_NORMAL)		\
	X(UNSILENCED, 20, "unsilenced", WR_SCOPE_INCIDENT,		\
	    WR_EVF(SILENCE_ID) | WR_EVF(MADE_AT), "unsilenced",		\
	    "unsilenced: silence {silence_id} expired", WR_TONE_NORMAL)	\
	X(SILENCE_EXPIRED, 21, "silence_expired", WR_SCOPE_INCIDENT,	\
	    WR_EVF(SILENCE_ID) | WR_EVF(ENDS), "silence expired",	\
	    "silence {silence_id} expired at {ends}", WR_TONE_NORMAL)	\
	X(SILENCE_CHANGED, 22, "silence_changed", WR_SCOPE_INCIDENT,	\
	    WR_EVF(SILENCE_ID) | WR_EVF(ENDS) | WR_EVF(MATCHERS) |	\
	    WR_EVF(NEW_SILENCE_ID), "silence changed",			\
	    "silence {silence_id} changed at Alertmanager{, now silence}: " \
	    "until {ends}, {matchers}", WR_TONE_NORMAL)			\
	X(POSTMORTEM, 23, "postmortem", WR_SCOPE_INCIDENT,		\
	    WR_EVF(DOC) | WR_EVF(VERSION) | WR_EVF(BASE) | WR_EVF(MADE_AT), \
	    "postmortem saved", "postmortem v{version} saved{based}",	\
	    WR_TONE_NORMAL) \
	X(NOTIFIED, 24, "notified", WR_SCOPE_INCIDENT,			\
	    WR_EVF(PERSON) | WR_EVF(NOTIFIER) | WR_EVF(TEXT) | WR_EVF(COUNT) | \
	    WR_EVF(NEXT_AT) | WR_EVF(WHY), "notified", "notified {text}", \
	    WR_TONE_NORMAL) \
	X(POLICY_ASSIGNED, 25, "policy_assigned", WR_SCOPE_INCIDENT,	\
	    WR_EVF(TARGETS) | WR_EVF(POLICY) | WR_EVF(WHY) | WR_EVF(STEP) | \
	    WR_EVF(STEPS) | WR_EVF(ROUND) | WR_EVF(NEXT_AT),		\
	    "assigned by policy", "assigned to {who}{, why}",		\
	    WR_TONE_NORMAL)						\
	X(ESCALATED, 26, "escalated", WR_SCOPE_INCIDENT,		\
	    WR_EVF(TARGETS) | WR_EVF(POLICY) | WR_EVF(WHY) | WR_EVF(STEP) | \
	    WR_EVF(STEPS) | WR_EVF(ROUND) | WR_EVF(NEXT_AT),		\
	    "escalated", "escalated to {who}{ (why)}, step {step} of "	\
	    "{steps}{, repeat}", WR_TONE_NORMAL)			\
	X(ACK_EXPIRED, 27, "ack_expired", WR_SCOPE_INCIDENT,		\
	    WR_EVF(POLICY) | WR_EVF(AFTER), "acknowledgement expired",	\
	    "acknowledgement expired after {after} (ack-timeout of policy " \
	    "{policy}): triggered again", WR_TONE_NORMAL)		\
	X(SNOOZED, 28, "snoozed", WR_SCOPE_INCIDENT,			\
	    WR_EVF(UNTIL) | WR_EVF(MADE_AT), "snoozed",			\
	    "snoozed until {until}", WR_TONE_NORMAL)			\
	X(SNOOZE_OVER, 29, "snooze_over", WR_SCOPE_INCIDENT, 0,	\
	    "snooze over", "snooze over: triggered again", WR_TONE_NORMAL) \
	X(COVER_WITHDRAWN, 30, "cover_withdrawn", WR_SCOPE_SCHEDULE,	\
	    WR_EVF(SCHEDULE) | WR_EVF(REF) | WR_EVF(MADE_AT),		\
	    "cover request withdrawn",					\
	    "withdrew cover request {ref} of {schedule}", WR_TONE_NORMAL)

/* The numbers are stored on disk: append rows, never renumber. */
typedef enum {
	WR_EV_NONE = 0,
#define WR_X_(name, num, wire, scope, fields, phrase, words, tone) \
	WR_EV_##name = num,
	WR_EVENT_KINDS(WR_X_)
#undef WR_X_
	WR_EV_KIND_COUNT	/* rows are in number order: the last + 1 */
} wr_event_kind;

struct wr_event_kind_info {
	wr_event_kind kind;
	const char *name;	/* on the wire */
	enum wr_scope scope;
	wr_evf fields;		/* WR_EVF(...) bits */
	const char *phrase;
	const char *words;
	enum wr_event_tone tone;
};

struct wr_kv {
	char *key;
	char *value;
};

struct wr_kvlist {
	struct wr_kv *v;
	size_t n;
	size_t cap;	/* 0 when unknown: the next add reallocates */
};

/* One alert occurrence: fingerprint plus start time is its identity. */
struct wr_alert {
	char *fingerprint;
	int64_t starts;
	int64_t ends;		/* 0 while firing */
	int firing;
	int64_t last_seen;
	/* How bad the source says this alert is (the adapter sets it from
	 * the alert's labels, else the group's); an incident is as bad as
	 * its worst firing alert. */
	wr_severity severity;
	struct wr_kvlist labels;
	struct wr_kvlist annotations;
};

#define WR_LABELS_TEXT_MAX 1024

/* One Alertmanager silence an incident holds (core/silence.h). */
struct wr_silence {
	char *id;		/* Alertmanager's silenceID */
	int64_t ends;		/* when it ends (Unix ms) */
	char *by;		/* who made it */
	char *matchers;		/* wr_matchers_format()'s form */
};

struct wr_incident {
	int64_t id;		/* small integer, assigned by the relay */
	char *source;		/* "alertmanager", "events-v2", ... */
	/* who sent it: the ingest token's name (for Events v2 with a digest
	 * of the routing key); "" for none.  Identity is (source, sender,
	 * key). */
	char *sender;
	char *key;		/* the source's grouping identity */
	char *title;
	char *service;
	wr_severity severity;
	char *severity_raw;	/* what the source sent, when it was not one of ours */
	/* who set the severity by hand (it then sticks against the source);
	 * NULL while the alerts decide it */
	char *severity_by;
	/* alerts the source said it left out of its last delivery
	 * (Alertmanager's truncatedAlerts); counted in n_alerts/n_firing */
	int64_t truncated;
	wr_state state;
	char *ack_by;
	int64_t ack_at;
	char *resolved_by;
	int64_t resolved_at;
	char *assignee;
	int64_t created;
	int64_t updated;
	int64_t last_seen;
	/*
	 * Its escalation (core/policy.h), kept from the log by the reducer:
	 * when the current round of it began (the trigger, an unack, a
	 * reopen, an acknowledgement that ran out, a snooze that is over;
	 * 0 while it is stopped: acknowledged, resolved), how many steps
	 * have fired since, under which policy, whom the last one paged
	 * ("alice, bob"), how many steps the policy has and when the next
	 * one fires, as the last step said (0: none).
	 */
	int64_t esc_since;
	int64_t esc_fired;
	char *esc_policy;
	char *esc_target;
	int64_t esc_steps;
	int64_t esc_next_at;
	/* The assignee is the policy's (POLICY_ASSIGNED), not a person's. */
	int assigned_by_policy;
	/* When the relay took the acknowledgement (its event's time; ack_at
	 * is when the person made it): an ack-timeout runs from it.  0: not
	 * acknowledged, or a row stored before it was kept. */
	int64_t ack_seen_at;
	/* Acknowledged and snoozed until then (Unix ms); 0: not snoozed. */
	int64_t snooze_until;
	int n_alerts;		/* occurrences ever joined */
	int n_firing;		/* occurrences still firing */
	int n_notes;
	/* Its postmortem: the newest version's number (0: none yet), who
	 * saved it and when they did (core/postmortem.h). */
	int64_t pm_version;
	char *pm_by;
	int64_t pm_at;
	/* "k=v k=v ...": the distinct labels of its alerts, bounded
	 * (WR_LABELS_TEXT_MAX), so a console that keeps no alerts in memory
	 * can still filter on them. */
	char *labels_text;
	/* Its active Alertmanager silences, at most WR_SILENCES_MAX
	 * (core/silence.h): what the silence events left. */
	struct wr_silence *silences;
	size_t n_silences;
	/* The occurrences themselves, kept only when the room keeps alerts. */
	struct wr_alert *alerts;
	size_t alerts_len;
	size_t alerts_cap;
};

/*
 * One event.  A flat record: which fields mean something depends on kind
 * (its row in WR_EVENT_KINDS says which).  Every event has seq, kind,
 * incident, time, actor; via (the token's name) and op_id when a person's
 * op caused it.
 */
struct wr_event {
	int64_t seq;
	wr_event_kind kind;
	int64_t incident;
	int64_t time;
	char *actor;
	char *via;
	char *op_id;
	char *source;
	char *sender;
	char *key;
	char *title;
	char *service;
	wr_severity severity;
	char *severity_raw;
	struct wr_alert alert;
	char *text;
	/* TRUNCATED: the alerts of the group the source left out that the
	 * room has never been sent (it counts them as firing) */
	int64_t count;
	/* Schedule-wide kinds: the schedule, the person, the stretch of time
	 * and the event it refers to (an override or a cover request goes
	 * by the seq of the event that made it). */
	char *schedule;
	char *person;
	int64_t from;
	int64_t until;
	int64_t ref;
	/* The silence kinds: Alertmanager's silence id, when the silence
	 * ends, its matchers (wr_matchers_format()'s form) and, for one
	 * made, how long it was made for (ms); the comment is text.  A
	 * silence op carries duration, comment and the matchers to narrow by
	 * (the relay adds the group's); an unsilence op the silence id (or a
	 * prefix), or none for the incident's only silence. */
	char *silence_id;
	int64_t ends;
	char *matchers;
	int64_t duration;
	/* The escalation's kinds (core/policy.h): the policy, why the people
	 * paged (text: "alice, bob") were ("on call for primary"), the step
	 * (1-based) of how many, the round (0: the first, then the
	 * repeats), when the next step fires (next_at, below; 0: none);
	 * ACK_EXPIRED: the
	 * ack-timeout that ran out (ms).  SNOOZED: until, the snooze's end. */
	char *policy;
	char *why;
	int64_t step;
	int64_t steps;
	int64_t round;
	int64_t after_ms;
	/* The kinds a person's op makes: when the person acted (the console's
	 * clock when the key was pressed, bounded by the relay: not before
	 * the incident was created, not after the event's time, which is
	 * when the op arrived).  0 when unknown (an event from before made_at
	 * existed, or one a source made): the event's time stands for it. */
	int64_t made_at;
	/* POSTMORTEM: the version saved (1, 2, ...: the relay numbers them)
	 * and the version it was edited from (0: from the template). */
	int64_t version;
	int64_t base;
	/* NOTIFIED: whom (person), through which notifier ([notifier
	 * NAME]), which attempt (count, from 1), when it is tried again
	 * (next_at, 0: it is not), the page's reason (why: "assigned by
	 * bob", the one a retry after a restart says again), and the whole
	 * of it in words (text: "alice
	 * via pager: delivered", so that what shows only an event's subject
	 * shows it all) */
	char *notifier;
	int64_t next_at;
	/* SILENCE_CHANGED: the silence that replaced silence_id, when
	 * Alertmanager made a new one for an edit (it does when the
	 * matchers or the start change); NULL for one changed in place. */
	char *new_silence_id;
};

struct wr_evlist {
	struct wr_event *v;
	size_t n;
	size_t cap;
};

const char *wr_severity_name(wr_severity s);
/* Returns 0 and sets *out, or -1 for a name that is not one of ours. */
int wr_severity_parse(const char *name, wr_severity *out);
const char *wr_state_name(wr_state s);
int wr_state_parse(const char *name, wr_state *out);
const char *wr_event_kind_name(wr_event_kind k);
wr_event_kind wr_event_kind_parse(const char *name);
/* The row of a kind; for an unknown one a row named "none" with no
 * fields. */
const struct wr_event_kind_info *wr_event_kind_info(wr_event_kind k);
/* The field table (WR_EVENT_FIELDS), *n rows. */
const struct wr_event_field *wr_event_fields(size_t *n);
/* Whether row i of the table shares its member with an earlier row (a
 * walk over the members rather than the wire names skips it). */
int wr_event_field_repeats(size_t i);
/* The member of e that row f names, as text: a string as it is (NULL when
 * unset), an integer in decimal, a time as RFC 3339 UTC (NULL when 0), a
 * severity by name; NULL for an alert.  buf (>= 40 bytes) holds what is
 * not borrowed from e. */
const char *wr_event_field_text(const struct wr_event *e,
    const struct wr_event_field *f, char *buf, size_t size);
/* The text of e's field of wire name wire (the first row of that name),
 * as wr_event_field_text() gives it; NULL for no such row. */
const char *wr_event_field_named(const struct wr_event *e, const char *wire,
    char *buf, size_t size);
/*
 * Copy into dst the members of the rows in fields (WR_EVF bits) from src,
 * deep, replacing (and freeing) what dst held in them.  The planners use
 * it to give an event the arguments its op carried.
 */
void wr_event_copy_fields(struct wr_event *dst, const struct wr_event *src,
    wr_evf fields);
/* The WR_EVF bits of the rows whose members are also those of a row in
 * fields: what an event of kind `to` can take of an op's fields. */
wr_evf wr_event_fields_shared(wr_evf fields, wr_evf to);
/* "acknowledged", "alert firing", "note": for "PHRASE by alice". */
const char *wr_event_phrase(wr_event_kind k);
/*
 * What a timeline says of e, from its kind's words ("assigned to bob",
 * "note: rolled back"), malloc'd.  Untrusted text is included as it is:
 * the caller sanitises the whole before it is shown.
 */
char *wr_event_words(const struct wr_event *e);
/* The same with times written by fmt (the console's clock: local or UTC;
 * NULL: RFC 3339 UTC, as wr_event_words() writes them). */
typedef void wr_time_fmt_fn(int64_t ms, char *buf, size_t size, void *ud);
char *wr_event_words_fmt(const struct wr_event *e, wr_time_fmt_fn *fmt,
    void *ud);
/* The token e came through when it is worth showing beside its actor
 * ("by alice (via war-room)"): set, not "-" (a relay without auth), and
 * not the actor's own name; else NULL.  Borrowed from e. */
const char *wr_event_via(const struct wr_event *e);
/* When the person acted: made_at when known, else the event's time.  What
 * a timeline shows and what the incident's ack and resolve times are. */
int64_t wr_event_acted_at(const struct wr_event *e);
/* Delivery lag a timeline mentions ("delivered 3m later"): from this on;
 * below it a lag is the network's ordinary delay, not news. */
#define WR_EVENT_LAG_SHOWN_MS	10000
/* How long after the person acted the relay recorded e, when that is
 * WR_EVENT_LAG_SHOWN_MS or more; else 0. */
int64_t wr_event_delivery_lag(const struct wr_event *e);
/* The one thing e is about, for a one-line summary ("by alice: TEXT"):
 * its text, else its title, else its alert's fingerprint; NULL for a kind
 * that carries none of them.  Borrowed from e. */
const char *wr_event_subject(const struct wr_event *e);
/*
 * Expand a template: each {name} becomes what get(ud, name) returns (NULL
 * or "" for nothing, and then the space after it is dropped too).
 * Malloc'd.  The event words and the op words both use it.
 */
char *wr_template(const char *tmpl,
    const char *(*get)(void *ud, const char *name), void *ud);

/* kv lists: deep copies, lookups, frees. */
void wr_kvlist_add(struct wr_kvlist *l, const char *key, const char *value);
const char *wr_kvlist_get(const struct wr_kvlist *l, const char *key);
void wr_kvlist_copy(struct wr_kvlist *dst, const struct wr_kvlist *src);
void wr_kvlist_free(struct wr_kvlist *l);

void wr_alert_copy(struct wr_alert *dst, const struct wr_alert *src);
void wr_alert_free(struct wr_alert *a);

/* Deep copy; dst is overwritten (not freed first). */
void wr_event_copy(struct wr_event *dst, const struct wr_event *src);
void wr_event_free(struct wr_event *e);
void wr_incident_free(struct wr_incident *inc);
/* Add an alert's labels to inc->labels_text (distinct, bounded). */
void wr_incident_note_labels(struct wr_incident *inc,
    const struct wr_kvlist *labels);
/* Deep copy of an incident's summary (no alerts). */
struct wr_incident *wr_incident_dup_summary(const struct wr_incident *inc);

/* Lists of events: push returns the new zeroed slot. */
struct wr_event *wr_evlist_push(struct wr_evlist *l);
void wr_evlist_clear(struct wr_evlist *l);
void wr_evlist_free(struct wr_evlist *l);

#endif
