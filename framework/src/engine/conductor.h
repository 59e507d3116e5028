/* conductor.h - the conductor: PID 1 of a scenario's namespaces, which
 * starts the actors, drives them step by step in the script's order, takes
 * the observations, judges, and streams the trace to the harness (internal).
 */
#ifndef SHMLIFE_CONDUCTOR_H
#define SHMLIFE_CONDUCTOR_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "shmlife/result.h"
#include "shmlife/run.h"
#include "shmlife/scenario.h"
#include "wire.h"

enum actor_state { ACTOR_UNBORN, ACTOR_RUNNING, ACTOR_ENDED };

/* What the actor's last program wrote on stdout or stderr (conductor_output.c). */
struct conductor_output {
	int step;                        /* its exec step, -1 none             */
	uint64_t total;                  /* bytes written                      */
	size_t len;                      /* bytes kept (at most SL_OUTPUT_MAX) */
	char *data;                      /* len bytes and a NUL                */
};

struct conductor_actor {
	enum actor_state state;
	pid_t pid;                       /* its pid in the scenario's namespace */
	pid_t started_pid;               /* the conductor forked it: not an orphan */
	int chan;                        /* the conductor's end of its channel  */
	int chan_fd;                     /* the actor's end: its fd number there */
	int pidfd;                       /* -1 until its end is awaited, if own_child */
	int own_child;                   /* the conductor's child: none but the
					  * conductor can reap it, so its pid stays its
					  * own until then and its pidfd is opened only
					  * when its end is awaited (one descriptor an
					  * actor, not two: conductor_adopt_actor) */
	int wait_status;                 /* once ENDED                          */
	int died_at_step;
	uint32_t busy_seq;               /* a command that timed out, still being
					  * performed (its answer will be late), or 0 */
	int busy_step;                   /* its step, -1 if not a step's        */
	uint32_t ready_seq;              /* the question conductor_await_ready_all
					  * asked it and awaits the answer of, or 0 */
	int out_fd[2];                   /* the program's caught stdout, stderr
					  * (handed over before the answer), -1 */
	struct conductor_output out[2];  /* and what was read of them          */
};

struct reaped { pid_t pid; int status; };

struct conductor {
	const struct sl_scenario *s;
	const struct sl_run_options *o;
	int trace_fd;
	char *trace_buf;                 /* records not yet written (conductor_emit) */
	size_t trace_len;
	int64_t trace_since_ms;          /* when the oldest of them was made     */
	uint64_t t0;
	int step_timeout_ms;
	long long auto_key;
	struct conductor_actor *actors;
	long long *slots;
	char *slot_set;
	int *slot_segment;               /* address slot -> its segment's slot */
	struct sl_shmctl_obs **slot_result; /* slot -> what the shmctl that bound it
					  * filled in (NULL: none, conductor_result.c) */
	int last_segment;                /* slot of the segment last touched   */
	struct conductor_segment_ident *slot_ident; /* slot -> what never changes of
						     * the segment it was bound to */
	int64_t *step_wall;              /* wall second each step began        */
	int pty_master, pty_slave;       /* -1 without `terminal: pty`         */
	int pty_quiet;                   /* the master hung up (no slave open): not polled */
	struct conductor_output tty;     /* what was written to the terminal since the
					  * last step ended (conductor_output.c)   */
	struct conductor_output tty_all; /* ... since the scenario began: `expect terminal` */
	struct reaped *reaped;           /* statuses of processes we reaped    */
	int nreaped, capreaped;
	int reaper_fd;                   /* readable after a SIGCHLD, -1 none  */
	uint64_t signals_changed;        /* bit n-1: signal n's disposition is not
					  * the default (conductor_signal) */
	int current_step;                /* the step in progress, -1 between   */
	uint32_t next_seq;               /* the last command's number (wire.h) */
	struct sl_phase_times phases;
	enum sl_outcome outcome;
	char reason[512];
	int failed_step;
};

