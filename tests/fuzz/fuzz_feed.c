/*
 * fuzz_feed: frames from a relay, one a line, through the console's
 * decoders as net/feed-rx.c uses them: welcome, snapshot (its incidents
 * put into the console's room), event (applied to it), caught_up, result,
 * error, ping, schedules (each decoded schedule asked who is on call).
 * Invariants: nothing the decoders accept fails to encode
 * and decode again to the same thing (fuzz_event_roundtrip(),
 * fuzz_incident_roundtrip(); welcome and result compared field by field),
 * and the room takes whatever was decoded without crashing.
 */
#include <string.h>

#include "core/policy.h"
#include "core/room.h"
#include "core/schedule.h"
#include "core/util.h"
#include "core/zone.h"
#include "net/proto.h"
#include "tests/fuzz/fuzz.h"

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

/* Every zone name is UTC+1 here: the fuzzer reads no zoneinfo. */
static struct wr_zone *
any_zone(void *ud, const char *name, char **cause)
{
	(void)ud;
	(void)cause;
	return wr_zone_fixed(name, 3600);
}

/* A schedules frame: decoded, asked, encoded and decoded again to the
 * same answers. */
static void
schedules(const json_t *o)
{
	struct proto_schedules a, b;
	const struct wr_schedule **v;
	char err[256];
	json_t *back;

	if (proto_schedules_from_json(o, any_zone, NULL, &a, err,
	    sizeof err) != 0)
		return;
	v = xcalloc(a.n + 1, sizeof *v);
	for (size_t i = 0; i < a.n; i++)
		v[i] = a.v[i].s;
	back = proto_schedules_to_json(v, a.n,
	    (const struct wr_policy *const *)a.policies, a.n_policies);
	FUZZ_CHECK(proto_schedules_from_json(back, any_zone, NULL, &b, err,
	    sizeof err) == 0, "schedules re-encoded do not decode: %s", err);
	FUZZ_CHECK(b.n == a.n, "schedules changed in number");
	FUZZ_CHECK(b.n_policies == a.n_policies, "policies changed in number");
	for (size_t i = 0; i < a.n_policies; i++) {
		const struct wr_policy *x = a.policies[i], *y = b.policies[i];
		char *mx = wr_policy_match_text(x), *my = wr_policy_match_text(y);

		FUZZ_CHECK(strcmp(mx, my) == 0 && x->has_match == y->has_match &&
		    x->n_steps == y->n_steps && x->repeat == y->repeat &&
		    x->ack_timeout_ms == y->ack_timeout_ms, "policy %zu "
		    "changed in its round trip", i);
		for (size_t k = 0; k < x->n_steps; k++) {
			char *sx = wr_policy_step_text(&x->steps[k]);
			char *sy = wr_policy_step_text(&y->steps[k]);

			FUZZ_CHECK(strcmp(sx, sy) == 0, "policy %zu step %zu: "
			    "'%s' came back '%s'", i, k, sx, sy);
			free(sx);
			free(sy);
		}
		free(mx);
		free(my);
	}
	for (size_t i = 0; i < a.n; i++) {
		int64_t t = 1772600000000LL;
		struct wr_oncall x, y, *shifts = NULL;

		for (int k = 0; k < 8; k++, t += 7LL * 3600 * 1000 + 13) {
			wr_schedule_at(a.v[i].s, t, &x);
			wr_schedule_at(b.v[i].s, t, &y);
			FUZZ_CHECK(x.source == y.source && x.since == y.since &&
			    x.until == y.until && (x.person == NULL) ==
			    (y.person == NULL), "schedule %zu answers "
			    "differently after its round trip", i);
		}
		(void)wr_schedule_next(a.v[i].s, t, &x);
		(void)wr_schedule_next_gap(a.v[i].s, t, 7LL * 86400000, &x);
		if (wr_schedule_shifts(a.v[i].s, t, t + 86400000, &shifts) > 0)
			FUZZ_CHECK(shifts != NULL, "shifts without a list");
		free(shifts);
	}
	json_decref(back);
	free(v);
	proto_schedules_free(&a);
	proto_schedules_free(&b);
}

