/* test_cli.c - the `shmlife` command line, as a user runs it: every
 * subcommand's --help; check (the catalog, the default catalog and
 * $SHMLIFE_CATALOG, scripts with errors, duplicate names, directory search
 * with hidden entries and link loops); list; show (every step, the kernel's
 * answer, snapshots of segments, processes and maps); run (--filter,
 * --shard, --repeat and flaky scenarios, --timeout, --report-dir and the
 * files written there, JUnit suites, the failing scenarios of
 * tests/failing, bad usage, reports that cannot be written, progress on a
 * terminal, a run stopped by SIGTERM); claims (text, tsv, markdown; a claim
 * the kernel disagrees with, one unsettled, one not checked, the evidence of
 * every kind of answer); explore (the careless program's leak and its
 * reproducing script, the careful program clean everywhere, bad usage).
 *
 * Each test runs $SHMLIFE_BIN from the source root with small sets of
 * scenarios; reports go to a scratch directory removed after the test.
 * Scripts that must not be in the catalog are in tests/data/.
 */
#define _GNU_SOURCE
#include "cli_fixture.h"
#include "support/tap_system.h"

#include <dirent.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "shmlife/parse.h"
#include "shmlife/run.h"

TestSuite(cli, .init = cli_setup, .fini = cli_teardown);

static const char *const commands[] = { "run", "check", "list", "show", "claims", "explore", "merge" };
#define NCOMMANDS ((int)(sizeof(commands) / sizeof(commands[0])))

/* ---- helpers ------------------------------------------------------------------ */

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int nscripts;

static int count_script(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	const char *base = path + ftw->base;
	size_t n = strlen(base);
	if (base[0] == '.' && ftw->level > 0)
		return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (type == FTW_F && n > 4 && strcmp(base + n - 4, ".scn") == 0)
		nscripts++;
	return FTW_CONTINUE;
}

/* How many *.scn files `dir` holds, hidden entries left out, as docs/cli.md says. */
static int count_scripts(const char *dir)
{
	nscripts = 0;
	cr_assert_eq(nftw(dir, count_script, 16, FTW_PHYS | FTW_ACTIONRETVAL), 0, "nftw %s", dir);
	return nscripts;
}

/* The names of the TAP items of a run's stdout ("ok 3 - name", "not ok 4 -
 * name # SKIP ..."), in order, into names (at most max); returns how many. */
static int tap_names(const char *tap, char names[][64], int max)
{
	int n = 0;
	for (const char *p = tap; p && *p && n < max;) {
		const char *dash = NULL;
		if (strncmp(p, "ok ", 3) == 0 || strncmp(p, "not ok ", 7) == 0)
			dash = strstr(p, " - ");
		const char *eol = strchr(p, '\n');
		if (dash && (!eol || dash < eol)) {
			size_t len = strcspn(dash + 3, " \n");
			snprintf(names[n++], 64, "%.*s", (int)len, dash + 3);
		}
		p = eol ? eol + 1 : NULL;
	}
	return n;
}

/* The first column of `shmlife list`'s lines: the names in catalog order. */
static int list_names(const char *list, char names[][64], int max)
{
	int n = 0;
	for (const char *p = list; p && *p && n < max;) {
		size_t len = strcspn(p, " \n");
		snprintf(names[n++], 64, "%.*s", (int)len, p);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

static struct json_object *json_file(const char *path)
{
	struct json_object *j = json_object_from_file(path);
	cr_assert_not_null(j, "%s does not parse as JSON: %s", path, json_util_get_last_err());
	return j;
}

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	cr_assert(json_object_object_get_ex(o, key, &v), "no '%s' in %s", key, json_object_to_json_string(o));
	return v;
}

static const char *jstr(struct json_object *o, const char *key)
{
	return json_object_get_string(jget(o, key));
}

static int jint(struct json_object *o, const char *key)
{
	return json_object_get_int(jget(o, key));
}

/* The element of results.json's `scenarios` whose display_name is `name`. */
static struct json_object *json_scenario(struct json_object *root, const char *name)
{
	struct json_object *v = jget(root, "scenarios");
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *s = json_object_array_get_idx(v, i);
		if (strcmp(jstr(s, "display_name"), name) == 0)
			return s;
	}
	cr_assert_fail("no scenario %s in results.json", name);
	return NULL;
}

static xmlDocPtr xml_file(const char *path)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	cr_assert_not_null(doc, "%s is not well-formed XML", path);
	return doc;
}

/* An attribute's value, as a malloc'ed string ("" if absent). */
static char *xml_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = strdup(v ? (const char *)v : "");
	xmlFree(v);
	return s;
}

static void assert_attr(xmlNodePtr n, const char *name, const char *want)
{
	char *got = xml_attr(n, name);
	cr_assert_str_eq(got, want, "<%s %s=\"%s\">, wanted \"%s\"", (const char *)n->name, name, got, want);
	free(got);
}

/* The first element named `name` below n (depth first) whose attribute
 * `attr` is `value` (attr NULL: any). */
static xmlNodePtr xml_find(xmlNodePtr n, const char *name, const char *attr, const char *value)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, name) == 0) {
			char *v = attr ? xml_attr(c, attr) : NULL;
			int match = !attr || strcmp(v, value) == 0;
			free(v);
			if (match)
				return c;
		}
		xmlNodePtr below = xml_find(c->children, name, attr, value);
		if (below)
			return below;
	}
	return NULL;
}

static char *xml_text(xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = strdup(t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* ---- the command and its help ------------------------------------------------ */

Test(cli, every_subcommand_has_help)
{
	struct cli_result r, h, alias;
	for (int i = 0; i < NCOMMANDS; i++) {
		char usage[64];
		snprintf(usage, sizeof(usage), "Usage: shmlife %s ", commands[i]);
		cli_run(&r, CLI_ARGS(commands[i], "--help"));
		assert_exit(r, 0);
		cr_assert(starts_with(r.out, usage), "%s --help:\n%s", commands[i], r.out);
		cr_assert(strstr(r.out, "-h, --help"), "%s --help names --help", commands[i]);
		cr_assert(strstr(r.out, "\nExit: "), "%s --help says what the exit statuses are", commands[i]);
		cr_assert_str_empty(r.err);
		cli_run(&h, CLI_ARGS(commands[i], "-h"));
		assert_exit(h, 0);
		cr_assert_str_eq(h.out, r.out);
		cli_run(&alias, CLI_ARGS("help", commands[i]));
		assert_exit(alias, 0);
		cr_assert_str_eq(alias.out, r.out, "`shmlife help %s` is `%s --help`", commands[i], commands[i]);
		cli_result_free(&r);
		cli_result_free(&h);
		cli_result_free(&alias);
	}
}

Test(cli, the_command_lists_its_subcommands)
{
	struct cli_result r, help;
	cli_run(&r, CLI_ARGS("--help"));
	assert_exit(r, 0);
	cr_assert(starts_with(r.out, "Usage: shmlife COMMAND [OPTIONS] [ARGS]\n"), "%s", r.out);
	for (int i = 0; i < NCOMMANDS; i++) {
		char row[32];
		snprintf(row, sizeof(row), "\n  %-8s ", commands[i]);
		cr_assert(strstr(r.out, row), "--help lists %s:\n%s", commands[i], r.out);
	}
	cr_assert_null(strstr(r.out, "__conductor"), "the hidden subcommand stays hidden");
	cli_run(&help, CLI_ARGS("help"));
	assert_exit(help, 0);
	cr_assert_str_eq(help.out, r.out);
	cli_result_free(&help);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("--version"));
	assert_exit(r, 0);
	cr_assert(starts_with(r.out, "shmlife "), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, unknown_and_missing_commands_are_usage_errors)
{
	struct cli_result r;
	cli_run(&r, (const char *const[]){ NULL });
	assert_exit(r, 2);
	cr_assert(starts_with(r.err, "Usage: shmlife COMMAND"), "%s", r.err);
	cr_assert_str_empty(r.out);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("runn"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife: no command 'runn'"), "%s", r.err);
	cr_assert(cli_has_line(r.err, "  did you mean 'run'?"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("help", "runn"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife: no command 'runn'"), "%s", r.err);
	cr_assert(cli_has_line(r.err, "  did you mean 'run'?"), "%s", r.err);
	cli_result_free(&r);

	/* a letter swapped, a prefix of one command; nothing close: no guess */
	const char *const meant[][2] = { { "cehck", "check" }, { "exp", "explore" }, { "lsit", "list" },
					 { "shwo", "show" }, { "fuz", "fuzz" } };
	for (size_t i = 0; i < sizeof(meant) / sizeof(meant[0]); i++) {
		char want[64];
		snprintf(want, sizeof(want), "  did you mean '%s'?", meant[i][1]);
		cli_run(&r, CLI_ARGS(meant[i][0]));
		assert_exit(r, 2);
		cr_assert(cli_has_line(r.err, want), "%s: %s", meant[i][0], r.err);
		cli_result_free(&r);
	}
	cli_run(&r, CLI_ARGS("frobnicate"));
	assert_exit(r, 2);
	cr_assert_null(strstr(r.err, "did you mean"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("__conductor", "x.scn"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife: __conductor is internal: the harness runs it under valgrind"), "%s",
		  r.err);
	cli_result_free(&r);
}

/* A machine that cannot make the sandbox at all (a container without
 * CAP_SYS_ADMIN, no user namespaces) used to SKIP every scenario and exit
 * 0: CI read it as green.  It is one line saying what is missing and what
 * to do, exit 4, and no scenario is reported as run. */
Test(cli, no_sandbox_is_an_error_not_a_green_run)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: drops CAP_SYS_ADMIN from the bounding set to make a machine without namespaces");
	cr_assert_eq(prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0), 0, "PR_CAPBSET_DROP: %s", strerror(errno));
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "--report-dir", cli_path("reports"), "scenarios/rmid"));
	assert_exit(r, 4);
	cr_assert(strstr(r.err, "this machine cannot run scenarios: cannot create IPC, PID and mount namespaces"),
		  "%s", r.err);
	cr_assert(strstr(r.err, "--privileged container"), "%s", r.err);
	cr_assert_null(strstr(r.out, "ok 1"), "a scenario was reported: %s", r.out);
	cli_result_free(&r);

	/* for LTP's kirk the machine is TCONF (32), for kselftest KSFT_SKIP (4) */
	cli_run(&r, CLI_ARGS("run", "--exit-codes=ltp", "--report-dir", cli_path("reports"), "scenarios/rmid"));
	assert_exit(r, 32);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("run", "--exit-codes=kselftest", "--report-dir", cli_path("reports"), "scenarios/rmid"));
	assert_exit(r, 4);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("explore", "--report-dir", cli_path("explore"), "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 4);
	cr_assert(strstr(r.err, "shmlife explore: this machine cannot run scenarios"), "%s", r.err);
	cli_result_free(&r);
}

/* ---- check ------------------------------------------------------------------------ */

Test(cli, check_the_catalog)
{
	char want[64];
	struct cli_result r;
	int n = count_scripts("scenarios");
	cr_assert_gt(n, 1);
	snprintf(want, sizeof(want), "ok %d scripts\n", n);

	cli_run(&r, CLI_ARGS("check", "scenarios"));
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, want);
	cr_assert_str_empty(r.err);
	cli_result_free(&r);

	/* no FILES or DIRS: ./scenarios */
	cli_run(&r, CLI_ARGS("check"));
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, want);
	cli_result_free(&r);

	/* ... or $SHMLIFE_CATALOG, `:`-separated; a path named twice counts once */
	snprintf(want, sizeof(want), "ok %d scripts\n", count_scripts("scenarios/rmid") + count_scripts("scenarios/key"));
	cli_run_in(&r, CLI_ARGS("check"),
		   CLI_ARGS("SHMLIFE_CATALOG=scenarios/rmid:scenarios/key/:scenarios/rmid/rmid-ipcrm.scn"), NULL);
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, want);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("check", "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, "ok 1 script\n");
	cli_result_free(&r);
}

Test(cli, check_prints_every_error_of_every_script)
{
	static const char *const errors[] = {
		("tests/data/bad/errors.scn:4:9: kernel.hostname is not a sysctl of the IPC namespace; "
		 "setting it would change the host"),
		"tests/data/bad/errors.scn:6:7: unknown operation 'shmatt'; did you mean 'shmat'?",
		"tests/data/bad/errors.scn:8:33: unknown errno 'EINVL'; did you mean 'EINVAL'?",
		"tests/data/bad/errors.scn:9:13: unknown name 'a'",
		"tests/data/bad/late-header.scn:5:1: header 'tags' must come before the first step (line 4)",
	};
	struct cli_result r;
	/* a good directory beside the bad one: nothing is said to be ok */
	cli_run(&r, CLI_ARGS("check", "scenarios/rmid", "tests/data/bad"));
	assert_exit(r, 2);
	cr_assert_str_empty(r.out);
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		cr_assert(cli_has_line(r.err, errors[i]), "missing: %s\nstderr:\n%s", errors[i], r.err);
	cr_assert_eq(cli_count(r.err, "\n"), 5, "exactly the five errors:\n%s", r.err);
	cli_result_free(&r);

	/* run and list parse first too: the same errors, nothing runs */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "tests/data/bad/late-header.scn"));
	assert_exit(r, 2);
	cr_assert_str_empty(r.out);
	cr_assert(cli_has_line(r.err, errors[4]), "%s", r.err);
	cr_assert_neq(access(cli_path("out/junit.xml"), F_OK), 0, "nothing was run, no report written");
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("list", "tests/data/bad/errors.scn"));
	assert_exit(r, 2);
	cr_assert_str_empty(r.out);
	cr_assert(cli_has_line(r.err, errors[1]), "%s", r.err);
	cli_result_free(&r);
}

Test(cli, check_refuses_two_scenarios_of_one_name)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("check", "tests/data/dup"));
	assert_exit(r, 2);
	cr_assert_str_empty(r.out);
	cr_assert(cli_has_line(r.err, "tests/data/dup/second.scn:2:1: scenario 'dup-name' is also defined in "
				      "tests/data/dup/first.scn:3"),
		  "%s", r.err);
	cli_result_free(&r);
}

