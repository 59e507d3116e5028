/* result.h - what a run produces: outcomes, observations and the trace.
 *
 * Every structure here is plain, fixed-size data without pointers, except
 * struct sl_result which owns its trace array.  A trace entry is streamed
 * from the scenario's conductor (inside its namespaces) to the harness as is,
 * so the harness keeps the trace so far even when a scenario hangs or dies.
 */
#ifndef SHMLIFE_RESULT_H
#define SHMLIFE_RESULT_H

#include <stdint.h>
#include <sys/types.h>

enum sl_outcome { SL_PASS, SL_FAIL, SL_BROK, SL_SKIP, SL_TIMEOUT, SL_OUTCOME__COUNT };
const char *sl_outcome_name(enum sl_outcome o); /* "PASS", "FAIL", ... */

/* One segment as one view of the kernel reports it. */
struct sl_segment_view {
	int present;                 /* 0: this view does not know the segment */
	int shmid;
	int32_t key;
	unsigned mode;               /* perms with SHM_DEST / SHM_LOCKED bits  */
	uint64_t size;
	int cpid, lpid;
	uint64_t nattch;
	unsigned uid, gid, cuid, cgid;
	int64_t atime, dtime, ctime;
	uint64_t rss, swap;          /* bytes; /proc/sysvipc/shm only          */
};

/* One segment, from IPC_STAT and from /proc/sysvipc/shm, side by side. */
struct sl_segment_obs {
	int shmid;                   /* the segment asked about               */
	int stat_errno;              /* errno of shmctl(IPC_STAT), 0 if it worked */
	struct sl_segment_view stat; /* shmctl(IPC_STAT)                       */
	struct sl_segment_view proc; /* its row of /proc/sysvipc/shm           */
	int disagree;                /* the two views differ                   */
	int ipcs_run;                /* `ipcs -m` was asked (it costs a fork+exec) */
	int ipcs_present;            /* its row was found in `ipcs -m` output   */
	int32_t ipcs_key;            /* the key column                         */
	uint64_t ipcs_nattch;        /* the nattch column                      */
	int ipcs_dest;               /* the status column says "dest"          */
	char disagreement[160];      /* which fields, with both values         */
};

/* A segment's views (IPC_STAT and its /proc/sysvipc/shm row), and the
 * namespace's three counts, are read in rounds until one round agrees; a
 * disagreement is one that every one of SL_SNAPSHOT_ROUNDS rounds shows. */
#define SL_SNAPSHOT_ROUNDS 256

/* The namespace as a whole. */
struct sl_namespace_obs {
	int segments_shm_info;       /* SHM_INFO used_ids                      */
	int segments_proc;           /* rows of /proc/sysvipc/shm              */
	int segments_stat_any;       /* segments SHM_STAT_ANY walks            */
	uint64_t shmmax, shmall, shmmni;
	int rmid_forced;
};

/* An actor's System V attachments, from /proc/PID/maps. */
#define SL_MAX_MAPS 8
struct sl_map_entry {
	uint64_t start, end;
	int32_t key;                 /* from the name SYSV%08x                 */
	int shmid;                   /* the inode column                      */
	int deleted;                 /* "(deleted)"                           */
	int writable;
};
struct sl_maps_obs {
	int pid;
	int n;                       /* total SYSV mappings (may exceed SL_MAX_MAPS) */
	struct sl_map_entry map[SL_MAX_MAPS];
};

/* A process, from /proc/PID/{stat,status,fd,cwd}, and from the inside. */
#define SL_MAX_FDS 8
struct sl_process_obs {
	int pid;
	int alive;                   /* 0: gone or zombie                      */
	int ended;                   /* 1: exited or killed; status is known   */
	int exit_status;             /* WEXITSTATUS, -1 if killed              */
	int term_signal;             /* signal that killed it, 0 if none       */
	char state;                  /* R S Z ... from /proc/PID/stat          */
	int ppid, pgid, sid, tty_nr, tpgid;
	int umask;                   /* -1 if unknown                          */
	unsigned uid, gid;
	uint64_t sig_ignored, sig_caught, sig_pending; /* masks, bit n-1 = signal n */
	int devtty_errno;            /* errno of open("/dev/tty") inside it, -1 unknown */
	int nfds;
	/* The link's text as the kernel gave it, cut to fit where it is
	 * longer (its cut flag 1 then): a cut text is never judged equal to,
	 * or different from, one that it is the beginning of. */
	struct { int fd; char target[55]; char target_cut; } fds[SL_MAX_FDS];
	char cwd[63];
	char cwd_cut;
	char comm[17];
};

/* A short note of a segment's state after a step, for sequence diagrams. */
struct sl_segment_brief {
	int slot;                    /* the scenario slot naming it, -1 none   */
	int shmid;
	int present;
	int32_t key;
	uint64_t nattch;
	int dest;
};

/* Time spent in each phase of a run, in nanoseconds. */
struct sl_phase_times {
	uint64_t setup_ns;           /* namespaces, /proc, sysctls             */
	uint64_t fork_ns;            /* starting actors                        */
	uint64_t steps_ns;           /* performing operations                  */
	uint64_t observe_ns;         /* snapshots and expectations             */
	uint64_t teardown_ns;        /* killing, reaping, leak check           */
};

