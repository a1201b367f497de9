// set_memory_ro/rw/x/nx() of arch/x86/mm/pat/set_memory.c (6.1; 5.4's arch/x86/mm/pageattr.c):
// change _PAGE_RW or _PAGE_NX on `numpages` pages from `addr`. Only a PTE that really changes
// marks CPA_FLUSHTLB; then cpa_flush() sends one IPI round, never flush_tlb_kernel_range():
// __cpa_flush_tlb() (flush_tlb_one_kernel() of each page) on every CPU, or flush_tlb_all()
// above tlb_single_page_flush_ceiling (33) pages or when cpa->force_flush_all is set. Which
// calls set force_flush_all on module memory depends on the version (KernelProfile.moduleTlbFlush).
// Not modelled: the flush_tlb_all() of a direct-map large page split and the range flush
// vm_unmap_aliases() may do first; the emulator has no direct map.
import type { TraceRecorder } from '../../trace/recorder.ts';
import type { PagePerm } from '../../trace/types.ts';
import type { KernelProfile } from '../profile.ts';
import type { AddressSpace } from './address_space.ts';
import { PAGE_SIZE } from './page.ts';

const tlb_single_page_flush_ceiling = 33;

export type TlbRule = KernelProfile['moduleTlbFlush'];
const rules = new WeakMap<AddressSpace, TlbRule>();

/** The version's cpa_flush() rule for this kernel's memory (set once, as its boot would). */
export function cpa_init(mem: AddressSpace, rule: TlbRule): void {
  rules.set(mem, rule);
}

/**
 * cpa->force_flush_all for module memory: cpa_process_alias() sets it whenever it runs for an
 * address outside the direct map. 6.1 runs it unless the mask is exactly _PAGE_NX
 * (`checkalias`); 6.2+ runs it for every call; v5.4.0 has no force_flush_all.
 */
export function force_flush_all(rule: TlbRule, fn: SetMemoryFn): boolean {
  if (rule === 'all') return true;
  if (rule === 'all-for-ro-rw') return fn !== 'set_memory_x' && fn !== 'set_memory_nx';
  return false;
}

export type SetMemoryFn = 'set_memory_ro' | 'set_memory_rw' | 'set_memory_x' | 'set_memory_nx' | 'set_memory_rox';

function change_page_attr(
  mem: AddressSpace,
  trace: TraceRecorder,
  fn: SetMemoryFn,
  addr: bigint,
  numpages: number,
  apply: (p: PagePerm) => PagePerm,
): void {
  if (numpages <= 0) return; // __change_page_attr_set_clr() has nothing to walk
  const changed: Array<{ page: bigint; from: PagePerm; to: PagePerm }> = [];
  for (let i = 0; i < numpages; i++) {
    const page = addr + BigInt(i * PAGE_SIZE);
    const from = mem.perm(page);
    if (!from) continue; // no PTE: nothing to change
    const to = apply(from);
    if (to.write !== from.write || to.exec !== from.exec) {
      mem.setPerm(page, to);
      changed.push({ page, from, to });
    }
  }
  const flush =
    changed.length === 0
      ? 'none'
      : force_flush_all(rules.get(mem) ?? 'all-for-ro-rw', fn) || numpages > tlb_single_page_flush_ceiling
        ? 'flush_tlb_all'
        : 'flush_tlb_one_kernel';
  trace.emit({ kind: 'perm', fn, addr, pages: numpages, changed, flush });
}

export const set_memory_ro = (m: AddressSpace, t: TraceRecorder, addr: bigint, n: number) =>
  change_page_attr(m, t, 'set_memory_ro', addr, n, (p) => ({ ...p, write: false }));
export const set_memory_rw = (m: AddressSpace, t: TraceRecorder, addr: bigint, n: number) =>
  change_page_attr(m, t, 'set_memory_rw', addr, n, (p) => ({ ...p, write: true }));
export const set_memory_x = (m: AddressSpace, t: TraceRecorder, addr: bigint, n: number) =>
  change_page_attr(m, t, 'set_memory_x', addr, n, (p) => ({ ...p, exec: true }));
export const set_memory_nx = (m: AddressSpace, t: TraceRecorder, addr: bigint, n: number) =>
  change_page_attr(m, t, 'set_memory_nx', addr, n, (p) => ({ ...p, exec: false }));
/** set_memory_rox() (6.x): _PAGE_RW and _PAGE_NX cleared in one pass, one flush: RO and X together. */
export const set_memory_rox = (m: AddressSpace, t: TraceRecorder, addr: bigint, n: number) =>
  change_page_attr(m, t, 'set_memory_rox', addr, n, () => ({ write: false, exec: true }));
