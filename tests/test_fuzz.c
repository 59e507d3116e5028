/* test_fuzz.c - `shmlife fuzz` (fuzz.h, framework/src/fuzz/): the reference
 * model's rules, one by one and without a system call; the generator's
 * determinism; the script writer (what it writes parses back to the same
 * scenario); the shrinker on a divergence made by a deliberately wrong
 * model rule, without the kernel and with it; and the command line. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "cli_fixture.h"
#include <sys/stat.h>
#include "../framework/src/fuzz/model.h"
#include "shmlife/fuzz.h"
#include "shmlife/parse.h"
#include "shmlife/run.h"

/* ---- the model, rule by rule ------------------------------------------------ */

struct world {
	struct fz_program p;
	struct fz_model m;
	struct fz_prediction pr;
};

static void world(struct world *w, int nprocs)
{
	memset(w, 0, sizeof(*w));
	w->p.ninitial = w->p.nprocs = nprocs;
	fz_model_init(&w->m, &w->p, 0);
}

/* Applies an op that must apply; returns its verdict. */
static enum fz_verdict apply(struct world *w, struct fz_op op)
{
	cr_assert(fz_model_applies(&w->m, &op), "op of kind %d does not apply", op.kind);
	fz_model_apply(&w->m, &op, &w->pr);
	return w->pr.verdict;
}

static struct fz_op shmget_op(int proc, int ref, int32_t key, long long size, int flags)
{
	return (struct fz_op){ .kind = FZ_SHMGET, .proc = proc, .ref = ref, .key = key, .size = size, .flags = flags };
}

static struct fz_op shmat_op(int proc, int ref, int att, int flags)
{
	return (struct fz_op){ .kind = FZ_SHMAT, .proc = proc, .ref = ref, .att = att, .flags = flags };
}

static struct fz_op ctl_op(int proc, int ref, int cmd)
{
	return (struct fz_op){ .kind = FZ_SHMCTL, .proc = proc, .ref = ref, .cmd = cmd };
}

static const struct fz_seg *seg_of(const struct world *w, int ref)
{
	return &w->m.segs[w->m.ref_seg[ref]];
}

static void assert_fails(const struct world *w, int e1, int e2)
{
	cr_assert_eq(w->pr.verdict, FZ_FAILS);
	cr_assert_eq(w->pr.errnos[0], e1, "errno %d, not %d", w->pr.errnos[0], e1);
	cr_assert_eq(w->pr.nerrnos, e2 ? 2 : 1);
	if (e2)
		cr_assert_eq(w->pr.errnos[1], e2);
}

Test(fuzz_model, shmget_keys_and_flags)
{
	struct world w;
	world(&w, 1);
	cr_assert_eq(apply(&w, shmget_op(0, 0, 0x1000, 4096, 0600)), FZ_FAILS);
	assert_fails(&w, ENOENT, 0);                                     /* no IPC_CREAT */
	apply(&w, shmget_op(0, 1, 0x1000, 0, IPC_CREAT | 0600));
	assert_fails(&w, EINVAL, 0);                                     /* size 0 < SHMMIN */
	cr_assert_eq(apply(&w, shmget_op(0, 2, 0x1000, 4096, IPC_CREAT | 0640)), FZ_OK);
	cr_assert_eq(seg_of(&w, 2)->perms, 0640);
	apply(&w, shmget_op(0, 3, 0x1000, 4096, IPC_CREAT | IPC_EXCL | 0600));
	assert_fails(&w, EEXIST, 0);
	apply(&w, shmget_op(0, 4, 0x1000, 4097, 0));
	assert_fails(&w, EINVAL, 0);                                     /* bigger than it is */
	cr_assert_eq(apply(&w, shmget_op(0, 5, 0x1000, 0, 0)), FZ_OK);  /* size 0 finds it */
	cr_assert_eq(w.pr.same_as_ref, 2);
	cr_assert_eq(apply(&w, shmget_op(0, 6, IPC_PRIVATE, 1, 0600)), FZ_OK);
	cr_assert_neq(w.m.ref_seg[6], w.m.ref_seg[2], "IPC_PRIVATE always makes a new segment");
	cr_assert_eq(fz_model_segments(&w.m), 2);
	fz_model_free(&w.m);
}

