/* conductor_step.c - one step of the script, as the conductor performs it:
 * an actor's call sent over its channel and its answer judged against the
 * expected outcome (with the brief IPC_STAT after it), or the conductor's
 * own step (expect, sysctl, wait, find, ...); steps about what is not there
 * refused (conductor_refuse.c); fault injection's report put into the step's
 * entry.
 * conductor.c calls conductor_run_step() for each step in order.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conductor.h"
#include "inject.h"
#include "shmlife/observe.h"
#include "util.h"
#include "verdict.h"

/* ---- steps ----------------------------------------------------------------- */

/* Serialises strings, data, argv and env of a step into one payload, the
 * values of {{NAME}} put in. */
static char *build_payload(const struct conductor *c, const struct sl_step *st, struct sl_wire_cmd *cmd, size_t *len)
{
	size_t n = 0;
	cmd->str_len = st->str ? (uint32_t)strlen(st->str) + 1 : 0;
	cmd->data_len = (uint32_t)st->nbytes;
	n = cmd->str_len + cmd->data_len;
	for (char **p = st->argv; p && *p; p++, cmd->argc++)
		n += conductor_put_word(c, st, *p, (int)(p - st->argv), NULL, 0) + 1;
	for (char **p = st->envp; p && *p; p++, cmd->envc++)
		n += conductor_put_word(c, st, *p, -1 - (int)(p - st->envp), NULL, 0) + 1;
	cmd->strings_len = (uint32_t)(n - cmd->str_len - cmd->data_len);
	char *buf = malloc(n ? n : 1);
	if (!buf)
		return NULL;
	char *w = buf;
	if (st->str)
		w = stpcpy(w, st->str) + 1;
	if (st->nbytes)
		w = (char *)memcpy(w, st->bytes, st->nbytes) + st->nbytes;
	for (char **p = st->argv; p && *p; p++)
		w += conductor_put_word(c, st, *p, (int)(p - st->argv), w, 0) + 1;
	for (char **p = st->envp; p && *p; p++)
		w += conductor_put_word(c, st, *p, -1 - (int)(p - st->envp), w, 0) + 1;
	*len = n;
	return buf;
}

static void answer_from_status(int status, struct op_answer *a)
{
	if (status == -1)
		return;
	if (WIFSIGNALED(status))
		a->signal = WTERMSIG(status);
	else if (WIFEXITED(status)) {
		a->exited = 1;
		a->status = WEXITSTATUS(status);
	}
}

static void describe_read_mismatch(const struct sl_step *st, const struct sl_wire_reply *r,
				   char *buf, size_t len)
{
	snprintf(buf, len, "bytes differ at offset %u: expected", r->mismatch_at);
	for (uint32_t i = 0; i < r->ngot && r->mismatch_at + i < st->nbytes; i++)
		sl_appendf(buf, len, " %02x", st->bytes[r->mismatch_at + i]);
	sl_appendf(buf, len, ", read");
	for (uint32_t i = 0; i < r->ngot; i++)
		sl_appendf(buf, len, " %02x", r->got[i]);
}

/* What the step's result means for the actors: new ones, moved ones.
 * -1 with why if a new actor could not be set up (BROK). */
static int after_answer(struct conductor *c, const struct sl_step *st, const struct sl_wire_reply *r,
			int passed_fd, char *why, size_t len)
{
	assert(st->actor >= 0 && st->actor < c->s->nactors);
	struct conductor_actor *a = &c->actors[st->actor];
	if (st->op == SL_OP_FORK && r->err == 0 && passed_fd >= 0 && st->new_actor >= 0) {
		assert(st->new_actor < c->s->nactors && c->actors[st->new_actor].state == ACTOR_UNBORN);
		if (conductor_adopt_actor(c, st->new_actor, r->child_pid, passed_fd, 0) < 0) {
			snprintf(why, len, "cannot follow its process %d: %s", (int)r->child_pid, strerror(errno));
			return -1;
		}
		return conductor_await_ready(c, st->new_actor, why, len);
	}
	if (passed_fd >= 0)
		close(passed_fd);
	if ((st->op == SL_OP_FORK_DETACH || st->op == SL_OP_DAEMON) && r->err == 0 && r->pid != a->pid) {
		if (a->pidfd >= 0)
			close(a->pidfd);
		a->pid = r->pid; /* the actor lives on in the child */
		a->own_child = 0; /* the child of its first process */
		a->pidfd = sl_pidfd_open(a->pid);
	}
	return 0;
}

/* The program of an `exec` could not be run: the status (127, as a shell
 * says) is the kernel's, the reason is said too. */
