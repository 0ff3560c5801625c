/*
 * json-strict.h: parse untrusted request bodies into jansson values.
 *
 * Every body that arrives over HTTP goes through json_strict_parse() before
 * an ingest adapter looks at it.  It is stricter than jansson's defaults in
 * the ways that matter for data we store and show: duplicate keys are
 * refused (two readers could disagree on which one counts), a \u0000 in a
 * string is refused (C strings would truncate it silently), the top level
 * must be an object, and invalid UTF-8 is refused with a reason that says
 * so.  Reasons are short, ASCII only (safe to put in a JSON answer or a log
 * line whatever bytes the body held) and name the line and column.
 */
#ifndef WR_JSON_STRICT_H
#define WR_JSON_STRICT_H

#include <stddef.h>

#include <jansson.h>

/*
 * Parse buf[0..len) as one JSON object.  Returns a new reference (the caller
 * json_decref()s it), or NULL with a reason in err (errsz bytes, may be 0).
 */
json_t *json_strict_parse(const char *buf, size_t len, char *err,
    size_t errsz);

/* The same checks for any top level: an answer that is a list, or a bare
 * string (Alertmanager's 400s are one: "silence invalid: ..."). */
json_t *json_strict_parse_any(const char *buf, size_t len, char *err,
    size_t errsz);

/* Replace every byte of s that is not printable ASCII with '?', in place:
 * for reasons that quote what a sender sent. */
void json_strict_ascii(char *s);

/* "an object", "a string", "a number", ... for "expected X, got Y". */
const char *json_strict_type_name(const json_t *v);

#endif