Test(fuzz_model, rmid_marks_an_attached_segment_and_frees_its_key)
{
	struct world w;
	world(&w, 2);
	apply(&w, shmget_op(0, 0, 0x1000, 4096, IPC_CREAT | 0600));
	apply(&w, shmat_op(1, 0, 0, 0));
	cr_assert_eq(seg_of(&w, 0)->nattch, 1);
	cr_assert_eq(seg_of(&w, 0)->lpid, 1);
	cr_assert_eq(apply(&w, ctl_op(0, 0, IPC_RMID)), FZ_OK);
	cr_assert(seg_of(&w, 0)->live && seg_of(&w, 0)->dest);
	cr_assert_eq(seg_of(&w, 0)->key, 0, "the key reads 0 once removed");
	cr_assert_eq(apply(&w, ctl_op(1, 0, IPC_RMID)), FZ_OK, "a second IPC_RMID succeeds");
	apply(&w, shmget_op(0, 1, 0x1000, 0, 0));
	assert_fails(&w, ENOENT, 0);
	cr_assert_eq(apply(&w, shmat_op(0, 0, 1, SHM_RDONLY)), FZ_OK, "a marked segment can be attached");
	cr_assert_eq(seg_of(&w, 0)->nattch, 2);
	apply(&w, (struct fz_op){ .kind = FZ_SHMDT, .proc = 1, .att = 0 });
	apply(&w, (struct fz_op){ .kind = FZ_SHMDT, .proc = 0, .att = 1 });
	cr_assert_not(seg_of(&w, 0)->live, "the last detach destroys a marked segment");
	apply(&w, ctl_op(0, 0, IPC_STAT));
	assert_fails(&w, EINVAL, EIDRM);                                 /* the next id is not ours to say */
	apply(&w, shmat_op(0, 0, 2, 0));
	assert_fails(&w, EINVAL, EIDRM);
	fz_model_free(&w.m);
}

Test(fuzz_model, fork_exit_and_crash_carry_attachments)
{
	struct world w;
	world(&w, 1);
	w.p.nprocs = 3;
	apply(&w, shmget_op(0, 0, IPC_PRIVATE, 8192, 0600));
	apply(&w, shmat_op(0, 0, 0, 0));
	apply(&w, (struct fz_op){ .kind = FZ_FORK, .proc = 0, .target = 1 });
	cr_assert_eq(seg_of(&w, 0)->nattch, 2);
	cr_assert_eq(seg_of(&w, 0)->lpid, 0, "__shm_open runs in the parent during fork");
	cr_assert_eq(w.m.procs[1].att[0], 1, "the child inherits the attachment");
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_EXIT, .proc = 1, .status = 3 }), FZ_EXITS);
	cr_assert_eq(seg_of(&w, 0)->nattch, 1);
	cr_assert_eq(seg_of(&w, 0)->lpid, 1, "the exiting child detaches last");
	apply(&w, (struct fz_op){ .kind = FZ_FORK, .proc = 0, .target = 2 });
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_CRASH, .proc = 2, .sig = SIGABRT }), FZ_DIES);
	cr_assert_eq(w.m.procs[2].state, FZ_KILLED);
	cr_assert_eq(seg_of(&w, 0)->nattch, 1);
	cr_assert(seg_of(&w, 0)->live, "an unmarked segment stays without attachments");
	cr_assert_eq(fz_model_segments_after_end(&w.m), 1, "and is left at the end");
	fz_model_free(&w.m);
}

