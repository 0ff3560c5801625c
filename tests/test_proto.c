/*
 * test_proto.c: cmocka tests for net/proto.c, the "warroom.v1" codec.
 *
 * Every round trip goes the whole way a frame goes: record -> json ->
 * compact text -> proto_parse() -> decoder -> record, and then every field
 * is compared with the original (labels with unicode and hostile control
 * characters byte for byte).  The refusal tests pin down the strictness the
 * relay and the console rely on: duplicate keys, \u0000, invalid UTF-8,
 * wrong types, missing members, unknown ops and malformed op ids are refused
 * with a reason naming the member.  proto_event_dump(), the relay's
 * direct writer, must give the very text of proto_dump(proto_event_to_json())
 * for every kind, hostile strings included, and fall back to it where
 * jansson alters the text.  Run from the repository root (the hostile
 * strings are read from tests/fixtures/hostile/strings.json).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jbuf.h"
#include "core/model.h"
#include "core/policy.h"
#include "core/room.h"
#include "core/util.h"
#include "net/ingest.h"
#include "net/proto.h"
#include "core/timefmt.h"
#include "core/schedule.h"
#include "core/zone.h"
#include "tests/event_equal.h"
#include "tests/slurp.h"

#define STRINGS_JSON "tests/fixtures/hostile/strings.json"

#define T0 INT64_C(1795795028771)	/* 2026-11-27T15:57:08.771Z */

/* ---- helpers ------------------------------------------------------------ */

static void
assert_incident_equal(const struct wr_incident *a, const struct wr_incident *b)
{
	assert_int_equal(a->id, b->id);
	assert_str0_equal(a->source, b->source);
	assert_str0_equal(a->key, b->key);
	assert_str0_equal(a->title, b->title);
	assert_str0_equal(a->service, b->service);
	assert_int_equal(a->severity, b->severity);
	assert_str0_equal(a->severity_raw, b->severity_raw);
	assert_int_equal(a->state, b->state);
	assert_str0_equal(a->ack_by, b->ack_by);
	assert_int_equal(a->ack_at, b->ack_at);
	assert_str0_equal(a->resolved_by, b->resolved_by);
	assert_int_equal(a->resolved_at, b->resolved_at);
	assert_str0_equal(a->assignee, b->assignee);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->updated, b->updated);
	assert_int_equal(a->last_seen, b->last_seen);
	assert_int_equal(a->n_alerts, b->n_alerts);
	assert_int_equal(a->n_firing, b->n_firing);
	assert_int_equal(a->n_notes, b->n_notes);
	assert_str0_equal(a->sender, b->sender);
	assert_int_equal(a->truncated, b->truncated);
	assert_str0_equal(a->severity_by, b->severity_by);
	assert_int_equal(a->pm_version, b->pm_version);
	assert_str0_equal(a->pm_by, b->pm_by);
	assert_int_equal(a->pm_at, b->pm_at);
	assert_int_equal(a->esc_since, b->esc_since);
	assert_int_equal(a->esc_fired, b->esc_fired);
	assert_str0_equal(a->esc_policy, b->esc_policy);
	assert_str0_equal(a->esc_target, b->esc_target);
	assert_int_equal(a->esc_steps, b->esc_steps);
	assert_int_equal(a->esc_next_at, b->esc_next_at);
	assert_int_equal(a->assigned_by_policy, b->assigned_by_policy);
	assert_int_equal(a->snooze_until, b->snooze_until);
	assert_int_equal(a->alerts_len, b->alerts_len);
	for (size_t i = 0; i < a->alerts_len; i++)
		assert_alert_equal(&a->alerts[i], &b->alerts[i]);
	assert_int_equal(a->n_silences, b->n_silences);
	for (size_t i = 0; i < a->n_silences; i++) {
		assert_string_equal(a->silences[i].id, b->silences[i].id);
		assert_int_equal(a->silences[i].ends, b->silences[i].ends);
		assert_str0_equal(a->silences[i].by, b->silences[i].by);
		assert_string_equal(a->silences[i].matchers,
		    b->silences[i].matchers);
	}
}

/* Dump o (stolen) to text, check it is one compact line with no raw control
 * byte, parse it back and check its type. */
static json_t *
through_wire(json_t *o, enum proto_type want)
{
	enum proto_type type;
	char err[256] = "";
	size_t len;
	char *text = proto_dump(o, &len);
	json_t *back;

	assert_non_null(text);
	json_decref(o);
	assert_int_equal(len, strlen(text));
	for (size_t i = 0; i < len; i++)
		assert_true((unsigned char)text[i] >= 0x20);
	assert_true(strncmp(text, "{\"type\":\"", 9) == 0);
	back = proto_parse(text, len, &type, err, sizeof err);
	free(text);
	if (back == NULL)
		fail_msg("parse: %s", err);
	assert_int_equal(type, want);
	return back;
}

static void
roundtrip_event(const struct wr_event *e)
{
	json_t *o = through_wire(proto_event_to_json(e), PROTO_EVENT);
	struct wr_event back;
	char err[256] = "";

	if (proto_event_from_json(o, &back, err, sizeof err) != 0)
		fail_msg("decode: %s", err);
	json_decref(o);
	assert_event_equal(e, &back);
	wr_event_free(&back);
}

static void
event_base(struct wr_event *e, wr_event_kind kind, int64_t seq)
{
	memset(e, 0, sizeof *e);
	e->seq = seq;
	e->kind = kind;
	e->incident = 42;
	e->time = T0 + seq;
	e->actor = xstrdup("alice");
	e->via = xstrdup("ops-console");
	e->op_id = xstrdup("0123456789abcdef0123456789abcdef");
}

/* Parse text and run an event decode that must fail with a reason naming
 * `field`.  Returns nothing; the parse itself must succeed. */
static void
event_refused(const char *text, const char *field)
{
	enum proto_type type;
	struct wr_event e;
	char err[256] = "";
	json_t *o = proto_parse(text, strlen(text), &type, err, sizeof err);

	if (o == NULL)
		fail_msg("parse: %s", err);
	assert_int_equal(proto_event_from_json(o, &e, err, sizeof err), -1);
	assert_non_null(strstr(err, field));
	assert_null(e.actor);
	json_decref(o);
}

static void
frame_refused(const char *buf, size_t len, const char *why)
{
	enum proto_type type = PROTO_EVENT;
	char err[256] = "";
	json_t *o = proto_parse(buf, len, &type, err, sizeof err);

	assert_null(o);
	assert_int_equal(type, PROTO_UNKNOWN);
	assert_true(err[0] != '\0');
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", err, why);
}

static int
op_refused(const char *text, const char *field)
{
	enum proto_type type;
	struct proto_op op;
	char err[256] = "";
	json_t *o = proto_parse(text, strlen(text), &type, err, sizeof err);
	int rc;

	if (o == NULL)
		fail_msg("parse: %s", err);
	assert_int_equal(type, PROTO_OP);
	rc = proto_op_from_json(o, &op, err, sizeof err);
	json_decref(o);
	if (rc == 0) {
		proto_op_free(&op);
		fail_msg("op accepted: %s", text);
	}
	assert_null(op.op_id);
	if (strstr(err, field) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", err, field);
	return rc;
}

/* ---- schedule-wide ops ------------------------------------------------- */

/* The ops that were there before arguments were a table go out exactly as
 * they did (an old relay reads them): "incident" and one "text". */
static void
op_wire_of_the_first_ops_is_unchanged(void **state)
{
	static const struct {
		wr_op_kind k;
		const char *text, *want;
	} cases[] = {
		{ WR_OP_ACK, "ignored", "{\"type\":\"op\",\"op_id\":\"ID\","
		  "\"op\":\"ack\",\"incident\":42,\"epoch\":\"e1\","
		  "\"actor\":\"alice\"}" },
		{ WR_OP_NOTE, "rolled back", "{\"type\":\"op\",\"op_id\":"
		  "\"ID\",\"op\":\"note\",\"incident\":42,\"epoch\":\"e1\","
		  "\"actor\":\"alice\",\"text\":\"rolled back\"}" },
		{ WR_OP_ASSIGN, "bob", "{\"type\":\"op\",\"op_id\":\"ID\","
		  "\"op\":\"assign\",\"incident\":42,\"epoch\":\"e1\","
		  "\"actor\":\"alice\",\"text\":\"bob\"}" },
		{ WR_OP_SEV, "critical", "{\"type\":\"op\",\"op_id\":\"ID\","
		  "\"op\":\"sev\",\"incident\":42,\"epoch\":\"e1\","
		  "\"actor\":\"alice\",\"text\":\"critical\"}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proto_op op = { .op_id = "ID", .kind = cases[i].k,
		    .incident = 42, .epoch = "e1", .actor = "alice",
		    .args = { .text = (char *)cases[i].text } };
		json_t *o = proto_op_to_json(&op);
		char *text = proto_dump(o, NULL);

		assert_string_equal(text, cases[i].want);
		free(text);
		json_decref(o);
	}
}

/*
 * A schedule-wide op (an override, a cover request, a take) names no
 * incident and carries its arguments under the field table's wire names;
 * it decodes to what was sent, and what it does not carry is dropped.
 */
static void
op_schedule_wide_round_trips_with_its_arguments(void **state)
{
	char id[33], err[256];
	struct proto_op op, b;
	json_t *o;

	(void)state;
	assert_int_equal(proto_new_op_id(id), 0);
	memset(&op, 0, sizeof op);
	op.op_id = id;
	op.kind = WR_OP_COVER;
	op.incident = 42;	/* not sent */
	op.epoch = "9f3c0aa1b2c3d4e5";
	op.actor = "bob";
	op.args.schedule = "primary";
	op.args.from = INT64_C(1764925200000);
	op.args.until = INT64_C(1765011600000);
	op.args.text = "at a wedding \xe2\x80\x94 sorry";
	op.args.person = "not carried";
	o = proto_op_to_json(&op);
	assert_null(json_object_get(o, "incident"));
	assert_null(json_object_get(o, "person"));
	assert_string_equal(json_string_value(json_object_get(o, "from")),
	    "2025-12-05T09:00:00.000Z");
	assert_string_equal(json_string_value(json_object_get(o, "reason")),
	    op.args.text);
	o = through_wire(o, PROTO_OP);
	if (proto_op_from_json(o, &b, err, sizeof err) != 0)
		fail_msg("%s", err);
	json_decref(o);
	assert_int_equal(b.kind, WR_OP_COVER);
	assert_int_equal(b.incident, 0);
	assert_string_equal(b.args.schedule, "primary");
	assert_int_equal(b.args.from, op.args.from);
	assert_int_equal(b.args.until, op.args.until);
	assert_string_equal(b.args.text, op.args.text);
	assert_null(b.args.person);
	proto_op_free(&b);

	/* a cover request without a reason: it is optional */
	op.args.text = NULL;
	o = through_wire(proto_op_to_json(&op), PROTO_OP);
	assert_int_equal(proto_op_from_json(o, &b, err, sizeof err), 0);
	json_decref(o);
	assert_null(b.args.text);
	proto_op_free(&b);
}

/* Bytes from the network: every argument is checked against its row. */
static void
op_schedule_wide_arguments_are_bounded(void **state)
{
#define OV_HEAD "{\"type\":\"op\",\"op_id\":" \
	"\"0123456789abcdef0123456789abcdef\",\"epoch\":\"e\"," \
	"\"actor\":\"bob\","
	char big[512];

	(void)state;
	op_refused(OV_HEAD "\"op\":\"override\",\"person\":\"bob\","
	    "\"from\":\"2026-12-05T09:00:00Z\","
	    "\"until\":\"2026-12-06T09:00:00Z\"}", "schedule: missing");
	op_refused(OV_HEAD "\"op\":\"override\",\"schedule\":\"primary\","
	    "\"person\":\"\",\"from\":\"2026-12-05T09:00:00Z\","
	    "\"until\":\"2026-12-06T09:00:00Z\"}", "person: must not be empty");
	op_refused(OV_HEAD "\"op\":\"override\",\"schedule\":\"primary\","
	    "\"person\":\"bob\",\"from\":\"saturday\","
	    "\"until\":\"2026-12-06T09:00:00Z\"}", "from: not an ISO 8601");
	op_refused(OV_HEAD "\"op\":\"override\",\"schedule\":\"primary\","
	    "\"person\":\"bob\",\"from\":\"2026-12-05T09:00:00Z\"}",
	    "until: missing");
	op_refused(OV_HEAD "\"op\":\"override\",\"schedule\":7,"
	    "\"person\":\"bob\",\"from\":\"2026-12-05T09:00:00Z\","
	    "\"until\":\"2026-12-06T09:00:00Z\"}", "schedule: must be a string");
	op_refused(OV_HEAD "\"op\":\"take\",\"ref\":-3}", "ref:");
	op_refused(OV_HEAD "\"op\":\"take\"}", "ref: missing");
	op_refused(OV_HEAD "\"op\":\"override_rm\",\"ref\":\"12\"}",
	    "ref: must be an integer");
	/* a person one byte longer than a name may be */
	snprintf(big, sizeof big, OV_HEAD "\"op\":\"override\","
	    "\"schedule\":\"primary\",\"person\":\"%0*d\","
	    "\"from\":\"2026-12-05T09:00:00Z\","
	    "\"until\":\"2026-12-06T09:00:00Z\"}", PROTO_MAX_ACTOR + 1, 0);
	op_refused(big, "person: longer than 64 bytes");
	snprintf(big, sizeof big, OV_HEAD "\"op\":\"cover\","
	    "\"schedule\":\"primary\",\"reason\":\"%0*d\","
	    "\"from\":\"2026-12-05T09:00:00Z\","
	    "\"until\":\"2026-12-06T09:00:00Z\"}", WR_FIELD_MAX_REASON + 1,
	    0);
	op_refused(big, "reason: longer than");
#undef OV_HEAD
}

/* ---- events --------------------------------------------------------------- */

static void
event_triggered_round_trips(void **state)
{
	struct wr_event e;

	event_base(&e, WR_EV_TRIGGERED, 1);
	free(e.op_id);
	e.op_id = NULL;
	e.source = xstrdup("alertmanager");
	e.key = xstrdup("{}/{alertname=\"DiskFull\"}:{instance=\"db-1\"}");
	e.title = xstrdup("DiskFull on db-1 \xe2\x80\x94 97%");
	e.service = xstrdup("postgres");
	e.severity = WR_SEV_CRITICAL;
	roundtrip_event(&e);
	/* and with a severity the source made up */
	e.severity = WR_SEV_WARNING;
	e.severity_raw = xstrdup("P2-ish");
	roundtrip_event(&e);
	wr_event_free(&e);
}

static void
event_alert_firing_keeps_hostile_labels_byte_exact(void **state)
{
	struct wr_event e;
	json_error_t je;
	json_t *cases, *c;
	size_t i;

	event_base(&e, WR_EV_ALERT_FIRING, 2);
	e.alert.fingerprint = xstrdup("d3b07384d113edec");
	e.alert.starts = T0 - 60000;
	e.alert.ends = 0;
	e.alert.firing = 1;
	e.alert.last_seen = e.time;	/* what the decoder derives */
	wr_kvlist_add(&e.alert.labels, "alertname", "DiskFull");
	wr_kvlist_add(&e.alert.labels, "\xe8\xa8\xbc\xe6\x98\x8e",
	    "\xf0\x9f\x94\xa5 caf\xc3\xa9 e\xcc\x81");
	wr_kvlist_add(&e.alert.labels, "ctl\x1b[31m\x7f", "\x01\x02\x1f\x7f"
	    "\xc2\x9b" "31m\t\r\n\b\\\"/");
	wr_kvlist_add(&e.alert.labels, "", "empty name");
	wr_kvlist_add(&e.alert.annotations, "summary", "");

	cases = json_load_file(STRINGS_JSON, JSON_ALLOW_NUL, &je);
	if (cases == NULL)
		fail_msg("%s: %s", STRINGS_JSON, je.text);
	json_array_foreach(cases, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *text = json_string_value(json_object_get(c, "text"));

		/* "nul-escaped" carries \u0000: not a C string, not a label */
		if (name == NULL || text == NULL ||
		    strlen(text) != json_string_length(json_object_get(c,
		    "text")))
			continue;
		wr_kvlist_add(&e.alert.annotations, name, text);
		wr_kvlist_add(&e.alert.labels, text, name);
	}
	json_decref(cases);
	assert_true(e.alert.annotations.n > 5);
	roundtrip_event(&e);

	e.alert.ends = T0 + 1;	/* "ends" is sent when set */
	roundtrip_event(&e);
	wr_event_free(&e);
}

static void
event_alert_resolved_round_trips(void **state)
{
	struct wr_event e;

	event_base(&e, WR_EV_ALERT_RESOLVED, 3);
	free(e.via);
	e.via = NULL;
	e.alert.fingerprint = xstrdup("d3b07384d113edec");
	e.alert.starts = T0 - 60000;
	e.alert.ends = T0 - 5;
	roundtrip_event(&e);
	wr_event_free(&e);
}

static void
event_kinds_without_payload_round_trip(void **state)
{
	static const wr_event_kind kinds[] = {
		WR_EV_ACKNOWLEDGED, WR_EV_UNACKNOWLEDGED, WR_EV_RESOLVED,
		WR_EV_REOPENED
	};
	struct wr_event e;

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		event_base(&e, kinds[i], (int64_t)i + 10);
		roundtrip_event(&e);
		wr_event_free(&e);
	}
}

