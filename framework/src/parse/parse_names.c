/* parse_names.c - tables of the names scripts use (errnos, signals, IPC and
 * open constants, operations, fields, IPC-namespace sysctls) and the
 * nearest-name suggestion. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "parse_names.h"

/* ---- errno ------------------------------------------------------------ */

#define E(x) { #x, x }
static const struct {
	const char *name;
	int value;
} errnos[] = {
	/* the primary name first: it is the one printed */
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
	E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK),
	E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
	E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE),
	E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
	E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
	E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI), E(EL2HLT),
	E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT),
	E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG), E(EREMOTE),
	E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT),
	E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC),
	E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ), E(ERESTART),
	E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE),
	E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),
	E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN),
	E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS),
	E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ESTALE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT),
	E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED),
	E(EKEYREVOKED), E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL),
	E(EHWPOISON),
	/* aliases */
	E(EWOULDBLOCK), E(EDEADLOCK), E(ENOTSUP),
};
#undef E
#define N_ERRNOS ((int)(sizeof(errnos) / sizeof(errnos[0])))

int slp_errno_by_name(const char *name)
{
	for (int i = 0; i < N_ERRNOS; i++)
		if (strcmp(errnos[i].name, name) == 0)
			return errnos[i].value;
	return -1;
}

const char *slp_errno_name(int err)
{
	for (int i = 0; i < N_ERRNOS; i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	return NULL;
}

/* ---- signals ---------------------------------------------------------- */

#define S(x) { #x, x }
static const struct {
	const char *name;
	int value;
} signals[] = {
	S(SIGHUP), S(SIGINT), S(SIGQUIT), S(SIGILL), S(SIGTRAP), S(SIGABRT), S(SIGBUS),
	S(SIGFPE), S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE), S(SIGALRM),
	S(SIGTERM), S(SIGSTKFLT), S(SIGCHLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP),
	S(SIGTTIN), S(SIGTTOU), S(SIGURG), S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM),
	S(SIGPROF), S(SIGWINCH), S(SIGIO), S(SIGPWR), S(SIGSYS),
	/* aliases */
	S(SIGIOT), S(SIGPOLL),
};
#undef S
#define N_SIGNALS ((int)(sizeof(signals) / sizeof(signals[0])))

int slp_signal_by_name(const char *name)
{
	for (int i = 0; i < N_SIGNALS; i++)
		if (strcmp(signals[i].name, name) == 0)
			return signals[i].value;
	if (strcmp(name, "SIGRTMIN") == 0)
		return SIGRTMIN;
	if (strcmp(name, "SIGRTMAX") == 0)
		return SIGRTMAX;
	return -1;
}

const char *slp_signal_name(int sig)
{
	for (int i = 0; i < N_SIGNALS; i++)
		if (signals[i].value == sig)
			return signals[i].name;
	return NULL;
}

/* ---- constants -------------------------------------------------------- */

#ifndef SHM_HUGE_SHIFT
#define SHM_HUGE_SHIFT 26
#endif
#ifndef SHM_HUGE_2MB
#define SHM_HUGE_2MB (21 << SHM_HUGE_SHIFT)
#endif
#ifndef SHM_HUGE_1GB
#define SHM_HUGE_1GB (30 << SHM_HUGE_SHIFT)
#endif

