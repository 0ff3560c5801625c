/*
 * tui.c: the view's struct, its public entry points, key dispatch and the
 * render orchestration.
 *
 * Changes only set dirty flags (tmux's server_client_check_redraw): the
 * loop's callbacks call tui_model_changed(), tui_set_feed() and friends,
 * which cost nothing but a flag.  tui_render() then draws every dirty pane
 * into its own window, wnoutrefresh()es each and ends in exactly one
 * doupdate() (tig's get_input()); tui_render_due() rate-limits that to a
 * few frames a second except right after a key press, so an alert storm
 * over a slow SSH link costs a few frames, not thousands.  Panes are
 * interchangeable behind struct pane_ops; the layout (layout.c) gives each
 * its place.
 */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/glyph.h"
#include "core/sanitize.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "tui/tui-int.h"

static const struct pane_ops *const pane_table[PANE_COUNT] = {
	[PANE_LIST] = &tui_list_ops,
	[PANE_DETAIL] = &tui_detail_ops,
	[PANE_ONCALL] = &tui_oncall_ops,
	[PANE_STATUS] = &tui_status_ops,
	[PANE_PROMPT] = &tui_prompt_ops,
	[PANE_HELP] = &tui_help_ops,
	[PANE_SMALL] = &tui_small_ops,
};

/* ---- life --------------------------------------------------------------- */

static char **
dirs_copy(const char *const *dirs)
{
	size_t n = 0;
	char **out;

	while (dirs != NULL && dirs[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(dirs[i]);
	return out;
}

struct tui *
tui_new(SCREEN *scr, struct wr_room *room, struct wr_store *store,
    const struct tui_config *cfg, const struct tui_actions *act)
{
	struct tui *t = xcalloc(1, sizeof *t);
	static const struct tui_config none;

	if (cfg == NULL)
		cfg = &none;
	/* Our own glyphs, and whether the data may reach the terminal as
	 * UTF-8: from the locale (LANG=C: ASCII only). */
	glyph_choose(nl_langinfo(CODESET));
	t->scr = scr;
	if (scr != NULL)
		set_term(scr);
	t->room = room;
	t->store = store;
	if (act != NULL)
		t->act = *act;
	t->user = xstrdup(cfg->user != NULL ? cfg->user : "");
	t->feed_url = xstrdup0(cfg->feed_url);
	t->theme_dirs = dirs_copy(cfg->theme_dirs != NULL ? cfg->theme_dirs :
	    tui_theme_dirs());
	t->utc = cfg->utc;
	t->quiet = cfg->quiet;
	t->no_color = cfg->no_color;
	t->mouse = cfg->mouse;
	t->clock_ms = cfg->clock_ms != NULL ? cfg->clock_ms : wr_now_ms;
	t->feed_state = TUI_FEED_CONNECTING;
	t->focus = PANE_LIST;
	t->layout_dirty = 1;
	t->cursor_on = -1;
	t->seen_gen = room->generation;

	for (int i = 0; i < PANE_COUNT; i++) {
		t->pane[i].ops = pane_table[i];
		if (t->pane[i].ops->init != NULL)
			t->pane[i].ops->init(t, &t->pane[i]);
		t->pane[i].dirty = 1;
	}

	if (has_colors() && !t->no_color && start_color() == OK) {
		t->has_color = 1;
		t->default_colors = use_default_colors() == OK;
	}
	tui_set_theme(t, cfg->theme);

	/* Reading from a pad never refreshes anything (wgetch refreshes a
	 * touched window first, and stdscr is never drawn). */
	t->input = newpad(1, 1);
	if (t->input != NULL) {
		keypad(t->input, TRUE);
		nodelay(t->input, TRUE);
		/* all 8 bits of a byte (tui_read_key in a non-UTF-8 locale) */
		meta(t->input, TRUE);
	}
	set_escdelay(25);
	if (t->mouse)
		mousemask(ALL_MOUSE_EVENTS, NULL);
	return t;
}

void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	if (t->scr != NULL)
		set_term(t->scr);
	tui_banner_free(t);
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &t->pane[i];

		if (p->ops->free != NULL)
			p->ops->free(t, p);
		if (p->win != NULL)
			delwin(p->win);
	}
	if (t->input != NULL)
		delwin(t->input);
	if (t->mouse)
		mousemask(0, NULL);
	for (size_t i = 0; i < t->n_ops; i++) {
		free(t->ops[i].op_id);
		free(t->ops[i].reason);
	}
	free(t->ops);
	free(t->marks);
	for (size_t i = 0; t->theme_dirs[i] != NULL; i++)
		free(t->theme_dirs[i]);
	free(t->theme_dirs);
	free(t->user);
	free(t->feed_url);
	free(t->theme_name);
	free(t->feed_detail);
	free(t->msg);
	free(t);
}