static void
event_note_and_assigned_round_trip(void **state)
{
	struct wr_event e;
	json_t *o;

	event_base(&e, WR_EV_NOTE, 20);
	e.text = xstrdup("rolled back deploy 1234\nline two \xe2\x9c\x93\x1b]0;x\x07");
	roundtrip_event(&e);
	wr_event_free(&e);

	event_base(&e, WR_EV_ASSIGNED, 21);
	e.text = xstrdup("bob");
	roundtrip_event(&e);
	/* the assignee travels as "assignee", not "text" */
	o = proto_event_to_json(&e);
	assert_string_equal(json_string_value(json_object_get(o, "assignee")),
	    "bob");
	assert_null(json_object_get(o, "text"));
	assert_string_equal(json_string_value(json_object_get(o, "time")),
	    "2026-11-27T15:57:08.792Z");
	json_decref(o);
	wr_event_free(&e);
}

static void
event_optional_members_are_omitted_when_null(void **state)
{
	struct wr_event e;
	json_t *o;

	event_base(&e, WR_EV_ACKNOWLEDGED, 5);
	free(e.via);
	free(e.op_id);
	e.via = e.op_id = NULL;
	o = proto_event_to_json(&e);
	assert_null(json_object_get(o, "via"));
	assert_null(json_object_get(o, "op_id"));
	assert_string_equal(json_string_value(json_object_get(o, "kind")),
	    "acknowledged");
	json_decref(o);
	roundtrip_event(&e);
	wr_event_free(&e);
}

static void
event_encoder_replaces_invalid_utf8(void **state)
{
	struct wr_event e;
	struct wr_event back;
	char err[256];
	json_t *o;

	event_base(&e, WR_EV_NOTE, 6);
	e.text = xstrdup("bad \xff byte \xc3 and \xed\xa0\x80 surrogate");
	o = through_wire(proto_event_to_json(&e), PROTO_EVENT);
	assert_int_equal(proto_event_from_json(o, &back, err, sizeof err), 0);
	assert_string_equal(back.text, "bad \xef\xbf\xbd byte \xef\xbf\xbd and "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate");
	wr_event_free(&back);
	json_decref(o);
	wr_event_free(&e);
}

static void
event_decoder_refuses_wrong_types_and_missing_members(void **state)
{
	event_refused("{\"type\":\"event\",\"seq\":\"7\",\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"text\":\"x\"}", "seq");
	event_refused("{\"type\":\"event\",\"seq\":7.0,\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"text\":\"x\"}", "seq");
	event_refused("{\"type\":\"event\",\"seq\":0,\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"text\":\"x\"}", "seq");
	event_refused("{\"type\":\"event\",\"seq\":7,"
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"text\":\"x\"}", "kind");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"exploded\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\"}", "kind");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\"}", "text");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"note\","
	    "\"incident\":1,\"time\":1795795028771,"
	    "\"actor\":\"a\",\"text\":\"x\"}", "time");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"yesterday\","
	    "\"actor\":\"a\",\"text\":\"x\"}", "time");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"alert_firing\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"alert\":{\"fingerprint\":\"f\","
	    "\"starts\":\"2026-11-27T15:57:08.771Z\",\"labels\":{\"a\":1},"
	    "\"annotations\":{}}}", "alert.labels");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"alert_resolved\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"alert\":{\"fingerprint\":\"f\","
	    "\"starts\":\"2026-11-27T15:57:08.771Z\"}}", "alert.ends");
	event_refused("{\"type\":\"event\",\"seq\":7,\"kind\":\"triggered\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"source\":\"s\",\"key\":\"k\",\"title\":\"t\","
	    "\"service\":\"x\",\"severity\":\"apocalyptic\"}", "severity");
	event_refused("{\"type\":\"result\",\"seq\":7,\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"text\":\"x\"}", "type");
}

static void
unknown_members_are_ignored(void **state)
{
	static const char text[] = "{\"type\":\"event\",\"seq\":7,"
	    "\"kind\":\"note\",\"incident\":3,\"time\":\"2026-11-27T15:57:08.771Z\","
	    "\"actor\":\"a\",\"text\":\"x\",\"future\":{\"nested\":[1,2]},"
	    "\"severity\":17}";
	enum proto_type type;
	struct wr_event e;
	char err[256] = "";
	json_t *o = proto_parse(text, sizeof text - 1, &type, err, sizeof err);

	assert_non_null(o);
	assert_int_equal(type, PROTO_EVENT);
	assert_int_equal(proto_event_from_json(o, &e, err, sizeof err), 0);
	assert_int_equal(e.seq, 7);
	assert_int_equal(e.incident, 3);
	assert_string_equal(e.text, "x");
	wr_event_free(&e);
	json_decref(o);
}

/* ---- frames --------------------------------------------------------------- */

static void
parse_refuses_duplicate_keys_nul_and_invalid_utf8(void **state)
{
	static const char dup[] = "{\"type\":\"ping\",\"t\":1,\"t\":2}";
	static const char nul[] = "{\"type\":\"event\",\"text\":\"a\\u0000b\"}";
	static const char badutf8[] = "{\"type\":\"ping\",\"x\":\"a\xff\"}";
	static const char overlong[] = "{\"type\":\"ping\",\"x\":\"\xc0\xaf\"}";
	static const char rawnul[] = "{\"type\":\"ping\",\"t\":1}\0";

	frame_refused(dup, sizeof dup - 1, "duplicate");
	frame_refused(nul, sizeof nul - 1, NULL);
	frame_refused(badutf8, sizeof badutf8 - 1, NULL);
	frame_refused(overlong, sizeof overlong - 1, NULL);
	frame_refused(rawnul, sizeof rawnul, NULL);
	frame_refused("", 0, NULL);
	frame_refused("{\"type\":\"ping\"", 14, NULL);
	frame_refused("[1,2]", 5, "object");
	frame_refused("{\"t\":1}", 7, "type");
	frame_refused("{\"type\":7}", 10, "type");
	frame_refused("{\"type\":\"ping\"} trailing", 24, NULL);
}

static void
parse_returns_unknown_types_for_the_caller_to_ignore(void **state)
{
	static const char text[] = "{\"type\":\"hologram\",\"x\":1}";
	enum proto_type type = PROTO_EVENT;
	char err[256] = "";
	json_t *o = proto_parse(text, sizeof text - 1, &type, err, sizeof err);

	assert_non_null(o);
	assert_int_equal(type, PROTO_UNKNOWN);
	assert_non_null(strstr(err, "type"));
	json_decref(o);
	assert_string_equal(proto_type_name(PROTO_CAUGHT_UP), "caught_up");
}

/* ---- incidents -------------------------------------------------------------- */

