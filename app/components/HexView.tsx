// A section's bytes as in the file, hexdump -C style, windowed: only the rows in view are in the
// DOM and only their 4 KiB chunks are fetched from the worker, so a multi-megabyte .text scrolls
// as smoothly as a small one. The selected relocation's site is highlighted (and scrolled to).
import { type ReactNode, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { SHT_NOBITS } from '../../src/elf/constants.ts';
import { sectionTypeName } from '../../src/elf/names.ts';
import type { ElfObject } from '../../src/elf/types.ts';
import { escapeName } from '../../src/format/escape.ts';
import { byteHex, hex } from '../../src/format/hex.ts';
import { count } from '../format.ts';
import { type LoadedFile, useKlp } from '../store.ts';
import { ascii, ChunkCache } from './section_bytes.ts';

const ROW = 16;
const ROW_H = 18;
const OVERSCAN = 10;

/** The section the Hex tab opens on when nothing asked for one: .text, else the first with bytes. */
function defaultSection(elf: ElfObject): number {
  const text = elf.sections.find((s) => s.name === '.text' && s.size > 0n);
  return (
    (text ?? elf.sections.find((s) => s.index > 0 && s.type !== SHT_NOBITS && s.size > 0n) ?? elf.sections[0])?.index ??
    0
  );
}

export function HexView({ file }: { file: LoadedFile }) {
  const elf = file.module.elf;
  const hexState = useKlp((s) => s.hex);
  const showHex = useKlp((s) => s.showHex);
  const section = hexState?.section ?? defaultSection(elf);
  const highlight = hexState?.section === section ? hexState.highlight : undefined;
  const sec = elf.sections[section];
  const size = sec ? Number(sec.size) : 0;
  const nobits = sec?.type === SHT_NOBITS;
  const rows = nobits ? 0 : Math.ceil(size / ROW);

  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const cache = useMemo(() => new ChunkCache(file.handle, section, redraw), [file.handle, section]);

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // A new section starts at the top, or at the highlighted site (a few rows above it).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const top = highlight ? Math.max(0, (Math.floor(highlight.offset / ROW) - 3) * ROW_H) : 0;
    el.scrollTop = top;
    setScrollTop(el.scrollTop);
  }, [section, highlight?.offset, highlight]);

  const [goto, setGoto] = useState('');
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(rows, Math.ceil((scrollTop + viewport) / ROW_H) + OVERSCAN);
  useEffect(() => {
    // Fetch the chunks of the rows in view (byte() starts a fetch for a missing chunk).
    for (let r = first; r < last; r += 4096 / ROW) cache.byte(r * ROW);
    if (last > first) cache.byte((last - 1) * ROW);
  }, [cache, first, last]);

  const inHl = (o: number) =>
    highlight !== undefined && o >= highlight.offset && o < highlight.offset + highlight.length;
  const lines: ReactNode[] = [];
  for (let r = first; r < last; r++) {
    const base = r * ROW;
    const hexCells: ReactNode[] = [];
    let text = '';
    const textCells: ReactNode[] = [];
    for (let i = 0; i < ROW; i++) {
      const o = base + i;
      if (o >= size) {
        hexCells.push(
          <span key={i} className="hx-b hx-pad">
            {'  '}
          </span>,
        );
        continue;
      }
      const b = cache.byte(o);
      const hl = inHl(o);
      hexCells.push(
        <span
          key={i}
          className={`hx-b${hl ? ' hl' : ''}${i === 8 ? ' mid' : ''}`}
          data-testid={hl ? 'hex-hl' : undefined}
        >
          {b === undefined ? '··' : byteHex(b)}
        </span>,
      );
      if (hl) {
        if (text) textCells.push(text);
        text = '';
        textCells.push(
          <span key={`a${i}`} className="hl">
            {b === undefined ? '·' : ascii(b)}
          </span>,
        );
      } else text += b === undefined ? '·' : ascii(b);
    }
    if (text) textCells.push(text);
    lines.push(
      <div
        key={r}
        className="hx-row"
        role="row"
        data-testid="hex-row"
        data-offset={base}
        style={{ top: r * ROW_H, height: ROW_H }}
      >
        <span className="hx-off">{hex(base, 8)}</span>
        <span className="hx-bytes">{hexCells}</span>
        <span className="hx-ascii">{textCells}</span>
      </div>,
    );
  }

  const jump = (value: string) => {
    const n = Number.parseInt(value.replace(/^0x/i, ''), 16);
    const el = scroller.current;
    if (!Number.isFinite(n) || !el) return;
    el.scrollTop = Math.floor(Math.max(0, Math.min(size - 1, n)) / ROW) * ROW_H;
  };

  return (
    <div className="table-panel hex-panel" data-testid="hex-view">
      <div className="toolbar">
        <label className="picker">
          <span>Section</span>
          <select data-testid="hex-section" value={section} onChange={(e) => showHex(Number(e.currentTarget.value))}>
            {elf.sections.map((s) => (
              <option key={s.index} value={s.index}>
                [{s.index}] {escapeName(s.name) || '(null)'} — {sectionTypeName(s.type)}, {count(Number(s.size))} bytes
              </option>
            ))}
          </select>
        </label>
        <form
          className="filter"
          onSubmit={(e) => {
            e.preventDefault();
            jump(goto);
          }}
        >
          <label htmlFor="hex-goto">Offset</label>
          <input
            id="hex-goto"
            type="search"
            className="mono"
            size={14}
            placeholder="hex, e.g. 1a0"
            value={goto}
            data-testid="hex-goto"
            spellCheck={false}
            onChange={(e) => setGoto(e.currentTarget.value)}
          />
        </form>
      </div>
      <p className="reloc-caption" data-testid="hex-caption">
        {sec ? (
          <>
            <b className="mono">
              [{sec.index}] {escapeName(sec.name)}
            </b>
            : {count(size)} bytes at file offset <span className="mono">0x{hex(sec.offset)}</span>, as in the file
            (before relocation).{' '}
            {highlight && (
              <span className="hl-note" data-testid="hex-highlight-note">
                Highlighted: <span className="mono">+0x{hex(highlight.offset)}</span>, {highlight.length} byte
                {highlight.length === 1 ? '' : 's'}
                {highlight.label ? <> — {highlight.label}</> : null}.
              </span>
            )}
            {cache.error && (
              <span className="error-text" role="alert" data-testid="hex-error">
                {' '}
                The bytes could not be read: {cache.error.replace(/\.$/, '')}.{' '}
                <button type="button" className="link" onClick={() => cache.retry()}>
                  Try again
                </button>
              </span>
            )}
          </>
        ) : (
          'No such section.'
        )}
      </p>
      {nobits ? (
        <p className="empty">SHT_NOBITS: this section has no bytes in the file; the loader leaves its memory zeroed.</p>
      ) : (
        <div
          ref={scroller}
          className="hex-scroll mono"
          role="table"
          aria-label={`Bytes of ${escapeName(sec?.name ?? 'section')}`}
          tabIndex={0}
          data-rows={rows}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        >
          <div className="hx-body" style={{ height: Math.max(rows * ROW_H, ROW_H) }}>
            {rows === 0 ? <div className="vt-empty">This section is empty.</div> : lines}
          </div>
        </div>
      )}
    </div>
  );
}
