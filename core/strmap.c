/*
 * strmap.c: string -> int64 hash map with linear probing (strmap.h).
 * No deletion is needed: the room only ever points a key at a newer id.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

struct slot {
	char *key;
	int64_t value;
	uint64_t hash;
};

struct wr_strmap {
	struct slot *slots;
	size_t cap;	/* power of two */
	size_t count;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct wr_strmap *
wr_strmap_new(void)
{
	struct wr_strmap *m = xcalloc(1, sizeof *m);

	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

void
wr_strmap_free(struct wr_strmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

static struct slot *
find_slot(struct slot *slots, size_t cap, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		struct slot *s = &slots[i];
		if (s->key == NULL || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static void
grow(struct wr_strmap *m)
{
	size_t ncap = m->cap * 2;
	struct slot *ns = xcalloc(ncap, sizeof *ns);

	for (size_t i = 0; i < m->cap; i++) {
		struct slot *o = &m->slots[i];
		if (o->key != NULL)
			*find_slot(ns, ncap, o->key, o->hash) = *o;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

void
wr_strmap_set(struct wr_strmap *m, const char *key, int64_t value)
{
	uint64_t h = hash_str(key);
	struct slot *s;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	s = find_slot(m->slots, m->cap, key, h);
	if (s->key == NULL) {
		s->key = xstrdup(key);
		s->hash = h;
		m->count++;
	}
	s->value = value;
}

int
wr_strmap_get(const struct wr_strmap *m, const char *key, int64_t *value)
{
	struct slot *s = find_slot(m->slots, m->cap, key, hash_str(key));

	if (s->key == NULL)
		return 0;
	*value = s->value;
	return 1;
}

size_t
wr_strmap_count(const struct wr_strmap *m)
{
	return m->count;
}
