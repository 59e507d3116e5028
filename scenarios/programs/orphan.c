/* orphan.c - shmlife-orphan: a program whose System V call is made by an
 * orphaned grandchild, as in a daemon's start: the program forks a child,
 * the child forks a grandchild and exits, so the grandchild is reparented
 * (to the scenario's PID 1); only then does the grandchild call
 * shmget(IPC_PRIVATE) (and remove what it made).  The program waits for the
 * grandchild's word and exits with it: 0 if shmget succeeded, else its
 * errno; 100 + n if the set-up failed (n: which part).
 *
 * It shows whether fault injection reaches a process whose parent has
 * exited, the way every daemon's does: `app exec shmlife-orphan inject
 * shmget errno=ENOSPC exits 28` (scenarios/inject/inject-orphan.scn). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the grandchild: returns once its parent has exited and it has been
 * reparented (the kernel sends the parent-death signal after reparenting). */
static int await_reparenting(pid_t parent)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || prctl(PR_SET_PDEATHSIG, SIGUSR1) < 0)
		return -1;
	if (getppid() != parent)
		return 0; /* already reparented */
	return sigwaitinfo(&set, NULL) == SIGUSR1 ? 0 : -1;
}

static void grandchild(int word_fd, pid_t parent)
{
	unsigned char word = 103;
	if (await_reparenting(parent) == 0) {
		int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		word = id < 0 ? (unsigned char)errno : 0;
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
	}
	if (write(word_fd, &word, 1) != 1)
		_exit(1);
	_exit(0);
}

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 101;
	pid_t child = fork();
	if (child < 0)
		return 102;
	if (child == 0) {
		close(p[0]);
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0)
			grandchild(p[1], me);
		_exit(g < 0 ? 1 : 0);
	}
	close(p[1]);
	int status;
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 104;
	unsigned char word;
	if (read(p[0], &word, 1) != 1)
		return 105;
	return word;
}