static struct wr_incident *
sample_incident(void)
{
	struct wr_incident *inc = xcalloc(1, sizeof *inc);

	inc->id = 42;
	inc->source = xstrdup("events-v2");
	inc->key = xstrdup("dedup-\xe2\x98\x83");
	inc->title = xstrdup("checkout latency \x1b[2J");
	inc->service = xstrdup("checkout");
	inc->severity = WR_SEV_ERROR;
	inc->severity_raw = xstrdup("sev-2");
	inc->state = WR_ST_ACKNOWLEDGED;
	inc->ack_by = xstrdup("alice");
	inc->ack_at = T0 + 100;
	inc->assignee = xstrdup("bob");
	inc->created = T0;
	inc->updated = T0 + 100;
	inc->last_seen = T0 + 90;
	inc->n_alerts = 2;
	inc->n_firing = 1;
	inc->n_notes = 3;
	inc->silences = xcalloc(1, sizeof *inc->silences);
	inc->n_silences = 1;
	inc->silences[0] = (struct wr_silence){ xstrdup("8950bbce-0c9b"),
	    T0 + 7200000, xstrdup("alice"),
	    xstrdup("alertname=\"EdgeNodeDown\", service=\"edge\"") };
	inc->pm_version = 4;
	inc->pm_by = xstrdup("carol");
	inc->pm_at = T0 + 200;
	/* its escalation: a console that took a snapshot knows its step */
	inc->esc_since = T0 + 1;
	inc->esc_fired = 2;
	inc->esc_policy = xstrdup("checkout");
	inc->esc_target = xstrdup("bob, carol");
	inc->esc_steps = 3;
	inc->esc_next_at = T0 + 1200001;
	inc->assigned_by_policy = 1;
	inc->snooze_until = T0 + 7200000;
	return inc;
}

static void
roundtrip_incident(const struct wr_incident *inc, int with_alerts)
{
	json_t *o = proto_incident_to_json(inc, with_alerts);
	json_t *snap, *arr;
	struct wr_incident *back;
	char err[256] = "";
	int64_t seq;
	int last;

	/* through a snapshot frame, as incidents travel */
	assert_int_equal(json_array_append_new(arr = json_array(), o), 0);
	snap = through_wire(proto_snapshot_to_json(77, arr, 1), PROTO_SNAPSHOT);
	assert_int_equal(proto_snapshot_from_json(snap, &seq, &arr, &last, err,
	    sizeof err), 0);
	assert_int_equal(seq, 77);
	assert_int_equal(last, 1);
	assert_int_equal(json_array_size(arr), 1);
	if (proto_incident_from_json(json_array_get(arr, 0), &back, err,
	    sizeof err) != 0)
		fail_msg("decode: %s", err);
	json_decref(snap);
	if (with_alerts) {
		assert_incident_equal(inc, back);
	} else {
		assert_int_equal(back->alerts_len, 0);
		back->alerts_len = inc->alerts_len;
		back->alerts = inc->alerts;
		assert_incident_equal(inc, back);
		back->alerts = NULL;
		back->alerts_len = 0;
	}
	wr_incident_free(back);
}

static void
incident_round_trips_without_alerts(void **state)
{
	struct wr_incident *inc = sample_incident();
	json_t *o;

	roundtrip_incident(inc, 0);
	o = proto_incident_to_json(inc, 0);
	assert_null(json_object_get(o, "alerts"));
	assert_null(json_object_get(o, "resolved_at"));
	assert_string_equal(json_string_value(json_object_get(o, "state")),
	    "acknowledged");
	json_decref(o);
	/* resolved, nothing optional set */
	free(inc->ack_by);
	free(inc->assignee);
	free(inc->severity_raw);
	inc->ack_by = inc->assignee = inc->severity_raw = NULL;
	inc->ack_at = 0;
	inc->state = WR_ST_RESOLVED;
	inc->resolved_by = xstrdup("carol");
	inc->resolved_at = T0 + 500;
	roundtrip_incident(inc, 0);
	wr_incident_free(inc);
}

static void
incident_round_trips_with_alerts(void **state)
{
	struct wr_incident *inc = sample_incident();
	struct wr_alert *a;

	inc->alerts_cap = 2;
	inc->alerts = xcalloc(2, sizeof *inc->alerts);
	a = &inc->alerts[inc->alerts_len++];
	a->fingerprint = xstrdup("aaaa");
	a->starts = T0;
	a->firing = 0;
	a->ends = T0 + 50;
	a->last_seen = T0 + 50;
	wr_kvlist_add(&a->labels, "pod", "checkout-7f\x1b]52;c;eA==\x07");
	a = &inc->alerts[inc->alerts_len++];
	a->fingerprint = xstrdup("bbbb");
	a->starts = T0 + 10;
	a->firing = 1;
	a->last_seen = T0 + 90;
	wr_kvlist_add(&a->annotations, "summary", "p99 \xe2\x89\xa5 2s");
	roundtrip_incident(inc, 1);
	wr_incident_free(inc);
}

