/*
 * test_relay_config.c: cmocka tests for relay/config.c: warroomd's one
 * option table, its config file (INI, read with inih) and the checks that
 * no single value can make.  Every refusal is matched word for word with
 * the file and line an operator will read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "relay/config.h"
#include "relay/tokens.h"

static char dir[64];
static char conf[96];

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof dir, "%s/wr-cfg.XXXXXX",
	    tmp != NULL && tmp[0] == '/' && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(conf, sizeof conf, "%s/relay.conf", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(conf);
	rmdir(dir);
	return 0;
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load text; returns the cause (malloc'd) or NULL. */
static char *
load(struct relay_cfg *cfg, const char *text)
{
	char *cause = NULL;

	write_conf(text);
	if (relay_cfg_load(cfg, conf, &cause) == 0)
		return NULL;
	assert_non_null(cause);
	return cause;
}

static void
test_a_good_file_sets_every_option(void **state)
{
	struct relay_cfg cfg;
	const struct relay_sender *s;
	wr_severity sev;

	(void)state;
	relay_cfg_defaults(&cfg);
	assert_null(load(&cfg,
	    "# /etc/warroom/warroomd.conf\n"
	    "listen = [::1]:9000\n"
	    "  db = /var/lib/warroom/relay.db   # indented, with a comment\n"
	    "tokens=/etc/warroom/tokens\n"
	    "no-auth = false\n"
	    "tls-cert = /etc/warroom/cert.pem\r\n"
	    "tls-key = /etc/warroom/key.pem\n"
	    "; an INI comment\n"
	    "\n"
	    "body-limit = 16M\n"
	    "frame-limit = 64k\n"
	    "heartbeat = 2s\n"
	    "drain-timeout = 1500\n"
	    "retention = 90d\n"
	    "log = /var/log/warroom/warroomd.log\n"
	    "replay = /usr/share/warroom/scenarios/outage.jsonl\n"
	    "verbose = yes\n"
	    "\n"
	    "[sender am-prod]\n"
	    "alertmanager = http://127.0.0.1:9093\n"
	    "[sender am-eu]\n"
	    "alertmanager = http://am.eu.example:9093/alertmanager\n"
	    "[severity]\n"
	    "critical = blocker, Showstopper\n"
	    "info = p2\n"));
	assert_string_equal(cfg.listen_host, "::1");
	assert_int_equal(cfg.port, 9000);
	assert_string_equal(cfg.db_path, "/var/lib/warroom/relay.db");
	assert_string_equal(cfg.tokens_path, "/etc/warroom/tokens");
	assert_int_equal(cfg.no_auth, 0);
	assert_string_equal(cfg.tls_cert, "/etc/warroom/cert.pem");
	assert_string_equal(cfg.tls_key, "/etc/warroom/key.pem");
	assert_int_equal(cfg.body_limit, 16 * 1024 * 1024);
	assert_int_equal(cfg.frame_limit, 64 * 1024);
	assert_int_equal(cfg.heartbeat_ms, 2000);
	assert_int_equal(cfg.drain_timeout_ms, 1500);
	assert_true(cfg.retention_ms == 90LL * 86400 * 1000);
	assert_string_equal(cfg.log_path, "/var/log/warroom/warroomd.log");
	assert_string_equal(cfg.replay_path,
	    "/usr/share/warroom/scenarios/outage.jsonl");
	assert_int_equal(cfg.verbose, 1);

	assert_int_equal(cfg.n_senders, 2);
	s = relay_cfg_sender(&cfg, "am-prod");
	assert_non_null(s);
	assert_string_equal(s->alertmanager, "http://127.0.0.1:9093");
	assert_string_equal(s->am_host, "127.0.0.1");
	assert_int_equal(s->am_port, 9093);
	assert_string_equal(s->am_path, "/");
	s = relay_cfg_sender(&cfg, "am-eu");
	assert_non_null(s);
	assert_string_equal(s->am_host, "am.eu.example");
	assert_string_equal(s->am_path, "/alertmanager");
	assert_null(relay_cfg_sender(&cfg, "grafana"));

	assert_int_equal(cfg.severity.n, 3);
	assert_int_equal(wr_severity_word(&cfg.severity, "BLOCKER", &sev), 0);
	assert_int_equal(sev, WR_SEV_CRITICAL);
	assert_int_equal(wr_severity_word(&cfg.severity, "showstopper", &sev),
	    0);
	assert_int_equal(sev, WR_SEV_CRITICAL);
	assert_int_equal(wr_severity_word(&cfg.severity, "P2", &sev), 0);
	assert_int_equal(sev, WR_SEV_INFO);
	assert_int_equal(wr_severity_word(&cfg.severity, "page", &sev), 0);
	assert_int_equal(sev, WR_SEV_CRITICAL);
	relay_cfg_free(&cfg);
}

