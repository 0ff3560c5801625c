/*
 * bench_relay.c: the relay benchmark's load generator and console.  It
 * starts nothing: it is pointed at a running warroomd (--url, --token or
 * --token-file; scripts/bench.sh starts one on a fresh database).
 *
 * One console is attached first, through the project's own feed client
 * (net/feed.h, store-less like `warroom tail --from-now`, on a thread of its
 * own with its own lws context), so events are timed when the real console
 * path has applied them to its room.  Then Alertmanager webhook v4 bodies
 * (bench/gen.h: a unique groupKey each, N alerts with unique fingerprints)
 * are POSTed to /hooks/alertmanager over several keep-alive HTTP/1.1
 * connections (plain non-blocking sockets and poll(), one request in flight
 * per connection), all bodies made before the clock starts.
 *
 * Figures, one `name value` line each on stdout (people's notes go to
 * stderr): wall time from the first POST to the last 2xx; alerts committed
 * per second (alerts in bodies answered 2xx over that time); alerts
 * delivered per second (alert_firing events the console applied, over the
 * time to the last one); per body, POST to 2xx and POST to the console
 * applying that group's TRIGGERED event (matched by its key, the groupKey),
 * p50 and p99 in ms; and every failure counted.  --consoles 0 leaves the
 * console out, to measure ingest alone.  It exits 0 when it could
 * measure (failures are figures, not errors), 1 when it could not (no
 * relay, refused token), 64 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "bench/gen.h"
#include "core/room.h"
#include "net/feed.h"

#define REQ_TIMEOUT_NS	(30LL * 1000000000)
#define READY_TIMEOUT_NS (10LL * 1000000000)

struct opts {
	char host[256];
	char port[16];
	char *token;
	int connections;
	int bodies;
	int alerts;
	int max_seconds;
	int drain_seconds;
	int consoles;		/* 1, or 0 to measure ingest alone */
	const char *log;
};

/* ---- the console (feed thread) ------------------------------------------ */

struct console {
	struct opts *o;
	unsigned run;
	char url[300];
	pthread_t thread;
	struct lws_context *ctx;	/* the thread's own */
	atomic_int ready;	/* 1: live, -1: could not start or refused */
	atomic_int stop;
	atomic_long n_triggered;
	atomic_long n_firing;
	atomic_long n_foreign;	/* events of no body of this run */
	atomic_long n_dup;	/* a second TRIGGERED for a body */
	atomic_llong last_event_ns;
	atomic_int state;
	int64_t *t_trig;	/* per body, written by the thread only */
	int bodies;
	char why[256];
	lws_sorted_usec_list_t sul;
};

static void
con_status(void *ud, enum feed_state state, const char *detail)
{
	struct console *c = ud;

	atomic_store(&c->state, (int)state);
	if (state == FEED_TOKEN_REFUSED) {
		snprintf(c->why, sizeof c->why, "the relay refused the token: "
		    "%s", detail ? detail : "");
		atomic_store(&c->ready, -1);
	}
	if (state == FEED_LIVE && atomic_load(&c->ready) == 0)
		atomic_store(&c->ready, 1);
	/* Why it is not live yet, for the message if it never is. */
	if (state == FEED_OFFLINE && atomic_load(&c->ready) == 0)
		snprintf(c->why, sizeof c->why, "offline: %s",
		    detail ? detail : "");
}

static void
con_caught_up(void *ud, int64_t seq)
{
	struct console *c = ud;

	(void)seq;
	if (atomic_load(&c->ready) == 0)
		atomic_store(&c->ready, 1);
}

static void
con_applied(void *ud, const struct wr_event *ev, size_t n)
{
	struct console *c = ud;
	int64_t now = gen_now_ns();
	long firing = 0;

	for (size_t i = 0; i < n; i++) {
		const struct wr_event *e = &ev[i];

		if (e->kind == WR_EV_TRIGGERED) {
			int b = gen_body_index(c->run, e->key);

			if (b < 0 || b >= c->bodies) {
				atomic_fetch_add(&c->n_foreign, 1);
				continue;
			}
			if (c->t_trig[b] != 0) {
				atomic_fetch_add(&c->n_dup, 1);
				continue;
			}
			c->t_trig[b] = now;
			atomic_fetch_add(&c->n_triggered, 1);
		} else if (e->kind == WR_EV_ALERT_FIRING)
			firing++;
	}
	if (firing > 0)
		atomic_fetch_add(&c->n_firing, firing);
	atomic_store(&c->last_event_ns, (long long)now);
}

