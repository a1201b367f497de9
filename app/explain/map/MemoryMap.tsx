// The memory map: one canvas for the pages (thousands of cells), DOM only for the few things
// that need it: the current step's write marks as buttons (≤ MAX_DOM_MARKS), a text version of
// every region's permissions (screen readers, tests), and the hover readout.
import { useEffect, useMemo, useRef, useState } from 'react';
import { PAGE_SIZE } from '../../../src/kernel/mm/page.ts';
import { SITE_FAULT, sitesOfStep } from '../../../src/trace/page_map.ts';
import { PERM_LABEL, PermCode } from '../../../src/trace/perm_code.ts';
import { moduleStateName } from '../../../src/trace/phases.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { writeLength } from '../../../src/trace/write_log.ts';
import { flipsAt } from '../../../src/view_model/flips.ts';
import { type MapLayout, offsetToView, viewToOffset } from '../../../src/view_model/map_layout.ts';
import { useColorScheme, useReducedMotion, useWidth } from '../hooks.ts';
import { explainStore, useExplain } from '../state/explain_store.ts';
import { type TraceModel, traceModel } from '../state/model.ts';
import { sectionAt, writeRef, writeWhat } from '../writes/writes.ts';
import { MapZoomBar } from './MapZoomBar.tsx';
import { drawBase, drawTransition, type Theme } from './map_draw.ts';
import { useMapZoom } from './useMapZoom.ts';

const MAX_DOM_MARKS = 300;

const TRANSITION_MS = 650;

function readTheme(el: HTMLElement): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#1d2125'),
    muted: v('--muted', '#5f6870'),
    line: v('--line', '#dcdfe3'),
    panel: v('--panel', '#ffffff'),
    dark: typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches,
  };
}

function stateAt(model: TraceModel, module: string, step: number): string | undefined {
  const s = model.bands.find((b) => b.module === module && step >= b.from && step < b.to)?.state;
  return s && moduleStateName(s);
}

/**
 * `step` overrides the explainer's current step and `compact` draws smaller pages without
 * clickable write marks: both for the side-by-side comparison, where each column has its own
 * trace and the shared cursor decides the step.
 */
