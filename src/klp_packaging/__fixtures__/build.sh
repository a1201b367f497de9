#!/bin/bash
# Rebuild the klp_packaging test fixtures like scripts/build-samples.sh builds the samples
# (Debian 6.1.0-56-amd64 headers, gcc-12, stripped of DWARF). Run `npm run samples` once first:
# it unpacks the headers under build/samples/kheaders.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
B=${KLP_SAMPLES_BUILD:-$ROOT/build/samples}
KDIR=$B/kheaders/usr/src/linux-headers-6.1.0-56-amd64
[ -d "$KDIR" ] || { echo "no $KDIR: run npm run samples first" >&2; exit 1; }
mkdir -p "$B/fixtures"
rm -rf "$B/fixtures/klp_helpers_patch" "$B/fixtures/klp_helpers_split"
cp -r "$HERE/klp_helpers_patch" "$HERE/klp_helpers_split" "$B/fixtures/"
for m in klp_helpers_patch klp_helpers_split; do
    make -C "$KDIR" M="$B/fixtures/$m" CC=gcc-12 KCFLAGS="-ffile-prefix-map=$B/=" modules > "$B/fixtures/$m.log" 2>&1 ||
        { cat "$B/fixtures/$m.log" >&2; exit 1; }
    strip --strip-debug -o "$HERE/$m.ko" "$B/fixtures/$m/$m.ko"
done
