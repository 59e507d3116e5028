/* cmd_claims.c - `shmlife claims`: run the scenarios, then list every claim
 * they check (the study's words, a man page) with what this kernel did:
 * agrees, disagrees, unsettled (the scenario failed) or not checked here
 * (skipped), and the evidence: each step linked to the claim with the
 * kernel's answer, each expectation with the values the kernel showed.
 *
 * Formats: text (a block a claim), tsv (a line a claim), markdown (the
 * record of one machine, docs/claims.md).  With --kernel, the same
 * selection also runs on each other kernel (kernels.h), and what is listed
 * is claims x kernels: each claim's verdict on this machine's kernel and on
 * each other, the claims whose verdicts differ marked.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cli_util.h"
#include "kernels.h"
#include "libcs.h"
#include "progress.h"
#include "runner.h"
#include "shmlife/claims.h"
#include "shmlife/observed.h"
#include "shmlife/report.h"
#include "shmlife/run.h"

#define CMD "claims"

enum format { FORMAT_TEXT, FORMAT_TSV, FORMAT_MARKDOWN };

struct claims_args {
	int jobs;
	char **filters;
	int nfilters;
	int timeout_ms;
	enum format format;
	int quiet;
	char *const *paths;              /* FILES and DIRS as given            */
	int npaths;
	char **kernels;                  /* --kernel: claims x kernels          */
	int nkernels;
	struct kernels vms;
	struct libcs libcs;              /* --libc: the actors' C libraries     */
	struct sl_report_column *cols;   /* the other libcs', then the kernels' */
	int ncols;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: shmlife claims [OPTIONS] [FILES|DIRS...]\n\n"
		"Runs the scenarios (default: $SHMLIFE_CATALOG, else ./scenarios) and lists\n"
		"every claim they check, with this kernel's verdict and the evidence:\n"
		"  agrees            the scenario passed and its steps agree with the claim\n"
		"  disagrees         the scenario passed and its steps contradict the claim\n"
		"  unsettled         the scenario failed: the kernel did neither (see why)\n"
		"  not checked here  the scenario was skipped (see why)\n\n"
		"  -j, --jobs N          run N scenarios at once (default: online CPUs)\n"
		"      --filter PATTERN  only scenarios whose name or a tag matches the glob\n"
		"      --timeout SECONDS limit for each scenario as a whole (default 30)\n"
		"      --format FORMAT   text (default), tsv (id, scenario, verdict, claim,\n"
		"                        source, evidence), or markdown (docs/claims.md)\n"
		"      --libc LIST       the actors' C library: glibc (default), musl, or both\n"
		"                        (glibc,musl: claims x libcs; docs/libc.md)\n"
		"      --kernel PATH     also run them on the kernel image PATH under qemu\n"
		"                        (repeatable) and list claims x kernels instead\n"
		"                        (docs/kernels.md)\n"
		"  -q, --quiet           no progress on stderr\n"
		"  -h, --help            this text\n\n"
		"Exit: 0 every claim settled (agrees, disagrees or not checked here); 1 a\n"
		"claim unsettled; 2 bad usage or a script error; 3 a BROK; 128+N stopped by\n"
		"signal N.\n");
}

static int parse_format(const char *text, enum format *f)
{
	static const char *const names[] = { "text", "tsv", "markdown" };
	for (int i = 0; i < 3; i++)
		if (strcmp(text, names[i]) == 0) {
			*f = (enum format)i;
			return 0;
		}
	cli_usage_error(CMD, "--format is text, tsv or markdown, not '%s'", text);
	return -1;
}

