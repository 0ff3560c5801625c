/*
 * test_store_file: store_read_file (store/file.h), the one bounded read
 * of a whole file that configs, CA bundles, scenarios, zoneinfo and
 * iCalendar files go through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/file.h"

static char dir[64], file[96];

static void
write_n(size_t n)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), f);
	fclose(f);
}

static void
test_a_file_up_to_the_limit_is_read_whole(void **state)
{
	char *text;
	size_t len;
	int err = 0;

	(void)state;
	/* sizes around the buffer's doublings and the limit itself */
	const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 100000 };

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		write_n(sizes[i]);
		assert_int_equal(store_read_file(file, 100000, &text, &len,
		    &err), 0);
		assert_int_equal(len, sizes[i]);
		assert_int_equal(text[len], '\0');
		if (len > 0)
			assert_int_equal(text[len - 1],
			    'a' + (int)((len - 1) % 26));
		free(text);
	}
}

static void
test_one_byte_over_is_refused_as_too_large(void **state)
{
	char *text = (char *)"x";
	size_t len = 7;
	int err = 0;

	(void)state;
	write_n(100001);
	assert_int_equal(store_read_file(file, 100000, &text, &len, &err), -1);
	assert_int_equal(err, EFBIG);
	assert_null(text);
	assert_int_equal(len, 0);
	write_n(1);
	assert_int_equal(store_read_file(file, 0, &text, &len, &err), -1);
	assert_int_equal(err, EFBIG);
}

static void
test_what_cannot_be_read_says_why(void **state)
{
	char *text, missing[128];
	size_t len;
	int err = 0;

	(void)state;
	snprintf(missing, sizeof missing, "%s/none", dir);
	assert_int_equal(store_read_file(missing, 10, &text, &len, &err), -1);
	assert_int_equal(err, ENOENT);
	assert_int_equal(store_read_file(dir, 10, &text, &len, &err), -1);
	assert_int_equal(err, EISDIR);
	/* a device reads to its end like a file */
	assert_int_equal(store_read_file("/dev/null", 10, &text, &len, &err),
	    0);
	assert_int_equal(len, 0);
	free(text);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/wr-file.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(file, sizeof file, "%s/f", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(file);
	rmdir(dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_file_up_to_the_limit_is_read_whole),
		cmocka_unit_test(test_one_byte_over_is_refused_as_too_large),
		cmocka_unit_test(test_what_cannot_be_read_says_why),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
