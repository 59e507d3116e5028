/* proc_stat.h - the one reader of /proc/PID/stat (internal; proc_stat.c).
 * The observer (observe_process.c: sl_parse_proc_stat), `find` (its
 * comm, parent and start time), the reaper (a zombie's exit code) and the
 * fault supervisor (is the caller stopped?) all read it through here. */
#ifndef SHMLIFE_PROC_STAT_H
#define SHMLIFE_PROC_STAT_H

#include <sys/types.h>

struct sl_proc_stat {
	int pid;
	char comm[64];                 /* up to the last ')': may hold blanks, '(' and ')' */
	char state;                    /* R S D T t Z X ...                                */
	int ppid, pgid, sid, tty_nr, tpgid;
	unsigned long long starttime;  /* field 22: clock ticks after boot; 0 if absent    */
	int exit_code;                 /* field 52: a zombie's wait status; -1 if absent    */
};

/* Parses "pid (comm) state ppid pgrp session tty_nr tpgid ...": 0, or -1
 * if the text is not such a line (the first eight fields are required). */
int sl_proc_stat_parse(const char *text, struct sl_proc_stat *st);

/* Reads and parses /proc/PID/stat: 0, or -1 with errno (ENOENT, ESRCH: no
 * such process; EPROTO: a line it could not parse). */
int sl_proc_stat_read(pid_t pid, struct sl_proc_stat *st);

/* 1 if the state is that of a process that has ended (a zombie, or dead). */
int sl_proc_stat_ended(char state);

#endif
