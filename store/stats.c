/*
 * stats.c: the report (core/stats.h) computed in SQL over the console's
 * copy of the feed, in one read transaction.
 *
 * The window is [since, until): an incident counts when it was triggered
 * in it (incidents.created, the TRIGGERED event's time); an act (an
 * acknowledgement, a resolution, an escalation, a notification) when the
 * person made it in it (made_at, else the event's time).
 *
 * Time to acknowledge runs from the trigger to the made_at of the
 * incident's FIRST acknowledged event, whatever came after (an unack and
 * an ack again); for an incident whose events this copy never had (it
 * came in a snapshot) the incident's own ack_at stands for it.  Time to
 * resolve runs to the resolution of an incident resolved now.  Means are
 * rounded to the ms; p50 and p90 are nearest-rank percentiles (the
 * smallest value with at least P% of the values at or below it), found
 * by selection over the times SQL gives (see sql_durations below).
 *
 * By person: acknowledgements and resolutions are the events a person's
 * op made (they carry an op id; a source's resolve does not), counted
 * for its actor; escalations and notifications are the events of the
 * kinds in WR_STATS_ESCALATION_KINDS and WR_STATS_NOTIFY_KINDS
 * (core/stats.h), counted for the person the event names.  An
 * interruption is an incident a person acknowledged or was notified
 * about; it is out of hours when one of those acts fell from 22:00 to
 * 08:00 on the wall clock of that person's schedule (wr_stats_zone_for),
 * which is judged here in C, from the rows SQL gives in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schedule.h"
#include "core/stats.h"
#include "core/util.h"
#include "store/store-int.h"

/* When the person acted: made_at is the body's, in a column of its own
 * (schema 10) so that no body is parsed for it. */
#define ACTED_AT "COALESCE(made_at, time)"

static const int escalation_kinds[] = { WR_STATS_ESCALATION_KINDS 0 };
static const int notify_kinds[] = { WR_STATS_NOTIFY_KINDS 0 };

/* A list of kinds as a JSON array, for json_each(): "[20,21]". */
static void
kinds_json(const int *v, char *buf, size_t size)
{
	size_t len;

	util_strlcpy(buf, "[", size);
	for (size_t i = 0; v[i] != 0; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%d", i ? "," : "", v[i]);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "]");
}

/*
 * The people an escalation or a notification names: its "person", else
 * its "text" (an escalation's targets, "alice, bob"), split at ", " by a
 * recursive CTE into rows (kind, incident, at, who); ?K is the list of
 * kinds.  A retry (an attempt after the first: count > 1) is not counted.  Names never hold a comma (the config splits them there).
 */
#define PAGED(K) \
	" paged(kind, incident, at, rest, who) AS (" \
	"  SELECT kind, incident, " ACTED_AT ", COALESCE(" \
	"   json_extract(body, '$.person'), json_extract(body, '$.text')," \
	"   '') || ', ', NULL FROM events" \
	"  WHERE kind IN (SELECT value FROM json_each(" K "))" \
	"   AND COALESCE(json_extract(body, '$.count'), 1) <= 1" \
	"  UNION ALL SELECT kind, incident, at," \
	"   substr(rest, instr(rest, ', ') + 2)," \
	"   substr(rest, 1, instr(rest, ', ') - 1) FROM paged" \
	"  WHERE rest <> '')"

/*
 * stats_e: the acts the counts by person and the interruptions read, from
 * ONE pass over the events (the index events_kind, schema 8, finds them
 * by kind): acknowledgements and resolutions (op 1 when a person's op
 * made them) and each person an escalation or a notification names, with
 * when it was made, a TEMP table in the report's read transaction (its
 * ROLLBACK drops it), so that a paged event's body is parsed once, not
 * twice.  ?1 the paged kinds.
 */
static const char sql_temp_e[] =
	"CREATE TEMP TABLE IF NOT EXISTS stats_e(kind INTEGER NOT NULL,"
	" incident INTEGER NOT NULL, who TEXT, at INTEGER,"
	" op INTEGER NOT NULL)";
static const char sql_fill_e[] =
	"WITH RECURSIVE" PAGED("?1")
	"INSERT INTO stats_e(kind, incident, who, at, op)"
	" SELECT kind, incident, actor, " ACTED_AT ", op_id IS NOT NULL"
	"  FROM events WHERE kind IN (4, 7)"
	" UNION ALL SELECT kind, incident, who, at, 0 FROM paged"
	"  WHERE who IS NOT NULL AND who <> ''";

