/*
 * help.c: the `?` overlay, listing every key and command.  The table below
 * is the one place they are written down for people; a test checks that
 * every key the TUI handles appears in it.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"

#include "core/util.h"
#include "tui/tui-int.h"

const char *const tui_help_lines[] = {
	"Moving",
	"  j / k, Down / Up     next / previous incident (scroll in the detail)",
	"  g / G, Home / End    first / last",
	"  f                    follow the top: on the first row, stay there as",
	"                       new incidents sort in (off: stay on the incident)",
	"  PgDn / PgUp, ^F ^B   a page down / up",
	"  Enter                open the selected incident's detail",
	"  Tab / Shift-Tab      next / previous pane: list, detail, on call",
	"  Esc                  back to the list; clear the filter; dismiss an error",
	"  z                    zoom the focused pane",
	"  x                    dismiss the \"escalated to you\" banner (until the",
	"                       incident's next step)",
	"  mouse                click selects, double-click opens, wheel scrolls",
	"  ^L                   redraw the screen",
	"",
	"Acting on the selected incident",
	"  a                    acknowledge",
	"  A                    unacknowledge",
	"  r                    resolve (asks y/n)",
	"  R                    reopen (asks y/n)",
	"  t                    take it (assign to me)",
	"  n                    add a one-line note",
	"  N                    write a longer note in $VISUAL / $EDITOR",
	"  P                    edit the postmortem in $VISUAL / $EDITOR",
	"  B                    acknowledge every triggered incident the filter shows",
	"                       (one confirmation, one op each)",
	"",
	"Finding",
	"  /                    filter: words match title, service, acked-by,",
	"                       assignee, labels; state:S sev:S #ID",
	"                       (state:open = not resolved; names may be prefixes)",
	"",
	"Commands (:)",
	"  :ack [ID]  :unack [ID]  :resolve [ID]  :reopen [ID]",
	"  :note [ID] TEXT     :assign [ID] NAME   :take [#ID]",
	"  :sev [ID] LEVEL     critical, error, warning or info; it then sticks",
	"  :silence [ID] DURATION [COMMENT] [NAME=VALUE...]",
	"                      silence its alerts at Alertmanager (asks first)",
	"  :unsilence [ID] [SILENCE]  expire its silence there",
	"  :snooze [ID] D      snooze an acknowledged incident for D (30m, 2h):",
	"                       then it is triggered again and escalates again",
	"  :ackall             acknowledge all that the filter shows (as B)",
	"  :postmortem [ID]    edit the postmortem (as P)",
	"  :export [ID] FILE   write the incident's export (Markdown) to FILE",
	"  :filter TEXT        :filter (no text) clears it",
	"  :sort KEY           sev, age, state (default), service, id; -KEY reverses",
	"  :theme NAME         default, light, solarized-dark, high-contrast, mono",
	"  :user NAME          act as NAME from now on",
	"  :oncall week        the next 7 days' shifts; :oncall now goes back",
	"  :override SCHEDULE PERSON DURATION   or  ... PERSON FROM UNTIL",
	"                      put PERSON (me: you) on call; :override rm ID",
	"  :cover SCHEDULE FROM UNTIL [REASON]  ask the room to cover for you;",
	"                      :cover rm ID withdraws your request",
	"  :take ID            take cover request ID (the on-call pane lists them)",
	"  O                   in the on-call pane: :override for its schedule",
	"  :stats [WHEN] [KEY] MTTA, MTTR, who acked and was woken, hours on call,",
	"                      since WHEN (30d; 7d, an RFC 3339 time) by service,",
	"                      severity, person or policy (as warroom stats)",
	"  :open ID  or  :ID   select incident ID",
	"  :help  ?            this help",
	"  :q  q               quit (asks when ops are queued; :q! does not)",
	"",
	"Marks in the list",
	"  S#12                 left of the id: silenced at Alertmanager (until",
	"                       the silence ends; the detail lists its silences)",
	"",
	"Ops are saved to the outbox first and shown \"queued\" until the relay",
	"confirms them; a refused op shows its reason on the status line.",
	NULL
};

struct help {
	int scroll;
	int hscroll;		/* columns of every line passed (h/l) */
	/* A report shown in the overlay instead of the keys (:stats): its
	 * title and lines, owned; NULL for the keys. */
	char *title;
	char **lines;
	size_t n_lines;
	/* the keys' first line: which relay this console is of (sanitised),
	 * so that another shell's subcommands can be pointed at it */
	char *relay;
};

static void
report_free(struct help *h)
{
	for (size_t i = 0; i < h->n_lines; i++)
		free(h->lines[i]);
	free(h->lines);
	free(h->title);
	h->lines = NULL;
	h->title = NULL;
	h->n_lines = 0;
}

static int
help_count(const struct help *h)
{
	int n = 0;

	if (h->title != NULL)
		return (int)h->n_lines;
	while (tui_help_lines[n] != NULL)
		n++;
	return n + (h->relay != NULL ? 2 : 0);
}

static const char *
help_line(const struct help *h, int i)
{
	if (h->title != NULL)
		return h->lines[i];
	if (h->relay != NULL && i < 2)
		return i == 0 ? h->relay : "";
	return tui_help_lines[i - (h->relay != NULL ? 2 : 0)];
}

