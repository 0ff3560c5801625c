/*
 * relay/commit.c: group commit (relay/commit.h), and at the end the little
 * glue that runs it inside the relay's loop.
 *
 * HTTP bodies and console ops that complete in one loop pass are queued; a
 * timer with no delay runs once the pass is over and turns them all into
 * events in ONE transaction.  Commit, then apply: each item is planned by
 * the reducer against an overlay, a room of its own holding deep copies of
 * the incidents the batch touches (copied in on first touch, with next_id
 * and last_seq taken from the room), and its events are applied to the
 * overlay at once, so that the next item sees them.  Only after COMMIT
 * succeeded are the changed incidents moved from the overlay into the room;
 * if the commit (or the planning) fails, the overlay is freed and the room
 * is exactly what it was, and every item of the batch is answered with a
 * failure (5xx for HTTP: the sender retries; a transient result for an op:
 * the console keeps it queued and sends it again).
 */
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/commit.h"
#include "relay/oncall.h"
#include "relay/notify.h"
#include "relay/relay-int.h"

void
relay_commit_init(struct relay_commit *c, struct wr_store *store,
    struct wr_room *room, const struct relay_commit_hooks *hooks, void *ud)
{
	memset(c, 0, sizeof *c);
	c->store = store;
	c->room = room;
	c->tail = &c->pending;
	if (hooks != NULL)
		c->hooks = *hooks;
	c->ud = ud;
	wr_room_init(&c->overlay, room->keep_alerts);
}

void
relay_commit_free(struct relay_commit *c)
{
	if (c->overlay.by_key != NULL)
		wr_room_free(&c->overlay);
	free(c->taken);
	c->taken = NULL;
	c->n_taken = c->cap_taken = 0;
}

int
relay_commit_add(struct relay_commit *c, struct relay_item *it)
{
	int first = c->pending == NULL;

	it->next = NULL;
	*c->tail = it;
	c->tail = &it->next;
	return first;
}

void
relay_commit_forget(struct relay_commit *c, const void *user)
{
	for (struct relay_item *it = c->pending; it != NULL; it = it->next)
		if (it->user == user) {
			it->done = NULL;
			it->user = NULL;
		}
}

size_t
relay_commit_pending_count(const struct relay_commit *c)
{
	size_t n = 0;

	for (const struct relay_item *it = c->pending; it != NULL;
	    it = it->next)
		n++;
	return n;
}

void
relay_item_free(struct relay_item *it)
{
	ingest_result_free(&it->ingest);
	proto_op_free(&it->op);
	free(it->am_silence_id);
	free(it->am_matchers);
	if (it->plan_free != NULL)
		it->plan_free(it->plan_data);
	wr_op_result_free(&it->result);
	free(it);
}

/* ---- the overlay ---------------------------------------------------------- */

struct overlay {
	struct relay_commit *c;		/* its overlay room and taken ids */
	struct wr_room *room;		/* copies, and incidents made here */
	const struct wr_room *base;	/* the relay's room: read only */
};

static void
ov_init(struct overlay *ov, struct relay_commit *c)
{
	ov->c = c;
	ov->room = &c->overlay;
	ov->base = c->room;
	ov->room->keep_alerts = c->room->keep_alerts;
	ov->room->next_id = c->room->next_id;
	ov->room->last_seq = c->room->last_seq;
	c->n_taken = 0;
}

static struct wr_incident *
incident_dup(const struct wr_incident *inc)
{
	struct wr_incident *d = wr_incident_dup_summary(inc);

	if (inc->alerts_len > 0) {
		d->alerts = xcalloc(inc->alerts_len, sizeof *d->alerts);
		for (size_t i = 0; i < inc->alerts_len; i++)
			wr_alert_copy(&d->alerts[i], &inc->alerts[i]);
		d->alerts_len = d->alerts_cap = inc->alerts_len;
	}
	return d;
}

static void
taken_push(struct relay_commit *c, int64_t id)
{
	if (c->n_taken == c->cap_taken) {
		c->cap_taken = c->cap_taken ? c->cap_taken * 2 : 16;
		c->taken = xrealloc(c->taken, c->cap_taken * sizeof *c->taken);
	}
	c->taken[c->n_taken++] = id;
}

