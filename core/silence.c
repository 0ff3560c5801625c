/*
 * silence.c: matchers, a silence's matchers for an incident's group, and an
 * incident's active silences (silence.h).
 *
 * A person's matchers are hostile input like any other: every name is a
 * label name, every value valid UTF-8 without controls and bounded, and
 * the whole list bounded, before any of it reaches Alertmanager or the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jbuf.h"
#include "silence.h"
#include "timefmt.h"
#include "util.h"

#define ERR(...) do {							\
	if (err != NULL && errsz > 0)					\
		snprintf(err, errsz, __VA_ARGS__);			\
	return -1;							\
} while (0)

int
wr_matcher_name_ok(const char *name)
{
	size_t n = 0;

	if (name == NULL || !((*name >= 'a' && *name <= 'z') ||
	    (*name >= 'A' && *name <= 'Z') || *name == '_'))
		return 0;
	for (; name[n] != '\0'; n++) {
		char c = name[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return n <= WR_MATCHER_NAME_MAX;
}

/* A value a matcher may carry: valid UTF-8, no C0 controls or DEL (a
 * newline written \n inside quotes is the one exception), bounded. */
static int
value_ok(const char *v, size_t n)
{
	if (n > WR_MATCHER_VALUE_MAX || !jbuf_utf8_valid(v, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return 0;
	}
	return 1;
}

static int
is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

int
wr_matchers_parse(const char *text, struct wr_kvlist *out, char *err,
    size_t errsz)
{
	const char *p = text != NULL ? text : "";
	size_t start = out->n, len = strlen(p);
	int braces = 0;

	if (len > WR_MATCHERS_TEXT_MAX)
		ERR("matchers are too long (at most %d bytes)",
		    WR_MATCHERS_TEXT_MAX);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '{') {
		braces = 1;
		p++;
	}
	for (;;) {
		char name[WR_MATCHER_NAME_MAX + 1], *val;
		size_t nn = 0, vn = 0;

		while (is_sep(*p))
			p++;
		if (braces && *p == '}') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != '\0')
				goto bad_end;
			braces = 0;
			break;
		}
		if (*p == '\0')
			break;
		while (p[nn] != '\0' && p[nn] != '=' && p[nn] != '!' &&
		    p[nn] != '~' && !is_sep(p[nn]) && p[nn] != '"' &&
		    p[nn] != '}') {
			if (nn == WR_MATCHER_NAME_MAX)
				goto bad_name;
			name[nn] = p[nn];
			nn++;
		}
		name[nn] = '\0';
		if (!wr_matcher_name_ok(name))
			goto bad_name;
		p += nn;
		if (*p != '=' || p[1] == '~' || p[1] == '=')
			ERR("matcher %s: only = (equal) is taken, not regular "
			    "expressions or negations", name);
		p++;
		val = xmalloc(strlen(p) + 1);
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					free(val);
					ERR("matcher %s: the value's quote is "
					    "not closed", name);
				}
				if (*p == '\\') {
					p++;
					if (*p == 'n')
						val[vn++] = '\n';
					else if (*p == '"' || *p == '\\')
						val[vn++] = *p;
					else {
						free(val);
						ERR("matcher %s: \\%c is not an "
						    "escape (use \\\" \\\\ or "
						    "\\n)", name,
						    *p != '\0' ? *p : '0');
					}
				} else
					val[vn++] = *p;
			}
			p++;
			if (*p != '\0' && !is_sep(*p) && !(braces &&
			    *p == '}')) {
				free(val);
				ERR("matcher %s: text after the closing quote",
				    name);
			}
		} else {
			while (*p != '\0' && !is_sep(*p) && *p != '"' &&
			    !(braces && *p == '}'))
				val[vn++] = *p++;
			if (*p == '"') {
				free(val);
				ERR("matcher %s: a quote inside a value needs "
				    "the value quoted", name);
			}
		}
		val[vn] = '\0';
		if (!value_ok(val, vn)) {
			free(val);
			ERR("matcher %s: the value must be valid UTF-8 without "
			    "control characters, at most %d bytes", name,
			    WR_MATCHER_VALUE_MAX);
		}
		if (wr_kvlist_get(out, name) != NULL) {
			free(val);
			ERR("matcher %s is given twice", name);
		}
		if (out->n - start >= WR_MATCHERS_MAX) {
			free(val);
			ERR("too many matchers (at most %d)", WR_MATCHERS_MAX);
		}
		wr_kvlist_add(out, name, val);
		free(val);
	}
	if (braces)
		ERR("matchers: the brace is not closed");
	return 0;
