/*
 * proto.c: the JSON codec of the "warroom.v1" protocol (proto.h).
 *
 * Encoders build jansson objects from the model's records and the protocol's
 * message structs, in a fixed member order ("type" first) so that frames
 * and `warroom tail --json` lines read the same every time.  Events, the
 * relay's hot path, also have a direct text writer (proto_event_dump())
 * that gives the same text without the tree.  Decoders check
 * every member they use for presence, type and range, and name the member in
 * the reason when they refuse; members they do not know are ignored.  Frames
 * are parsed with duplicate keys refused and jansson's default refusal of
 * \u0000 and of invalid UTF-8.  No I/O; proto_new_op_id() asks the kernel for
 * random bytes (util_random_hex()).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/proto.h"
#include "core/jbuf.h"
#include "core/policy.h"
#include "core/schedule.h"
#include "core/silence.h"
#include "core/timefmt.h"
#include "core/postmortem.h"
#include "core/util.h"
#include "core/zone.h"

/* ---- errors --------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

#define FAIL(...) do { seterr(err, errsz, __VA_ARGS__); goto fail; } while (0)
#define TRY(x) do { if ((x) != 0) goto fail; } while (0)

/* ---- UTF-8 ------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p (jansson's rules), or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	/* 4 is safe: a NUL ends the sequence before anything past it is read */
	return p[0] < 0x80 ? 1 : jbuf_utf8_seq(p, 4);
}

static int
utf8_valid(const char *s)
{
	return jbuf_utf8_valid(s, strlen(s));
}

/* A copy with every byte that does not start a well-formed sequence
 * replaced by U+FFFD. */
static char *
utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0, n;
	char *out = xmalloc(len * 3 + 1);

	while (*p != '\0') {
		if ((n = utf8_len(p)) == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			p++;
		} else {
			memcpy(out + o, p, n);
			o += n;
			p += n;
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- encoding helpers -------------------------------------------------- */

/* A JSON string for s (NULL as ""); never NULL. */
static json_t *
jstr(const char *s)
{
	json_t *v;
	char *r;

	if (s == NULL)
		s = "";
	if (utf8_valid(s))
		v = json_string_nocheck(s);
	else {
		r = utf8_repair(s);
		v = json_string_nocheck(r);
		free(r);
	}
	if (v == NULL)
		util_die("out of memory (jansson)");
	return v;
}

static void
put(json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new_nocheck(o, key, v) != 0)
		util_die("out of memory (jansson)");
}

static void
put_str(json_t *o, const char *key, const char *s)
{
	put(o, key, jstr(s));
}

/* Omitted when NULL. */
static void
put_opt_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		put_str(o, key, s);
}

static void
put_int(json_t *o, const char *key, int64_t v)
{
	put(o, key, json_integer((json_int_t)v));
}

static void
put_time(json_t *o, const char *key, int64_t ms)
{
	char buf[40];

	wr_time_format(ms, buf, sizeof buf);
	put(o, key, json_string_nocheck(buf));
}

static json_t *
new_object(const char *type)
{
	json_t *o = json_object();

	if (o == NULL)
		util_die("out of memory (jansson)");
	if (type != NULL)
		put(o, "type", json_string_nocheck(type));
	return o;
}

static json_t *
kv_to_json(const struct wr_kvlist *l)
{
	json_t *o = new_object(NULL);

	for (size_t i = 0; i < l->n; i++) {
		const char *k = l->v[i].key ? l->v[i].key : "";

		if (utf8_valid(k))
			put(o, k, jstr(l->v[i].value));
		else {
			char *r = utf8_repair(k);
			put(o, r, jstr(l->v[i].value));
			free(r);
		}
	}
	return o;
}

enum alert_form { AF_FIRING, AF_RESOLVED, AF_INCIDENT };

static json_t *
alert_to_json(const struct wr_alert *a, enum alert_form form)
{
	json_t *o = new_object(NULL);

	put_str(o, "fingerprint", a->fingerprint);
	put_time(o, "starts", a->starts);
	if (form == AF_RESOLVED || a->ends != 0)
		put_time(o, "ends", a->ends);
	if (form == AF_INCIDENT) {
		put(o, "firing", json_boolean(a->firing));
		put_time(o, "last_seen", a->last_seen);
	}
	if (form != AF_RESOLVED) {
		put_str(o, "severity", wr_severity_name(a->severity));
		put(o, "labels", kv_to_json(&a->labels));
		put(o, "annotations", kv_to_json(&a->annotations));
	}
	return o;
}

/* ---- decoding helpers -------------------------------------------------- */

#define REQ	0x1	/* must be present and not null */
#define NONEMPTY 0x2	/* a string must not be "" */

/* The member key of o, or NULL when absent or null (an error if REQ). */
static int
member(const json_t *o, const char *ctx, const char *key, int flags,
    json_t **v, char *err, size_t errsz)
{
	*v = json_object_get(o, key);
	if (*v != NULL && json_is_null(*v))
		*v = NULL;
	if (*v == NULL && (flags & REQ)) {
		seterr(err, errsz, "%s%s: missing", ctx, key);
		return -1;
	}
	return 0;
}

