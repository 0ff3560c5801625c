/*
 * test_parse.c: cmocka tests for core/parse.c, the one reader of sizes,
 * durations, whole numbers, flags, HOST:PORT and http:// URLs that
 * warroomd's command line and config file share.  Each refusal is checked
 * word for word: it is what the operator reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

#define G (1024ULL * 1024 * 1024)

static void
size_ok(const char *v, uint64_t want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	uint64_t n = 7;

	if (wr_parse_size(v, 1, G, &n, err, sizeof err) != 0)
		fail_msg("%s: refused: %s", v, err);
	assert_int_equal(n, want);
}

static void
size_bad(const char *v, const char *want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	uint64_t n = 7;

	assert_int_equal(wr_parse_size(v, 1, G, &n, err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_int_equal(n, 7);
}

static void
test_sizes_take_k_M_G_and_refuse_negative_zero_overflow(void **state)
{
	(void)state;
	size_ok("1", 1);
	size_ok("64k", 65536);
	size_ok("64K", 65536);
	size_ok("1M", 1048576);
	size_ok("16M", 16777216);
	size_ok("16m", 16777216);
	size_ok("1G", G);
	size_ok("1073741824", G);
	size_bad("-1", "'-1' is negative (a size is at least 1)");
	size_bad("0", "'0' is too small (at least 1)");
	size_bad("99999999999999999999G",
	    "'99999999999999999999G' is too large (at most 1G)");
	size_bad("18446744073709551616",
	    "'18446744073709551616' is too large (at most 1G)");
	size_bad("17179869184G", "'17179869184G' is too large (at most 1G)");
	size_bad("2G", "'2G' is too large (at most 1G)");
	size_bad("1.5M", "'1.5M' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad("k", "'k' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad("", "'' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad(" 1", "' 1' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad("+1", "'+1' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad("1MB", "'1MB' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad("1T", "'1T' is not a size (use 65536, 64k, 16M or 1G)");
	size_bad("0x10", "'0x10' is not a size (use 65536, 64k, 16M or 1G)");
}

static void
test_size_minimum_is_the_callers(void **state)
{
	char err[WR_PARSE_ERR_MAX];
	uint64_t n;

	(void)state;
	assert_int_equal(wr_parse_size("512", 1024, G, &n, err, sizeof err),
	    -1);
	assert_string_equal(err, "'512' is too small (at least 1k)");
	assert_int_equal(wr_parse_size("-5k", 1024, G, &n, err, sizeof err),
	    -1);
	assert_string_equal(err, "'-5k' is negative (a size is at least 1k)");
}

static void
dur_ok(const char *v, int flags, int64_t want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	int64_t ms = 7;

	if (wr_parse_duration(v, flags, 100, 3600000, &ms, err,
	    sizeof err) != 0)
		fail_msg("%s: refused: %s", v, err);
	assert_int_equal(ms, want);
}

static void
dur_bad(const char *v, int flags, const char *want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	int64_t ms = 7;

	assert_int_equal(wr_parse_duration(v, flags, 100, 3600000, &ms, err,
	    sizeof err), -1);
	assert_string_equal(err, want);
	assert_int_equal(ms, 7);
}

static void
test_durations_take_units_and_bare_ms_only_when_asked(void **state)
{
	char err[WR_PARSE_ERR_MAX];
	int64_t ms;

	(void)state;
	dur_ok("10s", 0, 10000);
	dur_ok("2m", 0, 120000);
	dur_ok("1h", 0, 3600000);
	dur_ok("500ms", 0, 500);
	dur_ok("1000", WR_DUR_PLAIN_MS, 1000);
	dur_ok("10s", WR_DUR_PLAIN_MS, 10000);
	dur_bad("1000", 0, "'1000' has no unit (use 10s, 2m, 12h, 30d, ...)");
	dur_bad("2k", WR_DUR_PLAIN_MS,
	    "'2k' is not a duration (use 10s, 2m, ...)");
	dur_bad("1.5s", 0, "'1.5s' is not a duration (use 10s, 2m, ...)");
	dur_bad("s", 0, "'s' is not a duration (use 10s, 2m, ...)");
	dur_bad("10S", 0, "'10S' is not a duration (use 10s, 2m, ...)");
	dur_bad("10 s", 0, "'10 s' is not a duration (use 10s, 2m, ...)");
	dur_bad("", WR_DUR_PLAIN_MS,
	    "'' is not a duration (use 10s, 2m, ...)");
	dur_bad("-5s", 0, "'-5s' is negative");
	dur_bad("2h", 0, "'2h' is too long (at most 1h)");
	dur_bad("50ms", 0, "'50ms' is too short (at least 100ms)");
	dur_bad("0", WR_DUR_PLAIN_MS, "'0' is too short (at least 100ms)");
	dur_bad("9223372036854775807w", 0,
	    "'9223372036854775807w' is too long (at most 1h)");
	dur_bad("99999999999999999999s", 0,
	    "'99999999999999999999s' is too long (at most 1h)");

	assert_int_equal(wr_parse_duration("90d", 0, 1, INT64_MAX, &ms, err,
	    sizeof err), 0);
	assert_int_equal(ms, 90LL * 86400000);
	assert_int_equal(wr_parse_duration("2w", 0, 1, INT64_MAX, &ms, err,
	    sizeof err), 0);
	assert_int_equal(ms, 14LL * 86400000);
}

static void
int_bad(const char *v, int64_t min, int64_t max, const char *want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	int64_t n = 7;

	assert_int_equal(wr_parse_int(v, min, max, &n, err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_int_equal(n, 7);
}

static void
test_integers_are_range_checked(void **state)
{
	char err[WR_PARSE_ERR_MAX];
	int64_t n;

	(void)state;
	assert_int_equal(wr_parse_int("1", 1, 65535, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(wr_parse_int("65535", 1, 65535, &n, err, sizeof err),
	    0);
	assert_int_equal(n, 65535);
	assert_int_equal(wr_parse_int("-0", -5, 5, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(wr_parse_int("-9223372036854775808", INT64_MIN,
	    INT64_MAX, &n, err, sizeof err), 0);
	assert_true(n == INT64_MIN);
	int_bad("65536", 1, 65535, "'65536' is out of range (1 to 65535)");
	int_bad("0", 1, 65535, "'0' is out of range (1 to 65535)");
	int_bad("-1", 1, 65535, "'-1' is out of range (1 to 65535)");
	int_bad("99999999999999999999", 1, 65535,
	    "'99999999999999999999' is out of range (1 to 65535)");
	int_bad("-9223372036854775809", INT64_MIN, INT64_MAX,
	    "'-9223372036854775809' is out of range "
	    "(-9223372036854775808 to 9223372036854775807)");
	int_bad("abc", 1, 9, "'abc' is not a whole number");
	int_bad("1e3", 1, 9999, "'1e3' is not a whole number");
	int_bad("", 1, 9, "'' is not a whole number");
	int_bad("-", 1, 9, "'-' is not a whole number");
	int_bad(" 5", 1, 9, "' 5' is not a whole number");
}

static void
test_flags_are_true_or_false(void **state)
{
	static const char *const t[] = { "true", "TRUE", "yes", "on", "1" };
	static const char *const f[] = { "false", "No", "off", "0" };
	char err[WR_PARSE_ERR_MAX];
	int b;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		b = 0;
		assert_int_equal(wr_parse_bool(t[i], &b, err, sizeof err), 0);
		assert_int_equal(b, 1);
	}
	for (size_t i = 0; i < 4; i++) {
		b = 1;
		assert_int_equal(wr_parse_bool(f[i], &b, err, sizeof err), 0);
		assert_int_equal(b, 0);
	}
	assert_int_equal(wr_parse_bool("maybe", &b, err, sizeof err), -1);
	assert_string_equal(err, "'maybe' is not true or false (use true, "
	    "false, yes, no, on, off, 1 or 0)");
}

static void
hp_ok(const char *v, const char *host, int port)
{
	char err[WR_PARSE_ERR_MAX] = "";
	char *h = NULL;
	int p = -1;

	if (wr_parse_hostport(v, &h, &p, err, sizeof err) != 0)
		fail_msg("%s: refused: %s", v, err);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	free(h);
}

static void
hp_bad(const char *v, const char *want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	char *h = NULL;
	int p = -1;

	assert_int_equal(wr_parse_hostport(v, &h, &p, err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_null(h);
	assert_int_equal(p, -1);
}

#define USE_HP "(use HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470)"

static void
test_host_port_takes_v4_bracketed_v6_and_names(void **state)
{
	(void)state;
	hp_ok("127.0.0.1:8470", "127.0.0.1", 8470);
	hp_ok("[::1]:8470", "::1", 8470);
	hp_ok("localhost:0", "localhost", 0);
	hp_ok("0.0.0.0:65535", "0.0.0.0", 65535);
	hp_ok("[::]:1", "::", 1);
	hp_ok("relay.example.org:443", "relay.example.org", 443);
	hp_bad("[::1]:99999", "'[::1]:99999': port out of range (0 to 65535)");
	hp_bad("127.0.0.1:65536",
	    "'127.0.0.1:65536': port out of range (0 to 65535)");
	hp_bad("127.0.0.1:99999999999999999999",
	    "'127.0.0.1:99999999999999999999': port out of range "
	    "(0 to 65535)");
	hp_bad("127.0.0.1", "'127.0.0.1' has no port " USE_HP);
	hp_bad("127.0.0.1:", "'127.0.0.1:' has no port " USE_HP);
	hp_bad("[::1]", "'[::1]' has no port " USE_HP);
	hp_bad("::1:8470", "'::1:8470': an IPv6 address goes in brackets, "
	    "as in [::1]:8470");
	hp_bad(":8470", "':8470' has no host " USE_HP);
	hp_bad("", "'' has no host " USE_HP);
	hp_bad("[::1:8470", "'[::1:8470' has no closing bracket " USE_HP);
	hp_bad("[nope]:1", "'[nope]:1': the brackets hold no IPv6 address");
	hp_bad("[]:1", "'[]:1' has no IPv6 address in its brackets");
	hp_bad("[::1]x:1", "'[::1]x:1' has something after the brackets "
	    USE_HP);
	hp_bad("host:http", "'host:http': the port is not a number " USE_HP);
	hp_bad("host:-1", "'host:-1': the port is not a number " USE_HP);
	hp_bad("a b:1", "'a b:1': not a host name or address " USE_HP);
	hp_bad("a\nb:1", "'a?b:1': not a host name or address " USE_HP);
}

static void
test_host_port_replaces_the_old_host_without_a_leak(void **state)
{
	char err[WR_PARSE_ERR_MAX];
	char *h = strdup("old");
	int p = 1;

	(void)state;
	assert_int_equal(wr_parse_hostport("[::1]:2", &h, &p, err,
	    sizeof err), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(wr_parse_hostport("x:99999", &h, &p, err,
	    sizeof err), -1);
	assert_string_equal(h, "::1");	/* a refusal keeps what was there */
	assert_int_equal(p, 2);
	free(h);
}

