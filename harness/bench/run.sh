#!/usr/bin/env bash
# harness/bench/run.sh - the benchmarks of issue 8, one command, one table:
#   1. overhead    the same 3-actor, 12-step scenario by shmlife and by a
#                  hand-written C program (bench_overhead), alternating
#   2. throughput  the whole catalog at -j 1 and -j 2, and where the time
#                  goes (bench_throughput); scenarios tagged slow, timeout
#                  or waits (they wait on purpose) are left out
#   3. scale       1000 actors on one segment; segments until ENOSPC at the
#                  default shmmni (bench_scale): time, CPU time and peak memory
#   4. timeout     a hanging actor: how long after its limit the scenario is
#                  TIMEOUT (bench_timeout; the rule is limit + 1 s)
#   5. peers       with BENCH_LTP_DIR set to a build tree of LTP (made by hand
#                  from LTP's public source; this repository holds no recipe
#                  for it): LTP's shm, setsid, getsid and setpgid tests against
#                  the scenarios of scenarios/peers that make their assertions
#                  (bench_peers)
# Builds an optimised tree in build-bench/ (RelWithDebInfo) first.  Needs
# root (namespaces), like the scenarios.  Numbers depend on the machine and
# on what else runs on it: run it on a quiet machine.
#
#   bash harness/bench/run.sh [quick]      # quick: fewer repetitions
# Environment: BENCH_REPS_OVERHEAD (default 200), BENCH_REPS_CATALOG (10),
# BENCH_REPS_SCALE (5), BENCH_REPS_TIMEOUT (3), BENCH_CATALOG (default scenarios),
# BENCH_EXCLUDE_TAGS (default slow,timeout,waits), SHMLIFE_BENCH_BUILD_DIR.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build_dir="${SHMLIFE_BENCH_BUILD_DIR:-build-bench}"
reps_overhead="${BENCH_REPS_OVERHEAD:-200}"
reps_catalog="${BENCH_REPS_CATALOG:-10}"
reps_scale="${BENCH_REPS_SCALE:-5}"
reps_timeout="${BENCH_REPS_TIMEOUT:-3}"
if [ "${1:-}" = quick ]; then
	reps_overhead=20 reps_catalog=2 reps_scale=1 reps_timeout=1
fi
catalog="${BENCH_CATALOG:-scenarios}"

echo "bench: building ${build_dir}/ (RelWithDebInfo)" >&2
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Everything: the catalog execs the programs of scenarios/*/programs, which
# must be beside the harness.
cmake --build "$build_dir" -j"$(nproc)" >/dev/null

bin="${build_dir}/bin"
echo "shmlife benchmarks: $(uname -srm), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "build: ${build_dir} (RelWithDebInfo: -O2 -g)"
echo
status=0
"${bin}/bench_overhead" "${bin}/shmlife" harness/bench/scenarios/overhead.scn "$reps_overhead" || status=1
echo
"${bin}/bench_throughput" "${bin}/shmlife" "$reps_catalog" $catalog || status=1
echo
"${bin}/bench_scale" "${bin}/shmlife" "${build_dir}/lib/bench_hwm.so" "$reps_scale" \
	harness/bench/scenarios/scale-attach-1000.scn harness/bench/scenarios/scale-enospc.scn || status=1
"${bin}/bench_fork_floor" 1000 "$reps_scale" || status=1
echo
"${bin}/bench_timeout" "${bin}/shmlife" 2 "$reps_timeout" \
	harness/bench/scenarios/hang-step.scn harness/bench/scenarios/hang-scenario.scn || status=1
if [ -n "${BENCH_LTP_DIR:-}" ]; then
	echo
	"${bin}/bench_peers" "${bin}/shmlife" "$BENCH_LTP_DIR" "${BENCH_REPS_PEERS:-5}" scenarios/peers/ltp-*.scn || status=1
fi
[ "$status" -eq 0 ] || echo "bench: a benchmark's scenario did not end as it should (see above)" >&2
exit "$status"
