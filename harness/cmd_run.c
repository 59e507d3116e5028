/* cmd_run.c - `shmlife run`: parse every script, select (--shard, --filter),
 * run the selection (--repeat times, -j at once), stream TAP on stdout in
 * catalog order, write junit.xml and results.json, and exit with the
 * run's status (cli_util.h).  Its options are cmd_run_args.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cmd_run.h"
#include "cli_util.h"
#include "kernels.h"
#include "libcs.h"
#include "progress.h"
#include "recap.h"
#include "reports.h"
#include "rerun.h"
#include "runner.h"
#include "shmlife/report.h"
#include "shmlife/report_html.h"
#include "shmlife/run.h"
#include "shmlife/valgrind.h"
#include "term.h"


/* The guest's selection options (kernels_run): those of this command line
 * that choose and run the scenarios, and its scripts.  NULL when out of
 * memory. */
static char **guest_args(const struct run_args *a)
{
	char **v = calloc((size_t)(2 * a->nfilters + 2 * a->nexcludes + a->argc + 16), sizeof(*v));
	int n = 0;
	if (!v)
		return NULL;
	char num[6][32];
	snprintf(num[0], sizeof(num[0]), "%d", a->jobs);
	snprintf(num[1], sizeof(num[1]), "%d", a->repeat);
	snprintf(num[2], sizeof(num[2]), "%d/%d", a->shard, a->shards);
	snprintf(num[3], sizeof(num[3]), "%d", a->retries);
	snprintf(num[4], sizeof(num[4]), "%d.%03d", a->timeout_ms / 1000, a->timeout_ms % 1000);
	v[n++] = "-j";
	v[n++] = num[0];
	v[n++] = "--repeat";
	v[n++] = num[1];
	v[n++] = "--retries";
	v[n++] = num[3];
	if (a->shards) {
		v[n++] = "--shard";
		v[n++] = num[2];
	}
	if (a->timeout_ms) {
		v[n++] = "--timeout";
		v[n++] = num[4];
	}
	if (a->fail_fast)
		v[n++] = "--fail-fast";
	char libcs[LIBCS_MAX * 17];
	libcs_list(&a->libcs, libcs, sizeof(libcs)); /* the same libcs there: columns of the guest's own */
	if (a->libcs.n) {
		v[n++] = "--libc";
		v[n++] = libcs; /* copied below */
	}
	for (int i = 0; i < a->nfilters; i++) {
		v[n++] = "--filter";
		v[n++] = a->filters[i];
	}
	for (int i = 0; i < a->nexcludes; i++) {
		v[n++] = "--exclude";
		v[n++] = a->excludes[i];
	}
	v[n++] = "--";
	for (int i = a->first_script; i < a->argc; i++)
		v[n++] = a->argv[i];
	/* the numbers live in this frame: copy them out */
	char **out = calloc((size_t)n + 1, sizeof(*out));
	for (int i = 0; out && i < n; i++)
		if (!(out[i] = strdup(v[i]))) {
			for (int j = 0; j < i; j++)
				free(out[j]);
			free(out);
			out = NULL;
		}
	free(v);
	return out;
}


/* The run's exit status made worse by what the other libcs' and kernels'
 * columns say: a FAIL or TIMEOUT there is 1, a BROK 3 (cli_exit_status's
 * rules), as if they were items of the run; each of those said on stderr
 * (the recap is of the run's own items). */
static int worst_of_columns(const struct sl_report_column *cols, int n, int status)
{
	for (int k = 0; cols && k < n; k++) {
		if (!cols[k].items)
			continue;
		for (int i = 0; i < cols[k].n; i++) { /* said here: the recap is of the run's own */
			const struct sl_report_item *it = &cols[k].items[i];
			enum sl_outcome o = it->result.outcome;
			if (o != SL_PASS && o != SL_SKIP)
				fprintf(stderr, "shmlife run: %s: %s %s: %.300s\n", cols[k].name, sl_outcome_name(o),
					it->scenario->name, it->result.reason);
		}
		int st = cli_exit_status(cols[k].items, cols[k].n);
		if (st == EXIT_BROKEN || (st == EXIT_FAILED && status == EXIT_PASSED))
			status = st;
	}
	return status;
}

/* Every --kernel's column; 0, or -1 when one of them gave no results. */
static int run_kernels(struct run_args *a, struct sl_report_item *items, int n)
{
	if (!a->vms.n)
		return 0;
	char **args = guest_args(a);
	if (!args) {
		fprintf(stderr, "shmlife run: out of memory\n");
		return -1;
	}
	struct kernels_items si = { items, n, 0 };
	struct kernels_run how = { .guest_args = args, .scenario_timeout_ms = a->timeout_ms, .quiet = a->quiet > 0,
				   .stop = runner_stop_signal,
				   .libc = libcs_label(a->libcs.n ? a->libcs.names[0] : "glibc") };
	int broken = kernels_run(&a->vms, &how, kernels_find_by_name, &si);
	for (int i = 0; args[i]; i++)
		free(args[i]);
	free(args);
	return broken ? -1 : 0;
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
		if (a->rerun_failed && !rerun_has(&a->rerun, cat->v[i]->name))
			continue;
		for (int r = 0; r < a->repeat; r++) {
			items[*n].scenario = cat->v[i];
			items[*n].repeat = r;
			(*n)++;
		}
	}
	return items;
}

