// The presenter's map scale on the sample target and livepatch loaded on 6.1.
import { describe, expect, it } from 'vitest';
import { decodedModule } from '../engine/modules.ts';
import { run } from '../engine/run.ts';
import { builtinVmlinux, demoModules } from '../test_support/demo_modules.ts';
import { buildPageMap } from '../trace/page_map.ts';
import { layoutMap } from './map_layout.ts';
import { PRESENT_SCALES, presentScale } from './present_fit.ts';

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
const fits = (s: number, w: number, h: number) => layoutMap(map, Math.floor(w / s)).height * s <= h;

describe('presenter map scale', () => {
  it('the largest scale that fits, and the next one up does not', () => {
    for (const [w, h] of [
      [800, 620],
      [1200, 960],
      [600, 400],
    ] as const) {
      const s = presentScale(map, w, h);
      expect(fits(s, w, h), `${w}×${h} at ${s}`).toBe(true);
      const up = PRESENT_SCALES[PRESENT_SCALES.indexOf(s as (typeof PRESENT_SCALES)[number]) - 1];
      if (up !== undefined) expect(fits(up, w, h), `${w}×${h} at ${up}`).toBe(false);
    }
  });

  it('a huge box takes the largest scale; a box too small for anything the smallest', () => {
    expect(presentScale(map, 4000, 4000)).toBe(2.4);
    expect(presentScale(map, 300, 40)).toBe(0.6);
    expect(presentScale(map, 0, 500)).toBe(1);
  });
});