WINDOW *
tui_input_window(struct tui *t)
{
	return t->input;
}

int
tui_read_key(struct tui *t, int *is_keycode, wint_t *ch)
{
	int rc;

	if (t->input == NULL)
		return ERR;
	if (glyph_table()->ascii) {
		if ((rc = wgetch(t->input)) == ERR)
			return ERR;
		*is_keycode = rc >= KEY_MIN;
		*ch = (wint_t)rc;
		return OK;
	}
	if ((rc = wget_wch(t->input, ch)) == ERR)
		return ERR;
	*is_keycode = rc == KEY_CODE_YES;
	return OK;
}

/* ---- state from the loop -------------------------------------------------- */

void
tui_dirty(struct tui *t, int pane)
{
	if (pane >= 0 && pane < PANE_COUNT)
		t->pane[pane].dirty = 1;
}

void
tui_dirty_all(struct tui *t)
{
	for (int i = 0; i < PANE_COUNT; i++)
		t->pane[i].dirty = 1;
}

void
tui_set_feed(struct tui *t, enum tui_feed_state st, int stale_s, int retry_s,
    const char *detail)
{
	t->feed_state = st;
	t->stale_s = stale_s;
	t->retry_s = retry_s;
	util_set_str(&t->feed_detail, detail != NULL && *detail != '\0' ?
	    detail : NULL);
	tui_dirty(t, PANE_STATUS);
}

void
tui_set_user(struct tui *t, const char *user)
{
	util_set_str(&t->user, user != NULL ? user : "");
	tui_banner_rescan(t);	/* whose banners these are changed */
	tui_dirty(t, PANE_STATUS);
}

void
tui_set_bell_armed(struct tui *t, int armed)
{
	t->bell_armed = armed;
}

void
tui_set_schedules(struct tui *t, const struct tui_schedule *v, size_t n)
{
	int before = tui_oncall_lines(t);

	tui_oncall_set(t, v, n);
	if (tui_oncall_lines(t) != before)
		t->layout_dirty = 1;
	tui_detail_invalidate(t, 0);	/* who is on call for it */
	tui_dirty(t, PANE_ONCALL);
	tui_dirty(t, PANE_STATUS);	/* a near handoff */
}

void
tui_set_policies(struct tui *t, const struct wr_policy *const *v, size_t n)
{
	t->policies = n > 0 ? v : NULL;
	t->n_policies = n;
	tui_detail_invalidate(t, 0);
}

void
tui_set_queued_count(struct tui *t, int n)
{
	t->queued_count = n;
	tui_dirty(t, PANE_STATUS);
}

void
tui_model_changed(struct tui *t)
{
	tui_list_model_changed(t);
	tui_detail_room_changed(t);
	tui_dirty(t, PANE_STATUS);
}

void
tui_reload(struct tui *t)
{
	tui_list_reload(t);
	tui_detail_reload(t);
	tui_banner_rescan(t);
	t->seen_gen = t->room->generation;
	tui_dirty_all(t);
}

