/*
 * test_export.c: what `warroom export` prints (cli_export_write()), against
 * golden files in tests/golden/ (GENERATE=1 rewrites them after a deliberate
 * change; then read the diff).  The incident is built by the reducer from
 * the events a relay would send: opened at 09:00, acknowledged by alice at
 * 09:02 from a console that was offline (the ack reached the relay at
 * 09:05), unacknowledged, acknowledged again by bob at 09:10, assigned to
 * carol; the policy paged dave, escalated to erin and dave, and the
 * notifier paged dave (the header names dave, erin).  The time to acknowledge is 2m: to the first acknowledgement, when
 * alice made it; not 5m (when it arrived) nor 10m (the last ack).
 *
 * The second incident is hostile: every string of
 * tests/fixtures/hostile/strings.json and Markdown that tries to open a
 * heading, a link, an image, an autolink, HTML and an entity, as its title,
 * service, labels, actor names and notes; it is resolved, and two people
 * saved its postmortem from the same version (both are printed, the second
 * marked).  Its export must carry no control byte and none of those
 * constructs, and say the header's numbers.  Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <locale.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/postmortem.h"
#include "core/room.h"
#include "core/util.h"

#define T0 INT64_C(1795770000000)	/* 2026-11-27T09:00:00.000Z */
#define MIN INT64_C(60000)

static void
apply(struct wr_room *r, struct wr_evlist *tl, struct wr_event *e)
{
	char err[256] = "";

	e->seq = r->last_seq + 1;
	if (wr_room_apply(r, e, err, sizeof err) != WR_APPLY_OK)
		fail_msg("apply %s: %s", wr_event_kind_name(e->kind), err);
	wr_event_copy(wr_evlist_push(tl), e);
}

/* An event of incident 1: KIND at TIME by ACTOR through VIA (NULL: none),
 * all else zero, for the caller to fill as its kind wants. */
static struct wr_event
ev(wr_event_kind kind, int64_t time, const char *actor, const char *via)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = 1;
	e.time = time;
	e.actor = (char *)actor;
	e.via = (char *)via;
	return e;
}

