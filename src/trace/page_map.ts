// The memory map of a trace as a view model: every region any step allocated (in allocation
// order, so a layout stays put while the user steps), the sections copied into it, every write
// site, and the permission of each page at each step. Pure data, no DOM; built once per trace.
//
// Per-step permissions are snapshots of the replay (replay.ts): one Uint8Array of PermCode per
// region and step, shared with the previous step when nothing in that region changed, so looking
// up step N is O(1) and amdgpu.ko (2,356 + 277 pages, ~50 steps) costs a few hundred KiB.
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { PermCode } from './perm_code.ts';
import { PageReplay } from './replay.ts';
import type { Region, Trace } from './types.ts';
import { WRITE_PATHS } from './write_log.ts';

export interface SectionSpan {
  name: string;
  sectionIndex: number;
  /** Byte offset inside the region. */
  offset: number;
  size: number;
  nobits: boolean;
  /** Step of the copy (move_module). */
  step: number;
}

/** Every write (and fault) that landed in a region, as columns sorted by step then event. */
export interface SiteColumns {
  /** Byte offset inside the region. */
  offset: Uint32Array;
  length: Uint32Array;
  step: Uint32Array;
  /** Index of the event inside its step. */
  event: Uint32Array;
  /** SITE_* flags. */
  flags: Uint8Array;
  count: number;
}

const SITE_RELOCATION = 1;
export const SITE_FAULT = 2;
const SITE_TEXT_POKE = 4;

export interface RegionInfo {
  /** Stable id: the order of its alloc event in the trace. */
  id: number;
  region: Region;
  pages: number;
  allocStep: number;
  /** Step of its free event, if any. */
  freeStep?: number;
  sections: SectionSpan[];
  sites: SiteColumns;
}

export interface Lane {
  module: string;
  regions: RegionInfo[];
}

export interface PageMap {
  lanes: Lane[];
  /** All regions by id. */
  regions: RegionInfo[];
  /** perms[step][regionId]: the region's pages at the end of that step. */
  perms: Uint8Array[][];
  /** Steps that end with at least one RWX page. */
  rwxAtStep: Uint8Array;
  /** Number of write events per step (for the timeline's density strip). */
  writesAtStep: Uint32Array;
}

/** The region alive at `step` that contains `addr` (regions can reuse a freed region's address). */
export function regionAt(map: PageMap, addr: bigint, step: number): RegionInfo | undefined {
  for (let i = map.regions.length - 1; i >= 0; i--) {
    const r = map.regions[i]!;
    if (r.allocStep > step) continue;
    if (r.freeStep !== undefined && r.freeStep < step) continue;
    const off = addr - r.region.base;
    if (off >= 0n && off < BigInt(r.pages * PAGE_SIZE)) return r;
  }
  return undefined;
}

/** Site columns filled in place (a big module has ~300k sites: no per-site objects or boxing). */
class SiteBuilder {
  private c: SiteColumns = {
    offset: new Uint32Array(16),
    length: new Uint32Array(16),
    step: new Uint32Array(16),
    event: new Uint32Array(16),
    flags: new Uint8Array(16),
    count: 0,
  };

  push(offset: number, length: number, step: number, event: number, flags: number): void {
    let c = this.c;
    if (c.count === c.offset.length) c = this.c = resized(c, c.count * 2);
    const i = c.count++;
    c.offset[i] = offset;
    c.length[i] = length;
    c.step[i] = step;
    c.event[i] = event;
    c.flags[i] = flags;
  }

  done(): SiteColumns {
    return resized(this.c, this.c.count);
  }
}

function resized(c: SiteColumns, n: number): SiteColumns {
  const to = <T extends Uint32Array | Uint8Array>(a: T, b: T): T => (b.set(a.subarray(0, Math.min(c.count, n))), b);
  return {
    offset: to(c.offset, new Uint32Array(n)),
    length: to(c.length, new Uint32Array(n)),
    step: to(c.step, new Uint32Array(n)),
    event: to(c.event, new Uint32Array(n)),
    flags: to(c.flags, new Uint8Array(n)),
    count: c.count,
  };
}

export function buildPageMap(trace: Trace): PageMap {
  const replay = new PageReplay();
  const regions: RegionInfo[] = [];
  const sites: SiteBuilder[] = [];
  const live = (addr: bigint): RegionInfo | undefined => {
    const r = replay.regionOf(addr);
    return r && regions[r.id];
  };
  const perms: Uint8Array[][] = [];
  const nSteps = trace.steps.length;
  const rwxAtStep = new Uint8Array(nSteps);
  const writesAtStep = new Uint32Array(nSteps);

  for (const step of trace.steps) {
    const s = step.index;
    let ei = 0; // event index, every write counted
    for (const e of step.events) {
      switch (e.kind) {
        case 'alloc': {
          const { id, pages } = replay.apply(e)!;
          regions.push({ id, region: e.region, pages, allocStep: s, sections: [], sites: null! });
          sites.push(new SiteBuilder());
          break;
        }
        case 'free': {
          const r = replay.apply(e);
          if (r) regions[r.id]!.freeStep = s;
          break;
        }
        case 'perm':
          replay.apply(e);
          break;
        case 'copy': {
          const r = live(e.addr);
          if (r)
            r.sections.push({
              name: e.section,
              sectionIndex: e.sectionIndex,
              offset: Number(e.addr - r.region.base),
              size: e.size,
              nobits: e.nobits,
              step: s,
            });
          break;
        }
        case 'writes': {
          writesAtStep[s]! += e.count;
          const log = trace.writes;
          const poke = WRITE_PATHS.indexOf('text_poke');
          let r: RegionInfo | undefined;
          let base = 0n;
          let size = 0n;
          for (let i = e.from; i < e.from + e.count; i++, ei++) {
            const addr = log.addr[i]!;
            // consecutive writes nearly always land in the region of the one before
            let off = addr - base;
            if (!r || off < 0n || off >= size) {
              r = live(addr);
              if (!r) continue;
              base = r.region.base;
              size = BigInt(r.pages * PAGE_SIZE);
              off = addr - base;
            }
            sites[r.id]!.push(
              Number(off),
              log.size[i]!,
              s,
              ei,
              (log.relsec[i]! >= 0 ? SITE_RELOCATION : 0) | (log.path[i] === poke ? SITE_TEXT_POKE : 0),
            );
          }
          continue; // ei already advanced
        }
        case 'fault': {
          const r = live(e.addr);
          if (!r) break;
          sites[r.id]!.push(Number(e.addr - r.region.base), e.size, s, ei, SITE_FAULT);
          break;
        }
        default:
          break;
      }
      ei++;
    }
    const now = replay.snapshot();
    perms.push(now);
    rwxAtStep[s] = now.some((p) => p.includes(PermCode.RWX)) ? 1 : 0;
  }
  regions.forEach((r, i) => (r.sites = sites[i]!.done()));
  const lanes: Lane[] = [];
  for (const r of regions) {
    let lane = lanes.find((l) => l.module === r.region.module);
    if (!lane) lanes.push((lane = { module: r.region.module, regions: [] }));
    lane.regions.push(r);
  }
  return { lanes, regions, perms, rwxAtStep, writesAtStep };
}

/** Index range [lo, hi) of a region's sites written at `step` (sites are sorted by step). */
export function sitesOfStep(sites: SiteColumns, step: number): [number, number] {
  const lo = lowerBound(sites.step, step);
  return [lo, lowerBound(sites.step, step + 1)];
}

function lowerBound(a: Uint32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
