/*
 * test_tui.h: the headless screen the TUI tests share (tests/test_tui*.c).
 *
 * A harness is a real ncurses SCREEN made with newterm("xterm-256color")
 * writing into a temporary file (the bytes a terminal would receive, read
 * back for the hostile-text checks) and reading /dev/null, a room built by
 * applying events as the feed would, an optional real console store in a
 * temporary directory (timelines and alerts are read from it), and fake
 * loop hooks that record the ops submitted and answer like the loop does
 * (tui_op_queued with a fresh op id).  What a person reads is read back
 * from curscr after tui_render(), row by row, as UTF-8.  The clock is
 * fixed, TZ is UTC: renders are deterministic.
 */
#ifndef WR_TEST_TUI_H
#define WR_TEST_TUI_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "core/model.h"
#include "core/room.h"
#include "core/util.h"
#include "store/store.h"
#include "tui/tui.h"

#define H_UNUSED	__attribute__((unused))
#define H_NOW		INT64_C(1767225600000)	/* 2026-01-01T00:00:00Z */
#define H_MAX_OPS	200000

struct h_op {
	wr_op_kind kind;
	int64_t incident;
	char *text;
	char op_id[24];
	/* a schedule-wide op's arguments */
	char *schedule, *person;
	int64_t from, until, ref;
};

struct harness {
	char outpath[64];
	char dbdir[64];
	FILE *out, *in;
	SCREEN *scr;
	struct wr_room room;
	struct wr_store *store;
	struct tui *t;
	struct tui_config cfg;
	struct h_op *ops;
	size_t n_ops;
	int next_op;
	int quit;
	int edit_note_calls;
	int64_t edit_note_id;
	int fail_submit;
	char user_set[64];
};

static H_UNUSED const char *const h_theme_dirs[] = { "themes", NULL };

static H_UNUSED int64_t
h_clock(void)
{
	return H_NOW;
}

static H_UNUSED int
h_submit(void *ud, wr_op_kind kind, int64_t incident,
    const struct wr_event *args, char **cause)
{
	struct harness *h = ud;
	struct h_op *op;

	if (h->fail_submit) {
		*cause = xstrdup("database is locked");
		return -1;
	}
	assert_true(h->n_ops < H_MAX_OPS);
	op = &h->ops[h->n_ops++];
	op->kind = kind;
	op->incident = incident;
	op->text = xstrdup0(args != NULL ? args->text : NULL);
	op->schedule = xstrdup0(args != NULL ? args->schedule : NULL);
	op->person = xstrdup0(args != NULL ? args->person : NULL);
	op->from = args != NULL ? args->from : 0;
	op->until = args != NULL ? args->until : 0;
	op->ref = args != NULL ? args->ref : 0;
	snprintf(op->op_id, sizeof op->op_id, "op%d", ++h->next_op);
	tui_op_queued(h->t, op->op_id, kind, incident);
	return 0;
}

static H_UNUSED int
h_edit_note(void *ud, int64_t incident)
{
	struct harness *h = ud;

	h->edit_note_calls++;
	h->edit_note_id = incident;
	return 0;
}

static H_UNUSED void
h_quit(void *ud)
{
	((struct harness *)ud)->quit = 1;
}

static H_UNUSED int
h_set_user(void *ud, const char *user, char **cause)
{
	struct harness *h = ud;

	util_strlcpy(h->user_set, user, sizeof h->user_set);
	return 0;
}

/* The config every harness starts from; tests change a copy. */
static H_UNUSED struct tui_config
h_config(void)
{
	struct tui_config c = {
		.user = "alice",
		.feed_url = "ws://127.0.0.1:8470/feed",
		.theme = NULL,
		.theme_dirs = h_theme_dirs,
		.clock_ms = h_clock,
	};
	return c;
}

/* A screen of rows x cols; cfg NULL: h_config(); with_store: a real
 * console store in a temporary directory. */
