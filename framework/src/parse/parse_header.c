/* parse_header.c - header lines: scenario, description, tags, terminal,
 * network, timeout, leak and claim, and the dispatch of every header line
 * (requires and sysctl: parse_requires.c; actors: parse_actors.c). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

#define MAX_TAGS 64

static const char *const header_keys[] = {
	"scenario", "description", "tags", "requires", "terminal", "network", "sysctl", "timeout", "leak",
	"actors", "claim", NULL,
};

int slp_is_header_line(const struct slp_parser *p)
{
	const struct slp_token *t0 = &p->ln.tok[0];
	if (t0->kind != TK_WORD)
		return 0;
	return p->ln.tok[1].kind == TK_COLON || slp_is_word(t0, "scenario") ||
	       slp_is_word(t0, "claim") || slp_inject_is_header(p);
}

static int end_of_line(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_EOL)
		return 0;
	char show[SLP_SHOW];
	return slp_error(p, t->col, "unexpected %s", slp_tok_show(t, show, sizeof(show)));
}

/* ---- scenario, description, tags ----------------------------------------- */

static int header_scenario(struct slp_parser *p)
{
	p->pos = 1;
	if (slp_peek(p)->kind == TK_COLON)
		slp_next(p);
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_EOL)
		return slp_error(p, t->col, "'scenario' needs a name");
	if (t->kind != TK_WORD)
		return slp_expected(p, "a scenario name");
	if (!slp_plain_id(t->text))
		return slp_error(p, t->col, "bad scenario name '%.40s': use letters, digits, '-', '_' and '.'",
				 t->text);
	if (p->scenario_line)
		return slp_error(p, p->ln.tok[0].col,
				 "a script holds one scenario; 'scenario' was already given on line %d",
				 p->scenario_line);
	char *name = strdup(t->text);
	if (!name)
		return slp_oom(p);
	free(p->s->name);
	p->s->name = name;
	p->scenario_line = p->s->line = p->ln.lineno;
	slp_next(p);
	return end_of_line(p);
}

static int header_description(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (slp_header_once(p, &p->description_line, "description", p->ln.tok[0].col))
		return -1;
	if (t->kind == TK_EOL)
		return slp_error(p, t->col, "'description' is empty");
	char *text;
	if (t->kind == TK_STRING && slp_peek_at(p, 1)->kind == TK_EOL) {
		if (slp_text_arg(p, "a description", &text))
			return -1;
	} else {
		const struct slp_token *last = &p->ln.tok[p->ln.ntok - 2];
		size_t start = (size_t)t->col - 1, end = (size_t)(last->col - 1 + last->len);
		if (!(text = strndup(p->ln.src + start, end - start)))
			return slp_oom(p);
		p->pos = p->ln.ntok - 1;
	}
	p->s->description = text;
	return 0;
}

static int header_tags(struct slp_parser *p)
{
	if (slp_peek(p)->kind == TK_EOL)
		return slp_error(p, slp_peek(p)->col, "'tags' needs at least one tag");
	while (slp_peek(p)->kind != TK_EOL) {
		const struct slp_token *t = slp_peek(p);
		if (t->kind != TK_WORD)
			return slp_expected(p, "a tag");
		for (int i = 0; i < p->s->ntags; i++)
			if (strcmp(p->s->tags[i], t->text) == 0)
				return slp_error(p, t->col, "tag '%s' is given twice", t->text);
		if (p->s->ntags >= MAX_TAGS)
			return slp_error(p, t->col, "too many tags (the limit is %d)", MAX_TAGS);
		if (sl_scenario_add_tag(p->s, t->text) < 0)
			return slp_oom(p);
		slp_next(p);
		if (slp_peek(p)->kind == TK_COMMA) {
			slp_next(p);
			if (slp_peek(p)->kind == TK_EOL)
				return slp_expected(p, "a tag");
		}
	}
	return 0;
}

/* ---- terminal, timeout, leak ------------------------------------------------ */

