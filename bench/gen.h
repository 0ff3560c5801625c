/*
 * gen.h: what the benchmarks share: Alertmanager webhook v4 bodies made up
 * for a run, the clock, and percentiles.  Header-only (static functions), so
 * that every bench/bench_*.c stays one translation unit as the Makefile
 * builds them.
 *
 * A body is one alert group shaped like the deliveries in
 * tests/fixtures/alertmanager/: a groupKey unique to the run and the body
 * ({}:{service="bench-RUN-000042"}), and `alerts` alerts, each with a
 * fingerprint unique to the run, labels alertname, instance, service and
 * severity, and a summary annotation.  gen_body_index() turns a groupKey
 * back into the body's index, which is how a console event is matched to
 * the POST that caused it.
 */
#ifndef WR_BENCH_GEN_H
#define WR_BENCH_GEN_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GEN_SERVICE_PREFIX	"bench-"

struct gen_body {
	char *text;
	size_t len;
};

static inline int64_t
gen_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline uint64_t
gen_mix(uint64_t x)
{
	/* splitmix64's finaliser: a distinct 64-bit value per input. */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A growing string, for building bodies without a JSON library. */
struct gen_sb {
	char *s;
	size_t len, cap;
};

static inline void
gen_sb_printf(struct gen_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void
gen_sb_printf(struct gen_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			fprintf(stderr, "bench: vsnprintf failed\n");
			exit(1);
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		if ((b->s = realloc(b->s, b->cap)) == NULL) {
			fprintf(stderr, "bench: out of memory\n");
			exit(1);
		}
	}
}

/*
 * Body `index` of run `run` with `alerts` alerts.  wall_s is the Unix time
 * the alerts say they started at (each alert a few ms apart).
 */
static inline struct gen_body
gen_body(unsigned run, int index, int alerts, time_t wall_s)
{
	static const char *const sev[] = { "critical", "error", "warning",
	    "info" };
	struct gen_sb b = { 0 };
	struct tm tm;
	char when[32];
	struct gen_body out;

	gmtime_r(&wall_s, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	gen_sb_printf(&b, "{\"receiver\":\"warroom\",\"status\":\"firing\","
	    "\"alerts\":[");
	for (int a = 0; a < alerts; a++) {
		uint64_t fp = gen_mix(((uint64_t)run << 40) ^
		    ((uint64_t)(unsigned)index << 20) ^ (uint64_t)a);

		gen_sb_printf(&b, "%s{\"status\":\"firing\",\"labels\":{"
		    "\"alertname\":\"BenchNodeDown\",\"instance\":"
		    "\"node-%d-%d:9100\",\"service\":\"" GEN_SERVICE_PREFIX
		    "%u-%06d\",\"severity\":\"%s\"},\"annotations\":{"
		    "\"summary\":\"node-%d-%d of bench group %06d has not "
		    "answered for 2m\"},\"startsAt\":\"%s.%09dZ\",\"endsAt\":"
		    "\"0001-01-01T00:00:00Z\",\"generatorURL\":"
		    "\"http://prometheus.bench:9090/graph?g0.expr=up%%3D%%3D0\","
		    "\"fingerprint\":\"%016llx\"}",
		    a ? "," : "", index, a, run, index, sev[index % 4], index,
		    a, index, when, (a * 7919 + index) % 1000000000,
		    (unsigned long long)fp);
	}
	gen_sb_printf(&b, "],\"groupLabels\":{\"service\":\""
	    GEN_SERVICE_PREFIX "%u-%06d\"},\"commonLabels\":{\"alertname\":"
	    "\"BenchNodeDown\",\"service\":\"" GEN_SERVICE_PREFIX "%u-%06d\","
	    "\"severity\":\"%s\"},\"commonAnnotations\":{},\"externalURL\":"
	    "\"http://alertmanager.bench:9093\",\"version\":\"4\",\"groupKey\":"
	    "\"{}:{service=\\\"" GEN_SERVICE_PREFIX "%u-%06d\\\"}\","
	    "\"truncatedAlerts\":0}", run, index, run, index, sev[index % 4],
	    run, index);
	out.text = b.s;
	out.len = b.len;
	return out;
}

/* The body index a groupKey of run `run` names, or -1. */
static inline int
gen_body_index(unsigned run, const char *key)
{
	char prefix[48];
	const char *p;
	char *end;
	long v;

	if (key == NULL)
		return -1;
	snprintf(prefix, sizeof prefix, GEN_SERVICE_PREFIX "%u-", run);
	if ((p = strstr(key, prefix)) == NULL)
		return -1;
	p += strlen(prefix);
	v = strtol(p, &end, 10);
	if (end == p || v < 0 || v > 100000000)
		return -1;
	return (int)v;
}

static int
gen_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile (p in 0..100) of v[0..n), sorted in place. */
static inline double
gen_percentile(double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	qsort(v, n, sizeof *v, gen_cmp_double);
	rank = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* A positive integer option value, or exit with usage status 64. */
static inline long
gen_arg_long(const char *name, const char *v, long min, long max)
{
	char *end;
	long n;

	n = strtol(v ? v : "", &end, 10);
	if (v == NULL || *v == '\0' || *end != '\0' || n < min || n > max) {
		fprintf(stderr, "bench: %s wants a number from %ld to %ld\n",
		    name, min, max);
		exit(64);
	}
	return n;
}

#endif
