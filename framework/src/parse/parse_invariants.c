/* parse_invariants.c - the lines of exploration (docs/fault-injection.md):
 *
 *   a line            invariant NAME: STEP-OR-EXPECTATION
 *   a header          keep-going
 *
 * An invariant's body is parsed as a step line (parse_step.c) and then moved
 * out of the steps into the scenario's invariants; at the end of the script
 * every invariant is appended after the last step again, marked, so that
 * every run judges it after the last step (scenario.h, model/invariants.c).
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"
#include "parse_internal.h"

/* ---- invariant NAME: ..., keep-going ------------------------------------------------ */

int slp_inject_is_header(const struct slp_parser *p)
{
	const struct slp_token *t0 = &p->ln.tok[0];
	return slp_is_word(t0, "invariant") || (slp_is_word(t0, "keep-going") && p->ln.tok[1].kind == TK_EOL);
}

/* Moves the steps the line appended (from `first` on) into invariants. */
static int take_invariants(struct slp_parser *p, const char *name, int first)
{
	struct sl_scenario *s = p->s;
	int n = s->nsteps - first;
	for (int k = first; k < s->nsteps; k++)
		if (s->steps[k].bind != SL_NO_SLOT)
			return slp_error(p, p->ln.tok[0].col, "an invariant binds no name (nor uses ftok(...))");
	for (int k = first; k < s->nsteps; k++) {
		char label[128];
		if (n > 1)
			snprintf(label, sizeof(label), "%s[%d]", name, k - first);
		else
			snprintf(label, sizeof(label), "%s", name);
		struct sl_step *st = sl_scenario_add_invariant(s, label, s->steps[k].actor, s->steps[k].op);
		if (!st)
			return slp_oom(p);
		*st = s->steps[k]; /* the scenario's strings move with it */
	}
	s->nsteps = first;
	return 0;
}

static int declared(const struct sl_scenario *s, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < s->ninvariants; i++) {
		const char *have = s->invariants[i].name;
		if (strncmp(have, name, n) == 0 && (have[n] == '\0' || have[n] == '['))
			return 1;
	}
	return 0;
}

static int header_invariant(struct slp_parser *p)
{
	const struct slp_token *name = &p->ln.tok[1];
	if (name->kind != TK_WORD || !slp_valid_name(name->text)) {
		p->pos = 1;
		return slp_expected(p, "an invariant's name: invariant NAME: STEP");
	}
	if (declared(p->s, name->text))
		return slp_error(p, name->col, "invariant '%s' is declared twice", name->text);
	if (p->ln.tok[2].kind != TK_COLON) {
		p->pos = 2;
		return slp_expected(p, "':' after the invariant's name");
	}
	p->pos = 3;
	if (slp_peek(p)->kind == TK_EOL)
		return slp_expected(p, "a step or an expectation");
	int first = p->s->nsteps, errors = p->errors;
	if (slp_step_line(p) || p->errors > errors)
		return -1; /* the scenario is discarded, with what the line committed */
	return take_invariants(p, name->text, first);
}

int slp_inject_header(struct slp_parser *p)
{
	const struct slp_token *t0 = &p->ln.tok[0];
	if (slp_is_word(t0, "invariant"))
		return header_invariant(p);
	if (p->first_step_line)
		return slp_error(p, t0->col, "header 'keep-going' must come before the first step (line %d)",
				 p->first_step_line);
	if (p->s->keep_going)
		return slp_error(p, t0->col, "'keep-going' is given twice");
	p->s->keep_going = 1;
	return 0;
}

int slp_inject_finish(struct slp_parser *p)
{
	if (p->errors || !p->s || sl_scenario_materialize_invariants(p->s) == 0)
		return 0;
	return slp_oom(p);
}
