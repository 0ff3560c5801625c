/*
 * test_tui_hostile.c: no byte of an alert reaches the terminal as a control
 * sequence (DESIGN.md, "The terminal").
 *
 * For every case in tests/fixtures/hostile/strings.json an incident carries
 * the text everywhere the feed can put text: title, service, the source's
 * severity name, a label's name and value, an annotation (a runbook link),
 * who acknowledged it, a note, the assignee; the feed's error detail and a
 * relay's refusal reason carry it to the status line.  The console renders
 * the list, the detail (zoomed, so labels and timeline are on screen) and
 * the wide layout into a file, exactly as a terminal would receive it.
 *
 * Two checks.  The bytes written must contain no sequence ncurses itself
 * never sends (OSC, DCS, string terminators, C1 controls in UTF-8, BEL,
 * a cursor-position query).  And the bytes must be identical to those of
 * the same render where every text was replaced by its sanitised, visible
 * form beforehand: whatever the data was, the terminal received exactly
 * what a harmless text would have produced, so nothing in the output came
 * from the data itself.  The screen must also read right: printable
 * characters only, and the status line still on the last row.
 */
#include "tests/test_tui.h"
#include "tests/hostile.h"

#include <wctype.h>

#include "core/sanitize.h"

/* Every character on screen is printable (or a blank). */
static void
assert_screen_printable(struct harness *h, const char *name)
{
	wchar_t w[1024];

	for (int y = 0; y < LINES; y++) {
		int n = COLS < 1023 ? COLS : 1023;

		if (mvwinnwstr(curscr, y, 0, w, n) == ERR)
			continue;
		for (int x = 0; w[x] != 0; x++)
			if (!iswprint((wint_t)w[x]) && w[x] != ' ')
				fail_msg("%s: U+%04X on screen at %d,%d", name,
				    (unsigned)w[x], y, x);
	}
}

/*
 * Build the room with text everywhere, render three frames, check the
 * screen, and return what was written to the terminal.
 */
static char *
render_with(const char *name, const char *text, size_t *len)
{
	struct tui_config cfg = h_config();
	struct harness *h;
	struct wr_event e;
	int64_t id;

	h = h_new_cfg(40, 120, &cfg, 1);
	id = hostile_incident(h, text);
	h_incident(h, "a plain neighbour", "api", WR_SEV_WARNING, 30);

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_ALERT_FIRING;
	e.incident = id;
	e.actor = (char *)text;
	e.alert.fingerprint = (char *)text;
	e.alert.starts = H_NOW - 60000;
	wr_kvlist_add(&e.alert.labels, "alertname", text);
	wr_kvlist_add(&e.alert.labels, text, "value");
	wr_kvlist_add(&e.alert.annotations, "runbook_url", text);
	wr_kvlist_add(&e.alert.annotations, "summary", text);
	h_apply(h, &e);
	wr_kvlist_free(&e.alert.labels);
	wr_kvlist_free(&e.alert.annotations);
	h_event(h, WR_EV_ACKNOWLEDGED, id, text, NULL);
	h_event(h, WR_EV_NOTE, id, text, text);
	h_event(h, WR_EV_ASSIGNED, id, "bob", text);

	tui_set_feed(h->t, TUI_FEED_OFFLINE, 0, 3, text);
	h_render(h);
	assert_screen_printable(h, name);
	assert_non_null(strstr(h_row(h, 39), "OFFLINE"));
	assert_non_null(strstr(h_row(h, 39), "as alice"));

	/* an op refused with the text as the reason (#1 is acknowledged:
	 * the neighbour comes first) */
	h_type(h, "a");
	assert_int_equal(h->n_ops, 1);
	tui_op_done(h->t, h->ops[0].op_id, 0, text);
	h_type(h, "j\n");	/* open the incident */
	h_type(h, "z");		/* zoom: labels and timeline on screen */
	h_render(h);
	assert_screen_printable(h, name);
	assert_non_null(strstr(h_row(h, 39), "refused"));
	if (strstr(h_row(h, 0), "#1  ") == NULL) {
		h_dump(h);
		fail_msg("%s: the detail is not open", name);
	}

	h_type(h, "z");
	h_resize(h, 50, 200);
	h_render(h);
	assert_screen_printable(h, name);
	assert_non_null(strstr(h_row(h, 49), "OFFLINE"));

	{
		char *out = h_output(h, len);

		h_free(h);
		return out;
	}
}

