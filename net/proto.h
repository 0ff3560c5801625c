/*
 * proto.h: the JSON codec of the console <-> relay protocol, "warroom.v1"
 * (man/warroom-protocol.7 is the reference for every message and rule).
 *
 * One websocket text frame is one JSON object with a "type".  This module
 * turns frames into jansson objects and back, and converts the model's
 * records (events, incidents) and the protocol's own messages to and from
 * those objects.  No sockets, no SQL: net/feed and the relay's server use it.
 *
 * Decoders are strict: every field is type-checked, a failure returns -1
 * with a reason that names the field; unknown extra fields are ignored
 * (forward compatibility).  Optional fields may be absent or null; both
 * mean "none".  Strings never contain NUL.  Times on the wire are ISO 8601
 * UTC strings with milliseconds; in memory they are Unix milliseconds.
 *
 * Encoders never fail: a string that is not valid UTF-8 (which jansson
 * refuses) is sent with each ill-formed byte replaced by U+FFFD.
 */
#ifndef WR_PROTO_H
#define WR_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/model.h"
#include "core/room.h"

#define WR_PROTO_NAME "warroom.v1"

/* Limits (the relay may be configured to other frame sizes). */
#define PROTO_MAX_FRAME		(1024 * 1024)	/* bytes, default */
#define PROTO_MAX_ACTOR		WR_FIELD_MAX_NAME /* bytes: actor, user, assignee */
#define PROTO_MAX_NOTE		WR_FIELD_MAX_TEXT /* bytes of note text */
#define PROTO_MAX_EPOCH		64		/* bytes */
#define PROTO_SNAPSHOT_CHUNK	200		/* incidents per snapshot frame */
#define PROTO_HEARTBEAT_MS	10000		/* default ping interval */
#define PROTO_DEAD_INTERVALS	3		/* silent this many: dead */
#define PROTO_CLOSE_POLICY	1008		/* websocket close: slow console */
/* The frames a console may send (the relay's token bucket): this many a
 * second, in bursts of up to PROTO_RATE_BURST.  Frames over it are
 * dropped, and the burst is answered with one "rate" error. */
#define PROTO_RATE_PER_S	200
#define PROTO_RATE_BURST	400

/* Error codes ("error" messages and refused results). */
#define PROTO_ERR_BAD_FRAME		"bad_frame"
#define PROTO_ERR_BAD_OP		"bad_op"
#define PROTO_ERR_UNKNOWN_INCIDENT	"unknown_incident"
#define PROTO_ERR_EPOCH			"epoch"
#define PROTO_ERR_RATE			"rate"
#define PROTO_ERR_INTERNAL		"internal"
/* Transient: the relay could not store the op now (a "retry" result). */
#define PROTO_ERR_UNAVAILABLE		"unavailable"
/* The token may not act as the hello's user (warroomd(8), token file). */
#define PROTO_ERR_USER_NOT_ALLOWED	"user_not_allowed"
/* The relay no longer accepts the console's token (its token file was
 * reloaded without it): like a 401, not worth retrying. */
#define PROTO_ERR_TOKEN_REFUSED	"token_refused"
/* Refusals of schedule-wide ops (core/overrides.h): a schedule the relay
 * does not have, an override or a cover request that is not open. */
#define PROTO_ERR_UNKNOWN_SCHEDULE	"unknown_schedule"
#define PROTO_ERR_UNKNOWN_OVERRIDE	"unknown_override"
#define PROTO_ERR_UNKNOWN_COVER		"unknown_cover"
/* The relay streams few snapshots at once; this console's waits. */
#define PROTO_ERR_SNAPSHOT_BUSY	"snapshot_busy"
/* A refused result: the op id was used before, by this token, for an op
 * that said something else; this one is not applied. */
#define PROTO_ERR_OP_CONFLICT		"op_conflict"
/* A silence op (silence, unsilence) refused: the relay knows no
 * Alertmanager API for the incident's sender; it could not reach it (or
 * had no answer in time); it answered with an error (the reason quotes
 * its status and message).  Nothing was made. */
#define PROTO_ERR_NO_ALERTMANAGER	"no_alertmanager"
#define PROTO_ERR_AM_UNREACHABLE	"alertmanager_unreachable"
#define PROTO_ERR_AM_REFUSED		"alertmanager_refused"
/* Result statuses: "applied", "noop", "refused" (final) and "retry"
 * (nothing was recorded; send the op again later, with back-off). */