/* Runs the scenario; the process is PID 1 of fresh namespaces.  Returns the
 * exit status for the conductor process. */
int sl_conductor_main(const struct sl_scenario *s, const struct sl_run_options *o, int trace_fd);

/* conductor_actors.c */
/* conductor_step.c: performs step i and judges it (its entry is emitted;
 * a failure that decides the outcome is recorded with conductor_fail). */
void conductor_run_step(struct conductor *c, int i);
int conductor_start_actor(struct conductor *c, int idx);
/* In a new child: becomes actor idx on `channel` (its end); never returns. */
void conductor_actor_child(const struct conductor *c, int idx, int channel) __attribute__((noreturn));
/* Forks actor idx on a new channel: its pid, and the other end of its
 * channel in *chan; -1 with errno.  The conductor and the spawner use it. */
pid_t conductor_fork_actor_process(const struct conductor *c, int idx, int *chan);
/* conductor_spawner.c: starts every actor the conductor starts itself
 * through a spawner process (big groups; see there).  0, or -1 with `why`. */
#define SL_SPAWNER_MIN 64
int conductor_spawn_actors(struct conductor *c, char *why, size_t len);
/* Actor idx is process `pid`, reached on `chan` (-1: a found process).
 * own_child: the conductor is its parent (it or the spawner forked it).
 * 0, or -1 with errno (its pidfd cannot be had). */
int conductor_adopt_actor(struct conductor *c, int idx, pid_t pid, int chan, int own_child);
/* Starts actor idx as a child of actor `parent` (in its session and group). */
int conductor_fork_actor(struct conductor *c, int parent, int idx);
/* Sends the command of a step to its actor, numbered, and waits, bounded,
 * for the answer to it or for the actor's end; an actor still busy with a
 * command that timed out is first awaited (within the same bound), and any
 * answer to another command is recorded as late and discarded.  Returns 1
 * answered, 0 the actor ended (its wait status in the actor), -1 timed out
 * (busy_seq says which command the actor is still busy with), -2 harness
 * error (errno), -3 shmlife could not set the actor up (r->setup says why;
 * it has ended). */
int conductor_call(struct conductor *c, int idx, const struct sl_wire_cmd *cmd,
		   const void *payload, size_t len, struct sl_wire_reply *r, int *passed_fd);
/* Waits, bounded, until a new actor serves its channel, so that it has
 * finished setting itself up (descriptors, signals, session) before the next
 * step observes it.  0, or -1 with why it could not set itself up (it said
 * so, it ended, it hung): a failure of shmlife's own set-up, BROK. */
int conductor_await_ready(struct conductor *c, int idx, char *why, size_t len);
/* The same for every actor the conductor started itself, at once: all are
 * asked, then each answer awaited within the step's limit.  0, or -1 with
 * *failed the first that could not set itself up, and why. */
int conductor_await_ready_all(struct conductor *c, int *failed, char *why, size_t len);
/* Waits, bounded, until the actor has ended.  1 ended, 0 timed out. */
int conductor_wait_end(struct conductor *c, int idx, int timeout_ms);
/* `wait past time(...)`: waits, bounded, until the clock's whole second
 * (time(2), the one the kernel stamps segment times with) is later than the
 * one the step named began in; PASS, or TIMEOUT, with what the clock read. */
void conductor_wait_clock(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e);
/* Marks actors whose process has ended, collecting their status. */
void conductor_poll_ends(struct conductor *c);
/* PID 1's duty: reaps every child that has ended, now, remembering its
 * status; an orphan's end (pid, comm, status or signal) goes into the trace. */
void conductor_reap(struct conductor *c);
/* At teardown: waits for and reaps every child left (orphans included). */
void conductor_reap_all(struct conductor *c);
void conductor_remember_status(struct conductor *c, pid_t pid, int status);
/* Makes SIGCHLD wake the conductor's waits (conductor_poll); 0 or -1. */
/* sigaction(sig, sa) for the conductor, noting that signal n is no longer
 * at its default, so that actors reset it (c->signals_changed).  Every
 * change of a disposition in the conductor goes through here. */
