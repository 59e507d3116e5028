#!/usr/bin/env bash
# ci/selffault.sh - faults in shmlife itself, SQLite-style: runs the harness
# on a scenario that passes and on one that fails, with its Nth call of
# malloc, calloc, realloc, read, write, open, pipe or fork made to fail
# (tests/selffault/selffault.c), for N = 1, 2, 3, ... until the fault no
# longer fires.  For every run it checks that the harness
#   - ended by itself with a documented status (0, 1 or 3; never 2, which
#     says the command or the script is wrong): no crash, no signal, no hang
#     (60 s);
#   - never said PASS about the failing scenario: its exit status is not 0
#     and its TAP has no "ok" line;
#   - said why, when it did not pass the passing scenario: a BROK with a
#     reason in the TAP, or a message on stderr;
#   - left nothing behind: no process of its own, no temporary file in the
#     report folder (a report is whole or absent).
# It prints one line per call (runs, the N where it stopped firing, the
# outcomes seen) and exits 1 on the first run that breaks a rule, with its
# TAP and stderr.
#
#   bash ci/selffault.sh [--quick] [CALL...]     (default: every call)
#
# --quick tries N = 1..8 and then steps of an eighth (9, 10, ... 18, 20, 22,
# 24, 27, ...: about 50 runs a call; CTest's selffault/quick);
# the full sweep tries every N.  SHMLIFE_BUILD_DIR: the build (default build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"
quick=0
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
harness="$(realpath "${build_dir}/bin/shmlife")"
lib="${build_dir}/selffault/selffault.so"
if [ ! -x "$harness" ] || [ ! -r "$lib" ]; then
	echo "selffault: build first (${build_dir}/bin/shmlife and ${lib}): cmake --build ${build_dir}" >&2
	exit 2
fi
lib="$(realpath "$lib")"
export PATH="$(realpath "${build_dir}")/bin:$PATH"
calls=("$@")
[ ${#calls[@]} -gt 0 ] || calls=(malloc calloc realloc read write open pipe fork)
passing=scenarios/segment/create-excl-eexist.scn
failing=tests/failing/nattch-miscounted.scn
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

broken() { # RULE: prints the run and exits 1
	echo "selffault: ${call}:${n} on ${which}: $1" >&2
	echo "--- TAP" >&2
	cat "$work/tap" >&2
	echo "--- stderr" >&2
	cat "$work/err" >&2
	exit 1
}

# one SCRIPT: one run of it with the Nth call of $call failing; sets $fired
# (how many calls failed: 0 once N is past the last call) and $outcome
one() {
	local script=$1 status
	rm -rf "$work/reports" "$work/log"
	status=0
	# LD_PRELOAD for the harness alone: the first process that loads the
	# library is the one whose calls fail (not timeout's, not env's)
	SHMLIFE_SELFFAULT="${call}:${n}" SHMLIFE_SELFFAULT_LOG="$work/log" \
		timeout -s KILL 60 env LD_PRELOAD="$lib" "$harness" run -q --report-dir "$work/reports" "$script" \
		>"$work/tap" 2>"$work/err" </dev/null || status=$?
	case $status in
	2) broken "exit status 2 (bad usage or a script error) for a valid command and script: its own failure blamed on the user" ;;
	0 | 1 | 3) ;;
	137) broken "hung (killed after 60 s) or killed" ;;
	*) broken "exit status $status: a crash or a signal" ;;
	esac
	fired=$(sed -n "s/^${call} calls=[0-9]* fired=\([0-9]*\)$/\1/p" "$work/log" 2>/dev/null | tail -n 1)
	[ -n "$fired" ] || broken "the harness did not end normally (no exit record)"
	if [ "$which" = failing ]; then
		[ "$status" -ne 0 ] || broken "exit status 0 for a failing scenario: a wrong PASS"
		! grep -q '^ok ' "$work/tap" || broken "'ok' for a failing scenario: a wrong PASS"
	elif [ "$status" -ne 0 ]; then
		grep -q '^  outcome: BROK' "$work/tap" || [ -s "$work/err" ] ||
			broken "exit status $status and no word why (no BROK, nothing on stderr)"
	fi
	if [ -d "$work/reports" ] && find "$work/reports" -name '*.??????' | grep -q .; then
		broken "a temporary report file was left: $(find "$work/reports" -name '*.??????' | head -n 1)"
	fi
	# every process of this run has the log's path in its environment
	local left
	left=$(grep -l -a -F "SHMLIFE_SELFFAULT_LOG=$work/log" /proc/[0-9]*/environ 2>/dev/null | head -n 1 || true)
	[ -z "$left" ] || broken "a process of the run was left: ${left%/environ} ($(tr '\0' ' ' <"${left%/environ}/cmdline" 2>/dev/null))"
	outcome="exit${status}"
}

for call in "${calls[@]}"; do
	runs=0
	declare -A seen_outcomes=()
	last=0
	for which in passing failing; do
		script=$passing
		[ "$which" = failing ] && script=$failing
		n=1
		while :; do
			one "$script"
			runs=$((runs + 1))
			seen_outcomes["$which:$outcome"]=1
			[ "$fired" -ge 1 ] || break
			if [ "$quick" -eq 1 ] && [ "$n" -ge 8 ]; then
				n=$((n + n / 8))   # 1..8, then steps of an eighth
			else
				n=$((n + 1))
			fi
		done
		[ "$n" -gt "$last" ] && last=$n
	done
	printf 'selffault: %-8s %4d runs, fires up to N=%d; outcomes: %s\n' "$call" "$runs" "$((last - 1))" \
		"$(printf '%s\n' "${!seen_outcomes[@]}" | sort | tr '\n' ' ')"
	unset seen_outcomes
done
echo "selffault: every run ended with a documented status, no wrong PASS, nothing left behind"
