/*
 * test_notify.c: cmocka tests for the notifiers: their [notifier NAME]
 * sections (relay/config.c), every refusal with the file and line an
 * operator reads, and the bodies they deliver (relay/notify.c): warroom's
 * JSON and Slack's incoming-webhook shape, compared whole with the text
 * documented in warroomd(8), hostile text escaped for each.
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

#include <jansson.h>

#include "core/util.h"
#include "relay/config.h"
#include "relay/notify.h"

#include "tests/relay_cfg_file.h"

static void
test_notifier_sections_are_read_whole(void **state)
{
	struct relay_cfg cfg;
	const struct relay_notifier *n;
	char *cause = NULL;

	(void)state;
	if (load(&cfg,
	    "[notifier pager]\n"
	    "type = command\n"
	    "command = /usr/local/bin/page --urgent\n"
	    "users = *\n"
	    "\n"
	    "[notifier chat]\n"
	    "type = webhook\n"
	    "url = https://hooks.slack.example/services/T0/B0/XyZ\n"
	    "format = slack\n"
	    "users = alice, bob ,carol\n"
	    "timeout = 5s\n"
	    "retry = 10s\n"
	    "retries = 2\n"
	    "[notifier hook]\n"
	    "type = webhook\n"
	    "url = http://[::1]:8080?k=v\n"
	    "users = dave\n", &cause) != 0)
		fail_msg("refused: %s", cause);
	assert_int_equal(cfg.n_notifiers, 3);

	n = relay_cfg_notifier(&cfg, "pager");
	assert_non_null(n);
	assert_int_equal(n->type, RELAY_NOTIFIER_COMMAND);
	assert_string_equal(n->command, "/usr/local/bin/page --urgent");
	assert_int_equal(n->all_users, 1);
	assert_true(relay_cfg_notifier_serves(n, "anyone"));
	assert_false(relay_cfg_notifier_serves(n, ""));
	/* the defaults */
	assert_true(n->timeout_ms == 10000);
	assert_true(n->retry_ms == 30000);
	assert_int_equal(n->retries, 4);

	n = relay_cfg_notifier(&cfg, "chat");
	assert_non_null(n);
	assert_int_equal(n->type, RELAY_NOTIFIER_WEBHOOK);
	assert_int_equal(n->slack, 1);
	assert_int_equal(n->url_tls, 1);
	assert_string_equal(n->url_host, "hooks.slack.example");
	assert_int_equal(n->url_port, 443);
	assert_string_equal(n->url_path, "/services/T0/B0/XyZ");
	assert_int_equal(n->n_users, 3);
	assert_true(relay_cfg_notifier_serves(n, "bob"));
	assert_true(relay_cfg_notifier_serves(n, "carol"));
	assert_false(relay_cfg_notifier_serves(n, "dave"));
	assert_true(n->timeout_ms == 5000);
	assert_true(n->retry_ms == 10000);
	assert_int_equal(n->retries, 2);

	n = relay_cfg_notifier(&cfg, "hook");
	assert_non_null(n);
	assert_int_equal(n->slack, 0);
	assert_int_equal(n->url_tls, 0);
	assert_string_equal(n->url_host, "::1");
	assert_int_equal(n->url_port, 8080);
	assert_string_equal(n->url_path, "/?k=v");
	assert_null(relay_cfg_notifier(&cfg, "nope"));
	relay_cfg_free(&cfg);
}

