/*
 * tzif.c: TZif files into core zones (tzif.h).
 *
 * RFC 8536: a 44-byte header (magic "TZif", a version, six counts), a data
 * block with 32-bit times; from version 2 on a second header and block with
 * 64-bit times, then a footer, a POSIX TZ string between two newlines, for
 * the instants after the last transition.  A version 2+ file is read from
 * its second block (the first is skipped after its length is checked); a
 * version 1 file from its only one.  Leap-second records are checked and
 * skipped: zones here count POSIX seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/zone.h"
#include "store/file.h"
#include "store/tzif.h"

#define HEADER_LEN	44
/* Times beyond +-2^59 are refused (RFC 8536 uses -2^59 for "the big
 * bang"). */
#define TIME_LIMIT	((int64_t)1 << 59)

struct header {
	uint8_t version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const uint8_t *p)
{
	uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);

	return (int64_t)v;
}

static int
read_header(const uint8_t *p, size_t len, struct header *h, char **cause)
{
	if (len < HEADER_LEN || memcmp(p, "TZif", 4) != 0) {
		*cause = xstrdup("not a TZif file");
		return -1;
	}
	h->version = p[4];
	if (h->version != 0 && (h->version < '2' || h->version > '9')) {
		*cause = xasprintf("unknown TZif version 0x%02x", h->version);
		return -1;
	}
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* The length of the data block after header h, with times of tsize
 * bytes; the counts are at most 2^32 each, so this cannot overflow. */
static uint64_t
block_len(const struct header *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * tsize + h->timecnt +
	    (uint64_t)h->typecnt * 6 + h->charcnt +
	    (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int
check_counts(const struct header *h, char **cause)
{
	if (h->typecnt == 0 || h->typecnt > 256) {
		*cause = xasprintf("%u local time types (1 to 256)",
		    h->typecnt);
		return -1;
	}
	if (h->charcnt == 0) {
		*cause = xstrdup("no time zone abbreviations");
		return -1;
	}
	if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
		*cause = xstrdup("standard/UT indicator counts differ from "
		    "the type count");
		return -1;
	}
	if (h->timecnt > WR_ZONE_MAX_TRANSITIONS) {
		*cause = xasprintf("%u transitions (at most %d)", h->timecnt,
		    WR_ZONE_MAX_TRANSITIONS);
		return -1;
	}
	return 0;
}

int
store_tzif_parse(const uint8_t *buf, size_t len, const char *name,
    struct wr_zone **out, char **cause)
{
	struct header h;
	const uint8_t *p = buf, *types, *idx, *end = buf + len;
	unsigned tsize = 4;
	uint64_t blen;
	int64_t *at = NULL;
	int32_t *off = NULL, *toff = NULL;
	char *footer = NULL;
	struct wr_zone *z;

	*out = NULL;
	if (read_header(p, len, &h, cause) != 0)
		return -1;
	blen = block_len(&h, 4);
	if (blen > (uint64_t)(len - HEADER_LEN)) {
		*cause = xstrdup("truncated (the version 1 data)");
		return -1;
	}
	if (h.version != 0) {
		/* Skip the version 1 block to the second header. */
		p += HEADER_LEN + blen;
		if (read_header(p, (size_t)(end - p), &h, cause) != 0) {
			free(*cause);
			*cause = xstrdup("no second header after the version "
			    "1 data");
			return -1;
		}
		tsize = 8;
		blen = block_len(&h, 8);
		if (blen > (uint64_t)(end - p - HEADER_LEN)) {
			*cause = xstrdup("truncated (the 64-bit data)");
			return -1;
		}
	}
	if (check_counts(&h, cause) != 0)
		return -1;
	p += HEADER_LEN;
	idx = p + (size_t)h.timecnt * tsize;
	types = idx + h.timecnt;

	toff = xcalloc(h.typecnt, sizeof *toff);
	for (uint32_t i = 0; i < h.typecnt; i++) {
		const uint8_t *t = types + (size_t)i * 6;

		toff[i] = (int32_t)be32(t);
		if (t[4] > 1) {
			*cause = xasprintf("local time type %u: DST flag %u",
			    i, t[4]);
			goto fail;
		}
		if (t[5] >= h.charcnt) {
			*cause = xasprintf("local time type %u: abbreviation "
			    "index %u beyond %u", i, t[5], h.charcnt);
			goto fail;
		}
		if (toff[i] == INT32_MIN || toff[i] < -WR_ZONE_MAX_OFFSET ||
		    toff[i] > WR_ZONE_MAX_OFFSET) {
			*cause = xasprintf("local time type %u: offset %ld s",
			    i, (long)toff[i]);
			goto fail;
		}
	}
	at = xcalloc(h.timecnt ? h.timecnt : 1, sizeof *at);
	off = xcalloc(h.timecnt ? h.timecnt : 1, sizeof *off);
	for (uint32_t i = 0; i < h.timecnt; i++) {
		at[i] = tsize == 8 ? be64(p + (size_t)i * 8) :
		    (int32_t)be32(p + (size_t)i * 4);
		if (at[i] < -TIME_LIMIT || at[i] > TIME_LIMIT) {
			*cause = xasprintf("transition %u: time out of range",
			    i);
			goto fail;
		}
		if (i > 0 && at[i] <= at[i - 1]) {
			*cause = xasprintf("transition %u is not after the "
			    "one before it", i);
			goto fail;
		}
		if (idx[i] >= h.typecnt) {
			*cause = xasprintf("transition %u: type %u beyond %u",
			    i, idx[i], h.typecnt);
			goto fail;
		}
		off[i] = toff[idx[i]];
	}
	p += blen;
	if (tsize == 8) {
		const uint8_t *nl;

		if (p >= end || *p != '\n') {
			*cause = xstrdup("no footer after the 64-bit data");
			goto fail;
		}
		p++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			*cause = xstrdup("an unterminated footer");
			goto fail;
		}
		for (const uint8_t *c = p; c < nl; c++)
			if (*c < 0x20 || *c > 0x7e) {
				*cause = xstrdup("a footer with a byte that "
				    "is not printable ASCII");
				goto fail;
			}
		footer = xstrndup((const char *)p, (size_t)(nl - p));
	}
	z = wr_zone_new(name, at, off, h.timecnt, toff[0], footer, cause);
	if (z == NULL)
		goto fail;
	free(at);
	free(off);
	free(toff);
	free(footer);
	*out = z;
	return 0;
fail:
	free(at);
	free(off);
	free(toff);
	free(footer);
	return -1;
}

static int
name_ok(const char *name)
{
	size_t n = strlen(name);
	int start = 1;

	if (n == 0 || n > 255)
		return 0;
	for (const char *c = name; *c; c++) {
		if (start && (*c == '.' || *c == '/'))
			return 0;
		start = *c == '/';
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' ||
		    *c == '-' || *c == '/' || *c == '.'))
			return 0;
	}
	return !start;
}

