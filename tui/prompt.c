/*
 * prompt.c: the one-line input that takes the status line's place: the `:`
 * command line, the `/` filter (applied as it is typed; Esc puts the old
 * one back), the `n` one-line note, and y/n confirmations ("resolve #12?
 * y/n") for the ops that are hard to take back.
 *
 * Line editing is basic: Backspace, ^U (to the start), ^W (a word), ^A/^E
 * and the arrows to move, Esc cancels, Enter accepts.  `/` starts with the
 * current filter: typing replaces it, an editing key edits it.  The line is kept as
 * wide characters, only printable ones are taken, and what is drawn goes
 * through the sanitiser like everything else.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* wcwidth() */
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "core/glyph.h"
#include "core/sanitize.h"
#include "core/util.h"
#include "tui/tui-int.h"

#define PROMPT_MAX	1024

struct prompt {
	enum tui_prompt_mode mode;
	wchar_t buf[PROMPT_MAX];
	size_t len, cur;
	char *question;		/* confirm */
	struct tui_confirm confirm;
	char *saved_filter;	/* filter: restored on Esc */
	int had_filter;
	int fresh;		/* prefilled and untouched: typing replaces it */
	int64_t incident;	/* note */
	const char *refused;	/* why the last key was not taken: shown at
				 * the line's end until the next key */
};

static struct prompt *
prompt_of(const struct tui *t)
{
	return t->pane[PANE_PROMPT].priv;
}

enum tui_prompt_mode
tui_prompt_mode(const struct tui *t)
{
	return prompt_of(t)->mode;
}

/* The line as UTF-8 (malloc'd). */
static char *
line_utf8(const struct prompt *pr, size_t from, size_t to)
{
	char *out = xmalloc((to - from) * MB_LEN_MAX + 1), *o = out;
	mbstate_t st;

	memset(&st, 0, sizeof st);
	for (size_t i = from; i < to; i++) {
		size_t n = wcrtomb(o, pr->buf[i], &st);

		if (n == (size_t)-1) {
			*o++ = '?';
			memset(&st, 0, sizeof st);
		} else {
			o += n;
		}
	}
	*o = '\0';
	return out;
}

static void
set_line(struct prompt *pr, const char *s)
{
	mbstate_t st;
	const char *p = s;

	pr->len = pr->cur = 0;
	if (s == NULL)
		return;
	memset(&st, 0, sizeof st);
	while (*p != '\0' && pr->len < PROMPT_MAX - 1) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, strlen(p), &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			p++;
			continue;
		}
		pr->buf[pr->len++] = wc;
		p += n;
	}
	pr->cur = pr->len;
}

static void
reset(struct tui *t, struct prompt *pr)
{
	pr->mode = PROMPT_NONE;
	pr->len = pr->cur = 0;
	free(pr->question);
	pr->question = NULL;
	tui_confirm_clear(&pr->confirm);
	free(pr->saved_filter);
	pr->saved_filter = NULL;
	pr->had_filter = 0;
	pr->fresh = 0;
	pr->incident = 0;
	pr->refused = NULL;
	tui_dirty(t, PANE_STATUS);
	tui_dirty(t, PANE_PROMPT);
}

void
tui_prompt_open(struct tui *t, enum tui_prompt_mode mode, const char *initial,
    int64_t incident)
{
	struct prompt *pr = prompt_of(t);

	reset(t, pr);
	pr->mode = mode;
	pr->incident = incident;
	if (mode == PROMPT_FILTER) {
		pr->had_filter = 1;
		pr->saved_filter = xstrdup0(tui_list_filter(t));
	}
	set_line(pr, initial);
	/* a filter shown again is replaced by typing; a command begun for
	 * the person (O: "override primary ") is continued */
	pr->fresh = mode == PROMPT_FILTER && pr->len > 0;
	tui_dirty(t, PANE_PROMPT);
}

void
tui_prompt_confirm(struct tui *t, const char *question, struct tui_confirm *c)
{
	struct prompt *pr = prompt_of(t);

	reset(t, pr);
	pr->mode = PROMPT_CONFIRM;
	pr->question = xstrdup(question);
	pr->confirm = *c;
	memset(c, 0, sizeof *c);
	tui_dirty(t, PANE_PROMPT);
}

/* ---- draw ---------------------------------------------------------------------- */

