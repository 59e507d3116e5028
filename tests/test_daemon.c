/* test_daemon.c - the engine pieces of issue 5 (sessions, terminals,
 * daemons): `catch` and sig-received (a handler that ran, not a pending
 * bit), sig-pending, `find` (naming a process shmlife did not start, such as
 * the daemon a program leaves behind), found actors (observed, signalled,
 * waited for, never driven, killed with the namespace), actors observed only
 * once they are set up, fork-detach answering once adopted; and the syntax of
 * all of it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "shmlife/parse.h"

/* ---- building steps of the new operations ---------------------------------- */

static void add_catch(struct sl_scenario *s, int actor, int sig)
{
	struct sl_step *st = sl_scenario_add_step(s, actor, SL_OP_CATCH);
	cr_assert_not_null(st);
	st->args[0] = sl_num(sig);
	st->nargs = 1;
}

static struct sl_step *add_kill(struct sl_scenario *s, int actor, int target, int sig)
{
	struct sl_step *st = sl_scenario_add_step(s, actor, SL_OP_KILL);
	cr_assert_not_null(st);
	st->args[0] = sl_actor(target);
	st->args[1] = sl_num(sig);
	st->nargs = 2;
	return st;
}

/* find comm=COMM -> NAME; returns the found actor. */
static int add_find(struct sl_scenario *s, const char *comm, const char *name)
{
	int d = sl_scenario_add_actor(s, name);
	cr_assert_geq(d, 0);
	s->actors[d].spawned = s->actors[d].found = 1;
	struct sl_step *st = sl_scenario_add_step(s, SL_CONDUCTOR, SL_OP_FIND);
	cr_assert_not_null(st);
	st->str = strdup(comm);
	st->new_actor = d;
	return d;
}

static void add_exec_daemon(struct sl_scenario *s, int actor, const char *name)
{
	const char *const argv[] = { "shmlife-daemon", "--name", name, NULL };
	cr_assert_not_null(sl_add_exec(s, actor, argv));
}

/* fd0=/dev/null, comm=NAME: a text predicate. */
static void add_text_pred(struct sl_step *e, enum sl_field f, int fd, const char *text)
{
	struct sl_value none = { SL_VAL_NONE, 0, 0, 0 };
	struct sl_predicate *p = sl_step_add_pred(e, f, SL_CMP_EQ, none);
	cr_assert_not_null(p);
	p->fd = fd;
	p->str = strdup(text);
}

static struct sl_step *expect_of(struct sl_scenario *s, int actor)
{
	return sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(actor));
}

/* The first trace entry of kind `kind` whose detail contains `text`, or NULL. */
static const struct sl_trace_entry *entry_saying(const struct sl_result *r, enum sl_entry_kind kind,
						 const char *text)
{
	struct sl_trace_entry e;
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, &e)->kind == kind && strstr(e.detail, text))
			return test_keep(&e);
	return NULL;
}

/* Processes on the host whose PID namespace has inode `ino`. */
static int processes_in_pid_namespace(uint64_t ino)
{
	char want[64], path[300], link[64];
	snprintf(want, sizeof(want), "pid:[%llu]", (unsigned long long)ino);
	DIR *d = opendir("/proc");
	cr_assert_not_null(d);
	int n = 0;
	const struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
			ssize_t len = readlink(path, link, sizeof(link) - 1);
			if (len > 0) {
				link[len] = '\0';
				n += strcmp(link, want) == 0;
			}
		}
	closedir(d);
	return n;
}

/* ---- catch, sig-received, sig-pending ---------------------------------------- */

