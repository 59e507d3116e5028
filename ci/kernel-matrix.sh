#!/usr/bin/env bash
# ci/kernel-matrix.sh [BUILD_DIR] - the whole catalog on this machine's kernel
# and, side by side, on Debian 12's own (booted under qemu by `run --kernel`;
# KVM where /dev/kvm works, else software emulation), then claims x kernels.
# Reports in BUILD_DIR/kernel-matrix/ (index.html: the table "Kernels side by
# side"); exits with the run's status: any difference that fails a scenario
# on either kernel fails it.  docs/kernels.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:-build}"
kernel="$(bash ci/kernels.sh)"
out="$build/kernel-matrix"
echo "kernel-matrix: the catalog here and on $kernel"
start=$(date +%s)
"$build/bin/shmlife" run -q -j "$(nproc)" --kernel "$kernel" --report-dir "$out" scenarios >"$out.tap"
echo "kernel-matrix: both kernels passed the catalog in $(( $(date +%s) - start )) s; reports in $out/"
python3 ci/claims-differ.py "$out/results.json" kernel-matrix