export function MemoryMap({
  trace,
  step: stepProp,
  compact = false,
  scale,
  pixelScale = 1,
}: {
  trace: Trace;
  step?: number;
  compact?: boolean;
  /** The page width for a map `width` px wide, shared by maps drawn side by side (one scale). */
  scale?: (width: number) => number;
  /** The map is shown enlarged by this much (presenter mode): the canvas gets as many more pixels. */
  pixelScale?: number;
}) {
  const model = traceModel(trace);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  /** Transitions are painted here, over the base: a frame clears this canvas, not redraws the map. */
  const overlay = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrap);
  const storeStep = useExplain((s) => s.step);
  const step = stepProp ?? storeStep;
  const storeSelection = useExplain((s) => s.selection);
  const selection = compact ? ({ kind: 'none' } as const) : storeSelection;
  const reduced = useReducedMotion();
  // Repainted when the system switches between light and dark (the canvas reads the theme's colours).
  const scheme = useColorScheme();
  const stage = useRef<HTMLDivElement>(null);
  // The map laid out at its zoom (1: fitted to the width), seen through a window `pan` px from its left;
  // side by side, every map has the same page width at zoom 1 (scale).
  const zoom = useMapZoom(stage, model.map, width, compact, scale && width > 0 ? scale(width) : undefined);
  const { layout, pan } = zoom;
  const [hover, setHover] = useState<string>('');

  const selected = useMemo(() => {
    if (selection.kind !== 'write') return undefined;
    const ref = writeRef(trace, model.map, selection.step, selection.event);
    return ref?.region ? { regionId: ref.region.id, offset: ref.offset, length: writeLength(ref.write) } : undefined;
  }, [trace, model, selection]);

  // Paint: the base for this step, then (unless reduced motion) the transition into it.
  const lastStep = useRef<number | null>(null);
  useEffect(() => {
    const c = canvas.current;
    const o = overlay.current;
    if (!c || !o || !layout) return;
    const dpr = (window.devicePixelRatio || 1) * pixelScale;
    const t0 = performance.now();
    // assigning a canvas's size clears and reallocates it: only when it changes
    // The canvas is the view's size; a zoomed layout is wider and drawn shifted by the pan.
    const viewW = Math.min(layout.width, width);
    const cw = Math.round(viewW * dpr);
    const height = Math.round(layout.height * dpr);
    for (const el of [c, o])
      if (el.width !== cw || el.height !== height) {
        el.width = cw;
        el.height = height;
        el.style.width = `${viewW}px`;
        el.style.height = `${layout.height}px`;
      }
    const theme = readTheme(c);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, -pan * dpr, 0);
    const flips = flipsAt(model.map, layout, step);
    const view = { x0: pan, x1: pan + viewW };
    drawBase(ctx, {
      layout,
      map: model.map,
      step,
      stateOf: (m) => stateAt(model, m, step),
      flips,
      selected,
      theme,
      view,
    });
    const octx = o.getContext('2d')!;
    const clear = () => {
      octx.setTransform(1, 0, 0, 1, 0, 0);
      octx.clearRect(0, 0, o.width, o.height);
      octx.setTransform(dpr, 0, 0, dpr, -pan * dpr, 0);
    };
    c.dataset.pageW = String(layout.pageW - layout.gap);
    clear();
    c.dataset.drawMs = (performance.now() - t0).toFixed(1);
    const stepChanged = lastStep.current !== null && lastStep.current !== step;
    lastStep.current = step;
    c.dataset.animating = '0';
    if (reduced || !stepChanged) return;
    const pulses = pulsesAt(model, layout, step);
    if (!flips.length && !pulses.length) return;
    let raf = 0;
    const start = performance.now();
    c.dataset.animating = '1';
    const frame = (now: number) => {
      const t = Math.min(1, (now - start) / TRANSITION_MS);
      clear();
      drawTransition(octx, { layout, flips, pulses, theme }, t);
      if (t < 1) raf = requestAnimationFrame(frame);
      else c.dataset.animating = '0';
    };
    raf = requestAnimationFrame(frame);
    return () => {
      cancelAnimationFrame(raf);
      c.dataset.animating = '0';
      clear();
    };
  }, [model, layout, pan, width, step, selected, reduced, scheme, pixelScale]);

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!layout || compact || zoom.dragged()) return;
    const r = e.currentTarget.getBoundingClientRect();
    const hit = nearestSite(layout, e.clientX - r.left + pan, e.clientY - r.top, step);
    if (hit) explainStore.getState().select({ kind: 'write', step: hit.step, event: hit.event });
  };
  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!layout) return;
    const r = e.currentTarget.getBoundingClientRect();
    const at = viewToOffset(layout, e.clientX - r.left + pan, e.clientY - r.top);
    if (!at) return setHover('');
    const code = (model.map.perms[step]?.[at.box.info.id]?.[at.page] ?? PermCode.None) as PermCode;
    const sec = sectionAt(at.box.info, at.offset);
    setHover(
      `${at.box.info.region.module} ${at.box.info.region.name} page ${at.page} (+0x${(at.page * PAGE_SIZE).toString(16)}): ${PERM_LABEL[code]}${sec ? ` · ${sec.name}+0x${(at.offset - sec.offset).toString(16)}` : ''}`,
    );
  };

  return (
    <div className="memory-map" ref={wrap} data-testid="memory-map" data-model-ms={model.buildMs.toFixed(1)}>
      <div
        className="map-stage"
        ref={stage}
        style={layout ? { height: layout.height } : undefined}
        tabIndex={0}
        role="group"
        aria-label={`Memory map, zoom ${zoom.zoom.toFixed(1)}×: + and − zoom, 0 fits, ←/→ pan when zoomed`}
        data-testid="map-stage"
        data-zoom={zoom.zoom.toFixed(2)}
        data-pan={pan}
        onKeyDown={zoom.onKeyDown}
      >
        <canvas
          ref={canvas}
          data-testid="map-canvas"
          data-page-w={layout?.pageW}
          role="img"
          aria-label="Memory map: the pages of every module's regions, coloured by permission"
          onClick={onClick}
          onMouseMove={onMove}
          onMouseLeave={() => setHover('')}
        />
        <canvas ref={overlay} className="map-overlay" aria-hidden="true" />
        {layout && !compact && <StepMarks model={model} layout={layout} step={step} pan={pan} view={width} />}
      </div>
      {/* A comparison's narrow columns show the bar once zoomed (Ctrl+wheel, pinch, + on the map). */}
      {layout && (!compact || zoom.zoom > 1) && <MapZoomBar z={zoom} map={model.map} step={step} width={width} />}
      <p className="map-hover mono" aria-live="off">
        {hover || ' '}
      </p>
      {layout && <MapText model={model} step={step} />}
    </div>
  );
}

function pulsesAt(_model: TraceModel, layout: MapLayout, step: number): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  for (const box of layout.boxes) {
    if (!box) continue;
    const [lo, hi] = sitesOfStep(box.info.sites, step);
    for (let i = lo; i < hi && out.length < 400; i++) {
      const at = offsetToView(layout, box, box.info.sites.offset[i]!);
      out.push({ x: at.x, y: at.y + (layout.detailed ? layout.pageH - 10 : layout.pageH / 2) });
    }
  }
  return out;
}

