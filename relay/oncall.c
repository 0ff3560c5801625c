/*
 * oncall.c: the relay's side of on call: every console gets the schedules
 * of the config file (warroom.conf(5)) as one "schedules" frame
 * (warroom-protocol(7)) after its welcome, and again whenever they change,
 * so that it answers who is on call from its own copy, offline too.
 */
#include <stdlib.h>

#include "core/util.h"
#include "net/proto.h"
#include "relay/config.h"
#include "relay/oncall.h"
#include "relay/relay-int.h"

json_t *
relay_oncall_frame(const struct relay *r)
{
	size_t n = r->cfg->n_schedules;
	const struct wr_schedule **v = xcalloc(n + 1, sizeof *v);
	json_t *o;

	for (size_t i = 0; i < n; i++)
		v[i] = r->cfg->schedules[i].s;
	o = proto_schedules_to_json(v, n);
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
