/* json_writer.h - internal to the report writers: a json-c object tree
 * written into a stdio stream in json-c's own layout (that of
 * JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
 * JSON_C_TO_STRING_NOSLASHESCAPE: two spaces a level, "key": value), byte
 * for byte, without json-c's print buffer.
 *
 * Why not json_object_to_json_string_ext: it does not check every append to
 * its print buffer (the commas, the braces, runs of a string), so where
 * memory runs out the text silently lacks them: a results.json without a
 * comma, written, and the run ended with 0.  Here every write is to the
 * stream, whose error stays until it is closed (sl_atomic_close sees it).
 *
 * A member whose value is the object `hole` (that very object) is written
 * by `fill` instead (given its key and level; it writes the value, not the
 * key), so that a document too big to hold is made and written a part at a
 * time.
 *
 *   struct sl_json_writer w = { .f = f };
 *   if (sl_json_write_value(&w, root, 0) < 0 || fputc('\n', f) == EOF) ...
 */
#ifndef SHMLIFE_JSON_WRITER_H
#define SHMLIFE_JSON_WRITER_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

struct sl_json_writer {
	FILE *f;
	json_object *hole;           /* a value that `fill` writes; NULL: none */
	int (*fill)(struct sl_json_writer *w, const char *key, int level, void *ctx); /* 0 or -1 */
	void *ctx;
};

/* Writes o (NULL: null) as the value at depth `level`: its first line is
 * not indented (the key or the indent is the caller's), its others are.
 * 0, or -1 if a write (or a fill) failed. */
int sl_json_write_value(struct sl_json_writer *w, json_object *o, int level);
/* The indent of depth `level`: 0 or -1. */
int sl_json_indent(struct sl_json_writer *w, int level);
/* An array at depth `level` written an element at a time, in the same
 * layout, each element made and freed in turn (0, or -1 if a write failed):
 *
 *   sl_json_array_open(w);
 *   for (size_t i = 0; i < n; i++)
 *           sl_json_array_put(w, i, element(i), level);
 *   sl_json_array_close(w, n, level);
 */
int sl_json_array_open(struct sl_json_writer *w);
int sl_json_array_put(struct sl_json_writer *w, size_t i, json_object *o, int level);
int sl_json_array_close(struct sl_json_writer *w, size_t n, int level);
/* What comes before element i of an array at depth `level` that its caller
 * writes itself (sl_json_array_put is this, then the value). */
int sl_json_array_next(struct sl_json_writer *w, size_t i, int level);
/* An object at depth `level` written a member at a time, straight, without
 * making json-c objects first (what is written thousands of times: a
 * trace's entries), in the same layout; each returns 0, or -1 if a write
 * failed:
 *
 *   int n = 0;
 *   sl_json_object_open(w);
 *   sl_json_key(w, n++, level, "step");  sl_json_int(w, 3);
 *   sl_json_key(w, n++, level, "text");  sl_json_text(w, s, strlen(s));
 *   sl_json_key(w, n++, level, "obs");   sl_json_write_value(w, obs, level + 1);
 *   sl_json_object_close(w, n, level);
 */
int sl_json_object_open(struct sl_json_writer *w);
int sl_json_key(struct sl_json_writer *w, int nth, int level, const char *key);
int sl_json_object_close(struct sl_json_writer *w, int n, int level);
int sl_json_int(struct sl_json_writer *w, int64_t v);
int sl_json_uint(struct sl_json_writer *w, uint64_t v);
int sl_json_bool(struct sl_json_writer *w, int v);
int sl_json_null(struct sl_json_writer *w);
/* len bytes of s as a JSON string, escaped as json-c escapes (the bytes are
 * the caller's to make valid UTF-8). */
int sl_json_text(struct sl_json_writer *w, const char *s, size_t len);

#endif
