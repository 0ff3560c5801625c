/*
 * util.h: allocation that never returns NULL, and small string helpers.
 *
 * Allocation failure is handled here and nowhere else: xmalloc() and friends
 * call the die hook (the console sets one that restores the terminal), print
 * a reason and exit.  Every module may use these; they do no I/O on success.
 */
#ifndef WR_UTIL_H
#define WR_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup that passes NULL through. */
char *xstrdup0(const char *s);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called before exiting on a fatal error (restore the terminal, say). */
extern void (*util_die_hook)(void);
_Noreturn void util_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Replace *dst with a copy of src (NULL allowed), freeing the old value. */
void util_set_str(char **dst, const char *src);
/* strcmp that orders NULL before everything. */
int util_strcmp0(const char *a, const char *b);
/* bounded snprintf that never overflows and always terminates. */
void util_strlcpy(char *dst, const char *src, size_t size);

#endif
