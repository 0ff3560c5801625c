/*
 * postmortem.c: an incident's postmortem from the command line and the
 * editor both the console's P and `warroom postmortem ID --edit` run.
 *
 * `warroom postmortem ID [--version N]` catches up like list and prints
 * the latest version (and any saved beside it, between marker lines, as
 * the editor would start), or version N; what it is (who saved it, when,
 * what it missed) goes to stderr, so that stdout is the document.
 * `--edit` starts $VISUAL or $EDITOR (else vi) on it in a private file
 * (0600, removed after), prefilled the first time from the team's
 * template (the console config's postmortem-template, else the built-in
 * one; core/postmortem.h fills it from the events), and saves what was
 * written as the next version through the outbox, like any op: a file
 * left unchanged saves nothing, and says so.  `warroom actions` lists the
 * action items of every incident's latest version.
 *
 * The text that came over the wire is sanitised before it reaches the
 * terminal, line by line (the line ends are the document's own).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>

#include "cli/session.h"
#include "core/postmortem.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "store/file.h"
#include "store/store.h"

const char *
cli_editor(void)
{
	const char *ed = getenv("VISUAL");

	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	return ed;
}

char *
cli_pm_template(const struct cli_opts *o, char **cause)
{
	FILE *fp;
	char *buf;
	size_t n;

	if (o->pm_template == NULL || o->pm_template[0] == '\0')
		return xstrdup(wr_pm_default_template);
	if ((fp = fopen(o->pm_template, "r")) == NULL) {
		*cause = xasprintf("cannot read the postmortem template %s: %s "
		    "(postmortem-template in the config file)",
		    o->pm_template, strerror(errno));
		return NULL;
	}
	buf = xmalloc(WR_POSTMORTEM_MAX + 2);
	n = fread(buf, 1, WR_POSTMORTEM_MAX + 1, fp);
	if (ferror(fp) || n > WR_POSTMORTEM_MAX) {
		*cause = n > WR_POSTMORTEM_MAX ? xasprintf("the postmortem "
		    "template %s is over %d bytes", o->pm_template,
		    WR_POSTMORTEM_MAX) : xasprintf("cannot read the "
		    "postmortem template %s: %s", o->pm_template,
		    strerror(errno));
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

char *
cli_pm_start_text(const struct cli_opts *o, const struct wr_incident *inc,
    const struct wr_evlist *ev, int64_t *base, char **cause)
{
	struct wr_pm_history h;
	char *text, *tmpl;

	wr_pm_history_build(&h, ev->v, ev->n);
	text = wr_pm_editor_text(&h, base);
	wr_pm_history_free(&h);
	if (text != NULL)
		return text;
	*base = 0;
	if ((tmpl = cli_pm_template(o, cause)) == NULL)
		return NULL;
	text = wr_pm_template_fill(tmpl, inc, ev->v, ev->n);
	free(tmpl);
	return text;
}

int
cli_pm_file_make(const char *text, char *path, size_t size, char **cause)
{
	const char *dir = getenv("TMPDIR");
	size_t len = strlen(text);
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(path, size, "%s/warroom-postmortem.XXXXXX.md", dir);
	/* mkstemps makes it 0600, ours alone */
	if ((fd = mkstemps(path, 3)) < 0) {
		*cause = xasprintf("cannot make a file for the postmortem in "
		    "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*cause = xasprintf("cannot write %s: %s", path,
			    strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", path,
		    strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

enum cli_pm_edit
cli_pm_file_take(const char *path, const char *before, char **text,
    char **cause)
{
	size_t n;
	char *buf;
	int err;
	int64_t merge;

	*text = NULL;
	if (store_read_file(path, WR_POSTMORTEM_MAX, &buf, &n, &err) != 0) {
		*cause = err == EFBIG ? xasprintf("the postmortem is over %d "
		    "bytes; nothing was saved", WR_POSTMORTEM_MAX) :
		    xasprintf("cannot read %s back: %s", path, strerror(err));
		return CLI_PM_FAILED;
	}
	if (strlen(buf) != n) {
		*cause = xstrdup("the postmortem has a NUL byte in it; nothing "
		    "was saved");
		free(buf);
		return CLI_PM_FAILED;
	}
	if (strcmp(buf, before) == 0) {
		free(buf);
		return CLI_PM_UNCHANGED;
	}
	if ((merge = wr_pm_merge_block(buf)) != 0) {
		*cause = xasprintf("it still holds v%lld's marker lines "
		    "(<<<<<<< v%lld): merge what you keep and delete them; "
		    "nothing was saved", (long long)merge, (long long)merge);
		free(buf);
		return CLI_PM_FAILED;
	}
	if (buf[strspn(buf, " \t\r\n")] == '\0') {
		free(buf);
		return CLI_PM_EMPTY;
	}
	*text = buf;
	return CLI_PM_CHANGED;
}

/* Run the editor on path from a shell's terminal, and wait for it. */
static int
run_editor(const char *path, char **cause)
{
	const char *ed = cli_editor();
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		*cause = xasprintf("cannot start the editor: %s",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path,
		    (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			*cause = xasprintf("waiting for the editor: %s",
			    strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*cause = xasprintf("the editor (%s) failed; nothing was saved",
		    ed);
		return -1;
	}
	return 0;
}

/* Print text to stdout, each line sanitised. */
static void
put_text(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		char *line = sanitize_text(p, len > 0 && p[len - 1] == '\r' ?
		    len - 1 : len);

		printf("%s\n", line);
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
}

static void
say_version(int64_t id, const struct wr_pm_version *v)
{
	char when[40], why[160];
	char *by = sanitize_text(v->by ? v->by : "?", v->by ? strlen(v->by) :
	    1), *w;

	wr_time_format(v->at, when, sizeof when);
	wr_pm_conflict_words(v, why, sizeof why);
	w = sanitize_text(why, strlen(why));
	fprintf(stderr, "warroom: postmortem v%lld of #%lld, saved by %s at "
	    "%s%s%s\n", (long long)v->version, (long long)id, by, when,
	    w[0] ? "; " : "", w);
	free(by);
	free(w);
}

/* Catch up, then the incident and its events; rc as cli_catch_up's. */
static int
load(struct cli_session *s, const struct cli_opts *o, int64_t id,
    const char *what, struct wr_incident **inc, struct wr_evlist *ev)
{
	char *cause = NULL;
	int rc = cli_catch_up(s, o, what);

	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE)
		return rc;
	if ((*inc = wr_room_get(&s->room, id)) == NULL) {
		fprintf(stderr, "warroom: no incident #%lld\n", (long long)id);
		return CLI_EX_REFUSED;
	}
	if (store_incident_events(s->store, id, ev, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		return CLI_EX_IOERR;
	}
	return rc;
}

static int
pm_print(const struct cli_opts *o, int64_t id)
{
	struct cli_session s;
	struct wr_incident *inc = NULL;
	struct wr_evlist ev = { 0 };
	struct wr_pm_history h = { 0 };
	const struct wr_pm_version *v;
	int rc = load(&s, o, id, "warroom/" WR_VERSION " postmortem", &inc,
	    &ev);

	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE)
		goto out;
	wr_pm_history_build(&h, ev.v, ev.n);
	if (h.n == 0 && inc->pm_version > 0) {
		/* A snapshot carries the versions (relay/feed.c); one from
		 * a relay older than that had the summary only. */
		fprintf(stderr, "warroom: #%lld has a postmortem (v%lld), but "
		    "this console's copy of the log does not have its text "
		    "(it began with a snapshot from a relay that did not send "
		    "the versions with it); a console that has followed the "
		    "relay since the save has it\n", (long long)id,
		    (long long)inc->pm_version);
		rc = CLI_EX_REFUSED;
		goto out;
	}
	if (h.n == 0) {
		fprintf(stderr, "warroom: #%lld has no postmortem yet "
		    "(warroom postmortem %lld --edit starts one)\n",
		    (long long)id, (long long)id);
		rc = CLI_EX_REFUSED;
		goto out;
	}
	if (o->pm_version > 0) {
		if ((v = wr_pm_history_get(&h, o->pm_version)) == NULL) {
			fprintf(stderr, "warroom: #%lld has no postmortem "
			    "v%lld (it has %zu)\n", (long long)id,
			    (long long)o->pm_version, h.n);
			rc = CLI_EX_REFUSED;
			goto out;
		}
		say_version(id, v);
		put_text(v->text);
	} else {
		int64_t base;
		char *text = wr_pm_editor_text(&h, &base);

		/* the latest, and what was saved beside it */
		say_version(id, wr_pm_history_latest(&h));
		for (size_t i = 0; i + 1 < h.n; i++)
			if (!h.v[i].superseded)
				say_version(id, &h.v[i]);
		put_text(text);
		free(text);
	}
	if (fflush(stdout) == EOF)
		rc = CLI_EX_IOERR;
out:
	wr_pm_history_free(&h);
	wr_evlist_free(&ev);
	cli_session_close(&s);
	return rc;
}

static int
pm_edit(const struct cli_opts *o, int64_t id)
{
	struct cli_session s;
	struct wr_incident *inc = NULL;
	struct wr_evlist ev = { 0 };
	char path[4096], *before = NULL, *after = NULL, *cause = NULL;
	int64_t base = 0;
	int rc = load(&s, o, id, "warroom/" WR_VERSION " postmortem", &inc,
	    &ev);

	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE) {
		wr_evlist_free(&ev);
		cli_session_close(&s);
		return rc;
	}
	before = cli_pm_start_text(o, inc, &ev, &base, &cause);
	wr_evlist_free(&ev);
	/* the editor may take an hour: no connection is held meanwhile */
	cli_session_close(&s);
	if (before == NULL) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		return CLI_EX_IOERR;
	}
	if (cli_pm_file_make(before, path, sizeof path, &cause) != 0) {
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		free(before);
		return CLI_EX_IOERR;
	}
	if (run_editor(path, &cause) != 0) {
		fprintf(stderr, "warroom: %s; what the editor left is in %s\n",
		    cause, path);
		free(cause);
		free(before);
		return CLI_EX_SOFTWARE;
	}
	switch (cli_pm_file_take(path, before, &after, &cause)) {
	case CLI_PM_UNCHANGED:
		printf("the postmortem of #%lld is unchanged: nothing saved\n",
		    (long long)id);
		rc = CLI_EX_OK;
		break;
	case CLI_PM_EMPTY:
		printf("the postmortem of #%lld is empty: nothing saved\n",
		    (long long)id);
		rc = CLI_EX_OK;
		break;
	case CLI_PM_FAILED:
		fprintf(stderr, "warroom: %s\n", cause);
		free(cause);
		rc = CLI_EX_REFUSED;
		break;
	case CLI_PM_CHANGED:
		rc = cli_op_postmortem(o, id, after, base);
		break;
	}
	/* applied, or queued in the outbox (75): saved; else the text stays */
	if (rc == CLI_EX_OK || rc == CLI_EX_UNREACHABLE)
		unlink(path);
	else
		fprintf(stderr, "warroom: what you wrote is kept in %s\n", path);
	free(before);
	free(after);
	return rc;
}

int
cli_postmortem(const struct cli_opts *o, int argc, char **argv)
{
	char *end;
	long long id;

	if (argc != 1 || (id = strtoll(argv[0][0] == '#' ? argv[0] + 1 :
	    argv[0], &end, 10)) < 1 || *end != '\0') {
		fprintf(stderr, "warroom: postmortem takes one incident "
		    "number\n");
		cli_sub_usage(stderr, cli_sub_find("postmortem"));
		return CLI_EX_USAGE;
	}
	if (o->pm_edit && o->pm_version > 0) {
		fprintf(stderr, "warroom: postmortem: --edit always edits the "
		    "latest version; --version prints an older one\n");
		cli_sub_usage(stderr, cli_sub_find("postmortem"));
		return CLI_EX_USAGE;
	}
	return o->pm_edit ? pm_edit(o, id) : pm_print(o, id);
}

/* ---- action items -------------------------------------------------------- */

/* Whether item x is among a[0..n) (the same owner, text and state). */
static int
item_in(const struct wr_pm_action *x, const struct wr_pm_action *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].done == x->done && strcmp(a[i].owner, x->owner) == 0 &&
		    strcmp(a[i].text, x->text) == 0)
			return 1;
	return 0;
}

