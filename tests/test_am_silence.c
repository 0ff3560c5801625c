/*
 * test_am_silence.c: cmocka tests for net/am-silence.c on Alertmanager
 * 0.25's real answers (tests/fixtures/alertmanager-real/api-v2-silence*):
 * the POST body the relay sends, the ids and silences it reads back, and
 * hostile answers refused or bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/model.h"
#include "core/silence.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/am-silence.h"
#include "tests/slurp.h"

#define FIX "tests/fixtures/alertmanager-real/"

/* What Alertmanager is sent: equality matchers, the person, the comment. */
static void
test_post_body_has_equality_matchers_creator_and_end(void **state)
{
	struct wr_kvlist m = { 0 };
	json_t *o, *ms;
	char *body;
	int64_t starts = 1795795028771LL;

	(void)state;
	wr_kvlist_add(&m, "alertname", "EdgeNodeDown");
	wr_kvlist_add(&m, "job", "a\"b\\c\n");
	body = am_silence_post_body(&m, starts, starts + 7200000, "alice",
	    "warroom #12: rolling restart");
	assert_non_null(body);
	o = json_loads(body, 0, NULL);
	assert_non_null(o);
	ms = json_object_get(o, "matchers");
	assert_int_equal(json_array_size(ms), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(ms, 1), "value")), "a\"b\\c\n");
	assert_true(json_is_false(json_object_get(json_array_get(ms, 0),
	    "isRegex")));
	assert_true(json_is_true(json_object_get(json_array_get(ms, 0),
	    "isEqual")));
	assert_string_equal(json_string_value(json_object_get(o, "createdBy")),
	    "alice");
	assert_string_equal(json_string_value(json_object_get(o, "endsAt")),
	    "2026-11-27T17:57:08.771Z");
	assert_string_equal(json_string_value(json_object_get(o, "comment")),
	    "warroom #12: rolling restart");
	json_decref(o);
	free(body);
	/* not UTF-8: nothing is sent */
	assert_null(am_silence_post_body(&m, starts, starts + 1, "\xff",
	    ""));
	wr_kvlist_free(&m);
}

static void
test_reads_the_real_answers(void **state)
{
	struct am_silence s;
	char err[160], *id, *body;
	size_t len;

	(void)state;
	body = slurp(FIX "api-v2-silences-post-answer.json", &len);
	assert_int_equal(am_silence_parse_created(body, len, &id, err,
	    sizeof err), 0);
	assert_string_equal(id, "8950bbce-0c9b-4403-8bd2-2292ef2ffb3f");
	free(id);
	free(body);

	body = slurp(FIX "api-v2-silence-active.json", &len);
	assert_int_equal(am_silence_parse(body, len, &s, err, sizeof err), 0);
	assert_string_equal(s.state, "active");
	assert_string_equal(s.created_by, "alice");
	assert_string_equal(s.matchers,
	    "alertname=\"EdgeNodeDown\", service=\"edge\"");
	assert_true(s.ends > s.starts);
	am_silence_free(&s);
	free(body);

	body = slurp(FIX "api-v2-silence-expired.json", &len);
	assert_int_equal(am_silence_parse(body, len, &s, err, sizeof err), 0);
	assert_string_equal(s.state, "expired");
	am_silence_free(&s);
	free(body);

	body = slurp(FIX "api-v2-silences-post-422.json", &len);
	am_silence_error_text(body, len, err, sizeof err);
	assert_string_equal(err, "matchers in body should have at least 1 "
	    "items");
	free(body);
}

/* An answer is hostile: ids that could change a path, wrong types,
 * duplicate keys, too much, controls in an error text. */
