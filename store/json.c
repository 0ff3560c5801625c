/*
 * json.c: the JSON the store keeps in text columns: label and annotation
 * lists as arrays of [key, value] pairs (so order and repeated keys come
 * back exactly as written), and the decoding of an alert row.  The event
 * bodies that use them are in events.c.  Lists are written as text
 * directly (core/jbuf.h), the same text json_dumps() gave for the tree,
 * and read back with jansson.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/silence.h"
#include "store/store-int.h"

int
store_json_kv_write(struct jbuf *b, const struct wr_kvlist *l)
{
	size_t start = b->len;

	jbuf_char(b, '[');
	for (size_t i = 0; i < l->n; i++) {
		const struct wr_kv *kv = &l->v[i];

		/* As json_pack("[ss]") did: no NULL, nothing but UTF-8. */
		jbuf_sep(b);
		jbuf_char(b, '[');
		if (kv->key == NULL || kv->value == NULL ||
		    jbuf_str(b, kv->key) == -1) {
			b->len = start;
			return -1;
		}
		jbuf_char(b, ',');
		if (jbuf_str(b, kv->value) == -1) {
			b->len = start;
			return -1;
		}
		jbuf_char(b, ']');
	}
	jbuf_char(b, ']');
	return 0;
}

char *
store_json_kv_dump(const struct wr_kvlist *l)
{
	struct jbuf b;

	jbuf_init(&b, 0);
	if (store_json_kv_write(&b, l) == -1) {
		jbuf_free(&b);
		return NULL;
	}
	return jbuf_take(&b, NULL);
}

int
store_json_kv_parse(const json_t *j, struct wr_kvlist *l)
{
	size_t i;
	json_t *pair;

	if (!json_is_array(j))
		return -1;
	json_array_foreach(j, i, pair) {
		const char *k, *v;

		if (json_unpack((json_t *)pair, "[ss]", &k, &v) == -1)
			return -1;
		wr_kvlist_add(l, k, v);
	}
	return 0;
}

int
store_json_kv_load(const char *text, struct wr_kvlist *l)
{
	json_t *j;
	int ret;

	if (text == NULL || text[0] == '\0')
		return 0;
	j = json_loads(text, 0, NULL);
	ret = j != NULL ? store_json_kv_parse(j, l) : -1;
	json_decref(j);
	return ret;
}

int
store_alert_row(sqlite3_stmt *st, struct wr_alert *a)
{
	memset(a, 0, sizeof *a);
	a->fingerprint = store_col_str(st, 1);
	a->starts = sqlite3_column_int64(st, 2);
	a->ends = sqlite3_column_int64(st, 3);
	a->firing = sqlite3_column_int(st, 4);
	a->last_seen = sqlite3_column_int64(st, 5);
	a->severity = (wr_severity)sqlite3_column_int(st, 8);
	if ((unsigned)a->severity >= WR_SEV_COUNT)
		a->severity = WR_SEV_WARNING;
	if (store_json_kv_load((const char *)sqlite3_column_text(st, 6),
	    &a->labels) == -1 ||
	    store_json_kv_load((const char *)sqlite3_column_text(st, 7),
	    &a->annotations) == -1) {
		wr_alert_free(a);
		return -1;
	}
	return 0;
}

char *
store_json_silences_dump(const struct wr_incident *inc)
{
	struct jbuf b;

	if (inc->n_silences == 0)
		return NULL;
	jbuf_init(&b, 0);
	jbuf_char(&b, '[');
	for (size_t i = 0; i < inc->n_silences; i++) {
		const struct wr_silence *s = &inc->silences[i];

		jbuf_sep(&b);
		jbuf_char(&b, '{');
		jbuf_key(&b, "id");
		if (jbuf_str(&b, s->id != NULL ? s->id : "") == -1)
			goto bad;
		jbuf_key(&b, "ends");
		jbuf_int(&b, s->ends);
		jbuf_key(&b, "by");
		if (jbuf_str(&b, s->by != NULL ? s->by : "") == -1)
			goto bad;
		jbuf_key(&b, "matchers");
		if (jbuf_str(&b, s->matchers != NULL ? s->matchers : "") == -1)
			goto bad;
		jbuf_char(&b, '}');
	}
	jbuf_char(&b, ']');
	return jbuf_take(&b, NULL);
bad:
	jbuf_free(&b);
	return NULL;
}

int
store_json_silences_load(const char *text, struct wr_incident *inc)
{
	json_t *j, *v;
	size_t i;

	wr_silences_free(inc);
	if (text == NULL || text[0] == '\0')
		return 0;
	if ((j = json_loads(text, 0, NULL)) == NULL || !json_is_array(j) ||
	    json_array_size(j) > WR_SILENCES_MAX) {
		json_decref(j);
		return -1;
	}
	inc->silences = xcalloc(json_array_size(j) + 1,
	    sizeof *inc->silences);
	json_array_foreach(j, i, v) {
		const char *id, *by, *m;
		json_int_t ends;
		struct wr_silence *s;

		if (json_unpack(v, "{s:s, s:I, s:s, s:s}", "id", &id, "ends",
		    &ends, "by", &by, "matchers", &m) == -1) {
			json_decref(j);
			wr_silences_free(inc);
			return -1;
		}
		s = &inc->silences[inc->n_silences++];
		s->id = xstrdup(id);
		s->ends = (int64_t)ends;
		s->by = xstrdup(by);
		s->matchers = xstrdup(m);
	}
	json_decref(j);
	if (inc->n_silences == 0) {
		free(inc->silences);
		inc->silences = NULL;
	}
	return 0;
}
