/*
 * session.c: one run of a subcommand against the relay.  The session owns
 * the lws context, the feed, the store (when the subcommand needs one) and
 * the room; it turns SIGINT and SIGTERM into "stop", watches the deadline
 * (--timeout) and, for `tail`, whether anyone still reads stdout, from a
 * 100 ms timer in the loop, since lws_service() ignores its timeout.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/session.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "store/store.h"

/* Deadlines, signals and a closed stdout are noticed within a tick; a
 * longer one would let `warroom tail | head` linger, a shorter one wakes
 * an idle tail for nothing. */
#define TICK_US		250000

static volatile sig_atomic_t cli_signalled;

static void
cli_on_signal(int sig)
{
	cli_signalled = sig;
}

static void
cli_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the loop's poll() returns at once. */
	sa.sa_handler = cli_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static size_t
outbox_unfinished(struct cli_session *s)
{
	struct wr_outbox_op *ops = NULL;
	size_t n = 0;
	char *cause = NULL;

	if (s->store == NULL)
		return 0;
	if (store_outbox_list(s->store, 1, &ops, &n, &cause) != 0) {
		free(cause);
		return 0;
	}
	wr_outbox_ops_free(ops, n);
	return n;
}

/* Done: the loop ends now.  The flag alone waited for whatever woke the
 * loop's poll() next (2 s past --timeout against a relay that accepts
 * and never answers): lws runs the timers and then polls until the
 * next one is due. */
static void
cli_session_done(struct cli_session *s)
{
	s->done = 1;
	lws_cancel_service(s->ctx);
}

/*
 * A command that is done but connected still delivers the ops older
 * commands left queued before it exits: "the next command that connects
 * delivers it".  The deadline still bounds the wait.
 */
void
cli_session_stop(struct cli_session *s, int exit_code)
{
	if (s->done)
		return;
	if (exit_code == CLI_EX_OK && !s->interrupted &&
	    outbox_unfinished(s) > 0) {
		s->draining = 1;
		s->exit_code = exit_code;
		feed_kick_outbox(s->feed);
		return;
	}
	s->exit_code = exit_code;
	cli_session_done(s);
}

static void
drain_check(struct cli_session *s)
{
	if (s->draining && !s->done && outbox_unfinished(s) == 0)
		cli_session_done(s);
}

static void
cli_tick(lws_sorted_usec_list_t *sul)
{
	struct cli_session *s = lws_container_of(sul, struct cli_session,
	    sul_tick);

	if (cli_signalled) {
		s->interrupted = 1;
		s->draining = 0;
		cli_session_stop(s, CLI_EX_OK);
		return;
	}
	if (s->deadline != 0 && wr_mono_ms() >= s->deadline) {
		if (!s->draining)
			s->timed_out = 1;
		cli_session_done(s);
		return;
	}
	drain_check(s);
	if (s->watch_stdout) {
		struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

		/* A pipe whose reader went away reports POLLERR. */
		if (poll(&p, 1, 0) == 1 &&
		    (p.revents & (POLLERR | POLLHUP | POLLNVAL))) {
			s->stdout_gone = 1;
			cli_session_stop(s, CLI_EX_OK);
			return;
		}
	}
	lws_sul_schedule(s->ctx, 0, &s->sul_tick, cli_tick, TICK_US);
}

static void
cli_on_status(void *ud, enum feed_state state, const char *detail)
{
	struct cli_session *s = ud;

	s->state = state;
	util_strlcpy(s->detail, detail, sizeof s->detail);
	if (state == FEED_SYNCING && s->deadline != 0 && s->feed != NULL) {
		/* A snapshot that is still coming in is no wait for the
		 * relay: each part of it starts the wait again. */
		struct feed_status st;
		feed_status(s->feed, &st);
		if (st.snap_got > s->snap_got)
			s->deadline = wr_mono_ms() + s->timeout_ms;
		s->snap_got = st.snap_got;
	}
	if (state == FEED_LIVE)
		s->ever_live = 1;
	if (state == FEED_TOKEN_REFUSED)
		s->token_refused = 1;
	if (s->hooks.on_status != NULL)
		s->hooks.on_status(ud, state, detail);
	if (state == FEED_TOKEN_REFUSED)
		cli_session_stop(s, CLI_EX_NOPERM);
}

/*
 * This console's file could not store what the relay sent: a local file
 * that cannot be used (exit 74), said on stderr, not a relay out of
 * reach to wait for until --timeout (75).
 */
static void
cli_on_reload(void *ud, const char *why)
{
	struct cli_session *s = ud;
	char *clean = sanitize_text(why, strlen(why));

	fprintf(stderr, "warroom: %s\n", clean);
	free(clean);
	if (s->hooks.on_reload != NULL)
		s->hooks.on_reload(ud, why);
	cli_session_stop(s, CLI_EX_IOERR);
}

