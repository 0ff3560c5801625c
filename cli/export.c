/*
 * export.c: `warroom export ID`, which reads the room once this console's
 * copy has caught up (like list; with the stored copy and exit 75 when
 * the relay cannot be reached).
 *
 * export prints one incident for a postmortem review, in Markdown or
 * JSON: a header (state, severity, service, when it started, how long it
 * lasted, the time to acknowledge, which runs to when the person made the
 * first acknowledgement, not to when it reached the relay, the time to
 * resolve, who responded and who was paged), its alerts, its whole
 * timeline with UTC times and actors, the notes in full, and the latest
 * postmortem (core/postmortem.h).  cli_export_write() is also what the
 * console's :export FILE writes.
 *
 * Everything that came over the wire is hostile: in Markdown every string
 * of an alert, a note or a name is made inert (sanitize_markdown(): no
 * control character, and no heading, link, image, autolink, HTML or
 * entity a summary could open); the postmortem, a document the team
 * writes in Markdown, keeps its Markdown but loses its control characters
 * and its raw HTML.  JSON escapes what it must.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/session.h"
#include "core/postmortem.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"
#include "store/store.h"

/* Text that came over the wire, inert in Markdown. */
static char *
md(const char *s)
{
	return sanitize_markdown(s ? s : "", s ? strlen(s) : 0);
}

static void
put_line(FILE *fp, const char *label, const char *value)
{
	char *v = md(value);

	fprintf(fp, "- %s: %s\n", label, v);
	free(v);
}

static void
put_time(FILE *fp, const char *label, int64_t ms)
{
	char when[40];

	if (ms <= 0)
		return;
	wr_time_format(ms, when, sizeof when);
	fprintf(fp, "- %s: %s\n", label, when);
}

/* "1h 12m", or NULL when from or to is not known. */
static const char *
span(int64_t from, int64_t to, char *buf, size_t size)
{
	if (from <= 0 || to <= 0 || to < from)
		return NULL;
	wr_pm_duration(to - from, buf, size);
	return buf;
}

static void
put_span(FILE *fp, const char *label, int64_t from, int64_t to)
{
	char d[32];

	if (span(from, to, d, sizeof d) != NULL)
		fprintf(fp, "- %s: %s\n", label, d);
}

/*
 * Who was paged about the incident, from the events of its timeline that
 * say so: a notifier's attempt (NOTIFIED: its person, whatever became of
 * it) and the escalation engine's steps (POLICY_ASSIGNED and ESCALATED:
 * their targets, "alice, bob", split at ", " as the config never puts a
 * comma in a name).  Each person once, in the order first paged; the
 * names are borrowed from ev (free the array only).
 */
static void
paged_add(const char ***out, size_t *n, const char *who, size_t len)
{
	for (size_t k = 0; k < *n; k++)
		if (strlen((*out)[k]) == len &&
		    strncmp((*out)[k], who, len) == 0)
			return;
	*out = xrealloc(*out, (*n + 1) * sizeof **out);
	(*out)[(*n)++] = xstrndup(who, len);
}

static size_t
paged(const struct wr_evlist *ev, const char ***out)
{
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < ev->n; i++) {
		const struct wr_event *e = &ev->v[i];
		const char *p;

		if (e->kind == WR_EV_NOTIFIED && e->person != NULL &&
		    e->person[0] != '\0')
			paged_add(out, &n, e->person, strlen(e->person));
		if ((e->kind != WR_EV_ESCALATED &&
		    e->kind != WR_EV_POLICY_ASSIGNED) || e->text == NULL)
			continue;
		for (p = e->text; *p != '\0';) {
			const char *sep = strstr(p, ", ");
			size_t len = sep ? (size_t)(sep - p) : strlen(p);

			if (len > 0)
				paged_add(out, &n, p, len);
			p += len;
			if (sep != NULL)
				p += 2;
		}
	}
	return n;
}

static void
paged_free(const char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)v[i]);
	free(v);
}

static void
put_names(FILE *fp, const char *label, const char **names, size_t n,
    const char *none)
{
	fprintf(fp, "- %s: ", label);
	if (n == 0)
		fputs(none, fp);
	for (size_t i = 0; i < n; i++) {
		char *who = md(names[i]);

		fprintf(fp, "%s%s", i ? ", " : "", who);
		free(who);
	}
	fputc('\n', fp);
}

