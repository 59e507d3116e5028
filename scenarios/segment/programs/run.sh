#!/bin/sh
# run.sh - runs a program built from this directory, for a scenario step:
#
#   owner exec /bin/sh scenarios/segment/programs/run.sh shmlife-scn-mmap-file ARGS...
#
# The path is relative to the source root, where `shmlife run` and CTest run.
# The programs are built into the build's bin/, whose name this script cannot
# know, so it looks, in order, in $SHMLIFE_BUILD_DIR/bin (CTest sets it);
# beside the harness that runs the scenario (PID 1 of the scenario's PID
# namespace is its conductor: the shmlife binary, or valgrind running it,
# with the binary's path among its arguments); and on $PATH.
# Exits 127 if the program is nowhere.
name=$1
if [ -z "$name" ]; then
	echo "usage: run.sh PROGRAM [ARGS...]" >&2
	exit 127
fi
shift

if [ -n "$SHMLIFE_BUILD_DIR" ]; then
	dir=$SHMLIFE_BUILD_DIR/bin
	[ -x "$dir/$name" ] && exec "$dir/$name" "$@"
fi
harness=$(readlink /proc/1/exe 2>/dev/null)
case $harness in
*/shmlife) dir=${harness%/*}; [ -x "$dir/$name" ] && exec "$dir/$name" "$@" ;;
esac
for arg in $(tr '\0' '\n' </proc/1/cmdline 2>/dev/null); do
	case $arg in
	*/shmlife) dir=${arg%/*}; [ -x "$dir/$name" ] && exec "$dir/$name" "$@" ;;
	esac
done
if command -v "$name" >/dev/null 2>&1; then
	exec "$name" "$@"
fi
echo "run.sh: $name is neither in \$SHMLIFE_BUILD_DIR/bin, nor beside the harness, nor on \$PATH: build it" >&2
exit 127
