/* actor_memory.c - what an actor does to memory on the conductor's orders:
 * `write` and `read` copy a step's bytes into or out of an attachment (as
 * far as its mapping goes: running off the end dies of SIGSEGV in that very
 * step, as a copy into unmapped memory does), and mprotect, munmap,
 * madvise, mremap and remap_file_pages change an attachment's mappings.
 * The conductor has checked each range first (conductor_memory.c): none
 * reaches the actor's own memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "actor.h"
#include "util.h"
#include "wire.h"

/* How many of the len bytes from p lie in the mapping that holds p (from
 * /proc/self/maps): 0 if none holds it, -1 if the maps cannot be read. */
static long long mapped_bytes(uintptr_t p, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	long long fit = 0;
	unsigned long lo, hi;
	while (getline(&line, &cap, f) > 0)
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= p && p < hi) {
			fit = hi - p < len ? (long long)(hi - p) : (long long)len;
			break;
		}
	free(line);
	fclose(f);
	return fit;
}

/* How many of the len bytes from p the mapping that holds p holds: what the
 * conductor read in this actor's maps just before it sent the command (the
 * actor has not run since), or else what the actor reads in them itself. */
static long long bytes_that_fit(const struct sl_wire_cmd *c, uintptr_t p, size_t len)
{
	if (c->fit_known && c->fit >= 0 && (uint64_t)c->fit <= len)
		return c->fit;
	return mapped_bytes(p, len);
}

/* What a copy running off the end of its mapping meets: SIGSEGV, in this
 * step, whatever the actor's handlers, and never the memory that follows. */
static _Noreturn void die_of_sigsegv(void)
{
	sigset_t s;
	signal(SIGSEGV, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	kill(getpid(), SIGSEGV); /* delivered before kill returns: default action, death */
	_exit(128 + SIGSEGV);    /* not reached, but the compiler cannot know */
}

/* write: the bytes that fit in the attachment's mapping, then SIGSEGV if
 * some did not (the memory after it, another mapping or none, is never
 * touched); -1 and errno if the actor's maps cannot be read. */
void actor_write(const struct sl_wire_cmd *c, const char *data, struct sl_wire_reply *r)
{
	char *p = (char *)(intptr_t)(c->a[0] + c->a[1]);
	long long fit = bytes_that_fit(c, (uintptr_t)p, c->data_len);
	if (fit < 0) {
		r->ret = -1;
		r->err = errno;
		return;
	}
	memcpy(p, data, (size_t)fit);
	if ((size_t)fit < c->data_len)
		die_of_sigsegv();
	r->ret = c->data_len;
}

/* read: compares byte by byte as far as the mapping goes; running off its
 * end is SIGSEGV, as for write. */
void actor_read(const struct sl_wire_cmd *c, const char *want, size_t len,
		    struct sl_wire_reply *r)
{
	const unsigned char *p = (const unsigned char *)(intptr_t)(c->a[0] + c->a[1]);
	long long fit = bytes_that_fit(c, (uintptr_t)p, len);
	if (fit < 0) {
		r->ret = -1;
		r->err = errno;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (i == (size_t)fit)
			die_of_sigsegv();
		if (p[i] != (unsigned char)want[i]) {
			r->mismatch = 1;
			r->mismatch_at = (uint32_t)i;
			r->ngot = (uint32_t)(len - i < sizeof(r->got) ? len - i : sizeof(r->got));
			memcpy(r->got, p + i, r->ngot);
			break;
		}
	}
	r->ret = (int64_t)len;
}

void actor_memory_op(const struct sl_wire_cmd *c, struct sl_wire_reply *r)
{
	void *at = (void *)(intptr_t)(c->a[0] + c->a[1]);
	size_t len = (size_t)c->a[2];
	switch (c->op) {
	case SL_OP_MPROTECT: r->ret = mprotect(at, len, (int)c->a[3]); break;
	case SL_OP_MUNMAP: r->ret = munmap(at, len); break;
	case SL_OP_MADVISE: r->ret = madvise(at, len, (int)c->a[3]); break;
	case SL_OP_REMAP_FILE_PAGES: r->ret = remap_file_pages(at, len, 0, (size_t)c->a[3], 0); break;
	case SL_OP_MREMAP: {
		void *p = mremap(at, len, (size_t)c->a[3], (int)c->a[4]);
		r->ret = p == MAP_FAILED ? -1 : (int64_t)(intptr_t)p;
		break;
	}
	default: r->ret = -1; errno = ENOSYS; break;
	}
}
