/* parse_exec.c - the `exec` step's words: a program and its arguments as in
 * a shell (adjacent pieces join, double quotes protect blanks), `env
 * NAME=VALUE ...` after them, and the `{{NAME}}` values in any of them (and
 * in an output expectation's text: slp_substs), each a substitution the
 * conductor fills in when the step runs (struct sl_subst). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"
#include "util.h"

/* ---- exec: arguments are words as in a shell ---------------------------------- */

static int exec_end(const struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind == TK_EQ)
		return 0;
	return t->kind == TK_EOL || slp_is_clause_start(p, p->pos);
}

/* A run of adjacent tokens, strings decoded: -c, "exit 3", FOO="a b". */
static char *exec_word(struct slp_parser *p)
{
	size_t len = 0;
	int first = 1;
	for (int i = p->pos; p->ln.tok[i].kind != TK_EOL && p->ln.tok[i].kind != TK_ARROW &&
			     (first || !p->ln.tok[i].spaced); i++, first = 0)
		len += p->ln.tok[i].slen;
	char *w = malloc(len + 1);
	if (!w) {
		slp_report_oom(p);
		return NULL;
	}
	size_t n = 0;
	first = 1;
	while (slp_peek(p)->kind != TK_EOL && slp_peek(p)->kind != TK_ARROW &&
	       (first || !slp_peek(p)->spaced)) {
		const struct slp_token *t = slp_next(p);
		if (t->kind == TK_STRING && memchr(t->text, '\0', t->slen)) {
			free(w);
			slp_report(p, t->col, "an argument cannot contain \\0");
			return NULL;
		}
		memcpy(w + n, t->text, t->slen);
		n += t->slen;
		first = 0;
	}
	w[n] = '\0';
	return w;
}

static int push_word(char ***v, size_t *n, char *w)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	nv[(*n)++] = w;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int env_entry_ok(const char *w)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w || (!isalpha((unsigned char)w[0]) && w[0] != '_'))
		return 0;
	for (const char *c = w; c < eq; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

int slp_substs(struct slp_parser *p, struct slp_pstep *ps, const char *w, int word, int col)
{
	for (const char *at = strstr(w, "{{"); at; at = strstr(at + 2, "{{")) {
		const char *end = strstr(at + 2, "}}");
		if (!end)
			return slp_error(p, col, "'{{' without '}}': a value is written {{NAME}}, {{NAME:hex}} or {{NAME:key}}");
		char inner[96];
		size_t n = (size_t)(end - at - 2);
		if (n == 0 || n >= sizeof(inner))
			return slp_error(p, col, "{{...}} holds a bound name or an actor, as {{seg}} or {{key:hex}}");
		memcpy(inner, at + 2, n);
		inner[n] = '\0';
		if (inner[0] == '$') { /* {{$SHMLIFE_TMP}}: an environment variable of the scenario */
			if (n < 2 || n - 1 >= sizeof(((struct sl_subst *)0)->env) ||
			    strspn(inner + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n - 1)
				return slp_error(p, col, "{{$NAME}} names an environment variable: {{$SHMLIFE_TMP}}");
			struct sl_subst *ns = realloc(ps->st.substs, (size_t)(ps->st.nsubsts + 1) * sizeof(*ns));
			if (!ns)
				return slp_oom(p);
			ps->st.substs = ns;
			struct sl_subst *x = &ns[ps->st.nsubsts++];
			memset(x, 0, sizeof(*x));
			x->word = word;
			x->at = (unsigned)(at - w);
			x->len = (unsigned)(end + 2 - at);
			memcpy(x->env, inner + 1, n);
			continue;
		}
		enum sl_subst_format fmt = SL_SUBST_DEC;
		char *colon = strchr(inner, ':');
		if (colon) {
			*colon = '\0';
			if (strcmp(colon + 1, "hex") == 0)
				fmt = SL_SUBST_HEX;
			else if (strcmp(colon + 1, "key") == 0)
				fmt = SL_SUBST_KEY;
			else if (strcmp(colon + 1, "dec") != 0)
				return slp_error(p, col, "unknown format ':%s' in {{%s}}: dec (the default), hex or key",
						 colon + 1, inner);
		}
		int has_index = 0;
		long long index = 0;
		char *br = strchr(inner, '[');
		if (br) {
			char *e;
			index = strtoll(br + 1, &e, 10);
			if (e == br + 1 || strcmp(e, "]") != 0)
				return slp_error(p, col, "write a member's value as {{NAME[N]}}, N a number");
			*br = '\0';
			has_index = 1;
		}
		struct sl_value v;
		if (slp_text_name_value(p, inner, has_index, index, col, V_SLOT | V_ACTOR, &v))
			return -1;
		struct sl_subst *ns = realloc(ps->st.substs, (size_t)(ps->st.nsubsts + 1) * sizeof(*ns));
		if (!ns)
			return slp_oom(p);
		ps->st.substs = ns;
		ns[ps->st.nsubsts++] = (struct sl_subst){ word, (unsigned)(at - w), (unsigned)(end + 2 - at), v, fmt, "" };
	}
	return 0;
}

int slp_build_exec(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col)
{
	(void)a;
	size_t argc = 0, envc = 0;
	int env_col = 0;
	while (!exec_end(p)) {
		const struct slp_token *t = slp_peek(p);
		if (!env_col && argc > 0 && slp_is_word(t, "env") && slp_peek_at(p, 1)->spaced) {
			env_col = t->col;
			slp_next(p);
			continue;
		}
		char *w = exec_word(p);
		if (!w)
			return -1;
		if (env_col && !env_entry_ok(w)) {
			free(w);
			return slp_error(p, t->col, "env takes NAME=VALUE, not '%.40s'", t->text);
		}
		if (slp_substs(p, ps, w, env_col ? -1 - (int)envc : (int)argc, t->col)) {
			free(w);
			return -1;
		}
		if (push_word(env_col ? &ps->st.envp : &ps->st.argv, env_col ? &envc : &argc, w)) {
			free(w);
			return slp_oom(p);
		}
	}
	if (argc == 0)
		return slp_error(p, op_col, "exec needs a program: exec PATH ARGS...");
	if (env_col && envc == 0)
		return slp_error(p, env_col, "env needs NAME=VALUE");
	return 0;
}

