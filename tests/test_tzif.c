/*
 * test_tzif.c: cmocka tests for store/tzif.c: real zoneinfo files load
 * (version 2+ and version 1, with leap seconds), damaged ones are refused
 * with a reason before anything past their end is read, and zone names
 * cannot leave the zoneinfo directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/zone.h"
#include "store/tzif.h"

#define ZONEINFO	"tests/fixtures/zoneinfo"
#define CORPUS		"tests/fuzz/corpus/tzif/"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = xmalloc(65536);

	if (f == NULL)
		fail_msg("cannot open %s", path);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

/* Parse buf; -1 expected with a reason containing want. */
static void
refused(const uint8_t *buf, size_t len, const char *want)
{
	struct wr_zone *z = (struct wr_zone *)1;
	char *cause = NULL;

	/* A copy exactly len long: ASan sees a read past the end. */
	uint8_t *copy = xmalloc(len ? len : 1);

	memcpy(copy, buf, len);
	if (store_tzif_parse(copy, len, "x", &z, &cause) == 0)
		fail_msg("accepted; wanted \"%s\"", want);
	assert_null(z);
	if (strstr(cause, want) == NULL)
		fail_msg("reason \"%s\", wanted \"%s\"", cause, want);
	free(cause);
	free(copy);
}

static void
test_real_files_load_v2_v1_and_leap_seconds(void **state)
{
	const char *files[] = { "berlin", "v1_berlin", "right_berlin" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char path[256], *cause = NULL;
		struct wr_zone *z = NULL;
		uint8_t *buf;
		size_t len;

		snprintf(path, sizeof path, CORPUS "%s", files[i]);
		buf = slurp(path, &len);
		if (store_tzif_parse(buf, len, "Europe/Berlin", &z, &cause)
		    != 0)
			fail_msg("%s: %s", files[i], cause);
		/* 2026-07-01: CEST in every form of the file. */
		assert_int_equal(wr_zone_offset(z, 1782864000LL), 7200);
		assert_int_equal(wr_zone_offset(z, 1767225600LL), 3600);
		wr_zone_free(z);
		free(buf);
	}
}

static void
test_every_truncation_is_refused_with_a_reason(void **state)
{
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = slurp(CORPUS "berlin", &len);
	/* Every prefix short of the whole file (the footer's closing
	 * newline is its last byte). */
	for (size_t n = 0; n < len; n++) {
		struct wr_zone *z = NULL;
		char *cause = NULL;
		uint8_t *copy = xmalloc(n ? n : 1);

		memcpy(copy, buf, n);
		if (store_tzif_parse(copy, n, "x", &z, &cause) == 0)
			fail_msg("a prefix of %zu bytes of %zu loaded", n, len);
		assert_non_null(cause);
		free(cause);
		free(copy);
	}
	free(buf);
}

static void
set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
test_damaged_headers_and_records_are_refused(void **state)
{
	/* A version 1 file: one transition at 0 to type 1, two types. */
	uint8_t f[44 + 4 + 1 + 12 + 8];
	size_t n = sizeof f;

	(void)state;
	memset(f, 0, n);
	memcpy(f, "TZif", 4);
	set32(f + 32, 1);	/* timecnt */
	set32(f + 36, 2);	/* typecnt */
	set32(f + 40, 8);	/* charcnt */
	set32(f + 44, 0);	/* the transition */
	f[48] = 1;
	set32(f + 49, 3600);	/* type 0: +1, "LMT" */
	set32(f + 55, 7200);	/* type 1: +2 */
	f[59] = 1;
	f[60] = 4;
	memcpy(f + 61, "LMT\0CET\0", 8);
	{
		struct wr_zone *z = NULL;
		char *cause = NULL;

		assert_int_equal(store_tzif_parse(f, n, "x", &z, &cause), 0);
		assert_int_equal(wr_zone_offset(z, -1), 3600);
		assert_int_equal(wr_zone_offset(z, 0), 7200);
		wr_zone_free(z);
	}
	uint8_t g[sizeof f];
#define DAMAGE(stmt, want) do { memcpy(g, f, n); stmt; refused(g, n, want); } while (0)
	DAMAGE(g[0] = 'X', "not a TZif file");
	DAMAGE(g[4] = '1', "unknown TZif version");
	DAMAGE(set32(g + 32, 0xffffffffu), "truncated");
	DAMAGE(set32(g + 36, 0), "local time types");
	DAMAGE(set32(g + 40, 0), "no time zone abbreviations");
	DAMAGE(g[48] = 2, "type 2 beyond 2");
	DAMAGE(g[59] = 7, "DST flag 7");
	DAMAGE(g[60] = 8, "abbreviation index 8");
	DAMAGE(set32(g + 55, 0x80000000u), "offset");
	DAMAGE(set32(g + 55, 30 * 3600), "offset");
	/* One isstd byte in place of the last abbreviation byte. */
	DAMAGE((set32(g + 24, 1), set32(g + 40, 7)), "indicator counts");
	/* A version 2 file whose second header is missing. */
	DAMAGE(g[4] = '2', "no second header");
#undef DAMAGE
}

