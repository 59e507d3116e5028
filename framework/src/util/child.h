/* child.h - the one way the framework starts a helper process with fork()
 * and waits for it (internal).  Every fork site of the framework (the
 * sandbox's keeper and probe, the scratch remover, the conductor's spawner
 * and actors, an actor's program, the observer's ipcs) uses these, so the
 * rules are in one place:
 *
 *  - stdio is flushed before the fork when asked (SL_CHILD_FLUSH_STDIO), so
 *    that nothing buffered in the parent is written twice;
 *  - a child that must not outlive its parent (SL_CHILD_DIES_WITH_PARENT)
 *    gets PR_SET_PDEATHSIG(SIGKILL), and ends at once if the parent died
 *    before that call (the kernel's "parent" is the forking *thread*: fork
 *    from a thread that lives as long as the child may);
 *  - a wait is retried after EINTR, a bounded wait kills the child at its
 *    deadline, and every child is reaped, also on failure paths.
 *
 * (The conductor itself is not forked but cloned into its namespaces:
 * sandbox.c says why.)
 *
 *   pid_t pid = sl_child_fork(SL_CHILD_DIES_WITH_PARENT);
 *   if (pid == 0)
 *           _exit(work());
 *   int status;
 *   if (pid < 0 || sl_child_wait_until(pid, sl_now_ms() + 5000, &status) < 0)
 *           ... errno: ETIMEDOUT when it was killed at the deadline ...
 */
#ifndef SHMLIFE_CHILD_H
#define SHMLIFE_CHILD_H

#include <stdint.h>
#include <sys/types.h>

enum {
	SL_CHILD_FLUSH_STDIO = 1,      /* fflush(NULL) before the fork            */
	SL_CHILD_DIES_WITH_PARENT = 2, /* PR_SET_PDEATHSIG(SIGKILL) in the child  */
};

/* fork() with the rules above: the child's 0, the parent's child pid, or
 * -1 with errno. */
pid_t sl_child_fork(unsigned flags);

/* Waits for pid to end (waitpid again after EINTR): 0 with *status, or -1
 * with errno. */
int sl_child_wait(pid_t pid, int *status);

/* Waits for pid to end until deadline_ms (sl_now_ms's clock); at the
 * deadline kills it with SIGKILL, reaps it and fails with ETIMEDOUT.  It is
 * always reaped.  0 with *status, or -1 with errno. */
int sl_child_wait_until(pid_t pid, int64_t deadline_ms, int *status);

/* A failure path: kills pid with SIGKILL and reaps it; errno is kept. */
void sl_child_abandon(pid_t pid);

#endif
