/*
 * relay/config.c: warroomd's options and config file (config.h).
 *
 * The table below is the only list of options: cmd/warroomd.c builds its
 * getopt_long list and its --help from it, and the config file's keys
 * before any section are its names.  Both feed relay_cfg_set(), which reads
 * the value with the parsers in core/parse.c, so "--heartbeat 2k" and
 * "heartbeat = 2k" are refused with the same reason.
 *
 * The file is INI, read by core/inifile.c (inih, with line numbers); the
 * first error stops the reading and is reported with the file and line.
 * Schedules are built into core/schedule.c's model as their lines are
 * read (the texts of rotations, starts and windows are parsed there, the
 * one place that knows them); what a schedule lacks is only known at the
 * end of the file, and is reported at the line of its section header.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/inifile.h"
#include "core/parse.h"
#include "core/policy.h"
#include "core/schedule.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "core/zone.h"
#include "relay/config.h"
#include "relay/tokens.h"
#include "store/file.h"
#include "store/ical.h"
#include "store/tzif.h"

#define F(m) offsetof(struct relay_cfg, m), sizeof(((struct relay_cfg *)0)->m)
#define KIB 1024LL
#define SEC 1000LL
#define DAY (86400 * SEC)
#define RESTART RELAY_OPT_RESTART	/* a reload keeps the old value */
#define PLAIN_MS RELAY_OPT_PLAIN_MS

static const struct relay_opt options[] = {
	{ "listen", RELAY_OPT_HOSTPORT, "HOST:PORT",
	    "address to serve (default 127.0.0.1:8470; [::1]:8470)",
	    F(listen_host), offsetof(struct relay_cfg, port), 0, 0,
	    RESTART },
	{ "db", RELAY_OPT_PATH, "PATH",
	    "the event log\n(default $XDG_DATA_HOME/warroom/relay.db)",
	    F(db_path), 0, 0, 0, RESTART },
	{ "tokens", RELAY_OPT_PATH, "FILE",
	    "bearer tokens, one a line:\n"
	    "NAME TOKEN [console,ingest|calendar]\n[users=NAME,...|users=*]",
	    F(tokens_path), 0, 0, 0, RESTART },
	{ "no-auth", RELAY_OPT_FLAG, NULL,
	    "run without tokens (a loopback address only)",
	    F(no_auth), 0, 0, 0, RESTART },
	{ "no-auth-non-loopback", RELAY_OPT_FLAG, NULL,
	    "allow --no-auth on an address that is not loopback:\n"
	    "anyone who can reach it may post and act",
	    F(no_auth_non_loopback), 0, 0, 0, RESTART },
	{ "tls-cert", RELAY_OPT_PATH, "FILE",
	    "serve https and wss with this PEM certificate",
	    F(tls_cert), 0, 0, 0, RESTART },
	{ "tls-key", RELAY_OPT_PATH, "FILE",
	    "and this private key (the two go together)",
	    F(tls_key), 0, 0, 0, RESTART },
	{ "body-limit", RELAY_OPT_SIZE, "SIZE",
	    "largest POST body (default 16M: a 15,000-alert\n"
	    "Alertmanager group; k, M or G)",
	    F(body_limit), 0, KIB, KIB * KIB * KIB, 0 },
	{ "frame-limit", RELAY_OPT_SIZE, "SIZE",
	    "largest websocket message (default 1M)",
	    F(frame_limit), 0, KIB, KIB * KIB * KIB, 0 },
	{ "heartbeat", RELAY_OPT_DURATION, "DURATION",
	    "ping interval (default 10s; a bare number is ms)",
	    F(heartbeat_ms), 0, 100, 3600 * SEC, PLAIN_MS | RESTART },
	{ "drain-timeout", RELAY_OPT_DURATION, "DURATION",
	    "close a console that does not read for this long\n"
	    "(default 30s; a bare number is ms)",
	    F(drain_timeout_ms), 0, 100, DAY, RELAY_OPT_PLAIN_MS },
	{ "body-timeout", RELAY_OPT_DURATION, "DURATION",
	    "a POST body must arrive within this long of its\n"
	    "headers (default 30s; a bare number is ms)",
	    F(body_timeout_ms), 0, 100, 3600 * SEC, RELAY_OPT_PLAIN_MS },
	{ "retention", RELAY_OPT_DURATION, "DURATION",
	    "drop events older than this, such as 90d\n"
	    "(default: keep forever)",
	    F(retention_ms), 0, 60 * SEC, 5200 * 7 * DAY, 0 },
	{ "log", RELAY_OPT_PATH, "FILE",
	    "write the log here instead of stderr",
	    F(log_path), 0, 0, 0, RESTART },
	{ "replay", RELAY_OPT_PATH, "SCENARIO",
	    "play a recorded alert sequence into this relay\n"
	    "(JSON lines; see warroom-scenario(5))",
	    F(replay_path), 0, 0, 0, RESTART },
	{ "verbose", RELAY_OPT_FLAG, NULL,
	    "log the websocket library's warnings and notices",
	    F(verbose), 0, 0, 0, RESTART },
};
#define N_OPTIONS (sizeof options / sizeof options[0])

void
relay_cfg_defaults(struct relay_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->listen_host = xstrdup("127.0.0.1");
	cfg->port = 8470;
	cfg->body_limit = 16 * 1024 * 1024;
	cfg->frame_limit = 1024 * 1024;
	cfg->heartbeat_ms = 10000;
	cfg->drain_timeout_ms = 30000;
	cfg->body_timeout_ms = 30000;
	wr_severity_table_init(&cfg->severity);
}