/* Copy an incident of the room into the overlay, unless it is there. */
static void
ov_take(struct overlay *ov, const struct wr_incident *inc)
{
	struct relay_commit *c = ov->c;

	if (inc == NULL || wr_room_get(ov->room, inc->id) != NULL)
		return;
	wr_room_put(ov->room, incident_dup(inc));
	taken_push(c, inc->id);
}

/* Everything the group planner reads for this delivery: the key's newest
 * incident and those holding its known occurrences. */
static void
ov_take_group(struct overlay *ov, const struct wr_group_input *in)
{
	ov_take(ov, wr_room_find_key(ov->base, in->source,
	    wr_group_sender(in), in->key));
	for (size_t i = 0; in->alerts != NULL && i < in->n_alerts; i++)
		ov_take(ov, wr_room_find_occ(ov->base, in, &in->alerts[i]));
}

static struct wr_incident *
ov_find_key(struct overlay *ov, const char *source, const char *sender,
    const char *key)
{
	ov_take(ov, wr_room_find_key(ov->base, source, sender, key));
	return wr_room_find_key(ov->room, source, sender, key);
}

/* ---- one batch ------------------------------------------------------------ */

struct batch {
	struct relay_commit *c;
	struct overlay ov;
	struct wr_evlist ev;
	int64_t *ids;		/* incidents changed, to store and move */
	size_t n_ids, cap_ids;
	int64_t now;
	char *cause;
};

static void
touch_id(struct batch *b, int64_t id)
{
	for (size_t i = b->n_ids; i > 0; i--)	/* recent ones are likeliest */
		if (b->ids[i - 1] == id)
			return;
	if (b->n_ids == b->cap_ids) {
		b->cap_ids = b->cap_ids ? b->cap_ids * 2 : 16;
		b->ids = xrealloc(b->ids, b->cap_ids * sizeof *b->ids);
	}
	b->ids[b->n_ids++] = id;
}

/* Number the planned events from `from` and apply them to the overlay. */
static int
apply_planned(struct batch *b, size_t from)
{
	char err[256];

	for (size_t i = from; i < b->ev.n; i++) {
		b->ev.v[i].seq = b->ov.room->last_seq + 1;
		if (wr_room_apply(b->ov.room, &b->ev.v[i], err, sizeof err) !=
		    WR_APPLY_OK) {
			b->cause = xasprintf("internal: a planned event does "
			    "not apply: %s", err);
			return -1;
		}
		if (b->ev.v[i].incident != 0)	/* not a schedule-wide one */
			touch_id(b, b->ev.v[i].incident);
	}
	return 0;
}

static int
ingest_item(struct batch *b, struct relay_item *it)
{
	struct wr_room *room = b->ov.room;
	size_t before = b->ev.n;

	for (size_t g = 0; g < it->ingest.n_groups; g++) {
		struct ingest_group *grp = &it->ingest.groups[g];
		struct wr_group_input in;
		size_t from = b->ev.n, seen = 0;
		struct wr_incident *inc;

		ingest_group_input(grp, b->now, it->via, &in);
		if (it->sender[0] != '\0')
			in.sender = it->sender;
		ov_take_group(&b->ov, &in);
		wr_room_plan_group(room, &in, &b->ev, &seen);
		if (apply_planned(b, from) != 0)
			return -1;
		if (seen > 0) {
			wr_room_touch(room, &in);
			inc = wr_room_find_key(room, in.source,
			    wr_group_sender(&in), in.key);
			if (inc != NULL)
				touch_id(b, inc->id);
		}
	}
	for (size_t a = 0; a < it->ingest.n_actions; a++) {
		const struct ingest_action *act = &it->ingest.actions[a];
		/* Only within its sender, as for its triggers. */
		const char *sender = it->sender[0] != '\0' ? it->sender :
		    it->via;
		struct wr_action_input in = {
			.source = "events-v2", .sender = sender,
			.key = act->key, .kind = act->kind,
			.actor = "events-v2", .via = it->via, .now = b->now
		};
		size_t from = b->ev.n;

		/* the incident it acts on, into the overlay */
		ov_find_key(&b->ov, "events-v2", sender, act->key);
		wr_room_plan_action(room, &in, &b->ev);
		if (apply_planned(b, from) != 0)
			return -1;
	}
	it->n_events = b->ev.n - before;
	return 0;
}

