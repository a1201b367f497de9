// Canvas painting of the memory map (outside React). drawBase() paints memory at the end of a
// step; drawTransition() paints the step's changes in motion on a transparent canvas laid over
// that base: pages whose permission flipped fade from the old colour to the new one, and written
// sites pulse.
import { PAGE_SIZE } from '../../../src/kernel/mm/page.ts';
import { type PageMap, SITE_FAULT, sitesOfStep } from '../../../src/trace/page_map.ts';
import { PermCode } from '../../../src/trace/perm_code.ts';
import type { Flip } from '../../../src/view_model/flips.ts';
import {
  type MapLayout,
  offsetToView,
  pageOrigin,
  type RegionBox,
  runRects,
  tinyPages,
} from '../../../src/view_model/map_layout.ts';
import { MARK, PERM_STYLE } from '../../../src/view_model/palette.ts';
import { writtenRuns } from '../../../src/view_model/written_runs.ts';

export interface Theme {
  fg: string;
  muted: string;
  line: string;
  panel: string;
  /** prefers-color-scheme: dark. Page fills and badges stay the same (Okabe–Ito); what sits on
   *  the background (flip outlines, the selected-site marker, name backings) follows the theme. */
  dark: boolean;
}

/** Outline around a flipped page and the selected-site marker: the strongest contrast with the background. */
const edge = (theme: Theme) => (theme.dark ? '#ffffff' : '#000000');
/** The backing under section names drawn on a page, and its text. */
const nameBacking = (theme: Theme) => (theme.dark ? 'rgba(16,18,20,0.82)' : 'rgba(255,255,255,0.82)');
const nameInk = (theme: Theme) => (theme.dark ? '#eef0f2' : '#111111');

const patterns = new WeakMap<CanvasRenderingContext2D, Map<string, CanvasPattern | null>>();

function hatch(ctx: CanvasRenderingContext2D, kind: 'diagonal' | 'cross'): CanvasPattern | null {
  let m = patterns.get(ctx);
  if (!m) patterns.set(ctx, (m = new Map()));
  if (m.has(kind)) return m.get(kind)!;
  const size = kind === 'cross' ? 10 : 8;
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const p = c.getContext('2d')!;
  p.strokeStyle = kind === 'cross' ? 'rgba(0,0,0,0.9)' : 'rgba(0,0,0,0.22)';
  p.lineWidth = kind === 'cross' ? 2 : 1.2;
  p.beginPath();
  p.moveTo(0, size);
  p.lineTo(size, 0);
  p.moveTo(-1, 1);
  p.lineTo(1, -1);
  p.moveTo(size - 1, size + 1);
  p.lineTo(size + 1, size - 1);
  if (kind === 'cross') {
    p.moveTo(0, 0);
    p.lineTo(size, size);
  }
  p.stroke();
  const pattern = ctx.createPattern(c, 'repeat');
  m.set(kind, pattern);
  return pattern;
}

/** One page: fill, hatch, border, badge (when there is room). */
function drawPage(
  ctx: CanvasRenderingContext2D,
  layout: MapLayout,
  x: number,
  y: number,
  code: PermCode,
  theme: Theme,
): void {
  const w = layout.pageW - layout.gap;
  const h = layout.pageH;
  const style = PERM_STYLE[code];
  if (code === PermCode.None || code === PermCode.Freed) {
    if (w < 4) return;
    ctx.save();
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = code === PermCode.Freed ? theme.muted : theme.line;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    if (code === PermCode.Freed && layout.detailed) {
      ctx.setLineDash([]);
      ctx.globalAlpha = 0.35;
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + w, y + h);
      ctx.moveTo(x + w, y);
      ctx.lineTo(x, y + h);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillStyle = theme.muted;
      ctx.font = '11px ui-monospace, monospace';
      ctx.fillText('freed', x + 6, y + 15);
    }
    ctx.restore();
    return;
  }
  ctx.fillStyle = style.fill;
  ctx.fillRect(x, y, w, h);
  if (style.hatch !== 'none' && w >= 4) {
    const p = hatch(ctx, style.hatch);
    if (p) {
      ctx.fillStyle = p;
      ctx.fillRect(x, y, w, h);
    }
  }
  if (layout.detailed) {
    ctx.strokeStyle = 'rgba(0,0,0,0.45)';
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    drawBadge(ctx, x + 4, y + 4, code);
  }
}

