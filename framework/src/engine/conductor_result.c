/* conductor_result.c - what an actor's own shmctl filled in (IPC_STAT,
 * SHM_STAT, SHM_STAT_ANY, IPC_INFO, SHM_INFO): the record the actor sent
 * with its answer goes on the step's entry (SL_OBS_SHMCTL), is kept under
 * the name the step binds (`-> st`, for `expect st nattch=2`), and is
 * compared with the kernel's own answer to the same question, read at
 * once by the raw system call.  The actor's call went through its C
 * library, the thing under test; where the two differ, and the kernel's
 * answer is the same when asked again, the step FAILs as a disagreement
 * of libc and kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conductor.h"
#include "shmlife/observe.h"
#include "shmlife/observed.h"
#include "util.h"

static const char *cmd_name(int cmd)
{
	const char *n = sl_shmctl_cmd_name(cmd);
	return n ? n : "shmctl";
}

/* The kernel's answer, compared; 1 if the libc's differs, with why. */
static int disagrees(const struct sl_shmctl_obs *got, char *why, size_t len)
{
	struct sl_shmctl_obs k;
	if (observe_shmctl_kernel(got->cmd, got->id, &k) < 0) {
		snprintf(why, len, "returned: libc says %lld, kernel says -1 %s", got->ret,
			 strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	return observe_shmctl_compare(got, &k, why, len) > 0;
}

void conductor_shmctl_result(struct conductor *c, const struct sl_step *st, const struct sl_shmctl_obs *got,
			     struct sl_trace_entry *e)
{
	e->obs_kind = SL_OBS_SHMCTL;
	e->obs.shmctl = *got;
	if (st->bind >= 0 && st->bind < c->s->nslots) {
		struct sl_shmctl_obs *keep = c->slot_result[st->bind];
		if (!keep && !(keep = c->slot_result[st->bind] = malloc(sizeof(*keep)))) {
			e->verdict = SL_BROK;
			sl_setf(e->detail, sizeof(e->detail), "out of memory keeping the result of %s",
				 cmd_name(got->cmd));
			return;
		}
		*keep = *got;
	}
	char first[160], again[160];
	if (!disagrees(got, first, sizeof(first)))
		return;
	/* asked again: a state that moved meanwhile (another process attached) is not a lie */
	if (!disagrees(got, again, sizeof(again)) || strcmp(first, again) != 0)
		return;
	snprintf(e->obs.shmctl.kernel_differs, sizeof(e->obs.shmctl.kernel_differs), "%s", first);
	if (e->verdict != SL_PASS)
		return;
	e->verdict = SL_FAIL;
	sl_setf(e->detail, sizeof(e->detail), "libc and the kernel disagree on %s: %s", cmd_name(got->cmd),
		 first);
}

const struct sl_shmctl_obs *conductor_result_of(const struct conductor *c, int slot)
{
	return slot >= 0 && slot < c->s->nslots && c->slot_set[slot] ? c->slot_result[slot] : NULL;
}