/* The first acknowledgement of incident i, by events_kind: one seek. */
#define FIRST_ACK(COL) \
	"(SELECT " COL " FROM events e WHERE e.kind = 4 AND" \
	" e.incident = i.id ORDER BY e.seq LIMIT 1)"

/*
 * The times, one row per incident of the window, in group order (by
 * none: any order): its group, its time to acknowledge and to resolve,
 * and the hour (UTC) it was triggered in.  Read once into arrays, whose
 * nearest-rank p50 and p90 are found by selection (quickselect: no array
 * is sorted, none twice).  Nothing is stored on the way: filling a TEMP
 * table of the times, finding each incident's first acknowledgement by a
 * GROUP BY over every act (a sort of them all), reading the table back
 * and counting the hours apart took 1.9 times as long as this one
 * statement at 100,000 incidents.
 * ?1 since, ?2 until, ?3 by, ?4 the escalation kinds (for the policy).
 */
static const char sql_durations[] =
	"SELECT CASE ?3 WHEN 1 THEN COALESCE(i.service, '')"
	"   WHEN 2 THEN CAST(i.severity AS TEXT)"
	"   WHEN 3 THEN COALESCE(" FIRST_ACK("e.actor") ", i.ack_by, '')"
	"   WHEN 4 THEN COALESCE((SELECT json_extract(e.body, '$.policy')"
	"    FROM events e WHERE e.incident = i.id AND e.kind IN"
	"    (SELECT value FROM json_each(?4)) ORDER BY e.seq LIMIT 1), '')"
	"   ELSE '' END AS g,"
	"  MAX(COALESCE(" FIRST_ACK("COALESCE(e.made_at, e.time)") ","
	"   CASE WHEN i.ack_at > 0 THEN i.ack_at END) - i.created, 0),"
	"  MAX(CASE WHEN i.state = 2 AND i.resolved_at > 0"
	"   THEN i.resolved_at END - i.created, 0),"
	"  (i.created / 3600000) % 24"
	" FROM incidents i WHERE i.created >= ?1 AND i.created < ?2"
	" ORDER BY CASE WHEN ?3 <> 0 THEN g END";

/* Rows of (who, what, count): what 0 acks, 1 resolves, 2 escalations,
 * 3 notifications; ?3 the kinds of escalations. */
static const char sql_people[] =
	"SELECT who, CASE WHEN kind = 4 THEN 0 WHEN kind = 7 THEN 1"
	"  WHEN kind IN (SELECT value FROM json_each(?3)) THEN 2 ELSE 3 END"
	"  AS what, count(*) FROM stats_e"
	" WHERE (op <> 0 OR kind NOT IN (4, 7)) AND who IS NOT NULL"
	"  AND at >= ?1 AND at < ?2 GROUP BY who, what";

/* The acts that interrupt a person (an acknowledgement they made, a
 * notification to them), by person and incident; ?3 the notify kinds. */
static const char sql_interruptions[] =
	"SELECT who, incident, at FROM stats_e"
	" WHERE ((kind = 4 AND op <> 0) OR"
	"  kind IN (SELECT value FROM json_each(?3)))"
	"  AND who IS NOT NULL AND at >= ?1 AND at < ?2"
	" ORDER BY who, incident";

/* Values, growing. */
struct vals {
	int64_t *v;
	size_t n, cap;
};

static void
vals_push(struct vals *a, int64_t v)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 1024;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = v;
}

/* Move the k-th smallest of v[lo, hi) to v[k], the smaller before it and
 * the larger after (Hoare's selection, the lower middle as pivot: j ends below
 * hi - 1, so every pass makes the range smaller). */
static void
select_kth(int64_t *v, size_t lo, size_t hi, size_t k)
{
	while (hi - lo > 1) {
		int64_t pivot = v[lo + (hi - lo - 1) / 2];
		size_t i = lo, j = hi - 1;

		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			int64_t x = v[i];

			v[i++] = v[j];
			v[j--] = x;
		}
		/* v[lo, j] <= pivot <= v[j + 1, hi) */
		if (k <= j)
			hi = j + 1;
		else
			lo = j + 1;
	}
}

/* n, the mean (rounded half up: the values are >= 0) and the nearest-rank
 * p50 and p90 (the ceil(P n / 100)-th smallest) of a; a is reordered. */
