// Side by side: several strategies over one scenario, one shared cursor over the aligned steps.
// Each strategy has its own column (memory map + narration, or the reason it refuses); one
// control bar and one timeline move them all; the rows where the designs differ are marked,
// and the metrics table sums up what each design costs.
import { type KeyboardEvent, useCallback, useMemo } from 'react';
import { type DiffKind, stepAtRow } from '../../../src/trace/align.ts';
import { sharedPageW } from '../../../src/view_model/map_layout.ts';
import { Legend } from '../map/Legend.tsx';
import { MemoryMap } from '../map/MemoryMap.tsx';
import { StepEffects } from '../map/StepEffects.tsx';
import { Narration } from '../narration/Narration.tsx';
import { PackagingPanel } from '../narration/PackagingPanel.tsx';
import { RanRoles } from '../picker/RolePicker.tsx';
import { onPlayerKey, playerKeys } from '../player/keys.ts';
import { PlayerControls } from '../player/PlayerControls.tsx';
import { usePlayback } from '../player/usePlayback.ts';
import { DivergenceList } from '../recording/DivergenceList.tsx';
import { RecordedBadge } from '../recording/RecordingStatus.tsx';
import { traceModel } from '../state/model.ts';
import { CompareTimeline, DIFF_STYLE } from './CompareTimeline.tsx';
import { compareStore, useCompare } from './compare_store.ts';
import { DiffList } from './DiffList.tsx';
import { MetricsTable } from './MetricsTable.tsx';
import './compare_columns.css';
import type { CompareColumnState } from './rows.ts';

export function CompareView() {
  const status = useCompare((s) => s.status);
  const columns = useCompare((s) => s.columns);
  const alignment = useCompare((s) => s.alignment);
  const scenario = useCompare((s) => s.scenario);
  const divergences = useCompare((s) => s.divergences);
  usePlayback(compareStore);
  // Every column's map at one scale: the page width the most crowded map needs at the columns' width.
  const maps = useMemo(() => columns.flatMap((c) => (c.trace ? [traceModel(c.trace).map] : [])), [columns]);
  const scale = useCallback((width: number) => sharedPageW(maps, width, { compact: true }), [maps]);
  return (
    <div className="compare" data-testid="compare">
      <p className="run-status" data-testid="compare-status" aria-live="polite">
        {status.kind === 'running' && 'Running the emulated kernel…'}
        {status.kind === 'error' && <span className="error-text">{status.message}</span>}
        {status.kind === 'ready' && alignment && divergences && (
          <>
            <RecordedBadge /> <b>{columns[0]?.strategy.name}</b> beside the emulation of the same operations on{' '}
            {columns[1]?.strategy.name} — {alignment.rows.length} aligned rows{' '}
            <span className="muted">
              (emulated in {status.runMs.toFixed(0)} ms, aligned in {status.alignMs.toFixed(0)} ms)
            </span>
          </>
        )}
        {status.kind === 'ready' && alignment && !divergences && (
          <>
            <b>{scenario}</b>
            <RanRoles />: {columns.map((c) => c.strategy.id).join(' vs ')} — {alignment.rows.length} aligned rows,{' '}
            {alignment.rows.filter((r) => r.diff && r.diff !== 'only').length} where the designs differ in memory{' '}
            <span className="muted">
              (emulated and audited in {status.runMs.toFixed(0)} ms, aligned in {status.alignMs.toFixed(0)} ms, shown in{' '}
              {status.totalMs.toFixed(0)} ms)
            </span>
          </>
        )}
      </p>
      {status.kind === 'ready' && alignment && (
        <>
          {divergences && <DivergenceList divergences={divergences} />}
          <MetricsTable columns={columns} />
          {divergences && (
            <p className="muted metrics-note" data-testid="recording-metrics-note">
              On the real kernel, text_poke counts the probe's hits: one text_poke_queue per ftrace site, whose three
              int3-protocol writes and syncs are not probed; set_memory_* counts the numpages 0 calls too.
            </p>
          )}
          <CompareControls rows={alignment.rows.length} />
          <div className="compare-strip">
            <CompareTimeline columns={columns} />
            <DiffList columns={columns} />
          </div>
          <DiffHere columns={columns} />
          <Legend />
          {/* Many designs scroll sideways at a legible width rather than squeeze (the controls stay put). */}
          <div
            className="compare-columns-scroll"
            role="region"
            aria-label={`${columns.length} strategies side by side`}
            tabIndex={0}
          >
            <div
              className="compare-columns"
              style={{ gridTemplateColumns: `repeat(${columns.length}, minmax(var(--compare-col-min), 1fr))` }}
            >
              {columns.map((c, i) => (
                <CompareColumn key={c.strategy.id} column={c} index={i} scale={scale} />
              ))}
            </div>
          </div>
        </>
      )}
    </div>
  );
}

/** Keys for the comparison: the player's, plus D / Shift+D for differences. */
export function onCompareKey(e: KeyboardEvent<HTMLElement>): void {
  const s = compareStore.getState();
  onPlayerKey(e, { ...playerKeys(s), d: () => s.diff(1, 'write'), D: () => s.diff(-1, 'write') });
}

