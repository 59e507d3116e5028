/* inject_filter.c - the seccomp filter a process to be supervised installs
 * (inject.h, inject_install_filter): every call of the fault table
 * (model/fault.h) on this architecture goes to a new listener
 * (SECCOMP_RET_USER_NOTIF), but a stat of a descriptor (AT_EMPTY_PATH, an
 * fstat in disguise); anything else is allowed.  The supervisor that
 * answers the listener is inject.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject.h"

#if defined(__x86_64__)
#define INJECT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define INJECT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#define INJECT_AUDIT_ARCH 0
#endif

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#define INJECT_AT_EMPTY_PATH 0x1000

#define BPF_MAX 96
enum jump_to { TO_NEXT, TO_ALLOW, TO_NOTIFY }; /* resolved once the program is complete */

struct bpf_prog_buf {
	struct sock_filter ins[BPF_MAX];
	enum jump_to jt[BPF_MAX], jf[BPF_MAX];
	int n;
};

static void emit(struct bpf_prog_buf *b, struct sock_filter f, enum jump_to jt, enum jump_to jf)
{
	if (b->n >= BPF_MAX) {
		b->n = BPF_MAX + 1; /* too long: build_filter says so */
		return;
	}
	b->ins[b->n] = f;
	b->jt[b->n] = jt;
	b->jf[b->n] = jf;
	b->n++;
}

static uint32_t arg_low_word(int arg)
{
	uint32_t off = (uint32_t)(offsetof(struct seccomp_data, args) + 8 * (size_t)arg);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	off += 4;
#endif
	return off;
}

/* arch is ours, nr is one of inject_syscalls (a stat of a path, not an
 * fstat): notify; anything else: allow. */
static int build_filter(struct bpf_prog_buf *b)
{
	b->n = 0;
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	     TO_NEXT, TO_NEXT);
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, INJECT_AUDIT_ARCH, 0, 0), TO_NEXT,
	     TO_ALLOW);
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	     TO_NEXT, TO_NEXT);
	for (int i = 0; i < inject_nsyscalls; i++) {
		const struct inject_syscall *sc = &inject_syscalls[i];
		if (sc->empty_path_arg < 0) {
			emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)sc->nr, 0, 0),
			     TO_NOTIFY, TO_NEXT);
			continue;
		}
		/* the number matches: load the flags; AT_EMPTY_PATH (an fstat) goes through */
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)sc->nr, 0, 2),
		     TO_NEXT, TO_NEXT);
		emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg_low_word(sc->empty_path_arg)),
		     TO_NEXT, TO_NEXT);
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, INJECT_AT_EMPTY_PATH, 0, 0),
		     TO_ALLOW, TO_NOTIFY);
	}
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), TO_NEXT, TO_NEXT);
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF), TO_NEXT, TO_NEXT);
	if (b->n > BPF_MAX)
		return -1;
	const int target[3] = { 0, b->n - 2, b->n - 1 };
	for (int i = 0; i < b->n; i++) {
		if (b->jt[i] != TO_NEXT)
			b->ins[i].jt = (uint8_t)(target[b->jt[i]] - (i + 1));
		if (b->jf[i] != TO_NEXT)
			b->ins[i].jf = (uint8_t)(target[b->jf[i]] - (i + 1));
	}
	return 0;
}

int inject_install_filter(void)
{
	if (INJECT_AUDIT_ARCH == 0) {
		errno = ENOSYS;
		return -1;
	}
	struct bpf_prog_buf b;
	if (build_filter(&b) < 0) {
		errno = E2BIG;
		return -1;
	}
	struct sock_fprog prog = { .len = (unsigned short)b.n, .filter = b.ins };
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 && errno == EACCES) {
		/* without CAP_SYS_ADMIN a filter needs no_new_privs */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -1;
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	return fd;
}