/* The items of version v of incident inc that the options keep; those of
 * a version saved beside the latest (a conflict not merged yet) are
 * marked, and left out where the latest has them too. */
static void
put_actions(const struct cli_opts *o, json_t *all,
    const struct wr_incident *inc, const struct wr_pm_version *v,
    const struct wr_pm_version *latest, const struct wr_pm_action *la,
    size_t nla)
{
	struct wr_pm_action *a = NULL;
	size_t n = wr_pm_actions_parse(v->text, &a);
	int beside = v != latest;

	for (size_t i = 0; i < n; i++) {
		if ((o->open_only && a[i].done) || (o->owner != NULL &&
		    strcmp(o->owner, a[i].owner) != 0) ||
		    (beside && item_in(&a[i], la, nla)))
			continue;
		if (all != NULL) {
			json_array_append_new(all, json_pack("{s:I, s:s?, s:I, "
			    "s:b, s:s, s:s, s:i, s:b}", "incident",
			    (json_int_t)inc->id, "title", inc->title,
			    "version", (json_int_t)v->version, "done",
			    a[i].done, "owner", a[i].owner, "text", a[i].text,
			    "line", a[i].line, "beside", beside));
		} else {
			char *ow = sanitize_text(a[i].owner,
			    strlen(a[i].owner));
			char *tx = sanitize_text(a[i].text, strlen(a[i].text));

			if (beside)
				printf("#%-5lld [%c] %-12s %s (in v%lld, saved "
				    "beside v%lld)\n", (long long)inc->id,
				    a[i].done ? 'x' : ' ', ow, tx,
				    (long long)v->version,
				    (long long)latest->version);
			else
				printf("#%-5lld [%c] %-12s %s\n",
				    (long long)inc->id, a[i].done ? 'x' : ' ',
				    ow, tx);
			free(ow);
			free(tx);
		}
	}
	wr_pm_actions_free(a, n);
}

