/*
 * stats.c: `warroom stats [--since D|TIME] [--until D|TIME] [--by KEY]
 * [--json]`: the numbers a team reviews over a window (default the last
 * 30 days), from this console's copy once it has caught up with the
 * relay and its schedules (like oncall; the stored copy and exit 75 when
 * the relay cannot be reached).  store_stats() computes them in SQL
 * (store/stats.c says what each counts); core/stats.c writes the text,
 * the same lines the console's :stats view shows.  --json names mtta and
 * mttr, each {"n", "mean", "p50", "p90"} in seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/parse.h"
#include "core/sanitize.h"
#include "core/stats.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"
#include "store/store.h"

static json_t *
jtime(int64_t ms)
{
	char buf[40];

	wr_time_format(ms, buf, sizeof buf);
	return json_string(buf);
}

static json_t *
jsecs(const struct wr_stats_dur *d, int64_t ms)
{
	return d->n == 0 ? json_null() : json_real((double)ms / 1000.0);
}

static json_t *
dur_json(const struct wr_stats_dur *d)
{
	return json_pack("{s:I, s:o, s:o, s:o}", "n", (json_int_t)d->n,
	    "mean", jsecs(d, d->mean), "p50", jsecs(d, d->p50),
	    "p90", jsecs(d, d->p90));
}

/* What stats printed before the window: the incidents as they are now
 * (store_room_counts: the counts the room would hold) and the seq. */
struct stats_now {
	int by_state[WR_ST_COUNT];
	int open_by_sev[WR_SEV_COUNT];
	int64_t seq;
};

static json_t *
stats_json(const struct wr_stats *st, const struct stats_now *now)
{
	json_t *o = json_object(), *g = json_array(), *p = json_array(),
	    *h = json_array(), *top = json_array();
	int used[24] = { 0 };

	json_object_set_new(o, "since", jtime(st->since));
	json_object_set_new(o, "until", jtime(st->until));
	json_object_set_new(o, "incidents", json_integer(st->incidents));
	json_object_set_new(o, "mtta", dur_json(&st->mtta));
	json_object_set_new(o, "mttr", dur_json(&st->mttr));
	json_object_set_new(o, "by", st->by == WR_STATS_BY_NONE ?
	    json_null() : json_string(wr_stats_by_name(st->by)));
	for (size_t i = 0; i < st->n_groups; i++)
		json_array_append_new(g, json_pack("{s:s, s:I, s:o, s:o}",
		    "key", st->groups[i].key, "incidents",
		    (json_int_t)st->groups[i].incidents,
		    "mtta", dur_json(&st->groups[i].mtta),
		    "mttr", dur_json(&st->groups[i].mttr)));
	json_object_set_new(o, "groups", g);
	for (size_t i = 0; i < st->n_people; i++) {
		const struct wr_stats_person *q = &st->people[i];

		json_array_append_new(p, json_pack("{s:s, s:I, s:I, s:I, s:I, "
		    "s:I, s:f}", "name", q->name, "acks", (json_int_t)q->acks,
		    "resolves", (json_int_t)q->resolves,
		    "escalations", (json_int_t)q->escalations,
		    "notifications", (json_int_t)q->notifications,
		    "out_of_hours", (json_int_t)q->night,
		    "oncall_hours", (double)q->oncall_ms / 3600000.0));
	}
	json_object_set_new(o, "people", p);
	for (int i = 0; i < 24; i++)
		json_array_append_new(h, json_integer(st->by_hour[i]));
	json_object_set_new(o, "hours_utc", h);
	/* the busiest hours first, at most three, none that had nothing */
	for (int k = 0; k < 3; k++) {
		int best = -1;

		for (int i = 0; i < 24; i++)
			if (!used[i] && st->by_hour[i] > 0 && (best < 0 ||
			    st->by_hour[i] > st->by_hour[best]))
				best = i;
		if (best < 0)
			break;
		used[best] = 1;
		json_array_append_new(top, json_pack("{s:i, s:I}", "hour",
		    best, "incidents", (json_int_t)st->by_hour[best]));
	}
	json_object_set_new(o, "busiest_hours", top);
	/* what stats printed before the window: the incidents as they are */
	json_object_set_new(o, "by_state", json_pack("{s:i, s:i, s:i}",
	    "triggered", now->by_state[WR_ST_TRIGGERED],
	    "acknowledged", now->by_state[WR_ST_ACKNOWLEDGED],
	    "resolved", now->by_state[WR_ST_RESOLVED]));
	json_object_set_new(o, "open_by_severity", json_pack(
	    "{s:i, s:i, s:i, s:i}",
	    "critical", now->open_by_sev[WR_SEV_CRITICAL],
	    "error", now->open_by_sev[WR_SEV_ERROR],
	    "warning", now->open_by_sev[WR_SEV_WARNING],
	    "info", now->open_by_sev[WR_SEV_INFO]));
	json_object_set_new(o, "mean_time_to_ack_ms", json_integer(
	    st->mtta.mean));
	json_object_set_new(o, "mean_time_to_resolve_ms", json_integer(
	    st->mttr.mean));
	json_object_set_new(o, "seq", json_integer(now->seq));
	return o;
}