static void
dur_of(struct vals *a, struct wr_stats_dur *d)
{
	size_t k50, k90;
	int64_t sum = 0;

	memset(d, 0, sizeof *d);
	if (a->n == 0)
		return;
	for (size_t i = 0; i < a->n; i++)
		sum += a->v[i];
	d->n = (int64_t)a->n;
	d->mean = (2 * sum + d->n) / (2 * d->n);
	k50 = (a->n * 50 + 99) / 100 - 1;
	k90 = (a->n * 90 + 99) / 100 - 1;
	select_kth(a->v, 0, a->n, k50);
	d->p50 = a->v[k50];
	/* what is after k50 is no smaller: p90 is among it */
	if (k90 > k50)
		select_kth(a->v, k50 + 1, a->n, k90);
	d->p90 = a->v[k90];
}

static struct wr_stats_group *
group_get(struct wr_stats *st, const char *key)
{
	struct wr_stats_group *g;

	for (size_t i = 0; i < st->n_groups; i++)
		if (strcmp(st->groups[i].key, key) == 0)
			return &st->groups[i];
	st->groups = xrealloc(st->groups, (st->n_groups + 1) *
	    sizeof *st->groups);
	g = &st->groups[st->n_groups++];
	memset(g, 0, sizeof *g);
	g->key = xstrdup(key);
	return g;
}

/* A severity group's key is its number: its name instead. */
static const char *
group_name(enum wr_stats_by by, const char *key)
{
	if (by == WR_STATS_BY_SEVERITY) {
		int sev = atoi(key);

		if (sev >= 0 && sev < WR_SEV_COUNT)
			return wr_severity_name((wr_severity)sev);
	}
	return key;
}

/* Bind since, until and two more (an integer or a text) to st. */
static int
bind4(sqlite3_stmt *st, int64_t since, int64_t until, int by,
    const char *k3, const char *k4)
{
	int rc = store_bind_i64(st, 1, since) || store_bind_i64(st, 2, until);

	if (rc == 0 && k3 == NULL)
		rc = store_bind_i64(st, 3, by);
	else if (rc == 0)
		rc = store_bind_text(st, 3, k3);
	if (rc == 0 && k4 != NULL)
		rc = store_bind_text(st, 4, k4);
	return rc;
}

/* Run a statement that makes no rows, its first parameters bound to
 * v[0..n) (may be NULL), the text t bound after them when not NULL. */
static int
run_one(struct wr_store *s, enum store_stmt id, const char *sql,
    const int64_t *v, int n, const char *t, char **cause, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, id, sql, cause);
	int rc = 0;

	if (st == NULL)
		return -1;
	for (int i = 0; i < n && rc == 0; i++)
		rc = store_bind_i64(st, i + 1, v[i]);
	if (rc == 0 && t != NULL)
		rc = store_bind_text(st, n + 1, t);
	if (rc != 0) {
		store_stmt_done(st);
		return store_fail(s, cause, rc, "binding %s", what);
	}
	return store_step_done(s, st, cause, what);
}

/* Fill stats_e (?1 the paged kinds). */
static int
run_acts(struct wr_store *s, const char *paged, char **cause)
{
	if (run_one(s, ST_STATS_TEMP_E, sql_temp_e, NULL, 0, NULL, cause,
	    "making the stats' table") == -1 ||
	    run_one(s, ST_STATS_FILL_E, sql_fill_e, NULL, 0, paged, cause,
	    "finding the acts") == -1)
		return -1;
	return 0;
}

