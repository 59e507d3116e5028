/* test_conductor.c - the conductor's duties and its protocols (issue 12):
 * PID 1 reaps orphans and records their ends; unborn and ended actors are
 * errors of the step, never pid 0 or -1; answers on an actor's channel are
 * matched to their requests (a late one is recorded and discarded); set-up
 * failures are BROK where they happen; starting a scenario is safe from a
 * multi-threaded caller; found processes and programs not found are named as
 * such.  Each test is the reproducer of one item, written from a script. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include "../framework/src/engine/wire.h" /* the protocols themselves, tested below */
#include "engine_fixture.h"
#include "shmlife/parse.h"

/* ---- helpers ------------------------------------------------------------------ */

static struct sl_scenario *parse_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct sl_scenario *parse_ok(const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	cr_assert_geq(vasprintf(&text, fmt, ap), 0);
	va_end(ap);
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	if (!s)
		sl_diags_print(&d, stderr);
	sl_diags_free(&d);
	free(text);
	cr_assert_not_null(s, "the script parses");
	return s;
}

/* A fresh directory for files the scenario's processes share with the test. */
static char scratch[64];

/* Removes the scratch directory and what the scenario wrote in it (the
 * suite's .fini: after a failed assertion too). */
static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void remove_scratch(void)
{
	if (scratch[0])
		nftw(scratch, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	scratch[0] = '\0';
}

TestSuite(orphans, .fini = remove_scratch);

static char *scratch_dir(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/shmlife-test-conductor-XXXXXX");
	cr_assert_not_null(mkdtemp(scratch), "mkdtemp: %s", strerror(errno));
	return scratch;
}

/* The first event of the trace whose detail contains `needle`, or NULL. */
static const struct sl_trace_entry *event_with(const struct sl_result *r, const char *needle)
{
	struct sl_trace_entry e;
	for (int i = 0; i < r->ntrace; i++)
		if (sl_result_entry(r, i, &e)->kind == SL_ENTRY_EVENT && strstr(e.detail, needle))
			return test_keep(&e);
	return NULL;
}

static void dump_trace(const struct sl_result *r)
{
	for (int i = 0; i < r->ntrace; i++)
		fprintf(stderr, "  [%d] kind %d step %d verdict %s: %s\n", i, test_entry(r, i)->kind, test_entry(r, i)->step,
			sl_outcome_name(test_entry(r, i)->verdict), test_entry(r, i)->detail);
}

/* ---- 1. PID 1 reaps orphans ------------------------------------------------------ */

/* The reproducer: a shell's background job outlives the shell, comes
 * to PID 1 and ends; a zombie would still answer kill -0. */
/* A group of 64 actors or more is forked by the spawner
 * (conductor_spawner.c), which exits once they run: they are the
 * conductor's children as if it had forked them (ppid=1), their ends are
 * seen, and the spawner's own end is not taken for an orphan's. */
Test(orphans, a_big_group_is_the_conductors_children_and_the_spawner_no_orphan)
{
	struct sl_scenario *s = parse_ok("scenario big-group\n"
					 "actors: owner, w[100]\n"
					 "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
					 "w shmat seg -> a\n"
					 "expect seg nattch=100\n"
					 "expect w[0] ppid=1\n"
					 "expect w[99] ppid=1\n"
					 "w[7] crash SIGKILL\n"
					 "expect w[7] killed=SIGKILL\n"
					 "expect seg nattch=99\n"
					 "owner shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 5000);
	if (r.outcome != SL_PASS)
		dump_trace(&r);
	assert_passed(r);
	cr_assert_null(event_with(&r, "orphan"), "the spawner's end is no orphan's");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(orphans, an_orphan_that_ended_is_gone_not_a_zombie)
{
	char *dir = scratch_dir();
	struct sl_scenario *s = parse_ok("scenario orphan-reaped\n"
					 "actors: a\n"
					 "a exec /bin/sh -c \"sleep 0.2 & echo $! > %s/orphan.pid\"\n"
					 "a exec /bin/sleep 1\n"
					 "a exec /bin/sh -c \"! kill -0 $(cat %s/orphan.pid)\"\n",
					 dir, dir);
	struct sl_result r = run_scenario(s, 5000);
	if (r.outcome != SL_PASS)
		dump_trace(&r);
	assert_passed(r);
	const struct sl_trace_entry *e = event_with(&r, "orphan");
	cr_assert_not_null(e, "the orphan's end is in the trace");
	cr_assert_gt(e->pid, 1);
	cr_assert(strstr(e->detail, "(sleep)"), "its comm is named: %s", e->detail);
	cr_assert(strstr(e->detail, "exited with status 0"), "its status is named: %s", e->detail);
	cr_assert_eq(e->exited, 1);
	cr_assert_eq(e->exit_status, 0);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* start-stop-daemon --stop --retry: signal a daemon (an orphan), then wait
 * until it is gone.  With a zombie left by PID 1 the wait never ends.  The
 * first step ends once the daemon is `sleep` (its fork has exec'd): killed
 * before, its comm would still be the shell's, a race the test had (it
 * failed once in a full run of the suite, 2026-12-04, its output lost). */
Test(orphans, a_killed_orphan_is_reaped_while_a_step_waits_for_it_and_its_signal_recorded)
{
	char *dir = scratch_dir();
	struct sl_scenario *s = parse_ok("scenario orphan-killed\n"
					 "actors: a\n"
					 "a exec /bin/sh -c \"sleep 30 & echo $! > %s/daemon.pid; "
					 "while read c < /proc/$!/comm && [ $c != sleep ]; do :; done\"\n"
					 "a exec /bin/sh -c \"p=$(cat %s/daemon.pid); kill -TERM $p; "
					 "while kill -0 $p 2>/dev/null; do sleep 0.01; done\"\n",
					 dir, dir);
	struct sl_result r = run_scenario(s, 5000);
	if (r.outcome != SL_PASS)
		dump_trace(&r);
	assert_passed(r);
	const struct sl_trace_entry *e = event_with(&r, "orphan");
	cr_assert_not_null(e, "the orphan's end is in the trace");
	cr_assert(strstr(e->detail, "(sleep)"), "its comm is named: %s", e->detail);
	cr_assert(strstr(e->detail, "killed by SIGTERM"), "its signal is named: %s", e->detail);
	cr_assert_eq(e->signal, SIGTERM);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- 3. an actor that was never born, or has ended, has no pid to give ---------- */

/* The step of issue 12: the fork that would have made `kid` failed, and kill
 * of kid was kill(0, SIGKILL): the whole process group, both actors. */
#define UNBORN_KID "scenario unborn-kid\n" \
		   "%s" \
		   "actors: owner, killer\n" \
		   "owner fork -> kid   inject errno=EAGAIN   any\n" \
		   "killer kill kid SIGKILL   any\n" \
		   "expect owner alive\n" \
		   "expect killer alive\n"

Test(unborn, kill_of_an_actor_never_born_is_an_error_of_that_step)
{
	struct sl_scenario *s = parse_ok(UNBORN_KID, "");
	struct sl_result r = run_scenario(s, 5000);
	cr_assert_eq(r.outcome, SL_FAIL, "outcome %s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert_eq(r.failed_step, 1, "the kill is the step in error, not %d: %s", r.failed_step, r.reason);
	cr_assert(strstr(r.reason, "kid was never born"), "reason: %s", r.reason);
	const struct sl_trace_entry *e = entry_of(&r, 1);
	cr_assert_not_null(e);
	cr_assert_eq(e->ret, 0, "nothing was sent to the kernel");
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(unborn, in_keep_going_the_step_is_skipped_and_no_other_actor_is_harmed)
{
	struct sl_scenario *s = parse_ok(UNBORN_KID, "keep-going\n");
	struct sl_result r = run_scenario(s, 5000);
	const struct sl_trace_entry *e = entry_of(&r, 1);
	cr_assert_not_null(e);
	cr_assert_eq(e->verdict, SL_SKIP, "kill of kid: %s: %s", sl_outcome_name(e->verdict), e->detail);
	cr_assert(strstr(e->detail, "never born"), "%s", e->detail);
	for (int step = 2; step <= 3; step++) {
		e = entry_of(&r, step);
		cr_assert_not_null(e);
		cr_assert_eq(e->verdict, SL_PASS, "step %d: %s", step, e->detail);
	}
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A name whose step did not succeed, in a run that keeps going, has no
 * value: a step or an invariant using it fails saying so, never judged
 * against a made-up value (as a {{NAME}} in a text).  Its value was -1, and
 * `expect seg gone` passed of no segment at all, as did IPC_RMID of -1
 * expected to fail EINVAL. */
Test(unborn, a_name_whose_step_did_not_succeed_fails_what_uses_it)
{
	struct sl_scenario *s = parse_ok("scenario unbound\n"
					 "keep-going\n"
					 "actors: owner\n"
					 "owner shmget key=0x5eed0001 size=2048 flags=0600 -> seg\n"
					 "expect seg gone\n"
					 "owner shmctl seg IPC_RMID fails EINVAL\n"
					 "owner shmget key=IPC_PRIVATE size=2048 flags=IPC_CREAT|0600 -> other\n"
					 "expect other exists shmid!=seg\n"
					 "owner shmctl other IPC_RMID\n"
					 "invariant none-left: expect seg gone\n");
	struct sl_result r = run_scenario(s, 5000);
	const struct sl_trace_entry *e = entry_of(&r, 0);
	cr_assert(e && e->verdict == SL_FAIL && e->err == ENOENT, "the shmget fails: no such key");
	for (int step = 1; step <= 6; step++) {
		if (step == 3 || step == 5)
			continue; /* other's: judged */
		e = entry_of(&r, step);
		cr_assert_not_null(e);
		cr_assert_eq(e->verdict, SL_FAIL, "step %d: %s: %s", step, sl_outcome_name(e->verdict), e->detail);
		cr_assert_str_eq(e->detail, "seg has no value now (the step that binds it did not succeed)", "step %d", step);
	}
	cr_assert_eq(entry_of(&r, 3)->verdict, SL_PASS);
	cr_assert_eq(entry_of(&r, 5)->verdict, SL_PASS);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A key ftok() computes just before the step (a hidden step of its own) is
 * a name too: where ftok failed, the shmget is not made with the -1 it
 * read as, a key of its own (it created a segment of key 0xffffffff). */
Test(unborn, a_key_whose_ftok_failed_fails_the_step_that_uses_it)
{
	struct sl_scenario *s = parse_ok("scenario ftok-missing\n"
					 "keep-going\n"
					 "actors: owner\n"
					 "owner shmget key=ftok(/no/such/file, 1) size=2048 flags=IPC_CREAT|0600 -> seg\n"
					 "expect namespace segments=0\n");
	struct sl_result r = run_scenario(s, 5000);
	const struct sl_trace_entry *ftok = entry_of(&r, 0), *get = entry_of(&r, 1), *none = entry_of(&r, 2);
	cr_assert(ftok && get && none);
	cr_assert_eq(ftok->err, ENOENT, "ftok stats its path");
	cr_assert_eq(get->verdict, SL_FAIL, "%s: %s", sl_outcome_name(get->verdict), get->detail);
	cr_assert_str_eq(get->detail, "the key of ftok() has no value now (its ftok failed)");
	cr_assert_eq(none->verdict, SL_PASS, "no segment was made: %s", none->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* Waiting for, observing, or naming the pid of an actor never born: an error
 * of the step saying so (it was a TIMEOUT, "dead" and pid 0). */
Test(unborn, wait_expect_and_pid_values_of_an_actor_never_born_are_errors)
{
	static const char *const steps[] = {
		"wait kid\n",
		"expect kid dead\n",
		"expect kid maps detached seg\n",
		"expect seg cpid=kid\n",
		"owner getsid kid\n",
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct sl_scenario *s = parse_ok("scenario unborn-kid-values\n"
						 "actors: owner\n"
						 "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
						 "owner fork -> kid   inject errno=EAGAIN   any\n"
						 "%s"
						 "owner shmctl seg IPC_RMID\n",
						 steps[i]);
		struct sl_result r = run_scenario(s, 1000);
		cr_assert_eq(r.outcome, SL_FAIL, "%s: outcome %s: %s", steps[i], sl_outcome_name(r.outcome), r.reason);
		cr_assert_eq(r.failed_step, 2, "%s: failed at %d: %s", steps[i], r.failed_step, r.reason);
		cr_assert(strstr(r.reason, "kid was never born"), "%s: reason: %s", steps[i], r.reason);
		sl_result_free(&r);
		sl_scenario_free(s);
	}
}

/* An ended actor is no process to signal: kill of it is an error of the
 * step (its pid names nothing, a zombie, or once reaped, anyone); an
 * expectation may still compare with the pid it had. */
Test(unborn, a_step_on_the_pid_of_an_ended_actor_is_an_error_but_its_past_pid_can_be_expected)
{
	struct sl_scenario *s = parse_ok("scenario ended-kid\n"
					 "actors: owner, other\n"
					 "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
					 "owner fork -> kid\n"
					 "kid shmat seg -> a\n"
					 "kid exit 0\n"
					 "expect seg lpid=kid nattch=0\n"
					 "other kill kid SIGTERM   any\n"
					 "owner shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 5000);
	cr_assert_eq(r.outcome, SL_FAIL, "outcome %s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert_eq(r.failed_step, 5, "failed at %d: %s", r.failed_step, r.reason);
	cr_assert(strstr(r.reason, "kid has ended (it was pid"), "reason: %s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- 2. answers are matched to their requests -------------------------------------- */

/* The script: the exec's answer comes 200 ms after its step timed
 * out; it was taken for the answer of the first umask, and every later answer
 * was shifted by one (the invariant saw 63). */
Test(sequence, a_late_answer_is_recorded_as_late_and_never_taken_for_the_next_one)
{
	struct sl_scenario *s = parse_ok("scenario stale-answers\n"
					 "keep-going\n"
					 "timeout: 500ms\n"
					 "actors: a\n"
					 "a exec /bin/sh -c \"sleep 0.7; exit 7\"   any\n"
					 "a umask 0077                             = 18\n"
					 "a umask 0022                             = 63\n"
					 "invariant second-umask-returns-077: a umask 0022 = 18\n");
	struct sl_result r = run_scenario(s, 0);
	if (r.outcome != SL_PASS)
		dump_trace(&r);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, 0)->verdict, SL_TIMEOUT, "the exec timed out");
	for (int step = 1; step <= 3; step++)
		cr_assert_eq(entry_of(&r, step)->verdict, SL_PASS, "step %d: %s", step, entry_of(&r, step)->detail);
	const struct sl_trace_entry *late = event_with(&r, "late answer");
	cr_assert_not_null(late, "the late answer is in the trace");
	cr_assert(strstr(late->detail, "line 5"), "it names the step it answers: %s", late->detail);
	cr_assert(strstr(late->detail, "exited 7"), "and what it said: %s", late->detail);
	cr_assert(strstr(late->detail, "discarded"), "%s", late->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A reply carries the number of the command it answers; a message without
 * the magic or of another version is a protocol error, never an answer. */
Test(sequence, replies_carry_their_command_number_and_a_bad_magic_or_version_is_refused)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	struct sl_wire_reply out, in;
	memset(&out, 0, sizeof(out));
	out.seq = 42;
	out.ret = 7;
	cr_assert_eq(sl_wire_send_reply(sv[0], &out, -1), 0);
	int fd = -1;
	cr_assert_eq(sl_wire_recv_reply(sv[1], &in, &fd), 1);
	cr_assert_eq(in.seq, 42);
	cr_assert_eq(in.magic, SL_WIRE_MAGIC);
	cr_assert_eq(in.version, SL_WIRE_VERSION);

	out.magic = SL_WIRE_MAGIC; /* sent raw: as another version would */
	out.version = SL_WIRE_VERSION + 1;
	cr_assert_eq(send(sv[0], &out, sizeof(out), 0), (ssize_t)sizeof(out));
	cr_assert_eq(sl_wire_recv_reply(sv[1], &in, &fd), -1);
	cr_assert_eq(errno, EPROTO);
	out.magic = 0;
	out.version = SL_WIRE_VERSION;
	cr_assert_eq(send(sv[0], &out, sizeof(out), 0), (ssize_t)sizeof(out));
	cr_assert_eq(sl_wire_recv_reply(sv[1], &in, &fd), -1);
	cr_assert_eq(errno, EPROTO);

	struct sl_wire_cmd cmd, got;
	memset(&cmd, 0, sizeof(cmd));
	cmd.seq = 9;
	cmd.op = SL_WIRE_FLUSH;
	char payload[8];
	cr_assert_eq(sl_wire_send_cmd(sv[1], &cmd, NULL, 0), 0);
	cr_assert_gt(sl_wire_recv_cmd(sv[0], &got, payload, sizeof(payload)), 0);
	cr_assert_eq(got.seq, 9);
	cr_assert_eq(send(sv[1], &cmd, sizeof(cmd), 0), (ssize_t)sizeof(cmd)); /* no magic */
	cr_assert_eq(sl_wire_recv_cmd(sv[0], &got, payload, sizeof(payload)), -1);
	cr_assert_eq(errno, EPROTO);
	close(sv[0]);
	close(sv[1]);
}

/* Trace records streamed to the harness are framed: magic, version, size. */
Test(sequence, trace_records_carry_a_magic_a_version_and_their_size)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	snprintf(e.detail, sizeof(e.detail), "hello");
	cr_assert_eq(sl_trace_send(p[1], &e), 0);
	struct {
		struct sl_trace_frame f;
		struct sl_trace_entry e;
	} rec;
	cr_assert_eq(read(p[0], &rec, sizeof(rec)), (ssize_t)sizeof(rec));
	cr_assert_null(sl_trace_frame_problem(&rec.f));
	cr_assert_str_eq(rec.e.detail, "hello");
	struct sl_trace_frame bad = rec.f;
	bad.magic ^= 1;
	cr_assert_not_null(sl_trace_frame_problem(&bad));
	bad = rec.f;
	bad.version++;
	cr_assert_not_null(sl_trace_frame_problem(&bad));
	bad = rec.f;
	bad.size--;
	cr_assert_not_null(sl_trace_frame_problem(&bad));
	close(p[0]);
	close(p[1]);
}

/* ---- 8. shmlife's own set-up: BROK where it fails; the channel within reach ------ */

/* The channel was kept at fd 1023 only: a child forked under
 * rlimit-nofile=16 could not put it there, _exited, and the scenario FAILed
 * a step later ("actor kid has ended").  Now it is the highest free fd below
 * the limit, and still not counted among the actor's descriptors. */
Test(setup, a_fork_under_a_low_fd_limit_keeps_its_channel_within_reach)
{
	struct sl_scenario *s = parse_ok("scenario low-fd-limit\n"
					 "actors: small(rlimit-nofile=16)\n"
					 "small fork -> kid\n"
					 "kid umask 022\n"
					 "expect kid alive nfds=3\n"
					 "kid open /dev/null flags=O_RDONLY = 3\n"
					 "expect kid nfds=4 fd3=/dev/null\n");
	struct sl_result r = run_scenario(s, 5000);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* No room for the new actor's channel is shmlife's failure, not the fork's:
 * BROK at that step, with the reason (it was FAIL: "kernel said EMFILE"). */
Test(setup, no_room_for_a_new_actors_channel_is_brok_at_that_step)
{
	struct sl_scenario *s = parse_ok("scenario no-room-for-the-channel\n"
					 "actors: tiny(rlimit-nofile=4)\n"
					 "tiny fork -> kid\n"
					 "kid umask 022\n");
	struct sl_result r = run_scenario(s, 5000);
	cr_assert_eq(r.outcome, SL_BROK, "outcome %s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert_eq(r.failed_step, 0, "failed at %d: %s", r.failed_step, r.reason);
	cr_assert(strstr(r.reason, "set-up failed") && strstr(r.reason, "socketpair"), "reason: %s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* The actors a conductor starts are asked whether they are ready all at
 * once, then each answer awaited: one that cannot set itself up (here: the
 * actor program it must become cannot run) makes the scenario BROK before
 * its first step, naming the first such actor and its own reason; the
 * same for a big group, which the spawner forks. */
static void expect_brok_before_the_first_step(const char *script, const char *first)
{
	struct sl_scenario *s = parse_ok("%s", script);
	struct sl_run_options o;
	sl_run_options_default(&o);
	o.step_timeout_ms = 5000;
	o.actor_program = "/nonexistent/shmlife-actor";
	struct sl_result r;
	cr_assert_eq(sl_run(s, &o, &r), 0, "sl_run could not start");
	cr_assert_eq(r.outcome, SL_BROK, "outcome %s: %s", sl_outcome_name(r.outcome), r.reason);
	char want[128];
	snprintf(want, sizeof(want), "cannot start actor %s: ", first);
	cr_expect(strstr(r.reason, want), "names %s: %s", first, r.reason);
	cr_expect(strstr(r.reason, "cannot run the actor program /nonexistent/shmlife-actor"), "its own reason: %s",
		  r.reason);
	struct sl_trace_entry e;
	for (int i = 0; i < r.ntrace; i++)
		cr_expect_neq(sl_result_entry(&r, i, &e)->kind, SL_ENTRY_STEP, "no step ran: entry %d is step %d", i,
			      e.step);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(setup, an_actor_that_cannot_set_itself_up_is_brok_before_the_first_step)
{
	expect_brok_before_the_first_step("scenario cannot-set-up\n"
					  "actors: owner, peer, other\n"
					  "owner shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg\n",
					  "owner");
	expect_brok_before_the_first_step("scenario a-big-group-cannot-set-up\n"
					  "actors: workers[70]\n"
					  "workers shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg\n",
					  "workers[0]");
}

/* ---- 9. starting a scenario from a multi-threaded caller ---------------------------- */

static volatile int hammer_stop;

/* Another thread of the caller, always in malloc or free (one arena for
 * all: its lock is held at almost any instant). */
static void *hammer_malloc(void *arg)
{
	(void)arg;
	void *keep[64] = { 0 };
	for (unsigned i = 0; !__atomic_load_n(&hammer_stop, __ATOMIC_RELAXED); i++) {
		free(keep[i % 64]);
		keep[i % 64] = malloc(16 + (i * 37) % 4000);
	}
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	return NULL;
}

/* sl_run() started the conductor with a raw clone(), which skips libc's
 * fork handlers: the conductor inherited the malloc lock held by the other
 * thread, and hung in calloc (TIMEOUT) in many of these runs. */
Test(threads, scenarios_started_while_another_thread_is_in_malloc_all_run)
{
#ifdef SHMLIFE_SANITIZE
	cr_skip_test("ASan replaces glibc's malloc: its arena lock, which this test holds in another thread, is "
		     "not there (ci/sanitize.sh)");
#endif
	cr_assert_eq(mallopt(M_ARENA_MAX, 1), 1);
	struct sl_scenario *s = parse_ok("scenario threaded-caller\n"
					 "actors: a\n"
					 "a shmget key=IPC_PRIVATE size=4096 flags=0600 -> seg\n"
					 "a shmctl seg IPC_RMID\n");
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, hammer_malloc, NULL), 0);
	int passed = 0, runs = 40;
	for (int i = 0; i < runs; i++) {
		struct sl_run_options o;
		sl_run_options_default(&o);
		o.scenario_timeout_ms = 2000;
		struct sl_result r;
		cr_assert_eq(sl_run(s, &o, &r), 0);
		if (r.outcome == SL_PASS)
			passed++;
		else
			fprintf(stderr, "run %d: %s: %s\n", i, sl_outcome_name(r.outcome), r.reason);
		sl_result_free(&r);
	}
	__atomic_store_n(&hammer_stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	cr_assert_eq(passed, runs, "%d of %d runs passed", passed, runs);
	sl_scenario_free(s);
}

/* ---- 16. names: the conductor's steps, programs not found ----------------------------- */

/* Steps the conductor performs about another process (find, expect, wait)
 * were labelled with that process's pid: "conductor (pid 7)".  The entry's
 * pid is the conductor's (PID 1); the process is the step's result or its
 * observation. */
Test(names, steps_of_the_conductor_about_a_found_process_carry_the_conductors_pid)
{
	struct sl_scenario *s = parse_ok("scenario found-labels\n"
					 "actors: a\n"
					 "a exec shmlife-daemon --name label-daemon\n"
					 "find comm=label-daemon -> d\n"
					 "expect d alive\n"
					 "a kill d SIGTERM\n"
					 "wait d\n");
	struct sl_result r = run_scenario(s, 5000);
	assert_passed(r);
	const struct sl_trace_entry *find = entry_of(&r, 1), *expect = entry_of(&r, 2), *kill_ = entry_of(&r, 3),
				    *wait_ = entry_of(&r, 4);
	cr_assert(find && expect && kill_ && wait_);
	cr_assert_gt(find->ret, 1, "find returns the process found");
	cr_assert_eq(find->pid, 1, "find is the conductor's, pid %d", find->pid);
	cr_assert_eq(expect->pid, 1, "expect is the conductor's, pid %d", expect->pid);
	cr_assert_eq(expect->obs.proc.pid, find->ret, "the observation is of d");
	cr_assert_eq(wait_->pid, 1, "wait is the conductor's, pid %d", wait_->pid);
	cr_assert_neq(kill_->pid, 1, "kill is a's");
	cr_assert_neq(kill_->pid, find->ret, "kill is a's, not d's");
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A program that is not found exits 127, as a shell says; the step says why. */
/* find ... args= matches the whole command line: it was read up to 4095
 * bytes, and a process whose distinguishing argument came later was never
 * found ("no live process named 'sleep'"). */
Test(names, find_matches_the_whole_of_a_long_command_line)
{
	struct sl_scenario *s = parse_ok("scenario long-cmdline\n"
					 "actors: a\n"
					 "a exec /bin/sh -c \"sleep 30 $(yes 0 | head -n 2100 | tr '\\\\n' ' ') 0.000000001 & exit 0\"\n"
					 "find comm=sleep args=\"0[.]000000001$\" -> d\n"
					 "expect d alive\n"
					 "a kill d SIGKILL\n"
					 "wait d\n");
	struct sl_result r = run_scenario(s, 5000);
	assert_passed(r);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(names, a_program_that_is_not_found_is_said_to_be_not_found)
{
	struct sl_scenario *s = parse_ok("scenario not-found\n"
					 "actors: a\n"
					 "a exec /no/such/program\n");
	struct sl_result r = run_scenario(s, 5000);
	cr_assert_eq(r.outcome, SL_FAIL, "outcome %s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert(strstr(r.reason, "exited 127"), "the kernel's status: %s", r.reason);
	cr_assert(strstr(r.reason, "/no/such/program could not be run") && strstr(r.reason, "not found"),
		  "and why: %s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- the clock --------------------------------------------------------------------- */

/* `wait past time(...)` ends once time(2), the second the kernel stamps a
 * segment's times with, is later than the one the step named began in: the
 * ctime an IPC_SET stamps afterwards is later than the one before, which is
 * what the peers' sleep(1) is for (ltp-shmctl08, gvisor-shm-ipc-stat). */
Test(clock, wait_past_a_steps_time_ends_in_a_later_second)
{
	struct sl_scenario *s = parse_ok("scenario wait-past\n"
					 "actors: a\n"
					 "a shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0666 -> seg\n"
					 "a shmctl seg IPC_STAT\n"
					 "wait past time(line 4)\n"
					 "a shmctl seg IPC_SET mode=0600\n"
					 "expect seg mode=0600 ctime > time(line 4)\n"
					 "a shmctl seg IPC_RMID\n");
	struct sl_result r = run_scenario(s, 5000);
	assert_passed(r);
	const struct sl_trace_entry *stat = entry_of(&r, 1), *wait_ = entry_of(&r, 2), *set = entry_of(&r, 3);
	cr_assert(stat && wait_ && set);
	cr_assert_eq(wait_->pid, 1, "the conductor waits");
	cr_assert_gt(set->wall_sec, stat->wall_sec, "IPC_SET began in a later second than IPC_STAT");
	char said[64];
	snprintf(said, sizeof(said), "past time(line 4) = %lld", (long long)stat->wall_sec);
	cr_assert(strstr(wait_->detail, said), "the wait says what it waited for: %s", wait_->detail);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* ---- a segment's id handed out again -------------------------------------------- */

/* An id is a segment's only name in the kernel, and a removed segment's id
 * is handed out again (here by kernel.shm_next_id): `expect seg exists
 * size=8192` passed of another segment, and `expect seg gone` failed.  A
 * segment at the id that differs in what never changes (creator, size) is
 * another one: the name's own is gone. */
#define REUSED_ID "scenario id-reuse\n"                                                   \
		  "actors: owner, peer\n"                                                 \
		  "owner shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg\n"  \
		  "expect seg shmid=0\n"                                                  \
		  "owner shmctl seg IPC_RMID\n"                                           \
		  "sysctl kernel.shm_next_id = 0\n"                                       \
		  "peer shmget key=IPC_PRIVATE size=8192 flags=IPC_CREAT|0600 -> other\n" \
		  "expect other shmid=0\n"

Test(names, a_removed_segments_id_given_to_another_is_not_the_name_s_segment)
{
	struct sl_scenario *s = parse_ok(REUSED_ID "expect seg gone\n"
						   "peer shmctl other IPC_RMID\n");
	struct sl_result r = run_scenario(s, 5000);
	assert_passed(r);
	const struct sl_trace_entry *gone = entry_of(&r, 6);
	cr_assert(gone && strstr(gone->detail, "id 0 names another segment now"), "%s", gone ? gone->detail : "-");
	sl_result_free(&r);
	sl_scenario_free(s);
	s = parse_ok(REUSED_ID "expect seg exists size=8192\n"
			       "peer shmctl other IPC_RMID\n");
	r = run_scenario(s, 5000);
	cr_assert_eq(r.outcome, SL_FAIL, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert(strstr(r.reason, "seg is gone"), "%s", r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}

/* A process's maps show a segment's id (as the mapping's inode) and nothing
 * that never changes: with seg's id given to another segment that peer has
 * attached, `expect peer maps attached seg` passed.  Refused loudly now. */
Test(names, a_mapping_of_a_removed_segments_id_is_not_taken_for_the_name_s)
{
	struct sl_scenario *s = parse_ok(REUSED_ID "peer shmat other -> a\n"
						   "expect peer maps attached seg\n"
						   "peer shmdt a\n"
						   "peer shmctl other IPC_RMID\n");
	struct sl_result r = run_scenario(s, 5000);
	cr_assert_eq(r.outcome, SL_FAIL, "%s: %s", sl_outcome_name(r.outcome), r.reason);
	cr_assert(strstr(r.reason, "id 0 names another segment now") && strstr(r.reason, "not observed"), "%s",
		  r.reason);
	sl_result_free(&r);
	sl_scenario_free(s);
}
