/*
 * fuzz_relay_config: warroomd's config file (relay/config.c over
 * core/inifile.c), loaded over the defaults and checked.  Invariants: a
 * refusal names the file and line; what loads is within each option's
 * bounds; no leak (a key given twice, a section given twice); every
 * schedule that loads is whole (a zone, layers that each have a turn, a
 * start and someone) and answers who is on call.
 */
#include <string.h>

#include "core/schedule.h"
#include "relay/config.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relay_cfg cfg;
	char *cause = NULL;
	const char *path;

	if (size > 256 * 1024)
		return 0;
	path = fuzz_file(data, size);
	relay_cfg_defaults(&cfg);
	if (relay_cfg_load(&cfg, path, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, path, strlen(path))
		    == 0, "a refusal does not name the file: %s",
		    cause ? cause : "");
		free(cause);
	} else {
		FUZZ_CHECK(cfg.port >= 0 && cfg.port <= 65535, "port %d",
		    cfg.port);
		FUZZ_CHECK(cfg.heartbeat_ms > 0 && cfg.drain_timeout_ms >= 0 &&
		    cfg.body_timeout_ms > 0 && cfg.retention_ms >= 0,
		    "a negative duration");
		FUZZ_CHECK(cfg.body_limit > 0 && cfg.frame_limit > 0,
		    "a zero size");
		for (size_t i = 0; i < cfg.n_senders; i++)
			FUZZ_CHECK(cfg.senders[i].name != NULL &&
			    cfg.senders[i].name[0] != '\0', "sender %zu", i);
		for (size_t i = 0; i < cfg.n_schedules; i++) {
			const struct wr_schedule *s = cfg.schedules[i].s;
			struct wr_oncall a;

			FUZZ_CHECK(s->zone != NULL && s->n_layers > 0 &&
			    wr_schedule_check(s, &cause) == 0,
			    "schedule %s loaded incomplete", s->name);
			wr_schedule_at(s, 1774746000000LL, &a);
			FUZZ_CHECK(a.since <= 1774746000000LL &&
			    a.until > 1774746000000LL, "an answer that does "
			    "not hold at its instant");
		}
		if (relay_cfg_check(&cfg, &cause) != 0)
			free(cause);
	}
	relay_cfg_free(&cfg);
	return 0;
}
