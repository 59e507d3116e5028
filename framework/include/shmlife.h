/* shmlife.h - the whole contract of libshmlife, in the order of its
 * pipeline: a script is parsed into a scenario, run against the real kernel
 * in namespaces of its own, its observations judged, and its results
 * written as reports.  Include this one header; each one it names is
 * documented on its own.
 *
 *   #include <shmlife.h>
 *
 *   struct sl_diags d = { 0 };
 *   struct sl_scenario *s = sl_parse_file("rmid.scn", &d);     parse.h
 *   struct sl_run_options o;
 *   sl_run_options_default(&o);                                run.h
 *   struct sl_result r;
 *   if (s && sl_run(s, &o, &r) == 0) {
 *           printf("%s: %s\n", sl_outcome_name(r.outcome), r.reason);   result.h
 *           sl_result_free(&r);
 *   }
 *   sl_scenario_free(s);                                       scenario.h
 *   sl_diags_free(&d);
 *
 * Link with `pkg-config --libs shmlife` or CMake's shmlife::framework.
 * libshmlife.a exports the names these headers declare and nothing else.
 * Unless a header says otherwise, a function may be called from any thread
 * on data that thread owns, and not between fork() and exec() in a child
 * of a multi-threaded process.  What says otherwise: sl_tap_begin() (the
 * run's start is one for the process), sl_fuzz_set_wrong_model() (a test
 * hook: for the whole process), sl_report_compact() (not on the same items
 * at once), and the rules of run.h for jobs and threads.
 */
#ifndef SHMLIFE_H
#define SHMLIFE_H

#include "shmlife/scenario.h"     /* the model: what a scenario is, as plain data   */
#include "shmlife/build.h"        /* building one in C                              */
#include "shmlife/parse.h"        /* ... or from a script                           */
#include "shmlife/result.h"       /* outcomes, observations, the trace              */
#include "shmlife/run.h"          /* running scenarios against the real kernel      */
#include "shmlife/observe.h"      /* the kernel's views, read directly              */
#include "shmlife/observed.h"     /* one field of an observation, and its text      */
#include "shmlife/explore.h"      /* crash points                                   */
#include "shmlife/fuzz.h"         /* random scenarios from a reference model        */
#include "shmlife/valgrind.h"     /* scenarios under memcheck                       */
#include "shmlife/claims.h"       /* the claims a run checks, judged                */
#include "shmlife/report.h"       /* TAP, JUnit, JSON                               */
#include "shmlife/report_html.h"  /* the HTML report                                */

#endif
