/*
 * hostile.h: the cases of tests/fixtures/hostile/strings.json (a name and
 * a text that may hold any byte but NUL, up to the first NUL), loaded once
 * for the tests that put every case everywhere the feed can put text
 * (tests/test_tui_hostile.c, tests/test_tui_ascii.c).  hostile_load and
 * hostile_free are a cmocka group's setup and teardown; hostile_incident
 * puts a case's text in a new incident's own fields.
 */
#ifndef WR_TEST_HOSTILE_H
#define WR_TEST_HOSTILE_H

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/util.h"
#include "tests/test_tui.h"

#define HOSTILE_JSON "tests/fixtures/hostile/strings.json"

struct hcase {
	char *name;
	char *text;		/* up to a NUL: what a model string holds */
};

static struct hcase *cases;
static size_t n_cases;

static __attribute__((unused)) int
hostile_load(void **state)
{
	json_error_t err;
	json_t *root = json_load_file(HOSTILE_JSON, JSON_ALLOW_NUL, &err);
	size_t i;
	json_t *v;

	(void)state;
	if (root == NULL || !json_is_array(root)) {
		fprintf(stderr, "%s:%d: %s\n", HOSTILE_JSON, err.line, err.text);
		json_decref(root);
		return -1;
	}
	n_cases = json_array_size(root);
	cases = xcalloc(n_cases, sizeof *cases);
	json_array_foreach(root, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		json_t *text = json_object_get(v, "text");

		cases[i].name = xstrdup(name != NULL ? name : "?");
		cases[i].text = xstrndup(json_string_value(text),
		    json_string_length(text));
	}
	json_decref(root);
	return 0;
}

static __attribute__((unused)) int
hostile_free(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_cases; i++) {
		free(cases[i].name);
		free(cases[i].text);
	}
	free(cases);
	return 0;
}

/* Incident #1, critical, triggered a minute ago, with TEXT as its key,
 * title, service and the source's severity name; its id. */
static __attribute__((unused)) int64_t
hostile_incident(struct harness *h, const char *text)
{
	struct wr_event e;

	memset(&e, 0, sizeof e);
	e.kind = WR_EV_TRIGGERED;
	e.incident = 1;
	e.time = H_NOW - 60000;
	e.actor = (char *)"alertmanager";
	e.source = (char *)"alertmanager";
	e.key = (char *)text;
	e.title = (char *)text;
	e.service = (char *)text;
	e.severity = WR_SEV_CRITICAL;
	e.severity_raw = (char *)text;
	h_apply(h, &e);
	return e.incident;
}

#endif
