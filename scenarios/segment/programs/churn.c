/* churn.c - shmlife-scn-churn: a process that keeps attaching and detaching
 * one segment in the background, so that the segment's nattch, lpid, atime
 * and dtime keep changing while a scenario observes it
 * (segment/views-agree-under-churn.scn).
 *
 *   shmlife-scn-churn [KEY]      (default: $SHMLIFE_KEY, the scenario's key)
 *
 * It forks; the child attaches and detaches the segment of KEY in a loop
 * until the segment is gone (an attach fails) or it is killed with the
 * scenario.  The parent exits once the child has attached for the first
 * time, so the step that runs it ends with the churn under way: no sleep,
 * no file.  Exit: 0 the churn runs; 1 bad usage; 2 no segment of KEY;
 * 3 fork or pipe failed; 4 the child ended before its first attach.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/shm.h>
#include <unistd.h>

static int churn(int shmid, int ready_fd)
{
	for (unsigned long round = 0;; round++) {
		void *at = shmat(shmid, NULL, 0);
		if (at == (void *)-1)
			return 0; /* the segment is gone: the scenario is ending */
		if (round == 0) {
			(void)!write(ready_fd, "r", 1);
			close(ready_fd);
		}
		shmdt(at);
	}
}

int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : getenv("SHMLIFE_KEY");
	char *end;
	if (argc > 2 || !text || !*text) {
		fprintf(stderr, "usage: shmlife-scn-churn [KEY]  (or SHMLIFE_KEY in the environment)\n");
		return 1;
	}
	errno = 0;
	long long key = strtoll(text, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "shmlife-scn-churn: not a key: %s\n", text);
		return 1;
	}
	int shmid = shmget((key_t)key, 0, 0);
	if (shmid < 0) {
		perror("shmlife-scn-churn: shmget");
		return 2;
	}
	int p[2];
	if (pipe(p) < 0) {
		perror("shmlife-scn-churn: pipe");
		return 3;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("shmlife-scn-churn: fork");
		return 3;
	}
	if (pid == 0) {
		close(p[0]);
		_exit(churn(shmid, p[1]));
	}
	close(p[1]);
	char c;
	ssize_t n;
	while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? 0 : 4;
}
