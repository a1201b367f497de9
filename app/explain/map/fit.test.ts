// How tall the map and the narration column may be (useFitMap's maths).
import { describe, expect, it } from 'vitest';
import { MIN_ROOM, mapRoom, sideRoom } from './fit.ts';

describe('fitting the map to the screen', () => {
  // 1280×720 with the app header: a 656 px scroll container with 16 px of bottom padding.
  const frame = { height: 656, paddingBottom: 16 };

  it('the map gets what is left between what is above it and the controls and timeline under it', () => {
    // picker, status and legend above (190 px); step controls and timeline under (210 px)
    expect(mapRoom(frame, 190, 210)).toBe(656 - 190 - 210 - 16 - 2);
  });

  it('never less than MIN_ROOM: on a short screen the page scrolls instead', () => {
    expect(mapRoom(frame, 300, 300)).toBe(MIN_ROOM);
    expect(mapRoom({ height: 120, paddingBottom: 0 }, 0, 0)).toBe(MIN_ROOM);
  });

  it('whole pixels, rounded down (a fraction would scroll by one pixel)', () => {
    expect(mapRoom({ height: 700.6, paddingBottom: 0.5 }, 100.25, 200)).toBe(397);
  });

  it('a wider picker (more rows) takes from the map, not from the timeline', () => {
    expect(mapRoom(frame, 150 + 40, 210)).toBe(mapRoom(frame, 150, 210) - 40);
  });

  it('the narration column ends at the bottom of the screen', () => {
    expect(sideRoom(frame, 120)).toBe(656 - 120 - 16 - 2);
    expect(sideRoom(frame, 600)).toBe(MIN_ROOM);
  });
});