void
tui_incident_event(struct tui *t, const struct wr_event *e)
{
	if (e == NULL)
		return;
	if (wr_event_kind_info(e->kind)->scope == WR_SCOPE_SCHEDULE) {
		/* the pane follows the schedules frame that comes with it;
		 * a live one is also said on the status line */
		if (t->bell_armed)
			tui_oncall_event(t, e);
		tui_dirty(t, PANE_ONCALL);
		tui_dirty(t, PANE_STATUS);
		return;
	}
	if (e->kind == WR_EV_TRIGGERED && e->severity == WR_SEV_CRITICAL &&
	    t->bell_armed && !t->quiet)
		t->bell_pending = 1;
	tui_banner_event(t, e);
	/* Only the open incident's own events read the store again. */
	if (e->incident == tui_detail_incident(t))
		tui_detail_invalidate(t, 1);
	tui_list_touch(t, e->incident);
	tui_dirty(t, PANE_STATUS);
}

/* ---- ops ------------------------------------------------------------------ */

static struct tui_mark *
mark_slot(struct tui *t, int64_t id)
{
	if (id < 1)
		return NULL;
	if ((uint64_t)id > t->cap_marks) {
		size_t ncap = t->cap_marks ? t->cap_marks : 256;

		while (ncap < (uint64_t)id)
			ncap *= 2;
		t->marks = xrealloc(t->marks, ncap * sizeof *t->marks);
		memset(t->marks + t->cap_marks, 0,
		    (ncap - t->cap_marks) * sizeof *t->marks);
		t->cap_marks = ncap;
	}
	return &t->marks[id - 1];
}

const struct tui_mark *
tui_mark_of(const struct tui *t, int64_t id)
{
	if (id < 1 || (uint64_t)id > t->cap_marks)
		return NULL;
	return &t->marks[id - 1];
}

const struct tui_op *
tui_op_find(const struct tui *t, wr_op_kind kind, int64_t id)
{
	const struct tui_mark *m = tui_mark_of(t, id);

	/* The mark says whether a scan can find anything at all. */
	if (m == NULL || m->queued == 0)
		return NULL;
	for (size_t i = 0; i < t->n_ops; i++)
		if (!t->ops[i].refused && t->ops[i].incident == id &&
		    t->ops[i].kind == kind)
			return &t->ops[i];
	return NULL;
}

static void
op_remove(struct tui *t, size_t i)
{
	free(t->ops[i].op_id);
	free(t->ops[i].reason);
	memmove(&t->ops[i], &t->ops[i + 1],
	    (t->n_ops - i - 1) * sizeof *t->ops);
	t->n_ops--;
}

void
tui_op_queued(struct tui *t, const char *op_id, wr_op_kind kind,
    int64_t incident)
{
	struct tui_mark *m = mark_slot(t, incident);
	struct tui_op *op;

	/* A new op on the incident supersedes an old refusal. */
	for (size_t i = t->n_ops; i-- > 0;)
		if (t->ops[i].refused && t->ops[i].incident == incident)
			op_remove(t, i);
	if (t->n_ops == t->cap_ops) {
		t->cap_ops = t->cap_ops ? t->cap_ops * 2 : 16;
		t->ops = xrealloc(t->ops, t->cap_ops * sizeof *t->ops);
	}
	op = &t->ops[t->n_ops++];
	memset(op, 0, sizeof *op);
	op->op_id = xstrdup(op_id != NULL ? op_id : "");
	op->kind = kind;
	op->incident = incident;
	if (m != NULL) {
		m->queued++;
		m->refused = 0;
	}
	tui_dirty(t, PANE_LIST);
	tui_detail_invalidate(t, 0);
}

