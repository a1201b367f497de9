// sort_extable() of lib/extable.c (6.1) with x86's relative entries
// (arch/x86/include/asm/extable.h): struct exception_table_entry { int insn, fixup, data; }.
// post_relocation() sorts a module's __ex_table by faulting-instruction address so
// search_extable() can bsearch it; swap_ex() re-bases the relative insn and fixup fields of
// the two entries it exchanges.

import { countMoved } from '../arch/x86/unwind_orc.ts';
import type { Kernel } from '../kernel_types.ts';
import type { Module } from '../module/types.ts';
import { sortOf } from './sort.ts';
import { s32At, setS32 } from './unaligned.ts';

export const SIZEOF_EXCEPTION_TABLE_ENTRY = 12;

export function sort_extable(k: Kernel, mod: Module, start: bigint, num: number): void {
  const step = k.trace.step('sort_extable', { module: mod.name, file: 'lib/extable.c', fn: 'sort_extable' });
  if (num < 2) {
    step.title = `sort_extable: ${num} exception table entries, nothing to sort`;
    return;
  }
  const buf = k.mem.read(start, num * SIZEOF_EXCEPTION_TABLE_ENTRY);
  const before = buf.slice();
  const ex_to_insn = (off: number) => off + s32At(buf, off);
  const cmp = (a: number, b: number) => {
    const x = ex_to_insn(a);
    const y = ex_to_insn(b);
    return x > y ? 1 : x < y ? -1 : 0;
  };
  const swap = (a: number, b: number) => {
    const delta = b - a;
    const [ti, tf, td] = [s32At(buf, a), s32At(buf, a + 4), s32At(buf, a + 8)];
    setS32(buf, a, (s32At(buf, b) + delta) | 0);
    setS32(buf, b, (ti - delta) | 0);
    // swap_ex_entry_fixup(): fixup is relative too, data is not
    setS32(buf, a + 4, (s32At(buf, b + 4) + delta) | 0);
    setS32(buf, b + 4, (tf - delta) | 0);
    setS32(buf, a + 8, s32At(buf, b + 8));
    setS32(buf, b + 8, td);
  };
  sortOf(k.profile)(num, SIZEOF_EXCEPTION_TABLE_ENTRY, cmp, swap);
  const moved = countMoved(before, buf, SIZEOF_EXCEPTION_TABLE_ENTRY);
  if (moved) k.mem.write(start, buf, 'memcpy', { what: `__ex_table sorted (${moved} entries moved)` });
  step.title = `sort_extable: __ex_table sorted, ${num} entries (${moved} moved)`;
}
