/*
 * tail.c: `warroom tail [--json] [--from-now]`: every event the relay has
 * (the whole log from seq 1, or only what comes after its head with
 * --from-now), then the live ones, one line each, until SIGINT or SIGTERM
 * or until nobody reads stdout any more.
 *
 * tail keeps no store: its place in the log (epoch and seq) lives in the
 * feed's memory, which is enough to resume after a relay restart without a
 * gap and without printing an event twice.  Its room (summaries only) gives
 * the human lines their incident titles.  With --json each line is the
 * event's protocol object, compact, flushed as it is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/session.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/proto.h"

struct tail {
	int json;
	int64_t last_printed;
	int said_offline;
	int write_failed;
};

/* Untrusted text, made safe for a terminal (the caller frees). */
static char *
tail_safe(const char *s)
{
	return sanitize_text(s ? s : "", s ? strlen(s) : 0);
}

/*
 * One line for people: "TIME #ID WORDS by ACTOR (via TOKEN): TITLE" (the
 * via only when the token is not the actor's own name; after it "(made
 * TIME, delivered 3m later)" for an op that arrived late), the
 * words from the kind's row (core/model.h); the incident's title is left
 * out when the words already carry it.
 */
static void
tail_line(struct cli_session *s, const struct wr_event *e, FILE *fp)
{
	const struct wr_incident *inc = wr_room_get(&s->room, e->incident);
	int has_title = (wr_event_kind_info(e->kind)->fields &
	    WR_EVF(TITLE)) != 0;
	char when[40], late[128], what[40], *actor, *via, *t, *raw, *words;

	wr_time_format(e->time, when, sizeof when);
	actor = tail_safe(e->actor ? e->actor : "?");
	via = wr_event_via(e) != NULL ? tail_safe(wr_event_via(e)) : NULL;
	t = tail_safe(!has_title && inc ? inc->title : NULL);
	raw = wr_event_words(e);
	words = tail_safe(raw);
	late[0] = '\0';
	if (wr_event_delivery_lag(e) > 0) {
		char made[40], lag[32];

		/* the line keeps the log's time; when the person acted too */
		wr_time_format(e->made_at, made, sizeof made);
		cli_fmt_age(wr_event_delivery_lag(e), lag, sizeof lag);
		snprintf(late, sizeof late, " (made %s, delivered %s later)",
		    made, lag);
	}
	/* an incident's event names it; a schedule-wide one goes by its
	 * seq, which is how :override rm and :take name it */
	if (wr_event_kind_info(e->kind)->scope == WR_SCOPE_SCHEDULE)
		snprintf(what, sizeof what, "[%lld]", (long long)e->seq);
	else
		snprintf(what, sizeof what, "#%lld", (long long)e->incident);
	fprintf(fp, "%s %s %s by %s%s%s%s%s%s%s\n", when,
	    what, words, actor, via ? " (via " : "",
	    via ? via : "", via ? ")" : "", late, t[0] ? ": " : "", t);
	free(raw);
	free(words);
	free(actor);
	free(via);
	free(t);
}

static void
tail_applied(void *ud, const struct wr_event *ev, size_t n)
{
	struct cli_session *s = ud;
	struct tail *t = s->cmd;

	for (size_t i = 0; i < n && !t->write_failed; i++) {
		const struct wr_event *e = &ev[i];

		/* The feed never hands the same seq twice; this is the
		 * promise, kept here where the lines are written. */
		if (e->seq <= t->last_printed)
			continue;
		if (t->json) {
			json_t *o = proto_event_to_json(e);
			char *line = proto_dump(o, NULL);

			json_decref(o);
			if (line == NULL)
				util_die("out of memory");
			fputs(line, stdout);
			fputc('\n', stdout);
			free(line);
		} else
			tail_line(s, e, stdout);
		errno = 0;
		if (fflush(stdout) == EOF || ferror(stdout)) {
			t->write_failed = errno ? errno : EIO;
			break;
		}
		t->last_printed = e->seq;
	}
	if (t->write_failed) {
		/* EPIPE: the reader is gone, which is how tail ends. */
		cli_session_stop(s, t->write_failed == EPIPE ? CLI_EX_OK :
		    CLI_EX_IOERR);
	}
}

static void
tail_snapshot(void *ud, int64_t seq, const char *reason)
{
	struct cli_session *s = ud;
	struct tail *t = s->cmd;

	if (seq > 0)
		fprintf(stderr, "warroom: the relay could not resume: took a "
		    "snapshot at seq %lld (%s); events up to it are not "
		    "shown\n", (long long)seq, reason ? reason : "");
	else
		fprintf(stderr, "warroom: %s\n", reason ? reason :
		    "the relay's log started again");
	t->last_printed = seq;
}

static void
tail_status(void *ud, enum feed_state state, const char *detail)
{
	struct cli_session *s = ud;
	struct tail *t = s->cmd;

	if (state == FEED_OFFLINE && !t->said_offline) {
		fprintf(stderr, "warroom: offline: %s\n", detail);
		t->said_offline = 1;
	} else if (state == FEED_LIVE && t->said_offline) {
		fprintf(stderr, "warroom: live again: %s\n", detail);
		t->said_offline = 0;
	}
}

int
cli_tail(const struct cli_opts *o)
{
	static const struct feed_hooks hooks = {
		.on_status = tail_status,
		.on_applied = tail_applied,
		.on_snapshot = tail_snapshot,
	};
	struct cli_session s;
	struct tail t;
	int rc;

	memset(&t, 0, sizeof t);
	t.json = o->json;
	s.cmd = &t;
	if ((rc = cli_session_open(&s, o, 0, &hooks, "warroom/" WR_VERSION
	    " tail", o->from_now)) != 0) {
		cli_session_close(&s);
		return rc;
	}
	s.watch_stdout = 1;
	cli_session_run(&s, 0);
	rc = s.exit_code;
	if (s.token_refused) {
		cli_session_say_refused(&s, o, NULL);
		rc = CLI_EX_NOPERM;
	}
	cli_session_close(&s);
	return rc;
}
