// The memory map's zoom and pan, and the inputs that change them: Ctrl/⌘+wheel and a trackpad's
// pinch (zoom around the pointer), a horizontal wheel or Shift+wheel (pan), dragging (pan), a
// two-finger pinch on a touch screen, and + − 0 ←/→ on the focused map. The maths is
// src/view_model/map_zoom.ts; plain wheel turns stay the page's, so the map never traps a scroll.
import { type KeyboardEvent, type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PageMap } from '../../../src/trace/page_map.ts';
import type { MapLayout } from '../../../src/view_model/map_layout.ts';
import {
  clampPan,
  clampZoom,
  MIN_ZOOM,
  maxZoom,
  panAround,
  ZOOM_STEP,
  zoomedLayout,
} from '../../../src/view_model/map_zoom.ts';

export interface MapZoom {
  zoom: number;
  max: number;
  pan: number;
  layout: MapLayout | null;
  /** Zoom to `zoom` keeping view point (px, py) still; by default the view's centre. */
  zoomTo: (zoom: number, px?: number, py?: number) => void;
  panTo: (pan: number) => void;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
  /** A pointer gesture moved the map: the click that ends it does not select a write. */
  dragged: () => boolean;
}

export function useMapZoom(
  stage: RefObject<HTMLElement | null>,
  map: PageMap,
  width: number,
  compact: boolean,
  /** The page width shared by maps drawn side by side at zoom 1 (comparison columns). */
  maxPageW?: number,
): MapZoom {
  const [view, setView] = useState({ zoom: MIN_ZOOM, pan: 0 });
  const max = useMemo(() => (width > 0 ? maxZoom(map, width) : MIN_ZOOM), [map, width]);
  const zoom = clampZoom(view.zoom, max);
  const layout = useMemo(
    () => (width > 0 ? zoomedLayout(map, width, zoom, { compact, ...(maxPageW ? { maxPageW } : {}) }) : null),
    [map, width, zoom, compact, maxPageW],
  );
  const pan = layout ? clampPan(view.pan, layout, width) : 0;
  // Handlers registered once read the latest values here.
  const now = useRef({ zoom, pan, layout, width, max });
  now.current = { zoom, pan, layout, width, max };

  // Another trace: start unzoomed.
  useEffect(() => setView({ zoom: MIN_ZOOM, pan: 0 }), [map]);

  const zoomTo = useCallback(
    (next: number, px?: number, py?: number) => {
      const { layout: before, pan, width, max } = now.current;
      if (!before) return;
      const z = clampZoom(next, max);
      const after = zoomedLayout(map, width, z, { compact, ...(maxPageW ? { maxPageW } : {}) });
      const x = px ?? width / 2;
      // The view's centre: a y on the first region's first row, so a centred zoom follows its pages.
      const y = py ?? (before.boxes.find(Boolean)?.y ?? 0) + 1;
      setView({ zoom: z, pan: panAround(before, after, pan, x, y, width) });
    },
    [map, compact],
  );
  const panTo = useCallback((p: number) => {
    const { layout, width, zoom } = now.current;
    if (layout) setView({ zoom, pan: clampPan(p, layout, width) });
  }, []);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const { zoom, pan, width } = now.current;
      const act: Record<string, () => void> = {
        '+': () => zoomTo(zoom * ZOOM_STEP),
        '=': () => zoomTo(zoom * ZOOM_STEP),
        '-': () => zoomTo(zoom / ZOOM_STEP),
        '0': () => setView({ zoom: MIN_ZOOM, pan: 0 }),
      };
      // Arrows pan a zoomed map; unzoomed, they stay the player's (previous / next step).
      if (zoom > MIN_ZOOM) {
        act.ArrowLeft = () => panTo(pan - width * 0.4);
        act.ArrowRight = () => panTo(pan + width * 0.4);
      }
      const f = act[e.key];
      if (!f) return;
      f();
      e.preventDefault();
      e.stopPropagation();
    },
    [zoomTo, panTo],
  );

  // Wheel and pointers: native listeners (React's wheel listener is passive and cannot keep the
  // page from scrolling or the browser from zooming the page).
  const moved = useRef(false);
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const point = (clientX: number, clientY: number) => {
      const r = el.getBoundingClientRect();
      return { x: clientX - r.left, y: clientY - r.top };
    };
    const onWheel = (e: WheelEvent) => {
      const { zoom, pan } = now.current;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const p = point(e.clientX, e.clientY);
        zoomTo(zoom * Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0025)), p.x, p.y);
        return;
      }
      if (zoom <= MIN_ZOOM) return;
      const dx = e.shiftKey ? e.deltaY || e.deltaX : Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : 0;
      if (!dx) return;
      e.preventDefault();
      panTo(pan + dx * (e.deltaMode === 1 ? 16 : 1));
    };
    const pointers = new Map<number, { x: number; y: number }>();
    let start: { pan: number; x: number; spread: number; zoom: number } | null = null;
    const spread = () => {
      const [a, b] = [...pointers.values()];
      return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    };
    const begin = () => {
      const xs = [...pointers.values()];
      const x = xs.reduce((s, p) => s + p.x, 0) / Math.max(1, xs.length);
      start = { pan: now.current.pan, x, spread: spread(), zoom: now.current.zoom };
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0 || (e.target as Element).closest('button')) return;
      pointers.set(e.pointerId, point(e.clientX, e.clientY));
      moved.current = false;
      begin();
    };
    const onMove = (e: PointerEvent) => {
      if (!pointers.has(e.pointerId) || !start) return;
      pointers.set(e.pointerId, point(e.clientX, e.clientY));
      const xs = [...pointers.values()];
      const x = xs.reduce((s, p) => s + p.x, 0) / xs.length;
      if (pointers.size >= 2 && start.spread > 0) {
        moved.current = true;
        zoomTo(start.zoom * (spread() / start.spread), x, xs[0]!.y);
        return;
      }
      if (Math.abs(x - start.x) > 4) moved.current = true;
      if (moved.current && now.current.zoom > MIN_ZOOM) {
        if (!el.hasPointerCapture(e.pointerId)) el.setPointerCapture(e.pointerId);
        panTo(start.pan - (x - start.x));
      }
    };
    const onUp = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      if (pointers.size) begin();
      else start = null;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
    };
  }, [stage, zoomTo, panTo]);

  const dragged = useCallback(() => moved.current, []);
  return { zoom, max, pan, layout, zoomTo, panTo, onKeyDown, dragged };
}
