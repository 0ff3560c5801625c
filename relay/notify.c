/*
 * relay/notify.c: deliveries of pages to the notifiers that serve a person
 * (see notify.h).
 *
 * First version: the seam escalation calls.  It logs the page it was asked
 * for; delivery (webhook, slack, command) with retries follows.
 */
#include <stdio.h>

#include "core/util.h"
#include "relay/notify.h"
#include "relay/relay-int.h"

void
relay_notify_page(struct relay *r, int64_t incident, const char *person,
    const char *why)
{
	char p[RELAY_LOG_USER], w[RELAY_LOG_USER];

	relay_log(r, "page #%lld for %s (%s): no notifier yet",
	    (long long)incident,
	    util_log_escape(person != NULL ? person : "", p, sizeof p),
	    util_log_escape(why != NULL ? why : "", w, sizeof w));
}
