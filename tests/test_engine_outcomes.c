/* test_engine_outcomes.c - the engine's outcomes (PASS, FAIL, BROK, SKIP,
 * TIMEOUT), its judging of operations and expectations, and the operations
 * that move data and processes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "shmlife/parse.h"
#include <grp.h>
#include <pwd.h>

static struct sl_scenario *one_actor(const char *name, int *actor, int *seg)
{
	struct sl_scenario *s = sl_scenario_new(name);
	*actor = sl_scenario_add_actor(s, "owner");
	*seg = sl_scenario_add_slot(s, "seg");
	return s;
}

Test(outcomes, unmet_expectation_fails_naming_step_expected_and_observed)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("wrong-nattch", &owner, &seg);
	int a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	struct sl_step *e = sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg));
	sl_step_add_pred(e, SL_F_NATTCH, SL_CMP_EQ, sl_num(3));
	e->line = 7;
	e->text = strdup("expect seg nattch=3");
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL);
	cr_assert_eq(r.failed_step, 2);
	cr_assert_str_eq(r.reason, "line 7: expect seg nattch=3: nattch: expected =3, kernel says 1");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(outcomes, unexpected_success_fails_with_the_return_value)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("unexpected-success", &owner, &seg);
	sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg);
	sl_step_expect_errno(sl_add_shmctl(s, owner, seg, IPC_RMID), EINVAL);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL);
	cr_assert(strstr(r.reason, "expected failure EINVAL; kernel said 0"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(outcomes, segment_left_at_the_end_is_a_leak)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("leaky", &owner, &seg);
	sl_add_shmget(s, owner, sl_auto_key(), 8192, IPC_CREAT | 0600, seg);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL);
	cr_assert(strstr(r.reason, "leaked segment(s): 1 left"), "%s", r.reason);
	cr_assert(strstr(r.reason, "size 8192"), "%s", r.reason);
	cr_assert_eq(r.leaked_segments, 1);
	sl_result_free(&r);
	s->leak_expected = 1;
	r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(outcomes, unmet_requirement_is_skip_with_reason)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("future-kernel", &owner, &seg);
	s->min_kernel_major = 99;
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_SKIP);
	cr_assert(strstr(r.reason, "needs kernel >= 99.0"), "%s", r.reason);
	cr_assert_eq(r.ntrace, 0, "nothing ran");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(outcomes, actor_that_never_answers_is_timeout_with_the_trace_so_far)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("hang", &owner, &seg);
	sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	const char *const hang[] = { "/bin/sleep", "600", NULL };
	sl_add_exec(s, owner, hang);
	struct sl_result r = run_scenario(s, 200);
	cr_assert_eq(r.outcome, SL_TIMEOUT, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert_eq(r.failed_step, 2);
	cr_assert(strstr(r.reason, "did not answer within 200 ms"), "%s", r.reason);
	cr_assert_not_null(entry_of(&r, 0), "the steps before are in the trace");
	cr_assert_not_null(entry_of(&r, 1));
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* Killed by the harness at the scenario's deadline, the conductor has
 * already written the steps before the hang: it holds trace records back
 * only while an answer is quick (conductor_emit), never across a wait. */