static void
notifier_free(struct relay_notifier *n)
{
	free(n->name);
	free(n->where);
	free(n->url);
	free(n->url_host);
	free(n->url_path);
	free(n->ca_path);
	for (size_t i = 0; i < n->n_ca; i++)
		free(n->ca_der[i]);
	free(n->ca_der);
	free(n->ca_len);
	free(n->command);
	for (size_t i = 0; i < n->n_users; i++)
		free(n->users[i]);
	free(n->users);
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
	for (size_t i = 0; i < cfg->n_senders; i++) {
		free(cfg->senders[i].name);
		free(cfg->senders[i].alertmanager);
		free(cfg->senders[i].am_host);
		free(cfg->senders[i].am_path);
		free(cfg->senders[i].where);
	}
	free(cfg->senders);
	wr_severity_table_free(&cfg->severity);
	for (size_t i = 0; i < cfg->n_schedules; i++) {
		wr_schedule_free(cfg->schedules[i].s);
		free(cfg->schedules[i].where);
		free(cfg->schedules[i].ical_path);
	}
	free(cfg->schedules);
	for (size_t i = 0; i < cfg->n_notifiers; i++)
		notifier_free(&cfg->notifiers[i]);
	free(cfg->notifiers);
	for (size_t i = 0; i < cfg->n_policies; i++) {
		wr_policy_free(cfg->policies[i]);
		free(cfg->policy_where[i]);
	}
	free(cfg->policies);
	free(cfg->policy_where);
	for (size_t i = 0; i < cfg->n_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	for (size_t i = 0; i < cfg->n_args; i++)
		free(cfg->args[i].value);
	free(cfg->args);
	memset(cfg, 0, sizeof *cfg);
}

const struct relay_opt *
relay_cfg_options(size_t *n)
{
	*n = N_OPTIONS;
	return options;
}

const struct relay_opt *
relay_cfg_option(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

static void
store_int(void *p, size_t width, int64_t v)
{
	if (width == sizeof(int64_t)) {
		int64_t x = v;
		memcpy(p, &x, sizeof x);
	} else {
		int x = (int)v;
		memcpy(p, &x, sizeof x);
	}
}

int
relay_cfg_set(struct relay_cfg *cfg, const struct relay_opt *o,
    const char *value, char **cause)
{
	char err[WR_PARSE_ERR_MAX];
	char *at = (char *)cfg + o->off;
	int64_t i64;
	uint64_t u64;
	int b = 1;

	if (o->type == RELAY_OPT_FLAG) {
		if (value != NULL && wr_parse_bool(value, &b, err,
		    sizeof err) != 0)
			goto bad;
		store_int(at, o->width, b);
		return 0;
	}
	if (value == NULL || value[0] == '\0') {
		*cause = xasprintf("no value (want %s)", o->arg);
		return -1;
	}
	switch (o->type) {
	case RELAY_OPT_STRING:
	case RELAY_OPT_PATH:
		for (const char *p = value; *p != '\0'; p++) {
			if ((unsigned char)*p < ' ' || *p == 0x7f) {
				*cause = xstrdup("a control character in "
				    "the value");
				return -1;
			}
		}
		util_set_str((char **)(void *)at, value);
		return 0;
	case RELAY_OPT_HOSTPORT:
		if (wr_parse_hostport(value, (char **)(void *)at,
		    (int *)(void *)((char *)cfg + o->off2), err,
		    sizeof err) != 0)
			goto bad;
		return 0;
	case RELAY_OPT_SIZE:
		if (wr_parse_size(value, (uint64_t)o->min, (uint64_t)o->max,
		    &u64, err, sizeof err) != 0)
			goto bad;
		*(size_t *)(void *)at = (size_t)u64;
		return 0;
	case RELAY_OPT_DURATION:
		if (wr_parse_duration(value, o->flags & RELAY_OPT_PLAIN_MS ?
		    WR_DUR_PLAIN_MS : 0, o->min, o->max, &i64, err,
		    sizeof err) != 0)
			goto bad;
		store_int(at, o->width, i64);
		return 0;
	case RELAY_OPT_INT:
		if (wr_parse_int(value, o->min, o->max, &i64, err,
		    sizeof err) != 0)
			goto bad;
		store_int(at, o->width, i64);
		return 0;
	case RELAY_OPT_FLAG:
		break;
	}
	*cause = xstrdup("an option of no known kind");
	return -1;
bad:
	*cause = xstrdup(err);
	return -1;
}

const struct relay_sender *
relay_cfg_sender(const struct relay_cfg *cfg, const char *name)
{
	for (size_t i = 0; name != NULL && i < cfg->n_senders; i++)
		if (strcmp(cfg->senders[i].name, name) == 0)
			return &cfg->senders[i];
	return NULL;
}

static struct relay_sender *
sender_get(struct relay_cfg *cfg, const char *name)
{
	struct relay_sender *s;

	if ((s = (struct relay_sender *)relay_cfg_sender(cfg, name)) != NULL)
		return s;
	cfg->senders = xrealloc(cfg->senders,
	    (cfg->n_senders + 1) * sizeof cfg->senders[0]);
	s = &cfg->senders[cfg->n_senders++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->silence_refresh_ms = RELAY_SILENCE_REFRESH_MS;
	return s;
}

/* What the callbacks share while one file is read. */
struct load {
	struct relay_cfg *cfg;
	const char *path;
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char known_sections[] =
    "this warroomd knows [sender NAME], [severity], [schedule NAME], "
    "[layer NAME.LAYER], [notifier NAME] and [policy NAME]";

/* --- [schedule NAME] and [layer NAME.LAYER] ------------------------------- */

#define NAME_MAX_LEN	64
#define PEOPLE_MAX	1000
#define RESTRICTS_MAX	64

/* A schedule's or a layer's name: it goes into URLs (/oncall/NAME.ics)
 * and commands, so letters, digits, '-' and '_' only. */
static int
id_ok(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

const struct relay_schedule *
relay_cfg_schedule(const struct relay_cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_schedules; i++)
		if (strcmp(cfg->schedules[i].s->name, name) == 0)
			return &cfg->schedules[i];
	return NULL;
}

static struct wr_layer *
layer_find(struct wr_schedule *s, const char *name)
{
	for (size_t i = 0; i < s->n_layers; i++)
		if (strcmp(s->layers[i].name, name) == 0)
			return &s->layers[i];
	return NULL;
}

static char *
schedule_section(struct load *l, const char *inner, int lineno)
{
	const char *name = inner + 9;
	struct relay_schedule *rs;
	const struct relay_schedule *old;

	if (!id_ok(name, strlen(name)))
		return xasprintf("[%s]: a schedule's name is one word of "
		    "letters, digits, '-' and '_' (at most %d)", inner,
		    NAME_MAX_LEN);
	if ((old = relay_cfg_schedule(l->cfg, name)) != NULL)
		return xasprintf("[%s] is defined twice (first at %s)", inner,
		    old->where);
	l->cfg->schedules = xrealloc(l->cfg->schedules,
	    (l->cfg->n_schedules + 1) * sizeof l->cfg->schedules[0]);
	rs = &l->cfg->schedules[l->cfg->n_schedules++];
	memset(rs, 0, sizeof *rs);
	rs->s = wr_schedule_new(name, NULL);
	rs->where = xasprintf("%s:%d", l->path, lineno);
	return NULL;
}

static char *
layer_section(struct load *l, const char *inner, int lineno)
{
	const char *name = inner + 6, *dot = strchr(name, '.');
	const struct relay_schedule *rs;
	struct wr_layer *ly;
	char sched[NAME_MAX_LEN + 1];

	if (dot == NULL || !id_ok(name, (size_t)(dot - name)) ||
	    !id_ok(dot + 1, strlen(dot + 1)))
		return xasprintf("[%s]: a layer is [layer SCHEDULE.LAYER], "
		    "two names of letters, digits, '-' and '_', as in "
		    "[layer primary.weekly]", inner);
	memcpy(sched, name, (size_t)(dot - name));
	sched[dot - name] = '\0';
	if ((rs = relay_cfg_schedule(l->cfg, sched)) == NULL)
		return xasprintf("[%s]: no [schedule %s] above it", inner,
		    sched);
	if ((ly = layer_find(rs->s, dot + 1)) != NULL)
		return xasprintf("[%s] is defined twice (first at %s)", inner,
		    ly->where);
	ly = wr_schedule_add_layer(rs->s, dot + 1);
	ly->where = xasprintf("%s:%d", l->path, lineno);
	return NULL;
}

/* ical = FILE: a layer named "ical" here, its shifts read at the end
 * (ical-person may come after it). */
static char *
schedule_ical(struct load *l, struct relay_schedule *rs, const char *section,
    const char *value, int lineno)
{
	struct wr_layer *ly;
	const char *slash = strrchr(l->path, '/');

	if (*value == '\0')
		return xasprintf("[%s] ical: no file named", section);
	if (rs->ical_path != NULL)
		return xasprintf("[%s] ical: given twice (one file a "
		    "schedule)", section);
	if ((ly = layer_find(rs->s, "ical")) != NULL)
		return xasprintf("[%s] ical: the schedule has a layer named "
		    "ical already (%s)", section, ly->where);
	rs->ical_path = value[0] == '/' || slash == NULL ? xstrdup(value) :
	    xasprintf("%.*s/%s", (int)(slash - l->path), l->path, value);
	ly = wr_schedule_add_layer(rs->s, "ical");
	ly->fixed = 1;
	ly->where = xasprintf("%s:%d", l->path, lineno);
	return NULL;
}

static char *
schedule_key(struct load *l, const char *section, const char *key,
    const char *value, int lineno)
{
	struct relay_schedule *rs = (struct relay_schedule *)
	    relay_cfg_schedule(l->cfg, section + 9);
	char err[WR_PARSE_ERR_MAX], *why = NULL, *cause;

	if (strcmp(key, "timezone") == 0) {
		struct wr_zone *z;

		if (store_tzif_load(NULL, value, &z, &why) != 0) {
			cause = xasprintf("[%s] timezone: %s", section, why);
			free(why);
			return cause;
		}
		wr_zone_free(rs->s->zone);
		rs->s->zone = z;
		return NULL;
	}
	if (strcmp(key, "handoff-notice") == 0) {
		if (wr_parse_duration(value, 0, 0, 7 * DAY,
		    &rs->handoff_notice_ms, err, sizeof err) != 0)
			return xasprintf("[%s] %s: %s", section, key, err);
		return NULL;
	}
	if (strcmp(key, "ical") == 0)
		return schedule_ical(l, rs, section, value, lineno);
	if (strcmp(key, "ical-person") == 0) {
		if (strcmp(value, "summary") != 0 &&
		    strcmp(value, "attendee") != 0)
			return xasprintf("[%s] ical-person: \"%.32s\" is not "
			    "summary or attendee", section, value);
		rs->ical_attendee = strcmp(value, "attendee") == 0;
		return NULL;
	}
	return xasprintf("[%s]: unknown key '%s' (a schedule has timezone, "
	    "handoff-notice, ical and ical-person; its rotations are "
	    "[layer %s.NAME] sections)", section, key, rs->s->name);
}

/* "alice, bob, carol": each one word of printable text, no commas. */
static char *
layer_people(const char *section, struct wr_layer *ly, const char *value)
{
	const char *p = value;

	for (size_t i = 0; i < ly->n_people; i++)
		free(ly->people[i]);
	ly->n_people = 0;	/* given twice: the later list */
	for (;;) {
		const char *comma = strchr(p, ','), *e;
		char word[NAME_MAX_LEN + 1];
		size_t n;

		e = comma != NULL ? comma : p + strlen(p);
		while (p < e && is_space(*p))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && is_space(p[n - 1]))
			n--;
		if (n == 0)
			return xasprintf("[%s] participants: an empty name in "
			    "the list (want alice, bob, carol)", section);
		if (n > NAME_MAX_LEN)
			return xasprintf("[%s] participants: a name longer "
			    "than %d bytes", section, NAME_MAX_LEN);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
				return xasprintf("[%s] participants: '%.*s' is "
				    "not one word", section, (int)n, p);
		if (ly->n_people == PEOPLE_MAX)
			return xasprintf("[%s] participants: more than %d",
			    section, PEOPLE_MAX);
		memcpy(word, p, n);
		word[n] = '\0';
		wr_schedule_add_person(ly, word);
		if (comma == NULL)
			return NULL;
		p = comma + 1;
	}
}

static char *
layer_key(struct load *l, const char *section, const char *key,
    const char *value)
{
	const char *name = section + 6, *dot = strchr(name, '.');
	char sched[NAME_MAX_LEN + 1], *why = NULL, *cause = NULL;
	const struct relay_schedule *rs;
	struct wr_layer *ly;
	struct wr_restrict r;

	memcpy(sched, name, (size_t)(dot - name));
	sched[dot - name] = '\0';
	rs = relay_cfg_schedule(l->cfg, sched);
	ly = layer_find(rs->s, dot + 1);
	if (strcmp(key, "rotation") == 0) {
		if (wr_schedule_parse_turn(value, &ly->turn, &why) == 0)
			ly->has_turn = 1;
	} else if (strcmp(key, "start") == 0) {
		if (wr_schedule_parse_start(value, &ly->start, &why) == 0)
			ly->has_start = 1;
	} else if (strcmp(key, "participants") == 0) {
		return layer_people(section, ly, value);
	} else if (strcmp(key, "restrict") == 0) {
		if (ly->n_restricts == RESTRICTS_MAX)
			return xasprintf("[%s] restrict: more than %d windows",
			    section, RESTRICTS_MAX);
		if (wr_schedule_parse_restrict(value, &r, &why) == 0)
			wr_schedule_add_restrict(ly, &r);
	} else {
		return xasprintf("[%s]: unknown key '%s' (a layer has "
		    "rotation, start, participants and restrict)", section,
		    key);
	}
	if (why != NULL) {
		cause = xasprintf("[%s] %s", section, why);
		free(why);
	}
	return cause;
}

/* --- [notifier NAME] --------------------------------------------------------- */

#define NOTIFIER_USERS_MAX	1000

const struct relay_notifier *
relay_cfg_notifier(const struct relay_cfg *cfg, const char *name)
{
	for (size_t i = 0; name != NULL && i < cfg->n_notifiers; i++)
		if (strcmp(cfg->notifiers[i].name, name) == 0)
			return &cfg->notifiers[i];
	return NULL;
}

int
relay_cfg_notifier_serves(const struct relay_notifier *n, const char *person)
{
	if (person == NULL || person[0] == '\0')
		return 0;
	if (n->all_users)
		return 1;
	for (size_t i = 0; i < n->n_users; i++)
		if (strcmp(n->users[i], person) == 0)
			return 1;
	return 0;
}

static char *
notifier_section(struct load *l, const char *inner, int lineno)
{
	const char *name = inner + 9;
	const struct relay_notifier *old;
	struct relay_notifier *n;

	if (!id_ok(name, strlen(name)))
		return xasprintf("[%s]: a notifier's name is one word of "
		    "letters, digits, '-' and '_' (at most %d)", inner,
		    NAME_MAX_LEN);
	if ((old = relay_cfg_notifier(l->cfg, name)) != NULL)
		return xasprintf("[%s] is defined twice (first at %s)", inner,
		    old->where);
	l->cfg->notifiers = xrealloc(l->cfg->notifiers,
	    (l->cfg->n_notifiers + 1) * sizeof l->cfg->notifiers[0]);
	n = &l->cfg->notifiers[l->cfg->n_notifiers++];
	memset(n, 0, sizeof *n);
	n->name = xstrdup(name);
	n->where = xasprintf("%s:%d", l->path, lineno);
	n->timeout_ms = 10 * SEC;
	n->retries = 4;
	n->retry_ms = 30 * SEC;
	return NULL;
}

/* "alice, bob" or "*". */
static char *
notifier_users(const char *section, struct relay_notifier *n,
    const char *value)
{
	const char *p = value;

	for (size_t i = 0; i < n->n_users; i++)
		free(n->users[i]);
	n->n_users = 0;		/* given twice: the later list */
	n->all_users = 0;
	n->has_users = 1;
	if (strcmp(value, "*") == 0) {
		n->all_users = 1;
		return NULL;
	}
	for (;;) {
		const char *comma = strchr(p, ','), *e;
		size_t len;

		e = comma != NULL ? comma : p + strlen(p);
		while (p < e && is_space(*p))
			p++;
		len = (size_t)(e - p);
		while (len > 0 && is_space(p[len - 1]))
			len--;
		if (len == 0)
			return xasprintf("[%s] users: an empty name in the "
			    "list (want alice, bob or *)", section);
		if (len > NAME_MAX_LEN)
			return xasprintf("[%s] users: a name longer than %d "
			    "bytes", section, NAME_MAX_LEN);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f ||
			    p[i] == '*')
				return xasprintf("[%s] users: '%.*s' is not "
				    "one name (want alice, bob or *)", section,
				    (int)len, p);
		if (n->n_users == NOTIFIER_USERS_MAX)
			return xasprintf("[%s] users: more than %d", section,
			    NOTIFIER_USERS_MAX);
		n->users = xrealloc(n->users, (n->n_users + 1) *
		    sizeof *n->users);
		n->users[n->n_users++] = xstrndup(p, len);
		if (comma == NULL)
			return NULL;
		p = comma + 1;
	}
}

/* ca-file = FILE: its PEM certificates, decoded (relative to the config
 * file's directory).  The system's whole bundle (Debian's is 200k and
 * growing) is welcome. */
#define CA_FILE_MAX (4 * 1024 * 1024)

/* ca-file = FILE: its PEM certificates, decoded (relative to the config
 * file's directory). */
static char *
notifier_ca(struct load *l, const char *section, struct relay_notifier *n,
    const char *value)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *slash = strrchr(l->path, '/'), *p;
	char *path, *text, *cause = NULL;
	size_t len;
	int err;

	if (*value == '\0')
		return xasprintf("[%s] ca-file: no file named", section);
	path = value[0] == '/' || slash == NULL ? xstrdup(value) :
	    xasprintf("%.*s/%s", (int)(slash - l->path), l->path, value);
	if (store_read_file(path, CA_FILE_MAX, &text, &len, &err) != 0) {
		cause = err == EFBIG ? xasprintf("[%s] ca-file: %s is larger "
		    "than 4M; is it a PEM file?", section, path) :
		    xasprintf("[%s] ca-file: %s: %s", section, path,
		    strerror(err));
		free(path);
		return cause;
	}
	for (size_t i = 0; i < n->n_ca; i++)
		free(n->ca_der[i]);
	n->n_ca = 0;	/* given twice: the later file */
	for (p = strstr(text, begin); p != NULL; p = strstr(p, begin)) {
		const char *b = p + sizeof begin - 1, *e = strstr(b, end);
		char *b64, *der;
		size_t k = 0;
		int dlen;

		if (e == NULL)
			break;
		b64 = xmalloc((size_t)(e - b) + 1);
		for (const char *c = b; c < e; c++)
			if (*c != '\n' && *c != '\r' && *c != ' ' &&
			    *c != '\t')
				b64[k++] = *c;
		b64[k] = '\0';
		der = xmalloc(k + 1);
		dlen = lws_b64_decode_string(b64, der, (int)k + 1);
		free(b64);
		if (dlen <= 0) {
			free(der);
			cause = xasprintf("[%s] ca-file: %s: a certificate "
			    "that is not base64", section, path);
			break;
		}
		n->ca_der = xrealloc(n->ca_der, (n->n_ca + 1) *
		    sizeof *n->ca_der);
		n->ca_len = xrealloc(n->ca_len, (n->n_ca + 1) *
		    sizeof *n->ca_len);
		n->ca_der[n->n_ca] = (unsigned char *)der;
		n->ca_len[n->n_ca++] = (size_t)dlen;
		p = e + sizeof end - 1;
	}
	if (cause == NULL && n->n_ca == 0)
		cause = xasprintf("[%s] ca-file: %s holds no PEM certificate",
		    section, path);
	free(text);
	if (cause == NULL) {
		free(n->ca_path);
		n->ca_path = path;
	} else
		free(path);
	return cause;
}

static char *
notifier_key(struct load *l, const char *section, const char *key,
    const char *value)
{
	struct relay_notifier *n = (struct relay_notifier *)
	    relay_cfg_notifier(l->cfg, section + 9);
	char err[WR_PARSE_ERR_MAX];
	int64_t v;

	if (strcmp(key, "type") == 0) {
		if (strcmp(value, "webhook") == 0)
			n->type = RELAY_NOTIFIER_WEBHOOK;
		else if (strcmp(value, "command") == 0)
			n->type = RELAY_NOTIFIER_COMMAND;
		else
			return xasprintf("[%s] type: \"%.32s\" is not webhook "
			    "or command", section, value);
		return NULL;
	}
	if (strcmp(key, "url") == 0) {
		char *host = NULL, *path = NULL;
		int port = 0, tls = 0;

		if (wr_parse_web_url(value, &tls, &host, &port, &path, err,
		    sizeof err) != 0)
			return xasprintf("[%s] url: %s", section, err);
		util_set_str(&n->url, value);
		free(n->url_host);
		free(n->url_path);
		n->url_host = host;
		n->url_path = path;
		n->url_port = port;
		n->url_tls = tls;
		return NULL;
	}
	if (strcmp(key, "ca-file") == 0)
		return notifier_ca(l, section, n, value);
	if (strcmp(key, "format") == 0) {
		if (strcmp(value, "json") != 0 && strcmp(value, "slack") != 0)
			return xasprintf("[%s] format: \"%.32s\" is not json "
			    "or slack", section, value);
		n->slack = strcmp(value, "slack") == 0;
		return NULL;
	}
	if (strcmp(key, "command") == 0) {
		if (value[0] == '\0')
			return xasprintf("[%s] command: no program named",
			    section);
		for (const char *p = value; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				return xasprintf("[%s] command: a control "
				    "character in it", section);
		util_set_str(&n->command, value);
		return NULL;
	}
	if (strcmp(key, "users") == 0)
		return notifier_users(section, n, value);
	if (strcmp(key, "timeout") == 0) {
		if (wr_parse_duration(value, 0, 100, 300 * SEC, &n->timeout_ms,
		    err, sizeof err) != 0)
			return xasprintf("[%s] timeout: %s", section, err);
		return NULL;
	}
	if (strcmp(key, "retry") == 0) {
		if (wr_parse_duration(value, 0, 100, RELAY_NOTIFY_RETRY_CAP_MS,
		    &n->retry_ms, err, sizeof err) != 0)
			return xasprintf("[%s] retry: %s", section, err);
		return NULL;
	}
	if (strcmp(key, "retries") == 0) {
		if (wr_parse_int(value, 0, 20, &v, err, sizeof err) != 0)
			return xasprintf("[%s] retries: %s", section, err);
		n->retries = (int)v;
		return NULL;
	}
	return xasprintf("[%s]: unknown key '%s' (a notifier has type, url, "
	    "format, ca-file, command, users, timeout, retry and retries)",
	    section, key);
}

/* At the end of a file: what a notifier lacks. */
static int
notifiers_check(const struct relay_cfg *cfg, char **cause)
{
	for (size_t i = 0; i < cfg->n_notifiers; i++) {
		const struct relay_notifier *n = &cfg->notifiers[i];
		const char *lack = NULL;

		if (n->type == RELAY_NOTIFIER_NONE)
			lack = "no type (type = webhook or type = command)";
		else if (n->type == RELAY_NOTIFIER_WEBHOOK && n->url == NULL)
			lack = "a webhook without url = (http:// or https://)";
		else if (n->type == RELAY_NOTIFIER_WEBHOOK &&
		    n->command != NULL)
			lack = "a webhook has url =, not command =";
		else if (n->type == RELAY_NOTIFIER_COMMAND &&
		    n->command == NULL)
			lack = "a command notifier without command = PROGRAM";
		else if (n->type == RELAY_NOTIFIER_COMMAND &&
		    (n->url != NULL || n->slack || n->n_ca > 0))
			lack = "a command notifier has command =, not url =, "
			    "format = or ca-file =";
		else if (!n->has_users)
			lack = "no users (users = alice, bob or users = *)";
		if (lack != NULL) {
			*cause = xasprintf("%s: [notifier %s]: %s", n->where,
			    n->name, lack);
			return -1;
		}
	}
	return 0;
}

/* At the end of a file: what no single line could say. */
static int
schedules_check(const struct relay_cfg *cfg, char **cause)
{
	for (size_t i = 0; i < cfg->n_schedules; i++) {
		const struct relay_schedule *rs = &cfg->schedules[i];
		char *why = NULL;

		if (rs->s->zone == NULL) {
			*cause = xasprintf("%s: [schedule %s]: no timezone "
			    "(required: timezone = Europe/Berlin, an IANA "
			    "name)", rs->where, rs->s->name);
			return -1;
		}
		if (rs->ical_path != NULL && rs->s->zone != NULL) {
			struct wr_layer *ly = layer_find(rs->s, "ical");
			int64_t at = cfg->ical_around_ms != 0 ?
			    cfg->ical_around_ms : wr_now_ms();

			if (store_ical_load(rs->ical_path, rs->ical_attendee ?
			    STORE_ICAL_ATTENDEE : STORE_ICAL_SUMMARY, rs->s->zone,
			    at - STORE_ICAL_BACK_MS, at + STORE_ICAL_AHEAD_MS, ly,
			    &why) != 0) {
				*cause = xasprintf("%s: [schedule %s] ical: %s",
				    ly->where, rs->s->name, why);
				free(why);
				return -1;
			}
		}
		if (rs->s->n_layers == 0) {
			*cause = xasprintf("%s: [schedule %s]: no layers (add "
			    "a [layer %s.NAME] section with rotation, start "
			    "and participants)", rs->where, rs->s->name,
			    rs->s->name);
			return -1;
		}
		if (wr_schedule_check(rs->s, &why) != 0) {
			*cause = why;
			return -1;
		}
	}
	return 0;
}

/* --- [policy NAME] ----------------------------------------------------------- */

const struct wr_policy *
relay_cfg_policy(const struct relay_cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_policies; i++)
		if (strcmp(cfg->policies[i]->name, name) == 0)
			return cfg->policies[i];
	return NULL;
}

static char *
policy_section(struct load *l, const char *inner, int lineno)
{
	const char *name = inner + 7;
	struct relay_cfg *cfg = l->cfg;

	if (!id_ok(name, strlen(name)))
		return xasprintf("[%s]: a policy's name is one word of "
		    "letters, digits, '-' and '_' (at most %d)", inner,
		    NAME_MAX_LEN);
	for (size_t i = 0; i < cfg->n_policies; i++)
		if (strcmp(cfg->policies[i]->name, name) == 0)
			return xasprintf("[%s] is defined twice (first at %s)",
			    inner, cfg->policy_where[i]);
	cfg->policies = xrealloc(cfg->policies, (cfg->n_policies + 1) *
	    sizeof *cfg->policies);
	cfg->policy_where = xrealloc(cfg->policy_where,
	    (cfg->n_policies + 1) * sizeof *cfg->policy_where);
	cfg->policies[cfg->n_policies] = wr_policy_new(name);
	cfg->policy_where[cfg->n_policies++] = xasprintf("%s:%d", l->path,
	    lineno);
	return NULL;
}

/* match, step (one line each, in order), repeat, ack-timeout. */
static char *
policy_key(struct load *l, const char *section, const char *key,
    const char *value)
{
	struct wr_policy *p = (struct wr_policy *)relay_cfg_policy(l->cfg,
	    section + 7);
	char err[WR_PARSE_ERR_MAX], *why = NULL, *cause;
	int64_t v;
	int rc;

	if (strcmp(key, "step") == 0)
		rc = wr_policy_add_step(p, value, &why);
	else if (strcmp(key, "match") == 0)
		rc = wr_policy_set_match(p, value, &why);
	else if (strcmp(key, "repeat") == 0) {
		if ((rc = wr_parse_int(value, 0, WR_POLICY_REPEAT_MAX, &v, err,
		    sizeof err)) == 0)
			p->repeat = (int)v;
		else
			why = xstrdup(err);
	} else if (strcmp(key, "ack-timeout") == 0) {
		if ((rc = wr_parse_duration(value, 0, 1000, 7 * DAY, &v, err,
		    sizeof err)) == 0)
			p->ack_timeout_ms = v;
		else
			why = xstrdup(err);
	} else
		return xasprintf("[%s]: unknown key '%s' (a policy has match, "
		    "step, repeat and ack-timeout)", section, key);
	if (rc == 0)
		return NULL;
	cause = xasprintf("[%s] %s: %s", section, key, why);
	free(why);
	return cause;
}

/* At the end of a file: what no single line could say. */
static int
policies_check(const struct relay_cfg *cfg, char **cause)
{
	const char *dflt = NULL;

	for (size_t i = 0; i < cfg->n_policies; i++) {
		const struct wr_policy *p = cfg->policies[i];
		char *why = NULL;

		if (wr_policy_check(p, &why) != 0) {
			*cause = xasprintf("%s: [policy %s]: %s",
			    cfg->policy_where[i], p->name, why);
			free(why);
			return -1;
		}
		if (!p->has_match && dflt != NULL) {
			*cause = xasprintf("%s: [policy %s]: a second policy "
			    "without a match (the default is [policy %s]; "
			    "give this one a match = line)",
			    cfg->policy_where[i], p->name, dflt);
			return -1;
		}
		if (!p->has_match)
			dflt = p->name;
	}
	return 0;
}

/* A section header as it is read: "severity" or "sender NAME" (which
 * then exists, even with no keys). */
static char *
load_section(void *user, const char *inner, int lineno)
{
	struct load *l = user;
	struct relay_sender *s;
	const char *name;

	if (strcmp(inner, "severity") == 0)
		return NULL;
	if (strncmp(inner, "schedule ", 9) == 0)
		return schedule_section(l, inner, lineno);
	if (strncmp(inner, "layer ", 6) == 0)
		return layer_section(l, inner, lineno);
	if (strncmp(inner, "policy ", 7) == 0)
		return policy_section(l, inner, lineno);
	if (strcmp(inner, "policy") == 0)
		return xstrdup("[policy] needs a name, as in [policy checkout]");
	if (strcmp(inner, "schedule") == 0 || strcmp(inner, "layer") == 0)
		return xasprintf("[%s] needs a name, as in [schedule primary] "
		    "and [layer primary.weekly]", inner);
	if (strncmp(inner, "notifier ", 9) == 0)
		return notifier_section(l, inner, lineno);
	if (strcmp(inner, "notifier") == 0)
		return xstrdup("[notifier] needs a name, as in [notifier "
		    "pager]");
	if (strcmp(inner, "sender") == 0)
		return xstrdup("[sender] needs the ingest token's name, as in "
		    "[sender am-prod]");
	if (strncmp(inner, "sender ", 7) == 0) {
		name = inner + 7;
		if (*name == '\0' || strpbrk(name, " \t[]#") != NULL)
			return xasprintf("[%s]: a sender's name is one word, "
			    "the ingest token's name", inner);
		/* Known from its header on, so that even an empty section
		 * with a misspelt name is caught. */
		s = sender_get(l->cfg, name);
		free(s->where);
		s->where = xasprintf("%s:%d", l->path, lineno);
		return NULL;
	}
	return xasprintf("unknown section [%s] (%s)", inner, known_sections);
}

static char *
load_option(struct relay_cfg *cfg, const char *name, const char *value)
{
	const struct relay_opt *o = relay_cfg_option(name);
	char *why = NULL, *cause;

	if (o == NULL)
		return xasprintf("unknown key '%s' (the keys before any "
		    "section are warroomd's long option names; see "
		    "warroomd(8))", name);
	if (relay_cfg_set(cfg, o, value, &why) == 0)
		return NULL;
	cause = xasprintf("%s: %s", name, why);
	free(why);
	return cause;
}

static char *
load_sender(struct load *l, const char *section, const char *name,
    const char *value, int lineno)
{
	struct relay_sender *s;
	char err[WR_PARSE_ERR_MAX];
	char *host = NULL, *path = NULL;
	int port = 0;

	if (strcmp(name, "silence-refresh") == 0) {
		int64_t ms;

		if (wr_parse_duration(value, 0, 1000, 24LL * 3600 * 1000, &ms,
		    err, sizeof err) != 0)
			return xasprintf("[%s] %s: %s", section, name, err);
		sender_get(l->cfg, section + 7)->silence_refresh_ms = ms;
		return NULL;
	}
	if (strcmp(name, "alertmanager") != 0)
		return xasprintf("[%s]: unknown key '%s' (a sender has "
		    "alertmanager = URL and silence-refresh = DURATION)",
		    section, name);
	if (wr_parse_http_url(value, &host, &port, &path, err,
	    sizeof err) != 0)
		return xasprintf("[%s] %s: %s", section, name, err);
	(void)lineno;
	s = sender_get(l->cfg, section + 7);
	util_set_str(&s->alertmanager, value);
	free(s->am_host);
	free(s->am_path);
	s->am_host = host;
	s->am_path = path;
	s->am_port = port;
	return NULL;
}

/* "critical = page, p1, sev1": each word added at that level. */
static char *
load_severity(struct relay_cfg *cfg, const char *level, const char *value)
{
	wr_severity sev;
	const char *p = value;

	if (wr_severity_parse(level, &sev) != 0)
		return xasprintf("[severity]: unknown level '%s' (use "
		    "critical, error, warning or info)", level);
	if (*p == '\0')
		return xasprintf("[severity] %s: no words (want a comma list, "
		    "as in critical = page, p1)", level);
	for (;;) {
		const char *comma = strchr(p, ','), *e;
		char word[WR_SEVERITY_WORD_MAX + 2];
		size_t n;

		e = comma != NULL ? comma : p + strlen(p);
		while (p < e && is_space(*p))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && is_space(p[n - 1]))
			n--;
		if (n == 0)
			return xasprintf("[severity] %s: an empty word in the "
			    "list", level);
		if (n > WR_SEVERITY_WORD_MAX)
			n = WR_SEVERITY_WORD_MAX + 1;
		memcpy(word, p, n);
		word[n] = '\0';
		if (wr_severity_table_add(&cfg->severity, word, sev) != 0)
			return xasprintf("[severity] %s: '%s' is not one word "
			    "(no spaces, at most %d bytes)", level, word,
			    WR_SEVERITY_WORD_MAX);
		if (comma == NULL)
			return NULL;
		p = comma + 1;
	}
}

