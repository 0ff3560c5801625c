/*
 * labelsum.c: what differs across the alerts of a group (labelsum.h).
 *
 * Every (label, value, alert) of the group goes into one array, sorted by
 * label, value and alert; one pass over it then counts, for each label,
 * the alerts that carry it and the alerts behind each of its values.  An
 * alert that gives a label twice counts once.  O(p log p) for p labels in
 * all: a 10,000-alert group costs a few milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/labelsum.h"
#include "core/sanitize.h"
#include "core/util.h"

#define SEVERITY_KEY	"severity"

struct pair {
	const char *key;
	const char *value;
	size_t alert;
};

struct vcount {
	const char *value;
	size_t count;
};

struct out {
	char buf[LABELSUM_MAX_BYTES + 64];	/* room for the tail */
	size_t len;
	int full;
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c == 0)
		c = strcmp(x->value, y->value);
	if (c == 0)
		c = x->alert < y->alert ? -1 : x->alert > y->alert;
	return c;
}

static int
vcount_cmp(const void *a, const void *b)
{
	const struct vcount *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* Append s whole, or set full and append nothing. */
static int
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->full || o->len + n > LABELSUM_MAX_BYTES) {
		o->full = 1;
		return -1;
	}
	memcpy(o->buf + o->len, s, n + 1);
	o->len += n;
	return 0;
}

/* Untrusted text, sanitised and cut to LABELSUM_VALUE_COLS columns. */
static void
clean(const char *raw, char *buf, size_t size)
{
	char *s;

	if (*raw == '\0') {
		util_strlcpy(buf, "\"\"", size);
		return;
	}
	s = sanitize_text(raw, strlen(raw));
	sanitize_fit(s, LABELSUM_VALUE_COLS, 1, buf, size);
	free(s);
}

/* One label's entry, "pop: ams 100, fra 100" or "instance: 300 values",
 * from its pairs p[0..np), sorted by value then alert, onto o (NULL: only
 * say whether there is one).  Returns 1 when the label is listed. */
static int
entry(struct out *o, const struct pair *p, size_t np, size_t n_alerts,
    size_t *mark, size_t stamp, struct vcount *vc)
{
	size_t carrying = 0, nv = 0;
	char kbuf[160], vbuf[160], num[48];

	for (size_t i = 0; i < np; i++) {
		/* the same value from the same alert again: once */
		if (i > 0 && p[i].alert == p[i - 1].alert &&
		    strcmp(p[i].value, p[i - 1].value) == 0)
			continue;
		if (mark[p[i].alert] != stamp) {
			mark[p[i].alert] = stamp;
			carrying++;
		}
		if (nv > 0 && strcmp(vc[nv - 1].value, p[i].value) == 0) {
			vc[nv - 1].count++;
		} else {
			vc[nv].value = p[i].value;
			vc[nv].count = 1;
			nv++;
		}
	}
	/* The same value on every alert says nothing (but the severity). */
	if (nv == 1 && carrying == n_alerts &&
	    strcmp(p[0].key, SEVERITY_KEY) != 0)
		return 0;
	if (o == NULL)
		return 1;
	clean(p[0].key, kbuf, sizeof kbuf);
	if (o->len > 0 && put(o, "; ") == -1)
		return 1;
	put(o, kbuf);
	put(o, ":");
	if (nv > LABELSUM_MAX_VALUES) {
		snprintf(num, sizeof num, " %zu values", nv);
		put(o, num);
	} else {
		qsort(vc, nv, sizeof *vc, vcount_cmp);
		for (size_t i = 0; i < nv; i++) {
			clean(vc[i].value, vbuf, sizeof vbuf);
			put(o, i > 0 ? ", " : " ");
			put(o, vbuf);
			snprintf(num, sizeof num, " %zu", vc[i].count);
			put(o, num);
		}
	}
	if (carrying < n_alerts) {
		snprintf(num, sizeof num, ", unset %zu", n_alerts - carrying);
		put(o, num);
	}
	return 1;
}

char *
labelsum_format(const struct wr_alert *alerts, size_t n)
{
	struct pair *p;
	struct vcount *vc;
	size_t np = 0, cap = 0, *mark, labels = 0, more = 0;
	struct out *o;
	char *res;

	if (alerts == NULL || n <= LABELSUM_MIN_ALERTS)
		return NULL;
	for (size_t i = 0; i < n; i++)
		cap += alerts[i].labels.n + 1;
	p = xcalloc(cap, sizeof *p);
	vc = xcalloc(cap, sizeof *vc);
	mark = xcalloc(n, sizeof *mark);
	o = xcalloc(1, sizeof *o);
	for (size_t i = 0; i < n; i++) {
		const struct wr_kvlist *l = &alerts[i].labels;

		for (size_t k = 0; k < l->n; k++) {
			if (l->v[k].key == NULL ||
			    strcmp(l->v[k].key, SEVERITY_KEY) == 0)
				continue;
			p[np++] = (struct pair){ l->v[k].key,
			    l->v[k].value != NULL ? l->v[k].value : "", i };
		}
		p[np++] = (struct pair){ SEVERITY_KEY,
		    wr_severity_name(alerts[i].severity), i };
	}
	qsort(p, np, sizeof *p, pair_cmp);
	for (size_t i = 0; i < np;) {
		size_t j = i + 1;

		while (j < np && strcmp(p[j].key, p[i].key) == 0)
			j++;
		if (entry(labels < LABELSUM_MAX_LABELS ? o : NULL, p + i,
		    j - i, n, mark, i + 1, vc)) {
			if (labels < LABELSUM_MAX_LABELS)
				labels++;
			else
				more++;
		}
		i = j;
	}
	if (o->full || more > 0) {
		char tail[64];

		if (o->full)
			snprintf(tail, sizeof tail, " ...");
		else
			snprintf(tail, sizeof tail, "; %zu more labels", more);
		if (o->len + strlen(tail) < sizeof o->buf) {
			memcpy(o->buf + o->len, tail, strlen(tail) + 1);
			o->len += strlen(tail);
		}
	}
	res = xstrdup(o->buf);
	free(o);
	free(mark);
	free(vc);
	free(p);
	return res;
}
