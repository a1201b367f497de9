#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the klp-lab sample modules (sample_sources/*) out of tree with kbuild, against
# Debian 12's headers for the kernels the oracle boots, with gcc-12, and write them
# together with README.md (provenance) and symbol-map.json (the converter's input):
#   6.1   6.1.0-56-amd64 (package 6.1.192-2)                -> public/samples/klp/
#   6.12  6.12.118+deb12-amd64 (package 6.12.118-1~deb12u1) -> public/samples/klp-6.12/
# Each kernel's livepatches are converted against that kernel's real vmlinux kallsyms
# (truth/v<kernel>/vmlinux-kallsyms/vmlinux.kallsyms).
#
#   npm run samples            # = bash scripts/build-samples.sh
#
# Environment:
#   KLP_DEBS              folder with the pinned .debs (default: ../shared/debian next
#                         to the repo); missing packages are apt-get downloaded
#   KLP_SAMPLES_KERNELS   which builds (default: "6.1 6.12")
#   KLP_SAMPLES_BUILD     scratch folder (default: build/samples, gitignored); it is
#                         wiped and rebuilt on every run (6.12 builds in its v6.12/)
#   KLP_SAMPLES_OUT       6.1 output folder (default: public/samples/klp)
#   KLP_SAMPLES_OUT_612   6.12 output folder (default: public/samples/klp-6.12)
#
# Why KBUILD_MODPOST_WARN=1 for the livepatch modules: their new functions refer
# to symbols nobody exports (a target's static data, unexported vmlinux data).
# modpost turns every unresolved symbol into an error; klp-convert-era builds
# (klp-convert was never merged upstream) taught modpost to let livepatch
# modules through. With stock modpost the only switch is KBUILD_MODPOST_WARN,
# which downgrades ALL modpost errors, so this script checks that the warnings
# are exactly "undefined!" lines for the symbols symbol-map.json accounts for.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEBS=${KLP_DEBS:-$ROOT/../shared/debian}
B0=${KLP_SAMPLES_BUILD:-$ROOT/build/samples}
KERNELS=${KLP_SAMPLES_KERNELS:-6.1 6.12}
TARGETS=(klp_demo_target klp_demo_target2)
PATCHES=(klp_demo_patch klp_demo_replace)

log() { echo "[build-samples] $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools: install only what is missing --------------------------------------
missing=()
for t in make:make gcc-12:gcc-12 strip:binutils python3:python3 dpkg-deb:dpkg \
         sha256sum:coreutils; do
    command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
# kbuild's host tools come prebuilt (fixdep, modpost in linux-kbuild-6.1; objtool in
# linux-headers-*-amd64); objtool links against libelf.
[ -e /usr/lib/x86_64-linux-gnu/libelf.so.1 ] || [ -e /lib/x86_64-linux-gnu/libelf.so.1 ] ||
    missing+=(libelf1)
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} (apt-get install them)"
    log "apt-get install ${missing[*]}"
    apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
        { apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
fi

# --- one kernel's build: build_samples 6.1|6.12 --------------------------------
build_samples() {
case $1 in
6.1)
    KVER=6.1.0-56-amd64
    PKGVER=6.1.192-2
    KBUILD=linux-kbuild-6.1
    B=$B0
    OUT=${KLP_SAMPLES_OUT:-$ROOT/public/samples/klp}
    OUTVAR=KLP_SAMPLES_OUT
    CONVERTED_TRUTH=truth/v6.1/converted-livepatch/
    ;;
6.12)
    KVER=6.12.118+deb12-amd64
    PKGVER=6.12.118-1~deb12u1
    KBUILD=linux-kbuild-6.12.118+deb12
    B=$B0/v6.12
    OUT=${KLP_SAMPLES_OUT_612:-$ROOT/public/samples/klp-6.12}
    OUTVAR=KLP_SAMPLES_OUT_612
    CONVERTED_TRUTH=truth/v6.12/samples-target-first/
    ;;
*) die "unknown kernel $1 (KLP_SAMPLES_KERNELS: 6.1, 6.12)" ;;
esac
KSER=${KVER%-*}                 # 6.1.0-56, 6.12.118+deb12
TRUTH=truth/v$1/               # the real kernel's recordings of these files
PKGS=("linux-headers-$KVER" "linux-headers-$KSER-common" "$KBUILD")
# vmlinux addresses for symbol-map.json and klp-convert, recorded in the real kernel
KALLSYMS=$ROOT/${TRUTH}vmlinux-kallsyms/vmlinux.kallsyms
[ -f "$KALLSYMS" ] || die "no $KALLSYMS"
log "kernel $1: $KVER ($PKGVER) -> $OUT"

