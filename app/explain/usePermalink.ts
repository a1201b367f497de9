// Keeps the URL in step with the explainer (view, kernel, sequence of samples, step), so any
// step can be linked. history.replaceState only: stepping does not flood the history.
import { useEffect } from 'react';
import { explainStore } from './store.ts';
import { sourceToParams } from './source.ts';

export function usePermalink(): void {
  useEffect(() => {
    const write = () => {
      const s = explainStore.getState();
      if (!s.trace || !s.ran) return;
      const params = new URLSearchParams(location.search);
      params.set('view', 'explain');
      sourceToParams(s.ran, params);
      params.set('step', String(s.step));
      const url = `${location.pathname}?${params.toString()}${location.hash}`;
      if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
    };
    let timer = 0;
    const unsub = explainStore.subscribe((s, prev) => {
      if (s.step === prev.step && s.trace === prev.trace) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(write, 150);
    });
    return () => {
      unsub();
      window.clearTimeout(timer);
    };
  }, []);
}
