/* model.h - the reference model of `shmlife fuzz` (internal): a program of
 * operations (the fuzzer's own compact form of a scenario, which the
 * generator draws and the shrinker cuts down) and a plain-C model of System V
 * shared memory and of the processes that use it, which predicts what the
 * kernel answers to each operation.  No system calls: model.c is pure.
 *
 * References inside a program are indices, never kernel values: a segment
 * reference is the result of one shmget, an attachment reference the result
 * of one shmat, a process the initial actors then one per fork, in order.
 */
#ifndef SHMLIFE_FUZZ_MODEL_H
#define SHMLIFE_FUZZ_MODEL_H

#include <stdint.h>

#define FZ_MAX_OPS   192   /* operations and checks of one program        */
#define FZ_MAX_PROCS 16    /* initial actors and forked children          */
#define FZ_MAX_REFS  64    /* segment references (shmget results)         */
#define FZ_MAX_ATTS  64    /* attachment references (shmat results)       */
#define FZ_MAX_SEGS  64    /* segments the model knows, live or destroyed  */
#define FZ_MAX_DATA  16    /* bytes of one write or read                  */
#define FZ_MAX_FTOKS 64    /* ftok results a program binds                */
#define FZ_FTOK_PATH    "/"                       /* a path that is there     */
#define FZ_FTOK_MISSING_PATH "/nonexistent-shmlife-ftok" /* one that is not */
#define FZ_FTOK_MISSING 1  /* FZ_FTOK's flags: of the missing path            */
#define FZ_PAGE      4096

enum fz_kind {
	FZ_SHMGET,      /* proc, ref (bound), key, size, flags                       */
	FZ_SHMAT,       /* proc, ref, att (bound), flags                             */
	FZ_SHMDT,       /* proc, att                                                 */
	FZ_SHMCTL,      /* proc, ref, cmd (IPC_RMID ...), mode (IPC_SET)             */
	FZ_WRITE,       /* proc, att, offset, len, data                              */
	FZ_READ,        /* proc, att, offset, len (what to read comes from the model) */
	FZ_FORK,        /* proc, child (the new process)                             */
	FZ_EXIT,        /* proc, status                                              */
	FZ_CRASH,       /* proc, sig                                                 */
	FZ_KILL,        /* proc kills target with sig, then the conductor waits      */
	FZ_CHECK_SEG,   /* expect ref ...: the segment's state as the model has it   */
	FZ_CHECK_PROC,  /* expect proc ...: its attachments, or how it ended         */
	FZ_CHECK_NS,    /* expect namespace segments=N                               */
	FZ_SETSID,      /* proc: setsid()                                            */
	FZ_SETPGID,     /* proc: setpgid(0, 0)                                       */
	FZ_GETSID,      /* proc: getsid(0)                                           */
	FZ_CHECK_SESSION, /* expect proc sid= pgid=                                  */
	FZ_FTOK,        /* proc; flags: FZ_FTOK_MISSING or not; key: the project id  */
	FZ_DAEMON,      /* proc: daemon(1, 1); target: the daemon it becomes (the
			 * actor lives on in it, as a fork's child; proc has exited) */
	FZ_KIND__COUNT
};

struct fz_op {
	enum fz_kind kind;
	int proc;                       /* who performs it (not for CHECK_NS)   */
	int ref;                        /* segment reference                    */
	int att;                        /* attachment reference                 */
	int target;                     /* KILL: the process; FORK: the child    */
	int32_t key;                    /* SHMGET: 0 is IPC_PRIVATE              */
	long long size;
	int flags;                      /* SHMGET, SHMAT                         */
	int cmd, mode;                  /* SHMCTL                                */
	int offset, len;                /* WRITE, READ                           */
	unsigned char data[FZ_MAX_DATA];
	int sig, status;
};

/* The namespace's sysctls a program sets in its header; 0: the default. */
struct fz_sysctls {
	long long shmmax, shmall;
	int shmmni;
	int rmid_forced;                /* 1: kernel.shm_rmid_forced = 1         */
};

struct fz_program {
	uint64_t seed, run;             /* where it came from (names, reports)   */
	int nprocs;                     /* processes: initial ones, then forks   */
	int ninitial;                   /* processes 0..ninitial-1 are actors from the start */
	int uid[FZ_MAX_PROCS], gid[FZ_MAX_PROCS]; /* initial actors; 0 = root    */
	struct fz_sysctls sysctls;
	int nrefs, natts;
	struct fz_op ops[FZ_MAX_OPS];
	int nops;
};

/* The public handle of fuzz.h is the program itself. */
struct sl_fuzz_program {
	struct fz_program prog;
};

