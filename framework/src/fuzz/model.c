/* model.c - the reference model of System V shared memory and of the
 * processes that use it (model.h): what Linux answers to shmget, shmat,
 * shmdt, shmctl, to reads and writes through attachments, and what fork,
 * exit and death do to attachments.  Plain C, no system calls.  What it
 * says of an operation without applying it is model_query.c's.
 *
 * Every rule says where it comes from: a function of the kernel's ipc/shm.c
 * or ipc/util.c (Linux 6.x), or a man page section.  Where the kernel leaves
 * something unspecified (which id a new segment gets, where an attachment
 * is mapped), the model does not predict it: a stale id may fail with
 * EINVAL or EIDRM, and addresses are never compared.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <signal.h>

#include "model.h"

/* Defaults of a fresh IPC namespace (ipc/shm.c shm_init_ns: SHMMAX, SHMALL,
 * SHMMNI of include/uapi/linux/shm.h). */
#define DEFAULT_SHMMNI 4096
#define DEFAULT_SHMMAX (~0ULL - (1ULL << 24))

void fz_model_init(struct fz_model *m, const struct fz_program *p, unsigned wrong)
{
	memset(m, 0, sizeof(*m));
	m->sys = p->sysctls;
	m->nprocs = p->nprocs;
	for (int i = 0; i < FZ_MAX_PROCS; i++) {
		m->procs[i].state = i < p->ninitial ? FZ_ALIVE : FZ_UNBORN;
		m->procs[i].uid = i < p->ninitial ? p->uid[i] : 0;
		m->procs[i].gid = i < p->ninitial ? p->gid[i] : 0;
		/* the conductor, PID 1, leads the session and the process group
		 * its actors are forked into (framework/src/sandbox.c) */
		m->procs[i].sid = m->procs[i].pgid = -1;
	}
	for (int i = 0; i < FZ_MAX_REFS; i++)
		m->ref_seg[i] = m->ref_from[i] = -1;
	for (int i = 0; i < FZ_MAX_ATTS; i++)
		m->att_seg[i] = -1;
	m->wrong = wrong;
}

void fz_model_free(struct fz_model *m)
{
	for (int i = 0; i < m->nsegs; i++) {
		free(m->segs[i].mem);
		m->segs[i].mem = NULL;
	}
}

static unsigned long long shmmax(const struct fz_model *m)
{
	return m->sys.shmmax > 0 ? (unsigned long long)m->sys.shmmax : DEFAULT_SHMMAX;
}

static long long pages(long long size)
{
	return (size + FZ_PAGE - 1) / FZ_PAGE;
}

/* ipc/util.c ipcperms(): the owner's bits if the caller's euid is the
 * segment's uid or cuid, else the group's if its egid is gid or cgid, else
 * the others'; CAP_IPC_OWNER (root here) bypasses it.  `requested` is
 * written as mode bits (0600, S_IRUGO): requested = flag>>6 | flag>>3 | flag. */
static int denied(const struct fz_seg *s, const struct fz_proc *p, int requested)
{
	if (p->uid == 0)
		return 0;
	unsigned want = (unsigned)(requested >> 6 | requested >> 3 | requested) & 7;
	unsigned granted = s->perms;
	if (p->uid == s->cuid || p->uid == s->uid)
		granted >>= 6;
	else if (p->gid == s->cgid || p->gid == s->gid)
		granted >>= 3;
	return (want & ~granted & 7) != 0;
}

/* ipc/util.c ipcctl_obtain_check(): IPC_RMID and IPC_SET need euid == cuid
 * or uid, or CAP_SYS_ADMIN; otherwise EPERM. */
static int owner(const struct fz_seg *s, const struct fz_proc *p)
{
	return p->uid == 0 || p->uid == s->cuid || p->uid == s->uid;
}

static void fails(struct fz_prediction *pr, int e1, int e2)
{
	pr->verdict = FZ_FAILS;
	pr->errnos[0] = e1;
	pr->errnos[1] = e2;
	pr->nerrnos = e2 ? 2 : 1;
}

/* ipc/shm.c shm_destroy(): the segment leaves the namespace, its pages
 * leave shm_tot. */
static void destroy(struct fz_model *m, int seg)
{
	struct fz_seg *s = &m->segs[seg];
	s->live = 0;
	m->shm_tot -= pages(s->size);
}

