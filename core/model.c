/*
 * model.c: names, copies and frees for the model's records (model.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "parse.h"
#include "silence.h"
#include "timefmt.h"
#include "util.h"

static const char *sev_names[WR_SEV_COUNT] = {
	"critical", "error", "warning", "info"
};
static const char *state_names[WR_ST_COUNT] = {
	"triggered", "acknowledged", "resolved"
};
static const struct wr_event_kind_info kind_none = {
	WR_EV_NONE, "none", WR_SCOPE_INCIDENT, 0, "none", "none",
	WR_TONE_NORMAL
};

static const struct wr_event_kind_info kinds[WR_EV_KIND_COUNT] = {
	[WR_EV_NONE] = { WR_EV_NONE, "none", WR_SCOPE_INCIDENT, 0, "none",
	    "none", WR_TONE_NORMAL },
#define WR_X_(name, num, wire, scope, fields, phrase, words, tone) \
	[num] = { WR_EV_##name, wire, scope, fields, phrase, words, tone },
	WR_EVENT_KINDS(WR_X_)
#undef WR_X_
};

static const struct wr_event_field fields[] = {
#define WR_X_(flag, member, wire, type, max) \
	{ WR_EVF(flag), #member, wire, type, max, \
	    offsetof(struct wr_event, member) },
	WR_EVENT_FIELDS(WR_X_)
#undef WR_X_
};

#define N_FIELDS (sizeof fields / sizeof fields[0])
_Static_assert(N_FIELDS <= 64, "WR_EVF bits are a wr_evf (64 bits)");

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

const struct wr_event_kind_info *
wr_event_kind_info(wr_event_kind k)
{
	/* A row left out of the numbering has no name: it is unknown. */
	if ((unsigned)k >= WR_EV_KIND_COUNT || kinds[k].name == NULL)
		return &kind_none;
	return &kinds[k];
}

const struct wr_event_field *
wr_event_fields(size_t *n)
{
	*n = N_FIELDS;
	return fields;
}

int
wr_event_field_repeats(size_t i)
{
	for (size_t j = 0; j < i && i < N_FIELDS; j++)
		if (fields[j].offset == fields[i].offset)
			return 1;
	return 0;
}

static char **
member_str(const struct wr_event *e, const struct wr_event_field *f)
{
	return (char **)((char *)(uintptr_t)e + f->offset);
}

static int64_t *
member_int(const struct wr_event *e, const struct wr_event_field *f)
{
	return (int64_t *)((char *)(uintptr_t)e + f->offset);
}

const char *
wr_event_field_text(const struct wr_event *e, const struct wr_event_field *f,
    char *buf, size_t size)
{
	switch (f->type) {
	case WR_FT_STR:
	case WR_FT_OPT_STR:
		return *member_str(e, f);
	case WR_FT_SEV:
		return wr_severity_name(e->severity);
	case WR_FT_INT:
		snprintf(buf, size, "%lld", (long long)*member_int(e, f));
		return buf;
	case WR_FT_OPT_TIME:
	case WR_FT_TIME:
		if (*member_int(e, f) == 0)
			return NULL;
		wr_time_format(*member_int(e, f), buf, size);
		return buf;
	case WR_FT_ALERT:
	case WR_FT_ALERT_END:
		break;
	}
	return NULL;
}

void
wr_event_copy_fields(struct wr_event *dst, const struct wr_event *src,
    wr_evf want)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		const struct wr_event_field *f = &fields[i];

		if (!(want & f->flag))
			continue;
		switch (f->type) {
		case WR_FT_STR:
		case WR_FT_OPT_STR:
			if (*member_str(dst, f) != *member_str(src, f))
				util_set_str(member_str(dst, f),
				    *member_str(src, f));
			break;
		case WR_FT_SEV:
			dst->severity = src->severity;
			break;
		case WR_FT_INT:
		case WR_FT_OPT_TIME:
		case WR_FT_TIME:
			*member_int(dst, f) = *member_int(src, f);
			break;
		case WR_FT_ALERT:
		case WR_FT_ALERT_END:
			if (&dst->alert != &src->alert) {
				wr_alert_free(&dst->alert);
				wr_alert_copy(&dst->alert, &src->alert);
			}
			break;
		}
	}
}

wr_evf
wr_event_fields_shared(wr_evf from, wr_evf to)
{
	wr_evf out = 0;

	for (size_t i = 0; i < N_FIELDS; i++) {
		if (!(from & fields[i].flag))
			continue;
		for (size_t j = 0; j < N_FIELDS; j++)
			if ((to & fields[j].flag) &&
			    fields[j].offset == fields[i].offset)
				out |= fields[i].flag;
	}
	return out;
}