void
tui_help_show(struct tui *t, int on)
{
	struct help *h = t->pane[PANE_HELP].priv;

	t->help_on = on;
	h->scroll = 0;
	h->hscroll = 0;
	report_free(h);
	free(h->relay);
	h->relay = NULL;
	if (on && t->feed_url != NULL) {
		char *raw = xasprintf("  this console's relay: %s",
		    t->feed_url);

		h->relay = tui_clean(raw);
		free(raw);
	}
	/* What was under the overlay must be drawn again. */
	tui_dirty_all(t);
}

void
tui_help_show_report(struct tui *t, const char *title, char **lines,
    size_t n)
{
	struct help *h = t->pane[PANE_HELP].priv;

	tui_help_show(t, 1);
	h->title = xstrdup(title);
	h->lines = lines;
	h->n_lines = n;
}

/* s past its first cols display columns (a wide character the cut
 * would halve is passed whole); s is sanitised, valid UTF-8. */
static const char *
skip_cols(const char *s, int cols)
{
	mbstate_t ps;

	memset(&ps, 0, sizeof ps);
	while (cols > 0 && *s != '\0') {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, strlen(s), &ps);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			break;
		w = wcwidth(wc);
		cols -= w > 0 ? w : 0;
		s += k;
	}
	return s;
}

/* The widest line, in columns. */
static int
widest(const struct help *h)
{
	int n = help_count(h), max = 0;

	for (int i = 0; i < n; i++) {
		int w = sanitize_width(help_line(h, i));

		if (w > max)
			max = w;
	}
	return max;
}

static void
help_draw(struct tui *t, struct pane *p)
{
	struct help *h = p->priv;
	int n = help_count(h), inner = p->h - 2, wide = widest(h) > p->w - 4;

	wbkgdset(p->win, ' ' | tui_attr(t, ROLE_HELP));
	werase(p->win);
	wattrset(p->win, tui_attr(t, ROLE_BORDER));
	box(p->win, 0, 0);
	wattrset(p->win, A_NORMAL);
	tui_put(t, p->win, 0, 2, p->w - 4, ROLE_TITLE, h->title != NULL ?
	    h->title : " warroom keys - Esc or ? closes ");
	if (h->scroll > n - inner)
		h->scroll = n - inner > 0 ? n - inner : 0;
	/* lines wider than the overlay (a narrow terminal) scroll sideways
	 * rather than lose their ends */
	if (h->hscroll > widest(h) - (p->w - 4))
		h->hscroll = widest(h) - (p->w - 4) > 0 ? widest(h) -
		    (p->w - 4) : 0;
	for (int i = 0; i < inner && h->scroll + i < n; i++)
		tui_put(t, p->win, i + 1, 2, p->w - 4, ROLE_HELP,
		    skip_cols(help_line(h, h->scroll + i), h->hscroll));
	if ((n > inner || wide) && inner > 0)
		tui_put(t, p->win, p->h - 1, 2, p->w - 4, ROLE_BORDER,
		    n > inner && wide ? " j/k h/l scroll " : wide ?
		    " h/l scroll " : " j/k scroll ");
}

static int
help_key(struct tui *t, struct pane *p, int is_keycode, wint_t ch)
{
	struct help *h = p->priv;

	if ((!is_keycode && ch == 'j') || (is_keycode && ch == KEY_DOWN) ||
	    (is_keycode && ch == KEY_NPAGE) || (!is_keycode && ch == ' ')) {
		h->scroll += (is_keycode && ch == KEY_NPAGE) || ch == ' ' ?
		    p->h - 3 : 1;
		tui_dirty(t, PANE_HELP);
		return 1;
	}
	if ((!is_keycode && ch == 'k') || (is_keycode && ch == KEY_UP) ||
	    (is_keycode && ch == KEY_PPAGE)) {
		h->scroll -= is_keycode && ch == KEY_PPAGE ? p->h - 3 : 1;
		if (h->scroll < 0)
			h->scroll = 0;
		tui_dirty(t, PANE_HELP);
		return 1;
	}
	if ((!is_keycode && (ch == 'l' || ch == 'h')) || (is_keycode &&
	    (ch == KEY_RIGHT || ch == KEY_LEFT))) {
		int right = is_keycode ? ch == KEY_RIGHT : ch == 'l';

		h->hscroll += right ? 8 : -8;
		if (h->hscroll < 0)
			h->hscroll = 0;
		tui_dirty(t, PANE_HELP);
		return 1;
	}
	/* Any other key closes it; q closes it rather than quitting. */
	tui_help_show(t, 0);
	return 1;
}

static void
help_init(struct tui *t, struct pane *p)
{
	p->priv = xcalloc(1, sizeof(struct help));
}

static void
help_free(struct tui *t, struct pane *p)
{
	report_free(p->priv);
	free(((struct help *)p->priv)->relay);
	free(p->priv);
	p->priv = NULL;
}

const struct pane_ops tui_help_ops = {
	.name = "help",
	.init = help_init,
	.free = help_free,
	.draw = help_draw,
	.key = help_key,
};
