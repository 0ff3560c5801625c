/*
 * test_replay.c: cmocka tests for relay/replay.c's scenario parser
 * (warroom-scenario(5)), from memory: the values fuzzing found undefined
 * behaviour in ("at": 1e303, "@9223372036854775807") and the ordinary
 * lines around them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay/relay-int.h"

#define START 1767225600000LL	/* 2026-01-01T00:00:00Z */

#define EV2(at, starts) "{\"at\":" at ",\"source\":\"alertmanager\"," \
	"\"body\":{\"startsAt\":\"" starts "\"}}\n"

static void
refused(const char *text, const char *want)
{
	struct relay_replay *p = NULL;
	char *cause = NULL;

	assert_int_equal(relay_replay_parse("s.jsonl", text, strlen(text), &p,
	    &cause), -1);
	assert_null(p);
	assert_string_equal(cause, want);
	free(cause);
}

/* The body of a one-line scenario as played at START. */
static char *
played(const char *text)
{
	struct relay_replay *p = NULL;
	char *cause = NULL, *body;
	int am = 0;

	assert_int_equal(relay_replay_parse("s.jsonl", text, strlen(text), &p,
	    &cause), 0);
	assert_int_equal(relay_replay_lines(p), 1);
	body = relay_replay_body(p, 0, START, &am);
	assert_non_null(body);
	assert_int_equal(am, 1);
	relay_replay_free(p);
	return body;
}

#define NOTE(text) "{\"at\":1,\"op\":\"note\",\"actor\":\"maya\"," \
	"\"source\":\"alertmanager\",\"key\":\"k\",\"text\":" text "}\n"

/* An op line is decoded as the op a console sends: its arguments by their
 * wire names, refused at load with the codec's reason and the line, "@N"
 * times retimed; a schedule-wide op names no incident. */
static void
test_op_lines_are_decoded_as_a_consoles_ops(void **state)
{
	struct relay_replay *p = NULL;
	struct proto_op op;
	char *cause = NULL, err[256];
	const char *text = NOTE("\"rolling back\"")
	    "{\"at\":2,\"op\":\"assign\",\"actor\":\"maya\","
	    "\"source\":\"alertmanager\",\"key\":\"k\",\"text\":\"sam\"}\n"
	    "{\"at\":3,\"op\":\"override\",\"actor\":\"sam\","
	    "\"schedule\":\"primary\",\"person\":\"sam\","
	    "\"from\":\"@0\",\"until\":\"@7200\"}\n";

	(void)state;
	assert_int_equal(relay_replay_parse("s.jsonl", text, strlen(text), &p,
	    &cause), 0);
	assert_int_equal(relay_replay_lines(p), 3);
	assert_int_equal(relay_replay_op(p, 0, START, 4, "E", &op, err,
	    sizeof err), 0);
	assert_int_equal(op.kind, WR_OP_NOTE);
	assert_int_equal(op.incident, 4);
	assert_string_equal(op.epoch, "E");
	assert_string_equal(op.actor, "maya");
	assert_string_equal(op.args.text, "rolling back");
	assert_true(proto_op_id_valid(op.op_id));
	proto_op_free(&op);
	assert_int_equal(relay_replay_op(p, 1, START, 4, "E", &op, err,
	    sizeof err), 0);
	assert_int_equal(op.kind, WR_OP_ASSIGN);
	assert_string_equal(op.args.text, "sam");
	proto_op_free(&op);
	assert_int_equal(relay_replay_op(p, 2, START, 0, "E", &op, err,
	    sizeof err), 0);
	assert_int_equal(op.kind, WR_OP_OVERRIDE);
	assert_int_equal(op.incident, 0);
	assert_string_equal(op.args.schedule, "primary");
	assert_string_equal(op.args.person, "sam");
	assert_int_equal(op.args.from, START);
	assert_int_equal(op.args.until, START + 7200 * 1000LL);
	proto_op_free(&op);
	relay_replay_free(p);

	/* what the codec refuses, the scenario does, at its line */
	refused("\n" NOTE("\"\""), "s.jsonl:2: text: must not be empty");
	refused(NOTE("42"), "s.jsonl:1: text: must be a string");
	refused("{\"at\":1,\"op\":\"ack\",\"actor\":\"maya\"}\n",
	    "s.jsonl:1: an op line needs op and actor, and an incident's op "
	    "its source and key");
	refused("{\"at\":1,\"op\":\"override\",\"actor\":\"sam\","
	    "\"schedule\":\"primary\",\"person\":\"sam\",\"from\":\"@0\"}\n",
	    "s.jsonl:1: until: missing");
}

static void
test_an_at_beyond_a_year_is_refused(void **state)
{
	(void)state;
	/* 1e303 s in ms was cast to int64: undefined behaviour. */
	refused(EV2("1e303", "@0"), "s.jsonl:1: \"at\" must be a number of "
	    "seconds from 0 to 31622400 (a year)");
	refused("# c\n\n" EV2("31622400.5", "@0"), "s.jsonl:3: \"at\" must "
	    "be a number of seconds from 0 to 31622400 (a year)");
	refused(EV2("-1", "@0"), "s.jsonl:1: \"at\" must be a number of "
	    "seconds from 0 to 31622400 (a year)");
	free(played(EV2("31622400", "@0")));
}

static void
test_an_offset_that_overflows_is_left_as_it_is(void **state)
{
	char *b;

	(void)state;
	/* n * 1000 overflowed int64: undefined behaviour. */
	b = played(EV2("1", "@9223372036854775807"));
	assert_string_equal(b, "{\"startsAt\":\"@9223372036854775807\"}");
	free(b);
	b = played(EV2("1", "@-99999999999999"));
	assert_string_equal(b, "{\"startsAt\":\"@-99999999999999\"}");
	free(b);
	b = played(EV2("1", "@-60"));
	assert_string_equal(b, "{\"startsAt\":\"2025-12-31T23:59:00.000Z\"}");
	free(b);
	b = played(EV2("0.5", "@3600"));
	assert_string_equal(b, "{\"startsAt\":\"2026-01-01T01:00:00.000Z\"}");
	free(b);
}

static void
test_lines_without_a_newline_and_with_crlf_parse(void **state)
{
	const char *t = "{\"at\":1,\"op\":\"ack\",\"actor\":\"m\","
	    "\"source\":\"alertmanager\",\"key\":\"k\"}\r\n"
	    "{\"at\":2,\"source\":\"events-v2\",\"body\":{}}";
	struct relay_replay *p = NULL;
	char *cause = NULL;
	int am = 1;
	char *b;

	(void)state;
	assert_int_equal(relay_replay_parse("s.jsonl", t, strlen(t), &p,
	    &cause), 0);
	assert_int_equal(relay_replay_lines(p), 2);
	assert_null(relay_replay_body(p, 0, START, &am));	/* an op */
	b = relay_replay_body(p, 1, START, &am);
	assert_string_equal(b, "{}");
	assert_int_equal(am, 0);
	free(b);
	relay_replay_free(p);
	refused("{\"at\":1}\n", "s.jsonl:1: a line needs \"source\" and "
	    "\"body\", or \"op\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_lines_are_decoded_as_a_consoles_ops),
		cmocka_unit_test(test_an_at_beyond_a_year_is_refused),
		cmocka_unit_test(test_an_offset_that_overflows_is_left_as_it_is),
		cmocka_unit_test(test_lines_without_a_newline_and_with_crlf_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