function drawBadge(ctx: CanvasRenderingContext2D, x: number, y: number, code: PermCode): void {
  const style = PERM_STYLE[code];
  ctx.font = 'bold 12px ui-monospace, monospace';
  const tw = ctx.measureText(style.badge).width;
  if (code === PermCode.RWX) {
    ctx.fillStyle = '#000000';
    ctx.fillRect(x - 1, y - 1, tw + 10, 17);
    ctx.fillStyle = '#ffffff';
  } else {
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(x - 1, y - 1, tw + 10, 17);
    ctx.fillStyle = '#000000';
  }
  ctx.fillText(style.badge, x + 4, y + 12);
}

const STRIP_TINTS = ['rgba(255,255,255,0.9)', 'rgba(40,40,40,0.55)'];

/**
 * Sections in a page: a strip with each section's true extent (alternating tints), and under it
 * the names of the sections that start (or continue) in this page, in address order.
 */
function drawSections(
  ctx: CanvasRenderingContext2D,
  layout: MapLayout,
  box: RegionBox,
  page: number,
  x: number,
  y: number,
  theme: Theme,
): void {
  const w = layout.pageW - layout.gap;
  const top = y + 24;
  const lo = page * PAGE_SIZE;
  const hi = lo + PAGE_SIZE;
  const here = box.info.sections.filter((s) => Math.min(hi, s.offset + Math.max(1, s.size)) > Math.max(lo, s.offset));
  here.forEach((s, i) => {
    const a = Math.max(lo, s.offset);
    const b = Math.min(hi, s.offset + Math.max(1, s.size));
    const x0 = x + ((a - lo) / PAGE_SIZE) * w;
    ctx.fillStyle = STRIP_TINTS[i % 2]!;
    ctx.fillRect(x0, top, Math.max(1.5, ((b - a) / PAGE_SIZE) * w), 9);
  });
  ctx.strokeStyle = 'rgba(0,0,0,0.55)';
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, top + 0.5, w - 1, 8);
  const lines = Math.floor((layout.pageH - 24 - 10 - 20) / 12);
  if (lines <= 0) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x + 2, top + 10, w - 4, lines * 12 + 2);
  ctx.clip();
  ctx.font = '11px ui-monospace, monospace';
  const shown = here.length > lines ? lines - 1 : lines;
  // Names on a light backing, so they stay legible over any hatch.
  const line = (text: string, i: number, alpha: number) => {
    const tw = ctx.measureText(text).width;
    ctx.globalAlpha = 1;
    ctx.fillStyle = nameBacking(theme);
    ctx.fillRect(x + 2, top + 12 + i * 12, tw + 4, 12);
    ctx.globalAlpha = alpha;
    ctx.fillStyle = nameInk(theme);
    ctx.fillText(text, x + 4, top + 21 + i * 12);
  };
  here.slice(0, shown).forEach((s, i) => {
    const continued = s.offset < lo;
    const size = s.size >= 1024 ? `${(s.size / 1024).toFixed(1)}K` : `${s.size}`;
    line(`${continued ? '…' : ''}${s.name} ${size}`, i, continued ? 0.7 : 1);
  });
  if (here.length > shown) line(`+${here.length - shown} more`, shown, 1);
  ctx.globalAlpha = 1;
  ctx.restore();
}

export interface BaseInput {
  layout: MapLayout;
  map: PageMap;
  step: number;
  /** Module state at this step, per module. */
  stateOf: (module: string) => string | undefined;
  flips: Flip[];
  selected?: { regionId: number; offset: number; length: number } | undefined;
  theme: Theme;
  /** The x range on screen, when zoomed: pages outside it are not drawn, labels stay inside it. */
  view?: { x0: number; x1: number } | undefined;
}

