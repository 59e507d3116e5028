/* test_libc.c - `shmlife run --libc` and `claims --libc` (docs/libc.md):
 * the actors' own calls through musl, by the lean actor.
 *
 * musl's daemon() forks twice where glibc's forks once, and its
 * strerror(ENOMEM) has other words: the scenarios that state both pass under
 * each libc, and the claim double-fork is "disagrees" under glibc and
 * "agrees" under musl, side by side in results.json, JUnit, HTML and
 * `claims`.  Fault injection reaches the musl actor's programs.  Bad --libc
 * values are usage errors.
 */
#define _GNU_SOURCE
#include "cli_fixture.h"

#include <json-c/json.h>
#include <libxml/parser.h>

TestSuite(libc, .init = cli_setup, .fini = cli_teardown);

/* The musl actor is built beside shmlife where musl-gcc is installed
 * (ci/setup.sh installs musl-tools); without it these tests say so. */
static void need_musl(void)
{
	const char *path = cli_beside_bin("musl/shmlife-actor");
	if (access(path, X_OK) != 0)
		cr_skip_test("%s is not built (musl-gcc, Debian's musl-tools, is not installed)", path);
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* The verdict on claim `id` in kernels[k] of results.json. */
static const char *verdict(json_object *kernels, size_t k, const char *id)
{
	json_object *claims = NULL;
	cr_assert(json_object_object_get_ex(json_object_array_get_idx(kernels, k), "claims", &claims));
	for (size_t i = 0; i < json_object_array_length(claims); i++) {
		json_object *c = json_object_array_get_idx(claims, i);
		if (strcmp(str(c, "id"), id) == 0)
			return str(c, "verdict");
	}
	return NULL;
}

Test(libc, bad_libc_values_are_usage_errors)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--libc", "bionic", "--report-dir", cli_path("out"),
			     "scenarios/rmid/rmid-twice-attached.scn"));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "--libc names glibc or musl (comma-separated), not 'bionic'"), "%s", r.err);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("run", "-q", "--libc", "glibc,glibc", "scenarios/rmid/rmid-twice-attached.scn"));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "--libc names glibc twice"), "%s", r.err);
	cli_result_free(&r);
	need_musl();
	cli_run(&r, CLI_ARGS("run", "-q", "--libc", "musl", "--valgrind", "scenarios/rmid/rmid-twice-attached.scn"));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "--libc musl runs without --valgrind"), "%s", r.err);
	cli_result_free(&r);
}

/* Under musl alone: musl's daemon (two forks), musl's strerror, a fault
 * injected into a musl program; the reports say musl. */
Test(libc, musl_actors_call_through_musl)
{
	need_musl();
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--libc", "musl", "--report-dir", cli_path("out"),
			     "scenarios/daemon/daemon-glibc-daemon.scn", "scenarios/programs/program-output.scn",
			     "scenarios/inject/inject-errno-dynamic.scn"));
	assert_exit(r, 0);
	cr_expect(strstr(r.out, "libc: musl "), "TAP's header names musl: %s", r.out);
	char path[300];
	snprintf(path, sizeof(path), "%s/results.json", cli_path("out"));
	json_object *root = json_object_from_file(path);
	cr_assert_not_null(root);
	cr_expect(strncmp(str(root, "libc"), "musl ", 5) == 0, "%s", str(root, "libc"));
	json_object *list = NULL;
	cr_assert(json_object_object_get_ex(root, "scenarios", &list));
	for (size_t i = 0; i < json_object_array_length(list); i++)
		cr_expect_str_eq(str(json_object_array_get_idx(list, i), "libc"), "musl");
	json_object_put(root);
	/* the same scenarios under glibc pass too: each states its libc's lines */
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "scenarios/daemon/daemon-glibc-daemon.scn",
			     "scenarios/programs/program-output.scn"));
	assert_exit(r, 0);
	cli_result_free(&r);
}

/* musl's daemon() forks twice: when the daemon returns, its middle process
 * may not have exited yet.  The actor waits for it too, so the next step
 * sees the daemon adopted (ppid=1) as under glibc; before, about one run in
 * fifteen saw the middle process as its parent (ppid: expected =1, kernel
 * says 5). */