void
tui_op_done(struct tui *t, const char *op_id, int ok, const char *reason)
{
	size_t i;
	struct tui_mark *m;
	struct tui_op *op;

	for (i = 0; i < t->n_ops; i++)
		if (!t->ops[i].refused && op_id != NULL &&
		    strcmp(t->ops[i].op_id, op_id) == 0)
			break;
	if (i == t->n_ops) {
		/* Not one of ours (an op from an earlier run): still say a
		 * refusal out loud. */
		if (!ok)
			tui_error(t, "an op was refused: %s",
			    reason != NULL ? reason : "no reason given");
		return;
	}
	op = &t->ops[i];
	m = mark_slot(t, op->incident);
	if (m != NULL && m->queued > 0)
		m->queued--;
	if (ok) {
		/* replace the "queued" message the op left on the line */
		if (op->incident == 0)	/* a schedule-wide op */
			tui_message(t, "%s: done%s%s",
			    wr_op_kind_name(op->kind), reason != NULL ?
			    ", " : "", reason != NULL ? reason : "");
		else
			tui_message(t, "%s #%lld: done%s%s",
			    wr_op_kind_name(op->kind), (long long)op->incident,
			    reason != NULL ? ", " : "", reason != NULL ?
			    reason : "");
		op_remove(t, i);
	} else {
		op->refused = 1;
		util_set_str(&op->reason, reason != NULL ? reason :
		    "no reason given");
		if (m != NULL)
			m->refused = 1;
		if (op->incident == 0)
			tui_error(t, "%s refused: %s",
			    wr_op_kind_name(op->kind), op->reason);
		else
			tui_error(t, "%s #%lld refused: %s",
			    wr_op_kind_name(op->kind), (long long)op->incident,
			    op->reason);
	}
	tui_dirty(t, PANE_LIST);
	tui_detail_invalidate(t, 0);
}

/* ---- messages --------------------------------------------------------------- */

void
tui_vmessage(struct tui *t, int error, const char *fmt, va_list ap)
{
	char small[256], *s;
	va_list ap2;
	int n;

	/* An error stays until Esc: the loop's news must not hide it, but
	 * what the person just did may say so over it. */
	if (t->msg_error && !error && !t->in_key)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof small)
		memcpy(s, small, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	free(t->msg);
	t->msg = s;
	t->msg_error = error;
	t->msg_at = t->clock_ms();
	tui_dirty(t, PANE_STATUS);
}

void
tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_vmessage(t, 0, fmt, ap);
	va_end(ap);
}

void
tui_error(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_vmessage(t, 1, fmt, ap);
	va_end(ap);
}

void
tui_clear_message(struct tui *t, int also_errors)
{
	if (t->msg == NULL || (t->msg_error && !also_errors))
		return;
	free(t->msg);
	t->msg = NULL;
	t->msg_error = 0;
	tui_dirty(t, PANE_STATUS);
}

/* ---- theme ---------------------------------------------------------------- */

void
tui_set_theme(struct tui *t, const char *name)
{
	char *cause = NULL;

	if (name == NULL || *name == '\0')
		name = "default";
	if (t->no_color || !t->has_color) {
		/* Attributes only, whatever the theme asks for. */
		tui_theme_builtin(&t->theme, 1);
	} else if (tui_theme_load(name, (const char *const *)t->theme_dirs,
	    &t->theme, &cause) == -1) {
		tui_error(t, "theme: %s; using the built-in default", cause);
		free(cause);
	}
	util_set_str(&t->theme_name, name);
	tui_theme_apply(&t->theme, t->has_color && !t->no_color,
	    t->default_colors, t->attr);
	/* Cells whose only change is a pair's colours would not be resent. */
	t->redraw_all = 1;
	tui_dirty_all(t);
}

/* ---- drawing helpers ------------------------------------------------------ */

attr_t
tui_attr(const struct tui *t, int role)
{
	return role >= 0 && role < ROLE_COUNT ? t->attr[role] : A_NORMAL;
}

int
tui_put(struct tui *t, WINDOW *w, int y, int x, int maxw, int role,
    const char *safe)
{
	char buf[4096];
	int n;

	if (w == NULL || maxw <= 0 || safe == NULL)
		return 0;
	/* sanitize_fit also turns anything unsafe left in safe into U+FFFD. */
	n = sanitize_fit(safe, maxw, 1, buf, sizeof buf);
	wattrset(w, tui_attr(t, role));
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
	return n;
}

