/* bench_util.c - clock, samples, spawning, scratch directories for the
 * benchmark programs (bench_util.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

extern char **environ;

uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_samples_init(struct bench_samples *s, int cap)
{
	s->n = 0;
	s->cap = cap > 0 ? cap : 1;
	s->v = calloc((size_t)s->cap, sizeof(*s->v));
	if (!s->v)
		s->cap = 0;
}

void bench_samples_add(struct bench_samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 16;
		uint64_t *nv = realloc(s->v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

uint64_t bench_samples_percentile(const struct bench_samples *s, int p)
{
	if (s->n == 0)
		return 0;
	uint64_t *sorted = malloc((size_t)s->n * sizeof(*sorted));
	if (!sorted)
		return 0;
	memcpy(sorted, s->v, (size_t)s->n * sizeof(*sorted));
	qsort(sorted, (size_t)s->n, sizeof(*sorted), cmp_u64);
	int rank = (p * s->n + 99) / 100; /* nearest rank, 1-based */
	if (rank < 1)
		rank = 1;
	uint64_t v = sorted[rank - 1];
	free(sorted);
	return v;
}

uint64_t bench_samples_median(const struct bench_samples *s)
{
	return bench_samples_percentile(s, 50);
}

void bench_samples_print(const char *label, const struct bench_samples *s)
{
	printf("  %-40s %8.3f %8.3f %8.3f\n", label, (double)bench_samples_median(s) / 1e6,
	       (double)bench_samples_percentile(s, 10) / 1e6, (double)bench_samples_percentile(s, 90) / 1e6);
}

void bench_samples_free(struct bench_samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int bench_spawn_wait(const char *const argv[], struct rusage *ru)
{
	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	int st;
	struct rusage dummy;
	pid_t w;
	while ((w = wait4(pid, &st, 0, ru ? ru : &dummy)) < 0 && errno == EINTR)
		;
	if (w != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void bench_rmtree_reports(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) < 0 && errno == EISDIR)
			bench_rmtree_reports(path);
	}
	closedir(d);
	rmdir(dir);
}
