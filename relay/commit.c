/*
 * relay/commit.c: the relay's pending queue and group commit.
 *
 * HTTP bodies and console ops that complete in one loop pass are queued;
 * a timer with no delay runs once the pass is over and turns them all into
 * events in ONE transaction.  Planning uses the reducer against the room;
 * each item's events are applied to the room at once so the next item in
 * the same batch sees them.  If the COMMIT fails the room is reloaded from
 * the store, so memory again holds exactly what is committed, and every
 * item of the batch is answered with a failure (5xx for HTTP: the sender
 * retries; an error frame for ops: the console keeps them in its outbox).
 */
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/relay-int.h"

static void commit_cb(lws_sorted_usec_list_t *sul);

void
relay_enqueue(struct relay *r, struct relay_item *it)
{
	it->next = NULL;
	*r->pending_tail = it;
	r->pending_tail = &it->next;
	if (!r->commit_scheduled) {
		r->commit_scheduled = 1;
		lws_sul_schedule(r->ctx, 0, &r->commit_sul, commit_cb, 1);
	}
}

static void
commit_cb(lws_sorted_usec_list_t *sul)
{
	struct relay *r = lws_container_of(sul, struct relay, commit_sul);

	r->commit_scheduled = 0;
	relay_commit_pending(r);
}

void
relay_item_free(struct relay_item *it)
{
	ingest_result_free(&it->ingest);
	proto_op_free(&it->op);
	wr_op_result_free(&it->result);
	free(it);
}

void
relay_forget_http(struct relay *r, struct http_pss *p)
{
	for (struct relay_item *it = r->pending; it != NULL; it = it->next)
		if (it->http == p)
			it->http = NULL;
}

void
relay_forget_feed(struct relay *r, struct feed_pss *p)
{
	for (struct relay_item *it = r->pending; it != NULL; it = it->next)
		if (it->feed == p)
			it->feed = NULL;
}

/* The set of incidents a batch touched, to write their summaries. */
struct touched {
	int64_t *ids;
	size_t n, cap;
};

static void
touch_id(struct touched *t, int64_t id)
{
	for (size_t i = t->n; i > 0; i--)	/* recent ones are likeliest */
		if (t->ids[i - 1] == id)
			return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->ids = xrealloc(t->ids, t->cap * sizeof *t->ids);
	}
	t->ids[t->n++] = id;
}

/* Number the planned events from `from`, apply them, note what changed. */
static int
apply_planned(struct relay *r, struct wr_evlist *ev, size_t from,
    struct touched *t)
{
	char err[256];

	for (size_t i = from; i < ev->n; i++) {
		ev->v[i].seq = r->room.last_seq + 1;
		if (wr_room_apply(&r->room, &ev->v[i], err, sizeof err) !=
		    WR_APPLY_OK) {
			relay_log(r, "internal: planned event refused: %s",
			    err);
			return -1;
		}
		touch_id(t, ev->v[i].incident);
	}
	return 0;
}

static int
ingest_item(struct relay *r, struct relay_item *it, struct wr_evlist *ev,
    struct touched *t, int64_t now)
{
	size_t before = ev->n;

