import { describe, expect, it } from 'vitest';
import { MAX_BODY_PX, realScroll, scrollScale } from './virtual_scroll.ts';

describe('scrollScale', () => {
  it('leaves 320k rows of 22 px as they are', () => {
    expect(scrollScale(320_000, 22, 26, 600)).toEqual({ body: 7_040_000, ratio: 1 });
  });
  it('caps 10 million rows at 8 million px and scales the scroll to reach the last row', () => {
    const s = scrollScale(10_000_000, 22, 26, 600);
    expect(s.body).toBe(MAX_BODY_PX);
    // the bottom of the real scroll is the bottom of the virtual one
    const maxReal = 26 + MAX_BODY_PX - 600;
    expect(maxReal * s.ratio).toBeCloseTo(26 + 220_000_000 - 600, 3);
    expect(realScroll(s, 26 + 220_000_000 - 600)).toBeCloseTo(maxReal, 6);
  });
});
