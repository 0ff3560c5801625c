/*
 * feed-log.c: where libwebsockets' log lines and the feed's own go: a file
 * the user named (--log), or nowhere.  Never the terminal: lws' default
 * writes to stderr, which is the screen while curses owns it, and noise on
 * the stderr of a script.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "net/feed.h"

static FILE *feed_log_fp;

static void
feed_log_lws(int level, const char *line)
{
	if (feed_log_fp == NULL)
		return;
	fputs(line, feed_log_fp);
	if (line[0] == '\0' || line[strlen(line) - 1] != '\n')
		fputc('\n', feed_log_fp);
	fflush(feed_log_fp);
}

int
feed_log_open(const char *path, int verbose, char **cause)
{
	int fd, level = LLL_ERR | LLL_WARN | LLL_NOTICE;

	feed_log_close();
	if (verbose)
		level |= LLL_INFO;
	if (path == NULL) {
		lws_set_log_level(0, feed_log_lws);
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1 || (feed_log_fp = fdopen(fd, "a")) == NULL) {
		*cause = xasprintf("cannot open the log file %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		lws_set_log_level(0, feed_log_lws);
		return -1;
	}
	lws_set_log_level(level, feed_log_lws);
	return 0;
}

void
feed_log_close(void)
{
	if (feed_log_fp != NULL)
		fclose(feed_log_fp);
	feed_log_fp = NULL;
}

void
feed_logf(const char *fmt, ...)
{
	char when[40];
	va_list ap;

	if (feed_log_fp == NULL)
		return;
	wr_time_format(wr_now_ms(), when, sizeof when);
	fprintf(feed_log_fp, "%s [%ld] ", when, (long)getpid());
	va_start(ap, fmt);
	vfprintf(feed_log_fp, fmt, ap);
	va_end(ap);
	fputc('\n', feed_log_fp);
	fflush(feed_log_fp);
}
