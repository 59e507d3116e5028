/* scenario.c - building, naming and freeing the scenario model (scenario.h). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "shmlife/result.h"
#include "shmlife/scenario.h"

/* Grows *v (of *cap elements of `size`) so that it holds n + 1, and zeroes
 * element n, the one the caller fills next.  Only that one: zeroing the
 * whole new half made every page of it resident at once (a 100 000-step
 * script's trace and steps: 187 MB where 138 MB were used). */
static int grow(void **v, int n, int *cap, size_t size)
{
	if (n >= *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		void *nv = realloc(*v, (size_t)ncap * size);
		if (!nv)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	memset((char *)*v + (size_t)n * size, 0, size);
	return 0;
}

/* Capacities are kept beside the arrays, out of the public struct. */
struct scenario_box {
	struct sl_scenario s;
	int cap_tags, cap_actors, cap_steps, cap_slots, cap_sysctls, cap_claims;
};

struct sl_scenario *sl_scenario_new(const char *name)
{
	struct scenario_box *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->s.name = strdup(name ? name : "");
	if (!b->s.name) {
		free(b);
		return NULL;
	}
	return &b->s;
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void sl_step_release(struct sl_step *st)
{
	free(st->str);
	free(st->str2);
	free(st->bytes);
	free_strv(st->argv);
	free_strv(st->envp);
	for (int i = 0; i < st->npreds; i++)
		free(st->preds[i].str);
	free(st->preds);
	free(st->faults);
	free(st->text);
	free(st->substs);
	if (st->find) {
		free(st->find->exe);
		free(st->find->args);
		free(st->find->pidfile);
		free(st->find);
	}
	memset(st, 0, sizeof(*st));
}

int sl_scenario_add_program(struct sl_scenario *s, const char *name, const char *package)
{
	char **v = realloc(s->programs, (size_t)(s->nprograms + 1) * sizeof(*v));
	if (!v)
		return -1;
	s->programs = v;
	size_t a = strlen(name) + 1, b = package ? strlen(package) + 1 : 1;
	char *e = malloc(a + b);
	if (!e)
		return -1;
	memcpy(e, name, a);
	memcpy(e + a, package ? package : "", b);
	v[s->nprograms++] = e;
	return 0;
}

void sl_scenario_free(struct sl_scenario *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->description);
	free(s->file);
	for (int i = 0; i < s->ntags; i++)
		free(s->tags[i]);
	free(s->tags);
	for (int i = 0; i < s->nrequires; i++) {
		free(s->requires[i].name);
		free(s->requires[i].value);
	}
	free(s->requires);
	for (int i = 0; i < s->nprograms; i++)
		free(s->programs[i]);
	free(s->programs);
	for (int i = 0; i < s->nsysctls; i++) {
		free(s->sysctls[i].name);
		free(s->sysctls[i].value);
	}
	free(s->sysctls);
	for (int i = 0; i < s->nactors; i++) {
		free(s->actors[i].name);
		free(s->actors[i].user);
	}
	free(s->actors);
	for (int i = 0; i < s->nsteps; i++)
		sl_step_release(&s->steps[i]);
	free(s->steps);
	for (int i = 0; i < s->nslots; i++)
		free(s->slots[i]);
	free(s->slots);
	for (int i = 0; i < s->nclaims; i++) {
		free(s->claims[i].id);
		free(s->claims[i].text);
		free(s->claims[i].source);
	}
	free(s->claims);
	for (int i = 0; i < s->ninvariants; i++) {
		free(s->invariants[i].name);
		if (s->invariants[i].expect) {
			sl_step_release(s->invariants[i].expect);
			free(s->invariants[i].expect);
		}
	}
	free(s->invariants);
	free((struct scenario_box *)s);
}

static struct scenario_box *box(struct sl_scenario *s)
{
	return (struct scenario_box *)s;
}

int sl_scenario_add_tag(struct sl_scenario *s, const char *tag)
{
	if (grow((void **)&s->tags, s->ntags, &box(s)->cap_tags, sizeof(char *)))
		return -1;
	if (!(s->tags[s->ntags] = strdup(tag)))
		return -1;
	return s->ntags++;
}

int sl_scenario_add_actor(struct sl_scenario *s, const char *name)
{
	if (grow((void **)&s->actors, s->nactors, &box(s)->cap_actors, sizeof(*s->actors)))
		return -1;
	struct sl_actor_def *a = &s->actors[s->nactors];
	memset(a, 0, sizeof(*a));
	if (!(a->name = strdup(name)))
		return -1;
	a->group = s->nactors;
	return s->nactors++;
}

int sl_scenario_add_slot(struct sl_scenario *s, const char *name)
{
	if (grow((void **)&s->slots, s->nslots, &box(s)->cap_slots, sizeof(char *)))
		return -1;
	if (!(s->slots[s->nslots] = strdup(name)))
		return -1;
	return s->nslots++;
}

int sl_scenario_find_actor(const struct sl_scenario *s, const char *name)
{
	for (int i = 0; i < s->nactors; i++)
		if (strcmp(s->actors[i].name, name) == 0)
			return i;
	return -1;
}

int sl_scenario_find_slot(const struct sl_scenario *s, const char *name)
{
	for (int i = 0; i < s->nslots; i++)
		if (strcmp(s->slots[i], name) == 0)
			return i;
	return -1;
}

int sl_scenario_add_sysctl(struct sl_scenario *s, const char *name, const char *value)
{
	if (grow((void **)&s->sysctls, s->nsysctls, &box(s)->cap_sysctls, sizeof(*s->sysctls)))
		return -1;
	struct sl_sysctl_req *r = &s->sysctls[s->nsysctls];
	r->name = strdup(name);
	r->value = strdup(value);
	if (!r->name || !r->value) {
		free(r->name);
		free(r->value);
		r->name = r->value = NULL;
		return -1;
	}
	return s->nsysctls++;
}

const char *sl_libc_name(enum sl_libc l)
{
	return l == SL_LIBC_MUSL ? "musl" : "glibc";
}

int sl_libc_from_name(const char *name, enum sl_libc *l)
{
	for (int i = 0; i < SL_LIBC__COUNT; i++)
		if (strcmp(name, sl_libc_name((enum sl_libc)i)) == 0) {
			*l = (enum sl_libc)i;
			return 0;
		}
	return -1;
}

int sl_scenario_add_claim(struct sl_scenario *s, const char *id, const char *text,
			  const char *source, int kernel_agrees)
{
	if (grow((void **)&s->claims, s->nclaims, &box(s)->cap_claims, sizeof(*s->claims)))
		return -1;
	struct sl_claim *c = &s->claims[s->nclaims];
	c->id = strdup(id);
	c->text = strdup(text);
	c->source = strdup(source ? source : "");
	c->kernel_agrees = kernel_agrees;
	for (int i = 0; i < SL_LIBC__COUNT; i++)
		c->agrees_with_libc[i] = -1;
	if (!c->id || !c->text || !c->source) {
		free(c->id);
		free(c->text);
		free(c->source);
		c->id = c->text = c->source = NULL;
		return -1;
	}
	return s->nclaims++;
}

struct sl_step *sl_scenario_add_step(struct sl_scenario *s, int actor, enum sl_op op)
{
	if (grow((void **)&s->steps, s->nsteps, &box(s)->cap_steps, sizeof(*s->steps)))
		return NULL;
	struct sl_step *st = &s->steps[s->nsteps++];
	memset(st, 0, sizeof(*st));
	st->op = op;
	st->actor = actor;
	st->bind = SL_NO_SLOT;
	st->new_actor = -1;
	st->claim = -1;
	return st;
}

struct sl_predicate *sl_step_add_pred(struct sl_step *st, enum sl_field f, enum sl_cmp cmp,
				      struct sl_value v)
{
	struct sl_predicate *np = realloc(st->preds, (size_t)(st->npreds + 1) * sizeof(*np));
	if (!np)
		return NULL;
	st->preds = np;
	struct sl_predicate *p = &np[st->npreds++];
	memset(p, 0, sizeof(*p));
	p->field = f;
	p->cmp = cmp;
	p->value = v;
	return p;
}

void sl_step_expect_errno(struct sl_step *st, int err)
{
	st->outcome.kind = SL_EXPECT_FAILS;
	if (st->outcome.n_errnos < SL_MAX_ERRNOS)
		st->outcome.errnos[st->outcome.n_errnos++] = err;
}

void sl_step_expect_signal(struct sl_step *st, int sig)
{
	st->outcome.kind = SL_EXPECT_DIES;
	st->outcome.signal = sig;
}

static const char *const op_names[SL_OP__COUNT] = {
	[SL_OP_SHMGET] = "shmget", [SL_OP_SHMAT] = "shmat", [SL_OP_SHMDT] = "shmdt",
	[SL_OP_SHMCTL] = "shmctl", [SL_OP_FTOK] = "ftok", [SL_OP_WRITE] = "write",
	[SL_OP_READ] = "read", [SL_OP_FORK] = "fork", [SL_OP_EXIT] = "exit",
	[SL_OP_CRASH] = "crash", [SL_OP_KILL] = "kill", [SL_OP_EXEC] = "exec",
	[SL_OP_SETSID] = "setsid", [SL_OP_SETPGID] = "setpgid", [SL_OP_GETSID] = "getsid",
	[SL_OP_GETPGID] = "getpgid", [SL_OP_GETPGRP] = "getpgrp", [SL_OP_GETPID] = "getpid",
	[SL_OP_MPROTECT] = "mprotect", [SL_OP_MUNMAP] = "munmap", [SL_OP_MADVISE] = "madvise",
	[SL_OP_MREMAP] = "mremap", [SL_OP_EXEC_SELF] = "exec-self",
	[SL_OP_REMAP_FILE_PAGES] = "remap-file-pages",
	[SL_OP_UMASK] = "umask", [SL_OP_CHDIR] = "chdir", [SL_OP_CLOSE_FDS] = "close-fds",
	[SL_OP_NULL_STDIO] = "null-stdio", [SL_OP_OPEN] = "open",
	[SL_OP_FORK_DETACH] = "fork-detach", [SL_OP_DAEMON] = "daemon",
	[SL_OP_SYSCTL] = "sysctl", [SL_OP_WAIT] = "wait", [SL_OP_HANGUP] = "hangup",
	[SL_OP_TTY_KEY] = "key", [SL_OP_EXPECT] = "expect",
	[SL_OP_CATCH] = "catch", [SL_OP_FIND] = "find", [SL_OP_FIND_SEGMENT] = "find segment",
};

const char *sl_op_name(enum sl_op op)
{
	return (unsigned)op < SL_OP__COUNT && op_names[op] ? op_names[op] : "?";
}

static const struct {
	const char *name;
	enum sl_target_kind target;
} fields[SL_F__COUNT] = {
	[SL_F_GONE] = { "gone", SL_TARGET_SEGMENT },
	[SL_F_EXISTS] = { "exists", SL_TARGET_SEGMENT },
	[SL_F_KEY] = { "key", SL_TARGET_SEGMENT },
	[SL_F_SHMID] = { "shmid", SL_TARGET_SEGMENT },
	[SL_F_SIZE] = { "size", SL_TARGET_SEGMENT },
	[SL_F_NATTCH] = { "nattch", SL_TARGET_SEGMENT },
	[SL_F_PERMS] = { "perms", SL_TARGET_SEGMENT },
	[SL_F_MODE] = { "mode", SL_TARGET_SEGMENT },
	[SL_F_DEST] = { "dest", SL_TARGET_SEGMENT },
	[SL_F_LOCKED] = { "locked", SL_TARGET_SEGMENT },
	[SL_F_CPID] = { "cpid", SL_TARGET_SEGMENT },
	[SL_F_LPID] = { "lpid", SL_TARGET_SEGMENT },
	[SL_F_UID] = { "uid", SL_TARGET_SEGMENT },
	[SL_F_GID] = { "gid", SL_TARGET_SEGMENT },
	[SL_F_CUID] = { "cuid", SL_TARGET_SEGMENT },
	[SL_F_CGID] = { "cgid", SL_TARGET_SEGMENT },
	[SL_F_ATIME] = { "atime", SL_TARGET_SEGMENT },
	[SL_F_DTIME] = { "dtime", SL_TARGET_SEGMENT },
	[SL_F_CTIME] = { "ctime", SL_TARGET_SEGMENT },
	[SL_F_RSS] = { "rss", SL_TARGET_SEGMENT },
	[SL_F_SWAP] = { "swap", SL_TARGET_SEGMENT },
	[SL_F_IPCS_KEY] = { "ipcs-key", SL_TARGET_SEGMENT },
	[SL_F_IPCS_NATTCH] = { "ipcs-nattch", SL_TARGET_SEGMENT },
	[SL_F_IPCS_DEST] = { "ipcs-dest", SL_TARGET_SEGMENT },
	[SL_F_SEGMENTS] = { "segments", SL_TARGET_NAMESPACE },
	[SL_F_SHMMNI] = { "shmmni", SL_TARGET_NAMESPACE },
	[SL_F_SHMMAX] = { "shmmax", SL_TARGET_NAMESPACE },
	[SL_F_SHMALL] = { "shmall", SL_TARGET_NAMESPACE },
	[SL_F_RMID_FORCED] = { "shm_rmid_forced", SL_TARGET_NAMESPACE },
	[SL_F_ATTACHED] = { "attached", SL_TARGET_MAPS },
	[SL_F_DETACHED] = { "detached", SL_TARGET_MAPS },
	[SL_F_MAPPED_DELETED] = { "mapped-deleted", SL_TARGET_MAPS },
	[SL_F_ATTACHMENTS] = { "attachments", SL_TARGET_MAPS },
	[SL_F_ALIVE] = { "alive", SL_TARGET_PROCESS },
	[SL_F_DEAD] = { "dead", SL_TARGET_PROCESS },
	[SL_F_EXIT_STATUS] = { "exited", SL_TARGET_PROCESS },
	[SL_F_KILLED_BY] = { "killed", SL_TARGET_PROCESS },
	[SL_F_PID] = { "pid", SL_TARGET_PROCESS },
	[SL_F_PPID] = { "ppid", SL_TARGET_PROCESS },
	[SL_F_PGID] = { "pgid", SL_TARGET_PROCESS },
	[SL_F_SID] = { "sid", SL_TARGET_PROCESS },
	[SL_F_TTY_NR] = { "tty_nr", SL_TARGET_PROCESS },
	[SL_F_TPGID] = { "tpgid", SL_TARGET_PROCESS },
	[SL_F_UMASK] = { "umask", SL_TARGET_PROCESS },
	[SL_F_CWD] = { "cwd", SL_TARGET_PROCESS },
	[SL_F_NFDS] = { "nfds", SL_TARGET_PROCESS },
	[SL_F_FD] = { "fd", SL_TARGET_PROCESS },
	[SL_F_PUID] = { "puid", SL_TARGET_PROCESS },
	[SL_F_PGID_GID] = { "pgid-gid", SL_TARGET_PROCESS },
	[SL_F_DEVTTY_ERRNO] = { "devtty", SL_TARGET_PROCESS },
	[SL_F_SIG_IGNORED] = { "sig-ignored", SL_TARGET_PROCESS },
	[SL_F_SIG_CAUGHT] = { "sig-caught", SL_TARGET_PROCESS },
	[SL_F_SIG_RECEIVED] = { "sig-received", SL_TARGET_PROCESS },
	[SL_F_MAPPED_KEY] = { "mapped-key", SL_TARGET_MAPS },
	[SL_F_SIG_PENDING] = { "sig-pending", SL_TARGET_PROCESS },
	[SL_F_COMM] = { "comm", SL_TARGET_PROCESS },
	[SL_F_STDOUT] = { "stdout", SL_TARGET_PROCESS },
	[SL_F_STDERR] = { "stderr", SL_TARGET_PROCESS },
	[SL_F_TERMINAL] = { "terminal", SL_TARGET_NAMESPACE },
	[SL_F_SHMMIN] = { "shmmin", SL_TARGET_RESULT },
	[SL_F_SHMSEG] = { "shmseg", SL_TARGET_RESULT },
	[SL_F_USED_IDS] = { "used_ids", SL_TARGET_RESULT },
	[SL_F_SHM_TOT] = { "shm_tot", SL_TARGET_RESULT },
	[SL_F_SHM_RSS] = { "shm_rss", SL_TARGET_RESULT },
	[SL_F_SHM_SWP] = { "shm_swp", SL_TARGET_RESULT },
	[SL_F_SWAP_ATTEMPTS] = { "swap_attempts", SL_TARGET_RESULT },
	[SL_F_SWAP_SUCCESSES] = { "swap_successes", SL_TARGET_RESULT },
};

int sl_field_is_u64(enum sl_field f)
{
	switch (f) {
	case SL_F_SIZE: case SL_F_NATTCH: case SL_F_RSS: case SL_F_SWAP:
	case SL_F_SHMMNI: case SL_F_SHMMAX: case SL_F_SHMALL:
	case SL_F_SHMMIN: case SL_F_SHMSEG: case SL_F_USED_IDS: case SL_F_SHM_TOT: case SL_F_SHM_RSS:
	case SL_F_SHM_SWP: case SL_F_SWAP_ATTEMPTS: case SL_F_SWAP_SUCCESSES:
		return 1;
	default:
		return 0;
	}
}

const char *sl_field_name(enum sl_field f)
{
	return (unsigned)f < SL_F__COUNT && fields[f].name ? fields[f].name : "?";
}

enum sl_target_kind sl_field_target(enum sl_field f)
{
	return (unsigned)f < SL_F__COUNT ? fields[f].target : SL_TARGET_SEGMENT;
}

/* ---- results ----------------------------------------------------------- */

static const char *const outcome_names[SL_OUTCOME__COUNT] = {
	"PASS", "FAIL", "BROK", "SKIP", "TIMEOUT",
};

const char *sl_outcome_name(enum sl_outcome o)
{
	return (unsigned)o < SL_OUTCOME__COUNT ? outcome_names[o] : "?";
}

void sl_result_init(struct sl_result *r)
{
	memset(r, 0, sizeof(*r));
	r->failed_step = -1;
}

void sl_result_free(struct sl_result *r)
{
	free(r->trace_packed);
	free(r->trace_at);
	r->trace_packed = NULL;
	r->trace_at = NULL;
	r->trace_len = r->trace_cap = 0;
	r->ntrace = r->captrace = 0;
	for (int i = 0; i < r->noutputs; i++)
		free(r->outputs[i].data);
	free(r->outputs);
	r->outputs = NULL;
	r->noutputs = r->capoutputs = 0;
}

const struct sl_output *sl_result_output(const struct sl_result *r, int step, int stream)
{
	for (int i = 0; i < r->noutputs; i++)
		if (r->outputs[i].step == step && r->outputs[i].stream == stream)
			return &r->outputs[i];
	return NULL;
}

int sl_result_add_output(struct sl_result *r, int step, int actor, int pid, const struct sl_output_chunk *c)
{
	if (c->stream < 1 || c->stream > 3 || c->len > SL_OUTPUT_CHUNK || c->offset > SL_OUTPUT_MAX ||
	    c->len > SL_OUTPUT_MAX - c->offset) {
		errno = EINVAL;
		return -1;
	}
	struct sl_output *o = (struct sl_output *)sl_result_output(r, step, c->stream);
	if (!o) {
		if (grow((void **)&r->outputs, r->noutputs, &r->capoutputs, sizeof(*o)))
			return -1;
		o = &r->outputs[r->noutputs++];
		memset(o, 0, sizeof(*o));
		o->step = step;
		o->actor = actor;
		o->pid = pid;
		o->stream = c->stream;
	}
	size_t end = (size_t)c->offset + c->len;
	if (end > o->len) {
		char *d = realloc(o->data, end + 1);
		if (!d)
			return -1;
		if (c->offset > o->len) /* a chunk lost: never happens on one pipe, but stay defined */
			memset(d + o->len, 0, c->offset - o->len);
		o->data = d;
		o->len = end;
		o->data[end] = '\0';
	}
	if (!o->data) {
		if (!(o->data = calloc(1, 1)))
			return -1;
	}
	memcpy(o->data + c->offset, c->data, c->len);
	o->total = c->total;
	return 0;
}

