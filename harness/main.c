/* main.c - the `shmlife` command: the table of subcommands and dispatch.
 *
 * A new subcommand is one file, harness/cmd_<name>.c, defining
 * `int cmd_<name>(int argc, char **argv)` (argv[0] is the subcommand's name;
 * it handles --help itself), and one line in SHMLIFE_COMMANDS below.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "cli_util.h"
#include "runner.h"
#include "shmlife/run.h"
#include "shmlife/valgrind.h"

#ifndef SHMLIFE_VERSION
#define SHMLIFE_VERSION "0.1.0"
#endif

#define SHMLIFE_COMMANDS(X)                                                        \
	X(run, "run scenarios; TAP on stdout, JUnit XML and JSON reports")          \
	X(check, "parse and validate scripts without running them")                 \
	X(list, "list scenarios: name, tags, description")                          \
	X(show, "run one scenario and print its full trace")                         \
	X(claims, "run scenarios; list each claim with this kernel's verdict")     \
	X(explore, "re-run a scenario with a crash at each point; check its invariants") \
	X(fuzz, "random scenarios from a reference model; divergences shrunk to scripts") \
	X(daemon_check, "start a daemon from a terminal session; check daemon(7)'s rules") \
	X(merge, "join the results.json of shards into one set of reports")

#define DECLARE_COMMAND(name, summary) int cmd_##name(int argc, char **argv);
SHMLIFE_COMMANDS(DECLARE_COMMAND)

struct command {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
};

#define COMMAND_ENTRY(name, summary) { #name, summary, cmd_##name },
static const struct command commands[] = { SHMLIFE_COMMANDS(COMMAND_ENTRY) };
#define NCOMMANDS ((int)(sizeof(commands) / sizeof(commands[0])))

/* The name a user types: daemon_check is `daemon-check`. */
static void command_name(const char *ident, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ident);
	for (char *c = buf; *c; c++)
		if (*c == '_')
			*c = '-';
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: shmlife COMMAND [OPTIONS] [ARGS]\n"
		     "       shmlife help COMMAND | --help | --version\n\n"
		     "Tests the lifecycle of System V shared memory segments and daemon processes\n"
		     "against the running kernel, one scenario script at a time, each in its own\n"
		     "namespaces.\n\nCommands:\n");
	for (int i = 0; i < NCOMMANDS; i++) {
		char name[32];
		command_name(commands[i].name, name, sizeof(name));
		fprintf(out, "  %-12s %s\n", name, commands[i].summary);
	}
	fprintf(out, "\n`shmlife COMMAND --help` describes a command.  Manual: docs/cli.md.\n");
}

static const struct command *find_command(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++) {
		char typed[32];
		command_name(commands[i].name, typed, sizeof(typed));
		if (strcmp(typed, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* `shmlife: no command 'runn'`, and the command meant, if one is close. */
static void no_command(const char *name)
{
	char typed[NCOMMANDS][32];
	const char *names[NCOMMANDS];
	for (int i = 0; i < NCOMMANDS; i++) {
		command_name(commands[i].name, typed[i], sizeof(typed[i]));
		names[i] = typed[i];
	}
	fprintf(stderr, "shmlife: no command '%s'\n", name);
	const char *meant = cli_closest(name, names, NCOMMANDS);
	if (meant)
		fprintf(stderr, "  did you mean '%s'?\n", meant);
}

static int dispatch(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_PASSED;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("shmlife %s\n", SHMLIFE_VERSION);
		return EXIT_PASSED;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_PASSED;
		}
		c = find_command(argv[2]);
		if (c) {
			char help[] = "--help";
			char *args[] = { argv[2], help, NULL };
			return c->main(2, args);
		}
		no_command(argv[2]);
		return EXIT_USAGE;
	}
	c = find_command(argv[1]);
	double mul;
	if (c && sl_timeout_mul_from_env(&mul) < 0) {
		fprintf(stderr, "shmlife %s: SHMLIFE_TIMEOUT_MUL wants a number from 1 to 1000 (like 2 or 1.5), "
				"not '%s'\n", argv[1], getenv("SHMLIFE_TIMEOUT_MUL"));
		return EXIT_USAGE;
	}
	if (!c) {
		no_command(argv[1]);
		fputc('\n', stderr);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->main(argc - 1, argv + 1);
}

/* What was printed must have reached standard output: a full device or a
 * closed pipe is an error of the run (3), never a silent 0.  A reader that
 * went away (EPIPE, as in `shmlife list | head`) ends it as SIGPIPE would,
 * without a message. */
static int stdout_written(int status)
{
	errno = 0;
	int flushed = fflush(stdout) == 0;
	if (flushed && !ferror(stdout))
		return status;
	struct pollfd out = { .fd = STDOUT_FILENO, .events = POLLOUT };
	if ((!flushed && errno == EPIPE) || (flushed && poll(&out, 1, 0) == 1 && (out.revents & POLLERR)))
		return 128 + SIGPIPE; /* POLLERR: a pipe whose reader has gone */
	if (flushed) /* an earlier write failed; its errno is gone */
		fprintf(stderr, "shmlife: writing standard output failed: what was printed is incomplete\n");
	else
		fprintf(stderr, "shmlife: writing standard output: %s\n", strerror(errno));
	return status == EXIT_USAGE || status > EXIT_BROKEN ? status : EXIT_BROKEN;
}

int main(int argc, char **argv)
{
	/* Which stop signals were ignored at start (nohup): they stay so. */
	runner_note_start();
	/* A closed stdout must not kill the harness while it has children;
	 * the runner catches SIGPIPE while scenarios run. */
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "__conductor") == 0) /* hidden: what valgrind runs (valgrind.h) */
		return sl_vg_conductor_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "__spawner") == 0) /* hidden: a big group's spawner (run.h) */
		return sl_spawner_main(argc - 1, argv + 1);
	return stdout_written(dispatch(argc, argv));
}
