/*
 * test_ingest.c: cmocka tests for the ingest adapters (net/ingest-*.c) and
 * the strict JSON front door (net/json-strict.c).
 *
 * The inputs are the real payloads in tests/fixtures/ (Alertmanager 0.25
 * deliveries, Events v2 bodies, hostile text), or those payloads changed by
 * one field, so that each refusal test breaks exactly one rule.  The last
 * tests feed adapter output through the reducer, as the relay does, to show
 * that what the adapters produce means the right thing there: a storm that
 * partly resolves leaves the right number firing, and a redelivery plans
 * nothing.  Run from the repository root (fixtures are opened by relative
 * path).
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
#include "core/room.h"
#include "core/util.h"
#include "net/ingest.h"
#include "net/json-strict.h"
#include "tests/slurp.h"

#define AM_DIR		"tests/fixtures/alertmanager/"
#define EV2_DIR		"tests/fixtures/pagerduty-events-v2/"
#define HOSTILE_DIR	"tests/fixtures/hostile/"
#define AMR_DIR		"tests/fixtures/alertmanager-real/"
#define GRAFANA_DIR	"tests/fixtures/grafana-webhook/"

/* What the relay hands the adapters: the arrival time, built-in words. */
#define T_NOW		1764621000000LL	/* 2025-12-01T20:30:00Z */
static struct ingest_ctx tctx = { T_NOW, NULL };

/* ---- helpers ---------------------------------------------------------- */

/* The fixture as a jansson value, read independently of the adapters. */
static json_t *
load(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);

	if (j == NULL)
		fail_msg("%s: %s", path, je.text);
	return j;
}

static int
am_file(const char *path, struct ingest_result *res, char *err, size_t errsz)
{
	size_t len;
	char *body = slurp(path, &len);
	int rc = ingest_alertmanager(body, len, &tctx, res, err, errsz);

	free(body);
	return rc;
}

/* Encode j (which this takes) and feed it to the Alertmanager adapter. */
static int
am_json(json_t *j, struct ingest_result *res, char *err, size_t errsz)
{
	char *body = json_dumps(j, JSON_COMPACT);
	int rc;

	assert_non_null(body);
	rc = ingest_alertmanager(body, strlen(body), &tctx, res, err, errsz);
	free(body);
	json_decref(j);
	return rc;
}

static int
am_text(const char *body, struct ingest_result *res, char *err, size_t errsz)
{
	return ingest_alertmanager(body, strlen(body), &tctx, res, err, errsz);
}

