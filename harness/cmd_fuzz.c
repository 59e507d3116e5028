/* cmd_fuzz.c - `shmlife fuzz`: random scenarios from the reference model
 * (fuzz.h), run against the kernel in batches, -j at a time (runner.h);
 * each new divergence is shrunk, written as a script into the output
 * directory, run again from that script, and reported; identical
 * divergences (the same signature) are reported once.  TAP on stdout,
 * junit.xml and results.json in the output directory, like `run`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cli_util.h"
#include "reports.h"
#include "runner.h"
#include "shmlife/fuzz.h"
#include "shmlife/parse.h"
#include "shmlife/report.h"
#include "shmlife/run.h"

#define CMD "fuzz"
#define DEFAULT_OUT "reports/fuzz"
#define DEFAULT_RUNS 100
#define MAX_DIVERGENCES 64

struct fuzz_args {
	uint64_t seed;
	int seed_given;
	long long runs;                  /* 0: until the time is up           */
	int time_s;
	int jobs;
	struct sl_fuzz_options o;
	const char *out;
	int quiet;
	int keep_scripts;                /* --scripts: every generated script  */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: shmlife fuzz [OPTIONS]\n\n"
		"Generates random scenarios from a reference model of System V shared memory\n"
		"and of process lifecycles, runs them against the kernel with the model's\n"
		"predictions as expected outcomes and expectations after every step, and\n"
		"shrinks every divergence to a short script that `shmlife run` reproduces.\n\n"
		"      --seed N          the seed (default: from the clock; always printed)\n"
		"      --runs N          run N scenarios (default %d)\n"
		"      --time SECONDS    run scenarios until the time is up (instead of --runs)\n"
		"      --actors K        actors at the start of each scenario, 1..8 (default 3)\n"
		"      --steps K         operations per scenario, 1..150 (default 20)\n"
		"      --ops LIST        operation families: shmget,attach,ctl,memory,process,\n"
		"                        perms,sysctl,session,ftok or all (default all)\n"
		"  -j, --jobs N          run N scenarios at once (default: online CPUs)\n"
		"      --out DIR         shrunk scripts, junit.xml, results.json (default " DEFAULT_OUT ")\n"
		"      --scripts         also write every generated scenario's script to DIR/runs\n"
		"  -q, --quiet           no progress on stderr\n"
		"  -h, --help            this text\n\n"
		"The same seed gives the same scenarios.  TAP on stdout: one test point per\n"
		"divergence (or one passing point), then the counts.\n"
		"Exit: 0 no divergence; 1 a divergence; 2 bad usage; 3 a run was BROK or the\n"
		"reports were not written; 4 no sandbox; 128+N stopped by signal N.\n",
		DEFAULT_RUNS);
}

static int range(const char *option, const char *text, int lo, int hi, int *out)
{
	if (cli_positive_int(CMD, option, text, out))
		return -1;
	if (*out < lo || *out > hi) {
		cli_usage_error(CMD, "%s wants a number from %d to %d, not '%s'", option, lo, hi, text);
		return -1;
	}
	return 0;
}

static int parse_ops(const char *text, unsigned *ops)
{
	const char *bad;
	*ops = sl_fuzz_parse_ops(text, &bad);
	if (*ops)
		return 0;
	cli_usage_error(CMD, "--ops: unknown family '%.*s' (shmget attach ctl memory process perms sysctl session ftok all)",
			(int)strcspn(bad, ","), bad);
	return -1;
}

