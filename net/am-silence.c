/*
 * am-silence.c: Alertmanager's silences API on the wire (am-silence.h).
 *
 * The request is written with core/jbuf.h (compact JSON, strings checked
 * for UTF-8); the answers are read with the strict JSON reader and every
 * member the relay keeps is checked for type and size.  Alertmanager's
 * silenceID is a UUID; anything else that is short and of safe bytes is
 * taken too (a proxy or a later version), nothing that could change a path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jbuf.h"
#include "core/silence.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/am-silence.h"
#include "net/json-strict.h"

#define ERR(...) do {							\
	if (err != NULL && errsz > 0)					\
		snprintf(err, errsz, __VA_ARGS__);			\
	goto fail;							\
} while (0)

static void
put_time(struct jbuf *b, const char *key, int64_t ms)
{
	char t[40];

	wr_time_format(ms, t, sizeof t);
	jbuf_key(b, key);
	jbuf_str(b, t);
}

char *
am_silence_post_body(const struct wr_kvlist *matchers, int64_t starts,
    int64_t ends, const char *created_by, const char *comment)
{
	struct jbuf b;

	jbuf_init(&b, 256);
	jbuf_char(&b, '{');
	jbuf_key(&b, "matchers");
	jbuf_char(&b, '[');
	for (size_t i = 0; i < matchers->n; i++) {
		jbuf_sep(&b);
		jbuf_char(&b, '{');
		jbuf_key(&b, "name");
		if (jbuf_str(&b, matchers->v[i].key) == -1)
			goto bad;
		jbuf_key(&b, "value");
		if (jbuf_str(&b, matchers->v[i].value) == -1)
			goto bad;
		jbuf_key(&b, "isRegex");
		jbuf_raw(&b, "false", 5);
		jbuf_key(&b, "isEqual");
		jbuf_raw(&b, "true", 4);
		jbuf_char(&b, '}');
	}
	jbuf_char(&b, ']');
	put_time(&b, "startsAt", starts);
	put_time(&b, "endsAt", ends);
	jbuf_key(&b, "createdBy");
	if (jbuf_str(&b, created_by != NULL ? created_by : "") == -1)
		goto bad;
	jbuf_key(&b, "comment");
	if (jbuf_str(&b, comment != NULL ? comment : "") == -1)
		goto bad;
	jbuf_char(&b, '}');
	return jbuf_take(&b, NULL);
bad:
	jbuf_free(&b);
	return NULL;
}

int
am_silence_id_ok(const char *id)
{
	size_t n = 0;

	if (id == NULL)
		return 0;
	for (; id[n] != '\0'; n++) {
		char c = id[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_'))
			return 0;
	}
	return n >= 1 && n <= WR_SILENCE_ID_MAX;
}

int
am_silence_parse_created(const char *body, size_t len, char **id, char *err,
    size_t errsz)
{
	json_t *root, *v;
	const char *s;

	*id = NULL;
	if ((root = json_strict_parse(body, len, err, errsz)) == NULL)
		return -1;
	v = json_object_get(root, "silenceID");
	if (!json_is_string(v))
		ERR("silenceID: expected a string, got %s",
		    v != NULL ? json_strict_type_name(v) : "nothing");
	s = json_string_value(v);
	if (!am_silence_id_ok(s))
		ERR("silenceID: not an id (1 to %d bytes of A-Z a-z 0-9 . _ -)",
		    WR_SILENCE_ID_MAX);
	*id = xstrdup(s);
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	return -1;
}

/* A string member, bounded; NULL (and 0) when absent and optional. */
static int
str_member(const json_t *o, const char *key, int required, size_t max,
    char **out, char *err, size_t errsz)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, errsz, "%s: expected a string, got %s", key,
		    v != NULL ? json_strict_type_name(v) : "nothing");
		return -1;
	}
	if (json_string_length(v) > max) {
		snprintf(err, errsz, "%s: longer than %zu bytes", key, max);
		return -1;
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int
time_member(const json_t *o, const char *key, int64_t *out, char *err,
    size_t errsz)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!json_is_string(v) || json_string_length(v) > 64) {
		snprintf(err, errsz, "%s: expected a time", key);
		return -1;
	}
	if (wr_time_parse(json_string_value(v), out) != 0) {
		snprintf(err, errsz, "%s: not an RFC 3339 time", key);
		return -1;
	}
	return 0;
}

