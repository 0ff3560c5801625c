/*
 * test_cli_config.c: cmocka tests for cli/config.c, the console's config
 * file: read by the same INI reader as warroomd's (core/inifile.c), with
 * the file and line in every refusal, and a key given twice keeping the
 * later value without leaking the first (run under make SANITIZE=1).
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

#include "cli/cli.h"

static char dir[64];
static char conf[96];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/wr-clicfg.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(conf, sizeof conf, "%s/config", dir);
	unsetenv("WARROOM_FEED");
	unsetenv("WARROOM_TOKEN_FILE");
	unsetenv("WARROOM_DB");
	unsetenv("WARROOM_USER");
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

static char *
load(struct cli_opts *o, const char *text)
{
	FILE *f = fopen(conf, "w");
	char *cause = NULL;

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	cli_opts_init(o);
	if (cli_config_load(o, conf, &cause) == 0)
		return NULL;
	assert_non_null(cause);
	return cause;
}

static void
test_every_key_is_read(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_null(load(&o,
	    "# ~/.config/warroom/config\n"
	    "feed = wss://relay.example.net:8470/feed\n"
	    "token-file = /home/alice/.config/warroom/token   # comment\n"
	    "  db = /home/alice/warroom.db\n"
	    "user = alice\n"
	    "theme = night\r\n"
	    "quiet = yes\n"
	    "utc = true\n"
	    "log = /tmp/warroom.log\n"
	    "backoff-cap = 5000\n"));
	assert_string_equal(o.feed, "wss://relay.example.net:8470/feed");
	assert_string_equal(o.token_file, "/home/alice/.config/warroom/token");
	assert_string_equal(o.db, "/home/alice/warroom.db");
	assert_string_equal(o.user, "alice");
	assert_string_equal(o.theme, "night");
	assert_int_equal(o.quiet, 1);
	assert_int_equal(o.utc, 1);
	assert_string_equal(o.log_file, "/tmp/warroom.log");
	assert_int_equal(o.backoff_cap_ms, 5000);
}

static void
test_a_key_given_twice_keeps_the_later_value(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_null(load(&o,
	    "feed = ws://one:1/feed\n"
	    "feed = ws://two:2/feed\n"
	    "user = a\nuser = b\nuser = c\n"
	    "quiet = on\nquiet = off\n"));
	assert_string_equal(o.feed, "ws://two:2/feed");
	assert_string_equal(o.user, "c");
	assert_int_equal(o.quiet, 0);
	/* Loading again replaces, and frees, what the first load kept. */
	assert_null(load(&o, "feed = ws://three:3/feed\n"));
	assert_string_equal(o.feed, "ws://three:3/feed");
}

static void
test_the_environment_wins_over_the_file(void **state)
{
	struct cli_opts o;

	(void)state;
	setenv("WARROOM_USER", "envuser", 1);
	assert_null(load(&o, "user = fileuser\n"));
	assert_string_equal(o.user, "envuser");
	unsetenv("WARROOM_USER");
}

static const struct {
	const char *text, *want;
} bad[] = {
	{ "feed = x\nfed = y\n", "2: unknown setting \"fed\" (known: feed, "
	    "token-file, db, user, theme, quiet, utc, log, backoff-cap, "
	    "postmortem-template)" },
	{ "\n\nquiet = maybe\n", "3: quiet: 'maybe' is not true or false "
	    "(use true, false, yes, no, on, off, 1 or 0)" },
	{ "backoff-cap = 30s\n",
	    "1: backoff-cap: '30s' is not a whole number" },
	{ "backoff-cap = 0\n",
	    "1: backoff-cap: '0' is out of range (1 to 1073741823)" },
	{ "user\n", "1: expected KEY = VALUE or [SECTION]" },
	{ "feed =\n", "1: feed: no value" },
	{ "[console]\nfeed = x\n", "1: unknown section [console] (the "
	    "console's config has only key = value lines)" },
};

static void
test_a_bad_line_is_refused_with_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cli_opts o;
		char want[512], *cause = load(&o, bad[i].text);

		snprintf(want, sizeof want, "%s:%s", conf, bad[i].want);
		if (cause == NULL || strcmp(cause, want) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i,
			    cause ? cause : "(null)", want);
		free(cause);
	}
}

static void
test_a_missing_file_is_fine(void **state)
{
	struct cli_opts o;
	char *cause = NULL;

	(void)state;
	cli_opts_init(&o);
	unlink(conf);
	assert_int_equal(cli_config_load(&o, conf, &cause), 0);
	assert_null(cause);
	assert_int_equal(cli_config_load(&o, NULL, &cause), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_is_read),
		cmocka_unit_test(test_a_key_given_twice_keeps_the_later_value),
		cmocka_unit_test(test_the_environment_wins_over_the_file),
		cmocka_unit_test(test_a_bad_line_is_refused_with_file_and_line),
		cmocka_unit_test(test_a_missing_file_is_fine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