static int
run_durations(struct wr_store *s, struct wr_stats *out, const char *esc,
    char **cause)
{
	struct vals all[2] = { { 0 } }, grp[2] = { { 0 } };
	struct wr_stats_group *g = NULL;
	char *key = NULL;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, ST_STATS_DURATIONS, sql_durations,
	    cause)) == NULL)
		return -1;
	if (bind4(st, out->since, out->until, (int)out->by, NULL, esc) != 0) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "binding the stats");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		int h = sqlite3_column_int(st, 3);

		if (k == NULL)
			k = "";
		out->incidents++;
		if (h >= 0 && h < 24)
			out->by_hour[h]++;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			vals_push(&all[0], sqlite3_column_int64(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			vals_push(&all[1], sqlite3_column_int64(st, 2));
		if (out->by == WR_STATS_BY_NONE)
			continue;
		if (key == NULL || strcmp(key, k) != 0) {
			/* rows come in group order: the last one is done */
			if (g != NULL) {
				dur_of(&grp[0], &g->mtta);
				dur_of(&grp[1], &g->mttr);
			}
			grp[0].n = grp[1].n = 0;
			free(key);
			key = xstrdup(k);
			g = group_get(out, group_name(out->by, key));
		}
		g->incidents++;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			vals_push(&grp[0], sqlite3_column_int64(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			vals_push(&grp[1], sqlite3_column_int64(st, 2));
	}
	store_stmt_done(st);
	if (rc == SQLITE_DONE) {
		if (g != NULL) {
			dur_of(&grp[0], &g->mtta);
			dur_of(&grp[1], &g->mttr);
		}
		dur_of(&all[0], &out->mtta);
		dur_of(&all[1], &out->mttr);
	}
	free(key);
	for (int i = 0; i < 2; i++) {
		free(all[i].v);
		free(grp[i].v);
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, rc, "computing the times to "
		    "acknowledge and resolve");
	return 0;
}

static int
run_people(struct wr_store *s, struct wr_stats *out, const char *esc,
    char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_STATS_PEOPLE, sql_people, cause);
	int rc;

	if (st == NULL)
		return -1;
	if (bind4(st, out->since, out->until, 0, esc, NULL) != 0) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "binding the stats");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *who = store_col_str(st, 0);
		struct wr_stats_person *p = wr_stats_person(out, who);
		int64_t n = sqlite3_column_int64(st, 2);

		switch (sqlite3_column_int(st, 1)) {
		case 0: p->acks += n; break;
		case 1: p->resolves += n; break;
		case 2: p->escalations += n; break;
		default: p->notifications += n; break;
		}
		free(who);
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, rc, "counting by person");
	return 0;
}

static int
run_interruptions(struct wr_store *s, struct wr_stats *out,
    const char *notify, const struct wr_schedule *const *sched,
    size_t n_sched, char **cause)
{
	sqlite3_stmt *st = store_stmt(s, ST_STATS_INTERRUPTIONS,
	    sql_interruptions, cause);
	char *who = NULL;
	int64_t incident = 0;
	int night = 0, rc;

	if (st == NULL)
		return -1;
	if (bind4(st, out->since, out->until, 0, notify, NULL) != 0) {
		store_stmt_done(st);
		return store_fail(s, cause, SQLITE_ERROR, "binding the stats");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *w = (const char *)sqlite3_column_text(st, 0);
		int64_t inc = sqlite3_column_int64(st, 1);
		int64_t at = sqlite3_column_int64(st, 2);

		if (w == NULL)
			continue;
		if (who == NULL || strcmp(who, w) != 0 || inc != incident) {
			if (who != NULL && night)
				wr_stats_person(out, who)->night++;
			free(who);
			who = xstrdup(w);
			incident = inc;
			night = 0;
		}
		if (!night)
			night = wr_stats_night(wr_stats_zone_for(sched,
			    n_sched, who, at), at);
	}
	if (who != NULL && night && rc == SQLITE_DONE)
		wr_stats_person(out, who)->night++;
	free(who);
	store_stmt_done(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, cause, rc, "finding interruptions");
	return 0;
}

int
store_stats(struct wr_store *s, int64_t since, int64_t until,
    enum wr_stats_by by, const struct wr_schedule *const *sched,
    size_t n_sched, struct wr_stats *out, char **cause)
{
	static const int paged_kinds[] = { WR_STATS_ESCALATION_KINDS
	    WR_STATS_NOTIFY_KINDS 0 };
	char esc[256], notify[256], paged[512];

	memset(out, 0, sizeof *out);
	out->since = since;
	out->until = until;
	out->by = by;
	kinds_json(escalation_kinds, esc, sizeof esc);
	kinds_json(notify_kinds, notify, sizeof notify);
	kinds_json(paged_kinds, paged, sizeof paged);
	/* the TEMP tables in memory (set outside a transaction) */
	if (run_one(s, ST_STATS_TEMP_STORE, "PRAGMA temp_store = MEMORY", NULL,
	    0, NULL, cause, "setting temp_store") == -1 ||
	    store_tx_begin_read(s, cause) == -1)
		return -1;
	if (run_durations(s, out, esc, cause) == -1 ||
	    run_acts(s, paged, cause) == -1 ||
	    run_people(s, out, esc, cause) == -1 ||
	    run_interruptions(s, out, notify, sched, n_sched, cause) == -1) {
		store_tx_rollback(s);
		wr_stats_free(out);
		return -1;
	}
	store_tx_rollback(s);	/* a read; and the TEMP tables go */
	for (size_t i = 0; i < n_sched; i++)
		if (sched[i] != NULL)
			wr_stats_add_oncall(out, sched[i]);
	wr_stats_sort(out);
	return 0;
}
