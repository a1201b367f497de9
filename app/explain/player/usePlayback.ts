// Playback: while playing, advance one step every 1/speed seconds; stop at the last step.
import { useEffect } from 'react';
import { explainStore, useExplain } from '../state/explain_store.ts';

export function usePlayback(steps: number): void {
  const playing = useExplain((s) => s.playing);
  const speed = useExplain((s) => s.speed);
  useEffect(() => {
    if (!playing) return;
    const id = window.setInterval(() => {
      const s = explainStore.getState();
      if (s.step >= steps - 1) s.pause();
      else s.stepBy(1);
    }, 1000 / speed);
    return () => window.clearInterval(id);
  }, [playing, speed, steps]);
}
