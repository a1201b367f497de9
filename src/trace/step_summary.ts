// What a step changed, grouped for narration: permission flips per set_memory_* call with
// the pages and their old → new permission, writes by path, TLB flushes, syncs, states,
// printk lines and faults. Pure; reads only the step's own events (and the page map for names).

import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { writeStats } from './events.ts';
import { type PageMap, regionAt } from './page_map.ts';
import { PERM_LABEL, type PermCode, permCode } from './perm_code.ts';
import type { ModuleState, Step, Trace, WritePath } from './types.ts';

export interface FlipSummary {
  fn: string;
  addr: bigint;
  pages: number;
  flush: 'none' | 'flush_tlb_one_kernel' | 'flush_tlb_all';
  /** Changed pages: which region, which page of it, from → to. */
  changed: Array<{ module: string; region: string; page: number; from: PermCode; to: PermCode }>;
}

export interface StepSummary {
  flips: FlipSummary[];
  writesByPath: Array<{ path: WritePath; count: number; relocations: number }>;
  writes: number;
  copies: Array<{ module: string; section: string; size: number; nobits: boolean }>;
  allocs: Array<{ module: string; region: string; base: bigint; size: number }>;
  frees: Array<{ module: string; region: string; base: bigint }>;
  states: Array<{ module: string; from: ModuleState; to: ModuleState }>;
  syncs: Array<{ fn: string; why: string }>;
  printk: Array<{ level: string; text: string }>;
  faults: Array<{ addr: bigint; path: WritePath; oops: string[] }>;
  symbols: number;
}

export const FLUSH_TEXT: Record<FlipSummary['flush'], string> = {
  none: 'no TLB flush (no PTE changed)',
  flush_tlb_one_kernel: 'TLB flush: one IPI round, flush_tlb_one_kernel() of each page on every CPU',
  flush_tlb_all: 'TLB flush: flush_tlb_all(), one IPI round: every CPU drops its whole TLB',
};

export function summarizeStep(trace: Trace, step: Step, map: PageMap): StepSummary {
  const s: StepSummary = {
    flips: [],
    writesByPath: [],
    writes: 0,
    copies: [],
    allocs: [],
    frees: [],
    states: [],
    syncs: [],
    printk: [],
    faults: [],
    symbols: 0,
  };
  for (const e of step.events) {
    switch (e.kind) {
      case 'perm': {
        const changed = e.changed.map((c) => {
          const r = regionAt(map, c.page, step.index);
          return {
            module: r?.region.module ?? '?',
            region: r?.region.name ?? '?',
            page: r ? Number((c.page - r.region.base) / BigInt(PAGE_SIZE)) : -1,
            from: permCode(c.from),
            to: permCode(c.to),
          };
        });
        s.flips.push({ fn: e.fn, addr: e.addr, pages: e.pages, flush: e.flush, changed });
        break;
      }
      case 'copy':
        s.copies.push({ module: e.module, section: e.section, size: e.size, nobits: e.nobits });
        break;
      case 'alloc':
        s.allocs.push({ module: e.region.module, region: e.region.name, base: e.region.base, size: e.region.size });
        break;
      case 'free':
        s.frees.push({ module: e.region.module, region: e.region.name, base: e.region.base });
        break;
      case 'state':
        if (e.from !== e.to) s.states.push({ module: e.module, from: e.from, to: e.to });
        break;
      case 'sync':
        s.syncs.push({ fn: e.fn, why: e.why });
        break;
      case 'printk':
        s.printk.push({ level: e.level, text: e.text });
        break;
      case 'fault':
        s.faults.push({ addr: e.addr, path: e.path, oops: e.oops });
        break;
      case 'symbol':
        s.symbols++;
        break;
    }
  }
  const writes = writeStats(trace, step);
  s.writes = writes.count;
  s.writesByPath = writes.byPath.map((b) => ({ ...b }));
  return s;
}

/** "RW→RO" */
export const flipLabel = (from: PermCode, to: PermCode) => `${PERM_LABEL[from]}→${PERM_LABEL[to]}`;

export const WRITE_PATH_TEXT: Record<WritePath, string> = {
  memcpy: 'memcpy through the module’s own mapping (pages must be writable)',
  store: 'plain store `*loc = val` (5.4; pages must be writable)',
  text_poke: 'text_poke() through a temporary writable alias (poking_mm)',
  text_poke_early: 'text_poke_early(): memcpy while the module is not live',
  probe_kernel_write:
    'probe_kernel_write() (5.4 ftrace): a store into text made writable for it (module text, or the kernel text’s direct-map alias)',
};
