/*
 * command.c: what keys and `:` commands do to incidents.  Every op goes out
 * through the loop's submit hook (which commits it to the outbox and sends
 * it); the TUI checks first what it can see for itself (an ack of an
 * incident already acknowledged, the same op already queued), asks before
 * resolving or reopening, and asks once before a bulk acknowledgement of
 * everything the filter shows, which then goes out as one op per incident.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/overrides.h"
#include "core/parse.h"
#include "core/sanitize.h"
#include "core/schedule.h"
#include "core/silence.h"
#include "core/util.h"
#include "store/store.h"
#include "tui/tui-int.h"

/* Can kind be sent for id?  0, or -1 with the reason already shown. */
static int
check(struct tui *t, wr_op_kind kind, int64_t id, const char *text)
{
	const struct wr_incident *inc;
	const char *what = wr_op_kind_name(kind);

	if (id == 0) {
		tui_message(t, "no incident selected");
		return -1;
	}
	if ((inc = wr_room_get(t->room, id)) == NULL) {
		tui_error(t, "there is no incident #%lld", (long long)id);
		return -1;
	}
	switch (kind) {
	case WR_OP_ACK:
		if (inc->state == WR_ST_ACKNOWLEDGED) {
			tui_message(t, "#%lld is already acknowledged by %s",
			    (long long)id, inc->ack_by ? inc->ack_by : "someone");
			return -1;
		}
		if (inc->state == WR_ST_RESOLVED) {
			tui_message(t, "#%lld is resolved (R reopens it)",
			    (long long)id);
			return -1;
		}
		break;
	case WR_OP_UNACK:
		if (inc->state != WR_ST_ACKNOWLEDGED) {
			tui_message(t, "#%lld is not acknowledged",
			    (long long)id);
			return -1;
		}
		break;
	case WR_OP_RESOLVE:
		if (inc->state == WR_ST_RESOLVED) {
			tui_message(t, "#%lld is already resolved",
			    (long long)id);
			return -1;
		}
		break;
	case WR_OP_REOPEN:
		if (inc->state != WR_ST_RESOLVED) {
			tui_message(t, "#%lld is not resolved", (long long)id);
			return -1;
		}
		break;
	case WR_OP_NOTE:
		if (text == NULL || *text == '\0') {
			tui_message(t, "empty note: nothing sent");
			return -1;
		}
		break;
	case WR_OP_SILENCE:
	case WR_OP_UNSILENCE:
		if (inc->source == NULL ||
		    strcmp(inc->source, "alertmanager") != 0) {
			tui_error(t, "#%lld did not come from an Alertmanager: "
			    "only those are silenced from here", (long long)id);
			return -1;
		}
		if (kind == WR_OP_UNSILENCE && inc->n_silences == 0) {
			tui_message(t, "#%lld has no silence", (long long)id);
			return -1;
		}
		break;
	case WR_OP_SEV: {
		wr_severity sev;

		if (text == NULL || wr_severity_parse(text, &sev) != 0) {
			tui_error(t, "severity: the level is critical, error, "
			    "warning or info (:sev LEVEL)");
			return -1;
		}
		if (inc->severity_by != NULL && inc->severity == sev) {
			tui_message(t, "#%lld is already set to %s",
			    (long long)id, text);
			return -1;
		}
		break;
	}
	case WR_OP_ASSIGN:
		if (text == NULL || *text == '\0') {
			tui_message(t, "assign to whom? (:assign NAME)");
			return -1;
		}
		if (inc->assignee != NULL && strcmp(inc->assignee, text) == 0) {
			tui_message(t, "#%lld is already assigned to %s",
			    (long long)id, text);
			return -1;
		}
		break;
	default:
		break;
	}
	if (kind != WR_OP_NOTE && tui_op_find(t, kind, id) != NULL) {
		tui_message(t, "%s of #%lld is already queued", what,
		    (long long)id);
		return -1;
	}
	if (t->act.submit == NULL) {
		tui_error(t, "this console cannot send ops");
		return -1;
	}
	return 0;
}

void
tui_confirm_clear(struct tui_confirm *c)
{
	free(c->ids);
	if (c->args != NULL) {
		wr_event_free(c->args);
		free(c->args);
	}
	memset(c, 0, sizeof *c);
}

