// The ways into presenter mode from the explainer: a button and the P key. The mode itself
// (Presenter.tsx and its CSS) loads when first entered.
import { type KeyboardEvent, lazy, Suspense } from 'react';
import { presentStore, usePresent } from './present_store.ts';
import './present_entry.css';

const LazyPresenter = lazy(async () => ({ default: (await import('./Presenter.tsx')).Presenter }));

export function Presenter({ comparing }: { comparing: boolean }) {
  const on = usePresent((s) => s.mode !== 'off');
  return on ? (
    <Suspense fallback={null}>
      <LazyPresenter comparing={comparing} />
    </Suspense>
  ) : null;
}

export function PresentButton() {
  return (
    <button
      type="button"
      className="link-button"
      data-testid="present"
      onClick={() => presentStore.getState().enter()}
      title="Presenter mode (P): the map and the narration, large, for a projector"
    >
      Present (P)
    </button>
  );
}

/** P enters presenter mode; true when the key was handled. */
export function onPresentKey(e: KeyboardEvent<HTMLElement>): boolean {
  if (e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'p' && e.key !== 'P')) return false;
  if ((e.target as HTMLElement).closest('select, input, textarea, [contenteditable="true"]')) return false;
  presentStore.getState().enter();
  e.preventDefault();
  return true;
}
