// Geometry of the memory map, shared by the canvas (app/explain/map/map_draw.ts) and the SVG export
// (src/export/step_svg.ts); plain maths, no DOM. "View space" = CSS pixels of the map. One lane per
// module, one row block per region, pages left to right, wrapping when a region has more pages
// than fit. One page width for the whole map, so page sizes compare across modules.
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import type { PageMap, RegionInfo } from '../trace/page_map.ts';

export interface RegionBox {
  info: RegionInfo;
  /** Top-left of the page grid. */
  x: number;
  y: number;
  /** Baseline of the region's label line. */
  labelY: number;
  /** Room for the label: up to the next region of the row, else the map's right edge. */
  labelW: number;
  cols: number;
  rows: number;
}

export interface LaneBox {
  module: string;
  y: number;
  height: number;
  regions: RegionBox[];
}

export interface MapLayout {
  width: number;
  height: number;
  pageW: number;
  pageH: number;
  /** Gap between pages, px. */
  gap: number;
  /** Pages are large enough for badges, section names and marks. */
  detailed: boolean;
  lanes: LaneBox[];
  /** By region id. */
  boxes: RegionBox[];
}

const PAD = 10;
const LANE_HEADER = 22;
const REGION_LABEL = 18;
const REGION_GAP = 8;
const REGION_HGAP = 18;
const LANE_GAP = 10;
const MAX_PAGE_W = 230;
const MIN_PAGE_W = 5;
/** Rows of pages of MIN_PAGE_W beyond which a region's pages get smaller still (see layoutMap). */
const MAX_ROWS = 96;
/** Below this page width regions are stacked, one per row block, instead of side by side. */
const ROW_MODE_MIN_W = 96;

export interface LayoutOptions {
  /** Shorter pages and side-by-side regions down to a smaller page (comparison columns). */
  compact?: boolean;
  /** At most this page width: several maps drawn at one scale (see sharedPageW). */
  maxPageW?: number;
}

export function layoutMap(map: PageMap, width: number, options: LayoutOptions = {}): MapLayout {
  const compact = options.compact ?? false;
  const avail = Math.max(100, width - 2 * PAD);
  // Side by side: a lane's regions share one row when its pages all fit at a readable width.
  const widest = Math.max(1, ...map.lanes.map((l) => l.regions.reduce((n, r) => n + r.pages, 0)));
  const mostRegions = Math.max(1, ...map.lanes.map((l) => l.regions.length));
  const rowW = Math.floor((avail - REGION_HGAP * (mostRegions - 1)) / widest);
  const rowMode = rowW >= (compact ? 60 : ROW_MODE_MIN_W);
  const maxPages = Math.max(1, ...map.regions.map((r) => r.pages));
  const natural = rowMode
    ? Math.min(MAX_PAGE_W, rowW)
    : Math.max(MIN_PAGE_W, Math.min(MAX_PAGE_W, Math.floor(avail / maxPages)));
  // A region too big for MAX_ROWS rows of the smallest pages (a crafted 1 GiB module is 262,144
  // pages: 11,000 px of rows) gets square pages of 1-4 px, so the map stays a picture.
  const huge = !rowMode && Math.ceil(maxPages / Math.floor(avail / MIN_PAGE_W)) > MAX_ROWS;
  const smallest = huge ? Math.max(1, Math.min(MIN_PAGE_W - 1, Math.floor((avail * MAX_ROWS) / maxPages))) : MIN_PAGE_W;
  const pageW = Math.max(smallest, Math.min(huge ? smallest : natural, options.maxPageW ?? natural));
  const detailed = pageW >= 56;
  const gap = detailed ? 3 : pageW >= 10 ? 1 : 0;
  const pageH = detailed ? (compact ? 72 : 92) : pageW < MIN_PAGE_W ? pageW : Math.max(8, Math.min(pageW, 16));
  const cols = Math.max(1, Math.floor((avail + gap) / pageW));
  const lanes: LaneBox[] = [];
  const boxes: RegionBox[] = [];
  let y = PAD;
  for (const lane of map.lanes) {
    const box: LaneBox = { module: lane.module, y, height: 0, regions: [] };
    let ry = y + LANE_HEADER;
    let rx = PAD;
    for (const info of lane.regions) {
      const rows = rowMode ? 1 : Math.ceil(info.pages / cols);
      const rb: RegionBox = {
        info,
        x: rx,
        y: ry + REGION_LABEL,
        labelY: ry + 13,
        labelW: 0,
        cols: rowMode ? info.pages : Math.min(cols, info.pages),
        rows,
      };
      box.regions.push(rb);
      boxes[info.id] = rb;
      if (rowMode) rx += info.pages * pageW + REGION_HGAP;
      else ry += REGION_LABEL + rows * (pageH + gap) + REGION_GAP;
    }
    if (rowMode) ry += REGION_LABEL + pageH + gap + REGION_GAP;
    box.regions.forEach((rb, i) => {
      const next = rowMode ? box.regions[i + 1] : undefined;
      rb.labelW = (next ? next.x - 6 : width - PAD) - rb.x;
    });
    box.height = ry - y;
    lanes.push(box);
    y = ry + LANE_GAP;
  }
  return { width, height: y + PAD, pageW, pageH, gap, detailed, lanes, boxes };
}