/* Send kind with these arguments (borrowed), after check(). */
static int
submit(struct tui *t, wr_op_kind kind, int64_t id,
    const struct wr_event *args)
{
	char *cause = NULL;

	if (t->act.submit(t->act.ud, kind, id, args, &cause) == -1) {
		tui_error(t, "could not queue %s of #%lld: %s",
		    wr_op_kind_name(kind), (long long)id,
		    cause != NULL ? cause : "unknown error");
		free(cause);
		return -1;
	}
	if (kind == WR_OP_ASSIGN)
		tui_message(t, "assign #%lld to %s: queued", (long long)id,
		    args->text);
	else if (kind == WR_OP_SEV)
		tui_message(t, "severity of #%lld to %s: queued", (long long)id,
		    args->text);
	else
		tui_message(t, "%s #%lld: queued", wr_op_kind_name(kind),
		    (long long)id);
	return 0;
}

int
tui_command_op(struct tui *t, wr_op_kind kind, int64_t id, const char *text)
{
	struct wr_event args;

	if (kind == WR_OP_ASSIGN && text == NULL)
		text = t->user;
	if (check(t, kind, id, text) == -1)
		return -1;
	memset(&args, 0, sizeof args);
	args.text = (char *)text;	/* borrowed */
	return submit(t, kind, id, &args);
}

/*
 * Split what follows :silence's duration into the comment's words and the
 * matchers (each NAME=VALUE or NAME="VALUE, with spaces"); both
 * malloc'd, "" for none.
 */
static void
split_silence_args(const char *p, char **comment, char **matchers)
{
	size_t n = strlen(p);
	char *c = xcalloc(1, n + 1), *m = xcalloc(1, n + 1);

	while (*p != '\0') {
		const char *s = p, *q = p;
		char *to;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		s = q = p;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		if (q > s && *q == '=' && !isdigit((unsigned char)*s)) {
			q++;
			if (*q == '"') {
				for (q++; *q != '\0' && *q != '"'; q++)
					if (*q == '\\' && q[1] != '\0')
						q++;
				if (*q == '"')
					q++;
			}
			while (*q != '\0' && !isspace((unsigned char)*q))
				q++;
			to = m;
		} else {
			while (*q != '\0' && !isspace((unsigned char)*q))
				q++;
			to = c;
		}
		if (*to != '\0')
			strcat(to, " ");
		strncat(to, s, (size_t)(q - s));
		p = q;
	}
	*comment = c;
	*matchers = m;
}

void
tui_command_silence(struct tui *t, int64_t id, const char *arg)
{
	char dur[32], err[WR_PARSE_ERR_MAX + 64], *comment, *mtext, *cause = NULL;
	const struct wr_incident *inc;
	struct wr_kvlist narrow = { 0 }, m = { 0 };
	struct wr_alert *alerts = NULL;
	size_t n_alerts = 0, k = 0;
	struct tui_confirm c;
	struct wr_event *args;
	char *q, *shown, fitted[512], how[32];
	int64_t ms;

	while (arg[k] != '\0' && !isspace((unsigned char)arg[k]) &&
	    k + 1 < sizeof dur) {
		dur[k] = arg[k];
		k++;
	}
	dur[k] = '\0';
	if (dur[0] == '\0') {
		tui_message(t, "usage: :silence [#ID] DURATION [COMMENT] "
		    "[NAME=VALUE...]");
		return;
	}
	if (wr_parse_duration(dur, 0, WR_SILENCE_MIN_MS, WR_SILENCE_MAX_MS, &ms,
	    err, sizeof err) != 0) {
		tui_error(t, "silence: %s", err);
		return;
	}
	if (check(t, WR_OP_SILENCE, id, NULL) == -1)
		return;
	inc = wr_room_get(t->room, id);
	split_silence_args(arg + k, &comment, &mtext);
	if (strlen(comment) > WR_SILENCE_COMMENT_MAX) {
		tui_error(t, "silence: the comment is at most %d bytes",
		    WR_SILENCE_COMMENT_MAX);
		goto out;
	}
	if (wr_matchers_parse(mtext, &narrow, err, sizeof err) != 0) {
		tui_error(t, "silence: %s", err);
		goto out;
	}
	/* The preview: what the relay will ask Alertmanager for, from the
	 * alerts this console has of the incident. */
	if (inc->alerts_len > 0) {
		alerts = inc->alerts;
		n_alerts = inc->alerts_len;
	} else if (t->store != NULL && store_incident_alerts(t->store, id,
	    &alerts, &n_alerts, &cause) == -1) {
		tui_error(t, "silence: %s", cause);
		goto out;
	}
	wr_format_duration(ms, how, sizeof how);
	if (wr_silence_matchers(inc->key, alerts, n_alerts, &narrow, &m, err,
	    sizeof err) != 0) {
		if (n_alerts > 0 || narrow.n > 0) {
			tui_error(t, "silence: %s", err);
			goto out;
		}
		/* no alerts here: the relay has them */
		q = xasprintf("silence the alerts of #%lld (the group's "
		    "labels) for %s? y/n", (long long)id, how);
	} else {
		size_t count = wr_silence_count(alerts, n_alerts, &m);
		char *text = wr_matchers_format(&m);

		shown = tui_clean(text);
		free(text);
		sanitize_fit(shown, 80, 1, fitted, sizeof fitted);
		q = xasprintf("silence %zu alert%s matching %s for %s? y/n",
		    count, count == 1 ? "" : "s", fitted, how);
		free(shown);
	}
	args = xcalloc(1, sizeof *args);
	args->duration = ms;
	if (comment[0] != '\0')
		args->text = xstrdup(comment);
	if (narrow.n > 0)
		args->matchers = wr_matchers_format(&narrow);
	memset(&c, 0, sizeof c);
	c.what = CONFIRM_OP;
	c.kind = WR_OP_SILENCE;
	c.incident = id;
	c.args = args;
	tui_prompt_confirm(t, q, &c);
	free(q);
out:
	if (alerts != inc->alerts) {
		for (size_t i = 0; i < n_alerts; i++)
			wr_alert_free(&alerts[i]);
		free(alerts);
	}
	wr_kvlist_free(&narrow);
	wr_kvlist_free(&m);
	free(comment);
	free(mtext);
	free(cause);
}

