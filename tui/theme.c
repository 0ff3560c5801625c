/*
 * theme.c: theme files (themes/NAME.theme) into the one table of colour roles
 * (theme.h), and that table into curses colour pairs.
 *
 * Colours degrade: 256 colours as written when the terminal has them, the
 * nearest of the basic 16 or 8 otherwise, and attributes only when there
 * are no colours or NO_COLOR is set (the caller then uses the built-in mono
 * table).  A file that does not parse is refused as a whole with a reason
 * naming file:line, and the built-in default is used instead: a bad theme
 * must never keep a person from their incidents.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "tui/tui-int.h"

#ifndef WR_DATADIR
#define WR_DATADIR "/usr/local/share/warroom"
#endif

static const char *role_names[ROLE_COUNT] = {
#define TUI_ROLE_NAME(id, name) name,
	TUI_ROLES(TUI_ROLE_NAME)
#undef TUI_ROLE_NAME
};

const char *
tui_theme_role_name(int role)
{
	return role >= 0 && role < ROLE_COUNT ? role_names[role] : "?";
}

#define D TH_DEFAULT
struct builtin_row {
	int role;
	short fg, bg;
	unsigned attrs;
};

/* The dark default; themes/default.theme says the same in words. */
static const struct builtin_row dark[] = {
	{ ROLE_NORMAL, D, D, 0 },
	{ ROLE_SELECTED, 15, 4, TH_BOLD },
	{ ROLE_HEADER, 250, 236, TH_BOLD },
	{ ROLE_TITLE, 0, 6, TH_BOLD },
	{ ROLE_STATUS, 252, 236, 0 },
	{ ROLE_STATUS_LIVE, 0, 2, TH_BOLD },
	{ ROLE_STATUS_STALE, 0, 3, TH_BOLD },
	{ ROLE_STATUS_OFFLINE, 15, 1, TH_BOLD },
	{ ROLE_CRITICAL, 9, D, TH_BOLD },
	{ ROLE_ERROR, 1, D, 0 },
	{ ROLE_WARNING, 3, D, 0 },
	{ ROLE_INFO, 6, D, 0 },
	{ ROLE_TRIGGERED, 9, D, TH_BOLD },
	{ ROLE_ACKNOWLEDGED, 3, D, 0 },
	{ ROLE_RESOLVED, 2, D, 0 },
	{ ROLE_QUEUED, 5, D, TH_BOLD },
	{ ROLE_DIM, 244, D, 0 },
	{ ROLE_BORDER, 240, D, 0 },
	{ ROLE_HELP, D, 235, 0 },
	{ ROLE_PROMPT, D, D, TH_BOLD },
};

/* Attributes only: what NO_COLOR and colourless terminals get. */
static const struct builtin_row mono[] = {
	{ ROLE_NORMAL, D, D, 0 },
	{ ROLE_SELECTED, D, D, TH_REVERSE },
	{ ROLE_HEADER, D, D, TH_BOLD | TH_UNDERLINE },
	{ ROLE_TITLE, D, D, TH_BOLD | TH_REVERSE },
	{ ROLE_STATUS, D, D, TH_REVERSE },
	{ ROLE_STATUS_LIVE, D, D, TH_BOLD },
	{ ROLE_STATUS_STALE, D, D, TH_BOLD | TH_UNDERLINE },
	{ ROLE_STATUS_OFFLINE, D, D, TH_BOLD | TH_UNDERLINE },
	{ ROLE_CRITICAL, D, D, TH_BOLD },
	{ ROLE_ERROR, D, D, TH_BOLD },
	{ ROLE_WARNING, D, D, 0 },
	{ ROLE_INFO, D, D, 0 },
	{ ROLE_TRIGGERED, D, D, TH_BOLD },
	{ ROLE_ACKNOWLEDGED, D, D, 0 },
	{ ROLE_RESOLVED, D, D, TH_DIM },
	{ ROLE_QUEUED, D, D, TH_UNDERLINE },
	{ ROLE_DIM, D, D, TH_DIM },
	{ ROLE_BORDER, D, D, 0 },
	{ ROLE_HELP, D, D, 0 },
	{ ROLE_PROMPT, D, D, TH_BOLD },
};
#undef D

void
tui_theme_builtin(struct tui_theme *th, int is_mono)
{
	const struct builtin_row *rows = is_mono ? mono : dark;
	size_t n = is_mono ? sizeof mono / sizeof mono[0] :
	    sizeof dark / sizeof dark[0];

	memset(th, 0, sizeof *th);
	util_strlcpy(th->name, is_mono ? "mono (built-in)" :
	    "default (built-in)", sizeof th->name);
	for (int i = 0; i < ROLE_COUNT; i++) {
		th->role[i].fg = TH_DEFAULT;
		th->role[i].bg = TH_DEFAULT;
	}
	for (size_t i = 0; i < n; i++) {
		th->role[rows[i].role].fg = rows[i].fg;
		th->role[rows[i].role].bg = rows[i].bg;
		th->role[rows[i].role].attrs = rows[i].attrs;
	}
}