static void
url_ok(const char *v, const char *host, int port, const char *path)
{
	char err[WR_PARSE_ERR_MAX] = "";
	char *h = NULL, *pa = NULL;
	int p = -1;

	if (wr_parse_http_url(v, &h, &p, &pa, err, sizeof err) != 0)
		fail_msg("%s: refused: %s", v, err);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	assert_string_equal(pa, path);
	free(h);
	free(pa);
}

static void
url_bad(const char *v, const char *want)
{
	char err[WR_PARSE_ERR_MAX] = "";
	char *h = NULL, *pa = NULL;
	int p = -1;

	assert_int_equal(wr_parse_http_url(v, &h, &p, &pa, err, sizeof err),
	    -1);
	assert_string_equal(err, want);
	assert_null(h);
	assert_null(pa);
}

#define USE_URL "(use http://HOST:PORT[/PATH])"

static void
test_alertmanager_urls_are_http_host_port_path(void **state)
{
	(void)state;
	url_ok("http://127.0.0.1:9093", "127.0.0.1", 9093, "/");
	url_ok("http://127.0.0.1:9093/", "127.0.0.1", 9093, "/");
	url_ok("http://am.example:9093/alertmanager", "am.example", 9093,
	    "/alertmanager");
	url_ok("http://[::1]:9093/am/", "::1", 9093, "/am/");
	url_ok("http://alertmanager", "alertmanager", 80, "/");
	url_bad("https://am:9093", "'https://am:9093' is not an http:// URL "
	    USE_URL);
	url_bad("ftp://am", "'ftp://am' is not an http:// URL " USE_URL);
	url_bad("am:9093", "'am:9093' is not an http:// URL " USE_URL);
	url_bad("http://", "'http://' has no host " USE_URL);
	url_bad("http://:9093", "'http://:9093' has no host " USE_URL);
	url_bad("http://am:99999", "'http://am:99999': port out of range "
	    "(0 to 65535)");
	url_bad("http://am:x/", "'http://am:x/': the port is not a number "
	    USE_URL);
	url_bad("http://u:pw@am:9093", "'http://u:pw@am:9093': "
	    "user:password@ does not belong in the URL");
	url_bad("http://am:9093/?a=b", "'http://am:9093/?a=b': no query or "
	    "fragment here " USE_URL);
	url_bad("http://am:9093/a b", "'http://am:9093/a b' holds a space or "
	    "a control character");
}

