/*
 * cli.c: the options every part of the console shares, filled from their
 * defaults and the environment before the command line overrides them,
 * and the token file.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/util.h"
#include "net/feed.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

void
cli_opts_init(struct cli_opts *o)
{
	struct passwd *pw;

	memset(o, 0, sizeof *o);
	o->feed = env("WARROOM_FEED");
	if (o->feed == NULL)
		o->feed = FEED_DEFAULT_URL;
	o->token_file = env("WARROOM_TOKEN_FILE");
	o->db = env("WARROOM_DB");
	o->user = env("WARROOM_USER");
	if (o->user == NULL)
		o->user = env("USER");
	if (o->user == NULL && (pw = getpwuid(getuid())) != NULL)
		o->user = pw->pw_name;
	o->timeout_s = CLI_DEFAULT_TIMEOUT_S;
}

int
cli_read_token(const char *path, char **token, char **warning, char **cause)
{
	char buf[1024];
	size_t n, start, end;
	struct stat st;
	FILE *fp;

	*token = NULL;
	if (warning != NULL)
		*warning = NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		*cause = xasprintf("cannot read the token file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* The file that was opened, not whatever the path names now. */
	if (warning != NULL && fstat(fileno(fp), &st) == 0 &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		*warning = xasprintf("the token file %s is open to others "
		    "(mode %04o): chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
	if (fgets(buf, sizeof buf, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	n = strlen(buf);
	if (n == sizeof buf - 1 && buf[n - 1] != '\n') {
		*cause = xasprintf("the token file %s: the first line is too "
		    "long for a token", path);
		return -1;
	}
	start = strspn(buf, " \t");
	end = n;
	while (end > start && (buf[end - 1] == '\n' || buf[end - 1] == '\r' ||
	    buf[end - 1] == ' ' || buf[end - 1] == '\t'))
		end--;
	if (end == start) {
		*cause = xasprintf("the token file %s is empty: put the token "
		    "alone on its first line", path);
		return -1;
	}
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c <= 0x20 || c >= 0x7f) {
			*cause = xasprintf("the token file %s: the first line "
			    "must hold the token alone (no spaces or control "
			    "characters)", path);
			return -1;
		}
	}
	*token = xstrndup(buf + start, end - start);
	return 0;
}
