// set_memory_ro/rw/x/nx() of arch/x86/mm/pat/set_memory.c (6.1): change _PAGE_RW or _PAGE_NX
// on `numpages` pages from `addr`. Only a PTE that really changes marks CPA_FLUSHTLB; then
// cpa_flush() shoots down the TLBs of all CPUs: page by page for up to
// tlb_single_page_flush_ceiling (33) pages, flush_tlb_all() above that.
import type { TraceRecorder } from '../../trace/recorder.ts';
import type { PagePerm } from '../../trace/types.ts';
import type { AddressSpace } from './address_space.ts';
import { PAGE_SIZE } from './page.ts';

const tlb_single_page_flush_ceiling = 33;

type SetMemoryFn = 'set_memory_ro' | 'set_memory_rw' | 'set_memory_x' | 'set_memory_nx' | 'set_memory_rox';

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
      : numpages > tlb_single_page_flush_ceiling
        ? 'flush_tlb_all'
        : 'flush_tlb_kernel_range';
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
