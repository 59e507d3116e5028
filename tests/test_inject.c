/* test_inject.c - fault injection (inject.c): errnos, signals just before and
 * just after a call, calls N..M and every call, in built-in actors, in a
 * dynamically linked program, in a static one and in a raw syscall() user;
 * and the actors' rlimits.  The programs are those of scenarios/programs,
 * found beside this test's executable. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "engine_fixture.h"

static const struct sl_value nothing = { SL_VAL_NONE, 0, 0, 0 };

/* The first event of the trace whose text contains `text`, or NULL. */
static const struct sl_trace_entry *event_with(const struct sl_result *r, const char *text)
{
	struct sl_trace_entry e;
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, &e)->kind == SL_ENTRY_EVENT && strstr(e.detail, text))
			return test_keep(&e);
	return NULL;
}

#define assert_event(r, text) \
	cr_assert_not_null(event_with(&(r), (text)), "no event says \"%s\"", (text))

static void expect_segments(struct sl_scenario *s, int n)
{
	struct sl_step *e = sl_add_expect(s, SL_TARGET_NAMESPACE, nothing);
	sl_step_add_pred(e, SL_F_SEGMENTS, SL_CMP_EQ, sl_num(n));
}

static struct sl_step *expect_segment(struct sl_scenario *s, int seg, enum sl_field f, enum sl_cmp cmp,
				      struct sl_value v)
{
	struct sl_step *e = sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg));
	sl_step_add_pred(e, f, cmp, v);
	return e;
}

static void expect_exit(struct sl_step *st, int status)
{
	st->outcome.kind = SL_EXPECT_EXITS;
	st->outcome.status = status;
}

/* ---- errnos into the built-in actor's calls ------------------------------------ */

Test(builtin, shmget_fails_with_the_injected_errno_and_creates_nothing)
{
	struct sl_scenario *s = sl_scenario_new("inject-builtin-shmget");
	int owner = sl_scenario_add_actor(s, "owner"), seg = sl_scenario_add_slot(s, "seg");
	struct sl_step *st = sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	cr_assert_not_null(sl_step_add_fault(st, SL_FAULT_ERRNO, "shmget", 1, 1, ENOSPC));
	sl_step_expect_errno(st, ENOSPC);
	expect_segments(s, 0);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "shmget call 1: failed with ENOSPC");
	assert_event(r, "(actor of step 1): shmget=1 shmat=0");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(builtin, shmat_fails_with_the_injected_errno_and_attaches_nothing)
{
	struct sl_scenario *s = sl_scenario_new("inject-builtin-shmat");
	int owner = sl_scenario_add_actor(s, "owner");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	struct sl_step *st = sl_add_shmat(s, owner, seg, 0, a);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "shmat", 1, 1, EACCES);
	sl_step_expect_errno(st, EACCES);
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(0));
	expect_segment(s, seg, SL_F_ATIME, SL_CMP_EQ, sl_num(0));
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "shmat call 1: failed with EACCES");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(builtin, shmdt_fails_with_the_injected_errno_and_stays_attached)
{
	struct sl_scenario *s = sl_scenario_new("inject-builtin-shmdt");
	int owner = sl_scenario_add_actor(s, "owner");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	struct sl_step *st = sl_add_shmdt(s, owner, a);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "shmdt", 1, 0, EINVAL);
	sl_step_expect_errno(st, EINVAL);
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(1));
	struct sl_step *m = sl_add_expect(s, SL_TARGET_MAPS, sl_actor(owner));
	sl_step_add_pred(m, SL_F_ATTACHED, SL_CMP_TRUE, sl_slot(seg));
	sl_add_shmdt(s, owner, a); /* the fault ended with its step */
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(builtin, shmctl_rmid_fails_with_the_injected_errno_and_removes_nothing)
{
	struct sl_scenario *s = sl_scenario_new("inject-builtin-shmctl");
	int owner = sl_scenario_add_actor(s, "owner"), seg = sl_scenario_add_slot(s, "seg");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	struct sl_step *st = sl_add_shmctl(s, owner, seg, IPC_RMID);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "shmctl", 1, 1, EPERM);
	sl_step_expect_errno(st, EPERM);
	expect_segment(s, seg, SL_F_EXISTS, SL_CMP_TRUE, sl_num(0));
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	expect_segment(s, seg, SL_F_GONE, SL_CMP_TRUE, sl_num(0));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(builtin, ftok_fork_setsid_and_open_fail_with_the_injected_errno)
{
	struct sl_scenario *s = sl_scenario_new("inject-builtin-others");
	int owner = sl_scenario_add_actor(s, "owner"), child = -1;
	struct sl_step *st = sl_scenario_add_step(s, owner, SL_OP_FTOK);
	st->str = strdup("/");
	st->nargs = 1;
	st->args[0] = sl_num(1);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "ftok", 1, 1, ENOENT);
	sl_step_expect_errno(st, ENOENT);
	st = sl_add_fork(s, owner, "child", &child);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "fork", 1, 1, EAGAIN);
	sl_step_expect_errno(st, EAGAIN);
	st = sl_scenario_add_step(s, owner, SL_OP_SETSID);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "setsid", 1, 1, EPERM);
	sl_step_expect_errno(st, EPERM);
	st = sl_scenario_add_step(s, owner, SL_OP_OPEN);
	st->str = strdup("/dev/null");
	st->nargs = 1;
	st->args[0] = sl_num(O_RDONLY);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "open", 1, 1, EACCES);
	sl_step_expect_errno(st, EACCES);
	st = sl_scenario_add_step(s, owner, SL_OP_FTOK); /* unfaulted: the real answer */
	st->str = strdup("/");
	st->nargs = 1;
	st->args[0] = sl_num(1);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "ftok call 1: failed with ENOENT");
	assert_event(r, "fork call 1: failed with EAGAIN");
	cr_assert_gt(entry_of(&r, 4)->ret, 0, "ftok works again once its step is over");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- signals just before and just after a call ----------------------------------- */