Test(fuzz_model, memory_is_shared_and_read_only_attachments_fault)
{
	struct world w;
	world(&w, 2);
	apply(&w, shmget_op(0, 0, IPC_PRIVATE, 100, 0600));
	apply(&w, shmat_op(0, 0, 0, 0));
	apply(&w, shmat_op(1, 0, 1, SHM_RDONLY));
	struct fz_op wr = { .kind = FZ_WRITE, .proc = 0, .att = 0, .offset = 96, .len = 4, .data = { 1, 2, 3, 4 } };
	cr_assert_eq(apply(&w, wr), FZ_OK);
	struct fz_op rd = { .kind = FZ_READ, .proc = 1, .att = 1, .offset = 96, .len = 4 };
	cr_assert_eq(apply(&w, rd), FZ_OK);
	cr_assert_arr_eq(w.pr.data, ((unsigned char[]){ 1, 2, 3, 4 }), 4);
	struct fz_op too_far = wr;
	too_far.offset = 97;
	cr_assert_not(fz_model_applies(&w.m, &too_far), "a write past the segment is never drawn");
	wr.proc = 1;
	wr.att = 1;
	cr_assert_eq(apply(&w, wr), FZ_DIES);
	cr_assert_eq(w.pr.sig, SIGSEGV);
	cr_assert_eq(seg_of(&w, 0)->nattch, 1, "its death detached it");
	fz_model_free(&w.m);
}

Test(fuzz_model, detached_addresses_are_used_only_while_safe)
{
	struct world w;
	world(&w, 1);
	apply(&w, shmget_op(0, 0, IPC_PRIVATE, 4096, 0600));
	apply(&w, shmat_op(0, 0, 0, 0));
	apply(&w, (struct fz_op){ .kind = FZ_SHMDT, .proc = 0, .att = 0 });
	struct fz_op again = { .kind = FZ_SHMDT, .proc = 0, .att = 0 };
	cr_assert_eq(apply(&w, again), FZ_FAILS);
	assert_fails(&w, EINVAL, 0);
	apply(&w, shmat_op(0, 0, 1, 0));
	cr_assert_not(fz_model_applies(&w.m, &again), "after a new shmat the old address may be reused");
	fz_model_free(&w.m);
}

Test(fuzz_model, permissions_of_other_users)
{
	struct world w;
	world(&w, 3);
	w.p.uid[1] = w.p.gid[1] = 1000;
	w.p.uid[2] = 1001;
	w.p.gid[2] = 1000;
	fz_model_init(&w.m, &w.p, 0);
	apply(&w, shmget_op(1, 0, 0x1000, 4096, IPC_CREAT | 0640));
	cr_assert_eq(seg_of(&w, 0)->cuid, 1000);
	cr_assert_eq(apply(&w, shmat_op(2, 0, 0, SHM_RDONLY)), FZ_OK, "the group may read");
	apply(&w, shmat_op(2, 0, 1, 0));
	assert_fails(&w, EACCES, 0);                                     /* but not write */
	apply(&w, shmget_op(2, 1, 0x1000, 0, 0660));
	assert_fails(&w, EACCES, 0);                                     /* the flag's bits are asked for */
	apply(&w, ctl_op(2, 0, IPC_RMID));
	assert_fails(&w, EPERM, 0);
	cr_assert_eq(apply(&w, ctl_op(0, 0, IPC_RMID)), FZ_OK, "root may remove anything");
	apply(&w, (struct fz_op){ .kind = FZ_KILL, .proc = 2, .target = 1, .sig = SIGKILL });
	assert_fails(&w, EPERM, 0);
	fz_model_free(&w.m);
}

Test(fuzz_model, sysctls_limit_and_rmid_forced_destroys)
{
	struct world w;
	world(&w, 2);
	w.p.sysctls.shmmni = 1;
	w.p.sysctls.shmmax = 4096;
	w.p.sysctls.rmid_forced = 1;
	fz_model_init(&w.m, &w.p, 0);
	apply(&w, shmget_op(0, 0, IPC_PRIVATE, 4097, 0600));
	assert_fails(&w, EINVAL, 0);                                     /* above shmmax */
	apply(&w, shmget_op(0, 1, IPC_PRIVATE, 4096, 0600));
	apply(&w, shmget_op(1, 2, IPC_PRIVATE, 1, 0600));
	assert_fails(&w, ENOSPC, 0);                                     /* shmmni */
	apply(&w, shmat_op(1, 1, 0, 0));
	apply(&w, (struct fz_op){ .kind = FZ_EXIT, .proc = 0 });
	cr_assert(seg_of(&w, 1)->live, "still attached when its creator exits");
	apply(&w, (struct fz_op){ .kind = FZ_SHMDT, .proc = 1, .att = 0 });
	cr_assert_not(seg_of(&w, 1)->live, "shm_rmid_forced: the last detach destroys it");
	fz_model_free(&w.m);
}