bad_end:
	ERR("matchers: text after the closing brace");
bad_name:
	ERR("matchers: a matcher is NAME=VALUE, NAME a label name "
	    "([a-zA-Z_][a-zA-Z0-9_]*, at most %d bytes)", WR_MATCHER_NAME_MAX);
}

char *
wr_matchers_format(const struct wr_kvlist *m)
{
	size_t len = 0, cap = 64;
	char *out = xmalloc(cap);

	out[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		const char *v = m->v[i].value;
		size_t need = strlen(m->v[i].key) + 2 * strlen(v) + 8;

		if (len + need > cap) {
			while (len + need > cap)
				cap *= 2;
			out = xrealloc(out, cap);
		}
		len += (size_t)sprintf(out + len, "%s%s=\"", i > 0 ? ", " : "",
		    m->v[i].key);
		for (; *v != '\0'; v++) {
			if (*v == '"' || *v == '\\') {
				out[len++] = '\\';
				out[len++] = *v;
			} else if (*v == '\n') {
				out[len++] = '\\';
				out[len++] = 'n';
			} else
				out[len++] = *v;
		}
		out[len++] = '"';
		out[len] = '\0';
	}
	return out;
}

int
wr_matchers_match(const struct wr_kvlist *m, const struct wr_kvlist *labels)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *v = wr_kvlist_get(labels, m->v[i].key);

		if (v == NULL || strcmp(v, m->v[i].value) != 0)
			return 0;
	}
	return 1;
}

/* alertname first, then by name. */
static int
kv_order(const void *a, const void *b)
{
	const struct wr_kv *x = a, *y = b;
	int ax = strcmp(x->key, "alertname") == 0;
	int ay = strcmp(y->key, "alertname") == 0;

	if (ax != ay)
		return ay - ax;
	return strcmp(x->key, y->key);
}

int
wr_am_group_labels(const char *key, struct wr_kvlist *out)
{
	const char *p = key;
	char err[128];

	if (p == NULL)
		return -1;
	/* the route's key: {...}, then /{...} for each child route */
	for (;;) {
		if (*p++ != '{')
			return -1;
		while (*p != '}') {
			if (*p == '\0')
				return -1;
			if (*p++ != '"')
				continue;
			while (*p != '"') {	/* a quoted value */
				if (*p == '\0' || (*p == '\\' &&
				    *++p == '\0'))
					return -1;
				p++;
			}
			p++;
		}
		p++;
		if (*p == ':')
			break;
		if (*p++ != '/')
			return -1;
	}
	p++;
	if (*p != '{' || p[strlen(p) - 1] != '}' ||
	    wr_matchers_parse(p, out, err, sizeof err) != 0) {
		wr_kvlist_free(out);
		return -1;
	}
	return 0;
}

/* Whether every alert considered has label key with value v. */
static int
all_have(const struct wr_alert *alerts, size_t n, int only_firing,
    const char *key, const char *v)
{
	for (size_t i = 0; i < n; i++) {
		const char *have;

		if (only_firing && !alerts[i].firing)
			continue;
		have = wr_kvlist_get(&alerts[i].labels, key);
		if (have == NULL || strcmp(have, v) != 0)
			return 0;
	}
	return 1;
}