static void
test_bad_notifiers_are_refused_at_their_line(void **state)
{
	static const struct cfg_refusal bad[] = {
		{ "[notifier p]\ntype = pigeon\n", 2,
		    "[notifier p] type: \"pigeon\" is not webhook or command" },
		{ "[notifier p]\nusers = *\n", 1,
		    "[notifier p]: no type (type = webhook or type = command)" },
		{ "[notifier p]\ntype = webhook\nusers = *\n", 1,
		    "[notifier p]: a webhook without url =" },
		{ "[notifier p]\ntype = command\nusers = *\n", 1,
		    "[notifier p]: a command notifier without command =" },
		{ "[notifier p]\ntype = command\ncommand = /bin/true\n", 1,
		    "[notifier p]: no users (users = alice, bob or users = *)" },
		{ "[notifier p]\ntype = command\ncommand = /bin/true\nurl = "
		    "http://x/\nusers = *\n", 1,
		    "a command notifier has command =, not url =" },
		{ "[notifier p]\ntype = webhook\nurl = http://x/\ncommand = "
		    "/bin/true\nusers = *\n", 1,
		    "a webhook has url =, not command =" },
		{ "[notifier p]\nurl = ftp://x/\n", 2,
		    "[notifier p] url: not an http:// or https:// URL" },
		{ "[notifier p]\nurl = http://user:pw@x/\n", 2,
		    "[notifier p] url: user:password@ does not belong" },
		{ "[notifier p]\nurl = http://x/#frag\n", 2,
		    "[notifier p] url: no fragment" },
		{ "[notifier p]\nurl = http://x:99999/\n", 2,
		    "port out of range" },
		{ "[notifier p]\nformat = xml\n", 2,
		    "[notifier p] format: \"xml\" is not json or slack" },
		{ "[notifier p]\nusers = alice, , bob\n", 2,
		    "[notifier p] users: an empty name in the list" },
		{ "[notifier p]\nusers = alice bob\n", 2,
		    "[notifier p] users: 'alice bob' is not one name" },
		{ "[notifier p]\nusers = alice, *\n", 2,
		    "[notifier p] users: '*' is not one name" },
		{ "[notifier p]\ntimeout = forever\n", 2,
		    "[notifier p] timeout:" },
		{ "[notifier p]\ntimeout = 1h\n", 2, "[notifier p] timeout:" },
		{ "[notifier p]\nretry = 0s\n", 2, "[notifier p] retry:" },
		{ "[notifier p]\nretries = 99\n", 2, "[notifier p] retries:" },
		{ "[notifier p]\nshout = yes\n", 2,
		    "[notifier p]: unknown key 'shout'" },
		{ "[notifier p]\ntype = command\ncommand = a\nusers = *\n"
		    "[notifier p]\n", 5,
		    "[notifier p] is defined twice (first at " },
		{ "[notifier]\n", 1, "[notifier] needs a name" },
		{ "[notifier pa ger]\n", 1, "a notifier's name is one word" },
		{ "[notifier p]\nca-file = /nonexistent/ca.pem\n", 2,
		    "[notifier p] ca-file: /nonexistent/ca.pem: No such file" },
		{ "[notifier p]\nca-file = /dev/null\n", 2,
		    "[notifier p] ca-file: /dev/null holds no PEM certificate" },
		{ "[notifier p]\ntype = command\ncommand = a\nusers = *\n"
		    "url = http://x/\n", 1, "not url =, format = or ca-file =" },
		{ "[notifier p]\ncommand = a\tb\n", 2,
		    "[notifier p] command: a control character" },
	};

	(void)state;
	expect_refused(bad, sizeof bad / sizeof bad[0]);
}

/* A webhook URL's path is often its secret: a refusal never quotes it. */
static void
test_a_refused_url_never_quotes_its_path(void **state)
{
	struct relay_cfg cfg;
	char *cause = NULL;

	(void)state;
	assert_int_equal(load(&cfg, "[notifier p]\nurl = "
	    "https://hooks.example:0x/services/T0/B0/s3cr3t\n", &cause), -1);
	assert_non_null(strstr(cause, "the port is not a number"));
	assert_null(strstr(cause, "s3cr3t"));
	free(cause);
	relay_cfg_free(&cfg);
	assert_int_equal(load(&cfg, "[notifier p]\nurl = "
	    "https://hooks.example/services/s3cr3t\001\n", &cause), -1);
	assert_null(strstr(cause, "s3cr3t"));
	free(cause);
	relay_cfg_free(&cfg);
}

/* 2026-03-02T09:00:00Z and 17:00 */
#define T0	1772442000000LL
#define T1	1772470800000LL

