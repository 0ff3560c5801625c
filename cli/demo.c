/*
 * demo.c: the in-process relay and recorded outage of `warroom --demo`
 * (demo.h).  Everything lives in a fresh directory under $TMPDIR that is
 * removed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	char *conf;
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

/*
 * The demo relay's config: two schedules, so that the on-call pane has
 * something to say.  primary hands over from maya to sam DEMO_HANDOFF_S
 * seconds after the demo starts, during the recorded outage (its 12-hour
 * turns are counted from a start just that far short of one turn ago);
 * secondary rotates weekly in another zone, so the viewer's zone shows
 * beside it.  A policy escalates an unacknowledged critical incident from
 * primary to secondary after 20 s.  Two notifiers, one that takes a page and one that cannot be
 * reached, show what the timeline says of each.
 */
#define DEMO_HANDOFF_S	40

static int
write_conf(struct demo *d, char **cause)
{
	time_t start = time(NULL) + DEMO_HANDOFF_S - 12 * 3600;
	struct tm tm;
	char when[32];
	FILE *f;

	gmtime_r(&start, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	d->conf = xasprintf("%s/relay.conf", d->dir);
	if ((f = fopen(d->conf, "w")) == NULL) {
		*cause = xasprintf("cannot write the demo's %s", d->conf);
		return -1;
	}
	fprintf(f,
	    "# warroom --demo: the relay's config, written at start\n"
	    "[schedule primary]\n"
	    "timezone = UTC\n"
	    "\n"
	    "[layer primary.follow-the-sun]\n"
	    "rotation = 12h\n"
	    "start = %s\n"
	    "participants = maya, sam, priya\n"
	    "\n"
	    "[schedule secondary]\n"
	    "timezone = America/New_York\n"
	    "\n"
	    "[layer secondary.weekly]\n"
	    "rotation = 1w\n"
	    "start = 2026-01-05T09:00\n"
	    "participants = jordan, lee\n"
	    "\n"
	    "# critical incidents page primary at once, then secondary if\n"
	    "# nobody has acknowledged within 20 s\n"
	    "[policy critical]\n"
	    "match = severity=critical\n"
	    "step = 0m primary\n"
	    "step = 20s secondary\n"
	    "\n"
	    "# the pages: one notifier takes them (a command that reads the\n"
	    "# page and exits 0), one cannot be reached (nothing listens on\n"
	    "# the discard port), so the timeline shows both outcomes\n"
	    "[notifier pager]\n"
	    "type = command\n"
	    "command = cat >/dev/null\n"
	    "users = *\n"
	    "\n"
	    "[notifier chat]\n"
	    "type = webhook\n"
	    "format = slack\n"
	    "url = http://127.0.0.1:9/demo\n"
	    "users = *\n"
	    "timeout = 5s\n"
	    "retry = 10s\n"
	    "retries = 1\n", when);
	if (fclose(f) != 0) {
		*cause = xasprintf("cannot write the demo's %s", d->conf);
		return -1;
	}
	return 0;
}

int
demo_start(struct demo *d, struct lws_context *ctx, char **cause)
{
	relay_cfg_defaults(&d->cfg);
	if (write_conf(d, cause) == -1 ||
	    relay_cfg_load(&d->cfg, d->conf, cause) == -1)
		return -1;
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
		"console.db-wal", "console.db-shm", "relay.log", "console.log",
		"relay.conf"
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
	free(d->conf);
	free(d->url);
	free(d);
}
