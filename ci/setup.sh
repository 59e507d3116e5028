#!/usr/bin/env bash
# ci/setup.sh - installs what the build needs (Debian 12) and builds into build/.
#
# Packages are installed by ci/install-packages.sh: only those missing,
# `apt-get update` once and only if something is missing, as root or
# through sudo.  Then configures with -DSHMLIFE_WERROR=ON and builds.
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
	libexpat1-dev                    # reading valgrind's XML
	libxml2-dev                      # the tests validate junit.xml and the HTML page
	libseccomp-dev                   # fault injection filters
	gcovr valgrind                   # coverage, memcheck of actors
	util-linux procps                # ipcs, ps
	libpng-dev                       # the screenshot test decodes its PNG
	perl                             # prove, which a test feeds the TAP stream to
	python3-yaml                     # tests/ci/workflow.sh reads the GitHub workflow
	python3-jsonschema               # tests/docs/results_schema.sh: results.json against its schema
	man-db                           # tests/docs/man_pages.sh renders the generated pages (man, groff)
	dpkg-dev                         # dpkg-shlibdeps: cpack -G DEB's Depends (tests/consumer)
	file                             # CPack's DEB generator runs file(1) on what it packs
	postgresql-15                    # a real server for scenarios/real (its stale-segment check)
	uidmap                           # newuidmap/newgidmap: a plain user's actors of other ids (subid.c)
	musl-tools                       # musl-gcc: the lean actor and programs of run --libc musl
)
if [ "${CI:-}" = true ] || [ "${SHMLIFE_WITH_BROWSER:-0}" = 1 ]; then
	packages+=(chromium)             # renders index.html for the screenshot test
	packages+=(fonts-wqy-microhei)   # CJK glyphs in that page (test html/screenshot_draws_cjk_text)
fi

log() { printf 'setup: %s\n' "$*"; }

bash ci/install-packages.sh "${packages[@]}"
# qemu and Debian 12's own kernel, unpacked into a cache: run --kernel and
# its tests (ci/kernels.sh; docs/kernels.md)
bash ci/kernels.sh >/dev/null

log "configuring ${build_dir}/ (SHMLIFE_WERROR=ON ${SHMLIFE_CMAKE_ARGS:-})"
# shellcheck disable=SC2086 # the extra options are words
cmake -S . -B "$build_dir" -DSHMLIFE_WERROR=ON ${SHMLIFE_CMAKE_ARGS:-}
log "building ${build_dir}/ with $(nproc) jobs"
cmake --build "$build_dir" -j"$(nproc)"
log "done"
