// Pages whose permission a step changed (alloc and free are not flips), from the snapshots.
import type { PageMap } from '../trace/page_map.ts';
import { PermCode } from '../trace/perm_code.ts';
import type { MapLayout, RegionBox } from './map_layout.ts';

/** One page of `box` whose permission went from `from` to `to` at the step. */
export interface Flip {
  box: RegionBox;
  page: number;
  from: PermCode;
  to: PermCode;
}

export function flipsAt(map: PageMap, layout: MapLayout, step: number): Flip[] {
  if (step <= 0) return [];
  const before = map.perms[step - 1] ?? [];
  const after = map.perms[step] ?? [];
  const out: Flip[] = [];
  after.forEach((now, id) => {
    const was = before[id];
    const box = layout.boxes[id];
    if (!was || was === now || !box) return;
    for (let p = 0; p < now.length; p++) {
      const from = was[p] as PermCode;
      const to = now[p] as PermCode;
      if (from === to || from === PermCode.None || to === PermCode.Freed || from === PermCode.Freed) continue;
      out.push({ box, page: p, from, to });
    }
  });
  return out;
}
