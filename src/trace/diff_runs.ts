// The places where compared designs differ, as a short list a reader can jump through: runs of
// consecutive aligned rows that differ in memory (a step only some designs take, with no memory
// effect, ends a run, as does a new operation). A run is as severe as its worst row, and a jump
// lands on the first row of that worst kind — the row that says why the run is listed.

import { type Alignment, DIFF_RANK, type DiffKind } from './align.ts';

export interface DiffRun {
  /** The most severe difference in the run. */
  kind: DiffKind;
  /** First and one-past-last row of the run. */
  fromRow: number;
  toRow: number;
  /** The first row of the run with `kind`: where a jump lands. */
  row: number;
  /** Index into Alignment.ops. */
  op: number;
  /** The first column with its own step at `row`, and that step (what the list line describes). */
  column: number;
  step: number;
}

const differs = (kind: DiffKind | null): kind is DiffKind => kind !== null && kind !== 'only';

export function diffRuns(al: Alignment): DiffRun[] {
  const runs: DiffRun[] = [];
  let open: DiffRun | null = null;
  al.rows.forEach((r, i) => {
    if (!differs(r.diff) || (open && open.op !== r.op)) open = null;
    if (!differs(r.diff)) return;
    if (!open) {
      open = { kind: r.diff, fromRow: i, toRow: i + 1, row: i, op: r.op, column: 0, step: 0 };
      runs.push(open);
    }
    open.toRow = i + 1;
    if (DIFF_RANK[r.diff] > DIFF_RANK[open.kind]) {
      open.kind = r.diff;
      open.row = i;
    }
  });
  for (const run of runs) {
    const cols = al.rows[run.row]!.cols;
    run.column = Math.max(
      0,
      cols.findIndex((c) => c !== null),
    );
    run.step = cols[run.column] ?? 0;
  }
  return runs;
}
