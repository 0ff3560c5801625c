/*
 * console.c: the interactive console's loop (console.h).
 *
 * DESIGN.md, "The terminal": input comes from a descriptor of our own,
 * open("/dev/tty", O_RDONLY), adopted into the lws loop as a RAW_FILE and
 * given to ncurses through newterm(); output stays on stdout, blocking.
 * Signals (SIGWINCH, SIGINT, SIGTERM, SIGCHLD) arrive through a self-pipe
 * adopted the same way.  Callbacks change state; one render timer draws at
 * most a few frames a second, immediately after a key press.  $VISUAL or
 * $EDITOR runs as a child for a long note while the loop keeps servicing
 * the feed; drawing and key reading pause until SIGCHLD says it is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "cli/cli.h"
#include "cli/console.h"
#include "cli/demo.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/feed.h"
#include "net/proto.h"
#include "relay/relay.h"
#include "store/store.h"
#include "tui/tui.h"

struct console {
	const struct cli_opts *o;
	struct lws_context *ctx;
	struct lws_vhost *vh;		/* the tty and the signal pipe */
	struct lws *tty_wsi;
	struct wr_store *store;
	struct wr_room room;
	struct feed *feed;
	struct tui *tui;
	SCREEN *scr;
	FILE *tty_in;
	int tty_fd;
	char *user;
	char *token;
	char *token_warning;	/* the token file is open to others */
	char *db_path;
	struct demo *demo;
	int quit;
	int exit_code;
	pid_t editor_pid;
	int64_t editor_incident;
	char editor_file[4096];
	/* P: the editor is on a postmortem, which started as editor_before
	 * and was edited from version editor_base */
	int editor_pm;
	char *editor_before;
	int64_t editor_base;
	lws_sorted_usec_list_t render_sul;
	lws_sorted_usec_list_t tick_sul;
};

static int sig_pipe[2] = { -1, -1 };
static struct console *die_console;

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: the loop will see the ones before */
	}
	errno = saved;
}

static void
restore_terminal(void)
{
	if (die_console != NULL && die_console->scr != NULL) {
		endwin();
		die_console->scr = NULL;
	}
}

static void kick_render(struct console *c);

static void
render_cb(lws_sorted_usec_list_t *sul)
{
	struct console *c = lws_container_of(sul, struct console, render_sul);

	if (c->editor_pid > 0 || c->tui == NULL)
		return;
	if (tui_render_due(c->tui, wr_mono_ms()))
		tui_render(c->tui);
	kick_render(c);
}

static void
kick_render(struct console *c)
{
	int wait;

	if (c->tui == NULL || c->editor_pid > 0)
		return;
	wait = tui_render_wait_ms(c->tui, wr_mono_ms());
	if (wait < 0)
		return;
	lws_sul_schedule(c->ctx, 0, &c->render_sul, render_cb,
	    (lws_usec_t)wait * LWS_US_PER_MS + 1);
}

static int
queued_count(struct console *c)
{
	struct wr_outbox_op *ops = NULL;
	size_t n = 0;
	char *cause = NULL;

	if (store_outbox_list(c->store, 1, &ops, &n, &cause) != 0) {
		tui_error(c->tui, "%s", cause);
		free(cause);
		return 0;
	}
	wr_outbox_ops_free(ops, n);
	return (int)n;
}

static void
update_feed_status(struct console *c)
{
	struct feed_status st;
	enum tui_feed_state ts;
	int retry = 0;

	feed_status(c->feed, &st);
	switch (st.state) {
	case FEED_LIVE: ts = TUI_FEED_LIVE; break;
	case FEED_STALE: ts = TUI_FEED_STALE; break;
	case FEED_SYNCING: ts = TUI_FEED_SYNCING; break;
	case FEED_OFFLINE: ts = TUI_FEED_OFFLINE; break;
	case FEED_TOKEN_REFUSED: ts = TUI_FEED_TOKEN_REFUSED; break;
	default: ts = TUI_FEED_CONNECTING; break;
	}
	if (st.state == FEED_OFFLINE && st.retry_at_ms > 0) {
		int64_t d = st.retry_at_ms - wr_now_ms();
		retry = d > 0 ? (int)((d + 999) / 1000) : 0;
	}
	/* LIVE's detail is only "connected to URL": the status line shows
	 * the URL already */
	tui_set_feed(c->tui, ts, st.stale_s, retry,
	    st.state == FEED_LIVE ? NULL : st.detail);
}