/* A timer, so that lws_service() returns and the loop sees `stop` within
 * 50 ms; the main thread never touches the thread's lws context. */
static void
con_tick(lws_sorted_usec_list_t *sul)
{
	struct console *c = lws_container_of(sul, struct console, sul);

	if (!atomic_load(&c->stop))
		lws_sul_schedule(c->ctx, 0, &c->sul, con_tick, 50000);
}

static void *
con_main(void *arg)
{
	static const struct feed_hooks hooks = {
		.on_status = con_status,
		.on_applied = con_applied,
		.on_caught_up = con_caught_up,
	};
	struct console *c = arg;
	struct lws_context_creation_info info;
	struct feed_cfg cfg;
	struct wr_room room;
	struct feed *f;
	char *cause = NULL;

	wr_room_init(&room, 0);
	if (feed_log_open(c->o->log, 0, &cause) != 0) {
		snprintf(c->why, sizeof c->why, "%s", cause);
		free(cause);
		atomic_store(&c->ready, -1);
		return NULL;
	}
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.options = feed_context_options() |
	    LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.pt_serv_buf_size = 65536;
	info.fd_limit_per_thread = 64;
	if ((c->ctx = lws_create_context(&info)) == NULL) {
		snprintf(c->why, sizeof c->why, "cannot set up libwebsockets");
		atomic_store(&c->ready, -1);
		feed_log_close();
		return NULL;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.url = c->url;
	cfg.token = c->o->token;
	cfg.user = "bench";
	cfg.client = "bench";
	cfg.from_now = 1;
	cfg.backoff_start_ms = 100;
	cfg.backoff_cap_ms = 1000;
	if ((f = feed_new(c->ctx, &cfg, NULL, &room, &hooks, c, &cause)) ==
	    NULL) {
		snprintf(c->why, sizeof c->why, "%s", cause);
		free(cause);
		atomic_store(&c->ready, -1);
	} else {
		lws_sul_schedule(c->ctx, 0, &c->sul, con_tick, 50000);
		feed_start(f);
		while (!atomic_load(&c->stop))
			if (lws_service(c->ctx, 0) < 0)
				break;
		lws_sul_cancel(&c->sul);
		feed_free(f);
	}
	lws_context_destroy(c->ctx);
	wr_room_free(&room);
	feed_log_close();
	return NULL;
}

/* ---- the senders (main thread) ------------------------------------------ */

enum conn_state { C_IDLE, C_SENDING, C_READING, C_DEAD };

struct conn {
	int fd;
	enum conn_state state;
	int body;
	char hdr[512];
	size_t hdr_len;
	size_t sent;		/* of hdr_len + body length */
	char in[8192];
	size_t in_len;
	int64_t t_start;
};

struct load {
	struct opts *o;
	struct gen_body *bodies;
	int64_t *t_send, *t_answer;
	int *code;
	int next, answered, ok;
	long alerts_ok;
	long http_errors;	/* connection trouble, timeouts */
	long codes_bad;		/* answered, not 2xx */
	long reconnects;
	int64_t t_first, t_last_ok;
	int bad_code_seen[6];	/* by class, for the note on stderr */
	int first_bad_code;
	char first_bad_body[200];
};

static int
dial(const struct opts *o)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(o->host, o->port, &hints, &res)) != 0) {
		fprintf(stderr, "bench_relay: %s: %s\n", o->host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void
conn_drop(struct load *l, struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->in_len = 0;
	c->state = C_IDLE;
	if ((c->fd = dial(l->o)) < 0)
		c->state = C_DEAD;
	else
		l->reconnects++;
}

/* The body in flight failed without an HTTP answer. */
static void
conn_fail(struct load *l, struct conn *c, const char *why)
{
	if (l->http_errors == 0)
		fprintf(stderr, "bench_relay: body %d: %s\n", c->body, why);
	l->http_errors++;
	l->answered++;
	conn_drop(l, c);
}

static void
conn_start(struct load *l, struct conn *c, int body)
{
	const struct gen_body *b = &l->bodies[body];
	int n;

	n = snprintf(c->hdr, sizeof c->hdr,
	    "POST /hooks/alertmanager HTTP/1.1\r\n"
	    "Host: %s:%s\r\n"
	    "User-Agent: Alertmanager/0.25.0 (warroom bench)\r\n"
	    "Authorization: Bearer %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", l->o->host, l->o->port,
	    l->o->token, b->len);
	if (n < 0 || (size_t)n >= sizeof c->hdr) {
		fprintf(stderr, "bench_relay: request header too long\n");
		exit(64);
	}
	c->hdr_len = (size_t)n;
	c->sent = 0;
	c->in_len = 0;
	c->body = body;
	c->state = C_SENDING;
	c->t_start = gen_now_ns();
	l->t_send[body] = c->t_start;
	if (l->t_first == 0)
		l->t_first = c->t_start;
}

static void
conn_write(struct load *l, struct conn *c)
{
	const struct gen_body *b = &l->bodies[c->body];
	size_t total = c->hdr_len + b->len;

	while (c->sent < total) {
		struct iovec iov[2];
		int n = 0;
		ssize_t w;

		if (c->sent < c->hdr_len) {
			iov[n].iov_base = c->hdr + c->sent;
			iov[n++].iov_len = c->hdr_len - c->sent;
			iov[n].iov_base = b->text;
			iov[n++].iov_len = b->len;
		} else {
			iov[n].iov_base = b->text + (c->sent - c->hdr_len);
			iov[n++].iov_len = total - c->sent;
		}
		w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			conn_fail(l, c, strerror(errno));
			return;
		}
		c->sent += (size_t)w;
	}
	c->state = C_READING;
}

/* Find a header's value in the head (case-insensitive name), or NULL. */
static const char *
header_value(const char *head, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p != NULL && p[2] != '\r') {
		const char *line = p + 2, *eol = strstr(line, "\r\n");

		if (eol == NULL)
			return NULL;
		if ((size_t)(eol - line) > nl && line[nl] == ':' &&
		    strncasecmp(line, name, nl) == 0) {
			const char *v = line + nl + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			*len = (size_t)(eol - v);
			return v;
		}
		p = eol;
	}
	return NULL;
}

