/* test_engine_lifecycles.c - the engine runs the lifecycles shmlife is named
 * for against the real kernel, built through the C API, and the tests assert
 * the kernel's answers found in the trace. */
#include <errno.h>
#include <signal.h>

#include "engine_fixture.h"

struct two { struct sl_scenario *s; int owner, peer, seg, a, b; };

/* owner creates and attaches, peer attaches. */
static struct two two_attached(const char *name)
{
	struct two t;
	t.s = sl_scenario_new(name);
	t.owner = sl_scenario_add_actor(t.s, "owner");
	t.peer = sl_scenario_add_actor(t.s, "peer");
	t.seg = sl_scenario_add_slot(t.s, "seg");
	t.a = sl_scenario_add_slot(t.s, "a");
	t.b = sl_scenario_add_slot(t.s, "b");
	sl_add_shmget(t.s, t.owner, sl_auto_key(), 4096, IPC_CREAT | IPC_EXCL | 0600, t.seg);
	sl_add_shmat(t.s, t.owner, t.seg, 0, t.a);
	sl_add_shmat(t.s, t.peer, t.seg, 0, t.b);
	return t;
}

Test(lifecycle, double_rmid_on_attached_segment_only_marks_it)
{
	struct two t = two_attached("double-rmid");
	sl_add_shmctl(t.s, t.owner, t.seg, IPC_RMID);
	int first = LAST_STEP(t.s);
	sl_add_expect(t.s, SL_TARGET_SEGMENT, sl_slot(t.seg));
	int marked = LAST_STEP(t.s);
	sl_add_shmctl(t.s, t.peer, t.seg, IPC_RMID);
	int second = LAST_STEP(t.s);
	sl_add_shmdt(t.s, t.owner, t.a);
	sl_add_crash(t.s, t.peer, SIGKILL);
	sl_step_add_pred(sl_add_expect(t.s, SL_TARGET_SEGMENT, sl_slot(t.seg)), SL_F_GONE, SL_CMP_TRUE, sl_num(0));
	int gone = LAST_STEP(t.s);
	sl_step_expect_errno(sl_add_shmctl(t.s, t.owner, t.seg, IPC_RMID), EINVAL);
	int third = LAST_STEP(t.s);

	struct sl_result r = run_scenario(t.s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, first)->err, 0, "the first IPC_RMID succeeds");
	cr_assert_eq(entry_of(&r, second)->err, 0, "the second IPC_RMID succeeds too");
	const struct sl_segment_obs *o = &entry_of(&r, marked)->obs.seg;
	cr_assert(o->stat.present && o->proc.present);
	cr_assert_eq(o->stat.nattch, 2);
	cr_assert(o->stat.mode & SHM_DEST, "SHM_DEST is set");
	cr_assert_eq(o->stat.key, 0, "the key reads 0 once marked");
	cr_assert(!entry_of(&r, gone)->obs.seg.stat.present, "destroyed when the last attacher died");
	cr_assert_eq(entry_of(&r, third)->err, EINVAL);
	sl_result_free(&r);
	sl_scenario_free(t.s);
}

Test(lifecycle, rmid_on_unattached_segment_destroys_it_and_second_fails_einval)
{
	struct sl_scenario *s = sl_scenario_new("rmid-unattached");
	int owner = sl_scenario_add_actor(s, "owner"), seg = sl_scenario_add_slot(s, "seg");
	sl_add_shmget(s, owner, sl_num(IPC_PRIVATE), 4096, IPC_CREAT | 0600, seg);
	sl_add_shmctl(s, owner, seg, IPC_RMID);
	sl_step_add_pred(sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg)), SL_F_GONE, SL_CMP_TRUE, sl_num(0));
	sl_step_expect_errno(sl_add_shmctl(s, owner, seg, IPC_RMID), EINVAL);
	int second = LAST_STEP(s);
	struct sl_result r = run_scenario(s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, second)->ret, -1);
	cr_assert_eq(entry_of(&r, second)->err, EINVAL);
	sl_result_free(&r);
	sl_scenario_free(s);
}

