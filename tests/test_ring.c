/*
 * test_ring.c: cmocka tests for relay/ring.c: the ring of encoded events
 * shared by every console, and the per-connection frame queues whose
 * limit bounds what a console that does not read can cost the relay (its
 * control queue is limited to about 1 MiB: relay/feed.c closes a console
 * whose push reports the limit passed).
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
#include "relay/relay-int.h"

static void
test_ring_keeps_the_newest(void **state)
{
	struct relay_ring ring;
	struct wr_event e;
	const char *f;
	size_t len = 0;

	(void)state;
	relay_ring_init(&ring, 8);
	for (int64_t seq = 1; seq <= 20; seq++) {
		memset(&e, 0, sizeof e);
		e.seq = seq;
		e.kind = WR_EV_NOTE;
		e.incident = 1;
		e.time = 1700000000000;
		e.actor = "alice";
		e.text = "n";
		relay_ring_put(&ring, &e);
	}
	assert_null(relay_ring_get(&ring, 12, &len));	/* left the ring */
	assert_null(relay_ring_get(&ring, 21, &len));	/* not yet */
	assert_null(relay_ring_get(&ring, 0, &len));
	f = relay_ring_get(&ring, 13, &len);
	assert_non_null(f);
	assert_int_equal(len, strlen(f));
	assert_non_null(strstr(f, "\"seq\":13,"));
	f = relay_ring_get(&ring, 20, &len);
	assert_non_null(strstr(f, "\"seq\":20,"));
	relay_ring_free(&ring);
}

static void
test_frameq_fifo_and_bytes(void **state)
{
	struct frameq q;
	const char *f;
	size_t len;

	(void)state;
	memset(&q, 0, sizeof q);
	for (int i = 0; i < 100; i++)
		assert_int_equal(frameq_push(&q, xasprintf("frame %03d", i),
		    9), 0);	/* no limit: never over */
	assert_int_equal(q.n, 100);
	assert_int_equal(q.bytes, 900);
	for (int i = 0; i < 100; i++) {
		char want[16];

		snprintf(want, sizeof want, "frame %03d", i);
		f = frameq_peek(&q, &len);
		assert_non_null(f);
		assert_int_equal(len, 9);
		assert_string_equal(f, want);
		frameq_pop(&q);
		if (i == 49)	/* wrap around while half full */
			for (int j = 100; j < 150; j++)
				frameq_push(&q, xasprintf("frame %03d", j), 9);
	}
	assert_int_equal(q.n, 50);
	assert_string_equal(frameq_peek(&q, &len), "frame 100");
	frameq_free(&q);
	assert_int_equal(q.n, 0);
	assert_int_equal(q.bytes, 0);
	assert_null(frameq_peek(&q, &len));
}

/* A console's control queue: a push that takes it past the limit says so
 * (the relay then closes the console); below it, pushes are fine. */
static void
test_frameq_limit(void **state)
{
	struct frameq q;
	size_t pushed = 0;
	int over = 0, n = 0;

	(void)state;
	memset(&q, 0, sizeof q);
	q.limit = 1024 * 1024;
	while (!over) {
		char *s = xmalloc(101);

		memset(s, 'x', 100);
		s[100] = '\0';
		over = frameq_push(&q, s, 100) != 0;
		pushed += 100;
		n++;
		assert_true(n < 20000);
	}
	assert_true(q.bytes > q.limit);
	assert_true(q.bytes <= q.limit + 100);
	assert_int_equal(q.bytes, pushed);
	/* Draining below it makes pushes fine again. */
	for (int i = 0; i < 10; i++)
		frameq_pop(&q);
	assert_int_equal(frameq_push(&q, xstrdup("y"), 1), 0);
	frameq_free(&q);
	assert_int_equal(q.limit, 1024 * 1024);	/* free keeps the limit */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_keeps_the_newest),
		cmocka_unit_test(test_frameq_fifo_and_bytes),
		cmocka_unit_test(test_frameq_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
