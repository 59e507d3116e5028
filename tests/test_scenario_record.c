/* test_scenario_record.c - the scenario as a record of bytes
 * (framework/src/model/scenario_record.h), which hands the scenario to the
 * conductor valgrind runs: every script of the catalog and of the tests
 * comes back the same (written, read, written again: the same bytes), and a
 * record cut at any length, of another version, or damaged is refused with
 * a reason, never read past.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "shmlife/parse.h"
#include "shmlife/scenario.h"
#include "../framework/src/model/scenario_record.h"

/* ---- the scripts ------------------------------------------------------------ */

#define MAX_SCRIPTS 1024
static char *scripts[MAX_SCRIPTS];
static int nscripts;

static int collect(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	size_t n = strlen(path);
	if (type == FTW_F && n > 4 && strcmp(path + n - 4, ".scn") == 0) {
		cr_assert_lt(nscripts, MAX_SCRIPTS, "more scripts than this test holds");
		scripts[nscripts++] = strdup(path);
	}
	return 0;
}

/* Every script under scenarios/ and tests/ that parses (tests/ has bad ones
 * on purpose, for the parser's errors). */
static struct sl_scenario *parse_nth(int i)
{
	struct sl_diags d;
	memset(&d, 0, sizeof(d));
	struct sl_scenario *s = sl_parse_file(scripts[i], &d);
	sl_diags_free(&d);
	return s;
}

static void find_scripts(void)
{
	cr_assert_eq(nftw("scenarios", collect, 16, FTW_PHYS), 0, "run from the source tree (ctest does)");
	cr_assert_eq(nftw("tests", collect, 16, FTW_PHYS), 0);
}

static void free_scripts(void)
{
	for (int i = 0; i < nscripts; i++)
		free(scripts[i]);
	nscripts = 0;
}

TestSuite(record, .init = find_scripts, .fini = free_scripts);

/* What the corpus exercises: each part of a scenario that has fields of its own. */
struct seen {
	int find, substs, faults, invariants, bytes, envp, programs, requires, sysctls, claims_by_libc, users;
};

static void note(struct seen *w, const struct sl_scenario *s)
{
	w->invariants += s->ninvariants > 0;
	w->programs += s->nprograms > 0;
	w->requires += s->nrequires > 0;
	w->sysctls += s->nsysctls > 0;
	for (int i = 0; i < s->nclaims; i++)
		w->claims_by_libc += s->claims[i].agrees_with_libc[SL_LIBC_MUSL] >= 0;
	for (int i = 0; i < s->nactors; i++)
		w->users += s->actors[i].user != NULL || s->actors[i].has_ids;
	for (int i = 0; i < s->nsteps; i++) {
		const struct sl_step *st = &s->steps[i];
		w->find += st->find != NULL;
		w->substs += st->nsubsts > 0;
		w->faults += st->nfaults > 0;
		w->bytes += st->nbytes > 0;
		w->envp += st->envp != NULL;
	}
}

Test(record, every_script_comes_back_the_same)
{
	struct seen w = { 0 };
	int parsed = 0;
	for (int i = 0; i < nscripts; i++) {
		struct sl_scenario *s = parse_nth(i);
		if (!s)
			continue;
		parsed++;
		note(&w, s);
		char *rec, *again, why[256] = "";
		size_t len, len2;
		cr_assert_eq(sl_scenario_encode(s, &rec, &len), 0);
		struct sl_scenario *back = sl_scenario_decode(rec, len, why, sizeof(why));
		cr_assert_not_null(back, "%s: %s", scripts[i], why);
		cr_assert_str_eq(back->name, s->name);
		cr_assert_eq(back->nsteps, s->nsteps, "%s", scripts[i]);
		cr_assert_eq(back->nactors, s->nactors, "%s", scripts[i]);
		for (int k = 0; k < s->nsteps; k++) {
			cr_assert_eq(back->steps[k].op, s->steps[k].op, "%s step %d", scripts[i], k);
			cr_assert_eq(back->steps[k].line, s->steps[k].line, "%s step %d", scripts[i], k);
		}
		cr_assert_eq(sl_scenario_encode(back, &again, &len2), 0);
		cr_assert_eq(len2, len, "%s: %zu bytes, then %zu", scripts[i], len, len2);
		cr_assert_eq(memcmp(rec, again, len), 0, "%s: the record read back writes other bytes", scripts[i]);
		free(rec);
		free(again);
		sl_scenario_free(back);
		sl_scenario_free(s);
	}
	cr_assert_geq(parsed, 150, "only %d scripts parsed", parsed);
	/* the corpus reaches every part that has fields of its own */
	cr_assert(w.find && w.substs && w.faults && w.invariants && w.bytes && w.envp && w.programs &&
			  w.requires && w.sysctls && w.claims_by_libc && w.users,
		  "find %d substs %d faults %d invariants %d bytes %d envp %d programs %d requires %d "
		  "sysctls %d musl claims %d users %d",
		  w.find, w.substs, w.faults, w.invariants, w.bytes, w.envp, w.programs, w.requires, w.sysctls,
		  w.claims_by_libc, w.users);
}

