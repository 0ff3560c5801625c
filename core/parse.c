/*
 * parse.c: operator values (parse.h).
 *
 * Numbers are read digit by digit with an overflow check instead of with
 * strtoull, which would take leading spaces, a '+', a '-' (wrapping it to a
 * huge positive number) and the locale's idea of a digit.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "util.h"

#define KIB 1024ULL

static const char use_size[] = "use 65536, 64k, 16M or 1G";
static const char use_hostport[] =
    "use HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470";
static const char use_url[] = "use http://HOST:PORT[/PATH]";

/* The value as the reason quotes it: bounded, control bytes shown as ?. */
static void
quote(const char *v, char *buf, size_t size)
{
	size_t n = 0, max = size < 52 ? size - 4 : 48;
	const char *p;

	for (p = v; *p != '\0' && n < max; p++)
		buf[n++] = (unsigned char)*p < ' ' || *p == 0x7f ? '?' : *p;
	if (*p != '\0')
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
}

/* "'VALUE'" then the rest of the reason, into err. */
static int
refuse(char *err, size_t errsz, const char *q, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
refuse(char *err, size_t errsz, const char *q, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errsz == 0)
		return -1;
	n = snprintf(err, errsz, "'%s'", q);
	if (n >= 0 && (size_t)n < errsz) {
		va_start(ap, fmt);
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define REFUSE(...) refuse(err, errsz, q, __VA_ARGS__)

/* Leading digits of s into *n; returns the count, or -1 on overflow. */
static int
digits(const char *s, uint64_t *n, const char **end)
{
	int count = 0;

	*n = 0;
	for (; *s >= '0' && *s <= '9'; s++, count++) {
		unsigned d = (unsigned)(*s - '0');
		if (*n > (UINT64_MAX - d) / 10) {
			while (s[1] >= '0' && s[1] <= '9')
				s++;
			*end = s + 1;
			return -1;
		}
		*n = *n * 10 + d;
	}
	*end = s;
	return count;
}

void
wr_format_size(uint64_t n, char *buf, size_t size)
{
	if (n != 0 && n % (KIB * KIB * KIB) == 0)
		snprintf(buf, size, "%lluG",
		    (unsigned long long)(n / (KIB * KIB * KIB)));
	else if (n != 0 && n % (KIB * KIB) == 0)
		snprintf(buf, size, "%lluM", (unsigned long long)(n / (KIB * KIB)));
	else if (n != 0 && n % KIB == 0)
		snprintf(buf, size, "%lluk", (unsigned long long)(n / KIB));
	else
		snprintf(buf, size, "%llu", (unsigned long long)n);
}

int
wr_parse_size(const char *v, uint64_t min, uint64_t max, uint64_t *out,
    char *err, size_t errsz)
{
	char q[56];
	const char *end;
	uint64_t n, mult = 1;
	char lim[32];
	int nd;

	quote(v, q, sizeof q);
	if (v[0] == '-' && v[1] >= '0' && v[1] <= '9') {
		wr_format_size(min, lim, sizeof lim);
		return REFUSE(
		    " is negative (a size is at least %s)", lim);
	}
	nd = digits(v, &n, &end);
	if (nd == 0)
		return REFUSE(" is not a size (%s)",
		    use_size);
	switch (*end) {
	case 'k': case 'K': mult = KIB; end++; break;
	case 'm': case 'M': mult = KIB * KIB; end++; break;
	case 'g': case 'G': mult = KIB * KIB * KIB; end++; break;
	default: break;
	}
	if (*end != '\0')
		return REFUSE(" is not a size (%s)",
		    use_size);
	wr_format_size(max, lim, sizeof lim);
	if (nd < 0 || n > UINT64_MAX / mult || n * mult > max)
		return REFUSE(" is too large (at most %s)",
		    lim);
	n *= mult;
	if (n < min) {
		wr_format_size(min, lim, sizeof lim);
		return REFUSE(" is too small (at least %s)",
		    lim);
	}
	*out = n;
	return 0;
}

static const struct {
	const char *name;
	int64_t ms;
} units[] = {
	{ "w", 7 * 86400000LL }, { "d", 86400000LL }, { "h", 3600000LL },
	{ "m", 60000LL }, { "s", 1000LL }, { "ms", 1LL },
};

void
wr_format_duration(int64_t ms, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(buf, size, "%lld%s",
			    (long long)(ms / units[i].ms), units[i].name);
			return;
		}
	}
	snprintf(buf, size, "%lldms", (long long)ms);
}

