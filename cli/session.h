/*
 * session.h: what every subcommand that talks to the relay does the same
 * way: read the token, open the log, make an lws context and a feed (with
 * the console store, or without one for `tail`), run the loop until the
 * subcommand says it is done, a deadline passes or a signal comes, and
 * tear it all down.
 */
#ifndef WR_CLI_SESSION_H
#define WR_CLI_SESSION_H

#include <signal.h>

#include "cli/cli.h"
#include "net/feed.h"

struct cli_session {
	const struct cli_opts *opts;
	struct lws_context *ctx;
	struct feed *feed;
	struct wr_store *store;	/* NULL without one */
	struct wr_room room;
	char *token;
	char *db_path;

	void *cmd;		/* the subcommand's own state */
	struct feed_hooks hooks;	/* the subcommand's hooks */

	int done;		/* the loop stops */
	int draining;		/* done, but older queued ops go out first */
	int exit_code;
	int64_t deadline;	/* monotonic ms; 0: none */
	int64_t timeout_ms;	/* what the deadline is set from */
	int64_t snap_got;	/* the snapshot's progress, last seen */
	int timed_out;
	int interrupted;	/* SIGINT or SIGTERM */
	int watch_stdout;	/* stop when the reader of stdout goes */
	int stdout_gone;
	int token_refused;
	int ever_live;
	enum feed_state state;
	char detail[320];
	lws_sorted_usec_list_t sul_tick;
};

/* cli_session_open()'s with_store. */
enum {
	CLI_STORE_NONE,		/* no store (tail) */
	CLI_STORE,		/* the store, and the room loaded from it */
	CLI_STORE_ROOM_LATER	/* the store; the room is loaded only when
				 * the feed has an event to apply to it (its
				 * last_seq is set): for the commands that
				 * read the store alone, so that one with
				 * nothing to catch up on never loads it */
};

/*
 * Set up everything but the connection.  with_store: open (create) the
 * console store and load the room from it (CLI_STORE), or not yet
 * (CLI_STORE_ROOM_LATER), or neither (CLI_STORE_NONE).  On failure prints the reason
 * (prefixed "warroom: ") and returns the exit code to use; 0 on success.
 * hooks' ud is the session; s->cmd is set by the caller beforehand.
 */
int cli_session_open(struct cli_session *s, const struct cli_opts *o,
    int with_store, const struct feed_hooks *hooks, const char *client,
    int from_now);
/* Connect and run until done, the deadline, or a signal. */
void cli_session_run(struct cli_session *s, int timeout_s);
void cli_session_stop(struct cli_session *s, int exit_code);
void cli_session_close(struct cli_session *s);
/* Say on stderr why the relay refused this session's token (or the user
 * it named), with the token file; tail (may be NULL) is appended. */
void cli_session_say_refused(const struct cli_session *s,
    const struct cli_opts *o, const char *tail);

/*
 * Open a session with the console store, connect, catch up, and close the
 * feed, for the commands that read the room (list, export, stats).
 * Returns 0; 75 when the relay could not be reached or caught up with in
 * time (said on stderr: the stored copy is what the caller shows); 77,
 * 130 (interrupted) or a set-up error.  The caller closes the session.
 */
int cli_catch_up(struct cli_session *s, const struct cli_opts *o,
    const char *client);
/* The same, and done only once the relay's schedules (sent after its
 * welcome, before caught_up may be known) are in the store too; for the
 * commands that read the store, not the room (oncall, stats): the room
 * is CLI_STORE_ROOM_LATER's, loaded only if there was something to
 * catch up on (its last_seq is right either way). */
int cli_catch_up_schedules(struct cli_session *s, const struct cli_opts *o,
    const char *client);

/* A person-readable rendering of a duration, "45 s", "3 min", "2 h". */
void cli_fmt_age(int64_t ms, char *buf, size_t size);

#endif
