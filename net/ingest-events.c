/*
 * ingest-events.c: the PagerDuty Events API v2 adapter (ingest.h), for
 * POST /v2/enqueue.
 *
 * A trigger becomes one alert group keyed by its dedup_key (one is made up
 * (util_random_hex()) when the sender gave none, and handed back for the 202
 * answer); acknowledge and resolve become actions against the newest
 * incident with that key.  The one alert's fingerprint is the dedup_key
 * and its start the sender's payload.timestamp, else the time the trigger
 * arrived; a repeated trigger is the same alert while its incident is open
 * (the reducer matches it by fingerprint: repeat_by_fingerprint), and after
 * a resolve a new one (new_after_resolve).  Every problem with a body is collected, not just the
 * first, and worded as a sentence for the "errors" list of the 400 answer.
 * The routing_key is required and handed back in the result (the relay
 * authenticates with it and scopes identity by it); it is a credential, so
 * it is never put in a label, a reason or a log line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "net/ingest.h"
#include "net/json-strict.h"

#define EV2_INVALID	"Event object is invalid"

struct problems {
	char **v;
	size_t n;
};

static void problem(struct problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct problems *p, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_strict_ascii(buf);
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	p->v[p->n++] = xstrdup(buf);
}

void
ingest_errors_free(char **errors, size_t n_errors)
{
	for (size_t i = 0; i < n_errors; i++)
		free(errors[i]);
	free(errors);
}

void
ingest_result_sender(const struct ingest_result *r, const char *via,
    int rk_is_credential, char *out, size_t outsz)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a, 64 bits */

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (r->routing_key == NULL || rk_is_credential)
		return;
	for (const unsigned char *s = (const unsigned char *)r->routing_key;
	    *s != '\0'; s++) {
		h ^= *s;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, outsz, "%s/rk-%016llx", via, (unsigned long long)h);
}

/* The member, or NULL when it is absent or JSON null. */
static json_t *
member(const json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return json_is_null(v) ? NULL : v;
}

/*
 * An optional string member: 1 with *out set when present, 0 when absent
 * (or null), -1 with a problem noted when it is something else.
 */
static int
opt_string(const json_t *obj, const char *name, const char *path,
    const char **out, struct problems *p)
{
	json_t *v = member(obj, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		problem(p, "%s%s must be a string, not %s.", path, name,
		    json_strict_type_name(v));
		return -1;
	}
	*out = json_string_value(v);
	return 1;
}

static int
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* Characters, not bytes: the body is valid UTF-8 by now. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A required, non-blank string member. */
static const char *
req_string(const json_t *obj, const char *name, const char *path,
    const char *what, struct problems *p)
{
	const char *s;
	int r = opt_string(obj, name, path, &s, p);

	if (r == 0 || (r == 1 && blank(s))) {
		problem(p, "%s%s is required%s.", path, name, what);
		return NULL;
	}
	return s;
}