static void
cli_on_applied(void *ud, const struct wr_event *ev, size_t n)
{
	struct cli_session *s = ud;

	if (s->hooks.on_applied != NULL)
		s->hooks.on_applied(ud, ev, n);
}

static void
cli_on_snapshot(void *ud, int64_t seq, const char *reason)
{
	struct cli_session *s = ud;

	if (s->hooks.on_snapshot != NULL)
		s->hooks.on_snapshot(ud, seq, reason);
}

static void
cli_on_result(void *ud, const char *op_id, const char *status, int64_t seq,
    const char *reason)
{
	struct cli_session *s = ud;

	if (s->hooks.on_result != NULL)
		s->hooks.on_result(ud, op_id, status, seq, reason);
	drain_check(s);
}

static void
cli_on_caught_up(void *ud, int64_t seq)
{
	struct cli_session *s = ud;

	if (s->hooks.on_caught_up != NULL)
		s->hooks.on_caught_up(ud, seq);
}

static void
cli_on_schedules(void *ud)
{
	struct cli_session *s = ud;

	if (s->hooks.on_schedules != NULL)
		s->hooks.on_schedules(ud);
}

/* Scripts read stderr: say it there (once per event: the feed moves on). */
static void
cli_on_unreadable(void *ud, int64_t seq, int64_t incident, const char *what)
{
	struct cli_session *s = ud;
	char *clean = sanitize_text(what, strlen(what));

	fprintf(stderr, "warroom: %s\n", clean);
	free(clean);
	if (s->hooks.on_unreadable != NULL)
		s->hooks.on_unreadable(ud, seq, incident, what);
}

void
cli_session_say_refused(const struct cli_session *s,
    const struct cli_opts *o, const char *tail)
{
	char *clean = sanitize_text(s->detail, strlen(s->detail));

	/* The feed's own words say which refusal it was (the token, or the
	 * user this token may not act as). */
	if (clean[0] != '\0')
		fprintf(stderr, "warroom: %s; token file %s%s%s\n", clean,
		    o->token_file ? o->token_file : "(none given)",
		    tail ? "; " : "", tail ? tail : "");
	else
		fprintf(stderr, "warroom: the relay at %s refused the token%s"
		    "%s%s%s\n", o->feed, o->token_file ? " in " :
		    " (none given)", o->token_file ? o->token_file : "",
		    tail ? "; " : "", tail ? tail : "");
	free(clean);
}

int
cli_session_open(struct cli_session *s, const struct cli_opts *o,
    int with_store, const struct feed_hooks *hooks, const char *client,
    int from_now)
{
	static const struct feed_hooks wrap = {
		cli_on_status, cli_on_applied, cli_on_snapshot, cli_on_result,
		cli_on_caught_up, cli_on_unreadable, cli_on_schedules,
		cli_on_reload
	};
	struct lws_context_creation_info info;
	struct feed_cfg cfg;
	char *cause = NULL, *warning = NULL, err[256];
	struct feed_url url;
	void *cmd = s->cmd;

	memset(s, 0, sizeof *s);
	s->cmd = cmd;
	s->opts = o;
	if (hooks != NULL)
		s->hooks = *hooks;
	wr_room_init(&s->room, 0);
	cli_signals();

	/* Usage errors first, before anything is created on disk. */
	if (feed_url_parse(o->feed, &url, err, sizeof err) != 0) {
		fprintf(stderr, "warroom: %s\n", err);
		return CLI_EX_USAGE;
	}
	if (o->token_file != NULL &&
	    cli_read_token(o->token_file, &s->token, &warning, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		return CLI_EX_USAGE;
	}
	if (feed_log_open(o->log_file, 0, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		free(warning);
		return CLI_EX_IOERR;
	}
	if (warning != NULL) {
		fprintf(stderr, "warroom: warning: %s\n", warning);
		feed_logf("warroom: warning: %s", warning);
		free(warning);
	}
	if (with_store) {
		s->db_path = o->db != NULL ? xstrdup(o->db) :
		    store_default_path(WR_STORE_CONSOLE);
		if (s->db_path == NULL) {
			fprintf(stderr, "warroom: no place for the console's "
			    "database: set XDG_DATA_HOME or HOME, or give "
			    "--db\n");
			return CLI_EX_USAGE;
		}
		if (store_open(s->db_path, WR_STORE_CONSOLE, &s->store,
		    &cause) != 0 || (with_store != CLI_STORE_ROOM_LATER &&
		    store_load_room(s->store, &s->room, &cause) != 0)) {
			fprintf(stderr, "warroom: %s\n", cause);
			free(cause);
			return CLI_EX_IOERR;
		}
		/* later: the feed loads it if an event comes (net/feed.h) */
		if (with_store == CLI_STORE_ROOM_LATER)
			s->room.last_seq = store_last_seq(s->store);
	}

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.options = feed_context_options() |
	    LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.pt_serv_buf_size = 65536;
	info.fd_limit_per_thread = 64;
	s->ctx = lws_create_context(&info);
	if (s->ctx == NULL) {
		fprintf(stderr, "warroom: cannot set up libwebsockets\n");
		return CLI_EX_SOFTWARE;
	}

	memset(&cfg, 0, sizeof cfg);
	cfg.url = o->feed;
	cfg.token = s->token;
	cfg.user = o->user;
	cfg.client = client;
	cfg.ca_file = o->ca_file;
	cfg.insecure = o->insecure;
	cfg.backoff_cap_ms = o->backoff_cap_ms;
	cfg.from_now = from_now;
	cfg.room_later = with_store == CLI_STORE_ROOM_LATER;
	s->feed = feed_new(s->ctx, &cfg, s->store, &s->room, &wrap, s,
	    &cause);
	if (s->feed == NULL) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		return CLI_EX_USAGE;
	}
	s->state = FEED_IDLE;
	return 0;
}

void
cli_session_run(struct cli_session *s, int timeout_s)
{
	s->timeout_ms = timeout_s * 1000LL;
	s->deadline = timeout_s > 0 ? wr_mono_ms() + s->timeout_ms : 0;
	lws_sul_schedule(s->ctx, 0, &s->sul_tick, cli_tick, TICK_US);
	feed_start(s->feed);
	while (!s->done && !cli_signalled) {
		if (lws_service(s->ctx, 0) < 0)
			break;
	}
	if (cli_signalled && !s->done) {
		s->interrupted = 1;
		cli_session_stop(s, CLI_EX_OK);
	}
	lws_sul_cancel(&s->sul_tick);
}

void
cli_session_close(struct cli_session *s)
{
	if (s->feed != NULL)
		feed_free(s->feed);
	s->feed = NULL;
	if (s->ctx != NULL)
		lws_context_destroy(s->ctx);
	s->ctx = NULL;
	wr_room_free(&s->room);
	if (s->store != NULL)
		store_close(s->store);
	s->store = NULL;
	free(s->token);
	free(s->db_path);
	s->token = s->db_path = NULL;
	feed_log_close();
}

void
cli_fmt_age(int64_t ms, char *buf, size_t size)
{
	int64_t s = ms / 1000;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 86400 * 2)
		snprintf(buf, size, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(s / 86400));
}

