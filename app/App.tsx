import { lazy, Suspense, useEffect } from 'react';
import { AppHeader } from './components/AppHeader.tsx';
import { BusyBar } from './components/BusyBar.tsx';
import { DropZone } from './components/DropZone.tsx';
import { ErrorPanel } from './components/ErrorPanel.tsx';
import { FileList } from './components/FileList.tsx';
import { Inspector } from './components/Inspector.tsx';
import { useUrlSync } from './permalink/current.ts';
import { FileRequest } from './permalink/FileRequest.tsx';
import { startInspector, startLink } from './permalink/link_state.ts';
import { defaultSample, fetchSampleManifest } from './samples.ts';
import { useCurrentFile, useKlp } from './store.ts';

// The Explain view and the embed (map, timeline, compare, d3, exports) load when first shown:
// the inspector, the default first screen, starts without them.
const ExplainView = lazy(async () => ({ default: (await import('./explain/ExplainView.tsx')).ExplainView }));
const EmbedApp = lazy(async () => ({ default: (await import('./embed/EmbedApp.tsx')).EmbedApp }));
const loadingView = (
  <p className="loading-view" role="status">
    Loading the view…
  </p>
);

let booted = false;

/** First load: list the built-in samples and open the default one (or ?sample=<id>). */
async function boot(): Promise<void> {
  if (booted) return;
  booted = true;
  const { setSamples, openSample } = useKlp.getState();
  try {
    const samples = await fetchSampleManifest();
    setSamples(samples);
    // The permalink's module (a sample; a user's own file is asked for again), else ?sample= or the first.
    const linked = startInspector();
    const open = linked.open;
    const first =
      open?.kind === 'sample'
        ? (samples.find((s) => s.id === open.id) ?? defaultSample(samples))
        : defaultSample(samples);
    if (first && useKlp.getState().seq === 0 && !startLink.state.embed) {
      await openSample(first);
      if (linked.open?.kind === 'sample') restoreInspector(linked);
    }
  } catch (e) {
    useKlp.setState({
      error: {
        kind: 'app-error',
        message: `Could not list the built-in samples: ${e instanceof Error ? e.message : String(e)}`,
      },
    });
  }
}

/** The permalink's tab and selections in the inspector. */
function restoreInspector(linked: ReturnType<typeof startInspector>): void {
  const s = useKlp.getState();
  if (linked.relsec !== undefined) s.showRelocations(linked.relsec);
  if (linked.tab) s.setTab(linked.tab as Parameters<typeof s.setTab>[0]);
  if (linked.section !== undefined) s.selectSection(linked.section);
  if (linked.symbol !== undefined) s.selectSymbol(linked.symbol);
}

export function App() {
  if (startLink.state.embed)
    return (
      <Suspense fallback={loadingView}>
        <EmbedApp />
      </Suspense>
    );
  return <FullApp />;
}

function FullApp() {
  const file = useCurrentFile();
  const busy = useKlp((s) => s.busy);
  const view = useKlp((s) => s.view);
  useEffect(() => {
    void boot();
  }, []);
  useUrlSync();

  return (
    <div className="app">
      <AppHeader />
      {view === 'explain' ? (
        <main className="main explain-main-wrap" aria-busy={busy !== null}>
          <BusyBar />
          <ErrorPanel />
          <FileRequest />
          <Suspense fallback={loadingView}>
            <ExplainView />
          </Suspense>
        </main>
      ) : (
        <div className="body">
          <FileList />
          <main className="main" aria-busy={busy !== null}>
            <BusyBar />
            <ErrorPanel />
            <FileRequest />
            {file ? (
              <Inspector key={file.key} file={file} />
            ) : busy ? null : (
              <p className="empty" data-testid="no-file">
                Open a kernel module (<code>.ko</code>, <code>.ko.xz</code>, <code>.ko.zst</code>, <code>.ko.gz</code>)
                or drop one anywhere on the page. Try one from your own <code>/lib/modules/$(uname -r)</code>.
              </p>
            )}
          </main>
        </div>
      )}
      <DropZone />
    </div>
  );
}