/* ipc/shm.c shm_may_destroy(): no attachment left, and marked (SHM_DEST)
 * or kernel.shm_rmid_forced set. */
static void maybe_destroy(struct fz_model *m, int seg)
{
	const struct fz_seg *s = &m->segs[seg];
	if (s->live && s->nattch == 0 && (s->dest || m->sys.rmid_forced))
		destroy(m, seg);
}

int fz_model_segments(const struct fz_model *m)
{
	int n = 0;
	for (int i = 0; i < m->nsegs; i++)
		n += m->segs[i].live;
	return n;
}

int fz_model_ref_of(const struct fz_model *m, int seg)
{
	int best = -1;
	for (int r = 0; r < FZ_MAX_REFS; r++)
		if (m->ref_seg[r] == seg)
			best = r;
	return best;
}

/* ipc/util.c ipc_findkey(): only live segments whose key is not
 * IPC_PRIVATE are found (IPC_RMID made a marked segment's key private). */
static int find_key(const struct fz_model *m, int32_t key)
{
	for (int i = 0; key != IPC_PRIVATE && i < m->nsegs; i++)
		if (m->segs[i].live && m->segs[i].key == key)
			return i;
	return -1;
}

/* ipc/shm.c newseg(): size below SHMMIN (1) or above shmmax is EINVAL; more
 * pages than shmall allows is ENOSPC; ipc/util.c ipc_addid(): as many
 * segments as shmmni is ENOSPC.  The new segment: mode = the flag's 0777
 * bits, cuid = uid = euid, cpid = the caller, lpid none, atime = dtime = 0,
 * ctime = now, nattch 0, on the caller's shm_clist. */
static void create(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	const struct fz_proc *p = &m->procs[op->proc];
	int shmmni = m->sys.shmmni > 0 ? m->sys.shmmni : DEFAULT_SHMMNI;
	if (op->size < 1 || (unsigned long long)op->size > shmmax(m)) {
		fails(pr, EINVAL, 0);
		return;
	}
	if (m->sys.shmall > 0 && m->shm_tot + pages(op->size) > m->sys.shmall) {
		fails(pr, ENOSPC, 0);
		return;
	}
	if (fz_model_segments(m) >= shmmni || m->nsegs >= FZ_MAX_SEGS) {
		fails(pr, ENOSPC, 0);
		return;
	}
	struct fz_seg *s = &m->segs[m->nsegs];
	memset(s, 0, sizeof(*s));
	s->live = 1;
	s->key = op->key;
	s->size = op->size;
	s->perms = (unsigned)op->flags & 0777;
	s->cpid = op->proc;
	s->lpid = -1;
	s->uid = s->cuid = p->uid;
	s->gid = s->cgid = p->gid;
	s->atime = s->dtime = -1;
	s->ctime = m->now;
	s->creator_listed = 1;
	s->mem = calloc((size_t)op->size, 1);
	m->shm_tot += pages(op->size);
	m->ref_seg[op->ref] = m->nsegs++;
	m->ref_from[op->ref] = op->ref;
}

/* ipc/util.c ipcget(): IPC_PRIVATE always makes a new segment
 * (ipcget_new); otherwise ipcget_public(): a key not found is ENOENT
 * without IPC_CREAT, else a new segment; a key found is EEXIST with
 * IPC_CREAT|IPC_EXCL, then shm_more_checks() (a size above the segment's is
 * EINVAL), then ipc_check_perms() (the flag's mode bits as requested access:
 * EACCES); success returns the existing id. */
static void do_shmget(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	int seg = find_key(m, op->key);
	if (op->key == IPC_PRIVATE || (seg < 0 && (op->flags & IPC_CREAT))) {
		create(m, op, pr);
		return;
	}
	if (seg < 0) {
		fails(pr, ENOENT, 0);
		return;
	}
	if ((op->flags & IPC_CREAT) && (op->flags & IPC_EXCL)) {
		fails(pr, EEXIST, 0);
		return;
	}
	if (m->segs[seg].size < op->size) {
		fails(pr, EINVAL, 0);
		return;
	}
	if (denied(&m->segs[seg], &m->procs[op->proc], op->flags & 0777)) {
		fails(pr, EACCES, 0);
		return;
	}
	pr->same_as_ref = fz_model_ref_of(m, seg);
	m->ref_seg[op->ref] = seg;
	m->ref_from[op->ref] = pr->same_as_ref;
}

