/*
 * test_cli.c: cmocka tests for the command line of `warroom` (cli/cli.c):
 * one table of subcommands and options from which getopt_long, every
 * `--help` and every short usage are made.  Every subcommand answers its
 * own --help (exit 0, its usage, its options, its exit statuses, within 80
 * columns); a mistyped option prints that subcommand's short usage on
 * stderr and nothing else (exit 64); an option that belongs elsewhere says
 * where; a subcommand that is not built says so (69) but answers --help;
 * and warroom(1) names every option and every subcommand of the table, so
 * that adding a row without documenting it fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "relay/config.h"

#define MAN_PAGE "man/warroom.1"
#define MAN_PAGE_RELAY "man/warroomd.8"

struct run {
	int rc;
	const struct cli_sub *sub;
	char **args;		/* the subcommand's words */
	int nargs;
	char *out, *err;
	struct cli_opts o;
	char *argv[32];
	int argc;
};

/* Parse a NULL-ended list of words, as main would get them. */
static void
parse(struct run *r, ...)
{
	va_list ap;
	const char *w;
	FILE *out, *err;
	size_t outlen, errlen;
	int argi;

	memset(r, 0, sizeof *r);
	r->argv[r->argc++] = strdup("warroom");
	va_start(ap, r);
	while ((w = va_arg(ap, const char *)) != NULL && r->argc < 31)
		r->argv[r->argc++] = strdup(w);
	va_end(ap);
	unsetenv("WARROOM_FEED");
	unsetenv("WARROOM_USER");
	cli_opts_init(&r->o);
	out = open_memstream(&r->out, &outlen);
	err = open_memstream(&r->err, &errlen);
	assert_non_null(out);
	assert_non_null(err);
	r->rc = cli_parse(r->argc, r->argv, &r->o, &r->sub, &argi, out, err);
	fclose(out);
	fclose(err);
	r->args = r->argv + argi;
	r->nargs = r->argc - argi;
}

static void
done(struct run *r)
{
	/* getopt_long permuted argv: free what was allocated, in any order */
	for (int i = 0; i < r->argc; i++)
		free(r->argv[i]);
	free(r->out);
	free(r->err);
}

#define assert_starts(text, prefix) do {				\
	if (strncmp((text), (prefix), strlen(prefix)) != 0)		\
		fail_msg("'%s' does not start with '%s'", (text), (prefix)); \
} while (0)

static int
lines_fit(const char *text, size_t cols)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		if (len > cols)
			return 0;
		text += len + (text[len] == '\n');
	}
	return 1;
}

static void
test_every_subcommand_answers_its_own_help(void **state)
{
	size_t n, nopt;
	const struct cli_sub *subs = cli_subs(&n);
	const struct cli_option *opts = cli_options(&nopt);

	(void)state;
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		struct run r;
		char want[160];

		if (subs[i].name[0])
			parse(&r, subs[i].name, "--help", NULL);
		else
			parse(&r, "--help", NULL);
		if (r.rc != 0 || r.err[0] != '\0')
			fail_msg("warroom %s --help: exit %d, stderr '%s'",
			    subs[i].name, r.rc, r.err);
		snprintf(want, sizeof want, "usage: warroom [options]%s%s",
		    subs[i].name[0] ? " " : "", subs[i].name);
		if (strncmp(r.out, want, strlen(want)) != 0)
			fail_msg("warroom %s --help starts '%.60s', not '%s'",
			    subs[i].name, r.out, want);
		if (strstr(r.out, "Exit status:") == NULL)
			fail_msg("warroom %s --help has no exit status",
			    subs[i].name);
		if (!lines_fit(r.out, 80))
			fail_msg("warroom %s --help is wider than 80 columns",
			    subs[i].name);
		/* every option of its row, with its argument's name */
		for (const struct cli_sub_opt *so = subs[i].opts; so->id;
		    so++) {
			for (size_t k = 0; k < nopt; k++) {
				if (opts[k].id != so->id)
					continue;
				snprintf(want, sizeof want, "  --%s%s%s ",
				    opts[k].name, opts[k].arg ? " " : "",
				    opts[k].arg ? opts[k].arg : "");
				if (strstr(r.out, want) == NULL)
					fail_msg("warroom %s --help lacks '%s'",
					    subs[i].name, want);
			}
		}
		if (subs[i].run == NULL &&
		    strstr(r.out, "Not built yet: it exits 69") == NULL)
			fail_msg("warroom %s --help does not say it is not "
			    "built", subs[i].name);
		if (subs[i].run != NULL &&
		    strstr(r.out, "Not built yet") != NULL)
			fail_msg("warroom %s --help says 'not built'",
			    subs[i].name);
		done(&r);
	}
}