/* Assert that a refusal happened and that its reason mentions what. */
static void
assert_refused(int rc, const struct ingest_result *res, const char *err,
    const char *what)
{
	assert_int_equal(rc, -1);
	assert_int_equal(res->n_groups, 0);
	assert_null(res->groups);
	if (strstr(err, what) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", err, what);
}

static int
ev2_file(const char *path, struct ingest_result *res, char ***errors,
    size_t *n_errors)
{
	size_t len;
	char *body = slurp(path, &len);
	char err[256];
	int rc = ingest_events_v2(body, len, &tctx, res, err, sizeof err, errors,
	    n_errors);

	free(body);
	return rc;
}

static int
is_hex32(const char *s)
{
	if (s == NULL || strlen(s) != 32)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/*
 * Deliver every group of res to the room as the relay does: plan, number
 * the events, apply them.  Returns the number of events planned.
 */
static size_t
deliver(struct wr_room *r, const struct ingest_result *res, int64_t now)
{
	size_t total = 0;

	for (size_t i = 0; i < res->n_groups; i++) {
		struct wr_group_input in;
		struct wr_evlist ev = { 0 };
		char err[256] = "";

		ingest_group_input(&res->groups[i], now, "test-token", &in);
		total += wr_room_plan_group(r, &in, &ev, NULL);
		for (size_t j = 0; j < ev.n; j++) {
			ev.v[j].seq = r->last_seq + 1;
			if (wr_room_apply(r, &ev.v[j], err, sizeof err) !=
			    WR_APPLY_OK)
				fail_msg("apply refused: %s", err);
		}
		wr_evlist_free(&ev);
	}
	return total;
}

/* ---- Alertmanager: real deliveries ------------------------------------ */

static void
test_am_single_warning_title_service_severity_from_labels(void **state)
{
	struct ingest_result res;
	char err[256];
	const struct ingest_group *g;
	const struct wr_alert *a;

	assert_int_equal(am_file(AM_DIR "single-warning.json", &res, err,
	    sizeof err), 0);
	assert_int_equal(res.n_groups, 1);
	assert_int_equal(res.n_actions, 0);
	assert_null(res.dedup_key);
	g = &res.groups[0];
	assert_string_equal(g->source, "alertmanager");
	assert_string_equal(g->key,
	    "{}:{alertname=\"LatencySLOBurn\", service=\"search\"}");
	assert_string_equal(g->title,
	    "p99 latency burning error budget at 14.4x");
	assert_string_equal(g->service, "search");
	assert_int_equal(g->severity, WR_SEV_WARNING);
	assert_null(g->severity_raw);
	assert_int_equal(g->n_alerts, 1);
	a = &g->alerts[0];
	assert_string_equal(a->fingerprint, "98f232e449fe99f0");
	/* 2026-11-27T15:57:08.771363687Z */
	assert_int_equal(a->starts, 1795795028771LL);
	assert_int_equal(a->ends, 0);	/* 0001-01-01T00:00:00Z */
	assert_true(a->firing);
	assert_int_equal(a->last_seen, 0);
	ingest_result_free(&res);
}

static void
test_am_labels_and_annotations_keep_body_order(void **state)
{
	struct ingest_result res;
	char err[256];
	const struct wr_alert *a;
	static const char *want[] = { "alertname", "service", "severity",
	    "team" };

	assert_int_equal(am_file(AM_DIR "single-warning.json", &res, err,
	    sizeof err), 0);
	a = &res.groups[0].alerts[0];
	assert_int_equal(a->labels.n, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(a->labels.v[i].key, want[i]);
	assert_int_equal(a->annotations.n, 2);
	assert_string_equal(a->annotations.v[0].key, "dashboard");
	assert_string_equal(a->annotations.v[1].key, "summary");
	ingest_result_free(&res);

	/* Not alphabetical: the order is the body's, not sorted. */
	assert_int_equal(am_text("{\"groupKey\":\"{}:{a=\\\"1\\\"}\","
	    "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"zeta\":\"1\","
	    "\"alpha\":\"2\",\"mid\":\"3\"},\"startsAt\":"
	    "\"2026-11-27T15:57:08Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
	    "\"fingerprint\":\"f1\"}]}", &res, err, sizeof err), 0);
	a = &res.groups[0].alerts[0];
	assert_string_equal(a->labels.v[0].key, "zeta");
	assert_string_equal(a->labels.v[1].key, "alpha");
	assert_string_equal(a->labels.v[2].key, "mid");
	assert_int_equal(a->annotations.n, 0);	/* missing: empty */
	/* No severity label: warning, and nothing raw to show. */
	assert_int_equal(res.groups[0].severity, WR_SEV_WARNING);
	assert_null(res.groups[0].severity_raw);
	assert_string_equal(res.groups[0].service, "");
	ingest_result_free(&res);
}

static void
test_am_storm_40_firing_is_one_group_keyed_by_groupkey(void **state)
{
	struct ingest_result res;
	char err[256];
	const struct ingest_group *g;

	assert_int_equal(am_file(AM_DIR "storm-40-firing.json", &res, err,
	    sizeof err), 0);
	assert_int_equal(res.n_groups, 1);
	g = &res.groups[0];
	assert_string_equal(g->key,
	    "{}:{alertname=\"NodeDown\", service=\"edge\"}");
	/* commonAnnotations is empty: the title counts the alerts. */
	assert_string_equal(g->title, "NodeDown \xe2\x80\x94 40 alerts");
	assert_string_equal(g->service, "edge");
	assert_int_equal(g->severity, WR_SEV_CRITICAL);
	assert_int_equal(g->n_alerts, 40);
	for (size_t i = 0; i < g->n_alerts; i++) {
		assert_true(g->alerts[i].firing);
		assert_int_equal(g->alerts[i].ends, 0);
		assert_true(g->alerts[i].starts > 0);
	}
	assert_string_equal(g->alerts[0].fingerprint, "10cf4691aa038d00");
	assert_string_equal(wr_kvlist_get(&g->alerts[0].labels, "instance"),
	    "edge-10:9100");
	ingest_result_free(&res);
}

static void
test_am_storm_partly_resolved_counts_match_the_file(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "storm-40-partly-resolved.json"), *a;
	size_t i, want_firing = 0, want_resolved = 0, firing = 0, resolved = 0;
	const struct ingest_group *g;

	json_array_foreach(json_object_get(j, "alerts"), i, a) {
		if (strcmp(json_string_value(json_object_get(a, "status")),
		    "firing") == 0)
			want_firing++;
		else
			want_resolved++;
	}
	assert_true(want_resolved > 0);
	assert_int_equal(am_file(AM_DIR "storm-40-partly-resolved.json", &res,
	    err, sizeof err), 0);
	assert_int_equal(res.n_groups, 1);
	g = &res.groups[0];
	assert_int_equal(g->n_alerts, want_firing + want_resolved);
	for (i = 0; i < g->n_alerts; i++) {
		const char *fp = json_string_value(json_object_get(
		    json_array_get(json_object_get(j, "alerts"), i),
		    "fingerprint"));

		assert_string_equal(g->alerts[i].fingerprint, fp);
		if (g->alerts[i].firing) {
			firing++;
			assert_int_equal(g->alerts[i].ends, 0);
		} else {
			resolved++;
			assert_true(g->alerts[i].ends > g->alerts[i].starts);
		}
	}
	assert_int_equal(firing, want_firing);
	assert_int_equal(resolved, want_resolved);
	ingest_result_free(&res);
	json_decref(j);
}

static void
test_am_unicode_labels_kept_byte_exact(void **state)
{
	struct ingest_result res;
	char err[256];
	const struct ingest_group *g;

	assert_int_equal(am_file(AM_DIR "unicode-labels.json", &res, err,
	    sizeof err), 0);
	g = &res.groups[0];
	assert_int_equal(g->severity, WR_SEV_INFO);
	assert_string_equal(wr_kvlist_get(&g->alerts[0].labels, "team"),
	    "s\xc3\xa9" "curit\xc3\xa9");
	assert_string_equal(g->title, "TLS cert for api.example expires in 6 "
	    "d\xc3\xad" "as \xe2\x80\x94 \xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8");
	assert_string_equal(wr_kvlist_get(&g->alerts[0].annotations,
	    "summary"), g->title);
	ingest_result_free(&res);
}

static void
test_am_hostile_text_accepted_and_stored_byte_exact(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(HOSTILE_DIR "alertmanager-hostile.json");
	json_t *ja = json_array_get(json_object_get(j, "alerts"), 0);
	const struct wr_alert *a;
	const char *k;
	json_t *v;

	assert_int_equal(am_file(HOSTILE_DIR "alertmanager-hostile.json",
	    &res, err, sizeof err), 0);
	assert_int_equal(res.n_groups, 1);
	a = &res.groups[0].alerts[0];
	/* Every value is the decoded original, escapes and all. */
	json_object_foreach(json_object_get(ja, "labels"), k, v)
		assert_string_equal(wr_kvlist_get(&a->labels, k),
		    json_string_value(v));
	json_object_foreach(json_object_get(ja, "annotations"), k, v)
		assert_string_equal(wr_kvlist_get(&a->annotations, k),
		    json_string_value(v));
	assert_string_equal(res.groups[0].title, "disk full \x1b]52;c;"
	    "Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3ggfCBzaAo=\x07 on db-1");
	assert_string_equal(res.groups[0].service,
	    "check\xe2\x80\x8bout\xe2\x80\x8d svc\xef\xbb\xbf");
	assert_string_equal(wr_kvlist_get(&a->annotations, "description"),
	    "api down\x1b]0;owned\x07\x1b[2J\x1b[H latency \xc2\x9b" "31m high");
	ingest_result_free(&res);
	json_decref(j);
}

static void
test_am_unknown_severity_is_warning_with_raw_kept(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "single-warning.json");

	json_object_set_new(json_object_get(json_array_get(json_object_get(j,
	    "alerts"), 0), "labels"), "severity", json_string("wobbly"));
	assert_int_equal(am_json(j, &res, err, sizeof err), 0);
	assert_int_equal(res.groups[0].severity, WR_SEV_WARNING);
	assert_string_equal(res.groups[0].severity_raw, "wobbly");
	ingest_result_free(&res);

	/* Ours in another case is ours, and the sender's spelling is kept:
	 * list --json shows what was sent whenever it was not our word. */
	j = load(AM_DIR "single-warning.json");
	json_object_set_new(json_object_get(json_array_get(json_object_get(j,
	    "alerts"), 0), "labels"), "severity", json_string("Critical"));
	assert_int_equal(am_json(j, &res, err, sizeof err), 0);
	assert_int_equal(res.groups[0].severity, WR_SEV_CRITICAL);
	assert_string_equal(res.groups[0].severity_raw, "Critical");
	ingest_result_free(&res);

	/* Exactly ours: nothing raw to keep. */
	j = load(AM_DIR "single-warning.json");
	assert_int_equal(am_json(j, &res, err, sizeof err), 0);
	assert_int_equal(res.groups[0].severity, WR_SEV_WARNING);
	assert_null(res.groups[0].severity_raw);
	ingest_result_free(&res);
}

static void
test_am_service_falls_back_to_job_label(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "single-warning.json");
	json_t *labels = json_object_get(json_array_get(json_object_get(j,
	    "alerts"), 0), "labels");

	json_object_del(json_object_get(j, "commonLabels"), "service");
	json_object_del(labels, "service");
	json_object_set_new(labels, "job", json_string("node-exporter"));
	assert_int_equal(am_json(j, &res, err, sizeof err), 0);
	assert_string_equal(res.groups[0].service, "node-exporter");
	ingest_result_free(&res);
}

/* A real Alertmanager 0.25 with `group_by: []`: groupKey "{}:{}", every
 * alert in one group, and that group is one incident, not one per alert. */