/* 32 hex characters from 128 random bits. */
static int
dedup_key_make(char out[33], char *err, size_t errsz)
{
	if (util_random_hex(out, 16) != 0) {
		snprintf(err, errsz, "cannot make a dedup_key: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* custom_details as labels: "details.KEY" = a string as it is, any other
 * value as compact JSON text. */
static void
details_add(struct wr_kvlist *labels, const char *name, const json_t *v)
{
	char *text;

	if (json_is_string(v)) {
		wr_kvlist_add(labels, name, json_string_value(v));
		return;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL)
		util_die("out of memory (encoding custom_details)");
	wr_kvlist_add(labels, name, text);
	free(text);
}

/* Check a trigger's payload and the top-level extras; nothing is kept. */
static void
trigger_check(const json_t *root, const struct ingest_ctx *ctx,
    struct problems *p)
{
	const json_t *pl = member(root, "payload"), *links;
	const char *s;

	if (pl == NULL) {
		problem(p, "payload is required for a trigger.");
	} else if (!json_is_object(pl)) {
		problem(p, "payload must be an object, not %s.",
		    json_strict_type_name(pl));
	} else {
		wr_severity sev;
		int64_t ms;

		s = req_string(pl, "summary", "payload.", "", p);
		if (s != NULL && utf8_chars(s) > INGEST_EV2_MAX_SUMMARY)
			problem(p, "payload.summary is longer than %d "
			    "characters.", INGEST_EV2_MAX_SUMMARY);
		req_string(pl, "source", "payload.", "", p);
		s = req_string(pl, "severity", "payload.", "", p);
		if (s != NULL && ingest_severity_word(ctx, s, &sev) != 0)
			problem(p, "payload.severity must be critical, error, "
			    "warning or info (or a word warroomd(8) lists, such "
			    "as P1 or high), not \"%.20s\".", s);
		if (opt_string(pl, "timestamp", "payload.", &s, p) == 1) {
			int rc = wr_time_parse(s, &ms);

			if (rc == WR_TIME_OUT_OF_RANGE)
				problem(p, "payload.timestamp is outside the "
				    "years 0000-9999 UTC.");
			else if (rc != 0)
				problem(p, "payload.timestamp must be an ISO "
				    "8601 time such as 2026-11-20T08:42:10Z.");
		}
		opt_string(pl, "component", "payload.", &s, p);
		opt_string(pl, "group", "payload.", &s, p);
		opt_string(pl, "class", "payload.", &s, p);
	}
	if ((links = member(root, "links")) != NULL) {
		if (!json_is_array(links)) {
			problem(p, "links must be an array, not %s.",
			    json_strict_type_name(links));
		} else {
			for (size_t i = 0; i < json_array_size(links); i++) {
				const json_t *l = json_array_get(links, i);
				char path[32];

				snprintf(path, sizeof path, "links[%zu].", i);
				if (!json_is_object(l))
					problem(p, "links[%zu] must be an "
					    "object with an href.", i);
				else
					req_string(l, "href", path, "", p);
			}
		}
	}
	opt_string(root, "client", "", &s, p);
	opt_string(root, "client_url", "", &s, p);
}

/* Build the group for a checked trigger. */
static void
trigger_group(const json_t *root, const char *key,
    const struct ingest_ctx *ctx, struct ingest_result *out)
{
	const json_t *pl = member(root, "payload"), *v;
	struct ingest_group *g = ingest_result_add_group(out);
	struct wr_alert *a;
	const char *names[] = { "source", "component", "group", "class" };
	const char *svc, *s, *k;

	g->source = xstrdup(INGEST_SOURCE_EVENTS_V2);
	g->key = xstrdup(key);
	g->title = xstrdup(json_string_value(member(pl, "summary")));
	if ((v = member(pl, "component")) == NULL || json_string_length(v) == 0)
		v = member(pl, "group");
	if (v == NULL || json_string_length(v) == 0)
		v = member(pl, "source");
	svc = json_string_value(v);
	g->service = xstrdup(svc != NULL ? svc : "");
	s = json_string_value(member(pl, "severity"));
	ingest_severity_word(ctx, s, &g->severity);
	if (strcmp(s, wr_severity_name(g->severity)) != 0)
		g->severity_raw = xstrdup(s);

	g->alerts = a = xcalloc(1, sizeof *a);
	g->n_alerts = 1;
	a->severity = g->severity;
	a->fingerprint = xstrdup(key);
	a->firing = 1;
	/* When it started: the sender's payload.timestamp, else now. */
	if ((s = json_string_value(member(pl, "timestamp"))) == NULL ||
	    wr_time_parse(s, &a->starts) != 0)
		a->starts = ctx != NULL ? ctx->now : 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((s = json_string_value(member(pl, names[i]))) != NULL)
			wr_kvlist_add(&a->labels, names[i], s);
	if ((v = member(pl, "custom_details")) != NULL) {
		if (json_is_object(v)) {
			json_t *dv;

			json_object_foreach((json_t *)v, k, dv) {
				char *name = xasprintf("details.%s", k);

				details_add(&a->labels, name, dv);
				free(name);
			}
		} else {
			details_add(&a->labels, "details", v);
		}
	}

	wr_kvlist_add(&a->annotations, "summary", g->title);
	if ((s = json_string_value(member(pl, "timestamp"))) != NULL)
		wr_kvlist_add(&a->annotations, "timestamp", s);
	if ((v = member(root, "links")) != NULL) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			char name[32];

			if (i == 0)
				snprintf(name, sizeof name, "link");
			else
				snprintf(name, sizeof name, "link%zu", i + 1);
			wr_kvlist_add(&a->annotations, name, json_string_value(
			    json_object_get(json_array_get(v, i), "href")));
		}
	}
	if ((s = json_string_value(member(root, "client"))) != NULL)
		wr_kvlist_add(&a->annotations, "client", s);
	if ((s = json_string_value(member(root, "client_url"))) != NULL)
		wr_kvlist_add(&a->annotations, "client_url", s);
}

int
ingest_events_v2(const char *body, size_t len, const struct ingest_ctx *ctx,
    struct ingest_result *out, char *err, size_t errsz, char ***errors,
    size_t *n_errors)
{
	char ebuf[256], made[33];
	struct problems p = { NULL, 0 };
	const char *action = NULL, *key = NULL, *rkey;
	wr_op_kind kind = 0;
	json_t *root;
	int trigger = 0;

	memset(out, 0, sizeof *out);
	if (errors != NULL)
		*errors = NULL;
	if (n_errors != NULL)
		*n_errors = 0;
	if (err == NULL || errsz == 0) {
		err = ebuf;
		errsz = sizeof ebuf;
	}
	err[0] = '\0';
	if ((root = json_strict_parse(body, len, err, errsz)) == NULL) {
		problem(&p, "%s", err);
		goto fail;
	}

	rkey = req_string(root, "routing_key", "", "", &p);
	if (opt_string(root, "event_action", "", &action, &p) == 0)
		problem(&p, "event_action is required.");
	if (action != NULL) {
		if (strcmp(action, "trigger") == 0)
			trigger = 1;
		else if (strcmp(action, "acknowledge") == 0)
			kind = WR_OP_ACK;
		else if (strcmp(action, "resolve") == 0)
			kind = WR_OP_RESOLVE;
		else
			problem(&p, "event_action must be trigger, acknowledge "
			    "or resolve, not \"%.20s\".", action);
	}
	if (opt_string(root, "dedup_key", "", &key, &p) == 1) {
		if (utf8_chars(key) > INGEST_EV2_MAX_DEDUP_KEY)
			problem(&p, "dedup_key is longer than %d characters.",
			    INGEST_EV2_MAX_DEDUP_KEY);
		if (key[0] == '\0')
			key = NULL;	/* "" is no key: a trigger makes one */
	}
	if (kind != 0 && key == NULL && member(root, "dedup_key") == NULL)
		problem(&p, "dedup_key is required for %s.", action);
	else if (kind != 0 && key == NULL && json_is_string(member(root,
	    "dedup_key")))
		problem(&p, "dedup_key must not be empty for %s.", action);
	if (trigger)
		trigger_check(root, ctx, &p);
	if (p.n > 0) {
		snprintf(err, errsz, "%s", EV2_INVALID);
		goto fail;
	}

	if (trigger && key == NULL) {
		if (dedup_key_make(made, err, errsz) != 0) {
			problem(&p, "%s", err);
			goto fail;
		}
		key = made;
	}
	out->dedup_key = xstrdup(key);
	out->routing_key = xstrdup(rkey);
	if (trigger) {
		trigger_group(root, key, ctx, out);
	} else {
		out->actions = xcalloc(1, sizeof *out->actions);
		out->actions[0].kind = kind;
		out->actions[0].key = xstrdup(key);
		out->n_actions = 1;
	}
	json_decref(root);
	return 0;

fail:
	json_decref(root);
	ingest_result_free(out);
	json_strict_ascii(err);
	if (errors != NULL && n_errors != NULL) {
		*errors = p.v;
		*n_errors = p.n;
	} else {
		ingest_errors_free(p.v, p.n);
	}
	return -1;
}