Test(cli, check_usage_errors_and_missing_paths)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("check", "tests/data/no-such-script.scn"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife check: tests/data/no-such-script.scn: No such file or directory"), "%s",
		  r.err);
	cli_result_free(&r);

	cli_run_in(&r, CLI_ARGS("check"), CLI_ARGS("SHMLIFE_CATALOG=scenarios/rmid:no-such-dir"), NULL);
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife check: no-such-dir: No such file or directory"), "%s", r.err);
	cli_result_free(&r);

	/* no FILES, no $SHMLIFE_CATALOG, no ./scenarios */
	cli_run_in(&r, CLI_ARGS("check"), NULL, cli_tmp);
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "shmlife check: no scripts named and no ./scenarios here"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("check", "--strict", "scenarios"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife check: unknown option '--strict'"), "%s", r.err);
	cr_assert(cli_has_line(r.err, "Try 'shmlife check --help'."), "%s", r.err);
	cli_result_free(&r);

	/* a directory without scripts: zero of them, all valid */
	cli_run(&r, CLI_ARGS("check", cli_tmp));
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, "ok 0 scripts\n");
	cli_result_free(&r);
}

Test(cli, check_searches_directories_for_scripts_and_takes_files_as_given)
{
	static const char script[] = "scenario %s\nactors: owner\nowner exit 0\n";
	char text[128];
	cr_assert_eq(mkdir(cli_path("tree"), 0755), 0);
	cr_assert_eq(mkdir(cli_path("tree/sub"), 0755), 0);
	cr_assert_eq(mkdir(cli_path("tree/.hidden"), 0755), 0);
	cr_assert_eq(mkdir(cli_path("tree/cycle"), 0755), 0);
	snprintf(text, sizeof(text), script, "top-level");
	write_file(cli_path("tree/a.scn"), text);
	snprintf(text, sizeof(text), script, "below");
	write_file(cli_path("tree/sub/b.scn"), text);
	snprintf(text, sizeof(text), script, "not-a-script-name");
	write_file(cli_path("tree/sub/notes.txt"), text);
	write_file(cli_path("tree/.skipped.scn"), "not a script at all\n");
	write_file(cli_path("tree/.hidden/c.scn"), "not a script either\n");
	/* loops: a directory met again below itself is not searched again */
	cr_assert_eq(symlink("../cycle", cli_path("tree/cycle/back")), 0);
	cr_assert_eq(symlink("..", cli_path("tree/sub/up")), 0); /* else tree/sub/up/a.scn would be a.scn again */
	cr_assert_eq(symlink("nowhere.scn", cli_path("tree/dangling.scn")), 0); /* no file: not a script */

	struct cli_result r;
	cli_run(&r, CLI_ARGS("check", cli_path("tree")));
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, "ok 2 scripts\n");
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("list", cli_path("tree/"), cli_path("tree/sub/notes.txt")));
	assert_exit(r, 0);
	char names[4][64];
	cr_assert_eq(list_names(r.out, names, 4), 3, "%s", r.out);
	/* by path: tree/a.scn, tree/sub/b.scn, tree/sub/notes.txt */
	cr_assert_str_eq(names[0], "top-level");
	cr_assert_str_eq(names[1], "below");
	cr_assert_str_eq(names[2], "not-a-script-name");
	cli_result_free(&r);
}

/* ---- list ---------------------------------------------------------------------------- */

Test(cli, list_names_tags_and_descriptions_in_catalog_order)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("list", "--filter", "rmid-twice-*", "--filter", "key-private-is-zero", "scenarios"));
	assert_exit(r, 0);
	cr_assert_str_empty(r.err);
	/* columns: the widest name + 2, the widest tags + 2, the description's
	 * first line; what the parser reads from the same scripts */
	static const char *const files[] = { "scenarios/key/key-private-is-zero.scn",
					      "scenarios/rmid/rmid-twice-attached.scn",
					      "scenarios/rmid/rmid-twice-unattached.scn" };
	char tags[3][256], want[3][1024];
	struct sl_scenario *sc[3];
	int wname = 0, wtags = 0;
	for (int i = 0; i < 3; i++) {
		struct sl_diags d = { 0 };
		sc[i] = sl_parse_file(files[i], &d);
		sl_diags_free(&d);
		cr_assert_not_null(sc[i], "%s", files[i]);
		tags[i][0] = '\0';
		for (int t = 0; t < sc[i]->ntags; t++)
			snprintf(tags[i] + strlen(tags[i]), sizeof(tags[i]) - strlen(tags[i]), "%s%s", t ? "," : "",
				 sc[i]->tags[t]);
		wname = (int)strlen(sc[i]->name) > wname ? (int)strlen(sc[i]->name) : wname;
		wtags = (int)strlen(tags[i]) > wtags ? (int)strlen(tags[i]) : wtags;
	}
	for (int i = 0; i < 3; i++) {
		const char *desc = sc[i]->description ? sc[i]->description : "";
		snprintf(want[i], sizeof(want[i]), "%-*s%-*s%.*s", wname + 2, sc[i]->name, wtags + 2, tags[i],
			 (int)strcspn(desc, "\n"), desc);
		sl_scenario_free(sc[i]);
	}
	cr_assert_eq(cli_count(r.out, "\n"), 3, "%s", r.out);
	const char *line = r.out;
	for (int i = 0; i < 3; i++) {
		size_t len = strcspn(line, "\n");
		cr_assert(strlen(want[i]) == len && strncmp(line, want[i], len) == 0, "line %d:\n%s\nwanted:\n%s", i + 1,
			  r.out, want[i]);
		line += len + 1;
	}
	cr_assert(starts_with(r.out, "key-private-is-zero    key,ipcs,lifecycle,study  "), "%s", r.out);
	cli_result_free(&r);

	/* a tag matches too; no tags is `-`, no description nothing */
	cli_run(&r, CLI_ARGS("list", "--filter", "cli-test", "tests/data/claims", "tests/data/dup/first.scn"));
	assert_exit(r, 0);
	char names[8][64];
	cr_assert_eq(list_names(r.out, names, 8), 4, "%s", r.out);
	cr_assert_str_eq(names[0], "claims-disagrees");
	cr_assert_str_eq(names[1], "claims-not-here");
	cr_assert_str_eq(names[2], "claims-process-evidence");
	cr_assert_str_eq(names[3], "claims-unsettled");
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("list", "tests/data/dup/first.scn"));
	assert_exit(r, 0);
	cr_assert_str_eq(r.out, "dup-name  -  \n");
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("list", "--filter"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife list: unknown option or missing value: '--filter'"), "%s", r.err);
	cli_result_free(&r);
}

/* ---- show ---------------------------------------------------------------------------- */

/* The text of one step's entry in `show`'s trace: from its heading to the
 * next entry; malloc'ed, NULL if absent. */
static char *show_entry(const char *out, int number, int line)
{
	char head[64];
	snprintf(head, sizeof(head), "  step %d, line %d, ", number, line);
	const char *p = strstr(out, head);
	if (!p)
		return NULL;
	const char *end = strstr(p + 1, "\n+");
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

Test(cli, show_prints_every_step_with_the_kernels_answer_and_a_snapshot)
{
	const char *file = "scenarios/rmid/rmid-twice-unattached.scn";
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(file, &d);
	cr_assert_not_null(s);
	sl_diags_free(&d);
	struct cli_result r;
	cli_run(&r, CLI_ARGS("show", "rmid-twice-unattached", "scenarios/rmid"));
	assert_exit(r, 0);
	cr_assert(starts_with(r.out, "scenario: rmid-twice-unattached\nfile: scenarios/rmid/rmid-twice-unattached.scn:"),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "tags: rmid lifecycle study"), "%s", r.out);
	cr_assert(strstr(r.out, "\nclaim rmid-repeatable-unattached: shmctl(IPC_RMID) may be called several times"),
		  "%s", r.out);
	cr_assert(strstr(r.out, "(the kernel is expected to disagree)\n"), "%s", r.out);
	cr_assert(strstr(r.out, "\noutcome: PASS in "), "%s", r.out);
	cr_assert_null(strstr(r.out, "not reached:"), "every step ran");
	for (int k = 0; k < s->nsteps; k++) {
		const struct sl_step *st = &s->steps[k];
		char *e = show_entry(r.out, k + 1, st->line);
		cr_assert_not_null(e, "no entry for step %d (line %d):\n%s", k + 1, st->line, r.out);
		cr_assert(strstr(e, "verdict: PASS"), "%s", e);
		if (st->op != SL_OP_EXPECT)
			cr_assert(strstr(e, "\n            kernel: "), "the kernel's answer:\n%s", e);
		/* the snapshot after every step: the segment, or the namespace */
		cr_assert(strstr(e, "segment seg: shmid") || strstr(e, "segment again: shmid") ||
				  strstr(e, "namespace: segments SHM_INFO"),
			  "a snapshot:\n%s", e);
		free(e);
	}
	char *first = show_entry(r.out, 1, s->steps[0].line);
	cr_assert(strstr(first, "kernel: returned 0, took "), "%s", first);
	cr_assert(strstr(first, "IPC_STAT             /proc/sysvipc/shm"), "both views side by side:\n%s", first);
	free(first);
	char *einval = show_entry(r.out, 7, 16);
	cr_assert(strstr(einval, "kernel: failed with EINVAL (Invalid argument)"), "%s", einval);
	cr_assert(strstr(einval, "verdict: PASS (expected fails with EINVAL)"), "%s", einval);
	free(einval);
	cr_assert(strstr(r.out, "  end\n            outcome: PASS\n"), "%s", r.out);
	cli_result_free(&r);
	sl_scenario_free(s);
}

Test(cli, show_a_failing_script_by_path_lists_the_steps_never_reached)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("show", "--timeout", "20", "tests/failing/rmid-twice-succeeds.scn"));
	assert_exit(r, 1);
	cr_assert(strstr(r.out, "\noutcome: FAIL in "), "%s", r.out);
	cr_assert(cli_has_line(r.out, "reason: line 10: owner shmctl seg IPC_RMID: expected success; kernel said -1 "
				      "EINVAL"),
		  "%s", r.out);
	char *e = show_entry(r.out, 3, 10);
	cr_assert_not_null(e, "%s", r.out);
	cr_assert(strstr(e, "kernel: failed with EINVAL"), "%s", e);
	cr_assert(strstr(e, "verdict: FAIL (expected success)"), "%s", e);
	free(e);
	cr_assert(strstr(r.out, "\nnot reached:\n  step 4, line 11: expect seg gone\n"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, show_snapshots_of_processes_maps_and_leaks)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("show", "tests/data/claims/process-evidence.scn"));
	assert_exit(r, 0);
	char *e = show_entry(r.out, 4, 16);
	cr_assert_not_null(e, "%s", r.out);
	cr_assert(strstr(e, "\n            process "), "the process view:\n%s", e);
	cr_assert(strstr(e, " (shmlife): state "), "%s", e);
	cr_assert(strstr(e, "signals ignored 0 caught 0x1 pending 0\n"), "SIGHUP (bit 0) caught:\n%s", e);
	cr_assert(strstr(e, "cwd /, 3 fds: 0=/dev/null, 1=/dev/null, 2=/dev/null"), "%s", e);
	free(e);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "key-private-is-zero", "scenarios/key"));
	assert_exit(r, 0);
	e = show_entry(r.out, 4, 14);
	cr_assert_not_null(e, "%s", r.out);
	cr_assert(strstr(e, "maps of pid "), "%s", e);
	cr_assert(strstr(e, ": 1 SYSV mapping\n"), "%s", e);
	cr_assert(strstr(e, " SYSV00000000 shmid 0 rw (deleted)"), "%s", e);
	free(e);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "tests/failing/leaks-a-segment.scn"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "leaked segments: 1"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, show_usage_errors)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("show"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife show: which scenario?"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "no-such-scenario", "scenarios/rmid"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife show: no scenario named 'no-such-scenario' among 5"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "twice", "scenarios/rmid"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "  did you mean rmid-twice-attached (scenarios/rmid/rmid-twice-attached.scn)?"),
		  "%s", r.err);
	cr_assert(cli_has_line(r.err, "  did you mean rmid-twice-unattached (scenarios/rmid/rmid-twice-unattached.scn)?"),
		  "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "--timeout", "soon", "rmid-ipcrm"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife show: --timeout wants a number of seconds above 0 (like 5 or 0.25), not 'soon'"), "%s",
		  r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "--snapshot", "rmid-ipcrm"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife show: unknown option or missing value: '--snapshot'"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("show", "dup-name", "tests/data/dup"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "scenario 'dup-name' is also defined in"), "%s", r.err);
	cli_result_free(&r);
}

/* ---- run ------------------------------------------------------------------------------ */

Test(cli, run_filter_selects_by_name_and_tag_in_catalog_order)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "-j", "2", "--report-dir", cli_path("out"), "--filter", "rmid-twice-*",
			     "--filter", "key-private-is-zero", "scenarios"));
	assert_exit(r, 0);
	tap_without_system(r.out);
	cr_assert_str_eq(r.out, "TAP version 13\n"
				"1..3\n"
				"ok 1 - key-private-is-zero\n"
				"ok 2 - rmid-twice-attached\n"
				"ok 3 - rmid-twice-unattached\n"
				"3 passed, 0 failed, 0 skipped\n");
	cr_assert_str_empty(r.err, "-q: no progress");
	cli_result_free(&r);

	/* a tag, and TAP version 14 on request */
	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--filter", "cli-test", "tests/data/claims"),
		   CLI_ARGS("SHMLIFE_TAP_VERSION=14"), NULL);
	assert_exit(r, 1);
	tap_without_system(r.out);
	cr_assert(starts_with(r.out, "TAP version 14\n1..4\nok 1 - claims-disagrees\n"), "%s", r.out);
	cr_assert(strstr(r.out, "\nok 2 - claims-not-here # SKIP needs kernel >= 999.0 (this is "), "%s", r.out);
	cr_assert(cli_has_line(r.out, "ok 3 - claims-process-evidence"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "not ok 4 - claims-unsettled"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "2 passed, 1 failed, 1 skipped"), "%s", r.out);
	cli_result_free(&r);

	/* nothing matches: an empty plan, said on stderr */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--filter", "no-such-*", "scenarios"));
	assert_exit(r, 0);
	tap_without_system(r.out);
	cr_assert_str_eq(r.out, "TAP version 13\n1..0\n0 passed, 0 failed, 0 skipped\n");
	cr_assert(cli_has_line(r.err, "shmlife run: no scenario selected"), "%s", r.err);
	cli_result_free(&r);
}

