/* explore_script.c - the reproducing script of a crash point that broke an
 * invariant: the scenario's own script, copied line by line, with the crash
 * put in at its step (an `inject` clause, or a `crash` line) and a header
 * that says what broke, so that `shmlife run` of it shows the same; and a
 * crash point in words (sl_crash_point_describe), which both the script and
 * explore.c's reports use. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fault.h"
#include "invariants.h"
#include "shmlife/explore.h"
#include "util.h"
#include "explore_script.h"

void sl_crash_point_describe(const struct sl_scenario *s, const struct sl_crash_point *p, char *buf, size_t len)
{
	const struct sl_step *st = p->step >= 0 && p->step < s->nsteps ? &s->steps[p->step] : NULL;
	const char *actor = p->actor >= 0 && p->actor < s->nactors ? s->actors[p->actor].name : "?";
	int line = st ? st->line : 0;
	switch (p->kind) {
	case SL_CRASH_NONE:
		snprintf(buf, len, "no crash (baseline)");
		break;
	case SL_CRASH_STEP:
		snprintf(buf, len, "%s killed by SIGKILL instead of step %d (line %d: %s)", actor, p->step + 1, line,
			 st && st->text ? st->text : st ? sl_op_name(st->op) : "?");
		break;
	case SL_CRASH_CALL_BEFORE:
	case SL_CRASH_CALL_AFTER:
		if (!p->comm[0])
			snprintf(buf, len, "%s's program killed by SIGKILL just %s %s call %d (step %d, line %d)", actor,
				 p->kind == SL_CRASH_CALL_BEFORE ? "before" : "after", sl_fault_call_name(p->syscall_nr),
				 p->nth, p->step + 1, line);
		else if (p->processes > 1)
			snprintf(buf, len, "every process named %s in %s's program (%d in the baseline) killed by SIGKILL "
				 "just %s its %s call %d (step %d, line %d)", p->comm, actor, p->processes,
				 p->kind == SL_CRASH_CALL_BEFORE ? "before" : "after", sl_fault_call_name(p->syscall_nr),
				 p->nth, p->step + 1, line);
		else if (!p->in_child)
			snprintf(buf, len, "%s's program %s killed by SIGKILL just %s its %s call %d (step %d, line %d)",
				 actor, p->comm, p->kind == SL_CRASH_CALL_BEFORE ? "before" : "after",
				 sl_fault_call_name(p->syscall_nr), p->nth, p->step + 1, line);
		else
			snprintf(buf, len, "%s (%s of %s, in %s's program) killed by SIGKILL just %s its %s call %d "
				 "(step %d, line %d)", p->comm, p->parent_comm[0] ? "child" : "descendant",
				 p->parent_comm[0] ? p->parent_comm : "it", actor,
				 p->kind == SL_CRASH_CALL_BEFORE ? "before" : "after", sl_fault_call_name(p->syscall_nr),
				 p->nth, p->step + 1, line);
		break;
	}
}

/* ---- reproducing scripts ---------------------------------------------------------- */

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Where a `#` comment starts in a line (outside strings), or its end. */
static size_t comment_start(const char *line, size_t len)
{
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (quoted && line[i] == '\\') {
			i++;
			continue;
		}
		if (line[i] == '"')
			quoted = !quoted;
		else if (line[i] == '#' && !quoted)
			return i;
	}
	return len;
}

static int is_scenario_header(const char *line, size_t len)
{
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len > 9 && strncmp(line, "scenario", 8) == 0 && (line[8] == ' ' || line[8] == '\t');
}

void explore_put_one_line(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < ' ' ? '?' : *s, out);
	fputc('\n', out);
}

