// Under a zoomable map: the zoom buttons, what the view shows, and the overview strip — the whole
// map at the view's width with the visible window framed; a click (or the window's arrow keys)
// moves the view there.
import { useEffect, useRef } from 'react';
import type { PageMap } from '../../../src/trace/page_map.ts';
import { PermCode } from '../../../src/trace/perm_code.ts';
import { type MapLayout, pageOrigin } from '../../../src/view_model/map_layout.ts';
import {
  contentWidth,
  MIN_ZOOM,
  panToFraction,
  visiblePages,
  visibleWindow,
  ZOOM_STEP,
} from '../../../src/view_model/map_zoom.ts';
import { PERM_STYLE } from '../../../src/view_model/palette.ts';
import type { MapZoom } from './useMapZoom.ts';
import './map_zoom.css';

const STRIP_H = 28;

export function MapZoomBar({ z, map, step, width }: { z: MapZoom; map: PageMap; step: number; width: number }) {
  const { layout, zoom, pan } = z;
  if (!layout) return null;
  const zoomed = zoom > MIN_ZOOM;
  const pages = zoomed ? visiblePages(layout, pan, width) : undefined;
  const shows = pages
    ? `${pages.box.info.region.module} ${pages.box.info.region.name}: pages ${pages.from}–${pages.to} of ${pages.box.info.pages}`
    : '';
  return (
    <div className="map-zoom" data-testid="map-zoom">
      <div className="map-zoom-bar">
        <button type="button" onClick={() => z.zoomTo(zoom / ZOOM_STEP)} disabled={!zoomed} aria-label="Zoom out (−)">
          −
        </button>
        <output className="mono" data-testid="map-zoom-level" aria-label="Zoom">
          {zoom < 10 ? zoom.toFixed(1) : zoom.toFixed(0)}×
        </output>
        <button
          type="button"
          onClick={() => z.zoomTo(zoom * ZOOM_STEP)}
          disabled={zoom >= z.max}
          aria-label="Zoom in (+)"
        >
          +
        </button>
        <button type="button" onClick={() => z.zoomTo(MIN_ZOOM)} disabled={!zoomed} aria-label="Reset zoom (0)">
          fit
        </button>
        <span className="map-zoom-shows mono" data-testid="map-zoom-shows">
          {shows}
        </span>
        <span className="map-zoom-hint muted">Ctrl+wheel or pinch to zoom · drag to pan · on the map: + − 0 ←/→</span>
      </div>
      {zoomed && <Overview z={z} layout={layout} map={map} step={step} width={width} label={shows} />}
    </div>
  );
}

function Overview({
  z,
  layout,
  map,
  step,
  width,
  label,
}: {
  z: MapZoom;
  layout: MapLayout;
  map: PageMap;
  step: number;
  width: number;
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const content = contentWidth(layout);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(STRIP_H * dpr);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, STRIP_H);
    const sx = width / content;
    const sy = STRIP_H / layout.height;
    for (const box of layout.boxes) {
      if (!box) continue;
      const perms = map.perms[step]?.[box.info.id];
      for (let p = 0; p < box.info.pages; p++) {
        const code = (perms?.[p] ?? PermCode.None) as PermCode;
        if (code === PermCode.None || code === PermCode.Freed) continue;
        const o = pageOrigin(layout, box, p);
        ctx.fillStyle = PERM_STYLE[code].fill;
        ctx.fillRect(o.x * sx, o.y * sy, Math.max(1, layout.pageW * sx), Math.max(2, layout.pageH * sy));
      }
    }
  }, [layout, map, step, width, content]);
  const win = visibleWindow(layout, z.pan, width);
  const jump = (clientX: number, el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    z.panTo(panToFraction(layout, (clientX - r.left) / r.width, width));
  };
  const percent = Math.round((win.left / Math.max(1e-9, 1 - win.width)) * 100) || 0;
  return (
    <div className="map-overview" data-testid="map-overview" onClick={(e) => jump(e.clientX, e.currentTarget)}>
      <canvas ref={canvas} style={{ width, height: STRIP_H }} aria-hidden="true" />
      <div
        className="map-overview-window"
        data-testid="map-overview-window"
        role="slider"
        tabIndex={0}
        aria-label="Visible part of the zoomed map"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={label || `${percent} %`}
        style={{ left: `${win.left * 100}%`, width: `${win.width * 100}%` }}
        onKeyDown={(e) => {
          const by = { ArrowLeft: -0.4, ArrowRight: 0.4, PageUp: -1, PageDown: 1 }[e.key];
          const to = { Home: 0, End: content }[e.key];
          if (by === undefined && to === undefined) return;
          z.panTo(to ?? z.pan + by! * width);
          e.preventDefault();
          e.stopPropagation();
        }}
      />
    </div>
  );
}
