/*
 * op.c: the one-shot ops: `warroom ack ID`, unack, resolve, reopen,
 * `assign ID NAME`, `note ID TEXT` and `sev ID LEVEL`, and the save that
 * `warroom postmortem ID --edit` makes (cli_op_postmortem()).
 *
 * An op goes through the outbox like one made in the curses console: once
 * this console's copy has caught up (and so knows the relay's epoch), the
 * op is committed to the outbox, then sent, after any older ops still
 * queued there.  The relay's answer settles it: applied or noop, exit 0;
 * refused, exit 65 with the reason.  If the relay cannot be reached (or
 * does not answer) within --timeout, the op stays in the outbox, for the
 * next warroom that connects to send, and the exit code is 75.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/session.h"
#include "core/overrides.h"
#include "core/parse.h"
#include "core/sanitize.h"
#include "core/silence.h"
#include "core/timefmt.h"
#include "core/parse.h"
#include "core/util.h"
#include "net/proto.h"
#include "store/store.h"

struct op {
	wr_op_kind kind;
	int64_t incident;
	struct wr_event args;	/* its arguments: note text, assignee */
	char op_id[33];
	/* when the person ran the command: the op's made_at, even when it
	 * is queued only once --timeout ran out */
	int64_t made_at;
	int queued;		/* committed to the outbox */
	int failed;		/* could not be queued */
	char *status;		/* the relay's answer */
	char *reason;
};

static void
op_say_done(const struct op *op, int noop)
{
	char *raw = wr_op_words(op->kind, noop, op->incident, &op->args);
	char *words = sanitize_text(raw, strlen(raw));

	printf("%s\n", words);
	free(words);
	free(raw);
}

/* Commit the op to the outbox (before it is sent, or before exiting). */
static int
op_queue(struct cli_session *s, struct op *op)
{
	struct wr_outbox_op ob;
	char *cause = NULL;

	if (op->queued)
		return 0;
	if (proto_new_op_id(op->op_id) != 0) {
		fprintf(stderr, "warroom: cannot make an op id: %s\n",
		    strerror(errno));
		op->failed = 1;
		return -1;
	}
	memset(&ob, 0, sizeof ob);
	memcpy(ob.op_id, op->op_id, sizeof ob.op_id);
	ob.kind = op->kind;
	ob.incident = op->incident;
	/* "" before the copy ever met a relay: the op then belongs to the
	 * epoch of the relay it is first sent to. */
	ob.epoch = (char *)store_epoch(s->store);
	ob.actor = (char *)s->opts->user;
	ob.args = op->args;	/* borrowed: add copies what it keeps */
	ob.made_at = op->made_at;
	ob.state = WR_OUTBOX_QUEUED;
	if (store_outbox_add(s->store, &ob, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		op->failed = 1;
		return -1;
	}
	op->queued = 1;
	return 0;
}

static void
op_caught_up(void *ud, int64_t seq)
{
	struct cli_session *s = ud;
	struct op *op = s->cmd;

	if (op->queued)
		return;
	if (op_queue(s, op) != 0) {
		cli_session_stop(s, CLI_EX_IOERR);
		return;
	}
	feed_kick_outbox(s->feed);
}

static void
op_result(void *ud, const char *op_id, const char *status, int64_t seq,
    const char *reason)
{
	struct cli_session *s = ud;
	struct op *op = s->cmd;

	if (!op->queued || strcmp(op_id, op->op_id) != 0)
		return;
	util_set_str(&op->reason, reason);
	if (strcmp(status, "error") == 0)
		return;	/* transient: the feed sends it again; wait on */
	util_set_str(&op->status, status);
	cli_session_stop(s, CLI_EX_OK);
}

static int
op_parse_id(const char *arg, int64_t *id)
{
	char *end;
	long long v;

	if (arg[0] == '#')
		arg++;
	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1)
		return -1;
	*id = v;
	return 0;
}