static void open_pty(int fds[2], unsigned short columns);

/* The end of a run says what did not pass: outcome, name, file:line and
 * reason, on stderr with the counts when stdout is not a terminal; -v adds
 * the skips, -qq says nothing; --color and NO_COLOR decide the colours. */
Test(cli, run_ends_with_a_recap_of_what_did_not_pass)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-j", "2", "--report-dir", cli_path("out"), "--filter", "rmid-twice-succeeds",
			     "--filter", "wrong-death", "tests/failing"));
	assert_exit(r, 1);
	const char *recap = strstr(r.err, "2 of 2 did not pass:\n");
	cr_assert_not_null(recap, "%s", r.err);
	cr_assert(cli_has_line(recap, "  FAIL     rmid-twice-succeeds  tests/failing/rmid-twice-succeeds.scn:10  "
				      "line 10: owner shmctl seg IPC_RMID: expected success; kernel said -1 EINVAL"),
		  "%s", r.err);
	cr_assert(strstr(recap, "  FAIL     wrong-death  tests/failing/wrong-death.scn:7  line 7: "), "%s", r.err);
	cr_assert(cli_has_line(recap, "0 passed, 2 failed, 0 skipped"), "the counts end stderr:\n%s", r.err);
	cr_assert_null(strchr(r.err, '\033'), "no colour in a pipe: %s", r.err);
	cr_assert_null(strchr(r.out, '\033'), "no colour in a pipe: %s", r.out);
	cli_result_free(&r);

	/* -q: no progress, no counts, the recap stays; -qq: nothing */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--filter", "wrong-death", "tests/failing"));
	assert_exit(r, 1);
	cr_assert(starts_with(r.err, "1 of 1 did not pass:\n  FAIL     wrong-death  "), "%s", r.err);
	cr_assert_null(strstr(r.err, "0 passed"), "%s", r.err);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("run", "-qq", "--report-dir", cli_path("out"), "--filter", "wrong-death", "tests/failing"));
	assert_exit(r, 1);
	cr_assert_str_empty(r.err);
	cli_result_free(&r);

	/* -v: the skips too, with why */
	cli_run(&r, CLI_ARGS("run", "-q", "-v", "--report-dir", cli_path("out"), "--filter", "claims-not-here",
			     "tests/data/claims"));
	assert_exit(r, 0);
	cr_assert(strstr(r.err, "1 of 1 did not pass or were skipped:\n  SKIP     claims-not-here  "
				"tests/data/claims/not-here.scn:"), "%s", r.err);
	cr_assert(strstr(r.err, ":3  needs kernel >= 999.0"), "%s", r.err);
	cli_result_free(&r);

	/* --color=always: TAP's `not ok` and the recap's outcome in red */
	cli_run(&r, CLI_ARGS("run", "--color=always", "--report-dir", cli_path("out"), "--filter", "wrong-death",
			     "tests/failing"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "\033[1;31mnot ok\033[0m 1 - wrong-death"), "%s", r.out);
	cr_assert(strstr(r.err, "  \033[1;31mFAIL\033[0m     wrong-death  "), "%s", r.err);
	cli_result_free(&r);

	/* auto on a terminal: colour, unless NO_COLOR says no */
	for (int no_color = 0; no_color < 2; no_color++) {
		int pty[2];
		struct cli_proc c;
		open_pty(pty, 200);
		cli_start(&c, &r, CLI_ARGS("run", "--report-dir", cli_path("out"), "--filter", "wrong-death",
					   "tests/failing"),
			  no_color ? CLI_ARGS("NO_COLOR=1") : CLI_ARGS("TERM=xterm"), NULL, pty);
		cli_finish(&c);
		assert_exit(r, 1);
		cr_assert(strstr(r.err, "1 of 1 did not pass:"), "%s", r.err);
		if (no_color)
			cr_assert_null(strstr(r.err, "\033[1;31m"), "NO_COLOR: %s", r.err);
		else
			cr_assert(strstr(r.err, "\033[1;31mFAIL\033[0m"), "%s", r.err);
		cr_assert_null(strchr(r.out, '\033'), "stdout is a pipe: %s", r.out);
		cli_result_free(&r);
	}

	cli_run(&r, CLI_ARGS("run", "--color=rainbow", "--report-dir", cli_path("out"), "tests/failing"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife run: --color wants auto, always or never, not 'rainbow'"), "%s", r.err);
	cr_assert_str_empty(r.out, "nothing ran");
	cli_result_free(&r);
}

/* --fail-fast: after the first scenario that did not pass, nothing new
 * starts; the rest is SKIP, saying why; without it, everything runs. */
Test(cli, run_fail_fast_starts_nothing_after_a_failure)
{
	struct cli_result r;
	const char *const select[] = { "--filter", "rmid-twice*", "--filter", "wrong-death" };
	cli_run(&r, CLI_ARGS("run", "-q", "-j", "1", "--fail-fast", "--report-dir", cli_path("out"), select[0],
			     select[1], select[2], select[3], "scenarios", "tests/failing"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "ok 2 - rmid-twice-unattached"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "not ok 3 - rmid-twice-succeeds"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "ok 4 - wrong-death # SKIP not run: --fail-fast: rmid-twice-succeeds was FAIL"),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "2 passed, 1 failed, 1 skipped"), "%s", r.out);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("run", "-q", "-j", "1", "--report-dir", cli_path("out"), select[0], select[1], select[2],
			     select[3], "scenarios", "tests/failing"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "not ok 4 - wrong-death"), "without --fail-fast it runs:\n%s", r.out);
	cli_result_free(&r);
}

/* SHMLIFE_TIMEOUT_MUL (as LTP's LTP_TIMEOUT_MUL) stretches every limit: a
 * script's own step limit and --timeout; the reasons say the limit used.  A
 * value that is not a number from 1 to 1000 is refused before anything runs. */
Test(cli, run_timeout_mul_stretches_every_limit)
{
	struct cli_result r;
	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "tests/failing/hangs-in-exec.scn"),
		   CLI_ARGS("SHMLIFE_TIMEOUT_MUL=1.5"), NULL);
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "  reason: \"line 9: owner exec /bin/sleep 100: actor owner did not answer "
				      "within 1500 ms\""), "the script's 1 s step limit times 1.5:\n%s", r.out);
	cli_result_free(&r);

	cli_run_in(&r, CLI_ARGS("run", "-q", "--timeout", "0.25", "--report-dir", cli_path("out"),
				"tests/data/signal/a-hangs.scn"), CLI_ARGS("SHMLIFE_TIMEOUT_MUL=2"), NULL);
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "  reason: \"scenario did not finish within 500 ms\""), "%s", r.out);
	cli_result_free(&r);

	const char *const bad[] = { "0.5", "0", "x", "2x", "1e3", "-2", "1001", "1..5", "." };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char env[64], want[160];
		snprintf(env, sizeof(env), "SHMLIFE_TIMEOUT_MUL=%s", bad[i]);
		snprintf(want, sizeof(want), "shmlife run: SHMLIFE_TIMEOUT_MUL wants a number from 1 to 1000 "
					     "(like 2 or 1.5), not '%s'", bad[i]);
		cli_run_in(&r, CLI_ARGS("run", "--report-dir", cli_path("out"), "tests/failing"), CLI_ARGS(env), NULL);
		assert_exit(r, 2);
		cr_assert(cli_has_line(r.err, want), "%s\nwanted: %s", r.err, want);
		cr_assert_str_empty(r.out, "nothing ran");
		cli_result_free(&r);
	}
}

/* --exit-codes=ltp|kselftest: the statuses LTP's kirk and the kselftest
 * runner read: a pass 0, a failure 1 (TFAIL, KSFT_FAIL), a run in which
 * nothing ran (all skipped, nothing selected) TCONF 32 or KSFT_SKIP 4. */
Test(cli, run_exit_codes_for_ltp_and_kselftest)
{
	static const struct {
		const char *codes, *filter, *dir;
		int status;
	} cases[] = {
		{ "shmlife", "key-private-is-zero", "scenarios", 0 },
		{ "ltp", "key-private-is-zero", "scenarios", 0 },
		{ "kselftest", "key-private-is-zero", "scenarios", 0 },
		{ "shmlife", "wrong-death", "tests/failing", 1 },
		{ "ltp", "wrong-death", "tests/failing", 1 },
		{ "kselftest", "wrong-death", "tests/failing", 1 },
		{ "shmlife", "claims-not-here", "tests/data/claims", 0 },
		{ "ltp", "claims-not-here", "tests/data/claims", 32 },
		{ "kselftest", "claims-not-here", "tests/data/claims", 4 },
		{ "ltp", "claims-*", "tests/data/claims", 1 },       /* a pass, a skip and a FAIL */
		{ "ltp", "no-such-scenario", "scenarios", 32 },
		{ "kselftest", "no-such-scenario", "scenarios", 4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_result r;
		char codes[64];
		snprintf(codes, sizeof(codes), "--exit-codes=%s", cases[i].codes);
		cli_run(&r, CLI_ARGS("run", "-qq", codes, "--report-dir", cli_path("out"), "--filter", cases[i].filter,
				     cases[i].dir));
		cr_assert_eq(r.status, cases[i].status, "%s --filter %s %s: exit %d, not %d\n%s", codes,
			     cases[i].filter, cases[i].dir, r.status, cases[i].status, r.err);
		cli_result_free(&r);
	}
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "--exit-codes", "kirk", "--report-dir", cli_path("out"), "scenarios"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife run: --exit-codes wants shmlife, ltp or kselftest, not 'kirk'"), "%s",
		  r.err);
	cli_result_free(&r);
}

/* --retries N: a scenario that did not pass runs again; a pass on a retry
 * is flaky, counted apart, and the run passes; one that keeps failing
 * fails after N+1 attempts. */
Test(cli, run_retries_a_failure_and_counts_a_late_pass_as_flaky)
{
	char text[512], flag[256];
	snprintf(flag, sizeof(flag), "%s/flag", cli_tmp);
	snprintf(text, sizeof(text),
		 "scenario fails-first\n"
		 "description: fails the first time only: mkdir fails when the directory is there already\n"
		 "actors: owner\n"
		 "owner exec /bin/sh -c \"mkdir %s || exit 0; exit 1\"\n", flag);
	write_file(cli_path("fails-first.scn"), text);
	struct cli_result r;
	cli_run_in(&r, CLI_ARGS("run", "-q", "--retries", "2", "--report-dir", "out", "fails-first.scn"), NULL,
		   cli_tmp);
	assert_exit(r, 0);
	cr_assert(cli_has_line(r.out, "ok 1 - fails-first"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  flaky: true"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  attempts: 2"), "%s", r.out);
	cr_assert(strstr(r.out, "  reason: \"passed on attempt 2; attempt 1: FAIL: line 4: owner exec "), "%s", r.out);
	cr_assert(cli_has_line(r.out, "0 passed, 0 failed, 0 skipped, 1 passed on a retry"), "%s", r.out);
	cr_assert(strstr(r.err, "flaky:\n  FLAKY    fails-first  fails-first.scn:"), "%s", r.err);
	cli_result_free(&r);

	struct json_object *j = json_file(cli_path("out/results.json"));
	cr_assert_eq(jint(jget(j, "totals"), "passed_on_retry"), 1);
	cr_assert_eq(jint(jget(j, "totals"), "passed"), 0);
	cr_assert_eq(jint(jget(j, "totals"), "flaky"), 1);
	cr_assert_eq(jint(json_scenario(j, "fails-first"), "attempts"), 2);
	json_object_put(j);
	xmlDocPtr doc = xml_file(cli_path("out/junit.xml"));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr suite = xml_find(root->children, "testsuite", "name", "top");
	xmlNodePtr tc = suite ? xml_find(suite->children, "testcase", "name", "fails-first") : NULL;
	cr_assert_not_null(tc);
	cr_assert_null(xml_find(tc->children, "failure", NULL, NULL), "a pass on a retry is a pass");
	xmlNodePtr out = xml_find(suite->children, "system-out", NULL, NULL);
	cr_assert_not_null(out, "said in the suite's system-out");
	char *body = xml_text(out);
	cr_assert(strstr(body, "flaky: fails-first: passed on attempt 2; attempt 1: FAIL: "), "%s", body);
	free(body);
	xmlFreeDoc(doc);

	/* without --retries it fails (the flag is gone again) */
	cr_assert_eq(rmdir(flag), 0, "%s: %s", flag, strerror(errno));
	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", "out", "fails-first.scn"), NULL, cli_tmp);
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "not ok 1 - fails-first"), "%s", r.out);
	cli_result_free(&r);
	rmdir(flag);

	/* a failure that stays: N+1 attempts, then FAIL */
	cli_run(&r, CLI_ARGS("run", "-q", "--retries", "2", "--report-dir", cli_path("out"), "--filter", "wrong-death",
			     "tests/failing"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "not ok 1 - wrong-death"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  attempts: 3"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "0 passed, 1 failed, 0 skipped"), "%s", r.out);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("run", "--retries", "-1", "--report-dir", cli_path("out"), "tests/failing"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife run: --retries wants a whole number from 0 to 100, not '-1'"), "%s",
		  r.err);
	cli_result_free(&r);
}

/* --rerun-failed: only the scenarios that did not pass in the last run of
 * the report directory; nothing when everything passed; an error when there
 * was no run there, or the file is not shmlife's. */
