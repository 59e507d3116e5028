/* invariants.h - what the model says of a scenario's invariants beyond
 * explore.h (internal). */
#ifndef SHMLIFE_INVARIANTS_H
#define SHMLIFE_INVARIANTS_H

#include "shmlife/scenario.h"

/* 1 if the invariants are already steps of s (sl_scenario_materialize_invariants). */
int sl_invariants_materialized(const struct sl_scenario *s);

#endif