static void
incident_decoder_refuses_bad_members(void **state)
{
	struct wr_incident *inc = sample_incident(), *back;
	json_t *o = proto_incident_to_json(inc, 1);
	char err[256];

	json_object_set_new(o, "n_firing", json_integer(-1));
	assert_int_equal(proto_incident_from_json(o, &back, err, sizeof err), -1);
	assert_null(back);
	assert_non_null(strstr(err, "n_firing"));
	json_object_set_new(o, "n_firing", json_integer(1));
	json_object_set_new(o, "alerts", json_pack("[{s:s}]", "fingerprint",
	    "x"));
	assert_int_equal(proto_incident_from_json(o, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "alerts[0].starts"));
	json_object_set_new(o, "alerts", json_array());
	json_object_set_new(o, "state", json_string("on fire"));
	assert_int_equal(proto_incident_from_json(o, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "state"));
	json_object_set_new(o, "state", json_string("triggered"));
	/* silences: bounded in number and size, each member checked */
	json_object_set_new(o, "silences", json_pack("[{s:s,s:s,s:s}]", "id",
	    "x", "by", "a", "matchers", "a=\"b\""));
	assert_int_equal(proto_incident_from_json(o, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "silences[0].ends"));
	{
		json_t *many = json_array();

		for (int i = 0; i < 9; i++)
			json_array_append_new(many, json_pack("{s:s,s:s,s:s,s:s}",
			    "id", "x", "ends", "2026-11-27T15:57:08Z", "by", "a",
			    "matchers", "a=\"b\""));
		json_object_set_new(o, "silences", many);
	}
	assert_int_equal(proto_incident_from_json(o, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than 8"));
	json_decref(o);
	wr_incident_free(inc);
}

/* ---- hello, welcome, op, result --------------------------------------------- */

static void
hello_round_trips_with_and_without_resume_point(void **state)
{
	struct proto_hello h = { .user = "alice", .epoch = "9f3c0aa1b2c3d4e5",
		.seq = 1234, .from_now = 1, .client = "warroom/0.1.0" }, b;
	char err[256] = "";
	json_t *o = through_wire(proto_hello_to_json(&h), PROTO_HELLO);

	assert_int_equal(proto_hello_from_json(o, &b, err, sizeof err), 0);
	json_decref(o);
	assert_string_equal(b.user, "alice");
	assert_string_equal(b.epoch, h.epoch);
	assert_int_equal(b.seq, 1234);
	assert_int_equal(b.from_now, 1);
	assert_string_equal(b.client, "warroom/0.1.0");
	proto_hello_free(&b);

	/* nothing yet: epoch null (also for ""), seq 0 */
	h.epoch = "";
	h.seq = 0;
	h.from_now = 0;
	h.client = NULL;
	o = proto_hello_to_json(&h);
	assert_true(json_is_null(json_object_get(o, "epoch")));
	o = through_wire(o, PROTO_HELLO);
	assert_int_equal(proto_hello_from_json(o, &b, err, sizeof err), 0);
	assert_null(b.epoch);
	assert_int_equal(b.seq, 0);
	assert_int_equal(b.from_now, 0);
	assert_null(b.client);
	proto_hello_free(&b);

	/* a seq without an epoch is nonsense */
	json_object_set_new(o, "seq", json_integer(5));
	assert_int_equal(proto_hello_from_json(o, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "seq"));
	json_object_set_new(o, "seq", json_integer(0));
	json_object_set_new(o, "user", json_string(""));
	assert_int_equal(proto_hello_from_json(o, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "user"));
	json_decref(o);
}

static void
welcome_round_trips(void **state)
{
	struct proto_welcome w = { .epoch = "9f3c0aa1b2c3d4e5", .head = 900,
		.first = 1, .mode = "snapshot", .reason = "epoch changed",
		.heartbeat_ms = 10000, .server = "warroomd/0.1.0",
		.user = "alice", .token = "ops-console" }, b;
	char err[256] = "";
	json_t *o = through_wire(proto_welcome_to_json(&w), PROTO_WELCOME);

	assert_int_equal(proto_welcome_from_json(o, &b, err, sizeof err), 0);
	assert_string_equal(b.epoch, w.epoch);
	assert_int_equal(b.head, 900);
	assert_int_equal(b.first, 1);
	assert_string_equal(b.mode, "snapshot");
	assert_string_equal(b.reason, "epoch changed");
	assert_int_equal(b.heartbeat_ms, 10000);
	assert_string_equal(b.server, "warroomd/0.1.0");
	assert_string_equal(b.user, "alice");
	assert_string_equal(b.token, "ops-console");
	proto_welcome_free(&b);

	json_object_set_new(o, "mode", json_string("teleport"));
	assert_int_equal(proto_welcome_from_json(o, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "mode"));
	json_object_set_new(o, "mode", json_string("live"));
	json_object_set_new(o, "heartbeat_ms", json_integer(0));
	assert_int_equal(proto_welcome_from_json(o, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "heartbeat_ms"));
	assert_null(b.epoch);
	json_decref(o);
}

#define OP_HEAD "{\"type\":\"op\",\"op_id\":\"0123456789abcdef0123456789abcdef\","
#define OP_TAIL "\"incident\":42,\"epoch\":\"9f\",\"actor\":\"alice\""

static void
op_round_trips_for_every_kind(void **state)
{
	char id[33];
	char err[256] = "";

	assert_int_equal(proto_new_op_id(id), 0);
	for (int k = WR_OP_ACK; k < WR_OP_KIND_COUNT; k++) {
		struct proto_op op = { .op_id = id, .kind = (wr_op_kind)k,
			.incident = 42, .epoch = "9f3c0aa1b2c3d4e5",
			.actor = "alice" }, b;
		json_t *o;

		if (wr_op_kind_info((wr_op_kind)k)->scope != WR_SCOPE_INCIDENT)
			continue;	/* test_op_schedule_wide */
		if (k == WR_OP_NOTE)
			op.args.text = "looking \xe2\x80\x94 db-1 is at 97%";
		else if (k == WR_OP_ASSIGN)
			op.args.text = "bob";
		else if (k == WR_OP_SEV)
			op.args.text = "critical";
		else if (k == WR_OP_POSTMORTEM) {
			op.args.text = "# Postmortem\n\n- [ ] bob: a canary\n";
			op.args.base = 3;
		}
		o = through_wire(proto_op_to_json(&op), PROTO_OP);
		if (proto_op_from_json(o, &b, err, sizeof err) != 0)
			fail_msg("%s: %s", wr_op_kind_name(op.kind), err);
		json_decref(o);
		assert_string_equal(b.op_id, id);
		assert_int_equal(b.kind, k);
		assert_int_equal(b.incident, 42);
		assert_string_equal(b.epoch, op.epoch);
		assert_string_equal(b.actor, "alice");
		assert_str0_equal(b.args.text, op.args.text);
		assert_int_equal(b.args.base, op.args.base);
		assert_int_equal(b.made_at, 0);
		proto_op_free(&b);
	}
}

/*
 * An op says when it was made (the outbox keeps it, so a resend says the
 * same); a console from before made_at says nothing and its op still
 * decodes, with made_at 0 (the relay takes the arrival).
 */
static void
op_made_at_round_trips_and_may_be_absent(void **state)
{
	static const char old[] = OP_HEAD "\"op\":\"ack\"," OP_TAIL "}";
	struct proto_op op = { .op_id = "0123456789abcdef0123456789abcdef",
		.kind = WR_OP_ACK, .incident = 42, .epoch = "9f",
		.actor = "alice", .made_at = T0 - 180000 }, b;
	enum proto_type type;
	char err[256] = "", *text;
	json_t *o;

	(void)state;
	o = proto_op_to_json(&op);
	text = proto_dump(o, NULL);
	assert_non_null(strstr(text, "\"made_at\":\"2026-"));
	free(text);
	o = through_wire(o, PROTO_OP);
	if (proto_op_from_json(o, &b, err, sizeof err) != 0)
		fail_msg("%s", err);
	json_decref(o);
	assert_int_equal(b.made_at, T0 - 180000);
	proto_op_free(&b);

	o = proto_parse(old, strlen(old), &type, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(proto_op_from_json(o, &b, err, sizeof err), 0);
	assert_int_equal(b.made_at, 0);
	proto_op_free(&b);
	json_decref(o);
}

/* A made_at that is no time is the op's error (bad_op, naming made_at);
 * one in the future or long ago is a time, and the relay bounds it. */
static void
op_made_at_that_is_no_time_is_refused_naming_it(void **state)
{
	static const char future[] = OP_HEAD "\"op\":\"ack\"," OP_TAIL
	    ",\"made_at\":\"9999-12-31T23:59:59.999Z\"}";
	enum proto_type type;
	struct proto_op op;
	char err[256] = "";
	json_t *o;

	(void)state;
	op_refused(OP_HEAD "\"op\":\"ack\"," OP_TAIL
	    ",\"made_at\":\"yesterday\"}", "made_at");
	op_refused(OP_HEAD "\"op\":\"ack\"," OP_TAIL
	    ",\"made_at\":1795795091020}", "made_at");
	op_refused(OP_HEAD "\"op\":\"ack\"," OP_TAIL
	    ",\"made_at\":\"2026-13-45T99:00:00Z\"}", "made_at");
	op_refused(OP_HEAD "\"op\":\"ack\"," OP_TAIL
	    ",\"made_at\":\"9999-12-31T23:59:59-23:59\"}", "made_at");
	o = proto_parse(future, strlen(future), &type, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(proto_op_from_json(o, &op, err, sizeof err), 0);
	assert_int_equal(op.made_at, WR_TIME_MAX_MS);
	proto_op_free(&op);
	json_decref(o);
}

/* An event's made_at is optional: absent reads as 0, and one that is no
 * time is refused naming it. */
static void
event_made_at_is_optional_and_checked(void **state)
{
	struct wr_event e;

	(void)state;
	event_base(&e, WR_EV_ACKNOWLEDGED, 9);
	roundtrip_event(&e);
	e.made_at = T0 - 180000;
	roundtrip_event(&e);
	wr_event_free(&e);
	event_refused("{\"type\":\"event\",\"seq\":9,\"kind\":"
	    "\"acknowledged\",\"incident\":42,\"time\":"
	    "\"2026-11-27T15:57:08.771Z\",\"actor\":\"alice\","
	    "\"made_at\":\"soon\"}", "made_at");
}


static void
op_decoder_refuses_unknown_ops_bad_ids_and_missing_text(void **state)
{
	char big[PROTO_MAX_NOTE + 200];
	int n;

	op_refused(OP_HEAD "\"op\":\"nuke\"," OP_TAIL "}", "op");
	op_refused(OP_HEAD "\"op\":3," OP_TAIL "}", "op");
	op_refused(OP_HEAD "\"op\":\"note\"," OP_TAIL "}", "text");
	op_refused(OP_HEAD "\"op\":\"note\"," OP_TAIL ",\"text\":\"\"}",
	    "text");
	op_refused(OP_HEAD "\"op\":\"note\"," OP_TAIL ",\"text\":7}", "text");
	op_refused(OP_HEAD "\"op\":\"assign\"," OP_TAIL "}", "text");
	op_refused(OP_HEAD "\"op\":\"ack\",\"incident\":0,\"epoch\":\"9f\","
	    "\"actor\":\"alice\"}", "incident");
	op_refused(OP_HEAD "\"op\":\"ack\",\"incident\":\"42\",\"epoch\":\"9f\","
	    "\"actor\":\"alice\"}", "incident");
	op_refused(OP_HEAD "\"op\":\"ack\",\"incident\":42,\"epoch\":\"9f\","
	    "\"actor\":\"\"}", "actor");
	op_refused(OP_HEAD "\"op\":\"ack\",\"incident\":42,\"epoch\":\"9f\","
	    "\"actor\":\"a123456789a123456789a123456789a123456789a123456789"
	    "a123456789a12345\"}", "actor");
	op_refused(OP_HEAD "\"op\":\"ack\",\"incident\":42,"
	    "\"actor\":\"alice\"}", "epoch");

	/* op ids: wrong case, too short, too long, not hex, not a string */
	op_refused("{\"type\":\"op\",\"op_id\":\"0123456789ABCDEF0123456789abcdef\","
	    "\"op\":\"ack\"," OP_TAIL "}", "op_id");
	op_refused("{\"type\":\"op\",\"op_id\":\"0123456789abcdef0123456789abcde\","
	    "\"op\":\"ack\"," OP_TAIL "}", "op_id");
	op_refused("{\"type\":\"op\",\"op_id\":\"0123456789abcdef0123456789abcdef0\","
	    "\"op\":\"ack\"," OP_TAIL "}", "op_id");
	op_refused("{\"type\":\"op\",\"op_id\":\"0123456789abcdef0123456789abcdeg\","
	    "\"op\":\"ack\"," OP_TAIL "}", "op_id");
	op_refused("{\"type\":\"op\",\"op_id\":12,\"op\":\"ack\"," OP_TAIL "}",
	    "op_id");

	/* a note just over the limit, then one at it */
	n = snprintf(big, sizeof big, OP_HEAD "\"op\":\"note\"," OP_TAIL
	    ",\"text\":\"");
	memset(big + n, 'x', PROTO_MAX_NOTE + 1);
	strcpy(big + n + PROTO_MAX_NOTE + 1, "\"}");
	op_refused(big, "text");
	memmove(big + n + PROTO_MAX_NOTE, big + n + PROTO_MAX_NOTE + 1, 3);
	{
		enum proto_type type;
		struct proto_op op;
		char err[256];
		json_t *o = proto_parse(big, strlen(big), &type, err, sizeof err);

		assert_non_null(o);
		assert_int_equal(proto_op_from_json(o, &op, err, sizeof err), 0);
		assert_int_equal(strlen(op.args.text), PROTO_MAX_NOTE);
		proto_op_free(&op);
		json_decref(o);
	}
}

static void
result_round_trips_for_each_status(void **state)
{
	static const char id[] = "0123456789abcdef0123456789abcdef";
	struct proto_result applied = { .op_id = (char *)id,
		.status = "applied", .seq = 901 };
	struct proto_result noop = { .op_id = (char *)id, .status = "noop" };
	struct proto_result refused = { .op_id = (char *)id,
		.status = "refused", .code = "epoch",
		.reason = "incident 42 belongs to epoch 77aa" };
	struct proto_result b;
	char err[256] = "";
	json_t *o;

	o = through_wire(proto_result_to_json(&applied), PROTO_RESULT);
	assert_int_equal(proto_result_from_json(o, &b, err, sizeof err), 0);
	assert_string_equal(b.op_id, id);
	assert_string_equal(b.status, "applied");
	assert_int_equal(b.seq, 901);
	assert_null(b.code);
	proto_result_free(&b);
	json_object_del(o, "seq");
	assert_int_equal(proto_result_from_json(o, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "seq"));
	json_decref(o);

	o = through_wire(proto_result_to_json(&noop), PROTO_RESULT);
	assert_null(json_object_get(o, "seq"));
	assert_int_equal(proto_result_from_json(o, &b, err, sizeof err), 0);
	assert_string_equal(b.status, "noop");
	assert_int_equal(b.seq, 0);
	proto_result_free(&b);
	json_decref(o);

	o = through_wire(proto_result_to_json(&refused), PROTO_RESULT);
	assert_int_equal(proto_result_from_json(o, &b, err, sizeof err), 0);
	assert_string_equal(b.status, "refused");
	assert_string_equal(b.code, "epoch");
	assert_string_equal(b.reason, refused.reason);
	proto_result_free(&b);
	json_object_set_new(o, "status", json_string("maybe"));
	assert_int_equal(proto_result_from_json(o, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "status"));
	json_decref(o);
}

static void
small_messages_round_trip(void **state)
{
	const char *code, *reason, *op_id;
	char err[256] = "";
	int64_t v;
	json_t *o;

	o = through_wire(proto_caught_up_to_json(1234), PROTO_CAUGHT_UP);
	assert_int_equal(proto_caught_up_from_json(o, &v, err, sizeof err), 0);
	assert_int_equal(v, 1234);
	json_decref(o);

	o = through_wire(proto_ping_to_json("ping", T0), PROTO_PING);
	assert_int_equal(proto_ping_from_json(o, &v, err, sizeof err), 0);
	assert_int_equal(v, T0);
	json_decref(o);
	o = through_wire(proto_ping_to_json("pong", 5), PROTO_PONG);
	assert_int_equal(proto_ping_from_json(o, &v, err, sizeof err), 0);
	assert_int_equal(v, 5);
	json_decref(o);

	o = through_wire(proto_error_to_json(PROTO_ERR_UNKNOWN_INCIDENT,
	    "no incident 99", "0123456789abcdef0123456789abcdef"), PROTO_ERROR);
	assert_int_equal(proto_error_from_json(o, &code, &reason, &op_id, err,
	    sizeof err), 0);
	assert_string_equal(code, "unknown_incident");
	assert_string_equal(reason, "no incident 99");
	assert_string_equal(op_id, "0123456789abcdef0123456789abcdef");
	json_decref(o);
	o = through_wire(proto_error_to_json(PROTO_ERR_BAD_FRAME, "x", NULL),
	    PROTO_ERROR);
	assert_int_equal(proto_error_from_json(o, &code, &reason, &op_id, err,
	    sizeof err), 0);
	assert_null(op_id);
	json_decref(o);

	/* an empty snapshot (an empty log) is a snapshot at seq 0 */
	o = through_wire(proto_snapshot_to_json(0, NULL, 1), PROTO_SNAPSHOT);
	{
		json_t *arr;
		int last;

		assert_int_equal(proto_snapshot_from_json(o, &v, &arr, &last,
		    err, sizeof err), 0);
		assert_int_equal(json_array_size(arr), 0);
		json_object_set_new(o, "last", json_integer(1));
		assert_int_equal(proto_snapshot_from_json(o, &v, &arr, &last,
		    err, sizeof err), -1);
		assert_non_null(strstr(err, "last"));
		/* a frame without "events" (a relay older than them) has
		 * none */
		assert_null(proto_snapshot_events(o));
	}
	json_decref(o);

	/* A frame of history: its events as event messages, never the
	 * last; "events" that is not an array is refused. */
	{
		struct wr_event e = { .seq = 5, .kind = WR_EV_POSTMORTEM,
		    .incident = 4, .time = T0, .actor = (char *)"alice",
		    .text = (char *)"# v1\n", .version = 1 }, back;
		json_t *arr = json_array(), *incs;
		int last;

		json_array_append_new(arr, proto_event_to_json(&e));
		o = through_wire(proto_snapshot_history_to_json(9, arr),
		    PROTO_SNAPSHOT);
		assert_int_equal(proto_snapshot_from_json(o, &v, &incs, &last,
		    err, sizeof err), 0);
		assert_int_equal(v, 9);
		assert_int_equal(last, 0);
		assert_int_equal(json_array_size(incs), 0);
		arr = proto_snapshot_events(o);
		assert_non_null(arr);
		assert_int_equal(json_array_size(arr), 1);
		assert_int_equal(proto_event_from_json(json_array_get(arr, 0),
		    &back, err, sizeof err), 0);
		assert_int_equal(back.seq, 5);
		assert_int_equal(back.kind, WR_EV_POSTMORTEM);
		assert_string_equal(back.text, "# v1\n");
		assert_int_equal(back.version, 1);
		wr_event_free(&back);
		json_object_set_new(o, "events", json_integer(1));
		assert_int_equal(proto_snapshot_from_json(o, &v, &incs, &last,
		    err, sizeof err), -1);
		assert_non_null(strstr(err, "events"));
		json_decref(o);
	}
}

/* ---- the direct event writer (proto_event_dump) ----------------------------- */

struct hostile {
	char **name, **text;
	size_t n;
};

/* The fixture's strings that are C strings ("nul-escaped" is not). */
static void
hostile_load(struct hostile *h)
{
	json_error_t je;
	json_t *cases, *c;
	size_t i;

	memset(h, 0, sizeof *h);
	cases = json_load_file(STRINGS_JSON, JSON_ALLOW_NUL, &je);
	if (cases == NULL)
		fail_msg("%s: %s", STRINGS_JSON, je.text);
	h->name = xcalloc(json_array_size(cases), sizeof *h->name);
	h->text = xcalloc(json_array_size(cases), sizeof *h->text);
	json_array_foreach(cases, i, c) {
		json_t *t = json_object_get(c, "text");
		const char *name = json_string_value(json_object_get(c, "name"));

		if (name == NULL || !json_is_string(t) ||
		    strlen(json_string_value(t)) != json_string_length(t))
			continue;
		h->name[h->n] = xstrdup(name);
		h->text[h->n] = xstrdup(json_string_value(t));
		h->n++;
	}
	json_decref(cases);
	assert_true(h->n > 5);
}

static void
hostile_free(struct hostile *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->name[i]);
		free(h->text[i]);
	}
	free(h->name);
	free(h->text);
}

/* One event of kind k with exactly the members its kind sends, hostile
 * text wherever a string goes. */
static void
hostile_event(struct wr_event *e, wr_event_kind k, const struct hostile *h)
{
	char *all;
	size_t len = 0;

	event_base(e, k, 100 + k);
	free(e->actor);
	e->actor = xstrdup(h->text[k % h->n]);
	free(e->via);
	e->via = xstrdup(h->text[(k + 1) % h->n]);
	switch (k) {
	case WR_EV_TRIGGERED:
		e->source = xstrdup("alertmanager");
		e->key = xstrdup(h->text[0]);
		e->title = xstrdup(h->text[1]);
		e->service = xstrdup(h->text[2]);
		e->severity = WR_SEV_INFO;
		e->severity_raw = xstrdup(h->text[3]);
		break;
	case WR_EV_ALERT_FIRING:
		e->alert.fingerprint = xstrdup("d3b07384d113edec");
		e->alert.starts = T0 - 60000;
		e->alert.ends = T0 + 5;
		e->alert.firing = 1;
		e->alert.last_seen = e->time;
		wr_kvlist_add(&e->alert.labels, "alertname", "DiskFull");
		wr_kvlist_add(&e->alert.labels, "", "empty name");
		for (size_t i = 0; i < h->n; i++) {
			wr_kvlist_add(&e->alert.labels, h->text[i], h->name[i]);
			wr_kvlist_add(&e->alert.labels, h->name[i], h->text[i]);
			wr_kvlist_add(&e->alert.annotations, h->name[i],
			    h->text[i]);
		}
		assert_true(e->alert.labels.n > 16);	/* the sorted check */
		break;
	case WR_EV_ALERT_RESOLVED:
		e->alert.fingerprint = xstrdup(h->text[4]);
		e->alert.starts = T0 - 60000;
		e->alert.ends = T0 - 5;
		break;
	case WR_EV_NOTE:
		for (size_t i = 0; i < h->n; i++)
			len += strlen(h->text[i]) + 1;
		all = xcalloc(1, len + 1);
		for (size_t i = 0; i < h->n; i++) {
			strcat(all, h->text[i]);
			strcat(all, "\n");
		}
		e->text = all;
		break;
	case WR_EV_ASSIGNED:
		e->text = xstrdup(h->text[5]);
		break;
	case WR_EV_RETITLED:
		e->title = xstrdup(h->text[h->n - 1]);
		break;
	case WR_EV_SILENCED:
	case WR_EV_SILENCE_CHANGED:
		e->silence_id = xstrdup(h->text[6 % h->n]);
		e->matchers = xstrdup(h->text[7 % h->n]);
		e->ends = T0 + 7200000;
		if (k == WR_EV_SILENCED) {
			e->text = xstrdup(h->text[8 % h->n]);
			e->duration = 7200000;
		} else
			e->new_silence_id = xstrdup(h->text[10 % h->n]);
		break;
	case WR_EV_UNSILENCED:
	case WR_EV_SILENCE_EXPIRED:
		e->silence_id = xstrdup(h->text[9 % h->n]);
		if (k == WR_EV_SILENCE_EXPIRED)
			e->ends = T0 - 5;
		break;
	case WR_EV_POSTMORTEM:
		/* a document with every hostile string in it, and numbers */
		for (size_t i = 0; i < h->n; i++)
			len += strlen(h->text[i]) + 3;
		all = xcalloc(1, len + 1);
		for (size_t i = 0; i < h->n; i++) {
			strcat(all, "- ");
			strcat(all, h->text[i]);
			strcat(all, "\n");
		}
		e->text = all;
		e->version = 4;
		e->base = 2;
		break;
	case WR_EV_NOTIFIED:
		e->person = xstrdup(h->text[6 % h->n]);
		e->notifier = xstrdup(h->text[7 % h->n]);
		e->text = xstrdup(h->text[8 % h->n]);
		e->count = 3;
		e->next_at = T0 + 30000;
		break;
	case WR_EV_POLICY_ASSIGNED:
	case WR_EV_ESCALATED:
		e->text = xstrdup(h->text[6 % h->n]);
		e->policy = xstrdup(h->text[7 % h->n]);
		e->why = xstrdup(h->text[8 % h->n]);
		e->step = 2;
		e->steps = 3;
		e->round = 1;
		e->next_at = T0 + 600000;
		break;
	case WR_EV_ACK_EXPIRED:
		e->policy = xstrdup(h->text[9 % h->n]);
		e->after_ms = 1800000;
		break;
	case WR_EV_SNOOZED:
		e->until = T0 + 3600000;
		break;
	default:
		break;
	}
	/* a schedule-wide kind: no incident, its names and reason hostile */
	if (wr_event_kind_info(k)->scope == WR_SCOPE_SCHEDULE) {
		wr_evf f = wr_event_kind_info(k)->fields;

		e->incident = 0;
		e->schedule = xstrdup(h->text[6 % h->n]);
		e->person = (f & WR_EVF(PERSON)) ?
		    xstrdup(h->text[7 % h->n]) : NULL;
		e->from = T0 + 3600000;
		e->until = T0 + 7200000;
		if (f & WR_EVF(REASON))
			e->text = xstrdup(h->text[8 % h->n]);
		if (f & WR_EVF(REF))
			e->ref = 4812;
	}
}

/* Parse a frame and decode it as an event (must succeed). */
static void
decode_frame(const char *text, size_t len, struct wr_event *out)
{
	enum proto_type type;
	char err[256] = "";
	json_t *o = proto_parse(text, len, &type, err, sizeof err);

	if (o == NULL)
		fail_msg("parse: %s", err);
	assert_int_equal(type, PROTO_EVENT);
	if (proto_event_from_json(o, out, err, sizeof err) != 0)
		fail_msg("decode: %s", err);
	json_decref(o);
}

/* Whether the direct writer makes e's frame itself (1) or leaves it to
 * jansson (0); on 1 it must be what proto_event_dump() gives. */
static int
written_directly(const struct wr_event *e)
{
	struct jbuf b;
	size_t len;
	char *fast;
	int rc;

	jbuf_init(&b, 0);
	jbuf_raw(&b, "x", 1);
	rc = proto_event_write(&b, e);
	if (rc == -1) {
		assert_int_equal(b.len, 1);
		jbuf_free(&b);
		return 0;
	}
	assert_int_equal(rc, 0);
	fast = proto_event_dump(e, &len);
	assert_int_equal(b.len, len + 1);
	assert_memory_equal(b.p + 1, fast, len);
	free(fast);
	jbuf_free(&b);
	return 1;
}

/* The fast frame must be the jansson frame, byte for byte; when decode is
 * set both must decode, to the same event.  Returns the fast frame. */
static char *
fast_equals_jansson(const struct wr_event *e, int decode, size_t *lenp)
{
	size_t l1 = 0, l2 = 0;
	char *fast = proto_event_dump(e, &l1);
	json_t *o = proto_event_to_json(e);
	char *slow = proto_dump(o, &l2);

	json_decref(o);
	assert_non_null(fast);
	assert_non_null(slow);
	assert_int_equal(l1, strlen(fast));
	if (l1 != l2 || memcmp(fast, slow, l1) != 0)
		fail_msg("fast frame differs:\n%s\n%s", fast, slow);
	if (decode) {
		struct wr_event a, b;

		decode_frame(fast, l1, &a);
		decode_frame(slow, l2, &b);
		assert_event_equal(&a, &b);
		wr_event_free(&a);
		wr_event_free(&b);
	}
	free(slow);
	if (lenp != NULL)
		*lenp = l1;
	return fast;
}

static void
event_dump_is_the_jansson_frame_for_every_kind(void **state)
{
	struct hostile h;
	struct wr_event e, back;

	hostile_load(&h);
	for (int k = 1; k < WR_EV_KIND_COUNT; k++) {
		size_t len;
		char *fast;

		hostile_event(&e, (wr_event_kind)k, &h);
		assert_true(written_directly(&e));
		fast = fast_equals_jansson(&e, 1, &len);
		/* and it decodes to the event, field by field */
		decode_frame(fast, len, &back);
		assert_event_equal(&e, &back);
		wr_event_free(&back);
		free(fast);

		/* optional members left out, ends not set */
		free(e.via);
		free(e.op_id);
		e.via = e.op_id = NULL;
		free(e.severity_raw);
		e.severity_raw = NULL;
		if (k == WR_EV_ALERT_FIRING)
			e.alert.ends = 0;
		assert_true(written_directly(&e));
		fast = fast_equals_jansson(&e, 1, &len);
		decode_frame(fast, len, &back);
		assert_event_equal(&e, &back);
		wr_event_free(&back);
		free(fast);
		wr_event_free(&e);
	}
	hostile_free(&h);
}

static void
event_dump_falls_back_where_jansson_changes_the_text(void **state)
{
	struct wr_event e, back;
	size_t len;
	char *fast;

	/* text that is not UTF-8: U+FFFD, as proto_event_to_json sends */
	event_base(&e, WR_EV_NOTE, 30);
	e.text = xstrdup("bad \xff byte \xc3 and \xed\xa0\x80 surrogate");
	assert_false(written_directly(&e));
	fast = fast_equals_jansson(&e, 1, &len);
	decode_frame(fast, len, &back);
	assert_string_equal(back.text, "bad \xef\xbf\xbd byte \xef\xbf\xbd and "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate");
	wr_event_free(&back);
	free(fast);
	wr_event_free(&e);

	/* a label name and an annotation value that are not UTF-8 */
	event_base(&e, WR_EV_ALERT_FIRING, 31);
	e.alert.fingerprint = xstrdup("f");
	e.alert.starts = T0;
	wr_kvlist_add(&e.alert.labels, "ok", "fine");
	wr_kvlist_add(&e.alert.labels, "bad\xc0", "v");
	wr_kvlist_add(&e.alert.annotations, "summary", "\xf5 high");
	assert_false(written_directly(&e));
	free(fast_equals_jansson(&e, 1, NULL));
	wr_kvlist_free(&e.alert.labels);
	wr_kvlist_add(&e.alert.labels, "ok", "fine");
	assert_false(written_directly(&e));
	free(fast_equals_jansson(&e, 1, NULL));
	wr_kvlist_free(&e.alert.annotations);
	assert_true(written_directly(&e));
	wr_event_free(&e);

	/* a repeated label name: one member, never a duplicate key */
	event_base(&e, WR_EV_ALERT_FIRING, 32);
	e.alert.fingerprint = xstrdup("f");
	e.alert.starts = T0;
	wr_kvlist_add(&e.alert.labels, "zeta", "first");
	wr_kvlist_add(&e.alert.labels, "alertname", "A");
	wr_kvlist_add(&e.alert.labels, "zeta", "again");
	assert_false(written_directly(&e));
	fast = fast_equals_jansson(&e, 1, &len);
	decode_frame(fast, len, &back);
	assert_int_equal(back.alert.labels.n, 2);
	wr_event_free(&back);
	free(fast);
	/* and in a list long enough to be checked sorted */
	wr_kvlist_free(&e.alert.labels);
	for (int i = 0; i < 40; i++) {
		char k[16];

		snprintf(k, sizeof k, "k%02d", 39 - i);
		wr_kvlist_add(&e.alert.annotations, k, "v");
	}
	assert_true(written_directly(&e));
	free(fast_equals_jansson(&e, 1, NULL));
	wr_kvlist_add(&e.alert.annotations, "k17", "again");
	assert_false(written_directly(&e));
	free(fast_equals_jansson(&e, 1, NULL));
	wr_event_free(&e);

	/* NULLs: a NULL name is "" (so it repeats ""), NULL values and a
	 * NULL actor are "" */
	event_base(&e, WR_EV_ALERT_FIRING, 33);
	e.alert.starts = T0;
	wr_kvlist_add(&e.alert.labels, "", "x");
	wr_kvlist_add(&e.alert.labels, "y", "y");
	free(e.alert.labels.v[1].value);
	e.alert.labels.v[1].value = NULL;
	free(e.actor);
	e.actor = NULL;
	assert_true(written_directly(&e));
	free(fast_equals_jansson(&e, 0, NULL));
	free(e.alert.labels.v[0].key);
	e.alert.labels.v[0].key = NULL;
	assert_true(written_directly(&e));
	free(fast_equals_jansson(&e, 0, NULL));
	wr_kvlist_add(&e.alert.labels, "", "z");
	assert_false(written_directly(&e));
	free(fast_equals_jansson(&e, 0, NULL));
	wr_event_free(&e);

	/* odd kinds, severities and times are the same either way */
	event_base(&e, WR_EV_NONE, 34);
	assert_true(written_directly(&e));
	free(fast_equals_jansson(&e, 0, NULL));
	e.kind = WR_EV_KIND_COUNT;
	free(fast_equals_jansson(&e, 0, NULL));
	e.kind = WR_EV_TRIGGERED;
	e.severity = (wr_severity)99;
	e.time = 0;
	e.seq = INT64_MAX;
	e.incident = INT64_MIN;
	free(fast_equals_jansson(&e, 0, NULL));
	e.time = -1;
	assert_true(written_directly(&e));
	free(fast_equals_jansson(&e, 0, NULL));
	wr_event_free(&e);
}

/*
 * Every kind of the table (core/model.h), with every field its row names
 * set, goes through the wire and back unchanged, and the direct writer
 * gives the jansson text: a new row needs no new codec code.
 */
static void
every_kind_of_the_table_round_trips(void **state)
{
	size_t n;
	const struct wr_event_field *f = wr_event_fields(&n);

	(void)state;
	for (int k = 1; k < WR_EV_KIND_COUNT; k++) {
		wr_evf fields = wr_event_kind_info((wr_event_kind)k)->fields;
		struct wr_event e;
		json_t *o;
		char *a, *b;

		memset(&e, 0, sizeof e);
		e.seq = 7;
		e.kind = (wr_event_kind)k;
		/* a schedule-wide kind names no incident */
		e.incident = wr_event_kind_info(e.kind)->scope ==
		    WR_SCOPE_INCIDENT ? 3 : 0;
		e.time = T0;
		e.actor = xstrdup("alice");
		e.via = xstrdup("console-a");
		for (size_t i = 0; i < n; i++) {
			char **sp = (char **)((char *)&e + f[i].offset);

			if (!(fields & f[i].flag))
				continue;
			switch (f[i].type) {
			case WR_FT_STR:
			case WR_FT_OPT_STR:
				if (*sp == NULL)
					*sp = xasprintf("%s of %s", f[i].wire,
					    wr_event_kind_name(e.kind));
				break;
			case WR_FT_SEV:
				e.severity = WR_SEV_ERROR;
				break;
			case WR_FT_TIME:
				*(int64_t *)((char *)&e + f[i].offset) =
				    T0 + 60000 * (int64_t)i;
				break;
			case WR_FT_ALERT:
				e.alert.fingerprint = xstrdup("fp1");
				e.alert.starts = T0 - 1000;
				e.alert.firing = 1;
				e.alert.last_seen = T0;
				wr_kvlist_add(&e.alert.labels, "alertname", "X");
				wr_kvlist_add(&e.alert.annotations, "s", "y");
				break;
			case WR_FT_ALERT_END:
				e.alert.fingerprint = xstrdup("fp1");
				e.alert.starts = T0 - 1000;
				e.alert.ends = T0 - 10;
				break;
			case WR_FT_INT:
				*(int64_t *)((char *)&e + f[i].offset) = 15;
				break;
			case WR_FT_OPT_TIME:
				*(int64_t *)((char *)&e + f[i].offset) =
				    T0 - 180000;
				break;
			}
		}
		roundtrip_event(&e);
		o = proto_event_to_json(&e);
		a = proto_dump(o, NULL);
		json_decref(o);
		b = proto_event_dump(&e, NULL);
		assert_string_equal(a, b);
		free(a);
		free(b);
		wr_event_free(&e);
	}
}

/* ---- what the relay commits, every console decodes ---------------------- */

struct trip {
	struct wr_room relay, console;
	size_t events, bodies;
	size_t by_kind[WR_EV_KIND_COUNT];
};

/* Number e, apply it to the relay's room, send it with the relay's
 * encoder, read it with the console's decoder: the same event, which the
 * console's room takes. */
static void
trip_event(struct trip *t, struct wr_event *e, const char *file)
{
	enum proto_type type;
	struct wr_event back;
	char err[256] = "";
	size_t len;
	char *frame;
	json_t *o;

	e->seq = t->relay.last_seq + 1;
	if (wr_room_apply(&t->relay, e, err, sizeof err) != WR_APPLY_OK)
		fail_msg("%s: relay refused its own event: %s", file, err);
	assert_int_equal(proto_event_check(e, err, sizeof err), 0);
	frame = proto_event_dump(e, &len);
	if (frame == NULL)
		fail_msg("%s: event %lld (%s) cannot be encoded", file,
		    (long long)e->seq, wr_event_kind_name(e->kind));
	o = proto_parse(frame, len, &type, err, sizeof err);
	if (o == NULL || type != PROTO_EVENT)
		fail_msg("%s: %s: %s", file, frame, err);
	if (proto_event_from_json(o, &back, err, sizeof err) != 0)
		fail_msg("%s: console cannot decode %s: %s", file, frame, err);
	assert_event_equal(e, &back);
	if (wr_room_apply(&t->console, &back, err, sizeof err) != WR_APPLY_OK)
		fail_msg("%s: console refused %s: %s", file, frame, err);
	t->events++;
	t->by_kind[e->kind]++;
	wr_event_free(&back);
	json_decref(o);
	free(frame);
}

static void
trip_planned(struct trip *t, struct wr_evlist *ev, size_t from,
    const char *file)
{
	for (size_t i = from; i < ev->n; i++)
		trip_event(t, &ev->v[i], file);
}

/* One body through its adapter and the reducer, as the relay does. */
static void
trip_body(struct trip *t, const char *path, int events_v2, int64_t now)
{
	struct ingest_ctx ctx = { now, NULL };
	struct ingest_result res;
	struct wr_evlist ev = { 0 };
	char err[256], **errors = NULL;
	size_t len, n_errors = 0;
	char *body = slurp(path, &len);
	int rc = events_v2 ? ingest_events_v2(body, len, &ctx, &res, err,
	    sizeof err, &errors, &n_errors) : ingest_alertmanager(body, len,
	    &ctx, &res, err, sizeof err);

	free(body);
	ingest_errors_free(errors, n_errors);
	if (rc != 0)
		return;		/* not a body this adapter takes */
	t->bodies++;
	for (size_t g = 0; g < res.n_groups; g++) {
		struct wr_group_input in;
		size_t from = ev.n;

		ingest_group_input(&res.groups[g], now, "fixture-token", &in);
		wr_room_plan_group(&t->relay, &in, &ev, NULL);
		trip_planned(t, &ev, from, path);
	}
	for (size_t a = 0; a < res.n_actions; a++) {
		struct wr_action_input in = {
			.source = INGEST_SOURCE_EVENTS_V2,
			.key = res.actions[a].key, .kind = res.actions[a].kind,
			.actor = INGEST_SOURCE_EVENTS_V2,
			.via = "fixture-token", .now = now
		};
		size_t from = ev.n;

		wr_room_plan_action(&t->relay, &in, &ev);
		trip_planned(t, &ev, from, path);
	}
	wr_evlist_free(&ev);
	ingest_result_free(&res);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .json body of dir, in name order (resolves after triggers). */
static void
trip_dir(struct trip *t, const char *dir, int events_v2, int64_t *now)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL)
		fail_msg("cannot open %s (run from the repository root)", dir);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i < n; i++) {
		trip_body(t, names[i], events_v2, *now);
		*now += 1000;
		free(names[i]);
	}
	free(names);
}

/*
 * Section A of issue 8: an event the relay has committed is always one
 * every console can decode.  Every event the adapters and the reducer
 * make of every fixture under tests/fixtures (Alertmanager, Grafana,
 * Alertmanager's real deliveries, hostile text, Events v2 senders) goes
 * through the relay's encoder and the console's decoder and comes back
 * equal, and the console's room takes it.
 */
static void
every_fixture_event_survives_the_wire(void **state)
{
	struct trip *t = xcalloc(1, sizeof *t);
	int64_t now = INT64_C(1764621000000);

	(void)state;
	wr_room_init(&t->relay, 1);
	wr_room_init(&t->console, 0);
	trip_dir(t, "tests/fixtures/alertmanager", 0, &now);
	trip_dir(t, "tests/fixtures/alertmanager-real", 0, &now);
	trip_dir(t, "tests/fixtures/grafana-webhook", 0, &now);
	trip_dir(t, "tests/fixtures/hostile", 0, &now);
	trip_dir(t, "tests/fixtures/pagerduty-events-v2", 1, &now);
	/* and what people do to them: every op kind, on every incident */
	for (int64_t id = 1; id < t->relay.next_id; id++) {
		static const struct { wr_op_kind k; const char *text; } ops[] = {
			{ WR_OP_ACK, NULL }, { WR_OP_NOTE, "looking \xe2\x80\x94 ok" },
			{ WR_OP_ASSIGN, "bob" }, { WR_OP_SEV, "critical" },
			{ WR_OP_UNACK, NULL }, { WR_OP_RESOLVE, NULL },
			{ WR_OP_REOPEN, NULL },
		};
		for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
			struct wr_op op = { .kind = ops[i].k, .incident = id,
			    .actor = "alice", .via = "console-token",
			    .op_id = "0123456789abcdef0123456789abcdef",
			    .args = &(struct wr_event){
				.text = (char *)ops[i].text }, .now = now };
			struct wr_event e;
			char err[128];

			if (wr_room_plan_op(&t->relay, &op, &e, err,
			    sizeof err) == WR_PLAN_EVENT) {
				trip_event(t, &e, "ops");
				wr_event_free(&e);
			}
			now += 10;
		}
	}
	print_message("%zu bodies, %zu events through the wire\n", t->bodies,
	    t->events);
	assert_true(t->bodies >= 25);
	assert_true(t->by_kind[WR_EV_TRIGGERED] >= 10);
	assert_true(t->by_kind[WR_EV_ALERT_FIRING] >= 50);
	assert_true(t->by_kind[WR_EV_ALERT_RESOLVED] >= 1);
	assert_true(t->by_kind[WR_EV_TRUNCATED] >= 1);
	assert_true(t->by_kind[WR_EV_RETITLED] >= 1);
	for (int k = WR_EV_ACKNOWLEDGED; k <= WR_EV_ASSIGNED; k++)
		assert_true(t->by_kind[k] >= 1);
	assert_true(t->by_kind[WR_EV_SEVERITY_SET] >= 1);
	assert_int_equal(t->console.last_seq, t->relay.last_seq);
	for (int64_t id = 1; id < t->relay.next_id; id++) {
		const struct wr_incident *a = wr_room_get(&t->relay, id);
		const struct wr_incident *b = wr_room_get(&t->console, id);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(a->state, b->state);
		assert_int_equal(a->severity, b->severity);
		assert_int_equal(a->n_firing, b->n_firing);
		assert_int_equal(a->n_alerts, b->n_alerts);
	}
	wr_room_free(&t->relay);
	wr_room_free(&t->console);
	free(t);
}

