/*
 * outbox.c: the console's outbox: the ops a person made (ack, note, ...)
 * that the relay has not confirmed yet.  An op is committed here before
 * anything is shown as saved, and adding or marking one runs with
 * synchronous=FULL even though the rest of the console's file is NORMAL:
 * the feed can be replayed from the relay, a person's acknowledgement
 * cannot.  Ops are listed in the order they were made (ord), which is the
 * order they are sent in.  An op's arguments (its kind's fields: a note's
 * text, an override's schedule and times) are one JSON body, written and
 * read as an event's body is (store_event_body()).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

int
store_outbox_add(struct wr_store *s, const struct wr_outbox_op *op,
    char **cause)
{
	sqlite3_stmt *st;
	struct wr_event args;
	struct jbuf body;

	if (op->op_id[0] == '\0') {
		*cause = xasprintf("%s: queueing an op: it has no id", s->path);
		return -1;
	}
	/* what its kind carries, nothing else */
	memset(&args, 0, sizeof args);
	wr_event_copy_fields(&args, &op->args,
	    wr_op_kind_info(op->kind)->fields);
	jbuf_init(&body, 128);
	if (store_event_body(&body, &args) == -1) {
		*cause = xasprintf("%s: queueing op %s: its text is not UTF-8",
		    s->path, op->op_id);
		wr_event_free(&args);
		jbuf_free(&body);
		return -1;
	}
	wr_event_free(&args);
	if (store_tx_begin(s, 1, cause) == -1) {
		jbuf_free(&body);
		return -1;
	}
	st = store_stmt(s, ST_OB_INSERT, "INSERT INTO outbox(op_id, kind, "
	    "incident, epoch, actor, args, created, attempts, state, seq, "
	    "error, ord) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "(SELECT coalesce(max(ord), 0) + 1 FROM outbox))", cause);
	if (st == NULL)
		goto fail;
	if (store_bind_text(st, 1, op->op_id) ||
	    store_bind_i64(st, 2, op->kind) ||
	    store_bind_i64(st, 3, op->incident) ||
	    store_bind_text(st, 4, op->epoch) ||
	    store_bind_text(st, 5, op->actor) ||
	    store_bind_text(st, 6, jbuf_cstr(&body)) ||
	    store_bind_i64(st, 7, op->made_at) ||
	    store_bind_i64(st, 8, op->attempts) ||
	    store_bind_i64(st, 9, op->state) ||
	    store_bind_i64(st, 10, op->seq) ||
	    store_bind_text(st, 11, op->error)) {
		store_fail(s, cause, SQLITE_ERROR, "queueing op %s", op->op_id);
		store_stmt_done(st);
		goto fail;
	}
	if (store_step_done(s, st, cause, "queueing an op") == -1)
		goto fail;
	jbuf_free(&body);
	return store_tx_commit(s, cause);

fail:
	jbuf_free(&body);
	store_tx_rollback(s);
	return -1;
}

/* One row into op; -1 when its arguments cannot be read. */
static int
outbox_row(sqlite3_stmt *st, struct wr_outbox_op *op)
{
	const unsigned char *id = sqlite3_column_text(st, 0);

	memset(op, 0, sizeof *op);
	util_strlcpy(op->op_id, id ? (const char *)id : "", sizeof op->op_id);
	op->kind = (wr_op_kind)sqlite3_column_int(st, 1);
	op->incident = sqlite3_column_int64(st, 2);
	op->epoch = store_col_str(st, 3);
	op->actor = store_col_str(st, 4);
	op->made_at = sqlite3_column_int64(st, 6);
	op->attempts = sqlite3_column_int(st, 7);
	op->state = (enum wr_outbox_state)sqlite3_column_int(st, 8);
	op->seq = sqlite3_column_int64(st, 9);
	op->error = store_col_str(st, 10);
	return store_event_body_parse((const char *)sqlite3_column_text(st,
	    5), &op->args);
}

int
store_outbox_list(struct wr_store *s, int unfinished_only,
    struct wr_outbox_op **ops, size_t *n, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_OB_LIST, "SELECT op_id, kind, "
	    "incident, epoch, actor, args, created, attempts, state, seq, "
	    "error FROM outbox WHERE ?1 = 0 OR state IN (?2, ?3) ORDER BY ord",
	    cause);
	struct wr_outbox_op *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*ops = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	if (store_bind_i64(st, 1, unfinished_only != 0) ||
	    store_bind_i64(st, 2, WR_OUTBOX_QUEUED) ||
	    store_bind_i64(st, 3, WR_OUTBOX_SENT)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "listing the outbox");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof *v);
		}
		if (outbox_row(st, &v[len++]) == -1) {
			*cause = xasprintf("%s: listing the outbox: op %s has "
			    "arguments that cannot be read", s->path,
			    v[len - 1].op_id);
			store_stmt_done(st);
			wr_outbox_ops_free(v, len);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, cause, rc, "listing the outbox");
		store_stmt_done(st);
		wr_outbox_ops_free(v, len);
		return -1;
	}
	store_stmt_done(st);
	*ops = v;
	*n = len;
	return 0;
}

