// Page permissions replayed from a trace's events: which regions exist and what each of their
// pages allows. The trace stores changes only; this is the one replay of them. The page map
// (page_map.ts) snapshots it at the end of every step, the auditor (src/audit/auditor.ts) reads
// it between events, and the text views ask regionsAt() for any one step.
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { PermCode, permCode } from './perm_code.ts';
import type { PagePerm, Region, StoredEvent, Trace } from './types.ts';

/** A region an alloc event created. */
export interface ReplayRegion {
  /** Stable id: the order of its alloc event in the trace. */
  id: number;
  region: Region;
  pages: number;
  /** Its free event has been applied. */
  freed: boolean;
}

export class PageReplay {
  /** Every region allocated so far, by id. */
  readonly regions: ReplayRegion[] = [];
  /** The regions not freed, in allocation order. */
  readonly live: ReplayRegion[] = [];
  /** PermCodes of each region's pages now, by id (all Freed once the region is freed). */
  private codes: Uint8Array[] = [];
  /** Ids whose array no snapshot shares, so an event may change it in place. */
  private readonly unshared = new Set<number>();

  /** Applies an alloc, free or perm event (no other kind changes a page); returns the region allocated or freed. */
  apply(e: StoredEvent): ReplayRegion | undefined {
    switch (e.kind) {
      case 'alloc': {
        const pages = Math.ceil(e.region.size / PAGE_SIZE);
        const r: ReplayRegion = { id: this.regions.length, region: e.region, pages, freed: false };
        this.regions.push(r);
        this.live.push(r);
        this.codes[r.id] = new Uint8Array(pages).fill(permCode(e.perm));
        this.unshared.add(r.id);
        return r;
      }
      case 'free': {
        const at = this.live.findIndex((r) => r.region.base === e.region.base);
        if (at < 0) return undefined;
        const r = this.live[at]!;
        this.live.splice(at, 1);
        r.freed = true;
        this.own(r.id).fill(PermCode.Freed);
        return r;
      }
      case 'perm':
        for (const c of e.changed) {
          const r = this.regionOf(c.page);
          if (r) this.own(r.id)[Number((c.page - r.region.base) / BigInt(PAGE_SIZE))] = permCode(c.to);
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /** The live region holding `addr`: the latest allocated (vmalloc may hand out a freed range again). */
  regionOf(addr: bigint): ReplayRegion | undefined {
    for (let i = this.live.length - 1; i >= 0; i--) {
      const r = this.live[i]!;
      const off = addr - r.region.base;
      if (off >= 0n && off < BigInt(r.pages * PAGE_SIZE)) return r;
    }
    return undefined;
  }

  /** PermCodes of region `id`'s pages now; read only. */
  pagesOf(id: number): Uint8Array {
    return this.codes[id]!;
  }

  /**
   * Every region's PermCodes now, by id, frozen: a later event copies a region's array before
   * changing it, so one snapshot per step costs only the regions that step changed.
   */
  snapshot(): Uint8Array[] {
    const now = this.codes;
    this.codes = now.slice();
    this.unshared.clear();
    return now;
  }

  private own(id: number): Uint8Array {
    if (!this.unshared.has(id)) {
      this.codes[id] = this.codes[id]!.slice();
      this.unshared.add(id);
    }
    return this.codes[id]!;
  }
}

export interface RegionState {
  region: Region;
  /** One entry per page of the region; none once it is freed. */
  perms: PagePerm[];
  freed: boolean;
}

const PAGE_PERM: Partial<Record<PermCode, PagePerm>> = {
  [PermCode.RO]: { write: false, exec: false },
  [PermCode.RX]: { write: false, exec: true },
  [PermCode.RW]: { write: true, exec: false },
  [PermCode.RWX]: { write: true, exec: true },
};

/** Every region allocated up to the end of step `stepIndex`, in allocation order. */
export function regionsAt(trace: Trace, stepIndex: number): RegionState[] {
  const replay = new PageReplay();
  for (const step of trace.steps.slice(0, stepIndex + 1)) for (const e of step.events) replay.apply(e);
  return replay.regions.map((r) => ({
    region: r.region,
    perms: r.freed ? [] : Array.from(replay.pagesOf(r.id), (c) => ({ ...PAGE_PERM[c as PermCode]! })),
    freed: r.freed,
  }));
}

export const permLetters = (p: PagePerm) => (p.write ? (p.exec ? 'rwx' : 'rw-') : p.exec ? 'r-x' : 'r--');
