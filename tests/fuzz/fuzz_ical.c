/*
 * fuzz_ical: iCalendar bytes into a layer of shifts (store/ical.c, libical;
 * the system's libical, not instrumented), then the calendar written back
 * (core/ics.c) and read again.  The first byte 'A' reads the rest with
 * ical-person = attendee, anything else reads it all by SUMMARY.
 * Invariants: a refusal says why and leaves no shifts; the shifts are
 * sorted, not overlapping, each from < until and touching the horizon, at
 * most STORE_ICAL_MAX_SHIFTS; the answer at each shift's start is that
 * shift's person; and the export imports again, with the same person at
 * every shift's start.
 */
#include <string.h>

#include "core/ics.h"
#include "core/schedule.h"
#include "core/zone.h"
#include "store/ical.h"
#include "tests/fuzz/fuzz.h"

#define T1	(1767225600LL * 1000)	/* 2026-01-01 */
#define T2	(1798761600LL * 1000)	/* 2027-01-01 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum store_ical_person who = STORE_ICAL_SUMMARY;
	struct wr_schedule *s, *back;
	struct wr_layer *l, *bl;
	char *cause = NULL, *text;
	size_t len;

	if (size > 256 * 1024)
		return 0;
	if (size > 0 && data[0] == 'A') {
		who = STORE_ICAL_ATTENDEE;
		data++;
		size--;
	}
	s = wr_schedule_new("fuzz", wr_zone_fixed("UTC", 3600));
	l = wr_schedule_add_layer(s, "ical");
	if (store_ical_parse((const char *)data, size, who, s->zone, T1, T2, l,
	    &cause) != 0) {
		FUZZ_CHECK(cause != NULL && cause[0] != '\0',
		    "a refusal without a reason");
		FUZZ_CHECK(l->n_shifts == 0, "a refusal with shifts");
		free(cause);
		wr_schedule_free(s);
		return 0;
	}
	FUZZ_CHECK(l->fixed && l->n_shifts <= STORE_ICAL_MAX_SHIFTS,
	    "%zu shifts", l->n_shifts);
	for (size_t i = 0; i < l->n_shifts; i++) {
		const struct wr_shift *sh = &l->shifts[i];
		struct wr_oncall o;

		FUZZ_CHECK(sh->from < sh->until, "shift %zu is empty", i);
		FUZZ_CHECK(sh->until > T1 / 1000 && sh->from < T2 / 1000,
		    "shift %zu is outside the horizon", i);
		if (i > 0)
			FUZZ_CHECK(l->shifts[i - 1].until <= sh->from,
			    "shifts %zu and %zu overlap", i - 1, i);
		wr_schedule_at(s, sh->from * 1000, &o);
		FUZZ_CHECK(o.person != NULL && strcmp(o.person, sh->person) ==
		    0, "the answer at shift %zu is not its person", i);
	}
	text = wr_ics_calendar(s, T1, T2, T1, &len);
	back = wr_schedule_new("fuzz", wr_zone_fixed("UTC", 3600));
	bl = wr_schedule_add_layer(back, "ical");
	if (l->n_shifts > 0) {
		if (store_ical_parse(text, len, STORE_ICAL_SUMMARY, back->zone,
		    T1, T2, bl, &cause) != 0)
			FUZZ_CHECK(0, "the export does not import: %s", cause);
		for (size_t i = 0; i < l->n_shifts; i++) {
			struct wr_oncall o;

			wr_schedule_at(back, l->shifts[i].from * 1000, &o);
			FUZZ_CHECK(o.person != NULL && strcmp(o.person,
			    l->shifts[i].person) == 0,
			    "shift %zu's person is not re-imported", i);
		}
	}
	free(text);
	wr_schedule_free(back);
	wr_schedule_free(s);
	return 0;
}
