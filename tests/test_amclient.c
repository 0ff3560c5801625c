/*
 * test_amclient.c: cmocka tests for the request the relay's Alertmanager
 * API client makes (relay/amclient.c): the group's labels as matchers that
 * Alertmanager reads back exactly, whatever bytes the label values hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "relay/relay-int.h"

static void
test_path_filters_on_every_group_label(void **state)
{
	struct wr_kvlist l = { 0 };
	char *p;

	(void)state;
	wr_kvlist_add(&l, "alertname", "HighLatency");
	wr_kvlist_add(&l, "service", "api");
	p = relay_amclient_path("/", &l);
	assert_string_equal(p, "/api/v2/alerts/groups"
	    "?filter=alertname%3D%22HighLatency%22"
	    "&filter=service%3D%22api%22");
	free(p);
	/* Under a path prefix (Alertmanager behind a proxy). */
	p = relay_amclient_path("/am/", &l);
	assert_string_equal(p, "/am/api/v2/alerts/groups"
	    "?filter=alertname%3D%22HighLatency%22"
	    "&filter=service%3D%22api%22");
	free(p);
	wr_kvlist_free(&l);
}

/* group_by: [] has no labels: the whole list, matched exactly after. */
static void
test_path_without_labels_asks_for_every_group(void **state)
{
	struct wr_kvlist l = { 0 };
	char *p;

	(void)state;
	p = relay_amclient_path("", &l);
	assert_string_equal(p, "/api/v2/alerts/groups");
	free(p);
}

/* Quotes, backslashes, &, =, spaces and UTF-8 in a value cannot end the
 * matcher or the query parameter early. */
static void
test_path_escapes_hostile_values(void **state)
{
	struct wr_kvlist l = { 0 };
	char *p;

	(void)state;
	wr_kvlist_add(&l, "job", "a\"b\\c&d=e f\xc3\xa9");
	p = relay_amclient_path("/", &l);
	assert_string_equal(p, "/api/v2/alerts/groups?filter=job%3D%22a%5C%22b"
	    "%5C%5Cc%26d%3De%20f%C3%A9%22");
	free(p);
	wr_kvlist_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_filters_on_every_group_label),
		cmocka_unit_test(test_path_without_labels_asks_for_every_group),
		cmocka_unit_test(test_path_escapes_hostile_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
