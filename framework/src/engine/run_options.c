/* run_options.c - a run's options (run.h): their defaults, the limits
 * scaled by SHMLIFE_TIMEOUT_MUL, and the run's clock.  Below everything that
 * runs a scenario (run.c, the sandbox, the conductor, valgrind's conductor),
 * which all read them. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "shmlife/run.h"
#include "util.h"

int sl_timeout_mul_from_env(double *mul)
{
	const char *v = getenv("SHMLIFE_TIMEOUT_MUL");
	double value = 0, scale = 1;
	int digits = 0, dot = 0;

	*mul = 1;
	if (!v || !*v)
		return 0;
	for (const char *c = v; *c; c++) {
		if (*c == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*c < '0' || *c > '9' || digits > 12)
			return -1;
		digits++;
		if (dot)
			value += (scale /= 10) * (*c - '0');
		else
			value = value * 10 + (*c - '0');
	}
	if (!digits || value < 1 || value > 1000)
		return -1;
	*mul = value;
	return 0;
}

int sl_run_scaled_ms(const struct sl_run_options *o, int ms)
{
	double mul = o && o->timeout_mul > 0 ? o->timeout_mul : 1;
	double scaled = (double)ms * mul;
	if (scaled >= (double)INT_MAX)
		return INT_MAX;
	return scaled < 1 ? 1 : (int)scaled;
}

int64_t sl_run_clock_ms(void)
{
	return sl_now_ms();
}

void sl_run_options_default(struct sl_run_options *o)
{
	memset(o, 0, sizeof(*o));
	o->step_timeout_ms = 5000;
	o->scenario_timeout_ms = 30000;
	sl_timeout_mul_from_env(&o->timeout_mul);
}
