/*
 * config.h: warroomd's settings, from its command line and its config file.
 *
 * One table of options (relay/config.c) drives both: getopt_long's list,
 * the --help text, and the keys before any section of the INI file are the
 * same long names, and every value goes through the same setter, so a
 * value the command line refuses the file refuses too, for the same reason.
 * The file's sections ([sender NAME], [severity], [schedule NAME],
 * [layer NAME.LAYER], [notifier NAME], [policy NAME]) are parsed here into data the other parts of the
 * relay use; a schedule's time zone is read from the system's zoneinfo as
 * its timezone line is read (store/tzif.c).
 */
#ifndef WR_RELAY_CONFIG_H
#define WR_RELAY_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/severity.h"

/* A [sender NAME] section: NAME is an ingest token's name. */
struct relay_sender {
	char *name;
	char *alertmanager;	/* its API base URL as written, or NULL */
	char *am_host;		/* parsed from it */
	int am_port;
	char *am_path;		/* "/" when the URL had none */
	/* how often the silences made through it are read again (ms);
	 * RELAY_SILENCE_REFRESH_MS when not said */
	int64_t silence_refresh_ms;
	char *where;		/* "FILE:LINE" of its section header */
};

#define RELAY_SILENCE_REFRESH_MS	60000

struct wr_schedule;

/* A [schedule NAME] section with its [layer NAME.LAYER] sections. */
struct relay_schedule {
	struct wr_schedule *s;	/* name, zone, layers (each with its where) */
	char *where;		/* "FILE:LINE" of its section header */
	int64_t handoff_notice_ms;	/* 0: no notice */
	/* ical = FILE: its shifts are the layer named "ical" (where the key
	 * is, among the layers), read when the file's end is reached. */
	char *ical_path;	/* relative to the config file's directory */
	int ical_attendee;	/* ical-person = attendee */
};

/* A [notifier NAME] section: how pages and handoff notices reach the
 * people it serves (relay/notify.c delivers). */
enum relay_notifier_type {
	RELAY_NOTIFIER_NONE = 0,	/* no type line (refused at the end) */
	RELAY_NOTIFIER_WEBHOOK,
	RELAY_NOTIFIER_COMMAND
};

struct relay_notifier {
	char *name;
	char *where;		/* "FILE:LINE" of its section header */
	enum relay_notifier_type type;
	/* webhook: url = (its path may be a secret: never logged) */
	char *url;
	char *url_host;
	int url_port;
	int url_tls;
	char *url_path;		/* with the query */
	int slack;		/* format = slack (else json) */
	/* ca-file = FILE: the certificates an https webhook's server is
	 * checked against instead of the system's (a private CA); read at
	 * load to refuse a file that holds none, the relay's TLS context
	 * reads the file itself (ca_path) */
	char *ca_path;
	unsigned char **ca_der;
	size_t *ca_len;
	size_t n_ca;
	/* command: run with /bin/sh -c, the JSON on its stdin */
	char *command;
	/* users = alice, bob | * */
	char **users;
	size_t n_users;
	int all_users;
	int has_users;
	int64_t timeout_ms;	/* an attempt's bound; default 10 s */
	int retries;		/* attempts after the first; default 4 */
	int64_t retry_ms;	/* the first wait, doubled each time, capped
				 * at RELAY_NOTIFY_RETRY_CAP_MS */
};
#define RELAY_NOTIFY_RETRY_CAP_MS	(15 * 60 * 1000)

struct relay_opt;

/* One option as the command line gave it, kept so that a reload (SIGHUP)
 * applies it again over the files: the command line still wins. */
struct relay_cfg_arg {
	const struct relay_opt *o;
	char *value;		/* NULL for a flag */
};