/* 0, 1 after --help, -1 on bad usage (said). */
static int parse_args(int argc, char **argv, struct claims_args *a)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },   { "filter", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' }, { "format", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },         { "help", no_argument, NULL, 'h' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "libc", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	memset(a, 0, sizeof(*a));
	a->jobs = cpus > 0 ? (int)cpus : 1;
	a->filters = calloc((size_t)argc + 1, sizeof(*a->filters));
	a->kernels = calloc((size_t)argc + 1, sizeof(*a->kernels));
	if (!a->filters || !a->kernels) {
		fprintf(stderr, "shmlife claims: out of memory\n");
		return -2; /* the harness's failure, not the user's: 3 */
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'j': rc = cli_positive_int(CMD, "--jobs", optarg, &a->jobs); break;
		case 'f': a->filters[a->nfilters++] = optarg; break;
		case 't': rc = cli_seconds_ms(CMD, "--timeout", optarg, &a->timeout_ms); break;
		case 'F': rc = parse_format(optarg, &a->format); break;
		case 'q': a->quiet = 1; break;
		case 'k': a->kernels[a->nkernels++] = optarg; break;
		case 'b':
			libcs_free(&a->libcs);
			rc = libcs_parse(CMD, optarg, &a->libcs);
			break;
		case 'h': usage(stdout); return 1;
		default:
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			return -1;
		}
		if (rc)
			return -1;
	}
	return kernels_prepare(CMD, a->kernels, a->nkernels, &a->vms) ? -1 : 0;
}

/* ---- what the trace says ------------------------------------------------------ */

/* ---- one finding, in each format ----------------------------------------------- */

struct finding {
	struct sl_claim_finding f;
};

static const char *evidence_text(const struct finding *x)
{
	return x->f.evidence ? x->f.evidence : "(out of memory)";
}

/* Text on one line: control characters become blanks; in a Markdown table
 * cell, `|` is escaped and `<`, `>`, `&` are entities. */
static void put_flat(FILE *out, const char *s, int markdown)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', out);
		else if (markdown && *p == '|')
			fputs("\\|", out);
		else if (markdown && *p == '<')
			fputs("&lt;", out);
		else if (markdown && *p == '>')
			fputs("&gt;", out);
		else if (markdown && *p == '&')
			fputs("&amp;", out);
		else
			fputc(*p, out);
	}
}

static void print_text(const struct finding *x)
{
	const struct sl_claim *c = x->f.claim;
	if (!c) /* sl_claim_judge always names it */
		return;
	printf("%s  [%s]  scenario %s\n", c->id, sl_claim_verdict_name(x->f.verdict), x->f.scenario->name);
	printf("    claim:    ");
	put_flat(stdout, c->text, 0);
	printf("\n    source:   ");
	put_flat(stdout, c->source ? c->source : "-", 0);
	printf("\n    evidence: ");
	put_flat(stdout, evidence_text(x), 0);
	printf("\n\n");
}

static void print_tsv(const struct finding *x)
{
	const char *fields[] = { x->f.claim->id, x->f.scenario->name, sl_claim_verdict_name(x->f.verdict),
				 x->f.claim->text, x->f.claim->source ? x->f.claim->source : "-", evidence_text(x) };
	for (int i = 0; i < 6; i++) {
		if (i)
			fputc('\t', stdout);
		put_flat(stdout, fields[i], 0);
	}
	fputc('\n', stdout);
}

static void print_markdown_row(const struct finding *x)
{
	printf("| `%s` | ", x->f.claim->id);
	put_flat(stdout, x->f.claim->text, 1);
	printf(" | ");
	put_flat(stdout, x->f.claim->source ? x->f.claim->source : "-", 1);
	printf(" | **%s** | ", sl_claim_verdict_name(x->f.verdict));
	put_flat(stdout, evidence_text(x), 1);
	printf(" | `%s` |\n", x->f.scenario->name);
}

/* ---- the whole list -------------------------------------------------------------- */

struct tally { int n, by[SL_CLAIM_UNCHECKED + 1]; };

static void print_summary(FILE *out, const struct tally *t, int scenarios)
{
	fprintf(out, "%d claims checked by %d scenarios: %d agree, %d disagree, %d unsettled, %d not checked here\n",
		t->n, scenarios, t->by[SL_CLAIM_AGREES], t->by[SL_CLAIM_DISAGREES], t->by[SL_CLAIM_UNSETTLED],
		t->by[SL_CLAIM_UNCHECKED]);
}

