/*
 * json-strict.c: the strict front door for untrusted JSON (json-strict.h).
 *
 * jansson does the parsing: it already checks UTF-8 on every byte, caps the
 * nesting depth (2048) and, without JSON_ALLOW_NUL, refuses \u0000.  This
 * file adds JSON_REJECT_DUPLICATES, refuses a top level that is not an
 * object, and turns jansson's error into a reason a sender can act on.
 * jansson quotes the input near the error ("near '...'"), and that input is
 * whatever the sender sent, so the reason is reduced to printable ASCII
 * before it leaves: it ends up in JSON answers and logs.
 */
#include <stdio.h>
#include <string.h>

#include "net/json-strict.h"

void
json_strict_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

const char *
json_strict_type_name(const json_t *v)
{
	if (v == NULL)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

static void
reason(const char *buf, size_t len, const json_error_t *je, char *err,
    size_t errsz)
{
	int line = je->line, col = je->column;

	if (err == NULL || errsz == 0)
		return;
	switch (json_error_code(je)) {
	case json_error_invalid_utf8:
		snprintf(err, errsz, "invalid UTF-8 at line %d column %d "
		    "(byte %d): %s", line, col, je->position, je->text);
		break;
	case json_error_null_character:
	case json_error_null_byte_in_key:
		snprintf(err, errsz, "invalid JSON at line %d column %d: a "
		    "string contains \\u0000 (NUL), which is not accepted",
		    line, col);
		break;
	case json_error_end_of_input_expected:
		/* jansson stops at a raw NUL byte and calls it the end;
		 * position is just past the byte it choked on. */
		if (je->position > 0 && (size_t)je->position <= len &&
		    buf[je->position - 1] == '\0') {
			snprintf(err, errsz, "invalid JSON at line %d column "
			    "%d: a NUL byte in the body", line, col);
			break;
		}
		/* FALLTHROUGH */
	default:
		if (len == 0)
			snprintf(err, errsz, "invalid JSON: the body is empty");
		else
			snprintf(err, errsz, "invalid JSON at line %d column "
			    "%d: %s", line, col, je->text);
		break;
	}
	json_strict_ascii(err);
}

json_t *
json_strict_parse_any(const char *buf, size_t len, char *err, size_t errsz)
{
	json_error_t je;
	json_t *root;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	root = json_loadb(buf != NULL ? buf : "", buf != NULL ? len : 0,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (root == NULL)
		reason(buf, buf != NULL ? len : 0, &je, err, errsz);
	return root;
}

json_t *
json_strict_parse(const char *buf, size_t len, char *err, size_t errsz)
{
	json_t *root = json_strict_parse_any(buf, len, err, errsz);

	if (root == NULL)
		return NULL;
	if (!json_is_object(root)) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "the body must be a JSON object, "
			    "not %s", json_strict_type_name(root));
		json_decref(root);
		return NULL;
	}
	return root;
}
