// Playback: while a player plays, one tick every 1/speed seconds (the player stops at its end).
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { PlayerStore } from './player.ts';

export function usePlayback(player: PlayerStore): void {
  const playing = useStore(player, (s) => s.playing);
  const speed = useStore(player, (s) => s.speed);
  useEffect(() => {
    if (!playing) return;
    const id = window.setInterval(() => player.getState().tick(), 1000 / speed);
    return () => window.clearInterval(id);
  }, [player, playing, speed]);
}
