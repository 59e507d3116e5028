#!/usr/bin/env bash
# ci/build-types.sh - builds every CMake build type other than Debug (which
# ci/test.sh builds) with warnings as errors: -O2 and -O3 see format
# truncations and uninitialised uses that -O0 does not.  Builds into
# build-<type>/ (lower case).  The packages of ci/setup.sh must be there.
#
#   bash ci/build-types.sh                  # Release MinSizeRel RelWithDebInfo
#   bash ci/build-types.sh Release          # one of them
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
types=("$@")
[ "${#types[@]}" -gt 0 ] || types=(Release MinSizeRel RelWithDebInfo)
for type in "${types[@]}"; do
	dir="build-$(printf '%s' "$type" | tr '[:upper:]' '[:lower:]')"
	echo "build-types: ${type} in ${dir}/ (-Werror)"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DSHMLIFE_WERROR=ON >/dev/null
	mkdir -p "$dir"
	cmake --build "$dir" -j"$(nproc)" >"${dir}/build.log" 2>&1 || {
		grep -E 'error|warning' "${dir}/build.log" | head -40 >&2
		echo "build-types: ${type} does not build without warnings (log: ${dir}/build.log)" >&2
		exit 1
	}
done
echo "build-types: ${types[*]}: built without warnings"