/* ---- parsing ------------------------------------------------------------ */

static const char *basic_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* 0 and *out, or -1. */
static int
parse_colour(const char *s, short *out)
{
	char *end;
	long v;

	if (strcmp(s, "default") == 0 || strcmp(s, "none") == 0) {
		*out = TH_DEFAULT;
		return 0;
	}
	if (strcmp(s, "grey") == 0 || strcmp(s, "gray") == 0) {
		*out = 8;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (strcmp(s, basic_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	}
	if (strncmp(s, "bright", 6) == 0) {
		const char *b = s + 6;

		if (*b == '-' || *b == '_')
			b++;
		for (int i = 0; i < 8; i++) {
			if (strcmp(b, basic_names[i]) == 0) {
				*out = (short)(8 + i);
				return 0;
			}
		}
		return -1;
	}
	if (strncmp(s, "color", 5) == 0 || strncmp(s, "colour", 6) == 0) {
		const char *d = s + (s[5] == 'u' ? 6 : 5);

		if (!isdigit((unsigned char)*d))
			return -1;
		errno = 0;
		v = strtol(d, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 || v > 255)
			return -1;
		*out = (short)v;
		return 0;
	}
	return -1;
}

static int
parse_attr(const char *s, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} attrs[] = {
		{ "bold", TH_BOLD }, { "underline", TH_UNDERLINE },
		{ "reverse", TH_REVERSE }, { "dim", TH_DIM },
		{ "italic", TH_ITALIC }, { "standout", TH_STANDOUT },
		{ "normal", 0 }, { "none", 0 },
	};

	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
		if (strcmp(s, attrs[i].name) == 0) {
			*out |= attrs[i].bit;
			return 0;
		}
	}
	return -1;
}

static int
role_lookup(const char *s)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

/* The file's name as shown: its basename would hide which copy it was. */
#define FAIL(...) do {							\
	*cause = xasprintf(__VA_ARGS__);				\
	goto fail;							\
} while (0)

int
tui_theme_parse(const char *path, struct tui_theme *th, char **cause)
{
	struct tui_theme tmp;
	char line[1024];
	unsigned lineno = 0;
	FILE *f;
	const char *base;

	tui_theme_builtin(&tmp, 0);
	f = fopen(path, "r");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		tui_theme_builtin(th, 0);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *tok[8], *p = line, *eq, *save = NULL;
		size_t n = 0, len = strlen(line);
		int role;
		short fg, bg;
		unsigned attrs = 0;

		lineno++;
		if (len == sizeof line - 1 && line[len - 1] != '\n')
			FAIL("%s:%u: line too long", path, lineno);
		if ((eq = strchr(p, '#')) != NULL)
			*eq = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL)
			FAIL("%s:%u: expected ROLE = FG BG [ATTR...]", path,
			    lineno);
		*eq = '\0';
		tok[0] = strtok_r(p, " \t\r\n", &save);
		if (tok[0] == NULL || strtok_r(NULL, " \t\r\n", &save) != NULL)
			FAIL("%s:%u: expected one role name before '='", path,
			    lineno);
		if ((role = role_lookup(tok[0])) < 0)
			FAIL("%s:%u: unknown role '%s'", path, lineno, tok[0]);
		save = NULL;
		for (char *s = strtok_r(eq + 1, " \t\r\n", &save); s != NULL;
		    s = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == sizeof tok / sizeof tok[0])
				FAIL("%s:%u: too many words", path, lineno);
			for (char *c = s; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
			tok[n++] = s;
		}
		if (n < 2)
			FAIL("%s:%u: %s needs a foreground and a background "
			    "colour", path, lineno, role_names[role]);
		if (parse_colour(tok[0], &fg) == -1)
			FAIL("%s:%u: unknown colour '%s' (a name, colorN or "
			    "default)", path, lineno, tok[0]);
		if (parse_colour(tok[1], &bg) == -1)
			FAIL("%s:%u: unknown colour '%s' (a name, colorN or "
			    "default)", path, lineno, tok[1]);
		for (size_t i = 2; i < n; i++)
			if (parse_attr(tok[i], &attrs) == -1)
				FAIL("%s:%u: unknown attribute '%s' (bold, "
				    "underline, reverse, dim, italic)", path,
				    lineno, tok[i]);
		tmp.role[role].fg = fg;
		tmp.role[role].bg = bg;
		tmp.role[role].attrs = attrs;
	}
	if (ferror(f))
		FAIL("%s: read error", path);
	fclose(f);
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	util_strlcpy(tmp.name, base, sizeof tmp.name);
	{
		size_t bl = strlen(tmp.name);

		if (bl > 6 && strcmp(tmp.name + bl - 6, ".theme") == 0)
			tmp.name[bl - 6] = '\0';
	}
	*th = tmp;
	return 0;

fail:
	fclose(f);
	tui_theme_builtin(th, 0);
	return -1;
}

