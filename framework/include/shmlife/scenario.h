/* scenario.h - the scenario model: what a scenario *is*, as plain data.
 *
 * A scenario is a name, a description, tags, requirements, claims, actors and
 * an ordered list of steps.  A step is either an operation performed by one
 * actor (or by the conductor itself) with the outcome the script expects, or
 * an expectation about kernel state.  The parser builds these structures from
 * a script; C tests build them with the sl_scenario_* / sl_step_* calls below.
 *
 * Everything here is owned by the scenario and freed by sl_scenario_free().
 * Nothing here runs anything: see run.h.
 *
 * Plain data, but not to be copied by value and kept: a copy (`struct
 * sl_scenario v = *s`) shares every string and array with `s`.  Such a copy
 * may be read, and may be given arrays of its own (explore.c's views do:
 * their own step array, sharing the steps' strings), but it must never be
 * passed to sl_scenario_free() or grown with the sl_scenario_add_* calls,
 * which would free or move what `s` still owns.  Reading a scenario from
 * several threads at once is safe; changing it is not.
 */
#ifndef SHMLIFE_SCENARIO_H
#define SHMLIFE_SCENARIO_H

#include <stddef.h>
#include <sys/types.h>

#define SL_MAX_ARGS    6   /* numeric arguments of one operation */
#define SL_MAX_ERRNOS  8   /* errnos accepted by one `fails` */
#define SL_CONDUCTOR  (-1) /* step.actor for steps the conductor performs */
#define SL_NO_SLOT    (-1)

/* ---- operations ------------------------------------------------------- */

enum sl_op {
	/* System V shared memory, performed by an actor */
	SL_OP_SHMGET,      /* key, size, flags                 -> shmid        */
	SL_OP_SHMAT,       /* shmid, flags [, addr]            -> address      */
	SL_OP_SHMDT,       /* address                                          */
	SL_OP_SHMCTL,      /* shmid, cmd [, mode, uid, gid for IPC_SET (-1: unchanged)]
			    * [, args[5]: SL_SHMCTL_* how]   -> return value */
	SL_OP_FTOK,        /* str=path, proj                   -> key          */
	SL_OP_WRITE,       /* address, offset; bytes                           */
	SL_OP_READ,        /* address, offset; bytes = what must be read       */
	/* process life, performed by an actor */
	SL_OP_FORK,        /* new_actor becomes the child      -> child pid    */
	SL_OP_EXIT,        /* status                                           */
	SL_OP_CRASH,       /* signal: the actor kills itself with it           */
	SL_OP_KILL,        /* target actor (args[0].actor), signal             */
	SL_OP_EXEC,        /* argv: a child runs the program; the step waits   */
	/* sessions, terminals, daemons (issue 5), performed by an actor */
	SL_OP_SETSID,      /*                                  -> new sid      */
	SL_OP_SETPGID,     /* pid (0 = self), pgid                             */
	SL_OP_GETSID,      /* pid (0 = self)                   -> sid          */
	SL_OP_UMASK,       /* mask                             -> old mask     */
	SL_OP_CHDIR,       /* str=path                                         */
	SL_OP_CLOSE_FDS,   /* closes every fd but the actor's channel          */
	SL_OP_NULL_STDIO,  /* reopens 0, 1, 2 on /dev/null                     */
	SL_OP_OPEN,        /* str=path, flags                  -> fd           */
	SL_OP_FORK_DETACH, /* fork; the parent exits; the actor goes on in the child */
	SL_OP_DAEMON,      /* glibc daemon(nochdir, noclose)                   */
	/* performed by the conductor (actor == SL_CONDUCTOR) */
	SL_OP_SYSCTL,      /* str=name (kernel.shmmni), str2=value, in the scenario's namespace */
	SL_OP_WAIT,        /* waits (bounded) until args[0].actor has ended, or
			    * (args[0] SL_VAL_STEP_TIME) until the clock's second
			    * is later than the one that step began in          */
	SL_OP_HANGUP,      /* closes the pty master: the terminal hangs up     */
	SL_OP_TTY_KEY,     /* args[0] = a character typed on the pty (^C = 3)  */
	SL_OP_EXPECT,      /* an expectation about kernel state: see below     */
	/* sessions and daemons (issue 5), added last so that earlier values keep their numbers */
	SL_OP_CATCH,       /* actor: args[0] = signal; a handler records its receipt */
	SL_OP_FIND,        /* conductor: str = comm; the one live process of the
			    * namespace with that comm that is not an actor yet
			    * becomes new_actor, a found actor (observed, never driven) */
	SL_OP_FIND_SEGMENT,/* conductor: args[0] key, args[1] cpid (SL_VAL_NONE: any);
			    * the one segment of the namespace that matches -> shmid */
	/* process groups (issue 14) */
	SL_OP_GETPGID,     /* pid (0 = self)                   -> pgid         */
	SL_OP_GETPGRP,     /*                                  -> pgid         */
	SL_OP_GETPID,      /*                                  -> pid          */
	/* memory operations on an attachment (issue 14) */
	SL_OP_MPROTECT,    /* address, offset, length, prot                    */
	SL_OP_MUNMAP,      /* address, offset, length                          */
	SL_OP_MADVISE,     /* address, offset, length, advice                  */
	SL_OP_MREMAP,      /* address, offset, old length, new length, flags -> address */
	SL_OP_EXEC_SELF,   /* the actor execs its own program and goes on being driven */
	SL_OP_REMAP_FILE_PAGES, /* address, offset, length, page offset        */
	SL_OP__COUNT
};