static void
test_loopback_is_127_8_and_v6_one_and_localhost(void **state)
{
	static const char *const yes[] = {
		"127.0.0.1", "127.255.255.254", "127.0.0.2", "::1",
		"localhost", "LocalHost", "::ffff:127.0.0.1",
	};
	static const char *const no[] = {
		"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "126.255.255.255",
		"localhost.example", "", "192.168.1.1", "::2",
		"::ffff:10.0.0.1", "relay.example.org",
	};
	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!wr_host_is_loopback(yes[i]))
			fail_msg("%s should be loopback", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (wr_host_is_loopback(no[i]))
			fail_msg("%s is not loopback", no[i]);
	assert_false(wr_host_is_loopback(NULL));
}

static void
test_long_values_are_quoted_short(void **state)
{
	char v[300], err[WR_PARSE_ERR_MAX];
	uint64_t n;

	(void)state;
	memset(v, 'x', sizeof v - 1);
	v[sizeof v - 1] = '\0';
	assert_int_equal(wr_parse_size(v, 1, G, &n, err, sizeof err), -1);
	assert_true(strlen(err) < 120);
	assert_non_null(strstr(err, "xxx...' is not a size"));
}

static void
test_formats_are_the_shortest_exact_form(void **state)
{
	char b[32];

	(void)state;
	wr_format_size(G, b, sizeof b);
	assert_string_equal(b, "1G");
	wr_format_size(16 * 1024 * 1024, b, sizeof b);
	assert_string_equal(b, "16M");
	wr_format_size(1536, b, sizeof b);
	assert_string_equal(b, "1536");
	wr_format_duration(604800000, b, sizeof b);
	assert_string_equal(b, "1w");
	wr_format_duration(90000, b, sizeof b);
	assert_string_equal(b, "90s");
	wr_format_duration(1500, b, sizeof b);
	assert_string_equal(b, "1500ms");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_take_k_M_G_and_refuse_negative_zero_overflow),
		cmocka_unit_test(test_size_minimum_is_the_callers),
		cmocka_unit_test(test_durations_take_units_and_bare_ms_only_when_asked),
		cmocka_unit_test(test_integers_are_range_checked),
		cmocka_unit_test(test_flags_are_true_or_false),
		cmocka_unit_test(test_host_port_takes_v4_bracketed_v6_and_names),
		cmocka_unit_test(test_host_port_replaces_the_old_host_without_a_leak),
		cmocka_unit_test(test_alertmanager_urls_are_http_host_port_path),
		cmocka_unit_test(test_loopback_is_127_8_and_v6_one_and_localhost),
		cmocka_unit_test(test_long_values_are_quoted_short),
		cmocka_unit_test(test_formats_are_the_shortest_exact_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
