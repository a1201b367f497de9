// The memory map takes the height the explainer leaves it: whatever is above it (picker, status,
// legend — more rows on a narrow screen) and under it (step controls, timeline) stays on screen,
// so at 1280×720 the timeline is not pushed below the fold. The map scrolls inside itself; so does
// the narration column, which ends at the bottom of the screen. The maths is fit.ts.
import { type RefObject, useLayoutEffect } from 'react';
import { type Frame, mapRoom, sideRoom } from './fit.ts';

export function useFitMap(root: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const el = root.current;
    const wrap = el?.parentElement;
    if (!el || !wrap) return;
    let raf = 0;
    const fit = () => {
      raf = 0;
      const map = el.querySelector<HTMLElement>('.explain-main > .map-scroll');
      const main = el.querySelector<HTMLElement>('.explain-main');
      if (!map || !main) return;
      // A narrow screen scrolls the page, not the map (explain_narrow.css): no bound.
      if (getComputedStyle(map).overflowY === 'visible') {
        if (map.style.maxHeight) map.style.maxHeight = '';
        return;
      }
      const w = wrap.getBoundingClientRect();
      const m = map.getBoundingClientRect();
      const frame: Frame = {
        height: wrap.clientHeight,
        paddingBottom: parseFloat(getComputedStyle(wrap).paddingBottom) || 0,
      };
      const top = (r: DOMRect) => r.top - w.top + wrap.scrollTop;
      const value = `${mapRoom(frame, top(m), main.getBoundingClientRect().bottom - m.bottom)}px`;
      if (map.style.maxHeight !== value) map.style.maxHeight = value;
      // The narration column beside it ends where the screen does (it scrolls inside itself).
      const side = el.querySelector<HTMLElement>('.explain-side');
      if (side && getComputedStyle(side).position === 'sticky') {
        const sideValue = `${sideRoom(frame, top(side.getBoundingClientRect()))}px`;
        if (side.style.maxHeight !== sideValue) side.style.maxHeight = sideValue;
      } else if (side?.style.maxHeight) side.style.maxHeight = '';
    };
    const later = () => {
      if (!raf) raf = requestAnimationFrame(fit);
    };
    const ro = new ResizeObserver(later);
    ro.observe(wrap);
    ro.observe(el);
    fit();
    return () => {
      ro.disconnect();
      cancelAnimationFrame(raf);
    };
  }, [root]);
}
