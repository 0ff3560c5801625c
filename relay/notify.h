/*
 * relay/notify.h: notifications that reach people who are not looking.
 *
 * Escalation (or anything else in the relay) decides whom to page; this
 * module delivers.  The relay config's [notifier NAME] sections say how
 * (a webhook with warroom's JSON body, Slack's incoming webhook, or a
 * command given that JSON on its standard input) and for whom.  Every
 * attempt at a page is an event in the incident's timeline ("notified
 * alice via pager: delivered"); a failed one is tried again with back-off,
 * and the event says when, so that a relay that restarts picks the retry
 * up from its log.  Handoff notices tell the person about to go on call
 * (a schedule's handoff-notice before) and the one going off call; they
 * belong to no incident, so they are logged and counted, not events.
 *
 * Delivery never blocks the loop: HTTP goes through relay/httpc.c,
 * commands are children reaped with waitpid(WNOHANG) off the loop's tick
 * and killed (SIGKILL, their whole process group) at their bound.
 */
#ifndef WR_RELAY_NOTIFY_H
#define WR_RELAY_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct relay;
struct wr_event;

/* Page PERSON about incident ID (WHY: "escalated, step 2 of 3", "assigned
 * by policy checkout"): every notifier serving PERSON is tried, with
 * retries; each attempt an event in the incident's timeline.  Never blocks
 * the loop.  The strings are borrowed (copied when kept). */
void relay_notify_page(struct relay *r, int64_t incident, const char *person,
    const char *why);

/* The relay's side: at start (after the room is loaded: the retries the
 * log says are pending are taken up), on every tick, after a commit (an
 * assignment by a person pages the assignee), before the stop (attempts
 * in flight are recorded as interrupted, to be retried after the restart)
 * and at the end. */
void relay_notify_start(struct relay *r);
/* After a reload put a new configuration in r->cfg: a ca-file is read
 * anew when next used. */
void relay_notify_config_changed(struct relay *r);
void relay_notify_tick(struct relay *r);
void relay_notify_committed(struct relay *r, const struct wr_event *ev,
    size_t n);
void relay_notify_stop(struct relay *r);
void relay_notify_free(struct relay *r);

/* What one notification says, for the bodies below. */
enum relay_notify_kind {
	RELAY_NOTIFY_PAGE = 0,
	RELAY_NOTIFY_ON_CALL,	/* about to go on call */
	RELAY_NOTIFY_OFF_CALL,	/* has gone off call */
	RELAY_NOTIFY_KINDS
};

struct relay_notify_msg {
	enum relay_notify_kind kind;
	const char *notifier;
	const char *person;
	int attempt;		/* 1, 2, ... */
	int64_t time;		/* the relay's clock, Unix ms */
	/* a page */
	int64_t incident;
	const char *title, *service, *severity, *state, *why;
	/* a handoff notice: the shift (on call: the one coming; off call:
	 * the one that ended, and who has taken over, NULL for nobody) */
	const char *schedule;
	int64_t from, until;	/* INT64_MIN / INT64_MAX: not known */
	const char *next;
};

/* warroom's JSON body (warroomd(8), NOTIFICATIONS), malloc'd.  Every
 * string is made valid UTF-8 (U+FFFD for what is not) and bounded. */
char *relay_notify_json(const struct relay_notify_msg *m);
/* Slack's incoming-webhook body: {"text": ..., "blocks": [...]}, the
 * message's text escaped for mrkdwn (&, <, >) and kept to one paragraph
 * per part, malloc'd. */
char *relay_notify_slack(const struct relay_notify_msg *m);
/* The name of a kind on the wire: "page", "on_call", "off_call". */
const char *relay_notify_kind_name(enum relay_notify_kind k);

#endif
