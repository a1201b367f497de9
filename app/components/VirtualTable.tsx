// A windowed table: only the rows in view (plus a few) are in the DOM, so 320k relocations
// scroll as smoothly as 30. Fixed row height; columns are a CSS grid shared by header and rows.
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { realScroll, scrollScale } from '../../src/view_model/virtual_scroll.ts';

export interface Column {
  id: string;
  header: string;
  /** Width in `ch`; with `grow` this is the minimum. */
  width: number;
  grow?: boolean;
  align?: 'left' | 'right';
  /** Tooltip of the header. */
  title?: string;
  cell(row: number): ReactNode;
  cellTitle?(row: number): string | undefined;
}

export interface VirtualTableProps {
  label: string;
  testId: string;
  rowCount: number;
  columns: Column[];
  rowHeight?: number;
  selected?: number | null;
  onSelect?(row: number): void;
  rowClassName?(row: number): string | undefined;
  /** Text shown instead of rows when rowCount is 0. */
  empty?: string;
}

const OVERSCAN = 8;

export function VirtualTable({
  label,
  testId,
  rowCount,
  columns,
  rowHeight = 22,
  selected = null,
  onSelect,
  rowClassName,
  empty,
}: VirtualTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  /** Virtual scroll position: the scroller's scrollTop, scaled when the rows are too tall for the browser. */
  const [scrollTop, setScrollTop] = useState(0);
  /** The last position set by reveal(), exact, and the scrollTop it was given (rounded by the browser). */
  const pinned = useRef({ real: -1, virtual: 0 });
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A new data set starts at the top.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    pinned.current = { real: -1, virtual: 0 };
    setScrollTop(0);
  }, [rowCount, columns]);

  const template = columns.map((c) => (c.grow ? `minmax(${c.width}ch, 1fr)` : `${c.width}ch`)).join(' ');
  const minWidth = `calc(${columns.reduce((sum, c) => sum + c.width, 0)}ch + ${columns.length * 10 + 8}px)`;

  const headerHeight = rowHeight + 4;
  const scale = scrollScale(rowCount, rowHeight, headerHeight, viewport);
  // rows sit where the virtual position puts them, inside a body capped at scale.body
  const shift = scrollTop - realScroll(scale, scrollTop);
  const first = Math.max(0, Math.floor((scrollTop - headerHeight) / rowHeight) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewport) / rowHeight) + OVERSCAN);

  const reveal = useCallback(
    (row: number) => {
      const el = scroller.current;
      if (!el) return;
      const top = headerHeight + row * rowHeight;
      const at = el.scrollTop === pinned.current.real ? pinned.current.virtual : el.scrollTop * scale.ratio;
      const to =
        top - headerHeight < at
          ? top - headerHeight
          : top + rowHeight > at + el.clientHeight
            ? top + rowHeight - el.clientHeight
            : at;
      if (to === at) return;
      el.scrollTop = realScroll(scale, to);
      pinned.current = { real: el.scrollTop, virtual: to };
      setScrollTop(to);
    },
    [headerHeight, rowHeight, scale.ratio],
  );

  // A selection made elsewhere (a link from another view) is scrolled into view.
  useEffect(() => {
    if (selected !== null && selected >= 0) reveal(selected);
  }, [selected, rowCount, columns, reveal]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (rowCount === 0) return;
    const page = Math.max(1, Math.floor(viewport / rowHeight) - 1);
    const current = selected ?? -1;
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(rowCount - 1, current + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, current - 1);
        break;
      case 'PageDown':
        next = Math.min(rowCount - 1, current + page);
        break;
      case 'PageUp':
        next = Math.max(0, current - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rowCount - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    if (onSelect) onSelect(next);
    reveal(next);
  };

  const rows: ReactNode[] = [];
  for (let r = first; r < last; r++) {
    const extra = rowClassName?.(r);
    rows.push(
      <div
        key={r}
        role="row"
        aria-rowindex={r + 2}
        aria-selected={onSelect ? selected === r : undefined}
        className={`vt-row${selected === r ? ' selected' : ''}${r % 2 ? ' odd' : ''}${extra ? ` ${extra}` : ''}`}
        style={{ top: r * rowHeight - shift, height: rowHeight, gridTemplateColumns: template }}
        onClick={onSelect ? () => onSelect(r) : undefined}
      >
        {columns.map((c) => (
          <div
            key={c.id}
            role="cell"
            className={`vt-cell ${c.align === 'right' ? 'right' : ''} col-${c.id}`}
            title={c.cellTitle?.(r)}
          >
            {c.cell(r)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="vt"
      role="table"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      data-testid={testId}
      data-rows={rowCount}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        const real = e.currentTarget.scrollTop;
        setScrollTop(real === pinned.current.real ? pinned.current.virtual : real * scale.ratio);
      }}
    >
      <div role="rowgroup" className="vt-head" style={{ minWidth }}>
        <div
          role="row"
          aria-rowindex={1}
          className="vt-row vt-header"
          style={{ height: headerHeight, gridTemplateColumns: template }}
        >
          {columns.map((c) => (
            <div
              key={c.id}
              role="columnheader"
              className={`vt-cell ${c.align === 'right' ? 'right' : ''}`}
              title={c.title}
            >
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="vt-body" style={{ height: Math.max(scale.body, rowHeight), minWidth }}>
        {rowCount === 0 ? <div className="vt-empty">{empty ?? 'Nothing to show.'}</div> : rows}
      </div>
    </div>
  );
}
