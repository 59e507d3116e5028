/* conductor_trace.c - the conductor's account of what happens, which every
 * part of it writes to: trace entries batched to the harness
 * (conductor_emit, conductor_trace_flush), events, the first failure
 * (conductor_fail), and the names of actors in them.  Calls nothing else of
 * the conductor, so that every conductor_*.c can use it. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conductor.h"
#include "util.h"
#include "wire.h"

const char *conductor_actor_name(const struct conductor *c, int idx)
{
	if (idx == SL_CONDUCTOR)
		return "conductor";
	return idx >= 0 && idx < c->s->nactors ? c->s->actors[idx].name : "?";
}

/* Trace records wait in the conductor until it would wait itself (for an
 * actor's answer longer than CONDUCTOR_FLUSH_MS, for a program, for the
 * teardown), until the oldest is CONDUCTOR_FLUSH_MS old when it waits (a
 * loop of short waits, `within`), or until CONDUCTOR_TRACE_BATCH are waiting: each write to the
 * pipe wakes the harness, and waking it for every entry cost a quarter of
 * the time of a scenario of many quick steps.  What is written before any
 * wait is what a hung or killed scenario still has: the harness kills a
 * conductor only when a limit has passed, which it spends waiting. */
#define CONDUCTOR_TRACE_BATCH 32

void conductor_trace_flush(struct conductor *c)
{
	if (c->trace_len && sl_write_all(c->trace_fd, c->trace_buf, c->trace_len) < 0)
		_exit(3); /* the harness is gone: nobody to report to */
	c->trace_len = 0;
}

void conductor_emit(struct conductor *c, const struct sl_trace_entry *e)
{
	if (!c->trace_buf)
		c->trace_buf = malloc(CONDUCTOR_TRACE_BATCH * SL_TRACE_RECORD_SIZE);
	if (!c->trace_buf) {
		if (sl_trace_send(c->trace_fd, e) < 0)
			_exit(3);
		return;
	}
	if (c->trace_len + SL_TRACE_RECORD_SIZE > CONDUCTOR_TRACE_BATCH * SL_TRACE_RECORD_SIZE)
		conductor_trace_flush(c);
	if (c->trace_len == 0)
		c->trace_since_ms = sl_now_ms();
	sl_trace_frame_into(c->trace_buf + c->trace_len, e);
	c->trace_len += SL_TRACE_RECORD_SIZE;
}

void conductor_fail(struct conductor *c, enum sl_outcome o, int step, const char *fmt, ...)
{
	if (c->outcome != SL_PASS)
		return;
	c->outcome = o;
	c->failed_step = step;
	va_list ap;
	va_start(ap, fmt);
	sl_vsetf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

void conductor_event_init(const struct conductor *c, struct sl_trace_entry *e, enum sl_outcome verdict)
{
	memset(e, 0, sizeof(*e));
	e->kind = SL_ENTRY_EVENT;
	e->step = e->actor = -1;
	e->verdict = verdict;
	e->t_ns = sl_now_ns() - c->t0;
	e->brief.slot = -1;
}

void conductor_event(struct conductor *c, enum sl_outcome verdict, const char *fmt, ...)
{
	struct sl_trace_entry e;
	conductor_event_init(c, &e, verdict);
	va_list ap;
	va_start(ap, fmt);
	sl_vsetf(e.detail, sizeof(e.detail), fmt, ap);
	va_end(ap);
	conductor_emit(c, &e);
}
