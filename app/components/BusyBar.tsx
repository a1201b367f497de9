import { bytes } from '../format.ts';
import { useKlp } from '../store.ts';

export function BusyBar() {
  const busy = useKlp((s) => s.busy);
  if (!busy) return null;
  return (
    <div className="busy" role="status" aria-live="polite" data-testid="busy">
      <span className="spinner" aria-hidden="true" />
      Decoding <span className="mono">{busy.fileName}</span>
      {busy.size !== undefined ? ` (${bytes(busy.size)})` : ''} in the worker…
    </div>
  );
}