Test(fuzz_model, sessions_and_process_groups)
{
	struct world w;
	world(&w, 1);
	w.p.nprocs = 2;
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_GETSID, .proc = 0 }), FZ_OK);
	cr_assert_eq(w.pr.returns_proc, -1, "actors start in the conductor's session");
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_SETSID, .proc = 0 }), FZ_OK);
	cr_assert_eq(w.pr.returns_proc, 0);
	apply(&w, (struct fz_op){ .kind = FZ_SETSID, .proc = 0 });
	assert_fails(&w, EPERM, 0);                                      /* a group leader */
	apply(&w, (struct fz_op){ .kind = FZ_SETPGID, .proc = 0 });
	assert_fails(&w, EPERM, 0);                                      /* a session leader */
	apply(&w, (struct fz_op){ .kind = FZ_FORK, .proc = 0, .target = 1 });
	cr_assert_eq(w.m.procs[1].sid, 0);
	cr_assert_eq(w.m.procs[1].pgid, 0);
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_SETPGID, .proc = 1 }), FZ_OK);
	cr_assert_eq(w.m.procs[1].pgid, 1);
	apply(&w, (struct fz_op){ .kind = FZ_SETSID, .proc = 1 });
	assert_fails(&w, EPERM, 0);                                      /* it leads its group now */
	fz_model_free(&w.m);
}

/* daemon(1, 1), as glibc does it: a fork, the parent's exit, setsid in the
 * child.  The actor lives on as the child: it keeps the attachment, leads a
 * new session and group; lpid names the parent that left (the fork counts
 * the attachment in the parent, its exit detaches there), cpid the pid the
 * actor had.  Without FZ_DAEMON the daemon-no-setsid mutant (tests/mutants)
 * was never found. */
Test(fuzz_model, daemon_forks_exits_and_leads_a_session)
{
	struct world w;
	world(&w, 1);
	w.p.nprocs = 2;
	apply(&w, shmget_op(0, 0, IPC_PRIVATE, 4096, 0600));
	apply(&w, shmat_op(0, 0, 0, 0));
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_DAEMON, .proc = 0, .target = 1 }), FZ_OK);
	cr_assert_eq(w.m.procs[0].state, FZ_EXITED, "the parent has exited");
	cr_assert_eq(w.m.procs[0].code, 0);
	cr_assert_eq(w.m.procs[1].state, FZ_ALIVE);
	cr_assert_eq(w.m.procs[1].att[0], 1, "the daemon keeps the attachment");
	cr_assert_eq(seg_of(&w, 0)->nattch, 1, "counted in the fork, uncounted at the parent's exit");
	cr_assert_eq(seg_of(&w, 0)->lpid, 0, "the parent detached last");
	cr_assert_eq(seg_of(&w, 0)->cpid, 0);
	cr_assert_eq(w.m.procs[1].sid, 1, "the daemon leads a new session");
	cr_assert_eq(w.m.procs[1].pgid, 1);
	apply(&w, (struct fz_op){ .kind = FZ_SETSID, .proc = 1 });
	assert_fails(&w, EPERM, 0);
	struct fz_op again = { .kind = FZ_DAEMON, .proc = 1, .target = 1 };
	cr_assert(!fz_model_applies(&w.m, &again), "a daemon needs a process slot not yet born");
	fz_model_free(&w.m);
}

