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

/*
 * 2 * nbytes lowercase hex digits of the kernel's randomness (getrandom(2):
 * a system call, no file), then a NUL: out holds 2 * nbytes + 1.  Returns 0,
 * or -1 with errno and out "".  The one source of random ids: op ids,
 * dedup keys, store epochs.
 */
int util_random_hex(char *out, size_t nbytes);

/*
 * Text that came from the network, made safe for one line of a log: control
 * bytes (C0, DEL, and C1 as UTF-8), backslash and bytes that are not valid
 * UTF-8 become \xNN (\\ for a backslash), so a client cannot start a line
 * or a terminal sequence of its own.  Written into buf (always terminated;
 * cut at a character boundary with "..." when it does not fit); returns buf,
 * so it can be a printf argument.  NULL becomes "-".  The one escape every
 * caller of relay_log() uses for a client's strings.
 */
const char *util_log_escape(const char *s, char *buf, size_t size);

#endif