static void
test_the_overall_help_lists_every_subcommand(void **state)
{
	size_t n;
	const struct cli_sub *subs = cli_subs(&n);
	struct run r;

	(void)state;
	parse(&r, "-h", NULL);
	assert_int_equal(r.rc, 0);
	for (size_t i = 1; i < n; i++) {
		char want[64];

		snprintf(want, sizeof want, "\n  %s ", subs[i].name);
		if (strstr(r.out, want) == NULL)
			fail_msg("warroom --help does not list %s", subs[i].name);
	}
	assert_non_null(strstr(r.out, "  oncall              who is on call\n"));
	assert_non_null(strstr(r.out, "put someone on call in place of the "
	    "rotation\n"));
	assert_true(lines_fit(r.out, 80));
	done(&r);
}

static void
test_help_before_the_subcommand_is_the_subcommands(void **state)
{
	struct run r;

	(void)state;
	parse(&r, "--feed", "ws://relay:1/feed", "--help", "ack", NULL);
	assert_int_equal(r.rc, 0);
	assert_starts(r.out, "usage: warroom [options] ack ID\n");
	done(&r);
}

static void
test_a_mistyped_option_prints_the_short_usage(void **state)
{
	size_t n;
	const struct cli_sub *subs = cli_subs(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct run r;
		char want[256];

		if (subs[i].run == NULL)
			continue;
		if (subs[i].name[0])
			parse(&r, subs[i].name, "--jsno", NULL);
		else
			parse(&r, "--jsno", NULL);
		snprintf(want, sizeof want, "warroom: %s%sunknown option --jsno\n"
		    "usage: warroom [options]%s%s%s%s\n"
		    "Try 'warroom %s%s--help'.\n",
		    subs[i].name, subs[i].name[0] ? ": " : "",
		    subs[i].name[0] ? " " : "", subs[i].name,
		    subs[i].synopsis[0] ? " " : "", subs[i].synopsis,
		    subs[i].name, subs[i].name[0] ? " " : "");
		if (r.rc != CLI_EX_USAGE)
			fail_msg("warroom %s --jsno: exit %d", subs[i].name, r.rc);
		assert_string_equal(r.err, want);
		assert_string_equal(r.out, "");
		done(&r);
	}
}