static int parse_one(struct fuzz_args *a, int c, const char *arg, int *runs_given)
{
	int v = 0;
	switch (c) {
	case 's':
		a->seed_given = 1;
		unsigned long long seed;
		if (cli_whole_u64(arg, &seed) == 0) {
			a->seed = seed;
			return 0;
		}
		cli_usage_error(CMD, "--seed wants a whole number, not '%s'", arg);
		return -1;
	case 'r':
		*runs_given = 1;
		if (cli_positive_int(CMD, "--runs", arg, &v))
			return -1;
		a->runs = v;
		return 0;
	case 't':
		if (cli_seconds_ms(CMD, "--time", arg, &v))
			return -1;
		a->time_s = (v + 999) / 1000;
		return 0;
	case 'a': return range("--actors", arg, 1, 8, &a->o.actors);
	case 'k': return range("--steps", arg, 1, 150, &a->o.steps);
	case 'o': return parse_ops(arg, &a->o.ops);
	case 'j': return cli_positive_int(CMD, "--jobs", arg, &a->jobs);
	case 'd': a->out = arg; return 0;
	case 'S': a->keep_scripts = 1; return 0;
	case 'q': a->quiet = 1; return 0;
	default: return -1;
	}
}

static int parse_args(int argc, char **argv, struct fuzz_args *a)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' }, { "runs", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' }, { "actors", required_argument, NULL, 'a' },
		{ "steps", required_argument, NULL, 'k' }, { "ops", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' }, { "out", required_argument, NULL, 'd' },
		{ "scripts", no_argument, NULL, 'S' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c, runs_given = 0;
	memset(a, 0, sizeof(*a));
	sl_fuzz_options_default(&a->o);
	a->jobs = cpus > 0 ? (int)cpus : 1;
	a->out = DEFAULT_OUT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == '?' || c == ':') {
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			return -1;
		}
		if (parse_one(a, c, optarg, &runs_given))
			return -1;
	}
	if (optind < argc) {
		cli_usage_error(CMD, "no arguments are taken: '%s'", argv[optind]);
		return -1;
	}
	if (runs_given && a->time_s) {
		cli_usage_error(CMD, "give --runs or --time, not both");
		return -1;
	}
	if (!runs_given && !a->time_s)
		a->runs = DEFAULT_RUNS;
	if (!a->seed_given) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		a->seed = ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 20) % 1000000000u;
	}
	return 0;
}

/* ---- the state of a fuzzing session ---------------------------------------- */

struct divergence {
	char signature[300];
	uint64_t run;
	int steps_before, steps_after;   /* of the generated and the shrunk scenario */
	int tries;
	char *script;                    /* where the shrunk script is         */
	struct sl_scenario *scenario;    /* parsed back from it                */
	struct sl_result result;         /* its run from the script            */
	int reproduced;
};

struct session {
	const struct fuzz_args *a;
	struct sl_run_options run;
	struct divergence div[MAX_DIVERGENCES];
	int ndiv;
	long long runs, diverged, broken;
	char broken_reason[240];
	int64_t t0_ms;
	int tty;
	int stopped;                     /* a signal stopped the runner        */
};

static void progress(struct session *z, int final)
{
	if (z->a->quiet || !z->tty)
		return;
	double secs = (double)(sl_run_clock_ms() - z->t0_ms) / 1000.0;
	fprintf(stderr, "\r\033[Kfuzz seed %" PRIu64 ": %lld runs, %.1f runs/s, %d divergence%s%s", z->a->seed, z->runs,
		secs > 0 ? (double)z->runs / secs : 0.0, z->ndiv, z->ndiv == 1 ? "" : "s", final ? "\n" : "");
	fflush(stderr);
}

static void clear_progress(const struct session *z)
{
	if (!z->a->quiet && z->tty)
		fprintf(stderr, "\r\033[K");
}

/* ---- shrinking a divergence --------------------------------------------------- */

struct oracle_ctx {
	struct session *z;
	const char *signature;
};

/* Runs a program; its signature into sig if it FAILed or timed out. */
static int run_program(struct session *z, const struct sl_fuzz_program *p, char *sig, size_t len)
{
	struct sl_scenario *s = sl_fuzz_build(p);
	struct sl_result r;
	int diverged = 0;
	if (!s)
		return 0;
	if (sl_run(s, &z->run, &r) == 0) {
		diverged = r.outcome == SL_FAIL || r.outcome == SL_TIMEOUT;
		if (diverged)
			sl_fuzz_signature(s, &r, sig, len);
		sl_result_free(&r);
	}
	sl_scenario_free(s);
	return diverged;
}