static char *
load_key(void *user, const char *section, const char *name,
    const char *value, int lineno)
{
	struct load *l = user;
	struct relay_cfg *cfg = l->cfg;

	if (section[0] == '\0')
		return load_option(cfg, name, value);
	if (strcmp(section, "severity") == 0)
		return load_severity(cfg, name, value);
	if (strncmp(section, "sender ", 7) == 0)
		return load_sender(l, section, name, value, lineno);
	if (strncmp(section, "schedule ", 9) == 0)
		return schedule_key(l, section, name, value, lineno);
	if (strncmp(section, "layer ", 6) == 0)
		return layer_key(l, section, name, value);
	if (strncmp(section, "notifier ", 9) == 0)
		return notifier_key(l, section, name, value);
	if (strncmp(section, "policy ", 7) == 0)
		return policy_key(l, section, name, value);
	return xasprintf("unknown section [%s] (%s)", section,
	    known_sections);
}

/* A config file is small; one this big is a mistake. */
#define CONFIG_MAX (1024 * 1024)

int
relay_cfg_load(struct relay_cfg *cfg, const char *path, char **cause)
{
	static const struct wr_inifile_ops ops = { load_section, load_key };
	struct load l;
	char *text, *why;
	size_t len;
	int lineno, err;

	if (store_read_file(path, CONFIG_MAX, &text, &len, &err) != 0) {
		*cause = err == EFBIG ? xasprintf("%s is larger than 1M; is "
		    "it a config file?", path) : xasprintf("cannot open "
		    "config %s: %s", path, strerror(err));
		return -1;
	}
	l.cfg = cfg;
	l.path = path;
	if (wr_inifile_parse(text, len, &ops, &l, &lineno, &why) != 0) {
		*cause = xasprintf("%s:%d: %s", path, lineno, why);
		free(why);
		free(text);
		return -1;
	}
	free(text);
	if (notifiers_check(cfg, cause) != 0)
		return -1;
	if (schedules_check(cfg, cause) != 0)
		return -1;
	return policies_check(cfg, cause);
}