static void
catch_up_done(void *ud, int64_t seq)
{
	(void)seq;
	cli_session_stop(ud, CLI_EX_OK);
}

/* cli_catch_up_schedules(): done when caught up and the relay's schedules
 * (sent after its welcome) are in; s->cmd counts what has come. */
static void
both_done(void *ud, int which)
{
	struct cli_session *s = ud;
	int *seen = s->cmd;

	*seen |= which;
	if (*seen == 3)
		cli_session_stop(ud, CLI_EX_OK);
}

static void
both_caught_up(void *ud, int64_t seq)
{
	(void)seq;
	both_done(ud, 1);
}

static void
both_schedules(void *ud)
{
	both_done(ud, 2);
}

static int catch_up_with(struct cli_session *s, const struct cli_opts *o,
    int with_store, const char *client, const struct feed_hooks *hooks,
    void *cmd);

int
cli_catch_up_schedules(struct cli_session *s, const struct cli_opts *o,
    const char *client)
{
	static const struct feed_hooks hooks = {
		.on_caught_up = both_caught_up,
		.on_schedules = both_schedules,
	};
	static int seen;

	seen = 0;
	return catch_up_with(s, o, CLI_STORE_ROOM_LATER, client, &hooks,
	    &seen);
}

int
cli_catch_up(struct cli_session *s, const struct cli_opts *o,
    const char *client)
{
	static const struct feed_hooks hooks = {
		.on_caught_up = catch_up_done,
	};

	return catch_up_with(s, o, CLI_STORE, client, &hooks, NULL);
}

static int
catch_up_with(struct cli_session *s, const struct cli_opts *o,
    int with_store, const char *client, const struct feed_hooks *hooks,
    void *cmd)
{
	int rc;

	s->cmd = NULL;
	if ((rc = cli_session_open(s, o, with_store, hooks, client, 0)) != 0)
		return rc;
	s->cmd = cmd;
	cli_session_run(s, o->timeout_s);
	rc = s->exit_code;
	if (s->token_refused) {
		cli_session_say_refused(s, o, NULL);
		return CLI_EX_NOPERM;
	}
	if (s->interrupted)
		return 130;
	/* Whatever arrived is committed before it is shown. */
	feed_free(s->feed);
	s->feed = NULL;
	if (s->timed_out) {
		fprintf(stderr, "warroom: %s the relay at %s within %d s (%s); "
		    "this is the copy in %s as of seq %lld\n",
		    s->ever_live || s->state == FEED_SYNCING ?
		    "could not catch up with" : "could not reach", o->feed,
		    o->timeout_s, s->detail, s->db_path,
		    (long long)s->room.last_seq);
		rc = CLI_EX_UNREACHABLE;
	}
	return rc;
}
