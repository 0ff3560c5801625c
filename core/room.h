/*
 * room.h: the room (every incident) and the reducer that changes it.
 *
 * wr_room_apply() applies one event, in seq order.  The wr_room_plan_*()
 * functions compute the events an input would cause against the room as it
 * is, without changing it, so that a caller can commit the events first and
 * apply them after (DESIGN.md, "Data flow, relay").  Planned events carry
 * seq 0; the caller numbers them when it appends them to the log.
 *
 * Pure: no I/O.  Both the relay (which keeps every alert) and the console
 * (which keeps summaries only) use it.
 */
#ifndef WR_ROOM_H
#define WR_ROOM_H

#include "model.h"

enum wr_apply_result {
	WR_APPLY_OK = 0,
	WR_APPLY_OLD,		/* seq at or below the last applied: ignored */
	WR_APPLY_GAP,		/* seq beyond last+1: protocol error, resync */
	WR_APPLY_REFUSED	/* the event does not fit the room (reason set) */
};

enum wr_plan_result {
	WR_PLAN_EVENT = 0,	/* an event was planned */
	WR_PLAN_NOOP,		/* the op changes nothing */
	WR_PLAN_REFUSED		/* the op is not allowed (reason set) */
};

/*
 * Op kinds, one row each:
 *   X(NAME, number, wire name, scope, fields, event, noun, done, noop)
 * number: stored in consoles' outboxes: append rows, never renumber.
 * scope: an incident's op (it names one, id >= 1) or a schedule-wide one
 * (enum wr_scope in model.h: it names none).  fields: the arguments it
 * carries, rows of WR_EVENT_FIELDS (WR_EVF bits): their wire names and
 * types are the codec's (net/proto.c), their bounds the rows' max; the
 * outbox keeps them as a JSON body; the event it makes gets those of
 * them it carries too (wr_event_fields_shared()).  A new argument is a
 * row there and a bit here.  event: the kind it makes.
 * noun: "the NOUN of #42 is queued".  done, noop: what a one-shot command
 * says when the relay applied it or found nothing to change; templates
 * over {id} and its fields by wire name ({text}, {schedule}, ...).
 */
#define WR_OP_KINDS(X)							\
	X(ACK, 1, "ack", WR_SCOPE_INCIDENT, 0, WR_EV_ACKNOWLEDGED, "ack", \
	    "acknowledged #{id}", "#{id} was already acknowledged")	\
	X(UNACK, 2, "unack", WR_SCOPE_INCIDENT, 0, WR_EV_UNACKNOWLEDGED, \
	    "unack", "unacknowledged #{id}", "#{id} was not acknowledged") \
	X(RESOLVE, 3, "resolve", WR_SCOPE_INCIDENT, 0, WR_EV_RESOLVED,	\
	    "resolve", "resolved #{id}", "#{id} was already resolved")	\
	X(REOPEN, 4, "reopen", WR_SCOPE_INCIDENT, 0, WR_EV_REOPENED,	\
	    "reopen", "reopened #{id}", "#{id} was not resolved")	\
	X(NOTE, 5, "note", WR_SCOPE_INCIDENT, WR_EVF(TEXT), WR_EV_NOTE,	\
	    "note", "noted on #{id}", "#{id}: the note changed nothing") \
	X(ASSIGN, 6, "assign", WR_SCOPE_INCIDENT, WR_EVF(NAME),		\
	    WR_EV_ASSIGNED, "assignment", "assigned #{id} to {text}",	\
	    "#{id} was already assigned to {text}")			\
	X(SEV, 7, "sev", WR_SCOPE_INCIDENT, WR_EVF(NAME),		\
	    WR_EV_SEVERITY_SET, "severity",				\
	    "set the severity of #{id} to {text}",			\
	    "#{id} was already set to {text}")				\
	X(OVERRIDE, 8, "override", WR_SCOPE_SCHEDULE,			\
	    WR_EVF(SCHEDULE) | WR_EVF(PERSON) | WR_EVF(FROM) | WR_EVF(UNTIL), \
	    WR_EV_OVERRIDE_ADDED, "override",				\
	    "{person} is on call for {schedule} from {from} until {until}", \
	    "{person} was already on call for {schedule} then")		\
	X(OVERRIDE_RM, 9, "override_rm", WR_SCOPE_SCHEDULE, WR_EVF(REF),	\
	    WR_EV_OVERRIDE_REMOVED, "override removal",			\
	    "removed override {ref}", "override {ref} was already gone")	\
	X(COVER, 10, "cover", WR_SCOPE_SCHEDULE,			\
	    WR_EVF(SCHEDULE) | WR_EVF(FROM) | WR_EVF(UNTIL) | WR_EVF(REASON), \
	    WR_EV_COVER_REQUESTED, "cover request",			\
	    "asked for cover of {schedule} from {from} until {until}",	\
	    "that cover request was already made")			\
	X(TAKE, 11, "take", WR_SCOPE_SCHEDULE, WR_EVF(REF),		\
	    WR_EV_COVER_TAKEN, "take",					\
	    "took cover request {ref}", "cover request {ref} was already taken") \
	X(SILENCE, 12, "silence", WR_SCOPE_INCIDENT,			\
	    WR_EVF(DURATION) | WR_EVF(COMMENT) | WR_EVF(MATCHERS),	\
	    WR_EV_SILENCED, "silence", "silenced #{id} for {duration}",	\
	    "#{id} already had that silence")				\
	X(UNSILENCE, 13, "unsilence", WR_SCOPE_INCIDENT, WR_EVF(SILENCE_ID), \
	    WR_EV_UNSILENCED, "unsilence", "unsilenced #{id}",		\
	    "#{id} no longer had that silence") \
	X(POSTMORTEM, 14, "postmortem", WR_SCOPE_INCIDENT,		\
	    WR_EVF(DOC) | WR_EVF(BASE), WR_EV_POSTMORTEM, "postmortem",	\
	    "saved the postmortem of #{id}",				\
	    "#{id}: the postmortem changed nothing") \
	X(SNOOZE, 15, "snooze", WR_SCOPE_INCIDENT, WR_EVF(UNTIL),	\
	    WR_EV_SNOOZED, "snooze", "snoozed #{id} until {until}",	\
	    "#{id} was already snoozed until {until}")			\
	X(COVER_RM, 16, "cover_rm", WR_SCOPE_SCHEDULE, WR_EVF(REF),	\
	    WR_EV_COVER_WITHDRAWN, "withdrawal",			\
	    "withdrew cover request {ref}",				\
	    "cover request {ref} was already withdrawn")