int
relay_cfg_check(const struct relay_cfg *cfg, char **cause)
{
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		*cause = xstrdup("--tls-cert and --tls-key go together");
		return -1;
	}
	if (cfg->tokens_path == NULL && !cfg->no_auth) {
		*cause = xstrdup("no --tokens file given; refusing to start "
		    "without authentication (give --no-auth to run open, on "
		    "a trusted loopback only)");
		return -1;
	}
	if (cfg->tokens_path == NULL && cfg->no_auth &&
	    !cfg->no_auth_non_loopback &&
	    !wr_host_is_loopback(cfg->listen_host)) {
		*cause = xasprintf("--no-auth on %s, which is not a loopback "
		    "address: anyone who can reach it could post alerts and "
		    "act in the war room; use --tokens, or give "
		    "--no-auth-non-loopback too if that is what you want",
		    cfg->listen_host);
		return -1;
	}
	return 0;
}

int
relay_cfg_check_senders(const struct relay_cfg *cfg, const struct tokens *t,
    char **cause)
{
	for (size_t i = 0; i < cfg->n_senders; i++) {
		const struct relay_sender *s = &cfg->senders[i];
		size_t j;
		for (j = 0; j < t->n; j++)
			if (strcmp(t->v[j].name, s->name) == 0 &&
			    (t->v[j].roles & TOKEN_ROLE_INGEST))
				break;
		if (j == t->n) {
			*cause = xasprintf("%s: [sender %s] names no token "
			    "with the ingest role in %s", s->where ? s->where :
			    "the config", s->name, cfg->tokens_path ?
			    cfg->tokens_path : "the token file");
			return -1;
		}
	}
	return 0;
}

