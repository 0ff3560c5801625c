/*
 * ingest-alertmanager.c: the Alertmanager webhook adapter (ingest.h), and
 * the parts of ingest.h that every adapter shares (results, severities, the
 * wr_group_input view).
 *
 * Alertmanager POSTs the whole group on every delivery (version "4"; Grafana
 * sends version "1" with extra fields, which are ignored here) and retries
 * on 5xx, so the same group arrives again and again: the reducer, not this
 * file, decides what is new.  This file only checks the shape of the body,
 * with a reason naming the field at fault, and normalises it: one group per
 * delivery keyed by groupKey, always.  An Alertmanager group is one incident,
 * as Alertmanager and PagerDuty treat it: a route with `group_by: []` (groupKey
 * "{}:{}") puts every alert in one group, and with max_alerts splitting it
 * would hide the alerts that were not sent.  With max_alerts, Alertmanager
 * sends only the first alerts and says how many it left out
 * (truncatedAlerts); its group "status" is then computed from the alerts it
 * sent, so it is never read here: the count goes to the reducer, which never
 * resolves on such a delivery.  Labels and annotations are kept in the order
 * the body gave them (jansson iterates objects in insertion order since 2.8)
 * and byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/severity.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/ingest.h"
#include "net/json-strict.h"

/* ---- shared by every adapter ----------------------------------------- */

struct ingest_group *
ingest_result_add_group(struct ingest_result *r)
{
	struct ingest_group *g;

	r->groups = xrealloc(r->groups, (r->n_groups + 1) * sizeof *r->groups);
	g = &r->groups[r->n_groups++];
	memset(g, 0, sizeof *g);
	return g;
}

int
ingest_severity_word(const struct ingest_ctx *ctx, const char *word,
    wr_severity *out)
{
	return wr_severity_word(ctx != NULL ? ctx->severity : NULL, word, out);
}

void
ingest_result_free(struct ingest_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_groups; i++) {
		struct ingest_group *g = &r->groups[i];

		free(g->source);
		free(g->key);
		free(g->title);
		free(g->service);
		free(g->severity_raw);
		wr_kvlist_free(&g->group_labels);
		free(g->receiver);
		for (size_t j = 0; j < g->n_alerts; j++)
			wr_alert_free(&g->alerts[j]);
		free(g->alerts);
	}
	free(r->groups);
	for (size_t i = 0; i < r->n_actions; i++)
		free(r->actions[i].key);
	free(r->actions);
	free(r->dedup_key);
	if (r->routing_key != NULL)
		memset(r->routing_key, 0, strlen(r->routing_key));
	free(r->routing_key);
	memset(r, 0, sizeof *r);
}

void
ingest_group_input(const struct ingest_group *g, int64_t now,
    const char *via, struct wr_group_input *in)
{
	memset(in, 0, sizeof *in);
	in->source = g->source;
	in->key = g->key;
	in->title = g->title;
	in->service = g->service;
	in->severity = g->severity;
	in->severity_raw = g->severity_raw;
	in->alerts = g->alerts;
	in->n_alerts = g->n_alerts;
	in->truncated = g->truncated;
	/* PagerDuty's rule: after a resolve, a trigger with the same
	 * dedup_key opens a new incident. */
	in->new_after_resolve = strcmp(g->source, INGEST_SOURCE_EVENTS_V2) == 0;
	in->repeat_by_fingerprint = in->new_after_resolve;
	in->actor = g->source;
	in->via = via;
	in->now = now;
}

/* ---- Alertmanager ----------------------------------------------------- */

/* The member, or NULL when it is absent or JSON null. */
static json_t *
member(const json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return json_is_null(v) ? NULL : v;
}

/* Copy an object of strings into out.  Paths and keys in reasons are cut
 * short: a key is whatever the sender chose. */