/*
 * The postmortem, as Markdown the team wrote: control characters become
 * visible tokens, line by line, and '<' and '&' are escaped (no raw HTML
 * or entity); the rest is theirs.
 */
static void
put_document(FILE *fp, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		char *line;

		if (len > 0 && p[len - 1] == '\r')
			line = sanitize_text(p, len - 1);
		else
			line = sanitize_text(p, len);
		for (const char *c = line; *c != '\0'; c++) {
			if (*c == '<' || *c == '&' || *c == '>')
				fputc('\\', fp);
			fputc(*c, fp);
		}
		fputc('\n', fp);
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
}

/* One version: what it missed, if anything, then its text. */
static void
put_version(FILE *fp, const struct wr_pm_version *v)
{
	char why[160];

	wr_pm_conflict_words(v, why, sizeof why);
	if (why[0] != '\0') {
		char *w = md(why);

		fprintf(fp, "*%s*\n\n", w);
		free(w);
	}
	put_document(fp, v->text);
}

/* A note, quoted, each line inert. */
static void
put_quote(FILE *fp, const char *text)
{
	const char *p = text ? text : "";

	do {
		size_t len = strcspn(p, "\n");
		char *line = sanitize_markdown(p, len > 0 && p[len - 1] == '\r' ?
		    len - 1 : len);

		fprintf(fp, ">%s%s\n", line[0] ? " " : "", line);
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	} while (*p != '\0');
}

