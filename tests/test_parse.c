/* test_parse.c - the script parser: every construct of the language, parsed
 * into the exact fields of the scenario model (scenario.h). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shmlife/parse.h"

/* ---- helpers ------------------------------------------------------------- */

static struct sl_scenario *parse_ok(const char *text)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	if (!s || d.n)
		sl_diags_print(&d, stderr);
	cr_assert_not_null(s, "the script did not parse");
	cr_assert_eq(d.n, 0, "diagnostics for a good script");
	sl_diags_free(&d);
	return s;
}

static int actor(const struct sl_scenario *s, const char *name)
{
	int a = sl_scenario_find_actor(s, name);
	cr_assert_geq(a, 0, "no actor %s", name);
	return a;
}

static int slot(const struct sl_scenario *s, const char *name)
{
	int i = sl_scenario_find_slot(s, name);
	cr_assert_geq(i, 0, "no slot %s", name);
	return i;
}

static void is_num(struct sl_value v, long long n)
{
	cr_assert_eq(v.kind, SL_VAL_NUM, "kind %d, not a number", v.kind);
	cr_assert_eq(v.num, n, "%lld, not %lld", v.num, n);
}

static void is_slot(const struct sl_scenario *s, struct sl_value v, const char *name)
{
	cr_assert_eq(v.kind, SL_VAL_SLOT, "kind %d, not a slot", v.kind);
	cr_assert_str_eq(s->slots[v.slot], name);
}

static void is_actor(const struct sl_scenario *s, struct sl_value v, const char *name)
{
	cr_assert_eq(v.kind, SL_VAL_ACTOR, "kind %d, not an actor", v.kind);
	cr_assert_str_eq(s->actors[v.actor].name, name);
}

static void is_step(const struct sl_scenario *s, int i, enum sl_op op, const char *who, int nargs)
{
	cr_assert_lt(i, s->nsteps);
	const struct sl_step *st = &s->steps[i];
	cr_assert_eq(st->op, op, "step %d is %s, not %s", i, sl_op_name(st->op), sl_op_name(op));
	if (who)
		cr_assert_str_eq(s->actors[st->actor].name, who);
	else
		cr_assert_eq(st->actor, SL_CONDUCTOR);
	cr_assert_eq(st->nargs, nargs, "step %d has %d args, not %d", i, st->nargs, nargs);
}

static void binds(const struct sl_scenario *s, int i, const char *name)
{
	cr_assert_geq(s->steps[i].bind, 0, "step %d binds nothing", i);
	cr_assert_str_eq(s->slots[s->steps[i].bind], name);
}

static const struct sl_predicate *pred(const struct sl_scenario *s, int i, int k, enum sl_field f,
				       enum sl_cmp cmp, int negated)
{
	cr_assert_lt(k, s->steps[i].npreds);
	const struct sl_predicate *p = &s->steps[i].preds[k];
	cr_assert_eq(p->field, f, "pred %d is %s, not %s", k, sl_field_name(p->field), sl_field_name(f));
	cr_assert_eq(p->cmp, cmp);
	cr_assert_eq(p->negated, negated);
	return p;
}

#define HEAD "scenario t\nactors: owner, peer\n"

/* ---- the example of the issue --------------------------------------------- */

Test(parse, issue_example)
{
	struct sl_scenario *s = parse_ok(
		"# IPC_RMID on an attached segment only marks it; a second IPC_RMID succeeds as well.\n"
		"scenario double-rmid\n"
		"tags: rmid, linux\n"
		"actors: owner, peer\n"
		"\n"
		"owner  shmget key=auto size=4096 flags=IPC_CREAT|IPC_EXCL|0600   -> seg\n"
		"owner  shmat seg                                                  -> a\n"
		"peer   shmat seg                                                  -> b\n"
		"owner  shmctl seg IPC_RMID\n"
		"expect seg nattch=2 dest key=0\n"
		"peer   shmctl seg IPC_RMID\n"
		"owner  shmdt a\n"
		"peer   crash SIGKILL\n"
		"expect seg gone\n"
		"owner  shmctl seg IPC_RMID   fails EINVAL\n");
	cr_assert_str_eq(s->name, "double-rmid");
	cr_assert_eq(s->line, 2);
	cr_assert_str_eq(s->file, "t.scn");
	cr_assert_eq(s->ntags, 2);
	cr_assert_str_eq(s->tags[0], "rmid");
	cr_assert_str_eq(s->tags[1], "linux");
	cr_assert_eq(s->nactors, 2);
	cr_assert_eq(s->nsteps, 10);
	cr_assert_eq(s->nslots, 3);
	cr_assert_eq(slot(s, "seg"), 0);
	cr_assert_eq(slot(s, "b"), 2);

	is_step(s, 0, SL_OP_SHMGET, "owner", 3);
	cr_assert_eq(s->steps[0].args[0].kind, SL_VAL_AUTO_KEY);
	is_num(s->steps[0].args[1], 4096);
	is_num(s->steps[0].args[2], IPC_CREAT | IPC_EXCL | 0600);
	binds(s, 0, "seg");
	cr_assert_eq(s->steps[0].outcome.kind, SL_EXPECT_SUCCESS);
	cr_assert_eq(s->steps[0].line, 6);
	cr_assert_eq(s->steps[0].col, 1);
	cr_assert_str_eq(s->steps[0].text,
			 "owner  shmget key=auto size=4096 flags=IPC_CREAT|IPC_EXCL|0600   -> seg");

	is_step(s, 1, SL_OP_SHMAT, "owner", 2);
	is_slot(s, s->steps[1].args[0], "seg");
	is_num(s->steps[1].args[1], 0);
	binds(s, 1, "a");
	is_step(s, 2, SL_OP_SHMAT, "peer", 2);
	binds(s, 2, "b");

	is_step(s, 3, SL_OP_SHMCTL, "owner", 2);
	is_num(s->steps[3].args[1], IPC_RMID);
	cr_assert_eq(s->steps[3].bind, SL_NO_SLOT);

	is_step(s, 4, SL_OP_EXPECT, NULL, 0);
	cr_assert_eq(s->steps[4].target, SL_TARGET_SEGMENT);
	is_slot(s, s->steps[4].subject, "seg");
	cr_assert_eq(s->steps[4].npreds, 3);
	is_num(pred(s, 4, 0, SL_F_NATTCH, SL_CMP_EQ, 0)->value, 2);
	cr_assert_eq(pred(s, 4, 0, SL_F_NATTCH, SL_CMP_EQ, 0)->col, 12);
	pred(s, 4, 1, SL_F_DEST, SL_CMP_TRUE, 0);
	is_num(pred(s, 4, 2, SL_F_KEY, SL_CMP_EQ, 0)->value, 0);

	is_step(s, 6, SL_OP_SHMDT, "owner", 1);
	is_slot(s, s->steps[6].args[0], "a");

	is_step(s, 7, SL_OP_CRASH, "peer", 1);
	is_num(s->steps[7].args[0], SIGKILL);
	cr_assert_eq(s->steps[7].outcome.kind, SL_EXPECT_DIES);
	cr_assert_eq(s->steps[7].outcome.signal, SIGKILL);

	pred(s, 8, 0, SL_F_GONE, SL_CMP_TRUE, 0);

	cr_assert_eq(s->steps[9].outcome.kind, SL_EXPECT_FAILS);
	cr_assert_eq(s->steps[9].outcome.n_errnos, 1);
	cr_assert_eq(s->steps[9].outcome.errnos[0], EINVAL);
	for (int i = 0; i < s->nsteps; i++)
		cr_assert_eq(s->steps[i].claim, -1);
	sl_scenario_free(s);
}

