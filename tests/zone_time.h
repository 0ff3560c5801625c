/*
 * zone_time.h: what the schedule tests (tests/test_schedule.c,
 * test_overrides.c, test_ical.c) take their zones and times from: zone()
 * loads a zone from the test's own zoneinfo (tests/fixtures/zoneinfo, not
 * the system's), T() reads an ISO 8601 time; either fails the test on a
 * name or a time it cannot read.  Static: included once per test program,
 * after cmocka.h.
 */
#ifndef WR_TEST_ZONE_TIME_H
#define WR_TEST_ZONE_TIME_H

#include <stdint.h>

#include "core/timefmt.h"
#include "core/zone.h"
#include "store/tzif.h"

#define ZONEINFO	"tests/fixtures/zoneinfo"

static struct wr_zone *
zone(const char *name)
{
	struct wr_zone *z = NULL;
	char *cause = NULL;

	if (store_tzif_load(ZONEINFO, name, &z, &cause) != 0)
		fail_msg("%s", cause);
	return z;
}

static int64_t
T(const char *iso)
{
	int64_t ms;

	if (wr_time_parse(iso, &ms) != 0)
		fail_msg("bad time in the test: %s", iso);
	return ms;
}

#endif
