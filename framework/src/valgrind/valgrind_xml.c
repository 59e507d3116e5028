/* valgrind_xml.c - one of memcheck's XML files read into a process's
 * record (valgrind.h: struct sl_vg_process) with expat, element by element:
 * its pid, parent and program, and each error's kind, words and place (the
 * first frame of its first stack with a source line).  A file that does not
 * end with </valgrindoutput> was cut by a kill: it is read up to the cut.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <expat.h>

#include "shmlife/valgrind.h"
#include "util.h"
#include "valgrind_xml.h"

#define MAX_XML_BYTES (64L << 20)

/* ---- one file ------------------------------------------------------------------ */

static char *read_whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size > MAX_XML_BYTES) {
		int saved = st.st_size > MAX_XML_BYTES ? EFBIG : errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (buf)
		buf[got] = '\0';
	*len = got;
	return buf;
}

static int ends_closed(const char *buf, size_t len)
{
	static const char tag[] = "</valgrindoutput>";
	while (len && isspace((unsigned char)buf[len - 1]))
		len--;
	return len >= sizeof(tag) - 1 && memcmp(buf + len - (sizeof(tag) - 1), tag, sizeof(tag) - 1) == 0;
}

/* The reading of one file, element by element (expat calls back as it
 * meets each start, end and piece of text).  Of memcheck's document it
 * keeps: <pid>, <ppid>, <args><argv><exe>, and of each <error> its <kind>,
 * <what> or <xwhat> (<text>, <leakedbytes>, <leakedblocks>) and the frames
 * (<obj>, <fn>, <file>, <line>) of its first <stack>. */
#define MAX_PATH_DEPTH 8

struct vg_reader {
	XML_Parser parser;
	struct sl_vg_process *p;
	int depth;                               /* elements open, the root is 1 */
	char path[MAX_PATH_DEPTH][16];           /* their names, as far as kept  */
	char text[512];                          /* the text of the element open */
	size_t text_len;
	int root_seen, root_ok;
	int have_exe;
	/* the <error> being read */
	int in_error, stacks, has_xwhat, where_done;
	struct sl_vg_finding f;
	char fallback[256];
	char obj[256], fn[128], file[128], line[16];   /* the <frame> being read */
};

static int is_at(const struct vg_reader *v, int depth, const char *name)
{
	return v->depth == depth && depth <= MAX_PATH_DEPTH && strcmp(v->path[depth - 1], name) == 0;
}

static int under(const struct vg_reader *v, int depth, const char *name)
{
	return v->depth >= depth && depth <= MAX_PATH_DEPTH && strcmp(v->path[depth - 1], name) == 0;
}

static void text_to(const struct vg_reader *v, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)v->text_len, v->text);
}

/* A <frame> of the error's first stack has ended: is it the program's place,
 * with a source line ("leaky.c:28 (branch_on_garbage)")?  The first such
 * frame is the place; else the first with a function name. */
static void take_frame(struct vg_reader *v)
{
	if (v->where_done || strstr(v->obj, "vgpreload") || strncmp(v->file, "vg_replace", 10) == 0)
		return; /* memcheck's malloc, not the program */
	if (v->file[0] && v->line[0]) {
		sl_setf(v->f.where, sizeof(v->f.where), "%s:%s%s%s%s", v->file, v->line, v->fn[0] ? " (" : "",
			v->fn, v->fn[0] ? ")" : "");
		v->where_done = 1;
		return;
	}
	if (!v->fallback[0] && v->fn[0])
		snprintf(v->fallback, sizeof(v->fallback), "%.100s (%.140s)", v->fn, v->obj[0] ? v->obj : "?");
}

static void take_error(struct vg_reader *v)
{
	struct sl_vg_process *p = v->p;
	struct sl_vg_finding *f = &v->f;

	v->in_error = 0;
	if (!f->kind[0])
		return; /* cut short by a kill */
	int leak = strncmp(f->kind, "Leak_", 5) == 0;
	if (leak && strcmp(f->kind, "Leak_DefinitelyLost") != 0)
		return;
	if (!v->where_done) {
		sl_setf(f->where, sizeof(f->where), "%s", v->fallback[0] ? v->fallback : "an unknown place");
	}
	if (leak)
		p->nleaks++;
	else
		p->nerrors++;
	if (p->nfindings < SL_VG_MAX_FINDINGS)
		p->findings[p->nfindings++] = *f;
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
	struct vg_reader *v = data;
	(void)attrs;
	if (!v->root_seen) {
		v->root_seen = 1;
		v->root_ok = strcmp(name, "valgrindoutput") == 0;
		if (!v->root_ok) {
			XML_StopParser(v->parser, XML_FALSE);
			return;
		}
	}
	if (v->depth < MAX_PATH_DEPTH)
		snprintf(v->path[v->depth], sizeof(v->path[0]), "%s", name);
	v->depth++;
	v->text_len = 0;
	if (is_at(v, 2, "error")) {
		memset(&v->f, 0, sizeof(v->f));
		v->in_error = 1, v->stacks = 0, v->has_xwhat = 0, v->where_done = 0;
		v->fallback[0] = '\0';
	} else if (v->in_error && is_at(v, 3, "stack")) {
		v->stacks++;
	} else if (v->in_error && v->stacks == 1 && is_at(v, 4, "frame") && under(v, 3, "stack")) {
		v->obj[0] = v->fn[0] = v->file[0] = v->line[0] = '\0';
	}
}

