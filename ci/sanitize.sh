#!/usr/bin/env bash
# ci/sanitize.sh - builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer (-DSHMLIFE_SANITIZE=ON) into build-asan/ and
# runs the whole test suite (ctest) there.  Every process (harness,
# keepers, conductors, actors, tests) writes its sanitizer reports into
# build-asan/sanitizer-logs/ (actors' stderr is /dev/null, so a report on
# stderr could be lost); the run fails if ctest fails or if any report was
# written.  Extra arguments go to ctest (e.g. -L unit, -R robustness).
# The packages ci/setup.sh installs must be there (CI: bash ci/setup.sh first).
# SHMLIFE_ASAN_BUILD_DIR overrides the build directory (default: build-asan).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_ASAN_BUILD_DIR:-build-asan}"

echo "sanitize: configuring ${build_dir}/ (SHMLIFE_SANITIZE=ON: ASan + UBSan)"
# ASan and UBSan make everything about 3 times slower: so are the limits
cmake -S . -B "$build_dir" -DSHMLIFE_SANITIZE=ON -DSHMLIFE_WERROR=ON \
	-DSHMLIFE_TEST_TIMEOUT=180 -DSHMLIFE_SCENARIO_TIMEOUT=180 >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

logs="$(pwd)/${build_dir}/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
chmod 1777 "$logs"   # processes run as other users write here too
# halt_on_error: a report ends the process, so the test that caused it fails
# as well; detect_leaks stays on (LeakSanitizer runs at a normal exit).
export ASAN_OPTIONS="log_path=${logs}/asan:halt_on_error=1:abort_on_error=0:detect_leaks=1"
export UBSAN_OPTIONS="log_path=${logs}/ubsan:halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$(pwd)/ci/lsan.supp:print_suppressions=0"

# Tests that cannot work with ASan at all, left out (SHMLIFE_SANITIZE_EXCLUDE=
# to run them anyway): a -static program cannot be linked with ASan, so
# scenarios/programs builds none and what execs one finds nothing (the
# unprivileged run, the run as nobody with subordinate ids and the shards
# test take the catalog, inject-errno-static included);
# valgrind cannot run ASan-instrumented programs, and LeakSanitizer makes
# the deliberately leaky test program exit 23; ASan's shadow memory cannot
# live under the address-space limit (ulimit -v) of a memory-bound test;
# LeakSanitizer stops an instrumented program at its exit with a task of its
# own (clone CLONE_VM|CLONE_UNTRACED, the program's name), which explore
# counts as one more process of the program (two tests count them exactly);
# a plain program cannot link against libshmlife.a of an instrumented build
# without the sanitizers' runtimes (the public-API check).
static='explore/every_call_of_a_static_program_is_a_crash_point|explore/finds_the_careless_programs_leak_where_it_happens'
static+='|programs/a_static_program_opens_nothing_a_dynamic_one_cannot_load_without_open|programs/calls_n_to_m_and_every_call'
static+='|programs/errno_into_each_shm_call_of_a_static_program|programs/errno_into_each_shm_call_of_a_static_raw_syscall_user'
static+='|programs/signals_before_and_after_calls_of_a_static_program|scenario/inject-errno-static|robustness/unprivileged_catalog'
static+='|cli/run_shards_cover_the_catalog_exactly_once|robustness/subordinate_ids'
static+='|cli/explore_crashes_a_reparented_grandchild_at_its_own_calls'
static+='|cli/explore_finds_the_careless_leak_and_a_script_that_reproduces_it|architecture/public_api'
valgrind='memcheck/actor_killed_on_purpose_is_reported_truncated|memcheck/leaky_program_run_by_an_actor_fails_with_both_errors_named'
valgrind+='|memcheck/without_valgrind_the_leaky_program_passes|memcheck/parallel_runs_pass_and_leave_nothing_in_tmp'
valgrind+='|memcheck/a_scenario_built_in_c_runs_under_valgrind|memcheck/an_actor_of_another_uid_runs_its_program_under_memcheck'
valgrind+='|cli/a_long_trace_is_written_to_results_json_an_entry_at_a_time'
exclude="${SHMLIFE_SANITIZE_EXCLUDE-^(${static}|${valgrind})\$}"
exclude_args=()
if [ -n "$exclude" ]; then
	exclude_args=(-E "$exclude")
	echo "sanitize: leaving out the tests that cannot run under ASan: ${exclude}"
fi

echo "sanitize: ctest in ${build_dir}/ with $(nproc) jobs"
status=0
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j"$(nproc)" "${exclude_args[@]}" "$@" || status=$?

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
	echo "sanitize: sanitizer reports were written:" >&2
	for f in $reports; do
		echo "==== $f" >&2
		head -60 "$f" >&2
	done
	[ "$status" -ne 0 ] || status=1
fi
echo "sanitize: ctest exited with ${status}; $(echo -n "$reports" | grep -c . || true) sanitizer report file(s)"
exit "$status"