static void
test_am_group_by_nothing_is_one_group(void **state)
{
	struct ingest_result res;
	char err[256] = "";
	json_t *j = load(AMR_DIR "group-by-nothing-firing.json");
	const struct ingest_group *g;

	if (am_file(AMR_DIR "group-by-nothing-firing.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.n_groups, 1);
	g = &res.groups[0];
	assert_string_equal(g->key, "{}:{}");
	assert_int_equal(g->n_alerts, json_array_size(json_object_get(j,
	    "alerts")));
	assert_int_equal(g->n_alerts, 9);
	for (size_t i = 0; i < g->n_alerts; i++)
		assert_string_equal(g->alerts[i].fingerprint,
		    json_string_value(json_object_get(json_array_get(
		    json_object_get(j, "alerts"), i), "fingerprint")));
	assert_string_equal(g->title, "HighLatency \xe2\x80\x94 9 alerts");
	assert_int_equal(g->truncated, 0);
	json_decref(j);
	ingest_result_free(&res);
}

/* Grafana's webhook contact point, as its documentation shows it. */
static const char grafana_body[] =
"{\n"
"  \"receiver\": \"My Super Webhook\",\n"
"  \"status\": \"firing\",\n"
"  \"orgId\": 1,\n"
"  \"alerts\": [\n"
"    {\n"
"      \"status\": \"firing\",\n"
"      \"labels\": {\"alertname\": \"High memory usage\", \"team\": \"blue\","
" \"zone\": \"us-1\", \"severity\": \"critical\"},\n"
"      \"annotations\": {\"description\": \"The system has high memory usage\","
" \"runbook_url\": \"https://myrunbook.com/runbook/1234\","
" \"summary\": \"This alert was triggered for zone us-1\"},\n"
"      \"startsAt\": \"2021-10-12T09:51:03.157076+02:00\",\n"
"      \"endsAt\": \"0001-01-01T00:00:00Z\",\n"
"      \"generatorURL\": \"https://play.grafana.org/alerting/1afz29v7z/edit\",\n"
"      \"fingerprint\": \"c6eadffa33fcdf37\",\n"
"      \"silenceURL\": \"https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1\",\n"
"      \"dashboardURL\": \"\",\n"
"      \"panelURL\": \"\",\n"
"      \"values\": {\"B\": 44.23943737541908, \"C\": 1},\n"
"      \"valueString\": \"[ var='B' labels={__name__=go_memstats_alloc_bytes} value=44.23943737541908 ]\"\n"
"    },\n"
"    {\n"
"      \"status\": \"resolved\",\n"
"      \"labels\": {\"alertname\": \"High CPU usage\", \"team\": \"blue\", \"zone\": \"eu-1\"},\n"
"      \"annotations\": {\"description\": \"The system has high CPU usage\"},\n"
"      \"startsAt\": \"2021-10-12T09:56:03.157076+02:00\",\n"
"      \"endsAt\": \"2021-10-12T10:01:03.157076+02:00\",\n"
"      \"generatorURL\": \"https://play.grafana.org/alerting/d1rdpdv7k/edit\",\n"
"      \"fingerprint\": \"bc97ff14869b13e3\",\n"
"      \"silenceURL\": \"https://play.grafana.org/alerting/silence/new\",\n"
"      \"dashboardURL\": \"\",\n"
"      \"panelURL\": \"\",\n"
"      \"values\": null,\n"
"      \"valueString\": \"\"\n"
"    }\n"
"  ],\n"
"  \"groupLabels\": {},\n"
"  \"commonLabels\": {\"team\": \"blue\"},\n"
"  \"commonAnnotations\": {},\n"
"  \"externalURL\": \"https://play.grafana.org/\",\n"
"  \"version\": \"1\",\n"
"  \"groupKey\": \"{}:{}\",\n"
"  \"truncatedAlerts\": 0,\n"
"  \"title\": \"[FIRING:1, RESOLVED:1]  (blue)\",\n"
"  \"state\": \"alerting\",\n"
"  \"message\": \"**Firing**\\n\\nValue: B=44.2\\nLabels:\\n - alertname = High memory usage\\n\"\n"
"}\n";

static void
test_am_grafana_version_1_body_accepted(void **state)
{
	struct ingest_result res;
	char err[256] = "";

	if (am_text(grafana_body, &res, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	/* groupKey "{}:{}": Grafana grouped by nothing, one group. */
	assert_int_equal(res.n_groups, 1);
	assert_string_equal(res.groups[0].key, "{}:{}");
	assert_int_equal(res.groups[0].n_alerts, 2);
	assert_string_equal(res.groups[0].title,
	    "High memory usage \xe2\x80\x94 2 alerts");
	/* The firing alert's severity; the resolved one says none. */
	assert_int_equal(res.groups[0].severity, WR_SEV_CRITICAL);
	assert_true(res.groups[0].alerts[0].firing);
	/* 09:51:03.157076+02:00 */
	assert_int_equal(res.groups[0].alerts[0].starts, 1634025063157LL);
	assert_false(res.groups[0].alerts[1].firing);
	assert_int_equal(res.groups[0].alerts[1].ends,
	    1634025063157LL + 10 * 60 * 1000);
	/* Extra per-alert fields are not labels. */
	assert_null(wr_kvlist_get(&res.groups[0].alerts[0].labels,
	    "valueString"));
	ingest_result_free(&res);
}

/* ---- Alertmanager: real deliveries under max_alerts, Grafana ---------- */

/* max_alerts 5 on a group of 8: 5 alerts and truncatedAlerts 3.  The count
 * reaches the reducer's input; the title counts the whole group. */
static void
test_am_truncated_alerts_count_reaches_the_group(void **state)
{
	struct ingest_result res;
	struct wr_group_input in;
	char err[256] = "";

	if (am_file(AMR_DIR "max5-truncated-firing.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.n_groups, 1);
	assert_int_equal(res.groups[0].n_alerts, 5);
	assert_int_equal(res.groups[0].truncated, 3);
	assert_string_equal(res.groups[0].title,
	    "HighLatency \xe2\x80\x94 8 alerts");
	ingest_group_input(&res.groups[0], T_NOW, "am", &in);
	assert_int_equal(in.truncated, 3);
	assert_int_equal(in.n_alerts, 5);
	ingest_result_free(&res);
}

/* The delivery whose group status says "resolved" because the 5 alerts
 * sent are resolved, while 5 not sent still fire: the adapter passes the 5
 * it saw, as resolved, and the 5 more; it makes up nothing about the others. */
static void
test_am_truncated_resolved_status_marks_only_the_alerts_sent(void **state)
{
	struct ingest_result res;
	char err[256] = "";
	json_t *j = load(AMR_DIR "max5-truncated-status-resolved.json");
	json_t *alerts = json_object_get(j, "alerts");

	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "resolved");
	if (am_file(AMR_DIR "max5-truncated-status-resolved.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.groups[0].truncated, 5);
	assert_int_equal(res.groups[0].n_alerts, json_array_size(alerts));
	for (size_t i = 0; i < res.groups[0].n_alerts; i++) {
		assert_false(res.groups[0].alerts[i].firing);
		assert_string_equal(res.groups[0].alerts[i].fingerprint,
		    json_string_value(json_object_get(json_array_get(alerts,
		    i), "fingerprint")));
	}
	json_decref(j);
	ingest_result_free(&res);
}

static void
test_am_refuses_truncated_alerts_that_is_not_a_count(void **state)
{
	static const char *bad[] = { "\"3\"", "-1", "1.5", "true", "[]" };
	struct ingest_result res;
	char err[256];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_error_t je;
		json_t *j = load(AMR_DIR "max5-truncated-firing.json");
		json_t *v = json_loads(bad[i], JSON_DECODE_ANY, &je);

		assert_non_null(v);
		json_object_set_new(j, "truncatedAlerts", v);
		assert_refused(am_json(j, &res, err, sizeof err), &res, err,
		    "truncatedAlerts");
	}
}

/* Severity follows the firing alerts, not commonLabels or the first
 * alert: in a real group of ten warnings with one critical (commonLabels
 * have no severity), the group is critical. */
static void
test_am_group_severity_is_the_highest_firing(void **state)
{
	struct ingest_result res;
	char err[256] = "";

	if (am_file(AMR_DIR "nostart-firing.json", &res, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.groups[0].severity, WR_SEV_CRITICAL);
	assert_null(res.groups[0].severity_raw);
	ingest_result_free(&res);

	/* When the critical one is resolved, the firing ones decide. */
	if (am_file(AMR_DIR "nostart-resolve-starts-equals-ends.json", &res,
	    err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.groups[0].severity, WR_SEV_WARNING);
	ingest_result_free(&res);
}

/* Grafana's no-data and query-error alerts are all named DatasourceNoData
 * or DatasourceError: the title names the rule (its "rulename" label). */
static void
test_grafana_datasource_alerts_are_titled_by_rule(void **state)
{
	struct ingest_result res;
	char err[256] = "";

	if (am_file(GRAFANA_DIR "datasource-nodata-one-rule.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_string_equal(res.groups[0].title,
	    "DatasourceNoData: Exporter not scraping");
	ingest_result_free(&res);

	if (am_file(GRAFANA_DIR "datasource-nodata-two-rules.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_string_equal(res.groups[0].title,
	    "DatasourceNoData: Exporter not scraping, Pipeline Failure Rate "
	    "High \xe2\x80\x94 2 alerts");
	ingest_result_free(&res);

	if (am_file(GRAFANA_DIR "datasource-error.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_string_equal(res.groups[0].title,
	    "DatasourceError: Out-of-memory kill");
	ingest_result_free(&res);
}

/* Many rules: three named, then "and others"; a rule named twice once. */
static void
test_grafana_datasource_title_lists_three_rules(void **state)
{
	struct ingest_result res;
	char err[256] = "";
	json_t *j = load(GRAFANA_DIR "datasource-nodata-two-rules.json");
	json_t *alerts = json_object_get(j, "alerts");
	const char *names[] = { "A", "A", "B", "C", "D" };

	for (size_t i = 0; i < 5; i++) {
		json_t *a = json_deep_copy(json_array_get(alerts, 0));
		char fp[17];

		snprintf(fp, sizeof fp, "%016zx", i + 1);
		json_object_set_new(json_object_get(a, "labels"), "rulename",
		    json_string(names[i]));
		json_object_set_new(a, "fingerprint", json_string(fp));
		json_array_append_new(alerts, a);
	}
	json_array_remove(alerts, 0);
	json_array_remove(alerts, 0);
	assert_int_equal(am_json(j, &res, err, sizeof err), 0);
	assert_string_equal(res.groups[0].title,
	    "DatasourceNoData: A, B, C and others \xe2\x80\x94 5 alerts");
	ingest_result_free(&res);
}

/* A time past 9999 UTC once its offset is applied is refused, naming the
 * field, rather than stored as the year 10000 no console can decode. */
static void
test_am_refuses_times_past_year_9999_naming_the_field(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AMR_DIR "max5-truncated-firing.json");

	json_object_set_new(json_array_get(json_object_get(j, "alerts"), 2),
	    "startsAt", json_string("9999-12-31T23:59:59-23:59"));
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "alerts[2].startsAt");
	assert_non_null(strstr(err, "0000-9999 UTC"));

	j = load(AMR_DIR "max5-truncated-partly-resolved.json");
	json_object_set_new(json_array_get(json_object_get(j, "alerts"), 0),
	    "endsAt", json_string("9999-12-31T23:59:60Z"));
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "alerts[0].endsAt");
}

/* Sender severity words through the one table (core/severity): page, P1,
 * SEV-2, major, disaster, none; the sender's word is kept. */
static void
test_am_severity_words_from_the_table(void **state)
{
	static const struct {
		const char *word;
		wr_severity level;
	} words[] = {
		{ "page", WR_SEV_CRITICAL }, { "P1", WR_SEV_CRITICAL },
		{ "SEV-2", WR_SEV_ERROR }, { "major", WR_SEV_ERROR },
		{ "high", WR_SEV_ERROR }, { "disaster", WR_SEV_CRITICAL },
		{ "none", WR_SEV_INFO }, { "average", WR_SEV_WARNING },
	};
	struct ingest_result res;
	char err[256];

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		json_t *j = load(AM_DIR "single-warning.json");

		json_object_set_new(json_object_get(json_array_get(
		    json_object_get(j, "alerts"), 0), "labels"), "severity",
		    json_string(words[i].word));
		assert_int_equal(am_json(j, &res, err, sizeof err), 0);
		if (res.groups[0].severity != words[i].level)
			fail_msg("%s: level %d", words[i].word,
			    (int)res.groups[0].severity);
		assert_string_equal(res.groups[0].severity_raw, words[i].word);
		ingest_result_free(&res);
	}
}

/* A real alert with `priority: P0` and no severity label is critical. */
static void
test_am_priority_label_read_when_no_severity(void **state)
{
	struct ingest_result res;
	char err[256] = "";

	if (am_file(AMR_DIR "group-by-all-priority-p0.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.groups[0].severity, WR_SEV_CRITICAL);
	assert_string_equal(res.groups[0].severity_raw, "P0");
	ingest_result_free(&res);
}

/* ---- Alertmanager's API: the whole of a truncated group --------------- */

/* The group a max_alerts 5 delivery cut short, read whole from a real
 * Alertmanager's GET /api/v2/alerts/groups: the 5 alerts not sent. */
static void
test_am_api_group_gives_the_alerts_a_truncated_delivery_left_out(void **state)
{
	struct ingest_result hook, api;
	char err[256] = "", **present;
	size_t n_present, len;
	char *body = slurp(AMR_DIR "api-v2-alerts-groups-max5.json", &len);
	const struct ingest_group *h;

	assert_int_equal(am_file(AMR_DIR "max5-nostart-firing.json", &hook, err,
	    sizeof err), 0);
	h = &hook.groups[0];
	assert_string_equal(h->receiver, "hook");
	assert_int_equal(h->group_labels.n, 2);
	assert_int_equal(ingest_alertmanager_api_group(body, len, &tctx, h->key,
	    h->receiver, &h->group_labels, &api, &present, &n_present, err,
	    sizeof err), 1);
	assert_int_equal(api.n_groups, 1);
	assert_string_equal(api.groups[0].key, h->key);
	assert_int_equal(api.groups[0].truncated, 0);
	assert_int_equal(api.groups[0].n_alerts, 5);
	assert_int_equal(n_present, 5);
	for (size_t i = 0; i < api.groups[0].n_alerts; i++) {
		const struct wr_alert *a = &api.groups[0].alerts[i];

		assert_true(a->firing);
		assert_string_equal(a->fingerprint, present[i]);
		/* Not one of the five the delivery carried. */
		for (size_t k = 0; k < h->n_alerts; k++)
			assert_string_not_equal(a->fingerprint,
			    h->alerts[k].fingerprint);
	}
	assert_string_equal(wr_kvlist_get(&api.groups[0].alerts[0].labels,
	    "instance"), "api-06");
	ingest_errors_free(present, n_present);
	ingest_result_free(&api);

	/* Another receiver's group of the same labels is not this one. */
	assert_int_equal(ingest_alertmanager_api_group(body, len, &tctx, h->key,
	    "elsewhere", &h->group_labels, &api, &present, &n_present, err,
	    sizeof err), 0);
	assert_int_equal(api.n_groups, 0);
	ingest_result_free(&hook);
	free(body);

	/* Not a list of groups: refused, saying so. */
	assert_int_equal(ingest_alertmanager_api_group("{}", 2, &tctx, "k",
	    NULL, NULL, &api, &present, &n_present, err, sizeof err), -1);
	assert_non_null(strstr(err, "list of groups"));
}

/* Delivered to the reducer after the truncated delivery, the whole group
 * makes the incident hold all 10 alerts, firing. */
static void
test_reducer_api_group_completes_a_truncated_incident(void **state)
{
	struct wr_room r;
	struct ingest_result hook, api;
	char err[256] = "", **present;
	size_t n_present, len;
	char *body = slurp(AMR_DIR "api-v2-alerts-groups-max5.json", &len);
	struct wr_incident *inc;

	wr_room_init(&r, 1);
	assert_int_equal(am_file(AMR_DIR "max5-nostart-firing.json", &hook, err,
	    sizeof err), 0);
	deliver(&r, &hook, 1000);
	assert_int_equal(ingest_alertmanager_api_group(body, len, &tctx,
	    hook.groups[0].key, hook.groups[0].receiver,
	    &hook.groups[0].group_labels, &api, &present, &n_present, err,
	    sizeof err), 1);
	deliver(&r, &api, 2000);
	inc = wr_room_find_key(&r, "alertmanager", "test-token",
	    hook.groups[0].key);
	assert_non_null(inc);
	assert_int_equal(r.n_incidents, 1);
	assert_int_equal(inc->n_firing, 10);
	ingest_errors_free(present, n_present);
	ingest_result_free(&api);
	ingest_result_free(&hook);
	free(body);
	wr_room_free(&r);
}

/* Each alert carries its own severity (struct wr_alert.severity), so the
 * incident can follow its worst firing alert: from its severity label,
 * else its priority label, else warning, never the zero value (critical). */
static void
test_am_each_alert_has_its_own_severity(void **state)
{
	struct ingest_result res;
	char err[256] = "";
	const struct ingest_group *g;

	if (am_file(AMR_DIR "group-by-nothing-firing.json", &res, err,
	    sizeof err) != 0)
		fail_msg("refused: %s", err);
	g = &res.groups[0];
	for (size_t i = 0; i < g->n_alerts; i++) {
		const char *inst = wr_kvlist_get(&g->alerts[i].labels,
		    "instance");
		wr_severity want = strcmp(inst, "api-3") == 0 ||
		    strcmp(inst, "db-1") == 0 ? WR_SEV_CRITICAL :
		    WR_SEV_WARNING;	/* api-3: critical; db-1: P0 */

		if (g->alerts[i].severity != want)
			fail_msg("%s: severity %d", inst,
			    (int)g->alerts[i].severity);
	}
	ingest_result_free(&res);

	/* No word at all: warning, not the zero value. */
	{
		json_t *j = load(AM_DIR "single-warning.json");

		json_object_del(json_object_get(json_array_get(json_object_get(j,
		    "alerts"), 0), "labels"), "severity");
		json_object_del(json_object_get(j, "commonLabels"), "severity");
		assert_int_equal(am_json(j, &res, err, sizeof err), 0);
		assert_int_equal(res.groups[0].alerts[0].severity,
		    WR_SEV_WARNING);
		ingest_result_free(&res);
	}
	/* Events v2: its payload.severity. */
	assert_int_equal(ev2_file(EV2_DIR "zabbix-trigger.json", &res, NULL,
	    NULL), 0);
	assert_int_equal(res.groups[0].alerts[0].severity, WR_SEV_ERROR);
	ingest_result_free(&res);
}

/* ---- Alertmanager: refusals ------------------------------------------- */

static void
test_refuses_malformed_json_with_line_and_column(void **state)
{
	struct ingest_result res;
	char err[256];

	assert_refused(am_text("{\"groupKey\": \"x\",\n \"alerts\": [}",
	    &res, err, sizeof err), &res, err, "invalid JSON at line 2 column");
	assert_refused(am_text("", &res, err, sizeof err), &res, err,
	    "invalid JSON");
	assert_refused(am_text("{\"a\":1} trailing", &res, err, sizeof err),
	    &res, err, "invalid JSON");
	assert_refused(am_text("[1,2]", &res, err, sizeof err), &res, err,
	    "must be a JSON object, not an array");
}

static void
test_refuses_invalid_utf8_saying_so(void **state)
{
	struct ingest_result res;
	char err[256];
	const char *body = "{\"groupKey\":\"k\",\"alerts\":[],\"x\":\"a\xff"
	    "b\"}";

	assert_refused(am_text(body, &res, err, sizeof err), &res, err,
	    "invalid UTF-8");
	/* The reason itself is printable ASCII: it goes into a JSON answer. */
	for (const char *p = err; *p != '\0'; p++)
		assert_true(*p >= 0x20 && *p <= 0x7e);
}

static void
test_refuses_nul_escape_instead_of_truncating(void **state)
{
	struct ingest_result res;
	char err[256];
	size_t len;
	char *body = slurp(AM_DIR "single-warning.json", &len);
	char *p = strstr(body, "p99 latency");
	char *edited;

	assert_non_null(p);
	/* "p99 latency..." -> "p99\u0000 latency..." */
	edited = xasprintf("%.*s\\u0000%s", (int)(p - body + 3), body, p + 3);
	assert_refused(am_text(edited, &res, err, sizeof err), &res, err,
	    "\\u0000");
	free(edited);
	free(body);
	/* A raw NUL byte inside the body is refused too. */
	assert_int_equal(ingest_alertmanager("{\"a\":\"x\0y\"}", 11, &tctx, &res,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, "control character 0x0"));
	assert_int_equal(ingest_alertmanager("{\"a\":1}\0{}", 10, &tctx, &res,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, "a NUL byte in the body"));
}

static void
test_refuses_duplicate_keys(void **state)
{
	struct ingest_result res;
	char err[256];

	assert_refused(am_text("{\"groupKey\":\"a\",\"groupKey\":\"b\","
	    "\"alerts\":[]}", &res, err, sizeof err), &res, err,
	    "duplicate object key");
}

static void
test_am_refuses_alerts_that_are_not_an_array(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "single-warning.json");

	json_object_set_new(j, "alerts", json_object());
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "alerts: expected an array, got an object");
}

static void
test_am_refuses_label_value_that_is_a_number(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "storm-40-firing.json");

	json_object_set_new(json_object_get(json_array_get(json_object_get(j,
	    "alerts"), 3), "labels"), "severity", json_integer(2));
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "alerts[3].labels.severity: expected a string, got a number");
}

static void
test_am_refuses_bad_alert_fields_naming_them(void **state)
{
	static const struct {
		const char *field;
		json_t *(*value)(void);
		const char *reason;
	} cases[] = {
		{ "status", json_true, "alerts[0].status: expected a string" },
		{ "fingerprint", json_null, "alerts[0].fingerprint: missing" },
		{ "startsAt", json_null, "alerts[0].startsAt: missing" },
		{ "annotations", json_array,
		    "alerts[0].annotations: expected an object, got an array" },
	};
	struct ingest_result res;
	char err[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = load(AM_DIR "single-warning.json");

		json_object_set_new(json_array_get(json_object_get(j,
		    "alerts"), 0), cases[i].field, cases[i].value());
		assert_refused(am_json(j, &res, err, sizeof err), &res, err,
		    cases[i].reason);
	}
	{
		json_t *j = load(AM_DIR "single-warning.json");

		json_object_set_new(json_array_get(json_object_get(j,
		    "alerts"), 0), "startsAt", json_string("yesterday"));
		assert_refused(am_json(j, &res, err, sizeof err), &res, err,
		    "alerts[0].startsAt: \"yesterday\" is not an RFC 3339 time");
	}
	{
		json_t *j = load(AM_DIR "single-warning.json");

		json_object_set_new(json_array_get(json_object_get(j,
		    "alerts"), 0), "status", json_string("pending"));
		assert_refused(am_json(j, &res, err, sizeof err), &res, err,
		    "alerts[0].status: expected \"firing\" or \"resolved\"");
	}
}

static void
test_am_refuses_empty_alerts(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "single-warning.json");

	json_object_set_new(j, "alerts", json_array());
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "no alerts");
}

static void
test_am_refuses_missing_groupkey(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "single-warning.json");

	json_object_del(j, "groupKey");
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "groupKey: missing");
	j = load(AM_DIR "single-warning.json");
	json_object_set_new(j, "groupKey", json_string(""));
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "groupKey: empty");
	j = load(AM_DIR "single-warning.json");
	json_object_set_new(j, "version", json_integer(4));
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "version: expected a string");
}

