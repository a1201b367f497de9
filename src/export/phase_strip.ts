// A strip of all steps of one phase (the timeline's phase markers, src/trace/phases.ts) as one SVG
// figure for slides: a title, one legend, then a grid of small frames — each the memory map at
// that step (drawn by step_svg.ts's stepMapSvg) under its step number and title. Text is text.

import { buildPageMap, type PageMap } from '../trace/page_map.ts';
import { type PhaseRun, phaseRuns } from '../trace/phases.ts';
import type { Trace } from '../trace/types.ts';
import { esc, figureFoot, figureHead, INK, LINE, lines, r, stepMapSvg } from './step_svg.ts';

export interface StripOptions {
  /** Figure title, e.g. "v5.4-flip × late-load". */
  title: string;
  caption?: string;
  link?: string;
  /** The trace's page map, if already built. */
  map?: PageMap;
  /** Width of the whole figure in px (default 1600). */
  width?: number;
  /** Frames per row (default: as many as fit at ≥ 360 px, at most 4). */
  columns?: number;
}

/** The phase run holding `step` (undefined when the trace has no such step). */
export function phaseRunAt(trace: Trace, step: number): PhaseRun | undefined {
  return phaseRuns(trace).find((run) => step >= run.from && step < run.to);
}

/** Every step of `run` as a strip of small frames, one legend for the strip. */
export function phaseStripSvg(trace: Trace, run: PhaseRun, options: StripOptions): string {
  const width = options.width ?? 1600;
  const pad = 28;
  const gap = 20;
  const inner = width - 2 * pad;
  const count = Math.max(0, run.to - run.from);
  const columns = Math.max(
    1,
    Math.min(options.columns ?? Math.min(4, Math.max(1, Math.floor((inner + gap) / (360 + gap)))), Math.max(1, count)),
  );
  const frameW = (inner - gap * (columns - 1)) / columns;
  const map = options.map ?? buildPageMap(trace);
  const out: string[] = [];
  const what = `phase ${run.phase}${run.module ? ` · ${run.module}` : ''} · steps ${run.from}–${run.to - 1} (${count} step${count === 1 ? '' : 's'}) · kernel ${trace.kernel}`;
  let y = figureHead(out, pad, inner, options.title, options.caption, { line: what, role: 'phase' }) + 18;

  for (let row = 0; row * columns < count; row++) {
    const frames: Array<{ svg: string; height: number }> = [];
    for (let c = 0; c < columns; c++) {
      const step = run.from + row * columns + c;
      if (step >= run.to) break;
      const s = trace.steps[step]!;
      const parts: string[] = [];
      let fy = 8;
      fy = lines(parts, 8, fy, frameW - 16, `step ${step}`, 14, 20, {
        'font-weight': 'bold',
        fill: INK,
        'data-role': 'frame-step',
      });
      // the whole title, however many lines it takes
      fy = lines(parts, 8, fy, frameW - 16, s.title, 13, 17, { fill: INK, 'data-role': 'frame-title' });
      fy += 4;
      const drawn = stepMapSvg(trace, map, step, frameW - 8, true);
      parts.push(`<g transform="translate(8 ${r(fy)})">${drawn.svg}</g>`);
      fy += drawn.height + 4;
      frames.push({ svg: parts.join('\n'), height: fy });
    }
    const tallest = Math.max(...frames.map((f) => f.height));
    frames.forEach((f, c) => {
      const x = pad + c * (frameW + gap);
      out.push(
        `<g transform="translate(${r(x)} ${r(y)})" data-role="frame" data-step="${run.from + row * columns + c}"><title>${esc(`step ${run.from + row * columns + c}: ${trace.steps[run.from + row * columns + c]!.title}`)}</title><rect width="${r(frameW)}" height="${r(tallest)}" fill="none" stroke="${LINE}"/>${f.svg}</g>`,
      );
    });
    y += tallest + gap;
  }
  return figureFoot(
    out,
    y,
    pad,
    width,
    inner,
    options.link,
    `${options.title}: ${run.phase}, steps ${run.from}–${run.to - 1}`,
  );
}
