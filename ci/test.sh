#!/usr/bin/env bash
# ci/test.sh - sets up, builds and runs every test: each Criterion test case
# and each scenario script is one CTest test.  Exits with ctest's status.
# A run that registers no test at all fails (--no-tests=error).
# SHMLIFE_BUILD_DIR overrides the build directory (default: build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"

bash ci/setup.sh

echo "test: ctest in ${build_dir}/ with $(nproc) jobs"
status=0
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error \
	--output-junit ctest-junit.xml -j"$(nproc)" || status=$?
echo "test: ctest exited with ${status} (JUnit: ${build_dir}/ctest-junit.xml)"
exit "$status"