/* The largest record of the corpus under 64 KiB (a cut at each of its
 * lengths is read: quadratic), for the tests below. */
static char *largest_record(size_t *len)
{
	char *best = NULL;
	*len = 0;
	for (int i = 0; i < nscripts; i++) {
		struct sl_scenario *s = parse_nth(i);
		char *rec;
		size_t n;
		if (!s)
			continue;
		cr_assert_eq(sl_scenario_encode(s, &rec, &n), 0);
		sl_scenario_free(s);
		if (n > *len && n <= 65536) {
			free(best);
			best = rec;
			*len = n;
		} else {
			free(rec);
		}
	}
	cr_assert_not_null(best);
	return best;
}

Test(record, a_record_cut_anywhere_is_refused_with_a_reason)
{
	size_t len;
	char *rec = largest_record(&len);
	for (size_t cut = 0; cut < len; cut++) {
		char why[256] = "";
		struct sl_scenario *s = sl_scenario_decode(rec, cut, why, sizeof(why));
		cr_assert_null(s, "a record cut at %zu of %zu bytes was read", cut, len);
		cr_assert_neq(why[0], '\0', "cut at %zu: no reason", cut);
	}
	free(rec);
}

Test(record, another_version_or_a_count_past_the_end_is_refused)
{
	size_t len;
	char *rec = largest_record(&len);
	char why[256];
	rec[4] = 2; /* version 2 */
	cr_assert_null(sl_scenario_decode(rec, len, why, sizeof(why)));
	cr_assert_str_eq(why, "a scenario record of version 2; this reader knows version 1");
	rec[4] = 1;
	rec[0] = 'X';
	cr_assert_null(sl_scenario_decode(rec, len, why, sizeof(why)));
	cr_assert_not_null(strstr(why, "not a scenario record"), "%s", why);
	rec[0] = 'S';
	/* the name's length, the first field after the version, made huge */
	memset(rec + 12, 0x7f, 8);
	cr_assert_null(sl_scenario_decode(rec, len, why, sizeof(why)));
	cr_assert_not_null(strstr(why, "past the end of the record"), "%s", why);
	free(rec);
}

/* Any byte changed: read or refused, never a crash or a read past the end
 * (the memcheck and sanitizer builds of the suite check the second). */
Test(record, damaged_records_are_read_or_refused_never_past_their_end)
{
	size_t len;
	char *rec = largest_record(&len);
	char *copy = malloc(len);
	cr_assert_not_null(copy);
	uint32_t x = 12345;
	int refused = 0;
	for (int i = 0; i < 3000; i++) {
		memcpy(copy, rec, len);
		for (int k = 0; k < 1 + i % 3; k++) {
			x = x * 1103515245u + 12345u;
			copy[(x >> 8) % len] = (char)(x >> 24);
		}
		char why[256] = "";
		struct sl_scenario *s = sl_scenario_decode(copy, len, why, sizeof(why));
		refused += s == NULL;
		cr_assert(s != NULL || why[0], "refused without a reason");
		sl_scenario_free(s);
	}
	cr_assert_gt(refused, 0, "no damage was noticed in 3000 records");
	free(copy);
	free(rec);
}
