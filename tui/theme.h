/*
 * theme.h: the console's colour roles and the theme files that set them
 * (themes/NAME.theme).  One table, walked once when a theme is applied.
 *
 * A theme file is lines of `ROLE = FG BG [ATTR...]`, with `#` comments.
 * Colours: default, black red green yellow blue magenta cyan white, their
 * bright variants (brightred, bright-red), grey, or color0..color255.
 * Attributes: bold underline reverse dim italic standout.
 */
#ifndef WR_TUI_THEME_H
#define WR_TUI_THEME_H

#include "tui/tui.h"

#define TUI_ROLES(X)						\
	X(NORMAL, "normal")					\
	X(SELECTED, "selected")					\
	X(HEADER, "header")					\
	X(TITLE, "title")					\
	X(STATUS, "status")					\
	X(STATUS_LIVE, "status_live")				\
	X(STATUS_STALE, "status_stale")				\
	X(STATUS_OFFLINE, "status_offline")			\
	X(CRITICAL, "critical")					\
	X(ERROR, "error")					\
	X(WARNING, "warning")					\
	X(INFO, "info")						\
	X(TRIGGERED, "triggered")				\
	X(ACKNOWLEDGED, "acknowledged")				\
	X(RESOLVED, "resolved")					\
	X(QUEUED, "queued")					\
	X(DIM, "dim")						\
	X(BORDER, "border")					\
	X(HELP, "help")						\
	X(PROMPT, "prompt")

enum tui_role {
#define TUI_ROLE_ENUM(id, name) ROLE_##id,
	TUI_ROLES(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
	ROLE_COUNT
};

#define TH_BOLD		0x01u
#define TH_UNDERLINE	0x02u
#define TH_REVERSE	0x04u
#define TH_DIM		0x08u
#define TH_ITALIC	0x10u
#define TH_STANDOUT	0x20u

#define TH_DEFAULT	(-1)	/* the terminal's own colour */

struct tui_style {
	short fg, bg;		/* TH_DEFAULT or 0..255 */
	unsigned attrs;		/* TH_* */
};

struct tui_theme {
	char name[64];
	struct tui_style role[ROLE_COUNT];
};

const char *tui_theme_role_name(int role);
/* The built-in dark default, or the attributes-only mono table. */
void tui_theme_builtin(struct tui_theme *th, int mono);
/* Parse one file over the built-in default.  -1 with *cause (malloc'd)
 * naming path:line; *th is then the built-in default. */
int tui_theme_parse(const char *path, struct tui_theme *th, char **cause);
/* Find NAME.theme in dirs (or take name as a path when it has a '/') and
 * parse it.  -1 with *cause; *th is then the built-in default. */
int tui_theme_load(const char *name, const char *const *dirs,
    struct tui_theme *th, char **cause);
/* The colour to use for c (0..255) on a terminal with ncolors colours:
 * itself, or the nearest of the basic 16 or 8.  *bold is set when a
 * bright colour became its basic one (bold shows it bright). */
short tui_theme_nearest(short c, int ncolors, int *bold);
/* Set up colour pairs 1..ROLE_COUNT (when use_color) and fill out[] with
 * each role's attributes for wattrset(). */
void tui_theme_apply(const struct tui_theme *th, int use_color,
    int default_colors, attr_t out[ROLE_COUNT]);

#endif