static const struct {
	const char *text;
	const char *want;	/* after "PATH:" */
} bad_lines[] = {
	{ "\n\nheartbeat = 2k\n",
	    "3: heartbeat: '2k' is not a duration (use 10s, 2m, ...)" },
	{ "listen = [::1]:99999\n",
	    "1: listen: '[::1]:99999': port out of range (0 to 65535)" },
	{ "listen = ::1:8470\n",
	    "1: listen: '::1:8470': an IPv6 address goes in brackets, as in "
	    "[::1]:8470" },
	{ "listen = 127.0.0.1\n", "1: listen: '127.0.0.1' has no port (use "
	    "HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470)" },
	{ "# c\nbody-limit = -1\n",
	    "2: body-limit: '-1' is negative (a size is at least 1k)" },
	{ "body-limit = 0\n", "1: body-limit: '0' is too small (at least 1k)" },
	{ "frame-limit = 1.5M\n", "1: frame-limit: '1.5M' is not a size "
	    "(use 65536, 64k, 16M or 1G)" },
	{ "body-limit = 99999999999999999999G\n", "1: body-limit: "
	    "'99999999999999999999G' is too large (at most 1G)" },
	{ "retention = 7776000\n", "1: retention: '7776000' has no unit "
	    "(use 10s, 2m, 12h, 30d, ...)" },
	{ "drain-timeout = 2d\n",
	    "1: drain-timeout: '2d' is too long (at most 1d)" },
	{ "heartbeat = 10\n",
	    "1: heartbeat: '10' is too short (at least 100ms)" },
	{ "no-auth = maybe\n", "1: no-auth: 'maybe' is not true or false "
	    "(use true, false, yes, no, on, off, 1 or 0)" },
	{ "tokens =\n", "1: tokens: no value (want FILE)" },
	{ "nosuch = 1\n", "1: unknown key 'nosuch' (the keys before any "
	    "section are warroomd's long option names; see warroomd(8))" },
	{ "config = /etc/other.conf\n", "1: unknown key 'config' (the keys "
	    "before any section are warroomd's long option names; see "
	    "warroomd(8))" },
	{ "db = a\nlisten\n", "2: expected KEY = VALUE or [SECTION]" },
	{ "listen [::1]:8470\n", "1: expected KEY = VALUE or [SECTION]" },
	{ "= 5\n", "1: expected KEY = VALUE or [SECTION]" },
	{ "[schedule primary]\ntimezone = UTC\n",
	    "1: [schedule primary]: no layers (add a [layer primary.NAME] "
	    "section with rotation, start and participants)" },
	{ "[layer primary.weekly]\n", "1: [layer primary.weekly]: no "
	    "[schedule primary] above it" },
	{ "db = x\n[escalation checkout]\n", "2: unknown section "
	    "[escalation checkout] (this warroomd knows [sender NAME], "
	    "[severity], [schedule NAME], [layer NAME.LAYER], [notifier NAME] "
	    "and [policy NAME])" },
	{ "[notifier pager]\n", "1: [notifier pager]: no type (type = "
	    "webhook or type = command)" },
	{ "[severity\n", "1: a section header is [NAME] alone on its line" },
	{ "[sender am] x\n",
	    "1: a section header is [NAME] alone on its line" },
	{ "[sender]\n", "1: [sender] needs the ingest token's name, as in "
	    "[sender am-prod]" },
	{ "[sender a b]\n", "1: [sender a b]: a sender's name is one word, "
	    "the ingest token's name" },
	{ "[sender am]\nurl = http://x:1\n", "2: [sender am]: unknown key "
	    "'url' (a sender has alertmanager = URL and silence-refresh = "
	    "DURATION)" },
	{ "[sender am]\nsilence-refresh = 500ms\n", "2: [sender am] "
	    "silence-refresh: '500ms' is too short (at least 1s)" },
	{ "[sender am]\nlisten = 127.0.0.1:1\n", "2: [sender am]: unknown "
	    "key 'listen' (a sender has alertmanager = URL and "
	    "silence-refresh = DURATION)" },
	{ "[sender am]\nalertmanager = ftp://x\n", "2: [sender am] "
	    "alertmanager: 'ftp://x' is not an http:// URL (use "
	    "http://HOST:PORT[/PATH])" },
	{ "[sender am]\nalertmanager = http://am:99999\n", "2: [sender am] "
	    "alertmanager: 'http://am:99999': port out of range "
	    "(0 to 65535)" },
	{ "[severity]\nurgent = page\n", "2: [severity]: unknown level "
	    "'urgent' (use critical, error, warning or info)" },
	{ "[severity]\ncritical = page,,p1\n",
	    "2: [severity] critical: an empty word in the list" },
	{ "[severity]\ncritical =\n", "2: [severity] critical: no words "
	    "(want a comma list, as in critical = page, p1)" },
	{ "[severity]\ncritical = sev 1\n", "2: [severity] critical: "
	    "'sev 1' is not one word (no spaces, at most 64 bytes)" },
	/* The first error is the one reported. */
	{ "db = a\nheartbeat = 2k\nnosuch = 1\n",
	    "2: heartbeat: '2k' is not a duration (use 10s, 2m, ...)" },
	{ "db = a\0b\n", "1: a NUL byte in the line" },
};

