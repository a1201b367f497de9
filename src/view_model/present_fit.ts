// How much the presenter mode enlarges the memory map: the largest scale at which the map, laid
// out for the width it gets at that scale, still fits the box it is shown in. Larger is easier to
// read from the back of a room; a map that would not fit even at 1 is shrunk as little as needed.
import type { PageMap } from '../trace/page_map.ts';
import { layoutMap } from './map_layout.ts';

export const PRESENT_SCALES = [2.4, 2.2, 2, 1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1, 0.9, 0.8, 0.7, 0.6] as const;

/** The scale for a box `width` × `height` CSS px (layoutMap at width / scale, drawn × scale). */
export function presentScale(map: PageMap, width: number, height: number, options: { compact?: boolean } = {}): number {
  if (width <= 0 || height <= 0) return 1;
  for (const s of PRESENT_SCALES) if (layoutMap(map, Math.floor(width / s), options).height * s <= height) return s;
  return PRESENT_SCALES.at(-1)!;
}