/* A 15,000-alert group (about 16 MB, as Alertmanager sends one with
 * max_alerts 0) is one group of 15,000 alerts, not a refusal that
 * Alertmanager would retry for ever. */
static void
test_am_15000_alert_group_of_16mb_accepted(void **state)
{
	struct ingest_result res;
	char err[256] = "", fp[17], inst[32];
	json_t *j = load(AMR_DIR "nostart-firing.json");
	json_t *alerts = json_object_get(j, "alerts");
	json_t *one = json_deep_copy(json_array_get(alerts, 0));
	char desc[740];
	char *body;
	size_t len;

	memset(desc, 'x', sizeof desc - 1);
	desc[sizeof desc - 1] = '\0';
	json_object_set_new(json_object_get(one, "annotations"), "description",
	    json_string(desc));
	json_array_clear(alerts);
	for (int i = 0; i < 15000; i++) {
		json_t *a = json_deep_copy(one);

		snprintf(fp, sizeof fp, "%016x", i + 1);
		snprintf(inst, sizeof inst, "api-%05d", i);
		json_object_set_new(a, "fingerprint", json_string(fp));
		json_object_set_new(json_object_get(a, "labels"), "instance",
		    json_string(inst));
		json_array_append_new(alerts, a);
	}
	json_decref(one);
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	len = strlen(body);
	assert_true(len > 15 * 1000 * 1000 && len < 17 * 1000 * 1000);
	if (ingest_alertmanager(body, len, &tctx, &res, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(res.n_groups, 1);
	assert_int_equal(res.groups[0].n_alerts, 15000);
	assert_string_equal(res.groups[0].title,
	    "HighLatency \xe2\x80\x94 15000 alerts");
	ingest_result_free(&res);
	free(body);
}

static void
test_am_refuses_more_than_max_alerts(void **state)
{
	struct ingest_result res;
	char err[256];
	json_t *j = load(AM_DIR "single-warning.json");
	json_t *alerts = json_object_get(j, "alerts");
	json_t *one = json_array_get(alerts, 0);

	while (json_array_size(alerts) < INGEST_MAX_ALERTS + 1)
		json_array_append(alerts, one);
	assert_refused(am_json(j, &res, err, sizeof err), &res, err,
	    "20001 alerts in one body");
}

/* ---- Events v2 -------------------------------------------------------- */

static void
test_ev2_trigger_becomes_group_keyed_by_dedup_key(void **state)
{
	struct ingest_result res;
	char **errors;
	size_t n_errors;
	const struct ingest_group *g;
	const struct wr_alert *a;

	assert_int_equal(ev2_file(EV2_DIR "trigger.json", &res, &errors,
	    &n_errors), 0);
	assert_null(errors);
	assert_int_equal(n_errors, 0);
	assert_int_equal(res.n_groups, 1);
	assert_int_equal(res.n_actions, 0);
	assert_string_equal(res.dedup_key, "payments-db-replication-lag");
	g = &res.groups[0];
	assert_string_equal(g->source, "events-v2");
	assert_string_equal(g->key, "payments-db-replication-lag");
	assert_string_equal(g->title, "Replication lag on payments-db-2 is 340s");
	assert_string_equal(g->service, "postgres");	/* component */
	assert_int_equal(g->severity, WR_SEV_CRITICAL);
	assert_null(g->severity_raw);
	assert_int_equal(g->n_alerts, 1);
	a = &g->alerts[0];
	assert_string_equal(a->fingerprint, "payments-db-replication-lag");
	/* It started at its payload.timestamp (2026-11-20T08:42:10Z). */
	assert_int_equal(a->starts, 1795164130000LL);
	assert_true(a->firing);
	assert_string_equal(wr_kvlist_get(&a->labels, "source"),
	    "payments-db-2.prod");
	assert_string_equal(wr_kvlist_get(&a->labels, "group"), "payments");
	assert_string_equal(wr_kvlist_get(&a->labels, "class"), "replication");
	assert_string_equal(wr_kvlist_get(&a->labels, "details.lag_seconds"),
	    "340");
	assert_string_equal(wr_kvlist_get(&a->labels, "details.primary"),
	    "payments-db-1.prod");
	assert_null(wr_kvlist_get(&a->labels, "routing_key"));
	assert_string_equal(wr_kvlist_get(&a->annotations, "timestamp"),
	    "2026-11-20T08:42:10.000+00:00");
	assert_string_equal(wr_kvlist_get(&a->annotations, "link"),
	    "https://grafana.example/d/pg-replication");
	assert_string_equal(wr_kvlist_get(&a->annotations, "client"),
	    "Datadog Monitor");
	assert_string_equal(wr_kvlist_get(&a->annotations, "client_url"),
	    "https://monitors.example/123");
	ingest_result_free(&res);
}

static void
test_ev2_trigger_without_dedup_key_gets_a_fresh_32_hex_key(void **state)
{
	struct ingest_result r1, r2;
	char **errors;
	size_t n_errors;

	assert_int_equal(ev2_file(EV2_DIR "trigger-no-dedup-key.json", &r1,
	    &errors, &n_errors), 0);
	assert_int_equal(ev2_file(EV2_DIR "trigger-no-dedup-key.json", &r2,
	    &errors, &n_errors), 0);
	assert_true(is_hex32(r1.dedup_key));
	assert_true(is_hex32(r2.dedup_key));
	assert_string_not_equal(r1.dedup_key, r2.dedup_key);
	assert_string_equal(r1.groups[0].key, r1.dedup_key);
	assert_string_equal(r1.groups[0].alerts[0].fingerprint, r1.dedup_key);
	assert_string_equal(r1.groups[0].title,
	    "Queue depth above 10k on orders-consumer");
	/* No payload.timestamp: it started when it arrived. */
	assert_int_equal(r1.groups[0].alerts[0].starts, T_NOW);
	/* No component or group: the source is the service. */
	assert_string_equal(r1.groups[0].service, "orders-consumer");
	assert_int_equal(r1.groups[0].severity, WR_SEV_WARNING);
	ingest_result_free(&r1);
	ingest_result_free(&r2);
}

static void
test_ev2_acknowledge_and_resolve_become_actions(void **state)
{
	struct ingest_result res;
	char **errors;
	size_t n_errors;

	assert_int_equal(ev2_file(EV2_DIR "acknowledge.json", &res, &errors,
	    &n_errors), 0);
	assert_int_equal(res.n_groups, 0);
	assert_int_equal(res.n_actions, 1);
	assert_int_equal(res.actions[0].kind, WR_OP_ACK);
	assert_string_equal(res.actions[0].key, "payments-db-replication-lag");
	assert_string_equal(res.dedup_key, "payments-db-replication-lag");
	ingest_result_free(&res);

	assert_int_equal(ev2_file(EV2_DIR "resolve.json", &res, &errors,
	    &n_errors), 0);
	assert_int_equal(res.n_actions, 1);
	assert_int_equal(res.actions[0].kind, WR_OP_RESOLVE);
	assert_string_equal(res.actions[0].key, "payments-db-replication-lag");
	ingest_result_free(&res);
}

static int
has_error(char **errors, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(errors[i], what) != NULL)
			return 1;
	return 0;
}

static void
test_ev2_invalid_event_lists_every_problem(void **state)
{
	struct ingest_result res;
	char err[256], **errors;
	size_t n;
	char *long_key = xmalloc(300), *made;
	const char *body;

	body = "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"  \","
	    "\"severity\":\"wobbly\",\"timestamp\":\"soon\",\"component\":7}}";
	assert_int_equal(ingest_events_v2(body, strlen(body), &tctx, &res, err,
	    sizeof err, &errors, &n), -1);
	assert_string_equal(err, "Event object is invalid");
	assert_int_equal(res.n_groups, 0);
	assert_null(res.dedup_key);
	assert_true(has_error(errors, n, "routing_key is required."));
	assert_true(has_error(errors, n, "payload.summary is required."));
	assert_true(has_error(errors, n, "payload.source is required."));
	assert_true(has_error(errors, n, "payload.severity must be critical, "
	    "error, warning or info"));
	assert_true(has_error(errors, n, "not \"wobbly\"."));
	assert_true(has_error(errors, n, "payload.timestamp must be"));
	assert_true(has_error(errors, n, "payload.component must be a string"));
	assert_int_equal(n, 6);
	ingest_errors_free(errors, n);

	memset(long_key, 'k', 299);
	long_key[299] = '\0';
	made = xasprintf("{\"routing_key\":\"r\",\"event_action\":\"resolve\","
	    "\"dedup_key\":\"%s\"}", long_key);
	assert_int_equal(ingest_events_v2(made, strlen(made), &tctx, &res, err,
	    sizeof err, &errors, &n), -1);
	assert_true(has_error(errors, n, "dedup_key is longer than 255"));
	ingest_errors_free(errors, n);
	free(made);
	free(long_key);

	body = "{\"routing_key\":\"r\",\"event_action\":\"acknowledge\"}";
	assert_int_equal(ingest_events_v2(body, strlen(body), &tctx, &res, err,
	    sizeof err, &errors, &n), -1);
	assert_true(has_error(errors, n,
	    "dedup_key is required for acknowledge."));
	ingest_errors_free(errors, n);

	body = "{\"routing_key\":\"r\",\"event_action\":\"snooze\"}";
	assert_int_equal(ingest_events_v2(body, strlen(body), &tctx, &res, err,
	    sizeof err, &errors, &n), -1);
	assert_true(has_error(errors, n, "event_action must be trigger, "
	    "acknowledge or resolve"));
	ingest_errors_free(errors, n);

	/* Without an errors array the message alone comes back. */
	assert_int_equal(ingest_events_v2(body, strlen(body), &tctx, &res, err,
	    sizeof err, NULL, NULL), -1);
	assert_string_equal(err, "Event object is invalid");
}

/* Every real sender's Events v2 body is accepted, the routing_key handed
 * back for the relay to authenticate with, and never made a label. */
static void
test_ev2_every_real_sender_body_accepted_with_its_routing_key(void **state)
{
	static const char *files[] = {
		"grafana-trigger.json", "grafana-resolve.json",
		"go-pagerduty-trigger.json", "go-pagerduty-acknowledge.json",
		"go-pagerduty-resolve.json", "zabbix-trigger.json",
		"zabbix-acknowledge.json", "zabbix-resolve.json",
		"checkmk-trigger.json", "checkmk-resolve.json",
		"kapacitor-trigger.json", "kapacitor-resolve.json",
		"pypd-trigger.json",
	};
	char path[128];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ingest_result res;
		char **errors = NULL;
		size_t n_errors = 0;
		json_t *j;

		snprintf(path, sizeof path, EV2_DIR "%s", files[i]);
		j = load(path);
		if (ev2_file(path, &res, &errors, &n_errors) != 0)
			fail_msg("%s refused: %s", files[i], n_errors > 0 ?
			    errors[0] : "?");
		assert_non_null(res.routing_key);
		assert_string_equal(res.routing_key, json_string_value(
		    json_object_get(j, "routing_key")));
		for (size_t g = 0; g < res.n_groups; g++) {
			const struct wr_alert *a = &res.groups[g].alerts[0];

			for (size_t k = 0; k < a->labels.n; k++)
				assert_null(strstr(a->labels.v[k].value,
				    res.routing_key));
		}
		json_decref(j);
		ingest_result_free(&res);
	}
}

