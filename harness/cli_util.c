/* cli_util.c - what the subcommands share: exit statuses, option values,
 * making the report directory. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"

int cli_exit_status(const struct sl_report_item *items, int n)
{
	int failed = 0;
	for (int i = 0; i < n; i++) {
		enum sl_outcome o = items[i].result.outcome;
		if (o == SL_BROK)
			return EXIT_BROKEN;
		if (o == SL_FAIL || o == SL_TIMEOUT || (items[i].flaky && !sl_report_passed_on_retry(&items[i])))
			failed = 1;
	}
	return failed ? EXIT_FAILED : EXIT_PASSED;
}

int cli_parse_exit_codes(const char *cmd, const char *text, enum cli_exit_codes *codes)
{
	if (strcmp(text, "shmlife") == 0)
		*codes = CLI_CODES_SHMLIFE;
	else if (strcmp(text, "ltp") == 0)
		*codes = CLI_CODES_LTP;
	else if (strcmp(text, "kselftest") == 0)
		*codes = CLI_CODES_KSELFTEST;
	else {
		cli_usage_error(cmd, "--exit-codes wants shmlife, ltp or kselftest, not '%s'", text);
		return -1;
	}
	return 0;
}

/* LTP's result bits (include/tst_res_flags.h) and kselftest's codes
 * (tools/testing/selftests/kselftest.h). */
enum { LTP_TFAIL = 1, LTP_TBROK = 2, LTP_TCONF = 32, KSFT_FAIL = 1, KSFT_SKIP = 4 };

int cli_exit_in(enum cli_exit_codes codes, int status, const struct sl_report_item *items, int n)
{
	int failed = 0, broken = status == EXIT_BROKEN, ran = 0;

	if (codes == CLI_CODES_SHMLIFE || status == EXIT_USAGE || status > EXIT_NO_SANDBOX)
		return status;           /* bad usage is 2 (TBROK) in both; 128+N stays */
	if (status == EXIT_NO_SANDBOX)
		return codes == CLI_CODES_LTP ? LTP_TCONF : KSFT_SKIP;
	for (int i = 0; items && i < n; i++) {
		enum sl_outcome o = items[i].result.outcome;
		failed |= o == SL_FAIL || o == SL_TIMEOUT || (items[i].flaky && !sl_report_passed_on_retry(&items[i]));
		broken |= o == SL_BROK;
		ran |= o != SL_SKIP;
	}
	if (codes == CLI_CODES_LTP) {
		int bits = (failed ? LTP_TFAIL : 0) | (broken ? LTP_TBROK : 0);
		return bits ? bits : ran ? 0 : LTP_TCONF;
	}
	return failed || broken ? KSFT_FAIL : ran ? 0 : KSFT_SKIP;
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "shmlife %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'shmlife %s --help'.\n", cmd);
}

/* The value of text if it is only decimal digits (no sign, no space, no
 * base prefix) and at most max: 0, or -1.  Overflow is refused, not wrapped. */