/* A time no console can read back is neither encoded nor decoded. */
static void
times_outside_the_years_are_refused_both_ways(void **state)
{
	struct wr_event e;
	enum proto_type type;
	char err[256] = "";
	json_t *o;

	(void)state;
	memset(&e, 0, sizeof e);
	e.seq = 1;
	e.kind = WR_EV_NOTE;
	e.incident = 1;
	e.actor = "alice";
	e.text = "x";
	e.time = WR_TIME_MAX_MS;
	assert_int_equal(proto_event_check(&e, err, sizeof err), 0);
	e.time = WR_TIME_MAX_MS + 1;	/* 10000-01-01T00:00:00.000Z */
	assert_int_equal(proto_event_check(&e, err, sizeof err), -1);
	assert_non_null(strstr(err, "time"));
	assert_null(proto_event_dump(&e, NULL));
	e.time = WR_TIME_MIN_MS - 1;	/* 0001-12-31: would read back as 0 */
	assert_null(proto_event_dump(&e, NULL));
	e.time = T0;
	e.kind = WR_EV_ALERT_RESOLVED;
	e.alert.fingerprint = "f";
	e.alert.ends = INT64_C(-70000000000000);
	assert_int_equal(proto_event_check(&e, err, sizeof err), -1);
	assert_non_null(strstr(err, "alert.ends"));

	o = proto_parse("{\"type\":\"event\",\"seq\":1,\"kind\":\"note\","
	    "\"incident\":1,\"time\":\"9999-12-31T23:59:59-23:59\","
	    "\"actor\":\"a\",\"text\":\"x\"}", 109, &type, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(proto_event_from_json(o, &e, err, sizeof err), -1);
	assert_non_null(strstr(err, "outside the years 0000-9999"));
	json_decref(o);
}

/* ---- op ids ------------------------------------------------------------------ */

static void
op_ids_are_32_lowercase_hex_and_differ(void **state)
{
	char a[33], b[33];

	assert_int_equal(proto_new_op_id(a), 0);
	assert_int_equal(proto_new_op_id(b), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_true(proto_op_id_valid(a));
	assert_true(proto_op_id_valid(b));
	assert_string_not_equal(a, b);

	assert_false(proto_op_id_valid(NULL));
	assert_false(proto_op_id_valid(""));
	assert_false(proto_op_id_valid("0123456789abcdef0123456789abcdeF"));
	assert_false(proto_op_id_valid("0123456789abcdef0123456789abcde"));
	assert_false(proto_op_id_valid("0123456789abcdef0123456789abcdef "));
}

/* ---- schedules --------------------------------------------------------------- */

/* A zone for any name: one hour east of UTC (the test needs no zoneinfo);
 * "Nowhere/Zone" is one the console does not have. */
static struct wr_zone *
plus_one(void *ud, const char *name, char **cause)
{
	(void)ud;
	if (strcmp(name, "Nowhere/Zone") == 0) {
		*cause = xasprintf("unknown time zone %s", name);
		return NULL;
	}
	return wr_zone_fixed(name, 3600);
}

static struct wr_schedule *
sample_schedule(const char *name)
{
	struct wr_schedule *s = wr_schedule_new(name, wr_zone_fixed("Test/One",
	    3600));
	struct wr_layer *l = wr_schedule_add_layer(s, "weekly");
	struct wr_restrict r = { .days = 0x1f, .start = 9 * 3600,
	    .end = 18 * 3600 };
	char *cause = NULL;

	assert_int_equal(wr_schedule_parse_turn("1w", &l->turn, &cause), 0);
	assert_int_equal(wr_schedule_parse_start("2026-03-02T09:00", &l->start,
	    &cause), 0);
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "alice");
	wr_schedule_add_person(l, "bob");
	l = wr_schedule_add_layer(s, "nights");
	assert_int_equal(wr_schedule_parse_turn("1d", &l->turn, &cause), 0);
	assert_int_equal(wr_schedule_parse_start("2026-03-01T20:00:30",
	    &l->start, &cause), 0);
	l->has_turn = l->has_start = 1;
	wr_schedule_add_person(l, "carol");
	r.days = 0x7f;
	r.start = 20 * 3600;
	r.end = 8 * 3600;	/* crosses midnight */
	wr_schedule_add_restrict(l, &r);
	/* and a layer of explicit shifts, as an iCalendar file gives
	 * (seconds): erin for a day, frank for half of the next; before,
	 * the frame sent it as rotation_s 0 and consoles refused it all */
	{
		struct wr_shift sh[] = {
			{ "erin", 1772900000, 1772986400 },
			{ "frank", 1772986400, 1773029600 },
		};

		wr_schedule_set_shifts(wr_schedule_add_layer(s, "ical"), sh,
		    2);
	}
	wr_schedule_add_override(s, "0123456789abcdef0123456789abcdef",
	    "dave", 1773000000000LL, 1773007200000LL);
	return s;
}

static void
schedules_round_trip_to_the_same_answers(void **state)
{
	struct wr_schedule *a = sample_schedule("primary"),
	    *b = sample_schedule("secondary");
	const struct wr_schedule *v[] = { a, b };
	struct proto_schedules got;
	char err[256], *text;
	json_t *o, *back;
	enum proto_type type;

	(void)state;
	wr_schedule_add_cover(a, "4812", "bob", 1772960400000LL,
	    1773046800000LL, "at a wedding");
	wr_schedule_add_cover(a, "4813", "carol", 1772960400000LL,
	    1773046800000LL, NULL);
	o = proto_schedules_to_json(v, 2, NULL, 0);
	text = proto_dump(o, NULL);
	back = proto_parse(text, strlen(text), &type, err, sizeof err);
	assert_non_null(back);
	assert_int_equal(type, PROTO_SCHEDULES);
	assert_int_equal(proto_schedules_from_json(back, plus_one, NULL, &got,
	    err, sizeof err), 0);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.v[0].name, "primary");
	assert_string_equal(got.v[0].timezone, "Test/One");
	assert_null(got.v[0].problem);
	assert_non_null(got.v[0].s);
	assert_int_equal(got.v[0].s->n_layers, 3);
	assert_int_equal(got.v[0].s->layers[1].start % 60, 30);
	assert_true(got.v[0].s->layers[2].fixed);
	assert_int_equal(got.v[0].s->layers[2].n_shifts, 2);
	assert_int_equal(got.v[0].s->n_overrides, 1);
	/* the open cover requests come along; a schedule without any
	 * sends none (the frame reads as it did before them) */
	assert_int_equal(got.v[0].s->n_covers, 2);
	assert_string_equal(got.v[0].s->covers[0].id, "4812");
	assert_string_equal(got.v[0].s->covers[0].by, "bob");
	assert_string_equal(got.v[0].s->covers[0].reason, "at a wedding");
	assert_int_equal(got.v[0].s->covers[0].from, a->covers[0].from);
	assert_int_equal(got.v[0].s->covers[0].until, a->covers[0].until);
	assert_null(got.v[0].s->covers[1].reason);
	assert_int_equal(got.v[1].s->n_covers, 0);
	assert_non_null(json_object_get(json_array_get(json_object_get(o,
	    "schedules"), 0), "cover_requests"));
	assert_null(json_object_get(json_array_get(json_object_get(o,
	    "schedules"), 1), "cover_requests"));
	/* the same answers every 17 minutes over three weeks */
	for (int64_t t = 1772600000000LL; t < 1772600000000LL +
	    21LL * 86400000; t += 17 * 60000) {
		struct wr_oncall x, y;

		wr_schedule_at(a, t, &x);
		wr_schedule_at(got.v[0].s, t, &y);
		assert_int_equal(x.source, y.source);
		assert_int_equal(x.since, y.since);
		assert_int_equal(x.until, y.until);
		if (x.person == NULL)
			assert_null(y.person);
		else
			assert_string_equal(x.person, y.person);
	}
	proto_schedules_free(&got);
	free(text);
	json_decref(o);
	json_decref(back);
	wr_schedule_free(a);
	wr_schedule_free(b);
}

