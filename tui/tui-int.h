/*
 * tui-int.h: what the TUI's files share: struct tui, the pane interface
 * (struct pane_ops, as tig's view_ops) and the drawing helpers.
 *
 * Every pane is one file with its draw and its key handling side by side
 * (list.c, detail.c, oncall.c, status.c, prompt.c, help.c); the layout
 * treats them alike.  Nothing outside tui/ includes this header.
 */
#ifndef WR_TUI_INT_H
#define WR_TUI_INT_H

#include <stdarg.h>

#include "tui/tui.h"
#include "tui/theme.h"

struct tui;
struct pane;

struct pane_ops {
	const char *name;
	void (*init)(struct tui *, struct pane *);
	void (*free)(struct tui *, struct pane *);
	/* Draw everything into p->win (already erased, p->h x p->w). */
	void (*draw)(struct tui *, struct pane *);
	/* A key while the pane has the focus: 1 used, 0 not. */
	int (*key)(struct tui *, struct pane *, int is_keycode, wint_t ch);
	/* A mouse event at (y, x) inside the pane: 1 used. */
	int (*mouse)(struct tui *, struct pane *, int y, int x, mmask_t b);
	int focusable;
};

enum tui_pane_id {
	PANE_LIST = 0,
	PANE_DETAIL,
	PANE_ONCALL,
	PANE_STATUS,
	PANE_PROMPT,	/* shares the status line's place while active */
	PANE_HELP,	/* overlay */
	PANE_SMALL,	/* "terminal too small" */
	PANE_COUNT
};

struct pane {
	const struct pane_ops *ops;
	WINDOW *win;
	int y, x, h, w;
	int visible;
	int dirty;
	int border_left;	/* the first column is a vertical rule */
	void *priv;
};

/* ---- layout.c ------------------------------------------------------------ */

enum tui_layout_mode {
	LAYOUT_SMALL = 0,	/* one line: terminal too small */
	LAYOUT_LIST,		/* one pane at a time (the focused one) */
	LAYOUT_STACKED,		/* list above detail (above on-call) */
	LAYOUT_WIDE		/* list left; detail (and on-call) right */
};

struct tui_rect {
	int y, x, h, w;		/* h or w 0: not shown */
};

struct tui_layout {
	enum tui_layout_mode mode;
	struct tui_rect pane[PANE_COUNT];
	int detail_border;
};

#define LAYOUT_MIN_COLS		20
#define LAYOUT_MIN_ROWS		5
#define LAYOUT_WIDE_COLS	160
#define LAYOUT_STACK_ROWS	15
#define LAYOUT_ONCALL_ROWS	30

/* Pure geometry: rows x cols, the focused pane, zoom, and the number of
 * on-call lines wanted. */
void tui_layout_compute(int rows, int cols, int focus, int zoom,
    int oncall_lines, struct tui_layout *out);
/* Compute for the screen's size and (re)make the pane windows. */
void tui_layout_apply(struct tui *t);
extern const struct pane_ops tui_small_ops;

/* ---- the panes ------------------------------------------------------------ */

extern const struct pane_ops tui_list_ops;
extern const struct pane_ops tui_detail_ops;
extern const struct pane_ops tui_oncall_ops;
extern const struct pane_ops tui_status_ops;
extern const struct pane_ops tui_prompt_ops;
extern const struct pane_ops tui_help_ops;

/* list.c */
enum tui_sort {
	SORT_STATE = 0,		/* the default: open, acked, resolved */
	SORT_SEV,
	SORT_AGE,
	SORT_SERVICE,
	SORT_ID
};
void tui_list_prepare(struct tui *t);	/* bring the rows up to date */
void tui_list_invalidate(struct tui *t);	/* look again at the next prepare */
/* The room changed: an update that no event announced sorts everything. */
void tui_list_model_changed(struct tui *t);
/* The room was replaced: sort everything. */
void tui_list_reload(struct tui *t);
/* A live event touched incident id (called after it was applied). */
void tui_list_touch(struct tui *t, int64_t id);
int64_t tui_list_selected(const struct tui *t);
/* Escalated past its first step and still triggered: the row's mark. */
int tui_list_escalated(const struct wr_incident *inc);
/* A silenced incident's mark, in the row's first column (help and
 * warroom(1) give its legend). */
