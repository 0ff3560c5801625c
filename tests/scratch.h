/*
 * scratch.h: a test's scratch directory (made with mkdtemp) removed with
 * all it holds, for the tests that open stores on disk.  Static: included
 * once per test program.
 */
#ifndef WR_TEST_SCRATCH_H
#define WR_TEST_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int
scratch_rm_one(const char *p, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p);
}

/* DIR and everything below it, deepest first; links are not followed. */
static void
scratch_rm(const char *dir)
{
	nftw(dir, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