/* --- building it, at start and on SIGHUP ------------------------------------ */

int
relay_cfg_build(struct relay_cfg *cfg, const char *const *files,
    size_t n_files, const struct relay_cfg_arg *args, size_t n_args,
    char **cause)
{
	return relay_cfg_build_at(cfg, files, n_files, args, n_args, 0, cause);
}

int
relay_cfg_build_at(struct relay_cfg *cfg, const char *const *files,
    size_t n_files, const struct relay_cfg_arg *args, size_t n_args,
    int64_t around_ms, char **cause)
{
	relay_cfg_defaults(cfg);
	cfg->built = 1;
	cfg->ical_around_ms = around_ms;
	cfg->files = xcalloc(n_files + 1, sizeof *cfg->files);
	for (size_t i = 0; i < n_files; i++)
		cfg->files[cfg->n_files++] = xstrdup(files[i]);
	cfg->args = xcalloc(n_args + 1, sizeof *cfg->args);
	for (size_t i = 0; i < n_args; i++) {
		cfg->args[i].o = args[i].o;
		cfg->args[i].value = args[i].value != NULL ?
		    xstrdup(args[i].value) : NULL;
		cfg->n_args++;
	}
	/* The files first, in the order given, so the command line wins. */
	for (size_t i = 0; i < n_files; i++)
		if (relay_cfg_load(cfg, files[i], cause) != 0)
			return -1;
	for (size_t i = 0; i < n_args; i++) {
		char *why = NULL;

		if (relay_cfg_set(cfg, args[i].o, args[i].o->type ==
		    RELAY_OPT_FLAG ? NULL : args[i].value, &why) != 0) {
			*cause = xasprintf("--%s: %s", args[i].o->name, why);
			free(why);
			return -1;
		}
	}
	return relay_cfg_check(cfg, cause);
}