/* Whether op_id is in the outbox: 1, 0, or -1 on an error. */
static int
outbox_exists(struct wr_store *s, const char *op_id, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_OB_EXISTS,
	    "SELECT 1 FROM outbox WHERE op_id = ?1", cause);
	int rc;

	if (st == NULL)
		return -1;
	if (store_bind_text(st, 1, op_id)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "looking up op %s",
		    op_id);
	}
	rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(s, cause, rc, "looking up op %s", op_id);
}

/*
 * Run an UPDATE of one op (bound by the caller) and commit.  An op id
 * that is not in the outbox is an error, not a silent no-op; one that is
 * there but was not changed (another process on this file settled it
 * first: finished is final) is no error.
 */
static int
outbox_update(struct wr_store *s, sqlite3_stmt *st, const char *op_id,
    const char *what, char **cause)
{
	int there;

	if (store_step_done(s, st, cause, what) == -1)
		goto fail;
	if (sqlite3_changes(s->db) == 0 &&
	    (there = outbox_exists(s, op_id, cause)) != 1) {
		if (there == 0)
			*cause = xasprintf("%s: %s: op %s is not in the "
			    "outbox", s->path, what, op_id);
		goto fail;
	}
	return store_tx_commit(s, cause);

fail:
	store_tx_rollback(s);
	return -1;
}

int
store_outbox_mark(struct wr_store *s, const char *op_id,
    enum wr_outbox_state state, int64_t seq, const char *error, char **cause)
{
	sqlite3_stmt *st;

	if (store_tx_begin(s, 1, cause) == -1)
		return -1;
	/* seq 0: keep the one already known.  Only an unfinished op is
	 * marked: the first answer any process on this file recorded
	 * stays (the relay gives every process the same one). */
	st = store_stmt(s, ST_OB_MARK, "UPDATE outbox SET state = ?2, "
	    "seq = CASE WHEN ?3 <> 0 THEN ?3 ELSE seq END, error = ?4 "
	    "WHERE op_id = ?1 AND state IN (?5, ?6)", cause);
	if (st == NULL) {
		store_tx_rollback(s);
		return -1;
	}
	if (store_bind_text(st, 1, op_id) ||
	    store_bind_i64(st, 2, state) ||
	    store_bind_i64(st, 3, seq) ||
	    store_bind_text(st, 4, error) ||
	    store_bind_i64(st, 5, WR_OUTBOX_QUEUED) ||
	    store_bind_i64(st, 6, WR_OUTBOX_SENT)) {
		store_fail(s, cause, SQLITE_ERROR, "marking op %s", op_id);
		store_stmt_done(st);
		store_tx_rollback(s);
		return -1;
	}
	return outbox_update(s, st, op_id, "marking an op", cause);
}

int
store_outbox_attempt(struct wr_store *s, const char *op_id, char **cause)
{
	sqlite3_stmt *st;

	/* Not durable: a lost count or a SENT that reads QUEUED again only
	 * means a resend, which the relay answers from its op ids. */
	if (store_tx_begin(s, 0, cause) == -1)
		return -1;
	st = store_stmt(s, ST_OB_ATTEMPT, "UPDATE outbox SET "
	    "attempts = attempts + 1, "
	    "state = CASE WHEN state = ?2 THEN ?3 ELSE state END "
	    "WHERE op_id = ?1", cause);
	if (st == NULL) {
		store_tx_rollback(s);
		return -1;
	}
	if (store_bind_text(st, 1, op_id) ||
	    store_bind_i64(st, 2, WR_OUTBOX_QUEUED) ||
	    store_bind_i64(st, 3, WR_OUTBOX_SENT)) {
		store_fail(s, cause, SQLITE_ERROR, "counting an attempt");
		store_stmt_done(st);
		store_tx_rollback(s);
		return -1;
	}
	return outbox_update(s, st, op_id, "counting an attempt", cause);
}

int
store_outbox_settle(struct wr_store *s, const char *op_id, int64_t seq,
    char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_OB_SETTLE, "UPDATE outbox SET "
	    "state = ?2, seq = ?3, error = NULL WHERE op_id = ?1 AND "
	    "state IN (?4, ?5)", cause);

	if (st == NULL)
		return -1;
	if (store_bind_text(st, 1, op_id) ||
	    store_bind_i64(st, 2, WR_OUTBOX_DONE) ||
	    store_bind_i64(st, 3, seq) ||
	    store_bind_i64(st, 4, WR_OUTBOX_QUEUED) ||
	    store_bind_i64(st, 5, WR_OUTBOX_SENT)) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "settling op %s",
		    op_id);
	}
	return store_step_done(s, st, cause, "settling an op");
}

void
wr_outbox_op_free(struct wr_outbox_op *op)
{
	if (op == NULL)
		return;
	free(op->epoch);
	free(op->actor);
	free(op->error);
	op->epoch = op->actor = op->error = NULL;
	wr_event_free(&op->args);
}

void
wr_outbox_ops_free(struct wr_outbox_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wr_outbox_op_free(&ops[i]);
	free(ops);
}