static void
test_each_kind_of_bad_line_is_refused_with_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
		struct relay_cfg cfg;
		char want[512], *cause;
		const char *text = bad_lines[i].text;
		FILE *f;

		relay_cfg_defaults(&cfg);
		/* Written with its length: one case holds a NUL. */
		f = fopen(conf, "w");
		assert_non_null(f);
		if (strcmp(text, "db = a") == 0)
			fwrite("db = a\0b\n", 1, 9, f);
		else
			fputs(text, f);
		fclose(f);
		cause = NULL;
		assert_int_equal(relay_cfg_load(&cfg, conf, &cause), -1);
		snprintf(want, sizeof want, "%s:%s", conf, bad_lines[i].want);
		if (cause == NULL || strcmp(cause, want) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i,
			    cause ? cause : "(null)", want);
		free(cause);
		relay_cfg_free(&cfg);
	}
}

static void
test_a_line_too_long_for_inih_is_refused_not_cut(void **state)
{
	struct relay_cfg cfg;
	char text[700], *cause;

	(void)state;
	relay_cfg_defaults(&cfg);
	/* Cut at inih's buffer, the tail would be read as a line of its own
	 * ("listen = ..." here). */
	memset(text, 'a', 600);
	memcpy(text, "db = /", 6);
	memcpy(text + 400, "listen = 0.0.0.0:1\n", 20);
	text[420] = '\0';
	cause = load(&cfg, text);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "relay.conf:1: the line is too long "
	    "(at most "));
	assert_null(cfg.db_path);
	free(cause);
	relay_cfg_free(&cfg);
}