void
tui_command_unsilence(struct tui *t, int64_t id, const char *arg)
{
	const struct wr_incident *inc;
	const struct wr_silence *s;
	struct wr_event args;
	char err[256];

	if (check(t, WR_OP_UNSILENCE, id, NULL) == -1)
		return;
	inc = wr_room_get(t->room, id);
	if ((s = wr_incident_silence(inc, arg, err, sizeof err)) == NULL) {
		char *e = tui_clean(err);

		tui_error(t, "unsilence: %s", e);
		free(e);
		return;
	}
	memset(&args, 0, sizeof args);
	args.silence_id = s->id;	/* borrowed */
	submit(t, WR_OP_UNSILENCE, id, &args);
}

void
tui_command_ask(struct tui *t, wr_op_kind kind, int64_t id)
{
	const struct wr_incident *inc;
	struct tui_confirm c;
	char *title, fitted[128], *q;

	if (check(t, kind, id, NULL) == -1)
		return;
	inc = wr_room_get(t->room, id);
	title = tui_clean(inc->title);
	sanitize_fit(title, 40, 1, fitted, sizeof fitted);
	q = xasprintf("%s #%lld \"%s\"? y/n", kind == WR_OP_RESOLVE ?
	    "resolve" : "reopen", (long long)id, fitted);
	memset(&c, 0, sizeof c);
	c.what = CONFIRM_OP;
	c.kind = kind;
	c.incident = id;
	tui_prompt_confirm(t, q, &c);
	free(q);
	free(title);
}

void
tui_command_ackall(struct tui *t)
{
	size_t n = tui_list_count(t), m = 0;
	int64_t *ids;
	struct tui_confirm c;
	char *q, *f = NULL;

	if (t->act.submit == NULL) {
		tui_error(t, "this console cannot send ops");
		return;
	}
	ids = xcalloc(n ? n : 1, sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		int64_t id = tui_list_row(t, i);
		const struct wr_incident *inc = wr_room_get(t->room, id);

		if (inc != NULL && inc->state == WR_ST_TRIGGERED &&
		    tui_op_find(t, WR_OP_ACK, id) == NULL)
			ids[m++] = id;
	}
	if (m == 0) {
		tui_message(t, tui_list_filter(t) != NULL ?
		    "no triggered incident matches the filter" :
		    "no triggered incident to acknowledge");
		free(ids);
		return;
	}
	if (tui_list_filter(t) != NULL)
		f = tui_clean(tui_list_filter(t));
	q = xasprintf("acknowledge %zu incident%s%s%s? y/n", m,
	    m == 1 ? "" : "s", f != NULL ? " matching /" : "",
	    f != NULL ? f : "");
	memset(&c, 0, sizeof c);
	c.what = CONFIRM_ACKALL;
	c.kind = WR_OP_ACK;
	c.ids = ids;
	c.n_ids = m;
	tui_prompt_confirm(t, q, &c);
	free(q);
	free(f);
}

