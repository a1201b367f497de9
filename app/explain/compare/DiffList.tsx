// Every place the compared designs differ in memory, one line each (kind, row, the step of the
// design that says it): one click moves the shared cursor there. The runs come from the core
// (src/trace/diff_runs.ts); the entry holding the cursor is marked.
import { useEffect, useMemo, useRef } from 'react';
import { diffRuns } from '../../../src/trace/diff_runs.ts';
import { DIFF_STYLE } from './CompareTimeline.tsx';
import { compareStore, useCompare } from './compare_store.ts';
import type { CompareColumnState } from './rows.ts';
import './diff_list.css';

const KIND: Record<string, string> = { wx: 'W^X', fail: 'error', perm: 'perms', write: 'write path' };

export function DiffList({ columns }: { columns: CompareColumnState[] }) {
  const al = useCompare((s) => s.alignment)!;
  const row = useCompare((s) => s.row);
  const runs = useMemo(() => diffRuns(al), [al]);
  const wx = runs.filter((r) => r.kind === 'wx').length;
  const list = useRef<HTMLOListElement>(null);
  // Keep the entry under the cursor in sight inside the list (never scrolls the page).
  useEffect(() => {
    const ol = list.current;
    const li = ol?.querySelector<HTMLElement>('[aria-current]')?.closest('li');
    if (!ol || !li) return;
    const top = li.offsetTop - ol.offsetTop;
    if (top < ol.scrollTop || top + li.offsetHeight > ol.scrollTop + ol.clientHeight)
      ol.scrollTop = Math.max(0, top - ol.clientHeight / 3);
  });
  return (
    <nav className="diff-list" aria-label="Where the designs differ" data-testid="diff-list">
      <h2 className="diff-list-head">
        {runs.length ? `${runs.length} places differ` : 'The designs never differ in memory'}
        {wx > 0 && <span className="muted"> · {wx} on W^X</span>}
      </h2>
      {runs.length > 0 && (
        <ol ref={list}>
          {runs.map((run, i) => {
            const col = columns[run.column]!;
            const step = col.trace?.steps[run.step];
            const here = row >= run.fromRow && row < run.toRow;
            const opHead = i === 0 || runs[i - 1]!.op !== run.op;
            return (
              <li key={run.fromRow}>
                {opHead && <span className="diff-list-op">{al.ops[run.op]?.label}</span>}
                <button
                  type="button"
                  data-testid="diff-entry"
                  data-kind={run.kind}
                  data-row={run.row}
                  aria-current={here ? 'location' : undefined}
                  title={
                    step ? `${al.ops[run.op]?.label}, ${col.strategy.id} step ${run.step}: ${step.title}` : undefined
                  }
                  onClick={() => compareStore.getState().seek(run.row)}
                >
                  <b className={`diff-list-kind kind-${run.kind}`} style={{ background: DIFF_STYLE[run.kind].fill }}>
                    {KIND[run.kind]}
                  </b>
                  <span className="mono diff-list-row">row {run.row}</span>
                  <span className="diff-list-what">
                    {step?.path.slice(-2).join(' › ')}{' '}
                    <span className="muted">
                      ({col.strategy.id} step {run.step}
                      {run.toRow - run.fromRow > 1 ? `, ${run.toRow - run.fromRow} rows` : ''})
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </nav>
  );
}
