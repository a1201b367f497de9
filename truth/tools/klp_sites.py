#!/usr/bin/env python3
"""Bytes at every .klp.rela site of a livepatch module, as the real kernel left them.

For every klp-oracle snap (result.json + snaps/NNN-LABEL/mem/<patch>.bin) in which the patch
module is loaded, read the memory image of the patch module at each relocation site of each
`.klp.rela.<obj>.<sec>` section of the .ko, recompute the value with the x86-64 formulas of
arch/x86/kernel/module.c (6.1 apply_relocate_add):

    R_X86_64_64           8 bytes  S + A
    R_X86_64_32S / _32    4 bytes  S + A          (32S: must sign-extend back to S + A)
    R_X86_64_PC32 / PLT32 4 bytes  S + A - P      (P = section address + r_offset)

and compare. S is taken from the real kallsyms: the snap's /proc/kallsyms lines of the target
module (the sympos-th symbol of that name, in kallsyms order) or the vmlinux kallsyms file.
The patch module's own kallsyms also list its `.klp.sym.*` symbols with the st_value the kernel
wrote into its symtab; that value (`S_patch_symtab`) is recorded and compared too.

When the object is not loaded in the snap, the site is compared with the .ko file's bytes
(unrelocated: zero) and, if the relocation was applied in an earlier snap of the same run (the
object was loaded then and unloaded since), with the value computed from the S of that earlier
snap: 6.1 does not clear klp relocations when a target unloads. (The patch symtab's st_value
is not used for that: a refused re-load re-resolves the symbols, writing the new, never
applied addresses into the symtab, before apply_relocate_add() refuses the first site.)

Usage: klp_sites.py --ko public/samples/klp/klp_demo_patch.ko \
          --vmlinux public/samples/vmlinux.kallsyms --out klp-sites.json SCENARIO_DIR...
A SCENARIO_DIR holds result.json and the snaps/*/mem/<patch>.bin images it refers to.
Only the Python standard library is used.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

RTYPES = {1: ("R_X86_64_64", 8), 2: ("R_X86_64_PC32", 4), 4: ("R_X86_64_PLT32", 4),
          10: ("R_X86_64_32", 4), 11: ("R_X86_64_32S", 4), 24: ("R_X86_64_PC64", 8)}
SHF_RELA_LIVEPATCH = 0x00100000
M64 = (1 << 64) - 1


def read_elf(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "ELF64 LE only"
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    secs = []
    for i in range(e_shnum):
        (name, typ, flags, addr, off, size, link, info, align, entsize) = struct.unpack_from(
            "<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
        secs.append(dict(index=i, name_off=name, type=typ, flags=flags, offset=off, size=size,
                         link=link, info=info, entsize=entsize))
    shstr = secs[e_shstrndx]
    for s in secs:
        o = shstr["offset"] + s["name_off"]
        s["name"] = data[o:data.index(b"\0", o)].decode()
    return data, secs


def symbols(data, secs, symtab):
    strtab = secs[symtab["link"]]
    out = []
    for i in range(symtab["size"] // 24):
        st_name, st_info, st_other, st_shndx, st_value, st_size = struct.unpack_from(
            "<IBBHQQ", data, symtab["offset"] + i * 24)
        o = strtab["offset"] + st_name
        out.append(dict(name=data[o:data.index(b"\0", o)].decode(), shndx=st_shndx, value=st_value))
    return out


def klp_relocations(ko):
    data, secs = read_elf(ko)
    symtab = next(s for s in secs if s["type"] == 2)  # SHT_SYMTAB
    syms = symbols(data, secs, symtab)
    out = []
    for s in secs:
        if s["type"] != 4 or not s["name"].startswith(".klp.rela."):  # SHT_RELA
            continue
        assert s["flags"] & SHF_RELA_LIVEPATCH, s["name"]
        obj = s["name"][len(".klp.rela."):].split(".", 1)[0]
        target = secs[s["info"]]
        for i in range(s["size"] // 24):
            r_offset, r_info, r_addend = struct.unpack_from("<QQq", data, s["offset"] + i * 24)
            sym = syms[r_info >> 32]
            rtype = r_info & 0xFFFFFFFF
            name, size = RTYPES[rtype]
            fo = target["offset"] + r_offset
            out.append(dict(klp_section=s["name"], object=obj, target_section=target["name"],
                            offset=r_offset, type=name, type_value=rtype, size=size,
                            symbol=sym["name"], symbol_shndx=hex(sym["shndx"]), addend=r_addend,
                            file_bytes=data[fo:fo + size].hex()))
    return out


def parse_klp_sym(name):
    # .klp.sym.<obj>.<name>,<sympos>  (name may contain dots)
    rest = name[len(".klp.sym."):]
    obj, rest = rest.split(".", 1)
    sname, pos = rest.rsplit(",", 1)
    return obj, sname, int(pos)


def load_vmlinux(path):
    table = {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 3:
            table.setdefault(parts[2], []).append(int(parts[0], 16))
    return table


def resolve(candidates, sympos):
    """klp_find_object_symbol(): sympos 0 = must be unique, N = N-th in kallsyms order."""
    if not candidates:
        return None, "not found"
    if sympos == 0:
        return (candidates[0], None) if len(candidates) == 1 else (None, "ambiguous")
    if sympos > len(candidates):
        return None, "sympos %d not found" % sympos
    return candidates[sympos - 1], None


def compute(rtype, S, A, P):
    val = (S + A) & M64
    if rtype in ("R_X86_64_PC32", "R_X86_64_PLT32", "R_X86_64_PC64"):
        val = (val - P) & M64
    if rtype == "R_X86_64_64" or rtype == "R_X86_64_PC64":
        return val, val.to_bytes(8, "little"), True
    low = val & 0xFFFFFFFF
    if rtype == "R_X86_64_32S":
        signed = low - (1 << 32) if low & 0x80000000 else low
        ok = (signed & M64) == val
    elif rtype == "R_X86_64_32":
        ok = low == val
    else:
        ok = True  # PC32/PLT32: the 6.1 overflow check is #if 0'd out
    return val, low.to_bytes(4, "little"), ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ko", required=True)
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("--module", default=None, help="patch module name (default: .ko basename)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--root", default=None, help="paths in the output are relative to this")
    ap.add_argument("scenarios", nargs="+")
    a = ap.parse_args()
    root = a.root or os.getcwd()
    patch = a.module or os.path.basename(a.ko)[:-3]
    relocs = klp_relocations(a.ko)
    vml = load_vmlinux(a.vmlinux)
    ko_sha = hashlib.sha256(open(a.ko, "rb").read()).hexdigest()

    result = dict(
        schema="klp-sites/1",
        description="bytes at every .klp.rela relocation site of %s in the real 6.1 kernel's "
                    "memory, compared with the x86-64 relocation formulas" % patch,
        ko=os.path.relpath(a.ko, root), ko_sha256=ko_sha,
        vmlinux_kallsyms=os.path.relpath(a.vmlinux, root),
        formulas={"R_X86_64_PC32": "S + A - P (low 32 bits)", "R_X86_64_PLT32": "S + A - P (low 32 bits)",
                  "R_X86_64_32S": "S + A (low 32 bits, must sign-extend to S + A)",
                  "R_X86_64_32": "S + A (low 32 bits, must zero-extend)", "R_X86_64_64": "S + A"},
        relocations=[{k: r[k] for k in ("klp_section", "object", "target_section", "offset", "type",
                                         "symbol", "addend", "file_bytes")} for r in relocs],
        snaps=[], totals={})
    tot = dict(sites=0, loaded_object_sites=0, loaded_match=0, unloaded_object_sites=0,
               unloaded_never_applied=0, unloaded_never_applied_equal_file_bytes=0,
               unloaded_previously_applied=0, unloaded_equal_stale_value=0,
               patch_symtab_agrees_with_kallsyms=0)

    for sd in a.scenarios:
        last_applied = {}  # symbol -> S of the last snap (of this run) where its object was loaded
        res = json.load(open(os.path.join(sd, "result.json")))
        for step in res["steps"]:
            if step["verb"] != "snap" or patch not in step["snap"]["modules"]:
                continue
            snap = step["snap"]
            pm = snap["modules"][patch]
            img_path = os.path.join(sd, pm["core_image"]["path"])
            if not os.path.exists(img_path):  # older folders keep only mem/<module>.bin
                img_path = os.path.join(sd, "mem", os.path.basename(img_path))
            img = open(img_path, "rb").read()
            assert hashlib.sha256(img).hexdigest() == pm["core_image"]["sha256"], img_path
            base = int(pm["core_base"], 16)
            patch_syms = {k[0]: int(k[2], 16) for k in pm["kallsyms"] if k[0].startswith(".klp.sym.")}
            loaded = [m for m in snap["modules"] if m != patch]
            lp = {k.rsplit("/", 1)[0].split("/")[-1]: v for k, v in snap["livepatch_sysfs"].items()
                  if k.endswith("/patched")}
            entry = dict(scenario=os.path.basename(os.path.normpath(sd)), step=step["index"],
                         snap=snap["label"], image=os.path.relpath(img_path, root),
                         image_sha256=pm["core_image"]["sha256"], core_base=pm["core_base"],
                         coresize=pm["coresize"], loaded_modules=loaded, patched_sysfs=lp,
                         sections={}, sites=[])
            for r in relocs:
                sec = pm["sections"][r["target_section"]]
                sec_addr = int(sec["addr"], 16)
                entry["sections"][r["target_section"]] = sec["addr"]
                P = sec_addr + r["offset"]
                off = P - base
                found = img[off:off + r["size"]]
                obj, sname, sympos = parse_klp_sym(r["symbol"])
                assert obj == r["object"]
                st_value = patch_syms.get(r["symbol"])
                site = dict(klp_section=r["klp_section"], offset=r["offset"], type=r["type"],
                            symbol=r["symbol"], object=obj, A=r["addend"], P=hex(P),
                            image_offset=off, found=found.hex(), file_bytes=r["file_bytes"],
                            S_patch_symtab=hex(st_value) if st_value is not None else None)
                object_loaded = obj == "vmlinux" or obj in snap["modules"]
                site["object_loaded"] = object_loaded
                tot["sites"] += 1
                if object_loaded:
                    if obj == "vmlinux":
                        S, err = resolve(vml.get(sname, []), sympos)
                        site["S_source"] = "vmlinux kallsyms"
                    else:
                        cands = [int(k[2], 16) for k in snap["modules"][obj]["kallsyms"] if k[0] == sname]
                        S, err = resolve(cands, sympos)
                        site["S_source"] = "snap kallsyms of %s (%d symbol(s) named %s)" % (obj, len(cands), sname)
                    if err:
                        site["error"] = err
                        entry["sites"].append(site)
                        continue
                    val, exp, ok = compute(r["type"], S, r["addend"], P)
                    site.update(S=hex(S), value=hex(val), expected=exp.hex(), fits=ok,
                                match=(found == exp))
                    site["S_patch_symtab_equals_S"] = st_value == S
                    last_applied[r["symbol"]] = S
                    tot["loaded_object_sites"] += 1
                    tot["loaded_match"] += found == exp
                    tot["patch_symtab_agrees_with_kallsyms"] += st_value == S
                else:
                    tot["unloaded_object_sites"] += 1
                    site["equals_file_bytes"] = found.hex() == r["file_bytes"]
                    if r["symbol"] in last_applied:
                        # applied while the object was loaded (an earlier snap of this run), object
                        # unloaded since: 6.1 does not clear, the bytes keep the old value
                        S_old = last_applied[r["symbol"]]
                        tot["unloaded_previously_applied"] += 1
                        val, exp, ok = compute(r["type"], S_old, r["addend"], P)
                        site.update(stale_S=hex(S_old), stale_expected=exp.hex(),
                                    equals_stale_value=(found == exp),
                                    S_patch_symtab_equals_stale_S=(st_value == S_old))
                        tot["unloaded_equal_stale_value"] += found == exp
                    else:
                        tot["unloaded_never_applied"] += 1
                        tot["unloaded_never_applied_equal_file_bytes"] += site["equals_file_bytes"]
                entry["sites"].append(site)
            result["snaps"].append(entry)
    tot["loaded_match_rate"] = "%d/%d" % (tot["loaded_match"], tot["loaded_object_sites"])
    result["totals"] = tot
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps(tot))
    ok = (tot["loaded_match"] == tot["loaded_object_sites"]
          and tot["unloaded_never_applied"] == tot["unloaded_never_applied_equal_file_bytes"]
          and tot["unloaded_previously_applied"] == tot["unloaded_equal_stale_value"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
