// Looking up a step's write events and where they landed, for the map marks, the write list
// and the write detail.

import { EM_X86_64 } from '../../../src/elf/constants.ts';
import { relocationTypeName } from '../../../src/elf/names.ts';
import { eventAt } from '../../../src/trace/events.ts';
import { type PageMap, type RegionInfo, regionAt, type SectionSpan } from '../../../src/trace/page_map.ts';
import type { Trace, WriteRecord } from '../../../src/trace/types.ts';

export type WriteEvent = WriteRecord;

export interface WriteRef {
  step: number;
  event: number;
  write: WriteEvent;
  region?: RegionInfo | undefined;
  offset: number;
  section?: SectionSpan | undefined;
}

export function sectionAt(info: RegionInfo, offset: number): SectionSpan | undefined {
  return info.sections.find((s) => offset >= s.offset && offset < s.offset + Math.max(1, s.size));
}

export function writeRef(trace: Trace, map: PageMap, step: number, event: number): WriteRef | undefined {
  const s = trace.steps[step];
  const e = s && eventAt(trace, s, event);
  if (e?.kind !== 'write') return undefined;
  const region = regionAt(map, e.addr, step);
  const offset = region ? Number(e.addr - region.region.base) : 0;
  return { step, event, write: e, region, offset, section: region ? sectionAt(region, offset) : undefined };
}

export const relocName = (type: number) => relocationTypeName(EM_X86_64, type);

/** ".text+0x1a" */
export function placeLabel(ref: WriteRef): string {
  if (!ref.region) return `0x${ref.write.addr.toString(16)}`;
  if (!ref.section) return `${ref.region.region.name}+0x${ref.offset.toString(16)}`;
  return `${ref.section.name}+0x${(ref.offset - ref.section.offset).toString(16)}`;
}

/** "R_X86_64_PLT32 → printk" or the write's own description. */
export function writeWhat(w: WriteEvent): string {
  if (w.cause) return `${relocName(w.cause.type)} → ${w.cause.symbol || '(section)'}`;
  return w.what ?? 'write';
}
