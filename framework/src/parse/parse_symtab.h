/* parse_symtab.h - internal: the parser's table of names.
 *
 * Actors, actor groups, bound names (slots), group-bound names (one slot per
 * member) and claims, by name, in a hash table so that scripts with
 * thousands of actors or steps parse in linear time.  Actors and bound names
 * share one table (a name means one thing); claims use a table of their own.
 */
#ifndef SHMLIFE_PARSE_SYMTAB_H
#define SHMLIFE_PARSE_SYMTAB_H

#include <stddef.h>

enum slp_sym_kind {
	SYM_ACTOR,       /* index: the actor                                   */
	SYM_GROUP,       /* index: its first actor; count: members             */
	SYM_SLOT,        /* index: the slot                                    */
	SYM_GROUP_SLOT,  /* group: first actor of the group; slots[count]      */
	SYM_CLAIM,       /* index: the claim                                   */
	SYM_POISON,      /* a name whose line had an error: never complain again */
	SYM_FUTURE,      /* (pre-pass) a name some later line binds            */
};

struct slp_sym {
	char *name;
	enum slp_sym_kind kind;
	int index;
	int count;
	int group;
	int *slots;
	int line;        /* where it was declared or bound */
};

struct slp_symtab {
	struct slp_sym *v;   /* cap entries; name NULL = free */
	size_t cap, n;
};

/* NULL if absent.  Pointers are valid until the next slp_sym_add. */
struct slp_sym *slp_sym_find(const struct slp_symtab *t, const char *name);
/* Adds a name that is not in the table yet (zeroed entry but for name,
 * kind, line); NULL when out of memory. */
struct slp_sym *slp_sym_add(struct slp_symtab *t, const char *name, enum slp_sym_kind kind,
			    int line);
void slp_symtab_free(struct slp_symtab *t);

#endif