/* An earlier op of this batch with its op id whose answer is recorded
 * (it has a digest); an unrecorded answer (epoch, unknown_incident,
 * op_conflict) is no answer for a resend: that one is planned anew. */
static const struct relay_item *
earlier_same_op(const struct relay_commit *c, const struct relay_item *it)
{
	for (const struct relay_item *o = c->pending; o != it; o = o->next)
		if (o->type == ITEM_OP && o->op.op_id != NULL &&
		    o->result.digest != NULL &&
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

/* One part of a digest: s (NULL as "") and its NUL. */
static void
digest_part(uint64_t *h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s != NULL ? s :
	    ""); ; p++) {
		*h = (*h ^ *p) * 0x100000001b3ULL;
		if (*p == '\0')
			break;
	}
}

/*
 * What an op says, as 16 hex digits (64-bit FNV-1a over its kind,
 * incident, actor and each argument its kind carries, in the field
 * table's order, as text, each ended by a NUL): a resend of the op has
 * the same digest, another op that reuses its id another one.  An op of
 * one argument (a note's text) digests as it did when that was the only
 * one there was.  The epoch is left out: only ops of this epoch are
 * answered from the record.
 */
static void
op_digest(const struct proto_op *o, char out[17])
{
	char head[48], buf[40];
	size_t n_fields;
	const struct wr_event_field *f = wr_event_fields(&n_fields);
	wr_evf carried = wr_op_kind_info(o->kind)->fields;
	uint64_t h = 0xcbf29ce484222325ULL;
	int any = 0;

	snprintf(head, sizeof head, "%d %lld", (int)o->kind,
	    (long long)o->incident);
	digest_part(&h, head);
	digest_part(&h, o->actor);
	for (size_t i = 0; i < n_fields; i++)
		if (carried & f[i].flag) {
			digest_part(&h, wr_event_field_text(&o->args, &f[i],
			    buf, sizeof buf));
			any = 1;
		}
	if (!any)
		digest_part(&h, NULL);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/*
 * An op that reuses the id of another (a different digest) gets none of
 * that op's answer: it is refused, not recorded, and the first answer
 * stays what a real resend of the first op gets.
 */
static int
op_conflicts(struct relay_item *it, const struct wr_op_result *first,
    const char *digest)
{
	static const char *names[] = { "applied", "noop", "refused" };
	char why[160];

	if (first->digest == NULL || strcmp(first->digest, digest) == 0)
		return 0;
	if (first->status == WR_OPST_APPLIED)
		snprintf(why, sizeof why, "its op id was used before for "
		    "another op (applied as seq %lld); this one is not "
		    "applied", (long long)first->seq);
	else
		snprintf(why, sizeof why, "its op id was used before for "
		    "another op (answered %s); this one is not applied",
		    (unsigned)first->status < 3 ? names[first->status] : "");
	set_result(&it->result, it->op.op_id, WR_OPST_REFUSED, 0,
	    PROTO_ERR_OP_CONFLICT, why);
	return 1;
}

/*
 * A schedule-wide op (no incident): planned by the hook of whoever keeps
 * the schedules, against them and this batch's events so far.  Returns as
 * op_item() does.
 */
static int
schedule_op_item(struct batch *b, struct relay_item *it,
    const struct wr_op *op, const char *digest)
{
	const char *code = PROTO_ERR_BAD_OP;
	struct relay_commit *c = b->c;
	struct wr_event e;
	char err[256];
	int keep = 1;
	enum wr_plan_result pr;

	memset(&e, 0, sizeof e);
	if (c->hooks.plan_schedule_op == NULL) {
		snprintf(err, sizeof err, "this relay keeps no schedules: "
		    "%s is not taken", wr_op_kind_name(op->kind));
		pr = WR_PLAN_REFUSED;
	} else {
		err[0] = '\0';
		pr = c->hooks.plan_schedule_op(c->ud, op, b->ev.v, b->ev.n,
		    &e, &code, &keep, err, sizeof err);
	}
	switch (pr) {
	case WR_PLAN_EVENT:
		/* whatever the hook said, it is the op's event */
		e.incident = 0;
		e.time = op->now;
		util_set_str(&e.actor, op->actor);
		util_set_str(&e.via, op->via);
		util_set_str(&e.op_id, op->op_id);
		if (e.made_at == 0 || e.made_at > op->now)
			e.made_at = op->now;
		*wr_evlist_push(&b->ev) = e;
		if (apply_planned(b, b->ev.n - 1) != 0)
			return -1;
		set_result(&it->result, op->op_id, WR_OPST_APPLIED,
		    b->ev.v[b->ev.n - 1].seq, NULL, NULL);
		it->n_events = 1;
		break;
	case WR_PLAN_NOOP:
		wr_event_free(&e);
		set_result(&it->result, op->op_id, WR_OPST_NOOP, 0, NULL, NULL);
		break;
	case WR_PLAN_REFUSED:
		wr_event_free(&e);
		set_result(&it->result, op->op_id, WR_OPST_REFUSED, 0,
		    code != NULL ? code : PROTO_ERR_BAD_OP, err);
		if (!keep)
			return 0;
		break;
	}
	it->result.digest = xstrdup(digest);
	return 1;
}

/*
 * Returns 1 when the op's answer is stored with the batch (a resend must
 * get it again), 0 when it is not, -1 when the batch cannot go on.  Only
 * ops that name a real incident have their answer kept: one naming another
 * epoch or no incident costs no row, so that a token cannot fill the disk
 * with refusals.
 */
static int
op_item(struct batch *b, struct relay_item *it)
{
	const struct proto_op *o = &it->op;
	const struct relay_item *dup;
	struct wr_op_result stored;
	struct wr_op op;
	struct wr_event e;
	char err[256], digest[17], *cause = NULL;
	int found;

	op_digest(o, digest);
	if ((dup = earlier_same_op(b->c, it)) != NULL) {
		if (!op_conflicts(it, &dup->result, digest))
			set_result(&it->result, o->op_id, dup->result.status,
			    dup->result.seq, dup->result.code,
			    dup->result.reason);
		return 0;
	}
	memset(&stored, 0, sizeof stored);
	found = store_op_lookup(b->c->store, it->via, o->op_id, &stored,
	    &cause);
	if (found < 0) {
		b->cause = xasprintf("looking up an op: %s", cause);
		free(cause);
		return -1;
	}
	if (found) {	/* a resend: the same answer, applied once */
		if (op_conflicts(it, &stored, digest))
			wr_op_result_free(&stored);
		else
			it->result = stored;
		return 0;
	}
	if (o->epoch == NULL ||
	    strcmp(o->epoch, store_epoch(b->c->store)) != 0) {
		set_result(&it->result, o->op_id, WR_OPST_REFUSED, 0, "epoch",
		    "the incident id belongs to another epoch of the relay; "
		    "look the incident up again");
		return 0;
	}
	op = (struct wr_op){
		.kind = o->kind, .incident = o->incident, .actor = o->actor,
		.via = it->via, .op_id = o->op_id, .args = &o->args,
		.now = b->now, .made_at = o->made_at,
		.am_silence_id = it->am_silence_id, .am_ends = it->am_ends,
		.am_matchers = it->am_matchers
	};
	if (wr_op_kind_info(o->kind)->scope == WR_SCOPE_SCHEDULE)
		return schedule_op_item(b, it, &op, digest);
	ov_take(&b->ov, wr_room_get(b->ov.base, o->incident));
	if (wr_room_get(b->ov.room, o->incident) == NULL) {
		char why[80];

		snprintf(why, sizeof why, "no incident %lld",
		    (long long)o->incident);
		set_result(&it->result, o->op_id, WR_OPST_REFUSED, 0,
		    "unknown_incident", why);
		return 0;
	}
	switch (wr_room_plan_op(b->ov.room, &op, &e, err, sizeof err)) {
	case WR_PLAN_EVENT:
		*wr_evlist_push(&b->ev) = e;
		if (apply_planned(b, b->ev.n - 1) != 0)
			return -1;
		set_result(&it->result, o->op_id, WR_OPST_APPLIED,
		    b->ev.v[b->ev.n - 1].seq, NULL, NULL);
		it->n_events = 1;
		break;
	case WR_PLAN_NOOP:
		set_result(&it->result, o->op_id, WR_OPST_NOOP, 0, NULL, NULL);
		break;
	case WR_PLAN_REFUSED:
		set_result(&it->result, o->op_id, WR_OPST_REFUSED, 0, "bad_op",
		    err);
		break;
	}
	it->result.digest = xstrdup(digest);
	return 1;
}

/* The relay's own events for one incident (ITEM_PLAN). */
static int
plan_item(struct batch *b, struct relay_item *it)
{
	size_t from = b->ev.n;

	ov_take(&b->ov, wr_room_get(b->ov.base, it->plan_incident));
	it->plan(wr_room_get(b->ov.room, it->plan_incident), it->plan_data,
	    b->now, &b->ev);
	if (apply_planned(b, from) != 0)
		return -1;
	it->n_events = b->ev.n - from;
	return 0;
}

/* Plan every item against the overlay; 0, or -1 with b->cause. */
static int
plan_all(struct batch *b, struct wr_op_result **results, size_t *n_results)
{
	for (struct relay_item *it = b->c->pending; it != NULL; it = it->next) {
		int rc = it->type == ITEM_INGEST ? ingest_item(b, it) :
		    it->type == ITEM_PLAN ? plan_item(b, it) : op_item(b, it);

		if (rc < 0)
			return -1;
		if (rc == 1) {
			struct wr_op_result *res;

			*results = xrealloc(*results,
			    (*n_results + 1) * sizeof **results);
			res = &(*results)[(*n_results)++];
			*res = it->result;
			/* keyed by token and op id; borrowed from it */
			res->via = it->via;
			res->time = b->now;
		}
	}
	return 0;
}

/* After COMMIT: the changed incidents leave the overlay for the room. */
static void
move_into_room(struct batch *b)
{
	struct wr_room *room = b->c->room;

	for (size_t i = 0; i < b->n_ids; i++) {
		struct wr_incident *inc = wr_room_take(b->ov.room, b->ids[i]);

		if (inc != NULL)
			wr_room_put(room, inc);	/* the room owns it now */
	}
	room->last_seq = b->ov.room->last_seq;
}

int
relay_commit_run(struct relay_commit *c)
{
	struct relay_item *items = c->pending, *it, *next;
	struct wr_op_result *results = NULL;
	struct wr_incident **incs = NULL;
	size_t n_results = 0, n_incs = 0;
	struct batch b;
	double store_s = 0;
	int ok;

	if (items == NULL)
		return 0;
	memset(&b, 0, sizeof b);
	b.c = c;
	b.now = wr_now_ms();
	ov_init(&b.ov, c);
	ok = plan_all(&b, &results, &n_results) == 0;
	if (ok) {
		struct wr_batch wb = { 0 };

		incs = xcalloc(b.n_ids ? b.n_ids : 1, sizeof *incs);
		for (size_t i = 0; i < b.n_ids; i++) {
			struct wr_incident *inc = wr_room_get(b.ov.room,
			    b.ids[i]);
			if (inc != NULL)
				incs[n_incs++] = inc;
		}
		wb.events = b.ev.v;
		wb.n_events = b.ev.n;
		wb.incidents = incs;
		wb.n_incidents = n_incs;
		wb.results = results;
		wb.n_results = n_results;
		if (b.ev.n > 0 || n_incs > 0 || n_results > 0) {
			int64_t t0 = wr_mono_ms();
			char *cause = NULL;

			ok = store_commit_batch(c->store, &wb, &cause) == 0;
			store_s = (double)(wr_mono_ms() - t0) / 1000.0;
			if (!ok) {
				b.cause = xasprintf("%zu events not stored: %s",
				    b.ev.n, cause ? cause : "?");
				free(cause);
			}
		}
	}
	if (ok) {
		move_into_room(&b);
		if (c->hooks.committed != NULL && b.ev.n > 0)
			c->hooks.committed(c->ud, b.ev.v, b.ev.n);
	}
	/* What was not moved (copies, or all of it) goes; the slot table
	 * stays for the next run.  What it holds: the copies taken, and
	 * what was made here (among the changed ids). */
	for (size_t i = 0; i < b.n_ids; i++)
		taken_push(c, b.ids[i]);
	wr_room_clear(b.ov.room, c->taken, c->n_taken);
	c->n_taken = 0;
	/* Answer everyone, in arrival order.  A callback may queue new
	 * items: they wait for the next run. */
	c->pending = NULL;
	c->tail = &c->pending;
	for (it = items; it != NULL; it = it->next) {
		if (c->hooks.counted != NULL)
			c->hooks.counted(c->ud, it, ok);
		if (it->done != NULL)
			it->done(it, ok, it->user);
	}
	for (it = items; it != NULL; it = next) {
		next = it->next;
		relay_item_free(it);
	}
	free(results);	/* the strings belong to the items */
	free(incs);
	free(b.ids);
	wr_evlist_free(&b.ev);
	if (c->hooks.finished != NULL)
		c->hooks.finished(c->ud, ok, store_s, ok ? NULL : b.cause);
	free(b.cause);
	return ok ? 0 : -1;
}

/* ---- the relay's glue: a timer runs the batch after the loop pass --------- */

static void
commit_cb(lws_sorted_usec_list_t *sul)
{
	struct relay *r = lws_container_of(sul, struct relay, commit_sul);

	r->commit_scheduled = 0;
	relay_commit_run(&r->commit);
}

void
relay_enqueue(struct relay *r, struct relay_item *it)
{
	relay_commit_add(&r->commit, it);
	if (!r->commit_scheduled) {
		r->commit_scheduled = 1;
		lws_sul_schedule(r->ctx, 0, &r->commit_sul, commit_cb, 1);
	}
}

void
relay_commit_pending(struct relay *r)
{
	relay_commit_run(&r->commit);
}

static void
glue_committed(void *ud, const struct wr_event *ev, size_t n)
{
	struct relay *r = ud;

	for (size_t i = 0; i < n; i++)
		relay_ring_put(&r->ring, &ev[i]);
	relay_oncall_committed(r, ev, n);
	relay_notify_committed(r, ev, n);
	relay_escalate_committed(r, ev, n);
}

static enum wr_plan_result
glue_plan(void *ud, const struct wr_op *op, const struct wr_event *planned,
    size_t n, struct wr_event *out, const char **code, int *keep, char *err,
    size_t errsz)
{
	return relay_oncall_plan(ud, op, planned, n, out, code, keep, err,
	    errsz);
}

static void
glue_counted(void *ud, const struct relay_item *it, int ok)
{
	struct relay *r = ud;

	/* the relay's own events of no source (a notifier's attempt) are
	 * nobody's ingest */
	if (ok && !(it->type == ITEM_PLAN && it->ep == EP_OTHER))
		r->m.ingested[it->type == ITEM_OP ? 2 :
		    it->ep == EP_EVENTS_V2 ? 1 : 0] += it->n_events;
}

static void
glue_finished(void *ud, int ok, double store_s, const char *cause)
{
	struct relay *r = ud;

	relay_metrics_commit(r, store_s, ok);
	if (!ok) {
		relay_log(r, "commit failed: %s", cause ? cause : "?");
		return;
	}
	relay_feed_broadcast(r);
}

void
relay_commit_setup(struct relay *r)
{
	static const struct relay_commit_hooks hooks = {
		.committed = glue_committed,
		.counted = glue_counted,
		.finished = glue_finished,
		.plan_schedule_op = glue_plan,
	};

	relay_commit_init(&r->commit, r->store, &r->room, &hooks, r);
}
