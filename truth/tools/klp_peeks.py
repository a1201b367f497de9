#!/usr/bin/env python3
"""Bytes at every .klp.rela site of a livepatch module, read by klp-oracle `peek` steps.

The 6.12 captures (truth/v6.12/samples-*) peek the patch module's .text after every step, from
one of its functions (`peek PATCH:FUNC LEN`), and list the target symbols with a `kallsyms`
step. For every such peek this recomputes each `.klp.rela.<obj>.<sec>` relocation with the
x86-64 formulas (klp_sites.py: S + A, or S + A - P for PC32/PLT32), and compares:

  object loaded (its symbols are in the latest `kallsyms` step, or it is vmlinux):
      found == the formula's value
  object not loaded:
      found == the .ko file's bytes (6.3+ clears a module's sites when it goes away:
      klp_cleanup_module_patches_limited() -> klp_clear_object_relocs()), and, if the
      relocation was applied earlier in the run, whether found still equals that stale value

S: for a module, the sympos-th line of that name among its lines of the latest `kallsyms` step
(0 = must be unique); for vmlinux, the --vmlinux kallsyms file. P = peek address - FUNC's
offset in .text + r_offset (FUNC's offset is its st_value in the .ko; .text only).

Usage: klp_peeks.py --ko P.ko [--ko R.ko] --vmlinux VMLINUX.kallsyms --out OUT.json DIR...
Exit 0 when every loaded-object site matches and every absent-object site equals the file.
Only the Python standard library is used.
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from klp_sites import (compute, klp_relocations, load_vmlinux, parse_klp_sym, read_elf,  # noqa: E402
                       resolve, symbols)


def func_offsets(ko):
    data, secs = read_elf(ko)
    st = next(s for s in secs if s["type"] == 2)
    return {s["name"]: s["value"] for s in symbols(data, secs, st)
            if s["shndx"] < len(secs) and secs[s["shndx"]]["name"] == ".text"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ko", action="append", required=True)
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("scenarios", nargs="+")
    a = ap.parse_args()
    root = os.getcwd()
    vml = load_vmlinux(a.vmlinux)
    mods = {}
    for ko in a.ko:
        name = os.path.basename(ko)[:-3]
        mods[name] = dict(ko=ko, relocs=klp_relocations(ko), funcs=func_offsets(ko),
                          sha256=hashlib.sha256(open(ko, "rb").read()).hexdigest())
    result = dict(
        schema="klp-peeks/1",
        description="bytes at every .klp.rela relocation site of the livepatch modules after every "
                    "step, read from the real 6.12 kernel's memory by klp-oracle peek steps, compared "
                    "with the x86-64 relocation formulas",
        vmlinux_kallsyms=os.path.relpath(a.vmlinux, root),
        patches={n: dict(ko=os.path.relpath(m["ko"], root), ko_sha256=m["sha256"],
                         relocations=[{k: r[k] for k in ("klp_section", "object", "target_section",
                                                         "offset", "type", "symbol", "addend",
                                                         "file_bytes")} for r in m["relocs"]])
                 for n, m in mods.items()},
        peeks=[], totals={})
    tot = dict(sites=0, loaded=0, loaded_match=0, absent=0, absent_equal_file=0,
               absent_previously_applied=0, absent_equal_stale=0)
    for sd in a.scenarios:
        res = json.load(open(os.path.join(sd, "result.json")))
        syms = {}            # latest kallsyms step: (module, name) -> [addr...]
        last_op = None
        applied = {}         # (patch, symbol) -> S of the last application in this run
        for step in res["steps"]:
            v = step["verb"]
            if v in ("insmod", "rmmod", "livepatch-enable", "livepatch-disable"):
                last_op = dict(index=step["index"], cmd=step["cmd"], rc=step["rc"])
            if v == "kallsyms":
                syms = {}
                for line in step["output"].split("\n"):
                    p = line.split()
                    if len(p) == 4 and p[3].startswith("["):
                        syms.setdefault((p[3][1:-1], p[2]), []).append(int(p[0], 16))
                continue
            if v != "peek" or step["rc"] != 0:
                continue
            target = step["cmd"].split()[1]
            if ":" not in target or target.split(":")[0] not in mods:
                continue
            patch, func = target.split(":")
            m = mods[patch]
            # the kallsyms step right after the peek describes the same state
            nxt = res["steps"][step["index"] + 1] if step["index"] + 1 < len(res["steps"]) else None
            if nxt and nxt["verb"] == "kallsyms":
                syms = {}
                for line in nxt["output"].split("\n"):
                    p = line.split()
                    if len(p) == 4 and p[3].startswith("["):
                        syms.setdefault((p[3][1:-1], p[2]), []).append(int(p[0], 16))
            pk = step["peek"]
            blob = bytes.fromhex(pk["hex"])
            text = int(pk["addr"], 16) - m["funcs"][func]
            loaded = sorted({mod for mod, _ in syms})
            entry = dict(scenario=os.path.basename(os.path.normpath(sd)), step=step["index"],
                         after=last_op, patch=patch, peek=target, peek_addr=pk["addr"],
                         text_addr=hex(text), target_modules_loaded=loaded, sites=[])
            for r in m["relocs"]:
                assert r["target_section"] == ".text"
                P = text + r["offset"]
                off = P - int(pk["addr"], 16)
                found = blob[off:off + r["size"]]
                obj, sname, sympos = parse_klp_sym(r["symbol"])
                site = dict(klp_section=r["klp_section"], offset=r["offset"], type=r["type"],
                            symbol=r["symbol"], A=r["addend"], P=hex(P), found=found.hex(),
                            file_bytes=r["file_bytes"])
                tot["sites"] += 1
                if obj == "vmlinux" or obj in loaded:
                    cands = vml.get(sname, []) if obj == "vmlinux" else syms.get((obj, sname), [])
                    S, err = resolve(cands, sympos)
                    if err:
                        site["error"] = err
                    else:
                        val, exp, ok = compute(r["type"], S, r["addend"], P)
                        site.update(object_loaded=True, S=hex(S), expected=exp.hex(),
                                    match=found == exp)
                        tot["loaded"] += 1
                        tot["loaded_match"] += found == exp
                        applied[(patch, r["symbol"])] = S
                else:
                    site.update(object_loaded=False, equals_file_bytes=found.hex() == r["file_bytes"])
                    tot["absent"] += 1
                    tot["absent_equal_file"] += site["equals_file_bytes"]
                    if (patch, r["symbol"]) in applied:
                        S_old = applied[(patch, r["symbol"])]
                        _, exp, _ = compute(r["type"], S_old, r["addend"], P)
                        site.update(stale_S=hex(S_old), stale_expected=exp.hex(),
                                    equals_stale_value=found == exp)
                        tot["absent_previously_applied"] += 1
                        tot["absent_equal_stale"] += found == exp
                entry["sites"].append(site)
            result["peeks"].append(entry)
    result["totals"] = tot
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps(tot))
    ok = tot["loaded"] == tot["loaded_match"] and tot["absent"] == tot["absent_equal_file"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