static void
prompt_draw(struct tui *t, struct pane *p)
{
	struct prompt *pr = p->priv;
	char prefix[96];
	char *before, *after, *cb, *ca;
	int px, avail, bw, x, x2;

	tui_fill(t, p->win, 0, 0, p->w, ROLE_PROMPT);
	switch (pr->mode) {
	case PROMPT_CONFIRM:
		tui_put(t, p->win, 0, 0, p->w, ROLE_PROMPT, pr->question);
		return;
	case PROMPT_COMMAND:
		util_strlcpy(prefix, ":", sizeof prefix);
		break;
	case PROMPT_FILTER:
		util_strlcpy(prefix, "/", sizeof prefix);
		break;
	case PROMPT_NOTE:
		snprintf(prefix, sizeof prefix, "note on #%lld: ",
		    (long long)pr->incident);
		break;
	default:
		return;
	}
	px = tui_put(t, p->win, 0, 0, p->w, ROLE_PROMPT, prefix);
	avail = p->w - px - 1;
	if (avail < 1) {
		wmove(p->win, 0, p->w - 1);
		return;
	}
	before = line_utf8(pr, 0, pr->cur);
	after = line_utf8(pr, pr->cur, pr->len);
	cb = sanitize_text(before, strlen(before));
	ca = sanitize_text(after, strlen(after));
	bw = sanitize_width(cb);
	x = px;
	if (bw > avail) {
		/* Show the end of what is before the cursor. */
		const char *s = cb;

		while (*s != '\0' && sanitize_width(s) > avail)
			s++;
		while ((*s & 0xC0) == 0x80)
			s++;
		x += tui_put(t, p->win, 0, x, avail, ROLE_PROMPT, s);
	} else {
		x += tui_put(t, p->win, 0, x, avail, ROLE_PROMPT, cb);
	}
	if (x < p->w)
		x2 = x + tui_put(t, p->win, 0, x, p->w - x, ROLE_PROMPT, ca);
	else
		x2 = x;
	if (pr->refused != NULL) {
		/* at the right, or over the line's end when it is long */
		int rw = (int)strlen(pr->refused) + 2;
		int rx = p->w - rw > x2 + 1 ? p->w - rw : x + 1;

		if (rx < p->w)
			tui_put(t, p->win, 0, rx, p->w - rx, ROLE_ERROR,
			    pr->refused);
	}
	wmove(p->win, 0, x < p->w ? x : p->w - 1);
	free(before);
	free(after);
	free(cb);
	free(ca);
}

/* ---- keys ---------------------------------------------------------------------- */

static void
live_filter(struct tui *t, struct prompt *pr)
{
	char *s = line_utf8(pr, 0, pr->len), *cause = NULL;

	/* Applied as typed; a bad word is reported on Enter. */
	tui_list_set_filter(t, s, &cause);
	free(cause);
	free(s);
}

static void
accept(struct tui *t, struct prompt *pr)
{
	enum tui_prompt_mode mode = pr->mode;
	char *line = line_utf8(pr, 0, pr->len), *cause = NULL;
	int64_t incident = pr->incident;

	reset(t, pr);
	switch (mode) {
	case PROMPT_COMMAND:
		tui_command_exec(t, line);
		break;
	case PROMPT_FILTER:
		if (tui_list_set_filter(t, line, &cause) == -1) {
			tui_error(t, "filter: %s", cause);
			free(cause);
		} else {
			tui_message(t, *line != '\0' ? "%zu incidents match" :
			    "filter cleared", tui_list_count(t));
		}
		break;
	case PROMPT_NOTE:
		if (*line == '\0')
			tui_message(t, "empty note: nothing sent");
		else
			tui_command_op(t, WR_OP_NOTE, incident, line);
		break;
	default:
		break;
	}
	free(line);
}

static void
cancel(struct tui *t, struct prompt *pr)
{
	if (pr->mode == PROMPT_FILTER && pr->had_filter) {
		char *cause = NULL;

		tui_list_set_filter(t, pr->saved_filter, &cause);
		free(cause);
	}
	if (pr->mode == PROMPT_CONFIRM)
		tui_message(t, "cancelled");
	reset(t, pr);
}

static int
confirm_key(struct tui *t, struct prompt *pr, int is_keycode, wint_t ch)
{
	struct tui_confirm c;

	if (is_keycode && ch == KEY_RESIZE)
		return 0;
	if (!is_keycode && (ch == 'y' || ch == 'Y')) {
		c = pr->confirm;
		memset(&pr->confirm, 0, sizeof pr->confirm);
		reset(t, pr);
		tui_command_confirmed(t, &c);
		tui_confirm_clear(&c);
		return 1;
	}
	/* Anything else is a no: a stray key must not resolve an incident. */
	cancel(t, pr);
	return 1;
}

/* A key not taken, said where the person looks (the prompt has the status
 * line's place), and on the status line once the prompt is gone. */
static void
refuse(struct tui *t, struct prompt *pr, const char *why)
{
	pr->refused = why;
	tui_message(t, "%s", why);
	tui_dirty(t, PANE_PROMPT);
}

