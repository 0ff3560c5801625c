/*
 * layout.c: where each pane goes, for any terminal size.
 *
 * At 80x24 the list is on top and the detail below it; from 160 columns the
 * list is on the left and the detail (and the on-call pane) on the right;
 * with 30 rows or more the on-call pane gets a strip of its own.  The status
 * line is always the last row.  Smaller than a stacked layout allows, one
 * pane at a time is shown (the focused one: Enter shows the detail, Esc the
 * list), and below 20x5 a single "terminal too small" line.  Geometry is a
 * pure function (tui_layout_compute) so that tests can walk every size; the
 * windows are remade whenever it changes, down to 1x1.
 */
#include <stdio.h>
#include <string.h>

#include "tui/tui-int.h"

static struct tui_rect
rect(int y, int x, int h, int w)
{
	struct tui_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	if (r.h == 0 || r.w == 0)
		r.h = r.w = 0;
	return r;
}

void
tui_layout_compute(int rows, int cols, int focus, int zoom, int oncall_lines,
    struct tui_layout *out)
{
	int bh, oh, lw, lh, rest;

	memset(out, 0, sizeof *out);
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		out->mode = LAYOUT_SMALL;
		out->pane[PANE_SMALL] = rect(0, 0, rows, cols);
		return;
	}
	bh = rows - 1;
	out->pane[PANE_STATUS] = rect(rows - 1, 0, 1, cols);
	out->pane[PANE_PROMPT] = out->pane[PANE_STATUS];
	{
		int hh = bh >= 8 ? bh - 2 : bh;
		int hw = cols - 4 >= 16 ? cols - 4 : cols;

		if (hw > 84)
			hw = 84;
		out->pane[PANE_HELP] = rect((bh - hh) / 2, (cols - hw) / 2,
		    hh, hw);
	}
	oh = oncall_lines + 1;
	if (oh < 3)
		oh = 3;
	if (oh > 8)
		oh = 8;
	if (focus != PANE_DETAIL && focus != PANE_ONCALL)
		focus = PANE_LIST;

	if (!zoom && cols >= LAYOUT_WIDE_COLS && bh >= 8) {
		out->mode = LAYOUT_WIDE;
		lw = cols / 2;
		out->pane[PANE_LIST] = rect(0, 0, bh, lw);
		if (bh >= 16) {
			out->pane[PANE_DETAIL] = rect(0, lw, bh - oh, cols - lw);
			out->pane[PANE_ONCALL] = rect(bh - oh, lw, oh, cols - lw);
		} else {
			out->pane[PANE_DETAIL] = rect(0, lw, bh, cols - lw);
		}
		out->detail_border = 1;
	} else if (!zoom && rows >= LAYOUT_STACK_ROWS && cols >= 40) {
		out->mode = LAYOUT_STACKED;
		rest = bh;
		if (rows >= LAYOUT_ONCALL_ROWS) {
			out->pane[PANE_ONCALL] = rect(bh - oh, 0, oh, cols);
			rest = bh - oh;
		}
		lh = rest / 2;
		out->pane[PANE_LIST] = rect(0, 0, lh, cols);
		out->pane[PANE_DETAIL] = rect(lh, 0, rest - lh, cols);
	} else {
		out->mode = LAYOUT_LIST;
		out->pane[focus] = rect(0, 0, bh, cols);
	}
}

void
tui_layout_apply(struct tui *t)
{
	struct tui_layout lay;

	tui_layout_compute(LINES, COLS, t->focus, t->zoom, tui_oncall_lines(t),
	    &lay);
	t->lay = lay;
	t->lay_rows = LINES;
	t->lay_cols = COLS;
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &t->pane[i];
		struct tui_rect r = lay.pane[i];

		if (p->win != NULL)
			delwin(p->win);
		p->win = NULL;
		p->y = r.y;
		p->x = r.x;
		p->h = r.h;
		p->w = r.w;
		p->border_left = lay.detail_border &&
		    (i == PANE_DETAIL || i == PANE_ONCALL);
		p->visible = 0;
		p->dirty = 1;
		if (r.h > 0 && r.w > 0 &&
		    (p->win = newwin(r.h, r.w, r.y, r.x)) != NULL) {
			p->visible = 1;
			if (i != PANE_PROMPT)
				leaveok(p->win, TRUE);
		}
	}
	/* The focus goes where it can be seen. */
	if (!t->pane[t->focus].visible && t->pane[PANE_LIST].visible)
		t->focus = PANE_LIST;
	t->layout_dirty = 0;
}

/* ---- the "terminal too small" line ---------------------------------------- */

static void
small_draw(struct tui *t, struct pane *p)
{
	char buf[64];

	snprintf(buf, sizeof buf, "terminal too small (%dx%d)", p->w, p->h);
	tui_put(t, p->win, 0, 0, p->w, ROLE_NORMAL, buf);
}

const struct pane_ops tui_small_ops = {
	.name = "small",
	.draw = small_draw,
};
