/* xml_writer.c - an XML document written element by element (xml_writer.h),
 * for junit.xml.  The harness used libxml2's xmlTextWriter for this; loading
 * libxml2 (with ICU and libstdc++) cost every start of the command about
 * 3 ms and made every fork of a conductor or actor dearer, for what is
 * escaping and indenting.  The tests still read every junit.xml with
 * libxml2 and validate it against both JUnit schemas.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xml_writer.h"

static void escaped(FILE *f, const char *s, int in_attribute)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs(in_attribute ? "&quot;" : "\"", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\n': fputs(in_attribute ? "&#10;" : "\n", f); break;
		case '\t': fputs(in_attribute ? "&#9;" : "\t", f); break;
		default: fputc(*s, f); break;
		}
	}
}

static void indent(struct sl_xml_writer *w, int depth)
{
	fputc('\n', w->f);
	for (int i = 0; i < depth; i++)
		fputc(' ', w->f);
}

/* Ends "<name attrs" with '>' before anything is written inside. */
static void close_tag(struct sl_xml_writer *w)
{
	if (w->tag_open)
		fputc('>', w->f);
	w->tag_open = 0;
}

void sl_xml_begin(struct sl_xml_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", f);
}

void sl_xml_start(struct sl_xml_writer *w, const char *name)
{
	if (w->depth >= SL_XML_MAX_DEPTH) {
		w->failed = 1;
		return;
	}
	close_tag(w);
	if (w->depth > 0)
		w->has_children[w->depth - 1] = 1;
	indent(w, w->depth);
	fprintf(w->f, "<%s", name);
	w->name[w->depth] = name;
	w->has_children[w->depth] = 0;
	w->has_text[w->depth] = 0;
	w->depth++;
	w->tag_open = 1;
}

void sl_xml_attr(struct sl_xml_writer *w, const char *name, const char *value)
{
	if (!w->tag_open) {
		w->failed = 1;
		return;
	}
	fprintf(w->f, " %s=\"", name);
	escaped(w->f, value ? value : "", 1);
	fputc('"', w->f);
}

void sl_xml_attrf(struct sl_xml_writer *w, const char *name, const char *fmt, ...)
{
	char *value = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (n < 0) {
		w->failed = 1;
		return;
	}
	sl_xml_attr(w, name, value);
	free(value);
}

void sl_xml_text(struct sl_xml_writer *w, const char *text)
{
	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	close_tag(w);
	w->has_text[w->depth - 1] = 1;
	escaped(w->f, text ? text : "", 0);
}

void sl_xml_end(struct sl_xml_writer *w)
{
	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	int d = --w->depth;
	if (w->tag_open) {
		fputs("/>", w->f);
		w->tag_open = 0;
		return;
	}
	if (w->has_children[d] && !w->has_text[d])
		indent(w, d);
	fprintf(w->f, "</%s>", w->name[d]);
}

void sl_xml_element(struct sl_xml_writer *w, const char *name, const char *text)
{
	sl_xml_start(w, name);
	sl_xml_text(w, text);
	sl_xml_end(w);
}

int sl_xml_finish(struct sl_xml_writer *w)
{
	while (w->depth > 0)
		sl_xml_end(w);
	fputc('\n', w->f);
	assert(!w->tag_open);
	return w->failed || ferror(w->f) ? -1 : 0;
}
