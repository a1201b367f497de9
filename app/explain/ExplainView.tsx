// The "Explain loading" view: what to run, the memory map with narration beside it, the step
// controls and the timeline under it. Renders whatever Trace the store holds.
import { useEffect, useRef } from 'react';
import { strategyById } from '../../src/strategies/strategies.ts';
import { ShareBar } from '../permalink/ShareBar.tsx';
import { startLink, usePendingFiles } from '../permalink/start_link.ts';
import { useKlp } from '../store.ts';
import { CompareView, onCompareKey } from './compare/CompareView.tsx';
import { Legend } from './map/Legend.tsx';
import { MemoryMap } from './map/MemoryMap.tsx';
import { StepEffects } from './map/StepEffects.tsx';
import { useFitMap } from './map/useFitMap.ts';
import { Narration } from './narration/Narration.tsx';
import { PackagingPanel } from './narration/PackagingPanel.tsx';
import { RanRoles } from './picker/RolePicker.tsx';
import { ScenarioPicker } from './picker/ScenarioPicker.tsx';
import { onExplainKey } from './player/keys.ts';
import { StepControls } from './player/StepControls.tsx';
import { usePlayback } from './player/usePlayback.ts';
import { onPresentKey, PresentButton, Presenter } from './present/PresentEntry.tsx';
import { presentStore } from './present/present_store.ts';
import { RecordingBar, RecordingStatus } from './recording/RecordingStatus.tsx';
import { explainStore, useExplain } from './state/explain_store.ts';
import { DEFAULT_COMPARE } from './state/request.ts';
import { Timeline } from './timeline/Timeline.tsx';
import { WriteDetail } from './writes/WriteDetail.tsx';
import { WriteList } from './writes/WriteList.tsx';
import './explain_narrow.css';

export function ExplainView() {
  const trace = useExplain((s) => s.trace);
  const status = useExplain((s) => s.status);
  const outcomes = useExplain((s) => s.outcomes);
  const ran = useExplain((s) => s.ran);
  const recording = useExplain((s) => s.recording);
  const recordingCompared = useExplain((s) => s.recordingCompared);
  const opened = useKlp((s) => s.recording);
  const comparing = ran?.kind === 'compare' || (recording !== null && recordingCompared);
  const ranStrategy = ran?.kind === 'scenario' ? strategyById(ran.strategy) : undefined;
  const samplesReady = useKlp((s) => s.builtins.length > 0);
  const root = useRef<HTMLDivElement>(null);
  usePlayback(explainStore);
  useFitMap(root);
  const waitingForFiles = usePendingFiles().length > 0;

  // A recording the user opened (dropped, or Open module…) is shown as soon as it is read.
  useEffect(() => {
    if (opened && opened !== explainStore.getState().recording) explainStore.getState().showRecording(opened);
  }, [opened]);
  // First visit: run the default scenario once the sample list is known. No autoplay.
  useEffect(() => {
    const s = explainStore.getState();
    // A permalink naming the user's own files waits for them (FileRequest asks); a recording is shown instead.
    if (
      samplesReady &&
      s.trace === null &&
      s.status.kind === 'idle' &&
      !startLink.getState().missing.length &&
      !useKlp.getState().recording
    )
      void s.run();
  }, [samplesReady, waitingForFiles]);
  useEffect(() => {
    // Presenter mode keeps the focus (its keys are the clicker's).
    if ((trace || comparing) && presentStore.getState().mode === 'off') root.current?.focus({ preventScroll: true });
  }, [trace, comparing]);

  return (
    <div
      className="explain"
      ref={root}
      tabIndex={0}
      onKeyDown={(e) => onPresentKey(e) || (comparing ? onCompareKey : onExplainKey)(e)}
      data-testid="explain"
      aria-label="Explain loading: step through what the kernel did"
    >
      {recording ? <RecordingBar /> : <ScenarioPicker />}
      {comparing && !recording && (
        <div className="compare-tools">
          <ShareBar />
          <PresentButton />
        </div>
      )}
      <Presenter comparing={comparing} />
      {comparing ? (
        <CompareView />
      ) : recording ? (
        <>
          <RecordingStatus recording={recording} />
          {trace && <TraceBody />}
        </>
      ) : (
        <>
          <p className="run-status" data-testid="run-status" aria-live="polite">
            {status.kind === 'running' && (
              <span role="status">
                <span className="spinner" aria-hidden="true" /> Running the emulated kernel…
              </span>
            )}
            {status.kind === 'error' && <span className="error-text">{status.message}</span>}
            {status.kind === 'ready' && trace && (
              <>
                <b>{trace.kernel}</b>: {trace.steps.length} steps. <RanRoles />
                {outcomes.map((o, i) => (
                  <span key={i} className={o.ok ? 'ok-text' : 'error-text'} data-testid="outcome">
                    {o.what}: {o.ok ? 'ok' : o.message}
                    {i < outcomes.length - 1 ? '; ' : ''}
                  </span>
                ))}{' '}
                <span className="muted">
                  (emulated in {status.runMs.toFixed(0)} ms, shown in {status.totalMs.toFixed(0)} ms)
                </span>{' '}
                {ranStrategy?.reconstruction && (
                  <span className="recon-badge" data-testid="strategy-reconstruction" title={ranStrategy.reality}>
                    {ranStrategy.id} is a reconstruction of a proposal — never merged
                  </span>
                )}
              </>
            )}{' '}
            <button
              type="button"
              className="link-button"
              data-testid="open-compare"
              onClick={() => {
                const s = explainStore.getState();
                s.setSource(DEFAULT_COMPARE);
                void s.run();
              }}
            >
              Compare 5.4 and 5.8 on late-load side by side →
            </button>{' '}
            {trace && <PresentButton />}
          </p>
          {trace && <TraceBody />}
        </>
      )}
    </div>
  );
}

/** The map, controls and timeline, with the narration and writes beside them: the trace on screen. */
function TraceBody() {
  const trace = useExplain((s) => s.trace);
  const ran = useExplain((s) => s.ran);
  const packaging = useExplain((s) => s.packaging);
  const recorded = useExplain((s) => s.recording !== null);
  if (!trace) return null;
  return (
    <div className="explain-body">
      <div className="explain-main">
        <Legend />
        {/* scrolls when the map is taller than its place: focusable, so a keyboard can scroll it */}
        <div className="map-scroll" tabIndex={0} role="region" aria-label="Memory map of the step">
          <StepEffects trace={trace} />
          <MemoryMap trace={trace} />
        </div>
        <StepControls steps={trace.steps.length} />
        <Timeline trace={trace} />
      </div>
      <aside className="explain-side">
        {!recorded && <ShareBar />}
        <Narration trace={trace} />
        <WriteDetail trace={trace} />
        <WriteList trace={trace} />
        {packaging && ran?.kind === 'scenario' && <PackagingPanel packaging={packaging} strategy={ran.strategy} />}
      </aside>
    </div>
  );
}
