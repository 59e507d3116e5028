/* parse_script.c - the parser's entry points: reading a script, the line
 * loop, diagnostics, names, and committing each line's steps to the
 * scenario.  The grammar of each kind of line is in parse_header.c,
 * parse_step.c and parse_expect.c; values are in parse_value.c. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse_diag.h"
#include "parse_internal.h"

/* ---- diagnostics and tokens ---------------------------------------------- */

void slp_report_oom(struct slp_parser *p)
{
	if (p->d)
		p->d->own_failure = 1;
	slp_report(p, 1, "out of memory");
}

void slp_report(struct slp_parser *p, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer loses the va_start above when it inlines this function
	 * into its callers in this file: a known false positive. */
	vsnprintf(msg, sizeof(msg), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	p->errors++;
	if (p->errors <= SLP_MAX_ERRORS)
		slp_diag_add(p->d, p->file, p->ln.lineno, col, msg);
	if (p->errors == SLP_MAX_ERRORS)
		slp_diag_addf(p->d, p->file, p->ln.lineno, col, "too many errors (%d); stopping here",
			      SLP_MAX_ERRORS);
}

void slp_report_quiet(struct slp_parser *p)
{
	if (p->errors == 0)
		slp_report(p, 1, "internal error: a name with an error is used");
}

const char *slp_tok_show(const struct slp_token *t, char *buf, size_t len)
{
	if (t->kind == TK_WORD) {
		if (t->len > 40)
			snprintf(buf, len, "'%.40s...'", t->text);
		else
			snprintf(buf, len, "'%s'", t->text);
	} else {
		snprintf(buf, len, "%s", slp_tok_kind_text(t->kind));
	}
	return buf;
}

int slp_is_word(const struct slp_token *t, const char *w)
{
	return t->kind == TK_WORD && strcmp(t->text, w) == 0;
}

void slp_report_expected(struct slp_parser *p, const char *what)
{
	char show[SLP_SHOW];
	const struct slp_token *t = slp_peek(p);
	slp_report(p, t->col, "expected %s, found %s", what, slp_tok_show(t, show, sizeof(show)));
}

/* ---- names --------------------------------------------------------------- */

int slp_valid_name(const char *name)
{
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return 0;
	return 1;
}

static const char *const reserved_words[] = {
	"scenario", "claim", "expect", "sysctl", "wait", "hangup", "key", "namespace", "maps",
	"not", "fails", "dies", "exits", "any", "returns", "auto", "env", "inject", "time",
	"ftok", "find", "invariant", "keep-going", "terminal", NULL,
};

int slp_is_reserved(const char *name)
{
	for (int i = 0; reserved_words[i]; i++)
		if (strcmp(reserved_words[i], name) == 0)
			return 1;
	return 0;
}

int slp_check_new_name(struct slp_parser *p, const char *name, int col)
{
	if (!slp_valid_name(name))
		return slp_error(p, col,
				 "bad name '%.40s': a name is a letter or '_', then letters, digits, '_' or '-'",
				 name);
	if (slp_is_reserved(name))
		return slp_error(p, col, "'%s' is a reserved word; choose another name", name);
	if (slp_const_by_name(name) || slp_errno_by_name(name) >= 0 ||
	    slp_signal_by_name(name) >= 0)
		return slp_error(p, col, "'%s' is a constant; choose another name", name);
	const struct slp_sym *s = slp_sym_find(&p->names, name);
	if (!s)
		return 0;
	switch (s->kind) {
	case SYM_ACTOR:
	case SYM_GROUP:
		return slp_error(p, col, "'%s' is already an actor (line %d)", name, s->line);
	case SYM_SLOT:
	case SYM_GROUP_SLOT:
		return slp_error(p, col, "'%s' is already bound on line %d", name, s->line);
	default:
		return slp_quiet_fail(p);
	}
}

int slp_add_actor(struct slp_parser *p, const char *name, int col)
{
	if (p->s->nactors >= SLP_MAX_ACTORS)
		return slp_error(p, col, "too many actors (the limit is %d)", SLP_MAX_ACTORS);
	if (p->s->nactors >= p->ai_cap) {
		int ncap = p->ai_cap ? p->ai_cap * 2 : 16;
		struct slp_actor_info *n = realloc(p->ai, (size_t)ncap * sizeof(*n));
		if (!n)
			return slp_oom(p);
		p->ai = n;
		p->ai_cap = ncap;
	}
	int a = sl_scenario_add_actor(p->s, name);
	if (a < 0)
		return slp_oom(p);
	p->ai[a].count = 1;
	p->ai[a].parent_group = -1;
	return a;
}

int slp_add_slot(struct slp_parser *p, const char *name)
{
	if (p->s->nslots >= p->slot_cap) {
		int ncap = p->slot_cap ? p->slot_cap * 2 : 16;
		int *n = realloc(p->slot_step, (size_t)ncap * sizeof(*n));
		if (!n)
			return slp_oom(p);
		p->slot_step = n;
		p->slot_cap = ncap;
	}
	int slot = sl_scenario_add_slot(p->s, name);
	if (slot < 0)
		return slp_oom(p);
	p->slot_step[slot] = -1;
	return slot;
}

void slp_member_of_actor(const struct slp_parser *p, int actor, struct slp_member *m)
{
	int g = p->s->actors[actor].group;
	m->group = g;
	m->index = actor - g;
	m->count = p->ai[g].count;
	m->expanded = 0;
}

/* ---- steps being built ----------------------------------------------------- */

void slp_pstep_init(struct slp_pstep *ps, int actor, enum sl_op op, int line, int col)
{
	memset(ps, 0, sizeof(*ps));
	ps->st.op = op;
	ps->st.actor = actor;
	ps->st.bind = SL_NO_SLOT;
	ps->st.new_actor = -1;
	ps->st.claim = -1;
	ps->st.line = line;
	ps->st.col = col;
}

void slp_pstep_free(struct slp_pstep *ps)
{
	sl_step_release(&ps->st);
}

static void pline_reset(struct slp_parser *p)
{
	for (int i = 0; i < p->pl.npre; i++)
		slp_pstep_free(&p->pl.pre[i]);
	if (p->pl.has_main)
		slp_pstep_free(&p->pl.main);
	memset(&p->pl, 0, sizeof(p->pl));
}

/* ---- committing a line's steps --------------------------------------------- */

static char *member_name(const char *base, int index)
{
	size_t n = strlen(base) + 16;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s[%d]", base, index);
	return s;
}

/* The fork's child becomes an actor: `kid`, or kid[i] in a group step; so
 * does the process a `find` names, as a found actor. */
static int bind_child(struct slp_parser *p, struct slp_pstep *ps)
{
	char *name = p->m.expanded ? member_name(ps->bind, p->m.index) : strdup(ps->bind);
	if (!name)
		return slp_oom(p);
	int a = slp_add_actor(p, name, ps->bind_col);
	free(name);
	if (a < 0)
		return -1;
	p->s->actors[a].spawned = 1;
	p->s->actors[a].found = ps->st.op == SL_OP_FIND;
	struct slp_sym *s;
	if (!p->m.expanded) {
		if (!(s = slp_sym_add(&p->names, ps->bind, SYM_ACTOR, p->ln.lineno)))
			return slp_oom(p);
		s->index = a;
	} else if (p->m.index == 0) {
		if (!(s = slp_sym_add(&p->names, ps->bind, SYM_GROUP, p->ln.lineno)))
			return slp_oom(p);
		s->index = a;
		s->count = p->m.count;
		p->ai[a].count = p->m.count;
		p->ai[a].parent_group = p->m.group;
	} else {
		s = slp_sym_find(&p->names, ps->bind);
		if (!s || s->kind != SYM_GROUP)
			return slp_quiet_fail(p);
		p->s->actors[a].group = s->index;
		p->ai[a].count = p->m.count;
	}
	ps->st.new_actor = a;
	return 0;
}

/* The name after '->' becomes a slot: `a`, or a[i] in a group step. */
static int bind_slot(struct slp_parser *p, struct slp_pstep *ps)
{
	char *name = p->m.expanded ? member_name(ps->bind, p->m.index) : strdup(ps->bind);
	if (!name)
		return slp_oom(p);
	int slot = slp_add_slot(p, name);
	free(name);
	if (slot < 0)
		return -1;
	struct slp_sym *s;
	if (!p->m.expanded) {
		if (!(s = slp_sym_add(&p->names, ps->bind, SYM_SLOT, p->ln.lineno)))
			return slp_oom(p);
		s->index = slot;
	} else {
		if (p->m.index == 0) {
			int *slots = malloc((size_t)p->m.count * sizeof(int));
			if (!slots)
				return slp_oom(p);
			for (int i = 0; i < p->m.count; i++)
				slots[i] = -1;
			if (!(s = slp_sym_add(&p->names, ps->bind, SYM_GROUP_SLOT, p->ln.lineno))) {
				free(slots);
				return slp_oom(p);
			}
			s->slots = slots;
			s->count = p->m.count;
			s->group = p->m.group;
		} else {
			s = slp_sym_find(&p->names, ps->bind);
			if (!s || s->kind != SYM_GROUP_SLOT || p->m.index >= s->count)
				return slp_quiet_fail(p);
		}
		s->slots[p->m.index] = slot;
	}
	ps->st.bind = slot;
	return 0;
}

/* The line as written, without surrounding blanks and comment. */
static char *line_text(const struct slp_line *l)
{
	if (l->ntok < 2)
		return strdup("");
	const struct slp_token *first = &l->tok[0], *last = &l->tok[l->ntok - 2];
	size_t start = (size_t)first->col - 1, end = (size_t)(last->col - 1 + last->len);
	return strndup(l->src + start, end - start);
}

static int commit_one(struct slp_parser *p, struct slp_pstep *ps)
{
	if (p->s->nsteps >= SLP_MAX_STEPS) {
		if (p->limit_reported) {
			p->errors++;
			return -1;
		}
		p->limit_reported = 1;
		return slp_error(p, p->ln.tok[0].col, "too many steps (the limit is %d)", SLP_MAX_STEPS);
	}
	if (ps->bind && (ps->st.op == SL_OP_FORK || ps->st.op == SL_OP_FIND)) {
		if (bind_child(p, ps))
			return -1;
	} else if (ps->bind) {
		if (bind_slot(p, ps))
			return -1;
	}
	if (ps->st.bind >= 0)
		p->slot_step[ps->st.bind] = p->s->nsteps;
	char *text = line_text(&p->ln);
	if (!text)
		return slp_oom(p);
	struct sl_step *dst = sl_scenario_add_step(p->s, ps->st.actor, ps->st.op);
	if (!dst) {
		free(text);
		return slp_oom(p);
	}
	*dst = ps->st;
	dst->text = text;
	memset(&ps->st, 0, sizeof(ps->st));
	return 0;
}

int slp_commit(struct slp_parser *p)
{
	int rc = 0;
	for (int i = 0; i < p->pl.npre && !rc; i++)
		rc = commit_one(p, &p->pl.pre[i]);
	if (!rc && p->pl.has_main)
		rc = commit_one(p, &p->pl.main);
	pline_reset(p);
	return rc;
}

/* After an error in a step line: the names it would have bound must not
 * cause more errors on later lines.  A bound name becomes a slot all the
 * same (the scenario is discarded anyway); a fork's child (or a found
 * process) is poisoned, so that lines of that actor are skipped quietly. */
static void poison_line(struct slp_parser *p)
{
	pline_reset(p);
	int fork = 0;
	for (int i = 0; i + 1 < p->ln.ntok; i++) {
		const struct slp_token *t = &p->ln.tok[i], *n = &p->ln.tok[i + 1];
		fork |= slp_is_word(t, "fork") || slp_is_word(t, "find");
		if (t->kind != TK_ARROW || n->kind != TK_WORD || slp_sym_find(&p->names, n->text))
			continue;
		int slot = fork ? -1 : slp_add_slot(p, n->text);
		struct slp_sym *s = slp_sym_add(&p->names, n->text, slot < 0 ? SYM_POISON : SYM_SLOT,
						p->ln.lineno);
		if (s)
			s->index = slot;
	}
}

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
		pline_reset(p); /* an invariant's body is parsed as a step line */
		return;
	}
	if (!p->first_step_line)
		p->first_step_line = p->ln.lineno;
	int errors = p->errors;
	if (slp_step_line(p) || p->errors > errors)
		poison_line(p);
	pline_reset(p);
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
	pline_reset(p);
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

/* Reads a whole file of at most SLP_MAX_FILE bytes; NULL with errno. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			if (cap > SLP_MAX_FILE) {
				errno = EFBIG;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			close(fd);
			if (n > SLP_MAX_FILE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	int e = errno;
	free(buf);
	close(fd);
	errno = e ? e : ENOMEM;
	return NULL;
}

struct sl_scenario *sl_parse_file(const char *path, struct sl_diags *d)
{
	if (!path) {
		slp_diag_add(d, "<script>", 1, 1, "no script file named");
		return NULL;
	}
	size_t len = 0;
	char *text = read_file(path, &len);
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