/* ---- headers --------------------------------------------------------------- */

/* An invariant is appended after the last step as a copy of its own: the
 * values put into its text were shared with the invariant and freed twice
 * (glibc: "free(): double free detected", the harness aborted). */
Test(parse, an_invariant_with_a_value_in_its_text_is_a_copy_of_its_own)
{
	struct sl_scenario *s = parse_ok("scenario inv-subst\nkeep-going\nactors: a\n"
					 "a shmget auto 4096 IPC_CREAT|0600 -> seg\n"
					 "a exec sh -c \"echo {{seg}}\"\n"
					 "invariant says-seg: expect a stdout ~ \"^{{seg}}$\"\n");
	cr_assert_eq(s->ninvariants, 1);
	const struct sl_step *inv = s->invariants[0].expect, *last = &s->steps[s->nsteps - 1];
	cr_assert_eq(last->invariant, 1);
	cr_assert_eq(last->nsubsts, 1);
	cr_assert_eq(inv->nsubsts, 1);
	cr_assert_neq(last->substs, inv->substs, "the copy shares the invariant's values");
	cr_assert_eq(last->substs[0].value.slot, slot(s, "seg"));
	sl_scenario_free(s);
}

Test(parse, headers)
{
	struct sl_scenario *s = parse_ok(
		"scenario hdr.v2_x\n"
		"description: A story, told \"plainly\"   # not this\n"
		"tags: a b, c\n"
		"requires: root, kernel >= 5.3\n"
		"requires: sysctl kernel.shm_rmid_forced = 0\n"
		"terminal: pty\n"
		"sysctl: kernel.shmmni = 8\n"
		"sysctl: kernel.sem = 250 32000 32 0x80\n"
		"sysctl: fs.mqueue.msg_max = 1k\n"
		"timeout: 2s\n"
		"leak: expected\n"
		"actors: owner\n"
		"owner setsid\n");
	cr_assert_str_eq(s->name, "hdr.v2_x");
	cr_assert_str_eq(s->description, "A story, told \"plainly\"");
	cr_assert_eq(s->ntags, 3);
	cr_assert_str_eq(s->tags[2], "c");
	cr_assert_eq(s->needs_root, 1);
	cr_assert_eq(s->min_kernel_major, 5);
	cr_assert_eq(s->min_kernel_minor, 3);
	cr_assert_eq(s->nrequires, 1);
	cr_assert_str_eq(s->requires[0].name, "kernel.shm_rmid_forced");
	cr_assert_str_eq(s->requires[0].value, "0");
	cr_assert_eq(s->terminal, 1);
	cr_assert_eq(s->nsysctls, 3);
	cr_assert_str_eq(s->sysctls[0].name, "kernel.shmmni");
	cr_assert_str_eq(s->sysctls[0].value, "8");
	cr_assert_str_eq(s->sysctls[1].name, "kernel.sem");
	cr_assert_str_eq(s->sysctls[1].value, "250 32000 32 128");
	cr_assert_str_eq(s->sysctls[2].value, "1024");
	cr_assert_eq(s->timeout_ms, 2000);
	cr_assert_eq(s->leak_expected, 1);
	sl_scenario_free(s);
}

Test(parse, header_variants)
{
	struct sl_scenario *s = parse_ok(
		"# comment first\n"
		"\n"
		"scenario: colon-ok\n"
		"description: \"quoted # kept\"\n"
		"requires: kernel >= 6\n"
		"requires: sysctl vm.overcommit_memory = 1, root\n"
		"timeout: 500ms\n"
		"actors: owner\n"
		"owner setsid\n");
	cr_assert_str_eq(s->name, "colon-ok");
	cr_assert_str_eq(s->description, "quoted # kept");
	cr_assert_eq(s->min_kernel_major, 6);
	cr_assert_eq(s->min_kernel_minor, 0);
	cr_assert_str_eq(s->requires[0].name, "vm.overcommit_memory");
	cr_assert_eq(s->needs_root, 1);
	cr_assert_eq(s->timeout_ms, 500);
	cr_assert_eq(s->terminal, 0);
	cr_assert_eq(s->leak_expected, 0);
	cr_assert_null(s->tags);
	sl_scenario_free(s);
}

Test(parse, host_root_is_the_stronger_requirement_whatever_the_order)
{
	struct sl_scenario *s = parse_ok("scenario a\nrequires: host-root, root\nactors: x\nx setsid\n");
	cr_assert_eq(s->needs_root, SL_NEEDS_HOST_ROOT);
	sl_scenario_free(s);
	s = parse_ok("scenario b\nrequires: root\nactors: x\nx setsid\n");
	cr_assert_eq(s->needs_root, SL_NEEDS_ROOT);
	sl_scenario_free(s);
}

Test(parse, claims)
{
	struct sl_scenario *s = parse_ok(
		"scenario c\n"
		"claim rmid-marks: \"IPC_RMID only marks\" source: \"shmctl(2)\" kernel: agrees\n"
		"claim C2: \"a study says so\" kernel: disagrees source: \"paper, p. 3\"\n"
		"claim C3: \"bare\"\n"
		"actors: owner\n"
		"owner shmget key=IPC_PRIVATE size=1 flags=IPC_CREAT|0600 -> seg [claim C2]\n"
		"expect seg nattch=0 [claim rmid-marks]\n"
		"owner shmctl seg IPC_RMID [claim C3] = 0\n");
	cr_assert_eq(s->nclaims, 3);
	cr_assert_str_eq(s->claims[0].id, "rmid-marks");
	cr_assert_str_eq(s->claims[0].text, "IPC_RMID only marks");
	cr_assert_str_eq(s->claims[0].source, "shmctl(2)");
	cr_assert_eq(s->claims[0].kernel_agrees, 1);
	cr_assert_str_eq(s->claims[1].source, "paper, p. 3");
	cr_assert_eq(s->claims[1].kernel_agrees, 0);
	cr_assert_str_eq(s->claims[2].source, "");
	cr_assert_eq(s->claims[2].kernel_agrees, 1);
	cr_assert_eq(s->steps[0].claim, 1);
	cr_assert_eq(s->steps[1].claim, 0);
	cr_assert_eq(s->steps[2].claim, 2);
	cr_assert_eq(s->steps[2].outcome.has_value, 1);
	sl_scenario_free(s);
}

