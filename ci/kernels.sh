#!/usr/bin/env bash
# ci/kernels.sh - what `shmlife run --kernel` needs to boot Debian 12's own
# kernel: qemu-system-x86 installed, and the kernel package of
# linux-image-amd64 (6.1 today) unpacked, not installed (nothing in /boot,
# no initramfs hook runs), into a cache outside the checkout:
#   ${SHMLIFE_KERNELS_DIR:-/var/cache/shmlife/kernels}/<package>_<version>/
#       boot/vmlinuz-<release>, lib/modules/<release>/...
# Prints the path of the vmlinuz on stdout, and nothing else there.
# Idempotent: a package already unpacked is not fetched again.  Runs as
# root, or through sudo (apt-get).  docs/kernels.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'kernels: %s\n' "$*" >&2; }

bash ci/install-packages.sh qemu-system-x86 >&2

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	sudo=(sudo)
fi
cache="${SHMLIFE_KERNELS_DIR:-/var/cache/shmlife/kernels}"

# The versioned package that the meta-package names (an apt-get update first
# if this machine has never read the package lists).
package_of_meta() {
	apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg="$(package_of_meta)"
if [ -z "$pkg" ]; then
	log "reading the package lists (apt-get update)"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2
	pkg="$(package_of_meta)"
fi
if [ -z "$pkg" ]; then
	log "apt-cache knows no linux-image-amd64: is this Debian 12 with its main archive?"
	exit 1
fi
version="$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2; exit }')"
dir="$cache/${pkg}_${version}"
if ! ls "$dir"/boot/vmlinuz-* >/dev/null 2>&1; then
	work="$(mktemp -d)"
	trap 'rm -rf "$work"' EXIT
	log "fetching $pkg $version"
	(cd "$work" && apt-get download "$pkg=$version" >&2 2>/dev/null) ||
		(cd "$work" && "${sudo[@]}" apt-get download "$pkg=$version" >&2)
	"${sudo[@]}" mkdir -p "$cache"
	"${sudo[@]}" rm -rf "$dir.part"
	"${sudo[@]}" dpkg-deb -x "$work"/*.deb "$dir.part"
	"${sudo[@]}" mv "$dir.part" "$dir"
	log "unpacked into $dir"
fi
ls "$dir"/boot/vmlinuz-* | head -n 1
