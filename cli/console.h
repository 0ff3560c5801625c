/*
 * console.h: the interactive console: one thread, one libwebsockets loop
 * that services the feed, the terminal (its own /dev/tty descriptor,
 * adopted as a RAW_FILE), a self-pipe for signals, and timers; and, with
 * --demo, a relay in the same context playing a recorded outage.
 */
#ifndef WR_CLI_CONSOLE_H
#define WR_CLI_CONSOLE_H

#include "cli/cli.h"

/* Returns the process exit status. */
int cli_console(const struct cli_opts *o);

#endif
