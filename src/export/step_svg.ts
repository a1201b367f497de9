// One step as a standalone SVG figure (slides, posters, papers): a title block, the memory map of
// every module — pages coloured by permission with their badge and hatch, RWX as the alarm,
// write marks, flipped pages outlined — the legend, what changed, and the permalink. Text is text
// (selectable, searchable, scales); fonts are generic families, so nothing is fetched. Pure: the
// same geometry and palette as the on-screen canvas (src/view_model/), no DOM.

import { escapeName } from '../format/escape.ts';
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { buildPageMap, type PageMap, SITE_FAULT, sitesOfStep } from '../trace/page_map.ts';
import { PermCode } from '../trace/perm_code.ts';
import { moduleStateName, stateBands } from '../trace/phases.ts';
import { allocText, flipLabel, summarizeStep } from '../trace/step_summary.ts';
import type { Trace } from '../trace/types.ts';
import { WHY } from '../trace/why.ts';
import { flipsAt } from '../view_model/flips.ts';
import { type Face, Footnotes, fitLabel, textWidth, wrapToWidth } from '../view_model/label_fit.ts';
import {
  layoutMap,
  type MapLayout,
  offsetToView,
  pageOrigin,
  type Rect,
  type RegionBox,
  runRects,
  tinyPages,
} from '../view_model/map_layout.ts';
import { LEGEND_ORDER, MARK, PERM_STYLE } from '../view_model/palette.ts';
import { writtenRuns } from '../view_model/written_runs.ts';

export interface SvgPanel {
  /** Column heading (a comparison's strategy), optional for a single trace. */
  heading?: string;
  trace: Trace;
  step: number;
  /** The page map of the trace, if already built (the app has it). */
  map?: PageMap;
  /** A note instead of the step (e.g. "refused: …"). */
  note?: string;
}

export interface SvgOptions {
  /** Figure title, e.g. "v5.4-flip × late-load". */
  title: string;
  caption?: string;
  link?: string;
  /** Width of the whole figure in px (default 1200). */
  width?: number;
}

const FONT = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace";
const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
export const INK = '#1d2125';
const MUTED = '#5f6870';
export const LINE = '#c9cdd2';

