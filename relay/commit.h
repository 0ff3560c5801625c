/*
 * relay/commit.h: group commit, a module with no transport in it.
 *
 * Whatever wants events stored (an HTTP body, a console's op, a scenario
 * line) becomes a relay_item with a completion callback and is queued.  A
 * run takes everything queued, plans the events each item causes against
 * an OVERLAY of the incidents the batch touches (deep copies taken on first
 * touch, so that a later item sees an earlier item's events), appends them
 * all to the store in ONE transaction, and only after COMMIT succeeded
 * moves the overlay into the room.  A failed run drops the overlay: the
 * room is exactly as before.  Either way every item's callback runs once,
 * in arrival order, after the outcome is known.
 *
 * The callbacks and the hooks are where transports come in (relay/http.c,
 * relay/feed.c, relay/commit.c's relay glue); this module never sees them.
 */
#ifndef WR_RELAY_COMMIT_H
#define WR_RELAY_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/room.h"
#include "net/ingest.h"
#include "net/proto.h"
#include "store/store.h"

struct relay_item;

/*
 * What became of an item: ok 1 after COMMIT (it->n_events, and for an op
 * it->result, say what), ok 0 when the batch could not be stored (nothing
 * of it was; the sender should retry).  The item is freed after the call.
 */
typedef void relay_item_done_fn(struct relay_item *it, int ok, void *user);

enum relay_item_type { ITEM_INGEST, ITEM_OP, ITEM_PLAN };

/*
 * ITEM_PLAN: events the relay decides on its own (an answer from
 * Alertmanager, a timer), planned when the batch runs against the incident
 * as the batch has it so far (an earlier item's events applied): plan()
 * appends them to out (unnumbered) and returns how many; inc is NULL when
 * the room has no such incident.  plan_free frees plan_data with the item.
 */
typedef size_t relay_plan_fn(const struct wr_incident *inc, void *data,
    int64_t now, struct wr_evlist *out);

struct relay_item {
	enum relay_item_type type;
	int ep;				/* the caller's tag (an endpoint) */
	struct ingest_result ingest;	/* ITEM_INGEST */
	struct proto_op op;		/* ITEM_OP */
	/* ITEM_OP, a silence op: what Alertmanager answered (the silence it
	 * made or expired), set before the item is queued */
	char *am_silence_id;
	int64_t am_ends;
	char *am_matchers;
	int64_t am_duration;
	/* ITEM_PLAN */
	int64_t plan_incident;
	relay_plan_fn *plan;
	void *plan_data;
	void (*plan_free)(void *data);
	char via[64];			/* the token's name */
	/* Identity scope of its groups and actions (DESIGN.md, Identity):
	 * "" means the via; an Events v2 body authenticated by a bearer
	 * token is scoped by its routing key too (ingest_result_sender()). */
	char sender[96];
	relay_item_done_fn *done;	/* NULL: nobody waits for it */
	void *user;
	/* filled by the run */
	size_t n_events;
	struct wr_op_result result;	/* ITEM_OP, when ok */
	struct relay_item *next;
};

struct relay_commit_hooks {
	/* After COMMIT, before any item's callback: the events, numbered. */
	void (*committed)(void *ud, const struct wr_event *ev, size_t n);
	/* Each item, ok or not, just before its own callback. */
	void (*counted)(void *ud, const struct relay_item *it, int ok);
	/* The run is over: ok, seconds spent in the store (0 when nothing
	 * was written), why it failed (NULL when ok). */
	void (*finished)(void *ud, int ok, double store_s, const char *cause);
	/*
	 * Plan the event a schedule-wide op causes (its kind's scope is
	 * WR_SCOPE_SCHEDULE: an override, a cover request), as
	 * wr_room_plan_op() does for an incident's: against what the hook's
	 * owner keeps of the schedules as of the last COMMIT, and the events
	 * this batch planned before it (planned[0..n), numbered; those not
	 * committed yet: they may still be dropped).  On WR_PLAN_REFUSED,
	 * *code is the error code (PROTO_ERR_*) and err the reason; *keep 0
	 * says the answer is not worth a row (a name that matches nothing,
	 * as an unknown incident).  NULL: such ops are refused.
	 */
	enum wr_plan_result (*plan_schedule_op)(void *ud,
	    const struct wr_op *op, const struct wr_event *planned, size_t n,
	    struct wr_event *out, const char **code, int *keep, char *err,
	    size_t errsz);
};

struct relay_commit {
	struct wr_store *store;		/* borrowed */
	struct wr_room *room;		/* borrowed: changed only after COMMIT */
	struct relay_item *pending, **tail;
	struct relay_commit_hooks hooks;
	void *ud;
	/* The overlay, emptied after each run but kept, so that a run costs
	 * what it touched, not a slot table as large as the highest id. */
	struct wr_room overlay;
	int64_t *taken;			/* ids copied into it this run */
	size_t n_taken, cap_taken;
};

void relay_commit_init(struct relay_commit *c, struct wr_store *store,
    struct wr_room *room, const struct relay_commit_hooks *hooks, void *ud);
/* Free what the module keeps (run what is pending first). */
void relay_commit_free(struct relay_commit *c);
/* Queue an item (owned from now on).  Returns 1 when it is the first one
 * pending, so that the caller schedules a run. */
int relay_commit_add(struct relay_commit *c, struct relay_item *it);
/* Plan, store and answer everything pending.  0 when stored (or nothing
 * was pending), -1 when the batch failed. */
int relay_commit_run(struct relay_commit *c);
/* The sender behind user left: its pending items are answered to nobody. */
void relay_commit_forget(struct relay_commit *c, const void *user);
/* Items still pending (a run answers them all). */
size_t relay_commit_pending_count(const struct relay_commit *c);
void relay_item_free(struct relay_item *it);

#endif