static int
kv_parse(const json_t *obj, const char *path, struct wr_kvlist *out,
    char *err, size_t errsz)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, errsz, "%s: expected an object, got %s", path,
		    json_strict_type_name(obj));
		return -1;
	}
	json_object_foreach((json_t *)obj, k, v) {
		if (!json_is_string(v)) {
			snprintf(err, errsz, "%s.%.64s: expected a string, "
			    "got %s", path, k, json_strict_type_name(v));
			return -1;
		}
		wr_kvlist_add(out, k, json_string_value(v));
	}
	return 0;
}

/* A required string member; *out borrows from obj. */
static int
string_member(const json_t *obj, const char *name, const char *path,
    int nonempty, const char **out, char *err, size_t errsz)
{
	json_t *v = member(obj, name);

	if (v == NULL) {
		snprintf(err, errsz, "%s%s%s: missing", path, *path ? "." : "",
		    name);
		return -1;
	}
	if (!json_is_string(v)) {
		snprintf(err, errsz, "%s%s%s: expected a string, got %s", path,
		    *path ? "." : "", name, json_strict_type_name(v));
		return -1;
	}
	if (nonempty && json_string_length(v) == 0) {
		snprintf(err, errsz, "%s%s%s: empty", path, *path ? "." : "",
		    name);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

static int
time_member(const json_t *obj, const char *name, const char *path,
    int64_t *ms, char *err, size_t errsz)
{
	const char *s;

	int rc;

	if (string_member(obj, name, path, 1, &s, err, errsz) != 0)
		return -1;
	if ((rc = wr_time_parse(s, ms)) == WR_TIME_OUT_OF_RANGE) {
		snprintf(err, errsz, "%s.%s: \"%.40s\" is outside the years "
		    "0000-9999 UTC", path, name, s);
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errsz, "%s.%s: \"%.40s\" is not an RFC 3339 time",
		    path, name, s);
		return -1;
	}
	return 0;
}

static int
alert_parse(const json_t *a, size_t i, struct wr_alert *out, char *err,
    size_t errsz)
{
	char path[48];
	const char *status, *fp;
	json_t *v;

	snprintf(path, sizeof path, "alerts[%zu]", i);
	if (!json_is_object(a)) {
		snprintf(err, errsz, "%s: expected an object, got %s", path,
		    json_strict_type_name(a));
		return -1;
	}
	if (string_member(a, "status", path, 0, &status, err, errsz) != 0)
		return -1;
	if (strcmp(status, "firing") != 0 && strcmp(status, "resolved") != 0) {
		snprintf(err, errsz, "%s.status: expected \"firing\" or "
		    "\"resolved\", got \"%.20s\"", path, status);
		return -1;
	}
	if (string_member(a, "fingerprint", path, 1, &fp, err, errsz) != 0)
		return -1;
	if (time_member(a, "startsAt", path, &out->starts, err, errsz) != 0 ||
	    time_member(a, "endsAt", path, &out->ends, err, errsz) != 0)
		return -1;
	out->fingerprint = xstrdup(fp);
	out->firing = strcmp(status, "firing") == 0;

	if ((v = member(a, "labels")) == NULL) {
		snprintf(err, errsz, "%s.labels: missing", path);
		return -1;
	}
	snprintf(path, sizeof path, "alerts[%zu].labels", i);
	if (kv_parse(v, path, &out->labels, err, errsz) != 0)
		return -1;
	snprintf(path, sizeof path, "alerts[%zu].annotations", i);
	if ((v = member(a, "annotations")) != NULL &&
	    kv_parse(v, path, &out->annotations, err, errsz) != 0)
		return -1;
	return 0;
}

/* The first non-empty value of name in a, else in b (either may be NULL).
 * Prometheus drops empty labels, so "" is treated as absent. */
static const char *
pick(const struct wr_kvlist *a, const struct wr_kvlist *b, const char *name)
{
	const char *v = a != NULL ? wr_kvlist_get(a, name) : NULL;

	if (v != NULL && v[0] != '\0')
		return v;
	v = b != NULL ? wr_kvlist_get(b, name) : NULL;
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Service from labels: a first, then b; "job" when neither names one. */
static void
group_service(struct ingest_group *g, const struct wr_kvlist *a,
    const struct wr_kvlist *b)
{
	const char *svc = pick(a, b, "service");

	if (svc == NULL)
		svc = pick(a, b, "job");
	g->service = xstrdup(svc != NULL ? svc : "");
}

/* The severity word of an alert's labels: "severity", else "priority"
 * (priority: P0 with no severity label), else NULL. */
static const char *
severity_word(const struct wr_kvlist *labels)
{
	const char *w = pick(labels, NULL, "severity");

	return w != NULL ? w : pick(labels, NULL, "priority");
}

/* Each alert's own severity (struct wr_alert.severity): its word read by
 * ingest_severity_word(), warning when it names none or one no table
 * knows.  (commonLabels cannot name one that an alert lacks.) */
static void
alert_severities(struct wr_alert *alerts, size_t n,
    const struct ingest_ctx *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const char *w = severity_word(&alerts[i].labels);

		if (w == NULL ||
		    ingest_severity_word(ctx, w, &alerts[i].severity) != 0)
			alerts[i].severity = WR_SEV_WARNING;
	}
}

/*
 * The group's severity: the highest among its firing alerts (among all of
 * them when none fires), each alert's word read by ingest_severity_word();
 * warning when no alert names one.  severity_raw is the word that gave it,
 * unless that word was exactly one of ours.
 */
static void
group_severity(struct ingest_group *g, const struct wr_alert *alerts,
    size_t n, const struct wr_kvlist *common, const struct ingest_ctx *ctx)
{
	const char *best_word = NULL;
	wr_severity best = WR_SEV_COUNT;
	int any_firing = 0;

	for (size_t i = 0; i < n; i++)
		any_firing |= alerts[i].firing;
	for (size_t i = 0; i < n; i++) {
		const char *w;
		wr_severity sev;

		if (any_firing && !alerts[i].firing)
			continue;
		if ((w = severity_word(&alerts[i].labels)) == NULL)
			continue;
		if (ingest_severity_word(ctx, w, &sev) != 0)
			sev = WR_SEV_WARNING;
		if (sev < best) {
			best = sev;
			best_word = w;
		}
	}
	if (best_word == NULL && (best_word = severity_word(common)) != NULL &&
	    ingest_severity_word(ctx, best_word, &best) != 0)
		best = WR_SEV_WARNING;
	g->severity = best_word != NULL ? best : WR_SEV_WARNING;
	if (best_word != NULL &&
	    strcmp(best_word, wr_severity_name(g->severity)) != 0)
		g->severity_raw = xstrdup(best_word);
}

/* Grafana names its own alerts for a query that returned nothing or failed
 * this way, whatever the rule; the rule's title is its "rulename" label. */
static int
grafana_own_alert(const char *alertname)
{
	return alertname != NULL && (strcmp(alertname, "DatasourceNoData") == 0 ||
	    strcmp(alertname, "DatasourceError") == 0);
}

#define TITLE_RULES	3	/* rule names listed in a title */

/* "DatasourceNoData: Exporter not scraping, Disk full": the distinct rule
 * names of the alerts called name, in body order, the first TITLE_RULES of
 * them and "and others" past that. */
static char *
grafana_own_title(const char *name, const struct wr_alert *alerts, size_t n)
{
	const char *rules[TITLE_RULES];
	size_t n_rules = 0;
	int others = 0;
	char *t, *u;

	for (size_t i = 0; i < n; i++) {
		const char *an = pick(&alerts[i].labels, NULL, "alertname");
		const char *rn = pick(&alerts[i].labels, NULL, "rulename");
		size_t k;

		if (rn == NULL || an == NULL || strcmp(an, name) != 0)
			continue;
		for (k = 0; k < n_rules; k++)
			if (strcmp(rules[k], rn) == 0)
				break;
		if (k < n_rules)
			continue;
		if (n_rules == TITLE_RULES)
			others = 1;
		else
			rules[n_rules++] = rn;
	}
	if (n_rules == 0)
		return xstrdup(name);
	t = xasprintf("%s: %s", name, rules[0]);
	for (size_t k = 1; k < n_rules; k++) {
		u = xasprintf("%s, %s", t, rules[k]);
		free(t);
		t = u;
	}
	if (others) {
		u = xasprintf("%s and others", t);
		free(t);
		t = u;
	}
	return t;
}

/*
 * The group's title: the common summary (or the one alert's summary);
 * else its alertname, with the number of alerts in the group when more
 * than one (counting those Alertmanager did not send).  Grafana's own
 * DatasourceNoData and DatasourceError alerts name their rules instead:
 * their summary, if any, is the rule's, which is not what went wrong.
 */
static char *
group_title(const char *group_key, const struct wr_alert *alerts, size_t n,
    int64_t truncated, const struct wr_kvlist *common_labels,
    const struct wr_kvlist *common_ann)
{
	const char *name = pick(common_labels, &alerts[0].labels, "alertname");
	const char *t = pick(common_ann, NULL, "summary");
	uint64_t total = (uint64_t)n + (uint64_t)truncated;
	char *base, *full;

	if (t == NULL && n == 1)
		t = pick(&alerts[0].annotations, NULL, "summary");
	if (grafana_own_alert(name))
		base = grafana_own_title(name, alerts, n);
	else if (t != NULL)
		return xstrdup(t);
	else
		base = xstrdup(name != NULL ? name : group_key);
	if (total <= 1)
		return base;
	full = xasprintf("%s \xe2\x80\x94 %llu alerts", base,
	    (unsigned long long)total);
	free(base);
	return full;
}

int
ingest_alertmanager(const char *body, size_t len,
    const struct ingest_ctx *ctx, struct ingest_result *out, char *err,
    size_t errsz)
{
	char ebuf[256];
	struct wr_kvlist common_labels = { 0 }, common_ann = { 0 };
	struct wr_kvlist group_labels = { 0 };
	struct wr_alert *alerts = NULL;
	struct ingest_group *g;
	size_t n = 0;
	int64_t truncated = 0;
	const char *group_key, *receiver = NULL;
	json_t *root, *v, *arr;

	memset(out, 0, sizeof *out);
	if (err == NULL || errsz == 0) {
		err = ebuf;
		errsz = sizeof ebuf;
	}
	err[0] = '\0';
	if ((root = json_strict_parse(body, len, err, errsz)) == NULL)
		return -1;

	if ((v = member(root, "version")) != NULL && !json_is_string(v)) {
		snprintf(err, errsz, "version: expected a string, got %s",
		    json_strict_type_name(v));
		goto fail;
	}
	/* Any version string is read the same way: "4" and Grafana's "1"
	 * differ only in fields this adapter ignores. */
	if (string_member(root, "groupKey", "", 1, &group_key, err,
	    errsz) != 0)
		goto fail;
	if ((v = member(root, "truncatedAlerts")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(err, errsz, "truncatedAlerts: expected a "
			    "count (an integer, 0 or more), got %s",
			    json_is_integer(v) ? "a negative number" :
			    json_strict_type_name(v));
			goto fail;
		}
		truncated = json_integer_value(v);
	}
	if ((arr = member(root, "alerts")) == NULL) {
		snprintf(err, errsz, "alerts: missing");
		goto fail;
	}
	if (!json_is_array(arr)) {
		snprintf(err, errsz, "alerts: expected an array, got %s",
		    json_strict_type_name(arr));
		goto fail;
	}
	if (json_array_size(arr) == 0) {
		snprintf(err, errsz, "alerts: no alerts in the body");
		goto fail;
	}
	if (json_array_size(arr) > INGEST_MAX_ALERTS) {
		snprintf(err, errsz, "alerts: %zu alerts in one body, more "
		    "than the %d accepted; split the group (group_by) or lower "
		    "max_alerts in the webhook config", json_array_size(arr),
		    INGEST_MAX_ALERTS);
		goto fail;
	}
	if ((v = member(root, "commonLabels")) != NULL &&
	    kv_parse(v, "commonLabels", &common_labels, err, errsz) != 0)
		goto fail;
	if ((v = member(root, "commonAnnotations")) != NULL &&
	    kv_parse(v, "commonAnnotations", &common_ann, err, errsz) != 0)
		goto fail;
	if ((v = member(root, "groupLabels")) != NULL &&
	    kv_parse(v, "groupLabels", &group_labels, err, errsz) != 0)
		goto fail;
	if ((v = member(root, "receiver")) != NULL) {
		if (!json_is_string(v)) {
			snprintf(err, errsz, "receiver: expected a string, "
			    "got %s", json_strict_type_name(v));
			goto fail;
		}
		receiver = json_string_value(v);
	}

	alerts = xcalloc(json_array_size(arr), sizeof *alerts);
	for (n = 0; n < json_array_size(arr); n++) {
		if (alert_parse(json_array_get(arr, n), n, &alerts[n], err,
		    errsz) != 0) {
			n++;	/* the half-built one is freed too */
			goto fail;
		}
	}

	/* One group, one incident, whatever the route groups by. */
	g = ingest_result_add_group(out);
	g->source = xstrdup(INGEST_SOURCE_ALERTMANAGER);
	g->key = xstrdup(group_key);
	g->title = group_title(group_key, alerts, n, truncated,
	    &common_labels, &common_ann);
	group_service(g, &common_labels, &alerts[0].labels);
	group_severity(g, alerts, n, &common_labels, ctx);
	alert_severities(alerts, n, ctx);
	g->alerts = alerts;	/* moved */
	g->n_alerts = n;
	g->truncated = truncated;
	g->group_labels = group_labels;	/* moved */
	g->receiver = receiver != NULL ? xstrdup(receiver) : NULL;
	wr_kvlist_free(&common_labels);
	wr_kvlist_free(&common_ann);
	json_decref(root);
	return 0;

fail:
	for (size_t i = 0; i < n; i++)
		wr_alert_free(&alerts[i]);
	free(alerts);
	wr_kvlist_free(&group_labels);
	wr_kvlist_free(&common_labels);
	wr_kvlist_free(&common_ann);
	json_decref(root);
	ingest_result_free(out);
	json_strict_ascii(err);
	return -1;
}

/* ---- Alertmanager's API: a whole group ---------------------------------- */

/* Whether obj (an object of strings) is exactly the labels l. */
static int
labels_equal(const json_t *obj, const struct wr_kvlist *l)
{
	if (!json_is_object(obj) || json_object_size(obj) != l->n)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		const json_t *v = json_object_get(obj, l->v[i].key);

		if (!json_is_string(v) ||
		    strcmp(json_string_value(v), l->v[i].value) != 0)
			return 0;
	}
	return 1;
}

