/*
 * cli.c: the options every part of the console shares, filled from their
 * defaults and the environment before the command line overrides them;
 * the token file; and the command line itself: the table of options and
 * the table of subcommands (synopsis, options, help, exit statuses) from
 * which getopt_long, every `--help` and every short usage are made.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/console.h"
#include "core/util.h"
#include "net/feed.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

void
cli_opts_init(struct cli_opts *o)
{
	struct passwd *pw;

	memset(o, 0, sizeof *o);
	o->feed = env("WARROOM_FEED");
	if (o->feed == NULL)
		o->feed = FEED_DEFAULT_URL;
	o->token_file = env("WARROOM_TOKEN_FILE");
	o->db = env("WARROOM_DB");
	o->user = env("WARROOM_USER");
	if (o->user == NULL)
		o->user = env("USER");
	if (o->user == NULL && (pw = getpwuid(getuid())) != NULL)
		o->user = pw->pw_name;
	o->timeout_s = CLI_DEFAULT_TIMEOUT_S;
}

int
cli_read_token(const char *path, char **token, char **warning, char **cause)
{
	char buf[1024];
	size_t n, start, end;
	struct stat st;
	FILE *fp;

	*token = NULL;
	if (warning != NULL)
		*warning = NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		*cause = xasprintf("cannot read the token file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* The file that was opened, not whatever the path names now. */
	if (warning != NULL && fstat(fileno(fp), &st) == 0 &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		*warning = xasprintf("the token file %s is open to others "
		    "(mode %04o): chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
	if (fgets(buf, sizeof buf, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	n = strlen(buf);
	if (n == sizeof buf - 1 && buf[n - 1] != '\n') {
		*cause = xasprintf("the token file %s: the first line is too "
		    "long for a token", path);
		return -1;
	}
	start = strspn(buf, " \t");
	end = n;
	while (end > start && (buf[end - 1] == '\n' || buf[end - 1] == '\r' ||
	    buf[end - 1] == ' ' || buf[end - 1] == '\t'))
		end--;
	if (end == start) {
		*cause = xasprintf("the token file %s is empty: put the token "
		    "alone on its first line", path);
		return -1;
	}
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c <= 0x20 || c >= 0x7f) {
			*cause = xasprintf("the token file %s: the first line "
			    "must hold the token alone (no spaces or control "
			    "characters)", path);
			return -1;
		}
	}
	*token = xstrndup(buf + start, end - start);
	return 0;
}

/*
 * The command line.  One table of options and one of subcommands: the
 * getopt_long table of a subcommand is built from its row, so an option
 * is taken exactly where its row says, and the help of every subcommand
 * (and the overall `warroom --help`) is printed from the same rows.
 */

/* The options every subcommand takes: how to reach the relay, as whom. */
#define CLI_CONNECTION							\
	{ CLI_OPT_FEED, NULL }, { CLI_OPT_TOKEN_FILE, NULL },		\
	{ CLI_OPT_DB, NULL }, { CLI_OPT_USER, NULL },			\
	{ CLI_OPT_BACKOFF_CAP, NULL }, { CLI_OPT_CA, NULL },		\
	{ CLI_OPT_INSECURE, NULL }, { CLI_OPT_LOG, NULL }

static const struct cli_option options[] = {
	{ CLI_OPT_FEED, "feed", "URL",
	    "the relay's feed, ws://HOST:PORT/feed or wss://...\n"
	    "(env WARROOM_FEED; default ws://127.0.0.1:8470/feed)" },
	{ CLI_OPT_TOKEN_FILE, "token-file", "FILE",
	    "the token, alone on the first line of FILE\n"
	    "(env WARROOM_TOKEN_FILE)" },
	{ CLI_OPT_DB, "db", "PATH",
	    "the console's database (env WARROOM_DB; default\n"
	    "$XDG_DATA_HOME/warroom/console.db)" },
	{ CLI_OPT_USER, "user", "NAME",
	    "who is acting (env WARROOM_USER, else $USER)" },
	{ CLI_OPT_TIMEOUT, "timeout", "SECONDS",
	    "how long to wait for the relay, 1 to 86400 (10)" },
	{ CLI_OPT_BACKOFF_CAP, "backoff-cap", "MS",
	    "longest wait between reconnection attempts (30000)" },
	{ CLI_OPT_CA, "ca", "FILE",
	    "trust the CA certificates in FILE (wss://)" },
	{ CLI_OPT_INSECURE, "insecure", NULL,
	    "wss:// without certificate checks" },
	{ CLI_OPT_LOG, "log", "FILE",
	    "append the connection log to FILE (default: none)" },
	{ CLI_OPT_JSON, "json", NULL, "JSON output" },
	{ CLI_OPT_FROM_NOW, "from-now", NULL,
	    "only the events after the relay's current head" },
	{ CLI_OPT_STATE, "state", "S",
	    "only the incidents that are triggered, acknowledged,\n"
	    "resolved, open (not resolved) or all (the default)" },
	{ CLI_OPT_THEME, "theme", "NAME",
	    "the colour theme: a name or a theme file's path" },
	{ CLI_OPT_UTC, "utc", NULL, "show times in UTC, not local time" },
	{ CLI_OPT_QUIET, "quiet", NULL,
	    "no terminal bell (a new critical incident, an escalation\n"
	    "to you)" },
	{ CLI_OPT_DEMO, "demo", NULL,
	    "run a relay in this process that plays a recorded\n"
	    "outage, and the console against it" },
	{ CLI_OPT_AT, "at", "TIME",
	    "answer for this RFC 3339 time, not now" },
	{ CLI_OPT_SCHEDULE, "schedule", "NAME", "only the schedule NAME" },
	{ CLI_OPT_COMMENT, "comment", "TEXT",
	    "what Alertmanager keeps with the silence, 1 to 1024\n"
	    "bytes (default: the incident's title)" },
	{ CLI_OPT_FOR, "for", "DURATION",
	    "from now for this long (2h, 30m, 1d)" },
	{ CLI_OPT_FROM, "from", "TIME",
	    "from this time: now, or RFC 3339 (2026-12-05T09:00:00Z)" },
	{ CLI_OPT_UNTIL, "until", "TIME",
	    "until this time: RFC 3339, or +DURATION after --from" },
	{ CLI_OPT_SINCE, "since", "WHEN",
	    "from WHEN: a duration back from now (30d, 12h) or\n"
	    "an RFC 3339 time (default 30d)" },
	{ CLI_OPT_BY, "by", "KEY",
	    "also by service, severity, person (who acknowledged\n"
	    "first) or policy (the escalation policy)" },
	{ CLI_OPT_PM_VERSION, "version", "N",
	    "print version N, not the latest" },
	{ CLI_OPT_EDIT, "edit", NULL,
	    "edit it in $VISUAL or $EDITOR and save a new version" },
	{ CLI_OPT_OPEN, "open", NULL, "only the items not done yet" },
	{ CLI_OPT_OWNER, "owner", "NAME", "only the items NAME owns" },
	{ CLI_OPT_ICS, "ics", "SCHEDULE",
	    "write SCHEDULE's shifts as iCalendar (RFC 5545)" },
	{ CLI_OPT_WEEKS, "weeks", "N",
	    "with --ics: N weeks ahead, 1 to 104 (12), and one back" },
	{ CLI_OPT_FORMAT, "format", "md|json",
	    "Markdown (the default) or JSON (as --json)" },
};

#define CLI_EXITS_OP							\
	"  0   done, or it changed nothing (said on stdout)\n"		\
	"  64  bad usage\n"						\
	"  65  the relay refused the op; the reason is printed\n"	\
	"  74  the database cannot be used\n"				\
	"  75  the relay was not reached (or did not answer) within\n"	\
	"      --timeout: the op stays queued, for the next warroom\n"	\
	"      that connects to send\n"					\
	"  77  the relay refused the token, or the user it may not\n"	\
	"      act as\n"

#define CLI_EXITS_READ(what)						\
	"  0   " what ", up to date\n"					\
	"  64  bad usage\n"						\
	"  74  the database cannot be used\n"				\
	"  75  the relay was not reached within --timeout: " what "\n"	\
	"      from the stored copy (stderr says as of which seq)\n"	\
	"  77  the relay refused the token\n"

#define CLI_EXITS_NOT_BUILT						\
	"  69  not built yet (whatever the arguments)\n"		\
	"  0   --help\n"

#define CLI_OP_HELP_TAIL						\
	"It waits until this console's copy has caught up with the relay,\n" \
	"commits the op to the outbox and sends it, after any older op\n" \
	"still queued there; the relay's answer settles it.  ID is 42 or\n" \
	"#42.\n"

static int cli_run_console(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_tail(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_list(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_op(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_export(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_stats(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_oncall(const struct cli_opts *, const struct cli_sub *,
    int, char **);
static int cli_run_postmortem(const struct cli_opts *,
    const struct cli_sub *, int, char **);
static int cli_run_actions(const struct cli_opts *, const struct cli_sub *,
    int, char **);

static const struct cli_sub subs[] = {
	{ "", "", "the interactive console",
	    "The interactive console: the live incidents, the detail and\n"
	    "timeline of the selected one, who is on call; keys act on the\n"
	    "selected incident (? in the console lists them).  It needs a\n"
	    "terminal; it shows the stored copy at once and catches up with\n"
	    "the relay in the background.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_DEMO, NULL }, { CLI_OPT_THEME, NULL },
		{ CLI_OPT_UTC, NULL }, { CLI_OPT_QUIET, NULL },
		CLI_CONNECTION,
		{ CLI_OPT_LOG, "append the connection log to FILE (default:\n"
		    "console.log beside the database)" },
		{ CLI_OPT_NONE, NULL } },
	    "  0   quit\n"
	    "  64  bad usage, a bad line in the config file, no terminal\n"
	    "  70  an internal error\n"
	    "  74  the database, the log or --demo's directory cannot be\n"
	    "      used\n"
	    "The subcommands: 0 done, 64 bad usage, 65 the relay refused\n"
	    "the op, 69 not built yet, 74 a local file cannot be used, 75\n"
	    "the relay was not reached within --timeout, 77 the token was\n"
	    "refused; each one's --help says which it has.\n",
	    0, cli_run_console },
	{ "tail", "[--json] [--from-now]",
	    "print every event, then the live ones",
	    "Print every event of the relay's log, one a line, from the first\n"
	    "(or, with --from-now, from the relay's head), then the live ones\n"
	    "as they come, until SIGINT or SIGTERM, or until nobody reads\n"
	    "stdout any more.  It keeps no database, and survives a restart\n"
	    "of the relay without a gap and without printing an event twice.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_JSON, "each line the event's JSON object\n"
		    "(warroom-protocol(7))" },
		{ CLI_OPT_FROM_NOW, NULL },
		CLI_CONNECTION,
		{ CLI_OPT_DB, "taken, and not used: tail keeps no database" },
		{ CLI_OPT_NONE, NULL } },
	    "  0   stopped by SIGINT or SIGTERM, or stdout was closed\n"
	    "  64  bad usage\n"
	    "  74  stdout could not be written\n"
	    "  77  the relay refused the token\n",
	    0, cli_run_tail },
	{ "list", "[--json] [--state S]",
	    "print the incidents",
	    "Bring this console's copy up to date with the relay, then print\n"
	    "the incidents: id, state, severity, age, title, service and who\n"
	    "acknowledged it.  Ops left queued by earlier commands are sent\n"
	    "before it exits.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_JSON, "one JSON array of objects, UTC times" },
		{ CLI_OPT_STATE, NULL }, { CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    CLI_EXITS_READ("printed")
	    "  130 interrupted (SIGINT, SIGTERM)\n",
	    0, cli_run_list },
#define CLI_OP_ROW(name_, kind_, syn, summary_, help_)			\
	{ name_, syn, summary_, help_ CLI_OP_HELP_TAIL,			\
	    (const struct cli_sub_opt[]){ { CLI_OPT_TIMEOUT, NULL },	\
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },		\
	    CLI_EXITS_OP, kind_, cli_run_op }
	CLI_OP_ROW("ack", WR_OP_ACK, "ID", "acknowledge incident ID",
	    "Acknowledge incident ID.\n"),
	CLI_OP_ROW("unack", WR_OP_UNACK, "ID", "take the acknowledgement back",
	    "Take the acknowledgement of incident ID back.\n"),
	CLI_OP_ROW("resolve", WR_OP_RESOLVE, "ID", "resolve incident ID",
	    "Resolve incident ID.\n"),
	CLI_OP_ROW("reopen", WR_OP_REOPEN, "ID", "reopen a resolved incident",
	    "Reopen the resolved incident ID.\n"),
	CLI_OP_ROW("assign", WR_OP_ASSIGN, "ID NAME", "assign incident ID to NAME",
	    "Assign incident ID to NAME (1 to 64 bytes).\n"),
	CLI_OP_ROW("sev", WR_OP_SEV, "ID LEVEL", "set incident ID's severity",
	    "Set incident ID's severity to LEVEL: critical, error, warning\n"
	    "or info.  A severity set by a person sticks: the alerts no\n"
	    "longer move it.\n"),
	CLI_OP_ROW("note", WR_OP_NOTE, "ID TEXT...", "add a note to incident ID",
	    "Add a note to incident ID: the words of TEXT joined with\n"
	    "spaces, 1 to 8192 bytes.  Put -- before text that starts\n"
	    "with -.\n"),
	{ "silence", "ID DURATION [--comment TEXT] [MATCHER...]",
	    "silence incident ID's alerts at Alertmanager",
	    "Silence the alerts of incident ID (an Alertmanager incident)\n"
	    "for DURATION (1s to 366d: 90m, 2h, 1d) at its Alertmanager: the\n"
	    "relay makes the silence there, matching the labels the\n"
	    "incident's alerts have in common, narrowed by each MATCHER\n"
	    "(NAME=VALUE or NAME=\"VALUE\", equality only), created by --user,\n"
	    "its comment naming the incident.  The op is answered when\n"
	    "Alertmanager has answered; when it cannot be reached or refuses,\n"
	    "the op is refused with its reason and nothing is silenced.\n"
	    CLI_OP_HELP_TAIL,
	    (const struct cli_sub_opt[]){ { CLI_OPT_COMMENT, NULL },
		{ CLI_OPT_TIMEOUT, NULL }, CLI_CONNECTION,
		{ CLI_OPT_NONE, NULL } },
	    CLI_EXITS_OP, WR_OP_SILENCE, cli_run_op },
	CLI_OP_ROW("unsilence", WR_OP_UNSILENCE, "ID [SILENCE]",
	    "expire a silence of incident ID",
	    "Expire incident ID's silence at its Alertmanager: SILENCE is its\n"
	    "id or the first 4 or more characters of it; without it, the\n"
	    "incident's only silence.\n"),
	CLI_OP_ROW("snooze", WR_OP_SNOOZE, "ID DURATION",
	    "snooze an acknowledged incident",
	    "Snooze the acknowledged incident ID for DURATION (30m, 2h, 1d;\n"
	    "at most 1w), from now: when it is up the incident is triggered\n"
	    "again, unless it was resolved, and its escalation starts again.\n"),
#undef CLI_OP_ROW
	{ "export", "ID [--format md|json] [--json]",
	    "incident ID for its postmortem review",
	    "Catch up like list, then print incident ID for its review in\n"
	    "Markdown: state, severity and service; when it started, how long\n"
	    "it lasted, the times to acknowledge and to resolve; who responded\n"
	    "and who was paged; its alerts with their labels; its whole\n"
	    "timeline with UTC times and actors; the notes; the latest\n"
	    "postmortem.  Text from alerts is escaped: no control character,\n"
	    "and no Markdown a summary could use to add headings, links or\n"
	    "HTML.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_FORMAT, NULL },
		{ CLI_OPT_JSON, "the incident and its timeline as one JSON\n"
		    "object (--format json)" },
		{ CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    "  0   printed, up to date\n"
	    "  64  bad usage\n"
	    "  65  there is no incident ID\n"
	    "  74  the database cannot be used\n"
	    "  75  the relay was not reached within --timeout: printed\n"
	    "      from the stored copy\n"
	    "  77  the relay refused the token\n",
	    0, cli_run_export },
	{ "stats", "[--since WHEN] [--until TIME] [--by KEY] [--json]",
	    "MTTA, MTTR and who was woken, over a window",
	    "Catch up like oncall, then report on the incidents triggered from\n"
	    "--since until --until (the last 30 days): how many; the time to\n"
	    "acknowledge (from the trigger to the first acknowledgement, as\n"
	    "the person made it) and to resolve, mean, p50 and p90; for each\n"
	    "person the acknowledgements and resolutions they made, the\n"
	    "escalations and notifications to them, the incidents that\n"
	    "interrupted them out of hours (22:00-08:00 in their schedule's\n"
	    "zone) and their hours on call from the schedules and overrides;\n"
	    "and the busiest hours of the day (UTC).  --by adds the same\n"
	    "times for each service, severity, person or policy.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_SINCE, NULL },
		{ CLI_OPT_UNTIL, "until TIME, written as for --since (default\n"
		    "now)" },
		{ CLI_OPT_BY, NULL },
		{ CLI_OPT_JSON, "one JSON object; \"mtta\" and \"mttr\" are\n"
		    "{\"n\", \"mean\", \"p50\", \"p90\"} in seconds" },
		{ CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    CLI_EXITS_READ("printed"),
	    0, cli_run_stats },
	{ "postmortem", "ID [--version N | --edit]",
	    "print or edit incident ID's postmortem",
	    "Catch up like list, then print the latest version of incident\n"
	    "ID's postmortem (and any version saved beside it, between\n"
	    "marker lines), or version N; stderr says who saved it, when,\n"
	    "and what it missed.  --edit starts $VISUAL or $EDITOR (else vi)\n"
	    "on it in a private file, prefilled the first time from the\n"
	    "template (postmortem-template in the config file), and saves\n"
	    "what you wrote as the next version through the outbox like any\n"
	    "op; a file left unchanged saves nothing.  At most 65536 bytes.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_PM_VERSION, NULL }, { CLI_OPT_EDIT, NULL },
		{ CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    "  0   printed; or saved, or left unchanged (said on stdout)\n"
	    "  64  bad usage\n"
	    "  65  there is no incident ID, no postmortem or no version N;\n"
	    "      or the text (over 64k, a NUL byte) or the relay refused\n"
	    "      the save: the reason is printed, and the file the editor\n"
	    "      wrote is kept and named\n"
	    "  70  the editor failed: nothing was saved, its file is kept\n"
	    "  74  the database, the template or the file cannot be used\n"
	    "  75  the relay was not reached within --timeout: printed\n"
	    "      from the stored copy, or the save stays queued\n"
	    "  77  the relay refused the token\n",
	    WR_OP_POSTMORTEM, cli_run_postmortem },
	{ "actions", "[--open] [--owner NAME] [--json]",
	    "the action items of every postmortem",
	    "Catch up like list, then list the action items of every\n"
	    "incident's latest postmortem: its lines \"- [ ] OWNER: text\"\n"
	    "(open) and \"- [x] OWNER: text\" (done).\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_OPEN, NULL }, { CLI_OPT_OWNER, NULL },
		{ CLI_OPT_JSON, "one JSON array of {\"incident\", \"title\",\n"
		    "\"version\", \"done\", \"owner\", \"text\", \"line\"}" },
		{ CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    CLI_EXITS_READ("printed"),
	    0, cli_run_actions },
#define CLI_NOT_BUILT(name_, syn, summary_, help_)			\
	{ name_, syn, summary_ " (not built yet)",			\
	    "Not built yet: it exits 69 and does nothing.  Once built, " \
	    help_,							\
	    (const struct cli_sub_opt[]){ { CLI_OPT_NONE, NULL } },	\
	    CLI_EXITS_NOT_BUILT, 0, NULL }
	/* (--ics SCHEDULE [--weeks N] is in its help: the usage line
	 * would not fit in 80 columns with it) */
	{ "oncall", "[--json] [--at TIME] [--schedule NAME]",
	    "who is on call",
	    "Catch up like list, then print who is on call at TIME (default\n"
	    "now) for each schedule the relay announces, since and until\n"
	    "when, from which layer, override or iCalendar file, and who is\n"
	    "next.  The answers come from this console's copy of the\n"
	    "schedules, each in its zone from this machine's zoneinfo.\n"
	    "With --ics, write SCHEDULE's final schedule instead, from a week\n"
	    "before TIME to N weeks after it, as iCalendar: one VEVENT per\n"
	    "shift, UTC times, a UID stable across exports, TRANSP:TRANSPARENT;\n"
	    "the same calendar the relay serves at /oncall/NAME.ics.\n",
	    (const struct cli_sub_opt[]){
		{ CLI_OPT_JSON, "one JSON object: {\"at\", \"schedules\": [{\"name\",\n"
		    "\"timezone\", \"now\", \"next\"}]}, UTC times" },
		{ CLI_OPT_AT, NULL }, { CLI_OPT_SCHEDULE, NULL },
		{ CLI_OPT_ICS, NULL }, { CLI_OPT_WEEKS, NULL },
		{ CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    "  0   printed, up to date\n"
	    "  64  bad usage (--at that is no time, --weeks without --ics)\n"
	    "  65  there is no schedule NAME\n"
	    "  74  the database cannot be used, or this machine cannot\n"
	    "      answer for the schedule (its zone is missing)\n"
	    "  75  the relay was not reached within --timeout: printed\n"
	    "      from the stored copy\n"
	    "  77  the relay refused the token\n",
	    0, cli_run_oncall },
	{ "override", "SCHEDULE PERSON (--for D | --from T --until T)",
	    "put someone on call in place of the rotation",
	    "Put PERSON (me: --user) on call for SCHEDULE for the duration\n"
	    "D from now, or from the time T until the time T, over whoever\n"
	    "the rotation says (the last override made wins).  The relay\n"
	    "logs it and every console shows it; warroom oncall then says\n"
	    "\"source\": \"override\".  At most 90 days; one that is over\n"
	    "already, or a schedule the relay does not have, is refused.\n"
	    "Caught up and queued like the other ops; the console removes\n"
	    "one with :override rm ID.\n",
	    (const struct cli_sub_opt[]){ { CLI_OPT_FOR, NULL },
		{ CLI_OPT_FROM, NULL }, { CLI_OPT_UNTIL, NULL },
		{ CLI_OPT_TIMEOUT, NULL },
		CLI_CONNECTION, { CLI_OPT_NONE, NULL } },
	    CLI_EXITS_OP, WR_OP_OVERRIDE, cli_run_op },
#undef CLI_NOT_BUILT
};

const struct cli_option *
cli_options(size_t *n)
{
	*n = sizeof options / sizeof *options;
	return options;
}

const struct cli_sub *
cli_subs(size_t *n)
{
	*n = sizeof subs / sizeof *subs;
	return subs;
}

const struct cli_sub *
cli_sub_find(const char *name)
{
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		if (strcmp(subs[i].name, name) == 0)
			return &subs[i];
	return NULL;
}

static const struct cli_option *
cli_option_get(enum cli_opt_id id)
{
	for (size_t i = 0; i < sizeof options / sizeof *options; i++)
		if (options[i].id == id)
			return &options[i];
	return NULL;
}

/* The option a long name (or an unambiguous prefix of one, as getopt_long
 * takes it) means among every option, or NULL. */
static const struct cli_option *
cli_option_named(const char *name, size_t len)
{
	const struct cli_option *found = NULL;
	int n = 0;

	for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
		if (strncmp(options[i].name, name, len) != 0)
			continue;
		if (options[i].name[len] == '\0')
			return &options[i];
		found = &options[i];
		n++;
	}
	return n == 1 ? found : NULL;
}

static int
cli_sub_takes(const struct cli_sub *sub, enum cli_opt_id id)
{
	for (const struct cli_sub_opt *so = sub->opts; so->id; so++)
		if (so->id == id)
			return 1;
	return 0;
}

/* The connection options are printed apart, after a subcommand's own. */
static int
cli_option_is_connection(enum cli_opt_id id)
{
	static const struct cli_sub_opt conn[] = { CLI_CONNECTION };

	for (size_t i = 0; i < sizeof conn / sizeof *conn; i++)
		if (conn[i].id == id)
			return 1;
	return 0;
}

static void
cli_usage_line(FILE *fp, const char *lead, const struct cli_sub *sub)
{
	if (sub->name[0] == '\0')
		fprintf(fp, "%swarroom [options]\n", lead);
	else
		fprintf(fp, "%swarroom [options] %s%s%s\n", lead, sub->name,
		    sub->synopsis[0] ? " " : "", sub->synopsis);
}

void
cli_sub_usage(FILE *fp, const struct cli_sub *sub)
{
	cli_usage_line(fp, "usage: ", sub);
	fprintf(fp, "Try 'warroom %s%s--help'.\n", sub->name,
	    sub->name[0] ? " " : "");
}

/* "  --name ARG          help", the help's later lines under its first. */
static void
cli_option_help(FILE *fp, const struct cli_option *op, const char *help)
{
	char head[48];
	const char *h = help ? help : op->help;

	snprintf(head, sizeof head, "--%s%s%s", op->name, op->arg ? " " : "",
	    op->arg ? op->arg : "");
	fprintf(fp, "  %-18s  ", head);
	for (;;) {
		const char *nl = strchr(h, '\n');
		int len = nl ? (int)(nl - h) : (int)strlen(h);

		fprintf(fp, "%.*s\n", len, h);
		if (nl == NULL)
			break;
		h = nl + 1;
		fprintf(fp, "  %-18s  ", "");
	}
}

static void
cli_sub_options_help(FILE *fp, const struct cli_sub *sub, int connection)
{
	for (const struct cli_sub_opt *so = sub->opts; so->id; so++) {
		/* a row may give an option twice: its own help wins */
		const struct cli_sub_opt *later = so + 1;
		int again = 0;

		for (; later->id; later++)
			if (later->id == so->id)
				again = 1;
		if (again || cli_option_is_connection(so->id) != connection)
			continue;
		cli_option_help(fp, cli_option_get(so->id), so->help);
	}
}

void
cli_sub_help(FILE *fp, const struct cli_sub *sub)
{
	size_t n = sizeof subs / sizeof *subs;

	if (sub->name[0] == '\0') {
		cli_usage_line(fp, "usage: ", sub);
		fputs("       warroom --demo\n", fp);
		for (size_t i = 1; i < n; i++)
			if (subs[i].run != NULL)
				cli_usage_line(fp, "       ", &subs[i]);
		fputc('\n', fp);
		fputs(sub->help, fp);
		fputs("\nSubcommands (warroom SUBCOMMAND --help for each):\n",
		    fp);
		for (size_t i = 1; i < n; i++) {
			/* the name and its words, without the options */
			int words = (int)strcspn(subs[i].synopsis, "[(");
			char head[64];

			while (words > 0 && subs[i].synopsis[words - 1] == ' ')
				words--;
			snprintf(head, sizeof head, "%s%s%.*s", subs[i].name,
			    words ? " " : "", words, subs[i].synopsis);
			if (strlen(head) > 18)
				fprintf(fp, "  %s\n  %-18s  ", head, "");
			else
				fprintf(fp, "  %-18s  ", head);
			fprintf(fp, "%s\n", subs[i].summary);
		}
	} else {
		cli_usage_line(fp, "usage: ", sub);
		fputc('\n', fp);
		fputs(sub->help, fp);
	}
	if (sub->run == NULL) {
		fprintf(fp, "\nExit status:\n%s", sub->exits);
		return;
	}
	fputs("\nOptions:\n", fp);
	cli_sub_options_help(fp, sub, 0);
	fputs("  -h, --help          this text\n"
	    "  -V, --version       the version\n", fp);
	fprintf(fp, "\nConnection options%s:\n", sub->name[0] ?
	    " (the same for every subcommand)" : "");
	cli_sub_options_help(fp, sub, 1);
	fprintf(fp, "\nOptions may come before or after the subcommand.  "
	    "See warroom(1).\n\nExit status:\n%s", sub->exits);
}

static int
cli_parse_int(const char *arg, int min, int max, int *out)
{
	char *end;
	long v;

	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	v = strtol(arg, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* The index of the subcommand's word in argv, 0 for none: the first word
 * that is not an option or an option's argument.  *unknown: the first
 * option before it that no row has (its word might be that option's). */
static int
cli_scan_sub(int argc, char **argv, const char **unknown)
{
	*unknown = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_option *op;

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? i + 1 : 0;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (a[1] != '-')
			continue;	/* -h, -V */
		op = cli_option_named(a + 2, strcspn(a + 2, "="));
		if (op == NULL && *unknown == NULL)
			*unknown = a;
		if (op != NULL && op->arg != NULL && strchr(a, '=') == NULL)
			i++;
	}
	return 0;
}

static int
cli_bad_usage(FILE *err, const struct cli_sub *sub, const char *fmt,
    const char *arg)
{
	fprintf(err, "warroom: %s%s", sub->name, sub->name[0] ? ": " : "");
	fprintf(err, fmt, arg);
	fputc('\n', err);
	cli_sub_usage(err, sub);
	return CLI_EX_USAGE;
}

/* A known option in the wrong place: say where it goes, from the table. */
static int
cli_misplaced(FILE *err, const struct cli_sub *sub,
    const struct cli_option *op)
{
	size_t n = sizeof subs / sizeof *subs, k = 0, count = 0;

	for (size_t i = 0; i < n; i++)
		count += subs[i].run != NULL && cli_sub_takes(&subs[i], op->id);
	fprintf(err, "warroom: %s%s--%s goes with ", sub->name,
	    sub->name[0] ? ": " : "", op->name);
	for (size_t i = 0; i < n; i++) {
		if (subs[i].run == NULL || !cli_sub_takes(&subs[i], op->id))
			continue;
		k++;
		fprintf(err, "%s%s", k == 1 ? "" : k == count ? " or " : ", ",
		    subs[i].name[0] ? subs[i].name : "the interactive console");
	}
	fputs(sub->name[0] == '\0' ? " (a subcommand)\n" : "\n", err);
	cli_sub_usage(err, sub);
	return CLI_EX_USAGE;
}

/* A subcommand not built yet takes any arguments (and says it is not
 * built), but --help is answered. */
static int
cli_parse_not_built(int argc, char **argv, const struct cli_sub *sub,
    FILE *out)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_sub_help(out, sub);
			return CLI_EX_OK;
		}
	return -1;
}

int
cli_parse(int argc, char **argv, struct cli_opts *o,
    const struct cli_sub **subp, int *argi, FILE *out, FILE *err)
{
	struct option lopts[sizeof options / sizeof *options + 3];
	const struct cli_sub *sub;
	const char *unknown;
	size_t nl = 0;
	int subi, c, rc;

	*subp = NULL;
	*argi = argc;
	subi = cli_scan_sub(argc, argv, &unknown);
	sub = cli_sub_find(subi ? argv[subi] : "");
	if (sub == NULL && unknown != NULL)
		return cli_bad_usage(err, &subs[0], "unknown option %s",
		    unknown);
	if (sub == NULL || (subi && argv[subi][0] == '\0')) {
		size_t n = sizeof subs / sizeof *subs;

		fprintf(err, "warroom: unknown subcommand '%s'; the "
		    "subcommands are", argv[subi]);
		for (size_t i = 1; i < n; i++)
			fprintf(err, "%s %s", i == 1 ? "" : ",", subs[i].name);
		fputc('\n', err);
		cli_sub_usage(err, &subs[0]);
		return CLI_EX_USAGE;
	}
	if (sub->run == NULL) {
		if ((rc = cli_parse_not_built(argc, argv, sub, out)) != -1)
			return rc;
		*subp = sub;
		*argi = subi + 1;
		return -1;
	}
	for (const struct cli_sub_opt *so = sub->opts; so->id; so++) {
		const struct cli_option *op = cli_option_get(so->id);
		size_t j;

		for (j = 0; j < nl && lopts[j].val != (int)op->id; j++)
			;
		if (j < nl)
			continue;	/* given twice for its help */
		lopts[nl++] = (struct option){ op->name, op->arg ?
		    required_argument : no_argument, NULL, (int)op->id };
	}
	lopts[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[nl++] = (struct option){ "version", no_argument, NULL, 'V' };
	lopts[nl] = (struct option){ NULL, 0, NULL, 0 };

	opterr = 0;
	optind = 0;	/* glibc: start afresh (tests parse many times) */
	while ((c = getopt_long(argc, argv, ":hV", lopts, NULL)) != -1) {
		switch (c) {
		case CLI_OPT_FEED:	o->feed = optarg; break;
		case CLI_OPT_TOKEN_FILE: o->token_file = optarg; break;
		case CLI_OPT_DB:	o->db = optarg; break;
		case CLI_OPT_USER:	o->user = optarg; break;
		case CLI_OPT_TIMEOUT:
			if (cli_parse_int(optarg, 1, 86400, &o->timeout_s) != 0)
				return cli_bad_usage(err, sub, "--timeout: '%s' "
				    "is not a number of seconds (1 to 86400)",
				    optarg);
			break;
		case CLI_OPT_BACKOFF_CAP:
			if (cli_parse_int(optarg, 1, INT_MAX / 2,
			    &o->backoff_cap_ms) != 0)
				return cli_bad_usage(err, sub, "--backoff-cap: "
				    "'%s' is not a number of milliseconds",
				    optarg);
			break;
		case CLI_OPT_CA:	o->ca_file = optarg; break;
		case CLI_OPT_INSECURE:	o->insecure = 1; break;
		case CLI_OPT_LOG:	o->log_file = optarg; break;
		case CLI_OPT_JSON:	o->json = 1; break;
		case CLI_OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				o->json = 1;
			else if (strcmp(optarg, "md") == 0 ||
			    strcmp(optarg, "markdown") == 0)
				o->json = 0;
			else
				return cli_bad_usage(err, sub, "--format: '%s' "
				    "is not md or json", optarg);
			break;
		case CLI_OPT_FROM_NOW:	o->from_now = 1; break;
		case CLI_OPT_STATE:	o->state = optarg; break;
		case CLI_OPT_THEME:	o->theme = optarg; break;
		case CLI_OPT_UTC:	o->utc = 1; break;
		case CLI_OPT_DEMO:	o->demo = 1; break;
		case CLI_OPT_QUIET:	o->quiet = 1; break;
		case CLI_OPT_AT:	o->at = optarg; break;
		case CLI_OPT_SCHEDULE:	o->schedule = optarg; break;
		case CLI_OPT_COMMENT:	o->comment = optarg; break;
		case CLI_OPT_FOR:	o->for_ = optarg; break;
		case CLI_OPT_FROM:	o->from = optarg; break;
		case CLI_OPT_UNTIL:	o->until = optarg; break;
		case CLI_OPT_SINCE:	o->since = optarg; break;
		case CLI_OPT_BY:	o->by = optarg; break;
		case CLI_OPT_PM_VERSION: {
			int v;

			if (cli_parse_int(optarg, 1, INT_MAX, &v) != 0)
				return cli_bad_usage(err, sub, "--version: "
				    "'%s' is not a version number", optarg);
			o->pm_version = v;
			break;
		}
		case CLI_OPT_EDIT:	o->pm_edit = 1; break;
		case CLI_OPT_OPEN:	o->open_only = 1; break;
		case CLI_OPT_OWNER:	o->owner = optarg; break;
		case CLI_OPT_ICS:	o->ics = optarg; break;
		case CLI_OPT_WEEKS:
			if (cli_parse_int(optarg, 1, 104, &o->weeks) != 0)
				return cli_bad_usage(err, sub, "--weeks: '%s' "
				    "is not a number of weeks (1 to 104)",
				    optarg);
			break;
		case 'h':
			cli_sub_help(out, sub);
			return CLI_EX_OK;
		case 'V':
			fputs("warroom " WR_VERSION "\n", out);
			return CLI_EX_OK;
		case ':':
			return cli_bad_usage(err, sub, "%s needs an argument",
			    argv[optind - 1]);
		default: {
			const char *a = argv[optind - 1];
			const struct cli_option *op = NULL;
			char shortopt[3] = { '-', (char)optopt, '\0' };

			if (optopt != 0 && a[0] == '-' && a[1] != '-')
				a = shortopt;
			else if (a[0] == '-' && a[1] == '-')
				op = cli_option_named(a + 2, strcspn(a + 2, "="));
			if (op != NULL)
				return cli_misplaced(err, sub, op);
			return cli_bad_usage(err, sub, "unknown option %s", a);
		}
		}
	}
	*subp = sub;
	*argi = optind + (subi ? 1 : 0);
	if (subi && (optind >= argc || strcmp(argv[optind], sub->name) != 0)) {
		/* cannot happen: getopt keeps the words in their order */
		fprintf(err, "warroom: cannot find the subcommand's words\n");
		return CLI_EX_SOFTWARE;
	}
	return -1;
}

int
cli_sub_run(const struct cli_sub *sub, const struct cli_opts *o, int argc,
    char **argv)
{
	if (sub->run == NULL) {
		fprintf(stderr, "warroom: %s is not built yet\n", sub->name);
		return CLI_EX_UNAVAILABLE;
	}
	return sub->run(o, sub, argc, argv);
}

static int
cli_no_args(const struct cli_sub *sub, int argc, char **argv)
{
	if (argc == 0)
		return 0;
	fprintf(stderr, "warroom: %s%stakes no arguments ('%s')\n", sub->name,
	    sub->name[0] ? " " : "", argv[0]);
	cli_sub_usage(stderr, sub);
	return -1;
}

static int
cli_run_console(const struct cli_opts *o, const struct cli_sub *sub,
    int argc, char **argv)
{
	if (cli_no_args(sub, argc, argv) != 0)
		return CLI_EX_USAGE;
	return cli_console(o);
}

static int
cli_run_tail(const struct cli_opts *o, const struct cli_sub *sub, int argc,
    char **argv)
{
	return cli_no_args(sub, argc, argv) != 0 ? CLI_EX_USAGE : cli_tail(o);
}

static int
cli_run_list(const struct cli_opts *o, const struct cli_sub *sub, int argc,
    char **argv)
{
	return cli_no_args(sub, argc, argv) != 0 ? CLI_EX_USAGE : cli_list(o);
}

static int
cli_run_stats(const struct cli_opts *o, const struct cli_sub *sub, int argc,
    char **argv)
{
	return cli_no_args(sub, argc, argv) != 0 ? CLI_EX_USAGE : cli_stats(o);
}

static int
cli_run_oncall(const struct cli_opts *o, const struct cli_sub *sub, int argc,
    char **argv)
{
	if (cli_no_args(sub, argc, argv) != 0)
		return CLI_EX_USAGE;
	if (o->weeks != 0 && o->ics == NULL)
		return cli_bad_usage(stderr, sub, "%s", "--weeks goes with --ics");
	if (o->ics != NULL && (o->json || o->schedule != NULL))
		return cli_bad_usage(stderr, sub, "%s", "--ics SCHEDULE writes a "
		    "calendar: no --json or --schedule with it");
	return cli_oncall(o);
}

static int
cli_run_op(const struct cli_opts *o, const struct cli_sub *sub, int argc,
    char **argv)
{
	return cli_op(o, sub->kind, argc, argv);
}

static int
cli_run_export(const struct cli_opts *o, const struct cli_sub *sub,
    int argc, char **argv)
{
	return cli_export(o, argc, argv);
}

static int
cli_run_postmortem(const struct cli_opts *o, const struct cli_sub *sub,
    int argc, char **argv)
{
	return cli_postmortem(o, argc, argv);
}

static int
cli_run_actions(const struct cli_opts *o, const struct cli_sub *sub,
    int argc, char **argv)
{
	if (cli_no_args(sub, argc, argv) != 0)
		return CLI_EX_USAGE;
	return cli_actions(o);
}
