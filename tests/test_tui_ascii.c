/*
 * test_tui_ascii.c: a terminal that cannot show the console is refused,
 * and under LANG=C (a locale that is not UTF-8) the console stays readable
 * with ASCII alone.
 *
 * Under the C locale, with the text of every case of
 * tests/fixtures/hostile/strings.json everywhere the feed can put text,
 * every pane is rendered (the list, the detail zoomed, the on-call pane,
 * the wide layout's rule between panes, the help, the prompt, "terminal too
 * small") and no byte >= 0x80 may reach the terminal: the pane's rule is
 * '|', a cut text ends in "...", and the data's characters are visible
 * ASCII tokens.  A non-ASCII key in a prompt is refused, and said so.
 * TERM=dumb (no cursor addressing) is refused as an unknown TERM is.
 */
#include "tests/test_tui.h"
#include "tests/hostile.h"

#include "core/glyph.h"
#include "core/schedule.h"
#include "core/zone.h"
#include "core/sanitize.h"

/* Everything ncurses wrote so far is ASCII. */
static void
assert_output_ascii(struct harness *h, const char *name, const char *what)
{
	size_t len;
	char *out = h_output(h, &len);

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)out[i] >= 0x80) {
			size_t from = i > 40 ? i - 40 : 0;

			h_dump(h);
			fail_msg("%s, %s: byte 0x%02x at %zu of the output, "
			    "after \"%.*s\"", name, what,
			    (unsigned char)out[i], i, (int)(i - from),
			    out + from);
		}
	free(out);
}

/* The whole screen as one string (rows joined with '\n'). */
static char *
screen_text(struct harness *h)
{
	size_t cap = (size_t)LINES * ((size_t)COLS + 1) * 4 + 1, n = 0;
	char *s = xmalloc(cap);

	for (int y = 0; y < LINES; y++) {
		const char *r = h_row(h, y);
		size_t k = strlen(r);

		if (n + k + 2 > cap)
			break;
		memcpy(s + n, r, k);
		n += k;
		s[n++] = '\n';
	}
	s[n] = '\0';
	return s;
}

static void
c_locale(void)
{
	h_setup_env();
	setlocale(LC_ALL, "C");
	unsetenv("LANG");
	unsetenv("LC_ALL");
}

/* An incident with text everywhere, as in test_tui_hostile.c. */
/* The schedule the on-call pane borrows, freed after the harness. */
static struct wr_schedule *ascii_oncall;

static void
populate(struct harness *h, const char *text)
{
	struct wr_event e;
	int64_t id;

	id = hostile_incident(h, text);
	h_incident(h, "a plain neighbour with a title much too long for its "
	    "column in the list, so that it is cut", "api", WR_SEV_WARNING, 30);
	for (int i = 0; i < 7; i++) {
		char fp[32];

		memset(&e, 0, sizeof e);
		snprintf(fp, sizeof fp, "fp%d", i);
		e.kind = WR_EV_ALERT_FIRING;
		e.incident = id;
		e.actor = (char *)text;
		e.alert.fingerprint = i == 0 ? (char *)text : fp;
		e.alert.starts = H_NOW - 60000;
		e.alert.firing = 1;
		wr_kvlist_add(&e.alert.labels, "alertname", text);
		wr_kvlist_add(&e.alert.labels, text, i % 2 ? "value" : text);
		wr_kvlist_add(&e.alert.annotations, "runbook_url", text);
		h_apply(h, &e);
		wr_kvlist_free(&e.alert.labels);
		wr_kvlist_free(&e.alert.annotations);
	}
	h_event(h, WR_EV_ACKNOWLEDGED, id, text, NULL);
	h_event(h, WR_EV_NOTE, id, text, text);
	h_event(h, WR_EV_ASSIGNED, id, "bob", text);
	tui_set_feed(h->t, TUI_FEED_OFFLINE, 0, 3, text);
	{
		/* the hostile text as a schedule's name and its people: one
		 * on call now, the other an hour from now */
		struct wr_schedule *s = wr_schedule_new(text[0] != '\0' ? text :
		    "empty", wr_zone_fixed("UTC", 0));
		struct wr_layer *l = wr_schedule_add_layer(s, "l");
		struct tui_schedule v[2] = {
			{ s->name, text, s, NULL },
			{ "database", "Mars/Base", NULL, text },
		};

		l->turn = 7200;
		l->start = H_NOW / 1000 - 3600;
		l->has_turn = l->has_start = 1;
		wr_schedule_add_person(l, text);
		wr_schedule_add_person(l, "carol");
		tui_set_schedules(h->t, v, 2);
		wr_schedule_free(ascii_oncall);
		ascii_oncall = s;
	}
}