typedef enum {
#define WR_X_(name, num, wire, scope, fields, event, noun, done, noop) \
	WR_OP_##name = num,
	WR_OP_KINDS(WR_X_)
#undef WR_X_
	WR_OP_KIND_COUNT	/* rows are in number order: the last + 1 */
} wr_op_kind;

struct wr_op_kind_info {
	wr_op_kind kind;
	const char *name;
	enum wr_scope scope;
	wr_evf fields;		/* WR_EVF(...) bits: its arguments */
	wr_event_kind event;
	const char *noun;
	const char *done;
	const char *noop;
};

struct wr_strmap;

struct wr_room {
	int64_t last_seq;
	int64_t next_id;	/* the id the next new incident gets */
	int keep_alerts;	/* relay: 1; console: 0 (summaries only) */
	struct wr_incident **inc;	/* inc[id - 1], NULL where unknown */
	size_t inc_cap;
	size_t n_incidents;
	/* source\x1fsender\x1fkey -> newest incident id */
	struct wr_strmap *by_key;
	/* counts of open (not resolved) incidents by severity, and by state */
	int open_by_sev[WR_SEV_COUNT];
	int by_state[WR_ST_COUNT];
	uint64_t generation;	/* bumped on every change, for dirty checks */
};

/* An op from a person (or a source acting like one: Events v2 ack/resolve). */
struct wr_op {
	wr_op_kind kind;
	int64_t incident;
	const char *actor;
	const char *via;
	const char *op_id;
	/* Its arguments, the fields its row names (note text, assignee,
	 * severity level, schedule, ...); NULL when it carries none. */
	const struct wr_event *args;
	int64_t now;		/* when it arrived: the event's time */
	/* When the person made it (the console's clock), 0 when the console
	 * did not say: the planned event's made_at is this, bounded by
	 * wr_op_made_at(). */
	int64_t made_at;
	/* SILENCE and UNSILENCE: what Alertmanager answered, which the
	 * relay learnt before planning (relay/silence.c): the silence's id,
	 * and for one made its end and its matchers (the group's and the
	 * person's); the duration and comment are the op's arguments. */
	const char *am_silence_id;
	int64_t am_ends;
	const char *am_matchers;
};

/* A delivery of one alert group, normalised by an ingest adapter. */
struct wr_group_input {
	const char *source;
	/* Who sent it: the ingest token's name (for Events v2 also a digest
	 * of the routing key).  Identity is (source, sender, key): two
	 * senders never share an incident.  "" when unauthenticated; NULL
	 * means the token's name, via. */
	const char *sender;
	const char *key;
	const char *title;
	const char *service;
	wr_severity severity;
	const char *severity_raw;	/* NULL when severity was one of ours */
	const struct wr_alert *alerts;	/* firing and resolved ones */
	size_t n_alerts;
	/* Alerts the source said it left out of this delivery
	 * (Alertmanager's truncatedAlerts).  A delivery with truncated > 0
	 * never resolves its incident. */
	int64_t truncated;
	/* After its incident is resolved, a firing delivery of a known
	 * occurrence is a new occurrence and opens a new incident
	 * (PagerDuty's rule for a trigger with the same dedup_key). */
	int new_after_resolve;
	/* A firing alert with the fingerprint of one the open incident holds
	 * firing is that one again, whatever start it gives (Events v2: the
	 * start of a repeated trigger is its arrival). */
	int repeat_by_fingerprint;
	const char *actor;		/* usually the source's name */
	const char *via;
	int64_t now;
};

