// What the running kernel can resolve: vmlinux's symbols (from a /proc/kallsyms dump of the
// real kernel) and what loaded modules export. find_symbol() (kernel/module/main.c) resolves
// undefined module symbols against exports only; kallsyms_on_each_symbol() (used by
// livepatch) walks every vmlinux symbol in kallsyms order; kallsyms_lookup_name() and the
// address → name lookups of kernel/kallsyms.c answer from the same table.
//
// The same text may also hold ftrace's records, as the kernel lists them in
// /sys/kernel/tracing/available_filter_functions_addrs (6.5+, kernel/trace/ftrace.c t_show():
// `%lx ` of rec->ip, then `%ps` of the function, ` [module]`): where each traceable function's
// `call __fentry__` is. A kallsyms dump cannot say (after an ENDBR64 or at the function's first
// byte); `cat /proc/kallsyms .../available_filter_functions_addrs` gives both.

export interface KallsymsEntry {
  addr: bigint;
  /** nm's letter; FTRACE_RECORD for an available_filter_functions_addrs line. */
  type: string;
  name: string;
  /** Owning module, undefined for vmlinux. */
  module?: string;
}

/** The type of an ftrace record (addr = its call site, name = the function holding it). */
export const FTRACE_RECORD = 'ftrace';

export function parseKallsyms(text: string): KallsymsEntry[] {
  const out: KallsymsEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]+)\s+(?:(\S)\s+)?(\S+)(?:\s+\[(\S+)\])?\s*$/.exec(line);
    if (!m) continue;
    const e: KallsymsEntry = { addr: BigInt(`0x${m[1]}`), type: m[2] ?? FTRACE_RECORD, name: m[3]! };
    if (m[4]) e.module = m[4];
    out.push(e);
  }
  return out;
}

const shared = new WeakMap<KallsymsEntry[], Map<string, VmlinuxSymbols>>();

export class VmlinuxSymbols {
  /** kallsyms order (by address, as /proc/kallsyms lists them). */
  readonly entries: KallsymsEntry[];
  private readonly byName = new Map<string, KallsymsEntry[]>();
  private readonly sourceLength: number;

  /** vmlinux's ftrace records in address order, when the table has them. */
  readonly ftraceRecords: readonly KallsymsEntry[] | undefined;

  constructor(
    entries: KallsymsEntry[],
    readonly exports: 'ksymtab' | 'globals' = 'ksymtab',
  ) {
    this.sourceLength = entries.length;
    this.entries = entries.filter((e) => !e.module && e.type !== FTRACE_RECORD);
    const records = entries.filter((e) => !e.module && e.type === FTRACE_RECORD);
    this.ftraceRecords = records.length
      ? records.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0))
      : undefined;
    for (const e of this.entries) {
      const list = this.byName.get(e.name);
      if (list) list.push(e);
      else this.byName.set(e.name, [e]);
    }
  }

  /**
   * The table for a kallsyms array, shared by every Kernel built from the same array (the
   * scenarios build several kernels per trace; indexing a whole vmlinux each time dominated).
   * A table is immutable; an array that changed length since is indexed afresh.
   */
  static of(entries: KallsymsEntry[], exports: 'ksymtab' | 'globals' = 'ksymtab'): VmlinuxSymbols {
    let byMode = shared.get(entries);
    if (!byMode) shared.set(entries, (byMode = new Map()));
    let t = byMode.get(exports);
    if (!t || t.sourceLength !== entries.length) byMode.set(exports, (t = new VmlinuxSymbols(entries, exports)));
    return t;
  }

  /**
   * The first record whose 5-byte call overlaps [start, end] (ftrace_location_range()'s
   * bsearch over the records), undefined when there is none, null when the table has no records.
   */
  ftraceRecordIn(start: bigint, end: bigint, insnSize: bigint): KallsymsEntry | undefined | null {
    const r = this.ftraceRecords;
    if (!r) return null;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid]!.addr + insnSize - 1n < start) lo = mid + 1;
      else hi = mid;
    }
    const rec = r[lo];
    return rec !== undefined && rec.addr <= end ? rec : undefined;
  }

  /** Every vmlinux symbol with this name, in kallsyms order. */
  lookup(name: string): KallsymsEntry[] {
    return this.byName.get(name) ?? [];
  }

  /** kallsyms_lookup_name(): the address of the first symbol of that name, or undefined. */
  addressOf(name: string): bigint | undefined {
    return this.byName.get(name)?.[0]?.addr;
  }

  /** The symbols at exactly addr. */
  at(addr: bigint): KallsymsEntry[] {
    return this.byAddress().byAddr.get(addr) ?? [];
  }

  /** The nearest symbol at or below addr (kallsyms_lookup()'s search). */
  below(addr: bigint): KallsymsEntry | undefined {
    const s = this.byAddress().sorted;
    let lo = 0;
    let hi = s.length - 1;
    let best: KallsymsEntry | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]!.addr <= addr) {
        best = s[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  private addressIndex: { sorted: KallsymsEntry[]; byAddr: Map<bigint, KallsymsEntry[]> } | undefined;

  /** Built on first use: most kernels built from a table never look an address up. */
  private byAddress() {
    if (!this.addressIndex) {
      const sorted = [...this.entries].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
      const byAddr = new Map<bigint, KallsymsEntry[]>();
      for (const e of sorted) {
        const l = byAddr.get(e.addr);
        if (l) l.push(e);
        else byAddr.set(e.addr, [e]);
      }
      this.addressIndex = { sorted, byAddr };
    }
    return this.addressIndex;
  }

  /**
   * A vmlinux export, as find_symbol() finds it in __ksymtab. Every export has a
   * `__ksymtab_<name>` line in /proc/kallsyms, so with a whole dump (or the shipped table,
   * which keeps those lines) the answer is exact: 'ksymtab'. A partial dump without them can
   * only say "a global of that name": 'globals', which also accepts unexported globals.
   */
  findExport(name: string): KallsymsEntry | undefined {
    if (this.exports === 'ksymtab' && !this.byName.has(`__ksymtab_${name}`)) return undefined;
    return this.byName.get(name)?.find((e) => /[A-Z]/.test(e.type));
  }
}
