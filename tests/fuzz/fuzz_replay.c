/*
 * fuzz_replay: the scenario parser (relay/replay.c, warroom-scenario(5)),
 * from memory, and every body it holds as it would be played (its "@N"
 * strings made times) through the adapter it names.  Invariants: no
 * undefined behaviour ("at": 1e303, "@9223372036854775807"), no leak.
 */
#include <string.h>

#include "net/ingest.h"
#include "relay/relay-int.h"
#include "tests/fuzz/fuzz.h"

#define NOW 1767225600000LL

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relay_replay *p = NULL;
	char *cause = NULL;

	if (relay_replay_parse("fuzz.jsonl", (const char *)data, size, &p,
	    &cause) != 0) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, "fuzz.jsonl:", 11)
		    == 0, "a refusal names no line: %s", cause ? cause : "");
		free(cause);
		return 0;
	}
	for (size_t i = 0; i < relay_replay_lines(p); i++) {
		struct ingest_ctx ctx = { NOW, NULL };
		struct ingest_result res;
		char err[512], *body;
		int am = 0;

		if ((body = relay_replay_body(p, i, NOW, &am)) == NULL)
			continue;
		memset(&res, 0, sizeof res);
		if (am) {
			if (ingest_alertmanager(body, strlen(body), &ctx, &res,
			    err, sizeof err) == 0)
				ingest_result_free(&res);
		} else {
			char **errors = NULL;
			size_t n_errors = 0;

			if (ingest_events_v2(body, strlen(body), &ctx, &res,
			    err, sizeof err, &errors, &n_errors) == 0)
				ingest_result_free(&res);
			ingest_errors_free(errors, n_errors);
		}
		free(body);
	}
	relay_replay_free(p);
	return 0;
}