static void
schedules_decoder_refuses_bad_definitions_naming_the_member(void **state)
{
	static const struct {
		const char *frame, *reason;
	} bad[] = {
		{ "{\"type\":\"schedules\"}", "schedules: missing" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[{\"name\":\"l\","
		  "\"rotation_s\":5400,\"start\":\"2026-03-02T09:00\","
		  "\"participants\":[\"a\"],\"restrict\":[]}],"
		  "\"overrides\":[]}]}",
		  "schedules[0].layers[0].rotation_s: not whole hours" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[{\"name\":\"l\","
		  "\"rotation_s\":3600,\"start\":\"2026-02-30T09:00\","
		  "\"participants\":[\"a\"],\"restrict\":[]}],"
		  "\"overrides\":[]}]}", "start" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[{\"name\":\"l\","
		  "\"rotation_s\":3600,\"start\":\"2026-03-02T09:00\","
		  "\"participants\":[],\"restrict\":[]}],"
		  "\"overrides\":[]}]}", "no participants" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[{\"name\":\"l\","
		  "\"rotation_s\":3600,\"start\":\"2026-03-02T09:00\","
		  "\"participants\":[\"a\"],\"restrict\":[{\"days\":0,"
		  "\"start\":0,\"end\":60}]}],\"overrides\":[]}]}", "days" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[],\"overrides\":[{\"id\":"
		  "\"x\",\"person\":\"a\",\"from\":\"2026-03-02T10:00:00.000Z\","
		  "\"until\":\"2026-03-02T09:00:00.000Z\"}]}]}",
		  "overrides[0].until: not after from" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[],\"overrides\":[]},"
		  "{\"name\":\"p\",\"timezone\":\"UTC\",\"layers\":[],"
		  "\"overrides\":[]}]}", "\"p\" twice" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[],\"overrides\":[],"
		  "\"cover_requests\":[{\"id\":\"9\",\"by\":\"bob\","
		  "\"from\":\"2026-03-02T10:00:00.000Z\","
		  "\"until\":\"2026-03-02T10:00:00.000Z\"}]}]}",
		  "cover_requests[0].until: not after from" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[],\"overrides\":[],"
		  "\"cover_requests\":[{\"id\":\"9\",\"by\":\"\","
		  "\"from\":\"2026-03-02T10:00:00.000Z\","
		  "\"until\":\"2026-03-02T11:00:00.000Z\"}]}]}",
		  "cover_requests[0].by: must not be empty" },
		{ "{\"type\":\"schedules\",\"schedules\":[{\"name\":\"p\","
		  "\"timezone\":\"UTC\",\"layers\":[],\"overrides\":[],"
		  "\"cover_requests\":{}}]}", "cover_requests: must be an array" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct proto_schedules got;
		enum proto_type type;
		char err[256];
		json_t *o = proto_parse(bad[i].frame, strlen(bad[i].frame),
		    &type, err, sizeof err);

		assert_non_null(o);
		assert_int_equal(proto_schedules_from_json(o, plus_one, NULL,
		    &got, err, sizeof err), -1);
		if (strstr(err, bad[i].reason) == NULL)
			fail_msg("frame %zu: \"%s\" does not say \"%s\"", i,
			    err, bad[i].reason);
		assert_int_equal(got.n, 0);
		json_decref(o);
	}
}

/*
 * The escalation policies ride in the schedules frame in the config file's
 * words, and come back as the same policies: the match, each step's delay
 * and targets, the repeats and the ack-timeout; a frame without them (an
 * older relay) has none, and one the config would refuse is refused.
 */
static void
schedules_frame_carries_the_policies(void **state)
{
	struct wr_policy *p = wr_policy_new("checkout"), *d = wr_policy_new(
	    "default");
	const struct wr_policy *pv[2];
	struct proto_schedules got;
	char err[256], *cause = NULL, *text, *m;
	enum proto_type type;
	json_t *o, *back;

	(void)state;
	assert_int_equal(wr_policy_set_match(p, "service=checkout,cart "
	    "severity=critical,error", &cause), 0);
	assert_int_equal(wr_policy_add_step(p, "0m primary", &cause), 0);
	assert_int_equal(wr_policy_add_step(p, "1500ms bob", &cause), 0);
	assert_int_equal(wr_policy_add_step(p, "90s secondary, alice",
	    &cause), 0);
	p->repeat = 2;
	p->ack_timeout_ms = 1800000;
	assert_int_equal(wr_policy_add_step(d, "5m primary", &cause), 0);
	pv[0] = p;
	pv[1] = d;
	o = proto_schedules_to_json(NULL, 0, pv, 2);
	text = proto_dump(o, NULL);
	back = proto_parse(text, strlen(text), &type, err, sizeof err);
	assert_non_null(back);
	assert_int_equal(proto_schedules_from_json(back, plus_one, NULL, &got,
	    err, sizeof err), 0);
	assert_int_equal(got.n_policies, 2);
	assert_string_equal(got.policies[0]->name, "checkout");
	assert_true(got.policies[0]->has_match);
	m = wr_policy_match_text(got.policies[0]);
	assert_string_equal(m, "service=checkout,cart severity=critical,error");
	free(m);
	assert_int_equal(got.policies[0]->n_steps, 3);
	assert_int_equal(got.policies[0]->steps[0].delay_ms, 0);
	assert_int_equal(got.policies[0]->steps[1].delay_ms, 1500);
	assert_string_equal(got.policies[0]->steps[1].targets[0], "bob");
	assert_int_equal(got.policies[0]->steps[2].delay_ms, 90000);
	assert_int_equal(got.policies[0]->steps[2].n_targets, 2);
	assert_string_equal(got.policies[0]->steps[2].targets[0], "secondary");
	assert_string_equal(got.policies[0]->steps[2].targets[1], "alice");
	assert_int_equal(got.policies[0]->repeat, 2);
	assert_int_equal(got.policies[0]->ack_timeout_ms, 1800000);
	assert_false(got.policies[1]->has_match);
	assert_int_equal(got.policies[1]->steps[0].delay_ms, 300000);
	assert_int_equal(got.policies[1]->ack_timeout_ms, 0);
	proto_schedules_free(&got);
	json_decref(back);
	free(text);
	json_decref(o);

	/* an older relay's frame: no policies */
	{
		static const char old[] = "{\"type\":\"schedules\","
		    "\"schedules\":[]}";

		o = proto_parse(old, strlen(old), &type, err, sizeof err);
		assert_int_equal(proto_schedules_from_json(o, plus_one, NULL,
		    &got, err, sizeof err), 0);
		assert_int_equal(got.n_policies, 0);
		assert_null(got.policies);
		proto_schedules_free(&got);
		json_decref(o);
	}
	/* what the config would refuse, the console refuses */
	{
		static const struct {
			const char *frame, *reason;
		} bad[] = {
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":[{\"name\":\"p\",\"steps\":[]}]}",
			  "no steps" },
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":[{\"name\":\"p\",\"steps\":"
			  "[\"10m a\",\"5m b\"]}]}", "no later than" },
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":[{\"name\":\"p\",\"match\":"
			  "\"severity=dire\",\"steps\":[\"0m a\"]}]}",
			  "policies[0] (p)" },
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":[{\"name\":\"p\",\"steps\":"
			  "[\"0m a\"]},{\"name\":\"p\",\"steps\":"
			  "[\"0m b\"]}]}", "\"p\" twice" },
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":[{\"name\":\"p\",\"steps\":[3]}]}",
			  "steps[0]: must be a string" },
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":{}}", "policies: must be an array" },
			{ "{\"type\":\"schedules\",\"schedules\":[],"
			  "\"policies\":[{\"name\":\"p\",\"steps\":"
			  "[\"0m a\"],\"repeat\":101}]}", "repeat" },
		};

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			o = proto_parse(bad[i].frame, strlen(bad[i].frame),
			    &type, err, sizeof err);
			assert_non_null(o);
			assert_int_equal(proto_schedules_from_json(o, plus_one,
			    NULL, &got, err, sizeof err), -1);
			if (strstr(err, bad[i].reason) == NULL)
				fail_msg("frame %zu: \"%s\" does not say "
				    "\"%s\"", i, err, bad[i].reason);
			assert_int_equal(got.n_policies, 0);
			json_decref(o);
		}
	}
	wr_policy_free(p);
	wr_policy_free(d);
}

/* The frames proto_snapshot_window() pushes, kept. */
struct frames {
	json_t *v[64];
	size_t n;
};

static void
keep_frame(void *ud, json_t *frame)
{
	struct frames *f = ud;

	assert_true(f->n < 64);
	f->v[f->n++] = frame;
}

/*
 * A window of a snapshot goes in frames of at most about the budget: a
 * small incident whole, and one of 600 alerts in parts, the later ones
 * marked, whose alerts read back in order are the incident's, every one.
 */
static void
snapshot_window_splits_a_big_group_into_frames(void **state)
{
	struct wr_incident *v[2];
	struct frames fr = { .n = 0 };
	size_t alerts = 0, parts = 0, budget = 16384;

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct wr_incident *inc = xcalloc(1, sizeof *inc);
		int n = k == 0 ? 2 : 600;

		inc->id = k + 1;
		inc->source = xstrdup("alertmanager");
		inc->key = xasprintf("{}:{alertname=\"G%d\"}", k);
		inc->title = xstrdup("EdgeNodeDown");
		inc->service = xstrdup("edge");
		inc->state = WR_ST_TRIGGERED;
		inc->created = inc->updated = inc->last_seen = 1764662400000LL;
		inc->alerts = xcalloc((size_t)n, sizeof *inc->alerts);
		inc->alerts_cap = (size_t)n;
		for (int i = 0; i < n; i++) {
			struct wr_alert *a = &inc->alerts[inc->alerts_len++];

			a->fingerprint = xasprintf("%016x", i);
			a->starts = 1764662400000LL + i;
			a->firing = 1;
			a->last_seen = a->starts;
			wr_kvlist_add(&a->labels, "instance", "edge-node-42.ams");
			wr_kvlist_add(&a->annotations, "summary", "edge node "
			    "down, its BGP sessions gone and its traffic moved");
		}
		inc->n_alerts = inc->n_firing = n;
		v[k] = inc;
	}
	proto_snapshot_window(7, v, 2, budget, keep_frame, &fr);
	assert_true(fr.n > 3);
	for (size_t i = 0; i < fr.n; i++) {
		json_t *arr, *inc;
		int64_t seq;
		int last;
		char err[256];
		size_t k, bytes = json_dumpb(fr.v[i], NULL, 0, JSON_COMPACT);

		if (bytes > budget + 512)
			fail_msg("frame %zu is %zu bytes, over %zu", i, bytes,
			    budget);
		assert_int_equal(proto_snapshot_from_json(fr.v[i], &seq, &arr,
		    &last, err, sizeof err), 0);
		assert_int_equal(seq, 7);
		assert_false(last);
		json_array_foreach(arr, k, inc) {
			struct wr_incident *got = NULL;

			assert_int_equal(proto_incident_from_json(inc, &got,
			    err, sizeof err), 0);
			if (got->id == 1) {
				assert_false(proto_incident_is_part(inc));
				assert_int_equal(got->alerts_len, 2);
			} else {
				/* the first part unmarked, the rest marked */
				assert_int_equal(proto_incident_is_part(inc),
				    alerts > 0);
				parts += proto_incident_is_part(inc);
				for (size_t a = 0; a < got->alerts_len; a++)
					assert_int_equal(got->alerts[a].starts,
					    1764662400000LL + (int64_t)(alerts +
					    a));
				alerts += got->alerts_len;
			}
			wr_incident_free(got);
		}
		json_decref(fr.v[i]);
	}
	assert_int_equal(alerts, 600);
	assert_true(parts >= 2);
	wr_incident_free(v[0]);
	wr_incident_free(v[1]);
}

static void
schedules_with_a_zone_the_console_lacks_say_so(void **state)
{
	static const char frame[] = "{\"type\":\"schedules\",\"schedules\":"
	    "[{\"name\":\"p\",\"timezone\":\"Nowhere/Zone\",\"layers\":[],"
	    "\"overrides\":[]}]}";
	struct proto_schedules got;
	enum proto_type type;
	char err[256];
	json_t *o = proto_parse(frame, strlen(frame), &type, err, sizeof err);

	(void)state;
	assert_int_equal(proto_schedules_from_json(o, plus_one, NULL, &got,
	    err, sizeof err), 0);
	assert_int_equal(got.n, 1);
	assert_null(got.v[0].s);
	assert_string_equal(got.v[0].problem, "unknown time zone Nowhere/Zone");
	proto_schedules_free(&got);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_triggered_round_trips),
		cmocka_unit_test(every_kind_of_the_table_round_trips),
		cmocka_unit_test(every_fixture_event_survives_the_wire),
		cmocka_unit_test(times_outside_the_years_are_refused_both_ways),
		cmocka_unit_test(event_alert_firing_keeps_hostile_labels_byte_exact),
		cmocka_unit_test(event_alert_resolved_round_trips),
		cmocka_unit_test(event_kinds_without_payload_round_trip),
		cmocka_unit_test(event_note_and_assigned_round_trip),
		cmocka_unit_test(event_optional_members_are_omitted_when_null),
		cmocka_unit_test(event_encoder_replaces_invalid_utf8),
		cmocka_unit_test(event_decoder_refuses_wrong_types_and_missing_members),
		cmocka_unit_test(unknown_members_are_ignored),
		cmocka_unit_test(parse_refuses_duplicate_keys_nul_and_invalid_utf8),
		cmocka_unit_test(parse_returns_unknown_types_for_the_caller_to_ignore),
		cmocka_unit_test(incident_round_trips_without_alerts),
		cmocka_unit_test(incident_round_trips_with_alerts),
		cmocka_unit_test(incident_decoder_refuses_bad_members),
		cmocka_unit_test(hello_round_trips_with_and_without_resume_point),
		cmocka_unit_test(welcome_round_trips),
		cmocka_unit_test(op_round_trips_for_every_kind),
		cmocka_unit_test(op_wire_of_the_first_ops_is_unchanged),
		cmocka_unit_test(op_schedule_wide_round_trips_with_its_arguments),
		cmocka_unit_test(op_schedule_wide_arguments_are_bounded),
		cmocka_unit_test(op_made_at_round_trips_and_may_be_absent),
		cmocka_unit_test(op_made_at_that_is_no_time_is_refused_naming_it),
		cmocka_unit_test(event_made_at_is_optional_and_checked),
		cmocka_unit_test(op_decoder_refuses_unknown_ops_bad_ids_and_missing_text),
		cmocka_unit_test(result_round_trips_for_each_status),
		cmocka_unit_test(small_messages_round_trip),
		cmocka_unit_test(op_ids_are_32_lowercase_hex_and_differ),
		cmocka_unit_test(event_dump_is_the_jansson_frame_for_every_kind),
		cmocka_unit_test(event_dump_falls_back_where_jansson_changes_the_text),
		cmocka_unit_test(schedules_round_trip_to_the_same_answers),
		cmocka_unit_test(schedules_decoder_refuses_bad_definitions_naming_the_member),
		cmocka_unit_test(schedules_with_a_zone_the_console_lacks_say_so),
		cmocka_unit_test(schedules_frame_carries_the_policies),
		cmocka_unit_test(snapshot_window_splits_a_big_group_into_frames),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
