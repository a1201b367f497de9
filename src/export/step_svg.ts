// One step as a standalone SVG figure (slides, posters, papers): a title block, the memory map of
// every module — pages coloured by permission with their badge and hatch, RWX as the alarm,
// write marks, flipped pages outlined — the legend, what changed, and the permalink. Text is text
// (selectable, searchable, scales); fonts are generic families, so nothing is fetched. Pure: the
// same geometry and palette as the on-screen canvas (src/view_model/), no DOM.

import { escapeName } from '../format/escape.ts';
import { PAGE_SIZE } from '../kernel/mm/page.ts';
import { wrap } from '../trace/ascii.ts';
import { buildPageMap, type PageMap, SITE_FAULT, sitesOfStep } from '../trace/page_map.ts';
import { PermCode } from '../trace/perm_code.ts';
import { moduleStateName, stateBands } from '../trace/phases.ts';
import { allocText, flipLabel, summarizeStep } from '../trace/step_summary.ts';
import type { Trace } from '../trace/types.ts';
import { WHY } from '../trace/why.ts';
import { flipsAt } from '../view_model/flips.ts';
import { layoutMap, type MapLayout, offsetToView, pageOrigin, type RegionBox } from '../view_model/map_layout.ts';
import { LEGEND_ORDER, MARK, PERM_STYLE } from '../view_model/palette.ts';

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

/** Approximate advance of monospace text at `px` (0.6 em), to fit labels without a canvas. */
const monoWidth = (text: string, px: number) => text.length * px * 0.6;

export function text(x: number, y: number, s: string, attrs: Record<string, string | number> = {}): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  return `<text x="${r(x)}" y="${r(y)}"${a}>${esc(s)}</text>`;
}
export const r = (n: number) => (Math.round(n * 10) / 10).toString();

const DEFS = `<defs>
<pattern id="hatch-diagonal" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0 8L8 0M-1 1L1 -1M7 9L9 7" stroke="rgba(0,0,0,0.22)" stroke-width="1.2"/></pattern>
<pattern id="hatch-cross" width="10" height="10" patternUnits="userSpaceOnUse"><path d="M0 10L10 0M-1 1L1 -1M9 11L11 9M0 0L10 10" stroke="rgba(0,0,0,0.9)" stroke-width="2"/></pattern>
</defs>`;

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
        text(x + 6, y + 15, 'freed', { 'font-size': 11, fill: MUTED }),
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
      text(x + 8, y + 16, style.badge, { 'font-size': 12, 'font-weight': 'bold', fill: rwx ? '#ffffff' : '#000000' }),
    );
  }
  return out.join('');
}

function sectionsIn(layout: MapLayout, box: RegionBox, p: number, x: number, y: number): string {
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
  const lines = Math.floor((layout.pageH - 24 - 10 - 20) / 12);
  const maxChars = Math.max(0, Math.floor((w - 8) / monoWidth('x', 11)));
  const shown = here.length > lines ? lines - 1 : lines;
  const label = (t: string, i: number) => {
    const s = t.length > maxChars ? `${t.slice(0, Math.max(0, maxChars - 1))}…` : t;
    out.push(
      `<rect x="${r(x + 2)}" y="${r(top + 12 + i * 12)}" width="${r(monoWidth(s, 11) + 4)}" height="12" fill="rgba(255,255,255,0.82)"/>`,
      text(x + 4, top + 21 + i * 12, s, { 'font-size': 11, fill: '#111111' }),
    );
  };
  if (lines > 0 && maxChars > 3) {
    here
      .slice(0, Math.max(0, shown))
      .forEach((s, i) =>
        label(`${s.offset < lo ? '…' : ''}${s.name} ${s.size >= 1024 ? `${(s.size / 1024).toFixed(1)}K` : s.size}`, i),
      );
    if (here.length > shown && shown >= 0) label(`+${here.length - shown} more`, shown);
  }
  return out.join('');
}

