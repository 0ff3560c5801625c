/*
 * warroom.c: the console's main: parse the command line (options may come
 * before or after the subcommand), fill in what the environment says, and
 * hand over to a subcommand in cli/ or to the interactive console.  No
 * logic lives here beyond that wiring.
 */
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/console.h"
#include "core/room.h"

#ifndef WR_VERSION
#define WR_VERSION "unknown"
#endif

static const char usage_text[] =
"usage: warroom [options]                      the interactive console\n"
"       warroom --demo                         an in-process relay and a recorded outage\n"
"       warroom [options] tail [--json] [--from-now]\n"
"       warroom [options] list [--json] [--state S]\n"
"       warroom [options] ack ID | unack ID | resolve ID | reopen ID\n"
"       warroom [options] assign ID NAME | sev ID LEVEL\n"
"       warroom [options] note ID TEXT...\n"
"       warroom [options] export ID [--json] | stats [--json]\n"
"\n"
"Subcommands:\n"
"  tail            print every event, one per line: the relay's whole log,\n"
"                  then live ones; survives relay restarts; ends on\n"
"                  SIGINT/SIGTERM or when stdout closes\n"
"  list            print the incidents once this console has caught up\n"
"  ack ID          acknowledge incident ID\n"
"  unack ID        take the acknowledgement back\n"
"  resolve ID      resolve incident ID\n"
"  reopen ID       reopen a resolved incident\n"
"  assign ID NAME  assign incident ID to NAME\n"
"  sev ID LEVEL    set incident ID's severity (critical, error, warning or\n"
"                  info); it then sticks against what the source says\n"
"  note ID TEXT    add a note (the words are joined with spaces; put -- before\n"
"                  text that starts with -)\n"
"  export ID       a postmortem draft of incident ID in Markdown: times to\n"
"                  acknowledge and resolve, alerts, the whole timeline\n"
"  stats           incidents by state and severity, mean times to\n"
"                  acknowledge and to resolve\n"
"\n"
"Options:\n"
"  --feed URL          the relay's feed, ws://HOST:PORT/feed or wss://...\n"
"                      (env WARROOM_FEED; default ws://127.0.0.1:8470/feed)\n"
"  --token-file F      the token, alone on the first line of F\n"
"                      (env WARROOM_TOKEN_FILE)\n"
"  --db PATH           the console's database (env WARROOM_DB; default\n"
"                      $XDG_DATA_HOME/warroom/console.db)\n"
"  --user NAME         who is acting (env WARROOM_USER, else $USER)\n"
"  --timeout SECONDS   how long list and the ops wait for the relay (10)\n"
"  --backoff-cap MS    longest wait between reconnection attempts (30000)\n"
"  --ca FILE           trust the CA certificates in FILE (wss://)\n"
"  --insecure          wss:// without certificate checks\n"
"  --log FILE          append the connection log to FILE (default: the\n"
"                      console writes console.log beside its database;\n"
"                      the subcommands write none)\n"
"  --json              tail, list: JSON output, one object a line / one array\n"
"  --from-now          tail: only events after the relay's current head\n"
"  --state S           list: triggered, acknowledged, resolved, open or all\n"
"  --theme NAME        the console's colour theme\n"
"  --utc               the console shows times in UTC\n"
"  --quiet             no terminal bell for a new critical incident\n"
"  --demo              run a relay in-process with a recorded outage\n"
"  -h, --help          this text\n"
"  -V, --version       the version\n"
"\n"
"Exit status: 0 done, 64 bad usage, 65 the relay refused the op (the reason\n"
"is printed), 75 the relay could not be reached within --timeout (an op is\n"
"queued and sent by the next warroom that connects; list shows the stored\n"
"copy), 77 the relay refused the token.\n";

enum {
	OPT_FEED = 256, OPT_TOKEN_FILE, OPT_DB, OPT_USER, OPT_TIMEOUT,
	OPT_BACKOFF_CAP, OPT_CA, OPT_INSECURE, OPT_LOG, OPT_JSON,
	OPT_FROM_NOW, OPT_STATE, OPT_THEME, OPT_UTC, OPT_DEMO, OPT_QUIET
};

static const struct option long_opts[] = {
	{ "feed",	 required_argument, NULL, OPT_FEED },
	{ "token-file",	 required_argument, NULL, OPT_TOKEN_FILE },
	{ "db",		 required_argument, NULL, OPT_DB },
	{ "user",	 required_argument, NULL, OPT_USER },
	{ "timeout",	 required_argument, NULL, OPT_TIMEOUT },
	{ "backoff-cap", required_argument, NULL, OPT_BACKOFF_CAP },
	{ "ca",		 required_argument, NULL, OPT_CA },
	{ "insecure",	 no_argument,	    NULL, OPT_INSECURE },
	{ "log",	 required_argument, NULL, OPT_LOG },
	{ "json",	 no_argument,	    NULL, OPT_JSON },
	{ "from-now",	 no_argument,	    NULL, OPT_FROM_NOW },
	{ "state",	 required_argument, NULL, OPT_STATE },
	{ "theme",	 required_argument, NULL, OPT_THEME },
	{ "utc",	 no_argument,	    NULL, OPT_UTC },
	{ "demo",	 no_argument,	    NULL, OPT_DEMO },
	{ "quiet",	 no_argument,	    NULL, OPT_QUIET },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ "version",	 no_argument,	    NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("warroom: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nusage: warroom [options] [tail | list | ack ID | unack ID | "
	    "resolve ID | reopen ID | assign ID NAME | note ID TEXT | sev ID LEVEL]\n"
	    "Try 'warroom --help'.\n", stderr);
	return CLI_EX_USAGE;
}