# --- kernel headers: pinned .debs, else apt-get download ----------------------
rm -rf "$B"
mkdir -p "$B/debs" "$B/kheaders" "$B/src" "$B/ko"
for p in "${PKGS[@]}"; do
    f=$(ls "$DEBS/${p}_${PKGVER}_"*.deb 2>/dev/null | head -1 || true)
    if [ -n "$f" ]; then
        if [ -f "$DEBS/SHA256SUMS" ]; then
            (cd "$DEBS" && grep " $(basename "$f")\$" SHA256SUMS | sha256sum -c --quiet -) ||
                die "$f does not match $DEBS/SHA256SUMS"
        fi
        cp "$f" "$B/debs/"
    else
        log "apt-get download $p=$PKGVER"
        (cd "$B/debs" && apt-get download "$p=$PKGVER" >&2) ||
            die "cannot download $p=$PKGVER (superseded ABIs leave the archive: use snapshot.debian.org)"
    fi
done
for p in "${PKGS[@]}"; do
    dpkg-deb -x "$B/debs/${p}_${PKGVER}_"*.deb "$B/kheaders"
done
KDIR=$B/kheaders/usr/src/linux-headers-$KVER
# The arch tree's Makefile is one line, "include /usr/src/linux-headers-...-common/Makefile":
# point it at the unpacked -common tree instead of the system's /usr/src.
echo "include $B/kheaders/usr/src/linux-headers-$KSER-common/Makefile" > "$KDIR/Makefile"
# 6.12's headers ship a BTF-only vmlinux, so kbuild generates module BTF, which needs pahole;
# without pahole switch module BTF off on the make line (the kernel loads modules without it).
# 6.1's headers have no vmlinux: kbuild skips BTF by itself.
NOBTF=()
BTF_NOTE='no BTF (kbuild skips it without `vmlinux`)'
if [ -e "$KDIR/vmlinux" ] && grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$KDIR/.config"; then
    if command -v pahole >/dev/null; then
        BTF_NOTE='with module BTF (`pahole` was found)'
    else
        NOBTF=(CONFIG_DEBUG_INFO_BTF_MODULES=)
        BTF_NOTE='no BTF (`CONFIG_DEBUG_INFO_BTF_MODULES=` on the make line: no `pahole` here)'
    fi
fi

# --- build: one kbuild external-module dir per module -------------------------
# Separate M= dirs on purpose: if the patch were built next to its targets, modpost
# would resolve klp_demo_target_describe from their Module.symvers and record
# "depends=klp_demo_target" in the patch; a livepatch must not depend on its targets.
cp -r "$ROOT/sample_sources/." "$B/src/"
for m in "${TARGETS[@]}" "${PATCHES[@]}"; do
    warn=
    case " ${PATCHES[*]} " in *" $m "*) warn=1 ;; esac
    log "make -C $KDIR M=$B/src/$m CC=gcc-12 KCFLAGS=-ffile-prefix-map=$B/= ${NOBTF[*]:+${NOBTF[*]} }${warn:+KBUILD_MODPOST_WARN=1 }modules"
    # -ffile-prefix-map: the build-id note hashes the DWARF, whose paths name $B;
    # mapping $B away makes the bytes independent of where the build runs
    make -C "$KDIR" M="$B/src/$m" CC=gcc-12 KCFLAGS="-ffile-prefix-map=$B/=" \
        ${NOBTF[@]+"${NOBTF[@]}"} ${warn:+KBUILD_MODPOST_WARN=1} modules \
        > "$B/$m.log" 2>&1 || { cat "$B/$m.log" >&2; die "build of $m failed"; }
    # anything modpost says that is not an undefined-symbol warning is a real problem
    if grep -E '(WARNING|ERROR): modpost' "$B/$m.log" | grep -vE '^WARNING: modpost: "[^"]+" \[.*\] undefined!$'; then
        die "$m: unexpected modpost message (see $B/$m.log)"
    fi
    sed -nE 's/^WARNING: modpost: "([^"]+)" .* undefined!$/\1/p' "$B/$m.log" | sort > "$B/$m.undefined"
    [ -z "$warn" ] && [ -s "$B/$m.undefined" ] && die "$m: undefined symbols in a target module"
    # like "make modules_install INSTALL_MOD_STRIP=1" (and Debian's packages): drop DWARF,
    # which also drops the build paths; symbols and relocations stay
    strip --strip-debug -o "$B/ko/$m.ko" "$B/src/$m/$m.ko"
