/*
 * parse.h: the values an operator writes: sizes, durations, whole numbers,
 * flags, HOST:PORT addresses and http:// URLs.
 *
 * One parser for each kind, shared by warroomd's command line and its
 * config file (relay/config.c) and by the console, so "16M" or "10s" means
 * the same thing everywhere and is refused for the same reason.  Each
 * returns 0, or -1 with a reason in err that quotes the value and says
 * what to write instead ("'2k' is not a duration (use 10s, 2m, ...)"); the
 * caller adds where the value came from.  Pure functions: no I/O.
 */
#ifndef WR_PARSE_H
#define WR_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Room enough for any reason below, value quoted (truncated) included. */
#define WR_PARSE_ERR_MAX 256

/*
 * A byte count: digits, optionally followed by k, M or G (multiples of
 * 1024; lower case m and g too).  Refuses a sign, a fraction, overflow and
 * anything outside [min, max].
 */
int wr_parse_size(const char *v, uint64_t min, uint64_t max, uint64_t *out,
    char *err, size_t errsz);

/* Plain digits count as milliseconds (for options that always took ms). */
#define WR_DUR_PLAIN_MS 1
/*
 * A duration in milliseconds: digits followed by ms, s, m, h, d or w.
 * Without WR_DUR_PLAIN_MS a number needs its unit.  Refuses a sign, a
 * fraction, overflow and anything outside [min_ms, max_ms].
 */
int wr_parse_duration(const char *v, int flags, int64_t min_ms,
    int64_t max_ms, int64_t *out_ms, char *err, size_t errsz);

/* A whole number in [min, max], optionally with a leading minus sign. */
int wr_parse_int(const char *v, int64_t min, int64_t max, int64_t *out,
    char *err, size_t errsz);

/* true/false, yes/no, on/off, 1/0. */
int wr_parse_bool(const char *v, int *out, char *err, size_t errsz);

/*
 * "127.0.0.1:8470", "[::1]:8470", "localhost:0": *host (malloc'd, without
 * brackets) and *port in [0, 65535].  An IPv6 address must be in brackets.
 * On error *host is untouched.
 */
int wr_parse_hostport(const char *v, char **host, int *port, char *err,
    size_t errsz);

/*
 * "http://HOST[:PORT][/PATH]": *host (malloc'd, no brackets), *port
 * (default 80) and *path (malloc'd, "/" when absent).  Refuses other
 * schemes, user:password@, a query or fragment, spaces and control bytes.
 */
int wr_parse_http_url(const char *v, char **host, int *port, char **path,
    char *err, size_t errsz);
/*
 * A webhook's URL: "http://HOST[:PORT][/PATH][?QUERY]" or "https://...":
 * *tls, *host (malloc'd, no brackets), *port (default 80 or 443) and *path
 * (malloc'd, with its query; "/" when absent).  Refuses other schemes,
 * user:password@, a fragment, spaces and control bytes.  A reason quotes
 * the scheme and host at most, never the path (often the secret).
 */
int wr_parse_web_url(const char *v, int *tls, char **host, int *port,
    char **path, char *err, size_t errsz);

/* Whether host (as wr_parse_hostport gives it) is a loopback address:
 * 127.0.0.0/8, ::1 (or ::ffff:127.x.y.z) or "localhost". */
int wr_host_is_loopback(const char *host);

/* n bytes as the shortest exact form: "1G", "16M", "64k", "1000". */
void wr_format_size(uint64_t n, char *buf, size_t size);
/* ms as the shortest exact form: "1w", "2d", "10s", "1500ms". */
void wr_format_duration(int64_t ms, char *buf, size_t size);

#endif
