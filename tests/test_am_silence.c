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

#define FIX "tests/fixtures/alertmanager-real/"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_post_body_has_equality_matchers_creator_and_end),
		cmocka_unit_test(test_reads_the_real_answers),
		cmocka_unit_test(test_hostile_answers_are_refused_or_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