static void
test_page_json_is_the_documented_body(void **state)
{
	struct relay_notify_msg m = {
		.kind = RELAY_NOTIFY_PAGE, .notifier = "pager",
		.person = "alice", .attempt = 2, .time = T0, .incident = 12,
		.title = "checkout 5xx rate", .service = "checkout",
		.severity = "critical", .state = "triggered",
		.why = "escalated, step 2 of 3"
	};
	char *j;

	(void)state;
	j = relay_notify_json(&m);
	assert_string_equal(j,
	    "{\"version\":1,\"kind\":\"page\",\"person\":\"alice\","
	    "\"notifier\":\"pager\",\"attempt\":2,"
	    "\"time\":\"2026-03-02T09:00:00.000Z\","
	    "\"why\":\"escalated, step 2 of 3\","
	    "\"incident\":{\"id\":12,\"title\":\"checkout 5xx rate\","
	    "\"service\":\"checkout\",\"severity\":\"critical\","
	    "\"state\":\"triggered\"}}");
	free(j);
}

static void
test_handoff_json_is_the_documented_body(void **state)
{
	struct relay_notify_msg on = {
		.kind = RELAY_NOTIFY_ON_CALL, .notifier = "pager",
		.person = "bob", .attempt = 1, .time = T0 - 15 * 60000,
		.schedule = "primary", .from = T0, .until = T1
	}, off = {
		.kind = RELAY_NOTIFY_OFF_CALL, .notifier = "pager",
		.person = "alice", .attempt = 1, .time = T0,
		.schedule = "primary", .from = INT64_MIN, .until = T0,
		.next = "bob"
	};
	char *j;

	(void)state;
	j = relay_notify_json(&on);
	assert_string_equal(j,
	    "{\"version\":1,\"kind\":\"on_call\",\"person\":\"bob\","
	    "\"notifier\":\"pager\",\"attempt\":1,"
	    "\"time\":\"2026-03-02T08:45:00.000Z\",\"schedule\":\"primary\","
	    "\"from\":\"2026-03-02T09:00:00.000Z\","
	    "\"until\":\"2026-03-02T17:00:00.000Z\"}");
	free(j);
	j = relay_notify_json(&off);
	assert_string_equal(j,
	    "{\"version\":1,\"kind\":\"off_call\",\"person\":\"alice\","
	    "\"notifier\":\"pager\",\"attempt\":1,"
	    "\"time\":\"2026-03-02T09:00:00.000Z\",\"schedule\":\"primary\","
	    "\"from\":null,\"until\":\"2026-03-02T09:00:00.000Z\","
	    "\"next\":\"bob\"}");
	free(j);
	off.next = NULL;	/* a gap follows */
	j = relay_notify_json(&off);
	assert_non_null(strstr(j, "\"next\":null}"));
	free(j);
}

static void
test_page_slack_is_slacks_shape(void **state)
{
	struct relay_notify_msg m = {
		.kind = RELAY_NOTIFY_PAGE, .notifier = "chat",
		.person = "alice", .attempt = 1, .time = T0, .incident = 12,
		.title = "checkout 5xx rate", .service = "checkout",
		.severity = "critical", .state = "triggered",
		.why = "escalated, step 2 of 3"
	};
	char *j;

	(void)state;
	j = relay_notify_slack(&m);
	assert_string_equal(j,
	    "{\"text\":\"#12 checkout 5xx rate (checkout, critical): paging "
	    "alice, escalated, step 2 of 3\",\"blocks\":["
	    "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
	    "\"text\":\"*#12 checkout 5xx rate*\\ncheckout, critical, "
	    "triggered. Paging alice: escalated, step 2 of 3.\","
	    "\"verbatim\":true}},"
	    "{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\","
	    "\"text\":\"warroom, notifier chat, attempt 1, 2026-03-02 09:00 "
	    "UTC\",\"verbatim\":true}]}]}");
	free(j);
}

/* The hostile fixture's tricks: a terminal escape, a newline, Slack's
 * own markup, ill-formed UTF-8, a quote and a backslash. */
#define HOSTILE	"x\033]0;owned\007\n<!channel> & <@U1|boss> \"q\" \\ \xff\xc3("