Test(daemon, catch_records_a_signal_another_actor_sends)
{
	struct sl_scenario *s = sl_scenario_new("catch-usr1");
	int a = sl_scenario_add_actor(s, "a"), b = sl_scenario_add_actor(s, "b");
	add_catch(s, a, SIGUSR1);
	struct sl_step *e = expect_of(s, a);
	sl_step_add_pred(e, SL_F_SIG_CAUGHT, SL_CMP_EQ, sl_num(SIGUSR1));
	sl_step_add_pred(e, SL_F_SIG_RECEIVED, SL_CMP_NE, sl_num(SIGUSR1));
	add_kill(s, b, a, SIGUSR1);
	e = expect_of(s, a);
	sl_step_add_pred(e, SL_F_SIG_RECEIVED, SL_CMP_EQ, sl_num(SIGUSR1));
	sl_step_add_pred(e, SL_F_SIG_RECEIVED, SL_CMP_NE, sl_num(SIGUSR2));
	sl_step_add_pred(e, SL_F_SIG_PENDING, SL_CMP_NE, sl_num(SIGUSR1)); /* delivered: no longer pending */
	sl_step_add_pred(e, SL_F_ALIVE, SL_CMP_TRUE, sl_num(0));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, sig_received_fails_when_the_handler_never_ran)
{
	struct sl_scenario *s = sl_scenario_new("never-sent");
	int a = sl_scenario_add_actor(s, "a");
	add_catch(s, a, SIGUSR1);
	sl_step_add_pred(expect_of(s, a), SL_F_SIG_RECEIVED, SL_CMP_EQ, sl_num(SIGUSR1));
	int step = LAST_STEP(s);
	struct sl_result r = run_scenario(s, 400);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert_eq(r.failed_step, step);
	const struct sl_trace_entry *en = entry_of(&r, step);
	cr_assert_not_null(en);
	cr_assert_not_null(strstr(en->detail, "sig-received=SIGUSR1: its catch handler did not run"), "%s",
			   en->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, a_forked_child_inherits_the_handler_not_the_record)
{
	struct sl_scenario *s = sl_scenario_new("fork-record");
	int a = sl_scenario_add_actor(s, "a"), b = sl_scenario_add_actor(s, "b");
	add_catch(s, a, SIGUSR1);
	add_kill(s, b, a, SIGUSR1);
	sl_step_add_pred(expect_of(s, a), SL_F_SIG_RECEIVED, SL_CMP_EQ, sl_num(SIGUSR1));
	int kid;
	sl_add_fork(s, a, "kid", &kid);
	struct sl_step *e = expect_of(s, kid);
	sl_step_add_pred(e, SL_F_SIG_CAUGHT, SL_CMP_EQ, sl_num(SIGUSR1));
	sl_step_add_pred(e, SL_F_SIG_RECEIVED, SL_CMP_NE, sl_num(SIGUSR1));
	add_kill(s, b, kid, SIGUSR1);
	sl_step_add_pred(expect_of(s, kid), SL_F_SIG_RECEIVED, SL_CMP_EQ, sl_num(SIGUSR1));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, sigkill_cannot_be_caught)
{
	struct sl_scenario *s = sl_scenario_new("catch-kill");
	int a = sl_scenario_add_actor(s, "a");
	add_catch(s, a, SIGKILL);
	sl_step_expect_errno(&s->steps[LAST_STEP(s)], EINVAL);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, 0)->err, EINVAL);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- actors are observed once they are set up -------------------------------- */

Test(daemon, the_first_observation_sees_a_prepared_actor)
{
	for (int round = 0; round < 5; round++) {
		struct sl_scenario *s = sl_scenario_new("prepared");
		int a = sl_scenario_add_actor(s, "a");
		struct sl_step *e = expect_of(s, a);
		sl_step_add_pred(e, SL_F_NFDS, SL_CMP_EQ, sl_num(3));
		/* the conductor ignores SIGHUP; an actor has reset it to the default */
		sl_step_add_pred(e, SL_F_SIG_IGNORED, SL_CMP_NE, sl_num(SIGHUP));
		struct sl_result r = run_scenario(s, 0);
		assert_passed(r);
		sl_result_free(&r);
		sl_scenario_free(s);
	}
}

/* What the caller of sl_run() ignores is not the actors' to inherit: the
 * conductor sets every disposition to default when it starts, and an actor
 * resets what the conductor changed after. */