Test(cli, run_rerun_failed_runs_what_did_not_pass_last_time)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-qq", "-j", "2", "--report-dir", cli_path("out"), "--filter", "rmid-twice*",
			     "--filter", "wrong-death", "scenarios", "tests/failing"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "1..4"), "%s", r.out);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("run", "-qq", "--rerun-failed", "--report-dir", cli_path("out"), "scenarios",
			     "tests/failing"));
	assert_exit(r, 1);
	tap_without_system(r.out);
	cr_assert(starts_with(r.out, "TAP version 13\n1..2\nnot ok 1 - rmid-twice-succeeds\n"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "not ok 2 - wrong-death"), "%s", r.out);
	cli_result_free(&r);

	/* with --filter too: both must hold */
	cli_run(&r, CLI_ARGS("run", "-qq", "--rerun-failed", "--filter", "wrong-*", "--report-dir", cli_path("out"),
			     "scenarios", "tests/failing"));
	assert_exit(r, 1);
	tap_without_system(r.out);
	cr_assert(starts_with(r.out, "TAP version 13\n1..1\nnot ok 1 - wrong-death\n"), "%s", r.out);
	cli_result_free(&r);

	/* the last run passed: nothing to run, and it says so */
	cli_run(&r, CLI_ARGS("run", "-qq", "--report-dir", cli_path("pass"), "--filter", "key-private-is-zero",
			     "scenarios"));
	assert_exit(r, 0);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("run", "-qq", "--rerun-failed", "--report-dir", cli_path("pass"), "scenarios"));
	assert_exit(r, 0);
	cr_assert(cli_has_line(r.out, "1..0"), "%s", r.out);
	cr_assert(cli_has_line(r.err, "shmlife run: --rerun-failed: every scenario of the last run passed or was "
				      "skipped"), "%s", r.err);
	cli_result_free(&r);

	/* no earlier run; not shmlife's file */
	cli_run(&r, CLI_ARGS("run", "--rerun-failed", "--report-dir", cli_path("none"), "scenarios"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "shmlife run: --rerun-failed: no earlier run to read: "), "%s", r.err);
	cr_assert(strstr(r.err, "none/results.json: No such file or directory"), "%s", r.err);
	cr_assert_str_empty(r.out);
	cli_result_free(&r);
	write_file(cli_path("pass/results.json"), "{\"format\": \"something-else\", \"scenarios\": []}\n");
	cli_run(&r, CLI_ARGS("run", "--rerun-failed", "--report-dir", cli_path("pass"), "scenarios"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "pass/results.json is not the results.json of a shmlife run"), "%s", r.err);
	cli_result_free(&r);
}

/* A run's report folder holds that run's reports or none: a run that stops
 * early (a script error, bad usage, no scenario there) leaves no report of
 * an earlier run for CI to publish as if it were this one's. */
Test(cli, run_that_stops_early_leaves_no_stale_reports)
{
	static const char *const reports[] = { "junit.xml", "results.json", "index.html" };
	const char *const early[][4] = {
		{ "tests/data/bad", NULL },                        /* script errors: 2 */
		{ "--jobs", "0", "scenarios", NULL },              /* bad usage: 2 */
		{ "--no-such-option", "scenarios", NULL },         /* bad usage before --report-dir */
		{ "tests/data/no-such-dir", NULL },                /* a path that is not there: 2 */
	};
	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++) {
		struct cli_result r;
		cli_run(&r, CLI_ARGS("run", "-qq", "--report-dir", cli_path("out"), "--filter", "key-private-is-zero",
				     "scenarios"));
		assert_exit(r, 0);
		cli_result_free(&r);
		for (size_t k = 0; k < 3; k++) {
			char name[64];
			snprintf(name, sizeof(name), "out/%s", reports[k]);
			cr_assert_eq(access(cli_path(name), F_OK), 0, "the passing run wrote %s", name);
		}
		const char *args[8] = { "run" };
		int na = 1;
		if (i == 2)
			args[na++] = early[i][0];
		args[na++] = "--report-dir";
		args[na++] = cli_path("out");
		for (int k = i == 2 ? 1 : 0; early[i][k]; k++)
			args[na++] = early[i][k];
		args[na] = NULL;
		cli_run(&r, args);
		assert_exit(r, 2);
		for (size_t k = 0; k < 3; k++) {
			char name[64];
			snprintf(name, sizeof(name), "out/%s", reports[k]);
			cr_assert_neq(access(cli_path(name), F_OK), 0, "case %zu: the earlier run's %s is still there", i,
				      name);
		}
		cli_result_free(&r);
	}
}

/* Appends `classname/name:outcome-element` of every test case below n. */
static void junit_cases(xmlNodePtr n, char *buf, size_t len)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "testcase") == 0) {
			char *cls = xml_attr(c, "classname"), *name = xml_attr(c, "name");
			const char *kind = xml_find(c->children, "failure", NULL, NULL)  ? "failure"
					   : xml_find(c->children, "error", NULL, NULL)   ? "error"
					   : xml_find(c->children, "skipped", NULL, NULL) ? "skipped"
											  : "pass";
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%s/%s:%s\n", cls, name, kind);
			free(cls);
			free(name);
			continue;
		}
		junit_cases(c->children, buf, len);
	}
}

/* Drops the lines of TAP that say how long a scenario took. */
static void drop_durations(char *tap)
{
	char *w = tap;
	for (char *line = tap; *line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line + 1) : strlen(line);
		if (strncmp(line, "  duration_ms: ", 15) != 0) {
			memmove(w, line, len);
			w += len;
		}
		line += len;
	}
	*w = '\0';
}

/* `shmlife merge`: the catalog split into three shards, each run apart, then
 * merged, gives what one unsharded run gives (TAP but for the durations, the
 * JUnit test cases and outcomes, the exit status), and the merged
 * results.json holds every shard's scenarios exactly as the shard wrote
 * them.  Overlapping shards and files that are not results are refused. */
Test(cli, merge_of_shards_is_the_unsharded_run)
{
	const char *sel[] = { "--filter", "rmid-*", "--filter", "key-*", "--filter", "wrong-death", "--filter",
			      "leaks-a-segment", "--filter", "program-output", "--filter", "session-keys-foreground" };
	/* (programs' output and a terminal's too) */
	struct cli_result all, merged, r;
	cli_run(&all, CLI_ARGS("run", "-qq", "-j", "2", "--report-dir", cli_path("all"), sel[0], sel[1], sel[2], sel[3],
			       sel[4], sel[5], sel[6], sel[7], sel[8], sel[9], sel[10], sel[11], "scenarios", "tests/failing"));
	assert_exit(all, 1);
	for (int i = 1; i <= 3; i++) {
		char shard[16], dir[16];
		snprintf(shard, sizeof(shard), "%d/3", i);
		snprintf(dir, sizeof(dir), "s%d", i);
		cli_run(&r, CLI_ARGS("run", "-qq", "-j", "2", "--shard", shard, "--report-dir", cli_path(dir), sel[0],
				     sel[1], sel[2], sel[3], sel[4], sel[5], sel[6], sel[7], sel[8], sel[9], sel[10], sel[11],
				     "scenarios", "tests/failing"));
		cr_assert(r.status == 0 || r.status == 1, "shard %s: exit %d\n%s", shard, r.status, r.err);
		cli_result_free(&r);
	}
	cli_run(&merged, CLI_ARGS("merge", "--report-dir", cli_path("merged"), cli_path("s1/results.json"),
				  cli_path("s2/results.json"), cli_path("s3/results.json")));
	assert_exit(merged, 1);
	drop_durations(all.out);
	drop_durations(merged.out);
	cr_assert_str_eq(merged.out, all.out, "merged TAP:\n%s\nunsharded:\n%s", merged.out, all.out);
	cr_assert(strstr(merged.err, "3 of 18 did not pass:"), "the recap: %s", merged.err);
	cli_result_free(&all);
	cli_result_free(&merged);

	/* results.json: each shard's scenario objects, unchanged, in catalog order */
	struct json_object *m = json_file(cli_path("merged/results.json")), *list = jget(m, "scenarios");
	cr_assert_eq(json_object_array_length(list), 18);
	cr_assert_eq(jint(jget(m, "totals"), "failed"), 3);
	int found = 0;
	for (int i = 1; i <= 3; i++) {
		char path[32];
		snprintf(path, sizeof(path), "s%d/results.json", i);
		struct json_object *s = json_file(cli_path(path)), *mine = jget(s, "scenarios");
		for (size_t k = 0; k < json_object_array_length(mine); k++) {
			struct json_object *one = json_object_array_get_idx(mine, k);
			struct json_object *same = json_scenario(m, jstr(one, "display_name"));
			cr_assert_not_null(same, "%s is not in the merge", jstr(one, "display_name"));
			cr_assert(json_object_equal(one, same), "%s differs after the merge", jstr(one, "display_name"));
			found++;
		}
		json_object_put(s);
	}
	cr_assert_eq(found, 18);
	cr_assert_gt(json_object_array_length(jget(json_scenario(m, "program-output"), "outputs")), 0,
		     "the programs' output came through the merge");
	json_object_put(m);

	/* junit.xml: the unsharded run's test cases and outcomes, in order */
	xmlDocPtr a = xml_file(cli_path("all/junit.xml")), b = xml_file(cli_path("merged/junit.xml"));
	char cases_a[2048] = "", cases_b[2048] = "";
	junit_cases(xmlDocGetRootElement(a), cases_a, sizeof(cases_a));
	junit_cases(xmlDocGetRootElement(b), cases_b, sizeof(cases_b));
	cr_assert(strstr(cases_a, "shmlife.failing/wrong-death:failure"), "%s", cases_a);
	cr_assert_str_eq(cases_b, cases_a);
	xmlFreeDoc(a);
	xmlFreeDoc(b);

	/* overlapping shards; not a results.json; nothing to merge */
	cli_run(&r, CLI_ARGS("merge", "--report-dir", cli_path("bad"), cli_path("s1/results.json"),
			     cli_path("s1/results.json")));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "is in two of the files: the shards overlap"), "%s", r.err);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("merge", "--report-dir", cli_path("bad"), cli_path("s1/junit.xml")));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "s1/junit.xml: not JSON that can be read"), "%s", r.err);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("merge"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife merge: which results.json files?"), "%s", r.err);
	cli_result_free(&r);
}

/* Debian 12's prove (Test::Harness 3.44) reads the default stream straight
 * from a pipe with no environment variable; it rejects `TAP version 14`, which
 * --tap-version=14 or SHMLIFE_TAP_VERSION=14 still give. */
static int run_into_prove(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "\"$SHMLIFE_BIN\" run -q -j 2 --report-dir '%s' --filter 'rmid-twice-*' "
		 "--filter key-private-is-zero scenarios | prove -e cat /dev/stdin >'%s' 2>&1",
		 cli_path("out"), cli_path("prove.txt"));
	int status = system(cmd);
	cr_assert(WIFEXITED(status), "%s", cmd);
	return WEXITSTATUS(status);
}

Test(cli, run_tap_is_read_by_prove_by_default)
{
	struct cli_result r;

	if (system("command -v prove >/dev/null 2>&1") != 0)
		cr_skip_test("prove is not installed (Debian: perl)");
	unsetenv("SHMLIFE_TAP_VERSION");
	int rc = run_into_prove();
	char *said = cli_slurp(cli_path("prove.txt"));
	cr_assert_not_null(said);
	cr_assert_eq(rc, 0, "prove exited %d: %s", rc, said);
	cr_assert(strstr(said, "Tests=3,") && strstr(said, "Result: PASS"), "%s", said);
	free(said);

	cli_run(&r, CLI_ARGS("run", "-q", "--tap-version=14", "--report-dir", cli_path("out"), "--filter",
			     "key-private-is-zero", "scenarios"));
	assert_exit(r, 0);
	tap_without_system(r.out);
	cr_assert_str_eq(r.out, "TAP version 14\n1..1\nok 1 - key-private-is-zero\n1 passed, 0 failed, 0 skipped\n");
	cli_result_free(&r);
	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--filter", "key-private-is-zero",
				"scenarios"), CLI_ARGS("SHMLIFE_TAP_VERSION=14"), NULL);
	assert_exit(r, 0);
	tap_without_system(r.out);
	cr_assert(starts_with(r.out, "TAP version 14\n1..1\n"), "%s", r.out);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("run", "-q", "--tap-version", "12", "--report-dir", cli_path("out"), "scenarios"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "--tap-version wants 13 or 14, not '12'"), "%s", r.err);
	cli_result_free(&r);
}

Test(cli, run_shards_cover_the_catalog_exactly_once)
{
	enum { MAX = 512 };
	static char all[MAX][64], one[MAX][64], two[MAX][64];
	struct cli_result l, s1, s2;
	cli_run(&l, CLI_ARGS("list", "scenarios"));
	assert_exit(l, 0);
	int n = list_names(l.out, all, MAX);
	cr_assert_eq(n, count_scripts("scenarios"));

	cli_run(&s1, CLI_ARGS("run", "-q", "-j", "2", "--shard", "1/2", "--report-dir", cli_path("one"), "scenarios"));
	cli_run(&s2, CLI_ARGS("run", "-q", "-j", "2", "--shard", "2/2", "--report-dir", cli_path("two"), "scenarios"));
	assert_exit(s1, 0);
	assert_exit(s2, 0);
	int n1 = tap_names(s1.out, one, MAX), n2 = tap_names(s2.out, two, MAX);
	cr_assert_eq(n1 + n2, n, "shards of %d and %d scenarios, catalog of %d", n1, n2, n);
	/* position i of the catalog order is in shard i % 2 + 1, in order */
	for (int i = 0; i < n; i++) {
		const char *got = i % 2 ? two[i / 2] : one[i / 2];
		cr_assert_str_eq(got, all[i], "catalog position %d: %s, shard %d ran %s", i, all[i], i % 2 + 1, got);
	}
	char plan[32];
	snprintf(plan, sizeof(plan), "1..%d", n1);
	cr_assert(cli_has_line(s1.out, plan), "%s", s1.out);
	cli_result_free(&s1);
	cli_result_free(&s2);

	/* a scenario stays in its shard whatever the filter */
	cli_run(&s1, CLI_ARGS("run", "-q", "--shard", "2/2", "--filter", "rmid-*", "--report-dir", cli_path("one"),
			      "scenarios"));
	assert_exit(s1, 0);
	int nf = tap_names(s1.out, one, MAX);
	cr_assert_gt(nf, 0);
	for (int i = 0; i < nf; i++) {
		int pos = -1;
		for (int k = 0; k < n && pos < 0; k++)
			if (strcmp(all[k], one[i]) == 0)
				pos = k;
		cr_assert(pos >= 0 && pos % 2 == 1, "%s (catalog position %d) is not in shard 2", one[i], pos);
	}
	cli_result_free(&s1);
	cli_result_free(&l);
}

