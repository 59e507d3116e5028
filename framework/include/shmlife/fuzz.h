/* fuzz.h - `shmlife fuzz`: random scenarios from a reference model,
 * checked against the kernel, divergences shrunk (docs/fuzz.md).
 *
 * A fuzz program is drawn from a seed and a run number (the same pair always
 * gives the same program), built into an ordinary scenario whose expected
 * outcomes and expectations are the model's predictions, and run with the
 * engine (run.h).  A run that FAILs is a divergence between the kernel and
 * the model; sl_fuzz_shrink() cuts its program down, and
 * sl_scenario_write_script() writes the scenario as a script that
 * `shmlife run` reproduces.
 */
#ifndef SHMLIFE_FUZZ_H
#define SHMLIFE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shmlife/result.h"
#include "shmlife/scenario.h"

/* Operation families (--ops). */
enum {
	SL_FUZZ_SHMGET = 1u << 0,   /* shmget: keys, sizes, flags          */
	SL_FUZZ_ATTACH = 1u << 1,   /* shmat (SHM_RDONLY, SHM_REMAP), shmdt */
	SL_FUZZ_CTL = 1u << 2,      /* shmctl IPC_RMID IPC_STAT IPC_SET SHM_LOCK SHM_UNLOCK */
	SL_FUZZ_MEMORY = 1u << 3,   /* write and read through attachments   */
	SL_FUZZ_PROCESS = 1u << 4,  /* fork, exit, crash, kill              */
	SL_FUZZ_PERMS = 1u << 5,    /* actors with other uids (needs root)  */
	SL_FUZZ_SYSCTL = 1u << 6,   /* shmmni, shmmax, shmall, shm_rmid_forced */
	SL_FUZZ_SESSION = 1u << 7,  /* setsid, setpgid, getsid              */
	SL_FUZZ_FTOK = 1u << 8,     /* ftok of a path that is there or not  */
	SL_FUZZ_ALL = (1u << 9) - 1,
};

struct sl_fuzz_options {
	int actors;                 /* actors at the start (1..8; default 3) */
	int steps;                  /* operations per scenario (default 20)  */
	unsigned ops;               /* families; 0: all                      */
};

/* The defaults: 3 actors, 20 operations, every family. */
void sl_fuzz_options_default(struct sl_fuzz_options *o);
/* "shmget,attach,ctl" -> families; 0 and *bad set to the unknown word's
 * start on error.  The names: shmget attach ctl memory process perms sysctl session all. */
unsigned sl_fuzz_parse_ops(const char *list, const char **bad);
const char *sl_fuzz_family_name(int bit);

struct sl_fuzz_program;      /* opaque: the fuzzer's own form of a scenario */

/* The program of run `run` of `seed`; NULL when out of memory. */
struct sl_fuzz_program *sl_fuzz_generate(uint64_t seed, uint64_t run, const struct sl_fuzz_options *o);
struct sl_fuzz_program *sl_fuzz_program_copy(const struct sl_fuzz_program *p);
void sl_fuzz_program_free(struct sl_fuzz_program *p);
/* Operations and checks it holds (not all need to apply: see build). */
int sl_fuzz_program_length(const struct sl_fuzz_program *p);

/* The scenario: the program's operations that apply, each with the model's
 * prediction as its expected outcome, its checks as `expect` steps, and
 * every step's text (st->text) as sl_scenario_write_script() writes it.
 * NULL when out of memory. */
struct sl_scenario *sl_fuzz_build(const struct sl_fuzz_program *p);

/* A divergence in one line without the values that change from run to run
 * (ids, pids, addresses): identical divergences have the same signature. */
void sl_fuzz_signature(const struct sl_scenario *s, const struct sl_result *r, char *buf, size_t len);

/* Does a candidate still diverge the same way?  1 yes, 0 no. */
typedef int (*sl_fuzz_oracle)(void *ctx, const struct sl_fuzz_program *candidate);
/* Delta debugging over the program's operations, its actors and the
 * arguments of each operation, until no single removal or simplification
 * keeps `still_diverges`.  Returns the smallest program found (a copy; p is
 * untouched), NULL when out of memory; *tries counts the oracle's calls. */
struct sl_fuzz_program *sl_fuzz_shrink(const struct sl_fuzz_program *p, sl_fuzz_oracle still_diverges,
				       void *ctx, int *tries);

/* Writes `s` as a script that parses back to the same scenario: headers,
 * actors, one line a step (time(line N) numbered as written).  Handles
 * what fuzz scenarios use: shmget shmat shmdt shmctl write read fork exit
 * crash kill wait sysctl and expect.  0, or -1 (errno EINVAL for a step
 * it cannot write, or the stream's error). */
int sl_scenario_write_script(FILE *out, const struct sl_scenario *s);
/* Sets st->text of every step to its line as the writer writes it.  0 or -1. */
int sl_scenario_set_texts(struct sl_scenario *s);

/* Test-only: deliberately wrong model rules (bits of model.h FZ_WRONG_*),
 * so that the shrinker has a divergence to work on.  0: the true model. */
void sl_fuzz_set_wrong_model(unsigned wrong);

#endif
