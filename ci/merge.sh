#!/usr/bin/env bash
# ci/merge.sh RESULTS.json... - builds the harness and joins the results.json
# of the catalog's shards (ci/catalog.sh with SHMLIFE_SHARD=I/N, one CI job
# each) into one set of reports in reports/out: TAP on stdout, junit.xml,
# results.json, index.html, as one run of the whole catalog writes them
# (`shmlife merge`, docs/cli.md).  Runs from the checkout the shards ran in
# (their scripts are read again).  Exits with the joined run's status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: ci/merge.sh RESULTS.json... (the shards' results)" >&2
	exit 2
fi
files=()
for f in "$@"; do
	files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build-relwithdebinfo}"
SHMLIFE_BUILD_DIR="$build_dir" \
	SHMLIFE_CMAKE_ARGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo ${SHMLIFE_CMAKE_ARGS:-}" bash ci/setup.sh
status=0
"${build_dir}/bin/shmlife" merge --report-dir reports/out "${files[@]}" || status=$?
echo "merge: ${#files[@]} shards joined, exit ${status}; reports in reports/out"
exit "$status"