void wr_room_init(struct wr_room *r, int keep_alerts);
void wr_room_free(struct wr_room *r);
/*
 * Empty the room for reuse (a scratch overlay, many times over): frees
 * the incidents with these ids, and any others, but keeps the slot table,
 * so that emptying costs what the room held, not its highest id.
 */
void wr_room_clear(struct wr_room *r, const int64_t *ids, size_t n);
/* Detach the incident with this id: the caller owns it.  NULL if none. */
struct wr_incident *wr_room_take(struct wr_room *r, int64_t id);

/* The incident with this id, or NULL. */
struct wr_incident *wr_room_get(const struct wr_room *r, int64_t id);
/* The newest incident for source, sender and key, or NULL.  NULL and ""
 * are the same sender. */
struct wr_incident *wr_room_find_key(const struct wr_room *r,
    const char *source, const char *sender, const char *key);

/* The sender a delivery's identity uses: its own, else its via. */
const char *wr_group_sender(const struct wr_group_input *in);

/*
 * The incident of delivery in's source, sender and key that holds
 * occurrence a (its fingerprint and start), or NULL when the room does not
 * know it (a room that keeps no alerts knows none).  What the group
 * planner reads besides the key's newest incident, so that a caller can
 * copy exactly those incidents into an overlay before planning against it.
 */
struct wr_incident *wr_room_find_occ(const struct wr_room *r,
    const struct wr_group_input *in, const struct wr_alert *a);

/*
 * Apply one event.  Returns WR_APPLY_*; on REFUSED, err (may be NULL) gets
 * the reason.  An event with seq 0 is applied without seq checks (a caller
 * replaying planned events before they are numbered never does that; tests
 * and the snapshot loader do).
 */
enum wr_apply_result wr_room_apply(struct wr_room *r, const struct wr_event *e,
    char *err, size_t errsz);

/*
 * Whether an incident id is one a room whose next id is next_id may take:
 * at least 1 and at most WR_ROOM_MAX_ID_JUMP beyond next_id.  The room's
 * slot table is indexed by id, so an absurd id from a hostile or corrupt
 * feed (an event's or a snapshot's) is refused, not allocated for.
 */
#define WR_ROOM_MAX_ID_JUMP	1000000
int wr_room_id_plausible(int64_t next_id, int64_t id);

/*
 * Take an incident loaded from a store or a snapshot: the room owns it from
 * now on.  Replaces any incident with the same id.
 */
void wr_room_put(struct wr_room *r, struct wr_incident *inc);

/*
 * Plan the events an alert group delivery causes, appended to out.  Returns
 * the number of events planned; *seen_only (may be NULL) is set to the
 * number of known occurrences that only changed their last-seen time.
 */
size_t wr_room_plan_group(const struct wr_room *r,
    const struct wr_group_input *in, struct wr_evlist *out, size_t *seen_only);

/*
 * The made_at an op's event records: what the console said (made_at; 0
 * for a console that does not say, which means now), never before the
 * incident was created and never after now, when it arrived.  A console
 * clock ahead of the relay's or behind the incident's creation is clamped,
 * not refused: the op is still the person's.
 */
int64_t wr_op_made_at(int64_t made_at, int64_t created, int64_t now);

/* The longest snooze: a snooze is for a while, not a way to forget. */
#define WR_SNOOZE_MAX_MS	(7 * 86400000LL)

/* Plan the event an op causes.  On WR_PLAN_EVENT, *out is filled (owned by
 * the caller, free with wr_event_free); its made_at is wr_op_made_at(). */
enum wr_plan_result wr_room_plan_op(const struct wr_room *r,
    const struct wr_op *op, struct wr_event *out, char *err, size_t errsz);

/* A source acting on its own incident (Events v2 acknowledge, resolve). */
struct wr_action_input {
	const char *source;
	const char *sender;	/* NULL: via, as for a group */
	const char *key;
	wr_op_kind kind;	/* WR_OP_ACK or WR_OP_RESOLVE */
	const char *actor;	/* usually the source's name */
	const char *via;
	int64_t now;
};

/*
 * Plan the events a source's action causes, appended to out; returns how
 * many.  It acts only on the newest incident of its own (source, sender,
 * key): another sender's key is not its own, and an action on a key it
 * never triggered changes nothing.  A resolve is the source saying it is
 * over: it also resolves the incident's firing alerts.
 */
size_t wr_room_plan_action(const struct wr_room *r,
    const struct wr_action_input *in, struct wr_evlist *out);

/* Update last-seen times for a repeated delivery (not an event). */
void wr_room_touch(struct wr_room *r, const struct wr_group_input *in);

const char *wr_op_kind_name(wr_op_kind k);
wr_op_kind wr_op_kind_parse(const char *name);
/* The row of an op kind; for an unknown one a row named "none". */
const struct wr_op_kind_info *wr_op_kind_info(wr_op_kind k);
/* What a one-shot command says of an op on incident id (0 for a
 * schedule-wide one) with its arguments args (may be NULL): its row's done
 * or noop words.  Malloc'd, untrusted text as it is. */
char *wr_op_words(wr_op_kind k, int noop, int64_t id,
    const struct wr_event *args);

#endif
