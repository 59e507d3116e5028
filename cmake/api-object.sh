#!/usr/bin/env bash
# cmake/api-object.sh CC LD OBJCOPY ARCHIVE OUT.o OUT.symbols HEADER... -
# the installed libshmlife.a's one object: every object of ARCHIVE (the
# stages' objects, libshmlife-internal.a) linked into one (ld -r), with only
# the names that the public HEADERs declare left global (objcopy
# --keep-global-symbols); every other symbol of the engine becomes local, so
# no program linked with libshmlife.a can call it or collide with it.  The
# names: every sl_* identifier of the headers once their comments are gone
# (the preprocessor strips them), written to OUT.symbols.
set -euo pipefail
cc=$1 ld=$2 objcopy=$3 archive=$4 out=$5 symbols=$6
shift 6
tmp="${out}.whole"
trap 'rm -f "$tmp" "$symbols.tmp"' EXIT
for header in "$@"; do
	"$cc" -fpreprocessed -dD -E -P -x c "$header"
done | grep -oE '\bsl_[A-Za-z0-9_]+\b' | sort -u >"$symbols.tmp"
if [ ! -s "$symbols.tmp" ]; then
	echo "api-object: no sl_ name in the public headers ($*)" >&2
	exit 1
fi
"$ld" -r -o "$tmp" --whole-archive "$archive"
"$objcopy" --keep-global-symbols="$symbols.tmp" "$tmp" "$out"
mv "$symbols.tmp" "$symbols"