Test(lifecycle, sigkilled_actor_drops_nattch_and_sets_lpid)
{
	struct two t = two_attached("crash-attached");
	sl_add_write(t.s, t.peer, t.b, 0, "kept", 4);
	sl_add_crash(t.s, t.peer, SIGKILL);
	int crash = LAST_STEP(t.s);
	struct sl_step *e = sl_add_expect(t.s, SL_TARGET_SEGMENT, sl_slot(t.seg));
	sl_step_add_pred(e, SL_F_NATTCH, SL_CMP_EQ, sl_num(1));
	sl_step_add_pred(e, SL_F_LPID, SL_CMP_EQ, sl_actor(t.peer));
	int after = LAST_STEP(t.s);
	sl_add_read(t.s, t.owner, t.a, 0, "kept", 4);
	sl_add_shmctl(t.s, t.owner, t.seg, IPC_RMID);
	struct sl_result r = run_scenario(t.s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, crash)->signal, SIGKILL);
	const struct sl_segment_obs *o = &entry_of(&r, after)->obs.seg;
	cr_assert_eq(o->stat.nattch, 1);
	cr_assert_eq(o->stat.lpid, entry_of(&r, crash)->pid, "lpid is the dead actor's pid");
	cr_assert_geq(o->stat.dtime, entry_of(&r, crash)->wall_sec, "dtime set by the death");
	sl_result_free(&r);
	sl_scenario_free(t.s);
}

Test(lifecycle, reattach_by_id_after_rmid_while_another_holds_it)
{
	struct two t = two_attached("reattach-after-rmid");
	sl_add_shmctl(t.s, t.owner, t.seg, IPC_RMID);
	sl_add_shmdt(t.s, t.owner, t.a);
	sl_add_shmat(t.s, t.owner, t.seg, 0, t.a);
	int reattach = LAST_STEP(t.s);
	sl_step_add_pred(sl_add_expect(t.s, SL_TARGET_SEGMENT, sl_slot(t.seg)), SL_F_NATTCH, SL_CMP_EQ, sl_num(2));
	int seen = LAST_STEP(t.s);
	/* the key no longer finds it */
	int again = sl_scenario_add_slot(t.s, "again");
	sl_step_expect_errno(sl_add_shmget(t.s, t.peer, sl_auto_key(), 4096, 0600, again), ENOENT);
	int lookup = LAST_STEP(t.s);
	struct sl_result r = run_scenario(t.s, 0);
	assert_passed(r);
	cr_assert_eq(entry_of(&r, reattach)->err, 0, "Linux lets a detached process attach a marked segment by id");
	cr_assert_gt(entry_of(&r, reattach)->ret, 0);
	cr_assert_eq(entry_of(&r, seen)->obs.seg.stat.nattch, 2);
	cr_assert(entry_of(&r, seen)->obs.seg.stat.mode & SHM_DEST);
	cr_assert_eq(entry_of(&r, lookup)->err, ENOENT);
	sl_result_free(&r);
	sl_scenario_free(t.s);
}

Test(lifecycle, key_reads_zero_in_every_view_after_removal)
{
	struct two t = two_attached("key-reads-zero");
	sl_add_shmctl(t.s, t.owner, t.seg, IPC_RMID);
	struct sl_step *e = sl_add_expect(t.s, SL_TARGET_SEGMENT, sl_slot(t.seg));
	sl_step_add_pred(e, SL_F_KEY, SL_CMP_EQ, sl_num(0));
	sl_step_add_pred(e, SL_F_IPCS_KEY, SL_CMP_EQ, sl_num(0));
	sl_step_add_pred(e, SL_F_IPCS_DEST, SL_CMP_TRUE, sl_num(0));
	int seg = LAST_STEP(t.s);
	e = sl_add_expect(t.s, SL_TARGET_MAPS, sl_actor(t.peer));
	sl_step_add_pred(e, SL_F_MAPPED_DELETED, SL_CMP_TRUE, sl_slot(t.seg));
	int maps = LAST_STEP(t.s);
	struct sl_result r = run_scenario(t.s, 0);
	assert_passed(r);
	const struct sl_segment_obs *o = &entry_of(&r, seg)->obs.seg;
	cr_assert_eq(o->stat.key, 0);
	cr_assert_eq(o->proc.key, 0);
	cr_assert(o->ipcs_run && o->ipcs_present);
	cr_assert_eq(o->ipcs_key, 0);
	cr_assert(o->ipcs_dest);
	const struct sl_maps_obs *m = &entry_of(&r, maps)->obs.maps;
	cr_assert_eq(m->n, 1);
	cr_assert(m->map[0].deleted, "/proc/PID/maps says (deleted)");
	cr_assert_neq(m->map[0].key, 0, "the maps name keeps the old key");
	cr_assert_eq(m->map[0].shmid, o->stat.shmid, "the inode column is the shmid");
	sl_result_free(&r);
	sl_scenario_free(t.s);
}
