/*
 * event_equal.h: field by field equality of what the model holds, for the
 * tests that check an event comes back whole from a round trip: through
 * the wire (tests/test_proto.c) and through the store (tests/test_store.c).
 * The event's common, alert, silence, notify and postmortem fields are
 * compared (not yet the schedule, override and escalation ones), so one of
 * those that either round trip drops fails both.  Included once per test
 * program: its functions are static; cmocka.h comes first.
 */
#ifndef WR_TEST_EVENT_EQUAL_H
#define WR_TEST_EVENT_EQUAL_H

#include <string.h>

#include "core/model.h"

static void
assert_str0_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_kv_equal(const struct wr_kvlist *a, const struct wr_kvlist *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].key, b->v[i].key);
		assert_string_equal(a->v[i].value, b->v[i].value);
		assert_int_equal(strlen(a->v[i].value), strlen(b->v[i].value));
		assert_memory_equal(a->v[i].value, b->v[i].value,
		    strlen(a->v[i].value));
	}
}

static void
assert_alert_equal(const struct wr_alert *a, const struct wr_alert *b)
{
	assert_str0_equal(a->fingerprint, b->fingerprint);
	assert_int_equal(a->starts, b->starts);
	assert_int_equal(a->ends, b->ends);
	assert_int_equal(a->firing, b->firing);
	assert_int_equal(a->last_seen, b->last_seen);
	assert_int_equal(a->severity, b->severity);
	assert_kv_equal(&a->labels, &b->labels);
	assert_kv_equal(&a->annotations, &b->annotations);
}

static void
assert_event_equal(const struct wr_event *a, const struct wr_event *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->incident, b->incident);
	assert_int_equal(a->time, b->time);
	assert_str0_equal(a->actor, b->actor);
	assert_str0_equal(a->via, b->via);
	assert_str0_equal(a->op_id, b->op_id);
	assert_str0_equal(a->source, b->source);
	assert_str0_equal(a->key, b->key);
	assert_str0_equal(a->title, b->title);
	assert_str0_equal(a->service, b->service);
	assert_int_equal(a->severity, b->severity);
	assert_str0_equal(a->severity_raw, b->severity_raw);
	assert_alert_equal(&a->alert, &b->alert);
	assert_str0_equal(a->text, b->text);
	assert_str0_equal(a->sender, b->sender);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->made_at, b->made_at);
	assert_str0_equal(a->silence_id, b->silence_id);
	assert_int_equal(a->ends, b->ends);
	assert_str0_equal(a->matchers, b->matchers);
	assert_int_equal(a->duration, b->duration);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->base, b->base);
	assert_str0_equal(a->person, b->person);
	assert_str0_equal(a->notifier, b->notifier);
	assert_int_equal(a->next_at, b->next_at);
}

#endif
