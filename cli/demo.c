/*
 * demo.c: the in-process relay and recorded outage of `warroom --demo`
 * (demo.h).  Everything lives in a fresh directory under $TMPDIR that is
 * removed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/demo.h"
#include "core/util.h"
#include "relay/relay.h"

#ifndef WR_DATADIR
#define WR_DATADIR "/usr/local/share/warroom"
#endif

#define DEMO_SCENARIO "outage.jsonl"

struct demo {
	char dir[256];
	char *relay_db;
	char *console_db;
	char *scenario;
	char *url;
	struct relay_cfg cfg;
	struct relay *relay;
};

static char *
find_scenario(void)
{
	const char *env = getenv("WARROOM_SCENARIO");
	char *p;

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	p = xstrdup("scenarios/" DEMO_SCENARIO);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	p = xstrdup(WR_DATADIR "/scenarios/" DEMO_SCENARIO);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int
demo_prepare(struct demo **out, char **cause)
{
	struct demo *d = xcalloc(1, sizeof *d);
	const char *tmp = getenv("TMPDIR");

	d->scenario = find_scenario();
	if (d->scenario == NULL) {
		*cause = xstrdup("cannot find the demo's scenario (looked in "
		    "./scenarios and " WR_DATADIR "/scenarios; "
		    "WARROOM_SCENARIO=FILE names one)");
		free(d);
		return -1;
	}
	snprintf(d->dir, sizeof d->dir, "%s/warroom-demo.XXXXXX",
	    tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(d->dir) == NULL) {
		*cause = xasprintf("cannot make a directory for the demo in "
		    "%s", tmp && tmp[0] ? tmp : "/tmp");
		free(d->scenario);
		free(d);
		return -1;
	}
	d->relay_db = xasprintf("%s/relay.db", d->dir);
	d->console_db = xasprintf("%s/console.db", d->dir);
	*out = d;
	return 0;
}

const char *
demo_console_db(const struct demo *d)
{
	return d->console_db;
}

int
demo_start(struct demo *d, struct lws_context *ctx, char **cause)
{
	relay_cfg_defaults(&d->cfg);
	d->cfg.port = 0;	/* a free port */
	d->cfg.no_auth = 1;	/* loopback only, in our own process */
	d->cfg.db_path = xstrdup(d->relay_db);
	d->cfg.replay_path = xstrdup(d->scenario);
	d->cfg.log_path = xasprintf("%s/relay.log", d->dir);
	d->cfg.heartbeat_ms = 5000;
	d->relay = relay_new(ctx, &d->cfg, NULL, cause);
	if (d->relay == NULL)
		return -1;
	d->url = xasprintf("ws://127.0.0.1:%d/feed", relay_port(d->relay));
	return 0;
}

const char *
demo_feed_url(const struct demo *d)
{
	return d->url;
}

void
demo_stop(struct demo *d)
{
	if (d->relay != NULL) {
		relay_free(d->relay);
		d->relay = NULL;
	}
}

static void
rm(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	unlink(p);
	free(p);
}

void
demo_free(struct demo *d)
{
	static const char *files[] = {
		"relay.db", "relay.db-wal", "relay.db-shm", "console.db",
		"console.db-wal", "console.db-shm", "relay.log", "console.log"
	};

	if (d == NULL)
		return;
	demo_stop(d);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		rm(d->dir, files[i]);
	rmdir(d->dir);
	relay_cfg_free(&d->cfg);
	free(d->relay_db);
	free(d->console_db);
	free(d->scenario);
	free(d->url);
	free(d);
}