static void
test_a_key_given_twice_keeps_the_later_value(void **state)
{
	struct relay_cfg cfg;
	const struct relay_sender *s;
	wr_severity sev;

	(void)state;
	relay_cfg_defaults(&cfg);
	assert_null(load(&cfg,
	    "db = /first.db\n"
	    "db = /second.db\n"
	    "listen = 127.0.0.1:1\n"
	    "listen = [::1]:2\n"
	    "log = /a\n"
	    "log = /b\n"
	    "heartbeat = 1s\n"
	    "heartbeat = 3s\n"
	    "[sender am]\n"
	    "alertmanager = http://one:1/x\n"
	    "alertmanager = http://two:2/y\n"
	    "[sender am]\n"
	    "alertmanager = http://three:3\n"
	    "[severity]\n"
	    "critical = blocker\n"
	    "info = blocker\n"));
	assert_string_equal(cfg.db_path, "/second.db");
	assert_string_equal(cfg.listen_host, "::1");
	assert_int_equal(cfg.port, 2);
	assert_string_equal(cfg.log_path, "/b");
	assert_int_equal(cfg.heartbeat_ms, 3000);
	assert_int_equal(cfg.n_senders, 1);
	s = relay_cfg_sender(&cfg, "am");
	assert_string_equal(s->am_host, "three");
	assert_int_equal(s->am_port, 3);
	assert_string_equal(s->am_path, "/");
	assert_int_equal(cfg.severity.n, 1);
	assert_int_equal(wr_severity_word(&cfg.severity, "blocker", &sev), 0);
	assert_int_equal(sev, WR_SEV_INFO);
	/* A second file over the first: again the later wins. */
	assert_null(load(&cfg, "db = /third.db\n"));
	assert_string_equal(cfg.db_path, "/third.db");
	assert_string_equal(cfg.log_path, "/b");
	relay_cfg_free(&cfg);	/* nothing leaks: make SANITIZE=1 */
}

static void
test_a_missing_file_says_so(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL, want[160];

	(void)state;
	relay_cfg_defaults(&cfg);
	unlink(conf);
	assert_int_equal(relay_cfg_load(&cfg, conf, &cause), -1);
	snprintf(want, sizeof want, "cannot open config %s: No such file or "
	    "directory", conf);
	assert_string_equal(cause, want);
	free(cause);
	relay_cfg_free(&cfg);
}

/*
 * A CA bundle is read whole: a certificate after the first 256k (the
 * system's bundle is about that size) was cut off without a word, and a
 * file of only the cut-off part said "holds no PEM certificate".  One
 * larger than the limit is refused and says so.
 */
static void
test_a_large_ca_bundle_is_read_whole(void **state)
{
	struct relay_cfg cfg;
	char ca[128], *text, *cause;
	FILE *f;

	(void)state;
	snprintf(ca, sizeof ca, "%s/bundle.pem", dir);
	assert_non_null(f = fopen(ca, "w"));
	for (int i = 0; i < 300 * 1024 / 64; i++)
		fprintf(f, "# a comment line in a large bundle, %24d\n", i);
	fputs("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n"
	    "-----END CERTIFICATE-----\n", f);
	fclose(f);
	relay_cfg_defaults(&cfg);
	text = xasprintf("[notifier p]\ntype = webhook\n"
	    "url = https://example.test/\nusers = *\nca-file = %s\n", ca);
	cause = load(&cfg, text);
	free(text);
	if (cause != NULL)
		fail_msg("%s", cause);
	assert_int_equal(cfg.n_notifiers, 1);
	assert_int_equal(cfg.notifiers[0].n_ca, 1);
	relay_cfg_free(&cfg);
	/* over the limit: refused, by name */
	assert_non_null(f = fopen(ca, "w"));
	for (int i = 0; i < 5 * 1024 * 1024 / 64; i++)
		fprintf(f, "# a comment line in a huge file, %29d\n", i);
	fclose(f);
	relay_cfg_defaults(&cfg);
	text = xasprintf("[notifier p]\ntype = webhook\n"
	    "url = https://example.test/\nusers = *\nca-file = %s\n", ca);
	cause = load(&cfg, text);
	free(text);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "bundle.pem is larger than 4M"));
	free(cause);
	relay_cfg_free(&cfg);
	unlink(ca);
}

