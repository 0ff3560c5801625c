/*
 * fuzz_tokens: the relay's token file (relay/tokens.c), and the
 * Authorization header parser.  Invariants: a file that loads has tokens
 * with a name, a secret and a role (calendar only ever alone), each
 * the one its own secret finds (a secret given on two lines is refused);
 * a refusal says why; no leak, no read past a line.
 */
#include <string.h>

#include "relay/tokens.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tokens t;
	char *cause = NULL, *hdr, buf[64];

	if (size > 256 * 1024)
		return 0;
	if (tokens_load(fuzz_file(data, size), &t, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && cause[0] != '\0', "no reason");
		free(cause);
	} else {
		for (size_t i = 0; i < t.n; i++) {
			const struct token *k = &t.v[i];

			int cal = (k->roles & TOKEN_ROLE_CALENDAR) != 0;

			FUZZ_CHECK(k->name[0] != '\0' && k->secret[0] != '\0'
			    && k->roles != 0 && (!cal ||
			    k->roles == TOKEN_ROLE_CALENDAR), "token %zu", i);
			FUZZ_CHECK(tokens_check(&t, k->secret, k->roles) ==
			    k, "token %s is not the one its secret finds",
			    k->name);
		}
		FUZZ_CHECK(tokens_check(&t, "", TOKEN_ROLE_CONSOLE) == NULL,
		    "an empty secret is accepted");
		tokens_free(&t);
	}
	hdr = fuzz_str(data, size);
	if (tokens_from_header(hdr, buf, sizeof buf) == 0)
		FUZZ_CHECK(memchr(buf, '\0', sizeof buf) != NULL, "header");
	free(hdr);
	return 0;
}