int
wr_silence_matchers(const char *group_key, const struct wr_alert *alerts,
    size_t n, const struct wr_kvlist *narrow, struct wr_kvlist *out,
    char *err, size_t errsz)
{
	struct wr_kvlist group = { 0 };
	size_t n_firing = 0, first = n;
	int only_firing;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++)
		if (alerts[i].firing) {
			if (n_firing++ == 0)
				first = i;
		}
	only_firing = n_firing > 0;
	if (!only_firing && n > 0)
		first = 0;
	if (first < n && wr_am_group_labels(group_key, &group) == 0 &&
	    group.n > 0) {
		for (size_t k = 0; k < group.n; k++)
			if (all_have(alerts, n, only_firing, group.v[k].key,
			    group.v[k].value) && out->n < WR_MATCHERS_MAX &&
			    wr_kvlist_get(out, group.v[k].key) == NULL)
				wr_kvlist_add(out, group.v[k].key,
				    group.v[k].value);
		if (out->n > 1)
			qsort(out->v, out->n, sizeof *out->v, kv_order);
	}
	wr_kvlist_free(&group);
	if (first < n && out->n == 0) {
		const struct wr_kvlist *l = &alerts[first].labels;

		for (size_t k = 0; k < l->n; k++) {
			int shared = all_have(alerts, n, only_firing,
			    l->v[k].key, l->v[k].value);

			if (shared && wr_matcher_name_ok(l->v[k].key) &&
			    value_ok(l->v[k].value, strlen(l->v[k].value)) &&
			    wr_kvlist_get(out, l->v[k].key) == NULL &&
			    out->n < WR_MATCHERS_MAX)
				wr_kvlist_add(out, l->v[k].key, l->v[k].value);
		}
		if (out->n > 1)
			qsort(out->v, out->n, sizeof *out->v, kv_order);
	}
	for (size_t i = 0; narrow != NULL && i < narrow->n; i++) {
		const char *have = wr_kvlist_get(out, narrow->v[i].key);

		if (have != NULL) {
			if (strcmp(have, narrow->v[i].value) == 0)
				continue;
			/* said before out (which have points into) goes */
			if (err != NULL && errsz > 0)
				snprintf(err, errsz, "%s is \"%s\" for every "
				    "alert of this incident: a silence of "
				    "%s=\"%s\" would not silence it",
				    narrow->v[i].key, have, narrow->v[i].key,
				    narrow->v[i].value);
			wr_kvlist_free(out);
			return -1;
		}
		if (out->n >= WR_MATCHERS_MAX) {
			wr_kvlist_free(out);
			ERR("too many matchers (at most %d)", WR_MATCHERS_MAX);
		}
		wr_kvlist_add(out, narrow->v[i].key, narrow->v[i].value);
	}
	if (out->n == 0) {
		wr_kvlist_free(out);
		if (n == 0)
			ERR("the incident has no alerts to silence: name the "
			    "matchers");
		ERR("its alerts have no label in common: name the matchers");
	}
	if (n > 0 && narrow != NULL && narrow->n > 0) {
		size_t hit = 0;

		for (size_t i = 0; i < n; i++)
			if ((!only_firing || alerts[i].firing) &&
			    wr_matchers_match(out, &alerts[i].labels))
				hit++;
		if (hit == 0) {
			wr_kvlist_free(out);
			ERR("no alert of this incident matches: the silence "
			    "would silence none of them");
		}
	}
	return 0;
}

size_t
wr_silence_count(const struct wr_alert *alerts, size_t n,
    const struct wr_kvlist *m)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (alerts[i].firing && wr_matchers_match(m, &alerts[i].labels))
			c++;
	return c;
}

int
wr_incident_silenced(const struct wr_incident *inc, int64_t now)
{
	for (size_t i = 0; inc != NULL && i < inc->n_silences; i++)
		if (inc->silences[i].ends > now)
			return 1;
	return 0;
}