/* The command line and the file give the same reason for the same value. */
static void
test_command_line_and_file_share_one_setter(void **state)
{
	static const struct { const char *name, *value; } vals[] = {
		{ "heartbeat", "2k" }, { "listen", "[::1]:99999" },
		{ "body-limit", "-1" }, { "retention", "86400" },
		{ "drain-timeout", "0" }, { "frame-limit", "k" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		struct relay_cfg cfg;
		const struct relay_opt *o = relay_cfg_option(vals[i].name);
		char text[128], want[512], *why = NULL, *cause;

		assert_non_null(o);
		relay_cfg_defaults(&cfg);
		assert_int_equal(relay_cfg_set(&cfg, o, vals[i].value, &why),
		    -1);
		snprintf(text, sizeof text, "%s = %s\n", vals[i].name,
		    vals[i].value);
		cause = load(&cfg, text);
		snprintf(want, sizeof want, "%s:1: %s: %s", conf,
		    vals[i].name, why);
		assert_string_equal(cause, want);
		free(why);
		free(cause);
		relay_cfg_free(&cfg);
	}
}

static void
test_flags_on_the_command_line_take_no_value(void **state)
{
	struct relay_cfg cfg;
	char *why = NULL;

	(void)state;
	relay_cfg_defaults(&cfg);
	assert_int_equal(relay_cfg_set(&cfg, relay_cfg_option("no-auth"),
	    NULL, &why), 0);
	assert_int_equal(cfg.no_auth, 1);
	assert_int_equal(relay_cfg_set(&cfg, relay_cfg_option("no-auth"),
	    "off", &why), 0);
	assert_int_equal(cfg.no_auth, 0);
	assert_int_equal(relay_cfg_set(&cfg, relay_cfg_option("db"), NULL,
	    &why), -1);
	assert_string_equal(why, "no value (want PATH)");
	free(why);
	relay_cfg_free(&cfg);
}

static char *
check(const char *host, int no_auth, int non_loopback, const char *tokens)
{
	struct relay_cfg cfg;
	char *cause = NULL;

	relay_cfg_defaults(&cfg);
	util_set_str(&cfg.listen_host, host);
	cfg.no_auth = no_auth;
	cfg.no_auth_non_loopback = non_loopback;
	util_set_str(&cfg.tokens_path, tokens);
	if (relay_cfg_check(&cfg, &cause) == 0)
		cause = NULL;
	relay_cfg_free(&cfg);
	return cause;
}

static void
test_no_auth_off_loopback_needs_its_own_option(void **state)
{
	static const char *const loop[] = {
		"127.0.0.1", "127.1.2.3", "::1", "localhost",
	};
	static const char *const open[] = {
		"0.0.0.0", "::", "10.1.2.3", "192.168.0.1", "relay.example",
	};
	char *c;

	(void)state;
	for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++)
		assert_null(check(loop[i], 1, 0, NULL));
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
		char want[512];
		c = check(open[i], 1, 0, NULL);
		snprintf(want, sizeof want, "--no-auth on %s, which is not a "
		    "loopback address: anyone who can reach it could post "
		    "alerts and act in the war room; use --tokens, or give "
		    "--no-auth-non-loopback too if that is what you want",
		    open[i]);
		assert_non_null(c);
		assert_string_equal(c, want);
		free(c);
		assert_null(check(open[i], 1, 1, NULL));
		assert_null(check(open[i], 0, 0, "/etc/tokens"));
		/* --tokens wins over --no-auth: no open relay. */
		assert_null(check(open[i], 1, 0, "/etc/tokens"));
	}
	c = check("127.0.0.1", 0, 0, NULL);
	assert_non_null(c);
	assert_non_null(strstr(c, "no --tokens file given"));
	free(c);
}

static void
test_tls_cert_and_key_go_together(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL;

	(void)state;
	relay_cfg_defaults(&cfg);
	util_set_str(&cfg.tokens_path, "/t");
	util_set_str(&cfg.tls_cert, "/c");
	assert_int_equal(relay_cfg_check(&cfg, &cause), -1);
	assert_string_equal(cause, "--tls-cert and --tls-key go together");
	free(cause);
	util_set_str(&cfg.tls_key, "/k");
	assert_int_equal(relay_cfg_check(&cfg, &cause), 0);
	relay_cfg_free(&cfg);
}