static void
build(struct wr_room *r, struct wr_evlist *tl, struct wr_alert *a)
{
	struct wr_event e;

	e = ev(WR_EV_TRIGGERED, T0, "alertmanager", "am-prod");
	e.source = "alertmanager";
	e.sender = "am-prod";
	e.key = "{}:{alertname=\"CheckoutErrors\"}";
	e.title = "checkout 5xx rate 4.2% (SLO 0.5%)";
	e.service = "checkout";
	e.severity = WR_SEV_CRITICAL;
	apply(r, tl, &e);

	memset(a, 0, sizeof *a);
	a->fingerprint = "c0ffee0123456789";
	a->starts = T0 - MIN;
	a->firing = 1;
	a->severity = WR_SEV_CRITICAL;
	e = ev(WR_EV_ALERT_FIRING, T0, "alertmanager", "am-prod");
	e.alert = *a;
	apply(r, tl, &e);

	/* the policy pages primary's dave, escalates to erin and dave,
	 * and the notifier pages dave (twice: a retry) */
	e = ev(WR_EV_POLICY_ASSIGNED, T0, "warroomd", NULL);
	e.text = "dave";
	e.policy = "checkout";
	e.why = "on call for primary";
	e.step = 1;
	e.steps = 2;
	apply(r, tl, &e);
	e = ev(WR_EV_NOTIFIED, T0 + 1000, "warroomd", NULL);
	e.person = "dave";
	e.notifier = "pager";
	e.text = "dave via pager: delivered";
	e.count = 1;
	apply(r, tl, &e);
	e = ev(WR_EV_ESCALATED, T0 + MIN, "warroomd", NULL);
	e.text = "erin, dave";
	e.policy = "checkout";
	e.why = "on call for secondary";
	e.step = 2;
	e.steps = 2;
	apply(r, tl, &e);

	/* made offline at 09:02, arrived at 09:05 */
	e = ev(WR_EV_ACKNOWLEDGED, T0 + 5 * MIN, "alice", "ops-console");
	e.made_at = T0 + 2 * MIN;
	e.op_id = "5d41402abc4b2a76b9719d911017c592";
	apply(r, tl, &e);

	e = ev(WR_EV_UNACKNOWLEDGED, T0 + 6 * MIN, "alice", "ops-console");
	e.made_at = T0 + 6 * MIN - 400;
	e.op_id = "0cc175b9c0f1b6a831c399e269772661";
	apply(r, tl, &e);

	e = ev(WR_EV_ACKNOWLEDGED, T0 + 10 * MIN, "bob", "bob");
	e.made_at = T0 + 10 * MIN - 300;
	e.op_id = "92eb5ffee6ae2fec3ad71c777531578f";
	apply(r, tl, &e);

	e = ev(WR_EV_ASSIGNED, T0 + 11 * MIN, "bob", "bob");
	e.made_at = T0 + 11 * MIN;
	e.text = "carol";
	e.op_id = "4a8a08f09d37b73795649038408b5f33";
	apply(r, tl, &e);

	/* a note made 2 s before it arrived: no word on the delay */
	e = ev(WR_EV_NOTE, T0 + 12 * MIN, "carol", "ops-console");
	e.made_at = T0 + 12 * MIN - 2000;
	e.text = "rolled back 4f2a; error rate falling";
	e.op_id = "8277e0910d750195b448797616e091ad";
	apply(r, tl, &e);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Print the export into memory and compare it with the golden file. */
/* Markdown that would do something if it were not made inert. */
static const char *const md_hostile[] = {
	"# owned heading",
	"[click](http://evil.example/x) ![img](http://evil.example/p.png)",
	"<script>alert(1)</script> <img src=x onerror=alert(1)>",
	"&lt;b&gt; &amp; &#x41; entities",
	"https://evil.example/autolink www.evil.example me@evil.example",
	"`code` **bold** _em_ ~~strike~~ | a | b |",
	"line one\n# second line heading\n===\n> quote\n- item",
};

/* Incident 1 again, hostile from end to end (see the top). */
static void
build_hostile(struct wr_room *r, struct wr_evlist *tl, struct wr_alert *a)
{
	json_error_t jerr;
	json_t *all = json_load_file("tests/fixtures/hostile/strings.json", JSON_ALLOW_NUL,
	    &jerr), *v;
	const char *hs[32];
	size_t n = 0, i;
	struct wr_event e;
	char *note;
	size_t len = 0;

	if (all == NULL)
		fail_msg("strings.json: %s", jerr.text);
	/* all but the very long one, which would only make the golden
	 * files long */
	json_array_foreach(all, i, v) {
		const char *t = json_string_value(json_object_get(v, "text"));

		if (n < 32 && t != NULL && strlen(t) < 512)
			hs[n++] = t;
	}
	assert_true(n >= 10);

	e = ev(WR_EV_TRIGGERED, T0, hs[0], "am-prod");
	e.source = "alertmanager";
	e.sender = "am-prod";
	e.key = (char *)hs[1];
	e.title = (char *)md_hostile[0];
	e.service = (char *)md_hostile[1];
	e.severity = WR_SEV_CRITICAL;
	apply(r, tl, &e);

	memset(a, 0, sizeof *a);
	a->fingerprint = "deadbeef00000001";
	a->starts = T0 - MIN;
	a->firing = 1;
	a->severity = WR_SEV_CRITICAL;
	for (i = 0; i < n; i++)
		wr_kvlist_add(&a->labels, md_hostile[i % 7], hs[i]);
	e = ev(WR_EV_ALERT_FIRING, T0, "alertmanager", "am-prod");
	wr_alert_copy(&e.alert, a);
	apply(r, tl, &e);
	wr_alert_free(&e.alert);

	/* escalated to a hostile name and a link beside mallory */
	e = ev(WR_EV_ESCALATED, T0 + MIN, "warroomd", NULL);
	e.text = xasprintf("%s, %s, mallory", hs[3], md_hostile[1]);
	e.policy = (char *)md_hostile[2];
	e.why = (char *)hs[4];
	e.step = 1;
	e.steps = 1;
	apply(r, tl, &e);
	free(e.text);

	/* acked at 09:04 by a name that is an escape sequence */
	e = ev(WR_EV_ACKNOWLEDGED, T0 + 4 * MIN, hs[2], "ops");
	e.made_at = T0 + 4 * MIN;
	apply(r, tl, &e);

	/* a note with every hostile string, one a line, and the markdown */
	for (i = 0; i < n; i++)
		len += strlen(hs[i]) + 1;
	for (i = 0; i < 7; i++)
		len += strlen(md_hostile[i]) + 1;
	note = xcalloc(1, len + 1);
	for (i = 0; i < n; i++) {
		strcat(note, hs[i]);
		strcat(note, "\n");
	}
	for (i = 0; i < 7; i++) {
		strcat(note, md_hostile[i]);
		strcat(note, "\n");
	}
	e = ev(WR_EV_NOTE, T0 + 20 * MIN, "bob", "ops");
	e.made_at = T0 + 20 * MIN;
	e.text = note;
	apply(r, tl, &e);
	free(note);

	e = ev(WR_EV_RESOLVED, T0 + 72 * MIN, "bob", "ops");
	e.made_at = T0 + 72 * MIN;
	apply(r, tl, &e);

	/* v1 by carol; alice (v2) and bob (v3) both edited from v1 */
	e = ev(WR_EV_POSTMORTEM, T0 + 90 * MIN, "carol", "ops");
	e.made_at = e.time;
	e.text = "# Postmortem\n\ndraft\n";
	e.version = 1;
	apply(r, tl, &e);
	e.time = e.made_at = T0 + 100 * MIN;
	e.actor = "alice";
	e.text = "# Postmortem\n\nalice: the cache \x1b[2Jwiped <b>it</b>\n"
	    "\n- [ ] alice: add a canary\n";
	e.version = 2;
	e.base = 1;
	apply(r, tl, &e);
	e.time = e.made_at = T0 + 101 * MIN;
	e.actor = "bob";
	e.text = "# Postmortem\n\nbob: a bad deploy\n\n- [x] bob: roll back\n";
	e.version = 3;
	e.base = 1;
	apply(r, tl, &e);
	json_decref(all);
}

static char *
export_of(int json, int hostile, size_t *len)
{
	struct wr_room r;
	struct wr_evlist tl = { 0 };
	struct wr_alert a;
	char *got = NULL;
	FILE *fp;

	wr_room_init(&r, 1);
	if (hostile)
		build_hostile(&r, &tl, &a);
	else
		build(&r, &tl, &a);
	fp = open_memstream(&got, len);
	assert_non_null(fp);
	cli_export_write(fp, json, wr_room_get(&r, 1), &a, 1, &tl);
	fclose(fp);
	if (hostile)
		wr_kvlist_free(&a.labels);
	wr_evlist_free(&tl);
	wr_room_free(&r);
	return got;
}

static void golden_of(int json, int hostile, const char *path);

static void
golden(int json, const char *path)
{
	golden_of(json, 0, path);
}

static void
golden_of(int json, int hostile, const char *path)
{
	char *got, *want;
	size_t got_len = 0, want_len = 0;

	got = export_of(json, hostile, &got_len);
	if (getenv("GENERATE") != NULL) {
		FILE *g = fopen(path, "wb");

		assert_non_null(g);
		fwrite(got, 1, got_len, g);
		fclose(g);
	}
	want = slurp(path, &want_len);
	if (want == NULL)
		fail_msg("no %s (GENERATE=1 writes it)", path);
	if (got_len != want_len || memcmp(got, want, got_len) != 0)
		fail_msg("%s differs; got:\n%s", path, got);
	free(want);
	free(got);
}

/* Markdown: the assignee, the time to acknowledge to alice's made-at, and
 * the timeline at the times people acted, the late ack said so. */
static void
test_export_markdown_golden(void **state)
{
	(void)state;
	golden(0, "tests/golden/export.md");
}

static void
test_export_json_golden(void **state)
{
	(void)state;
	golden(1, "tests/golden/export.json");
}

static void
test_export_hostile_markdown_golden(void **state)
{
	(void)state;
	golden_of(0, 1, "tests/golden/export-hostile.md");
}

static void
test_export_hostile_json_golden(void **state)
{
	(void)state;
	golden_of(1, 1, "tests/golden/export-hostile.json");
}

/* Whatever the golden says, what no hostile export may hold. */
static void
test_export_hostile_markdown_is_inert(void **state)
{
	size_t len;
	char *md = export_of(0, 1, &len), *line;
	int headings = 0;

	(void)state;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)md[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fail_msg("control byte 0x%02x at %zu", c, i);
		/* C1 controls as UTF-8 (U+0080..U+009F) */
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)md[i + 1] >= 0x80 &&
		    (unsigned char)md[i + 1] <= 0x9f)
			fail_msg("C1 control at %zu", i);
	}
	/* no '<', '&' or '[' that is not escaped: no HTML, entity or link */
	for (size_t i = 0; i < len; i++)
		if ((md[i] == '<' || md[i] == '&') && (i == 0 ||
		    md[i - 1] != '\\'))
			fail_msg("raw %c at %zu: %.40s", md[i], i, md + i);
	assert_null(strstr(md, "](http"));
	assert_null(strstr(md, "https://"));
	assert_null(strstr(md, "www.evil"));
	assert_null(strstr(md, "me@evil"));
	assert_null(strstr(md, "**bold**"));
	/* the only headings are the export's own and the postmortem's */
	for (line = md; line != NULL; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (*line == '#') {
			headings++;
			assert_true(strncmp(line, "# Incident #1: \\# owned",
			    23) == 0 || strncmp(line, "## ", 3) == 0 ||
			    strncmp(line, "### Also v2", 11) == 0 ||
			    strncmp(line, "# Postmortem\n", 13) == 0);
		}
		if (strncmp(line, "===", 3) == 0 || strncmp(line, "- item", 6)
		    == 0)
			fail_msg("a note's line opened a block: %.20s", line);
	}
	assert_true(headings >= 6);
	/* the header's numbers: acked at 09:04, resolved at 10:12 */
	assert_non_null(strstr(md, "- Time to acknowledge: 4m\n"));
	assert_non_null(strstr(md, "- Time to resolve: 1h 12m\n"));
	assert_non_null(strstr(md, "- Duration: 1h 12m\n"));
	assert_non_null(strstr(md, "- Postmortem: v3, saved by bob at "
	    "2026-11-27T10:41:00.000Z\n"));
	/* both versions saved from v1, the second marked */
	assert_non_null(strstr(md, "based on v1; v2 by alice came first"));
	assert_non_null(strstr(md, "bob: a bad deploy"));
	assert_non_null(strstr(md, ", mallory\n"));
	assert_null(strstr(md, "- Paged: nobody"));
	assert_non_null(strstr(md, "alice: the cache ^[[2Jwiped \\<b\\>"));
	free(md);
}

