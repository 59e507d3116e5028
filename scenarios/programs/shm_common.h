/* shm_common.h - what the example programs share: the key they are given
 * and the message they put in the segment.  Each program is one file that
 * a reader can take in at a glance; this header keeps them from repeating
 * the same ten lines. */
#ifndef SHMLIFE_PROGRAMS_COMMON_H
#define SHMLIFE_PROGRAMS_COMMON_H

#include <stdlib.h>
#include <sys/ipc.h>

#define SEGMENT_SIZE 4096
#define MESSAGE "shmlife: the producer was here"

/* The segment's key: argv[1] if given, else $SHMLIFE_KEY (shmlife sets it
 * to the scenario's key), else 0x5eed. */
static inline key_t program_key(int argc, char **argv)
{
	const char *k = argc > 1 ? argv[1] : getenv("SHMLIFE_KEY");
	return k ? (key_t)strtol(k, NULL, 0) : (key_t)0x5eed;
}

#endif
