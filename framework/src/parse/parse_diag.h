/* parse_diag.h - internal: appending `file:line:col: message` diagnostics.
 *
 * The public side (sl_diags_print, sl_diags_free) is in parse.h.  The parser
 * adds diagnostics through these; when memory runs out a diagnostic may be
 * lost, but the parser counts its errors itself, so a script with an error in
 * it never yields a scenario.
 */
#ifndef SHMLIFE_PARSE_DIAG_H
#define SHMLIFE_PARSE_DIAG_H

#include "shmlife/parse.h"

/* Appends one diagnostic.  0, or -1 when out of memory (d may be NULL: then
 * nothing is recorded and 0 is returned). */
int slp_diag_add(struct sl_diags *d, const char *file, int line, int col, const char *msg);

/* The same, the message built printf-style. */
int slp_diag_addf(struct sl_diags *d, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