static void
test_ev2_refuses_timestamp_past_year_9999(void **state)
{
	struct ingest_result res;
	char **errors = NULL;
	size_t n_errors = 0;
	char err[256];
	json_t *j = load(EV2_DIR "go-pagerduty-trigger.json");
	char *body;

	json_object_set_new(json_object_get(j, "payload"), "timestamp",
	    json_string("9999-12-31T23:59:59-23:59"));
	body = json_dumps(j, JSON_COMPACT);
	assert_int_equal(ingest_events_v2(body, strlen(body), &tctx, &res, err,
	    sizeof err, &errors, &n_errors), -1);
	assert_true(has_error(errors, n_errors,
	    "payload.timestamp is outside the years 0000-9999 UTC"));
	ingest_errors_free(errors, n_errors);
	free(body);
	json_decref(j);
}

/* Events v2 payload.severity through the same table: P1 and high are
 * accepted (critical, error) with the word kept; a word no table knows is
 * still refused, as PagerDuty refuses it. */
static void
test_ev2_severity_words_from_the_table(void **state)
{
	static const struct {
		const char *word;
		wr_severity level;
	} words[] = {
		{ "P1", WR_SEV_CRITICAL }, { "high", WR_SEV_ERROR },
		{ "Warning", WR_SEV_WARNING },
	};
	struct ingest_result res;
	char **errors = NULL;
	size_t n_errors = 0;
	char err[256];

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		json_t *j = load(EV2_DIR "zabbix-trigger.json");
		char *body;

		json_object_set_new(json_object_get(j, "payload"), "severity",
		    json_string(words[i].word));
		body = json_dumps(j, JSON_COMPACT);
		assert_int_equal(ingest_events_v2(body, strlen(body), &tctx,
		    &res, err, sizeof err, &errors, &n_errors), 0);
		assert_int_equal(res.groups[0].severity, words[i].level);
		assert_string_equal(res.groups[0].severity_raw, words[i].word);
		ingest_result_free(&res);
		free(body);
		json_decref(j);
	}
	{
		json_t *j = load(EV2_DIR "zabbix-trigger.json");
		char *body;

		json_object_set_new(json_object_get(j, "payload"), "severity",
		    json_string("wobbly"));
		body = json_dumps(j, JSON_COMPACT);
		assert_int_equal(ingest_events_v2(body, strlen(body), &tctx,
		    &res, err, sizeof err, &errors, &n_errors), -1);
		assert_true(has_error(errors, n_errors, "payload.severity"));
		ingest_errors_free(errors, n_errors);
		free(body);
		json_decref(j);
	}
}

