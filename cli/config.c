/*
 * config.c: the console's config file, $XDG_CONFIG_HOME/warroom/config
 * (else ~/.config/warroom/config): "key = value" lines, '#' comments.
 * Keys: feed, token-file, db, user, theme, quiet, utc, backoff-cap, log.
 * It sits between the defaults and the environment: WARROOM_* variables
 * and the command line both win over it.  The relay never reads it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"

static int
is_true(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0 || strcmp(v, "on") == 0;
}

static int
env_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0';
}

char *
cli_config_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return xasprintf("%s/warroom/config", x);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.config/warroom/config", home);
	return NULL;
}

int
cli_config_load(struct cli_opts *o, const char *path, char **cause)
{
	FILE *f;
	char line[1024];
	int lineno = 0;

	if (path == NULL || (f = fopen(path, "r")) == NULL) {
		if (path == NULL || errno == ENOENT)
			return 0;	/* no config is fine */
		*cause = xasprintf("cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *k = line, *v, *e;

		lineno++;
		if ((e = strchr(line, '#')) != NULL)
			*e = '\0';
		k += strspn(k, " \t");
		e = k + strlen(k);
		while (e > k && strchr(" \t\r\n", e[-1]) != NULL)
			*--e = '\0';
		if (*k == '\0')
			continue;
		if ((v = strchr(k, '=')) == NULL) {
			*cause = xasprintf("%s:%d: expected key = value", path,
			    lineno);
			fclose(f);
			return -1;
		}
		for (e = v; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		v++;
		v += strspn(v, " \t");
		/* kept for the life of the process, like argv */
		if (strcmp(k, "feed") == 0) {
			if (!env_set("WARROOM_FEED"))
				o->feed = xstrdup(v);
		} else if (strcmp(k, "token-file") == 0) {
			if (!env_set("WARROOM_TOKEN_FILE"))
				o->token_file = xstrdup(v);
		} else if (strcmp(k, "db") == 0) {
			if (!env_set("WARROOM_DB"))
				o->db = xstrdup(v);
		} else if (strcmp(k, "user") == 0) {
			if (!env_set("WARROOM_USER"))
				o->user = xstrdup(v);
		} else if (strcmp(k, "theme") == 0)
			o->theme = xstrdup(v);
		else if (strcmp(k, "quiet") == 0)
			o->quiet = is_true(v);
		else if (strcmp(k, "utc") == 0)
			o->utc = is_true(v);
		else if (strcmp(k, "log") == 0)
			o->log_file = xstrdup(v);
		else if (strcmp(k, "backoff-cap") == 0)
			o->backoff_cap_ms = atoi(v);
		else {
			*cause = xasprintf("%s:%d: unknown setting \"%s\" (known: "
			    "feed, token-file, db, user, theme, quiet, utc, "
			    "log, backoff-cap)", path, lineno, k);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}
