/* kernels.c - `run --kernel`: the selection on each other kernel, a column
 * of the side-by-side reports each (kernels.h).  The guest runs this very
 * shmlife, from the host's tree that it sees read-only, in the same working
 * directory, with the same selection options; its limits are stretched by
 * SHMLIFE_TIMEOUT_MUL under software emulation, and it writes its reports
 * into its own /tmp, of which only results.json comes back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels.h"
#include "shmlife/run.h"

extern char **environ;

#define GUEST_REPORT_DIR "/tmp/shmlife-vm-out"
/* Software emulation runs a guest's processes several times slower: its
 * limits are this many times the host's (measured: docs/kernels.md). */
#define TCG_TIMEOUT_MUL 10.0

int kernels_prepare(const char *cmd, char *const *paths, int n, struct kernels *k)
{
	memset(k, 0, sizeof(*k));
	if (n == 0)
		return 0;
	if (!kernel_vm_have_qemu()) {
		fprintf(stderr, "shmlife %s: --kernel needs qemu-system-x86_64 (Debian: qemu-system-x86), not found on PATH\n",
			cmd);
		return -1;
	}
	k->vms = calloc((size_t)n, sizeof(*k->vms));
	k->results = calloc((size_t)n, sizeof(*k->results));
	k->columns = calloc((size_t)n, sizeof(*k->columns));
	k->items = calloc((size_t)n, sizeof(*k->items));
	k->nitems = calloc((size_t)n, sizeof(*k->nitems));
	k->extra = calloc((size_t)n, sizeof(*k->extra));
	k->nextra = calloc((size_t)n, sizeof(*k->nextra));
	if (!k->vms || !k->results || !k->columns || !k->items || !k->nitems || !k->extra || !k->nextra) {
		fprintf(stderr, "shmlife %s: out of memory\n", cmd);
		kernels_free(k);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		k->n = i + 1;
		if (kernel_vm_prepare(paths[i], &k->vms[i])) {
			fprintf(stderr, "shmlife %s: --kernel %s: %s\n", cmd, paths[i], k->vms[i].why);
			kernels_free(k);
			return -1;
		}
	}
	return 0;
}

void kernels_free(struct kernels *k)
{
	for (int i = 0; i < k->n; i++) {
		if (k->vms)
			kernel_vm_free(&k->vms[i]);
		if (k->results)
			kernel_vm_result_free(&k->results[i]);
		if (k->items && k->nitems)
			sl_report_items_free(k->items[i], k->nitems[i]);
		if (k->extra && k->nextra)
			sl_report_columns_free(k->extra[i], k->nextra[i]);
	}
	free(k->extra);
	free(k->nextra);
	free(k->all);
	free(k->vms);
	free(k->results);
	free(k->columns);
	free(k->items);
	free(k->nitems);
	memset(k, 0, sizeof(*k));
}

/* ---- the guest's command and environment ---------------------------------- */

struct words {
	char **v;
	int n;
};

static int push(struct words *w, const char *fmt, const char *value)
{
	char **more = realloc(w->v, (size_t)(w->n + 2) * sizeof(*more));
	if (!more)
		return -1;
	w->v = more;
	if (asprintf(&w->v[w->n], fmt, value) < 0)
		return -1;
	w->v[++w->n] = NULL;
	return 0;
}

static void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static int guest_argv(const struct kernels_run *how, struct words *w)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return -1;
	exe[len] = '\0';
	int rc = push(w, "%s", exe) | push(w, "%s", "run") | push(w, "%s", "-q") | push(w, "%s", "--color") |
		 push(w, "%s", "never") | push(w, "%s", "--report-dir") | push(w, "%s", GUEST_REPORT_DIR);
	for (int i = 0; rc == 0 && how->guest_args[i]; i++)
		rc = push(w, "%s", how->guest_args[i]);
	return rc;
}

/* PATH, the locale and every SHMLIFE_* of the host, but the limits
 * multiplied for the guest's speed. */
static int guest_env(double mul, struct words *w)
{
	int rc = push(w, "%s", "HOME=/root") | push(w, "%s", "TERM=dumb") | push(w, "%s", "NO_COLOR=1");
	for (char **e = environ; rc == 0 && *e; e++) {
		if (strncmp(*e, "SHMLIFE_TIMEOUT_MUL=", 20) == 0)
			continue;
		if (strncmp(*e, "SHMLIFE_", 8) == 0 || strncmp(*e, "PATH=", 5) == 0 || strncmp(*e, "LANG=", 5) == 0 ||
		    strncmp(*e, "LC_", 3) == 0)
			rc = push(w, "%s", *e);
	}
	char value[64];
	snprintf(value, sizeof(value), "SHMLIFE_TIMEOUT_MUL=%g", mul);
	return rc | push(w, "%s", value);
}

/* ---- running ------------------------------------------------------------------ */

struct progress_ctx {
	const char *release;
	int quiet, failed;
};

/* A guest's console line: its TAP lines that did not pass counted and said
 * as they come. */
static void on_line(void *ctx, const char *line)
{
	struct progress_ctx *p = ctx;
	if (!line) { /* qemu runs */
		if (!p->quiet)
			fprintf(stderr, "shmlife run: kernel %s: booting it under qemu ...\n", p->release);
		return;
	}
	if (strncmp(line, "not ok ", 7) == 0) {
		p->failed++;
		if (!p->quiet)
			fprintf(stderr, "shmlife run: kernel %s: %s\n", p->release, line);
	}
}