static void
test_descending_transitions_and_bad_footer_refused(void **state)
{
	uint8_t *buf;
	size_t len;
	uint8_t *p;

	(void)state;
	buf = slurp(CORPUS "berlin", &len);
	/* The footer is the file's last line: make it a bad TZ string. */
	p = buf + len - 2;
	while (*p != '\n')
		p--;
	memcpy(p + 1, "EST5EDT", 7);
	memset(p + 8, '\n', (size_t)(buf + len - (p + 8)));
	refused(buf, (size_t)(p + 9 - buf), "DST without");
	free(buf);
	/* Swap the first two 64-bit transitions of the second block. */
	buf = slurp(CORPUS "berlin", &len);
	{
		uint32_t c[6];
		size_t v1;

		for (int i = 0; i < 6; i++)
			c[i] = (uint32_t)buf[20 + 4 * i] << 24 |
			    (uint32_t)buf[21 + 4 * i] << 16 |
			    (uint32_t)buf[22 + 4 * i] << 8 | buf[23 + 4 * i];
		v1 = 44 + (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] +
		    (size_t)c[2] * 8 + c[1] + c[0];
		p = buf + v1 + 44;
		uint8_t tmp[8];

		memcpy(tmp, p, 8);
		memcpy(p, p + 8, 8);
		memcpy(p + 8, tmp, 8);
		refused(buf, len, "not after the one before it");
	}
	free(buf);
}

static void
test_zone_names_stay_inside_the_directory(void **state)
{
	const char *bad[] = { "../etc/passwd", "/etc/localtime", "Europe/../x",
	    "Europe//Berlin", "Europe/", "", ".hidden", "Europe/.x", "a b",
	    "Europe/Berlin\n" };
	struct wr_zone *z = NULL;
	char *cause = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(store_tzif_load(ZONEINFO, bad[i], &z, &cause),
		    -1);
		assert_non_null(strstr(cause, "is not a time zone name"));
		free(cause);
	}
	assert_int_equal(store_tzif_load(ZONEINFO, "Europe/Berlln", &z,
	    &cause), -1);
	assert_non_null(strstr(cause, "unknown time zone Europe/Berlln"));
	free(cause);
	/* A directory is not a zone. */
	assert_int_equal(store_tzif_load(ZONEINFO, "Europe", &z, &cause), -1);
	assert_non_null(strstr(cause, "is not a zoneinfo file"));
	free(cause);
	assert_int_equal(store_tzif_load(ZONEINFO, "UTC", &z, &cause), 0);
	assert_int_equal(wr_zone_offset(z, 1782864000LL), 0);
	assert_string_equal(wr_zone_name(z), "UTC");
	wr_zone_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_files_load_v2_v1_and_leap_seconds),
		cmocka_unit_test(test_every_truncation_is_refused_with_a_reason),
		cmocka_unit_test(test_damaged_headers_and_records_are_refused),
		cmocka_unit_test(test_descending_transitions_and_bad_footer_refused),
		cmocka_unit_test(test_zone_names_stay_inside_the_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