	for (size_t g = 0; g < it->ingest.n_groups; g++) {
		struct wr_group_input in;
		size_t from = ev->n, seen = 0;
		struct wr_incident *inc;

		struct ingest_group *grp = &it->ingest.groups[g];

		/* Events v2: after a resolve, a trigger with the same
		 * dedup_key starts a new incident (PagerDuty's rule), so
		 * it is a new occurrence, not a repeat of the old one. */
		inc = wr_room_find_key(&r->room, grp->source, it->via,
		    grp->key);
		if (strcmp(grp->source, "events-v2") == 0 && inc != NULL &&
		    inc->state == WR_ST_RESOLVED)
			for (size_t a = 0; a < grp->n_alerts; a++)
				grp->alerts[a].starts = now;
		ingest_group_input(grp, now, it->via, &in);
		wr_room_plan_group(&r->room, &in, ev, &seen);
		if (apply_planned(r, ev, from, t) != 0)
			return -1;
		if (seen > 0) {
			wr_room_touch(&r->room, &in);
			inc = wr_room_find_key(&r->room, in.source,
			    in.sender != NULL ? in.sender : in.via, in.key);
			if (inc != NULL)
				touch_id(t, inc->id);
		}
	}
	for (size_t a = 0; a < it->ingest.n_actions; a++) {
		const struct ingest_action *act = &it->ingest.actions[a];
		/* Only within its sender: another sender's dedup_keys are
		 * its own (the same sender as its triggers: the via). */
		struct wr_incident *inc = wr_room_find_key(&r->room,
		    "events-v2", it->via, act->key);
		struct wr_op op = {
			.kind = act->kind, .actor = "events-v2",
			.via = it->via, .now = now
		};
		struct wr_event e;
		char err[256];

		if (inc == NULL)
			continue;	/* PagerDuty ignores these too */
		op.incident = inc->id;
		if (wr_room_plan_op(&r->room, &op, &e, err, sizeof err) !=
		    WR_PLAN_EVENT)
			continue;
		*wr_evlist_push(ev) = e;
		if (apply_planned(r, ev, ev->n - 1, t) != 0)
			return -1;
	}
	it->n_events = ev->n - before;
	return 0;
}

static const struct relay_item *
earlier_same_op(const struct relay *r, const struct relay_item *it)
{
	for (const struct relay_item *o = r->pending; o != it; o = o->next)
		if (o->type == ITEM_OP && o->op.op_id != NULL &&
		    strcmp(o->op.op_id, it->op.op_id) == 0 &&
		    strcmp(o->via, it->via) == 0)
			return o;
	return NULL;
}

static void
set_result(struct wr_op_result *res, const char *op_id,
    enum wr_op_status st, int64_t seq, const char *code, const char *reason)
{
	res->op_id = xstrdup(op_id);
	res->status = st;
	res->seq = seq;
	res->code = xstrdup0(code);
	res->reason = xstrdup0(reason);
}

/* Returns 1 when the op's result must be stored with the batch. */
static int
op_item(struct relay *r, struct relay_item *it, struct wr_evlist *ev,
    struct touched *t, int64_t now)
{
	const struct proto_op *o = &it->op;
	const struct relay_item *dup;
	struct wr_op_result stored;
	struct wr_op op;
	struct wr_event e;
	char err[256], *cause = NULL;
	int found;

	if ((dup = earlier_same_op(r, it)) != NULL) {
		set_result(&it->result, o->op_id, dup->result.status,
		    dup->result.seq, dup->result.code, dup->result.reason);
		return 0;
	}
	memset(&stored, 0, sizeof stored);
	found = store_op_lookup(r->store, it->via, o->op_id, &stored, &cause);
	if (found < 0) {
		relay_log(r, "op lookup: %s", cause);
		free(cause);
		return -1;
	}
	if (found) {	/* a resend: the same answer, applied once */
		it->result = stored;
		return 0;
	}
	if (o->epoch == NULL || strcmp(o->epoch, store_epoch(r->store)) != 0) {
		set_result(&it->result, o->op_id, WR_OPST_REFUSED, 0, "epoch",
		    "the incident id belongs to another epoch of the relay; "
		    "look the incident up again");
		return 1;
	}
	op = (struct wr_op){
		.kind = o->kind, .incident = o->incident, .actor = o->actor,
		.via = it->via, .op_id = o->op_id, .text = o->text, .now = now
	};
	switch (wr_room_plan_op(&r->room, &op, &e, err, sizeof err)) {
	case WR_PLAN_EVENT:
		*wr_evlist_push(ev) = e;
		if (apply_planned(r, ev, ev->n - 1, t) != 0)
			return -1;
		set_result(&it->result, o->op_id, WR_OPST_APPLIED,
		    ev->v[ev->n - 1].seq, NULL, NULL);
		it->n_events = 1;
		break;
	case WR_PLAN_NOOP:
		set_result(&it->result, o->op_id, WR_OPST_NOOP, 0, NULL, NULL);
		break;
	case WR_PLAN_REFUSED:
		set_result(&it->result, o->op_id, WR_OPST_REFUSED, 0,
		    wr_room_get(&r->room, o->incident) == NULL ?
		    "unknown_incident" : "bad_op", err);
		break;
	}
	return 1;
}

