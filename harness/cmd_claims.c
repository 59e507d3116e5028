/* cmd_claims.c - `shmlife claims`: run the scenarios, then list every claim
 * they check (the study's words, a man page) with what this kernel did:
 * agrees, disagrees, unsettled (the scenario failed) or not checked here
 * (skipped), and the evidence: each step linked to the claim with the
 * kernel's answer, each expectation with the values the kernel showed.
 *
 * Formats: text (a block a claim), tsv (a line a claim), markdown (the
 * record of one machine, docs/claims.md).
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
		{ NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	memset(a, 0, sizeof(*a));
	a->jobs = cpus > 0 ? (int)cpus : 1;
	a->filters = calloc((size_t)argc + 1, sizeof(*a->filters));
	if (!a->filters) {
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

/* ---- what the trace says ------------------------------------------------------ */

/* The trace entry of step `step`, or NULL if it never ran. */
static const struct sl_trace_entry *entry_of_step(const struct sl_result *r, int step)
{
	for (int k = 0; k < r->ntrace; k++)
		if (r->trace[k].kind == SL_ENTRY_STEP && r->trace[k].step == step)
			return &r->trace[k];
	return NULL;
}

/* What a bound name held: the result of the step that bound it. */
static int slot_value(const struct sl_scenario *s, const struct sl_result *r, int slot, long long *v)
{
	for (int k = 0; k < r->ntrace; k++) {
		const struct sl_trace_entry *e = &r->trace[k];
		if (e->kind == SL_ENTRY_STEP && e->step >= 0 && e->step < s->nsteps &&
		    s->steps[e->step].bind == slot && e->err == 0 && !e->signal) {
			*v = e->ret;
			return 0;
		}
	}
	return -1;
}

/* An actor's pid: the last entry it performed before entry `upto`. */
static int actor_pid(const struct sl_result *r, int actor, int upto)
{
	int pid = 0;
	for (int k = 0; k < upto && k < r->ntrace; k++)
		if (r->trace[k].actor == actor && r->trace[k].pid > 0)
			pid = r->trace[k].pid;
	return pid;
}

/* ---- observed values ------------------------------------------------------------- */

/* What a predicate's value stood for, when it was a name: " (seg: 3)". */
static void put_value_meaning(FILE *out, const struct sl_scenario *s, const struct sl_result *r, int k,
			      const struct sl_value *v)
{
	long long x;
	if (v->kind == SL_VAL_SLOT && v->slot >= 0 && v->slot < s->nslots && slot_value(s, r, v->slot, &x) == 0)
		fprintf(out, " (%s: %lld)", s->slots[v->slot], x);
	else if (v->kind == SL_VAL_ACTOR && v->actor >= 0 && v->actor < s->nactors)
		fprintf(out, " (%s: pid %d)", s->actors[v->actor].name, actor_pid(r, v->actor, k));
	else if (v->kind == SL_VAL_STEP_TIME && v->num >= 0 && v->num < s->nsteps && entry_of_step(r, (int)v->num))
		fprintf(out, " (line %d began at %lld)", s->steps[v->num].line,
			(long long)entry_of_step(r, (int)v->num)->wall_sec);
}

static void put_maps(FILE *out, const struct sl_maps_obs *o)
{
	int n = o->n < SL_MAX_MAPS ? o->n : SL_MAX_MAPS;
	fprintf(out, "%d SYSV mapping%s", o->n, o->n == 1 ? "" : "s");
	for (int i = 0; i < n; i++)
		fprintf(out, "%s SYSV%08x shmid %d %s%s", i ? "," : ":", (unsigned)o->map[i].key, o->map[i].shmid,
			o->map[i].writable ? "rw" : "ro", o->map[i].deleted ? " (deleted)" : "");
}

/* cwd=/, fd0=/dev/null, comm=NAME: what the process view showed, as the
 * conductor judged it (conductor_expect.c); 0, or -1 if not a text field. */
