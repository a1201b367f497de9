// Embed mode (?embed=map|timeline|compare): one view of a permalink's state with its step
// controls and an optional caption, sized to its frame, for <iframe>s in docs and courses. Keys
// act only while the frame has focus; "open in klp-lab" carries the full state to the app.
import { useEffect, useRef } from 'react';
import { PermCode } from '../../src/trace/perm_code.ts';
import type { Trace } from '../../src/trace/types.ts';
import { CompareView, onCompareKey } from '../explain/compare/CompareView.tsx';
import { useCompare } from '../explain/compare/compare_store.ts';
import { Legend } from '../explain/map/Legend.tsx';
import { MemoryMap } from '../explain/map/MemoryMap.tsx';
import { StepEffects } from '../explain/map/StepEffects.tsx';
import { onExplainKey } from '../explain/player/keys.ts';
import { StepControls } from '../explain/player/StepControls.tsx';
import { usePlayback } from '../explain/player/usePlayback.ts';
import { explainStore, useExplain } from '../explain/state/explain_store.ts';
import { traceModel } from '../explain/state/model.ts';
import { Timeline } from '../explain/timeline/Timeline.tsx';
import { currentHref } from '../permalink/exporters.ts';
import { ShareBar } from '../permalink/ShareBar.tsx';
import { startLink, usePendingFiles } from '../permalink/start_link.ts';
import '../permalink/share.css';

export function EmbedApp() {
  const { embed: want = 'map', caption } = startLink.getState().link.state;
  const ran = useExplain((s) => s.ran);
  const trace = useExplain((s) => s.trace);
  const status = useExplain((s) => s.status);
  const comparing = ran?.kind === 'compare';
  const missing = usePendingFiles();
  const root = useRef<HTMLElement>(null);
  usePlayback(explainStore);
  // The frame's document is the embed: let it fill the frame.
  useEffect(() => {
    document.documentElement.classList.add('embed-doc');
  }, []);
  const single: 'map' | 'timeline' = want === 'timeline' ? 'timeline' : 'map';
  const view = comparing ? 'compare' : single;
  return (
    // The frame's one landmark and heading: the figure, named by its caption.
    <main
      className={`embed embed-${view}`}
      ref={root}
      tabIndex={0}
      data-testid="embed"
      data-view={view}
      aria-label={caption ? `klp-lab figure: ${caption}` : 'klp-lab figure: step through what the kernel did'}
      onKeyDown={comparing ? onCompareKey : onExplainKey}
      onPointerDown={(e) => {
        if (!(e.target as HTMLElement).closest('input, select, textarea, button, a'))
          root.current?.focus({ preventScroll: true });
      }}
    >
      {caption ? (
        <h1 className="embed-caption" data-testid="embed-caption-text">
          {caption}
        </h1>
      ) : (
        <h1 className="sr-only">klp-lab figure: step through what the kernel did</h1>
      )}
      {missing.length > 0 && (
        <p className="error-text" data-testid="embed-needs-file">
          This figure shows the embedder’s own module ({missing.map((m) => m.name).join(', ')}); files are never
          uploaded, so it can only be seen in klp-lab with that file.
        </p>
      )}
      {status.kind === 'running' && <p className="muted">Running the emulated kernel…</p>}
      {status.kind === 'error' && <p className="error-text">{status.message}</p>}
      {comparing ? <CompareView /> : trace ? <TraceEmbed trace={trace} view={single} /> : null}
      <EmbedFooter />
    </main>
  );
}

function TraceEmbed({ trace, view }: { trace: Trace; view: 'map' | 'timeline' }) {
  const step = useExplain((s) => s.step);
  const s = trace.steps[step];
  const model = traceModel(trace);
  const rwx = (model.map.perms[step] ?? []).reduce((n, p) => n + p.filter((c) => c === PermCode.RWX).length, 0);
  return (
    <>
      <div className="embed-head">
        <p className="call-path mono embed-path" data-testid="call-path" title={s?.path.join(' › ')}>
          {s?.path.join(' › ')}
        </p>
        <h2 className="embed-title" data-testid="step-title">
          {s?.module && <span className="module-chip mono">{s.module}</span>} {s?.title}
        </h2>
        {rwx > 0 && (
          <p className="alarm-box" role="alert" data-testid="rwx-alarm">
            <b>RWX!</b> {rwx} page{rwx === 1 ? ' is' : 's are'} writable and executable: W^X is broken.
          </p>
        )}
      </div>
      <StepControls steps={trace.steps.length} />
      {view === 'map' ? (
        <>
          <Legend />
          <div className="map-scroll embed-map" tabIndex={0} role="region" aria-label="Memory map of the step">
            <StepEffects trace={trace} />
            <MemoryMap trace={trace} />
          </div>
        </>
      ) : (
        <Timeline trace={trace} />
      )}
    </>
  );
}

function EmbedFooter() {
  // Re-render when the cursor moves: the link carries the current step.
  useExplain((s) => s.step);
  useExplain((s) => s.ran);
  useCompare((s) => s.row);
  useCompare((s) => s.alignment);
  const href = currentHref();
  return (
    <footer className="embed-footer">
      {href && (
        <a href={href} target="_blank" rel="noopener noreferrer" data-testid="open-in-klp-lab">
          open in klp-lab ↗
        </a>
      )}
      <ShareBar embedded />
    </footer>
  );
}