#define PROTO_RESULT_RETRY		"retry"

enum proto_type {
	PROTO_UNKNOWN = 0,
	PROTO_HELLO,
	PROTO_OP,
	PROTO_PING,
	PROTO_PONG,
	PROTO_WELCOME,
	PROTO_SNAPSHOT,
	PROTO_EVENT,
	PROTO_CAUGHT_UP,
	PROTO_RESULT,
	PROTO_ERROR,
	PROTO_SCHEDULES
};

/* "hello", "op", ...; "unknown" for PROTO_UNKNOWN. */
const char *proto_type_name(enum proto_type t);

/*
 * Parse one frame: returns a new json object (caller json_decref()s) and
 * sets *type, or returns NULL with a reason in err.  Refused: text that is
 * not JSON, invalid UTF-8, \u0000 in a string, duplicate keys, anything but
 * an object, a missing or non-string "type".  An object whose "type" is not
 * one of ours is returned with *type = PROTO_UNKNOWN (and the reason in
 * err), so that a caller may ignore messages of a newer peer.  The frame
 * size limit is the caller's to enforce before calling.
 */
json_t *proto_parse(const char *buf, size_t len, enum proto_type *type,
    char *err, size_t errsz);

/* Compact serialisation (malloc'd, caller frees with free()); steals
 * nothing.  *len (may be NULL) gets the length without the NUL.  NULL only
 * if jansson fails (out of memory). */
char *proto_dump(const json_t *o, size_t *len);

/* ---- events and incidents -------------------------------------------- */

/* The event as a message: includes "type":"event".  This is also the line
 * `warroom tail --json` prints. */
json_t *proto_event_to_json(const struct wr_event *e);
/*
 * The same frame as proto_dump(proto_event_to_json(e), len), written
 * directly as text without building the tree (the relay's hot path).
 * Where the jansson encoder would alter what is sent (a string that is
 * not valid UTF-8, a label or annotation name given twice) it is what
 * makes the frame, so the result is always the same text.  Caller
 * free()s; NULL if jansson fails (out of memory) or when
 * proto_event_check() refuses e.
 */
char *proto_event_dump(const struct wr_event *e, size_t *len);
/*
 * 0 when every console can decode e back to itself; -1 (reason in err,
 * which may be NULL) for a time outside what the decoder reads
 * (core/timefmt.h, wr_time_ok()).  proto_event_dump() returns NULL and
 * proto_event_write() -1 for such an event rather than send what no
 * console can read; the reducer never plans one.
 */
int proto_event_check(const struct wr_event *e, char *err, size_t errsz);
/*
 * The direct writer alone: append the frame's text to b and return 0, or
 * return -1 with b as it was where the jansson encoder must make the
 * frame instead (see above).
 */
struct jbuf;
int proto_event_write(struct jbuf *b, const struct wr_event *e);
/*
 * Decode an event into *out (overwritten; free with wr_event_free()).  A
 * "type" member, if present, must be "event".  seq and incident must be
 * >= 1.  For alert_firing the alert gets firing = 1 and last_seen = time;
 * for alert_resolved firing = 0.  On failure *out is left zeroed.
 */
int proto_event_from_json(const json_t *o, struct wr_event *out, char *err,
    size_t errsz);

/* An incident object; its alerts (with "firing" and "last_seen") only when
 * with_alerts is non-zero. */
json_t *proto_incident_to_json(const struct wr_incident *inc, int with_alerts);
/* Decode into a new incident (*out; free with wr_incident_free()).  The
 * "alerts" array is optional.  On failure *out is NULL. */
int proto_incident_from_json(const json_t *o, struct wr_incident **out,
    char *err, size_t errsz);

/* ---- protocol messages ----------------------------------------------- */

/* Console -> relay, first frame.  epoch NULL and seq 0 when the console has
 * nothing; client may be NULL. */
struct proto_hello {
	char *user;
	char *epoch;
	int64_t seq;
	int from_now;
	char *client;
};

/* Relay -> console, answer to hello.  mode is "replay", "snapshot" or
 * "live"; reason (why a snapshot) and token (the token's name) may be
 * NULL. */
struct proto_welcome {
	char *epoch;
	int64_t head;
	int64_t first;
	char *mode;
	char *reason;
	int heartbeat_ms;
	char *server;
	char *user;
	char *token;
};

