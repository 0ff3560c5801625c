/*
 * relay_cfg_file.h: a relay config file for a test to write and load,
 * shared by the tests of the config's sections (test_relay_schedules.c,
 * test_relay_policies.c, test_notify.c).  setup and teardown make and
 * remove one temporary file, cfg_path; load writes a text to it and loads
 * it as warroomd would; expect_refused checks that texts are refused at
 * their line, for the reason given.  Include after cmocka.h.
 */
#ifndef WR_TEST_RELAY_CFG_FILE_H
#define WR_TEST_RELAY_CFG_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/config.h"

static char path[64];

static int
setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof path, "/tmp/wr-relay-cfg-XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* Write text as the config file and load it: 0, or -1 and *cause. */
static int
load(struct relay_cfg *cfg, const char *text, char **cause)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	relay_cfg_defaults(cfg);
	return relay_cfg_load(cfg, path, cause);
}

/* A config text that must be refused: the line its reason names and a
 * part of that reason. */
struct cfg_refusal {
	const char *text;
	int line;
	const char *reason;
};

/* Each of the n texts is refused with "PATH:LINE: ...REASON...". */
static void
expect_refused(const struct cfg_refusal *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct relay_cfg cfg;
		char *cause = NULL, where[96];

		if (load(&cfg, bad[i].text, &cause) == 0)
			fail_msg("accepted: %s", bad[i].text);
		snprintf(where, sizeof where, "%s:%d: ", path, bad[i].line);
		if (strncmp(cause, where, strlen(where)) != 0 ||
		    strstr(cause, bad[i].reason) == NULL)
			fail_msg("%zu: got \"%s\", want \"%s%s...\"", i, cause,
			    where, bad[i].reason);
		free(cause);
		relay_cfg_free(&cfg);
	}
}

#endif