void
tui_command_quit(struct tui *t, int force)
{
	struct tui_confirm c;
	char *q;

	if (t->act.quit == NULL)
		return;
	if (force || t->queued_count <= 0) {
		t->act.quit(t->act.ud);
		return;
	}
	/* They are safe in the outbox: say so, and ask. */
	q = xasprintf("%d op%s queued; they will be sent by the next warroom "
	    "that connects. Quit? y/n", t->queued_count,
	    t->queued_count == 1 ? "" : "s");
	memset(&c, 0, sizeof c);
	c.what = CONFIRM_QUIT;
	tui_prompt_confirm(t, q, &c);
	free(q);
}

void
tui_command_confirmed(struct tui *t, const struct tui_confirm *c)
{
	size_t ok = 0, failed = 0;
	char *first = NULL;

	if (c->what == CONFIRM_OP && c->args != NULL) {
		/* the room may have moved on while the question was up */
		if (check(t, c->kind, c->incident, NULL) == 0)
			submit(t, c->kind, c->incident, c->args);
		return;
	}
	if (c->what == CONFIRM_OP) {
		tui_command_op(t, c->kind, c->incident, NULL);
		return;
	}
	if (c->what == CONFIRM_QUIT) {
		if (t->act.quit != NULL)
			t->act.quit(t->act.ud);
		return;
	}
	for (size_t i = 0; i < c->n_ids; i++) {
		const struct wr_incident *inc = wr_room_get(t->room, c->ids[i]);
		char *cause = NULL;

		/* The room may have moved on while the question was up. */
		if (inc == NULL || inc->state != WR_ST_TRIGGERED ||
		    tui_op_find(t, WR_OP_ACK, c->ids[i]) != NULL)
			continue;
		if (t->act.submit(t->act.ud, WR_OP_ACK, c->ids[i], NULL,
		    &cause) == -1) {
			failed++;
			if (first == NULL)
				first = cause != NULL ? cause :
				    xstrdup("unknown error");
			else
				free(cause);
			continue;
		}
		ok++;
	}
	if (failed > 0)
		tui_error(t, "acknowledging: %zu queued, %zu failed: %s", ok,
		    failed, first);
	else
		tui_message(t, "acknowledging %zu incident%s: queued", ok,
		    ok == 1 ? "" : "s");
	free(first);
}

/* P and :postmortem: the editor on the incident's postmortem. */
static void
command_postmortem(struct tui *t, int64_t id)
{
	if (id == 0)
		tui_message(t, "no incident selected");
	else if (t->act.edit_postmortem == NULL)
		tui_error(t, "no editor here: warroom postmortem %lld --edit "
		    "from a shell", (long long)id);
	else
		t->act.edit_postmortem(t->act.ud, id);
}

int
tui_command_key(struct tui *t, wint_t ch)
{
	int64_t id;

	switch (ch) {
	case 'a': case 'A': case 'r': case 'R': case 't': case 'n': case 'N':
	case 'B': case 'P':
		break;
	default:
		return 0;
	}
	/* The incident the person is looking at, not whatever the list
	 * has put under the selection since the last frame. */
	id = tui_target(t);
	switch (ch) {
	case 'a':
		tui_command_op(t, WR_OP_ACK, id, NULL);
		break;
	case 'A':
		tui_command_op(t, WR_OP_UNACK, id, NULL);
		break;
	case 'r':
		tui_command_ask(t, WR_OP_RESOLVE, id);
		break;
	case 'R':
		tui_command_ask(t, WR_OP_REOPEN, id);
		break;
	case 't':
		tui_command_op(t, WR_OP_ASSIGN, id, t->user);
		break;
	case 'n':
		if (id == 0)
			tui_message(t, "no incident selected");
		else
			tui_prompt_open(t, PROMPT_NOTE, NULL, id);
		break;
	case 'N':
		if (id == 0)
			tui_message(t, "no incident selected");
		else if (t->act.edit_note == NULL)
			tui_error(t, "no editor here: n takes a one-line note");
		else
			t->act.edit_note(t->act.ud, id);
		break;
	case 'B':
		tui_command_ackall(t);
		break;
	case 'P':
		command_postmortem(t, id);
		break;
	}
	return 1;
}

/* ---- the command line ------------------------------------------------------ */

/* "#12" or "12" -> 12; 0 when s is not an id. */
static int64_t
parse_id(const char *s)
{
	char *end;
	long long v;

	if (*s == '#')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' && v > 0 ? v : 0;
}

/* A leading "#12" or "12" word of *arg is the incident; *arg moves past
 * it.  Otherwise the incident is sel and *arg stays. */