static void
conn_answered(struct load *l, struct conn *c, int code, const char *body,
    size_t blen, int close_after)
{
	int64_t now = gen_now_ns();

	l->t_answer[c->body] = now;
	l->code[c->body] = code;
	l->answered++;
	if (code >= 200 && code < 300) {
		l->ok++;
		l->alerts_ok += l->o->alerts;
		l->t_last_ok = now;
	} else {
		if (l->codes_bad == 0) {
			l->first_bad_code = code;
			snprintf(l->first_bad_body, sizeof l->first_bad_body,
			    "%.*s", (int)(blen < 190 ? blen : 190), body);
		}
		l->codes_bad++;
		if (code >= 100 && code < 600)
			l->bad_code_seen[code / 100]++;
	}
	c->in_len = 0;
	c->state = C_IDLE;
	if (close_after)
		conn_drop(l, c);
}

static void
conn_read(struct load *l, struct conn *c)
{
	for (;;) {
		ssize_t n;
		char *end;
		const char *v;
		size_t vlen, head_len, clen = 0;
		int code, close_after = 0;

		if (c->in_len + 1 >= sizeof c->in) {
			conn_fail(l, c, "answer too large");
			return;
		}
		n = read(c->fd, c->in + c->in_len, sizeof c->in - 1 -
		    c->in_len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			conn_fail(l, c, strerror(errno));
			return;
		}
		if (n == 0) {
			conn_fail(l, c, "the relay closed the connection "
			    "without an answer");
			return;
		}
		c->in_len += (size_t)n;
		c->in[c->in_len] = '\0';
		if ((end = strstr(c->in, "\r\n\r\n")) == NULL)
			continue;
		head_len = (size_t)(end - c->in) + 4;
		if (sscanf(c->in, "HTTP/1.%*d %d", &code) != 1) {
			conn_fail(l, c, "not an HTTP answer");
			return;
		}
		if ((v = header_value(c->in, "content-length", &vlen)) != NULL)
			clen = strtoul(v, NULL, 10);
		if ((v = header_value(c->in, "connection", &vlen)) != NULL &&
		    vlen >= 5 && strncasecmp(v, "close", 5) == 0)
			close_after = 1;
		if (c->in_len < head_len + clen)
			continue;
		conn_answered(l, c, code, c->in + head_len, clen,
		    close_after);
		return;
	}
}

