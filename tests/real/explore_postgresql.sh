#!/usr/bin/env bash
# tests/real/explore_postgresql.sh SHMLIFE - `shmlife explore` of a
# PostgreSQL start (scenarios/real/postgresql-start-crash.scn) must name the
# crash point that leaks a segment: the postmaster killed just after its
# first shmget (issue 13).  Exit 77 (CTest's skip) without PostgreSQL 15.
set -euo pipefail
harness=$1
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ ! -x /usr/lib/postgresql/15/bin/postgres ] || [ "$(id -u)" -ne 0 ]; then
	echo "needs root and PostgreSQL 15 (apt-get install postgresql-15)"
	exit 77
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
"$harness" explore -q --calls shmget --report-dir "$out" scenarios/real/postgresql-start-crash.scn >"$out/table" || status=$?
cat "$out/table"
[ "$status" -eq 1 ] || { echo "explore exited $status, not 1 (a crash point breaks an invariant)"; exit 1; }
want="  BROKEN   every process named postgres in admin's program ("
# the line of the start (step 2), as the script has it now
start_line=$(grep -n '^admin exec .*pg_ctl .* -w start$' scenarios/real/postgresql-start-crash.scn | head -1 | cut -d: -f1)
grep -F -A1 "$want" "$out/table" | grep -F -B1 "           breaks: no-leak" |
	grep -F "killed by SIGKILL just after its shmget call 1 (step 2, line ${start_line})" >/dev/null || {
	echo "no crash point just after the postmaster's first shmget that leaks a segment"
	exit 1
}
script="$out/postgresql-start-crash.step2-postgres-shmget1-after.scn"
[ -f "$script" ] || { echo "no reproducing script $script"; exit 1; }
grep -F "inject shmget call=1 comm=postgres signal=SIGKILL after" "$script" >/dev/null
echo "explore names the leaking crash point, and writes its script"
