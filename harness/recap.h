/* recap.h - the end of a run for people: what did not pass, one line each
 * (outcome, name, file:line, reason), after the TAP stream, so that the
 * last screen of a run says what to look at. */
#ifndef SHMLIFE_HARNESS_RECAP_H
#define SHMLIFE_HARNESS_RECAP_H

#include <stdio.h>

#include "shmlife/report.h"

struct recap_style {
	int color;                       /* SGR colours (term.h)                */
	int verbose;                     /* also list the skipped, with why     */
	int counts;                      /* end with the counts line            */
};

/* Writes the recap of items[0..n) to out; writes nothing when every item
 * passed (or was skipped, unless verbose) and counts is 0.  Returns how
 * many items it listed. */
int recap_print(FILE *out, const struct sl_report_item *items, int n, const struct recap_style *st);

#endif
