/* fault.c - the fault model's vocabulary: which calls a fault can target,
 * by name and by syscall number, which syscalls count as each of them, the
 * builder that appends a fault to a step, and the check of what can be
 * armed (scenario.h, fault.h).  Nothing here intercepts anything: that is
 * inject.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "fault.h"
#include "shmlife/scenario.h"

/* The name of each call, and the syscall number that stands for it in
 * sl_fault.syscall_nr.  Index = enum inject_call. */
static const struct {
	const char *name;
	int nr;
} calls[IC__COUNT] = {
	[IC_SHMGET] = { "shmget", __NR_shmget },
	[IC_SHMAT] = { "shmat", __NR_shmat },
	[IC_SHMDT] = { "shmdt", __NR_shmdt },
	[IC_SHMCTL] = { "shmctl", __NR_shmctl },
#ifdef __NR_newfstatat
	[IC_FTOK] = { "ftok", __NR_newfstatat },
#else
	[IC_FTOK] = { "ftok", __NR_statx },
#endif
	[IC_FORK] = { "fork", __NR_clone },
	[IC_SETSID] = { "setsid", __NR_setsid },
	[IC_OPEN] = { "open", __NR_openat },
	[IC_MMAP] = { "mmap", __NR_mmap },
};

/* Other names the scripts may use for the same calls. */
static const struct {
	const char *alias;
	enum inject_call call;
} aliases[] = {
	{ "stat", IC_FTOK }, { "newfstatat", IC_FTOK }, { "statx", IC_FTOK },
	{ "clone", IC_FORK }, { "clone3", IC_FORK }, { "vfork", IC_FORK },
	{ "openat", IC_OPEN }, { "openat2", IC_OPEN }, { "creat", IC_OPEN },
};

/* Every syscall that counts as one of the calls (the filter's list). */
const struct inject_syscall inject_syscalls[] = {
	{ __NR_shmget, IC_SHMGET, -1 },
	{ __NR_shmat, IC_SHMAT, -1 },
	{ __NR_shmdt, IC_SHMDT, -1 },
	{ __NR_shmctl, IC_SHMCTL, -1 },
#ifdef __NR_stat
	{ __NR_stat, IC_FTOK, -1 },
#endif
#ifdef __NR_newfstatat
	{ __NR_newfstatat, IC_FTOK, 3 },  /* fstat() is newfstatat(fd, "", AT_EMPTY_PATH) */
#endif
#ifdef __NR_statx
	{ __NR_statx, IC_FTOK, 2 },
#endif
	{ __NR_clone, IC_FORK, -1 },
#ifdef __NR_clone3
	{ __NR_clone3, IC_FORK, -1 },
#endif
#ifdef __NR_fork
	{ __NR_fork, IC_FORK, -1 },
#endif
#ifdef __NR_vfork
	{ __NR_vfork, IC_FORK, -1 },
#endif
	{ __NR_setsid, IC_SETSID, -1 },
#ifdef __NR_open
	{ __NR_open, IC_OPEN, -1 },
#endif
	{ __NR_openat, IC_OPEN, -1 },
#ifdef __NR_openat2
	{ __NR_openat2, IC_OPEN, -1 },
#endif
#ifdef __NR_creat
	{ __NR_creat, IC_OPEN, -1 },
#endif
	{ __NR_mmap, IC_MMAP, -1 },
};
const int inject_nsyscalls = (int)(sizeof(inject_syscalls) / sizeof(inject_syscalls[0]));

int inject_call_of_syscall(int nr)
{
	for (int i = 0; i < inject_nsyscalls; i++)
		if (inject_syscalls[i].nr == nr)
			return (int)inject_syscalls[i].call;
	return -1;
}

const char *inject_call_name(int call)
{
	return call >= 0 && call < IC__COUNT ? calls[call].name : "?";
}

int sl_fault_call_number(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < IC__COUNT; i++)
		if (strcmp(calls[i].name, name) == 0)
			return calls[i].nr;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return calls[aliases[i].call].nr;
	return -1;
}

const char *sl_fault_call_name(int syscall_nr)
{
	int call = inject_call_of_syscall(syscall_nr);
	return call >= 0 ? calls[call].name : NULL;
}

const char *sl_fault_call_at(int i)
{
	return i >= 0 && i < IC__COUNT ? calls[i].name : NULL;
}

struct sl_fault *sl_step_add_fault(struct sl_step *st, enum sl_fault_kind kind, const char *call,
				   int first, int last, int value)
{
	int nr = sl_fault_call_number(call);
	if (nr < 0)
		return NULL;
	struct sl_fault *v = realloc(st->faults, (size_t)(st->nfaults + 1) * sizeof(*v));
	if (!v)
		return NULL;
	st->faults = v;
	struct sl_fault *f = &v[st->nfaults++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->syscall_nr = nr;
	f->first = first;
	f->last = last;
	if (kind == SL_FAULT_ERRNO)
		f->err = value;
	else
		f->signal = value;
	return f;
}

const char *sl_fault_invalid(const struct sl_fault *f, char *buf, size_t len)
{
	int call = inject_call_of_syscall(f->syscall_nr);
	if (call < 0)
		snprintf(buf, len, "syscall %d is not a call faults can target", f->syscall_nr);
	else if (f->first < 1 || (f->last != 0 && f->last < f->first))
		snprintf(buf, len, "calls %d..%d: the calls are counted from 1, first <= last", f->first,
			 f->last);
	else if (f->kind == SL_FAULT_ERRNO && (f->err <= 0 || f->err > 4095))
		snprintf(buf, len, "errno %d is not an errno", f->err);
	else if ((f->kind == SL_FAULT_SIGNAL_BEFORE || f->kind == SL_FAULT_SIGNAL_AFTER) &&
		 (f->signal <= 0 || f->signal >= NSIG))
		snprintf(buf, len, "signal %d is not a signal", f->signal);
	else if (f->kind == SL_FAULT_SIGNAL_AFTER && call == IC_FORK)
		snprintf(buf, len, "a signal after fork cannot be placed: the kernel restarts a fork "
				   "that finds a signal pending; use a signal before the next call");
	else if (f->kind == SL_FAULT_SIGNAL_AFTER && (f->signal == SIGSTOP || f->signal == SIGCONT))
		snprintf(buf, len, "a signal after a call cannot be SIGSTOP or SIGCONT: they are the fence "
				   "that places it");
	else if ((unsigned)f->kind > SL_FAULT_TRACE)
		snprintf(buf, len, "unknown fault kind %d", (int)f->kind);
	else
		return NULL;
	return buf;
}
