/* runner.c - the parallel pool: up to N jobs (run.h) at once, their pipes
 * polled together in this one process; a job is finished when it ends or
 * when its deadline passes (the engine then calls it TIMEOUT).  SIGINT,
 * SIGTERM, SIGHUP and SIGPIPE stop the run: every running job is finished
 * (which kills it), nothing new starts.  A second signal while stopping
 * kills the harness at once; the engine's processes die with it (they ask
 * for PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner.h"

static volatile sig_atomic_t stop_signal;
static char stop_starting_why[200];     /* runner_stop_starting(): no new job */
static int retries;                     /* runner_set_retries()               */

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NSTOP ((int)(sizeof(stop_signals) / sizeof(stop_signals[0])))

static void on_stop(int sig)
{
	if (stop_signal && sig != SIGPIPE) {
		signal(sig, SIG_DFL);       /* the second one is not caught */
		raise(sig);
		return;
	}
	if (!stop_signal)
		stop_signal = sig;
}

/* The stop signals that were ignored when the harness started (nohup):
 * they stay ignored.  Noted by runner_note_start(), before main() changes
 * any disposition. */
static int ignored_at_start[NSTOP];
static int catch_depth;
static struct sigaction saved_actions[NSTOP];

void runner_note_start(void)
{
	for (int i = 0; i < NSTOP; i++) {
		struct sigaction sa;
		ignored_at_start[i] = sigaction(stop_signals[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
	}
}

void runner_catch_signals(void)
{
	if (catch_depth++ > 0)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	for (int i = 0; i < NSTOP; i++)
		if (!ignored_at_start[i])
			sigaction(stop_signals[i], &sa, &saved_actions[i]);
}

void runner_release_signals(void)
{
	if (catch_depth <= 0 || --catch_depth > 0)
		return;
	for (int i = 0; i < NSTOP; i++)
		if (!ignored_at_start[i])
			sigaction(stop_signals[i], &saved_actions[i], NULL);
}

void runner_set_retries(int n)
{
	retries = n > 0 ? n : 0;
}

void runner_stop_starting(const char *why)
{
	if (!stop_starting_why[0])
		snprintf(stop_starting_why, sizeof(stop_starting_why), "%s", why);
}

int runner_stop_signal(void)
{
	return stop_signal;
}

void runner_test_raise(const char *moment)
{
	/* SHMLIFE_TEST_RAISE=SIGNAME@MOMENT: raise SIGNAME at MOMENT (tests only) */
	const char *v = getenv("SHMLIFE_TEST_RAISE"), *at = v ? strchr(v, '@') : NULL;
	if (!at || strcmp(at + 1, moment) != 0)
		return;
	for (int i = 0; i < NSTOP; i++) {
		const char *abbrev = sigabbrev_np(stop_signals[i]);
		if (abbrev && (size_t)(at - v) == 3 + strlen(abbrev) && strncmp(v, "SIG", 3) == 0 &&
		    strncmp(v + 3, abbrev, strlen(abbrev)) == 0)
			raise(stop_signals[i]);
	}
}

/* ---- the pool ----------------------------------------------------------- */

struct slot {
	struct sl_job *job;              /* NULL: free                          */
	int index;                       /* the item it runs                    */
	char first[440];                 /* its first attempt's outcome and reason */
};

struct pool {
	struct sl_report_item *items;
	int n, next;                     /* items; the next to start            */
	struct slot *slots;
	int nslots, running;
	struct pollfd *pfds;
	int *pfd_slot;                   /* slot of each pollfd                 */
	const struct sl_run_options *o;
	const struct runner_hooks *h;
};

static void finished(struct pool *p, int index)
{
	if (p->h && p->h->finished)
		p->h->finished(p->h->ctx, index);
}

static void settle(struct sl_result *r, enum sl_outcome o, const char *fmt, const char *arg)
{
	r->outcome = o;
	snprintf(r->reason, sizeof(r->reason), fmt, arg);
}

static void start_next(struct pool *p, struct slot *s)
{
	int index = p->next++;
	struct sl_report_item *it = &p->items[index];

	if (p->h && p->h->started)
		p->h->started(p->h->ctx, index);
	s->job = sl_job_start(it->scenario, p->o);
	if (!s->job) {
		settle(&it->result, SL_BROK, "the harness could not start the scenario: %s",
		       strerror(errno));
		finished(p, index);
		return;
	}
	s->index = index;
	s->first[0] = '\0';
	p->running++;
}

/* --retries: runs a scenario that did not pass again in its slot, up to
 * `retries` more times.  1 if it was started again. */
static int retry(struct pool *p, struct slot *s)
{
	struct sl_report_item *it = &p->items[s->index];
	enum sl_outcome o = it->result.outcome;

	if (it->attempts > retries || stop_signal || (o != SL_FAIL && o != SL_BROK && o != SL_TIMEOUT))
		return 0;
	if (it->attempts == 1)
		snprintf(s->first, sizeof(s->first), "%s: %.400s", sl_outcome_name(o), it->result.reason);
	struct sl_job *job = sl_job_start(it->scenario, p->o);
	if (!job)
		return 0;                /* this attempt's result stands */
	sl_result_free(&it->result);
	sl_result_init(&it->result);
	s->job = job;
	p->running++;
	return 1;
}

static void finish_slot(struct pool *p, struct slot *s)
{
	int index = s->index;
	struct sl_report_item *it = &p->items[index];
	sl_job_finish(s->job, &it->result);
	s->job = NULL;
	p->running--;
	it->attempts++;
	if (retry(p, s))
		return;
	if (it->attempts > 1 && it->result.outcome == SL_PASS) {
		it->flaky = 1;
		snprintf(it->result.reason, sizeof(it->result.reason), "passed on attempt %d; attempt 1: %s",
			 it->attempts, s->first);
	}
	finished(p, index);
}

/* Milliseconds until the nearest deadline (0 if one has passed or a job
 * needs no waiting), and the pollfds of the running jobs. */
static int prepare_poll(struct pool *p, int *npfds)
{
	int64_t now = sl_run_clock_ms(), wait = -1;

	*npfds = 0;
	for (int i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];
		if (!s->job)
			continue;
		int fd = sl_job_fd(s->job);
		int64_t left = sl_job_deadline_ms(s->job) - now;
		if (fd < 0 || left < 0)
			left = 0;
		if (wait < 0 || left < wait)
			wait = left;
		if (fd >= 0) {
			p->pfds[*npfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
			p->pfd_slot[(*npfds)++] = i;
		}
	}
	return wait > 60000 ? 60000 : (int)wait;
}

/* Waits for output, a deadline or a stop signal (race-free: the signals are
 * blocked from the check of stop_signal until ppoll() unblocks them). */
static int wait_for_jobs(struct pool *p, int npfds, int wait_ms)
{
	sigset_t block, saved;
	struct timespec ts = { wait_ms / 1000, (long)(wait_ms % 1000) * 1000000 };
	int n = 0;

	sigemptyset(&block);
	for (int i = 0; i < NSTOP; i++)
		sigaddset(&block, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &saved);
	if (!stop_signal)
		n = ppoll(p->pfds, (nfds_t)npfds, wait_ms < 0 ? NULL : &ts, &saved);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return n < 0 && errno != EINTR ? -1 : 0;
}

static void service_jobs(struct pool *p, int npfds)
{
	int64_t now = sl_run_clock_ms();

	for (int k = 0; k < npfds; k++) {
		struct slot *s = &p->slots[p->pfd_slot[k]];
		if (p->pfds[k].revents && !sl_job_pump(s->job))
			finish_slot(p, s);
	}
	for (int i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];
		if (s->job && (sl_job_fd(s->job) < 0 || sl_job_deadline_ms(s->job) <= now))
			finish_slot(p, s);
	}
}

/* Finishes (kills) what runs and settles what has not started; `why` is
 * "SIGINT" or the like. */
static void stop_everything(struct pool *p, const char *why)
{
	for (int i = 0; i < p->nslots; i++) {
		struct slot *s = &p->slots[i];
		if (!s->job)
			continue;
		int index = s->index;
		sl_job_finish(s->job, &p->items[index].result);
		s->job = NULL;
		p->running--;
		settle(&p->items[index].result, SL_BROK, "interrupted by %s: the run was stopped", why);
		finished(p, index);
	}
	for (; p->next < p->n; p->next++) {
		settle(&p->items[p->next].result, SL_SKIP, "not run: the run was stopped by %s", why);
		finished(p, p->next);
	}
}

int runner_run(struct sl_report_item *items, int n, int parallel, const struct sl_run_options *o,
	       const struct runner_hooks *h)
{
	struct pool p = { .items = items, .n = n, .o = o, .h = h };
	int sig;

	p.nslots = parallel < 1 ? 1 : parallel > n ? (n > 0 ? n : 1) : parallel;
	p.slots = calloc((size_t)p.nslots, sizeof(*p.slots));
	p.pfds = calloc((size_t)p.nslots, sizeof(*p.pfds));
	p.pfd_slot = calloc((size_t)p.nslots, sizeof(*p.pfd_slot));
	for (int i = 0; i < n; i++)
		sl_result_init(&items[i].result);
	if (!p.slots || !p.pfds || !p.pfd_slot) {
		for (int i = 0; i < n; i++) {
			settle(&items[i].result, SL_BROK, "the harness %s", "ran out of memory");
			finished(&p, i);
		}
		p.nslots = 0;
	}
	runner_catch_signals(); /* a signal already caught by the caller stops this run too */
	runner_test_raise("run");
	stop_starting_why[0] = '\0';
	int poll_failed = 0;
	while (p.nslots && !stop_signal && ((p.next < n && !stop_starting_why[0]) || p.running)) {
		for (int i = 0; i < p.nslots && p.next < n && !stop_signal && !stop_starting_why[0]; i++)
			if (!p.slots[i].job)
				start_next(&p, &p.slots[i]);
		if (!p.running)
			continue;
		int npfds, wait = prepare_poll(&p, &npfds);
		if (wait_for_jobs(&p, npfds, wait) < 0) {
			poll_failed = 1;    /* poll() itself failed: stop everything */
			break;
		}
		if (!stop_signal)
			service_jobs(&p, npfds);
	}
	sig = stop_signal;
	if (p.nslots && (sig || poll_failed)) {
		char why[32];
		if (sig)
			snprintf(why, sizeof(why), "SIG%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		else
			snprintf(why, sizeof(why), "a failure of poll()");
		stop_everything(&p, why);
	}
	for (; p.nslots && p.next < n; p.next++) { /* runner_stop_starting() */
		settle(&items[p.next].result, SL_SKIP, "not run: %s", stop_starting_why);
		finished(&p, p.next);
	}
	runner_release_signals();
	free(p.slots);
	free(p.pfds);
	free(p.pfd_slot);
	return sig;
}
