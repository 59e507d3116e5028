/* cmd_show.c - `shmlife show`: run one scenario, found by name or given as
 * a script's path, with a snapshot after every step, and print all of it:
 * each step with its line and text, the kernel's answer, the verdict, the
 * detail and every snapshot; then the steps never reached.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "cli_util.h"
#include "progress.h"
#include "runner.h"
#include "shmlife/report.h"
#include "shmlife/run.h"

#define CMD "show"

static void usage(FILE *out)
{
	fprintf(out, "Usage: shmlife show [OPTIONS] SCENARIO [FILES|DIRS...]\n\n"
		     "Runs one scenario, named SCENARIO in FILES or DIRS (default:\n"
		     "$SHMLIFE_CATALOG, else ./scenarios) or given as a script's path, taking a\n"
		     "full snapshot after every step, and prints its whole trace.\n\n"
		     "      --timeout SECONDS limit for the scenario as a whole (default 30)\n"
		     "  -h, --help            this text\n\n"
		     "Exit: as `shmlife run`: 0 PASS or SKIP, 1 FAIL or TIMEOUT, 2 bad usage,\n"
		     "a script error or no such scenario, 3 BROK, 128+N stopped by signal N.\n");
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Loads the catalog and finds the scenario; prints why not. */
static const struct sl_scenario *find_scenario(const char *name, char *const *args, int nargs,
					       struct catalog *cat)
{
	const struct sl_scenario *s;

	if (is_file(name)) {
		char *self[] = { (char *)name };
		return catalog_load(CMD, self, 1, cat) ? NULL : cat->v[0];
	}
	if (catalog_load(CMD, args, nargs, cat))
		return NULL;
	s = catalog_find(cat, name);
	if (s)
		return s;
	fprintf(stderr, "shmlife show: no scenario named '%s' among %d\n", name, cat->n);
	for (int i = 0; i < cat->n; i++)
		if (strstr(cat->v[i]->name, name))
			fprintf(stderr, "  did you mean %s (%s)?\n", cat->v[i]->name, cat->v[i]->file);
	catalog_free(cat);
	return NULL;
}

static void print_header(const struct sl_report_item *it)
{
	const struct sl_scenario *s = it->scenario;
	const struct sl_result *r = &it->result;

	printf("scenario: %s\n", s->name);
	printf("file: %s:%d\n", s->file ? s->file : "-", s->line);
	if (s->description)
		printf("description: %s\n", s->description);
	if (s->ntags) {
		printf("tags:");
		for (int i = 0; i < s->ntags; i++)
			printf(" %s", s->tags[i]);
		putchar('\n');
	}
	for (int i = 0; i < s->nclaims; i++)
		printf("claim %s: %s [%s]%s\n", s->claims[i].id, s->claims[i].text, s->claims[i].source,
		       s->claims[i].kernel_agrees ? "" : " (the kernel is expected to disagree)");
	printf("outcome: %s in %.3f ms\n", sl_outcome_name(r->outcome), (double)r->duration_ns / 1e6);
	if (r->reason[0])
		printf("reason: %.*s\n", (int)sizeof(r->reason), r->reason);
	if (r->leaked_segments)
		printf("leaked segments: %d\n", r->leaked_segments);
}

static void print_unreached(const struct sl_report_item *it)
{
	const struct sl_scenario *s = it->scenario;
	int header = 0;

	for (int k = 0; k < s->nsteps; k++) {
		int seen = 0;
		struct sl_trace_entry e;
		for (int i = 0; i < it->result.ntrace && !seen; i++)
			seen = sl_result_entry(&it->result, i, &e)->step == k;
		if (seen)
			continue;
		if (!header)
			printf("\nnot reached:\n");
		header = 1;
		printf("  step %d, line %d: %s\n", k + 1, s->steps[k].line,
		       s->steps[k].text ? s->steps[k].text : sl_op_name(s->steps[k].op));
	}
}

static void on_started(void *ctx, int index)
{
	progress_started(ctx, index);
}

static void on_finished(void *ctx, int index)
{
	progress_finished(ctx, index);
}

static int show(const struct sl_scenario *s, int timeout_ms)
{
	struct sl_report_item item = { .scenario = s };
	struct sl_run_options o;
	struct progress progress;
	struct runner_hooks hooks = { on_started, on_finished, &progress };
	int sig, status;

	sl_run_options_default(&o);
	o.observe_every_step = 1;
	if (timeout_ms)
		o.scenario_timeout_ms = timeout_ms;
	/* on a terminal, `[0/1] running: name` while it runs; else nothing */
	if (progress_init(&progress, stderr, !isatty(STDERR_FILENO), &item, 1))
		return EXIT_BROKEN;
	sig = runner_run(&item, 1, 1, &o, &hooks);
	progress_end(&progress);
	print_header(&item);
	printf("\ntrace:\n");
	sl_report_trace_text(stdout, &item, 2);
	print_unreached(&item);
	status = cli_exit_status(&item, 1);
	sl_result_free(&item.result);
	return sig ? 128 + sig : status;
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct catalog cat;
	const struct sl_scenario *s;
	int c, timeout_ms = 0, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 't' && cli_seconds_ms(CMD, "--timeout", optarg, &timeout_ms) == 0)
			continue;
		if (c == 't')
			return EXIT_USAGE;
		if (c == 'h') {
			usage(stdout);
			return EXIT_PASSED;
		}
		cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		cli_usage_error(CMD, "which scenario?");
		return EXIT_USAGE;
	}
	s = find_scenario(argv[optind], argv + optind + 1, argc - optind - 1, &cat);
	if (!s)
		return EXIT_USAGE;
	status = show(s, timeout_ms);
	catalog_free(&cat);
	return status;
}
