#!/usr/bin/env bash
# ci/fuzz.sh - builds the parser's libFuzzer target (fuzz/fuzz_parse.c, with
# ASan and UBSan) with clang into build-fuzz/ and fuzzes sl_parse_string()
# for SECONDS (default 60), starting from the catalog's scripts as seed
# corpus.  Exits non-zero on a crash, a hang (a input taking > 10 s), a leak
# or a sanitizer report; the input that did it is kept in
# build-fuzz/fuzz/artifacts/ and the log in build-fuzz/fuzz/fuzz.log.
#
#   bash ci/fuzz.sh          # the short run CI does
#   bash ci/fuzz.sh 1800     # the 30-minute run the README reports
# Installs clang and libFuzzer if missing; the packages of ci/setup.sh must
# be there too (CI: bash ci/setup.sh first).
# SHMLIFE_FUZZ_BUILD_DIR overrides the build directory (default: build-fuzz);
# SHMLIFE_FUZZ_ARGS adds libFuzzer options (e.g. -detect_leaks=0 -jobs=2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
build_dir="${SHMLIFE_FUZZ_BUILD_DIR:-build-fuzz}"

# clang, and libFuzzer with the ASan and UBSan runtimes (a Recommends of
# clang, which ci/install-packages.sh does not install by itself)
bash ci/install-packages.sh clang libclang-rt-14-dev
echo "fuzz: building ${build_dir}/ with clang (libFuzzer, ASan, UBSan)"
CC=clang cmake -S . -B "$build_dir" -DSHMLIFE_FUZZ=ON >/dev/null
cmake --build "$build_dir" --target fuzz_parse fuzz_seed_corpus -j"$(nproc)"

work="${build_dir}/fuzz"
mkdir -p "${work}/corpus" "${work}/artifacts"
log="${work}/fuzz.log"
echo "fuzz: fuzzing the parser for ${seconds} s (log: ${log})"
status=0
"${build_dir}/bin/fuzz_parse" \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	-dict=fuzz/scn.dict -print_final_stats=1 \
	-artifact_prefix="${work}/artifacts/" ${SHMLIFE_FUZZ_ARGS:-} \
	"${work}/corpus" "${work}/seed-corpus" >"$log" 2>&1 || status=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' "$log" || true
echo "fuzz: corpus now holds $(find "${work}/corpus" -type f | wc -l) inputs"
if [ "$status" -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
	echo "fuzz: FAILED (status ${status}); the last lines of ${log}:" >&2
	tail -40 "$log" >&2
	ls -l "${work}/artifacts" >&2
	exit 1
fi
echo "fuzz: no crash, hang, leak or sanitizer report in ${seconds} s"