Test(daemon, an_actor_does_not_inherit_what_the_caller_ignores)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	cr_assert_eq(sigaction(SIGUSR2, &ign, &old), 0);
	struct sl_scenario *s = sl_scenario_new("caller-ignores");
	int a = sl_scenario_add_actor(s, "a");
	struct sl_step *e = expect_of(s, a);
	sl_step_add_pred(e, SL_F_SIG_IGNORED, SL_CMP_NE, sl_num(SIGUSR2));
	sl_step_add_pred(e, SL_F_SIG_IGNORED, SL_CMP_NE, sl_num(SIGPIPE)); /* the conductor's own */
	struct sl_result r = run_scenario(s, 0);
	sigaction(SIGUSR2, &old, NULL);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, a_forked_child_is_observed_once_it_serves)
{
	for (int round = 0; round < 5; round++) {
		struct sl_scenario *s = sl_scenario_new("forked-prepared");
		int a = sl_scenario_add_actor(s, "a"), kid;
		sl_add_fork(s, a, "kid", &kid);
		sl_step_add_pred(expect_of(s, kid), SL_F_NFDS, SL_CMP_EQ, sl_num(3)); /* its channel not counted */
		struct sl_result r = run_scenario(s, 0);
		assert_passed(r);
		sl_result_free(&r);
		sl_scenario_free(s);
	}
}

Test(daemon, fork_detach_and_daemon_answer_once_adopted)
{
	for (int round = 0; round < 5; round++) {
		struct sl_scenario *s = sl_scenario_new("adopted");
		int a = sl_scenario_add_actor(s, "a"), b = sl_scenario_add_actor(s, "b");
		sl_scenario_add_step(s, a, SL_OP_FORK_DETACH);
		sl_step_add_pred(expect_of(s, a), SL_F_PPID, SL_CMP_EQ, sl_num(1));
		struct sl_step *st = sl_scenario_add_step(s, b, SL_OP_DAEMON);
		st->args[0] = st->args[1] = sl_num(1); /* keep cwd and stdio */
		st->nargs = 2;
		struct sl_step *e = expect_of(s, b);
		sl_step_add_pred(e, SL_F_PPID, SL_CMP_EQ, sl_num(1));
		sl_step_add_pred(e, SL_F_SID, SL_CMP_EQ, sl_actor(b));
		struct sl_result r = run_scenario(s, 0);
		assert_passed(r);
		sl_result_free(&r);
		sl_scenario_free(s);
	}
}

/* ---- find: a process shmlife did not start -------------------------------------- */

