/*
 * tui.h: the console's view: everything curses, driven by the in-memory
 * room.  The event loop (not here) reads keys, services the feed and calls
 * these functions; the TUI turns state into dirty flags and keys into
 * actions, and draws at most one coalesced frame per call to tui_render().
 *
 * The caller owns the terminal: setlocale(LC_ALL, ""), newterm() on its
 * own /dev/tty descriptor, cbreak()/noecho()/nonl(), and endwin() at the
 * end.  The TUI never draws into stdscr; read keys with tui_read_key()
 * (from a pad with keypad and nodelay on, so that reading never refreshes
 * anything) until ERR, and pass each to tui_key().  It never talks SQL or
 * sockets itself: ops go out through the tui_actions hooks, timelines are
 * read from the store (which may be NULL).
 */
#ifndef WR_TUI_H
#define WR_TUI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include "core/model.h"
#include "core/room.h"

struct wr_store;
struct tui;

enum tui_feed_state {
	TUI_FEED_CONNECTING = 0,
	TUI_FEED_LIVE,
	TUI_FEED_STALE,
	TUI_FEED_OFFLINE,
	TUI_FEED_TOKEN_REFUSED,
	TUI_FEED_SYNCING	/* connected, catching up */
};

/* Everything is copied by tui_new(). */
struct tui_config {
	const char *user;	/* the acting user, always on screen */
	const char *feed_url;
	const char *theme;	/* a name ("light") or a path; NULL: default */
	/* Directories searched for NAME.theme, NULL-terminated; NULL: the
	 * standard list (tui_theme_dirs()). */
	const char *const *theme_dirs;
	int utc;		/* times in UTC instead of local (TZ) */
	int quiet;		/* no bell */
	int no_color;		/* NO_COLOR was set or --theme mono: attributes only */
	int mouse;		/* ask the terminal for mouse events */
	/* Wall clock in Unix ms for ages; NULL: wr_now_ms.  Tests fix it. */
	int64_t (*clock_ms)(void);
};

/* What the loop provides.  Every hook may be NULL (the TUI then says the
 * action is not available here). */
struct tui_actions {
	/* Commit an op to the outbox and send it: 0, or -1 with *cause
	 * (malloc'd, the TUI frees it).  args: its arguments, the members
	 * its kind's row names (NULL for none; borrowed); incident 0 for a
	 * schedule-wide op.  The loop then calls tui_op_queued() with the
	 * op's id, and tui_op_done() once the relay answered. */
	int (*submit)(void *ud, wr_op_kind kind, int64_t incident,
	    const struct wr_event *args, char **cause);
	/* Run $VISUAL/$EDITOR for a long note on incident (the loop's job). */
	int (*edit_note)(void *ud, int64_t incident);
	/* P: run $VISUAL/$EDITOR on incident's postmortem and save what was
	 * written as its next version (the loop's job, as for a note). */
	int (*edit_postmortem)(void *ud, int64_t incident);
	/* :export FILE: write incident's export to path (JSON when its
	 * name ends in .json, else Markdown).  0, or -1 with *cause
	 * (malloc'd). */
	int (*export_file)(void *ud, int64_t incident, const char *path,
	    char **cause);
	void (*quit)(void *ud);
	/* :user NAME: change the acting user of the ops that follow.  0, or
	 * -1 with *cause (malloc'd). */
	int (*set_user)(void *ud, const char *user, char **cause);
	void *ud;
};

/* One on-call schedule as the feed announces it.  The strings are copied;
 * s is borrowed until the next tui_set_schedules() (NULL: problem says
 * why this console cannot answer for it, such as a zone it lacks). */
struct wr_schedule;
struct tui_schedule {
	const char *name;
	const char *timezone;
	const struct wr_schedule *s;
	const char *problem;
};

struct tui_stats {
	uint64_t frames;
	uint64_t list_rebuilds;	/* list updates (filter/sort/model) */
	uint64_t detail_loads;	/* timeline reads from the store */
	int64_t last_rebuild_us;
	uint64_t list_sorts;	/* of them, full sorts of every incident */
	uint64_t list_merges;	/* incidents touched by events re-positioned */
	uint64_t list_filters;	/* rows re-filtered (a new filter) */
	uint64_t detail_builds;	/* the detail's lines made again */
};

/*
 * Make the view on screen scr (the caller's, current).  room and store are
 * borrowed until tui_free(); store may be NULL (no timelines).  A theme
 * that cannot be found or parsed leaves the built-in default in use and a
 * message naming the file and line on the status line; it is never fatal.
 */
struct tui *tui_new(SCREEN *scr, struct wr_room *room, struct wr_store *store,
    const struct tui_config *cfg, const struct tui_actions *act);
/* Free the view and its windows (before the caller's delscreen()). */
/* 0 when TERM names a terminal the console can draw on; -1 with *cause
 * (a sentence, malloc'd) for an unknown one or one that cannot address
 * the cursor (TERM=dumb).  Asks terminfo; ncurses need not be started. */
