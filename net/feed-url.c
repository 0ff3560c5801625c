/*
 * feed-url.c: the feed's address, "ws://HOST:PORT/PATH" or "wss://...".
 *
 * HOST may be a name, an IPv4 address or an IPv6 literal in brackets
 * ("ws://[::1]:8470/feed").  The port defaults to 80 (ws) or 443 (wss) and
 * the path to "/feed".  Credentials in the URL are refused: the token goes
 * in a header, never where logs and process lists can see it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "net/feed.h"

#define URL_FAIL(...) do {						\
	snprintf(err, errsz, __VA_ARGS__);				\
	return -1;							\
} while (0)

int
feed_url_parse(const char *url, struct feed_url *out, char *err,
    size_t errsz)
{
	const char *p, *host, *host_end, *auth_end, *at, *port = NULL;
	size_t hlen;

	memset(out, 0, sizeof *out);
	if (url == NULL || url[0] == '\0')
		URL_FAIL("the feed URL is empty");
	if (strncmp(url, "ws://", 5) == 0) {
		p = url + 5;
		out->port = 80;
	} else if (strncmp(url, "wss://", 6) == 0) {
		p = url + 6;
		out->tls = 1;
		out->port = 443;
	} else
		URL_FAIL("the feed URL %s is not ws://HOST:PORT/feed or "
		    "wss://...", url);
	auth_end = p + strcspn(p, "/?#");
	at = NULL;
	for (const char *q = p; q < auth_end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL)
		/* Not a byte of what is before the @: it is a secret. */
		URL_FAIL("the feed URL %.*s***@%.*s has credentials in it; give "
		    "the token with --token-file instead", (int)(p - url),
		    url, (int)(auth_end - at - 1 > 255 ? 255 :
		    auth_end - at - 1), at + 1);
	if (*p == '[') {
		host = p + 1;
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (host_end == NULL)
			URL_FAIL("the feed URL %s has an unclosed [", url);
		out->ipv6 = 1;
		if (host_end + 1 < auth_end) {
			if (host_end[1] != ':')
				URL_FAIL("the feed URL %s: junk after ]", url);
			port = host_end + 2;
		}
	} else {
		host = p;
		host_end = memchr(p, ':', (size_t)(auth_end - p));
		if (host_end != NULL)
			port = host_end + 1;
		else
			host_end = auth_end;
	}
	hlen = (size_t)(host_end - host);
	if (hlen == 0)
		URL_FAIL("the feed URL %s has no host", url);
	if (hlen >= sizeof out->host)
		URL_FAIL("the feed URL's host is too long");
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)host[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != '_' &&
		    !(out->ipv6 && (c == ':' || c == '%')))
			URL_FAIL("the feed URL %s has a bad host", url);
	}
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	if (port != NULL) {
		long v = 0;
		const char *q;

		if (port == auth_end)
			URL_FAIL("the feed URL %s has an empty port", url);
		for (q = port; q < auth_end; q++) {
			if (!isdigit((unsigned char)*q))
				URL_FAIL("the feed URL %s has a bad port", url);
			v = v * 10 + (*q - '0');
			if (v > 65535)
				break;
		}
		if (v < 1 || v > 65535)
			URL_FAIL("the feed URL %s: port out of range", url);
		out->port = (int)v;
	}
	if (*auth_end == '\0' || *auth_end == '#')
		util_strlcpy(out->path, "/feed", sizeof out->path);
	else {
		size_t plen = strcspn(auth_end, "#");

		if (plen >= sizeof out->path)
			URL_FAIL("the feed URL's path is too long");
		if (*auth_end == '?')
			snprintf(out->path, sizeof out->path, "/feed%.*s",
			    (int)plen, auth_end);
		else {
			memcpy(out->path, auth_end, plen);
			out->path[plen] = '\0';
		}
		for (size_t i = 0; out->path[i] != '\0'; i++)
			if ((unsigned char)out->path[i] <= 0x20 ||
			    out->path[i] == 0x7f)
				URL_FAIL("the feed URL %s has a space or a "
				    "control character in its path", url);
	}
	return 0;
}
