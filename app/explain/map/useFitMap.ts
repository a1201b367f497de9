// The memory map takes the height the explainer leaves it: whatever is above it (picker, status,
// legend — more rows on a narrow screen) and under it (step controls, timeline) stays on screen,
// so at 1280×720 the timeline is not pushed below the fold. The map scrolls inside itself; so does
// the narration column, which ends at the bottom of the screen.
import { type RefObject, useLayoutEffect } from 'react';

const MIN = 200;

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
      const w = wrap.getBoundingClientRect();
      const m = map.getBoundingClientRect();
      const below = main.getBoundingClientRect().bottom - m.bottom;
      const top = m.top - w.top + wrap.scrollTop;
      const pad = parseFloat(getComputedStyle(wrap).paddingBottom) || 0;
      const room = Math.floor(wrap.clientHeight - top - below - pad - 2);
      const value = `${Math.max(MIN, room)}px`;
      if (map.style.maxHeight !== value) map.style.maxHeight = value;
      // The narration column beside it ends where the screen does (it scrolls inside itself).
      const side = el.querySelector<HTMLElement>('.explain-side');
      if (side && getComputedStyle(side).position === 'sticky') {
        const sideRoom = `${Math.max(MIN, Math.floor(wrap.clientHeight - (side.getBoundingClientRect().top - w.top + wrap.scrollTop) - pad - 2))}px`;
        if (side.style.maxHeight !== sideRoom) side.style.maxHeight = sideRoom;
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
