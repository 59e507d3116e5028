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

#include "cli_util.h"

int cli_exit_status(const struct sl_report_item *items, int n)
{
	int failed = 0;
	for (int i = 0; i < n; i++) {
		enum sl_outcome o = items[i].result.outcome;
		if (o == SL_BROK)
			return EXIT_BROKEN;
		if (o == SL_FAIL || o == SL_TIMEOUT || items[i].flaky)
			failed = 1;
	}
	return failed ? EXIT_FAILED : EXIT_PASSED;
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

int cli_positive_int(const char *cmd, const char *option, const char *text, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 1 || v > INT_MAX) {
		cli_usage_error(cmd, "%s wants a whole number of at least 1, not '%s'", option, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cli_seconds_ms(const char *cmd, const char *option, const char *text, int *out_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(v) || v <= 0 || v * 1000 > INT_MAX) {
		cli_usage_error(cmd, "%s wants a number of seconds above 0, not '%s'", option, text);
		return -1;
	}
	*out_ms = (int)ceil(v * 1000);
	return 0;
}

int cli_shard(const char *cmd, const char *text, int *index, int *count)
{
	char tail;

	if (sscanf(text, "%d/%d%c", index, count, &tail) != 2 || *count < 1 || *index < 1 ||
	    *index > *count) {
		cli_usage_error(cmd, "--shard wants I/N with 1 <= I <= N, not '%s'", text);
		return -1;
	}
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
