// The comparison's rows, as plain data: the columns built from the worker's reply (each design's
// trace or refusal, its audit metrics), their alignment, the row a comparison opens on, and the
// operation jumps of `[` / `]`. The store (compare_store.ts) holds the result.

import type { Audit } from '../../../src/audit/auditor.ts';
import type { Outcome, ResultOf } from '../../../src/engine/run.ts';
import type { Packaging } from '../../../src/engine/scenario.ts';
import type { Divergence } from '../../../src/recording/diff.ts';
import { type Strategy, strategyById } from '../../../src/strategies/strategies.ts';
import { type Alignment, alignTraces, firstImportantDiff } from '../../../src/trace/align.ts';
import { alignInput, type MetricsRow, metricsRow, type OpRef } from '../../../src/trace/compare.ts';
import type { Trace } from '../../../src/trace/types.ts';

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

/** One column per compared design, in the order asked. */
export function compareColumns(reply: ResultOf<'compare'>): CompareColumnState[] {
  return reply.columns.map((c) => {
    const strategy = strategyById(c.strategy) ?? {
      id: c.strategy,
      name: c.strategy,
      reality: 'unknown strategy',
      kernel: '?',
      reconstruction: false,
    };
    return {
      strategy,
      trace: c.trace,
      ...(c.refused ? { refused: c.refused } : {}),
      outcomes: c.outcomes,
      ops: c.ops,
      ...(c.packaging ? { packaging: c.packaging } : {}),
      audit: c.audit,
      metrics: c.audit ? metricsRow(c.audit.metrics, c.ops) : null,
      runMs: c.runMs,
    };
  });
}

/** The columns' steps side by side (a refused design is an empty column). */
export function alignColumns(columns: CompareColumnState[]): Alignment {
  return alignTraces(columns.map((c) => (c.trace ? alignInput(c.trace, c.ops, c.audit?.byStep) : null)));
}

/** The row a comparison opens on: the linked one, else the first difference that matters. */
export function openingRow(al: Alignment, linked?: number): number {
  const first = linked ?? firstImportantDiff(al);
  return Math.max(0, Math.min(al.rows.length - 1, Number.isFinite(first) ? first : 0));
}

/**
 * `[` / `]`: the first row of the previous / next operation of the scenario. Inside an
 * operation, `[` goes to its first row first.
 */
export function opNeighbour(al: Alignment, row: number, dir: -1 | 1): number {
  const at = al.ops.findIndex((o) => row >= o.fromRow && row < o.toRow);
  if (dir > 0) return al.ops[at + 1]?.fromRow ?? row;
  const start = al.ops[at]?.fromRow ?? 0;
  return row > start ? start : (al.ops[at - 1]?.fromRow ?? 0);
}

/** The row of a divergence: its real step's, else its emulated step's (column 0 is the recording). */
export function rowOfDivergence(al: Alignment, d: Divergence): number {
  const real = d.real === null ? -1 : (al.rowOfStep[0]?.[d.real] ?? -1);
  if (real >= 0) return real;
  return d.emulated === null ? 0 : Math.max(0, al.rowOfStep[1]?.[d.emulated] ?? 0);
}
