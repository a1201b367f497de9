// Zooming a big module's map: xfs.ko's 1.9 MiB core (486 pages) and its init, on a 1000 px view.
import { describe, expect, it } from 'vitest';
import type { PageMap, RegionInfo } from '../trace/page_map.ts';
import { layoutMap } from './map_layout.ts';
import {
  clampPan,
  clampZoom,
  contentWidth,
  maxZoom,
  pageUnder,
  panAround,
  panToFraction,
  visiblePages,
  visibleWindow,
  zoomedLayout,
} from './map_zoom.ts';

function region(id: number, name: string, pages: number): RegionInfo {
  return {
    id,
    region: { module: 'xfs', name, base: 0xffffffffc0000000n + BigInt(id) * 0x1000000n, size: pages * 4096 },
    pages,
    allocStep: 0,
    sections: [],
    sites: { count: 0, step: new Uint32Array(), event: new Uint32Array(), offset: new Uint32Array() },
  } as unknown as RegionInfo;
}
const regions = [region(0, 'core', 486), region(1, 'init', 12)];
const map = {
  lanes: [{ module: 'xfs', regions }],
  regions,
  perms: [],
  rwxAtStep: new Uint8Array(),
  writesAtStep: new Uint32Array(),
} as unknown as PageMap;
const VIEW = 1000;

describe('map zoom', () => {
  it('unzoomed, the core is a strip of 5 px pages in 3 rows', () => {
    const l = zoomedLayout(map, VIEW, 1);
    expect([l.pageW, l.pageH, l.boxes[0]!.cols, l.boxes[0]!.rows]).toEqual([5, 8, 196, 3]);
    expect(contentWidth(l)).toBe(1000);
  });

  it('zoom clamps between 1 and the zoom at which the core’s pages are 320 px wide', () => {
    expect(maxZoom(map, VIEW)).toBe(156);
    expect(clampZoom(0.2, 156)).toBe(1);
    expect(clampZoom(400, 156)).toBe(156);
    expect(clampZoom(Number.NaN, 156)).toBe(1);
    expect(clampZoom(12.5, 156)).toBe(12.5);
  });

  it('zoomed 40×: the core unwraps into one row of readable, detailed pages', () => {
    const l = zoomedLayout(map, VIEW, 40);
    expect([l.pageW, l.detailed, l.boxes[0]!.rows, l.boxes[0]!.cols]).toEqual([82, true, 1, 486]);
    expect(contentWidth(l)).toBe(10 + 486 * 82 + 10);
  });

  it('pan is clamped to the content', () => {
    const l = zoomedLayout(map, VIEW, 40);
    expect(clampPan(-50, l, VIEW)).toBe(0);
    expect(clampPan(1e9, l, VIEW)).toBe(contentWidth(l) - VIEW);
    expect(clampPan(1234.4, l, VIEW)).toBe(1234);
    expect(clampPan(300, layoutMap(map, VIEW), VIEW)).toBe(0);
  });

  it('zooming around the pointer keeps the byte under it under it', () => {
    const before = zoomedLayout(map, VIEW, 10);
    const after = zoomedLayout(map, VIEW, 15);
    const pan = 2000;
    const px = 400;
    const py = before.boxes[0]!.y + 2;
    const was = pageUnder(before, pan, px, py)!;
    expect(was.page).toBe(Math.floor((pan + px - 10) / before.pageW));
    const next = panAround(before, after, pan, px, py, VIEW);
    const now = pageUnder(after, next, px, after.boxes[0]!.y + 2)!;
    expect(now.page).toBe(was.page);
    expect(Math.abs(now.offset - was.offset)).toBeLessThan(4096 / after.pageW + 1);
  });

  it('zooming in from the unzoomed map follows a page on the 2nd row', () => {
    const before = zoomedLayout(map, VIEW, 1);
    const after = zoomedLayout(map, VIEW, 20);
    // row 1, column 100 of the core: page 296
    const py = before.boxes[0]!.y + before.pageH + before.gap + 2;
    expect(pageUnder(before, 0, 10 + 100 * 5 + 2, py)!.page).toBe(296);
    const next = panAround(before, after, 0, 512, py, VIEW);
    expect(pageUnder(after, next, 512, after.boxes[0]!.y + 2)!.page).toBe(296);
  });

  it('off the pages, zooming scales the pan with the content', () => {
    const before = zoomedLayout(map, VIEW, 10);
    const after = zoomedLayout(map, VIEW, 20);
    const next = panAround(before, after, 1000, 500, 1, VIEW);
    expect(next).toBe(Math.round(1500 * (contentWidth(after) / contentWidth(before)) - 500));
  });

  it('page under the cursor: none between regions, the right page and offset on one', () => {
    const l = zoomedLayout(map, VIEW, 40);
    const y = l.boxes[0]!.y + 10;
    expect(pageUnder(l, 0, 5, y)).toBeUndefined();
    const at = pageUnder(l, 820, 10 + 41, y)!;
    expect([at.box.info.region.name, at.page]).toEqual(['core', 10]);
    expect(at.offset).toBe(10 * 4096 + Math.floor((41 / (82 - 3)) * 4096));
  });

  it('the overview window and a click on it', () => {
    const l = zoomedLayout(map, VIEW, 40);
    const c = contentWidth(l);
    expect(visibleWindow(l, 0, VIEW)).toEqual({ left: 0, width: VIEW / c });
    expect(visibleWindow(l, c - VIEW, VIEW).left).toBeCloseTo(1 - VIEW / c, 12);
    expect(panToFraction(l, 0.5, VIEW)).toBe(Math.round(c / 2 - VIEW / 2));
    expect(panToFraction(l, 0, VIEW)).toBe(0);
    expect(visibleWindow(layoutMap(map, VIEW), 0, VIEW)).toEqual({ left: 0, width: 1 });
  });

  it('the pages in view, partly shown ones included', () => {
    const l = zoomedLayout(map, VIEW, 40);
    const v = visiblePages(l, 82 * 100, VIEW)!;
    expect([v.box.info.region.name, v.from, v.to]).toEqual(['core', 99, 112]);
    expect(visiblePages(zoomedLayout(map, VIEW, 1), 0, VIEW)).toBeUndefined();
  });
});