static void put_header(FILE *out, const struct sl_scenario *s, const struct sl_explore_result *x,
		       const struct sl_explore_point *pt)
{
	char what[300];
	sl_crash_point_describe(s, &pt->at, what, sizeof(what));
	fprintf(out, "# Reproduces a crash point `shmlife explore %s` found:\n#   ", s->file);
	explore_put_one_line(out, what);
	fprintf(out, "# It breaks:");
	for (int i = 0; i < x->ninvariants; i++)
		if (pt->held[i] == SL_FAIL || pt->held[i] == SL_TIMEOUT)
			fprintf(out, " %s", x->names[i]);
	fprintf(out, "\n#   ");
	explore_put_one_line(out, pt->detail);
	fprintf(out, "# keep-going: what goes otherwise after the crash is recorded, not fatal;\n"
		     "# the invariants and the leak check decide.\n");
	if (!s->keep_going) /* a script that says it already must not say it twice */
		fprintf(out, "keep-going\n");
}

static void put_crash_line(FILE *out, const struct sl_scenario *s, const struct sl_crash_point *p,
			   const char *line, size_t len)
{
	size_t indent = 0;
	while (indent < len && (line[indent] == ' ' || line[indent] == '\t'))
		indent++;
	fprintf(out, "%.*s%s crash SIGKILL   # explore: instead of the step below\n", (int)indent, line,
		s->actors[p->actor].name);
}

static void put_line_with_inject(FILE *out, const struct sl_crash_point *p, const char *line, size_t len)
{
	size_t cut = comment_start(line, len);
	while (cut > 0 && (line[cut - 1] == ' ' || line[cut - 1] == '\t'))
		cut--;
	fprintf(out, "%.*s   inject %s call=%d%s%s signal=SIGKILL %s", (int)cut, line, sl_fault_call_name(p->syscall_nr),
		p->nth, p->comm[0] ? " comm=" : "", p->comm, p->kind == SL_CRASH_CALL_BEFORE ? "before" : "after");
	if (cut < len)
		fprintf(out, "   %.*s", (int)(len - cut), line + cut + (line[cut] == ' ' || line[cut] == '\t'));
	fputc('\n', out);
}

static void script_name(const struct sl_scenario *s, const struct sl_crash_point *p, char *buf, size_t len)
{
	char label[96];
	if (p->kind == SL_CRASH_STEP)
		snprintf(label, sizeof(label), "crash-step%d-%s", p->step + 1, s->actors[p->actor].name);
	else
		snprintf(label, sizeof(label), "step%d-%s%s%s%d-%s", p->step + 1, p->comm, p->comm[0] ? "-" : "",
			 sl_fault_call_name(p->syscall_nr), p->nth, p->kind == SL_CRASH_CALL_BEFORE ? "before" : "after");
	for (char *c = label; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			*c = '_';
	snprintf(buf, len, "%s.%s.scn", s->name, label);
}

/* Writes the script that reproduces pt; its path, or NULL. */
char *explore_write_script(const struct sl_scenario *s, const struct sl_explore_result *x,
			   const struct sl_explore_point *pt, const char *dir)
{
	size_t len;
	char *text = s->file ? read_text(s->file, &len) : NULL;
	const struct sl_step *st = &s->steps[pt->at.step];
	if (!text || st->line <= 0) {
		free(text);
		return NULL;
	}
	char name[256], *path = NULL;
	script_name(s, &pt->at, name, sizeof(name));
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		free(text);
		return NULL;
	}
	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		free(text);
		return NULL;
	}
	FILE *out = fopen(path, "we");
	if (!out) {
		free(text);
		free(path);
		return NULL;
	}
	int lineno = 0, header_done = 0;
	for (char *line = text; line < text + len;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		lineno++;
		if (lineno == st->line && pt->at.kind == SL_CRASH_STEP)
			put_crash_line(out, s, &pt->at, line, n);
		if (lineno == st->line && pt->at.kind != SL_CRASH_STEP)
			put_line_with_inject(out, &pt->at, line, n);
		else
			fprintf(out, "%.*s\n", (int)n, line);
		if (!header_done && is_scenario_header(line, n)) {
			put_header(out, s, x, pt);
			header_done = 1;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	free(text);
	if (fclose(out) != 0) {
		free(path);
		return NULL;
	}
	return path;
}
