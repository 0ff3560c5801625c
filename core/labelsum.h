/*
 * labelsum.h: what differs across the alerts of a group, in one line.
 *
 * An incident from a storm holds hundreds of alerts that share most of
 * their labels; what a person needs first is where they differ:
 *   instance: 300 values; pop: ams 100, fra 100, sin 100; severity: critical 300
 * A label with the same value on every alert is left out (it says nothing
 * about the spread); a label with more than LABELSUM_MAX_VALUES distinct
 * values gives its count only; an alert without the label counts as
 * "unset".  The severity is always listed, from each alert's severity (the
 * level the source said, which the incident's follows), in place of any
 * label called "severity".  Labels are in name order, values by count,
 * most first, then by value.  Keys and values are sanitised
 * (sanitize_text) and cut to LABELSUM_VALUE_COLS columns; at most
 * LABELSUM_MAX_LABELS labels and about LABELSUM_MAX_BYTES bytes.  Pure: no
 * I/O.
 */
#ifndef WR_LABELSUM_H
#define WR_LABELSUM_H

#include <stddef.h>

#include "model.h"

/* Groups of more alerts than this get a summary. */
#define LABELSUM_MIN_ALERTS	5
/* A label with more distinct values than this shows the count only. */
#define LABELSUM_MAX_VALUES	5
#define LABELSUM_MAX_LABELS	16
#define LABELSUM_VALUE_COLS	32
#define LABELSUM_MAX_BYTES	1024

/* The summary of alerts[0..n) as a new string (the caller frees), or NULL
 * when n is LABELSUM_MIN_ALERTS or fewer. */
char *labelsum_format(const struct wr_alert *alerts, size_t n);

#endif
