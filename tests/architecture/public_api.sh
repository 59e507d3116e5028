#!/usr/bin/env bash
# tests/architecture/public_api.sh CC LIBSHMLIFE.a LIBSHMLIFE-INTERNAL.a -
# the public headers are the contract (issue 16, item 4):
#   1. framework/include/shmlife.h includes every header of shmlife/;
#   2. each public header compiles on its own (-Wall -Wextra -Werror), as
#      gnu11 and as strict c11 (a consumer need not ask for GNU extensions);
#   3. a program that includes shmlife.h alone, and calls what its example
#      calls, compiles and links against libshmlife.a;
#   4. libshmlife.a's global symbols are names the public headers declare,
#      and the engine's insides (which libshmlife-internal.a has) are not
#      among them.
set -euo pipefail
cc=$1 lib=$2 internal=$3
include=framework/include
work=$(mktemp -d /tmp/shmlife-api-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
say() { echo "public_api: $*" >&2; fail=1; }

for h in "$include"/shmlife/*.h; do
	name="shmlife/$(basename "$h")"
	grep -q "#include \"$name\"" "$include/shmlife.h" || say "shmlife.h does not include $name"
	printf '#include "%s"\n' "$name" >"$work/one.c"
	for std in gnu11 c11; do
		"$cc" -std=$std -Wall -Wextra -Werror -I "$include" -c "$work/one.c" -o "$work/one.o" 2>"$work/err" ||
			say "$name does not compile on its own (-std=$std): $(head -3 "$work/err")"
	done
done

cat >"$work/prog.c" <<'PROG'
#include <stdio.h>
#include <shmlife.h>

int main(int argc, char **argv)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_file(argc > 1 ? argv[1] : "none.scn", &d);
	struct sl_run_options o;
	sl_run_options_default(&o);
	struct sl_result r;
	if (s && sl_run(s, &o, &r) == 0) {
		printf("%s: %s\n", sl_outcome_name(r.outcome), r.reason);
		sl_result_free(&r);
	}
	sl_scenario_free(s);
	sl_diags_free(&d);
	return 0;
}
PROG
libs=$(pkg-config --libs json-c expat libseccomp)
# shellcheck disable=SC2086
"$cc" -std=gnu11 -Wall -Wextra -Werror -I "$include" "$work/prog.c" "$lib" $libs -lm -o "$work/prog" 2>"$work/err" ||
	say "a program of shmlife.h alone does not build against $lib: $(head -5 "$work/err")"
if [ -x "$work/prog" ] && ! "$work/prog" "$work/none.scn" >/dev/null 2>&1; then
	say "the program of shmlife.h alone does not run"
fi

for h in "$include"/shmlife/*.h; do
	"$cc" -fpreprocessed -dD -E -P -x c "$h"
done | grep -oE '\bsl_[A-Za-z0-9_]+\b' | sort -u >"$work/declared"
nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /^[TDRBVW]$/ {print $3}' | sort -u >"$work/exported"
nm -g --defined-only "$internal" | awk 'NF == 3 && $2 ~ /^[TDRBVW]$/ {print $3}' | sort -u >"$work/internal"
stray=$(comm -23 "$work/exported" "$work/declared" | grep -v '^__' || true)
[ -z "$stray" ] || say "libshmlife.a exports what no public header declares: $(echo "$stray" | tr '\n' ' ')"
for inside in sl_write_all sl_conductor_main conductor_call inject_arm sl_subids_map sl_proc_stat_read; do
	grep -qx "$inside" "$work/internal" || say "the check's sample $inside is not in $internal any more: pick another"
	if grep -qx "$inside" "$work/exported"; then say "libshmlife.a exports the internal $inside"; fi
done
echo "public_api: $(wc -l <"$work/exported") global symbols in $lib, $(wc -l <"$work/internal") in $internal"
exit $fail
