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

#include <stdio.h>

#include "core/room.h"
#include "core/stats.h"

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
	/* oncall: --at TIME (RFC 3339, NULL: now), --schedule NAME */
	const char *at;
	const char *schedule;
	const char *comment;	/* silence --comment */
	/* override: --for DURATION, or --from TIME --until TIME;
	 * stats: --since WHEN --until WHEN (a duration back or an RFC 3339
	 * time), --by KEY; NULL when not given */
	const char *for_;
	const char *from;
	const char *until;
	const char *since;
	const char *by;
	/* postmortem: --version N (0: the latest), --edit */
	int64_t pm_version;
	int pm_edit;
	/* actions: --open, --owner NAME */
	int open_only;
	const char *owner;
	/* the postmortem template (config: postmortem-template); NULL: the
	 * built-in one */
	const char *pm_template;
	/* oncall --ics SCHEDULE [--weeks N] (0: WR_ICS_WEEKS) */
	const char *ics;
	int weeks;
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

/*
 * The command line, from one table: each subcommand (and the interactive
 * console, the row with the empty name) has a row with its synopsis, its
 * options, its help text and its exit statuses.  That row drives
 * getopt_long (an option a subcommand does not take is refused with that
 * subcommand's short usage, exit 64), `warroom SUB --help` and the
 * overall `warroom --help`; tests/test_cli.c checks that warroom(1) has
 * every option and subcommand of it.
 */
enum cli_opt_id {
	CLI_OPT_NONE = 0,
	CLI_OPT_FEED = 256, CLI_OPT_TOKEN_FILE, CLI_OPT_DB, CLI_OPT_USER,
	CLI_OPT_TIMEOUT, CLI_OPT_BACKOFF_CAP, CLI_OPT_CA, CLI_OPT_INSECURE,
	CLI_OPT_LOG, CLI_OPT_JSON, CLI_OPT_FROM_NOW, CLI_OPT_STATE,
	CLI_OPT_THEME, CLI_OPT_UTC, CLI_OPT_DEMO, CLI_OPT_QUIET,
	CLI_OPT_AT, CLI_OPT_SCHEDULE, CLI_OPT_COMMENT, CLI_OPT_FOR,
	CLI_OPT_FROM, CLI_OPT_UNTIL, CLI_OPT_SINCE, CLI_OPT_BY, CLI_OPT_PM_VERSION,
	CLI_OPT_EDIT, CLI_OPT_OPEN, CLI_OPT_OWNER, CLI_OPT_ICS, CLI_OPT_WEEKS,
	CLI_OPT_FORMAT
};

struct cli_option {
	enum cli_opt_id id;
	const char *name;	/* the long name, without -- */
	const char *arg;	/* its argument's name, NULL: a flag */
	const char *help;	/* lines of at most 52 columns */
};

/* An option as one subcommand takes it: help NULL is the option's own. */
struct cli_sub_opt {
	enum cli_opt_id id;
	const char *help;
};

struct cli_sub;
typedef int (*cli_run_fn)(const struct cli_opts *, const struct cli_sub *,
    int, char **);

struct cli_sub {
	const char *name;	/* "" for the interactive console */
	const char *synopsis;	/* what follows the name in the usage */
	const char *summary;	/* one line for `warroom --help` */
	const char *help;	/* what it does, for `warroom NAME --help` */
	const struct cli_sub_opt *opts;	/* ended by CLI_OPT_NONE */
	const char *exits;	/* its exit statuses, in words */
	wr_op_kind kind;	/* the op it makes, 0 for none */
	cli_run_fn run;		/* NULL: not built yet (exit 69) */
};

/* Every option, and every subcommand (the console first); *n is set. */
const struct cli_option *cli_options(size_t *n);
const struct cli_sub *cli_subs(size_t *n);
/* The row of subcommand name ("" for the console), or NULL. */
const struct cli_sub *cli_sub_find(const char *name);

/*
 * Parse argv (options may come before or after the subcommand) into *o,
 * which holds the defaults, the config file and the environment already.
 * -1: go on, with *sub the row to run and argv[*argi...] its arguments;
 * otherwise the exit status: 0 after --help or --version (printed on
 * out), 64 after a usage error (said on err with the short usage).
 * It keeps pointers into argv.
 */
