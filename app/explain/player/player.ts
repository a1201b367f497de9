// The one player of the explainer: a cursor over positions, played at a speed, stepped by one,
// sent to the first or last position or to the start of the previous / next section. The single
// view moves a trace's steps (sections: phases), the comparison the rows of its alignment
// (sections: operations); each store mixes this slice in with the Cursor that says which.
// Plain zustand/vanilla state: timers and key handlers drive it outside React.
import type { StoreApi } from 'zustand/vanilla';

/** Playback speeds offered, positions per second. */
export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export interface Player {
  playing: boolean;
  /** Positions per second while playing. */
  speed: number;

  /** Moves the cursor to `position`, clamped to the positions there are. */
  seek(position: number): void;
  stepBy(delta: number): void;
  first(): void;
  last(): void;
  /** The start of the section before / after the cursor's (`[` and `]`). */
  jump(dir: -1 | 1): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  setSpeed(speed: number): void;
  /** One beat of playback: the next position, or a pause on the last one. */
  tick(): void;
}

/** A store with a player in it, as the views read it (the player's own actions write to it). */
export type PlayerStore = Pick<StoreApi<Player>, 'getState' | 'getInitialState' | 'subscribe'>;

/** What a player moves, in a store whose state is `S`. */
export interface Cursor<S> {
  /** The cursor's position in `s`. */
  at(s: S): number;
  /** The state change that puts the cursor at `position` (already clamped). */
  to(position: number): Partial<S>;
  /** How many positions there are; 0 while there is nothing to play. */
  count(s: S): number;
  /** Where `[` / `]` lead from `position`. */
  section(s: S, position: number, dir: -1 | 1): number;
}

/** The player slice of a store: `set` and `get` are the store's, `cursor` says what moves. */
export function playerSlice<S extends Player>(
  set: (patch: Partial<Player> | Partial<S>) => void,
  get: () => S,
  cursor: Cursor<S>,
): Player {
  const clamp = (s: S, n: number) => Math.max(0, Math.min(cursor.count(s) - 1, Math.round(n)));
  const seek = (position: number) => {
    const s = get();
    const next = clamp(s, position);
    if (next !== cursor.at(s)) set(cursor.to(next));
  };
  return {
    playing: false,
    speed: 2,
    seek,
    stepBy: (delta) => seek(cursor.at(get()) + delta),
    first: () => set({ ...cursor.to(0), playing: false }),
    last: () => set({ ...cursor.to(clamp(get(), Number.POSITIVE_INFINITY)), playing: false }),
    jump: (dir) => {
      const s = get();
      seek(cursor.section(s, cursor.at(s), dir));
    },
    play: () => {
      const s = get();
      const n = cursor.count(s);
      if (n === 0) return;
      // Playing from the last position starts over.
      set({ ...(cursor.at(s) >= n - 1 ? cursor.to(0) : {}), playing: true });
    },
    pause: () => set({ playing: false }),
    togglePlay: () => (get().playing ? get().pause() : get().play()),
    setSpeed: (speed) => set({ speed }),
    tick: () => {
      const s = get();
      if (cursor.at(s) >= cursor.count(s) - 1) s.pause();
      else s.stepBy(1);
    },
  };
}
