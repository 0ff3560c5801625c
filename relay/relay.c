/*
 * relay/relay.c: warroomd's context, loop, timers and shutdown (see relay.h).
 *
 * One thread.  SIGTERM and SIGINT set a flag and wake the loop; the loop
 * then commits what is pending, tells every console why it is closing, and
 * stops a moment later.  SIGHUP sets another flag, and the loop reloads
 * (relay_reload()): the log reopened, the configuration and the tokens
 * read again and swapped in whole, or not at all.  Nothing committed can be lost: the log is SQLite
 * with synchronous=FULL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "core/zone.h"
#include "relay/httpc.h"
#include "relay/notify.h"
#include "relay/oncall.h"
#include "relay/relay-int.h"

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t got_hup;
static struct lws_context *signal_ctx;
static FILE *lws_log_file;

/*
 * One line.  Callers pass a client's strings through util_log_escape();
 * as a backstop any control byte left in the line becomes '?', so no
 * argument can start a line of its own.
 */
void
relay_log(struct relay *r, const char *fmt, ...)
{
	va_list ap;
	char ts[40], line[4096];
	FILE *f = r->log ? r->log : stderr;

	wr_time_format(wr_now_ms(), ts, sizeof ts);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (unsigned char *c = (unsigned char *)line; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
	fprintf(f, "%s warroomd: %s\n", ts, line);
	fflush(f);
}

/* The log file, appended to, created 0600: it names consoles, senders and
 * tokens' names.  NULL with *cause. */
static FILE *
log_open(const char *path, char **cause)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
		*cause = xasprintf("cannot open log %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

static void
lws_emit(int level, const char *line)
{
	FILE *f = lws_log_file ? lws_log_file : stderr;

	(void)level;
	fprintf(f, "lws: %s", line);
	fflush(f);
}

static void
on_signal(int sig)
{
	got_signal = sig;
	if (signal_ctx != NULL)
		lws_cancel_service(signal_ctx);
}

static void
on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
	if (signal_ctx != NULL)
		lws_cancel_service(signal_ctx);
}

/* SIGHUP, first: reopen the --log file (logrotate moved it away). */
static void
reopen_log(struct relay *r)
{
	const char *path = r->cfg->log_path;
	FILE *f, *lf = NULL;
	char *cause = NULL;

	if (path == NULL) {
		relay_log(r, "SIGHUP: logging to standard error, no log to "
		    "reopen");
		return;
	}
	if ((f = log_open(path, &cause)) == NULL ||
	    (lws_log_file != NULL && (lf = log_open(path, &cause)) == NULL)) {
		if (f != NULL)
			fclose(f);
		relay_log(r, "SIGHUP: %s; still writing to the old log",
		    cause);
		free(cause);
		return;
	}
	if (r->log != NULL)
		fclose(r->log);
	r->log = f;
	if (lws_log_file != NULL) {
		fclose(lws_log_file);
		lws_log_file = lf;
	}
	relay_log(r, "SIGHUP: reopened the log %s", path);
}

/* "schedules: primary (Europe/Berlin, 2 layers), ..." or "no schedules" */
static void
schedules_log(struct relay *r, const char *prefix)
{
	char line[2048];
	size_t o = 0;
	const struct relay_cfg *cfg = r->cfg;

	line[0] = '\0';
	for (size_t i = 0; i < cfg->n_schedules && o + 1 < sizeof line;
	    i++) {
		const struct wr_schedule *s = cfg->schedules[i].s;
		int n = snprintf(line + o, sizeof line - o, "%s%s (%s, %zu "
		    "layer%s)", i ? ", " : "", s->name, wr_zone_name(s->zone),
		    s->n_layers, s->n_layers == 1 ? "" : "s");

		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (cfg->n_schedules == 0)
		relay_log(r, "%sno schedules", prefix);
	else
		relay_log(r, "%s%zu schedule%s: %s", prefix, cfg->n_schedules,
		    cfg->n_schedules == 1 ? "" : "s", line);
}

void
relay_schedules_changed(struct relay *r)
{
	schedules_log(r, "SIGHUP: ");
	relay_oncall_sync(r);		/* the log's overrides, in the new ones */
	relay_oncall_broadcast(r);	/* every console answers from them */
	relay_notify_config_changed(r);
	relay_escalate_changed(r);	/* the policies may have changed too */
}

/*
 * SIGHUP, then: the config files and the options again (relay_cfg_reload,
 * the parser used at start) and the token file again (tokens_load), both
 * checked as at start, into new structures; only when both are good are
 * they swapped in, here on the loop, between two passes, so that nothing
 * sees half of each.  Else the old ones stay and one line says why.
 */
static void
reload_config(struct relay *r)
{
	struct relay_cfg *nc = xcalloc(1, sizeof *nc);
	struct tokens nt = { NULL, 0 };
	char *cause = NULL, *kept = NULL;
	int closed = 0;

	if (relay_cfg_reload(r->cfg, nc, &cause) != 0)
		goto bad;
	/* The address, the database, TLS, the token file's name, ...: as
	 * they were, until a restart. */
	kept = relay_cfg_keep_restart(nc, r->cfg);
	if (r->auth && (tokens_load(nc->tokens_path, &nt, &cause) != 0 ||
	    relay_cfg_check_senders(nc, &nt, &cause) != 0))
		goto bad;
	if (kept != NULL)
		relay_log(r, "SIGHUP: these need a restart and keep their "
		    "old values: %s", kept);
	if (r->auth) {
		closed = relay_feed_tokens_changed(r, &nt);
		tokens_free(&r->tokens);
		r->tokens = nt;
	}
	if (r->own_cfg != NULL) {
		relay_cfg_free(r->own_cfg);
		free(r->own_cfg);
	}
	r->cfg = r->own_cfg = nc;
	r->m.reloads_ok++;
	if (r->auth)
		relay_log(r, "SIGHUP: reloaded the configuration and %zu "
		    "tokens from %s; %d console%s closed for a token taken "
		    "back", r->tokens.n, r->cfg->tokens_path, closed,
		    closed == 1 ? "" : "s");
	else
		relay_log(r, "SIGHUP: reloaded the configuration");
	free(kept);
	relay_schedules_changed(r);
	return;
bad:
	r->m.reloads_failed++;
	relay_log(r, "SIGHUP: reload refused, the old configuration and "
	    "tokens are kept: %s", cause);
	free(cause);
	free(kept);
	tokens_free(&nt);
	relay_cfg_free(nc);
	free(nc);
}

void
relay_reload(struct relay *r)
{
	reopen_log(r);
	reload_config(r);
}

static void
begin_stop(struct relay *r)
{
	if (r->stopping)
		return;
	r->stopping = 1;
	relay_log(r, "stopping: committing what is pending");
	relay_notify_stop(r);
	relay_commit_pending(r);
	relay_feed_close_all(r, "the relay is stopping; reconnect later");
	r->stop_at = wr_mono_ms() + 300;
}

void
relay_stop(struct relay *r)
{
	begin_stop(r);
}

static void
tick_cb(lws_sorted_usec_list_t *sul)
{
	struct relay *r = lws_container_of(sul, struct relay, tick_sul);
	int64_t now = wr_mono_ms();

	if (got_signal && r->own_signals)
		begin_stop(r);
	relay_feed_tick(r, now);
	relay_httpc_tick(r);
	relay_silence_tick(r, now);
	relay_notify_tick(r);
	relay_escalate_tick(r, wr_now_ms());
	if (r->cfg->retention_ms > 0 && now - r->pruned_at > 60000) {
		char *cause = NULL;
		r->pruned_at = now;
		int64_t cutoff = wr_now_ms() - r->cfg->retention_ms;
		/* The log and the op answers age out together. */
		if (store_prune(r->store, cutoff, &cause) != 0 ||
		    store_op_prune(r->store, cutoff, &cause) != 0) {
			relay_log(r, "retention: %s", cause);
			free(cause);
		}
	}
	lws_sul_schedule(r->ctx, 0, &r->tick_sul, tick_cb,
	    r->stopping ? 50 * LWS_US_PER_MS : 250 * LWS_US_PER_MS);
}

static const struct lws_protocols *
protocols(void)
{
	static struct lws_protocols list[4];

	list[0] = relay_http_protocol;
	list[1] = relay_feed_protocol;
	list[2] = relay_httpc_protocol;
	memset(&list[3], 0, sizeof list[3]);
	return list;
}

static const struct lws_protocols *
client_protocols(void)
{
	static struct lws_protocols list[2];

	list[0] = relay_httpc_protocol;
	memset(&list[1], 0, sizeof list[1]);
	return list;
}

uint64_t
relay_context_options(void)
{
	return LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
	    LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
}

int
relay_port(const struct relay *r)
{
	return r->vh ? lws_get_vhost_listen_port(r->vh) : -1;
}

/* host (an address or a name) as the numeric address to listen on. */
static int
resolve_listen(const char *host, char *buf, size_t size, char **cause)
{
	struct addrinfo hints, *res = NULL;
	int e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((e = getaddrinfo(host, NULL, &hints, &res)) != 0 || res == NULL) {
		*cause = xasprintf("cannot listen on %s: %s", host,
		    e != 0 ? gai_strerror(e) : "no address");
		return -1;
	}
	e = getnameinfo(res->ai_addr, res->ai_addrlen, buf, (socklen_t)size,
	    NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (e != 0) {
		*cause = xasprintf("cannot listen on %s: %s", host,
		    gai_strerror(e));
		return -1;
	}
	return 0;
}

/*
 * The relays of this process not yet freed.  A vhost outlives its relay
 * while lws still holds connections on it (lws_vhost_destroy() is deferred
 * until they close, which may be at lws_context_destroy()): a callback for
 * one of those must not reach the freed relay.
 */
static struct relay *live_relays;

struct relay *
relay_of(struct lws *wsi)
{
	struct lws_vhost *vh = lws_get_vhost(wsi);
	struct relay *u = vh != NULL ? lws_vhost_user(vh) : NULL;

	for (struct relay *r = live_relays; r != NULL; r = r->live_next)
		if (r == u)
			return r->vh == vh ? r : NULL;
	return NULL;
}

static void
live_remove(struct relay *r)
{
	for (struct relay **pp = &live_relays; *pp != NULL;
	    pp = &(*pp)->live_next)
		if (*pp == r) {
			*pp = r->live_next;
			return;
		}
}

struct relay *
relay_new(struct lws_context *ctx, const struct relay_cfg *cfg, int *status,
    char **cause)
{
	struct relay *r = xcalloc(1, sizeof *r);
	struct lws_context_creation_info info;
	char iface[INET6_ADDRSTRLEN];
	char *dbpath;
	int st_ignored;

	if (status == NULL)
		status = &st_ignored;
	*status = RELAY_EX_IOERR;	/* the log, first */
	r->cfg = cfg;
	r->ctx = ctx;
	if (cfg->log_path != NULL) {
		struct stat st;
		if ((r->log = log_open(cfg->log_path, cause)) == NULL) {
			free(r);
			return NULL;
		}
		if (fstat(fileno(r->log), &st) == 0 && (st.st_mode & 077))
			relay_log(r, "warning: the log %s can be read by "
			    "others (mode %03o); run: chmod 600 %s",
			    cfg->log_path, (unsigned)(st.st_mode & 0777),
			    cfg->log_path);
	}
	*status = RELAY_EX_FAIL;
	if (cfg->tokens_path != NULL) {
		if (tokens_load(cfg->tokens_path, &r->tokens, cause) != 0 ||
		    relay_cfg_check_senders(cfg, &r->tokens, cause) != 0)
			goto fail;
		r->auth = 1;
	} else if (!cfg->no_auth) {
		*cause = xstrdup("no --tokens file given; refusing to start "
		    "without authentication (give --no-auth to run open, on "
		    "a trusted loopback only)");
		goto fail;
	}
	dbpath = cfg->db_path ? xstrdup(cfg->db_path) :
	    store_default_path(WR_STORE_RELAY);
	if (dbpath == NULL) {
		*cause = xstrdup("no database path: give --db or set HOME");
		goto fail;
	}
	r->db_path = dbpath;
	if (cfg->replay_path != NULL &&
	    relay_replay_load(cfg->replay_path, &r->replay, cause) != 0)
		goto fail;
	*status = RELAY_EX_IOERR;
	if (store_open(dbpath, WR_STORE_RELAY, &r->store, cause) != 0)
		goto fail;
	wr_room_init(&r->room, 1);
	if (store_load_room(r->store, &r->room, cause) != 0 ||
	    relay_oncall_load(r, cause) != 0)
		goto fail;
	*status = RELAY_EX_FAIL;
	relay_ring_init(&r->ring, 8192);
	relay_commit_setup(r);

	memset(&info, 0, sizeof info);
	info.vhost_name = "warroomd";
	info.port = cfg->port;
	/* lws takes an address or an interface name, not a host name:
	 * "localhost" would be looked for as an interface. */
	if (resolve_listen(cfg->listen_host, iface, sizeof iface, cause) != 0)
		goto fail;
	info.iface = iface;
	info.protocols = protocols();
	info.user = r;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	/* An IPv4 address with IPv6 on binds the wildcard: keep it to the
	 * address asked for. */
	if (strchr(iface, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	if (cfg->tls_cert != NULL) {
		/* Without this on the vhost too, lws serves plain HTTP on
		 * the port and says nothing (DESIGN.md, lws facts). */
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath = cfg->tls_key;
	}
	r->live_next = live_relays;
	live_relays = r;
	r->vh = lws_create_vhost(ctx, &info);
	if (r->vh == NULL || relay_port(r) <= 0) {
		*cause = xasprintf("cannot listen on %s:%d (is the port in "
		    "use? is the TLS certificate readable?)",
		    cfg->listen_host, cfg->port);
		goto fail;
	}
	/* Outgoing requests (relay/httpc.c) on a vhost of their own: lws
	 * makes a vhost's client TLS context only with SSL global init in its
	 * options, which on the server vhost would mean serving TLS. */
	memset(&info, 0, sizeof info);
	info.vhost_name = "warroomd-client";
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = client_protocols();
	info.user = r;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if ((r->client_vh = lws_create_vhost(ctx, &info)) == NULL)
		relay_log(r, "warning: no client TLS context: https webhooks "
		    "will fail");
	r->started = wr_mono_ms();
	relay_log(r, "listening on %s://%s:%d, log %s (epoch %s, head %lld, "
	    "%zu incidents)", cfg->tls_cert ? "https" : "http",
	    cfg->listen_host, relay_port(r), dbpath, store_epoch(r->store),
	    (long long)r->room.last_seq, r->room.n_incidents);
	if (cfg->n_schedules > 0)
		schedules_log(r, "");
	relay_notify_start(r);
	if (cfg->n_policies > 0)
		relay_log(r, "%zu escalation polic%s", cfg->n_policies,
		    cfg->n_policies == 1 ? "y" : "ies");
	lws_sul_schedule(ctx, 0, &r->tick_sul, tick_cb, 250 * LWS_US_PER_MS);
	if (r->replay != NULL) {
		relay_log(r, "replaying %s", cfg->replay_path);
		relay_replay_start(r, r->replay);
	}
	return r;
fail:
	relay_free(r);
	return NULL;
}

void
relay_free(struct relay *r)
{
	if (r == NULL)
		return;
	if (r->store != NULL) {
		relay_commit_pending(r);
		relay_log(r, "stopped at seq %lld", (long long)r->room.last_seq);
	}
	/* Consoles still connected are closed now, while the relay they
	 * belong to is whole (their close unlinks them); any other
	 * connection lws closes later finds no relay (relay_of()). */
	for (int n = 0; r->consoles != NULL && n < 1 << 20; n++)
		lws_set_timeout(r->consoles->wsi, PENDING_TIMEOUT_CLOSE_SEND,
		    LWS_TO_KILL_SYNC);
	live_remove(r);
	lws_sul_cancel(&r->tick_sul);
	relay_silence_free(r);
	relay_amclient_free(r);
	relay_notify_free(r);
	relay_httpc_free_all(r);
	relay_replay_free(r->replay);
	lws_sul_cancel(&r->commit_sul);
	if (r->client_vh != NULL)
		lws_vhost_destroy(r->client_vh);
	if (r->vh != NULL)
		lws_vhost_destroy(r->vh);
	relay_commit_free(&r->commit);
	relay_ring_free(&r->ring);
	if (r->room.by_key != NULL)
		wr_room_free(&r->room);
	wr_overrides_free(&r->ov);
	store_close(r->store);
	tokens_free(&r->tokens);
	free(r->db_path);
	if (r->log != NULL)
		fclose(r->log);
	if (r->own_cfg != NULL) {
		relay_cfg_free(r->own_cfg);
		free(r->own_cfg);
	}
	free(r);
}

int
relay_main(const struct relay_cfg *cfg)
{
	struct lws_context_creation_info info;
	struct lws_context *ctx;
	struct relay *r;
	char *cause = NULL;
	int rc;

	if (relay_cfg_check(cfg, &cause) != 0) {
		fprintf(stderr, "warroomd: %s\n", cause);
		free(cause);
		return 78;
	}
	/* From here on, so that a reload sent while the log is loading
	 * (systemctl reload right after start) does not kill the relay. */
	got_hup = 0;
	signal(SIGHUP, on_hup);
	if (cfg->log_path != NULL) {
		if ((lws_log_file = log_open(cfg->log_path, &cause)) ==
		    NULL) {
			fprintf(stderr, "warroomd: %s\n", cause);
			free(cause);
			return RELAY_EX_IOERR;
		}
	}
	lws_set_log_level(cfg->verbose ? LLL_ERR | LLL_WARN | LLL_NOTICE :
	    LLL_ERR, lws_emit);
	memset(&info, 0, sizeof info);
	info.options = relay_context_options();
	info.pt_serv_buf_size = 64 * 1024;
	ctx = lws_create_context(&info);
	if (ctx == NULL) {
		fprintf(stderr, "warroomd: cannot create the lws context\n");
		return 1;
	}
	r = relay_new(ctx, cfg, &rc, &cause);
	if (r == NULL) {
		fprintf(stderr, "warroomd: %s\n", cause);
		free(cause);
		lws_context_destroy(ctx);
		return rc;
	}
	r->own_signals = 1;
	signal_ctx = ctx;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	rc = 0;
	while (!(r->stopping && wr_mono_ms() >= r->stop_at)) {
		struct timespec t0, t1;
		double pass;

		/* A pass is what runs between two polls: it waits for
		 * nothing, so its length is how long the loop was busy. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (lws_service(ctx, 0) < 0) {
			rc = 1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		pass = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (pass > r->m.loop_pass_max_s)
			r->m.loop_pass_max_s = pass;
		if (got_signal && !r->stopping)
			begin_stop(r);
		if (got_hup) {
			got_hup = 0;
			relay_reload(r);
		}
	}
	signal_ctx = NULL;
	signal(SIGHUP, SIG_DFL);
	relay_free(r);
	lws_context_destroy(ctx);
	if (lws_log_file != NULL)
		fclose(lws_log_file);
	lws_log_file = NULL;
	return rc;
}
