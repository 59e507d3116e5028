/* parse_op_args.c - reading one argument of an operation (a value, a text,
 * a signal, an actor) and checking that nothing follows it: shared by the
 * actors' operations (parse_ops.c) and the conductor's (parse_conductor_ops.c). */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"
#include "parse_internal.h"

/* ---- reading one argument ---------------------------------------------------- */

int slp_arg_end(struct slp_parser *p, const struct slp_arg *a)
{
	if (p->pos == a->end)
		return 0;
	char show[SLP_SHOW];
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_PLUS)
		return slp_error(p, t->col, "unexpected '+': an address plus an offset is written where an address "
				 "goes (write, read, shmdt, mprotect, munmap, shmat addr=); here give a number or a name");
	return slp_error(p, t->col, "unexpected %s", slp_tok_show(t, show, sizeof(show)));
}

int slp_arg_value(struct slp_parser *p, const struct slp_arg *a, unsigned accept, unsigned cls,
		     const char *what, long long min, long long max, struct sl_value *out)
{
	p->pos = a->pos;
	if (slp_value_range(p, accept, cls, what, min, max, out))
		return -1;
	return slp_arg_end(p, a);
}

int slp_arg_text(struct slp_parser *p, const struct slp_arg *a, const char *what, char **out)
{
	p->pos = a->pos;
	if (slp_text_arg(p, what, out))
		return -1;
	if (slp_arg_end(p, a)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int slp_arg_signal(struct slp_parser *p, const struct slp_arg *a, int min, int *sig)
{
	p->pos = a->pos;
	return slp_signal(p, min, sig) || slp_arg_end(p, a) ? -1 : 0;
}

int slp_arg_actor(struct slp_parser *p, const struct slp_arg *a, const char *what, int *actor)
{
	p->pos = a->pos;
	return slp_actor_value(p, what, actor) || slp_arg_end(p, a) ? -1 : 0;
}