static int header_terminal(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (!slp_is_word(t, "pty")) {
		char show[SLP_SHOW];
		return slp_error(p, t->col, "unknown terminal %s: the only terminal is 'pty'",
				 slp_tok_show(t, show, sizeof(show)));
	}
	if (slp_header_once(p, &p->terminal_line, "terminal", p->ln.tok[0].col))
		return -1;
	p->s->terminal = 1;
	slp_next(p);
	return 0;
}

/* network: host | private (the default: a network namespace of its own,
 * with loopback up) */
static int header_network(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (!slp_is_word(t, "host") && !slp_is_word(t, "private")) {
		char show[SLP_SHOW];
		return slp_error(p, t->col, "unknown network %s: 'private' (the default: its own, loopback only) "
				 "or 'host'", slp_tok_show(t, show, sizeof(show)));
	}
	if (slp_header_once(p, &p->network_line, "network", p->ln.tok[0].col))
		return -1;
	p->s->host_network = slp_is_word(t, "host");
	slp_next(p);
	return 0;
}

static int header_timeout(struct slp_parser *p)
{
	int ms;
	if (slp_duration_ms(p, "timeout", &ms))
		return -1;
	if (slp_header_once(p, &p->timeout_line, "timeout", p->ln.tok[0].col))
		return -1;
	p->s->timeout_ms = ms;
	return 0;
}

static int header_leak(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (!slp_is_word(t, "expected")) {
		char show[SLP_SHOW];
		return slp_error(p, t->col, "unknown leak setting %s: write 'leak: expected'",
				 slp_tok_show(t, show, sizeof(show)));
	}
	if (slp_header_once(p, &p->leak_line, "leak", p->ln.tok[0].col))
		return -1;
	p->s->leak_expected = 1;
	slp_next(p);
	return 0;
}

/* ---- claims -------------------------------------------------------------- */

/* `source: "..."`, `kernel: agrees|disagrees`, or a libc's own verdict,
 * `musl: agrees|disagrees` (what the scenario expects when the actors call
 * through that libc; docs/libc.md).  A verdict goes into *kernel or
 * by_libc[that libc], each -1 until given. */
static int claim_setting(struct slp_parser *p, char **source, int *kernel, int *by_libc)
{
	static const char *const keys[] = { "source", "kernel", "glibc", "musl", NULL };
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "source: or kernel:");
	int is_source = strcmp(t->text, "source") == 0;
	enum sl_libc libc;
	int *verdict = NULL;
	if (strcmp(t->text, "kernel") == 0)
		verdict = kernel;
	else if (sl_libc_from_name(t->text, &libc) == 0)
		verdict = &by_libc[libc];
	if (!is_source && !verdict) {
		struct slp_suggest sg;
		slp_suggest_init(&sg, t->text);
		slp_suggest_list(&sg, keys);
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "unknown claim setting '%.40s'; did you mean '%s'?",
					 t->text, slp_suggest_best(&sg));
		return slp_error(p, t->col, "unknown claim setting '%.40s': source:, kernel:, glibc: or musl:", t->text);
	}
	if ((is_source && *source) || (verdict && *verdict >= 0))
		return slp_error(p, t->col, "'%s' is given twice", t->text);
	const char *key = t->text;
	slp_next(p);
	if (slp_peek(p)->kind != TK_COLON)
		return slp_expected(p, "':'");
	slp_next(p);
	const struct slp_token *v = slp_peek(p);
	if (is_source) {
		if (v->kind != TK_STRING)
			return slp_error(p, v->col, "the source must be a quoted string");
		return slp_text_arg(p, "a source", source);
	}
	if (!slp_is_word(v, "agrees") && !slp_is_word(v, "disagrees")) {
		char show[SLP_SHOW];
		return slp_error(p, v->col, "%s: is 'agrees' or 'disagrees', not %s", key,
				 slp_tok_show(v, show, sizeof(show)));
	}
	*verdict = slp_is_word(v, "agrees");
	slp_next(p);
	return 0;
}

