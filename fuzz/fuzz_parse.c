/* fuzz_parse.c - the libFuzzer target of the script parser: any bytes are
 * given to sl_parse_string() as a script, and to sl_parse_file() as a file
 * (embedded NULs and all); each must return a scenario or
 * diagnostics, never crash, hang, leak or trip a sanitizer.  A scenario it
 * returns is walked (every step, name and predicate read) so that a broken
 * structure shows up here and not in the conductor.
 *
 * Built by fuzz/CMakeLists.txt (-DSHMLIFE_FUZZ=ON, clang); run by ci/fuzz.sh.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shmlife/parse.h"
#include "shmlife/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every string and bound of the scenario: out-of-range indices or
 * dangling pointers are caught by ASan here. */
static size_t walk(const struct sl_scenario *s)
{
	size_t sum = strlen(s->name) + (s->description ? strlen(s->description) : 0);
	for (int i = 0; i < s->ntags; i++)
		sum += strlen(s->tags[i]);
	for (int i = 0; i < s->nactors; i++)
		sum += strlen(s->actors[i].name) + (size_t)s->actors[i].group;
	for (int i = 0; i < s->nslots; i++)
		sum += strlen(s->slots[i]);
	for (int i = 0; i < s->nsysctls; i++)
		sum += strlen(s->sysctls[i].name) + strlen(s->sysctls[i].value);
	for (int i = 0; i < s->nclaims; i++)
		sum += strlen(s->claims[i].id) + strlen(s->claims[i].text);
	for (int i = 0; i < s->nsteps; i++) {
		const struct sl_step *st = &s->steps[i];
		sum += strlen(sl_op_name(st->op)) + (st->text ? strlen(st->text) : 0);
		sum += (st->str ? strlen(st->str) : 0) + (st->str2 ? strlen(st->str2) : 0);
		for (size_t k = 0; k < st->nbytes; k++)
			sum += st->bytes[k];
		for (char **a = st->argv; a && *a; a++)
			sum += strlen(*a);
		for (char **e = st->envp; e && *e; e++)
			sum += strlen(*e);
		for (int k = 0; k < st->npreds; k++)
			sum += strlen(sl_field_name(st->preds[k].field)) +
			       (st->preds[k].str ? strlen(st->preds[k].str) : 0);
		if (st->actor != SL_CONDUCTOR && (st->actor < 0 || st->actor >= s->nactors))
			abort(); /* a step of an actor that does not exist */
		if (st->bind != SL_NO_SLOT && (st->bind < 0 || st->bind >= s->nslots))
			abort(); /* a step binding a name that does not exist */
	}
	return sum;
}

static void check(struct sl_scenario *s, struct sl_diags *d);

/* The same bytes as a file: sl_parse_file() reads them into a buffer of its
 * own, embedded NULs and all, with no terminating NUL of ours. */
static void parse_as_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz.scn", MFD_CLOEXEC);
		if (fd < 0)
			return;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return;
	struct sl_diags d = { 0 };
	check(sl_parse_file(path, &d), &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct sl_diags d = { 0 };
	check(sl_parse_string(text, "fuzz.scn", &d), &d);
	free(text);
	parse_as_file(data, size);
	return 0;
}

/* A scenario comes with no diagnostic, a refusal with at least one.  Frees both. */
static void check(struct sl_scenario *s, struct sl_diags *d)
{
	if (s) {
		volatile size_t sink = walk(s);
		(void)sink;
		if (d->n != 0)
			abort(); /* a scenario returned although errors were reported */
		sl_scenario_free(s);
	} else {
		if (d->n == 0)
			abort(); /* refused without saying why */
		FILE *out = fopen("/dev/null", "we");
		if (out) {
			sl_diags_print(d, out);
			fclose(out);
		}
	}
	sl_diags_free(d);
}
