/*
 * relay/tokens.c: load and check the relay's bearer tokens (tokens.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/util.h"
#include "relay/tokens.h"

static int
parse_roles(const char *s, int *roles)
{
	char *copy = xstrdup(s), *save = NULL;

	*roles = 0;
	for (char *w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "console") == 0)
			*roles |= TOKEN_ROLE_CONSOLE;
		else if (strcmp(w, "ingest") == 0)
			*roles |= TOKEN_ROLE_INGEST;
		else if (strcmp(w, "calendar") == 0)
			*roles |= TOKEN_ROLE_CALENDAR;
		else {
			free(copy);
			return -1;
		}
	}
	free(copy);
	if ((*roles & TOKEN_ROLE_CALENDAR) && *roles != TOKEN_ROLE_CALENDAR)
		return -2;
	return *roles ? 0 : -1;
}

/* "users=alice,bob" or "users=*" into t; -1 when malformed. */
static int
parse_users(const char *s, struct token *t)
{
	char *copy, *save = NULL;

	if (strncmp(s, "users=", 6) != 0 || s[6] == '\0')
		return -1;
	s += 6;
	if (strcmp(s, "*") == 0) {
		t->any_user = 1;
		return 0;
	}
	if (s[strlen(s) - 1] == ',' || s[0] == ',' || strstr(s, ",,"))
		return -1;
	copy = xstrdup(s);
	for (char *w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "*") == 0 || strlen(w) > 64) {
			free(copy);
			return -1;
		}
		t->users = xrealloc(t->users, (t->n_users + 1) *
		    sizeof *t->users);
		t->users[t->n_users++] = xstrdup(w);
	}
	free(copy);
	return 0;
}

static void
token_free(struct token *t)
{
	free(t->name);
	if (t->secret != NULL) {
		/* don't leave secrets lying in freed memory */
		memset(t->secret, 0, strlen(t->secret));
		free(t->secret);
	}
	for (size_t i = 0; i < t->n_users; i++)
		free(t->users[i]);
	free(t->users);
	memset(t, 0, sizeof *t);
}

int
tokens_load(const char *path, struct tokens *out, char **cause)
{
	FILE *f;
	struct stat st;
	char line[4096];
	int lineno = 0;

	memset(out, 0, sizeof *out);
	f = fopen(path, "r");
	if (f == NULL) {
		*cause = xasprintf("cannot open token file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0) {
		*cause = xasprintf("token file %s can be read by others "
		    "(mode %03o); run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 0777), path);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *fields[5], *save = NULL, *hash;
		int n = 0, k, rc, roles = TOKEN_ROLE_CONSOLE |
		    TOKEN_ROLE_INGEST;
		struct token t;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			*cause = xasprintf("%s:%d: line too long", path,
			    lineno);
			goto fail;
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		for (char *w = strtok_r(line, " \t\r\n", &save); w != NULL;
		    w = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == 4) {
				n++;
				break;
			}
			fields[n++] = w;
		}
		if (n == 0)
			continue;
		if (n < 2 || n > 4) {
			*cause = xasprintf("%s:%d: expected NAME TOKEN [ROLES] "
			    "[users=NAME,...|users=*]", path, lineno);
			goto fail;
		}
		if (strlen(fields[1]) < 16) {
			*cause = xasprintf("%s:%d: token of %s is shorter than "
			    "16 characters", path, lineno, fields[0]);
			goto fail;
		}
		memset(&t, 0, sizeof t);
		k = 2;
		if (k < n && strncmp(fields[k], "users=", 6) != 0 &&
		    (rc = parse_roles(fields[k++], &roles)) != 0) {
			*cause = rc == -2 ? xasprintf("%s:%d: a calendar token "
			    "has no other role (it goes in URLs); give %s a "
			    "token of its own for console or ingest", path,
			    lineno, fields[0]) :
			    xasprintf("%s:%d: roles must be console, ingest, "
			    "console,ingest or calendar", path, lineno);
			goto fail;
		}
		if (k < n && parse_users(fields[k++], &t) != 0) {
			*cause = xasprintf("%s:%d: expected users= and names "
			    "separated by commas, or users=*", path, lineno);
			token_free(&t);
			goto fail;
		}
		if (k < n) {
			*cause = xasprintf("%s:%d: expected NAME TOKEN [ROLES] "
			    "[users=NAME,...|users=*]", path, lineno);
			token_free(&t);
			goto fail;
		}
		/* One secret, one name: else the later line would never be
		 * the one found, and its name and roles silently unused. */
		for (size_t i = 0; i < out->n; i++)
			if (strcmp(out->v[i].secret, fields[1]) == 0) {
				*cause = xasprintf("%s:%d: %s has the same token "
				    "as %s; give each its own", path, lineno,
				    fields[0], out->v[i].name);
				token_free(&t);
				goto fail;
			}
		t.name = xstrdup(fields[0]);
		t.secret = xstrdup(fields[1]);
		t.roles = roles;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = t;
	}
	fclose(f);
	if (out->n == 0) {
		*cause = xasprintf("token file %s has no tokens", path);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	tokens_free(out);
	return -1;
}

void
tokens_free(struct tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		token_free(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static int
secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);

	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i < lb ? i : 0]);
	return d == 0;
}

const struct token *
tokens_check(const struct tokens *t, const char *secret, int role)
{
	const struct token *found = NULL;

	if (secret == NULL || secret[0] == '\0')
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (secret_equal(t->v[i].secret, secret) && found == NULL)
			found = &t->v[i];
	if (found != NULL && (found->roles & role) == 0)
		return NULL;
	return found;
}

const struct token *
tokens_same(const struct tokens *t, const struct token *old, int role)
{
	const struct token *found;

	if (old == NULL)
		return NULL;
	found = tokens_check(t, old->secret, role);
	if (found == NULL || strcmp(found->name, old->name) != 0)
		return NULL;
	return found;
}

const struct token *
tokens_check_url(const struct tokens *t, const char *secret)
{
	const struct token *found = tokens_check(t, secret,
	    TOKEN_ROLE_CALENDAR);

	return found != NULL && found->roles == TOKEN_ROLE_CALENDAR ? found :
	    NULL;
}

int
tokens_from_header(const char *header, char *buf, size_t size)
{
	const char *p = header;
	size_t n;

	while (*p == ' ')
		p++;
	if (strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return -1;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t\r\n");
	if (n == 0 || n >= size)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int
tokens_may_act_as(const struct token *t, const char *user)
{
	if (t == NULL || t->any_user)
		return 1;
	if (user == NULL)
		return 0;
	if (strcmp(user, t->name) == 0)
		return 1;
	for (size_t i = 0; i < t->n_users; i++)
		if (strcmp(user, t->users[i]) == 0)
			return 1;
	return 0;
}

void
tokens_users_text(const struct token *t, char *buf, size_t size)
{
	size_t o;

	if (t == NULL || t->any_user) {
		util_strlcpy(buf, "anyone", size);
		return;
	}
	util_strlcpy(buf, t->name, size);
	for (size_t i = 0; i < t->n_users; i++) {
		o = strlen(buf);
		if (o + 2 < size)
			snprintf(buf + o, size - o, ", %s", t->users[i]);
	}
}