const struct wr_silence *
wr_incident_silence(const struct wr_incident *inc, const char *id, char *err,
    size_t errsz)
{
	const struct wr_silence *found = NULL;
	size_t idn = id != NULL ? strlen(id) : 0;

	if (inc->n_silences == 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "#%lld has no silence",
			    (long long)inc->id);
		return NULL;
	}
	if (idn == 0) {
		if (inc->n_silences == 1)
			return &inc->silences[0];
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "#%lld has %zu silences: name "
			    "one (%.8s, %.8s%s)", (long long)inc->id,
			    inc->n_silences, inc->silences[0].id,
			    inc->silences[1].id,
			    inc->n_silences > 2 ? ", ..." : "");
		return NULL;
	}
	for (size_t i = 0; i < inc->n_silences; i++) {
		const struct wr_silence *s = &inc->silences[i];

		if (strcmp(s->id, id) == 0)
			return s;
		if (idn >= 4 && strncmp(s->id, id, idn) == 0) {
			if (found != NULL) {
				if (err != NULL && errsz > 0)
					snprintf(err, errsz, "%.64s names more "
					    "than one silence of #%lld", id,
					    (long long)inc->id);
				return NULL;
			}
			found = s;
		}
	}
	if (found == NULL && err != NULL && errsz > 0)
		snprintf(err, errsz, "#%lld has no silence %.64s",
		    (long long)inc->id, id);
	return found;
}

static struct wr_silence *
find(struct wr_incident *inc, const char *id)
{
	for (size_t i = 0; id != NULL && i < inc->n_silences; i++)
		if (strcmp(inc->silences[i].id, id) == 0)
			return &inc->silences[i];
	return NULL;
}

static void
silence_free(struct wr_silence *s)
{
	free(s->id);
	free(s->by);
	free(s->matchers);
}

int
wr_silence_apply(struct wr_incident *inc, const struct wr_event *e,
    char *err, size_t errsz)
{
	struct wr_silence *s;

	if (e->silence_id == NULL || e->silence_id[0] == '\0' ||
	    strlen(e->silence_id) > WR_SILENCE_ID_MAX)
		ERR("event %lld (%s): no silence id", (long long)e->seq,
		    wr_event_kind_name(e->kind));
	s = find(inc, e->silence_id);
	switch (e->kind) {
	case WR_EV_SILENCED:
		if (s != NULL)
			ERR("event %lld: silence %s is already on incident "
			    "%lld", (long long)e->seq, e->silence_id,
			    (long long)inc->id);
		if (inc->n_silences >= WR_SILENCES_MAX)
			ERR("event %lld: incident %lld has %d silences "
			    "already", (long long)e->seq, (long long)inc->id,
			    WR_SILENCES_MAX);
		if (e->ends == 0 || e->matchers == NULL)
			ERR("event %lld: a silence needs its end and matchers",
			    (long long)e->seq);
		inc->silences = xrealloc(inc->silences,
		    (inc->n_silences + 1) * sizeof *inc->silences);
		s = &inc->silences[inc->n_silences++];
		s->id = xstrdup(e->silence_id);
		s->ends = e->ends;
		s->by = xstrdup0(e->actor);
		s->matchers = xstrdup(e->matchers);
		return 0;
	case WR_EV_UNSILENCED:
	case WR_EV_SILENCE_EXPIRED:
		if (s == NULL)
			ERR("event %lld: incident %lld has no silence %s",
			    (long long)e->seq, (long long)inc->id,
			    e->silence_id);
		silence_free(s);
		memmove(s, s + 1, (size_t)(inc->silences + inc->n_silences -
		    (s + 1)) * sizeof *s);
		inc->n_silences--;
		if (inc->n_silences == 0) {
			free(inc->silences);
			inc->silences = NULL;
		}
		return 0;
	case WR_EV_SILENCE_CHANGED:
		if (s == NULL)
			ERR("event %lld: incident %lld has no silence %s",
			    (long long)e->seq, (long long)inc->id,
			    e->silence_id);
		if (e->new_silence_id != NULL &&
		    strcmp(e->new_silence_id, s->id) != 0) {
			if (e->new_silence_id[0] == '\0' ||
			    strlen(e->new_silence_id) > WR_SILENCE_ID_MAX)
				ERR("event %lld: no new silence id",
				    (long long)e->seq);
			if (find(inc, e->new_silence_id) != NULL)
				ERR("event %lld: silence %s is already on "
				    "incident %lld", (long long)e->seq,
				    e->new_silence_id, (long long)inc->id);
			util_set_str(&s->id, e->new_silence_id);
		}
		if (e->ends != 0)
			s->ends = e->ends;
		if (e->matchers != NULL && e->matchers[0] != '\0')
			util_set_str(&s->matchers, e->matchers);
		return 0;
	default:
		ERR("event %lld: %s is not a silence event", (long long)e->seq,
		    wr_event_kind_name(e->kind));
	}
}

