/* run.h - running scenarios against the real kernel.
 *
 * sl_run() runs one scenario and returns when it has ended, whatever way it
 * ended.  The scenario runs in a forked child that enters new IPC, PID and
 * mount namespaces; its conductor is PID 1 there, so that when it ends every
 * process of the scenario (daemons included) is killed by the kernel, and
 * the namespace with its segments is gone.  The host's segments are never
 * seen.
 *
 * For parallel runs, sl_job_start() / sl_job_fd() / sl_job_pump() /
 * sl_job_finish() expose the same machinery one scenario at a time, so a
 * caller can poll() many jobs at once.
 *
 * Threads.  sl_run() and sl_job_start() may be called from a
 * multi-threaded program (Criterion's workers have threads), and from
 * several threads at once, each with its own scenario and job: the
 * conductor is cloned straight from the caller only when the caller has a
 * single thread; otherwise through a process forked with fork(), so that
 * libc's fork handlers leave malloc and stdio sound in it whatever the
 * other threads were doing.  Neither it nor the conductor keeps any
 * descriptor of the caller's but its own trace pipe.  What is not safe:
 * - the thread that started a job must live until sl_job_finish(): the
 *   conductor (or its keeper) is killed when the thread that forked it ends
 *   (PR_SET_PDEATHSIG);
 * - one job is driven by one thread at a time (sl_job_* are not locked);
 * - the caller must not reap children it did not start with waitpid(-1)
 *   (a SIGCHLD handler doing so takes the conductor's status away: the
 *   result is then BROK "ended without a verdict" if no END arrived).
 */
#ifndef SHMLIFE_RUN_H
#define SHMLIFE_RUN_H

#include "shmlife/result.h"
#include "shmlife/scenario.h"

struct sl_run_options {
	int step_timeout_ms;         /* per step unless the scenario says; 0 = 5000 */
	int scenario_timeout_ms;     /* whole scenario; 0 = 30000              */
	int observe_every_step;      /* take a full segment snapshot after each step */
	const char *valgrind;        /* non-NULL: run actors under memcheck, XML files here */
	/* A scenario that runs a program (or has a {{$NAME}} value, a find by
	 * pid file, or runs under memcheck) gets an empty scratch folder of its
	 * own, SHMLIFE_TMP and TMPDIR in its processes' environment, made in scratch_root
	 * (NULL: $TMPDIR, else /tmp) and removed with everything in it when
	 * the scenario ends, unless kept: keep_scratch 1 keeps it when the
	 * scenario did not pass (sl_result.scratch names it), 2 always. */
	const char *scratch_root;
	int keep_scratch;
	double timeout_mul;          /* every limit times this (SHMLIFE_TIMEOUT_MUL); 0 = 1 */
	/* NULL: each actor is a fork of the conductor and calls through the
	 * harness's C library.  Else the path of a lean actor built against
	 * another one (bin/musl/shmlife-actor: `run --libc musl`,
	 * docs/libc.md), which each actor becomes once it is set up: its calls
	 * (shmget, shmat, ftok, daemon, setsid ...) and the programs it finds
	 * beside it go through that libc.  Not with valgrind. */
	const char *actor_program;
	/* NULL, or a program that understands the hidden subcommand
	 * `__spawner` (sl_spawner_main; the shmlife command names itself): a
	 * group of SL_SPAWNER_MIN (64) or more actors is forked from it, a
	 * fresh small process, instead of from a copy of the conductor.  Not
	 * with valgrind. */
	const char *spawner_program;
	enum sl_libc libc;           /* which libc that is (SL_LIBC_GLIBC without
				      * one): steps marked [libc NAME] run only
				      * with theirs, claims judge by it */
};

/* The hidden subcommand `__spawner` of a program named in
 * sl_run_options.spawner_program: its main(), given argv from
 * "__spawner" on.  Started by a scenario's conductor only; exits 2 when
 * run by hand.
 *
 *   if (argc >= 2 && strcmp(argv[1], "__spawner") == 0)
 *           return sl_spawner_main(argc - 1, argv + 1);                       */
int sl_spawner_main(int argc, char **argv);

/* Where a scenario's `exec` finds the program `name`: itself if it has a
 * '/', else the first executable of that name in $PATH, beside the running
 * executable (where scenarios/programs are built), or in the installed
 * programs' folder (libexec/shmlife), as an actor's exec tries them.  Its
 * path in `path` (len bytes): 0, or -1 with errno (ENOENT, ENAMETOOLONG).
 * Thread-safe; reads $PATH and /proc/self/exe.
 *
 *   char path[4096];
 *   if (sl_program_find("shmlife-producer", path, sizeof(path)) == 0)
 *           printf("exec runs %s\n", path);                                   */