/* The title, the command line that made the page, the machine, the date. */
static void print_markdown_header(const struct claims_args *a)
{
	struct utsname u;
	char when[32] = "?";
	time_t now = time(NULL);
	struct tm tm;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	printf("# The study's claims, and what this kernel does\n\n"
	       "Generated by `shmlife claims --format markdown");
	for (int i = 0; i < a->nfilters; i++) {
		printf(" --filter ");
		put_flat(stdout, a->filters[i], 1);
	}
	for (int i = 0; i < a->npaths; i++) {
		putchar(' ');
		put_flat(stdout, a->paths[i], 1);
	}
	printf("` on Linux %s (%s), %s.\n"
	       "Do not edit by hand: run the same command again (from the source root, as\n"
	       "root) to record another machine or another catalog.\n\n",
	       u.release, u.machine, when);
}

static void print_markdown(const struct claims_args *a, const struct finding *v, int n, const struct tally *t,
			   int scenarios)
{
	print_markdown_header(a);
	print_summary(stdout, t, scenarios);
	printf("\nA claim *agrees* when its scenario passed and its steps say what the claim says;\n"
	       "it *disagrees* when its scenario passed and its steps, which state what Linux\n"
	       "really did, contradict the claim; it is *unsettled* when the scenario failed\n"
	       "(the kernel did neither), *not checked here* when it was skipped.\n\n"
	       "## Where this kernel disagrees, or the claim was not settled here\n\n"
	       "| id | claim | source | verdict | what the kernel did | scenario |\n"
	       "| --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < n; i++)
		if (v[i].f.verdict != SL_CLAIM_AGREES)
			print_markdown_row(&v[i]);
	printf("\n## Every claim, in catalog order\n\n"
	       "`shmlife show SCENARIO` prints the whole trace behind any of them.\n\n"
	       "| id | claim | source | verdict | what the kernel did | scenario |\n"
	       "| --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < n; i++)
		print_markdown_row(&v[i]);
}

/* Judges every claim of every item; NULL when out of memory. */
static struct finding *judge_all(const struct sl_report_item *items, int nitems, int *n, struct tally *t)
{
	int total = 0, k = 0;
	for (int i = 0; i < nitems; i++)
		total += items[i].scenario->nclaims;
	struct finding *v = calloc((size_t)total + 1, sizeof(*v));
	if (!v)
		return NULL;
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < nitems; i++) {
		const struct sl_scenario *s = items[i].scenario;
		for (int c = 0; c < s->nclaims; c++, k++) {
			sl_claim_judge(s, c, &items[i].result, &v[k].f);
			t->by[v[k].f.verdict]++;
			t->n++;
		}
	}
	*n = total;
	return v;
}

static void print_findings(const struct claims_args *a, const struct finding *v, int n, const struct tally *t,
			   int scenarios)
{
	if (a->format == FORMAT_MARKDOWN) {
		print_markdown(a, v, n, t, scenarios);
		return;
	}
	if (a->format == FORMAT_TSV)
		printf("id\tscenario\tverdict\tclaim\tsource\tevidence\n");
	for (int i = 0; i < n; i++) {
		if (a->format == FORMAT_TSV)
			print_tsv(&v[i]);
		else
			print_text(&v[i]);
	}
	if (a->format == FORMAT_TEXT)
		print_summary(stdout, t, scenarios);
}

/* ---- claims x kernels (--kernel) ------------------------------------------------------ */

/* The verdict on claim c of items[i]'s scenario in column k (-1: this
 * machine); "not run" where that kernel has no result for it. */
static const char *verdict_in(const struct claims_args *a, const struct sl_report_item *it, int c, int k)
{
	const struct sl_report_item *there = it;
	if (k >= 0)
		there = sl_report_column_item(&a->cols[k], it->scenario, it->repeat);
	if (!there)
		return a->cols[k].broken ? "BROK" : "not run";
	return sl_claim_verdict_name(sl_claim_verdict_of(&it->scenario->claims[c], &there->result));
}

static int verdicts_differ(const struct claims_args *a, const struct sl_report_item *it, int c)
{
	for (int k = 0; k < a->ncols; k++)
		if (strcmp(verdict_in(a, it, c, k), verdict_in(a, it, c, -1)) != 0)
			return 1;
	return 0;
}

/* One line a claim (text: aligned; tsv; markdown: a table row), the
 * kernels as columns, this machine's first; then how many differ.
 * Returns 1 if a verdict is "unsettled" on some kernel. */
static int print_matrix(const struct claims_args *a, const struct sl_report_item *items, int n)
{
	struct utsname u;
	int differ = 0, unsettled = 0;
	const char *sep = a->format == FORMAT_TSV ? "\t" : a->format == FORMAT_MARKDOWN ? " | " : "  ";
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "this machine");
	if (a->format == FORMAT_MARKDOWN)
		fputs("| ", stdout);
	printf("id%sscenario%s%s", sep, sep, u.release);
	if (a->libcs.n > 1) /* the columns are libcs: say this one's */
		printf(" %s", libcs_label(a->libcs.names[0]));
	for (int k = 0; k < a->ncols; k++)
		printf("%s%s", sep, a->cols[k].name);
	printf("%s%s\n", sep, a->format == FORMAT_MARKDOWN ? "differs |" : "differs");
	if (a->format == FORMAT_MARKDOWN) {
		fputs("|", stdout);
		for (int k = 0; k < a->ncols + 4; k++)
			fputs(" --- |", stdout);
		fputs("\n", stdout);
	}
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < items[i].scenario->nclaims; c++) {
			int d = verdicts_differ(a, &items[i], c);
			differ += d;
			if (a->format == FORMAT_MARKDOWN)
				fputs("| ", stdout);
			printf("%s%s%s", items[i].scenario->claims[c].id, sep, items[i].scenario->name);
			for (int k = -1; k < a->ncols; k++) {
				const char *v = verdict_in(a, &items[i], c, k);
				unsettled |= strcmp(v, "unsettled") == 0;
				printf("%s%s", sep, v);
			}
			printf("%s%s%s\n", sep, d ? "yes" : "no", a->format == FORMAT_MARKDOWN ? " |" : "");
		}
	}
	if (a->format == FORMAT_TEXT)
		printf("%d claim(s) whose verdict differs between the kernels\n", differ);
	return unsettled;
}


