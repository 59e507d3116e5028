/* parse_header.c - header lines: scenario, description, tags, requires,
 * terminal, sysctl, timeout, leak, actors and claim. */
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

/* A header that may be given once: 0 the first time. */
static int once(struct slp_parser *p, int *line, const char *key, int col)
{
	if (*line)
		return slp_error(p, col, "'%s' is given twice (first on line %d)", key, *line);
	*line = p->ln.lineno;
	return 0;
}

/* Letters, digits, '-', '_', '.': scenario names, claim ids, sysctl parts. */
static int plain_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
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
	if (!plain_id(t->text))
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
	if (once(p, &p->description_line, "description", p->ln.tok[0].col))
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

/* ---- sysctls and requirements ------------------------------------------- */

static int sysctl_name_ok(const char *s)
{
	const char *dot = strchr(s, '.');
	if (!dot || dot == s || !plain_id(s))
		return 0;
	for (; *s; s++)
		if (isupper((unsigned char)*s) || (*s == '.' && (s[1] == '.' || s[1] == '\0')))
			return 0;
	return 1;
}

static int not_ipc_sysctl(struct slp_parser *p, const struct slp_token *t)
{
	static const char *const known[] = {
		"kernel.shmmax", "kernel.shmall", "kernel.shmmni", "kernel.shm_rmid_forced",
		"kernel.shm_next_id", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.msg_next_id", "kernel.sem", "kernel.sem_next_id", "fs.mqueue.queues_max",
		"fs.mqueue.msg_max", "fs.mqueue.msgsize_max", NULL,
	};
	struct slp_suggest sg;
	slp_suggest_init(&sg, t->text);
	slp_suggest_list(&sg, known);
	const char *best = slp_suggest_best(&sg);
	if (best)
		return slp_error(p, t->col,
				 "%s is not a sysctl of the IPC namespace; setting it would change the host; did you mean '%s'?",
				 t->text, best);
	return slp_error(p, t->col,
			 "%s is not a sysctl of the IPC namespace; setting it would change the host",
			 t->text);
}

/* What the kernel accepts in each IPC sysctl (ipc/ipc_sysctl.c and
 * ipc/mq_sysctl.c, Linux 6.x): how many numbers, and the range of each.
 * A value outside is refused by `check`, not found out at run time. */
struct ipc_sysctl_rule {
	const char *name;
	int nvalues;
	unsigned long long min, max;
	const char *why;       /* shown when a value is out of range */
};

#define IPC_MNI 32768ULL   /* IPCMNI: without the ipcmni_extend boot option */
#define INT_MAX_ULL 2147483647ULL

static const struct ipc_sysctl_rule ipc_sysctl_rules[] = {
	{ "kernel.shmmax", 1, 0, ~0ULL, "an unsigned long" },
	{ "kernel.shmall", 1, 0, ~0ULL, "an unsigned long" },
	{ "kernel.shmmni", 1, 0, IPC_MNI, "0 to IPCMNI, 32768" },
	{ "kernel.shm_rmid_forced", 1, 0, 1, "0 or 1" },
	{ "kernel.shm_next_id", 1, 0, INT_MAX_ULL, "0 to INT_MAX (it reads -1 until set)" },
	{ "kernel.msgmax", 1, 0, INT_MAX_ULL, "0 to INT_MAX" },
	{ "kernel.msgmnb", 1, 0, INT_MAX_ULL, "0 to INT_MAX" },
	{ "kernel.msgmni", 1, 0, IPC_MNI, "0 to IPCMNI, 32768" },
	{ "kernel.msg_next_id", 1, 0, INT_MAX_ULL, "0 to INT_MAX (it reads -1 until set)" },
	{ "kernel.sem", 4, 0, INT_MAX_ULL, "four numbers, semmsl semmns semopm semmni, each 0 to INT_MAX" },
	{ "kernel.sem_next_id", 1, 0, INT_MAX_ULL, "0 to INT_MAX (it reads -1 until set)" },
	{ "fs.mqueue.queues_max", 1, 0, INT_MAX_ULL, "0 to INT_MAX" },
	{ "fs.mqueue.msg_max", 1, 1, 65536, "1 to HARD_MSGMAX, 65536" },
	{ "fs.mqueue.msgsize_max", 1, 128, 16777216, "128 to HARD_MSGSIZEMAX, 16777216" },
	{ "fs.mqueue.msg_default", 1, 1, 65536, "1 to HARD_MSGMAX, 65536" },
	{ "fs.mqueue.msgsize_default", 1, 128, 16777216, "128 to HARD_MSGSIZEMAX, 16777216" },
};