static void
export_markdown(FILE *fp, const struct wr_incident *inc,
    const struct wr_alert *al, size_t n_al, const struct wr_evlist *ev)
{
	char *title = md(inc->title), when[40], d[32];
	const char **who;
	size_t n_who, n_notes = 0;
	struct wr_pm_history h;
	const struct wr_pm_version *pm;

	wr_pm_history_build(&h, ev->v, ev->n);
	pm = wr_pm_history_latest(&h);
	fprintf(fp, "# Incident #%lld: %s\n\n", (long long)inc->id, title);
	fprintf(fp, "- State: %s\n- Severity: %s\n",
	    wr_state_name(inc->state), wr_severity_name(inc->severity));
	put_line(fp, "Service", inc->service);
	if (inc->assignee != NULL)
		put_line(fp, "Assignee", inc->assignee);
	put_time(fp, "Started", inc->created);
	if (inc->state == WR_ST_RESOLVED)
		put_span(fp, "Duration", inc->created, inc->resolved_at);
	else
		fprintf(fp, "- Duration: still open\n");
	if (span(inc->created, wr_pm_first_ack(inc, ev->v, ev->n), d,
	    sizeof d) != NULL)
		fprintf(fp, "- Time to acknowledge: %s\n", d);
	else
		fprintf(fp, "- Time to acknowledge: not acknowledged\n");
	if (inc->ack_by != NULL)
		put_line(fp, "Acknowledged by", inc->ack_by);
	if (inc->state == WR_ST_RESOLVED) {
		put_span(fp, "Time to resolve", inc->created,
		    inc->resolved_at);
		if (inc->resolved_by != NULL)
			put_line(fp, "Resolved by", inc->resolved_by);
	} else
		fprintf(fp, "- Time to resolve: not resolved\n");
	n_who = wr_pm_responders(ev->v, ev->n, &who);
	put_names(fp, "Responders", who, n_who, "nobody yet");
	free(who);
	n_who = paged(ev, &who);
	put_names(fp, "Paged", who, n_who, "nobody (no page recorded)");
	paged_free(who, n_who);
	fprintf(fp, "- Alerts: %d (%d still firing)\n", inc->n_alerts,
	    inc->n_firing);
	if (pm != NULL) {
		char *by = md(pm->by);

		wr_time_format(pm->at, when, sizeof when);
		fprintf(fp, "- Postmortem: v%lld, saved by %s at %s\n",
		    (long long)pm->version, by, when);
		free(by);
	}
	fputc('\n', fp);
	if (n_al > 0) {
		fprintf(fp, "## Alerts\n\n");
		for (size_t i = 0; i < n_al; i++) {
			char *fp_ = md(al[i].fingerprint);
			wr_time_format(al[i].starts, when, sizeof when);
			fprintf(fp, "- %s %s since %s", fp_, al[i].firing ?
			    "firing" : "resolved", when);
			for (size_t k = 0; k < al[i].labels.n; k++) {
				char *kk = md(al[i].labels.v[k].key);
				char *vv = md(al[i].labels.v[k].value);
				fprintf(fp, "%s%s=%s", k ? ", " : ": ", kk,
				    vv);
				free(kk);
				free(vv);
			}
			fputc('\n', fp);
			free(fp_);
		}
		fputc('\n', fp);
	}
	fprintf(fp, "## Timeline (UTC)\n\n");
	for (size_t i = 0; i < ev->n; i++) {
		const struct wr_event *e = &ev->v[i];
		char *actor = md(e->actor), *via = NULL, *raw, *words;
		char late[64] = "";

		/* a person's entry: when they acted, and if the op came
		 * late, how late */
		wr_time_format(wr_event_acted_at(e), when, sizeof when);
		if (wr_event_delivery_lag(e) > 0) {
			char lag[32];

			cli_fmt_age(wr_event_delivery_lag(e), lag, sizeof lag);
			snprintf(late, sizeof late, " (delivered %s later)",
			    lag);
		}
		if (wr_event_via(e) != NULL)
			via = md(wr_event_via(e));
		/* "note by bob: TEXT"; a kind that carries no subject says
		 * its words ("postmortem v3 saved by bob") */
		raw = wr_event_subject(e) != NULL ?
		    xstrdup(wr_event_phrase(e->kind)) : wr_event_words(e);
		words = md(raw);
		free(raw);
		raw = wr_event_subject(e) != NULL ? md(wr_event_subject(e)) :
		    NULL;
		fprintf(fp, "- %s %s by %s%s%s%s%s%s%s\n", when, words, actor,
		    via ? " (via " : "", via ? via : "", via ? ")" : "", late,
		    raw ? ": " : "", raw ? raw : "");
		if (e->kind == WR_EV_NOTE)
			n_notes++;
		free(raw);
		free(words);
		free(actor);
		free(via);
	}
	if (n_notes > 0) {
		fprintf(fp, "\n## Notes\n");
		for (size_t i = 0; i < ev->n; i++) {
			const struct wr_event *e = &ev->v[i];
			char *actor;

			if (e->kind != WR_EV_NOTE)
				continue;
			actor = md(e->actor);
			wr_time_format(wr_event_acted_at(e), when, sizeof when);
			fprintf(fp, "\n%s, %s:\n\n", actor, when);
			put_quote(fp, e->text);
			free(actor);
		}
	}
	if (pm != NULL) {
		char *by = md(pm->by);

		fprintf(fp, "\n## Postmortem (v%lld, saved by %s)\n\n",
		    (long long)pm->version, by);
		free(by);
		/* the latest, then any saved beside it: both are the
		 * postmortem until someone merges them */
		put_version(fp, pm);
		for (size_t i = 0; i + 1 < h.n; i++) {
			const struct wr_pm_version *v = &h.v[i];
			char *vby;

			if (v->superseded)
				continue;
			vby = md(v->by);
			fprintf(fp, "\n### Also v%lld, saved by %s beside it\n\n",
			    (long long)v->version, vby);
			free(vby);
			put_version(fp, v);
		}
	}
	wr_pm_history_free(&h);
	free(title);
}