static void
test_ev2_refuses_bodies_json_strict_refuses(void **state)
{
	struct ingest_result res;
	char err[256], **errors;
	size_t n;
	const char *dup = "{\"routing_key\":\"r\",\"routing_key\":\"s\"}";
	const char *nul = "{\"routing_key\":\"r\\u0000\"}";

	assert_int_equal(ingest_events_v2(dup, strlen(dup), &tctx, &res, err,
	    sizeof err, &errors, &n), -1);
	assert_int_equal(n, 1);
	assert_non_null(strstr(errors[0], "duplicate object key"));
	assert_string_equal(err, errors[0]);
	ingest_errors_free(errors, n);
	assert_int_equal(ingest_events_v2(nul, strlen(nul), &tctx, &res, err,
	    sizeof err, &errors, &n), -1);
	assert_non_null(strstr(err, "\\u0000"));
	ingest_errors_free(errors, n);
}

/* ---- through the reducer ---------------------------------------------- */

static void
test_reducer_storm_then_partly_resolved_leaves_the_rest_firing(void **state)
{
	struct wr_room r;
	struct ingest_result res;
	struct wr_incident *inc;
	char err[256];
	size_t still_firing = 0;

	wr_room_init(&r, 1);
	assert_int_equal(am_file(AM_DIR "storm-40-firing.json", &res, err,
	    sizeof err), 0);
	/* TRIGGERED, then one ALERT_FIRING per alert. */
	assert_int_equal(deliver(&r, &res, 1000), 41);
	ingest_result_free(&res);
	inc = wr_room_find_key(&r, "alertmanager", "test-token",
	    "{}:{alertname=\"NodeDown\", service=\"edge\"}");
	assert_non_null(inc);
	assert_int_equal(inc->n_firing, 40);
	assert_string_equal(inc->title, "NodeDown \xe2\x80\x94 40 alerts");

	assert_int_equal(am_file(AM_DIR "storm-40-partly-resolved.json", &res,
	    err, sizeof err), 0);
	for (size_t i = 0; i < res.groups[0].n_alerts; i++)
		still_firing += res.groups[0].alerts[i].firing;
	assert_int_equal(deliver(&r, &res, 2000), 40 - still_firing);
	ingest_result_free(&res);
	assert_int_equal(inc->n_firing, (int)still_firing);
	assert_int_equal(inc->n_alerts, 40);
	assert_int_equal(inc->state, WR_ST_TRIGGERED);
	assert_int_equal(r.n_incidents, 1);
	wr_room_free(&r);
}