int tui_term_check(const char *term, char **cause);
void tui_free(struct tui *t);

/* The window to read keys from (a 1x1 pad: reading never refreshes). */
WINDOW *tui_input_window(struct tui *t);
/* The next key, without waiting: OK with *is_keycode and *ch as tui_key()
 * takes them, or ERR when there is none.  In a UTF-8 locale a character
 * (wget_wch); in any other a byte, so that a non-ASCII one reaches the
 * prompt, which refuses it out loud (wget_wch would drop it unseen). */
int tui_read_key(struct tui *t, int *is_keycode, wint_t *ch);

/* The feed's state: stale_s for STALE, retry_s for OFFLINE; detail (may be
 * NULL, sanitised before drawing) says why ("connection refused"). */
void tui_set_feed(struct tui *t, enum tui_feed_state st, int stale_s,
    int retry_s, const char *detail);
void tui_set_user(struct tui *t, const char *user);
/* The bell rings for live events only: arm it once the initial load and
 * the replay are done. */
void tui_set_bell_armed(struct tui *t, int armed);
/* Replace the on-call schedules shown (copied). */
void tui_set_schedules(struct tui *t, const struct tui_schedule *v,
    size_t n);
/* The relay's escalation policies, borrowed like the schedules until the
 * next call: the detail names who is on call for an incident (the
 * schedules its policy pages) and, before the first step fires, when it
 * is due. */
struct wr_policy;
void tui_set_policies(struct tui *t, const struct wr_policy *const *v,
    size_t n);
/* Number of ops in the outbox not yet confirmed. */
void tui_set_queued_count(struct tui *t, int n);

/* The room changed: the list is brought up to date lazily at the next
 * render.  (A change of room->generation is noticed anyway; this is a
 * hint.)  When the changes were all announced with tui_incident_event(),
 * only the incidents they touched are re-sorted; otherwise (more
 * generation bumps than events since the last frame, or this hint with no
 * event at all) everything is. */
void tui_model_changed(struct tui *t);
/* The room was replaced (snapshot, new epoch): drop every cache. */
void tui_reload(struct tui *t);
/* A live event was applied (call it after wr_room_apply): rings the bell
 * for a new critical incident (when armed), marks the incident for
 * re-sorting, and refreshes the timeline if it is the open incident (a few
 * times a second at most during a storm into it). */
void tui_incident_event(struct tui *t, const struct wr_event *e);

/* An op is in the outbox (also for ops found there at start-up). */
void tui_op_queued(struct tui *t, const char *op_id, wr_op_kind kind,
    int64_t incident);
/* The relay confirmed (ok) or refused the op; a refusal's reason is shown
 * on the status line and the row keeps a mark until its next op. */
void tui_op_done(struct tui *t, const char *op_id, int ok,
    const char *reason);

/* A status-line message, until the next key press. */
void tui_message(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An error message: stays until Esc or the next error. */
void tui_error(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One key from wget_wch: is_keycode when it returned KEY_CODE_YES.
 * KEY_MOUSE (getmouse) and KEY_RESIZE are handled.  Returns 1 when the
 * key did something, 0 when it was ignored. */
int tui_key(struct tui *t, int is_keycode, wint_t ch);
/* ^C arrived as SIGINT (the terminal is in cbreak mode): cancel an open
 * prompt and return 1; return 0 when there is none (the loop quits). */
int tui_interrupt(struct tui *t);
/* One mouse event (tui_key() calls it for KEY_MOUSE). */
int tui_mouse(struct tui *t, const MEVENT *ev);
/* The terminal was resized (after the loop's resizeterm()). */
void tui_resize(struct tui *t);

/* Something needs drawing. */
int tui_needs_render(const struct tui *t);
/* A frame is due at monotonic time now_ms: something needs drawing and
 * either a key was pressed since the last frame or the last frame is at
 * least TUI_FRAME_MS old (an alert storm costs a few frames a second). */
#define TUI_FRAME_MS	200
/* A status message (not an error) is gone this long after it was said. */
#define TUI_MSG_FADE_MS	5000
int tui_render_due(const struct tui *t, int64_t now_ms);
/* Milliseconds until a frame is due (0: now), or -1 when none is needed;
 * for the loop's timer. */
int tui_render_wait_ms(const struct tui *t, int64_t now_ms);
/* Call about once a second with the wall clock: marks what shows ages
 * dirty when a displayed age changes. */
void tui_tick(struct tui *t, int64_t now_wall_ms);
/* Draw the dirty panes, wnoutrefresh each, exactly one doupdate(). */
void tui_render(struct tui *t);

/* The selected incident's id, or 0. */
int64_t tui_selected(const struct tui *t);
/* Select an incident if the list shows it; returns 0, or -1. */
int tui_select(struct tui *t, int64_t id);

void tui_stats(const struct tui *t, struct tui_stats *out);

/* ./themes, $XDG_CONFIG_HOME/warroom/themes (or ~/.config/...),
 * WR_DATADIR/themes; NULL-terminated, static. */
const char *const *tui_theme_dirs(void);

#endif