struct relay_cfg {
	char *listen_host;	/* default 127.0.0.1 */
	int port;		/* default 8470 */
	char *db_path;
	char *tokens_path;
	int no_auth;
	int no_auth_non_loopback;	/* --no-auth off loopback, on purpose */
	char *tls_cert;
	char *tls_key;
	char *log_path;		/* NULL: stderr */
	size_t body_limit;	/* bytes, default 16 MiB */
	size_t frame_limit;	/* bytes, default 1 MiB */
	int heartbeat_ms;	/* default 10000 */
	int drain_timeout_ms;	/* default 30000 */
	int body_timeout_ms;	/* headers to the body's end, default 30000 */
	int64_t retention_ms;	/* 0: forever */
	char *replay_path;	/* a scenario to play into the relay */
	int verbose;

	struct relay_sender *senders;	/* [sender NAME] sections */
	size_t n_senders;
	struct wr_severity_table severity;	/* [severity] additions */
	struct relay_schedule *schedules;	/* in file order */
	size_t n_schedules;
	struct relay_notifier *notifiers;	/* in file order */
	size_t n_notifiers;
	/* [policy NAME] sections, in file order (core/policy.h), and the
	 * "FILE:LINE" of each one's header */
	struct wr_policy **policies;
	char **policy_where;
	size_t n_policies;

	/* What relay_cfg_build() made it from, for relay_cfg_reload(). */
	int built;
	char **files;		/* the --config files, in order */
	size_t n_files;
	struct relay_cfg_arg *args;	/* then the command line's options */
	size_t n_args;
	/* iCalendar files are expanded from a year before this instant to
	 * two after it (Unix ms; 0: now).  relay_cfg_build_at() sets it;
	 * a reload keeps it. */
	int64_t ical_around_ms;
};

enum relay_opt_type {
	RELAY_OPT_STRING,	/* any non-empty text */
	RELAY_OPT_PATH,		/* a file name */
	RELAY_OPT_HOSTPORT,	/* 127.0.0.1:8470, [::1]:8470 */
	RELAY_OPT_SIZE,		/* 65536, 64k, 16M, 1G */
	RELAY_OPT_DURATION,	/* 10s, 2m, 12h, 30d, 1w */
	RELAY_OPT_INT,		/* a whole number in a range */
	RELAY_OPT_FLAG		/* no argument; true/false in the file */
};

/* One operator option: its long name, its kind, where it lands. */
struct relay_opt {
	const char *name;
	enum relay_opt_type type;
	const char *arg;	/* the placeholder in --help: "HOST:PORT" */
	const char *help;	/* one line or more, '\n' between */
	size_t off;		/* offset in struct relay_cfg */
	size_t width;		/* sizeof that member (int or 64-bit) */
	size_t off2;		/* HOSTPORT: the port's offset (an int) */
	int64_t min, max;	/* SIZE, DURATION (ms), INT */
	int flags;		/* RELAY_OPT_PLAIN_MS */
};
#define RELAY_OPT_PLAIN_MS	1	/* a bare number is milliseconds */
#define RELAY_OPT_RESTART	2	/* a reload cannot change it */

void relay_cfg_defaults(struct relay_cfg *cfg);
void relay_cfg_free(struct relay_cfg *cfg);

/* The table, *n rows; and one row by long name (NULL when unknown). */
const struct relay_opt *relay_cfg_options(size_t *n);
const struct relay_opt *relay_cfg_option(const char *name);

/*
 * Set one option from its text (NULL for a flag given on the command
 * line).  Returns 0, or -1 with *cause (malloc'd) saying what is wrong
 * with the value, without the option's name: the caller says where it
 * came from ("--heartbeat: ..." or "relay.conf:3: heartbeat: ...").
 */
int relay_cfg_set(struct relay_cfg *cfg, const struct relay_opt *o,
    const char *value, char **cause);

/*
 * Read an INI config file: keys before any section are the long option
 * names, then [sender NAME], [severity], [schedule NAME] and
 * [layer NAME.LAYER] sections (warroom.conf(5)); a schedule that lacks
 * something is refused at the line of its header.  A key given twice
 * keeps the later value.  Returns 0, or -1 with *cause
 * ("relay.conf:3: heartbeat: '2k' is not a duration (use 10s, 2m, ...)").
 */
