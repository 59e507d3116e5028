#!/usr/bin/env bash
# ci/catalog.sh - sets up, builds and runs the whole scenario catalog
# (scenarios/) with the harness; reports are written to reports/out.
# Exits with the harness's status (docs/cli.md: 0 every scenario passed or
# was skipped for its own declared reason; 4 this machine cannot make the
# sandbox at all).  The catalog runs an optimised build (RelWithDebInfo,
# -O2 -g, warnings as errors) in build-relwithdebinfo/; the tests keep build/.
# SHMLIFE_BUILD_DIR overrides the build directory (default: build-relwithdebinfo).
# SHMLIFE_SHARD=I/N runs only shard I of N (`run --shard`; a CI matrix runs
# the shards side by side, ci/merge.sh joins their results.json).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build-relwithdebinfo}"

SHMLIFE_BUILD_DIR="$build_dir" \
	SHMLIFE_CMAKE_ARGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo ${SHMLIFE_CMAKE_ARGS:-}" bash ci/setup.sh

harness="${build_dir}/bin/shmlife"
if [ ! -x "$harness" ]; then
	echo "catalog: ${harness} was not built (is there a harness/*.c?)" >&2
	exit 1
fi
mkdir -p reports/out
shard=()
if [ -n "${SHMLIFE_SHARD:-}" ]; then
	shard=(--shard "$SHMLIFE_SHARD")
fi
echo "catalog: ${harness} run ${shard[*]} scenarios --report-dir reports/out"
status=0
"$harness" run "${shard[@]}" scenarios --report-dir reports/out || status=$?
echo "catalog: the harness exited with ${status}; reports in reports/out"
exit "$status"
