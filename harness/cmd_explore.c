/* cmd_explore.c - `shmlife explore SCRIPT`: runs a scenario again once for
 * each crash point (each step of each actor; each call of each exec'd
 * program, just before and just after), judges its invariants after each,
 * prints the table and writes a reproducing script for every crash point
 * that breaks one (explore.h, docs/fault-injection.md). */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli_util.h"
#include "shmlife/explore.h"
#include "shmlife/parse.h"

#define CMD "explore"
#define DEFAULT_EXPLORE_DIR "reports/explore"

static void usage(FILE *out)
{
	fprintf(out, "Usage: shmlife explore [OPTIONS] SCRIPT\n\n"
		     "Runs the scenario once without a crash, then once for each crash point:\n"
		     "each step of each actor (the actor is killed by SIGKILL instead), and each\n"
		     "call an exec'd program made (killed just before it, and just after it).\n"
		     "After each run the scenario's invariants (`invariant NAME: ...` lines) are\n"
		     "judged, and no segment may be left (unless `leak: expected`).\n\n"
		     "      --report-dir DIR  where the reproducing scripts go (default " DEFAULT_EXPLORE_DIR ")\n"
		     "      --calls LIST      only these calls of programs: shmget,shmat,shmdt,shmctl,\n"
		     "                        ftok,fork,setsid,open,mmap (default: all of them)\n"
		     "      --steps-only      no crash points inside programs' calls\n"
		     "      --timeout SECONDS per step (default 5)\n"
		     "  -q, --quiet           no line per run on stderr\n"
		     "  -h, --help            this text\n\n"
		     "Exit: 0 every crash point keeps every invariant; 1 a crash point (or the run\n"
		     "without a crash) breaks one; 2 bad usage or a script error; 3 a run was BROK\n"
		     "or timed out and nothing was broken.\n");
}

/* "shmget,shmat" -> bits of sl_fault_call_at(). */
static int parse_calls(const char *list, unsigned *mask)
{
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return -1;
	*mask = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int found = -1;
		for (int i = 0; sl_fault_call_at(i); i++)
			if (strcmp(sl_fault_call_at(i), w) == 0)
				found = i;
		if (found < 0) {
			cli_usage_error(CMD, "--calls: '%s' is not a call shmlife intercepts", w);
			free(copy);
			return -1;
		}
		*mask |= 1u << found;
	}
	free(copy);
	return *mask ? 0 : (cli_usage_error(CMD, "--calls: no call given"), -1);
}

static int parse_args(int argc, char **argv, struct sl_explore_options *o, int *quiet)
{
	static const struct option longopts[] = {
		{ "report-dir", required_argument, NULL, 'd' },
		{ "calls", required_argument, NULL, 'c' },
		{ "steps-only", no_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'd': o->report_dir = optarg; break;
		case 'c': rc = parse_calls(optarg, &o->calls); break;
		case 's': o->steps_only = 1; break;
		case 't': rc = cli_seconds_ms(CMD, "--timeout", optarg, &o->run.step_timeout_ms); break;
		case 'q': *quiet = 1; break;
		case 'h': usage(stdout); return 1;
		default:
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			return -1;
		}
		if (rc)
			return -1;
	}
	if (optind != argc - 1) {
		cli_usage_error(CMD, "give one SCRIPT");
		return -1;
	}
	return 0;
}

int cmd_explore(int argc, char **argv)
{
	struct sl_explore_options o;
	int quiet = 0;
	sl_explore_options_default(&o);
	o.report_dir = DEFAULT_EXPLORE_DIR;
	int rc = parse_args(argc, argv, &o, &quiet);
	if (rc)
		return rc > 0 ? EXIT_PASSED : EXIT_USAGE;
	const char *path = argv[optind];
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(path, &d);
	sl_diags_print(&d, stderr);
	sl_diags_free(&d);
	if (!s)
		return EXIT_USAGE;
	if (cli_make_dirs(o.report_dir) < 0) {
		fprintf(stderr, "shmlife explore: cannot create %s: %m\n", o.report_dir);
		sl_scenario_free(s);
		return EXIT_USAGE;
	}
	int sandbox = catalog_require_sandbox("explore");
	if (sandbox) {
		sl_scenario_free(s);
		return sandbox == -2 ? EXIT_BROKEN : EXIT_NO_SANDBOX;
	}
	o.progress = quiet ? NULL : stderr;
	struct sl_explore_result r;
	if (sl_explore(s, &o, &r) < 0) {
		fprintf(stderr, "shmlife explore: %s: %m\n", path);
		sl_scenario_free(s);
		return EXIT_BROKEN;
	}
	sl_explore_print(stdout, s, &r);
	int status = r.nbroken || r.baseline.broken ? EXIT_FAILED : r.ninconclusive ? EXIT_BROKEN : EXIT_PASSED;
	sl_explore_result_free(&r);
	sl_scenario_free(s);
	return status;
}