/* Each --kernel's column: the guests run `run` with this selection.
 * 0, or -1 if one gave no results. */
static int run_kernels(struct claims_args *a, const struct sl_report_item *items, int n)
{
	char jobs[32], timeout[32];
	char **args = calloc((size_t)(2 * a->nfilters + a->npaths + 8), sizeof(*args));
	int k = 0;
	if (!args) {
		fprintf(stderr, "shmlife claims: out of memory\n");
		return -1;
	}
	snprintf(jobs, sizeof(jobs), "%d", a->jobs);
	snprintf(timeout, sizeof(timeout), "%d.%03d", a->timeout_ms / 1000, a->timeout_ms % 1000);
	args[k++] = "-j";
	args[k++] = jobs;
	char libcs[LIBCS_MAX * 17];
	libcs_list(&a->libcs, libcs, sizeof(libcs)); /* the same libcs there: columns of the guest's own */
	if (a->libcs.n) {
		args[k++] = "--libc";
		args[k++] = libcs;
	}
	if (a->timeout_ms) {
		args[k++] = "--timeout";
		args[k++] = timeout;
	}
	for (int i = 0; i < a->nfilters; i++) {
		args[k++] = "--filter";
		args[k++] = a->filters[i];
	}
	args[k++] = "--";
	for (int i = 0; i < a->npaths; i++)
		args[k++] = a->paths[i];
	struct kernels_items si = { items, n, 0 };
	struct kernels_run how = { .guest_args = args, .scenario_timeout_ms = a->timeout_ms, .quiet = a->quiet,
				   .stop = runner_stop_signal,
				   .libc = libcs_label(a->libcs.n ? a->libcs.names[0] : "glibc") };
	int broken = kernels_run(&a->vms, &how, kernels_find_by_name, &si);
	free(args);
	return broken ? -1 : 0;
}