static const struct ipc_sysctl_rule *ipc_sysctl_rule(const char *name)
{
	for (size_t i = 0; i < sizeof(ipc_sysctl_rules) / sizeof(ipc_sysctl_rules[0]); i++)
		if (strcmp(ipc_sysctl_rules[i].name, name) == 0)
			return &ipc_sysctl_rules[i];
	return NULL;
}

/* Value number k (0-based) of rule r, as the token t: in range? */
static int ipc_sysctl_value_ok(struct slp_parser *p, const struct ipc_sysctl_rule *r, int k,
			       const struct slp_token *t)
{
	if (!r)
		return 0;
	if (k >= r->nvalues)
		return slp_error(p, t->col, "%s takes %d value%s (%s); '%s' is one too many", r->name, r->nvalues,
				 r->nvalues == 1 ? "" : "s", r->why, t->text);
	int neg, dec;
	unsigned long long mag;
	if (slp_number_u(t->text, &neg, &mag, &dec) != 0)
		return 0; /* reported by sysctl_number() */
	/* no IPC sysctl takes a negative value (every rule's min is >= 0) */
	int below = (neg && mag) || (mag < r->min);
	if (below || (!neg && mag > r->max))
		return slp_error(p, t->col, "%s = %s is out of range: the kernel takes %s", r->name, t->text,
				 r->why);
	return 0;
}

/* Appends one word of a sysctl value to buf (space-separated). */
static int append_word(char **buf, size_t *len, const char *w)
{
	size_t wl = strlen(w);
	char *n = realloc(*buf, *len + wl + 2);
	if (!n)
		return -1;
	if (*len)
		n[(*len)++] = ' ';
	memcpy(n + *len, w, wl + 1);
	*len += wl;
	*buf = n;
	return 0;
}

/* One word of an IPC sysctl's value, as a decimal number. */
static int sysctl_number(struct slp_parser *p, const struct slp_token *t, char *out, size_t len)
{
	int neg, dec;
	unsigned long long mag;
	if (t->kind != TK_WORD || !slp_is_number_word(t->text)) {
		char show[SLP_SHOW];
		if (t->kind == TK_STRING)
			return slp_error(p, t->col, "a sysctl value is numbers, not a string");
		return slp_error(p, t->col, "sysctl value %s is not a number",
				 slp_tok_show(t, show, sizeof(show)));
	}
	int rc = slp_number_u(t->text, &neg, &mag, &dec);
	if (rc)
		return slp_number_error(p, t, rc);
	snprintf(out, len, "%s%llu", neg && mag ? "-" : "", mag);
	return 0;
}

int slp_sysctl_assignment(struct slp_parser *p, int ipc_only, int stop_at_comma, int setup, char **name,
			  char **value)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "a sysctl name such as kernel.shmmni");
	if (!sysctl_name_ok(t->text))
		return slp_error(p, t->col, "bad sysctl name '%.40s'", t->text);
	if (ipc_only && !slp_sysctl_in_ipc_ns(t->text))
		return not_ipc_sysctl(p, t);
	slp_next(p);
	if (slp_peek(p)->kind != TK_EQ)
		return slp_expected(p, "'=' and a value");
	slp_next(p);
	char *buf = NULL;
	size_t len = 0;
	/* the scenario's set-up must be what the kernel takes; a step may try
	 * anything (`sysctl kernel.shm_rmid_forced = 2 fails EINVAL`) */
	const struct ipc_sysctl_rule *rule = ipc_only && setup ? ipc_sysctl_rule(t->text) : NULL;
	int nvalues = 0;
	while (slp_peek(p)->kind != TK_EOL && !(stop_at_comma && slp_peek(p)->kind == TK_COMMA) &&
	       !slp_is_clause_start(p, p->pos)) {
		const struct slp_token *v = slp_peek(p);
		char num[32];
		const char *w = v->text;
		if (ipc_only) {
			if (sysctl_number(p, v, num, sizeof(num)) || ipc_sysctl_value_ok(p, rule, nvalues++, v))
				goto fail;
			w = num;
		} else if (v->kind != TK_WORD && (v->kind != TK_STRING || memchr(v->text, 0, v->slen))) {
			slp_report_expected(p, "a value");
			goto fail;
		}
		if (append_word(&buf, &len, w)) {
			slp_report_oom(p);
			goto fail;
		}
		slp_next(p);
	}
	if (!buf)
		return slp_expected(p, "a value after '='");
	if (rule && nvalues < rule->nvalues) {
		free(buf);
		return slp_error(p, t->col, "%s takes %d values (%s); %d given", rule->name, rule->nvalues,
				 rule->why, nvalues);
	}
	if (!(*name = strdup(t->text))) {
		slp_report_oom(p);
		goto fail;
	}
	*value = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