function nearestSite(
  layout: MapLayout,
  px: number,
  py: number,
  step: number,
): { step: number; event: number } | undefined {
  const at = viewToOffset(layout, px, py);
  if (!at) return undefined;
  const sites = at.box.info.sites;
  const bytesPerPx = PAGE_SIZE / Math.max(1, layout.pageW - layout.gap);
  const slack = Math.max(8, bytesPerPx * 5);
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < sites.count; i++) {
    if (sites.step[i]! > step || sites.flags[i]! & SITE_FAULT) continue;
    const d = Math.abs(sites.offset[i]! + sites.length[i]! / 2 - at.offset);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0 || bestD > slack) return undefined;
  return { step: sites.step[best]!, event: sites.event[best]! };
}

/** This step's writes as buttons over the canvas (keyboard- and test-reachable). */
function StepMarks({
  model,
  layout,
  step,
  pan,
  view,
}: {
  model: TraceModel;
  layout: MapLayout;
  step: number;
  pan: number;
  view: number;
}) {
  const marks = useMemo(() => {
    if (!layout.detailed) return [];
    const out: Array<{ key: string; x: number; y: number; w: number; event: number; label: string; count: number }> =
      [];
    for (const box of layout.boxes) {
      if (!box) continue;
      const s = box.info.sites;
      const [lo, hi] = sitesOfStep(s, step);
      for (let i = lo; i < hi && out.length < MAX_DOM_MARKS; i++) {
        if (s.flags[i]! & SITE_FAULT) continue;
        const at = offsetToView(layout, box, s.offset[i]!);
        const w = Math.max(5, (s.length[i]! / PAGE_SIZE) * (layout.pageW - layout.gap));
        // Sites closer than a few pixels share one button (the write list has them all).
        const prev = out.at(-1);
        if (prev && prev.y === at.y + layout.pageH - 18 && at.x < prev.x + prev.w + 1 && at.x >= prev.x - 1) {
          prev.count++;
          prev.w = Math.max(prev.w, at.x + w - prev.x);
          continue;
        }
        const ref = writeRef(model.trace, model.map, step, s.event[i]!);
        if (!ref) continue;
        const sec = sectionAt(box.info, s.offset[i]!);
        const where = sec
          ? `${sec.name}+0x${(s.offset[i]! - sec.offset).toString(16)}`
          : `+0x${s.offset[i]!.toString(16)}`;
        out.push({
          key: `${box.info.id}:${i}`,
          x: at.x,
          y: at.y + layout.pageH - 18,
          w,
          event: s.event[i]!,
          label: `${writeWhat(ref.write)} at ${box.info.region.module} ${where}`,
          count: 1,
        });
      }
    }
    for (const m of out) if (m.count > 1) m.label = `${m.label} (and ${m.count - 1} more within a few pixels)`;
    return out;
  }, [model, layout, step]);
  const selection = useExplain((s) => s.selection);
  return (
    <>
      {marks.map((m) =>
        m.x + m.w < pan || m.x > pan + view ? null : (
          <button
            key={m.key}
            type="button"
            className={`map-mark${selection.kind === 'write' && selection.step === step && selection.event === m.event ? ' selected' : ''}`}
            data-testid="map-mark"
            style={{ left: m.x - pan, top: m.y, width: m.w }}
            aria-label={m.label}
            title={m.label}
            onClick={() => explainStore.getState().select({ kind: 'write', step, event: m.event })}
          />
        ),
      )}
    </>
  );
}

/** The map as text: each region's pages, run-length encoded ("0–1 RX, 2 RO, 3 RW"). */
function MapText({ model, step }: { model: TraceModel; step: number }) {
  return (
    <ul className="sr-only" data-testid="map-text">
      {model.map.regions.map((r) => {
        const perms = model.map.perms[step]?.[r.id];
        const codes = Array.from(perms ?? [], (c) => PERM_LABEL[c as PermCode]);
        return (
          <li key={r.id} data-region={`${r.region.module} ${r.region.name}`} data-perms={codes.join(',')}>
            {r.region.module} {r.region.name}: {runs(codes)}
          </li>
        );
      })}
    </ul>
  );
}

function runs(codes: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < codes.length; ) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === codes[i]) j++;
    out.push(`${i === j ? `page ${i}` : `pages ${i}–${j}`} ${codes[i]}`);
    i = j + 1;
  }
  return out.join(', ') || 'no pages';
}