static void note_exec_failure(const struct sl_step *st, int err, char *detail, size_t len)
{
	const char *prog = st->argv && st->argv[0] ? st->argv[0] : "?";
	sl_appendf(detail, len, "; the program %s could not be run: %s (%s)%s", prog, strerror(err),
		   sl_errno_name(err), err == ENOENT ? ": not found" : "");
}

/* A call that brought no answer to judge: a timeout, a broken channel, or
 * shmlife's own set-up failing in the actor.  1 if so (e is judged). */
static int judged_without_answer(struct conductor *c, int i, int got, const struct sl_wire_reply *r,
				 int passed_fd, struct sl_trace_entry *e)
{
	const struct sl_step *st = &c->s->steps[i];
	const struct conductor_actor *a = &c->actors[st->actor];
	const char *name = conductor_actor_name(c, st->actor);
	if (got == 0 || (got == 1 && !r->setup[0]))
		return 0; /* an answer, or its end: the step's outcome says whether it should have */
	if (passed_fd >= 0)
		close(passed_fd);
	if (got == -1 && a->busy_step != i && a->busy_step >= 0 && a->busy_step < c->s->nsteps) {
		e->verdict = SL_TIMEOUT; /* not even sent: the actor never read it */
		sl_setf(e->detail, sizeof(e->detail),
			 "actor %s was still busy with line %d, which had timed out, for %d ms more", name,
			 c->s->steps[a->busy_step].line, c->step_timeout_ms);
	} else if (got == -1) {
		e->verdict = SL_TIMEOUT;
		sl_setf(e->detail, sizeof(e->detail), "actor %s did not answer within %d ms", name, c->step_timeout_ms);
	} else if (got == -2) {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "channel to actor %s failed: %s", name, strerror(errno));
	} else {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "shmlife's own set-up failed in actor %s: %s", name, r->setup);
	}
	return 1;
}

/* An actor that cannot perform the step (not born, ended, found): 1 with
 * e's verdict set, else 0. */
static int actor_cannot(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	const struct conductor_actor *a = &c->actors[st->actor];
	assert(a->state == ACTOR_UNBORN || a->state == ACTOR_RUNNING || a->state == ACTOR_ENDED);
	if (a->state != ACTOR_RUNNING) {
		e->verdict = c->s->keep_going ? SL_SKIP : SL_FAIL; /* keep-going: it crashed, as explored */
		sl_setf(e->detail, sizeof(e->detail), "actor %s %s; it cannot perform this step",
			 conductor_actor_name(c, st->actor),
			 a->state == ACTOR_UNBORN ? "was never born" : "has ended");
		return 1;
	}
	if (a->chan < 0) {
		e->verdict = SL_FAIL;
		sl_setf(e->detail, sizeof(e->detail),
			 "%s was found by 'find', not started by shmlife: it performs no steps",
			 conductor_actor_name(c, st->actor));
		return 1;
	}
	return 0;
}

/* A read, write or mapping operation outside what the actor has mapped is
 * the script's mistake, said before the actor faults: 1 with e BROK.  For a
 * read or write, what of it the mapping holds goes with the command. */
static int outside_the_mapping(const struct conductor_actor *a, const struct sl_step *st,
			       struct sl_wire_cmd *cmd, struct sl_trace_entry *e)
{
	char why[sizeof(e->detail)];
	int rc = 0;
	if ((st->op == SL_OP_WRITE || st->op == SL_OP_READ) && st->nbytes > 0) {
		rc = conductor_check_access(a->pid, st->op == SL_OP_WRITE ? "a write" : "a read",
					    (uint64_t)(cmd->a[0] + cmd->a[1]), st->nbytes, &cmd->fit, why, sizeof(why));
		/* the actor need not read its maps again, unless a command that timed
		 * out may still change them before this one runs */
		cmd->fit_known = cmd->fit >= 0 && !a->busy_seq;
	} else if (st->op == SL_OP_MPROTECT || st->op == SL_OP_MUNMAP || st->op == SL_OP_MADVISE ||
		 st->op == SL_OP_MREMAP || st->op == SL_OP_REMAP_FILE_PAGES)
		rc = conductor_check_range(a->pid, sl_op_name(st->op), (uint64_t)(cmd->a[0] + cmd->a[1]),
					   (uint64_t)cmd->a[2], why, sizeof(why));
	if (rc < 0) {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "%s", why);
		return 1;
	}
	return 0;
}

/* The command's payload (its strings, its bytes), its faults armed: the
 * payload (malloc'ed) and its length, or NULL with e's verdict set. */
