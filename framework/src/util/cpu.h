/* cpu.h - the CPU a scenario's processes share (internal; cpu.c).
 *
 * A step is a round trip between the conductor and an actor, and on a
 * virtual machine a wake-up that crosses to another CPU costs several times
 * one on the same CPU (harness/bench: 38 us against 6 us a round trip over
 * a pipe).  So a scenario's conductor and its actors, which take turns and
 * never run at the same time, are bound to one CPU (sl_cpu_pin, in the
 * conductor: its actors inherit it); the harness spreads the scenarios it
 * runs at once over the CPUs it may use (run.c).  A program that a step
 * runs is not the harness's to bind: it gets back the CPUs the conductor
 * had (sl_cpu_unpin, before its exec).
 *
 *   int cpu = sl_cpu_take();      // the harness, for a scenario
 *   sl_cpu_pin(cpu);              // its conductor, first thing
 *   ...fork actors...
 *   sl_cpu_unpin();               // in the child that execs a program
 *   sl_cpu_give_back(cpu);        // the harness, when the scenario has ended
 */
#ifndef SHMLIFE_CPU_H
#define SHMLIFE_CPU_H

#include <stddef.h>
#include <sys/types.h>

/* The CPU for a scenario about to start: of the CPUs the caller may use,
 * one with the fewest scenarios taken and not given back, the caller's own
 * CPU first among equals (another harness running beside is likely on the
 * other).  -1 when the caller may use only one CPU: nothing to choose. */
int sl_cpu_take(void);
/* The scenario on `cpu` (from sl_cpu_take; -1: none) has ended. */
void sl_cpu_give_back(int cpu);

/* Keeps the CPUs the caller may use now (for sl_cpu_unpin), then binds it,
 * and what it forks from now on, to `cpu`.  0, or -1 with errno (nothing
 * changed). */
int sl_cpu_pin(int cpu);

/* Gives the caller back the CPUs kept by sl_cpu_pin (by it or by the
 * process it is a fork of).  Nothing if none were kept: a process exec'd
 * since knows none, so the lean actor is given them back before its exec
 * (actor.c). */
void sl_cpu_unpin(void);
/* The same for process `pid` (0: the caller). */
void sl_cpu_unpin_pid(pid_t pid);

/* The CPUs kept by sl_cpu_pin as text ("0,1"; "-": none kept), for a
 * program of shmlife's that this process execs (the spawner of a big
 * group, conductor_spawner.c): 0, or -1 if len is too small.  And the
 * other way, in that program: 0, or -1 if the text is not such a list. */
int sl_cpu_kept_text(char *buf, size_t len);
int sl_cpu_kept_from_text(const char *text);

#endif