static void
frame(struct wr_room *room, const char *buf, size_t len)
{
	enum proto_type type;
	char err[256];
	json_t *o, *back;
	int64_t t;

	o = proto_parse(buf, len, &type, err, sizeof err);
	if (o == NULL)
		return;
	switch (type) {
	case PROTO_WELCOME: {
		struct proto_welcome w, w2;

		if (proto_welcome_from_json(o, &w, err, sizeof err) != 0)
			break;
		back = proto_welcome_to_json(&w);
		FUZZ_CHECK(proto_welcome_from_json(back, &w2, err,
		    sizeof err) == 0, "a welcome re-encoded does not decode: "
		    "%s", err);
		FUZZ_CHECK(same(w.epoch, w2.epoch) && w.head == w2.head &&
		    w.first == w2.first && same(w.mode, w2.mode) &&
		    same(w.reason, w2.reason) && w.heartbeat_ms ==
		    w2.heartbeat_ms && same(w.server, w2.server) &&
		    same(w.user, w2.user) && same(w.token, w2.token),
		    "a welcome changed in its round trip");
		json_decref(back);
		proto_welcome_free(&w);
		proto_welcome_free(&w2);
		break;
	}
	case PROTO_SNAPSHOT: {
		json_t *arr, *v;
		int last;
		size_t i;

		if (proto_snapshot_from_json(o, &t, &arr, &last, err,
		    sizeof err) != 0)
			break;
		json_array_foreach(arr, i, v) {
			struct wr_incident *inc = NULL;

			if (proto_incident_from_json(v, &inc, err,
			    sizeof err) != 0)
				continue;
			fuzz_incident_roundtrip(inc);
			wr_room_put(room, inc);
		}
		if (last)
			room->last_seq = t;
		break;
	}
	case PROTO_EVENT: {
		struct wr_event e;

		if (proto_event_from_json(o, &e, err, sizeof err) != 0)
			break;
		fuzz_event_roundtrip(&e, NULL);
		(void)wr_room_apply(room, &e, err, sizeof err);
		wr_event_free(&e);
		break;
	}
	case PROTO_CAUGHT_UP:
		(void)proto_caught_up_from_json(o, &t, err, sizeof err);
		break;
	case PROTO_RESULT: {
		struct proto_result r, r2;

		if (proto_result_from_json(o, &r, err, sizeof err) != 0)
			break;
		back = proto_result_to_json(&r);
		FUZZ_CHECK(proto_result_from_json(back, &r2, err,
		    sizeof err) == 0, "a result re-encoded does not decode: "
		    "%s", err);
		FUZZ_CHECK(same(r.op_id, r2.op_id) && same(r.status,
		    r2.status) && r.seq == r2.seq && same(r.code, r2.code) &&
		    same(r.reason, r2.reason), "a result changed in its "
		    "round trip");
		json_decref(back);
		proto_result_free(&r);
		proto_result_free(&r2);
		break;
	}
	case PROTO_ERROR: {
		const char *code, *reason, *op_id;

		(void)proto_error_from_json(o, &code, &reason, &op_id, err,
		    sizeof err);
		break;
	}
	case PROTO_PING:
	case PROTO_PONG:
		if (proto_ping_from_json(o, &t, err, sizeof err) == 0) {
			back = proto_ping_to_json("pong", t);
			FUZZ_CHECK(proto_ping_from_json(back, &t, err,
			    sizeof err) == 0, "a pong does not decode: %s", err);
			json_decref(back);
		}
		break;
	case PROTO_SCHEDULES:
		schedules(o);
		break;
	default:
		break;
	}
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_room room;
	const char *p = (const char *)data, *end = p + size;

	wr_room_init(&room, 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		frame(&room, p, len);
		p += len + 1;
	}
	wr_room_free(&room);
	return 0;
}
