/* conductor_output.c - the output of the programs `exec` runs: the actor
 * catches a program's stdout and stderr in anonymous files (actor.c) and
 * hands them over before the step's answer; here the conductor keeps the
 * first SL_OUTPUT_MAX bytes of each (with how many were written in all),
 * streams them to the harness as SL_OBS_OUTPUT chunks, and judges
 * `expect ACTOR stdout ~ "regex"` against the actor's last program's.
 * In a `terminal: pty` scenario it also drains the terminal, whatever
 * writes to it, records each step's share as stream 3, and judges
 * `expect terminal ~ "regex"` against all it read so far. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conductor.h"
#include "util.h"
#include "verdict.h"

void conductor_output_fd(struct conductor *c, int idx, const struct sl_wire_reply *r, int fd)
{
	struct conductor_actor *a = &c->actors[idx];
	int s = (int)r->ret - 1;
	if (fd < 0)
		return;
	if (s < 0 || s > 1 || r->seq != c->next_seq) { /* not this command's: nothing to keep */
		close(fd);
		return;
	}
	if (a->out_fd[s] >= 0)
		close(a->out_fd[s]);
	a->out_fd[s] = fd;
}

/* The first SL_OUTPUT_MAX bytes of the file, and its size. */
static int read_caught(int fd, struct conductor_output *o)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	o->total = (uint64_t)st.st_size;
	size_t want = o->total < SL_OUTPUT_MAX ? (size_t)o->total : SL_OUTPUT_MAX;
	char *d = malloc(want + 1);
	if (!d)
		return -1;
	size_t got = 0;
	while (got < want) {
		ssize_t n = pread(fd, d + got, want - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrunk meanwhile (a daemon truncated it): keep what was read */
		got += (size_t)n;
	}
	d[got] = '\0';
	free(o->data);
	o->data = d;
	o->len = got;
	return 0;
}

static void emit_output(struct conductor *c, int idx, int step, pid_t pid, int stream, const struct conductor_output *o)
{
	struct sl_trace_entry e;
	size_t off = 0;
	do {
		conductor_event_init(c, &e, SL_PASS);
		e.step = step;
		e.actor = idx;
		e.pid = pid;
		e.obs_kind = SL_OBS_OUTPUT;
		size_t n = o->len - off < SL_OUTPUT_CHUNK ? o->len - off : SL_OUTPUT_CHUNK;
		e.obs.output.stream = stream;
		e.obs.output.offset = (uint32_t)off;
		e.obs.output.len = (uint32_t)n;
		e.obs.output.total = o->total;
		if (n)
			memcpy(e.obs.output.data, o->data + off, n);
		conductor_emit(c, &e);
		off += n;
	} while (off < o->len);
}

void conductor_collect_output(struct conductor *c, int idx, int step, pid_t pid)
{
	struct conductor_actor *a = &c->actors[idx];
	for (int s = 0; s < 2; s++) {
		struct conductor_output *o = &a->out[s];
		o->step = -1;
		if (a->out_fd[s] < 0)
			continue;
		if (read_caught(a->out_fd[s], o) == 0) {
			o->step = step;
			emit_output(c, idx, step, pid, s + 1, o);
		} else {
			conductor_event(c, SL_PASS, "the output of %s's program (%s) could not be read: %s",
					conductor_actor_name(c, idx), s ? "stderr" : "stdout", strerror(errno));
		}
		close(a->out_fd[s]);
		a->out_fd[s] = -1;
	}
}

/* The first line or so of what was written, quoted, for a failure: at
 * most 60 characters of it, a control character as \r, \t or \xNN. */
static void quote_start(const struct conductor_output *o, char *got, size_t len)
{
	char line[4 * 60 + 1];
	size_t n = strcspn(o->data, "\n"), w = 0;
	for (size_t i = 0; i < n && i < 60; i++) {
		unsigned char ch = (unsigned char)o->data[i];
		if (ch >= 0x20 && ch != 0x7f) {
			line[w++] = (char)ch;
		} else if (ch == '\r' || ch == '\t') {
			line[w++] = '\\';
			line[w++] = ch == '\r' ? 'r' : 't';
		} else {
			w += (size_t)snprintf(line + w, sizeof(line) - w, "\\x%02x", ch);
		}
	}
	line[w] = '\0';
	int more = n > 60 || (n < o->len && n + 1 < o->len);
	snprintf(got, len, "\"%s%s\"%s (%llu bytes", line, n < o->len && !more ? "\\n" : "", more ? " ..." : "",
		 (unsigned long long)o->total);
}

