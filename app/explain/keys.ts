// Keyboard for the explainer, handled on its root element (so only a focused explainer reacts):
// ←/→ step, Space play/pause, Home/End, [ / ] previous/next phase. The page never scrolls.
import type { KeyboardEvent } from 'react';
import { explainStore } from './store.ts';

export function onExplainKey(e: KeyboardEvent<HTMLElement>): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target as HTMLElement;
  // Form controls keep their own keys (a select's arrows, a button's Space).
  if (t.closest('select, input, textarea, [contenteditable="true"]')) return;
  if ((e.key === ' ' || e.key === 'Enter') && t.closest('button, a, summary, [role="button"]')) return;
  const s = explainStore.getState();
  switch (e.key) {
    case 'ArrowRight':
      s.stepBy(1);
      break;
    case 'ArrowLeft':
      s.stepBy(-1);
      break;
    case ' ':
      s.togglePlay();
      break;
    case 'Home':
      s.first();
      break;
    case 'End':
      s.last();
      break;
    case '[':
      s.phase(-1);
      break;
    case ']':
      s.phase(1);
      break;
    default:
      return;
  }
  e.preventDefault();
}