static void
test_hostile_text_is_escaped_in_json(void **state)
{
	struct relay_notify_msg m = {
		.kind = RELAY_NOTIFY_PAGE, .notifier = "pager",
		.person = "alice", .attempt = 1, .time = T0, .incident = 1,
		.title = HOSTILE, .service = "s", .severity = "info",
		.state = "triggered", .why = NULL
	};
	json_t *o;
	json_error_t e;
	char *j;

	(void)state;
	j = relay_notify_json(&m);
	/* valid JSON, the controls escaped, the bad bytes U+FFFD */
	o = json_loads(j, 0, &e);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    o, "incident"), "title")), "x\033]0;owned\007\n<!channel> & "
	    "<@U1|boss> \"q\" \\ \xef\xbf\xbd\xef\xbf\xbd(");
	assert_string_equal(json_string_value(json_object_get(o, "why")), "");
	assert_null(strchr(j, '\033'));
	assert_null(strchr(j, '\n'));
	assert_non_null(strstr(j, "\\u001B]0;owned\\u0007\\n"));
	json_decref(o);
	free(j);
}

static void
test_hostile_text_is_escaped_for_slack(void **state)
{
	struct relay_notify_msg m = {
		.kind = RELAY_NOTIFY_PAGE, .notifier = "chat",
		.person = "<!here>", .attempt = 1, .time = T0, .incident = 1,
		.title = HOSTILE, .service = "s", .severity = "info",
		.state = "triggered", .why = "a & b"
	};
	json_t *o, *blocks;
	json_error_t e;
	const char *text, *section;
	char *j;

	(void)state;
	j = relay_notify_slack(&m);
	o = json_loads(j, 0, &e);
	assert_non_null(o);
	text = json_string_value(json_object_get(o, "text"));
	blocks = json_object_get(o, "blocks");
	section = json_string_value(json_object_get(json_object_get(
	    json_array_get(blocks, 0), "text"), "text"));
	/* drawn as the console draws it: ESC, BEL and LF as tokens */
	assert_string_equal(text, "#1 x^[]0;owned^G^J&lt;!channel&gt; &amp; "
	    "&lt;@U1|boss&gt; \"q\" \\ \xef\xbf\xbd\xef\xbf\xbd( (s, info): "
	    "paging &lt;!here&gt;, a &amp; b");
	/* no mention, no link, no control byte survives anywhere */
	assert_null(strstr(j, "<!"));
	assert_null(strstr(j, "<@"));
	assert_null(strchr(j, '\033'));
	assert_non_null(strstr(section, "*#1 x^[]0;owned^G^J&lt;!channel&gt;"));
	/* the one line break is ours, between headline and detail */
	assert_non_null(strchr(section, '\n'));
	assert_null(strchr(strchr(section, '\n') + 1, '\n'));
	json_decref(o);
	free(j);
	/* a bidi override would show a phone's notification reversed */
	m.title = "svc\xe2\x80\xae" "evil";
	j = relay_notify_slack(&m);
	assert_null(strstr(j, "\xe2\x80\xae"));
	assert_non_null(strstr(j, "svc&lt;U+202E&gt;evil"));
	free(j);
}

static void
test_long_text_is_bounded_at_a_character(void **state)
{
	char title[5000];
	struct relay_notify_msg m = {
		.kind = RELAY_NOTIFY_PAGE, .notifier = "pager",
		.person = "alice", .attempt = 1, .time = T0, .incident = 1,
		.service = "s", .severity = "info", .state = "triggered"
	};
	json_t *o;
	json_error_t e;
	const char *t;
	char *j;

	(void)state;
	/* "é" (2 bytes) 2,499 times: the cut falls inside none of them */
	for (size_t i = 0; i + 2 < sizeof title; i += 2)
		memcpy(title + i, "\xc3\xa9", 2);
	title[sizeof title - 2] = '\0';
	m.title = title;
	j = relay_notify_json(&m);
	o = json_loads(j, 0, &e);
	assert_non_null(o);
	t = json_string_value(json_object_get(json_object_get(o, "incident"),
	    "title"));
	assert_int_equal(strlen(t), 1024);
	json_decref(o);
	free(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_notifier_sections_are_read_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bad_notifiers_are_refused_at_their_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_refused_url_never_quotes_its_path, setup, teardown),
		cmocka_unit_test(test_page_json_is_the_documented_body),
		cmocka_unit_test(test_handoff_json_is_the_documented_body),
		cmocka_unit_test(test_page_slack_is_slacks_shape),
		cmocka_unit_test(test_hostile_text_is_escaped_in_json),
		cmocka_unit_test(test_hostile_text_is_escaped_for_slack),
		cmocka_unit_test(test_long_text_is_bounded_at_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
