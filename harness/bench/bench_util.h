/* bench_util.h - what the benchmark programs share: a clock, samples and
 * their percentiles, spawning a command and waiting for it (with its
 * rusage), and removing a scratch report directory. */
#ifndef SHMLIFE_BENCH_UTIL_H
#define SHMLIFE_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

uint64_t bench_now_ns(void);           /* CLOCK_MONOTONIC */

struct bench_samples {
	uint64_t *v;
	int n, cap;
};

void bench_samples_init(struct bench_samples *s, int cap);
void bench_samples_add(struct bench_samples *s, uint64_t ns);
/* The p-th percentile (0..100), nearest rank; 0 without samples. */
uint64_t bench_samples_percentile(const struct bench_samples *s, int p);
uint64_t bench_samples_median(const struct bench_samples *s);
/* One line: label, median, p10, p90 in ms. */
void bench_samples_print(const char *label, const struct bench_samples *s);
void bench_samples_free(struct bench_samples *s);

/* Runs argv (stdout and stderr to /dev/null) and waits: its exit status
 * (128+N if killed by N), -1 if it could not be started.  `ru` (may be NULL)
 * gets the rusage wait4() reports: ru_maxrss is the largest resident set of
 * the process and of every descendant it waited for. */
int bench_spawn_wait(const char *const argv[], struct rusage *ru);

/* Removes a report directory the harness wrote (its files, then itself). */
void bench_rmtree_reports(const char *dir);

#endif