const char *
wr_event_kind_name(wr_event_kind k)
{
	return wr_event_kind_info(k)->name;
}

wr_event_kind
wr_event_kind_parse(const char *name)
{
	for (int i = 1; i < WR_EV_KIND_COUNT; i++)
		if (name != NULL && kinds[i].name != NULL &&
		    strcmp(name, kinds[i].name) == 0)
			return (wr_event_kind)i;
	return WR_EV_NONE;
}

const char *
wr_event_phrase(wr_event_kind k)
{
	return wr_event_kind_info(k)->phrase;
}

char *
wr_template(const char *tmpl, const char *(*get)(void *ud, const char *name),
    void *ud)
{
	size_t len = 0, cap = 64;
	char *out = xmalloc(cap);
	const char *p = tmpl;

	while (*p != '\0') {
		const char *piece = p, *close;
		size_t plen = 1;
		char name[32];

		if (*p == '{' && (close = strchr(p, '}')) != NULL &&
		    (size_t)(close - p - 1) < sizeof name) {
			memcpy(name, p + 1, (size_t)(close - p - 1));
			name[close - p - 1] = '\0';
			piece = get(ud, name);
			p = close + 1;
			if (piece == NULL || *piece == '\0') {
				if (*p == ' ')
					p++;
				continue;
			}
			plen = strlen(piece);
		} else
			p++;
		if (len + plen + 1 > cap) {
			while (len + plen + 1 > cap)
				cap *= 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, piece, plen);
		len += plen;
	}
	out[len] = '\0';
	return out;
}

const char *
wr_event_field_named(const struct wr_event *e, const char *wire, char *buf,
    size_t size)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (strcmp(fields[i].wire, wire) == 0)
			return wr_event_field_text(e, &fields[i], buf, size);
	return NULL;
}

struct event_words {
	const struct wr_event *e;
	wr_time_fmt_fn *fmt;
	void *ud;
	char num[40];
	char buf[512];
};

/* The names only the escalation's kinds use, made of their fields
 * (model.h, WR_EVENT_KINDS); NULL for any other. */
static const char *
escalation_value(struct event_words *w, const char *name)
{
	const struct wr_event *e = w->e;
	int has_why = e->why != NULL && e->why[0] != '\0';

	if (strcmp(name, "who") == 0)
		return e->text != NULL && e->text[0] != '\0' ? e->text :
		    "nobody";
	if (strcmp(name, ", why") == 0 || strcmp(name, " (why)") == 0) {
		if (!has_why)
			return NULL;
		snprintf(w->buf, sizeof w->buf, name[0] == ',' ? ", %s" :
		    " (%s)", e->why);
		return w->buf;
	}
	if (strcmp(name, ", repeat") == 0) {
		if (e->round <= 0)
			return NULL;
		snprintf(w->num, sizeof w->num, ", repeat %lld",
		    (long long)e->round);
		return w->num;
	}
	if (strcmp(name, "after") == 0) {
		wr_format_duration(e->after_ms, w->num, sizeof w->num);
		return w->num;
	}
	return NULL;
}

static const char *
event_value(void *ud, const char *name)
{
	struct event_words *w = ud;
	const struct wr_event *e = w->e;

	if (strcmp(name, "count") == 0) {
		snprintf(w->num, sizeof w->num, "%lld", (long long)e->count);
		return w->num;
	}

	if (strcmp(name, "duration") == 0) {
		if (e->duration <= 0)
			return NULL;
		wr_format_duration(e->duration, w->num, sizeof w->num);
		return w->num;
	}
	if (w->fmt != NULL) {
		size_t n;
		const struct wr_event_field *f = wr_event_fields(&n);

		for (size_t i = 0; i < n; i++)
			if ((f[i].type == WR_FT_TIME ||
			    f[i].type == WR_FT_OPT_TIME) &&
			    strcmp(f[i].wire, name) == 0) {
				int64_t t = *(const int64_t *)(const void *)
				    ((const char *)e + f[i].offset);

				if (t == 0)
					return NULL;
				w->fmt(t, w->num, sizeof w->num, w->ud);
				return w->num;
			}
	}
	/* a postmortem saved from an older version than the newest then
	 * (its base is not the one before it): core/postmortem.h says what
	 * came first */
	if (strcmp(name, "based") == 0) {
		if (e->version <= 1 || e->base == e->version - 1)
			return NULL;
		if (e->base == 0)
			return " (from the template)";
		snprintf(w->num, sizeof w->num, " (based on v%lld)",
		    (long long)e->base);
		return w->num;
	}
	/* a silence Alertmanager replaced with a new one */
	if (strcmp(name, ", now silence") == 0) {
		if (e->new_silence_id == NULL || e->new_silence_id[0] == '\0')
			return NULL;
		snprintf(w->buf, sizeof w->buf, ", now silence %.64s",
		    e->new_silence_id);
		return w->buf;
	}
	if (strcmp(name, "fingerprint") == 0)
		return e->alert.fingerprint;
	if (strcmp(name, "alertname") == 0)
		return wr_kvlist_get(&e->alert.labels, "alertname");
	if (strcmp(name, "severity") == 0)
		return e->severity_raw ? e->severity_raw :
		    wr_severity_name(e->severity);
	{
		const char *v = escalation_value(w, name);

		if (v != NULL)
			return v;
	}
	return wr_event_field_named(e, name, w->num, sizeof w->num);
}

