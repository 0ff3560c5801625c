/*
 * relay/replay.c: a recorded alert sequence played into the relay itself
 * (warroomd --replay FILE, and the console's --demo).
 *
 * The file is JSON lines (warroom-scenario(5)): each line has "at" (seconds
 * from the start) and either "source" ("alertmanager" or "events-v2") with
 * the "body" a sender would POST, or "op" (any op a console sends) with
 * "actor", for an incident's op the incident's "source" and "key", and the
 * op's arguments under their names on the wire: the line is decoded as the
 * op a console would send (net/proto.c), so an op that gains an argument
 * needs nothing here.  Any string in a body or an op line of the form "@N"
 * (N seconds, may be negative) becomes the ISO 8601 time N seconds after
 * the start, so a recording replays as if it were happening now.  Played bodies go through
 * the same ingest adapters and group commit as real ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/util.h"
#include "relay/relay-int.h"
#include "store/file.h"

struct replay_line {
	int64_t at_ms;
	enum { RL_ALERTMANAGER, RL_EVENTS_V2, RL_OP } type;
	json_t *body;		/* the body, or the op line */
};

struct relay_replay {
	struct replay_line *v;
	size_t n, next;
	int64_t start_wall;
	int64_t start_mono;
	lws_sorted_usec_list_t sul;
	struct relay *r;
};

void
relay_replay_free(struct relay_replay *p)
{
	if (p == NULL)
		return;
	lws_sul_cancel(&p->sul);
	for (size_t i = 0; i < p->n; i++)
		json_decref(p->v[i].body);
	free(p->v);
	free(p);
}

static void retime(json_t *j, int64_t start);

static int
op_of_line(const json_t *line, int64_t start, int64_t incident,
    const char *epoch, struct proto_op *op, char *err, size_t errsz)
{
	json_t *o = json_deep_copy(line);
	char id[33];
	int rc;

	if (o == NULL || proto_new_op_id(id) != 0) {
		json_decref(o);
		snprintf(err, errsz, "out of memory or randomness");
		return -1;
	}
	retime(o, start);
	json_object_del(o, "at");
	json_object_del(o, "source");
	json_object_del(o, "key");
	json_object_set_new(o, "type", json_string("op"));
	json_object_set_new(o, "op_id", json_string(id));
	json_object_set_new(o, "epoch", json_string(epoch));
	if (incident > 0)
		json_object_set_new(o, "incident", json_integer(incident));
	rc = proto_op_from_json(o, op, err, errsz);
	json_decref(o);
	return rc;
}

int
relay_replay_op(const struct relay_replay *p, size_t i, int64_t start,
    int64_t incident, const char *epoch, struct proto_op *op, char *err,
    size_t errsz)
{
	if (i >= p->n || p->v[i].type != RL_OP) {
		snprintf(err, errsz, "line %zu is not an op line", i);
		return -1;
	}
	return op_of_line(p->v[i].body, start, incident, epoch, op, err,
	    errsz);
}

/* The longest "at" a scenario may have: a year, in seconds.  Beyond it a
 * double times 1000 does not fit an int64 (1e303), or the relay would
 * wait for ever. */
#define REPLAY_MAX_AT_S (366.0 * 86400.0)

int
relay_replay_parse(const char *name, const char *text, size_t size,
    struct relay_replay **out, char **cause)
{
	struct relay_replay *p = xcalloc(1, sizeof *p);
	const char *next = text, *end = text + size;
	int lineno = 0;

