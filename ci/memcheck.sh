#!/usr/bin/env bash
# ci/memcheck.sh - sets up, builds (build/), and runs the scenario catalog
# with every actor, and every program they exec, under valgrind memcheck:
# `shmlife run --valgrind`.  Reports in reports/out: junit.xml, results.json,
# index.html, and valgrind/ (one directory of vg.<pid>.xml per scenario,
# summary.txt).  Then checks that memcheck does catch what it must: the
# scenarios of tests/valgrind/ (a program with a leak and an uninitialised
# read fails, naming both; an actor killed on purpose is reported truncated).
# Exits with the catalog's status, or 1 if that check failed.
# SHMLIFE_BUILD_DIR (default build) and SHMLIFE_REPORT_DIR (default
# reports/out) override the directories.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"
report_dir="${SHMLIFE_REPORT_DIR:-reports/out}"

bash ci/setup.sh

harness="${build_dir}/bin/shmlife"
bin_dir="$(cd "$build_dir" && pwd)/bin"
mkdir -p "$report_dir"
status=0
if [ -z "${SHMLIFE_CATALOG:-}" ] && [ ! -d scenarios ]; then
	echo "memcheck: no scenario catalog (scenarios/) yet: only the self-check runs"
else
	echo "memcheck: ${harness} run --valgrind --report-dir ${report_dir}"
	PATH="${bin_dir}:${PATH}" "$harness" run --valgrind --report-dir "$report_dir" || status=$?
fi

echo "memcheck: checking that memcheck catches tests/valgrind/"
check_dir="${report_dir}/memcheck-self-test"
selftest=0
PATH="${bin_dir}:${PATH}" "$harness" run --valgrind -q --report-dir "$check_dir" tests/valgrind \
	> "${check_dir}.tap" || selftest=$?
if [ "$selftest" -ne 1 ] ||
	! grep -q 'UninitCondition at leaky.c' "${check_dir}.tap" ||
	! grep -q 'Leak_DefinitelyLost 64 bytes in 1 blocks' "${check_dir}.tap" ||
	! grep -q '^ok .* memcheck-killed-actor' "${check_dir}.tap"; then
	echo "memcheck: the self-test did not come out as it must (status ${selftest}):" >&2
	cat "${check_dir}.tap" >&2
	exit 1
fi
echo "memcheck: the catalog exited with ${status}; reports in ${report_dir}"
exit "$status"