static int run_one(struct kernels *k, int i, const struct kernels_run *how, sl_scenario_finder find, void *ctx)
{
	struct kernel_vm *vm = &k->vms[i];
	struct kernel_vm_result *r = &k->results[i];
	struct sl_report_column *c = &k->columns[i];
	struct words argv = { 0 }, env = { 0 };
	double host_mul = 1;
	sl_timeout_mul_from_env(&host_mul);
	int kvm = kernel_vm_kvm_usable();
	double mul = host_mul * (kvm ? 1 : TCG_TIMEOUT_MUL);
	if (mul > 1000)
		mul = 1000;
	snprintf(c->name, sizeof(c->name), "%s", vm->release);
	snprintf(c->kernel, sizeof(c->kernel), "%s", vm->release);
	snprintf(c->libc, sizeof(c->libc), "%s", how->libc ? how->libc : "");
	snprintf(c->version, sizeof(c->version), "%s", vm->version);
	if (guest_argv(how, &argv) || guest_env(mul, &env)) {
		words_free(&argv);
		words_free(&env);
		snprintf(r->broken, sizeof(r->broken), "out of memory");
		c->broken = r->broken;
		return -1;
	}
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	int limit = how->scenario_timeout_ms > 0 ? how->scenario_timeout_ms : 30000;
	double silence = (double)limit * mul + 120000.0;
	const char *test = getenv("SHMLIFE_TEST_VM_SILENCE_MS"); /* for tests: a guest that hangs, found soon */
	if (test && atoi(test) > 0)
		silence = atoi(test);
	struct progress_ctx p = { .release = vm->release, .quiet = how->quiet };
	int rc = kernel_vm_run(vm, argv.v, cwd, env.v, GUEST_REPORT_DIR "/results.json",
			       silence > INT_MAX ? INT_MAX : (int)silence, how->stop, on_line, &p, r);
	words_free(&argv);
	words_free(&env);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(c->how, sizeof(c->how), "qemu, %s, %ld cpus, limits x%g",
		 strcmp(r->accel, "kvm") == 0 ? "KVM" : "software emulation (tcg)", cpus > 8 ? 8 : cpus, mul);
	c->seconds = r->seconds;
	if (rc == 0) {
		char why[1024];
		char label[200];
		snprintf(label, sizeof(label), "the results.json of kernel %s", vm->release);
		if (sl_json_read_text(label, r->results, r->results_len, find, ctx, &k->items[i], &k->nitems[i], why,
				      sizeof(why))) {
			snprintf(r->broken, sizeof(r->broken), "%s", why);
			rc = -1;
		}
	}
	if (rc) {
		c->broken = r->broken;
		fprintf(stderr, "shmlife run: kernel %s: BROK: %s\n", vm->release, r->broken);
		return -1;
	}
	c->items = k->items[i];
	c->n = k->nitems[i];
	char why[1024];
	if (sl_json_read_columns_text(vm->release, r->results, r->results_len, find, ctx, &k->extra[i], &k->nextra[i], why,
				      sizeof(why)) == 0) {
		for (int x = 0; x < k->nextra[i]; x++) { /* "6.1.0-57-amd64, musl 1.2.3" */
			struct sl_report_column *e = &k->extra[i][x];
			snprintf(e->name, sizeof(e->name), "%.60s, %.60s", vm->release, e->libc);
			snprintf(e->how, sizeof(e->how), "%.50s, the actors' calls through %.40s", c->how, e->libc);
			e->seconds = c->seconds;
		}
	} else {
		fprintf(stderr, "shmlife run: kernel %s: its other libcs' results cannot be read: %s\n", vm->release, why);
	}
	if (!how->quiet)
		fprintf(stderr, "shmlife run: kernel %s: %d scenarios in %.1f s (%s), %d did not pass\n", vm->release,
			c->n, c->seconds, c->how, p.failed);
	return 0;
}

const struct sl_scenario *kernels_find_by_name(void *ctx, const char *name, const char *file)
{
	struct kernels_items *si = ctx;
	(void)file;
	for (int k = 0; k < si->n; k++) {
		int i = (si->next + k) % si->n;
		if (strcmp(si->items[i].scenario->name, name) == 0) {
			si->next = i;
			return si->items[i].scenario;
		}
	}
	return NULL;
}

int kernels_run(struct kernels *k, const struct kernels_run *how, sl_scenario_finder find, void *ctx)
{
	int broken = 0;
	for (int i = 0; i < k->n; i++) {
		if (how->stop && how->stop()) {
			snprintf(k->results[i].broken, sizeof(k->results[i].broken), "not run: the run was stopped");
			k->columns[i].broken = k->results[i].broken;
			snprintf(k->columns[i].kernel, sizeof(k->columns[i].kernel), "%s", k->vms[i].release);
			broken++;
			continue;
		}
		broken += run_one(k, i, how, find, ctx) != 0;
	}
	int total = 0;
	for (int i = 0; i < k->n; i++)
		total += 1 + k->nextra[i];
	free(k->all);
	k->nall = 0;
	k->all = calloc((size_t)total + 1, sizeof(*k->all));
	for (int i = 0; k->all && i < k->n; i++) {
		k->all[k->nall++] = k->columns[i];
		for (int x = 0; x < k->nextra[i]; x++)
			k->all[k->nall++] = k->extra[i][x];
	}
	if (!k->all) {
		fprintf(stderr, "shmlife run: out of memory\n");
		broken++;
	}
	return broken;
}