function CompareControls({ rows }: { rows: number }) {
  const row = useCompare((s) => s.row);
  const a = compareStore.getState();
  return (
    <PlayerControls
      player={compareStore}
      at={row}
      count={rows}
      unit="row"
      section="operation"
      label="Shared step controls: move every strategy"
      testId="compare-controls"
      playTestId="compare-play"
      countTestId="compare-row"
    >
      <button
        type="button"
        className="diff-nav"
        data-testid="diff-prev"
        title="Previous row where the designs differ in memory (Shift+D)"
        onClick={() => a.diff(-1, 'write')}
      >
        ◂ difference
      </button>
      <button
        type="button"
        className="diff-nav"
        data-testid="diff-next"
        title="Next row where the designs differ in memory (D)"
        onClick={() => a.diff(1, 'write')}
      >
        difference ▸
      </button>
    </PlayerControls>
  );
}

const DIFF_TEXT: Record<DiffKind, string> = {
  wx: 'W^X differs here',
  fail: 'the kernel reports an error in one design here',
  perm: 'page permissions change differently here',
  write: 'bytes reach memory by a different path here',
  only: 'a step only some designs take (no memory effect)',
};

/** At the cursor: what differs, per design, in words. */
function DiffHere({ columns }: { columns: CompareColumnState[] }) {
  const al = useCompare((s) => s.alignment)!;
  const row = useCompare((s) => s.row);
  const r = al.rows[row];
  if (!r) return null;
  return (
    <div className={`diff-here${r.diff ? ` diff-${r.diff}` : ''}`} data-testid="diff-here" data-diff={r.diff ?? 'same'}>
      {r.diff ? (
        <>
          <b className="diff-kind" style={{ background: DIFF_STYLE[r.diff].fill }}>
            {DIFF_TEXT[r.diff]}
          </b>
          {columns.map((c, i) =>
            c.trace ? (
              <span key={c.strategy.id} className="diff-col">
                <span className="mono">{c.strategy.id}</span>:{' '}
                {r.cols[i] === null ? (
                  <i className="muted">no equivalent step</i>
                ) : r.sig[i]!.length ? (
                  r.sig[i]!.join(', ')
                ) : (
                  <i className="muted">no memory effect</i>
                )}
              </span>
            ) : null,
          )}
        </>
      ) : (
        <span className="muted">The designs do the same thing at this row.</span>
      )}
    </div>
  );
}

function CompareColumn({
  column: c,
  index,
  scale,
}: {
  column: CompareColumnState;
  index: number;
  scale: (width: number) => number;
}) {
  const al = useCompare((s) => s.alignment)!;
  const row = useCompare((s) => s.row);
  const diff = al.rows[row]?.diff ?? null;
  const at = c.trace ? stepAtRow(al, index, row) : null;
  const s = c.strategy;
  return (
    <section
      className={`compare-column${diff && diff !== 'only' && at && !at.held ? ` differs diff-${diff}` : ''}`}
      data-testid="compare-column"
      data-strategy={s.id}
      aria-label={`${s.id}: ${s.name}`}
    >
      <header className="column-head">
        <h2>
          <span className="mono">{s.id}</span> <span className="column-name">{s.name}</span>
        </h2>
        <p className="column-badges">
          <span className="badge" data-testid="column-kernel">
            kernel {s.kernel}
            {'kernelWhy' in s && s.kernelWhy ? ` — ${s.kernelWhy}` : ''}
          </span>
          {c.trace?.recorded ? (
            <RecordedBadge />
          ) : s.reconstruction ? (
            <span
              className="recon-badge"
              data-testid="strategy-reconstruction"
              title="modelled from the mailing-list description; no kernel code"
            >
              reconstruction — {s.reality}
              {/never|rejected/i.test(s.reality) ? '' : ', never merged'}
            </span>
          ) : (
            <span className="badge merged">{s.reality}</span>
          )}
          {c.trace && at && (
            <span className="mono column-step" data-testid="column-step">
              {c.trace.steps.length ? `step ${at.step} / ${c.trace.steps.length - 1}` : 'no steps'}
            </span>
          )}
        </p>
      </header>
      {!c.trace ? (
        <p className="refused-box" role="note" data-testid="column-refused">
          <b>Refused.</b> {c.refused}
        </p>
      ) : (
        <>
          <div className="map-scroll compare-map" tabIndex={0} role="region" aria-label={`Memory map: ${s.id}`}>
            <StepEffects trace={c.trace} step={at!.step} />
            <MemoryMap trace={c.trace} step={at!.step} compact scale={scale} />
          </div>
          <div className={at!.held ? 'held-narration' : undefined}>
            <Narration
              trace={c.trace}
              step={at!.step}
              of={s.id}
              note={
                at!.held ? (
                  <p className="held-note" data-testid="held-note">
                    No equivalent step in {s.id} at this row: still at the end of step {at!.step}.
                  </p>
                ) : diff && diff !== 'only' ? (
                  <p className="differs-note" data-testid="differs-note" style={{ borderColor: DIFF_STYLE[diff].fill }}>
                    {DIFF_TEXT[diff]}
                  </p>
                ) : null
              }
            />
          </div>
        </>
      )}
      {c.packaging && <PackagingPanel packaging={c.packaging} strategy={s.id} />}
    </section>
  );
}
