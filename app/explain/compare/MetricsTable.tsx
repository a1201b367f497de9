// What each design costs for the scenario, from the core auditor's metrics (computed in the
// worker with the trace): the table `npx klp-lab compare` prints, one row per strategy. Folded
// under a one-line summary (each design's RWX windows) so the maps stay on the first screen.
import type { CompareColumnState } from './rows.ts';
import './metrics.css';

export function MetricsTable({ columns }: { columns: CompareColumnState[] }) {
  return (
    <details className="metrics-details" data-testid="metrics">
      <summary>
        <b>Metrics</b>{' '}
        <span className="metrics-summary">
          RWX windows:{' '}
          {columns.map((c, i) => (
            <span key={c.strategy.id} className="metrics-summary-item">
              <span className="mono">{c.strategy.id}</span>{' '}
              {!c.metrics ? (
                <i className="muted">refused</i>
              ) : c.metrics.rwxWindows ? (
                <b className="metrics-summary-rwx">RWX! {c.metrics.rwxWindows}</b>
              ) : (
                <span className="ok-text">none</span>
              )}
              {i < columns.length - 1 ? ',' : ''}
            </span>
          ))}
        </span>
      </summary>
      <MetricsGrid columns={columns} />
    </details>
  );
}

function MetricsGrid({ columns }: { columns: CompareColumnState[] }) {
  return (
    <div className="metrics-wrap">
      <table className="metrics" data-testid="metrics-table" aria-label="Metrics per strategy">
        <thead>
          <tr>
            <th scope="col">strategy</th>
            <th scope="col" title="RWX windows: count / steps / most pages at once (the auditor's rwx verdicts)">
              RWX windows
              <br />
              <span className="muted">count · steps · pages</span>
            </th>
            <th
              scope="col"
              title="RWX windows ftrace opened: 5.4's trampolines, and all module text around each ftrace code update"
            >
              of which ftrace
            </th>
            <th scope="col" title="Pages made writable after they had been executable">
              writable after exec
            </th>
            <th scope="col" title="set_memory_* calls (hover a cell for the breakdown)">
              set_memory_*
            </th>
            <th
              scope="col"
              title="TLB shootdowns, one IPI round per cpa_flush(): per-page flush_tlb_one_kernel() · flush_tlb_all()"
            >
              TLB shootdowns
              <br />
              <span className="muted">per page · all</span>
            </th>
            <th scope="col" title="Writes through text_poke() (the poking_mm alias) and text_poke_sync() IPIs">
              text_poke
              <br />
              <span className="muted">writes · syncs</span>
            </th>
            <th scope="col">outcome</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => {
            const m = c.metrics;
            return (
              <tr key={c.strategy.id} data-strategy={c.strategy.id}>
                <th scope="row" className="mono">
                  {c.strategy.id}
                  {c.strategy.reconstruction && (
                    <span className="recon-badge small" title="a reconstruction of a proposal: never merged">
                      recon.
                    </span>
                  )}
                </th>
                {!m ? (
                  <td colSpan={7} className="muted" data-metric="refused">
                    refused: {c.refused}
                  </td>
                ) : (
                  <>
                    <td
                      data-metric="rwx"
                      data-count={m.rwxWindows}
                      className={m.rwxWindows ? 'alarm-cell' : 'good-cell'}
                      title={
                        m.rwxRanges.length
                          ? `steps ${m.rwxRanges.join(', ')}`
                          : 'no page is ever writable and executable'
                      }
                    >
                      {m.rwxWindows ? (
                        <>
                          <b>RWX!</b> {m.rwxWindows} · {m.rwxSteps} · {m.rwxPages}
                        </>
                      ) : (
                        'none'
                      )}
                    </td>
                    <td data-metric="rwx-ftrace" className={m.rwxFtrace ? 'alarm-cell' : undefined}>
                      {m.rwxFtrace}
                    </td>
                    <td data-metric="wax" className={m.writableAfterExec ? 'warn-cell' : undefined}>
                      {m.writableAfterExec}
                    </td>
                    <td data-metric="set_memory" title={m.setMemoryByFn.map(([f, n]) => `${f} ×${n}`).join('\n')}>
                      {m.setMemory}
                    </td>
                    <td data-metric="tlb">
                      {m.tlbPages} · {m.tlbAll}
                    </td>
                    <td data-metric="text_poke">
                      {m.textPokes} · {m.textPokeSyncs}
                    </td>
                    <td data-metric="outcome" className={m.outcome.ok ? 'ok-text' : 'error-text'}>
                      {m.outcome.text}
                      {m.faults ? ` · ${m.faults} fault(s)` : ''}
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
