/*
 * oncall.c: `warroom oncall [--json] [--at TIME] [--schedule NAME]`: who is
 * on call at TIME (default now) and who is next, for each schedule, from
 * this console's stored copy of the relay's schedules after catching up
 * (from the copy alone, exit 75, when the relay cannot be reached).  The
 * answers are core/schedule.h's, as the console's pane shows them; each
 * schedule's zone comes from this machine's zoneinfo.  `--ics SCHEDULE
 * [--weeks N]` writes one schedule's shifts as iCalendar with the relay's
 * writer (core/ics.c), so it is the calendar GET /oncall/NAME.ics serves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/ics.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"
#include "store/store.h"
#include "store/tzif.h"

static struct wr_zone *
system_zone(void *ud, const char *name, char **cause)
{
	struct wr_zone *z = NULL;

	(void)ud;
	return store_tzif_load(NULL, name, &z, cause) == 0 ? z : NULL;
}

int
cli_oncall_load(struct wr_store *store, struct proto_schedules *out,
    char **cause)
{
	char *text = NULL, err[256];
	enum proto_type type;
	json_t *o;

	memset(out, 0, sizeof *out);
	if (store_schedules_get(store, &text, cause) != 0)
		return -1;
	if (text == NULL)
		return 0;
	o = proto_parse(text, strlen(text), &type, err, sizeof err);
	free(text);
	if (o == NULL || proto_schedules_from_json(o, system_zone, NULL, out,
	    err, sizeof err) != 0) {
		*cause = xasprintf("the stored schedules cannot be read: %s",
		    err);
		json_decref(o);
		return -1;
	}
	json_decref(o);
	return 0;
}

/* A time as JSON: UTC RFC 3339, null beyond the horizon. */
static json_t *
jtime(int64_t ms)
{
	char buf[40];

	if (ms == INT64_MIN || ms == INT64_MAX)
		return json_null();
	wr_time_format(ms, buf, sizeof buf);
	return json_string(buf);
}

static json_t *
answer_json(const struct wr_schedule *s, const struct wr_oncall *a,
    int with_source)
{
	json_t *o = json_object();

	json_object_set_new(o, "person", json_string(a->person));
	json_object_set_new(o, "from", jtime(a->since));
	json_object_set_new(o, "until", jtime(a->until));
	if (with_source) {
		char src[160];

		json_object_set_new(o, "source", json_string(
		    wr_oncall_source_text(s, a, src, sizeof src)));
	}
	return o;
}

/* "Mon 2026-03-09 09:00" local (the viewer's TZ), "-" beyond the
 * horizon. */
static void
local_time(int64_t ms, char *buf, size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (ms == INT64_MIN || ms == INT64_MAX) {
		util_strlcpy(buf, "-", size);
		return;
	}
	localtime_r(&secs, &tm);
	if (strftime(buf, size, "%a %Y-%m-%d %H:%M %Z", &tm) == 0)
		util_strlcpy(buf, "?", size);
}

static void
print_text(const struct proto_schedule *ps, int64_t at)
{
	struct wr_oncall now, nx;
	char a[64], b[64], src[160];

	printf("%s (%s)\n", ps->name, ps->timezone);
	if (ps->s == NULL) {
		printf("  cannot answer here: %s\n", ps->problem);
		return;
	}
	wr_schedule_at(ps->s, at, &now);
	local_time(now.until, b, sizeof b);
	if (now.person == NULL)
		printf("  now   nobody on call, until %s\n", b);
	else
		printf("  now   %s, until %s (%s)\n", now.person, b,
		    wr_oncall_source_text(ps->s, &now, src, sizeof src));
	if (wr_schedule_next_person(ps->s, at, &nx) == 0) {
		local_time(nx.since, a, sizeof a);
		local_time(nx.until, b, sizeof b);
		printf("  next  %s, from %s until %s\n", nx.person, a, b);
	} else {
		printf("  next  nobody within a year\n");
	}
}

/* --ics NAME: the calendar of one schedule, a week before at to weeks
 * after it. */
