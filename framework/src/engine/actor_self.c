/* actor_self.c - the actor process's own state (struct actor_self, actor.h)
 * and its coming under fault injection: what the operations (actor.c) and
 * the exec step (actor_exec.c) share, below both, so that neither calls the
 * other back. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "actor.h"
#include "inject.h"
#include "wire.h"

struct actor_self actor_self = { .channel_fd = SL_CHANNEL_FD, .lean_fd = -1 };

/* Under fault injection for the step in progress (actor.h). */
int actor_come_under_supervision(int always)
{
	int listener = -1, err = 0;
	if (!actor_self.supervised) {
		listener = inject_install_filter();
		if (listener < 0)
			err = errno;
		else
			actor_self.supervised = 1;
	} else if (!always) {
		return 0;
	}
	struct sl_wire_reply r;
	memset(&r, 0, sizeof(r));
	r.kind = SL_WIRE_REPLY_ANNOUNCE;
	r.seq = actor_self.current_seq;
	r.pid = getpid();
	r.err = err;
	int rc = sl_wire_send_reply(actor_self.channel_fd, &r, listener);
	if (listener >= 0)
		close(listener);
	struct sl_wire_cmd ack;
	char none[8];
	if (rc < 0 || sl_wire_recv_cmd(actor_self.channel_fd, &ack, none, sizeof(none)) <= 0 || ack.op != SL_WIRE_ACK ||
	    ack.seq != actor_self.current_seq) {
		errno = EPROTO;
		return -1;
	}
	errno = err;
	return err ? -1 : 0;
}
