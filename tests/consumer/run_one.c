/* run_one.c - a consumer's own C test built against an installed shmlife
 * (through find_package or pkg-config; tests/consumer/README.md): parses one
 * script with the public API, runs it with sl_run() and exits 0 only if it
 * passed, printing `NAME: OUTCOME (reason)`. */
#include <stdio.h>
#include <string.h>

#include <shmlife.h> /* the umbrella: every public header */

int main(int argc, char **argv)
{
	struct sl_diags diags;
	struct sl_run_options opts;
	struct sl_result result;

	if (argc != 2) {
		fprintf(stderr, "usage: run_one SCRIPT\n");
		return 2;
	}
	memset(&diags, 0, sizeof(diags));
	struct sl_scenario *s = sl_parse_file(argv[1], &diags);
	if (!s) {
		sl_diags_print(&diags, stderr);
		sl_diags_free(&diags);
		return 2;
	}
	sl_diags_free(&diags);
	sl_run_options_default(&opts);
	if (sl_run(s, &opts, &result) != 0) {
		perror("sl_run");
		sl_scenario_free(s);
		return 3;
	}
	printf("%s: %s%s%s\n", s->name, sl_outcome_name(result.outcome), result.reason[0] ? ": " : "",
	       result.reason);
	int rc = result.outcome == SL_PASS ? 0 : 1;
	sl_result_free(&result);
	sl_scenario_free(s);
	return rc;
}