#define C(x, cls) { #x, (long long)(x), cls }
static const struct slp_const consts[] = {
	C(IPC_PRIVATE, SLC_KEY),
	C(IPC_CREAT, SLC_SHMGET), C(IPC_EXCL, SLC_SHMGET), C(SHM_HUGETLB, SLC_SHMGET),
	C(SHM_NORESERVE, SLC_SHMGET), C(SHM_HUGE_2MB, SLC_SHMGET),
	C(SHM_HUGE_1GB, SLC_SHMGET),
	C(SHM_RDONLY, SLC_SHMAT), C(SHM_RND, SLC_SHMAT), C(SHM_REMAP, SLC_SHMAT),
	C(SHM_EXEC, SLC_SHMAT),
	C(IPC_RMID, SLC_SHMCTL), C(IPC_SET, SLC_SHMCTL), C(IPC_STAT, SLC_SHMCTL),
	C(IPC_INFO, SLC_SHMCTL), C(SHM_LOCK, SLC_SHMCTL), C(SHM_UNLOCK, SLC_SHMCTL),
	C(SHM_STAT, SLC_SHMCTL), C(SHM_INFO, SLC_SHMCTL), C(SHM_STAT_ANY, SLC_SHMCTL),
	C(O_RDONLY, SLC_OPEN), C(O_WRONLY, SLC_OPEN), C(O_RDWR, SLC_OPEN),
	C(O_CREAT, SLC_OPEN), C(O_EXCL, SLC_OPEN), C(O_NOCTTY, SLC_OPEN),
	C(O_TRUNC, SLC_OPEN), C(O_APPEND, SLC_OPEN), C(O_NONBLOCK, SLC_OPEN),
	C(O_CLOEXEC, SLC_OPEN), C(O_DIRECTORY, SLC_OPEN), C(O_NOFOLLOW, SLC_OPEN),
	C(O_SYNC, SLC_OPEN),
	C(SHM_DEST, SLC_MODE), C(SHM_LOCKED, SLC_MODE),
	C(PROT_NONE, SLC_PROT), C(PROT_READ, SLC_PROT), C(PROT_WRITE, SLC_PROT), C(PROT_EXEC, SLC_PROT),
	C(MADV_NORMAL, SLC_MADV), C(MADV_RANDOM, SLC_MADV), C(MADV_SEQUENTIAL, SLC_MADV),
	C(MADV_WILLNEED, SLC_MADV), C(MADV_DONTNEED, SLC_MADV), C(MADV_REMOVE, SLC_MADV),
	C(MADV_DONTFORK, SLC_MADV), C(MADV_DOFORK, SLC_MADV), C(MADV_COLD, SLC_MADV),
	C(MADV_PAGEOUT, SLC_MADV), C(MADV_FREE, SLC_MADV),
	C(MREMAP_MAYMOVE, SLC_MREMAP),
};
#undef C
#define N_CONSTS ((int)(sizeof(consts) / sizeof(consts[0])))

const struct slp_const *slp_const_by_name(const char *name)
{
	for (int i = 0; i < N_CONSTS; i++)
		if (strcmp(consts[i].name, name) == 0)
			return &consts[i];
	return NULL;
}

const char *slp_const_class_text(unsigned cls)
{
	switch (cls) {
	case SLC_KEY: return "a key";
	case SLC_SHMGET: return "a shmget flag";
	case SLC_SHMAT: return "a shmat flag";
	case SLC_SHMCTL: return "a shmctl command";
	case SLC_OPEN: return "an open flag";
	case SLC_MODE: return "a mode bit";
	case SLC_PROT: return "a protection (PROT_READ, ...)";
	case SLC_MADV: return "an advice (MADV_DONTNEED, ...)";
	case SLC_MREMAP: return "an mremap flag (MREMAP_MAYMOVE)";
	default: return "a constant";
	}
}

const char *slp_shmctl_cmd_name(long long cmd)
{
	for (int i = 0; i < N_CONSTS; i++)
		if (consts[i].cls == SLC_SHMCTL && consts[i].value == cmd)
			return consts[i].name;
	return NULL;
}

/* ---- operations and fields --------------------------------------------- */

int slp_op_is_conductor(enum sl_op op)
{
	/* sysctl .. expect, and the conductor's steps added after them */
	return (op >= SL_OP_SYSCTL && op <= SL_OP_EXPECT) || op == SL_OP_FIND || op == SL_OP_FIND_SEGMENT;
}

int slp_op_by_name(const char *name)
{
	for (int op = 0; op < SL_OP__COUNT; op++)
		if (strcmp(sl_op_name((enum sl_op)op), name) == 0)
			return op;
	return -1;
}

int slp_field_by_name(const char *name)
{
	for (int f = 0; f < SL_F__COUNT; f++)
		if (strcmp(sl_field_name((enum sl_field)f), name) == 0)
			return f;
	return -1;
}

const char *slp_target_text(enum sl_target_kind t)
{
	switch (t) {
	case SL_TARGET_SEGMENT: return "segment";
	case SL_TARGET_NAMESPACE: return "namespace";
	case SL_TARGET_MAPS: return "maps";
	case SL_TARGET_PROCESS: return "process";
	case SL_TARGET_RESULT: return "shmctl result";
	}
	return "?";
}

/* ---- sysctls of the IPC namespace ------------------------------------- */

static const char *const ipc_sysctls[] = {
	"kernel.shmmax", "kernel.shmall", "kernel.shmmni", "kernel.shm_rmid_forced",
	"kernel.shm_next_id", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
	"kernel.msg_next_id", "kernel.sem", "kernel.sem_next_id",
	"fs.mqueue.queues_max", "fs.mqueue.msg_max", "fs.mqueue.msgsize_max",
	"fs.mqueue.msg_default", "fs.mqueue.msgsize_default", NULL,
};

