#!/usr/bin/env bash
# ci/install-packages.sh PACKAGE... - installs the Debian packages of the list
# that are not installed yet, and only those.
#
# Idempotent: each package is checked with `dpkg -s`; `apt-get update` runs
# once, and only if something is missing.  Runs as root, or through sudo.
# Recommends are not installed: a package the project needs is named here
# (libFuzzer, for one, is libclang-rt-14-dev, only a Recommends of clang).
# Used by ci/setup.sh (the build), ci/fuzz.sh (clang and libFuzzer) and the
# other ci/ scripts.  Exits non-zero, saying what is missing, when it cannot
# install (not root and no sudo, not a Debian system, apt-get failed).
set -euo pipefail

log() { printf 'setup: %s\n' "$*"; }

is_installed() {
	dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

if [ "$#" -eq 0 ]; then
	exit 0
fi
if ! command -v dpkg >/dev/null 2>&1; then
	log "no dpkg: not a Debian system; install by hand: $*" >&2
	exit 1
fi
missing=()
for pkg in "$@"; do
	is_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
	log "all $# packages already installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		log "missing: ${missing[*]}; not root and no sudo: install them by hand" >&2
		exit 1
	fi
	sudo=(sudo)
fi
log "missing: ${missing[*]}"
log "running apt-get update"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
log "installing: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
for pkg in "${missing[@]}"; do
	if ! is_installed "$pkg"; then
		log "$pkg is still not installed" >&2
		exit 1
	fi
done
