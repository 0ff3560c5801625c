/*
 * relay/metrics.c: the relay's counters and their Prometheus text form
 * (GET /metrics).  Every name starts with warroom_.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "relay/relay-int.h"

static const double hist_le[RELAY_HIST_BUCKETS] = {
	0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5
};

static const char *ep_names[EP_COUNT] = {
	"/hooks/alertmanager", "/v2/enqueue", "/healthz", "/metrics", "/feed",
	"/oncall", "other"
};

const char *
relay_endpoint_name(enum relay_endpoint ep)
{
	return (unsigned)ep < EP_COUNT ? ep_names[ep] : "other";
}

void
relay_metrics_request(struct relay *r, enum relay_endpoint ep, int code)
{
	if ((unsigned)ep >= EP_COUNT || code < 100 || code >= 600)
		return;
	r->m.req_codes[ep][code]++;
}

void
relay_metrics_commit(struct relay *r, double seconds, int ok)
{
	if (!ok) {
		r->m.commit_failures++;
		return;
	}
	r->m.commit_count++;
	r->m.commit_sum_s += seconds;
	for (int i = 0; i < RELAY_HIST_BUCKETS; i++)
		if (seconds <= hist_le[i])
			r->m.commit_bucket[i]++;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + (size_t)(n > 0 ? n : 0) + 256;
		b->p = xrealloc(b->p, b->cap);
	}
	b->len += (size_t)n;
}

char *
relay_metrics_text(struct relay *r, size_t *len)
{
	struct sbuf b = { xmalloc(4096), 0, 4096 };
	static const char *src[3] = { "alertmanager", "events-v2", "console" };

	b.p[0] = '\0';
	sb_printf(&b, "# HELP warroom_events_ingested_total Events committed "
	    "to the log, by source.\n# TYPE warroom_events_ingested_total "
	    "counter\n");
	for (int i = 0; i < 3; i++)
		sb_printf(&b, "warroom_events_ingested_total{source=\"%s\"} "
		    "%llu\n", src[i], (unsigned long long)r->m.ingested[i]);
	sb_printf(&b, "# HELP warroom_http_requests_total HTTP requests, by "
	    "endpoint and status code.\n# TYPE warroom_http_requests_total "
	    "counter\n");
	for (int ep = 0; ep < EP_COUNT; ep++)
		for (int c = 100; c < 600; c++)
			if (r->m.req_codes[ep][c])
				sb_printf(&b, "warroom_http_requests_total{"
				    "endpoint=\"%s\",code=\"%d\"} %llu\n",
				    ep_names[ep], c, (unsigned long long)
				    r->m.req_codes[ep][c]);
	sb_printf(&b, "# HELP warroom_consoles_connected Consoles on the "
	    "feed.\n# TYPE warroom_consoles_connected gauge\n"
	    "warroom_consoles_connected %d\n", r->m.consoles);
	sb_printf(&b, "# HELP warroom_send_queue_high_water Most events any "
	    "console has been behind the head.\n# TYPE "
	    "warroom_send_queue_high_water gauge\n"
	    "warroom_send_queue_high_water %llu\n",
	    (unsigned long long)r->m.sendq_hwm);
	sb_printf(&b, "# HELP warroom_log_head_seq The newest seq in the "
	    "log.\n# TYPE warroom_log_head_seq gauge\nwarroom_log_head_seq "
	    "%lld\n", (long long)r->room.last_seq);
	sb_printf(&b, "# HELP warroom_incidents_open Incidents not resolved."
	    "\n# TYPE warroom_incidents_open gauge\n");
	for (int s = 0; s < WR_SEV_COUNT; s++)
		sb_printf(&b, "warroom_incidents_open{severity=\"%s\"} %d\n",
		    wr_severity_name((wr_severity)s), r->room.open_by_sev[s]);
	sb_printf(&b, "# HELP warroom_commit_failures_total Transactions "
	    "that could not be committed.\n# TYPE "
	    "warroom_commit_failures_total counter\n"
	    "warroom_commit_failures_total %llu\n",
	    (unsigned long long)r->m.commit_failures);
	sb_printf(&b, "# HELP warroom_loop_pass_max_seconds The longest "
	    "pass of the event loop since start.\n# TYPE "
	    "warroom_loop_pass_max_seconds gauge\n"
	    "warroom_loop_pass_max_seconds %.6f\n", r->m.loop_pass_max_s);
	{
		static const char *nk[2] = { "page", "handoff" };
		static const struct { const char *name, *help; } nm[3] = {
			{ "attempted", "Attempts to deliver a notification "
			    "(each retry counts)" },
			{ "delivered", "Attempts that were delivered (2xx, "
			    "exit 0)" },
			{ "failed", "Attempts that failed (retried or not)" },
		};
		const uint64_t *v[3] = { r->m.notify_attempted,
		    r->m.notify_delivered, r->m.notify_failed };

		for (int i = 0; i < 3; i++) {
			sb_printf(&b, "# HELP warroom_notifications_%s_total "
			    "%s, by kind.\n# TYPE warroom_notifications_%s_total "
			    "counter\n", nm[i].name, nm[i].help, nm[i].name);
			for (int k = 0; k < 2; k++)
				sb_printf(&b, "warroom_notifications_%s_total{"
				    "kind=\"%s\"} %llu\n", nm[i].name, nk[k],
				    (unsigned long long)v[i][k]);
		}
	}
	sb_printf(&b, "# HELP warroom_snapshots Snapshots being streamed to "
	    "consoles.\n# TYPE warroom_snapshots gauge\nwarroom_snapshots "
	    "%d\n", r->snapshots);
	sb_printf(&b, "# HELP warroom_snapshots_total Snapshots started.\n"
	    "# TYPE warroom_snapshots_total counter\nwarroom_snapshots_total "
	    "%llu\n", (unsigned long long)r->m.snapshots_taken);
	sb_printf(&b, "# HELP warroom_config_reloads_total SIGHUP's reloads of "
	    "the configuration and tokens, by result.\n# TYPE "
	    "warroom_config_reloads_total counter\n"
	    "warroom_config_reloads_total{result=\"ok\"} %llu\n"
	    "warroom_config_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)r->m.reloads_ok,
	    (unsigned long long)r->m.reloads_failed);
	sb_printf(&b, "# HELP warroom_schedules On-call schedules in the "
	    "configuration in use.\n# TYPE warroom_schedules gauge\n"
	    "warroom_schedules %zu\n", r->cfg->n_schedules);
	sb_printf(&b, "# HELP warroom_commit_seconds Time to commit one "
	    "batch.\n# TYPE warroom_commit_seconds histogram\n");
	for (int i = 0; i < RELAY_HIST_BUCKETS; i++)
		sb_printf(&b, "warroom_commit_seconds_bucket{le=\"%g\"} %llu\n",
		    hist_le[i], (unsigned long long)r->m.commit_bucket[i]);
	sb_printf(&b, "warroom_commit_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "warroom_commit_seconds_sum %.6f\nwarroom_commit_seconds_count "
	    "%llu\n", (unsigned long long)r->m.commit_count, r->m.commit_sum_s,
	    (unsigned long long)r->m.commit_count);
	*len = b.len;
	return b.p;
}
