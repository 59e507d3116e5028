#!/usr/bin/env bash
# ci/fuzz-mutants.sh - `shmlife fuzz` under each lying C library of
# tests/mutants/ (the same LD_PRELOAD mutants as ci/mutants.sh): does random
# testing from the reference model find the lie, how soon, and how short is
# the script it shrinks it to?  Prints a Markdown table, one row a mutant:
# the first divergence's run number, its steps before and after shrinking,
# the number of distinct divergences, and the longest shrunk script.
#
#   bash ci/fuzz-mutants.sh [SECONDS] [MUTANT...]   (default 60 s each, every mutant)
#
# SHMLIFE_BUILD_DIR: the build (default build).  SHMLIFE_FUZZ_SEED: the seed
# (default 1, so that the table can be made again).  Exits 1 if a mutant of
# an operation the model covers is not found (the table says which).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"
seconds="${1:-60}"
[ $# -gt 0 ] && shift
seed="${SHMLIFE_FUZZ_SEED:-1}"
harness="${build_dir}/bin/shmlife"
if [ ! -x "$harness" ] || [ ! -d "${build_dir}/mutants" ]; then
	echo "fuzz-mutants: build first (${harness}, ${build_dir}/mutants/*.so)" >&2
	exit 2
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for so in "${build_dir}"/mutants/*.so; do
		names+=("$(basename "$so" .so)")
	done
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "| mutant | found at run | steps before -> after shrinking | distinct divergences | longest shrunk script |"
echo "| --- | --- | --- | --- | --- |"
missed=0
for name in "${names[@]}"; do
	so="$(realpath "${build_dir}/mutants/${name}.so")"
	LD_PRELOAD="$so" "$harness" fuzz --seed "$seed" --time "$seconds" -j 2 -q --out "$work/$name" \
		>"$work/$name.tap" 2>"$work/$name.err" || true
	first=$(sed -n 's/^shmlife fuzz: divergence in run \([0-9]*\) .*/\1/p' "$work/$name.err" | head -n 1)
	if [ -z "$first" ]; then
		runs=$(sed -n 's/^# seed [0-9]*: \([0-9]*\) runs.*/\1/p' "$work/$name.tap")
		echo "| \`$name\` | not found in ${runs:-?} runs | - | 0 | - |"
		missed=$((missed + 1))
		continue
	fi
	shrunk=$(sed -n 's/^  shrunk from \([0-9]*\) to \([0-9]*\) steps.*/\1 \2/p' "$work/$name.err")
	before_after=$(head -n 1 <<<"$shrunk" | awk '{ print $1 " -> " $2 }')
	longest=$(awk 'BEGIN { m = 0 } { if ($2 > m) m = $2 } END { print m }' <<<"$shrunk")
	distinct=$(sed -n 's/^# seed [0-9]*: [0-9]* runs, [0-9]* diverged (\([0-9]*\) distinct).*/\1/p' "$work/$name.tap")
	echo "| \`$name\` | $first | $before_after | ${distinct:-?} | $longest steps |"
done
echo
echo "fuzz-mutants: seed $seed, ${seconds} s each; ${missed} of ${#names[@]} mutants not found"
[ "$missed" -eq 0 ]