#define TUI_LIST_SILENCED	"S"
/* The id an action takes: t->shown_id, else the selection. */
int64_t tui_target(struct tui *t);
int tui_list_select_id(struct tui *t, int64_t id);
size_t tui_list_count(struct tui *t);
int64_t tui_list_row(struct tui *t, size_t i);
const char *tui_list_filter(const struct tui *t);
/* Set the filter (NULL or "" clears); -1 with *cause for a bad one (the
 * filter is still set, and matches nothing). */
int tui_list_set_filter(struct tui *t, const char *text, char **cause);
int tui_list_set_sort(struct tui *t, const char *key, char **cause);

/* detail.c */
/* Rebuild the lines; reload: read the store again too (rate-limited while
 * events for the incident keep coming). */
void tui_detail_invalidate(struct tui *t, int reload);
/* Read the store again at the next draw, whatever the rate. */
void tui_detail_reload(struct tui *t);
/* Whether a line of the detail says something else by now (who is on
 * call, a step due, a silence's end): it is built again when drawn. */
int tui_detail_stale(const struct tui *t, int64_t now);
/* The room changed: redraw the pane if the open incident's summary did. */
void tui_detail_room_changed(struct tui *t);
/* A store read was put off (rate limit): another frame is wanted. */
int tui_detail_pending(const struct tui *t);
int64_t tui_detail_incident(const struct tui *t);

/* oncall.c */
void tui_oncall_set(struct tui *t, const struct tui_schedule *v, size_t n);
/* The schedules the pane shows (NULL where it cannot answer), as a
 * malloc'd array of *n borrowed pointers. */
const struct wr_schedule **tui_oncall_schedules(const struct tui *t,
    size_t *n);
int tui_oncall_lines(const struct tui *t);
/* The schedule of that name the feed announced, or NULL. */
const struct wr_schedule *tui_oncall_find(const struct tui *t,
    const char *name);
/* The open cover request with id, its schedule's name in *schedule (may be
 * NULL), or NULL. */
struct wr_cover;
const struct wr_cover *tui_oncall_cover(const struct tui *t, const char *id,
    const char **schedule);
/* "bob asks for cover: primary, Sat 09:00-Sun 09:00, at a wedding",
 * malloc'd, raw. */
char *tui_oncall_cover_words(const struct tui *t, const char *by,
    const char *schedule, int64_t from, int64_t until, const char *reason);
/* A schedule-wide event that just came, said on the status line. */
void tui_oncall_event(struct tui *t, const struct wr_event *e);
/* A handoff this near is on the status line. */
#define TUI_ONCALL_NEAR_MS	(30 * 60000)
char *tui_oncall_near(const struct tui *t, int64_t now, int64_t *changes);
/* :oncall week (on: the pane, zoomed, lists the next seven days' shifts)
 * and :oncall now (off). */
void tui_oncall_week(struct tui *t, int on);
/* "12m", "3h 12m", "2d 4h": a span rounded up to the minute. */
void tui_oncall_span(int64_t ms, char *buf, size_t size);
/* "Sat 09:00" in the viewer's zone ("Sat 08:00Z" with --utc). */
void tui_oncall_when(const struct tui *t, int64_t ms, char *buf,
    size_t size);

/* prompt.c */
enum tui_prompt_mode {
	PROMPT_NONE = 0,
	PROMPT_COMMAND,		/* : */
	PROMPT_FILTER,		/* / */
	PROMPT_NOTE,		/* n */
	PROMPT_CONFIRM		/* y/n */
};
enum tui_confirm_what {
	CONFIRM_OP = 0,		/* one op (resolve, reopen) */
	CONFIRM_ACKALL,		/* ack every id in ids */
	CONFIRM_QUIT		/* quit with ops still queued */
};
struct tui_confirm {
	enum tui_confirm_what what;
	wr_op_kind kind;
	int64_t incident;
	int64_t *ids;		/* CONFIRM_ACKALL; owned */
	size_t n_ids;
	struct wr_event *args;	/* CONFIRM_OP's arguments (silence); owned */
};
/* Free what a confirmation owns (its ids, its arguments). */
void tui_confirm_clear(struct tui_confirm *c);
void tui_prompt_open(struct tui *t, enum tui_prompt_mode mode,
    const char *initial, int64_t incident);
