/* build.h - short builders for scenarios written in C.
 *
 * Each call appends one step to the scenario and returns it (so that its
 * outcome can be adjusted: sl_step_expect_errno, sl_step_expect_signal), or
 * NULL when out of memory.  Slots and actors are the indices returned by
 * sl_scenario_add_slot / sl_scenario_add_actor.
 *
 *     int owner = sl_scenario_add_actor(s, "owner");
 *     int seg = sl_scenario_add_slot(s, "seg"), a = sl_scenario_add_slot(s, "a");
 *     sl_add_shmget(s, owner, sl_auto_key(), 4096, IPC_CREAT | 0600, seg);
 *     sl_add_shmat(s, owner, seg, 0, a);
 *     sl_add_shmctl(s, owner, seg, IPC_RMID);
 *     struct sl_step *e = sl_add_expect(s, SL_TARGET_SEGMENT, sl_slot(seg));
 *     sl_step_add_pred(e, SL_F_DEST, SL_CMP_TRUE, sl_num(0));
 */
#ifndef SHMLIFE_BUILD_H
#define SHMLIFE_BUILD_H

#include "shmlife/scenario.h"

struct sl_step *sl_add_shmget(struct sl_scenario *s, int actor, struct sl_value key, long long size,
			      int flags, int bind);
struct sl_step *sl_add_shmat(struct sl_scenario *s, int actor, int seg_slot, int flags, int bind);
struct sl_step *sl_add_shmdt(struct sl_scenario *s, int actor, int addr_slot);
struct sl_step *sl_add_shmctl(struct sl_scenario *s, int actor, int seg_slot, int cmd);
struct sl_step *sl_add_write(struct sl_scenario *s, int actor, int addr_slot, long long offset,
			     const void *bytes, size_t n);
struct sl_step *sl_add_read(struct sl_scenario *s, int actor, int addr_slot, long long offset,
			    const void *expected, size_t n);
/* The child becomes a new actor named `child`; *child_actor gets its index. */
struct sl_step *sl_add_fork(struct sl_scenario *s, int actor, const char *child, int *child_actor);
struct sl_step *sl_add_exit(struct sl_scenario *s, int actor, int status);
struct sl_step *sl_add_crash(struct sl_scenario *s, int actor, int sig); /* expects death by sig */
struct sl_step *sl_add_exec(struct sl_scenario *s, int actor, const char *const argv[]);
struct sl_step *sl_add_sysctl(struct sl_scenario *s, const char *name, const char *value);
/* An expectation; add predicates with sl_step_add_pred.  `subject` is a
 * segment slot (sl_slot), an actor (sl_actor), or nothing for the namespace. */
struct sl_step *sl_add_expect(struct sl_scenario *s, enum sl_target_kind target, struct sl_value subject);

#endif