export const esc = (s: string) =>
  escapeName(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** An upper bound of the advance of monospace text at `px`, to fit labels without a canvas. */
const monoWidth = (text: string, px: number) => textWidth(text, px, 'mono');

/** The box a label must stay inside, in the label's own coordinates (checked by the e2e tests). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function text(x: number, y: number, s: string, attrs: Record<string, string | number> = {}, box?: Box): string {
  const all = box ? { ...attrs, 'data-box': `${r(box.x)} ${r(box.y)} ${r(box.w)} ${r(box.h)}` } : attrs;
  const a = Object.entries(all)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  return `<text x="${r(x)}" y="${r(y)}"${a}>${esc(s)}</text>`;
}
export const r = (n: number) => (Math.round(n * 10) / 10).toString();

const DEFS = `<defs>
<pattern id="hatch-diagonal" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0 8L8 0M-1 1L1 -1M7 9L9 7" stroke="rgba(0,0,0,0.22)" stroke-width="1.2"/></pattern>
<pattern id="hatch-cross" width="10" height="10" patternUnits="userSpaceOnUse"><path d="M0 10L10 0M-1 1L1 -1M9 11L11 9M0 0L10 10" stroke="rgba(0,0,0,0.9)" stroke-width="2"/></pattern>
</defs>`;

/** Small pages of one permission filling `a` (no borders or badges: a run, see runRects). */
function area(a: Rect, code: PermCode): string {
  const { x, y, w, h } = a;
  if (code === PermCode.None || code === PermCode.Freed)
    return w < 4
      ? ''
      : `<rect x="${r(x + 0.5)}" y="${r(y + 0.5)}" width="${r(w - 1)}" height="${r(h - 1)}" fill="none" stroke="${code === PermCode.Freed ? MUTED : LINE}" stroke-dasharray="3 3"/>`;
  const style = PERM_STYLE[code];
  const fill = `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="${style.fill}"/>`;
  return style.hatch === 'none'
    ? fill
    : `${fill}<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="url(#hatch-${style.hatch})"/>`;
}

function page(layout: MapLayout, x: number, y: number, code: PermCode): string {
  const w = layout.pageW - layout.gap;
  const h = layout.pageH;
  const style = PERM_STYLE[code];
  if (code === PermCode.None || code === PermCode.Freed) {
    const out = [
      `<rect x="${r(x + 0.5)}" y="${r(y + 0.5)}" width="${r(w - 1)}" height="${r(h - 1)}" fill="none" stroke="${code === PermCode.Freed ? MUTED : LINE}" stroke-dasharray="3 3"/>`,
    ];
    if (code === PermCode.Freed && layout.detailed)
      out.push(
        `<path d="M${r(x)} ${r(y)}L${r(x + w)} ${r(y + h)}M${r(x + w)} ${r(y)}L${r(x)} ${r(y + h)}" stroke="${MUTED}" stroke-opacity="0.35"/>`,
        text(x + 6, y + 15, 'freed', { 'font-size': 11, fill: MUTED }, { x, y, w, h }),
      );
    return out.join('');
  }
  const out = [`<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="${style.fill}"/>`];
  if (style.hatch !== 'none' && w >= 4)
    out.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="url(#hatch-${style.hatch})"/>`);
  if (layout.detailed) {
    out.push(
      `<rect x="${r(x + 0.5)}" y="${r(y + 0.5)}" width="${r(w - 1)}" height="${r(h - 1)}" fill="none" stroke="rgba(0,0,0,0.45)"/>`,
    );
    const tw = monoWidth(style.badge, 12);
    const rwx = code === PermCode.RWX;
    out.push(
      `<rect x="${r(x + 3)}" y="${r(y + 3)}" width="${r(tw + 10)}" height="17" fill="${rwx ? '#000000' : 'rgba(255,255,255,0.85)'}"/>`,
      text(
        x + 8,
        y + 16,
        style.badge,
        { 'font-size': 12, 'font-weight': 'bold', fill: rwx ? '#ffffff' : '#000000' },
        { x: x + 3, y: y + 3, w: tw + 10, h: 17 },
      ),
    );
  }
  return out.join('');
}

function sectionsIn(layout: MapLayout, box: RegionBox, p: number, x: number, y: number, notes: Footnotes): string {
  const w = layout.pageW - layout.gap;
  const lo = p * PAGE_SIZE;
  const hi = lo + PAGE_SIZE;
  const here = box.info.sections.filter((s) => Math.min(hi, s.offset + Math.max(1, s.size)) > Math.max(lo, s.offset));
  const out: string[] = [];
  const top = y + 24;
  here.forEach((s, i) => {
    const a = Math.max(lo, s.offset);
    const b = Math.min(hi, s.offset + Math.max(1, s.size));
    out.push(
      `<rect x="${r(x + ((a - lo) / PAGE_SIZE) * w)}" y="${r(top)}" width="${r(Math.max(1.5, ((b - a) / PAGE_SIZE) * w))}" height="9" fill="${i % 2 ? 'rgba(40,40,40,0.55)' : 'rgba(255,255,255,0.9)'}"/>`,
    );
  });
  out.push(
    `<rect x="${r(x + 0.5)}" y="${r(top + 0.5)}" width="${r(w - 1)}" height="8" fill="none" stroke="rgba(0,0,0,0.55)"/>`,
  );
  // Section names under the bar, one a line (13 px apart), above the flip badge's corner.
  const pitch = 13;
  const lines = Math.floor((layout.pageH - 24 - 10 - 22) / pitch);
  const room = { w: w - 8, h: pitch + 1 };
  const shown = here.length > lines ? lines - 1 : lines;
  const page = { x, y, w, h: layout.pageH };
  const label = (forms: string[], full: string, i: number) => {
    const t = fitLabel(forms, room, 11, 'mono')?.[0] ?? notes.key(full);
    if (textWidth(t, 11, 'mono') > room.w) return;
    out.push(
      `<rect x="${r(x + 2)}" y="${r(top + 12 + i * pitch)}" width="${r(monoWidth(t, 11) + 4)}" height="${pitch}" fill="rgba(255,255,255,0.82)"/>`,
      text(x + 4, top + 22 + i * pitch, t, { 'font-size': 11, fill: '#111111' }, page),
    );
  };
  if (lines > 0) {
    here.slice(0, Math.max(0, shown)).forEach((s, i) => {
      const cont = s.offset < lo ? '…' : '';
      const size = s.size >= 1024 ? `${(s.size / 1024).toFixed(1)}K` : `${s.size}`;
      const where = `${box.info.region.module} ${box.info.region.name} page ${p}`;
      label(
        [`${cont}${s.name} ${size}`, `${cont}${s.name}`],
        `${s.name} (${s.size} bytes${cont ? ', continued' : ''}) in ${where}`,
        i,
      );
    });
    if (here.length > shown && shown >= 0) {
      const rest = here.slice(shown).map((s) => s.name);
      label(
        [`+${rest.length} more`, `+${rest.length}`],
        `also in ${box.info.region.name} page ${p}: ${rest.join(', ')}`,
        shown,
      );
    }
  }
  return out.join('');
}

/** The memory map of one panel at `step`, drawn at (ox, oy). */
function mapSvg(
  layout: MapLayout,
  map: PageMap,
  step: number,
  stateOf: (m: string) => string | undefined,
  notes: Footnotes,
): string {
  const out: string[] = [];
  const right = layout.width - 10;
  for (const lane of layout.lanes) {
    const state = stateOf(lane.module);
    const head = { x: 10, y: lane.y, w: right - 10, h: 22 };
    const nameW = monoWidth(lane.module, 14);
    const name = nameW <= head.w ? lane.module : notes.key(`${lane.module}${state ? ` ${state}` : ''}`);
    out.push(text(10, lane.y + 16, name, { 'font-size': 14, 'font-weight': 'bold', fill: INK }, head));
    if (state && name === lane.module) {
      const sx = 10 + nameW + 10;
      const t = sx + monoWidth(state, 12) <= right ? state : notes.key(`${lane.module}: ${state}`);
      if (sx + monoWidth(t, 12) <= right) out.push(text(sx, lane.y + 16, t, { 'font-size': 12, fill: MUTED }, head));
    }
    for (const box of lane.regions) {
      const info = box.info;
      const size =
        info.region.size >= 1 << 20
          ? `${(info.region.size / (1 << 20)).toFixed(1)} MiB`
          : `${info.region.size / 1024} KiB`;
      const full = `${info.region.name}  0x${info.region.base.toString(16)}  ${size}`;
      // The full label, else shorter complete forms, else a key to the full label under the map.
      const room = { x: box.x, y: box.labelY - 13, w: box.labelW, h: 18 };
      const forms = [full, `${info.region.name}  ${size}`, info.region.name];
      const at12 = fitLabel(forms, room, 12, 'mono');
      const px = at12 ? 12 : fitLabel(forms, room, 10, 'mono') ? 10 : 12;
      const label = (at12 ?? fitLabel(forms, room, 10, 'mono'))?.[0] ?? notes.key(`${info.region.module} ${full}`);
      out.push(text(box.x, box.labelY, label, { 'font-size': px, fill: MUTED }, room));
      const perms = map.perms[step]?.[info.id];
      // A gapless grid of small pages: each run of alike pages as one shape (a 1 GiB region is 262,144 pages).
      if (!layout.detailed && layout.gap === 0)
        for (let p = 0; p < info.pages; ) {
          const code = (perms?.[p] ?? PermCode.None) as PermCode;
          let q = p + 1;
          while (q < info.pages && (perms?.[q] ?? PermCode.None) === code) q++;
          for (const a of runRects(layout, box, p, q)) out.push(area(a, code));
          p = q;
        }
      else
        for (let p = 0; p < info.pages; p++) {
          const o = pageOrigin(layout, box, p);
          const code = (perms?.[p] ?? PermCode.None) as PermCode;
          out.push(page(layout, o.x, o.y, code));
          if (layout.detailed && code !== PermCode.None && code !== PermCode.Freed) {
            out.push(sectionsIn(layout, box, p, o.x, o.y, notes));
            const off = `+0x${(p * PAGE_SIZE).toString(16)}`;
            const w = layout.pageW - layout.gap;
            // the page's offset, where the permission badge leaves room for it
            if (monoWidth(PERM_STYLE[code].badge, 12) + 13 + 6 + monoWidth(off, 10) + 5 <= w)
              out.push(
                text(
                  o.x + w - 5,
                  o.y + 15,
                  off,
                  { 'font-size': 10, fill: PERM_STYLE[code].ink, 'text-anchor': 'end' },
                  { x: o.x, y: o.y, w, h: layout.pageH },
                ),
              );
          }
        }
      if (layout.detailed && (step < info.allocStep || (info.freeStep !== undefined && step >= info.freeStep))) {
        const at = step < info.allocStep ? info.allocStep : info.freeStep!;
        const what = `${step < info.allocStep ? 'allocated' : 'freed'} at step ${at}`;
        // inside the region's first page: a label across pages would cross their borders
        const area = { x: box.x, y: box.y, w: layout.pageW - layout.gap, h: layout.pageH };
        // a freed page says "freed" at its top: the label goes under it
        const top = step < info.allocStep ? 0 : 20;
        const lines = fitLabel([what], { w: area.w - 12, h: area.h - top - 8 }, 12, 'mono', 14) ?? [notes.key(what)];
        const y0 = box.y + top + (layout.pageH - top - lines.length * 14) / 2 + 11;
        lines.forEach((l, i) => out.push(text(box.x + 6, y0 + i * 14, l, { 'font-size': 12, fill: MUTED }, area)));
      }
      const alive = perms && perms.length > 0 && perms[0] !== PermCode.None && perms[0] !== PermCode.Freed;
      if (!alive || !info.sites.count) continue;
      const [lo, hi] = sitesOfStep(info.sites, step);
      const s = info.sites;
      if (layout.detailed) {
        for (let i = 0; i < hi; i++) {
          const at = offsetToView(layout, box, s.offset[i]!);
          const w = Math.max(2, (s.length[i]! / PAGE_SIZE) * (layout.pageW - layout.gap));
          const current = i >= lo;
          const h = current ? 16 : 9;
          const fill = s.flags[i]! & SITE_FAULT ? MARK.fault : current ? MARK.current : 'rgba(0,0,0,0.75)';
          out.push(
            `<rect x="${r(at.x)}" y="${r(at.y + layout.pageH - h - 2)}" width="${r(w)}" height="${h}" fill="${fill}"/>`,
          );
        }
      } else if (hi > lo && tinyPages(layout)) {
        for (const [from, to] of writtenRuns(s, lo, hi, info.pages))
          for (const a of runRects(layout, box, from, to))
            out.push(`<rect x="${r(a.x)}" y="${r(a.y)}" width="${r(a.w)}" height="${r(a.h)}" fill="${MARK.current}"/>`);
      } else if (hi > lo) {
        const hit = new Set<number>();
        for (let i = lo; i < hi; i++) hit.add(Math.floor(s.offset[i]! / PAGE_SIZE));
        const d = Math.max(2, Math.floor(Math.min(layout.pageW, layout.pageH) / 2));
        for (const p of hit) {
          const o = pageOrigin(layout, box, p);
          out.push(
            `<rect x="${r(o.x + (layout.pageW - layout.gap - d) / 2)}" y="${r(o.y + (layout.pageH - d) / 2)}" width="${d}" height="${d}" fill="#000000"/>`,
          );
        }
      }
    }
  }
  if (layout.detailed)
    for (const f of flipsAt(map, layout, step)) {
      const o = pageOrigin(layout, f.box, f.page);
      const w = layout.pageW - layout.gap;
      const h = layout.pageH;
      const label = `${PERM_STYLE[f.from].badge || '—'}→${PERM_STYLE[f.to].badge}`;
      const tw = monoWidth(label, 12);
      out.push(
        `<rect x="${r(o.x - 1.5)}" y="${r(o.y - 1.5)}" width="${r(w + 3)}" height="${r(h + 3)}" fill="none" stroke="#000000" stroke-width="3"/>`,
        `<rect x="${r(o.x + w - tw - 12)}" y="${r(o.y + h - 21)}" width="${r(tw + 8)}" height="17" fill="#000000"/>`,
        text(
          o.x + w - tw - 8,
          o.y + h - 8,
          label,
          { 'font-size': 12, 'font-weight': 'bold', fill: '#ffffff' },
          { x: o.x + w - tw - 12, y: o.y + h - 21, w: tw + 8, h: 17 },
        ),
      );
    }
  return out.join('\n');
}

/** Lines of text from `y` down, each in its own box `width` wide: returns the y under the last. */
export function lines(
  out: string[],
  x: number,
  y: number,
  width: number,
  s: string,
  px: number,
  pitch: number,
  attrs: Record<string, string | number>,
  face: Face = 'mono',
): number {
  const bold = attrs['font-weight'] === 'bold' ? 1.06 : 1;
  for (const l of wrapToWidth(s, width / bold, px, face)) {
    out.push(
      text(
        x,
        y + px,
        l,
        { 'font-size': px, ...(face === 'sans' ? { 'font-family': SANS } : {}), ...attrs },
        {
          x,
          y: y - 0.05 * px,
          w: width,
          h: 1.4 * px,
        },
      ),
    );
    y += pitch;
  }
  return y;
}

/**
 * The memory map of `trace` at `step`, `width` px wide, with each module's state: the drawing of
 * one step's figure, shared with the phase strip (src/export/phase_strip.ts). Origin at (0, 0).
 */
export function stepMapSvg(
  trace: Trace,
  map: PageMap,
  step: number,
  width: number,
  compact: boolean,
): { svg: string; height: number } {
  const layout = layoutMap(map, width, { compact });
  const { bands } = stateBands(trace);
  const stateOf = (m: string) => {
    const s = bands.find((b) => b.module === m && step >= b.from && step < b.to)?.state;
    return s && moduleStateName(s);
  };
  const notes = new Footnotes();
  const drawn = mapSvg(layout, map, step, stateOf, notes);
  // The labels too long for their box, written out in full under the map.
  const keyed: string[] = [];
  let y = layout.height;
  for (const n of notes.entries()) y = lines(keyed, 0, y, width, `${n.key} ${n.text}`, 11, 15, { fill: INK });
  return {
    svg: `<g transform="translate(-10 0)" data-role="map">${drawn}</g>${keyed.length ? `<g data-role="map-notes">${keyed.join('')}</g>` : ''}`,
    height: y + (keyed.length ? 6 : 0),
  };
}

/** The legend, as on screen: each permission's colour, badge and meaning, and the marks. */
function legendSvg(width: number): { svg: string; height: number } {
  const items: Array<{ swatch: string; label: string }> = LEGEND_ORDER.map((code) => {
    const s = PERM_STYLE[code];
    const fill = code === PermCode.Freed ? 'none' : s.fill;
    const hatch = s.hatch === 'none' ? '' : `<rect width="46" height="18" fill="url(#hatch-${s.hatch})"/>`;
    const badge =
      code === PermCode.RWX
        ? `<rect x="3" y="2" width="${r(monoWidth(s.badge, 11) + 6)}" height="14" fill="#000"/>`
        : '';
    return {
      swatch: `<rect width="46" height="18" fill="${fill}" stroke="${code === PermCode.Freed ? MUTED : 'rgba(0,0,0,0.45)'}"${code === PermCode.Freed ? ' stroke-dasharray="3 3"' : ''}/>${hatch}${badge}${text(6, 13, s.badge, { 'font-size': 11, 'font-weight': 'bold', fill: code === PermCode.RWX ? '#fff' : '#000' }, { x: 0, y: 0, w: 46, h: 18 })}`,
      label: s.meaning,
    };
  });
  items.push(
    { swatch: `<rect y="4" width="46" height="10" fill="${MARK.current}"/>`, label: 'written this step' },
    { swatch: `<rect y="6" width="46" height="6" fill="rgba(0,0,0,0.75)"/>`, label: 'written earlier' },
    {
      swatch: `<rect x="1.5" y="1.5" width="43" height="15" fill="none" stroke="#000" stroke-width="3"/>`,
      label: 'permission changed this step',
    },
  );
  const out: string[] = [];
  let x = 0;
  let y = 0;
  for (const it of items) {
    const w = 46 + 8 + textWidth(it.label, 12, 'sans') + 22;
    if (x > 0 && x + w > width) {
      x = 0;
      y += 26;
    }
    out.push(
      `<g transform="translate(${r(x)} ${r(y)})">${it.swatch}${text(54, 13, it.label, { 'font-size': 12, fill: INK, 'font-family': SANS }, { x: 46, y: -2, w: w - 46 - 14, h: 22 })}</g>`,
    );
    x += w;
  }
  return { svg: `<g class="legend" data-role="legend"><title>Legend</title>${out.join('')}</g>`, height: y + 22 };
}

/** One panel: heading, title of the step, call path, why, alarm, the map, what changed. */
function panelSvg(panel: SvgPanel, width: number, compact: boolean): { svg: string; height: number } {
  const out: string[] = [];
  let y = 0;
  if (panel.heading) {
    y = lines(out, 0, y, width, panel.heading, 16, 21, { 'font-weight': 'bold', fill: INK }) + 7;
  }
  if (panel.note) {
    y = lines(out, 0, y, width, panel.note, 13, 18, { fill: '#8b0000' });
    return { svg: out.join('\n'), height: y };
  }
  const trace = panel.trace;
  const s = trace.steps[panel.step];
  if (!s) return { svg: '', height: 0 };
  const map = panel.map ?? buildPageMap(trace);
  y = lines(
    out,
    0,
    y,
    width,
    `kernel ${trace.kernel} · step ${panel.step} of ${trace.steps.length - 1}${s.module ? ` · ${s.module}` : ''}`,
    13,
    22,
    { fill: MUTED },
  );
  y = lines(out, 0, y, width, s.title, 17, 23, { 'font-weight': 'bold', fill: INK, 'data-role': 'step-title' });
  y = lines(out, 0, y, width, s.path.join(' › '), 12, 16, { fill: MUTED });
  const why = WHY[s.source?.fn ?? ''] ?? WHY[s.path.at(-1) ?? ''];
  if (why && !compact) y = lines(out, 0, y + 4, width, why, 13, 18, { fill: INK }, 'sans');
  const rwx = (map.perms[panel.step] ?? []).reduce((n, p) => n + p.filter((c) => c === PermCode.RWX).length, 0);
  if (rwx) {
    y += 6;
    const msg = `RWX! ${rwx} page${rwx === 1 ? ' is' : 's are'} writable and executable at this step: W^X is broken.`;
    const alarm: string[] = [];
    const end = lines(alarm, 8, y + 5, width - 16, msg, 13, 18, { 'font-weight': 'bold', fill: '#000000' });
    out.push(
      `<rect x="0" y="${r(y)}" width="${r(width)}" height="${r(end - y + 5)}" fill="${PERM_STYLE[PermCode.RWX].fill}"/>`,
      ...alarm,
    );
    y = end + 11;
  }
  y += 6;
  const drawn = stepMapSvg(trace, map, panel.step, width, compact);
  out.push(`<g transform="translate(0 ${r(y)})">${drawn.svg}</g>`);
  y += drawn.height;
  const sum = summarizeStep(trace, s, map);
  const changes: string[] = [];
  for (const a of sum.allocs) changes.push(allocText(a));
  if (sum.copies.length) changes.push(`copied ${sum.copies.length} section(s)`);
  for (const w of sum.writesByPath)
    changes.push(`${w.count} write(s) via ${w.path}${w.relocations ? ` (${w.relocations} relocation(s))` : ''}`);
  for (const f of sum.flips) {
    const by = new Map<string, number>();
    for (const c of f.changed) by.set(flipLabel(c.from, c.to), (by.get(flipLabel(c.from, c.to)) ?? 0) + 1);
    changes.push(
      `${f.fn}(0x${f.addr.toString(16)}, ${f.pages}): ${f.changed.length ? [...by].map(([k, n]) => `${n}× ${k}`).join(', ') : 'no PTE changed'}`,
    );
  }
  for (const y2 of sum.syncs) changes.push(`${y2.fn}(): ${y2.why}`);
  for (const st of sum.states) changes.push(`${st.module}: ${moduleStateName(st.from)} → ${moduleStateName(st.to)}`);
  for (const f of sum.frees) changes.push(`vfree ${f.module} ${f.region}`);
  if (changes.length) {
    y = lines(out, 0, y, width, 'What changed', 13, 20, { 'font-weight': 'bold', fill: INK }, 'sans');
    const bullet = monoWidth('• ', 12);
    for (const c of changes.slice(0, 12)) {
      out.push(text(0, y + 12, '•', { 'font-size': 12, fill: INK }, { x: 0, y: y - 2, w: bullet, h: 18 }));
      y = lines(out, bullet, y, width - bullet, c, 12, 16, { fill: INK });
    }
    if (changes.length > 12) y = lines(out, 0, y, width, `… and ${changes.length - 12} more`, 12, 16, { fill: MUTED });
  }
  return { svg: out.join('\n'), height: y };
}

/** The bottom of an exported figure (rule, credit, the permalink) and the <svg> around `out`. */
export function figureFoot(
  out: string[],
  y: number,
  pad: number,
  width: number,
  inner: number,
  link: string | undefined,
  svgTitle: string,
): string {
  out.push(`<line x1="${pad}" x2="${width - pad}" y1="${r(y)}" y2="${r(y)}" stroke="${LINE}"/>`);
  y += 18;
  y = lines(
    out,
    pad,
    y - 12,
    inner,
    'klp-lab · emulated x86-64 module loader and livepatch core',
    12,
    18,
    { fill: MUTED },
    'sans',
  );
  if (link) {
    // the whole link, over as many lines as it takes (a cut link would not open)
    const parts: string[] = [];
    y = lines(parts, pad, y, inner, link, 11, 15, { fill: '#0b5cad' });
    out.push(`<a href="${esc(link)}">${parts.join('')}</a>`);
  }
  y += pad - 6;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${r(y)}" viewBox="0 0 ${width} ${r(y)}" font-family="${esc(FONT)}" role="img">`,
    `<title>${esc(svgTitle)}</title>`,
    DEFS,
    `<rect width="${width}" height="${r(y)}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
  ].join('\n');
}

/**
 * The top of an exported figure: title, an optional subtitle line, the caption wrapped, one
 * legend. Appends to `out`; returns the y under the legend.
 */
export function figureHead(
  out: string[],
  pad: number,
  inner: number,
  title: string,
  caption: string | undefined,
  subtitle?: { line: string; role: string },
): number {
  let y = lines(
    out,
    pad,
    pad - 2,
    inner,
    title,
    24,
    32,
    { 'font-weight': 'bold', fill: INK, 'data-role': 'title' },
    'sans',
  );
  y += 4;
  if (subtitle) y = lines(out, pad, y, inner, subtitle.line, 15, 24, { fill: MUTED, 'data-role': subtitle.role });
  if (caption) y = lines(out, pad, y, inner, caption, 15, 21, { fill: INK }, 'sans');
  y += 8;
  const legend = legendSvg(inner);
  out.push(`<g transform="translate(${pad} ${r(y)})">${legend.svg}</g>`);
  return y + legend.height;
}

/** The whole figure: title, caption, panels side by side, legend, permalink. */
export function stepSvg(panels: SvgPanel[], options: SvgOptions): string {
  // Many panels make a wider figure rather than squeezed ones: each at least 420 px.
  const width = options.width ?? (panels.length > 1 ? Math.max(1600, 56 + panels.length * 452 - 32) : 1200);
  const pad = 28;
  const gap = 32;
  const inner = width - 2 * pad;
  const colW = (inner - gap * (panels.length - 1)) / Math.max(1, panels.length);
  const out: string[] = [];
  let y = figureHead(out, pad, inner, options.title, options.caption) + 16;
  let tallest = 0;
  panels.forEach((p, i) => {
    const ps = panelSvg(p, colW, panels.length > 1);
    out.push(`<g transform="translate(${r(pad + i * (colW + gap))} ${r(y)})" data-role="panel">${ps.svg}</g>`);
    tallest = Math.max(tallest, ps.height);
  });
  y += tallest + 18;
  return figureFoot(
    out,
    y,
    pad,
    width,
    inner,
    options.link,
    `${options.title}${panels[0]?.trace.steps[panels[0].step] ? `: ${panels[0].trace.steps[panels[0].step]!.title}` : ''}`,
  );
}
