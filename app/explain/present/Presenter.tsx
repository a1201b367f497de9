// Presenter mode, over the whole page: the memory map and the narration of the current step, large
// (the map scaled to fill its box, src/view_model/present_fit.ts), nothing else — or, in the
// window it opens, the speaker's notes: this step's and the next step's titles and the narration's
// "why". Keys a presentation clicker sends: PageDown / → / ↓ / Space next, PageUp / ← / ↑
// previous, Home / End, B (or .) blanks the screen, Esc leaves. A comparison shows its columns.
import { type KeyboardEvent, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { encodeLink } from '../../../src/permalink/permalink.ts';
import { stepAtRow } from '../../../src/trace/align.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { WHY } from '../../../src/trace/why.ts';
import { presentScale } from '../../../src/view_model/present_fit.ts';
import { currentLink } from '../../permalink/current.ts';
import { compareStore, useCompare } from '../compare/compare_store.ts';
import { MemoryMap } from '../map/MemoryMap.tsx';
import { Narration } from '../narration/Narration.tsx';
import type { PlayerStore } from '../player/player.ts';
import { explainStore, useExplain } from '../state/explain_store.ts';
import { traceModel } from '../state/model.ts';
import { presentStore, usePresent } from './present_store.ts';
import { usePresentSync } from './usePresentSync.ts';
import './presenter.css';

const NEXT = new Set(['PageDown', 'ArrowRight', 'ArrowDown', ' ', 'Enter']);
const PREV = new Set(['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace']);

function onPresentKeys(e: KeyboardEvent<HTMLElement>, player: Pick<PlayerStore, 'getState'>, notes: boolean): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if ((e.target as HTMLElement).closest('button, a') && (e.key === ' ' || e.key === 'Enter')) return;
  const p = player.getState() as unknown as { stepBy(d: number): void; first(): void; last(): void };
  const s = presentStore.getState();
  if (NEXT.has(e.key)) p.stepBy(1);
  else if (PREV.has(e.key)) p.stepBy(-1);
  else if (e.key === 'Home') p.first();
  else if (e.key === 'End') p.last();
  else if ((e.key === 'b' || e.key === 'B' || e.key === '.') && !notes) s.toggleBlank();
  else if (e.key === 'Escape') {
    if (notes) window.close();
    s.leave();
  } else return;
  e.preventDefault();
  e.stopPropagation();
}

