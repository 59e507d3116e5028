/* observe.h - the observer: kernel state as the kernel's own views report it.
 *
 * Each observe_* call reads one view of the calling process's namespaces
 * (IPC_STAT, SHM_INFO/SHM_STAT_ANY, /proc/sysvipc/shm, /proc/PID/maps,
 * /proc/PID/stat|status|fd|cwd, `ipcs -m`) and fills a plain struct.  The
 * conductor calls them from inside the scenario's namespaces.  The parse
 * functions are exposed so that unit tests can feed them known lines.
 *
 * All return 0 on success, -1 with errno on failure.  "The segment is gone"
 * is a success: observe_segment() sets stat_errno and present = 0.
 */
#ifndef SHMLIFE_OBSERVE_H
#define SHMLIFE_OBSERVE_H

#include <stdio.h>
#include "shmlife/result.h"

/* IPC_STAT and /proc/sysvipc/shm side by side, disagreement filled in. */
int observe_segment(int shmid, struct sl_segment_obs *out);
/* Adds the `ipcs -m` columns (key, nattch, status dest) to `out`. */
int observe_segment_ipcs(int shmid, struct sl_segment_obs *out);
/* IPC_STAT only: cheap enough to run after every step.  full (NULL: not
 * wanted) gets the whole of what IPC_STAT said (present 0 if it failed). */
int observe_segment_brief(int shmid, struct sl_segment_brief *out, struct sl_segment_view *full);
/* The namespace: its segments counted three ways, and its shm sysctls. */
int observe_namespace(struct sl_namespace_obs *out);
/* Its segments only (the sysctl fields 0, rmid_forced -1): what the leak
 * check at a scenario's end needs, without four reads of /proc/sys. */
int observe_namespace_segments(struct sl_namespace_obs *out);
/* A shmctl command's record (its kind: sl_shmctl_kind, observed.h): the record of a call that returned ret
 * with buf (a struct shmid_ds, shminfo or shm_info, as cmd says: union
 * sl_shmctl_buf of observe_raw.h); the
 * kernel's own answer to shmctl(id, cmd), by the raw system call (-1 with
 * errno if the kernel refuses it); and where the actor's libc answer and
 * the kernel's differ, in words ("nattch: libc says 2, kernel says 1"),
 * how many fields (0: they agree; shm_rss and shm_swp are not compared). */
void observe_shmctl_fill(struct sl_shmctl_obs *o, int cmd, int id, long long ret, const void *buf);
int observe_shmctl_kernel(int cmd, int id, struct sl_shmctl_obs *out);
int observe_shmctl_compare(const struct sl_shmctl_obs *libc, const struct sl_shmctl_obs *kernel, char *buf,
			   size_t len);
int observe_maps(pid_t pid, struct sl_maps_obs *out);
/* The mappings an expectation asks about: by shmid (attached, detached,
 * mapped-deleted) and by the key in their name (mapped-key). */
struct sl_maps_want {
	const int *shmids;
	int nshmids;
	const int32_t *keys;
	int nkeys;
};
/* observe_maps(), keeping (of more than SL_MAX_MAPS mappings) those `want`
 * names first: a mapping asked about that is not in out->map does not exist.
 * out->n counts them all.  want may be NULL.  -1 with errno on error. */
int observe_maps_wanting(pid_t pid, const struct sl_maps_want *want, struct sl_maps_obs *out);
/* Everything of /proc/PID but devtty_errno (which needs the process itself)
 * and the ended/exit fields (which the conductor knows). */
int observe_process(pid_t pid, struct sl_process_obs *out);
/* Makes sure each of the descriptors fds[0..n) of pid that is open is among
 * p->fds (p keeps the SL_MAX_FDS lowest; each takes the place of the highest
 * kept one that is not among fds).  Returns how many of them are open (and
 * kept), or -1 with E2BIG if more of them are open than p can keep.  After
 * it returns, one of fds that is not in p->fds is not open, however many
 * descriptors there are.
 *
 *   int asked[] = { 9, 10 };        // expect a fd9=/dev/zero fd10=/dev/null
 *   if (observe_process_keep_fds(pid, asked, 2, &obs) < 0) ... refuse    */
int observe_process_keep_fds(pid_t pid, const int *fds, int n, struct sl_process_obs *p);

/* Parsers of one line / one output; 0 on success, -1 if the line is not one. */
int sl_parse_sysvipc_shm_line(const char *line, struct sl_segment_view *v);
int sl_parse_maps_line(const char *line, struct sl_map_entry *m);
int sl_parse_proc_stat(const char *text, struct sl_process_obs *p);
/* One data row of `ipcs -m`: key shmid owner perms bytes nattch [status]. */
int sl_parse_ipcs_row(const char *line, int *shmid, int32_t *key, uint64_t *nattch, int *dest);
/* Compares two views; writes which fields differ into buf. 1 if they differ. */
int sl_segment_views_differ(const struct sl_segment_view *a, const struct sl_segment_view *b,
			    char *buf, size_t len);

#endif
