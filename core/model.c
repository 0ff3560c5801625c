/*
 * model.c: names, copies and frees for the model's records (model.h).
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

static const char *sev_names[WR_SEV_COUNT] = {
	"critical", "error", "warning", "info"
};
static const char *state_names[WR_ST_COUNT] = {
	"triggered", "acknowledged", "resolved"
};
static const char *kind_names[WR_EV_KIND_COUNT] = {
	"none", "triggered", "alert_firing", "alert_resolved", "acknowledged",
	"unacknowledged", "note", "resolved", "reopened", "assigned", "retitled"
};

const char *
wr_severity_name(wr_severity s)
{
	return (unsigned)s < WR_SEV_COUNT ? sev_names[s] : "warning";
}

int
wr_severity_parse(const char *name, wr_severity *out)
{
	for (int i = 0; i < WR_SEV_COUNT; i++) {
		if (name != NULL && strcmp(name, sev_names[i]) == 0) {
			*out = (wr_severity)i;
			return 0;
		}
	}
	return -1;
}

const char *
wr_state_name(wr_state s)
{
	return (unsigned)s < WR_ST_COUNT ? state_names[s] : "triggered";
}

int
wr_state_parse(const char *name, wr_state *out)
{
	for (int i = 0; i < WR_ST_COUNT; i++) {
		if (name != NULL && strcmp(name, state_names[i]) == 0) {
			*out = (wr_state)i;
			return 0;
		}
	}
	return -1;
}

const char *
wr_event_kind_name(wr_event_kind k)
{
	return (unsigned)k < WR_EV_KIND_COUNT ? kind_names[k] : "none";
}

wr_event_kind
wr_event_kind_parse(const char *name)
{
	for (int i = 1; i < WR_EV_KIND_COUNT; i++)
		if (name != NULL && strcmp(name, kind_names[i]) == 0)
			return (wr_event_kind)i;
	return WR_EV_NONE;
}

void
wr_kvlist_add(struct wr_kvlist *l, const char *key, const char *value)
{
	if (l->n + 1 > l->cap) {
		l->cap = l->n < 4 ? 8 : l->n * 2;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup(value);
	l->n++;
}

const char *
wr_kvlist_get(const struct wr_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

void
wr_kvlist_copy(struct wr_kvlist *dst, const struct wr_kvlist *src)
{
	dst->v = NULL;
	dst->n = dst->cap = 0;
	if (src->n == 0)
		return;
	dst->v = xmalloc(src->n * sizeof *dst->v);
	dst->cap = src->n;
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i].key = xstrdup(src->v[i].key);
		dst->v[i].value = xstrdup(src->v[i].value);
	}
	dst->n = src->n;
}

void
wr_kvlist_free(struct wr_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void
wr_alert_copy(struct wr_alert *dst, const struct wr_alert *src)
{
	*dst = *src;
	dst->fingerprint = xstrdup0(src->fingerprint);
	wr_kvlist_copy(&dst->labels, &src->labels);
	wr_kvlist_copy(&dst->annotations, &src->annotations);
}

void
wr_alert_free(struct wr_alert *a)
{
	free(a->fingerprint);
	a->fingerprint = NULL;
	wr_kvlist_free(&a->labels);
	wr_kvlist_free(&a->annotations);
}

void
wr_event_copy(struct wr_event *dst, const struct wr_event *src)
{
	*dst = *src;
	dst->actor = xstrdup0(src->actor);
	dst->via = xstrdup0(src->via);
	dst->op_id = xstrdup0(src->op_id);
	dst->source = xstrdup0(src->source);
	dst->key = xstrdup0(src->key);
	dst->title = xstrdup0(src->title);
	dst->service = xstrdup0(src->service);
	dst->severity_raw = xstrdup0(src->severity_raw);
	dst->text = xstrdup0(src->text);
	wr_alert_copy(&dst->alert, &src->alert);
}

void
wr_event_free(struct wr_event *e)
{
	free(e->actor);
	free(e->via);
	free(e->op_id);
	free(e->source);
	free(e->key);
	free(e->title);
	free(e->service);
	free(e->severity_raw);
	free(e->text);
	wr_alert_free(&e->alert);
	memset(e, 0, sizeof *e);
}

void
wr_incident_free(struct wr_incident *inc)
{
	if (inc == NULL)
		return;
	free(inc->source);
	free(inc->key);
	free(inc->title);
	free(inc->service);
	free(inc->severity_raw);
	free(inc->ack_by);
	free(inc->resolved_by);
	free(inc->assignee);
	free(inc->labels_text);
	for (size_t i = 0; i < inc->alerts_len; i++)
		wr_alert_free(&inc->alerts[i]);
	free(inc->alerts);
	free(inc);
}

struct wr_incident *
wr_incident_dup_summary(const struct wr_incident *inc)
{
	struct wr_incident *c = xmalloc(sizeof *c);

	*c = *inc;
	c->source = xstrdup0(inc->source);
	c->key = xstrdup0(inc->key);
	c->title = xstrdup0(inc->title);
	c->service = xstrdup0(inc->service);
	c->severity_raw = xstrdup0(inc->severity_raw);
	c->ack_by = xstrdup0(inc->ack_by);
	c->resolved_by = xstrdup0(inc->resolved_by);
	c->assignee = xstrdup0(inc->assignee);
	c->labels_text = xstrdup0(inc->labels_text);
	c->alerts = NULL;
	c->alerts_len = c->alerts_cap = 0;
	return c;
}

struct wr_event *
wr_evlist_push(struct wr_evlist *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	return &l->v[l->n++];
}

void
wr_evlist_clear(struct wr_evlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		wr_event_free(&l->v[i]);
	l->n = 0;
}

void
wr_evlist_free(struct wr_evlist *l)
{
	wr_evlist_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

void
wr_incident_note_labels(struct wr_incident *inc, const struct wr_kvlist *labels)
{
	size_t len = inc->labels_text ? strlen(inc->labels_text) : 0;

	for (size_t i = 0; i < labels->n; i++) {
		char *pair = xasprintf("%s=%s", labels->v[i].key,
		    labels->v[i].value);
		size_t plen = strlen(pair), sep = len > 0;

		if (len + sep + plen >= WR_LABELS_TEXT_MAX) {
			free(pair);
			return;
		}
		if (inc->labels_text == NULL ||
		    strstr(inc->labels_text, pair) == NULL) {
			inc->labels_text = xrealloc(inc->labels_text,
			    len + sep + plen + 1);
			if (sep)
				inc->labels_text[len++] = ' ';
			memcpy(inc->labels_text + len, pair, plen + 1);
			len += plen;
		}
		free(pair);
	}
}
