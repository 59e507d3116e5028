#!/usr/bin/env bash
# tests/architecture/doc_matches_the_build.sh - keeps docs/architecture.md
# true: every path it names in backticks exists, its table of stages names
# exactly the stage folders that CMakeLists.txt builds, and each row's "may
# use" is what the build lets that stage use.  CTest passes the build's
# stages as arguments, each STAGE=USED,USED,...
#
#   bash tests/architecture/doc_matches_the_build.sh util= model=util ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
doc=docs/architecture.md
fail=0
bad() { echo "architecture: $*" >&2; fail=1; }

# 1. every path it names exists
while read -r path; do
	[ -e "$path" ] || bad "$doc names $path, which does not exist"
done < <(grep -o '`[a-z][A-Za-z0-9_./-]*`' "$doc" | tr -d '`' |
	grep -E '^(framework|harness|docs|tests|scenarios|ci)/' | sort -u)

# 2. the table of stages is the build's
declare -A built=()
for arg in "$@"; do
	built["${arg%%=*}"]="${arg#*=}"
done
[ ${#built[@]} -gt 0 ] || bad "no stage given (run me from CTest)"
declare -A documented=()
while IFS='|' read -r _ folder _ uses _; do
	stage=$(sed -n 's/.*`framework\/src\/\([a-z]*\)\/`.*/\1/p' <<<"$folder")
	[ -n "$stage" ] || continue
	documented["$stage"]=1
	if [ -z "${built[$stage]+x}" ]; then
		bad "$doc has a stage $stage that the build does not have"
		continue
	fi
	case $uses in
	*everything*) continue ;;  # "engine and everything below": checked by the linker
	esac
	want=$(tr ',' '\n' <<<"${built[$stage]}" | sed '/^$/d' | sort | tr '\n' ' ')
	have=$(grep -o '[a-z][a-z]*' <<<"$uses" | { grep -v '^nothing$' || true; } | sort | tr '\n' ' ')
	[ "$want" = "$have" ] || bad "stage $stage may use '${want% }' in the build, '${have% }' in $doc"
done < <(grep '^| `framework/src/' "$doc")
for stage in "${!built[@]}"; do
	[ -n "${documented[$stage]+x}" ] || bad "the build has a stage $stage that $doc does not describe"
	[ -d "framework/src/$stage" ] || bad "the build has a stage $stage with no folder framework/src/$stage"
done
[ "$fail" -eq 0 ] && echo "architecture: $doc matches the build (${#built[@]} stages)"
exit "$fail"