Test(cli, run_repeat_names_the_repetitions_and_reports_each)
{
	struct cli_result r;
	const char *dir = cli_path("rep");
	cli_run(&r, CLI_ARGS("run", "--repeat", "2", "-j", "1", "--report-dir", dir, "scenarios/rmid/rmid-twice-unattached.scn"));
	assert_exit(r, 0);
	tap_without_system(r.out);
	cr_assert_str_eq(r.out, "TAP version 13\n1..2\n"
				"ok 1 - rmid-twice-unattached\n"
				"ok 2 - rmid-twice-unattached\\#2\n"
				"2 passed, 0 failed, 0 skipped\n");
	/* progress on a stderr that is not a terminal: a line as each ends */
	cr_assert(strstr(r.err, "[1/2] PASS rmid-twice-unattached ("), "%s", r.err);
	cr_assert(strstr(r.err, "[2/2] PASS rmid-twice-unattached#2 ("), "%s", r.err);
	cli_result_free(&r);

	xmlDocPtr doc = xml_file(cli_path("rep/junit.xml"));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_attr(xml_find(root->children, "testsuite", "name", "rmid"), "tests", "2");
	cr_assert_not_null(xml_find(root, "testcase", "name", "rmid-twice-unattached"));
	cr_assert_not_null(xml_find(root, "testcase", "name", "rmid-twice-unattached#2"));
	xmlFreeDoc(doc);

	struct json_object *j = json_file(cli_path("rep/results.json"));
	cr_assert_eq(jint(jget(j, "totals"), "scenarios"), 2);
	cr_assert_eq(jint(jget(j, "totals"), "flaky"), 0);
	struct json_object *second = json_scenario(j, "rmid-twice-unattached#2");
	cr_assert_eq(jint(second, "repeat"), 1);
	cr_assert_str_eq(jstr(second, "name"), "rmid-twice-unattached");
	cr_assert_eq(json_object_get_boolean(jget(second, "flaky")), 0);
	json_object_put(j);
}

Test(cli, run_timeout_limits_each_scenario)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--timeout", "0.3", "--report-dir", cli_path("out"),
			     "tests/failing/hangs-in-exec.scn"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "not ok 1 - hangs-in-exec"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  outcome: TIMEOUT"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  reason: \"scenario did not finish within 300 ms\""), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  observed: \"no answer before the deadline\""), "%s", r.out);
	cr_assert(cli_has_line(r.out, "0 passed, 0 failed, 0 skipped, 1 timed out"), "%s", r.out);
	cli_result_free(&r);

	xmlDocPtr doc = xml_file(cli_path("out/junit.xml"));
	xmlNodePtr tc = xml_find(xmlDocGetRootElement(doc), "testcase", "name", "hangs-in-exec");
	cr_assert_not_null(tc);
	xmlNodePtr failure = xml_find(tc->children, "failure", NULL, NULL);
	cr_assert_not_null(failure);
	assert_attr(failure, "type", "TIMEOUT");
	xmlFreeDoc(doc);
	struct json_object *j = json_file(cli_path("out/results.json"));
	cr_assert_eq(jint(jget(j, "totals"), "timed_out"), 1);
	cr_assert_str_eq(jstr(json_scenario(j, "hangs-in-exec"), "outcome"), "TIMEOUT");
	json_object_put(j);
}

Test(cli, run_writes_junit_json_and_html_that_parse)
{
	struct cli_result r;
	const char *dir = cli_path("a/b/reports"); /* made with its parents */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", dir, "scenarios/rmid/rmid-twice-unattached.scn",
			     "scenarios/key/key-private-is-zero.scn"));
	assert_exit(r, 0);
	cli_result_free(&r);

	xmlDocPtr doc = xml_file(cli_path("a/b/reports/junit.xml"));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	cr_assert_str_eq((const char *)root->name, "testsuites");
	cr_assert_null(root->properties, "the root has no attributes (the Ant JUnit schema allows none)");
	xmlNodePtr suite = xml_find(root->children, "testsuite", "name", "rmid");
	cr_assert_not_null(suite, "one suite per directory");
	assert_attr(suite, "tests", "1");
	assert_attr(suite, "failures", "0");
	assert_attr(suite, "errors", "0");
	assert_attr(suite, "skipped", "0");
	cr_assert_not_null(xml_find(root->children, "testsuite", "name", "key"));
	xmlNodePtr tc = xml_find(suite->children, "testcase", "name", "rmid-twice-unattached");
	cr_assert_not_null(tc);
	assert_attr(tc, "classname", "shmlife.rmid");
	cr_assert_null(xmlHasProp(tc, BAD_CAST "file"), "no file attribute: Jenkins xunit refuses it");
	cr_assert_null(xml_find(root->children, "failure", NULL, NULL));
	xmlFreeDoc(doc);

	struct json_object *j = json_file(cli_path("a/b/reports/results.json"));
	cr_assert_str_eq(jstr(j, "format"), "shmlife-results");
	cr_assert_eq(jint(j, "format_version"), 1);
	struct json_object *totals = jget(j, "totals");
	cr_assert_eq(jint(totals, "scenarios"), 2);
	cr_assert_eq(jint(totals, "passed"), 2);
	cr_assert_eq(jint(totals, "failed"), 0);
	struct json_object *s = json_object_array_get_idx(jget(j, "scenarios"), 0);
	cr_assert_str_eq(jstr(s, "name"), "key-private-is-zero", "catalog order: scenarios/key before scenarios/rmid");
	cr_assert_str_eq(jstr(s, "outcome"), "PASS");
	cr_assert(json_object_is_type(jget(s, "failed_step"), json_type_null));
	cr_assert_gt(json_object_array_length(jget(s, "trace")), 5);
	cr_assert_eq(json_object_array_length(jget(s, "claims")), 2);
	json_object_put(j);

	doc = xml_file(cli_path("a/b/reports/index.html"));
	root = xmlDocGetRootElement(doc);
	cr_assert_str_eq((const char *)root->name, "html");
	char *page = xml_text(root);
	cr_assert(strstr(page, "rmid-twice-unattached") && strstr(page, "key-private-is-zero"), "both on the page");
	free(page);
	xmlFreeDoc(doc);
	cr_assert_neq(access(cli_path("a/b/reports/junit.xml.tmp"), F_OK), 0, "no temporary file left");
}

/* The TAP block of item `name`: from its `not ok` line to its `...`. */
static char *tap_block(const char *tap, const char *name)
{
	char head[128];
	snprintf(head, sizeof(head), " - %s\n  ---\n", name);
	const char *p = strstr(tap, head);
	cr_assert_not_null(p, "no YAML block for %s:\n%s", name, tap);
	const char *end = strstr(p, "\n  ...\n");
	cr_assert_not_null(end);
	return strndup(p, (size_t)(end - p));
}

/* One failing item: TAP's block, JUnit's failure, JSON's failed step and entry. */
struct failing_case {
	const char *name;
	int number, line;                /* of the failing step */
	const char *actor, *expected, *observed, *detail;
};

static const struct failing_case failing_cases[] = {
	{ "rmid-twice-succeeds", 3, 10, "owner", "success", "failed with EINVAL (Invalid argument)",
	  "expected success; kernel said -1 EINVAL" },
	{ "nattch-miscounted", 2, 8, "conductor", "expect seg nattch=1", "nattch: expected =1, kernel says 0",
	  "nattch: expected =1, kernel says 0" },
	{ "wrong-death", 1, 7, "owner", "killed by SIGKILL", "killed by SIGSEGV",
	  "expected death by SIGKILL; kernel said killed by SIGSEGV" },
};

static void assert_failing_tap(const char *out, const struct failing_case *c)
{
	char want[256];
	char *b = tap_block(out, c->name);
	snprintf(want, sizeof(want), "  outcome: FAIL\n");
	cr_assert(strstr(b, want), "%s", b);
	snprintf(want, sizeof(want), "  failed_step:\n    number: %d\n    line: %d\n    actor: \"%s\"\n", c->number,
		 c->line, c->actor);
	cr_assert(strstr(b, want), "%s\nwanted:\n%s", b, want);
	snprintf(want, sizeof(want), "\n  expected: \"%s\"\n  observed: \"%s\"\n", c->expected, c->observed);
	cr_assert(strstr(b, want), "%s\nwanted:\n%s", b, want);
	snprintf(want, sizeof(want), "\n  detail: \"%s\"\n", c->detail);
	cr_assert(strstr(b, want), "%s\nwanted:\n%s", b, want);
	free(b);
}

static void assert_failing_junit(xmlNodePtr root, const struct failing_case *c)
{
	xmlNodePtr tc = xml_find(root, "testcase", "name", c->name);
	cr_assert_not_null(tc, "no testcase %s", c->name);
	assert_attr(tc, "classname", "shmlife.failing");
	xmlNodePtr f = xml_find(tc->children, "failure", NULL, NULL);
	cr_assert_not_null(f, "%s has no <failure>", c->name);
	assert_attr(f, "type", "FAIL");
	char *message = xml_attr(f, "message"), *body = xml_text(f), head[64];
	cr_assert(strstr(message, c->detail), "message=\"%s\"", message);
	snprintf(head, sizeof(head), "step %d, line %d, ", c->number, c->line);
	cr_assert(strstr(body, head), "the failing step in the trace:\n%s", body);
	char verdict[128], kernel[128];
	/* an operation: the kernel's answer and what was expected; an expectation: what differed */
	if (strcmp(c->actor, "conductor") == 0) {
		snprintf(verdict, sizeof(verdict), "verdict: FAIL\n");
		snprintf(kernel, sizeof(kernel), "segment seg: shmid ");
	} else {
		snprintf(verdict, sizeof(verdict), "verdict: FAIL (expected %s)\n", c->expected);
		snprintf(kernel, sizeof(kernel), "kernel: %s, took ", c->observed);
	}
	cr_assert(strstr(body, verdict), "wanted %s in:\n%s", verdict, body);
	cr_assert(strstr(body, kernel), "wanted %s in:\n%s", kernel, body);
	cr_assert(strstr(body, c->detail), "what the kernel said:\n%s", body);
	free(message);
	free(body);
}

static void assert_failing_json(struct json_object *j, const struct failing_case *c)
{
	struct json_object *s = json_scenario(j, c->name);
	cr_assert_str_eq(jstr(s, "outcome"), "FAIL");
	struct json_object *fs = jget(s, "failed_step");
	cr_assert_eq(jint(fs, "number"), c->number);
	cr_assert_eq(jint(fs, "line"), c->line);
	cr_assert_str_eq(jstr(fs, "actor"), c->actor);
	int index = jint(fs, "index");
	struct json_object *trace = jget(s, "trace"), *entry = NULL;
	for (size_t i = 0; i < json_object_array_length(trace) && !entry; i++) {
		struct json_object *e = json_object_array_get_idx(trace, i);
		if (strcmp(jstr(e, "kind"), "step") == 0 && jint(e, "step") == index)
			entry = e;
	}
	cr_assert_not_null(entry, "%s: no trace entry of step %d", c->name, index);
	cr_assert_str_eq(jstr(entry, "verdict"), "FAIL");
	cr_assert_str_eq(jstr(entry, "detail"), c->detail);
	cr_assert_eq(jint(entry, "step_line"), c->line);
}

Test(cli, run_the_failing_scenarios_shows_the_step_expected_and_observed)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "-j", "2", "--report-dir", cli_path("out"), "tests/failing"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "0 passed, 4 failed, 0 skipped, 1 timed out"), "%s", r.out);
	for (size_t i = 0; i < sizeof(failing_cases) / sizeof(failing_cases[0]); i++)
		assert_failing_tap(r.out, &failing_cases[i]);
	char *leak = tap_block(r.out, "leaks-a-segment");
	cr_assert(strstr(leak, "  reason: \"leaked segment(s): 1 left after every actor ended: shmid "), "%s", leak);
	free(leak);
	cli_result_free(&r);

	xmlDocPtr doc = xml_file(cli_path("out/junit.xml"));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_attr(xml_find(root->children, "testsuite", "name", "failing"), "tests", "5");
	assert_attr(xml_find(root->children, "testsuite", "name", "failing"), "failures", "5");
	for (size_t i = 0; i < sizeof(failing_cases) / sizeof(failing_cases[0]); i++)
		assert_failing_junit(root, &failing_cases[i]);
	xmlFreeDoc(doc);

	struct json_object *j = json_file(cli_path("out/results.json"));
	struct json_object *totals = jget(j, "totals");
	cr_assert_eq(jint(totals, "failed"), 4);
	cr_assert_eq(jint(totals, "timed_out"), 1);
	for (size_t i = 0; i < sizeof(failing_cases) / sizeof(failing_cases[0]); i++)
		assert_failing_json(j, &failing_cases[i]);
	cr_assert_eq(jint(json_scenario(j, "leaks-a-segment"), "leaked_segments"), 1);
	json_object_put(j);
}

