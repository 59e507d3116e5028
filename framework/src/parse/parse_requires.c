/* parse_requires.c - the header lines about the machine: `requires:`
 * (root, host-root, a kernel version, a host sysctl's value, a program) and
 * `sysctl:` (a value set in the scenario's own IPC namespace), with the
 * rules of the IPC sysctls' values. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* ---- sysctls and requirements ------------------------------------------- */

static int sysctl_name_ok(const char *s)
{
	const char *dot = strchr(s, '.');
	if (!dot || dot == s || !slp_plain_id(s))
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
	if (slp_header_once(p, &p->kernel_line, "kernel", key->col))
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

int slp_header_requires(struct slp_parser *p)
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

int slp_header_sysctl(struct slp_parser *p)
{
	char *name, *value;
	if (slp_sysctl_assignment(p, 1, 0, 1, &name, &value))
		return -1;
	int rc = sl_scenario_add_sysctl(p->s, name, value);
	free(name);
	free(value);
	return rc < 0 ? slp_oom(p) : 0;
}
