// Keyboard for the explainer, handled on its root element (so only a focused explainer reacts):
// ←/→ step, Space play/pause, Home/End, [ / ] previous/next section (phase or operation). The
// page never scrolls.
import type { KeyboardEvent } from 'react';
import { explainStore } from '../state/explain_store.ts';
import type { Player } from './player.ts';

export type KeyMap = Partial<Record<string, () => void>>;

/**
 * The player's keys on a focused root element; form controls keep their own keys (a select's
 * arrows, a button's Space). A handled key never scrolls the page.
 */
export function onPlayerKey(e: KeyboardEvent<HTMLElement>, keys: KeyMap): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target as HTMLElement;
  if (t.closest('select, input, textarea, [contenteditable="true"]')) return;
  if ((e.key === ' ' || e.key === 'Enter') && t.closest('button, a, summary, [role="button"]')) return;
  const action = Object.hasOwn(keys, e.key) ? keys[e.key] : undefined;
  if (!action) return;
  action();
  e.preventDefault();
}

/** The keys every player has. */
export function playerKeys(p: Player): KeyMap {
  return {
    ArrowRight: () => p.stepBy(1),
    ArrowLeft: () => p.stepBy(-1),
    ' ': () => p.togglePlay(),
    Home: () => p.first(),
    End: () => p.last(),
    '[': () => p.jump(-1),
    ']': () => p.jump(1),
  };
}

/** Keys of the single-trace view. */
export function onExplainKey(e: KeyboardEvent<HTMLElement>): void {
  onPlayerKey(e, playerKeys(explainStore.getState()));
}