static void
run_load(struct load *l, struct conn *conns, int nconn)
{
	struct pollfd *pfd = calloc((size_t)nconn, sizeof *pfd);
	int64_t cap_at = 0;
	int capped = 0;

	if (pfd == NULL) {
		fprintf(stderr, "bench_relay: out of memory\n");
		exit(1);
	}
	for (;;) {
		int busy = 0, alive = 0, n;
		int64_t now = gen_now_ns();

		if (l->t_first != 0 && cap_at == 0)
			cap_at = l->t_first + (int64_t)l->o->max_seconds *
			    1000000000;
		if (!capped && cap_at != 0 && now >= cap_at) {
			capped = 1;
			fprintf(stderr, "bench_relay: --max-seconds %d reached "
			    "after %d of %d bodies; no more are sent\n",
			    l->o->max_seconds, l->next, l->o->bodies);
		}
		for (int i = 0; i < nconn; i++) {
			struct conn *c = &conns[i];

			if (c->state == C_IDLE && !capped &&
			    l->next < l->o->bodies) {
				conn_start(l, c, l->next++);
				conn_write(l, c);
			}
			if ((c->state == C_SENDING || c->state == C_READING) &&
			    now - c->t_start > REQ_TIMEOUT_NS)
				conn_fail(l, c, "no answer within 30 s");
			pfd[i].fd = c->fd;
			pfd[i].events = c->state == C_SENDING ? POLLOUT :
			    c->state == C_READING ? POLLIN : 0;
			if (c->state == C_SENDING || c->state == C_READING)
				busy++;
			if (c->state != C_DEAD)
				alive++;
			if (c->state == C_DEAD || c->state == C_IDLE)
				pfd[i].fd = -1;
		}
		if (busy == 0 && (capped || l->next >= l->o->bodies ||
		    alive == 0))
			break;
		n = poll(pfd, (nfds_t)nconn, 200);
		if (n < 0 && errno != EINTR) {
			perror("bench_relay: poll");
			exit(1);
		}
		for (int i = 0; n > 0 && i < nconn; i++) {
			struct conn *c = &conns[i];

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (c->state == C_SENDING)
				conn_write(l, c);
			else if (c->state == C_READING)
				conn_read(l, c);
		}
	}
	free(pfd);
}

