/* parse_script.c - the parser's entry points: reading a script, the line
 * loop, and committing each line's steps to the scenario (what every
 * grammar file shares is parse_base.c's).  The grammar of each kind of line is in parse_header.c,
 * parse_step.c and parse_expect.c; values are in parse_value.c. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"
#include "parse_internal.h"
#include "util.h"

/* ---- the line loop ------------------------------------------------------- */

static void parse_line(struct slp_parser *p)
{
	if (p->ln.ntok < 2)
		return; /* blank, or only a comment */
	const struct slp_token *t0 = &p->ln.tok[0];
	if (!p->seen_content) {
		p->seen_content = 1;
		if (!slp_is_word(t0, "scenario"))
			slp_report(p, t0->col, "the script must begin with 'scenario NAME'");
	}
	p->pos = 0;
	if (slp_is_header_line(p)) {
		slp_header_line(p);
		slp_pline_reset(p); /* an invariant's body is parsed as a step line */
		return;
	}
	if (!p->first_step_line)
		p->first_step_line = p->ln.lineno;
	int errors = p->errors;
	if (slp_step_line(p) || p->errors > errors)
		slp_poison_line(p);
	slp_pline_reset(p);
}

/* Calls fn for each line of text[0..len). */
static void each_line(struct slp_parser *p, const char *text, size_t len,
		      void (*fn)(struct slp_parser *, const char *, size_t, int))
{
	int lineno = 1;
	size_t start = 0;
	while (start < len && p->errors < SLP_MAX_ERRORS) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		fn(p, text + start, end - start, lineno);
		lineno++;
		start = end + 1;
	}
}

/* Pre-pass: where each name after '->' is first bound, for the message
 * "'x' is used before it is bound on line N". */
static void note_binds(struct slp_parser *p, const char *src, size_t len, int lineno)
{
	struct slp_lex_error err;
	if (slp_lex_line(&p->ln, src, len, lineno, &err))
		return;
	for (int i = 0; i + 1 < p->ln.ntok; i++) {
		const struct slp_token *t = &p->ln.tok[i], *n = &p->ln.tok[i + 1];
		if (t->kind == TK_ARROW && n->kind == TK_WORD && !slp_sym_find(&p->future, n->text))
			slp_sym_add(&p->future, n->text, SYM_FUTURE, lineno);
	}
}

static void parse_one_line(struct slp_parser *p, const char *src, size_t len, int lineno)
{
	struct slp_lex_error err;
	int rc = slp_lex_line(&p->ln, src, len, lineno, &err);
	if (rc == -2) {
		p->ln.lineno = lineno;
		slp_report_oom(p);
		return;
	}
	if (rc) {
		p->ln.lineno = lineno;
		p->seen_content = 1;
		slp_report(p, err.col, "%s", err.msg);
		return;
	}
	parse_line(p);
}

static void finish(struct slp_parser *p)
{
	p->ln.lineno = 1;
	if (!p->seen_content) {
		slp_report(p, 1, "the script is empty: it must begin with 'scenario NAME'");
		return;
	}
	if (p->scenario_line && p->s->nsteps == 0 && p->errors == 0) {
		p->ln.lineno = p->scenario_line;
		slp_report(p, 1, "scenario '%s' has no steps", p->s->name);
	}
	for (int i = 0; i < p->s->nsteps && !p->s->terminal; i++) { /* known now, not at run time */
		const struct sl_step *st = &p->s->steps[i];
		if (st->op != SL_OP_HANGUP && st->op != SL_OP_TTY_KEY)
			continue;
		p->ln.lineno = st->line;
		slp_report(p, st->col > 0 ? st->col : 1, "'%s' needs a terminal: add the header 'terminal: pty'",
			   st->op == SL_OP_HANGUP ? "hangup" : "key");
	}
	slp_inject_finish(p); /* invariants after the last step: parse_inject.c */
}

static void parser_free(struct slp_parser *p)
{
	slp_pline_reset(p);
	slp_line_free(&p->ln);
	slp_symtab_free(&p->names);
	slp_symtab_free(&p->claims);
	slp_symtab_free(&p->future);
	free(p->ai);
	free(p->slot_step);
}

static struct sl_scenario *parse_text(const char *text, size_t len, const char *file,
				      struct sl_diags *d)
{
	struct slp_parser parser, *p = &parser;
	memset(p, 0, sizeof(*p));
	p->d = d;
	p->file = file ? file : "<script>";
	p->m.group = -1;
	p->s = sl_scenario_new("");
	if (!p->s || !(p->s->file = strdup(p->file))) {
		sl_scenario_free(p->s);
		if (d)
			d->own_failure = 1;
		slp_diag_add(d, p->file, 1, 1, "out of memory");
		return NULL;
	}
	each_line(p, text, len, note_binds);
	each_line(p, text, len, parse_one_line);
	finish(p);
	parser_free(p);
	if (p->errors) {
		sl_scenario_free(p->s);
		return NULL;
	}
	return p->s;
}

struct sl_scenario *sl_parse_string(const char *text, const char *filename, struct sl_diags *d)
{
	if (!text) {
		slp_diag_add(d, filename ? filename : "<script>", 1, 1, "no script text");
		return NULL;
	}
	return parse_text(text, strlen(text), filename, d);
}

struct sl_scenario *sl_parse_file(const char *path, struct sl_diags *d)
{
	if (!path) {
		slp_diag_add(d, "<script>", 1, 1, "no script file named");
		return NULL;
	}
	size_t len = 0;
	char *text = sl_read_file(path, SLP_MAX_FILE, &len);
	if (!text) {
		int err = errno;
		if (err == EFBIG)
			slp_diag_addf(d, path, 1, 1, "cannot read: the script is larger than %d MiB",
				      SLP_MAX_FILE >> 20);
		else
			slp_diag_addf(d, path, 1, 1, "cannot read: %s", strerror(err));
		/* a script that is not there, or not readable, is the user's
		 * error; a read that failed (EIO, EMFILE, ENOMEM) is shmlife's */
		if (d && err != EFBIG && err != ENOENT && err != EACCES && err != EISDIR && err != ENOTDIR &&
		    err != ELOOP && err != ENAMETOOLONG && err != EPERM)
			d->own_failure = 1;
		return NULL;
	}
	struct sl_scenario *s = parse_text(text, len, path, d);
	free(text);
	return s;
}