/**
 * The one page width at which every map fits `width`: the smallest any of them would take alone,
 * so that maps drawn side by side (a comparison's columns) compare page for page.
 */
export function sharedPageW(maps: readonly PageMap[], width: number, options: { compact?: boolean } = {}): number {
  return Math.min(MAX_PAGE_W, ...maps.map((m) => layoutMap(m, width, options).pageW));
}

/** Top-left corner of page `page` of a region box. */
export function pageOrigin(layout: MapLayout, box: RegionBox, page: number): { x: number; y: number } {
  const col = page % box.cols;
  const row = Math.floor(page / box.cols);
  return { x: box.x + col * layout.pageW, y: box.y + row * (layout.pageH + layout.gap) };
}

/** View-space x of a byte offset inside a region, with its page's origin. */
export function offsetToView(layout: MapLayout, box: RegionBox, offset: number): { x: number; y: number } {
  const page = Math.floor(offset / PAGE_SIZE);
  const o = pageOrigin(layout, box, page);
  const inner = layout.pageW - layout.gap;
  return { x: o.x + ((offset % PAGE_SIZE) / PAGE_SIZE) * inner, y: o.y };
}

/** The region and byte offset under a view-space point, if any. */
export function viewToOffset(
  layout: MapLayout,
  px: number,
  py: number,
): { box: RegionBox; page: number; offset: number } | undefined {
  for (const box of layout.boxes) {
    if (!box) continue;
    if (px < box.x || py < box.y) continue;
    const col = Math.floor((px - box.x) / layout.pageW);
    const row = Math.floor((py - box.y) / (layout.pageH + layout.gap));
    if (col >= box.cols || row >= box.rows) continue;
    const page = row * box.cols + col;
    if (page >= box.info.pages) continue;
    const inner = layout.pageW - layout.gap;
    const within = Math.min(1, Math.max(0, (px - box.x - col * layout.pageW) / inner));
    return { box, page, offset: page * PAGE_SIZE + Math.floor(within * PAGE_SIZE) };
  }
  return undefined;
}

/** Pages of 1-4 px (a huge region): a written page is shown by colouring its run, not by a dot. */
export function tinyPages(layout: MapLayout): boolean {
  return layout.pageW < MIN_PAGE_W;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The area of pages [from, to) of a region as at most three rectangles (the rest of the first
 * row, the whole rows between, the start of the last row): a run of a million alike pages is
 * painted as one shape, not a million. Only for gapless grids (gap 0), where it is exact.
 */
export function runRects(layout: MapLayout, box: RegionBox, from: number, to: number): Rect[] {
  const out: Rect[] = [];
  const rowH = layout.pageH + layout.gap;
  const row = (p: number) => Math.floor(p / box.cols);
  const span = (a: number, b: number) => {
    const o = pageOrigin(layout, box, a);
    out.push({ x: o.x, y: o.y, w: (b - a) * layout.pageW - layout.gap, h: layout.pageH });
  };
  if (to <= from) return out;
  const r0 = row(from);
  const r1 = row(to - 1);
  if (r0 === r1) {
    span(from, to);
    return out;
  }
  let a = from;
  if (a % box.cols) {
    span(a, (r0 + 1) * box.cols);
    a = (r0 + 1) * box.cols;
  }
  const fullTo = to % box.cols ? r1 * box.cols : to;
  if (fullTo > a) {
    const o = pageOrigin(layout, box, a);
    const rows = (fullTo - a) / box.cols;
    out.push({ x: o.x, y: o.y, w: box.cols * layout.pageW - layout.gap, h: rows * rowH - layout.gap });
  }
  if (fullTo < to) span(fullTo, to);
  return out;
}