static void
test_an_option_that_goes_elsewhere_says_where(void **state)
{
	struct run r;

	(void)state;
	parse(&r, "tail", "--state", "open", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: tail: --state goes with list\n"
	    "usage: warroom [options] tail [--json] [--from-now]\n");
	done(&r);
	parse(&r, "--json", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: --json goes with tail, list, "
	    "export, stats, actions or oncall (a subcommand)\n");
	done(&r);
	parse(&r, "ack", "1", "--theme=night", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: ack: --theme goes with the "
	    "interactive console\n");
	done(&r);
	parse(&r, "--timeout", "5", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_non_null(strstr(r.err, "--timeout goes with list, ack,"));
	done(&r);
}

static void
test_options_come_before_or_after_the_subcommand(void **state)
{
	struct run r;

	(void)state;
	parse(&r, "--feed", "ws://relay:1/feed", "note", "--user=bob", "42",
	    "rolled", "--timeout", "3", "back", NULL);
	assert_int_equal(r.rc, -1);
	assert_non_null(r.sub);
	assert_string_equal(r.sub->name, "note");
	assert_int_equal(r.sub->kind, WR_OP_NOTE);
	assert_string_equal(r.o.feed, "ws://relay:1/feed");
	assert_string_equal(r.o.user, "bob");
	assert_int_equal(r.o.timeout_s, 3);
	assert_int_equal(r.nargs, 3);
	assert_string_equal(r.args[0], "42");
	assert_string_equal(r.args[1], "rolled");
	assert_string_equal(r.args[2], "back");
	done(&r);

	/* an abbreviated option that takes a value is not the subcommand */
	parse(&r, "--token-f", "/tmp/tok", "list", "--json", "--state", "open",
	    NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.sub->name, "list");
	assert_string_equal(r.o.token_file, "/tmp/tok");
	assert_true(r.o.json);
	assert_string_equal(r.o.state, "open");
	assert_int_equal(r.nargs, 0);
	done(&r);

	/* -- ends the options: text that starts with - */
	parse(&r, "note", "7", "--", "-5% errors", NULL);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.nargs, 2);
	assert_string_equal(r.args[1], "-5% errors");
	done(&r);

	/* no subcommand: the console, with its own options */
	parse(&r, "--utc", "--theme", "mono", "--quiet", NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.sub->name, "");
	assert_true(r.o.utc && r.o.quiet);
	assert_string_equal(r.o.theme, "mono");
	done(&r);
}