int
store_tzif_load(const char *dir, const char *name, struct wr_zone **out,
    char **cause)
{
	char path[4096], *why = NULL, *buf;
	size_t got;
	int err, rc;

	*out = NULL;
	if (!name_ok(name)) {
		*cause = xasprintf("\"%.64s\" is not a time zone name "
		    "(Europe/Berlin, America/New_York, UTC)", name);
		return -1;
	}
	if (dir == NULL)
		dir = STORE_TZIF_DIR;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path) {
		*cause = xasprintf("time zone %s: the path is too long", name);
		return -1;
	}
	if (store_read_file(path, STORE_TZIF_MAX_SIZE, &buf, &got,
	    &err) != 0) {
		*cause = err == ENOENT ?
		    xasprintf("unknown time zone %s (no %s; is tzdata "
		    "installed?)", name, path) : err == EFBIG ||
		    err == EISDIR ? xasprintf("time zone %s: %s is not a "
		    "zoneinfo file", name, path) :
		    xasprintf("time zone %s: %s: %s", name, path,
		    strerror(err));
		return -1;
	}
	rc = store_tzif_parse((const uint8_t *)buf, got, name, out, &why);
	free(buf);
	if (rc != 0) {
		*cause = xasprintf("time zone %s: %s: %s", name, path, why);
		free(why);
	}
	return rc;
}