/* MAJOR or MAJOR.MINOR, each at most 5 digits. */
static int kernel_version(const char *v, int *major, int *minor)
{
	size_t a = strspn(v, "0123456789");
	if (a == 0 || a > 5)
		return -1;
	*major = atoi(v);
	*minor = 0;
	if (v[a] == '\0')
		return 0;
	size_t b = strspn(v + a + 1, "0123456789");
	if (v[a] != '.' || b == 0 || b > 5 || v[a + 1 + b] != '\0')
		return -1;
	*minor = atoi(v + a + 1);
	return 0;
}

static int require_kernel(struct slp_parser *p, const struct slp_token *key)
{
	if (slp_peek(p)->kind != TK_GE)
		return slp_error(p, slp_peek(p)->col, "write 'kernel >= MAJOR.MINOR', as in kernel >= 5.3");
	slp_next(p);
	const struct slp_token *v = slp_peek(p);
	int major, minor;
	if (v->kind != TK_WORD || kernel_version(v->text, &major, &minor))
		return slp_expected(p, "a kernel version such as 5.3");
	if (once(p, &p->kernel_line, "kernel", key->col))
		return -1;
	p->s->min_kernel_major = major;
	p->s->min_kernel_minor = minor;
	slp_next(p);
	return 0;
}

static int require_sysctl(struct slp_parser *p)
{
	char *name, *value;
	if (slp_sysctl_assignment(p, 0, 1, 0, &name, &value))
		return -1;
	struct sl_scenario *s = p->s;
	struct sl_sysctl_req *n = realloc(s->requires, (size_t)(s->nrequires + 1) * sizeof(*n));
	if (!n) {
		free(name);
		free(value);
		return slp_oom(p);
	}
	s->requires = n;
	n[s->nrequires].name = name;
	n[s->nrequires].value = value;
	s->nrequires++;
	return 0;
}

/* requires: program NAME [package PACKAGE]: SKIP, saying what to install,
 * when NAME is not found. */
static int require_program(struct slp_parser *p)
{
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "a program, as exec takes it: program ipcmk, program /usr/lib/postgresql/15/bin/pg_ctl");
	const char *name = t->text, *package = NULL;
	slp_next(p);
	if (slp_is_word(slp_peek(p), "package")) {
		slp_next(p);
		if (slp_peek(p)->kind != TK_WORD)
			return slp_expected(p, "the Debian package that has it: package postgresql");
		package = slp_next(p)->text;
	}
	return sl_scenario_add_program(p->s, name, package) < 0 ? slp_oom(p) : 0;
}

static int header_requires(struct slp_parser *p)
{
	static const char *const kinds[] = { "root", "host-root", "kernel", "sysctl", "program", NULL };
	for (;;) {
		const struct slp_token *t = slp_peek(p);
		if (t->kind != TK_WORD)
			return slp_expected(p, "a requirement: root, host-root, kernel >= N.N, sysctl NAME = VALUE or program NAME");
		slp_next(p);
		if (strcmp(t->text, "root") == 0) {
			p->s->needs_root = p->s->needs_root > SL_NEEDS_ROOT ? p->s->needs_root : SL_NEEDS_ROOT;
		} else if (strcmp(t->text, "host-root") == 0) {
			p->s->needs_root = SL_NEEDS_HOST_ROOT;
		} else if (strcmp(t->text, "kernel") == 0) {
			if (require_kernel(p, t))
				return -1;
		} else if (strcmp(t->text, "sysctl") == 0) {
			if (require_sysctl(p))
				return -1;
		} else if (strcmp(t->text, "program") == 0) {
			if (require_program(p))
				return -1;
		} else {
			struct slp_suggest sg;
			slp_suggest_init(&sg, t->text);
			slp_suggest_list(&sg, kinds);
			if (slp_suggest_best(&sg))
				return slp_error(p, t->col, "unknown requirement '%.40s'; did you mean '%s'?",
						 t->text, slp_suggest_best(&sg));
			return slp_error(p, t->col,
					 "unknown requirement '%.40s': write root, host-root, kernel >= N.N, sysctl NAME = VALUE "
					 "or program NAME [package P]",
					 t->text);
		}
		if (slp_peek(p)->kind != TK_COMMA)
			return 0;
		slp_next(p);
	}
}

static int header_sysctl(struct slp_parser *p)
{
	char *name, *value;
	if (slp_sysctl_assignment(p, 1, 0, 1, &name, &value))
		return -1;
	int rc = sl_scenario_add_sysctl(p->s, name, value);
	free(name);
	free(value);
	return rc < 0 ? slp_oom(p) : 0;
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
	if (once(p, &p->terminal_line, "terminal", p->ln.tok[0].col))
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
	if (once(p, &p->network_line, "network", p->ln.tok[0].col))
		return -1;
	p->s->host_network = slp_is_word(t, "host");
	slp_next(p);
	return 0;
}