static int claim_body(struct slp_parser *p, const struct slp_token *id)
{
	if (slp_peek(p)->kind != TK_COLON)
		return slp_expected(p, "':' after the claim id");
	slp_next(p);
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_STRING)
		return slp_error(p, t->col, "the claim's text must be a quoted string");
	char *text = NULL, *source = NULL;
	int kernel = -1, rc = -1, by_libc[SL_LIBC__COUNT];
	for (int i = 0; i < SL_LIBC__COUNT; i++)
		by_libc[i] = -1;
	if (slp_text_arg(p, "a claim", &text))
		return -1;
	while (slp_peek(p)->kind != TK_EOL)
		if (claim_setting(p, &source, &kernel, by_libc))
			goto out;
	const struct slp_sym *old = slp_sym_find(&p->claims, id->text);
	if (old) {
		slp_report(p, id->col, "claim '%s' is declared twice (first on line %d)", id->text,
			  old->line);
		goto out;
	}
	int c = sl_scenario_add_claim(p->s, id->text, text, source, kernel != 0); /* agrees unless said */
	struct slp_sym *s = c < 0 ? NULL : slp_sym_add(&p->claims, id->text, SYM_CLAIM, p->ln.lineno);
	if (!s) {
		slp_report_oom(p);
		goto out;
	}
	s->index = c;
	for (int i = 0; i < SL_LIBC__COUNT; i++)
		p->s->claims[c].agrees_with_libc[i] = by_libc[i];
	rc = 0;
out:
	free(text);
	free(source);
	return rc;
}

static int header_claim(struct slp_parser *p)
{
	p->pos = 1;
	const struct slp_token *id = slp_peek(p);
	if (id->kind != TK_WORD)
		return slp_error(p, id->col, "a claim needs an id: claim ID: \"what is claimed\"");
	if (!slp_plain_id(id->text))
		return slp_error(p, id->col, "bad claim id '%.40s': use letters, digits, '-', '_' and '.'",
				 id->text);
	slp_next(p);
	if (claim_body(p, id)) {
		if (!slp_sym_find(&p->claims, id->text))
			slp_sym_add(&p->claims, id->text, SYM_POISON, p->ln.lineno);
		return -1;
	}
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

int slp_header_line(struct slp_parser *p)
{
	const struct slp_token *key = &p->ln.tok[0];
	if (strcmp(key->text, "scenario") == 0)
		return header_scenario(p);
	if (slp_inject_is_header(p))
		return slp_inject_header(p); /* invariant, keep-going: parse_inject.c */
	int known = 0;
	for (int i = 0; header_keys[i]; i++)
		known |= strcmp(header_keys[i], key->text) == 0;
	if (known && p->first_step_line)
		return slp_error(p, key->col, "header '%s' must come before the first step (line %d)",
				 key->text, p->first_step_line);
	if (strcmp(key->text, "claim") == 0)
		return header_claim(p);
	p->pos = 2;
	int rc;
	if (strcmp(key->text, "description") == 0)
		return header_description(p);
	else if (strcmp(key->text, "tags") == 0)
		rc = header_tags(p);
	else if (strcmp(key->text, "requires") == 0)
		rc = slp_header_requires(p);
	else if (strcmp(key->text, "terminal") == 0)
		rc = header_terminal(p);
	else if (strcmp(key->text, "network") == 0)
		rc = header_network(p);
	else if (strcmp(key->text, "sysctl") == 0)
		rc = slp_header_sysctl(p);
	else if (strcmp(key->text, "timeout") == 0)
		rc = header_timeout(p);
	else if (strcmp(key->text, "leak") == 0)
		rc = header_leak(p);
	else if (strcmp(key->text, "actors") == 0)
		return slp_header_actors(p);
	else {
		struct slp_suggest sg;
		slp_suggest_init(&sg, key->text);
		slp_suggest_list(&sg, header_keys);
		if (slp_suggest_best(&sg))
			return slp_error(p, key->col, "unknown header '%.40s'; did you mean '%s'?",
					 key->text, slp_suggest_best(&sg));
		return slp_error(p, key->col, "unknown header '%.40s'", key->text);
	}
	return rc ? rc : end_of_line(p);
}