/** Memory at the end of `step`, with that step's written sites and flipped pages marked. */
export function drawBase(ctx: CanvasRenderingContext2D, input: BaseInput): void {
  const { layout, map, step, theme } = input;
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.textBaseline = 'alphabetic';
  // A panned map keeps its module names at the view's left edge.
  const left = (input.view?.x0 ?? 0) + 10;
  for (const lane of layout.lanes) {
    ctx.fillStyle = theme.fg;
    ctx.font = 'bold 14px ui-monospace, monospace';
    ctx.fillText(lane.module, left, lane.y + 16);
    const state = input.stateOf(lane.module);
    if (state) {
      const w = ctx.measureText(lane.module).width;
      ctx.font = '12px ui-monospace, monospace';
      ctx.fillStyle = theme.muted;
      ctx.fillText(state, left + w + 10, lane.y + 16);
    }
    for (const box of lane.regions) drawRegion(ctx, input, box);
  }
  for (const f of input.flips) outlineFlip(ctx, layout, f, 1, theme);
  void map;
  void step;
}

function regionLabel(box: RegionBox): string {
  const r = box.info;
  const size =
    r.region.size >= 1 << 20 ? `${(r.region.size / (1 << 20)).toFixed(1)} MiB` : `${r.region.size / 1024} KiB`;
  return `${r.region.name}  0x${r.region.base.toString(16)}  ${size}`;
}

/**
 * The region's label in the room it has: name, address and size; else the name alone (6.4's
 * MOD_* allocations are often one page each), in a smaller font if need be.
 */
function fitRegionLabel(ctx: CanvasRenderingContext2D, box: RegionBox, room: number, x: number): void {
  const name = box.info.region.name;
  const tries: Array<[string, number]> = [
    [regionLabel(box), 12],
    [name, 12],
    [name, 10],
    [name, 9],
    [name.replace(/^MOD_/, ''), 9],
  ];
  for (const [text, px] of tries) {
    ctx.font = `${px}px ui-monospace, monospace`;
    if (ctx.measureText(text).width <= room - 2) {
      ctx.fillText(text, x, box.labelY);
      return;
    }
  }
  ctx.fillText(tries.at(-1)![0], x, box.labelY);
}

/** "allocated at step 42" / "freed at step 63" written across a region's ghost pages. */
function ghostNote(ctx: CanvasRenderingContext2D, layout: MapLayout, box: RegionBox, step: number, theme: Theme): void {
  const r = box.info;
  const at = step < r.allocStep ? r.allocStep : r.freeStep !== undefined && step >= r.freeStep ? r.freeStep : undefined;
  if (at === undefined || !layout.detailed) return;
  const verb = step < r.allocStep ? 'allocated' : 'freed';
  // As much of the note as fits the region (one-page regions sit next to each other).
  const room = box.cols * layout.pageW - layout.gap - 12;
  ctx.font = '12px ui-sans-serif, system-ui, sans-serif';
  const note = [`${verb} at step ${at}`, `${verb} @${at}`, `step ${at}`].find((t) => ctx.measureText(t).width <= room);
  if (!note) return;
  ctx.fillStyle = theme.muted;
  ctx.fillText(note, box.x + 8, box.y + layout.pageH / 2 + 4 + (step >= r.allocStep ? 12 : 0));
}