static json_t *
names_json(const char **names, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *
ms_or_null(int64_t from, int64_t to)
{
	return from > 0 && to > 0 && to >= from ? json_integer(to - from) :
	    json_null();
}

static json_t *
pm_version_json(const struct wr_pm_version *v)
{
	char when[40], why[160];
	json_t *o;

	wr_time_format(v->at, when, sizeof when);
	wr_pm_conflict_words(v, why, sizeof why);
	o = json_pack("{s:I, s:I, s:s?, s:s, s:s}", "version",
	    (json_int_t)v->version, "base", (json_int_t)v->base, "by", v->by,
	    "at", when, "text", v->text);
	json_object_set_new(o, "conflict", why[0] ? json_string(why) :
	    json_null());
	return o;
}

static void
export_json(FILE *fp, const struct wr_incident *inc,
    const struct wr_evlist *ev)
{
	json_t *o = proto_incident_to_json(inc, 0), *arr = json_array();
	json_t *notes = json_array(), *shown = json_array();
	int64_t ack = wr_pm_first_ack(inc, ev->v, ev->n);
	struct wr_pm_history h;
	const struct wr_pm_version *pm;
	const char **who;
	size_t n_who;
	char *text;

	json_object_set_new(o, "time_to_ack_ms", ms_or_null(inc->created,
	    ack));
	json_object_set_new(o, "time_to_resolve_ms",
	    inc->state == WR_ST_RESOLVED ? ms_or_null(inc->created,
	    inc->resolved_at) : json_null());
	json_object_set_new(o, "duration_ms", inc->state == WR_ST_RESOLVED ?
	    ms_or_null(inc->created, inc->resolved_at) : json_null());
	n_who = wr_pm_responders(ev->v, ev->n, &who);
	json_object_set_new(o, "responders", names_json(who, n_who));
	free(who);
	n_who = paged(ev, &who);
	json_object_set_new(o, "paged", names_json(who, n_who));
	paged_free(who, n_who);
	for (size_t i = 0; i < ev->n; i++) {
		const struct wr_event *e = &ev->v[i];

		json_array_append_new(arr, proto_event_to_json(e));
		if (e->kind == WR_EV_NOTE) {
			char when[40];

			wr_time_format(wr_event_acted_at(e), when, sizeof when);
			json_array_append_new(notes, json_pack("{s:s?, s:s, "
			    "s:s?}", "by", e->actor, "at", when, "text",
			    e->text));
		}
	}
	json_object_set_new(o, "timeline", arr);
	json_object_set_new(o, "notes", notes);
	wr_pm_history_build(&h, ev->v, ev->n);
	pm = wr_pm_history_latest(&h);
	json_object_set_new(o, "postmortem", pm ? pm_version_json(pm) :
	    json_null());
	/* the versions still to show besides the latest (saved beside it) */
	for (size_t i = 0; i + 1 < h.n; i++)
		if (!h.v[i].superseded)
			json_array_append_new(shown, pm_version_json(&h.v[i]));
	json_object_set_new(o, "postmortem_beside", shown);
	wr_pm_history_free(&h);
	/* \uXXXX for all but ASCII: a C1 control (U+009B is a CSI), a bidi
	 * override or U+2028 never reaches a reader raw */
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL)
		util_die("out of memory");
	fprintf(fp, "%s\n", text);
	free(text);
}

void
cli_export_write(FILE *fp, int json, const struct wr_incident *inc,
    const struct wr_alert *al, size_t n_al, const struct wr_evlist *ev)
{
	if (json)
		export_json(fp, inc, ev);
	else
		export_markdown(fp, inc, al, n_al, ev);
}

int
cli_export(const struct cli_opts *o, int argc, char **argv)
{
	struct cli_session s;
	struct wr_incident *inc;
	struct wr_evlist ev = { 0 };
	struct wr_alert *al = NULL;
	size_t n_al = 0;
	char *end, *cause = NULL;
	long long id;
	int rc;

	if (argc != 1 || (id = strtoll(argv[0], &end, 10)) < 1 ||
	    *end != '\0') {
		fprintf(stderr, "warroom: export takes one incident number\n");
		cli_sub_usage(stderr, cli_sub_find("export"));
		return CLI_EX_USAGE;
	}
	rc = cli_catch_up(&s, o, "warroom/" WR_VERSION " export");
	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE) {
		cli_session_close(&s);
		return rc;
	}
	if ((inc = wr_room_get(&s.room, id)) == NULL) {
		fprintf(stderr, "warroom: no incident #%lld\n", id);
		cli_session_close(&s);
		return CLI_EX_REFUSED;
	}
	if (store_incident_events(s.store, id, &ev, &cause) != 0 ||
	    store_incident_alerts(s.store, id, &al, &n_al, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		wr_evlist_free(&ev);
		cli_session_close(&s);
		return CLI_EX_IOERR;
	}
	cli_export_write(stdout, o->json, inc, al, n_al, &ev);
	if (fflush(stdout) == EOF)
		rc = CLI_EX_IOERR;
	for (size_t i = 0; i < n_al; i++)
		wr_alert_free(&al[i]);
	free(al);
	wr_evlist_free(&ev);
	cli_session_close(&s);
	return rc;
}