Test(outcomes, whole_scenario_deadline_is_timeout)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("slow", &owner, &seg);
	sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	const char *const hang[] = { "/bin/sleep", "600", NULL };
	sl_add_exec(s, owner, hang);
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.step_timeout_ms = 60000;
	o.scenario_timeout_ms = 300;
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0);
	cr_assert_eq(r.outcome, SL_TIMEOUT);
	cr_assert(strstr(r.reason, "did not finish within 300 ms"), "%s", r.reason);
	cr_assert_not_null(entry_of(&r, 0), "the steps before the hang are in the trace");
	cr_assert_not_null(entry_of(&r, 1));
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(operations, data_written_by_one_actor_is_read_by_another_and_segments_start_zeroed)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("data", &owner, &seg);
	int peer = sl_scenario_add_actor(s, "peer");
	int a = sl_scenario_add_slot(s, "a"), b = sl_scenario_add_slot(s, "b");
	static const char zeros[4096];
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	sl_add_shmat(s, peer, seg, 0, b);
	sl_add_read(s, peer, b, 0, zeros, sizeof(zeros));
	sl_add_write(s, owner, a, 100, "hello", 5);
	sl_add_read(s, peer, b, 100, "hello", 5);
	sl_add_read(s, peer, b, 100, "world", 5);
	int wrong = LAST_STEP(s);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL, "the last read expects other bytes");
	cr_assert_eq(r.failed_step, wrong);
	cr_assert(strstr(entry_of(&r, wrong)->detail, "bytes differ at offset 0: expected 77 6f 72 6c 64, read 68 65 6c 6c 6f"),
		  "%s", entry_of(&r, wrong)->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(operations, fork_inherits_attachments_and_raises_nattch)
{
	int owner, seg, child;
	struct sl_scenario *s = one_actor("fork", &owner, &seg);
	int a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	sl_add_fork(s, owner, "child", &child);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg)), SL_F_NATTCH, SL_CMP_EQ, sl_num(2));
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_MAPS, sl_actor(child)), SL_F_ATTACHED, SL_CMP_TRUE, sl_slot(seg));
	sl_add_write(s, child, a, 0, "from child", 10);
	sl_add_read(s, owner, a, 0, "from child", 10);
	sl_add_exit(s, child, 0);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg)), SL_F_NATTCH, SL_CMP_EQ, sl_num(1));
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(child));
	sl_step_add_pred(e, SL_F_EXIT_STATUS, SL_CMP_EQ, sl_num(0));
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(operations, exec_reports_the_programs_exit_status_and_signal)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("exec", &owner, &seg);
	const char *const three[] = { "/bin/sh", "-c", "exit 3", NULL };
	struct sl_step *st = sl_add_exec(s, owner, three);
	st->outcome.kind = SL_EXPECT_EXITS;
	st->outcome.status = 3;
	const char *const killed[] = { "/bin/sh", "-c", "kill -SEGV $$", NULL };
	sl_step_expect_signal(sl_add_exec(s, owner, killed), SIGSEGV);
	const char *const key[] = { "/bin/sh", "-c", "test -n \"$SHMLIFE_KEY\"", NULL };
	sl_add_exec(s, owner, key);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, 0)->exit_status, 3);
	cr_assert_eq(entry_of(&r, 1)->signal, SIGSEGV);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(operations, write_after_shmdt_dies_with_sigsegv)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("write-after-detach", &owner, &seg);
	int a = sl_scenario_add_slot(s, "a");
	sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmat(s, owner, seg, 0, a);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	sl_add_shmdt(s, owner, a);
	sl_step_expect_signal(sl_add_write(s, owner, a, 0, "x", 1), SIGSEGV);
	struct sl_step *e = sl_add_expect(s, SL_TARGET_PROCESS, sl_actor(owner));
	sl_step_add_pred(e, SL_F_KILLED_BY, SL_CMP_EQ, sl_num(SIGSEGV));
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(operations, other_uid_without_permission_gets_eacces)
{
	int owner, seg;
	struct sl_scenario *s = one_actor("eacces", &owner, &seg);
	int stranger = sl_scenario_add_actor(s, "stranger");
	s->actors[stranger].has_ids = 1;
	s->actors[stranger].uid = 65534;
	s->actors[stranger].gid = 65534;
	int b = sl_scenario_add_slot(s, "b");
	sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
	sl_step_expect_errno(sl_add_shmat(s, stranger, seg, 0, b), EACCES);
	sl_step_expect_errno(sl_add_shmctl(s, stranger, seg, IPC_RMID), EPERM);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(operations, sysctl_in_the_scenario_namespace_limits_it_and_not_the_host)
{
	char before[64] = "", after[64] = "";
	FILE *f = fopen("/proc/sys/kernel/shmmni", "r");
	cr_assert(f && fgets(before, sizeof(before), f));
	fclose(f);
	int owner, seg;
	struct sl_scenario *s = one_actor("shmmni", &owner, &seg);
	int seg2 = sl_scenario_add_slot(s, "seg2");
	sl_scenario_add_sysctl(s, "kernel.shmmni", "1");
	sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg);
	sl_step_expect_errno(sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg2), ENOSPC);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_NAMESPACE, sl_num(0)), SL_F_SHMMNI, SL_CMP_EQ, sl_num(1));
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	f = fopen("/proc/sys/kernel/shmmni", "r");
	cr_assert(f && fgets(after, sizeof(after), f));
	fclose(f);
	cr_assert_str_eq(before, after, "the host's shmmni is untouched");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* Issue 13 item 2: a program's stdout and stderr are caught, apart, the
 * first SL_OUTPUT_MAX bytes kept with the count of all it wrote. */
