#!/usr/bin/env bash
# ci/setup.sh - installs what the build needs (Debian 12) and builds into build/.
#
# Idempotent: each package is checked with `dpkg -s`; `apt-get update` runs
# once, and only if something is missing.  Runs as root, or through sudo.
# Then configures with -DSHMLIFE_WERROR=ON and builds.
# SHMLIFE_BUILD_DIR overrides the build directory (default: build);
# SHMLIFE_CMAKE_ARGS adds configure options (ci/coverage.sh: coverage).
# Chromium, for the HTML report's screenshot test, is installed only when it
# is needed: in CI (CI=true) or with SHMLIFE_WITH_BROWSER=1.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${SHMLIFE_BUILD_DIR:-build}"

packages=(
	cmake gcc make pkg-config        # the toolchain
	libcriterion-dev                 # unit tests
	libjson-c-dev                    # results.json
	libxml2-dev                      # JUnit output, valgrind XML
	libseccomp-dev                   # fault injection filters
	gcovr valgrind                   # coverage, memcheck of actors
	util-linux procps                # ipcs, ps
	libpng-dev                       # the screenshot test decodes its PNG
)
if [ "${CI:-}" = true ] || [ "${SHMLIFE_WITH_BROWSER:-0}" = 1 ]; then
	packages+=(chromium)             # renders index.html for the screenshot test
fi

log() { printf 'setup: %s\n' "$*"; }

is_installed() {
	dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

install_missing() {
	local missing=() pkg
	if ! command -v dpkg >/dev/null 2>&1; then
		log "no dpkg: not a Debian system, installing nothing (cmake will say what is missing)"
		return 0
	fi
	for pkg in "${packages[@]}"; do
		is_installed "$pkg" || missing+=("$pkg")
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		log "all ${#packages[@]} packages already installed"
		return 0
	fi

	local sudo=()
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
}

install_missing

log "configuring ${build_dir}/ (SHMLIFE_WERROR=ON ${SHMLIFE_CMAKE_ARGS:-})"
# shellcheck disable=SC2086 # the extra options are words
cmake -S . -B "$build_dir" -DSHMLIFE_WERROR=ON ${SHMLIFE_CMAKE_ARGS:-}
log "building ${build_dir}/ with $(nproc) jobs"
cmake --build "$build_dir" -j"$(nproc)"
log "done"