static void
test_every_pane_is_ascii_under_a_c_locale(void **state)
{
	c_locale();
	assert_true(n_cases >= 10);
	for (size_t i = 0; i < n_cases; i++) {
		const char *name = cases[i].name;
		struct harness *h = h_new_cfg(40, 120, NULL, 1);
		char *scr;

		assert_int_equal(glyph_table()->ascii, 1);
		populate(h, cases[i].text);
		h_render(h);
		assert_output_ascii(h, name, "the list");
		/* the neighbour's title is cut with "..." */
		scr = screen_text(h);
		assert_non_null(strstr(scr, "..."));
		free(scr);

		h_type(h, "?");
		h_render(h);
		assert_output_ascii(h, name, "the help");
		h_type(h, "q");
		h_type(h, "j\nz");	/* the incident's detail, zoomed */
		h_render(h);
		if (strncmp(h_row(h, 0), " #1  ", 5) != 0) {
			h_dump(h);
			fail_msg("%s: the detail is not open", name);
		}
		assert_output_ascii(h, name, "the detail");
		h_type(h, " ");
		h_render(h);
		assert_output_ascii(h, name, "the detail's alerts");
		h_type(h, "z");
		h_resize(h, 50, 200);	/* wide: the rule, the on-call pane */
		h_render(h);
		assert_output_ascii(h, name, "the wide layout");
		{
			int y = h_find(h, "On call");
			const char *r;

			assert_true(y >= 0);
			r = h_row(h, y);
			/* the rule left of the detail and on-call panes */
			assert_non_null(strchr(r, '|'));
		}
		h_type(h, "n");
		h_type(h, cases[i].text[0] != '\0' ? "typed" : "x");
		h_render(h);
		assert_output_ascii(h, name, "the note prompt");
		h_key(h, 27);
		h_type(h, "\033");
		h_resize(h, 3, 10);
		h_render(h);
		assert_output_ascii(h, name, "too small");
		h_free(h);
		wr_schedule_free(ascii_oncall);
		ascii_oncall = NULL;
	}
}

static void
test_hostile_text_shows_as_ascii_tokens(void **state)
{
	static const struct {
		const char *name, *token;
	} want[] = {
		{ "bidi-override", "payment <U+202E>ylno tset<U+202C> ok" },
		{ "title-and-clear", "api down^[]0;owned^G^[[2J^[[H" },
		{ "c1-csi", "latency <U+009B>31m high" },
		{ "wide-and-combining", "<U+8A3C><U+660E><U+66F8> e<U+0301> <U+1F525>" },
		{ "zero-width", "check<U+200B>out<U+200D> svc<U+FEFF>" },
	};

	c_locale();
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		struct harness *h = NULL;

		for (size_t i = 0; i < n_cases; i++) {
			if (strcmp(cases[i].name, want[k].name) != 0)
				continue;
			h = h_new_cfg(60, 150, NULL, 1);
			populate(h, cases[i].text);
		}
		assert_non_null(h);
		h_render(h);
		h_type(h, "j\nz");
		h_render(h);
		h_assert_shows(h, want[k].token);
		h_free(h);
		wr_schedule_free(ascii_oncall);
		ascii_oncall = NULL;
	}
}

