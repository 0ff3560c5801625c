/*
 * fuzz_theme: the console's theme files (tui/theme.c).  Invariants: what
 * parses sets every role to a colour in range (or the terminal's own) and
 * known attributes; a refusal leaves the built-in default and names the
 * file; nearest colours stay in the palette asked for.
 */
#include <string.h>

#include "tui/theme.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_theme th, def;
	char *cause = NULL;
	const char *path;

	if (size > 256 * 1024)
		return 0;
	path = fuzz_file(data, size);
	if (tui_theme_parse(path, &th, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, path, strlen(path))
		    == 0, "a refusal does not name the file: %s",
		    cause ? cause : "");
		free(cause);
		tui_theme_builtin(&def, 0);
		FUZZ_CHECK(memcmp(def.role, th.role, sizeof def.role) == 0,
		    "a refused theme is not the default");
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct tui_style *s = &th.role[r];

		FUZZ_CHECK(s->fg >= TH_DEFAULT && s->fg <= 255 &&
		    s->bg >= TH_DEFAULT && s->bg <= 255, "role %s: %d %d",
		    tui_theme_role_name(r), s->fg, s->bg);
		FUZZ_CHECK((s->attrs & ~0x3fu) == 0, "role %s: attrs %#x",
		    tui_theme_role_name(r), s->attrs);
		for (size_t i = 0; i < 4 && s->fg >= 0; i++) {
			static const int ncs[] = { 8, 16, 88, 256 };
			int bold = 0, nc = ncs[i];
			short c = tui_theme_nearest(s->fg, nc, &bold);

			FUZZ_CHECK(c >= 0 && c < nc && (s->fg >= nc ||
			    c == s->fg), "nearest(%d, %d) = %d", s->fg, nc, c);
		}
	}
	return 0;
}