enum sl_entry_kind {
	SL_ENTRY_STEP,               /* a step of the scenario was performed   */
	SL_ENTRY_EVENT,              /* the harness says something (setup, leak, cleanup) */
	SL_ENTRY_END,                /* the conductor's final word: outcome    */
};

enum sl_obs_kind { SL_OBS_NONE, SL_OBS_SEGMENT, SL_OBS_NAMESPACE, SL_OBS_MAPS, SL_OBS_PROCESS,
		   SL_OBS_PHASES,  /* the END entry: where the time went */
		   SL_OBS_SANDBOX, /* an EVENT at the start: the scenario's namespaces */
		   SL_OBS_LEAK,    /* an EVENT at the end: segments left in the namespace */
		   SL_OBS_CALLS,   /* an EVENT at a step's end: a supervised process's calls */
		   SL_OBS_OUTPUT, /* a piece of a program's output (joined into outputs) */
		   SL_OBS_SHMCTL, /* a step: what the actor's own shmctl filled in */
		   SL_OBS_MEMCHECK };/* an EVENT after the end: memcheck's (run --valgrind) */

/* What an actor's own shmctl call filled in (SL_OBS_SHMCTL, on the step's
 * entry; `-> NAME` binds it for `expect NAME ...`): the structure as the
 * actor's C library returned it, widened to the kernel's types.  Which
 * part holds depends on the command (kind).  The conductor asks the kernel
 * the same question at once, by the raw system call; kernel_differs says
 * where the two answers differ ("" where they agree). */
enum sl_shmctl_kind {
	SL_SHMCTL_NONE,
	SL_SHMCTL_STAT,              /* IPC_STAT, SHM_STAT, SHM_STAT_ANY: struct shmid_ds */
	SL_SHMCTL_IPC_INFO,          /* struct shminfo                         */
	SL_SHMCTL_SHM_INFO,          /* struct shm_info                        */
};
struct sl_shmctl_obs {
	int kind;                    /* enum sl_shmctl_kind                    */
	int cmd;
	int id;                      /* the id (or SHM_STAT's index) it was given */
	long long ret;               /* what the call returned                 */
	struct sl_segment_view stat; /* STAT; shmid: the id asked, or the one SHM_STAT
				      * returned; rss and swap are not in shmid_ds: 0 */
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall; /* IPC_INFO          */
	uint64_t used_ids, shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes; /* SHM_INFO (pages) */
	char kernel_differs[160];
};

/* The scenario's namespaces, by inode number (as `ls -l /proc/PID/ns`
 * shows them), so that anyone can check later that they are gone. */
struct sl_sandbox_ids {
	uint64_t ipc_ns, pid_ns;
};

/* Segments left in the scenario's IPC namespace once every actor ended. */
/* What memcheck's XML files said (SL_OBS_MEMCHECK; valgrind.h), beside the
 * words of the event's detail: about one process's file, about the files as
 * a whole (none readable, the disk full), or the scenario's summary. */
enum sl_memcheck_role { SL_MEMCHECK_PROCESS, SL_MEMCHECK_FILES, SL_MEMCHECK_SUMMARY };
struct sl_memcheck_obs {
	enum sl_memcheck_role role;
	int pid;                     /* PROCESS: whose file (vg.PID.xml)       */
	int processes, errors, leaks, truncated; /* SUMMARY: the counts       */
	char dir[256];               /* SUMMARY: the folder of the XML files; ""
				      * if its path is longer (the detail says it) */
};

struct sl_leak_obs {
	int segments;
	int expected;                /* the scenario says `leak: expected`     */
};

/* The calls one process made while a step's faults were armed, counted by
 * the fault-injection supervisor (docs/fault-injection.md).  `calls[i]`
 * counts the call sl_fault_call_at(i) names ("shmget", ...). */
#define SL_MAX_CALL_KINDS 12
enum sl_calls_role {
	SL_CALLS_ACTOR,              /* the actor performing a built-in operation */
	SL_CALLS_PROGRAM,            /* the program `exec` ran                 */
	SL_CALLS_CHILD,              /* a process the program started: its child,
				      * grandchild ..., reparented or not       */
};
struct sl_calls_obs {
	int pid;
	enum sl_calls_role role;
	int parent_pid;              /* SL_CALLS_CHILD: its parent when first seen,
				      * 0 if it had been reparented already   */
	char comm[16];               /* its name (/proc/PID/comm) at its last call */
	char parent_comm[16];        /* the parent's, "" if unknown             */
	char became[16];             /* "": these are its calls until the step's end;
				      * else the name it took next (exec,
				      * PR_SET_NAME), whose calls are counted
				      * afresh in a record of their own         */
	unsigned ncalls;             /* how many entries of calls[] are used   */
	unsigned calls[SL_MAX_CALL_KINDS];
};