/* ftok(3): a path that is not there fails ENOENT (it is stat()ed); for one
 * file, project ids with the same low byte give the same key, others not
 * (the value itself is the inode's: not predicted).  Without this rule the
 * ftok-no-stat mutant (tests/mutants) was never found. */
Test(fuzz_model, ftok_stats_its_path_and_uses_the_low_byte_of_the_id)
{
	struct world w;
	world(&w, 1);
	apply(&w, (struct fz_op){ .kind = FZ_FTOK, .proc = 0, .flags = FZ_FTOK_MISSING, .key = 1 });
	assert_fails(&w, ENOENT, 0);
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_FTOK, .proc = 0, .key = 2 }), FZ_OK);
	cr_assert_eq(w.pr.ftok, 0);
	cr_assert_eq(w.pr.same_as_ftok, -1, "the first of its byte");
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_FTOK, .proc = 0, .key = 3 }), FZ_OK);
	cr_assert_eq(w.pr.same_as_ftok, -1, "another byte, another key");
	cr_assert_eq(apply(&w, (struct fz_op){ .kind = FZ_FTOK, .proc = 0, .key = 2 + 256 }), FZ_OK);
	cr_assert_eq(w.pr.ftok, 2);
	cr_assert_eq(w.pr.same_as_ftok, 0, "only the low byte of the id counts");
	fz_model_free(&w.m);
}

/* ---- the generator and the script writer --------------------------------------- */

static char *script_of(const struct sl_scenario *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	cr_assert_eq(sl_scenario_write_script(f, s), 0, "%s: %s", s->name, strerror(errno));
	fclose(f);
	return text;
}

static char *generated_script(uint64_t seed, uint64_t run, const struct sl_fuzz_options *o)
{
	struct sl_fuzz_program *p = sl_fuzz_generate(seed, run, o);
	cr_assert_not_null(p);
	struct sl_scenario *s = sl_fuzz_build(p);
	cr_assert_not_null(s);
	char *text = script_of(s);
	sl_scenario_free(s);
	sl_fuzz_program_free(p);
	return text;
}

Test(fuzz_generate, a_seed_gives_the_same_scenarios)
{
	struct sl_fuzz_options o;
	sl_fuzz_options_default(&o);
	for (uint64_t run = 0; run < 20; run++) {
		char *a = generated_script(42, run, &o), *b = generated_script(42, run, &o);
		cr_assert_str_eq(a, b, "run %llu differs", (unsigned long long)run);
		char *other = generated_script(43, run, &o);
		cr_assert_str_neq(a, other, "seeds 42 and 43 gave the same run %llu", (unsigned long long)run);
		free(a);
		free(b);
		free(other);
	}
}

Test(fuzz_generate, families_limit_the_operations)
{
	struct sl_fuzz_options o;
	sl_fuzz_options_default(&o);
	const char *bad;
	o.ops = sl_fuzz_parse_ops("shmget,ctl", &bad);
	cr_assert_eq(o.ops, SL_FUZZ_SHMGET | SL_FUZZ_CTL);
	cr_assert_eq(sl_fuzz_parse_ops("shmget,nope", &bad), 0);
	cr_assert_str_eq(bad, "nope");
	for (uint64_t run = 0; run < 20; run++) {
		char *text = generated_script(7, run, &o);
		cr_assert_null(strstr(text, " shmat "), "%s", text);
		cr_assert_null(strstr(text, " fork "), "%s", text);
		cr_assert_null(strstr(text, "sysctl:"), "%s", text);
		cr_assert_null(strstr(text, "(uid="), "%s", text);
		free(text);
	}
}

