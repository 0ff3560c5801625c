/*
 * silence.c: Alertmanager silences made, expired and followed from the
 * war room.
 *
 * A silence op (silence, unsilence) is not planned like the others: its
 * event says what Alertmanager did, so Alertmanager is asked first.  The
 * op waits here, in r->silwaits, while the request is in flight (the loop
 * goes on: relay/amclient.c never blocks); when Alertmanager has answered,
 * the op goes to the group commit carrying the answer (the silence's id,
 * its end and matchers), and the reducer plans its event from that
 * (wr_room_plan_op).  When Alertmanager cannot be reached or refuses, the
 * op is refused with a code (no_alertmanager, alertmanager_unreachable,
 * alertmanager_refused) and a reason, nothing is recorded, and nothing is
 * shown as made.  A resend of an op that is still waiting joins it (the
 * answer goes to the console that asked last); a resend of one answered
 * and recorded is answered from the record by the commit.
 *
 * A silence made is Alertmanager's, and may be expired or edited there:
 * every silence-refresh ([sender NAME], the shortest of them) the relay
 * asks again for each silence the room holds (GET /api/v2/silence/ID), at
 * most one request per silence in flight, and what changed becomes an
 * event (wr_silence_plan_seen): "silence ... expired at 14:02".  An edit
 * Alertmanager cannot make in place (new matchers, a new start) expires
 * the silence and makes another with a new id: one seen expired is looked
 * for among Alertmanager's silences (GET /api/v2/silences) first, and its
 * replacement (am_silence_find_replacement: the incident's comment, the
 * same creator, made as the old one ended) is followed with a
 * silence_changed event that names the new id, not recorded as expired.
 * An unsilence that finds its silence expired there already looks for a
 * replacement the same way, and expires that one too.
 *
 * A silence's comment carries the incident and the op's id ("warroom #12:
 * TEXT (op OPID)").  Before it POSTs, a silence op looks among
 * Alertmanager's silences for an active one that op made: the relay may
 * have died after its POST left and before the answer was committed, and
 * the console then sends the op again; it adopts that silence rather than
 * make a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/silence.h"
#include "core/timefmt.h"
#include "core/util.h"
#include "net/am-silence.h"
#include "net/json-strict.h"
#include "relay/config.h"
#include "relay/httpc.h"
#include "relay/relay-int.h"

/* Refresh requests in flight, at most. */
#define SILENCE_REFRESH_MAX	64
#define SILENCE_TIMEOUT_MS	10000

/* A request to an Alertmanager about a silence: an op waiting for its
 * answer, or a refresh. */
struct relay_silwait {
	struct relay *r;
	struct relay_silwait *next;
	struct relay_httpc *hc;		/* in flight; NULL once answered */
	struct relay_item *it;		/* the op; NULL for a refresh or once
					 * answered */
	int refresh;
	int64_t incident;
	char sender[64];
	char host[96];			/* for reasons: HOST:PORT */
	char *silence_id;		/* unsilence, refresh: the one */
	char *matchers;			/* silence: what was asked */
	char *body;			/* silence: the POST, while its op's
					 * silence is looked for first */
	struct refresh *seen;		/* refresh: the expired one, while its
					 * replacement is looked for */
	char *also;			/* unsilence: the silence that replaced
					 * the one held, expired too */
	int chased;			/* unsilence: its replacement looked
					 * for */
	int64_t ends;
	int64_t duration;
	int64_t end_check;		/* refresh: the end the clock passed,
					 * asked about (0: a periodic one) */
};

struct refresh;
static void refresh_free(void *data);

/* ---- the op's arguments ---------------------------------------------------- */

/* What a silence op asks for: its arguments (WR_OP_KINDS' fields). */
struct silence_args {
	int64_t duration;
	const char *comment;
	const char *matchers;	/* the person's, to narrow by */
	const char *silence_id;	/* unsilence: the id or a prefix, or none */
};

static void
op_args(const struct relay_item *it, struct silence_args *a)
{
	const struct wr_event *e = &it->op.args;

	a->duration = e->duration;
	a->comment = e->text;
	a->matchers = e->matchers;
	a->silence_id = e->silence_id;
}

/* ---- answering ------------------------------------------------------------- */