static void
test_a_sender_must_name_an_ingest_token(void **state)
{
	struct relay_cfg cfg;
	struct token v[] = {
		{ "am-prod", "s1", TOKEN_ROLE_INGEST },
		{ "alice", "s2", TOKEN_ROLE_CONSOLE },
	};
	struct tokens t = { v, 2 };
	char *cause = NULL, want[256];

	(void)state;
	relay_cfg_defaults(&cfg);
	util_set_str(&cfg.tokens_path, "/etc/tokens");
	assert_null(load(&cfg, "[sender am-prod]\n"
	    "alertmanager = http://127.0.0.1:9093\n"));
	assert_int_equal(relay_cfg_check_senders(&cfg, &t, &cause), 0);
	assert_null(load(&cfg, "# again\n[sender alice]\n"
	    "alertmanager = http://127.0.0.1:9093\n"));
	assert_int_equal(relay_cfg_check_senders(&cfg, &t, &cause), -1);
	snprintf(want, sizeof want, "%s:2: [sender alice] names no token "
	    "with the ingest role in /etc/tokens", conf);
	assert_string_equal(cause, want);
	free(cause);
	relay_cfg_free(&cfg);

	/* A section with no keys is a sender too: its typo is caught. */
	relay_cfg_defaults(&cfg);
	util_set_str(&cfg.tokens_path, "/etc/tokens");
	assert_null(load(&cfg, "[sender am-prdo]\n"));
	assert_int_equal(cfg.n_senders, 1);
	assert_int_equal(relay_cfg_check_senders(&cfg, &t, &cause), -1);
	snprintf(want, sizeof want, "%s:1: [sender am-prdo] names no token "
	    "with the ingest role in /etc/tokens", conf);
	assert_string_equal(cause, want);
	free(cause);
	relay_cfg_free(&cfg);
}

