import { useRef } from 'react';
import { useKlp } from '../store.ts';

const ACCEPT = '.ko,.ko.xz,.ko.zst,.ko.gz,.xz,.zst,.gz';

export function OpenFileButton() {
  const input = useRef<HTMLInputElement>(null);
  const openFile = useKlp((s) => s.openFile);
  return (
    <>
      <button type="button" className="primary" data-testid="open-file" onClick={() => input.current?.click()}>
        Open module…
      </button>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        data-testid="file-input"
        aria-label="Open a kernel module (.ko, .ko.xz, .ko.zst, .ko.gz)"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = ''; // the same file can be chosen again
          if (file) void openFile(file);
        }}
      />
    </>
  );
}