/* A reference to a destroyed segment: ipc/util.c ipc_obtain_object_check()
 * says EINVAL when its index is free and EIDRM when the index holds a newer
 * segment (another sequence number).  Which one depends on the id the
 * kernel gave, which the model does not predict: either is accepted. */
static int stale(const struct fz_model *m, int ref, struct fz_prediction *pr)
{
	if (m->segs[m->ref_seg[ref]].live)
		return 0;
	fails(pr, EINVAL, EIDRM);
	return 1;
}

/* ipc/shm.c do_shmat(): SHM_REMAP without an address is EINVAL (before the
 * id is looked at); a stale id fails; SHM_RDONLY asks for read access,
 * otherwise read and write (EACCES).  Then the mapping's open, __shm_open():
 * nattch + 1, atime = now, lpid = the caller.  shmat(2) NOTES: a segment
 * marked for deletion can still be attached on Linux. */
static void do_shmat(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	struct fz_proc *p = &m->procs[op->proc];
	if (op->flags & SHM_REMAP) {
		fails(pr, EINVAL, 0);
		return;
	}
	if (stale(m, op->ref, pr))
		return;
	int seg = m->ref_seg[op->ref];
	struct fz_seg *s = &m->segs[seg];
	if (denied(s, p, (op->flags & SHM_RDONLY) ? 0444 : 0666)) {
		fails(pr, EACCES, 0);
		return;
	}
	s->nattch++;
	s->atime = m->now;
	s->lpid = op->proc;
	p->att[op->att] = (op->flags & SHM_RDONLY) ? 2 : 1;
	p->had[op->att] = 1;
	p->shmats++;
	m->att_seg[op->att] = seg;
}

/* ipc/shm.c shm_close(), the mapping's close (shmdt, exit, death):
 * lpid = the process, dtime = now, nattch - 1, then shm_may_destroy(). */
static void detach(struct fz_model *m, int proc, int att)
{
	struct fz_proc *p = &m->procs[proc];
	int seg = m->att_seg[att];
	struct fz_seg *s = &m->segs[seg];
	p->att[att] = 0;
	p->detached_at[att] = p->shmats;
	s->lpid = proc;
	s->dtime = m->now;
	s->nattch--;
	maybe_destroy(m, seg);
}

/* The process ends (exit(2), a signal): do_exit() -> exit_mm() closes every
 * mapping (shm_close for each attachment, shmat(2): "Upon _exit(2) all
 * attached shared memory segments are detached"), then exit_shm(): with
 * shm_rmid_forced, each segment it created with no attachment left is
 * destroyed; either way it leaves the process's list. */
static void proc_end(struct fz_model *m, int proc, enum fz_proc_state how, int code)
{
	struct fz_proc *p = &m->procs[proc];
	for (int a = 0; a < FZ_MAX_ATTS; a++)
		if (p->att[a])
			detach(m, proc, a);
	for (int i = 0; i < m->nsegs; i++) {
		struct fz_seg *s = &m->segs[i];
		if (!s->creator_listed || s->cpid != proc)
			continue;
		s->creator_listed = 0;
		if (m->sys.rmid_forced)
			maybe_destroy(m, i);
	}
	p->state = how;
	p->code = code;
}

/* ipc/shm.c ksys_shmctl(): a stale id fails (shm_obtain_object_check).
 * IPC_STAT needs read access (EACCES); IPC_RMID and IPC_SET need ownership
 * (EPERM).  IPC_RMID, do_shm_rmid(): an attached segment is marked SHM_DEST
 * and its key becomes IPC_PRIVATE, an unattached one is destroyed; marked
 * segments stay reachable by id, so IPC_RMID again succeeds.  IPC_SET,
 * ipc_update_perm(): uid, gid and the 0777 bits from the buffer, ctime = now
 * (the actor fills the buffer by IPC_STAT first: a caller that cannot read
 * the segment sends uid 0 and gid 0).  SHM_LOCK / SHM_UNLOCK
 * (shmctl_do_lock) set and clear SHM_LOCKED; the generator gives them to
 * root only. */
