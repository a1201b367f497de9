import { lazy, Suspense } from 'react';
import { AppHeader } from './components/AppHeader.tsx';
import { BusyBar } from './components/BusyBar.tsx';
import { DropZone } from './components/DropZone.tsx';
import { ErrorPanel } from './components/ErrorPanel.tsx';
import { FileList } from './components/FileList.tsx';
import { Inspector } from './components/Inspector.tsx';
import { useUrlSync } from './permalink/current.ts';
import { FileRequest } from './permalink/FileRequest.tsx';
import { LinkWarnings } from './permalink/LinkWarnings.tsx';
import { useCurrentFile, useKlp } from './store.ts';

// The Explain view and the embed (map, timeline, compare, d3, exports) load when first shown:
// the inspector (`?view=inspect`) starts without them.
const ExplainView = lazy(async () => ({ default: (await import('./explain/ExplainView.tsx')).ExplainView }));
const EmbedApp = lazy(async () => ({ default: (await import('./embed/EmbedApp.tsx')).EmbedApp }));
const loadingView = (
  <p className="loading-view" role="status">
    Loading the view…
  </p>
);

/** The full app, or (`?embed=`) one view of a permalink for an <iframe>. */
export function App({ embedded }: { embedded: boolean }) {
  if (embedded)
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
  useUrlSync();

  return (
    <div className="app">
      <AppHeader />
      <LinkWarnings />
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
