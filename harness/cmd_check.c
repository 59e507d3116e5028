/* cmd_check.c - `shmlife check`: parse and validate scripts, run nothing.
 * Prints `ok N scripts` (exit 0) or every error (exit 2). */
#include <getopt.h>
#include <stdio.h>

#include "catalog.h"
#include "cli_util.h"

#define CMD "check"

static void usage(FILE *out)
{
	fprintf(out, "Usage: shmlife check [FILES|DIRS...]\n\n"
		     "Parses and validates the scripts (default: $SHMLIFE_CATALOG, else\n"
		     "./scenarios, recursively) without running anything.  Prints `ok N scripts`,\n"
		     "or every error as `file:line:col: message` on stderr.\n\n"
		     "  -h, --help   this text\n\n"
		     "Exit: 0 all scripts are valid; 2 an error, or bad usage.\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct catalog cat;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_PASSED;
		}
		cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
		return EXIT_USAGE;
	}
	int loaded = catalog_load(CMD, argv + optind, argc - optind, &cat);
	if (loaded)
		return loaded == -2 ? EXIT_BROKEN : EXIT_USAGE;
	printf("ok %d script%s\n", cat.n, cat.n == 1 ? "" : "s");
	catalog_free(&cat);
	return EXIT_PASSED;
}
