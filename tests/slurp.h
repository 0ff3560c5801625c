/*
 * slurp.h: a fixture file read whole into memory, for the tests that feed
 * the real payloads in tests/fixtures to a parser (tests/test_ingest.c,
 * test_proto.c, test_am_silence.c).  slurp fails the test when the file
 * cannot be opened (the tests run from the repository root) or read; the
 * buffer ends in a NUL not counted in *len, and the caller frees it.
 * Static: included once per test program, after cmocka.h.
 */
#ifndef WR_TEST_SLURP_H
#define WR_TEST_SLURP_H

#include <stdio.h>

#include "core/util.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s (run from the repository root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#endif
