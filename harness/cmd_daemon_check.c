/* cmd_daemon_check.c - `shmlife daemon-check [OPTIONS] -- COMMAND...`: starts
 * COMMAND the way a login shell would (a session on a pty, in the
 * foreground), finds the daemon it leaves, and says for each rule of
 * daemon(7)'s SysV list that the kernel can show whether it holds.
 *
 * The daemon's state is judged once it has settled: each rule is an
 * expectation `within 2s` (a launcher such as start-stop-daemon returns
 * before its daemon has finished starting).
 *
 * It is a scenario under the hood: the script is written here (print it
 * with --script), parsed by the same parser and run by the same engine;
 * each rule is one step of it, and its verdict is that step's.  The shell
 * actor first sets a umask (027), opens a file (/etc/passwd, fd 3) and
 * ignores SIGUSR2, so that "inherited" is visible; then it runs COMMAND in
 * the scenario's scratch folder (a relative --pidfile is there: nothing is
 * written outside it unless COMMAND says so).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "shmlife/parse.h"
#include "shmlife/run.h"

#define CMD "daemon-check"

struct dc_args {
	const char *name;                /* the daemon's comm, NULL: the one left */
	const char *pidfile;             /* where COMMAND writes the daemon's pid */
	const char *user;                /* the daemon must run as this user      */
	int timeout_ms;                  /* per step                              */
	int json, tap, script;           /* output                                */
	char **command;
	int ncommand;
};

/* One rule: its words, and the line of the script that checks it. */
struct rule {
	const char *id, *text;
	int line;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: shmlife daemon-check [OPTIONS] -- COMMAND [ARGS...]\n\n"
		"Starts COMMAND from a login session on a pseudo-terminal, in the foreground,\n"
		"as a shell would, in a scenario's own namespaces; finds the daemon it leaves;\n"
		"and checks each rule of daemon(7)'s SysV list that the kernel can show.\n\n"
		"      --name COMM      the daemon's name (/proc/PID/comm), when it leaves several\n"
		"                       processes (default: the one process left)\n"
		"      --pidfile PATH   COMMAND writes the daemon's pid there: checked (COMMAND runs\n"
		"                       in the scenario's scratch folder: give both a relative path)\n"
		"      --user NAME      the daemon must have dropped its privileges to NAME\n"
		"      --timeout SECONDS  for each step (default 10)\n"
		"      --json           the rules as JSON on stdout\n"
		"      --tap            the rules as TAP on stdout\n"
		"      --script         print the scenario that is run, and run nothing\n"
		"  -h, --help           this text\n\n"
		"Exit: 0 every rule holds; 1 a rule does not; 2 bad usage; 3 the check itself\n"
		"could not be made (BROK); 4 this machine cannot make the sandbox.\n");
}

static int parse_args(int argc, char **argv, struct dc_args *a)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },  { "pidfile", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },  { "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },        { "tap", no_argument, NULL, 'T' },
		{ "script", no_argument, NULL, 'S' },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof(*a));
	a->timeout_ms = 10000;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': a->name = optarg; break;
		case 'p': a->pidfile = optarg; break;
		case 'u': a->user = optarg; break;
		case 't':
			if (cli_seconds_ms(CMD, "--timeout", optarg, &a->timeout_ms))
				return -1;
			break;
		case 'J': a->json = 1; break;
		case 'T': a->tap = 1; break;
		case 'S': a->script = 1; break;
		case 'h': usage(stdout); return 1;
		default:
			cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (a->json && a->tap) {
		cli_usage_error(CMD, "--json or --tap, not both");
		return -1;
	}
	if (a->name && (strlen(a->name) == 0 || strlen(a->name) > 15)) {
		cli_usage_error(CMD, "--name is a comm: 1 to 15 bytes, as /proc/PID/comm has it");
		return -1;
	}
	a->command = argv + optind;
	a->ncommand = argc - optind;
	if (a->ncommand == 0) {
		cli_usage_error(CMD, "no COMMAND: shmlife daemon-check --name sleep -- start-stop-daemon --start ...");
		return -1;
	}
	if (!a->name && !a->pidfile) {
		/* a launcher's intermediate processes come and go: the one process
		 * left at some moment may not be the daemon */
		cli_usage_error(CMD, "say which process is the daemon: --name COMM or --pidfile PATH");
		return -1;
	}
	return 0;
}

/* COMMAND's program where a scenario's exec finds it (sl_program_find):
 * the shell that runs it looks in PATH only, and shmlife's own programs are
 * beside it or in its libexec folder.  Not found: the name, as given. */
static const char *program_path(const char *name, char *buf, size_t len)
{
	return sl_program_find(name, buf, len) == 0 ? buf : name;
}

