/*
 * policy.c: escalation policies (policy.h): their lines as the config file
 * writes them, which one takes an incident, and what is due when.
 *
 * Everything here is a function of a policy, an incident's state as the
 * reducer keeps it from the log, and an instant the caller gives: the
 * relay's engine (relay/escalate.c) asks wr_policy_next() when to look
 * again and wr_policy_plan() for the event to commit when it is time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "policy.h"
#include "silence.h"
#include "util.h"

struct wr_policy *
wr_policy_new(const char *name)
{
	struct wr_policy *p = xcalloc(1, sizeof *p);

	p->name = xstrdup(name);
	return p;
}

void
wr_policy_free(struct wr_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_steps; i++) {
		for (size_t j = 0; j < p->steps[i].n_targets; j++)
			free(p->steps[i].targets[j]);
		free(p->steps[i].targets);
	}
	free(p->steps);
	for (size_t i = 0; i < p->n_services; i++)
		free(p->services[i]);
	free(p->services);
	free(p->name);
	free(p);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A target's or a service's name: one word of printable bytes, no comma. */
static int
word_ok(const char *s, size_t n)
{
	if (n == 0 || n > WR_POLICY_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == ',')
			return 0;
	return 1;
}

/* "a, b, c" into a list of words; -1 with *cause naming what. */
static int
split_list(const char *p, const char *what, char ***out, size_t *n,
    size_t max, char **cause)
{
	for (;;) {
		const char *comma = strchr(p, ','), *e;
		size_t len;

		e = comma != NULL ? comma : p + strlen(p);
		while (p < e && is_space(*p))
			p++;
		len = (size_t)(e - p);
		while (len > 0 && is_space(p[len - 1]))
			len--;
		if (len == 0) {
			*cause = xasprintf("an empty %s in the list", what);
			return -1;
		}
		if (!word_ok(p, len)) {
			*cause = xasprintf("'%.*s' is not a %s (one word, at "
			    "most %d bytes)", (int)(len > 64 ? 64 : len), p,
			    what, WR_POLICY_NAME_MAX);
			return -1;
		}
		if (*n == max) {
			*cause = xasprintf("more than %zu %ss", max, what);
			return -1;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = xstrndup(p, len);
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Append s to a growing ", "- or "; "-separated text. */
static void
text_add(char **t, const char *sep, const char *s)
{
	char *n = *t == NULL ? xstrdup(s) : xasprintf("%s%s%s", *t, sep, s);

	free(*t);
	*t = n;
}

int
wr_policy_add_step(struct wr_policy *p, const char *text, char **cause)
{
	char err[WR_PARSE_ERR_MAX], delay[32];
	const char *sp = text;
	struct wr_policy_step st;
	size_t n;

	while (is_space(*sp))
		sp++;
	n = strcspn(sp, " \t");
	if (n == 0 || sp[n] == '\0') {
		*cause = xasprintf("'%.64s' is not a step (want a delay and "
		    "the targets, as in: 10m secondary, or 20m alice, bob)",
		    text);
		return -1;
	}
	if (p->n_steps == WR_POLICY_STEPS_MAX) {
		*cause = xasprintf("more than %d steps", WR_POLICY_STEPS_MAX);
		return -1;
	}
	if (n >= sizeof delay) {
		*cause = xasprintf("'%.32s' is not a delay (use 0m, 10m, 1h)",
		    sp);
		return -1;
	}
	memcpy(delay, sp, n);
	delay[n] = '\0';
	memset(&st, 0, sizeof st);
	if (strcmp(delay, "0") == 0)
		st.delay_ms = 0;
	else if (wr_parse_duration(delay, 0, 0, 7 * 86400000LL, &st.delay_ms,
	    err, sizeof err) != 0) {
		*cause = xasprintf("the delay: %s", err);
		return -1;
	}
	if (split_list(sp + n, "target", &st.targets, &st.n_targets,
	    WR_POLICY_TARGETS_MAX, cause) != 0) {
		for (size_t i = 0; i < st.n_targets; i++)
			free(st.targets[i]);
		free(st.targets);
		return -1;
	}
	p->steps = xrealloc(p->steps, (p->n_steps + 1) * sizeof *p->steps);
	p->steps[p->n_steps++] = st;
	return 0;
}

int
wr_policy_set_match(struct wr_policy *p, const char *text, char **cause)
{
	const char *s = text;
	int any = 0;

	for (size_t i = 0; i < p->n_services; i++)
		free(p->services[i]);
	free(p->services);
	p->services = NULL;
	p->n_services = 0;
	p->severities = 0;	/* given twice: the later one */
	for (;;) {
		const char *w, *eq;
		char buf[1024];
		size_t n;

		while (is_space(*s))
			s++;
		if (*s == '\0')
			break;
		w = s;
		n = strcspn(s, " \t");
		s += n;
		if (n >= sizeof buf) {
			*cause = xstrdup("a term longer than 1k");
			return -1;
		}
		memcpy(buf, w, n);
		buf[n] = '\0';
		eq = strchr(buf, '=');
		if (eq != NULL && strncmp(buf, "service=", 8) == 0) {
			if (p->n_services > 0) {
				*cause = xstrdup("service= twice (give one "
				    "list: service=a,b)");
				return -1;
			}
			if (split_list(buf + 8, "service", &p->services,
			    &p->n_services, 64, cause) != 0)
				return -1;
		} else if (eq != NULL && strncmp(buf, "severity=", 9) == 0) {
			char **levels = NULL, *why = NULL;
			size_t nl = 0;
			int bad = 0;

			if (p->severities != 0) {
				*cause = xstrdup("severity= twice (give one "
				    "list: severity=critical,error)");
				return -1;
			}
			if (split_list(buf + 9, "severity", &levels, &nl,
			    WR_SEV_COUNT, &why) != 0) {
				*cause = why;
				return -1;
			}
			for (size_t i = 0; i < nl; i++) {
				wr_severity sev;

				if (!bad && wr_severity_parse(levels[i],
				    &sev) != 0) {
					*cause = xasprintf("unknown severity "
					    "'%s' (use critical, error, "
					    "warning or info)", levels[i]);
					bad = 1;
				} else if (!bad)
					p->severities |= 1u << sev;
				free(levels[i]);
			}
			free(levels);
			if (bad)
				return -1;
		} else {
			*cause = xasprintf("'%.64s' is not a term of a match "
			    "(want service=NAME and/or severity=LEVEL)", buf);
			return -1;
		}
		any = 1;
	}
	if (!any) {
		*cause = xstrdup("an empty match (leave the line out for the "
		    "default policy)");
		return -1;
	}
	p->has_match = 1;
	return 0;
}

char *
wr_policy_match_text(const struct wr_policy *p)
{
	char *t = NULL, *sev = NULL, *out;

	for (size_t i = 0; i < p->n_services; i++)
		text_add(&t, ",", p->services[i]);
	for (int sv = 0; sv < WR_SEV_COUNT; sv++)
		if (p->severities & (1u << sv))
			text_add(&sev, ",", wr_severity_name((wr_severity)sv));
	out = xasprintf("%s%s%s%s%s", t != NULL ? "service=" : "",
	    t != NULL ? t : "", t != NULL && sev != NULL ? " " : "",
	    sev != NULL ? "severity=" : "", sev != NULL ? sev : "");
	free(t);
	free(sev);
	return out;
}

char *
wr_policy_targets_text(const struct wr_policy_step *st)
{
	char *t = NULL;

	for (size_t i = 0; i < st->n_targets; i++)
		text_add(&t, ", ", st->targets[i]);
	return t != NULL ? t : xstrdup("");
}

char *
wr_policy_step_text(const struct wr_policy_step *st)
{
	char *who = wr_policy_targets_text(st);
	char *t = st->delay_ms % 1000 == 0 ?
	    xasprintf("%llds %s", (long long)(st->delay_ms / 1000), who) :
	    xasprintf("%lldms %s", (long long)st->delay_ms, who);

	free(who);
	return t;
}

int
wr_policy_check(const struct wr_policy *p, char **cause)
{
	if (p->n_steps == 0) {
		*cause = xstrdup("no steps (add step = 0m SCHEDULE-OR-PERSON)");
		return -1;
	}
	for (size_t i = 1; i < p->n_steps; i++)
		if (p->steps[i].delay_ms <= p->steps[i - 1].delay_ms) {
			*cause = xasprintf("step %zu comes no later than step "
			    "%zu (each step's delay is after the trigger, and "
			    "grows)", i + 1, i);
			return -1;
		}
	if (p->repeat > 0 && wr_policy_offset(p, (int)p->n_steps) <=
	    p->steps[p->n_steps - 1].delay_ms) {
		*cause = xstrdup("repeat needs a round of some length: the "
		    "last step's delay must be after the step before it (or "
		    "after 0, for one step)");
		return -1;
	}
	return 0;
}

int
wr_policy_matches(const struct wr_policy *p, const struct wr_incident *inc)
{
	if (p->n_services > 0) {
		size_t i;

		for (i = 0; i < p->n_services; i++)
			if (inc->service != NULL &&
			    strcmp(inc->service, p->services[i]) == 0)
				break;
		if (i == p->n_services)
			return 0;
	}
	if (p->severities != 0 && ((unsigned)inc->severity >= WR_SEV_COUNT ||
	    !(p->severities & (1u << inc->severity))))
		return 0;
	return 1;
}

const struct wr_policy *
wr_policy_find(const struct wr_policy *const *v, size_t n,
    const struct wr_incident *inc)
{
	const struct wr_policy *dflt = NULL;

	if (inc->esc_policy != NULL)
		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i]->name, inc->esc_policy) == 0)
				return v[i];
	for (size_t i = 0; i < n; i++) {
		if (!v[i]->has_match) {
			if (dflt == NULL)
				dflt = v[i];
		} else if (wr_policy_matches(v[i], inc))
			return v[i];
	}
	return dflt;
}

