#!/usr/bin/env bash
# ci/deb-fresh.sh - the Debian package on Debian 12: builds shmlife
# (ci/setup.sh), packs it (cpack -G DEB), installs the .deb with apt-get
# (its Depends from Debian's archive), and runs the installed harness on the
# installed catalog; then the manual page and the completion it installed.
# Meant for a fresh machine:
#
#   sudo bash ci/fresh-machine.sh 'bash ci/deb-fresh.sh'
#
# (on a machine with shmlife's build dependencies already installed, the
# .deb's Depends are not put to the test: ci/fresh-machine.sh's root is new).
# Exits 0 only if the installed catalog passes (SKIPs allowed, each with its
# reason) and the installed files are where the package says.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log() { printf 'deb-fresh: %s\n' "$*"; }
bash ci/setup.sh
pkg=$(mktemp -d)
reports=$(mktemp -d)
trap 'rm -rf "$pkg" "$reports"' EXIT
log "cpack -G DEB"
cpack --config build/CPackConfig.cmake -G DEB -B "$pkg" >/dev/null
deb=$(find "$pkg" -maxdepth 1 -name 'shmlife_*.deb' | head -n 1)
[ -n "$deb" ] || { log "no .deb was made"; exit 1; }
log "$(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >/dev/null
command -v shmlife >/dev/null || { log "the package installed no shmlife in PATH"; exit 1; }
log "installed: $(shmlife --version)"
catalog=$(dpkg -L shmlife | grep -m1 '/share/shmlife/scenarios$')
[ -d "$catalog" ] || { log "the package installed no catalog"; exit 1; }
status=0
# from a folder of its own, not the source tree: the installed catalog must
# not depend on where it is run from (one scenario checks that its starter's
# cwd is not /, so not /)
(cd "$reports" && shmlife run -q -j 2 --report-dir "$reports" "$catalog") >"$reports/tap" || status=$?
tail -n 1 "$reports/tap"
[ "$status" -eq 0 ] || { grep -A6 '^not ok' "$reports/tap" | head -40; log "the installed catalog did not pass ($status)"; exit 1; }
man -w shmlife >/dev/null || { log "no manual page shmlife(1)"; exit 1; }
dpkg -L shmlife | grep -q 'bash-completion/completions/shmlife$' || { log "no bash completion"; exit 1; }
log "the .deb installs on Debian 12 and its catalog passes"
