// A region of a crafted module can be a GiB (262,144 pages): the map lays it out as a picture of a
// few hundred rows, and paints runs of alike pages as at most three rectangles each.
import { describe, expect, it } from 'vitest';
import type { PageMap, RegionInfo } from '../trace/page_map.ts';
import { layoutMap, pageOrigin, runRects } from './map_layout.ts';

function mapOf(...pages: number[]): PageMap {
  const regions: RegionInfo[] = pages.map((n, id) => ({
    id,
    region: { module: 'm', name: id ? 'init' : 'core', base: BigInt(id) << 40n, size: n * 4096 },
    pages: n,
    allocStep: 0,
    sections: [],
    sites: {
      offset: new Uint32Array(),
      length: new Uint32Array(),
      step: new Uint32Array(),
      event: new Uint32Array(),
      flags: new Uint8Array(),
      count: 0,
    },
  }));
  return {
    lanes: [{ module: 'm', regions }],
    regions,
    perms: [],
    rwxAtStep: new Uint8Array(),
    writesAtStep: new Uint32Array(),
  };
}

describe('a huge region', () => {
  it('gets 1 px pages: 262,144 pages in 279 rows of 1 px, not 1,395 rows 8 px tall', () => {
    const l = layoutMap(mapOf(262_144, 262), 960);
    expect([l.pageW, l.pageH, l.gap, l.detailed]).toEqual([1, 1, 0, false]);
    expect([l.boxes[0]!.cols, l.boxes[0]!.rows]).toEqual([940, 279]);
    expect(l.height).toBe(384);
  });

  it('leaves a real module alone: amdgpu-sized regions keep 5 px pages', () => {
    const l = layoutMap(mapOf(2356, 277), 960);
    expect([l.pageW, l.pageH]).toEqual([5, 8]);
  });
});

describe('runRects', () => {
  const l = layoutMap(mapOf(1000), 120); // 100 px of room: 20 columns of 5 px
  const box = l.boxes[0]!;
  it('is one rectangle inside a row', () => {
    expect(box.cols).toBe(20);
    expect(runRects(l, box, 3, 7)).toEqual([{ ...pageOrigin(l, box, 3), w: 20, h: 8 }]);
  });
  it('is the rest of the first row, the whole rows between, and the start of the last', () => {
    expect(runRects(l, box, 15, 65)).toEqual([
      { x: 85, y: box.y, w: 25, h: 8 },
      { x: 10, y: box.y + 8, w: 100, h: 16 },
      { x: 10, y: box.y + 24, w: 25, h: 8 },
    ]);
  });
  it('is whole rows alone when the run starts and ends on row boundaries', () => {
    expect(runRects(l, box, 20, 1000)).toEqual([{ x: 10, y: box.y + 8, w: 100, h: 49 * 8 }]);
    expect(runRects(l, box, 5, 5)).toEqual([]);
  });
});
