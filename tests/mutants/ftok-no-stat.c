/* ftok-no-stat.c - mutant: ftok() makes a key from the path's text without
 * looking at the file: a missing path gets a key, and the project id is used
 * whole.
 * Rule broken: ftok stat(2)s the path (ENOENT if missing) and uses the low
 * 8 bits of the project id with the inode and device. */
#include <sys/ipc.h>
#include "mutant.h"

key_t ftok(const char *path, int proj)
{
	unsigned h = 5381;
	for (const char *p = path; p && *p; p++)
		h = h * 33 + (unsigned char)*p;
	return (key_t)((h & 0xffffffu) ^ ((unsigned)proj << 20));
}