int
wr_parse_duration(const char *v, int flags, int64_t min_ms, int64_t max_ms,
    int64_t *out_ms, char *err, size_t errsz)
{
	char q[56];
	const char *end;
	uint64_t n;
	int64_t mult = 0;
	char lim[32];
	int nd;

	quote(v, q, sizeof q);
	if (v[0] == '-' && v[1] >= '0' && v[1] <= '9')
		return REFUSE(" is negative");
	nd = digits(v, &n, &end);
	if (nd == 0)
		return REFUSE(
		    " is not a duration (use 10s, 2m, ...)");
	if (*end == '\0') {
		if (!(flags & WR_DUR_PLAIN_MS))
			return REFUSE(
			    " has no unit (use 10s, 2m, 12h, 30d, ...)");
		mult = 1;
	}
	for (size_t i = 0; mult == 0 && i < sizeof units / sizeof units[0];
	    i++)
		if (strcmp(end, units[i].name) == 0)
			mult = units[i].ms;
	if (mult == 0)
		return REFUSE(
		    " is not a duration (use 10s, 2m, ...)");
	wr_format_duration(max_ms, lim, sizeof lim);
	if (nd < 0 || n > (uint64_t)INT64_MAX / (uint64_t)mult ||
	    (int64_t)n * mult > max_ms)
		return REFUSE(" is too long (at most %s)",
		    lim);
	if ((int64_t)n * mult < min_ms) {
		wr_format_duration(min_ms, lim, sizeof lim);
		return REFUSE(
		    " is too short (at least %s)", lim);
	}
	*out_ms = (int64_t)n * mult;
	return 0;
}

int
wr_parse_int(const char *v, int64_t min, int64_t max, int64_t *out,
    char *err, size_t errsz)
{
	char q[56];
	const char *p = v, *end;
	uint64_t n;
	int64_t x;
	int neg = 0, nd;

	quote(v, q, sizeof q);
	if (*p == '-')
		neg = 1, p++;
	nd = digits(p, &n, &end);
	if (nd == 0 || *end != '\0')
		return REFUSE(" is not a whole number");
	if (nd < 0 || n > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		goto range;
	x = neg ? (n == 0 ? 0 : -(int64_t)(n - 1) - 1) : (int64_t)n;
	if (x < min || x > max)
		goto range;
	*out = x;
	return 0;
range:
	return REFUSE(" is out of range (%lld to %lld)", (long long)min,
	    (long long)max);
}

static int
word_ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int ca = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;
		if (ca != *b)
			return 0;
	}
	return *a == *b;
}

