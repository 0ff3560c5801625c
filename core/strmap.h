/*
 * strmap.h: a string -> int64 hash map (open addressing), for the room's
 * key index.  Keys are copied.
 */
#ifndef WR_STRMAP_H
#define WR_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct wr_strmap;

struct wr_strmap *wr_strmap_new(void);
void wr_strmap_free(struct wr_strmap *m);
void wr_strmap_set(struct wr_strmap *m, const char *key, int64_t value);
/* Returns 1 and sets *value when found, else 0. */
int wr_strmap_get(const struct wr_strmap *m, const char *key, int64_t *value);
size_t wr_strmap_count(const struct wr_strmap *m);

#endif
