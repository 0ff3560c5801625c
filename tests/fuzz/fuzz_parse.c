/*
 * fuzz_parse: core/parse.c's size, duration and whole-number parsers,
 * exact against the simple reference implementations below (digits read
 * into 128 bits, so that nothing a 64-bit parser can overflow on is out of
 * their reach), and the formatters, which must parse back to their value.
 *
 * Input: byte 0 the parser and its flags, bytes 1 and 2 the bounds (an
 * index into lims[]), byte 3 the size of the reason's buffer, the rest the
 * value (up to a NUL).
 */
#include <string.h>

#include "core/parse.h"
#include "tests/fuzz/fuzz.h"

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

#define BIG ((u128)1 << 80)	/* saturation: more than any bound, times a unit */

static const int64_t lims[] = {
	0, 1, 2, 1023, 1024, 1025, 4096, 65536, 1000, 1000000,
	86400000, 604800000, INT32_MAX, (int64_t)INT32_MAX + 1, UINT32_MAX,
	INT64_MAX / 1024, INT64_MAX / 1000, INT64_MAX / 604800000,
	INT64_MAX - 1, INT64_MAX, -1, -1000, INT64_MIN + 1, INT64_MIN,
	((int64_t)1 << 30), ((int64_t)1 << 40), ((int64_t)1 << 53),
	1073741824, 16777216, 3600000, 60000, 10
};
#define NLIMS (sizeof lims / sizeof lims[0])

/* Leading ASCII digits of s, saturated at BIG; the count, or 0. */
static size_t
ref_digits(const char *s, u128 *n)
{
	size_t i = 0;

	*n = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		*n = *n * 10 + (u128)(s[i] - '0');
		if (*n > BIG)
			*n = BIG;
	}
	return i;
}

static int
ref_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	u128 n, mult = 1;
	size_t i = ref_digits(s, &n);

	if (i == 0)
		return -1;
	switch (s[i]) {
	case 'k': case 'K': mult = 1024; i++; break;
	case 'm': case 'M': mult = 1024 * 1024; i++; break;
	case 'g': case 'G': mult = 1024 * 1024 * 1024; i++; break;
	}
	if (s[i] != '\0')
		return -1;
	n *= mult;
	if (n > max || n < min)
		return -1;
	*out = (uint64_t)n;
	return 0;
}

static int
ref_duration(const char *s, int flags, int64_t min, int64_t max,
    int64_t *out)
{
	static const struct { const char *u; int64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 }, { "w", 604800000 }
	};
	u128 n;
	i128 v;
	int64_t mult = 0;
	size_t i = ref_digits(s, &n);

	if (i == 0)
		return -1;
	if (s[i] == '\0' && (flags & WR_DUR_PLAIN_MS))
		mult = 1;
	for (size_t u = 0; u < 6; u++)
		if (strcmp(s + i, units[u].u) == 0)
			mult = units[u].ms;
	if (mult == 0)
		return -1;
	v = (i128)(n * (u128)mult);
	if (v > max || v < min)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
ref_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	int neg = s[0] == '-';
	u128 n;
	i128 v;
	size_t i = ref_digits(s + neg, &n);

	if (i == 0 || s[neg + i] != '\0')
		return -1;
	v = neg ? -(i128)n : (i128)n;
	if (v < min || v > max)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static void
check_err(int rc, const char *err, size_t errsz, const char *what,
    const char *v)
{
	if (rc == 0 || errsz == 0)
		return;
	FUZZ_CHECK(memchr(err, '\0', errsz) != NULL, "%s: reason not "
	    "terminated", what);
	FUZZ_CHECK(errsz < 2 || err[0] == '\'', "%s('%s'): reason '%s'",
	    what, v, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v, *err, fmt[64];
	size_t errsz;
	int64_t a, b;
	int sel;

	if (size < 4)
		return 0;
	sel = data[0];
	a = lims[data[1] % NLIMS];
	b = lims[data[2] % NLIMS];
	errsz = data[3] % 8 == 0 ? (size_t)data[3] % 40 : WR_PARSE_ERR_MAX;
	v = fuzz_str(data + 4, size - 4);
	err = malloc(errsz ? errsz : 1);
	if (err == NULL)
		abort();
	if (errsz)
		err[0] = '\0';

	switch (sel % 3) {
	case 0: {
		uint64_t min = (uint64_t)a, max = (uint64_t)b, got = 7, want = 9;
		int rc = wr_parse_size(v, min, max, &got, err, errsz);
		int ref = ref_size(v, min, max, &want);

		FUZZ_CHECK(rc == ref, "size '%s' [%llu, %llu]: %d, reference "
		    "%d", v, (unsigned long long)min, (unsigned long long)max,
		    rc, ref);
		FUZZ_CHECK(rc != 0 || got == want, "size '%s': %llu, "
		    "reference %llu", v, (unsigned long long)got,
		    (unsigned long long)want);
		check_err(rc, err, errsz, "size", v);
		if (rc == 0) {
			uint64_t back = 0;

			wr_format_size(got, fmt, sizeof fmt);
			FUZZ_CHECK(wr_parse_size(fmt, 0, UINT64_MAX, &back,
			    NULL, 0) == 0 && back == got, "size %llu formats "
			    "as '%s'", (unsigned long long)got, fmt);
		}
		break;
	}
	case 1: {
		int flags = (sel / 3) & 1 ? WR_DUR_PLAIN_MS : 0;
		int64_t got = 7, want = 9;
		int rc = wr_parse_duration(v, flags, a, b, &got, err, errsz);
		int ref = ref_duration(v, flags, a, b, &want);

		FUZZ_CHECK(rc == ref, "duration '%s' flags %d [%lld, %lld]: "
		    "%d, reference %d", v, flags, (long long)a, (long long)b,
		    rc, ref);
		FUZZ_CHECK(rc != 0 || got == want, "duration '%s': %lld, "
		    "reference %lld", v, (long long)got, (long long)want);
		check_err(rc, err, errsz, "duration", v);
		if (rc == 0 && got >= 0) {
			int64_t back = -1;

			wr_format_duration(got, fmt, sizeof fmt);
			FUZZ_CHECK(wr_parse_duration(fmt, 0, 0, INT64_MAX,
			    &back, NULL, 0) == 0 && back == got, "duration "
			    "%lld formats as '%s'", (long long)got, fmt);
		}
		break;
	}
	default: {
		int64_t got = 7, want = 9;
		int rc = wr_parse_int(v, a, b, &got, err, errsz);
		int ref = ref_int(v, a, b, &want);

		FUZZ_CHECK(rc == ref, "int '%s' [%lld, %lld]: %d, reference "
		    "%d", v, (long long)a, (long long)b, rc, ref);
		FUZZ_CHECK(rc != 0 || got == want, "int '%s': %lld, "
		    "reference %lld", v, (long long)got, (long long)want);
		check_err(rc, err, errsz, "int", v);
		break;
	}
	}
	free(err);
	free(v);
	return 0;
}