/* The matchers array as text, each checked and the whole bounded. */
static int
matchers_text(const json_t *arr, char **out, char *err, size_t errsz)
{
	size_t i, len = 0;
	json_t *m;
	char *text;

	*out = NULL;
	if (!json_is_array(arr) || json_array_size(arr) > WR_MATCHERS_MAX) {
		snprintf(err, errsz, "matchers: expected an array of at most "
		    "%d", WR_MATCHERS_MAX);
		return -1;
	}
	text = xstrdup("");
	json_array_foreach(arr, i, m) {
		json_t *n = json_object_get(m, "name");
		json_t *v = json_object_get(m, "value");
		json_t *re = json_object_get(m, "isRegex");
		json_t *equal = json_object_get(m, "isEqual");
		const char *op;
		char *one, *piece;
		struct wr_kvlist single = { 0 };

		if (!json_is_object(m) || !json_is_string(n) ||
		    !json_is_string(v) || !json_is_boolean(re) ||
		    (equal != NULL && !json_is_boolean(equal)) ||
		    !wr_matcher_name_ok(json_string_value(n)) ||
		    json_string_length(v) > WR_MATCHER_VALUE_MAX) {
			snprintf(err, errsz, "matchers[%zu]: expected "
			    "{name, value, isRegex[, isEqual]} within bounds",
			    i);
			free(text);
			return -1;
		}
		op = json_is_true(re) ? (equal == NULL || json_is_true(equal) ?
		    "=~" : "!~") : (equal == NULL || json_is_true(equal) ?
		    "=" : "!=");
		wr_kvlist_add(&single, json_string_value(n),
		    json_string_value(v));
		one = wr_matchers_format(&single);
		wr_kvlist_free(&single);
		/* NAME="V" -> NAME<op>"V" */
		piece = xasprintf("%s%s%s%s", i > 0 ? ", " : "",
		    json_string_value(n), op, one + strlen(json_string_value(n))
		    + 1);
		free(one);
		len += strlen(piece);
		text = xrealloc(text, len + 1);
		strcat(text, piece);
		free(piece);
		if (len > WR_MATCHERS_TEXT_MAX) {
			snprintf(err, errsz, "matchers: longer than %d bytes",
			    WR_MATCHERS_TEXT_MAX);
			free(text);
			return -1;
		}
	}
	*out = text;
	return 0;
}

/* One silence object (its members checked as am_silence_parse says). */
static int
parse_object(const json_t *root, struct am_silence *out, char *err,
    size_t errsz)
{
	const json_t *st;

	memset(out, 0, sizeof *out);
	if (!json_is_object(root))
		ERR("a silence: expected an object");
	if (str_member(root, "id", 1, WR_SILENCE_ID_MAX, &out->id, err,
	    errsz) != 0)
		goto fail;
	if (!am_silence_id_ok(out->id))
		ERR("id: not an id");
	st = json_object_get(root, "status");
	if (!json_is_object(st))
		ERR("status: expected an object");
	if (str_member(st, "state", 1, 16, &out->state, err, errsz) != 0)
		goto fail;
	if (strcmp(out->state, "active") != 0 &&
	    strcmp(out->state, "pending") != 0 &&
	    strcmp(out->state, "expired") != 0)
		ERR("status.state: not active, pending or expired");
	if (time_member(root, "startsAt", &out->starts, err, errsz) != 0 ||
	    time_member(root, "endsAt", &out->ends, err, errsz) != 0)
		goto fail;
	if (str_member(root, "createdBy", 0, 256, &out->created_by, err,
	    errsz) != 0 ||
	    str_member(root, "comment", 0, 4 * WR_SILENCE_COMMENT_MAX,
	    &out->comment, err, errsz) != 0)
		goto fail;
	if (json_object_get(root, "updatedAt") != NULL &&
	    time_member(root, "updatedAt", &out->updated, err, errsz) != 0)
		goto fail;
	if (matchers_text(json_object_get(root, "matchers"), &out->matchers,
	    err, errsz) != 0)
		goto fail;
	return 0;
fail:
	am_silence_free(out);
	return -1;
}

int
am_silence_parse(const char *body, size_t len, struct am_silence *out,
    char *err, size_t errsz)
{
	json_t *root;
	int rc;

	memset(out, 0, sizeof *out);
	if ((root = json_strict_parse(body, len, err, errsz)) == NULL)
		return -1;
	rc = parse_object(root, out, err, errsz);
	json_decref(root);
	return rc;
}

