/*
 * fuzz.h: what the fuzz targets (tests/fuzz/fuzz_*.c) share.
 *
 * Each target is one LLVMFuzzerTestOneInput().  `make fuzz` links it with
 * libFuzzer (clang, -fsanitize=fuzzer,address,undefined); `make check`
 * links it with driver.c instead (the normal cc build), which replays the
 * regression inputs (tests/fuzz/regress/NAME) and the seed corpus
 * (tests/fuzz/corpus/NAME, and the directories listed in
 * tests/fuzz/corpus/NAME.dirs).  A broken invariant is FUZZ_CHECK(), which
 * says what broke and abort()s: libFuzzer keeps the input as a finding.
 */
#ifndef WR_FUZZ_H
#define WR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__,	\
		    #cond);						\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* The input as a NUL-terminated string (malloc'd); a NUL in it ends it. */
char *fuzz_str(const uint8_t *data, size_t size);

/*
 * Write the input to this process's scratch file (mode 0600, in a private
 * directory made once, removed at exit) and return its path, for a parser
 * that reads a path.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

struct wr_event;
struct wr_incident;
/*
 * The wire's round trip, as a relay sends and a console reads: e encodes
 * (net/proto.c: the direct writer and the jansson encoder give the same
 * text), the text parses as an event frame and decodes with the console's
 * decoder, and the decoded event encodes to the same text.  abort()s
 * otherwise; *out (when not NULL) gets the decoded event.
 */
void fuzz_event_roundtrip(const struct wr_event *e, struct wr_event *out);
/* The same for an incident in a snapshot frame (with its alerts). */
void fuzz_incident_roundtrip(const struct wr_incident *inc);

#endif