	while (next < end) {
		const char *line = next, *nl = memchr(next, '\n',
		    (size_t)(end - next));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		json_error_t je;
		json_t *o, *at, *src, *op;
		struct replay_line rl;
		double at_s;

		next = line + len + 1;
		lineno++;
		while (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
		if (o == NULL || !json_is_object(o)) {
			*cause = xasprintf("%s:%d: not a JSON object%s%s", name,
			    lineno, o ? "" : ": ", o ? "" : je.text);
			json_decref(o);
			goto fail;
		}
		at = json_object_get(o, "at");
		src = json_object_get(o, "source");
		op = json_object_get(o, "op");
		at_s = json_is_number(at) ? json_number_value(at) : -1;
		if (!(at_s >= 0 && at_s <= REPLAY_MAX_AT_S)) {
			*cause = xasprintf("%s:%d: \"at\" must be a number of "
			    "seconds from 0 to %.0f (a year)", name, lineno,
			    REPLAY_MAX_AT_S);
			json_decref(o);
			goto fail;
		}
		rl.at_ms = (int64_t)(at_s * 1000.0);
		if (json_is_string(op)) {
			wr_op_kind k = wr_op_kind_parse(json_string_value(op));
			struct proto_op check;
			char why[256];

			rl.type = RL_OP;
			if (k == 0 || !json_is_string(json_object_get(o,
			    "actor")) || (wr_op_kind_info(k)->scope ==
			    WR_SCOPE_INCIDENT && (!json_is_string(
			    json_object_get(o, "key")) || !json_is_string(src)))) {
				*cause = xasprintf("%s:%d: an op line needs op "
				    "and actor, and an incident's op its source "
				    "and key", name, lineno);
				json_decref(o);
				goto fail;
			}
			/* its arguments, as the relay will decode them */
			if (op_of_line(o, 0, 1, "replay", &check, why,
			    sizeof why) != 0) {
				*cause = xasprintf("%s:%d: %s", name, lineno,
				    why);
				json_decref(o);
				goto fail;
			}
			proto_op_free(&check);
			rl.body = o;
		} else if (json_is_string(src) && json_is_object(
		    json_object_get(o, "body"))) {
			if (strcmp(json_string_value(src), "alertmanager") == 0)
				rl.type = RL_ALERTMANAGER;
			else if (strcmp(json_string_value(src), "events-v2") == 0)
				rl.type = RL_EVENTS_V2;
			else {
				*cause = xasprintf("%s:%d: source must be "
				    "alertmanager or events-v2", name, lineno);
				json_decref(o);
				goto fail;
			}
			rl.body = json_incref(json_object_get(o, "body"));
			json_decref(o);
		} else {
			*cause = xasprintf("%s:%d: a line needs \"source\" and "
			    "\"body\", or \"op\"", name, lineno);
			json_decref(o);
			goto fail;
		}
		p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
		p->v[p->n++] = rl;
	}
	*out = p;
	return 0;
fail:
	relay_replay_free(p);
	return -1;
}

/* A scenario is small; one this big is a mistake. */
#define REPLAY_MAX (64 * 1024 * 1024)

int
relay_replay_load(const char *path, struct relay_replay **out, char **cause)
{
	char *text;
	size_t len;
	int rc, err;

	if (store_read_file(path, REPLAY_MAX, &text, &len, &err) != 0) {
		*cause = err == EFBIG ? xasprintf("scenario %s is larger than "
		    "64M", path) : xasprintf("cannot open scenario %s: %s",
		    path, strerror(err));
		return -1;
	}
	rc = relay_replay_parse(path, text, len, out, cause);
	free(text);
	return rc;
}

/* The largest "@N" taken as an offset: 100 years, in seconds. */
#define REPLAY_MAX_OFFSET_S (100L * 366 * 86400)

/* Turn "@N" strings into times N seconds after the start. */
static void
retime(json_t *j, int64_t start)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			if (json_is_string(v)) {
				const char *s = json_string_value(v);
				char *end, ts[40];
				long n;
				if (s[0] != '@')
					continue;
				errno = 0;
				n = strtol(s + 1, &end, 10);
				/* Not an offset a recording can mean (and
				 * n * 1000 might overflow): left as it is. */
				if (*end != '\0' || end == s + 1 ||
				    errno != 0 || n > REPLAY_MAX_OFFSET_S ||
				    n < -REPLAY_MAX_OFFSET_S)
					continue;
				wr_time_format(start + (int64_t)n * 1000, ts,
				    sizeof ts);
				json_object_set_new(j, k, json_string(ts));
			} else {
				retime(v, start);
			}
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			retime(v, start);
	}
}