/* ---- running ------------------------------------------------------------------------ */

static void on_started(void *ctx, int index)
{
	progress_started(ctx, index);
}

static void on_finished(void *ctx, int index)
{
	progress_finished(ctx, index);
}

static struct sl_report_item *select_items(const struct catalog *cat, const struct claims_args *a, int *n)
{
	struct sl_report_item *items = calloc((size_t)cat->n + 1, sizeof(*items));
	*n = 0;
	for (int i = 0; items && i < cat->n; i++)
		if (catalog_matches(cat->v[i], a->filters, a->nfilters))
			items[(*n)++].scenario = cat->v[i];
	return items;
}

static int run_and_list(struct claims_args *a, struct sl_report_item *items, int n)
{
	struct sl_run_options o;
	struct progress progress;
	struct runner_hooks hooks = { on_started, on_finished, &progress };
	struct tally t;
	int nf = 0;

	sl_run_options_default(&o);
	if (a->timeout_ms)
		o.scenario_timeout_ms = a->timeout_ms;
	o.actor_program = libcs_program(&a->libcs, 0);
	o.libc = libcs_libc(&a->libcs, 0);
	if (progress_init(&progress, stderr, a->quiet, items, n)) {
		fprintf(stderr, "shmlife claims: out of memory\n");
		return EXIT_BROKEN;
	}
	int sig = runner_run(items, n, a->jobs, &o, &hooks);
	progress_end(&progress);
	if (a->vms.n || a->libcs.n > 1) {
		if (!sig && a->libcs.n > 1)
			sig = libcs_run_columns(&a->libcs, items, n, a->jobs, &o);
		int broken = sig ? 0 : run_kernels(a, items, n);
		a->cols = libcs_join_columns(&a->libcs, a->vms.all, a->vms.nall, &a->ncols);
		if (!a->cols) {
			fprintf(stderr, "shmlife claims: out of memory\n");
			return EXIT_BROKEN;
		}
		int unsettled = print_matrix(a, items, n);
		int status = cli_exit_status(items, n);
		if (broken)
			status = EXIT_BROKEN;
		else if (status == EXIT_PASSED && unsettled)
			status = EXIT_FAILED;
		return sig ? 128 + sig : status;
	}
	struct finding *v = judge_all(items, n, &nf, &t);
	if (!v) {
		fprintf(stderr, "shmlife claims: out of memory\n");
		return EXIT_BROKEN;
	}
	print_findings(a, v, nf, &t, n);
	for (int i = 0; i < nf; i++)
		sl_claim_finding_free(&v[i].f);
	free(v);
	int status = cli_exit_status(items, n);
	if (status == EXIT_PASSED && t.by[SL_CLAIM_UNSETTLED])
		status = EXIT_FAILED;
	return sig ? 128 + sig : status;
}

/* run_and_list() as catalog_run_selection() calls it. */
static int run_and_list_of(const void *args, struct sl_report_item *items, int n)
{
	return run_and_list((struct claims_args *)args, items, n);
}

int cmd_claims(int argc, char **argv)
{
	struct claims_args a;
	struct catalog cat;
	struct sl_report_item *items;
	int n, rc = parse_args(argc, argv, &a);

	if (rc) {
		free(a.filters);
		free(a.kernels);
		libcs_free(&a.libcs);
		return rc > 0 ? EXIT_PASSED : rc == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	a.paths = argv + optind;
	a.npaths = argc - optind;
	int loaded = catalog_load(CMD, a.paths, a.npaths, &cat);
	if (loaded) {
		free(a.filters);
		free(a.kernels);
		kernels_free(&a.vms);
		libcs_free(&a.libcs);
		return loaded == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	items = select_items(&cat, &a, &n);
	rc = catalog_run_selection(CMD, items, n, run_and_list_of, &a);
	catalog_free(&cat);
	free(a.filters);
	free(a.kernels);
	kernels_free(&a.vms);
	libcs_free(&a.libcs);
	free(a.cols);
	return rc;
}
