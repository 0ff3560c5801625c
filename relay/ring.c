/*
 * relay/ring.c: the newest events, each encoded once, shared by every
 * console; and the small per-connection frame queues.
 *
 * A console whose cursor is inside the ring is fed from it; one that is
 * further behind reads the store in bounded windows.  Either way a
 * console costs a cursor, not a copy of the log.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "relay/relay-int.h"

void
relay_ring_init(struct relay_ring *ring, size_t cap)
{
	ring->cap = cap;
	ring->frame = xcalloc(cap, sizeof *ring->frame);
	ring->len = xcalloc(cap, sizeof *ring->len);
	ring->seq = xcalloc(cap, sizeof *ring->seq);
}

void
relay_ring_free(struct relay_ring *ring)
{
	for (size_t i = 0; i < ring->cap; i++)
		free(ring->frame[i]);
	free(ring->frame);
	free(ring->len);
	free(ring->seq);
	memset(ring, 0, sizeof *ring);
}

void
relay_ring_put(struct relay_ring *ring, const struct wr_event *e)
{
	size_t i = (size_t)e->seq % ring->cap;

	free(ring->frame[i]);
	ring->frame[i] = proto_event_dump(e, &ring->len[i]);
	ring->seq[i] = e->seq;
}

const char *
relay_ring_get(const struct relay_ring *ring, int64_t seq, size_t *len)
{
	size_t i;

	if (seq < 1 || ring->cap == 0)
		return NULL;
	i = (size_t)seq % ring->cap;
	if (ring->seq[i] != seq || ring->frame[i] == NULL)
		return NULL;
	*len = ring->len[i];
	return ring->frame[i];
}

int
frameq_push(struct frameq *q, char *frame, size_t len)
{
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 8;
		char **nv = xcalloc(ncap, sizeof *nv);
		size_t *nl = xcalloc(ncap, sizeof *nl);
		for (size_t i = 0; i < q->n; i++) {
			nv[i] = q->v[(q->head + i) % q->cap];
			nl[i] = q->len[(q->head + i) % q->cap];
		}
		free(q->v);
		free(q->len);
		q->v = nv;
		q->len = nl;
		q->cap = ncap;
		q->head = 0;
	}
	q->v[(q->head + q->n) % q->cap] = frame;
	q->len[(q->head + q->n) % q->cap] = len;
	q->n++;
	q->bytes += len;
	return q->limit > 0 && q->bytes > q->limit ? -1 : 0;
}

int
frameq_push_json(struct frameq *q, json_t *o)
{
	size_t len;
	char *s = proto_dump(o, &len);

	json_decref(o);
	return frameq_push(q, s, len);
}

const char *
frameq_peek(const struct frameq *q, size_t *len)
{
	if (q->n == 0)
		return NULL;
	*len = q->len[q->head];
	return q->v[q->head];
}

void
frameq_pop(struct frameq *q)
{
	if (q->n == 0)
		return;
	q->bytes -= q->len[q->head];
	free(q->v[q->head]);
	q->v[q->head] = NULL;
	q->head = (q->head + 1) % q->cap;
	q->n--;
}

void
frameq_free(struct frameq *q)
{
	size_t limit = q->limit;

	while (q->n > 0)
		frameq_pop(q);
	free(q->v);
	free(q->len);
	memset(q, 0, sizeof *q);
	q->limit = limit;
}
