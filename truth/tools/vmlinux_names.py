#!/usr/bin/env python3
"""The vmlinux names a kallsyms subset must carry for a set of modules (klp-oracle plan input).

    vmlinux_names.py [--extra NAME...] MODULE.ko... > names.txt

Prints, one per line and sorted: every undefined symbol of the given modules that none of them
defines, every `.klp.sym.vmlinux.<name>,<pos>` name, and for the static calls the modules use
(an undefined `__SCK__<x>` or `__SCT__<x>`) both the key and the trampoline plus what the key
calls: `__traceiter_<tp>` for `tp_func_<tp>`. The kernel's own preemption static calls
(preempt_schedule, preempt_schedule_notrace, cond_resched, might_resched,
irqentry_exit_cond_resched) are always added with their possible targets, as are the --extra
names. A name that vmlinux does not have is simply not found by klp-oracle's `kallsyms` step.
Only the Python standard library is used (the ELF reader is klp_sites.py's).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from klp_sites import read_elf, symbols  # noqa: E402

PREEMPT = ["preempt_schedule", "preempt_schedule_notrace", "cond_resched", "might_resched",
           "irqentry_exit_cond_resched"]
PREEMPT_TARGETS = ["__cond_resched", "preempt_schedule", "preempt_schedule_notrace",
                   "irqentry_exit_cond_resched", "__static_call_return0", "__static_call_return"]


def main():
    args = sys.argv[1:]
    extra = []
    while args and args[0] == "--extra":
        extra.append(args[1])
        args = args[2:]
    need, defined = set(), set()
    for path in args:
        data, secs = read_elf(path)
        st = next(s for s in secs if s["type"] == 2)
        for s in symbols(data, secs, st)[1:]:
            n = s["name"]
            if not n:
                continue
            if s["shndx"] == 0:
                need.add(n)
            elif n.startswith(".klp.sym.vmlinux."):
                need.add(n[len(".klp.sym.vmlinux."):].rsplit(",", 1)[0])
            elif not n.startswith(".klp.sym."):
                defined.add(n)
    names = {n for n in need if n not in defined} | set(extra)
    calls = {n[7:] for n in names if n.startswith(("__SCK__", "__SCT__"))} | set(PREEMPT)
    for c in calls:
        names |= {"__SCK__" + c, "__SCT__" + c}
        if c.startswith("tp_func_"):
            names.add("__traceiter_" + c[len("tp_func_"):])
    names |= set(PREEMPT_TARGETS)
    for n in sorted(names):
        print(n)


if __name__ == "__main__":
    sys.exit(main())