struct sigaction;
int conductor_signal(struct conductor *c, int sig, const struct sigaction *sa);
/* Writes the trace records that wait in the conductor (conductor_emit) to
 * the harness; before anything that may block for long. */
void conductor_trace_flush(struct conductor *c);
#define CONDUCTOR_FLUSH_MS 2
int conductor_reaper_start(struct conductor *c);
/* inject_poll() (answering injected calls meanwhile) that also reaps ended
 * children as they end.  Returns as inject_poll: ready fds, 0, -1. */
int conductor_poll(struct conductor *c, struct pollfd *fds, int nfds, int timeout_ms);
void conductor_kill_all(struct conductor *c);

/* conductor_expect.c: performs an SL_OP_EXPECT step; fills e. */
void conductor_expect(struct conductor *c, int step, struct sl_trace_entry *e);

/* conductor_find.c: waits, bounded, until exactly one live process of the
 * namespace that is not a running actor has this comm, and adopts it as the
 * found actor idx (no channel: observed, waited for, signalled, not driven).
 * Returns its pid, or -1 with why it was not found in why. */
pid_t conductor_find(struct conductor *c, int idx, const char *comm, const struct sl_find_filter *f, char *why,
		     size_t len);
/* `find segment key=K cpid=P -> seg`: waits, bounded, until exactly one
 * segment of the namespace has key K (if by_key) and creator P (if cpid >
 * 0).  Returns its shmid, or -1 with why. */
int conductor_find_segment(struct conductor *c, int by_key, int32_t key, pid_t cpid, char *why, size_t len);

/* conductor_output.c: a caught stdout or stderr handed over by the actor
 * (SL_WIRE_REPLY_OUTPUT) is kept until the answer; then collected (read,
 * streamed to the harness, kept for `expect ACTOR stdout ...`). */
void conductor_output_fd(struct conductor *c, int idx, const struct sl_wire_reply *r, int fd);
void conductor_collect_output(struct conductor *c, int idx, int step, pid_t pid);
/* The terminal (`terminal: pty`): what the scenario's processes write to it
 * is read whenever the conductor waits (conductor_poll), so that none of
 * them blocks on a full terminal, the first SL_OUTPUT_MAX bytes of each
 * step kept; at the step's end it goes to the trace as stream 3. */
void conductor_drain_terminal(struct conductor *c, short revents);
/* Reads what is on the terminal now (without waiting). */
void conductor_read_terminal(struct conductor *c);
void conductor_flush_terminal(struct conductor *c, int step);
/* 1 if predicate p (stdout/stderr ~ !~ = !=) holds for actor idx's last
 * program's output, or (terminal) for what was written to the terminal so
 * far, the text being `want` (p->str with its {{NAME}} put in), 0 if not,
 * -1 if what the record keeps of it cannot say (more than SL_OUTPUT_MAX
 * bytes, a NUL byte); what was found, in words, in got. */
int conductor_judge_output(struct conductor *c, int idx, const struct sl_predicate *p, const char *want, char *got,
			   size_t len);

/* conductor_result.c: what an actor's shmctl filled in goes on its step's
 * entry, is kept for `expect NAME ...` if the step binds NAME, and is
 * compared with the kernel's own answer at once: a difference that holds
 * is the step's FAIL ("libc and the kernel disagree ...").
 * conductor_expect_result judges `expect NAME field=...` against it. */
void conductor_shmctl_result(struct conductor *c, const struct sl_step *st, const struct sl_shmctl_obs *got,
			     struct sl_trace_entry *e);
const struct sl_shmctl_obs *conductor_result_of(const struct conductor *c, int slot);

/* conductor_subst.c: `{{NAME}}` of step st in text (argv[index],
 * envp[-1 - index], or the text of expectation predicate index) put in:
 * written to w (NULL: only measured), the length returned; escaped for a
 * regex if escape.  conductor_expand returns it malloc'd (NULL: ENOMEM).
 * conductor_unbound_subst: the first {{NAME}} of the text index (INT_MIN:
 * any) whose name has no value now (its step did not succeed), or NULL. */