/** The memory map of one panel at `step`, drawn at (ox, oy). */
function mapSvg(layout: MapLayout, map: PageMap, step: number, stateOf: (m: string) => string | undefined): string {
  const out: string[] = [];
  for (const lane of layout.lanes) {
    const state = stateOf(lane.module);
    out.push(text(10, lane.y + 16, lane.module, { 'font-size': 14, 'font-weight': 'bold', fill: INK }));
    if (state)
      out.push(text(10 + monoWidth(lane.module, 14) + 10, lane.y + 16, state, { 'font-size': 12, fill: MUTED }));
    for (const box of lane.regions) {
      const info = box.info;
      const room = box.cols * layout.pageW;
      const size =
        info.region.size >= 1 << 20
          ? `${(info.region.size / (1 << 20)).toFixed(1)} MiB`
          : `${info.region.size / 1024} KiB`;
      const full = `${info.region.name}  0x${info.region.base.toString(16)}  ${size}`;
      // The full label, else the name, else the name cut to the region's width (one-page regions sit side by side).
      const fits = monoWidth(full, 12) <= room - 4;
      const px = fits || monoWidth(info.region.name, 12) <= room - 4 ? 12 : 9;
      const max = Math.max(3, Math.floor((room - 6) / (px * 0.6)));
      const name = info.region.name.length > max ? `${info.region.name.slice(0, max - 1)}…` : info.region.name;
      out.push(text(box.x, box.labelY, fits ? full : name, { 'font-size': px, fill: MUTED }));
      const perms = map.perms[step]?.[info.id];
      for (let p = 0; p < info.pages; p++) {
        const o = pageOrigin(layout, box, p);
        const code = (perms?.[p] ?? PermCode.None) as PermCode;
        out.push(page(layout, o.x, o.y, code));
        if (layout.detailed && code !== PermCode.None && code !== PermCode.Freed) {
          out.push(sectionsIn(layout, box, p, o.x, o.y));
          const off = `+0x${(p * PAGE_SIZE).toString(16)}`;
          out.push(
            text(o.x + layout.pageW - layout.gap - 5, o.y + 15, off, {
              'font-size': 10,
              fill: PERM_STYLE[code].ink,
              'text-anchor': 'end',
            }),
          );
        }
      }
      if (layout.detailed && (step < info.allocStep || (info.freeStep !== undefined && step >= info.freeStep))) {
        const at = step < info.allocStep ? info.allocStep : info.freeStep!;
        out.push(
          text(
            box.x + 8,
            box.y + layout.pageH / 2 + 4,
            `${step < info.allocStep ? 'allocated' : 'freed'} at step ${at}`,
            { 'font-size': 12, fill: MUTED, 'font-family': SANS },
          ),
        );
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
        text(o.x + w - tw - 8, o.y + h - 8, label, { 'font-size': 12, 'font-weight': 'bold', fill: '#ffffff' }),
      );
    }
  return out.join('\n');
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
  return {
    svg: `<g transform="translate(-10 0)" data-role="map">${mapSvg(layout, map, step, stateOf)}</g>`,
    height: layout.height,
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
      swatch: `<rect width="46" height="18" fill="${fill}" stroke="${code === PermCode.Freed ? MUTED : 'rgba(0,0,0,0.45)'}"${code === PermCode.Freed ? ' stroke-dasharray="3 3"' : ''}/>${hatch}${badge}${text(6, 13, s.badge, { 'font-size': 11, 'font-weight': 'bold', fill: code === PermCode.RWX ? '#fff' : '#000' })}`,
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
    const w = 46 + 8 + it.label.length * 6.6 + 22;
    if (x > 0 && x + w > width) {
      x = 0;
      y += 26;
    }
    out.push(
      `<g transform="translate(${r(x)} ${r(y)})">${it.swatch}${text(54, 13, it.label, { 'font-size': 12, fill: INK, 'font-family': SANS })}</g>`,
    );
    x += w;
  }
  return { svg: `<g class="legend" data-role="legend"><title>Legend</title>${out.join('')}</g>`, height: y + 22 };
}

/** One panel: heading, title of the step, call path, why, alarm, the map, what changed. */
function panelSvg(panel: SvgPanel, width: number, compact: boolean): { svg: string; height: number } {
  const out: string[] = [];
  let y = 0;
  const charsPerLine = (px: number) => Math.floor(width / (px * 0.6));
  if (panel.heading) {
    out.push(text(0, y + 18, panel.heading, { 'font-size': 16, 'font-weight': 'bold', fill: INK }));
    y += 28;
  }
  if (panel.note) {
    for (const line of wrap(panel.note, charsPerLine(13))) {
      out.push(text(0, y + 14, line, { 'font-size': 13, fill: '#8b0000' }));
      y += 18;
    }
    return { svg: out.join('\n'), height: y };
  }
  const trace = panel.trace;
  const s = trace.steps[panel.step];
  if (!s) return { svg: '', height: 0 };
  const map = panel.map ?? buildPageMap(trace);
  out.push(
    text(
      0,
      y + 14,
      `kernel ${trace.kernel} · step ${panel.step} of ${trace.steps.length - 1}${s.module ? ` · ${s.module}` : ''}`,
      { 'font-size': 13, fill: MUTED },
    ),
  );
  y += 22;
  for (const line of wrap(s.title, charsPerLine(17))) {
    out.push(text(0, y + 17, line, { 'font-size': 17, 'font-weight': 'bold', fill: INK, 'data-role': 'step-title' }));
    y += 23;
  }
  for (const line of wrap(s.path.join(' › '), charsPerLine(12))) {
    out.push(text(0, y + 13, line, { 'font-size': 12, fill: MUTED }));
    y += 16;
  }
  const why = WHY[s.source?.fn ?? ''] ?? WHY[s.path.at(-1) ?? ''];
  if (why && !compact) {
    y += 4;
    for (const line of wrap(why, Math.floor(width / 7.2))) {
      out.push(text(0, y + 13, line, { 'font-size': 13, fill: INK, 'font-family': SANS }));
      y += 18;
    }
  }
  const rwx = (map.perms[panel.step] ?? []).reduce((n, p) => n + p.filter((c) => c === PermCode.RWX).length, 0);
  if (rwx) {
    y += 6;
    const msg = `RWX! ${rwx} page${rwx === 1 ? ' is' : 's are'} writable and executable at this step: W^X is broken.`;
    const lines = wrap(msg, charsPerLine(13) - 2);
    out.push(
      `<rect x="0" y="${r(y)}" width="${r(width)}" height="${lines.length * 18 + 10}" fill="${PERM_STYLE[PermCode.RWX].fill}"/>`,
    );
    lines.forEach((l, i) =>
      out.push(text(8, y + 19 + i * 18, l, { 'font-size': 13, 'font-weight': 'bold', fill: '#000000' })),
    );
    y += lines.length * 18 + 16;
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
    out.push(
      text(0, y + 14, 'What changed', { 'font-size': 13, 'font-weight': 'bold', fill: INK, 'font-family': SANS }),
    );
    y += 20;
    for (const c of changes.slice(0, 12)) {
      for (const line of wrap(c, charsPerLine(12) - 2, '• ', '  ')) {
        out.push(text(0, y + 13, line, { 'font-size': 12, fill: INK }));
        y += 16;
      }
    }
    if (changes.length > 12) {
      out.push(text(0, y + 13, `… and ${changes.length - 12} more`, { 'font-size': 12, fill: MUTED }));
      y += 16;
    }
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
  out.push(
    text(pad, y, 'klp-lab · emulated x86-64 module loader and livepatch core', {
      'font-size': 12,
      fill: MUTED,
      'font-family': SANS,
    }),
  );
  if (link) {
    y += 18;
    out.push(
      `<a href="${esc(link)}">${text(pad, y, link.length > inner / 6.6 ? `${link.slice(0, Math.floor(inner / 6.6) - 1)}…` : link, { 'font-size': 11, fill: '#0b5cad' })}</a>`,
    );
  }
  y += pad;
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
  let y = pad;
  out.push(
    text(pad, y + 22, title, {
      'font-size': 24,
      'font-weight': 'bold',
      fill: INK,
      'font-family': SANS,
      'data-role': 'title',
    }),
  );
  y += 34;
  if (subtitle) {
    out.push(text(pad, y + 15, subtitle.line, { 'font-size': 15, fill: MUTED, 'data-role': subtitle.role }));
    y += 24;
  }
  if (caption) {
    for (const line of wrap(caption, Math.floor(inner / 8.5))) {
      out.push(text(pad, y + 15, line, { 'font-size': 15, fill: INK, 'font-family': SANS }));
      y += 21;
    }
  }
  y += 8;
  const legend = legendSvg(inner);
  out.push(`<g transform="translate(${pad} ${r(y)})">${legend.svg}</g>`);
  return y + legend.height;
}

/** The whole figure: title, caption, panels side by side, legend, permalink. */
export function stepSvg(panels: SvgPanel[], options: SvgOptions): string {
  const width = options.width ?? (panels.length > 1 ? 1600 : 1200);
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