static int put_observed_text(FILE *out, const struct sl_trace_entry *e, const struct sl_predicate *p)
{
	const struct sl_process_obs *o = &e->obs.proc;
	const char *have = NULL;
	if (e->obs_kind != SL_OBS_PROCESS || !p->str || p->value.kind != SL_VAL_NONE)
		return -1;
	if (p->field == SL_F_CWD)
		have = o->cwd;
	if (p->field == SL_F_COMM && o->alive)
		have = o->comm;
	for (int i = 0; p->field == SL_F_FD && i < o->nfds && i < SL_MAX_FDS; i++)
		if (o->fds[i].fd == p->fd)
			have = o->fds[i].target;
	if (p->field == SL_F_FD)
		fprintf(out, "fd%d=%s", p->fd, have ? have : "(not open)");
	else
		fprintf(out, "%s=%s", sl_field_name(p->field), have ? have : "(not open)");
	return 0;
}

static int is_signal_set(enum sl_field f)
{
	return f == SL_F_SIG_IGNORED || f == SL_F_SIG_CAUGHT || f == SL_F_SIG_RECEIVED || f == SL_F_SIG_PENDING;
}

/* "observed nattch=2, dest, key=0x00000000" for an expectation's entry. */
static void put_observed(FILE *out, const struct sl_scenario *s, const struct sl_result *r, int k)
{
	const struct sl_trace_entry *e = &r->trace[k];
	const struct sl_step *st = &s->steps[e->step];
	fputs("observed ", out);
	if (e->obs_kind == SL_OBS_MAPS) {
		put_maps(out, &e->obs.maps);
		return;
	}
	for (int i = 0; i < st->npreds; i++) {
		const struct sl_predicate *p = &st->preds[i];
		/* what some fields are about: the signal of sig-caught=SIGHUP */
		long long v = 0, arg = p->value.kind == SL_VAL_NUM ? p->value.num : 0;
		int rc;
		if (i)
			fputs(", ", out);
		if (put_observed_text(out, e, p) == 0)
			continue;
		rc = sl_observed_field(e, p->field, arg, &v);
		if (rc == 0 && is_signal_set(p->field)) {
			fprintf(out, "%s%sSIG%s", sl_field_name(p->field), v ? "=" : "!=",
				sigabbrev_np((int)arg) ? sigabbrev_np((int)arg) : "?");
			continue;
		}
		if (rc < 0) {
			fprintf(out, "%s: not observable", sl_field_name(p->field));
		} else {
			char text[64];
			sl_observed_format(p->field, v, text, sizeof(text));
			fputs(text, out);
		}
		put_value_meaning(out, s, r, k, &p->value);
	}
}

