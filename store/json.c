/*
 * json.c: the JSON the store keeps in text columns: label and annotation
 * lists as arrays of [key, value] pairs (so order and repeated keys come
 * back exactly as written), and the decoding of an alert row.  The event
 * bodies that use them are in events.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store-int.h"

json_t *
store_json_kv(const struct wr_kvlist *l)
{
	json_t *arr = json_array();

	if (arr == NULL)
		util_die("out of memory (building JSON)");
	for (size_t i = 0; i < l->n; i++) {
		json_t *pair = json_pack("[ss]", l->v[i].key, l->v[i].value);

		/* json_pack refuses a string that is not UTF-8. */
		if (pair == NULL || json_array_append_new(arr, pair) == -1) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

char *
store_json_kv_dump(const struct wr_kvlist *l)
{
	json_t *j = store_json_kv(l);
	char *text;

	if (j == NULL)
		return NULL;
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return text;
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
	if (store_json_kv_load((const char *)sqlite3_column_text(st, 6),
	    &a->labels) == -1 ||
	    store_json_kv_load((const char *)sqlite3_column_text(st, 7),
	    &a->annotations) == -1) {
		wr_alert_free(a);
		return -1;
	}
	return 0;
}