/* ---- actors -------------------------------------------------------------------- */

Test(parse, actors)
{
	struct sl_scenario *s = parse_ok(
		"scenario a\n"
		"actors: owner, stranger(uid=65534, gid=65534), workers[3]\n"
		"actors: small(rlimit-as=64M, rlimit-nofile=16), crew[2](uid=1000, gid=100)\n"
		"actors: locked(rlimit-memlock=0)\n"
		"owner setsid\n");
	cr_assert_eq(s->nactors, 9);
	cr_assert_eq(s->actors[8].has_rlimit_memlock, 1, "rlimit-memlock=0 is a limit, not 'inherit'");
	cr_assert_eq(s->actors[8].rlimit_memlock, 0);
	cr_assert_eq(s->actors[5].has_rlimit_memlock, 0);
	const struct sl_actor_def *a = s->actors;
	cr_assert_str_eq(a[0].name, "owner");
	cr_assert_eq(a[0].has_ids, 0);
	cr_assert_eq(a[0].group, 0);
	cr_assert_eq(a[0].spawned, 0);
	cr_assert_str_eq(a[1].name, "stranger");
	cr_assert_eq(a[1].has_ids, 1);
	cr_assert_eq(a[1].uid, 65534);
	cr_assert_eq(a[1].gid, 65534);
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "workers[%d]", i);
		cr_assert_str_eq(a[2 + i].name, name);
		cr_assert_eq(a[2 + i].group, 2);
	}
	cr_assert_str_eq(a[5].name, "small");
	cr_assert_eq(a[5].rlimit_as, 64L << 20);
	cr_assert_eq(a[5].rlimit_nofile, 16);
	cr_assert_eq(a[5].has_ids, 0);
	cr_assert_str_eq(a[7].name, "crew[1]");
	cr_assert_eq(a[7].group, 6);
	cr_assert_eq(a[7].uid, 1000);
	cr_assert_eq(a[7].gid, 100);
	cr_assert_eq(a[7].has_ids, 1);
	sl_scenario_free(s);
}

Test(parse, big_group)
{
	struct sl_scenario *s = parse_ok(
		"scenario big\n"
		"actors: owner, workers[10000]\n"
		"owner shmget key=auto size=4k flags=IPC_CREAT|0600 -> seg\n"
		"workers shmat seg -> a\n");
	cr_assert_eq(s->nactors, 10001);
	cr_assert_eq(s->nsteps, 10001);
	cr_assert_str_eq(s->actors[10000].name, "workers[9999]");
	binds(s, 10000, "a[9999]");
	cr_assert_str_eq(s->actors[s->steps[10000].actor].name, "workers[9999]");
	sl_scenario_free(s);
}

/* ---- groups ------------------------------------------------------------------------- */

Test(parse, group_steps_expand)
{
	struct sl_scenario *s = parse_ok(
		"scenario g\n"
		"actors: owner, workers[3]\n"
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"workers shmat seg flags=SHM_RDONLY -> a\n"
		"workers shmdt a\n"
		"workers[1] shmat seg -> b\n"
		"workers[2] shmdt a\n"
		"workers[0] shmdt a[2]\n"
		"owner shmdt a[1]\n");
	cr_assert_eq(s->nsteps, 1 + 3 + 3 + 4);
	for (int i = 0; i < 3; i++) {
		char w[32], n[32];
		snprintf(w, sizeof(w), "workers[%d]", i);
		snprintf(n, sizeof(n), "a[%d]", i);
		is_step(s, 1 + i, SL_OP_SHMAT, w, 2);
		is_num(s->steps[1 + i].args[1], SHM_RDONLY);
		binds(s, 1 + i, n);
		cr_assert_eq(s->steps[1 + i].line, 4);
		cr_assert_eq(s->steps[1 + i].col, 1);
		cr_assert_str_eq(s->steps[1 + i].text, "workers shmat seg flags=SHM_RDONLY -> a");
		is_step(s, 4 + i, SL_OP_SHMDT, w, 1);
		is_slot(s, s->steps[4 + i].args[0], n);
	}
	is_step(s, 7, SL_OP_SHMAT, "workers[1]", 2);
	binds(s, 7, "b");
	is_step(s, 8, SL_OP_SHMDT, "workers[2]", 1);
	is_slot(s, s->steps[8].args[0], "a[2]");
	is_slot(s, s->steps[9].args[0], "a[2]");
	is_step(s, 9, SL_OP_SHMDT, "workers[0]", 1);
	is_step(s, 10, SL_OP_SHMDT, "owner", 1);
	is_slot(s, s->steps[10].args[0], "a[1]");
	sl_scenario_free(s);
}

Test(parse, group_fork_and_conductor_expansion)
{
	struct sl_scenario *s = parse_ok(
		"scenario gf\n"
		"actors: owner, workers[2]\n"
		"owner shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
		"workers shmat seg -> a\n"
		"workers fork -> kids\n"
		"kids shmdt a\n"
		"kids exit 0\n"
		"wait kids\n"
		"expect workers maps attached a\n"
		"expect a nattch=1\n"
		"expect seg cpid=owner\n");
	int k0 = actor(s, "kids[0]"), k1 = actor(s, "kids[1]");
	cr_assert_eq(s->actors[k0].spawned, 1);
	cr_assert_eq(s->actors[k1].spawned, 1);
	cr_assert_eq(s->actors[k0].group, k0);
	cr_assert_eq(s->actors[k1].group, k0);
	is_step(s, 3, SL_OP_FORK, "workers[0]", 0);
	cr_assert_eq(s->steps[3].new_actor, k0);
	cr_assert_eq(s->steps[4].new_actor, k1);
	cr_assert_eq(s->steps[3].bind, SL_NO_SLOT);
	is_step(s, 5, SL_OP_SHMDT, "kids[0]", 1);
	is_slot(s, s->steps[5].args[0], "a[0]");
	is_slot(s, s->steps[6].args[0], "a[1]");
	is_step(s, 7, SL_OP_EXIT, "kids[0]", 1);
	is_step(s, 9, SL_OP_WAIT, NULL, 1);
	is_actor(s, s->steps[9].args[0], "kids[0]");
	is_actor(s, s->steps[10].args[0], "kids[1]");
	is_step(s, 11, SL_OP_EXPECT, NULL, 0);
	cr_assert_eq(s->steps[11].target, SL_TARGET_MAPS);
	is_actor(s, s->steps[11].subject, "workers[0]");
	is_slot(s, pred(s, 11, 0, SL_F_ATTACHED, SL_CMP_TRUE, 0)->value, "a[0]");
	is_actor(s, s->steps[12].subject, "workers[1]");
	is_slot(s, pred(s, 12, 0, SL_F_ATTACHED, SL_CMP_TRUE, 0)->value, "a[1]");
	is_slot(s, s->steps[13].subject, "a[0]");
	is_slot(s, s->steps[14].subject, "a[1]");
	cr_assert_eq(s->nsteps, 16);
	sl_scenario_free(s);
}

