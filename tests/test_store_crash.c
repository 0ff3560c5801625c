/*
 * test_store_crash.c: kill -9 in the middle of writing, then check what is
 * on disk.  A child process opens a store and commits in a loop, telling
 * the parent over a pipe what it committed, and only after the commit
 * returned 0.  The parent SIGKILLs it mid-stream, reopens the file and
 * checks that everything reported committed is there, that the log is
 * contiguous from 1 with no part of a batch beyond the last whole one,
 * and that SQLite's integrity_check says ok.  Several rounds, each child
 * carrying on from where the last one died.  The same for the console's
 * outbox.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* nftw, in tests/scratch.h */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/model.h"
#include "core/room.h"
#include "core/util.h"
#include "store/store.h"
#include "tests/scratch.h"

#define ROUNDS		8
#define REPORTS		60	/* commits to wait for, per round */

/* How long the parent lets the child run on after the last report it
 * reads, per round, so that the kill lands at varied points of a commit. */
static const long kill_delay_us[ROUNDS] = {
	0, 100, 300, 700, 1500, 3000, 5000, 250
};

struct fx {
	char dir[64];
	char *path;
};

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	strcpy(fx->dir, "/tmp/wr-crash-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->path = xasprintf("%s/store.db", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	scratch_rm(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

/* Batch b (from 1) holds incident b: its TRIGGERED event and notes. */
static int
batch_size(int64_t b)
{
	return 1 + (int)(b % 4);
}

static void
assert_integrity_ok(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int
read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void
report(int fd, int64_t v)
{
	if (write(fd, &v, sizeof v) != (ssize_t)sizeof v)
		_exit(3);
}

/* ---- the children: no cmocka here, only _exit ---------------------------- */

static _Noreturn void
relay_child(const char *path, int fd)
{
	struct wr_store *s;
	struct wr_room room;
	char *cause;
	int64_t b, seq;

	if (store_open(path, WR_STORE_RELAY, &s, &cause) != 0) {
		fprintf(stderr, "child: %s\n", cause);
		_exit(2);
	}
	/* Carry on after the last whole batch on disk. */
	wr_room_init(&room, 0);
	if (store_load_room(s, &room, &cause) != 0)
		_exit(2);
	b = (int64_t)room.n_incidents + 1;
	seq = store_last_seq(s);
	wr_room_free(&room);
	for (;; b++) {
		struct wr_event ev[4];
		struct wr_incident inc = { .id = b, .source = "test",
		    .key = "k", .title = "crash", .service = "svc",
		    .state = WR_ST_TRIGGERED, .created = b };
		struct wr_incident *incs[1] = { &inc };
		struct wr_op_result res = { .op_id = "", .status =
		    WR_OPST_APPLIED };
		char op_id[33];
		int n = batch_size(b);
		struct wr_batch batch = { .events = ev, .n_events = (size_t)n,
		    .incidents = incs, .n_incidents = 1, .results = &res,
		    .n_results = 1 };

		memset(ev, 0, sizeof ev);
		for (int i = 0; i < n; i++) {
			ev[i].seq = ++seq;
			ev[i].kind = i == 0 ? WR_EV_TRIGGERED : WR_EV_NOTE;
			ev[i].incident = b;
			ev[i].time = seq;
			ev[i].actor = "child";
			ev[i].text = i == 0 ? NULL : "a note of some length, "
			    "to give the pages something to hold";
		}
		inc.n_notes = n - 1;
		snprintf(op_id, sizeof op_id, "%032llx", (long long)b);
		res.op_id = op_id;
		res.seq = seq;
		if (store_commit_batch(s, &batch, &cause) != 0) {
			fprintf(stderr, "child: %s\n", cause);
			_exit(2);
		}
		report(fd, seq);
	}
}

static _Noreturn void
console_child(const char *path, int fd)
{
	struct wr_store *s;
	struct wr_outbox_op *ops;
	size_t n;
	char *cause;
	int64_t i, seq;

	if (store_open(path, WR_STORE_CONSOLE, &s, &cause) != 0) {
		fprintf(stderr, "child: %s\n", cause);
		_exit(2);
	}
	if (store_outbox_list(s, 0, &ops, &n, &cause) != 0)
		_exit(2);
	/* What the last child left unconfirmed is confirmed on reconnect. */
	for (size_t k = 0; k < n; k++)
		if (ops[k].state != WR_OUTBOX_DONE && store_outbox_mark(s,
		    ops[k].op_id, WR_OUTBOX_DONE, 0, NULL, &cause) != 0)
			_exit(2);
	wr_outbox_ops_free(ops, n);
	seq = store_last_seq(s);
	/* The feed copy (NORMAL) and the outbox (FULL) interleave, as they
	 * do in a console that is both receiving and acknowledging. */
	for (i = (int64_t)n; ; i++) {
		struct wr_event ev = { .seq = ++seq, .kind = WR_EV_NOTE,
		    .incident = 1, .time = seq, .actor = "relay",
		    .text = "feed" };
		struct wr_batch batch = { .events = &ev, .n_events = 1 };
		struct wr_outbox_op op = { .kind = WR_OP_ACK, .incident = i,
		    .epoch = "0123456789abcdef", .actor = "alice",
		    .made_at = i };

		if (store_commit_batch(s, &batch, &cause) != 0) {
			fprintf(stderr, "child: %s\n", cause);
			_exit(2);
		}
		snprintf(op.op_id, sizeof op.op_id, "%032llx", (long long)i);
		if (store_outbox_add(s, &op, &cause) != 0) {
			fprintf(stderr, "child: %s\n", cause);
			_exit(2);
		}
		if (i > 0) {
			char prev[33];
			snprintf(prev, sizeof prev, "%032llx",
			    (long long)(i - 1));
			if (store_outbox_mark(s, prev, WR_OUTBOX_DONE, seq,
			    NULL, &cause) != 0)
				_exit(2);
		}
		report(fd, i);
	}
}

/*
 * Fork child(path, fd), read `want` reports, SIGKILL it while it is still
 * writing, and return the last value reported.
 */
static int64_t
run_and_kill(const char *path, void (*child)(const char *, int),
    int want, long delay_us)
{
	struct timespec ts = { 0, delay_us * 1000 };
	int p[2], status;
	int64_t v = -1;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[0]);
		child(path, p[1]);
		_exit(4);
	}
	close(p[1]);
	for (int i = 0; i < want; i++) {
		if (read_full(p[0], &v, sizeof v) == -1) {
			waitpid(pid, &status, 0);
			fail_msg("child ended early (status %d)", status);
		}
	}
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(p[0]);
	return v;
}