int
wr_parse_bool(const char *v, int *out, char *err, size_t errsz)
{
	char q[56];
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	quote(v, q, sizeof q);
	for (size_t i = 0; i < 4; i++) {
		if (word_ieq(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (word_ieq(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return REFUSE(" is not true or false (use true, "
	    "false, yes, no, on, off, 1 or 0)");
}

static int
host_name_ok(const char *h, size_t n)
{
	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_'))
			return 0;
	}
	return 1;
}

/*
 * s[0..n) is HOST:PORT or, when the port may be left out, HOST.  v is the
 * whole value, for the reason.
 */
static int
host_port(const char *v, const char *s, size_t n, int dflt_port,
    char **host, int *port, char *err, size_t errsz, const char *use)
{
	char q[56];
	const char *h = s, *colon = NULL, *p;
	size_t hn;
	char buf[256];
	uint64_t pn;
	const char *end;

	quote(v, q, sizeof q);
	if (n == 0)
		return REFUSE(" has no host (%s)", use);
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		struct in6_addr a6;
		if (close == NULL)
			return REFUSE(
			    " has no closing bracket (%s)", use);
		h = s + 1;
		hn = (size_t)(close - h);
		if (hn == 0 || hn >= sizeof buf)
			return REFUSE(
			    " has no IPv6 address in its brackets");
		memcpy(buf, h, hn);
		buf[hn] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1)
			return REFUSE(
			    ": the brackets hold no IPv6 address");
		p = close + 1;
		if (p < s + n && *p != ':')
			return REFUSE(
			    " has something after the brackets (%s)", use);
		if (p < s + n)
			colon = p;
	} else {
		colon = memchr(s, ':', n);
		if (colon != NULL && memchr(colon + 1, ':',
		    (size_t)(s + n - colon - 1)) != NULL)
			return REFUSE(": an IPv6 address "
			    "goes in brackets, as in [::1]:8470");
		hn = colon ? (size_t)(colon - s) : n;
		if (hn == 0)
			return REFUSE(" has no host (%s)",
			    use);
		if (!host_name_ok(s, hn))
			return REFUSE(
			    ": not a host name or address (%s)", use);
	}
	if (colon == NULL) {
		if (dflt_port < 0)
			return REFUSE(" has no port (%s)",
			    use);
		pn = (uint64_t)dflt_port;
	} else {
		size_t pl = (size_t)(s + n - colon - 1);
		int nd;
		if (pl == 0)
			return REFUSE(" has no port (%s)",
			    use);
		if (pl >= sizeof buf)
			pl = sizeof buf - 1;
		memcpy(buf, colon + 1, pl);
		buf[pl] = '\0';
		nd = digits(buf, &pn, &end);
		if (nd == 0 || *end != '\0')
			return REFUSE(
			    ": the port is not a number (%s)", use);
		if (nd < 0 || pn > 65535)
			return REFUSE(
			    ": port out of range (0 to 65535)");
	}
	*host = xstrndup(h, hn);
	*port = (int)pn;
	return 0;
}

int
wr_parse_hostport(const char *v, char **host, int *port, char *err,
    size_t errsz)
{
	char *h;
	int pt;

	if (host_port(v, v, strlen(v), -1, &h, &pt, err, errsz,
	    use_hostport) != 0)
		return -1;
	free(*host);
	*host = h;
	*port = pt;
	return 0;
}

int
wr_parse_http_url(const char *v, char **host, int *port, char **path,
    char *err, size_t errsz)
{
	char q[56];
	const char *auth, *slash;
	char *h;
	int pt;

	quote(v, q, sizeof q);
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "HTTP://", 7) != 0)
		return REFUSE(" is not an http:// URL (%s)",
		    use_url);
	for (const char *p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return REFUSE(
			    " holds a space or a control character");
	if (strpbrk(v, "?#") != NULL)
		return REFUSE(
		    ": no query or fragment here (%s)", use_url);
	auth = v + 7;
	slash = strchr(auth, '/');
	if (slash == NULL)
		slash = auth + strlen(auth);
	if (memchr(auth, '@', (size_t)(slash - auth)) != NULL)
		return REFUSE(
		    ": user:password@ does not belong in the URL");
	if (host_port(v, auth, (size_t)(slash - auth), 80, &h, &pt, err,
	    errsz, use_url) != 0)
		return -1;
	free(*host);
	*host = h;
	*port = pt;
	util_set_str(path, *slash != '\0' ? slash : "/");
	return 0;
}

int
wr_parse_web_url(const char *v, int *tls, char **host, int *port,
    char **path, char *err, size_t errsz)
{
	static const char use[] = "use http://HOST[:PORT][/PATH] or https://...";
	const char *auth, *slash;
	char *h, *shown;
	int pt, t, rc;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (strncasecmp(v, "http://", 7) == 0)
		t = 0, auth = v + 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		t = 1, auth = v + 8;
	else {
		snprintf(err, errsz, "not an http:// or https:// URL (%s)",
		    use);
		return -1;
	}
	for (const char *p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			snprintf(err, errsz, "the URL holds a space or a "
			    "control character");
			return -1;
		}
	if (strchr(v, '#') != NULL) {
		snprintf(err, errsz, "no fragment (#) in the URL");
		return -1;
	}
	slash = auth + strcspn(auth, "/?");
	if (memchr(auth, '@', (size_t)(slash - auth)) != NULL) {
		snprintf(err, errsz, "user:password@ does not belong in the "
		    "URL");
		return -1;
	}
	/* Only the scheme and authority are ever quoted: the path of a
	 * webhook URL is often its secret. */
	shown = xstrndup(v, (size_t)(slash - v));
	rc = host_port(shown, auth, (size_t)(slash - auth), t ? 443 : 80, &h,
	    &pt, err, errsz, use);
	free(shown);
	if (rc != 0)
		return -1;
	free(*host);
	*host = h;
	*port = pt;
	*tls = t;
	if (*slash == '?')
		*path = (free(*path), xasprintf("/%s", slash));
	else
		util_set_str(path, *slash != '\0' ? slash : "/");
	return 0;
}

int
wr_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (host == NULL)
		return 0;
	if (word_ieq(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}
