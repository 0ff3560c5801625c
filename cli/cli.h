/*
 * cli.h: the scriptable subcommands of `warroom` (tail, list, ack, unack,
 * resolve, reopen, assign, note) and the options every part of the console
 * shares.  cmd/warroom.c parses the command line into a struct cli_opts and
 * calls one of the cli_*() entry points, or the interactive console.
 *
 * Exit codes (DESIGN.md, "Command-line contract"): 0 success, 64 bad usage,
 * 65 the relay refused the op, 75 the feed could not be reached within
 * --timeout (an op stays queued), 77 the relay refused the token; and, from
 * sysexits.h, 69 for what is not built, 70 for internal errors, 74 for a
 * local file (the store, the log) that could not be used.
 */
#ifndef WR_CLI_H
#define WR_CLI_H

#include "core/room.h"

#define CLI_EX_OK		0
#define CLI_EX_USAGE		64
#define CLI_EX_REFUSED		65
#define CLI_EX_UNAVAILABLE	69
#define CLI_EX_SOFTWARE		70
#define CLI_EX_IOERR		74
#define CLI_EX_UNREACHABLE	75
#define CLI_EX_NOPERM		77

#define CLI_DEFAULT_TIMEOUT_S	10

struct cli_opts {
	/* common */
	const char *feed;	/* --feed, WARROOM_FEED, else the default */
	const char *token_file;	/* --token-file, WARROOM_TOKEN_FILE; NULL:
				 * no token (a relay run with --no-auth) */
	const char *db;		/* --db, WARROOM_DB; NULL: the default path */
	const char *user;	/* --user, WARROOM_USER, $USER, the login */
	int timeout_s;		/* --timeout, default 10 */
	int backoff_cap_ms;	/* --backoff-cap; 0: the feed's default */
	const char *ca_file;	/* --ca */
	int insecure;		/* --insecure */
	const char *log_file;	/* --log */
	/* tail, list */
	int json;
	/* tail */
	int from_now;
	/* list: triggered, acknowledged, resolved, open, all (NULL: all) */
	const char *state;
	/* the interactive console */
	const char *theme;
	int utc;
	int quiet;		/* no bell for a new critical incident */
	int demo;
};

/* Defaults, then the environment (WARROOM_FEED, WARROOM_TOKEN_FILE,
 * WARROOM_DB, WARROOM_USER, USER). */
void cli_opts_init(struct cli_opts *o);

/*
 * The token: alone on the first line of path (surrounding blanks and the
 * line end dropped).  -1 with *cause (malloc'd) when the file is missing,
 * unreadable or has no token.  *token is malloc'd.  *warning (when not
 * NULL) is set to a malloc'd sentence when the file is open to its group
 * or others (it still works: the caller says so), else NULL.
 */
int cli_read_token(const char *path, char **token, char **warning,
    char **cause);

/* The console's config file path ($XDG_CONFIG_HOME/warroom/config), or
 * NULL; malloc'd. */
char *cli_config_path(void);
/* Apply the config file over the defaults (the environment still wins).
 * A missing file is fine; a bad line is -1 with *cause naming file:line. */
int cli_config_load(struct cli_opts *o, const char *path, char **cause);

int cli_tail(const struct cli_opts *o);
/* export: args = { ID }: a postmortem draft in Markdown (or --json). */
int cli_export(const struct cli_opts *o, int argc, char **argv);
int cli_stats(const struct cli_opts *o);
int cli_list(const struct cli_opts *o);
/* ack, unack, resolve, reopen: args = { ID }; assign: { ID, NAME };
 * note: { ID, TEXT... } (the words are joined with spaces). */
int cli_op(const struct cli_opts *o, wr_op_kind kind, int argc,
    char **argv);

#endif