/* ---- values -------------------------------------------------------------------------- */

Test(parse, numbers_and_keys)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=0x1234 size=1M flags=IPC_CREAT|IPC_EXCL|0640 -> a\n"
		"owner shmget key=0xdeadbeef size=4k flags=01600 -> b\n"
		"owner shmget IPC_PRIVATE 2G 0 -> c\n"
		"owner shmget key = 42 size = 0 -> d\n"
		"owner shmget -1 1 -> e\n"
		"owner shmget key=auto -> f\n");
	is_num(s->steps[0].args[0], 0x1234);
	is_num(s->steps[0].args[1], 1 << 20);
	is_num(s->steps[0].args[2], IPC_CREAT | IPC_EXCL | 0640);
	is_num(s->steps[1].args[0], (int32_t)0xdeadbeefu);
	is_num(s->steps[1].args[1], 4096);
	is_num(s->steps[1].args[2], 01600);
	is_num(s->steps[2].args[0], IPC_PRIVATE);
	is_num(s->steps[2].args[1], 2LL << 30);
	is_num(s->steps[3].args[0], 42);
	is_num(s->steps[3].args[1], 0);
	is_num(s->steps[3].args[2], 0);
	is_num(s->steps[4].args[0], -1);
	is_num(s->steps[5].args[1], 0);
	cr_assert_eq(s->steps[5].nargs, 3);
	sl_scenario_free(s);
}

Test(parse, ftok_expansion)
{
	struct sl_scenario *s = parse_ok(
		"scenario f\n"
		"actors: owner, workers[2]\n"
		"owner shmget key=ftok(/some/path, 1) size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"owner ftok \"/tmp/a b\" 0x41 -> k\n"
		"owner shmget k 4096 -> seg2\n"
		"workers shmget key=ftok(\"/x\", 2) -> w\n"
		"expect seg2 key=k ctime >= time(line 3)\n");
	cr_assert_eq(s->nsteps, 1 + 1 + 1 + 1 + 4 + 1);
	is_step(s, 0, SL_OP_FTOK, "owner", 1);
	cr_assert_str_eq(s->steps[0].str, "/some/path");
	is_num(s->steps[0].args[0], 1);
	binds(s, 0, "ftok#1");
	cr_assert_eq(s->steps[0].line, 3);
	cr_assert_eq(s->steps[0].col, 18);
	cr_assert_str_eq(s->steps[0].text, s->steps[1].text);
	is_step(s, 1, SL_OP_SHMGET, "owner", 3);
	is_slot(s, s->steps[1].args[0], "ftok#1");
	binds(s, 1, "seg");
	is_step(s, 2, SL_OP_FTOK, "owner", 1);
	cr_assert_str_eq(s->steps[2].str, "/tmp/a b");
	is_num(s->steps[2].args[0], 0x41);
	binds(s, 2, "k");
	is_slot(s, s->steps[3].args[0], "k");
	/* one hidden ftok per member, each before its member's shmget */
	is_step(s, 4, SL_OP_FTOK, "workers[0]", 1);
	binds(s, 4, "ftok#2");
	is_step(s, 5, SL_OP_SHMGET, "workers[0]", 3);
	is_slot(s, s->steps[5].args[0], "ftok#2");
	binds(s, 5, "w[0]");
	is_step(s, 6, SL_OP_FTOK, "workers[1]", 1);
	is_slot(s, s->steps[7].args[0], "ftok#3");
	binds(s, 7, "w[1]");
	is_slot(s, pred(s, 8, 0, SL_F_KEY, SL_CMP_EQ, 0)->value, "k");
	/* time(line 3) is the shmget, not its hidden ftok */
	const struct sl_predicate *t = pred(s, 8, 1, SL_F_CTIME, SL_CMP_GE, 0);
	cr_assert_eq(t->value.kind, SL_VAL_STEP_TIME);
	cr_assert_eq(t->value.num, 1);
	sl_scenario_free(s);
}

/* ---- shared memory operations ------------------------------------------------------- */

Test(parse, shmat_shmdt)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"owner shmat seg -> a\n"
		"owner shmat seg flags=SHM_RDONLY|SHM_RND addr=0x7f0000000000 -> b\n"
		"owner shmat seg SHM_REMAP|SHM_EXEC a -> c\n"
		"owner shmat -1 fails EINVAL\n"
		"owner shmdt a\n"
		"owner shmdt 0x1000 fails EINVAL\n");
	is_step(s, 2, SL_OP_SHMAT, "owner", 3);
	is_num(s->steps[2].args[1], SHM_RDONLY | SHM_RND);
	is_num(s->steps[2].args[2], 0x7f0000000000LL);
	is_step(s, 3, SL_OP_SHMAT, "owner", 3);
	is_num(s->steps[3].args[1], SHM_REMAP | SHM_EXEC);
	is_slot(s, s->steps[3].args[2], "a");
	is_num(s->steps[4].args[0], -1);
	is_step(s, 5, SL_OP_SHMDT, "owner", 1);
	is_num(s->steps[6].args[0], 0x1000);
	sl_scenario_free(s);
}

Test(parse, shmctl)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"owner shmctl seg IPC_STAT = 0\n"
		"owner shmctl seg IPC_SET mode=0640\n"
		"owner shmctl seg IPC_SET uid=1000 gid=1000\n"
		"owner shmctl seg IPC_SET\n"
		"owner shmctl seg SHM_LOCK\n"
		"owner shmctl seg SHM_UNLOCK\n"
		"owner shmctl seg IPC_INFO -> maxid\n"
		"owner shmctl 0 SHM_STAT\n"
		"owner shmctl 0 SHM_INFO\n"
		"owner shmctl 0 SHM_STAT_ANY\n"
		"owner shmctl seg 99 fails EINVAL\n");
	is_step(s, 1, SL_OP_SHMCTL, "owner", 2);
	is_num(s->steps[1].args[1], IPC_STAT);
	cr_assert_eq(s->steps[1].outcome.has_value, 1);
	is_num(s->steps[1].outcome.value, 0);
	is_step(s, 2, SL_OP_SHMCTL, "owner", 5);
	is_num(s->steps[2].args[1], IPC_SET);
	is_num(s->steps[2].args[2], 0640);
	is_num(s->steps[2].args[3], -1);
	is_num(s->steps[2].args[4], -1);
	is_step(s, 3, SL_OP_SHMCTL, "owner", 5);
	is_num(s->steps[3].args[2], -1);
	is_num(s->steps[3].args[3], 1000);
	is_num(s->steps[3].args[4], 1000);
	is_step(s, 4, SL_OP_SHMCTL, "owner", 5);
	is_num(s->steps[5].args[1], SHM_LOCK);
	is_num(s->steps[6].args[1], SHM_UNLOCK);
	is_num(s->steps[7].args[1], IPC_INFO);
	binds(s, 7, "maxid");
	is_num(s->steps[8].args[1], SHM_STAT);
	is_num(s->steps[9].args[1], SHM_INFO);
	is_num(s->steps[10].args[1], SHM_STAT_ANY);
	is_step(s, 11, SL_OP_SHMCTL, "owner", 2);
	is_num(s->steps[11].args[1], 99);
	sl_scenario_free(s);
}