/* The kernel's answer to an operation. */
static void put_answer(FILE *out, const struct sl_step *st, const struct sl_trace_entry *e)
{
	if (e->signal)
		fprintf(out, "killed by SIG%s", sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?");
	else if (e->exited)
		fprintf(out, "exited %d", e->exit_status);
	else if (e->err)
		fprintf(out, "failed %s", strerrorname_np(e->err) ? strerrorname_np(e->err) : "?");
	else if (st->op == SL_OP_READ)
		fprintf(out, "read %lld bytes, as stated", e->ret);
	else if (st->op == SL_OP_WRITE)
		fprintf(out, "wrote %lld bytes", e->ret);
	else if (st->op == SL_OP_SHMAT)
		fprintf(out, "returned 0x%llx", (unsigned long long)e->ret);
	else if (st->op == SL_OP_FTOK)
		fprintf(out, "returned 0x%08x", (unsigned)(int32_t)e->ret);
	else
		fprintf(out, "returned %lld", e->ret);
}

/* The step as written, without its `[claim ID]`, runs of blanks outside
 * quotes made one. */
static void put_step_text(FILE *out, const struct sl_step *st)
{
	const char *t = st->text ? st->text : sl_op_name(st->op);
	const char *mark = strstr(t, "[claim ");
	size_t n = mark ? (size_t)(mark - t) : strlen(t);
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	int quoted = 0, blank = 0;
	for (size_t i = 0; i < n; i++) {
		int is_blank = !quoted && (t[i] == ' ' || t[i] == '\t');
		quoted ^= t[i] == '"' && (i == 0 || t[i - 1] != '\\');
		if (!is_blank || !blank)
			fputc(is_blank ? ' ' : t[i], out);
		blank = is_blank;
	}
}

/* Every step linked to claim `i`, with the kernel's answer; malloc'ed. */
static char *evidence_of(const struct sl_scenario *s, const struct sl_result *r, int i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	int n = 0;
	for (int k = 0; k < r->ntrace; k++) {
		const struct sl_trace_entry *e = &r->trace[k];
		if (e->kind != SL_ENTRY_STEP || e->step < 0 || e->step >= s->nsteps || s->steps[e->step].claim != i)
			continue;
		const struct sl_step *st = &s->steps[e->step];
		fprintf(out, "%sline %d: ", n++ ? "; " : "", st->line);
		put_step_text(out, st);
		fputs(": ", out);
		if (st->op == SL_OP_EXPECT)
			put_observed(out, s, r, k);
		else
			put_answer(out, st, e);
	}
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- one finding, in each format ----------------------------------------------- */

struct finding {
	struct sl_claim_finding f;
	char *evidence;                  /* ours when the scenario passed, else NULL */
};

static const char *evidence_text(const struct finding *x)
{
	return x->evidence && x->evidence[0] ? x->evidence : x->f.evidence;
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
			if (items[i].result.outcome == SL_PASS)
				v[k].evidence = evidence_of(s, &items[i].result, c);
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

static int run_and_list(const struct claims_args *a, struct sl_report_item *items, int n)
{
	struct sl_run_options o;
	struct progress progress;
	struct runner_hooks hooks = { on_started, on_finished, &progress };
	struct tally t;
	int nf = 0;

	sl_run_options_default(&o);
	if (a->timeout_ms)
		o.scenario_timeout_ms = a->timeout_ms;
	if (progress_init(&progress, stderr, a->quiet, items, n)) {
		fprintf(stderr, "shmlife claims: out of memory\n");
		return EXIT_BROKEN;
	}
	int sig = runner_run(items, n, a->jobs, &o, &hooks);
	progress_end(&progress);
	struct finding *v = judge_all(items, n, &nf, &t);
	if (!v) {
		fprintf(stderr, "shmlife claims: out of memory\n");
		return EXIT_BROKEN;
	}
	print_findings(a, v, nf, &t, n);
	for (int i = 0; i < nf; i++)
		free(v[i].evidence);
	free(v);
	int status = cli_exit_status(items, n);
	if (status == EXIT_PASSED && t.by[SL_CLAIM_UNSETTLED])
		status = EXIT_FAILED;
	return sig ? 128 + sig : status;
}

/* run_and_list() as catalog_run_selection() calls it. */
static int run_and_list_of(const void *args, struct sl_report_item *items, int n)
{
	return run_and_list((const struct claims_args *)args, items, n);
}

int cmd_claims(int argc, char **argv)
{
	struct claims_args a;
	struct catalog cat;
	struct sl_report_item *items;
	int n, rc = parse_args(argc, argv, &a);

	if (rc) {
		free(a.filters);
		return rc > 0 ? EXIT_PASSED : rc == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	a.paths = argv + optind;
	a.npaths = argc - optind;
	int loaded = catalog_load(CMD, a.paths, a.npaths, &cat);
	if (loaded) {
		free(a.filters);
		return loaded == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	items = select_items(&cat, &a, &n);
	rc = catalog_run_selection(CMD, items, n, run_and_list_of, &a);
	catalog_free(&cat);
	free(a.filters);
	return rc;
}
