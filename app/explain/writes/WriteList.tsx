// The current step's writes as rows; clicking one selects it (map mark + detail).
import { useMemo, useState } from 'react';
import { forEachWrite, writeStats } from '../../../src/trace/events.ts';
import type { Trace } from '../../../src/trace/types.ts';
import { explainStore, useExplain } from '../state/explain_store.ts';
import { traceModel } from '../state/model.ts';
import { placeLabel, type WriteRef, writeRef, writeWhat } from './writes.ts';

const MAX_ROWS = 400;

export function WriteList({ trace }: { trace: Trace }) {
  const model = traceModel(trace);
  const step = useExplain((s) => s.step);
  const selection = useExplain((s) => s.selection);
  const s = trace.steps[step];
  const total = s ? writeStats(trace, s).count : 0;
  // a closed list renders no rows (a big step's 400 rows would cost a frame at every step change)
  const [opened, setOpened] = useState(false);
  const open = total <= 40 || opened;
  const rows = useMemo(() => {
    const rows: WriteRef[] = [];
    if (!s || !open) return rows;
    forEachWrite(s, (_row, event) => {
      const r = writeRef(trace, model.map, step, event);
      if (r) rows.push(r);
      return rows.length < MAX_ROWS;
    });
    return rows;
  }, [trace, model, step, s, open]);
  if (!total) return null;
  return (
    <details className="write-list" open={open} onToggle={(e) => total > 40 && setOpened(e.currentTarget.open)}>
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
              className={
                selection.kind === 'write' && selection.step === step && selection.event === r.event
                  ? 'selected'
                  : undefined
              }
              onClick={() => explainStore.getState().select({ kind: 'write', step, event: r.event })}
            >
              <td className="mono">
                <button type="button" className="link">
                  {r.region ? `${r.region.region.module} ` : ''}
                  {placeLabel(r)}
                </button>
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