/* A program's output (issue 13): what the program an `exec` step ran wrote
 * on its stdout or stderr, the first SL_OUTPUT_MAX bytes of it.  The
 * conductor streams it to the harness in chunks (SL_OBS_OUTPUT events,
 * which the harness joins into sl_result.outputs, not into the trace). */
#define SL_OUTPUT_MAX (64 * 1024)
#define SL_OUTPUT_CHUNK 600
struct sl_output_chunk {
	int stream;                  /* 1 stdout, 2 stderr, 3 the terminal     */
	uint32_t offset, len;        /* where these bytes go in the output     */
	uint64_t total;              /* bytes the program wrote in all          */
	char data[SL_OUTPUT_CHUNK];
};
struct sl_output {
	int step;                    /* the exec step                          */
	int actor;
	int pid;                     /* the program's (0: the terminal's)      */
	int stream;                  /* 1 stdout, 2 stderr, 3 what was written to the
				      * terminal (`terminal: pty`) during the step */
	uint64_t total;              /* bytes it wrote; more than len: cut      */
	size_t len;                  /* bytes kept                             */
	char *data;                  /* len bytes and a NUL                    */
};

struct sl_trace_entry {
	enum sl_entry_kind kind;
	int step;                    /* index in scenario->steps, -1 if none  */
	int actor;                   /* actor index, SL_CONDUCTOR, or -1      */
	int pid;                     /* the process that performed it          */
	enum sl_outcome verdict;     /* PASS or FAIL for this entry; END: the scenario's */
	/* what the kernel answered */
	long long ret;               /* return value (shmid, address, ...)     */
	int err;                     /* errno, 0 on success                    */
	int signal;                  /* the actor died of this signal          */
	int exited;                  /* the actor exited ...                   */
	int exit_status;             /* ... with this status                   */
	int64_t wall_sec;            /* CLOCK_REALTIME second when it began    */
	uint64_t t_ns;               /* start, ns since the scenario began     */
	uint64_t dur_ns;             /* how long it took                       */
	char detail[240];            /* what was expected and what was seen    */
	struct sl_segment_brief brief; /* the step's segment after the step  */
	enum sl_obs_kind obs_kind;
	union {
		struct sl_segment_obs seg;
		struct sl_namespace_obs ns;
		struct sl_maps_obs maps;
		struct sl_process_obs proc;
		struct sl_phase_times phases;
		struct sl_sandbox_ids sandbox;
		struct sl_leak_obs leak;
		struct sl_calls_obs calls;
		struct sl_output_chunk output;
		struct sl_shmctl_obs shmctl;
		struct sl_memcheck_obs memcheck;
	} obs;
};

struct sl_result {
	enum sl_outcome outcome;
	char reason[512];            /* why: failing step, what expected/seen  */
	int failed_step;             /* step index, -1 if none                 */
	uint64_t duration_ns;
	struct sl_phase_times phases;
	/* The trace: ntrace entries, kept packed (most of an entry's bytes are
	 * zeros); read one with sl_result_entry, add one with sl_result_append. */
	unsigned char *trace_packed;
	size_t trace_len, trace_cap;
	size_t *trace_at;            /* where entry i begins in trace_packed  */
	int ntrace, captrace;
	int leaked_segments;
	uint64_t ipc_ns, pid_ns;     /* inodes of the scenario's namespaces    */
	struct sl_output *outputs;   /* programs' stdout and stderr, by step   */
	int noutputs, capoutputs;
	char scratch[216];           /* the scenario's scratch folder, if it was
				      * kept (sl_run_options.keep_scratch); "" */
	int libc;                    /* enum sl_libc the actors called through */
};

/* An empty result (outcome PASS, no trace); sl_result_free releases what it
 * came to hold (the trace, the outputs) and leaves it empty again. */
void sl_result_init(struct sl_result *r);
void sl_result_free(struct sl_result *r);
/* Appends a copy of e to r's trace: 0, or -1 (ENOMEM) with r unchanged. */
int sl_result_append(struct sl_result *r, const struct sl_trace_entry *e);
/* Entry i of r's trace (0 <= i < r->ntrace), copied into *e; returns e.
 *
 *   struct sl_trace_entry e;
 *   for (int i = 0; i < r->ntrace; i++)
 *           if (sl_result_entry(r, i, &e)->kind == SL_ENTRY_STEP) ...
 */
const struct sl_trace_entry *sl_result_entry(const struct sl_result *r, int i, struct sl_trace_entry *e);
/* The last entry of r's trace leaves it (to put it back after others, or
 * to replace it); nothing if the trace is empty. */
void sl_result_drop_last(struct sl_result *r);
/* Adds a chunk of a program's output (an SL_OBS_OUTPUT event of step
 * `step`, actor `actor`, process `pid`) to r->outputs.  0, or -1 (ENOMEM). */
int sl_result_add_output(struct sl_result *r, int step, int actor, int pid, const struct sl_output_chunk *c);
/* The output `stream` (1, 2) of step `step`'s program, or NULL. */
const struct sl_output *sl_result_output(const struct sl_result *r, int step, int stream);

#endif