static void
test_relay_log_survives_kill9_whole_batches_only(void **state)
{
	struct fx *fx = *state;

	for (int round = 0; round < ROUNDS; round++) {
		int64_t reported = run_and_kill(fx->path, relay_child, REPORTS,
		    kill_delay_us[round]);
		struct wr_store *s;
		struct wr_evlist ev = { 0 };
		struct wr_room room;
		struct wr_op_result res;
		char *cause = NULL, op_id[33];
		int64_t last, boundary = 0, b;

		assert_integrity_ok(fx->path);
		if (store_open(fx->path, WR_STORE_RELAY, &s, &cause) != 0)
			fail_msg("reopen: %s", cause);
		last = store_last_seq(s);
		assert_true(last >= reported);

		/* Contiguous from 1 to last, and nothing else. */
		assert_int_equal(store_events_after(s, 0, 0, &ev, &cause), 0);
		assert_int_equal(ev.n, last);
		for (size_t i = 0; i < ev.n; i++)
			assert_int_equal(ev.v[i].seq, (int64_t)i + 1);

		/* last is the end of a batch: no half batch made it. */
		for (b = 1; boundary < last; b++)
			boundary += batch_size(b);
		assert_int_equal(boundary, last);

		/* Every whole batch has its incident, its op answer and all
		 * of its events; no batch beyond has anything. */
		wr_room_init(&room, 0);
		assert_int_equal(store_load_room(s, &room, &cause), 0);
		assert_int_equal(room.n_incidents, b - 1);
		assert_int_equal(room.last_seq, last);
		for (size_t i = 0, k; i < ev.n; i = k) {
			int64_t inc = ev.v[i].incident;
			for (k = i; k < ev.n && ev.v[k].incident == inc; k++)
				;
			assert_int_equal(k - i, batch_size(inc));
			assert_int_equal(ev.v[i].kind, WR_EV_TRIGGERED);
			assert_non_null(wr_room_get(&room, inc));
			assert_int_equal(wr_room_get(&room, inc)->n_notes,
			    batch_size(inc) - 1);
			snprintf(op_id, sizeof op_id, "%032llx",
			    (long long)inc);
			assert_int_equal(store_op_lookup(s, NULL, op_id, &res,
			    &cause), 1);
			assert_int_equal(res.seq, ev.v[k - 1].seq);
			wr_op_result_free(&res);
		}
		snprintf(op_id, sizeof op_id, "%032llx", (long long)b);
		assert_int_equal(store_op_lookup(s, NULL, op_id, &res, &cause), 0);
		wr_room_free(&room);
		wr_evlist_free(&ev);
		store_close(s);
	}
}

static void
test_console_outbox_survives_kill9_in_order(void **state)
{
	struct fx *fx = *state;

	for (int round = 0; round < ROUNDS; round++) {
		int64_t reported = run_and_kill(fx->path, console_child,
		    REPORTS, kill_delay_us[round]);
		struct wr_store *s;
		struct wr_outbox_op *ops;
		struct wr_evlist ev = { 0 };
		size_t n;
		char *cause = NULL;

		assert_integrity_ok(fx->path);
		if (store_open(fx->path, WR_STORE_CONSOLE, &s, &cause) != 0)
			fail_msg("reopen: %s", cause);
		assert_int_equal(store_outbox_list(s, 0, &ops, &n, &cause), 0);
		/* Every op reported queued is there, in the order made,
		 * with nothing missing in between. */
		assert_true((int64_t)n >= reported + 1);
		for (size_t i = 0; i < n; i++) {
			char id[33];
			snprintf(id, sizeof id, "%032llx", (long long)i);
			assert_string_equal(ops[i].op_id, id);
			assert_int_equal(ops[i].incident, (int64_t)i);
			assert_string_equal(ops[i].actor, "alice");
			/* All but the newest one or two were marked done. */
			if (i + 2 < n)
				assert_int_equal(ops[i].state, WR_OUTBOX_DONE);
		}
		wr_outbox_ops_free(ops, n);

		/* The feed copy is contiguous too, and matches its cursor. */
		assert_int_equal(store_events_after(s, 0, 0, &ev, &cause), 0);
		assert_int_equal(ev.n, store_last_seq(s));
		for (size_t i = 0; i < ev.n; i++)
			assert_int_equal(ev.v[i].seq, (int64_t)i + 1);
		assert_true(ev.n >= n);
		wr_evlist_free(&ev);
		store_close(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_relay_log_survives_kill9_whole_batches_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_console_outbox_survives_kill9_in_order,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
