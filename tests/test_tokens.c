/*
 * test_tokens.c: cmocka tests for relay/tokens.c: the token file's lines,
 * roles, users= and who a token may act as.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relay/tokens.h"

static char path[64];

/* Load text as a token file (mode 0600); returns tokens_load()'s result. */
static int
load(const char *text, struct tokens *t, char **cause)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/wr-test-tokens.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	*cause = NULL;
	fd = tokens_load(path, t, cause);
	unlink(path);
	return fd;
}

static void
test_roles_and_users_parse(void **state)
{
	struct tokens t;
	char *cause;
	char buf[128];

	(void)state;
	assert_int_equal(load(
	    "# name token roles users\n"
	    "ops   ops0123456789abcdef   console,ingest users=alice,bob\n"
	    "room  room0123456789abcdef  users=*\n"
	    "am    am0123456789abcdef0   ingest\n"
	    "carol carol0123456789abcdef\n", &t, &cause), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0].name, "ops");
	assert_int_equal(t.v[0].roles, TOKEN_ROLE_CONSOLE | TOKEN_ROLE_INGEST);
	assert_int_equal(t.v[0].n_users, 2);
	assert_int_equal(t.v[1].roles, TOKEN_ROLE_CONSOLE | TOKEN_ROLE_INGEST);
	assert_true(t.v[1].any_user);
	assert_int_equal(t.v[2].roles, TOKEN_ROLE_INGEST);
	assert_int_equal(t.v[2].n_users, 0);

	/* ops: itself, alice, bob; nobody else */
	assert_true(tokens_may_act_as(&t.v[0], "ops"));
	assert_true(tokens_may_act_as(&t.v[0], "alice"));
	assert_true(tokens_may_act_as(&t.v[0], "bob"));
	assert_false(tokens_may_act_as(&t.v[0], "mallory"));
	assert_false(tokens_may_act_as(&t.v[0], "alic"));
	assert_false(tokens_may_act_as(&t.v[0], "Alice"));
	assert_false(tokens_may_act_as(&t.v[0], ""));
	assert_false(tokens_may_act_as(&t.v[0], NULL));
	/* the default: its own name only */
	assert_true(tokens_may_act_as(&t.v[3], "carol"));
	assert_false(tokens_may_act_as(&t.v[3], "alice"));
	/* users=*, and a relay without tokens */
	assert_true(tokens_may_act_as(&t.v[1], "anyone-at-all"));
	assert_true(tokens_may_act_as(NULL, "x"));

	tokens_users_text(&t.v[0], buf, sizeof buf);
	assert_string_equal(buf, "ops, alice, bob");
	tokens_users_text(&t.v[1], buf, sizeof buf);
	assert_string_equal(buf, "anyone");
	tokens_users_text(&t.v[3], buf, sizeof buf);
	assert_string_equal(buf, "carol");
	tokens_users_text(&t.v[0], buf, 8);
	assert_true(strlen(buf) < 8);
	tokens_free(&t);
}

static void
test_bad_lines_are_refused_with_the_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "a a0123456789abcdef users=\n", ":1: expected users=" },
		{ "a a0123456789abcdef users=alice,,bob\n", ":1: expected users=" },
		{ "a a0123456789abcdef users=alice,\n", ":1: expected users=" },
		{ "a a0123456789abcdef users=alice,*\n", ":1: expected users=" },
		{ "a a0123456789abcdef console usrs=alice\n", ":1: expected users=" },
		{ "a a0123456789abcdef users=a console\n", ":1: expected NAME" },
		{ "a a0123456789abcdef users=a users=b\n", ":1: expected NAME" },
		{ "a a0123456789abcdef admin\n", ":1: roles must be" },
		{ "a a0123456789abcdef console users=a extra\n",
		    ":1: expected NAME" },
		{ "# ok\nb b0123456789abcdef\na short users=*\n",
		    ":3: token of a is shorter" },
		/* found by fuzzing: the second line was never the one found */
		{ "a a0123456789abcdef ingest\nb a0123456789abcdef console\n",
		    ":2: b has the same token as a; give each its own" },
	};
	struct tokens t;
	char *cause;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(load(bad[i].text, &t, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i].text,
			    cause, bad[i].want);
		assert_int_equal(t.n, 0);
		free(cause);
	}
}

/* A reload keeps a console's token only if the new file has it with the
 * same name, the same secret and the role. */
static void
test_a_reload_keeps_only_the_same_token(void **state)
{
	struct tokens old, nt;
	char *cause;

	(void)state;
	assert_int_equal(load(
	    "ops   ops0123456789abcdef   console\n"
	    "bob   bob0123456789abcdef   console\n"
	    "eve   eve0123456789abcdef   console\n"
	    "dan   dan0123456789abcdef   console\n", &old, &cause), 0);
	assert_int_equal(load(
	    "carol carol0123456789abcdef console\n"
	    "ops   ops0123456789abcdef   console,ingest\n"
	    "mallory eve0123456789abcdef console\n"
	    "dan   dan0123456789abcdef   ingest\n", &nt, &cause), 0);
	/* kept, at its new place in the new set */
	assert_ptr_equal(tokens_same(&nt, &old.v[0], TOKEN_ROLE_CONSOLE),
	    &nt.v[1]);
	/* removed */
	assert_null(tokens_same(&nt, &old.v[1], TOKEN_ROLE_CONSOLE));
	/* the same secret under another name is another token */
	assert_null(tokens_same(&nt, &old.v[2], TOKEN_ROLE_CONSOLE));
	/* the console role taken away */
	assert_null(tokens_same(&nt, &old.v[3], TOKEN_ROLE_CONSOLE));
	assert_null(tokens_same(&nt, NULL, TOKEN_ROLE_CONSOLE));
	tokens_free(&old);
	tokens_free(&nt);
}

/* A calendar token is alone in its role, is the only kind taken from a
 * URL, and opens nothing a header token opens. */
static void
test_calendar_role_is_alone_and_only_in_urls(void **state)
{
	struct tokens t;
	char *cause;

	(void)state;
	assert_int_equal(load("ops ops0123456789abcdef console,ingest\n"
	    "cal cal0123456789abcdef calendar\n", &t, &cause), 0);
	assert_int_equal(t.v[1].roles, TOKEN_ROLE_CALENDAR);
	assert_non_null(tokens_check_url(&t, "cal0123456789abcdef"));
	assert_null(tokens_check_url(&t, "ops0123456789abcdef"));
	assert_null(tokens_check_url(&t, "nope0123456789abcdef"));
	assert_null(tokens_check(&t, "cal0123456789abcdef", TOKEN_ROLE_CONSOLE));
	assert_null(tokens_check(&t, "cal0123456789abcdef", TOKEN_ROLE_INGEST));
	tokens_free(&t);
	assert_int_equal(load("cal cal0123456789abcdef console,calendar\n", &t,
	    &cause), -1);
	assert_non_null(strstr(cause, ":1: a calendar token has no other "
	    "role"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_and_users_parse),
		cmocka_unit_test(test_a_reload_keeps_only_the_same_token),
		cmocka_unit_test(test_bad_lines_are_refused_with_the_line),
		cmocka_unit_test(test_calendar_role_is_alone_and_only_in_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