static int64_t
leading_id(char **arg, int64_t sel)
{
	char *p = *arg, *end, save;
	int64_t id;

	end = p + strcspn(p, " \t");
	if (*end == '\0') {
		/* one word: an id alone (":note #12" opens the prompt), or
		 * the text */
		if ((id = parse_id(p)) == 0)
			return sel;
		*arg = end;
		return id;
	}
	save = *end;
	*end = '\0';
	id = parse_id(p);
	*end = save;
	if (id == 0)
		return sel;
	while (isspace((unsigned char)*end))
		end++;
	*arg = end;
	return id;
}

static void
select_id(struct tui *t, int64_t id)
{
	if (tui_list_select_id(t, id) == 0)
		return;
	if (wr_room_get(t->room, id) == NULL)
		tui_error(t, "there is no incident #%lld", (long long)id);
	else
		tui_message(t, "#%lld is not in the list (Esc clears the "
		    "filter)", (long long)id);
}

/* ---- schedule-wide ops ------------------------------------------------------ */

/* Submit a schedule-wide op (args borrowed); what names it on the line. */
static void
schedule_op(struct tui *t, wr_op_kind kind, const struct wr_event *args,
    const char *what)
{
	char *cause = NULL;

	if (t->act.submit == NULL) {
		tui_error(t, "this console cannot send ops");
		return;
	}
	if (t->act.submit(t->act.ud, kind, 0, args, &cause) == -1) {
		tui_error(t, "could not queue the %s: %s", what,
		    cause != NULL ? cause : "unknown error");
		free(cause);
		return;
	}
	tui_message(t, "%s: queued", what);
}

/* Split arg into at most max words (in place); *rest gets what follows
 * the last one (may be ""). */
static int
words(char *arg, char **w, int max, char **rest)
{
	int n = 0;

	while (*arg != '\0' && n < max) {
		w[n++] = arg;
		arg += strcspn(arg, " \t");
		if (*arg != '\0')
			*arg++ = '\0';
		while (isspace((unsigned char)*arg))
			arg++;
	}
	if (rest != NULL)
		*rest = arg;
	return *arg != '\0' && rest == NULL ? max + 1 : n;
}

/* A seq that names an override or a cover request: digits, > 0. */
static int64_t
parse_ref(const char *s)
{
	int64_t v;
	char err[WR_PARSE_ERR_MAX];

	if (s == NULL || wr_parse_int(s, 1, INT64_MAX, &v, err,
	    sizeof err) != 0)
		return 0;
	return v;
}

/* FROM UNTIL (or a DURATION from now) of schedule s into a; 0 or -1 with
 * the reason shown. */
static int
stretch(struct tui *t, const struct wr_schedule *s, char **w, int n,
    struct wr_event *a)
{
	int64_t now = tui_now(t), d;
	char err[WR_PARSE_ERR_MAX], *cause = NULL;

	if (n == 1) {
		if (wr_parse_duration(w[0][0] == '+' ? w[0] + 1 : w[0], 0,
		    60000, WR_OVERRIDE_MAX_MS, &d, err, sizeof err) != 0) {
			tui_error(t, "%s", err);
			return -1;
		}
		a->from = now;
		a->until = now + d;
		return 0;
	}
	if (wr_overrides_parse_when(w[0], s->zone, now, now, &a->from,
	    &cause) != 0 || wr_overrides_parse_when(w[1], s->zone, now,
	    a->from, &a->until, &cause) != 0) {
		tui_error(t, "%s", cause);
		free(cause);
		return -1;
	}
	if (a->until <= a->from) {
		tui_error(t, "until is not after from");
		return -1;
	}
	return 0;
}

/* :override SCHEDULE PERSON DURATION | SCHEDULE PERSON FROM UNTIL,
 * :override rm ID */