static void
test_hostile_answers_are_refused_or_bounded(void **state)
{
	static const char *bad_created[] = {
		"{\"silenceID\": \"../../alerts\"}",
		"{\"silenceID\": \"a b\"}",
		"{\"silenceID\": \"\"}",
		"{\"silenceID\": 7}",
		"{\"silenceID\": \"a\", \"silenceID\": \"b\"}",
		"[\"a\"]",
		"{\"silenceID\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		"not json",
	};
	static const char *bad_silence[] = {
		"{\"id\":\"x\",\"status\":{\"state\":\"gone\"},\"startsAt\":"
		    "\"2026-01-01T00:00:00Z\",\"endsAt\":\"2026-01-01T01:00:00Z\","
		    "\"matchers\":[]}",
		"{\"id\":\"x\",\"status\":{\"state\":\"active\"},\"startsAt\":"
		    "\"2026-01-01T00:00:00Z\",\"endsAt\":\"soon\",\"matchers\":[]}",
		"{\"id\":\"x\",\"status\":{\"state\":\"active\"},\"startsAt\":"
		    "\"2026-01-01T00:00:00Z\",\"endsAt\":\"2026-01-01T01:00:00Z\","
		    "\"matchers\":[{\"name\":\"bad name\",\"value\":\"v\","
		    "\"isRegex\":false}]}",
		"{\"id\":\"x/y\",\"status\":{\"state\":\"active\"}}",
	};
	struct am_silence s;
	char err[160], *id;

	(void)state;
	for (size_t i = 0; i < sizeof bad_created / sizeof *bad_created; i++) {
		id = NULL;
		if (am_silence_parse_created(bad_created[i],
		    strlen(bad_created[i]), &id, err, sizeof err) != -1)
			fail_msg("taken: %s", bad_created[i]);
		assert_null(id);
	}
	for (size_t i = 0; i < sizeof bad_silence / sizeof *bad_silence; i++)
		if (am_silence_parse(bad_silence[i], strlen(bad_silence[i]), &s,
		    err, sizeof err) != -1)
			fail_msg("taken: %s", bad_silence[i]);
	/* a regex matcher, edited at Alertmanager: written as it is */
	{
		const char *re = "{\"id\":\"x\",\"status\":{\"state\":\"active\"},"
		    "\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":"
		    "\"2026-01-01T01:00:00Z\",\"matchers\":[{\"name\":\"pop\","
		    "\"value\":\"am.*\",\"isRegex\":true,\"isEqual\":true},"
		    "{\"name\":\"env\",\"value\":\"prod\",\"isRegex\":false,"
		    "\"isEqual\":false}]}";

		assert_int_equal(am_silence_parse(re, strlen(re), &s, err,
		    sizeof err), 0);
		assert_string_equal(s.matchers, "pop=~\"am.*\", env!=\"prod\"");
		am_silence_free(&s);
	}
	am_silence_error_text("\"bad \x1b[31m thing\"", 19, err, sizeof err);
	assert_null(strchr(err, '\x1b'));
	/* Alertmanager 0.25's 400 is a bare JSON string: its text, decoded
	 * (it was shown as JSON, quotes and escapes and all), controls and
	 * non-ASCII as '?', bounded */
	{
		static const char am400[] = "\"silence invalid: at least one "
		    "matcher must not match the empty string\"\n";
		static const char hostile[] = "\"x \\u001b[31m \\\"q\\\" "
		    "\\u00e9\\n\\u202e yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"";
		char small[24];

		am_silence_error_text(am400, strlen(am400), err, sizeof err);
		assert_string_equal(err, "silence invalid: at least one matcher "
		    "must not match the empty string");
		am_silence_error_text(hostile, strlen(hostile), small,
		    sizeof small);
		assert_string_equal(small, "x ?[31m \"q\" ?????? yyyy");
	}
	am_silence_error_text("plain text\nsecond line", 22, err, sizeof err);
	assert_string_equal(err, "plain text");
}

/* GET /api/v2/silences from Alertmanager 0.25 after `amtool silence
 * update --start` of a silence the relay made (api-v2-silences-replaced:
 * the old one expired, a pending one with a new id, the same creator and
 * comment, made in the same instant), beside bob's silence for the same
 * incident and alice's own by hand: the op's silence and the replacement
 * are found, and nothing else is taken for them. */
