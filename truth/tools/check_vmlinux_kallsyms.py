#!/usr/bin/env python3
"""Check that a vmlinux kallsyms file covers what a set of modules needs from vmlinux.

    check_vmlinux_kallsyms.py KALLSYMS MODULE.ko...

For every .ko: every undefined symbol, and every `.klp.sym.vmlinux.<name>,<pos>` livepatch
symbol, must be in KALLSYMS, unless another of the given .ko files defines it (a module
dependency such as jbd2 for ext4, or a livepatch target's static symbol). Also checks that the
file is in /proc/kallsyms format (`address type name`) and sorted by address.
Prints the missing names (with the modules that need them); exit 1 if any.
Only the Python standard library is used (the ELF reader is klp_sites.py's).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from klp_sites import read_elf, symbols  # noqa: E402


def main():
    ks, kos = sys.argv[1], sys.argv[2:]
    have, addrs = set(), []
    for n, line in enumerate(open(ks), 1):
        parts = line.split()
        if len(parts) != 3 or len(parts[0]) != 16 or len(parts[1]) != 1:
            sys.exit("%s:%d: not 'address type name': %r" % (ks, n, line))
        addrs.append(int(parts[0], 16))
        have.add(parts[2])
    if addrs != sorted(addrs):
        sys.exit("%s: not sorted by address" % ks)
    need, defined = {}, set()
    for path in kos:
        data, secs = read_elf(path)
        st = next(s for s in secs if s["type"] == 2)
        for s in symbols(data, secs, st)[1:]:
            n = s["name"]
            if not n:
                continue
            if s["shndx"] == 0:
                need.setdefault(n, set()).add(os.path.basename(path))
            elif n.startswith(".klp.sym.vmlinux."):
                need.setdefault(n[len(".klp.sym.vmlinux."):].rsplit(",", 1)[0], set()).add(
                    os.path.basename(path))
            elif not n.startswith(".klp.sym."):
                defined.add(n)
    missing = sorted(n for n in need if n not in have and n not in defined)
    for n in missing:
        print(n, " ".join(sorted(need[n])))
    print("%d modules, %d needed names, %d from vmlinux, %d missing, %d lines"
          % (len(kos), len(need), len([n for n in need if n in have]), len(missing), len(addrs)),
          file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
