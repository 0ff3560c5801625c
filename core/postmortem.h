/*
 * postmortem.h: an incident's postmortem, as the people who write it see
 * it: its versions, which save missed which, the template the first
 * version starts from, and the action items in it.
 *
 * A postmortem is a Markdown document kept as versions, each one a
 * POSTMORTEM event in the incident's timeline (core/model.h): the relay
 * numbers them 1, 2, 3 in the order they arrive, and every save is a new
 * version; nothing is overwritten.  Each save says the version it was
 * edited from (its base).  When two people edit from v2 at once, the
 * first save is v3 and the second v4 "based on v2; v3 by alice came
 * first": both are kept and both are shown until someone edits from v4
 * (the editor then starts with v3's text beside v4's to merge).
 *
 * Pure: no I/O.  The functions here read events and incidents that a
 * caller loaded; the text they return is untrusted (the caller sanitises
 * or escapes it for where it goes).
 */
#ifndef WR_POSTMORTEM_H
#define WR_POSTMORTEM_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Bytes of one version's text: the op that carries it is one frame well
 * inside the relay's default frame limit (1 MiB) however it is escaped. */
#define WR_POSTMORTEM_MAX	WR_FIELD_MAX_DOC

/* One saved version, borrowed from its event. */
struct wr_pm_version {
	int64_t version;
	int64_t base;		/* the version it was edited from; 0: none */
	int64_t seq;		/* its event's */
	int64_t at;		/* when it was saved (the person's time) */
	const char *by;
	const char *text;
	/* Saved from an older version than the newest then: the first
	 * version after its base, which it never saw (0 when none). */
	int64_t missed;
	const char *missed_by;
	/* 1 when a later version was edited from it or from one after it:
	 * what it says is in that one.  The versions not superseded are the
	 * ones to show. */
	int superseded;
};

struct wr_pm_history {
	struct wr_pm_version *v;	/* version order: v[i].version == i+1 */
	size_t n;
};

/*
 * The versions among an incident's events (any order of kinds; the
 * POSTMORTEM ones in seq order), borrowing from ev: keep ev until
 * wr_pm_history_free().  A version out of sequence (a log that lost one)
 * is skipped.
 */
void wr_pm_history_build(struct wr_pm_history *h, const struct wr_event *ev,
    size_t n);
void wr_pm_history_free(struct wr_pm_history *h);
/* Version number v, or NULL. */
const struct wr_pm_version *wr_pm_history_get(const struct wr_pm_history *h,
    int64_t v);
/* The newest version, or NULL when there is none. */
const struct wr_pm_version *wr_pm_history_latest(const struct wr_pm_history *h);

/*
 * "based on v2; v3 by alice came first" (a version that missed one), or
 * "" for one saved from the newest.  Untrusted names as they are.
 */
void wr_pm_conflict_words(const struct wr_pm_version *v, char *buf,
    size_t size);

/*
 * What an editor starts from to make the next version: the newest text,
 * and after it each other version still to show (not superseded), between
 * marker lines, to merge by hand.  *base is the newest version's number
 * (what the save says it was edited from).  NULL when there is no version
 * yet.  Malloc'd.
 */
char *wr_pm_editor_text(const struct wr_pm_history *h, int64_t *base);

/*
 * The version whose marker lines wr_pm_editor_text() wrote are still in
 * text (a line "<<<<<<< vN by ..." and, after it, ">>>>>>> vN"): N, or 0
 * when there is none.  A save that still holds them merged nothing, and
 * its action items would count twice.
 */
int64_t wr_pm_merge_block(const char *text);

/*
 * The template the first version starts from when a team has none of its
 * own: summary, impact, timeline, root cause, what went well, what went
 * badly, action items.
 */
extern const char wr_pm_default_template[];

/*
 * Fill a template from the incident and its events: {id} {title}
 * {service} {severity} {state} {started} {acknowledged} {resolved}
 * {duration} {time_to_ack} {time_to_resolve} {acked_by} {resolved_by}
 * {assignee} {responders} {timeline}.  Times are UTC (RFC 3339, to the
 * second), durations "1h 12m"; {timeline} is one Markdown list item per
 * event, a person's with who acted and when they did.  A value not known
 * (no acknowledgement yet) is "-"; a name not in this list expands to
 * nothing.  Malloc'd.  What came from the wire (a title, a service, names,
 * the timeline's words) is inert Markdown (sanitize_markdown(): no control
 * character, no heading, link or HTML an alert could open); the template's
 * own text is the team's.
 */
char *wr_pm_template_fill(const char *tmpl, const struct wr_incident *inc,
    const struct wr_event *ev, size_t n);

/*
 * When the incident was first acknowledged: the person's time (made_at)
 * of the first ACKNOWLEDGED event, whatever came after (an unack, a
 * reopen); the incident's own ack_at when its events are gone; 0.
 */
int64_t wr_pm_first_ack(const struct wr_incident *inc,
    const struct wr_event *ev, size_t n);
/*
 * Who responded: the people whose ops are in the timeline (acks, notes,
 * assignments, resolves; not the postmortem's saves), each once, in the
 * order they first acted.  *out is a malloc'd array of names borrowed
 * from ev (free the array only); returns how many.
 */
size_t wr_pm_responders(const struct wr_event *ev, size_t n,
    const char ***out);

/* 1 for a name wr_pm_template_fill() fills. */
int wr_pm_placeholder_known(const char *name);

/* "1h 12m", "3m 5s", "2d 4h": the two largest units. */
void wr_pm_duration(int64_t ms, char *buf, size_t size);

/*
 * An action item: a line "- [ ] OWNER: text" or "- [x] OWNER: text"
 * ("*" for "-" and "X" for "x" too; spaces before the dash allowed).
 * owner and text are malloc'd, trimmed.
 */
struct wr_pm_action {
	int done;
	char *owner;
	char *text;
	int line;		/* 1-based, in the text */
};

/* The action items of text, in order, into a malloc'd *out; returns how
 * many (0: *out NULL). */
size_t wr_pm_actions_parse(const char *text, struct wr_pm_action **out);
void wr_pm_actions_free(struct wr_pm_action *a, size_t n);

#endif
