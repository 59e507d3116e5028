/* wire.h - the conductor <-> actor protocol (internal).
 *
 * One SOCK_SEQPACKET socketpair per actor.  The conductor sends one command
 * message (a fixed header followed by a payload of strings and bytes) and the
 * actor answers with one reply message.  An actor that dies answers nothing:
 * the conductor sees the end of the channel and the process's pidfd.
 * A reply to `fork` carries the new actor's channel as SCM_RIGHTS; an
 * announcement (fault injection) carries a seccomp listener the same way.
 *
 * Every message starts with a magic and the protocol's version (checked on
 * receipt: a mismatch is EPROTO) and a sequence number: a reply or an
 * announcement carries the number of the command it answers, so that an
 * answer that comes after its step timed out is known as late and is never
 * taken for the answer to a later command.
 *
 * The trace entries the conductor streams to the harness through a pipe are
 * framed the same way (struct sl_trace_frame): magic, version and size.
 */
#ifndef SHMLIFE_WIRE_H
#define SHMLIFE_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shmlife/result.h"
#include "shmlife/scenario.h"

/* Where every actor keeps its end of the channel: out of the way of the
 * descriptors that scenarios open, close and count; under a lower
 * RLIMIT_NOFILE, the highest free descriptor below it (a reply says where). */
#define SL_CHANNEL_FD 1023

#define SL_WIRE_MAX_PAYLOAD (128 * 1024)

#define SL_WIRE_MAGIC 0x534c5743u    /* "SLWC": a command or a reply          */
#define SL_WIRE_VERSION 4            /* 2: sequence numbers; 3: the shmctl record; 4: fit */
#define SL_TRACE_MAGIC 0x534c5452u   /* "SLTR": a trace entry to the harness   */
#define SL_TRACE_VERSION 4            /* 2: the sandbox and leak records (SL_OBS_SANDBOX, SL_OBS_LEAK);
				       * 3: the calls record (SL_OBS_CALLS);
				       * 4: the shmctl record (SL_OBS_SHMCTL) */

/* Operations that are not steps of a script. */
enum sl_wire_op {
	SL_WIRE_QUIT = 1000,     /* flush coverage and _exit(0)                  */
	SL_WIRE_PROBE_TTY,       /* open("/dev/tty") and report the errno        */
	SL_WIRE_FLUSH,           /* flush coverage counters (before a planned kill) */
	SL_WIRE_ACK,             /* to an announcement: supervised, go on (inject.h) */
	SL_WIRE_SIGNALS,         /* the signals the actor's `catch` handlers saw (ret, a
				  * mask, bit n-1 = signal n), once every signal of the
				  * mask a[0] is among them or a[1] ms have passed */
};

/* Kinds of reply. */
enum sl_wire_reply_kind {
	SL_WIRE_REPLY_ANSWER = 0,   /* the step's answer                            */
	SL_WIRE_REPLY_ANNOUNCE,     /* a process of the step in progress is now under
				     * fault injection (pid; its new seccomp listener
				     * attached, or none if inherited; err if it could
				     * not be): the conductor answers SL_WIRE_ACK and
				     * keeps waiting for the answer                  */
	SL_WIRE_REPLY_BROKEN,       /* unasked, before the actor _exits: shmlife could
				     * not set it up (setup says why); BROK         */
	SL_WIRE_REPLY_OUTPUT,       /* exec, before its answer: the file that caught the
				     * program's stdout (ret 1) or stderr (ret 2) is
				     * attached; the conductor reads it            */
};

struct sl_wire_cmd {
	uint32_t magic;          /* SL_WIRE_MAGIC, set by sl_wire_send_cmd       */
	uint16_t version;        /* SL_WIRE_VERSION, likewise                    */
	uint16_t reserved;
	uint32_t seq;            /* the conductor's number for this command      */
	int32_t op;              /* enum sl_op or enum sl_wire_op                */
	int32_t step;
	int64_t a[SL_MAX_ARGS];  /* arguments, resolved to numbers               */
	int32_t nargs;
	uint32_t str_len;        /* bytes of str (with NUL) at payload[0]        */
	uint32_t data_len;       /* bytes of data following str                  */
	uint32_t argc;           /* exec: argv strings follow data, NUL-separated */
	uint32_t envc;           /* exec: then the environment strings           */
	uint32_t strings_len;    /* total bytes of argv + envp                   */
	int32_t nfaults;         /* > 0: the step's process is put under fault
				  * injection; the faults stay with the conductor */
	int32_t fit_known;       /* write, read: 1 if fit is said               */
	int64_t fit;             /* write, read: how many of the bytes lie in the
				  * mapping that holds the first, as the conductor
				  * read the actor's maps just before (the actor
				  * is idle, so they hold; not said while it is
				  * busy with a late command); else the actor
				  * reads its own maps */
};