Test(daemon, find_names_the_daemon_a_program_leaves_and_teardown_kills_it)
{
	struct sl_scenario *s = sl_scenario_new("find-daemon");
	int starter = sl_scenario_add_actor(s, "starter");
	add_exec_daemon(s, starter, "found-one");
	int d = add_find(s, "found-one", "d");
	int find = LAST_STEP(s);
	struct sl_step *e = expect_of(s, d);
	sl_step_add_pred(e, SL_F_ALIVE, SL_CMP_TRUE, sl_num(0));
	sl_step_add_pred(e, SL_F_PPID, SL_CMP_EQ, sl_num(1));
	sl_step_add_pred(e, SL_F_SID, SL_CMP_NE, sl_actor(d));
	sl_step_add_pred(e, SL_F_TTY_NR, SL_CMP_EQ, sl_num(0));
	sl_step_add_pred(e, SL_F_NFDS, SL_CMP_EQ, sl_num(3));
	add_text_pred(e, SL_F_FD, 0, "/dev/null");
	add_text_pred(e, SL_F_COMM, 0, "found-one");
	int obs = LAST_STEP(s);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	const struct sl_trace_entry *f = entry_of(&r, find), *o = entry_of(&r, obs);
	cr_assert_gt(f->ret, 1, "find returns the daemon's pid");
	cr_assert_eq(o->obs.proc.pid, f->ret, "the expectation observed the process found");
	cr_assert_str_eq(o->obs.proc.comm, "found-one");
	const struct sl_trace_entry *end = entry_saying(&r, SL_ENTRY_EVENT, "found by 'find', was alive");
	cr_assert_not_null(end, "the teardown says the daemon was alive at the end");
	cr_assert_not_null(strstr(end->detail, "killed by SIGKILL"), "%s", end->detail);
	cr_assert_eq(processes_in_pid_namespace(r.pid_ns), 0, "the daemon is gone with the namespace");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, find_fails_when_no_process_has_the_name)
{
	struct sl_scenario *s = sl_scenario_new("find-none");
	sl_scenario_add_actor(s, "a");
	add_find(s, "nosuch", "d");
	struct sl_result r = run_scenario(s, 200);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert_not_null(strstr(r.reason, "no live process named 'nosuch'"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, find_never_names_an_actor_or_the_conductor)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "re");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	struct sl_scenario *s = sl_scenario_new("find-self");
	sl_scenario_add_actor(s, "a");
	sl_scenario_add_actor(s, "b");
	add_find(s, comm, "d"); /* actors and the conductor are forks of this test: the same comm */
	struct sl_result r = run_scenario(s, 200);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert_not_null(strstr(r.reason, "no live process named"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, find_fails_when_two_processes_have_the_name)
{
	struct sl_scenario *s = sl_scenario_new("find-two");
	int a = sl_scenario_add_actor(s, "a");
	add_exec_daemon(s, a, "twin");
	add_exec_daemon(s, a, "twin");
	add_find(s, "twin", "d");
	struct sl_result r = run_scenario(s, 200);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert_not_null(strstr(r.reason, "2 live processes are named 'twin'"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, a_found_process_is_signalled_waited_for_and_judged)
{
	struct sl_scenario *s = sl_scenario_new("find-kill");
	int a = sl_scenario_add_actor(s, "a");
	add_exec_daemon(s, a, "victim");
	int d = add_find(s, "victim", "d");
	add_kill(s, a, d, SIGTERM);
	struct sl_step *w = sl_scenario_add_step(s, SL_CONDUCTOR, SL_OP_WAIT);
	w->args[0] = sl_actor(d);
	w->nargs = 1;
	sl_step_add_pred(expect_of(s, d), SL_F_KILLED_BY, SL_CMP_EQ, sl_num(SIGTERM));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	cr_assert_null(entry_saying(&r, SL_ENTRY_EVENT, "was alive after the last step"),
		       "a daemon that ended is not reported at the teardown");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(daemon, a_found_process_performs_no_steps_and_answers_no_questions)
{
	struct sl_scenario *s = sl_scenario_new("find-mute");
	int a = sl_scenario_add_actor(s, "a");
	add_exec_daemon(s, a, "mute");
	int d = add_find(s, "mute", "d");
	sl_step_add_pred(expect_of(s, d), SL_F_DEVTTY_ERRNO, SL_CMP_EQ, sl_num(ENXIO));
	int probe = LAST_STEP(s);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert_eq(r.failed_step, probe);
	cr_assert_not_null(strstr(r.reason, "not observable"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);

	s = sl_scenario_new("find-no-steps");
	a = sl_scenario_add_actor(s, "a");
	add_exec_daemon(s, a, "mute");
	d = add_find(s, "mute", "d");
	sl_scenario_add_step(s, d, SL_OP_SETSID);
	r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	cr_assert_not_null(strstr(r.reason, "it performs no steps"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- the syntax ----------------------------------------------------------------- */

static struct sl_scenario *parse_ok(const char *text)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	if (!s)
		sl_diags_print(&d, stderr);
	sl_diags_free(&d);
	cr_assert_not_null(s, "the script parses");
	return s;
}

static void parse_fails(const char *text, const char *expected)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	cr_assert_null(s, "a bad script gave a scenario");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	sl_diags_print(&d, f);
	fclose(f);
	sl_diags_free(&d);
	cr_assert_str_eq(buf, expected, "\ngot:\n%s\nexpected:\n%s", buf, expected);
	free(buf);
}

Test(daemon_syntax, catch_find_and_the_new_fields)
{
	struct sl_scenario *s = parse_ok("scenario t\n"
					 "actors: shell, a\n"
					 "a catch SIGHUP\n"
					 "a exec shmlife-daemon\n"
					 "find comm=shmlife-daemon -> d\n"
					 "expect d sid!=d tty_nr=0 tpgid=-1 comm=shmlife-daemon sig-pending!=SIGHUP\n"
					 "expect a sig-received=SIGHUP sig-received!=SIGINT tpgid=shell\n"
					 "a kill d SIGTERM\n"
					 "wait d\n");
	cr_assert_eq(s->nsteps, 7);
	cr_assert_eq(s->steps[0].op, SL_OP_CATCH);
	cr_assert_eq(s->steps[0].args[0].num, SIGHUP);
	const struct sl_step *f = &s->steps[2];
	cr_assert_eq(f->op, SL_OP_FIND);
	cr_assert_eq(f->actor, SL_CONDUCTOR);
	cr_assert_str_eq(f->str, "shmlife-daemon");
	int d = sl_scenario_find_actor(s, "d");
	cr_assert_eq(f->new_actor, d);
	cr_assert(s->actors[d].found && s->actors[d].spawned);
	cr_assert_not(s->actors[sl_scenario_find_actor(s, "a")].found);
	const struct sl_step *e = &s->steps[3];
	cr_assert_eq(e->target, SL_TARGET_PROCESS);
	cr_assert_eq(e->preds[3].field, SL_F_COMM);
	cr_assert_str_eq(e->preds[3].str, "shmlife-daemon");
	cr_assert_eq(e->preds[4].field, SL_F_SIG_PENDING);
	cr_assert_eq(e->preds[4].cmp, SL_CMP_NE);
	e = &s->steps[4];
	cr_assert_eq(e->preds[0].field, SL_F_SIG_RECEIVED);
	cr_assert_eq(e->preds[1].cmp, SL_CMP_NE);
	cr_assert_eq(e->preds[2].field, SL_F_TPGID);
	cr_assert_eq(e->preds[2].value.kind, SL_VAL_ACTOR, "tpgid takes an actor, as pgid does");
	cr_assert_str_eq(sl_op_name(SL_OP_FIND), "find");
	cr_assert_str_eq(sl_op_name(SL_OP_CATCH), "catch");
	sl_scenario_free(s);
}

Test(daemon_syntax, a_found_process_is_not_driven)
{
	parse_fails("scenario t\n"
		    "actors: a\n"
		    "a exec shmlife-daemon\n"
		    "find comm=shmlife-daemon -> d\n"
		    "d setsid\n"
		    "expect d devtty=ENXIO\n"
		    "expect d sig-received=SIGHUP\n",
		    "t.scn:5:1: 'd' was found by 'find', not started by shmlife: it performs no steps "
		    "(expect, wait and kill it)\n"
		    "t.scn:6:10: devtty is probed from inside the process, and 'd' was found, not started by "
		    "shmlife; write tty_nr=0 and sid!=d instead\n"
		    "t.scn:7:10: sig-received is what an actor's 'catch' recorded, and 'd' was found, not "
		    "started by shmlife; write sig-pending=SIG or sig-caught=SIG instead\n");
}

Test(daemon_syntax, errors_of_catch_find_and_signal_sets)
{
	parse_fails("scenario t\n"
		    "actors: a\n"
		    "find comm=waytoolongname1234 -> x\n"
		    "find comm=y\n"
		    "a catch\n"
		    "expect a sig-received<SIGHUP\n"
		    "find -> z\n",
		    "t.scn:3:6: a comm is 1 to 15 bytes (the kernel keeps the first 15 of a program's name), not 18\n"
		    "t.scn:4:1: find needs '-> NAME' to name the process it finds\n"
		    "t.scn:5:3: catch needs a signal: catch SIGHUP\n"
		    "t.scn:6:22: 'sig-received' says whether a signal is in a set: use = or !=\n"
		    "t.scn:7:1: find needs a process name: find comm=mydaemon -> d\n");
}

Test(daemon_syntax, find_is_a_reserved_word)
{
	parse_fails("scenario t\n"
		    "actors: find\n"
		    "find comm=x -> d\n",
		    "t.scn:2:9: 'find' is a reserved word; choose another name\n");
}
