/*
 * list.c: `warroom list [--json] [--state S]`: the incidents, as the relay
 * has them once this console's copy has caught up, or, when the relay
 * cannot be reached within --timeout, as the copy last had them (said on
 * stderr, exit 75: a stale list never poses as a fresh one).
 *
 * The table is for people: every string in it came over the wire and is
 * sanitised, and titles are cut to the terminal's width.  --json is for
 * scripts: one array of objects, UTC times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/session.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"

static int
list_match(const struct wr_incident *inc, const char *state)
{
	if (state == NULL || strcmp(state, "all") == 0)
		return 1;
	if (strcmp(state, "open") == 0)
		return inc->state != WR_ST_RESOLVED;
	return strcmp(wr_state_name(inc->state), state) == 0;
}

/* A sanitised, width-fitted cell padded to cols columns. */
static void
list_cell(const char *text, int cols, int pad)
{
	char *safe = sanitize_text(text ? text : "", text ? strlen(text) : 0);
	char buf[1024];
	int w = sanitize_fit(safe, cols, 1, buf, sizeof buf);

	fputs(buf, stdout);
	if (pad)
		for (; w < cols; w++)
			fputc(' ', stdout);
	free(safe);
}

static int
list_title_cols(void)
{
	struct winsize ws;
	/* id state sev age + their gaps, service 14, acked by 12 */
	int fixed = 5 + 1 + 12 + 1 + 8 + 1 + 4 + 2 + 2 + 14 + 1 + 12;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col - fixed > 16 ? ws.ws_col - fixed : 16;
	return 48;
}

static void
list_table(const struct wr_room *r, const char *state)
{
	int tcols = list_title_cols();
	int64_t now = wr_now_ms();
	char age[16];

	printf("%5s %-12s %-8s %4s  ", "ID", "STATE", "SEV", "AGE");
	list_cell("TITLE", tcols, 1);
	printf("  %-14s %s\n", "SERVICE", "ACKED BY");
	for (int64_t id = 1; id < r->next_id; id++) {
		const struct wr_incident *inc = wr_room_get(r, id);

		if (inc == NULL || !list_match(inc, state))
			continue;
		cli_fmt_age(now - inc->created, age, sizeof age);
		printf("%5lld %-12s %-8s %4s  ", (long long)inc->id,
		    wr_state_name(inc->state), wr_severity_name(inc->severity),
		    age);
		list_cell(inc->title, tcols, 1);
		fputs("  ", stdout);
		list_cell(inc->service ? inc->service : "-", 14, 1);
		fputc(' ', stdout);
		list_cell(inc->ack_by ? inc->ack_by : "-", 12, 0);
		fputc('\n', stdout);
	}
}

static void
list_json(const struct wr_room *r, const char *state)
{
	json_t *arr = json_array();
	char when[40], *text;

	for (int64_t id = 1; id < r->next_id; id++) {
		const struct wr_incident *inc = wr_room_get(r, id);
		json_t *o, *sil;

		if (inc == NULL || !list_match(inc, state))
			continue;
		/* The codec's encoding of an incident, cut down to the
		 * fields this command promises (and a few more). */
		o = json_object();
		json_object_set_new(o, "id", json_integer(inc->id));
		json_object_set_new(o, "state",
		    json_string(wr_state_name(inc->state)));
		json_object_set_new(o, "severity",
		    json_string(wr_severity_name(inc->severity)));
		/* the source's own word, when it was not one of ours, and
		 * who set the severity, when a person did */
		json_object_set_new(o, "severity_raw", inc->severity_raw ?
		    json_string(inc->severity_raw) : json_null());
		json_object_set_new(o, "severity_by", inc->severity_by ?
		    json_string(inc->severity_by) : json_null());
		json_object_set_new(o, "title", json_string(inc->title ?
		    inc->title : ""));
		json_object_set_new(o, "service", inc->service ?
		    json_string(inc->service) : json_null());
		json_object_set_new(o, "ack_by", inc->ack_by ?
		    json_string(inc->ack_by) : json_null());
		/* when ack_by acted (the op's made_at), not when it arrived */
		if (inc->ack_at != 0) {
			wr_time_format(inc->ack_at, when, sizeof when);
			json_object_set_new(o, "ack_at", json_string(when));
		} else
			json_object_set_new(o, "ack_at", json_null());
		json_object_set_new(o, "assignee", inc->assignee ?
		    json_string(inc->assignee) : json_null());
		json_object_set_new(o, "n_alerts", json_integer(inc->n_alerts));
		json_object_set_new(o, "n_firing", json_integer(inc->n_firing));
		wr_time_format(inc->created, when, sizeof when);
		json_object_set_new(o, "created", json_string(when));
		/* its Alertmanager silences, active or not yet seen ended */
		sil = json_array();
		for (size_t k = 0; k < inc->n_silences; k++) {
			const struct wr_silence *si = &inc->silences[k];

			wr_time_format(si->ends, when, sizeof when);
			json_array_append_new(sil, json_pack("{s:s, s:s, s:s?, "
			    "s:s}", "id", si->id, "ends", when, "by", si->by,
			    "matchers", si->matchers));
		}
		json_object_set_new(o, "silences", sil);
		json_array_append_new(arr, o);
	}
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (text == NULL)
		util_die("out of memory");
	puts(text);
	free(text);
}

int
cli_list(const struct cli_opts *o)
{
	static const char *states[] = { "triggered", "acknowledged",
	    "resolved", "open", "all" };
	struct cli_session s;
	int rc, ok = 0;

	for (size_t i = 0; o->state && i < sizeof states / sizeof *states; i++)
		if (strcmp(o->state, states[i]) == 0)
			ok = 1;
	if (o->state != NULL && !ok) {
		fprintf(stderr, "warroom: list --state: '%s' is not one of "
		    "triggered, acknowledged, resolved, open, all\n",
		    o->state);
		return CLI_EX_USAGE;
	}
	rc = cli_catch_up(&s, o, "warroom/" WR_VERSION " list");
	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE) {
		cli_session_close(&s);
		return rc;
	}
	if (o->json)
		list_json(&s.room, o->state);
	else
		list_table(&s.room, o->state);
	if (fflush(stdout) == EOF)
		rc = CLI_EX_IOERR;
	cli_session_close(&s);
	return rc;
}
