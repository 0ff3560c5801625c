/*
 * ingest.h: the ingest adapters, one per source format, and what they
 * produce.
 *
 * An adapter turns one HTTP body into normalised alert groups (each becomes
 * a struct wr_group_input for wr_room_plan_group()) and, for Events v2,
 * actions against an existing incident.  Adapters are pure: no room, no
 * store, no sockets; the only system call is util_random_hex() for a generated
 * dedup_key.  Every string in a result is a copy the result owns, kept
 * byte for byte as the source sent it (sanitising for the terminal is the
 * console's job); ingest_result_free() frees them all.
 *
 * Bodies are checked with json_strict_parse() (json-strict.h): invalid
 * JSON or UTF-8, \u0000, duplicate keys and a non-object top level are
 * refused before any field is looked at.  The caller caps the body size.
 */
#ifndef WR_INGEST_H
#define WR_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/room.h"

#define INGEST_SOURCE_ALERTMANAGER	"alertmanager"
#define INGEST_SOURCE_EVENTS_V2		"events-v2"
#define INGEST_MAX_ALERTS		20000	/* per body: 16 MiB is ~15,000 */
#define INGEST_EV2_MAX_DEDUP_KEY	255	/* characters */
#define INGEST_EV2_MAX_SUMMARY		1024	/* characters */

/* One incident's worth of alerts; becomes a struct wr_group_input. */
struct ingest_group {
	char *source;		/* INGEST_SOURCE_* */
	/* Alertmanager: the groupKey (one group is one incident, also for
	 * a route that groups by nothing: "{}:{}").  Events v2: the
	 * dedup_key. */
	char *key;
	char *title;		/* never NULL */
	char *service;		/* never NULL; "" when the source named none */
	/* The highest severity among the firing alerts (Alertmanager: each
	 * alert's "severity" label, else its "priority" label; Events v2:
	 * payload.severity), read by ingest_severity_word(); warning when
	 * none says. */
	wr_severity severity;
	/* The sender's word for it when that was not exactly ours
	 * ("P1", "Critical", "page"); NULL otherwise. */
	char *severity_raw;
	struct wr_alert *alerts;	/* firing and resolved, in body order */
	size_t n_alerts;
	int64_t truncated;	/* Alertmanager's truncatedAlerts; 0 otherwise */
	/* Alertmanager: the group's labels and receiver, which name the
	 * group in its API (GET /api/v2/alerts/groups) when it must be read
	 * whole; empty and NULL otherwise. */
	struct wr_kvlist group_labels;
	char *receiver;
};

/* Events v2 acknowledge/resolve: an op against the newest incident with
 * source INGEST_SOURCE_EVENTS_V2 and this key. */
struct ingest_action {
	wr_op_kind kind;	/* WR_OP_ACK or WR_OP_RESOLVE */
	char *key;
};

struct ingest_result {
	struct ingest_group *groups;
	size_t n_groups;
	struct ingest_action *actions;
	size_t n_actions;
	/* Events v2: the dedup_key used (generated when a trigger had none),
	 * for the 202 answer.  NULL for Alertmanager. */
	char *dedup_key;
	/* Events v2: the routing_key as sent (a credential: never logged,
	 * never stored; the relay authenticates with it and scopes identity
	 * by a digest of it).  NULL for Alertmanager. */
	char *routing_key;
};

struct wr_severity_table;

/* What an adapter needs besides the body. */
struct ingest_ctx {
	int64_t now;	/* when the body arrived, Unix ms */
	/* The relay config's severity words, added to the built-in ones;
	 * NULL: the built-in words only. */
	const struct wr_severity_table *severity;
};

/*
 * Parse an Alertmanager webhook body (version "4"; Grafana's version "1",
 * with its extra fields, is accepted too).  Returns 0 with *out filled, or
 * -1 with *out empty and a reason in err naming the field at fault
 * ("alerts[3].labels.severity: expected a string, got a number").
 */
int ingest_alertmanager(const char *body, size_t len,
    const struct ingest_ctx *ctx, struct ingest_result *out, char *err,
    size_t errsz);

/*
 * Parse a PagerDuty Events API v2 enqueue body.  Returns 0 with *out
 * filled (one group for a trigger, one action for acknowledge/resolve) and
 * *errors NULL, or -1 with *out empty, the 400 answer's "message" in err
 * and each problem as a sentence in *errors (a malloc'd array of *n_errors
 * malloc'd strings; free with ingest_errors_free()).  errors and n_errors
 * may be NULL.
 */
int ingest_events_v2(const char *body, size_t len,
    const struct ingest_ctx *ctx, struct ingest_result *out, char *err,
    size_t errsz, char ***errors, size_t *n_errors);

/*
 * Alertmanager's answer to GET /api/v2/alerts/groups: find the group for
 * receiver whose labels are exactly group_labels, and make it one group
 * keyed by key with the whole group's alerts, those Alertmanager holds
 * active as firing (for a truncated delivery, the alerts it did not send).
 * *present gets, malloc'd, the fingerprints of every alert the group holds
 * in any state (silenced, inhibited ones too), *n_present their number:
 * the caller may take a firing alert it knows and that is not among them
 * as resolved.  Returns 1 with *out filled; 0 when Alertmanager has no such
 * group (none of its alerts is left); -1 for an answer that is not a list
 * of groups, with err naming the field.
 */
int ingest_alertmanager_api_group(const char *body, size_t len,
    const struct ingest_ctx *ctx, const char *key, const char *receiver,
    const struct wr_kvlist *group_labels, struct ingest_result *out,
    char ***present, size_t *n_present, char *err, size_t errsz);

void ingest_errors_free(char **errors, size_t n_errors);

/*
 * The identity scope of a result that came through token `via`: "" (the
 * via itself) unless it is an Events v2 body whose routing_key was not
 * its credential (a bearer token authenticated it), whose dedup_keys are
 * then the routing key's own: via "/rk-" and a digest of the key, so
 * that the key itself is never stored or sent.  rk_is_credential: the
 * routing_key was the token.
 */
void ingest_result_sender(const struct ingest_result *r, const char *via,
    int rk_is_credential, char *out, size_t outsz);
void ingest_result_free(struct ingest_result *r);

/*
 * Fill *in as a view of g: it borrows g's strings and alerts, so g must
 * outlive it.  The actor is the source's name.
 */
void ingest_group_input(const struct ingest_group *g, int64_t now,
    const char *via, struct wr_group_input *in);

/* For the adapters (ingest-*.c), not for callers. */
/* A new zeroed group at the end of r->groups. */
struct ingest_group *ingest_result_add_group(struct ingest_result *r);
/* The level a sender's severity word means (ctx's table, then the
 * built-in words; any case); 0, or -1 for a word no table knows. */
int ingest_severity_word(const struct ingest_ctx *ctx, const char *word,
    wr_severity *out);

#endif
