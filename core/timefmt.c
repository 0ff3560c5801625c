/*
 * timefmt.c: parse and format RFC 3339 times (timefmt.h).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE	/* timegm(), gmtime_r() */
#endif
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

int64_t
wr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
wr_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
mdays(int y, int mo)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo == 2 && leap ? 29 : n[mo - 1];
}

int
wr_time_parse(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, frac_ms = 0, off = 0;
	const char *p = s;
	time_t t;
	int64_t v;

	if (s == NULL)
		return -1;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != 't' &&
	    *p != ' '))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		int scale = 100, n = 0;
		p++;
		while (isdigit((unsigned char)*p)) {
			if (scale > 0)
				frac_ms += (*p - '0') * scale;
			scale /= 10;
			p++;
			n++;
		}
		if (n == 0)
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 60 + om);
	} else {
		return -1;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	if (y <= 1) {
		*ms = 0;	/* Go's zero time: "no end" */
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	v = ((int64_t)t - (int64_t)off * 60) * 1000 + frac_ms;
	/* Year 0 ends the range below (y <= 1 is Go's zero time, 0 above);
	 * an offset or a leap second can carry 9999-12-31 into 10000. */
	if (v > WR_TIME_MAX_MS)
		return WR_TIME_OUT_OF_RANGE;
	*ms = v;
	return 0;
}

int
wr_time_ok(int64_t ms)
{
	return ms >= WR_TIME_MIN_MS && ms <= WR_TIME_MAX_MS;
}

void
wr_time_format(int64_t ms, char *buf, size_t size)
{
	/* Floor division: -1 ms is 23:59:59.999 of the day before.  (The
	 * old (ms - 999) / 1000 overflowed for ms near INT64_MIN.) */
	int64_t sec = ms / 1000, frac = ms % 1000;
	time_t t;
	struct tm tm;

	if (frac < 0) {
		frac += 1000;
		sec--;
	}
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		/* Beyond what struct tm can hold: say so, don't print garbage. */
		snprintf(buf, size, "invalid-time");
		return;
	}
	/* by hand: this runs for every time of every event on the wire */
	if (size >= 25 && tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999) {
		int y = tm.tm_year + 1900, f = (int)frac;
		char *b = buf;
		b[0] = (char)('0' + y / 1000);
		b[1] = (char)('0' + y / 100 % 10);
		b[2] = (char)('0' + y / 10 % 10);
		b[3] = (char)('0' + y % 10);
		b[4] = '-';
		b[5] = (char)('0' + (tm.tm_mon + 1) / 10);
		b[6] = (char)('0' + (tm.tm_mon + 1) % 10);
		b[7] = '-';
		b[8] = (char)('0' + tm.tm_mday / 10);
		b[9] = (char)('0' + tm.tm_mday % 10);
		b[10] = 'T';
		b[11] = (char)('0' + tm.tm_hour / 10);
		b[12] = (char)('0' + tm.tm_hour % 10);
		b[13] = ':';
		b[14] = (char)('0' + tm.tm_min / 10);
		b[15] = (char)('0' + tm.tm_min % 10);
		b[16] = ':';
		b[17] = (char)('0' + tm.tm_sec / 10);
		b[18] = (char)('0' + tm.tm_sec % 10);
		b[19] = '.';
		b[20] = (char)('0' + f / 100);
		b[21] = (char)('0' + f / 10 % 10);
		b[22] = (char)('0' + f % 10);
		b[23] = 'Z';
		b[24] = '\0';
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)frac);
}