size_t conductor_put_word(const struct conductor *c, const struct sl_step *st, const char *word, int index, char *w,
			  int escape);
char *conductor_expand(const struct conductor *c, const struct sl_step *st, const char *text, int index, int escape);
const struct sl_subst *conductor_unbound_subst(const struct conductor *c, const struct sl_step *st, int index);
/* The first name a step uses as a value (an argument, the subject or a
 * value of an expectation, its outcome's value) that has no value now: the
 * step that binds it did not succeed (a run that keeps going goes on after
 * it; explore crashes an actor before it).  Its slot, or -1. */
int conductor_unbound_name(const struct conductor *c, const struct sl_step *st);
/* What never changes of a segment, kept when a step binds a name to it
 * (conductor_segment.c): a segment at its id that differs is another one. */
struct conductor_segment_ident {
	int known;
	int cpid;
	unsigned cuid, cgid;
	uint64_t size;
};
/* After each step: the brief of the segment it is about, or of the one
 * last touched (and, for a step that binds a segment, what identifies it). */
void conductor_brief_after(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e);
/* 1 if o is of another segment than the one the name `slot` was bound to:
 * o is then emptied to say the name's own is gone, and why says so. */
int conductor_segment_replaced(const struct conductor *c, int slot, struct sl_segment_obs *o, char *why, size_t len);
/* 1 if the segment at the id of name `slot` is now another one (IPC_STAT
 * asked now), why saying so; else 0. */
int conductor_segment_other_now(const struct conductor *c, int slot, char *why, size_t len);
/* A step about an actor without a process, or using a name without a value
 * (conductor_refuse.c): 1 with e judged (FAIL; the actor's, SKIP in a run
 * that keeps going, as explored), else 0: the step can be performed. */
int conductor_refuse_what_is_not_there(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e);

/* conductor.c */
long long conductor_value(const struct conductor *c, const struct sl_value *v);
/* The scenario's outcome becomes o, with why, unless it did not pass
 * already (the first failure is the one reported). */
void conductor_fail(struct conductor *c, enum sl_outcome o, int step, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* conductor_end.c: the `find` actors alive after the last step (a malloc'd
 * flag per actor, or NULL), said as events; the leak check; the END entry. */
char *conductor_found_alive(struct conductor *c);
void conductor_report_found_at_end(struct conductor *c, const char *alive);
void conductor_check_leaks(struct conductor *c);
void conductor_send_end(struct conductor *c);
/* conductor_memory.c: 0 if a `write`/`read` of len bytes at addr in pid may
 * be sent (inside attachments, or running into unmapped memory, where it
 * faults as memory does), with *fit the bytes of it in the mapping that
 * holds addr (0: none does; -1: the maps could not be read); -1 with why if
 * it would touch other memory of the actor. */
int conductor_check_access(pid_t pid, const char *what, uint64_t addr, uint64_t len, int64_t *fit, char *why,
			   size_t wlen);
/* 0 if every mapping of pid that [addr, addr+len) reaches is a System V
 * attachment (holes are fine: mprotect and munmap say what they say of
 * them); -1 with why if it reaches other memory of the actor, or the maps
 * cannot be read.  For `mprotect` and `munmap`. */
int conductor_check_range(pid_t pid, const char *what, uint64_t addr, uint64_t len, char *why, size_t wlen);
void conductor_emit(struct conductor *c, const struct sl_trace_entry *e);
/* An EVENT entry with this verdict and text (no step, no actor). */
/* An EVENT entry of now, with verdict, to fill in and conductor_emit(). */
void conductor_event_init(const struct conductor *c, struct sl_trace_entry *e, enum sl_outcome verdict);
void conductor_event(struct conductor *c, enum sl_outcome verdict, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *conductor_actor_name(const struct conductor *c, int idx);

#endif