int
relay_cfg_reload(const struct relay_cfg *old, struct relay_cfg *out,
    char **cause)
{
	if (!old->built) {
		relay_cfg_defaults(out);
		*cause = xstrdup("this relay's settings were not read from "
		    "files and options, there is nothing to read again");
		return -1;
	}
	return relay_cfg_build_at(out, (const char *const *)old->files,
	    old->n_files, old->args, old->n_args, old->ical_around_ms, cause);
}

/* An option's value as the log shows it (malloc'd). */
static char *
opt_text(const struct relay_cfg *cfg, const struct relay_opt *o)
{
	const char *at = (const char *)cfg + o->off;
	const char *str;
	int64_t v = 0;

	switch (o->type) {
	case RELAY_OPT_STRING:
	case RELAY_OPT_PATH:
		memcpy(&str, at, sizeof str);
		return xstrdup(str != NULL ? str : "(none)");
	case RELAY_OPT_HOSTPORT: {
		int port;
		memcpy(&str, at, sizeof str);
		memcpy(&port, (const char *)cfg + o->off2, sizeof port);
		return xasprintf(str != NULL && strchr(str, ':') != NULL ?
		    "[%s]:%d" : "%s:%d", str != NULL ? str : "", port);
	}
	case RELAY_OPT_SIZE: {
		size_t z;
		memcpy(&z, at, sizeof z);
		return xasprintf("%zu", z);
	}
	case RELAY_OPT_FLAG:
	case RELAY_OPT_INT:
	case RELAY_OPT_DURATION:
		if (o->width == sizeof(int64_t))
			memcpy(&v, at, sizeof v);
		else {
			int x;
			memcpy(&x, at, sizeof x);
			v = x;
		}
		if (o->type == RELAY_OPT_FLAG)
			return xstrdup(v ? "on" : "off");
		return xasprintf(o->type == RELAY_OPT_DURATION ? "%lldms" :
		    "%lld", (long long)v);
	}
	return xstrdup("?");
}

