/* report_html_text.c - what every part of the HTML report (report_html.c,
 * the page; report_html_svg.c, the sequence diagram) uses to write text: the
 * escaping, valid UTF-8, cutting, and the names of outcomes and memcheck
 * events (report_html_internal.h).  Uses nothing of either part, so neither
 * calls the other back. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report_common.h"
#include "report_html_internal.h"

static void escape_into(FILE *out, const char *p)
{
	for (; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*p, out); break;
		}
	}
}

void rh_text(FILE *out, const char *s)
{
	char *clean = rc_clean_utf8(s ? s : "", 1);
	if (clean)
		escape_into(out, clean);
	free(clean);
}

void rh_textn(FILE *out, const char *s, size_t max)
{
	char *copy = strndup(s ? s : "", max);
	rh_text(out, copy ? copy : "");
	free(copy);
}

void rh_text_cut(FILE *out, const char *s, size_t max_chars)
{
	char *clean = rc_clean_utf8(s ? s : "", 1);
	if (!clean)
		return;
	size_t chars = 0, i = 0;
	for (; clean[i]; i++) {
		if (((unsigned char)clean[i] & 0xc0) == 0x80)
			continue; /* a continuation byte: same character */
		if (chars++ == max_chars)
			break;
	}
	if (clean[i] && max_chars > 0) {
		/* cut one character earlier to make room for the ellipsis */
		do
			i--;
		while (i > 0 && ((unsigned char)clean[i] & 0xc0) == 0x80);
		clean[i] = '\0';
		escape_into(out, clean);
		fputs("&#8230;", out);
	} else {
		escape_into(out, clean);
	}
	free(clean);
}

void rh_textf(FILE *out, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0)
		rh_text(out, s);
	free(s);
}

int rh_is_memcheck(const struct sl_trace_entry *e)
{
	return e->kind == SL_ENTRY_EVENT && e->obs_kind == SL_OBS_MEMCHECK;
}

int rh_is_memcheck_summary(const struct sl_trace_entry *e)
{
	return rh_is_memcheck(e) && e->obs.memcheck.role == SL_MEMCHECK_SUMMARY;
}

const char *rh_outcome_class(enum sl_outcome o)
{
	switch (o) {
	case SL_PASS: return "pass";
	case SL_FAIL: return "fail";
	case SL_SKIP: return "skip";
	case SL_TIMEOUT: return "timeout";
	default: return "brok";
	}
}

void rh_anchor(FILE *out, const struct sl_report_item *it)
{
	char name[600];
	rc_item_name(it, name, sizeof(name));
	fputs("sc-", out);
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		    *c == '-')
			fputc(*c, out);
		else
			fprintf(out, "_%02x", *c);
	}
}

void rh_badge(FILE *out, enum sl_outcome o)
{
	fprintf(out, "<span class=\"badge %s\">%s</span>", rh_outcome_class(o), sl_outcome_name(o));
}