Test(cli, run_bad_usage_is_exit_2_and_runs_nothing)
{
	static const struct {
		const char *args[4];
		const char *message;
	} cases[] = {
		{ { "--jobs", "0" }, "shmlife run: --jobs wants a whole number from 1 to 2147483647, not '0'" },
		{ { "-j", "two" }, "shmlife run: --jobs wants a whole number from 1 to 2147483647, not 'two'" },
		{ { "--repeat", "-1" }, "shmlife run: --repeat wants a whole number from 1 to 2147483647, not '-1'" },
		{ { "--timeout", "0" }, "shmlife run: --timeout wants a number of seconds above 0 (like 5 or 0.25), not '0'" },
		{ { "--timeout", "1s" }, "shmlife run: --timeout wants a number of seconds above 0 (like 5 or 0.25), not '1s'" },
		{ { "--shard", "3/2" }, "shmlife run: --shard wants I/N with 1 <= I <= N <= 2147483647, not '3/2'" },
		{ { "--shard", "1/0" }, "shmlife run: --shard wants I/N with 1 <= I <= N <= 2147483647, not '1/0'" },
		{ { "--shard", "1/2x" }, "shmlife run: --shard wants I/N with 1 <= I <= N <= 2147483647, not '1/2x'" },
		/* issue 12 item 16: numbers are taken whole, never wrapped or trimmed */
		{ { "--shard", "4294967297/4294967298" },
		  "shmlife run: --shard wants I/N with 1 <= I <= N <= 2147483647, not '4294967297/4294967298'" },
		{ { "-j", " 2" }, "shmlife run: --jobs wants a whole number from 1 to 2147483647, not ' 2'" },
		{ { "-j", "+2" }, "shmlife run: --jobs wants a whole number from 1 to 2147483647, not '+2'" },
		{ { "--repeat", "4294967297" },
		  "shmlife run: --repeat wants a whole number from 1 to 2147483647, not '4294967297'" },
		{ { "--timeout", "0x10" }, "shmlife run: --timeout wants a number of seconds above 0 (like 5 or 0.25), not '0x10'" },
		{ { "--timeout", "1e3" }, "shmlife run: --timeout wants a number of seconds above 0 (like 5 or 0.25), not '1e3'" },
		{ { "--timeout", " 5" }, "shmlife run: --timeout wants a number of seconds above 0 (like 5 or 0.25), not ' 5'" },
		{ { "--fast" }, "shmlife run: unknown option or missing value: '--fast'" },
		{ { "--filter" }, "shmlife run: unknown option or missing value: '--filter'" },
		{ { "scenarios/no-such-dir" }, "shmlife run: scenarios/no-such-dir: No such file or directory" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[8] = { "run", "--report-dir", cli_path("out") };
		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			args[3 + k] = cases[i].args[k];
		struct cli_result r;
		cli_run(&r, args);
		assert_exit(r, 2);
		cr_assert_str_empty(r.out, "%s: nothing runs", cases[i].message);
		cr_assert(cli_has_line(r.err, cases[i].message), "wanted: %s\nstderr:\n%s", cases[i].message, r.err);
		cli_result_free(&r);
	}
	cr_assert_neq(access(cli_path("out"), F_OK), 0, "no report directory was made");

	/* a report directory that cannot be made */
	write_file(cli_path("file"), "not a directory\n");
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "--report-dir", cli_path("file/reports"), "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 2);
	cr_assert_str_empty(r.out);
	cr_assert(strstr(r.err, "shmlife run: cannot create the report directory "), "%s", r.err);
	cr_assert(strstr(r.err, ": Not a directory\n"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("run", "--report-dir", cli_path("file"), "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, ": Not a directory\n"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("run", "--report-dir", "", "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 2);
	cr_assert(cli_has_line(r.err, "shmlife run: cannot create the report directory : No such file or directory"),
		  "%s", r.err);
	cli_result_free(&r);
}

Test(cli, run_reports_that_cannot_be_written_are_exit_3)
{
	const char *dir = cli_path("out");
	cr_assert_eq(mkdir(dir, 0755), 0);
	/* each report's name is a directory that is not empty: it cannot be renamed onto */
	static const char *const names[] = { "out/junit.xml", "out/junit.xml/x", "out/results.json",
					     "out/results.json/x", "out/index.html", "out/index.html/x" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_eq(mkdir(cli_path(names[i]), 0755), 0);
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", dir, "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 3);
	cr_assert(cli_has_line(r.out, "ok 1 - rmid-ipcrm"), "the run itself went well:\n%s", r.out);
	char want[300];
	snprintf(want, sizeof(want), "shmlife run: cannot write %s/junit.xml: Is a directory", dir);
	cr_assert(cli_has_line(r.err, want), "%s\nwanted: %s", r.err, want);
	snprintf(want, sizeof(want), "shmlife run: cannot write %s/results.json: ", dir);
	cr_assert(strstr(r.err, want), "%s\nwanted: %s", r.err, want);
	snprintf(want, sizeof(want), "shmlife run: cannot write %s/index.html: Is a directory", dir);
	cr_assert(cli_has_line(r.err, want), "%s\nwanted: %s", r.err, want);
	DIR *d = opendir(dir);
	cr_assert_not_null(d);
	const struct dirent *de;
	while ((de = readdir(d)))
		cr_assert(de->d_name[0] == '.' || strcmp(de->d_name, "junit.xml") == 0 ||
				  strcmp(de->d_name, "results.json") == 0 || strcmp(de->d_name, "index.html") == 0,
			  "a temporary file is left: %s", de->d_name);
	closedir(d);
	cli_result_free(&r);

	/* --valgrind, with no room for memcheck's files: nothing runs */
	write_file(cli_path("vg-file"), "");
	cr_assert_eq(mkdir(cli_path("vg"), 0755), 0);
	cr_assert_eq(rename(cli_path("vg-file"), cli_path("vg/valgrind")), 0);
	cli_run(&r, CLI_ARGS("run", "-q", "--valgrind", "--report-dir", cli_path("vg"), "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 3);
	cr_assert(strstr(r.err, "shmlife run: cannot prepare "), "%s", r.err);
	cr_assert_null(strstr(r.out, "ok 1"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, run_repeat_marks_a_changing_outcome_flaky)
{
	/* passes once: mkdir fails when the directory is there already */
	char text[512], flag[256];
	snprintf(flag, sizeof(flag), "%s/flag", cli_tmp);
	snprintf(text, sizeof(text),
		 "scenario flaky-once\n"
		 "description: passes the first time only\n"
		 "actors: owner\n"
		 "owner\texec /bin/mkdir \"%s\"\n", flag);
	write_file(cli_path("flaky.scn"), text);
	struct cli_result r;
	cli_run_in(&r, CLI_ARGS("run", "-q", "-j", "1", "--repeat", "2", "--report-dir", "out", "flaky.scn"), NULL, cli_tmp);
	assert_exit(r, 1);
	tap_without_system(r.out);
	cr_assert(starts_with(r.out, "TAP version 13\n1..2\nok 1 - flaky-once\nnot ok 2 - flaky-once\\#2\n"), "%s",
		  r.out);
	/* the step's text as a YAML string: quotes and the tab escaped */
	char want[512];
	snprintf(want, sizeof(want), "    text: \"owner\\texec /bin/mkdir \\\"%s\\\"\"", flag);
	cr_assert(cli_has_line(r.out, want), "%s\nwanted:\n%s", r.out, want);
	cr_assert(cli_has_line(r.out, "  observed: \"exited with status 1\""), "%s", r.out);
	/* items are streamed as they end, before a later one shows the change: the comment says it */
	cr_assert(strstr(r.out, "\n# flaky: flaky-once: PASS FAIL\n1 passed, 1 failed, 0 skipped\n"), "%s", r.out);
	cli_result_free(&r);

	xmlDocPtr doc = xml_file(cli_path("out/junit.xml"));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr suite = xml_find(root->children, "testsuite", "name", "top");
	cr_assert_not_null(suite, "a script in the current directory is in suite top");
	xmlNodePtr first = xml_find(suite->children, "testcase", "name", "flaky-once");
	cr_assert_not_null(first);
	assert_attr(first, "classname", "shmlife.top");
	xmlNodePtr out = xml_find(suite->children, "system-out", NULL, NULL);
	cr_assert_not_null(out, "flaky: said in the suite's system-out");
	char *body = xml_text(out);
	cr_assert(strstr(body, "flaky: flaky-once: the outcome differed between repetitions"), "%s", body);
	cr_assert(strstr(body, "flaky: flaky-once#2: the outcome differed between repetitions"), "%s", body);
	free(body);
	xmlFreeDoc(doc);

	struct json_object *j = json_file(cli_path("out/results.json"));
	cr_assert_eq(jint(jget(j, "totals"), "flaky"), 1);
	cr_assert_eq(json_object_get_boolean(jget(json_scenario(j, "flaky-once"), "flaky")), 1);
	cr_assert_eq(json_object_get_boolean(jget(json_scenario(j, "flaky-once#2"), "flaky")), 1);
	cr_assert_str_eq(jstr(json_scenario(j, "flaky-once#2"), "outcome"), "FAIL");
	json_object_put(j);
}

Test(cli, junit_suites_are_the_scripts_directories)
{
	cr_assert_eq(mkdir(cli_path("v1.2"), 0755), 0);
	write_file(cli_path("v1.2/one.scn"), "scenario one\nactors: owner\nowner exit 0\n");
	write_file(cli_path("two.scn"), "scenario two\nactors: owner\nowner exit 0\n");
	struct cli_result r;
	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", "out", "v1.2/one.scn", "./two.scn"), NULL, cli_tmp);
	assert_exit(r, 0);
	/* catalog order is byte order of the paths: ./two.scn before v1.2/one.scn */
	tap_without_system(r.out);
	cr_assert_str_eq(r.out, "TAP version 13\n1..2\nok 1 - two\nok 2 - one\n2 passed, 0 failed, 0 skipped\n");
	cli_result_free(&r);
	xmlDocPtr doc = xml_file(cli_path("out/junit.xml"));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr top = xml_find(root->children, "testsuite", NULL, NULL);
	cr_assert_not_null(top);
	assert_attr(top, "name", "top");
	xmlNodePtr dotted = xml_find(root->children, "testsuite", "name", "v1_2");
	cr_assert_not_null(dotted, "dots become _");
	xmlNodePtr one = xml_find(dotted->children, "testcase", NULL, NULL);
	assert_attr(one, "classname", "shmlife.v1_2");
	assert_attr(one, "name", "one");
	xmlFreeDoc(doc);
}

/* A pty for the harness's stderr, COLUMNS wide: fds[0] the master, fds[1] the slave. */
static void open_pty(int fds[2], unsigned short columns)
{
	fds[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(fds[0], 0, "posix_openpt: %s", strerror(errno));
	cr_assert_eq(grantpt(fds[0]), 0);
	cr_assert_eq(unlockpt(fds[0]), 0);
	const char *name = ptsname(fds[0]);
	cr_assert_not_null(name);
	fds[1] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(fds[1], 0, "%s: %s", name, strerror(errno));
	struct winsize ws = { .ws_row = 24, .ws_col = columns };
	cr_assert_eq(ioctl(fds[1], TIOCSWINSZ, &ws), 0);
}

Test(cli, run_stopped_by_sigterm_reports_and_exits_143)
{
	int pty[2];
	open_pty(pty, 30);
	struct cli_proc c;
	struct cli_result r;
	cli_start(&c, &r, CLI_ARGS("run", "-j", "1", "--report-dir", cli_path("out"), "tests/data/signal"), NULL, NULL,
		  pty);
	/* on a terminal: one line rewritten in place, cut to its 30 columns */
	const char *running = "\r[0/2] running: hangs-until-s\xe2\x80\xa6\033[K";
	cr_assert(cli_wait_err(&c, running), "no progress line %s on the terminal:\n%s", running + 1, r.err);
	cr_assert_eq(kill(c.pid, SIGTERM), 0);
	cli_finish(&c);
	assert_exit(r, 128 + SIGTERM);
	cr_assert(cli_has_line(r.out, "not ok 1 - hangs-until-stopped-by-a-signal"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  outcome: BROK"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  reason: \"interrupted by SIGTERM: the run was stopped\""), "%s", r.out);
	cr_assert(cli_has_line(r.out, "ok 2 - never-started # SKIP not run: the run was stopped by SIGTERM"), "%s",
		  r.out);
	cr_assert(cli_has_line(r.out, "0 passed, 0 failed, 1 skipped, 1 broken"), "%s", r.out);
	cr_assert(strstr(r.err, "\r\033[K"), "the progress line is cleared at the end");
	cli_result_free(&r);

	struct json_object *j = json_file(cli_path("out/results.json"));
	cr_assert_eq(jint(jget(j, "totals"), "broken"), 1);
	cr_assert_eq(jint(jget(j, "totals"), "skipped"), 1);
	cr_assert_str_eq(jstr(json_scenario(j, "never-started"), "outcome"), "SKIP");
	json_object_put(j);
}

/* ---- claims ------------------------------------------------------------------------------ */

/* The line of TSV output whose first field is `id`; malloc'ed. */
static char *tsv_row(const char *out, const char *id)
{
	char start[128];
	snprintf(start, sizeof(start), "%s\t", id);
	char *row = cli_line_starting(out, start);
	cr_assert_not_null(row, "no row %s in:\n%s", id, out);
	return row;
}

Test(cli, claims_tsv_shows_verdicts_and_evidence)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("claims", "-q", "--format", "tsv", "tests/data/claims/disagrees.scn",
			     "tests/data/claims/process-evidence.scn", "scenarios/rmid/rmid-twice-unattached.scn"));
	assert_exit(r, 0);
	cr_assert(starts_with(r.out, "id\tscenario\tverdict\tclaim\tsource\tevidence\n"), "%s", r.out);
	cr_assert_eq(cli_count(r.out, "\n"), 6, "a header and five claims:\n%s", r.out);

	/* the kernel disagrees with the claim, and the steps say why */
	char *row = tsv_row(r.out, "rmid-only-marks");
	cr_assert_str_eq(row, "rmid-only-marks\tclaims-disagrees\tdisagrees\t"
			      "IPC_RMID only marks a segment; it goes when the last process detaches\ttests/data\t"
			      "line 11: owner shmctl seg IPC_RMID: returned 0; "
			      "line 12: expect seg gone: observed gone; "
			      "line 13: owner shmat seg fails EINVAL: failed EINVAL");
	free(row);
	/* the catalog's own: the study says IPC_RMID may be repeated; here it may not */
	row = tsv_row(r.out, "rmid-repeatable-unattached");
	cr_assert(strstr(row, "\trmid-twice-unattached\tdisagrees\t"), "%s", row);
	cr_assert(strstr(row, ": failed EINVAL"), "%s", row);
	free(row);
	row = tsv_row(r.out, "rmid-unattached-einval");
	cr_assert(strstr(row, "\tagrees\t"), "%s", row);
	free(row);

	/* a process's evidence: its text fields and signal sets as the kernel showed them */
	row = tsv_row(r.out, "chdir-moves");
	cr_assert(strstr(row, "\tagrees\t"), "%s", row);
	cr_assert(strstr(row, "\tchdir(2) | proc(5) <cwd>\t"), "%s", row);
	cr_assert(strstr(row, ": observed alive, cwd=/, fd0=/dev/null, sig-caught=SIGHUP, sig-ignored!=SIGHUP, "
			      "umask=0022, comm="),
		  "%s", row);
	cr_assert_null(strstr(row, "not observable"), "%s", row);
	free(row);

	/* every kind of answer */
	static const char *const answers[] = {
		"line 17: owner ftok / 1 -> k: returned 0x",
		"; line 19: owner shmat seg -> a: returned 0x",
		"; line 20: owner write a \"hi\": wrote 2 bytes; ",
		"; line 21: owner read a \"hi\": read 2 bytes, as stated; ",
		"; line 22: owner exec /bin/true: exited 0; ",
		"; line 23: peer crash SIGKILL: killed by SIGKILL",
	};
	row = tsv_row(r.out, "answers");
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		cr_assert(strstr(row, answers[i]), "wanted %s in:\n%s", answers[i], row);
	free(row);
	cli_result_free(&r);
}

Test(cli, claims_markdown_lists_disagreements_first)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("claims", "-q", "--format", "markdown", "--filter", "claims-disagrees", "--filter",
			     "claims-process-evidence", "tests/data/claims"));
	assert_exit(r, 0);
	cr_assert(starts_with(r.out, "# The study's claims, and what this kernel does\n\n"), "%s", r.out);
	cr_assert(strstr(r.out, "Generated by `shmlife claims --format markdown --filter claims-disagrees "
				"--filter claims-process-evidence tests/data/claims` on Linux "),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "3 claims checked by 2 scenarios: 2 agree, 1 disagree, 0 unsettled, 0 not "
				      "checked here"),
		  "%s", r.out);
	const char *disagree = strstr(r.out, "\n## Where this kernel disagrees");
	const char *every = strstr(r.out, "\n## Every claim, in catalog order");
	cr_assert(disagree && every && disagree < every, "%s", r.out);
	const char *row = "\n| `rmid-only-marks` | IPC_RMID only marks a segment; it goes when the last process detaches "
			  "| tests/data | **disagrees** | line 11: owner shmctl seg IPC_RMID: returned 0; line 12: "
			  "expect seg gone: observed gone; line 13: owner shmat seg fails EINVAL: failed EINVAL | "
			  "`claims-disagrees` |\n";
	const char *first = strstr(disagree, row);
	cr_assert(first && first < every, "the disagreement in the first table:\n%s", r.out);
	cr_assert(strstr(every, row), "and in the second:\n%s", r.out);
	cr_assert_eq(cli_count(disagree, "\n| `"), 4, "one row above, three below:\n%s", disagree);
	/* table cells escape what Markdown would read */
	cr_assert(strstr(every, "| chdir(2) \\| proc(5) &lt;cwd&gt; | **agrees** |"), "%s", every);
	cli_result_free(&r);
}

Test(cli, claims_text_unsettled_and_not_checked_here)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("claims", "--timeout", "20", "-j", "2", "tests/data/claims"));
	assert_exit(r, 1); /* a claim unsettled */
	cr_assert(cli_has_line(r.out, "second-rmid-works  [unsettled]  scenario claims-unsettled"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "    evidence: FAIL: line 11: owner  shmctl seg IPC_RMID                  "
				      "[claim second-rmid-works]: expected success; kernel said -1 EINVAL"),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "from-the-future  [not checked here]  scenario claims-not-here"), "%s", r.out);
	cr_assert(strstr(r.out, "    evidence: skipped: needs kernel >= 999.0"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "chdir-moves  [agrees]  scenario claims-process-evidence"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "    source:   chdir(2) | proc(5) <cwd>"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "rmid-only-marks  [disagrees]  scenario claims-disagrees"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "5 claims checked by 4 scenarios: 2 agree, 1 disagree, 1 unsettled, 1 not "
				      "checked here"),
		  "%s", r.out);
	cr_assert(strstr(r.err, "[4/4] "), "progress on stderr:\n%s", r.err);
	cli_result_free(&r);
}

