/*
 * am-silence.h: Alertmanager's silences API (v2) on the wire: the body of
 * POST /api/v2/silences the relay sends, and the answers it reads back
 * (the new silence's id; one silence, GET /api/v2/silence/ID; an error's
 * message).  Answers come from the network: each goes through the strict
 * JSON reader (net/json-strict.h), and what is kept is bounded (an id of
 * safe bytes, matchers within core/silence.h's limits), so that nothing
 * Alertmanager says can grow the room or reach a URL or a log unescaped.
 */
#ifndef WR_AM_SILENCE_H
#define WR_AM_SILENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/*
 * {"matchers":[{"name","value","isRegex":false,"isEqual":true}, ...],
 *  "startsAt","endsAt","createdBy","comment"}, times RFC 3339 UTC.
 * Malloc'd; NULL when a string is not valid UTF-8.
 */
char *am_silence_post_body(const struct wr_kvlist *matchers, int64_t starts,
    int64_t ends, const char *created_by, const char *comment);

/* Whether id is one the relay keeps and puts in a path: 1 to
 * WR_SILENCE_ID_MAX bytes of [A-Za-z0-9._-]. */
int am_silence_id_ok(const char *id);

/* POST's answer, {"silenceID": ID}: 0 with *id (malloc'd), or -1 with a
 * reason (ASCII). */
int am_silence_parse_created(const char *body, size_t len, char **id,
    char *err, size_t errsz);

/* One silence as GET /api/v2/silence/ID answers it. */
struct am_silence {
	char *id;
	char *state;		/* "active", "pending" or "expired" */
	int64_t starts, ends;
	char *created_by;
	char *comment;
	/* the matchers, wr_matchers_format()'s form when all are equality
	 * ones (others written NAME=~"V", NAME!="V", NAME!~"V") */
	char *matchers;
	int64_t updated;	/* its updatedAt; 0 when it has none */
};

/* 0 with out filled (free with am_silence_free), or -1 with a reason. */
int am_silence_parse(const char *body, size_t len, struct am_silence *out,
    char *err, size_t errsz);
void am_silence_free(struct am_silence *s);

/* Silences in one answer, at most. */
#define AM_SILENCES_MAX		100000
/*
 * GET /api/v2/silences's answer, an array of silences: 0 with *out, *n of
 * them, each read as am_silence_parse() reads one (free with
 * am_silence_list_free()); one that is not well formed is left out and
 * counted in *skipped (an Alertmanager holds others' silences too).  -1
 * with a reason when the answer is not an array of at most
 * AM_SILENCES_MAX.
 */
int am_silence_parse_list(const char *body, size_t len,
    struct am_silence **out, size_t *n, size_t *skipped, char *err,
    size_t errsz);
void am_silence_list_free(struct am_silence *v, size_t n);

/*
 * The comment the relay gives a silence it makes, which is how it finds
 * that silence again: "warroom #12: TEXT (op OPID)".  Malloc'd.
 */
char *am_silence_comment(int64_t incident, const char *text,
    const char *op_id);
/* Whether comment is one of incident's ("warroom #12:" first). */
int am_silence_comment_incident(const char *comment, int64_t incident);
/* Whether comment ends with op_id's "(op OPID)". */
int am_silence_comment_op(const char *comment, const char *op_id);

/*
 * The active or pending silence that op op_id of created_by made for
 * incident (its comment says both; created_by is its createdBy), or NULL:
 * what a silence op sent again after a relay restart finds, so that it
 * adopts the silence its first try made instead of making a second.
 */
const struct am_silence *am_silence_find_op(const struct am_silence *v,
    size_t n, int64_t incident, const char *created_by, const char *op_id);

/* How far apart the old silence's end and its replacement's updatedAt
 * may be (Alertmanager sets both in the same edit). */
#define AM_SILENCE_REPLACED_MS	60000
/*
 * The silence that replaced old, expired at Alertmanager for an edit that
 * could not be made in place (new matchers, a new start): Alertmanager
 * expires the old one and makes a new one with another id, the same
 * createdBy and (unless the edit changed it) comment.  The one, active or
 * pending, of incident's (its comment), by old's creator, updated within
 * AM_SILENCE_REPLACED_MS of old's end, not held by inc already; one with
 * old's comment first, then the nearest in time.  NULL for none.
 */
const struct am_silence *am_silence_find_replacement(
    const struct am_silence *v, size_t n, const struct am_silence *old,
    int64_t incident, const struct wr_incident *inc);

/*
 * What an error answer says, for a reason a person reads: its JSON string
 * or "message" member, else its first line; printable ASCII only, at most
 * size - 1 bytes ("" for nothing).
 */
void am_silence_error_text(const char *body, size_t len, char *out,
    size_t size);

#endif