char *
tui_clean(const char *text)
{
	return sanitize_text(text != NULL ? text : "",
	    text != NULL ? strlen(text) : 0);
}

int
tui_put_untrusted(struct tui *t, WINDOW *w, int y, int x, int maxw, int role,
    const char *text)
{
	char *s;
	int n;

	if (maxw <= 0)
		return 0;
	s = tui_clean(text);
	n = tui_put(t, w, y, x, maxw, role, s);
	free(s);
	return n;
}

void
tui_fill(struct tui *t, WINDOW *w, int y, int x, int n, int role)
{
	if (w == NULL || n <= 0)
		return;
	wattrset(w, tui_attr(t, role));
	mvwhline(w, y, x, ' ', n);
	wattrset(w, A_NORMAL);
}

void
tui_vrule(struct tui *t, WINDOW *w, int x, int n)
{
	char c = glyph_table()->vline;

	if (w == NULL || n <= 0)
		return;
	wattrset(w, tui_attr(t, ROLE_BORDER));
	mvwvline(w, 0, x, c != 0 ? (chtype)(unsigned char)c : ACS_VLINE, n);
	wattrset(w, A_NORMAL);
}

void
tui_bar(struct tui *t, struct pane *p, int focused, const char *safe)
{
	int role = focused ? ROLE_TITLE : ROLE_HEADER;
	int x = p->border_left ? 1 : 0;

	tui_fill(t, p->win, 0, x, p->w - x, role);
	tui_put(t, p->win, 0, x + 1, p->w - x - 1, role, safe);
}

void
tui_format_time(const struct tui *t, int64_t ms, int with_date, char *buf,
    size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	const char *fmt;

	if (ms <= 0) {
		util_strlcpy(buf, "-", size);
		return;
	}
	if (t->utc) {
		gmtime_r(&secs, &tm);
		fmt = with_date ? "%Y-%m-%d %H:%M:%SZ" : "%H:%M:%SZ";
	} else {
		localtime_r(&secs, &tm);
		fmt = with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S";
	}
	if (strftime(buf, size, fmt, &tm) == 0)
		util_strlcpy(buf, "?", size);
}

void
tui_format_age(int64_t now, int64_t then, char *buf, size_t size,
    int64_t *next)
{
	int64_t d = now - then, unit;
	const char *suffix;

	if (then <= 0) {
		util_strlcpy(buf, "-", size);
		*next = 0;
		return;
	}
	if (d < 0)
		d = 0;
	if (d < 60000) {
		unit = 1000;
		suffix = "s";
	} else if (d < 3600000) {
		unit = 60000;
		suffix = "m";
	} else if (d < 48 * 3600000LL) {
		unit = 3600000;
		suffix = "h";
	} else {
		unit = 86400000;
		suffix = "d";
	}
	snprintf(buf, size, "%lld%s", (long long)(d / unit), suffix);
	/* The text changes when d reaches the next multiple of unit. */
	*next = then + (d / unit + 1) * unit;
}

void
tui_age_changes_at(struct tui *t, int64_t when)
{
	if (when > 0 && (t->ages_change_ms == 0 || when < t->ages_change_ms))
		t->ages_change_ms = when;
}

int64_t
tui_now(const struct tui *t)
{
	return t->clock_ms();
}

const char *
tui_sev_short(wr_severity s)
{
	static const char *names[WR_SEV_COUNT] = { "CRIT", "ERR", "WARN",
		"INFO" };

	return (unsigned)s < WR_SEV_COUNT ? names[s] : "WARN";
}

int
tui_sev_role(wr_severity s)
{
	switch (s) {
	case WR_SEV_CRITICAL:
		return ROLE_CRITICAL;
	case WR_SEV_ERROR:
		return ROLE_ERROR;
	case WR_SEV_INFO:
		return ROLE_INFO;
	default:
		return ROLE_WARNING;
	}
}