/* A word of COMMAND as the script's exec takes it: quoted, \ and " escaped;
 * {{$SHMLIFE_TMP}} is the scratch folder's path when it runs.  -1 for what
 * the script cannot carry: a newline, or another {{ (a bound value). */
static int put_word(FILE *f, const char *w)
{
	for (const char *b = strstr(w, "{{"); b; b = strstr(b + 2, "{{"))
		if (b[2] != '$')
			return -1; /* {{$SHMLIFE_TMP}} is the one form a command may use */
	if (strchr(w, '\n'))
		return -1;
	fputc('"', f);
	for (const char *c = w; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', f);
		fputc(*c, f);
	}
	fputc('"', f);
	return 0;
}

#define NRULES 16 /* 14 at most: 12, the pid file and the user */

/* Writes the scenario; the line of each rule in rules[].  NULL on error (why said). */
static char *write_script(const struct dc_args *a, struct rule *rules, int *nrules)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	int line = 0, n = 0;
#define L(...) (fprintf(f, __VA_ARGS__), fputc('\n', f), ++line)
#define RULE(id_, text_, ...) (rules[n++] = (struct rule){ id_, text_, line + 1 }, L(__VA_ARGS__))
	L("# written by shmlife daemon-check (cmd_daemon_check.c)");
	L("scenario daemon-check");
	L("description: daemon(7)'s rules for the daemon that a command started from a terminal leaves");
	L("terminal: pty");
	L("timeout: %dms", a->timeout_ms);
	L("keep-going");
	L("actors: shell");
	L("shell catch SIGINT");
	L("shell catch SIGHUP");
	L("shell umask 027");
	L("shell open /etc/passwd");
	fputs("shell exec sh -c \"cd \\\"$SHMLIFE_TMP\\\" && trap '' USR2 && exec \\\"$@\\\"\" daemon-check", f);
	char path[4096];
	for (int i = 0; i < a->ncommand; i++) {
		fputc(' ', f);
		if (put_word(f, i ? a->command[i] : program_path(a->command[0], path, sizeof(path))) < 0) {
			fclose(f);
			free(text);
			cli_usage_error(CMD, "an argument with a newline or '{{' cannot be passed: '%s'", a->command[i]);
			return NULL;
		}
	}
	rules[n++] = (struct rule){ "returns", "COMMAND returns (exit 0), leaving the daemon running", line + 1 };
	L("%s", "");
	RULE("found", "the daemon is found once COMMAND has returned", "find comm=%s%s%s -> d", a->name ? a->name : "*",
	     a->pidfile ? " pidfile=" : "", a->pidfile ? a->pidfile : "");
	RULE("no-ctty", "it has no controlling terminal", "expect d tty_nr=0 tpgid=-1 within 2s");
	RULE("no-reacquire", "it cannot acquire one: it is not a session leader (second fork)", "expect d sid!=d within 2s");
	RULE("own-session", "its session and process group are not the terminal's", "expect d sid!=shell pgid!=shell within 2s");
	RULE("stdio-null", "stdin, stdout and stderr are /dev/null", "expect d fd0=/dev/null fd1=/dev/null fd2=/dev/null within 2s");
	RULE("fds-closed", "the descriptor the shell had open (fd 3) was closed", "expect d fd3!=/etc/passwd within 2s");
	RULE("signals-reset", "a signal ignored by the shell (SIGUSR2) is no longer ignored", "expect d sig-ignored!=SIGUSR2 within 2s");
	RULE("umask-reset", "the umask is not the shell's (027)", "expect d umask!=027 within 2s");
	RULE("cwd-root", "the working directory is /", "expect d cwd=/ within 2s");
	if (a->pidfile)
		RULE("pidfile", "the pid file holds the daemon's pid",
		     "shell exec sh -c \"cd \\\"$SHMLIFE_TMP\\\" && test \\\"$(head -n 1 '%s')\\\" = {{d}}\"", a->pidfile);
	if (a->user) {
		const struct passwd *pw = getpwnam(a->user);
		if (!pw) {
			fclose(f);
			free(text);
			cli_usage_error(CMD, "--user %s: no such user", a->user);
			return NULL;
		}
		RULE("privileges", "it runs as the user asked for", "expect d puid=%u", (unsigned)pw->pw_uid);
	}
	L("key ^C");
	L("expect shell sig-received=SIGINT");
	RULE("survives-intr", "it survives ^C typed on the terminal", "expect d alive sig-pending!=SIGINT");
	L("hangup");
	L("expect shell sig-received=SIGHUP");
	RULE("survives-hangup", "it survives the terminal's hangup", "expect d alive sig-pending!=SIGHUP");
#undef RULE
#undef L
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	assert(n <= NRULES);
	*nrules = n;
	return text;
}

#define DETAIL_MAX sizeof(((struct sl_trace_entry *)0)->detail)

