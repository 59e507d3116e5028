/* cmd_run_args.c - the command line of `shmlife run` (cmd_run.h): the
 * usage, each option read and checked, and the combinations refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_run.h"
#include "shmlife/run.h"

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
		"      --retries N       run a scenario that did not pass again, up to N times;\n"
		"                        a pass on a retry is flaky, counted apart (exit 0)\n"
		"      --rerun-failed    only the scenarios that did not pass in the last run\n"
		"                        (DIR/results.json of --report-dir)\n"
		"      --fail-fast       after the first FAIL, BROK or TIMEOUT start nothing\n"
		"                        more (the rest is SKIP, not run)\n"
		"      --libc LIST       the actors' C library: glibc (default), musl, or both\n"
		"                        (glibc,musl: the second a column of the reports,\n"
		"                        side by side; docs/libc.md)\n"
		"      --kernel PATH     also run the selection on the kernel image PATH, booted\n"
		"                        under qemu with this machine's files (repeatable); the\n"
		"                        reports show each kernel's results side by side\n"
		"                        (docs/kernels.md)\n"
		"      --keep-scratch[=all] keep the scratch folder (SHMLIFE_TMP) of each scenario\n"
		"                        that did not pass (all: of every one); the report names it\n"
		"      --tap-version N   13 (default, what every prove reads) or 14\n"
		"      --exit-codes WHO  shmlife (default, below), ltp (kirk: TFAIL 1, TBROK 2,\n"
		"                        TCONF 32 when nothing ran) or kselftest (KSFT_FAIL 1,\n"
		"                        KSFT_SKIP 4 when nothing ran)\n"
		"      --color WHEN      auto (default: on a terminal, unless NO_COLOR is set),\n"
		"                        always or never\n"
		"  -v, --verbose         a line per scenario on a terminal too; skips in the recap\n"
		"  -q, --quiet           no progress on stderr; -qq: no recap either\n"
		"  -h, --help            this text\n\n"
		"TAP on stdout, in catalog order, then a line such as\n"
		"`12 passed, 1 failed, 2 skipped`.  Then a recap of what did not pass\n"
		"(outcome, name, file:line, reason): on stdout when it is a terminal, else\n"
		"on stderr with the counts.\n"
		"Exit: 0 all passed or skipped; 1 a FAIL, TIMEOUT or flaky scenario; 2 bad\n"
		"usage or a script error; 3 a BROK (wins over 1) or reports not written;\n"
		"128+N stopped by signal N.\n");
}

/* Options that do not go together, and kernels that cannot be booted: 1
 * after saying so, else 0. */
static int refused_together(struct run_args *a)
{
	if (a->nkernels && (a->valgrind || a->rerun_failed || a->keep_scratch)) {
		cli_usage_error(CMD, "--kernel runs with neither --valgrind, --rerun-failed nor --keep-scratch (the guest "
				     "keeps nothing but its results.json)");
		return 1;
	}
	int musl = 0;
	for (int i = 0; i < a->libcs.n; i++)
		musl |= libcs_program(&a->libcs, i) != NULL;
	if (musl && a->valgrind) {
		cli_usage_error(CMD, "--libc musl runs without --valgrind (memcheck runs glibc's actors only)");
		return 1;
	}
	return kernels_prepare(CMD, a->kernels, a->nkernels, &a->vms) ? 1 : 0;
}

int run_parse_args(int argc, char **argv, struct run_args *a)
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
		{ "fail-fast", no_argument, NULL, 'F' },
		{ "retries", required_argument, NULL, 'R' },
		{ "rerun-failed", no_argument, NULL, 'L' },
		{ "keep-scratch", optional_argument, NULL, 'K' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "libc", required_argument, NULL, 'b' },
		{ "tap-version", required_argument, NULL, 'T' },
		{ "exit-codes", required_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' },
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
	a->kernels = calloc((size_t)argc, sizeof(*a->kernels));
	a->argc = argc;
	a->argv = argv;
	if (!a->filters || !a->excludes || !a->kernels) {
		fprintf(stderr, "shmlife run: out of memory\n");
		return -2; /* the harness's failure, not the user's: 3 */
	}
	opterr = 0;
	optind = 1;
	int bad = 0;
	while ((c = getopt_long(argc, argv, "j:qvh", longopts, NULL)) != -1) {
		int rc = 0;
		if (bad) {               /* said; only where the reports go matters now */
			if (c == 'd')
				a->report_dir = optarg;
			continue;
		}
		switch (c) {
		case 'j': rc = cli_positive_int(CMD, "--jobs", optarg, &a->jobs); break;
		case 'f': a->filters[a->nfilters++] = optarg; break;
		case 'x': a->excludes[a->nexcludes++] = optarg; break;
		case 'k': a->kernels[a->nkernels++] = optarg; break;
		case 'b':
			libcs_free(&a->libcs);
			rc = libcs_parse(CMD, optarg, &a->libcs);
			break;
		case 't': rc = cli_seconds_ms(CMD, "--timeout", optarg, &a->timeout_ms); break;
		case 'r': rc = cli_positive_int(CMD, "--repeat", optarg, &a->repeat); break;
		case 's': rc = cli_shard(CMD, optarg, &a->shard, &a->shards); break;
		case 'd': a->report_dir = optarg; break;
		case 'V': a->valgrind = 1; break;
		case 'F': a->fail_fast = 1; break;
		case 'L': a->rerun_failed = 1; break;
		case 'R': rc = cli_whole_int(CMD, "--retries", optarg, 0, 100, &a->retries); break;
		case 'K':
			a->keep_scratch = !optarg ? 1 : strcmp(optarg, "all") == 0 ? 2 : strcmp(optarg, "failed") == 0 ? 1 : -1;
			if (a->keep_scratch < 0) {
				cli_usage_error(CMD, "--keep-scratch takes 'failed' (the default) or 'all', not '%s'", optarg);
				rc = -1;
			}
			break;
		case 'T': rc = cli_tap_version(CMD, optarg); break;
		case 'E': rc = cli_parse_exit_codes(CMD, optarg, &a->codes); break;
		case 'q': a->quiet++; break;
		case 'v': a->verbose = 1; break;
		case 'C': rc = term_parse_color(CMD, optarg, &a->color); break;
		case 'h': usage(stdout); return 1;
		default:
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			rc = -1;
		}
		bad = rc != 0;
	}
	a->first_script = optind;
	return bad || refused_together(a) ? -1 : 0;
}
