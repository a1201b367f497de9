#!/usr/bin/env python3
"""ftrace records (available_filter_functions_addrs lines: "ADDR FUNCTION") of the function
symbols in a vmlinux kallsyms table, from the full list of the running kernel's records.

    ftrace_records.py TABLE FULL_KALLSYMS RECORDS > out.txt

TABLE: the shipped table (address type name lines); FULL_KALLSYMS: the whole /proc/kallsyms of
the same boot (each function's end is the next symbol's address); RECORDS: every record, either
the kernel's available_filter_functions_addrs (6.5+) or one hex address per line (the image's
__mcount_loc, read between __start_mcount_loc and __stop_mcount_loc: the 6.1 kernel has no such
file). Each function symbol of TABLE gets the record inside [addr, next symbol), if any."""
import bisect
import sys


def kallsyms(path):
    out = []
    for line in open(path):
        p = line.split()
        if len(p) >= 3 and len(p[1]) == 1 and not line.rstrip().endswith(']'):
            out.append((int(p[0], 16), p[1], p[2]))
    return out


table = kallsyms(sys.argv[1])
full = sorted(set(a for a, _, _ in kallsyms(sys.argv[2])))
records = sorted(int(line.split()[0], 16) for line in open(sys.argv[3]) if line.strip())
seen = set()
for addr, typ, name in table:
    if typ not in 'tTwW' or (addr, name) in seen:
        continue
    seen.add((addr, name))
    i = bisect.bisect_right(full, addr)
    end = full[i] if i < len(full) else addr + 0x1000
    j = bisect.bisect_left(records, addr)
    if j < len(records) and records[j] < end:
        print('%016x %s' % (records[j], name))
