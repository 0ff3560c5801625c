/*
 * policy.h: escalation policies, and what one says an incident is due.
 *
 * A policy ([policy NAME] in warroomd's config, warroom.conf(5)) is a list
 * of steps, each a delay after the escalation began and the targets to
 * page then (schedules, whose on-call person at that moment is the target,
 * or people), a number of repeats after the last step, an optional match
 * on service and severity, and an optional ack-timeout.
 *
 * An incident's escalation is a function of its own state, which the
 * reducer keeps from the log (struct wr_incident's esc_* members): when
 * the current round of escalation began (the trigger, an unack, a reopen,
 * a snooze or an acknowledgement that ran out, the end of a silence) and
 * how many steps of it
 * have fired.  Nothing else is remembered, so a relay that restarts, or
 * replays its log, knows exactly which step is next and when: it loses
 * none and fires none twice.  wr_policy_next() says what is due and when;
 * wr_policy_plan() makes the event of what is due at an instant.
 *
 * Pure: no I/O, no clock (the caller says what time it is), no config
 * file (relay/config.c reads the sections and calls the parsers here).
 */
#ifndef WR_POLICY_H
#define WR_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define WR_POLICY_STEPS_MAX	32
#define WR_POLICY_TARGETS_MAX	16
#define WR_POLICY_REPEAT_MAX	100
#define WR_POLICY_NAME_MAX	64

struct wr_policy_step {
	int64_t delay_ms;	/* after the escalation began */
	char **targets;		/* schedule names or people, in order */
	size_t n_targets;
};

struct wr_policy {
	char *name;
	int has_match;		/* a match line: not the default */
	char **services;	/* match: service= (any of), NULL: any */
	size_t n_services;
	unsigned severities;	/* match: 1 << wr_severity (any of); 0: any */
	struct wr_policy_step *steps;
	size_t n_steps;
	int repeat;		/* rounds after the first */
	int64_t ack_timeout_ms;	/* 0: an acknowledgement never expires */
};

struct wr_policy *wr_policy_new(const char *name);
void wr_policy_free(struct wr_policy *p);

/*
 * "10m secondary", "0m primary", "20m alice, bob": a step appended to p.
 * Returns 0, or -1 with *cause (malloc'd, without the key's name).
 */
int wr_policy_add_step(struct wr_policy *p, const char *text, char **cause);
/* "service=checkout severity=critical", "severity=critical,error": 0, or
 * -1 with *cause. */
int wr_policy_set_match(struct wr_policy *p, const char *text, char **cause);
/*
 * The match and a step in the words of the config file, malloc'd: what
 * wr_policy_set_match() and wr_policy_add_step() read back as the same
 * ("service=checkout,cart severity=critical,error"; "600s secondary,
 * alice").  The match is "" for a policy without one.  The protocol sends
 * a policy to consoles in these words (net/proto.c), so the console reads
 * it with the relay's own parsers.
 */
char *wr_policy_match_text(const struct wr_policy *p);
char *wr_policy_step_text(const struct wr_policy_step *st);
/* A step's targets alone, "secondary, alice" (malloc'd). */
char *wr_policy_targets_text(const struct wr_policy_step *st);
/* What no single line can say: no steps, steps out of order, a repeat
 * with a round of no length.  0, or -1 with *cause. */
int wr_policy_check(const struct wr_policy *p, char **cause);

/* Whether p's match takes inc (a policy without one takes every one). */
int wr_policy_matches(const struct wr_policy *p, const struct wr_incident *inc);
/*
 * The policy for inc: the first with a match that takes it, else the
 * default (the one without a match), else NULL.  When the incident's
 * escalation has begun under a policy that still exists (esc_policy), that
 * one: a round does not change policy halfway because a severity changed.
 */
const struct wr_policy *wr_policy_find(const struct wr_policy *const *v,
    size_t n, const struct wr_incident *inc);

/* Steps a policy fires in all, its repeats included. */
int wr_policy_total(const struct wr_policy *p);
/*
 * When firing k (0-based, repeats included: step k % n_steps of round
 * k / n_steps) falls due, as an offset from the escalation's start.  A
 * round lasts its last step's delay plus the gap before that step (the
 * last step's delay for a one-step policy), so a repeat keeps the rhythm
 * of the steps before it.
 */
int64_t wr_policy_offset(const struct wr_policy *p, int k);

enum wr_policy_due {
	WR_DUE_NONE = 0,	/* nothing, ever, unless the incident changes */
	WR_DUE_STEP,		/* a step of the escalation */
	WR_DUE_ACK_EXPIRY,	/* the acknowledgement runs out (ack-timeout) */
	WR_DUE_SNOOZE_END,	/* the snooze is over */
	WR_DUE_SILENCE_END	/* a silence it holds runs out (its end) */
};

struct wr_policy_next {
	enum wr_policy_due what;
	int64_t at;		/* Unix ms; may be in the past: due now */
	int fire;		/* WR_DUE_STEP: the firing (0-based) */
	int silence;		/* WR_DUE_SILENCE_END: its index in
				 * inc->silences */
};

/*
 * What is due next for inc under p (NULL: no policy takes it, and only a
 * snooze can end), and when.  silenced: the incident is silenced at the
 * source (wr_policy_silenced()), and does not escalate while it is.  A
 * triggered incident that escalates does not while it holds a silence
 * (the log's, inc->silences) either: the earliest silence's end is due,
 * and its SILENCE_EXPIRED event, like an unsilence, starts the escalation
 * again from step 1 (the reducer's rule, core/room.c), so no step fires
 * between a silence's end and the event that says so.
 */
void wr_policy_next(const struct wr_policy *p, const struct wr_incident *inc,
    int silenced, struct wr_policy_next *out);

/*
 * Whether inc is silenced, so that it does not escalate.  The one
 * predicate the escalation asks (the silences' events decide it).
 */
int wr_policy_silenced(const struct wr_incident *inc, int64_t now);

/*
 * Who a target is at an instant: for a schedule's name its on-call person
 * (*person, NULL for a gap) and 1; for anything else 0 (it is a person).
 * The relay answers it from its schedules.
 */
typedef int (*wr_policy_oncall_fn)(void *ud, const char *target, int64_t now,
    const char **person);

/*
 * The events what is due at now makes for inc under p, appended to out;
 * returns how many (0 when nothing is due yet).  A step is a
 * POLICY_ASSIGNED event for the first step of a round when no person has
 * assigned the incident (it assigns the first person paged), else an
 * ESCALATED one; when several steps fell due (a relay that was down) only
 * the latest fires, once.  An acknowledgement that ran out is an
 * ACK_EXPIRED event, a snooze that is over a SNOOZE_OVER one, a silence
 * that ran out a SILENCE_EXPIRED one.
 */
size_t wr_policy_plan(const struct wr_policy *p, const struct wr_incident *inc,
    int64_t now, int silenced, wr_policy_oncall_fn oncall, void *ud,
    struct wr_evlist *out);

/* The actor of the events a policy makes: "policy checkout" (malloc'd). */
char *wr_policy_actor(const char *name);
/* Whether person is among the comma-separated names of a step's event
 * (its targets) or an incident's esc_target. */
int wr_policy_names_person(const char *list, const char *person);

#endif
