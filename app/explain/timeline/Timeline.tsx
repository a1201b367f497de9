// The timeline under the map: phase markers (click to jump), one band row per module's state,
// a strip of what each step did (writes, permission flips, RWX, faults), and the cursor. Drag
// anywhere below the phase row to scrub. SVG: a trace has tens to hundreds of steps.
import { scaleLinear } from 'd3-scale';
import { Fragment, useMemo, useRef } from 'react';
import { moduleStateName } from '../../../src/trace/phases.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { stateColour, stateInk } from '../../../src/view_model/palette.ts';
import { useWidth } from '../hooks.ts';
import { explainStore, useExplain } from '../state/explain_store.ts';
import { traceModel } from '../state/model.ts';
import './timeline_keys.css';

const LEFT = 130;
const RIGHT = 12;
const PHASE_H = 30;
const BAND_H = 16;
const STRIP_H = 26;

export function Timeline({ trace }: { trace: Trace }) {
  const model = traceModel(trace);
  const wrap = useRef<HTMLDivElement>(null);
  const width = Math.max(320, useWidth(wrap));
  const step = useExplain((s) => s.step);
  const n = trace.steps.length;
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, n])
        .range([LEFT, width - RIGHT]),
    [n, width],
  );
  const bandY = PHASE_H + 6;
  const stripY = bandY + model.modules.length * (BAND_H + 3) + 4;
  const height = stripY + STRIP_H + 18;
  const stepW = x(1) - x(0);
  const marks = useMemo(() => stepMarks(trace), [trace]);
  const maxWrites = Math.max(1, ...model.map.writesAtStep);

  const stepAt = (clientX: number, el: SVGSVGElement) => {
    const r = el.getBoundingClientRect();
    return Math.floor(x.invert(clientX - r.left));
  };
  const scrub = (e: React.PointerEvent<SVGSVGElement>) => {
    if (e.type === 'pointerdown') {
      if ((e.target as Element).closest('[data-phase]')) return;
      e.currentTarget.setPointerCapture(e.pointerId);
    } else if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    explainStore.getState().seek(stepAt(e.clientX, e.currentTarget));
  };

  return (
    <div className="timeline" ref={wrap}>
      <svg
        width={width}
        height={height}
        data-testid="timeline"
        role="group"
        aria-label={`Timeline: ${n} steps; drag to scrub`}
        onPointerDown={scrub}
        onPointerMove={scrub}
      >
        {/* RWX windows: red spans over everything */}
        {marks.rwx(model.map.rwxAtStep).map(([a, b]) => (
          <rect key={`rwx${a}`} className="tl-rwx" x={x(a)} y={0} width={x(b) - x(a)} height={height - 14}>
            <title>{`RWX pages: steps ${a}–${b - 1}`}</title>
          </rect>
        ))}
        <text className="tl-label" x={6} y={PHASE_H / 2 + 4}>
          phase
        </text>
        {model.runs.map((r, i) => {
          const x0 = x(r.from);
          const w = x(r.to) - x0;
          const current = step >= r.from && step < r.to;
          return (
            <Fragment key={`${r.phase}${r.from}`}>
              <g
                data-phase={r.phase}
                data-testid={`phase-${r.phase}`}
                data-module={r.module ?? ''}
                className={`tl-phase${current ? ' current' : ''}`}
                role="button"
                tabIndex={0}
                aria-label={`${r.phase}${r.module ? ` (${r.module})` : ''}: steps ${r.from}–${r.to - 1}`}
                onClick={() => explainStore.getState().seek(r.from)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter' && e.key !== ' ') return;
                  // the phase's own key, not the player's (Space plays)
                  e.preventDefault();
                  e.stopPropagation();
                  explainStore.getState().seek(r.from);
                }}
              >
                <rect x={x0} y={0} width={Math.max(1, w - 1)} height={PHASE_H} className={i % 2 ? 'odd' : 'even'} />
                <title>{`${r.phase}${r.module ? ` — ${r.module}` : ''} (steps ${r.from}–${r.to - 1})`}</title>
              </g>
              {w > 40 && (
                // the name cut to fit, outside the button: its label says the name whole
                <text
                  x={x0 + 3}
                  y={PHASE_H / 2 + 4}
                  className={`tl-phase-text${current ? ' current' : ''}`}
                  aria-hidden="true"
                >
                  {fit(r.phase, w - 6)}
                </text>
              )}
            </Fragment>
          );
        })}
        {model.modules.map((m, i) => (
          <g key={m} transform={`translate(0, ${bandY + i * (BAND_H + 3)})`}>
            <text className="tl-label" x={6} y={BAND_H - 4}>
              {fit(m, LEFT - 10)}
            </text>
            {model.bands
              .filter((b) => b.module === m)
              .map((b) => (
                <g key={b.from} data-testid={`band-${m}-${b.state}`}>
                  <title>{`${m}: ${moduleStateName(b.state)}`}</title>
                  <rect
                    x={x(b.from)}
                    y={0}
                    width={Math.max(1, x(b.to) - x(b.from))}
                    height={BAND_H}
                    fill={stateColour(b.state)}
                  />
                  {x(b.to) - x(b.from) > 56 && (
                    <text x={x(b.from) + 3} y={BAND_H - 4} className="tl-band-text" fill={stateInk(b.state)}>
                      {b.state}
                    </text>
                  )}
                </g>
              ))}
          </g>
        ))}
        <g transform={`translate(0, ${stripY})`}>
          <text className="tl-label" x={6} y={STRIP_H - 8}>
            writes · flips · audit
          </text>
          {Array.from(model.map.writesAtStep, (w, s) =>
            w ? (
              <rect
                key={`w${s}`}
                className="tl-writes"
                x={x(s) + 1}
                width={Math.max(1, stepW - 2)}
                y={STRIP_H - 4 - h(w, maxWrites)}
                height={h(w, maxWrites)}
              />
            ) : null,
          )}
          {marks.flips.map((s) => (
            <path key={`f${s}`} className="tl-flip" d={`M${x(s) + stepW / 2} 0 l5 6 l-5 6 l-5 -6 z`} />
          ))}
          {[...model.audit.byStep.keys()].map((s) => (
            <rect key={`v${s}`} className="tl-verdict" x={x(s)} y={STRIP_H - 3} width={Math.max(2, stepW)} height={4}>
              <title>{`step ${s}: ${model.audit.byStep.get(s)!.join(', ')}`}</title>
            </rect>
          ))}
          {marks.faults.map((s) => (
            <text key={`x${s}`} className="tl-fault" x={x(s) + stepW / 2 - 4} y={12}>
              ✕
            </text>
          ))}
        </g>
        <g className="tl-cursor" transform={`translate(${x(step)}, 0)`}>
          <rect x={0} y={0} width={Math.max(2, stepW)} height={height - 14} />
          <text x={Math.max(2, stepW) / 2} y={height - 2} textAnchor="middle">
            {step}
          </text>
        </g>
      </svg>
    </div>
  );
}

const h = (w: number, max: number) => 3 + (Math.log1p(w) / Math.log1p(max)) * (STRIP_H - 8);

/** Truncates a label to roughly fit `px` at 11px monospace. */
function fit(s: string, px: number): string {
  const chars = Math.floor(px / 6.7);
  return s.length <= chars ? s : chars > 2 ? `${s.slice(0, chars - 1)}…` : '';
}

function stepMarks(trace: Trace) {
  const flips: number[] = [];
  const faults: number[] = [];
  for (const s of trace.steps) {
    if (s.events.some((e) => e.kind === 'perm' && e.changed.length > 0)) flips.push(s.index);
    if (s.events.some((e) => e.kind === 'fault')) faults.push(s.index);
  }
  const rwx = (at: Uint8Array): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < at.length; i++) {
      if (!at[i]) continue;
      let j = i;
      while (j + 1 < at.length && at[j + 1]) j++;
      out.push([i, j + 1]);
      i = j;
    }
    return out;
  };
  return { flips, faults, rwx };
}
