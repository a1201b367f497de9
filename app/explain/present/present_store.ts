// Presenter mode: off, the projector's slides (the map and the narration, large), or the speaker's
// notes window opened from them; and whether the projector is blanked (B). A link with
// `present=1` / `present=notes` opens in that mode.
import { createStore, useStore } from 'zustand';
import { startLink } from '../../permalink/start_link.ts';

export type PresentMode = 'off' | 'slides' | 'notes';

interface PresentState {
  mode: PresentMode;
  blank: boolean;
  enter(): void;
  leave(): void;
  toggleBlank(): void;
}

export const presentStore = createStore<PresentState>()((set) => ({
  mode: startLink.getState().link.state.present ?? 'off',
  blank: false,
  enter: () => set({ mode: 'slides', blank: false }),
  leave: () => set({ mode: 'off', blank: false }),
  toggleBlank: () => set((s) => ({ blank: !s.blank })),
}));

export function usePresent<T>(selector: (s: PresentState) => T): T {
  return useStore(presentStore, selector);
}

// The start link may be decoded after this module loads (the URL sync imports it early).
startLink.subscribe((s, p) => {
  if (s.link !== p.link && s.link.state.present) presentStore.setState({ mode: s.link.state.present });
});