/* Console -> relay: a person's op.  incident: 0 for a schedule-wide op
 * (its row's scope; not on the wire).  args: the arguments its row names
 * (WR_OP_KINDS' fields: a note's text, an override's schedule, person,
 * from and until), members of the event field table under their wire
 * names; the others are NULL/0 and not sent, and dropped on decode.
 * made_at: when the person made it (Unix ms, the console's clock), 0
 * when not said (omitted). */
struct proto_op {
	char *op_id;
	wr_op_kind kind;
	int64_t incident;
	char *epoch;
	char *actor;
	struct wr_event args;
	int64_t made_at;
};

/* Relay -> console: what became of an op.  status is "applied", "noop" or
 * "refused"; seq for applied only (else 0); code and reason for refused
 * only (else NULL). */
struct proto_result {
	char *op_id;
	char *status;
	int64_t seq;
	char *code;
	char *reason;
};

/*
 * The *_from_json() functions overwrite the struct (no free first); on
 * failure it is left zeroed.  The *_free() functions free the strings and
 * zero the struct (safe on a zeroed struct).
 */
json_t *proto_hello_to_json(const struct proto_hello *h);
int proto_hello_from_json(const json_t *o, struct proto_hello *h, char *err,
    size_t errsz);
void proto_hello_free(struct proto_hello *h);

json_t *proto_welcome_to_json(const struct proto_welcome *w);
int proto_welcome_from_json(const json_t *o, struct proto_welcome *w,
    char *err, size_t errsz);
void proto_welcome_free(struct proto_welcome *w);

json_t *proto_op_to_json(const struct proto_op *op);
/* Also validates: op_id well formed, op known, incident >= 1 for an
 * incident's op (not read for a schedule-wide one), actor non-empty and
 * <= PROTO_MAX_ACTOR bytes, epoch non-empty, every argument its row names
 * present, of its type and within its row's max (a required string
 * non-empty: a note's text <= PROTO_MAX_NOTE, an assignee or a level <=
 * PROTO_MAX_ACTOR), made_at absent or an ISO 8601 time (any that parses:
 * the relay bounds it).  The reason is fit to send back as code
 * "bad_op". */
int proto_op_from_json(const json_t *o, struct proto_op *op, char *err,
    size_t errsz);
void proto_op_free(struct proto_op *op);

json_t *proto_result_to_json(const struct proto_result *r);
int proto_result_from_json(const json_t *o, struct proto_result *r,
    char *err, size_t errsz);
void proto_result_free(struct proto_result *r);

/* {"type":"snapshot","seq":N,"incidents":[...],"last":bool}.  The array is
 * stolen (NULL is sent as an empty array). */
json_t *proto_snapshot_to_json(int64_t seq, json_t *incidents_array, int last);
/*
 * A window of a snapshot's incidents as frames of at most about budget
 * bytes of JSON each, given to push (which owns each frame; none is
 * "last"): a console reads no frame past its limit (PROTO_MAX_FRAME by
 * default), and one Alertmanager group can hold thousands of alerts.  An
 * incident too big for one frame goes in parts: the first with its
 * summary and the alerts that fit, each later part its summary again with
 * "alerts_part": true and the next alerts, which a console appends to the
 * incident before it (proto_incident_is_part()).  One alert alone may be
 * more than budget, up to the bounds of its own fields.
 */
void proto_snapshot_window(int64_t seq, struct wr_incident *const *v,
    size_t n, size_t budget, void (*push)(void *ud, json_t *frame),
    void *ud);
/* Whether an incident of a snapshot frame is a part of the one before it
 * ("alerts_part": its alerts are that incident's too). */
int proto_incident_is_part(const json_t *incident);
/* Check a snapshot frame; *incidents is borrowed from o (decode each with
 * proto_incident_from_json()). */
int proto_snapshot_from_json(const json_t *o, int64_t *seq,
    json_t **incidents, int *last, char *err, size_t errsz);
/*
 * A snapshot frame of history: {"type":"snapshot","seq":N,"incidents":[],
 * "events":[...],"last":false}, the events (stolen; NULL is sent as an
 * empty array) being ones at or below N whose text only the log keeps
 * (notes, postmortem versions) of the snapshot's incidents, each as an
 * event message.  A console stores them without applying them; one
 * older than the member ignores it.  proto_snapshot_events() is a
 * checked frame's "events", borrowed, or NULL when it has none (a relay
 * older than it).
 */