Test(parse, write_and_read)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=8k flags=IPC_CREAT|0600 -> seg\n"
		"owner shmat seg -> a\n"
		"owner write a \"hi\\n\\t\\\\\\\"\\x41\\0\"\n"
		"owner write a+16 0xdeadbeef\n"
		"owner write a + 0x10 bytes=4096 fill=0xAB\n"
		"owner write a bytes=3\n"
		"owner read a+4k zeros=4096\n"
		"owner read a \"hi\"\n"
		"owner write 0 \"x\" dies SIGSEGV\n");
	is_step(s, 2, SL_OP_WRITE, "owner", 2);
	is_slot(s, s->steps[2].args[0], "a");
	is_num(s->steps[2].args[1], 0);
	cr_assert_eq(s->steps[2].nbytes, 8);
	cr_assert_eq(memcmp(s->steps[2].bytes, "hi\n\t\\\"A\0", 8), 0);
	is_num(s->steps[3].args[1], 16);
	cr_assert_eq(s->steps[3].nbytes, 4);
	cr_assert_eq(memcmp(s->steps[3].bytes, "\xde\xad\xbe\xef", 4), 0);
	is_num(s->steps[4].args[1], 16);
	cr_assert_eq(s->steps[4].nbytes, 4096);
	cr_assert_eq(s->steps[4].bytes[0], 0xab);
	cr_assert_eq(s->steps[4].bytes[4095], 0xab);
	cr_assert_eq(s->steps[5].nbytes, 3);
	cr_assert_eq(s->steps[5].bytes[2], 0);
	is_step(s, 6, SL_OP_READ, "owner", 2);
	is_num(s->steps[6].args[1], 4096);
	cr_assert_eq(s->steps[6].nbytes, 4096);
	cr_assert_eq(s->steps[6].bytes[100], 0);
	cr_assert_eq(s->steps[7].nbytes, 2);
	cr_assert_eq(memcmp(s->steps[7].bytes, "hi", 2), 0);
	is_num(s->steps[8].args[0], 0);
	cr_assert_eq(s->steps[8].outcome.kind, SL_EXPECT_DIES);
	cr_assert_eq(s->steps[8].outcome.signal, SIGSEGV);
	sl_scenario_free(s);
}

/* ---- outcomes ---------------------------------------------------------------------------- */

Test(parse, outcomes)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"owner shmget key=auto size=4096 flags=IPC_CREAT|IPC_EXCL|0600 fails EEXIST\n"
		"owner shmat seg fails EINVAL|EIDRM|EACCES\n"
		"owner shmat seg dies\n"
		"owner shmat seg dies SIGBUS\n"
		"owner shmat seg any\n"
		"owner shmctl seg IPC_STAT returns 0\n"
		"owner getsid = owner\n"
		"owner getsid peer returns peer\n"
		"owner shmctl seg IPC_RMID fails 22\n"
		"owner shmat seg -> a any\n");
	cr_assert_eq(s->steps[1].outcome.kind, SL_EXPECT_FAILS);
	cr_assert_eq(s->steps[1].outcome.errnos[0], EEXIST);
	cr_assert_eq(s->steps[1].bind, SL_NO_SLOT);
	const struct sl_outcome_spec *o = &s->steps[2].outcome;
	cr_assert_eq(o->n_errnos, 3);
	cr_assert_eq(o->errnos[0], EINVAL);
	cr_assert_eq(o->errnos[1], EIDRM);
	cr_assert_eq(o->errnos[2], EACCES);
	cr_assert_eq(s->steps[3].outcome.kind, SL_EXPECT_DIES);
	cr_assert_eq(s->steps[3].outcome.signal, 0);
	cr_assert_eq(s->steps[4].outcome.signal, SIGBUS);
	cr_assert_eq(s->steps[5].outcome.kind, SL_EXPECT_ANY);
	cr_assert_eq(s->steps[6].outcome.kind, SL_EXPECT_SUCCESS);
	cr_assert_eq(s->steps[6].outcome.has_value, 1);
	is_num(s->steps[6].outcome.value, 0);
	is_actor(s, s->steps[7].outcome.value, "owner");
	is_num(s->steps[7].args[0], 0);
	is_actor(s, s->steps[8].args[0], "peer");
	is_actor(s, s->steps[8].outcome.value, "peer");
	cr_assert_eq(s->steps[9].outcome.errnos[0], 22);
	cr_assert_eq(s->steps[10].outcome.kind, SL_EXPECT_ANY);
	binds(s, 10, "a");
	sl_scenario_free(s);
}

/* ---- processes and sessions ------------------------------------------------------------- */

