/*
 * stats.c: `:stats [WHEN] [KEY]`: the report `warroom stats` prints
 * (store_stats() over the console's store, the lines of core/stats.c),
 * for the window from WHEN (a duration back, "7d", or an RFC 3339 time;
 * default 30d) until now, by KEY (service, severity, person, policy) when
 * given, with the schedules the on-call pane has.  It is shown in the
 * overlay the help uses: j/k scroll, any other key closes it.  Every line
 * is sanitised: names came over the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/stats.h"
#include "core/util.h"
#include "store/store.h"
#include "tui/tui-int.h"

void
tui_stats_show(struct tui *t, const char *arg)
{
	char *copy = xstrdup(arg != NULL ? arg : ""), *save = NULL, *w;
	const char *when = WR_STATS_DEFAULT_SINCE;
	char err[WR_PARSE_ERR_MAX], *cause = NULL, *title;
	enum wr_stats_by by = WR_STATS_BY_NONE;
	const struct wr_schedule **sched;
	int64_t now = tui_now(t), since;
	struct wr_stats st;
	char **lines;
	size_t n, n_sched;

	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (wr_stats_by_parse(w, &by) == 0)
			continue;
		when = w;
	}
	if (wr_stats_parse_when(when, now, &since, err, sizeof err) != 0) {
		tui_error(t, "stats: %s; :stats [WHEN] [service|severity|"
		    "person|policy]", err);
		free(copy);
		return;
	}
	if (since >= now) {
		tui_error(t, "stats: %s is not in the past", when);
		free(copy);
		return;
	}
	if (t->store == NULL) {
		tui_error(t, "stats: this console has no database to count in");
		free(copy);
		return;
	}
	sched = tui_oncall_schedules(t, &n_sched);
	if (store_stats(t->store, since, now, by, sched, n_sched, &st,
	    &cause) != 0) {
		tui_error(t, "stats: %s", cause);
		free(cause);
		free((void *)sched);
		free(copy);
		return;
	}
	n = wr_stats_lines(&st, &lines);
	for (size_t i = 0; i < n; i++) {
		char *clean = tui_clean(lines[i]);

		free(lines[i]);
		lines[i] = clean;
	}
	title = xasprintf(" stats since %s%s%s - Esc closes ",
	    when, by != WR_STATS_BY_NONE ? " by " : "",
	    by != WR_STATS_BY_NONE ? wr_stats_by_name(by) : "");
	{
		char *clean = tui_clean(title);

		tui_help_show_report(t, clean, lines, n);
		free(clean);
	}
	free(title);
	wr_stats_free(&st);
	free((void *)sched);
	free(copy);
}