char *
wr_event_words(const struct wr_event *e)
{
	return wr_event_words_fmt(e, NULL, NULL);
}

char *
wr_event_words_fmt(const struct wr_event *e, wr_time_fmt_fn *fmt, void *ud)
{
	struct event_words w = { .e = e, .fmt = fmt, .ud = ud };

	return wr_template(wr_event_kind_info(e->kind)->words, event_value,
	    &w);
}

const char *
wr_event_subject(const struct wr_event *e)
{
	wr_evf f = wr_event_kind_info(e->kind)->fields;

	if (f & (WR_EVF(TEXT) | WR_EVF(ASSIGNEE)))
		return e->text;
	if (f & WR_EVF(TITLE))
		return e->title;
	if (f & (WR_EVF(ALERT) | WR_EVF(ALERT_END)))
		return e->alert.fingerprint;
	return NULL;
}

int64_t
wr_event_acted_at(const struct wr_event *e)
{
	return e->made_at != 0 ? e->made_at : e->time;
}

int64_t
wr_event_delivery_lag(const struct wr_event *e)
{
	int64_t lag;

	if (e->made_at == 0 || e->made_at >= e->time)
		return 0;
	lag = e->time - e->made_at;
	return lag >= WR_EVENT_LAG_SHOWN_MS ? lag : 0;
}

const char *
wr_event_via(const struct wr_event *e)
{
	if (e->via == NULL || e->via[0] == '\0' || strcmp(e->via, "-") == 0)
		return NULL;
	if (e->actor != NULL && strcmp(e->actor, e->via) == 0)
		return NULL;
	return e->via;
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
	/* the table's string members, each once */
	for (size_t i = 0; i < N_FIELDS; i++)
		if ((fields[i].type == WR_FT_STR ||
		    fields[i].type == WR_FT_OPT_STR) &&
		    !wr_event_field_repeats(i))
			*member_str(dst, &fields[i]) =
			    xstrdup0(*member_str(src, &fields[i]));
	wr_alert_copy(&dst->alert, &src->alert);
}

void
wr_event_free(struct wr_event *e)
{
	free(e->actor);
	free(e->via);
	free(e->op_id);
	for (size_t i = 0; i < N_FIELDS; i++)
		if ((fields[i].type == WR_FT_STR ||
		    fields[i].type == WR_FT_OPT_STR) &&
		    !wr_event_field_repeats(i))
			free(*member_str(e, &fields[i]));
	wr_alert_free(&e->alert);
	memset(e, 0, sizeof *e);
}

void
wr_incident_free(struct wr_incident *inc)
{
	if (inc == NULL)
		return;
	free(inc->source);
	free(inc->sender);
	free(inc->key);
	free(inc->title);
	free(inc->service);
	free(inc->severity_raw);
	free(inc->severity_by);
	free(inc->ack_by);
	free(inc->resolved_by);
	free(inc->assignee);
	free(inc->labels_text);
	wr_silences_free(inc);
	free(inc->pm_by);
	free(inc->esc_policy);
	free(inc->esc_target);
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
	c->sender = xstrdup0(inc->sender);
	c->key = xstrdup0(inc->key);
	c->title = xstrdup0(inc->title);
	c->service = xstrdup0(inc->service);
	c->severity_raw = xstrdup0(inc->severity_raw);
	c->severity_by = xstrdup0(inc->severity_by);
	c->ack_by = xstrdup0(inc->ack_by);
	c->resolved_by = xstrdup0(inc->resolved_by);
	c->assignee = xstrdup0(inc->assignee);
	c->labels_text = xstrdup0(inc->labels_text);
	wr_silences_copy(c, inc);
	c->pm_by = xstrdup0(inc->pm_by);
	c->esc_policy = xstrdup0(inc->esc_policy);
	c->esc_target = xstrdup0(inc->esc_target);
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
