/*
 * fuzz_tzif: TZif bytes (store/tzif.c) into a zone (core/zone.c), then the
 * zone's arithmetic at a few instants.  Invariants: a refusal says why; an
 * offset is within 26 hours; a next change is after the instant asked
 * about; converting local times to instants never goes backwards, and an
 * instant's local time is at or after the local time it came from (equal
 * outside a gap).
 */
#include <string.h>

#include "core/zone.h"
#include "store/tzif.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t probes[] = {
		-2208988800LL,	/* 1900 */
		0, 1774746000LL, 1792888200LL,	/* 2026's changes */
		2145916800LL,	/* 2038: past the table of a fat file */
		4102444800LL,	/* 2100 */
	};
	struct wr_zone *z = NULL;
	char *cause = NULL;

	if (size > STORE_TZIF_MAX_SIZE)
		return 0;
	if (store_tzif_parse(data, size, "fuzz", &z, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && cause[0] != '\0' && z == NULL,
		    "a refusal without a reason");
		free(cause);
		return 0;
	}
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		int64_t u = probes[i], at, prev = INT64_MIN;
		int32_t off = wr_zone_offset(z, u);

		FUZZ_CHECK(off >= -WR_ZONE_MAX_OFFSET &&
		    off <= WR_ZONE_MAX_OFFSET, "offset %ld", (long)off);
		if (wr_zone_next_change(z, u, &at) == 0)
			FUZZ_CHECK(at > u, "next change %lld not after %lld",
			    (long long)at, (long long)u);
		for (int64_t l = u - 7200; l <= u + 7200; l += 900) {
			int64_t v = wr_zone_utc(z, l);

			FUZZ_CHECK(v >= prev, "local %lld went back",
			    (long long)l);
			FUZZ_CHECK(wr_zone_local(z, v) >= l, "local %lld came "
			    "back earlier", (long long)l);
			prev = v;
		}
	}
	wr_zone_free(z);
	return 0;
}
