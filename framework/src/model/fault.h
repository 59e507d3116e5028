/* fault.h - the vocabulary of fault injection (internal): the calls a
 * fault can target, by name and by syscall number, and which syscalls count
 * as each (fault.c).  Pure data: the model, the parser and the supervisor
 * (inject/inject.h) share it; nothing here intercepts anything. */
#ifndef SHMLIFE_FAULT_H
#define SHMLIFE_FAULT_H

/* The calls faults target; each counts one or more syscalls. */
enum inject_call {
	IC_SHMGET, IC_SHMAT, IC_SHMDT, IC_SHMCTL,
	IC_FTOK,      /* stat, newfstatat, statx of a path (not fstat: AT_EMPTY_PATH) */
	IC_FORK,      /* clone, clone3, fork, vfork                            */
	IC_SETSID,
	IC_OPEN,      /* open, openat, openat2, creat                          */
	IC_MMAP,
	IC__COUNT
};

struct inject_syscall {
	int nr;
	enum inject_call call;
	int empty_path_arg;  /* index of the flags argument whose AT_EMPTY_PATH
			      * makes it an fstat (not counted), or -1     */
};
extern const struct inject_syscall inject_syscalls[];
extern const int inject_nsyscalls;

int inject_call_of_syscall(int nr);      /* enum inject_call, or -1     */
const char *inject_call_name(int call);  /* "shmat"                      */

#endif
