// Keyboard for the explainer, handled on its root element (so only a focused explainer reacts):
// ←/→ step, Space play/pause, Home/End, [ / ] previous/next phase. The page never scrolls.
import type { KeyboardEvent } from 'react';
import { explainStore } from '../state/explain_store.ts';

/**
 * The player's keys on a focused root element; form controls keep their own keys (a select's
 * arrows, a button's Space). A handled key never scrolls the page.
 */
export function onPlayerKey(e: KeyboardEvent<HTMLElement>, keys: Partial<Record<string, () => void>>): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target as HTMLElement;
  if (t.closest('select, input, textarea, [contenteditable="true"]')) return;
  if ((e.key === ' ' || e.key === 'Enter') && t.closest('button, a, summary, [role="button"]')) return;
  const action = Object.hasOwn(keys, e.key) ? keys[e.key] : undefined;
  if (!action) return;
  action();
  e.preventDefault();
}

export function onExplainKey(e: KeyboardEvent<HTMLElement>): void {
  const s = explainStore.getState();
  onPlayerKey(e, {
    ArrowRight: () => s.stepBy(1),
    ArrowLeft: () => s.stepBy(-1),
    ' ': () => s.togglePlay(),
    Home: () => s.first(),
    End: () => s.last(),
    '[': () => s.phase(-1),
    ']': () => s.phase(1),
  });
}