static char *
op_join(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/*
 * silence ID DURATION [MATCHER...] (and --comment): the duration, the
 * person's matchers (checked here as the relay checks them, and sent in
 * their one text form) and the comment.  0, or -1 having said why.
 */
static int
op_silence_args(const struct cli_opts *o, int argc, char **argv,
    struct wr_event *args)
{
	struct wr_kvlist m = { 0 };
	char err[WR_PARSE_ERR_MAX + 64], *text;

	if (argc < 2) {
		fprintf(stderr, "warroom: silence: how long? (90m, 2h, 1d)\n");
		return -1;
	}
	if (wr_parse_duration(argv[1], 0, WR_SILENCE_MIN_MS,
	    WR_SILENCE_MAX_MS, &args->duration, err, sizeof err) != 0) {
		fprintf(stderr, "warroom: silence: %s\n", err);
		return -1;
	}
	text = op_join(argc - 2, argv + 2);
	if (wr_matchers_parse(text, &m, err, sizeof err) != 0) {
		fprintf(stderr, "warroom: silence: %s\n", err);
		free(text);
		return -1;
	}
	free(text);
	if (m.n > 0)
		args->matchers = wr_matchers_format(&m);
	wr_kvlist_free(&m);
	if (o->comment != NULL) {
		if (o->comment[0] == '\0' ||
		    strlen(o->comment) > WR_SILENCE_COMMENT_MAX) {
			fprintf(stderr, "warroom: silence: the comment must be "
			    "1 to %d bytes\n", WR_SILENCE_COMMENT_MAX);
			return -1;
		}
		args->text = xstrdup(o->comment);
	}
	return 0;
}

/*
 * warroom override SCHEDULE PERSON (--for DURATION | --from TIME --until
 * TIME): the arguments into a (PERSON "me" is --user).  Times are "now",
 * "+2h" (the end: from the start) or RFC 3339; the relay checks the rest
 * (the schedule, the bounds) and its refusal is exit 65.  0, or -1 with
 * the reason printed.
 */
static int
op_override_args(const struct cli_opts *o, int argc, char **argv,
    struct wr_event *a)
{
	int64_t now = wr_now_ms(), d;
	char err[WR_PARSE_ERR_MAX], *cause = NULL;

	if (argc != 2 || argv[0][0] == '\0' || argv[1][0] == '\0' ||
	    strlen(argv[0]) > WR_FIELD_MAX_NAME ||
	    strlen(argv[1]) > WR_FIELD_MAX_NAME) {
		fprintf(stderr, "warroom: override: give a SCHEDULE and a "
		    "PERSON (each 1 to %d bytes; me is --user)\n",
		    WR_FIELD_MAX_NAME);
		return -1;
	}
	a->schedule = xstrdup(argv[0]);
	a->person = xstrdup(strcmp(argv[1], "me") == 0 && o->user != NULL ?
	    o->user : argv[1]);
	if ((o->for_ != NULL) == (o->from != NULL || o->until != NULL) ||
	    (o->for_ == NULL && (o->from == NULL || o->until == NULL))) {
		fprintf(stderr, "warroom: override: give --for DURATION, or "
		    "--from TIME and --until TIME\n");
		return -1;
	}
	if (o->for_ != NULL) {
		if (wr_parse_duration(o->for_, 0, 60000, WR_OVERRIDE_MAX_MS,
		    &d, err, sizeof err) != 0) {
			fprintf(stderr, "warroom: override: --for: %s\n", err);
			return -1;
		}
		a->from = now;
		a->until = now + d;
		return 0;
	}
	if (wr_overrides_parse_when(o->from, NULL, now, now, &a->from,
	    &cause) != 0 || wr_overrides_parse_when(o->until, NULL, now,
	    a->from, &a->until, &cause) != 0) {
		fprintf(stderr, "warroom: override: %s\n", cause);
		free(cause);
		return -1;
	}
	if (a->until <= a->from) {
		fprintf(stderr, "warroom: override: --until is not after "
		    "--from\n");
		return -1;
	}
	return 0;
}

/*
 * Queue op (its arguments are freed here) once the copy has caught up,
 * send it, and wait for the relay's answer: the one-shot exit codes.
 */
static int
op_run(const struct cli_opts *o, struct op *op)
{
	static const struct feed_hooks hooks = {
		.on_result = op_result,
		.on_caught_up = op_caught_up,
	};
	wr_op_kind kind = op->kind;
	struct cli_session s;
	char what[96];
	int rc;

	if (op->incident != 0)
		snprintf(what, sizeof what, "%s of #%lld",
		    wr_op_kind_info(kind)->noun, (long long)op->incident);
	else
		snprintf(what, sizeof what, "%s", wr_op_kind_info(kind)->noun);

	s.cmd = op;
	if ((rc = cli_session_open(&s, o, 1, &hooks, "warroom/" WR_VERSION
	    " op", 0)) != 0)
		goto out;
	cli_session_run(&s, o->timeout_s);
	if (op->failed) {
		rc = CLI_EX_IOERR;
		goto out;
	}
	if (op->status != NULL) {
		if (strcmp(op->status, "applied") == 0 ||
		    strcmp(op->status, "noop") == 0) {
			op_say_done(op, strcmp(op->status, "noop") == 0);
			rc = CLI_EX_OK;
		} else if (strcmp(op->status, "refused") == 0) {
			char *why = sanitize_text(op->reason ? op->reason :
			    "no reason given", op->reason ? strlen(op->reason) :
			    15);
			fprintf(stderr, "warroom: the relay refused the %s: "
			    "%s\n", what, why);
			free(why);
			rc = CLI_EX_REFUSED;
		} else {
			char *why = sanitize_text(op->reason ? op->reason : "",
			    op->reason ? strlen(op->reason) : 0);
			fprintf(stderr, "warroom: the relay at %s could not "
			    "take the %s now (%s); it is queued and "
			    "will be sent by the next warroom that connects\n",
			    o->feed, what, why);
			free(why);
			rc = CLI_EX_UNREACHABLE;
		}
		goto out;
	}
	if (s.token_refused) {
		cli_session_say_refused(&s, o, op->queued ?
		    "the op stays queued" : "nothing was queued");
		rc = CLI_EX_NOPERM;
		goto out;
	}
	/* Timed out, or interrupted: either way the op is kept. */
	if (op_queue(&s, op) != 0) {
		rc = CLI_EX_IOERR;
		goto out;
	}
	if (s.interrupted)
		fprintf(stderr, "warroom: interrupted; the %s is "
		    "queued and will be sent by the next warroom that "
		    "connects\n", what);
	else if (op->reason != NULL) {
		char *why = sanitize_text(op->reason, strlen(op->reason));
		fprintf(stderr, "warroom: the relay at %s could not take the "
		    "%s within %d s (%s); it is queued and will be "
		    "sent by the next warroom that connects\n", o->feed,
		    what, o->timeout_s, why);
		free(why);
	} else
		fprintf(stderr, "warroom: %s the relay at %s within %d s; the "
		    "%s is queued and will be sent by the next "
		    "warroom that connects\n", s.ever_live ?
		    "no answer from" : "could not reach", o->feed,
		    o->timeout_s, what);
	rc = CLI_EX_UNREACHABLE;
out:
	cli_session_close(&s);
	wr_event_free(&op->args);
	free(op->status);
	free(op->reason);
	return rc;
}

int
cli_op(const struct cli_opts *o, wr_op_kind kind, int argc, char **argv)
{
	const char *name = wr_op_kind_name(kind);
	struct op op;

	memset(&op, 0, sizeof op);
	op.kind = kind;
	op.made_at = wr_now_ms();
	/* Every refusal of the arguments ends in the usage of the
	 * subcommand's row (cli/cli.c). */
	if (kind == WR_OP_OVERRIDE) {
		if (op_override_args(o, argc, argv, &op.args) != 0)
			goto usage;
		goto parsed;
	}
	if (argc < 1) {
		fprintf(stderr, "warroom: %s needs an incident number\n", name);
		goto usage;
	}
	if (op_parse_id(argv[0], &op.incident) != 0) {
		fprintf(stderr, "warroom: %s: %s is not an incident number\n",
		    name, argv[0]);
		goto usage;
	}
	if (kind == WR_OP_NOTE) {
		if (argc < 2) {
			fprintf(stderr, "warroom: note: no text\n");
			goto usage;
		}
		op.args.text = op_join(argc - 1, argv + 1);
		if (op.args.text[0] == '\0' ||
		    strlen(op.args.text) > PROTO_MAX_NOTE) {
			fprintf(stderr, "warroom: note: the text must be 1 to "
			    "%d bytes\n", PROTO_MAX_NOTE);
			free(op.args.text);
			return CLI_EX_USAGE;
		}
	} else if (kind == WR_OP_ASSIGN) {
		if (argc != 2 || argv[1][0] == '\0' ||
		    strlen(argv[1]) > PROTO_MAX_ACTOR) {
			fprintf(stderr, "warroom: assign: give one name of 1 "
			    "to %d bytes\n", PROTO_MAX_ACTOR);
			goto usage;
		}
		op.args.text = xstrdup(argv[1]);
	} else if (kind == WR_OP_SILENCE) {
		if (op_silence_args(o, argc, argv, &op.args) != 0)
			goto usage;
	} else if (kind == WR_OP_UNSILENCE) {
		if (argc > 2 || (argc == 2 && (argv[1][0] == '\0' ||
		    strlen(argv[1]) > WR_SILENCE_ID_MAX))) {
			fprintf(stderr, "warroom: unsilence: give at most one "
			    "silence id (1 to %d bytes)\n", WR_SILENCE_ID_MAX);
			goto usage;
		}
		if (argc == 2)
			op.args.silence_id = xstrdup(argv[1]);
	} else if (kind == WR_OP_SEV) {
		wr_severity sev;

		if (argc != 2 || wr_severity_parse(argv[1], &sev) != 0) {
			fprintf(stderr, "warroom: sev: the level is critical, "
			    "error, warning or info\n");
			goto usage;
		}
		op.args.text = xstrdup(wr_severity_name(sev));
	} else if (kind == WR_OP_SNOOZE) {
		char err[WR_PARSE_ERR_MAX];
		int64_t ms;

		if (argc != 2 || wr_parse_duration(argv[1], 0, 1000,
		    WR_SNOOZE_MAX_MS, &ms, err, sizeof err) != 0) {
			fprintf(stderr, "warroom: snooze: %s\n", argc != 2 ?
			    "give how long, such as 30m or 2h" : err);
			goto usage;
		}
		op.args.until = op.made_at + ms;
	} else if (argc != 1) {
		fprintf(stderr, "warroom: %s takes one incident number\n",
		    name);
		goto usage;
	}
parsed:
	if (o->user == NULL || o->user[0] == '\0' ||
	    strlen(o->user) > PROTO_MAX_ACTOR) {
		fprintf(stderr, "warroom: who is acting? give --user NAME (1 "
		    "to %d bytes) or set WARROOM_USER\n", PROTO_MAX_ACTOR);
		wr_event_free(&op.args);
		return CLI_EX_USAGE;
	}
	return op_run(o, &op);
usage:
	wr_event_free(&op.args);
	if (cli_sub_find(name) != NULL)
		cli_sub_usage(stderr, cli_sub_find(name));
	return CLI_EX_USAGE;
}

int
cli_op_postmortem(const struct cli_opts *o, int64_t id, const char *text,
    int64_t base)
{
	struct op op;

	memset(&op, 0, sizeof op);
	op.kind = WR_OP_POSTMORTEM;
	op.incident = id;
	op.made_at = wr_now_ms();
	op.args.text = xstrdup(text);
	op.args.base = base;
	if (o->user == NULL || o->user[0] == '\0' ||
	    strlen(o->user) > PROTO_MAX_ACTOR) {
		fprintf(stderr, "warroom: who is acting? give --user NAME (1 "
		    "to %d bytes) or set WARROOM_USER\n", PROTO_MAX_ACTOR);
		wr_event_free(&op.args);
		return CLI_EX_USAGE;
	}
	return op_run(o, &op);
}