Test(cli, claims_bad_usage)
{
	static const struct {
		const char *option, *value, *message;
	} cases[] = {
		{ "--format", "xml", "shmlife claims: --format is text, tsv or markdown, not 'xml'" },
		{ "--jobs", "0", "shmlife claims: --jobs wants a whole number from 1 to 2147483647, not '0'" },
		{ "--timeout", "never", "shmlife claims: --timeout wants a number of seconds above 0 (like 5 or 0.25), not 'never'" },
		{ "--verbose", NULL, "shmlife claims: unknown option or missing value: '--verbose'" },
	};
	struct cli_result r;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_run(&r, CLI_ARGS("claims", cases[i].option, cases[i].value ? cases[i].value : "scenarios/rmid",
				     "scenarios/rmid"));
		assert_exit(r, 2);
		cr_assert_str_empty(r.out);
		cr_assert(cli_has_line(r.err, cases[i].message), "wanted: %s\nstderr:\n%s", cases[i].message, r.err);
		cli_result_free(&r);
	}
	cli_run(&r, CLI_ARGS("claims", "tests/data/bad"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "tests/data/bad/errors.scn:6:7: unknown operation 'shmatt'"), "%s", r.err);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("claims", "-q", "--filter", "no-such-*", "scenarios/rmid"));
	assert_exit(r, 0);
	cr_assert(cli_has_line(r.err, "shmlife claims: no scenario selected"), "%s", r.err);
	cr_assert(cli_has_line(r.out, "0 claims checked by 0 scenarios: 0 agree, 0 disagree, 0 unsettled, 0 not "
				      "checked here"),
		  "%s", r.out);
	cli_result_free(&r);
}

/* ---- explore -------------------------------------------------------------------------------- */

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Issue 13 item 1: the segment is made by a grandchild reparented to PID 1;
 * the baseline used to count only the program's calls, so no shmget crash
 * point existed and the leak went unseen. */
Test(cli, explore_crashes_a_reparented_grandchild_at_its_own_calls)
{
	struct cli_result r;
	const char *dir = cli_path("explore");
	cli_run(&r, CLI_ARGS("explore", "-q", "--calls", "shmget,shmctl", "--report-dir", dir,
			     "tests/data/explore/orphan-leak.scn"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "  BROKEN   every process named shmlife-orphan in app's program (3 in the "
				      "baseline) killed by SIGKILL just after its shmget call 1 (step 1, line 6)"),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "           breaks: no-leak"), "%s", r.out);
	char script[300];
	snprintf(script, sizeof(script), "%s/orphan-leak.step1-shmlife-orphan-shmget1-after.scn", dir);
	char *text = cli_slurp(script);
	cr_assert_not_null(text, "%s\n%s", script, r.out);
	cr_assert(strstr(text, " inject shmget call=1 comm=shmlife-orphan signal=SIGKILL after"), "%s", text);
	free(text);
	cli_result_free(&r);
	/* the script reproduces it: the leak, every time */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("rep"), script));
	assert_exit(r, 1);
	cr_assert(strstr(r.out, "leak"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, explore_finds_the_careless_leak_and_a_script_that_reproduces_it)
{
	struct cli_result r;
	const char *dir = cli_path("explore");
	cli_run(&r, CLI_ARGS("explore", "-q", "--calls", "shmget,shmat,shmdt,shmctl", "--report-dir", dir,
			     "scenarios/programs/careless-crash.scn"));
	assert_exit(r, 1);
	cr_assert_str_empty(r.err, "-q: no line per run");
	cr_assert(starts_with(r.out, "explore careless-crash: 9 crash point(s); invariants: restart-recovers no-leak\n"),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "  held     no crash (baseline)"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "careless-crash: 6 of 9 crash points break an invariant"), "%s", r.out);
	cr_assert_eq(cli_count(r.out, "\n  BROKEN   "), 6, "%s", r.out);
	cr_assert_eq(cli_count(r.out, "\n           breaks: restart-recovers no-leak\n"), 6, "%s", r.out);
	cr_assert(cli_has_line(r.out, "  BROKEN   app's program killed by SIGKILL just after shmat call 1 (step 1, line 8)"),
		  "%s", r.out);
	cr_assert(cli_has_line(r.out, "  held     app's program killed by SIGKILL just before shmget call 1 (step 1, "
				      "line 8)"),
		  "%s", r.out);
	cr_assert_eq(count_files(dir), 6, "one script per broken crash point");

	char script[300], line[400];
	snprintf(script, sizeof(script), "%s/careless-crash.step1-shmat1-after.scn", dir);
	snprintf(line, sizeof(line), "           reproduce: shmlife run %s", script);
	cr_assert(cli_has_line(r.out, line), "%s\nwanted: %s", r.out, line);
	cli_result_free(&r);

	char *text = cli_slurp(script);
	cr_assert_not_null(text, "%s", script);
	cr_assert(cli_has_line(text, "keep-going"), "%s", text);
	cr_assert(strstr(text, " inject shmat call=1 signal=SIGKILL after"), "%s", text);
	free(text);

	/* the reproducing script FAILs with the broken invariant */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("rerun"), script));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "not ok 1 - careless-crash"), "%s", r.out);
	cr_assert(strstr(r.out, "  reason: \"line 20: invariant restart-recovers: rescuer exec shmlife-careless"), "%s",
		  r.out);
	cr_assert(cli_has_line(r.out, "  detail: \"expected exit status 0; kernel said exited 17\""), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, explore_the_careful_program_is_clean_at_every_crash_point)
{
	struct cli_result r;
	const char *dir = cli_path("explore");
	cli_run(&r, CLI_ARGS("explore", "--report-dir", dir, "scenarios/programs/careful-crash.scn"));
	assert_exit(r, 0);
	char *head = cli_line_starting(r.out, "explore careful-crash: ");
	cr_assert_not_null(head, "%s", r.out);
	int points = 0;
	cr_assert_eq(sscanf(head, "explore careful-crash: %d crash point(s)", &points), 1, "%s", head);
	free(head);
	cr_assert_gt(points, 10, "the steps and every call of the program, before and after");
	char last[128];
	snprintf(last, sizeof(last), "careful-crash: 0 of %d crash points break an invariant", points);
	cr_assert(cli_has_line(r.out, last), "%s\nwanted: %s", r.out, last);
	cr_assert_eq(cli_count(r.out, "\n  held     "), points + 1, "the baseline and every point held:\n%s", r.out);
	cr_assert_null(strstr(r.out, "BROKEN"), "%s", r.out);
	cr_assert_eq(count_files(dir), 0, "nothing to reproduce");
	/* without -q, a line per run on stderr */
	cr_assert(cli_has_line(r.err, "explore careful-crash: no crash (baseline): held"), "%s", r.err);
	cr_assert_eq(cli_count(r.err, "\n"), points + 1, "%s", r.err);
	cli_result_free(&r);

	/* --steps-only: no crash inside the program's calls */
	cli_run(&r, CLI_ARGS("explore", "-q", "--steps-only", "--timeout", "10", "--report-dir", dir,
			     "scenarios/programs/careful-crash.scn"));
	assert_exit(r, 0);
	cr_assert(cli_has_line(r.out, "careful-crash: 0 of 1 crash points break an invariant"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, explore_bad_usage)
{
	static const struct {
		const char *args[4];
		const char *message;
	} cases[] = {
		{ { NULL }, "shmlife explore: give one SCRIPT" },
		{ { "scenarios/programs/careful-crash.scn", "scenarios/programs/careless-crash.scn" },
		  "shmlife explore: give one SCRIPT" },
		{ { "--calls", "shmget,write", "scenarios/programs/careful-crash.scn" },
		  "shmlife explore: --calls: 'write' is not a call shmlife intercepts" },
		{ { "--calls", ",", "scenarios/programs/careful-crash.scn" }, "shmlife explore: --calls: no call given" },
		{ { "--timeout", "-2", "scenarios/programs/careful-crash.scn" },
		  "shmlife explore: --timeout wants a number of seconds above 0 (like 5 or 0.25), not '-2'" },
		{ { "--seed", "1", "scenarios/programs/careful-crash.scn" },
		  "shmlife explore: unknown option or missing value: '--seed'" },
		{ { "tests/data/bad/late-header.scn" },
		  "tests/data/bad/late-header.scn:5:1: header 'tags' must come before the first step (line 4)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[8] = { "explore", "--report-dir", cli_path("explore") };
		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			args[3 + k] = cases[i].args[k];
		struct cli_result r;
		cli_run(&r, args);
		assert_exit(r, 2);
		cr_assert_str_empty(r.out);
		cr_assert(cli_has_line(r.err, cases[i].message), "wanted: %s\nstderr:\n%s", cases[i].message, r.err);
		cli_result_free(&r);
	}
	cr_assert_neq(access(cli_path("explore"), F_OK), 0, "nothing was explored");

	write_file(cli_path("file"), "");
	struct cli_result r;
	cli_run(&r, CLI_ARGS("explore", "--report-dir", cli_path("file/explore"), "scenarios/programs/careful-crash.scn"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "shmlife explore: cannot create "), "%s", r.err);
	cli_result_free(&r);
}

/* Runs `shmlife ARGS` with stdout on the file `out` (opened for writing),
 * the environment entry env (NAME=VALUE or NULL) and, if ignore is not 0,
 * that signal ignored as it starts (as nohup does); its stderr in *err (the
 * scratch file cli_path("cmd.err")); returns its exit status, 128+N if it
 * was killed by signal N. */
static int run_with(const char *const *args, const char *out, const char *env, int ignore, char **err)
{
	const char *bin = getenv("SHMLIFE_BIN");
	cr_assert_not_null(bin, "SHMLIFE_BIN is not set (CTest sets it)");
	int outfd = open(out, O_WRONLY | O_CLOEXEC);
	int errfd = open(cli_path("cmd.err"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(outfd >= 0 && errfd >= 0, "%s: %s", out, strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		const char *const envs[] = { env, NULL };
		if (ignore)
			signal(ignore, SIG_IGN);
		cli_child(bin, args, envs, NULL, outfd, errfd);
	}
	close(outfd);
	close(errfd);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	cr_assert_geq(pidfd, 0);
	struct pollfd p = { pidfd, POLLIN, 0 };
	int ended = poll(&p, 1, CLI_LIMIT_MS) == 1;
	if (!ended)
		kill(pid, SIGKILL);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(pidfd);
	cr_assert(ended, "shmlife did not end within %d ms", CLI_LIMIT_MS);
	*err = cli_slurp(cli_path("cmd.err"));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_into_dev_full(const char *const *args, char **err)
{
	return run_with(args, "/dev/full", NULL, 0, err);
}

/* Issue 12 item 16: `shmlife ... > /dev/full` exited 0, its output lost. */
Test(cli, output_to_a_full_device_is_an_error_not_a_silent_pass)
{
	char *err;
	cr_assert_eq(run_into_dev_full(CLI_ARGS("list", "scenarios/rmid"), &err), 3, "%s", err);
	cr_assert(cli_has_line(err, "shmlife: writing standard output: No space left on device"), "%s", err);
	free(err);
	cr_assert_eq(run_into_dev_full(CLI_ARGS("run", "--report-dir", cli_path("out"), "scenarios/rmid/rmid-ipcrm.scn"),
				       &err),
		     3, "a passing run whose TAP was lost: %s", err);
	cr_assert(strstr(err, "shmlife: writing standard output"), "%s", err);
	free(err);
	cr_assert_eq(run_into_dev_full(CLI_ARGS("--version"), &err), 3, "%s", err);
	free(err);
}

/* The files of a report folder other than the three reports: a leftover
 * temporary file, or anything else.  Their count; the first in *odd. */
static int odd_files(const char *dir, char *odd, size_t len)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	int n = 0;
	const struct dirent *de;
	odd[0] = '\0';
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "results.json") &&
		    strcmp(de->d_name, "junit.xml") && strcmp(de->d_name, "index.html") && n++ == 0)
			snprintf(odd, len, "%s", de->d_name);
	closedir(d);
	return n;
}

/* Issue 12 item 12: a ^C (SIGTERM, SIGHUP) while the reports were written
 * killed the harness at once: results.json.tmp left, no results.json or
 * index.html.  Now the first stop signal at any moment still leaves every
 * report whole, and the exit status says which signal it was. */
Test(cli, a_stop_signal_while_reports_are_written_still_leaves_them_whole)
{
	static const struct {
		const char *env;
		int status;
	} cases[] = {
		{ "SHMLIFE_TEST_RAISE=SIGINT@reports", 130 },
		{ "SHMLIFE_TEST_RAISE=SIGTERM@reports", 143 },
		{ "SHMLIFE_TEST_RAISE=SIGHUP@reports", 129 },
		{ "SHMLIFE_TEST_RAISE=SIGINT@run", 130 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dir[64], odd[256], *err;
		snprintf(dir, sizeof(dir), "out%zu", i);
		const char *reports = cli_path(dir);
		int status = run_with(CLI_ARGS("run", "-q", "--report-dir", reports, "scenarios/rmid/rmid-ipcrm.scn"),
				      "/dev/null", cases[i].env, 0, &err);
		cr_assert_eq(status, cases[i].status, "%s: exit %d\n%s", cases[i].env, status, err);
		char path[512];
		snprintf(path, sizeof(path), "%s/results.json", reports);
		json_object *doc = json_object_from_file(path);
		cr_assert_not_null(doc, "%s: results.json is missing or not whole", cases[i].env);
		json_object_put(doc);
		snprintf(path, sizeof(path), "%s/junit.xml", reports);
		xmlDocPtr x = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		cr_assert_not_null(x, "%s: junit.xml is missing or not whole", cases[i].env);
		xmlFreeDoc(x);
		snprintf(path, sizeof(path), "%s/index.html", reports);
		cr_assert_eq(access(path, F_OK), 0, "%s: index.html is missing", cases[i].env);
		cr_assert_eq(odd_files(reports, odd, sizeof(odd)), 0, "%s: left behind: %s", cases[i].env, odd);
		free(err);
	}
}

/* Issue 12 item 12: `nohup shmlife run &` was stopped by a hangup, because
 * the harness caught the SIGHUP that was ignored when it started. */
Test(cli, a_stop_signal_ignored_at_start_stays_ignored)
{
	char *err;
	int status = run_with(CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "scenarios/rmid/rmid-ipcrm.scn"),
			      "/dev/null", "SHMLIFE_TEST_RAISE=SIGHUP@run", SIGHUP, &err);
	cr_assert_eq(status, 0, "a hangup ignored at start stopped the run: exit %d\n%s", status, err);
	free(err);
}

/* Issue 12 item 12: reports were written through one fixed temporary name
 * (results.json.tmp): two runs into one folder raced on it, and a leftover
 * of that name made a passing run exit 3. */
Test(cli, reports_do_not_depend_on_a_fixed_temporary_name)
{
	const char *reports = cli_path("out");
	char path[512], odd[256];
	cr_assert_eq(mkdir(reports, 0755), 0);
	static const char *const names[] = { "results.json.tmp", "junit.xml.tmp", "index.html.tmp" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", reports, names[i]);
		cr_assert_eq(mkdir(path, 0755), 0);
	}
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", reports, "scenarios/rmid/rmid-ipcrm.scn"));
	assert_exit(r, 0);
	cli_result_free(&r);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", reports, names[i]);
		cr_assert_eq(rmdir(path), 0, "%s was someone else's: it is still there, untouched", path);
	}
	cr_assert_eq(odd_files(reports, odd, sizeof(odd)), 0, "left behind: %s", odd);
}

/* ---- daemon-check (issue 13) ------------------------------------------------------------ */

/* The script runs COMMAND through sh, which looks in PATH only: its
 * program is named where a scenario's exec finds it (sl_program_find: PATH,
 * beside shmlife, the installed libexec folder), one lookup for both. */
Test(cli, daemon_check_names_the_program_where_exec_finds_it)
{
	char want[4096];
	cr_assert_eq(sl_program_find("sleep", want, sizeof(want)), 0, "sleep is in PATH");
	struct cli_result r;
	cli_run(&r, CLI_ARGS("daemon-check", "--name", "x", "--script", "--", "sleep", "300"));
	assert_exit(r, 0);
	char *word = strstr(r.out, " daemon-check \"");
	cr_assert_not_null(word, "%s", r.out);
	cr_assert(strncmp(word + strlen(" daemon-check \""), want, strlen(want)) == 0, "not %s: %s", want, word);
	cli_result_free(&r);
}

Test(cli, daemon_check_start_stop_daemon_rule_by_rule)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("daemon-check", "--name", "sleep", "--pidfile", "d.pid", "--", "start-stop-daemon", "--start",
			     "--background", "--umask", "022", "--make-pidfile", "--pidfile", "d.pid", "--exec",
			     "/usr/bin/sleep", "--", "300"));
	assert_exit(r, 1);
	cr_assert(cli_has_line(r.out, "  ok    no-reacquire     it cannot acquire one: it is not a session leader "
				      "(second fork)"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  ok    stdio-null       stdin, stdout and stderr are /dev/null"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  ok    pidfile          the pid file holds the daemon's pid"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "  ok    survives-hangup  it survives the terminal's hangup"), "%s", r.out);
	/* start-stop-daemon leaves signal dispositions as they were: SIG_IGN stays */
	cr_assert(cli_has_line(r.out, "  NO    signals-reset    a signal ignored by the shell (SIGUSR2) is no longer "
				      "ignored"), "%s", r.out);
	cr_assert(cli_has_line(r.out, "12 of 13 rules hold"), "%s", r.out);
	cli_result_free(&r);

	cli_run(&r, CLI_ARGS("daemon-check", "--name", "sleep", "--json", "--", "start-stop-daemon", "--start",
			     "--background", "--exec", "/usr/bin/sleep", "--", "300"));
	assert_exit(r, 1);
	cr_assert(strstr(r.out, "{\"rule\": \"umask-reset\", \"text\": \"the umask is not the shell's (027)\", "
				"\"holds\": false"), "%s", r.out);
	cr_assert(strstr(r.out, "\"held\": 10, \"rules_total\": 12}"), "%s", r.out);
	cli_result_free(&r);
}