/* feed hooks */

static void
on_status(void *ud, enum feed_state state, const char *detail)
{
	struct console *c = ud;

	(void)state;
	(void)detail;
	update_feed_status(c);
	kick_render(c);
}

static void
on_applied(void *ud, const struct wr_event *ev, size_t n)
{
	struct console *c = ud;
	int ours = 0;

	tui_model_changed(c->tui);
	for (size_t i = 0; i < n; i++) {
		tui_incident_event(c->tui, &ev[i]);
		ours |= ev[i].op_id != NULL;
	}
	/* Only an event carrying an op id can settle an outbox op: don't
	 * read the outbox for every batch of a storm. */
	if (ours)
		tui_set_queued_count(c->tui, queued_count(c));
	kick_render(c);
}

static void
on_snapshot(void *ud, int64_t seq, const char *reason)
{
	struct console *c = ud;

	tui_reload(c->tui);
	if (seq > 0)
		tui_message(c->tui, "the relay could not resume this console "
		    "(%s): took a snapshot at seq %lld",
		    reason ? reason : "no reason given", (long long)seq);
	else
		tui_message(c->tui, "the relay has a new log: reloading");
	kick_render(c);
}

/* Our own store failed, not the relay: an error that stays until the
 * person acts, like any failed save. */
static void
on_reload(void *ud, const char *why)
{
	struct console *c = ud;

	tui_reload(c->tui);
	tui_error(c->tui, "%s", why);
	kick_render(c);
}

static void
on_result(void *ud, const char *op_id, const char *status, int64_t seq,
    const char *reason)
{
	struct console *c = ud;

	(void)seq;
	if (strcmp(status, "applied") == 0 || strcmp(status, "noop") == 0)
		tui_op_done(c->tui, op_id, 1, strcmp(status, "noop") == 0 ?
		    "it changed nothing" : NULL);
	else if (strcmp(status, "refused") == 0)
		tui_op_done(c->tui, op_id, 0, reason);
	else
		tui_message(c->tui, "the relay could not take an op now "
		    "(%s); it stays queued", reason ? reason : "error");
	tui_set_queued_count(c->tui, queued_count(c));
	kick_render(c);
}

static void
on_caught_up(void *ud, int64_t seq)
{
	struct console *c = ud;

	(void)seq;
	tui_set_bell_armed(c->tui, 1);
	update_feed_status(c);
	kick_render(c);
}

/* An error that stays on the status line until the person acts (Esc, a
 * key that does something); the feed has already moved past it. */
static void
on_unreadable(void *ud, int64_t seq, int64_t incident, const char *what)
{
	struct console *c = ud;

	(void)seq;
	(void)incident;
	tui_error(c->tui, "%s (see the log)", what);
	kick_render(c);
}

/* The schedules as the feed has them now, into the on-call pane (which
 * borrows them until the next call). */
static void
show_schedules(struct console *c)
{
	const struct proto_schedules *l = feed_schedules(c->feed);
	struct tui_schedule *v = xcalloc(l->n + 1, sizeof *v);

	for (size_t i = 0; i < l->n; i++)
		v[i] = (struct tui_schedule){ l->v[i].name, l->v[i].timezone,
			l->v[i].s, l->v[i].problem };
	tui_set_schedules(c->tui, v, l->n);
	tui_set_policies(c->tui, (const struct wr_policy *const *)l->policies,
	    l->n_policies);
	free(v);
	kick_render(c);
}

static void
on_schedules(void *ud)
{
	show_schedules(ud);
}

/* tui actions */

