/*
 * bench_console.c: the console's start-up and key-to-frame figures with
 * 100,000 incidents, in-process and headless (issue 4, "Benchmarks").
 *
 * A forked child fills a console store (role WR_STORE_CONSOLE, in a
 * temporary directory) with N incidents: a TRIGGERED and an ALERT_FIRING
 * event each plus the incident summaries, through store_commit_batch() in
 * batches of 1,000 incidents, as the feed client would have written them.
 * The filling happens in a child so that what it allocated is not counted
 * in the resident memory measured afterwards.  Then this process starts
 * the way cli/console.c setup() does: store_open + store_load_room (a room
 * with keep_alerts 0: summaries only) + newterm() on a 120x40
 * xterm-256color screen whose output goes to a file + tui_new + the
 * outbox read + the first tui_render(): that is console_first_frame_ms.
 * VmRSS right after it is console_rss_mb.  Then key to frame: each key is
 * tui_key() followed by tui_render() (one doupdate), timed one by one with
 * CLOCK_MONOTONIC: 200 'j', PgDn and PgUp, G and g for scrolling; '/'
 * "edge" Enter and Esc (clearing the filter) for filtering, where every
 * typed letter re-filters the 100,000 incidents (the filter is live).
 * The screen file's growth gives the bytes each frame writes.
 *
 * Before the warm start, a child measures a start with the database
 * evicted from the page cache (posix_fadvise DONTNEED after fsync), as
 * after a reboot: console_first_frame_cold_ms (best effort: a file system
 * that ignores the advice gives a warm figure).
 *
 * Output: `NAME VALUE TARGET` lines on stdout (scripts/bench.sh turns them
 * into table rows), notes on stderr.  Never fails on speed: exit 1 only
 * when something could not run at all.
 *
 * Options: --incidents N (100000), --keys N ('j' presses, 200), --dir D
 * (where the temporary directory goes: $BENCH_TMP, $TMPDIR or /tmp),
 * --keep (leave the database behind and say where), --db PATH (use a
 * console store made by an earlier --keep run instead of filling one: for
 * profiling the start-up and the keys alone), --no-cold (skip the cold
 * start).
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/model.h"
#include "core/room.h"
#include "core/util.h"
#include "store/store.h"
#include "tui/tui.h"

#define ROWS	40
#define COLS_	120
#define BATCH	1000

static const char *const services[] = { "api", "checkout", "payments",
	"search", "db", "auth", "cdn", "queue", "billing", "mail", "edge",
	"storage" };
#define N_SERVICES	(sizeof services / sizeof services[0])
#define EDGE_SERVICE	10	/* services[10] */

