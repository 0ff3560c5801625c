/*
 * silence.h: Alertmanager silences as the room knows them.
 *
 * Three things live here, all pure (no I/O):
 *   - matchers: what a person types to narrow a silence ("pop=ams",
 *     'pop="ams"'), validated and bounded, and the one text form every
 *     describer and the log use ('alertname="EdgeNodeDown", service="edge"');
 *   - the matchers an incident's silence gets: the labels its alerts have in
 *     common (the group's), narrowed by the person's, and how many of its
 *     alerts they match (the preview's "silence 300 alerts matching ...");
 *   - an incident's active silences, as the reducer keeps them from the
 *     silence events (room.c calls wr_silence_apply()), and the predicate
 *     the escalation engine asks: wr_incident_silenced().
 * Equality matchers only (isEqual, not isRegex): a silence made from the war
 * room silences exactly what it names.
 */
#ifndef WR_SILENCE_H
#define WR_SILENCE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define WR_SILENCES_MAX		8	/* active at once per incident */
#define WR_MATCHERS_MAX		32	/* per silence */
#define WR_MATCHER_NAME_MAX	128	/* bytes */
#define WR_MATCHER_VALUE_MAX	1024	/* bytes */
#define WR_MATCHERS_TEXT_MAX	8192	/* bytes, formatted */
#define WR_SILENCE_COMMENT_MAX	1024	/* bytes */
#define WR_SILENCE_ID_MAX	64	/* bytes (Alertmanager's are UUIDs) */
#define WR_SILENCE_MIN_MS	1000LL
#define WR_SILENCE_MAX_MS	(366LL * 24 * 3600 * 1000)

/*
 * Whether name is a label name Alertmanager takes in a matcher
 * ([a-zA-Z_][a-zA-Z0-9_]*, at most WR_MATCHER_NAME_MAX bytes).
 */
int wr_matcher_name_ok(const char *name);

/*
 * Parse matchers: NAME=VALUE or NAME="VALUE" (\" \\ and \n escaped inside
 * quotes), separated by commas and/or spaces, optionally in braces, as a
 * person types them and as wr_matchers_format() writes them.  Values are
 * valid UTF-8 without control bytes, at most WR_MATCHER_VALUE_MAX bytes; a
 * name twice, more than WR_MATCHERS_MAX, or an operator other than '=' is
 * refused.  Appends to out (the caller frees it); 0, or -1 with err.
 * "" is an empty list (0).
 */
int wr_matchers_parse(const char *text, struct wr_kvlist *out, char *err,
    size_t errsz);

/* 'a="b", c="d\"e"': the one text form.  Malloc'd. */
char *wr_matchers_format(const struct wr_kvlist *m);

/* Whether labels has every matcher of m with its value. */
int wr_matchers_match(const struct wr_kvlist *m, const struct wr_kvlist *labels);

/*
 * The matchers of a silence of an incident's alerts: the group's labels,
 * then narrow's (a name the alerts share with another value is refused:
 * the silence would not cover this group).  The group's labels are those of
 * the Alertmanager groupKey group_key names (wr_am_group_labels()) that
 * every firing alert (every alert when none is firing) has with that value:
 * a silence of alertname="X" covers the group's next alert too, where the
 * labels one alert has would name that alert alone.  A key with no group
 * labels (group_by: []) or none (NULL, another source) falls back to the
 * labels the alerts share.  In name order with alertname first.  0 with
 * out filled (the caller frees it), or -1 with err: no alerts, nothing in
 * common and nothing to narrow by, or too many matchers.
 */
int wr_silence_matchers(const char *group_key, const struct wr_alert *alerts,
    size_t n, const struct wr_kvlist *narrow, struct wr_kvlist *out,
    char *err, size_t errsz);

/*
 * The group labels of an Alertmanager groupKey: the route's key (matcher
 * sets in braces joined by '/'), a colon, and the label set, as in
 * '{}/{severity="critical"}:{alertname="X", service="y"}'.  Appends them to
 * out; 0, or -1 when key is not of that form (out is then emptied).
 */
int wr_am_group_labels(const char *key, struct wr_kvlist *out);

/* How many firing alerts among these the matchers match. */
size_t wr_silence_count(const struct wr_alert *alerts, size_t n,
    const struct wr_kvlist *m);

/*
 * Whether incident inc is silenced at now: it holds a silence that has not
 * ended.  What escalation asks before it pages anyone ("a silenced incident
 * does not escalate").
 */
int wr_incident_silenced(const struct wr_incident *inc, int64_t now);

/*
 * The incident's silence that id names: the whole id, or a prefix of
 * at least 4 bytes that only one of them has; with id NULL or "", its
 * only silence.  NULL with err otherwise.
 */
const struct wr_silence *wr_incident_silence(const struct wr_incident *inc,
    const char *id, char *err, size_t errsz);

/*
 * Apply a silence event (SILENCED, UNSILENCED, SILENCE_EXPIRED,
 * SILENCE_CHANGED) to inc's silences.  0, or -1 with err when it does not
 * fit (a silence made twice, one ended or changed that inc does not hold,
 * more than WR_SILENCES_MAX).
 */
int wr_silence_apply(struct wr_incident *inc, const struct wr_event *e,
    char *err, size_t errsz);

/* What Alertmanager said of a silence the room holds, when the relay asked
 * it again (GET /api/v2/silence/ID). */
struct wr_silence_seen {
	const char *id;
	int gone;		/* it has no such silence (any more) */
	int expired;		/* its state is "expired" */
	int64_t ends;		/* its endsAt */
	const char *matchers;	/* wr_matchers_format()'s form, or NULL */
	/* expired there for an edit: the silence Alertmanager made in its
	 * place (ends and matchers are then that one's), else NULL */
	const char *replaced_by;
	const char *actor;	/* who the events are by ("alertmanager") */
	const char *via;	/* the sender */
};

/*
 * The events that answer makes against inc as it is now, appended to out;
 * how many (0 or 1).  Expired or gone: SILENCE_EXPIRED, its ends when it
 * ended there (now when gone, never after now); its end moved by a second
 * or more, or other matchers: SILENCE_CHANGED.  Replaced by another
 * (replaced_by): SILENCE_CHANGED with new_silence_id, the new one's end
 * and matchers (SILENCE_EXPIRED when inc holds that one already).  Nothing
 * for a silence inc no longer holds (an unsilence got there first).
 */
size_t wr_silence_plan_seen(const struct wr_incident *inc,
    const struct wr_silence_seen *seen, int64_t now, struct wr_evlist *out);

/* Copies and frees of an incident's silences. */
void wr_silences_copy(struct wr_incident *dst, const struct wr_incident *src);
void wr_silences_free(struct wr_incident *inc);

#endif
