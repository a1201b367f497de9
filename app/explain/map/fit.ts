// The maths of useFitMap: how tall the memory map and the narration column may be so that what is
// above and under the map stays on screen. Positions are CSS pixels from the top of the scroll
// container's content (a scrolled container gives the same answer).

/** Neither gets shorter than this, whatever the screen: below it, the page scrolls instead. */
export const MIN_ROOM = 200;

export interface Frame {
  /** The scroll container: its visible height and its bottom padding. */
  height: number;
  paddingBottom: number;
}

/**
 * The map's max-height: the container's height less what is above the map (`top`) and what is
 * under it in the explainer's main column (`below`: step controls, timeline).
 */
export function mapRoom(frame: Frame, top: number, below: number): number {
  return Math.max(MIN_ROOM, Math.floor(frame.height - top - below - frame.paddingBottom - 2));
}

/** The narration column's max-height: it ends where the screen does. */
export function sideRoom(frame: Frame, top: number): number {
  return Math.max(MIN_ROOM, Math.floor(frame.height - top - frame.paddingBottom - 2));
}
