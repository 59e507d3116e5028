/* bench_throughput.c - benchmark 2: the whole catalog, as fast as it goes.
 *
 * Finds the catalog's scripts (DIRS searched for *.scn), leaves out the
 * scenarios that wait on purpose (a tag in $BENCH_EXCLUDE_TAGS, default
 * "slow,timeout,waits"), and runs the rest with the real harness, `shmlife
 * run -q -j 1` and `-j 2` alternately, REPS times each.  Prints the median
 * wall time and scenarios per second of each, and where the time of a -j 1
 * run went: the conductor's phases summed over the scenarios (results.json),
 * the sandbox around them (clone, namespaces, /proc: a scenario's duration
 * less its phases), parsing (`shmlife check`), and the rest of the harness
 * (start, TAP, reports: the wall time less all of that).
 *
 *   bench_throughput SHMLIFE_BIN REPS DIR...
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <ftw.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "shmlife/parse.h"

/* ---- the catalog ---------------------------------------------------------- */

static char **found;
static int nfound, capfound;

static int note_script(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	const char *base = path + ftw->base;
	if (type == FTW_F && base[0] != '.' && fnmatch("*.scn", base, 0) == 0) {
		if (nfound == capfound) {
			int ncap = capfound ? capfound * 2 : 64;
			char **n = realloc(found, (size_t)ncap * sizeof(*n));
			if (!n)
				return 1;
			found = n;
			capfound = ncap;
		}
		found[nfound] = strdup(path);
		if (!found[nfound])
			return 1;
		nfound++;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int excluded(const struct sl_scenario *s, const char *tags)
{
	for (int i = 0; tags && i < s->ntags; i++) {
		size_t len = strlen(s->tags[i]);
		if (len == 0)
			continue;
		for (const char *p = tags; (p = strstr(p, s->tags[i])) != NULL; p += len)
			if ((p == tags || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
				return 1;
	}
	return 0;
}

/* Keeps in found[] only the scripts to run; prints those left out. */
static int select_scripts(const char *tags)
{
	int kept = 0, left_out = 0;
	for (int i = 0; i < nfound; i++) {
		struct sl_diags d = { 0 };
		struct sl_scenario *s = sl_parse_file(found[i], &d);
		if (!s) {
			sl_diags_print(&d, stderr);
			sl_diags_free(&d);
			return -1;
		}
		if (excluded(s, tags)) {
			printf("  left out (waits on purpose, tag in %s): %s\n", tags, s->name);
			free(found[i]);
			left_out++;
		} else {
			found[kept++] = found[i];
		}
		sl_scenario_free(s);
		sl_diags_free(&d);
	}
	nfound = kept;
	return left_out;
}

/* ---- running it -------------------------------------------------------------- */

static const char **command(const char *bin, const char *verb, const char *jobs, const char *reports)
{
	const char **argv = calloc((size_t)nfound + 10, sizeof(*argv));
	if (!argv)
		return NULL;
	int k = 0;
	argv[k++] = bin;
	argv[k++] = verb;
	if (strcmp(verb, "run") == 0) {
		argv[k++] = "-q";
		argv[k++] = "-j";
		argv[k++] = jobs;
		argv[k++] = "--report-dir";
		argv[k++] = reports;
	}
	for (int i = 0; i < nfound; i++)
		argv[k++] = found[i];
	return argv;
}

struct split { double phase[5]; double duration; int n; };

static const char *const phase_names[5] = { "setup_ns", "fork_ns", "steps_ns", "observe_ns", "teardown_ns" };

static int read_split(const char *results, struct split *sp)
{
	memset(sp, 0, sizeof(*sp));
	json_object *root = json_object_from_file(results), *list, *v;
	if (!root || !json_object_object_get_ex(root, "scenarios", &list)) {
		json_object_put(root);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *sc = json_object_array_get_idx(list, i), *ph;
		if (json_object_object_get_ex(sc, "duration_ns", &v))
			sp->duration += (double)json_object_get_int64(v);
		if (json_object_object_get_ex(sc, "phases", &ph))
			for (int k = 0; k < 5; k++)
				if (json_object_object_get_ex(ph, phase_names[k], &v))
					sp->phase[k] += (double)json_object_get_int64(v);
		sp->n++;
	}
	json_object_put(root);
	return 0;
}

static void print_split(const struct split *sp, double wall_ns, double parse_ns)
{
	double phases = 0;
	for (int k = 0; k < 5; k++)
		phases += sp->phase[k];
	const char *label[7] = {
		"sandbox: clone, namespaces, /proc, reaping",
		"conductor set-up (sysctls, pty)", "fork of the actors", "steps",
		"observation (expect, IPC_STAT)", "teardown (kill, reap, leak check)",
		"harness: start, parse, TAP, reports",
	};
	const double part[7] = { sp->duration - phases, sp->phase[0], sp->phase[1], sp->phase[2],
			   sp->phase[3], sp->phase[4], wall_ns - sp->duration };
	printf("  where the time of one -j 1 run went (ms, %% of its wall time %.1f ms):\n", wall_ns / 1e6);
	for (int k = 0; k < 7; k++)
		printf("    %-42s %9.1f  %5.1f%%\n", label[k], part[k] / 1e6, 100.0 * part[k] / wall_ns);
	printf("    %-42s %9.1f  (of the harness line: `shmlife check` alone)\n", "  of which parsing", parse_ns / 1e6);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_throughput SHMLIFE_BIN REPS DIR...\n");
		return 2;
	}
	const char *bin = argv[1];
	int reps = atoi(argv[2]);
	if (reps < 1)
		reps = 1;
	const char *tags = getenv("BENCH_EXCLUDE_TAGS") ? getenv("BENCH_EXCLUDE_TAGS") : "slow,timeout,waits";
	for (int i = 3; i < argc; i++)
		if (nftw(argv[i], note_script, 16, FTW_PHYS) != 0) {
			fprintf(stderr, "bench_throughput: cannot walk %s\n", argv[i]);
			return 2;
		}
	qsort(found, (size_t)nfound, sizeof(*found), cmp_str);
	printf("throughput: the catalog (%d scripts in", nfound);
	for (int i = 3; i < argc; i++)
		printf(" %s", argv[i]);
	printf(")\n");
	if (select_scripts(tags) < 0)
		return 2;
	if (nfound == 0) {
		printf("  no scenario to run\n");
		return 0;
	}
	char tmpdir[] = "/tmp/shmlife-bench-XXXXXX";
	if (!mkdtemp(tmpdir))
		return 2;
	char reports[4200], results[4300];
	snprintf(reports, sizeof(reports), "%s/reports", tmpdir);
	snprintf(results, sizeof(results), "%s/results.json", reports);
	const char **j1 = command(bin, "run", "1", reports), **j2 = command(bin, "run", "2", reports);
	const char **check = command(bin, "check", NULL, NULL);
	if (!j1 || !j2 || !check) {
		free(j1);
		free(j2);
		free(check);
		return 2;
	}
	struct bench_samples w1, w2, wc;
	bench_samples_init(&w1, reps);
	bench_samples_init(&w2, reps);
	bench_samples_init(&wc, reps);
	int failed = 0;
	struct split sp = { { 0 }, 0, 0 };
	uint64_t last_j1 = 0;
	for (int i = 0; i < reps; i++) {
		uint64_t t = bench_now_ns();
		failed += bench_spawn_wait(j1, NULL) != 0;
		last_j1 = bench_now_ns() - t;
		bench_samples_add(&w1, last_j1);
		if (i == reps - 1 && read_split(results, &sp) < 0)
			failed++;
		bench_rmtree_reports(reports);
		t = bench_now_ns();
		failed += bench_spawn_wait(j2, NULL) != 0;
		bench_samples_add(&w2, bench_now_ns() - t);
		bench_rmtree_reports(reports);
		t = bench_now_ns();
		failed += bench_spawn_wait(check, NULL) != 0;
		bench_samples_add(&wc, bench_now_ns() - t);
	}
	rmdir(tmpdir);
	printf("  %d scenarios, %d runs of each -j, alternating (s)   median      p90  scenarios/s\n", nfound, reps);
	printf("    %-42s %8.3f %8.3f %9.0f\n", "shmlife run -j 1", (double)bench_samples_median(&w1) / 1e9,
	       (double)bench_samples_percentile(&w1, 90) / 1e9, nfound / ((double)bench_samples_median(&w1) / 1e9));
	printf("    %-42s %8.3f %8.3f %9.0f\n", "shmlife run -j 2", (double)bench_samples_median(&w2) / 1e9,
	       (double)bench_samples_percentile(&w2, 90) / 1e9, nfound / ((double)bench_samples_median(&w2) / 1e9));
	if (sp.n)
		print_split(&sp, (double)last_j1, (double)bench_samples_median(&wc));
	if (failed)
		printf("  WARNING: %d run(s) did not exit 0 (a scenario did not pass)\n", failed);
	bench_samples_free(&w1);
	bench_samples_free(&w2);
	bench_samples_free(&wc);
	free(j1);
	free(j2);
	free(check);
	for (int i = 0; i < nfound; i++)
		free(found[i]);
	free(found);
	return failed ? 1 : 0;
}