static void do_shmctl(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	if (stale(m, op->ref, pr))
		return;
	int seg = m->ref_seg[op->ref];
	struct fz_seg *s = &m->segs[seg];
	const struct fz_proc *p = &m->procs[op->proc];
	switch (op->cmd) {
	case IPC_STAT:
		if (denied(s, p, 0444))
			fails(pr, EACCES, 0);
		return;
	case IPC_RMID:
		if (!owner(s, p)) {
			fails(pr, EPERM, 0);
			return;
		}
		if (s->nattch == 0) {
			destroy(m, seg);
			return;
		}
		s->dest = 1;
		if (!(m->wrong & FZ_WRONG_RMID_KEEPS_KEY))
			s->key = IPC_PRIVATE;
		return;
	case IPC_SET:
		if (!owner(s, p)) {
			fails(pr, EPERM, 0);
			return;
		}
		if (denied(s, p, 0444))
			s->uid = s->gid = 0;
		s->perms = (unsigned)op->mode & 0777;
		s->ctime = m->now;
		return;
	case SHM_LOCK:
	case SHM_UNLOCK:
		if (p->uid != 0) {
			fails(pr, EPERM, 0);
			return;
		}
		s->locked = op->cmd == SHM_LOCK;
		return;
	default:
		fails(pr, EINVAL, 0); /* ipc/shm.c ksys_shmctl: an unknown cmd */
		return;
	}
}

/* Reads and writes through an attachment: a read-only one cannot be
 * written (SIGSEGV, shmat(2) SHM_RDONLY); a detached address is unmapped
 * (SIGSEGV).  Memory is shared: what one attachment writes, every
 * attachment of the segment reads (shmat(2) DESCRIPTION). */
static void do_memory(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	struct fz_proc *p = &m->procs[op->proc];
	int mode = p->att[op->att];
	if (!mode || (op->kind == FZ_WRITE && mode == 2)) {
		pr->verdict = FZ_DIES;
		pr->sig = SIGSEGV;
		proc_end(m, op->proc, FZ_KILLED, SIGSEGV);
		return;
	}
	unsigned char *mem = m->segs[m->att_seg[op->att]].mem;
	if (op->kind == FZ_WRITE)
		memcpy(mem + op->offset, op->data, (size_t)op->len);
	else
		memcpy(pr->data, mem + op->offset, (size_t)op->len);
}

/* fork(2): the child inherits the attachments (shmat(2) NOTES); each is
 * opened again in the child by dup_mmap() -> __shm_open(), which runs in
 * the parent: nattch + 1, atime = now and lpid = the parent's pid. */
static void do_fork(struct fz_model *m, const struct fz_op *op)
{
	struct fz_proc *parent = &m->procs[op->proc], *child = &m->procs[op->target];
	*child = *parent;
	child->state = FZ_ALIVE;
	child->code = 0;
	for (int a = 0; a < FZ_MAX_ATTS; a++) {
		if (!parent->att[a] || (m->wrong & FZ_WRONG_FORK_NO_NATTCH))
			continue;
		struct fz_seg *s = &m->segs[m->att_seg[a]];
		s->nattch++;
		s->atime = m->now;
		s->lpid = op->proc;
	}
}

/* daemon(1, 1), glibc misc/daemon.c: fork(); the parent _exit(0)s; the
 * child calls setsid() (it leads no group: it succeeds) and goes on; with
 * (1, 1) neither the directory nor the descriptors change.  So: a fork (the
 * attachments counted again in the parent, lpid = the parent), the
 * parent's exit (each detached: lpid = the parent, dtime = now; exit_shm:
 * its created segments leave its list, and go with shm_rmid_forced if
 * unattached), and the child leads a new session and group.  glibc forks
 * once (daemon(3), BUGS); musl's second fork is not modelled (fuzz runs
 * glibc's actors). */
static void do_daemon(struct fz_model *m, const struct fz_op *op)
{
	do_fork(m, op);
	proc_end(m, op->proc, FZ_EXITED, 0);
	m->procs[op->target].sid = m->procs[op->target].pgid = op->target;
}