static H_UNUSED struct harness *
h_new_cfg(int rows, int cols, const struct tui_config *cfg, int with_store)
{
	struct harness *h = xcalloc(1, sizeof *h);
	struct tui_actions act = {
		.submit = h_submit,
		.edit_note = h_edit_note,
		.quit = h_quit,
		.set_user = h_set_user,
		.ud = h,
	};
	int fd;

	h->ops = xcalloc(H_MAX_OPS, sizeof *h->ops);
	util_strlcpy(h->outpath, "/tmp/wr-tui-out-XXXXXX", sizeof h->outpath);
	fd = mkstemp(h->outpath);
	assert_true(fd >= 0);
	h->out = fdopen(fd, "w+");
	h->in = fopen("/dev/null", "r");
	assert_non_null(h->out);
	assert_non_null(h->in);
	h->scr = newterm("xterm-256color", h->out, h->in);
	if (h->scr == NULL) {
		fprintf(stderr, "no terminfo entry for xterm-256color\n");
		skip();
	}
	set_term(h->scr);
	resize_term(rows, cols);
	wr_room_init(&h->room, 0);
	if (with_store) {
		char *path, *cause = NULL;

		util_strlcpy(h->dbdir, "/tmp/wr-tui-db-XXXXXX", sizeof h->dbdir);
		assert_non_null(mkdtemp(h->dbdir));
		path = xasprintf("%s/console.db", h->dbdir);
		if (store_open(path, WR_STORE_CONSOLE, &h->store, &cause) != 0)
			fail_msg("store_open: %s", cause);
		free(path);
	}
	h->cfg = cfg != NULL ? *cfg : h_config();
	h->t = tui_new(h->scr, &h->room, h->store, &h->cfg, &act);
	assert_non_null(h->t);
	return h;
}

static H_UNUSED struct harness *
h_new(int rows, int cols)
{
	return h_new_cfg(rows, cols, NULL, 0);
}

static H_UNUSED void
h_free(struct harness *h)
{
	set_term(h->scr);
	tui_free(h->t);
	endwin();
	delscreen(h->scr);
	fclose(h->out);
	fclose(h->in);
	unlink(h->outpath);
	if (h->store != NULL) {
		char *p;

		store_close(h->store);
		p = xasprintf("%s/console.db", h->dbdir);
		unlink(p);
		free(p);
		p = xasprintf("%s/console.db-wal", h->dbdir);
		unlink(p);
		free(p);
		p = xasprintf("%s/console.db-shm", h->dbdir);
		unlink(p);
		free(p);
		rmdir(h->dbdir);
	}
	wr_room_free(&h->room);
	for (size_t i = 0; i < h->n_ops; i++) {
		free(h->ops[i].text);
		free(h->ops[i].schedule);
		free(h->ops[i].person);
	}
	free(h->ops);
	free(h);
}

static H_UNUSED void
h_render(struct harness *h)
{
	set_term(h->scr);
	tui_render(h->t);
}

static H_UNUSED void
h_resize(struct harness *h, int rows, int cols)
{
	set_term(h->scr);
	resize_term(rows, cols);
	tui_resize(h->t);
}