static const char *
memfind(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

static void
test_hostile_strings_never_reach_the_terminal(void **state)
{
	/* Sequences ncurses never sends for xterm-256color: any of them in
	 * the output came from the data. */
	static const char *never[] = {
		"\x1b]", "\x1bP", "\x1b\\", "\x1b[6n", "\a", "\xc2\x9b",
		"\xc2\x9c", "\xc2\x9d", "\xc2\x90", NULL
	};

	assert_true(n_cases >= 10);
	for (size_t i = 0; i < n_cases; i++) {
		char *clean = sanitize_text(cases[i].text,
		    strlen(cases[i].text));
		size_t hlen, clen;
		char *hout = render_with(cases[i].name, cases[i].text, &hlen);
		char *cout = render_with(cases[i].name, clean, &clen);

		for (size_t k = 0; never[k] != NULL; k++) {
			const char *at = memfind(hout, hlen, never[k]);

			if (at != NULL)
				fail_msg("%s: the terminal received a control "
				    "sequence (byte offset %zu)", cases[i].name,
				    (size_t)(at - hout));
		}
		if (hlen != clen || memcmp(hout, cout, hlen) != 0) {
			size_t d = 0;

			while (d < hlen && d < clen && hout[d] == cout[d])
				d++;
			fail_msg("%s: the output differs from the render of its "
			    "visible form at byte %zu", cases[i].name, d);
		}
		free(hout);
		free(cout);
		free(clean);
	}
}

static void
test_hostile_text_shows_as_visible_tokens(void **state)
{
	struct harness *h = h_new(24, 100);

	h_incident(h, "disk full \x1b]52;c;Y3Vy\a on db-1", "api",
	    WR_SEV_CRITICAL, 10);
	h_incident(h, "latency \xc2\x9b" "31m high", "api", WR_SEV_CRITICAL,
	    20);
	h_incident(h, "payment \xe2\x80\xae" "ylno tset ok", "api",
	    WR_SEV_CRITICAL, 30);
	h_incident(h, "bad \xff\xfe utf-8", "api", WR_SEV_CRITICAL, 40);
	h_render(h);
	h_assert_shows(h, "disk full ^[]52;c;Y3Vy^G on db-1");
	h_assert_shows(h, "latency <U+009B>31m high");
	h_assert_shows(h, "payment <U+202E>ylno tset ok");
	h_assert_shows(h, "bad \xef\xbf\xbd\xef\xbf\xbd utf-8");
	h_free(h);
}

static void
test_prompt_takes_no_control_characters(void **state)
{
	struct harness *h = h_new(24, 80);

	h_incident(h, "x", "api", WR_SEV_CRITICAL, 10);
	h_render(h);
	h_type(h, "n");
	tui_key(h->t, 0, 0x9b);		/* C1 CSI */
	tui_key(h->t, 0, 0x0e);		/* ^N: a C0 control */
	tui_key(h->t, 0, 0x85);		/* NEL: a C1 control */
	tui_key(h->t, 0, 0x202e);	/* bidi override: printable, shown as token */
	h_type(h, "ok");
	h_render(h);
	assert_non_null(strstr(h_row(h, 23), "note on #1: "));
	assert_null(strstr(h_row(h, 23), "\xc2\x9b"));
	h_type(h, "\n");
	assert_int_equal(h->n_ops, 1);
	assert_null(strchr(h->ops[0].text, '\a'));
	assert_null(strstr(h->ops[0].text, "\xc2\x9b"));
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_strings_never_reach_the_terminal),
		cmocka_unit_test(test_hostile_text_shows_as_visible_tokens),
		cmocka_unit_test(test_prompt_takes_no_control_characters),
	};

	h_setup_env();
	return cmocka_run_group_tests(tests, hostile_load, hostile_free);
}