int slp_sysctl_in_ipc_ns(const char *name)
{
	for (int i = 0; ipc_sysctls[i]; i++)
		if (strcmp(ipc_sysctls[i], name) == 0)
			return 1;
	return 0; /* fs.mqueue has exactly the five files above (ipc/mq_sysctl.c) */
}

/* ---- suggestions -------------------------------------------------------- */

#define SUGGEST_MAX_LEN 64

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int slp_edit_distance(const char *a, const char *b, int limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return limit + 1;
	size_t diff = la > lb ? la - lb : lb - la;
	if (diff > (size_t)limit)
		return limit + 1;
	/* three rows of the optimal string alignment table */
	int r0[SUGGEST_MAX_LEN + 1] = { 0 }, r1[SUGGEST_MAX_LEN + 1], r2[SUGGEST_MAX_LEN + 1];
	int *prev2 = r0, *prev = r1, *cur = r2;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		int rowmin = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			int cost = lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]);
			int v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 2]) &&
			    lower((unsigned char)a[i - 2]) == lower((unsigned char)b[j - 1]) &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > limit)
			return limit + 1;
		int *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > limit ? limit + 1 : prev[lb];
}

static int threshold(const char *word)
{
	size_t n = strlen(word);
	if (n <= 2)
		return 0;
	if (n <= 5)
		return 1;
	if (n <= 8)
		return 2;
	return 3;
}

void slp_suggest_init(struct slp_suggest *sg, const char *word)
{
	sg->word = word;
	sg->best = NULL;
	sg->dist = threshold(word) + 1;
}

void slp_suggest_add(struct slp_suggest *sg, const char *cand)
{
	if (!cand || !*cand || strcmp(cand, sg->word) == 0)
		return;
	int d = slp_edit_distance(sg->word, cand, threshold(sg->word));
	if (d < sg->dist || (d == sg->dist && sg->best && strcmp(cand, sg->best) < 0)) {
		if (d > threshold(sg->word))
			return;
		sg->dist = d;
		sg->best = cand;
	}
}

const char *slp_suggest_best(const struct slp_suggest *sg)
{
	return sg->best;
}

void slp_suggest_list(struct slp_suggest *sg, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		slp_suggest_add(sg, names[i]);
}

/* Offers `name` outright when the word is the name without its prefix
 * (KILL for SIGKILL, INVAL for EINVAL). */
static void suggest_prefixed(struct slp_suggest *sg, const char *name, size_t prefix)
{
	if (strcasecmp(sg->word, name + prefix) == 0) {
		sg->best = name;
		sg->dist = 0;
	}
}

void slp_suggest_errnos(struct slp_suggest *sg)
{
	for (int i = 0; i < N_ERRNOS; i++) {
		slp_suggest_add(sg, errnos[i].name);
		suggest_prefixed(sg, errnos[i].name, 1);
	}
}

void slp_suggest_signals(struct slp_suggest *sg)
{
	for (int i = 0; i < N_SIGNALS; i++) {
		slp_suggest_add(sg, signals[i].name);
		suggest_prefixed(sg, signals[i].name, 3);
	}
	slp_suggest_add(sg, "SIGRTMIN");
	slp_suggest_add(sg, "SIGRTMAX");
}

void slp_suggest_consts(struct slp_suggest *sg, unsigned cls)
{
	for (int i = 0; i < N_CONSTS; i++) {
		if (!(consts[i].cls & cls))
			continue;
		slp_suggest_add(sg, consts[i].name);
		/* rmid for IPC_RMID, rdonly for SHM_RDONLY */
		size_t prefix = strcspn(consts[i].name, "_");
		if (consts[i].name[prefix] == '_')
			suggest_prefixed(sg, consts[i].name, prefix + 1);
	}
}

void slp_suggest_ops(struct slp_suggest *sg, int conductor)
{
	for (int op = 0; op < SL_OP__COUNT; op++)
		if (slp_op_is_conductor((enum sl_op)op) == conductor)
			slp_suggest_add(sg, sl_op_name((enum sl_op)op));
}

void slp_suggest_fields(struct slp_suggest *sg, enum sl_target_kind t)
{
	for (int f = 0; f < SL_F__COUNT; f++)
		if (sl_field_target((enum sl_field)f) == t)
			slp_suggest_add(sg, sl_field_name((enum sl_field)f));
}