static int
act_submit(void *ud, wr_op_kind kind, int64_t incident,
    const struct wr_event *args, char **cause)
{
	struct console *c = ud;
	struct wr_outbox_op op;

	memset(&op, 0, sizeof op);
	if (proto_new_op_id(op.op_id) != 0) {
		*cause = xstrdup("cannot make an op id (no random bytes)");
		return -1;
	}
	op.kind = kind;
	op.incident = incident;
	op.epoch = (char *)store_epoch(c->store);
	op.actor = c->user;
	if (args != NULL)
		op.args = *args;	/* borrowed: add copies what it keeps */
	op.made_at = wr_now_ms();
	op.state = WR_OUTBOX_QUEUED;
	/* committed (synchronous=FULL) before it is shown or sent */
	if (store_outbox_add(c->store, &op, cause) != 0)
		return -1;
	tui_op_queued(c->tui, op.op_id, kind, incident);
	tui_set_queued_count(c->tui, queued_count(c));
	feed_kick_outbox(c->feed);
	kick_render(c);
	return 0;
}

/* The editor on a postmortem exited: save what was written as the next
 * version, or say why nothing was saved. */
static void
resume_postmortem(struct console *c, int status)
{
	char *text = NULL, *cause = NULL;
	enum cli_pm_edit r;

	c->editor_pm = 0;
	/* The editor's file goes once what it holds is saved (committed to
	 * the outbox) or is nothing to save; otherwise it stays, named. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		tui_error(c->tui, "the editor failed; the postmortem of #%lld "
		    "was not saved, what the editor left is in %s",
		    (long long)c->editor_incident, c->editor_file);
		goto out;
	}
	r = cli_pm_file_take(c->editor_file, c->editor_before, &text, &cause);
	if (r == CLI_PM_UNCHANGED) {
		unlink(c->editor_file);
		tui_message(c->tui, "the postmortem of #%lld is unchanged: "
		    "nothing saved", (long long)c->editor_incident);
	} else if (r == CLI_PM_EMPTY) {
		unlink(c->editor_file);
		tui_message(c->tui, "the postmortem of #%lld is empty: nothing "
		    "saved", (long long)c->editor_incident);
	} else if (r == CLI_PM_FAILED)
		tui_error(c->tui, "postmortem not saved, your text is kept in "
		    "%s: %s", c->editor_file, cause);
	else {
		struct wr_event args;

		memset(&args, 0, sizeof args);
		args.text = text;
		args.base = c->editor_base;
		if (act_submit(c, WR_OP_POSTMORTEM, c->editor_incident, &args,
		    &cause) != 0)
			tui_error(c->tui, "postmortem not saved, your text is "
			    "kept in %s: %s", c->editor_file, cause);
		else
			unlink(c->editor_file);
	}
out:
	free(cause);
	free(text);
	free(c->editor_before);
	c->editor_before = NULL;
}

static void
resume_after_editor(struct console *c, int status)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int ch;

	c->editor_pid = 0;
	reset_prog_mode();
	lws_rx_flow_control(c->tty_wsi, 1);
	if (c->editor_pm) {
		clearok(curscr, TRUE);
		tui_resize(c->tui);
		resume_postmortem(c, status);
		kick_render(c);
		return;
	}
	f = fopen(c->editor_file, "r");
	while (f != NULL && (ch = fgetc(f)) != EOF && len < 8192) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			text = xrealloc(text, cap);
		}
		text[len++] = (char)ch;
	}
	if (f != NULL)
		fclose(f);
	unlink(c->editor_file);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ' ||
	    text[len - 1] == '\t' || text[len - 1] == '\r'))
		len--;
	if (text != NULL)
		text[len] = '\0';
	clearok(curscr, TRUE);
	tui_resize(c->tui);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		tui_message(c->tui, "the editor failed; no note was added");
	else if (len == 0)
		tui_message(c->tui, "empty note: nothing added");
	else {
		char *cause = NULL;
		struct wr_event args = { .text = text };

		if (act_submit(c, WR_OP_NOTE, c->editor_incident, &args,
		    &cause) != 0) {
			tui_error(c->tui, "note not saved: %s", cause);
			free(cause);
		}
	}
	free(text);
	kick_render(c);
}

/* Run the editor on c->editor_file while the loop goes on; the tty is
 * the editor's until it exits (SIGCHLD: resume_after_editor()). */
static int
editor_start(struct console *c, int64_t incident)
{
	const char *ed = cli_editor();
	pid_t pid;

	c->editor_incident = incident;
	def_prog_mode();
	endwin();
	/* the editor owns the terminal: stop reading keys until it exits */
	lws_rx_flow_control(c->tty_wsi, 0);
	pid = fork();
	if (pid < 0) {
		reset_prog_mode();
		lws_rx_flow_control(c->tty_wsi, 1);
		unlink(c->editor_file);
		tui_error(c->tui, "cannot start the editor: %s",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed,
		    c->editor_file, (char *)NULL);
		_exit(127);
	}
	c->editor_pid = pid;
	return 0;
}

static int
act_edit_note(void *ud, int64_t incident)
{
	struct console *c = ud;
	int fd;

	snprintf(c->editor_file, sizeof c->editor_file,
	    "/tmp/warroom-note.XXXXXX");
	fd = mkstemp(c->editor_file);
	if (fd < 0) {
		tui_error(c->tui, "cannot make a file for the note: %s",
		    strerror(errno));
		return -1;
	}
	close(fd);
	c->editor_pm = 0;
	return editor_start(c, incident);
}

/*
 * P: the postmortem of incident in the editor, starting from its latest
 * version (and those saved beside it), or the first time from the
 * template filled from its timeline.
 */
static int
act_edit_postmortem(void *ud, int64_t incident)
{
	struct console *c = ud;
	const struct wr_incident *inc = wr_room_get(&c->room, incident);
	struct wr_evlist ev = { 0 };
	char *cause = NULL;

	if (inc == NULL) {
		tui_error(c->tui, "there is no incident #%lld",
		    (long long)incident);
		return -1;
	}
	free(c->editor_before);
	c->editor_before = NULL;
	if (store_incident_events(c->store, incident, &ev, &cause) == 0)
		c->editor_before = cli_pm_start_text(c->o, inc, &ev,
		    &c->editor_base, &cause);
	if (c->editor_before == NULL || cli_pm_file_make(c->editor_before,
	    c->editor_file, sizeof c->editor_file, &cause) != 0) {
		tui_error(c->tui, "postmortem: %s", cause);
		free(cause);
		wr_evlist_free(&ev);
		free(c->editor_before);
		c->editor_before = NULL;
		return -1;
	}
	wr_evlist_free(&ev);
	c->editor_pm = 1;
	if (editor_start(c, incident) != 0) {
		c->editor_pm = 0;
		free(c->editor_before);
		c->editor_before = NULL;
		return -1;
	}
	return 0;
}

/* :export FILE: what `warroom export ID` prints, into FILE (0600): as
 * --format json when FILE's name ends in .json, else Markdown. */
static int
act_export_file(void *ud, int64_t incident, const char *path, char **cause)
{
	struct console *c = ud;
	const struct wr_incident *inc = wr_room_get(&c->room, incident);
	struct wr_evlist ev = { 0 };
	struct wr_alert *al = NULL;
	size_t n_al = 0;
	FILE *fp = NULL;
	int fd, rc = -1;

	if (inc == NULL) {
		*cause = xasprintf("there is no incident #%lld",
		    (long long)incident);
		return -1;
	}
	if (store_incident_events(c->store, incident, &ev, cause) != 0 ||
	    store_incident_alerts(c->store, incident, &al, &n_al, cause) != 0)
		goto out;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("cannot write %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	{
		size_t len = strlen(path);

		cli_export_write(fp, len >= 5 &&
		    strcasecmp(path + len - 5, ".json") == 0, inc, al, n_al,
		    &ev);
	}
	if (fclose(fp) != 0)
		*cause = xasprintf("cannot write %s: %s", path,
		    strerror(errno));
	else
		rc = 0;
out:
	for (size_t i = 0; i < n_al; i++)
		wr_alert_free(&al[i]);
	free(al);
	wr_evlist_free(&ev);
	return rc;
}

static void
act_quit(void *ud)
{
	struct console *c = ud;

	c->quit = 1;
	lws_cancel_service(c->ctx);
}

static int
act_set_user(void *ud, const char *user, char **cause)
{
	struct console *c = ud;

	if (user == NULL || user[0] == '\0' || strlen(user) > 64) {
		*cause = xstrdup("a user name is 1 to 64 bytes");
		return -1;
	}
	util_set_str(&c->user, user);
	tui_set_user(c->tui, user);
	return 0;
}

/* the terminal and the signal pipe */

static void
read_keys(struct console *c)
{
	wint_t ch;
	int is_keycode, any = 0;

	if (c->editor_pid > 0)
		return;
	while (tui_read_key(c->tui, &is_keycode, &ch) != ERR) {
		tui_key(c->tui, is_keycode, ch);
		any = 1;
		if (c->quit)
			break;
	}
	if (any)
		kick_render(c);
}

static void
on_resize(struct console *c)
{
	struct winsize ws;

	if (c->editor_pid > 0)
		return;
	if (ioctl(c->tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	tui_resize(c->tui);
	kick_render(c);
}

static void
read_signals(struct console *c)
{
	unsigned char buf[64];
	ssize_t n;
	int status;

	while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
				on_resize(c);
				break;
			case SIGINT:
				/* ^C cancels a prompt; in the list it quits */
				if (c->editor_pid > 0 || tui_interrupt(c->tui))
					kick_render(c);
				else
					c->quit = 1;
				break;
			case SIGTERM:
			case SIGHUP:
				c->quit = 1;
				break;
			case SIGCHLD:
				if (c->editor_pid > 0 && waitpid(c->editor_pid,
				    &status, WNOHANG) == c->editor_pid)
					resume_after_editor(c, status);
				break;
			}
		}
	}
}

