// The current step's writes as rows; clicking one selects it (map mark + detail).
import { useMemo } from 'react';
import type { Trace } from '../../src/trace/types.ts';
import { traceModel } from './model.ts';
import { forEachWrite } from '../../src/trace/events.ts';
import { explainStore, useExplain } from './store.ts';
import { placeLabel, writeRef, writeWhat, type WriteRef } from './writes.ts';

const MAX_ROWS = 400;

export function WriteList({ trace }: { trace: Trace }) {
  const model = traceModel(trace);
  const step = useExplain((s) => s.step);
  const selection = useExplain((s) => s.selection);
  const { rows, total } = useMemo(() => {
    const s = trace.steps[step];
    const rows: WriteRef[] = [];
    let total = 0;
    if (s)
      forEachWrite(s, (_row, event) => {
        total++;
        if (rows.length < MAX_ROWS) {
          const r = writeRef(trace, model.map, step, event);
          if (r) rows.push(r);
        }
      });
    return { rows, total };
  }, [trace, model, step]);
  if (!total) return null;
  return (
    <details className="write-list" open={total <= 40}>
      <summary>
        {total} write{total === 1 ? '' : 's'} in this step{total > MAX_ROWS ? ` (first ${MAX_ROWS} listed)` : ''}
      </summary>
      <table data-testid="write-list">
        <thead>
          <tr>
            <th>where</th>
            <th>what</th>
            <th>path</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.event}
              className={selection.kind === 'write' && selection.step === step && selection.event === r.event ? 'selected' : undefined}
              onClick={() => explainStore.getState().select({ kind: 'write', step, event: r.event })}
            >
              <td className="mono">
                <button type="button" className="link">{r.region ? `${r.region.region.module} ` : ''}{placeLabel(r)}</button>
              </td>
              <td className="mono">{writeWhat(r.write)}</td>
              <td className="mono">{r.write.path}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
