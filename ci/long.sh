#!/usr/bin/env bash
# ci/long.sh - the long tests (CTest label `long`), kept out of ci/test.sh:
# the whole catalog run 200 times at -j 2 (--repeat), every scenario's
# outcome the same every time.  Builds into build/ with
# -DSHMLIFE_LONG_TESTS=ON (which only registers them; set back to OFF at the
# end) and runs ctest -L long.  About 15 minutes here (see README).
# SHMLIFE_BUILD_DIR overrides the build directory (default: build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"

bash ci/setup.sh
cmake -S . -B "$build_dir" -DSHMLIFE_LONG_TESTS=ON >/dev/null
# back to OFF afterwards, so that a plain ctest in this directory stays short
trap 'cmake -S . -B "$build_dir" -DSHMLIFE_LONG_TESTS=OFF >/dev/null' EXIT
cmake --build "$build_dir" -j"$(nproc)"
echo "long: ctest -L long in ${build_dir}/"
status=0
ctest --test-dir "$build_dir" -L long --output-on-failure --no-tests=error || status=$?
echo "long: ctest exited with ${status}"
exit "$status"