/* One alert of the API's answer, as the webhook would have carried it. */
static int
api_alert_parse(const json_t *a, size_t gi, size_t i, struct wr_alert *out,
    char *err, size_t errsz)
{
	char path[64];
	const char *fp;
	json_t *v;

	snprintf(path, sizeof path, "[%zu].alerts[%zu]", gi, i);
	if (string_member(a, "fingerprint", path, 1, &fp, err, errsz) != 0 ||
	    time_member(a, "startsAt", path, &out->starts, err, errsz) != 0)
		return -1;
	out->fingerprint = xstrdup(fp);
	out->firing = 1;
	if ((v = member(a, "labels")) == NULL) {
		snprintf(err, errsz, "%s.labels: missing", path);
		return -1;
	}
	snprintf(path, sizeof path, "[%zu].alerts[%zu].labels", gi, i);
	if (kv_parse(v, path, &out->labels, err, errsz) != 0)
		return -1;
	snprintf(path, sizeof path, "[%zu].alerts[%zu].annotations", gi, i);
	if ((v = member(a, "annotations")) != NULL &&
	    kv_parse(v, path, &out->annotations, err, errsz) != 0)
		return -1;
	return 0;
}

static const char *
api_alert_state(const json_t *a)
{
	const json_t *st = json_object_get(a, "status");

	return json_string_value(json_object_get(st, "state"));
}

