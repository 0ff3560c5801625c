/*
 * tzif.h: time zones from the system's zoneinfo (TZif files, RFC 8536),
 * read into core's zone type (core/zone.h).
 *
 * core/ computes with zones and never reads a file; this is where the
 * bytes come from.  A TZif file is a bounded binary format and is treated
 * as hostile: every count is checked against the bytes that are there
 * before anything is read, and an implausible count is refused before it
 * is allocated.
 */
#ifndef WR_STORE_TZIF_H
#define WR_STORE_TZIF_H

#include <stddef.h>
#include <stdint.h>

struct wr_zone;

/* The directory zone names are looked up in. */
#define STORE_TZIF_DIR		"/usr/share/zoneinfo"
/* A zoneinfo file larger than this is refused (the largest is ~4 KiB). */
#define STORE_TZIF_MAX_SIZE	(1024 * 1024)

/*
 * Parse the TZif data buf[0..len) into *out, named name: 0, or -1 with
 * *cause (malloc'd, the caller frees it; it does not name the file).
 */
int store_tzif_parse(const uint8_t *buf, size_t len, const char *name,
    struct wr_zone **out, char **cause);

/*
 * The zone named name ("Europe/Berlin", "UTC") from dir (NULL:
 * STORE_TZIF_DIR): 0 and *out, or -1 with *cause naming the zone and what
 * is wrong ("unknown time zone Europe/Berlln").  A name is letters,
 * digits, "_+-" and "/" between parts that do not start with a dot.
 */
int store_tzif_load(const char *dir, const char *name, struct wr_zone **out,
    char **cause);

#endif
