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
};

/* 0 with out filled (free with am_silence_free), or -1 with a reason. */
int am_silence_parse(const char *body, size_t len, struct am_silence *out,
    char *err, size_t errsz);
void am_silence_free(struct am_silence *s);

/*
 * What an error answer says, for a reason a person reads: its JSON string
 * or "message" member, else its first line; printable ASCII only, at most
 * size - 1 bytes ("" for nothing).
 */
void am_silence_error_text(const char *body, size_t len, char *out,
    size_t size);

#endif