/* Ask question; c (moved in: its ids become the prompt's) runs on y. */
void tui_prompt_confirm(struct tui *t, const char *question,
    struct tui_confirm *c);
enum tui_prompt_mode tui_prompt_mode(const struct tui *t);

/* help.c */
void tui_help_show(struct tui *t, int on);
/* The overlay with a report instead of the keys: title and lines[0..n)
 * (each malloc'd, sanitised, the array too) are the overlay's now; j/k
 * scroll, any other key closes it as it closes the help. */
void tui_help_show_report(struct tui *t, const char *title, char **lines,
    size_t n);

/* stats.c: `:stats [WHEN] [KEY]`: the report of `warroom stats` from the
 * store and the schedules on screen, in the overlay. */
void tui_stats_show(struct tui *t, const char *arg);
/* The help text, one line per entry (for tests and `warroom --help`). */
extern const char *const tui_help_lines[];

/* command.c: commands and the ops they send */
void tui_command_exec(struct tui *t, const char *line);
/* Checks, submits, and says what happened; 0 queued, -1 not. */
int tui_command_op(struct tui *t, wr_op_kind kind, int64_t id,
    const char *text);
/* :silence [ID] DURATION [COMMENT] [NAME=VALUE...]: preview what it
 * silences, ask, then send.  :unsilence [ID] [SILENCE]. */
void tui_command_silence(struct tui *t, int64_t id, const char *arg);
void tui_command_unsilence(struct tui *t, int64_t id, const char *arg);
/* r / R: ask first. */
void tui_command_ask(struct tui *t, wr_op_kind kind, int64_t id);
void tui_command_ackall(struct tui *t);
void tui_command_confirmed(struct tui *t, const struct tui_confirm *c);
/* q, :q: quit, after asking when ops are still queued (unless force). */
void tui_command_quit(struct tui *t, int force);
/* A key of the global set (a, A, r, ...): 1 used. */
int tui_command_key(struct tui *t, wint_t ch);

/* ---- tui.c: the struct, and helpers every pane uses -------------------- */

struct tui_op {
	char *op_id;
	wr_op_kind kind;
	int64_t incident;
	int refused;
	char *reason;
};

struct tui_mark {
	uint32_t queued;	/* ops not yet confirmed */
	uint8_t refused;	/* the last op was refused */
};

struct tui {
	SCREEN *scr;
	struct wr_room *room;
	struct wr_store *store;
	struct tui_actions act;
	WINDOW *input;

	char *user;
	char *feed_url;
	char *theme_name;
	char **theme_dirs;
	int utc, quiet, no_color, mouse;
	int64_t (*clock_ms)(void);

	enum tui_feed_state feed_state;
	int stale_s, retry_s;
	char *feed_detail;
	int queued_count;

	/* The incident a key acts on: the one the person is looking at,
	 * i.e. the selection as last drawn, or as a key last moved it (an
	 * update of the list between two frames does not change it). */
	int64_t shown_id;
	int follow_top;		/* f: the first row stays selected as new
				 * incidents sort in (off by default) */

	char *msg;
	int msg_error;		/* sticky until Esc, an error or an action */
	int64_t msg_at;		/* wall ms it was said: a message (not an
				 * error) fades TUI_MSG_FADE_MS later */
	int in_key;		/* inside tui_key(): a person's action */

	struct tui_op *ops;
	size_t n_ops, cap_ops;
	struct tui_mark *marks;	/* by incident id - 1 */
	size_t cap_marks;

	struct pane pane[PANE_COUNT];
	int focus;		/* PANE_LIST, PANE_DETAIL or PANE_ONCALL */
	int zoom;
	/* the zoom is the one Tab made to show the on-call pane where the
	 * layout has no room for it: leaving that pane ends it */
	int zoom_for_oncall;
	struct tui_layout lay;
	int lay_rows, lay_cols;
	int layout_dirty;
	int help_on;