static char *command_payload(struct conductor *c, int i, struct sl_wire_cmd *cmd, size_t *len,
			     struct sl_trace_entry *e)
{
	const struct sl_step *st = &c->s->steps[i];
	const struct sl_subst *unbound = conductor_unbound_subst(c, st, INT_MIN);
	if (unbound) {
		e->verdict = SL_FAIL;
		sl_setf(e->detail, sizeof(e->detail), "a value given to the program is not there: %.*s has no value now "
			 "(the step that binds it did not succeed)", (int)unbound->len,
			 unbound->word >= 0 ? st->argv[unbound->word] + unbound->at : st->envp[-1 - unbound->word] + unbound->at);
		return NULL;
	}
	char *payload = build_payload(c, st, cmd, len);
	if (!payload || *len > SL_WIRE_MAX_PAYLOAD) {
		free(payload);
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "step payload too large (%zu bytes)", *len);
		return NULL;
	}
	if (st->nfaults > 0) { /* inject.c answers the calls of the step's process */
		char why[160];
		if (inject_arm(i, c->actors[st->actor].pid, st->op == SL_OP_EXEC, st->faults, st->nfaults, why,
			       sizeof(why)) < 0) {
			free(payload);
			e->verdict = SL_BROK;
			sl_setf(e->detail, sizeof(e->detail), "cannot arm the faults: %s", why);
			return NULL;
		}
		cmd->nfaults = st->nfaults;
	}
	return payload;
}

/* What the actor answered: into ans, its value bound; `broke` says why a
 * new actor it made (fork) could not be set up. */
static void take_answer(struct conductor *c, int i, const struct sl_wire_reply *r, int passed_fd, struct op_answer *ans,
			struct sl_trace_entry *e, char *broke, size_t broke_len)
{
	const struct sl_step *st = &c->s->steps[i];
	ans->answered = 1;
	ans->ret = r->ret;
	ans->err = r->err;
	ans->address = st->op == SL_OP_SHMAT || st->op == SL_OP_MREMAP;
	e->pid = r->pid;
	if (st->op == SL_OP_EXEC && r->err == 0)
		answer_from_status(r->status, ans);
	if (st->op == SL_OP_EXEC)
		conductor_collect_output(c, st->actor, i, (pid_t)r->child_pid);
	if (after_answer(c, st, r, passed_fd, broke, broke_len) < 0 && !broke[0])
		snprintf(broke, broke_len, "unknown");
	if (st->bind >= 0 && r->err == 0) {
		assert(st->bind < c->s->nslots);
		c->slots[st->bind] = r->ret;
		c->slot_set[st->bind] = 1;
		if (st->op == SL_OP_SHMAT && st->args[0].kind == SL_VAL_SLOT)
			c->slot_segment[st->bind] = st->args[0].slot;
	}
}

static void perform_actor_step(struct conductor *c, int i, struct sl_trace_entry *e, struct op_answer *ans)
{
	assert(i >= 0 && i < c->s->nsteps);
	const struct sl_step *st = &c->s->steps[i];
	assert(st->actor >= 0 && st->actor < c->s->nactors);
	struct conductor_actor *a = &c->actors[st->actor];
	if (actor_cannot(c, st, e))
		return;
	struct sl_wire_cmd cmd;
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = st->op;
	cmd.step = i;
	cmd.nargs = st->nargs;
	for (int k = 0; k < st->nargs; k++)
		cmd.a[k] = conductor_value(c, &st->args[k]);
	if (outside_the_mapping(a, st, &cmd, e))
		return;
	size_t len = 0;
	char *payload = command_payload(c, i, &cmd, &len, e);
	if (!payload)
		return;
	e->pid = a->pid;
	struct sl_wire_reply r;
	memset(&r, 0, sizeof(r));
	int passed_fd = -1;
	int got = conductor_call(c, st->actor, &cmd, payload, len, &r, &passed_fd);
	free(payload);
	if (judged_without_answer(c, i, got, &r, passed_fd, e))
		return;
	char broke[160] = "";
	if (got == 0) {
		answer_from_status(a->wait_status, ans);
		a->died_at_step = i;
	} else {
		take_answer(c, i, &r, passed_fd, ans, e, broke, sizeof(broke));
	}
	long long want = st->outcome.has_value ? conductor_value(c, &st->outcome.value) : 0;
	e->verdict = verdict_outcome(&st->outcome, want, ans, e->detail, sizeof(e->detail));
	if (e->verdict == SL_PASS && st->op == SL_OP_READ && r.mismatch) {
		e->verdict = SL_FAIL;
		describe_read_mismatch(st, &r, e->detail, sizeof(e->detail));
	}
	if (r.exec_errno)
		note_exec_failure(st, r.exec_errno, e->detail, sizeof(e->detail));
	if (got > 0 && st->op == SL_OP_SHMCTL && r.err == 0 && r.shmctl.kind != SL_SHMCTL_NONE)
		conductor_shmctl_result(c, st, &r.shmctl, e);
	if (broke[0]) {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "the new actor %s could not be set up: %s",
			 conductor_actor_name(c, st->new_actor), broke);
	}
}