int
am_silence_parse_list(const char *body, size_t len, struct am_silence **out,
    size_t *n, size_t *skipped, char *err, size_t errsz)
{
	json_t *root, *v;
	size_t i, k = 0;
	char why[8];

	*out = NULL;
	*n = 0;
	*skipped = 0;
	if ((root = json_strict_parse_any(body, len, err, errsz)) == NULL)
		return -1;
	if (!json_is_array(root) || json_array_size(root) > AM_SILENCES_MAX) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "silences: expected an array of at "
			    "most %d", AM_SILENCES_MAX);
		json_decref(root);
		return -1;
	}
	if (json_array_size(root) > 0)
		*out = xcalloc(json_array_size(root), sizeof **out);
	json_array_foreach(root, i, v) {
		if (parse_object(v, &(*out)[k], why, sizeof why) == 0)
			k++;
		else
			(*skipped)++;
	}
	*n = k;
	json_decref(root);
	return 0;
}

void
am_silence_list_free(struct am_silence *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		am_silence_free(&v[i]);
	free(v);
}

/* ---- what the relay writes in a comment, and finds by ---------------------- */

char *
am_silence_comment(int64_t incident, const char *text, const char *op_id)
{
	return xasprintf("warroom #%lld: %s (op %s)", (long long)incident,
	    text != NULL ? text : "", op_id != NULL ? op_id : "");
}

int
am_silence_comment_incident(const char *comment, int64_t incident)
{
	char head[40];
	int n;

	if (comment == NULL)
		return 0;
	n = snprintf(head, sizeof head, "warroom #%lld:", (long long)incident);
	return strncmp(comment, head, (size_t)n) == 0;
}

int
am_silence_comment_op(const char *comment, const char *op_id)
{
	char tail[80];
	size_t n, len;

	if (comment == NULL || op_id == NULL || op_id[0] == '\0' ||
	    strlen(op_id) > 64)
		return 0;
	n = (size_t)snprintf(tail, sizeof tail, "(op %s)", op_id);
	len = strlen(comment);
	return len >= n && strcmp(comment + len - n, tail) == 0;
}

static int
live(const struct am_silence *s)
{
	return strcmp(s->state, "active") == 0 ||
	    strcmp(s->state, "pending") == 0;
}

const struct am_silence *
am_silence_find_op(const struct am_silence *v, size_t n, int64_t incident,
    const char *created_by, const char *op_id)
{
	for (size_t i = 0; i < n; i++)
		if (live(&v[i]) && v[i].created_by != NULL &&
		    created_by != NULL &&
		    strcmp(v[i].created_by, created_by) == 0 &&
		    am_silence_comment_incident(v[i].comment, incident) &&
		    am_silence_comment_op(v[i].comment, op_id))
			return &v[i];
	return NULL;
}

const struct am_silence *
am_silence_find_replacement(const struct am_silence *v, size_t n,
    const struct am_silence *old, int64_t incident,
    const struct wr_incident *inc)
{
	const struct am_silence *best = NULL;
	int best_same = 0;
	int64_t best_d = 0;

	if (old->created_by == NULL || strcmp(old->state, "expired") != 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct am_silence *s = &v[i];
		int same, held = 0;
		int64_t d;

		if (!live(s) || strcmp(s->id, old->id) == 0 ||
		    s->created_by == NULL ||
		    strcmp(s->created_by, old->created_by) != 0 ||
		    !am_silence_comment_incident(s->comment, incident) ||
		    s->updated == 0)
			continue;
		for (size_t k = 0; inc != NULL && k < inc->n_silences; k++)
			if (strcmp(inc->silences[k].id, s->id) == 0)
				held = 1;
		d = s->updated - old->ends;
		if (d < 0)
			d = -d;
		if (held || d > AM_SILENCE_REPLACED_MS)
			continue;
		same = old->comment != NULL && s->comment != NULL &&
		    strcmp(old->comment, s->comment) == 0;
		if (best == NULL || same > best_same ||
		    (same == best_same && d < best_d)) {
			best = s;
			best_same = same;
			best_d = d;
		}
	}
	return best;
}

void
am_silence_free(struct am_silence *s)
{
	free(s->id);
	free(s->state);
	free(s->created_by);
	free(s->comment);
	free(s->matchers);
	memset(s, 0, sizeof *s);
}

void
am_silence_error_text(const char *body, size_t len, char *out, size_t size)
{
	char e[8];
	json_t *root = NULL, *m;
	const char *s = NULL;
	size_t n = 0, k = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	if (body == NULL || len == 0)
		return;
	root = json_strict_parse_any(body, len, e, sizeof e);
	if (json_is_string(root))
		s = json_string_value(root);
	else if (json_is_object(root) &&
	    json_is_string(m = json_object_get(root, "message")))
		s = json_string_value(m);
	if (s != NULL)
		n = strlen(s);
	else {
		s = body;
		while (n < len && body[n] != '\n' && body[n] != '\0')
			n++;
	}
	for (size_t i = 0; i < n && k + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
	json_decref(root);
}
