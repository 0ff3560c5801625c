/*
 * fuzz_am_silence: what the relay reads from an Alertmanager about
 * silences (net/am-silence.c): the POST's answer, one silence, an error's
 * text; and an incident's groupKey read for its group labels
 * (core/silence.c, wr_am_group_labels).  Invariants: an id taken is one that is safe in a path; a silence
 * taken has a known state, an id and matchers within core/silence.h's
 * bounds; an error text is printable ASCII within its buffer; no leak, no
 * read past the input.
 */
#include <string.h>

#include "core/silence.h"
#include "net/am-silence.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct am_silence s;
	char err[160], text[96], *id = NULL;

	if (size > 256 * 1024)
		return 0;
	if (am_silence_parse_created(body, size, &id, err, sizeof err) == 0) {
		FUZZ_CHECK(am_silence_id_ok(id), "id %s", id);
		free(id);
	} else
		FUZZ_CHECK(id == NULL && err[0] != '\0', "no reason");
	if (am_silence_parse(body, size, &s, err, sizeof err) == 0) {
		FUZZ_CHECK(am_silence_id_ok(s.id), "id");
		FUZZ_CHECK(strcmp(s.state, "active") == 0 ||
		    strcmp(s.state, "pending") == 0 ||
		    strcmp(s.state, "expired") == 0, "state %s", s.state);
		FUZZ_CHECK(s.matchers != NULL &&
		    strlen(s.matchers) <= WR_MATCHERS_TEXT_MAX + 64,
		    "matchers");
		am_silence_free(&s);
	}
	{
		struct am_silence *v;
		size_t n, skipped;

		if (am_silence_parse_list(body, size, &v, &n, &skipped, err,
		    sizeof err) == 0) {
			for (size_t i = 0; i < n; i++)
				FUZZ_CHECK(am_silence_id_ok(v[i].id), "id");
			(void)am_silence_find_op(v, n, 1, "alice",
			    "0123456789abcdef0123456789abcdef");
			for (size_t i = 0; i < n; i++)
				(void)am_silence_find_replacement(v, n, &v[i],
				    1, NULL);
			am_silence_list_free(v, n);
		}
	}
	{
		char *key = fuzz_str(data, size);
		struct wr_kvlist g = { 0 };

		if (wr_am_group_labels(key, &g) == 0)
			for (size_t i = 0; i < g.n; i++)
				FUZZ_CHECK(wr_matcher_name_ok(g.v[i].key),
				    "group label name");
		else
			FUZZ_CHECK(g.n == 0, "a refused key left labels");
		wr_kvlist_free(&g);
		free(key);
	}
	am_silence_error_text(body, size, text, sizeof text);
	FUZZ_CHECK(strlen(text) < sizeof text, "text overflows");
	for (const char *p = text; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 && *p < 0x7f, "byte %02x in the text",
		    (unsigned char)*p);
	return 0;
}