Test(fuzz_script, what_is_written_parses_back_to_the_same_scenario)
{
	struct sl_fuzz_options o;
	sl_fuzz_options_default(&o);
	o.steps = 40;
	for (uint64_t run = 0; run < 60; run++) {
		char *text = generated_script(5, run, &o);
		struct sl_diags d = { 0 };
		struct sl_scenario *s = sl_parse_string(text, "gen.scn", &d);
		if (!s)
			sl_diags_print(&d, stderr);
		cr_assert_not_null(s, "run %llu does not parse:\n%s", (unsigned long long)run, text);
		sl_diags_free(&d);
		char *again = script_of(s);
		cr_assert_str_eq(again, text, "run %llu: written, parsed and written again differs",
				 (unsigned long long)run);
		for (int i = 0; i < s->nsteps; i++)
			cr_assert_eq(s->steps[i].line, 0 + s->steps[0].line + i, "one step a line");
		free(again);
		free(text);
		sl_scenario_free(s);
	}
}

/* ---- the shrinker ------------------------------------------------------------------ */

/* Without the kernel: a candidate "diverges" when the wrong model and the
 * true one write different scripts for it (they disagree on a prediction). */
static int models_disagree(void *ctx, const struct sl_fuzz_program *p)
{
	unsigned wrong = *(unsigned *)ctx;
	sl_fuzz_set_wrong_model(wrong);
	struct sl_scenario *a = sl_fuzz_build(p);
	sl_fuzz_set_wrong_model(0);
	struct sl_scenario *b = sl_fuzz_build(p);
	char *ta = script_of(a), *tb = script_of(b);
	int differ = strcmp(ta, tb) != 0;
	free(ta);
	free(tb);
	sl_scenario_free(a);
	sl_scenario_free(b);
	return differ;
}

static int steps_of(const struct sl_fuzz_program *p)
{
	struct sl_scenario *s = sl_fuzz_build(p);
	int n = s->nsteps;
	sl_scenario_free(s);
	return n;
}

/* The first run of seed 1 whose scenario the wrong rule changes. */
static struct sl_fuzz_program *diverging_program(unsigned wrong)
{
	struct sl_fuzz_options o;
	sl_fuzz_options_default(&o);
	for (uint64_t run = 0; run < 500; run++) {
		struct sl_fuzz_program *p = sl_fuzz_generate(1, run, &o);
		if (models_disagree(&wrong, p))
			return p;
		sl_fuzz_program_free(p);
	}
	cr_assert_fail("no run of 500 is changed by wrong rule %u", wrong);
	return NULL;
}

Test(fuzz_shrink, a_wrong_rule_shrinks_to_a_few_steps_without_the_kernel)
{
	unsigned rules[] = { FZ_WRONG_RMID_KEEPS_KEY, FZ_WRONG_FORK_NO_NATTCH };
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct sl_fuzz_program *p = diverging_program(rules[i]);
		int tries = 0;
		struct sl_fuzz_program *small = sl_fuzz_shrink(p, models_disagree, &rules[i], &tries);
		cr_assert_not_null(small);
		cr_assert(models_disagree(&rules[i], small), "the shrunk program must still diverge");
		cr_assert_leq(steps_of(small), 8, "rule %u: %d steps from %d", rules[i], steps_of(small), steps_of(p));
		cr_assert_gt(tries, 0);
		sl_fuzz_program_free(small);
		sl_fuzz_program_free(p);
	}
}

/* With the kernel: the wrong model's scenarios FAIL; the shrunk one FAILs
 * the same way, has at most 8 steps, and its script reproduces it. */
struct kernel_oracle {
	char signature[300];
};

static int run_fails(const struct sl_fuzz_program *p, char *sig, size_t len)
{
	struct sl_scenario *s = sl_fuzz_build(p);
	struct sl_run_options o;
	struct sl_result r;
	sl_run_options_default(&o);
	cr_assert_eq(sl_run(s, &o, &r), 0);
	int failed = r.outcome == SL_FAIL;
	if (failed)
		sl_fuzz_signature(s, &r, sig, len);
	sl_result_free(&r);
	sl_scenario_free(s);
	return failed;
}

static int kernel_disagrees(void *ctx, const struct sl_fuzz_program *p)
{
	struct kernel_oracle *k = ctx;
	char sig[300];
	return run_fails(p, sig, sizeof(sig)) && strcmp(sig, k->signature) == 0;
}

