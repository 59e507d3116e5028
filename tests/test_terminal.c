/* test_terminal.c - `terminal: pty` gives the scenario a real controlling
 * terminal: the starting actor leads its session, its tty is set and
 * /dev/tty opens; keystrokes and hangups reach whom the kernel says. */
#include <errno.h>
#include <signal.h>

#include "engine_fixture.h"

static struct sl_scenario *with_terminal(const char *name, int *shell, int *job)
{
	struct sl_scenario *s = sl_scenario_new(name);
	s->terminal = 1;
	*shell = sl_scenario_add_actor(s, "shell");
	*job = sl_scenario_add_actor(s, "job");
	return s;
}

Test(terminal, starting_actor_has_a_real_controlling_tty)
{
	int shell, job;
	struct sl_scenario *s = with_terminal("tty-is-real", &shell, &job);
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(shell));
	sl_step_add_pred(e, SL_F_TTY_NR, SL_CMP_NE, sl_num(0));
	sl_step_add_pred(e, SL_F_DEVTTY_ERRNO, SL_CMP_EQ, sl_num(0));
	sl_step_add_pred(e, SL_F_SID, SL_CMP_EQ, sl_actor(shell));
	int obs = LAST_STEP(s);
	e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(job));
	sl_step_add_pred(e, SL_F_SID, SL_CMP_EQ, sl_actor(shell));
	sl_step_add_pred(e, SL_F_PPID, SL_CMP_EQ, sl_actor(shell));
	int obs_job = LAST_STEP(s);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	const struct sl_process_obs *p = &entry_of(&r, obs)->obs.proc;
	cr_assert_neq(p->tty_nr, 0, "tty_nr is set");
	cr_assert_eq(p->devtty_errno, 0, "/dev/tty opens");
	cr_assert_eq(p->tpgid, p->pgid, "its group is in the foreground");
	cr_assert_eq(entry_of(&r, obs_job)->obs.proc.tty_nr, p->tty_nr, "the job shares the terminal");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(terminal, without_a_terminal_nobody_has_one)
{
	struct sl_scenario *s = sl_scenario_new("no-tty");
	int a = sl_scenario_add_actor(s, "a");
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(a));
	sl_step_add_pred(e, SL_F_TTY_NR, SL_CMP_EQ, sl_num(0));
	sl_step_add_pred(e, SL_F_DEVTTY_ERRNO, SL_CMP_EQ, sl_num(ENXIO));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(terminal, ctrl_c_kills_the_foreground_and_hangup_the_session_leader_not_a_daemon)
{
	int shell, job;
	struct sl_scenario *s = with_terminal("keys-and-hangup", &shell, &job);
	int daemon = sl_scenario_add_actor(s, "daemon");
	struct sl_step *st = sl_scenario_add_step(s, daemon, SL_OP_FORK_DETACH);
	st = sl_scenario_add_step(s, daemon, SL_OP_SETSID);
	st = sl_scenario_add_step(s, SL_CONDUCTOR, SL_OP_TTY_KEY);
	st->args[0] = sl_num(3); /* ^C */
	st->nargs = 1;
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(job)), SL_F_KILLED_BY, SL_CMP_EQ, sl_num(SIGINT));
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(shell)), SL_F_KILLED_BY, SL_CMP_EQ, sl_num(SIGINT));
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(daemon)), SL_F_ALIVE, SL_CMP_TRUE, sl_num(0));
	sl_scenario_add_step(s, SL_CONDUCTOR, SL_OP_HANGUP);
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(daemon));
	sl_step_add_pred(e, SL_F_ALIVE, SL_CMP_TRUE, sl_num(0));
	sl_step_add_pred(e, SL_F_TTY_NR, SL_CMP_EQ, sl_num(0));
	sl_step_add_pred(e, SL_F_DEVTTY_ERRNO, SL_CMP_EQ, sl_num(ENXIO));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(terminal, hangup_sends_sighup_to_the_controlling_process)
{
	int shell, job;
	struct sl_scenario *s = with_terminal("hangup", &shell, &job);
	sl_scenario_add_step(s, SL_CONDUCTOR, SL_OP_HANGUP);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(shell)), SL_F_KILLED_BY, SL_CMP_EQ, sl_num(SIGHUP));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}