static void
cmd_override(struct tui *t, char *arg)
{
	char *w[5];
	int n = words(arg, w, 4, NULL);
	struct wr_event a;
	const struct wr_schedule *s;
	char *what;

	memset(&a, 0, sizeof a);
	if (n == 2 && strcmp(w[0], "rm") == 0) {
		if ((a.ref = parse_ref(w[1][0] == '#' ? w[1] + 1 : w[1])) == 0) {
			tui_error(t, ":override rm takes an override's number "
			    "(the on-call pane shows them), not '%s'", w[1]);
			return;
		}
		what = xasprintf("removal of override %lld",
		    (long long)a.ref);
		schedule_op(t, WR_OP_OVERRIDE_RM, &a, what);
		free(what);
		return;
	}
	if (n != 3 && n != 4) {
		tui_message(t, "usage: :override SCHEDULE PERSON DURATION, "
		    ":override SCHEDULE PERSON FROM UNTIL or :override rm ID");
		return;
	}
	if ((s = tui_oncall_find(t, w[0])) == NULL) {
		tui_error(t, "no schedule %s here (the on-call pane lists "
		    "them)", w[0]);
		return;
	}
	a.schedule = w[0];
	a.person = strcmp(w[1], "me") == 0 ? t->user : w[1];
	if (strlen(a.person) > WR_FIELD_MAX_NAME) {
		tui_error(t, "a name is at most %d bytes", WR_FIELD_MAX_NAME);
		return;
	}
	if (stretch(t, s, w + 2, n - 2, &a) != 0)
		return;
	what = xasprintf("override of %s by %s", a.schedule, a.person);
	schedule_op(t, WR_OP_OVERRIDE, &a, what);
	free(what);
}

/* :cover SCHEDULE FROM UNTIL [REASON]; :cover rm ID withdraws one's own */
static void
cmd_cover(struct tui *t, char *arg)
{
	char *w[3], *rest;
	int n = words(arg, w, 3, &rest);
	struct wr_event a;
	const struct wr_schedule *s;
	char *what;

	memset(&a, 0, sizeof a);
	if (n == 2 && strcmp(w[0], "rm") == 0 && *rest == '\0') {
		const struct wr_cover *c;
		const char *schedule = NULL;

		if ((c = tui_oncall_cover(t, w[1], &schedule)) == NULL) {
			tui_error(t, "no open cover request %s (taken, or "
			    "never made: the on-call pane lists the open "
			    "ones)", w[1]);
			return;
		}
		if (strcmp(c->by, t->user) != 0) {
			tui_error(t, "cover request %s is %s's: only %s "
			    "withdraws it", w[1], c->by, c->by);
			return;
		}
		a.ref = parse_ref(w[1]);
		what = xasprintf("withdrawal of cover request %s (%s)", w[1],
		    schedule);
		schedule_op(t, WR_OP_COVER_RM, &a, what);
		free(what);
		return;
	}
	if (n != 3) {
		tui_message(t, "usage: :cover SCHEDULE FROM UNTIL [REASON] "
		    "or :cover rm ID");
		return;
	}
	if ((s = tui_oncall_find(t, w[0])) == NULL) {
		tui_error(t, "no schedule %s here (the on-call pane lists "
		    "them)", w[0]);
		return;
	}
	if (strlen(rest) > WR_FIELD_MAX_REASON) {
		tui_error(t, "the reason is at most %d bytes",
		    WR_FIELD_MAX_REASON);
		return;
	}
	a.schedule = w[0];
	a.text = *rest != '\0' ? rest : NULL;
	if (stretch(t, s, w + 1, 2, &a) != 0)
		return;
	what = xasprintf("cover request for %s", a.schedule);
	schedule_op(t, WR_OP_COVER, &a, what);
	free(what);
}

/*
 * :take ID, a bare number, is a cover request's (the pane and the status
 * line say "(:take 18)"); "#ID" is an incident's, and :take alone the
 * selected one's.  A bare number that is no open cover request is refused,
 * never taken as an incident: a request taken a minute ago by someone else
 * fell through to the incident of that number and assigned it.
 * ":take cover ID" is the same as the bare number.  1 when it was a cover
 * request (done or refused here), else 0.
 */
static int
cmd_take_cover(struct tui *t, char *arg)
{
	struct wr_event a;
	const struct wr_cover *c;
	const char *schedule = NULL;
	int forced = strncmp(arg, "cover", 5) == 0 &&
	    (arg[5] == ' ' || arg[5] == '\0');
	char *id = arg, *what;

	if (forced) {
		id = arg + 5;
		while (isspace((unsigned char)*id))
			id++;
	}
	if (!forced && (*id == '#' || *id == '\0'))
		return 0;
	if ((c = tui_oncall_cover(t, id, &schedule)) == NULL) {
		if (forced)
			tui_error(t, "no open cover request %s (the on-call "
			    "pane lists them)", id);
		else
			tui_error(t, "no open cover request %s (taken, or "
			    "never made: the on-call pane lists the open "
			    "ones); :take #%s takes incident #%s", id, id, id);
		return 1;
	}
	if (strcmp(c->by, t->user) == 0) {
		tui_error(t, "cover request %s is your own", id);
		return 1;
	}
	memset(&a, 0, sizeof a);
	a.ref = parse_ref(id);
	what = xasprintf("take of %s's cover request %s (%s)", c->by, id,
	    schedule);
	schedule_op(t, WR_OP_TAKE, &a, what);
	free(what);
	return 1;
}