static void
test_reducer_same_body_twice_plans_nothing_the_second_time(void **state)
{
	static const char *files[] = {
		AM_DIR "storm-40-firing.json",
		AM_DIR "storm-40-partly-resolved.json",
		AM_DIR "single-warning.json",
		AM_DIR "unicode-labels.json",
		HOSTILE_DIR "alertmanager-hostile.json",
	};
	struct wr_room r;
	struct ingest_result res;
	char err[256];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		wr_room_init(&r, 1);
		assert_int_equal(am_file(files[i], &res, err, sizeof err), 0);
		assert_true(deliver(&r, &res, 1000) > 0);
		ingest_result_free(&res);
		assert_int_equal(am_file(files[i], &res, err, sizeof err), 0);
		assert_int_equal(deliver(&r, &res, 2000), 0);
		ingest_result_free(&res);
		wr_room_free(&r);
	}

	/* Events v2: a repeated trigger with the same dedup_key is the same
	 * occurrence. */
	wr_room_init(&r, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ev2_file(EV2_DIR "trigger.json", &res, NULL,
		    NULL), 0);
		assert_int_equal(deliver(&r, &res, 1000 + i), i == 0 ? 2 : 0);
		ingest_result_free(&res);
	}
	assert_int_equal(r.n_incidents, 1);
	wr_room_free(&r);
}

/* group_by: [] from a real Alertmanager: one incident holding every
 * alert; two resolving leaves it open with the rest firing. */
static void
test_reducer_group_by_nothing_is_one_incident(void **state)
{
	struct wr_room r;
	struct ingest_result res;
	struct wr_incident *inc;
	char err[256];

	wr_room_init(&r, 1);
	assert_int_equal(am_file(AMR_DIR "group-by-nothing-firing.json", &res,
	    err, sizeof err), 0);
	deliver(&r, &res, 1000);
	ingest_result_free(&res);
	assert_int_equal(r.n_incidents, 1);
	inc = wr_room_find_key(&r, "alertmanager", "test-token", "{}:{}");
	assert_non_null(inc);
	assert_int_equal(inc->n_firing, 9);
	assert_int_equal(am_file(AMR_DIR "group-by-nothing-partly-resolved.json",
	    &res, err, sizeof err), 0);
	deliver(&r, &res, 2000);
	ingest_result_free(&res);
	assert_int_equal(r.n_incidents, 1);
	assert_int_equal(inc->n_firing, 7);
	assert_int_not_equal(inc->state, WR_ST_RESOLVED);
	wr_room_free(&r);
}

