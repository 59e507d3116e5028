/* parse_internal.h - internal: the parser's state, shared by the parse_*.c
 * files that make up the grammar.
 *
 *   parse_script.c  entry points, the line loop, group expansion, committing
 *                   a line's steps to the scenario
 *   parse_header.c  header lines (scenario, tags, requires, actors, claim ...)
 *   parse_step.c    step lines: arguments, outcome clauses, group expansion
 *   parse_ops.c     each operation: its arguments, and how its step is built
 *   parse_expect.c  `expect` lines: subjects and predicates
 *   parse_value.c   values: numbers, constants, names, time(), ftok(), strings
 *
 * Every parse function returns 0, or -1 after reporting an error (or quietly,
 * when the error was already reported); the line is then abandoned.
 */
#ifndef SHMLIFE_PARSE_INTERNAL_H
#define SHMLIFE_PARSE_INTERNAL_H

#include <stddef.h>

#include "shmlife/parse.h"
#include "parse_lexer.h"
#include "parse_names.h"
#include "parse_symtab.h"

/* Limits: what a script may ask for, so that no small input costs much. */
#define SLP_MAX_GROUP      10000       /* members of one actor group        */
#define SLP_MAX_ACTORS     20000       /* actors of a scenario, all told    */
#define SLP_MAX_STEPS      100000      /* steps after expansion             */
#define SLP_MAX_DATA       (16 << 20)  /* bytes of one read or write        */
#define SLP_MAX_DATA_TOTAL (64 << 20)  /* bytes of all reads and writes     */
#define SLP_MAX_FILE       (16 << 20)  /* size of a script file             */
#define SLP_MAX_TIMEOUT_MS 3600000
#define SLP_MAX_ERRORS     200         /* then the parser stops             */

/* What the parser knows of an actor beyond sl_actor_def. */
struct slp_actor_info {
	int count;          /* members of its group (1 for a lone actor)      */
	int parent_group;   /* a forked group: first actor of the group that forked it */
};

/* The member context of the line being parsed: a group step is parsed once
 * per member, and a group-bound name `a` then means a[index]. */
struct slp_member {
	int group;          /* first actor of the group, or -1                */
	int index;
	int count;
	int expanded;       /* 1: this line is being expanded over the group  */
};

/* A step being built; the names it binds are created when it is committed. */
struct slp_pstep {
	struct sl_step st;
	const char *bind;   /* the name after '->' (an actor for fork), or NULL */
	int bind_col;
	const char *outcome_word; /* the outcome clause given (fails, =, ...), or NULL */
	int outcome_col;
	int result_kind;    /* expect NAME ...: NAME holds a shmctl result of this
			     * kind (enum sl_shmctl_kind), 0 if not */
};

#define SLP_MAX_PRE 2
/* What one line (for one member) produces: hidden steps (ftok), then the step. */
struct slp_pline {
	struct slp_pstep pre[SLP_MAX_PRE];
	int npre;
	struct slp_pstep main;
	int has_main;
};

struct slp_parser {
	struct sl_scenario *s;
	struct sl_diags *d;
	const char *file;
	int errors;
	struct slp_line ln;            /* the current line's tokens          */
	int pos;                       /* the next token                     */
	struct slp_symtab names;       /* actors, groups, bound names        */
	struct slp_symtab claims;
	struct slp_symtab future;      /* names bound by some line: its number */
	struct slp_actor_info *ai;     /* one per actor                      */
	int ai_cap;
	int *slot_step;                /* one per slot: the step that binds it */
	int slot_cap;
	int nhidden;                   /* hidden ftok slots so far            */
	size_t data_total;
	int scenario_line;             /* 0 until `scenario NAME`            */
	int first_step_line;           /* 0 until the first step             */
	int seen_content;              /* a non-blank line was seen          */
	int limit_reported;            /* "too many steps" said once         */
	int description_line, timeout_line, terminal_line, leak_line, kernel_line, network_line;
	int actor;                     /* actor of the step being parsed, or SL_CONDUCTOR */
	struct slp_member m;
	struct slp_pline pl;
};

