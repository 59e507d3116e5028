/* parse_actors.c - the `actors:` header: names, groups (`workers[100]`)
 * and each actor's attributes (uid, gid, user, rlimits). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* ---- actors ------------------------------------------------------------------ */

struct actor_attrs {
	long long uid, gid, rlimit_as, rlimit_nofile, rlimit_memlock;
	int has_uid, has_gid, has_as, has_nofile, has_memlock;
	char user[64];
};

/* user=NAME: a user of the machine (looked up when the actor starts). */
static int actor_user(struct slp_parser *p, struct actor_attrs *at, const struct slp_token *key)
{
	if (at->user[0])
		return slp_error(p, key->col, "'user' is given twice");
	slp_next(p);
	if (slp_peek(p)->kind != TK_EQ)
		return slp_expected(p, "'='");
	slp_next(p);
	const struct slp_token *v = slp_peek(p);
	if (v->kind != TK_WORD || strlen(v->text) >= sizeof(at->user) || strspn(v->text, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(v->text))
		return slp_expected(p, "a user's name: user=postgres");
	memcpy(at->user, v->text, strlen(v->text) + 1);
	slp_next(p);
	return 0;
}

static int actor_attr(struct slp_parser *p, struct actor_attrs *at)
{
	static const char *const keys[] = { "uid", "gid", "user", "rlimit-as", "rlimit-nofile", "rlimit-memlock", NULL };
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "uid=, gid=, user=, rlimit-as=, rlimit-nofile= or rlimit-memlock=");
	if (strcmp(t->text, "user") == 0)
		return actor_user(p, at, t);
	long long *val;
	int *has;
	long long max;
	const char *what;
	if (strcmp(t->text, "uid") == 0) {
		val = &at->uid, has = &at->has_uid, max = 4294967294LL, what = "a uid";
	} else if (strcmp(t->text, "gid") == 0) {
		val = &at->gid, has = &at->has_gid, max = 4294967294LL, what = "a gid";
	} else if (strcmp(t->text, "rlimit-as") == 0) {
		val = &at->rlimit_as, has = &at->has_as, max = LONG_MAX, what = "a size";
	} else if (strcmp(t->text, "rlimit-nofile") == 0) {
		val = &at->rlimit_nofile, has = &at->has_nofile, max = INT_MAX, what = "a number of files";
	} else if (strcmp(t->text, "rlimit-memlock") == 0) {
		val = &at->rlimit_memlock, has = &at->has_memlock, max = LONG_MAX, what = "a size";
	} else {
		struct slp_suggest sg;
		slp_suggest_init(&sg, t->text);
		slp_suggest_list(&sg, keys);
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "unknown actor setting '%.40s'; did you mean '%s'?",
					 t->text, slp_suggest_best(&sg));
		return slp_error(p, t->col,
				 "unknown actor setting '%.40s': uid=, gid=, user=, rlimit-as=, rlimit-nofile= or "
				 "rlimit-memlock=",
				 t->text);
	}
	if (*has)
		return slp_error(p, t->col, "'%s' is given twice", t->text);
	slp_next(p);
	if (slp_peek(p)->kind != TK_EQ)
		return slp_expected(p, "'='");
	slp_next(p);
	struct sl_value v;
	int col = slp_peek(p)->col;
	if (slp_value(p, V_NUM, 0, what, &v))
		return -1;
	if (v.num > max)
		return slp_error(p, col, "%s must be at most %lld, not %lld", t->text, max, v.num);
	if (v.num == 0 && val != &at->uid && val != &at->gid && val != &at->rlimit_memlock)
		return slp_error(p, col, "%s must be at least 1; leave it out to inherit the limit",
				 t->text);
	*val = v.num;
	*has = 1;
	return 0;
}

static int actor_attrs(struct slp_parser *p, struct actor_attrs *at, int name_col)
{
	slp_next(p); /* ( */
	for (;;) {
		if (actor_attr(p, at))
			return -1;
		if (slp_peek(p)->kind == TK_RPAREN)
			break;
		if (slp_peek(p)->kind != TK_COMMA)
			return slp_expected(p, "',' or ')'");
		slp_next(p);
	}
	slp_next(p); /* ) */
	if (at->has_uid != at->has_gid)
		return slp_error(p, name_col, "give uid= and gid= together");
	if (at->user[0] && at->has_uid)
		return slp_error(p, name_col, "user= gives the uid and the gids: not with uid= and gid=");
	return 0;
}

static int apply_attrs(struct sl_actor_def *a, const struct actor_attrs *at)
{
	if (at->user[0] && !(a->user = strdup(at->user)))
		return -1;
	if (at->has_uid) {
		a->uid = (uid_t)at->uid;
		a->gid = (gid_t)at->gid;
		a->has_ids = 1;
	}
	if (at->has_as)
		a->rlimit_as = (long)at->rlimit_as;
	if (at->has_nofile)
		a->rlimit_nofile = (long)at->rlimit_nofile;
	if (at->has_memlock) {
		a->rlimit_memlock = (long)at->rlimit_memlock;
		a->has_rlimit_memlock = 1;
	}
	return 0;
}

