/*
 * export.c: `warroom export ID`, which reads the room once this console's
 * copy has caught up (like list; with the stored copy and exit 75 when
 * the relay cannot be reached).
 *
 * export prints a postmortem draft of one incident in Markdown: what it
 * was, who owns it, when it was opened, acknowledged and resolved (and how
 * long each took: the time to acknowledge runs to when the person made the
 * first acknowledgement, not to when it reached the relay), its alerts,
 * and its whole timeline with UTC times, actors and notes; or --json.
 * Every string that came over the wire is sanitised: the output may well
 * go to a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/session.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"
#include "store/store.h"

static char *
safe(const char *s)
{
	return sanitize_text(s ? s : "", s ? strlen(s) : 0);
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

static void
put_duration(FILE *fp, const char *label, int64_t from, int64_t to)
{
	char d[32];

	if (from <= 0 || to <= 0 || to < from)
		return;
	cli_fmt_age(to - from, d, sizeof d);
	fprintf(fp, "- %s: %s\n", label, d);
}

static void
put_who(FILE *fp, const char *label, const char *name)
{
	char *who;

	if (name == NULL)
		return;
	who = safe(name);
	fprintf(fp, "- %s: %s\n", label, who);
	free(who);
}

/*
 * When the incident was first acknowledged: the person's time (made_at)
 * of the first acknowledged event of its timeline, whatever came after
 * (an unack, a reopen).  Else the incident's own ack_at (its events were
 * pruned), or 0.
 */
static int64_t
first_ack_at(const struct wr_incident *inc, const struct wr_evlist *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].kind == WR_EV_ACKNOWLEDGED)
			return wr_event_acted_at(&ev->v[i]);
	return inc->ack_at;
}

static void
export_markdown(FILE *fp, const struct wr_incident *inc,
    const struct wr_alert *al, size_t n_al, const struct wr_evlist *ev)
{
	char *title = safe(inc->title), *svc = safe(inc->service);
	char when[40];

	fprintf(fp, "# Incident #%lld: %s\n\n", (long long)inc->id, title);
	fprintf(fp, "- State: %s\n- Severity: %s\n- Service: %s\n",
	    wr_state_name(inc->state), wr_severity_name(inc->severity), svc);
	put_who(fp, "Assignee", inc->assignee);
	put_time(fp, "Opened", inc->created);
	put_who(fp, "Acknowledged by", inc->ack_by);
	put_duration(fp, "Time to acknowledge", inc->created,
	    first_ack_at(inc, ev));
	put_who(fp, "Resolved by", inc->resolved_by);
	put_duration(fp, "Time to resolve", inc->created, inc->resolved_at);
	fprintf(fp, "- Alerts: %d (%d still firing)\n\n", inc->n_alerts,
	    inc->n_firing);
	if (n_al > 0) {
		fprintf(fp, "## Alerts\n\n");
		for (size_t i = 0; i < n_al; i++) {
			char *fp_ = safe(al[i].fingerprint);
			wr_time_format(al[i].starts, when, sizeof when);
			fprintf(fp, "- `%s` %s since %s", fp_, al[i].firing ?
			    "firing" : "resolved", when);
			for (size_t k = 0; k < al[i].labels.n; k++) {
				char *kk = safe(al[i].labels.v[k].key);
				char *vv = safe(al[i].labels.v[k].value);
				fprintf(fp, "%s%s=%s", k ? ", " : ": ", kk, vv);
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
		const char *subject = wr_event_subject(e);
		char *actor = safe(e->actor), *text = NULL, *via = NULL;
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
		if (subject != NULL)
			text = safe(subject);
		if (wr_event_via(e) != NULL)
			via = safe(wr_event_via(e));
		fprintf(fp, "- %s %s by %s%s%s%s%s%s%s\n", when,
		    wr_event_phrase(e->kind), actor, via ? " (via " : "",
		    via ? via : "", via ? ")" : "", late, text ? ": " : "",
		    text ? text : "");
		free(actor);
		free(via);
		free(text);
	}
	free(title);
	free(svc);
}

static void
export_json(FILE *fp, const struct wr_incident *inc,
    const struct wr_evlist *ev)
{
	json_t *o = proto_incident_to_json(inc, 0), *arr = json_array();
	int64_t ack = first_ack_at(inc, ev);
	char *text;

	json_object_set_new(o, "time_to_ack_ms", ack > 0 &&
	    ack >= inc->created ? json_integer(ack - inc->created) :
	    json_null());
	for (size_t i = 0; i < ev->n; i++)
		json_array_append_new(arr, proto_event_to_json(&ev->v[i]));
	json_object_set_new(o, "timeline", arr);
	text = json_dumps(o, JSON_COMPACT);
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