struct sl_wire_reply {
	uint32_t magic;          /* SL_WIRE_MAGIC, set by sl_wire_send_reply     */
	uint16_t version;        /* SL_WIRE_VERSION, likewise                    */
	uint16_t reserved;
	uint32_t seq;            /* the seq of the command it answers            */
	int64_t ret;
	int32_t err;             /* errno, 0 on success                          */
	int32_t pid;             /* the process that answered                    */
	int32_t status;          /* exec: wait status of the program             */
	int32_t child_pid;       /* exec / fork: the child's pid                 */
	int32_t mismatch;        /* read: 1 if the bytes differ                  */
	uint32_t mismatch_at;    /* read: offset of the first different byte     */
	uint8_t got[16];         /* read: the bytes found there                  */
	uint32_t ngot;
	int32_t kind;            /* enum sl_wire_reply_kind                      */
	int32_t chan_fd;         /* where the actor keeps its end of the channel */
	int32_t exec_errno;      /* exec: the program could not be run (the exec's
				  * errno; the status is then exit 127)          */
	char setup[96];          /* shmlife's own set-up failed (not the step's
				  * call): what and why; "" if it did not         */
	struct sl_shmctl_obs shmctl; /* shmctl: what the call filled in, as the
				  * actor's libc returned it (kind NONE: nothing) */
};

/* A command with its payload, as the conductor builds it. */
struct sl_wire_msg {
	struct sl_wire_cmd cmd;
	char *payload;
	size_t payload_len;
};

/* Both set magic and version, and return 0, or -1 with errno (EPIPE /
 * ECONNRESET: the peer is gone). */
int sl_wire_send_cmd(int fd, const struct sl_wire_cmd *cmd, const void *payload, size_t len);
int sl_wire_send_reply(int fd, const struct sl_wire_reply *r, int pass_fd);

/* Receives one command and its payload.  Returns the bytes received
 * (header included, so > 0), 0 at the end of the channel, -1 on error
 * (EPROTO: not a command of this version). */
ssize_t sl_wire_recv_cmd(int fd, struct sl_wire_cmd *cmd, char *payload, size_t cap);
/* Receives one reply; *passed_fd gets a descriptor sent with it, or -1.
 * Returns 1, 0 on end of channel, -1 on error (EPROTO: not a reply of this
 * version; a descriptor sent with it is closed). */
int sl_wire_recv_reply(int fd, struct sl_wire_reply *r, int *passed_fd);

/* ---- the trace stream, conductor -> harness ------------------------------- */

struct sl_trace_frame {
	uint32_t magic;          /* SL_TRACE_MAGIC                               */
	uint16_t version;        /* SL_TRACE_VERSION                             */
	uint16_t reserved;
	uint32_t size;           /* sizeof(struct sl_trace_entry) that follows   */
	uint32_t reserved2;
};

/* One frame and its entry, in one write (smaller than PIPE_BUF: atomic).
 * 0, or -1 with errno. */
int sl_trace_send(int fd, const struct sl_trace_entry *e);
/* The same record (frame and entry) written into `out`, which holds
 * SL_TRACE_RECORD_SIZE bytes, for a writer that sends several at once. */
#define SL_TRACE_RECORD_SIZE (sizeof(struct sl_trace_frame) + sizeof(struct sl_trace_entry))
void sl_trace_frame_into(void *out, const struct sl_trace_entry *e);
/* NULL if the frame announces an entry of this build, else what is wrong
 * with it, in words. */
const char *sl_trace_frame_problem(const struct sl_trace_frame *f);

/* Writes an END entry with this outcome and reason to the trace pipe: the
 * last word of a process that fails before the conductor can speak. */
void sl_send_verdict(int fd, enum sl_outcome o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
