// unwind_module_init() of arch/x86/kernel/unwind_orc.c (6.1): sort the module's ORC tables so
// the unwinder can binary-search them. .orc_unwind_ip holds s32 offsets to instruction
// addresses, .orc_unwind the 6-byte entries in the same order; orc_sort_swap() moves both and
// fixes the relative offsets, orc_sort_cmp() puts a "terminator" entry before a real entry
// at the same address, and lib/sort.c's heapsort decides everything else.
import type { Kernel } from '../../kernel.ts';
import { sort } from '../../lib/sort.ts';
import type { Module, Shdr } from '../../module/types.ts';
import { s32At, setS32 } from '../../module/within.ts';

const ORC_ENTRY_SIZE = 6; // struct orc_entry { s16 sp_offset; s16 bp_offset; sp_reg:4 bp_reg:4 type:2 end:1 } __packed
const ORC_REG_UNDEFINED = 0;

export function unwind_module_init(k: Kernel, mod: Module, orc_ip: Shdr, orc: Shdr): void {
  const step = k.trace.step('unwind_module_init', { module: mod.name, file: 'arch/x86/kernel/unwind_orc.c', fn: 'unwind_module_init' });
  const num = Math.floor(orc_ip.size / 4);
  if (orc_ip.size % 4 !== 0 || orc.size % ORC_ENTRY_SIZE !== 0 || num !== orc.size / ORC_ENTRY_SIZE)
    k.trace.printk('warn', `WARNING: unwind_module_init: ${mod.name}: .orc_unwind_ip and .orc_unwind do not match`);
  const ip = k.mem.read(orc_ip.addr, orc_ip.size);
  // num_entries comes from .orc_unwind_ip alone: with mismatched tables the kernel only WARNs and
  // sorts that many .orc_unwind entries anyway, reading and writing past the table's end
  const tab = k.mem.read(orc.addr, num * ORC_ENTRY_SIZE);
  const ip0 = ip.slice();
  const tab0 = tab.slice();
  // orc_ip(p) = p + *p; the common base cancels out of every comparison
  const orc_ip_of = (off: number) => off + s32At(ip, off);
  const cmp = (a: number, b: number) => {
    const av = orc_ip_of(a);
    const bv = orc_ip_of(b);
    if (av > bv) return 1;
    if (av < bv) return -1;
    const e = (a / 4) * ORC_ENTRY_SIZE;
    const flags = tab[e + 4]!;
    const sp_reg = flags & 0xf;
    const end = (tab[e + 5]! >> 2) & 1; // bit 10 of the 16-bit bitfield word
    return sp_reg === ORC_REG_UNDEFINED && !end ? -1 : 1;
  };
  const swap = (a: number, b: number) => {
    const delta = b - a;
    const ta = s32At(ip, a);
    setS32(ip, a, (s32At(ip, b) + delta) | 0);
    setS32(ip, b, (ta - delta) | 0);
    const ea = (a / 4) * ORC_ENTRY_SIZE;
    const eb = (b / 4) * ORC_ENTRY_SIZE;
    const t = tab.slice(ea, ea + ORC_ENTRY_SIZE);
    tab.copyWithin(ea, eb, eb + ORC_ENTRY_SIZE);
    tab.set(t, eb);
  };
  const swaps = sort(num, 4, cmp, swap);
  const moved = countMoved(ip0, ip, 4);
  if (moved) {
    k.mem.write(orc_ip.addr, ip, 'memcpy', { what: `.orc_unwind_ip sorted (${moved} entries moved)` });
    k.mem.write(orc.addr, tab, 'memcpy', { what: '.orc_unwind in the same order' });
  }
  void tab0;
  step.title = `unwind_module_init: ORC tables sorted, ${num} entries (${moved} moved, ${swaps} swaps)`;
}

/** How many size-byte elements differ between two versions of a table. */
export function countMoved(before: Uint8Array, after: Uint8Array, size: number): number {
  let n = 0;
  for (let off = 0; off < before.length; off += size) {
    for (let j = 0; j < size; j++)
      if (before[off + j] !== after[off + j]) {
        n++;
        break;
      }
  }
  return n;
}