int
ingest_alertmanager_api_group(const char *body, size_t len,
    const struct ingest_ctx *ctx, const char *key, const char *receiver,
    const struct wr_kvlist *group_labels, struct ingest_result *out,
    char ***present, size_t *n_present, char *err, size_t errsz)
{
	char ebuf[256];
	struct wr_alert *alerts = NULL;
	size_t n = 0, n_api, gi;
	const json_t *grp = NULL, *arr;
	struct ingest_group *g;
	struct wr_kvlist empty = { 0 };
	json_t *root;

	memset(out, 0, sizeof *out);
	*present = NULL;
	*n_present = 0;
	if (err == NULL || errsz == 0) {
		err = ebuf;
		errsz = sizeof ebuf;
	}
	err[0] = '\0';
	if ((root = json_strict_parse_any(body, len, err, errsz)) == NULL)
		return -1;
	if (!json_is_array(root)) {
		snprintf(err, errsz, "expected a list of groups, got %s",
		    json_strict_type_name(root));
		goto fail;
	}
	for (gi = 0; gi < json_array_size(root); gi++) {
		const json_t *c = json_array_get(root, gi);
		const json_t *rcv = json_object_get(c, "receiver");

		if (receiver != NULL && util_strcmp0(json_string_value(
		    json_object_get(rcv, "name")), receiver) != 0)
			continue;
		if (labels_equal(json_object_get(c, "labels"),
		    group_labels != NULL ? group_labels : &empty)) {
			grp = c;
			break;
		}
	}
	if (grp == NULL || !json_is_array(arr = json_object_get(grp,
	    "alerts")) || json_array_size(arr) == 0) {
		json_decref(root);
		return 0;
	}
	n_api = json_array_size(arr);
	if (n_api > INGEST_MAX_ALERTS) {
		snprintf(err, errsz, "[%zu].alerts: %zu alerts in the group, "
		    "more than the %d accepted", gi, n_api, INGEST_MAX_ALERTS);
		goto fail;
	}
	*present = xcalloc(n_api, sizeof **present);
	alerts = xcalloc(n_api, sizeof *alerts);
	for (size_t i = 0; i < n_api; i++) {
		const json_t *a = json_array_get(arr, i);
		const char *fp = json_string_value(json_object_get(a,
		    "fingerprint"));
		const char *state = api_alert_state(a);

		if (!json_is_object(a) || fp == NULL) {
			snprintf(err, errsz, "[%zu].alerts[%zu]: expected an "
			    "alert with a fingerprint", gi, i);
			goto fail;
		}
		(*present)[(*n_present)++] = xstrdup(fp);
		if (state == NULL || strcmp(state, "active") != 0)
			continue;	/* silenced, inhibited: not sent */
		if (api_alert_parse(a, gi, i, &alerts[n], err, errsz) != 0) {
			n++;
			goto fail;
		}
		n++;
	}
	if (n == 0) {
		free(alerts);
		json_decref(root);
		return 1;	/* held, none active: nothing fires anew */
	}
	g = ingest_result_add_group(out);
	g->source = xstrdup(INGEST_SOURCE_ALERTMANAGER);
	g->key = xstrdup(key);
	g->title = group_title(key, alerts, n, 0, group_labels != NULL ?
	    group_labels : &empty, &empty);
	group_service(g, group_labels != NULL ? group_labels : &empty,
	    &alerts[0].labels);
	group_severity(g, alerts, n, &empty, ctx);
	alert_severities(alerts, n, ctx);
	g->alerts = alerts;
	g->n_alerts = n;
	if (group_labels != NULL)
		wr_kvlist_copy(&g->group_labels, group_labels);
	g->receiver = receiver != NULL ? xstrdup(receiver) : NULL;
	json_decref(root);
	return 1;

fail:
	for (size_t i = 0; i < n; i++)
		wr_alert_free(&alerts[i]);
	free(alerts);
	ingest_errors_free(*present, *n_present);
	*present = NULL;
	*n_present = 0;
	json_decref(root);
	ingest_result_free(out);
	json_strict_ascii(err);
	return -1;
}
