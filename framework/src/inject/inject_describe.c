/* inject_describe.c - telling, at the end of a step, what the supervisor
 * did to each armed process: each fault that fired, in a line, and the
 * calls it counted, in a line and as a record (inject_plan.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "inject.h"
#include "inject_plan.h"
#include "util.h"

void inject_describe_fired(const struct plan *p, const struct fired *x, char *buf, size_t len)
{
	int k = snprintf(buf, len, "inject: pid %d: %s call %u: ", p->pid, inject_call_name(x->call), x->nth);
	if (k < 0 || (size_t)k >= len)
		return;
	switch (x->kind) {
	case SL_FAULT_ERRNO:
		snprintf(buf + k, len - (size_t)k, "failed with %s; the call did not run%s",
			 sl_errno_name(x->value), x->missed ? " (the process was gone)" : "");
		break;
	case SL_FAULT_SIGNAL_BEFORE:
		snprintf(buf + k, len - (size_t)k, "%s just before the call%s", sl_signal_name(x->value),
			 x->missed	  ? " (the process was gone; nothing sent)"
			 : x->held == 'b' ? " (blocked: left pending; the call ran)"
			 : x->held == 'i' ? " (ignored: dropped; the call ran)"
					  : "");
		break;
	case SL_FAULT_SIGNAL_AFTER:
		snprintf(buf + k, len - (size_t)k, "%s just after the call%s", sl_signal_name(x->value),
			 x->missed ? " (the process was gone before the call ran)" : " returned");
		break;
	case SL_FAULT_TRACE:
		snprintf(buf + k, len - (size_t)k, "counted");
		break;
	}
}

/* Steps are numbered from 1 where a reader sees them (p->step counts from 0). */
void inject_describe_calls(const struct plan *p, char *buf, size_t len)
{
	char name[64];
	if (p->renamed)
		snprintf(name, sizeof(name), "%s, until it became %s", p->comm, p->became);
	else
		snprintf(name, sizeof(name), "%s", p->comm);
	if (p->role == PLAN_ACTOR)
		snprintf(buf, len, "inject: calls of pid %d (actor of step %d):", p->pid, p->step + 1);
	else if (p->role == PLAN_PROGRAM)
		snprintf(buf, len, "inject: calls of pid %d (%s, program of step %d):", p->pid, name, p->step + 1);
	else if (p->parent)
		snprintf(buf, len, "inject: calls of pid %d (%s, child of pid %d %s, step %d):", p->pid, name,
			 p->parent, p->parent_comm, p->step + 1);
	else
		snprintf(buf, len, "inject: calls of pid %d (%s, reparented descendant of %s, step %d):", p->pid,
			 name, p->parent_comm, p->step + 1);
	for (int c = 0; c < IC__COUNT; c++)
		sl_appendf(buf, len, " %s=%u", inject_call_name(c), p->calls[c]);
}

void inject_calls_record(const struct plan *p, struct sl_calls_obs *o)
{
	_Static_assert(IC__COUNT <= SL_MAX_CALL_KINDS, "sl_calls_obs holds every kind of call");
	memset(o, 0, sizeof(*o));
	o->pid = p->pid;
	o->role = p->role == PLAN_ACTOR ? SL_CALLS_ACTOR : p->role == PLAN_PROGRAM ? SL_CALLS_PROGRAM : SL_CALLS_CHILD;
	o->parent_pid = p->role == PLAN_CHILD ? p->parent : 0;
	memcpy(o->comm, p->comm, sizeof(o->comm));
	memcpy(o->parent_comm, p->parent_comm, sizeof(o->parent_comm));
	if (p->renamed)
		memcpy(o->became, p->became, sizeof(o->became));
	o->ncalls = IC__COUNT;
	for (int c = 0; c < IC__COUNT; c++)
		o->calls[c] = p->calls[c];
}
