// The comparison's view state (zustand, vanilla): which strategies ran over which scenario, what
// each returned (trace or refusal, audit metrics, packaging), the alignment of their steps, and
// the one shared cursor — a row of the alignment, not a step of any one trace.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Audit } from '../../../src/audit/auditor.ts';
import type { RequestOf } from '../../../src/engine/request.ts';
import type { Outcome } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import type { ScenarioId } from '../../../src/scenarios/scenarios.ts';
import { type Strategy, strategyById } from '../../../src/strategies/strategies.ts';
import {
  type Alignment,
  alignTraces,
  type DiffKind,
  diffNeighbour,
  firstImportantDiff,
} from '../../../src/trace/align.ts';
import { alignInput, type MetricsRow, metricsRow, type OpRef } from '../../../src/trace/compare.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { takeLinkedRow } from '../../permalink/link_state.ts';
import { useKlp } from '../../store.ts';
import { traceModel } from '../state/model.ts';
import type { ModuleRef } from '../state/request.ts';
import { runCompare } from '../state/run.ts';

export interface CompareColumnState {
  strategy: Strategy | { id: string; name: string; reality: string; kernel: string; reconstruction: boolean };
  trace: Trace | null;
  refused?: string;
  outcomes: Outcome[];
  ops: OpRef[];
  packaging?: Packaging;
  audit: Audit | null;
  metrics: MetricsRow | null;
  runMs: number;
}

export type CompareStatus =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'ready'; runMs: number; totalMs: number; alignMs: number }
  | { kind: 'error'; message: string };

export interface CompareState {
  scenario: ScenarioId;
  columns: CompareColumnState[];
  alignment: Alignment | null;
  /** The shared cursor: a row of the alignment. */
  row: number;
  playing: boolean;
  speed: number;
  status: CompareStatus;
  seq: number;

  run(request: RequestOf<'compare', ModuleRef>): Promise<void>;
  rowTo(row: number): void;
  rowBy(delta: number): void;
  first(): void;
  last(): void;
  /** Previous / next row where the designs differ (at least `min`). */
  diff(dir: -1 | 1, min?: DiffKind): void;
  /** Previous / next operation of the scenario. */
  op(dir: -1 | 1): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  setSpeed(speed: number): void;
}

const rows = (s: { alignment: Alignment | null }) => s.alignment?.rows.length ?? 0;
const clamp = (s: { alignment: Alignment | null }, n: number) => Math.max(0, Math.min(rows(s) - 1, Math.round(n)));

export const compareStore = createStore<CompareState>()((set, get) => ({
  scenario: 'late-load',
  columns: [],
  alignment: null,
  row: 0,
  playing: false,
  speed: 2,
  status: { kind: 'idle' },
  seq: 0,

  run: async (request) => {
    const { strategies, scenario } = request;
    const seq = get().seq + 1;
    set({ seq, status: { kind: 'running' }, playing: false });
    try {
      const reply = await runCompare(request, useKlp.getState().samples);
      if (get().seq !== seq) return;
      const t0 = performance.now();
      const columns: CompareColumnState[] = reply.columns.map((c) => {
        const strategy = strategyById(c.strategy) ?? {
          id: c.strategy,
          name: c.strategy,
          reality: 'unknown strategy',
          kernel: '?',
          reconstruction: false,
        };
        const ops = c.ops;
        return {
          strategy,
          trace: c.trace,
          ...(c.refused ? { refused: c.refused } : {}),
          outcomes: c.outcomes,
          ops,
          ...(c.packaging ? { packaging: c.packaging } : {}),
          audit: c.audit,
          metrics: c.audit ? metricsRow(c.audit.metrics, ops) : null,
          runMs: c.runMs,
        };
      });
      for (const c of columns) if (c.trace) traceModel(c.trace);
      const alignment = alignTraces(columns.map((c) => (c.trace ? alignInput(c.trace, c.ops, c.audit?.byStep) : null)));
      const alignMs = performance.now() - t0;
      const first = takeLinkedRow(strategies, scenario) ?? firstImportantDiff(alignment);
      set({
        scenario,
        columns,
        alignment,
        row: Math.max(0, Math.min(alignment.rows.length - 1, Number.isFinite(first) ? first : 0)),
        status: { kind: 'ready', runMs: reply.runMs, totalMs: reply.totalMs + alignMs, alignMs },
      });
    } catch (e) {
      if (get().seq !== seq) return;
      set({ status: { kind: 'error', message: e instanceof Error ? e.message : String(e) } });
    }
  },
  rowTo: (row) => {
    const next = clamp(get(), row);
    if (next !== get().row) set({ row: next });
  },
  rowBy: (delta) => get().rowTo(get().row + delta),
  first: () => set({ row: 0, playing: false }),
  last: () => set({ row: clamp(get(), Infinity), playing: false }),
  diff: (dir, min) => {
    const al = get().alignment;
    if (al) get().rowTo(diffNeighbour(al, get().row, dir, min));
  },
  op: (dir) => {
    const al = get().alignment;
    if (!al) return;
    const row = get().row;
    const at = al.ops.findIndex((o) => row >= o.fromRow && row < o.toRow);
    if (dir < 0) get().rowTo(row > (al.ops[at]?.fromRow ?? 0) ? al.ops[at]!.fromRow : (al.ops[at - 1]?.fromRow ?? 0));
    else get().rowTo(al.ops[at + 1]?.fromRow ?? row);
  },
  play: () => {
    if (!get().alignment) return;
    set({ playing: true, ...(get().row >= rows(get()) - 1 ? { row: 0 } : {}) });
  },
  pause: () => set({ playing: false }),
  togglePlay: () => (get().playing ? get().pause() : get().play()),
  setSpeed: (speed) => set({ speed }),
}));

export function useCompare<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStore, selector);
}
