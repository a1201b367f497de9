// The view state on screen as a LinkState, and the hook that keeps the URL's hash in step with
// it (history.replaceState only: stepping does not flood the history). Old query-parameter links
// are rewritten to v=1 on the first write.
import { useEffect } from 'react';
import { encodeLink, type LinkState } from '../../src/permalink/permalink.ts';
import { compareStore } from '../explain/compare/compare_store.ts';
import { presentStore } from '../explain/present/present_store.ts';
import { explainStore } from '../explain/state/explain_store.ts';
import { useKlp } from '../store.ts';
import { linkOf } from './link_state.ts';
import { startLink } from './start_link.ts';

/** Query parameters of the links before v=1: dropped from the URL once the hash holds the state. */
const LEGACY_KEYS = ['v', 'view', 'kernel', 'seq', 'fake', 'strategy', 'scenario', 'compare', 'step', 'row', 'sample'];

/** Everything on screen that a link restores. Undefined while the explainer has not run yet. */
export function currentLink(): LinkState | undefined {
  const app = useKlp.getState();
  const state = linkOf({
    inspector: app,
    explain: explainStore.getState(),
    compare: compareStore.getState(),
  });
  const present = presentStore.getState().mode;
  return state && present !== 'off' ? { ...state, present } : state;
}

/** Keeps location.hash = the v=1 link of what is on screen (not in embeds: their URL is the embedder's). */
export function useUrlSync(): void {
  // A link pasted into the address bar of an open tab changes only the hash: start over from it.
  // (replaceState, which keeps the hash in step, fires no hashchange.)
  useEffect(() => {
    const onHash = () => location.reload();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (startLink.getState().link.state.embed) return;
    let timer = 0;
    const write = () => {
      const state = currentLink();
      if (!state) return;
      const params = new URLSearchParams(location.search);
      for (const k of LEGACY_KEYS) params.delete(k);
      const q = params.toString();
      const url = `${location.pathname}${q ? `?${q}` : ''}#${encodeLink(state)}`;
      if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
    };
    const later = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(write, 150);
    };
    const unsubs = [
      explainStore.subscribe((s, p) => {
        if (s.step !== p.step || s.trace !== p.trace || s.ran !== p.ran || s.selection !== p.selection) later();
      }),
      compareStore.subscribe((s, p) => {
        if (s.row !== p.row || s.alignment !== p.alignment) later();
      }),
      presentStore.subscribe((s, p) => {
        if (s.mode !== p.mode) later();
      }),
      useKlp.subscribe((s, p) => {
        if (
          s.view !== p.view ||
          s.files !== p.files ||
          s.currentKey !== p.currentKey ||
          s.tab !== p.tab ||
          s.selectedSection !== p.selectedSection ||
          s.selectedSymbol !== p.selectedSymbol ||
          s.relocationSection !== p.relocationSection
        )
          later();
      }),
    ];
    return () => {
      for (const u of unsubs) u();
      window.clearTimeout(timer);
    };
  }, []);
}
