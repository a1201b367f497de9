import { escapeName } from '../../src/format/escape.ts';
import { bytes } from '../format.ts';
import { useKlp } from '../store.ts';

export function FileList() {
  const files = useKlp((s) => s.files);
  const currentKey = useKlp((s) => s.currentKey);
  const selectFile = useKlp((s) => s.selectFile);
  const closeFile = useKlp((s) => s.closeFile);

  return (
    <nav className="file-list" aria-label="Open modules">
      <h2>Modules</h2>
      {files.length === 0 ? <p className="muted">No module open.</p> : null}
      <ul data-testid="file-list">
        {files.map((f) => {
          const { elf, compression, compressedSize } = f.module;
          return (
            <li key={f.key} className={f.key === currentKey ? 'current' : undefined}>
              <button
                type="button"
                className="file-entry"
                aria-current={f.key === currentKey ? 'true' : undefined}
                data-testid="file-entry"
                data-file={f.name}
                onClick={() => selectFile(f.key)}
              >
                <span className="file-name mono">{escapeName(f.name)}</span>
                <span className="file-meta">
                  {bytes(compressedSize)}
                  {compression !== 'none' ? ` ${compression} → ${bytes(elf.fileSize)}` : ''}
                  {f.origin === 'sample' ? ' · built-in sample' : ' · your file'}
                </span>
                <span className="badges">
                  {elf.isLivepatch ? <span className="badge livepatch">livepatch</span> : null}
                  {elf.signature?.verification === 'good' ? (
                    <span className="badge signed" title="signed, verified against the built-in key">
                      signed
                    </span>
                  ) : elf.signature ? (
                    <span className="badge signature" title="signature present, not verified">
                      signature
                    </span>
                  ) : null}
                </span>
              </button>
              <button
                type="button"
                className="close"
                aria-label={`Close ${escapeName(f.name)}`}
                title="Close"
                onClick={() => closeFile(f.key)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