/* :snooze: an acknowledged incident, until now + the duration. */
static void
command_snooze(struct tui *t, int64_t id, const char *dur)
{
	const struct wr_incident *inc;
	char err[WR_PARSE_ERR_MAX], tbuf[40], *cause = NULL;
	struct wr_event args;
	int64_t ms;

	if (check(t, WR_OP_SNOOZE, id, NULL) == -1)
		return;
	inc = wr_room_get(t->room, id);
	if (inc->state != WR_ST_ACKNOWLEDGED) {
		tui_message(t, "#%lld is not acknowledged: a snooze is of an "
		    "acknowledged incident (a acknowledges)", (long long)id);
		return;
	}
	if (wr_parse_duration(dur, 0, 1000, WR_SNOOZE_MAX_MS, &ms, err,
	    sizeof err) != 0) {
		tui_error(t, "snooze: %s", err);
		return;
	}
	memset(&args, 0, sizeof args);
	args.until = tui_now(t) + ms;
	if (t->act.submit(t->act.ud, WR_OP_SNOOZE, id, &args, &cause) == -1) {
		tui_error(t, "could not queue the snooze of #%lld: %s",
		    (long long)id, cause != NULL ? cause : "unknown error");
		free(cause);
		return;
	}
	tui_format_time(t, args.until, 0, tbuf, sizeof tbuf);
	tui_message(t, "snooze #%lld until %s: queued", (long long)id, tbuf);
}

