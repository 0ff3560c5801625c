/*
 * config.c: the console's config file, $XDG_CONFIG_HOME/warroom/config
 * (else ~/.config/warroom/config): "key = value" lines, '#' comments.
 * Keys: feed, token-file, db, user, theme, quiet, utc, backoff-cap, log,
 * postmortem-template.
 * It sits between the defaults and the environment: WARROOM_* variables
 * and the command line both win over it.  The relay never reads it.
 *
 * The file is read by core/inifile.c, the same reader as warroomd's
 * config, and its values by core/parse.c: a bad line is refused with the
 * file, the line and the reason.  The strings are kept here, one per key,
 * for the life of the process (the options point at them as they point
 * into argv); a key given twice replaces its value and frees the old one.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/inifile.h"
#include "core/parse.h"
#include "core/util.h"
#include "store/file.h"

enum key_type { K_STR, K_BOOL, K_INT };

static const struct key {
	const char *name;
	enum key_type type;
	const char *env;	/* the variable that wins over the file */
	size_t off;		/* in struct cli_opts */
} keys[] = {
	{ "feed", K_STR, "WARROOM_FEED", offsetof(struct cli_opts, feed) },
	{ "token-file", K_STR, "WARROOM_TOKEN_FILE",
	    offsetof(struct cli_opts, token_file) },
	{ "db", K_STR, "WARROOM_DB", offsetof(struct cli_opts, db) },
	{ "user", K_STR, "WARROOM_USER", offsetof(struct cli_opts, user) },
	{ "theme", K_STR, NULL, offsetof(struct cli_opts, theme) },
	{ "quiet", K_BOOL, NULL, offsetof(struct cli_opts, quiet) },
	{ "utc", K_BOOL, NULL, offsetof(struct cli_opts, utc) },
	{ "log", K_STR, NULL, offsetof(struct cli_opts, log_file) },
	{ "backoff-cap", K_INT, NULL,
	    offsetof(struct cli_opts, backoff_cap_ms) },
	{ "postmortem-template", K_STR, NULL,
	    offsetof(struct cli_opts, pm_template) },
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* The value of each string key, owned here. */
static char *kept[N_KEYS];

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

static char *
config_section(void *user, const char *section, int lineno)
{
	(void)user;
	(void)lineno;
	return xasprintf("unknown section [%s] (the console's config has "
	    "only key = value lines)", section);
}

static char *
config_key(void *user, const char *section, const char *name,
    const char *value, int lineno)
{
	struct cli_opts *o = user;
	char err[WR_PARSE_ERR_MAX];
	char *at = (char *)o;
	int64_t n;
	int b;

	(void)section;
	(void)lineno;
	for (size_t i = 0; i < N_KEYS; i++) {
		if (strcmp(keys[i].name, name) != 0)
			continue;
		at += keys[i].off;
		switch (keys[i].type) {
		case K_STR:
			if (value[0] == '\0')
				return xasprintf("%s: no value", name);
			if (keys[i].env != NULL && env_set(keys[i].env))
				return NULL;
			util_set_str(&kept[i], value);
			*(const char **)(void *)at = kept[i];
			return NULL;
		case K_BOOL:
			if (wr_parse_bool(value, &b, err, sizeof err) != 0)
				return xasprintf("%s: %s", name, err);
			*(int *)(void *)at = b;
			return NULL;
		case K_INT:
			if (wr_parse_int(value, 1, INT_MAX / 2, &n, err,
			    sizeof err) != 0)
				return xasprintf("%s: %s", name, err);
			*(int *)(void *)at = (int)n;
			return NULL;
		}
	}
	return xasprintf("unknown setting \"%s\" (known: feed, token-file, "
	    "db, user, theme, quiet, utc, log, backoff-cap, "
	    "postmortem-template)", name);
}

/* A config file is small; one this big is a mistake. */
#define CONFIG_MAX (64 * 1024)

int
cli_config_load(struct cli_opts *o, const char *path, char **cause)
{
	static const struct wr_inifile_ops ops = { config_section,
	    config_key };
	char *text, *why;
	size_t len;
	int lineno, err;

	if (path == NULL)
		return 0;
	if (store_read_file(path, CONFIG_MAX, &text, &len, &err) != 0) {
		if (err == ENOENT)
			return 0;	/* no config is fine */
		*cause = err == EFBIG ? xasprintf("%s is larger than 64k; is "
		    "it a config file?", path) : xasprintf("cannot read %s: "
		    "%s", path, strerror(err));
		return -1;
	}
	if (wr_inifile_parse(text, len, &ops, o, &lineno, &why) != 0) {
		*cause = xasprintf("%s:%d: %s", path, lineno, why);
		free(why);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}
