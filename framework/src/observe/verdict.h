/* verdict.h - judging: what the kernel answered against what the script
 * expected (internal).  Pure functions, no I/O. */
#ifndef SHMLIFE_VERDICT_H
#define SHMLIFE_VERDICT_H

#include <stddef.h>

#include "shmlife/result.h"
#include "shmlife/scenario.h"

/* How an operation ended, as the conductor saw it. */
struct op_answer {
	int answered;            /* the actor replied (else it ended)          */
	long long ret;
	int err;
	int signal;              /* killed by (the actor, or an exec'd program) */
	int exited, status;      /* exited with status                          */
	int address;             /* ret is an address (shmat): said in hex      */
};

/* SL_PASS or SL_FAIL, with what was expected and what happened in detail. */
enum sl_outcome verdict_outcome(const struct sl_outcome_spec *spec, long long want_value,
				const struct op_answer *a, char *detail, size_t len);
int verdict_compare(long long got, enum sl_cmp cmp, long long want);
/* The same for the kernel's unsigned 64-bit values (sl_field_is_u64). */
int verdict_compare_u64(unsigned long long got, enum sl_cmp cmp, unsigned long long want);
const char *verdict_cmp_text(enum sl_cmp cmp);
/* "exited 3", "killed by SIGKILL", "-1 EINVAL", "4096". */
void verdict_describe(const struct op_answer *a, char *buf, size_t len);

#endif