static int
name_is_path(const char *name)
{
	size_t n = strlen(name);

	return strchr(name, '/') != NULL ||
	    (n > 6 && strcmp(name + n - 6, ".theme") == 0);
}

int
tui_theme_load(const char *name, const char *const *dirs,
    struct tui_theme *th, char **cause)
{
	char *path, *tried = NULL;

	if (name == NULL || *name == '\0' || strcmp(name, "default") == 0) {
		/* The file may refine it; its absence is no error. */
		name = "default";
	}
	if (name_is_path(name))
		return tui_theme_parse(name, th, cause);
	for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		path = xasprintf("%s/%s.theme", dirs[i], name);
		if (access(path, F_OK) == 0) {
			int rc = tui_theme_parse(path, th, cause);

			free(path);
			free(tried);
			return rc;
		}
		if (tried == NULL) {
			tried = xstrdup(dirs[i]);
		} else {
			char *n = xasprintf("%s, %s", tried, dirs[i]);
			free(tried);
			tried = n;
		}
		free(path);
	}
	tui_theme_builtin(th, strcmp(name, "mono") == 0);
	if (strcmp(name, "default") == 0 || strcmp(name, "mono") == 0) {
		free(tried);
		return 0;
	}
	*cause = xasprintf("theme '%s' not found (looked in %s)", name,
	    tried != NULL ? tried : "no directory");
	free(tried);
	return -1;
}

/* xterm's default palette for the basic 16. */
static const unsigned char basic_rgb[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

static void
rgb_of(short c, int rgb[3])
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = basic_rgb[c][i];
	} else if (c < 232) {
		int v = c - 16;

		rgb[0] = level[v / 36];
		rgb[1] = level[(v / 6) % 6];
		rgb[2] = level[v % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

short
tui_theme_nearest(short c, int ncolors, int *bold)
{
	int rgb[3], best = 0, n;
	long bestd = -1;

	*bold = 0;
	if (c < 0 || c < ncolors)
		return c;
	if (c < 16 && ncolors >= 8) {
		/* A bright colour on an 8-colour terminal: its basic one,
		 * and bold, which most such terminals show bright. */
		*bold = 1;
		return (short)(c - 8);
	}
	n = ncolors >= 16 ? 16 : 8;
	if (ncolors < 8)
		return TH_DEFAULT;
	rgb_of(c, rgb);
	{
		int hi = rgb[0], lo = rgb[0];

		for (int k = 1; k < 3; k++) {
			hi = rgb[k] > hi ? rgb[k] : hi;
			lo = rgb[k] < lo ? rgb[k] : lo;
		}
		/* A grey is a grey: by distance, mid greys would come out
		 * yellow.  Pick by lightness among black, grey and white. */
		if (hi - lo < 40) {
			int l = (rgb[0] + rgb[1] + rgb[2]) / 3;

			if (n == 16)
				return l < 64 ? 0 : l < 160 ? 8 : l < 240 ? 7 : 15;
			return l < 96 ? 0 : 7;
		}
	}
	for (int i = 0; i < n; i++) {
		long d = 0;

		for (int k = 0; k < 3; k++) {
			long e = rgb[k] - basic_rgb[i][k];
			d += e * e;
		}
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return (short)best;
}

static attr_t
attrs_of(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & TH_BOLD)
		r |= A_BOLD;
	if (a & TH_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TH_REVERSE)
		r |= A_REVERSE;
	if (a & TH_DIM)
		r |= A_DIM;
	if (a & TH_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & TH_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

void
tui_theme_apply(const struct tui_theme *th, int use_color, int default_colors,
    attr_t out[ROLE_COUNT])
{
	if (use_color && COLOR_PAIRS <= ROLE_COUNT)
		use_color = 0;
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct tui_style *st = &th->role[i];
		attr_t a = attrs_of(st->attrs);
		int bold_fg = 0, bold_bg = 0;
		short fg, bg;

		if (use_color) {
			fg = tui_theme_nearest(st->fg, COLORS, &bold_fg);
			bg = tui_theme_nearest(st->bg, COLORS, &bold_bg);
			if (!default_colors) {
				if (fg < 0)
					fg = COLOR_WHITE;
				if (bg < 0)
					bg = COLOR_BLACK;
			}
			init_pair((short)(i + 1), fg, bg);
			a |= COLOR_PAIR(i + 1);
			if (bold_fg)
				a |= A_BOLD;
		}
		out[i] = a;
	}
}

const char *const *
tui_theme_dirs(void)
{
	static char *dirs[4];
	static int done;

	if (!done) {
		const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
		int n = 0;

		dirs[n++] = xstrdup("./themes");
		if (x != NULL && *x == '/')
			dirs[n++] = xasprintf("%s/warroom/themes", x);
		else if (h != NULL && *h != '\0')
			dirs[n++] = xasprintf("%s/.config/warroom/themes", h);
		dirs[n++] = xstrdup(WR_DATADIR "/themes");
		dirs[n] = NULL;
		done = 1;
	}
	return (const char *const *)dirs;
}
