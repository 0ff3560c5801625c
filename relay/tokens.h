/*
 * tokens.h: the relay's token file.  One token a line, "NAME TOKEN [ROLES]",
 * roles "console" and "ingest" separated by commas (default both), '#'
 * starts a comment.  A file that others can read is refused.
 */
#ifndef WR_TOKENS_H
#define WR_TOKENS_H

#include <stddef.h>

enum {
	TOKEN_ROLE_CONSOLE = 1,
	TOKEN_ROLE_INGEST = 2
};

struct token {
	char *name;
	char *secret;
	int roles;
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
/* Extract the token from an "Authorization: Bearer X" value into buf;
 * returns 0 or -1 when the header is not a bearer token. */
int tokens_from_header(const char *header, char *buf, size_t size);

#endif
