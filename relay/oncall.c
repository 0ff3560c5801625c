/*
 * oncall.c: the relay's side of on call: every console gets the schedules
 * of the config file (warroom.conf(5)) as one "schedules" frame
 * (warroom-protocol(7)) after its welcome, and again whenever they change,
 * so that it answers who is on call from its own copy, offline too.
 *
 * The overrides and cover requests are the log's (core/overrides.h): read
 * back from the store at start (the schedule-wide events, incident 0),
 * applied after every commit, put into the config's schedules whenever the
 * frame is made (so a reload keeps them), and the frame goes out again to
 * every console when they change.  Schedule-wide ops are planned here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/overrides.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"
#include "relay/config.h"
#include "relay/oncall.h"
#include "relay/relay-int.h"

void
relay_oncall_sync(const struct relay *r)
{
	int64_t now = wr_now_ms();

	for (size_t i = 0; i < r->cfg->n_schedules; i++)
		if (r->cfg->schedules[i].s != NULL)
			wr_overrides_put(&r->ov, r->cfg->schedules[i].s, now);
}

int
relay_oncall_load(struct relay *r, char **cause)
{
	struct wr_evlist ev = { 0 };

	wr_overrides_init(&r->ov);
	if (store_incident_events(r->store, 0, &ev, cause) != 0)
		return -1;
	for (size_t i = 0; i < ev.n; i++)
		wr_overrides_apply(&r->ov, &ev.v[i]);
	wr_evlist_free(&ev);
	wr_overrides_expire(&r->ov, wr_now_ms());
	relay_oncall_sync(r);
	return 0;
}

void
relay_oncall_committed(struct relay *r, const struct wr_event *ev, size_t n)
{
	int changed = 0;

	for (size_t i = 0; i < n; i++)
		if (wr_event_kind_info(ev[i].kind)->scope ==
		    WR_SCOPE_SCHEDULE) {
			wr_overrides_apply(&r->ov, &ev[i]);
			changed = 1;
		}
	if (!changed)
		return;
	wr_overrides_expire(&r->ov, wr_now_ms());
	relay_oncall_sync(r);
	relay_oncall_broadcast(r);
}

enum wr_plan_result
relay_oncall_plan(struct relay *r, const struct wr_op *op,
    const struct wr_event *planned, size_t n, struct wr_event *out,
    const char **code, int *keep, char *err, size_t errsz)
{
	size_t ns = r->cfg->n_schedules;
	const char **names = xcalloc(ns + 1, sizeof *names);
	struct wr_ov_context cx = { .names = names, .n_names = ns,
	    .now = op->now, .horizon_ms = r->cfg->retention_ms };
	enum wr_plan_result res;

	for (size_t i = 0; i < ns; i++)
		names[i] = r->cfg->schedules[i].s != NULL ?
		    r->cfg->schedules[i].s->name : "";
	wr_overrides_expire(&r->ov, op->now);
	res = wr_overrides_plan(&r->ov, planned, n, &cx, op, out, code, err,
	    errsz);
	free(names);
	/* a name or a number that matches nothing costs no row, as an
	 * unknown incident does */
	*keep = res != WR_PLAN_REFUSED ||
	    (strcmp(*code, WR_OV_UNKNOWN_SCHEDULE) != 0 &&
	    strcmp(*code, WR_OV_UNKNOWN_OVERRIDE) != 0 &&
	    strcmp(*code, WR_OV_UNKNOWN_COVER) != 0);
	return res;
}

json_t *
relay_oncall_frame(const struct relay *r)
{
	size_t n = r->cfg->n_schedules;
	const struct wr_schedule **v = xcalloc(n + 1, sizeof *v);
	json_t *o;

	relay_oncall_sync(r);	/* what is open now, after a reload too */
	for (size_t i = 0; i < n; i++)
		v[i] = r->cfg->schedules[i].s;
	o = proto_schedules_to_json(v, n,
	    (const struct wr_policy *const *)r->cfg->policies,
	    r->cfg->n_policies);
	free(v);
	return o;
}

void
relay_oncall_hello(struct relay *r, struct feed_pss *p)
{
	if (frameq_push_json(&p->ctl, relay_oncall_frame(r)) != 0)
		relay_log(r, "console %s: its control queue is full; the "
		    "schedules frame made it so", p->token);
}

void
relay_oncall_broadcast(struct relay *r)
{
	for (struct feed_pss *p = r->consoles; p != NULL; p = p->next) {
		if (p->phase == RELAY_FEED_HELLO)
			continue;
		relay_oncall_hello(r, p);
		lws_callback_on_writable(p->wsi);
	}
}