/* ---- values ----------------------------------------------------------- */

enum sl_value_kind {
	SL_VAL_NONE,
	SL_VAL_NUM,        /* a literal                                        */
	SL_VAL_SLOT,       /* the value a previous step bound to a name        */
	SL_VAL_AUTO_KEY,   /* a key the harness chooses for this scenario      */
	SL_VAL_ACTOR,      /* an actor: its pid when a number is needed        */
	SL_VAL_STEP_TIME,  /* the wall-clock second at which step `num` began  */
};

struct sl_value {
	enum sl_value_kind kind;
	long long num;     /* SL_VAL_NUM; step index for SL_VAL_STEP_TIME      */
	int slot;          /* SL_VAL_SLOT                                       */
	int actor;         /* SL_VAL_ACTOR                                      */
};

/* ---- expected outcome of an operation --------------------------------- */

enum sl_expect_kind {
	SL_EXPECT_SUCCESS, /* default: the call succeeds                       */
	SL_EXPECT_FAILS,   /* the call fails with one of errnos[]              */
	SL_EXPECT_DIES,    /* the actor is killed by `signal` (0: any signal)  */
	SL_EXPECT_EXITS,   /* the process exits with `status` (exec, exit)     */
	SL_EXPECT_ANY,     /* whatever happens is recorded, nothing checked    */
};

struct sl_outcome_spec {
	enum sl_expect_kind kind;
	int errnos[SL_MAX_ERRNOS];
	int n_errnos;
	int signal;
	int status;
	int has_value;           /* success must also return `value`          */
	struct sl_value value;
};

/* ---- expectations about kernel state ---------------------------------- */

enum sl_target_kind {
	SL_TARGET_SEGMENT,   /* one segment, by the slot bound to its shmid     */
	SL_TARGET_NAMESPACE, /* the scenario's IPC namespace as a whole         */
	SL_TARGET_MAPS,      /* an actor's attachments, from /proc/PID/maps     */
	SL_TARGET_PROCESS,   /* an actor's process, from /proc/PID/...          */
	SL_TARGET_RESULT,    /* what an actor's shmctl filled in, by the slot it was
			      * bound to (`a shmctl seg IPC_STAT -> st`)     */
};

/* shmctl's args[5] (`via=raw`, `buf=bad|null`): the call made by the raw
 * system call instead of the actor's libc; the buffer an address nothing
 * is mapped at (the kernel's EFAULT), or NULL. */
#define SL_SHMCTL_VIA_RAW  1
#define SL_SHMCTL_BUF_BAD  2
#define SL_SHMCTL_BUF_NULL 4