int cli_parse(int argc, char **argv, struct cli_opts *o,
    const struct cli_sub **sub, int *argi, FILE *out, FILE *err);
/* Run a row (a subcommand not built yet says so and is 69). */
int cli_sub_run(const struct cli_sub *sub, const struct cli_opts *o,
    int argc, char **argv);
/* "usage: warroom [options] NAME SYNOPSIS" and where the help is, on fp;
 * the bad-usage answer of every subcommand. */
void cli_sub_usage(FILE *fp, const struct cli_sub *sub);
/* `warroom NAME --help` (or `warroom --help` for the console's row). */
void cli_sub_help(FILE *fp, const struct cli_sub *sub);

int cli_tail(const struct cli_opts *o);
/* export: args = { ID }: a postmortem draft in Markdown (or --json). */
int cli_export(const struct cli_opts *o, int argc, char **argv);
/* What export prints for inc (Markdown, or JSON with json), its alerts
 * and its timeline ev, to fp: the whole of it but the catching up. */
void cli_export_write(FILE *fp, int json, const struct wr_incident *inc,
    const struct wr_alert *al, size_t n_al, const struct wr_evlist *ev);
/* stats (cli/stats.c): the report over --since .. --until by --by. */
int cli_stats(const struct cli_opts *o);
/* o's window and key, against now: 0, or -1 after saying what is wrong
 * on stderr (the caller exits 64). */
int cli_stats_window(const struct cli_opts *o, int64_t now, int64_t *since,
    int64_t *until, enum wr_stats_by *by);
/* postmortem: args = { ID }; --version N prints that one, --edit edits. */
int cli_postmortem(const struct cli_opts *o, int argc, char **argv);
/* actions: the action items of every incident's latest postmortem. */
int cli_actions(const struct cli_opts *o);
/* Save text as the next version of incident id's postmortem, edited from
 * version base, through the outbox like any one-shot op (its exit codes). */
int cli_op_postmortem(const struct cli_opts *o, int64_t id, const char *text,
    int64_t base);

/*
 * The postmortem editor, one path for the console's P and `warroom
 * postmortem ID --edit` (cli/postmortem.c).
 */
/* $VISUAL, else $EDITOR, else vi. */
const char *cli_editor(void);
/* The team's template (o->pm_template) or the built-in one, malloc'd;
 * NULL with *cause when the file cannot be read or is too big. */
char *cli_pm_template(const struct cli_opts *o, char **cause);
/* What the editor starts from: the latest version and those saved beside
 * it (*base the latest's number), else the template filled from the
 * events (*base 0).  Malloc'd; NULL with *cause. */
char *cli_pm_start_text(const struct cli_opts *o,
    const struct wr_incident *inc, const struct wr_evlist *ev, int64_t *base,
    char **cause);
/* A private file (mkstemps: 0600) in $TMPDIR (else /tmp) holding text;
 * its name into path. */
int cli_pm_file_make(const char *text, char *path, size_t size, char **cause);
enum cli_pm_edit {
	CLI_PM_CHANGED,		/* *text is the new version */
	CLI_PM_UNCHANGED,	/* the same as before: nothing to save */
	CLI_PM_EMPTY,		/* nothing but blanks: nothing to save */
	CLI_PM_FAILED		/* unreadable, too big, a NUL: *cause */
};
/* Read the file back, compared with what it started as.  The file stays:
 * the caller removes it once what it holds is saved (queued in the
 * outbox) or is nothing to save, and otherwise says where it is, so that
 * nothing a person wrote is lost to a refusal. */
enum cli_pm_edit cli_pm_file_take(const char *path, const char *before,
    char **text, char **cause);
int cli_list(const struct cli_opts *o);
int cli_oncall(const struct cli_opts *o);
/* The schedules kept in store (cli/oncall.c): 0 and *out (empty when
 * none was ever kept), or -1 with *cause. */
struct proto_schedules;
struct wr_store;
int cli_oncall_load(struct wr_store *store, struct proto_schedules *out,
    char **cause);
/* ack, unack, resolve, reopen: args = { ID }; assign: { ID, NAME };
 * note: { ID, TEXT... } (the words are joined with spaces). */
int cli_op(const struct cli_opts *o, wr_op_kind kind, int argc,
    char **argv);

#endif
