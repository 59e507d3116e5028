/* wire.c - sending and receiving conductor <-> actor messages, and framing
 * the trace entries streamed to the harness (wire.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"
#include "wire.h"

int sl_wire_send_cmd(int fd, const struct sl_wire_cmd *cmd, const void *payload, size_t len)
{
	struct sl_wire_cmd head = *cmd;
	head.magic = SL_WIRE_MAGIC;
	head.version = SL_WIRE_VERSION;
	struct iovec iov[2] = {
		{ .iov_base = &head, .iov_len = sizeof(head) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != sizeof(head) + len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int sl_wire_send_reply(int fd, const struct sl_wire_reply *r, int pass_fd)
{
	struct sl_wire_reply head = *r;
	head.magic = SL_WIRE_MAGIC;
	head.version = SL_WIRE_VERSION;
	struct iovec iov = { .iov_base = &head, .iov_len = sizeof(head) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (pass_fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && n != (ssize_t)sizeof(head)) {
		errno = EMSGSIZE;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

ssize_t sl_wire_recv_cmd(int fd, struct sl_wire_cmd *cmd, char *payload, size_t cap)
{
	struct iovec iov[2] = {
		{ .iov_base = cmd, .iov_len = sizeof(*cmd) },
		{ .iov_base = payload, .iov_len = cap },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	if ((size_t)n < sizeof(*cmd) || (mh.msg_flags & MSG_TRUNC) || cmd->magic != SL_WIRE_MAGIC ||
	    cmd->version != SL_WIRE_VERSION) {
		errno = EPROTO;
		return -1;
	}
	return n;
}

int sl_wire_recv_reply(int fd, struct sl_wire_reply *r, int *passed_fd)
{
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	*passed_fd = -1;
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return (int)n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(passed_fd, CMSG_DATA(c), sizeof(int));
	if (n != (ssize_t)sizeof(*r) || (mh.msg_flags & MSG_TRUNC) || r->magic != SL_WIRE_MAGIC ||
	    r->version != SL_WIRE_VERSION) {
		if (*passed_fd >= 0)
			close(*passed_fd);
		*passed_fd = -1;
		errno = EPROTO;
		return -1;
	}
	return 1;
}

void sl_trace_frame_into(void *out, const struct sl_trace_entry *e)
{
	struct sl_trace_frame f;
	memset(&f, 0, sizeof(f));
	f.magic = SL_TRACE_MAGIC;
	f.version = SL_TRACE_VERSION;
	f.size = (uint32_t)sizeof(*e);
	memcpy(out, &f, sizeof(f));
	memcpy((char *)out + sizeof(f), e, sizeof(*e));
}

int sl_trace_send(int fd, const struct sl_trace_entry *e)
{
	char msg[SL_TRACE_RECORD_SIZE];
	sl_trace_frame_into(msg, e);
	return sl_write_all(fd, msg, sizeof(msg));
}

const char *sl_trace_frame_problem(const struct sl_trace_frame *f)
{
	if (f->magic != SL_TRACE_MAGIC)
		return "not a trace record (bad magic)";
	if (f->version != SL_TRACE_VERSION)
		return "a trace record of another version of shmlife";
	if (f->size != sizeof(struct sl_trace_entry))
		return "a trace record of another size";
	return NULL;
}

void sl_send_verdict(int fd, enum sl_outcome o, const char *fmt, ...)
{
	struct sl_trace_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SL_ENTRY_END;
	e.step = e.actor = -1;
	e.brief.slot = -1;
	e.verdict = o;
	va_list ap;
	va_start(ap, fmt);
	sl_vsetf(e.detail, sizeof(e.detail), fmt, ap);
	va_end(ap);
	sl_trace_send(fd, &e);
}