static void
test_an_em_dash_in_a_title_reads_as_a_dash(void **state)
{
	struct harness *h;

	c_locale();
	h = h_new(24, 80);
	/* the title Alertmanager groups get: "NodeDown \u2014 300 alerts" */
	h_incident(h, "NodeDown \xe2\x80\x94 300 alerts", "edge",
	    WR_SEV_CRITICAL, 60);
	h_render(h);
	h_assert_shows(h, "NodeDown - 300 alerts");
	assert_output_ascii(h, "em dash", "the list");
	h_free(h);
}

static void
test_a_prompt_refuses_non_ascii_under_a_c_locale(void **state)
{
	struct harness *h;

	c_locale();
	h = h_new(24, 80);
	h_incident(h, "disk full", "db", WR_SEV_CRITICAL, 60);
	h_render(h);
	h_type(h, "ncaf");
	/* In the C locale ncurses hands over each byte of a UTF-8
	 * character on its own: "\xc3\xa9" for an e with an acute. */
	set_term(h->scr);
	tui_key(h->t, 0, 0xc3);
	tui_key(h->t, 0, 0xa9);
	h_render(h);
	if (strstr(h_row(h, 23), "non-ASCII input refused") == NULL) {
		h_dump(h);
		fail_msg("the prompt does not say the key was refused");
	}
	assert_non_null(strstr(h_row(h, 23), "note on #1: caf"));
	assert_output_ascii(h, "prompt", "the refusal");
	/* the next key takes the message away, and the line goes on */
	h_type(h, "e");
	h_render(h);
	assert_null(strstr(h_row(h, 23), "refused"));
	h_type(h, "\n");
	assert_int_equal(h->n_ops, 1);
	assert_string_equal(h->ops[0].text, "cafe");
	h_free(h);
}

static void
test_a_utf8_locale_keeps_utf8(void **state)
{
	struct harness *h;

	h_setup_env();		/* C.UTF-8 */
	h = h_new(24, 80);
	assert_int_equal(glyph_table()->ascii, 0);
	h_incident(h, "NodeDown \xe2\x80\x94 300 alerts", "edge",
	    WR_SEV_CRITICAL, 60);
	h_render(h);
	h_assert_shows(h, "NodeDown \xe2\x80\x94 300 alerts");
	h_type(h, "n");
	set_term(h->scr);
	tui_key(h->t, 0, 0xe9);		/* e acute, whole */
	h_type(h, "\n");
	assert_int_equal(h->n_ops, 1);
	assert_string_equal(h->ops[0].text, "\xc3\xa9");
	h_free(h);
}

static void
test_a_terminal_without_cursor_addressing_is_refused(void **state)
{
	char *cause = NULL;

	assert_int_equal(tui_term_check("dumb", &cause), -1);
	assert_non_null(strstr(cause, "TERM=dumb"));
	assert_non_null(strstr(cause, "cannot move the cursor"));
	free(cause);
	assert_int_equal(tui_term_check("no-such-terminal-xyz", &cause), -1);
	assert_string_equal(cause, "cannot start the terminal "
	    "(TERM=no-such-terminal-xyz): terminfo has no such terminal");
	free(cause);
	assert_int_equal(tui_term_check(NULL, &cause), -1);
	free(cause);
	assert_int_equal(tui_term_check("xterm-256color", &cause), 0);
	assert_null(cause);
	assert_int_equal(tui_term_check("vt100", &cause), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pane_is_ascii_under_a_c_locale),
		cmocka_unit_test(test_hostile_text_shows_as_ascii_tokens),
		cmocka_unit_test(test_an_em_dash_in_a_title_reads_as_a_dash),
		cmocka_unit_test(test_a_prompt_refuses_non_ascii_under_a_c_locale),
		cmocka_unit_test(test_a_utf8_locale_keeps_utf8),
		cmocka_unit_test(test_a_terminal_without_cursor_addressing_is_refused),
	};

	h_setup_env();
	return cmocka_run_group_tests(tests, hostile_load, hostile_free);
}
