/* parse_diag.c - the list of parser diagnostics: adding, printing, freeing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"

int slp_diag_add(struct sl_diags *d, const char *file, int line, int col, const char *msg)
{
	if (!d)
		return 0;
	if (d->n >= d->cap) {
		int ncap = d->cap > 0 ? d->cap * 2 : 16;
		struct sl_diag *nv = realloc(d->v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return -1;
		d->v = nv;
		d->cap = ncap;
	}
	struct sl_diag *g = &d->v[d->n];
	g->file = strdup(file ? file : "<script>");
	g->msg = strdup(msg ? msg : "");
	if (!g->file || !g->msg) {
		free(g->file);
		free(g->msg);
		return -1;
	}
	g->line = line;
	g->col = col;
	d->n++;
	return 0;
}

int slp_diag_addf(struct sl_diags *d, const char *file, int line, int col, const char *fmt, ...)
{
	if (!d)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	char *msg = malloc((size_t)len + 1);
	if (!msg)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)len + 1, fmt, ap);
	va_end(ap);
	int rc = slp_diag_add(d, file, line, col, msg);
	free(msg);
	return rc;
}

void sl_diags_print(const struct sl_diags *d, FILE *out)
{
	if (!d || !out)
		return;
	for (int i = 0; i < d->n; i++)
		fprintf(out, "%s:%d:%d: %s\n", d->v[i].file, d->v[i].line, d->v[i].col, d->v[i].msg);
}

void sl_diags_free(struct sl_diags *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