/* Whether man has an ".It" line naming flag ("Fl -NAME" as a word). */
static int
man_has_item(const char *man, const char *flag)
{
	size_t fl = strlen(flag);

	for (const char *l = man; l != NULL && *l != '\0';) {
		const char *nl = strchr(l, '\n'), *p = l;
		const char *end = nl ? nl : l + strlen(l);
		if (strncmp(l, ".It ", 4) == 0) {
			while ((p = strstr(p, flag)) != NULL && p < end) {
				if (p + fl == end || p[fl] == ' ')
					return 1;
				p += fl;
			}
		}
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* Every option has its name, help and place, and warroomd(8) lists it
 * both as a flag and as a config key. */
static void
test_every_option_is_in_the_table_and_the_manual(void **state)
{
	size_t n;
	const struct relay_opt *t = relay_cfg_options(&n);
	FILE *f = fopen("man/warroomd.8", "r");
	char *man;
	long len;

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	man = xmalloc((size_t)len + 1);
	assert_int_equal(fread(man, 1, (size_t)len, f), (size_t)len);
	man[len] = '\0';
	fclose(f);
	assert_true(n >= 15);
	for (size_t i = 0; i < n; i++) {
		char flag[96], key[96];
		assert_non_null(t[i].help);
		assert_true((t[i].type == RELAY_OPT_FLAG) == (t[i].arg == NULL));
		assert_ptr_equal(relay_cfg_option(t[i].name), &t[i]);
		snprintf(flag, sizeof flag, "Fl -%s", t[i].name);
		snprintf(key, sizeof key, ".It Cm %s\n", t[i].name);
		if (!man_has_item(man, flag))
			fail_msg("warroomd(8) has no .It %s", flag);
		if (strstr(man, key) == NULL)
			fail_msg("warroomd(8) has no config key %s", t[i].name);
	}
	free(man);
}

/* What SIGHUP does with the options: the files read again, the command
 * line applied over them again, as at start. */
static void
test_a_reload_reads_the_files_again_and_the_command_line_still_wins(
    void **state)
{
	const char *files[1] = { conf };
	struct relay_cfg_arg args[2] = {
		{ relay_cfg_option("heartbeat"), (char *)"2s" },
		{ relay_cfg_option("no-auth"), NULL },
	};
	struct relay_cfg cfg, nc;
	char *cause = NULL;

	(void)state;
	write_conf("heartbeat = 5s\nretention = 30d\n");
	assert_int_equal(relay_cfg_build(&cfg, files, 1, args, 2, &cause), 0);
	assert_int_equal(cfg.heartbeat_ms, 2000);
	assert_int_equal(cfg.retention_ms, 30 * 86400000LL);
	assert_true(cfg.no_auth);
	write_conf("heartbeat = 7s\nretention = 60d\n"
	    "[schedule s]\ntimezone = UTC\n"
	    "[layer s.l]\nrotation = 1d\nstart = 2026-03-02T09:00\n"
	    "participants = a, b\n");
	assert_int_equal(relay_cfg_reload(&cfg, &nc, &cause), 0);
	assert_int_equal(nc.heartbeat_ms, 2000);	/* the command line */
	assert_int_equal(nc.retention_ms, 60 * 86400000LL);	/* the file */
	assert_true(nc.no_auth);
	assert_int_equal(nc.n_schedules, 1);
	assert_int_equal(cfg.n_schedules, 0);	/* the old one untouched */
	assert_int_equal(cfg.retention_ms, 30 * 86400000LL);
	relay_cfg_free(&nc);
	/* a bad file: refused with its line, as at start */
	write_conf("retention = 60d\nheartbeat = 2k\n");
	assert_int_equal(relay_cfg_reload(&cfg, &nc, &cause), -1);
	assert_non_null(cause);
	assert_true(strstr(cause, "relay.conf:2: heartbeat: ") != NULL);
	free(cause);
	relay_cfg_free(&nc);
	relay_cfg_free(&cfg);
	/* one not built from files and options has nothing to read again */
	relay_cfg_defaults(&cfg);
	cause = NULL;
	assert_int_equal(relay_cfg_reload(&cfg, &nc, &cause), -1);
	assert_non_null(cause);
	free(cause);
	relay_cfg_free(&nc);
	relay_cfg_free(&cfg);
}

/* The options a reload cannot change keep their old values, named. */
static void
test_a_reload_keeps_what_needs_a_restart(void **state)
{
	const char *files[1] = { conf };
	struct relay_cfg cfg, nc;
	char *cause = NULL, *kept;

	(void)state;
	write_conf("listen = 127.0.0.1:8470\ndb = /var/a.db\n"
	    "tokens = /etc/t\nretention = 30d\n");
	assert_int_equal(relay_cfg_build(&cfg, files, 1, NULL, 0, &cause), 0);
	write_conf("listen = [::1]:9000\ndb = /var/b.db\n"
	    "tokens = /etc/t\nretention = 60d\nverbose = true\n");
	assert_int_equal(relay_cfg_reload(&cfg, &nc, &cause), 0);
	kept = relay_cfg_keep_restart(&nc, &cfg);
	assert_non_null(kept);
	assert_string_equal(kept, "listen 127.0.0.1:8470 (the new "
	    "configuration says [::1]:9000), db /var/a.db (the new "
	    "configuration says /var/b.db), verbose off (the new "
	    "configuration says on)");
	free(kept);
	assert_string_equal(nc.listen_host, "127.0.0.1");
	assert_int_equal(nc.port, 8470);
	assert_string_equal(nc.db_path, "/var/a.db");
	assert_false(nc.verbose);
	assert_int_equal(nc.retention_ms, 60 * 86400000LL);	/* reloaded */
	/* nothing left to differ */
	assert_null(relay_cfg_keep_restart(&nc, &cfg));
	relay_cfg_free(&nc);
	relay_cfg_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_good_file_sets_every_option),
		cmocka_unit_test(test_each_kind_of_bad_line_is_refused_with_file_and_line),
		cmocka_unit_test(test_a_line_too_long_for_inih_is_refused_not_cut),
		cmocka_unit_test(test_a_key_given_twice_keeps_the_later_value),
		cmocka_unit_test(test_a_missing_file_says_so),
		cmocka_unit_test(test_command_line_and_file_share_one_setter),
		cmocka_unit_test(test_flags_on_the_command_line_take_no_value),
		cmocka_unit_test(test_no_auth_off_loopback_needs_its_own_option),
		cmocka_unit_test(test_tls_cert_and_key_go_together),
		cmocka_unit_test(test_a_sender_must_name_an_ingest_token),
		cmocka_unit_test(test_every_option_is_in_the_table_and_the_manual),
		cmocka_unit_test(test_a_reload_reads_the_files_again_and_the_command_line_still_wins),
		cmocka_unit_test(test_a_reload_keeps_what_needs_a_restart),
		cmocka_unit_test(test_a_large_ca_bundle_is_read_whole),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
