/* term.h - colour on the terminal: whether a stream gets it (--color=auto,
 * always or never; NO_COLOR; a terminal that is not "dumb") and the SGR
 * sequences of each outcome. */
#ifndef SHMLIFE_HARNESS_TERM_H
#define SHMLIFE_HARNESS_TERM_H

#include <stdio.h>

#include "shmlife/result.h"

enum term_color_mode { TERM_COLOR_AUTO, TERM_COLOR_ALWAYS, TERM_COLOR_NEVER };

/* --color=WHEN: 0, or -1 after saying what is wrong (exit 2). */
int term_parse_color(const char *cmd, const char *text, enum term_color_mode *mode);

/* 1 if what is written to out is coloured: always; never; auto when out is
 * a terminal, NO_COLOR is unset or empty and TERM is not "dumb". */
int term_wants_color(enum term_color_mode mode, FILE *out);

/* The SGR sequence that starts an outcome's colour, and the one that ends
 * any colour: "" and "" when color is 0. */
const char *term_outcome_on(int color, enum sl_outcome o);
const char *term_off(int color);

#endif