static int same_divergence(void *ctx, const struct sl_fuzz_program *candidate)
{
	struct oracle_ctx *o = ctx;
	char sig[300];
	return run_program(o->z, candidate, sig, sizeof(sig)) && strcmp(sig, o->signature) == 0;
}

static int scenario_steps(const struct sl_fuzz_program *p)
{
	struct sl_scenario *s = sl_fuzz_build(p);
	int n = s ? s->nsteps : -1;
	sl_scenario_free(s);
	return n;
}

/* Writes the shrunk program's script, with what it shows in its description. */
static char *write_script(struct session *z, const struct sl_fuzz_program *p, const struct divergence *d)
{
	struct sl_scenario *s = sl_fuzz_build(p);
	char *path = NULL;
	if (!s || asprintf(&path, "%s/%s.scn", z->a->out, s->name) < 0) {
		sl_scenario_free(s);
		return NULL;
	}
	free(s->description);
	if (asprintf(&s->description, "found by shmlife fuzz --seed %" PRIu64 ", run %" PRIu64 "; shrunk from %d steps: %s",
		     z->a->seed, d->run, d->steps_before, d->signature) < 0)
		s->description = NULL;
	FILE *f = fopen(path, "we");
	int rc = f ? sl_scenario_write_script(f, s) : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	sl_scenario_free(s);
	if (rc < 0) {
		fprintf(stderr, "shmlife fuzz: cannot write %s: %s\n", path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

/* The script, parsed and run again: what the reports show. */
static void rerun_script(struct session *z, struct divergence *d)
{
	struct sl_diags diags = { 0 };
	d->scenario = sl_parse_file(d->script, &diags);
	sl_diags_print(&diags, stderr);
	sl_diags_free(&diags);
	sl_result_init(&d->result);
	if (!d->scenario || sl_run(d->scenario, &z->run, &d->result) < 0) {
		d->result.outcome = SL_BROK;
		snprintf(d->result.reason, sizeof(d->result.reason), "the shrunk script %s %s", d->script,
			 d->scenario ? "could not be run" : "does not parse");
		return;
	}
	char sig[300];
	sl_fuzz_signature(d->scenario, &d->result, sig, sizeof(sig));
	d->reproduced = d->result.outcome != SL_PASS && strcmp(sig, d->signature) == 0;
}

static void shrink_divergence(struct session *z, const struct sl_fuzz_program *p, struct divergence *d)
{
	struct oracle_ctx ctx = { z, d->signature };
	struct sl_fuzz_program *small = sl_fuzz_shrink(p, same_divergence, &ctx, &d->tries);
	d->steps_before = scenario_steps(p);
	d->steps_after = small ? scenario_steps(small) : d->steps_before;
	d->script = write_script(z, small ? small : p, d);
	sl_fuzz_program_free(small);
	if (d->script)
		rerun_script(z, d);
	clear_progress(z);
	fprintf(stderr, "shmlife fuzz: divergence in run %" PRIu64 " (seed %" PRIu64 "): %s\n", d->run, z->a->seed,
		d->signature);
	fprintf(stderr, "  shrunk from %d to %d steps in %d runs: %s%s\n", d->steps_before, d->steps_after, d->tries,
		d->script ? d->script : "(not written)", d->script && !d->reproduced ? " (does NOT reproduce)" : "");
	if (d->script)
		fprintf(stderr, "  %s\n", d->result.reason);
}

static void found(struct session *z, const struct sl_scenario *s, const struct sl_result *r, uint64_t run)
{
	char sig[300];
	sl_fuzz_signature(s, r, sig, sizeof(sig));
	z->diverged++;
	for (int i = 0; i < z->ndiv; i++)
		if (strcmp(z->div[i].signature, sig) == 0)
			return; /* reported once */
	if (z->ndiv >= MAX_DIVERGENCES)
		return;
	struct divergence *d = &z->div[z->ndiv++];
	memset(d, 0, sizeof(*d));
	snprintf(d->signature, sizeof(d->signature), "%s", sig);
	d->run = run;
	struct sl_fuzz_program *p = sl_fuzz_generate(z->a->seed, run, &z->a->o);
	if (p)
		shrink_divergence(z, p, d);
	sl_fuzz_program_free(p);
}

/* ---- batches --------------------------------------------------------------- */

static void on_finished(void *ctx, int index)
{
	struct session *z = ctx;
	(void)index;
	z->runs++;
	if (z->runs % 16 == 0)
		progress(z, 0);
}

static void keep_script(const struct session *z, const struct sl_scenario *s)
{
	char *path = NULL;
	if (asprintf(&path, "%s/runs/%s.scn", z->a->out, s->name) < 0)
		return;
	FILE *f = fopen(path, "we");
	if (f) {
		sl_scenario_write_script(f, s);
		fclose(f);
	}
	free(path);
}

/* Runs runs first..first+n-1; 0, or the signal that stopped the runner. */
static int run_batch(struct session *z, uint64_t first, int n)
{
	struct sl_report_item *items = calloc((size_t)n, sizeof(*items));
	int sig = 0, built = 0;
	if (!items)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sl_fuzz_program *p = sl_fuzz_generate(z->a->seed, first + (uint64_t)i, &z->a->o);
		items[i].scenario = p ? sl_fuzz_build(p) : NULL;
		sl_fuzz_program_free(p);
		if (!items[i].scenario)
			break;
		if (z->a->keep_scripts)
			keep_script(z, items[i].scenario);
		built++;
	}
	struct runner_hooks hooks = { NULL, on_finished, z };
	if (built == n)
		sig = runner_run(items, n, z->a->jobs, &z->run, &hooks);
	for (int i = 0; i < built; i++) {
		const struct sl_result *r = &items[i].result;
		if (built == n && !sig && (r->outcome == SL_FAIL || r->outcome == SL_TIMEOUT))
			found(z, items[i].scenario, r, first + (uint64_t)i);
		if (built == n && !sig && r->outcome == SL_BROK && !z->broken++)
			snprintf(z->broken_reason, sizeof(z->broken_reason), "run %" PRIu64 ": %.200s",
				 first + (uint64_t)i, r->reason);
		sl_result_free(&items[i].result);
		sl_scenario_free((struct sl_scenario *)items[i].scenario);
	}
	free(items);
	return built == n ? sig : -1;
}

static int fuzz_loop(struct session *z)
{
	int batch = z->a->jobs * 8 < 16 ? 16 : z->a->jobs * 8;
	int64_t deadline = z->t0_ms + (int64_t)z->a->time_s * 1000;
	uint64_t run = 0;
	for (;;) {
		int n = batch;
		if (z->a->runs) {
			if ((long long)run >= z->a->runs)
				break;
			if ((long long)run + n > z->a->runs)
				n = (int)(z->a->runs - (long long)run);
		} else if (sl_run_clock_ms() >= deadline) {
			break;
		}
		int sig = run_batch(z, run, n);
		if (sig) {
			z->stopped = sig > 0 ? sig : 0;
			return sig;
		}
		run += (uint64_t)n;
		progress(z, 0);
	}
	return 0;
}

/* ---- reports ------------------------------------------------------------------ */

static int write_reports(const struct session *z, const struct sl_report_item *items, int n)
{
	char *junit = NULL, *json = NULL;
	int rc = 0;
	if (asprintf(&junit, "%s/junit.xml", z->a->out) < 0 || asprintf(&json, "%s/results.json", z->a->out) < 0) {
		free(junit);
		return -1;
	}
	if (sl_junit_write(junit, items, n) || sl_json_write(json, items, n)) {
		fprintf(stderr, "shmlife fuzz: cannot write the reports in %s: %s\n", z->a->out, strerror(errno));
		rc = -1;
	}
	free(junit);
	free(json);
	return rc;
}

/* One test point per divergence, or one passing point for the session. */
static int report(struct session *z)
{
	struct sl_report_item items[MAX_DIVERGENCES];
	struct sl_report_totals totals;
	struct sl_scenario *summary = NULL;
	int n = 0;
	memset(items, 0, sizeof(items));
	for (int i = 0; i < z->ndiv; i++)
		if (z->div[i].scenario) {
			items[n].scenario = z->div[i].scenario;
			items[n++].result = z->div[i].result;
		}
	if (n == 0) {
		char name[64];
		snprintf(name, sizeof(name), "fuzz-seed-%" PRIu64, z->a->seed);
		summary = sl_scenario_new(name);
		if (!summary)
			return EXIT_BROKEN;
		sl_result_init(&items[0].result);
		items[0].scenario = summary;
		items[0].result.outcome = z->ndiv ? SL_FAIL : z->broken ? SL_BROK : SL_PASS;
		snprintf(items[0].result.reason, sizeof(items[0].result.reason), "%lld runs, %lld diverged, %lld broken%s%s",
			 z->runs, z->diverged, z->broken, z->broken ? ": " : "", z->broken_reason);
		n = 1;
	}
	sl_tap_begin(stdout, n);
	fprintf(stdout, "# seed %" PRIu64 ": %lld runs, %lld diverged (%d distinct), %lld broken\n", z->a->seed,
		z->runs, z->diverged, z->ndiv, z->broken);
	for (int i = 0; i < n; i++)
		sl_tap_item(stdout, i + 1, &items[i]);
	sl_report_totals(items, n, &totals);
	sl_tap_end(stdout, &totals);
	int rc = write_reports(z, items, n);
	sl_scenario_free(summary);
	return rc;
}

static void free_session(struct session *z)
{
	for (int i = 0; i < z->ndiv; i++) {
		free(z->div[i].script);
		sl_scenario_free(z->div[i].scenario);
		sl_result_free(&z->div[i].result);
	}
}

static int prepare_out(const struct fuzz_args *a)
{
	char *runs = NULL;
	if (cli_make_dirs(a->out) < 0 || (a->keep_scripts && (asprintf(&runs, "%s/runs", a->out) < 0 || cli_make_dirs(runs) < 0))) {
		fprintf(stderr, "shmlife fuzz: cannot create %s: %s\n", runs ? runs : a->out, strerror(errno));
		free(runs);
		return -1;
	}
	free(runs);
	return 0;
}

int cmd_fuzz(int argc, char **argv)
{
	struct fuzz_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? EXIT_PASSED : EXIT_USAGE;
	if (prepare_out(&a) < 0)
		return EXIT_USAGE;
	if (reports_forget(CMD, a.out) < 0) /* the folder holds this run's reports or none */
		return EXIT_BROKEN;
	int sandbox = catalog_require_sandbox(CMD);
	if (sandbox)
		return sandbox == -2 ? EXIT_BROKEN : EXIT_NO_SANDBOX;
	struct session *z = calloc(1, sizeof(*z));
	if (!z)
		return EXIT_BROKEN;
	z->a = &a;
	const char *wrong = getenv("SHMLIFE_FUZZ_WRONG_MODEL"); /* tests only: docs/fuzz.md */
	if (wrong)
		sl_fuzz_set_wrong_model((unsigned)strtoul(wrong, NULL, 0));
	sl_run_options_default(&z->run);
	z->tty = isatty(STDERR_FILENO);
	z->t0_ms = sl_run_clock_ms();
	fprintf(stderr, "shmlife fuzz: seed %" PRIu64 " (replay: shmlife fuzz --seed %" PRIu64 ")\n", a.seed, a.seed);
	int sig = fuzz_loop(z);
	progress(z, 1);
	int status = z->ndiv ? EXIT_FAILED : z->broken || sig < 0 ? EXIT_BROKEN : EXIT_PASSED;
	if (report(z) < 0)
		status = EXIT_BROKEN;
	free_session(z);
	free(z);
	return sig > 0 ? 128 + sig : status;
}
