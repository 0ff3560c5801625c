/*
 * tokens.h: the relay's token file.  One token a line,
 * "NAME TOKEN [ROLES] [users=alice,bob|users=*]": roles "console" and
 * "ingest" separated by commas (default both), or "calendar" alone (a
 * token that goes in a calendar subscription's URL, GET
 * /oncall/NAME.ics?token=T, and opens nothing else); users= the names a console
 * with this token may act as, besides NAME itself (default: NAME only; "*":
 * anyone, a shared war-room token).  '#' starts a comment.  A file that
 * others can read is refused.
 */
#ifndef WR_TOKENS_H
#define WR_TOKENS_H

#include <stddef.h>

enum {
	TOKEN_ROLE_CONSOLE = 1,
	TOKEN_ROLE_INGEST = 2,
	TOKEN_ROLE_CALENDAR = 4		/* never with another role */
};

struct token {
	char *name;
	char *secret;
	int roles;
	char **users;		/* users=: besides name */
	size_t n_users;
	int any_user;		/* users=* */
};

struct tokens {
	struct token *v;
	size_t n;
};

/* Returns 0, or -1 with *cause (malloc'd) naming the file and line. */
int tokens_load(const char *path, struct tokens *out, char **cause);
void tokens_free(struct tokens *t);
/* The token whose secret matches (constant time per entry) and that has
 * the role, or NULL. */
const struct token *tokens_check(const struct tokens *t, const char *secret,
    int role);
/* After a reload: the token of t that is old (a token of the set before)
 * again, with the same name and secret and the role, or NULL when the new
 * file removed it, renamed it or took the role away.  Constant time per
 * entry, as tokens_check(). */
const struct token *tokens_same(const struct tokens *t,
    const struct token *old, int role);
/* The token for a secret that came in a URL: only one whose sole role is
 * calendar, else NULL (a console or ingest token is never taken from a
 * URL, where logs and browser histories keep it). */
const struct token *tokens_check_url(const struct tokens *t,
    const char *secret);
/* Whether a console holding t may act as user: user is t's name, one of
 * its users=, or t has users=*.  t NULL (a relay without tokens): yes. */
int tokens_may_act_as(const struct token *t, const char *user);
/* "ops, alice, bob" (or "anyone") into buf: for the refusal. */
void tokens_users_text(const struct token *t, char *buf, size_t size);

/* Extract the token from an "Authorization: Bearer X" value into buf;
 * returns 0 or -1 when the header is not a bearer token. */
int tokens_from_header(const char *header, char *buf, size_t size);

#endif
