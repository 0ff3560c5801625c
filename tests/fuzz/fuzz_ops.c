/*
 * fuzz_ops: frames from a console, one a line, through the relay's
 * decoders (relay/feed.c): hello, then ops, each op planned against a
 * room holding a few incidents and its event applied and sent back
 * (fuzz_event_roundtrip()).  Invariants: a decoded hello or op encodes and
 * decodes to the same thing (made_at included); an op's planned event
 * applies to the room, its time is the arrival and its made_at is within
 * the incident's creation and the arrival, whatever made_at the op said.
 */
#include <string.h>

#include "core/room.h"
#include "net/proto.h"
#include "tests/fuzz/fuzz.h"

#define NOW 1767225600000LL

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

static void
setup(struct wr_room *room)
{
	char key[8], err[256];

	wr_room_init(room, 1);
	for (int i = 1; i <= 3; i++) {
		struct wr_event e;

		memset(&e, 0, sizeof e);
		snprintf(key, sizeof key, "k%d", i);
		e.seq = i;
		e.kind = WR_EV_TRIGGERED;
		e.incident = i;
		e.time = NOW;
		e.actor = "alertmanager";
		e.source = "alertmanager";
		e.sender = "am";
		e.key = key;
		e.title = "disk full";
		e.service = "db";
		e.severity = WR_SEV_CRITICAL;
		FUZZ_CHECK(wr_room_apply(room, &e, err, sizeof err) ==
		    WR_APPLY_OK, "setup: %s", err);
	}
}

static void
frame(struct wr_room *room, const char *buf, size_t len, int64_t now)
{
	enum proto_type type;
	char err[256];
	json_t *o, *back;

	o = proto_parse(buf, len, &type, err, sizeof err);
	if (o == NULL)
		return;
	if (type == PROTO_HELLO) {
		struct proto_hello h, h2;

		if (proto_hello_from_json(o, &h, err, sizeof err) == 0) {
			back = proto_hello_to_json(&h);
			FUZZ_CHECK(proto_hello_from_json(back, &h2, err,
			    sizeof err) == 0, "a hello re-encoded does not "
			    "decode: %s", err);
			FUZZ_CHECK(same(h.user, h2.user) && same(h.epoch,
			    h2.epoch) && h.seq == h2.seq && h.from_now ==
			    h2.from_now && same(h.client, h2.client),
			    "a hello changed in its round trip");
			json_decref(back);
			proto_hello_free(&h);
			proto_hello_free(&h2);
		}
	} else if (type == PROTO_OP) {
		struct proto_op op, op2;

		if (proto_op_from_json(o, &op, err, sizeof err) == 0) {
			struct wr_op wop;
			struct wr_event e;

			back = proto_op_to_json(&op);
			FUZZ_CHECK(proto_op_from_json(back, &op2, err,
			    sizeof err) == 0, "an op re-encoded does not "
			    "decode: %s", err);
			FUZZ_CHECK(same(op.op_id, op2.op_id) && op.kind ==
			    op2.kind && op.incident == op2.incident &&
			    same(op.epoch, op2.epoch) && same(op.actor,
			    op2.actor) && op.made_at == op2.made_at,
			    "an op changed in its round trip");
			{
				/* and its arguments, whichever it carries */
				json_t *b2 = proto_op_to_json(&op2);
				char *t1 = proto_dump(back, NULL);
				char *t2 = proto_dump(b2, NULL);

				FUZZ_CHECK(same(t1, t2), "an op's arguments "
				    "changed in its round trip");
				free(t1);
				free(t2);
				json_decref(b2);
			}
			json_decref(back);
			memset(&wop, 0, sizeof wop);
			wop.kind = op.kind;
			wop.incident = op.incident;
			wop.actor = op.actor;
			wop.via = "console";
			wop.op_id = op.op_id;
			wop.args = &op.args;
			wop.now = now;
			wop.made_at = op.made_at;
			if (wr_room_plan_op(room, &wop, &e, err, sizeof err) ==
			    WR_PLAN_EVENT) {
				const struct wr_incident *inc =
				    wr_room_get(room, e.incident);

				FUZZ_CHECK(e.time == now && e.made_at <= now &&
				    e.made_at >= inc->created, "a planned %s "
				    "made at %lld is outside [%lld, %lld]",
				    wr_event_kind_name(e.kind),
				    (long long)e.made_at,
				    (long long)inc->created, (long long)now);
				e.seq = room->last_seq + 1;
				FUZZ_CHECK(wr_room_apply(room, &e, err,
				    sizeof err) == WR_APPLY_OK, "a planned %s "
				    "does not apply: %s",
				    wr_event_kind_name(e.kind), err);
				fuzz_event_roundtrip(&e, NULL);
				wr_event_free(&e);
			}
			proto_op_free(&op);
			proto_op_free(&op2);
		}
	} else if (type == PROTO_PING || type == PROTO_PONG) {
		int64_t t;

		(void)proto_ping_from_json(o, &t, err, sizeof err);
	}
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_room room;
	const char *p = (const char *)data, *end = p + size;
	int64_t now = NOW;

	setup(&room);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		frame(&room, p, len, now += 1000);
		p += len + 1;
	}
	wr_room_free(&room);
	return 0;
}
