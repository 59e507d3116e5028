#!/usr/bin/env bash
# tests/docs/man_pages.sh BUILD_DIR - the manual pages the build generates
# (cmake/gen-man.sh, from each command's --help and from
# docs/script-language.md) render without a warning of man/groff, each
# shmlife-COMMAND(1) has every option of `shmlife COMMAND --help`, and
# shmlife-script(5) every section of the doc, so no page falls behind.
# CTest test docs/man_pages_follow_the_help.
set -euo pipefail
build=$1
bin="$build/bin/shmlife"
man_dir="$build/man"
fail() { printf 'man pages: %s\n' "$*" >&2; exit 1; }
[ -f "$man_dir/man1/shmlife.1" ] || fail "no $man_dir/man1/shmlife.1 (the man target)"
commands=$("$bin" --help | awk '/^Commands:$/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$commands" ] || fail "shmlife --help lists no command"
render() { LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings=w -l "$1" 2>"$tmp/warnings"; }
tmp=$(mktemp -d /tmp/shmlife-man-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
render "$man_dir/man1/shmlife.1" >"$tmp/shmlife.txt"
[ ! -s "$tmp/warnings" ] || fail "shmlife.1: $(cat "$tmp/warnings")"
for c in $commands; do
	page="$man_dir/man1/shmlife-$c.1"
	[ -f "$page" ] || fail "no page for the command $c"
	grep -q "shmlife-$c(1)" "$tmp/shmlife.txt" || fail "shmlife(1) does not point to shmlife-$c(1)"
	render "$page" >"$tmp/$c.txt"
	[ ! -s "$tmp/warnings" ] || fail "shmlife-$c.1: $(cat "$tmp/warnings")"
	for opt in $("$bin" "$c" --help | grep -oE '(^|[ ,])--[a-z][a-z-]*' | tr -d ' ,' | sort -u); do
		grep -q -- "$opt" "$tmp/$c.txt" || fail "shmlife-$c(1) lacks $opt, which shmlife $c --help has"
	done
	grep -q '^EXIT STATUS' "$tmp/$c.txt" || fail "shmlife-$c(1) has no EXIT STATUS"
done
# the script language, from docs/script-language.md
page="$man_dir/man5/shmlife-script.5"
[ -f "$page" ] || fail "no shmlife-script(5)"
render "$page" >"$tmp/script.txt"
[ ! -s "$tmp/warnings" ] || fail "shmlife-script.5: $(cat "$tmp/warnings")"
for section in $(grep '^## ' docs/script-language.md | sed 's/^## //' | tr 'a-z ' 'A-Z_'); do
	grep -q "^${section//_/ }" "$tmp/script.txt" || fail "shmlife-script(5) lacks the section ${section//_/ }"
done
grep -q 'keep-going' "$tmp/script.txt" || fail "shmlife-script(5) lacks keep-going"
echo "man pages: shmlife-script(5) has every section of docs/script-language.md"
echo "man pages: shmlife(1) and $(echo "$commands" | wc -w) command pages, every option there, no warning"
