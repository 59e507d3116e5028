#!/usr/bin/env bash
# ci/mutants.sh - the catalog against lying C libraries: runs the scenario
# catalog once as it is (every scenario must pass), then once under each
# mutant of tests/mutants/ (an LD_PRELOAD library that makes libc lie about
# one lifecycle rule), and prints a table: mutant -> the scenarios that
# caught it (did not pass), with the outcome and the reason of the first.
# Exits 1 if a mutant is caught by no scenario (a hole in the catalog, or in
# what shmlife observes), or if the catalog does not pass without a mutant.
#
#   bash ci/mutants.sh [MUTANT...]      (default: every built mutant)
#
# SHMLIFE_BUILD_DIR: the build (default build; its mutants/*.so are built
# with it, but not under SHMLIFE_SANITIZE).  SHMLIFE_CATALOG: the catalog
# (default scenarios).  SHMLIFE_MUTANTS_JOBS: -j of each run (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"
catalog="${SHMLIFE_CATALOG:-scenarios}"
jobs="${SHMLIFE_MUTANTS_JOBS:-2}"
harness="${build_dir}/bin/shmlife"
mutants_dir="${build_dir}/mutants"

if [ ! -x "$harness" ] || [ ! -d "$mutants_dir" ]; then
	echo "mutants: build first (${harness} and ${mutants_dir}/*.so): cmake --build ${build_dir}" >&2
	exit 2
fi
export SHMLIFE_BUILD_DIR="$build_dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run NAME [PRELOAD]: the catalog, TAP into $work/NAME.tap
run() {
	local name=$1 preload=${2:-}
	# scenarios/real (PostgreSQL, ipcmk ...) are left out: they test those
	# programs, not shmlife's own actors, and each takes seconds, 20 times
	env ${preload:+LD_PRELOAD="$preload"} "$harness" run -q -j "$jobs" --timeout 10 --exclude real \
		--report-dir "$work/$name.reports" "$catalog" >"$work/$name.tap" 2>"$work/$name.err" || true
}

# caught NAME: "scenario OUTCOME reason" for every scenario that did not pass
caught() {
	awk '
		/^not ok / { if (name != "") print name, outcome, reason; name = $5; outcome = "?"; reason = "" ; next }
		/^ok / { if (name != "") print name, outcome, reason; name = ""; next }
		name != "" && /^  outcome: / { outcome = $2 }
		name != "" && /^  reason: / { sub(/^  reason: /, ""); reason = $0 }
		END { if (name != "") print name, outcome, reason }
	' "$work/$1.tap"
}

run baseline
if [ -n "$(caught baseline)" ] || ! grep -q '^ok ' "$work/baseline.tap"; then
	echo "mutants: the catalog does not pass without a mutant:" >&2
	caught baseline >&2
	cat "$work/baseline.err" >&2
	exit 1
fi

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for so in "$mutants_dir"/*.so; do
		names+=("$(basename "$so" .so)")
	done
fi

uncaught=0
printf '%-20s %-8s %s\n' "mutant" "caught" "by (outcome; first reason)"
for name in "${names[@]}"; do
	so="$(realpath "$mutants_dir/$name.so")"
	run "$name" "$so"
	caught "$name" >"$work/$name.caught"
	n=$(wc -l <"$work/$name.caught")
	if [ "$n" -eq 0 ]; then
		uncaught=$((uncaught + 1))
		printf '%-20s %-8s %s\n' "$name" "NO" "-"
		continue
	fi
	scenarios=$(awk '{ printf "%s%s(%s)", sep, $1, $2; sep = ", " }' "$work/$name.caught")
	first=$(head -n 1 "$work/$name.caught" | cut -d' ' -f3-)
	printf '%-20s %-8s %s\n' "$name" "$n" "$scenarios"
	printf '%-20s %-8s   %s\n' "" "" "$first"
done
if [ "$uncaught" -gt 0 ]; then
	echo "mutants: ${uncaught} mutant(s) caught by no scenario" >&2
	exit 1
fi
echo "mutants: every mutant caught"
