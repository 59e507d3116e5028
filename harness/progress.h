/* progress.h - what a run is doing, on stderr: on a terminal one line
 * rewritten in place (`[12/48] running: double-rmid, ...`); otherwise a plain
 * line as each scenario ends (`[12/48] PASS double-rmid (0.12 s)`). */
#ifndef SHMLIFE_HARNESS_PROGRESS_H
#define SHMLIFE_HARNESS_PROGRESS_H

#include <stdio.h>

#include "shmlife/report.h"

struct progress {
	FILE *out;
	int tty;                         /* rewrite one line in place          */
	int quiet;                       /* say nothing                        */
	int total, done;
	const struct sl_report_item *items;
	int *running;                    /* item indices, in start order       */
	int nrunning;
	int shown;                       /* a line is on the screen            */
	int color;                       /* outcomes in colour (term.h)        */
	int verbose;                     /* on a terminal too, a line as each ends */
};

/* 0, or -1 when out of memory. */
int progress_init(struct progress *p, FILE *out, int quiet, const struct sl_report_item *items,
		  int total);
/* Colour of the outcomes, and (verbose) a line per finished scenario on a
 * terminal too, above the line rewritten in place. */
void progress_style(struct progress *p, int color, int verbose);
void progress_started(struct progress *p, int index);
void progress_finished(struct progress *p, int index);
/* Takes the line off the screen before something else is printed... */
void progress_clear(struct progress *p);
/* ... and puts it back. */
void progress_redraw(struct progress *p);
void progress_end(struct progress *p);

#endif