	struct tui_theme theme;
	attr_t attr[ROLE_COUNT];
	int has_color;		/* colours are in use */
	int default_colors;	/* use_default_colors() worked */

	uint64_t seen_gen;
	int key_since_frame;
	int64_t last_frame_ms;
	int bell_armed, bell_pending;
	struct tui_banner *banner;	/* banner.c */
	/* the relay's escalation policies, borrowed (tui_set_policies()) */
	const struct wr_policy *const *policies;
	size_t n_policies;
	int64_t ages_change_ms;	/* wall ms when a shown age changes, 0 none */
	int redraw_all;
	int cursor_on;		/* -1 unknown */
	struct tui_stats stats;
};

/* banner.c: "#12 escalated to you: checkout 5xx rate", for as long as an
 * incident a step paged this console's user about is triggered, or until
 * it is dismissed (x); the bell rings with it, again every
 * TUI_BANNER_BELL_MS, unless quiet. */
#define TUI_BANNER_BELL_MS	30000
void tui_banner_free(struct tui *t);
/* A live event: a step that pages the user puts its incident up. */
void tui_banner_event(struct tui *t, const struct wr_event *e);
/* Look at every incident again (a snapshot, a reload, another user). */
void tui_banner_rescan(struct tui *t);
/* The text to show (malloc'd, our words around the incident's untrusted
 * title: sanitise it), or NULL for none. */
char *tui_banner_text(struct tui *t);
/* x: the banner's incident is dismissed until its next step; 0 when
 * there was none. */
int tui_banner_dismiss(struct tui *t);
/* From tui_tick(): the bell again while a banner stays up. */
void tui_banner_tick(struct tui *t, int64_t now_wall_ms);

int64_t tui_now(const struct tui *t);
void tui_dirty(struct tui *t, int pane);
void tui_dirty_all(struct tui *t);
void tui_focus(struct tui *t, int pane);
/* Note the earliest wall time a shown age changes. */
void tui_age_changes_at(struct tui *t, int64_t when);
const struct tui_mark *tui_mark_of(const struct tui *t, int64_t id);
/* The first pending (not refused) op of kind on id, or NULL. */
const struct tui_op *tui_op_find(const struct tui *t, wr_op_kind kind,
    int64_t id);
void tui_set_theme(struct tui *t, const char *name);
void tui_vmessage(struct tui *t, int error, const char *fmt, va_list ap);
void tui_clear_message(struct tui *t, int also_errors);

/*
 * Drawing.  Every string from the model goes through tui_put_untrusted()
 * (sanitize_text, then sanitize_fit); our own text may use tui_put().
 * Both clip to maxw columns and never wrap; they return the columns drawn.
 */
attr_t tui_attr(const struct tui *t, int role);
int tui_put(struct tui *t, WINDOW *w, int y, int x, int maxw, int role,
    const char *safe);
int tui_put_untrusted(struct tui *t, WINDOW *w, int y, int x, int maxw,
    int role, const char *text);
void tui_fill(struct tui *t, WINDOW *w, int y, int x, int n, int role);
/* The rule between panes, n rows down column x: the terminal's line
 * drawing, or '|' where only ASCII is drawn (core/glyph.h). */
void tui_vrule(struct tui *t, WINDOW *w, int x, int n);
/* A pane's title bar (header or, when focused, title role). */
void tui_bar(struct tui *t, struct pane *p, int focused, const char *safe);
/* Sanitise into a new string (NULL becomes ""). */
char *tui_clean(const char *text);
/* Time for display: local, or UTC with a 'Z', in buf (>= 32). */
void tui_format_time(const struct tui *t, int64_t ms, int with_date,
    char *buf, size_t size);
/* "59s", "12m", "3h", "14d"; *next gets when the text changes. */
void tui_format_age(int64_t now, int64_t then, char *buf, size_t size,
    int64_t *next);
const char *tui_sev_short(wr_severity s);
int tui_sev_role(wr_severity s);
int tui_state_role(wr_state s);

#endif
