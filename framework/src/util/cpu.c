/* cpu.c - binding a scenario's processes to one CPU and giving a program
 * back the CPUs they had (cpu.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

/* What the conductor could use before it was bound; inherited by its
 * actors with the rest of its memory. */
static cpu_set_t kept;
static int have_kept;

/* Scenarios taken and not given back, by CPU (sl_job_start may be called
 * from several threads). */
static pthread_mutex_t taken_lock = PTHREAD_MUTEX_INITIALIZER;
static int taken[CPU_SETSIZE];

int sl_cpu_take(void)
{
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0 || CPU_COUNT(&allowed) < 2)
		return -1;
	int here = sched_getcpu();
	int best = -1;
	pthread_mutex_lock(&taken_lock);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (best < 0 || taken[cpu] < taken[best] || (taken[cpu] == taken[best] && cpu == here))
			best = cpu;
	}
	if (best >= 0)
		taken[best]++;
	pthread_mutex_unlock(&taken_lock);
	return best;
}

void sl_cpu_give_back(int cpu)
{
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return;
	pthread_mutex_lock(&taken_lock);
	if (taken[cpu] > 0)
		taken[cpu]--;
	pthread_mutex_unlock(&taken_lock);
}

int sl_cpu_pin(int cpu)
{
	if (cpu < 0 || cpu >= CPU_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	cpu_set_t now, one;
	if (sched_getaffinity(0, sizeof(now), &now) < 0)
		return -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return -1;
	kept = now;
	have_kept = 1;
	return 0;
}

int sl_cpu_kept_text(char *buf, size_t len)
{
	size_t at = 0;
	if (len == 0)
		return -1;
	buf[0] = '\0';
	for (int cpu = 0; have_kept && cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &kept))
			continue;
		int n = snprintf(buf + at, len - at, "%s%d", at ? "," : "", cpu);
		if (n < 0 || (size_t)n >= len - at)
			return -1;
		at += (size_t)n;
	}
	if (!at)
		snprintf(buf, len, "-");
	return 0;
}

int sl_cpu_kept_from_text(const char *text)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (strcmp(text, "-") == 0) {
		have_kept = 0;
		return 0;
	}
	for (const char *p = text; *p;) {
		char *end;
		errno = 0;
		long cpu = strtol(p, &end, 10);
		if (errno || end == p || cpu < 0 || cpu >= CPU_SETSIZE || (*end && *end != ','))
			return -1;
		CPU_SET((int)cpu, &set);
		p = *end ? end + 1 : end;
	}
	kept = set;
	have_kept = 1;
	return 0;
}

void sl_cpu_unpin(void)
{
	sl_cpu_unpin_pid(0);
}

void sl_cpu_unpin_pid(pid_t pid)
{
	if (have_kept)
		sched_setaffinity(pid, sizeof(kept), &kept);
}
