#!/usr/bin/env bash
# ci/libc-matrix.sh [BUILD_DIR] - the whole catalog with the actors' calls
# through glibc and, side by side, through musl (`run --libc glibc,musl`;
# the lean actor and the programs built by musl-gcc), then the claims whose
# verdicts differ between the two libcs.  Reports in BUILD_DIR/libc-matrix/;
# exits with the run's status (a scenario failing under either libc fails
# it).  docs/libc.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:-build}"
out="$build/libc-matrix"
echo "libc-matrix: the catalog through glibc and through musl"
start=$(date +%s)
"$build/bin/shmlife" run -q -j "$(nproc)" --libc glibc,musl --report-dir "$out" scenarios >"$out.tap"
echo "libc-matrix: both libcs passed the catalog in $(( $(date +%s) - start )) s; reports in $out/"
python3 ci/claims-differ.py "$out/results.json" libc-matrix