int
wr_policy_total(const struct wr_policy *p)
{
	return (int)p->n_steps * (p->repeat + 1);
}

int64_t
wr_policy_offset(const struct wr_policy *p, int k)
{
	size_t n = p->n_steps;
	int64_t last, gap, round;

	if (n == 0 || k < 0)
		return 0;
	last = p->steps[n - 1].delay_ms;
	gap = n > 1 ? last - p->steps[n - 2].delay_ms : last;
	round = last + gap;
	return (int64_t)(k / (int)n) * round + p->steps[k % (int)n].delay_ms;
}

void
wr_policy_next(const struct wr_policy *p, const struct wr_incident *inc,
    int silenced, struct wr_policy_next *out)
{
	memset(out, 0, sizeof *out);
	switch (inc->state) {
	case WR_ST_RESOLVED:
		return;
	case WR_ST_ACKNOWLEDGED:
		if (inc->snooze_until != 0) {
			out->what = WR_DUE_SNOOZE_END;
			out->at = inc->snooze_until;
		} else if (p != NULL && p->ack_timeout_ms > 0 &&
		    inc->ack_at != 0) {
			/* from when the relay took it: an ack queued
			 * offline counts from its arrival, not its making */
			out->what = WR_DUE_ACK_EXPIRY;
			out->at = (inc->ack_seen_at > inc->ack_at ?
			    inc->ack_seen_at : inc->ack_at) + p->ack_timeout_ms;
		}
		return;
	case WR_ST_TRIGGERED:
	case WR_ST_COUNT:
		break;
	}
	if (p == NULL || inc->esc_since == 0)
		return;
	/* Held silences: none escalates; the first to end is due, and its
	 * end starts the round again (core/room.c). */
	for (size_t i = 0; i < inc->n_silences; i++)
		if (out->what == WR_DUE_NONE || inc->silences[i].ends <
		    out->at) {
			out->what = WR_DUE_SILENCE_END;
			out->at = inc->silences[i].ends;
			out->silence = (int)i;
		}
	if (out->what != WR_DUE_NONE || silenced || inc->esc_fired < 0 ||
	    inc->esc_fired >= wr_policy_total(p))
		return;
	out->what = WR_DUE_STEP;
	out->fire = (int)inc->esc_fired;
	out->at = inc->esc_since + wr_policy_offset(p, out->fire);
}

