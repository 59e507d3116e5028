/* parse.h - the script parser: text in, a scenario (scenario.h) out.
 *
 * One script file holds one scenario.  Every error found is reported, not
 * just the first, as `file:line:col: message`; an unknown name suggests the
 * nearest known one.  When any error is found no scenario is returned, so
 * nothing is ever run from a script with an error in it.
 */
#ifndef SHMLIFE_PARSE_H
#define SHMLIFE_PARSE_H

#include <stdio.h>
#include "shmlife/scenario.h"

struct sl_diag {
	char *file;
	int line, col;                   /* 1-based                            */
	char *msg;
};

struct sl_diags {
	struct sl_diag *v;
	int n, cap;
	int own_failure;                 /* 1 if a diagnostic is shmlife's own
	                                  * failure (out of memory, a read error
	                                  * such as EIO or EMFILE), not the
	                                  * script's: the harness exits 3, not 2 */
};

/* NULL on any error (diagnostics appended to `d`, which may already hold some). */
struct sl_scenario *sl_parse_file(const char *path, struct sl_diags *d);
struct sl_scenario *sl_parse_string(const char *text, const char *filename, struct sl_diags *d);

void sl_diags_print(const struct sl_diags *d, FILE *out); /* one `file:line:col: msg` a line */
void sl_diags_free(struct sl_diags *d);

#endif