Test(fuzz_shrink, a_wrong_rule_diverges_from_the_kernel_and_shrinks_to_a_script, .timeout = 120)
{
	unsigned wrong = FZ_WRONG_RMID_KEEPS_KEY;
	struct sl_fuzz_program *p = diverging_program(wrong);
	struct kernel_oracle k;
	sl_fuzz_set_wrong_model(wrong);
	cr_assert(run_fails(p, k.signature, sizeof(k.signature)), "the kernel must disagree with the wrong rule");
	cr_assert(strstr(k.signature, "key"), "%s", k.signature);
	int tries = 0;
	struct sl_fuzz_program *small = sl_fuzz_shrink(p, kernel_disagrees, &k, &tries);
	cr_assert_not_null(small);
	struct sl_scenario *s = sl_fuzz_build(small);
	sl_fuzz_set_wrong_model(0);
	cr_assert_leq(s->nsteps, 8, "%d steps", s->nsteps);
	char *text = script_of(s);
	struct sl_diags d = { 0 };
	struct sl_scenario *parsed = sl_parse_string(text, "shrunk.scn", &d);
	cr_assert_not_null(parsed, "%s", text);
	struct sl_run_options o;
	struct sl_result r;
	sl_run_options_default(&o);
	cr_assert_eq(sl_run(parsed, &o, &r), 0);
	cr_assert_eq(r.outcome, SL_FAIL, "the script must reproduce it:\n%s", text);
	char sig[300];
	sl_fuzz_signature(parsed, &r, sig, sizeof(sig));
	cr_assert_str_eq(sig, k.signature);
	sl_result_free(&r);
	sl_diags_free(&d);
	sl_scenario_free(parsed);
	sl_scenario_free(s);
	free(text);
	sl_fuzz_program_free(small);
	sl_fuzz_program_free(p);
}

Test(fuzz_kernel, the_true_model_agrees_with_the_kernel_on_a_few_runs, .timeout = 120)
{
	struct sl_fuzz_options o;
	sl_fuzz_options_default(&o);
	for (uint64_t run = 0; run < 10; run++) {
		struct sl_fuzz_program *p = sl_fuzz_generate(11, run, &o);
		struct sl_scenario *s = sl_fuzz_build(p);
		struct sl_run_options ro;
		struct sl_result r;
		sl_run_options_default(&ro);
		cr_assert_eq(sl_run(s, &ro, &r), 0);
		cr_assert_eq(r.outcome, SL_PASS, "run %llu: %s", (unsigned long long)run, r.reason);
		sl_result_free(&r);
		sl_scenario_free(s);
		sl_fuzz_program_free(p);
	}
}

/* ---- the command ---------------------------------------------------------------------- */

TestSuite(fuzz_cli, .init = cli_setup, .fini = cli_teardown);

Test(fuzz_cli, runs_print_the_seed_and_pass)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("fuzz", "--seed", "9", "--runs", "6", "-j", "2", "-q", "--out", cli_path("out")));
	cr_assert_eq(r.status, 0, "status %d\n%s%s", r.status, r.out, r.err);
	cr_assert(strstr(r.err, "seed 9"), "%s", r.err);
	cr_assert(cli_has_line(r.out, "ok 1 - fuzz-seed-9"), "%s", r.out);
	cr_assert(strstr(r.out, "# seed 9: 6 runs, 0 diverged"), "%s", r.out);
	char *junit = cli_slurp(cli_path("out/junit.xml")), *json = cli_slurp(cli_path("out/results.json"));
	cr_assert(junit && json);
	free(junit);
	free(json);
	cli_result_free(&r);
}