/* owner: shmget, shmat with a signal fault; rescuer removes the segment. */
static struct sl_scenario *signal_at_shmat(const char *name, enum sl_fault_kind kind, int sig, int *seg)
{
	struct sl_scenario *s = sl_scenario_new(name);
	int owner = sl_scenario_add_actor(s, "owner");
	sl_scenario_add_actor(s, "rescuer");
	*seg = sl_scenario_add_slot(s, "seg");
	int a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, *seg);
	struct sl_step *st = sl_add_shmat(s, owner, *seg, 0, a);
	sl_step_add_fault(st, kind, "shmat", 1, 1, sig);
	sl_step_expect_signal(st, sig);
	return s;
}

Test(signals, sigkill_before_shmat_leaves_the_segment_untouched)
{
	int seg;
	struct sl_scenario *s = signal_at_shmat("inject-kill-before-shmat", SL_FAULT_SIGNAL_BEFORE, SIGKILL, &seg);
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(0));
	expect_segment(s, seg, SL_F_ATIME, SL_CMP_EQ, sl_num(0));
	expect_segment(s, seg, SL_F_DTIME, SL_CMP_EQ, sl_num(0));
	expect_segment(s, seg, SL_F_LPID, SL_CMP_EQ, sl_num(0));
	sl_add_shmctl(s, 1, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "shmat call 1: SIGKILL just before the call");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(signals, sigkill_after_shmat_attached_then_the_exit_detached)
{
	int seg;
	struct sl_scenario *s = signal_at_shmat("inject-kill-after-shmat", SL_FAULT_SIGNAL_AFTER, SIGKILL, &seg);
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(0));
	expect_segment(s, seg, SL_F_ATIME, SL_CMP_NE, sl_num(0));  /* shmat ran ...     */
	expect_segment(s, seg, SL_F_DTIME, SL_CMP_NE, sl_num(0));  /* ... and the exit detached */
	expect_segment(s, seg, SL_F_LPID, SL_CMP_EQ, sl_actor(0));
	sl_add_shmctl(s, 1, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "shmat call 1: SIGKILL just after the call returned");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(signals, sigterm_before_and_after_shmat_kill_with_sigterm)
{
	int seg;
	struct sl_scenario *s = signal_at_shmat("inject-term-after-shmat", SL_FAULT_SIGNAL_AFTER, SIGTERM, &seg);
	expect_segment(s, seg, SL_F_ATIME, SL_CMP_NE, sl_num(0));
	sl_add_shmctl(s, 1, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
	s = signal_at_shmat("inject-term-before-shmat", SL_FAULT_SIGNAL_BEFORE, SIGTERM, &seg);
	expect_segment(s, seg, SL_F_ATIME, SL_CMP_EQ, sl_num(0));
	sl_add_shmctl(s, 1, seg, IPC_RMID);
	r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A caught signal: its handler runs, and the call goes on (before: the
 * kernel restarts it, and the restart is not counted as a second call). */
static void caught_signal_at_shmat(enum sl_fault_kind kind)
{
	struct sl_scenario *s = sl_scenario_new("inject-caught-signal");
	int owner = sl_scenario_add_actor(s, "owner");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
	struct sl_step *st = sl_scenario_add_step(s, owner, SL_OP_CATCH);
	st->nargs = 1;
	st->args[0] = sl_num(SIGUSR1);
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	st = sl_add_shmat(s, owner, seg, 0, a);
	sl_step_add_fault(st, kind, "shmat", 1, 1, SIGUSR1);
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(1));
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(owner));
	sl_step_add_pred(e, SL_F_SIG_RECEIVED, SL_CMP_EQ, sl_num(SIGUSR1));
	sl_add_shmdt(s, owner, a);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "(actor of step 3): shmget=0 shmat=1 ");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(signals, a_caught_signal_before_shmat_runs_the_handler_then_the_call_once)
{
	caught_signal_at_shmat(SL_FAULT_SIGNAL_BEFORE);
}