int
tui_state_role(wr_state s)
{
	switch (s) {
	case WR_ST_TRIGGERED:
		return ROLE_TRIGGERED;
	case WR_ST_ACKNOWLEDGED:
		return ROLE_ACKNOWLEDGED;
	default:
		return ROLE_RESOLVED;
	}
}

/* ---- focus and keys ----------------------------------------------------- */

void
tui_focus(struct tui *t, int pane)
{
	if (pane == t->focus)
		return;
	tui_dirty(t, t->focus);
	t->focus = pane;
	tui_dirty(t, pane);
	/* One pane at a time on a small screen, or a zoomed one: the
	 * focused pane is the one shown. */
	if (t->lay.mode == LAYOUT_LIST || t->zoom)
		t->layout_dirty = 1;
}

static void
focus_cycle(struct tui *t, int dir)
{
	static const int order[] = { PANE_LIST, PANE_DETAIL, PANE_ONCALL };
	int n = 3, i = 0;

	for (int k = 0; k < n; k++)
		if (order[k] == t->focus)
			i = k;
	for (int step = 0; step < n; step++) {
		i = (i + dir + n) % n;
		/* Where the layout has no room for the on-call pane (80x24),
		 * Tab shows it alone, zoomed, until Tab leaves it. */
		if (order[i] == PANE_ONCALL && t->lay.mode != LAYOUT_LIST &&
		    !t->zoom && t->lay.pane[PANE_ONCALL].h == 0) {
			t->zoom = 1;
			t->zoom_for_oncall = 1;
			t->layout_dirty = 1;
		} else if (t->focus == PANE_ONCALL && t->zoom_for_oncall) {
			t->zoom = 0;
			t->zoom_for_oncall = 0;
			t->layout_dirty = 1;
		}
		tui_focus(t, order[i]);
		return;
	}
}

static int key_dispatch(struct tui *t, int is_keycode, wint_t ch);

int
tui_key(struct tui *t, int is_keycode, wint_t ch)
{
	int rc;

	t->in_key = 1;
	rc = key_dispatch(t, is_keycode, ch);
	t->in_key = 0;
	return rc;
}

static int
key_dispatch(struct tui *t, int is_keycode, wint_t ch)
{
	struct pane *p;

	if (t->scr != NULL)
		set_term(t->scr);
	t->key_since_frame = 1;
	if (is_keycode && ch == KEY_RESIZE) {
		tui_resize(t);
		return 1;
	}
	if (is_keycode && ch == KEY_MOUSE) {
		MEVENT ev;

		if (getmouse(&ev) != OK)
			return 0;
		return tui_mouse(t, &ev);
	}
	if (tui_prompt_mode(t) != PROMPT_NONE)
		return t->pane[PANE_PROMPT].ops->key(t, &t->pane[PANE_PROMPT],
		    is_keycode, ch);
	if (t->help_on)
		return t->pane[PANE_HELP].ops->key(t, &t->pane[PANE_HELP],
		    is_keycode, ch);

	/* A message lasts until the next key; an error until Esc. */
	tui_clear_message(t, 0);

	if (!is_keycode) {
		switch (ch) {
		case 'q':
			tui_command_quit(t, 0);
			return 1;
		case '?':
			tui_help_show(t, 1);
			return 1;
		case ':':
			tui_prompt_open(t, PROMPT_COMMAND, NULL, 0);
			return 1;
		case '/':
			tui_prompt_open(t, PROMPT_FILTER, tui_list_filter(t), 0);
			return 1;
		case '\t':
			focus_cycle(t, 1);
			return 1;
		case 'z':
			t->zoom = !t->zoom;
			t->zoom_for_oncall = 0;
			t->layout_dirty = 1;
			return 1;
		case 'x':
			if (!tui_banner_dismiss(t))
				tui_message(t, "no banner to dismiss");
			return 1;
		case 12:	/* ^L */
			t->redraw_all = 1;
			tui_dirty_all(t);
			return 1;
		default:
			if (tui_command_key(t, ch))
				return 1;
			break;
		}
	} else if (ch == KEY_BTAB) {
		focus_cycle(t, -1);
		return 1;
	}
	p = &t->pane[t->focus];
	if (p->ops->key != NULL && p->ops->key(t, p, is_keycode, ch))
		return 1;
	/* Esc anywhere else: back to the list. */
	if (!is_keycode && ch == 27) {
		if (t->focus != PANE_LIST) {
			tui_focus(t, PANE_LIST);
			return 1;
		}
		if (t->msg_error) {
			tui_clear_message(t, 1);
			return 1;
		}
	}
	return 0;
}

