/*
 * warroomd.c: the relay's main: parse the command line and the config
 * file, then run the relay (relay/relay.c).  No logic of its own.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "relay/relay.h"

static const char usage_text[] =
"usage: warroomd [--listen HOST:PORT] [--db PATH] [--tokens FILE | --no-auth]\n"
"                [--config FILE] [--tls-cert FILE --tls-key FILE]\n"
"                [--body-limit BYTES] [--frame-limit BYTES] [--heartbeat MS]\n"
"                [--drain-timeout MS] [--retention SECONDS] [--log FILE]\n"
"                [--replay SCENARIO] [--verbose] [--help] [--version]\n"
"\n"
"The warroom relay: takes alerts over HTTP, keeps the event log, and feeds\n"
"every console over a websocket.\n"
"\n"
"  --listen HOST:PORT   address to serve (default 127.0.0.1:8470)\n"
"  --db PATH            the event log (default $XDG_DATA_HOME/warroom/relay.db)\n"
"  --tokens FILE        bearer tokens, one a line: NAME TOKEN [console,ingest]\n"
"  --no-auth            run without tokens (trusted loopback only)\n"
"  --config FILE        key = value settings (the long option names)\n"
"  --tls-cert/--tls-key serve https and wss\n"
"  --body-limit BYTES   largest POST body (default 1M)\n"
"  --frame-limit BYTES  largest websocket message (default 1M)\n"
"  --heartbeat MS       ping interval (default 10000)\n"
"  --drain-timeout MS   close a console that does not read for this long\n"
"                       (default 30000)\n"
"  --retention SECONDS  drop events older than this (default: keep forever)\n"
"  --log FILE           write the log here instead of stderr\n"
"  --replay SCENARIO    play a recorded alert sequence into this relay\n"
"                       (JSON lines; see warroom-scenario(5))\n"
"\n"
"Endpoints: POST /hooks/alertmanager, POST /v2/enqueue, GET /healthz,\n"
"GET /metrics, websocket /feed.  See warroomd(8).\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

static int
bad(const char *what, const char *value)
{
	fprintf(stderr, "warroomd: bad %s: %s\n", what, value);
	usage(stderr);
	return 64;
}

int
main(int argc, char **argv)
{
	enum {
		O_LISTEN = 256, O_DB, O_TOKENS, O_NOAUTH, O_CONFIG, O_CERT,
		O_KEY, O_BODY, O_FRAME, O_HB, O_DRAIN, O_RET, O_LOG, O_VERB,
		O_HELP, O_VERSION, O_REPLAY
	};
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "db", required_argument, NULL, O_DB },
		{ "tokens", required_argument, NULL, O_TOKENS },
		{ "no-auth", no_argument, NULL, O_NOAUTH },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "tls-cert", required_argument, NULL, O_CERT },
		{ "tls-key", required_argument, NULL, O_KEY },
		{ "body-limit", required_argument, NULL, O_BODY },
		{ "frame-limit", required_argument, NULL, O_FRAME },
		{ "heartbeat", required_argument, NULL, O_HB },
		{ "drain-timeout", required_argument, NULL, O_DRAIN },
		{ "retention", required_argument, NULL, O_RET },
		{ "log", required_argument, NULL, O_LOG },
		{ "verbose", no_argument, NULL, O_VERB },
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct relay_cfg cfg;
	char *cause = NULL, *end;
	int c, rc;

	relay_cfg_defaults(&cfg);
	/* The config file first, so the command line wins. */
	for (int i = 1; i < argc; i++) {
		const char *path = NULL;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
		if (path != NULL && relay_cfg_load(&cfg, path, &cause) != 0) {
			fprintf(stderr, "warroomd: %s\n", cause);
			free(cause);
			relay_cfg_free(&cfg);
			return 64;
		}
	}
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case O_LISTEN: {
			char *colon = strrchr(optarg, ':');
			long port;
			if (colon == NULL)
				return bad("--listen (want HOST:PORT)", optarg);
			port = strtol(colon + 1, &end, 10);
			if (*end != '\0' || port < 0 || port > 65535)
				return bad("--listen port", optarg);
			free(cfg.listen_host);
			cfg.listen_host = xstrndup(optarg,
			    (size_t)(colon - optarg));
			if (cfg.listen_host[0] == '[') {	/* [::1] */
				size_t n = strlen(cfg.listen_host);
				memmove(cfg.listen_host, cfg.listen_host + 1, n);
				if (n >= 2 && cfg.listen_host[n - 2] == ']')
					cfg.listen_host[n - 2] = '\0';
			}
			cfg.port = (int)port;
			break;
		}
		case O_DB: util_set_str(&cfg.db_path, optarg); break;
		case O_TOKENS: util_set_str(&cfg.tokens_path, optarg); break;
		case O_NOAUTH: cfg.no_auth = 1; break;
		case O_CONFIG: break;
		case O_CERT: util_set_str(&cfg.tls_cert, optarg); break;
		case O_KEY: util_set_str(&cfg.tls_key, optarg); break;
		case O_LOG: util_set_str(&cfg.log_path, optarg); break;
		case O_VERB: cfg.verbose = 1; break;
		case O_REPLAY: util_set_str(&cfg.replay_path, optarg); break;
		case O_BODY:
		case O_FRAME: {
			size_t n;
			if (relay_parse_size(optarg, &n) != 0)
				return bad(c == O_BODY ? "--body-limit" :
				    "--frame-limit", optarg);
			if (c == O_BODY)
				cfg.body_limit = n;
			else
				cfg.frame_limit = n;
			break;
		}
		case O_HB:
		case O_DRAIN:
		case O_RET: {
			long n = strtol(optarg, &end, 10);
			if (*end != '\0' || n <= 0)
				return bad("number", optarg);
			if (c == O_HB)
				cfg.heartbeat_ms = (int)n;
			else if (c == O_DRAIN)
				cfg.drain_timeout_ms = (int)n;
			else
				cfg.retention_ms = (int64_t)n * 1000;
			break;
		}
		case 'h':
		case O_HELP:
			usage(stdout);
			relay_cfg_free(&cfg);
			return 0;
		case 'V':
		case O_VERSION:
			printf("warroomd %s\n", WR_VERSION);
			relay_cfg_free(&cfg);
			return 0;
		default:
			usage(stderr);
			relay_cfg_free(&cfg);
			return 64;
		}
	}
	if (optind < argc)
		return bad("argument", argv[optind]);
	if ((cfg.tls_cert == NULL) != (cfg.tls_key == NULL))
		return bad("TLS setup", "--tls-cert and --tls-key go together");
	rc = relay_main(&cfg);
	relay_cfg_free(&cfg);
	return rc;
}