size_t
relay_replay_lines(const struct relay_replay *p)
{
	return p->n;
}

char *
relay_replay_body(const struct relay_replay *p, size_t i, int64_t start,
    int *alertmanager)
{
	json_t *body;
	char *s;

	if (i >= p->n || p->v[i].type == RL_OP)
		return NULL;
	body = json_deep_copy(p->v[i].body);
	retime(body, start);
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	*alertmanager = p->v[i].type == RL_ALERTMANAGER;
	return s;
}

static void
play(struct relay *r, struct relay_replay *p, struct replay_line *rl)
{
	struct relay_item *it = xcalloc(1, sizeof *it);
	char err[512];
	int rc;

	util_strlcpy(it->via, "replay", sizeof it->via);
	if (rl->type == RL_OP) {
		const char *src = json_string_value(json_object_get(rl->body,
		    "source"));
		const char *key = json_string_value(json_object_get(rl->body,
		    "key"));
		wr_op_kind k = wr_op_kind_parse(json_string_value(
		    json_object_get(rl->body, "op")));
		int64_t incident = 0;

		if (wr_op_kind_info(k)->scope == WR_SCOPE_INCIDENT) {
			/* Its alerts came through this same via: the
			 * sender. */
			struct wr_incident *inc = wr_room_find_key(&r->room,
			    src, it->via, key);

			if (inc == NULL) {
				relay_log(r, "replay: no incident for %s %s "
				    "yet; op skipped", src, key);
				free(it);
				return;
			}
			incident = inc->id;
		}
		it->type = ITEM_OP;
		if (relay_replay_op(p, (size_t)(rl - p->v), p->start_wall,
		    incident, store_epoch(r->store), &it->op, err,
		    sizeof err) != 0) {
			relay_log(r, "replay: op %s skipped: %s",
			    wr_op_kind_name(k), err);
			relay_item_free(it);
			return;
		}
		relay_enqueue(r, it);
		return;
	}
	{
		struct ingest_ctx ictx = { wr_now_ms(), &r->cfg->severity };
		int am = 0;
		char *s = relay_replay_body(p, (size_t)(rl - p->v),
		    p->start_wall, &am);

		it->type = ITEM_INGEST;
		err[0] = '\0';
		if (am) {
			it->ep = EP_ALERTMANAGER;
			rc = ingest_alertmanager(s, strlen(s), &ictx,
			    &it->ingest, err, sizeof err);
		} else {
			char **errors = NULL;
			size_t n_errors = 0;
			it->ep = EP_EVENTS_V2;
			rc = ingest_events_v2(s, strlen(s), &ictx,
			    &it->ingest, err, sizeof err, &errors, &n_errors);
			for (size_t i = 0; i < n_errors; i++)
				free(errors[i]);
			free(errors);
		}
		free(s);
		if (rc != 0) {
			relay_log(r, "replay: a body was refused: %s", err);
			relay_item_free(it);
			return;
		}
		relay_enqueue(r, it);
	}
}

static void
replay_cb(lws_sorted_usec_list_t *sul)
{
	struct relay_replay *p = lws_container_of(sul, struct relay_replay,
	    sul);
	int64_t now = wr_mono_ms() - p->start_mono;

	while (p->next < p->n && p->v[p->next].at_ms <= now)
		play(p->r, p, &p->v[p->next++]);
	if (p->next < p->n) {
		int64_t wait = p->v[p->next].at_ms - now;
		lws_sul_schedule(p->r->ctx, 0, &p->sul, replay_cb,
		    (lws_usec_t)(wait > 0 ? wait : 1) * LWS_US_PER_MS);
	} else {
		relay_log(p->r, "replay: all %zu lines played", p->n);
	}
}

void
relay_replay_start(struct relay *r, struct relay_replay *p)
{
	p->r = r;
	p->start_wall = wr_now_ms();
	p->start_mono = wr_mono_ms();
	p->next = 0;
	lws_sul_schedule(r->ctx, 0, &p->sul, replay_cb, 1);
}
