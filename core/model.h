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

/* Event kinds.  The numbers are stored on disk: append, never renumber. */
typedef enum {
	WR_EV_NONE = 0,
	WR_EV_TRIGGERED = 1,	/* a new incident: source, key, title, ... */
	WR_EV_ALERT_FIRING,	/* an alert occurrence joined the incident */
	WR_EV_ALERT_RESOLVED,	/* the source says an occurrence ended */
	WR_EV_ACKNOWLEDGED,
	WR_EV_UNACKNOWLEDGED,
	WR_EV_NOTE,		/* text */
	WR_EV_RESOLVED,
	WR_EV_REOPENED,
	WR_EV_ASSIGNED,		/* text is the assignee */
	WR_EV_RETITLED,		/* title: the group's title changed */
	WR_EV_KIND_COUNT
} wr_event_kind;

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
	struct wr_kvlist labels;
	struct wr_kvlist annotations;
};

#define WR_LABELS_TEXT_MAX 1024

struct wr_incident {
	int64_t id;		/* small integer, assigned by the relay */
	char *source;		/* "alertmanager", "events-v2", ... */
	char *key;		/* the source's grouping identity */
	char *title;
	char *service;
	wr_severity severity;
	char *severity_raw;	/* what the source sent, when it was not one of ours */
	wr_state state;
	char *ack_by;
	int64_t ack_at;
	char *resolved_by;
	int64_t resolved_at;
	char *assignee;
	int64_t created;
	int64_t updated;
	int64_t last_seen;
	int n_alerts;		/* occurrences ever joined */
	int n_firing;		/* occurrences still firing */
	int n_notes;
	/* "k=v k=v ...": the distinct labels of its alerts, bounded
	 * (WR_LABELS_TEXT_MAX), so a console that keeps no alerts in memory
	 * can still filter on them. */
	char *labels_text;
	/* The occurrences themselves, kept only when the room keeps alerts. */
	struct wr_alert *alerts;
	size_t alerts_len;
	size_t alerts_cap;
};

/*
 * One event.  A flat record: which fields mean something depends on kind.
 *   TRIGGERED       source, key, title, service, severity, severity_raw
 *   ALERT_FIRING    alert (all of it)
 *   ALERT_RESOLVED  alert.fingerprint, alert.starts, alert.ends
 *   NOTE            text
 *   ASSIGNED        text (the assignee)
 *   RETITLED        title
 * Every event has seq, kind, incident, time, actor; via (the token's name)
 * and op_id when a person's op caused it.
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
	char *key;
	char *title;
	char *service;
	wr_severity severity;
	char *severity_raw;
	struct wr_alert alert;
	char *text;
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