/* A borrowed string (NULL when optional and absent). */
static int
get_str(const json_t *o, const char *ctx, const char *key, int flags,
    size_t maxlen, const char **out, char *err, size_t errsz)
{
	json_t *v;
	size_t len;

	*out = NULL;
	if (member(o, ctx, key, flags, &v, err, errsz) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		seterr(err, errsz, "%s%s: must be a string", ctx, key);
		return -1;
	}
	len = json_string_length(v);
	if (strlen(json_string_value(v)) != len) {
		seterr(err, errsz, "%s%s: must not contain NUL", ctx, key);
		return -1;
	}
	if ((flags & NONEMPTY) && len == 0) {
		seterr(err, errsz, "%s%s: must not be empty", ctx, key);
		return -1;
	}
	if (maxlen > 0 && len > maxlen) {
		seterr(err, errsz, "%s%s: longer than %zu bytes", ctx, key,
		    maxlen);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* A string copied into *out (freeing nothing; NULL when absent). */
static int
dup_str(const json_t *o, const char *ctx, const char *key, int flags,
    size_t maxlen, char **out, char *err, size_t errsz)
{
	const char *s;

	if (get_str(o, ctx, key, flags, maxlen, &s, err, errsz) != 0)
		return -1;
	*out = xstrdup0(s);
	return 0;
}

/* An integer in [min, max]; *out = 0 when optional and absent. */
static int
get_int(const json_t *o, const char *ctx, const char *key, int flags,
    int64_t min, int64_t max, int64_t *out, char *err, size_t errsz)
{
	json_t *v;
	json_int_t i;

	*out = 0;
	if (member(o, ctx, key, flags, &v, err, errsz) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v)) {
		seterr(err, errsz, "%s%s: must be an integer", ctx, key);
		return -1;
	}
	i = json_integer_value(v);
	if (i < min || i > max) {
		seterr(err, errsz, "%s%s: %lld is out of range [%lld, %lld]",
		    ctx, key, (long long)i, (long long)min, (long long)max);
		return -1;
	}
	*out = (int64_t)i;
	return 0;
}

static int
get_bool(const json_t *o, const char *ctx, const char *key, int flags,
    int *out, char *err, size_t errsz)
{
	json_t *v;

	*out = 0;
	if (member(o, ctx, key, flags, &v, err, errsz) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		seterr(err, errsz, "%s%s: must be true or false", ctx, key);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/* An ISO 8601 time as Unix ms; 0 when optional and absent. */
static int
get_time(const json_t *o, const char *ctx, const char *key, int flags,
    int64_t *out, char *err, size_t errsz)
{
	const char *s;

	*out = 0;
	if (get_str(o, ctx, key, flags, 64, &s, err, errsz) != 0)
		return -1;
	if (s == NULL)
		return 0;
	switch (wr_time_parse(s, out)) {
	case 0:
		break;
	case WR_TIME_OUT_OF_RANGE:
		seterr(err, errsz, "%s%s: outside the years 0000-9999", ctx,
		    key);
		return -1;
	default:
		seterr(err, errsz, "%s%s: not an ISO 8601 time", ctx, key);
		return -1;
	}
	return 0;
}

static int
get_kv(const json_t *o, const char *ctx, const char *key, int flags,
    struct wr_kvlist *out, char *err, size_t errsz)
{
	json_t *v, *val;
	const char *k;
	size_t klen;

	if (member(o, ctx, key, flags, &v, err, errsz) != 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_object(v)) {
		seterr(err, errsz, "%s%s: must be an object", ctx, key);
		return -1;
	}
	json_object_keylen_foreach(v, k, klen, val) {
		if (strlen(k) != klen) {
			seterr(err, errsz, "%s%s: a name contains NUL", ctx,
			    key);
			return -1;
		}
		if (!json_is_string(val)) {
			seterr(err, errsz, "%s%s: every value must be a string",
			    ctx, key);
			return -1;
		}
		if (strlen(json_string_value(val)) != json_string_length(val)) {
			seterr(err, errsz, "%s%s: a value contains NUL", ctx,
			    key);
			return -1;
		}
		wr_kvlist_add(out, k, json_string_value(val));
	}
	return 0;
}

static int
check_object(const json_t *o, const char *what, char *err, size_t errsz)
{
	if (o == NULL || !json_is_object(o)) {
		seterr(err, errsz, "%s: not a JSON object", what);
		return -1;
	}
	return 0;
}

/* An object that is a message: "type", if present, must be want. */
static int
check_message(const json_t *o, const char *want, char *err, size_t errsz)
{
	const char *t;

	if (check_object(o, want, err, errsz) != 0)
		return -1;
	if (get_str(o, "", "type", 0, 0, &t, err, errsz) != 0)
		return -1;
	if (t != NULL && strcmp(t, want) != 0) {
		seterr(err, errsz, "type: expected \"%s\"", want);
		return -1;
	}
	return 0;
}

static int
one_of(const char *s, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

/* ---- frames ------------------------------------------------------------ */

static const char *type_names[] = {
	"unknown", "hello", "op", "ping", "pong", "welcome", "snapshot",
	"event", "caught_up", "result", "error", "schedules"
};

const char *
proto_type_name(enum proto_type t)
{
	return (unsigned)t <= PROTO_SCHEDULES ? type_names[t] : "unknown";
}

json_t *
proto_parse(const char *buf, size_t len, enum proto_type *type, char *err,
    size_t errsz)
{
	json_error_t e;
	json_t *o;
	const char *t;

	*type = PROTO_UNKNOWN;
	if (buf == NULL) {
		seterr(err, errsz, "empty frame");
		return NULL;
	}
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (o == NULL) {
		seterr(err, errsz, "not valid JSON: %s (line %d, column %d)",
		    e.text, e.line, e.column);
		return NULL;
	}
	if (!json_is_object(o)) {
		seterr(err, errsz, "frame: not a JSON object");
		json_decref(o);
		return NULL;
	}
	if (get_str(o, "", "type", REQ | NONEMPTY, 64, &t, err, errsz) != 0) {
		json_decref(o);
		return NULL;
	}
	for (int i = PROTO_HELLO; i <= PROTO_SCHEDULES; i++) {
		if (strcmp(t, type_names[i]) == 0) {
			*type = (enum proto_type)i;
			return o;
		}
	}
	seterr(err, errsz, "type: unknown message type");
	return o;
}

char *
proto_dump(const json_t *o, size_t *len)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (len != NULL)
		*len = s != NULL ? strlen(s) : 0;
	return s;
}

/* ---- events ------------------------------------------------------------ */

/* The string member of e that field f names (WR_FT_STR, WR_FT_OPT_STR). */
static char **
field_str(const struct wr_event *e, const struct wr_event_field *f)
{
	return (char **)((char *)(uintptr_t)e + f->offset);
}

/* The integer member of e that field f names (WR_FT_INT). */
static int64_t *
field_int(const struct wr_event *e, const struct wr_event_field *f)
{
	return (int64_t *)((char *)(uintptr_t)e + f->offset);
}

/* The members of e that the rows in bits name, onto o. */
static void
fields_to_json(json_t *o, const struct wr_event *e, wr_evf bits)
{
	size_t n_fields;
	const struct wr_event_field *fields = wr_event_fields(&n_fields);

	for (size_t i = 0; i < n_fields; i++) {
		const struct wr_event_field *f = &fields[i];

		if (!(bits & f->flag))
			continue;
		switch (f->type) {
		case WR_FT_STR:
			put_str(o, f->wire, *field_str(e, f));
			break;
		case WR_FT_OPT_STR:
			put_opt_str(o, f->wire, *field_str(e, f));
			break;
		case WR_FT_SEV:
			put_str(o, f->wire, wr_severity_name(e->severity));
			break;
		case WR_FT_ALERT:
			put(o, f->wire, alert_to_json(&e->alert, AF_FIRING));
			break;
		case WR_FT_ALERT_END:
			put(o, f->wire, alert_to_json(&e->alert, AF_RESOLVED));
			break;
		case WR_FT_INT:
			put_int(o, f->wire, *field_int(e, f));
			break;
		case WR_FT_OPT_TIME:
			if (*field_int(e, f) != 0)
				put_time(o, f->wire, *field_int(e, f));
			break;
		case WR_FT_TIME:
			put_time(o, f->wire, *field_int(e, f));
			break;
		}
	}
}

json_t *
proto_event_to_json(const struct wr_event *e)
{
	const struct wr_event_kind_info *info = wr_event_kind_info(e->kind);
	json_t *o = new_object("event");

	put_int(o, "seq", e->seq);
	put_str(o, "kind", wr_event_kind_name(e->kind));
	if (info->scope == WR_SCOPE_INCIDENT)
		put_int(o, "incident", e->incident);
	put_time(o, "time", e->time);
	put_str(o, "actor", e->actor);
	put_opt_str(o, "via", e->via);
	put_opt_str(o, "op_id", e->op_id);
	fields_to_json(o, e, info->fields);
	return o;
}

/* ---- events, written as text directly ------------------------------------ */

/*
 * proto_event_dump() writes the frame with core/jbuf.h, member by member
 * in the order proto_event_to_json() inserts them, which is the text
 * json_dumps(JSON_COMPACT) gives for that object.  Where jansson would
 * change what is sent (a string that is not UTF-8 and gets U+FFFD, a label
 * name repeated so that the object keeps one member for it) the writers
 * below return -1 and the frame is made by the jansson path instead.
 */

static int
w_str(struct jbuf *b, const char *key, const char *s)
{
	jbuf_key(b, key);
	return jbuf_str(b, s != NULL ? s : "");
}

static int
w_opt_str(struct jbuf *b, const char *key, const char *s)
{
	return s != NULL ? w_str(b, key, s) : 0;
}

static void
w_int(struct jbuf *b, const char *key, int64_t v)
{
	jbuf_key(b, key);
	jbuf_int(b, v);
}

static int
w_time(struct jbuf *b, const char *key, int64_t ms)
{
	char buf[40];

	wr_time_format(ms, buf, sizeof buf);
	return w_str(b, key, buf);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two names of l are the same (NULL counts as ""). */
static int
kv_has_duplicates(const struct wr_kvlist *l)
{
	const char **v;
	int dup = 0;

	if (l->n < 2)
		return 0;
	if (l->n <= 16) {
		for (size_t i = 1; i < l->n; i++) {
			const char *a = l->v[i].key ? l->v[i].key : "";

			for (size_t j = 0; j < i; j++)
				if (strcmp(a, l->v[j].key ? l->v[j].key :
				    "") == 0)
					return 1;
		}
		return 0;
	}
	v = xmalloc(l->n * sizeof *v);
	for (size_t i = 0; i < l->n; i++)
		v[i] = l->v[i].key ? l->v[i].key : "";
	qsort(v, l->n, sizeof *v, cmp_key);
	for (size_t i = 1; i < l->n && !dup; i++)
		dup = strcmp(v[i - 1], v[i]) == 0;
	free(v);
	return dup;
}

static int
w_kv(struct jbuf *b, const char *key, const struct wr_kvlist *l)
{
	if (kv_has_duplicates(l))
		return -1;
	jbuf_key(b, key);
	jbuf_char(b, '{');
	for (size_t i = 0; i < l->n; i++) {
		const char *k = l->v[i].key, *v = l->v[i].value;

		if (jbuf_key_str(b, k != NULL ? k : "") == -1 ||
		    jbuf_str(b, v != NULL ? v : "") == -1)
			return -1;
	}
	jbuf_char(b, '}');
	return 0;
}

static int
w_alert(struct jbuf *b, const char *key, const struct wr_alert *a,
    enum alert_form form)
{
	jbuf_key(b, key);
	jbuf_char(b, '{');
	if (w_str(b, "fingerprint", a->fingerprint) == -1 ||
	    w_time(b, "starts", a->starts) == -1 ||
	    ((form == AF_RESOLVED || a->ends != 0) &&
	    w_time(b, "ends", a->ends) == -1))
		return -1;
	if (form != AF_RESOLVED && (w_str(b, "severity",
	    wr_severity_name(a->severity)) == -1 ||
	    w_kv(b, "labels", &a->labels) == -1 ||
	    w_kv(b, "annotations", &a->annotations) == -1))
		return -1;
	jbuf_char(b, '}');
	return 0;
}

/* What proto_event_to_json() builds, as text; -1: use it instead. */
static int
w_event(struct jbuf *b, const struct wr_event *e)
{
	static const char head[] = "{\"type\":\"event\"";
	const struct wr_event_kind_info *info = wr_event_kind_info(e->kind);
	size_t n_fields;
	const struct wr_event_field *fields = wr_event_fields(&n_fields);

	jbuf_raw(b, head, sizeof head - 1);
	w_int(b, "seq", e->seq);
	if (w_str(b, "kind", wr_event_kind_name(e->kind)) == -1)
		return -1;
	if (info->scope == WR_SCOPE_INCIDENT)
		w_int(b, "incident", e->incident);
	if (w_time(b, "time", e->time) == -1 ||
	    w_str(b, "actor", e->actor) == -1 ||
	    w_opt_str(b, "via", e->via) == -1 ||
	    w_opt_str(b, "op_id", e->op_id) == -1)
		return -1;
	for (size_t i = 0; i < n_fields; i++) {
		const struct wr_event_field *f = &fields[i];
		int rc = 0;

		if (!(info->fields & f->flag))
			continue;
		switch (f->type) {
		case WR_FT_STR:
			rc = w_str(b, f->wire, *field_str(e, f));
			break;
		case WR_FT_OPT_STR:
			rc = w_opt_str(b, f->wire, *field_str(e, f));
			break;
		case WR_FT_SEV:
			rc = w_str(b, f->wire, wr_severity_name(e->severity));
			break;
		case WR_FT_ALERT:
			rc = w_alert(b, f->wire, &e->alert, AF_FIRING);
			break;
		case WR_FT_ALERT_END:
			rc = w_alert(b, f->wire, &e->alert, AF_RESOLVED);
			break;
		case WR_FT_INT:
			w_int(b, f->wire, *field_int(e, f));
			break;
		case WR_FT_OPT_TIME:
			if (*field_int(e, f) != 0)
				rc = w_time(b, f->wire, *field_int(e, f));
			break;
		case WR_FT_TIME:
			rc = w_time(b, f->wire, *field_int(e, f));
			break;
		}
		if (rc == -1)
			return -1;
	}
	jbuf_char(b, '}');
	return 0;
}

int
proto_event_write(struct jbuf *b, const struct wr_event *e)
{
	size_t start = b->len;

	if (proto_event_check(e, NULL, 0) != 0)
		return -1;

	if (w_event(b, e) == 0)
		return 0;
	b->len = start;
	return -1;
}

int
proto_event_check(const struct wr_event *e, char *err, size_t errsz)
{
	wr_evf f = wr_event_kind_info(e->kind)->fields;
	const char *bad = NULL;
	size_t n_fields;
	const struct wr_event_field *fields = wr_event_fields(&n_fields);

	if (!wr_time_ok(e->time))
		bad = "time";
	else if ((f & (WR_EVF(ALERT) | WR_EVF(ALERT_END))) &&
	    !wr_time_ok(e->alert.starts))
		bad = "alert.starts";
	else if ((f & (WR_EVF(ALERT) | WR_EVF(ALERT_END))) &&
	    !wr_time_ok(e->alert.ends))
		bad = "alert.ends";
	for (size_t i = 0; i < n_fields && bad == NULL; i++)
		if ((f & fields[i].flag) && (fields[i].type == WR_FT_TIME ||
		    fields[i].type == WR_FT_OPT_TIME) &&
		    !wr_time_ok(*field_int(e, &fields[i])))
			bad = fields[i].wire;
	if (bad == NULL)
		return 0;
	seterr(err, errsz, "event %lld: %s is outside the years 0002-9999: "
	    "no console could read it back", (long long)e->seq, bad);
	return -1;
}

char *
proto_event_dump(const struct wr_event *e, size_t *len)
{
	struct jbuf b;
	json_t *o;
	char *s;

	if (proto_event_check(e, NULL, 0) != 0) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	jbuf_init(&b, 512);
	if (w_event(&b, e) == 0)
		return jbuf_take(&b, len);
	jbuf_free(&b);
	o = proto_event_to_json(e);
	s = proto_dump(o, len);
	json_decref(o);
	return s;
}

/* The alert of an event (form AF_FIRING or AF_RESOLVED) or of an incident
 * (AF_INCIDENT); ctx names it in reasons. */
static int
alert_from_json(const json_t *o, const char *ctx, enum alert_form form,
    struct wr_alert *a, char *err, size_t errsz)
{
	memset(a, 0, sizeof *a);
	if (!json_is_object(o)) {
		seterr(err, errsz, "%.*s: must be an object",
		    (int)strlen(ctx) - 1, ctx);
		return -1;
	}
	TRY(dup_str(o, ctx, "fingerprint", REQ | NONEMPTY, 0, &a->fingerprint,
	    err, errsz));
	TRY(get_time(o, ctx, "starts", REQ, &a->starts, err, errsz));
	TRY(get_time(o, ctx, "ends", form == AF_RESOLVED ? REQ : 0, &a->ends,
	    err, errsz));
	if (form == AF_INCIDENT) {
		TRY(get_bool(o, ctx, "firing", REQ, &a->firing, err, errsz));
		TRY(get_time(o, ctx, "last_seen", REQ, &a->last_seen, err,
		    errsz));
	}
	if (form != AF_RESOLVED) {
		const char *sev;

		TRY(get_str(o, ctx, "severity", 0, 64, &sev, err, errsz));
		a->severity = WR_SEV_WARNING;
		if (sev != NULL && wr_severity_parse(sev, &a->severity) != 0)
			FAIL("%sseverity: unknown severity", ctx);
		TRY(get_kv(o, ctx, "labels", REQ, &a->labels, err, errsz));
		TRY(get_kv(o, ctx, "annotations", REQ, &a->annotations, err,
		    errsz));
	}
	return 0;
fail:
	wr_alert_free(a);
	memset(a, 0, sizeof *a);
	return -1;
}

/*
 * The members the rows in bits name, from o into out.  For an op (op
 * non-zero) they are bounded by the rows' max: a string must not be
 * empty and not be longer, an integer not above it; an event's are as the
 * relay wrote them.
 */
static int
fields_from_json(const json_t *o, struct wr_event *out, wr_evf bits,
    int op, char *err, size_t errsz)
{
	size_t n_fields;
	const struct wr_event_field *fields = wr_event_fields(&n_fields);
	const char *sev;
	json_t *v;

	for (size_t i = 0; i < n_fields; i++) {
		const struct wr_event_field *f = &fields[i];
		size_t max = op ? (size_t)f->max : 0;

		if (!(bits & f->flag))
			continue;
		switch (f->type) {
		case WR_FT_STR:
		case WR_FT_OPT_STR:
			TRY(dup_str(o, "", f->wire, (f->type == WR_FT_STR ?
			    REQ : 0) | (op && f->type == WR_FT_STR ?
			    NONEMPTY : 0), max, field_str(out, f), err,
			    errsz));
			break;
		case WR_FT_SEV:
			TRY(get_str(o, "", f->wire, REQ, 64, &sev, err,
			    errsz));
			if (wr_severity_parse(sev, &out->severity) != 0) {
				seterr(err, errsz, "%s: unknown severity",
				    f->wire);
				goto fail;
			}
			break;
		case WR_FT_ALERT:
		case WR_FT_ALERT_END:
			TRY(member(o, "", f->wire, REQ, &v, err, errsz));
			TRY(alert_from_json(v, "alert.", f->type ==
			    WR_FT_ALERT ? AF_FIRING : AF_RESOLVED, &out->alert,
			    err, errsz));
			if (f->type == WR_FT_ALERT) {
				out->alert.firing = 1;
				out->alert.last_seen = out->time;
			}
			break;
		case WR_FT_INT:
			TRY(get_int(o, "", f->wire, REQ, 0, op && f->max > 0 ?
			    f->max : INT64_MAX, field_int(out, f), err,
			    errsz));
			break;
		case WR_FT_OPT_TIME:
		case WR_FT_TIME:
			TRY(get_time(o, "", f->wire, f->type == WR_FT_TIME ?
			    REQ : 0, field_int(out, f), err, errsz));
			break;
		}
	}
	return 0;
fail:
	return -1;
}

int
proto_event_from_json(const json_t *o, struct wr_event *out, char *err,
    size_t errsz)
{
	const char *kind;
	const struct wr_event_kind_info *info;
	json_t *v;

	memset(out, 0, sizeof *out);
	TRY(check_message(o, "event", err, errsz));
	TRY(get_int(o, "", "seq", REQ, 1, INT64_MAX, &out->seq, err, errsz));
	TRY(get_str(o, "", "kind", REQ, 64, &kind, err, errsz));
	if ((out->kind = wr_event_kind_parse(kind)) == WR_EV_NONE)
		FAIL("kind: unknown event kind");
	info = wr_event_kind_info(out->kind);
	if (info->scope == WR_SCOPE_INCIDENT)
		TRY(get_int(o, "", "incident", REQ, 1, INT64_MAX,
		    &out->incident, err, errsz));
	else {
		TRY(member(o, "", "incident", 0, &v, err, errsz));
		if (v != NULL)
			FAIL("incident: a %s event is schedule-wide and names "
			    "none", kind);
	}
	TRY(get_time(o, "", "time", REQ, &out->time, err, errsz));
	TRY(dup_str(o, "", "actor", REQ, 0, &out->actor, err, errsz));
	TRY(dup_str(o, "", "via", 0, 0, &out->via, err, errsz));
	TRY(dup_str(o, "", "op_id", 0, 0, &out->op_id, err, errsz));
	TRY(fields_from_json(o, out, info->fields, 0, err, errsz));
	return 0;
fail:
	wr_event_free(out);
	return -1;
}

/* ---- incidents ----------------------------------------------------------- */

json_t *
proto_incident_to_json(const struct wr_incident *inc, int with_alerts)
{
	json_t *o = new_object(NULL), *a;

	put_int(o, "id", inc->id);
	put_str(o, "source", inc->source);
	put_opt_str(o, "sender", inc->sender);
	put_str(o, "key", inc->key);
	put_str(o, "title", inc->title);
	put_str(o, "service", inc->service);
	put_str(o, "severity", wr_severity_name(inc->severity));
	put_opt_str(o, "severity_raw", inc->severity_raw);
	put_opt_str(o, "severity_by", inc->severity_by);
	put_str(o, "state", wr_state_name(inc->state));
	put_opt_str(o, "ack_by", inc->ack_by);
	if (inc->ack_at != 0)
		put_time(o, "ack_at", inc->ack_at);
	put_opt_str(o, "resolved_by", inc->resolved_by);
	if (inc->resolved_at != 0)
		put_time(o, "resolved_at", inc->resolved_at);
	put_opt_str(o, "assignee", inc->assignee);
	put_time(o, "created", inc->created);
	put_time(o, "updated", inc->updated);
	put_time(o, "last_seen", inc->last_seen);
	put_int(o, "n_alerts", inc->n_alerts);
	put_int(o, "n_firing", inc->n_firing);
	put_int(o, "n_notes", inc->n_notes);
	if (inc->truncated != 0)
		put_int(o, "truncated", inc->truncated);
	put_opt_str(o, "labels_text", inc->labels_text);
	if (inc->n_silences > 0) {
		if ((a = json_array()) == NULL)
			util_die("out of memory (jansson)");
		for (size_t i = 0; i < inc->n_silences; i++) {
			const struct wr_silence *s = &inc->silences[i];
			json_t *so = new_object(NULL);

			put_str(so, "id", s->id);
			put_time(so, "ends", s->ends);
			put_str(so, "by", s->by != NULL ? s->by : "");
			put_str(so, "matchers", s->matchers);
			if (json_array_append_new(a, so) != 0)
				util_die("out of memory (jansson)");
		}
		put(o, "silences", a);
	}
	if (inc->pm_version != 0) {
		put_int(o, "postmortem_version", inc->pm_version);
		put_opt_str(o, "postmortem_by", inc->pm_by);
		if (inc->pm_at != 0)
			put_time(o, "postmortem_at", inc->pm_at);
	}
	/* Its escalation (core/policy.h), only what is set. */
	if (inc->esc_since != 0)
		put_time(o, "esc_since", inc->esc_since);
	if (inc->esc_fired != 0)
		put_int(o, "esc_fired", inc->esc_fired);
	put_opt_str(o, "esc_policy", inc->esc_policy);
	put_opt_str(o, "esc_target", inc->esc_target);
	if (inc->esc_steps != 0)
		put_int(o, "esc_steps", inc->esc_steps);
	if (inc->esc_next_at != 0)
		put_time(o, "esc_next_at", inc->esc_next_at);
	if (inc->assigned_by_policy)
		put(o, "assigned_by_policy", json_true());
	if (inc->snooze_until != 0)
		put_time(o, "snooze_until", inc->snooze_until);
	if (with_alerts) {
		if ((a = json_array()) == NULL)
			util_die("out of memory (jansson)");
		for (size_t i = 0; i < inc->alerts_len; i++)
			if (json_array_append_new(a, alert_to_json(
			    &inc->alerts[i], AF_INCIDENT)) != 0)
				util_die("out of memory (jansson)");
		put(o, "alerts", a);
	}
	return o;
}

static int
get_count(const json_t *o, const char *key, int *out, char *err, size_t errsz)
{
	int64_t v;

	if (get_int(o, "", key, REQ, 0, INT_MAX, &v, err, errsz) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

int
proto_incident_from_json(const json_t *o, struct wr_incident **out,
    char *err, size_t errsz)
{
	struct wr_incident *inc = xcalloc(1, sizeof *inc);
	const char *s;
	json_t *arr, *v;
	size_t i;

	*out = NULL;
	TRY(check_object(o, "incident", err, errsz));
	TRY(get_int(o, "", "id", REQ, 1, INT64_MAX, &inc->id, err, errsz));
	TRY(dup_str(o, "", "source", REQ, 0, &inc->source, err, errsz));
	TRY(dup_str(o, "", "sender", 0, 0, &inc->sender, err, errsz));
	TRY(dup_str(o, "", "key", REQ, 0, &inc->key, err, errsz));
	TRY(dup_str(o, "", "title", REQ, 0, &inc->title, err, errsz));
	TRY(dup_str(o, "", "service", REQ, 0, &inc->service, err, errsz));
	TRY(get_str(o, "", "severity", REQ, 64, &s, err, errsz));
	if (wr_severity_parse(s, &inc->severity) != 0)
		FAIL("severity: unknown severity");
	TRY(dup_str(o, "", "severity_raw", 0, 0, &inc->severity_raw, err,
	    errsz));
	TRY(dup_str(o, "", "severity_by", 0, 0, &inc->severity_by, err,
	    errsz));
	TRY(get_str(o, "", "state", REQ, 64, &s, err, errsz));
	if (wr_state_parse(s, &inc->state) != 0)
		FAIL("state: unknown state");
	TRY(dup_str(o, "", "ack_by", 0, 0, &inc->ack_by, err, errsz));
	TRY(get_time(o, "", "ack_at", 0, &inc->ack_at, err, errsz));
	TRY(dup_str(o, "", "resolved_by", 0, 0, &inc->resolved_by, err,
	    errsz));
	TRY(get_time(o, "", "resolved_at", 0, &inc->resolved_at, err, errsz));
	TRY(dup_str(o, "", "assignee", 0, 0, &inc->assignee, err, errsz));
	TRY(get_time(o, "", "created", REQ, &inc->created, err, errsz));
	TRY(get_time(o, "", "updated", REQ, &inc->updated, err, errsz));
	TRY(get_time(o, "", "last_seen", REQ, &inc->last_seen, err, errsz));
	TRY(get_count(o, "n_alerts", &inc->n_alerts, err, errsz));
	TRY(get_count(o, "n_firing", &inc->n_firing, err, errsz));
	TRY(get_count(o, "n_notes", &inc->n_notes, err, errsz));
	TRY(get_int(o, "", "truncated", 0, 0, INT64_MAX, &inc->truncated, err,
	    errsz));
	TRY(dup_str(o, "", "labels_text", 0, 0, &inc->labels_text, err,
	    errsz));
	TRY(member(o, "", "silences", 0, &arr, err, errsz));
	if (arr != NULL) {
		if (!json_is_array(arr))
			FAIL("silences: must be an array");
		if (json_array_size(arr) > WR_SILENCES_MAX)
			FAIL("silences: more than %d", WR_SILENCES_MAX);
		inc->silences = xcalloc(json_array_size(arr) + 1,
		    sizeof *inc->silences);
		json_array_foreach(arr, i, v) {
			struct wr_silence *si = &inc->silences[inc->n_silences];
			char ctx[32];

			snprintf(ctx, sizeof ctx, "silences[%zu].", i);
			TRY(check_object(v, ctx, err, errsz));
			inc->n_silences++;
			TRY(dup_str(v, ctx, "id", REQ | NONEMPTY,
			    WR_SILENCE_ID_MAX, &si->id, err, errsz));
			TRY(get_time(v, ctx, "ends", REQ, &si->ends, err,
			    errsz));
			TRY(dup_str(v, ctx, "by", REQ, PROTO_MAX_ACTOR, &si->by,
			    err, errsz));
			TRY(dup_str(v, ctx, "matchers", REQ | NONEMPTY,
			    WR_MATCHERS_TEXT_MAX, &si->matchers, err, errsz));
		}
	}
	TRY(get_int(o, "", "postmortem_version", 0, 0, INT64_MAX,
	    &inc->pm_version, err, errsz));
	TRY(dup_str(o, "", "postmortem_by", 0, PROTO_MAX_ACTOR, &inc->pm_by,
	    err, errsz));
	TRY(get_time(o, "", "postmortem_at", 0, &inc->pm_at, err, errsz));
	TRY(get_time(o, "", "esc_since", 0, &inc->esc_since, err, errsz));
	TRY(get_int(o, "", "esc_fired", 0, 0, INT64_MAX, &inc->esc_fired, err,
	    errsz));
	TRY(dup_str(o, "", "esc_policy", 0, 0, &inc->esc_policy, err, errsz));
	TRY(dup_str(o, "", "esc_target", 0, 0, &inc->esc_target, err, errsz));
	TRY(get_int(o, "", "esc_steps", 0, 0, INT64_MAX, &inc->esc_steps, err,
	    errsz));
	TRY(get_time(o, "", "esc_next_at", 0, &inc->esc_next_at, err, errsz));
	TRY(get_bool(o, "", "assigned_by_policy", 0, &inc->assigned_by_policy,
	    err, errsz));
	TRY(get_time(o, "", "snooze_until", 0, &inc->snooze_until, err,
	    errsz));
	TRY(member(o, "", "alerts", 0, &arr, err, errsz));
	if (arr != NULL) {
		if (!json_is_array(arr))
			FAIL("alerts: must be an array");
		if (json_array_size(arr) > 0) {
			inc->alerts_cap = json_array_size(arr);
			inc->alerts = xcalloc(inc->alerts_cap,
			    sizeof *inc->alerts);
		}
		json_array_foreach(arr, i, v) {
			char ctx[48];

			snprintf(ctx, sizeof ctx, "alerts[%zu].", i);
			TRY(alert_from_json(v, ctx, AF_INCIDENT,
			    &inc->alerts[i], err, errsz));
			inc->alerts_len++;
		}
	}
	*out = inc;
	return 0;
fail:
	wr_incident_free(inc);
	return -1;
}

/* ---- hello --------------------------------------------------------------- */

json_t *
proto_hello_to_json(const struct proto_hello *h)
{
	json_t *o = new_object("hello");

	put_str(o, "user", h->user);
	if (h->epoch != NULL && h->epoch[0] != '\0')
		put_str(o, "epoch", h->epoch);
	else
		put(o, "epoch", json_null());
	put_int(o, "seq", h->seq);
	put(o, "from_now", json_boolean(h->from_now));
	put_opt_str(o, "client", h->client);
	return o;
}

int
proto_hello_from_json(const json_t *o, struct proto_hello *h, char *err,
    size_t errsz)
{
	memset(h, 0, sizeof *h);
	TRY(check_message(o, "hello", err, errsz));
	TRY(dup_str(o, "", "user", REQ | NONEMPTY, PROTO_MAX_ACTOR, &h->user,
	    err, errsz));
	TRY(dup_str(o, "", "epoch", NONEMPTY, PROTO_MAX_EPOCH, &h->epoch, err,
	    errsz));
	TRY(get_int(o, "", "seq", REQ, 0, INT64_MAX, &h->seq, err, errsz));
	if (h->epoch == NULL && h->seq != 0)
		FAIL("seq: must be 0 when epoch is null");
	TRY(get_bool(o, "", "from_now", 0, &h->from_now, err, errsz));
	TRY(dup_str(o, "", "client", 0, 256, &h->client, err, errsz));
	return 0;
fail:
	proto_hello_free(h);
	return -1;
}

void
proto_hello_free(struct proto_hello *h)
{
	free(h->user);
	free(h->epoch);
	free(h->client);
	memset(h, 0, sizeof *h);
}

/* ---- welcome ------------------------------------------------------------- */

static const char *const welcome_modes[] = {
	"replay", "snapshot", "live", NULL
};

json_t *
proto_welcome_to_json(const struct proto_welcome *w)
{
	json_t *o = new_object("welcome");

	put_str(o, "epoch", w->epoch);
	put_int(o, "head", w->head);
	put_int(o, "first", w->first);
	put_str(o, "mode", w->mode);
	put_opt_str(o, "reason", w->reason);
	put_int(o, "heartbeat_ms", w->heartbeat_ms);
	put_opt_str(o, "server", w->server);
	put_str(o, "user", w->user);
	put_opt_str(o, "token", w->token);
	return o;
}

int
proto_welcome_from_json(const json_t *o, struct proto_welcome *w, char *err,
    size_t errsz)
{
	int64_t hb;

	memset(w, 0, sizeof *w);
	TRY(check_message(o, "welcome", err, errsz));
	TRY(dup_str(o, "", "epoch", REQ | NONEMPTY, PROTO_MAX_EPOCH, &w->epoch,
	    err, errsz));
	TRY(get_int(o, "", "head", REQ, 0, INT64_MAX, &w->head, err, errsz));
	TRY(get_int(o, "", "first", REQ, 0, INT64_MAX, &w->first, err, errsz));
	TRY(dup_str(o, "", "mode", REQ, 16, &w->mode, err, errsz));
	if (!one_of(w->mode, welcome_modes))
		FAIL("mode: must be replay, snapshot or live");
	TRY(dup_str(o, "", "reason", 0, 0, &w->reason, err, errsz));
	TRY(get_int(o, "", "heartbeat_ms", REQ, 1, INT_MAX, &hb, err, errsz));
	w->heartbeat_ms = (int)hb;
	TRY(dup_str(o, "", "server", 0, 256, &w->server, err, errsz));
	TRY(dup_str(o, "", "user", REQ, PROTO_MAX_ACTOR, &w->user, err,
	    errsz));
	TRY(dup_str(o, "", "token", 0, 256, &w->token, err, errsz));
	return 0;
fail:
	proto_welcome_free(w);
	return -1;
}

void
proto_welcome_free(struct proto_welcome *w)
{
	free(w->epoch);
	free(w->mode);
	free(w->reason);
	free(w->server);
	free(w->user);
	free(w->token);
	memset(w, 0, sizeof *w);
}

/* ---- op ------------------------------------------------------------------ */

json_t *
proto_op_to_json(const struct proto_op *op)
{
	const struct wr_op_kind_info *info = wr_op_kind_info(op->kind);
	json_t *o = new_object("op");

	put_str(o, "op_id", op->op_id);
	put_str(o, "op", wr_op_kind_name(op->kind));
	if (info->scope == WR_SCOPE_INCIDENT)
		put_int(o, "incident", op->incident);
	put_str(o, "epoch", op->epoch);
	put_str(o, "actor", op->actor);
	fields_to_json(o, &op->args, info->fields);
	if (op->made_at != 0)
		put_time(o, "made_at", op->made_at);
	return o;
}

int
proto_op_from_json(const json_t *o, struct proto_op *op, char *err,
    size_t errsz)
{
	const struct wr_op_kind_info *info;
	const char *s;

	memset(op, 0, sizeof *op);
	TRY(check_message(o, "op", err, errsz));
	TRY(get_str(o, "", "op_id", REQ, 0, &s, err, errsz));
	if (!proto_op_id_valid(s))
		FAIL("op_id: must be 32 lowercase hex digits");
	op->op_id = xstrdup(s);
	TRY(get_str(o, "", "op", REQ, 0, &s, err, errsz));
	if ((op->kind = wr_op_kind_parse(s)) == 0) {
		char names[256];
		size_t at = 0;

		names[0] = '\0';
		for (int k = 1; k < WR_OP_KIND_COUNT; k++) {
			int w = snprintf(names + at, sizeof names - at, "%s%s",
			    k > 1 ? ", " : "", wr_op_kind_name((wr_op_kind)k));

			if (w < 0 || (size_t)w >= sizeof names - at)
				break;
			at += (size_t)w;
		}
		FAIL("op: unknown op (%s)", names);
	}
	info = wr_op_kind_info(op->kind);
	/* A schedule-wide op names no incident; one it names anyway is
	 * left unread (0). */
	if (info->scope == WR_SCOPE_INCIDENT)
		TRY(get_int(o, "", "incident", REQ, 1, INT64_MAX,
		    &op->incident, err, errsz));
	TRY(dup_str(o, "", "epoch", REQ | NONEMPTY, PROTO_MAX_EPOCH,
	    &op->epoch, err, errsz));
	TRY(dup_str(o, "", "actor", REQ | NONEMPTY, PROTO_MAX_ACTOR,
	    &op->actor, err, errsz));
	/* its arguments, each bounded by its row: members it does not
	 * carry are ignored */
	TRY(fields_from_json(o, &op->args, info->fields, 1, err, errsz));
	/* Optional (a console from before it says nothing: now).  Any time
	 * that parses is taken; the relay bounds it (wr_op_made_at()). */
	TRY(get_time(o, "", "made_at", 0, &op->made_at, err, errsz));
	return 0;
fail:
	proto_op_free(op);
	return -1;
}

void
proto_op_free(struct proto_op *op)
{
	free(op->op_id);
	free(op->epoch);
	free(op->actor);
	wr_event_free(&op->args);
	memset(op, 0, sizeof *op);
}

/* ---- result -------------------------------------------------------------- */

static const char *const result_statuses[] = {
	"applied", "noop", "refused", PROTO_RESULT_RETRY, NULL
};

json_t *
proto_result_to_json(const struct proto_result *r)
{
	json_t *o = new_object("result");
	const char *st = r->status ? r->status : "";

	put_str(o, "op_id", r->op_id);
	put_str(o, "status", st);
	if (strcmp(st, "applied") == 0)
		put_int(o, "seq", r->seq);
	if (strcmp(st, "refused") == 0 ||
	    strcmp(st, PROTO_RESULT_RETRY) == 0) {
		put_str(o, "code", r->code);
		put_str(o, "reason", r->reason);
	}
	return o;
}

int
proto_result_from_json(const json_t *o, struct proto_result *r, char *err,
    size_t errsz)
{
	const char *s;

	memset(r, 0, sizeof *r);
	TRY(check_message(o, "result", err, errsz));
	TRY(get_str(o, "", "op_id", REQ, 0, &s, err, errsz));
	if (!proto_op_id_valid(s))
		FAIL("op_id: must be 32 lowercase hex digits");
	r->op_id = xstrdup(s);
	TRY(dup_str(o, "", "status", REQ, 16, &r->status, err, errsz));
	if (!one_of(r->status, result_statuses))
		FAIL("status: must be applied, noop, refused or retry");
	if (strcmp(r->status, "applied") == 0)
		TRY(get_int(o, "", "seq", REQ, 1, INT64_MAX, &r->seq, err,
		    errsz));
	if (strcmp(r->status, "refused") == 0 ||
	    strcmp(r->status, PROTO_RESULT_RETRY) == 0) {
		TRY(dup_str(o, "", "code", REQ | NONEMPTY, 64, &r->code, err,
		    errsz));
		TRY(dup_str(o, "", "reason", REQ, 0, &r->reason, err, errsz));
	}
	return 0;
fail:
	proto_result_free(r);
	return -1;
}

void
proto_result_free(struct proto_result *r)
{
	free(r->op_id);
	free(r->status);
	free(r->code);
	free(r->reason);
	memset(r, 0, sizeof *r);
}

/* ---- snapshot, caught_up, error, ping ------------------------------------ */

json_t *
proto_snapshot_to_json(int64_t seq, json_t *incidents_array, int last)
{
	json_t *o = new_object("snapshot");

	put_int(o, "seq", seq);
	if (incidents_array == NULL && (incidents_array = json_array()) == NULL)
		util_die("out of memory (jansson)");
	put(o, "incidents", incidents_array);
	put(o, "last", json_boolean(last));
	return o;
}

static json_t *new_array(void);
static void append(json_t *a, json_t *v);

/* The bytes of v as compact JSON. */
static size_t
json_bytes(const json_t *v)
{
	return json_dumpb(v, NULL, 0, JSON_COMPACT);
}

void
proto_snapshot_window(int64_t seq, struct wr_incident *const *v, size_t n,
    size_t budget, void (*push)(void *ud, json_t *frame), void *ud)
{
	json_t *arr = new_array();
	size_t bytes = 0;

	for (size_t i = 0; i < n; i++) {
		const struct wr_incident *inc = v[i];
		json_t *io = proto_incident_to_json(inc, 0), *alerts =
		    new_array();
		size_t head = json_bytes(io) + 16;	/* its "alerts":[] too */

		if (bytes > 0 && bytes + head > budget) {
			push(ud, proto_snapshot_to_json(seq, arr, 0));
			arr = new_array();
			bytes = 0;
		}
		bytes += head;
		for (size_t k = 0; k < inc->alerts_len; k++) {
			json_t *ao = alert_to_json(&inc->alerts[k],
			    AF_INCIDENT);
			size_t ab = json_bytes(ao) + 1;

			if (bytes + ab > budget && json_array_size(alerts) > 0) {
				/* this part is full: the rest in the next */
				put(io, "alerts", alerts);
				append(arr, io);
				push(ud, proto_snapshot_to_json(seq, arr, 0));
				arr = new_array();
				io = proto_incident_to_json(inc, 0);
				put(io, "alerts_part", json_true());
				alerts = new_array();
				bytes = head + 24;
			}
			append(alerts, ao);
			bytes += ab;
		}
		put(io, "alerts", alerts);
		append(arr, io);
	}
	if (json_array_size(arr) > 0)
		push(ud, proto_snapshot_to_json(seq, arr, 0));
	else
		json_decref(arr);
}

int
proto_incident_is_part(const json_t *incident)
{
	return json_is_object(incident) &&
	    json_is_true(json_object_get(incident, "alerts_part"));
}

int
proto_snapshot_from_json(const json_t *o, int64_t *seq, json_t **incidents,
    int *last, char *err, size_t errsz)
{
	json_t *a, *a2;

	*incidents = NULL;
	TRY(check_message(o, "snapshot", err, errsz));
	TRY(get_int(o, "", "seq", REQ, 0, INT64_MAX, seq, err, errsz));
	TRY(member(o, "", "incidents", REQ, &a, err, errsz));
	if (!json_is_array(a))
		FAIL("incidents: must be an array");
	TRY(get_bool(o, "", "last", REQ, last, err, errsz));
	TRY(member(o, "", "events", 0, &a2, err, errsz));
	if (a2 != NULL && !json_is_array(a2))
		FAIL("events: must be an array");
	*incidents = a;
	return 0;
fail:
	return -1;
}

json_t *
proto_snapshot_history_to_json(int64_t seq, json_t *events_array)
{
	json_t *o = proto_snapshot_to_json(seq, NULL, 0);

	if (events_array == NULL && (events_array = json_array()) == NULL)
		util_die("out of memory (jansson)");
	put(o, "events", events_array);
	return o;
}

json_t *
proto_snapshot_events(const json_t *o)
{
	json_t *a = json_object_get(o, "events");

	return json_is_array(a) ? a : NULL;
}

json_t *
proto_caught_up_to_json(int64_t seq)
{
	json_t *o = new_object("caught_up");

	put_int(o, "seq", seq);
	return o;
}

int
proto_caught_up_from_json(const json_t *o, int64_t *seq, char *err,
    size_t errsz)
{
	if (check_message(o, "caught_up", err, errsz) != 0)
		return -1;
	return get_int(o, "", "seq", REQ, 0, INT64_MAX, seq, err, errsz);
}

json_t *
proto_error_to_json(const char *code, const char *reason, const char *op_id)
{
	json_t *o = new_object("error");

	put_str(o, "code", code ? code : PROTO_ERR_INTERNAL);
	put_opt_str(o, "reason", reason);
	put_opt_str(o, "op_id", op_id);
	return o;
}

int
proto_error_from_json(const json_t *o, const char **code,
    const char **reason, const char **op_id, char *err, size_t errsz)
{
	*code = *reason = *op_id = NULL;
	TRY(check_message(o, "error", err, errsz));
	TRY(get_str(o, "", "code", REQ | NONEMPTY, 64, code, err, errsz));
	TRY(get_str(o, "", "reason", 0, 0, reason, err, errsz));
	TRY(get_str(o, "", "op_id", 0, 0, op_id, err, errsz));
	if (*op_id != NULL && !proto_op_id_valid(*op_id))
		FAIL("op_id: must be 32 lowercase hex digits");
	return 0;
fail:
	*code = *reason = *op_id = NULL;
	return -1;
}

json_t *
proto_ping_to_json(const char *type, int64_t t)
{
	json_t *o = new_object(type != NULL && strcmp(type, "pong") == 0 ?
	    "pong" : "ping");

	put_int(o, "t", t);
	return o;
}

int
proto_ping_from_json(const json_t *o, int64_t *t, char *err, size_t errsz)
{
	const char *type;

	if (check_object(o, "ping", err, errsz) != 0)
		return -1;
	if (get_str(o, "", "type", 0, 0, &type, err, errsz) != 0)
		return -1;
	if (type != NULL && strcmp(type, "ping") != 0 &&
	    strcmp(type, "pong") != 0) {
		seterr(err, errsz, "type: expected \"ping\" or \"pong\"");
		return -1;
	}
	return get_int(o, "", "t", REQ, INT64_MIN, INT64_MAX, t, err, errsz);
}

/* ---- on-call schedules --------------------------------------------------- */

/* Rotations the config file can say: 1h to 9000 weeks, whole hours. */
#define TURN_MIN	3600LL
#define TURN_MAX	(9000LL * 604800)

static void
put_local(json_t *o, const char *key, int64_t local)
{
	int64_t y, days = wr_floordiv(local, 86400), sod = local - days * 86400;
	int m, d;
	char buf[48];

	wr_civil_from_days(days, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d",
	    (long long)y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60),
	    (int)(sod % 60));
	put_str(o, key, buf);
}

static json_t *
new_array(void)
{
	json_t *a = json_array();

	if (a == NULL)
		util_die("out of memory (jansson)");
	return a;
}

static void
append(json_t *a, json_t *v)
{
	if (v == NULL || json_array_append_new(a, v) != 0)
		util_die("out of memory (jansson)");
}

static json_t *
layer_to_json(const struct wr_layer *l)
{
	json_t *o = new_object(NULL), *people = new_array(),
	    *restricts = new_array();

	put_str(o, "name", l->name);
	if (l->fixed) {
		/* explicit shifts (an iCalendar file): no rotation */
		json_t *shifts = new_array();

		for (size_t i = 0; i < l->n_shifts; i++) {
			json_t *so = new_object(NULL);

			put_str(so, "person", l->shifts[i].person);
			/* shifts are in seconds, the wire in ms */
			put_time(so, "from", l->shifts[i].from * 1000);
			put_time(so, "until", l->shifts[i].until * 1000);
			append(shifts, so);
		}
		put(o, "shifts", shifts);
		json_decref(people);
		json_decref(restricts);
		return o;
	}
	put_int(o, "rotation_s", l->turn);
	put_local(o, "start", l->start);
	for (size_t i = 0; i < l->n_people; i++)
		append(people, jstr(l->people[i]));
	put(o, "participants", people);
	for (size_t i = 0; i < l->n_restricts; i++) {
		json_t *r = new_object(NULL);

		put_int(r, "days", l->restricts[i].days);
		put_int(r, "start", l->restricts[i].start);
		put_int(r, "end", l->restricts[i].end);
		append(restricts, r);
	}
	put(o, "restrict", restricts);
	return o;
}

static json_t *
policy_to_json(const struct wr_policy *p)
{
	json_t *o = new_object(NULL), *steps = new_array();
	char *match = wr_policy_match_text(p);

	put_str(o, "name", p->name);
	if (p->has_match)
		put_str(o, "match", match);
	free(match);
	for (size_t i = 0; i < p->n_steps; i++) {
		char *t = wr_policy_step_text(&p->steps[i]);

		append(steps, json_string(t));
		free(t);
	}
	put(o, "steps", steps);
	put_int(o, "repeat", p->repeat);
	if (p->ack_timeout_ms > 0)
		put_int(o, "ack_timeout_ms", p->ack_timeout_ms);
	return o;
}

json_t *
proto_schedules_to_json(const struct wr_schedule *const *v, size_t n,
    const struct wr_policy *const *policies, size_t n_policies)
{
	json_t *o = new_object("schedules"), *arr = new_array();

	if (n_policies > 0) {
		json_t *pa = new_array();

		for (size_t i = 0; i < n_policies; i++)
			append(pa, policy_to_json(policies[i]));
		put(o, "policies", pa);
	}

	for (size_t i = 0; i < n; i++) {
		const struct wr_schedule *s = v[i];
		json_t *so = new_object(NULL), *layers = new_array(),
		    *ovs = new_array();

		put_str(so, "name", s->name);
		put_str(so, "timezone", wr_zone_name(s->zone));
		for (size_t j = 0; j < s->n_layers; j++)
			append(layers, layer_to_json(&s->layers[j]));
		put(so, "layers", layers);
		for (size_t j = 0; j < s->n_overrides; j++) {
			const struct wr_override *ov = &s->overrides[j];
			json_t *oo = new_object(NULL);

			put_str(oo, "id", ov->id != NULL ? ov->id : "");
			put_str(oo, "person", ov->person);
			put_time(oo, "from", ov->from);
			put_time(oo, "until", ov->until);
			append(ovs, oo);
		}
		put(so, "overrides", ovs);
		/* open cover requests: sent only when there are some, so a
		 * frame without any reads as it always did */
		if (s->n_covers > 0) {
			json_t *cvs = new_array();

			for (size_t j = 0; j < s->n_covers; j++) {
				const struct wr_cover *cv = &s->covers[j];
				json_t *co = new_object(NULL);

				put_str(co, "id", cv->id);
				put_str(co, "by", cv->by);
				put_time(co, "from", cv->from);
				put_time(co, "until", cv->until);
				put_opt_str(co, "reason", cv->reason);
				append(cvs, co);
			}
			put(so, "cover_requests", cvs);
		}
		append(arr, so);
	}
	put(o, "schedules", arr);
	return o;
}

/* The array member key of o (required), at most max long. */
static int
get_array(const json_t *o, const char *ctx, const char *key, size_t max,
    json_t **out, char *err, size_t errsz)
{
	TRY(member(o, ctx, key, REQ, out, err, errsz));
	if (!json_is_array(*out))
		FAIL("%s%s: must be an array", ctx, key);
	if (json_array_size(*out) > max)
		FAIL("%s%s: more than %zu", ctx, key, max);
	return 0;
fail:
	return -1;
}

/* A layer of explicit shifts ("shifts": [{person, from, until}], from an
 * iCalendar file): at most PROTO_MAX_SHIFTS, each from before until. */
static int
fixed_layer_from_json(const json_t *o, const char *ctx, const char *name,
    struct wr_schedule *s, char *err, size_t errsz)
{
	json_t *arr, *v;
	struct wr_shift *sh = NULL;
	size_t i, n = 0;

	TRY(get_array(o, ctx, "shifts", PROTO_MAX_SHIFTS, &arr, err, errsz));
	sh = xcalloc(json_array_size(arr) + 1, sizeof *sh);
	json_array_foreach(arr, i, v) {
		const char *person;

		if (!json_is_object(v))
			FAIL("%sshifts[%zu]: must be an object", ctx, i);
		TRY(get_str(v, ctx, "person", REQ | NONEMPTY, PROTO_MAX_ACTOR,
		    &person, err, errsz));
		TRY(get_time(v, ctx, "from", REQ, &sh[n].from, err, errsz));
		TRY(get_time(v, ctx, "until", REQ, &sh[n].until, err, errsz));
		sh[n].from = wr_floordiv(sh[n].from, 1000);
		sh[n].until = wr_floordiv(sh[n].until, 1000);
		if (sh[n].from >= sh[n].until)
			FAIL("%sshifts[%zu].until: not after from", ctx, i);
		sh[n++].person = (char *)person;	/* borrowed */
	}
	wr_schedule_set_shifts(wr_schedule_add_layer(s, name), sh, n);
	free(sh);
	return 0;
fail:
	free(sh);
	return -1;
}

static int
layer_from_json(const json_t *o, const char *ctx, struct wr_schedule *s,
    char *err, size_t errsz)
{
	const char *name, *start;
	int64_t turn, d, b, e;
	json_t *people, *restricts, *v;
	struct wr_layer *l;
	char *cause = NULL;
	size_t i;

	if (!json_is_object(o))
		FAIL("%s must be an object", ctx);
	TRY(get_str(o, ctx, "name", REQ | NONEMPTY, PROTO_MAX_ACTOR, &name,
	    err, errsz));
	if (json_object_get(o, "shifts") != NULL)
		return fixed_layer_from_json(o, ctx, name, s, err, errsz);
	TRY(get_int(o, ctx, "rotation_s", REQ, TURN_MIN, TURN_MAX, &turn, err,
	    errsz));
	if (turn % 3600 != 0)
		FAIL("%srotation_s: not whole hours", ctx);
	TRY(get_str(o, ctx, "start", REQ, 32, &start, err, errsz));
	TRY(get_array(o, ctx, "participants", PROTO_MAX_PEOPLE, &people, err,
	    errsz));
	TRY(get_array(o, ctx, "restrict", PROTO_MAX_RESTRICTS, &restricts,
	    err, errsz));
	l = wr_schedule_add_layer(s, name);
	l->turn = turn;
	l->has_turn = 1;
	if (wr_schedule_parse_start(start, &l->start, &cause) != 0) {
		seterr(err, errsz, "%sstart: %s", ctx, cause);
		free(cause);
		goto fail;
	}
	l->has_start = 1;
	json_array_foreach(people, i, v) {
		const char *p = json_string_value(v);

		if (!json_is_string(v) || strlen(p) != json_string_length(v) ||
		    p[0] == '\0' || strlen(p) > PROTO_MAX_ACTOR)
			FAIL("%sparticipants: each a name of 1 to %d bytes",
			    ctx, PROTO_MAX_ACTOR);
		wr_schedule_add_person(l, p);
	}
	json_array_foreach(restricts, i, v) {
		struct wr_restrict r;

		if (!json_is_object(v))
			FAIL("%srestrict: each must be an object", ctx);
		TRY(get_int(v, ctx, "days", REQ, 1, 127, &d, err, errsz));
		TRY(get_int(v, ctx, "start", REQ, 0, 86399, &b, err, errsz));
		TRY(get_int(v, ctx, "end", REQ, 1, 86400, &e, err, errsz));
		r.days = (uint8_t)d;
		r.start = (int32_t)b;
		r.end = (int32_t)e;
		wr_schedule_add_restrict(l, &r);
	}
	return 0;
fail:
	return -1;
}

static int
schedule_from_json(const json_t *o, size_t at, proto_zone_fn zone_fn,
    void *ud, struct proto_schedule *out, char *err, size_t errsz)
{
	const char *name, *tz;
	json_t *layers, *ovs, *cvs, *v;
	struct wr_zone *zone;
	struct wr_schedule *s = NULL;
	char ctx[96], *cause = NULL;
	size_t i;

	if (!json_is_object(o))
		FAIL("schedules[%zu]: must be an object", at);
	snprintf(ctx, sizeof ctx, "schedules[%zu].", at);
	TRY(get_str(o, ctx, "name", REQ | NONEMPTY, PROTO_MAX_ACTOR, &name,
	    err, errsz));
	TRY(get_str(o, ctx, "timezone", REQ | NONEMPTY, PROTO_MAX_ZONE_NAME,
	    &tz, err, errsz));
	TRY(get_array(o, ctx, "layers", PROTO_MAX_LAYERS, &layers, err,
	    errsz));
	TRY(get_array(o, ctx, "overrides", PROTO_MAX_OVERRIDES, &ovs, err,
	    errsz));
	out->name = xstrdup(name);
	out->timezone = xstrdup(tz);
	/* The definition is checked whether or not the zone can be had: a
	 * console without the zone refuses what one with it would. */
	if ((zone = zone_fn(ud, tz, &cause)) == NULL) {
		out->problem = cause != NULL ? cause :
		    xasprintf("unknown time zone %s", tz);
		cause = NULL;
		zone = wr_zone_fixed("UTC", 0);
	}
	s = wr_schedule_new(name, zone);
	json_array_foreach(layers, i, v) {
		char lctx[128];

		snprintf(lctx, sizeof lctx, "%slayers[%zu].", ctx, i);
		TRY(layer_from_json(v, lctx, s, err, errsz));
	}
	if (s->n_layers > 0 && wr_schedule_check(s, &cause) != 0) {
		seterr(err, errsz, "%s%s", ctx, cause);
		free(cause);
		goto fail;
	}
	json_array_foreach(ovs, i, v) {
		const char *id, *person;
		int64_t from, until;
		char octx[128];

		snprintf(octx, sizeof octx, "%soverrides[%zu].", ctx, i);
		if (!json_is_object(v))
			FAIL("%s must be an object", octx);
		TRY(get_str(v, octx, "id", REQ, 64, &id, err, errsz));
		TRY(get_str(v, octx, "person", REQ | NONEMPTY, PROTO_MAX_ACTOR,
		    &person, err, errsz));
		TRY(get_time(v, octx, "from", REQ, &from, err, errsz));
		TRY(get_time(v, octx, "until", REQ, &until, err, errsz));
		if (from >= until)
			FAIL("%suntil: not after from", octx);
		wr_schedule_add_override(s, id, person, from, until);
	}
	/* optional: a relay from before cover requests sends none */
	TRY(member(o, ctx, "cover_requests", 0, &cvs, err, errsz));
	if (cvs != NULL && !json_is_array(cvs))
		FAIL("%scover_requests: must be an array", ctx);
	if (cvs != NULL && json_array_size(cvs) > PROTO_MAX_COVERS)
		FAIL("%scover_requests: more than %d", ctx, PROTO_MAX_COVERS);
	json_array_foreach(cvs, i, v) {
		const char *id, *by, *reason;
		int64_t from, until;
		char cctx[160];

		snprintf(cctx, sizeof cctx, "%scover_requests[%zu].", ctx, i);
		if (!json_is_object(v))
			FAIL("%s must be an object", cctx);
		TRY(get_str(v, cctx, "id", REQ, 64, &id, err, errsz));
		TRY(get_str(v, cctx, "by", REQ | NONEMPTY, PROTO_MAX_ACTOR,
		    &by, err, errsz));
		TRY(get_str(v, cctx, "reason", 0, WR_FIELD_MAX_REASON,
		    &reason, err, errsz));
		TRY(get_time(v, cctx, "from", REQ, &from, err, errsz));
		TRY(get_time(v, cctx, "until", REQ, &until, err, errsz));
		if (from >= until)
			FAIL("%suntil: not after from", cctx);
		wr_schedule_add_cover(s, id, by, from, until, reason);
	}
	if (out->problem != NULL)
		wr_schedule_free(s);
	else
		out->s = s;
	return 0;
fail:
	wr_schedule_free(s);
	return -1;
}

/* A policy, read with the config file's own parsers (core/policy.h). */
static int
policy_from_json(const json_t *o, size_t at, struct wr_policy **out,
    char *err, size_t errsz)
{
	const char *name, *match;
	struct wr_policy *p = NULL;
	json_t *steps, *v;
	char ctx[48], *cause = NULL;
	int64_t repeat, ack;
	size_t i;

	*out = NULL;
	snprintf(ctx, sizeof ctx, "policies[%zu].", at);
	if (!json_is_object(o))
		FAIL("policies[%zu]: must be an object", at);
	TRY(get_str(o, ctx, "name", REQ | NONEMPTY, WR_POLICY_NAME_MAX, &name,
	    err, errsz));
	TRY(get_str(o, ctx, "match", 0, 4096, &match, err, errsz));
	TRY(get_array(o, ctx, "steps", WR_POLICY_STEPS_MAX, &steps, err,
	    errsz));
	TRY(get_int(o, ctx, "repeat", 0, 0, WR_POLICY_REPEAT_MAX, &repeat, err,
	    errsz));
	TRY(get_int(o, ctx, "ack_timeout_ms", 0, 0, INT64_MAX / 2, &ack, err,
	    errsz));
	p = wr_policy_new(name);
	p->repeat = (int)repeat;
	p->ack_timeout_ms = ack;
	if (match != NULL && wr_policy_set_match(p, match, &cause) != 0)
		goto bad;
	json_array_foreach(steps, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) !=
		    json_string_length(v) || json_string_length(v) > 4096)
			FAIL("%ssteps[%zu]: must be a string of at most 4096 "
			    "bytes", ctx, i);
		if (wr_policy_add_step(p, json_string_value(v), &cause) != 0)
			goto bad;
	}
	if (wr_policy_check(p, &cause) != 0)
		goto bad;
	*out = p;
	return 0;
bad:
	seterr(err, errsz, "policies[%zu] (%s): %s", at, name, cause);
	free(cause);
fail:
	wr_policy_free(p);
	return -1;
}

int
proto_schedules_from_json(const json_t *o, proto_zone_fn zone, void *ud,
    struct proto_schedules *out, char *err, size_t errsz)
{
	json_t *arr, *v, *pols;
	size_t i;

	memset(out, 0, sizeof *out);
	TRY(check_message(o, "schedules", err, errsz));
	TRY(get_array(o, "", "schedules", PROTO_MAX_SCHEDULES, &arr, err,
	    errsz));
	out->v = xcalloc(json_array_size(arr) + 1, sizeof *out->v);
	json_array_foreach(arr, i, v) {
		struct proto_schedule *ps = &out->v[out->n++];

		TRY(schedule_from_json(v, i, zone, ud, ps, err, errsz));
		for (size_t j = 0; j + 1 < out->n; j++)
			if (strcmp(out->v[j].name, ps->name) == 0)
				FAIL("schedules[%zu].name: \"%s\" twice", i,
				    ps->name);
	}
	TRY(member(o, "", "policies", 0, &pols, err, errsz));
	if (pols != NULL && !json_is_array(pols))
		FAIL("policies: must be an array");
	if (pols != NULL && json_array_size(pols) > PROTO_MAX_POLICIES)
		FAIL("policies: more than %d", PROTO_MAX_POLICIES);
	if (pols != NULL)
		out->policies = xcalloc(json_array_size(pols) + 1,
		    sizeof *out->policies);
	json_array_foreach(pols, i, v) {
		TRY(policy_from_json(v, i, &out->policies[out->n_policies],
		    err, errsz));
		out->n_policies++;
		for (size_t j = 0; j + 1 < out->n_policies; j++)
			if (strcmp(out->policies[j]->name, out->policies[
			    out->n_policies - 1]->name) == 0)
				FAIL("policies[%zu].name: \"%s\" twice", i,
				    out->policies[j]->name);
	}
	return 0;
fail:
	proto_schedules_free(out);
	return -1;
}

void
proto_schedules_free(struct proto_schedules *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].timezone);
		free(l->v[i].problem);
		wr_schedule_free(l->v[i].s);
	}
	free(l->v);
	for (size_t i = 0; i < l->n_policies; i++)
		wr_policy_free(l->policies[i]);
	free(l->policies);
	memset(l, 0, sizeof *l);
}

/* ---- op ids --------------------------------------------------------------- */

int
proto_new_op_id(char out[33])
{
	return util_random_hex(out, 16);
}

int
proto_op_id_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[32] == '\0';
}