void
tui_command_exec(struct tui *t, const char *line)
{
	char *copy = xstrdup(line), *cmd = copy, *arg, *end;
	int64_t sel, id;
	char *cause = NULL;

	while (isspace((unsigned char)*cmd))
		cmd++;
	end = cmd + strlen(cmd);
	while (end > cmd && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*cmd == '\0')
		goto out;
	arg = cmd;
	while (*arg != '\0' && !isspace((unsigned char)*arg))
		arg++;
	if (*arg != '\0') {
		*arg++ = '\0';
		while (isspace((unsigned char)*arg))
			arg++;
	}
	sel = tui_target(t);

	if ((id = parse_id(cmd)) != 0) {
		select_id(t, id);
	} else if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0 ||
	    strcmp(cmd, "q!") == 0 || strcmp(cmd, "qa") == 0 ||
	    strcmp(cmd, "exit") == 0) {
		tui_command_quit(t, strcmp(cmd, "q!") == 0);
	} else if (strcmp(cmd, "ack") == 0 || strcmp(cmd, "unack") == 0 ||
	    strcmp(cmd, "resolve") == 0 || strcmp(cmd, "reopen") == 0) {
		wr_op_kind kind = wr_op_kind_parse(cmd);

		id = *arg != '\0' ? parse_id(arg) : sel;
		if (*arg != '\0' && id == 0)
			tui_error(t, ":%s takes an incident id (#12), not "
			    "'%s'", cmd, arg);
		else if (kind == WR_OP_RESOLVE || kind == WR_OP_REOPEN)
			tui_command_ask(t, kind, id);
		else
			tui_command_op(t, kind, id, NULL);
	} else if (strcmp(cmd, "note") == 0) {
		/* :note [#ID] TEXT, as the other commands take an id */
		id = leading_id(&arg, sel);
		if (*arg == '\0') {
			if (id == 0)
				tui_message(t, "no incident selected");
			else
				tui_prompt_open(t, PROMPT_NOTE, NULL, id);
		} else {
			tui_command_op(t, WR_OP_NOTE, id, arg);
		}
	} else if (strcmp(cmd, "assign") == 0) {
		id = leading_id(&arg, sel);
		if (*arg == '\0')
			tui_message(t, "usage: :assign [#ID] NAME");
		else
			tui_command_op(t, WR_OP_ASSIGN, id, arg);
	} else if (strcmp(cmd, "sev") == 0 || strcmp(cmd, "severity") == 0) {
		/* :sev [#ID] LEVEL */
		id = leading_id(&arg, sel);
		if (*arg == '\0')
			tui_message(t, "usage: :sev [#ID] critical|error|"
			    "warning|info");
		else
			tui_command_op(t, WR_OP_SEV, id, arg);
	} else if (strcmp(cmd, "override") == 0) {
		cmd_override(t, arg);
	} else if (strcmp(cmd, "cover") == 0) {
		cmd_cover(t, arg);
	} else if (strcmp(cmd, "take") == 0 && cmd_take_cover(t, arg)) {
		;	/* a cover request */
	} else if (strcmp(cmd, "silence") == 0) {
		id = leading_id(&arg, sel);
		tui_command_silence(t, id, arg);
	} else if (strcmp(cmd, "unsilence") == 0) {
		id = leading_id(&arg, sel);
		tui_command_unsilence(t, id, arg);
	} else if (strcmp(cmd, "snooze") == 0) {
		/* :snooze [#ID] DURATION */
		id = leading_id(&arg, sel);
		if (*arg == '\0')
			tui_message(t, "usage: :snooze [#ID] DURATION (30m, 2h)");
		else
			command_snooze(t, id, arg);
	} else if (strcmp(cmd, "take") == 0) {
		id = *arg != '\0' ? parse_id(arg) : sel;
		if (*arg != '\0' && id == 0)
			tui_error(t, ":take takes an incident id (#12) or a "
			    "cover request's number, not '%s'", arg);
		else
			tui_command_op(t, WR_OP_ASSIGN, id, t->user);
	} else if (strcmp(cmd, "postmortem") == 0 || strcmp(cmd, "pm") == 0) {
		id = *arg != '\0' ? parse_id(arg) : sel;
		if (*arg != '\0' && id == 0)
			tui_error(t, ":postmortem takes an incident id (#12), "
			    "not '%s'", arg);
		else
			command_postmortem(t, id);
	} else if (strcmp(cmd, "export") == 0) {
		/* :export [#ID] FILE */
		id = leading_id(&arg, sel);
		if (*arg == '\0')
			tui_message(t, "usage: :export [#ID] FILE");
		else if (id == 0)
			tui_message(t, "no incident selected");
		else if (t->act.export_file == NULL)
			tui_error(t, "no export here");
		else if (t->act.export_file(t->act.ud, id, arg, &cause) == -1)
			tui_error(t, "export: %s", cause != NULL ? cause :
			    "failed");
		else
			tui_message(t, "exported #%lld to %s", (long long)id,
			    arg);
	} else if (strcmp(cmd, "ackall") == 0) {
		tui_command_ackall(t);
	} else if (strcmp(cmd, "filter") == 0) {
		if (tui_list_set_filter(t, arg, &cause) == -1)
			tui_error(t, "filter: %s", cause);
		else if (*arg == '\0')
			tui_message(t, "filter cleared");
		else
			tui_message(t, "%zu incidents match", tui_list_count(t));
	} else if (strcmp(cmd, "sort") == 0) {
		if (tui_list_set_sort(t, *arg != '\0' ? arg : "state",
		    &cause) == -1)
			tui_error(t, "sort: %s", cause);
		else
			tui_message(t, "sorted by %s", *arg != '\0' ? arg :
			    "state");
	} else if (strcmp(cmd, "theme") == 0) {
		if (*arg == '\0') {
			tui_message(t, "theme %s (:theme NAME changes it)",
			    t->theme_name);
		} else {
			tui_clear_message(t, 1);
			tui_set_theme(t, arg);
			if (t->msg == NULL)
				tui_message(t, "theme %s", arg);
		}
	} else if (strcmp(cmd, "user") == 0) {
		if (*arg == '\0') {
			tui_message(t, "acting as %s (:user NAME changes it)",
			    t->user);
		} else if (t->act.set_user == NULL) {
			tui_error(t, "this console cannot change its user");
		} else if (t->act.set_user(t->act.ud, arg, &cause) == -1) {
			tui_error(t, "user: %s", cause != NULL ? cause :
			    "refused");
		} else {
			tui_set_user(t, arg);
			tui_message(t, "acting as %s", arg);
		}
	} else if (strcmp(cmd, "open") == 0) {
		if ((id = parse_id(arg)) == 0)
			tui_message(t, "usage: :open ID");
		else
			select_id(t, id);
	} else if (strcmp(cmd, "oncall") == 0) {
		if (strcmp(arg, "week") == 0)
			tui_oncall_week(t, 1);
		else if (*arg == '\0' || strcmp(arg, "now") == 0)
			tui_oncall_week(t, 0);
		else
			tui_error(t, ":oncall week or :oncall now");
	} else if (strcmp(cmd, "stats") == 0) {
		tui_stats_show(t, arg);
	} else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "h") == 0) {
		tui_help_show(t, 1);
	} else {
		tui_error(t, "unknown command :%s (? lists them)", cmd);
	}
out:
	free(cause);
	free(copy);
}
