// The projector and the speaker's notes window stay on the same step: each posts its step (or the
// comparison's row) on a BroadcastChannel of the browser — same origin, same browser, no network —
// and moves to the step the other posted. Posting the step it already has ends the echo.
import { useEffect } from 'react';
import { compareStore } from '../compare/compare_store.ts';
import { explainStore } from '../state/explain_store.ts';

const CHANNEL = 'klp-lab-present';

type Message = { kind: 'step'; step: number } | { kind: 'row'; row: number } | { kind: 'hello' };

export function usePresentSync(active: boolean): void {
  useEffect(() => {
    if (!active || typeof BroadcastChannel !== 'function') return;
    const channel = new BroadcastChannel(CHANNEL);
    const post = (m: Message) => channel.postMessage(m);
    channel.onmessage = (e: MessageEvent<Message>) => {
      const m = e.data;
      const ex = explainStore.getState();
      const cmp = compareStore.getState();
      if (m.kind === 'step' && ex.trace && ex.step !== m.step) ex.seek(m.step);
      else if (m.kind === 'row' && cmp.alignment && cmp.row !== m.row) cmp.seek(m.row);
      else if (m.kind === 'hello') {
        // A window just opened: tell it where this one is.
        if (explainStore.getState().trace) post({ kind: 'step', step: explainStore.getState().step });
        if (compareStore.getState().alignment) post({ kind: 'row', row: compareStore.getState().row });
      }
    };
    const unsubs = [
      // Only moves on the same trace: a window loading its trace (and the link's step) posts nothing.
      explainStore.subscribe((s, p) => {
        if (s.step !== p.step && s.trace && s.trace === p.trace) post({ kind: 'step', step: s.step });
      }),
      compareStore.subscribe((s, p) => {
        if (s.row !== p.row && s.alignment && s.alignment === p.alignment) post({ kind: 'row', row: s.row });
      }),
    ];
    post({ kind: 'hello' });
    return () => {
      for (const u of unsubs) u();
      channel.close();
    };
  }, [active]);
}