Test(parse, process_operations)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner fork -> child\n"
		"child exit 3\n"
		"peer exit\n"
		"owner kill peer SIGTERM\n"
		"owner kill child 0\n"
		"peer crash SIGRTMIN+2\n"
		"peer crash 9\n"
		"owner exec /bin/sh -c \"exit 3\" env FOO=bar BAZ=\"a b\" exits 3\n"
		"owner exec /bin/true --opt=x a\"b c\"d\n"
		"owner exec /bin/false dies SIGABRT\n"
		"owner exec /nonexistent fails ENOENT\n");
	int c = actor(s, "child");
	cr_assert_eq(s->actors[c].spawned, 1);
	cr_assert_eq(s->actors[c].group, c);
	is_step(s, 0, SL_OP_FORK, "owner", 0);
	cr_assert_eq(s->steps[0].new_actor, c);
	cr_assert_eq(s->steps[0].bind, SL_NO_SLOT);
	cr_assert_eq(s->nslots, 0);
	is_step(s, 1, SL_OP_EXIT, "child", 1);
	is_num(s->steps[1].args[0], 3);
	cr_assert_eq(s->steps[1].outcome.kind, SL_EXPECT_EXITS);
	cr_assert_eq(s->steps[1].outcome.status, 3);
	is_num(s->steps[2].args[0], 0);
	cr_assert_eq(s->steps[2].outcome.status, 0);
	is_step(s, 3, SL_OP_KILL, "owner", 2);
	is_actor(s, s->steps[3].args[0], "peer");
	is_num(s->steps[3].args[1], SIGTERM);
	is_num(s->steps[4].args[1], 0);
	is_num(s->steps[5].args[0], SIGRTMIN + 2);
	cr_assert_eq(s->steps[5].outcome.signal, SIGRTMIN + 2);
	is_num(s->steps[6].args[0], 9);

	const struct sl_step *e = &s->steps[7];
	is_step(s, 7, SL_OP_EXEC, "owner", 0);
	cr_assert_str_eq(e->argv[0], "/bin/sh");
	cr_assert_str_eq(e->argv[1], "-c");
	cr_assert_str_eq(e->argv[2], "exit 3");
	cr_assert_null(e->argv[3]);
	cr_assert_str_eq(e->envp[0], "FOO=bar");
	cr_assert_str_eq(e->envp[1], "BAZ=a b");
	cr_assert_null(e->envp[2]);
	cr_assert_eq(e->outcome.kind, SL_EXPECT_EXITS);
	cr_assert_eq(e->outcome.status, 3);
	e = &s->steps[8];
	cr_assert_str_eq(e->argv[1], "--opt=x");
	cr_assert_str_eq(e->argv[2], "ab cd");
	cr_assert_null(e->argv[3]);
	cr_assert_null(e->envp);
	cr_assert_eq(e->outcome.kind, SL_EXPECT_EXITS);
	cr_assert_eq(e->outcome.status, 0);
	cr_assert_eq(s->steps[9].outcome.kind, SL_EXPECT_DIES);
	cr_assert_eq(s->steps[9].outcome.signal, SIGABRT);
	cr_assert_eq(s->steps[10].outcome.kind, SL_EXPECT_FAILS);
	sl_scenario_free(s);
}

Test(parse, session_operations)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner setsid -> sid\n"
		"owner setpgid 0 owner\n"
		"owner setpgid\n"
		"owner getsid -> s0\n"
		"owner umask 022 -> old\n"
		"owner chdir /\n"
		"owner close-fds\n"
		"owner null-stdio\n"
		"owner open /dev/tty flags=O_RDWR|O_NOCTTY -> fd\n"
		"owner open \"/tmp/f\" O_CREAT|O_WRONLY 0644\n"
		"owner fork-detach\n"
		"owner daemon 1 0\n"
		"owner daemon\n");
	is_step(s, 0, SL_OP_SETSID, "owner", 0);
	binds(s, 0, "sid");
	is_step(s, 1, SL_OP_SETPGID, "owner", 2);
	is_num(s->steps[1].args[0], 0);
	is_actor(s, s->steps[1].args[1], "owner");
	is_num(s->steps[2].args[0], 0);
	is_num(s->steps[2].args[1], 0);
	is_step(s, 3, SL_OP_GETSID, "owner", 1);
	is_num(s->steps[3].args[0], 0);
	is_step(s, 4, SL_OP_UMASK, "owner", 1);
	is_num(s->steps[4].args[0], 022);
	binds(s, 4, "old");
	is_step(s, 5, SL_OP_CHDIR, "owner", 0);
	cr_assert_str_eq(s->steps[5].str, "/");
	is_step(s, 6, SL_OP_CLOSE_FDS, "owner", 0);
	is_step(s, 7, SL_OP_NULL_STDIO, "owner", 0);
	is_step(s, 8, SL_OP_OPEN, "owner", 1);
	cr_assert_str_eq(s->steps[8].str, "/dev/tty");
	is_num(s->steps[8].args[0], O_RDWR | O_NOCTTY);
	binds(s, 8, "fd");
	is_step(s, 9, SL_OP_OPEN, "owner", 2);
	is_num(s->steps[9].args[0], O_CREAT | O_WRONLY);
	is_num(s->steps[9].args[1], 0644);
	is_step(s, 10, SL_OP_FORK_DETACH, "owner", 0);
	is_step(s, 11, SL_OP_DAEMON, "owner", 2);
	is_num(s->steps[11].args[0], 1);
	is_num(s->steps[11].args[1], 0);
	is_num(s->steps[12].args[0], 0);
	sl_scenario_free(s);
}

Test(parse, conductor_steps)
{
	struct sl_scenario *s = parse_ok(
		"scenario c\n"
		"terminal: pty\n"
		"actors: owner\n"
		"sysctl kernel.shmmni = 1\n"
		"sysctl kernel.shm_rmid_forced = 2 fails EINVAL\n"
		"wait owner\n"
		"hangup\n"
		"key ^C\n"
		"key ^\\\n"
		"key ^z\n"
		"key \"q\"\n"
		"key 4\n");
	is_step(s, 0, SL_OP_SYSCTL, NULL, 0);
	cr_assert_str_eq(s->steps[0].str, "kernel.shmmni");
	cr_assert_str_eq(s->steps[0].str2, "1");
	cr_assert_eq(s->steps[1].outcome.kind, SL_EXPECT_FAILS);
	is_step(s, 2, SL_OP_WAIT, NULL, 1);
	is_actor(s, s->steps[2].args[0], "owner");
	is_step(s, 3, SL_OP_HANGUP, NULL, 0);
	is_step(s, 4, SL_OP_TTY_KEY, NULL, 1);
	is_num(s->steps[4].args[0], 3);
	is_num(s->steps[5].args[0], 28);
	is_num(s->steps[6].args[0], 26);
	is_num(s->steps[7].args[0], 'q');
	is_num(s->steps[8].args[0], 4);
	sl_scenario_free(s);
}

/* `wait past time(...)` waits for the clock; an actor named past is still
 * waited for by `wait past`, a group named past as a group. */
Test(parse, wait_past_a_steps_time_and_an_actor_named_past)
{
	struct sl_scenario *s = parse_ok(
		"scenario c\n"
		"actors: owner, past, later[2]\n"
		"owner shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
		"wait past time(seg)\n"
		"wait past time(line 3)\n"
		"wait past\n"
		"wait later\n");
	is_step(s, 1, SL_OP_WAIT, NULL, 1);
	cr_assert_eq(s->steps[1].args[0].kind, SL_VAL_STEP_TIME);
	cr_assert_eq(s->steps[1].args[0].num, 0, "time(seg) is the time of step 0");
	cr_assert_eq(s->steps[2].args[0].kind, SL_VAL_STEP_TIME);
	cr_assert_eq(s->steps[2].args[0].num, 0, "time(line 3) is the time of step 0");
	is_step(s, 3, SL_OP_WAIT, NULL, 1);
	is_actor(s, s->steps[3].args[0], "past");
	is_actor(s, s->steps[4].args[0], "later[0]");
	is_actor(s, s->steps[5].args[0], "later[1]");
	cr_assert_eq(s->nsteps, 6);
	sl_scenario_free(s);
}