/* Row y of what the terminal shows, as UTF-8, trailing blanks cut. */
static H_UNUSED const char *
h_row(struct harness *h, int y)
{
	static char buf[8192];
	wchar_t w[2048];
	size_t n;

	set_term(h->scr);
	buf[0] = '\0';
	if (y < 0 || y >= LINES)
		return buf;
	if (mvwinnwstr(curscr, y, 0, w, COLS < 2047 ? COLS : 2047) == ERR)
		return buf;
	n = wcstombs(buf, w, sizeof buf - 1);
	if (n == (size_t)-1)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

static H_UNUSED void
h_dump(struct harness *h)
{
	for (int y = 0; y < LINES; y++)
		fprintf(stderr, "%3d|%s\n", y, h_row(h, y));
}

/* The first row at or after `from` that contains needle, or -1. */
static H_UNUSED int
h_find_from(struct harness *h, int from, const char *needle)
{
	for (int y = from; y < LINES; y++)
		if (strstr(h_row(h, y), needle) != NULL)
			return y;
	return -1;
}

static H_UNUSED int
h_find(struct harness *h, const char *needle)
{
	return h_find_from(h, 0, needle);
}

static H_UNUSED void
h_assert_shows(struct harness *h, const char *needle)
{
	if (h_find(h, needle) < 0) {
		h_dump(h);
		fail_msg("the screen does not show \"%s\"", needle);
	}
}

static H_UNUSED void
h_assert_not_shows(struct harness *h, const char *needle)
{
	int y = h_find(h, needle);

	if (y >= 0) {
		h_dump(h);
		fail_msg("the screen shows \"%s\" on row %d", needle, y);
	}
}

/* Keys: plain characters as typed. */
static H_UNUSED void
h_type(struct harness *h, const char *s)
{
	set_term(h->scr);
	for (; *s != '\0'; s++)
		tui_key(h->t, 0, (wint_t)(unsigned char)*s);
}

static H_UNUSED void
h_key(struct harness *h, int keycode)
{
	set_term(h->scr);
	tui_key(h->t, 1, (wint_t)keycode);
}

/* Everything ncurses wrote so far. */
static H_UNUSED char *
h_output(struct harness *h, size_t *len)
{
	FILE *f;
	char *buf;
	long n;

	fflush(h->out);
	f = fopen(h->outpath, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static H_UNUSED size_t
h_output_size(struct harness *h)
{
	size_t n;
	char *b = h_output(h, &n);

	free(b);
	return n;
}

/*
 * Apply one event as the feed does: numbered after the room's last seq,
 * applied, and (with a store) committed with the incident's summary.
 */
static H_UNUSED void
h_apply(struct harness *h, struct wr_event *e)
{
	char err[256];
	enum wr_apply_result r;

	e->seq = h->room.last_seq + 1;
	if (e->time == 0)
		e->time = H_NOW;
	r = wr_room_apply(&h->room, e, err, sizeof err);
	if (r != WR_APPLY_OK)
		fail_msg("apply %s: %d %s", wr_event_kind_name(e->kind), r, err);
	if (h->store != NULL) {
		struct wr_incident *inc = wr_room_get(&h->room, e->incident);
		struct wr_batch b = {
			.events = e,
			.n_events = 1,
			.incidents = &inc,
			.n_incidents = 1,
		};
		char *cause = NULL;

		if (store_commit_batch(h->store, &b, &cause) != 0)
			fail_msg("commit: %s", cause);
	}
}

/* A new incident, age_s seconds old; returns its id. */
static H_UNUSED int64_t
h_incident(struct harness *h, const char *title, const char *service,
    wr_severity sev, int64_t age_s)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_TRIGGERED;
	e.incident = h->room.next_id;
	e.time = H_NOW - age_s * 1000;
	e.actor = (char *)"alertmanager";
	e.source = (char *)"alertmanager";
	e.key = xasprintf("{}:{title=\"%s\",n=%lld}", title,
	    (long long)e.incident);
	e.title = (char *)title;
	e.service = (char *)service;
	e.severity = sev;
	h_apply(h, &e);
	free(e.key);
	return e.incident;
}

static H_UNUSED void
h_event(struct harness *h, wr_event_kind kind, int64_t id, const char *actor,
    const char *text)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.incident = id;
	e.actor = (char *)actor;
	e.text = (char *)text;
	h_apply(h, &e);
}

static H_UNUSED int
h_count_ops(const struct harness *h, wr_op_kind kind)
{
	int n = 0;

	for (size_t i = 0; i < h->n_ops; i++)
		n += h->ops[i].kind == kind;
	return n;
}

static H_UNUSED void
h_setup_env(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	setenv("TZ", "UTC", 1);
	tzset();
	unsetenv("LINES");
	unsetenv("COLUMNS");
}

#endif
