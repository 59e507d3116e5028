/* actor.h - the actor: a process that performs real calls on the conductor's
 * orders (internal).
 *
 * The conductor forks, calls sl_actor_prepare() in the child, then
 * sl_actor_serve(), which never returns: it performs each command it is sent
 * and answers with what the kernel said, until told to quit, or until it
 * exits or dies because a step said so.
 */
#ifndef SHMLIFE_ACTOR_H
#define SHMLIFE_ACTOR_H

#include <stdint.h>

#include <stddef.h>

#include "shmlife/scenario.h"

struct sl_actor_boot {
	int channel;                     /* the actor's end of its channel     */
	int tty_fd;                      /* pty slave for 0/1/2, or -1 (/dev/null) */
	int lean_fd;                     /* the lean actor to become, opened before the
					  * ids change (its folder may be closed to
					  * them: fexecve needs no search), or -1 */
	int session_leader;              /* setsid() and take tty_fd as controlling terminal */
	const struct sl_actor_def *def;  /* uid/gid and rlimits                */
	long long auto_key;              /* passed to exec'd programs          */
	uint64_t signals_changed;        /* bit n-1: the conductor changed signal n's
					  * disposition (every other one it set to
					  * default when it started) */
};

/* Sets the child up: the signals of boot->signals_changed to default and
 * none blocked, stdio, the channel at SL_CHANNEL_FD,
 * every other descriptor closed, rlimits, ids.  Returns 0 or -1 with errno
 * (the caller reports it and _exits). */
int sl_actor_prepare(const struct sl_actor_boot *boot);
void sl_actor_serve(long long auto_key) __attribute__((noreturn));
/* After sl_actor_prepare(): becomes `program`, a lean actor built against
 * another C library (actor_lean.c: `program CHANNEL_FD AUTO_KEY`), which
 * serves the same commands on the same channel with the same pid; its own
 * calls go through its libc.  Never returns: if the exec fails, says why on
 * the channel and _exits. */
void sl_actor_exec_lean(const char *program, long long auto_key) __attribute__((noreturn));

/* The actor process's own state (actor_self.c), shared by actor.c and actor_exec.c. */
struct actor_self {
	int supervised;          /* 1 once this process (or the one it was forked
				  * from) is under a seccomp listener of the
				  * conductor's: a second cannot be installed */
	int lean_fd;             /* boot->lean_fd, kept just below the channel, or -1 */
	int channel_fd;          /* its end of the channel: SL_CHANNEL_FD, or
				  * lower when RLIMIT_NOFILE is lower */
	uint32_t current_seq;    /* the command being performed (wire.h): its
				  * answer and announcements carry it */
};
extern struct actor_self actor_self;

/* Puts this process under fault injection for the step in progress
 * (inject.h): installs the filter once, announces itself on the channel and
 * waits for the conductor's go-ahead.  One already supervised announces
 * itself only if `always` (a program's child: the conductor must learn its
 * pid).  0, or -1 with errno. */
int actor_come_under_supervision(int always);

/* actor_exec.c: the `exec` step (c->argc words, then c->envc NAME=VALUE, in
 * `strings`); r gets the program's pid and wait status, or why it could
 * not be run. */
struct sl_wire_cmd;
struct sl_wire_reply;
void actor_exec(const struct sl_wire_cmd *c, const char *strings, long long auto_key, struct sl_wire_reply *r);

/* actor_memory.c: `write`/`read` of a step's bytes at a[0] + a[1] (a
 * mismatch of `read` in r), and the mapping operations (mprotect, munmap,
 * madvise, mremap, remap_file_pages) on a[0] + a[1], length a[2]. */
struct sl_wire_cmd;
struct sl_wire_reply;
void actor_write(const struct sl_wire_cmd *c, const char *data, struct sl_wire_reply *r);
void actor_read(const struct sl_wire_cmd *c, const char *want, size_t len, struct sl_wire_reply *r);
void actor_memory_op(const struct sl_wire_cmd *c, struct sl_wire_reply *r);

#endif