static void
test_finds_an_ops_silence_and_a_replacement_in_the_real_list(void **state)
{
	static const char op[] = "0123456789abcdef0123456789abcdef";
	struct am_silence *v, *old = NULL;
	const struct am_silence *f;
	struct wr_incident inc = { .id = 1 };
	struct wr_silence held = { .id = (char *)"a075771f-10f3-4533-9529-"
	    "55c0fbbf117d" };
	size_t len, n, skipped;
	char err[160], *body = slurp(FIX "api-v2-silences-replaced.json", &len);
	char *c;

	(void)state;
	assert_int_equal(am_silence_parse_list(body, len, &v, &n, &skipped, err,
	    sizeof err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(skipped, 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].updated > 0);
		if (strcmp(v[i].id, "c13ea120-aafc-4119-a63b-7bee480a3337") == 0)
			old = &v[i];
	}
	assert_non_null(old);
	assert_string_equal(old->state, "expired");
	/* the comment the relay writes, and what it is found by */
	c = am_silence_comment(1, "rolling restart", op);
	assert_string_equal(c, "warroom #1: rolling restart (op "
	    "0123456789abcdef0123456789abcdef)");
	assert_true(am_silence_comment_incident(c, 1));
	assert_false(am_silence_comment_incident(c, 12));
	assert_false(am_silence_comment_incident("warroom #12: x", 1));
	assert_true(am_silence_comment_op(c, op));
	assert_false(am_silence_comment_op(c, "0123"));
	assert_false(am_silence_comment_op(c, ""));
	free(c);
	/* the op's silence: the live one, by its maker */
	f = am_silence_find_op(v, n, 1, "alice", op);
	assert_non_null(f);
	assert_string_equal(f->id, "a075771f-10f3-4533-9529-55c0fbbf117d");
	assert_null(am_silence_find_op(v, n, 1, "bob", op));
	assert_null(am_silence_find_op(v, n, 2, "alice", op));
	assert_null(am_silence_find_op(v, n, 1, "alice",
	    "ffffffffffffffffffffffffffffffff"));
	/* the replacement of the expired one */
	f = am_silence_find_replacement(v, n, old, 1, &inc);
	assert_non_null(f);
	assert_string_equal(f->id, "a075771f-10f3-4533-9529-55c0fbbf117d");
	assert_string_equal(f->matchers,
	    "alertname=\"EdgeNodeDown\", service=\"edge\"");
	/* not when the incident holds it already, nor for another incident,
	 * nor for a silence that is not expired */
	inc.silences = &held;
	inc.n_silences = 1;
	assert_null(am_silence_find_replacement(v, n, old, 1, &inc));
	inc.n_silences = 0;
	assert_null(am_silence_find_replacement(v, n, old, 2, &inc));
	assert_null(am_silence_find_replacement(v, n, f, 1, &inc));
	/* made long after the old one ended: not its replacement */
	old->ends -= AM_SILENCE_REPLACED_MS + 1000;
	assert_null(am_silence_find_replacement(v, n, old, 1, &inc));
	am_silence_list_free(v, n);
	free(body);
}

/* A list that is not one is refused; a silence in it that is not well
 * formed is left out, the others kept. */
static void
test_a_hostile_list_is_refused_or_its_bad_silences_left_out(void **state)
{
	static const char *bad[] = { "{}", "\"x\"", "7", "[1", "" };
	static const char mixed[] = "[{\"id\":\"x/y\"}, 7, {\"id\":\"ok\","
	    "\"status\":{\"state\":\"active\"},\"startsAt\":"
	    "\"2026-01-01T00:00:00Z\",\"endsAt\":\"2026-01-01T01:00:00Z\","
	    "\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],"
	    "\"updatedAt\":\"soon\"}, {\"id\":\"fine\",\"status\":{\"state\":"
	    "\"pending\"},\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":"
	    "\"2026-01-01T01:00:00Z\",\"matchers\":[]}]";
	struct am_silence *v;
	size_t n, skipped;
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (am_silence_parse_list(bad[i], strlen(bad[i]), &v, &n,
		    &skipped, err, sizeof err) != -1)
			fail_msg("taken: %s", bad[i]);
	assert_int_equal(am_silence_parse_list(mixed, strlen(mixed), &v, &n,
	    &skipped, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 3);
	assert_string_equal(v[0].id, "fine");
	assert_int_equal(v[0].updated, 0);
	am_silence_list_free(v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_post_body_has_equality_matchers_creator_and_end),
		cmocka_unit_test(test_reads_the_real_answers),
		cmocka_unit_test(test_hostile_answers_are_refused_or_bounded),
		cmocka_unit_test(test_finds_an_ops_silence_and_a_replacement_in_the_real_list),
		cmocka_unit_test(test_a_hostile_list_is_refused_or_its_bad_silences_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
