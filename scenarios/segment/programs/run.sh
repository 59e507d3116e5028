#!/bin/sh
# run.sh - runs a program built from this directory, for a scenario step:
#
#   owner exec /bin/sh scenarios/segment/programs/run.sh shmlife-scn-mmap-file ARGS...
#
# The path is relative to the source root, where `shmlife run` and CTest run.
# The programs are built into the build's bin/, whose name a script cannot
# know, so this looks, in order, in $SHMLIFE_BUILD_DIR/bin (CTest sets it);
# beside the harness running the scenario (PID 1 of the scenario's PID
# namespace is its conductor, and the harness binary is mapped in its
# /proc/1/maps whether it runs natively or under valgrind), or where an
# installed harness keeps them (../libexec/shmlife from its bin/, the
# default of cmake/ShmlifeInstall.cmake); and on $PATH.
# Only shell built-ins are used to look (under `shmlife run --valgrind` every
# program an actor runs is checked by memcheck).  Exits 127 if the program
# is nowhere.
name=$1
if [ -z "$name" ]; then
	echo "usage: run.sh PROGRAM [ARGS...]" >&2
	exit 127
fi
shift

if [ -n "$SHMLIFE_BUILD_DIR" ] && [ -x "$SHMLIFE_BUILD_DIR/bin/$name" ]; then
	exec "$SHMLIFE_BUILD_DIR/bin/$name" "$@"
fi
found=
if [ -r /proc/1/maps ]; then
	while read -r _ _ _ _ _ path; do
		case $path in
		*/shmlife)
			if [ -x "${path%/*}/$name" ]; then
				found=${path%/*}/$name
				break
			fi
			if [ -x "${path%/*}/../libexec/shmlife/$name" ]; then
				found=${path%/*}/../libexec/shmlife/$name
				break
			fi
			;;
		esac
	done </proc/1/maps
fi
if [ -n "$found" ]; then
	exec "$found" "$@"
fi
if command -v "$name" >/dev/null 2>&1; then
	exec "$name" "$@"
fi
echo "run.sh: $name is neither in \$SHMLIFE_BUILD_DIR/bin, nor beside the harness, nor on \$PATH: build it" >&2
exit 127