/* The JSON export of the hostile incident is valid JSON and carries no
 * raw control byte (C0, DEL, or C1 as UTF-8: U+009B is a CSI). */
static void
test_export_hostile_json_is_inert(void **state)
{
	size_t len;
	char *js = export_of(1, 1, &len);
	json_error_t jerr;
	json_t *o;

	(void)state;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)js[i];

		if ((c < 0x20 && !(c == '\n' && i + 1 == len)) || c == 0x7f)
			fail_msg("control byte 0x%02x at %zu", c, i);
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)js[i + 1] >= 0x80 &&
		    (unsigned char)js[i + 1] <= 0x9f)
			fail_msg("C1 control at %zu: %.30s", i, js + i);
	}
	o = json_loadb(js, len, 0, &jerr);
	if (o == NULL)
		fail_msg("not JSON: %s", jerr.text);
	assert_int_equal(json_array_size(json_object_get(o, "paged")), 3);
	json_decref(o);
	free(js);
}

/* Who was paged comes from the policy's, the escalation's and the
 * notifier's events, each person once, in both formats. */
static void
test_export_names_who_was_paged(void **state)
{
	size_t len;
	char *md = export_of(0, 0, &len), *js = export_of(1, 0, &len);
	json_error_t jerr;
	json_t *o = json_loads(js, 0, &jerr), *p;

	(void)state;
	assert_non_null(strstr(md, "- Paged: dave, erin\n"));
	assert_non_null(o);
	p = json_object_get(o, "paged");
	assert_true(json_is_array(p));
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_array_get(p, 0)), "dave");
	assert_string_equal(json_string_value(json_array_get(p, 1)), "erin");
	json_decref(o);
	free(md);
	free(js);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_markdown_golden),
		cmocka_unit_test(test_export_json_golden),
		cmocka_unit_test(test_export_hostile_markdown_golden),
		cmocka_unit_test(test_export_hostile_json_golden),
		cmocka_unit_test(test_export_hostile_markdown_is_inert),
		cmocka_unit_test(test_export_names_who_was_paged),
		cmocka_unit_test(test_export_hostile_json_is_inert),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
