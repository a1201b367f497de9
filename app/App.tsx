import { useEffect } from 'react';
import { useCurrentFile, useKlp } from './store.ts';
import { defaultSample, fetchSampleManifest } from './samples.ts';
import { AppHeader } from './components/AppHeader.tsx';
import { FileList } from './components/FileList.tsx';
import { Inspector } from './components/Inspector.tsx';
import { ErrorPanel } from './components/ErrorPanel.tsx';
import { BusyBar } from './components/BusyBar.tsx';
import { DropZone } from './components/DropZone.tsx';
import { ExplainView } from './explain/ExplainView.tsx';

let booted = false;

/** First load: list the built-in samples and open the default one (or ?sample=<id>). */
async function boot(): Promise<void> {
  if (booted) return;
  booted = true;
  const { setSamples, openSample } = useKlp.getState();
  try {
    const samples = await fetchSampleManifest();
    setSamples(samples);
    const first = defaultSample(samples);
    if (first && useKlp.getState().seq === 0) await openSample(first);
  } catch (e) {
    useKlp.setState({ error: { kind: 'app-error', message: `Could not list the built-in samples: ${e instanceof Error ? e.message : String(e)}` } });
  }
}

export function App() {
  const file = useCurrentFile();
  const busy = useKlp((s) => s.busy);
  const view = useKlp((s) => s.view);
  useEffect(() => {
    void boot();
  }, []);

  return (
    <div className="app">
      <AppHeader />
      {view === 'explain' ? (
        <main className="main explain-main-wrap">
          <ErrorPanel />
          <ExplainView />
        </main>
      ) : (
      <div className="body">
        <FileList />
        <main className="main" aria-busy={busy !== null}>
          <BusyBar />
          <ErrorPanel />
          {file ? (
            <Inspector key={file.key} file={file} />
          ) : busy ? null : (
            <p className="empty" data-testid="no-file">
              Open a kernel module (<code>.ko</code>, <code>.ko.xz</code>, <code>.ko.zst</code>, <code>.ko.gz</code>) or drop one anywhere on
              the page. Try one from your own <code>/lib/modules/$(uname -r)</code>.
            </p>
          )}
        </main>
      </div>
      )}
      <DropZone />
    </div>
  );
}