/* A sender repeating a trigger (Zabbix, Checkmk, Grafana do, with no
 * payload.timestamp) repeats the same alert: one incident, one alert, not
 * one more occurrence for each arrival time. */
static void
test_reducer_ev2_repeated_trigger_is_one_alert(void **state)
{
	struct wr_room r;
	struct ingest_result res;
	struct ingest_ctx later = { T_NOW + 60000, NULL };
	size_t len;
	char *body = slurp(EV2_DIR "zabbix-trigger.json", &len);
	char err[256];
	struct wr_incident *inc;

	wr_room_init(&r, 1);
	assert_int_equal(ingest_events_v2(body, len, &tctx, &res, err,
	    sizeof err, NULL, NULL), 0);
	deliver(&r, &res, T_NOW);
	ingest_result_free(&res);
	assert_int_equal(ingest_events_v2(body, len, &later, &res, err,
	    sizeof err, NULL, NULL), 0);
	assert_int_equal(deliver(&r, &res, T_NOW + 60000), 0);
	ingest_result_free(&res);
	free(body);
	assert_int_equal(r.n_incidents, 1);
	inc = wr_room_find_key(&r, "events-v2", "test-token", "4821");
	assert_non_null(inc);
	assert_int_equal(inc->n_alerts, 1);
	assert_int_equal(inc->n_firing, 1);
	assert_int_equal(inc->alerts[0].starts, T_NOW);
	wr_room_free(&r);
}

/* A real Alertmanager's resolve of alerts raised and expired with amtool
 * without --start, the end before they began: it sends startsAt = endsAt,
 * both before the firing startsAt.  That is the resolve of those alerts
 * (Alertmanager holds one alert per fingerprint), so 5 of the 10 resolve. */
static void
test_reducer_resolve_with_starts_equal_ends_before_the_start(void **state)
{
	struct wr_room r;
	struct ingest_result res;
	struct wr_incident *inc;
	char err[256] = "";

	wr_room_init(&r, 1);
	assert_int_equal(am_file(AMR_DIR "nostart-firing.json", &res, err,
	    sizeof err), 0);
	deliver(&r, &res, 1000);
	ingest_result_free(&res);
	inc = wr_room_find_key(&r, "alertmanager", "test-token",
	    "{}:{alertname=\"HighLatency\", service=\"api\"}");
	assert_non_null(inc);
	assert_int_equal(inc->n_firing, 10);
	assert_int_equal(am_file(AMR_DIR "nostart-resolve-starts-equals-ends.json",
	    &res, err, sizeof err), 0);
	assert_true(res.groups[0].alerts[0].starts ==
	    res.groups[0].alerts[0].ends);
	deliver(&r, &res, 2000);
	ingest_result_free(&res);
	assert_int_equal(inc->n_firing, 5);
	assert_int_not_equal(inc->state, WR_ST_RESOLVED);
	wr_room_free(&r);
}

static void
test_reducer_ev2_acknowledge_acks_the_triggered_incident(void **state)
{
	struct wr_room r;
	struct ingest_result res;
	struct wr_incident *inc;
	struct wr_op op;
	struct wr_event e;
	char err[256];

	wr_room_init(&r, 1);
	assert_int_equal(ev2_file(EV2_DIR "trigger.json", &res, NULL, NULL), 0);
	assert_int_equal(deliver(&r, &res, 1000), 2);
	ingest_result_free(&res);

	assert_int_equal(ev2_file(EV2_DIR "acknowledge.json", &res, NULL,
	    NULL), 0);
	inc = wr_room_find_key(&r, "events-v2", "test-token", res.actions[0].key);
	assert_non_null(inc);
	memset(&op, 0, sizeof op);
	op.kind = res.actions[0].kind;
	op.incident = inc->id;
	op.actor = "events-v2";
	op.now = 2000;
	assert_int_equal(wr_room_plan_op(&r, &op, &e, err, sizeof err),
	    WR_PLAN_EVENT);
	e.seq = r.last_seq + 1;
	assert_int_equal(wr_room_apply(&r, &e, err, sizeof err), WR_APPLY_OK);
	wr_event_free(&e);
	ingest_result_free(&res);
	assert_int_equal(inc->state, WR_ST_ACKNOWLEDGED);
	assert_string_equal(inc->ack_by, "events-v2");
	wr_room_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_am_single_warning_title_service_severity_from_labels),
		cmocka_unit_test(test_am_labels_and_annotations_keep_body_order),
		cmocka_unit_test(test_am_storm_40_firing_is_one_group_keyed_by_groupkey),
		cmocka_unit_test(test_am_storm_partly_resolved_counts_match_the_file),
		cmocka_unit_test(test_am_unicode_labels_kept_byte_exact),
		cmocka_unit_test(test_am_hostile_text_accepted_and_stored_byte_exact),
		cmocka_unit_test(test_am_unknown_severity_is_warning_with_raw_kept),
		cmocka_unit_test(test_am_service_falls_back_to_job_label),
		cmocka_unit_test(test_am_group_by_nothing_is_one_group),
		cmocka_unit_test(test_am_grafana_version_1_body_accepted),
		cmocka_unit_test(test_am_truncated_alerts_count_reaches_the_group),
		cmocka_unit_test(test_am_truncated_resolved_status_marks_only_the_alerts_sent),
		cmocka_unit_test(test_am_refuses_truncated_alerts_that_is_not_a_count),
		cmocka_unit_test(test_am_group_severity_is_the_highest_firing),
		cmocka_unit_test(test_grafana_datasource_alerts_are_titled_by_rule),
		cmocka_unit_test(test_grafana_datasource_title_lists_three_rules),
		cmocka_unit_test(test_am_refuses_times_past_year_9999_naming_the_field),
		cmocka_unit_test(test_am_severity_words_from_the_table),
		cmocka_unit_test(test_am_priority_label_read_when_no_severity),
		cmocka_unit_test(test_am_api_group_gives_the_alerts_a_truncated_delivery_left_out),
		cmocka_unit_test(test_reducer_api_group_completes_a_truncated_incident),
		cmocka_unit_test(test_am_each_alert_has_its_own_severity),
		cmocka_unit_test(test_refuses_malformed_json_with_line_and_column),
		cmocka_unit_test(test_refuses_invalid_utf8_saying_so),
		cmocka_unit_test(test_refuses_nul_escape_instead_of_truncating),
		cmocka_unit_test(test_refuses_duplicate_keys),
		cmocka_unit_test(test_am_refuses_alerts_that_are_not_an_array),
		cmocka_unit_test(test_am_refuses_label_value_that_is_a_number),
		cmocka_unit_test(test_am_refuses_bad_alert_fields_naming_them),
		cmocka_unit_test(test_am_refuses_empty_alerts),
		cmocka_unit_test(test_am_refuses_missing_groupkey),
		cmocka_unit_test(test_am_15000_alert_group_of_16mb_accepted),
		cmocka_unit_test(test_am_refuses_more_than_max_alerts),
		cmocka_unit_test(test_ev2_trigger_becomes_group_keyed_by_dedup_key),
		cmocka_unit_test(test_ev2_trigger_without_dedup_key_gets_a_fresh_32_hex_key),
		cmocka_unit_test(test_ev2_acknowledge_and_resolve_become_actions),
		cmocka_unit_test(test_ev2_invalid_event_lists_every_problem),
		cmocka_unit_test(test_ev2_every_real_sender_body_accepted_with_its_routing_key),
		cmocka_unit_test(test_ev2_refuses_timestamp_past_year_9999),
		cmocka_unit_test(test_ev2_severity_words_from_the_table),
		cmocka_unit_test(test_ev2_refuses_bodies_json_strict_refuses),
		cmocka_unit_test(test_reducer_storm_then_partly_resolved_leaves_the_rest_firing),
		cmocka_unit_test(test_reducer_same_body_twice_plans_nothing_the_second_time),
		cmocka_unit_test(test_reducer_group_by_nothing_is_one_incident),
		cmocka_unit_test(test_reducer_ev2_repeated_trigger_is_one_alert),
		cmocka_unit_test(test_reducer_resolve_with_starts_equal_ends_before_the_start),
		cmocka_unit_test(test_reducer_ev2_acknowledge_acks_the_triggered_incident),
	};

	return cmocka_run_group_tests_name("ingest", tests, NULL, NULL);
}
