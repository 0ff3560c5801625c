/*
 * bench_stats.c: the cost of the report (issue 13, "Reports") over
 * 100,000 incidents with a history: each incident a TRIGGERED event over
 * the last 30 days, 80% acknowledged by one of 20 people within two hours
 * (a third of those taken back and acknowledged again), 70% resolved (by
 * a person or by the source), as the relay commits them, through
 * store_commit_batch() in batches of 1,000 incidents.
 *
 * Without arguments: it fills a console store in a temporary directory
 * and times store_stats() over it in this process, without --by and with
 * --by service, three times each; the best of each, in wall-clock and
 * in CPU milliseconds (the machine may be shared), is printed as a
 * `store_stats_100k_ms VALUE TARGET` line on stdout, the shape
 * scripts/bench.sh reads.
 * With --relay-db PATH: it writes the same history into a new relay store
 * at PATH and exits, for scripts/bench-stats.sh, which serves it with a
 * real warroomd and times the real `warroom stats` against it.
 *
 * Options: --incidents N (100000), --dir D (the temporary directory's
 * parent: $BENCH_TMP, $TMPDIR or /tmp).  Exit 1 only when something could
 * not run; never on speed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/model.h"
#include "core/room.h"
#include "core/stats.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "store/store.h"

#define BATCH	1000
#define DAY	(86400LL * 1000)

static uint64_t rng = 88172645463325252ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t
rnd_in(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int64_t seq;

static void
ev(struct wr_room *room, struct wr_evlist *l, wr_event_kind kind,
    int64_t id, const char *who, int64_t t)
{
	struct wr_event *e = wr_evlist_push(l);
	char err[256], op[33];

	e->seq = ++seq;
	e->kind = kind;
	e->incident = id;
	e->time = t + (who != NULL ? 1500 : 0);
	e->made_at = who != NULL ? t : 0;
	e->actor = xstrdup(who != NULL ? who : "alertmanager");
	if (who != NULL) {
		snprintf(op, sizeof op, "%032llx", (unsigned long long)seq);
		e->op_id = xstrdup(op);
		e->via = xstrdup("bench");
	}
	if (kind == WR_EV_TRIGGERED) {
		char key[32];

		snprintf(key, sizeof key, "{}:{bench=\"%lld\"}", (long long)id);
		e->source = xstrdup("alertmanager");
		e->sender = xstrdup("bench");
		e->key = xstrdup(key);
		e->title = xstrdup("disk filling up");
		e->service = xasprintf("service-%02d", (int)rnd_in(40));
		e->severity = (wr_severity)rnd_in(WR_SEV_COUNT);
	}
	if (wr_room_apply(room, e, err, sizeof err) != WR_APPLY_OK) {
		fprintf(stderr, "bench_stats: %s\n", err);
		exit(1);
	}
}

static int
fill(const char *path, enum wr_store_role role, int n, int64_t now)
{
	static const char *people[20] = { "alice", "bob", "carol", "dave",
		"erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
		"niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor",
		"walter", "zoe" };
	struct wr_store *s = NULL;
	struct wr_room room;
	char *cause = NULL;

	if (store_open(path, role, &s, &cause) != 0) {
		fprintf(stderr, "bench_stats: %s\n", cause);
		return -1;
	}
	wr_room_init(&room, 0);
	seq = 0;
	for (int base = 0; base < n; base += BATCH) {
		struct wr_evlist l = { 0 };
		struct wr_incident *inc[BATCH];
		struct wr_batch b = { 0 };
		int k = 0;

		for (int i = base; i < n && i < base + BATCH; i++) {
			int64_t id = i + 1, t = now - 30 * DAY +
			    (30 * DAY / n) * i + rnd_in(60000);

			ev(&room, &l, WR_EV_TRIGGERED, id, NULL, t);
			if (rnd_in(100) < 80) {
				t += rnd_in(2 * 3600 * 1000);
				ev(&room, &l, WR_EV_ACKNOWLEDGED, id,
				    people[rnd_in(20)], t);
				if (rnd_in(100) < 30) {
					t += rnd_in(600000);
					ev(&room, &l, WR_EV_UNACKNOWLEDGED, id,
					    people[rnd_in(20)], t);
					t += rnd_in(600000);
					ev(&room, &l, WR_EV_ACKNOWLEDGED, id,
					    people[rnd_in(20)], t);
				}
			}
			if (rnd_in(100) < 70) {
				t += rnd_in(6 * 3600 * 1000);
				ev(&room, &l, WR_EV_RESOLVED, id, rnd_in(2) ?
				    people[rnd_in(20)] : NULL, t);
			}
			inc[k++] = wr_room_get(&room, id);
		}
		b.events = l.v;
		b.n_events = l.n;
		b.incidents = inc;
		b.n_incidents = (size_t)k;
		if (store_commit_batch(s, &b, &cause) != 0) {
			fprintf(stderr, "bench_stats: %s\n", cause);
			return -1;
		}
		wr_evlist_free(&l);
	}
	fprintf(stderr, "# bench_stats: %d incidents, %lld events in %s\n", n,
	    (long long)seq, path);
	wr_room_free(&room);
	store_close(s);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *relay_db = NULL, *dir = getenv("BENCH_TMP");
	int n = 100000;
	int64_t now = wr_now_ms();

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--relay-db") == 0 && i + 1 < argc)
			relay_db = argv[++i];
		else if (strcmp(argv[i], "--incidents") == 0 && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			fprintf(stderr, "usage: bench_stats [--incidents N] "
			    "[--dir D] [--relay-db PATH]\n");
			return 1;
		}
	}
	if (n < 1)
		n = 1;
	if (relay_db != NULL)
		return fill(relay_db, WR_STORE_RELAY, n, now) == 0 ? 0 : 1;
	{
		char tmpl[512], *path;
		struct wr_store *s = NULL;
		char *cause = NULL;
		double best[2] = { 1e18, 1e18 }, cpu[2] = { 1e18, 1e18 };
		int64_t incidents = 0;

		if (dir == NULL)
			dir = getenv("TMPDIR");
		snprintf(tmpl, sizeof tmpl, "%s/bench-stats.XXXXXX",
		    dir != NULL ? dir : "/tmp");
		if (mkdtemp(tmpl) == NULL) {
			perror("bench_stats: mkdtemp");
			return 1;
		}
		path = xasprintf("%s/console.db", tmpl);
		if (fill(path, WR_STORE_CONSOLE, n, now) != 0 ||
		    store_open(path, WR_STORE_CONSOLE, &s, &cause) != 0) {
			fprintf(stderr, "bench_stats: %s\n", cause ? cause : "");
			return 1;
		}
		for (int r = 0; r < 3; r++)
			for (int k = 0; k < 2; k++) {
				struct wr_stats st;
				double t0 = now_ms(), c0 = cpu_ms(), dt, dc;

				if (store_stats(s, now - 31 * DAY, now + 1, k ?
				    WR_STATS_BY_SERVICE : WR_STATS_BY_NONE,
				    NULL, 0, &st, &cause) != 0) {
					fprintf(stderr, "bench_stats: %s\n",
					    cause);
					return 1;
				}
				dt = now_ms() - t0;
				dc = cpu_ms() - c0;
				if (dt < best[k])
					best[k] = dt;
				if (dc < cpu[k])
					cpu[k] = dc;
				incidents = st.incidents;
				wr_stats_free(&st);
			}
		store_close(s);
		fprintf(stderr, "# bench_stats: store_stats over %lld "
		    "incidents\n", (long long)incidents);
		printf("store_stats_100k_ms %.1f < 1000\n", best[0]);
		printf("store_stats_100k_by_service_ms %.1f < 1000\n", best[1]);
		/* the machine may be shared: the CPU it took, too */
		printf("store_stats_100k_cpu_ms %.1f -\n", cpu[0]);
		printf("store_stats_100k_by_service_cpu_ms %.1f -\n", cpu[1]);
		unlink(path);
		free(path);
		{
			char *wal = xasprintf("%s/console.db-wal", tmpl),
			    *shm = xasprintf("%s/console.db-shm", tmpl);

			unlink(wal);
			unlink(shm);
			free(wal);
			free(shm);
		}
		rmdir(tmpl);
	}
	return 0;
}