/* The end of an element inside an <error>. */
static void end_in_error(struct vg_reader *v)
{
	char num[32];
	if (is_at(v, 3, "kind")) {
		text_to(v, v->f.kind, sizeof(v->f.kind));
	} else if (is_at(v, 3, "what") && !v->has_xwhat) {
		text_to(v, v->f.what, sizeof(v->f.what));
	} else if (is_at(v, 3, "xwhat")) {
		v->has_xwhat = 1;
	} else if (v->depth == 4 && under(v, 3, "xwhat")) {
		if (is_at(v, 4, "text")) {
			v->has_xwhat = 1;
			text_to(v, v->f.what, sizeof(v->f.what));
		} else if (is_at(v, 4, "leakedbytes")) {
			text_to(v, num, sizeof(num));
			v->f.leaked_bytes = strtoull(num, NULL, 10);
		} else if (is_at(v, 4, "leakedblocks")) {
			text_to(v, num, sizeof(num));
			v->f.leaked_blocks = strtoull(num, NULL, 10);
		}
	} else if (v->stacks == 1 && under(v, 3, "stack") && under(v, 4, "frame")) {
		if (v->depth == 4)
			take_frame(v);
		else if (is_at(v, 5, "obj"))
			text_to(v, v->obj, sizeof(v->obj));
		else if (is_at(v, 5, "fn"))
			text_to(v, v->fn, sizeof(v->fn));
		else if (is_at(v, 5, "file"))
			text_to(v, v->file, sizeof(v->file));
		else if (is_at(v, 5, "line"))
			text_to(v, v->line, sizeof(v->line));
	} else if (is_at(v, 2, "error")) {
		take_error(v);
	}
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
	struct vg_reader *v = data;
	char num[32];
	(void)name;
	if (v->in_error) {
		end_in_error(v);
	} else if (is_at(v, 2, "pid")) {
		text_to(v, num, sizeof(num));
		v->p->pid = atoi(num);
	} else if (is_at(v, 2, "ppid")) {
		text_to(v, num, sizeof(num));
		v->p->ppid = atoi(num);
	} else if (is_at(v, 4, "exe") && under(v, 3, "argv") && under(v, 2, "args") && !v->have_exe) {
		text_to(v, v->p->exe, sizeof(v->p->exe));
		v->have_exe = 1;
	}
	v->depth--;
	v->text_len = 0;
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
	struct vg_reader *v = data;
	size_t room = sizeof(v->text) - v->text_len;
	size_t n = len > 0 ? (size_t)len : 0;
	if (n > room)
		n = room;       /* longer than any field it goes into */
	memcpy(v->text + v->text_len, s, n);
	v->text_len += n;
}

/* Parses buf into p.  A file cut by a kill (p->truncated) keeps what came
 * before the cut, an error whose <kind> was read included; any other file
 * that is not well-formed memcheck XML is unreadable, with no findings. */
static void parse_xml(const char *buf, size_t len, struct sl_vg_process *p)
{
	struct vg_reader *v = calloc(1, sizeof(*v));
	XML_Parser parser = v ? XML_ParserCreate("UTF-8") : NULL;
	if (!parser || len > INT_MAX) {
		p->unreadable = 1;
		free(v);
		return;
	}
	v->parser = parser;
	v->p = p;
	XML_SetUserData(parser, v);
	XML_SetElementHandler(parser, on_start, on_end);
	XML_SetCharacterDataHandler(parser, on_text);
	int ok = XML_Parse(parser, buf, (int)len, XML_TRUE) == XML_STATUS_OK;
	if (!ok && p->truncated && v->in_error)
		take_error(v);  /* what memcheck wrote of it before the kill */
	if (!v->root_ok || (!ok && !p->truncated)) {
		p->unreadable = 1;
		p->nerrors = p->nleaks = p->nfindings = 0;
	}
	XML_ParserFree(parser);
	free(v);
}

void vg_read_process(const char *dir, const char *name, struct sl_vg_process *p)
{
	char *path = NULL;
	size_t len = 0;
	memset(p, 0, sizeof(p[0]));
	sl_setf(p->file, sizeof(p->file), "%s", name); /* vg.PID.xml fits */
	sscanf(name, "vg.%d.xml", &p->pid);
	char *buf = asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : read_whole(path, &len);
	free(path);
	if (!buf) {
		p->unreadable = 1;
		return;
	}
	p->truncated = !ends_closed(buf, len);
	if (len)
		parse_xml(buf, len, p);
	else
		p->unreadable = 1;
	free(buf);
}