static int
write_ics(const struct proto_schedules *l, const char *name, int64_t at,
    int weeks)
{
	const struct proto_schedule *ps = NULL;
	size_t len;
	char *text;

	for (size_t i = 0; i < l->n && ps == NULL; i++)
		if (strcmp(l->v[i].name, name) == 0)
			ps = &l->v[i];
	if (ps == NULL) {
		fprintf(stderr, "warroom: no schedule %s\n", name);
		return CLI_EX_REFUSED;
	}
	if (ps->s == NULL) {
		fprintf(stderr, "warroom: schedule %s: cannot answer here: %s\n",
		    name, ps->problem);
		return CLI_EX_IOERR;
	}
	text = wr_ics_calendar(ps->s, at - WR_ICS_BACK_MS,
	    at + (int64_t)(weeks > 0 ? weeks : WR_ICS_WEEKS) * WR_ICS_WEEK_MS,
	    wr_now_ms(), &len);
	if (fwrite(text, 1, len, stdout) != len) {
		free(text);
		return CLI_EX_IOERR;
	}
	free(text);
	return CLI_EX_OK;
}

int
cli_oncall(const struct cli_opts *o)
{
	struct cli_session s;
	struct proto_schedules l;
	char *cause = NULL;
	int64_t at = wr_now_ms();
	int rc, found = 0;

	if (o->at != NULL && wr_time_parse(o->at, &at) != 0) {
		fprintf(stderr, "warroom oncall: --at: '%s' is not an RFC 3339 "
		    "time (2026-03-29T01:30:00Z)\n", o->at);
		return CLI_EX_USAGE;
	}
	rc = cli_catch_up_schedules(&s, o, "warroom/" WR_VERSION " oncall");
	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE) {
		cli_session_close(&s);
		return rc;
	}
	if (cli_oncall_load(s.store, &l, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		cli_session_close(&s);
		return CLI_EX_IOERR;
	}
	if (o->ics != NULL) {
		int wrc = write_ics(&l, o->ics, at, o->weeks);

		if (wrc != CLI_EX_OK)
			rc = wrc;
		found = 1;
	} else if (o->json) {
		json_t *root = json_object(), *arr = json_array();
		char *text;

		json_object_set_new(root, "at", jtime(at));
		for (size_t i = 0; i < l.n; i++) {
			const struct proto_schedule *ps = &l.v[i];
			json_t *so;
			struct wr_oncall now, nx;

			if (o->schedule != NULL &&
			    strcmp(o->schedule, ps->name) != 0)
				continue;
			found = 1;
			so = json_object();
			json_object_set_new(so, "name", json_string(ps->name));
			json_object_set_new(so, "timezone",
			    json_string(ps->timezone));
			if (ps->s == NULL) {
				json_object_set_new(so, "now", json_null());
				json_object_set_new(so, "next", json_null());
				json_object_set_new(so, "error",
				    json_string(ps->problem));
			} else {
				wr_schedule_at(ps->s, at, &now);
				json_object_set_new(so, "now", now.person ==
				    NULL ? json_null() : answer_json(ps->s,
				    &now, 1));
				json_object_set_new(so, "next",
				    wr_schedule_next_person(ps->s, at,
				    &nx) != 0 ? json_null() :
				    answer_json(ps->s, &nx, 0));
			}
			json_array_append_new(arr, so);
		}
		json_object_set_new(root, "schedules", arr);
		if (o->schedule == NULL || found) {
			text = json_dumps(root, JSON_PRESERVE_ORDER |
			    JSON_COMPACT);
			if (text != NULL)
				puts(text);
			free(text);
		}
		json_decref(root);
	} else {
		for (size_t i = 0; i < l.n; i++) {
			if (o->schedule != NULL &&
			    strcmp(o->schedule, l.v[i].name) != 0)
				continue;
			found = 1;
			print_text(&l.v[i], at);
		}
		if (l.n == 0)
			printf("no on-call schedules announced by the feed\n");
	}
	if (o->schedule != NULL && !found) {
		fprintf(stderr, "warroom: no schedule %s\n", o->schedule);
		rc = CLI_EX_REFUSED;
	}
	if (fflush(stdout) != 0 && rc == CLI_EX_OK)
		rc = CLI_EX_IOERR;
	proto_schedules_free(&l);
	cli_session_close(&s);
	return rc;
}
