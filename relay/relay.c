/*
 * relay/relay.c: warroomd's context, loop, timers and shutdown (see relay.h).
 *
 * One thread.  SIGTERM and SIGINT set a flag and wake the loop; the loop
 * then commits what is pending, tells every console why it is closing, and
 * stops a moment later.  Nothing committed can be lost: the log is SQLite
 * with synchronous=FULL.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/relay-int.h"

static volatile sig_atomic_t got_signal;
static struct lws_context *signal_ctx;
static FILE *lws_log_file;

void
relay_cfg_defaults(struct relay_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->listen_host = xstrdup("127.0.0.1");
	cfg->port = 8470;
	cfg->body_limit = 1024 * 1024;
	cfg->frame_limit = 1024 * 1024;
	cfg->heartbeat_ms = 10000;
	cfg->drain_timeout_ms = 30000;
}

void
relay_cfg_free(struct relay_cfg *cfg)
{
	free(cfg->listen_host);
	free(cfg->db_path);
	free(cfg->tokens_path);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->log_path);
	free(cfg->replay_path);
}

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
begin_stop(struct relay *r)
{
	if (r->stopping)
		return;
	r->stopping = 1;
	relay_log(r, "stopping: committing what is pending");
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
	if (r->cfg->retention_ms > 0 && now - r->pruned_at > 60000) {
		char *cause = NULL;
		r->pruned_at = now;
		if (store_prune(r->store, wr_now_ms() - r->cfg->retention_ms,
		    &cause) != 0) {
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
	static struct lws_protocols list[3];

	list[0] = relay_http_protocol;
	list[1] = relay_feed_protocol;
	memset(&list[2], 0, sizeof list[2]);
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

struct relay *
relay_new(struct lws_context *ctx, const struct relay_cfg *cfg, char **cause)
{
	struct relay *r = xcalloc(1, sizeof *r);
	struct lws_context_creation_info info;
	char *dbpath;

	r->cfg = cfg;
	r->ctx = ctx;
	r->pending_tail = &r->pending;
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
	if (cfg->tokens_path != NULL) {
		if (tokens_load(cfg->tokens_path, &r->tokens, cause) != 0)
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
	if (store_open(dbpath, WR_STORE_RELAY, &r->store, cause) != 0)
		goto fail;
	wr_room_init(&r->room, 1);
	if (store_load_room(r->store, &r->room, cause) != 0)
		goto fail;
	relay_ring_init(&r->ring, 8192);

	memset(&info, 0, sizeof info);
	info.vhost_name = "warroomd";
	info.port = cfg->port;
	info.iface = cfg->listen_host;
	info.protocols = protocols();
	info.user = r;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	/* An IPv4 address with IPv6 on binds the wildcard: keep it to the
	 * address asked for. */
	if (strchr(cfg->listen_host, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	if (cfg->tls_cert != NULL) {
		/* Without this on the vhost too, lws serves plain HTTP on
		 * the port and says nothing (DESIGN.md, lws facts). */
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath = cfg->tls_key;
	}
	r->vh = lws_create_vhost(ctx, &info);
	if (r->vh == NULL) {
		*cause = xasprintf("cannot listen on %s:%d (is the port in "
		    "use? is the TLS certificate readable?)",
		    cfg->listen_host, cfg->port);
		goto fail;
	}
	r->started = wr_mono_ms();
	relay_log(r, "listening on %s://%s:%d, log %s (epoch %s, head %lld, "
	    "%zu incidents)", cfg->tls_cert ? "https" : "http",
	    cfg->listen_host, relay_port(r), dbpath, store_epoch(r->store),
	    (long long)r->room.last_seq, r->room.n_incidents);
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
	lws_sul_cancel(&r->tick_sul);
	relay_replay_free(r->replay);
	lws_sul_cancel(&r->commit_sul);
	if (r->vh != NULL)
		lws_vhost_destroy(r->vh);
	relay_ring_free(&r->ring);
	if (r->room.by_key != NULL)
		wr_room_free(&r->room);
	store_close(r->store);
	tokens_free(&r->tokens);
	free(r->db_path);
	if (r->log != NULL)
		fclose(r->log);
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

	if (cfg->tokens_path == NULL && !cfg->no_auth) {
		fprintf(stderr, "warroomd: no --tokens file given; refusing to "
		    "start without authentication (give --no-auth to run "
		    "open, on a trusted loopback only)\n");
		return 64;
	}
	if (cfg->log_path != NULL) {
		if ((lws_log_file = log_open(cfg->log_path, &cause)) ==
		    NULL) {
			fprintf(stderr, "warroomd: %s\n", cause);
			free(cause);
			return 1;
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
	r = relay_new(ctx, cfg, &cause);
	if (r == NULL) {
		fprintf(stderr, "warroomd: %s\n", cause);
		free(cause);
		lws_context_destroy(ctx);
		return 1;
	}
	r->own_signals = 1;
	signal_ctx = ctx;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	rc = 0;
	while (!(r->stopping && wr_mono_ms() >= r->stop_at)) {
		if (lws_service(ctx, 0) < 0) {
			rc = 1;
			break;
		}
		if (got_signal && !r->stopping)
			begin_stop(r);
	}
	signal_ctx = NULL;
	relay_free(r);
	lws_context_destroy(ctx);
	if (lws_log_file != NULL)
		fclose(lws_log_file);
	lws_log_file = NULL;
	return rc;
}

int
relay_parse_size(const char *v, size_t *out)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10);

	if (end == v)
		return -1;
	if (*end == 'k' || *end == 'K')
		n *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		n *= 1024 * 1024, end++;
	if (*end != '\0' || n == 0)
		return -1;
	*out = (size_t)n;
	return 0;
}

int
relay_cfg_load(struct relay_cfg *cfg, const char *path, char **cause)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (f == NULL) {
		*cause = xasprintf("cannot open config %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *k = line, *v, *e;
		size_t sz;

		lineno++;
		if ((e = strchr(line, '#')) != NULL)
			*e = '\0';
		while (*k == ' ' || *k == '\t')
			k++;
		e = k + strlen(k);
		while (e > k && (e[-1] == '\n' || e[-1] == ' ' ||
		    e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if (*k == '\0')
			continue;
		if ((v = strchr(k, '=')) == NULL)
			goto bad;
		*v++ = '\0';
		for (e = v - 1; e > k && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcmp(k, "listen") == 0) {
			char *colon = strrchr(v, ':');
			if (colon == NULL)
				goto bad;
			*colon = '\0';
			util_set_str(&cfg->listen_host, v);
			cfg->port = atoi(colon + 1);
		} else if (strcmp(k, "db") == 0)
			util_set_str(&cfg->db_path, v);
		else if (strcmp(k, "tokens") == 0)
			util_set_str(&cfg->tokens_path, v);
		else if (strcmp(k, "tls-cert") == 0)
			util_set_str(&cfg->tls_cert, v);
		else if (strcmp(k, "tls-key") == 0)
			util_set_str(&cfg->tls_key, v);
		else if (strcmp(k, "log") == 0)
			util_set_str(&cfg->log_path, v);
		else if (strcmp(k, "body-limit") == 0) {
			if (relay_parse_size(v, &cfg->body_limit))
				goto bad;
		} else if (strcmp(k, "frame-limit") == 0) {
			if (relay_parse_size(v, &cfg->frame_limit))
				goto bad;
		} else if (strcmp(k, "heartbeat") == 0) {
			if (relay_parse_size(v, &sz))
				goto bad;
			cfg->heartbeat_ms = (int)sz;
		} else if (strcmp(k, "drain-timeout") == 0) {
			if (relay_parse_size(v, &sz))
				goto bad;
			cfg->drain_timeout_ms = (int)sz;
		} else if (strcmp(k, "retention") == 0) {
			if (relay_parse_size(v, &sz))
				goto bad;
			cfg->retention_ms = (int64_t)sz * 1000;
		} else if (strcmp(k, "no-auth") == 0)
			cfg->no_auth = strcmp(v, "true") == 0 ||
			    strcmp(v, "1") == 0;
		else {
			*cause = xasprintf("%s:%d: unknown setting \"%s\"",
			    path, lineno, k);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
bad:
	*cause = xasprintf("%s:%d: expected key = value with a valid value",
	    path, lineno);
	fclose(f);
	return -1;
}
