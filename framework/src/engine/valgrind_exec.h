/* valgrind_exec.h - what the exec under valgrind (valgrind_exec.c) tells
 * the rest of the engine (internal). */
#ifndef SHMLIFE_VALGRIND_EXEC_H
#define SHMLIFE_VALGRIND_EXEC_H

/* The absolute path of the suppressions file memcheck is given
 * ($SHMLIFE_VALGRIND_SUPP, ./reports/valgrind.supp, the installed copy, the
 * source tree's), or NULL if none is readable.  In a static buffer: not for
 * two threads at once. */
const char *sl_vg_suppressions(void);

#endif
