/*
 * fuzz_ingest: a webhook body through the Alertmanager adapter (else the
 * Events v2 one), planned and applied by the reducer as the relay's group
 * commit does (relay/commit.c), three times over (a first delivery, a
 * repeat, a later one), and every event it causes sent over the wire to a
 * console.  Invariants: every planned event applies to the relay's room;
 * every event encodes, decodes on the console to the same event
 * (fuzz_event_roundtrip()) and applies to the console's room; every
 * incident the room then holds goes through a snapshot frame unchanged.
 */
#include <string.h>

#include "core/room.h"
#include "net/ingest.h"
#include "net/proto.h"
#include "tests/fuzz/fuzz.h"

#define NOW 1767225600000LL	/* 2026-01-01 */

/*
 * With WR_FUZZ_DUMP=DIR, each input also writes DIR/feed-N: the frames a
 * relay would send a console for it (welcome, events, snapshot,
 * caught_up), one a line: the seeds of fuzz_feed.
 */
static FILE *dump;

static void
dump_frame(char *text)
{
	if (dump != NULL && text != NULL)
		fprintf(dump, "%s\n", text);
	free(text);
}

static void
send_events(struct wr_room *relay, struct wr_room *console,
    struct wr_evlist *ev, size_t from)
{
	char err[256];

	for (size_t i = from; i < ev->n; i++) {
		struct wr_event d;
		enum wr_apply_result rc;

		ev->v[i].seq = relay->last_seq + 1;
		rc = wr_room_apply(relay, &ev->v[i], err, sizeof err);
		FUZZ_CHECK(rc == WR_APPLY_OK, "a planned %s event does not "
		    "apply: %d %s", wr_event_kind_name(ev->v[i].kind), rc,
		    err);
		fuzz_event_roundtrip(&ev->v[i], &d);
		if (dump != NULL)
			dump_frame(proto_event_dump(&d, NULL));
		rc = wr_room_apply(console, &d, err, sizeof err);
		FUZZ_CHECK(rc == WR_APPLY_OK, "the console refuses event %lld "
		    "(%s): %d %s", (long long)d.seq,
		    wr_event_kind_name(d.kind), rc, err);
		wr_event_free(&d);
	}
}

static void
deliver(struct wr_room *relay, struct wr_room *console,
    const struct ingest_result *res, int64_t now)
{
	struct wr_evlist ev;

	memset(&ev, 0, sizeof ev);
	for (size_t g = 0; g < res->n_groups; g++) {
		struct wr_group_input in;
		size_t from = ev.n, seen = 0;

		ingest_group_input(&res->groups[g], now, "fuzz", &in);
		wr_room_plan_group(relay, &in, &ev, &seen);
		send_events(relay, console, &ev, from);
		if (seen > 0)
			wr_room_touch(relay, &in);
	}
	for (size_t a = 0; a < res->n_actions; a++) {
		struct wr_action_input in = {
			.source = INGEST_SOURCE_EVENTS_V2,
			.key = res->actions[a].key,
			.kind = res->actions[a].kind, .actor = "events-v2",
			.via = "fuzz", .now = now
		};
		size_t from = ev.n;

		wr_room_plan_action(relay, &in, &ev);
		send_events(relay, console, &ev, from);
	}
	wr_evlist_free(&ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t when[] = { NOW, NOW + 60000, NOW + 86400000 };
	struct wr_room relay, console;
	struct ingest_ctx ctx = { NOW, NULL };
	const char *body = (const char *)data;
	char err[512];

	if (size > 1024 * 1024)
		return 0;
	wr_room_init(&relay, 1);
	wr_room_init(&console, 0);
	if (getenv("WR_FUZZ_DUMP") != NULL) {
		static int n;
		char path[4096];

		snprintf(path, sizeof path, "%s/feed-%d",
		    getenv("WR_FUZZ_DUMP"), ++n);
		dump = fopen(path, "w");
		fprintf(dump, "{\"type\":\"welcome\",\"epoch\":\"9f3c0aa1b2c3d4e5\","
		    "\"head\":0,\"first\":1,\"mode\":\"replay\","
		    "\"heartbeat_ms\":10000,\"server\":\"warroomd/0.1.0\"}\n");
	}
	for (size_t t = 0; t < sizeof when / sizeof when[0]; t++) {
		struct ingest_result res;
		int rc;

		memset(&res, 0, sizeof res);
		ctx.now = when[t];
		rc = ingest_alertmanager(body, size, &ctx, &res, err,
		    sizeof err);
		if (rc != 0) {
			char **errors = NULL;
			size_t n_errors = 0;

			memset(&res, 0, sizeof res);
			rc = ingest_events_v2(body, size, &ctx, &res, err,
			    sizeof err, &errors, &n_errors);
			ingest_errors_free(errors, n_errors);
		}
		if (rc != 0)
			break;
		deliver(&relay, &console, &res, when[t]);
		ingest_result_free(&res);
	}
	for (int64_t id = 1; id < relay.next_id; id++)
		if (wr_room_get(&relay, id) != NULL)
			fuzz_incident_roundtrip(wr_room_get(&relay, id));
	if (dump != NULL) {
		json_t *arr = json_array();

		for (int64_t id = 1; id < relay.next_id; id++)
			if (wr_room_get(&relay, id) != NULL)
				json_array_append_new(arr,
				    proto_incident_to_json(wr_room_get(&relay,
				    id), 1));
		{
			json_t *o = proto_snapshot_to_json(relay.last_seq, arr,
			    1);

			dump_frame(proto_dump(o, NULL));
			json_decref(o);
			o = proto_caught_up_to_json(relay.last_seq);
			dump_frame(proto_dump(o, NULL));
			json_decref(o);
		}
		fclose(dump);
		dump = NULL;
	}
	wr_room_free(&relay);
	wr_room_free(&console);
	return 0;
}
