// The comparison's view state (zustand, vanilla): which strategies ran over which scenario, what
// each returned (rows.ts builds the columns and their alignment), and the one shared cursor — a
// row of the alignment, not a step of any one trace — moved by the player.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { RequestOf } from '../../../src/engine/request.ts';
import type { Divergence } from '../../../src/recording/diff.ts';
import type { ScenarioId } from '../../../src/scenarios/scenarios.ts';
import { type Alignment, type DiffKind, diffNeighbour } from '../../../src/trace/align.ts';
import { takeLinkedRow } from '../../permalink/start_link.ts';
import { useKlp } from '../../store.ts';
import { type Cursor, type Player, playerSlice } from '../player/player.ts';
import { traceModel } from '../state/model.ts';
import type { ModuleRef } from '../state/request.ts';
import { runCompare } from '../state/run.ts';
import {
  alignColumns,
  type CompareColumnState,
  compareColumns,
  openingRow,
  opNeighbour,
  rowOfDivergence,
} from './rows.ts';

export type { CompareColumnState } from './rows.ts';

export type CompareStatus =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'ready'; runMs: number; totalMs: number; alignMs: number }
  | { kind: 'error'; message: string };

export interface CompareState extends Player {
  scenario: ScenarioId;
  columns: CompareColumnState[];
  alignment: Alignment | null;
  /** The shared cursor (the player's): a row of the alignment. */
  row: number;
  status: CompareStatus;
  seq: number;
  /** A recording beside its emulation: every difference, in the recording's order (null for designs). */
  divergences: Divergence[] | null;

  run(request: RequestOf<'compare', ModuleRef>): Promise<void>;
  /** Shows a recording's two columns (real, emulated), their alignment and their divergences. */
  showRecording(
    columns: CompareColumnState[],
    divergences: Divergence[],
    times: { runMs: number; totalMs: number },
  ): void;
  /** Moves the cursor to the row of a step of one column. */
  seekStep(column: number, step: number): void;
  /** Previous / next row where the designs differ (at least `min`). */
  diff(dir: -1 | 1, min?: DiffKind): void;
}

/** The comparison's player moves the rows of the alignment, an operation at a time with [ ]. */
const rows: Cursor<CompareState> = {
  at: (s) => s.row,
  to: (row) => ({ row }),
  count: (s) => s.alignment?.rows.length ?? 0,
  section: (s, row, dir) => (s.alignment ? opNeighbour(s.alignment, row, dir) : row),
};

export const compareStore = createStore<CompareState>()((set, get) => ({
  ...playerSlice(set, get, rows),
  scenario: 'late-load',
  columns: [],
  alignment: null,
  row: 0,
  status: { kind: 'idle' },
  seq: 0,
  divergences: null,

  run: async (request) => {
    const { strategies, scenario } = request;
    const seq = get().seq + 1;
    set({ seq, status: { kind: 'running' }, playing: false, divergences: null });
    try {
      const reply = await runCompare(request, useKlp.getState().builtins);
      if (get().seq !== seq) return;
      const t0 = performance.now();
      const columns = compareColumns(reply);
      for (const c of columns) if (c.trace) traceModel(c.trace);
      const alignment = alignColumns(columns);
      const alignMs = performance.now() - t0;
      set({
        scenario,
        columns,
        alignment,
        row: openingRow(alignment, takeLinkedRow(strategies, scenario, alignment.rows.length)),
        status: { kind: 'ready', runMs: reply.runMs, totalMs: reply.totalMs + alignMs, alignMs },
      });
    } catch (e) {
      if (get().seq !== seq) return;
      set({ status: { kind: 'error', message: e instanceof Error ? e.message : String(e) } });
    }
  },
  showRecording: (columns, divergences, times) => {
    const t0 = performance.now();
    for (const c of columns) if (c.trace) traceModel(c.trace);
    const alignment = alignColumns(columns);
    const alignMs = performance.now() - t0;
    const first = divergences.find((d) => !d.known) ?? divergences[0];
    const row = first ? rowOfDivergence(alignment, first) : 0;
    set({
      seq: get().seq + 1,
      playing: false,
      columns,
      alignment,
      divergences,
      row: openingRow(alignment, row),
      status: { kind: 'ready', runMs: times.runMs, totalMs: times.totalMs + alignMs, alignMs },
    });
  },
  seekStep: (column, step) => {
    const al = get().alignment;
    const row = al?.rowOfStep[column]?.[step];
    if (row !== undefined && row >= 0) get().seek(row);
  },
  diff: (dir, min) => {
    const al = get().alignment;
    if (al) get().seek(diffNeighbour(al, get().row, dir, min));
  },
}));

export function useCompare<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStore, selector);
}
