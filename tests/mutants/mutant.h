/* mutant.h - what every mutant libc (the .c files of tests/mutants/) shares: the real
 * function behind the one it replaces, found with dlsym(RTLD_NEXT).
 *
 * A mutant is an LD_PRELOAD library that makes the C library lie about one
 * lifecycle rule of System V shared memory or of sessions (ci/mutants.sh).
 * It is loaded in every process of a run: the harness, the conductor, the
 * actors and the programs they exec.  The observer reads the kernel with raw
 * system calls (framework/src/observe/observe_raw.h), so the lie reaches the actors'
 * calls only, as a buggy libc would.
 */
#ifndef SHMLIFE_MUTANT_H
#define SHMLIFE_MUTANT_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

/* The next definition of `name` after this library: libc's.  Aborts if there
 * is none (a mutant without its victim would lie about nothing). */
#define MUTANT_REAL(type, name)                                                                    \
	static type real_##name;                                                                   \
	static void mutant_find_##name(void)                                                       \
	{                                                                                          \
		if (!real_##name) {                                                                \
			real_##name = (type)dlsym(RTLD_NEXT, #name);                               \
			if (!real_##name)                                                          \
				abort();                                                           \
		}                                                                                  \
	}

#endif