enum sl_field {
	/* segment: IPC_STAT and /proc/sysvipc/shm */
	SL_F_GONE, SL_F_EXISTS, SL_F_KEY, SL_F_SHMID, SL_F_SIZE, SL_F_NATTCH,
	SL_F_PERMS, SL_F_MODE, SL_F_DEST, SL_F_LOCKED, SL_F_CPID, SL_F_LPID,
	SL_F_UID, SL_F_GID, SL_F_CUID, SL_F_CGID, SL_F_ATIME, SL_F_DTIME,
	SL_F_CTIME, SL_F_RSS, SL_F_SWAP,
	SL_F_IPCS_KEY, SL_F_IPCS_NATTCH, SL_F_IPCS_DEST, /* as `ipcs -m` prints them */
	/* namespace */
	SL_F_SEGMENTS,       /* number of segments in the namespace             */
	SL_F_SHMMNI, SL_F_SHMMAX, SL_F_SHMALL, SL_F_RMID_FORCED,
	/* maps: value is a segment slot unless said otherwise */
	SL_F_ATTACHED,       /* the actor has the segment mapped                */
	SL_F_DETACHED,       /* the actor does not have it mapped               */
	SL_F_MAPPED_DELETED, /* its mapping is named "SYSV<key> (deleted)"      */
	SL_F_ATTACHMENTS,    /* number of SYSV mappings (value: a number)       */
	/* process */
	SL_F_ALIVE, SL_F_DEAD, SL_F_EXIT_STATUS, SL_F_KILLED_BY,
	SL_F_PID, SL_F_PPID, SL_F_PGID, SL_F_SID, SL_F_TTY_NR, SL_F_TPGID,
	SL_F_UMASK, SL_F_CWD, SL_F_NFDS, SL_F_FD, SL_F_PUID, SL_F_PGID_GID,
	SL_F_DEVTTY_ERRNO,   /* errno of open("/dev/tty") from the process (0 = opens) */
	SL_F_SIG_IGNORED, SL_F_SIG_CAUGHT, SL_F_SIG_RECEIVED,
	/* maps, added last so that earlier values keep their numbers */
	SL_F_MAPPED_KEY,     /* a SYSV mapping is named "SYSV<key>" (value: a key) */
	/* process (issue 5) */
	SL_F_SIG_PENDING,    /* the signal is pending (SigPnd | ShdPnd); sig-received is
			      * what the actor's `catch` handler recorded */
	SL_F_COMM,           /* text: the process's name, as /proc/PID/comm has it */
	/* the actor's last program (issue 13) */
	SL_F_STDOUT,         /* text: what the program `exec` ran last wrote on stdout */
	SL_F_STDERR,         /* text: ... on stderr                             */
	/* namespace: the scenario's terminal (`terminal: pty`) */
	SL_F_TERMINAL,       /* text: what was written to the terminal so far   */
	/* a shmctl result (issue 14): also the segment fields for IPC_STAT,
	 * SHM_STAT, SHM_STAT_ANY, and shmmax shmmni shmall for IPC_INFO */
	SL_F_SHMMIN, SL_F_SHMSEG,                       /* IPC_INFO's shminfo    */
	SL_F_USED_IDS, SL_F_SHM_TOT, SL_F_SHM_RSS, SL_F_SHM_SWP, /* SHM_INFO's shm_info */
	SL_F_SWAP_ATTEMPTS, SL_F_SWAP_SUCCESSES,
	SL_F__COUNT
};

enum sl_cmp { SL_CMP_EQ, SL_CMP_NE, SL_CMP_LT, SL_CMP_LE, SL_CMP_GT, SL_CMP_GE, SL_CMP_TRUE,
	      SL_CMP_MATCH,      /* text ~ "regex": a POSIX extended regex matches it */
	      SL_CMP_NOMATCH };  /* text !~ "regex": it does not                */

struct sl_predicate {
	enum sl_field field;
	enum sl_cmp cmp;         /* SL_CMP_TRUE for flags such as `dest`, `gone` */
	int negated;             /* `!dest`, `not attached`                    */
	struct sl_value value;
	char *str;               /* string value: cwd=/, fd0=/dev/null          */
	int fd;                  /* SL_F_FD: which descriptor                   */
	int col;                 /* source column, for error messages           */
};

/* ---- fault injection (issue 6) ----------------------------------------- */

/* A fault is armed for the process of one step (the actor for built-in
 * operations, the program for `exec`) for the duration of that step, and
 * counts that process's system calls: see docs/fault-injection.md. */