/* ---- expectations ------------------------------------------------------------------------- */

Test(parse, expect_segment)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"owner shmat seg -> a\n"
		"expect seg exists !dest not locked ipcs-dest key=auto ipcs-key!=0 size=4k perms=0600\n"
		"expect seg cpid=owner lpid!=peer nattch>=1 ipcs-nattch<2 uid=0 gid<=0 cuid>-1 cgid=0\n"
		"expect seg atime >= time(a) dtime=0 ctime < time(line 3) rss>0 swap=0 mode=01600 shmid=seg\n"
		"expect seg mode=SHM_DEST|SHM_LOCKED|0600\n");
	cr_assert_eq(s->steps[2].npreds, 8);
	pred(s, 2, 0, SL_F_EXISTS, SL_CMP_TRUE, 0);
	pred(s, 2, 1, SL_F_DEST, SL_CMP_TRUE, 1);
	pred(s, 2, 2, SL_F_LOCKED, SL_CMP_TRUE, 1);
	pred(s, 2, 3, SL_F_IPCS_DEST, SL_CMP_TRUE, 0);
	cr_assert_eq(pred(s, 2, 4, SL_F_KEY, SL_CMP_EQ, 0)->value.kind, SL_VAL_AUTO_KEY);
	is_num(pred(s, 2, 5, SL_F_IPCS_KEY, SL_CMP_NE, 0)->value, 0);
	is_num(pred(s, 2, 6, SL_F_SIZE, SL_CMP_EQ, 0)->value, 4096);
	is_num(pred(s, 2, 7, SL_F_PERMS, SL_CMP_EQ, 0)->value, 0600);
	is_actor(s, pred(s, 3, 0, SL_F_CPID, SL_CMP_EQ, 0)->value, "owner");
	is_actor(s, pred(s, 3, 1, SL_F_LPID, SL_CMP_NE, 0)->value, "peer");
	is_num(pred(s, 3, 2, SL_F_NATTCH, SL_CMP_GE, 0)->value, 1);
	pred(s, 3, 3, SL_F_IPCS_NATTCH, SL_CMP_LT, 0);
	pred(s, 3, 4, SL_F_UID, SL_CMP_EQ, 0);
	pred(s, 3, 5, SL_F_GID, SL_CMP_LE, 0);
	is_num(pred(s, 3, 6, SL_F_CUID, SL_CMP_GT, 0)->value, -1);
	pred(s, 3, 7, SL_F_CGID, SL_CMP_EQ, 0);
	const struct sl_predicate *t = pred(s, 4, 0, SL_F_ATIME, SL_CMP_GE, 0);
	cr_assert_eq(t->value.kind, SL_VAL_STEP_TIME);
	cr_assert_eq(t->value.num, 1);
	pred(s, 4, 1, SL_F_DTIME, SL_CMP_EQ, 0);
	t = pred(s, 4, 2, SL_F_CTIME, SL_CMP_LT, 0);
	cr_assert_eq(t->value.kind, SL_VAL_STEP_TIME);
	cr_assert_eq(t->value.num, 0);
	pred(s, 4, 3, SL_F_RSS, SL_CMP_GT, 0);
	pred(s, 4, 4, SL_F_SWAP, SL_CMP_EQ, 0);
	is_num(pred(s, 4, 5, SL_F_MODE, SL_CMP_EQ, 0)->value, 01600);
	is_slot(s, pred(s, 4, 6, SL_F_SHMID, SL_CMP_EQ, 0)->value, "seg");
	is_num(pred(s, 5, 0, SL_F_MODE, SL_CMP_EQ, 0)->value, SHM_DEST | SHM_LOCKED | 0600);
	sl_scenario_free(s);
}

Test(parse, expect_namespace_and_maps)
{
	struct sl_scenario *s = parse_ok(HEAD
		"owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"
		"owner shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg2\n"
		"expect namespace segments=2, shmmni=4096 shmmax>0 shmall>0 shm_rmid_forced=0\n"
		"expect owner maps attached seg, not attached seg2, attachments=1, mapped-deleted seg\n"
		"expect peer maps detached seg !mapped-deleted seg2 mapped-key=0xdeadbeef\n");
	is_step(s, 2, SL_OP_EXPECT, NULL, 0);
	cr_assert_eq(s->steps[2].target, SL_TARGET_NAMESPACE);
	cr_assert_eq(s->steps[2].subject.kind, SL_VAL_NONE);
	is_num(pred(s, 2, 0, SL_F_SEGMENTS, SL_CMP_EQ, 0)->value, 2);
	pred(s, 2, 1, SL_F_SHMMNI, SL_CMP_EQ, 0);
	pred(s, 2, 2, SL_F_SHMMAX, SL_CMP_GT, 0);
	pred(s, 2, 3, SL_F_SHMALL, SL_CMP_GT, 0);
	pred(s, 2, 4, SL_F_RMID_FORCED, SL_CMP_EQ, 0);
	cr_assert_eq(s->steps[3].target, SL_TARGET_MAPS);
	is_actor(s, s->steps[3].subject, "owner");
	cr_assert_eq(s->steps[3].npreds, 4);
	is_slot(s, pred(s, 3, 0, SL_F_ATTACHED, SL_CMP_TRUE, 0)->value, "seg");
	is_slot(s, pred(s, 3, 1, SL_F_ATTACHED, SL_CMP_TRUE, 1)->value, "seg2");
	is_num(pred(s, 3, 2, SL_F_ATTACHMENTS, SL_CMP_EQ, 0)->value, 1);
	is_slot(s, pred(s, 3, 3, SL_F_MAPPED_DELETED, SL_CMP_TRUE, 0)->value, "seg");
	pred(s, 4, 0, SL_F_DETACHED, SL_CMP_TRUE, 0);
	pred(s, 4, 1, SL_F_MAPPED_DELETED, SL_CMP_TRUE, 1);
	is_num(pred(s, 4, 2, SL_F_MAPPED_KEY, SL_CMP_EQ, 0)->value, (int32_t)0xdeadbeefu);
	sl_scenario_free(s);
}