static int whole_number(const char *text, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*text)
		return -1;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		unsigned d = (unsigned)(*c - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int cli_whole_u64(const char *text, unsigned long long *out)
{
	return whole_number(text, ULLONG_MAX, out);
}

int cli_positive_int(const char *cmd, const char *option, const char *text, int *out)
{
	unsigned long long v;

	if (whole_number(text, INT_MAX, &v) || v < 1) {
		cli_usage_error(cmd, "%s wants a whole number from 1 to %d, not '%s'", option, INT_MAX, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cli_whole_int(const char *cmd, const char *option, const char *text, int min, int max, int *out)
{
	unsigned long long v;

	if (whole_number(text, (unsigned long long)max, &v) || v < (unsigned long long)min) {
		cli_usage_error(cmd, "%s wants a whole number from %d to %d, not '%s'", option, min, max, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cli_seconds_ms(const char *cmd, const char *option, const char *text, int *out_ms)
{
	/* SECONDS[.FRACTION] in decimal digits: no sign, exponent, hex or space. */
	const char *dot = strchr(text, '.');
	size_t whole_len = dot ? (size_t)(dot - text) : strlen(text);
	char whole[32];
	unsigned long long secs = 0, ms = 0;
	int ok = whole_len < sizeof(whole) && (whole_len > 0 || (dot && dot[1]));

	if (ok && whole_len) {
		memcpy(whole, text, whole_len);
		whole[whole_len] = '\0';
		ok = whole_number(whole, INT_MAX / 1000, &secs) == 0;
	}
	if (ok && dot) { /* milliseconds from the first three digits; any further one rounds up */
		const char *f = dot + 1;
		int place = 0, below = 0;
		ok = *f != '\0' && strspn(f, "0123456789") == strlen(f);
		for (; ok && *f; f++, place++) {
			if (place < 3)
				ms = ms * 10 + (unsigned long long)(*f - '0');
			else if (*f != '0')
				below = 1;
		}
		for (; place < 3; place++)
			ms *= 10;
		ms += (unsigned long long)below;
	}
	unsigned long long total = secs * 1000 + ms;
	if (!ok || total == 0 || total > INT_MAX) {
		cli_usage_error(cmd, "%s wants a number of seconds above 0 (like 5 or 0.25), not '%s'", option, text);
		return -1;
	}
	*out_ms = (int)total;
	return 0;
}

int cli_shard(const char *cmd, const char *text, int *index, int *count)
{
	const char *slash = strchr(text, '/');
	char left[32];
	unsigned long long i = 0, n = 0;
	int ok = slash && (size_t)(slash - text) < sizeof(left);

	if (ok) {
		memcpy(left, text, (size_t)(slash - text));
		left[slash - text] = '\0';
		ok = whole_number(left, INT_MAX, &i) == 0 && whole_number(slash + 1, INT_MAX, &n) == 0;
	}
	if (!ok || n < 1 || i < 1 || i > n) {
		cli_usage_error(cmd, "--shard wants I/N with 1 <= I <= N <= %d, not '%s'", INT_MAX, text);
		return -1;
	}
	*index = (int)i;
	*count = (int)n;
	return 0;
}

int cli_tap_version(const char *cmd, const char *text)
{
	if (strcmp(text, "13") != 0 && strcmp(text, "14") != 0) {
		cli_usage_error(cmd, "--tap-version wants 13 or 14, not '%s'", text);
		return -1;
	}
	if (setenv("SHMLIFE_TAP_VERSION", text, 1) != 0) {
		fprintf(stderr, "shmlife %s: setenv: %s\n", cmd, strerror(errno));
		return -1;
	}
	return 0;
}

void cli_put_one_line(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

int cli_errno_is_own(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE || err == EIO || err == ENOSPC || err == EDQUOT ||
	       err == EAGAIN;
}

int cli_make_dirs(const char *path)
{
	char *copy;
	struct stat st;

	if (!path[0]) {
		errno = ENOENT;
		return -1;
	}
	copy = strdup(path);
	if (!copy)
		return -1;
	for (char *p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			int err = errno;
			free(copy);
			errno = err;
			return -1;
		}
		*p = saved;
		if (!saved)
			break;
	}
	free(copy);
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Edit distance with swaps of neighbours (optimal string alignment), or a
 * number above cap once it must exceed it. */
static int edit_distance(const char *a, const char *b, int cap)
{
	enum { MAX = 64 };
	size_t la = strlen(a), lb = strlen(b);
	int rows[3][MAX];               /* rows i-2, i-1 and i, by i % 3 */

	if (lb >= MAX || (la > lb ? la - lb : lb - la) > (size_t)cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		rows[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int *cur = rows[i % 3];
		const int *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int best = up[j - 1] + (a[i - 1] != b[j - 1]);
			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return rows[la % 3][lb];
}

const char *cli_closest(const char *word, const char *const *names, int n)
{
	const char *best = NULL, *prefixed = NULL;
	int cap = (int)strlen(word) / 3, best_d, prefixes = 0;

	if (cap < 1)
		cap = 1;
	best_d = cap + 1;
	for (int i = 0; i < n; i++) {
		int d = edit_distance(word, names[i], cap);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
		if (*word && strncmp(names[i], word, strlen(word)) == 0) {
			prefixed = names[i];
			prefixes++;
		}
	}
	if (best)
		return best;
	return prefixes == 1 ? prefixed : NULL;
}

const char *cli_self_exe(void)
{
	static char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	return self;
}