int
tui_mouse(struct tui *t, const MEVENT *ev)
{
	t->key_since_frame = 1;
	if (tui_prompt_mode(t) != PROMPT_NONE || t->help_on)
		return 0;
	for (int i = PANE_LIST; i <= PANE_ONCALL; i++) {
		struct pane *p = &t->pane[i];

		if (!p->visible || p->win == NULL || ev->y < p->y ||
		    ev->y >= p->y + p->h || ev->x < p->x ||
		    ev->x >= p->x + p->w)
			continue;
		if (ev->bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
		    BUTTON1_DOUBLE_CLICKED))
			tui_focus(t, i);
		if (p->ops->mouse != NULL)
			p->ops->mouse(t, p, ev->y - p->y, ev->x - p->x,
			    ev->bstate);
		return 1;
	}
	return 0;
}

void
tui_resize(struct tui *t)
{
	t->layout_dirty = 1;
	t->key_since_frame = 1;
	/* wgetch on a touched stdscr would paint it blank over the panes. */
	untouchwin(stdscr);
}

/* ---- render ------------------------------------------------------------------ */

/* Whether pane i is on screen now: the status line and the prompt share a
 * place, and the help overlay is shown on request only. */
static int
pane_shown(const struct tui *t, int i)
{
	const struct pane *p = &t->pane[i];

	if (!p->visible || p->win == NULL)
		return 0;
	if (i == PANE_HELP)
		return t->help_on;
	if (i == PANE_STATUS)
		return tui_prompt_mode(t) == PROMPT_NONE;
	if (i == PANE_PROMPT)
		return tui_prompt_mode(t) != PROMPT_NONE;
	return 1;
}

int
tui_needs_render(const struct tui *t)
{
	if (t->layout_dirty || t->redraw_all || t->bell_pending ||
	    t->room->generation != t->seen_gen)
		return 1;
	for (int i = 0; i < PANE_COUNT; i++)
		if (t->pane[i].dirty && pane_shown(t, i))
			return 1;
	return 0;
}

int
tui_render_due(const struct tui *t, int64_t now_ms)
{
	if (!tui_needs_render(t))
		return 0;
	return t->key_since_frame || t->last_frame_ms == 0 ||
	    now_ms - t->last_frame_ms >= TUI_FRAME_MS ||
	    now_ms < t->last_frame_ms;
}

int
tui_render_wait_ms(const struct tui *t, int64_t now_ms)
{
	int64_t wait;

	if (!tui_needs_render(t))
		return -1;
	if (tui_render_due(t, now_ms))
		return 0;
	wait = t->last_frame_ms + TUI_FRAME_MS - now_ms;
	return wait < 0 ? 0 : (int)wait;
}

void
tui_tick(struct tui *t, int64_t now_wall_ms)
{
	/* A message fades; an error stays until the person acts. */
	if (t->msg != NULL && !t->msg_error &&
	    now_wall_ms - t->msg_at >= TUI_MSG_FADE_MS)
		tui_clear_message(t, 0);
	if (t->ages_change_ms != 0 && now_wall_ms >= t->ages_change_ms) {
		t->ages_change_ms = 0;
		tui_dirty(t, PANE_LIST);
		tui_dirty(t, PANE_ONCALL);
		tui_dirty(t, PANE_STATUS);	/* a handoff near */
		if (tui_detail_stale(t, now_wall_ms))
			tui_dirty(t, PANE_DETAIL);
	}
	tui_banner_tick(t, now_wall_ms);
}

