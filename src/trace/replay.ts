// State at a step, derived from the events up to it: which regions exist and what each of
// their pages allows. The trace stores changes only; any view can ask for any step.
import type { PagePerm, Region, Trace } from './types.ts';

export interface RegionState {
  region: Region;
  /** One entry per page of the region. */
  perms: PagePerm[];
  freed: boolean;
}

const PAGE = 4096n;

export function regionsAt(trace: Trace, stepIndex: number): RegionState[] {
  const regions: RegionState[] = [];
  const findPage = (addr: bigint) => {
    for (const r of regions) {
      if (r.freed) continue;
      const off = addr - r.region.base;
      if (off >= 0n && off < BigInt(r.region.size)) return { r, i: Number(off / PAGE) };
    }
    return undefined;
  };
  for (const step of trace.steps.slice(0, stepIndex + 1)) {
    for (const e of step.events) {
      if (e.kind === 'alloc')
        regions.push({
          region: e.region,
          perms: Array.from({ length: e.region.size / 4096 }, () => ({ ...e.perm })),
          freed: false,
        });
      else if (e.kind === 'free') {
        const r = regions.find((x) => !x.freed && x.region.base === e.region.base);
        if (r) r.freed = true;
      } else if (e.kind === 'perm') {
        for (const c of e.changed) {
          const hit = findPage(c.page);
          if (hit) hit.r.perms[hit.i] = { ...c.to };
        }
      }
    }
  }
  return regions;
}

export const permLetters = (p: PagePerm) => (p.write ? (p.exec ? 'rwx' : 'rw-') : p.exec ? 'r-x' : 'r--');
