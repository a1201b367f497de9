// The comparison's shared timeline: x is a row of the alignment (not a step of any one trace).
// Top: the scenario's operations (click to jump). Then the rows where the designs differ,
// coloured by how much (W^X, permissions, write path, a step only some take). Then one lane per
// strategy: a cell where it has a step, nothing where it has no equivalent, vermillion where a
// page is RWX, a diamond where a permission flips. Drag anywhere to scrub; one cursor for all.
import { scaleLinear } from 'd3-scale';
import { useMemo, useRef } from 'react';
import type { DiffKind } from '../../../src/trace/align.ts';
import { useWidth } from '../hooks.ts';
import { traceModel } from '../state/model.ts';
import { compareStore, useCompare } from './compare_store.ts';
import type { CompareColumnState } from './rows.ts';

const LEFT = 120;
const RIGHT = 12;
const OPS_H = 22;
const DIFF_H = 16;
const LANE_H = 18;

export const DIFF_STYLE: Record<DiffKind, { fill: string; label: string; h: number }> = {
  wx: { fill: '#D55E00', label: 'W^X differs (RWX / write after exec / fault)', h: 16 },
  fail: { fill: '#CC79A7', label: 'the kernel reports an error in one design', h: 14 },
  /** black in the light theme, white in the dark one (--edge) */
  perm: { fill: 'var(--edge, #000000)', label: 'permission flips differ', h: 12 },
  write: { fill: '#0072B2', label: 'write path differs', h: 8 },
  only: { fill: '#9aa3ab', label: 'a step only some designs take', h: 5 },
};

export function CompareTimeline({ columns }: { columns: CompareColumnState[] }) {
  const al = useCompare((s) => s.alignment)!;
  const row = useCompare((s) => s.row);
  const wrap = useRef<HTMLDivElement>(null);
  const width = Math.max(360, useWidth(wrap));
  const n = al.rows.length;
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, n])
        .range([LEFT, width - RIGHT]),
    [n, width],
  );
  const w = x(1) - x(0);
  const diffY = OPS_H + 4;
  const laneY = diffY + DIFF_H + 6;
  const height = laneY + columns.length * (LANE_H + 4) + 16;

  const lanes = useMemo(
    () =>
      columns.map((col, c) => {
        if (!col.trace) return null;
        const model = traceModel(col.trace);
        const cells: Array<{ r: number; rwx: boolean; flip: boolean }> = [];
        al.rows.forEach((ar, r) => {
          const s = ar.cols[c];
          if (s === null || s === undefined) return;
          const step = col.trace!.steps[s]!;
          cells.push({
            r,
            rwx: !!model.map.rwxAtStep[s],
            flip: step.events.some((e) => e.kind === 'perm' && e.changed.length > 0),
          });
        });
        return cells;
      }),
    [columns, al],
  );

  const scrub = (e: React.PointerEvent<SVGSVGElement>) => {
    if (e.type === 'pointerdown') {
      if ((e.target as Element).closest('[data-op]')) return;
      e.currentTarget.setPointerCapture(e.pointerId);
    } else if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const r = e.currentTarget.getBoundingClientRect();
    compareStore.getState().seek(Math.floor(x.invert(e.clientX - r.left)));
  };

  return (
    <div className="timeline compare-timeline" ref={wrap}>
      <svg
        width={width}
        height={height}
        data-testid="compare-timeline"
        role="group"
        aria-label={`Aligned timeline: ${n} rows; drag to scrub`}
        onPointerDown={scrub}
        onPointerMove={scrub}
      >
        <text className="tl-label" x={6} y={OPS_H / 2 + 4}>
          operation
        </text>
        {al.ops.map((o, i) => {
          const x0 = x(o.fromRow);
          const ow = x(o.toRow) - x0;
          return (
            <g
              key={`${o.key}${o.fromRow}`}
              data-op={o.key}
              className={`tl-phase${row >= o.fromRow && row < o.toRow ? ' current' : ''}`}
              role="button"
              tabIndex={-1}
              aria-label={`${o.label}: rows ${o.fromRow}–${o.toRow - 1}`}
              onClick={() => compareStore.getState().seek(o.fromRow)}
            >
              <rect x={x0} y={0} width={Math.max(1, ow - 1)} height={OPS_H} className={i % 2 ? 'odd' : 'even'} />
              <title>{o.label}</title>
              {ow > 40 && (
                <text x={x0 + 4} y={OPS_H / 2 + 4} className="tl-phase-text">
                  {fit(o.label, ow - 8)}
                </text>
              )}
            </g>
          );
        })}
        <g transform={`translate(0, ${diffY})`} data-testid="diff-strip">
          <text className="tl-label" x={6} y={DIFF_H - 4}>
            designs differ
          </text>
          {al.rows.map((r, i) =>
            r.diff ? (
              <rect
                key={i}
                data-diff={r.diff}
                data-row={i}
                x={x(i) + (w > 3 ? 0.5 : 0)}
                y={DIFF_H - DIFF_STYLE[r.diff].h}
                width={Math.max(1, w - (w > 3 ? 1 : 0))}
                height={DIFF_STYLE[r.diff].h}
                style={{ fill: DIFF_STYLE[r.diff].fill }}
              >
                <title>{`row ${i}: ${DIFF_STYLE[r.diff].label}`}</title>
              </rect>
            ) : null,
          )}
        </g>
        {columns.map((col, c) => (
          <g
            key={col.strategy.id}
            transform={`translate(0, ${laneY + c * (LANE_H + 4)})`}
            data-testid={`lane-${col.strategy.id}`}
          >
            <text className="tl-label" x={6} y={LANE_H - 5}>
              {fit(col.strategy.id, LEFT - 10)}
            </text>
            {lanes[c] === null ? (
              <text x={LEFT + 4} y={LANE_H - 5} className="tl-label">
                refused: {fit(col.refused ?? '', width - LEFT - 20)}
              </text>
            ) : (
              <>
                <line x1={LEFT} x2={width - RIGHT} y1={LANE_H / 2} y2={LANE_H / 2} className="cmp-gap-line" />
                {lanes[c]!.map((cell) => (
                  <rect
                    key={cell.r}
                    x={x(cell.r)}
                    y={1}
                    width={Math.max(1, w)}
                    height={LANE_H - 2}
                    className={cell.rwx ? 'cmp-cell rwx' : 'cmp-cell'}
                  />
                ))}
                {lanes[c]!.filter((cell) => cell.flip).map((cell) => (
                  <path
                    key={`f${cell.r}`}
                    className="tl-flip"
                    d={`M${x(cell.r) + w / 2} ${LANE_H / 2 - 5} l4 5 l-4 5 l-4 -5 z`}
                  />
                ))}
              </>
            )}
          </g>
        ))}
        <g className="tl-cursor" transform={`translate(${x(row)}, 0)`}>
          <rect x={0} y={0} width={Math.max(2, w)} height={height - 14} />
          <text x={Math.max(2, w) / 2} y={height - 2} textAnchor="middle">
            {row}
          </text>
        </g>
      </svg>
    </div>
  );
}

function fit(s: string, px: number): string {
  const chars = Math.floor(px / 6.7);
  return s.length <= chars ? s : chars > 2 ? `${s.slice(0, chars - 1)}…` : '';
}
