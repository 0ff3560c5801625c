/*
 * warroom.c: the console's main: fill in the defaults, the config file and
 * the environment, parse the command line through the one table of
 * subcommands and options (cli/cli.c: options may come before or after
 * the subcommand; every subcommand has its own --help), and hand over to
 * the subcommand's row, or to the interactive console.  No logic lives
 * here beyond that wiring.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/glyph.h"

int
main(int argc, char **argv)
{
	const struct cli_sub *sub;
	struct cli_opts opts;
	char *config_error = NULL, *path;
	int rc, argi;

	setlocale(LC_ALL, "");
	/* what we print may be UTF-8 only where the locale is */
	glyph_choose(nl_langinfo(CODESET));
	cli_opts_init(&opts);
	path = cli_config_path();
	if (cli_config_load(&opts, path, &config_error) != 0)
		cli_opts_init(&opts);
	free(path);
	if ((rc = cli_parse(argc, argv, &opts, &sub, &argi, stdout,
	    stderr)) != -1) {
		free(config_error);
		return rc;
	}
	/* A broken config is reported once --help and --version had their
	 * chance. */
	if (config_error != NULL) {
		fprintf(stderr, "warroom: %s\n", config_error);
		free(config_error);
		return CLI_EX_USAGE;
	}
	return cli_sub_run(sub, &opts, argc - argi, argv + argi);
}