static void
reload_room(struct relay *r)
{
	char *cause = NULL;

	wr_room_free(&r->room);
	wr_room_init(&r->room, 1);
	if (store_load_room(r->store, &r->room, &cause) != 0) {
		relay_log(r, "fatal: cannot reload state after a failed "
		    "commit: %s", cause);
		free(cause);
		exit(71);
	}
}

void
relay_commit_pending(struct relay *r)
{
	struct relay_item *items = r->pending, *it, *next;
	struct wr_evlist ev = { 0 };
	struct touched t = { 0 };
	struct wr_op_result *results = NULL;
	struct wr_incident **incs = NULL;
	size_t n_results = 0, n_incs = 0;
	int64_t now = wr_now_ms(), t0;
	int ok = 1;
	char *cause = NULL;

	if (items == NULL)
		return;
	for (it = items; it != NULL; it = it->next) {
		int rc = it->type == ITEM_INGEST ?
		    ingest_item(r, it, &ev, &t, now) :
		    op_item(r, it, &ev, &t, now);
		if (rc < 0) {
			ok = 0;
			cause = xstrdup("the relay could not plan the batch");
			break;
		}
		if (rc == 1 && it->type == ITEM_OP) {
			results = xrealloc(results,
			    (n_results + 1) * sizeof *results);
			results[n_results] = it->result;
			/* keyed by token and op id; borrowed from it */
			results[n_results].via = it->via;
			results[n_results++].time = now;
		}
	}
	if (ok) {
		struct wr_batch b = { 0 };

		incs = xcalloc(t.n ? t.n : 1, sizeof *incs);
		for (size_t i = 0; i < t.n; i++) {
			struct wr_incident *inc = wr_room_get(&r->room,
			    t.ids[i]);
			if (inc != NULL)
				incs[n_incs++] = inc;
		}
		b.events = ev.v;
		b.n_events = ev.n;
		b.incidents = incs;
		b.n_incidents = n_incs;
		b.results = results;
		b.n_results = n_results;
		t0 = wr_mono_ms();
		if (ev.n > 0 || n_incs > 0 || n_results > 0)
			ok = store_commit_batch(r->store, &b, &cause) == 0;
		relay_metrics_commit(r, (double)(wr_mono_ms() - t0) / 1000.0,
		    ok);
	}
	if (!ok) {
		relay_log(r, "commit failed, %zu events not stored: %s", ev.n,
		    cause ? cause : "?");
		reload_room(r);
	} else {
		for (size_t i = 0; i < ev.n; i++)
			relay_ring_put(&r->ring, &ev.v[i]);
	}
	/* answer everyone, in arrival order */
	for (it = items; it != NULL; it = it->next) {
		if (it->type == ITEM_INGEST) {
			if (ok)
				r->m.ingested[it->ep == EP_EVENTS_V2 ? 1 : 0] +=
				    it->n_events;
			relay_http_item_done(r, it, ok, cause);
		} else if (it->feed != NULL) {
			if (ok) {
				r->m.ingested[2] += it->n_events;
				relay_feed_result(r, it->feed, &it->result);
			} else {
				struct wr_op_result fail = {
					.op_id = it->op.op_id,
					.status = WR_OPST_REFUSED,
					.code = "internal",
					.reason = "the relay could not store "
					    "the op; it stays queued"
				};
				relay_feed_result(r, it->feed, &fail);
			}
		}
	}
	r->pending = NULL;
	r->pending_tail = &r->pending;
	for (it = items; it != NULL; it = next) {
		next = it->next;
		relay_item_free(it);
	}
	free(results);	/* the strings belong to the items */
	free(incs);
	free(t.ids);
	wr_evlist_free(&ev);
	free(cause);
	if (ok)
		relay_feed_broadcast(r);
}