static const char *const sev_names[] = { "critical", "error", "warning",
	"info" };

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of v[0..n) (sorted in place). */
static double
percentile(double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	qsort(v, n, sizeof *v, cmp_double);
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* A field of /proc/self/status in kB, or -1. */
static long
status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t fl = strlen(field);
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long
arg_long(const char *name, const char *v, long min, long max)
{
	char *end;
	long n;

	n = strtol(v ? v : "", &end, 10);
	if (v == NULL || *v == '\0' || *end != '\0' || n < min || n > max) {
		fprintf(stderr, "bench_console: %s wants a number from %ld "
		    "to %ld\n", name, min, max);
		exit(64);
	}
	return n;
}

/* ---- filling the store ---------------------------------------------------- */

static wr_state
state_of(long i)
{
	return i % 7 == 0 ? WR_ST_RESOLVED :
	    i % 5 == 0 ? WR_ST_ACKNOWLEDGED : WR_ST_TRIGGERED;
}

static int
is_edge(long i)
{
	return i % 20 == 3;
}

/* Incident i (from 1) and its two events; strings are malloc'd, freed by
 * unfill().  t0: Unix ms of the oldest incident. */
static void
fill(struct wr_incident *inc, struct wr_event *ev, long i, int64_t t0)
{
	struct wr_alert *a;
	long host = i % 500;
	const char *svc = is_edge(i) ? services[EDGE_SERVICE] :
	    services[i % N_SERVICES == EDGE_SERVICE ? 0 : i % N_SERVICES];
	wr_severity sev = (wr_severity)(i % WR_SEV_COUNT);
	int64_t created = t0 + (int64_t)i * 900;

	memset(inc, 0, sizeof *inc);
	inc->id = i;
	inc->source = "alertmanager";
	inc->key = xasprintf("{}:{alertname=\"%s\", service=\"%s\", "
	    "n=\"%ld\"}", is_edge(i) ? "EdgeNodeDown" : "HighErrorRate",
	    svc, i);
	if (is_edge(i))
		inc->title = xasprintf("EdgeNodeDown: edge-node-%ld has not "
		    "answered for 2m", host);
	else
		inc->title = xasprintf("%s on %s-%ld: error rate %ld%% over "
		    "5m", i % 3 ? "High error rate" : "Latency p99 above SLO",
		    svc, host, 5 + i % 40);
	inc->service = (char *)svc;
	inc->severity = sev;
	inc->state = state_of(i);
	if (inc->state != WR_ST_TRIGGERED) {
		inc->ack_by = "alice";
		inc->ack_at = created + 60000;
	}
	if (inc->state == WR_ST_RESOLVED) {
		inc->resolved_by = "bob";
		inc->resolved_at = created + 120000;
	}
	inc->assignee = i % 10 == 0 ? "carol" : NULL;
	inc->created = created;
	inc->updated = created;
	inc->last_seen = created;
	inc->n_alerts = 1;
	inc->n_firing = inc->state == WR_ST_RESOLVED ? 0 : 1;

	memset(&ev[0], 0, 2 * sizeof ev[0]);
	ev[0].seq = 2 * i - 1;
	ev[0].kind = WR_EV_TRIGGERED;
	ev[0].incident = i;
	ev[0].time = created;
	ev[0].actor = "alertmanager";
	ev[0].via = "am";
	ev[0].source = inc->source;
	ev[0].key = inc->key;
	ev[0].title = inc->title;
	ev[0].service = inc->service;
	ev[0].severity = sev;

	ev[1].seq = 2 * i;
	ev[1].kind = WR_EV_ALERT_FIRING;
	ev[1].incident = i;
	ev[1].time = created;
	ev[1].actor = "alertmanager";
	ev[1].via = "am";
	a = &ev[1].alert;
	a->fingerprint = xasprintf("%016llx", (unsigned long long)i *
	    0x9e3779b97f4a7c15ULL);
	a->starts = created - 30000;
	a->firing = 1;
	a->last_seen = created;
	wr_kvlist_add(&a->labels, "alertname",
	    is_edge(i) ? "EdgeNodeDown" : "HighErrorRate");
	{
		char inst[48];

		snprintf(inst, sizeof inst, "%s-%ld:9100", svc, host);
		wr_kvlist_add(&a->labels, "instance", inst);
	}
	wr_kvlist_add(&a->labels, "service", svc);
	wr_kvlist_add(&a->labels, "severity", sev_names[sev]);
	wr_kvlist_add(&a->annotations, "summary", inc->title);
	wr_kvlist_add(&a->annotations, "runbook_url",
	    "https://runbooks.example.com/alerts/high-error-rate");
}

static void
unfill(struct wr_incident *inc, struct wr_event *ev)
{
	free(inc->key);
	free(inc->title);
	free(ev[1].alert.fingerprint);
	wr_kvlist_free(&ev[1].alert.labels);
	wr_kvlist_free(&ev[1].alert.annotations);
}

static int
populate(const char *path, long n, int64_t t0)
{
	struct wr_incident *inc = xcalloc(BATCH, sizeof *inc);
	struct wr_incident **ptr = xcalloc(BATCH, sizeof *ptr);
	struct wr_event *ev = xcalloc(2 * BATCH, sizeof *ev);
	struct wr_store *s;
	char *cause = NULL;

	if (store_open(path, WR_STORE_CONSOLE, &s, &cause) != 0 ||
	    store_reset_feed(s, "bench0123456789a", &cause) != 0) {
		fprintf(stderr, "bench_console: %s\n", cause);
		return -1;
	}
	for (long base = 1; base <= n; base += BATCH) {
		long k, m = n - base + 1 < BATCH ? n - base + 1 : BATCH;
		struct wr_batch b;

		for (k = 0; k < m; k++) {
			fill(&inc[k], &ev[2 * k], base + k, t0);
			ptr[k] = &inc[k];
		}
		memset(&b, 0, sizeof b);
		b.events = ev;
		b.n_events = (size_t)(2 * m);
		b.incidents = ptr;
		b.n_incidents = (size_t)m;
		if (store_commit_batch(s, &b, &cause) != 0) {
			fprintf(stderr, "bench_console: %s\n", cause);
			return -1;
		}
		for (k = 0; k < m; k++)
			unfill(&inc[k], &ev[2 * k]);
	}
	store_close(s);
	free(inc);
	free(ptr);
	free(ev);
	return 0;
}

/* Drop the database's pages from the page cache (best effort). */
static void
evict(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/* ---- the console -------------------------------------------------------------- */

struct con {
	FILE *out, *in;
	SCREEN *scr;
	struct wr_store *store;
	struct wr_room room;
	struct tui *t;
	off_t written;		/* bytes of the screen file seen so far */
	double open_ms, newterm_ms, tui_new_ms, render_ms;
};

static int
no_submit(void *ud, wr_op_kind kind, int64_t incident,
    const struct wr_event *args, char **cause)
{
	(void)ud; (void)kind; (void)incident; (void)args;
	*cause = xstrdup("not in the benchmark");
	return -1;
}

/* Bytes the screen file grew by since the last call. */
static long
frame_bytes(struct con *c)
{
	struct stat st;
	long d;

	fflush(c->out);
	if (fstat(fileno(c->out), &st) != 0)
		return 0;
	d = (long)(st.st_size - c->written);
	c->written = st.st_size;
	return d;
}

/* Start as cli/console.c setup() does; returns the ms to the first
 * frame, or -1. */
static double
con_start(struct con *c, const char *db, const char *screen_path)
{
	struct tui_config tc;
	struct tui_actions ta;
	struct wr_outbox_op *ops = NULL;
	size_t n = 0;
	char *cause = NULL;
	double t0, t1, t2, t3, t4;

	memset(c, 0, sizeof *c);
	if ((c->out = fopen(screen_path, "w+")) == NULL ||
	    (c->in = fopen("/dev/null", "r")) == NULL) {
		fprintf(stderr, "bench_console: %s: %s\n", screen_path,
		    strerror(errno));
		return -1;
	}

	t0 = now_ms();
	if (store_open(db, WR_STORE_CONSOLE, &c->store, &cause) != 0) {
		fprintf(stderr, "bench_console: %s\n", cause);
		return -1;
	}
	wr_room_init(&c->room, 0);
	if (store_load_room(c->store, &c->room, &cause) != 0) {
		fprintf(stderr, "bench_console: %s\n", cause);
		return -1;
	}
	t1 = now_ms();
	set_escdelay(25);
	c->scr = newterm(NULL, c->out, c->in);
	if (c->scr == NULL) {
		fprintf(stderr, "bench_console: no terminfo for %s\n",
		    getenv("TERM"));
		return -1;
	}
	set_term(c->scr);
	cbreak();
	noecho();
	nonl();
	curs_set(0);
	if (LINES != ROWS || COLS != COLS_)
		resize_term(ROWS, COLS_);
	t2 = now_ms();

	memset(&tc, 0, sizeof tc);
	tc.user = "bench";
	tc.feed_url = "ws://127.0.0.1:8470/feed";
	tc.quiet = 1;
	tc.mouse = 1;
	memset(&ta, 0, sizeof ta);
	ta.submit = no_submit;
	c->t = tui_new(c->scr, &c->room, c->store, &tc, &ta);
	if (c->t == NULL) {
		fprintf(stderr, "bench_console: tui_new failed\n");
		return -1;
	}
	tui_set_feed(c->t, TUI_FEED_CONNECTING, 0, 0, NULL);
	if (store_outbox_list(c->store, 1, &ops, &n, &cause) == 0) {
		tui_set_queued_count(c->t, (int)n);
		wr_outbox_ops_free(ops, n);
	} else
		free(cause);
	t3 = now_ms();
	tui_render(c->t);
	t4 = now_ms();
	c->open_ms = t1 - t0;
	c->newterm_ms = t2 - t1;
	c->tui_new_ms = t3 - t2;
	c->render_ms = t4 - t3;
	return t4 - t0;
}

static void
con_stop(struct con *c)
{
	if (c->t != NULL)
		tui_free(c->t);
	if (c->scr != NULL) {
		endwin();
		delscreen(c->scr);
	}
	if (c->room.by_key != NULL)
		wr_room_free(&c->room);
	if (c->store != NULL)
		store_close(c->store);
	if (c->out != NULL)
		fclose(c->out);
	if (c->in != NULL)
		fclose(c->in);
}

struct samples {
	double *ms;
	long *bytes;
	size_t n, cap;
	double max;
};

/* One key, then one frame; the pair is timed. */
static void
key(struct con *c, struct samples *s, int is_keycode, wint_t ch)
{
	double t0 = now_ms(), d;

	tui_key(c->t, is_keycode, ch);
	tui_render(c->t);
	d = now_ms() - t0;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->ms = xrealloc(s->ms, s->cap * sizeof *s->ms);
		s->bytes = xrealloc(s->bytes, s->cap * sizeof *s->bytes);
	}
	s->bytes[s->n] = frame_bytes(c);
	s->ms[s->n++] = d;
	if (d > s->max)
		s->max = d;
}

static double
median_bytes(struct samples *s)
{
	double *v = xcalloc(s->n ? s->n : 1, sizeof *v), m;

	for (size_t i = 0; i < s->n; i++)
		v[i] = (double)s->bytes[i];
	m = percentile(v, s->n, 50);
	free(v);
	return m;
}

static void
rm_dir(const char *dir)
{
	static const char *const names[] = { "console.db", "console.db-wal",
		"console.db-shm", "console.db-journal", "screen.out",
		"screen-cold.out", NULL };
	char p[4096];

	for (int i = 0; names[i] != NULL; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	long n_inc = 100000, n_keys = 200;
	const char *base = getenv("BENCH_TMP");
	const char *given_db = NULL;
	int keep = 0, no_cold = 0, status;
	char dir[4096], db[4200], screen[4200];
	struct con c;
	struct samples scroll = { 0 }, flt = { 0 };
	double first, t, cold = -1;
	pid_t pid;
	long rss, hwm;
	int64_t t0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--incidents") == 0 && i + 1 < argc)
			n_inc = arg_long("--incidents", argv[++i], 1, 2000000);
		else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
			n_keys = arg_long("--keys", argv[++i], 1, 100000);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			base = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			given_db = argv[++i];
		else if (strcmp(argv[i], "--no-cold") == 0)
			no_cold = 1;
		else {
			fprintf(stderr, "usage: bench_console [--incidents N] "
			    "[--keys N] [--dir D] [--keep] [--db PATH] "
			    "[--no-cold]\n");
			return 64;
		}
	}
	if (base == NULL || *base == '\0')
		base = getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";

	/* As the console: the user's locale, a UTF-8 one if that is not. */
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "120", 1);
	unsetenv("NO_COLOR");

	snprintf(dir, sizeof dir, "%s/wr-bench-console-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench_console: mkdtemp %s: %s\n", dir,
		    strerror(errno));
		return 1;
	}
	snprintf(db, sizeof db, "%s/console.db", dir);
	if (given_db != NULL)
		snprintf(db, sizeof db, "%s", given_db);

	/* 1. fill the store, in a child */
	t0 = (int64_t)time(NULL) * 1000 - (int64_t)n_inc * 900 - 60000;
	t = now_ms();
	fflush(NULL);
	if (given_db != NULL)
		pid = 0;	/* nothing to fill */
	else if ((pid = fork()) == 0)
		_exit(populate(db, n_inc, t0) == 0 ? 0 : 1);
	if (given_db == NULL && (pid < 0 || waitpid(pid, &status, 0) != pid
	    || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		fprintf(stderr, "bench_console: filling the store failed\n");
		rm_dir(dir);
		return 1;
	}
	if (given_db == NULL) {
		struct stat st;

		stat(db, &st);
		fprintf(stderr, "# bench_console: stored %ld incidents (%ld "
		    "events) in %.0f ms; %s is %.1f MB\n", n_inc, 2 * n_inc,
		    now_ms() - t, db, (double)st.st_size / 1048576.0);
	}

	/* 2. a cold start, in a child (so the warm one below starts clean) */
	snprintf(screen, sizeof screen, "%s/screen-cold.out", dir);
	{
		int pfd[2];

		if (!no_cold && pipe(pfd) == 0) {
			fflush(NULL);
			if ((pid = fork()) == 0) {
				double v;

				close(pfd[0]);
				evict(db);
				v = con_start(&c, db, screen);
				con_stop(&c);
				if (write(pfd[1], &v, sizeof v) != sizeof v)
					_exit(1);
				_exit(0);
			}
			close(pfd[1]);
			if (pid > 0 && read(pfd[0], &cold, sizeof cold) !=
			    sizeof cold)
				cold = -1;
			close(pfd[0]);
			if (pid > 0)
				waitpid(pid, &status, 0);
		}
	}

	/* 3. the warm start, measured in this process */
	snprintf(screen, sizeof screen, "%s/screen.out", dir);
	first = con_start(&c, db, screen);
	if (first < 0) {
		con_stop(&c);
		rm_dir(dir);
		return 1;
	}
	rss = status_kb("VmRSS");
	hwm = status_kb("VmHWM");
	{
		long fb = frame_bytes(&c);

		fprintf(stderr, "# bench_console: first frame %.1f ms = open "
		    "+ load %.1f, newterm %.1f, tui_new %.1f, render %.1f; "
		    "%zu incidents; %ld bytes to the terminal; %dx%d\n",
		    first, c.open_ms, c.newterm_ms, c.tui_new_ms, c.render_ms,
		    c.room.n_incidents, fb, COLS, LINES);
	}
	if (c.room.n_incidents != (size_t)n_inc)
		fprintf(stderr, "bench_console: loaded %zu incidents, not "
		    "%ld\n", c.room.n_incidents, n_inc);

	/* 4. scrolling */
	for (long i = 0; i < n_keys; i++)
		key(&c, &scroll, 0, 'j');
	for (int i = 0; i < 20; i++)
		key(&c, &scroll, 1, KEY_NPAGE);
	for (int i = 0; i < 20; i++)
		key(&c, &scroll, 1, KEY_PPAGE);
	for (int i = 0; i < 5; i++) {
		key(&c, &scroll, 0, 'G');
		key(&c, &scroll, 0, 'g');
	}

	/* 5. filtering: "/edge<Enter>", then Esc clears it; five times.
	 * Each key's time is also kept by its place in the sequence. */
	{
		static const char typed[] = "/edge\r\033";
		static const char *const names[] = { "/", "e", "ed", "edg",
		    "edge", "Enter", "Esc" };
		double by_pos[7][5];

		for (int r = 0; r < 5; r++)
			for (int k = 0; k < 7; k++) {
				key(&c, &flt, 0, (wint_t)(unsigned char)typed[k]);
				by_pos[k][r] = flt.ms[flt.n - 1];
			}
		fprintf(stderr, "# bench_console: filter keys, median ms:");
		for (int k = 0; k < 7; k++)
			fprintf(stderr, " %s %.1f", names[k],
			    percentile(by_pos[k], 5, 50));
		fprintf(stderr, "\n");
	}

	{
		struct tui_stats ts;
		long edge = 0;

		for (long i = 1; i <= n_inc; i++)
			edge += is_edge(i);
		tui_stats(c.t, &ts);
		fprintf(stderr, "# bench_console: %zu scroll keys (max %.2f "
		    "ms, median %.0f bytes a frame), %zu filter keys (max "
		    "%.2f ms; 'edge' matches %ld); %llu frames, %llu list "
		    "rebuilds, %llu timeline loads\n", scroll.n, scroll.max,
		    median_bytes(&scroll), flt.n, flt.max, edge,
		    (unsigned long long)ts.frames,
		    (unsigned long long)ts.list_rebuilds,
		    (unsigned long long)ts.detail_loads);
	}

	printf("console_first_frame_ms %.1f <300\n", first);
	if (cold >= 0)
		printf("console_first_frame_cold_ms %.1f <300\n", cold);
	printf("console_rss_mb %.1f <100\n", (double)rss / 1024.0);
	printf("console_rss_peak_mb %.1f <100\n", (double)hwm / 1024.0);
	printf("console_key_to_frame_scroll_ms_p50 %.2f <10\n",
	    percentile(scroll.ms, scroll.n, 50));
	printf("console_key_to_frame_scroll_ms_p99 %.2f <10\n",
	    percentile(scroll.ms, scroll.n, 99));
	printf("console_key_to_frame_filter_ms_p50 %.2f <10\n",
	    percentile(flt.ms, flt.n, 50));
	printf("console_key_to_frame_filter_ms_p99 %.2f <10\n",
	    percentile(flt.ms, flt.n, 99));
	printf("console_rss_after_keys_mb %.1f <100\n",
	    (double)status_kb("VmRSS") / 1024.0);

	con_stop(&c);
	free(scroll.ms);
	free(scroll.bytes);
	free(flt.ms);
	free(flt.bytes);
	if (keep)
		fprintf(stderr, "# bench_console: kept %s\n", dir);
	else
		rm_dir(dir);
	return 0;
}
