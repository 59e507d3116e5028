/* parse_symtab.c - the parser's hash table of names (open addressing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_symtab.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct slp_sym *slp_sym_find(const struct slp_symtab *t, const char *name)
{
	if (!t->cap)
		return NULL;
	size_t mask = t->cap - 1;
	for (size_t i = (size_t)hash(name) & mask;; i = (i + 1) & mask) {
		if (!t->v[i].name)
			return NULL;
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	}
}

static int rehash(struct slp_symtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct slp_sym *nv = calloc(ncap, sizeof(*nv));
	if (!nv)
		return -1;
	for (size_t j = 0; j < t->cap; j++) {
		if (!t->v[j].name)
			continue;
		size_t i = (size_t)hash(t->v[j].name) & (ncap - 1);
		while (nv[i].name)
			i = (i + 1) & (ncap - 1);
		nv[i] = t->v[j];
	}
	free(t->v);
	t->v = nv;
	t->cap = ncap;
	return 0;
}

struct slp_sym *slp_sym_add(struct slp_symtab *t, const char *name, enum slp_sym_kind kind,
			    int line)
{
	if ((t->n + 1) * 2 > t->cap && rehash(t))
		return NULL;
	char *copy = strdup(name);
	if (!copy)
		return NULL;
	size_t mask = t->cap - 1, i = (size_t)hash(name) & mask;
	while (t->v[i].name)
		i = (i + 1) & mask;
	struct slp_sym *s = &t->v[i];
	memset(s, 0, sizeof(*s));
	s->name = copy;
	s->kind = kind;
	s->line = line;
	t->n++;
	return s;
}

void slp_symtab_free(struct slp_symtab *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->v[i].name);
		free(t->v[i].slots);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}
