/*
 * warroomd.c: the relay's main: read the config files and the command
 * line through the one option table (relay/config.c), then run the relay
 * (relay/relay.c).  No logic of its own.
 *
 * Exit status: 64 for bad usage (an unknown option, a missing argument, a
 * stray word), 78 for a bad configuration (a value refused, in a file or
 * on the command line, or settings that do not go together); relay_main()
 * decides the rest (74: the database or the log cannot be used).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/relay.h"
#include "relay/tokens.h"

#define EXIT_USAGE 64
#define EXIT_CONFIG 78

enum { O_CONFIG = 1, O_CHECK, O_AT, O_HELP, O_VERSION, O_TABLE = 256 };

static const char short_usage[] =
"usage: warroomd [--config FILE] [--listen HOST:PORT]\n"
"                [--tokens FILE | --no-auth] [OPTION]...  (see --help)\n";

static void
help(const struct relay_opt *t, size_t n)
{
	fputs("usage: warroomd [--config FILE] [--listen HOST:PORT]\n"
	    "                [--tokens FILE | --no-auth] [OPTION]...\n"
	    "       warroomd --check-config FILE [--at TIME] [OPTION]...\n"
	    "\n"
	    "The warroom relay: takes alerts over HTTP, keeps the event log, "
	    "and feeds\nevery console over a websocket.\n\n", stdout);
	fputs("  --config FILE          settings (INI; keys are the long "
	    "option names;\n"
	    "                         [sender NAME], [severity], [schedule NAME]"
	    "\n                         and [layer NAME.LAYER] sections: "
	    "warroom.conf(5))"
	    "\n"
	    "  --check-config FILE    read FILE (and the options), say whether "
	    "it is good\n"
	    "                         and print each schedule's now, next and "
	    "next gap;\n"
	    "                         exit 0 or 78\n"
	    "  --at TIME              with --check-config: answer for this "
	    "RFC 3339 time\n"
	    "                         instead of now\n", stdout);
	for (size_t i = 0; i < n; i++) {
		char head[64];
		const char *h = t[i].help;
		snprintf(head, sizeof head, "--%s%s%s", t[i].name,
		    t[i].arg ? " " : "", t[i].arg ? t[i].arg : "");
		printf("  %-21s", head);
		if (strlen(head) > 21)
			printf("\n  %-21s", "");
		for (;;) {
			const char *nl = strchr(h, '\n');
			int len = nl ? (int)(nl - h) : (int)strlen(h);
			printf("  %.*s\n", len, h);
			if (nl == NULL)
				break;
			h = nl + 1;
			printf("  %-21s", "");
		}
	}
	fputs("  -h, --help             this text\n"
	    "  -V, --version          the version\n"
	    "\n"
	    "DURATION is 500ms, 10s, 2m, 12h, 30d or 1w; SIZE is bytes, or "
	    "64k, 16M, 1G.\n"
	    "Exit status: 64 for bad usage, 74 when the database or the log cannot "
	    "be used,\n78 for a bad configuration, 1 for another start-up "
	    "failure.\n"
	    "Endpoints: POST /hooks/alertmanager, POST /v2/enqueue, GET "
	    "/healthz,\nGET /metrics, websocket /feed.  See warroomd(8).\n",
	    stdout);
}

static int
usage_error(void)
{
	fputs(short_usage, stderr);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	size_t n, nlong;
	const struct relay_opt *t = relay_cfg_options(&n);
	struct option *lopts = xcalloc(n + 6, sizeof *lopts);
	struct relay_cfg cfg;
	const char **configs = xcalloc((size_t)argc + 1, sizeof *configs);
	struct relay_cfg_arg *args = xcalloc((size_t)argc + 1, sizeof *args);
	size_t nconfigs = 0, nargs = 0;
	const char *check = NULL, *at_text = NULL;
	int64_t at = 0;
	char *cause = NULL;
	int c, rc = EXIT_CONFIG;

	for (nlong = 0; nlong < n; nlong++) {
		lopts[nlong].name = t[nlong].name;
		lopts[nlong].has_arg = t[nlong].type == RELAY_OPT_FLAG ?
		    no_argument : required_argument;
		lopts[nlong].val = O_TABLE + (int)nlong;
	}
	lopts[nlong++] = (struct option){ "config", required_argument, NULL,
	    O_CONFIG };
	lopts[nlong++] = (struct option){ "check-config", required_argument,
	    NULL, O_CHECK };
	lopts[nlong++] = (struct option){ "at", required_argument, NULL,
	    O_AT };
	lopts[nlong++] = (struct option){ "help", no_argument, NULL, O_HELP };
	lopts[nlong++] = (struct option){ "version", no_argument, NULL,
	    O_VERSION };
	memset(&cfg, 0, sizeof cfg);

	/* First pass: usage, and which files to read. */
	while ((c = getopt_long(argc, argv, "hV", lopts, NULL)) != -1) {
		if (c == O_CONFIG || c == O_CHECK) {
			configs[nconfigs++] = optarg;
			if (c == O_CHECK)
				check = optarg;
		} else if (c == O_AT) {
			at_text = optarg;
		} else if (c == 'h' || c == O_HELP) {
			help(t, n);
			rc = 0;
			goto out;
		} else if (c == 'V' || c == O_VERSION) {
			printf("warroomd %s\n", WR_VERSION);
			rc = 0;
			goto out;
		} else if (c < O_TABLE) {
			rc = usage_error();
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "warroomd: unexpected argument '%s'\n",
		    argv[optind]);
		rc = usage_error();
		goto out;
	}
	if (at_text != NULL && (check == NULL ||
	    wr_time_parse(at_text, &at) != 0)) {
		fprintf(stderr, "warroomd: %s\n", check == NULL ?
		    "--at goes with --check-config" :
		    "--at: not an RFC 3339 time (2026-03-02T09:00:00Z)");
		rc = usage_error();
		goto out;
	}
	/* The command line's options, applied over the files by
	 * relay_cfg_build(), at start and again on SIGHUP. */
	optind = 0;	/* glibc: start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hV", lopts, NULL)) != -1) {
		const struct relay_opt *o;
		if (c < O_TABLE)
			continue;
		o = &t[c - O_TABLE];
		args[nargs].o = o;
		args[nargs++].value = o->type == RELAY_OPT_FLAG ? NULL :
		    optarg;
	}
	/* --check-config --at reads the iCalendar files around that
	 * instant. */
	if (relay_cfg_build_at(&cfg, configs, nconfigs, args, nargs,
	    at_text != NULL ? at : 0, &cause) != 0)
		goto bad;
	if (check != NULL) {
		struct tokens tok = { NULL, 0 };
		if (cfg.tokens_path != NULL && (tokens_load(cfg.tokens_path,
		    &tok, &cause) != 0 || relay_cfg_check_senders(&cfg, &tok,
		    &cause) != 0)) {
			tokens_free(&tok);
			goto bad;
		}
		tokens_free(&tok);
		printf("%s: ok\n", check);
		{
			char *report = relay_cfg_schedules_report(&cfg,
			    at_text != NULL ? at : wr_now_ms());

			fputs(report, stdout);
			free(report);
			report = relay_cfg_policies_report(&cfg,
			    at_text != NULL ? at : wr_now_ms());
			fputs(report, stdout);
			free(report);
		}
		rc = 0;
		goto out;
	}
	rc = relay_main(&cfg);
	goto out;
bad:
	fprintf(stderr, "warroomd: %s\n", cause);
	free(cause);
	rc = EXIT_CONFIG;
out:
	relay_cfg_free(&cfg);
	free(configs);
	free(args);
	free(lopts);
	return rc;
}
