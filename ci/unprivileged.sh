#!/usr/bin/env bash
# ci/unprivileged.sh - runs the catalog as an unprivileged user (nobody,
# 65534, no groups, through setpriv) and checks that nothing fails for lack
# of privilege: no FAIL, BROK or TIMEOUT; the scenarios that need root SKIP
# with the reason; the others run (in a user namespace, where the kernel
# allows one).  Runs as root (to become nobody); the build and source
# directories must be readable and searchable by everyone.
# Then runs the same check as a test: robustness/unprivileged_catalog.
# SHMLIFE_BUILD_DIR overrides the build directory (default: build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"

if [ "$(id -u)" -ne 0 ]; then
	echo "unprivileged: run me as root (I become nobody with setpriv)" >&2
	exit 1
fi
bash ci/setup.sh

as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
harness="$(pwd)/${build_dir}/bin/shmlife"
if ! "${as_nobody[@]}" test -x "$harness" -a -r scenarios; then
	echo "unprivileged: nobody cannot run ${harness} or read scenarios/:" >&2
	echo "  every directory above them must be world-searchable (chmod o+rx)" >&2
	exit 1
fi
echo "unprivileged: user namespaces allowed: $(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo unknown)"

reports=$(mktemp -d /tmp/shmlife-unprivileged-XXXXXX)
trap 'rm -rf "$reports"' EXIT
chown 65534:65534 "$reports"
echo "unprivileged: shmlife run -j 2 scenarios as uid 65534"
status=0
"${as_nobody[@]}" "$harness" run -q -j 2 --report-dir "$reports" scenarios >"${reports}/run.tap" || status=$?
grep -E '^(not ok|ok .*# SKIP)' "${reports}/run.tap" || true
tail -1 "${reports}/run.tap"
if [ "$status" -ne 0 ]; then
	echo "unprivileged: the harness exited with ${status} as nobody" >&2
	exit 1
fi
if grep -qE '^ok [0-9]+ - [^#]*# SKIP *$' "${reports}/run.tap"; then
	echo "unprivileged: a SKIP without its reason" >&2
	exit 1
fi

echo "unprivileged: the test robustness/unprivileged_catalog"
ctest --test-dir "$build_dir" -R '^robustness/unprivileged_catalog$' --output-on-failure --no-tests=error
