/*
 * term.c: whether the terminal can show the console at all, asked of
 * terminfo before ncurses starts (term.h's macros stay in this file).
 *
 * The console draws by moving the cursor: a terminal without cursor
 * addressing (TERM=dumb, an emacs shell buffer, a hard-copy terminal) would
 * get a scroll of half-drawn frames.  It is refused as an unknown TERM is,
 * with a message that says why and what works instead.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "tui/tui.h"
/* after everything else: it defines macros such as "tone" and "lines" */
#include <term.h>

int
tui_term_check(const char *term, char **cause)
{
	TERMINAL *saved = cur_term, *ours;
	const char *name = term != NULL && *term != '\0' ? term : NULL;
	char *cup;
	int err = 0, ok;

	*cause = NULL;
	if (name == NULL) {
		*cause = xstrdup("cannot start the terminal (TERM=unset)");
		return -1;
	}
	if (setupterm((char *)name, -1, &err) != OK) {
		set_curterm(saved);
		*cause = xasprintf("cannot start the terminal (TERM=%s): %s",
		    name, err == 0 ? "terminfo has no such terminal" :
		    "its terminfo entry cannot be read");
		return -1;
	}
	ours = cur_term;
	cup = tigetstr((char *)"cup");
	ok = cup != NULL && cup != (char *)-1;
	ok = ok && !tigetflag((char *)"hc");
	set_curterm(saved);
	del_curterm(ours);
	if (!ok) {
		*cause = xasprintf("cannot start the terminal (TERM=%s): it "
		    "cannot move the cursor, and the console needs one that "
		    "can, such as TERM=xterm-256color (for scripts: warroom "
		    "tail, warroom list)", name);
		return -1;
	}
	return 0;
}
