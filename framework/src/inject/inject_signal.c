/* inject_signal.c - what the supervisor reads of a caller's signals
 * (internal to the inject stage): whether a signal sent now to the calling
 * thread would interrupt its call, stay pending or vanish, from the
 * thread's /proc/TGID/task/TID/status; and the bounded wait for a process
 * to take a stop.  inject.c sends the signal; this file only reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inject_plan.h"
#include "proc_stat.h"
#include "util.h"

#define INJECT_STOP_WAIT_MS 2000

/* A signal set of /proc/PID/status ("SigBlk:\t0000000000010000"). */
static int status_sigset(const char *status, const char *field, uint64_t *set)
{
	const char *at = strstr(status, field);
	if (!at)
		return -1;
	char *end;
	errno = 0;
	*set = strtoull(at + strlen(field), &end, 16);
	return errno || end == at + strlen(field) ? -1 : 0;
}

static int ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

int inject_signal_fate(pid_t tgid, pid_t tid, int sig, int *fate)
{
	char path[80], buf[2048];
	uint64_t blocked, ignored, caught;
	*fate = 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)tgid, (int)tid);
	if (sl_read_text(path, buf, sizeof(buf)) < 0 || status_sigset(buf, "\nSigBlk:", &blocked) < 0 ||
	    status_sigset(buf, "\nSigIgn:", &ignored) < 0 || status_sigset(buf, "\nSigCgt:", &caught) < 0)
		return -1;
	if (sig == SIGKILL || sig == SIGSTOP || sig < 1 || sig > 64)
		return 0;
	uint64_t bit = 1ULL << (sig - 1);
	if (blocked & bit)
		*fate = 'b';
	else if ((ignored & bit) || (!(caught & bit) && ignored_by_default(sig)))
		*fate = 'i';
	return 0;
}

/* One of: 'T'/'t' stopped, 'Z'/'X' ended, '?' gone, or the state letter. */
static char task_state(pid_t pid)
{
	struct sl_proc_stat st;
	return sl_proc_stat_read(pid, &st) < 0 ? '?' : st.state;
}

void inject_wait_stopped(pid_t pid)
{
	int64_t deadline = sl_now_ms() + INJECT_STOP_WAIT_MS;
	for (int spins = 0;; spins++) {
		char st = task_state(pid);
		if (st == 'T' || st == 't' || st == 'Z' || st == 'X' || st == '?')
			return;
		if (sl_now_ms() > deadline)
			return;
		if (spins < 200) {
			sched_yield();
		} else {
			struct timespec ts = { 0, 50000 };
			nanosleep(&ts, NULL);
		}
	}
}