void
wr_silences_copy(struct wr_incident *dst, const struct wr_incident *src)
{
	dst->silences = NULL;
	dst->n_silences = 0;
	if (src->n_silences == 0)
		return;
	dst->silences = xcalloc(src->n_silences, sizeof *dst->silences);
	for (size_t i = 0; i < src->n_silences; i++) {
		dst->silences[i].id = xstrdup(src->silences[i].id);
		dst->silences[i].ends = src->silences[i].ends;
		dst->silences[i].by = xstrdup0(src->silences[i].by);
		dst->silences[i].matchers =
		    xstrdup0(src->silences[i].matchers);
	}
	dst->n_silences = src->n_silences;
}

void
wr_silences_free(struct wr_incident *inc)
{
	for (size_t i = 0; i < inc->n_silences; i++)
		silence_free(&inc->silences[i]);
	free(inc->silences);
	inc->silences = NULL;
	inc->n_silences = 0;
}

size_t
wr_silence_plan_seen(const struct wr_incident *inc,
    const struct wr_silence_seen *seen, int64_t now, struct wr_evlist *out)
{
	const struct wr_silence *s = NULL;
	struct wr_event *e;
	int64_t d;

	for (size_t i = 0; inc != NULL && i < inc->n_silences; i++)
		if (strcmp(inc->silences[i].id, seen->id) == 0)
			s = &inc->silences[i];
	if (s == NULL || !wr_time_ok(now))
		return 0;
	if (seen->replaced_by != NULL && !seen->gone) {
		/* expired there for an edit, and the edit is this one: the
		 * incident follows it (unless it holds that one already) */
		for (size_t i = 0; i < inc->n_silences; i++)
			if (strcmp(inc->silences[i].id, seen->replaced_by) == 0)
				goto ended;
		if (seen->replaced_by[0] == '\0' ||
		    strlen(seen->replaced_by) > WR_SILENCE_ID_MAX ||
		    !wr_time_ok(seen->ends) || seen->ends <= 0)
			goto ended;
		e = wr_evlist_push(out);
		e->kind = WR_EV_SILENCE_CHANGED;
		e->ends = seen->ends;
		e->matchers = xstrdup(seen->matchers != NULL ?
		    seen->matchers : s->matchers);
		e->new_silence_id = xstrdup(seen->replaced_by);
	} else if (seen->gone || seen->expired) {
ended:
		e = wr_evlist_push(out);
		e->kind = WR_EV_SILENCE_EXPIRED;
		e->ends = seen->gone || seen->ends <= 0 || seen->ends > now ||
		    !wr_time_ok(seen->ends) ? now : seen->ends;
	} else {
		d = seen->ends - s->ends;
		if ((d < 1000 && d > -1000) && (seen->matchers == NULL ||
		    strcmp(seen->matchers, s->matchers) == 0))
			return 0;
		if (!wr_time_ok(seen->ends) || seen->ends <= 0)
			return 0;
		e = wr_evlist_push(out);
		e->kind = WR_EV_SILENCE_CHANGED;
		e->ends = seen->ends;
		e->matchers = xstrdup(seen->matchers != NULL ?
		    seen->matchers : s->matchers);
	}
	e->incident = inc->id;
	e->time = now;
	e->actor = xstrdup(seen->actor != NULL ? seen->actor : "alertmanager");
	e->via = xstrdup0(seen->via);
	e->silence_id = xstrdup(s->id);
	return 1;
}
