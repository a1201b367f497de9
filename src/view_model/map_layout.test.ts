// The memory map's geometry on the sample target and livepatch loaded on 6.1: lanes and regions
// never overlap and stay inside the map, regions sit side by side on a wide map and stack on a
// narrow one, and a point maps back to the byte offset it was drawn for.
import { describe, expect, it } from 'vitest';
import { decodedModule } from '../engine/modules.ts';
import { run } from '../engine/run.ts';
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { buildPageMap } from '../trace/page_map.ts';
import { layoutMap, type MapLayout, offsetToView, pageOrigin, sharedPageW, viewToOffset } from './map_layout.ts';

const { T, P } = await demoModules();
const r = await run(
  {
    kind: 'sequence',
    kernel: '6.1',
    fakeMissingSymbols: false,
    ops: [
      { op: 'insmod', module: T! },
      { op: 'insmod', module: P! },
    ],
  },
  decodedModule,
  { vmlinux: builtinVmlinux() },
);
const map = buildPageMap(r.trace);
// The patch loaded alone: another map, which takes another page width when drawn alone.
const r2 = await run(
  { kind: 'sequence', kernel: '6.1', fakeMissingSymbols: false, ops: [{ op: 'insmod', module: P! }] },
  decodedModule,
  { vmlinux: builtinVmlinux() },
);
const patchOnly = buildPageMap(r2.trace);

/** Every page's rectangle, by region. */
function pageRects(l: MapLayout) {
  return l.boxes.flatMap((b) =>
    Array.from({ length: b.info.pages }, (_, p) => ({ id: b.info.id, ...pageOrigin(l, b, p), w: l.pageW, h: l.pageH })),
  );
}

function expectInsideAndApart(l: MapLayout) {
  const rects = pageRects(l);
  for (const a of rects) {
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.x + a.w).toBeLessThanOrEqual(l.width);
    expect(a.y + a.h).toBeLessThanOrEqual(l.height);
  }
  for (let i = 0; i < rects.length; i++)
    for (let j = i + 1; j < rects.length; j++) {
      const [a, b] = [rects[i]!, rects[j]!];
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      expect(apart, `pages of regions ${a.id} and ${b.id} overlap`).toBe(true);
    }
  for (let i = 1; i < l.lanes.length; i++)
    expect(l.lanes[i]!.y).toBeGreaterThanOrEqual(l.lanes[i - 1]!.y + l.lanes[i - 1]!.height);
}

describe('map layout', () => {
  it('one lane per module, in the page map’s order, every region boxed once', () => {
    const l = layoutMap(map, 1200);
    expect(l.lanes.map((x) => x.module)).toEqual(map.lanes.map((x) => x.module));
    expect(l.boxes.filter(Boolean)).toHaveLength(map.regions.length);
  });

  it('wide: a lane’s regions side by side on one row, large detailed pages', () => {
    const l = layoutMap(map, 1400);
    expect(l.detailed).toBe(true);
    for (const lane of l.lanes) {
      expect(new Set(lane.regions.map((b) => b.y)).size).toBe(1);
      for (const b of lane.regions) expect(b.rows).toBe(1);
    }
    expectInsideAndApart(l);
  });

  it('narrow: regions stacked one under the other, wrapping at the map’s width', () => {
    const l = layoutMap(map, 260);
    for (const lane of l.lanes)
      for (let i = 1; i < lane.regions.length; i++) expect(lane.regions[i]!.y).toBeGreaterThan(lane.regions[i - 1]!.y);
    for (const b of l.boxes.filter(Boolean)) expect(b.cols * b.rows).toBeGreaterThanOrEqual(b.info.pages);
    expectInsideAndApart(l);
  });

  it('one page width for the whole map; compact columns draw shorter pages', () => {
    const full = layoutMap(map, 1400);
    const compact = layoutMap(map, 1400, { compact: true });
    expect(compact.pageH).toBeLessThan(full.pageH);
    expectInsideAndApart(compact);
  });

  it('a point maps back to the page and byte it was drawn for', () => {
    for (const width of [1400, 700, 260]) {
      const l = layoutMap(map, width);
      const bytesPerPx = PAGE_SIZE / (l.pageW - l.gap);
      for (const b of l.boxes.filter(Boolean))
        for (const offset of [0, 100, PAGE_SIZE - 1, b.info.pages * PAGE_SIZE - 1]) {
          const at = offsetToView(l, b, offset);
          const back = viewToOffset(l, at.x, at.y);
          expect(back?.box).toBe(b);
          expect(back?.page).toBe(Math.floor(offset / PAGE_SIZE));
          expect(Math.abs(back!.offset - offset)).toBeLessThanOrEqual(Math.ceil(bytesPerPx));
        }
      expect(viewToOffset(l, 0, 0)).toBeUndefined();
    }
  });

  it('maps side by side share one page width: the smallest any takes alone, and each still fits', () => {
    const alone = [layoutMap(map, 400, { compact: true }).pageW, layoutMap(patchOnly, 400, { compact: true }).pageW];
    expect(alone).toEqual([95, 60]);
    const w = sharedPageW([map, patchOnly], 400, { compact: true });
    expect(w).toBe(Math.min(...alone));
    for (const m of [map, patchOnly]) {
      const l = layoutMap(m, 400, { compact: true, maxPageW: w });
      expect(l.pageW).toBe(w);
      expectInsideAndApart(l);
    }
  });
});