static int group_size(struct slp_parser *p, long long *count)
{
	slp_next(p); /* [ */
	const struct slp_token *n = slp_peek(p);
	if (n->kind != TK_WORD || !slp_is_number_word(n->text))
		return slp_expected(p, "a group size");
	int dec, rc = slp_number(n->text, count, &dec);
	if (rc)
		return slp_number_error(p, n, rc);
	if (*count < 1 || *count > SLP_MAX_GROUP)
		return slp_error(p, n->col, "a group has 1 to %d members, not %lld", SLP_MAX_GROUP,
				 *count);
	slp_next(p);
	if (slp_peek(p)->kind != TK_RBRACK)
		return slp_expected(p, "']'");
	slp_next(p);
	return 0;
}

static int declare_actors(struct slp_parser *p, const struct slp_token *t, long long count,
			  const struct actor_attrs *at)
{
	if (count == 0) {
		int a = slp_add_actor(p, t->text, t->col);
		if (a < 0)
			return -1;
		if (apply_attrs(&p->s->actors[a], at) < 0)
			return slp_oom(p);
		struct slp_sym *s = slp_sym_add(&p->names, t->text, SYM_ACTOR, p->ln.lineno);
		if (!s)
			return slp_oom(p);
		s->index = a;
		return 0;
	}
	if (p->s->nactors + count > SLP_MAX_ACTORS)
		return slp_error(p, t->col, "too many actors (the limit is %d)", SLP_MAX_ACTORS);
	int first = p->s->nactors;
	size_t n = strlen(t->text) + 16;
	char *name = malloc(n);
	if (!name)
		return slp_oom(p);
	for (int i = 0; i < count; i++) {
		snprintf(name, n, "%s[%d]", t->text, i);
		int a = slp_add_actor(p, name, t->col);
		if (a < 0) {
			free(name);
			return -1;
		}
		p->s->actors[a].group = first;
		if (apply_attrs(&p->s->actors[a], at) < 0) {
			free(name);
			return slp_oom(p);
		}
	}
	free(name);
	p->ai[first].count = (int)count;
	struct slp_sym *s = slp_sym_add(&p->names, t->text, SYM_GROUP, p->ln.lineno);
	if (!s)
		return slp_oom(p);
	s->index = first;
	s->count = (int)count;
	return 0;
}

/* One item of `actors:`: NAME, NAME[N], either with (settings). */
static int actor_item(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "an actor name");
	if (slp_check_new_name(p, t->text, t->col))
		return -1;
	slp_next(p);
	long long count = 0;
	struct actor_attrs at;
	memset(&at, 0, sizeof(at));
	if (slp_peek(p)->kind == TK_LBRACK && group_size(p, &count))
		return -1;
	if (slp_peek(p)->kind == TK_LPAREN && actor_attrs(p, &at, t->col))
		return -1;
	if (slp_peek(p)->kind != TK_COMMA && slp_peek(p)->kind != TK_EOL)
		return slp_expected(p, "',' or the end of the line");
	return declare_actors(p, t, count, &at);
}

/* Errors in one actor do not hide the next: recovery is at the next ','. */
int slp_header_actors(struct slp_parser *p)
{
	int rc = 0;
	if (slp_peek(p)->kind == TK_EOL)
		return slp_error(p, slp_peek(p)->col, "'actors' needs at least one actor");
	for (;;) {
		int start = p->pos;
		if (actor_item(p)) {
			rc = -1;
			const struct slp_token *t = &p->ln.tok[start];
			if (t->kind == TK_WORD && !slp_sym_find(&p->names, t->text))
				slp_sym_add(&p->names, t->text, SYM_POISON, p->ln.lineno);
			int depth = 0;
			for (int i = start; i < p->pos; i++) {
				enum slp_tok k = p->ln.tok[i].kind;
				depth += (k == TK_LPAREN || k == TK_LBRACK) - (k == TK_RPAREN || k == TK_RBRACK);
			}
			while (slp_peek(p)->kind != TK_EOL &&
			       (depth > 0 || slp_peek(p)->kind != TK_COMMA)) {
				enum slp_tok k = slp_next(p)->kind;
				depth += (k == TK_LPAREN || k == TK_LBRACK) - (k == TK_RPAREN || k == TK_RBRACK);
			}
		}
		if (slp_peek(p)->kind == TK_EOL)
			return rc;
		slp_next(p); /* , */
		if (slp_peek(p)->kind == TK_EOL)
			return slp_expected(p, "an actor name");
	}
}