static void perform_conductor_step(struct conductor *c, int i, struct sl_trace_entry *e,
				   struct op_answer *ans)
{
	const struct sl_step *st = &c->s->steps[i];
	ans->answered = 1;
	e->pid = getpid(); /* the conductor performs it (PID 1), whatever process it is about */
	switch (st->op) {
	case SL_OP_SYSCTL:
		if (!sl_sysctl_is_ipc_namespaced(st->str)) {
			e->verdict = SL_BROK;
			sl_setf(e->detail, sizeof(e->detail), "%s is not a sysctl of the IPC namespace", st->str);
			return;
		}
		ans->ret = sl_sysctl_write(st->str, st->str2);
		ans->err = ans->ret < 0 ? errno : 0;
		break;
	case SL_OP_WAIT: {
		if (st->args[0].kind == SL_VAL_STEP_TIME) {
			conductor_wait_clock(c, st, e);
			return;
		}
		int idx = st->args[0].actor;
		if (!conductor_wait_end(c, idx, c->step_timeout_ms)) {
			e->verdict = SL_TIMEOUT;
			sl_setf(e->detail, sizeof(e->detail), "%s did not end within %d ms",
				 conductor_actor_name(c, idx), c->step_timeout_ms);
			return;
		}
		answer_from_status(c->actors[idx].wait_status, ans);
		ans->signal = ans->exited = 0; /* waiting succeeded; how it ended is for `expect` */
		break;
	}
	case SL_OP_HANGUP:
		ans->ret = c->pty_master >= 0 ? close(c->pty_master) : -1;
		ans->err = c->pty_master >= 0 ? 0 : ENOTTY;
		c->pty_master = -1;
		break;
	case SL_OP_TTY_KEY: {
		char ch = (char)conductor_value(c, &st->args[0]);
		ans->ret = c->pty_master >= 0 ? write(c->pty_master, &ch, 1) : -1;
		ans->err = ans->ret < 0 ? (c->pty_master >= 0 ? errno : ENOTTY) : 0;
		break;
	}
	case SL_OP_FIND:
		ans->ret = conductor_find(c, st->new_actor, st->str, st->find, e->detail, sizeof(e->detail));
		if (ans->ret < 0) {
			e->verdict = SL_FAIL;
			return;
		}
		/* e->pid stays the conductor's: the process found is the step's result */
		break;
	case SL_OP_FIND_SEGMENT: {
		long long key = st->args[0].kind == SL_VAL_NONE ? 0 : conductor_value(c, &st->args[0]);
		pid_t cpid = st->args[1].kind == SL_VAL_NONE ? 0 : (pid_t)conductor_value(c, &st->args[1]);
		ans->ret = conductor_find_segment(c, st->args[0].kind != SL_VAL_NONE, (int32_t)key, cpid, e->detail,
						  sizeof(e->detail));
		if (ans->ret < 0) {
			e->verdict = SL_FAIL;
			return;
		}
		assert(st->bind >= 0 && st->bind < c->s->nslots);
		c->slots[st->bind] = ans->ret;
		c->slot_set[st->bind] = 1;
		break;
	}
	default:
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "%s is not a conductor step", sl_op_name(st->op));
		return;
	}
	e->verdict = verdict_outcome(&st->outcome, 0, ans, e->detail, sizeof(e->detail));
}

#ifdef SHMLIFE_COVERAGE
/* Coverage builds: before a step that may kill actors (kill, a hangup or a
 * key on the terminal, an injected fault), every live actor writes and
 * resets its counters, so that a planned death loses none of them. */
static void flush_before_kills(struct conductor *c, const struct sl_step *st)
{
	if (st->op != SL_OP_KILL && st->op != SL_OP_HANGUP && st->op != SL_OP_TTY_KEY && !st->nfaults)
		return;
	struct sl_wire_cmd flush = { .op = SL_WIRE_FLUSH, .step = -1 };
	for (int a = 0; a < c->s->nactors; a++) {
		struct sl_wire_reply r;
		int fd = -1;
		if (c->actors[a].state == ACTOR_RUNNING && conductor_call(c, a, &flush, NULL, 0, &r, &fd) == 1 &&
		    fd >= 0)
			close(fd);
	}
}
#endif