json_t *proto_snapshot_history_to_json(int64_t seq, json_t *events_array);
json_t *proto_snapshot_events(const json_t *o);

json_t *proto_caught_up_to_json(int64_t seq);
int proto_caught_up_from_json(const json_t *o, int64_t *seq, char *err,
    size_t errsz);

/* reason and op_id may be NULL (omitted). */
json_t *proto_error_to_json(const char *code, const char *reason,
    const char *op_id);
/* The strings are borrowed from o; *reason and *op_id may come back NULL. */
int proto_error_from_json(const json_t *o, const char **code,
    const char **reason, const char **op_id, char *err, size_t errsz);

/* type is "ping" or "pong"; t is the sender's clock in ms (a pong echoes
 * the ping's t). */
json_t *proto_ping_to_json(const char *type, int64_t t);
int proto_ping_from_json(const json_t *o, int64_t *t, char *err,
    size_t errsz);

/* ---- on-call schedules ---------------------------------------------- */

/*
 * {"type":"schedules","schedules":[...]}: every schedule the relay knows,
 * with its layers and overrides, sent after the welcome and again whenever
 * one changes (warroom-protocol(7)).  A console answers "who is on call"
 * from it with core/schedule.h, offline too; the zone goes by its IANA name
 * and each console reads its rules from its own zoneinfo.
 */
#define PROTO_MAX_SCHEDULES	256	/* per frame */
#define PROTO_MAX_LAYERS	64	/* per schedule */
#define PROTO_MAX_PEOPLE	256	/* per layer */
#define PROTO_MAX_RESTRICTS	64	/* per layer */
#define PROTO_MAX_OVERRIDES	4096	/* per schedule */
#define PROTO_MAX_COVERS	256	/* open cover requests per schedule */
#define PROTO_MAX_SHIFTS	50000	/* per layer of explicit shifts */
#define PROTO_MAX_ZONE_NAME	128	/* bytes */

struct wr_schedule;
struct wr_zone;

/* One decoded schedule.  s is NULL when the zone could not be had (the
 * console's zoneinfo lacks it): problem says why, in a person's words. */
struct proto_schedule {
	char *name;
	char *timezone;
	struct wr_schedule *s;
	char *problem;
};

/* The relay's escalation policies ride in the same frame ("policies",
 * absent from a relay before them): a console sees which schedules an
 * incident's policy pages, and when its first step is due, with
 * core/policy.h.  Each goes in its config file's words and is read back
 * with the config's parsers. */
#define PROTO_MAX_POLICIES	256	/* per frame */

struct wr_policy;

struct proto_schedules {
	struct proto_schedule *v;
	size_t n;
	struct wr_policy **policies;	/* owned, in the config's order */
	size_t n_policies;
};

/* Gives the zone named name, or NULL with *cause (malloc'd).  The console
 * passes store_tzif_load(); the fuzzer a fixed zone. */
typedef struct wr_zone *(*proto_zone_fn)(void *ud, const char *name,
    char **cause);

json_t *proto_schedules_to_json(const struct wr_schedule *const *v,
    size_t n, const struct wr_policy *const *policies, size_t n_policies);
/*
 * Decode a schedules frame into *out (overwritten; free with
 * proto_schedules_free()).  Refused (-1, *out empty): a member of the
 * wrong type or past a limit, a schedule name twice, a layer without a
 * rotation of whole hours (1h to 9000w), a start that is not a local time,
 * a restriction out of range, an override whose from is not before its
 * until, a policy the config file would refuse (core/policy.h), a policy
 * name twice.  A zone the loader cannot give is not a refusal: that schedule
 * comes back with s NULL and problem set.
 */
int proto_schedules_from_json(const json_t *o, proto_zone_fn zone, void *ud,
    struct proto_schedules *out, char *err, size_t errsz);
void proto_schedules_free(struct proto_schedules *l);

/* ---- op ids ------------------------------------------------------------ */

/* An op id: 32 lowercase hex chars, 128 random bits (util_random_hex()).
 * Returns 0, or -1 (errno set) when the kernel gave no random bytes. */
int proto_new_op_id(char out[33]);
/* 1 when s is exactly 32 lowercase hex chars, else 0. */
int proto_op_id_valid(const char *s);

#endif
