// Zooming and panning the memory map. A zoomed map is the map laid out for a wider screen
// (layoutMap at width × zoom: pages grow, a big region's rows unwrap into one long row, and past
// 56 px a page gets its badge, sections and offset), seen through a window of the screen's width
// that pans horizontally. Plain maths on MapLayout; the canvas and its overview strip use it.
import type { PageMap } from '../trace/page_map.ts';
import {
  type LayoutOptions,
  layoutMap,
  type MapLayout,
  offsetToView,
  type RegionBox,
  viewToOffset,
} from './map_layout.ts';

export const MIN_ZOOM = 1;
/** One key press or button: ×1.5 in, ÷1.5 out. */
export const ZOOM_STEP = 1.5;
/** What a page may grow to (px) before zooming further stops: a page and its labels fill it. */
const MAX_ZOOMED_PAGE_W = 320;

/** The map at `zoom`, for a view `width` px wide; a shared page width (maxPageW) grows with the zoom. */
export function zoomedLayout(map: PageMap, width: number, zoom: number, options: LayoutOptions = {}) {
  const { maxPageW, ...rest } = options;
  return layoutMap(map, Math.round(width * zoom), maxPageW ? { ...rest, maxPageW: maxPageW * zoom } : rest);
}

/**
 * The largest useful zoom: the one at which the biggest region's pages, on one row, are
 * MAX_ZOOMED_PAGE_W wide (layoutMap caps pages below that, so more zoom would only add blank).
 */
export function maxZoom(map: PageMap, width: number): number {
  const maxPages = Math.max(1, ...map.regions.map((r) => r.pages));
  return Math.max(MIN_ZOOM, Math.ceil((maxPages * MAX_ZOOMED_PAGE_W) / Math.max(1, width)));
}

export function clampZoom(zoom: number, max: number): number {
  if (!Number.isFinite(zoom)) return MIN_ZOOM;
  return Math.min(max, Math.max(MIN_ZOOM, zoom));
}

/** How far right the map's content reaches (a zoomed layout's pages may stop short of its width). */
export function contentWidth(layout: MapLayout): number {
  let right = 0;
  for (const box of layout.boxes) if (box) right = Math.max(right, box.x + box.cols * layout.pageW);
  return Math.min(layout.width, Math.ceil(right + 10));
}

/** The pan (content x at the view's left edge) kept so the view never shows past the content. */
export function clampPan(pan: number, layout: MapLayout, view: number): number {
  return Math.max(0, Math.min(Math.max(0, contentWidth(layout) - view), Math.round(pan)));
}

/**
 * The pan of `after` that keeps what was under the pointer (view x `px`, content y `py` in
 * `before`) under it: the byte under the pointer when there is one (rows unwrap as the map
 * zooms, so a page moves in both axes), else the same fraction of the content's width.
 */
export function panAround(before: MapLayout, after: MapLayout, pan: number, px: number, py: number, view: number) {
  const at = viewToOffset(before, pan + px, py);
  if (at) {
    const box = after.boxes[at.box.info.id];
    if (box) return clampPan(offsetToView(after, box, at.offset).x - px, after, view);
  }
  const ratio = contentWidth(after) / Math.max(1, contentWidth(before));
  return clampPan((pan + px) * ratio - px, after, view);
}

export interface PageUnder {
  box: RegionBox;
  page: number;
  /** Byte offset in the region. */
  offset: number;
}

/** The page under a view point (x from the view's left edge, y from the map's top). */
export function pageUnder(layout: MapLayout, pan: number, px: number, py: number): PageUnder | undefined {
  return viewToOffset(layout, pan + px, py);
}

/** The visible window as fractions of the content's width, for the overview strip. */
export function visibleWindow(layout: MapLayout, pan: number, view: number): { left: number; width: number } {
  const content = Math.max(1, contentWidth(layout));
  const width = Math.min(1, view / content);
  return { left: Math.min(1 - width, Math.max(0, pan / content)), width };
}

/** The pan that centres the view on a fraction of the content's width (a click on the overview). */
export function panToFraction(layout: MapLayout, fraction: number, view: number): number {
  return clampPan(fraction * contentWidth(layout) - view / 2, layout, view);
}

/** The first and last page (of the widest region) the view shows, for the readout. */
export function visiblePages(
  layout: MapLayout,
  pan: number,
  view: number,
): { box: RegionBox; from: number; to: number } | undefined {
  let widest: RegionBox | undefined;
  for (const box of layout.boxes) if (box && (!widest || box.info.pages > widest.info.pages)) widest = box;
  if (widest?.rows !== 1) return undefined;
  const from = Math.max(0, Math.floor((pan - widest.x) / layout.pageW));
  const to = Math.min(widest.info.pages - 1, Math.floor((pan + view - widest.x - 1) / layout.pageW));
  return from > to ? undefined : { box: widest, from, to };
}
