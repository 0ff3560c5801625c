/*
 * fuzz_feed_url: the feed URL parser (net/feed-url.c), and core/parse.c's
 * HOST:PORT and http:// URL parsers.  Invariants: what parses has a
 * non-empty host within its buffer, a port in range and a path that
 * starts with '/', and has no control bytes or spaces in it.
 */
#include <string.h>

#include "core/parse.h"
#include "net/feed.h"
#include "tests/fuzz/fuzz.h"

static void
clean(const char *what, const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p > ' ' && *p != 0x7f, "%s '%s' "
		    "holds byte %#x", what, s, (unsigned char)*p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = fuzz_str(data, size), err[256], *host = NULL, *path = NULL;
	struct feed_url u;
	int port = -1;

	if (feed_url_parse(v, &u, err, sizeof err) == 0) {
		FUZZ_CHECK(memchr(u.host, '\0', sizeof u.host) != NULL &&
		    u.host[0] != '\0', "host");
		FUZZ_CHECK(memchr(u.path, '\0', sizeof u.path) != NULL &&
		    u.path[0] == '/', "path '%s'", u.path);
		FUZZ_CHECK(u.port >= 1 && u.port <= 65535, "port %d", u.port);
		clean("host", u.host);
		clean("path", u.path);
	} else {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL &&
		    err[0] != '\0', "no reason");
	}
	if (wr_parse_hostport(v, &host, &port, err, sizeof err) == 0) {
		FUZZ_CHECK(host != NULL && port >= 0 && port <= 65535,
		    "hostport");
		(void)wr_host_is_loopback(host);
		free(host);
		host = NULL;
	}
	if (wr_parse_http_url(v, &host, &port, &path, err, sizeof err) == 0) {
		FUZZ_CHECK(host != NULL && host[0] != '\0' && port >= 0 &&
		    port <= 65535 && path != NULL && path[0] == '/',
		    "http url");
		clean("http host", host);
		clean("http path", path);
		free(host);
		free(path);
	}
	free(v);
	return 0;
}
