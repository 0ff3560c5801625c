/*
 * fuzz_cli_config: the console's config file (cli/config.c over
 * core/inifile.c).  Invariants: a refusal names the file and line; no
 * leak when a key is given twice.
 */
#include <string.h>

#include "cli/cli.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct cli_opts o;
	char *cause = NULL;
	const char *path;

	if (!init) {
		/* The environment wins over the file: have none. */
		static const char *const env[] = { "WARROOM_FEED",
		    "WARROOM_TOKEN_FILE", "WARROOM_DB", "WARROOM_USER",
		    "WARROOM_THEME", "WARROOM_LOG" };

		for (size_t i = 0; i < sizeof env / sizeof env[0]; i++)
			unsetenv(env[i]);
		init = 1;
	}
	if (size > 128 * 1024)
		return 0;
	path = fuzz_file(data, size);
	cli_opts_init(&o);
	if (cli_config_load(&o, path, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, path, strlen(path))
		    == 0, "a refusal does not name the file: %s",
		    cause ? cause : "");
		free(cause);
	} else {
		FUZZ_CHECK(o.timeout_s >= 0 && o.backoff_cap_ms >= 0,
		    "negative");
	}
	return 0;
}
