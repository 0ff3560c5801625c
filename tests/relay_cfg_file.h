/*
 * relay_cfg_file.h: a relay config file for a test to write and load,
 * shared by the tests of the config's sections (test_relay_schedules.c,
 * test_relay_policies.c, test_notify.c).  setup and teardown make and
 * remove one temporary file, cfg_path; load writes a text to it and loads
 * it as warroomd would.  Include after cmocka.h.
 */
#ifndef WR_TEST_RELAY_CFG_FILE_H
#define WR_TEST_RELAY_CFG_FILE_H

#include <stdio.h>
#include <stdlib.h>
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

#endif