function drawRegion(ctx: CanvasRenderingContext2D, input: BaseInput, box: RegionBox): void {
  const { layout, map, step, theme, view } = input;
  const right = box.x + box.cols * layout.pageW + (layout.detailed ? 12 : 0);
  if (view && (right < view.x0 || box.x > view.x1)) return;
  // A long region panned past its start keeps its label in view (until its end scrolls by).
  const labelX = view ? Math.max(box.x, Math.min(view.x0 + 10, right - 120)) : box.x;
  ctx.save();
  ctx.beginPath();
  // the label's room runs to the next region of its row, else to the map's edge (layoutMap's labelW)
  const room = box.x + box.labelW - labelX;
  ctx.rect(labelX, box.labelY - 14, room, 20);
  ctx.clip();
  ctx.fillStyle = theme.muted;
  fitRegionLabel(ctx, box, room, labelX);
  ctx.restore();
  const perms = map.perms[step]?.[box.info.id];
  const sites = box.info.sites;
  if (!layout.detailed) drawSmallPages(ctx, layout, box, perms, theme);
  else
    for (let p = 0; p < box.info.pages; p++) {
      const o = pageOrigin(layout, box, p);
      if (view && (o.x + layout.pageW < view.x0 || o.x > view.x1)) continue;
      const code = (perms?.[p] ?? PermCode.None) as PermCode;
      drawPage(ctx, layout, o.x, o.y, code, theme);
      if (layout.detailed && code !== PermCode.None && code !== PermCode.Freed) {
        drawSections(ctx, layout, box, p, o.x, o.y, theme);
        ctx.font = '10px ui-monospace, monospace';
        ctx.fillStyle = PERM_STYLE[code].ink;
        // Zoomed into a big region, pages are told apart by number too.
        const offset = `+0x${(p * PAGE_SIZE).toString(16)}`;
        const label = layout.pageW >= 150 && box.info.pages > 8 ? `page ${p} ${offset}` : offset;
        ctx.fillText(label, o.x + layout.pageW - layout.gap - ctx.measureText(label).width - 5, o.y + 15);
      }
    }
  ghostNote(ctx, layout, box, step, theme);
  const alive = perms && perms.length > 0 && perms[0] !== PermCode.None && perms[0] !== PermCode.Freed;
  if (!alive || sites.count === 0) return;
  const [lo, hi] = sitesOfStep(sites, step);
  if (layout.detailed) {
    // Every site written so far, as ticks in the page's bottom strip; this step's taller.
    for (let i = 0; i < hi; i++) {
      const current = i >= lo;
      const at = offsetToView(layout, box, sites.offset[i]!);
      const w = Math.max(2, (sites.length[i]! / PAGE_SIZE) * (layout.pageW - layout.gap));
      const fault = (sites.flags[i]! & SITE_FAULT) !== 0;
      ctx.fillStyle = fault ? MARK.fault : current ? MARK.current : 'rgba(0,0,0,0.75)';
      const h = current ? 16 : 9;
      ctx.fillRect(at.x, at.y + layout.pageH - h - 2, w, h);
    }
  } else if (hi > lo && tinyPages(layout)) {
    // Tiny pages: every page this step wrote to, coloured as the legend's "written this step".
    ctx.fillStyle = MARK.current;
    for (const [from, to] of writtenRuns(sites, lo, hi, box.info.pages))
      for (const a of runRects(layout, box, from, to)) ctx.fillRect(a.x, a.y, a.w, a.h);
  } else if (hi > lo) {
    // Small pages: a dot on each page this step wrote to.
    const hit = new Uint8Array(box.info.pages);
    for (let i = lo; i < hi; i++) hit[Math.floor(sites.offset[i]! / PAGE_SIZE)] = 1;
    ctx.fillStyle = '#000000';
    const d = Math.max(2, Math.floor(Math.min(layout.pageW, layout.pageH) / 2));
    for (let p = 0; p < hit.length; p++) {
      if (!hit[p]) continue;
      const o = pageOrigin(layout, box, p);
      ctx.fillRect(o.x + (layout.pageW - layout.gap - d) / 2, o.y + (layout.pageH - d) / 2, d, d);
    }
  }
  const sel = input.selected;
  if (sel && sel.regionId === box.info.id) {
    const at = offsetToView(layout, box, sel.offset);
    ctx.strokeStyle = theme.dark ? edge(theme) : MARK.selected;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(at.x, at.y + layout.pageH + 1);
    ctx.lineTo(at.x - 6, at.y + layout.pageH + 9);
    ctx.lineTo(at.x + 6, at.y + layout.pageH + 9);
    ctx.closePath();
    ctx.fillStyle = MARK.current;
    ctx.fill();
    ctx.stroke();
  }
}

/**
 * Pages too small for borders and badges (a big module has thousands): one path per permission,
 * filled and hatched once, instead of a fill and a hatch per page. Looks the same as drawPage().
 */