int slp_duration_ms(struct slp_parser *p, const char *what, int *out)
{
	const struct slp_token *t = slp_peek(p);
	char show[SLP_SHOW];
	if (t->kind != TK_WORD)
		return slp_expected(p, "a duration such as 2s or 500ms");
	size_t n = strspn(t->text, "0123456789");
	const char *unit = t->text + n;
	long long ms = 0;
	int scale = strcmp(unit, "ms") == 0 ? 1 : strcmp(unit, "s") == 0 ? 1000 : 0;
	if (n == 0 || n > 9 || !scale)
		return slp_error(p, t->col, "bad %s %s: write a duration such as 2s or 500ms", what,
				 slp_tok_show(t, show, sizeof(show)));
	ms = strtoll(t->text, NULL, 10) * scale;
	if (ms < 1 || ms > SLP_MAX_TIMEOUT_MS)
		return slp_error(p, t->col, "%s %s is out of range (1ms to %ds)", what,
				 slp_tok_show(t, show, sizeof(show)), SLP_MAX_TIMEOUT_MS / 1000);
	*out = (int)ms;
	slp_next(p);
	return 0;
}

static int header_timeout(struct slp_parser *p)
{
	int ms;
	if (slp_duration_ms(p, "timeout", &ms))
		return -1;
	if (once(p, &p->timeout_line, "timeout", p->ln.tok[0].col))
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
	if (once(p, &p->leak_line, "leak", p->ln.tok[0].col))
		return -1;
	p->s->leak_expected = 1;
	slp_next(p);
	return 0;
}

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
static int header_actors(struct slp_parser *p)
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

/* ---- claims -------------------------------------------------------------- */

static int claim_setting(struct slp_parser *p, char **source, int *agrees, int *seen_kernel)
{
	static const char *const keys[] = { "source", "kernel", NULL };
	const struct slp_token *t = slp_peek(p);
	if (t->kind != TK_WORD)
		return slp_expected(p, "source: or kernel:");
	int is_source = strcmp(t->text, "source") == 0;
	if (!is_source && strcmp(t->text, "kernel") != 0) {
		struct slp_suggest sg;
		slp_suggest_init(&sg, t->text);
		slp_suggest_list(&sg, keys);
		if (slp_suggest_best(&sg))
			return slp_error(p, t->col, "unknown claim setting '%.40s'; did you mean '%s'?",
					 t->text, slp_suggest_best(&sg));
		return slp_error(p, t->col, "unknown claim setting '%.40s': source: or kernel:", t->text);
	}
	if ((is_source && *source) || (!is_source && *seen_kernel))
		return slp_error(p, t->col, "'%s' is given twice", t->text);
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
		return slp_error(p, v->col, "kernel: is 'agrees' or 'disagrees', not %s",
				 slp_tok_show(v, show, sizeof(show)));
	}
	*agrees = slp_is_word(v, "agrees");
	*seen_kernel = 1;
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
	int agrees = 1, seen_kernel = 0, rc = -1;
	if (slp_text_arg(p, "a claim", &text))
		return -1;
	while (slp_peek(p)->kind != TK_EOL)
		if (claim_setting(p, &source, &agrees, &seen_kernel))
			goto out;
	const struct slp_sym *old = slp_sym_find(&p->claims, id->text);
	if (old) {
		slp_report(p, id->col, "claim '%s' is declared twice (first on line %d)", id->text,
			  old->line);
		goto out;
	}
	int c = sl_scenario_add_claim(p->s, id->text, text, source, agrees);
	struct slp_sym *s = c < 0 ? NULL : slp_sym_add(&p->claims, id->text, SYM_CLAIM, p->ln.lineno);
	if (!s) {
		slp_report_oom(p);
		goto out;
	}
	s->index = c;
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
	if (!plain_id(id->text))
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
		rc = header_requires(p);
	else if (strcmp(key->text, "terminal") == 0)
		rc = header_terminal(p);
	else if (strcmp(key->text, "network") == 0)
		rc = header_network(p);
	else if (strcmp(key->text, "sysctl") == 0)
		rc = header_sysctl(p);
	else if (strcmp(key->text, "timeout") == 0)
		rc = header_timeout(p);
	else if (strcmp(key->text, "leak") == 0)
		rc = header_leak(p);
	else if (strcmp(key->text, "actors") == 0)
		return header_actors(p);
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