int
wr_policy_silenced(const struct wr_incident *inc, int64_t now)
{
	/* the silences' events decide it (core/silence.c) */
	return wr_incident_silenced(inc, now);
}

char *
wr_policy_actor(const char *name)
{
	return xasprintf("policy %s", name);
}

int
wr_policy_names_person(const char *list, const char *person)
{
	size_t plen;

	if (list == NULL || person == NULL || (plen = strlen(person)) == 0)
		return 0;
	for (const char *p = list; *p != '\0';) {
		size_t n;

		while (*p == ' ' || *p == ',')
			p++;
		n = strcspn(p, ",");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == plen && strncmp(p, person, n) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* The people a step pages now, and why: its targets resolved. */
static void
step_targets(const struct wr_policy_step *st, int64_t now,
    wr_policy_oncall_fn oncall, void *ud, char **who, char **why)
{
	char *people = NULL, *reasons = NULL;

	for (size_t i = 0; i < st->n_targets; i++) {
		const char *t = st->targets[i], *person = NULL;
		int sched = oncall != NULL && oncall(ud, t, now, &person);
		char *r;

		if (!sched)
			person = t;
		if (person != NULL && !wr_policy_names_person(people, person))
			text_add(&people, ", ", person);
		if (!sched)
			continue;
		/* One target: "on call for primary"; more: whose each is. */
		if (person == NULL)
			r = xasprintf("a gap in %s", t);
		else if (st->n_targets == 1)
			r = xasprintf("on call for %s", t);
		else
			r = xasprintf("%s on call for %s", person, t);
		text_add(&reasons, "; ", r);
		free(r);
	}
	*who = people != NULL ? people : xstrdup("");
	*why = reasons;
}

static struct wr_event *
plan_push(struct wr_evlist *out, wr_event_kind kind,
    const struct wr_incident *inc, int64_t now, const char *actor)
{
	struct wr_event *e = wr_evlist_push(out);

	e->kind = kind;
	e->incident = inc->id;
	e->time = now;
	e->actor = xstrdup(actor);
	return e;
}

size_t
wr_policy_plan(const struct wr_policy *p, const struct wr_incident *inc,
    int64_t now, int silenced, wr_policy_oncall_fn oncall, void *ud,
    struct wr_evlist *out)
{
	struct wr_policy_next nx;
	const struct wr_policy_step *st;
	struct wr_event *e;
	char *actor;
	int k, k0, total, n;

	wr_policy_next(p, inc, silenced, &nx);
	if (nx.what == WR_DUE_NONE || nx.at > now)
		return 0;
	if (nx.what == WR_DUE_SNOOZE_END) {
		plan_push(out, WR_EV_SNOOZE_OVER, inc, now, "warroomd");
		return 1;
	}
	if (nx.what == WR_DUE_SILENCE_END) {
		const struct wr_silence *s = &inc->silences[nx.silence];

		e = plan_push(out, WR_EV_SILENCE_EXPIRED, inc, now, "warroomd");
		e->silence_id = xstrdup(s->id);
		e->ends = s->ends;
		return 1;
	}
	actor = wr_policy_actor(p->name);
	if (nx.what == WR_DUE_ACK_EXPIRY) {
		e = plan_push(out, WR_EV_ACK_EXPIRED, inc, now, actor);
		e->policy = xstrdup(p->name);
		e->after_ms = p->ack_timeout_ms;
		free(actor);
		return 1;
	}
	/* The latest step that fell due: those before it are past. */
	total = wr_policy_total(p);
	n = (int)p->n_steps;
	for (k = nx.fire; k + 1 < total &&
	    inc->esc_since + wr_policy_offset(p, k + 1) <= now; k++)
		;
	st = &p->steps[k % n];
	e = plan_push(out, WR_EV_ESCALATED, inc, now, actor);
	free(actor);
	e->policy = xstrdup(p->name);
	e->steps = n;
	step_targets(st, now, oncall, ud, &e->text, &e->why);
	k0 = k;
	/* A step that pages nobody (its schedules all in a gap) does not
	 * hold the escalation up for the next one's delay: the next step
	 * fires now, as PagerDuty's do, and its why says what was passed. */
	while (e->text[0] == '\0' && k + 1 < total) {
		char *passed = xasprintf("step %d paged nobody: %s", k % n + 1,
		    e->why != NULL ? e->why : "no one");
		char *why = NULL;

		free(e->text);
		free(e->why);
		st = &p->steps[++k % n];
		step_targets(st, now, oncall, ud, &e->text, &why);
		e->why = why != NULL ? xasprintf("%s; %s", why, passed) :
		    passed;
		if (why != NULL)
			free(passed);
		free(why);
	}
	e->step = k % n + 1;
	e->round = k / n;
	e->next_at = k + 1 < total ? inc->esc_since + wr_policy_offset(p, k + 1) :
	    0;
	/* The first step assigns its first person (the first step that
	 * pages someone, when it paged nobody), unless a person assigned
	 * the incident (or it is that person's already). */
	if (k0 == 0 && e->text[0] != '\0' &&
	    (inc->assignee == NULL || inc->assigned_by_policy) &&
	    (inc->assignee == NULL || strncmp(inc->assignee, e->text,
	    strcspn(e->text, ",")) != 0 ||
	    inc->assignee[strcspn(e->text, ",")] != '\0'))
		e->kind = WR_EV_POLICY_ASSIGNED;
	return 1;
}