int
cli_actions(const struct cli_opts *o)
{
	struct cli_session s;
	json_t *all = o->json ? json_array() : NULL;
	char *cause = NULL;
	int rc = cli_catch_up(&s, o, "warroom/" WR_VERSION " actions");

	if (rc != CLI_EX_OK && rc != CLI_EX_UNREACHABLE) {
		cli_session_close(&s);
		json_decref(all);
		return rc;
	}
	for (int64_t id = 1; id < s.room.next_id; id++) {
		const struct wr_incident *inc = wr_room_get(&s.room, id);
		struct wr_evlist ev = { 0 };
		struct wr_pm_history h;
		const struct wr_pm_version *v;
		struct wr_pm_action *a = NULL;
		size_t n;

		if (inc == NULL || inc->pm_version == 0)
			continue;
		if (store_incident_events(s.store, id, &ev, &cause) != 0) {
			fprintf(stderr, "warroom: %s\n", cause);
			free(cause);
			wr_evlist_free(&ev);
			rc = CLI_EX_IOERR;
			break;
		}
		wr_pm_history_build(&h, ev.v, ev.n);
		v = wr_pm_history_latest(&h);
		n = v ? wr_pm_actions_parse(v->text, &a) : 0;
		if (v != NULL) {
			put_actions(o, all, inc, v, v, a, n);
			for (size_t i = 0; i + 1 < h.n; i++)
				if (!h.v[i].superseded && &h.v[i] != v)
					put_actions(o, all, inc, &h.v[i], v, a,
					    n);
		}
		wr_pm_actions_free(a, n);
		wr_pm_history_free(&h);
		wr_evlist_free(&ev);
	}
	if (all != NULL) {
		char *text = json_dumps(all, JSON_COMPACT);

		if (text == NULL)
			util_die("out of memory");
		printf("%s\n", text);
		free(text);
		json_decref(all);
	}
	if (fflush(stdout) == EOF)
		rc = CLI_EX_IOERR;
	cli_session_close(&s);
	return rc;
}
