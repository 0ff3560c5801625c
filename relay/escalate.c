/*
 * relay/escalate.c: the escalation engine, the relay's side of
 * core/policy.h.
 *
 * It keeps no state of its own.  Which step of an incident's escalation is
 * next, and when, is a function of the incident as the reducer keeps it
 * from the log and of the [policy] sections (core/policy.c), so a relay
 * that restarts or replays its log knows it again: nothing is lost and
 * nothing fires twice.  Off the loop's tick (never a sleep, never a
 * block), when something changed or the earliest due time is reached, it
 * looks at the open incidents, queues an ITEM_PLAN for each one that is
 * due (the group commit plans its events against the incident as the
 * batch leaves it, so an ack in the same batch wins), and remembers the
 * next due time.  After COMMIT, every step's people are paged through
 * relay/notify.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "relay/notify.h"
#include "relay/relay-int.h"

/* The policy for inc under the relay's configuration now. */
static const struct wr_policy *
policy_of(const struct relay *r, const struct wr_incident *inc)
{
	return wr_policy_find((const struct wr_policy *const *)
	    r->cfg->policies, r->cfg->n_policies, inc);
}

/* A target is a schedule of the config (its on-call person), or a person. */
static int
oncall(void *ud, const char *target, int64_t now, const char **person)
{
	const struct relay *r = ud;
	const struct relay_schedule *rs = relay_cfg_schedule(r->cfg, target);
	struct wr_oncall oc;

	if (rs == NULL)
		return 0;
	wr_schedule_at(rs->s, now, &oc);
	*person = oc.person;
	return 1;
}

static size_t
plan(const struct wr_incident *inc, void *data, int64_t now,
    struct wr_evlist *out)
{
	struct relay *r = data;

	if (inc == NULL)
		return 0;
	return wr_policy_plan(policy_of(r, inc), inc, now,
	    wr_policy_silenced(inc, now), oncall, r, out);
}

static void
planned(struct relay_item *it, int ok, void *user)
{
	struct relay *r = user;

	(void)it;
	if (r->esc_queued > 0)
		r->esc_queued--;
	/* ok or not, look again: a failed batch is retried at the next
	 * tick, a good one changed what is due */
	r->esc_due = 0;
	if (!ok)
		relay_log(r, "escalation: the batch was not stored; trying "
		    "again");
}

void
relay_escalate_changed(struct relay *r)
{
	r->esc_due = 0;
}

/* One incident that is due, planned by the group commit (ITEM_PLAN). */
static void
queue(struct relay *r, int64_t id)
{
	struct relay_item *it = xcalloc(1, sizeof *it);

	it->type = ITEM_PLAN;
	it->ep = EP_OTHER;	/* the relay's own: nobody's ingest */
	it->plan_incident = id;
	it->plan = plan;
	it->plan_data = r;
	it->done = planned;
	it->user = r;
	r->esc_queued++;
	relay_enqueue(r, it);
}

void
relay_escalate_tick(struct relay *r, int64_t now)
{
	int64_t next = INT64_MAX;

	if (r->esc_queued || r->stopping || (r->esc_due != 0 &&
	    now < r->esc_due))
		return;
	for (size_t i = 0; i < r->room.inc_cap; i++) {
		const struct wr_incident *inc = r->room.inc[i];
		struct wr_policy_next nx;

		if (inc == NULL || inc->state == WR_ST_RESOLVED)
			continue;
		wr_policy_next(policy_of(r, inc), inc,
		    wr_policy_silenced(inc, now), &nx);
		if (nx.what == WR_DUE_NONE)
			continue;
		if (nx.at > now) {
			if (nx.at < next)
				next = nx.at;
			continue;
		}
		/* a silence's end: its Alertmanager's word first (it may
		 * have been extended there); looked at again shortly */
		if (nx.what == WR_DUE_SILENCE_END &&
		    relay_silence_end_wait(r, inc, (size_t)nx.silence)) {
			if (now + 250 < next)
				next = now + 250;
			continue;
		}
		queue(r, inc->id);
	}
	/* Looked at again a minute on at the latest: a schedule's person
	 * may change without an event that says so.  (A silence's end is a
	 * due time of its own: wr_policy_next().) */
	r->esc_due = next < now + 60000 ? next : now + 60000;
}

void
relay_escalate_committed(struct relay *r, const struct wr_event *ev, size_t n)
{
	r->esc_due = 0;
	for (size_t i = 0; i < n; i++) {
		const struct wr_event *e = &ev[i];
		char why[160];

		if (e->kind != WR_EV_POLICY_ASSIGNED &&
		    e->kind != WR_EV_ESCALATED)
			continue;
		if (e->kind == WR_EV_POLICY_ASSIGNED)
			snprintf(why, sizeof why, "assigned by policy %s",
			    e->policy ? e->policy : "?");
		else
			snprintf(why, sizeof why, "escalated, step %lld of %lld",
			    (long long)e->step, (long long)e->steps);
		for (const char *p = e->text ? e->text : ""; *p != '\0';) {
			size_t len;
			char *person;

			while (*p == ' ' || *p == ',')
				p++;
			if ((len = strcspn(p, ",")) == 0)
				break;
			person = xstrndup(p, len);
			relay_notify_page(r, e->incident, person, why);
			free(person);
			p += len;
		}
	}
}
