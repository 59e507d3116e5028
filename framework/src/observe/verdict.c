/* verdict.c - judging an operation's answer and comparing observed values
 * with expected ones (verdict.h). */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verdict.h"

/* order: -1, 0 or 1 as got is below, equal to or above want */
static int holds(int order, enum sl_cmp cmp)
{
	switch (cmp) {
	case SL_CMP_EQ: return order == 0;
	case SL_CMP_NE: return order != 0;
	case SL_CMP_LT: return order < 0;
	case SL_CMP_LE: return order <= 0;
	case SL_CMP_GT: return order > 0;
	case SL_CMP_GE: return order >= 0;
	case SL_CMP_TRUE: return 0; /* the callers judge flags by got != 0 */
	case SL_CMP_MATCH:
	case SL_CMP_NOMATCH: return 0; /* text only: conductor_expect.c */
	}
	return 0;
}

int verdict_compare(long long got, enum sl_cmp cmp, long long want)
{
	if (cmp == SL_CMP_TRUE)
		return got != 0;
	return holds((got > want) - (got < want), cmp);
}

int verdict_compare_u64(unsigned long long got, enum sl_cmp cmp, unsigned long long want)
{
	if (cmp == SL_CMP_TRUE)
		return got != 0;
	return holds((got > want) - (got < want), cmp);
}

const char *verdict_cmp_text(enum sl_cmp cmp)
{
	static const char *const t[] = { "=", "!=", "<", "<=", ">", ">=", "", " ~ ", " !~ " };
	return (unsigned)cmp <= SL_CMP_NOMATCH ? t[cmp] : "?";
}

void verdict_describe(const struct op_answer *a, char *buf, size_t len)
{
	if (a->signal)
		snprintf(buf, len, "killed by %s", sl_signal_name(a->signal));
	else if (a->exited)
		snprintf(buf, len, "exited %d", a->status);
	else if (a->err)
		snprintf(buf, len, "%lld %s", a->ret, sl_errno_name(a->err));
	else if (a->address)
		snprintf(buf, len, "0x%llx", (unsigned long long)a->ret);
	else
		snprintf(buf, len, "%lld", a->ret);
}

static int errno_listed(const struct sl_outcome_spec *spec, int err)
{
	for (int i = 0; i < spec->n_errnos; i++)
		if (spec->errnos[i] == err)
			return 1;
	return 0;
}

/* Appends "EINVAL|EIDRM" to buf. */
static void describe_errnos(const struct sl_outcome_spec *spec, char *buf, size_t len)
{
	for (int i = 0; i < spec->n_errnos; i++)
		sl_appendf(buf, len, "%s%s", i ? "|" : "", sl_errno_name(spec->errnos[i]));
}

enum sl_outcome verdict_outcome(const struct sl_outcome_spec *spec, long long want_value,
				const struct op_answer *a, char *detail, size_t len)
{
	char said[64], want[96];
	verdict_describe(a, said, sizeof(said));
	int ok = 0;
	switch (spec->kind) {
	case SL_EXPECT_ANY:
		ok = 1;
		snprintf(want, sizeof(want), "anything");
		break;
	case SL_EXPECT_SUCCESS:
		ok = !a->signal && (a->exited ? a->status == 0 : a->answered && a->err == 0);
		if (ok && spec->has_value && !a->exited)
			ok = a->ret == want_value;
		if (spec->has_value && a->address)
			snprintf(want, sizeof(want), "success returning 0x%llx", (unsigned long long)want_value);
		else if (spec->has_value)
			snprintf(want, sizeof(want), "success returning %lld", want_value);
		else
			snprintf(want, sizeof(want), "success");
		break;
	case SL_EXPECT_FAILS:
		ok = a->answered && !a->signal && !a->exited && a->err && errno_listed(spec, a->err);
		snprintf(want, sizeof(want), "failure ");
		describe_errnos(spec, want, sizeof(want));
		break;
	case SL_EXPECT_DIES:
		ok = a->signal && (spec->signal == 0 || a->signal == spec->signal);
		snprintf(want, sizeof(want), "death by %s",
			 spec->signal ? sl_signal_name(spec->signal) : "a signal");
		break;
	case SL_EXPECT_EXITS:
		ok = a->exited && a->status == spec->status;
		snprintf(want, sizeof(want), "exit status %d", spec->status);
		break;
	}
	snprintf(detail, len, "expected %s; kernel said %s", want, said);
	return ok ? SL_PASS : SL_FAIL;
}