/* Marks every repetition of a scenario whose outcome changed (each is then
 * a TAP comment, reports_flaky_comments).  Returns how many scenarios were
 * flaky. */
static int mark_flaky(struct sl_report_item *items, int n)
{
	int flaky = 0;
	for (int first = 0, end; first < n; first = end) {
		int differs = 0;
		for (end = first + 1; end < n && items[end].scenario == items[first].scenario; end++)
			differs |= items[end].result.outcome != items[first].result.outcome;
		if (!differs)
			continue;
		flaky++;
		for (int i = first; i < end; i++)
			items[i].flaky = 1;
	}
	return flaky;
}

/* ---- TAP as results come, in catalog order ---------------------------------- */

struct stream {
	struct sl_report_item *items;
	char *done;
	int n, printed;
	int color;                       /* TAP on stdout in colour            */
	int fail_fast;
	int compact;                     /* free what no report shows, as it goes */
	struct progress progress;
};

/* One test point, its `ok` / `not ok` (and `# SKIP`) in its outcome's
 * colour when stdout is coloured; the YAML block as it is. */
static void put_tap_item(FILE *out, int number, const struct sl_report_item *it, int color)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = color ? open_memstream(&text, &len) : NULL;

	if (!mem) {
		sl_tap_item(out, number, it);
		return;
	}
	sl_tap_item(mem, number, it);
	fclose(mem);
	enum sl_outcome o = it->result.outcome;
	size_t word = strncmp(text, "not ok", 6) == 0 ? 6 : 2;
	char *skip = o == SL_SKIP ? strstr(text, " # SKIP ") : NULL;
	char *eol = strchr(text, '\n');
	if (skip && eol && skip > eol)
		skip = NULL;
	fprintf(out, "%s%.*s%s", term_outcome_on(1, o), (int)word, text, term_off(1));
	if (skip)
		fprintf(out, "%.*s%s%.6s%s%s", (int)(skip + 1 - text - (long)word), text + word, term_outcome_on(1, o),
			skip + 1, term_off(1), skip + 7);
	else
		fputs(text + word, out);
	fflush(out);
	free(text);
}

static void on_started(void *ctx, int index)
{
	struct stream *s = ctx;
	progress_started(&s->progress, index);
}

