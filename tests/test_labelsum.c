/*
 * test_labelsum.c: cmocka tests for core/labelsum.c, the one-line summary
 * of what differs across the alerts of a group (the detail pane shows it
 * above the alerts of a storm).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/labelsum.h"
#include "core/util.h"

static struct wr_alert *
alerts_new(size_t n)
{
	return xcalloc(n, sizeof(struct wr_alert));
}

static void
alerts_free(struct wr_alert *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wr_kvlist_free(&a[i].labels);
	free(a);
}

/* A storm of n node alerts over three PoPs: what the issue shows. */
static struct wr_alert *
storm(size_t n)
{
	static const char *const pops[] = { "ams", "fra", "sin" };
	struct wr_alert *a = alerts_new(n);

	for (size_t i = 0; i < n; i++) {
		char inst[64];

		snprintf(inst, sizeof inst, "edge-%03zu.%s:9100", i, pops[i % 3]);
		wr_kvlist_add(&a[i].labels, "alertname", "NodeDown");
		wr_kvlist_add(&a[i].labels, "instance", inst);
		wr_kvlist_add(&a[i].labels, "pop", pops[i % 3]);
		wr_kvlist_add(&a[i].labels, "severity", "critical");
		a[i].severity = WR_SEV_CRITICAL;
		a[i].firing = 1;
	}
	return a;
}

static void
test_a_300_alert_storm_reads_in_one_line(void **state)
{
	struct wr_alert *a = storm(300);
	char *s = labelsum_format(a, 300);

	/* alertname is the same on all: left out */
	assert_string_equal(s, "instance: 300 values; pop: ams 100, fra 100, "
	    "sin 100; severity: critical 300");
	free(s);
	alerts_free(a, 300);
}

static void
test_only_groups_of_more_than_a_few_get_one(void **state)
{
	struct wr_alert *a = storm(LABELSUM_MIN_ALERTS + 1);
	char *s;

	assert_null(labelsum_format(a, LABELSUM_MIN_ALERTS));
	assert_null(labelsum_format(a, 0));
	assert_null(labelsum_format(NULL, 100));
	s = labelsum_format(a, LABELSUM_MIN_ALERTS + 1);
	assert_non_null(s);
	assert_string_equal(s, "instance: 6 values; pop: ams 2, fra 2, sin 2; "
	    "severity: critical 6");
	free(s);
	alerts_free(a, LABELSUM_MIN_ALERTS + 1);
}

static void
test_values_by_count_then_name_and_unset_counted(void **state)
{
	struct wr_alert *a = alerts_new(10);
	char *s;

	for (size_t i = 0; i < 10; i++) {
		/* job: api 5, web 3, db 2; zone only on 7 of them, one value */
		wr_kvlist_add(&a[i].labels, "job", i < 2 ? "db" : i < 5 ? "web" :
		    "api");
		if (i < 7)
			wr_kvlist_add(&a[i].labels, "zone", "a");
		a[i].severity = i == 0 ? WR_SEV_WARNING : WR_SEV_CRITICAL;
	}
	s = labelsum_format(a, 10);
	assert_string_equal(s, "job: api 5, web 3, db 2; severity: critical 9, "
	    "warning 1; zone: a 7, unset 3");
	free(s);
	alerts_free(a, 10);
}

static void
test_more_distinct_values_than_the_cap_give_the_count(void **state)
{
	size_t n = 12;
	struct wr_alert *a = alerts_new(n);
	char *s, v[16];

	for (size_t i = 0; i < n; i++) {
		/* LABELSUM_MAX_VALUES values of "few", one more of "many" */
		snprintf(v, sizeof v, "f%zu", i % LABELSUM_MAX_VALUES);
		wr_kvlist_add(&a[i].labels, "few", v);
		snprintf(v, sizeof v, "m%zu", i % (LABELSUM_MAX_VALUES + 1));
		wr_kvlist_add(&a[i].labels, "many", v);
	}
	s = labelsum_format(a, n);
	assert_string_equal(s, "few: f0 3, f1 3, f2 2, f3 2, f4 2; "
	    "many: 6 values; severity: critical 12");
	free(s);
	alerts_free(a, n);
}