int relay_cfg_load(struct relay_cfg *cfg, const char *path, char **cause);

/*
 * The whole configuration, the one way it is made at start and on
 * SIGHUP: the defaults, then each file in order, then the command line's
 * options (which win), then relay_cfg_check().  cfg is overwritten and
 * keeps copies of files and args; free it with relay_cfg_free() whatever
 * this returns.  Returns 0, or -1 with *cause (the file and line, or
 * "--heartbeat: ...").
 */
int relay_cfg_build(struct relay_cfg *cfg, const char *const *files,
    size_t n_files, const struct relay_cfg_arg *args, size_t n_args,
    char **cause);
/* The same, the iCalendar files read around the instant around_ms (0:
 * now), for --check-config --at. */
int relay_cfg_build_at(struct relay_cfg *cfg, const char *const *files,
    size_t n_files, const struct relay_cfg_arg *args, size_t n_args,
    int64_t around_ms, char **cause);

/*
 * SIGHUP: build out again from the files and options old was built from
 * (relay_cfg_build()), reading the files anew.  old is untouched.  Returns
 * 0, or -1 with *cause; out is to be freed either way.
 */
int relay_cfg_reload(const struct relay_cfg *old, struct relay_cfg *out,
    char **cause);

/*
 * After relay_cfg_reload(): the options marked RELAY_OPT_RESTART (the
 * address, the database, TLS, the log, the token file's name, ...) that
 * differ in cfg are set back to old's values.  Returns NULL when none
 * differed, else a text for the log (malloc'd): "listen 127.0.0.1:8470
 * (the new configuration says 0.0.0.0:8470), db ...".
 */
char *relay_cfg_keep_restart(struct relay_cfg *cfg,
    const struct relay_cfg *old);

/*
 * What no single value can say: --tls-cert without --tls-key, neither
 * --tokens nor --no-auth, --no-auth on an address off loopback.  Returns
 * 0, or -1 with *cause.
 */
int relay_cfg_check(const struct relay_cfg *cfg, char **cause);

struct tokens;
/*
 * Once the token file is read: every [sender NAME] names a token with the
 * ingest role (a misspelt name would silently never be used).  Returns 0,
 * or -1 with *cause naming the section's file and line.
 */
int relay_cfg_check_senders(const struct relay_cfg *cfg,
    const struct tokens *t, char **cause);

/* The [sender NAME] section for a token's name, or NULL. */
const struct relay_sender *relay_cfg_sender(const struct relay_cfg *cfg,
    const char *name);

/* The notifier named name, or NULL; whether n serves person. */
const struct relay_notifier *relay_cfg_notifier(const struct relay_cfg *cfg,
    const char *name);
int relay_cfg_notifier_serves(const struct relay_notifier *n,
    const char *person);
/* The policy named name, or NULL. */
struct wr_policy;
const struct wr_policy *relay_cfg_policy(const struct relay_cfg *cfg,
    const char *name);
/* What --check-config prints for the policies: each one's match, steps,
 * repeats and ack-timeout, and whom each step pages at instant at.
 * Malloc'd; "" when there are none. */
char *relay_cfg_policies_report(const struct relay_cfg *cfg, int64_t at);

/* The schedule named name, or NULL. */
const struct relay_schedule *relay_cfg_schedule(const struct relay_cfg *cfg,
    const char *name);

/*
 * What --check-config prints for the schedules: for each, who is on call
 * at instant at (Unix ms), who is next and the next gap within a week,
 * times in UTC with the schedule's local time beside them.  Returns the
 * text (malloc'd; "" when there are no schedules).
 */
char *relay_cfg_schedules_report(const struct relay_cfg *cfg, int64_t at);

#endif
