/* cmd_merge.c - `shmlife merge`: the results.json of several runs (the
 * shards of a catalog, run by CI jobs side by side with `run --shard I/N`)
 * joined into one set of reports, as one run of the whole would have
 * written them: TAP on stdout, junit.xml, results.json and index.html in
 * the report directory, and that run's exit status.
 *
 * The scenarios come from the scripts the files name (parsed again, from
 * the directory the shards ran in: the checkout), their results from the
 * files; items are put in catalog order (the scripts' paths, then the
 * repetitions).  A scenario run in two of the files is an error: the
 * shards overlap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "recap.h"
#include "reports.h"
#include "shmlife/parse.h"
#include "shmlife/report.h"
#include "term.h"

#define CMD "merge"
#define DEFAULT_REPORT_DIR "reports/out"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: shmlife merge [OPTIONS] RESULTS.json...\n\n"
		"Joins the results.json of several runs (the shards of `run --shard I/N`)\n"
		"into one set of reports, as one run of them all would have written:\n"
		"TAP on stdout, junit.xml, results.json and index.html in the report\n"
		"directory.  Run it where the shards ran (their scripts are read again).\n\n"
		"      --report-dir DIR  where the reports go (default " DEFAULT_REPORT_DIR ")\n"
		"  -q, --quiet           no recap on stderr\n"
		"  -h, --help            this text\n\n"
		"Exit: as `run` for the joined results (0 all passed or skipped; 1 a FAIL,\n"
		"TIMEOUT or flaky scenario; 3 a BROK, or reports not written); 2 bad usage,\n"
		"a file that is not a shmlife results.json, a script that is not there,\n"
		"shards that overlap.\n");
}

/* ---- the scripts the files name ---------------------------------------------- */

struct scripts {
	char **paths;
	struct sl_scenario **v;
	int n;
	int failed;                      /* a script could not be read: said */
};

/* sl_scenario_finder: the scenario `name` of the script `file`, parsed once. */
static const struct sl_scenario *find_scenario(void *ctx, const char *name, const char *file)
{
	struct scripts *sc = ctx;
	if (!file)
		return NULL;
	for (int i = 0; i < sc->n; i++)
		if (strcmp(sc->paths[i], file) == 0)
			return sc->v[i] && strcmp(sc->v[i]->name, name) == 0 ? sc->v[i] : NULL;
	struct sl_diags d;
	memset(&d, 0, sizeof(d));
	struct sl_scenario *s = sl_parse_file(file, &d);
	if (!s) {
		sl_diags_print(&d, stderr);
		sc->failed = 1;
	}
	sl_diags_free(&d);
	char **paths = realloc(sc->paths, (size_t)(sc->n + 1) * sizeof(*paths));
	if (paths)
		sc->paths = paths;
	struct sl_scenario **v = paths ? realloc(sc->v, (size_t)(sc->n + 1) * sizeof(*v)) : NULL;
	if (v)
		sc->v = v;
	char *copy = v ? strdup(file) : NULL;
	if (!copy) {
		sl_scenario_free(s);
		return NULL;
	}
	sc->paths[sc->n] = copy;
	sc->v[sc->n++] = s;
	return s && strcmp(s->name, name) == 0 ? s : NULL;
}

static void scripts_free(struct scripts *sc)
{
	for (int i = 0; i < sc->n; i++) {
		free(sc->paths[i]);
		sl_scenario_free(sc->v[i]);
	}
	free(sc->paths);
	free(sc->v);
}

/* ---- joining ------------------------------------------------------------------ */

/* Catalog order: the script's path (byte order, as the catalog sorts), then
 * the repetition. */
static int catalog_order(const void *a, const void *b)
{
	const struct sl_report_item *x = a, *y = b;
	int c = strcmp(x->scenario->file ? x->scenario->file : "", y->scenario->file ? y->scenario->file : "");
	if (c == 0)
		c = strcmp(x->scenario->name, y->scenario->name);
	return c ? c : (x->repeat > y->repeat) - (x->repeat < y->repeat);
}

/* Reads every file into one array.  0; -1 (said: exit 2); -2 (said: exit 3). */
static int join(char **files, int nfiles, struct scripts *sc, struct sl_report_item **all, int *total)
{
	*all = NULL;
	*total = 0;
	for (int f = 0; f < nfiles; f++) {
		struct sl_report_item *items;
		int n;
		char why[1024];
		int rc = sl_json_read(files[f], find_scenario, sc, &items, &n, why, sizeof(why));
		if (rc) {
			fprintf(stderr, "shmlife merge: %s\n", why);
			return rc;
		}
		struct sl_report_item *grown = realloc(*all, (size_t)(*total + n + 1) * sizeof(**all));
		if (!grown) {
			sl_report_items_free(items, n);
			fprintf(stderr, "shmlife merge: out of memory\n");
			return -2;
		}
		*all = grown;
		memcpy(*all + *total, items, (size_t)n * sizeof(*items));
		*total += n;
		free(items); /* the results (their traces) now belong to *all */
	}
	qsort(*all, (size_t)*total, sizeof(**all), catalog_order);
	for (int i = 1; i < *total; i++)
		if ((*all)[i].scenario == (*all)[i - 1].scenario && (*all)[i].repeat == (*all)[i - 1].repeat) {
			fprintf(stderr, "shmlife merge: scenario %s (run %d) is in two of the files: the shards overlap\n",
				(*all)[i].scenario->name, (*all)[i].repeat + 1);
			return -1;
		}
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report-dir", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DEFAULT_REPORT_DIR;
	int quiet = 0, c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return EXIT_PASSED;
		default:
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_usage_error(CMD, "which results.json files?");
		return EXIT_USAGE;
	}
	struct scripts sc;
	memset(&sc, 0, sizeof(sc));
	struct sl_report_item *items;
	int n, rc = join(argv + optind, argc - optind, &sc, &items, &n);
	if (rc == 0 && reports_forget(CMD, dir))
		rc = -2;
	if (rc == 0 && cli_make_dirs(dir)) {
		fprintf(stderr, "shmlife merge: cannot create the report directory %s: %s\n", dir, strerror(errno));
		rc = cli_errno_is_own(errno) ? -2 : -1;
	}
	if (rc) {
		sl_report_items_free(items, n);
		scripts_free(&sc);
		return rc == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	struct sl_report_totals totals;
	sl_tap_begin(stdout, n);
	for (int i = 0; i < n; i++)
		sl_tap_item(stdout, i + 1, &items[i]);
	reports_flaky_comments(stdout, items, n);
	sl_report_totals(items, n, &totals);
	sl_tap_end(stdout, &totals);
	int status = cli_exit_status(items, n);
	if (reports_write_data(CMD, dir, items, n, NULL) || reports_write_pages(CMD, dir, NULL, items, n, NULL))
		status = EXIT_BROKEN;
	struct recap_style st = { .color = term_wants_color(TERM_COLOR_AUTO, stderr), .counts = 0 };
	if (!quiet)
		recap_print(stderr, items, n, &st);
	sl_report_items_free(items, n);
	scripts_free(&sc);
	return status;
}