enum sl_fault_kind {
	SL_FAULT_ERRNO,          /* the call fails with `err`, never runs       */
	SL_FAULT_SIGNAL_BEFORE,  /* `signal` arrives just before the call      */
	SL_FAULT_SIGNAL_AFTER,   /* the call runs; `signal` arrives before the next instruction */
	SL_FAULT_TRACE,          /* nothing injected: the calls are counted and reported */
};

struct sl_fault {
	enum sl_fault_kind kind;
	int syscall_nr;          /* which call (a syscall number)              */
	int first, last;         /* calls first..last (1-based); last 0 = every */
	int err;                 /* SL_FAULT_ERRNO                              */
	int signal;              /* SL_FAULT_SIGNAL_*                           */
	char comm[16];           /* only in a process of this name (its comm at
				  * the call), "" in any process of the step  */
};

/* ---- values given to a program ------------------------------------------ */

/* `{{NAME}}` in an `exec` argument or `env` value, or in the text of an
 * output expectation (`expect a stderr ~ "shmid {{seg}}"`): replaced, when
 * the step runs, by the value NAME is bound to then (a shmid, a key, an
 * address, an actor's pid ...), as a decimal number, or as `{{NAME:hex}}`
 * 0x..., or `{{NAME:key}}` 0x%08x (a key as ipcs shows it). */
enum sl_subst_format { SL_SUBST_DEC, SL_SUBST_HEX, SL_SUBST_KEY };
struct sl_subst {
	int word;                /* argv[word], or envp[-1 - word]; in an
				  * SL_OP_EXPECT step, preds[word].str      */
	unsigned at, len;        /* the `{{...}}` in that string               */
	struct sl_value value;
	enum sl_subst_format format;
	char env[40];            /* `{{$NAME}}`: the scenario's environment
				  * variable NAME (SHMLIFE_TMP ...), "" if a value */
};

/* `find comm=NAME ... -> d`: what else the process must be (all that is
 * given must hold), and which to take when several are. */
enum sl_find_pick { SL_FIND_ONE, SL_FIND_OLDEST, SL_FIND_NEWEST };
struct sl_find_filter {
	struct sl_value ppid;    /* its parent (a pid, an actor), SL_VAL_NONE any */
	char *exe;               /* /proc/PID/exe, NULL any                      */
	char *args;              /* a regex its command line (arguments joined by
				  * blanks) matches, NULL any                    */
	char *pidfile;           /* its pid is the first line of this file      */
	enum sl_find_pick pick;
};

/* ---- steps, actors, the scenario --------------------------------------- */

struct sl_step {
	enum sl_op op;
	int actor;                       /* actor index or SL_CONDUCTOR        */
	struct sl_value args[SL_MAX_ARGS];
	int nargs;
	char *str, *str2;                /* path, sysctl name and value        */
	unsigned char *bytes;            /* write: data; read: expected data   */
	size_t nbytes;
	char **argv;                     /* exec: NULL-terminated              */
	char **envp;                     /* exec: extra NAME=VALUE, NULL-terminated */
	int bind;                        /* slot bound to the result, or SL_NO_SLOT */
	int new_actor;                   /* fork: the actor the child becomes  */
	struct sl_outcome_spec outcome;
	/* SL_OP_EXPECT */
	enum sl_target_kind target;
	struct sl_value subject;         /* segment slot, or actor             */
	struct sl_predicate *preds;
	int npreds;
	/* faults armed for this step's actor before the step runs */
	struct sl_fault *faults;
	int nfaults;
	int claim;                       /* claim this step is evidence for, or -1 */
	int only_libc;                   /* [libc musl]: 1 + the enum sl_libc the step is
					  * for (it is not run with another); 0: every libc */
	int line, col;                   /* where the step was written         */
	char *text;                      /* the script line, for reports       */
	int invariant;                   /* keep-going runs: 1 + the index of the
					  * invariant this step judges; 0 if none */
	struct sl_subst *substs;         /* exec: values put into argv/envp, in order */
	int nsubsts;
	struct sl_find_filter *find;     /* SL_OP_FIND: the filters besides comm, or NULL */
	int within_ms;                   /* expect ... within 2s: observed again until
					  * every condition holds, at most this long;
					  * 0: once */
};

