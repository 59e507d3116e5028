/* explore_script.h - internal to the explore stage: the reproducing
 * scripts (explore_script.c). */
#ifndef SHMLIFE_EXPLORE_SCRIPT_H
#define SHMLIFE_EXPLORE_SCRIPT_H

#include <stdio.h>

#include "shmlife/explore.h"

/* Writes the script that reproduces point `pt` of exploration `x` of `s`
 * into `dir`; its path (malloc'ed), or NULL (errno) if it could not be
 * written. */
char *explore_write_script(const struct sl_scenario *s, const struct sl_explore_result *x,
			   const struct sl_explore_point *pt, const char *dir);
/* `s` and a newline, every control character in it written as `?`. */
void explore_put_one_line(FILE *out, const char *s);

#endif
