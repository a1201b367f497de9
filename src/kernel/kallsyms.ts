// What the running kernel can resolve: vmlinux's symbols (from a /proc/kallsyms dump of the
// real kernel) and what loaded modules export. find_symbol() (kernel/module/main.c) resolves
// undefined module symbols against exports only; kallsyms_on_each_symbol() (used by
// livepatch) walks every vmlinux symbol in kallsyms order; kallsyms_lookup_name() and the
// address → name lookups of kernel/kallsyms.c answer from the same table.

export interface KallsymsEntry {
  addr: bigint;
  type: string;
  name: string;
  /** Owning module, undefined for vmlinux. */
  module?: string;
}

export function parseKallsyms(text: string): KallsymsEntry[] {
  const out: KallsymsEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]+)\s+(\S)\s+(\S+)(?:\s+\[(\S+)\])?\s*$/.exec(line);
    if (!m) continue;
    const e: KallsymsEntry = { addr: BigInt(`0x${m[1]}`), type: m[2]!, name: m[3]! };
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

  constructor(
    entries: KallsymsEntry[],
    readonly exports: 'ksymtab' | 'globals' = 'ksymtab',
  ) {
    this.sourceLength = entries.length;
    this.entries = entries.filter((e) => !e.module);
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
