#!/usr/bin/env bash
# tests/consumer/run.sh BUILD_DIR - uses shmlife as another project would, the
# four ways docs/building.md ("Installing") describes, from a scratch
# directory; every failure names the step.  Registered as the CTest test
# consumer/install-pkgconfig-cmake-deb (label `consumer`; about 20 s).
#
#   1. `cmake --install BUILD_DIR --prefix P`: the expected files are there; the
#      installed harness runs scenarios of the installed catalog that exec the
#      installed programs, from P/share/shmlife; under --valgrind, memcheck
#      gets the installed suppressions.
#   2. pkg-config: tests/consumer/run_one.c compiled with `pkg-config --cflags
#      --libs shmlife` runs a consumer's script (sl_run) and passes.
#   3. find_package(shmlife): tests/consumer/ configured against P: its C test
#      (shmlife::framework) and its scripts (shmlife_add_scenarios, run by the
#      installed harness) pass under CTest; none of shmlife's own tests is there.
#   4. add_subdirectory(shmlife): configures without Criterion or libpng being
#      looked for, registers none of shmlife's tests, gives shmlife::framework.
#   5. `cpack -G DEB`: the .deb declares its runtime Depends, apt-get resolves
#      them (simulated), dpkg installs it into a scratch root (--root, its own
#      database; as a plain user dpkg-deb unpacks it), and the harness there
#      runs the whole catalog there, read by prove.
#      SHMLIFE_CONSUMER_DPKG_INSTALL=1 installs it for real (apt-get; for a
#      throwaway Debian 12 container) and runs /usr/bin/shmlife instead.
#
# Nothing of the build or source tree may help the installed harness: the
# variables that point there are unset and PATH is the system's.
set -euo pipefail