function drawSmallPages(
  ctx: CanvasRenderingContext2D,
  layout: MapLayout,
  box: RegionBox,
  perms: Uint8Array | undefined,
  theme: Theme,
): void {
  const w = layout.pageW - layout.gap;
  const h = layout.pageH;
  const paths = new Map<PermCode, Path2D>();
  const pathOf = (code: PermCode) => {
    let path = paths.get(code);
    if (!path) paths.set(code, (path = new Path2D()));
    return path;
  };
  const blank = (code: PermCode) => code === PermCode.None || code === PermCode.Freed;
  // A gapless grid draws each run of alike pages as one shape (a 1 GiB region is 262,144 pages).
  const merge = layout.gap === 0;
  for (let p = 0; p < box.info.pages; ) {
    const code = (perms?.[p] ?? PermCode.None) as PermCode;
    let q = p + 1;
    while (q < box.info.pages && (perms?.[q] ?? PermCode.None) === code) q++;
    if (!(blank(code) && w < 4))
      if (merge) {
        const path = pathOf(code);
        for (const r of runRects(layout, box, p, q))
          if (blank(code)) path.rect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
          else path.rect(r.x, r.y, r.w, r.h);
      } else
        for (let i = p; i < q; i++) {
          const o = pageOrigin(layout, box, i);
          if (blank(code)) pathOf(code).rect(o.x + 0.5, o.y + 0.5, w - 1, h - 1);
          else pathOf(code).rect(o.x, o.y, w, h);
        }
    p = q;
  }
  for (const [code, path] of paths) {
    const style = PERM_STYLE[code];
    if (code === PermCode.None || code === PermCode.Freed) {
      ctx.save();
      ctx.setLineDash([3, 3]);
      ctx.strokeStyle = code === PermCode.Freed ? theme.muted : theme.line;
      ctx.lineWidth = 1;
      ctx.stroke(path);
      ctx.restore();
      continue;
    }
    ctx.fillStyle = style.fill;
    ctx.fill(path);
    // merged runs are wide enough for the hatch even when a page alone is not
    if (style.hatch !== 'none' && (w >= 4 || merge)) {
      const pattern = hatch(ctx, style.hatch);
      if (pattern) {
        ctx.fillStyle = pattern;
        ctx.fill(path);
      }
    }
  }
}

function outlineFlip(ctx: CanvasRenderingContext2D, layout: MapLayout, f: Flip, t: number, theme: Theme): void {
  // Small pages: an outline per page would turn a thousand flipped pages black; the fade and
  // the narration carry the change instead.
  if (!layout.detailed) return;
  const o = pageOrigin(layout, f.box, f.page);
  const w = layout.pageW - layout.gap;
  const h = layout.pageH;
  ctx.lineWidth = layout.detailed ? 3 : 2;
  ctx.strokeStyle = edge(theme);
  ctx.strokeRect(o.x - 1.5, o.y - 1.5, w + 3, h + 3);
  if (layout.detailed) {
    ctx.lineWidth = 1;
    ctx.strokeStyle = theme.dark ? '#000000' : '#ffffff';
    ctx.strokeRect(o.x + 1, o.y + 1, w - 2, h - 2);
    const label = `${PERM_STYLE[f.from].badge || '—'}→${PERM_STYLE[f.to].badge}`;
    ctx.font = 'bold 12px ui-monospace, monospace';
    const tw = ctx.measureText(label).width;
    ctx.globalAlpha = Math.min(1, t * 1.5);
    ctx.fillStyle = '#000000';
    ctx.fillRect(o.x + w - tw - 12, o.y + h - 21, tw + 8, 17);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(label, o.x + w - tw - 8, o.y + h - 8);
    ctx.globalAlpha = 1;
  }
}

export interface TransitionInput {
  layout: MapLayout;
  flips: Flip[];
  /** Sites written by the step (view space), capped. */
  pulses: Array<{ x: number; y: number }>;
  theme: Theme;
}

/** The step's changes at time t ∈ [0, 1] of the transition, over the already drawn base. */
export function drawTransition(ctx: CanvasRenderingContext2D, input: TransitionInput, t: number): void {
  const { layout } = input;
  const ease = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
  for (const f of input.flips) {
    // The old permission's colour fades out over the new page.
    const o = pageOrigin(layout, f.box, f.page);
    const from = PERM_STYLE[f.from].fill;
    ctx.globalAlpha = (1 - ease) * 0.92;
    ctx.fillStyle = from === 'transparent' ? input.theme.panel : from;
    ctx.fillRect(o.x, o.y, layout.pageW - layout.gap, layout.pageH);
    ctx.globalAlpha = 1;
    outlineFlip(ctx, layout, f, ease, input.theme);
  }
  if (t >= 1) return;
  ctx.strokeStyle = MARK.current;
  ctx.lineWidth = 2;
  ctx.globalAlpha = 1 - t;
  const r = 3 + 12 * t;
  for (const p of input.pulses) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}
