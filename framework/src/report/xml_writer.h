/* xml_writer.h - internal to the report writers: an XML document written
 * element by element into a stdio stream, every attribute value and text
 * escaped.  Enough for junit.xml: elements, attributes, text; no
 * namespaces, comments or CDATA.  The caller passes valid UTF-8 without
 * control characters other than tab, newline and carriage return
 * (rc_clean_utf8() makes it so); the writer escapes the five markup
 * characters, and tab, newline and carriage return in attribute values
 * (which a reader would otherwise normalise to spaces).
 *
 * Layout: one element per line, indented by one space a level; an element
 * with text holds it on its line; an empty element is written <name/>.
 *
 *   struct sl_xml_writer w;
 *   sl_xml_begin(&w, f);
 *   sl_xml_start(&w, "testsuites");
 *   sl_xml_start(&w, "testsuite");
 *   sl_xml_attr(&w, "name", "attach");
 *   sl_xml_end(&w);                      // <testsuite name="attach"/>
 *   if (sl_xml_finish(&w) < 0) ...      // closes <testsuites>; -1 on error
 */
#ifndef SHMLIFE_XML_WRITER_H
#define SHMLIFE_XML_WRITER_H

#include <stdio.h>

#define SL_XML_MAX_DEPTH 16

struct sl_xml_writer {
	FILE *f;
	int depth;                              /* elements open                 */
	int tag_open;                           /* "<name attrs" not yet closed  */
	int failed;                             /* too deep, or unbalanced       */
	const char *name[SL_XML_MAX_DEPTH];     /* the open elements (not copied) */
	int has_children[SL_XML_MAX_DEPTH];     /* an element was written inside */
	int has_text[SL_XML_MAX_DEPTH];         /* text was written inside       */
};

/* Writes the XML declaration (UTF-8). */
void sl_xml_begin(struct sl_xml_writer *w, FILE *f);
/* Opens an element; `name` must stay valid until its sl_xml_end(). */
void sl_xml_start(struct sl_xml_writer *w, const char *name);
/* An attribute of the element just opened, before any text or child. */
void sl_xml_attr(struct sl_xml_writer *w, const char *name, const char *value);
void sl_xml_attrf(struct sl_xml_writer *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Text inside the open element. */
void sl_xml_text(struct sl_xml_writer *w, const char *text);
/* Closes the innermost open element. */
void sl_xml_end(struct sl_xml_writer *w);
/* sl_xml_start + sl_xml_text + sl_xml_end. */
void sl_xml_element(struct sl_xml_writer *w, const char *name, const char *text);
/* Closes what is still open and ends the document: 0, or -1 if the stream
 * failed or a call was out of place (an end with nothing open, an attribute
 * after text or a child, text outside every element, elements nested deeper
 * than SL_XML_MAX_DEPTH). */
int sl_xml_finish(struct sl_xml_writer *w);

#endif