Test(outcomes, program_output_is_caught_and_cut_at_its_limit_with_the_total)
{
	const char *script = "scenario big-output\n"
			     "actors: a\n"
			     "a exec sh -c \"head -c 100000 /dev/zero | tr -c x x; echo done >&2\"\n"
			     "expect a stdout ~ \"^x{100}\" stderr = \"done\\n\"\n";
	struct sl_scenario *s = parse_scenario(script);
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	const struct sl_output *out = sl_result_output(&r, 0, 1), *err = sl_result_output(&r, 0, 2);
	cr_assert(out && err, "both streams caught");
	cr_expect_eq(out->total, 100000u);
	cr_expect_eq(out->len, (size_t)SL_OUTPUT_MAX);
	cr_expect_eq(strspn(out->data, "x"), (size_t)SL_OUTPUT_MAX, "every byte kept is the program's");
	cr_expect_str_eq(err->data, "done\n");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* Output is judged by a regex only as far as the record keeps it as text:
 * its first SL_OUTPUT_MAX bytes, up to a NUL byte.  Before, `stdout !~
 * "ERROR"` PASSed of a program that wrote ERROR past the first 64 KiB, or
 * after a NUL byte, and `~ "^x+$"` matched at the end of the kept bytes.
 * A match that ends before the kept text does is a match; no match, or one
 * that reaches its end, cannot be judged: FAIL, "not all observed". */
Test(outcomes, output_is_judged_only_as_far_as_it_was_kept)
{
	static const struct {
		const char *program, *expect;
		enum sl_outcome outcome;
	} cases[] = {
		{ "sh -c \"seq 1 20000; echo ERROR\"", "stdout !~ \"ERROR\"", SL_FAIL },
		{ "sh -c \"seq 1 20000; echo ERROR\"", "stdout ~ \"ERROR\"", SL_FAIL },
		{ "sh -c \"seq 1 20000; echo ERROR\"", "stdout ~ \"^17$\"", SL_PASS },
		{ "sh -c \"seq 1 20000; echo ERROR\"", "stdout !~ \"^17$\"", SL_FAIL },
		{ "sh -c \"head -c 100000 /dev/zero | tr -c x x\"", "stdout ~ \"^x+$\"", SL_FAIL },
		{ "printf \"abc\\\\000ERROR\\\\n\"", "stdout !~ \"ERROR\"", SL_FAIL },
		{ "printf \"abc\\\\000ERROR\\\\n\"", "stdout ~ \"ab\"", SL_PASS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char script[512];
		snprintf(script, sizeof(script), "scenario output-kept\nactors: a\na exec %s\nexpect a %s\n",
			 cases[i].program, cases[i].expect);
		struct sl_scenario *s = parse_scenario(script);
		struct sl_result r = run_scenario(s, 0);
		cr_expect_eq(r.outcome, cases[i].outcome, "%s, %s: %s (%s)", cases[i].program, cases[i].expect,
			     sl_outcome_name(r.outcome), r.reason);
		if (cases[i].outcome == SL_FAIL && !strstr(cases[i].expect, "!~ \"^17"))
			cr_expect(strstr(r.reason, "not all observed"), "%s: %s", cases[i].expect, r.reason);
		sl_result_free(&r);
		sl_scenario_free(s);
	}
}

/* A {{NAME}} whose step did not bind it: the exec step fails and says so,
 * the program is never run with a made-up value. */
Test(outcomes, a_value_given_to_a_program_that_was_never_bound_fails_the_step)
{
	const char *script = "scenario unbound\n"
			     "keep-going\n"
			     "actors: a\n"
			     "a shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg   inject errno=ENOSPC\n"
			     "a exec echo {{seg}}\n";
	struct sl_scenario *s = parse_scenario(script);
	struct sl_result r = run_scenario(s, 0);
	const struct sl_trace_entry *e = entry_of(&r, 1);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	cr_expect(strstr(e->detail, "{{seg}} has no value now"), "%s", e->detail);
	cr_expect_null(sl_result_output(&r, 1, 1), "the program did not run");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* expect terminal: all that was written to the scenario's terminal so
 * far, drained when judged; a failure quotes it, control characters
 * escaped (issue 13: the terminal's output was in the reports only). */
Test(outcomes, the_terminal_is_checked_by_expect)
{
	struct sl_scenario *s = parse_scenario("scenario tty-expect\nterminal: pty\nactors: a, b\n"
					       "a exec sh -c \"printf 'login:\\tready\\n'\"\n"
					       "b exec echo second\n"
					       "expect terminal ~ \"^login:\tready\" within 2s\n"
					       "expect terminal ~ \"^second\", terminal !~ \"goodbye\"\n"
					       "expect terminal ~ \"goodbye\"\n");
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_FAIL, "%s", r.reason);
	const struct sl_trace_entry *e = entry_of(&r, 2);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_PASS, "%s", e->detail);
	e = entry_of(&r, 3);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_PASS, "%s", e->detail);
	e = entry_of(&r, 4);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	cr_expect_str_eq(e->detail, "terminal ~ \"goodbye\": the terminal had \"login:\\tready\\r\" ... (22 bytes so far)");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* {{NAME}} in an output expectation is the value bound now; in a regex, a
 * variable's text goes in escaped, so "a.b(c)*" matches only itself. */
Test(outcomes, an_output_expectation_takes_bound_values_escaped_in_a_regex)
{
	cr_assert_eq(setenv("SHMLIFE_TEST_SPECIALS", "a.b(c)*", 1), 0);
	struct sl_scenario *s = parse_scenario("scenario output-values\nactors: a\n"
					       "a shmget key=auto size=4k flags=IPC_CREAT|0600 -> seg\n"
					       "a exec ipcs -m -i {{seg}}\n"
					       "expect a stdout ~ \"shmid={{seg}}$\"\n"
					       "a exec echo aXbc\n"
					       "expect a stdout !~ \"^{{$SHMLIFE_TEST_SPECIALS}}$\"\n"
					       "a exec echo \"a.b(c)*\"\n"
					       "expect a stdout ~ \"^{{$SHMLIFE_TEST_SPECIALS}}$\"\n"
					       "expect a stdout = \"{{seg:hex}}\"\n"
					       "a shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 0);
	for (int step = 2; step <= 6; step += 2) {
		const struct sl_trace_entry *e = entry_of(&r, step);
		cr_assert_not_null(e, "step %d", step);
		cr_expect_eq(e->verdict, SL_PASS, "step %d: %s", step, e->detail);
	}
	const struct sl_trace_entry *e = entry_of(&r, 7);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	char want[160];
	const struct sl_trace_entry *get = entry_of(&r, 0);
	cr_assert_not_null(get);
	snprintf(want, sizeof(want), "stdout=\"0x%llx\": the program wrote \"a.b(c)*\\n\" (8 bytes, line 8)",
		 (unsigned long long)get->ret);
	cr_expect_str_eq(e->detail, want);
	sl_result_free(&r);
	sl_scenario_free(s);
	unsetenv("SHMLIFE_TEST_SPECIALS");
}

/* A name whose step did not bind it fails the expectation that uses it:
 * never judged against a made-up value. */
Test(outcomes, an_output_expectation_with_a_name_never_bound_fails)
{
	struct sl_scenario *s = parse_scenario("scenario unbound-expect\nkeep-going\nactors: a\n"
					       "a shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg   inject errno=ENOSPC\n"
					       "a exec echo 0\n"
					       "expect a stdout !~ \"{{seg}}\"\n");
	struct sl_result r = run_scenario(s, 0);
	const struct sl_trace_entry *e = entry_of(&r, 2);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	cr_expect_str_eq(e->detail, "{{seg}} has no value now (the step that binds it did not succeed)");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* `-> st` on shmctl binds what the actor's call filled in; an expectation
 * on it judges that, not the kernel now; a name whose shmctl failed has no
 * result, and says so (issue 14 item 1). */
Test(outcomes, a_shmctl_result_is_what_the_actor_got_then)
{
	struct sl_scenario *s = parse_scenario("scenario result\nkeep-going\nactors: a\n"
					       "a shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
					       "a shmat seg -> x\n"
					       "a shmctl seg IPC_STAT -> st\n"
					       "a shmdt x\n"
					       "expect st nattch=1 size=4096\n"
					       "expect seg nattch=0\n"
					       "expect st nattch=0\n"
					       "a shmctl seg IPC_STAT -> st2   inject errno=EIDRM\n"
					       "expect st2 nattch=0\n"
					       "a shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 0);
	const struct sl_trace_entry *e = entry_of(&r, 2);
	cr_assert_not_null(e);
	cr_expect_eq(e->obs_kind, SL_OBS_SHMCTL);
	cr_expect_eq(e->obs.shmctl.stat.nattch, 1u);
	cr_expect_str_eq(e->obs.shmctl.kernel_differs, "");
	e = entry_of(&r, 4);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_PASS, "%s", e->detail);
	e = entry_of(&r, 5);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_PASS, "%s", e->detail);
	e = entry_of(&r, 6);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	cr_expect_str_eq(e->detail, "nattch: expected =0, the actor's shmctl said 1");
	e = entry_of(&r, 8);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	cr_expect_str_eq(e->detail, "st2 has no shmctl result now (the step that binds it did not succeed)");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* An address is said in hex in a step's detail, as the trace prints it
 * (issue 14's messages: it was decimal). */
Test(outcomes, an_address_is_said_in_hex)
{
	struct sl_scenario *s = parse_scenario("scenario hex\nactors: a\n"
					       "a shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
					       "a shmat seg -> x\n"
					       "a shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 0);
	const struct sl_trace_entry *e = entry_of(&r, 1);
	cr_assert_not_null(e);
	char want[96];
	snprintf(want, sizeof(want), "expected success; kernel said 0x%llx", (unsigned long long)e->ret);
	cr_expect_str_eq(e->detail, want);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* munmap and mprotect change attachments only: a range that reaches other
 * memory of the actor is refused (BROK) before the actor is asked, and the
 * actor lives on (issue 14 item 3). */
Test(outcomes, a_memory_operation_beyond_the_attachments_is_refused)
{
	struct sl_scenario *s = parse_scenario("scenario refuse\nkeep-going\nactors: a\n"
					       "a shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
					       "a shmat seg -> x\n"
					       "a munmap x 1G\n"
					       "a mprotect x 1G PROT_NONE\n"
					       "a munmap x 4k\n"
					       "expect a alive\n"
					       "expect a maps not attached seg\n"
					       "a shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 0);
	for (int step = 2; step <= 3; step++) {
		const struct sl_trace_entry *e = entry_of(&r, step);
		cr_assert_not_null(e);
		cr_expect_eq(e->verdict, SL_BROK, "step %d: %s", step, e->detail);
		cr_expect(strstr(e->detail, "of the actor, not an attachment: shmlife does not touch the actor's own memory"),
			  "%s", e->detail);
	}
	for (int step = 4; step <= 7; step++) {
		const struct sl_trace_entry *e = entry_of(&r, step);
		cr_assert_not_null(e);
		cr_expect_eq(e->verdict, SL_PASS, "step %d: %s", step, e->detail);
	}
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* exec-self: the actor execs its own program and is still driven; the
 * kernel sees a process that has exec'd (issue 14 item 6: setpgid03's
 * EACCES was out of reach). */
Test(outcomes, an_actor_that_execs_itself_is_still_driven)
{
	struct sl_scenario *s = parse_scenario("scenario exec-self\nactors: test\n"
					       "test shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
					       "test fork -> child\n"
					       "child shmat seg -> x\n"
					       "child exec-self\n"
					       "expect seg nattch=0\n"
					       "test setpgid child 1 fails EACCES\n"
					       "child getpid = child\n"
					       "child exit 3\n"
					       "expect child exited=3\n"
					       "test shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* expect ... within: a state never reached fails after the bound, with the
 * last observation and how long it waited. */
Test(outcomes, an_expectation_within_a_time_that_never_holds_says_what_it_last_saw)
{
	const char *script = "scenario never\n"
			     "actors: a\n"
			     "expect namespace segments=1 within 150ms\n";
	struct sl_scenario *s = parse_scenario(script);
	cr_expect_eq(s->steps[0].within_ms, 150);
	struct sl_result r = run_scenario(s, 0);
	const struct sl_trace_entry *e = entry_of(&r, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_FAIL);
	cr_expect(strstr(e->detail, "segments: expected =1, kernel says 0 (still so after 150 ms,"), "%s", e->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* requires: program: a program that is absent is a SKIP that says what to install. */
Test(outcomes, a_required_program_that_is_absent_skips_with_what_to_install)
{
	struct sl_scenario *s = parse_scenario("scenario absent\n"
						"requires: program no-such-program-4711 package nothing-4711, program sh\n"
						"actors: a\na exec no-such-program-4711\n");
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_SKIP);
	cr_expect_str_eq(r.reason, "needs the program no-such-program-4711 (apt-get install nothing-4711)");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* user=NAME: the actor is that user, as login(1) makes it: uid, gid and
 * every group the user is in (issue 13 item 6).  postgres if there is one
 * (groups: postgres, ssl-cert), else nobody. */
Test(outcomes, an_actor_with_user_has_its_uid_gid_and_groups)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to be another user");
	const char *name = getpwnam("postgres") ? "postgres" : "nobody";
	const struct passwd *pw = getpwnam(name);
	cr_assert_not_null(pw);
	gid_t groups[64];
	int ngroups = 64;
	cr_assert_geq(getgrouplist(name, pw->pw_gid, groups, &ngroups), 0);
	char want[512];
	int k = snprintf(want, sizeof(want), "%u %u", (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	for (int i = 0; i < ngroups; i++)
		if (groups[i] != pw->pw_gid)
			k += snprintf(want + k, sizeof(want) - (size_t)k, " %u", (unsigned)groups[i]);
	char script[512];
	snprintf(script, sizeof(script), "scenario user\nactors: u(user=%s)\nu exec sh -c \"echo $(id -u) $(id -G)\"\n",
		 name);
	struct sl_scenario *s = parse_scenario(script);
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	const struct sl_output *o = sl_result_output(&r, 0, 1);
	cr_assert_not_null(o);
	cr_expect(strncmp(o->data, want, strlen(want)) == 0 && o->data[strlen(want)] == '\n', "id says '%s', wanted '%s'",
		  o->data, want);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* {{$NAME}}: an environment variable of the scenario in an argument, so a
 * program is given the scratch folder without a shell to expand it. */
Test(outcomes, an_environment_variable_reaches_a_program_argument)
{
	const char *script = "scenario env-arg\n"
			     "actors: a\n"
			     "a exec sh -c \"test \\\"$1\\\" = \\\"$SHMLIFE_TMP/x\\\" && printf %s \\\"$1\\\"\" sh {{$SHMLIFE_TMP}}/x\n";
	struct sl_scenario *s = parse_scenario(script);
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	const struct sl_output *o = sl_result_output(&r, 0, 1);
	cr_assert_not_null(o);
	cr_expect(o->data[0] == '/' && strstr(o->data, "/shmlife-") && strcmp(o->data + strlen(o->data) - 2, "/x") == 0,
		  "%s", o->data);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A program that writes more than a terminal holds, in a `terminal: pty`
 * scenario: nobody read the terminal, so it blocked and the step timed out.
 * The conductor drains it, and keeps each step's share (stream 3). */
Test(outcomes, a_program_writing_much_to_its_terminal_does_not_block)
{
	struct sl_scenario *s = parse_scenario("scenario tty-flood\nterminal: pty\ntimeout: 10s\nactors: a\n"
					       "a exec sh -c \"head -c 200000 /dev/zero | tr -c x x\"\n");
	struct sl_result r = run_scenario(s, 0);
	cr_expect_eq(r.outcome, SL_PASS, "%s", r.reason);
	const struct sl_output *t = sl_result_output(&r, 0, 3);
	cr_assert_not_null(t, "the terminal's output of step 1");
	cr_expect_eq(t->total, 200000u);
	cr_expect_eq(t->len, (size_t)SL_OUTPUT_MAX);
	cr_expect_eq(strspn(t->data, "x"), (size_t)SL_OUTPUT_MAX);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* time(c) of an actor born of `fork -> c` is the time of that fork; and a
 * key that differs is said in hex, as it is written (issue 14's messages). */
Test(outcomes, time_of_a_forked_actor_and_keys_in_hex)
{
	struct sl_scenario *s = parse_scenario("scenario t\nactors: a\n"
					       "a shmget key=0x5eed size=4k flags=IPC_CREAT|0600 -> seg\n"
					       "a fork -> c\nc shmat seg -> x\n"
					       "expect seg atime >= time(c) nattch=1\n"
					       "expect seg key=0x5eee\n");
	struct sl_result r = run_scenario(s, 0);
	const struct sl_trace_entry *e = entry_of(&r, 3);
	cr_assert_not_null(e);
	cr_expect_eq(e->verdict, SL_PASS, "%s", e->detail);
	e = entry_of(&r, 4);
	cr_assert_not_null(e);
	cr_expect_str_eq(e->detail, "key: expected =0x00005eee, kernel says 0x00005eed");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* An expectation that fails on many fields says more than an entry's
 * detail holds: the text is cut, and ends with "..." where it was, so that
 * nobody takes the last field named for the last one that failed. */
Test(outcomes, a_failure_too_long_for_its_detail_says_it_was_cut)
{
	struct sl_scenario *s = parse_scenario(
		"scenario long-failure\n"
		"actors: a\n"
		"a shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"expect seg nattch=5 size=1 mode=0777 cpid=9 lpid=9 uid=5 gid=5 cuid=5 cgid=5 dest locked\n");
	struct sl_result r = run_scenario(s, 0);
	cr_assert_eq(r.outcome, SL_FAIL, "%s", r.reason);
	struct sl_trace_entry found;
	const struct sl_trace_entry *e = NULL;
	for (int i = 0; i < r.ntrace; i++)
		if (test_entry(&r, i)->kind == SL_ENTRY_STEP && test_entry(&r, i)->step == 1) {
			found = *test_entry(&r, i);
			e = &found;
		}
	cr_assert_not_null(e);
	size_t len = strlen(e->detail);
	cr_assert_eq(len, sizeof(e->detail) - 1, "the detail is full: %s", e->detail);
	cr_assert_str_eq(e->detail + len - 3, "...", "and says it was cut: %s", e->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}