if [ "$#" -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
	echo "usage: tests/consumer/run.sh BUILD_DIR (a configured and built shmlife build)" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
consumer="$src/tests/consumer"
work=$(mktemp -d /tmp/shmlife-consumer-XXXXXX)
trap 'rm -rf "$work"' EXIT
unset SHMLIFE_BIN SHMLIFE_BUILD_DIR SHMLIFE_SOURCE_DIR SHMLIFE_CATALOG SHMLIFE_VALGRIND_SUPP \
	SHMLIFE_TAP_VERSION SHMLIFE_CONDUCTOR_EXE
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

step() { printf '\n== consumer (%s s): %s\n' "$SECONDS" "$*"; }
fail() { printf 'consumer: FAILED: %s\n' "$*" >&2; exit 1; }

# ---- 1. the install tree ---------------------------------------------------
step "1. cmake --install --prefix $work/prefix"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
pc=$(find "$prefix" -name shmlife.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || fail "no shmlife.pc installed"
for f in bin/shmlife include/shmlife/run.h include/shmlife/parse.h \
	libexec/shmlife/shmlife-producer libexec/shmlife/shmlife-daemon libexec/shmlife/shmlife-scn-shm-info \
	share/shmlife/valgrind.supp share/shmlife/scenarios/rmid/rmid-twice-unattached.scn \
	share/man/man1/shmlife.1 share/man/man1/shmlife-run.1 \
	share/bash-completion/completions/shmlife share/doc/shmlife/cli.md; do
	[ -e "$prefix/$f" ] || fail "not installed: $f"
done
[ -z "$(find "$prefix" -name 'shmlife-test-*')" ] || fail "a test program was installed"
[ -n "$(find "$prefix" -name libshmlife.a)" ] || fail "libshmlife.a not installed"
[ -n "$(find "$prefix" -name shmlifeConfig.cmake)" ] || fail "shmlifeConfig.cmake not installed"
# scenarios that exec installed programs by name, run from elsewhere than
# the install tree (the catalog must not depend on the folder it runs from)
(cd "$work" && "$prefix/bin/shmlife" run -q -j 2 --report-dir "$work/report-install" \
	--filter 'producer-consumer' --filter 'daemon-program-*' --filter 'info-agrees-with-proc' \
	--filter 'rmid-*' "$prefix/share/shmlife/scenarios") >"$work/install.tap" ||
	{ cat "$work/install.tap"; fail "the installed harness (install tree)"; }
cat "$work/install.tap"
grep -q '^ok .* - producer-consumer$' "$work/install.tap" || fail "producer-consumer did not pass"
grep -q '^ok .* - info-agrees-with-proc$' "$work/install.tap" || fail "info-agrees-with-proc did not pass"
# --valgrind from elsewhere than a source tree: memcheck gets the installed suppressions
if command -v valgrind >/dev/null 2>&1; then
	(cd "$work" && "$prefix/bin/shmlife" run -q --valgrind --report-dir "$work/report-vg" \
		"$prefix/share/shmlife/scenarios/rmid/rmid-twice-unattached.scn") >/dev/null || fail "--valgrind (install tree)"
	grep -rqF "suppressions=$prefix/share/shmlife/valgrind.supp" "$work/report-vg/valgrind" ||
		fail "memcheck did not get the installed valgrind.supp"
fi

# ---- 2. pkg-config ------------------------------------------------------------
step "2. pkg-config"
export PKG_CONFIG_PATH="${pc%/*}"
pkg-config --exists --print-errors shmlife || fail "pkg-config does not know shmlife"
harness=$(pkg-config --variable=harness shmlife)
[ "$(realpath "$harness")" = "$(realpath "$prefix/bin/shmlife")" ] || fail "pkg-config's harness is $harness"
# shellcheck disable=SC2046 # pkg-config's output is words
cc -std=gnu11 -Wall -Wextra -Werror -o "$work/run_one" "$consumer/run_one.c" $(pkg-config --cflags --libs shmlife) ||
	fail "cc with pkg-config --cflags --libs shmlife"
out=$("$work/run_one" "$consumer/scenarios/consumer-rmid-attached.scn") || fail "run_one (pkg-config): $out"
echo "$out"
[ "$out" = "consumer-rmid-attached: PASS" ] || fail "run_one said '$out'"

# ---- 3. find_package ------------------------------------------------------------
step "3. find_package(shmlife)"
cmake -S "$consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >"$work/consumer-cfg.log" ||
	{ cat "$work/consumer-cfg.log"; fail "configuring tests/consumer"; }
cmake --build "$work/consumer" >"$work/consumer-build.log" || { cat "$work/consumer-build.log"; fail "building tests/consumer"; }
ctest --test-dir "$work/consumer" --output-on-failure >"$work/consumer-ctest.log" ||
	{ cat "$work/consumer-ctest.log"; fail "the consumer's tests"; }
cat "$work/consumer-ctest.log"
grep -q '100% tests passed, 0 tests failed out of 3$' "$work/consumer-ctest.log" || fail "not the consumer's 3 tests"
grep -q 'consumer/consumer-exec-program .*Passed' "$work/consumer-ctest.log" || fail "consumer-exec-program"

# ---- 4. add_subdirectory --------------------------------------------------------
step "4. add_subdirectory(shmlife)"
mkdir -p "$work/sub"
cat >"$work/sub/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.20)
project(sub C)
enable_testing()
add_subdirectory("$src" shmlife)
if(NOT TARGET shmlife::framework OR NOT TARGET shmlife)
	message(FATAL_ERROR "add_subdirectory(shmlife) gave no shmlife::framework or shmlife")
endif()
EOF
cmake -S "$work/sub" -B "$work/sub/build" >"$work/sub.log" || { cat "$work/sub.log"; fail "configuring a project that add_subdirectory()s shmlife"; }
! grep -Eq '^[^/#].*(CRITERION|LIBPNG)' "$work/sub/build/CMakeCache.txt" || fail "Criterion or libpng looked for in a subproject"
(cd "$work/sub/build" && ctest -N) | tee "$work/sub-ctest.txt"
grep -q '^Total Tests: 0$' "$work/sub-ctest.txt" || fail "shmlife's tests are registered in the consumer"

# ---- 5. the .deb ----------------------------------------------------------------
step "5. cpack -G DEB"
command -v dpkg-shlibdeps >/dev/null 2>&1 || fail "no dpkg-shlibdeps, which cpack -G DEB runs for the Depends: install dpkg-dev (ci/setup.sh does)"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/pkg" >"$work/cpack.log" || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(find "$work/pkg" -maxdepth 1 -name 'shmlife_*.deb')
[ -n "$deb" ] || { cat "$work/cpack.log"; fail "no .deb made"; }
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# json-c and expat are linked into shmlife's programs from their archives
# (CMakeLists.txt: shmlife_deps): nothing of theirs is needed at run time.
for d in libc6 util-linux procps; do
	[[ ", $depends," == *", $d"[\ ,]* ]] || fail "Depends lacks $d: $depends"
done
for d in libjson-c5 libexpat1; do
	[[ ", $depends," != *", $d"[\ ,]* ]] || fail "Depends names $d, which the programs link from its archive: $depends"
done
dpkg-deb -c "$deb" >"$work/deb-contents.txt"
grep -q ' \./usr/bin/shmlife$' "$work/deb-contents.txt" || fail "no /usr/bin/shmlife in the .deb"
grep -q ' \./usr/libexec/shmlife/shmlife-producer$' "$work/deb-contents.txt" || fail "no programs in the .deb"
step "5b. apt-get install -s (Depends resolvable)"
if command -v apt-get >/dev/null 2>&1; then
	apt-get install -s -q "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get cannot resolve the .deb's Depends"; }
fi
if [ "${SHMLIFE_CONSUMER_DPKG_INSTALL:-0}" = 1 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" || fail "apt-get install $deb"
	root=""
elif [ "$(id -u)" -eq 0 ]; then
	# dpkg installs it into a scratch root with a dpkg database of its own; the
	# libraries it depends on are the host's (apt-get -s checked them above)
	root="$work/root"
	mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	dpkg --root="$root" --force-depends --log=/dev/null -i "$deb" >"$work/dpkg.log" 2>&1 ||
		{ cat "$work/dpkg.log"; fail "dpkg --root -i"; }
	dpkg --root="$root" -s shmlife | grep -q '^Status: install ok installed$' || fail "dpkg: not installed"
else
	root="$work/root"                # dpkg --root needs root: unpacked only
	dpkg-deb -x "$deb" "$root"
fi
step "5c. the unpacked harness runs the unpacked catalog"
(cd "$root/usr/share/shmlife" &&
	"$root/usr/bin/shmlife" run -q -j 2 --report-dir "$work/report-deb") >"$work/deb.tap" ||
	{ cat "$work/deb.tap"; fail "the .deb's harness on the .deb's catalog"; }
tail -n 1 "$work/deb.tap"
prove -e cat "$work/deb.tap" >"$work/prove.log" 2>&1 || { cat "$work/prove.log"; fail "prove on the .deb's catalog run"; }
grep -q '^Result: PASS$' "$work/prove.log" || fail "prove did not PASS"
step "all passed"
