#!/bin/sh
# cmake/gen-man.sh SHMLIFE OUTDIR VERSION - writes the manual pages of the
# shmlife command from its --help texts, the one source (harness/): OUTDIR/
# man1/shmlife.1 (the commands) and man1/shmlife-COMMAND.1 for each command
# `shmlife --help` lists, through cmake/help2roff.awk; and man5/
# shmlife-script.5 from docs/script-language.md (cmake/md2roff.awk).  Run by
# the build (the `man` target); installed to share/man.
set -eu
bin=$1
out=$2
version=$3
here=$(dirname "$0")
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d)
mkdir -p "$out/man1"
commands=$("$bin" --help | awk '/^Commands:$/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
see='\fBshmlife\-script\fR(5); the manual in /usr/share/doc/shmlife (cli.md, script\-language.md, reports.md)'
all=""
for c in $commands; do
	all="$all\\fBshmlife\\-$c\\fR(1), "
done
"$bin" --help | SEE_ALSO="$all$see" awk -v page=shmlife -v section=1 -v name=shmlife -v version="$version" -v date="$date" \
	-v summary="run System V shared memory and daemon lifecycle scenarios against the kernel" \
	-f "$here/help2roff.awk" > "$out/man1/shmlife.1.tmp"
mv "$out/man1/shmlife.1.tmp" "$out/man1/shmlife.1"
for c in $commands; do
	summary=$("$bin" --help | awk -v c="$c" '/^Commands:$/ { on = 1; next } on && $1 == c { $1 = ""; sub(/^ +/, ""); print; exit }')
	"$bin" "$c" --help | SEE_ALSO="\\fBshmlife\\fR(1), $see" awk -v page="shmlife-$c" -v section=1 -v name="shmlife $c" -v version="$version" \
		-v date="$date" -v summary="$summary" \
		-f "$here/help2roff.awk" > "$out/man1/shmlife-$c.1.tmp"
	mv "$out/man1/shmlife-$c.1.tmp" "$out/man1/shmlife-$c.1"
done
# The script language, from its doc.
mkdir -p "$out/man5"
awk -v page=shmlife-script -v section=5 -v version="$version" -v date="$date" \
	-v summary="the language of shmlife's scenario scripts (*.scn)" \
	-f "$here/md2roff.awk" "$here/../docs/script-language.md" > "$out/man5/shmlife-script.5.tmp"
mv "$out/man5/shmlife-script.5.tmp" "$out/man5/shmlife-script.5"
