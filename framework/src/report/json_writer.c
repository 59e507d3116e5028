/* json_writer.c - a json-c tree as text, in json-c's pretty and spaced
 * layout, straight into a stream (json_writer.h says why).  Each value is
 * written as json-c 0.16's serializers write it: objects and arrays one
 * member a line, "{\n}" and "[\n]" (indented) when empty; strings escaped
 * as json_escape_str does (\b \n \r \t \f \" \\, other bytes below 0x20 as
 * \u00xx, '/' as it is); integers signed or unsigned as they were made;
 * doubles as "%.17g" with ".0" added where that would read as an integer.
 * tests/test_report.c compares it with json_object_to_json_string_ext. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "json_writer.h"

int sl_json_indent(struct sl_json_writer *w, int level)
{
	for (int i = 0; i < level; i++)
		if (fputs("  ", w->f) == EOF)
			return -1;
	return 0;
}

static int put_string(FILE *f, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	if (fputc('"', f) == EOF)
		return -1;
	size_t run = 0; /* bytes written as they are, not yet put */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t n = 0;
		switch (c) {
		case '\b': memcpy(esc, "\\b", n = 2); break;
		case '\n': memcpy(esc, "\\n", n = 2); break;
		case '\r': memcpy(esc, "\\r", n = 2); break;
		case '\t': memcpy(esc, "\\t", n = 2); break;
		case '\f': memcpy(esc, "\\f", n = 2); break;
		case '"': memcpy(esc, "\\\"", n = 2); break;
		case '\\': memcpy(esc, "\\\\", n = 2); break;
		default:
			if (c < ' ') {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 0xf];
				n = 6;
			}
		}
		if (!n) {
			run++;
			continue;
		}
		if ((run && fwrite(s + i - run, 1, run, f) != run) || fwrite(esc, 1, n, f) != n)
			return -1;
		run = 0;
	}
	if (run && fwrite(s + len - run, 1, run, f) != run)
		return -1;
	return fputc('"', f) == EOF ? -1 : 0;
}

static int put_int(FILE *f, json_object *o)
{
	int64_t v = json_object_get_int64(o);
	if (v == INT64_MAX) /* or an unsigned one above it, which json-c clamps */
		return fprintf(f, "%" PRIu64, json_object_get_uint64(o)) < 0 ? -1 : 0;
	return fprintf(f, "%" PRId64, v) < 0 ? -1 : 0;
}

static int put_double(FILE *f, double d)
{
	char buf[128];
	if (isnan(d))
		return fputs("NaN", f) == EOF ? -1 : 0;
	if (isinf(d))
		return fputs(d > 0 ? "Infinity" : "-Infinity", f) == EOF ? -1 : 0;
	int size = snprintf(buf, sizeof(buf), "%.17g", d);
	if (size < 0 || size >= (int)sizeof(buf) - 2)
		return -1;
	char *comma = strchr(buf, ','); /* a locale's decimal comma */
	if (comma)
		*comma = '.';
	int digit = (buf[0] >= '0' && buf[0] <= '9') || (buf[0] == '-' && buf[1] >= '0' && buf[1] <= '9');
	if (digit && !strchr(buf, '.') && !strchr(buf, 'e'))
		memcpy(buf + size, ".0", 3); /* room: size < sizeof(buf) - 2 */
	return fputs(buf, f) == EOF ? -1 : 0;
}

/* Between members: ",\n"; then the member's indent. */
static int next_member(struct sl_json_writer *w, int first, int level)
{
	if (!first && fputs(",\n", w->f) == EOF)
		return -1;
	return sl_json_indent(w, level);
}

/* After the last member: "\n" if there was one, the indent, the bracket. */
static int close_container(struct sl_json_writer *w, int any, int level, char bracket)
{
	if ((any && fputc('\n', w->f) == EOF) || sl_json_indent(w, level) < 0)
		return -1;
	return fputc(bracket, w->f) == EOF ? -1 : 0;
}

static int is_hole(const struct sl_json_writer *w, const json_object *v)
{
	return w->hole && w->fill && v == w->hole;
}

static int put_object(struct sl_json_writer *w, json_object *o, int level)
{
	int any = 0;
	if (fputs("{\n", w->f) == EOF)
		return -1;
	json_object_object_foreach(o, key, v)
	{
		if (next_member(w, !any, level + 1) < 0 || put_string(w->f, key, strlen(key)) < 0 ||
		    fputs(": ", w->f) == EOF)
			return -1;
		any = 1;
		if (is_hole(w, v) ? w->fill(w, key, level + 1, w->ctx) < 0 : sl_json_write_value(w, v, level + 1) < 0)
			return -1;
	}
	return close_container(w, any, level, '}');
}

int sl_json_array_open(struct sl_json_writer *w)
{
	return fputs("[\n", w->f) == EOF ? -1 : 0;
}

int sl_json_array_next(struct sl_json_writer *w, size_t i, int level)
{
	return next_member(w, i == 0, level + 1);
}

int sl_json_array_put(struct sl_json_writer *w, size_t i, json_object *o, int level)
{
	if (sl_json_array_next(w, i, level) < 0)
		return -1;
	return sl_json_write_value(w, o, level + 1);
}

int sl_json_array_close(struct sl_json_writer *w, size_t n, int level)
{
	return close_container(w, n > 0, level, ']');
}

static int put_array(struct sl_json_writer *w, json_object *a, int level)
{
	size_t n = json_object_array_length(a);
	if (sl_json_array_open(w) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sl_json_array_put(w, i, json_object_array_get_idx(a, i), level) < 0)
			return -1;
	return sl_json_array_close(w, n, level);
}

int sl_json_write_value(struct sl_json_writer *w, json_object *o, int level)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return fputs("null", w->f) == EOF ? -1 : 0;
	case json_type_boolean: return fputs(json_object_get_boolean(o) ? "true" : "false", w->f) == EOF ? -1 : 0;
	case json_type_int: return put_int(w->f, o);
	case json_type_double: return put_double(w->f, json_object_get_double(o));
	case json_type_string: return put_string(w->f, json_object_get_string(o), (size_t)json_object_get_string_len(o));
	case json_type_object: return put_object(w, o, level);
	case json_type_array: return put_array(w, o, level);
	}
	return -1;
}

/* ---- members written straight ------------------------------------------------ */

int sl_json_object_open(struct sl_json_writer *w)
{
	return fputs("{\n", w->f) == EOF ? -1 : 0;
}

int sl_json_key(struct sl_json_writer *w, int nth, int level, const char *key)
{
	if (next_member(w, nth == 0, level + 1) < 0 || put_string(w->f, key, strlen(key)) < 0)
		return -1;
	return fputs(": ", w->f) == EOF ? -1 : 0;
}

int sl_json_object_close(struct sl_json_writer *w, int n, int level)
{
	return close_container(w, n > 0, level, '}');
}

int sl_json_int(struct sl_json_writer *w, int64_t v)
{
	return fprintf(w->f, "%" PRId64, v) < 0 ? -1 : 0;
}

int sl_json_uint(struct sl_json_writer *w, uint64_t v)
{
	return fprintf(w->f, "%" PRIu64, v) < 0 ? -1 : 0;
}

int sl_json_bool(struct sl_json_writer *w, int v)
{
	return fputs(v ? "true" : "false", w->f) == EOF ? -1 : 0;
}

int sl_json_null(struct sl_json_writer *w)
{
	return fputs("null", w->f) == EOF ? -1 : 0;
}

int sl_json_text(struct sl_json_writer *w, const char *s, size_t len)
{
	return put_string(w->f, s, len);
}