struct sl_actor_def {
	char *name;                      /* "owner", "workers[7]"              */
	int group;                       /* index of the first actor of its group */
	int spawned;                     /* 1: born of a fork, not started by the conductor */
	uid_t uid; gid_t gid; int has_ids;
	long rlimit_as, rlimit_nofile;   /* 0 = inherit                        */
	long rlimit_memlock;             /* RLIMIT_MEMLOCK bytes, 0 a real limit ... */
	int has_rlimit_memlock;          /* ... if this is set; else inherited  */
	int found;                       /* 1: named by `find`, not started by shmlife:
					  * observed and signalled, it performs no steps */
	char *user;                      /* user=NAME: that user's uid, gid and
					  * supplementary groups (initgroups), looked
					  * up when the actor starts; NULL: none */
};

struct sl_sysctl_req {
	char *name;                      /* kernel.shm_rmid_forced             */
	char *value;                     /* required value, or value to set    */
};

/* The C library an actor calls through (sl_run_options.libc): glibc, the
 * harness's own, or musl (`run --libc musl`, docs/libc.md). */
enum sl_libc { SL_LIBC_GLIBC, SL_LIBC_MUSL, SL_LIBC__COUNT };
const char *sl_libc_name(enum sl_libc l);  /* "glibc", "musl" */
/* The libc named `name`: 0 with *l, or -1. */
int sl_libc_from_name(const char *name, enum sl_libc *l);

struct sl_claim {
	char *id;                        /* short name                         */
	char *text;                      /* what is claimed                    */
	char *source;                    /* the study's words, a man page      */
	int kernel_agrees;               /* 1: the scenario expects the kernel to agree */
	/* `musl: agrees` (or glibc:): what the scenario expects when the
	 * actors call through that libc; -1: kernel_agrees */
	int agrees_with_libc[SL_LIBC__COUNT];
};

struct sl_invariant {                /* checked by `shmlife explore`       */
	char *name;
	struct sl_step *expect;          /* an SL_OP_EXPECT step               */
};

enum { SL_NEEDS_ROOT = 1, SL_NEEDS_HOST_ROOT = 2 }; /* sl_scenario.needs_root */

struct sl_scenario {
	char *name, *description, *file;
	char **tags; int ntags;
	/* requirements: unmet means SKIP with the reason */
	int needs_root;                  /* SL_NEEDS_ROOT: `requires: root`, root of
					  * the scenario's namespaces with every id
					  * (root, or a plain user whose subordinate
					  * ids are mapped: subid.h); SL_NEEDS_HOST_ROOT:
					  * `requires: host-root`, the machine's root */
	int min_kernel_major, min_kernel_minor;
	char **programs; int nprograms;  /* requires: program NAME [-- package P]: SKIP
					  * unless each is found in PATH (or beside
					  * shmlife); programs[i] "NAME\0PACKAGE" */
	struct sl_sysctl_req *requires; int nrequires; /* host values required */
	int terminal;                    /* 1: a pty is the session's controlling tty */
	int host_network;                /* 1 (`network: host`): the host's network
					  * namespace; 0: one of its own, loopback up */
	/* set inside the scenario's IPC namespace before the first step */
	struct sl_sysctl_req *sysctls; int nsysctls;
	struct sl_actor_def *actors; int nactors;
	struct sl_step *steps; int nsteps;
	char **slots; int nslots;        /* names bound by steps               */
	struct sl_claim *claims; int nclaims;
	struct sl_invariant *invariants; int ninvariants;
	int leak_expected;               /* segments left at the end are the point */
	int timeout_ms;                  /* per step; 0 = the run's default    */
	int line;                        /* line of the `scenario` header      */
	/* 1 (`keep-going`, and every run of `shmlife explore`): a step that does
	 * not go as expected is recorded but does not end the scenario, steps of
	 * an actor that has ended are skipped, and the verdict is the invariants'
	 * (steps with `invariant` set) and the leak check's. */
	int keep_going;
};

/* Builders.  Each returns NULL / -1 only when out of memory. */
struct sl_scenario *sl_scenario_new(const char *name);
void sl_scenario_free(struct sl_scenario *s);
int sl_scenario_add_tag(struct sl_scenario *s, const char *tag);
int sl_scenario_add_actor(struct sl_scenario *s, const char *name);
int sl_scenario_add_slot(struct sl_scenario *s, const char *name);
int sl_scenario_find_actor(const struct sl_scenario *s, const char *name);
int sl_scenario_find_slot(const struct sl_scenario *s, const char *name);
int sl_scenario_add_sysctl(struct sl_scenario *s, const char *name, const char *value);
/* requires: program NAME [package P]; 0, or -1 out of memory. */
int sl_scenario_add_program(struct sl_scenario *s, const char *name, const char *package);
int sl_scenario_add_claim(struct sl_scenario *s, const char *id, const char *text,
			  const char *source, int kernel_agrees);
