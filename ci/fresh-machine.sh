#!/usr/bin/env bash
# ci/fresh-machine.sh - runs one command of the project on a fresh Debian 12,
# as a newcomer would: a minimal root file system (debootstrap
# --variant=minbase bookworm, plus git), a fresh clone of this repository's
# HEAD in it, entered like a container (private mount, PID, IPC and UTS
# namespaces, pivot_root, its own /proc, /tmp and /run, a plain
# environment, root), then everything is removed.
#
#   sudo bash ci/fresh-machine.sh                        # bash ci/test.sh in /root/shmlife
#   sudo bash ci/fresh-machine.sh 'bash ci/catalog.sh'
#   sudo bash ci/fresh-machine.sh 'CI=true bash .ci/run'
#   sudo SHMLIFE_FRESH_CLONE=/srv/shmlife bash ci/fresh-machine.sh
#
# It downloads a root file system (about 40 MB, a few minutes) and then
# whatever the command installs with apt-get: run it before a release, not
# in CI (.ci/run does not call it).  Needs root, debootstrap (installed if
# missing), and the network to reach Debian's archive.
# Environment:
#   SHMLIFE_FRESH_CLONE   where the clone goes inside (default /root/shmlife;
#                         /root is mode 0700 on Debian, as a newcomer has it)
#   SHMLIFE_FRESH_BASE    an existing minbase root file system to copy
#                         instead of running debootstrap (to repeat quickly;
#                         it is copied, never changed)
#   SHMLIFE_FRESH_MIRROR  the Debian mirror (default http://deb.debian.org/debian)
#   SHMLIFE_FRESH_KEEP=1  keep the root file system (its path is printed)
# Exits with the command's status.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
command_line="${1:-bash ci/test.sh}"
clone="${SHMLIFE_FRESH_CLONE:-/root/shmlife}"
mirror="${SHMLIFE_FRESH_MIRROR:-http://deb.debian.org/debian}"
repo="$(pwd)"

say() { printf 'fresh-machine: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
	say "run me as root (debootstrap, namespaces, pivot_root)"
	exit 2
fi
case "$clone" in
/*) ;;
*) say "SHMLIFE_FRESH_CLONE must be an absolute path, not '$clone'"; exit 2 ;;
esac

work="$(mktemp -d /var/tmp/shmlife-fresh-XXXXXX)"
root="${work}/root"
cleanup() {
	local status=$?
	if [ "${SHMLIFE_FRESH_KEEP:-0}" = 1 ]; then
		say "kept the root file system in ${root}"
	else
		# The namespaces died with their last process: no mount is left
		# under $root on the host; --one-file-system guards against one.
		rm -rf --one-file-system "$work"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$(date +%s)
if [ -n "${SHMLIFE_FRESH_BASE:-}" ]; then
	say "copying the root file system ${SHMLIFE_FRESH_BASE}"
	cp -a "${SHMLIFE_FRESH_BASE}" "$root"
else
	bash ci/install-packages.sh debootstrap >&2
	say "debootstrap --variant=minbase --include=git,ca-certificates bookworm (${mirror})"
	debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" "$mirror" \
		>"${work}/debootstrap.log" 2>&1 || {
		tail -20 "${work}/debootstrap.log" >&2
		say "debootstrap failed (log above)"
		exit 1
	}
fi
cp /etc/resolv.conf "${root}/etc/resolv.conf" 2>/dev/null || true
printf 'deb %s bookworm main\n' "$mirror" >"${root}/etc/apt/sources.list"

say "cloning $(git -C "$repo" rev-parse --short HEAD) into ${clone}"
mkdir -p "${root}$(dirname "$clone")"
git clone -q --no-hardlinks "$repo" "${root}${clone}"
say "ready in $(($(date +%s) - started)) s; running: ${command_line}"

# The container's PID 1: make the mounts, pivot_root, drop the host's tree,
# run the command in the clone with a plain environment.
enter='
set -e
root=$1 clone=$2 command_line=$3
mount --make-rprivate /
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mkdir -p "$root/.old-root"
cd "$root"
pivot_root . .old-root
umount -l /.old-root
rmdir /.old-root
cd "$clone"
exec env -i HOME=/root USER=root LOGNAME=root TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash -c "$command_line"
'
status=0
unshare --mount --pid --ipc --uts --fork --kill-child \
	/bin/bash -c "$enter" fresh-machine "$root" "$clone" "$command_line" || status=$?
say "'${command_line}' exited with ${status} after $(($(date +%s) - started)) s in all"
exit "$status"