static int
parse_int(const char *arg, int min, int max, int *out)
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

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		wr_op_kind kind;	/* 0: not an op */
	} subs[] = {
		{ "tail", 0 }, { "list", 0 },
		{ "ack", WR_OP_ACK }, { "unack", WR_OP_UNACK },
		{ "resolve", WR_OP_RESOLVE }, { "reopen", WR_OP_REOPEN },
		{ "assign", WR_OP_ASSIGN }, { "note", WR_OP_NOTE },
		{ "sev", WR_OP_SEV },
	};
	struct cli_opts opts;
	const char *sub;
	int c, timeout_set = 0, console_only = 0;
	char *config_error = NULL;

	setlocale(LC_ALL, "");
	cli_opts_init(&opts);
	{
		/* A broken config is reported once --help and --version had
		 * their chance. */
		char *path = cli_config_path();
		if (cli_config_load(&opts, path, &config_error) != 0)
			cli_opts_init(&opts);
		free(path);
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FEED:		opts.feed = optarg; break;
		case OPT_TOKEN_FILE:	opts.token_file = optarg; break;
		case OPT_DB:		opts.db = optarg; break;
		case OPT_USER:		opts.user = optarg; break;
		case OPT_TIMEOUT:
			if (parse_int(optarg, 1, 86400, &opts.timeout_s) != 0)
				return usage_error("--timeout: '%s' is not a "
				    "number of seconds (1 to 86400)", optarg);
			timeout_set = 1;
			break;
		case OPT_BACKOFF_CAP:
			if (parse_int(optarg, 1, INT_MAX / 2,
			    &opts.backoff_cap_ms) != 0)
				return usage_error("--backoff-cap: '%s' is not "
				    "a number of milliseconds", optarg);
			break;
		case OPT_CA:		opts.ca_file = optarg; break;
		case OPT_INSECURE:	opts.insecure = 1; break;
		case OPT_LOG:		opts.log_file = optarg; break;
		case OPT_JSON:		opts.json = 1; break;
		case OPT_FROM_NOW:	opts.from_now = 1; break;
		case OPT_STATE:		opts.state = optarg; break;
		case OPT_THEME:		opts.theme = optarg; console_only = 1; break;
		case OPT_UTC:		opts.utc = 1; console_only = 1; break;
		case OPT_DEMO:		opts.demo = 1; console_only = 1; break;
		case OPT_QUIET:		opts.quiet = 1; console_only = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EX_OK;
		case 'V':
			puts("warroom " WR_VERSION);
			return CLI_EX_OK;
		case ':':
			return usage_error("%s needs an argument",
			    argv[optind - 1]);
		default:
			return usage_error("unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (config_error != NULL) {
		fprintf(stderr, "warroom: %s\n", config_error);
		free(config_error);
		return CLI_EX_USAGE;
	}
	sub = optind < argc ? argv[optind] : NULL;

	if (sub == NULL) {
		if (opts.json || opts.from_now || opts.state)
			return usage_error("%s", "--json, --from-now and "
			    "--state go with a subcommand (tail, list)");
		if (timeout_set)
			return usage_error("%s", "--timeout goes with list and "
			    "the one-shot ops");
		return cli_console(&opts);
	}
	if (console_only)
		return usage_error("%s", "--demo, --theme, --utc and --quiet are for "
		    "the interactive console, not a subcommand");
	if (opts.from_now && strcmp(sub, "tail") != 0)
		return usage_error("%s", "--from-now goes with tail");
	if (opts.state && strcmp(sub, "list") != 0)
		return usage_error("%s", "--state goes with list");
	if (opts.json && strcmp(sub, "tail") != 0 && strcmp(sub, "list") != 0 &&
	    strcmp(sub, "export") != 0 && strcmp(sub, "stats") != 0)
		return usage_error("%s", "--json goes with tail, list, export or "
		    "stats");

	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
		if (strcmp(sub, subs[i].name) != 0)
			continue;
		if (subs[i].kind != 0)
			return cli_op(&opts, subs[i].kind, argc - optind - 1,
			    argv + optind + 1);
		if (optind + 1 < argc)
			return usage_error("%s takes no arguments here", sub);
		return strcmp(sub, "tail") == 0 ? cli_tail(&opts) :
		    cli_list(&opts);
	}
	if (strcmp(sub, "export") == 0)
		return cli_export(&opts, argc - optind - 1, argv + optind + 1);
	if (strcmp(sub, "stats") == 0) {
		if (optind + 1 < argc)
			return usage_error("%s takes no arguments", sub);
		return cli_stats(&opts);
	}
	if (strcmp(sub, "oncall") == 0) {
		fprintf(stderr, "warroom: %s is not built yet\n", sub);
		return CLI_EX_UNAVAILABLE;
	}
	return usage_error("unknown subcommand '%s'", sub);
}