/* ---- diagnostics and tokens (parse_script.c) --------------------------- */

/* Reporters say what is wrong; the macros around them are expressions worth
 * -1, so that `return slp_error(...)` abandons the line (and the compiler's
 * analyzer sees that it does). */
void slp_report(struct slp_parser *p, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define slp_error(p, col, ...) (slp_report((p), (col), __VA_ARGS__), -1)
/* An error already reported (a poisoned name): nothing more is said. */
void slp_report_quiet(struct slp_parser *p);
#define slp_quiet_fail(p) (slp_report_quiet(p), -1)
void slp_report_oom(struct slp_parser *p);
#define slp_oom(p) (slp_report_oom(p), -1)
/* "expected WHAT, found TOKEN" at the next token. */
void slp_report_expected(struct slp_parser *p, const char *what);
#define slp_expected(p, what) (slp_report_expected((p), (what)), -1)
/* 'word', a string, '->', the end of the line; long words are shortened. */
const char *slp_tok_show(const struct slp_token *t, char *buf, size_t len);
#define SLP_SHOW 64

static inline const struct slp_token *slp_peek(const struct slp_parser *p)
{
	return &p->ln.tok[p->pos];
}
static inline const struct slp_token *slp_peek_at(const struct slp_parser *p, int k)
{
	int i = p->pos + k;
	return &p->ln.tok[i < p->ln.ntok ? i : p->ln.ntok - 1];
}
static inline const struct slp_token *slp_next(struct slp_parser *p)
{
	const struct slp_token *t = &p->ln.tok[p->pos];
	if (t->kind != TK_EOL)
		p->pos++;
	return t;
}
int slp_is_word(const struct slp_token *t, const char *w);

/* ---- names and the scenario (parse_script.c) --------------------------- */

int slp_valid_name(const char *name);        /* letters, digits, '_', '-'  */
int slp_is_reserved(const char *name);
/* Checks that `name` may name a new actor or bound name ("what"). */
int slp_check_new_name(struct slp_parser *p, const char *name, int col);
/* Adds an actor / a slot with the parser's bookkeeping; -1 reported. */
int slp_add_actor(struct slp_parser *p, const char *name, int col);
int slp_add_slot(struct slp_parser *p, const char *name);
void slp_member_of_actor(const struct slp_parser *p, int actor, struct slp_member *m);
void slp_pstep_init(struct slp_pstep *ps, int actor, enum sl_op op, int line, int col);
void slp_pstep_free(struct slp_pstep *ps);

/* ---- headers (parse_header.c, parse_requires.c, parse_actors.c) ------- */

int slp_is_header_line(const struct slp_parser *p);
int slp_header_line(struct slp_parser *p);
/* A header that may be given once: 0 the first time, else an error. */
int slp_header_once(struct slp_parser *p, int *line, const char *key, int col);
/* Letters, digits, '-', '_', '.': scenario names, claim ids, sysctl parts. */
int slp_plain_id(const char *s);
/* The header lines of parse_requires.c and parse_actors.c, after the key
 * and its colon (p->pos at the first value). */
int slp_header_requires(struct slp_parser *p);
int slp_header_sysctl(struct slp_parser *p);
int slp_header_actors(struct slp_parser *p);
/* NAME = VALUE of a sysctl; ipc_only: the IPC-namespace whitelist and
 * numbers only; setup (the `sysctl:` header): the values must be what the
 * kernel takes, their number and range.  Stops at the end of the line, a
 * ',' (stop_at_comma) or an outcome clause.  *name and *value are
 * malloc'ed. */
int slp_sysctl_assignment(struct slp_parser *p, int ipc_only, int stop_at_comma, int setup, char **name,
			  char **value);

/* ---- a line's steps committed (parse_commit.c) ---------------------------- */

/* Empties the pending line (its steps freed). */
void slp_pline_reset(struct slp_parser *p);
/* After an error in a step line: its names bound quietly (parse_commit.c). */
void slp_poison_line(struct slp_parser *p);

/* ---- steps (parse_step.c, parse_expect.c) ------------------------------ */

/* Parses a step line, expanding it over a group, and commits its steps. */
int slp_step_line(struct slp_parser *p);
int slp_is_clause_start(const struct slp_parser *p, int pos);
/* 1 if w is a word that starts a step's trailing clause (fails, dies ...). */
int slp_is_clause_word(const char *w);
int slp_claim_clause(struct slp_parser *p, struct slp_pstep *ps);
/* An `expect` line for one member: p->pos at the subject. */
int slp_expect_body(struct slp_parser *p, struct slp_pstep *ps);
/* Resolves an expect subject at p->pos without consuming it: kind of
 * target, and the group to expand over (first actor, count) or -1. */
int slp_expect_subject_group(struct slp_parser *p, int *group, int *count);

/* Commits p->pl to the scenario (parse_script.c). */
int slp_commit(struct slp_parser *p);

/* ---- fault injection and exploration (parse_inject.c) ------------------ */

/* The `inject ...` clause of a step, at the word `inject`. */
int slp_inject_clause(struct slp_parser *p, struct slp_pstep *ps);
/* `invariant NAME: ...` and `keep-going` lines. */
int slp_inject_is_header(const struct slp_parser *p);
int slp_inject_header(struct slp_parser *p);
/* At the end of a script: the invariants are appended after the last step. */
int slp_inject_finish(struct slp_parser *p);

/* ---- operations (parse_ops.c) ------------------------------------------ */

#define OPF_BINDS   0x01 /* '-> NAME' binds its result                  */
#define OPF_RETURNS 0x02 /* '= VALUE' / 'returns VALUE'                  */
#define OPF_FAILS   0x04 /* 'fails ERRNO'                                */
#define OPF_DIES    0x08 /* 'dies [SIGNAL]'                              */
#define OPF_EXITS   0x10 /* 'exits STATUS'                               */
#define OPF_ANY     0x20 /* 'any'                                        */
#define OPF_RAW     0x40 /* parses its own arguments (exec, sysctl)      */
#define OPF_CALL    (OPF_RETURNS | OPF_FAILS | OPF_DIES | OPF_ANY)

#define SLP_MAX_PARAMS 8

struct slp_param {
	const char *name;
	int kwonly;          /* only as NAME=VALUE */
};

/* One argument as written: the tokens of its value. */
struct slp_arg {
	int pos, end;        /* pos -1: not given */
	int col;             /* where it was written */
};

/* What an operation takes, and how its step is built from its arguments
 * (params in positional order; OPF_RAW: build reads from p->pos itself). */
struct slp_op_def {
	unsigned flags;
	struct slp_param params[SLP_MAX_PARAMS];
	int (*build)(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
};

const struct slp_op_def *slp_op_def(enum sl_op op);

/* ---- values (parse_value.c) -------------------------------------------- */

#define V_NUM    0x001  /* numbers, and constants of the given classes   */
#define V_SLOT   0x002  /* bound names                                   */
#define V_ACTOR  0x004  /* actor names                                   */
#define V_AUTO   0x008  /* `auto` (keys)                                 */
#define V_TIME   0x010  /* time(NAME), time(line N)                      */
#define V_FTOK   0x020  /* ftok(PATH, N): a hidden step                  */
#define V_OR     0x040  /* A|B|C                                         */
#define V_NEG    0x080  /* negative numbers                              */
#define V_OCTAL  0x100  /* permission bits: 600 (decimal) is an error    */

/* Parses a whole word as a number; 0, -1 bad, -2 out of range.
 * *decimal: written as plain decimal digits. */
int slp_number(const char *w, long long *out, int *decimal);
int slp_number_u(const char *w, int *neg, unsigned long long *mag, int *decimal);
int slp_is_number_word(const char *w);
/* Reports the slp_number() error `rc` for word token t. */
void slp_report_number(struct slp_parser *p, const struct slp_token *t, int rc);
#define slp_number_error(p, t, rc) (slp_report_number((p), (t), (rc)), -1)

/* A value at p->pos; `what` names it in messages ("a size", "a shmget flag"). */
int slp_value(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
	      struct sl_value *out);
/* The same, then checks min <= num <= max for a literal number. */
int slp_value_range(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
		    long long min, long long max, struct sl_value *out);
int slp_signal(struct slp_parser *p, int min, int *sig);
int slp_errno(struct slp_parser *p, int *err);
/* A path or other text: a word or a quoted string (no \0 in it). */
int slp_text_arg(struct slp_parser *p, const char *what, char **out);
/* An actor named at p->pos (a lone actor or one member: `workers[3]`);
 * a group without index resolves to the member of the line's context. */
int slp_actor_value(struct slp_parser *p, const char *what, int *actor);
/* parse_refs.c: a bound name or an actor as a value of class `cls`. */
int slp_name_value_cls(struct slp_parser *p, unsigned accept, unsigned cls, const char *what,
		       struct sl_value *out);
/* "a size" -> "size", for "unknown size 'x'". */
const char *slp_strip_article(const char *what);
/* A bound name or an actor at p->pos (accept: V_SLOT and/or V_ACTOR). */
int slp_name_value(struct slp_parser *p, unsigned accept, const char *what, struct sl_value *out);
/* A name with an optional adjacent [N]: resolves it without interpreting. */
struct slp_ref {
	const struct slp_token *tok;
	int has_index;
	long long index;
	int index_col;
};
int slp_parse_ref(struct slp_parser *p, struct slp_ref *r);
/* A duration (2s, 500ms; 1ms to SLP_MAX_TIMEOUT_MS) at the parser's
 * position, consumed; `what` names it in errors ("timeout"). */
int slp_duration_ms(struct slp_parser *p, const char *what, int *out);
/* A name written inside other text (`{{seg}}`, `{{a[2]}}` in an exec
 * argument): resolved as a value of the kinds `accept` allows, errors at
 * column `col`. */
/* parse_exec.c: the `{{NAME[N][:hex|:key]}}` and `{{$VAR}}` in text w, written at column
 * col, each a substitution of the step (struct sl_subst) for `word`:
 * argv[word], envp[-1 - word], or an expectation's predicate `word`. */
int slp_substs(struct slp_parser *p, struct slp_pstep *ps, const char *w, int word, int col);
/* parse_ops.c: one argument `a` read whole (an error if anything follows
 * it in its place): a value of class `cls` in [min, max], a text, a signal
 * (from `min`), an actor. */
int slp_arg_end(struct slp_parser *p, const struct slp_arg *a);
int slp_arg_value(struct slp_parser *p, const struct slp_arg *a, unsigned accept, unsigned cls,
		  const char *what, long long min, long long max, struct sl_value *out);
int slp_arg_text(struct slp_parser *p, const struct slp_arg *a, const char *what, char **out);
int slp_arg_signal(struct slp_parser *p, const struct slp_arg *a, int min, int *sig);
int slp_arg_actor(struct slp_parser *p, const struct slp_arg *a, const char *what, int *actor);
/* parse_conductor_ops.c: the builders of the conductor's own steps. */
int slp_build_sysctl(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
int slp_build_wait(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
int slp_build_find_segment(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
int slp_build_find(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
int slp_build_key(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
/* parse_exec.c: builds an `exec` step from the words of the line (OPF_RAW). */
int slp_build_exec(struct slp_parser *p, struct slp_pstep *ps, struct slp_arg *a, int op_col);
int slp_text_name_value(struct slp_parser *p, const char *name, int has_index, long long index, int col,
			unsigned accept, struct sl_value *out);
/* "unknown name 'x'; did you mean 'y'?" for names of the given kinds. */
void slp_report_unknown_name(struct slp_parser *p, const struct slp_token *t, const char *noun,
			     unsigned accept, unsigned cls);
#define slp_unknown_name(...) (slp_report_unknown_name(__VA_ARGS__), -1)

#endif