int sl_program_find(const char *name, char *path, size_t len);

/* The lean actor built against the C library `libc` ("musl"): beside the
 * running executable (build tree: bin/musl/shmlife-actor) or in the
 * installed programs' folder (libexec/shmlife/musl/).  Its path in `path`:
 * 0, or -1 with errno (ENOENT: not built; EINVAL: not a name).  For
 * sl_run_options.actor_program.  Thread-safe.
 *
 *   char path[4096];
 *   if (sl_lean_actor_find("musl", path, sizeof(path)) == 0)
 *           o.actor_program = path;                                         */
int sl_lean_actor_find(const char *libc, char *path, size_t len);

/* The defaults; timeout_mul from $SHMLIFE_TIMEOUT_MUL (1 when unset or not
 * valid: the harness refuses a value that is not valid before it runs). */
void sl_run_options_default(struct sl_run_options *o);

/* $SHMLIFE_TIMEOUT_MUL, as LTP's LTP_TIMEOUT_MUL: a number from 1 to 1000,
 * decimals allowed (`2`, `1.5`).  Sets *mul (1 when unset or empty) and
 * returns 0, or -1 when the value is not such a number. */
int sl_timeout_mul_from_env(double *mul);

/* ms times o->timeout_mul (at least 1 ms, at most INT_MAX): what every step
 * and scenario limit is, declared by a script or by the options. */
int sl_run_scaled_ms(const struct sl_run_options *o, int ms);

/* Milliseconds on the clock that every deadline and duration of a run is
 * measured on (CLOCK_MONOTONIC, never set back): for a caller's own
 * deadlines and elapsed times beside a run's.  Thread- and fork-safe.
 *
 *   int64_t t0 = sl_run_clock_ms();  ... run ...
 *   printf("%lld ms\n", (long long)(sl_run_clock_ms() - t0));
 */
int64_t sl_run_clock_ms(void);

/* Runs `s` to its end.  Returns 0 and fills `r` (sl_result_init'ed by the
 * callee; free with sl_result_free) whatever the outcome; -1 only if the
 * harness itself could not start (errno set).  Requirements not met give
 * SL_SKIP with the reason. */
int sl_run(const struct sl_scenario *s, const struct sl_run_options *o, struct sl_result *r);

/* Why this machine cannot run `s` (requirements), or NULL if it can. */
const char *sl_requirements_unmet(const struct sl_scenario *s, char *buf, size_t len);

/* Can this machine make a scenario's sandbox at all (IPC, PID and mount
 * namespaces; as a plain user, a user namespace to be root in)?  Tries it in
 * a child process, which exits at once.  Returns 0 if it can; -1 with what
 * the machine lacks in `why` (one line) if not; -2 with why if the probe
 * itself could not be made (pipe, fork: the caller's own failure, which says
 * nothing about the machine).  Safe to call from any thread; it forks.  The
 * harness calls it once before running anything:
 *
 *     char why[256];
 *     if (sl_sandbox_probe(why, sizeof(why)) < 0)
 *             fprintf(stderr, "shmlife: %s\n", why);
 */
int sl_sandbox_probe(char *why, size_t len);

/* A running scenario.  sl_job_start starts s (which must outlive the job)
 * with o (NULL: the defaults) and returns at once; NULL only when out of
 * memory (a scenario that cannot start ends at once, BROK or SKIP, with its
 * reason).  Poll sl_job_fd, call sl_job_pump when it is readable or the
 * deadline passes, then sl_job_finish. */
struct sl_job;
struct sl_job *sl_job_start(const struct sl_scenario *s, const struct sl_run_options *o);
int sl_job_fd(const struct sl_job *j);             /* poll() it for POLLIN     */
int64_t sl_job_deadline_ms(const struct sl_job *j); /* CLOCK_MONOTONIC ms      */
/* Reads what the conductor sent.  Returns 1 while running, 0 once ended. */
int sl_job_pump(struct sl_job *j);
/* What the job has received so far (trace, namespaces); valid until the next
 * pump or finish. */
const struct sl_result *sl_job_peek(const struct sl_job *j);
/* Kills it if still running (TIMEOUT), reaps it, hands its result over.
 * The job is freed. */
void sl_job_finish(struct sl_job *j, struct sl_result *r);

#endif
