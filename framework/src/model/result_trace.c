/* result_trace.c - a result's trace, kept packed.
 *
 * Every entry of a scenario's trace stays in the harness until the reports
 * are written, and an entry (struct sl_trace_entry) is 1008 bytes, most of
 * them zeros: the end of its detail, the observations of the kinds it is
 * not.  100 000 steps made 96 MB of trace; every conductor and actor forked
 * later copies the page tables of the harness's heap.  So an entry is kept
 * as a bitmap of which of its 8-byte words are not zero, then those words:
 * 16 bytes and a few hundred, lossless (padding included).  sl_result_append
 * packs, sl_result_entry unpacks into the caller's struct; nothing else
 * reads trace_packed.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shmlife/result.h"

#define ENTRY_WORDS (sizeof(struct sl_trace_entry) / sizeof(uint64_t))
#define MAP_BYTES ((ENTRY_WORDS + 7) / 8)
_Static_assert(sizeof(struct sl_trace_entry) % sizeof(uint64_t) == 0, "an entry is whole words");

/* Room for `more` bytes of entries and one offset more. */
static int reserve(struct sl_result *r, size_t more)
{
	if (r->ntrace == r->captrace) {
		int cap = r->captrace ? r->captrace * 2 : 64;
		if (cap < r->captrace) { /* int overflow: 2^30 entries */
			errno = ENOMEM;
			return -1;
		}
		size_t *at = realloc(r->trace_at, (size_t)cap * sizeof(*at));
		if (!at)
			return -1;
		r->trace_at = at;
		r->captrace = cap;
	}
	if (r->trace_cap - r->trace_len < more) {
		size_t cap = r->trace_cap ? r->trace_cap * 2 : 16384;
		while (cap - r->trace_len < more)
			cap *= 2;
		unsigned char *p = realloc(r->trace_packed, cap);
		if (!p)
			return -1;
		r->trace_packed = p;
		r->trace_cap = cap;
	}
	return 0;
}

int sl_result_append(struct sl_result *r, const struct sl_trace_entry *e)
{
	uint64_t w[ENTRY_WORDS];
	memcpy(w, e, sizeof(w));
	unsigned char map[MAP_BYTES];
	memset(map, 0, sizeof(map));
	size_t nonzero = 0;
	for (size_t i = 0; i < ENTRY_WORDS; i++)
		if (w[i]) {
			map[i / 8] |= (unsigned char)(1u << (i % 8));
			nonzero++;
		}
	if (reserve(r, sizeof(map) + nonzero * sizeof(uint64_t)) < 0)
		return -1;
	unsigned char *out = r->trace_packed + r->trace_len;
	r->trace_at[r->ntrace++] = r->trace_len;
	memcpy(out, map, sizeof(map));
	out += sizeof(map);
	for (size_t i = 0; i < ENTRY_WORDS; i++)
		if (w[i]) {
			memcpy(out, &w[i], sizeof(w[i]));
			out += sizeof(w[i]);
		}
	r->trace_len = (size_t)(out - r->trace_packed);
	return 0;
}

const struct sl_trace_entry *sl_result_entry(const struct sl_result *r, int i, struct sl_trace_entry *e)
{
	assert(i >= 0 && i < r->ntrace);
	const unsigned char *in = r->trace_packed + r->trace_at[i];
	const unsigned char *map = in;
	unsigned char *out = (unsigned char *)e;
	in += MAP_BYTES;
	memset(e, 0, sizeof(*e));
	for (size_t k = 0; k < ENTRY_WORDS; k++)
		if (map[k / 8] & (1u << (k % 8))) {
			memcpy(out + k * sizeof(uint64_t), in, sizeof(uint64_t));
			in += sizeof(uint64_t);
		}
	assert(in <= r->trace_packed + (i + 1 < r->ntrace ? r->trace_at[i + 1] : r->trace_len));
	return e;
}

void sl_result_drop_last(struct sl_result *r)
{
	if (r->ntrace == 0)
		return;
	r->trace_len = r->trace_at[--r->ntrace];
}