/* The verdict of the step written on `line`, and its detail (copied into
 * detail[DETAIL_MAX + 1]). */
static enum sl_outcome rule_verdict(const struct sl_scenario *s, const struct sl_result *r, int line, char *detail)
{
	detail[0] = '\0';
	for (int i = 0; i < r->ntrace; i++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(r, i, &e_copy);
		if (e->kind == SL_ENTRY_STEP && e->step >= 0 && e->step < s->nsteps && s->steps[e->step].line == line) {
			snprintf(detail, DETAIL_MAX + 1, "%.*s", (int)DETAIL_MAX, e->detail);
			return e->verdict;
		}
	}
	return SL_SKIP; /* not reached: the run ended before it */
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static int report(const struct dc_args *a, const struct sl_scenario *s, const struct sl_result *r,
		  const struct rule *rules, int n)
{
	int held = 0;
	if (a->tap)
		printf("TAP version 13\n1..%d\n", n);
	if (a->json) {
		printf("{\"command\": [");
		for (int i = 0; i < a->ncommand; i++) {
			printf(i ? ", " : "");
			json_string(stdout, a->command[i]);
		}
		printf("], \"outcome\": \"%s\", \"rules\": [\n", sl_outcome_name(r->outcome));
	}
	if (!a->tap && !a->json) {
		printf("daemon-check:");
		for (int i = 0; i < a->ncommand; i++)
			printf(" %s", a->command[i]);
		printf("\n");
	}
	for (int i = 0; i < n; i++) {
		char detail[DETAIL_MAX + 1];
		enum sl_outcome v = rule_verdict(s, r, rules[i].line, detail);
		int ok = v == SL_PASS;
		held += ok;
		if (a->tap) {
			printf("%s %d - %s: %s%s\n", ok ? "ok" : "not ok", i + 1, rules[i].id, rules[i].text,
			       v == SL_SKIP ? " # SKIP not reached" : "");
			if (!ok && detail[0])
				printf("  # %.*s\n", (int)DETAIL_MAX, detail);
		} else if (a->json) {
			printf("  {\"rule\": \"%s\", \"text\": ", rules[i].id);
			json_string(stdout, rules[i].text);
			printf(", \"holds\": %s, \"verdict\": \"%s\", \"detail\": ", ok ? "true" : "false", sl_outcome_name(v));
			json_string(stdout, detail);
			printf("}%s\n", i + 1 < n ? "," : "");
		} else {
			printf("  %-5s %-16s %s\n", ok ? "ok" : v == SL_SKIP ? "-" : "NO", rules[i].id, rules[i].text);
			if (!ok && detail[0])
				printf("  %-5s %-16s %.*s\n", "", "", (int)DETAIL_MAX, detail);
		}
	}
	if (a->json)
		printf("], \"held\": %d, \"rules_total\": %d}\n", held, n);
	else if (!a->tap)
		printf("%d of %d rules hold%s%s\n", held, n, r->outcome == SL_BROK ? "; the check itself broke: " : "",
		       r->outcome == SL_BROK ? r->reason : "");
	if (r->outcome == SL_BROK)
		return EXIT_BROKEN;
	return held == n ? EXIT_PASSED : EXIT_FAILED;
}

int cmd_daemon_check(int argc, char **argv)
{
	struct dc_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? EXIT_PASSED : EXIT_USAGE;
	struct rule rules[NRULES];
	int n = 0;
	char *text = write_script(&a, rules, &n);
	if (!text)
		return EXIT_USAGE;
	if (a.script) {
		fputs(text, stdout);
		free(text);
		return EXIT_PASSED;
	}
	struct sl_diags d;
	memset(&d, 0, sizeof(d));
	struct sl_scenario *s = sl_parse_string(text, "daemon-check.scn", &d);
	free(text);
	if (!s) {
		sl_diags_print(&d, stderr);
		sl_diags_free(&d);
		fprintf(stderr, "shmlife daemon-check: the scenario it wrote does not parse (a bug)\n");
		return EXIT_BROKEN;
	}
	sl_diags_free(&d);
	char why[256];
	if (sl_sandbox_probe(why, sizeof(why)) != 0) {
		fprintf(stderr, "shmlife daemon-check: %s\n", why);
		sl_scenario_free(s);
		return EXIT_NO_SANDBOX;
	}
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.scenario_timeout_ms = a.timeout_ms * 16 + 10000;
	struct sl_result r;
	if (sl_run(s, &o, &r) < 0) {
		fprintf(stderr, "shmlife daemon-check: cannot run: %m\n");
		sl_scenario_free(s);
		return EXIT_BROKEN;
	}
	rc = report(&a, s, &r, rules, n);
	sl_result_free(&r);
	sl_scenario_free(s);
	return rc;
}
