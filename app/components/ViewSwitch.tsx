// Top-level switch between the ELF inspector and the loader explainer.
import { type AppView, useKlp } from '../store.ts';

const VIEWS: ReadonlyArray<{ id: AppView; label: string }> = [
  { id: 'inspect', label: 'Inspect ELF' },
  { id: 'explain', label: 'Explain loading' },
];

/** Switches the top-level view and keeps the URL in step (the explainer's permalink keys go with it). */
export function goToView(view: AppView): void {
  useKlp.getState().setView(view);
  const params = new URLSearchParams(location.search);
  if (view === 'explain') params.set('view', 'explain');
  else
    for (const k of ['view', 'kernel', 'seq', 'step', 'fake', 'strategy', 'scenario', 'compare', 'row'])
      params.delete(k);
  const q = params.toString();
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
}

export function ViewSwitch() {
  const view = useKlp((s) => s.view);
  return (
    <nav className="view-switch" aria-label="View">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          aria-pressed={view === v.id}
          className={view === v.id ? 'on' : undefined}
          data-testid={`view-${v.id}`}
          onClick={() => goToView(v.id)}
        >
          {v.label}
        </button>
      ))}
    </nav>
  );
}
