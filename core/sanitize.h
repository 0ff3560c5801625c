/*
 * sanitize.h: make untrusted text (alert labels, summaries, notes that came
 * over the network) safe to draw in a terminal, and measure/fit it in columns.
 *
 * Widths come from wcwidth(), which depends on LC_CTYPE: the caller must have
 * called setlocale(LC_ALL, "") (or set LC_CTYPE) with a UTF-8 locale before
 * using these functions.  In a non-UTF-8 locale, once glyph_choose() (glyph.h)
 * chose the ASCII table, the output is ASCII only: typographic dashes and
 * quotes become their look-alikes, ill-formed UTF-8 '?', every other non-ASCII
 * codepoint a "<U+XXXX>" token, and the ellipsis "...".
 */
#ifndef WR_SANITIZE_H
#define WR_SANITIZE_H

#include <stddef.h>

/* Make untrusted UTF-8 text safe to draw: invalid UTF-8 -> U+FFFD (one per
 * maximal ill-formed subpart, as Unicode recommends); C0 controls (incl. \t \n
 * \r, ESC), DEL, C1 controls (U+0080..U+009F), bidi overrides/isolates/marks
 * (U+200E U+200F U+202A..U+202E U+2066..U+2069 U+061C), zero-width chars
 * (U+200B..U+200D, U+2060, U+FEFF), and any other codepoint that wcwidth()
 * reports as -1 (non-printable) become visible ASCII tokens such as "^[" for
 * ESC, "^M" for CR, "^?" for DEL, "<U+202E>" for others (C1 too: "<U+009B>").
 * Output is always valid UTF-8 with no control bytes.
 * Returns a newly malloc'd NUL-terminated string (caller frees).  len is the
 * byte length of in (in may contain NUL bytes, which become "^@"). */
char *sanitize_text(const char *in, size_t len);

/*
 * The same, then made inert as Markdown text: a backslash before every
 * character that opens something inline in CommonMark or GitHub's dialect
 * (\ ` * _ [ ] ( ) ! < > & ~ | @ #, the ':' of "://" and the '.' of
 * "www."), and before what would open a block where the text starts a
 * line ("-", "+", "=", ">", "1." and "1)"), so that an alert's summary in
 * a Markdown export cannot make a heading, a list, a link, an autolink,
 * an image, a table, an entity or HTML: it renders as the text it is, and
 * still reads as it did ("4.2% of checkout-api").  One line: line ends
 * are tokens, as above.  Malloc'd.
 */
char *sanitize_markdown(const char *in, size_t len);

/* Display width (columns) of an already sanitised string, using wcwidth per
 * codepoint (combining marks count 0). */
int sanitize_width(const char *s);

/* Copy at most `cols` display columns of sanitised string s into buf (size
 * bufsz, always NUL-terminated, never splitting a UTF-8 sequence or a
 * double-width char); if truncated and ellipsis is nonzero, the last column
 * becomes the glyph table's ellipsis (U+2026, or "..." in the last three
 * columns where only ASCII is drawn).  Returns the display width written.
 * Running out of bytes in buf also counts as truncation.  Defensively, any
 * ill-formed or unsafe codepoint still present in s is written as U+FFFD. */
int sanitize_fit(const char *s, int cols, int ellipsis, char *buf, size_t bufsz);

#endif
