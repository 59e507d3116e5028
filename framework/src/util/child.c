/* child.c - starting a helper process with fork() and waiting for it, with
 * the framework's rules (child.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

pid_t sl_child_fork(unsigned flags)
{
	pid_t parent = getpid();
	if (flags & SL_CHILD_FLUSH_STDIO)
		fflush(NULL);
	pid_t pid = fork();
	if (pid == 0 && (flags & SL_CHILD_DIES_WITH_PARENT)) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) /* it died before the line above */
			_exit(127);
	}
	return pid;
}

int sl_child_wait(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int remaining_ms(int64_t deadline_ms)
{
	int64_t left = deadline_ms - sl_now_ms();
	return left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

/* 1 if pid ended before the deadline, 0 if not; by its pidfd, or by
 * looking every millisecond where the kernel has no pidfd. */
static int ends_before(pid_t pid, int64_t deadline_ms, int *status, int *reaped)
{
	int pidfd = sl_pidfd_open(pid);
	*reaped = 0;
	if (pidfd >= 0) {
		int r;
		do {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };
			r = poll(&p, 1, remaining_ms(deadline_ms));
		} while ((r < 0 && errno == EINTR) || (r == 0 && remaining_ms(deadline_ms) > 0));
		close(pidfd);
		return r > 0;
	}
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid) {
			*reaped = 1;
			return 1;
		}
		if (w < 0 && errno != EINTR)
			return 1; /* not ours to wait for: the wait below says why */
		if (remaining_ms(deadline_ms) == 0)
			return 0;
		struct timespec tick = { 0, 1000000 };
		nanosleep(&tick, NULL);
	}
}

int sl_child_wait_until(pid_t pid, int64_t deadline_ms, int *status)
{
	int reaped;
	int ended = ends_before(pid, deadline_ms, status, &reaped);
	if (reaped)
		return 0;
	if (!ended)
		kill(pid, SIGKILL);
	if (sl_child_wait(pid, status) < 0)
		return -1;
	if (!ended) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

void sl_child_abandon(pid_t pid)
{
	int saved = errno, status;
	kill(pid, SIGKILL);
	sl_child_wait(pid, &status);
	errno = saved;
}