static void on_finished(void *ctx, int index)
{
	struct stream *s = ctx;
	enum sl_outcome o = s->items[index].result.outcome;
	s->done[index] = 1;
	if (s->fail_fast && (o == SL_FAIL || o == SL_BROK || o == SL_TIMEOUT)) {
		char why[160], name[96];
		snprintf(name, sizeof(name), "%s", s->items[index].scenario->name);
		snprintf(why, sizeof(why), "--fail-fast: %s was %s", name, sl_outcome_name(o));
		runner_stop_starting(why);
	}
	progress_clear(&s->progress);
	while (s->printed < s->n && s->done[s->printed]) {
		put_tap_item(stdout, s->printed + 1, &s->items[s->printed], s->color);
		if (s->compact)
			sl_report_compact(s->items, s->n, s->printed);
		s->printed++;
	}
	progress_finished(&s->progress, index);
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

/* What did not pass, last: on stdout when it is a terminal (below the
 * closing line), else on stderr, with the counts, so that a run whose TAP
 * went to a file still ends with what to look at. */
static void print_recap(const struct run_args *a, const struct sl_report_item *items, int n)
{
	int tty = isatty(STDOUT_FILENO);
	FILE *out = tty ? stdout : stderr;
	struct recap_style st = {
		.color = term_wants_color(a->color, out),
		.verbose = a->verbose,
		.counts = !tty && !a->quiet,
	};
	if (a->quiet < 2)
		recap_print(out, items, n, &st);
}

static int run_items(struct run_args *a, struct sl_report_item *items, int n)
{
	struct sl_run_options o;
	struct stream s = { .items = items, .n = n, .fail_fast = a->fail_fast };
	struct runner_hooks hooks = { on_started, on_finished, &s };
	struct sl_report_totals totals;
	int sig, status;

	sl_run_options_default(&o);
	if (a->timeout_ms)
		o.scenario_timeout_ms = a->timeout_ms;
	o.keep_scratch = a->keep_scratch;
	o.actor_program = libcs_program(&a->libcs, 0);
	o.libc = libcs_libc(&a->libcs, 0);
	o.spawner_program = cli_self_exe(); /* it understands __spawner */
	if (o.actor_program)
		sl_report_note_libc(libcs_label(a->libcs.names[0]));
	if (a->valgrind && !(o.valgrind = memcheck_dir(a->report_dir)))
		return EXIT_BROKEN;
	s.done = calloc((size_t)n + 1, 1);
	if (!s.done || progress_init(&s.progress, stderr, a->quiet, items, n)) {
		free(s.done);
		fprintf(stderr, "shmlife run: out of memory\n");
		return EXIT_BROKEN;
	}
	s.color = term_wants_color(a->color, stdout);
	s.compact = !o.valgrind; /* the memcheck summary counts every run */
	progress_style(&s.progress, term_wants_color(a->color, stderr), a->verbose);
	/* Stop signals are held from here until the reports are written: the
	 * first one stops the run, and the reports of what ran are still
	 * written, whole (runner.h). */
	runner_catch_signals();
	sl_tap_begin(stdout, n);
	runner_set_retries(a->retries);
	runner_run(items, n, a->jobs, &o, &hooks);
	progress_end(&s.progress);
	mark_flaky(items, n);
	reports_flaky_comments(stdout, items, n);
	sl_report_totals(items, n, &totals);
	sl_tap_end(stdout, &totals);
	status = cli_exit_status(items, n);
	int sig_columns = a->libcs.n > 1 && !runner_stop_signal() ? libcs_run_columns(&a->libcs, items, n, a->jobs, &o) : 0;
	if (!sig_columns && run_kernels(a, items, n))
		status = EXIT_BROKEN;
	int nall = 0;
	struct sl_report_column *all = libcs_join_columns(&a->libcs, a->vms.all, a->vms.nall, &nall);
	if (!all) {
		fprintf(stderr, "shmlife run: out of memory\n");
		status = EXIT_BROKEN;
	}
	status = worst_of_columns(all, nall, status);
	runner_test_raise("reports");
	struct reports_columns cols = { all, nall };
	if (reports_write_data("run", a->report_dir, items, n, &cols))
		status = EXIT_BROKEN;
	if (reports_write_pages("run", a->report_dir, o.valgrind, items, n, &cols))
		status = EXIT_BROKEN;
	sig = runner_stop_signal();
	runner_release_signals();
	/* after the stop signals are released: a closed stderr (EPIPE, its
	 * SIGPIPE ignored) loses the recap but does not stop the run */
	print_recap(a, items, n);
	free(all);
	free((char *)o.valgrind);
	free(s.done);
	return cli_exit_in(a->codes, sig ? 128 + sig : status, items, n);
}

/* run_items() as catalog_run_selection() calls it. */
static int run_items_of(const void *args, struct sl_report_item *items, int n)
{
	return run_items((struct run_args *)args, items, n);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	struct catalog cat;
	struct sl_report_item *items;
	int n, rc = run_parse_args(argc, argv, &a);

	if (rc == -1)
		reports_forget(CMD, a.report_dir); /* bad usage: this run has no reports */
	if (rc) {
		free(a.filters);
		free(a.excludes);
		free(a.kernels);
		kernels_free(&a.vms);
		libcs_free(&a.libcs);
		return rc > 0 ? EXIT_PASSED : rc == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	/* the last run's results.json, read before it is removed */
	int last = a.rerun_failed ? rerun_load(CMD, a.report_dir, &a.rerun) : 0;
	if (reports_forget(CMD, a.report_dir) && !last)
		last = -2;
	if (last) {
		rerun_free(&a.rerun);
		free(a.filters);
		free(a.excludes);
		free(a.kernels);
		kernels_free(&a.vms);
		libcs_free(&a.libcs);
		return last == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	int loaded = catalog_load(CMD, argv + optind, argc - optind, &cat);
	if (loaded) {
		rerun_free(&a.rerun);
		free(a.filters);
		free(a.excludes);
		free(a.kernels);
		kernels_free(&a.vms);
		libcs_free(&a.libcs);
		return loaded == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	if (a.rerun_failed && a.rerun.n == 0)
		fprintf(stderr, "shmlife run: --rerun-failed: every scenario of the last run passed or was skipped\n");
	if (cli_make_dirs(a.report_dir)) {
		int own = cli_errno_is_own(errno);
		fprintf(stderr, "shmlife run: cannot create the report directory %s: %s\n", a.report_dir,
			strerror(errno));
		catalog_free(&cat);
		rerun_free(&a.rerun);
		free(a.filters);
		free(a.excludes);
		free(a.kernels);
		kernels_free(&a.vms);
		libcs_free(&a.libcs);
		return own ? EXIT_BROKEN : EXIT_USAGE;
	}
	items = select_items(&cat, &a, &n);
	rc = catalog_run_selection(CMD, items, n, run_items_of, &a);
	if (rc == EXIT_NO_SANDBOX && n > 0)
		rc = cli_exit_in(a.codes, rc, NULL, 0); /* nothing ran: the machine cannot */
	rerun_free(&a.rerun);
	catalog_free(&cat);
	free(a.filters);
	free(a.excludes);
	free(a.kernels);
	kernels_free(&a.vms);
	libcs_free(&a.libcs);
	return rc;
}