done

# --- output -------------------------------------------------------------------
mkdir -p "$OUT"
rm -f "$OUT"/*.ko
cp "$B"/ko/*.ko "$OUT/"
GCCVER=$(gcc-12 --version | head -1)
KLP_ROOT=$ROOT python3 - "$OUT" "$B" "$KDIR/Module.symvers" "$KALLSYMS" "$KVER" "$PKGVER" "$GCCVER" \
    "${TARGETS[*]}" "${PATCHES[*]}" "$KBUILD" "$TRUTH" "$BTF_NOTE" "$OUTVAR" <<'PY'
# Writes symbol-map.json and README.md. A tiny ELF64 reader (no dependencies).
import hashlib, json, os, struct, sys

(out, build, symvers_path, kallsyms_path, kver, pkgver, gccver, targets, patches, kbuild, truth,
 btf_note, outvar) = sys.argv[1:]
targets, patches = targets.split(), patches.split()

def elf(path):
    d = open(path, 'rb').read()
    shoff, = struct.unpack_from('<Q', d, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
    secs = []
    for i in range(shnum):
        name, typ, flags, addr, off, size, link, info, align, entsize = \
            struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * shentsize)
        secs.append(dict(name=name, type=typ, flags=flags, off=off, size=size, link=link, info=info))
    shstr = secs[shstrndx]
    cstr = lambda s, o: d[s['off'] + o: d.index(b'\0', s['off'] + o)].decode()
    for s in secs:
        s['name'] = cstr(shstr, s['name'])
    symtab = next(s for s in secs if s['type'] == 2)
    strtab = secs[symtab['link']]
    syms = []
    for i in range(symtab['size'] // 24):
        st_name, info, other, shndx, value, size = struct.unpack_from('<IBBHQQ', d, symtab['off'] + 24 * i)
        syms.append(dict(index=i, name=cstr(strtab, st_name), bind=info >> 4, type=info & 15,
                         shndx=shndx, value=value, size=size))
    return d, secs, syms

STT = {0: 'NOTYPE', 1: 'OBJECT', 2: 'FUNC', 3: 'SECTION', 4: 'FILE'}
STB = {0: 'LOCAL', 1: 'GLOBAL', 2: 'WEAK'}

def sha(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()

exported = {}
for line in open(symvers_path):
    crc, name, mod, kind = line.rstrip('\n').split('\t')[:4]
    exported[name] = kind

kallsyms = {}
if os.path.exists(kallsyms_path):
    for line in open(kallsyms_path):
        f = line.split()
        if len(f) == 3:          # vmlinux lines only
            kallsyms.setdefault(f[2], []).append(dict(addr='0x' + f[0], type=f[1]))

objects = {'vmlinux': {'source': os.path.relpath(kallsyms_path, os.environ["KLP_ROOT"]),
                       'note': 'addresses from /proc/kallsyms of the real kernel, nokaslr; '
                               'positions count same-named symbols in kallsyms order from 1',
                       'symbols': {}}}
defs = {}   # object -> name -> [definitions in symtab order]
for t in targets:
    path = f'{out}/{t}.ko'
    d, secs, syms = elf(path)
    ksymtab = {x['name'][len('__ksymtab_'):] for x in syms if x['name'].startswith('__ksymtab_')}
    by = {}
    for s in syms:
        # what the kernel keeps in a module's kallsyms: defined, named, in an allocated section
        if not s['name'] or s['type'] in (3, 4) or s['shndx'] == 0 or s['shndx'] >= 0xff00:
            continue
        if not secs[s['shndx']]['flags'] & 2:
            continue
        by.setdefault(s['name'], []).append(dict(
            section=secs[s['shndx']]['name'], value=s['value'], size=s['size'],
            type=STT.get(s['type'], s['type']), bind=STB.get(s['bind'], s['bind']),
            exported=s['name'] in ksymtab))
    for defs_of_name in by.values():
        for i, x in enumerate(defs_of_name):
            x['sympos'] = i + 1
    defs[t] = by
    objects[t] = {'ko': f'{t}.ko', 'sha256': sha(path), 'symbols': {}}

def annotations(d, secs, syms):
    """.klp.module_relocs.<obj>: {sym, sympos} entries, the symbol given by a R_X86_64_64."""
    res = {}
    for s in secs:
        if s['type'] != 4 or not secs[s['info']]['name'].startswith('.klp.module_relocs.'):
            continue
        target = secs[s['info']]
        obj = target['name'][len('.klp.module_relocs.'):]
        for i in range(s['size'] // 24):
            r_off, r_info, addend = struct.unpack_from('<QQq', d, s['off'] + 24 * i)
            sympos, = struct.unpack_from('<I', d, target['off'] + r_off + 8)
            res[syms[r_info >> 32]['name']] = (obj, sympos)
    return res

result_patches = {}
problems = []
for p in patches:
    path = f'{out}/{p}.ko'
    d, secs, syms = elf(path)
    ann = annotations(d, secs, syms)
    und = {}
    for s in syms:
        if s['index'] == 0 or s['shndx'] != 0:
            continue
        n = s['name']
        if n in exported:
            und[n] = dict(object='vmlinux', exported=exported[n], convert=False)
            continue
        where = [o for o in defs if n in defs[o]] + (['vmlinux'] if n in kallsyms else [])
        if n in ann:
            obj, pos = ann[n]
        elif len(where) == 1:
            obj, pos = where[0], 0
        else:
            problems.append(f'{p}: {n} is defined in {where or "no known object"}')
            continue
        cands = kallsyms.get(n, []) if obj == 'vmlinux' else defs.get(obj, {}).get(n, [])
        if pos == 0 and len(cands) != 1:
            problems.append(f'{p}: {n} has {len(cands)} definitions in {obj}: needs KLP_SYMPOS')
        if pos > len(cands):
            problems.append(f'{p}: {n}: sympos {pos} but {obj} has {len(cands)}')
        und[n] = dict(object=obj, exported=False, convert=True, sympos=pos,
                      klp_sym=f'.klp.sym.{obj}.{n},{pos}',
                      annotated=n in ann)
        objects[obj]['symbols'][n] = cands
    # the patch's own relocations that the converter must rewrite, per target section
    relocs = []
    for s in secs:
        if s['type'] != 4 or s['name'].startswith('.rela.klp.module_relocs.'):
            continue
        tgt = secs[s['info']]['name']
        for i in range(s['size'] // 24):
            r_off, r_info, addend = struct.unpack_from('<QQq', d, s['off'] + 24 * i)
            n = syms[r_info >> 32]['name']
            if und.get(n, {}).get('convert'):
                relocs.append(dict(section=tgt, offset=r_off, type=r_info & 0xffffffff,
                                   symbol=n, addend=addend,
                                   klp_rela_section=f'.klp.rela.{und[n]["object"]}.{tgt}'))
    result_patches[p] = {'ko': f'{p}.ko', 'sha256': sha(path),
                         'annotation_sections': sorted(s['name'] for s in secs
                                                       if s['name'].startswith('.klp.module_relocs.')),
                         'undefined': dict(sorted(und.items())), 'relocations_to_convert': relocs}
    warned = open(f'{build}/{p}.undefined').read().split()
    expect = sorted(n for n, u in und.items() if u['convert'])
    if warned != expect:
        problems.append(f'{p}: modpost warned about {warned}, expected {expect}')

if problems:
    sys.exit('symbol-map: ' + '\n  '.join(['unresolved:'] + problems) +
             f'\n(record missing vmlinux symbols with klp-oracle "kallsyms" into {kallsyms_path})')

m = {'schema': 'klp-lab-symbol-map/1',
     'kernel': {'kver': kver, 'package_version': pkgver},
     'about': 'For each livepatch module: its undefined symbols, which object defines each, '
              'and the relocations a klp-convert step must move into .klp.rela.<obj>.<section> '
              'against .klp.sym.<obj>.<name>,<sympos> (sympos 0 = the name is unique in <obj>). '
              'Symbols with convert=false are exported and resolved by the module loader itself. '
              'relocation type numbers are x86-64 ELF R_X86_64_*.',
     'objects': objects, 'patches': result_patches}
json.dump(m, open(f'{out}/symbol-map.json', 'w'), indent=1)
open(f'{out}/symbol-map.json', 'a').write('\n')

rows = '\n'.join(f'| `{k}` | {os.path.getsize(f"{out}/{k}")} | `{sha(f"{out}/{k}")}` |'
                 for k in sorted(f for f in os.listdir(out) if f.endswith('.ko')))
open(f'{out}/README.md', 'w').write(f'''# klp-lab sample modules (built, not hand-made)

Built by `scripts/build-samples.sh` (`npm run samples`) from `sample_sources/` — do not edit by hand.

- Kernel: Debian 12 `linux-headers-{kver}` + `linux-headers-{kver.rsplit("-", 1)[0]}-common` +
  `{kbuild}`, package version `{pkgver}`, unpacked with `dpkg-deb -x`.
- Compiler: `{gccver}` (`CC=gcc-12`), out-of-tree kbuild (`make -C <headers> M=<dir> modules`),
  one `M=` dir per module, then `strip --strip-debug` (as `INSTALL_MOD_STRIP=1` does).
- Not signed (the kernel loads them with taint `E`); {btf_note}.
- `klp_demo_patch.ko` and `klp_demo_replace.ko` are **unconverted**: their references to
  non-exported symbols are plain undefined symbols (`KBUILD_MODPOST_WARN=1` let modpost pass
  them), so the real kernel refuses them with `Unknown symbol` / ENOENT — see
  `{truth}`. `symbol-map.json` says which object defines each such symbol, with its
  sympos, and lists the relocations a converter must turn into `.klp.rela.*` sections.
- Reproducible: two builds from scratch in different build directories give byte-identical
  `.ko`s, README.md and symbol-map.json (`KLP_SAMPLES_BUILD=/tmp/b2 {outvar}=/tmp/o2
  npm run samples`, then compare). `-ffile-prefix-map` is what makes the build-id note stable.
- `{truth}*/result.json` record these exact files (`modules.*.sha256`).

| file | bytes | sha256 |
|---|---|---|
{rows}
''')
print(f'wrote {out}/symbol-map.json and README.md', file=sys.stderr)
PY
# klp-convert (src/klp_convert/): kbuild's livepatch output keeps its undefined references;
# the converted module carries them as .klp.rela/.klp.sym. The unconverted files are kept for
# the converter's tests and for showing what the real kernel refuses.
mkdir -p "$OUT/unconverted"
for p in klp_demo_patch klp_demo_replace; do
    mv "$OUT/$p.ko" "$OUT/unconverted/$p.ko"
    (cd "$ROOT" && node bin/klp-lab.js klp-convert --kallsyms "$KALLSYMS" \
        --module "$OUT/klp_demo_target.ko" --module "$OUT/klp_demo_target2.ko" \
        "$OUT/unconverted/$p.ko" "$OUT/$p.ko") > "$OUT/unconverted/$p.convert.txt"
done
cat >> "$OUT/README.md" <<EOT

## Converted livepatches
\`unconverted/klp_demo_patch.ko\` and \`unconverted/klp_demo_replace.ko\` are kbuild's output as
described above. \`klp_demo_patch.ko\` and \`klp_demo_replace.ko\` are the same modules after
\`klp-lab klp-convert\` (src/klp_convert/) (symbols from \`$(basename "$KALLSYMS")\` and the two targets);
\`unconverted/*.convert.txt\` lists what it converted. The real kernel loads and enables the
converted ones: \`${CONVERTED_TRUTH}\`.

| file | bytes | sha256 |
|---|---|---|
$(cd "$OUT" && for f in klp_demo_patch.ko klp_demo_replace.ko; do echo "| \`$f\` | $(stat -c %s "$f") | \`$(sha256sum "$f" | cut -d' ' -f1)\` |"; done)
EOT
# binutils' view of the 6.1 samples, which the decoder's parity test compares against
if [ "$1" = 6.1 ] && [ -z "${KLP_SAMPLES_OUT:-}" ]; then
    for f in "$OUT"/*.ko; do
        readelf -h -S -s -r -W "$f" > "$ROOT/src/elf/__fixtures__/klp/$(basename "$f" .ko).readelf.txt"
    done
fi
log "done: $(ls "$OUT"/*.ko | wc -l) modules in $OUT"
}

for k in $KERNELS; do
    build_samples "$k"
done
