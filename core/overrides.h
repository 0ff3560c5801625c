/*
 * overrides.h: the overrides and cover requests of the on-call schedules,
 * as the log makes them.
 *
 * They are schedule-wide events (core/model.h: override_added,
 * override_removed, cover_requested, cover_taken), each going by the seq of
 * the event that made it.  The relay applies its log's to one of these (at
 * start, and after every commit), plans the schedule-wide ops against it
 * (the same rules for every relay: an unknown schedule, a stretch that is
 * not after its start, too long or already over, an override or a cover
 * request that is not open), and puts what is open into its schedules
 * (core/schedule.h), which go to every console in the schedules frame:
 * so a console answers who is on call with the same code, offline too.
 * What has ended is dropped, never shown.  Pure: no I/O.
 */
#ifndef WR_OVERRIDES_H
#define WR_OVERRIDES_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "room.h"

/* The longest stretch an override or a cover request may cover. */
#define WR_OVERRIDE_MAX_MS	(90LL * 86400000)
/* Open ones per schedule, at most (bytes from the network are hostile). */
#define WR_OVERRIDES_MAX	1000
#define WR_COVERS_MAX		200

/* Codes of a refusal (the protocol's error codes, warroom-protocol(7)). */
#define WR_OV_UNKNOWN_SCHEDULE	"unknown_schedule"
#define WR_OV_UNKNOWN_OVERRIDE	"unknown_override"
#define WR_OV_UNKNOWN_COVER	"unknown_cover"
#define WR_OV_BAD		"bad_op"

struct wr_ov_entry {
	int64_t id;		/* the seq of the event that made it */
	int cover;		/* a cover request, else an override */
	char *schedule;
	char *person;		/* an override's person, a request's asker */
	char *reason;		/* a request's, or NULL */
	int64_t from, until;
};

struct wr_overrides {
	struct wr_ov_entry *v;	/* in the order made */
	size_t n, cap;
};

/* What planning knows besides the overrides: the schedules' names, the
 * op's arrival and how far ahead an override may reach (0: the relay keeps
 * its log forever; otherwise its retention, so that an open override's
 * event is never pruned while it holds). */
struct wr_ov_context {
	const char *const *names;
	size_t n_names;
	int64_t now;
	int64_t horizon_ms;
};

void wr_overrides_init(struct wr_overrides *o);
void wr_overrides_free(struct wr_overrides *o);
/* Apply one event (of another kind: ignored), in seq order. */
void wr_overrides_apply(struct wr_overrides *o, const struct wr_event *e);
/* Drop what has ended by now. */
void wr_overrides_expire(struct wr_overrides *o, int64_t now);
/* The open entry with id, or NULL. */
const struct wr_ov_entry *wr_overrides_find(const struct wr_overrides *o,
    int64_t id);

/*
 * Plan the event a schedule-wide op causes, against o with the events
 * planned[0..n) applied (a batch's, not committed yet).  On WR_PLAN_EVENT
 * *out is filled (kind, its fields, made_at; the caller adds seq, time,
 * actor, via, op id); on WR_PLAN_REFUSED *code is one of WR_OV_* and err
 * the reason, in a person's words.
 */
enum wr_plan_result wr_overrides_plan(const struct wr_overrides *o,
    const struct wr_event *planned, size_t n, const struct wr_ov_context *cx,
    const struct wr_op *op, struct wr_event *out, const char **code,
    char *err, size_t errsz);

struct wr_schedule;
/* Put into s (replacing what it had) its open overrides and cover
 * requests, those that have not ended by now, in the order made. */
void wr_overrides_put(const struct wr_overrides *o, struct wr_schedule *s,
    int64_t now);

/*
 * A time a person writes for an override or a cover request: "now",
 * "+2h" (base plus a duration: base is now for a start, the start for an
 * end), an RFC 3339 time ("2026-12-05T09:00:00Z", "...+01:00"), or a local
 * time in zone z ("2026-12-05T09:00"), as the schedule's handoffs are.
 * 0, or -1 with *cause (malloc'd).
 */
struct wr_zone;
int wr_overrides_parse_when(const char *s, const struct wr_zone *z,
    int64_t now, int64_t base, int64_t *out, char **cause);

#endif