Test(parse, expect_process)
{
	struct sl_scenario *s = parse_ok(HEAD
		"expect owner alive sid=owner sid!=peer tty_nr=0 tty_nr!=0 cwd=/ umask=0 nfds=3\n"
		"expect owner fd0=/dev/null fd12!=\"/dev/pts/0\" devtty=ENXIO devtty=0 ppid=1 pgid=peer\n"
		"expect peer dead killed=SIGKILL exited=0 !alive pid>0 tpgid=-1 puid=0 pgid-gid=0\n"
		"expect peer sig-ignored=SIGHUP sig-caught=15 sig-received=SIGUSR1 umask=022\n");
	cr_assert_eq(s->steps[0].target, SL_TARGET_PROCESS);
	is_actor(s, s->steps[0].subject, "owner");
	pred(s, 0, 0, SL_F_ALIVE, SL_CMP_TRUE, 0);
	is_actor(s, pred(s, 0, 1, SL_F_SID, SL_CMP_EQ, 0)->value, "owner");
	is_actor(s, pred(s, 0, 2, SL_F_SID, SL_CMP_NE, 0)->value, "peer");
	is_num(pred(s, 0, 3, SL_F_TTY_NR, SL_CMP_EQ, 0)->value, 0);
	is_num(pred(s, 0, 4, SL_F_TTY_NR, SL_CMP_NE, 0)->value, 0);
	const struct sl_predicate *p = pred(s, 0, 5, SL_F_CWD, SL_CMP_EQ, 0);
	cr_assert_str_eq(p->str, "/");
	is_num(pred(s, 0, 6, SL_F_UMASK, SL_CMP_EQ, 0)->value, 0);
	is_num(pred(s, 0, 7, SL_F_NFDS, SL_CMP_EQ, 0)->value, 3);
	p = pred(s, 1, 0, SL_F_FD, SL_CMP_EQ, 0);
	cr_assert_eq(p->fd, 0);
	cr_assert_str_eq(p->str, "/dev/null");
	p = pred(s, 1, 1, SL_F_FD, SL_CMP_NE, 0);
	cr_assert_eq(p->fd, 12);
	cr_assert_str_eq(p->str, "/dev/pts/0");
	is_num(pred(s, 1, 2, SL_F_DEVTTY_ERRNO, SL_CMP_EQ, 0)->value, ENXIO);
	is_num(pred(s, 1, 3, SL_F_DEVTTY_ERRNO, SL_CMP_EQ, 0)->value, 0);
	is_num(pred(s, 1, 4, SL_F_PPID, SL_CMP_EQ, 0)->value, 1);
	is_actor(s, pred(s, 1, 5, SL_F_PGID, SL_CMP_EQ, 0)->value, "peer");
	pred(s, 2, 0, SL_F_DEAD, SL_CMP_TRUE, 0);
	is_num(pred(s, 2, 1, SL_F_KILLED_BY, SL_CMP_EQ, 0)->value, SIGKILL);
	is_num(pred(s, 2, 2, SL_F_EXIT_STATUS, SL_CMP_EQ, 0)->value, 0);
	pred(s, 2, 3, SL_F_ALIVE, SL_CMP_TRUE, 1);
	pred(s, 2, 4, SL_F_PID, SL_CMP_GT, 0);
	is_num(pred(s, 2, 5, SL_F_TPGID, SL_CMP_EQ, 0)->value, -1);
	pred(s, 2, 6, SL_F_PUID, SL_CMP_EQ, 0);
	pred(s, 2, 7, SL_F_PGID_GID, SL_CMP_EQ, 0);
	is_num(pred(s, 3, 0, SL_F_SIG_IGNORED, SL_CMP_EQ, 0)->value, SIGHUP);
	is_num(pred(s, 3, 1, SL_F_SIG_CAUGHT, SL_CMP_EQ, 0)->value, 15);
	is_num(pred(s, 3, 2, SL_F_SIG_RECEIVED, SL_CMP_EQ, 0)->value, SIGUSR1);
	is_num(pred(s, 3, 3, SL_F_UMASK, SL_CMP_EQ, 0)->value, 022);
	sl_scenario_free(s);
}

/* ---- the daemon story of issue 5, end to end -------------------------------------------- */

Test(parse, daemon_story)
{
	struct sl_scenario *s = parse_ok(
		"scenario daemonize\n"
		"terminal: pty\n"
		"actors: shell\n"
		"shell fork -> d\n"
		"d fork-detach\n"
		"d setsid = d\n"
		"d fork-detach\n"
		"d chdir /\n"
		"d umask 0\n"
		"d null-stdio\n"
		"expect d alive sid!=d tty_nr=0 cwd=/ umask=0 fd0=/dev/null devtty=ENXIO\n"
		"hangup\n"
		"expect d alive\n");
	cr_assert_eq(s->nsteps, 10);
	cr_assert_eq(s->nactors, 2);
	is_actor(s, s->steps[2].outcome.value, "d");
	cr_assert_eq(s->steps[7].target, SL_TARGET_PROCESS);
	cr_assert_eq(s->steps[7].npreds, 7);
	sl_scenario_free(s);
}

/* ---- files and diagnostics ---------------------------------------------------------- */

Test(parse, from_file)
{
	char path[] = "/tmp/test_parse_XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	const char *text = "scenario file\r\nactors: owner\r\nowner setsid\r\n";
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(path, &d);
	unlink(path);
	cr_assert_not_null(s);
	cr_assert_eq(d.n, 0);
	cr_assert_str_eq(s->file, path);
	cr_assert_str_eq(s->name, "file");
	cr_assert_str_eq(s->steps[0].text, "owner setsid");
	sl_scenario_free(s);
}

Test(parse, missing_file)
{
	struct sl_diags d = { 0 };
	cr_assert_null(sl_parse_file("/nonexistent/x.scn", &d));
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].file, "/nonexistent/x.scn");
	cr_assert_str_eq(d.v[0].msg, "cannot read: No such file or directory");
	sl_diags_free(&d);
	cr_assert_eq(d.n, 0);
	cr_assert_null(d.v);
}

Test(parse, diags_accumulate)
{
	struct sl_diags d = { 0 };
	cr_assert_null(sl_parse_string("scenario a\nowner setsid\n", "one.scn", &d));
	cr_assert_null(sl_parse_string("scenario b\nfoo: 1\n", "two.scn", &d));
	cr_assert_eq(d.n, 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	sl_diags_print(&d, f);
	fclose(f);
	cr_assert_str_eq(buf, "one.scn:2:1: unknown actor 'owner'\n"
			      "two.scn:2:1: unknown header 'foo'\n");
	free(buf);
	sl_diags_free(&d);
}

Test(parse, null_arguments)
{
	struct sl_diags d = { 0 };
	cr_assert_null(sl_parse_string(NULL, NULL, &d));
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].msg, "no script text");
	sl_diags_free(&d);
	/* no diagnostics list at all: still no scenario, no crash */
	cr_assert_null(sl_parse_string("scenario\n", "x", NULL));
	struct sl_scenario *s = sl_parse_string("scenario x\nactors: a\na setsid\n", NULL, NULL);
	cr_assert_not_null(s);
	cr_assert_str_eq(s->file, "<script>");
	sl_scenario_free(s);
}
