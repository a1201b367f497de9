// A permalink that names the user's own file (by sha256 and name) opened on another machine or in
// a fresh tab: files are never uploaded, so ask for it again, check its hash, then restore the view.
import { useState } from 'react';
import { sha256Hex } from '../../src/permalink/sha256.ts';
import { explainStore } from '../explain/state/explain_store.ts';
import { useKlp } from '../store.ts';
import { fileWithHash, sourceFromLink, type WantedFile } from './link_state.ts';
import { startInspector, startLink, usePendingFiles } from './start_link.ts';

export function FileRequest() {
  const missing = usePendingFiles();
  const files = useKlp((s) => s.files);
  const [note, setNote] = useState('');
  const [dismissed, setDismissed] = useState(false);
  const linked = startInspector();
  const inspectorWants =
    linked.open?.kind === 'file' && !fileWithHash(files, linked.open.sha256)
      ? [{ sha256: linked.open.sha256, name: linked.open.name }]
      : [];
  const wanted: WantedFile[] = [
    ...missing,
    ...inspectorWants.filter((w) => !missing.some((m) => m.sha256 === w.sha256)),
  ];
  if (!wanted.length || dismissed) return null;

  const onFiles = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const sha256 = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
      const want = wanted.find((w) => w.sha256 === sha256);
      if (!want) {
        setNote(`${file.name} is not the file this link names (its sha256 is ${sha256.slice(0, 16)}…).`);
        continue;
      }
      setNote('');
      if (!fileWithHash(useKlp.getState().files, sha256)) await useKlp.getState().openFile(file);
    }
    resume();
  };

  return (
    <section className="file-request" aria-label="This link needs your own file" data-testid="file-request">
      <p>
        <b>This link shows your own module{wanted.length > 1 ? 's' : ''}</b> — files never leave the browser they were
        opened in, so open {wanted.length > 1 ? 'them' : 'it'} again here:
      </p>
      <ul>
        {wanted.map((w) => (
          <li key={w.sha256}>
            <code>{w.name}</code>{' '}
            <span className="muted mono" title={`sha256 ${w.sha256}`}>
              sha256 {w.sha256.slice(0, 16)}…
            </span>
          </li>
        ))}
      </ul>
      <label className="button">
        Open {wanted.length > 1 ? 'the files' : wanted[0]!.name}…
        <input
          type="file"
          multiple
          className="sr-only"
          data-testid="file-request-input"
          onChange={(e) => void onFiles(e.currentTarget.files)}
        />
      </label>{' '}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setDismissed(true);
          dismiss();
        }}
      >
        continue without {wanted.length > 1 ? 'them' : 'it'}
      </button>
      {note && (
        <p className="error-text" role="alert" data-testid="file-request-note">
          {note}
        </p>
      )}
    </section>
  );
}

/** All files there: run the linked source (its step comes with it). */
function resume(): void {
  const linked = startInspector();
  const files = useKlp.getState().files;
  if (linked.open?.kind === 'file') {
    const key = fileWithHash(files, linked.open.sha256);
    if (key) useKlp.getState().selectFile(key);
  }
  const pending = startLink.getState();
  if (!pending.source || !pending.missing.length) return;
  const { source, missing } = sourceFromLink(pending.source, files);
  startLink.setState({ missing });
  if (!source) return;
  const ex = explainStore.getState();
  ex.setSource(source);
  void ex.run();
}

function dismiss(): void {
  startLink.setState({ missing: [], step: undefined, row: undefined, select: undefined });
  const ex = explainStore.getState();
  if (ex.status.kind === 'idle' && useKlp.getState().view === 'explain') void ex.run();
}
