// Scroll geometry of a windowed table whose rows would be taller than a browser lets an element
// be (Chromium stops near 33.5 million px: 1.5 million rows of 22 px): the scrolled body is
// capped and the scroll position scaled, so the 10,000,000th relocation is reachable too.

/** Height of the scrolled body at most: well under every browser's limit on an element's size. */
export const MAX_BODY_PX = 8_000_000;

export interface ScrollScale {
  /** Height given to the body element. */
  body: number;
  /** Virtual px per scrolled px (1 when the rows fit). */
  ratio: number;
}

/** `head`: px above the body inside the scroller; `client`: the scroller's height. */
export function scrollScale(rows: number, rowHeight: number, head: number, client: number): ScrollScale {
  const total = rows * rowHeight;
  if (total <= MAX_BODY_PX) return { body: total, ratio: 1 };
  const maxReal = head + MAX_BODY_PX - client;
  const maxVirtual = head + total - client;
  return { body: MAX_BODY_PX, ratio: maxReal > 0 ? maxVirtual / maxReal : 1 };
}

/** The scroller's scrollTop that shows virtual position `virtual`. */
export function realScroll(scale: ScrollScale, virtual: number): number {
  return virtual / scale.ratio;
}
