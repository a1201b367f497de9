// Side by side: several strategies over one scenario, one shared cursor over the aligned steps.
// Each strategy has its own column (memory map + narration, or the reason it refuses); one
// control bar and one timeline move them all; the rows where the designs differ are marked,
// and the metrics table sums up what each design costs.
import { type KeyboardEvent, useEffect } from 'react';
import { type DiffKind, stepAtRow } from '../../../src/trace/align.ts';
import { Legend } from '../map/Legend.tsx';
import { MemoryMap } from '../map/MemoryMap.tsx';
import { StepEffects } from '../map/StepEffects.tsx';
import { Narration } from '../narration/Narration.tsx';
import { PackagingPanel } from '../narration/PackagingPanel.tsx';
import { RanRoles } from '../picker/ScenarioPicker.tsx';
import { onPlayerKey } from '../player/keys.ts';
import { SPEEDS } from '../state/explain_store.ts';
import { CompareTimeline, DIFF_STYLE } from './CompareTimeline.tsx';
import { type CompareColumnState, compareStore, useCompare } from './compare_store.ts';
import { MetricsTable } from './MetricsTable.tsx';

export function CompareView() {
  const status = useCompare((s) => s.status);
  const columns = useCompare((s) => s.columns);
  const alignment = useCompare((s) => s.alignment);
  const scenario = useCompare((s) => s.scenario);
  useComparePlayback();
  return (
    <div className="compare" data-testid="compare">
      <p className="run-status" data-testid="compare-status" aria-live="polite">
        {status.kind === 'running' && 'Running every strategy in the emulated kernel…'}
        {status.kind === 'error' && <span className="error-text">{status.message}</span>}
        {status.kind === 'ready' && alignment && (
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
          <MetricsTable columns={columns} />
          <CompareControls rows={alignment.rows.length} />
          <CompareTimeline columns={columns} />
          <DiffHere columns={columns} />
          <Legend />
          <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))` }}>
            {columns.map((c, i) => (
              <CompareColumn key={c.strategy.id} column={c} index={i} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}

/** Keys for the comparison (same as the single view, plus D / Shift+D for differences). */
export function onCompareKey(e: KeyboardEvent<HTMLElement>): void {
  const s = compareStore.getState();
  onPlayerKey(e, {
    ArrowRight: () => s.rowBy(1),
    ArrowLeft: () => s.rowBy(-1),
    ' ': () => s.togglePlay(),
    Home: () => s.first(),
    End: () => s.last(),
    '[': () => s.op(-1),
    ']': () => s.op(1),
    d: () => s.diff(1, 'write'),
    D: () => s.diff(-1, 'write'),
  });
}

function Icon({ d }: { d: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

function CompareControls({ rows }: { rows: number }) {
  const row = useCompare((s) => s.row);
  const playing = useCompare((s) => s.playing);
  const speed = useCompare((s) => s.speed);
  const a = compareStore.getState();
  const atStart = row <= 0;
  const atEnd = row >= rows - 1;
  return (
    <div
      className="step-controls"
      role="toolbar"
      aria-label="Shared step controls: move every strategy"
      data-testid="compare-controls"
    >
      <button
        type="button"
        aria-label="First step (Home)"
        title="First step (Home)"
        onClick={a.first}
        disabled={atStart}
      >
        <Icon d="M2 2h2v10H2zM12 2v10L5 7z" />
      </button>
      <button
        type="button"
        aria-label="Previous operation ([)"
        title="Previous operation ([)"
        onClick={() => a.op(-1)}
        disabled={atStart}
      >
        <Icon d="M7 2v10L1 7zM13 2v10L7 7z" />
      </button>
      <button
        type="button"
        aria-label="Previous step (←)"
        title="Previous step (←)"
        onClick={() => a.rowBy(-1)}
        disabled={atStart}
      >
        <Icon d="M11 2v10L4 7z" />
      </button>
      <button
        type="button"
        className="play"
        aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
        onClick={a.togglePlay}
        data-testid="compare-play"
      >
        <Icon d={playing ? 'M3 2h3v10H3zM8 2h3v10H8z' : 'M3 1.5v11l9-5.5z'} />
      </button>
      <button
        type="button"
        aria-label="Next step (→)"
        title="Next step (→)"
        onClick={() => a.rowBy(1)}
        disabled={atEnd}
      >
        <Icon d="M3 2v10l7-5z" />
      </button>
      <button
        type="button"
        aria-label="Next operation (])"
        title="Next operation (])"
        onClick={() => a.op(1)}
        disabled={atEnd}
      >
        <Icon d="M1 2v10l6-5zM7 2v10l6-5z" />
      </button>
      <button type="button" aria-label="Last step (End)" title="Last step (End)" onClick={a.last} disabled={atEnd}>
        <Icon d="M10 2h2v10h-2zM2 2v10l7-5z" />
      </button>
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
      <label className="speed">
        <span>speed</span>
        <select
          value={speed}
          onChange={(e) => a.setSpeed(Number(e.currentTarget.value))}
          aria-label="Playback speed, rows per second"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} step/s
            </option>
          ))}
        </select>
      </label>
      <output className="step-count mono" data-testid="compare-row" aria-live="polite">
        row {row} / {rows - 1}
      </output>
    </div>
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

function CompareColumn({ column: c, index }: { column: CompareColumnState; index: number }) {
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
          <span className="badge">kernel {s.kernel}</span>
          {s.reconstruction ? (
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
              step {at.step} / {c.trace.steps.length - 1}
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
          <div className="map-scroll compare-map">
            <StepEffects trace={c.trace} step={at!.step} />
            <MemoryMap trace={c.trace} step={at!.step} compact />
          </div>
          <div className={at!.held ? 'held-narration' : undefined}>
            <Narration
              trace={c.trace}
              step={at!.step}
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

function useComparePlayback(): void {
  const playing = useCompare((s) => s.playing);
  const speed = useCompare((s) => s.speed);
  useEffect(() => {
    if (!playing) return;
    const id = window.setInterval(() => {
      const s = compareStore.getState();
      if (s.row >= (s.alignment?.rows.length ?? 0) - 1) s.pause();
      else s.rowBy(1);
    }, 1000 / speed);
    return () => window.clearInterval(id);
  }, [playing, speed]);
}