static int
prompt_key(struct tui *t, struct pane *p, int is_keycode, wint_t ch)
{
	struct prompt *pr = p->priv;
	int edited = 0;

	if (pr->mode == PROMPT_NONE)
		return 0;
	if (pr->mode == PROMPT_CONFIRM)
		return confirm_key(t, pr, is_keycode, ch);
	tui_dirty(t, PANE_PROMPT);
	pr->refused = NULL;
	/* The prefilled text (the current filter) is there to be edited or
	 * replaced: a printable key first replaces it, anything else edits. */
	if (pr->fresh && !is_keycode && iswprint((wint_t)ch))
		pr->len = pr->cur = 0;
	pr->fresh = 0;
	if (is_keycode) {
		switch (ch) {
		case KEY_ENTER:
			accept(t, pr);
			return 1;
		case KEY_BACKSPACE:
			goto backspace;
		case KEY_DC:
			if (pr->cur < pr->len) {
				memmove(&pr->buf[pr->cur], &pr->buf[pr->cur + 1],
				    (pr->len - pr->cur - 1) * sizeof *pr->buf);
				pr->len--;
				edited = 1;
			}
			break;
		case KEY_LEFT:
			if (pr->cur > 0)
				pr->cur--;
			break;
		case KEY_RIGHT:
			if (pr->cur < pr->len)
				pr->cur++;
			break;
		case KEY_HOME:
			pr->cur = 0;
			break;
		case KEY_END:
			pr->cur = pr->len;
			break;
		default:
			return 1;	/* swallowed: the prompt has the keys */
		}
		goto done;
	}
	switch (ch) {
	case '\n':
	case '\r':
		accept(t, pr);
		return 1;
	case 27:	/* Esc */
	case 3:		/* ^C */
	case 7:		/* ^G */
		cancel(t, pr);
		return 1;
	case 127:
	case 8:
	backspace:
		if (pr->cur == 0) {
			if (pr->len == 0)
				cancel(t, pr);	/* as vim's : line does */
			return 1;
		}
		memmove(&pr->buf[pr->cur - 1], &pr->buf[pr->cur],
		    (pr->len - pr->cur) * sizeof *pr->buf);
		pr->cur--;
		pr->len--;
		edited = 1;
		break;
	case 21:	/* ^U: delete to the start */
		memmove(&pr->buf[0], &pr->buf[pr->cur],
		    (pr->len - pr->cur) * sizeof *pr->buf);
		pr->len -= pr->cur;
		pr->cur = 0;
		edited = 1;
		break;
	case 23: {	/* ^W: delete a word */
		size_t i = pr->cur;

		while (i > 0 && pr->buf[i - 1] == ' ')
			i--;
		while (i > 0 && pr->buf[i - 1] != ' ')
			i--;
		memmove(&pr->buf[i], &pr->buf[pr->cur],
		    (pr->len - pr->cur) * sizeof *pr->buf);
		pr->len -= pr->cur - i;
		pr->cur = i;
		edited = 1;
		break;
	}
	case 1:		/* ^A */
		pr->cur = 0;
		break;
	case 5:		/* ^E */
		pr->cur = pr->len;
		break;
	default:
		if (ch >= 0x80 && glyph_table()->ascii) {
			/* The locale is not UTF-8: what the terminal sent is
			 * not known to be what the person typed (in LANG=C,
			 * each byte of a UTF-8 character comes alone). */
			refuse(t, pr, "non-ASCII input refused: the locale "
			    "is not UTF-8 (set LANG to a UTF-8 locale)");
			return 1;
		}
		if (!iswprint((wint_t)ch) || wcwidth((wchar_t)ch) < 0 ||
		    pr->len >= PROMPT_MAX - 1)
			return 1;
		memmove(&pr->buf[pr->cur + 1], &pr->buf[pr->cur],
		    (pr->len - pr->cur) * sizeof *pr->buf);
		pr->buf[pr->cur++] = (wchar_t)ch;
		pr->len++;
		edited = 1;
		break;
	}
done:
	if (edited && pr->mode == PROMPT_FILTER)
		live_filter(t, pr);
	return 1;
}

static void
prompt_init(struct tui *t, struct pane *p)
{
	p->priv = xcalloc(1, sizeof(struct prompt));
}

static void
prompt_free(struct tui *t, struct pane *p)
{
	struct prompt *pr = p->priv;

	if (pr == NULL)
		return;
	free(pr->question);
	tui_confirm_clear(&pr->confirm);
	free(pr->saved_filter);
	free(pr);
	p->priv = NULL;
}

const struct pane_ops tui_prompt_ops = {
	.name = "prompt",
	.init = prompt_init,
	.free = prompt_free,
	.draw = prompt_draw,
	.key = prompt_key,
};
