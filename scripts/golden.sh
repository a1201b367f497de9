#!/usr/bin/env bash
# Writes every command-line output klp-lab's behaviour is judged by into OUTDIR, so that a
# refactor can prove it changed nothing: `scripts/golden.sh /tmp/before` on the old tree,
# `scripts/golden.sh /tmp/after` on the new, then `diff -r /tmp/before /tmp/after`.
# Covers: every strategy × scenario (JSON and ASCII), every compare, layout / load / trace of
# the oracle's Debian modules on 5.4 and 6.1 and the samples, and the step exports (ASCII).
set -uo pipefail
out=${1:?usage: scripts/golden.sh OUTDIR}
cd "$(dirname "$0")/.."
mkdir -p "$out"
cli() { node bin/klp-lab.js "$@"; }
strategies="v5.4-flip klp-text klp-text-ro split text-poke text-poke-clear module-memory forbid-late deny-unload"
scenarios="target-first late-load unload reload two-targets disable-remove atomic-replace"
for sc in $scenarios; do
  for st in $strategies; do
    cli scenario --strategy "$st" --scenario "$sc" --format json >"$out/scenario.$st.$sc.json" 2>"$out/scenario.$st.$sc.err"; echo "rc=$?" >>"$out/scenario.$st.$sc.err"
    cli scenario --strategy "$st" --scenario "$sc" --format ascii --step 40 >"$out/scenario.$st.$sc.step40.txt" 2>&1
  done
  cli compare --scenario "$sc" >"$out/compare.$sc.txt" 2>&1
  cli compare --scenario "$sc" --json >"$out/compare.$sc.json" 2>&1
done
mods="truth/v6.1/debian-43/ko/*.ko public/samples/klp/*.ko public/samples/debian/*.ko"
for f in $mods; do
  b=$(basename "$f" .ko)
  for k in 5.4 6.1 6.4; do cli layout "$f" --kernel $k --json >"$out/layout.$b.$k.json" 2>&1; done
  for k in 5.4 6.1; do
    cli load "$f" --kernel $k --fake-missing-symbols --json --image "$out/load.$b.$k.bin" >"$out/load.$b.$k.json" 2>&1
    cli trace "$f" --kernel $k --fake-missing-symbols --format json >"$out/trace.$b.$k.json" 2>&1 || true
  done
done
cli trace public/samples/klp/klp_demo_target.ko public/samples/klp/klp_demo_patch.ko --format ascii >"$out/trace.samples.txt" 2>&1
cli trace public/samples/klp/klp_demo_target.ko public/samples/klp/klp_demo_patch.ko --format ascii --step 30 >"$out/trace.samples.step30.txt" 2>&1
sha256sum "$out"/* | sed "s#$out/##" >"$out.sha256"
echo "wrote $(ls "$out" | wc -l) files to $out (digest list $out.sha256)"
