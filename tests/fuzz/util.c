/*
 * tests/fuzz/util.c: helpers for the fuzz targets (fuzz.h).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "net/proto.h"
#include "tests/fuzz/fuzz.h"

static char dir[64], file[96];

char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void
cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

const char *
fuzz_file(const uint8_t *data, size_t size)
{
	int fd;

	if (dir[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof dir, "%s/wr-fuzz.XXXXXX",
		    tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(file, sizeof file, "%s/input", dir);
		atexit(cleanup);
	}
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n <= 0)
			abort();
		data += n;
		size -= (size_t)n;
	}
	close(fd);
	return file;
}

void
fuzz_event_roundtrip(const struct wr_event *e, struct wr_event *out)
{
	struct wr_event d;
	enum proto_type type;
	char err[256], *direct, *tree, *again;
	size_t len, tlen;
	json_t *o;

	direct = proto_event_dump(e, &len);
	FUZZ_CHECK(direct != NULL, "event seq %lld does not encode",
	    (long long)e->seq);
	o = proto_event_to_json(e);
	tree = proto_dump(o, &tlen);
	json_decref(o);
	FUZZ_CHECK(tree != NULL && tlen == len && memcmp(tree, direct,
	    len) == 0, "the two encoders differ:\n  %s\n  %s", direct,
	    tree ? tree : "(null)");
	o = proto_parse(direct, len, &type, err, sizeof err);
	FUZZ_CHECK(o != NULL && type == PROTO_EVENT, "an encoded event does "
	    "not parse: %s: %s", o ? "not an event" : err, direct);
	FUZZ_CHECK(proto_event_from_json(o, &d, err, sizeof err) == 0,
	    "a console cannot decode the event the relay sent: %s: %s", err,
	    direct);
	json_decref(o);
	again = proto_event_dump(&d, &tlen);
	FUZZ_CHECK(again != NULL && tlen == len && memcmp(again, direct,
	    len) == 0, "decoded, the event is another:\n  sent %s\n  read "
	    "%s", direct, again ? again : "(null)");
	FUZZ_CHECK(d.seq == e->seq && d.kind == e->kind && d.incident ==
	    e->incident && d.time == e->time, "seq, kind, incident or time "
	    "changed: %s", direct);
	free(direct);
	free(tree);
	free(again);
	if (out != NULL)
		*out = d;
	else
		wr_event_free(&d);
}

void
fuzz_incident_roundtrip(const struct wr_incident *inc)
{
	json_t *arr = json_array(), *o, *items, *v;
	struct wr_incident *d = NULL;
	enum proto_type type;
	char err[256], *text, *again;
	int64_t seq;
	int last;
	size_t len, len2;

	json_array_append_new(arr, proto_incident_to_json(inc, 1));
	o = proto_snapshot_to_json(inc->id, arr, 1);
	text = proto_dump(o, &len);
	json_decref(o);
	FUZZ_CHECK(text != NULL, "incident #%lld does not encode",
	    (long long)inc->id);
	o = proto_parse(text, len, &type, err, sizeof err);
	FUZZ_CHECK(o != NULL && type == PROTO_SNAPSHOT, "a snapshot frame "
	    "does not parse: %s", text);
	FUZZ_CHECK(proto_snapshot_from_json(o, &seq, &items, &last, err,
	    sizeof err) == 0 && json_array_size(items) == 1, "a snapshot "
	    "frame does not decode: %s: %s", err, text);
	v = json_array_get(items, 0);
	FUZZ_CHECK(proto_incident_from_json(v, &d, err, sizeof err) == 0,
	    "a console cannot decode the incident the relay sent: %s: %s",
	    err, text);
	json_decref(o);
	arr = json_array();
	json_array_append_new(arr, proto_incident_to_json(d, 1));
	o = proto_snapshot_to_json(inc->id, arr, 1);
	again = proto_dump(o, &len2);
	json_decref(o);
	FUZZ_CHECK(again != NULL && len2 == len && memcmp(again, text,
	    len) == 0, "decoded, the incident is another:\n  sent %s\n  "
	    "read %s", text, again ? again : "(null)");
	wr_incident_free(d);
	free(text);
	free(again);
}