Test(signals, a_caught_signal_after_shmat_runs_the_handler_after_the_call)
{
	caught_signal_at_shmat(SL_FAULT_SIGNAL_AFTER);
}

/* owner: shmget, shmat, shmctl(IPC_RMID) with a SIGKILL fault. */
static struct sl_scenario *kill_at_rmid(const char *name, enum sl_fault_kind kind, int *seg)
{
	struct sl_scenario *s = sl_scenario_new(name);
	int owner = sl_scenario_add_actor(s, "owner");
	sl_scenario_add_actor(s, "rescuer");
	*seg = sl_scenario_add_slot(s, "seg");
	int a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, *seg);
	sl_add_shmat(s, owner, *seg, 0, a);
	struct sl_step *st = sl_add_shmctl(s, owner, *seg, IPC_RMID);
	sl_step_add_fault(st, kind, "shmctl", 1, 1, SIGKILL);
	sl_step_expect_signal(st, SIGKILL);
	return s;
}

Test(signals, sigkill_before_rmid_leaves_the_segment_unmarked)
{
	int seg;
	struct sl_scenario *s = kill_at_rmid("inject-kill-before-rmid", SL_FAULT_SIGNAL_BEFORE, &seg);
	expect_segment(s, seg, SL_F_EXISTS, SL_CMP_TRUE, sl_num(0));
	expect_segment(s, seg, SL_F_DEST, SL_CMP_EQ, sl_num(0));
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(0));
	sl_add_shmctl(s, 1, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(signals, sigkill_after_rmid_before_shmdt_destroys_the_segment_at_exit)
{
	int seg;
	struct sl_scenario *s = kill_at_rmid("inject-kill-after-rmid", SL_FAULT_SIGNAL_AFTER, &seg);
	expect_segment(s, seg, SL_F_GONE, SL_CMP_TRUE, sl_num(0));
	expect_segments(s, 0);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(signals, a_signal_after_fork_is_refused_as_broken)
{
	struct sl_scenario *s = sl_scenario_new("inject-after-fork");
	int owner = sl_scenario_add_actor(s, "owner"), child;
	struct sl_step *st = sl_add_fork(s, owner, "child", &child);
	sl_step_add_fault(st, SL_FAULT_SIGNAL_AFTER, "fork", 1, 1, SIGKILL);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_BROK, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert(strstr(r.reason, "a signal after fork cannot be placed"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- programs: dynamic, static, raw syscall() ------------------------------------ */

/* Runs `prog` with one fault on call `nth` of `call`; it must exit with
 * `status` and leave `left` segments. */
static void program_fault(const char *prog, enum sl_fault_kind kind, const char *call, int nth, int value,
			  int status, int left, const char *event)
{
	struct sl_scenario *s = sl_scenario_new(prog);
	int app = sl_scenario_add_actor(s, "app");
	const char *const argv[] = { prog, NULL };
	struct sl_step *st = sl_add_exec(s, app, argv);
	cr_assert_not_null(sl_step_add_fault(st, kind, call, nth, nth, value));
	if (kind == SL_FAULT_ERRNO)
		expect_exit(st, status);
	else
		sl_step_expect_signal(st, value);
	expect_segments(s, left);
	s->leak_expected = left > 0;
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, event);
	sl_result_free(&r);
	sl_scenario_free(s);
}

static void errno_into_each_shm_call(const char *prog)
{
	/* careful: shmget 1 looks for a stale segment, shmget 2 creates */
	program_fault(prog, SL_FAULT_ERRNO, "shmget", 2, ENOSPC, ENOSPC, 0, "shmget call 2: failed with ENOSPC");
	program_fault(prog, SL_FAULT_ERRNO, "shmat", 1, ENOMEM, ENOMEM, 0, "shmat call 1: failed with ENOMEM");
	program_fault(prog, SL_FAULT_ERRNO, "shmctl", 1, EPERM, EPERM, 0, "shmctl call 1: failed with EPERM");
	program_fault(prog, SL_FAULT_ERRNO, "shmdt", 1, EINVAL, EINVAL, 0, "shmdt call 1: failed with EINVAL");
}

Test(programs, errno_into_each_shm_call_of_a_dynamic_program)
{
	errno_into_each_shm_call("shmlife-careful");
}

Test(programs, errno_into_each_shm_call_of_a_static_program)
{
	errno_into_each_shm_call("shmlife-careful-static");
}

Test(programs, errno_into_each_shm_call_of_a_static_raw_syscall_user)
{
	program_fault("shmlife-rawshm-static", SL_FAULT_ERRNO, "shmget", 1, ENOSPC, ENOSPC, 0, "failed with ENOSPC");
	program_fault("shmlife-rawshm-static", SL_FAULT_ERRNO, "shmat", 1, ENOMEM, 101, 0, "failed with ENOMEM");
	program_fault("shmlife-rawshm-static", SL_FAULT_ERRNO, "shmdt", 1, EINVAL, EINVAL, 0, "failed with EINVAL");
	/* its IPC_RMID failed: the segment is left, as the program says */
	program_fault("shmlife-rawshm-static", SL_FAULT_ERRNO, "shmctl", 1, EPERM, EPERM, 1, "failed with EPERM");
}

Test(programs, the_careless_program_leaks_when_shmat_fails_and_the_careful_one_does_not)
{
	program_fault("shmlife-careless", SL_FAULT_ERRNO, "shmat", 1, ENOMEM, ENOMEM, 1, "failed with ENOMEM");
	program_fault("shmlife-careful", SL_FAULT_ERRNO, "shmat", 1, ENOMEM, ENOMEM, 0, "failed with ENOMEM");
}

Test(programs, signals_before_and_after_calls_of_a_static_program)
{
	/* after shmget, before anything else: careless leaves it; careful removes it at exit */
	program_fault("shmlife-careless-static", SL_FAULT_SIGNAL_AFTER, "shmget", 1, SIGKILL, 0, 1,
		      "shmget call 1: SIGKILL just after the call returned");
	program_fault("shmlife-careful-static", SL_FAULT_SIGNAL_AFTER, "shmctl", 1, SIGKILL, 0, 0,
		      "shmctl call 1: SIGKILL just after");
	program_fault("shmlife-careful-static", SL_FAULT_SIGNAL_BEFORE, "shmctl", 1, SIGKILL, 0, 1,
		      "shmctl call 1: SIGKILL just before");
}

/* careless writes into the segment right after shmat: a SIGKILL "after
 * shmat" must land before that write, so the segment it leaves is blank. */
Test(programs, sigkill_after_shmat_lands_before_the_programs_next_instruction)
{
	struct sl_scenario *s = sl_scenario_new("inject-after-shmat-next-instruction");
	int app = sl_scenario_add_actor(s, "app"), reader = sl_scenario_add_actor(s, "reader");
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
	const char *const argv[] = { "shmlife-careless", NULL };
	struct sl_step *st = sl_add_exec(s, app, argv);
	sl_step_add_fault(st, SL_FAULT_SIGNAL_AFTER, "shmat", 1, 1, SIGKILL);
	sl_step_expect_signal(st, SIGKILL);
	sl_add_shmget(s, reader, sl_auto_key(), 0, 0, seg);
	expect_segment(s, seg, SL_F_ATIME, SL_CMP_NE, sl_num(0));
	expect_segment(s, seg, SL_F_NATTCH, SL_CMP_EQ, sl_num(0));
	sl_add_shmat(s, reader, seg, 0, a);
	static const char blank[16];
	sl_add_read(s, reader, a, 0, blank, sizeof(blank));
	sl_add_shmctl(s, reader, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(programs, calls_n_to_m_and_every_call)
{
	struct sl_scenario *s = sl_scenario_new("inject-ranges");
	int app = sl_scenario_add_actor(s, "app");
	const char *const four[] = { "shmlife-rawshm", "4", NULL };
	struct sl_step *st = sl_add_exec(s, app, four);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "shmat", 2, 3, ENOMEM);
	expect_exit(st, 100 + 0x6); /* attaches 2 and 3 failed */
	const char *const three[] = { "shmlife-rawshm-static", "3", NULL };
	st = sl_add_exec(s, app, three);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "shmat", 1, 0, ENOMEM);
	expect_exit(st, 100 + 0x7); /* every attach failed */
	st = sl_add_exec(s, app, three);
	sl_step_add_fault(st, SL_FAULT_TRACE, "shmat", 1, 0, 0);
	expect_exit(st, 0);
	expect_segments(s, 0);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "(shmlife-rawshm-, program of step 3): shmget=1 shmat=3 shmdt=3 shmctl=1 ftok=0 fork=0 setsid=0 "
			"open=0 mmap=0");
	/* and the record explore reads, field by field */
	struct sl_calls_obs found;
	const struct sl_calls_obs *c = NULL;
	for (int i = 0; i < r.ntrace; i++)
		if (test_entry(&r, i)->obs_kind == SL_OBS_CALLS && test_entry(&r, i)->step == 2) {
			found = test_entry(&r, i)->obs.calls;
			c = &found;
		}
	cr_assert(c, "no calls record for step 3");
	cr_expect_eq(c->role, SL_CALLS_PROGRAM);
	cr_expect_str_eq(c->comm, "shmlife-rawshm-");
	cr_expect_eq(c->calls[1], 3u, "shmat=%u", c->calls[1]);
	cr_expect_str_eq(sl_fault_call_at(1), "shmat");
	cr_expect_eq(c->calls[0] + c->calls[2] + c->calls[3], 1u + 3u + 1u);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(programs, a_static_program_opens_nothing_a_dynamic_one_cannot_load_without_open)
{
	struct sl_scenario *s = sl_scenario_new("inject-open-every-call");
	int app = sl_scenario_add_actor(s, "app");
	const char *const dyn[] = { "shmlife-rawshm", NULL }, *const stat[] = { "shmlife-rawshm-static", NULL };
	struct sl_step *st = sl_add_exec(s, app, dyn);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "open", 1, 0, EACCES);
	expect_exit(st, 127); /* the dynamic loader cannot open libc */
	st = sl_add_exec(s, app, stat);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "open", 1, 0, EACCES);
	expect_exit(st, 0);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(programs, an_actor_already_supervised_passes_its_listener_on_to_its_programs)
{
	struct sl_scenario *s = sl_scenario_new("inject-inherited");
	int owner = sl_scenario_add_actor(s, "owner"), seg = sl_scenario_add_slot(s, "seg");
	struct sl_step *st = sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_step_add_fault(st, SL_FAULT_TRACE, "shmget", 1, 0, 0);
	const char *const argv[] = { "shmlife-rawshm", "2", NULL };
	st = sl_add_exec(s, owner, argv);
	sl_step_add_fault(st, SL_FAULT_ERRNO, "shmat", 2, 2, ENOMEM);
	expect_exit(st, 100 + 0x2);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, "shmat call 2: failed with ENOMEM");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A signal before shmget that the program ignores, blocks, leaves at a
 * default that ignores it, or catches in a second thread: the call is
 * restarted (or let through) and succeeds; it never fails with the kernel's
 * ERESTARTNOINTR (513, the program's exit status 200). */
static void signal_before_shmget_of_sigmasked(const char *mode, int sig, const char *event)
{
	struct sl_scenario *s = sl_scenario_new("inject-signal-masked");
	int app = sl_scenario_add_actor(s, "app");
	char num[16];
	snprintf(num, sizeof(num), "%d", sig);
	const char *const argv[] = { "shmlife-test-sigmasked", mode, num, NULL };
	struct sl_step *st = sl_add_exec(s, app, argv);
	cr_assert_not_null(sl_step_add_fault(st, SL_FAULT_SIGNAL_BEFORE, "shmget", 1, 1, sig));
	expect_exit(st, 0);
	expect_segments(s, 0);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	assert_event(r, event);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(signals, an_ignored_signal_before_shmget_lets_the_call_run)
{
	signal_before_shmget_of_sigmasked("ignore", SIGUSR1, "shmget call 1: SIGUSR1 just before the call (ignored");
}

Test(signals, a_blocked_signal_before_shmget_stays_pending_and_the_call_runs)
{
	signal_before_shmget_of_sigmasked("block", SIGUSR1, "shmget call 1: SIGUSR1 just before the call (blocked");
}

Test(signals, a_signal_ignored_by_default_before_shmget_lets_the_call_run)
{
	signal_before_shmget_of_sigmasked("default", SIGURG, "shmget call 1: SIGURG just before the call (ignored");
}

Test(signals, a_signal_before_a_threads_call_goes_to_that_thread)
{
	signal_before_shmget_of_sigmasked("thread", SIGUSR1, "shmget call 1: SIGUSR1 just before the call");
}

/* ---- limits ------------------------------------------------------------------- */

Test(limits, rlimit_as_makes_a_large_shmat_fail_with_enomem_for_that_actor_only)
{
	struct sl_scenario *s = sl_scenario_new("limits-rlimit-as");
	int small = sl_scenario_add_actor(s, "small"), big = sl_scenario_add_actor(s, "big");
	s->actors[small].rlimit_as = 256L << 20;
	int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a"), b = sl_scenario_add_slot(s, "b");
	sl_add_shmget(s, big, sl_num(IPC_PRIVATE), 512LL << 20, IPC_CREAT | 0600, seg);
	sl_step_expect_errno(sl_add_shmat(s, small, seg, 0, a), ENOMEM);
	sl_add_shmat(s, big, seg, 0, b);
	sl_add_shmctl(s, big, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(limits, rlimit_nofile_makes_open_fail_with_emfile)
{
	struct sl_scenario *s = sl_scenario_new("limits-rlimit-nofile");
	int owner = sl_scenario_add_actor(s, "owner");
	s->actors[owner].rlimit_nofile = 4; /* 0, 1, 2, and one more */
	for (int k = 0; k < 2; k++) {
		struct sl_step *st = sl_scenario_add_step(s, owner, SL_OP_OPEN);
		st->str = strdup("/dev/null");
		st->nargs = 1;
		st->args[0] = sl_num(O_RDONLY);
		if (k == 1)
			sl_step_expect_errno(st, EMFILE);
	}
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(owner));
	sl_step_add_pred(e, SL_F_NFDS, SL_CMP_EQ, sl_num(4));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, 0)->ret, 3);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- the script syntax (parse_inject.c) ------------------------------------------ */

#include "shmlife/parse.h"

static struct sl_scenario *parse_ok(const char *text)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	if (!s)
		sl_diags_print(&d, stderr);
	sl_diags_free(&d);
	cr_assert_not_null(s, "the script does not parse");
	return s;
}

/* The first diagnostic's message for a script that must not parse. */
static void parse_error(const char *text, const char *message)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	cr_assert_null(s, "the script parses");
	cr_assert_geq(d.n, 1);
	cr_assert(strstr(d.v[0].msg, message), "diagnostic: %s", d.v[0].msg);
	sl_diags_free(&d);
}

#define HEAD "scenario t\nactors: owner, app\n"

Test(syntax, inject_clauses_fill_the_steps_faults)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 inject errno=ENOMEM fails ENOMEM\n"
		"app exec prog -x inject shmat calls=2..3 errno=EINVAL inject shmctl call=1 signal=SIGKILL after any\n"
		"app exec prog inject open calls=2.. count inject mmap every signal=SIGTERM\n");
	cr_assert_eq(s->nsteps, 3);
	const struct sl_fault *f = s->steps[0].faults;
	cr_assert_eq(s->steps[0].nfaults, 1);
	cr_assert_eq(f->kind, SL_FAULT_ERRNO);
	cr_assert_eq(f->syscall_nr, sl_fault_call_number("shmget"));
	cr_assert_eq(f->first, 1);
	cr_assert_eq(f->last, 1);
	cr_assert_eq(f->err, ENOMEM);
	cr_assert_eq(s->steps[0].outcome.kind, SL_EXPECT_FAILS);
	f = s->steps[1].faults;
	cr_assert_eq(s->steps[1].nfaults, 2);
	cr_assert_str_eq(s->steps[1].argv[1], "-x");
	cr_assert_null(s->steps[1].argv[2], "the clause is not an argument");
	cr_assert_eq(f[0].syscall_nr, sl_fault_call_number("shmat"));
	cr_assert_eq(f[0].first, 2);
	cr_assert_eq(f[0].last, 3);
	cr_assert_eq(f[1].kind, SL_FAULT_SIGNAL_AFTER);
	cr_assert_eq(f[1].signal, SIGKILL);
	cr_assert_eq(s->steps[1].outcome.kind, SL_EXPECT_ANY);
	f = s->steps[2].faults;
	cr_assert_eq(f[0].kind, SL_FAULT_TRACE);
	cr_assert_eq(f[0].syscall_nr, sl_fault_call_number("openat"));
	cr_assert_eq(f[0].first, 2);
	cr_assert_eq(f[0].last, 0);
	cr_assert_eq(f[1].kind, SL_FAULT_SIGNAL_BEFORE);
	cr_assert_eq(f[1].first, 1);
	cr_assert_eq(f[1].last, 0);
	sl_scenario_free(s);
}

Test(syntax, invariants_are_judged_after_the_last_step)
{
	struct sl_scenario *s = parse_ok(HEAD "keep-going\n"
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"invariant gone: expect seg gone\n"
		"owner shmctl seg IPC_RMID\n"
		"invariant detaches: app exec true\n");
	cr_assert_eq(s->keep_going, 1);
	cr_assert_eq(s->ninvariants, 2);
	cr_assert_str_eq(s->invariants[0].name, "gone");
	cr_assert_eq(s->invariants[0].expect->op, SL_OP_EXPECT);
	cr_assert_eq(s->nsteps, 4, "two steps, then the invariants");
	cr_assert_eq(s->steps[1].op, SL_OP_SHMCTL);
	cr_assert_eq(s->steps[2].invariant, 1);
	cr_assert_eq(s->steps[3].invariant, 2);
	cr_assert_eq(s->steps[3].op, SL_OP_EXEC);
	cr_assert_eq(s->steps[2].line, 5, "where the invariant was written");
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(syntax, faults_that_cannot_be_placed_are_script_errors)
{
	parse_error(HEAD "app exec prog inject errno=EINVAL\n", "inject on exec names the call");
	parse_error(HEAD "owner fork -> kid inject signal=SIGKILL after\n", "a signal after fork cannot be placed");
	parse_error(HEAD "app exec prog inject shmat call=0 errno=EINVAL\n", "a call number, from 1");
	parse_error(HEAD "app exec prog inject shmat calls=3..2 errno=EINVAL\n", "calls N..M");
	parse_error(HEAD "app exec prog inject shmat errno=EBOGUS\n", "EBOGUS");
	parse_error(HEAD "app exec prog inject shmat\n", "errno=E, signal=S");
	parse_error(HEAD "owner setsid\ninvariant x: owner shmget key=auto -> k\n", "an invariant binds no name");
	parse_error(HEAD "owner setsid\nkeep-going\n", "must come before the first step");
	parse_error(HEAD "owner setsid\ninvariant x: owner setsid\ninvariant x: owner setsid\n", "declared twice");
	parse_error("scenario t\nactors: invariant\nowner setsid\n", "reserved");
}