static void
draw_pane(struct tui *t, struct pane *p)
{
	werase(p->win);
	if (p->ops->draw != NULL)
		p->ops->draw(t, p);
	wnoutrefresh(p->win);
	p->dirty = 0;
}

void
tui_render(struct tui *t)
{
	static const int order[] = { PANE_SMALL, PANE_LIST, PANE_DETAIL,
		PANE_ONCALL, PANE_STATUS, PANE_PROMPT };
	struct pane *pr = &t->pane[PANE_PROMPT], *help = &t->pane[PANE_HELP];
	int drawn = 0, want_cursor;

	if (t->scr != NULL)
		set_term(t->scr);
	if (LINES < 1 || COLS < 1)
		return;
	if (LINES != t->lay_rows || COLS != t->lay_cols)
		t->layout_dirty = 1;
	if (t->layout_dirty)
		tui_layout_apply(t);
	if (t->room->generation != t->seen_gen) {
		t->seen_gen = t->room->generation;
		tui_list_invalidate(t);
		tui_detail_room_changed(t);
		tui_dirty(t, PANE_STATUS);
	}
	if (t->redraw_all) {
		clearok(curscr, TRUE);
		tui_dirty_all(t);
		t->redraw_all = 0;
	}
	/* The list first: the detail shows its selection. */
	if (t->pane[PANE_LIST].visible || t->pane[PANE_DETAIL].visible)
		tui_list_prepare(t);
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct pane *p = &t->pane[order[i]];

		if (!p->dirty || !pane_shown(t, order[i]))
			continue;
		draw_pane(t, p);
		drawn++;
	}
	/* The detail put off reading the store (a storm into the open
	 * incident): another frame, at the storm's pace, tries again. */
	if (pane_shown(t, PANE_DETAIL) && tui_detail_pending(t))
		tui_dirty(t, PANE_DETAIL);
	if (pane_shown(t, PANE_HELP)) {
		if (help->dirty) {
			draw_pane(t, help);
		} else if (drawn) {
			touchwin(help->win);
			wnoutrefresh(help->win);
		}
	}
	want_cursor = tui_prompt_mode(t) != PROMPT_NONE &&
	    tui_prompt_mode(t) != PROMPT_CONFIRM && !t->help_on &&
	    pr->visible && pr->win != NULL;
	if (want_cursor) {
		/* The prompt last, so that its cursor is where doupdate
		 * leaves the terminal's. */
		wnoutrefresh(pr->win);
	}
	if (want_cursor != t->cursor_on) {
		curs_set(want_cursor);
		t->cursor_on = want_cursor;
	}
	doupdate();
	untouchwin(stdscr);
	/* What the person now sees selected is what the next key acts on. */
	if (t->pane[PANE_LIST].visible || t->pane[PANE_DETAIL].visible)
		t->shown_id = tui_list_selected(t);
	if (t->bell_pending) {
		beep();
		t->bell_pending = 0;
	}
	t->last_frame_ms = wr_mono_ms();
	t->key_since_frame = 0;
	t->stats.frames++;
}

int64_t
tui_selected(const struct tui *t)
{
	return tui_list_selected(t);
}

int64_t
tui_target(struct tui *t)
{
	return t->shown_id != 0 ? t->shown_id : tui_list_selected(t);
}

int
tui_select(struct tui *t, int64_t id)
{
	return tui_list_select_id(t, id);
}

void
tui_stats(const struct tui *t, struct tui_stats *out)
{
	*out = t->stats;
}

int
tui_interrupt(struct tui *t)
{
	if (tui_prompt_mode(t) == PROMPT_NONE)
		return 0;
	tui_key(t, 0, 3);	/* the prompt's own ^C: cancel */
	return 1;
}
