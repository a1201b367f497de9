// cpa_flush() as each version's source has it (5.4:arch/x86/mm/pageattr.c, 6.1.192 and
// 6.4:arch/x86/mm/pat/set_memory.c): which flush a set_memory_*() call on module pages ends in.
import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../trace/types.ts';
import { Kernel } from '../kernel.ts';
import { type KernelId, profiles } from '../profile.ts';
import { PAGE_SIZE } from './page.ts';
import { set_memory_nx, set_memory_ro, set_memory_rw, set_memory_x } from './set_memory.ts';

type SetMemory = typeof set_memory_ro;

/** The flush of one call on `n` fresh RW+NX module pages (after `before` on the same pages). */
function flushOf(kernel: KernelId, n: number, call: SetMemory, before?: SetMemory): string {
  const k = new Kernel({ kernel });
  const base = k.moduleArea.module_alloc('m', 'core', n * PAGE_SIZE)!;
  before?.(k.mem, k.trace, base, n);
  call(k.mem, k.trace, base, n);
  const perms = k.trace.trace.steps.flatMap((s) => s.events).filter((e) => e.kind === 'perm');
  return (perms.at(-1) as Extract<KernelEvent, { kind: 'perm' }>).flush;
}

describe('cpa_flush() per version on module pages', () => {
  it('5.4.0: flush_tlb_one_kernel() per page on every CPU up to 33 pages, flush_tlb_all() above', () => {
    expect(flushOf('5.4', 3, set_memory_ro)).toBe('flush_tlb_one_kernel');
    expect(flushOf('5.4', 33, set_memory_ro)).toBe('flush_tlb_one_kernel');
    expect(flushOf('5.4', 34, set_memory_ro)).toBe('flush_tlb_all');
    expect(flushOf('5.4', 3, set_memory_x)).toBe('flush_tlb_one_kernel');
  });
  it('6.1.192: force_flush_all makes set_memory_ro/rw flush_tlb_all(); set_memory_x/nx keep the per-page rule', () => {
    expect(flushOf('6.1', 3, set_memory_ro)).toBe('flush_tlb_all');
    expect(flushOf('6.1', 3, set_memory_rw, set_memory_ro)).toBe('flush_tlb_all');
    expect(flushOf('6.1', 3, set_memory_x)).toBe('flush_tlb_one_kernel');
    expect(flushOf('6.1', 3, set_memory_nx, set_memory_x)).toBe('flush_tlb_one_kernel');
    expect(flushOf('6.1', 40, set_memory_x)).toBe('flush_tlb_all');
  });
  it('6.3 and 6.4: every set_memory_*() that changes a module PTE is flush_tlb_all()', () => {
    for (const kernel of ['6.3', '6.4'] as const) {
      expect(flushOf(kernel, 1, set_memory_x)).toBe('flush_tlb_all');
      expect(flushOf(kernel, 1, set_memory_ro)).toBe('flush_tlb_all');
    }
  });
  it('no PTE changed, no flush (set_memory_nx on PAGE_KERNEL memory)', () => {
    for (const kernel of Object.keys(profiles) as KernelId[]) expect(flushOf(kernel, 2, set_memory_nx)).toBe('none');
  });
});
