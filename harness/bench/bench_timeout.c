/* bench_timeout.c - how long after its limit a hanging scenario is called
 * TIMEOUT (issue 8: within the limit plus one second).  Runs the two
 * scripts given (harness/bench/scenarios/hang-*.scn) with the real harness,
 * `shmlife run -j 1 --timeout SECONDS`, REPS times, and prints for each
 * scenario its outcome and its duration from results.json against its
 * limit: the step limit of the script when that is the shorter, else the
 * --timeout.  The tests (robustness/hang_is_timeout) assert the rule; this
 * prints the figures.
 *
 *   bench_timeout SHMLIFE_BIN SECONDS REPS SCRIPT...
 */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "shmlife/parse.h"

static long long get_i64(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "?";
}

/* The limit that should end `script`: its step limit or the run's. */
static long long limit_ms(const char *script, long long run_ms)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(script, &d);
	long long ms = run_ms;
	if (s && s->timeout_ms > 0 && s->timeout_ms < run_ms)
		ms = s->timeout_ms;
	sl_scenario_free(s);
	sl_diags_free(&d);
	return ms;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: bench_timeout SHMLIFE_BIN SECONDS REPS SCRIPT...\n");
		return 2;
	}
	long long run_ms = atoll(argv[2]) * 1000;
	int reps = atoi(argv[3]);
	if (reps < 1)
		reps = 1;
	char tmpdir[] = "/tmp/shmlife-bench-XXXXXX", reports[4200], results[4300];
	if (!mkdtemp(tmpdir))
		return 2;
	snprintf(reports, sizeof(reports), "%s/reports", tmpdir);
	snprintf(results, sizeof(results), "%s/results.json", reports);
	printf("timeout: hanging scenarios, `shmlife run -j 1 --timeout %s`, %d runs\n", argv[2], reps);
	printf("  %-24s %8s %9s %12s %12s\n", "", "outcome", "limit s", "median s", "max over s");
	int bad = 0;
	for (int i = 4; i < argc; i++) {
		const char *cmd[] = { argv[1], "run", "-q", "-j", "1", "--timeout", argv[2], "--report-dir", reports,
				      argv[i], NULL };
		long long limit = limit_ms(argv[i], run_ms);
		struct bench_samples dur;
		bench_samples_init(&dur, reps);
		char name[128] = "?", outcome[16] = "?";
		for (int r = 0; r < reps; r++) {
			bench_spawn_wait(cmd, NULL);
			json_object *root = json_object_from_file(results), *list, *sc;
			if (!root || !json_object_object_get_ex(root, "scenarios", &list) ||
			    !(sc = json_object_array_get_idx(list, 0))) {
				json_object_put(root);
				bad++;
				continue;
			}
			snprintf(name, sizeof(name), "%s", get_str(sc, "name"));
			snprintf(outcome, sizeof(outcome), "%s", get_str(sc, "outcome"));
			bad += strcmp(outcome, "TIMEOUT") != 0;
			bench_samples_add(&dur, (uint64_t)get_i64(sc, "duration_ns"));
			json_object_put(root);
			bench_rmtree_reports(reports);
		}
		uint64_t worst = bench_samples_percentile(&dur, 100);
		printf("  %-24s %8s %9.3f %12.3f %12.3f\n", name, outcome, limit / 1e3,
		       bench_samples_median(&dur) / 1e9, (double)worst / 1e9 - limit / 1e3);
		bench_samples_free(&dur);
	}
	rmdir(tmpdir);
	return bad ? 1 : 0;
}
