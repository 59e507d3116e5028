/* conductor_end.c - the conductor's last word on a scenario: which
 * processes `find` named were still alive after the last step (said before
 * the teardown kills them), the segments left in the namespace once every
 * actor has ended (a leak FAILs the scenario, unless it says `leak:
 * expected`), and the END entry with the outcome, its reason and where the
 * time went.  conductor.c calls them in that order from sl_conductor_main.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "conductor.h"
#include "shmlife/observe.h"
#include "util.h"

void conductor_check_leaks(struct conductor *c)
{
	struct sl_namespace_obs ns;
	if (observe_namespace_segments(&ns) < 0) {
		conductor_fail(c, SL_BROK, -1, "cannot observe the namespace after the scenario: %s", strerror(errno));
		return;
	}
	int left = ns.segments_proc;
	if (left == 0)
		return;
	char ids[200] = "";
	FILE *f = fopen("/proc/sysvipc/shm", "re");
	if (f) {
		char line[512];
		if (fgets(line, sizeof(line), f)) /* header */
			while (fgets(line, sizeof(line), f)) {
				struct sl_segment_view v;
				if (sl_parse_sysvipc_shm_line(line, &v) == 0)
					sl_appendf(ids, sizeof(ids), "%s shmid %d key 0x%08x size %llu",
						   ids[0] ? "," : "", v.shmid, (unsigned)v.key,
						   (unsigned long long)v.size);
			}
		fclose(f);
	}
	struct sl_trace_entry e;
	conductor_event_init(c, &e, c->s->leak_expected ? SL_PASS : SL_FAIL);
	e.obs_kind = SL_OBS_LEAK; /* the record the harness counts; the text is for people */
	e.obs.leak.segments = left;
	e.obs.leak.expected = c->s->leak_expected;
	if (c->s->leak_expected) {
		/* the count is whole; the list of ids may be cut, and says so */
		sl_setf(e.detail, sizeof(e.detail), "%d segment(s) left at the end, as the scenario expects:%s", left, ids);
		conductor_emit(c, &e);
		return;
	}
	sl_setf(e.detail, sizeof(e.detail), "leaked segment(s): %d left in the namespace after every actor ended:%s",
		left, ids);
	conductor_emit(c, &e);
	conductor_fail(c, SL_FAIL, -1, "leaked segment(s): %d left after every actor ended:%s", left, ids);
}

/* Found processes (a daemon that escaped by a double fork) still alive after
 * the last step: one flag per actor, or NULL if there are none. */
char *conductor_found_alive(struct conductor *c)
{
	char *alive = NULL;
	conductor_poll_ends(c);
	for (int i = 0; i < c->s->nactors; i++) {
		if (!c->s->actors[i].found || c->actors[i].state != ACTOR_RUNNING)
			continue;
		if (!alive && !(alive = calloc((size_t)c->s->nactors, 1)))
			return NULL;
		alive[i] = 1;
	}
	return alive;
}

/* They die with the namespace (kill(-1, SIGKILL) from its PID 1): say so. */
void conductor_report_found_at_end(struct conductor *c, const char *alive)
{
	for (int i = 0; alive && i < c->s->nactors; i++) {
		if (!alive[i])
			continue;
		int st = c->actors[i].wait_status;
		const char *sig = st != -1 && WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : NULL;
		conductor_event(c, SL_PASS, "teardown: %s (pid %d), found by 'find', was alive after the last step; %s%s",
		      conductor_actor_name(c, i), c->actors[i].pid, sig ? "killed by SIG" : "ended with the namespace",
		      sig ? sig : "");
	}
}

void conductor_send_end(struct conductor *c)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_END;
	e.step = c->failed_step;
	e.actor = -1;
	e.verdict = c->outcome;
	e.t_ns = sl_now_ns() - c->t0;
	e.brief.slot = -1;
	/* the harness rebuilds the whole reason from the failing step's entry */
	memcpy(e.detail, c->reason, sizeof(e.detail) - 1);
	e.obs_kind = SL_OBS_PHASES;
	e.obs.phases = c->phases;
	conductor_emit(c, &e);
	conductor_trace_flush(c);
}