Test(libc, a_musl_daemon_is_adopted_when_the_step_ends)
{
	need_musl();
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-qq", "-j", "2", "--repeat", "20", "--libc", "musl", "--report-dir",
			     cli_path("out"), "scenarios/daemon/daemon-glibc-daemon.scn"));
	assert_exit(r, 0);
	cli_result_free(&r);
}

/* shmlife and its musl actor in a folder that an actor of another uid
 * cannot enter (as a checkout in /root, mode 0700): the actor opens the
 * lean actor while it is still root and becomes it by fexecve once its ids
 * have changed.  Was BROK, "cannot run the actor program ...: Permission
 * denied", on a fresh Debian machine's catalog run through musl. */
Test(libc, an_actor_of_another_uid_becomes_the_musl_actor_from_a_closed_folder)
{
	need_musl();
	char bin[300], musl[320], cmd[9000];
	snprintf(bin, sizeof(bin), "%s/closed", cli_tmp); /* cli_tmp is mkdtemp's: mode 0700 */
	snprintf(musl, sizeof(musl), "%s/musl", bin);
	cr_assert_eq(mkdir(bin, 0700), 0);
	cr_assert_eq(mkdir(musl, 0700), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/' && cp '%s' '%s/'", getenv("SHMLIFE_BIN"), bin,
		 cli_beside_bin("musl/shmlife-actor"), musl);
	cr_assert_eq(system(cmd), 0);
	char copy[400];
	snprintf(copy, sizeof(copy), "%s/shmlife", bin);
	const char *args[] = { copy, "run", "-q", "--libc", "musl", "--report-dir", cli_path("out"),
			       "tests/data/libc/other-uid.scn", NULL };
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDOUT_FILENO);
		execv(copy, (char **)args);
		_exit(127);
	}
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the copy's run exits 0, not %d (BROK: 3)",
		  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* glibc,musl: the second a column; the claims where they differ. */
Test(libc, glibc_and_musl_side_by_side)
{
	need_musl();
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--libc", "glibc,musl", "--report-dir", cli_path("out"),
			     "scenarios/daemon/daemon-glibc-daemon.scn"));
	assert_exit(r, 0);
	char path[300];
	snprintf(path, sizeof(path), "%s/results.json", cli_path("out"));
	json_object *root = json_object_from_file(path);
	cr_assert_not_null(root);
	json_object *k = NULL;
	cr_assert(json_object_object_get_ex(root, "kernels", &k));
	cr_assert_eq(json_object_array_length(k), 2);
	cr_expect(strncmp(str(json_object_array_get_idx(k, 1), "libc"), "musl ", 5) == 0);
	cr_expect_str_eq(verdict(k, 0, "double-fork"), "disagrees", "glibc's daemon forks once");
	cr_expect_str_eq(verdict(k, 1, "double-fork"), "agrees", "musl's daemon forks twice");
	cr_expect_str_eq(verdict(k, 0, "session-leader"), "agrees");
	cr_expect_str_eq(verdict(k, 1, "session-leader"), "disagrees");
	json_object_put(root);
	char *junit = cli_slurp(cli_path("out/junit.xml"));
	cr_assert_not_null(junit);
	cr_expect(strstr(junit, "<testsuite name=\"libc musl "), "%s", junit);
	free(junit);
	char *html = cli_slurp(cli_path("out/index.html"));
	cr_assert_not_null(html);
	cr_expect(strstr(html, "<th>musl "), "a musl column");
	free(html);
	/* the page stays well-formed XML with its side-by-side parts (was: <br>) */
	xmlDocPtr doc = xmlReadFile(cli_path("out/index.html"), NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	cr_expect_not_null(doc, "index.html with a libc column is well-formed XML");
	xmlFreeDoc(doc);
	cli_result_free(&r);

	/* merge cannot read the columns back: refused, not dropped */
	cli_run(&r, CLI_ARGS("merge", "-q", "--report-dir", cli_path("merged"), path));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "holds other kernels' or libcs' results side by side"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("claims", "-q", "--libc", "glibc,musl", "--format", "tsv",
			     "scenarios/daemon/daemon-glibc-daemon.scn"));
	assert_exit(r, 0);
	char *row = cli_line_starting(r.out, "double-fork\t");
	cr_assert_not_null(row, "%s", r.out);
	cr_expect_str_eq(row, "double-fork\tdaemon-glibc-daemon\tdisagrees\tagrees\tyes");
	free(row);
	cli_result_free(&r);
}
