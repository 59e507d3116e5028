/* conductor_clock.c - `wait past time(...)`: the conductor waits, bounded,
 * until the wall clock's whole second is later than the second a step began
 * in, so that a segment time the kernel stamps next (atime, dtime, ctime)
 * must differ from one it stamped then.
 *
 * The kernel stamps those times with ktime_get_real_seconds(), the
 * timekeeper's whole seconds, which time(2) reads too (the vDSO's coarse
 * copy is updated with them at each tick); shmlife takes a step's time the
 * same way.  CLOCK_REALTIME, interpolated between ticks, reaches the next
 * second up to a tick earlier: the wait sleeps until then, and then by a
 * millisecond at a time until time(2) says so. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "conductor.h"
#include "util.h"

static int wait_past(long long second, int timeout_ms, long long *now)
{
	int64_t deadline = sl_now_ms() + timeout_ms;
	for (;;) {
		*now = (long long)time(NULL);
		if (*now > second)
			return 1;
		int64_t left_ms = deadline - sl_now_ms();
		if (left_ms <= 0)
			return 0;
		struct timespec real;
		clock_gettime(CLOCK_REALTIME, &real);
		int64_t ns = ((int64_t)second + 1 - (int64_t)real.tv_sec) * 1000000000LL - real.tv_nsec;
		if (ns < 1000000)
			ns = 1000000; /* the fine clock is there; the coarse one follows within a tick */
		if (ns > left_ms * 1000000LL)
			ns = left_ms * 1000000LL;
		struct timespec nap = { (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
		while (nanosleep(&nap, &nap) < 0 && errno == EINTR)
			;
	}
}

void conductor_wait_clock(struct conductor *c, const struct sl_step *st, struct sl_trace_entry *e)
{
	long long past = conductor_value(c, &st->args[0]), now;
	int line = c->s->steps[st->args[0].num].line;
	int ok = wait_past(past, c->step_timeout_ms, &now);
	e->verdict = ok ? SL_PASS : SL_TIMEOUT;
	sl_setf(e->detail, sizeof(e->detail), "the clock read %lld%s past time(line %d) = %lld%s", now,
		ok ? "," : ", not", line, past, ok ? "" : " within the step's limit");
}