static void
test_the_severity_is_the_alerts_own_not_the_label(void **state)
{
	struct wr_alert *a = alerts_new(6);
	char *s;

	for (size_t i = 0; i < 6; i++) {
		/* the sender's word P1/P2, mapped by the relay */
		wr_kvlist_add(&a[i].labels, "severity", i < 4 ? "P1" : "P2");
		a[i].severity = i < 4 ? WR_SEV_CRITICAL : WR_SEV_ERROR;
	}
	s = labelsum_format(a, 6);
	assert_string_equal(s, "severity: critical 4, error 2");
	free(s);
	alerts_free(a, 6);
}

static void
test_a_label_twice_on_one_alert_counts_once(void **state)
{
	struct wr_alert *a = alerts_new(6);
	char *s;

	for (size_t i = 0; i < 6; i++)
		wr_kvlist_add(&a[i].labels, "pop", "ams");
	wr_kvlist_add(&a[0].labels, "pop", "ams");
	wr_kvlist_add(&a[1].labels, "pop", "fra");
	s = labelsum_format(a, 6);
	/* alert 1 says both: pop differs; ams is on all 6 */
	assert_string_equal(s, "pop: ams 6, fra 1; severity: critical 6");
	free(s);
	alerts_free(a, 6);
}

static void
test_hostile_text_is_sanitised_cut_and_bounded(void **state)
{
	size_t n = 40;
	struct wr_alert *a = alerts_new(n);
	char *s, long_v[4096], key[64];

	memset(long_v, 'x', sizeof long_v - 1);
	long_v[sizeof long_v - 1] = '\0';
	for (size_t i = 0; i < n; i++) {
		wr_kvlist_add(&a[i].labels, "evil", i % 2 ? "\033[2J\r\nboom" :
		    "");
		wr_kvlist_add(&a[i].labels, "long", i % 2 ? long_v : "short");
		/* many labels that each differ */
		for (size_t k = 0; k < 60; k++) {
			snprintf(key, sizeof key, "l%02zu", k);
			wr_kvlist_add(&a[i].labels, key, i % 2 ? "a" : "b");
		}
	}
	s = labelsum_format(a, n);
	assert_non_null(s);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("control byte 0x%02x in \"%s\"", *p, s);
	assert_non_null(strstr(s, "evil: \"\" 20, ^[[2J^M^Jboom 20"));
	/* the long value is cut to LABELSUM_VALUE_COLS columns */
	assert_null(strstr(s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
	assert_true(strlen(s) <= LABELSUM_MAX_BYTES + 16);
	/* 63 labels differ: LABELSUM_MAX_LABELS listed, the rest counted */
	assert_non_null(strstr(s, "; 47 more labels"));
	free(s);
	alerts_free(a, n);
}

static void
test_a_long_line_stops_within_the_bound(void **state)
{
	size_t n = 10;
	struct wr_alert *a = alerts_new(n);
	char *s, v[64], key[64];

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < LABELSUM_MAX_LABELS; k++) {
			snprintf(key, sizeof key, "label_%02zu_%040d", k, 0);
			snprintf(v, sizeof v, "v%zu_%030d", i % 5, 0);
			wr_kvlist_add(&a[i].labels, key, v);
		}
	s = labelsum_format(a, n);
	assert_true(strlen(s) <= LABELSUM_MAX_BYTES + 4);
	assert_true(strlen(s) > LABELSUM_MAX_BYTES - 200);
	assert_string_equal(s + strlen(s) - 4, " ...");
	free(s);
	alerts_free(a, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_300_alert_storm_reads_in_one_line),
		cmocka_unit_test(test_only_groups_of_more_than_a_few_get_one),
		cmocka_unit_test(test_values_by_count_then_name_and_unset_counted),
		cmocka_unit_test(test_more_distinct_values_than_the_cap_give_the_count),
		cmocka_unit_test(test_the_severity_is_the_alerts_own_not_the_label),
		cmocka_unit_test(test_a_label_twice_on_one_alert_counts_once),
		cmocka_unit_test(test_hostile_text_is_sanitised_cut_and_bounded),
		cmocka_unit_test(test_a_long_line_stops_within_the_bound),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
