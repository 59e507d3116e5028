/* trace_entry.h - a test's view of a result's trace, which is kept packed
 * (sl_result_entry unpacks an entry into the caller's copy).
 *
 * test_entry(r, i): entry i, for use at once (one of eight copies of this
 * file's; each valid until eight more test_entry calls).  A helper that
 * finds an entry and hands it back scans with a copy of its own and
 * returns test_keep(&e): kept apart from test_entry's copies, valid until
 * eight more are kept, so a test can hold a few found entries at once.
 *
 *   cr_expect_eq(test_entry(&r, 0)->kind, SL_ENTRY_EVENT);
 */
#ifndef SHMLIFE_TEST_TRACE_ENTRY_H
#define SHMLIFE_TEST_TRACE_ENTRY_H

#include "shmlife/result.h"

static inline const struct sl_trace_entry *test_entry(const struct sl_result *r, int i)
{
	static struct sl_trace_entry copies[8];
	static unsigned next;
	return sl_result_entry(r, i, &copies[next++ % 8]);
}

static inline const struct sl_trace_entry *test_keep(const struct sl_trace_entry *e)
{
	static struct sl_trace_entry kept[8];
	static unsigned next;
	struct sl_trace_entry *k = &kept[next++ % 8];
	*k = *e;
	return k;
}

#endif