/* Sessions and process groups.  setsid(2), kernel/sys.c ksys_setsid():
 * EPERM if a process group with the caller's id exists (with these
 * operations: the caller leads its group, since a process leaves a group
 * only by setsid or setpgid of its own); otherwise a new session and group
 * led by the caller, and its pid is returned.  setpgid(0, 0), kernel/sys.c
 * setpgid(): EPERM for a session leader, otherwise the caller leads a new
 * group.  getsid(0) returns the session's id.  fork(2): the child is in its
 * parent's session and group (copied with the rest in do_fork). */
static void do_session(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	struct fz_proc *p = &m->procs[op->proc];
	switch (op->kind) {
	case FZ_SETSID:
		if (p->pgid == op->proc) {
			fails(pr, EPERM, 0);
			return;
		}
		p->sid = p->pgid = pr->returns_proc = op->proc;
		return;
	case FZ_SETPGID:
		if (p->sid == op->proc)
			fails(pr, EPERM, 0);
		else
			p->pgid = op->proc;
		return;
	default:
		pr->returns_proc = p->sid;
		return;
	}
}

/* ftok(3) (glibc sysdeps/unix/sysv/linux/ftok.c, POSIX): it stat()s the
 * path, so a path that is not there fails ENOENT; the key is made of the
 * low 8 bits of the project id, the file's device and its inode, so two
 * project ids with the same low byte give the same key for one file.  The
 * key's value itself (the inode) is the kernel's, not predicted. */
static void do_ftok(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	if (op->flags == FZ_FTOK_MISSING) {
		fails(pr, ENOENT, 0);
		return;
	}
	int byte = (int)((uint32_t)op->key & 0xffu);
	pr->same_as_ftok = m->ftok_of_byte[byte] - 1;
	pr->ftok = m->nftoks++;
	if (!m->ftok_of_byte[byte])
		m->ftok_of_byte[byte] = m->nftoks;
}

void fz_model_apply(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->verdict = FZ_OK;
	pr->same_as_ref = -1;
	pr->same_as_ftok = pr->ftok = -1;
	pr->returns_proc = -2;
	switch (op->kind) {
	case FZ_SETSID:
	case FZ_SETPGID:
	case FZ_GETSID: do_session(m, op, pr); break;
	case FZ_SHMGET: do_shmget(m, op, pr); break;
	case FZ_FTOK: do_ftok(m, op, pr); break;
	case FZ_SHMAT: do_shmat(m, op, pr); break;
	case FZ_SHMDT:
		/* ipc/shm.c ksys_shmdt(): no attachment starts at the address: EINVAL */
		if (m->procs[op->proc].att[op->att])
			detach(m, op->proc, op->att);
		else
			fails(pr, EINVAL, 0);
		break;
	case FZ_SHMCTL: do_shmctl(m, op, pr); break;
	case FZ_WRITE:
	case FZ_READ: do_memory(m, op, pr); break;
	case FZ_FORK: do_fork(m, op); break;
	case FZ_DAEMON: do_daemon(m, op); break;
	case FZ_EXIT:
		pr->verdict = FZ_EXITS;
		pr->status = op->status;
		proc_end(m, op->proc, FZ_EXITED, op->status);
		break;
	case FZ_CRASH:
		pr->verdict = FZ_DIES;
		pr->sig = op->sig;
		proc_end(m, op->proc, FZ_KILLED, op->sig);
		break;
	case FZ_KILL:
		/* kernel/signal.c kill_ok_by_cred(): the sender's uid or euid must be
		 * the target's uid or saved uid (actors set all three), or it needs
		 * CAP_KILL: EPERM.  Otherwise the target dies of the signal (its
		 * default action: actors reset every disposition). */
		if (m->procs[op->proc].uid != 0 && m->procs[op->proc].uid != m->procs[op->target].uid) {
			fails(pr, EPERM, 0);
			break;
		}
		proc_end(m, op->target, FZ_KILLED, op->sig);
		break;
	default: break; /* checks change nothing */
	}
}

int fz_model_segments_after_end(const struct fz_model *m)
{
	struct fz_model *copy = malloc(sizeof(*copy));
	if (!copy)
		return -1;
	*copy = *m; /* shares mem pointers: proc_end never writes memory */
	for (int i = 0; i < FZ_MAX_PROCS; i++)
		if (copy->procs[i].state == FZ_ALIVE)
			proc_end(copy, i, FZ_KILLED, SIGKILL);
	int n = fz_model_segments(copy);
	free(copy);
	return n;
}