Test(cli, daemon_check_needs_to_know_which_process_is_the_daemon)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("daemon-check", "--", "start-stop-daemon", "--start"));
	assert_exit(r, 2);
	cr_assert(strstr(r.err, "say which process is the daemon: --name COMM or --pidfile PATH"), "%s", r.err);
	cli_result_free(&r);
}

/* A script at `path`: one actor makes a segment, stats it steps - 2
 * times, removes it (steps steps in all). */
static void write_stat_script(const char *path, int steps)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("scenario steps\nactors: a\na shmget key=IPC_PRIVATE size=4096 -> s\n", f);
	for (int i = 0; i < steps - 2; i++)
		fputs("a shmctl s IPC_STAT\n", f);
	fputs("a shmctl s IPC_RMID\n", f);
	cr_assert_eq(fclose(f), 0);
}

/* The number of "step" entries in the trace of results.json's first
 * scenario in folder `dir`; -1 if there is no whole results.json. */
static int steps_in_results(const char *dir)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/results.json", dir);
	json_object *doc = json_object_from_file(path);
	json_object *scenarios = NULL, *trace = NULL;
	json_object *sc = doc && json_object_object_get_ex(doc, "scenarios", &scenarios)
				  ? json_object_array_get_idx(scenarios, 0) : NULL;
	if (!sc || !json_object_object_get_ex(sc, "trace", &trace)) {
		json_object_put(doc);
		return -1;
	}
	int steps = 0;
	for (size_t i = 0; i < json_object_array_length(trace); i++) {
		json_object *kind = NULL;
		json_object_object_get_ex(json_object_array_get_idx(trace, i), "kind", &kind);
		steps += kind && strcmp(json_object_get_string(kind), "step") == 0;
	}
	json_object_put(doc);
	return steps;
}

/* A scenario's trace is written into results.json an entry at a time: made
 * as one tree of json-c objects, it took about 14 KB a step (1.4 GB for a
 * 100 000-step script).  20 000 steps in an address space of 256 MiB:
 * before, the report could not be made ("out of memory"); now it is, every
 * entry in it.  (The 256 MiB hold the trace and the steps twice over.) */
Test(cli, a_long_trace_is_written_to_results_json_an_entry_at_a_time, .timeout = 180)
{
	const char *script = cli_path("long.scn");
	write_stat_script(script, 20000);
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "ulimit -v 262144 && exec '%s' run -q -qq --report-dir '%s' '%s' >/dev/null 2>'%s'",
		 getenv("SHMLIFE_BIN"), cli_path("out"), script, cli_path("err"));
	int st = system(cmd);
	char *err = cli_slurp(cli_path("err"));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit 0, not %d: %s", st, err ? err : "");
	free(err);
	cr_expect_eq(steps_in_results(cli_path("out")), 20000, "every step is in the trace");
}

/* A trace the harness cannot keep whole is BROK, never a PASS with a
 * shorter trace.  The harness's Nth realloc fails (selffault.so,
 * SHMLIFE_SELFFAULT=realloc:N), for N = 1, 2, ... until none does: every
 * run that ends with 0 has all 150 steps in results.json, and every other
 * says why.  Before, an entry that could not be added to the trace was
 * dropped without a word: a 50 000-step script under `ulimit -v 49152`
 * PASSed with 8192 entries in its reports. */
Test(cli, a_trace_the_harness_cannot_keep_whole_is_brok_not_a_shorter_pass, .timeout = 600)
{
	const char *lib = cli_beside_bin("../selffault/selffault.so");
	if (access(lib, R_OK) < 0)
		cr_skip_test("%s is not built (not under SHMLIFE_SANITIZE)", lib);
	char real_lib[4096];
	cr_assert_not_null(realpath(lib, real_lib));
	char script[256]; /* cli_path's buffers are reused below */
	snprintf(script, sizeof(script), "%s", cli_path("steps.scn"));
	write_stat_script(script, 150);
	int passed = 0, refused = 0;
	for (int n = 1;; n++) {
		char cmd[16384];
		unlink(cli_path("log"));
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' && SHMLIFE_SELFFAULT=realloc:%d SHMLIFE_SELFFAULT_LOG='%s' "
			 "exec env LD_PRELOAD='%s' '%s' run -q --report-dir '%s' '%s' >'%s' 2>'%s' </dev/null",
			 cli_path("out"), n, cli_path("log"), real_lib, getenv("SHMLIFE_BIN"), cli_path("out"), script,
			 cli_path("tap"), cli_path("err"));
		int st = system(cmd);
		char *log = cli_slurp(cli_path("log")), *tap = cli_slurp(cli_path("tap")), *err = cli_slurp(cli_path("err"));
		const char *rec = log ? strstr(log, "realloc calls=") : NULL;
		int calls = -1, fired = -1;
		cr_assert(rec && sscanf(rec, "realloc calls=%d fired=%d", &calls, &fired) == 2,
			  "realloc:%d: the harness did not end normally (status %#x): %s", n, st, err ? err : "");
		cr_assert(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1 || WEXITSTATUS(st) == 3),
			  "realloc:%d: status %#x: %s", n, st, err ? err : "");
		if (WEXITSTATUS(st) == 0) {
			passed++;
			cr_assert_eq(steps_in_results(cli_path("out")), 150,
				     "realloc:%d (%d failed): a PASS whose results.json lacks steps", n, fired);
		} else {
			refused++;
			cr_assert((tap && strstr(tap, "outcome: BROK")) || (err && err[0]),
				  "realloc:%d: exit %d without a word why", n, WEXITSTATUS(st));
		}
		free(log);
		free(tap);
		free(err);
		if (fired == 0)
			break;
		cr_assert_lt(n, 5000, "the sweep ends: the harness makes fewer reallocs");
	}
	cr_expect_gt(passed, 0, "the run without a fault passes");
	cr_expect_gt(refused, 0, "the faults were felt");
}

/* A test case that is skipped leaves no scratch directory behind:
 * Criterion runs no .fini after cr_skip_test, and every skipped case of a
 * suite with this fixture left a /tmp/shmlife-cli-XXXXXX (the HTML report's
 * three screenshot cases, skipped without chromium, left three
 * /tmp/test_report_html.* a run).  Shown with a kernels case that is skipped
 * when no Debian kernel is unpacked, run alone with TMPDIR an empty
 * directory of this test's: the directory is empty again after it (without
 * BXFI_MAP, which would make that Criterion program take itself for a
 * worker of this one). */
Test(cli, a_skipped_case_leaves_no_scratch_directory)
{
	const char *build = getenv("SHMLIFE_BUILD_DIR");
	cr_assert_not_null(build, "SHMLIFE_BUILD_DIR is set by ctest");
	const char *tmp = cli_path("tmp");
	cr_assert_eq(mkdir(tmp, 0700), 0);
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
		 "env -u BXFI_MAP TMPDIR='%s' SHMLIFE_KERNELS_DIR=/nonexistent '%s/bin/test_kernels' "
		 "--filter 'kernels/a_kvm_that_qemu_cannot_use_is_not_asked_for' >'%s' 2>&1",
		 tmp, build, cli_path("log"));
	int st = system(cmd);
	char *log = cli_slurp(cli_path("log"));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the case ran: %d\n%s", st, log ? log : "");
	cr_expect(log && strstr(log, "skipped"), "the case was skipped:\n%s", log ? log : "");
	free(log);
	DIR *d = opendir(tmp);
	cr_assert_not_null(d);
	int left = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			left++;
	closedir(d);
	cr_expect_eq(left, 0, "nothing is left in %s", tmp);
}
