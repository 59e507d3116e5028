/* sigmasked.c - a program that makes one shmget() with a signal ignored,
 * blocked, left at a default that ignores it, or caught in a process with
 * two threads, for the "signal ... before" tests of fault injection
 * (tests/test_inject.c): the injected signal must never make the call fail.
 *
 *   shmlife-test-sigmasked ignore|block|default|thread SIGNUM
 *
 * ignore:  SIGNUM is SIG_IGN;  block: SIGNUM is blocked, and must be pending
 * after the call;  default: SIGNUM is left as it is (use one whose default
 * is to ignore, SIGURG);  thread: SIGNUM has a handler, and a second thread
 * makes the call while the first waits in pthread_join(): the handler must
 * run in the thread that made the call.
 *
 * Exit status: 0 the call succeeded (and the segment is removed); the errno
 * of shmget if it is under 200; 200 for a larger errno (513, ERESTARTSYS
 * leaking out); 201 a blocked signal is not pending; 202 the handler did not
 * run in the calling thread; 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

static volatile sig_atomic_t handled_in;

static void record(int sig)
{
	(void)sig;
	handled_in = (sig_atomic_t)gettid();
}

static int one_shmget(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0) {
		int err = errno;
		fprintf(stderr, "sigmasked: shmget: errno %d (%s)\n", err, strerror(err));
		return err < 200 ? err : 200;
	}
	shmctl(id, IPC_RMID, NULL);
	return 0;
}

static void *call_in_thread(void *arg)
{
	int *status = arg;
	*status = one_shmget();
	if (*status == 0 && handled_in != (sig_atomic_t)gettid()) {
		fprintf(stderr, "sigmasked: handler ran in %d, the call was in %d\n", (int)handled_in,
			(int)gettid());
		*status = 202;
	}
	return NULL;
}

static int in_a_thread(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = record;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		return 2;
	pthread_t t;
	int status = 2;
	if (pthread_create(&t, NULL, call_in_thread, &status) != 0)
		return 2;
	pthread_join(t, NULL);
	return status;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	const char *mode = argv[1];
	int sig = atoi(argv[2]);
	if (sig <= 0 || sig >= NSIG)
		return 2;
	if (strcmp(mode, "thread") == 0)
		return in_a_thread(sig);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (strcmp(mode, "ignore") == 0)
		signal(sig, SIG_IGN);
	else if (strcmp(mode, "block") == 0)
		sigprocmask(SIG_BLOCK, &set, NULL);
	else if (strcmp(mode, "default") != 0)
		return 2;
	int status = one_shmget();
	if (status == 0 && strcmp(mode, "block") == 0) {
		sigset_t pending;
		sigpending(&pending);
		if (!sigismember(&pending, sig))
			return 201;
	}
	return status;
}