/* ---- main ---------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_relay --url http://HOST:PORT (--token T | "
	    "--token-file F)\n"
	    "                   [--connections 4] [--bodies 2000] "
	    "[--alerts-per-body 100]\n"
	    "                   [--max-seconds 60] [--drain-seconds 15] "
	    "[--consoles 1|0]\n"
	    "                   [--log FILE]\n");
	exit(64);
}

static char *
read_token(const char *path)
{
	char line[1024];
	FILE *fp = fopen(path, "r");

	if (fp == NULL || fgets(line, sizeof line, fp) == NULL) {
		fprintf(stderr, "bench_relay: %s: cannot read a token\n", path);
		exit(64);
	}
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

static void
parse_url(struct opts *o, const char *url)
{
	const char *p, *colon, *slash;

	if (strncmp(url, "http://", 7) != 0) {
		fprintf(stderr, "bench_relay: --url wants http://HOST:PORT\n");
		exit(64);
	}
	p = url + 7;
	slash = strchr(p, '/');
	if (slash == NULL)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	if (colon == NULL || colon == p || slash - colon - 1 <= 0 ||
	    (size_t)(colon - p) >= sizeof o->host ||
	    (size_t)(slash - colon - 1) >= sizeof o->port) {
		fprintf(stderr, "bench_relay: --url wants http://HOST:PORT\n");
		exit(64);
	}
	memcpy(o->host, p, (size_t)(colon - p));
	o->host[colon - p] = '\0';
	memcpy(o->port, colon + 1, (size_t)(slash - colon - 1));
	o->port[slash - colon - 1] = '\0';
}

static void
print_figure(const char *name, double v)
{
	printf("%s %.6g\n", name, v);
}

static void
print_console(struct console *c, double deliv_s, double *lat, size_t n_lat,
    long missing_trig, long missing_alerts)
{
	double delivered = (double)atomic_load(&c->n_firing);

	print_figure("relay_alerts_delivered", delivered);
	print_figure("relay_deliver_wall_s", deliv_s);
	print_figure("relay_alerts_delivered_per_s", deliv_s > 0 ?
	    delivered / deliv_s : 0.0);
	print_figure("relay_post_to_console_p50_ms", gen_percentile(lat,
	    n_lat, 50));
	print_figure("relay_post_to_console_p99_ms", gen_percentile(lat,
	    n_lat, 99));
	print_figure("relay_post_to_console_max_ms", gen_percentile(lat,
	    n_lat, 100));
	print_figure("relay_console_missing_triggered", (double)missing_trig);
	print_figure("relay_console_missing_alerts", (double)missing_alerts);
	print_figure("relay_console_foreign_events", (double)atomic_load(
	    &c->n_foreign) + (double)atomic_load(&c->n_dup));
}

int
main(int argc, char **argv)
{
	struct opts o = {
		.connections = 4, .bodies = 2000, .alerts = 100,
		.max_seconds = 60, .drain_seconds = 15, .consoles = 1
	};
	static struct console con;
	struct load l;
	struct conn *conns;
	double *lat, *ans, wall_s, deliv_s;
	size_t n_lat = 0, n_ans = 0;
	int64_t t0, last_progress;
	long prev_seen = -1, missing_trig, missing_alerts;
	int have_url = 0;
	time_t wall = time(NULL);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			usage();
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--url") == 0) {
			parse_url(&o, v);
			have_url = 1;
		} else if (strcmp(a, "--token") == 0)
			o.token = strdup(v);
		else if (strcmp(a, "--token-file") == 0)
			o.token = read_token(v);
		else if (strcmp(a, "--connections") == 0)
			o.connections = (int)gen_arg_long(a, v, 1, 256);
		else if (strcmp(a, "--bodies") == 0)
			o.bodies = (int)gen_arg_long(a, v, 1, 10000000);
		else if (strcmp(a, "--alerts-per-body") == 0)
			o.alerts = (int)gen_arg_long(a, v, 1, 100000);
		else if (strcmp(a, "--max-seconds") == 0)
			o.max_seconds = (int)gen_arg_long(a, v, 1, 86400);
		else if (strcmp(a, "--drain-seconds") == 0)
			o.drain_seconds = (int)gen_arg_long(a, v, 1, 86400);
		else if (strcmp(a, "--consoles") == 0)
			o.consoles = (int)gen_arg_long(a, v, 0, 1);
		else if (strcmp(a, "--log") == 0)
			o.log = v;
		else
			usage();
	}
	if (!have_url || o.token == NULL || strlen(o.token) > 200)
		usage();
	signal(SIGPIPE, SIG_IGN);

	/* The bodies, before any clock runs. */
	memset(&l, 0, sizeof l);
	l.o = &o;
	l.bodies = calloc((size_t)o.bodies, sizeof *l.bodies);
	l.t_send = calloc((size_t)o.bodies, sizeof *l.t_send);
	l.t_answer = calloc((size_t)o.bodies, sizeof *l.t_answer);
	l.code = calloc((size_t)o.bodies, sizeof *l.code);
	con.t_trig = calloc((size_t)o.bodies, sizeof *con.t_trig);
	conns = calloc((size_t)o.connections, sizeof *conns);
	if (!l.bodies || !l.t_send || !l.t_answer || !l.code ||
	    !con.t_trig || !conns) {
		fprintf(stderr, "bench_relay: out of memory\n");
		return 1;
	}
	con.run = (unsigned)(gen_mix((uint64_t)getpid() ^
	    ((uint64_t)wall << 20)) % 1000000000u);
	{
		size_t bytes = 0;

		for (int i = 0; i < o.bodies; i++) {
			l.bodies[i] = gen_body(con.run, i, o.alerts, wall);
			bytes += l.bodies[i].len;
		}
		fprintf(stderr, "bench_relay: %d bodies of %d alerts, %.1f KiB "
		    "each, run %u, %d connections\n", o.bodies, o.alerts,
		    (double)bytes / o.bodies / 1024.0, con.run, o.connections);
	}

	/* The console, live before the first POST. */
	con.o = &o;
	con.bodies = o.bodies;
	snprintf(con.url, sizeof con.url, "ws://%s:%s/feed", o.host, o.port);
	if (o.consoles == 0)
		atomic_store(&con.ready, 1);
	else if (pthread_create(&con.thread, NULL, con_main, &con) != 0) {
		fprintf(stderr, "bench_relay: cannot start the console "
		    "thread\n");
		return 1;
	}
	t0 = gen_now_ns();
	while (atomic_load(&con.ready) == 0 &&
	    gen_now_ns() - t0 < READY_TIMEOUT_NS)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	if (atomic_load(&con.ready) != 1) {
		atomic_store(&con.stop, 1);
		pthread_join(con.thread, NULL);
		fprintf(stderr, "bench_relay: the console did not go live: "
		    "%s\n", con.why[0] ? con.why : "timed out (is the relay "
		    "at --url running?)");
		return 1;
	}

	for (int i = 0; i < o.connections; i++) {
		conns[i].fd = dial(&o);
		conns[i].state = conns[i].fd < 0 ? C_DEAD : C_IDLE;
		if (conns[i].fd < 0) {
			fprintf(stderr, "bench_relay: cannot connect to %s:%s: "
			    "%s\n", o.host, o.port, strerror(errno));
			return 1;
		}
	}

	run_load(&l, conns, o.connections);

	/* Wait for the console to see everything that was committed. */
	last_progress = gen_now_ns();
	while (o.consoles > 0) {
		long trig = atomic_load(&con.n_triggered);
		long fir = atomic_load(&con.n_firing);

		if (trig >= l.ok && fir >= l.alerts_ok)
			break;
		if (trig + fir != prev_seen) {
			prev_seen = trig + fir;
			last_progress = gen_now_ns();
		} else if (gen_now_ns() - last_progress >
		    (int64_t)o.drain_seconds * 1000000000) {
			fprintf(stderr, "bench_relay: the console saw nothing "
			    "new for %d s; giving up on the rest\n",
			    o.drain_seconds);
			break;
		}
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	}
	if (o.consoles > 0) {
		atomic_store(&con.stop, 1);
		pthread_join(con.thread, NULL);
	}
	for (int i = 0; i < o.connections; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);

	/* Figures. */
	lat = calloc((size_t)o.bodies, sizeof *lat);
	ans = calloc((size_t)o.bodies, sizeof *ans);
	if (lat == NULL || ans == NULL)
		return 1;
	missing_trig = 0;
	for (int i = 0; i < o.bodies; i++) {
		int ok = l.code[i] >= 200 && l.code[i] < 300;

		if (ok)
			ans[n_ans++] = (double)(l.t_answer[i] - l.t_send[i]) /
			    1e6;
		if (ok && con.t_trig[i] == 0 && o.consoles > 0)
			missing_trig++;
		if (con.t_trig[i] != 0 && l.t_send[i] != 0)
			lat[n_lat++] = (double)(con.t_trig[i] - l.t_send[i]) /
			    1e6;
	}
	missing_alerts = o.consoles == 0 ? 0 :
	    l.alerts_ok - atomic_load(&con.n_firing);
	if (missing_alerts < 0)
		missing_alerts = 0;
	wall_s = l.t_last_ok > l.t_first ?
	    (double)(l.t_last_ok - l.t_first) / 1e9 : 0.0;
	deliv_s = atomic_load(&con.last_event_ns) > l.t_first ?
	    (double)(atomic_load(&con.last_event_ns) - l.t_first) / 1e9 : 0.0;

	print_figure("relay_bodies_sent", l.next);
	print_figure("relay_bodies_2xx", l.ok);
	print_figure("relay_alerts_committed", (double)l.alerts_ok);
	print_figure("relay_wall_s", wall_s);
	print_figure("relay_alerts_committed_per_s", wall_s > 0 ?
	    (double)l.alerts_ok / wall_s : 0.0);
	print_figure("relay_post_to_2xx_p50_ms", gen_percentile(ans, n_ans,
	    50));
	print_figure("relay_post_to_2xx_p99_ms", gen_percentile(ans, n_ans,
	    99));
	print_figure("relay_http_errors", (double)l.http_errors);
	print_figure("relay_http_non_2xx", (double)l.codes_bad);
	print_figure("relay_reconnects", (double)l.reconnects);
	if (o.consoles > 0)
		print_console(&con, deliv_s, lat, n_lat, missing_trig,
		    missing_alerts);
	if (l.codes_bad > 0)
		fprintf(stderr, "bench_relay: %ld answers were not 2xx (4xx: "
		    "%d, 5xx: %d); the first, %d: %s\n", l.codes_bad,
		    l.bad_code_seen[4], l.bad_code_seen[5], l.first_bad_code,
		    l.first_bad_body);
	fflush(stdout);

	for (int i = 0; i < o.bodies; i++)
		free(l.bodies[i].text);
	free(l.bodies);
	free(l.t_send);
	free(l.t_answer);
	free(l.code);
	free(con.t_trig);
	free(conns);
	free(lat);
	free(ans);
	free(o.token);
	return 0;
}