int
cli_stats_window(const struct cli_opts *o, int64_t now, int64_t *since,
    int64_t *until, enum wr_stats_by *by)
{
	char err[WR_PARSE_ERR_MAX];

	*until = now;
	*by = WR_STATS_BY_NONE;
	if (wr_stats_parse_when(o->since != NULL ? o->since :
	    WR_STATS_DEFAULT_SINCE, now, since, err, sizeof err) != 0) {
		fprintf(stderr, "warroom: stats: --since: %s\n", err);
		return -1;
	}
	if (o->until != NULL && wr_stats_parse_when(o->until, now, until, err,
	    sizeof err) != 0) {
		fprintf(stderr, "warroom: stats: --until: %s\n", err);
		return -1;
	}
	if (*until <= *since) {
		fprintf(stderr, "warroom: stats: the window is empty: --until "
		    "must be after --since\n");
		return -1;
	}
	if (o->by != NULL && wr_stats_by_parse(o->by, by) != 0) {
		fprintf(stderr, "warroom: stats: --by: '%.64s' is not service, "
		    "severity, person or policy\n", o->by);
		return -1;
	}
	return 0;
}

int
cli_stats(const struct cli_opts *o)
{
	struct cli_session s;
	struct proto_schedules l = { 0 };
	const struct wr_schedule **sched = NULL;
	struct wr_stats st;
	enum wr_stats_by by;
	int64_t since, until;
	char *cause = NULL;
	int rc;

	if (cli_stats_window(o, wr_now_ms(), &since, &until, &by) != 0) {
		cli_sub_usage(stderr, cli_sub_find("stats"));
		return CLI_EX_USAGE;
	}
	rc = cli_catch_up_schedules(&s, o, "warroom/" WR_VERSION " stats");
	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE) {
		cli_session_close(&s);
		return rc;
	}
	if (cli_oncall_load(s.store, &l, &cause) != 0) {
		/* no on-call hours, but the rest */
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		cause = NULL;
		memset(&l, 0, sizeof l);
	}
	sched = xcalloc(l.n ? l.n : 1, sizeof *sched);
	for (size_t i = 0; i < l.n; i++)
		sched[i] = l.v[i].s;
	if (store_stats(s.store, since, until, by, sched, l.n, &st,
	    &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		free(sched);
		proto_schedules_free(&l);
		cli_session_close(&s);
		return CLI_EX_IOERR;
	}
	if (o->json) {
		struct stats_now now = { .seq = s.room.last_seq };
		json_t *j;
		char *text;

		/* the room is not loaded when there was nothing to catch up
		 * on (CLI_STORE_ROOM_LATER): the store counts */
		if (store_room_counts(s.store, now.by_state, now.open_by_sev,
		    &cause) != 0) {
			fprintf(stderr, "warroom: %s\n", cause);
			free(cause);
			wr_stats_free(&st);
			free(sched);
			proto_schedules_free(&l);
			cli_session_close(&s);
			return CLI_EX_IOERR;
		}
		j = stats_json(&st, &now);
		text = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT |
		    JSON_REAL_PRECISION(15));
		json_decref(j);
		if (text == NULL)
			util_die("out of memory");
		puts(text);
		free(text);
	} else {
		char **lines;
		size_t n = wr_stats_lines(&st, &lines);

		for (size_t i = 0; i < n; i++) {
			char *clean = sanitize_text(lines[i], strlen(lines[i]));

			puts(clean);
			free(clean);
		}
		wr_stats_lines_free(lines, n);
	}
	if (fflush(stdout) == EOF)
		rc = CLI_EX_IOERR;
	wr_stats_free(&st);
	free(sched);
	proto_schedules_free(&l);
	cli_session_close(&s);
	return rc;
}