Test(fuzz_cli, bad_usage_is_exit_2)
{
	const char *const *bad[] = {
		CLI_ARGS("fuzz", "--runs", "0"), CLI_ARGS("fuzz", "--ops", "shmget,bogus"),
		CLI_ARGS("fuzz", "--runs", "3", "--time", "1"), CLI_ARGS("fuzz", "--actors", "9"),
		CLI_ARGS("fuzz", "--seed", "x1"), CLI_ARGS("fuzz", "extra"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cli_result r;
		cli_run(&r, bad[i]);
		cr_assert_eq(r.status, 2, "case %zu: status %d\n%s", i, r.status, r.err);
		cr_assert(strstr(r.err, "Try 'shmlife fuzz --help'"), "%s", r.err);
		cli_result_free(&r);
	}
}

Test(fuzz_cli, a_divergence_is_exit_1_with_a_script_run_reproduces, .timeout = 120)
{
	const char *const env[] = { "SHMLIFE_FUZZ_WRONG_MODEL=1", NULL };
	struct cli_result r;
	cli_run_in(&r, CLI_ARGS("fuzz", "--seed", "1", "--runs", "16", "-j", "2", "-q", "--out", cli_path("out")), env,
		   NULL);
	cr_assert_eq(r.status, 1, "status %d\n%s%s", r.status, r.out, r.err);
	cr_assert(strstr(r.out, "not ok 1 - fuzz-1-"), "%s", r.out);
	cr_assert_eq(cli_count(r.out, "not ok "), 1, "identical divergences are reported once:\n%s", r.out);
	char *line = cli_line_starting(r.err, "  shrunk from ");
	cr_assert_not_null(line, "%s", r.err);
	char *path = strstr(line, ": ") + 2;
	path[strcspn(path, " \n")] = '\0';
	struct cli_result again;
	cli_run(&again, CLI_ARGS("run", "-q", "--report-dir", cli_path("rerun"), path));
	cr_assert_eq(again.status, 1, "`shmlife run %s` must reproduce the divergence:\n%s", path, again.out);
	free(line);
	cli_result_free(&again);
	cli_result_free(&r);
}

Test(fuzz_cli, help_says_usage_options_and_exit_statuses)
{
	struct cli_result r;
	cli_run(&r, CLI_ARGS("fuzz", "--help"));
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out, "Usage: shmlife fuzz ", 20) == 0, "%s", r.out);
	cr_assert(strstr(r.out, "-h, --help") && strstr(r.out, "\nExit: "), "%s", r.out);
	cli_result_free(&r);
	cli_run(&r, CLI_ARGS("help", "fuzz"));
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "--seed N"), "%s", r.out);
	cli_result_free(&r);
}

/* issue 15 item 7: the --out folder holds this run's reports or none; an
 * index.html left by an earlier `shmlife run` there is not this run's. */
Test(fuzz_cli, an_earlier_runs_reports_are_not_left_in_out)
{
	const char *out = cli_path("out");
	cr_assert_eq(mkdir(out, 0755), 0);
	char page[300];
	snprintf(page, sizeof(page), "%s/index.html", out);
	FILE *f = fopen(page, "w");
	cr_assert_not_null(f);
	fputs("<html>an earlier run</html>\n", f);
	fclose(f);
	struct cli_result r;
	cli_run(&r, CLI_ARGS("fuzz", "--seed", "3", "--runs", "1", "-q", "--out", out));
	assert_exit(r, 0);
	struct stat st;
	cr_expect(stat(page, &st) < 0 && errno == ENOENT, "%s is an earlier run's", page);
	cli_result_free(&r);
}

/* The writer writes `wait past time(...)` as the language does: a `wait` of
 * a step's time is not a wait of an actor.  (It numbers lines as it lays
 * them out, which is how this script is written.) */
Test(fuzz_generate, the_writer_writes_a_wait_past_a_steps_time)
{
	struct sl_diags d = { 0 };
	const char *script = "scenario w\n"
			     "description: w\n"
			     "actors: a\n"
			     "\n"
			     "a shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg\n"
			     "wait past time(line 5)\n";
	struct sl_scenario *s = sl_parse_string(script, "w.scn", &d);
	sl_diags_free(&d);
	cr_assert_not_null(s);
	char *text = script_of(s);
	cr_assert_str_eq(text, script, "written:\n%s", text);
	free(text);
	sl_scenario_free(s);
}