/* 1 if p holds for output o (its kept bytes `data`), 0 if not, -1 if what
 * was kept cannot say.  A regex sees text up to a NUL byte; where that is
 * not the whole output (a NUL byte, or output cut at SL_OUTPUT_MAX), a
 * match that ends before that text does is a match in the whole, and no
 * match, or one that reaches its end, says nothing of the rest.  Text
 * compared whole is equal only if all of it was kept. */
static int output_holds(const struct conductor_output *o, const char *data, const struct sl_predicate *p,
			const char *want)
{
	size_t text = strlen(data); /* what a regex sees */
	int cut = o->total > o->len;
	if (p->cmp == SL_CMP_MATCH || p->cmp == SL_CMP_NOMATCH) {
		if (!cut && text == o->len) {
			int m = sl_regex_match(want, data);
			return m < 0 ? 0 : (p->cmp == SL_CMP_MATCH) == (m == 1);
		}
		size_t end = 0;
		int m = sl_regex_search_start(want, data, &end);
		return m == 1 && end < text ? p->cmp == SL_CMP_MATCH : -1;
	}
	if (cut && o->total == strlen(want) && memcmp(data, want, o->len) == 0)
		return -1; /* the same as far as it was kept, and as long */
	int same = !cut && text == o->len && strcmp(data, want) == 0;
	return (p->cmp == SL_CMP_EQ) == same;
}

int conductor_judge_output(struct conductor *c, int idx, const struct sl_predicate *p, const char *want, char *got,
			   size_t len)
{
	const struct conductor_output *o;
	if (p->field == SL_F_TERMINAL) {
		conductor_read_terminal(c);
		o = &c->tty_all;
	} else {
		o = &c->actors[idx].out[p->field == SL_F_STDERR ? 1 : 0];
		if (o->step < 0) {
			snprintf(got, len, "no output: %s has run no program whose %s was caught",
				 conductor_actor_name(c, idx), p->field == SL_F_STDERR ? "stderr" : "stdout");
			return 0;
		}
	}
	const char *data = o->data ? o->data : "";
	int ok = output_holds(o, data, p, want);
	struct conductor_output shown = *o;
	shown.data = (char *)data;
	quote_start(&shown, got, len);
	if (p->field == SL_F_TERMINAL)
		sl_appendf(got, len, " so far)");
	else
		sl_appendf(got, len, ", line %d)", c->s->steps[o->step].line);
	if (ok < 0)
		sl_appendf(got, len, o->total > o->len ? "; the record keeps its first %zu bytes: not all observed"
						       : "; a NUL byte at %zu ends the text a regex sees: not all observed",
			   o->total > o->len ? o->len : strlen(data));
	return ok;
}

/* ---- the terminal ---------------------------------------------------------- */

/* Appends n bytes to o, keeping the first SL_OUTPUT_MAX (out of memory:
 * counted, not kept). */
static void keep_written(struct conductor_output *o, const char *buf, size_t n)
{
	o->total += n;
	size_t keep = o->len >= SL_OUTPUT_MAX ? 0 : SL_OUTPUT_MAX - o->len;
	if (n < keep)
		keep = n;
	if (!keep)
		return;
	char *d = realloc(o->data, o->len + keep + 1);
	if (!d)
		return;
	memcpy(d + o->len, buf, keep);
	o->len += keep;
	d[o->len] = '\0';
	o->data = d;
}

void conductor_drain_terminal(struct conductor *c, short revents)
{
	if (revents & POLLIN) {
		char buf[4096];
		ssize_t n = read(c->pty_master, buf, sizeof(buf));
		if (n > 0) {
			keep_written(&c->tty, buf, (size_t)n);
			keep_written(&c->tty_all, buf, (size_t)n);
			return;
		}
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		c->pty_quiet = 1; /* no slave open: it would be "ready" for ever */
}

void conductor_read_terminal(struct conductor *c)
{
	for (int k = 0; c->pty_master >= 0 && !c->pty_quiet && k < 64; k++) { /* what is there now */
		struct pollfd p = { .fd = c->pty_master, .events = POLLIN };
		if (poll(&p, 1, 0) != 1)
			break;
		conductor_drain_terminal(c, p.revents);
	}
}

void conductor_flush_terminal(struct conductor *c, int step)
{
	struct conductor_output *t = &c->tty;
	conductor_read_terminal(c);
	if (!t->total)
		return;
	int idx = step >= 0 && step < c->s->nsteps ? c->s->steps[step].actor : -1;
	emit_output(c, idx, step, 0, 3, t);
	free(t->data);
	memset(t, 0, sizeof(*t));
	t->step = -1;
}