static int
console_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct lws_vhost *vh = lws_get_vhost(wsi);
	struct console *c = vh ? lws_vhost_user(vh) : NULL;

	(void)user;
	(void)in;
	(void)len;
	if (c == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (lws_get_socket_fd(wsi) == sig_pipe[0])
			read_signals(c);
		else
			read_keys(c);
		if (c->quit)
			lws_cancel_service(c->ctx);
		return 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (wsi == c->tty_wsi) {
			c->tty_wsi = NULL;
			c->quit = 1;	/* the terminal went away */
		}
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols console_protocols[] = {
	{ "warroom-console", console_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
tick_cb(lws_sorted_usec_list_t *sul)
{
	struct console *c = lws_container_of(sul, struct console, tick_sul);

	if (c->tui != NULL && c->editor_pid == 0) {
		update_feed_status(c);
		/* The outbox is shared: one-shot commands and other consoles
		 * on this file queue and settle ops too, and the count says
		 * what the file holds, not what this process did. */
		tui_set_queued_count(c->tui, queued_count(c));
		tui_tick(c->tui, wr_now_ms());
		kick_render(c);
	}
	lws_sul_schedule(c->ctx, 0, &c->tick_sul, tick_cb, LWS_US_PER_SEC);
}

static struct lws *
adopt(struct console *c, int fd)
{
	lws_sock_file_fd_type u;

	u.filefd = fd;
	return lws_adopt_descriptor_vhost(c->vh, LWS_ADOPT_RAW_FILE_DESC, u,
	    "warroom-console", NULL);
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static char *
default_log_path(const char *db_path)
{
	const char *slash = strrchr(db_path, '/');

	if (slash == NULL)
		return xstrdup("console.log");
	return xasprintf("%.*s/console.log", (int)(slash - db_path), db_path);
}

static int
setup(struct console *c, char *err, size_t errsz, int *code)
{
	const struct cli_opts *o = c->o;
	struct lws_context_creation_info info;
	struct feed_cfg fc;
	struct tui_config tc;
	struct tui_actions ta;
	struct wr_outbox_op *ops = NULL;
	size_t n = 0;
	char *cause = NULL, *log;
	const char *feed_url = o->feed;
	static const struct feed_hooks hooks = {
		.on_status = on_status, .on_applied = on_applied,
		.on_snapshot = on_snapshot, .on_result = on_result,
		.on_caught_up = on_caught_up, .on_unreadable = on_unreadable,
		.on_schedules = on_schedules,
		.on_reload = on_reload
	};

#define FAIL(rc, ...) do { snprintf(err, errsz, __VA_ARGS__); \
	*code = (rc); free(cause); return -1; } while (0)

	if (!isatty(STDOUT_FILENO))
		FAIL(CLI_EX_USAGE, "the console needs a terminal on stdout "
		    "(for scripts: warroom tail, warroom list)");
	/* TERM=dumb would get half-drawn frames: refused, as an unknown
	 * TERM is, before anything starts */
	if (tui_term_check(getenv("TERM"), &cause) != 0)
		FAIL(CLI_EX_USAGE, "%s", cause);
	if (o->token_file != NULL && !o->demo &&
	    cli_read_token(o->token_file, &c->token, &c->token_warning,
	    &cause) != 0)
		FAIL(CLI_EX_USAGE, "%s", cause);
	c->user = xstrdup(o->user ? o->user : "unknown");
	if (o->demo) {
		if (demo_prepare(&c->demo, &cause) != 0)
			FAIL(CLI_EX_IOERR, "%s", cause);
		c->db_path = xstrdup(demo_console_db(c->demo));
	} else {
		c->db_path = o->db ? xstrdup(o->db) :
		    store_default_path(WR_STORE_CONSOLE);
		if (c->db_path == NULL)
			FAIL(CLI_EX_USAGE, "no place for the console's "
			    "database: set XDG_DATA_HOME or HOME, or give --db");
	}
	if (store_open(c->db_path, WR_STORE_CONSOLE, &c->store, &cause) != 0)
		FAIL(CLI_EX_IOERR, "%s", cause);
	wr_room_init(&c->room, 0);
	if (store_load_room(c->store, &c->room, &cause) != 0)
		FAIL(CLI_EX_IOERR, "%s", cause);
	log = o->log_file ? xstrdup(o->log_file) : default_log_path(c->db_path);
	if (feed_log_open(log, 0, &cause) != 0) {
		free(log);
		FAIL(CLI_EX_IOERR, "%s", cause);
	}
	free(log);

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.options = feed_context_options() | relay_context_options();
	info.pt_serv_buf_size = 65536;
	info.fd_limit_per_thread = 256;
	c->ctx = lws_create_context(&info);
	if (c->ctx == NULL)
		FAIL(CLI_EX_SOFTWARE, "cannot set up libwebsockets");
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.vhost_name = "warroom-console";
	info.protocols = console_protocols;
	info.user = c;
	c->vh = lws_create_vhost(c->ctx, &info);
	if (c->vh == NULL)
		FAIL(CLI_EX_SOFTWARE, "cannot set up the console's vhost");
	if (o->demo) {
		if (demo_start(c->demo, c->ctx, &cause) != 0)
			FAIL(CLI_EX_SOFTWARE, "%s", cause);
		feed_url = demo_feed_url(c->demo);
	}

	/* the terminal: input on a descriptor of our own */
	c->tty_fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
	if (c->tty_fd < 0)
		FAIL(CLI_EX_USAGE, "cannot open /dev/tty: %s", strerror(errno));
	c->tty_in = fdopen(c->tty_fd, "r");
	if (pipe(sig_pipe) != 0)
		FAIL(CLI_EX_SOFTWARE, "pipe: %s", strerror(errno));
	fcntl(sig_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFD, FD_CLOEXEC);
	install_signals();

	set_escdelay(25);
	c->scr = newterm(NULL, stdout, c->tty_in);
	if (c->scr == NULL)
		FAIL(CLI_EX_USAGE, "cannot start the terminal (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "unset");
	die_console = c;
	util_die_hook = restore_terminal;
	set_term(c->scr);
	cbreak();
	noecho();
	nonl();
	curs_set(0);

	memset(&tc, 0, sizeof tc);
	tc.user = c->user;
	tc.feed_url = feed_url;
	tc.theme = o->theme;
	tc.utc = o->utc;
	tc.quiet = o->quiet;
	tc.no_color = getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0];
	tc.mouse = 1;
	memset(&ta, 0, sizeof ta);
	ta.submit = act_submit;
	ta.edit_note = act_edit_note;
	ta.edit_postmortem = act_edit_postmortem;
	ta.export_file = act_export_file;
	ta.quit = act_quit;
	ta.set_user = act_set_user;
	ta.ud = c;
	c->tui = tui_new(c->scr, &c->room, c->store, &tc, &ta);
	/* ops still waiting from an earlier run are shown as queued */
	if (store_outbox_list(c->store, 1, &ops, &n, &cause) == 0) {
		for (size_t i = 0; i < n; i++)
			tui_op_queued(c->tui, ops[i].op_id, ops[i].kind,
			    ops[i].incident);
		tui_set_queued_count(c->tui, (int)n);
		wr_outbox_ops_free(ops, n);
	}
	/* said once, in the log and on the status line */
	if (c->token_warning != NULL) {
		feed_logf("warroom: warning: %s", c->token_warning);
		tui_error(c->tui, "%s", c->token_warning);
	}
	/* the stored state at once, then catch up */
	tui_render(c->tui);

	c->tty_wsi = adopt(c, c->tty_fd);
	if (c->tty_wsi == NULL || adopt(c, sig_pipe[0]) == NULL)
		FAIL(CLI_EX_SOFTWARE, "cannot watch the terminal");

	memset(&fc, 0, sizeof fc);
	fc.url = feed_url;
	fc.token = c->token;
	fc.user = c->user;
	fc.client = "warroom/" WR_VERSION " console";
	fc.ca_file = o->ca_file;
	fc.insecure = o->insecure;
	fc.backoff_cap_ms = o->backoff_cap_ms;
	c->feed = feed_new(c->ctx, &fc, c->store, &c->room, &hooks, c,
	    &cause);
	if (c->feed == NULL)
		FAIL(CLI_EX_USAGE, "%s", cause);
	show_schedules(c);	/* the stored ones, until the relay's come */
	feed_start(c->feed);
	update_feed_status(c);
	lws_sul_schedule(c->ctx, 0, &c->tick_sul, tick_cb, LWS_US_PER_SEC);
	kick_render(c);
	return 0;
#undef FAIL
}

static void
teardown(struct console *c)
{
	lws_sul_cancel(&c->render_sul);
	lws_sul_cancel(&c->tick_sul);
	if (c->tui != NULL) {
		tui_set_schedules(c->tui, NULL, 0);	/* the feed's go */
		tui_set_policies(c->tui, NULL, 0);
	}
	if (c->feed != NULL)
		feed_free(c->feed);
	if (c->demo != NULL)
		demo_stop(c->demo);
	if (c->tui != NULL)
		tui_free(c->tui);
	if (c->scr != NULL) {
		endwin();
		delscreen(c->scr);
		c->scr = NULL;
	}
	util_die_hook = NULL;
	die_console = NULL;
	if (c->ctx != NULL)
		lws_context_destroy(c->ctx);
	if (c->demo != NULL)
		demo_free(c->demo);
	if (c->tty_in != NULL)
		fclose(c->tty_in);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	if (c->room.by_key != NULL)
		wr_room_free(&c->room);
	store_close(c->store);
	feed_log_close();
	free(c->user);
	free(c->token);
	free(c->token_warning);
	free(c->db_path);
	free(c->editor_before);
}

int
cli_console(const struct cli_opts *o)
{
	struct console c;
	char err[512];
	int code = 0;

	memset(&c, 0, sizeof c);
	c.o = o;
	c.tty_fd = -1;
	setlocale(LC_ALL, "");
	if (setup(&c, err, sizeof err, &code) != 0) {
		teardown(&c);
		fprintf(stderr, "warroom: %s\n", err);
		return code;
	}
	while (!c.quit) {
		if (lws_service(c.ctx, 0) < 0)
			break;
	}
	teardown(&c);
	return c.exit_code;
}
