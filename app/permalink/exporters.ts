// Exports of what is on screen: the permalink, the <iframe> embed snippet, the step as SVG, PNG
// (the SVG rasterised at 3×, poster quality) and plain-text ASCII for a mail. Built from the
// stores and the pure builders; nothing leaves the page except through the user's clipboard or
// a download.

import { phaseRunAt, phaseStripSvg } from '../../src/export/phase_strip.ts';
import { type SvgPanel, stepSvg } from '../../src/export/step_svg.ts';
import { type EmbedView, type LinkState, linkHref } from '../../src/permalink/permalink.ts';
import { stepAtRow } from '../../src/trace/align.ts';
import { stepReport } from '../../src/trace/ascii.ts';
import { emptyWriteLog } from '../../src/trace/write_log.ts';
import { compareStore } from '../explain/compare/compare_store.ts';
import { explainStore } from '../explain/state/explain_store.ts';
import { traceModel } from '../explain/state/model.ts';
import { describeSource } from '../explain/state/request.ts';
import { useKlp } from '../store.ts';
import { currentLink } from './current.ts';

/** The app's URL without query or hash: the base of every link it makes. */
function appBase(): string {
  return `${location.origin}${location.pathname}`;
}

/** The full link of what is on screen (never an embed link). */
export function currentHref(): string | undefined {
  const state = currentLink();
  if (!state) return undefined;
  const { embed: _e, caption: _c, ...full } = state;
  return linkHref(appBase(), full);
}

/** The <iframe> snippet for the current view as an embed. */
export function embedSnippet(view: EmbedView, caption: string, height: number): string | undefined {
  const state = currentLink();
  if (state?.view !== 'explain') return undefined;
  const s: LinkState = { ...state, embed: view, ...(caption.trim() ? { caption: caption.trim() } : {}) };
  const src = linkHref(appBase(), s);
  const title = caption.trim() || `klp-lab: ${figureTitle()}`;
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${attr(src)}" title="${attr(title)}" width="100%" height="${height}" loading="lazy" referrerpolicy="no-referrer" style="border:1px solid #ccc;border-radius:6px"></iframe>`;
}

/** "v5.4-flip × late-load" / "text-poke vs text-poke-clear: reload" / "insmod a, insmod b on 6.1". */
function figureTitle(): string {
  const ran = explainStore.getState().ran;
  if (!ran) return 'klp-lab';
  if (ran.kind === 'scenario') return `${ran.strategy} × ${ran.scenario}`;
  const files = useKlp.getState().files;
  return describeSource(ran, (m) =>
    m.kind === 'sample' ? m.id : (files.find((f) => f.key === m.key)?.name ?? '(file)'),
  );
}

/** The panels of the current view: one trace at its step, or one per compared strategy at the row. */
function panels(): SvgPanel[] {
  const ex = explainStore.getState();
  if (ex.ran?.kind === 'compare') {
    const c = compareStore.getState();
    if (!c.alignment) return [];
    return c.columns.map((col, i) => {
      if (!col.trace)
        return {
          heading: col.strategy.id,
          trace: { kernel: '', steps: [], writes: emptyWriteLog(0) },
          step: 0,
          note: `Refused: ${col.refused ?? ''}`,
        };
      const at = stepAtRow(c.alignment!, i, c.row);
      return {
        heading: `${col.strategy.id}: ${col.strategy.name}`,
        trace: col.trace,
        step: at.step,
        map: traceModel(col.trace).map,
      };
    });
  }
  if (!ex.trace) return [];
  return [{ trace: ex.trace, step: ex.step, map: traceModel(ex.trace).map }];
}

export function currentSvg(caption?: string): string | undefined {
  const p = panels();
  if (!p.length) return undefined;
  return stepSvg(p, {
    title: figureTitle(),
    ...(caption ? { caption } : {}),
    ...(currentHref() ? { link: currentHref()! } : {}),
  });
}

/** The phase of the current step (single trace only): the steps the strip export draws. */
export function currentPhase(): { phase: string; from: number; to: number } | undefined {
  const ex = explainStore.getState();
  if (ex.ran?.kind === 'compare' || !ex.trace) return undefined;
  return phaseRunAt(ex.trace, ex.step);
}

/** Every step of the current step's phase as a strip of small frames (SVG, one legend). */
export function currentStripSvg(caption?: string): string | undefined {
  const ex = explainStore.getState();
  if (ex.ran?.kind === 'compare' || !ex.trace) return undefined;
  const run = phaseRunAt(ex.trace, ex.step);
  if (!run) return undefined;
  const link = currentHref();
  return phaseStripSvg(ex.trace, run, {
    title: figureTitle(),
    map: traceModel(ex.trace).map,
    ...(caption ? { caption } : {}),
    ...(link ? { link } : {}),
  });
}

/** The ASCII export: the step (each compared design in turn) with narration and the permalink. */
export function currentAscii(): string | undefined {
  const p = panels();
  if (!p.length) return undefined;
  const link = currentHref();
  const title = `klp-lab: ${figureTitle()}`;
  const blocks = p.map((panel, i) =>
    panel.note
      ? [`${panel.heading}`, `  ${panel.note}`]
      : stepReport(panel.trace, panel.step, {
          heading: p.length > 1 ? `[${i + 1}/${p.length}] ${panel.heading}` : title,
          ...(i === p.length - 1 && link ? { link } : {}),
        }),
  );
  const head = p.length > 1 ? [title, ''] : [];
  return `${[...head, ...blocks.map((b) => b.join('\n'))].join('\n\n')}\n`;
}

export function fileStem(phase = false): string {
  const ex = explainStore.getState();
  const run = phase ? currentPhase() : undefined;
  const where = run
    ? `${run.phase}-steps${run.from}-${run.to - 1}`
    : ex.ran?.kind === 'compare'
      ? `row${compareStore.getState().row}`
      : `step${ex.step}`;
  return `klp-lab-${figureTitle()
    .replace(/[^A-Za-z0-9.+-]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)}-${where}`;
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The SVG rasterised at `scale` (3: a 1200 px figure becomes 3600 px wide). */
export async function svgToPng(svg: string, scale = 3): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(img.naturalWidth * scale);
    canvas.height = Math.round(img.naturalHeight * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Clipboard, with a fallback for pages without the async Clipboard API (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'sr-only';
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}
