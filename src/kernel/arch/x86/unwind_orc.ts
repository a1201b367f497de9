// unwind_module_init() of arch/x86/kernel/unwind_orc.c (6.1; 6.12's where it differs): sort the
// module's ORC tables so the unwinder can binary-search them. .orc_unwind_ip holds s32 offsets
// to instruction addresses, .orc_unwind the 6-byte entries in the same order; orc_sort_swap()
// moves both and fixes the relative offsets, orc_sort_cmp() puts a "terminator" entry before a
// real entry at the same address, and lib/sort.c's heapsort decides everything else.
import type { Kernel } from '../../kernel_types.ts';
import { sort, sortOf } from '../../lib/sort.ts';
import { s32At, setS32 } from '../../lib/unaligned.ts';
import type { Module, Shdr } from '../../module/types.ts';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const ORC_ENTRY_SIZE = 6; // struct orc_entry { s16 sp_offset; s16 bp_offset; sp_reg:4 bp_reg:4 type:2 end:1 } __packed
const ORC_REG_UNDEFINED = 0;
const ORC_TYPE_UNDEFINED = 0;

export function unwind_module_init(k: Kernel, mod: Module, orc_ip: Shdr, orc: Shdr): void {
  const step = k.trace.step('unwind_module_init', {
    module: mod.name,
    file: 'arch/x86/kernel/unwind_orc.c',
    fn: 'unwind_module_init',
  });
  const num = Math.floor(orc_ip.size / 4);
  if (orc_ip.size % 4 !== 0 || orc.size % ORC_ENTRY_SIZE !== 0 || num !== orc.size / ORC_ENTRY_SIZE)
    k.trace.printk('warn', `WARNING: unwind_module_init: ${mod.name}: .orc_unwind_ip and .orc_unwind do not match`);
  const ip = k.mem.read(orc_ip.addr, orc_ip.size);
  // num_entries comes from .orc_unwind_ip alone: with mismatched tables the kernel only WARNs and
  // sorts that many .orc_unwind entries anyway, reading and writing past the table's end
  const tab = k.mem.read(orc.addr, num * ORC_ENTRY_SIZE);
  const ip0 = ip.slice();
  const terminator = ORC_TERMINATOR[k.profile.orcTerminator];
  const sorter = sortOf(k.profile);
  // the inlined loop is 6.1's heapsort with 6.1's test; any other pair goes through the closures
  const swaps =
    sorter === sort && terminator === orc_terminator_first
      ? orc_sort(ip, tab, num)
      : orc_sort_reference(ip, tab, num, sorter, terminator);
  const moved = countMoved(ip0, ip, 4);
  if (moved) {
    k.mem.write(orc_ip.addr, ip, 'memcpy', { what: `.orc_unwind_ip sorted (${moved} entries moved)` });
    k.mem.write(orc.addr, tab, 'memcpy', { what: '.orc_unwind in the same order' });
  }
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

/** orc_sort_cmp() (≤ 6.3): by address; at the same address a terminator (sp_reg undefined, !end) first. */
function orc_terminator_first(tab: Uint8Array, e: number): boolean {
  const sp_reg = tab[e + 4]! & 0xf;
  const end = (tab[e + 5]! >> 2) & 1; // bit 10 of the 16-bit bitfield word
  return sp_reg === ORC_REG_UNDEFINED && !end;
}

/** orc_sort_cmp() (6.4+, 6.12.118): a terminator is an entry of type ORC_TYPE_UNDEFINED (type:3 at bit 8). */
function orc_type_undefined(tab: Uint8Array, e: number): boolean {
  return (tab[e + 5]! & 7) === ORC_TYPE_UNDEFINED;
}

const ORC_TERMINATOR = { sp_reg: orc_terminator_first, type: orc_type_undefined } as const;

/**
 * sort(ip, num, 4, orc_sort_cmp, orc_sort_swap) in place on the two tables; returns the swaps.
 * The generic sort() with these closures is the reference (orc_sort_reference); this is the
 * same lib/sort.c loop with compare and swap inlined over an Int32Array of the s32 offsets,
 * the 6-byte entries moved as a permutation and written once at the end.
 */
export function orc_sort(ip: Uint8Array, tab: Uint8Array, num: number): number {
  if (!LITTLE_ENDIAN || ip.byteOffset % 4 !== 0) return orc_sort_reference(ip, tab, num);
  const ip32 = new Int32Array(ip.buffer, ip.byteOffset, num);
  // perm[i]: the original entry now at position i; term[e]: entry e sorts before an equal key
  const perm = new Int32Array(num);
  const term = new Uint8Array(num);
  for (let i = 0; i < num; i++) {
    perm[i] = i;
    term[i] = orc_terminator_first(tab, i * ORC_ENTRY_SIZE) ? 1 : 0;
  }
  // lib/sort.c with size 4 on element indices (byte offset = 4 × index): parent(i) is (i-1)/2
  let n = num;
  let a = num >>> 1;
  let swaps = 0;
  if (!a) return 0;
  for (;;) {
    let b: number, c: number, d: number;
    if (a) a--;
    else if (--n) {
      // swap(0, n)
      const delta = 4 * n;
      const t = ip32[0]!;
      ip32[0] = (ip32[n]! + delta) | 0;
      ip32[n] = (t - delta) | 0;
      const tp = perm[0]!;
      perm[0] = perm[n]!;
      perm[n] = tp;
      swaps++;
    } else break;

    for (b = a; (c = 2 * b + 1), (d = c + 1) < n; ) {
      // cmp(c, d) >= 0 ? c : d — keys are byte offset + s32
      const cv = 4 * c + ip32[c]!;
      const dv = 4 * d + ip32[d]!;
      b = cv > dv || (cv === dv && !term[perm[c]!]) ? c : d;
    }
    if (d === n) b = c;
    for (;;) {
      if (b === a) break;
      // cmp(a, b) >= 0
      const av = 4 * a + ip32[a]!;
      const bv = 4 * b + ip32[b]!;
      if (!(av > bv || (av === bv && !term[perm[a]!]))) break;
      b = (b - 1) >>> 1;
    }
    c = b;
    while (b !== a) {
      b = (b - 1) >>> 1;
      // swap(b, c)
      const delta = 4 * (c - b);
      const t = ip32[b]!;
      ip32[b] = (ip32[c]! + delta) | 0;
      ip32[c] = (t - delta) | 0;
      const tp = perm[b]!;
      perm[b] = perm[c]!;
      perm[c] = tp;
      swaps++;
    }
  }
  const tab0 = tab.slice(0, num * ORC_ENTRY_SIZE);
  for (let i = 0; i < num; i++) {
    const from = perm[i]!;
    // byte by byte: a subarray per entry is 200k objects for a big module
    if (from !== i)
      for (let j = 0; j < ORC_ENTRY_SIZE; j++) tab[i * ORC_ENTRY_SIZE + j] = tab0[from * ORC_ENTRY_SIZE + j]!;
  }
  return swaps;
}

/**
 * The same sort through the generic lib/sort.c port with orc_sort_cmp/orc_sort_swap closures
 * (6.1's sort and terminator test unless others are given).
 */
export function orc_sort_reference(
  ip: Uint8Array,
  tab: Uint8Array,
  num: number,
  sorter = sort,
  terminator = orc_terminator_first,
): number {
  // orc_ip(p) = p + *p; the common base cancels out of every comparison
  const orc_ip_of = (off: number) => off + s32At(ip, off);
  const cmp = (a: number, b: number) => {
    const av = orc_ip_of(a);
    const bv = orc_ip_of(b);
    if (av > bv) return 1;
    if (av < bv) return -1;
    return terminator(tab, (a / 4) * ORC_ENTRY_SIZE) ? -1 : 1;
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
  return sorter(num, 4, cmp, swap);
}