/** The width and height of an element, followed. */
function useSize(ref: React.RefObject<HTMLElement | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/** A memory map enlarged to fill its box: laid out for box / scale, drawn × scale. */
function BigMap({ trace, step, compact }: { trace: Trace; step: number; compact: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const { w, h } = useSize(box);
  const scale = presentScale(traceModel(trace).map, w, h, { compact });
  return (
    <div className="present-map" ref={box} data-testid="present-map" data-scale={scale}>
      {w > 0 && (
        <div style={{ width: Math.floor(w / scale), transform: `scale(${scale})`, transformOrigin: '0 0' }}>
          <MemoryMap trace={trace} step={step} compact={compact} pixelScale={Math.max(1, scale)} />
        </div>
      )}
    </div>
  );
}

export function Presenter({ comparing }: { comparing: boolean }) {
  const mode = usePresent((s) => s.mode);
  const blank = usePresent((s) => s.blank);
  const root = useRef<HTMLDivElement>(null);
  usePresentSync(mode !== 'off');
  const traced = useExplain((s) => s.trace !== null);
  const aligned = useCompare((s) => s.alignment !== null);
  const ready = traced || aligned;
  useEffect(() => {
    if (ready || mode) root.current?.focus({ preventScroll: true });
  }, [mode, ready]);
  if (mode === 'off') return null;
  const notes = mode === 'notes';
  const player = comparing ? compareStore : explainStore;
  return (
    <div
      className={`presenter${notes ? ' presenter-notes' : ''}`}
      ref={root}
      tabIndex={-1}
      role="dialog"
      aria-modal="true"
      aria-label={notes ? "Presenter view: speaker's notes" : 'Presenter mode'}
      data-testid={notes ? 'presenter-notes' : 'presenter'}
      onKeyDown={(e) => onPresentKeys(e, player, notes)}
    >
      {notes ? <Notes comparing={comparing} /> : comparing ? <CompareSlides /> : <Slides />}
      {blank && !notes && <div className="present-blank" data-testid="present-blank" aria-label="Screen blanked (B)" />}
    </div>
  );
}

function Bar({ children }: { children: ReactNode }) {
  const openNotes = () => {
    const state = currentLink();
    if (!state) return;
    const url = `${location.pathname}${location.search}#${encodeLink({ ...state, present: 'notes' })}`;
    window.open(url, 'klp-lab-presenter-view', 'popup,width=960,height=720');
  };
  return (
    <div className="present-bar">
      <span className="mono present-count" data-testid="present-count">
        {children}
      </span>
      <span className="present-keys">PageDown / → next · PageUp / ← back · B blank · Esc leave</span>
      <button type="button" onClick={openNotes} data-testid="open-presenter-view">
        Presenter view ↗
      </button>
      <button type="button" onClick={() => presentStore.getState().leave()} aria-label="Leave presenter mode (Esc)">
        ✕
      </button>
    </div>
  );
}

function Slides() {
  const trace = useExplain((s) => s.trace);
  const step = useExplain((s) => s.step);
  if (!trace) return <p className="present-wait">Running the emulated kernel…</p>;
  return (
    <>
      <div className="present-slide">
        <BigMap trace={trace} step={step} compact={false} />
        <div className="present-narration">
          <Narration trace={trace} step={step} />
        </div>
      </div>
      <Bar>
        {trace.kernel} · step {step} / {trace.steps.length - 1}
      </Bar>
    </>
  );
}

function CompareSlides() {
  const columns = useCompare((s) => s.columns);
  const al = useCompare((s) => s.alignment);
  const row = useCompare((s) => s.row);
  if (!al) return <p className="present-wait">Running the emulated kernels…</p>;
  return (
    <>
      <div className="present-compare" style={{ gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))` }}>
        {columns.map((c, i) => {
          const at = c.trace ? stepAtRow(al, i, row) : null;
          return (
            <section key={c.strategy.id} className="present-column" aria-label={c.strategy.name}>
              <h2>
                <span className="mono">{c.strategy.id}</span> {c.strategy.name}
                {at && c.trace && (
                  <span className="mono muted">
                    {' '}
                    step {at.step} / {c.trace.steps.length - 1}
                  </span>
                )}
              </h2>
              {c.trace && at ? (
                <>
                  <BigMap trace={c.trace} step={at.step} compact />
                  <div className="present-narration">
                    <Narration trace={c.trace} step={at.step} />
                  </div>
                </>
              ) : (
                <p className="refused-box">
                  <b>Refused.</b> {c.refused}
                </p>
              )}
            </section>
          );
        })}
      </div>
      <Bar>
        row {row} / {al.rows.length - 1}
      </Bar>
    </>
  );
}

const whyOf = (trace: Trace, step: number) => {
  const s = trace.steps[step];
  if (!s) return undefined;
  return WHY[s.source?.fn ?? s.path.at(-1) ?? ''] ?? WHY[s.path.at(-1) ?? ''];
};

/** The speaker's notes: where we are, what comes next, and why this step matters. */
function Notes({ comparing }: { comparing: boolean }) {
  const trace = useExplain((s) => s.trace);
  const step = useExplain((s) => s.step);
  const columns = useCompare((s) => s.columns);
  const al = useCompare((s) => s.alignment);
  const row = useCompare((s) => s.row);
  const player = comparing ? compareStore : explainStore;
  const items: Array<{
    who: string;
    now: string;
    next: string;
    why: string | undefined;
    trace: Trace;
    step: number;
  }> = [];
  let where = '';
  if (comparing && al) {
    where = `row ${row} / ${al.rows.length - 1}`;
    columns.forEach((c, i) => {
      if (!c.trace) return;
      const at = stepAtRow(al, i, row).step;
      const next = row + 1 < al.rows.length ? stepAtRow(al, i, row + 1).step : undefined;
      items.push({
        who: c.strategy.id,
        now: c.trace.steps[at]?.title ?? '',
        next:
          next === undefined ? '(end)' : next === at ? '(no step in this design)' : (c.trace.steps[next]?.title ?? ''),
        why: whyOf(c.trace, at),
        trace: c.trace,
        step: at,
      });
    });
  } else if (trace) {
    where = `step ${step} / ${trace.steps.length - 1}`;
    items.push({
      who: trace.kernel,
      now: trace.steps[step]?.title ?? '',
      next: trace.steps[step + 1]?.title ?? '(end)',
      why: whyOf(trace, step),
      trace,
      step,
    });
  }
  const p = player.getState() as unknown as { stepBy(d: number): void };
  return (
    <div className="notes">
      <p className="notes-where mono" data-testid="notes-where">
        {where}
      </p>
      {items.map((it) => (
        <section key={it.who} className="notes-item">
          {items.length > 1 && <h2 className="mono">{it.who}</h2>}
          <p className="notes-now" data-testid="notes-now">
            {it.now}
          </p>
          <p className="notes-next" data-testid="notes-next">
            <span className="muted">Next: </span>
            {it.next}
          </p>
          {it.why && (
            <p className="notes-why" data-testid="notes-why">
              {it.why}
            </p>
          )}
          {/* What the step changed, as the projector's narration says it (without the title above). */}
          <div className="notes-narration">
            <Narration trace={it.trace} step={it.step} />
          </div>
        </section>
      ))}
      <div className="notes-controls">
        <button type="button" onClick={() => p.stepBy(-1)}>
          ← Previous
        </button>
        <button type="button" onClick={() => p.stepBy(1)}>
          Next →
        </button>
      </div>
    </div>
  );
}
