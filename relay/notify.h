/*
 * relay/notify.h: notifications that reach people who are not looking.
 *
 * Escalation (or anything else in the relay) decides whom to page; this
 * module delivers.  The relay config's [notifier NAME] sections say how
 * (a webhook, Slack's incoming webhook, or a command) and for whom.
 * Delivery never blocks the loop: HTTP goes through the loop's own client
 * connections, commands are children reaped off the loop's tick.
 */
#ifndef WR_RELAY_NOTIFY_H
#define WR_RELAY_NOTIFY_H

#include <stdint.h>

struct relay;

/* Page PERSON about incident ID (WHY: "escalated, step 2 of 3", "assigned
 * by policy checkout"): every notifier serving PERSON is tried, with
 * retries; each attempt an event in the incident's timeline.  Never blocks
 * the loop.  The strings are borrowed (copied when kept). */
void relay_notify_page(struct relay *r, int64_t incident, const char *person,
    const char *why);

#endif
