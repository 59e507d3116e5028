/* bench_fork_floor.c - the floor under a big group of actors: N children
 * forked from this small process, each only pausing, then killed and
 * reaped.  No scenario can start N actors faster than this machine forks N
 * processes; README quotes it beside the scale figures.
 *
 *   bench_fork_floor N [REPS]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

/* One round: the time to fork n pausing children (ns); -1 if a fork failed. */
static long long one_round(pid_t *pids, int n, uint64_t *kill_reap_ns)
{
	uint64_t t0 = bench_now_ns();
	int made = 0;
	for (; made < n; made++) {
		pids[made] = fork();
		if (pids[made] == 0) {
			pause();
			_exit(0);
		}
		if (pids[made] < 0)
			break;
	}
	uint64_t t1 = bench_now_ns();
	for (int i = 0; i < made; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < made; i++)
		waitpid(pids[i], NULL, 0);
	*kill_reap_ns = bench_now_ns() - t1;
	return made == n ? (long long)(t1 - t0) : -1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, reps = argc > 2 ? atoi(argv[2]) : 1;
	if (n < 1 || reps < 1) {
		fprintf(stderr, "usage: bench_fork_floor N [REPS]\n");
		return 2;
	}
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	struct bench_samples forks, ends;
	if (!pids)
		return 1;
	bench_samples_init(&forks, reps);
	bench_samples_init(&ends, reps);
	for (int r = 0; r < reps; r++) {
		uint64_t end_ns;
		long long ns = one_round(pids, n, &end_ns);
		if (ns < 0) {
			fprintf(stderr, "bench_fork_floor: fork failed before %d children\n", n);
			free(pids);
			return 1;
		}
		bench_samples_add(&forks, (uint64_t)ns);
		bench_samples_add(&ends, end_ns);
	}
	uint64_t f = bench_samples_median(&forks), e = bench_samples_median(&ends);
	printf("  the floor: %d forks of a process that only pauses %.3f s (%.0f us each), killing and reaping "
	       "them %.3f s; median of %d\n",
	       n, (double)f / 1e9, (double)f / 1e3 / n, (double)e / 1e9, reps);
	bench_samples_free(&forks);
	bench_samples_free(&ends);
	free(pids);
	return 0;
}