struct fault_report { struct conductor *c; int step; };

static void report_fault(void *ctx, const char *text, const struct sl_calls_obs *calls)
{
	const struct fault_report *fr = ctx;
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_EVENT;
	e.step = fr->step;
	e.actor = fr->c->s->steps[fr->step].actor;
	e.verdict = SL_PASS;
	e.t_ns = sl_now_ns() - fr->c->t0;
	e.brief.slot = -1;
	sl_setf(e.detail, sizeof(e.detail), "%s", text);
	if (calls) {
		e.obs_kind = SL_OBS_CALLS; /* the record explore reads; the text is for people */
		e.obs.calls = *calls;
		e.pid = calls->pid;
	}
	conductor_emit(fr->c, &e);
}

/* The step's faults end with it: what they did goes into the trace. */
static void end_faults(struct conductor *c, int i, struct sl_trace_entry *e)
{
	struct fault_report fr = { c, i };
	int err = inject_step_end(i, report_fault, &fr);
	if (err && e->verdict != SL_BROK) {
		e->verdict = SL_BROK;
		sl_setf(e->detail, sizeof(e->detail), "cannot put the step's process under fault injection: %s",
			 strerror(err));
	}
}

/* Whether a step that did not pass decides the scenario's outcome: always,
 * but in keep-going runs, where only invariants and harness errors do. */
static int decides_outcome(const struct conductor *c, const struct sl_step *st, enum sl_outcome v)
{
	if (v == SL_PASS || v == SL_SKIP)
		return 0;
	return !c->s->keep_going || v == SL_BROK || st->invariant;
}

void conductor_run_step(struct conductor *c, int i)
{
	const struct sl_step *st = &c->s->steps[i];
	if (st->only_libc && st->only_libc - 1 != (int)c->o->libc) { /* [libc NAME]: another libc's step */
		conductor_event(c, SL_PASS, "line %d is for %s's actors only: not run with %s", st->line,
				sl_libc_name((enum sl_libc)(st->only_libc - 1)), sl_libc_name(c->o->libc));
		return;
	}
#ifdef SHMLIFE_COVERAGE
	flush_before_kills(c, st); /* before the clock starts */
#endif
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_STEP;
	e.step = i;
	e.actor = st->actor;
	e.brief.slot = -1;
	e.wall_sec = time(NULL);
	c->step_wall[i] = e.wall_sec;
	uint64_t start = sl_now_ns();
	e.t_ns = start - c->t0;
	struct op_answer ans;
	memset(&ans, 0, sizeof(ans));
	c->current_step = i;
	if (conductor_refuse_what_is_not_there(c, st, &e))
		ans.answered = 0; /* nothing was asked of the kernel */
	else if (st->op == SL_OP_EXPECT)
		conductor_expect(c, i, &e);
	else if (st->actor == SL_CONDUCTOR)
		perform_conductor_step(c, i, &e, &ans);
	else
		perform_actor_step(c, i, &e, &ans);
	if (st->nfaults > 0)
		end_faults(c, i, &e);
	if (st->op != SL_OP_EXPECT) {
		e.ret = ans.ret;
		e.err = ans.err;
		e.signal = ans.signal;
		e.exited = ans.exited;
		e.exit_status = ans.status;
	}
	uint64_t done = sl_now_ns();
	e.dur_ns = done - start;
	if (st->op == SL_OP_EXPECT)
		c->phases.observe_ns += e.dur_ns;
	else
		c->phases.steps_ns += e.dur_ns;
	conductor_brief_after(c, st, &e);
	if (c->o->observe_every_step && st->op != SL_OP_EXPECT && e.obs_kind == SL_OBS_NONE && e.brief.slot >= 0 &&
	    e.brief.present && observe_segment(e.brief.shmid, &e.obs.seg) == 0)
		e.obs_kind = SL_OBS_SEGMENT; /* `shmlife show`: a full snapshot after every step */
	c->phases.observe_ns += sl_now_ns() - done;
	conductor_flush_terminal(c, i);
	c->current_step = -1;
	if (decides_outcome(c, st, e.verdict))
		conductor_fail(c, e.verdict, i, "line %d: %s: %s", st->line, st->text ? st->text : sl_op_name(st->op),
		     e.detail);
	conductor_emit(c, &e);
}