char *
relay_cfg_keep_restart(struct relay_cfg *cfg, const struct relay_cfg *old)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n = 0;

	if (f == NULL)
		util_die("open_memstream: %s", strerror(errno));
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct relay_opt *o = &options[i];
		char *was, *now;

		if (!(o->flags & RELAY_OPT_RESTART))
			continue;
		was = opt_text(old, o);
		now = opt_text(cfg, o);
		if (strcmp(was, now) != 0) {
			fprintf(f, "%s%s %s (the new configuration says %s)",
			    n++ ? ", " : "", o->name, was, now);
			if (o->type == RELAY_OPT_STRING ||
			    o->type == RELAY_OPT_PATH ||
			    o->type == RELAY_OPT_HOSTPORT) {
				const char *s;
				memcpy(&s, (const char *)old + o->off,
				    sizeof s);
				free(*(char **)(void *)((char *)cfg + o->off));
				*(char **)(void *)((char *)cfg + o->off) =
				    s != NULL ? xstrdup(s) : NULL;
			} else {
				memcpy((char *)cfg + o->off,
				    (const char *)old + o->off, o->width);
			}
			if (o->type == RELAY_OPT_HOSTPORT)
				memcpy((char *)cfg + o->off2,
				    (const char *)old + o->off2, sizeof(int));
		}
		free(was);
		free(now);
	}
	if (fclose(f) != 0)
		util_die("open_memstream: %s", strerror(errno));
	if (n == 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* --- the report --check-config prints -------------------------------------- */

/* "2026-03-30T07:00:00Z (Mon 2026-03-30 09:00 local)" */
static void
report_time(FILE *f, const struct wr_schedule *s, int64_t ms)
{
	static const char *const wd[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat", "Sun" };
	char buf[40];
	int64_t local = wr_zone_local(s->zone, wr_floordiv(ms, 1000)), y;
	int64_t days = wr_floordiv(local, 86400), sec = local - days * 86400;
	int m, d;

	wr_time_format(ms, buf, sizeof buf);
	if (strlen(buf) == 24 && strcmp(buf + 19, ".000Z") == 0)
		strcpy(buf + 19, "Z");
	wr_civil_from_days(days, &y, &m, &d);
	fprintf(f, "%s (%s %04lld-%02d-%02d %02d:%02d local)", buf,
	    wd[wr_weekday(days)], (long long)y, m, d, (int)(sec / 3600),
	    (int)(sec / 60 % 60));
}

static void
report_who(FILE *f, const struct wr_schedule *s, const struct wr_oncall *a)
{
	if (a->person == NULL)
		fputs("nobody (a gap)", f);
	else if (a->source == WR_ONCALL_OVERRIDE)
		fprintf(f, "%s (override %s)", a->person,
		    s->overrides[a->index].id);
	else if (s->layers[a->index].fixed)
		fprintf(f, "%s (ical)", a->person);
	else
		fprintf(f, "%s (layer %s)", a->person, s->layers[a->index].name);
}

static void
report_span(FILE *f, const struct wr_schedule *s, const struct wr_oncall *a,
    const char *from_word)
{
	if (a->since != INT64_MIN) {
		fprintf(f, " %s ", from_word);
		report_time(f, s, a->since);
	}
	if (a->until != INT64_MAX) {
		fputs(" until ", f);
		report_time(f, s, a->until);
	} else {
		fputs(", no change within a year", f);
	}
	fputc('\n', f);
}

char *
relay_cfg_schedules_report(const struct relay_cfg *cfg, int64_t at)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		util_die("open_memstream: %s", strerror(errno));
	for (size_t i = 0; i < cfg->n_schedules; i++) {
		const struct wr_schedule *s = cfg->schedules[i].s;
		struct wr_oncall now, next, gap;

		fprintf(f, "schedule %s (%s)\n", s->name,
		    wr_zone_name(s->zone));
		wr_schedule_at(s, at, &now);
		fputs("  now:  ", f);
		report_who(f, s, &now);
		report_span(f, s, &now, "since");
		fputs("  next: ", f);
		if (wr_schedule_next(s, at, &next) == 0) {
			report_who(f, s, &next);
			report_span(f, s, &next, "from");
		} else {
			fputs("no change within a year\n", f);
		}
		fputs("  next gap:", f);
		if (wr_schedule_next_gap(s, at, 7 * DAY, &gap) == 0) {
			if (gap.since <= at)
				fputs(" now,", f);
			report_span(f, s, &gap, gap.since <= at ? "since" :
			    "from");
		} else {
			fputs(" none within 7 days\n", f);
		}
	}
	if (fclose(f) != 0)
		util_die("open_memstream: %s", strerror(errno));
	return text;
}

/* --- the policies, for --check-config ----------------------------------------- */

/* Whether the config names person anywhere but in a policy: among a
 * schedule's participants or imported shifts, or a notifier's users. */
static int
person_known(const struct relay_cfg *cfg, const char *person)
{
	for (size_t i = 0; i < cfg->n_schedules; i++) {
		const struct wr_schedule *s = cfg->schedules[i].s;

		for (size_t j = 0; j < s->n_layers; j++) {
			const struct wr_layer *ly = &s->layers[j];

			for (size_t k = 0; k < ly->n_people; k++)
				if (strcmp(ly->people[k], person) == 0)
					return 1;
			for (size_t k = 0; k < ly->n_shifts; k++)
				if (ly->shifts[k].person != NULL &&
				    strcmp(ly->shifts[k].person, person) == 0)
					return 1;
		}
	}
	for (size_t i = 0; i < cfg->n_notifiers; i++)
		for (size_t k = 0; k < cfg->notifiers[i].n_users; k++)
			if (strcmp(cfg->notifiers[i].users[k], person) == 0)
				return 1;
	return 0;
}

char *
relay_cfg_policies_report(const struct relay_cfg *cfg, int64_t at)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		util_die("open_memstream: %s", strerror(errno));
	for (size_t i = 0; i < cfg->n_policies; i++) {
		const struct wr_policy *p = cfg->policies[i];
		char *match = wr_policy_match_text(p);

		fprintf(f, "policy %s (%s%s%s)\n", p->name, p->has_match ?
		    "match" : "the default", *match != '\0' ? " " : "", match);
		free(match);
		for (size_t j = 0; j < p->n_steps; j++) {
			const struct wr_policy_step *st = &p->steps[j];

			char d[32];

			wr_format_duration(st->delay_ms, d, sizeof d);
			fprintf(f, "  step %zu after %s:", j + 1,
			    st->delay_ms == 0 ? "0m" : d);
			for (size_t k = 0; k < st->n_targets; k++) {
				const struct relay_schedule *rs =
				    relay_cfg_schedule(cfg, st->targets[k]);

				fprintf(f, "%s %s", k ? "," : "",
				    st->targets[k]);
				if (rs != NULL) {
					struct wr_oncall oc;

					wr_schedule_at(rs->s, at, &oc);
					fprintf(f, " (schedule: %s now)",
					    oc.person ? oc.person : "nobody");
				} else if (!person_known(cfg, st->targets[k]))
					/* a schedule's name mistyped is
					 * paged as a person nobody is */
					fprintf(f, " (warning: no schedule of "
					    "that name, and no schedule or "
					    "notifier names that person)");
			}
			fputc('\n', f);
		}
		if (p->repeat > 0)
			fprintf(f, "  then %d more round%s\n", p->repeat,
			    p->repeat == 1 ? "" : "s");
		if (p->ack_timeout_ms > 0) {
			char d[32];

			wr_format_duration(p->ack_timeout_ms, d, sizeof d);
			fprintf(f, "  an acknowledgement expires after %s\n",
			    d);
		}
	}
	if (fclose(f) != 0)
		util_die("open_memstream: %s", strerror(errno));
	return text;
}