static void
wait_unlink(struct relay_silwait *w)
{
	struct relay_silwait **pp;

	if (w->r == NULL)
		return;
	for (pp = &w->r->silwaits; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->r = NULL;
}

static void
wait_free(struct relay_silwait *w)
{
	/* an end asked about is answered now, whatever the answer: what
	 * it changed is queued, and the clock's word stands for the rest */
	if (w->end_check != 0 && w->r != NULL && !w->r->stopping) {
		struct relay_silence_asked *a = &w->r->silence_asked[
		    w->r->silence_asked_next++ % (sizeof w->r->silence_asked /
		    sizeof w->r->silence_asked[0])];

		util_strlcpy(a->id, w->silence_id, sizeof a->id);
		a->ends = w->end_check;
	}
	wait_unlink(w);
	if (w->hc != NULL)
		relay_httpc_cancel(w->hc);
	if (w->it != NULL)
		relay_item_free(w->it);
	free(w->silence_id);
	free(w->matchers);
	free(w->body);
	free(w->also);
	refresh_free(w->seen);
	free(w);
}

/* Answer the op refused (nothing recorded: a resend asks again). */
static void
refuse(struct relay *r, struct relay_item *it, const char *code,
    const char *reason)
{
	struct wr_op_result *res = &it->result;
	char op[96], why[RELAY_LOG_USER];

	res->op_id = xstrdup(it->op.op_id);
	res->status = WR_OPST_REFUSED;
	res->code = xstrdup(code);
	res->reason = xstrdup(reason);
	if (r != NULL)
		relay_log(r, "%s of #%lld by %s refused (%s): %s",
		    wr_op_kind_name(it->op.kind), (long long)it->op.incident,
		    util_log_escape(it->op.actor, op, sizeof op), code,
		    util_log_escape(reason, why, sizeof why));
	if (it->done != NULL)
		it->done(it, 1, it->user);
	relay_item_free(it);
}

/* ---- Alertmanager's answers ---------------------------------------------- */

/* status 0 or an error status: the op is refused, saying which. */
static int
failed(struct relay_silwait *w, int status, const char *body, size_t len,
    const char *why, const char *what)
{
	char text[160], reason[512];

	if (status >= 200 && status < 300 && why == NULL)
		return 0;
	if (status == 0) {
		snprintf(reason, sizeof reason, "the Alertmanager of sender "
		    "%s (%s) gave no answer to %s: %s; nothing was %s",
		    w->sender, w->host, what, why != NULL ? why : "no answer",
		    w->it->op.kind == WR_OP_SILENCE ? "silenced" :
		    "expired");
		refuse(w->r, w->it, PROTO_ERR_AM_UNREACHABLE, reason);
	} else {
		am_silence_error_text(body, len, text, sizeof text);
		snprintf(reason, sizeof reason, "the Alertmanager of sender "
		    "%s (%s) refused %s: %d%s%s", w->sender, w->host, what,
		    status, text[0] != '\0' ? " " : "", text);
		refuse(w->r, w->it, PROTO_ERR_AM_REFUSED, reason);
	}
	w->it = NULL;
	return 1;
}

static void
made(void *ud, int status, const char *body, size_t len, const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	char err[160], *id = NULL, reason[512];

	w->hc = NULL;
	if (r == NULL || r->stopping || w->it == NULL) {
		wait_free(w);
		return;
	}
	if (failed(w, status, body, len, why, "the silence")) {
		wait_free(w);
		return;
	}
	if (am_silence_parse_created(body, len, &id, err, sizeof err) != 0) {
		json_strict_ascii(err);
		snprintf(reason, sizeof reason, "the Alertmanager of sender "
		    "%s (%s) made a silence but its answer does not say "
		    "which: %s", w->sender, w->host, err);
		refuse(r, w->it, PROTO_ERR_AM_REFUSED, reason);
		w->it = NULL;
		wait_free(w);
		return;
	}
	relay_log(r, "alertmanager of sender %s: silence %s made for #%lld",
	    w->sender, id, (long long)w->incident);
	w->it->am_silence_id = id;
	w->it->am_ends = w->ends;
	w->it->am_matchers = xstrdup(w->matchers);
	w->it->am_duration = w->duration;
	relay_enqueue(r, w->it);
	w->it = NULL;
	wait_free(w);
}

static void am_request(struct relay *r, const struct relay_sender *s,
    struct relay_silwait *w, const char *method, const char *path,
    const char *body, relay_httpc_done_fn *done);

/* Alertmanager's silences, as a silence op looks among them for the one
 * it made before (sent again after a relay restart): adopted, or the POST
 * goes. */
static void
looked(void *ud, int status, const char *body, size_t len, const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	const struct relay_sender *s;
	const struct am_silence *had;
	struct am_silence *v = NULL;
	size_t n = 0, skipped = 0;
	char err[160], reason[512], who[RELAY_LOG_USER];

	w->hc = NULL;
	if (r == NULL || r->stopping || w->it == NULL) {
		wait_free(w);
		return;
	}
	if (failed(w, status, body, len, why, "the silence")) {
		wait_free(w);
		return;
	}
	if (am_silence_parse_list(body, len, &v, &n, &skipped, err,
	    sizeof err) != 0) {
		json_strict_ascii(err);
		snprintf(reason, sizeof reason, "the Alertmanager of sender "
		    "%s (%s) answered with a list of silences that cannot be "
		    "read: %s; nothing was silenced", w->sender, w->host, err);
		refuse(r, w->it, PROTO_ERR_AM_REFUSED, reason);
		w->it = NULL;
		wait_free(w);
		return;
	}
	had = am_silence_find_op(v, n, w->incident, w->it->op.actor,
	    w->it->op.op_id);
	if (had != NULL) {
		relay_log(r, "alertmanager of sender %s: silence %s made for "
		    "#%lld by %s's op before (the answer was not recorded): "
		    "adopted, not made again", w->sender, had->id,
		    (long long)w->incident, util_log_escape(w->it->op.actor,
		    who, sizeof who));
		w->it->am_silence_id = xstrdup(had->id);
		w->it->am_ends = had->ends;
		w->it->am_matchers = xstrdup(had->matchers);
		w->it->am_duration = w->duration;
		relay_enqueue(r, w->it);
		w->it = NULL;
		am_silence_list_free(v, n);
		wait_free(w);
		return;
	}
	am_silence_list_free(v, n);
	s = relay_cfg_sender(r->cfg, w->sender);
	if (s == NULL || s->alertmanager == NULL) {
		snprintf(reason, sizeof reason, "the relay no longer knows an "
		    "Alertmanager API for sender %s (its config changed); "
		    "nothing was silenced", w->sender);
		refuse(r, w->it, PROTO_ERR_NO_ALERTMANAGER, reason);
		w->it = NULL;
		wait_free(w);
		return;
	}
	wait_unlink(w);
	am_request(r, s, w, "POST", "/api/v2/silences", w->body, made);
}

static void chased(void *ud, int status, const char *body, size_t len,
    const char *why);
static void expired_done(struct relay *r, struct relay_silwait *w);
static char *silence_path(const char *id);

static void
expired(void *ud, int status, const char *body, size_t len, const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	char text[160];

	w->hc = NULL;
	if (r == NULL || r->stopping || w->it == NULL) {
		wait_free(w);
		return;
	}
	/* Gone there already (404, or "already expired"): it is not active,
	 * which is what the person asked for. */
	am_silence_error_text(body, len, text, sizeof text);
	if (status == 404 || (status == 500 && strstr(text, "already "
	    "expired") != NULL))
		status = 200;
	if (failed(w, status, body, len, status == 200 ? NULL : why,
	    "the expiry")) {
		wait_free(w);
		return;
	}
	expired_done(r, w);
}

/* Alertmanager's silences, for the replacement of the silence an
 * unsilence found expired already: expired too, or none. */
static void
chased(void *ud, int status, const char *body, size_t len, const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	const struct relay_sender *s;
	const struct am_silence *old = NULL, *rep = NULL;
	struct am_silence *v = NULL;
	size_t n = 0, skipped = 0;
	char err[160], reason[600], *path;

	w->hc = NULL;
	if (r == NULL || r->stopping || w->it == NULL) {
		wait_free(w);
		return;
	}
	if (failed(w, status, body, len, why, "the expiry")) {
		wait_free(w);
		return;
	}
	if (am_silence_parse_list(body, len, &v, &n, &skipped, err,
	    sizeof err) != 0) {
		json_strict_ascii(err);
		snprintf(reason, sizeof reason, "the Alertmanager of sender "
		    "%s (%s) had expired silence %s already, and its list of "
		    "silences, read for one that replaced it, cannot be read: "
		    "%s; nothing was recorded", w->sender, w->host,
		    w->silence_id, err);
		refuse(r, w->it, PROTO_ERR_AM_REFUSED, reason);
		w->it = NULL;
		wait_free(w);
		return;
	}
	for (size_t i = 0; i < n && old == NULL; i++)
		if (strcmp(v[i].id, w->silence_id) == 0)
			old = &v[i];
	if (old != NULL)
		rep = am_silence_find_replacement(v, n, old, w->incident,
		    wr_room_get(&r->room, w->incident));
	s = relay_cfg_sender(r->cfg, w->sender);
	if (rep == NULL || s == NULL || s->alertmanager == NULL) {
		am_silence_list_free(v, n);
		expired_done(r, w);
		return;
	}
	relay_log(r, "alertmanager of sender %s: silence %s of #%lld was "
	    "replaced there by %s: expiring that one", w->sender,
	    w->silence_id, (long long)w->incident, rep->id);
	w->also = xstrdup(rep->id);
	path = silence_path(rep->id);
	am_silence_list_free(v, n);
	wait_unlink(w);
	am_request(r, s, w, "DELETE", path, NULL, expired);
	free(path);
}

/* The silence an unsilence expires, read first: expired there already
 * (for an edit, its replacement silences the same alerts, and the relay
 * has not read that one yet: the next silence-refresh would), the
 * replacement is looked for and expired; else it is expired. */
static void
checked(void *ud, int status, const char *body, size_t len, const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	const struct relay_sender *s;
	struct am_silence one;
	char err[160], *path;
	int was_expired;

	w->hc = NULL;
	if (r == NULL || r->stopping || w->it == NULL) {
		wait_free(w);
		return;
	}
	if (status == 404 && why == NULL) {
		expired_done(r, w);
		return;
	}
	if (failed(w, status, body, len, why, "the expiry")) {
		wait_free(w);
		return;
	}
	was_expired = am_silence_parse(body, len, &one, err, sizeof err) == 0 &&
	    strcmp(one.id, w->silence_id) == 0 &&
	    strcmp(one.state, "expired") == 0;
	if (one.id != NULL)
		am_silence_free(&one);
	s = relay_cfg_sender(r->cfg, w->sender);
	if (s == NULL || s->alertmanager == NULL) {
		refuse(r, w->it, PROTO_ERR_NO_ALERTMANAGER, "the relay no longer "
		    "knows an Alertmanager API for the incident's sender (its "
		    "config changed); nothing was expired");
		w->it = NULL;
		wait_free(w);
		return;
	}
	wait_unlink(w);
	if (was_expired) {
		w->chased = 1;
		am_request(r, s, w, "GET", "/api/v2/silences", NULL, chased);
		return;
	}
	path = silence_path(w->silence_id);
	am_request(r, s, w, "DELETE", path, NULL, expired);
	free(path);
}

static void
expired_done(struct relay *r, struct relay_silwait *w)
{
	relay_log(r, "alertmanager of sender %s: silence %s of #%lld expired%s%s",
	    w->sender, w->silence_id, (long long)w->incident,
	    w->also != NULL ? ", and its replacement " : "",
	    w->also != NULL ? w->also : "");
	w->it->am_silence_id = xstrdup(w->silence_id);
	relay_enqueue(r, w->it);
	w->it = NULL;
	wait_free(w);
}

/* ---- an op arrives ----------------------------------------------------------- */

/* The op waiting for Alertmanager with this token and op id, or NULL. */
static struct relay_silwait *
waiting(struct relay *r, const struct relay_item *it)
{
	for (struct relay_silwait *w = r->silwaits; w != NULL; w = w->next)
		if (w->it != NULL && strcmp(w->it->via, it->via) == 0 &&
		    strcmp(w->it->op.op_id, it->op.op_id) == 0)
			return w;
	return NULL;
}

/* The path of one silence: /api/v2/silence/ID (ids are checked safe). */
static char *
silence_path(const char *id)
{
	return xasprintf("/api/v2/silence/%s", id);
}

/* METHOD path under sender s's API address, for w. */
static void
am_request(struct relay *r, const struct relay_sender *s,
    struct relay_silwait *w, const char *method, const char *path,
    const char *body, relay_httpc_done_fn *done)
{
	struct relay_httpc_spec spec;
	const char *base = s->am_path != NULL ? s->am_path : "/";
	size_t blen = strlen(base);
	char *full;

	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	full = xasprintf("%.*s%s", (int)blen, base, path);
	memset(&spec, 0, sizeof spec);
	spec.method = method;
	spec.host = s->am_host;
	spec.port = s->am_port;
	spec.path = full;
	spec.ctype = body != NULL ? "application/json" : NULL;
	spec.body = body;
	spec.body_len = body != NULL ? strlen(body) : 0;
	spec.limit = r->cfg->body_limit;
	spec.timeout_ms = SILENCE_TIMEOUT_MS;
	spec.what = "alertmanager silence";
	w->r = r;
	w->next = r->silwaits;
	r->silwaits = w;
	w->hc = relay_httpc_start(r, &spec, done, w);
	free(full);
}

/* Set up the request for a silence: 0, or -1 (the op was answered). */
static int
ask_silence(struct relay *r, struct relay_silwait *w,
    const struct wr_incident *inc, const struct silence_args *a,
    char **body)
{
	struct wr_kvlist narrow = { 0 }, m = { 0 };
	char err[320], *comment;
	int64_t now = wr_now_ms();

	if (a->duration < WR_SILENCE_MIN_MS || a->duration > WR_SILENCE_MAX_MS) {
		refuse(r, w->it, PROTO_ERR_BAD_OP, "a silence needs a duration "
		    "from 1s to 366d");
		return -1;
	}
	if (a->comment != NULL && strlen(a->comment) > WR_SILENCE_COMMENT_MAX) {
		snprintf(err, sizeof err, "a silence's comment is at most %d "
		    "bytes", WR_SILENCE_COMMENT_MAX);
		refuse(r, w->it, PROTO_ERR_BAD_OP, err);
		return -1;
	}
	if (inc->n_silences >= WR_SILENCES_MAX) {
		snprintf(err, sizeof err, "#%lld has %d silences already: "
		    "unsilence one first", (long long)inc->id, WR_SILENCES_MAX);
		refuse(r, w->it, PROTO_ERR_BAD_OP, err);
		return -1;
	}
	if (wr_matchers_parse(a->matchers, &narrow, err, sizeof err) != 0 ||
	    wr_silence_matchers(inc->key, inc->alerts, inc->alerts_len,
	    &narrow, &m, err, sizeof err) != 0) {
		wr_kvlist_free(&narrow);
		refuse(r, w->it, PROTO_ERR_BAD_OP, err);
		return -1;
	}
	wr_kvlist_free(&narrow);
	comment = am_silence_comment(inc->id, a->comment != NULL &&
	    a->comment[0] != '\0' ? a->comment : inc->title != NULL ?
	    inc->title : "", w->it->op.op_id);
	w->duration = a->duration;
	w->ends = now + a->duration;
	w->matchers = wr_matchers_format(&m);
	*body = am_silence_post_body(&m, now, w->ends, w->it->op.actor,
	    comment);
	free(comment);
	wr_kvlist_free(&m);
	if (*body == NULL) {
		refuse(r, w->it, PROTO_ERR_BAD_OP, "a matcher or the comment "
		    "is not valid UTF-8");
		return -1;
	}
	return 0;
}

int
relay_silence_op(struct relay *r, struct relay_item *it)
{
	const struct relay_sender *s;
	const struct wr_incident *inc;
	struct relay_silwait *w;
	struct wr_op_result stored;
	struct silence_args a;
	char *cause = NULL, *body = NULL, *path, why[600];
	int found;

	if (it->type != ITEM_OP || (it->op.kind != WR_OP_SILENCE &&
	    it->op.kind != WR_OP_UNSILENCE))
		return 0;
	if ((w = waiting(r, it)) != NULL) {
		/* A resend while Alertmanager is asked: it gets the answer. */
		w->it->done = it->done;
		w->it->user = it->user;
		relay_item_free(it);
		return 1;
	}
	/* Answered before, another epoch, no such incident: the commit
	 * answers those as for any op. */
	memset(&stored, 0, sizeof stored);
	found = store_op_lookup(r->store, it->via, it->op.op_id, &stored,
	    &cause);
	wr_op_result_free(&stored);
	free(cause);
	inc = wr_room_get(&r->room, it->op.incident);
	if (found != 0 || inc == NULL || it->op.epoch == NULL ||
	    strcmp(it->op.epoch, store_epoch(r->store)) != 0) {
		relay_enqueue(r, it);
		return 1;
	}
	if (inc->source == NULL || strcmp(inc->source, "alertmanager") != 0) {
		snprintf(why, sizeof why, "#%lld came from %s, not an "
		    "Alertmanager: only Alertmanager's incidents are silenced "
		    "from here", (long long)inc->id, inc->source != NULL ?
		    inc->source : "?");
		refuse(r, it, PROTO_ERR_NO_ALERTMANAGER, why);
		return 1;
	}
	s = relay_cfg_sender(r->cfg, inc->sender);
	if (s == NULL || s->alertmanager == NULL) {
		char esc[RELAY_LOG_USER];

		snprintf(why, sizeof why, "the relay knows no Alertmanager API "
		    "for sender %s (its config needs [sender %s] alertmanager "
		    "= URL)", util_log_escape(inc->sender, esc, sizeof esc),
		    esc);
		refuse(r, it, PROTO_ERR_NO_ALERTMANAGER, why);
		return 1;
	}
	op_args(it, &a);
	w = xcalloc(1, sizeof *w);
	w->it = it;
	w->incident = inc->id;
	util_strlcpy(w->sender, inc->sender, sizeof w->sender);
	snprintf(w->host, sizeof w->host, "%s:%d", s->am_host, s->am_port);
	if (it->op.kind == WR_OP_SILENCE) {
		if (ask_silence(r, w, inc, &a, &body) != 0) {
			w->it = NULL;
			wait_free(w);
			return 1;
		}
		path = xstrdup("/api/v2/silences");
	} else {
		const struct wr_silence *sil = wr_incident_silence(inc,
		    a.silence_id, why, sizeof why);

		if (sil == NULL) {
			refuse(r, it, PROTO_ERR_BAD_OP, why);
			w->it = NULL;
			wait_free(w);
			return 1;
		}
		w->silence_id = xstrdup(sil->id);
		path = silence_path(sil->id);
	}
	if (body != NULL) {
		/* first, whether this op made one already */
		w->body = body;
		am_request(r, s, w, "GET", "/api/v2/silences", NULL, looked);
	} else	/* first, whether it is active there still */
		am_request(r, s, w, "GET", path, NULL, checked);
	free(path);
	return 1;
}

void
relay_silence_forget(struct relay *r, const void *user)
{
	for (struct relay_silwait *w = r->silwaits; w != NULL; w = w->next)
		if (w->it != NULL && w->it->user == user) {
			w->it->done = NULL;
			w->it->user = NULL;
		}
}

/* ---- following them ---------------------------------------------------------- */

/* What a refresh read: the events it makes, planned in the commit. */
struct refresh {
	int64_t incident;
	char sender[64];
	char *id;
	int gone;
	struct am_silence seen;
	/* the silence that replaced it (with its end and matchers), or
	 * NULL */
	char *replaced_by;
	int64_t new_ends;
	char *new_matchers;
};

static void
refresh_free(void *data)
{
	struct refresh *f = data;

	if (f == NULL)
		return;
	am_silence_free(&f->seen);
	free(f->id);
	free(f->replaced_by);
	free(f->new_matchers);
	free(f);
}

static size_t
refresh_plan(const struct wr_incident *inc, void *data, int64_t now,
    struct wr_evlist *out)
{
	struct refresh *f = data;
	struct wr_silence_seen seen = {
		.id = f->id, .gone = f->gone,
		.expired = !f->gone && strcmp(f->seen.state, "expired") == 0,
		.ends = f->replaced_by != NULL ? f->new_ends : f->seen.ends,
		.matchers = f->replaced_by != NULL ? f->new_matchers :
		    f->seen.matchers,
		.replaced_by = f->replaced_by,
		.actor = "alertmanager", .via = f->sender
	};

	return wr_silence_plan_seen(inc, &seen, now, out);
}

/* What a refresh read goes to the group commit, which plans its event
 * against the incident as it is then. */
static void
refresh_plan_enqueue(struct relay *r, struct refresh *f)
{
	struct relay_item *it = xcalloc(1, sizeof *it);

	it->type = ITEM_PLAN;
	it->ep = EP_ALERTMANAGER;
	util_strlcpy(it->via, f->sender, sizeof it->via);
	it->plan_incident = f->incident;
	it->plan = refresh_plan;
	it->plan_data = f;
	it->plan_free = refresh_free;
	relay_enqueue(r, it);
}

/* Alertmanager's silences, looked among for the one that replaced a
 * silence seen expired.  Not read: nothing is recorded, and the next
 * refresh asks again. */
static void
replacement(void *ud, int status, const char *body, size_t len,
    const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	struct refresh *f = w->seen;
	const struct am_silence *rep;
	struct am_silence *v = NULL;
	size_t n = 0, skipped = 0;
	char err[160];

	w->hc = NULL;
	if (r == NULL || r->stopping || f == NULL) {
		wait_free(w);
		return;
	}
	if (status != 200 || why != NULL || am_silence_parse_list(body, len,
	    &v, &n, &skipped, err, sizeof err) != 0) {
		if (why != NULL)
			relay_log(r, "alertmanager of sender %s: silence %s of "
			    "#%lld expired there; its silences not read: %s",
			    w->sender, w->silence_id, (long long)w->incident,
			    why);
		else if (status != 200) {
			am_silence_error_text(body, len, err, sizeof err);
			relay_log(r, "alertmanager of sender %s: silence %s of "
			    "#%lld expired there; its silences not read: it "
			    "answered %d %s", w->sender, w->silence_id,
			    (long long)w->incident, status, err);
		} else {
			json_strict_ascii(err);
			relay_log(r, "alertmanager of sender %s: silence %s of "
			    "#%lld expired there; its silences refused: %s",
			    w->sender, w->silence_id, (long long)w->incident,
			    err);
		}
		wait_free(w);
		return;
	}
	rep = am_silence_find_replacement(v, n, &f->seen, f->incident,
	    wr_room_get(&r->room, f->incident));
	if (rep != NULL) {
		relay_log(r, "alertmanager of sender %s: silence %s of #%lld "
		    "was replaced there by %s", w->sender, f->id,
		    (long long)f->incident, rep->id);
		f->replaced_by = xstrdup(rep->id);
		f->new_ends = rep->ends;
		f->new_matchers = xstrdup(rep->matchers);
	}
	am_silence_list_free(v, n);
	w->seen = NULL;
	refresh_plan_enqueue(r, f);
	wait_free(w);
}

static void
refreshed(void *ud, int status, const char *body, size_t len,
    const char *why)
{
	struct relay_silwait *w = ud;
	struct relay *r = w->r;
	struct refresh *f;
	char err[160];

	w->hc = NULL;
	if (r == NULL || r->stopping) {
		wait_free(w);
		return;
	}
	f = xcalloc(1, sizeof *f);
	f->incident = w->incident;
	util_strlcpy(f->sender, w->sender, sizeof f->sender);
	f->id = xstrdup(w->silence_id);
	if (status == 404)
		f->gone = 1;
	else if (status != 200 || why != NULL) {
		am_silence_error_text(body, len, err, sizeof err);
		if (why != NULL)
			relay_log(r, "alertmanager of sender %s: silence %s of "
			    "#%lld not read again: %s", w->sender,
			    w->silence_id, (long long)w->incident, why);
		else
			relay_log(r, "alertmanager of sender %s: silence %s of "
			    "#%lld not read again: it answered %d %s",
			    w->sender, w->silence_id, (long long)w->incident,
			    status, err);
		refresh_free(f);
		wait_free(w);
		return;
	} else if (am_silence_parse(body, len, &f->seen, err,
	    sizeof err) != 0 || strcmp(f->seen.id, f->id) != 0) {
		json_strict_ascii(err);
		relay_log(r, "alertmanager of sender %s: silence %s of #%lld: "
		    "its answer was refused: %s", w->sender, w->silence_id,
		    (long long)w->incident, f->seen.id == NULL ? err :
		    "it is another silence's");
		refresh_free(f);
		wait_free(w);
		return;
	}
	if (!f->gone && strcmp(f->seen.state, "expired") == 0) {
		/* expired for an edit?  Its replacement first. */
		const struct relay_sender *s = relay_cfg_sender(r->cfg,
		    w->sender);

		if (s == NULL || s->alertmanager == NULL) {
			refresh_free(f);
			wait_free(w);
			return;
		}
		w->seen = f;
		wait_unlink(w);
		am_request(r, s, w, "GET", "/api/v2/silences", NULL,
		    replacement);
		return;
	}
	refresh_plan_enqueue(r, f);
	wait_free(w);
}

/* The shortest silence-refresh among the senders with an Alertmanager;
 * 0 for none. */
static int64_t
refresh_period(const struct relay_cfg *cfg)
{
	int64_t p = 0;

	for (size_t i = 0; i < cfg->n_senders; i++) {
		const struct relay_sender *s = &cfg->senders[i];

		if (s->alertmanager != NULL && (p == 0 ||
		    s->silence_refresh_ms < p))
			p = s->silence_refresh_ms;
	}
	return p;
}

/* Whether silence id is being asked about already; how many refreshes
 * are in flight. */
static int
refreshing(const struct relay *r, const char *id, size_t *n)
{
	int found = 0;

	*n = 0;
	for (const struct relay_silwait *w = r->silwaits; w != NULL;
	    w = w->next) {
		if (w->silence_id != NULL && strcmp(w->silence_id, id) == 0)
			found = 1;
		if (w->refresh)
			(*n)++;
	}
	return found;
}

void
relay_silence_tick(struct relay *r, int64_t now)
{
	int64_t period = refresh_period(r->cfg);

	if (period == 0 || r->stopping || now < r->silence_next)
		return;
	r->silence_next = now + period;
	for (size_t i = 0; i < r->room.inc_cap; i++) {
		const struct wr_incident *inc = r->room.inc[i];
		const struct relay_sender *s;

		if (inc == NULL || inc->n_silences == 0 ||
		    (s = relay_cfg_sender(r->cfg, inc->sender)) == NULL ||
		    s->alertmanager == NULL)
			continue;
		for (size_t k = 0; k < inc->n_silences; k++) {
			const char *id = inc->silences[k].id;
			struct relay_silwait *w;
			size_t n;
			char *path;

			if (!am_silence_id_ok(id) || refreshing(r, id, &n))
				continue;
			if (n >= SILENCE_REFRESH_MAX)
				return;	/* the rest next time */
			w = xcalloc(1, sizeof *w);
			w->refresh = 1;
			w->incident = inc->id;
			util_strlcpy(w->sender, inc->sender, sizeof w->sender);
			snprintf(w->host, sizeof w->host, "%s:%d", s->am_host,
			    s->am_port);
			w->silence_id = xstrdup(id);
			path = silence_path(id);
			am_request(r, s, w, "GET", path, NULL, refreshed);
			free(path);
		}
	}
}

int
relay_silence_end_wait(struct relay *r, const struct wr_incident *inc,
    size_t k)
{
	const struct wr_silence *sl = &inc->silences[k];
	const struct relay_sender *s = relay_cfg_sender(r->cfg, inc->sender);
	struct relay_silwait *w;
	char *path;
	size_t n;

	for (size_t i = 0; i < sizeof r->silence_asked /
	    sizeof r->silence_asked[0]; i++)
		if (r->silence_asked[i].ends == sl->ends &&
		    strcmp(r->silence_asked[i].id, sl->id) == 0)
			return 0;
	if (s == NULL || s->alertmanager == NULL || !am_silence_id_ok(sl->id))
		return 0;
	if (refreshing(r, sl->id, &n))
		return 1;	/* its answer is on the way */
	w = xcalloc(1, sizeof *w);
	w->refresh = 1;
	w->end_check = sl->ends;
	w->incident = inc->id;
	util_strlcpy(w->sender, inc->sender, sizeof w->sender);
	snprintf(w->host, sizeof w->host, "%s:%d", s->am_host, s->am_port);
	w->silence_id = xstrdup(sl->id);
	path = silence_path(sl->id);
	am_request(r, s, w, "GET", path, NULL, refreshed);
	free(path);
	return 1;
}

void
relay_silence_free(struct relay *r)
{
	while (r->silwaits != NULL)
		wait_free(r->silwaits);	/* cancels its request */
}