/* Appends a step (zeroed, bind = SL_NO_SLOT, claim = -1) and returns it; the
 * pointer is valid until the next sl_scenario_add_step. */
struct sl_step *sl_scenario_add_step(struct sl_scenario *s, int actor, enum sl_op op);
/* Appends a condition to an expectation step: field f compared by cmp with
 * v.  Returns it (to set str or fd), or NULL when out of memory. */
struct sl_predicate *sl_step_add_pred(struct sl_step *st, enum sl_field f, enum sl_cmp cmp,
				      struct sl_value v);
/* The step must fail, with err or an errno given before (at most
 * SL_MAX_ERRNOS; more are ignored). */
void sl_step_expect_errno(struct sl_step *st, int err);
/* Frees what a step owns (strings, bytes, argv, predicates, faults) and
 * zeroes it; sl_scenario_free does this for every step. */
void sl_step_release(struct sl_step *st);
void sl_step_expect_signal(struct sl_step *st, int sig);

static inline struct sl_value sl_num(long long n) { struct sl_value v = { SL_VAL_NUM, n, 0, 0 }; return v; }
static inline struct sl_value sl_slot(int slot) { struct sl_value v = { SL_VAL_SLOT, 0, slot, 0 }; return v; }
static inline struct sl_value sl_actor(int actor) { struct sl_value v = { SL_VAL_ACTOR, 0, 0, actor }; return v; }
static inline struct sl_value sl_auto_key(void) { struct sl_value v = { SL_VAL_AUTO_KEY, 0, 0, 0 }; return v; }

/* Fault injection (issue 6; implemented in fault.c).  The calls a fault can
 * target, by name: shmget shmat shmdt shmctl, ftok (its stat of the path:
 * stat, newfstatat, statx without AT_EMPTY_PATH), fork (clone, clone3, fork,
 * vfork), setsid, open (open, openat, openat2, creat), mmap. */
/* The syscall number stored in sl_fault.syscall_nr for a call's name, or -1. */
int sl_fault_call_number(const char *name);
/* The name of the call a syscall number counts as, or NULL. */
const char *sl_fault_call_name(int syscall_nr);
/* The i-th call name (0-based), or NULL past the last. */
const char *sl_fault_call_at(int i);
/* Appends a fault to a step: calls first..last (last 0: every call from
 * first on) of `call`; `value` is the errno or the signal.  NULL if `call`
 * is unknown or out of memory. */
struct sl_fault *sl_step_add_fault(struct sl_step *st, enum sl_fault_kind kind, const char *call,
				   int first, int last, int value);
/* Why a fault cannot be armed (written into buf), or NULL if it can. */
const char *sl_fault_invalid(const struct sl_fault *f, char *buf, size_t len);

/* Names, for parsers and reports. */
const char *sl_op_name(enum sl_op op);
const char *sl_field_name(enum sl_field f);
/* 1 if the kernel keeps f as an unsigned 64-bit number (shmmax, shmall,
 * shmmni, size, nattch, rss, swap): its value in a predicate is the bit
 * pattern of that number in `num`, compared and printed unsigned. */
int sl_field_is_u64(enum sl_field f);
enum sl_target_kind sl_field_target(enum sl_field f);

/* ---- invariants (model/invariants.c) ---- */

/* Declares an invariant: returns its step (zeroed; bind = SL_NO_SLOT,
 * claim = -1) to fill in, as an SL_OP_EXPECT (actor SL_CONDUCTOR) or as an
 * operation of an actor; NULL when out of memory.  The pointer stays valid. */
struct sl_step *sl_scenario_add_invariant(struct sl_scenario *s, const char *name, int actor, enum sl_op op);
/* Appends a copy of each invariant's step after the last step, marked
 * (sl_step.invariant), for a keep-going run.  Done once: 0, or -1 when out
 * of memory.  The parser calls it for `keep-going` scripts. */
int sl_scenario_materialize_invariants(struct sl_scenario *s);

#endif