/* The wrong rules the model runs with (sl_fuzz_set_wrong_model; tests only). */
unsigned fz_wrong_rules(void);
/* Drops what does not apply and actors nobody uses, renumbers processes,
 * references and attachments in order of appearance (shrink.c). */
void fz_program_compact(struct fz_program *p);

/* ---- the model ------------------------------------------------------------ */

struct fz_seg {
	int live;                       /* still in the namespace                */
	int32_t key;                    /* 0 once removed (IPC_PRIVATE)          */
	long long size;
	unsigned perms;                 /* the 0777 bits                         */
	int dest, locked;
	int nattch;
	int cpid, lpid;                 /* processes; lpid -1: none yet (0)      */
	int uid, gid, cuid, cgid;
	int atime, dtime, ctime;        /* the step that last set it; -1: 0      */
	int creator_listed;             /* on its creator's list (shm_clist)     */
	unsigned char *mem;             /* size bytes                            */
};

enum fz_proc_state { FZ_UNBORN, FZ_ALIVE, FZ_EXITED, FZ_KILLED };

struct fz_proc {
	enum fz_proc_state state;
	int code;                       /* exit status, or the killing signal    */
	int uid, gid;
	int sid, pgid;                  /* processes; -1: the conductor (pid 1)  */
	unsigned char att[FZ_MAX_ATTS]; /* 0 none, 1 read-write, 2 read-only     */
	unsigned char had[FZ_MAX_ATTS]; /* the address was this process's own    */
	int shmats;                     /* attachments it has made (address reuse) */
	int detached_at[FZ_MAX_ATTS];   /* its `shmats` when it detached         */
};

struct fz_model {
	struct fz_sysctls sys;          /* effective values                      */
	struct fz_seg segs[FZ_MAX_SEGS];
	int nsegs;
	struct fz_proc procs[FZ_MAX_PROCS];
	int nprocs;
	int ref_seg[FZ_MAX_REFS];       /* segment of a reference, -1 unbound    */
	int ref_from[FZ_MAX_REFS];      /* the reference whose id a shmget returned, or itself */
	int att_seg[FZ_MAX_ATTS];       /* segment of an attachment, -1 unbound  */
	long long shm_tot;              /* pages of live segments                */
	int ftok_of_byte[256];          /* the ftok result (1-based, in the order
					 * they were bound) of FZ_FTOK_PATH with a
					 * project id of this low byte; 0 none     */
	int nftoks;
	int now;                        /* the step being performed (times)      */
	unsigned wrong;                 /* test-only: deliberately wrong rules   */
};

/* Test-only wrong rules (sl_fuzz_set_wrong_model): each makes the model
 * mispredict something the kernel does, for the shrinker's tests. */
#define FZ_WRONG_RMID_KEEPS_KEY 1u  /* IPC_RMID of an attached segment keeps its key */
#define FZ_WRONG_FORK_NO_NATTCH 2u  /* fork does not count the child's attachments   */

/* What the model predicts for one operation. */
enum fz_verdict { FZ_OK, FZ_FAILS, FZ_DIES, FZ_EXITS };
struct fz_prediction {
	enum fz_verdict verdict;
	int errnos[2], nerrnos;         /* FAILS: one of these                   */
	int sig;                        /* DIES                                  */
	int status;                     /* EXITS                                 */
	int same_as_ref;                /* SHMGET of an existing key: its id is this ref's (-1 none) */
	int ftok;                       /* FTOK that succeeds: the number of its result (0-based) */
	int same_as_ftok;               /* FTOK: its key is that earlier result's (-1 none) */
	int returns_proc;               /* SETSID, GETSID: the pid returned is this process's
					 * (-1: the conductor's, 1); -2: nothing said */
	unsigned char data[FZ_MAX_DATA];/* READ: what it reads                   */
};

void fz_model_init(struct fz_model *m, const struct fz_program *p, unsigned wrong);
void fz_model_free(struct fz_model *m);
/* 1 if `op` makes sense in the model's state (its process is alive, its
 * references are bound, its address is safe to use); 0: leave it out. */
int fz_model_applies(const struct fz_model *m, const struct fz_op *op);
/* Predicts op's outcome and applies it to the state.  Checks change nothing. */
void fz_model_apply(struct fz_model *m, const struct fz_op *op, struct fz_prediction *pr);
/* Live segments, and those left once every process has been killed. */
int fz_model_segments(const struct fz_model *m);
int fz_model_segments_after_end(const struct fz_model *m);
/* The reference naming segment `seg` best (the last bound to it), or -1. */
int fz_model_ref_of(const struct fz_model *m, int seg);
/* The segments an operation touches (for checks after it): up to max. */
int fz_model_touched(const struct fz_model *m, const struct fz_op *op, int *segs, int max);

#endif
