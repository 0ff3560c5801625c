/*
 * test_strmap.c: cmocka tests for core/strmap.c, the room's key index.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/strmap.h"

static void
test_set_then_get_finds_value(void **state)
{
	struct wr_strmap *m = wr_strmap_new();
	int64_t v = 0;

	(void)state;
	assert_int_equal(wr_strmap_count(m), 0);
	assert_int_equal(wr_strmap_get(m, "alertmanager\x1f{}:{a=\"b\"}", &v),
	    0);
	wr_strmap_set(m, "alertmanager\x1f{}:{a=\"b\"}", 42);
	wr_strmap_set(m, "events-v2\x1f" "disk", INT64_MAX);
	wr_strmap_set(m, "", -7);
	assert_int_equal(wr_strmap_get(m, "alertmanager\x1f{}:{a=\"b\"}", &v),
	    1);
	assert_int_equal(v, 42);
	assert_int_equal(wr_strmap_get(m, "events-v2\x1f" "disk", &v), 1);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(wr_strmap_get(m, "", &v), 1);
	assert_int_equal(v, -7);
	assert_int_equal(wr_strmap_count(m), 3);
	/* Prefixes and near misses are other keys. */
	assert_int_equal(wr_strmap_get(m, "alertmanager", &v), 0);
	assert_int_equal(wr_strmap_get(m, "events-v2\x1f" "disk ", &v), 0);
	wr_strmap_free(m);
}

static void
test_miss_leaves_value_untouched(void **state)
{
	struct wr_strmap *m = wr_strmap_new();
	int64_t v = 99;

	(void)state;
	wr_strmap_set(m, "a", 1);
	assert_int_equal(wr_strmap_get(m, "b", &v), 0);
	assert_int_equal(v, 99);
	wr_strmap_free(m);
}

static void
test_overwrite_replaces_value_without_new_key(void **state)
{
	struct wr_strmap *m = wr_strmap_new();
	int64_t v = 0;

	(void)state;
	wr_strmap_set(m, "k", 1);
	wr_strmap_set(m, "k", 2);
	wr_strmap_set(m, "k", 3);
	assert_int_equal(wr_strmap_count(m), 1);
	assert_int_equal(wr_strmap_get(m, "k", &v), 1);
	assert_int_equal(v, 3);
	wr_strmap_free(m);
}

static void
test_keys_are_copied(void **state)
{
	struct wr_strmap *m = wr_strmap_new();
	char key[16] = "source\x1fkey";
	int64_t v = 0;

	(void)state;
	wr_strmap_set(m, key, 5);
	memset(key, 'z', sizeof key - 1);
	assert_int_equal(wr_strmap_get(m, "source\x1fkey", &v), 1);
	assert_int_equal(v, 5);
	wr_strmap_free(m);
}

static void
test_grows_to_100k_keys(void **state)
{
	struct wr_strmap *m = wr_strmap_new();
	char key[64];
	int64_t v;

	(void)state;
	for (int64_t i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "alertmanager\x1fgroup-%lld",
		    (long long)i);
		wr_strmap_set(m, key, i + 1);
	}
	assert_int_equal(wr_strmap_count(m), 100000);
	for (int64_t i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "alertmanager\x1fgroup-%lld",
		    (long long)i);
		v = 0;
		assert_int_equal(wr_strmap_get(m, key, &v), 1);
		assert_int_equal(v, i + 1);
	}
	/* Overwrites after growth land on the same keys. */
	for (int64_t i = 0; i < 100000; i += 997) {
		snprintf(key, sizeof key, "alertmanager\x1fgroup-%lld",
		    (long long)i);
		wr_strmap_set(m, key, -i);
	}
	assert_int_equal(wr_strmap_count(m), 100000);
	assert_int_equal(wr_strmap_get(m, "alertmanager\x1fgroup-997", &v), 1);
	assert_int_equal(v, -997);
	assert_int_equal(wr_strmap_get(m, "alertmanager\x1fgroup-100000", &v),
	    0);
	wr_strmap_free(m);
}

static void
test_free_of_null_is_harmless(void **state)
{
	(void)state;
	wr_strmap_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_then_get_finds_value),
		cmocka_unit_test(test_miss_leaves_value_untouched),
		cmocka_unit_test(test_overwrite_replaces_value_without_new_key),
		cmocka_unit_test(test_keys_are_copied),
		cmocka_unit_test(test_grows_to_100k_keys),
		cmocka_unit_test(test_free_of_null_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
