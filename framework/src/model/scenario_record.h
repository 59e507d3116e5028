/* scenario_record.h - a scenario as a versioned record of bytes, to hand it to
 * another process whole (internal).
 *
 * The conductor that valgrind runs (`shmlife __conductor`, valgrind_exec.c)
 * is a new program: it receives the scenario the harness parsed or built, as
 * this record in a memfd, instead of parsing the script file again (which
 * could have changed, and which a scenario built in C does not have).
 *
 * The record: "SLSC", a version (SL_SCENARIO_RECORD_VERSION), every field of
 * the scenario in the order of scenario.h (integers as 8 bytes little-endian,
 * strings and byte arrays as a length, -1 for NULL, and the bytes), and
 * "CSLS" at the end.  A reader of another version refuses the record.  Pure
 * data: no system call.
 *
 *   char *rec; size_t len;
 *   if (sl_scenario_encode(s, &rec, &len) == 0) {
 *           char why[128];
 *           struct sl_scenario *copy = sl_scenario_decode(rec, len, why, sizeof(why));
 *           free(rec);
 *           ...
 *           sl_scenario_free(copy);
 *   }
 */
#ifndef SHMLIFE_SCENARIO_RECORD_H
#define SHMLIFE_SCENARIO_RECORD_H

#include <stddef.h>

#include "shmlife/scenario.h"

#define SL_SCENARIO_RECORD_VERSION 1
#define SL_SCENARIO_RECORD_MAGIC "SLSC"   /* its first 4 bytes */
#define SL_SCENARIO_RECORD_TRAILER "CSLS" /* its last 4 bytes */

/* s as a record in *rec (malloc'd, the caller frees it), *len bytes: 0, or
 * -1 (errno ENOMEM) with *rec NULL. */
int sl_scenario_encode(const struct sl_scenario *s, char **rec, size_t *len);

/* The scenario a record holds (the caller frees it with sl_scenario_free),
 * or NULL with why it cannot be read in `why` (not a record, another
 * version, cut, a count or length past its end, out of memory). */
struct sl_scenario *sl_scenario_decode(const void *rec, size_t len, char *why, size_t why_len);

#endif
