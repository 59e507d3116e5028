/* cmd_run.c - `shmlife run`: parse every script, select (--shard, --filter),
 * run the selection (--repeat times, -j at once), stream TAP on stdout in
 * catalog order, write junit.xml and results.json, and exit with the
 * run's status (cli_util.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli_util.h"
#include "progress.h"
#include "runner.h"
#include "shmlife/report.h"
#include "shmlife/report_html.h"
#include "shmlife/run.h"
#include "shmlife/valgrind.h"

#define CMD "run"
#define DEFAULT_REPORT_DIR "reports/out"

struct run_args {
	int jobs;
	char **filters;
	int nfilters;
	char **excludes;                 /* --exclude: left out if any matches */
	int nexcludes;
	int timeout_ms;                  /* 0: the engine's default            */
	int repeat;
	int shard, shards;               /* 1-based shard of `shards`          */
	const char *report_dir;
	int valgrind;
	int keep_scratch;                /* sl_run_options.keep_scratch         */
	int quiet;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: shmlife run [OPTIONS] [FILES|DIRS...]\n\n"
		"Parses every script first (any error: all are printed, nothing runs, exit 2),\n"
		"then runs the scenarios, each in its own namespaces.  Without FILES or DIRS:\n"
		"$SHMLIFE_CATALOG, else ./scenarios, searched recursively for *.scn.\n\n"
		"  -j, --jobs N          run N scenarios at once (default: online CPUs)\n"
		"      --filter PATTERN  only scenarios whose name or a tag matches the glob\n"
		"                        (repeatable: any one of them)\n"
		"      --exclude PATTERN leave out scenarios whose name or a tag matches\n"
		"                        (repeatable; wins over --filter)\n"
		"      --timeout SECONDS limit for each scenario as a whole (default 30)\n"
		"      --repeat N        run each scenario N times; a changing outcome is flaky\n"
		"      --shard I/N       only the I-th of N shares of the catalog\n"
		"      --report-dir DIR  write junit.xml, results.json and index.html there\n"
		"                        (default " DEFAULT_REPORT_DIR ")\n"
		"      --valgrind        run actors under memcheck (XML into DIR/valgrind)\n"
		"      --keep-scratch[=all] keep the scratch folder (SHMLIFE_TMP) of each scenario\n"
		"                        that did not pass (all: of every one); the report names it\n"
		"      --tap-version N   13 (default, what every prove reads) or 14\n"
		"  -q, --quiet           no progress on stderr\n"
		"  -h, --help            this text\n\n"
		"TAP on stdout, in catalog order, then a line such as\n"
		"`12 passed, 1 failed, 2 skipped`.\n"
		"Exit: 0 all passed or skipped; 1 a FAIL, TIMEOUT or flaky scenario; 2 bad\n"
		"usage or a script error; 3 a BROK (wins over 1) or reports not written;\n"
		"128+N stopped by signal N.\n");
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'f' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "timeout", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "shard", required_argument, NULL, 's' },
		{ "report-dir", required_argument, NULL, 'd' },
		{ "valgrind", no_argument, NULL, 'V' },
		{ "keep-scratch", optional_argument, NULL, 'K' },
		{ "tap-version", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(a, 0, sizeof(*a));
	a->jobs = cpus > 0 ? (int)cpus : 1;
	a->repeat = 1;
	a->report_dir = DEFAULT_REPORT_DIR;
	a->filters = calloc((size_t)argc, sizeof(*a->filters));
	a->excludes = calloc((size_t)argc, sizeof(*a->excludes));
	if (!a->filters || !a->excludes) {
		fprintf(stderr, "shmlife run: out of memory\n");
		return -2; /* the harness's failure, not the user's: 3 */
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'j': rc = cli_positive_int(CMD, "--jobs", optarg, &a->jobs); break;
		case 'f': a->filters[a->nfilters++] = optarg; break;
		case 'x': a->excludes[a->nexcludes++] = optarg; break;
		case 't': rc = cli_seconds_ms(CMD, "--timeout", optarg, &a->timeout_ms); break;
		case 'r': rc = cli_positive_int(CMD, "--repeat", optarg, &a->repeat); break;
		case 's': rc = cli_shard(CMD, optarg, &a->shard, &a->shards); break;
		case 'd': a->report_dir = optarg; break;
		case 'V': a->valgrind = 1; break;
		case 'K':
			a->keep_scratch = !optarg ? 1 : strcmp(optarg, "all") == 0 ? 2 : strcmp(optarg, "failed") == 0 ? 1 : -1;
			if (a->keep_scratch < 0) {
				cli_usage_error(CMD, "--keep-scratch takes 'failed' (the default) or 'all', not '%s'", optarg);
				return -1;
			}
			break;
		case 'T': rc = cli_tap_version(CMD, optarg); break;
		case 'q': a->quiet = 1; break;
		case 'h': usage(stdout); return 1;
		default:
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			return -1;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- what is run ---------------------------------------------------------- */

/* The selection, each scenario `repeat` times in a row: items of one
 * scenario are adjacent, which the flaky check relies on. */
static struct sl_report_item *select_items(const struct catalog *cat, const struct run_args *a, int *n)
{
	struct sl_report_item *items = calloc((size_t)(cat->n * a->repeat + 1), sizeof(*items));
	*n = 0;
	if (!items)
		return NULL;
	for (int i = 0; i < cat->n; i++) {
		if (a->shards && i % a->shards != a->shard - 1)
			continue;
		if (!catalog_matches(cat->v[i], a->filters, a->nfilters))
			continue;
		if (a->nexcludes && catalog_matches(cat->v[i], a->excludes, a->nexcludes))
			continue;
		for (int r = 0; r < a->repeat; r++) {
			items[*n].scenario = cat->v[i];
			items[*n].repeat = r;
			(*n)++;
		}
	}
	return items;
}

/* Marks every repetition of a scenario whose outcome changed; prints each
 * as a TAP comment.  Returns how many scenarios were flaky. */
static int mark_flaky(struct sl_report_item *items, int n, FILE *out)
{
	int flaky = 0;
	for (int first = 0, end; first < n; first = end) {
		int differs = 0;
		for (end = first + 1; end < n && items[end].scenario == items[first].scenario; end++)
			differs |= items[end].result.outcome != items[first].result.outcome;
		if (!differs)
			continue;
		flaky++;
		fputs("# flaky: ", out);
		cli_put_one_line(out, items[first].scenario->name);
		fputc(':', out);
		for (int i = first; i < end; i++) {
			items[i].flaky = 1;
			fprintf(out, " %s", sl_outcome_name(items[i].result.outcome));
		}
		fputc('\n', out);
	}
	return flaky;
}

/* ---- TAP as results come, in catalog order ---------------------------------- */

struct stream {
	struct sl_report_item *items;
	char *done;
	int n, printed;
	struct progress progress;
};

static void on_started(void *ctx, int index)
{
	struct stream *s = ctx;
	progress_started(&s->progress, index);
}

static void on_finished(void *ctx, int index)
{
	struct stream *s = ctx;
	s->done[index] = 1;
	progress_clear(&s->progress);
	while (s->printed < s->n && s->done[s->printed]) {
		sl_tap_item(stdout, s->printed + 1, &s->items[s->printed]);
		s->printed++;
	}
	progress_finished(&s->progress, index);
}

static int write_reports(const char *dir, const struct sl_report_item *items, int n)
{
	char *junit = NULL, *json = NULL;
	int rc = 0;

	if (asprintf(&junit, "%s/junit.xml", dir) < 0 || asprintf(&json, "%s/results.json", dir) < 0) {
		fprintf(stderr, "shmlife run: out of memory\n");
		free(junit);
		return -1;
	}
	if (sl_junit_write(junit, items, n)) {
		fprintf(stderr, "shmlife run: cannot write %s: %s\n", junit, strerror(errno));
		rc = -1;
	}
	if (sl_json_write(json, items, n)) {
		fprintf(stderr, "shmlife run: cannot write %s: %s\n", json, strerror(errno));
		rc = -1;
	}
	free(junit);
	free(json);
	return rc;
}

/* ---- memcheck and the HTML report (docs/reports.md) ---------------------------- */

/* <report dir>/valgrind, emptied of an earlier run's files; NULL after
 * saying why. */
static char *memcheck_dir(const char *report_dir)
{
	char *dir = NULL;
	if (asprintf(&dir, "%s/valgrind", report_dir) < 0) {
		fprintf(stderr, "shmlife run: out of memory\n");
		return NULL;
	}
	if (sl_vg_clear(dir) || cli_make_dirs(dir)) {
		fprintf(stderr, "shmlife run: cannot prepare %s: %s\n", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* valgrind/summary.txt (under --valgrind), then index.html, which links to
 * every other report. */
static int write_page_reports(const char *dir, const char *valgrind, const struct sl_report_item *items, int n)
{
	char *summary = NULL, *html = NULL;
	int rc = 0;
	if ((valgrind && asprintf(&summary, "%s/summary.txt", valgrind) < 0) ||
	    asprintf(&html, "%s/index.html", dir) < 0) {
		fprintf(stderr, "shmlife run: out of memory\n");
		free(summary);
		return -1;
	}
	if (summary && sl_vg_write_summary(summary, items, n)) {
		fprintf(stderr, "shmlife run: cannot write %s: %s\n", summary, strerror(errno));
		rc = -1;
	}
	if (sl_html_write(html, items, n, NULL)) {
		fprintf(stderr, "shmlife run: cannot write %s: %s\n", html, strerror(errno));
		rc = -1;
	}
	free(summary);
	free(html);
	return rc;
}

static int run_items(const struct run_args *a, struct sl_report_item *items, int n)
{
	struct sl_run_options o;
	struct stream s = { .items = items, .n = n };
	struct runner_hooks hooks = { on_started, on_finished, &s };
	struct sl_report_totals totals;
	int sig, status;

	sl_run_options_default(&o);
	if (a->timeout_ms)
		o.scenario_timeout_ms = a->timeout_ms;
	o.keep_scratch = a->keep_scratch;
	if (a->valgrind && !(o.valgrind = memcheck_dir(a->report_dir)))
		return EXIT_BROKEN;
	s.done = calloc((size_t)n + 1, 1);
	if (!s.done || progress_init(&s.progress, stderr, a->quiet, items, n)) {
		free(s.done);
		fprintf(stderr, "shmlife run: out of memory\n");
		return EXIT_BROKEN;
	}
	/* Stop signals are held from here until the reports are written: the
	 * first one stops the run, and the reports of what ran are still
	 * written, whole (runner.h). */
	runner_catch_signals();
	sl_tap_begin(stdout, n);
	runner_run(items, n, a->jobs, &o, &hooks);
	progress_end(&s.progress);
	mark_flaky(items, n, stdout);
	sl_report_totals(items, n, &totals);
	sl_tap_end(stdout, &totals);
	status = cli_exit_status(items, n);
	runner_test_raise("reports");
	if (write_reports(a->report_dir, items, n))
		status = EXIT_BROKEN;
	if (write_page_reports(a->report_dir, o.valgrind, items, n))
		status = EXIT_BROKEN;
	sig = runner_stop_signal();
	runner_release_signals();
	free((char *)o.valgrind);
	free(s.done);
	return sig ? 128 + sig : status;
}

/* run_items() as catalog_run_selection() calls it. */
static int run_items_of(const void *args, struct sl_report_item *items, int n)
{
	return run_items((const struct run_args *)args, items, n);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct catalog cat;
	struct sl_report_item *items;
	int n, rc = parse_args(argc, argv, &a);

	if (rc) {
		free(a.filters);
		free(a.excludes);
		return rc > 0 ? EXIT_PASSED : rc == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	int loaded = catalog_load(CMD, argv + optind, argc - optind, &cat);
	if (loaded) {
		free(a.filters);
		free(a.excludes);
		return loaded == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	if (cli_make_dirs(a.report_dir)) {
		int own = cli_errno_is_own(errno);
		fprintf(stderr, "shmlife run: cannot create the report directory %s: %s\n", a.report_dir,
			strerror(errno));
		catalog_free(&cat);
		free(a.filters);
		free(a.excludes);
		return own ? EXIT_BROKEN : EXIT_USAGE;
	}
	items = select_items(&cat, &a, &n);
	rc = catalog_run_selection(CMD, items, n, run_items_of, &a);
	catalog_free(&cat);
	free(a.filters);
	free(a.excludes);
	return rc;
}