static void
test_values_are_checked(void **state)
{
	struct run r;

	(void)state;
	parse(&r, "list", "--timeout", "0", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: list: --timeout: '0' is not a "
	    "number of seconds (1 to 86400)\n");
	done(&r);
	parse(&r, "ack", "1", "--timeout", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: ack: --timeout needs an "
	    "argument\n");
	done(&r);
	parse(&r, "--backoff-cap", "soon", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	done(&r);
	parse(&r, "pager", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: unknown subcommand 'pager'; the "
	    "subcommands are tail, list, ack,");
	done(&r);
	/* a mistyped option before the subcommand is the mistake, not the
	 * word after it */
	parse(&r, "--tokn-file", "/tmp/tok", "list", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: unknown option --tokn-file\n");
	done(&r);
	parse(&r, "-V", "tail", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "warroom " WR_VERSION "\n");
	done(&r);
	/* export --format md|json, as the issue gives it; --json is the
	 * same as --format json */
	parse(&r, "export", "3", "--format", "json", NULL);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.o.json, 1);
	done(&r);
	parse(&r, "export", "3", "--json", "--format", "md", NULL);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.o.json, 0);
	done(&r);
	parse(&r, "export", "3", "--format", "pdf", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	assert_starts(r.err, "warroom: export: --format: 'pdf' is not md or "
	    "json\n");
	done(&r);
	parse(&r, "list", "--format", "json", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	done(&r);
}

static void
test_a_subcommand_not_built_says_so_and_exits_69(void **state)
{
	struct run r;
	FILE *saved;

	(void)state;
	parse(&r, "oncall", "--json", "--at", "2026-03-29T01:30:00Z",
	    "--schedule", "primary", NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.sub->name, "oncall");
	assert_non_null(r.sub->run);
	assert_true(r.o.json);
	assert_string_equal(r.o.at, "2026-03-29T01:30:00Z");
	assert_string_equal(r.o.schedule, "primary");
	done(&r);
	/* override is built: its times are options of its own */
	parse(&r, "override", "primary", "bob", "--for", "2h", NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.sub->name, "override");
	assert_non_null(r.sub->run);
	assert_int_equal(r.sub->kind, WR_OP_OVERRIDE);
	assert_string_equal(r.o.for_, "2h");
	assert_int_equal(r.nargs, 2);
	done(&r);
	parse(&r, "override", "primary", "me", "--from", "now", "--until",
	    "+8h", NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.o.from, "now");
	assert_string_equal(r.o.until, "+8h");
	done(&r);
	/* --for belongs to override only */
	parse(&r, "ack", "1", "--for", "2h", NULL);
	assert_int_equal(r.rc, CLI_EX_USAGE);
	done(&r);
	parse(&r, "override", "-h", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "--for DURATION"));
	assert_null(strstr(r.out, "Not built yet"));
	done(&r);
	(void)saved;
}

/* The manual page, whole, NUL-terminated. */
static char *
read_man(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	if (f == NULL)
		fail_msg("cannot open %s (run from the source tree)", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	return text;
}

/* A line of the page that is exactly `lead` or starts with `lead `. */
static int
man_has_line(const char *man, const char *lead)
{
	size_t len = strlen(lead);

	for (const char *p = man; p != NULL && *p; ) {
		if (strncmp(p, lead, len) == 0 && (p[len] == '\n' ||
		    p[len] == ' ' || p[len] == '\0'))
			return 1;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 0;
}

static void
test_the_manual_names_every_option_and_subcommand(void **state)
{
	size_t n, nopt;
	const struct cli_sub *subs = cli_subs(&n);
	const struct cli_option *opts = cli_options(&nopt);
	char *man = read_man(MAN_PAGE);
	char lead[96];

	(void)state;
	for (size_t i = 0; i < nopt; i++) {
		snprintf(lead, sizeof lead, ".It Fl -%s", opts[i].name);
		if (!man_has_line(man, lead))
			fail_msg("%s has no '%s' for the option --%s", MAN_PAGE,
			    lead, opts[i].name);
	}
	for (size_t i = 1; i < n; i++) {
		snprintf(lead, sizeof lead, ".It Cm %s", subs[i].name);
		if (!man_has_line(man, lead))
			fail_msg("%s has no '%s' for the subcommand %s",
			    MAN_PAGE, lead, subs[i].name);
	}
	free(man);
}

/* An .It line of the page names the flag: "Fl -name" as a whole word. */
static int
man_it_names(const char *man, const char *name)
{
	char flag[96];
	size_t len;

	snprintf(flag, sizeof flag, "Fl -%s", name);
	len = strlen(flag);
	for (const char *p = man; p != NULL && *p; ) {
		const char *eol = strchr(p, '\n');
		const char *q = p;

		if (strncmp(p, ".It ", 4) == 0)
			while ((q = strstr(q, flag)) != NULL &&
			    (eol == NULL || q < eol)) {
				if (q[len] == ' ' || q[len] == '\n' ||
				    q[len] == '\0')
					return 1;
				q += len;
			}
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

static void
test_warroomd_8_names_every_relay_option(void **state)
{
	size_t n;
	const struct relay_opt *t = relay_cfg_options(&n);
	char *man = read_man(MAN_PAGE_RELAY);
	/* the options cmd/warroomd.c adds to the table */
	static const char *more[] = { "config", "check-config", "at", "help",
	    "version" };

	(void)state;
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++)
		if (!man_it_names(man, t[i].name))
			fail_msg("%s has no .It for --%s", MAN_PAGE_RELAY,
			    t[i].name);
	for (size_t i = 0; i < sizeof more / sizeof *more; i++)
		if (!man_it_names(man, more[i]))
			fail_msg("%s has no .It for --%s", MAN_PAGE_RELAY,
			    more[i]);
	free(man);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_subcommand_answers_its_own_help),
		cmocka_unit_test(test_the_overall_help_lists_every_subcommand),
		cmocka_unit_test(test_help_before_the_subcommand_is_the_subcommands),
		cmocka_unit_test(test_a_mistyped_option_prints_the_short_usage),
		cmocka_unit_test(test_an_option_that_goes_elsewhere_says_where),
		cmocka_unit_test(test_options_come_before_or_after_the_subcommand),
		cmocka_unit_test(test_values_are_checked),
		cmocka_unit_test(test_a_subcommand_not_built_says_so_and_exits_69),
		cmocka_unit_test(test_the_manual_names_every_option_and_subcommand),
		cmocka_unit_test(test_warroomd_8_names_every_relay_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
