/*
 * tests/fuzz/driver.c: main() for a fuzz target without libFuzzer, so that
 * `make check` replays its inputs with the normal cc build.
 *
 *   test_fuzz_NAME [FILE|DIR]...
 *
 * With no argument it replays tests/fuzz/regress/NAME, tests/fuzz/corpus/NAME
 * and every directory tests/fuzz/corpus/NAME.dirs lists (one a line, from
 * the top of the tree; run it there), NAME being its own name after
 * "test_fuzz_".  A target that finds something abort()s; the driver says
 * which input it was on.  It prints how many inputs it ran.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static size_t ran;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	fprintf(stderr, "fuzz: running %s\n", path);
	/* An exact-size copy, so that ASan sees a read past the end. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (exact == NULL)
			abort();
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	ran++;
	return 0;
}

static int
run_path(const char *path, int must_exist)
{
	struct stat st;
	struct dirent **ents;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof sub, "%s/%s", path,
			    ents[i]->d_name);
			if (stat(sub, &st) == 0 && S_ISREG(st.st_mode) &&
			    run_file(sub) != 0)
				rc = -1;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	char path[4096], line[4096];
	FILE *f;
	int rc = 0;

	name = name ? name + 1 : argv[0];
	if (strncmp(name, "test_fuzz_", 10) == 0)
		name += 10;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (run_path(argv[i], 1) != 0)
				rc = 1;
	} else {
		snprintf(path, sizeof path, "tests/fuzz/regress/%s", name);
		rc |= run_path(path, 0) != 0;
		snprintf(path, sizeof path, "tests/fuzz/corpus/%s", name);
		rc |= run_path(path, 0) != 0;
		snprintf(path, sizeof path, "tests/fuzz/corpus/%s.dirs", name);
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(line, sizeof line, f) != NULL) {
				line[strcspn(line, "\r\n")] = '\0';
				if (line[0] != '\0' && line[0] != '#')
					rc |= run_path(line, 1) != 0;
			}
			fclose(f);
		}
	}
	printf("fuzz %s: %zu inputs, %s\n", name, ran,
	    rc ? "FAILED" : "no finding");
	return rc || ran == 0;
}
