#!/usr/bin/env bash
# tests/docs/completion.sh BUILD_DIR - bash completion (completion/
# shmlife.bash) completes the commands, each command's options, option
# values and scenario names.  CTest test docs/bash_completion.
set -uo pipefail
build=$1
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=/dev/null
source completion/shmlife.bash
failed=0
expect() {
	local want=$1
	shift
	COMP_WORDS=("$build/bin/shmlife" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_shmlife
	local got="${COMPREPLY[*]}"
	if [ "$got" != "$want" ]; then
		printf 'completion of [%s]: got "%s", wanted "%s"\n' "$*" "$got" "$want" >&2
		failed=1
	fi
}
expect "merge" me
expect "explore" help ex
expect "--repeat --report-dir --rerun-failed --retries" run --re
expect "auto always never" run --color ""
expect "shmlife ltp kselftest" run --exit-codes ""
expect "rmid-twice-attached rmid-twice-unattached" show rmid-twice
expect "rmid-twice-attached rmid-twice-unattached" run scenarios/rmid --filter rmid-twice
expect "--exclude" run --exc
expect "--keep-scratch --kernel" run --ke
expect "README.md" run --kernel READM
expect "musl" run --libc mu
expect "--calls" explore --cal
complete -p shmlife >/dev/null 2>&1 || { echo "no 'complete' for shmlife" >&2; failed=1; }
exit $failed
